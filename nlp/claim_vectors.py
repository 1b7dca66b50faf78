"""The vectors of a batch's claims, and the check-worthiness score that reads them.

Grouping by meaning and fact-check matching compare claim propositions as vectors; the semantic
check-worthiness model scores a claim from the same vector. Both happen where the batch was parsed (a pool
worker, or the analysing process), so the parent only stores.

The same propositions come back batch after batch (a wire story in a dozen outlets, a line every report on
a story repeats), so each process keeps the vectors of the last few thousand it encoded and encodes only
the rest: on the first-cycle benchmark's 800 news articles, 12% of a worker's propositions had been
encoded by it before. A vector depends on its text alone (in int8 each token is quantised by itself), so a
remembered one is the one encoding would give.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .checkworthiness_model import load_checkworthiness_models
from .embeddings import Embedder
from .extract import Extraction

RECENT = 4096  # vectors remembered per process: 6 MB at 384 dimensions


class _Recent:
    """The vectors of the propositions encoded last, by model and precision, the oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, embedder: Embedder, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The vector of each distinct text, encoding only those not remembered. Remembered vectors are
        read-only copies: a caller that changed one in place would change it for every later batch."""
        unique = list(dict.fromkeys(texts))
        keys = {text: (embedder.name, embedder.precision, text) for text in unique}
        with self._lock:
            found = {text: self._vectors[key] for text, key in keys.items() if key in self._vectors}
            for text in found:
                self._vectors.move_to_end(keys[text])
        missing = [text for text in unique if text not in found]
        if missing:
            for text, vector in embedder.encode_texts(missing).items():
                found[text] = vector.copy()
                found[text].setflags(write=False)
            with self._lock:
                self._vectors.update((keys[text], found[text]) for text in missing)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return {text: found[text] for text in unique}


_recent = _Recent(RECENT)


def encode_claims(embedder: Embedder, extractions: Sequence[Extraction | None]) -> dict[str, np.ndarray]:
    """The vector of each distinct claim proposition, and every claim rescored by the check-worthiness model
    that also reads it (when its weights were trained with this embedding model: another would misread)."""
    claims = [c for extraction in extractions if extraction for c in extraction.claims]
    vectors = _recent.encode(embedder, [c.proposition for c in claims])
    model = load_checkworthiness_models().semantic
    if model.embedding == embedder.name:
        model.rescore(extractions, vectors)
    return vectors
