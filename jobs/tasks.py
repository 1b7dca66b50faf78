"""The work of distributed mode as Procrastinate tasks, each idempotent (safe to run twice, or at once on
two workers): the store's constraints and the writer lock (store/writes.py) make a repeat a no-op.

| task | unit | queueing lock |
| --- | --- | --- |
| `poll_feed` | one feed: entries, pages, new articles; defers their analysis | `feed-<id>` (never twice at once) |
| `analyse_articles` | a batch of articles still pending; defers matching | — (a repeat skips analysed ones) |
| `match_claims` | every claim whose matching is pending | `match` |
| `refresh_factchecks` | the fact-check API | `factchecks` |
| `send_digest` | the digest of the open window (at most once per window, as always) | `digest` |

A worker process holds one `Runtime`: the settings, the store, and the spaCy and sentence models, loaded on
its first analysis and kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property

import procrastinate
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.nlp.extract import Extractor
from claimwatch.store.analysis import pending_article_ids
from claimwatch.store.writes import exclusive_writes

from .analyze import analyze_articles, build_extractor
from .digest import send_digest as send_digest_now
from .factchecks import FactCheckSummary, match_all
from .factchecks import refresh_factchecks as refresh_factchecks_now
from .fetch import poll_feed as poll_feed_now
from .heap import released_when_idle
from .semantic import Semantic, semantic_for

log = logging.getLogger(__name__)

QUEUES = ("fetch", "analyse", "match", "digest")


@dataclass
class Runtime:
    """What a worker's tasks share: settings, store, and models loaded once per process."""

    settings: Settings
    factory: sessionmaker[Session]

    @cached_property
    def extractor(self) -> Extractor:
        return build_extractor(self.settings)

    @cached_property
    def semantic(self) -> Semantic | None:
        return semantic_for(self.settings)


def _runtime(context: procrastinate.JobContext) -> Runtime:
    return context.additional_context["runtime"]


def poll_feed(context: procrastinate.JobContext, source_id: int) -> None:
    runtime = _runtime(context)
    outcome = poll_feed_now(runtime.settings, runtime.factory, source_id)
    if outcome.new_articles:
        defer_pending_analysis(context.app, runtime)


def analyse_articles(context: procrastinate.JobContext, article_ids: list[int]) -> None:
    """A batch's analysis; once the worker has no more, the heap it freed goes back to the system, so an
    idle worker holds its steady size rather than its last batch's peak (docs/performance.md)."""
    runtime = _runtime(context)
    with released_when_idle():
        summary = analyze_articles(
            runtime.settings, runtime.factory, article_ids, extractor=runtime.extractor, semantic=runtime.semantic
        )
    if summary.claims:
        defer_once(context.app, "match_claims", "match")


def match_claims(context: procrastinate.JobContext) -> None:
    runtime = _runtime(context)
    match_all(runtime.settings, runtime.factory, FactCheckSummary(), semantic=runtime.semantic)


def refresh_factchecks(context: procrastinate.JobContext) -> None:
    runtime = _runtime(context)
    refresh_factchecks_now(runtime.settings, runtime.factory)


def send_digest(context: procrastinate.JobContext) -> None:
    runtime = _runtime(context)
    outcome = send_digest_now(runtime.settings, runtime.factory, datetime.now(timezone.utc))
    if outcome.status in ("failed", "uncertain"):
        raise RuntimeError(f"digest {outcome.status}: {outcome.error}")


def blueprint() -> procrastinate.Blueprint:
    """The tasks, for one app (adding a blueprint to an app renames its tasks, so each app gets its own)."""
    made = procrastinate.Blueprint()
    made.task(name="poll_feed", queue="fetch", pass_context=True, retry=2)(poll_feed)
    made.task(name="analyse_articles", queue="analyse", pass_context=True, retry=2)(analyse_articles)
    made.task(name="match_claims", queue="match", pass_context=True, retry=2)(match_claims)
    made.task(name="refresh_factchecks", queue="match", pass_context=True, retry=1)(refresh_factchecks)
    made.task(name="send_digest", queue="digest", pass_context=True)(send_digest)
    return made


def defer_once(app: procrastinate.App, task: str, lock: str, **arguments: object) -> bool:
    """Defer `task` unless one with the same queueing lock is already waiting; True when deferred."""
    try:
        app.tasks[f"claimwatch:{task}"].configure(queueing_lock=lock).defer(**arguments)
    except procrastinate.exceptions.AlreadyEnqueued:
        return False
    return True


def queued_article_ids(app: procrastinate.App) -> set[int]:
    """Articles that an analysis task waiting or running already covers."""
    rows = app.connector.get_sync_connector().execute_query_all(
        "SELECT args FROM procrastinate_jobs WHERE task_name = 'claimwatch:analyse_articles' "
        "AND status IN ('todo', 'doing')"
    )
    return {int(i) for row in rows for i in (row["args"] or {}).get("article_ids", [])}


def defer_pending_analysis(app: procrastinate.App, runtime: Runtime) -> int:
    """Defer analysis, in batches, of every pending article no task covers yet; how many were deferred."""
    with exclusive_writes(runtime.factory):  # two feeds finishing at once do not both defer the same articles
        with runtime.factory() as session:
            pending = pending_article_ids(session)
        covered = queued_article_ids(app)
        missing = [article_id for article_id in pending if article_id not in covered]
        size = runtime.settings.workers.analyse_batch
        for start in range(0, len(missing), size):
            app.tasks["claimwatch:analyse_articles"].defer(article_ids=missing[start : start + size])
    return len(missing)
