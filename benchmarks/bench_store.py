"""Stores for benchmarks: a fresh SQLite file, or a PostgreSQL schema of its own that is dropped after, so
a benchmark never touches the tables of the database it is pointed at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


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
