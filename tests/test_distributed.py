"""Distributed mode against the real PostgreSQL: a scheduler and worker processes on Procrastinate give
exactly the store `run --once` gives on the same corpus — also when a worker is killed mid-batch, and when
the active one of two schedulers is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from claimwatch.jobs.cli import app
from claimwatch.jobs.demo import serve_corpus

from .conftest import PG_ENV, _pg_schema_url
from .test_cycle_e2e import CLI, write_config
from .test_daemon import wait_for

pytestmark = pytest.mark.postgres

WORKERS = (
    "\n[workers]\nenabled = true\nheartbeat_seconds = 1\nstalled_after_seconds = 4\n"
    "reconcile_every_seconds = 2\nstandby_poll_seconds = 1\nanalyse_batch = 2\n"
    "[schedule]\nfetch_every_minutes = 600\n"
)
FINGERPRINT = {
    "articles": "SELECT url FROM articles",
    "analysed": "SELECT url FROM articles WHERE analyzed_at IS NOT NULL",
    "quotes": (
        'SELECT a.url, q.start, q."end", q.speaker_text, q.text FROM quotes q JOIN articles a ON a.id = q.article_id'
    ),
    "mentions": 'SELECT a.url, m.start, m."end" FROM mentions m JOIN articles a ON a.id = m.article_id',
    "claims": "SELECT normalized, watchlist_key FROM claims",
    "occurrences": (
        "SELECT a.url, o.start, c.normalized FROM claim_occurrences o "
        "JOIN articles a ON a.id = o.article_id JOIN claims c ON c.id = o.claim_id"
    ),
    "links": (
        "SELECT c.normalized, f.url, l.status FROM claim_factchecks l "
        "JOIN claims c ON c.id = l.claim_id JOIN factchecks f ON f.id = l.factcheck_id"
    ),
}


def fingerprint(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Everything the store says about the corpus, as sorted rows without database ids."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: sorted(map(tuple, conn.execute(text(sql))), key=repr) for name, sql in FINGERPRINT.items()}
    finally:
        engine.dispose()


def settled(url: str) -> bool:
    """No task waiting or running, nothing pending in the store."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            busy = conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"))
            pending = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM articles WHERE relevant AND analyzed_at IS NULL) "
                    "+ (SELECT count(*) FROM claims WHERE match_pending)"
                )
            )
            fetched = conn.execute(text("SELECT count(*) FROM sources WHERE last_fetched_at IS NOT NULL"))
            return busy.scalar() == 0 and pending.scalar() == 0 and fetched.scalar() == 2
    except Exception:  # tables not made yet
        return False
    finally:
        engine.dispose()


def doing(url: str, task: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' AND task_name = :t"),
                {"t": f"claimwatch:{task}"},
            )
            return bool(found.scalar())
    except Exception:
        return False
    finally:
        engine.dispose()


class Processes:
    """claimwatch processes started by a test, all stopped at its end."""

    def __init__(self, config: Path, url: str, logs: Path) -> None:
        self.config, self.url, self.logs = config, url, logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        env = {**os.environ, "CLAIMWATCH_DATABASE_URL": self.url}
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
        process = subprocess.Popen([*CLI, "--config", str(self.config), "-v", *args], stdout=log, stderr=log, env=env)
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def stores() -> Iterator[tuple[str, str]]:
    reference, distributed = _pg_schema_url(os.environ[PG_ENV]), _pg_schema_url(os.environ[PG_ENV])
    yield next(reference), next(distributed)
    reference.close()
    distributed.close()


def run_reference(config: Path, url: str) -> dict[str, list[tuple[object, ...]]]:
    done = subprocess.run(
        [*CLI, "--config", str(config), "run", "--once"],
        capture_output=True,
        text=True,
        env={**os.environ, "CLAIMWATCH_DATABASE_URL": url},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return fingerprint(url)


def test_a_scheduler_and_three_workers_make_the_store_run_once_makes(tmp_path: Path, stores: tuple[str, str]) -> None:
    import socket

    import httpx

    reference_url, url = stores
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        reference = run_reference(config, reference_url)
        config.write_text(config.read_text() + WORKERS + f"[metrics]\nport = {port}\n")
        processes = Processes(config, url, tmp_path)
        try:
            processes.start("scheduler", "run")
            for n in range(3):
                processes.start(f"worker{n}", "worker")
            wait_for(lambda: settled(url), 240, "the workers to finish the corpus")
            metrics = ""

            def three_workers_counted() -> bool:
                nonlocal metrics
                metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                # the gauges are refreshed by the scheduler's own job: wait for a refresh after the work
                drained = 'claimwatch_queue_jobs{queue="analyse",status="todo"} 0.0' in metrics
                return "claimwatch_workers_alive 3.0" in metrics and drained

            wait_for(three_workers_counted, 30, "the scheduler's metrics to count the workers and empty queues")
            status = subprocess.run(
                [*CLI, "--config", str(config), "status"],
                capture_output=True,
                text=True,
                env={**os.environ, "CLAIMWATCH_DATABASE_URL": url, "COLUMNS": "200"},
                timeout=120,
            )
        finally:
            processes.stop_all()
    assert reference["analysed"] and reference["claims"]
    assert fingerprint(url) == reference
    assert "distributed mode: 3 workers alive (3 registered), 0 stalled tasks" in status.stdout, status.stderr
    assert "Queues" in status.stdout and "analyse" in status.stdout
    assert 'claimwatch_queue_jobs{queue="analyse",status="todo"} 0.0' in metrics


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path: Path, stores: tuple[str, str]) -> None:
    reference_url, url = stores
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        reference = run_reference(config, reference_url)
        config.write_text(config.read_text() + WORKERS)
        processes = Processes(config, url, tmp_path)
        try:
            processes.start("scheduler", "run")
            victim = processes.start("victim", "worker")
            wait_for(lambda: doing(url, "analyse_articles"), 240, "the worker to be analysing")
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
            processes.start("successor", "worker")
            wait_for(lambda: settled(url), 240, "the successor to finish the corpus")
        finally:
            processes.stop_all()
    assert "worker that went silent" in processes.log("scheduler")  # the killed worker's task was retried
    assert fingerprint(url) == reference


def test_the_standby_scheduler_takes_over_when_the_active_one_dies(tmp_path: Path, stores: tuple[str, str]) -> None:
    _reference_url, url = stores
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        config.write_text(config.read_text() + WORKERS)
        processes = Processes(config, url, tmp_path)
        try:
            active = processes.start("active", "run")
            wait_for(lambda: "distributed mode" in processes.log("active"), 120, "the first scheduler")
            processes.start("standby", "run")
            wait_for(lambda: "standby" in processes.log("standby"), 120, "the second scheduler to stand by")
            time.sleep(2)
            assert "takes over" not in processes.log("standby")  # one active scheduler at a time
            active.send_signal(signal.SIGKILL)
            active.wait(timeout=30)
            killed_at = time.monotonic()
            wait_for(lambda: "takes over" in processes.log("standby"), 60, "the standby to take over")
            assert time.monotonic() - killed_at < 60
            processes.start("worker", "worker")
            wait_for(lambda: settled(url), 240, "the work scheduled by the new active scheduler")
        finally:
            processes.stop_all()


@pytest.mark.parametrize("command", [["worker"], ["run"]])
def test_distributed_mode_on_sqlite_is_a_clear_error(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "cw.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[workers]\nenabled = true\n')
    result = CliRunner().invoke(app, ["--config", str(config), *command])
    assert result.exit_code == 3, result.output
    assert "distributed mode ([workers] enabled = true) needs a PostgreSQL store" in result.output


def test_a_worker_limits_its_heap_arenas_before_it_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the daemon does (jobs/heap.py): Procrastinate runs tasks on threads of its own, each of which would
    otherwise get a malloc arena."""
    from claimwatch.jobs import distributed
    from claimwatch.jobs.cli import workers

    calls: list[str] = []
    monkeypatch.setattr(workers, "limit_heap_arenas", lambda: calls.append("limit arenas"))
    monkeypatch.setattr(distributed, "run_worker", lambda *_args, **_kw: calls.append("worker"))
    config = tmp_path / "cw.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[workers]\nenabled = true\n')
    schema = _pg_schema_url(os.environ[PG_ENV])
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", next(schema))
    try:
        result = CliRunner().invoke(app, ["--config", str(config), "worker"])
    finally:
        schema.close()
    assert result.exit_code == 0, result.output
    assert calls == ["limit arenas", "worker"]
