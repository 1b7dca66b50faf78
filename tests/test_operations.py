"""The operator's commands: `claimwatch health` for monitors and `claimwatch backup` of a live SQLite
store."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from claimwatch.store.db import open_store, transaction
from claimwatch.store.models import Article, DigestRun, JobRun, Source

runner = CliRunner()


def _config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "cw.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n{extra}')
    return config


def _health(config: Path) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app_(), ["--config", str(config), "health", "--json"])
    return result.exit_code, json.loads(result.output)


def app_():  # type: ignore[no-untyped-def]
    from claimwatch.jobs.cli import app

    return app


def test_health_says_why_it_is_degraded(tmp_path: Path) -> None:
    feeds = "".join(f'[[feeds]]\nname = "Feed {i}"\nurl = "https://feed{i}.example/rss"\n' for i in range(3))
    config = _config(tmp_path, '[digest]\nrecipients = ["desk@example.org"]\n' + feeds)
    code, report = _health(config)
    assert code == 1 and report["problems"][0].startswith("store unreachable")
    assert runner.invoke(app_(), ["--config", str(config), "init"]).exit_code == 0
    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'claimwatch.db'}")
    assert _health(config) == (1, {"status": "degraded", "problems": ["no cycle has succeeded yet"]})

    now = datetime.now(timezone.utc)
    with transaction(factory) as session:
        session.add(JobRun(job="cycle", started_at=now - timedelta(minutes=2), finished_at=now, outcome="ok"))
        session.add(DigestRun(window_start=now - timedelta(days=1), window_end=now - timedelta(hours=1),
                              message_id="<a@b>", status="sent"))  # fmt: skip
    assert _health(config) == (0, {"status": "healthy", "problems": []})
    assert runner.invoke(app_(), ["--config", str(config), "health"]).output.strip() == "healthy"

    with transaction(factory) as session:
        session.execute(update(Source).where(Source.name != "Feed 0").values(consecutive_failures=3))
        session.execute(update(JobRun).values(finished_at=now - timedelta(hours=2)))
        session.execute(update(DigestRun).values(window_end=now - timedelta(days=2)))
    code, report = _health(config)
    assert code == 1 and len(report["problems"]) == 3
    assert "more than 2 intervals" in report["problems"][0]
    assert report["problems"][1] == "2 of 3 feeds are failing"
    assert report["problems"][2].startswith("digest overdue")
    factory.kw["bind"].dispose()


def test_backup_of_a_store_being_written(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert runner.invoke(app_(), ["--config", str(config), "init"]).exit_code == 0
    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'claimwatch.db'}")
    writing, written = threading.Event(), []

    def writer() -> None:
        n = 0
        while not writing.is_set():
            with transaction(factory) as session:
                session.add(Article(url=f"https://w.example/{n}", text="x " * 500, content_hash=str(n)))
            written.append(n)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:
            threading.Event().wait(0.01)
        copy = tmp_path / "backup.db"
        result = runner.invoke(app_(), ["--config", str(config), "backup", str(copy)])
    finally:
        writing.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output and not copy.with_name("backup.db.partial").exists()
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 50 <= copied <= len(written)
    restored = open_store(f"sqlite:///{copy}")  # opens at the newest schema, nothing to migrate
    with restored() as session:
        assert session.scalar(select(func.count(Article.id))) == copied
    restored.kw["bind"].dispose()
    factory.kw["bind"].dispose()


def test_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = runner.invoke(
        app_(), ["--config", str(config), "backup", str(tmp_path / "x")],
        env={"CLAIMWATCH_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 2 and "pg_dump" in result.output


def test_a_sqlite_migration_backs_the_store_up_first(tmp_path: Path) -> None:
    from alembic import command

    from claimwatch.store.db import _alembic_config, schema_revision

    store = tmp_path / "old.db"
    factory = open_store(f"sqlite:///{store}")
    with transaction(factory) as session:
        session.add(Article(url="https://x.example/kept", text="kept across the upgrade", content_hash="k"))
    engine = factory.kw["bind"]
    command.downgrade(_alembic_config(engine), "0004")  # the store as the previous release left it
    assert schema_revision(engine)[0] == "0004"
    engine.dispose()

    upgraded = open_store(f"sqlite:///{store}")
    head = schema_revision(upgraded.kw["bind"])[1]
    assert schema_revision(upgraded.kw["bind"])[0] == head
    copy = tmp_path / f"old.db.before-{head}.bak"
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"
        assert db.execute("SELECT text FROM articles").fetchall() == [("kept across the upgrade",)]
    with upgraded() as session:
        assert session.scalar(select(Article.text)) == "kept across the upgrade"
    upgraded.kw["bind"].dispose()


def test_the_systemd_units_in_the_docs_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """Every unit docs/operations.md and docs/scaling.md show, as an operator would install it (the path to
    the command is this environment's), passes `systemd-analyze verify` with no warning at all."""
    import re
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    folder = Path(__file__).parent.parent / "docs"
    docs = (folder / "operations.md").read_text() + (folder / "scaling.md").read_text()
    units = [block for block in re.findall(r"```ini\n(.*?)```", docs, re.S) if "[Service]" in block]
    assert len(units) >= 3  # the daemon, the health check, the worker template
    command = str(Path(sys.executable).parent / "claimwatch")
    for number, unit in enumerate(units):
        path = tmp_path / (f"claimwatch-worker@{number}.service" if "%i" in unit else f"claimwatch-{number}.service")
        path.write_text(unit.replace("/srv/claimwatch/.venv/bin/claimwatch", command))
        done = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(path)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), unit + done.stdout + done.stderr
