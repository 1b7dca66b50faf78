"""`claimwatch browse`: the SQLite store in Datasette (the `browse` extra), read-only, on loopback.

The metadata gives every table and view its description and column notes (the models' comments and
store/views.py, as in docs/codebook.md), shows foreign keys by name instead of number, declares the
full-text indexes, and offers the common questions (store/questions.py) as canned queries.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

from claimwatch.store.models import Base
from claimwatch.store.questions import QUESTIONS
from claimwatch.store.views import VIEWS

BROWSE_HINT = "claimwatch browse needs Datasette: pip install 'claimwatch[browse]'"
LABELS = {"actors": "name", "articles": "title", "claims": "text", "factchecks": "claim_reviewed", "sources": "name"}
FTS = {"articles": "articles_fts", "quotes": "quotes_fts", "factchecks": "factchecks_fts"}
VIEW_TITLES = {
    "claims_in_articles": "Claims in articles — one row per claim made in an article",
    "quotes_in_articles": "Quotes in articles — one row per quote",
    "claim_spread": "Claim spread — one row per claim",
    "claim_spread_daily": "Claim spread per day",
    "claim_best_factcheck": "The fact-check that sets each claim's status",
    "actor_cooccurrence": "Actors mentioned together — one row per pair per article",
}


def metadata(database: str) -> dict[str, object]:
    """Datasette metadata for the store file named `database` (its stem)."""
    tables: dict[str, dict[str, object]] = {}
    for name, table in Base.metadata.tables.items():
        entry: dict[str, object] = {
            "description": table.comment or "",
            "columns": {c.name: c.comment for c in table.columns if c.comment},
        }
        if name in LABELS:
            entry["label_column"] = LABELS[name]
        if name in FTS:
            entry.update({"fts_table": FTS[name], "fts_pk": "id"})
        tables[name] = entry
    for name, fields in VIEWS.items():
        tables[name] = {"title": VIEW_TITLES[name], "columns": {f.name: f.description for f in fields}}
    return {
        "title": "claimwatch",
        "description": "Articles, actors, quotes, claims and fact-checks. Column notes: docs/codebook.md.",
        "databases": {
            database: {
                "tables": tables,
                "queries": {q.name: {"title": q.title, "sql": q.sql} for q in QUESTIONS},
            }
        },
    }


def serve(store: Path, *, host: str, port: int, metadata_path: Path) -> int:
    """Run Datasette on the store until interrupted; returns its exit code."""
    try:
        import datasette  # noqa: F401 — only to say clearly that the extra is missing
    except ImportError as exc:
        raise RuntimeError(BROWSE_HINT) from exc
    metadata_path.write_text(json.dumps(metadata(store.stem), indent=2), encoding="utf-8")
    command = [
        sys.executable, "-m", "datasette", "serve", str(store),
        "--metadata", str(metadata_path), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "5000",
    ]  # fmt: skip
    server = subprocess.Popen(command)

    def forward(signum: int, _frame: FrameType | None) -> None:  # a stopped `browse` stops Datasette too
        server.send_signal(signum)

    previous = {number: signal.signal(number, forward) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return server.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
