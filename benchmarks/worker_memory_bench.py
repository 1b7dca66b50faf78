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
import time

import news_corpus
from memory_bench import rss_mb
from workers_bench import add_articles, analysed, running_workers

from claimwatch.jobs.heap import IDLE_SECONDS
from claimwatch.jobs.tasks import Runtime, defer_pending_analysis

IDLE_WAIT = IDLE_SECONDS + 3  # past the worker's idle release


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--articles", type=int, default=160, help="articles a round")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with running_workers(args.database_url, "cw_worker_memory", 1) as running:
        worker = running.processes[0]
        print(f"worker ready: {rss_mb(worker.pid):.0f} MB")
        for round_ in range(args.rounds):
            first = round_ * args.articles
            add_articles(running.factory, [news_corpus.article(i) for i in range(first, first + args.articles)], first)
            started, peak = time.perf_counter(), 0.0
            defer_pending_analysis(running.app, Runtime(running.settings, running.factory))
            while analysed(running.factory) != first + args.articles:
                peak = max(peak, rss_mb(worker.pid))
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            time.sleep(IDLE_WAIT)
            print(
                f"round {round_ + 1}: {args.articles} articles in {seconds:.1f} s, "
                f"peak {peak:.0f} MB, idle {rss_mb(worker.pid):.0f} MB"
            )


if __name__ == "__main__":
    main()
