"""`claimwatch factchecks …`: gather, import, embed and match fact-checks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from claimwatch.store.factchecks import rank_factchecks
from claimwatch.store.runs import job_run

from ..factchecks import FactCheckSummary, import_file, match_all, refresh_factchecks
from ..semantic import matching_for
from .common import (
    EXIT_INPUT,
    app,
    console,
    embed_with_progress,
    err,
    fail,
    jsonl_records,
    load_settings,
    model_errors,
    open_store_or_exit,
    progress_bar,
    semantic_or_exit,
)

factchecks_app = typer.Typer(help="Fact-checks: gather, import, match to claims.", no_args_is_help=True)
app.add_typer(factchecks_app, name="factchecks")


def _print_factcheck_summary(summary: FactCheckSummary) -> None:
    for problem in summary.errors:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    console.print(
        f"fact-checks: {summary.new} new, {summary.updated} updated; vectors computed: {summary.embedded}; "
        f"claims matched: {summary.matched_claims}; links: {summary.confirmed} confirmed, "
        f"{summary.suggested} suggested"
    )


@factchecks_app.command("import")
def factchecks_import(
    file: Annotated[Path, typer.Argument(help="A .csv or .jsonl file (columns in docs/factchecks.md).")],
) -> None:
    """Import fact-checks from a file; bad rows are reported by line and skipped, re-import changes nothing."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    semantic = semantic_or_exit(settings)
    try:
        with progress_bar() as progress:
            task = progress.add_task(f"importing {file.name}", total=None)
            summary = import_file(settings, factory, file, on_rows=lambda n: progress.advance(task, n))
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(EXIT_INPUT, f"{file}: cannot read: {exc}") from exc
    summary.embedded = embed_with_progress(factory, semantic)
    if semantic is not None:
        with factory() as session:
            semantic.factchecks.sync(session)
        semantic.save()
    _print_factcheck_summary(summary)
    if summary.errors and not summary.valid_rows:
        raise typer.Exit(EXIT_INPUT)  # nothing in the file could be used


@factchecks_app.command("fetch")
def factchecks_fetch() -> None:
    """Ask the Google Fact Check Tools API (key from CLAIMWATCH_FACTCHECK_API_KEY), then match claims."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    with job_run(factory, "factchecks") as run:
        summary = refresh_factchecks(settings, factory)
        run.summary = {
            "new": summary.new,
            "updated": summary.updated,
            "confirmed": summary.confirmed,
            "suggested": summary.suggested,
            "warnings": len(summary.errors),
        }
    _print_factcheck_summary(summary)


@factchecks_app.command("link")
def factchecks_link() -> None:
    """Match claims to the stored fact-checks (links above the thresholds): new claims against all of them,
    the rest against fact-checks that arrived since they were last matched."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    semantic = semantic_or_exit(settings)
    summary = FactCheckSummary(embedded=embed_with_progress(factory, semantic))
    with model_errors():
        match_all(settings, factory, summary, semantic=semantic)
    _print_factcheck_summary(summary)


@factchecks_app.command("match")
def factchecks_match(
    queries: Annotated[Path, typer.Argument(help='JSON Lines of {"id", "text"}, or - for standard input.')],
    top: Annotated[int, typer.Option("--top", min=1, help="How many fact-checks per query.")] = 5,
    format: Annotated[str, typer.Option("--format", help="trec (qid Q0 docid rank score run) or jsonl.")] = "trec",
) -> None:
    """Rank the stored fact-checks for each query, e.g. for evaluation with trec_eval."""
    if format not in ("trec", "jsonl"):
        raise fail(2, f"--format must be trec or jsonl, not {format!r}")
    settings = load_settings()
    factory = open_store_or_exit(settings)
    raw = sys.stdin.read() if str(queries) == "-" else queries.read_text(encoding="utf-8")
    records = list(jsonl_records(raw, str(queries)))
    semantic = semantic_or_exit(settings)
    embed_with_progress(factory, semantic)
    matching = matching_for(settings, semantic)
    with factory() as session:
        if semantic is not None:
            semantic.factchecks.sync(session)
            semantic.save()
        vectors = semantic.embedder.encode([text for _id, text in records]) if semantic else [None] * len(records)
        for (query_id, text), vector in zip(records, vectors):
            ranked = rank_factchecks(session, text, top, matching, vector=vector)
            if format == "jsonl":
                print(
                    json.dumps(
                        {
                            "id": query_id,
                            "results": [
                                {
                                    "external_id": f.external_id,
                                    "score": round(score, 4),
                                    "rating": f.rating,
                                    "url": f.url,
                                }
                                for f, score in ranked
                            ],
                        },
                        ensure_ascii=False,
                    )
                )
                continue
            for rank, (factcheck, score) in enumerate(ranked, start=1):
                print(f"{query_id} Q0 {factcheck.external_id} {rank} {score:.4f} claimwatch")
