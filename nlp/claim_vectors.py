"""The vectors of a batch's claims, and the check-worthiness score that reads them.

Grouping by meaning and fact-check matching compare claim propositions as vectors; the semantic
check-worthiness model scores a claim from the same vector. Both happen where the batch was parsed (a pool
worker, or the analysing process), so the parent only stores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .checkworthiness_model import load_checkworthiness_models
from .embeddings import Embedder
from .extract import Extraction


def encode_claims(embedder: Embedder, extractions: Sequence[Extraction | None]) -> dict[str, np.ndarray]:
    """The vector of each distinct claim proposition, and every claim rescored by the check-worthiness model
    that also reads it (when its weights were trained with this embedding model: another would misread)."""
    claims = [c for extraction in extractions if extraction for c in extraction.claims]
    vectors = embedder.encode_texts(c.proposition for c in claims)
    model = load_checkworthiness_models().semantic
    if model.embedding == embedder.name:
        model.rescore(extractions, vectors)
    return vectors
