"""Train the check-worthiness model and say how good it is: 5-fold cross-validated ROC AUC and F1 on
labelled sentences, beside the hand-weighted rule score in the same run, then fit on all of them and
write what claimwatch ships (nlp/data/checkworthiness.json.gz).

    .venv/bin/python benchmarks/train_checkworthiness.py ../shared/eval/checkworthiness-dev [--write]

Input: `sentences.jsonl` with `{"text", "label"}` (1 = a check-worthy factual sentence), e.g. the
ClaimBuster crowd-labelled development set. Features (nlp/checkworthiness_model.py): TF-IDF of words and
word pairs, character 2–5-grams, lemmas (1–3-grams), part-of-speech tags (1–3-grams) and entity types from
the configured spaCy model, and the sentence's embedding from the configured sentence-transformers model.
Model: logistic regression with balanced classes. In cross-validation every fold's vocabularies, weights
and threshold come from its training part only; the threshold is the one that maximises F1 over an inner
3-fold split of that part.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_curve, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from claimwatch.config import load_config
from claimwatch.nlp.checkworthiness import checkworthiness, sentence_signals
from claimwatch.nlp.checkworthiness_model import EMBEDDING_WEIGHT, VIEWS, WEIGHTS, view_texts
from claimwatch.nlp.embeddings import load_embedder
from claimwatch.nlp.model import load_model

C = 1.0


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return float(thresholds[int(np.argmax(f1[:-1]))])


class Data:
    def __init__(self, texts: list[str], signals: list, vectors: np.ndarray, labels: np.ndarray) -> None:  # type: ignore[type-arg]
        self.texts, self.signals, self.vectors, self.labels = texts, signals, vectors, labels

    def fit(self, rows: np.ndarray) -> tuple[dict, LogisticRegression]:  # type: ignore[type-arg]
        views = [view_texts(self.texts[i], self.signals[i]) for i in rows]
        vectorizers = {v.name: TfidfVectorizer(**v.sklearn_params()).fit([x[v.name] for x in views]) for v in VIEWS}
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        model.fit(self.rows(vectorizers, rows), self.labels[rows])
        return vectorizers, model

    def rows(self, vectorizers: dict, rows: np.ndarray) -> sp.csr_matrix:  # type: ignore[type-arg]
        """The model's input: every view's TF-IDF in VIEWS order, then the scaled embedding (as scored)."""
        views = [view_texts(self.texts[i], self.signals[i]) for i in rows]
        blocks = [vectorizers[v.name].transform([x[v.name] for x in views]) for v in VIEWS]
        blocks.append(sp.csr_matrix(self.vectors[rows].astype(np.float64) * EMBEDDING_WEIGHT))
        return sp.hstack(blocks).tocsr()

    def scores(self, train: np.ndarray, test: np.ndarray) -> np.ndarray:
        vectorizers, model = self.fit(train)
        return model.predict_proba(self.rows(vectorizers, test))[:, 1]

    def threshold(self, rows: np.ndarray) -> float:
        """The F1-best threshold over an inner 3-fold split of `rows`."""
        inner = np.zeros(len(rows))
        for a, b in StratifiedKFold(3, shuffle=True, random_state=1).split(rows, self.labels[rows]):
            inner[b] = self.scores(rows[a], rows[b])
        return best_threshold(self.labels[rows], inner)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder with sentences.jsonl")
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {WEIGHTS}")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (args.folder / "sentences.jsonl").read_text().splitlines() if line.strip()]
    texts, labels = [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])
    settings = load_config()
    embedder = load_embedder(settings.semantic.model, settings.semantic.batch_size)
    nlp = load_model(settings.nlp.model)
    docs = list(nlp.pipe(texts, batch_size=64))
    data = Data(texts, [sentence_signals(doc[:]) for doc in docs], embedder.encode(texts), labels)
    rules = np.array([checkworthiness(doc[:], attributed=False) for doc in docs])

    learned_auc, learned_f1, rule_auc, rule_f1 = [], [], [], []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        scores = data.scores(train, test)
        learned_auc.append(roc_auc_score(labels[test], scores))
        learned_f1.append(f1_score(labels[test], scores >= data.threshold(train)))
        rule_threshold = best_threshold(labels[train], rules[train])
        rule_auc.append(roc_auc_score(labels[test], rules[test]))
        rule_f1.append(f1_score(labels[test], rules[test] >= rule_threshold))
    print(
        f"{len(texts)} sentences, {labels.sum()} check-worthy; 5-fold cross-validation (thresholds from training folds)"
    )
    for label, auc, f1 in (
        ("learned model (n-grams, parse, embedding)", learned_auc, learned_f1),
        ("hand-weighted rule score (baseline)", rule_auc, rule_f1),
    ):
        print(
            f"  {label:45} ROC AUC {np.mean(auc):.4f} (folds {min(auc):.3f}–{max(auc):.3f})  "
            f"F1 {np.mean(f1):.4f} (folds {min(f1):.3f}–{max(f1):.3f})"
        )

    if args.write:
        everything = np.arange(len(texts))
        vectorizers, model = data.fit(everything)
        shipped = {
            "model": settings.semantic.model,
            "views": {
                name: {
                    "terms": sorted(fitted.vocabulary_, key=fitted.vocabulary_.__getitem__),
                    "idf": [round(float(x), 5) for x in fitted.idf_],
                }
                for name, fitted in vectorizers.items()
            },
            "embedding_weight": EMBEDDING_WEIGHT,
            "coef": [round(float(c), 6) for c in model.coef_[0]],
            "intercept": float(model.intercept_[0]),
            "threshold": round(data.threshold(everything), 4),
            "trained_on": f"{args.folder.name}: {len(texts)} sentences",
            "cross_validated": {
                "roc_auc": round(float(np.mean(learned_auc)), 3),
                "f1": round(float(np.mean(learned_f1)), 3),
            },
        }
        WEIGHTS.write_bytes(gzip.compress(json.dumps(shipped).encode(), mtime=0))
        print(f"model written to {WEIGHTS} ({WEIGHTS.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
