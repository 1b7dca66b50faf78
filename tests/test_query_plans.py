"""Every look-up a cycle makes per feed entry and per claim is served by an index, on both backends.

The test records the statements a real cycle runs over the demo corpus (fetch, analyze with grouping by
meaning, matching) and reads each one's plan: SQLite's EXPLAIN QUERY PLAN must not SCAN a table that grows
with the store, and PostgreSQL's EXPLAIN (with sequential scans priced out, as on a large table) must not
show a Seq Scan of one. The few statements that run once per cycle and read a whole table on purpose are
listed, with why.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import load_config
from claimwatch.jobs.cycle import STAGES, run_cycle
from claimwatch.jobs.demo import demo_settings, serve_corpus
from claimwatch.store.models import JobRun
from claimwatch.store.questions import QUESTIONS

GROWING = (
    "articles",
    "sightings",
    "claims",
    "claim_occurrences",
    "claim_outlet_tallies",
    "mentions",
    "quotes",
    "actors",
    "actor_aliases",
    "factchecks",
    "claim_factchecks",
    "claim_vectors",
    "factcheck_vectors",
)
ONCE_PER_CYCLE = {
    # which claims to match this cycle: one pass over claims
    "matched_with": "claims_to_match",
    # fact-checks and claims that still need a vector: one anti-join per kind per cycle
    "LEFT OUTER JOIN factcheck_vectors": "missing vectors",
    "LEFT OUTER JOIN claim_vectors": "missing vectors",
    # the vector index's check against the store, once per job: a count
    "count(factcheck_vectors.id)": "index check",
    "count(claim_vectors.id)": "index check",
}


def _recorded(factory: sessionmaker[Session], tmp_path: Path, db_url: str) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []
    engine = factory.kw["bind"]

    def record(_conn, _cursor, statement, parameters, _context, many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            # an executemany (rows flushed together) is planned once: explain it with its first row
            statements.append((statement, parameters[0] if many else parameters))

    with serve_corpus() as base_url:
        settings = demo_settings(load_config(), base_url, tmp_path / "data")
        settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": db_url})})
        event.listen(engine, "before_cursor_execute", record)
        try:
            run_cycle(settings, factory)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    unique = {}
    for statement, parameters in statements:
        unique.setdefault(statement, parameters)
    return list(unique.items())


def _as_if_large(factory: sessionmaker[Session]) -> None:
    """Plan as on a large store: SQLite forgets the demo's tiny statistics (it then assumes big tables);
    PostgreSQL gets sequential scans priced out in `_full_scans`."""
    engine = factory.kw["bind"]
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
                conn.exec_driver_sql("DELETE FROM sqlite_stat1")
        engine.dispose()  # connections read statistics when they open


def _full_scans(conn, statement: str, parameters: object) -> list[str]:  # type: ignore[no-untyped-def]
    if conn.dialect.name == "sqlite":
        plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        return [line for line in plan if re.match(rf"SCAN ({'|'.join(GROWING)})\b", line)]
    conn.exec_driver_sql("SET enable_seqscan = off")
    plan = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    return [line.strip() for line in plan if re.search(rf"Seq Scan on ({'|'.join(GROWING)})\b", line)]


def test_per_entry_and_per_claim_lookups_use_indexes(
    factory: sessionmaker[Session], tmp_path: Path, db_url: str
) -> None:
    recorded = _recorded(factory, tmp_path, db_url)
    assert len(recorded) > 20
    _as_if_large(factory)
    problems = []
    with factory.kw["bind"].connect() as conn:
        for statement, parameters in recorded:
            if any(marker in statement for marker in ONCE_PER_CYCLE):
                continue
            scans = _full_scans(conn, statement, parameters)
            if scans:
                problems.append(f"{' '.join(statement.split())[:220]}\n    -> {scans}")
    assert not problems, "full scans on the hot path:\n" + "\n".join(problems)


def test_a_cycle_records_its_stages_and_refreshes_statistics(
    factory: sessionmaker[Session], tmp_path: Path, db_url: str
) -> None:
    _recorded(factory, tmp_path, db_url)
    with factory() as session:
        run = session.scalars(select(JobRun).where(JobRun.job == "cycle")).one()
        stages = {stage: run.summary[f"{stage}_seconds"] for stage in STAGES}
        assert all(seconds >= 0 for seconds in stages.values()) and stages["extract"] > 0
        # the fetch overlaps the analysis; extract, store and match follow each other
        assert stages["fetch"] <= run.summary["seconds"] + 0.5
        assert stages["extract"] + stages["store"] + stages["match"] <= run.summary["seconds"] + 0.5
        if session.get_bind().dialect.name == "sqlite":  # the first cycle grew every table: ANALYZE ran
            analysed = session.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars().all()
        else:
            analysed = session.execute(
                text("SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                     "AND last_analyze IS NOT NULL")
            ).scalars().all()  # fmt: skip
        assert {"articles", "claims", "claim_occurrences"} <= set(analysed)


def test_claim_grouping_lookup_uses_its_composite_index(
    factory: sessionmaker[Session], tmp_path: Path, db_url: str
) -> None:
    """Not the unique watchlist index: its NULLs are nearly every row, so a search on it reads them all."""
    recorded = _recorded(factory, tmp_path, db_url)
    lookups = [(s, p) for s, p in recorded if "claims.normalized IN" in s]
    assert lookups
    _as_if_large(factory)
    with factory.kw["bind"].connect() as conn:
        for statement, parameters in lookups:
            if conn.dialect.name == "sqlite":
                plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            else:
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            assert "ix_claims_normalized_watchlist" in plan, plan


def test_false_claims_question_reads_its_first_page_in_order_from_the_partial_index(
    factory: sessionmaker[Session],
) -> None:
    """The tally rows of false claims come from an index in the question's order: no sort of every such row
    before the first page (on PostgreSQL it sorted ~5,900 rows at a million articles)."""
    question = next(q for q in QUESTIONS if q.name == "false_claims_asserted")
    _as_if_large(factory)
    with factory.kw["bind"].connect() as conn:
        sql = f"select * from ({question.postgresql or question.sql}) as q limit 100"
        if conn.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert "ix_claim_outlet_tallies_false" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))
            assert "Index Scan Backward using ix_claim_outlet_tallies_false" in plan, plan
            assert "Sort Key: t.occurrences" not in plan, plan
