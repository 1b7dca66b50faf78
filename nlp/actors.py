"""Actors: named entities turned into canonical people, organisations, places and groups.

Per article: titles and roles are split off ("Ukrainian Foreign Minister Andrii Sybiha" → Andrii Sybiha,
role "Ukrainian Foreign Minister"), short forms are linked to the full name used elsewhere in the same
text ("Sybiha" → Andrii Sybiha), and the alias table from config decides names and types it knows
("Zelenskyy" → Volodymyr Zelensky, "Kyiv" → Ukraine), overriding the model's label where it errs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IS_TITLE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from claimwatch.config.settings import ActorSettings

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_LEADING_DROP = frozenset({"DET", "ADP", "CCONJ", "PUNCT"})
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "nn"})
_HEADING_MAX_CHARS = 120
# Title words the model sometimes tags as part of a name ("Councilmember Raúl Ortega"): split off as role.
TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. dr dr. prof prof. sen sen. rep rep. gov gov. gen gen. col col. lt lt. sgt sgt. capt
    capt. councilmember councilman councilwoman councillor councilor alderman senator representative congressman
    congresswoman mayor governor president minister secretary chancellor premier judge justice general colonel
    sergeant captain coach manager professor sir lord lady chief director ambassador envoy commissioner detective
    officer lawmaker attorney prosecutor bishop pope king queen prince princess sheikh chairman chairwoman
    campaigner activist candidate economist analyst historian novelist broadcaster businessman businesswoman
    entrepreneur billionaire striker midfielder goalkeeper""".split()
)
# Titles that only ever precede a person's name: an entity of one and two names or more is a person.
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame".split())
_SENTENCE_END = (".", "!", "?", '"', "”", ":")
# Last words of organisations' names: a name ending in one is no person, whatever the model tagged it
# ("Calder Therapeutics", "Meridian Terminals").
ORG_WORDS = frozenset(
    """inc inc. corp corp. corporation co. company ltd ltd. llc plc ag gmbh group holdings bank airlines airways
    energy capital partners systems technologies therapeutics pharmaceuticals pharma motors media terminals
    logistics industries laboratories labs securities insurance institute university college association union
    council committee agency authority ministry department foundation trust fund society hospital
    minerals mining resources metals
    united rovers athletic wanderers albion fc""".split()  # the last two lines: miners, football clubs
)
# The last words of a public body's name, which news does not drop: "Brennock Water" is the company the
# Brennock Water Authority regulates, not the authority.
PUBLIC_BODIES = frozenset(
    "authority ministry department council commission agency committee board office court police service".split()
)
# Nouns for a person's post: a two- or three-word name in apposition to one is a person, whatever the model
# tagged it ("Ukraine's ombudsman, Dmytro Lubinets", ORG in the small model).
PERSON_POSTS = TITLES | frozenset(
    """ombudsman spokesman spokeswoman spokesperson head executive official adviser advisor aide analyst economist
    researcher scientist lawyer deputy""".split()
)


@dataclass
class ActorMention:
    start: int
    end: int
    text: str
    role: str | None = None


@dataclass
class Actor:
    name: str
    type: str
    mentions: list[ActorMention] = field(default_factory=list)


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


class AliasTable:
    """Maps every configured name and alias (case folded) to its canonical (name, type)."""

    def __init__(self, actors: Iterable[ActorSettings]) -> None:
        self._map: dict[str, tuple[str, str]] = {}
        self._surface: set[str] = set()
        self._matcher: PhraseMatcher | None = None
        for actor in actors:
            for alias in (actor.name, *actor.aliases):
                bare = alias[4:] if alias.casefold().startswith("the ") else alias
                self._map[_fold(bare)] = (actor.name, actor.type)
                self._surface.add(bare)

    def lookup(self, text: str) -> tuple[str, str] | None:
        """The canonical (name, type) for `text`; a full name whose surname is a known person's alias
        and whose first name is that person's ("Volodymyr Zelenskyy") counts as that person."""
        known = self._map.get(_fold(text))
        if known is None and len(words := _fold(text).split()) > 1:
            surname = self._map.get(words[-1])
            if surname and surname[1] == "PERSON" and _fold(surname[0]).split()[0] == words[0]:
                return surname
        return known

    def bind(self, nlp: Language) -> None:
        """Tokenise the aliases with `nlp`'s tokenizer, so that find() can spot them in its docs."""
        self._matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._matcher.add("ALIAS", [nlp.make_doc(alias) for alias in sorted(self._surface)])

    def find(self, doc: Doc) -> list[Span]:
        """Spans of `doc` spelt exactly like a configured alias (the model may not tag them)."""
        if self._matcher is None:
            return []
        return filter_spans([doc[start:end] for _id, start, end in self._matcher(doc)])


def _trim(span: Span) -> Span | None:
    """The entity without leading determiners/prepositions and a trailing possessive."""
    start, end = span.start, span.end
    while start < end and (span.doc[start].pos_ in _LEADING_DROP or span.doc[start].lower_ == "the"):
        start += 1
    while end > start and (span.doc[end - 1].tag_ == "POS" or span.doc[end - 1].text in ("'s", "’s", "’")):
        end -= 1
    return span.doc[start:end] if end > start else None


def _possessive_after(span: Span) -> bool:
    return span.end < len(span.doc) and span.doc[span.end].lower_ in ("'s", "’s")


def _names_with_possessive(doc: Doc) -> set[str]:
    """Names that end in "'s" — a shop or a firm named for its founder ("Fenwick's, the discount grocery
    chain, says …", "Harrow's said"): an entity with "'s" after it that is itself the subject of a verb, so
    the "'s" owns nothing and is part of the name."""
    return {
        ent.text
        for ent in doc.ents
        if ent.label_ in ACTOR_LABELS and _possessive_after(ent) and ent.root.dep_ in ("nsubj", "nsubjpass")
    }


def _honoured(span: Span) -> bool:
    """An honorific and at least two names ("Dr Amrit Sandhu"): a person ("Dr Pepper" stays a brand)."""
    return len(span) >= 3 and span[0].lower_ in HONORIFICS and all(t.pos_ == "PROPN" for t in span[1:])


def _split_title(span: Span) -> tuple[Span, Span | None]:
    """A PERSON entity that starts with title words: (the name, the title) — else (span, None)."""
    start = span.start
    while start < span.end - 1 and span.doc[start].lower_ in TITLES:
        start += 1
    if start == span.start:
        return span, None
    return span.doc[start : span.end], span.doc[span.start : start]


def _with_organisation_word(span: Span) -> Span:
    """An organisation's word the model left out of the name ("Calder Ridge" tagged, "Minerals" not)."""
    doc, end = span.doc, span.end
    while end < len(doc) and doc[end].is_title and doc[end].lower_ in ORG_WORDS and not doc[end].ent_type_:
        end += 1
    return doc[span.start : end]


def _with_given_names(span: Span) -> Span:
    """Capitalised proper nouns the parser hangs on the name but the model left out of the entity
    ("striker Emeka Okonkwo" tagged only "Okonkwo")."""
    doc, start = span.doc, span.start
    while (
        start > 0
        and doc[start - 1].pos_ == "PROPN"
        and doc[start - 1].is_title
        and doc[start - 1].dep_ == "compound"
        and span.start <= doc[start - 1].head.i < span.end
        and not doc[start - 1].ent_type_
        and doc[start - 1].lower_ not in TITLES
    ):
        start -= 1
    return doc[start : span.end]


def _named_in_post(span: Span) -> bool:
    """Whether `span` is a personal name set in apposition to a post ("the ombudsman, Dmytro Lubinets" or
    "Dmytro Lubinets, the ombudsman")."""
    if not 2 <= len(span) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in span):
        return False
    root = span.root
    posts = [root.head] if root.dep_ == "appos" else []
    posts += [c for c in root.children if c.dep_ == "appos"]
    return any(post.pos_ == "NOUN" and post.lemma_.lower() in PERSON_POSTS for post in posts)


def _role(span: Span, line_start: int) -> Span | None:
    """Title or role words in front of a person's name, as the parser attached them, on the same line."""
    if span.label_ != "PERSON":
        return None
    left = [
        child
        for child in span.root.lefts
        if child.i < span.start and child.dep_ in _ROLE_DEPS and child.pos_ in ("PROPN", "NOUN", "ADJ")
    ]
    if not left:
        return None
    doc = span.doc
    start = min(child.left_edge.i for child in left)
    while start < span.start and (doc[start].pos_ in ("DET", "PUNCT", "SPACE") or doc[start].idx < line_start):
        start += 1
    return doc[start : span.start] if start < span.start else None


class _Lines:
    """Line boundaries of a text, to tell running text from headlines in O(log n) per lookup."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.heading = []
        for index, start in enumerate(self.starts):
            end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(text)
            line = text[start:end].strip()
            byline = line.startswith(("—", "–"))  # "— Jorge Falcon, resident": an attribution, not a title
            self.heading.append(len(line) <= _HEADING_MAX_CHARS and not line.endswith(_SENTENCE_END) and not byline)

    def start_of(self, offset: int) -> int:
        return self.starts[bisect_right(self.starts, offset) - 1]

    def in_heading(self, offset: int) -> bool:
        """A short line without closing punctuation: a headline or section title."""
        return self.heading[bisect_right(self.starts, offset) - 1]


@dataclass
class _Candidate:
    span: Span
    name: str
    type: str
    role: str | None
    trusted: bool  # named by the alias table, so kept wherever it stands


def _tagged(candidates: list[_Candidate]) -> set[int]:
    """The token indices the candidates found so far cover."""
    return {i for c in candidates for i in range(c.span.start, c.span.end)}


def _one_word_organisations(candidates: list[_Candidate]) -> set[str]:
    """Organisations the article names in one word ("Ashgate", "Ofgem")."""
    return {c.name for c in candidates if c.type == "ORG" and " " not in c.name}


def _with_joined_names(ents: tuple[Span, ...]) -> list[Span]:
    """The entities, an organisation's name the model cut in two at "for" or "of" joined again ("Kiel
    Institute" + "for the" + "World Economy"): the first part must end in an organisation's word."""
    joined: list[Span] = []
    for ent in ents:
        before = joined[-1] if joined else None
        if before is not None and before.label_ == "ORG" == ent.label_ and before[-1].lower_ in ORG_WORDS:
            between = [t.lower_ for t in ent.doc[before.end : ent.start]]
            if between in (["for"], ["of"], ["for", "the"], ["of", "the"]):
                joined[-1] = Span(ent.doc, before.start, ent.end, label="ORG")
                continue
        joined.append(ent)
    return joined


def _untagged_organisations(titled: list[Token], tagged: set[int]) -> list[Span]:
    """Proper nouns ending in an organisation's word that the model did not tag ("Calder Ridge Minerals has
    agreed …"): an organisation, as a tagged person ending in one already is."""
    found = []
    for token in titled:
        if token.i in tagged or token.lower_ not in ORG_WORDS or token.pos_ != "PROPN":
            continue
        start = token.i
        while start > 0 and (before := token.doc[start - 1]).pos_ == "PROPN" and before.is_title:
            if before.i in tagged or before.dep_ != "compound" or before.head.i != token.i:
                break
            start -= 1
        if start < token.i:
            found.append(token.doc[start : token.i + 1])
    return found


def _organisations_tagged_as_places(candidates: list[_Candidate]) -> None:
    """ "Ashgate City" tagged a place where the article calls it "Ashgate" and the model tags that an
    organisation: the article's own short form says what the longer name is (a club, not a town)."""
    single = _one_word_organisations(candidates)
    for c in candidates:
        if c.type == "GPE" and not c.trusted and len(c.name.split()) > 1 and c.name.split()[0] in single:
            c.type = "ORG"


def _title_case(doc: Doc) -> list[Token]:
    """The document's title-case tokens, picked from an array: most tokens are not, and making a Python
    Token of each one costs more than the checks below."""
    return [doc[int(i)] for i in np.flatnonzero(doc.to_array(IS_TITLE))]


ShortForms = dict[str, dict[tuple[str, str], int]]  # short form → (full name, type) → where first named


def _short_forms(candidates: list[_Candidate]) -> ShortForms:
    """What a full name is called on its own later in an article: a person by surname ("Sybiha"), an
    organisation by its first word ("Meridian" for Meridian Terminals), its last ("the Commission" for the
    European Commission) or its first words ("Calder Ridge" for Calder Ridge Minerals)."""
    forms: ShortForms = {}
    for c in candidates:
        words = c.name.split()
        if len(words) > 1 and c.type == "PERSON":
            shorts = [words[-1]]
        elif len(words) > 1 and c.type == "ORG" and words[0][:1].isupper():
            shorts = [words[0], words[-1]] if words[-1][:1].isupper() else [words[0]]
            # "Calder Ridge" for Calder Ridge Minerals, "Kiel Institute" for the Kiel Institute for the World
            # Economy; not "Brennock Water" for the Brennock Water Authority, which oversees it
            if words[-1].lower() not in PUBLIC_BODIES:
                shorts += [" ".join(words[:k]) for k in range(2, len(words)) if words[k - 1][:1].isupper()]
        else:
            continue
        for short in shorts:
            named, full = forms.setdefault(_fold(short), {}), (c.name, c.type)
            named[full] = min(named.get(full, c.span.start_char), c.span.start_char)
    return forms


def _full_name(forms: ShortForms, short: str, at: int) -> tuple[str, str] | None:
    """The one full name `short` stands for at char offset `at`: the only one it can be, or else the only
    one named before it ("Riverside said" after Riverside United, before the Riverside Supporters' Trust)."""
    matches = forms.get(_fold(short), {})
    if len(matches) > 1:
        matches = {name: start for name, start in matches.items() if start < at}
    return next(iter(matches)) if len(matches) == 1 else None


def _untagged_short_forms(titled: list[Token], candidates: list[_Candidate], forms: ShortForms) -> list[_Candidate]:
    """A known person's surname or organisation's first word the model did not tag as an actor ("Brandt"
    read as a work of art, "Ruiz" missed, "Meridian said"), or a one-word organisation's name it tagged
    elsewhere in the article ("Ashgate said …" untagged at a paragraph's start): a mention of that actor. An
    organisation's word must stand as a noun phrase of its own, not modify another ("Transport minister")."""
    tagged = _tagged(candidates)
    single = _one_word_organisations(candidates)
    found = []
    for token in titled:
        if token.i in tagged:
            continue
        full = _full_name(forms, token.text, token.idx) or ((token.text, "ORG") if token.text in single else None)
        if full is None:
            continue
        name, label = full
        if label == "ORG" and (token.pos_ != "PROPN" or token.dep_ in ("compound", "amod")):
            continue
        found.append(_Candidate(token.doc[token.i : token.i + 1], name, label, None, True))
    return found


def _untagged_full_names(doc: Doc, titled: list[Token], tagged: set[int]) -> list[Span]:
    """Two or three capitalised proper nouns the model did not tag ("Emeka Okonkwo") whose last word the
    article uses again on its own — the way news refers to a person after the first mention — or, used once,
    two after a title ("Councillor Priya Nair")."""
    counts = Counter(token.text for token in titled)
    found = []
    for token in titled:
        if token.pos_ != "PROPN" or token.i in tagged or token.lower_ in ORG_WORDS:
            continue
        start = token.i
        while (
            start > 0
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].is_title
            and doc[start - 1].dep_ == "compound"
            and doc[start - 1].head.i == token.i
            and doc[start - 1].i not in tagged
            and doc[start - 1].lower_ not in TITLES
        ):
            start -= 1
        titled_once = token.i - start == 1 and start > 0 and doc[start - 1].is_title and doc[start - 1].lower_ in TITLES
        if 1 <= token.i - start <= 2 and (counts[token.text] >= 2 or titled_once):
            found.append(doc[start : token.i + 1])
    return found


def extract_actors(doc: Doc, aliases: AliasTable, text: str) -> list[Actor]:
    """Canonical actors of one document (whose text is `text`) with every mention's character offsets."""
    lines = _Lines(text)
    candidates: list[_Candidate] = []
    role_tokens: set[int] = set()
    shop_names = _names_with_possessive(doc)
    for ent in _with_joined_names(doc.ents):
        if ent.label_ not in ACTOR_LABELS:
            continue
        span = _trim(ent)
        if span is None or not any(ch.isalpha() for ch in span.text):
            continue
        known = aliases.lookup(span.text)
        if known is None and not span.text[0].isupper():
            continue  # "state" tagged ORG: names are capitalised
        title = None
        label = ent.label_
        if known is None and (longer := _with_organisation_word(span)).end > span.end:
            span, label = longer, "ORG"
        if label == "ORG" and known is None and (_named_in_post(span) or _honoured(span)):
            label = "PERSON"  # "Ukraine's ombudsman, Dmytro Lubinets"; "Dr Amrit Sandhu" tagged ORG
        elif label == "PERSON" and known is None and span[-1].lower_ in ORG_WORDS:
            label = "ORG"  # "Meridian Terminals"
        named = ent  # the name whose role words stand before it
        if label == "PERSON" and known is None:
            span, title = _split_title(span)
            if (longer := _with_given_names(span)).start < span.start:  # "Gergely Vass" tagged only "Vass"
                span = named = Span(doc, longer.start, longer.end, label="PERSON")
        elif known is None and (longer := _with_given_names(span)).start < span.start:
            span, label = longer, "PERSON"  # a two-word proper name is not a group or a place
        role = title or _role(named, lines.start_of(ent.start_char))
        if role is not None:
            role_tokens.update(range(role.start, role.end))
        if label == "GPE" and span.root.pos_ == "ADJ":
            label = "NORP"  # "Ukrainian officials": a group adjective, not the state
        known = aliases.lookup(span.text)  # again: the title may have been split off
        name, label = known if known else (span.text, label)
        if not known and span.text in shop_names and _possessive_after(span):
            span, label = doc[span.start : span.end + 1], "ORG"
            name = span.text
        candidates.append(_Candidate(span, name, label, role.text if role is not None else None, known is not None))
    # Configured aliases the model did not tag ("Zelenskyy" alone, "Sybiha" at a sentence start).
    tagged = _tagged(candidates)
    for span in aliases.find(doc):
        if tagged.isdisjoint(range(span.start, span.end)):
            name, label = aliases.lookup(span.text) or (span.text, "ORG")
            role = _role(span, lines.start_of(span.start_char)) if label == "PERSON" else None
            candidates.append(_Candidate(span, name, label, role.text if role is not None else None, True))

    tagged = _tagged(candidates)
    named = {c.span.text: c for c in candidates}
    titled = _title_case(doc)
    for span in _untagged_full_names(doc, titled, tagged):
        same = named.get(span.text)  # tagged elsewhere in the article: keep that reading
        candidates.append(
            _Candidate(span, same.name, same.type, None, same.trusted)
            if same
            else _Candidate(span, span.text, "PERSON", None, False)
        )
    tagged = _tagged(candidates)
    candidates += [_Candidate(span, span.text, "ORG", None, False) for span in _untagged_organisations(titled, tagged)]
    _organisations_tagged_as_places(candidates)
    # Full names seen in running text (not headlines) are what short forms link to.
    in_body = [c for c in candidates if not lines.in_heading(c.span.start_char)]
    short_forms = _short_forms(in_body)
    body_names = {c.name for c in in_body}
    candidates += _untagged_short_forms(titled, candidates, short_forms)

    organisations = {c.name for c in candidates if c.type == "ORG"}
    actors: dict[tuple[str, str], Actor] = {}
    for c in candidates:
        name, label = c.name, c.type
        if not c.trusted:
            if not role_tokens.isdisjoint(range(c.span.start, c.span.end)):
                continue  # "State" in "Secretary of State Marco Rubio" is part of a title
            if len(name.split()) == 1 and (label == "PERSON" or len(c.span) == 1):
                full = _full_name(short_forms, name, c.span.start_char)
                if full is not None and (full[1] == "PERSON" or label in ("PERSON", "ORG")):
                    name, label = full
                elif full is None and label == "PERSON" and name in organisations:
                    label = "ORG"  # "Ofgem found …" tagged PERSON where the article has it as ORG elsewhere
            elif (full := _full_name(short_forms, name, c.span.start_char)) and full[1] == "ORG":
                if short_forms[_fold(name)][full] < c.span.start_char:  # named in full before, as news does
                    name, label = full
            if lines.in_heading(c.span.start_char) and name not in body_names:
                continue
        actor = actors.setdefault((name, label), Actor(name=name, type=label))
        actor.mentions.append(ActorMention(c.span.start_char, c.span.end_char, c.span.text, c.role))
    for actor in actors.values():
        actor.mentions.sort(key=lambda m: m.start)
    return sorted(actors.values(), key=lambda a: (a.mentions[0].start, a.name))
