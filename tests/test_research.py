"""The researchers' surface on the demo corpus, on SQLite and PostgreSQL: the views and their documented
columns, the common questions, full-text search kept current, exports that round-trip, read-only access,
and Datasette in a real browser."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pandas as pd
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from claimwatch.config import load_config
from claimwatch.jobs.cli import app
from claimwatch.jobs.cycle import run_cycle
from claimwatch.jobs.demo import demo_settings, serve_corpus
from claimwatch.jobs.factchecks import FactCheckSummary, import_file, match_all
from claimwatch.jobs.semantic import semantic_for
from claimwatch.store.db import open_read_only, open_store, transaction
from claimwatch.store.models import Article, Claim, Quote
from claimwatch.store.questions import QUESTIONS
from claimwatch.store.search import fts5_query, search
from claimwatch.store.views import VIEWS

from .conftest import BACKENDS, FIXTURES, PG_ENV, _pg_schema_url

runner = CliRunner()
DOCS = Path(__file__).parents[1] / "docs"


class DemoStore:
    def __init__(self, url: str, data_dir: Path) -> None:
        self.url, self.data_dir = url, data_dir
        self.factory = open_store(url)
        self.config = data_dir / "claimwatch.toml"
        self.config.write_text(f'data_dir = "{data_dir}"\n')

    def cli(self, *args: str) -> object:
        env = {"CLAIMWATCH_DATABASE_URL": self.url, "COLUMNS": "200"}
        return runner.invoke(app, ["--config", str(self.config), *args], env=env)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """The demo corpus after one cycle, with the fixture fact-checks imported and matched."""
    data_dir = tmp_path_factory.mktemp(f"demo-{request.param}")
    urls = (
        _pg_schema_url(os.environ[PG_ENV])
        if request.param == "postgresql"
        else iter([f"sqlite:///{data_dir}/claimwatch.db"])
    )
    url = next(urls)
    with serve_corpus() as base_url:
        settings = demo_settings(load_config(), base_url, data_dir)
        settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
        store = DemoStore(url, data_dir)
        run_cycle(settings, store.factory)
    import_file(settings, store.factory, FIXTURES / "factchecks.csv")
    match_all(settings, store.factory, FactCheckSummary(), semantic=semantic_for(settings))
    yield store
    store.factory.kw["bind"].dispose()
    next(urls, None)  # drops the PostgreSQL schema


def _params(store: DemoStore) -> dict[str, object]:
    with store.factory() as session:
        watched = session.scalars(select(Claim.id).where(Claim.watchlist_key == "ukraine-started-the-war")).one()
    return {"speaker": "Volodymyr Zelensky", "claim_id": watched, "since": "2025-01-01", "terms": "minerals deal"}


def test_views_have_their_declared_and_documented_columns(demo: DemoStore) -> None:
    schema_doc = (DOCS / "schema.md").read_text(encoding="utf-8")
    codebook = (DOCS / "codebook.md").read_text(encoding="utf-8")
    with demo.factory() as session:
        for view, fields in VIEWS.items():
            columns = list(session.execute(text(f"SELECT * FROM {view} LIMIT 0")).keys())
            assert columns == [f.name for f in fields], view
            section = schema_doc.split(f"### `{view}`", 1)
            assert len(section) == 2, f"docs/schema.md has no section for the view {view}"
            body = section[1].split("### ", 1)[0]
            for field in fields:
                assert f"| `{field.name}` |" in body, f"docs/schema.md: {view}.{field.name} missing"
                assert f"`{view}.{field.name}`" in codebook, f"docs/codebook.md: {view}.{field.name} missing"


def test_every_common_question_is_documented_and_answers_on_the_demo(demo: DemoStore) -> None:
    schema_doc = (DOCS / "schema.md").read_text(encoding="utf-8")
    params = _params(demo)
    answers = {}
    with demo.factory() as session:
        postgresql = session.get_bind().dialect.name == "postgresql"
        for question in QUESTIONS:
            assert question.sql in schema_doc, f"docs/schema.md does not quote the question {question.name}"
            if question.postgresql:
                assert question.postgresql in schema_doc
            sql = question.postgresql if postgresql and question.postgresql else question.sql
            wanted = {k: v for k, v in params.items() if f":{k}" in sql}
            answers[question.name] = session.execute(text(sql), wanted).mappings().all()
    assert all(answers[name] for name in answers if name != "false_claims_asserted"), {
        name: len(rows) for name, rows in answers.items()
    }
    watched = next(r for r in answers["claims_with_status"] if r["claim_id"] == params["claim_id"])
    assert watched["claim_status"] == "false" and watched["factcheck_url"].endswith("/ukraine-started-war")
    assert {r["claimant"] for r in answers["claims_in_articles"]} >= {"Donald Trump"}
    assert all(r["published_at"] is not None for r in answers["quotes_by_speaker"])
    assert sum(r["occurrences"] for r in answers["spread_per_day"]) == next(
        r["occurrences"] for r in answers["claims_with_status"] if r["claim_id"] == params["claim_id"]
    )
    assert any("Minerals deal" in (r["title"] or "") for r in answers["search_articles"])


def test_quoted_words_are_the_words_inside_quotation_marks(demo: DemoStore) -> None:
    with demo.factory() as session:
        rows = session.execute(text("SELECT quote_id, quoted_words FROM quotes_in_articles")).all()
        by_id = dict(rows)
        checked = 0
        for quote in session.scalars(select(Quote)):
            article = session.get(Article, quote.article_id)
            expected = " … ".join(article.text[s:e] for s, e in quote.quoted) or None
            assert by_id[quote.id] == expected
            checked += bool(expected)
    assert checked >= 3


def test_search_finds_articles_and_quotes_and_the_command_prints_them(demo: DemoStore) -> None:
    with Session(open_read_only(demo.url)) as session:
        articles = search(session, '"security guarantees" minerals', "articles", 5)
        quotes = search(session, "propaganda", "quotes", 5)
    assert articles and all("minerals" in (a.title or "").lower() or "[" in a.snippet for a in articles)
    assert quotes and quotes[0].speaker == "Volodymyr Zelensky" and "[propaganda]" in quotes[0].snippet.lower()
    result = demo.cli("search", "propaganda", "--in", "quotes")
    assert result.exit_code == 0 and "Volodymyr Zelensky" in result.output
    assert demo.cli("search", "x", "--in", "tweets").exit_code == 2


def test_fts5_query_takes_user_words_literally() -> None:
    assert (
        fts5_query('minerals "security guarantees" OR ceasefire') == '"minerals" "security guarantees" OR "ceasefire"'
    )
    assert fts5_query('NEAR( col:x ) AND * "') == '"NEAR(" "col:x" ")" "AND" "*"'
    assert fts5_query("OR OR") == '"OR"'  # a leading OR is a word; a trailing one is dropped


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_indexes_follow_inserts_updates_and_deletes(backend: str, tmp_path: Path) -> None:
    urls = _pg_schema_url(os.environ[PG_ENV]) if backend == "postgresql" else iter([f"sqlite:///{tmp_path}/s.db"])
    factory: sessionmaker[Session] = open_store(next(urls))
    try:
        with transaction(factory) as session:
            article = Article(
                url="https://x.example/1", title="Grain corridor", text="Ships left Odesa", content_hash="1"
            )
            session.add(article)
            session.flush()
            session.add(Quote(article_id=article.id, kind="direct", text="We will ship grain", start=0, end=5,
                              quoted=[[0, 5]], extractor_version="t"))  # fmt: skip
        with factory() as session:
            assert [h.title for h in search(session, "Odesa", "articles", 5)] == ["Grain corridor"]
            assert len(search(session, "grain", "quotes", 5)) == 1
        with transaction(factory) as session:
            session.scalars(select(Article)).one().text = "Ships left Izmail"
        with factory() as session:
            assert search(session, "Odesa", "articles", 5) == [] and search(session, "Izmail", "articles", 5)
        with transaction(factory) as session:
            session.delete(session.scalars(select(Article)).one())
        with factory() as session:
            assert search(session, "Izmail", "articles", 5) == [] and search(session, "grain", "quotes", 5) == []
    finally:
        factory.kw["bind"].dispose()
        next(urls, None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_ranks_the_newest_matches_best_first(backend: str, tmp_path: Path) -> None:
    """A word in most of the store is ranked among its newest matches: the best article of all is found
    while it is among them, and left out once newer matches push it out. The common question lists the
    latest matches first."""
    urls = _pg_schema_url(os.environ[PG_ENV]) if backend == "postgresql" else iter([f"sqlite:///{tmp_path}/s.db"])
    factory: sessionmaker[Session] = open_store(next(urls))
    question = next(q for q in QUESTIONS if q.name == "search_articles")
    sql = question.postgresql if backend == "postgresql" and question.postgresql else question.sql
    best = "Ceasefire ceasefire ceasefire: the ceasefire holds, the ceasefire talks go on"
    try:
        with transaction(factory) as session:
            session.add(Article(url="https://x.example/0", title="Ceasefire", text=best, content_hash="0"))
            for n in range(1, 5):
                text_ = f"Shelling went on near Kherson on day {n}; a ceasefire was not discussed."
                session.add(Article(url=f"https://x.example/{n}", title=f"Day {n}", text=text_, content_hash=str(n)))
        with factory() as session:
            assert search(session, "ceasefire", "articles", 2)[0].title == "Ceasefire"
            assert search(session, "ceasefire", "articles", 2, ranked=5)[0].title == "Ceasefire"
            newest = search(session, "ceasefire", "articles", 5, ranked=4)
            assert sorted(h.title for h in newest) == ["Day 1", "Day 2", "Day 3", "Day 4"]
            answer = session.execute(text(sql), {"terms": "ceasefire"}).all()
            assert [row.title for row in answer] == ["Day 4", "Day 3", "Day 2", "Day 1", "Ceasefire"]
    finally:
        factory.kw["bind"].dispose()
        next(urls, None)


def test_exports_round_trip_with_their_types(demo: DemoStore, tmp_path: Path) -> None:
    parquet, csv_file, jsonl = tmp_path / "c.parquet", tmp_path / "c.csv", tmp_path / "c.jsonl"
    for fmt, path in (("parquet", parquet), ("csv", csv_file), ("jsonl", jsonl)):
        result = demo.cli("export", "claims_in_articles", "--format", fmt, "-o", str(path))
        assert result.exit_code == 0, result.output
    with demo.factory() as session:
        expected = session.execute(text("SELECT count(*) FROM claims_in_articles")).scalar()
    frame = pd.read_parquet(parquet)
    assert len(frame) == expected > 0 and list(frame.columns) == [f.name for f in VIEWS["claims_in_articles"]]
    assert str(frame["published_at"].dtype) == "datetime64[us, UTC]" and str(frame["start"].dtype) == "int64"
    assert str(frame["checkworthiness"].dtype) == "float64"
    with duckdb.connect() as duck:
        assert duck.execute(f"SELECT count(*) FROM '{parquet}'").fetchone()[0] == expected
        types = duck.execute(f"SELECT typeof(fetched_at), typeof(start) FROM '{parquet}' LIMIT 1").fetchone()
        assert types == ("TIMESTAMP WITH TIME ZONE", "BIGINT")
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert len(rows) == expected and all(r["fetched_at"].endswith("Z") for r in rows)
    assert [r["occurrence_id"] for r in rows] == sorted(r["occurrence_id"] for r in rows)  # stable order
    assert pd.read_csv(csv_file)["occurrence_id"].tolist() == [r["occurrence_id"] for r in rows]
    # offsets intact: the wording is at its offsets in the article text (less quotation marks around it)
    with demo.factory() as session:
        for row in rows:
            article_text = session.get(Article, row["article_id"]).text
            assert row["wording"] in article_text[row["start"] : row["end"]]
    later = demo.cli("export", "claims_in_articles", "--format", "jsonl", "--since", "2100-01-01")
    assert later.exit_code == 0 and later.output.strip() == ""
    assert demo.cli("export", "mentions", "--since", "2025-01-01").exit_code == 2  # no time column
    assert demo.cli("export", "no_such_view").exit_code == 2


def test_sqlite_readers_cannot_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ro.db"
    open_store(url).kw["bind"].dispose()
    engine = open_read_only(url)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="readonly"):
        conn.execute(text("INSERT INTO sources (name, url, kind, enabled, consecutive_failures, created_at) "
                          "VALUES ('x', 'y', 'news', 1, 0, '2025-01-01')"))  # fmt: skip


@pytest.mark.postgres
def test_postgresql_read_only_role_as_documented(demo: DemoStore) -> None:
    if not demo.url.startswith("postgresql"):
        pytest.skip("the role is a PostgreSQL feature")
    role = f"cw_reader_{uuid.uuid4().hex[:8]}"
    schema = demo.url.rsplit("%3D", 1)[1]
    grants = (DOCS / "research.md").read_text(encoding="utf-8").split("```sql\n", 1)[1].split("```", 1)[0]
    admin = create_engine(demo.url)
    with admin.begin() as conn:
        for statement in grants.replace("claimwatch_reader", role).replace("public", schema).split(";"):
            if statement.strip() and "DATABASE" not in statement:
                conn.execute(text(statement))
    reader_url = demo.url.replace("postgres@", f"{role}@", 1)
    reader = create_engine(reader_url)
    try:
        with reader.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM claims_in_articles")).scalar() > 0
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text("UPDATE claims SET status = 'true'"))
    finally:
        reader.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chromium(*args: str) -> str:
    command = [
        CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--virtual-time-budget=3000", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True).stdout


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_browse_in_a_real_browser(demo: DemoStore, tmp_path: Path) -> None:
    if not demo.url.startswith("sqlite"):
        result = demo.cli("browse")
        assert result.exit_code == 2 and "Datasette does not read PostgreSQL" in result.output
        return
    if CHROMIUM is None:
        if os.environ.get("CLAIMWATCH_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from claimwatch.jobs.cli import main; main()", "--config", str(demo.config), "browse",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/claimwatch"
    shots = Path(os.environ.get("CLAIMWATCH_SCREENSHOTS", tmp_path))
    try:
        for _ in range(100):
            try:
                if httpx.get(base, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with demo.factory() as session:
            watched = session.scalars(select(Claim).where(Claim.watchlist_key == "ukraine-started-the-war")).one()
        pages = {
            "claim": (f"{base}/claims/{watched.id}", ["Ukraine started the war", "ukraine-started-the-war", "false"]),
            "search": (f"{base}/articles?_search=minerals", ["Minerals deal: what the US draft asks of Ukraine"]),
            "canned-query": (f"{base}/claims_with_status", ["Claims with their fact-check status",
                                                            "https://checkers.example/ukraine-started-war"]),
            "view": (f"{base}/quotes_in_articles?speaker=Volodymyr+Zelensky", ["Quotes in articles", "propaganda"]),
        }  # fmt: skip
        for name, (url, expected) in pages.items():
            dom = _chromium("--dump-dom", url)
            for words in expected:
                assert words in dom, f"{name}: {words!r} not on {url}"
            _chromium(f"--screenshot={shots / f'browse-{name}.png'}", "--window-size=1280,900", url)
            assert (shots / f"browse-{name}.png").stat().st_size > 10_000
    finally:
        server.terminate()
        server.wait(timeout=10)
    for _ in range(50):  # Datasette goes with the `browse` that started it: nothing left listening
        try:
            httpx.get(base, timeout=0.5)
        except httpx.HTTPError:
            break
        time.sleep(0.2)
    else:
        pytest.fail("Datasette kept running after `claimwatch browse` was stopped")
