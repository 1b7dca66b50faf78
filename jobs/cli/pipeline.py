"""The pipeline commands: init, run (one cycle or the daemon), fetch, analyze, extract, digest, status, demo."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import Settings, load_config
from claimwatch.ingest.search import all_feeds
from claimwatch.nlp.claim_vectors import encode_claims
from claimwatch.nlp.embeddings import active_embedder, matching_mode
from claimwatch.nlp.extract import ExtractionInputError
from claimwatch.store.analysis import mark_outdated, sync_actor_aliases, sync_watchlist
from claimwatch.store.db import schema_revision, transaction
from claimwatch.store.reports import (
    feed_health,
    last_job_runs,
    store_counts,
)
from claimwatch.store.sources import sync_sources

from .. import digest as digest_mod
from ..analyze import analyze_pending, build_extractor
from ..cycle import STAGES, CycleSummary, run_cycle
from ..demo import demo_settings, serve_corpus
from ..fetch import FeedOutcome, fetch_feeds
from ..heap import limit_heap_arenas
from ..lock import LockHeld, store_lock
from ..scheduler import Daemon, next_fire, triggers
from ..semantic import semantic_for
from .common import (
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_LOCKED,
    app,
    console,
    distributed_app,
    embed_with_progress,
    err,
    fail,
    jsonl_records,
    load_settings,
    model_errors,
    open_store_or_exit,
    progress_bar,
    safe_url,
    semantic_or_exit,
    state,
)
from .workers import print_queue_report


def _feed_table(outcomes: list[FeedOutcome]) -> Table:
    table = Table(title="Feeds", title_justify="left")
    for column in ("feed", "outcome", "HTTP", "entries", "new", "note"):
        table.add_column(column, justify="right" if column in ("HTTP", "entries", "new") else "left")
    styles = {"ok": "green", "not_modified": "cyan", "skipped": "dim", "interrupted": "yellow", "error": "red"}
    for f in outcomes:
        table.add_row(
            f.name,
            f"[{styles[f.outcome]}]{f.outcome}[/]",
            str(f.status or ""),
            str(f.entries),
            str(f.new_articles),
            (f.error or "")[:120],
        )
    return table


def _summary_table(summary: CycleSummary, counts: dict[str, int]) -> Table:
    table = Table(title="Cycle summary", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("feeds polled", len(summary.feeds)),
        ("feeds failed", summary.failed_feeds),
        ("new articles", summary.new_articles),
        ("articles analysed", summary.analysis.articles),
        ("actor mentions stored", summary.analysis.mentions),
        ("quotes / claim occurrences stored", f"{summary.analysis.quotes} / {summary.analysis.claims}"),
        ("store: articles (relevant)", f"{counts['articles']} ({counts['relevant']})"),
        ("store: actors / mentions", f"{counts['actors']} / {counts['mentions']}"),
        ("claims matched to fact-checks", summary.factchecks.matched_claims),
        ("seconds", f"{summary.seconds:.1f}"),
        ("  fetch / extract / store / match", " / ".join(f"{summary.stages.get(s, 0):.1f}" for s in STAGES)),
    ]
    for what, value in rows:
        table.add_row(what, str(value))
    return table


def _cycle(settings: Settings, factory: sessionmaker[Session]) -> CycleSummary:
    with progress_bar() as progress, model_errors():
        feeds = progress.add_task("fetching feeds", total=len(all_feeds(settings)))
        analysed = progress.add_task("analysing articles", total=None)
        summary = run_cycle(
            settings,
            factory,
            on_feed=lambda _o: progress.advance(feeds),
            on_article=lambda _a: progress.advance(analysed),
        )
    console.print(_feed_table(summary.feeds))
    with factory() as session:
        console.print(_summary_table(summary, store_counts(session)))
    return summary


@app.command()
def init() -> None:
    """Create the store (or migrate it to the newest schema) and register the configured feeds and actors."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    with transaction(factory) as session:
        sources = sync_sources(session, all_feeds(settings))
        sync_actor_aliases(session, settings.actors)
        sync_watchlist(session, settings.watchlist)
    semantic = semantic_or_exit(settings)
    embedded = embed_with_progress(factory, semantic)
    if semantic is not None:
        with factory() as session:
            semantic.factchecks.sync(session)
            semantic.claims.sync(session)
        semantic.save()
    current, _head = schema_revision(factory.kw["bind"])
    if settings.workers.enabled:  # Procrastinate's tables beside the store's
        from ..distributed import install_schema

        distributed = distributed_app(settings)
        with distributed.open():
            installed = install_schema(distributed, factory)
        console.print(f"distributed mode: task queue {'installed' if installed else 'present'}")
    console.print(f"store ready: {safe_url(settings.database_url)} (schema {current}), {len(sources)} feeds")
    console.print(f"matching: {matching_mode(settings.semantic)}; vectors computed: {embedded}", markup=False)


@contextmanager
def _locked(settings: Settings, factory: sessionmaker[Session], standby: float | None = None) -> Iterator[None]:
    try:
        with store_lock(factory.kw["bind"], settings.data_dir, standby):
            yield
    except LockHeld as exc:
        raise fail(EXIT_LOCKED, f"another claimwatch process is running on this store: {exc}") from exc


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="Run one full cycle and exit (for system cron).")] = False,
) -> None:
    """Fetch, analyse and match: one cycle with --once, else the daemon with all scheduled jobs
    (cycle, fact-checks, digest, housekeeping). Only one process per store runs at a time."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    if not once:
        limit_heap_arenas()  # before a daemon's threads start, in either mode
    if settings.workers.enabled and not once:
        _run_distributed(settings, factory)
        return
    with _locked(settings, factory):
        if once:
            _cycle(settings, factory)
            return
        with model_errors():
            extractor = build_extractor(settings)  # fail now, not at the first cycle, when a model is missing
            semantic_for(settings)
        err.print(
            f"claimwatch daemon (pid {os.getpid()}): cycle every {settings.schedule.fetch_every_minutes:g} "
            "min; SIGTERM/Ctrl-C stops, SIGHUP reloads the config"
        )
        Daemon(lambda: load_config(state.config_path), factory, extractor).run()


def _run_distributed(settings: Settings, factory: sessionmaker[Session]) -> None:
    """The scheduler of distributed mode: active, or standby until the active one is gone."""
    app_ = distributed_app(settings)
    from ..distributed import install_schema

    with _locked(settings, factory, standby=settings.workers.standby_poll_seconds), app_.open():
        install_schema(app_, factory)
        err.print(f"claimwatch scheduler (pid {os.getpid()}), distributed mode: work goes to `claimwatch worker`s")
        Daemon(lambda: load_config(state.config_path), factory, distributed=app_).run()


@app.command()
def fetch() -> None:
    """Poll the due feeds and store new articles, without analysing them."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    with progress_bar() as progress:
        task = progress.add_task("fetching feeds", total=len(all_feeds(settings)))
        outcomes = fetch_feeds(settings, factory, on_feed=lambda _o: progress.advance(task))
    console.print(_feed_table(outcomes))


@app.command()
def analyze(
    outdated: Annotated[
        bool, typer.Option("--outdated", help="Also re-analyse articles analysed by another extractor version.")
    ] = False,
) -> None:
    """Run the NLP pipeline over stored, relevant articles that are not yet analysed."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    with model_errors():
        extractor = build_extractor(settings)
        semantic = semantic_for(settings)
    if outdated:
        with transaction(factory) as session:
            queued = mark_outdated(session, extractor.version)
        console.print(f"{queued} articles queued for re-analysis with extractor {extractor.version}")
    with progress_bar() as progress:
        task = progress.add_task("analysing articles", total=None)
        summary = analyze_pending(
            settings, factory, extractor=extractor, on_article=lambda _a: progress.advance(task), semantic=semantic
        )
    console.print(
        f"analysed {summary.articles} articles: {summary.mentions} actor mentions, {summary.quotes} quotes, "
        f"{summary.claims} claim occurrences" + (f", {summary.failed} without text" if summary.failed else "")
    )


@app.command()
def extract(
    file: Annotated[str, typer.Argument(help="A text file, or - for standard input.")] = "-",
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='Input lines are {"id", "text"}; one result per line.')
    ] = False,
) -> None:
    """Extract actors, quotes and claims from plain text, with no database, and print JSON."""
    settings = load_settings()
    try:
        raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(EXIT_INPUT, f"{file}: cannot read text: {exc}") from exc
    with model_errors():
        extractor = build_extractor(settings)
        embedder = active_embedder(settings)
    try:
        if not jsonl:
            extraction = extractor.extract(raw)
            if embedder is not None:
                encode_claims(embedder, [extraction])  # check-worthiness rescored as analyze stores it
            print(json.dumps(extraction.to_json(), ensure_ascii=False, indent=2))
            return
        records = list(jsonl_records(raw, file))
        results = list(extractor.extract_many(t for _i, t in records))
        if embedder is not None:
            encode_claims(embedder, results)
        for (record_id, _text), result in zip(records, results):
            print(json.dumps({"id": record_id, **result.to_json()}, ensure_ascii=False))
    except ExtractionInputError as exc:
        raise fail(EXIT_INPUT, f"{file}: {exc}") from exc


@app.command()
def digest(
    preview: Annotated[
        Path | None,
        typer.Option(
            "--preview", help="Write the HTML here (and the message as .eml beside it); send nothing, advance nothing."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Send the last digest again (same window and Message-ID), e.g. after an uncertain failure."
        ),
    ] = False,
) -> None:
    """Send the digest of everything new since the last digest that went out (the first time: the last day)."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    now = datetime.now(timezone.utc)
    if preview is not None:
        built, html_path, eml_path = digest_mod.preview(settings, factory, now, preview)
        console.print(f"digest preview: {html_path} and {eml_path} ({built.item_count} items)")
        return
    with _locked(settings, factory):
        outcome = digest_mod.resend_last(settings, factory) if force else digest_mod.send_digest(settings, factory, now)
    message = f"digest {outcome.status}" + (
        f": {outcome.items} items, {outcome.message_id}" if outcome.message_id else ""
    )
    if outcome.error:
        message += f" ({outcome.error})"
    if outcome.status in ("failed", "uncertain"):
        raise fail(EXIT_FAILED, message)
    console.print(message)


@app.command()
def status() -> None:
    """Show the store, the last run of each job and the health of every feed."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    current, head = schema_revision(factory.kw["bind"])
    console.print(f"config: {settings.source_path or 'bundled defaults'}")
    console.print(f"store:  {safe_url(settings.database_url)} (schema {current}, newest {head})")
    console.print(f"matching: {matching_mode(settings.semantic)}", markup=False)
    with factory() as session:
        counts = store_counts(session)
        runs = last_job_runs(session)
        feeds = feed_health(session)
    console.print("  ".join(f"{k}: {v}" for k, v in counts.items()))

    jobs = Table(title="Jobs", title_justify="left")
    for column in ("job", "last start", "outcome", "seconds", "next run (daemon)", "summary / error"):
        jobs.add_column(column)
    last = {r.job: r for r in runs}
    now = datetime.now(timezone.utc)
    schedule = triggers(settings)
    for job in sorted(set(schedule) | set(last)):
        r = last.get(job)
        upcoming = next_fire(schedule[job][0], r.started_at if r else None, now) if job in schedule else None
        upcoming_text = (
            f"{upcoming.astimezone(ZoneInfo(settings.schedule.timezone)):%Y-%m-%d %H:%M %Z}" if upcoming else ""
        )
        if r is None:
            jobs.add_row(job, "never", "", "", upcoming_text, "")
            continue
        seconds = f"{(r.finished_at - r.started_at).total_seconds():.1f}" if r.finished_at else ""
        detail = r.error or ", ".join(f"{k}={v}" for k, v in (r.summary or {}).items())
        style = {"ok": "green", "failed": "red"}.get(r.outcome, "yellow")
        jobs.add_row(
            job, f"{r.started_at:%Y-%m-%d %H:%M:%S}", f"[{style}]{r.outcome}[/]", seconds, upcoming_text, detail[:100]
        )
    console.print(jobs)
    cycle = last.get("cycle")
    if cycle is not None and cycle.summary and "fetch_seconds" in cycle.summary:
        console.print(
            "last cycle, seconds per stage: "
            + ", ".join(f"{stage} {cycle.summary.get(f'{stage}_seconds', 0)}" for stage in STAGES)
            + f" ({cycle.summary.get('new_articles', 0)} new articles, {cycle.summary.get('analysed', 0)} analysed, "
            f"{cycle.summary.get('claims_matched', 0)} claims matched)"
        )

    health = Table(title="Feeds", title_justify="left")
    for column in ("feed", "kind", "state", "failures", "last fetched", "HTTP", "next check", "last error"):
        health.add_column(column)
    for s in feeds:
        state_text = (
            "[red]disabled[/]"
            if not s.enabled
            else ("[yellow]failing[/]" if s.consecutive_failures else "[green]ok[/]")
        )
        health.add_row(
            s.name,
            s.kind,
            state_text,
            str(s.consecutive_failures),
            f"{s.last_fetched_at:%Y-%m-%d %H:%M}" if s.last_fetched_at else "never",
            str(s.last_status or ""),
            f"{s.next_check_at:%Y-%m-%d %H:%M}" if s.next_check_at else "",
            (s.last_error or "")[:80],
        )
    console.print(health)
    if settings.workers.enabled:
        print_queue_report(settings)


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option(help="Folder for the demo's fresh SQLite store.")] = Path("./demo-data"),
) -> None:
    """Serve a small invented corpus on loopback and run a full cycle into a fresh SQLite file (no network)."""
    settings = load_settings()
    if data_dir.exists():
        shutil.rmtree(data_dir)
    with serve_corpus() as base_url:
        demo_config = demo_settings(settings, base_url, data_dir)
        console.print(f"demo corpus served at {base_url}; store: {demo_config.database_url}")
        factory = open_store_or_exit(demo_config)
        _cycle(demo_config, factory)
    _built, html_path, _eml = digest_mod.preview(
        demo_config, factory, datetime.now(timezone.utc), data_dir / "digest.html"
    )
    database = data_dir / "claimwatch.db"
    console.print(f"\nThe digest it would send: {html_path}")
    console.print(
        f"Explore it:  sqlite3 {database} "
        '"select c.text, o.framing, o.claimant_text from claim_occurrences o join claims c on c.id = o.claim_id"'
    )
    console.print(f"             CLAIMWATCH_DATA_DIR={data_dir} claimwatch claims list")
