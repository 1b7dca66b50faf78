"""Fact-check matching at scale: import time and memory, embedding rate against sentence-transformers'
own PyTorch `encode`, match latency at 14k and 500k fact-checks against bm25s, and what a cycle with nothing new
costs against the first.

    .venv/bin/python benchmarks/factcheck_scale_bench.py ../shared/eval/claim-retrieval-dev \
        [--sizes 14000 500000] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

The folder gives real texts: its fact-checks are the first rows of every store and its tweets are the
queries. The remaining rows are generated from templates (actors × verbs × objects × qualifiers), so that
they compete for the same words. Their vectors are *synthetic*: each is a random mix of two real fact-check
vectors plus noise, normalised — embedding 500,000 texts takes ~45 minutes on 2 cores, and the embedding
rate is measured on its own below, on real texts, against the model's own `encode`. Every step runs the
code users run: `import_file` (what `claimwatch factchecks import` calls), `embed_missing`, the vector index
sync, `rank_factchecks` with the claim's stored vector (what a cycle does per claim) and `match_all`.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bench_store import bench_store
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import load_config
from claimwatch.config.settings import Settings
from claimwatch.jobs.factchecks import FactCheckSummary, import_file, match_all
from claimwatch.jobs.semantic import embed_missing, matching_for, semantic_for
from claimwatch.nlp.embeddings import resolve_model_path
from claimwatch.store.db import open_store, transaction
from claimwatch.store.factchecks import rank_factchecks
from claimwatch.store.models import Claim, FactCheck, FactCheckVector
from claimwatch.store.vectors import store_vectors

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


def generated(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        qualifier = rng.choice(QUALIFIERS).format(n=rng.randint(2, 900))
        rows.append(
            {
                "id": f"gen{i:07d}",
                "claim": f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {qualifier}",
                "title": f"Checking: {rng.choice(ACTORS)} and {rng.choice(OBJECTS)}",
                "rating": rng.choice(["False", "Mixture", "True", "Unproven"]),
            }
        )
    return rows


def settings_for(data_dir: Path, database_url: str) -> Settings:
    base = load_config()
    return base.model_copy(
        update={"data_dir": data_dir, "database": base.database.model_copy(update={"url": database_url})}
    )


def p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def import_in_child(url: str, path: Path, data_dir: Path) -> tuple[float, float]:
    """(seconds, peak RSS MB) of `import_file` in a fresh process, so memory is the import's own (VmHWM:
    ru_maxrss would carry the parent's peak across exec)."""
    code = (
        "import sys, time; from pathlib import Path; "
        "from claimwatch.store.db import open_store; from claimwatch.jobs.factchecks import import_file; "
        "sys.path.insert(0, sys.argv[4]); from factcheck_scale_bench import settings_for; "
        "f = open_store(sys.argv[1]); s = settings_for(Path(sys.argv[3]), sys.argv[1]); t = time.perf_counter(); "
        "r = import_file(s, f, Path(sys.argv[2])); "
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
        "print(time.perf_counter() - t, int(hwm) / 1024, r.new)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, url, str(path), str(data_dir), str(Path(__file__).parent)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def synthetic_vectors(factory: sessionmaker[Session], model: str, real: np.ndarray, seed: int = 3) -> None:
    """Vectors for the generated rows: mixes of two real vectors plus noise (see the module docstring)."""
    rng = np.random.default_rng(seed)
    with factory() as session:
        ids = list(
            session.scalars(select(FactCheck.id).where(FactCheck.external_id.like("gen%")).order_by(FactCheck.id))
        )
    for start in range(0, len(ids), 20_000):
        chunk = ids[start : start + 20_000]
        a, b = real[rng.integers(0, len(real), len(chunk))], real[rng.integers(0, len(real), len(chunk))]
        mixed = 0.6 * a + 0.4 * b + 0.05 * rng.standard_normal(a.shape).astype(np.float32)
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        with transaction(factory) as session:
            store_vectors(session, FactCheckVector, model, [(i, "") for i in chunk], mixed)


def embedding_rate(rows: list[dict[str, str]], reps: int) -> None:
    """embed_missing (encode + store) against the model's own encode on the same texts, interleaved, on a
    store of its own that holds just these fact-checks."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp}/rate.db"
        factory, settings = open_store(url), settings_for(tmp / "data", url)
        source = tmp / "rows.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in rows))
        import_file(settings, factory, source)
        semantic = semantic_for(settings)
        assert semantic is not None
        embedder = semantic.embedder
        texts = [f"{r['claim']} {r.get('title') or ''}".strip() for r in rows]
        from sentence_transformers import SentenceTransformer  # the peer: the model's own PyTorch runtime

        peer = SentenceTransformer(str(resolve_model_path(embedder.name)), device="cpu")
        embedder.encode(texts[:64])  # warm-ups, outside the timings
        peer.encode(texts[:64])
        ours, raw = [], []
        for _ in range(reps):
            with transaction(factory) as session:
                session.execute(delete(FactCheckVector))
            started = time.perf_counter()
            embed_missing(factory, embedder)
            ours.append(len(texts) / (time.perf_counter() - started))
            started = time.perf_counter()
            peer.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True)
            raw.append(len(texts) / (time.perf_counter() - started))
        factory.kw["bind"].dispose()
    print(
        f"embedding {len(texts)} real texts, {reps} interleaved runs: claimwatch embed_missing (encode + store) "
        f"{statistics.median(ours):.0f}/s (spread {min(ours):.0f}-{max(ours):.0f}); sentence-transformers encode "
        f"{statistics.median(raw):.0f}/s ({min(raw):.0f}-{max(raw):.0f}); "
        f"ratio {statistics.median(ours) / statistics.median(raw):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="claim-retrieval folder: factchecks.jsonl, queries.jsonl")
    parser.add_argument("--sizes", type=int, nargs="+", default=[14_000, 500_000])
    parser.add_argument("--database-url", help="a PostgreSQL URL (a schema cw_bench is made in it); default SQLite")
    parser.add_argument("--embed-texts", type=int, default=4_000, help="texts for the embedding-rate runs")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    real_checks = [json.loads(line) for line in (args.folder / "factchecks.jsonl").read_text().splitlines() if line]
    queries = [json.loads(line) for line in (args.folder / "queries.jsonl").read_text().splitlines() if line]
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"backend {backend}; real fact-checks {len(real_checks)}, queries {len(queries)}")
    embedding_rate(real_checks[: args.embed_texts], args.reps)

    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
            tmp = Path(tmp_name)
            url = stack.enter_context(bench_store(args.database_url, tmp, "cw_bench_scale"))
            factory = open_store(url)
            settings = settings_for(tmp / "data", url)
            rows = real_checks + generated(max(0, size - len(real_checks)))
            source = tmp / "factchecks.jsonl"
            source.write_text("".join(json.dumps(r) + "\n" for r in rows))
            seconds, peak = import_in_child(url, source, tmp / "data")
            print(
                f"\n== {size} fact-checks: import {seconds:.1f} s ({size / seconds:.0f} rows/s), peak RSS {peak:.0f} MB"
            )
            again, _peak = import_in_child(url, source, tmp / "data")
            print(f"   re-import of the same file: {again:.1f} s, nothing new stored")

            semantic = semantic_for(settings)
            assert semantic is not None, "install the semantic extra"
            started = time.perf_counter()
            embedded = embed_missing(factory, semantic.embedder) if size <= 20_000 else 0
            if size > 20_000:  # real rows embedded for real, generated rows synthetic (module docstring)
                texts = [f"{r['claim']} {r.get('title') or ''}".strip() for r in real_checks]
                real_vectors = semantic.embedder.encode(texts)
                with factory() as session:
                    id_of = dict(session.execute(select(FactCheck.external_id, FactCheck.id)).all())
                with transaction(factory) as session:
                    store_vectors(
                        session,
                        FactCheckVector,
                        semantic.embedder.name,
                        [(id_of[r["id"]], t) for r, t in zip(real_checks, texts)],
                        real_vectors,
                    )
                synthetic_vectors(factory, semantic.embedder.name, real_vectors)
                embedded = len(real_checks)
            vectors_seconds = time.perf_counter() - started
            started = time.perf_counter()
            with factory() as session:
                semantic.factchecks.sync(session)
            build = time.perf_counter() - started
            semantic.save()
            print(
                f"   vectors: {embedded} real texts embedded + the rest synthetic in {vectors_seconds:.0f} s; "
                f"index built from the store in {build:.1f} s"
            )

            matching = matching_for(settings, semantic)
            query_vectors = semantic.embedder.encode([q["text"] for q in queries])
            encode = []
            for q in queries[:50]:
                started = time.perf_counter()
                semantic.embedder.encode([q["text"]])
                encode.append(time.perf_counter() - started)
            latencies = []
            with factory() as session:
                for _rep in range(args.reps):
                    for q, vector in zip(queries, query_vectors):
                        started = time.perf_counter()
                        rank_factchecks(session, q["text"], 5, matching, vector=vector)
                        latencies.append(time.perf_counter() - started)
            stemmer = Stemmer.Stemmer("english")
            corpus = bm25s.tokenize(
                [f"{r['claim']} {r.get('title') or ''}" for r in rows],
                stopwords="en",
                stemmer=stemmer,
                show_progress=False,
            )
            retriever = bm25s.BM25(k1=1.2, b=0.75)
            retriever.index(corpus, show_progress=False)
            bm25 = []
            for _rep in range(args.reps):
                for q in queries:
                    started = time.perf_counter()
                    tokens = bm25s.tokenize([q["text"]], stopwords="en", stemmer=stemmer, show_progress=False)
                    retriever.retrieve(tokens, k=5, show_progress=False)
                    bm25.append(time.perf_counter() - started)
            print(
                f"   match latency per claim (stored vector → 5 ranked fact-checks), {len(latencies)} runs: "
                f"p50 {1000 * statistics.median(latencies):.2f} ms, p95 {1000 * p95(latencies):.2f} ms; "
                f"bm25s in memory p50 {1000 * statistics.median(bm25):.2f} ms, p95 {1000 * p95(bm25):.2f} ms; "
                f"encoding one new query text p50 {1000 * statistics.median(encode):.1f} ms"
            )

            # cycles: the queries stored as claims; first match, nothing new, 10% new claims
            with transaction(factory) as session:
                session.execute(
                    insert(Claim), [{"text": q["text"], "normalized": f"q{q['id']}"} for q in queries[:180]]
                )
            timings = []
            for label in ("first match", "nothing new"):
                summary, started = FactCheckSummary(), time.perf_counter()
                match_all(settings, factory, summary, semantic=semantic)
                timings.append((label, time.perf_counter() - started, summary.matched_claims, summary.embedded))
            with transaction(factory) as session:
                session.execute(
                    insert(Claim), [{"text": q["text"], "normalized": f"q{q['id']}"} for q in queries[180:]]
                )
            summary, started = FactCheckSummary(), time.perf_counter()
            match_all(settings, factory, summary, semantic=semantic)
            timings.append(("10% new claims", time.perf_counter() - started, summary.matched_claims, summary.embedded))
            for label, seconds, matched, embedded_now in timings:
                print(
                    f"   match step, {label}: {seconds:.2f} s, {matched} claims matched, "
                    f"{embedded_now} vectors computed"
                )
            factory.kw["bind"].dispose()
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
