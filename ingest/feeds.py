"""Feed parsing: bytes that the fetcher fetched in, entries with absolute links and UTC dates out.

feedparser never sees a URL (it has no timeout); it gets the body and the final URL as base for
relative links. A feed with recoverable problems keeps its good entries and reports a warning.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from .encoding import repair_utf8


class FeedParseError(Exception):
    """The body is not a feed that any entry can be taken from."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    guid: str | None
    title: str | None
    summary: str
    published_at: datetime | None
    author: str | None
    outlet: str | None = None  # set by aggregators that name each entry's publisher


@dataclass
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str | None = None
    ttl_minutes: int | None = None  # RSS <ttl>: how long the feed may be cached


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment such as a feed summary."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def _when(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # plain dict lookup: no feedparser key-aliasing fallbacks
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
            except (OverflowError, ValueError):
                continue
    return None


def parse_feed(body: bytes, base_url: str, *, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body; raise FeedParseError when nothing usable is in it."""
    # No content-location: feedparser would resolve opaque RSS <guid>s against it as if they were URLs.
    # Relative links are resolved against the feed's URL below instead.
    body, repaired = repair_utf8(body, content_type)
    parsed = feedparser.parse(body, response_headers={"content-type": content_type} if content_type else {})
    warning = "invalid UTF-8 byte runs decoded as a Windows code page" if repaired else None
    if parsed.bozo:
        problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
        if not parsed.entries:
            raise FeedParseError(f"not a usable feed ({problem})")
        warning = f"{warning}; {problem}" if warning else problem
    if not parsed.get("version") and not parsed.entries:
        raise FeedParseError("not a feed: no RSS or Atom root element")
    entries = []
    for raw in parsed.entries:
        link = raw.get("link") or ""
        if raw.get("guidislink") and not link.startswith(("http://", "https://")):
            link = ""  # an RSS <guid> taken as permalink by default, but it is an opaque id, not a URL
        if not link:
            continue
        title = raw.get("title")
        entries.append(
            FeedEntry(
                url=urljoin(base_url, link.strip()),
                guid=raw.get("id") or None,
                title=html_to_text(title) if title else None,
                summary=html_to_text(raw.get("summary") or ""),
                published_at=_when(raw),
                author=raw.get("author") or None,
                outlet=(raw.get("source") or {}).get("title") or None,
            )
        )
    ttl = str(parsed.feed.get("ttl", "")).strip()
    return ParsedFeed(
        title=parsed.feed.get("title"),
        entries=entries,
        warning=warning,
        ttl_minutes=int(ttl) if ttl.isdigit() else None,
    )
