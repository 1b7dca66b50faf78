"""PostgreSQL advisory locks of a store, one fixed key per purpose.

Each key is mixed with the store's schema, so stores in other schemas of one database never block each
other, and each lock is held by a database session, so a killed holder's lock goes with its connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

DAEMON = 0x636C61696D77  # "claimw": one scheduler per store (jobs/lock.py)
WRITES = 0x636C61696D57  # "claimW": one writer at a time for look-then-insert steps (store/writes.py)
MIGRATE = 0x636C61696D4D  # "claimM": one process migrating a store (store/db.py)


def lock_key(conn: Connection, purpose: int) -> int:
    """The 64-bit key of lock `purpose` for the store `conn` is in."""
    return int(conn.execute(text("SELECT (:k # hashtext(current_schema())::bigint)"), {"k": purpose}).scalar_one())


@contextmanager
def holding(conn: Connection, key: int) -> Iterator[None]:
    """Keep the lock the caller took on `conn` for the block, then release it."""
    conn.commit()
    try:
        yield
    finally:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        conn.commit()


@contextmanager
def waiting_lock(engine: Engine, purpose: int) -> Iterator[None]:
    """Wait for lock `purpose` and hold it for the block."""
    with engine.connect() as conn:
        key = lock_key(conn, purpose)
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        with holding(conn, key):
            yield
