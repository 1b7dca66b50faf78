"""The embedding step and what matching and grouping by meaning need for a run.

Vectors are computed once and stored (store/vectors.py): every fact-check and canonical claim without a
vector from the configured model gets one here, in batches that each commit, so a killed import or
migration backfill resumes where it stopped. The search indexes live for the whole process (the daemon
syncs them each cycle instead of reloading them)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.nlp.embeddings import Embedder, active_embedder
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import Matching
from claimwatch.store.grouping import MeaningGroups
from claimwatch.store.models import ClaimVector, FactCheckVector
from claimwatch.store.vector_index import VectorIndex
from claimwatch.store.vectors import missing_vectors, store_vectors

log = logging.getLogger(__name__)

EMBED_BATCH = 1_024  # texts encoded and committed together: a kill loses at most one batch of work

_INDEXES: dict[tuple[str, str, str], VectorIndex] = {}


@dataclass(frozen=True)
class Semantic:
    """The loaded model and the two indexes (fact-checks, canonical claims) of one store."""

    embedder: Embedder
    factchecks: VectorIndex
    claims: VectorIndex

    def save(self) -> None:
        """Keep the indexes on disk for the next process."""
        self.factchecks.save()
        self.claims.save()


def semantic_for(settings: Settings) -> Semantic | None:
    """Matching by meaning as configured, or None for words only. Raises EmbeddingModelError (exit 5) when
    the configured model cannot be loaded."""
    embedder = active_embedder(settings)
    if embedder is None:
        return None
    cache = settings.data_dir / "vectors"
    url = settings.database_url

    def index(table: type[FactCheckVector] | type[ClaimVector]) -> VectorIndex:
        key = (url, table.__tablename__, embedder.name)
        if key not in _INDEXES:
            _INDEXES[key] = VectorIndex(table, embedder.name, embedder.dimensions, store_url=url, cache_dir=cache)
        return _INDEXES[key]

    return Semantic(embedder, index(FactCheckVector), index(ClaimVector))


def matching_for(settings: Settings, semantic: Semantic | None) -> Matching:
    """The matching the config asks for, with the thresholds of the active score."""
    if semantic is None:
        return Matching(auto=settings.factchecks.auto_link_threshold, suggest=settings.factchecks.suggest_threshold)
    return Matching(
        auto=settings.semantic.auto_link_threshold,
        suggest=settings.semantic.suggest_threshold,
        embedder=semantic.embedder,
        index=semantic.factchecks,
        word_weight=settings.semantic.word_weight,
        candidates=settings.semantic.candidates,
    )


_WORDINGS: dict[tuple[str, str], np.ndarray] = {}  # (model, watchlist wording) → its vector, for the process


def _wording_vectors(embedder: Embedder, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The watchlist's wordings' vectors, each encoded once per process rather than once per batch (a long
    watchlist would otherwise cost as much as the batch's claims)."""
    missing = [t for t in texts if (embedder.name, t) not in _WORDINGS]  # encode_texts drops repeats
    if missing:
        for text, vector in embedder.encode_texts(missing).items():
            _WORDINGS[(embedder.name, text)] = vector
    return {t: _WORDINGS[(embedder.name, t)] for t in texts}


def groups_for(settings: Settings, semantic: Semantic, vectors: Mapping[str, np.ndarray]) -> MeaningGroups:
    """Grouping by meaning for a batch of claims about to be saved, given the vectors of their texts. The
    claims' index is brought up to the store by the grouping itself (what earlier batches stored); the full
    check, which counts the vector table, is the job's, once (jobs/analyze.py)."""
    wordings = [(entry.key, text) for entry in settings.watchlist for text in (entry.claim, *entry.paraphrases)]
    listed = _wording_vectors(semantic.embedder, [text for _key, text in wordings])
    return MeaningGroups(
        index=semantic.claims,
        model=semantic.embedder.name,
        threshold=settings.semantic.group_threshold,
        watchlist=[(key, listed[text], text) for key, text in wordings],
        vectors=vectors,
    )


def embed_missing(
    factory: sessionmaker[Session], embedder: Embedder, *, on_progress: Callable[[int], None] | None = None
) -> int:
    """Embed every fact-check and claim that has no vector from the model, a batch per transaction;
    returns how many were embedded."""
    done = 0
    for table in (FactCheckVector, ClaimVector):
        after = 0
        while True:
            with factory() as session:
                items = missing_vectors(session, table, embedder.name, after=after, limit=EMBED_BATCH)
            if not items:
                break
            vectors = embedder.encode([text for _id, text in items])
            with transaction(factory) as session:
                store_vectors(session, table, embedder.name, items, vectors)
            after = items[-1][0]
            done += len(items)
            if on_progress is not None:
                on_progress(len(items))
    if done:
        log.info("embedded %d fact-checks and claims with %s", done, embedder.name)
    return done
