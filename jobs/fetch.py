"""The fetch step: poll every due feed, turn new entries into stored articles, record feed health.

Each feed is handled on its own and committed article by article: one broken feed or page never stops
the others, and a process killed mid-feed loses nothing that was already stored (the feed's validators are
saved last, so the next run re-reads it and de-duplicates what it already has).
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.ingest.feeds import FeedEntry, FeedParseError, parse_feed
from claimwatch.ingest.http import Fetcher, FetchError
from claimwatch.ingest.language import detect_language
from claimwatch.ingest.pages import extract_page
from claimwatch.ingest.topics import match_topics
from claimwatch.ingest.urls import canonical_url
from claimwatch.store.articles import NewArticle, add_sighting, known_article, save_article
from claimwatch.store.db import transaction
from claimwatch.store.models import FetchLog, Source, utcnow
from claimwatch.store.sources import is_due, record_failure, record_success, sync_sources

log = logging.getLogger(__name__)


@dataclass
class FeedOutcome:
    """What happened to one feed in one run, for the summary table and the logs."""

    name: str
    url: str
    outcome: str  # ok | not_modified | skipped | error
    status: int | None = None
    entries: int = 0
    new_articles: int = 0
    error: str | None = None


def fetch_feeds(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    job_run_id: int | None = None,
    on_feed: Callable[[FeedOutcome], None] | None = None,
) -> list[FeedOutcome]:
    """Poll every configured feed that is due; return one outcome per feed, in config order."""
    with transaction(factory) as session:
        sources = [(s.id, s.name, s.url) for s in sync_sources(session, settings.feeds)]
    outcomes = []
    with Fetcher(settings.fetch) as fetcher:
        for source_id, name, url in sources:
            try:
                outcome = _fetch_one(settings, factory, fetcher, source_id, job_run_id)
            except Exception as exc:  # a bug or a database fault in one feed must not stop the rest
                log.exception("feed failed unexpectedly", extra={"feed_url": url})
                outcome = FeedOutcome(name, url, "error", error=f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            if on_feed:
                on_feed(outcome)
    return outcomes


def _fetch_one(
    settings: Settings,
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    source_id: int,
    job_run_id: int | None,
) -> FeedOutcome:
    with transaction(factory) as session:
        source = session.get(Source, source_id)
        assert source is not None
        name, url, outlet = source.name, source.url, source.outlet
        etag, last_modified = source.etag, source.last_modified
        due = is_due(source, utcnow())
    if not due:
        return FeedOutcome(name, url, "skipped")

    started = utcnow()
    clock = time.monotonic()
    entry_log = FetchLog(source_id=source_id, job_run_id=job_run_id, started_at=started, outcome="ok")
    try:
        response = fetcher.get(url, etag=etag, last_modified=last_modified)
        if response.not_modified:
            entry_log.outcome, entry_log.status_code = "not_modified", 304
            _finish(factory, source_id, entry_log, clock, response.status, None, None)
            return FeedOutcome(name, url, "not_modified", status=304)
        feed = parse_feed(response.body, response.url, content_type=response.headers.get("content-type"))
    except (FetchError, FeedParseError) as exc:
        status = exc.status if isinstance(exc, FetchError) else None
        entry_log.outcome, entry_log.status_code, entry_log.error = "error", status, str(exc)
        entry_log.duration_ms = int((time.monotonic() - clock) * 1000)
        with transaction(factory) as session:
            source = session.get(Source, source_id)
            assert source is not None
            record_failure(session, source, status=status, error=str(exc), log=entry_log)
        log.warning("feed failed: %s", exc, extra={"feed_url": url})
        return FeedOutcome(name, url, "error", status=status, error=str(exc))

    new = 0
    for entry in feed.entries:
        try:
            new += _ingest_entry(settings, factory, fetcher, source_id, outlet or feed.title, entry)
        except Exception:  # keep going with the next entry; the log says which one failed
            log.exception("entry failed", extra={"feed_url": url, "entry_url": entry.url})
    entry_log.status_code, entry_log.entries, entry_log.new_articles = response.status, len(feed.entries), new
    entry_log.error = f"feed parsed with warnings: {feed.warning}" if feed.warning else None
    _finish(
        factory,
        source_id,
        entry_log,
        clock,
        response.status,
        response.headers.get("etag"),
        response.headers.get("last-modified"),
    )
    return FeedOutcome(name, url, "ok", status=response.status, entries=len(feed.entries), new_articles=new,
                       error=entry_log.error)


def _finish(
    factory: sessionmaker[Session],
    source_id: int,
    entry_log: FetchLog,
    clock: float,
    status: int,
    etag: str | None,
    last_modified: str | None,
) -> None:
    entry_log.duration_ms = int((time.monotonic() - clock) * 1000)
    with transaction(factory) as session:
        source = session.get(Source, source_id)
        assert source is not None
        record_success(
            session, source, status=status, etag=etag, last_modified=last_modified, next_check_at=None,
            log=entry_log,
        )


def _ingest_entry(
    settings: Settings,
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    source_id: int,
    outlet: str | None,
    entry: FeedEntry,
) -> int:
    """Store one feed entry as an article (or a new sighting of a known one); 1 if an article was added."""
    url = canonical_url(entry.url)
    with transaction(factory) as session:
        source = session.get(Source, source_id)
        assert source is not None
        known = known_article(session, url=url, guid=entry.guid)
        if known is not None:
            add_sighting(session, known, source, guid=entry.guid, url=entry.url)
            return 0

    text, text_source, title, author, published, raw = entry.summary, "summary", entry.title, entry.author, \
        entry.published_at, None
    if settings.fetch.fetch_pages:
        try:
            page_response = fetcher.get(entry.url)
            page = extract_page(page_response.body.decode("utf-8", "replace"), page_response.url)
            if page is not None and page.canonical_url:
                url = canonical_url(page.canonical_url)
            if page is not None and len(page.text) >= settings.fetch.min_text_chars:
                text, text_source = page.text, "page"
                title = title or page.title
                author = author or page.author
                outlet = outlet or page.site_name
                published = published or _page_date(page.date)
            if settings.fetch.keep_raw_html:
                raw = zlib.compress(page_response.body)
        except FetchError as exc:
            log.info("page not fetched, using the feed summary: %s", exc, extra={"entry_url": entry.url})

    topics = match_topics(f"{title or ''}\n{text}", settings.topics)
    new = NewArticle(
        url=url,
        title=title,
        outlet=outlet,
        author=author,
        published_at=published,
        text=text,
        text_source=text_source,
        language=detect_language(text),
        topics=topics,
        guid=entry.guid,
        raw_html=raw,
    )
    with transaction(factory) as session:
        source = session.get(Source, source_id)
        assert source is not None
        known = known_article(session, url=url, guid=entry.guid)  # the page's canonical URL may be known
        if known is not None:
            add_sighting(session, known, source, guid=entry.guid, url=entry.url)
            return 0
        save_article(session, new, source, entry_url=entry.url)
    return 1


def _page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
