"""Full-text search over articles (title + text) and quotes: SQLite FTS5 ranked by BM25 with snippets, or
PostgreSQL's GIN-indexed stored tsvectors ranked by ts_rank with ts_headline snippets (migration 0004;
kept current by the database itself)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

Target = Literal["articles", "quotes"]
SNIPPET_WORDS = 12


@dataclass(frozen=True)
class Hit:
    kind: Target
    id: int  # article or quote id
    article_id: int
    title: str | None
    outlet: str | None
    url: str
    published_at: datetime | str | None
    snippet: str  # matched words between [ and ]
    speaker: str | None = None


def fts5_query(terms: str) -> str:
    """A safe FTS5 query from what a user types: words and "quoted phrases" must all occur, OR between two
    of them means either; every other character is taken literally."""
    parts = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', terms):
        if word == "OR" and parts and parts[-1] != "OR":
            parts.append("OR")
            continue
        value = (phrase or word).replace('"', "")
        if value.strip():
            parts.append(f'"{value}"')
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def search(session: Session, terms: str, target: Target, limit: int) -> list[Hit]:
    """The best `limit` articles or quotes for `terms` (web-search syntax: words, "phrases", OR)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    query = fts5_query(terms) if sqlite else terms
    if not query.strip():
        return []
    sql = _SQLITE[target] if sqlite else _POSTGRESQL[target]
    rows = session.execute(text(sql), {"q": query, "k": limit}).all()
    return [Hit(target, *row) if target == "articles" else Hit(target, *row[:-1], speaker=row[-1]) for row in rows]


_SQLITE = {
    "articles": f"""
        SELECT a.id, a.id, a.title, a.outlet, a.url, a.published_at,
               snippet(articles_fts, 1, '[', ']', '…', {SNIPPET_WORDS})
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        WHERE articles_fts MATCH :q ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT :k""",
    "quotes": f"""
        SELECT q.id, q.article_id, a.title, a.outlet, a.url, a.published_at,
               snippet(quotes_fts, 0, '[', ']', '…', {SNIPPET_WORDS}), who.name
        FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid JOIN articles a ON a.id = q.article_id
        LEFT JOIN actors who ON who.id = q.speaker_actor_id
        WHERE quotes_fts MATCH :q ORDER BY bm25(quotes_fts) LIMIT :k""",
}
_HEADLINE = f"'StartSel=[, StopSel=], MaxWords={SNIPPET_WORDS}, MinWords=5, MaxFragments=1'"
_POSTGRESQL = {
    "articles": f"""
        SELECT a.id, a.id, a.title, a.outlet, a.url, a.published_at,
               ts_headline('english', a.text, q, {_HEADLINE})
        FROM articles a, websearch_to_tsquery('english', :q) AS q
        WHERE a.search_vector @@ q ORDER BY ts_rank(a.search_vector, q) DESC LIMIT :k""",
    "quotes": f"""
        SELECT qu.id, qu.article_id, a.title, a.outlet, a.url, a.published_at,
               ts_headline('english', qu.text, q, {_HEADLINE}), who.name
        FROM quotes qu JOIN articles a ON a.id = qu.article_id LEFT JOIN actors who ON who.id = qu.speaker_actor_id,
             websearch_to_tsquery('english', :q) AS q
        WHERE qu.search_vector @@ q ORDER BY ts_rank(qu.search_vector, q) DESC LIMIT :k""",
}
