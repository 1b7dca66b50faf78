"""Shared parts of the command line: the Typer app and its global options, the consoles, exit codes, and
the helpers every command uses to load the config, open the store and report failures."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import ConfigError, Settings, load_config
from claimwatch.nlp.model import ModelError
from claimwatch.store.db import StoreError, open_store
from claimwatch.store.vectors import count_missing_vectors

from ..logs import JsonFormatter
from ..semantic import Semantic, embed_missing, semantic_for

if TYPE_CHECKING:
    import procrastinate

T = TypeVar("T")
EXIT_FAILED, EXIT_CONFIG, EXIT_STORE, EXIT_MODEL, EXIT_INPUT, EXIT_LOCKED = 1, 3, 4, 5, 6, 7

app = typer.Typer(
    help="claimwatch: follow a news story — articles, actors, quotes, claims and their fact-check status.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


class _State:
    config_path: Path | None = None


state = _State()


@app.callback()
def _main(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Config file (else $CLAIMWATCH_CONFIG, ./claimwatch.toml, bundled).", dir_okay=False
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress (INFO) to stderr.")] = False,
    log_json: Annotated[bool, typer.Option("--log-json", help="Log JSON lines instead of text.")] = False,
) -> None:
    state.config_path = config
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True)


def fail(code: int, message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    try:
        return load_config(state.config_path)
    except ConfigError as exc:
        raise fail(EXIT_CONFIG, str(exc)) from exc


def open_store_or_exit(settings: Settings) -> sessionmaker[Session]:
    try:
        return open_store(settings.database_url)
    except StoreError as exc:
        raise fail(EXIT_STORE, str(exc)) from exc


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def model_errors() -> Iterator[None]:
    try:
        yield
    except ModelError as exc:
        raise fail(EXIT_MODEL, str(exc)) from exc


def distributed_app(settings: Settings) -> procrastinate.App:
    """The Procrastinate app of distributed mode, or exit 3 with the reason (SQLite store, extra missing)."""
    try:
        from claimwatch.jobs.distributed import DistributedModeError, make_app
    except ImportError as exc:  # procrastinate comes with the `workers` extra
        hint = f"distributed mode needs the workers extra: pip install 'claimwatch[workers]' ({exc})"
        raise fail(EXIT_CONFIG, hint) from exc
    try:
        return make_app(settings)
    except DistributedModeError as exc:
        raise fail(EXIT_CONFIG, str(exc)) from exc


def progress_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )


def jsonl_records(raw: str, label: str) -> Iterator[tuple[object, str]]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield record["id"], record["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise fail(EXIT_INPUT, f'{label}:{number}: expected a JSON object with "id" and "text" ({exc})') from exc


def semantic_or_exit(settings: Settings) -> Semantic | None:
    """Matching by meaning as configured, None for words only; a model that cannot load exits 5."""
    with model_errors():
        return semantic_for(settings)


def embed_with_progress(factory: sessionmaker[Session], semantic: Semantic | None) -> int:
    """Compute the vectors that are missing, with a progress bar (resumable: each batch commits)."""
    if semantic is None:
        return 0
    with factory() as session:
        total = count_missing_vectors(session, semantic.embedder.name)
    if not total:
        return 0
    with progress_bar() as progress:
        task = progress.add_task(f"embedding with {semantic.embedder.name}", total=total)
        return embed_missing(factory, semantic.embedder, on_progress=lambda n: progress.advance(task, n))
