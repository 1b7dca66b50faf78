"""A store at a million articles: does a cycle's cost per new article stay flat as the store grows, and how
fast are the researchers' common questions (store/questions.py, docs/schema.md) at that size?

    .venv/bin/python benchmarks/scale_bench.py [--articles 1000000] [--runs 3] [--database-url postgresql+psycopg://…]

The store is synthetic and bulk-loaded (benchmarks/bench_store.py): articles over 40 outlets, three claim
occurrences per article, one canonical claim per ten occurrences, 10,000 people with two mentions and one
quote per article — first 1,000 articles, then grown to `--articles`. At each size the real cycle
(`run_cycle`: fetch, extract, store, match; words-only matching, so that embedding the synthetic claims
does not swamp it) runs `--runs` times, each over 48 new articles from feeds served on loopback (in a
process of its own, TCP_NODELAY), and the seconds per new article of fetch + extract + store (the cycle's
wall time up to its match stage) are printed with their spread. Then every common question runs 7 times
and its median and p95 (nearest rank) are printed; list questions are timed as a browser shows them, to
their first page: `select * from (question) as q limit 100`, as a client asks for one. (Until session 7 it
ran the question bare and read 100 rows; on PostgreSQL the driver then fetched every row of the answer
first — three million for the occurrence list — while SQLite stepped to row 100 only.) Statistics are
refreshed after each bulk load, as `claimwatch` does after imports.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_store import bench_store, load_synthetic
from ingest_bench import serve
from sqlalchemy import text

from claimwatch.config import load_config
from claimwatch.config.settings import FeedSettings, Settings, TopicSettings
from claimwatch.jobs.analyze import build_extractor
from claimwatch.jobs.cycle import run_cycle
from claimwatch.store.db import open_store
from claimwatch.store.questions import QUESTIONS
from claimwatch.store.statistics import refresh_statistics

SMALL = 1_000
NEW_PER_RUN = 48
PARAMETERS = {"speaker": "Person 17", "claim_id": 12345, "since": "2026-01-01", "terms": "minerals deal"}


def settings_for(url: str, data_dir: Path, base: str, feeds: range) -> Settings:
    settings = load_config()
    return settings.model_copy(
        update={
            "database_url": url,
            "data_dir": data_dir,
            "feeds": [FeedSettings(name=f"Bench {f}", url=f"{base}/f/{f}") for f in feeds],
            "searches": [],  # the bundled news searches would reach the internet
            "topics": [TopicSettings(name="bench", any=["minerals"])],
            "fetch": settings.fetch.model_copy(update={"allow_private_addresses": True, "per_host_delay": 0.0}),
            "semantic": settings.semantic.model_copy(update={"model": ""}),
        }
    )


def cycle_cost(url: str, data_dir: Path, base: str, feeds: range, extractor) -> float:  # type: ignore[no-untyped-def]
    """Seconds of fetch + extract + store per new article in one real cycle: the cycle's wall time up to the
    match stage (the fetch overlaps the analysis, so the stages' seconds would count the overlap twice)."""
    settings = settings_for(url, data_dir, base, feeds)
    factory = open_store(url)
    summary = run_cycle(settings, factory, extractor=extractor)
    factory.kw["bind"].dispose()
    new = summary.new_articles
    assert new == NEW_PER_RUN, f"expected {NEW_PER_RUN} new articles, got {new}"
    assert summary.analysis.articles == NEW_PER_RUN, f"{summary.analysis.articles} analysed"
    return (summary.seconds - summary.stages["match"]) / new


def timed_questions(url: str, runs: int = 7) -> dict[str, tuple[float, float]]:
    """(median, p95) milliseconds of each common question's first 100 rows."""
    factory = open_store(url)
    engine = factory.kw["bind"]
    postgresql = engine.dialect.name == "postgresql"
    results = {}
    with engine.connect() as conn:
        for question in QUESTIONS:
            sql = question.postgresql if postgresql and question.postgresql else question.sql
            wanted = {name: value for name, value in PARAMETERS.items() if f":{name}" in sql}
            sql = f"select * from ({sql}) as q limit 100"
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.execute(text(sql), wanted).fetchall()
                times.append((time.perf_counter() - started) * 1000)
                conn.rollback()
            times.sort()
            results[question.name] = (statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)])
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL URL: measure there (in a schema of its own)")
    args = parser.parse_args()
    server, base = serve(NEW_PER_RUN // 2)
    extractor = build_extractor(load_config())
    next_feed = 10_000  # each run reads two feeds no run read before: every entry is new
    costs: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, bench_store(args.database_url, Path(tmp), "scale_bench") as url:
        backend = "PostgreSQL" if args.database_url else "SQLite"
        for size in (SMALL, args.articles):
            started = time.perf_counter()
            loaded = 0 if size == SMALL else SMALL
            load_synthetic(
                url,
                articles=size - loaded,
                occurrences=3 * (size - loaded),
                claims=3 * (size - loaded) // 10,
                first_article=loaded,
                first_claim=3 * loaded // 10,
                first_occurrence=3 * loaded,
                people=10_000,
            )
            factory = open_store(url)
            with factory() as session:
                refresh_statistics(session)
            factory.kw["bind"].dispose()
            seconds = time.perf_counter() - started
            print(f"{backend}: {size:,} articles, {3 * size:,} claim occurrences loaded in {seconds:.0f} s")
            costs[size] = []
            for _run in range(args.runs):
                costs[size].append(cycle_cost(url, Path(tmp), base, range(next_feed, next_feed + 2), extractor))
                next_feed += 2
        small, large = (statistics.median(costs[s]) for s in (SMALL, args.articles))
        for size in (SMALL, args.articles):
            values = costs[size]
            print(
                f"  per new article at {size:>9,} stored: {statistics.median(values) * 1000:6.1f} ms "
                f"(spread {min(values) * 1000:.1f}–{max(values) * 1000:.1f})"
            )
        print(f"  ratio {args.articles:,} / {SMALL:,}: {large / small:.2f}x")
        print(f"  common questions at {args.articles:,} articles (first 100 rows; median / p95 of 7):")
        for name, (median, p95) in timed_questions(url).items():
            print(f"    {name:24} {median:9.1f} ms {p95:9.1f} ms")
    server.terminate()


if __name__ == "__main__":
    main()
