"""Store: one set of migrations builds the models' schema on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.nlp.actors import Actor as FoundActor
from claimwatch.nlp.actors import ActorMention as FoundMention
from claimwatch.nlp.extract import Extraction
from claimwatch.store import analysis
from claimwatch.store.db import (
    BATCH_PAGE_CACHE_KIB,
    batch_page_cache,
    create_store_engine,
    include_object,
    migrate,
    schema_revision,
    transaction,
)
from claimwatch.store.models import Article, Base, Mention, Source


def test_migrations_build_exactly_the_models_schema(factory: sessionmaker[Session]) -> None:
    engine = factory.kw["bind"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []
    current, head = schema_revision(engine)
    assert current == head is not None


def test_migrating_twice_changes_nothing(db_url: str) -> None:
    engine = create_store_engine(db_url)
    migrate(engine)
    before = sorted(inspect(engine).get_table_names())
    migrate(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert {"articles", "claims", "claim_occurrences", "factchecks", "claim_status_history"} <= set(before)
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_tables_and_columns_carry_their_comments(factory: sessionmaker[Session]) -> None:
    inspector = inspect(factory.kw["bind"])
    for table in Base.metadata.sorted_tables:
        assert inspector.get_table_comment(table.name)["text"], table.name
    columns = {c["name"]: c for c in inspector.get_columns("claim_occurrences")}
    assert "asserted | reported | refuted" in columns["framing"]["comment"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def _article(url: str = "https://news.example/a") -> Article:
    return Article(url=url, text="t", content_hash="h", relevant=True)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_batch_is_saved_with_a_larger_page_cache_then_the_connection_has_its_own_back(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    grouping = analysis.group_claims

    def group_claims(session: Session, *args: object) -> object:  # called mid-batch
        sizes.append(session.execute(text("PRAGMA cache_size")).scalar_one())
        return grouping(session, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "group_claims", group_claims)
    shmyhal = FoundActor("Denys Shmyhal", "PERSON", [FoundMention(0, 13, "Denys Shmyhal")])
    with transaction(factory) as session:
        own = session.execute(text("PRAGMA cache_size")).scalar_one()
        article = _article()
        session.add(article)
        session.flush()
        assert analysis.save_extractions(session, [(article, Extraction(actors=[shmyhal]))])["mentions"] == 1
        assert sizes == [-BATCH_PAGE_CACHE_KIB] != [own]
        assert session.execute(text("PRAGMA cache_size")).scalar_one() == own
    with factory() as session:  # a batch that fails mid-way gives the cache back too, and its error through
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        with pytest.raises(IntegrityError):
            with batch_page_cache(session):
                session.add(Mention(article_id=999, actor_id=999, start=0, end=1, text="x"))
                session.flush()
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == own


def test_foreign_keys_are_enforced(factory: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError):
        with transaction(factory) as session:
            session.add(Mention(article_id=999, actor_id=999, start=0, end=1, text="x"))


def test_unique_canonical_url(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        session.add(_article())
    with pytest.raises(IntegrityError):
        with transaction(factory) as session:
            session.add(_article())


def test_timestamps_round_trip_as_aware_utc(factory: sessionmaker[Session]) -> None:
    kyiv_time = datetime(2025, 2, 15, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    with transaction(factory) as session:
        article = _article()
        article.published_at = kyiv_time
        session.add(article)
    with factory() as session:
        stored = session.scalars(select(Article)).one().published_at
    assert stored == kyiv_time and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(factory: sessionmaker[Session]) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        with transaction(factory) as session:
            session.add(Source(name="x", url="https://x.example/rss", last_fetched_at=datetime(2025, 1, 1)))


def test_schema_doc_describes_every_table_and_column() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    for table in Base.metadata.sorted_tables:
        section = doc.split(f"### `{table.name}`", 1)
        assert len(section) == 2, f"docs/schema.md has no section for {table.name}"
        body = section[1].split("### ", 1)[0]
        for column in table.columns:
            assert f"| `{column.name}` |" in body, f"docs/schema.md: {table.name}.{column.name} missing"
