"""The researchers' commands: `search`, `export` and `browse`. All three open the store read-only."""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from claimwatch.store.db import StoreError, open_read_only
from claimwatch.store.exports import UnknownRelation, count_rows, relation
from claimwatch.store.search import search as search_store

from ..browse import serve
from ..export import export as export_relation
from .common import EXIT_INPUT, EXIT_STORE, app, console, err, fail, load_settings, progress_bar

EXIT_USAGE = 2


def _read_only() -> Engine:
    settings = load_settings()
    try:
        return open_read_only(settings.database_url)
    except StoreError as exc:
        raise fail(EXIT_STORE, str(exc)) from exc


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise fail(EXIT_USAGE, f"--since {value!r} is not an ISO 8601 date (2025-02-21 or 2025-02-21T09:00)") from exc
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


@app.command()
def search(
    terms: Annotated[str, typer.Argument(help='Words, "a phrase", OR between alternatives.')],
    target: Annotated[str, typer.Option("--in", help="articles or quotes.")] = "articles",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
) -> None:
    """Full-text search over articles (title and text) or quotes: the best of the newest 1,000 matches."""
    if target not in ("articles", "quotes"):
        raise fail(EXIT_USAGE, f"--in must be articles or quotes, not {target!r}")
    engine = _read_only()
    try:
        with Session(engine) as session:
            hits = search_store(session, terms, target, limit)  # type: ignore[arg-type]
    except OperationalError as exc:
        raise fail(EXIT_INPUT, f"cannot search for {terms!r}: {exc.orig}") from exc
    table = Table(title=f"{len(hits)} {target} for {terms!r}", title_justify="left")
    for column in ("id", "article", "outlet", "published", *(["speaker"] if target == "quotes" else []), "match"):
        table.add_column(column)
    for hit in hits:
        published = str(hit.published_at or "")[:10]
        speaker = [hit.speaker or ""] if target == "quotes" else []
        cells = [f"{hit.title or ''}\n{hit.url}", hit.outlet or "", published, *speaker, hit.snippet]
        table.add_row(str(hit.id), *(escape(c) for c in cells))  # snippets mark matches with [ ]
    console.print(table)


@app.command("export")
def export_command(
    name: Annotated[str, typer.Argument(help="A table or view, e.g. claims_in_articles (docs/codebook.md).")],
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet.")] = "csv",
    since: Annotated[str | None, typer.Option("--since", help="Only rows from this UTC date or time on.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Export a table or view, streamed: stable ids, UTC ISO 8601 timestamps, offsets intact."""
    if fmt not in ("csv", "jsonl", "parquet"):
        raise fail(EXIT_USAGE, f"--format must be csv, jsonl or parquet, not {fmt!r}")
    engine = _read_only()
    moment = _since(since)
    try:
        rel = relation(engine, name)
        total = count_rows(engine, rel, moment)
    except (UnknownRelation, ValueError) as exc:
        raise fail(EXIT_USAGE, str(exc.args[0])) from exc
    try:
        with progress_bar() as progress:
            task = progress.add_task(f"exporting {name}", total=total)
            rows = export_relation(
                engine,
                rel,
                fmt,
                output,
                since=moment,
                on_rows=lambda n: progress.advance(task, n),  # type: ignore[arg-type]
            )
    except (RuntimeError, ValueError) as exc:
        raise fail(EXIT_USAGE, str(exc)) from exc
    if output is not None:
        err.print(f"{rows} rows of {name} written to {output}")


@app.command()
def browse(
    host: Annotated[str, typer.Option(help="Address to listen on; keep loopback unless you mean it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8001,
) -> None:
    """Open the SQLite store in Datasette, read-only, with descriptions, searches and canned queries."""
    settings = load_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise fail(
            EXIT_USAGE,
            "browse reads the SQLite store; Datasette does not read PostgreSQL. Query PostgreSQL with the "
            "read-only role (docs/research.md) or use `claimwatch export`",
        )
    store = Path(url.database or "")
    if not store.is_file():
        raise fail(EXIT_STORE, f"no store at {store}: run `claimwatch init` or a cycle first")
    err.print(f"claimwatch: browsing {store} read-only at http://{host}:{port}/ (Ctrl-C stops)")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            code = serve(store, host=host, port=port, metadata_path=Path(tmp) / "metadata.json")
        except RuntimeError as exc:
            raise fail(EXIT_USAGE, str(exc)) from exc
    raise typer.Exit(code)
