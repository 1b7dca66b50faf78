"""The analyze stage against raw spaCy: words per second of `analyze_pending` (extraction, grouping by
meaning, storing) in 1 and 2 processes, and of the shipped model's plain `nlp.pipe` in 1 and 2 processes,
on the same texts, interleaved and repeated.

    .venv/bin/python benchmarks/analyze_bench.py [--articles 160] [--reps 3] [--extraction-only] \
        [../shared/gold/seed_article.txt …]

Texts: the demo corpus's English article pages (through trafilatura, as fetching does), the test fixtures (the
annotated news articles among them), and any article files given (the seed article is a real one), cycled to
`--articles` articles — 31 distinct texts with the seed (17 before sessions 18 and 19 added six and eight news
fixtures; docs/performance.md's figures were measured on those 17), so a 16-article batch holds no repeats for the
embedding step to share, and the vectors a process remembers are turned off (below). claimwatch runs its own
code path on a fresh SQLite store each time; its 2-process figure uses the long-lived extraction pool as the
daemon does (started before the clock, like the daemon's) and, separately, the pool's start-up cost, which a
cron `run --once` pays once per run; raw `nlp.pipe` with 2 processes starts its workers inside each timed
call, so its ratio to claimwatch's 2 processes is not like for like. The raw baseline is `spacy.load(model)`
as shipped, without claimwatch's components, loaded and warmed once (as claimwatch's extractor is). A third
line times claimwatch's extraction alone (`Extractor.extract_many`: spaCy with claimwatch's components and the
rules, nothing embedded or stored), so the rules' cost is told apart from the embeddings' and the writes'. Two
more tell apart what claimwatch changes in spaCy's own parse: "raw, NumPy's BLAS" is the shipped model with
its matrix products through NumPy's BLAS on one thread instead of BLIS (nlp/model.py `use_numpy_blas`), and
"raw, claimwatch's parse" that and its parser and entity recogniser decoded by claimwatch's loop
(nlp/transition_loop.py): the same parse as claimwatch's, so extraction over it is what the rules cost.
`--extraction-only` times the 1-process lines only, interleaved (more repetitions for the same time).

Each line also prints the cores it kept busy (CPU seconds of this process and its workers over wall
seconds). claimwatch's one-process stage is itself two threads (the next batch is parsed while this one is
encoded and stored), so "1 process" is not one core; "claimwatch analyze, 1 process, 1 core" runs the same
call with its threads held to one CPU (`os.sched_setaffinity`), the rate one core gives, against which two
processes' rate says how the stage scales with cores.
"""

from __future__ import annotations

from claimwatch.nlp.torchless import keep_torch_out

# What the command line does before anything imports spaCy: thinc would import PyTorch (installed with the
# model package), which claimwatch never calls: ~1.8 s and ~240 MB in each process, the pool's workers among
# them (a spawned worker runs this script's imports again).
keep_torch_out()

from claimwatch.nlp import claim_vectors

# Each process remembers the vectors of the propositions it encoded last (nlp/claim_vectors.py). This
# corpus is 17 texts cycled, so it would encode each proposition once and remember it nine times over: no
# feed repeats itself so. Here every proposition is encoded as if new (in the pool's workers too, which run
# this module's top level again); benchmarks/cycle_bench.py, over 2,000 distinct articles, measures what
# remembering gains.
claim_vectors._recent.size = 0

import argparse
import os
import resource
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

import spacy
import trafilatura
from proc_stat import proc_stats
from spacy.language import Language

from claimwatch.config import load_config
from claimwatch.jobs.analyze import analyze_pending, build_extractor, build_pool
from claimwatch.jobs.semantic import semantic_for
from claimwatch.nlp.model import use_numpy_blas
from claimwatch.nlp.transition_loop import speed_up_parsers
from claimwatch.store.db import open_store, transaction
from claimwatch.store.models import Article

HERE = Path(__file__).resolve().parent
BLAS = "raw, NumPy's BLAS, 1 process"
ONE_CORE = "claimwatch analyze, 1 process, 1 core"
DECODED = "raw, claimwatch's parse, 1 process"


def corpus(extra: list[Path], count: int) -> list[str]:
    demo = resources.files("claimwatch.jobs").joinpath("demo_corpus")
    texts = [
        trafilatura.extract(demo.joinpath(name).read_text(encoding="utf-8")) or ""
        for name in ("kyiv-rejects-draft.html", "war-origin-claim.html", "minerals-explainer.html")
    ]
    texts += [(HERE.parent / "tests" / "fixtures" / n).read_text() for n in ("quote-patterns.txt", "envoy-visit.txt")]
    texts += [
        p.read_text(encoding="utf-8") for p in sorted((HERE.parent / "tests" / "fixtures" / "news").glob("*.txt"))
    ]
    texts += [p.read_text(encoding="utf-8") for p in extra]
    texts = [t for t in texts if t.strip()]
    return [texts[i % len(texts)] for i in range(count)]


def raw(nlp: Language, texts: list[str], processes: int) -> float:
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.perf_counter() - started


def extraction(texts: list[str], extractor) -> float:  # type: ignore[no-untyped-def]
    """claimwatch's extraction alone (spaCy with its components, actors, quotes, claims), nothing stored or
    embedded: what the rules cost on top of the parse."""
    started = time.perf_counter()
    for _extraction in extractor.extract_many(texts):
        pass
    return time.perf_counter() - started


def cpu_seconds() -> float:
    """CPU time of this process, of its children that have ended, and of those still running (the pool's
    workers), from /proc."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for fields in proc_stats().values():
        if int(fields[1]) == os.getpid():
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def one_core(run):  # type: ignore[no-untyped-def]
    """`run()` with this thread, and the threads it starts, held to one CPU; the affinity restored after."""
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        return run()
    finally:
        os.sched_setaffinity(0, cpus)


def ours(texts: list[str], processes: int, extractor, pool) -> float:  # type: ignore[no-untyped-def]
    settings = load_config()
    settings = settings.model_copy(update={"nlp": settings.nlp.model_copy(update={"n_process": processes})})
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings.model_copy(update={"data_dir": Path(tmp)})
        factory = open_store(f"sqlite:///{tmp}/bench.db")
        with transaction(factory) as session:
            for i, text in enumerate(texts):
                session.add(Article(url=f"https://b.example/{i}", text=text, relevant=True, content_hash=str(i)))
        semantic = semantic_for(settings)
        started = time.perf_counter()
        summary = analyze_pending(settings, factory, extractor=extractor, semantic=semantic, pool=pool)
        seconds = time.perf_counter() - started
        assert summary.articles == len(texts)
        factory.kw["bind"].dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extra", type=Path, nargs="*", help="more article texts (plain text files)")
    parser.add_argument("--articles", type=int, default=160)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--extraction-only", action="store_true", help="time extraction and raw nlp.pipe only")
    args = parser.parse_args()
    settings = load_config()
    texts = corpus(args.extra, args.articles)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} articles, {words} words ({words // len(texts)} per article); model {settings.nlp.model}")
    extractor = build_extractor(settings)
    plain = spacy.load(settings.nlp.model)  # loaded and warmed once, like the extractor
    raw(plain, texts[:8], 1)
    blas = spacy.load(settings.nlp.model)
    use_numpy_blas(blas)
    raw(blas, texts[:8], 1)
    decoded = spacy.load(settings.nlp.model)
    use_numpy_blas(decoded)
    speed_up_parsers(decoded)
    raw(decoded, texts[:8], 1)
    runs: dict[str, list[float]] = {}
    cores: dict[str, list[float]] = {}

    def timed(name: str, run) -> None:  # type: ignore[no-untyped-def]
        cpu, started = cpu_seconds(), time.perf_counter()
        seconds = run()  # the timed part: a claimwatch line sets up its store before its clock starts
        cores.setdefault(name, []).append((cpu_seconds() - cpu) / (time.perf_counter() - started))
        runs.setdefault(name, []).append(words / seconds)

    if args.extraction_only:
        extraction(texts[:8], extractor)  # warm-up
        for _rep in range(args.reps):
            timed("raw nlp.pipe, 1 process", lambda: raw(plain, texts, 1))
            timed(BLAS, lambda: raw(blas, texts, 1))
            timed(DECODED, lambda: raw(decoded, texts, 1))
            timed("claimwatch extraction, 1 process", lambda: extraction(texts, extractor))
        report(runs, cores)
        return
    two = settings.model_copy(update={"nlp": settings.nlp.model_copy(update={"n_process": 2})})
    started = time.perf_counter()
    pool = build_pool(two)
    assert pool is not None
    pool.extract_many(texts[:2])  # the workers have loaded their models
    startup = time.perf_counter() - started
    ours(texts[:8], 1, extractor, None)  # warm-up: the embedding model and the store code
    for _rep in range(args.reps):
        timed("raw nlp.pipe, 1 process", lambda: raw(plain, texts, 1))
        timed(BLAS, lambda: raw(blas, texts, 1))
        timed(DECODED, lambda: raw(decoded, texts, 1))
        timed("claimwatch extraction, 1 process", lambda: extraction(texts, extractor))
        timed("claimwatch analyze, 1 process", lambda: ours(texts, 1, extractor, None))
        timed(ONE_CORE, lambda: one_core(lambda: ours(texts, 1, extractor, None)))
        timed("raw nlp.pipe, 2 processes", lambda: raw(plain, texts, 2))
        timed("claimwatch analyze, 2 processes", lambda: ours(texts, 2, extractor, pool))
    pool.close()
    report(runs, cores)
    print(f"pool start-up (2 workers load the model; once per daemon, or per run --once): {startup:.1f} s")


def report(runs: dict[str, list[float]], cores: dict[str, list[float]]) -> None:
    """Median and spread of each line and the cores it kept busy, then the ratios of medians that both lines
    of have run."""
    median = {name: statistics.median(values) for name, values in runs.items()}
    print(f"{'':38} {'words/s':>9} {'spread':>15} {'cores':>6}")
    for name, values in runs.items():
        busy = statistics.median(cores[name])
        print(f"{name:38} {median[name]:9.0f} {min(values):7.0f}-{max(values):<7.0f} {busy:6.2f}")
    ratios = (
        ("extraction 1 process / raw 1 process", "claimwatch extraction, 1 process", "raw nlp.pipe, 1 process"),
        ("NumPy's BLAS / raw 1 process", BLAS, "raw nlp.pipe, 1 process"),
        ("claimwatch's parse / raw 1 process", DECODED, "raw nlp.pipe, 1 process"),
        ("extraction / claimwatch's parse", "claimwatch extraction, 1 process", DECODED),
        ("claimwatch 1 process / raw 1 process", "claimwatch analyze, 1 process", "raw nlp.pipe, 1 process"),
        ("claimwatch 2 / claimwatch 1 process", "claimwatch analyze, 2 processes", "claimwatch analyze, 1 process"),
        ("claimwatch 2 / claimwatch 1 core", "claimwatch analyze, 2 processes", ONE_CORE),
        # not like for like: raw n_process starts its workers inside every timed call, the pool before the clock
        ("claimwatch 2 / raw 2 (see docstring)", "claimwatch analyze, 2 processes", "raw nlp.pipe, 2 processes"),
    )
    for label, top, bottom in ratios:
        if top in median and bottom in median:
            print(f"{label:38} {median[top] / median[bottom]:.2f}x")


if __name__ == "__main__":
    main()
