"""The extraction entry point: text in, actors (and what they said and claimed) out.

Texts are parsed with nlp.pipe in batches; a text longer than spaCy's comfortable size is cut at
paragraph breaks into pieces, and every offset is mapped back into the original string.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby, tee
from dataclasses import dataclass, field

from spacy.language import Language

from .actors import Actor, ActorMention, AliasTable, extract_actors
from .model import MAX_PIECE_CHARS, model_version

EXTRACTOR_VERSION = "1"


class ExtractionInputError(ValueError):
    """The input is empty or not text."""


@dataclass
class Extraction:
    actors: list[Actor] = field(default_factory=list)
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


def _merge(parts: list[tuple[int, list[Actor]]]) -> list[Actor]:
    merged: dict[tuple[str, str], Actor] = {}
    for offset, actors in parts:
        for actor in actors:
            target = merged.setdefault((actor.name, actor.type), Actor(actor.name, actor.type))
            target.mentions.extend(
                ActorMention(m.start + offset, m.end + offset, m.text, m.role) for m in actor.mentions
            )
    return list(merged.values())


class Extractor:
    """Runs the model and the extraction rules; build one per process and reuse it."""

    def __init__(self, nlp: Language, aliases: AliasTable, *, batch_size: int = 16, n_process: int = 1) -> None:
        self.nlp = nlp
        self.aliases = aliases
        aliases.bind(nlp)
        self.batch_size = batch_size
        self.n_process = n_process
        self.version = f"{EXTRACTOR_VERSION}+{model_version(nlp)}"

    def extract(self, text: str) -> Extraction:
        """Extract from one text; raise ExtractionInputError for empty or non-text input."""
        return next(self.extract_many([text]))

    def extract_many(self, texts: Iterable[str]) -> Iterator[Extraction]:
        """Extract from many texts, one Extraction per text in order, parsing all pieces in batches."""
        feed, keys = tee(self._pieces(texts))
        docs = self.nlp.pipe((piece for _i, _offset, piece in feed), batch_size=self.batch_size,
                             n_process=self.n_process)
        for _index, group in groupby(zip(keys, docs), key=lambda pair: pair[0][0]):
            parts = [(offset, extract_actors(doc, self.aliases)) for (_i, offset, _p), doc in group]
            actors = parts[0][1] if len(parts) == 1 else _merge(parts)
            yield Extraction(actors=actors, version=self.version)

    @staticmethod
    def _pieces(texts: Iterable[str]) -> Iterator[tuple[int, int, str]]:
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise ExtractionInputError(f"expected text, got {type(text).__name__}")
            if not text.strip():
                raise ExtractionInputError("empty text: nothing to extract")
            for offset, piece in split_pieces(text):
                yield index, offset, piece
