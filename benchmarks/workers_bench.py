"""Distributed mode: analysis throughput with 1 and with 2 `claimwatch worker` processes on one machine.

    .venv/bin/python benchmarks/workers_bench.py [--articles 160] [--reps 3] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [ARTICLE.txt ...]

Each run: a fresh PostgreSQL schema holding N relevant, not yet analysed articles (the texts of
benchmarks/analyze_bench.py's corpus, plus any given files), K real worker processes started and ready
(models loaded, registered with the queue), then the analysis deferred as the scheduler defers it
(`defer_pending_analysis`) and the clock runs until every article is analysed. Runs of 1 and 2 workers are
interleaved, repeated, and reported as median and spread; the ratio is of the medians. The workers are the
command users run, so they remember the vectors of the propositions they encoded (nlp/claim_vectors.py);
over this corpus's 17 cycled texts most propositions are remembered after the first few batches, so read
the figures as a ratio of 2 workers to 1 (each remembers only what it encoded itself), not as analysis
speed: benchmarks/analyze_bench.py measures that with remembering off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import procrastinate
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import load_config
from claimwatch.config.settings import Settings
from claimwatch.jobs.distributed import install_schema, make_app
from claimwatch.jobs.tasks import Runtime, defer_pending_analysis
from claimwatch.store.db import open_store, transaction
from claimwatch.store.models import Article

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analyze_bench import corpus  # noqa: E402
from bench_store import bench_store  # noqa: E402

CLAIMWATCH = str(Path(sys.executable).parent / "claimwatch")


@dataclass
class Workers:
    """Real `claimwatch worker` processes on a store of their own, and what a benchmark defers work with."""

    settings: Settings
    factory: sessionmaker[Session]
    app: procrastinate.App
    processes: list[subprocess.Popen[bytes]]


@contextmanager
def running_workers(database_url: str, schema: str, count: int) -> Iterator[Workers]:
    """`count` workers on a fresh PostgreSQL `schema`, yielded once ready (models loaded, registered with the
    queue), stopped and the schema dropped after."""
    with tempfile.TemporaryDirectory() as tmp, bench_store(database_url, Path(tmp), schema) as url:
        config = Path(tmp) / "claimwatch.toml"
        config.write_text(f'data_dir = "{tmp}"\n[workers]\nenabled = true\nheartbeat_seconds = 1\n')
        base = load_config(config)
        settings = base.model_copy(update={"database": base.database.model_copy(update={"url": url})})
        factory = open_store(url)
        app = make_app(settings)
        env = {**os.environ, "CLAIMWATCH_DATABASE_URL": url}
        with app.open():
            install_schema(app, factory)
            processes = [
                subprocess.Popen([CLAIMWATCH, "--config", str(config), "worker"], env=env, stderr=subprocess.DEVNULL)
                for _ in range(count)
            ]
            try:
                engine = factory.kw["bind"]
                while True:  # ready: registered with the queue, which happens after the models are loaded
                    with engine.connect() as conn:
                        if conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() == count:
                            break
                    time.sleep(0.1)
                yield Workers(settings, factory, app, processes)
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait(timeout=120)
        factory.kw["bind"].dispose()


def add_articles(factory: sessionmaker[Session], texts: list[str], first: int = 0) -> None:
    """Relevant articles waiting for analysis, numbered from `first`."""
    with transaction(factory) as session:
        for i, body in enumerate(texts, start=first):
            link = f"https://bench.example/{i}"
            session.add(Article(url=link, text=body, relevant=True, language="en", content_hash=str(i)))


def analysed(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Article).where(Article.analyzed_at.is_not(None))) or 0


def one_run(database_url: str, texts: list[str], workers: int, run: int) -> float:
    with running_workers(database_url, f"cw_workers_{run}", workers) as running:
        add_articles(running.factory, texts)
        started = time.perf_counter()
        defer_pending_analysis(running.app, Runtime(running.settings, running.factory))
        while analysed(running.factory) != len(texts):
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    return len(texts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extra", type=Path, nargs="*", help="more article texts (e.g. ../shared/gold/seed_article.txt)")
    parser.add_argument("--articles", type=int, default=160)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    texts = corpus(args.extra, args.articles)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} articles, {words} words; {os.cpu_count()} cores; {args.reps} interleaved runs each")
    rates: dict[int, list[float]] = {1: [], 2: []}
    for rep in range(args.reps):
        for workers in (1, 2):
            rates[workers].append(one_run(args.database_url, texts, workers, rep))
            print(f"  run {rep + 1}, {workers} worker(s): {rates[workers][-1]:.2f} articles/s", flush=True)
    for workers, values in rates.items():
        median = statistics.median(values)
        print(
            f"{workers} worker(s): median {median:.2f} articles/s "
            f"(spread {min(values):.2f}-{max(values):.2f}; {median * words / len(texts):.0f} words/s)"
        )
    print(f"2 workers / 1 worker: {statistics.median(rates[2]) / statistics.median(rates[1]):.2f}x")


if __name__ == "__main__":
    main()
