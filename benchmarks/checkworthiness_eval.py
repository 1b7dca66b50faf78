"""Evaluate check-worthiness as claimwatch reports it, on labelled sentences (JSON lines of {"text",
"checkworthy"} or {"text", "label"}): each sentence goes through the extractor, and its score is its best
claim's check-worthiness, 0 when it yields no claim — from `claimwatch extract` without the semantic extra
(the text model) and as analysis stores it (rescored with the embedding) — beside the hand-weighted rule
score of the whole sentence (benchmarks/rule_checkworthiness.py) in the same run.

    .venv/bin/python benchmarks/checkworthiness_eval.py [benchmarks/data/checkworthiness.jsonl]

Prints ROC AUC and precision, recall and F1 at each model's own threshold (the rule at 0.5). The bundled set
(60 news sentences) was written by the claimwatch developers after the rule and the models existed and was
never used to train or tune either; the shipped models were trained on the
ClaimBuster development set, so figures on that set are in-sample (train_checkworthiness.py prints the
cross-validated ones).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from rule_checkworthiness import checkworthiness
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from claimwatch.config import load_config
from claimwatch.jobs.analyze import build_extractor
from claimwatch.nlp.checkworthiness_model import load_checkworthiness_models
from claimwatch.nlp.claim_vectors import encode_claims
from claimwatch.nlp.embeddings import active_embedder

DEFAULT = Path(__file__).parent / "data" / "checkworthiness.jsonl"


def best_claim(extractions: list) -> np.ndarray:  # type: ignore[type-arg]
    """Each sentence's score as claimwatch reports it: its best claim's check-worthiness, 0 without a claim."""
    return np.array([max((c.checkworthiness for c in e.claims), default=0.0) for e in extractions])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    labels = np.array([int(r.get("checkworthy", r.get("label", 0))) for r in rows])
    settings = load_config()
    extractor = build_extractor(settings)
    models = load_checkworthiness_models()
    extractions = list(extractor.extract_many(texts))
    extracted = best_claim(extractions)
    embedder = active_embedder(settings)  # the daemon's: its precision, its cached graph
    assert embedder is not None, "the semantic model is off in the config: the rescoring reads its vectors"
    encode_claims(embedder, extractions)
    analysed = best_claim(extractions)
    rules = np.array([checkworthiness(doc[:], attributed=False) for doc in extractor.nlp.pipe(texts)])
    print(f"{len(rows)} sentences ({labels.sum()} check-worthy); {np.mean(extracted > 0):.2f} yield a claim")
    for name, scores, threshold in (
        ("extract (text model), best claim", extracted, models.text.threshold),
        ("analyze (semantic model), best claim", analysed, models.semantic.threshold),
        ("hand-weighted rule score (baseline)", rules, 0.5),
    ):
        chosen = scores >= threshold
        print(
            f"  {name:38} ROC AUC {roc_auc_score(labels, scores):.3f}  at {threshold:.2f}: "
            f"P {precision_score(labels, chosen, zero_division=0):.2f} R {recall_score(labels, chosen):.2f} "
            f"F1 {f1_score(labels, chosen):.2f}"
        )


if __name__ == "__main__":
    main()
