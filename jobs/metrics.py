"""Prometheus metrics of the daemon (prometheus-client), served on loopback when `[metrics] port` is set:
job runs by outcome, the last cycle's seconds per stage, rows stored, feed failures by kind, fact-check
links, digest sends, and in distributed mode the task queues and workers. docs/operations.md lists them
with example alerts."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from .cycle import STAGES, CycleSummary

if TYPE_CHECKING:
    from .distributed import QueueReport


class Metrics:
    """The daemon's metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.job_runs = Counter(
            "claimwatch_job_runs", "Scheduled job runs by outcome.", ["job", "outcome"], registry=self.registry
        )
        self.last_success = Gauge(
            "claimwatch_job_last_success_timestamp_seconds",
            "When each job last finished successfully (Unix time).",
            ["job"],
            registry=self.registry,
        )
        self.stage_seconds = Gauge(
            "claimwatch_cycle_stage_seconds",
            "Seconds the last cycle spent per stage.",
            ["stage"],
            registry=self.registry,
        )
        self.stored = Counter("claimwatch_stored", "Rows stored by cycles, by kind.", ["kind"], registry=self.registry)
        self.feed_failures = Counter(
            "claimwatch_feed_failures", "Feed polls that failed, by kind.", ["kind"], registry=self.registry
        )
        self.factcheck_links = Counter(
            "claimwatch_factcheck_links", "Claim–fact-check links made, by status.", ["status"], registry=self.registry
        )
        self.digests = Counter("claimwatch_digests", "Digest runs by status.", ["status"], registry=self.registry)
        self.queue_jobs = Gauge(
            "claimwatch_queue_jobs",
            "Distributed mode: tasks per queue and status (todo, doing, failed), as of the last reconcile.",
            ["queue", "status"],
            registry=self.registry,
        )
        self.workers = Gauge(
            "claimwatch_workers_alive", "Distributed mode: workers with a recent heartbeat.", registry=self.registry
        )
        self.stalled = Gauge(
            "claimwatch_tasks_stalled", "Distributed mode: running tasks of silent workers.", registry=self.registry
        )

    def serve(self, host: str, port: int) -> None:
        """Serve /metrics in a background thread."""
        start_http_server(port, addr=host, registry=self.registry)

    def job(self, job: str, outcome: str) -> None:
        self.job_runs.labels(job, outcome).inc()
        if outcome == "ok":
            self.last_success.labels(job).set(time.time())

    def cycle(self, summary: CycleSummary) -> None:
        for stage in STAGES:
            self.stage_seconds.labels(stage).set(summary.stages.get(stage, 0.0))
        for kind, count in (
            ("articles", summary.new_articles),
            ("mentions", summary.analysis.mentions),
            ("quotes", summary.analysis.quotes),
            ("claim_occurrences", summary.analysis.claims),
        ):
            self.stored.labels(kind).inc(count)
        for feed in summary.feeds:
            if feed.outcome == "error":
                self.feed_failures.labels(f"http_{feed.status}" if feed.status else "no_response").inc()
        self.factcheck_links.labels("confirmed").inc(summary.factchecks.confirmed)
        self.factcheck_links.labels("suggested").inc(summary.factchecks.suggested)

    def digest(self, status: str) -> None:
        self.digests.labels(status).inc()

    def queues(self, report: QueueReport, alive: int) -> None:
        for queue in report.queues:
            for status in ("todo", "doing", "failed"):
                self.queue_jobs.labels(str(queue["name"]), status).set(float(queue[status]))  # type: ignore[arg-type]
        self.workers.set(alive)
        self.stalled.set(report.stalled)
