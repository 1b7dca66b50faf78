"""Matching claims to fact-checks, two ways.

By meaning and words (the `semantic` extra): the claim's nearest fact-checks by sentence embedding are
re-scored with a words signal, `fuse`: (1 − w)·cosine + w·overlap, where overlap is the share of the
fact-check's content terms (claim + headline) that the claim uses, and w is `[semantic] word_weight` (0.3).

By words only (the fallback): retrieval (store/factcheck_search.py) asks the database's full-text index for
the claim's content words plus their synonyms ("began" also finds "started", "Kyiv" also "Ukraine").
Re-scoring then combines three signals on normalised terms: how much of the claim's content the
fact-check's claim and headline cover (weighted 0.5), the retrieval score relative to the best candidate
(0.3), and shared names (0.2); a negation in only one of the two claims costs 0.15. Scores are in 0..1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being has have had do
    does did this that these those it its their there here than then so such not no nor very can could would
    should will shall may might must about into over after before during while who whom which what when where
    why how all any both each few more most other some own same too just also only says said claim claims
    claimed that s t against between through under within upon across via""".split()
)
SYNONYMS: dict[str, str] = {}
for canonical, words in {
    "start": "start started starting starts begin began begun beginning begins launch launched launching provoke "
    "provoked provoking initiate initiated unleash unleashed trigger triggered instigate instigated",
    "war": "war wars conflict conflicts invasion invaded invade fighting hostilities aggression",
    "ukraine": "ukraine ukrainian ukrainians kyiv kiev",
    "russia": "russia russian russians kremlin moscow",
    "us": "us usa america american americans washington",
    "zelensky": "zelensky zelenskyy zelenskiy zelenskyi",
}.items():
    for word in words.split():
        SYNONYMS[word] = canonical
NEGATIONS = frozenset(
    {"not", "no", "never", "didn", "didnt", "doesn", "isn", "wasn", "without", "n't", "refused", "refuses", "failed"}
)


def _stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    """Normalised content terms: case folded, synonyms merged, stop words dropped, lightly stemmed."""
    words = re.findall(r"[\w']+", text.casefold().replace("’", "'"))
    out = []
    for word in words:
        word = word.removesuffix("'s")
        if word in SYNONYMS:
            out.append(SYNONYMS[word])
        elif word not in STOPWORDS and not word.isdigit() or (word.isdigit() and len(word) == 4):
            out.append(_stem(word))
    return out


def query_words(text: str) -> list[str]:
    """Words to send to the full-text index: the content words and, for known terms, their synonyms."""
    words = {w for w in re.findall(r"[\w]+", text.casefold()) if w not in STOPWORDS and len(w) > 1}
    expanded = set(words)
    for word in words:
        canonical = SYNONYMS.get(word)
        if canonical:
            expanded.update(w for w, c in SYNONYMS.items() if c == canonical)
    return sorted(expanded)


@lru_cache(maxsize=8192)  # grouping asks it of the same wordings again and again
def negated(text: str) -> bool:
    """Whether a claim is worded as a denial ("did not start the war"): such a claim never joins its opposite."""
    return any(w in NEGATIONS for w in re.findall(r"[\w']+", text.casefold().replace("n't", " not")))


@lru_cache(maxsize=8192)
def _names(text: str) -> frozenset[str]:
    return frozenset(SYNONYMS.get(w.casefold(), w.casefold()) for w in re.findall(r"\b[A-Z][\w'’-]+", text))


@dataclass(frozen=True)
class Candidate:
    factcheck_id: int
    claim: str  # the claim the fact-check reviewed
    title: str  # its headline, often the verdict ("No, Ukraine did not start the war")
    retrieval_score: float


def rescore(claim: str, candidates: Sequence[Candidate]) -> list[tuple[Candidate, float]]:
    """Candidates with their match scores, best first."""
    if not candidates:
        return []
    claim_terms = set(terms(claim))
    claim_names = _names(claim) - {"The", "A"}
    best = max(c.retrieval_score for c in candidates) or 1.0
    scored = []
    for candidate in candidates:
        both = f"{candidate.claim} {candidate.title}"
        check_terms = set(terms(both))
        coverage = len(claim_terms & check_terms) / len(claim_terms) if claim_terms else 0.0
        names = len(claim_names & _names(both)) / len(claim_names) if claim_names else 0.0
        score = 0.5 * coverage + 0.3 * (candidate.retrieval_score / best) + 0.2 * names
        if negated(claim) != negated(candidate.claim):  # a headline's "No, …" is the verdict, not the claim
            score -= 0.15
        scored.append((candidate, max(0.0, min(1.0, score))))
    scored.sort(key=lambda pair: -pair[1])
    return scored


def overlap(claim: str, checked: str) -> float:
    """Share of the content terms of `checked` (a fact-check's claim and headline) that `claim` uses too."""
    wanted = set(terms(checked))
    return len(wanted & set(terms(claim))) / len(wanted) if wanted else 0.0


def fuse(cosine: float, claim: str, candidate: Candidate, word_weight: float) -> float:
    """The match score by meaning and words, in 0..1 (see the module's docstring)."""
    words = overlap(claim, f"{candidate.claim} {candidate.title}")
    return max(0.0, min(1.0, (1 - word_weight) * cosine + word_weight * words))


@lru_cache(maxsize=8192)
def figures(text: str) -> frozenset[str]:
    """The numbers a claim states, as written without thousands separators."""
    return frozenset(m.replace(",", "") for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text))


def same_proposition(a: str, b: str) -> bool:
    """Whether two wordings close in meaning may still be one claim: sentence embeddings see "Ukraine did
    not start the war", "Russia started the war" and "Ukraine got 100 billion" as near "Ukraine started the
    war" and "Ukraine got 350 billion", so the polarity, the figures and (when both name someone) at least
    one name must agree."""
    if negated(a) != negated(b) or figures(a) != figures(b):
        return False
    names_a, names_b = _names(a) - {"The", "A"}, _names(b) - {"The", "A"}
    return not (names_a and names_b) or bool(names_a & names_b)
