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

from sqlalchemy.orm import Session, sessionmaker

from .advisory import WRITES, waiting_lock

_threads = threading.Lock()


@contextmanager
def exclusive_writes(factory: sessionmaker[Session]) -> Iterator[None]:
    """Hold the store's writer lock for the block."""
    with _threads:
        engine = factory.kw["bind"]
        if engine.dialect.name != "postgresql":
            yield
            return
        with waiting_lock(engine, WRITES):
            yield
