"""`claimwatch run`: the daemon.

APScheduler 3.11 runs four jobs with explicit ids, each with `max_instances=1` (never two at once),
`coalesce=True` (a backlog of missed runs runs once) and a `misfire_grace_time` chosen for the job (a run
late by up to that much still happens, instead of APScheduler's one-second default dropping it):

| id | trigger | grace |
| --- | --- | --- |
| `cycle` | every `fetch_every_minutes` (fetch → analyze → match) | half the interval |
| `factchecks` | every `factchecks_every_hours` (fact-check API, then match) | one hour |
| `digest` | daily at `digest_at` in `timezone` (DST-aware cron), or every `digest_every_minutes` | six hours |
| `housekeeping` | daily at `housekeeping_at` | twelve hours |

The jobs live in memory and are rebuilt from the config at every start and on SIGHUP, so renaming or
removing one never leaves a stale stored job. What ran is in `job_runs`: at start-up a job whose last
scheduled time passed while the daemon was down runs once at once, if that time is still within its grace.
SIGTERM and SIGINT set a stop flag that the running step checks between feeds and articles; the daemon
then waits for it to return and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sdnotify import SystemdNotifier
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.nlp.extract import Extractor
from claimwatch.nlp.pool import ExtractionPool
from claimwatch.store.db import transaction
from claimwatch.store.models import FetchLog, JobRun
from claimwatch.store.runs import job_run

from .analyze import build_extractor, build_pool
from .cycle import run_cycle
from .digest import send_digest
from .factchecks import refresh_factchecks
from .heap import release_free_memory
from .metrics import Metrics

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)


def triggers(settings: Settings) -> dict[str, tuple[BaseTrigger, int]]:
    """Each job's trigger and misfire grace (seconds), from the config."""
    schedule = settings.schedule
    zone = schedule.timezone
    fetch_seconds = schedule.fetch_every_minutes * 60
    hour, minute = (int(part) for part in schedule.digest_at.split(":"))
    clean_hour, clean_minute = (int(part) for part in schedule.housekeeping_at.split(":"))
    digest: BaseTrigger = (
        IntervalTrigger(seconds=schedule.digest_every_minutes * 60, timezone=zone)
        if schedule.digest_every_minutes
        else CronTrigger(hour=hour, minute=minute, timezone=zone)
    )
    return {
        "cycle": (IntervalTrigger(seconds=fetch_seconds, timezone=zone), max(1, int(fetch_seconds // 2))),
        "factchecks": (IntervalTrigger(seconds=schedule.factchecks_every_hours * 3600, timezone=zone), 3600),
        "digest": (digest, 6 * 3600),
        "housekeeping": (CronTrigger(hour=clean_hour, minute=clean_minute, timezone=zone), 12 * 3600),
    }


def previous_fire(trigger: BaseTrigger, now: datetime, horizon: timedelta = timedelta(days=2)) -> datetime | None:
    """The last time `trigger` fired at or before `now` (None for interval triggers and beyond `horizon`)."""
    if not isinstance(trigger, CronTrigger):
        return None
    fire, previous = trigger.get_next_fire_time(None, now - horizon), None
    while fire is not None and fire <= now:
        previous = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return previous


def next_fire(trigger: BaseTrigger, last_start: datetime | None, now: datetime) -> datetime | None:
    """When the daemon will next fire `trigger`, given the job's last start (for `claimwatch status`)."""
    if isinstance(trigger, IntervalTrigger):
        return max(now, last_start + trigger.interval) if last_start else now
    return trigger.get_next_fire_time(None, now)


def housekeeping(settings: Settings, factory: sessionmaker[Session]) -> dict[str, object]:
    """Prune old fetch_log and job_runs rows; checkpoint SQLite's write-ahead log."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=settings.schedule.keep_logs_days)
    with transaction(factory) as session:
        logs = session.execute(delete(FetchLog).where(FetchLog.started_at < cutoff)).rowcount
        runs = session.execute(delete(JobRun).where(JobRun.started_at < cutoff, JobRun.outcome != "running")).rowcount
    engine = factory.kw["bind"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("PRAGMA optimize"))
    return {"fetch_log_pruned": int(logs or 0), "job_runs_pruned": int(runs or 0)}


def watchdog_interval() -> float | None:
    """Seconds between watchdog pings: half of systemd's WatchdogSec (WATCHDOG_USEC), or None without one."""
    value = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not value or (pid and pid != str(os.getpid())):
        return None
    return int(value) / 1_000_000 / 2


class Daemon:
    """The scheduler, its jobs, and the signals that stop or reload it."""

    def __init__(
        self,
        load_settings: Callable[[], Settings],
        factory: sessionmaker[Session],
        extractor: Extractor | None = None,
        *,
        distributed: procrastinate.App | None = None,
    ) -> None:
        self._load = load_settings
        self.distributed = distributed  # distributed mode: the triggers defer tasks to this app's workers
        self.settings = load_settings()
        self.factory = factory
        self.stop = threading.Event()
        self._done = threading.Event()
        self._extractor = extractor  # built on first use; dropped on reload, since the config may change it
        self._pool: ExtractionPool | None = None  # extraction workers for the daemon's life ([nlp] n_process > 1)
        self.metrics = Metrics()
        self.scheduler = BackgroundScheduler(timezone=self.settings.schedule.timezone)

    # -- jobs -----------------------------------------------------------------------------------------
    def _run(self, job: str, work: Callable[[], dict[str, object] | None]) -> None:
        if self.stop.is_set():
            return
        try:
            if job in ("cycle", "reconcile"):
                work()  # run_cycle and dispatch keep their own job_runs row; reconcile runs too often for one
            else:
                with job_run(self.factory, job) as run:
                    run.summary = work() or {}
        except Exception:  # logged with its traceback; the job runs again at its next time
            log.exception("job %s failed; it will run again at its next scheduled time", job, extra={"job": job})
            self.metrics.job(job, "failed")
            return
        self.metrics.job(job, "ok")

    def _cycle(self) -> dict[str, object]:
        if self.distributed is not None:
            from .distributed import dispatch_cycle

            with job_run(self.factory, "cycle") as run:
                run.summary = {"distributed": True, **dispatch_cycle(self.distributed, self.settings, self.factory)}
            return run.summary
        self._extractor = self._extractor or build_extractor(self.settings)
        self._pool = self._pool or build_pool(self.settings)
        summary = run_cycle(self.settings, self.factory, extractor=self._extractor, pool=self._pool, stop=self.stop)
        release_free_memory()
        self.metrics.cycle(summary)
        return summary.as_dict()

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _factchecks(self) -> dict[str, object]:
        if self.distributed is not None:
            from .tasks import defer_once

            return {"deferred": defer_once(self.distributed, "refresh_factchecks", "factchecks")}
        summary = refresh_factchecks(self.settings, self.factory)
        for problem in summary.errors:
            log.warning("fact-checks: %s", problem)
        return {
            "new": summary.new,
            "updated": summary.updated,
            "confirmed": summary.confirmed,
            "suggested": summary.suggested,
        }

    def _digest(self) -> dict[str, object]:
        if self.distributed is not None:
            from .tasks import defer_once

            return {"deferred": defer_once(self.distributed, "send_digest", "digest")}
        outcome = send_digest(self.settings, self.factory, datetime.now(timezone.utc))
        self.metrics.digest(outcome.status)
        if outcome.status in ("failed", "uncertain"):
            raise RuntimeError(f"digest {outcome.status}: {outcome.error}")
        return {"status": outcome.status, "items": outcome.items, "message_id": outcome.message_id}

    def _housekeeping(self) -> dict[str, object]:
        return housekeeping(self.settings, self.factory)

    def _reconcile(self) -> dict[str, object]:
        from .distributed import queue_report, reconcile

        assert self.distributed is not None
        done = reconcile(self.distributed, self.settings, self.factory)
        report = queue_report(self.distributed, self.settings)
        self.metrics.queues(report, report.alive(self.settings.workers.stalled_after_seconds))
        return dict(done)

    def schedule(self, *, catch_up: bool) -> None:
        """(Re)build every job from the current settings."""
        work = {
            "cycle": self._cycle,
            "factchecks": self._factchecks,
            "digest": self._digest,
            "housekeeping": self._housekeeping,
        }
        now = datetime.now(timezone.utc)
        planned = triggers(self.settings)
        if self.distributed is not None:
            every = self.settings.workers.reconcile_every_seconds
            planned["reconcile"] = (IntervalTrigger(seconds=every, timezone=self.settings.schedule.timezone), 60)
            work["reconcile"] = self._reconcile
        for job, (trigger, grace) in planned.items():
            first = trigger.get_next_fire_time(None, now)
            if catch_up and (job in ("cycle", "reconcile") or self._missed(job, trigger, grace, now)):
                first = now  # the cycle starts at once; a missed digest or clean-up runs once now
            self.scheduler.add_job(
                self._run,
                trigger,
                args=(job, work[job]),
                id=job,
                name=job,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=grace,
                next_run_time=first,
            )

    def _missed(self, job: str, trigger: BaseTrigger, grace: int, now: datetime) -> bool:
        with self.factory() as session:
            last = session.scalar(select(func.max(JobRun.started_at)).where(JobRun.job == job))
        if isinstance(trigger, IntervalTrigger):
            return last is None or last + trigger.interval <= now
        due = previous_fire(trigger, now)
        if due is None or (now - due).total_seconds() > grace:
            return False
        return last is None or last < due

    # -- signals --------------------------------------------------------------------------------------
    def _on_stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("%s: stopping after the current step", signal.Signals(signum).name)
        self.stop.set()
        self._done.set()

    def _on_reload(self, _signum: int, _frame: FrameType | None) -> None:
        try:
            self.settings = self._load()
        except Exception as exc:  # a broken config on reload keeps the daemon on the old one
            log.error("SIGHUP: config not reloaded, keeping the running one: %s", exc)
            return
        self._extractor = None
        self._close_pool()  # the next cycle starts workers with the new config
        self.schedule(catch_up=False)
        log.info("SIGHUP: config reloaded, jobs rescheduled")

    def run(self) -> None:
        """Run until SIGTERM or SIGINT, then wait for the running step and return."""
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        if self.settings.metrics.port:
            self.metrics.serve(self.settings.metrics.host, self.settings.metrics.port)
            log.info("metrics at http://%s:%d/metrics", self.settings.metrics.host, self.settings.metrics.port)
        self.schedule(catch_up=True)
        self.scheduler.start()
        for job in self.scheduler.get_jobs():
            log.info("job %s: next run %s", job.id, job.next_run_time)
        systemd = SystemdNotifier()
        systemd.notify("READY=1")  # Type=notify: systemd counts the service as started from here
        watchdog = watchdog_interval()
        last_ping = time.monotonic()
        while not self._done.wait(timeout=1.0 if watchdog is None else min(1.0, watchdog)):
            if watchdog is not None and time.monotonic() - last_ping >= watchdog:
                systemd.notify("WATCHDOG=1")  # from the main loop: a hung daemon stops pinging
                last_ping = time.monotonic()
        systemd.notify("STOPPING=1")
        self.scheduler.shutdown(wait=True)
        self._close_pool()
        log.info("stopped")
