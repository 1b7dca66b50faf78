"""One writer at a time for the look-then-insert steps: is this article already stored, which claim does
this one join, which actor is this alias.

Within a process a lock serialises threads; on PostgreSQL an advisory lock also serialises processes and
machines (the `claimwatch worker`s of distributed mode), so two workers never both decide that a story or a
claim is new. The work before these steps — fetching pages, parsing, embedding — runs in parallel; only the
short decisions and inserts queue. A killed holder's lock goes with its session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

# Fixed key mixed with the store's schema, like the daemon's lock (jobs/lock.py) but a different one.
WRITES_KEY = 0x636C61696D57  # "claimW"

_threads = threading.Lock()


@contextmanager
def exclusive_writes(factory: sessionmaker[Session]) -> Iterator[None]:
    """Hold the store's writer lock for the block."""
    with _threads:
        engine = factory.kw["bind"]
        if engine.dialect.name != "postgresql":
            yield
            return
        with engine.connect() as conn:
            key = conn.execute(text("SELECT (:k # hashtext(current_schema())::bigint)"), {"k": WRITES_KEY}).scalar_one()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
