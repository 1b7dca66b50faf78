"""Evaluate the check-worthiness score on a labelled set of sentences (JSON lines of {"text", "checkworthy"}).

    .venv/bin/python benchmarks/checkworthiness_eval.py [benchmarks/data/checkworthiness.jsonl]

Prints ROC AUC (how well the score ranks check-worthy sentences above the rest) and precision, recall and
F1 at thresholds 0.5 and 0.6. The bundled set was written by the claimwatch developers after the weights in
nlp/checkworthiness.py were set; the weights were not changed to fit it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from claimwatch.config import load_config
from claimwatch.nlp.checkworthiness import checkworthiness
from claimwatch.nlp.model import load_model

DEFAULT = Path(__file__).parent / "data" / "checkworthiness.jsonl"


def roc_auc(scores: list[float], labels: list[int]) -> float:
    positives = [s for s, y in zip(scores, labels) if y]
    negatives = [s for s, y in zip(scores, labels) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    nlp = load_model(load_config().nlp.model)
    scores = [checkworthiness(doc[:], attributed=False) for doc in nlp.pipe(r["text"] for r in rows)]
    labels = [int(r["checkworthy"]) for r in rows]
    print(f"{len(rows)} sentences ({sum(labels)} check-worthy); ROC AUC = {roc_auc(scores, labels):.3f}")
    for threshold in (0.5, 0.6):
        tp = sum(1 for s, y in zip(scores, labels) if s >= threshold and y)
        fp = sum(1 for s, y in zip(scores, labels) if s >= threshold and not y)
        fn = sum(1 for s, y in zip(scores, labels) if s < threshold and y)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"threshold {threshold}: P={p:.2f} R={r:.2f} F1={f:.2f}")


if __name__ == "__main__":
    main()
