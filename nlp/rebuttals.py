"""Rebuttals an outlet glues onto a reported claim: "…350 billion dollars, a figure that the aid tracker
does not support". The appended phrase is the outlet's voice, not the speaker's: it is cut off the claim
and turns the claim's framing to `refuted`."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span, Token

# Nouns an outlet uses to point back at what was just said.
REBUTTAL_HEADS = frozenset(
    """figure number claim assertion statement allegation estimate number total sum amount account version
    characterisation characterization description""".split()
)
DISPUTING = frozenset(
    """support back confirm corroborate match substantiate contradict dispute disputed refute debunk reject
    deny false misleading inaccurate wrong exaggerated unsupported unfounded""".split()
)
AFFIRMING = frozenset({"support", "back", "confirm", "corroborate", "match", "substantiate"})
_NEGATING = frozenset({"not", "n't", "never", "no"})


def _affirms(words: Sequence[Token]) -> bool:
    """Whether `words` hold a verb that would vouch for a claim: "support", "confirm", … or "bear out"."""
    return any(
        t.lemma_.lower() in AFFIRMING
        or (t.lemma_ == "bear" and any(c.dep_ == "prt" and c.lower_ == "out" for c in t.children))
        for t in words
    )


def _negated(words: Sequence[Token]) -> bool:
    return any(t.lower_ in _NEGATING for t in words)


def _disputes(clause: Token) -> bool:
    words = list(clause.subtree)
    if _negated(words) and _affirms(words):
        return True  # "that the tracker does not support", "that the records do not bear out"
    return bool({t.lemma_.lower() for t in words} & (DISPUTING - AFFIRMING))  # "a figure that historians dispute"


def rebuttal_in(span: Span) -> Span | None:
    """The rebuttal phrase inside `span` (an apposition headed by a pointing noun whose relative clause
    disputes it), from its comma or dash to the end of the span; None when there is none."""
    for token in span:
        if token.dep_ != "appos" or token.lemma_.lower() not in REBUTTAL_HEADS:
            continue
        if not any(c.dep_ in ("relcl", "acl") and _disputes(c) for c in token.children):
            continue
        start = token.left_edge.i
        while start > span.start and (span.doc[start - 1].is_punct or span.doc[start - 1].is_space):
            start -= 1
        if start > span.start:
            return span.doc[start : span.end]
    return None


# What an outlet says of a claim it has named: "X's claim that S [is false]", "[is not supported by] …".
FALSE_WORDS = frozenset("false wrong untrue incorrect inaccurate misleading baseless unfounded groundless".split())
TRUE_WORDS = frozenset("true accurate correct right".split())
REFUTING_VERBS = frozenset("debunk refute disprove contradict discredit".split())


def judged_false(words: Sequence[Token]) -> bool:
    """Whether `words` (a predicate and its own children) say something is false: "is false", "is not
    true", "was wrong", "is not supported by its filings", "is not borne out", "has been debunked" — in the
    indicative: a modal makes it a judgement or a supposition."""
    if any(t.tag_ == "MD" for t in words):
        return False  # "That should never be true", "it would be wrong to"
    lemmas = {t.lemma_.lower() for t in words}
    unvouched = _negated(words) and (bool(lemmas & TRUE_WORDS) or _affirms(words))
    return bool(lemmas & FALSE_WORDS or lemmas & REFUTING_VERBS or unvouched)


def disputed_subject(noun: Token) -> bool:
    """Whether the claim `noun` names is the subject of a predicate that calls it false ("The claim by a
    senior official that S is wrong"): the predicate, its complement and its negation, not the clause S."""
    if noun.dep_ not in ("nsubj", "nsubjpass"):
        return False
    predicate = noun.head
    words = [predicate, *(c for c in predicate.children if c.dep_ in ("acomp", "attr", "neg", "auxpass", "aux", "prt"))]
    return judged_false(words)


def false_tail(span: Span) -> int | None:
    """The index where a clause ends in a verdict the small model parsed into it ("the flu shot causes the
    flu [is false]"): a form of "be", perhaps "not", and a word of falsehood closing `span`; None without."""
    words = [t for t in span if not (t.is_punct or t.is_space)]
    for size in (2, 3):
        tail = words[-size:]
        if len(words) > size and tail[0].lemma_ == "be" and judged_false(tail) and tail[-1].pos_ == "ADJ":
            return tail[0].i
    return None
