"""The `claimwatch` command line (Typer + Rich).

Exit codes: 0 success; 1 a job failed; 2 wrong usage; 3 invalid configuration; 4 the store cannot be
opened or migrated; 5 the spaCy model is missing; 6 bad input; 7 another claimwatch process holds the
store's lock.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import ConfigError, Settings, load_config
from claimwatch.ingest.search import all_feeds
from claimwatch.nlp.embeddings import matching_mode
from claimwatch.nlp.extract import ExtractionInputError
from claimwatch.nlp.model import ModelError
from claimwatch.store.analysis import mark_outdated, sync_actor_aliases, sync_watchlist
from claimwatch.store.claims import merge_claims, split_claim, spread
from claimwatch.store.db import StoreError, open_store, schema_revision, transaction
from claimwatch.store.factchecks import ClaimNotFound, decide_link, rank_factchecks, set_status
from claimwatch.store.reports import (
    claim_links,
    feed_health,
    last_job_runs,
    most_repeated_claims,
    status_history,
    store_counts,
)
from claimwatch.store.runs import job_run
from claimwatch.store.sources import sync_sources

from . import digest as digest_mod
from .analyze import analyze_pending, build_extractor
from .cycle import CycleSummary, run_cycle
from .demo import demo_settings, serve_corpus
from .factchecks import FactCheckSummary, import_file, match_all, refresh_factchecks
from .fetch import FeedOutcome, fetch_feeds
from .lock import LockHeld, store_lock
from .logs import JsonFormatter
from .scheduler import Daemon, next_fire, triggers
from .semantic import Semantic, embed_missing, matching_for, missing_vectors, semantic_for

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


def _fail(code: int, message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_config(state.config_path)
    except ConfigError as exc:
        raise _fail(EXIT_CONFIG, str(exc)) from exc


def _store(settings: Settings) -> sessionmaker[Session]:
    try:
        return open_store(settings.database_url)
    except StoreError as exc:
        raise _fail(EXIT_STORE, str(exc)) from exc


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def _model_errors() -> Iterator[None]:
    try:
        yield
    except ModelError as exc:
        raise _fail(EXIT_MODEL, str(exc)) from exc


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
        ("seconds", f"{summary.seconds:.1f}"),
    ]
    for what, value in rows:
        table.add_row(what, str(value))
    return table


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )


def _cycle(settings: Settings, factory: sessionmaker[Session]) -> CycleSummary:
    with _progress() as progress, _model_errors():
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
    settings = _settings()
    factory = _store(settings)
    with transaction(factory) as session:
        sources = sync_sources(session, all_feeds(settings))
        sync_actor_aliases(session, settings.actors)
        sync_watchlist(session, settings.watchlist)
    semantic = _semantic(settings)
    embedded = _embed(factory, semantic)
    if semantic is not None:
        with factory() as session:
            semantic.factchecks.sync(session)
            semantic.claims.sync(session)
        semantic.save()
    current, _head = schema_revision(factory.kw["bind"])
    console.print(f"store ready: {_safe_url(settings.database_url)} (schema {current}), {len(sources)} feeds")
    console.print(f"matching: {matching_mode(settings.semantic.model)}; vectors computed: {embedded}", markup=False)


@contextmanager
def _locked(settings: Settings, factory: sessionmaker[Session]) -> Iterator[None]:
    try:
        with store_lock(factory.kw["bind"], settings.data_dir):
            yield
    except LockHeld as exc:
        raise _fail(EXIT_LOCKED, f"another claimwatch process is running on this store: {exc}") from exc


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="Run one full cycle and exit (for system cron).")] = False,
) -> None:
    """Fetch, analyse and match: one cycle with --once, else the daemon with all scheduled jobs
    (cycle, fact-checks, digest, housekeeping). Only one process per store runs at a time."""
    settings = _settings()
    factory = _store(settings)
    with _locked(settings, factory):
        if once:
            _cycle(settings, factory)
            return
        with _model_errors():
            extractor = build_extractor(settings)  # fail now, not at the first cycle, when a model is missing
            semantic_for(settings)
        err.print(
            f"claimwatch daemon (pid {os.getpid()}): cycle every {settings.schedule.fetch_every_minutes:g} "
            "min; SIGTERM/Ctrl-C stops, SIGHUP reloads the config"
        )
        Daemon(lambda: load_config(state.config_path), factory, extractor).run()


@app.command()
def fetch() -> None:
    """Poll the due feeds and store new articles, without analysing them."""
    settings = _settings()
    factory = _store(settings)
    with _progress() as progress:
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
    settings = _settings()
    factory = _store(settings)
    with _model_errors():
        extractor = build_extractor(settings)
        semantic = semantic_for(settings)
    if outdated:
        with transaction(factory) as session:
            queued = mark_outdated(session, extractor.version)
        console.print(f"{queued} articles queued for re-analysis with extractor {extractor.version}")
    with _progress() as progress:
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
    settings = _settings()
    try:
        raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(EXIT_INPUT, f"{file}: cannot read text: {exc}") from exc
    with _model_errors():
        extractor = build_extractor(settings)
    try:
        if not jsonl:
            print(json.dumps(extractor.extract(raw).to_json(), ensure_ascii=False, indent=2))
            return
        records = list(_jsonl_records(raw, file))
        for (record_id, _text), result in zip(records, extractor.extract_many(t for _i, t in records)):
            print(json.dumps({"id": record_id, **result.to_json()}, ensure_ascii=False))
    except ExtractionInputError as exc:
        raise _fail(EXIT_INPUT, f"{file}: {exc}") from exc


def _jsonl_records(raw: str, label: str) -> Iterator[tuple[object, str]]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield record["id"], record["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise _fail(EXIT_INPUT, f'{label}:{number}: expected a JSON object with "id" and "text" ({exc})') from exc


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
    settings = _settings()
    factory = _store(settings)
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
        raise _fail(EXIT_FAILED, message)
    console.print(message)


@app.command()
def status() -> None:
    """Show the store, the last run of each job and the health of every feed."""
    settings = _settings()
    factory = _store(settings)
    current, head = schema_revision(factory.kw["bind"])
    console.print(f"config: {settings.source_path or 'bundled defaults'}")
    console.print(f"store:  {_safe_url(settings.database_url)} (schema {current}, newest {head})")
    console.print(f"matching: {matching_mode(settings.semantic.model)}", markup=False)
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


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option(help="Folder for the demo's fresh SQLite store.")] = Path("./demo-data"),
) -> None:
    """Serve a small invented corpus on loopback and run a full cycle into a fresh SQLite file (no network)."""
    settings = _settings()
    if data_dir.exists():
        shutil.rmtree(data_dir)
    with serve_corpus() as base_url:
        demo_config = demo_settings(settings, base_url, data_dir)
        console.print(f"demo corpus served at {base_url}; store: {demo_config.database_url}")
        factory = _store(demo_config)
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


factchecks_app = typer.Typer(help="Fact-checks: gather, import, match to claims.", no_args_is_help=True)
claims_app = typer.Typer(help="Canonical claims: spread, status, merges and splits.", no_args_is_help=True)
app.add_typer(factchecks_app, name="factchecks")
app.add_typer(claims_app, name="claims")


def _print_factcheck_summary(summary: FactCheckSummary) -> None:
    for problem in summary.errors:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    console.print(
        f"fact-checks: {summary.new} new, {summary.updated} updated; vectors computed: {summary.embedded}; "
        f"claims matched: {summary.matched_claims}; links: {summary.confirmed} confirmed, "
        f"{summary.suggested} suggested"
    )


def _semantic(settings: Settings) -> Semantic | None:
    with _model_errors():
        return semantic_for(settings)


def _embed(factory: sessionmaker[Session], semantic: Semantic | None) -> int:
    """Compute the vectors that are missing, with a progress bar (resumable: each batch commits)."""
    if semantic is None:
        return 0
    total = missing_vectors(factory, semantic.embedder.name)
    if not total:
        return 0
    with _progress() as progress:
        task = progress.add_task(f"embedding with {semantic.embedder.name}", total=total)
        return embed_missing(factory, semantic.embedder, on_progress=lambda n: progress.advance(task, n))


@factchecks_app.command("import")
def factchecks_import(
    file: Annotated[Path, typer.Argument(help="A .csv or .jsonl file (columns in docs/factchecks.md).")],
) -> None:
    """Import fact-checks from a file; bad rows are reported by line and skipped, re-import changes nothing."""
    settings = _settings()
    factory = _store(settings)
    semantic = _semantic(settings)
    try:
        with _progress() as progress:
            task = progress.add_task(f"importing {file.name}", total=None)
            summary = import_file(settings, factory, file, on_rows=lambda n: progress.advance(task, n))
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(EXIT_INPUT, f"{file}: cannot read: {exc}") from exc
    summary.embedded = _embed(factory, semantic)
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
    settings = _settings()
    factory = _store(settings)
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
    settings = _settings()
    factory = _store(settings)
    semantic = _semantic(settings)
    summary = FactCheckSummary(embedded=_embed(factory, semantic))
    with _model_errors():
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
        raise _fail(2, f"--format must be trec or jsonl, not {format!r}")
    settings = _settings()
    factory = _store(settings)
    raw = sys.stdin.read() if str(queries) == "-" else queries.read_text(encoding="utf-8")
    records = list(_jsonl_records(raw, str(queries)))
    semantic = _semantic(settings)
    _embed(factory, semantic)
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


def _researcher_edit(work: Callable[[Session], T]) -> T:
    """Run a researcher's change in one transaction; an unknown id or a refused change exits with code 6."""
    settings = _settings()
    factory = _store(settings)
    try:
        with transaction(factory) as session:
            return work(session)
    except (LookupError, ValueError) as exc:  # ClaimNotFound is a LookupError
        raise _fail(EXIT_INPUT, str(exc)) from exc


@claims_app.command("list")
def claims_list(
    limit: Annotated[int, typer.Option(help="How many claims.")] = 30,
    status: Annotated[str | None, typer.Option(help="Only claims with this fact-check status.")] = None,
) -> None:
    """Canonical claims with the most occurrences first."""
    settings = _settings()
    factory = _store(settings)
    with factory() as session:
        rows = most_repeated_claims(session, limit=limit, status=status)
    table = Table(title="Claims", title_justify="left")
    for column in ("id", "claim", "status", "occurrences", "outlets", "first seen", "watchlist"):
        table.add_column(column)
    for claim, occurrences, outlets in rows:
        table.add_row(
            str(claim.id),
            claim.text[:80],
            claim.status,
            str(occurrences),
            str(outlets),
            f"{claim.first_seen_at:%Y-%m-%d}" if claim.first_seen_at else "",
            claim.watchlist_key or "",
        )
    console.print(table)


@claims_app.command("show")
def claims_show(claim_id: Annotated[int, typer.Argument(help="Claim id.")]) -> None:
    """A claim's spread (outlets, claimants, framings, per day), its fact-check links and status history."""
    settings = _settings()
    factory = _store(settings)
    with factory() as session:
        try:
            found = spread(session, claim_id)
        except ClaimNotFound as exc:
            raise _fail(EXIT_INPUT, str(exc)) from exc
        links = claim_links(session, claim_id)
        history = status_history(session, claim_id)
    claim = found.claim
    console.print(
        f"[bold]{claim.text}[/] (claim {claim.id}; status {claim.status}"
        f"{', set by a researcher' if claim.status_manual else ''})"
    )
    console.print(f"{found.occurrences} occurrences, first seen {found.first_seen or 'never'}")
    for label, counter in (("outlets", found.outlets), ("claimants", found.claimants), ("framing", found.framings)):
        console.print(f"{label}: " + ", ".join(f"{k} ({v})" for k, v in counter.most_common()))
    console.print("per day: " + ", ".join(f"{d} ({n})" for d, n in sorted(found.daily.items())))
    for link, factcheck in links:
        console.print(
            f"link {link.id}: {link.status} {link.score or ''} [{factcheck.rating or '?'}] "
            f"{factcheck.publisher or ''}: {factcheck.claim_reviewed[:80]} {factcheck.url or ''}"
        )
    for change in history:
        console.print(
            f"{change.changed_at:%Y-%m-%d %H:%M} {change.old_status} → {change.new_status} "
            f"by {change.changed_by}: {change.reason or ''} {change.url or ''}"
        )


@claims_app.command("set-status")
def claims_set_status(
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    status: Annotated[
        str,
        typer.Argument(
            help="unchecked, false, mostly false, mixed, mostly true, true, "
            "unproven, other; or auto to hand it back to the rule."
        ),
    ],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    url: Annotated[str | None, typer.Option(help="Evidence, e.g. a fact-check URL.")] = None,
    by: Annotated[str, typer.Option(help="Who is making the change.")] = "researcher",
) -> None:
    """Set or override a claim's fact-check status; the change goes into its history."""
    new_status = _researcher_edit(lambda s: set_status(s, claim_id, status, note=note, url=url, by=by).status)
    console.print(f"claim {claim_id}: status {new_status}")


@claims_app.command("link")
def claims_link(
    link_id: Annotated[int, typer.Argument(help="Claim–fact-check link id (see claims show).")],
    decision: Annotated[str, typer.Argument(help="confirm or reject")],
    by: Annotated[str, typer.Option(help="Who decides.")] = "researcher",
) -> None:
    """Confirm or reject a suggested link between a claim and a fact-check."""
    if decision not in ("confirm", "reject"):
        raise _fail(2, "decision must be confirm or reject")
    _researcher_edit(lambda s: decide_link(s, link_id, "confirmed" if decision == "confirm" else "rejected", by))
    console.print(f"link {link_id}: {decision}ed")


@claims_app.command("merge")
def claims_merge(
    keep: Annotated[int, typer.Argument(help="The claim that stays.")],
    other: Annotated[int, typer.Argument(help="The claim merged into it (deleted).")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    by: Annotated[str, typer.Option(help="Who.")] = "researcher",
) -> None:
    """Merge two canonical claims; the edit is kept in claim_edits."""
    _researcher_edit(lambda s: merge_claims(s, keep, other, note=note, by=by))
    console.print(f"claim {other} merged into claim {keep}")


@claims_app.command("split")
def claims_split(
    claim_id: Annotated[int, typer.Argument(help="The claim to split.")],
    occurrences: Annotated[list[int], typer.Argument(help="Occurrence ids that move to the new claim.")],
    text: Annotated[str, typer.Option(help="Wording of the new claim.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    by: Annotated[str, typer.Option(help="Who.")] = "researcher",
) -> None:
    """Move some occurrences of a claim to a new claim; the edit is kept in claim_edits."""
    new_id = _researcher_edit(lambda s: split_claim(s, claim_id, occurrences, text=text, note=note, by=by).id)
    console.print(f"new claim {new_id} with {len(occurrences)} occurrences from claim {claim_id}")


def main() -> None:
    """Console-script entry point: an unexpected error is one line on stderr and exit code 1."""
    try:
        app()
    except Exception as exc:  # noqa: BLE001 — the last line of defence; details go to the log
        logging.getLogger("claimwatch").debug("unexpected error", exc_info=True)
        err.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}", highlight=False)
        err.print("(run with --verbose for details)", style="dim")
        sys.exit(EXIT_FAILED)
