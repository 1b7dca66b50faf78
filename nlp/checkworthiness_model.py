"""Check-worthiness learned from labelled sentences: a logistic regression over the sentence's words and
word pairs, its character n-grams, its lemmas, part-of-speech tags and entity types (from the parse the
extractor already made) and its embedding. Weights, vocabularies and IDF are trained by
benchmarks/train_checkworthiness.py on public crowd labels (ClaimBuster) and shipped in
nlp/data/checkworthiness.json.gz. It needs the embedding model (the `semantic` extra); without it the
hand-weighted score of nlp/checkworthiness.py stands."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .checkworthiness import SentenceSignals
from .embeddings import Embedder
from .extract import Extraction

if TYPE_CHECKING:  # scikit-learn and SciPy come with the semantic extra, imported when a model is used
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

WEIGHTS = Path(__file__).parent / "data" / "checkworthiness.json.gz"
# Each view: the text it reads and how it is cut into terms; training and scoring share this table.
VIEWS: dict[str, dict[str, object]] = {
    "words": {"ngram_range": (1, 2), "min_df": 2},
    "lemmas": {"ngram_range": (1, 3), "min_df": 2},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3},
    "tags": {"ngram_range": (1, 3), "min_df": 3, "token_pattern": r"\S+", "lowercase": False},
    "entities": {"token_pattern": r"\S+", "lowercase": False},
}
EMBEDDING_WEIGHT = 2.0  # the embedding's columns are scaled against the sparse TF-IDF ones


def view_texts(text: str, signals: SentenceSignals) -> dict[str, str]:
    return {
        "words": text,
        "lemmas": signals.lemmas,
        "chars": text,
        "tags": signals.tags,
        "entities": signals.entities or "NOENT",
    }


def vectorizer(view: str, vocabulary: Mapping[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, vocabulary=vocabulary, **VIEWS[view])  # type: ignore[arg-type]


def features(
    vectorizers: Mapping[str, TfidfVectorizer],
    texts: Sequence[str],
    signals: Sequence[SentenceSignals],
    vectors: np.ndarray,
) -> sp.csr_matrix:
    """The model's input rows: every view's TF-IDF, then the scaled embedding."""
    import scipy.sparse as sp

    views = [view_texts(t, s) for t, s in zip(texts, signals)]
    blocks = [vectorizers[name].transform([v[name] for v in views]) for name in VIEWS]
    blocks.append(sp.csr_matrix(np.asarray(vectors, dtype=np.float64) * EMBEDDING_WEIGHT))
    return sp.hstack(blocks).tocsr()


@dataclass(frozen=True)
class CheckworthinessModel:
    model: str  # the embedding model the weights were trained with
    vectorizers: Mapping[str, TfidfVectorizer]
    coef: np.ndarray
    intercept: float
    threshold: float

    def score(
        self, texts: list[str], vectors: np.ndarray, signals: Sequence[SentenceSignals] | None = None
    ) -> np.ndarray:
        """Probability that each sentence is check-worthy, from its text, its parse and its embedding."""
        rows = features(self.vectorizers, texts, signals or [SentenceSignals()] * len(texts), vectors)
        return 1.0 / (1.0 + np.exp(-(rows @ self.coef + self.intercept)))


@lru_cache(maxsize=1)
def load_checkworthiness_model() -> CheckworthinessModel:
    data = json.loads(gzip.decompress(WEIGHTS.read_bytes()))
    vectorizers = {}
    for name in VIEWS:
        view = data["views"][name]
        fitted = vectorizer(name, {term: i for i, term in enumerate(view["terms"])})
        fitted.idf_ = np.array(view["idf"])
        vectorizers[name] = fitted
    return CheckworthinessModel(
        data["model"], vectorizers, np.array(data["coef"]), float(data["intercept"]), data["threshold"]
    )


def rescore(
    extractions: Sequence[Extraction | None], embedder: Embedder, vectors: Mapping[str, np.ndarray] | None = None
) -> None:
    """Replace the hand-weighted check-worthiness of every claim with the learned model's, scoring each
    claim's sentence (its vector taken from `vectors` when there, else encoded); a no-op when the weights
    were trained with another embedding model."""
    model = load_checkworthiness_model()
    if model.model != embedder.name:
        return
    claims = [claim for extraction in extractions if extraction for claim in extraction.claims]
    parsed: dict[str, SentenceSignals] = {}
    for claim in claims:
        parsed.setdefault(claim.sentence or claim.text, claim.signals or SentenceSignals())
    sentences = list(parsed)
    if not sentences:
        return
    known = dict(vectors or {})
    known.update(embedder.encode_texts(s for s in sentences if s not in known))
    scores = model.score(sentences, np.vstack([known[s] for s in sentences]), [parsed[s] for s in sentences])
    by_sentence = dict(zip(sentences, scores))
    for claim in claims:
        claim.checkworthiness = float(by_sentence[claim.sentence or claim.text])
