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
# What each search ranks: the newest RANKED matches (all of them when fewer match). Ranking reads every
# article it ranks, and a word in most of the store (the story's own name) matches hundreds of thousands.
RANKED = 1000


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


def search(session: Session, terms: str, target: Target, limit: int, ranked: int = RANKED) -> list[Hit]:
    """The best `limit` of the newest `ranked` articles or quotes that match `terms` (web-search syntax:
    words, "phrases", OR)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    query = fts5_query(terms) if sqlite else terms
    if not query.strip():
        return []
    sql = _SQLITE[target] if sqlite else _POSTGRESQL[target]
    rows = session.execute(text(sql), {"q": query, "k": limit, "n": ranked}).all()
    return [Hit(target, *row) if target == "articles" else Hit(target, *row[:-1], speaker=row[-1]) for row in rows]


_SQLITE = {
    "articles": f"""
        WITH best AS (
            SELECT rowid, score FROM (
                SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS score FROM articles_fts
                WHERE articles_fts MATCH :q ORDER BY rowid DESC LIMIT :n
            ) ORDER BY score LIMIT :k
        )
        SELECT a.id, a.id, a.title, a.outlet, a.url, a.published_at,
               snippet(articles_fts, 1, '[', ']', '…', {SNIPPET_WORDS})
        FROM best JOIN articles_fts ON articles_fts.rowid = best.rowid JOIN articles a ON a.id = best.rowid
        WHERE articles_fts MATCH :q ORDER BY best.score""",
    "quotes": f"""
        WITH best AS (
            SELECT rowid, score FROM (
                SELECT rowid, bm25(quotes_fts) AS score FROM quotes_fts
                WHERE quotes_fts MATCH :q ORDER BY rowid DESC LIMIT :n
            ) ORDER BY score LIMIT :k
        )
        SELECT q.id, q.article_id, a.title, a.outlet, a.url, a.published_at,
               snippet(quotes_fts, 0, '[', ']', '…', {SNIPPET_WORDS}), who.name
        FROM best JOIN quotes_fts ON quotes_fts.rowid = best.rowid JOIN quotes q ON q.id = best.rowid
        JOIN articles a ON a.id = q.article_id LEFT JOIN actors who ON who.id = q.speaker_actor_id
        WHERE quotes_fts MATCH :q ORDER BY best.score""",
}
_HEADLINE = f"'StartSel=[, StopSel=], MaxWords={SNIPPET_WORDS}, MinWords=5, MaxFragments=1'"
_POSTGRESQL = {
    "articles": f"""
        SELECT a.id, a.id, a.title, a.outlet, a.url, a.published_at,
               ts_headline('english', a.text, q, {_HEADLINE})
        FROM (SELECT id FROM articles, websearch_to_tsquery('english', :q) AS q
              WHERE search_vector @@ q ORDER BY id DESC LIMIT :n) AS recent
        JOIN articles a ON a.id = recent.id, websearch_to_tsquery('english', :q) AS q
        ORDER BY ts_rank(a.search_vector, q) DESC LIMIT :k""",
    "quotes": f"""
        SELECT qu.id, qu.article_id, a.title, a.outlet, a.url, a.published_at,
               ts_headline('english', qu.text, q, {_HEADLINE}), who.name
        FROM (SELECT id FROM quotes, websearch_to_tsquery('english', :q) AS q
              WHERE search_vector @@ q ORDER BY id DESC LIMIT :n) AS recent
        JOIN quotes qu ON qu.id = recent.id
        JOIN articles a ON a.id = qu.article_id LEFT JOIN actors who ON who.id = qu.speaker_actor_id,
        websearch_to_tsquery('english', :q) AS q
        ORDER BY ts_rank(qu.search_vector, q) DESC LIMIT :k""",
}
