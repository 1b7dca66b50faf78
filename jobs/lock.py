"""One daemon per store: a file lock beside a SQLite store, a session-level advisory lock on PostgreSQL.

The lock is held for the life of the process (the OS releases a file lock when the process dies, and
PostgreSQL releases an advisory lock when the session ends), so a killed daemon never leaves a stale lock.
A second instance is told who holds it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from claimwatch.store.advisory import DAEMON, holding, lock_key

log = logging.getLogger(__name__)


class LockHeld(Exception):
    """Another claimwatch process holds the store's lock; the message says who."""


def _holder() -> dict[str, object]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(timezone.utc).isoformat()}


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise LockHeld(f"{path} is held by {handle.read().strip() or 'another process'}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(_holder()))
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def advisory_lock(engine: Engine, standby: float | None = None) -> Iterator[None]:
    """With `standby` (seconds), wait for a held lock, trying again that often, instead of raising."""
    with engine.connect() as conn:
        key = lock_key(conn, DAEMON)
        if standby is not None and not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            log.info("standby: another scheduler is active on this store; trying again every %g s", standby)
            conn.commit()
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                conn.commit()
                time.sleep(standby)
            log.info("the active scheduler is gone: this one takes over")
        elif not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            row = conn.execute(
                text(
                    "SELECT a.pid, a.client_addr, a.application_name, a.backend_start FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                    "AND l.objid = :lo AND l.classid = :hi"
                ),
                {"lo": key & 0xFFFFFFFF, "hi": (key >> 32) & 0xFFFFFFFF},
            ).first()
            who = (
                f"PostgreSQL backend pid {row[0]} from {row[1] or 'local socket'} since {row[3]:%Y-%m-%d %H:%M}"
                if row
                else "another session"
            )
            raise LockHeld(f"the store's advisory lock is held by {who}")
        with holding(conn, key):
            yield


@contextmanager
def store_lock(engine: Engine, data_dir: Path, standby: float | None = None) -> Iterator[None]:
    """Hold the lock for this store for the duration of the block; raise LockHeld if it is taken (on
    PostgreSQL with `standby`, wait for it instead: the standby scheduler of distributed mode)."""
    url = make_url(engine.url)
    if url.get_backend_name() == "sqlite":
        database = Path(url.database) if url.database and url.database != ":memory:" else data_dir / "memory"
        with file_lock(database.with_name(database.name + ".lock")):
            yield
    else:
        with advisory_lock(engine, standby):
            yield
