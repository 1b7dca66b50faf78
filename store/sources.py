"""Feeds as stored: kept in step with the config, with their conditional-GET state and health."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimwatch.config.settings import FeedSettings

from .models import FetchLog, Source, utcnow

DISABLE_AFTER_FAILURES = 20
FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(days=1)


def sync_sources(session: Session, feeds: Sequence[FeedSettings]) -> list[Source]:
    """Create or update a Source per configured feed and return them in config order.

    Feeds dropped from the config keep their rows (their articles refer to them) but are not returned.
    """
    existing = {s.url: s for s in session.scalars(select(Source).where(Source.url.in_([f.url for f in feeds])))}
    sources = []
    for feed in feeds:
        source = existing.get(feed.url)
        if source is None:
            source = Source(url=feed.url, name=feed.name, outlet=feed.outlet, kind=feed.kind)
            session.add(source)
        else:
            source.name, source.outlet, source.kind = feed.name, feed.outlet, feed.kind
        sources.append(source)
    session.flush()
    return sources


def is_due(source: Source, now: datetime) -> bool:
    """Whether the feed should be polled now: enabled and past its backoff."""
    return source.enabled and (source.next_check_at is None or source.next_check_at <= now)


def record_success(
    session: Session,
    source: Source,
    *,
    status: int,
    etag: str | None,
    last_modified: str | None,
    next_check_at: datetime | None,
    log: FetchLog,
) -> None:
    """A feed answered: reset its failure count, keep its validators for the next conditional GET, and
    respect how long it said it stays fresh (`next_check_at`)."""
    source.last_fetched_at = log.started_at
    source.last_status = status
    source.consecutive_failures = 0
    source.last_error = log.error  # a parse warning, or None
    source.next_check_at = next_check_at
    if status != 304:
        source.etag, source.last_modified = etag, last_modified
    session.add(log)


def record_failure(
    session: Session,
    source: Source,
    *,
    status: int | None,
    error: str,
    log: FetchLog,
    retry_after: float | None = None,
) -> None:
    """A feed failed: count it, back off exponentially with jitter (or as long as the server's
    Retry-After asked, capped at a day), disable it after many failures in a row."""
    source.last_fetched_at = log.started_at
    source.last_status = status
    source.consecutive_failures += 1
    source.last_error = error
    backoff = FIRST_BACKOFF * 2 ** min(source.consecutive_failures - 1, 16) * random.uniform(1.0, 1.25)
    if retry_after is not None:
        backoff = max(backoff, timedelta(seconds=retry_after))
    source.next_check_at = utcnow() + min(backoff, MAX_BACKOFF)
    if source.consecutive_failures >= DISABLE_AFTER_FAILURES:
        source.enabled = False
    session.add(log)
