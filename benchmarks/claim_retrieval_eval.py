"""Claim → fact-check retrieval quality: MAP@5 of `claimwatch factchecks match` against plain BM25 from
bm25s, on the same data, in the same run.

    .venv/bin/python benchmarks/claim_retrieval_eval.py ../shared/eval/claim-retrieval-dev \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

The folder holds `factchecks.jsonl`, `queries.jsonl` and `qrels.txt` (CLEF CheckThat! 2020 task 2 layout).
claimwatch runs as users run it: `claimwatch factchecks import` into a fresh store, then
`claimwatch factchecks match queries.jsonl --top 5 --format trec`, by meaning + words (the default, the
encoder in int8), again with `[semantic] precision = "float32"`, and with `[semantic] model = ""` (words
only). The baseline is bm25s's BM25 (k1 1.2, b 0.75, English
stop words, PyStemmer's English stemmer) over claim + headline, in memory. MAP@5: for each query the
precision at the rank of its relevant fact-check if within the top 5, averaged (the task's measure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bm25s
import Stemmer
from bench_store import bench_store

CLAIMWATCH = [str(Path(sys.executable).parent / "claimwatch")]  # the installed command users run


def map_at_5(run: dict[str, list[str]], qrels: dict[str, set[str]]) -> float:
    total = 0.0
    for query, relevant in qrels.items():
        ranked = run.get(query, [])[:5]
        hits = [i for i, doc in enumerate(ranked, start=1) if doc in relevant]
        precisions = [(n + 1) / rank for n, rank in enumerate(hits)]
        total += sum(precisions) / min(len(relevant), 5) if precisions else 0.0
    return total / len(qrels)


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            query, _zero, doc, grade = line.split()
            if int(grade) > 0:
                qrels.setdefault(query, set()).add(doc)
    return qrels


def claimwatch_run(folder: Path, semantic: str, database_url: str | None) -> tuple[dict[str, list[str]], float]:
    """Import and match through the CLI, `semantic` the config's [semantic] lines; returns the ranking and the
    seconds the match command took."""
    with tempfile.TemporaryDirectory() as tmp, bench_store(database_url, Path(tmp), "cw_bench_retrieval") as url:
        config = Path(tmp) / "claimwatch.toml"
        config.write_text(f'data_dir = "{tmp}/data"\n[semantic]\n{semantic}\n')
        env = {**os.environ, "CLAIMWATCH_CONFIG": str(config), "CLAIMWATCH_DATABASE_URL": url}
        subprocess.run(
            [*CLAIMWATCH, "factchecks", "import", str(folder / "factchecks.jsonl")],
            env=env,
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        out = subprocess.run(
            [*CLAIMWATCH, "factchecks", "match", str(folder / "queries.jsonl"), "--top", "5", "--format", "trec"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seconds = time.perf_counter() - started
    run: dict[str, list[str]] = {}
    for line in out.splitlines():
        query, _q0, doc, _rank, _score, _tag = line.split()
        run.setdefault(query, []).append(doc)
    return run, seconds


def bm25_run(folder: Path) -> tuple[dict[str, list[str]], float]:
    checks = [json.loads(line) for line in (folder / "factchecks.jsonl").read_text().splitlines() if line.strip()]
    queries = [json.loads(line) for line in (folder / "queries.jsonl").read_text().splitlines() if line.strip()]
    stemmer = Stemmer.Stemmer("english")
    started = time.perf_counter()
    corpus = bm25s.tokenize(
        [f"{c['claim']} {c.get('title') or ''}" for c in checks], stopwords="en", stemmer=stemmer, show_progress=False
    )
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(corpus, show_progress=False)
    tokens = bm25s.tokenize([q["text"] for q in queries], stopwords="en", stemmer=stemmer, show_progress=False)
    found, _scores = retriever.retrieve(tokens, k=5, show_progress=False)
    seconds = time.perf_counter() - started
    return {q["id"]: [checks[i]["id"] for i in found[n]] for n, q in enumerate(queries)}, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder with factchecks.jsonl, queries.jsonl, qrels.txt")
    parser.add_argument("--database-url", help="PostgreSQL to run on (in a schema of its own); default SQLite")
    args = parser.parse_args()
    qrels = read_qrels(args.folder / "qrels.txt")

    rows = []
    run, seconds = bm25_run(args.folder)
    rows.append(("bm25s BM25 (baseline)", map_at_5(run, qrels), seconds))
    variants = (
        ("claimwatch, meaning + words", ""),
        ("  … encoder in float32", 'precision = "float32"'),
        ("claimwatch, words only", 'model = ""'),
    )
    for label, semantic in variants:
        run, seconds = claimwatch_run(args.folder, semantic, args.database_url)
        rows.append((label, map_at_5(run, qrels), seconds))
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{len(qrels)} queries, {args.folder.name}; claimwatch on {backend}")
    print(f"{'system':32} {'MAP@5':>6} {'seconds':>8}  ratio to BM25")
    for label, score, seconds in rows:
        print(f"{label:32} {score:6.3f} {seconds:8.1f}  {score / rows[0][1]:.2f}x")


if __name__ == "__main__":
    main()
