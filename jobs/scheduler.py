"""`claimwatch run`: the daemon. APScheduler runs the cycle on an interval, with explicit job ids,
one instance at a time, and missed runs coalesced into one."""

from __future__ import annotations

import logging
import signal
from datetime import datetime, timezone
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings

from .analyze import build_extractor
from .cycle import run_cycle

log = logging.getLogger(__name__)

CYCLE_JOB_ID = "cycle"


def build_scheduler(settings: Settings, factory: sessionmaker[Session]) -> BlockingScheduler:
    """A scheduler with the cycle job; the first cycle starts at once."""
    scheduler = BlockingScheduler(timezone=settings.schedule.timezone)
    extractor = None

    def cycle() -> None:
        nonlocal extractor
        extractor = extractor or build_extractor(settings)
        summary = run_cycle(settings, factory, extractor=extractor)
        log.info("cycle finished: %s", summary.as_dict())

    scheduler.add_job(
        cycle,
        IntervalTrigger(minutes=settings.schedule.fetch_every_minutes, timezone=settings.schedule.timezone),
        id=CYCLE_JOB_ID,
        name="fetch and analyze",
        next_run_time=datetime.now(timezone.utc),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=settings.schedule.fetch_every_minutes * 60 // 2,
    )
    return scheduler


def run_daemon(settings: Settings, factory: sessionmaker[Session]) -> None:
    """Run until SIGTERM or SIGINT; the running cycle is allowed to finish."""
    scheduler = build_scheduler(settings, factory)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, stopping after the current job", signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
