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
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from .actors import Actor
from .quotemarks import Quotation
from .rebuttals import false_tail, rebuttal_in
from .speakers import (
    CLAUSE_CUES,
    RELATIVE_PRONOUNS,
    Speaker,
    SpeakerResolver,
    agent_of,
    asked_aside,
    is_cue,
    is_record,
    opens_with_that,
    parenthetical_aside,
    subject_of,
)

# Nouns that report a proposition someone put forward: "his claim that …", "the accusation that …".
NOMINAL_CUES = frozenset(
    """claim assertion allegation accusation insistence contention argument suggestion statement warning
    announcement admission denial charge belief estimate finding conclusion""".split()
)
# Verbs whose subject makes or spreads the claim their object names: "repeated the assertion that S".
REPEATING = frozenset("make repeat echo voice spread share push amplify advance reiterate circulate peddle".split())
# Verbs of accusing and the preposition that names the act: "accused X of V-ing", "blamed X for V-ing".
ACCUSING = {"accuse": "of", "blame": "for"}
# Cues whose content is their object and what they said of it or asked of it, not a proposition: "called
# the deal a gamble", "dismissed the measures as illegal", "urged both sides to return to the table",
# "blamed a software supplier for the backlog".
OBJECT_CUES = frozenset({"call", "brand", "label", "term", "describe", "dismiss", "urge", *ACCUSING})
# Cues whose content is an object and the figure someone put it at: "put [the death toll at 52]", "estimated
# [it at around 60 dollars a kilogram]".
FIGURE_CUES = frozenset({"put", "estimate"})
# Cues whose content can be a gerund: "denied taking money", "admitted lying", "recalled seeing smoke".
GERUND_CUES = frozenset({"deny", "admit", "acknowledge", "recall", "report", "confirm"})
# Verbs by which records and figures report what they hold, and forms of them the small model can read as
# a noun ("…, official figures published on Thursday show."; "Emails released during the trial show that …").
EVIDENCE_CUES = frozenset({"show", "reveal", "indicate", "suggest", "find"})
EVIDENCE_FORMS = frozenset({"show", "shows", "indicate", "indicates", "suggest", "suggests"})
# lemmas that can start an indirect quote (besides "according to")
CUE_WORDS = CLAUSE_CUES | NOMINAL_CUES | OBJECT_CUES | FIGURE_CUES
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
    # A deed the speaker denied or admitted ("denied taking money out of the club") rather than a
    # proposition they put forward: its sentence stays the outlet's own statement that they denied it.
    deed: bool = False

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


def _cue_for(doc: Doc, outer: Span, resolver: SpeakerResolver) -> _Cue | None:
    inside = range(outer.start, outer.end)
    roots = [t for t in outer if t.head.i not in inside or t.head.i == t.i]
    # The quotation is the cue's complement: "X said “…”", "called it a “…”". A cue whose subject is no
    # source ("X said the first investments showed that … “…”") or that has none ("the importance of
    # maintaining a “…”") gives way to a higher one whose subject is.
    governing = [a for root in roots for a in root.ancestors if a.i not in inside and is_cue(a)]
    if governing:
        subjects = [(a, subject_of(a)) for a in governing]
        cue = next(
            (a for a, s in subjects if s is not None and resolver.is_source(s)),
            next((a for a, s in subjects if s is not None), governing[0]),
        )
        return _syntactic_cue(outer, cue)
    for token in outer:  # the parser hung the attribution inside the quote: "“…,” he said"
        for child in token.children:
            if child.i not in inside and is_cue(child):
                return _syntactic_cue(outer, child)
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


def _syntactic_cue(outer: Span, cue: Token) -> _Cue:
    """The cue the parse links to the quotation, with its subject or, failing that, the speaker's phrase
    between the quotation and it."""
    subject = subject_of(cue) or _speaker_between(outer, cue)
    return _Cue(cue.text, cue.idx, cue.idx + len(cue), subject, cue, True)


def _speaker_between(outer: Span, cue: Token) -> Token | None:
    """The head of the noun phrase between a quotation and the cue after it, which the parser hung inside the
    quotation ('“…,” the trust's medical director, Dr Hamid Qureshi, told the meeting': "director" read as an
    object of the quoted verb, the cue left without a subject); None when anything else stands there."""
    between = [t for t in cue.doc[outer.end : cue.i] if not (t.is_punct or t.is_space)]
    heads = [t for t in between if not outer.end <= t.head.i < cue.i]
    if len(heads) == 1 and heads[0].pos_ in ("NOUN", "PROPN") and heads[0].dep_ not in ("npadvmod", "pobj"):
        return heads[0]
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
    while start < end and (
        doc[start].dep_ == "mark"
        or (doc[start].lower_ == "that" and doc[start].dep_ == "dep")  # "show that at least nine …"
        or (doc[start].is_punct and doc[start].text not in '“"«„')
    ):
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
        cue = _label_cue(doc, quotation, resolver) or _cue_for(doc, outer, resolver)
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


def trimmed(span: Span) -> Span:
    """`span` without the punctuation, quotation marks and spaces at either end: content and claims keep
    only words."""
    start, end = span.start, span.end
    while start < end and (span.doc[start].is_punct or span.doc[start].is_space):
        start += 1
    while end > start and (span.doc[end - 1].is_punct or span.doc[end - 1].is_space):
        end -= 1
    return span.doc[start:end]


def _overlaps(content: Span, spans: Sequence[Quote] | Sequence[Quotation]) -> bool:
    return any(q.start < content.end_char and content.start_char < q.end for q in spans)


def _beyond_semicolon(clause: Token, cue: Token) -> bool:
    """A clause before the cue with a semicolon between them: a sentence of its own the parser hung on the
    cue ("Germany did not commit troops; its defence ministry said S"), not what the cue reports."""
    return clause.i < cue.i and any(t.text == ";" for t in cue.doc[clause.i : cue.i])


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


def _trailing_content(cue: Token) -> Span | None:
    """The clause before a cue that closes the sentence with a subject of its own ("The owners have agreed
    to sell the club, two people with knowledge of the talks said on Monday."), which the small model makes
    a conjunct of that clause; None for a cue joined by "and" or with a complement of its own."""
    head, doc = cue.head, cue.doc
    if cue.dep_ != "conj" or cue.i < head.i or head.pos_ not in ("VERB", "AUX"):
        return None
    if any(c.dep_ in ("dobj", "ccomp", "xcomp", "cc") for c in cue.children):
        return None
    if any(c.dep_ in ("cc", "preconj") and c.i < cue.i for c in head.children):
        return None  # "The plant closed and workers said …"
    if not any(c.dep_ == "nsubj" for c in cue.children) or doc[cue.left_edge.i - 1].text not in (",", "—", "–"):
        return None
    content = doc[head.left_edge.i : cue.left_edge.i - 1]
    return content if len(content) >= 3 else None


def _gerund(cue: Token) -> Token | None:
    """The gerund a denial or an admission reports: "denied [taking money out of the club]"."""
    if cue.lemma_.lower() not in GERUND_CUES:
        return None
    for child in cue.children:
        if child.i > cue.i and child.dep_ == "xcomp" and child.tag_ == "VBG":
            return child
        if child.i > cue.i and child.dep_ == "dobj" and child.left_edge.tag_ == "VBG":
            return child  # the small model also reads "cutting corners" as a noun phrase
    return None


def _relative_subject(cue: Token, clause: Token) -> bool:
    """Whether the clause's subject is the relative pronoun before a cue set in a relative clause
    ("tankers that it said had carried …"): the content is then what follows the cue."""
    return cue.dep_ == "relcl" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE_PRONOUNS and c.i < cue.i for c in clause.children
    )


def _object_content(cue: Token) -> Span | None:
    """What a speaker called something, asked of someone or blamed them for, with its object: "called [the
    deal a gamble]", "dismissed [the measures as illegal]", "urged [both sides to return to the table]",
    "accused [the union of misleading its members]"; None without both."""
    named = next((c for c in cue.children if c.dep_ == "dobj"), None)
    accusing = ACCUSING.get(cue.lemma_.lower())
    if named is not None and any(c.dep_ == "prep" and c.lower_ == accusing for c in named.children):
        return cue.doc[named.left_edge.i : named.right_edge.i + 1]  # "blamed [a supplier for the backlog]"
    said = next(
        (
            c
            for c in cue.children
            if c.dep_ == "oprd"
            or (c.dep_ == "prep" and c.lower_ == "as")
            or (c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "as" for m in c.children))  # "as outdated"
            or (c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))
            or (c.dep_ == "prep" and c.lower_ == accusing)
        ),
        None,
    )
    if named is None or said is None or said.i < named.i or _so_called(cue):
        return None
    if named.lower_ in RELATIVE_PRONOUNS:  # "results that doctors called promising"
        return cue.doc[said.left_edge.i : said.right_edge.i + 1]
    return cue.doc[named.left_edge.i : said.right_edge.i + 1]


def _evidence_object(cue: Token) -> Token | None:
    """What a record shows when it is a noun phrase, not a clause: "State police data show [a 9 percent
    increase over that period]"; None for a person showing something ("He showed the letter")."""
    if cue.lemma_.lower() not in EVIDENCE_CUES:
        return None
    subject = next((c for c in cue.children if c.dep_ == "nsubj"), None)
    if subject is None or not is_record(subject):
        return None
    return next((c for c in cue.children if c.dep_ == "dobj"), None)


def _misread_evidence(cue: Token) -> tuple[Span, Token] | None:
    """A record's "show" that the small model read as a noun, with what it reports and the record: at the
    end of the sentence after a comma ("Northgate has raised its rates four times since 2020, figures from
    the state utilities commission show."), or before "that" ("Internal emails released during the trial
    show that …", the record the nearest noun the parse hung "show" under); or as a modifier of the noun
    after it in a sentence the parse left without a verb, its root the record ("Bank records presented by the
    prosecution show transfers of …")."""
    doc, sentence = cue.doc, cue.sent
    after = [t for t in doc[cue.i + 1 : sentence.end] if not (t.is_punct or t.is_space)]
    root = sentence.root
    if cue.dep_ == "compound" and after and root.pos_ == "NOUN" and root.i < cue.i and is_record(root):
        return doc[after[0].i : after[-1].i + 1], root  # "Bank records … show transfers of …", a verbless parse
    if not after:
        commas = [t.i for t in doc[sentence.start : cue.i] if t.text == ","]
        if not commas:
            return None
        between = doc[commas[-1] + 1 : cue.i]
        record = next((t for t in between if t.pos_ in ("NOUN", "PROPN")), None)
        if record is None or not is_record(record) or any(t.tag_ in ("VBD", "VBZ", "VBP") for t in between):
            return None
        content = doc[sentence.start : commas[-1]]
        return (content, record) if any(t.pos_ in ("VERB", "AUX") for t in content) and len(content) >= 3 else None
    clause = next((c for c in cue.children if opens_with_that(c)), None)
    if clause is None or after[0].lower_ != "that":
        return None
    record = next((a for a in cue.ancestors if a.pos_ == "NOUN" and a.i < cue.i), None)
    if record is None or not is_record(record):
        return None
    return doc[after[0].i + 1 : clause.right_edge.i + 1], record


def _figure_put(cue: Token) -> Span | None:
    """The estimate of "put the cost of the cuts at 7 billion euros": the object and the figure it was put
    at; None when what follows "at" holds no number ("put the plan at risk")."""
    named = next((c for c in cue.children if c.dep_ == "dobj"), None)
    if named is None:
        return None
    at = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "at"), None) or next(
        (
            t
            for t in named.subtree
            if t.lower_ == "at"
            and ((t.dep_ == "prep" and t.right_edge == named.right_edge) or (t.dep_ == "quantmod" and t.i > named.i))
        ),
        None,
    )  # "at 3,900" may hang on the object's last word: "the number of people sleeping rough in the city at 3,900",
    # or on the number: "the daily cost at closer to 12 million euros", the euros read as the cost's apposition
    if at is None or at.i < named.i:
        return None
    end = max(at.right_edge.i, named.right_edge.i)
    if not any(t.like_num for t in cue.doc[at.i : end + 1]):
        return None
    return cue.doc[named.left_edge.i : end + 1]


def _indirect(doc: Doc, resolver: SpeakerResolver, used: set[int], quotations: list[Quotation]) -> list[Quote]:
    """Reported clauses without quotation marks: "X said that …", "according to X, …"."""
    found: list[Quote] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma not in CUE_WORDS and token.lower_ != "according":
            continue  # most words: nothing below can start here
        if token.i in used or resolver.in_quote(token.idx):
            continue
        deed = False
        named = None  # an actor named after "according to X," where the parser split it off X
        misread = (
            _misread_evidence(token)
            if token.lower_ in EVIDENCE_FORMS and (token.pos_ == "NOUN" or token.dep_ == "compound")
            else None
        )
        if misread is not None:
            content, subject = misread
            speaker = resolver.speaker(subject)
            words = doc[subject.left_edge.i : token.i]  # the record's words, without what the parse hung on "show"
            while len(words) > 1 and (words[-1].is_punct or words[-1].pos_ == "ADP"):
                words = words[:-1]
            cue = _Cue(token.text, token.idx, token.idx + len(token), None, token, True)
            quote = Quote(content.text, content.start_char, content.end_char, "indirect")
            _attribute(quote, Speaker(words.text, words.start_char, words.end_char, speaker.actor), cue)
            found.append(quote)
            continue
        figure = _figure_put(token) if lemma in FIGURE_CUES and token.pos_ == "VERB" else None
        if lemma in CLAUSE_CUES and is_cue(token) and (token.tag_ != "VBN" or _perfect(token)) and figure is None:
            asked = asked_aside(token)  # "X, asked about …, said S": the clause is S
            gerund = _gerund(token)
            complements = [c for c in token.children if c.dep_ == "ccomp" and c != asked]
            clause = (
                next((c for c in complements if not _beyond_semicolon(c, token)), None)
                or next(iter(complements), None)
                or _stray_complement(token)
                or gerund
                or _evidence_object(token)
            )
            subject = subject_of(token)
            if subject is None or not resolver.is_source(subject):
                continue  # "The decision means that …": not an attribution
            if clause is not None and _beyond_semicolon(clause, token):
                continue  # "Council votes to cap rents; landlords threaten challenge": two clauses, not one reported
            if clause is not None and _relative_subject(token, clause):
                content = doc[token.i + 1 : clause.right_edge.i + 1]  # "tankers that it said [had carried …]"
            elif clause is not None and subject.i not in range(clause.left_edge.i, clause.right_edge.i + 1):
                content = _complement(token if clause.head.i == token.i else clause.head, clause)
            elif clause is None and (host := _parenthetical_content(token)) is not None:
                content = host  # "The agreement, she added, gives …"
            elif clause is None and (host := _trailing_content(token)) is not None:
                content = host  # "The owners have agreed to sell, two people … said."
            else:
                continue
            deed = clause is not None and clause == gerund
            if deed and clause.dep_ == "dobj":  # "denied [cutting corners] on the bridge": the rest is the deed's
                content = doc[clause.left_edge.i : token.right_edge.i + 1]
            cue = _Cue(token.text, token.idx, token.idx + len(token), subject, token, True)
        elif (lemma in OBJECT_CUES and is_cue(token)) or figure is not None:
            said_of = figure or _object_content(token)
            subject = subject_of(token)
            if said_of is None or subject is None or not resolver.is_source(subject):
                continue
            content = said_of
            cue = _Cue(token.text, token.idx, token.idx + len(token), subject, token, True)
        elif lemma in NOMINAL_CUES and token.pos_ == "NOUN":
            # "the senator's claim that S", "his accusation that S", "a claim shared by X that S" (a clause
            # opened by "that" however the small model labels it: acl, relcl, even an adjective's "double")
            clause = next(
                (c for c in token.children if c.dep_ in ("acl", "relcl", "ccomp", "appos") and opens_with_that(c)), None
            ) or _stray_complement(token)  # "the claim by a senior official [that S]", S hung on "official"
            if clause is None:
                continue
            owner = (
                next((c for c in token.children if c.dep_ == "poss"), None)
                or agent_of(token)
                or next((o for p in token.children if p.lower_ == "by" for o in p.children if o.dep_ == "pobj"), None)
                or (subject_of(token.head) if token.dep_ == "dobj" and token.head.lemma_ in REPEATING else None)
            )  # "the senator's claim", "a claim shared by X", "the claim by a senior official", "X repeated the claim"
            content = _complement(token if clause.head.i == token.i else clause.head, clause)
            verdict = false_tail(content)
            if verdict is not None:  # "Dwyer's claim that S is false", the verdict parsed into S
                content = doc[content.start : verdict]
            cue = _Cue(token.text, token.idx, token.idx + len(token), owner, token, True)
        elif token.lower_ == "according" and token.i not in used:
            cue = _according_to(token.sent, range(0))
            if cue is None or cue.start != token.idx:
                continue
            to = next(c for c in token.children if c.lower_ == "to")
            rest = [t for t in token.sent if t.i > to.right_edge.i and not (t.is_punct or t.is_space)]
            if rest and not any(t.pos_ in ("VERB", "AUX") for t in rest):
                named = resolver.actor_of(rest[-1])  # "…, according to the specification published by the
                rest = []  # regulator, the Brennock Water Authority.": the source's name, split off by the parser
            if rest:
                content = doc[rest[0].i : token.sent.end]
            else:  # "Northwind reported a profit of $96 million, according to its filing."
                opening = [t.i + 1 for t in doc[token.sent.start : token.i] if t.text in (":", ";")]
                content = doc[max(opening, default=token.sent.start) : token.i]  # "… is wrong: [S], according to
                if _overlaps(content, found):
                    continue  # "X said that …, according to Y": X's words, already taken
        else:
            continue
        content = trimmed(content)
        if _overlaps(content, quotations):
            continue  # holds quotation marks: already a mixed quote
        rebuttal = rebuttal_in(content)
        if rebuttal is not None:
            content = doc[content.start : rebuttal.start]  # the outlet's rebuttal is not the speaker's words
        if len(content) < 3 or any(q.start == content.start_char and q.end == content.end_char for q in found):
            continue  # "confirmed in a statement that S": S once, with the verb's speaker
        source = resolver.speaker(cue.subject) if cue.subject is not None else None
        if source is not None and source.actor is None and named is not None:
            source = replace(source, actor=named[0])
        for clause in _each_clause(content):
            quote = Quote(clause.text, clause.start_char, clause.end_char, "indirect", deed=deed)
            _attribute(quote, source, cue)
            found.append(quote)
    return found


def _each_clause(content: Span) -> list[Span]:
    """Reported content of two clauses each opened by its own "that" ("said it could no longer staff the
    department at night and that fewer than nine patients a night had used it") as two: each is a claim of
    its own, checked and framed by itself."""
    doc = content.doc
    for that in content[2:]:
        joint = doc[that.i - 1]
        if that.lower_ == "that" and that.dep_ == "mark" and that.head.dep_ == "conj" and joint.dep_ == "cc":
            first, rest = trimmed(doc[content.start : joint.i]), doc[that.i + 1 : content.end]
            if len(first) >= 3 and len(rest) >= 3:
                return [first, *_each_clause(rest)]
    return [content]
