"""Planner statistics: refreshed after bulk changes so that look-ups keep using their indexes, without
waiting for the daemon's housekeeping (a cron-driven `run --once` never runs it)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

GROWN_TABLES = ("factchecks", "factcheck_vectors", "claims", "claim_vectors")


def refresh_statistics(session: Session) -> None:
    """ANALYZE the tables that bulk imports grow (committed on its own)."""
    for table in GROWN_TABLES:
        session.execute(text(f"ANALYZE {table}"))
    session.commit()
