"""Distributed mode's commands: `claimwatch worker`, and the queue table `claimwatch status` shows."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from claimwatch.config.settings import Settings

from ..heap import limit_heap_arenas
from .common import app, console, distributed_app, err, load_settings, model_errors, open_store_or_exit


@app.command()
def worker(
    queues: Annotated[
        list[str] | None,
        typer.Option("--queues", "-q", help="Queues to take work from (fetch, analyse, match, digest); all if none."),
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", "-c", min=1, help="Jobs at once ([workers] concurrency).")
    ] = None,
) -> None:
    """Run a distributed-mode worker: take tasks from the store's PostgreSQL queue until SIGTERM. Start as
    many as you like, on any machine that reaches the database; `claimwatch run` schedules the work."""
    settings = load_settings()
    distributed_app(settings)  # exit 3 now on SQLite or without the extra
    factory = open_store_or_exit(settings)
    from claimwatch.jobs.distributed import run_worker

    limit_heap_arenas()  # before Procrastinate's threads start
    err.print(f"claimwatch worker: queues {', '.join(queues or ['all'])}; SIGTERM finishes the running tasks")
    with model_errors():
        run_worker(settings, factory, queues=queues, concurrency=concurrency)


def print_queue_report(settings: Settings) -> None:
    """Workers, queue depths, running, failed and stalled tasks (for `claimwatch status`)."""
    from claimwatch.jobs.distributed import queue_report

    app_ = distributed_app(settings)
    with app_.open():
        report = queue_report(app_, settings)
    alive = report.alive(settings.workers.stalled_after_seconds)
    console.print(
        f"distributed mode: {alive} workers alive ({len(report.workers)} registered), {report.stalled} stalled tasks"
    )
    table = Table(title="Queues", title_justify="left")
    for column in ("queue", "waiting", "running", "failed", "done"):
        table.add_column(column)
    for queue in report.queues:
        table.add_row(
            str(queue["name"]), str(queue["todo"]), str(queue["doing"]), str(queue["failed"]), str(queue["succeeded"])
        )
    console.print(table)
