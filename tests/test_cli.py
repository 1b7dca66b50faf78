"""The command line: the demo, exit codes, status, extract and the digest preview."""

from __future__ import annotations

import email
import json
import sqlite3
from datetime import datetime, timezone
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from claimwatch.jobs.cli import app
from claimwatch.store.db import open_store, transaction
from claimwatch.store.models import Article, Quote, Source

from .test_cycle_e2e import run_cli

runner = CliRunner()


def test_demo_fills_a_fresh_sqlite_store(tmp_path: Path) -> None:
    result = run_cli("demo", "--data-dir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "Cycle summary" in result.stdout
    with sqlite3.connect(tmp_path / "demo" / "claimwatch.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == 6
        names = {
            row[0] for row in db.execute("select distinct a.name from mentions m join actors a on a.id = m.actor_id")
        }
    assert {"Volodymyr Zelensky", "Donald Trump", "Andrii Sybiha", "Ukraine", "United States"} <= names
    # A second demo starts again from an empty store.
    again = run_cli("demo", "--data-dir", str(tmp_path / "demo"))
    assert again.returncode == 0
    with sqlite3.connect(tmp_path / "demo" / "claimwatch.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == 6


def test_broken_config_exits_3_naming_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "cw.toml"
    config.write_text("[fetch]\nmax_redirects = 'many'\n")
    result = runner.invoke(app, ["--config", str(config), "status"])
    assert result.exit_code == 3
    assert "cw.toml" in result.output and "fetch.max_redirects" in result.output


def test_unreachable_store_exits_4_without_showing_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", "postgresql+psycopg://reader:s3cret-pw@127.0.0.1:1/nothing")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 4
    assert "cannot migrate" in result.output and "s3cret-pw" not in result.output


def test_init_and_status_show_feeds_and_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    assert "schema 0008, newest 0008" in result.output
    assert "Kyiv Independent" in result.output and "never" in result.output


def test_extract_prints_actor_json(tmp_path: Path) -> None:
    text = "Ukrainian Foreign Minister Andrii Sybiha spoke to Marco Rubio. Sybiha said talks would go on.\n"
    path = tmp_path / "story.txt"
    path.write_text(text)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    actors = {a["name"]: a for a in json.loads(result.stdout)["actors"]}
    assert [text[s:e] for s, e in actors["Andrii Sybiha"]["mentions"]] == ["Andrii Sybiha", "Sybiha"]
    assert actors["Andrii Sybiha"]["roles"] == ["Ukrainian Foreign Minister"]


def test_extract_jsonl_keeps_ids_and_rejects_bad_lines() -> None:
    lines = "\n".join(json.dumps({"id": i, "text": t}) for i, t in [("a", "Trump met Putin."), ("b", "Kyiv said no.")])
    result = runner.invoke(app, ["extract", "--jsonl", "-"], input=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert {a["name"] for a in out[0]["actors"]} == {"Donald Trump", "Vladimir Putin"}
    bad = runner.invoke(app, ["extract", "--jsonl", "-"], input='{"id": 1}\n')
    assert bad.exit_code == 6 and '-:1: expected a JSON object with "id" and "text"' in bad.output


def test_extract_refuses_empty_input() -> None:
    result = runner.invoke(app, ["extract", "-"], input="   \n")
    assert result.exit_code == 6
    assert "empty text" in result.output


def test_digest_preview_escapes_hostile_article_text(tmp_path: Path) -> None:
    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'claimwatch.db'}")
    with transaction(factory) as session:
        source = Source(name="Feed", url="https://feed.example/rss")
        session.add(source)
        session.add(
            Article(
                url="https://news.example/a?x=1&y=2",
                title='<script>alert("x")</script> Deal "signed" & sealed',
                outlet="<b>Evil Outlet</b>",
                text="t",
                content_hash="h",
                relevant=True,
                fetched_at=datetime.now(timezone.utc),
            )
        )
    preview = tmp_path / "out" / "digest.html"
    result = runner.invoke(app, ["digest", "--preview", str(preview)])
    assert result.exit_code == 0, result.output
    html = preview.read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Evil Outlet&lt;/b&gt;" in html
    assert 'href="https://news.example/a?x=1&amp;y=2"' in html
    message = email.message_from_bytes(preview.with_suffix(".eml").read_bytes(), policy=policy.default)
    assert message.is_multipart() and message["Message-ID"]
    assert "1 new article" in message["Subject"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert '<script>alert("x")</script> Deal "signed" & sealed' in plain


def test_extract_json_has_the_documented_shape(tmp_path: Path) -> None:
    text = "“We will not sign this,” Andrii Sybiha said. Trump falsely claimed that Kyiv began the war.\n"
    result = runner.invoke(app, ["extract", "-"], input=text)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    [quote] = [q for q in out["quotes"] if q["kind"] == "direct"]
    assert set(quote) == {
        "text",
        "start",
        "end",
        "kind",
        "quoted",
        "speaker",
        "speaker_text",
        "speaker_start",
        "speaker_end",
        "cue",
        "cue_start",
        "cue_end",
    }
    assert text[quote["start"] : quote["end"]] == "We will not sign this,"
    assert quote["speaker"] == "Andrii Sybiha" and text[quote["cue_start"] : quote["cue_end"]] == "said"
    [claim] = out["claims"]
    assert set(claim) == {
        "text",
        "start",
        "end",
        "claimant",
        "claimant_text",
        "framing",
        "checkworthiness",
        "watchlist",
        "proposition",
    }
    assert (claim["claimant"], claim["framing"], claim["watchlist"]) == (
        "Donald Trump",
        "refuted",
        "ukraine-started-the-war",
    )


def test_analyze_outdated_reanalyses_older_extractions(tmp_path: Path) -> None:
    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'claimwatch.db'}")
    text = "Ukraine and the minerals deal: Andrii Sybiha said that Kyiv would present a draft by Friday."
    with transaction(factory) as session:
        session.add(
            Article(
                url="https://news.example/b",
                title="Draft",
                text=text,
                content_hash="h",
                relevant=True,
                language="en",
                analyzed_at=datetime.now(timezone.utc),
                extractor_version="0+old",
            )
        )
    assert "analysed 0 articles" in runner.invoke(app, ["analyze"]).output
    result = runner.invoke(app, ["analyze", "--outdated"])
    assert result.exit_code == 0, result.output
    assert "1 articles queued" in result.output and "analysed 1 articles" in result.output
    with factory() as session:
        article = session.scalars(select(Article)).one()
        assert article.extractor_version != "0+old"
        assert session.scalars(select(Quote)).one().speaker_text == "Andrii Sybiha"


def test_json_logs_and_status_next_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    config = tmp_path / "cw.toml"
    config.write_text(
        f'data_dir = "data"\n[fetch]\nallow_private_addresses = true\nretries = 0\n'
        f'[[feeds]]\nname = "Dead"\nurl = "http://127.0.0.1:{dead}/rss"\n'
    )
    result = run_cli("--config", str(config), "--log-json", "fetch")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(r["level"] == "WARNING" and "feed failed" in r["message"] for r in records)
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    monkeypatch.setenv("COLUMNS", "220")
    status = runner.invoke(app, ["--config", str(config), "status"])
    assert status.exit_code == 0, status.output
    for job in ("cycle", "digest", "factchecks", "housekeeping"):
        assert job in status.output
    assert "next run (daemon)" in status.output and "Dead" in status.output and "failing" in status.output
