"""Process faults: the real `claimwatch run --once` killed with SIGKILL at random points of its cycle,
PostgreSQL restarted under it, the SQLite volume filling up, and an SMTP server dropping mid-send.

After each fault the store must hold no duplicate and no half-analysed article (an article either has its
whole analysis or none and is still pending), and the next `run --once` must complete and leave exactly the
store an uninterrupted run leaves: same articles, analyses, quotes, mentions, claims, occurrences and links.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from claimwatch.jobs.demo import serve_corpus
from claimwatch.jobs.digest import send_digest
from claimwatch.store.db import open_store

from ..conftest import BACKENDS, PG_ENV, MailSink, _pg_schema_url
from ..test_cycle_e2e import CLI, write_config
from ..test_digest import add_story, mail_settings
from .conftest import FaultRecord

KILL_TRIALS = 10
COUNTS = {
    "articles": "SELECT count(*) FROM articles",
    "distinct article urls": "SELECT count(DISTINCT url) FROM articles",
    "analysed articles": "SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL",
    "sightings": "SELECT count(*) FROM sightings",
    "mentions": "SELECT count(*) FROM mentions",
    "quotes": "SELECT count(*) FROM quotes",
    "claims": "SELECT count(*) FROM claims",
    "claim occurrences": "SELECT count(*) FROM claim_occurrences",
    "claim-factcheck links": "SELECT count(*) FROM claim_factchecks",
}
HALF_ANALYSED = """
SELECT count(*) FROM articles a WHERE a.analyzed_at IS NULL AND (
    EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id)
    OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id)
    OR EXISTS (SELECT 1 FROM claim_occurrences o WHERE o.article_id = a.id))
"""


def snapshot(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: int(conn.execute(text(sql)).scalar() or 0) for name, sql in COUNTS.items()}
    finally:
        engine.dispose()


def consistent(url: str) -> None:
    """No duplicate and no half-analysed article: what any fault may leave behind."""
    counts = snapshot(url)
    assert counts["articles"] == counts["distinct article urls"], counts
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text(HALF_ANALYSED)).scalar() == 0
    finally:
        engine.dispose()


def cli(config: Path, url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CLAIMWATCH_DATABASE_URL": url}
    return subprocess.Popen(
        [*CLI, "--config", str(config), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def run_once(config: Path, url: str) -> None:
    process = cli(config, url, "run", "--once")
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]


def cycle_running(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(text("SELECT count(*) FROM job_runs WHERE job = 'cycle' AND outcome = 'running'")).scalar()
            )
    except Exception:  # the store is not made yet
        return False
    finally:
        engine.dispose()


def wait_for_cycle(process: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + 120
    while not cycle_running(url):
        assert process.poll() is None, "the run ended before its cycle started"
        assert time.monotonic() < deadline, "the cycle never started"
        time.sleep(0.05)


def fresh_store(backend: str, tmp_path: Path, name: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        yield from _pg_schema_url(os.environ[PG_ENV])


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_at_random_points_of_a_cycle(backend: str, tmp_path: Path, faults: type[FaultRecord]) -> None:
    seed = int(os.environ.get("CLAIMWATCH_FAULT_SEED", time.time()))
    chance = random.Random(seed)
    row = faults(f"kill -9 mid-cycle ({backend}, seed {seed})")
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        reference_store = fresh_store(backend, tmp_path, "reference")
        reference_url = next(reference_store)
        started = time.monotonic()
        run_once(config, reference_url)
        reference = snapshot(reference_url)
        cycle_seconds = time.monotonic() - started
        assert reference["analysed articles"] > 0 and reference["claims"] > 0
        for trial in range(KILL_TRIALS):
            with row.trial():
                store = fresh_store(backend, tmp_path, f"trial{trial}")
                url = next(store)
                victim = cli(config, url, "run", "--once")
                wait_for_cycle(victim, url)
                time.sleep(chance.uniform(0, cycle_seconds * 0.6))
                victim.send_signal(signal.SIGKILL)
                victim.communicate(timeout=60)
                consistent(url)
                run_once(config, url)
                consistent(url)
                assert snapshot(url) == reference, f"trial {trial}"
                store.close()
        reference_store.close()


@pytest.mark.postgres
def test_postgresql_restarted_mid_cycle(tmp_path: Path, faults: type[FaultRecord]) -> None:
    cluster = _cluster()
    row = faults("PostgreSQL restarted mid-cycle")
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        reference_store = _pg_schema_url(os.environ[PG_ENV])
        reference_url = next(reference_store)
        run_once(config, reference_url)
        reference = snapshot(reference_url)
        for delay in (0.5, 2.0):
            with row.trial():
                store = _pg_schema_url(os.environ[PG_ENV])
                url = next(store)
                victim = cli(config, url, "run", "--once")
                wait_for_cycle(victim, url)
                time.sleep(delay)
                subprocess.run(
                    ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart", "-m", "fast"],
                    check=True,
                    timeout=120,
                )
                _wait_for_postgres()
                _out, err = victim.communicate(timeout=300)  # it fails or finishes; it must not hang
                consistent(url)
                run_once(config, url)
                consistent(url)
                assert snapshot(url) == reference, err[-2000:]
                store.close()
        reference_store.close()


def _cluster() -> list[str]:
    if not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL needs pg_ctlcluster and root (the CI machine has both)")
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return [version, "main"]


def _wait_for_postgres() -> None:
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


@pytest.fixture
def small_volume(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs: a real file system that runs out of space."""
    mount = tmp_path / "volume"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (the CI machine is)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_on_the_sqlite_volume(tmp_path: Path, small_volume: Path, faults: type[FaultRecord]) -> None:
    row = faults("disk full on the SQLite volume")
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
        run_once(config, reference_url)
        reference = snapshot(reference_url)
        with row.trial():
            url = f"sqlite:///{small_volume / 'claimwatch.db'}"
            full = cli(config, url, "run", "--once")
            _out, err = full.communicate(timeout=300)
            assert full.returncode != 0
            assert "disk is full" in err or "No space left" in err, err[-2000:]
            engine = create_engine(url)
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            engine.dispose()
            consistent(url)
            subprocess.run(["mount", "-o", "remount,size=256m", str(small_volume)], check=True)
            run_once(config, url)
            consistent(url)
            assert snapshot(url) == reference


@pytest.mark.parametrize("backend", BACKENDS)
def test_smtp_dropping_mid_send_never_sends_twice(
    backend: str, tmp_path: Path, smtp_server: MailSink, faults: type[FaultRecord]
) -> None:
    row = faults(f"SMTP drops mid-send ({backend})")
    for trial in range(3):
        with row.trial():
            store = fresh_store(backend, tmp_path, f"mail{trial}")
            factory = open_store(next(store))
            settings = mail_settings(tmp_path, smtp_server, send_retries=2)
            add_story(factory, f"Story {trial}")
            before = len(smtp_server.messages)
            smtp_server.drop_next = 1
            now = datetime.now(timezone.utc)
            first = send_digest(settings, factory, now)
            assert first.status == "uncertain"  # it may have arrived: never resent on its own
            later = [send_digest(settings, factory, now + timedelta(minutes=m)) for m in (1, 2)]
            assert [outcome.status for outcome in later] == ["empty", "empty"]
            assert len(smtp_server.messages) - before == 1
            factory.kw["bind"].dispose()
            store.close()
