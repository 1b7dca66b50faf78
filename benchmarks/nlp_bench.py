"""NLP throughput: words per second of the full extraction against raw `nlp.pipe` with the same model on the
same texts, in the same run.

    .venv/bin/python benchmarks/nlp_bench.py [--copies 40] [extra.txt …]

The texts are the demo corpus's English articles and the test fixtures (plus any files given), repeated
`--copies` times.
"""

from __future__ import annotations

import argparse
import time
from importlib import resources
from pathlib import Path

import trafilatura

from claimwatch.config import load_config
from claimwatch.jobs.analyze import build_extractor

HERE = Path(__file__).resolve().parent


def corpus(extra: list[Path]) -> list[str]:
    texts = []
    demo = resources.files("claimwatch.jobs").joinpath("demo_corpus")
    for name in ("kyiv-rejects-draft.html", "war-origin-claim.html", "minerals-explainer.html"):
        texts.append(trafilatura.extract(demo.joinpath(name).read_text(encoding="utf-8")) or "")
    for name in ("quote-patterns.txt", "envoy-visit.txt"):
        texts.append((HERE.parent / "tests" / "fixtures" / name).read_text(encoding="utf-8"))
    texts += [path.read_text(encoding="utf-8") for path in extra]
    return [t for t in texts if t.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    settings = load_config()
    extractor = build_extractor(settings)
    texts = corpus(args.files) * args.copies
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} texts, {words} words, model {extractor.version}, batch {args.batch_size}, 1 process")

    list(extractor.nlp.pipe(texts[:5]))  # warm-up
    started = time.perf_counter()
    for _doc in extractor.nlp.pipe(texts, batch_size=args.batch_size):
        pass
    raw = time.perf_counter() - started
    print(f"raw nlp.pipe:        {words / raw:8.0f} words/s ({raw:.2f} s)")

    started = time.perf_counter()
    results = list(extractor.extract_many(texts))
    full = time.perf_counter() - started
    quotes = sum(len(r.quotes) for r in results)
    claims = sum(len(r.claims) for r in results)
    print(f"claimwatch extract:  {words / full:8.0f} words/s ({full:.2f} s; {quotes} quotes, {claims} claims)")
    print(
        f"ratio extract/raw:   {raw / full:.2f} "
        f"(extraction rules cost {100 * (full - raw) / raw:.0f}% on top of parsing)"
    )


if __name__ == "__main__":
    main()
