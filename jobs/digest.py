"""The daily digest: what the store gained since the last digest, as a multipart email.

Sections: new claims and their spread, fact-check status changes, the most repeated claims, notable quotes
from the key actors, new articles by outlet, and feeds in trouble. Article titles, quotes and claims come
from third-party pages, so the HTML template autoescapes everything and the plain-text part is plain.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from itertools import groupby
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.store import digests
from claimwatch.store.db import transaction
from claimwatch.store.models import Claim, Source
from claimwatch.store.reports import ArticleItem, most_repeated_claims, new_articles, troubled_feeds

from .mailer import SendFailed, SendUncertain, send

log = logging.getLogger(__name__)

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
    claims: list[digests.ClaimItem] = field(default_factory=list)
    status_changes: list[digests.StatusItem] = field(default_factory=list)
    repeated: list[tuple[Claim, int, int]] = field(default_factory=list)
    quotes: list[digests.QuoteItem] = field(default_factory=list)
    articles: list[ArticleItem] = field(default_factory=list)
    troubled_feeds: list[Source] = field(default_factory=list)
    claims_shown: int = 15

    @property
    def by_outlet(self) -> list[tuple[str, list[ArticleItem]]]:
        return [(outlet, list(items)) for outlet, items in groupby(self.articles, key=lambda a: a.outlet)]

    @property
    def item_count(self) -> int:
        """The headline count: new claims, status changes and new articles."""
        return len(self.claims) + len(self.status_changes) + len(self.articles)

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0 and not self.troubled_feeds


@dataclass
class DigestOutcome:
    status: str  # sent | failed | uncertain | empty | nothing-to-send
    message_id: str | None = None
    items: int = 0
    error: str | None = None


def build_digest(session: Session, settings: Settings, start: datetime, end: datetime) -> Digest:
    key_actors = [a.name for a in settings.actors if a.type == "PERSON"]
    return Digest(
        start,
        end,
        claims=digests.new_claims(session, start, end, min_checkworthiness=settings.nlp.checkworthy_threshold),
        status_changes=digests.status_changes(session, start, end),
        repeated=most_repeated_claims(session, limit=settings.digest.repeated_claims, since=start),
        quotes=digests.notable_quotes(session, start, end, key_actors, settings.digest.quotes),
        articles=new_articles(session, start, end),
        troubled_feeds=troubled_feeds(session),
        claims_shown=settings.digest.claims,
    )


def message_id(digest: Digest, settings: Settings) -> str:
    """Stable for a window: a re-send of the same digest carries the same Message-ID."""
    domain = settings.digest.sender.rpartition("@")[2] or "localhost"
    return f"<digest.{digest.window_start:%Y%m%dT%H%M%S}.{digest.window_end:%Y%m%dT%H%M%S}@{domain}>"


def subject(digest: Digest, settings: Settings) -> str:
    parts = [f"{len(digest.claims)} new claim{'s' if len(digest.claims) != 1 else ''}"]
    if digest.status_changes:
        parts.append(f"{len(digest.status_changes)} status change{'s' if len(digest.status_changes) != 1 else ''}")
    parts.append(f"{len(digest.articles)} new article{'s' if len(digest.articles) != 1 else ''}")
    return f"[{settings.digest.subject_prefix}] {digest.window_end:%Y-%m-%d}: {', '.join(parts)}"


def render_text(digest: Digest) -> str:
    return _env.get_template("digest.txt").render(digest=digest)


def render_html(digest: Digest) -> str:
    return _env.get_template("digest.html").render(digest=digest)


def compose(digest: Digest, settings: Settings) -> EmailMessage:
    """A multipart/alternative message: plain text first, then HTML."""
    message = EmailMessage()
    message["Subject"] = subject(digest, settings)
    message["From"] = settings.digest.sender
    message["To"] = ", ".join(settings.digest.recipients) or settings.digest.sender
    message["Date"] = format_datetime(digest.window_end)
    message["Message-ID"] = message_id(digest, settings)
    if settings.digest.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{settings.digest.list_unsubscribe}>"
    message.set_content(render_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    return message


def write_preview(digest: Digest, settings: Settings, path: Path) -> tuple[Path, Path]:
    """Write the HTML to `path` and the whole message beside it as .eml; nothing is sent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(digest), encoding="utf-8")
    eml = path.with_suffix(".eml")
    eml.write_bytes(bytes(compose(digest, settings)))
    return path, eml


def _deliver(settings: Settings, factory: sessionmaker[Session], digest: Digest) -> DigestOutcome:
    message = compose(digest, settings)
    mid = message["Message-ID"]
    with transaction(factory) as session:  # recorded before the first byte is sent
        run_id = digests.begin_attempt(
            session, digest.window_start, digest.window_end, mid, list(settings.digest.recipients), digest.item_count
        ).id
    attempt = 0
    while True:
        try:
            send(message, settings.digest)
            status, error = "sent", None
        except SendUncertain as exc:
            status, error = "uncertain", str(exc)
        except SendFailed as exc:
            status, error = "failed", str(exc)
            if attempt < settings.digest.send_retries:
                attempt += 1
                log.warning("digest send failed (%s); try %d of %d", exc, attempt, settings.digest.send_retries)
                time.sleep(settings.digest.retry_backoff * attempt)
                continue
        break
    with transaction(factory) as session:
        digests.finish_attempt(session, run_id, status, error)
    if status != "sent":
        log.error("digest %s: %s", status, error)
    return DigestOutcome(status, mid, digest.item_count, error)


def send_digest(settings: Settings, factory: sessionmaker[Session], now: datetime) -> DigestOutcome:
    """Build and send the digest of the window since the last one that went out."""
    with transaction(factory) as session:
        for stuck in digests.settle_interrupted(session):
            log.error(
                "digest %s was being sent when its process ended: marked uncertain, not re-sent", stuck.message_id
            )
        start, end = digests.window(session, now)
        digest = build_digest(session, settings, start, end)
        if digest.is_empty and not settings.digest.send_when_empty:
            mid = message_id(digest, settings)
            digests.record_empty(session, start, end, mid)
            return DigestOutcome("empty", mid)
    if not settings.digest.recipients:
        return DigestOutcome("nothing-to-send", error="no [digest] recipients configured")
    return _deliver(settings, factory, digest)


def resend_last(settings: Settings, factory: sessionmaker[Session]) -> DigestOutcome:
    """`--force`: send the last digest that went out (or may have) again, same window, same Message-ID."""
    with factory() as session:
        last = digests.last_delivered(session)
        if last is None:
            return DigestOutcome("nothing-to-send", error="no digest has been sent yet")
        digest = build_digest(session, settings, last.window_start, last.window_end)
    return _deliver(settings, factory, digest)


def preview(settings: Settings, factory: sessionmaker[Session], now: datetime, path: Path) -> tuple[Digest, Path, Path]:
    """The digest that would be sent now, written to files; the window is not advanced."""
    with factory() as session:
        start, end = digests.window(session, now)
        digest = build_digest(session, settings, start, end)
    html_path, eml_path = write_preview(digest, settings, path)
    return digest, html_path, eml_path
