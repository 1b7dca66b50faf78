"""The fetch step: poll every due feed, turn new entries into stored articles, record feed health.

Feeds are polled concurrently (the fetcher bounds connections overall and per host). Each feed is
handled on its own and committed article by article: one broken feed or page never stops the others, and
a process killed mid-feed loses nothing already stored — the feed's validators are saved last, so the next
run re-reads it and de-duplicates what it already has.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.ingest.claimreview import parse_claim_reviews
from claimwatch.ingest.feeds import FeedEntry, FeedParseError, ParsedFeed, parse_feed
from claimwatch.ingest.http import Fetcher, FetchError, Response
from claimwatch.ingest.language import detect_language
from claimwatch.ingest.pages import extract_page
from claimwatch.ingest.ratings import RatingScale
from claimwatch.ingest.search import all_feeds, parse_gdelt
from claimwatch.ingest.topics import match_topics
from claimwatch.ingest.urls import canonical_url, same_site, unwrap_redirect
from claimwatch.store.articles import NewArticle, add_sighting, known_article, save_article
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import upsert_factchecks
from claimwatch.store.models import FetchLog, Source, utcnow
from claimwatch.store.sources import MAX_BACKOFF, is_due, record_failure, record_success, sync_sources
from claimwatch.store.writes import exclusive_writes

log = logging.getLogger(__name__)


@dataclass
class FeedOutcome:
    """What happened to one feed in one run, for the summary table and the logs."""

    name: str
    url: str
    outcome: str  # ok | not_modified | skipped | interrupted | error
    status: int | None = None
    entries: int = 0
    new_articles: int = 0
    error: str | None = None


@dataclass(frozen=True)
class _Feed:
    id: int
    name: str
    url: str
    outlet: str | None
    kind: str


def fetch_feeds(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    job_run_id: int | None = None,
    on_feed: Callable[[FeedOutcome], None] | None = None,
    stop: threading.Event | None = None,
) -> list[FeedOutcome]:
    """Poll every configured feed and search that is due; one outcome per feed, in config order.

    When `stop` is set, feeds not yet started are skipped and a feed being read stops between entries
    without saving its validators, so the next run reads it again."""
    with transaction(factory) as session:
        feeds = [_Feed(s.id, s.name, s.url, s.outlet, s.kind) for s in sync_sources(session, all_feeds(settings))]

    def poll(feed: _Feed) -> FeedOutcome:
        if stop is not None and stop.is_set():
            return FeedOutcome(feed.name, feed.url, "skipped", error="stopping")
        try:
            outcome = _fetch_one(settings, factory, fetcher, feed, job_run_id, stop)
        except Exception as exc:  # a bug or a database fault in one feed must not stop the rest
            log.exception(
                "feed failed unexpectedly: %s (%s)",
                feed.name,
                feed.url,
                extra={"job": "fetch", "feed": feed.name, "feed_url": feed.url, "error_kind": type(exc).__name__},
            )
            outcome = FeedOutcome(feed.name, feed.url, "error", error=f"{type(exc).__name__}: {exc}")
        if on_feed:
            on_feed(outcome)
        return outcome

    with (
        Fetcher(settings.fetch) as fetcher,
        ThreadPoolExecutor(max_workers=settings.fetch.max_connections, thread_name_prefix="fetch") as pool,
    ):
        return list(pool.map(poll, feeds))


def poll_feed(settings: Settings, factory: sessionmaker[Session], source_id: int) -> FeedOutcome:
    """Poll one stored feed if it is due: the unit of work of a distributed-mode worker."""
    with factory() as session:
        source = session.get(Source, source_id)
        if source is None:
            raise LookupError(f"no feed with id {source_id}")
        feed = _Feed(source.id, source.name, source.url, source.outlet, source.kind)
    with Fetcher(settings.fetch) as fetcher:
        return _fetch_one(settings, factory, fetcher, feed, None, None)


def sync_feeds(settings: Settings, factory: sessionmaker[Session]) -> list[int]:
    """Store the configured feeds and searches; their ids, in config order."""
    with transaction(factory) as session:
        return [source.id for source in sync_sources(session, all_feeds(settings))]


def _parse(feed: _Feed, response: Response) -> ParsedFeed:
    if feed.kind == "gdelt":
        return parse_gdelt(response.body)
    return parse_feed(response.body, response.url, content_type=response.headers.get("content-type"))


def _fresh_until(response: Response, parsed: ParsedFeed | None) -> datetime | None:
    """When the feed is worth asking again, from Cache-Control max-age or the RSS <ttl>."""
    seconds = max(response.max_age or 0.0, (parsed.ttl_minutes or 0) * 60.0 if parsed else 0.0)
    return utcnow() + min(timedelta(seconds=seconds), MAX_BACKOFF) if seconds else None


def _fetch_one(
    settings: Settings,
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    feed: _Feed,
    job_run_id: int | None,
    stop: threading.Event | None,
) -> FeedOutcome:
    with factory() as session:
        source = session.get(Source, feed.id)
        assert source is not None
        etag, last_modified, due = source.etag, source.last_modified, is_due(source, utcnow())
    if not due:
        return FeedOutcome(feed.name, feed.url, "skipped")

    clock = time.monotonic()
    entry_log = FetchLog(source_id=feed.id, job_run_id=job_run_id, started_at=utcnow(), outcome="ok")
    try:
        response = fetcher.get(feed.url, etag=etag, last_modified=last_modified)
        parsed = None if response.not_modified else _parse(feed, response)
    except (FetchError, FeedParseError) as exc:
        status = exc.status if isinstance(exc, FetchError) else None
        retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        entry_log.outcome, entry_log.status_code, entry_log.error = "error", status, str(exc)
        entry_log.duration_ms = int((time.monotonic() - clock) * 1000)
        with transaction(factory) as session:
            source = session.get(Source, feed.id)
            assert source is not None
            record_failure(session, source, status=status, error=str(exc), log=entry_log, retry_after=retry_after)
        log.warning(
            "feed failed: %s (%s): %s",
            feed.name,
            feed.url,
            exc,
            extra={
                "job": "fetch",
                "feed": feed.name,
                "feed_url": feed.url,
                "http_status": status,
                "error_kind": f"http {status}" if status else type(exc.__cause__ or exc).__name__,
            },
        )
        return FeedOutcome(feed.name, feed.url, "error", status=status, error=str(exc))

    new = failed = 0
    if parsed is None:
        entry_log.outcome = "not_modified"
    else:
        for entry in parsed.entries:
            if stop is not None and stop.is_set():
                log.info("stopping: %s left unfinished, to be read again next time", feed.url)
                return FeedOutcome(
                    feed.name,
                    feed.url,
                    "interrupted",
                    status=response.status,
                    entries=len(parsed.entries),
                    new_articles=new,
                )
            try:
                new += _ingest_entry(settings, factory, fetcher, feed, parsed.title, entry)
            except Exception:  # keep going with the next entry; the log says which one failed
                failed += 1
                log.exception(
                    "entry failed: %s (feed %s)",
                    entry.url,
                    feed.name,
                    extra={"job": "fetch", "feed": feed.name, "feed_url": feed.url, "entry_url": entry.url},
                )
        entry_log.entries, entry_log.new_articles = len(parsed.entries), new
        entry_log.error = f"feed parsed with warnings: {parsed.warning}" if parsed.warning else None
        if failed:
            entry_log.error = f"{failed} of {len(parsed.entries)} entries failed; the feed is read whole next time"
    entry_log.status_code = response.status
    entry_log.duration_ms = int((time.monotonic() - clock) * 1000)
    with transaction(factory) as session:
        source = session.get(Source, feed.id)
        assert source is not None
        record_success(
            session,
            source,
            status=response.status,
            # with an entry not stored, no validators: a 304 next time would lose it for good
            etag=None if failed else response.headers.get("etag"),
            last_modified=None if failed else response.headers.get("last-modified"),
            next_check_at=None if failed else _fresh_until(response, parsed),
            log=entry_log,
        )
    return FeedOutcome(
        feed.name,
        feed.url,
        entry_log.outcome,
        status=response.status,
        entries=entry_log.entries,
        new_articles=new,
        error=entry_log.error,
    )


def _ingest_entry(
    settings: Settings,
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    feed: _Feed,
    feed_title: str | None,
    entry: FeedEntry,
) -> int:
    """Store one feed entry as an article (or a new sighting of a known one); 1 if an article was added."""
    link = unwrap_redirect(entry.url)
    url = canonical_url(link)
    outlet = feed_outlet = entry.outlet or feed.outlet or feed_title
    if _sighted(factory, feed.id, entry, url=url, title=entry.title, outlet=feed_outlet, when=entry.published_at):
        return 0

    text, text_source, title, author, published, raw = (
        entry.summary,
        "summary",
        entry.title,
        entry.author,
        entry.published_at,
        None,
    )
    if settings.fetch.fetch_pages:
        try:
            page_response = fetcher.get(link)
            url = canonical_url(page_response.url)  # where redirects ended
            page = extract_page(page_response.body, page_response.url, search_date=published is None)
            if page is not None and page.canonical_url and same_site(page.canonical_url, page_response.url):
                url = canonical_url(page.canonical_url)
            if page is not None and page.site_name and not entry.outlet:
                outlet = page.site_name  # the publisher's own name beats the feed's (syndicated stories)
            if page is not None and len(page.text) >= settings.fetch.min_text_chars:
                text, text_source = page.text, "page"
                title = title or page.title
                author = author or page.author
                published = published or _page_date(page.date)
            if settings.fetch.keep_raw_html:
                raw = zlib.compress(page_response.body)
            if feed.kind == "factcheck":
                _store_claim_reviews(settings, factory, page_response)
        except FetchError as exc:
            log.info(
                "page not fetched, using the feed summary: %s",
                exc,
                extra={"job": "fetch", "feed": feed.name, "page_url": url, "http_status": exc.status},
            )

    new = NewArticle(
        url=url,
        title=title,
        outlet=outlet,
        author=author,
        published_at=published,
        text=text,
        text_source=text_source,
        language=detect_language(text),
        topics=match_topics(f"{title or ''}\n{text}", settings.topics),
        guid=entry.guid,
        raw_html=raw,
        feed_outlet=feed_outlet,
    )
    # Checked again under the lock: redirects or rel=canonical may lead to a stored article, and a
    # concurrent feed may have stored the same story meanwhile.
    with exclusive_writes(factory):
        if _sighted(factory, feed.id, entry, url=url, title=title, outlet=feed_outlet, when=published):
            return 0
        with transaction(factory) as session:
            source = session.get(Source, feed.id)
            assert source is not None
            save_article(session, new, source, entry_url=entry.url)
    return 1


def _store_claim_reviews(settings: Settings, factory: sessionmaker[Session], page: Response) -> None:
    """Fact-checkers' pages carry ClaimReview markup: store each review as a fact-check."""
    records, problems = parse_claim_reviews(page.body, page.url)
    for problem in problems:
        log.warning("ClaimReview: %s", problem)
    if records:
        with transaction(factory) as session:
            upsert_factchecks(session, records, RatingScale(settings.factchecks.ratings))


def _sighted(
    factory: sessionmaker[Session],
    source_id: int,
    entry: FeedEntry,
    *,
    url: str,
    title: str | None,
    outlet: str | None,
    when: datetime | None,
) -> bool:
    """Record a sighting and return True when the entry is an article already stored."""
    with transaction(factory) as session:
        known = known_article(session, url=url, guid=entry.guid, title=title, outlet=outlet, when=when)
        if known is None:
            return False
        source = session.get(Source, source_id)
        assert source is not None
        add_sighting(session, known, source, guid=entry.guid, url=entry.url)
        return True


def _page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
