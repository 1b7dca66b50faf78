"""The hand-weighted check-worthiness score claimwatch used before the learned model: the baseline that
benchmarks/train_checkworthiness.py and checkworthiness_eval.py print beside it.

A transparent additive score over features that the check-worthiness literature (ClaimBuster, CheckThat!)
found predictive, with weights set by hand, not fitted: quantities and figures, named entities, factual
verb tense, comparisons and measurable change push it up; opinion, hedging, questions, first and second
person and very short sentences push it down. benchmarks/checkworthiness_eval.py measures it on a small
labelled set.
"""

from __future__ import annotations

from spacy.tokens import Span

BASE = 0.3
QUANTITY_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "DATE", "ORDINAL"})
MEASURE_WORDS = frozenset(
    """percent billion million thousand increase increased decrease decreased rise rose fell fall doubled
    tripled killed died deaths casualties record highest lowest majority half third quarter""".split()
)
OPINION_WORDS = frozenset(
    """strange absurd terrible great wonderful disgraceful shameful ridiculous beautiful bad good best worst
    believe feel hope wish love hate should must""".split()
)
HEDGES = frozenset({"may", "might", "could", "perhaps", "possibly", "maybe"})
PERSONAL = frozenset({"i", "we", "you", "me", "us", "our", "my", "your"})


def checkworthiness(span: Span, *, attributed: bool) -> float:
    """Score the sentence or clause `span`; `attributed` when someone is reported as saying it."""
    words = [t for t in span if not t.is_punct and not t.is_space]
    lowered = {t.lower_ for t in words}
    score = BASE
    if any(e.label_ in QUANTITY_LABELS for e in span.ents) or any(t.like_num for t in words):
        score += 0.25
    if any(e.label_ in ("PERSON", "ORG", "GPE", "NORP") for e in span.ents):
        score += 0.1
    if any(t.tag_ in ("VBD", "VBZ", "VBN") for t in words):
        score += 0.1
    if attributed:
        score += 0.05
    if lowered & MEASURE_WORDS:
        score += 0.1
    if any(t.tag_ in ("JJR", "JJS", "RBR", "RBS") for t in words):
        score += 0.05
    if lowered & OPINION_WORDS:
        score -= 0.1
    if lowered & HEDGES:
        score -= 0.1
    if lowered & PERSONAL:
        score -= 0.15
    if span.text.rstrip().endswith("?"):
        score -= 0.3
    if len(words) < 6:
        score -= 0.2
    return min(1.0, max(0.0, score))
