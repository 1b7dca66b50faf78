"""Topic searches as sources: Google News RSS search and the GDELT DOC 2.0 API, queried with the
terms of a configured topic. Google News answers with RSS (parsed like any feed); GDELT with JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlencode

from claimwatch.config.settings import FeedSettings, Settings, TopicSettings

from .feeds import FeedEntry, FeedParseError, ParsedFeed

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search"
GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
GDELT_MAX_RECORDS = 250


def _term(term: str) -> str:
    return f'"{term}"' if " " in term or "-" in term else term


def topic_query(topic: TopicSettings) -> str:
    """The topic rule as a search query: all terms, one of the any terms, none of the none terms."""
    parts = [_term(t) for t in topic.all]
    if topic.any:
        anys = [_term(t) for t in topic.any]
        parts.append(anys[0] if len(anys) == 1 else "(" + " OR ".join(anys) + ")")
    parts += [f"-{_term(t)}" for t in topic.none]
    return " ".join(parts)


def google_news_url(topic: TopicSettings, *, language: str = "en", country: str = "US") -> str:
    query = {"q": topic_query(topic), "hl": f"{language}-{country}", "gl": country, "ceid": f"{country}:{language}"}
    return f"{GOOGLE_NEWS_SEARCH}?{urlencode(query)}"


def gdelt_url(topic: TopicSettings, *, timespan: str = "1d") -> str:
    query = {
        "query": f"{topic_query(topic)} sourcelang:english",
        "mode": "artlist",
        "format": "json",
        "maxrecords": str(GDELT_MAX_RECORDS),
        "sort": "datedesc",
        "timespan": timespan,
    }
    return f"{GDELT_DOC_API}?{urlencode(query)}"


def _seen_date(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value or "", "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_gdelt(body: bytes) -> ParsedFeed:
    """Entries of a GDELT DOC API `artlist` JSON answer; raises FeedParseError on anything else."""
    try:
        data = json.loads(body.decode("utf-8-sig") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        # GDELT answers query errors with a plain-text sentence and status 200.
        snippet = body[:200].decode("utf-8", "replace").strip()
        raise FeedParseError(f"GDELT answer is not JSON: {snippet!r}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise FeedParseError("GDELT answer has no 'articles' list")
    entries = [
        FeedEntry(
            url=item["url"],
            guid=item["url"],
            title=item.get("title") or None,
            summary="",
            published_at=_seen_date(item.get("seendate")),
            author=None,
            outlet=item.get("domain") or None,
        )
        for item in data.get("articles", [])
        if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"].startswith("http")
    ]
    return ParsedFeed(title="GDELT", entries=entries)


def search_feeds(settings: Settings) -> list[FeedSettings]:
    """The configured searches as feeds with their query URLs built from the topics."""
    topics = {t.name: t for t in settings.topics}
    builders = {"google_news": google_news_url, "gdelt": gdelt_url}
    return [
        FeedSettings(name=s.name, url=builders[s.provider](topics[s.topic]), kind=s.provider) for s in settings.searches
    ]


def all_feeds(settings: Settings) -> list[FeedSettings]:
    """Plain feeds and topic searches: every source a fetch cycle polls."""
    return [*settings.feeds, *search_feeds(settings)]
