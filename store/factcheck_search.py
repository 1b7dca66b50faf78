"""Full-text retrieval over stored fact-checks: SQLite FTS5 with BM25, or PostgreSQL's GIN-indexed
tsvector with ts_rank_cd. Both indexes are built by migration 0002 and kept current by the database."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

PG_DOCUMENT = (
    "to_tsvector('english', coalesce(claim_reviewed, '') || ' ' || coalesce(title, '') || ' ' || "
    "coalesce(subtitle, ''))"
)


def search_factchecks(session: Session, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
    """(fact-check id, retrieval score) for fact-checks containing any of `words`, best first."""
    safe = [w for w in (re.sub(r"[^\w]", "", w) for w in words) if w]
    if not safe:
        return []
    if session.get_bind().dialect.name == "sqlite":
        query = " OR ".join(f'"{w}"' for w in safe)
        rows = session.execute(
            text(
                "SELECT rowid, -bm25(factchecks_fts) AS score FROM factchecks_fts "
                "WHERE factchecks_fts MATCH :q ORDER BY bm25(factchecks_fts) LIMIT :k"
            ),
            {"q": query, "k": limit},
        )
    else:
        rows = session.execute(
            text(
                f"SELECT id, ts_rank_cd({PG_DOCUMENT}, q) AS score "
                f"FROM factchecks, to_tsquery('english', :q) AS q WHERE {PG_DOCUMENT} @@ q "
                "ORDER BY score DESC LIMIT :k"
            ),
            {"q": " | ".join(safe), "k": limit},
        )
    return [(int(row[0]), float(row[1])) for row in rows]
