"""Distributed mode's memory: resident set size of one real `claimwatch worker` while it analyses rounds of
articles, and once it has been idle.

    .venv/bin/python benchmarks/worker_memory_bench.py [--rounds 4] [--articles 160] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each round stores `--articles` new generated news articles (benchmarks/news_corpus.py, distinct texts) in a
PostgreSQL schema of its own, defers their analysis as the scheduler does, and samples the worker's RSS
from /proc every 100 ms until all are analysed ("peak"); then waits 8 s, past the worker's idle release
(jobs/heap.py), and reads it again ("idle"). The seconds a round took are printed too: a change to the
heap must not cost the worker its throughput. MALLOC_ARENA_MAX in this script's environment is passed on.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import news_corpus
from bench_store import bench_store
from memory_bench import rss_mb
from sqlalchemy import func, select, text

from claimwatch.config import load_config
from claimwatch.jobs.distributed import install_schema, make_app
from claimwatch.jobs.tasks import Runtime, defer_pending_analysis
from claimwatch.store.db import open_store, transaction
from claimwatch.store.models import Article

CLAIMWATCH = str(Path(sys.executable).parent / "claimwatch")
IDLE_WAIT = 8.0  # past jobs/heap.py's IDLE_SECONDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--articles", type=int, default=160, help="articles a round")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bench_store(args.database_url, Path(tmp), "cw_worker_memory") as url:
        config = Path(tmp) / "claimwatch.toml"
        config.write_text(f'data_dir = "{tmp}"\n[workers]\nenabled = true\nheartbeat_seconds = 1\n')
        base = load_config(config)
        settings = base.model_copy(update={"database": base.database.model_copy(update={"url": url})})
        factory = open_store(url)
        app = make_app(settings)
        env = {**os.environ, "CLAIMWATCH_DATABASE_URL": url}
        with app.open():
            install_schema(app, factory)
            worker = subprocess.Popen(
                [CLAIMWATCH, "--config", str(config), "worker"], env=env, stderr=subprocess.DEVNULL
            )
            try:
                with factory.kw["bind"].connect() as conn:
                    while not conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar():
                        time.sleep(0.1)  # registered once its models are loaded
                        conn.rollback()
                print(f"worker ready: {rss_mb(worker.pid):.0f} MB")
                for round_ in range(args.rounds):
                    first = round_ * args.articles
                    with transaction(factory) as session:
                        for i in range(first, first + args.articles):
                            body = news_corpus.article(i)
                            session.add(
                                Article(
                                    url=f"https://bench.example/{i}",
                                    text=body,
                                    relevant=True,
                                    language="en",
                                    content_hash=str(i),
                                )
                            )
                    started, peak = time.perf_counter(), 0.0
                    defer_pending_analysis(app, Runtime(settings, factory))
                    analysed = select(func.count()).select_from(Article).where(Article.analyzed_at.is_not(None))
                    while True:
                        peak = max(peak, rss_mb(worker.pid))
                        with factory() as session:
                            if session.scalar(analysed) == first + args.articles:
                                break
                        time.sleep(0.1)
                    seconds = time.perf_counter() - started
                    time.sleep(IDLE_WAIT)
                    print(
                        f"round {round_ + 1}: {args.articles} articles in {seconds:.1f} s, "
                        f"peak {peak:.0f} MB, idle {rss_mb(worker.pid):.0f} MB"
                    )
            finally:
                worker.terminate()
                worker.wait(timeout=120)
        factory.kw["bind"].dispose()


if __name__ == "__main__":
    main()
