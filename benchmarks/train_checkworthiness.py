"""Train the check-worthiness models and say how good they are: 5-fold cross-validated ROC AUC and F1 on
labelled sentences — of the models on the sentences, and of what claimwatch reports through its extractor
(a sentence's score is its best claim's, 0 when it yields no claim) — beside the hand-weighted rule score
in the same run; then fit on all of them and write what claimwatch ships (nlp/data/checkworthiness.json.gz).

    .venv/bin/python benchmarks/train_checkworthiness.py ../shared/eval/checkworthiness-dev [--write]

Input: `sentences.jsonl` with `{"text", "label"}` (1 = a check-worthy factual sentence), e.g. the
ClaimBuster crowd-labelled development set. Features (nlp/checkworthiness_model.py): TF-IDF of words and
word pairs, character 2–5-grams, lemmas (1–3-grams), part-of-speech tags (1–3-grams) and entity types from
the configured spaCy model; the `semantic` model adds the sentence's embedding from the configured
sentence-transformers model. Models: logistic regressions with balanced classes; the text model reads rows
scaled by their number of terms (cheap to score in the extractor), the semantic model l2-normalised rows of
sublinear TF-IDF (nlp/checkworthiness_model.py says why). Two baselines in the same run: a plain TF-IDF
logistic regression on words (scikit-learn's defaults) and the hand-weighted rule score. In cross-validation every
fold's vocabularies, weights and thresholds come from its training part only; a threshold is the one that
maximises F1 over an inner 3-fold split of that part. Through the extractor, the `semantic` model reads the
vector of each claim's proposition, as analysis does.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from checkworthiness_eval import best_claim
from rule_checkworthiness import checkworthiness
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_curve, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from spacy.language import Language

from claimwatch.config import load_config
from claimwatch.nlp.checkworthiness_model import (
    EMBEDDING_WEIGHT,
    L2,
    TERMS,
    VIEWS,
    WEIGHTS,
    CheckworthinessModels,
    models_from,
    sentence_signals,
    view_texts,
)
from claimwatch.nlp.embeddings import Embedder, load_embedder
from claimwatch.nlp.extract import Extractor
from claimwatch.nlp.model import load_model

# model → (its rows, its regularisation C, whether it reads the embedding); C chosen by this script's CV
MODELS = {"text": (TERMS, 0.3, False), "semantic": (L2, 1.0, True)}
Vectorizers = dict[str, dict[str, TfidfVectorizer]]  # rows → view → fitted
Fitted = tuple[Vectorizers, dict[str, LogisticRegression]]


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return float(thresholds[int(np.argmax(f1[:-1]))])


class Data:
    def __init__(self, texts: list[str], signals: list, vectors: np.ndarray, labels: np.ndarray) -> None:  # type: ignore[type-arg]
        self.texts, self.signals, self.vectors, self.labels = texts, signals, vectors, labels

    def vectorizers(self, rows: np.ndarray, forms: tuple[str, ...] = (L2, TERMS)) -> Vectorizers:
        """Each view fitted for each of `forms` of rows (the same vocabularies and IDF: only the rows
        differ); a cross-validation fold fits only the form of the model it scores."""
        views = [view_texts(self.texts[i], self.signals[i]) for i in rows]
        return {
            form: {v.name: TfidfVectorizer(**v.sklearn_params(form)).fit([x[v.name] for x in views]) for v in VIEWS}
            for form in forms
        }

    def fit(self, vectorizers: Vectorizers, rows: np.ndarray, model: str) -> LogisticRegression:
        fitted = LogisticRegression(C=MODELS[model][1], max_iter=5000, class_weight="balanced")
        return fitted.fit(self.rows(vectorizers, rows, model), self.labels[rows])

    def rows(self, vectorizers: Vectorizers, rows: np.ndarray, model: str) -> sp.csr_matrix:
        """The model's input: every view's TF-IDF rows in the model's form, in VIEWS order, then (semantic)
        the scaled embedding."""
        form, _c, semantic = MODELS[model]
        views = [view_texts(self.texts[i], self.signals[i]) for i in rows]
        blocks = []
        for v in VIEWS:
            texts = [x[v.name] for x in views]
            tfidf = vectorizers[form][v.name].transform(texts)
            blocks.append(sp.diags(v.row_scales(texts)) @ tfidf if form == TERMS else tfidf)
        if semantic:
            blocks.append(sp.csr_matrix(self.vectors[rows].astype(np.float64) * EMBEDDING_WEIGHT))
        return sp.hstack(blocks).tocsr()

    def scores(self, train: np.ndarray, test: np.ndarray, model: str) -> np.ndarray:
        vectorizers = self.vectorizers(train, (MODELS[model][0],))
        fitted = self.fit(vectorizers, train, model)
        return fitted.predict_proba(self.rows(vectorizers, test, model))[:, 1]

    def threshold(self, rows: np.ndarray, model: str) -> float:
        """The F1-best threshold over an inner 3-fold split of `rows`."""
        inner = np.zeros(len(rows))
        for a, b in StratifiedKFold(3, shuffle=True, random_state=1).split(rows, self.labels[rows]):
            inner[b] = self.scores(rows[a], rows[b], model)
        return best_threshold(self.labels[rows], inner)

    def shipped(self, rows: np.ndarray, embedding: str) -> tuple[dict[str, Any], Fitted]:
        """Both models fitted on `rows`, in the weights file's format and as fitted (to score held-out rows)."""
        vectorizers = self.vectorizers(rows)
        shipped: dict[str, Any] = {
            "views": {
                name: {
                    "terms": sorted(fitted.vocabulary_, key=fitted.vocabulary_.__getitem__),
                    "idf": [round(float(x), 5) for x in fitted.idf_],
                }
                for name, fitted in vectorizers[L2].items()
            }
        }
        fitted: dict[str, LogisticRegression] = {}
        for name, (form, _c, semantic) in MODELS.items():
            fitted[name] = model = self.fit(vectorizers, rows, name)
            shipped[name] = {
                "rows": form,
                "coef": [round(float(c), 6) for c in model.coef_[0]],
                "intercept": float(model.intercept_[0]),
                "threshold": round(self.threshold(rows, name), 4),
                **({"embedding": embedding, "embedding_weight": EMBEDDING_WEIGHT} if semantic else {}),
            }
        return shipped, (vectorizers, fitted)


def plain_baseline(
    texts: list[str], labels: np.ndarray, train: np.ndarray, test: np.ndarray
) -> tuple[np.ndarray, float]:
    """A plain TF-IDF logistic regression on words (scikit-learn's defaults, balanced classes): held-out
    scores and the F1-best threshold of an inner 3-fold split of `train`."""

    def scores(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        vectorizer = TfidfVectorizer().fit([texts[i] for i in a])
        model = LogisticRegression(max_iter=5000, class_weight="balanced")
        model.fit(vectorizer.transform([texts[i] for i in a]), labels[a])
        return model.predict_proba(vectorizer.transform([texts[i] for i in b]))[:, 1]

    inner = np.zeros(len(train))
    for a, b in StratifiedKFold(3, shuffle=True, random_state=1).split(train, labels[train]):
        inner[b] = scores(train[a], train[b])
    return scores(train, test), best_threshold(labels[train], inner)


def through_extractor(
    models: CheckworthinessModels, nlp: Language, embedder: Embedder, texts: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's score as claimwatch reports it — its best claim's check-worthiness, 0 without a
    claim — from `claimwatch extract` (text model) and from analysis (rescored with the embedding)."""
    settings = load_config()
    extractor = Extractor(nlp, settings.actors, settings.watchlist, batch_size=64, checkworthiness=models.text)
    extractions = list(extractor.extract_many(texts))
    text = best_claim(extractions)
    vectors = embedder.encode_texts(c.proposition for e in extractions for c in e.claims)
    models.semantic.rescore(extractions, vectors)
    semantic = best_claim(extractions)
    return text, semantic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder with sentences.jsonl")
    parser.add_argument("--write", action="store_true", help=f"write the fitted models to {WEIGHTS}")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (args.folder / "sentences.jsonl").read_text().splitlines() if line.strip()]
    texts, labels = [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])
    settings = load_config()
    # the model's own (float32) vectors; on the bundled news sentences the shipped weights score the same
    # reading int8 ones (docs/factchecks.md, "The encoder's precision")
    embedder = load_embedder(settings.semantic.model, settings.semantic.batch_size, "float32")
    nlp = load_model(settings.nlp.model)
    docs = list(nlp.pipe(texts, batch_size=64))
    data = Data(texts, [sentence_signals(doc[:]) for doc in docs], embedder.encode(texts), labels)
    rules = np.array([checkworthiness(doc[:], attributed=False) for doc in docs])

    results: dict[str, tuple[list[float], list[float]]] = {}

    def record(name: str, test: np.ndarray, scores: np.ndarray, threshold: float) -> None:
        auc, f1 = results.setdefault(name, ([], []))
        auc.append(roc_auc_score(labels[test], scores))
        f1.append(f1_score(labels[test], scores >= threshold))

    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        shipped, (vectorizers, fitted) = data.shipped(train, embedder.name)
        for name in MODELS:
            scores = fitted[name].predict_proba(data.rows(vectorizers, test, name))[:, 1]
            record(f"{name} model on sentences", test, scores, shipped[name]["threshold"])
        models = models_from(shipped)
        via_text, via_semantic = through_extractor(models, nlp, embedder, [texts[i] for i in test])
        record("extract: best claim, text model", test, via_text, models.text.threshold)
        record("analyze: best claim, semantic model", test, via_semantic, models.semantic.threshold)
        record("plain TF-IDF LR on words (baseline)", test, *plain_baseline(texts, labels, train, test))
        record("hand-weighted rule score (baseline)", test, rules[test], best_threshold(labels[train], rules[train]))
    print(f"{len(texts)} sentences, {labels.sum()} check-worthy; 5-fold CV, thresholds from the training folds")
    for name, (auc, f1) in results.items():
        print(
            f"  {name:38} ROC AUC {np.mean(auc):.4f} (folds {min(auc):.3f}–{max(auc):.3f})  "
            f"F1 {np.mean(f1):.4f} (folds {min(f1):.3f}–{max(f1):.3f})"
        )

    if args.write:
        shipped, _fitted = data.shipped(np.arange(len(texts)), embedder.name)
        shipped["trained_on"] = f"{args.folder.name}: {len(texts)} sentences"
        shipped["cross_validated"] = {
            name: {"roc_auc": round(float(np.mean(auc)), 3), "f1": round(float(np.mean(f1)), 3)}
            for name, (auc, f1) in results.items()
        }
        WEIGHTS.write_bytes(gzip.compress(json.dumps(shipped).encode(), mtime=0))
        print(f"models written to {WEIGHTS} ({WEIGHTS.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
