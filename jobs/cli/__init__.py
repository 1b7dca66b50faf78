"""The `claimwatch` command line (Typer + Rich), one module per group of commands.

Exit codes: 0 success; 1 a job failed; 2 wrong usage; 3 invalid configuration; 4 the store cannot be
opened or migrated; 5 a model (spaCy or embedding) is missing or cannot load; 6 bad input; 7 another
claimwatch process holds the store's lock.
"""

from __future__ import annotations

import logging
import sys

from claimwatch.nlp.torchless import keep_torch_out

keep_torch_out()  # before any module below imports spaCy (and thinc, PyTorch): ~190 MB less per process

from . import claims, factchecks, operations, pipeline, research, workers  # noqa: E402, F401 — importing registers commands
from .common import EXIT_FAILED, app, err  # noqa: E402

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: an unexpected error is one line on stderr and exit code 1."""
    try:
        app()
    except Exception as exc:  # noqa: BLE001 — the last line of defence; details go to the log
        logging.getLogger("claimwatch").debug("unexpected error", exc_info=True)
        err.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}", highlight=False)
        err.print("(run with --verbose for details)", style="dim")
        sys.exit(EXIT_FAILED)
