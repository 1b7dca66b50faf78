"""Check-worthiness learned from labelled sentences: a logistic regression over the sentence's words and
word pairs, its character n-grams, its lemmas, part-of-speech tags and entity types (from the parse the
extractor already made) and its embedding. Vocabularies, IDF and weights are trained by
benchmarks/train_checkworthiness.py (with scikit-learn) on public crowd labels (ClaimBuster) and shipped in
nlp/data/checkworthiness.json.gz. Scoring reads them with the few lines below instead of scikit-learn, whose
import alone would cost the daemon ~140 MB. It needs the embedding model (the `semantic` extra); without it
the hand-weighted score of nlp/checkworthiness.py stands."""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .checkworthiness import SentenceSignals
from .embeddings import Embedder
from .extract import Extraction

WEIGHTS = Path(__file__).parent / "data" / "checkworthiness.json.gz"
EMBEDDING_WEIGHT = 2.0  # training scales the embedding's columns against the TF-IDF ones (kept in the file)
WORDS = r"(?u)\b\w\w+\b"
FIELDS = r"\S+"


@dataclass(frozen=True)
class View:
    """One TF-IDF block of the model: which text it reads and how it cuts it into terms. Training gives the
    same settings to scikit-learn's TfidfVectorizer (sublinear tf, l2 rows); `terms` cuts text the same way."""

    name: str
    ngrams: tuple[int, int]
    min_df: int
    chars: bool = False  # character n-grams inside words, each word padded with a space on both sides
    lowercase: bool = True
    pattern: str = WORDS

    def sklearn_params(self) -> dict[str, object]:
        return {
            "analyzer": "char_wb" if self.chars else "word",
            "ngram_range": self.ngrams,
            "min_df": self.min_df,
            "lowercase": self.lowercase,
            "token_pattern": self.pattern,
            "sublinear_tf": True,
        }

    def terms(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        low, high = self.ngrams
        found: list[str] = []
        if self.chars:
            for word in text.split():
                padded = f" {word} "
                for n in range(low, high + 1):
                    if len(padded) <= n:
                        found.append(padded)  # a word shorter than n counts once, whole
                        break
                    found.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
            return found
        tokens = re.findall(self.pattern, text)
        for n in range(low, high + 1):
            found.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return found


VIEWS = (
    View("words", (1, 2), 2),
    View("lemmas", (1, 3), 2),
    View("chars", (2, 5), 3, chars=True),
    View("tags", (1, 3), 3, lowercase=False, pattern=FIELDS),
    View("entities", (1, 1), 1, lowercase=False, pattern=FIELDS),
)


def view_texts(text: str, signals: SentenceSignals) -> dict[str, str]:
    return {
        "words": text,
        "lemmas": signals.lemmas,
        "chars": text,
        "tags": signals.tags,
        "entities": signals.entities or "NOENT",
    }


@dataclass(frozen=True)
class _Block:
    view: View
    index: Mapping[str, int]  # term → column in this block
    idf: np.ndarray
    coef: np.ndarray

    def score(self, text: str) -> float:
        """This block's share of the linear score: its coefficients times the text's l2-normalised
        sublinear TF-IDF."""
        counts = Counter(t for t in self.view.terms(text) if t in self.index)
        if not counts:
            return 0.0
        columns = [self.index[t] for t in counts]
        values = np.array([1.0 + math.log(c) for c in counts.values()]) * self.idf[columns]
        norm = float(np.sqrt(values @ values))
        return float(values @ self.coef[columns]) / norm if norm else 0.0


@dataclass(frozen=True)
class CheckworthinessModel:
    model: str  # the embedding model the weights were trained with
    blocks: tuple[_Block, ...]
    embedding_coef: np.ndarray  # already multiplied by the embedding's training scale
    intercept: float
    threshold: float

    def score(
        self, texts: Sequence[str], vectors: np.ndarray, signals: Sequence[SentenceSignals] | None = None
    ) -> np.ndarray:
        """Probability that each sentence is check-worthy, from its text, its parse and its embedding."""
        signals = signals or [SentenceSignals()] * len(texts)
        linear = np.asarray(vectors, dtype=np.float64) @ self.embedding_coef + self.intercept
        for row, (text, parsed) in enumerate(zip(texts, signals)):
            views = view_texts(text, parsed)
            linear[row] += sum(block.score(views[block.view.name]) for block in self.blocks)
        return 1.0 / (1.0 + np.exp(-linear))


@lru_cache(maxsize=1)
def load_checkworthiness_model() -> CheckworthinessModel:
    data = json.loads(gzip.decompress(WEIGHTS.read_bytes()))
    coef = np.array(data["coef"])
    blocks, offset = [], 0
    for view in VIEWS:
        terms = data["views"][view.name]["terms"]
        index = {term: i for i, term in enumerate(terms)}
        blocks.append(
            _Block(view, index, np.array(data["views"][view.name]["idf"]), coef[offset : offset + len(terms)])
        )
        offset += len(terms)
    return CheckworthinessModel(
        data["model"],
        tuple(blocks),
        coef[offset:] * data["embedding_weight"],  # the scale the embedding was trained at, folded in
        float(data["intercept"]),
        data["threshold"],
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
