"""The daemon as an operator runs it: the real `claimwatch run` process, a loopback feed site and a real
SMTP server; one digest per window, one daemon per store, a clean stop on SIGTERM mid-cycle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.jobs import heap, tasks
from claimwatch.jobs.analyze import AnalyzeSummary
from claimwatch.jobs.demo import serve_corpus
from claimwatch.jobs.scheduler import previous_fire
from claimwatch.store.models import Article, DigestRun, JobRun, Source

from .conftest import LoopbackSite, MailSink, Route
from .test_cycle_e2e import CLI, write_config


def start(config: Path, db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CLAIMWATCH_DATABASE_URL": db_url}
    return subprocess.Popen(
        [*CLI, "--config", str(config), "-v", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen[str], timeout: float = 30) -> tuple[float, str]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=timeout)
    return time.monotonic() - started, err


def test_daemon_sends_one_digest_per_window_and_refuses_a_second_daemon(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session], smtp_server: MailSink
) -> None:
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        config.write_text(
            config.read_text()
            + (
                f"\n[schedule]\nfetch_every_minutes = 0.05\ndigest_every_minutes = 0.1\n"
                f'[digest]\nrecipients = ["desk@newsroom.example"]\nsmtp_host = "127.0.0.1"\n'
                f"smtp_port = {smtp_server.port}\nretry_backoff = 0.0\n"
            )
        )
        daemon = start(config, db_url, "run")
        try:

            def sent() -> int:
                with factory() as session:
                    return (
                        session.scalar(select(func.count()).select_from(DigestRun).where(DigestRun.status == "sent"))
                        or 0
                    )

            wait_for(lambda: sent() >= 1, 90, "a digest to be sent")
            second = start(config, db_url, "run")
            _out, err = second.communicate(timeout=60)
            assert second.returncode == 7, err
            assert "another claimwatch process is running on this store" in err
            wait_for(lambda: len(smtp_server.messages) >= 1 and _windows(factory) >= 3, 60, "more digest windows")
        finally:
            seconds, err = stop(daemon)
    assert daemon.returncode == 0, err
    assert seconds < 20
    with factory() as session:
        runs = session.scalars(select(DigestRun).order_by(DigestRun.window_start)).all()
        assert all(r.status in ("sent", "empty") for r in runs), [(r.status, r.error) for r in runs]
        for earlier, later in zip(runs, runs[1:]):
            assert earlier.window_end == later.window_start
        sent_ids = [r.message_id for r in runs if r.status == "sent"]
        cycles = session.scalars(select(JobRun).where(JobRun.job == "cycle")).all()
        assert cycles and all(c.outcome == "ok" for c in cycles)
    delivered = [
        line.split(":", 1)[1].strip()
        for raw in smtp_server.messages
        for line in raw.decode().splitlines()
        if line.lower().startswith("message-id:")
    ]
    assert sorted(delivered) == sorted(sent_ids) and len(set(delivered)) == len(delivered)


def _windows(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(DigestRun)) or 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sigterm_mid_cycle_leaves_a_consistent_store_and_the_next_run_carries_on(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session], site: LoopbackSite
) -> None:
    entries = "".join(
        f"<item><title>Minerals talks day {i}</title><link>{{base}}/a/{i}</link><guid>g{i}</guid>"
        f"<description>Ukraine and the rare earth minerals deal, day {i}.</description></item>"
        for i in range(12)
    )
    site.add(
        "/feed",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>{entries}</channel></rss>',
        content_type="application/rss+xml",
        headers={"ETag": '"v1"'},
    )

    def slow_page(handler: BaseHTTPRequestHandler) -> Route:
        time.sleep(0.5)
        body = (
            "<html><body><article><p>"
            + "Ukraine and the rare earth minerals deal. " * 20
            + "</p></article></body></html>"
        )
        return Route(200, body.encode(), {"Content-Type": "text/html"})

    for i in range(12):
        site.routes[f"/a/{i}"] = slow_page
    config = tmp_path / "claimwatch.toml"
    config.write_text(
        'data_dir = "data"\n[fetch]\nallow_private_addresses = true\nper_host_delay = 0.0\n'
        f'[[feeds]]\nname = "Slow"\nurl = "{site.url("/feed")}"\n'
        '[[topics]]\nname = "minerals"\nall = ["Ukraine"]\nany = ["minerals"]\n'
    )

    def stored() -> int:
        with factory() as session:
            return session.scalar(select(func.count()).select_from(Article)) or 0

    daemon = start(config, db_url, "run")
    wait_for(lambda: stored() >= 2, 90, "the first articles")
    seconds, err = stop(daemon)
    assert daemon.returncode == 0, err
    assert seconds < 10, f"stopping took {seconds:.1f} s"
    partial = stored()
    assert 2 <= partial < 12
    with factory() as session:
        assert session.scalars(select(Source)).one().etag is None  # the feed is not marked as read
        cycle = session.scalars(select(JobRun).where(JobRun.job == "cycle")).one()
        assert cycle.outcome == "ok" and cycle.summary["interrupted"] is True
    once = subprocess.run(
        [*CLI, "--config", str(config), "run", "--once"],
        capture_output=True,
        text=True,
        env={**os.environ, "CLAIMWATCH_DATABASE_URL": db_url},
        timeout=180,
    )
    assert once.returncode == 0, once.stderr
    assert stored() == 12  # the rest, and nothing twice
    with factory() as session:
        assert session.scalars(select(Source)).one().etag == '"v1"'


def test_previous_fire_follows_local_time_across_dst() -> None:
    kyiv = ZoneInfo("Europe/Kyiv")
    trigger = CronTrigger(hour=7, minute=0, timezone=kyiv)
    # Clocks went forward in Kyiv on 2025-03-30 at 03:00; 07:00 local was 04:00 UTC that day, 05:00 the day before.
    assert previous_fire(trigger, datetime(2025, 3, 30, 6, 0, tzinfo=timezone.utc)) == datetime(
        2025, 3, 30, 7, 0, tzinfo=kyiv
    )
    assert previous_fire(trigger, datetime(2025, 3, 30, 3, 0, tzinfo=timezone.utc)) == datetime(
        2025, 3, 29, 7, 0, tzinfo=kyiv
    )
    assert previous_fire(trigger, datetime(2025, 3, 29, 4, 59, tzinfo=timezone.utc)) == datetime(
        2025, 3, 28, 7, 0, tzinfo=kyiv
    )


def test_a_digest_missed_while_down_runs_at_start(tmp_path: Path, factory: sessionmaker[Session]) -> None:
    from claimwatch.jobs.scheduler import Daemon

    from .conftest import make_settings

    now = datetime.now(timezone.utc)
    settings = make_settings(tmp_path)
    at = (now - timedelta(hours=1)).astimezone(ZoneInfo(settings.schedule.timezone))
    settings = settings.model_copy(
        update={"schedule": settings.schedule.model_copy(update={"digest_at": f"{at:%H:%M}"})}
    )
    daemon = Daemon(lambda: settings, factory)
    trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.schedule.timezone)
    assert daemon._missed("digest", trigger, 6 * 3600, now)  # never ran: the 1-hour-old run is still useful
    with factory() as session, session.begin():
        session.add(JobRun(job="digest", started_at=now - timedelta(minutes=30), outcome="ok"))
    assert not daemon._missed("digest", trigger, 6 * 3600, now)  # it ran after the scheduled time
    assert not daemon._missed("digest", trigger, 600, now)  # and a run older than the grace is not caught up


def test_a_failing_job_is_recorded_and_the_daemon_goes_on(
    tmp_path: Path, factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    from claimwatch.jobs.scheduler import Daemon

    from .conftest import make_settings

    daemon = Daemon(lambda: make_settings(tmp_path), factory)

    def broken() -> dict[str, object]:
        raise ValueError("the fact-check API answered nonsense")

    daemon._run("factchecks", broken)  # must not raise
    with factory() as session:
        run = session.scalars(select(JobRun).where(JobRun.job == "factchecks")).one()
    assert run.outcome == "failed" and "ValueError: the fact-check API answered nonsense" in run.error
    assert any(r.exc_info and "will run again" in r.getMessage() for r in caplog.records)


def test_sighup_reloads_the_schedule_and_keeps_it_on_a_broken_config(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    from claimwatch.config import ConfigError
    from claimwatch.jobs.scheduler import Daemon

    from .conftest import make_settings

    settings = [make_settings(tmp_path)]

    def load():  # type: ignore[no-untyped-def]
        if isinstance(settings[0], Exception):
            raise settings[0]
        return settings[0]

    daemon = Daemon(load, factory)
    daemon.scheduler.start(paused=True)  # running, but no job fires during the test
    daemon.schedule(catch_up=False)
    assert daemon.scheduler.get_job("cycle").trigger.interval == timedelta(minutes=30)
    settings[0] = settings[0].model_copy(
        update={"schedule": settings[0].schedule.model_copy(update={"fetch_every_minutes": 5})}
    )
    daemon._on_reload(signal.SIGHUP, None)
    assert daemon.scheduler.get_job("cycle").trigger.interval == timedelta(minutes=5)
    settings[0] = ConfigError("cw.toml: fetch.max_redirects: Input should be a valid integer")
    daemon._on_reload(signal.SIGHUP, None)
    assert daemon.scheduler.get_job("cycle").trigger.interval == timedelta(minutes=5)
    assert {job.id for job in daemon.scheduler.get_jobs()} == {"cycle", "factchecks", "digest", "housekeeping"}
    daemon.scheduler.shutdown(wait=False)


def test_systemd_readiness_and_watchdog_pings_reach_the_notify_socket(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    import socket

    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener, serve_corpus() as base_url:
        listener.bind(address)
        listener.settimeout(120)
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        os.environ["NOTIFY_SOCKET"], os.environ["WATCHDOG_USEC"] = address, "2000000"
        try:
            process = start(config, db_url, "run")
        finally:
            del os.environ["NOTIFY_SOCKET"], os.environ["WATCHDOG_USEC"]
        try:
            messages = [listener.recv(256).decode()]
            assert messages == ["READY=1"]
            started = time.monotonic()
            while messages.count("WATCHDOG=1") < 2:
                messages.append(listener.recv(256).decode())
            assert time.monotonic() - started < 10  # a ping about every second (half of WatchdogSec=2)
        finally:
            _seconds, err = stop(process)
        listener.settimeout(5)
        while messages[-1] != "STOPPING=1":  # sent before it stops; a timeout here fails the test
            messages.append(listener.recv(256).decode())
        assert process.returncode == 0, err


def test_metrics_and_health_of_a_running_daemon(tmp_path: Path, db_url: str, factory: sessionmaker[Session]) -> None:
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        config.write_text(config.read_text() + f"\n[metrics]\nport = {port}\n")
        process = start(config, db_url, "run")
        text = ""

        def cycle_counted() -> bool:
            nonlocal text
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                return False
            return 'claimwatch_job_runs_total{job="cycle",outcome="ok"} 1.0' in text

        try:
            wait_for(cycle_counted, 180, "a cycle in the metrics")
            health = subprocess.run(  # what a monitor runs beside the daemon, on the store it is writing
                [*CLI, "--config", str(config), "health", "--json"],
                capture_output=True,
                text=True,
                env={**os.environ, "CLAIMWATCH_DATABASE_URL": db_url},
                timeout=120,
            )
            assert health.returncode == 0, health.stdout + health.stderr
            assert json.loads(health.stdout)["status"] == "healthy"
        finally:
            stop(process)
    assert 'claimwatch_stored_total{kind="articles"} 6.0' in text
    assert 'claimwatch_cycle_stage_seconds{stage="extract"}' in text
    assert 'claimwatch_job_last_success_timestamp_seconds{job="cycle"}' in text


ARENAS = """
import ctypes, os, sys, tempfile, threading
from claimwatch.jobs.heap import limit_heap_arenas
libc = ctypes.CDLL(None)
libc.malloc.restype = libc.fopen.restype = ctypes.c_void_p
if sys.argv[1] == "limit":
    limit_heap_arenas()
started, done = threading.Barrier(8), threading.Barrier(8)
def allocate():
    started.wait()
    blocks = [libc.malloc(2000) for _ in range(500)]
    done.wait()  # every thread holds its blocks at once
    for block in blocks:
        libc.free(ctypes.c_void_p(block))
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="malloc arenas are glibc's")
def test_the_daemon_keeps_its_threads_to_two_heap_arenas() -> None:
    """Each new thread would get a malloc arena of its own (what held the daemon ~15 MB above its steady
    size between cycles); the daemon caps them at two, and a MALLOC_ARENA_MAX the operator set wins."""
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}

    def arenas(mode: str, **extra: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", ARENAS, mode], env={**env, **extra}, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout)

    assert arenas("free") > 2
    assert arenas("limit") <= 2
    assert arenas("limit", MALLOC_ARENA_MAX="4") > 2


def test_an_idle_worker_hands_its_freed_heap_back_and_a_busy_one_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """The release waits until no work has run for a while: during a long batch, or between two batches that
    follow each other, the heap stays warm (releasing it then cost 5-6% of a worker's throughput)."""
    released: list[float] = []
    monkeypatch.setattr(heap, "release_free_memory", lambda: released.append(time.monotonic()))
    with heap.released_when_idle(0.2):
        with heap.released_when_idle(0.2):  # a second task at once (concurrency > 1)
            pass
        time.sleep(0.5)
        assert released == []  # the first one still runs
    with heap.released_when_idle(0.2):  # the next batch starts before the release is due
        pass
    with heap.released_when_idle(0.2):
        time.sleep(0.5)
        assert released == []
        ended = time.monotonic()
    wait_for(lambda: len(released) == 1, 10, "the release once idle")
    assert released[0] >= ended + 0.2
    with pytest.raises(RuntimeError):  # a failed batch frees its memory too
        with heap.released_when_idle(0.2):
            raise RuntimeError("batch failed")
    wait_for(lambda: len(released) == 2, 10, "the release after a failed batch")


def test_a_workers_analysis_task_is_work_the_heap_release_waits_for(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []

    @contextmanager
    def recorded() -> Iterator[None]:
        events.append("work starts")
        yield
        events.append("work ends")

    def analysis(*_args: object, **_kw: object) -> AnalyzeSummary:
        events.append("analysis")
        return AnalyzeSummary()

    monkeypatch.setattr(tasks, "released_when_idle", recorded)
    monkeypatch.setattr(tasks, "analyze_articles", analysis)
    runtime = SimpleNamespace(settings=None, factory=None, extractor=None, semantic=None)
    tasks.analyse_articles(SimpleNamespace(additional_context={"runtime": runtime}, app=None), [1, 2])
    assert events == ["work starts", "analysis", "work ends"]
