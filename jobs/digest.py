"""The daily digest: what the store gained in a time window, rendered as plain text and HTML email.

Article titles and actor names come from third-party pages, so the HTML template autoescapes everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from itertools import groupby
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from claimwatch.config.settings import DigestSettings
from claimwatch.store.models import Source
from claimwatch.store.reports import ArticleItem, last_digest_end, new_articles, troubled_feeds

FIRST_WINDOW = timedelta(days=1)

_env = Environment(
    loader=PackageLoader("claimwatch.jobs", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class Digest:
    window_start: datetime
    window_end: datetime
    articles: list[ArticleItem] = field(default_factory=list)
    troubled_feeds: list[Source] = field(default_factory=list)

    @property
    def by_outlet(self) -> list[tuple[str, list[ArticleItem]]]:
        return [(outlet, list(items)) for outlet, items in groupby(self.articles, key=lambda a: a.outlet)]

    @property
    def item_count(self) -> int:
        return len(self.articles)

    @property
    def is_empty(self) -> bool:
        return not self.articles and not self.troubled_feeds


def digest_window(session: Session, now: datetime) -> tuple[datetime, datetime]:
    """From the end of the last digest sent (the first time: one day back) until now."""
    return (last_digest_end(session) or now - FIRST_WINDOW), now


def build_digest(session: Session, start: datetime, end: datetime) -> Digest:
    return Digest(start, end, new_articles(session, start, end), troubled_feeds(session))


def subject(digest: Digest, settings: DigestSettings) -> str:
    day = digest.window_end.strftime("%Y-%m-%d")
    return f"[{settings.subject_prefix}] {day}: {digest.item_count} new article{'s' if digest.item_count != 1 else ''}"


def render_text(digest: Digest) -> str:
    return _env.get_template("digest.txt").render(digest=digest)


def render_html(digest: Digest) -> str:
    return _env.get_template("digest.html").render(digest=digest)


def compose(digest: Digest, settings: DigestSettings, *, message_id: str | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML)."""
    message = EmailMessage()
    message["Subject"] = subject(digest, settings)
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients) or settings.sender
    message["Date"] = format_datetime(digest.window_end)
    message["Message-ID"] = message_id or make_msgid(domain=settings.sender.rpartition("@")[2] or "localhost")
    message.set_content(render_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    return message


def write_preview(digest: Digest, settings: DigestSettings, path: Path) -> tuple[Path, Path]:
    """Write the HTML to `path` and the whole message beside it as .eml; nothing is sent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(digest), encoding="utf-8")
    eml = path.with_suffix(".eml")
    eml.write_bytes(bytes(compose(digest, settings)))
    return path, eml
