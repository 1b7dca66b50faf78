"""Stores for benchmarks: a fresh SQLite file, or a PostgreSQL schema of its own that is dropped after, so
a benchmark never touches the tables of the database it is pointed at; and a synthetic store bulk-loaded
at any size."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

from claimwatch.store.claim_counts import recount_claims
from claimwatch.store.db import open_store
from claimwatch.store.models import Actor, Article, Claim, ClaimOccurrence, Mention, Quote
from claimwatch.store.tallies import retally

CHUNK = 50_000
FRAMINGS = ("asserted", "reported", "refuted")


@contextmanager
def bench_store(database_url: str | None, folder: Path, schema: str) -> Iterator[str]:
    """A store URL: SQLite in `folder`, or `schema` (created empty) in the PostgreSQL at `database_url`."""
    if database_url is None:
        yield f"sqlite:///{folder}/bench.db"
        return
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database_url}{'&' if '?' in database_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def _full_text_indexed_after(session: Session) -> Iterator[None]:
    """On SQLite, fill the full-text indexes once after the load instead of row by row: FTS5's insert
    triggers, fired for each of a million rows in one transaction, took 76 s per 100,000 articles and grew
    with the load; a `rebuild` after it takes 0.5 s. The triggers are put back as they were."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    rows = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    triggers = [(name, sql) for name, sql in rows if name.endswith("_fts_insert")]
    for name, _sql in triggers:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for name, sql in triggers:
        index = name.removesuffix("_insert")
        session.execute(text(f"INSERT INTO {index}({index}) VALUES ('rebuild')"))
        session.execute(text(sql))


def load_synthetic(
    url: str,
    *,
    articles: int,
    occurrences: int,
    claims: int,
    first_article: int = 0,
    first_claim: int = 0,
    first_occurrence: int = 0,
    people: int = 0,
) -> None:
    """Bulk-load a synthetic store: `articles` articles of a few sentences over 40 outlets, `claims` canonical
    claims, `occurrences` claim occurrences spread evenly over the articles; with `people`, as many actors
    (made by the first load) and, per article, two mentions and one quote. The `first_*` numbers continue an
    earlier load."""
    factory = open_store(url)
    rng = random.Random(5 + first_article)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    per_article = max(1, occurrences // max(articles, 1))
    with factory.begin() as session, _full_text_indexed_after(session):
        if people and first_article == 0:
            for first in range(0, people, CHUNK):
                session.execute(
                    insert(Actor),
                    [{"name": f"Person {i}", "type": "PERSON"} for i in range(first, min(first + CHUNK, people))],
                )
        for first in range(first_article, first_article + articles, CHUNK):
            session.execute(
                insert(Article),
                [
                    {
                        "url": f"https://outlet{i % 40}.example/news/{i}",
                        "guid": f"outlet{i % 40}-{i}",
                        "outlet": f"Outlet {i % 40}",
                        "title": f"Story {i} on the minerals deal",
                        "text": f"Story {i}. Officials said the deal was close. Critics said it was not.",
                        "content_hash": f"{i:064d}",
                        "title_hash": f"{i:064x}",
                        "published_at": start + timedelta(minutes=i),
                        "fetched_at": start + timedelta(minutes=i, seconds=30),
                        "analyzed_at": start + timedelta(minutes=i, seconds=40),
                        "relevant": True,
                        "language": "en",
                    }
                    for i in range(first, min(first + CHUNK, first_article + articles))
                ],
            )
        for first in range(first_claim, first_claim + claims, CHUNK):
            session.execute(
                insert(Claim),
                [
                    {
                        "text": f"Claim number {i} about aid",
                        "normalized": f"claim number {i} aid",
                        "status": "false" if i % 50 == 0 else "unchecked",
                        "first_seen_at": start + timedelta(minutes=i),
                    }
                    for i in range(first, min(first + CHUNK, first_claim + claims))
                ],
            )
        for first in range(first_occurrence, first_occurrence + occurrences, CHUNK):
            session.execute(
                insert(ClaimOccurrence),
                [
                    {
                        "claim_id": 1 + first_claim + (i - first_occurrence) % claims,
                        "article_id": 1 + first_article + (i - first_occurrence) // per_article,
                        "claimant_text": "officials",
                        "claimant_actor_id": 1 + i % people if people else None,
                        "text": f"Claim number {i % claims} about aid",
                        "sentence": "Officials said the deal was close.",
                        "start": 10 + i % 7,
                        "end": 40 + i % 7,
                        "framing": rng.choice(FRAMINGS),
                        "checkworthiness": rng.random(),
                        "extractor_version": "bench",
                        "grouping": "new",
                    }
                    for i in range(first, min(first + CHUNK, first_occurrence + occurrences))
                ],
            )
        if people:
            for first in range(first_article, first_article + articles, CHUNK):
                batch = range(first, min(first + CHUNK, first_article + articles))
                session.execute(
                    insert(Mention),
                    [
                        {"article_id": 1 + i, "actor_id": 1 + (i * 7 + k) % people, "start": 20 * k,
                         "end": 20 * k + 5, "text": "Person"}
                        for i in batch
                        for k in (0, 1)
                    ],
                )  # fmt: skip
                session.execute(
                    insert(Quote),
                    [
                        {"article_id": 1 + i, "speaker_actor_id": 1 + i % people, "speaker_text": "Person",
                         "cue": "said", "kind": "indirect", "text": "the deal was close", "start": 19,
                         "end": 37, "quoted": [], "extractor_version": "bench"}
                        for i in batch
                    ],
                )  # fmt: skip
        recount_claims(session)  # what the cycle keeps on write, set once for the bulk load
        retally(session)
    factory.kw["bind"].dispose()
