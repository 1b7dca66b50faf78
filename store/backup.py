"""Online backups of the SQLite store: SQLite's backup API copies the live database a few pages at a time,
so the daemon keeps writing while it runs, and the copy is a consistent snapshot. PostgreSQL stores are
backed up with pg_dump (docs/operations.md)."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

PAGES_PER_STEP = 1024  # about 4 MiB between pauses, so that writers are never held up for long
PAUSE_SECONDS = 0.005


class BackupError(Exception):
    """The backup could not be made or did not pass its integrity check."""


@dataclass(frozen=True)
class Backup:
    path: Path
    pages: int
    seconds: float


def backup_sqlite(source: Path, destination: Path) -> Backup:
    """Copy the store at `source` to `destination` while it is in use, then check the copy with
    `PRAGMA integrity_check`; the file appears under its name only when complete and sound."""
    if not source.is_file():
        raise BackupError(f"no store at {source}")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live, sqlite3.connect(partial) as copy:
            live.backup(copy, pages=PAGES_PER_STEP, sleep=PAUSE_SECONDS)
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} failed: {exc}") from exc
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy of {source} failed its integrity check: {verdict}")
    partial.replace(destination)
    return Backup(destination, pages, time.monotonic() - started)
