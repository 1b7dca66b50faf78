"""Check-worthiness learned from labelled sentences: logistic regressions over a sentence's words and word
pairs, its character n-grams, its lemmas, part-of-speech tags and entity types (from the parse the extractor
already made) and, in the second model, its sentence embedding. Vocabularies, IDF and weights are trained by
benchmarks/train_checkworthiness.py (with scikit-learn) on public crowd labels (ClaimBuster) and shipped in
nlp/data/checkworthiness.json.gz. Scoring reads them with the few lines below instead of scikit-learn, whose
import alone would cost the daemon ~140 MB.

Rows come in two forms. The semantic model reads scikit-learn's usual l2-normalised rows of sublinear TF-IDF.
The text model, which the extractor runs on every claim's sentence, reads TF-IDF divided by the square root
of the sentence's number of terms in each view: its score is then a sum of per-term weights, a word's
character n-grams add up to one cached number per word, and scoring costs a quarter as much for nearly
the same cross-validated figures (docs/nlp.md).

The extractor scores every claim's sentence with the text model, and an outlet's own statement becomes a
claim when that model finds it check-worthy; analysis with the `semantic` extra rescores claims with the
model that also reads the embedding, from the vector each claim's proposition gets for grouping anyway."""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.tokens import Span

if TYPE_CHECKING:
    from .claims import Claim
    from .extract import Extraction

WEIGHTS = Path(__file__).parent / "data" / "checkworthiness.json.gz"
EMBEDDING_WEIGHT = 2.0  # training scales the embedding's columns against the TF-IDF ones (kept in the file)
WORDS = r"(?u)\b\w\w+\b"
FIELDS = r"\S+"
IOB_INSIDE, IOB_BEGIN = 1, 3  # Token.ent_iob: inside an entity, beginning one
L2, TERMS = "l2", "terms"  # the two forms of a model's rows (see above)
WORD_CACHE = 50_000  # words whose character n-gram weights the text model keeps (~10 MB at most)


@dataclass(frozen=True)
class SentenceSignals:
    """What the parse says about a sentence, as text the learned model reads: lemmas (numbers as NUM),
    fine part-of-speech tags and entity types."""

    lemmas: str = ""
    tags: str = ""
    entities: str = ""


def sentence_signals(span: Span) -> SentenceSignals:
    """The signals of a sentence, in one pass over its tokens. Its entities are those that begin and end
    inside it (what `span.ents` gives, read from the tokens: `span.ents` builds every entity of the whole
    document for each sentence)."""
    lemmas, tags, entities = [], [], []
    current = ""  # the label of an entity begun inside the sentence and not yet ended
    for token in span:
        lemmas.append("NUM" if token.like_num else token.lemma_.lower())
        tags.append(token.tag_)
        if token.ent_iob == IOB_INSIDE:
            continue
        if current:
            entities.append(current)
        current = f"ENT_{token.ent_type_}" if token.ent_iob == IOB_BEGIN and token.ent_type else ""
    doc = span.doc
    if current and (span.end == len(doc) or doc[span.end].ent_iob != IOB_INSIDE):
        entities.append(current)
    return SentenceSignals(" ".join(lemmas), " ".join(tags), " ".join(entities) or "NOENT")


@dataclass(frozen=True)
class View:
    """One TF-IDF block of the model: which text it reads and how it cuts it into terms. Training gives the
    same settings to scikit-learn's TfidfVectorizer; `terms` cuts text the same way."""

    name: str
    ngrams: tuple[int, int]
    min_df: int
    chars: bool = False  # character n-grams inside words, each word padded with a space on both sides
    lowercase: bool = True
    pattern: str = WORDS

    def sklearn_params(self, rows: str) -> dict[str, object]:
        """TfidfVectorizer's settings for this view and a model's `rows`: "l2" (sublinear, l2-normalised) or
        "terms" (raw counts times IDF; training then multiplies each row by `row_scales`, as scoring does)."""
        return {
            "analyzer": "char_wb" if self.chars else "word",
            "ngram_range": self.ngrams,
            "min_df": self.min_df,
            "lowercase": self.lowercase,
            "token_pattern": self.pattern,
            "sublinear_tf": rows == L2,
            "norm": "l2" if rows == L2 else None,
        }

    def row_scales(self, texts: Sequence[str]) -> np.ndarray:
        """What training multiplies each text's "terms" row by: one over the root of its number of terms."""
        return np.array([1.0 / math.sqrt(max(1, len(self.terms(text)))) for text in texts])

    def words(self, text: str) -> list[str]:
        """The whitespace-separated words a chars view cuts into n-grams (lowercased if the view is)."""
        return (text.lower() if self.lowercase else text).split()

    def terms(self, text: str) -> list[str]:
        low, high = self.ngrams
        found: list[str] = []
        if self.chars:
            for word in self.words(text):
                found.extend(_char_grams(word, low, high))
            return found
        tokens = re.findall(self.pattern, text.lower() if self.lowercase else text)
        for n in range(low, high + 1):
            found.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return found


@lru_cache(maxsize=65_536)
def _char_grams(word: str, low: int, high: int) -> tuple[str, ...]:
    """A word's character n-grams, padded with a space on both sides (scikit-learn's `char_wb`); cached
    because news repeats its words."""
    padded = f" {word} "
    found: list[str] = []
    for n in range(low, high + 1):
        if len(padded) <= n:
            found.append(padded)  # a word shorter than n counts once, whole
            break
        found.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(found)


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
    rows: str  # L2 or TERMS

    @cached_property
    def _pairs(self) -> dict[str, tuple[float, float]]:
        """term → (IDF, coefficient) as Python floats: a sentence has a few dozen terms, too few for NumPy."""
        return {term: (float(self.idf[i]), float(self.coef[i])) for term, i in self.index.items()}

    @cached_property
    def _weights(self) -> dict[str, float]:
        """term → IDF × coefficient (TERMS rows)."""
        return {term: float(self.idf[i] * self.coef[i]) for term, i in self.index.items()}

    @cached_property
    def _words(self) -> dict[str, tuple[float, int]]:
        """word → its character n-grams' summed weight and their number (the chars view), filled as met."""
        return {}

    def score(self, text: str) -> float:
        """This block's share of the linear score: its coefficients times the text's row."""
        return self._l2_score(text) if self.rows == L2 else self._terms_score(text)

    def _l2_score(self, text: str) -> float:
        pairs = self._pairs
        dot = squares = 0.0
        for term, count in Counter(self.view.terms(text)).items():
            known = pairs.get(term)
            if known is not None:
                value = (1.0 + math.log(count)) * known[0]
                dot += value * known[1]
                squares += value * value
        return dot / math.sqrt(squares) if squares else 0.0

    def _terms_score(self, text: str) -> float:
        """The summed weights of the text's terms over the root of their number; a word's character n-grams
        are summed once and kept."""
        weights = self._weights
        if not self.view.chars:
            terms = self.view.terms(text)
            return sum(weights.get(term, 0.0) for term in terms) / math.sqrt(len(terms)) if terms else 0.0
        words = self._words
        if len(words) > WORD_CACHE:
            words.clear()  # a daemon meets new words for ever
        total, count = 0.0, 0
        low, high = self.view.ngrams
        for word in self.view.words(text):
            known = words.get(word)
            if known is None:
                grams = _char_grams(word, low, high)
                known = words[word] = (sum(weights.get(g, 0.0) for g in grams), len(grams))
            total += known[0]
            count += known[1]
        return total / math.sqrt(count) if count else 0.0


@dataclass(frozen=True)
class CheckworthinessModel:
    """One logistic regression over the views, and over a sentence embedding when `embedding` names one."""

    blocks: tuple[_Block, ...]
    intercept: float
    threshold: float  # the F1-best cut found in training (inner cross-validation)
    embedding: str | None = None  # the sentence-embedding model the weights were trained with
    embedding_coef: np.ndarray | None = None  # already multiplied by the embedding's training scale

    def score(
        self,
        texts: Sequence[str],
        signals: Sequence[SentenceSignals] | None = None,
        vectors: np.ndarray | None = None,
    ) -> np.ndarray:
        """Probability that each sentence is check-worthy, from its text, its parse and (for a model with an
        embedding part) its vector."""
        signals = signals or [SentenceSignals()] * len(texts)
        linear = np.full(len(texts), self.intercept)
        if self.embedding_coef is not None:
            if vectors is None:
                raise ValueError(f"this model needs the sentences' {self.embedding} vectors")
            linear += np.asarray(vectors, dtype=np.float64) @ self.embedding_coef
        for row, (text, parsed) in enumerate(zip(texts, signals)):
            views = view_texts(text, parsed)
            linear[row] += sum(block.score(views[block.view.name]) for block in self.blocks)
        return 1.0 / (1.0 + np.exp(-linear))

    def score_one(self, text: str, signals: SentenceSignals) -> float:
        """The probability for one sentence, by a model without an embedding part (what the extractor
        scores claims with; in plain Python, which is faster than NumPy for one row)."""
        if self.embedding_coef is not None:
            raise ValueError(f"this model needs the sentence's {self.embedding} vector")
        views = view_texts(text, signals)
        linear = self.intercept + sum(block.score(views[block.view.name]) for block in self.blocks)
        return 1.0 / (1.0 + math.exp(-linear))

    def _kept(self, claim: Claim) -> bool:
        return bool(claim.watchlist) or claim.checkworthiness >= self.threshold

    def rescore(self, extractions: Sequence[Extraction | None], vectors: Mapping[str, np.ndarray]) -> None:
        """Rescore every claim whose proposition has a vector in `vectors` (the vector stands for the
        sentence's: a claim the outlet asserts is its sentence; the words and parse are the sentence's), and
        drop the outlet's own statements this model no longer finds check-worthy: they were claims only
        because the text model did."""
        for extraction in extractions:
            claims = [c for c in extraction.claims if c.proposition in vectors] if extraction else []
            if not claims:
                continue
            scores = self.score(
                [c.sentence or c.text for c in claims],
                [c.signals or SentenceSignals() for c in claims],
                np.vstack([vectors[c.proposition] for c in claims]),
            )
            for claim, score in zip(claims, scores):
                claim.checkworthiness = float(score)
            extraction.claims = [c for c in extraction.claims if c.framing != "asserted" or self._kept(c)]


@dataclass(frozen=True)
class CheckworthinessModels:
    """What is shipped: `text` scores in the extractor from the words and the parse alone; `semantic` adds
    the sentence embedding and rescores claims where analysis embeds them anyway (the `semantic` extra)."""

    text: CheckworthinessModel
    semantic: CheckworthinessModel


def _model(data: Mapping[str, Any], views: Mapping[str, tuple[Mapping[str, int], np.ndarray]]) -> CheckworthinessModel:
    coef = np.array(data["coef"])
    blocks, offset = [], 0
    for view in VIEWS:
        index, idf = views[view.name]
        blocks.append(_Block(view, index, idf, coef[offset : offset + len(index)], data["rows"]))
        offset += len(index)
    embedding = data.get("embedding")
    return CheckworthinessModel(
        tuple(blocks),
        float(data["intercept"]),
        float(data["threshold"]),
        embedding,
        coef[offset:] * float(data["embedding_weight"]) if embedding else None,  # the training scale, folded in
    )


def models_from(data: Mapping[str, Any]) -> CheckworthinessModels:
    """The two models of a weights file's contents (as training writes them)."""
    views = {
        name: ({term: i for i, term in enumerate(view["terms"])}, np.array(view["idf"]))
        for name, view in data["views"].items()
    }
    return CheckworthinessModels(_model(data["text"], views), _model(data["semantic"], views))


@lru_cache(maxsize=1)
def load_checkworthiness_models() -> CheckworthinessModels:
    """The shipped models, read once per process."""
    return models_from(json.loads(gzip.decompress(WEIGHTS.read_bytes())))
