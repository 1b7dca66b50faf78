"""Distributed mode: Procrastinate queues in the store's own PostgreSQL database.

`claimwatch run` stays the one scheduler — APScheduler decides when — but each trigger defers tasks
(jobs/tasks.py) instead of running them, and `claimwatch worker` processes, on any machine that reaches the
database, do them. Workers send heartbeats; the scheduler's reconciler retries the tasks of a worker that
went silent and re-defers any work the store shows as pending with no task to do it. SQLite has no such
mode: it is refused with a clear error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import procrastinate
from procrastinate import sql
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_limits

from claimwatch.config.settings import Settings
from claimwatch.store.db import migration_lock
from claimwatch.store.models import Claim, Source, utcnow
from claimwatch.store.sources import is_due

from .fetch import sync_feeds
from .tasks import QUEUES, Runtime, blueprint, defer_once, defer_pending_analysis

log = logging.getLogger(__name__)


class DistributedModeError(Exception):
    """Distributed mode cannot run on this store (it is not PostgreSQL)."""


def require_postgresql(settings: Settings) -> None:
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        raise DistributedModeError(
            "distributed mode ([workers] enabled = true) needs a PostgreSQL store; this one is "
            f"{make_url(settings.database_url).get_backend_name()} — set CLAIMWATCH_DATABASE_URL to "
            "postgresql+psycopg://… or turn [workers] enabled off"
        )


def make_app(settings: Settings) -> procrastinate.App:
    """The Procrastinate app on the store's database (same schema: its search_path comes with the URL)."""
    require_postgresql(settings)
    url = make_url(settings.database_url).set(drivername="postgresql")
    # A worker needs a few connections (fetching jobs, LISTEN, heartbeats); psycopg_pool would keep 4 open.
    connector = procrastinate.PsycopgConnector(
        conninfo=url.render_as_string(hide_password=False), min_size=1, max_size=3
    )
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(blueprint(), namespace="claimwatch")
    return app


def install_schema(app: procrastinate.App, factory: sessionmaker[Session]) -> bool:
    """Create Procrastinate's tables beside the store's, once; True when they were created now. Under the
    migration lock: a scheduler and its workers starting together on a new store install it once."""
    with migration_lock(factory.kw["bind"]):
        with factory() as session:
            if inspect(session.connection()).has_table("procrastinate_jobs"):
                return False
        app.schema_manager.apply_schema()
        return True


def run_worker(
    settings: Settings, factory: sessionmaker[Session], *, queues: list[str] | None, concurrency: int | None
) -> None:
    """Work until SIGTERM/SIGINT (Procrastinate's handlers let the running tasks finish)."""
    app = make_app(settings)
    with app.open():
        install_schema(app, factory)
    # A worker is one core's worth of work (run one per core): BLAS threads of its own would only fight
    # the other workers for the cores (measured: one worker is no faster with two, two are 13% slower).
    threadpool_limits(limits=1)
    runtime = Runtime(settings, factory)
    runtime.extractor, runtime.semantic  # noqa: B018 — loaded now: a missing model fails the start (exit 5)
    app.run_worker(
        queues=queues or list(QUEUES),
        concurrency=concurrency or settings.workers.concurrency,
        update_heartbeat_interval=settings.workers.heartbeat_seconds,
        stalled_worker_timeout=settings.workers.stalled_after_seconds,
        additional_context={"runtime": runtime},
        delete_jobs="successful",
    )


def dispatch_cycle(app: procrastinate.App, settings: Settings, factory: sessionmaker[Session]) -> dict[str, int]:
    """The cycle trigger in distributed mode: a poll for every due feed, analysis for pending articles no task
    covers, matching if claims wait for it."""
    polls = 0
    with factory() as session:
        now = utcnow()
        due = [
            source.id
            for source in session.scalars(select(Source).where(Source.id.in_(sync_feeds(settings, factory))))
            if is_due(source, now)
        ]
    for source_id in due:
        polls += defer_once(app, "poll_feed", f"feed-{source_id}", source_id=source_id)
    runtime = Runtime(settings, factory)
    analyses = defer_pending_analysis(app, runtime)
    matches = _defer_match_if_pending(app, factory)
    return {"polls_deferred": polls, "articles_deferred": analyses, "match_deferred": int(matches)}


def _defer_match_if_pending(app: procrastinate.App, factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        waiting = session.scalar(select(func.count()).select_from(Claim).where(Claim.match_pending.is_(True)))
    return bool(waiting) and defer_once(app, "match_claims", "match")


def reconcile(app: procrastinate.App, settings: Settings, factory: sessionmaker[Session]) -> dict[str, int]:
    """Nothing lost: retry the running tasks of workers that stopped sending heartbeats, and re-defer pending
    work that no task covers."""
    stalled = app.connector.get_sync_connector().execute_query_all(
        sql.queries["select_stalled_jobs_by_heartbeat"],
        queue=None,
        task_name=None,
        seconds_since_heartbeat=settings.workers.stalled_after_seconds,
    )
    for job in stalled:
        log.warning("retrying task %s (job %s) of a worker that went silent", job["task_name"], job["id"])
        app.job_manager.retry_job_by_id(job["id"], retry_at=datetime.now(timezone.utc))
    articles = defer_pending_analysis(app, Runtime(settings, factory))
    matches = _defer_match_if_pending(app, factory)
    return {"stalled_retried": len(stalled), "articles_deferred": articles, "match_deferred": int(matches)}


@dataclass(frozen=True)
class QueueReport:
    workers: list[tuple[int, datetime]]  # (id, last heartbeat) of every registered worker
    queues: list[dict[str, object]]  # Procrastinate's per-queue counts: todo, doing, failed, …
    stalled: int

    def alive(self, stalled_after: float) -> int:
        """Workers whose last heartbeat is recent."""
        now = datetime.now(timezone.utc)
        return sum(1 for _id, beat in self.workers if (now - beat).total_seconds() < stalled_after)


def queue_report(app: procrastinate.App, settings: Settings) -> QueueReport:
    """What `claimwatch status` shows in distributed mode."""
    connector = app.connector.get_sync_connector()
    workers = [
        (row["id"], row["last_heartbeat"])
        for row in connector.execute_query_all("SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY id")
    ]
    stalled = connector.execute_query_all(
        sql.queries["select_stalled_jobs_by_heartbeat"],
        queue=None,
        task_name=None,
        seconds_since_heartbeat=settings.workers.stalled_after_seconds,
    )
    listed = {str(queue["name"]): queue for queue in app.job_manager.list_queues()}
    # A queue whose jobs have all been deleted (workers delete successful ones) is no longer listed; it is
    # shown empty, or its gauges would keep their last values.
    for name in set(QUEUES) - set(listed):
        listed[name] = {"name": name, "jobs_count": 0, "todo": 0, "doing": 0, "succeeded": 0, "failed": 0,
                        "cancelled": 0, "aborted": 0}  # fmt: skip
    return QueueReport(workers, [listed[name] for name in sorted(listed)], len(stalled))
