"""Actors: named entities turned into canonical people, organisations, places and groups.

Per article: titles and roles are split off ("Ukrainian Foreign Minister Andrii Sybiha" → Andrii Sybiha,
role "Ukrainian Foreign Minister"), short forms are linked to the full name used elsewhere in the same
text ("Sybiha" → Andrii Sybiha), and the alias table from config decides names and types it knows
("Zelenskyy" → Volodymyr Zelensky, "Kyiv" → Ukraine), overriding the model's label where it errs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from claimwatch.config.settings import ActorSettings

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_LEADING_DROP = frozenset({"DET", "ADP", "CCONJ", "PUNCT"})
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "nn"})
_HEADING_MAX_CHARS = 120


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
        for actor in actors:
            for alias in (actor.name, *actor.aliases):
                self._map[_fold(alias)] = (actor.name, actor.type)
                if _fold(alias).startswith("the "):
                    self._map[_fold(alias)[4:]] = (actor.name, actor.type)

    def lookup(self, text: str) -> tuple[str, str] | None:
        return self._map.get(_fold(text))


def _trim(span: Span) -> Span | None:
    """The entity without leading determiners/prepositions and a trailing possessive."""
    start, end = span.start, span.end
    while start < end and (span.doc[start].pos_ in _LEADING_DROP or span.doc[start].lower_ == "the"):
        start += 1
    while end > start and (span.doc[end - 1].tag_ == "POS" or span.doc[end - 1].text in ("'s", "’s", "’")):
        end -= 1
    return span.doc[start:end] if end > start else None


def _role(span: Span) -> Span | None:
    """Title or role words in front of a person's name, as the parser attached them."""
    if span.label_ != "PERSON":
        return None
    left = [
        child
        for child in span.root.lefts
        if child.i < span.start and child.dep_ in _ROLE_DEPS and child.pos_ in ("PROPN", "NOUN", "ADJ")
    ]
    if not left:
        return None
    start = min(child.left_edge.i for child in left)
    while start < span.start and span.doc[start].pos_ in ("DET", "PUNCT"):
        start += 1
    return span.doc[start : span.start] if start < span.start else None


def _in_heading(doc: Doc, span: Span) -> bool:
    """A short line without closing punctuation: a headline or section title."""
    text = doc.text
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line = text[line_start : line_end if line_end != -1 else len(text)].strip()
    return len(line) <= _HEADING_MAX_CHARS and not line.endswith((".", "!", "?", '"', "”", ":"))


def extract_actors(doc: Doc, aliases: AliasTable) -> list[Actor]:
    """Canonical actors of one document with every mention's character offsets."""
    candidates: list[tuple[Span, str, str, str | None, bool]] = []  # span, name, type, role, trusted
    role_spans: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        span = _trim(ent)
        if span is None or not any(ch.isalpha() for ch in span.text):
            continue
        role = _role(ent)
        if role is not None:
            role_spans.append((role.start_char, role.end_char))
        known = aliases.lookup(span.text)
        name, label = known if known else (span.text, ent.label_)
        candidates.append((span, name, label, role.text if role is not None else None, known is not None))

    # Full names seen in running text (not headings) are what short forms link to.
    full_names = {
        name: label
        for span, name, label, _role_text, _trusted in candidates
        if label == "PERSON" and len(name.split()) > 1 and not _in_heading(doc, span)
    }
    by_surname: dict[str, set[str]] = {}
    for name in full_names:
        by_surname.setdefault(_fold(name.split()[-1]), set()).add(name)

    body_names = {name for span, name, _l, _r, _t in candidates if not _in_heading(doc, span)}
    actors: dict[tuple[str, str], Actor] = {}
    for span, name, label, role_text, trusted in candidates:
        if not trusted:
            inside_role = any(s <= span.start_char and span.end_char <= e for s, e in role_spans)
            if inside_role:
                continue
            if label == "PERSON" or len(span) == 1:
                matches = by_surname.get(_fold(name.split()[-1]), set())
                if len(matches) == 1 and len(name.split()) == 1:
                    name, label = next(iter(matches)), "PERSON"
            if _in_heading(doc, span) and name not in body_names and name not in full_names:
                continue
        actor = actors.setdefault((name, label), Actor(name=name, type=label))
        actor.mentions.append(ActorMention(span.start_char, span.end_char, span.text, role_text))
    return sorted(actors.values(), key=lambda a: (a.mentions[0].start, a.name))
