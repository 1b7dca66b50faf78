"""Quotes: what was said, by whom, with which cue, as direct, mixed or indirect speech.

Rules in the spirit of textacy's direct-quotation triples and BBC R&D's Citron cue/source/content model:
quotation marks are paired first (quotemarks.py); each quotation is attributed through the dependency
parse to a cue verb (an ancestor of the quoted words, a verb attached inside them, or one in the same
sentence) and the cue's subject is the speaker. A quotation split by its attribution ("A," he said. "B.")
is one quote; a quotation in the next paragraph with no attribution of its own continues the speaker.
Reported clauses without quotation marks ("X said that …", "according to X, …") are indirect quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .actors import Actor
from .quotemarks import Quotation
from .rebuttals import rebuttal_in
from .speakers import (
    CLAUSE_CUES,
    Speaker,
    SpeakerResolver,
    is_cue,
    opens_with_that,
    parenthetical_aside,
    subject_of,
)

# Nouns that report a proposition someone put forward: "his claim that …", "the accusation that …".
NOMINAL_CUES = frozenset(
    """claim assertion allegation accusation insistence contention argument suggestion statement warning
    announcement admission denial charge belief estimate finding conclusion""".split()
)
CUE_WORDS = CLAUSE_CUES | NOMINAL_CUES  # lemmas that can start an indirect quote (besides "according to")
SHORT_QUOTE_WORDS = 3  # a quotation this short needs a syntactic cue, else it is a scare quote or a title
DIRECT_OPENERS = (":", ",", "—", "–", "-", "(")


@dataclass
class Quote:
    text: str
    start: int
    end: int
    kind: str  # direct | mixed | indirect
    quoted: list[tuple[int, int]] = field(default_factory=list)
    speaker: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_actor: Actor | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "quoted": [list(span) for span in self.quoted],
            "speaker": self.speaker,
            "speaker_text": self.speaker_text,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "cue": self.cue,
            "cue_start": self.cue_start,
            "cue_end": self.cue_end,
        }


@dataclass
class _Cue:
    text: str
    start: int
    end: int
    subject: Token | None
    token: Token | None  # None for "according to"
    syntactic: bool  # found through the parse, not merely in the same sentence


def _tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _according_to(sentence: Span, skip: range) -> _Cue | None:
    for token in sentence:
        if token.lower_ == "according" and token.i not in skip:
            to = next((c for c in token.children if c.lower_ == "to"), None)
            objects = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
            if objects:
                end = to.idx + len(to)
                return _Cue(f"{token.text} {to.text}", token.idx, end, objects[0], None, True)
    return None


def _cue_for(doc: Doc, outer: Span) -> _Cue | None:
    inside = range(outer.start, outer.end)
    roots = [t for t in outer if t.head.i not in inside or t.head.i == t.i]
    # The quotation is the cue's complement: "X said “…”", "called it a “…”". A cue with no subject of its
    # own ("the importance of maintaining a “…”") gives way to a higher one that has one.
    governing = [a for root in roots for a in root.ancestors if a.i not in inside and is_cue(a)]
    if governing:
        cue = next((a for a in governing if subject_of(a) is not None), governing[0])
        return _Cue(cue.text, cue.idx, cue.idx + len(cue), subject_of(cue), cue, True)
    for token in outer:  # the parser hung the attribution inside the quote: "“…,” he said"
        for child in token.children:
            if child.i not in inside and is_cue(child):
                return _Cue(child.text, child.idx, child.idx + len(child), subject_of(child), child, True)
    sentences = {outer[0].sent, outer[-1].sent}
    for sentence in sentences:
        according = _according_to(sentence, inside)
        if according is not None:
            return according
    nearby = [t for s in sentences for t in s if t.i not in inside and is_cue(t)]
    if nearby:
        cue = min(nearby, key=lambda t: min(abs(t.i - outer.start), abs(t.i - outer.end)))
        return _Cue(cue.text, cue.idx, cue.idx + len(cue), subject_of(cue), cue, False)
    return None


def _label_cue(doc: Doc, quotation: Quotation, resolver: SpeakerResolver) -> _Cue | None:
    """Attributions without a verb: a name and a colon or dash before the quotation
    (`Sybiha: “No deal without guarantees.”`), or a dash and a name after it (`“…” — Jorge Falcon, resident`)."""
    text = resolver.text
    before = text[: quotation.outer_start].rstrip()
    if before and before[-1] in ":—–":
        mark = len(before) - 1
        name_end = len(before[:mark].rstrip())
        name = doc.char_span(name_end - 1, name_end, alignment_mode="expand") if name_end else None
        found = resolver.actor_of(name[-1]) if name is not None and len(name) else None
        if found is not None and found[0].type in ("PERSON", "ORG", "GPE"):
            return _Cue(text[mark], mark, mark + 1, name[-1], None, True)
    after = text[quotation.outer_end : quotation.outer_end + 8]
    dash = len(after) - len(after.lstrip())
    if after[dash : dash + 1] in ("—", "–"):
        mark = quotation.outer_end + dash
        rest = len(text[mark + 1 :]) - len(text[mark + 1 :].lstrip(" "))
        name = doc.char_span(mark + 1 + rest, mark + 2 + rest, alignment_mode="expand")
        found = resolver.actor_of(name[0]) if name is not None and len(name) else None
        if found is not None and found[0].type in ("PERSON", "ORG"):
            return _Cue(text[mark], mark, mark + 1, name[0], None, True)
    return None


def _so_called(token: Token) -> bool:
    doc = token.doc
    return (
        token.lower_ == "called" and token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "so"
    )


def _is_direct(text: str, quotation: Quotation, outer: Span) -> bool:
    before = text[: quotation.outer_start].rstrip()
    opens_sentence = not before or before.endswith(("\n", ".", "?", "!", "”", '"')) or outer.start == outer.sent.start
    words = [t for t in outer if t.is_alpha]
    clause = any(t.pos_ in ("VERB", "AUX") for t in outer) or len(words) > 4
    return clause and (opens_sentence or before.endswith(DIRECT_OPENERS))


def _complement(cue: Token, first: Token) -> Span:
    """The part of the cue's clause that holds the reported content (for mixed and indirect speech)."""
    child = first
    while child.head.i != cue.i and child.head.i != child.i:
        child = child.head
    if child.head.i != cue.i:  # the cue hangs inside the content (parenthetical): the whole sentence
        return first.sent
    tokens = sorted(child.subtree, key=lambda t: t.i)
    start, end = tokens[0].i, tokens[-1].i + 1
    doc = cue.doc
    while start < end and (doc[start].dep_ == "mark" or doc[start].is_punct and doc[start].text not in '“"«„'):
        start += 1
    while end > start and doc[end - 1].is_punct and doc[end - 1].text not in '”"»“.?!':
        end -= 1
    return doc[start:end]


def _attribute(quote: Quote, speaker: Speaker | None, cue: _Cue | None) -> None:
    if speaker is not None:
        quote.speaker_text, quote.speaker_start, quote.speaker_end = speaker.text, speaker.start, speaker.end
        quote.speaker_actor = speaker.actor
        quote.speaker = speaker.actor.name if speaker.actor else None
    if cue is not None:
        quote.cue, quote.cue_start, quote.cue_end = cue.text, cue.start, cue.end


def extract_quotes(doc: Doc, quotations: Sequence[Quotation], resolver: SpeakerResolver) -> list[Quote]:
    """Every direct, mixed and indirect quote of `doc`, with speaker and cue where the text has them."""
    quotes: list[Quote] = []
    used_cues: set[int] = set()
    text = resolver.text
    last: tuple[Quote, _Cue | None, Span] | None = None  # previous attributed direct quote and its sentence
    for quotation in quotations:
        outer = _tokens(doc, quotation.outer_start, quotation.outer_end)
        if outer is None or len(outer) == 0:
            continue
        cue = _label_cue(doc, quotation, resolver) or _cue_for(doc, outer)
        if cue is not None and cue.token is not None and _so_called(cue.token):
            cue = None  # "so-called “peace plans”": scare quotes, not speech
        words = len(text[quotation.start : quotation.end].split())
        if words <= SHORT_QUOTE_WORDS and (cue is None or not cue.syntactic):
            continue  # scare quotes and titles
        quoted = list(quotation.segments)
        direct = _is_direct(text, quotation, outer)
        if cue is None:
            if last is not None and direct:
                previous, previous_cue, previous_sentence = last
                same_paragraph = "\n" not in text[previous.end : quotation.start]
                if same_paragraph and outer.sent.start <= previous_sentence.end + 1:
                    # "“A,” he said. “B.”": one quote split by its attribution
                    previous.quoted.extend(quoted)
                    previous.end = quotation.end
                    previous.text = text[previous.start : previous.end]
                    continue
                continued = Quote(
                    text[quotation.start : quotation.end], quotation.start, quotation.end, "direct", quoted
                )
                continued.speaker, continued.speaker_actor = previous.speaker, previous.speaker_actor
                continued.speaker_text = previous.speaker_text
                continued.speaker_start, continued.speaker_end = previous.speaker_start, previous.speaker_end
                continued.cue, continued.cue_start, continued.cue_end = (
                    previous.cue,
                    previous.cue_start,
                    previous.cue_end,
                )
                quotes.append(continued)
                continue
            if words <= 6 and all(w[:1].isupper() for w in text[quotation.start : quotation.end].split()):
                continue  # a title such as “War and Peace”
            quotes.append(
                Quote(
                    text[quotation.start : quotation.end],
                    quotation.start,
                    quotation.end,
                    "direct" if direct else "mixed",
                    quoted,
                )
            )
            last = None
            continue
        source = cue.subject is not None and resolver.is_source(cue.subject)
        speaker = resolver.speaker(cue.subject) if source else None
        if direct:
            quote = Quote(text[quotation.start : quotation.end], quotation.start, quotation.end, "direct", quoted)
            last = (quote, cue, (cue.token.sent if cue.token is not None else outer.sent))
        else:
            span = _complement(cue.token, outer[0]) if cue.token is not None else outer
            start, end = min(span.start_char, quotation.start), max(span.end_char, quotation.end)
            quote = Quote(text[start:end], start, end, "mixed", quoted)
            last = None
        _attribute(quote, speaker, cue)
        if speaker is not None:
            resolver.note_speaker(quotation.start, speaker.actor)
        if cue.token is not None:
            used_cues.add(cue.token.i)
        quotes.append(quote)
    quotes.extend(_indirect(doc, resolver, used_cues, list(quotations)))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _perfect(verb: Token) -> bool:
    """In the perfect ("has said"), not the passive ("was said")."""
    return any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def _overlaps(content: Span, spans: Sequence[Quote] | Sequence[Quotation]) -> bool:
    return any(q.start < content.end_char and content.start_char < q.end for q in spans)


def _stray_complement(cue: Token) -> Token | None:
    """A "that" clause the parser hung on the noun of a phrase between the cue and it ("told lawmakers
    before the vote that S" read as "the vote that S"): with "that" as its conjunction it is no relative
    clause, and it is the cue's complement."""
    for prep in cue.children:
        if prep.dep_ != "prep":
            continue
        for noun in prep.children:
            for clause in noun.children:
                if clause.dep_ in ("acl", "relcl") and opens_with_that(clause):
                    return clause
    return None


def _parenthetical_content(cue: Token) -> Span | None:
    """The clause a cue is set into ("The exchange, he said, had been negotiated …"), as one span with the
    aside inside it, or the clause before an aside that closes it; None when the cue is not set in."""
    aside = parenthetical_aside(cue)
    if aside is None:
        return None
    doc, host, inside = cue.doc, cue.head, {t.i for t in aside}
    start, end = host.left_edge.i, host.right_edge.i + 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space or end - 1 in inside):
        end -= 1  # trailing punctuation, and an aside that closes the clause ("…, she said.")
    return doc[start:end] if end - start >= 3 else None


def _indirect(doc: Doc, resolver: SpeakerResolver, used: set[int], quotations: list[Quotation]) -> list[Quote]:
    """Reported clauses without quotation marks: "X said that …", "according to X, …"."""
    found: list[Quote] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma not in CUE_WORDS and token.lower_ != "according":
            continue  # most words: nothing below can start here
        if token.i in used or resolver.in_quote(token.idx):
            continue
        if lemma in CLAUSE_CUES and is_cue(token) and (token.tag_ != "VBN" or _perfect(token)):
            clause = next((c for c in token.children if c.dep_ == "ccomp"), None) or _stray_complement(token)
            subject = subject_of(token)
            if subject is None or not resolver.is_source(subject):
                continue  # "The decision means that …": not an attribution
            if clause is not None and subject.i not in range(clause.left_edge.i, clause.right_edge.i + 1):
                content = _complement(token if clause.head.i == token.i else clause.head, clause)
            elif clause is None and (host := _parenthetical_content(token)) is not None:
                content = host  # "The agreement, she added, gives …"
            else:
                continue
            cue = _Cue(token.text, token.idx, token.idx + len(token), subject, token, True)
        elif lemma in NOMINAL_CUES and token.pos_ == "NOUN":
            # "the senator's claim that S", "his accusation that S", "the allegation that S"
            clause = next(
                (c for c in token.children if c.dep_ in ("acl", "ccomp", "appos") and c.pos_ in ("VERB", "AUX")), None
            )
            if clause is None or not opens_with_that(clause):
                continue
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            content = _complement(token, clause)
            cue = _Cue(token.text, token.idx, token.idx + len(token), owner, token, True)
        elif token.lower_ == "according" and token.i not in used:
            cue = _according_to(token.sent, range(0))
            if cue is None or cue.start != token.idx:
                continue
            to = next(c for c in token.children if c.lower_ == "to")
            rest = [t for t in token.sent if t.i > to.right_edge.i and not (t.is_punct or t.is_space)]
            if rest:
                content = doc[rest[0].i : token.sent.end]
            else:  # "Northwind reported a profit of $96 million, according to its filing."
                content = doc[token.sent.start : token.i]
                if _overlaps(content, found):
                    continue  # "X said that …, according to Y": X's words, already taken
            while len(content) > 1 and (content[-1].is_punct or content[-1].is_space):
                content = content[:-1]
            while len(content) > 1 and (content[0].is_punct or content[0].is_space):
                content = content[1:]
        else:
            continue
        if _overlaps(content, quotations):
            continue  # holds quotation marks: already a mixed quote
        rebuttal = rebuttal_in(content)
        if rebuttal is not None:
            content = doc[content.start : rebuttal.start]  # the outlet's rebuttal is not the speaker's words
        if len(content) < 3:
            continue
        quote = Quote(content.text, content.start_char, content.end_char, "indirect")
        _attribute(quote, resolver.speaker(cue.subject) if cue.subject is not None else None, cue)
        found.append(quote)
    return found
