"""Job runs as stored: every job records when it ran, how it ended and what it counted."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from .models import JobRun, utcnow


@contextmanager
def job_run(factory: sessionmaker[Session], job: str) -> Iterator[JobRun]:
    """Record a run of `job`: 'running' at once, then 'ok' with its summary or 'failed' with the error.

    The run row is committed on its own, so a crash mid-job still leaves a trace for `claimwatch status`.
    """
    with factory() as session, session.begin():
        run = JobRun(job=job, outcome="running", summary={})
        session.add(run)
    try:
        yield run
    except BaseException as exc:
        _finish(factory, run, "failed", error="".join(traceback.format_exception_only(exc)).strip())
        raise
    _finish(factory, run, "ok")


def _finish(factory: sessionmaker[Session], run: JobRun, outcome: str, error: str | None = None) -> None:
    with factory() as session, session.begin():
        stored = session.get(JobRun, run.id)
        assert stored is not None
        stored.outcome = outcome
        stored.finished_at = utcnow()
        stored.summary = dict(run.summary)
        stored.error = error
