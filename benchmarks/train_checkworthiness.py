"""Train the check-worthiness model and say how good it is: 5-fold cross-validated ROC AUC and F1 on
labelled sentences, beside the hand-weighted rule score in the same run, then fit on all of them and
write the weights that claimwatch ships (nlp/data/checkworthiness.json).

    .venv/bin/python benchmarks/train_checkworthiness.py ../shared/eval/checkworthiness-dev [--write]

Input: `sentences.jsonl` with `{"text", "label"}` (1 = a check-worthy factual sentence), e.g. the
ClaimBuster crowd-labelled development set. Features: the sentence's embedding from the configured
sentence-transformers model (all-MiniLM-L6-v2), and a few surface signals (figures, measure words, opinion
and hedging words, first and second person, a question, length, a capitalised name). Model: logistic
regression with balanced classes; the threshold is the one that maximises F1 on the training folds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_curve, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from claimwatch.config import load_config
from claimwatch.nlp.checkworthiness import checkworthiness
from claimwatch.nlp.checkworthiness_model import WEIGHTS, surface_features
from claimwatch.nlp.embeddings import load_embedder
from claimwatch.nlp.model import load_model

C = 2.0


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return float(thresholds[int(np.argmax(f1[:-1]))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder with sentences.jsonl")
    parser.add_argument("--write", action="store_true", help=f"write the fitted weights to {WEIGHTS}")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (args.folder / "sentences.jsonl").read_text().splitlines() if line.strip()]
    texts, labels = [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])
    settings = load_config()
    embedder = load_embedder(settings.semantic.model, settings.semantic.batch_size)
    features = np.hstack([embedder.encode(texts), np.array([surface_features(t) for t in texts])])
    nlp = load_model(settings.nlp.model)
    rules = np.array([checkworthiness(doc[:], attributed=False) for doc in nlp.pipe(texts, batch_size=64)])

    learned_auc, learned_f1, rule_auc, rule_f1 = [], [], [], []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(features[train], labels[train])
        threshold = best_threshold(labels[train], model.predict_proba(features[train])[:, 1])
        scores = model.predict_proba(features[test])[:, 1]
        learned_auc.append(roc_auc_score(labels[test], scores))
        learned_f1.append(f1_score(labels[test], scores >= threshold))
        rule_threshold = best_threshold(labels[train], rules[train])
        rule_auc.append(roc_auc_score(labels[test], rules[test]))
        rule_f1.append(f1_score(labels[test], rules[test] >= rule_threshold))
    print(
        f"{len(texts)} sentences, {labels.sum()} check-worthy; 5-fold cross-validation (thresholds from training folds)"
    )
    for label, auc, f1 in (
        ("learned model (embedding + surface signals)", learned_auc, learned_f1),
        ("hand-weighted rule score (baseline)", rule_auc, rule_f1),
    ):
        print(f"  {label:45} ROC AUC {np.mean(auc):.3f}  F1 {np.mean(f1):.3f}")

    if args.write:
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(features, labels)
        weights = {
            "model": settings.semantic.model,
            "coef": [round(float(c), 6) for c in model.coef_[0]],
            "intercept": float(model.intercept_[0]),
            "threshold": round(best_threshold(labels, model.predict_proba(features)[:, 1]), 4),
            "trained_on": f"{args.folder.name}: {len(texts)} sentences",
            "cross_validated": {
                "roc_auc": round(float(np.mean(learned_auc)), 3),
                "f1": round(float(np.mean(learned_f1)), 3),
            },
        }
        WEIGHTS.write_text(json.dumps(weights) + "\n")
        print(f"weights written to {WEIGHTS}")


if __name__ == "__main__":
    main()
