"""Rebuttals an outlet glues onto a reported claim: "…350 billion dollars, a figure that the aid tracker
does not support". The appended phrase is the outlet's voice, not the speaker's: it is cut off the claim
and turns the claim's framing to `refuted`."""

from __future__ import annotations

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
_NEGATING = frozenset({"not", "n't", "never", "no"})


def _disputes(clause: Token) -> bool:
    words = list(clause.subtree)
    negated = any(t.lower_ in _NEGATING for t in words)
    lemmas = {t.lemma_.lower() for t in words}
    affirming = {"support", "back", "confirm", "corroborate", "match", "substantiate"}
    if negated and lemmas & affirming:
        return True  # "that the tracker does not support"
    return bool(lemmas & (DISPUTING - affirming))  # "a figure that historians dispute"


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
