"""`claimwatch health`: what a monitor asks of the daemon, answered from the store.

Degraded when the store cannot be read, when no cycle has succeeded within two intervals, when more than
`MAX_FAILING_SHARE` of the enabled feeds are failing, or when the digest is overdue (recipients are set and
no digest window has closed for a day and six hours: the digest's misfire grace).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from claimwatch.config.settings import Settings
from claimwatch.store.digests import last_window_end
from claimwatch.store.reports import failing_feeds, last_success

MAX_FAILING_SHARE = 0.5
DIGEST_GRACE = timedelta(hours=6)


def check_health(settings: Settings, engine: Engine, now: datetime | None = None) -> list[str]:
    """The reasons the service is degraded; empty when healthy."""
    now = now or datetime.now(timezone.utc)
    try:
        with Session(engine) as session:
            return _problems(settings, session, now)
    except SQLAlchemyError as exc:
        return [f"store unreachable: {type(exc).__name__}: {str(exc).splitlines()[0]}"]


def _problems(settings: Settings, session: Session, now: datetime) -> list[str]:
    problems = []
    interval = timedelta(minutes=settings.schedule.fetch_every_minutes)
    last_ok = last_success(session, "cycle")
    if last_ok is None:
        problems.append("no cycle has succeeded yet")
    elif now - last_ok > 2 * interval:
        problems.append(f"no successful cycle since {last_ok:%Y-%m-%d %H:%M} UTC (more than 2 intervals)")
    enabled, failing = failing_feeds(session)
    if enabled and failing / enabled > MAX_FAILING_SHARE:
        problems.append(f"{failing} of {enabled} feeds are failing")
    if settings.digest.recipients:
        period = (
            timedelta(minutes=settings.schedule.digest_every_minutes)
            if settings.schedule.digest_every_minutes
            else timedelta(days=1)
        )
        last = last_window_end(session)
        if last is not None and now - last > period + DIGEST_GRACE:
            problems.append(f"digest overdue: the last one closed its window at {last:%Y-%m-%d %H:%M} UTC")
    return problems
