"""One process per store: a second holder is refused and told who holds the lock; on PostgreSQL the lock
belongs to the store's schema, so stores in other schemas of the same database run side by side."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from claimwatch.jobs.lock import LockHeld, store_lock

from .conftest import PG_ENV, _pg_schema_url


def test_a_second_holder_of_the_same_store_is_refused(db_url: str, tmp_path: Path) -> None:
    first, second = create_engine(db_url), create_engine(db_url)
    try:
        with store_lock(first, tmp_path):
            with pytest.raises(LockHeld) as refused, store_lock(second, tmp_path):
                pass
            assert "held by" in str(refused.value)
        with store_lock(second, tmp_path):  # released with the first holder
            pass
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.postgres
def test_stores_in_two_schemas_of_one_database_do_not_block_each_other(tmp_path: Path) -> None:
    one_urls, other_urls = _pg_schema_url(os.environ[PG_ENV]), _pg_schema_url(os.environ[PG_ENV])
    one, other = create_engine(next(one_urls)), create_engine(next(other_urls))
    try:
        with store_lock(one, tmp_path), store_lock(other, tmp_path):
            pass
    finally:
        one.dispose()
        other.dispose()
        next(one_urls, None)
        next(other_urls, None)
