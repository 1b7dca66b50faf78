"""Full-text retrieval over stored fact-checks: SQLite FTS5 with BM25, or PostgreSQL's GIN-indexed stored
tsvector (`factchecks.search_vector`) with ts_rank (its default; ts_rank_cd was seven times slower on 100,000
rows). Both are built by migration 0002 and kept current by the database itself."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session


def search_factchecks(session: Session, words: Sequence[str], limit: int, *, after: int = 0) -> list[tuple[int, float]]:
    """(fact-check id, retrieval score) for fact-checks with id above `after` containing any of `words`, best
    first."""
    safe = [w for w in (re.sub(r"[^\w]", "", w) for w in words) if w]
    if not safe:
        return []
    if session.get_bind().dialect.name == "sqlite":
        query = " OR ".join(f'"{w}"' for w in safe)
        rows = session.execute(
            text(
                "SELECT rowid, -bm25(factchecks_fts) AS score FROM factchecks_fts "
                "WHERE factchecks_fts MATCH :q AND rowid > :after ORDER BY bm25(factchecks_fts) LIMIT :k"
            ),
            {"q": query, "k": limit, "after": after},
        )
    else:
        rows = session.execute(
            text(
                "SELECT id, ts_rank(search_vector, q) AS score FROM factchecks, to_tsquery('english', :q) AS q "
                "WHERE search_vector @@ q AND id > :after ORDER BY score DESC LIMIT :k"
            ),
            {"q": " | ".join(safe), "k": limit, "after": after},
        )
    return [(int(row[0]), float(row[1])) for row in rows]
