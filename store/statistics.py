"""Planner statistics: refreshed after bulk changes so that look-ups keep using their indexes, without
waiting for the daemon's housekeeping (a cron-driven `run --once` never runs it): after migrations, after
large imports, and when a cycle grew a table by more than GROWTH_FRACTION."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from .models import Article, Claim, ClaimOccurrence, FactCheck, Mention, Quote

GROWTH_FRACTION = 0.2
GROWING = (Article, Claim, ClaimOccurrence, Mention, Quote, FactCheck)
SQLITE_ANALYSIS_LIMIT = 1000  # rows sampled per index: ANALYZE stays fast on a large file


def table_sizes(session: Session) -> dict[str, int]:
    """Each growing table's highest id: a size read from the primary key alone, cheap at any size."""
    return {
        model.__tablename__: int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) for model in GROWING
    }


def refresh_if_grown(session: Session, before: dict[str, int]) -> bool:
    """ANALYZE when some table grew by more than GROWTH_FRACTION since `before`; whether it did."""
    after = table_sizes(session)
    if not any(
        after[name] - before.get(name, 0) > GROWTH_FRACTION * before.get(name, 0) for name in after if after[name]
    ):
        return False
    analyze(session.connection())
    session.commit()
    return True


def refresh_statistics(session: Session) -> None:
    """ANALYZE now (after an import), committed on its own."""
    analyze(session.connection())
    session.commit()


def analyze(conn: Connection) -> None:
    """Refresh the planner's statistics of the whole store."""
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}"))
    conn.execute(text("ANALYZE"))
