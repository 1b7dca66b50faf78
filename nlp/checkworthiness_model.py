"""Check-worthiness learned from labelled sentences: logistic regression over a sentence's embedding and a
few surface signals, with weights trained by benchmarks/train_checkworthiness.py on public crowd labels
(ClaimBuster) and shipped in nlp/data/checkworthiness.json. It needs the embedding model (the `semantic`
extra); without it the hand-weighted score of nlp/checkworthiness.py stands."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .checkworthiness import HEDGES, MEASURE_WORDS, OPINION_WORDS, PERSONAL
from .embeddings import Embedder
from .extract import Extraction

WEIGHTS = Path(__file__).parent / "data" / "checkworthiness.json"


def surface_features(text: str) -> list[float]:
    """Signals the embedding blurs: figures, measure words, opinion, hedging, person, a question, length."""
    words = re.findall(r"[\w']+", text.casefold())
    count = max(len(words), 1)
    present = set(words)
    return [
        float(bool(re.search(r"\d", text))),
        float(bool(present & MEASURE_WORDS)),
        float(bool(present & OPINION_WORDS)),
        float(bool(present & HEDGES)),
        sum(w in PERSONAL for w in words) / count,
        float(text.strip().endswith("?")),
        min(len(words), 60) / 60,
        float(len(words) < 6),
        float(bool(re.search(r"\b[A-Z][a-z]+", text[1:]))),
    ]


@dataclass(frozen=True)
class CheckworthinessModel:
    model: str  # the embedding model the weights were trained with
    coef: np.ndarray
    intercept: float
    threshold: float

    def score(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Probability that each sentence is check-worthy, from its text and its embedding."""
        features = np.hstack([vectors, np.array([surface_features(t) for t in texts]).reshape(len(texts), -1)])
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))


@lru_cache(maxsize=1)
def load_checkworthiness_model() -> CheckworthinessModel:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return CheckworthinessModel(data["model"], np.array(data["coef"]), float(data["intercept"]), data["threshold"])


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
    sentences = list(dict.fromkeys(claim.sentence or claim.text for claim in claims))
    if not sentences:
        return
    known = dict(vectors or {})
    known.update(embedder.encode_texts(s for s in sentences if s not in known))
    scores = dict(zip(sentences, model.score(sentences, np.vstack([known[s] for s in sentences]))))
    for claim in claims:
        claim.checkworthiness = float(scores[claim.sentence or claim.text])
