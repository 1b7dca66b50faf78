"""The operator's commands: `health` for monitors and `backup` for the SQLite store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from claimwatch.store.backup import BackupError, backup_sqlite
from claimwatch.store.db import StoreError, open_read_only

from ..health import check_health
from .common import EXIT_FAILED, EXIT_STORE, app, console, err, fail, load_settings

EXIT_USAGE = 2


@app.command()
def health(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead of text.")] = False,
) -> None:
    """Exit 0 when healthy, 1 when degraded (the reasons are printed): for monitors and systemd checks."""
    settings = load_settings()
    try:
        problems = check_health(settings, open_read_only(settings.database_url))
    except StoreError as exc:
        problems = [f"store unreachable: {exc}"]
    if as_json:
        print(json.dumps({"status": "degraded" if problems else "healthy", "problems": problems}))
    elif problems:
        for problem in problems:
            err.print(f"degraded: {problem}", highlight=False, markup=False)
    else:
        console.print("healthy")
    if problems:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="File to write the copy to.")]) -> None:
    """Copy the SQLite store while the daemon runs (online backup API), checked with PRAGMA integrity_check."""
    settings = load_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise fail(EXIT_USAGE, "backup copies the SQLite store; back PostgreSQL up with pg_dump (docs/operations.md)")
    try:
        made = backup_sqlite(Path(url.database or ""), path)
    except BackupError as exc:
        raise fail(EXIT_STORE, str(exc)) from exc
    console.print(f"backup written: {made.path} ({made.pages} pages, integrity ok, {made.seconds:.1f} s)")
