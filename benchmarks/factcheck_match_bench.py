"""Fact-check matching: MAP@5 on a small labelled set and speed with 100,000 stored fact-checks, against
plain BM25 (rank-bm25's BM25Okapi over the same texts) in the same run.

    .venv/bin/python benchmarks/factcheck_match_bench.py [--distractors 100000]

The labelled set (benchmarks/data/factcheck_match/) was written by the claimwatch developers: 30
fact-checks and 25 queries that restate some of them in other words. The distractors are generated from
templates over the same vocabulary (actors, places, verbs, figures), so they compete for the same words.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from rank_bm25 import BM25Okapi
from sqlalchemy import insert

from claimwatch.nlp.matching import STOPWORDS
from claimwatch.store.db import open_store
from claimwatch.store.factchecks import rank_factchecks
from claimwatch.store.models import FactCheck

DATA = Path(__file__).parent / "data" / "factcheck_match"
ACTORS = [
    "Ukraine",
    "Russia",
    "Kyiv",
    "Moscow",
    "Zelensky",
    "Putin",
    "Trump",
    "the United States",
    "NATO",
    "the European Union",
    "Poland",
    "Hungary",
    "China",
    "Germany",
    "the Pentagon",
    "the Kremlin",
]
VERBS = [
    "sent",
    "received",
    "promised",
    "blocked",
    "sold",
    "bought",
    "destroyed",
    "built",
    "signed",
    "rejected",
    "funded",
    "cancelled",
    "exported",
    "imported",
    "approved",
    "hid",
]
OBJECTS = [
    "tanks",
    "grain",
    "gas",
    "aid money",
    "a peace plan",
    "fighter jets",
    "ammunition",
    "oil",
    "rare earth minerals",
    "lithium",
    "refugee benefits",
    "sanctions",
    "elections",
    "a ceasefire",
    "power plants",
    "ports",
    "weapons",
    "loans",
    "vaccines",
    "a minerals deal",
]
QUALIFIERS = [
    "in 2023",
    "last year",
    "worth {n} billion dollars",
    "in secret",
    "{n} times",
    "before the war",
    "after the invasion",
    "through a shell company",
    "according to a viral post",
    "for {n} million",
]


def distractors(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        qualifier = rng.choice(QUALIFIERS).format(n=rng.randint(2, 900))
        claim = f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {qualifier}"
        rows.append(
            {
                "external_id": f"d{i:06d}",
                "claim_reviewed": claim,
                "title": f"Checking: {rng.choice(ACTORS)} and {rng.choice(OBJECTS)}",
                "origin": "import",
                "rating": rng.choice(["false", "mixed", "true", "unproven"]),
            }
        )
    return rows


def average_precision(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for position, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k) if relevant else 0.0


def tokens(text: str) -> list[str]:
    return [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if w not in STOPWORDS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    args = parser.parse_args()

    labelled = [json.loads(line) for line in (DATA / "factchecks.jsonl").read_text().splitlines() if line.strip()]
    queries = [json.loads(line) for line in (DATA / "queries.jsonl").read_text().splitlines() if line.strip()]
    rows = [
        {
            "external_id": r["id"],
            "claim_reviewed": r["claim"],
            "title": r.get("title"),
            "origin": "import",
            "rating_text": r.get("rating"),
        }
        for r in labelled
    ] + distractors(args.distractors)

    with tempfile.TemporaryDirectory() as tmp:
        factory = open_store(args.database_url or f"sqlite:///{tmp}/bench.db")
        started = time.perf_counter()
        with factory() as session, session.begin():
            for offset in range(0, len(rows), 5000):
                session.execute(insert(FactCheck), rows[offset : offset + 5000])
        load = time.perf_counter() - started
        print(
            f"{len(rows)} fact-checks stored and indexed in {load:.1f} s "
            f"({factory.kw['bind'].url.get_backend_name()}); {len(queries)} labelled queries"
        )

        ours, latencies = [], []
        with factory() as session:
            for query in queries:
                started = time.perf_counter()
                ranked = [f.external_id for f, _score in rank_factchecks(session, query["text"], top=5)]
                latencies.append(time.perf_counter() - started)
                ours.append(average_precision(ranked, set(query["relevant"])))
        factory.kw["bind"].dispose()

    started = time.perf_counter()
    bm25 = BM25Okapi([tokens(f"{r['claim_reviewed']} {r.get('title') or ''}") for r in rows])
    build = time.perf_counter() - started
    ids = [r["external_id"] for r in rows]
    baseline, bm25_latencies = [], []
    for query in queries:
        started = time.perf_counter()
        scores = bm25.get_scores(tokens(query["text"]))
        top = sorted(range(len(ids)), key=lambda i: -scores[i])[:5]
        bm25_latencies.append(time.perf_counter() - started)
        baseline.append(average_precision([ids[i] for i in top], set(query["relevant"])))

    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    print(
        f"claimwatch (full-text index + re-scoring): MAP@5 = {statistics.mean(ours):.3f}; "
        f"latency p50 {1000 * statistics.median(latencies):.1f} ms, p95 {1000 * p95(latencies):.1f} ms; "
        f"{len(latencies) / sum(latencies):.1f} queries/s"
    )
    print(
        f"plain BM25 (rank-bm25 BM25Okapi, in memory):  MAP@5 = {statistics.mean(baseline):.3f}; "
        f"latency p50 {1000 * statistics.median(bm25_latencies):.1f} ms, p95 {1000 * p95(bm25_latencies):.1f} ms; "
        f"index built in {build:.1f} s"
    )
    print(
        f"ratio claimwatch/BM25: MAP@5 {statistics.mean(ours) / max(statistics.mean(baseline), 1e-9):.2f}x, "
        f"median latency {statistics.median(latencies) / statistics.median(bm25_latencies):.2f}x"
    )
    missed = [q["id"] for q, ap in zip(queries, ours) if ap == 0]
    if missed:
        print(f"queries with no relevant fact-check in claimwatch's top 5: {', '.join(missed)}")


if __name__ == "__main__":
    main()
