"""The extraction entry point: text in; actors, quotes and claims out.

Texts are parsed with nlp.pipe in batches; a text longer than spaCy's comfortable size is cut at
paragraph breaks into pieces, and every offset is mapped back into the original string.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby, tee

from spacy.language import Language
from spacy.tokens import Doc

from claimwatch.config.settings import ActorSettings, WatchlistClaim

from .actors import Actor, ActorMention, AliasTable, extract_actors
from .checkworthiness_model import CheckworthinessModel, load_checkworthiness_models
from .claims import Claim, Watchlist, extract_claims
from .model import MAX_PIECE_CHARS, model_version
from .quotemarks import find_quotations
from .quotes import Quote, extract_quotes
from .speakers import SpeakerResolver

EXTRACTOR_VERSION = "12"


class ExtractionInputError(ValueError):
    """The input is empty or not text."""


@dataclass
class Extraction:
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    version: str = ""

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of `claimwatch extract`."""
        return {
            "actors": [
                {
                    "name": a.name,
                    "type": a.type,
                    "mentions": [[m.start, m.end] for m in a.mentions],
                    "roles": sorted({m.role for m in a.mentions if m.role}),
                }
                for a in self.actors
            ],
            "quotes": [q.to_json() for q in self.quotes],
            "claims": [c.to_json() for c in self.claims],
        }


def split_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering `text`, cut at paragraph (else line, else space) breaks."""
    pieces = []
    offset = 0
    while len(text) - offset > limit:
        window = text[offset : offset + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut <= 0:
            cut = window.rfind(" ")
        cut = cut + 1 if cut > 0 else limit
        pieces.append((offset, text[offset : offset + cut]))
        offset += cut
    pieces.append((offset, text[offset:]))
    return pieces


def _shift(extraction: Extraction, offset: int) -> Extraction:
    def moved(value: int | None) -> int | None:
        return None if value is None else value + offset

    actors = [
        Actor(a.name, a.type, [ActorMention(m.start + offset, m.end + offset, m.text, m.role) for m in a.mentions])
        for a in extraction.actors
    ]
    quotes = [
        replace(
            q,
            start=q.start + offset,
            end=q.end + offset,
            quoted=[(s + offset, e + offset) for s, e in q.quoted],
            speaker_start=moved(q.speaker_start),
            speaker_end=moved(q.speaker_end),
            cue_start=moved(q.cue_start),
            cue_end=moved(q.cue_end),
        )
        for q in extraction.quotes
    ]
    claims = [
        replace(
            c,
            start=c.start + offset,
            end=c.end + offset,
            claimant_start=moved(c.claimant_start),
            claimant_end=moved(c.claimant_end),
        )
        for c in extraction.claims
    ]
    return Extraction(actors, quotes, claims, extraction.version)


def _merge(parts: Sequence[Extraction]) -> Extraction:
    merged: dict[tuple[str, str], Actor] = {}
    for part in parts:
        for actor in part.actors:
            merged.setdefault((actor.name, actor.type), Actor(actor.name, actor.type)).mentions.extend(actor.mentions)
    return Extraction(
        actors=list(merged.values()),
        quotes=[q for p in parts for q in p.quotes],
        claims=[c for p in parts for c in p.claims],
        version=parts[0].version,
    )


class Extractor:
    """Runs the model and the extraction rules; build one per process and reuse it."""

    def __init__(
        self,
        nlp: Language,
        actors: Sequence[ActorSettings] = (),
        watchlist: Sequence[WatchlistClaim] = (),
        *,
        batch_size: int = 16,
        checkworthiness: CheckworthinessModel | None = None,
    ) -> None:
        self.nlp = nlp
        self.checkworthiness = checkworthiness or load_checkworthiness_models().text
        self.aliases = AliasTable(actors)
        self.aliases.bind(nlp)
        affiliations = {a.name: a.affiliation for a in actors if a.affiliation}
        self.watchlist = Watchlist(watchlist, nlp, self.aliases, affiliations) if watchlist else None
        self.batch_size = batch_size
        self.version = f"{EXTRACTOR_VERSION}+{model_version(nlp)}"

    def extract(self, text: str) -> Extraction:
        """Extract from one text; raise ExtractionInputError for empty or non-text input."""
        return next(self.extract_many([text]))

    def extract_many(self, texts: Iterable[str]) -> Iterator[Extraction]:
        """Extract from many texts, one Extraction per text in order, parsing all pieces in batches."""
        feed, keys = tee(self._pieces(texts))
        docs = self.nlp.pipe((piece for _i, _offset, piece in feed), batch_size=self.batch_size)
        for _index, group in groupby(zip(keys, docs), key=lambda pair: pair[0][0]):
            parts = [_shift(self._extract_doc(doc, piece), offset) for (_i, offset, piece), doc in group]
            yield parts[0] if len(parts) == 1 else _merge(parts)

    def _extract_doc(self, doc: Doc, text: str) -> Extraction:
        """The extraction of one parsed piece; `text` is the piece (spaCy's `doc.text` joins every token
        again on each call)."""
        actors = extract_actors(doc, self.aliases, text)
        quotations = find_quotations(text)
        resolver = SpeakerResolver(doc, text, actors, [(q.outer_start, q.outer_end) for q in quotations])
        resolver.add_description_mentions()
        quotes = extract_quotes(doc, quotations, resolver)
        claims = extract_claims(doc, quotes, resolver, self.watchlist, self.checkworthiness)
        return Extraction(actors, quotes, claims, self.version)

    @staticmethod
    def _pieces(texts: Iterable[str]) -> Iterator[tuple[int, int, str]]:
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise ExtractionInputError(f"expected text, got {type(text).__name__}")
            if not text.strip():
                raise ExtractionInputError("empty text: nothing to extract")
            for offset, piece in split_pieces(text):
                yield index, offset, piece
