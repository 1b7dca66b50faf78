"""Extraction on several cores: a pool of worker processes that each load the model once and live as long
as the pool (the daemon keeps one for its whole life), instead of spaCy's `n_process`, which starts a new
pool of processes for every batch.

With grouping by meaning on, each worker also embeds the claims it extracted (nlp/claim_vectors.py), so
the parent only stores. Workers are started with `spawn`: the parent may already hold BLAS threads
(sentence embeddings), which a forked child must not inherit.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from claimwatch.config.settings import ActorSettings, WatchlistClaim

from .claim_vectors import encode_claims
from .embeddings import Embedder, load_embedder
from .extract import Extraction, Extractor
from .model import load_model

_extractor: Extractor | None = None
EmbedderKey = tuple[str, int, str, Path | None]  # load_embedder's arguments


def _start(model: str, actors: Sequence[ActorSettings], watchlist: Sequence[WatchlistClaim], batch_size: int) -> None:
    global _extractor
    # A worker is one core's worth of work: BLAS threads of its own would fight the other workers for the
    # cores (measured on 2 cores, when the embedding's products ran in NumPy: a cycle took 60 s with them, 44 s
    # without). Loading the model sets the same limit for the parse's sake (nlp/model.py); this one is the
    # worker's, whatever the model loader does. The encoder has its own single thread (nlp/bert.py).
    threadpool_limits(limits=1)
    _extractor = Extractor(load_model(model), actors, watchlist, batch_size=batch_size)


def _extract(texts: list[str], embedding: EmbedderKey | None) -> tuple[list[Extraction], dict[str, np.ndarray]]:
    assert _extractor is not None, "worker not started"
    extractions = list(_extractor.extract_many(texts))
    vectors = encode_claims(load_embedder(*embedding), extractions) if embedding is not None else {}
    _drop_signals(extractions)
    return extractions, vectors


def _drop_signals(extractions: Sequence[Extraction]) -> None:
    """Each claim's sentence signals (its lemmas, tags and entity types as text) served its check-worthiness
    scores, here; the parent never reads them, and unpickling them was 1.3 of the 1.7 ms an article the
    parent spent receiving a batch (measured on 320 of the cycle benchmark's articles)."""
    for extraction in extractions:
        for claim in extraction.claims:
            claim.signals = None


def _version() -> str:
    assert _extractor is not None, "worker not started"
    return _extractor.version


def shares(texts: Sequence[str], parts: int) -> list[Sequence[str]]:
    """`texts` cut into at most `parts` contiguous, non-empty runs of about equal characters: a worker's
    time follows the length of what it parses, so equal counts of unequal articles leave one worker idle."""
    ends = np.cumsum([len(t) for t in texts])
    cuts = {0, len(texts)}
    for k in range(1, parts):
        goal = ends[-1] * k / parts
        i = int(np.searchsorted(ends, goal))  # the first text that reaches the goal: cut before or after it
        before = ends[i - 1] if i > 0 else 0
        cuts.add(i if goal - before < ends[i] - goal else i + 1)
    bounds = sorted(cuts)
    return [texts[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


class ExtractionPool:
    """`processes` workers, each with its own model and extractor; `extract_many` spreads a batch over them
    and returns the extractions in the order of the texts."""

    def __init__(
        self,
        model: str,
        actors: Sequence[ActorSettings],
        watchlist: Sequence[WatchlistClaim],
        *,
        batch_size: int,
        processes: int,
    ) -> None:
        self.processes = processes
        self._executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(model, list(actors), list(watchlist), batch_size),
        )

    @functools.cached_property
    def version(self) -> str:
        """The workers' extractor version (what an article analysed by them records), asked of one once: the
        parent need not load a model of its own to know it."""
        return self._executor.submit(_version).result()

    def extract_many(self, texts: Sequence[str]) -> list[Extraction]:
        """Extractions of non-empty `texts`, in order, from contiguous shares of about equal length."""
        return self._run(texts, None)[0]

    def extract_and_encode(
        self, texts: Sequence[str], embedder: Embedder
    ) -> tuple[list[Extraction], dict[str, np.ndarray]]:
        """`extract_many`, and the vector of every claim proposition (`encode_claims`), computed by the
        worker that parsed it: parsing and embedding then share the cores evenly."""
        return self._run(texts, (embedder.name, embedder.batch_size, embedder.precision, embedder.cache_dir))

    def _run(
        self, texts: Sequence[str], embedding: EmbedderKey | None
    ) -> tuple[list[Extraction], dict[str, np.ndarray]]:
        if not texts:
            return [], {}
        # Two shares a worker: whichever worker is free takes the next, so one left with the longer half of
        # the last batch keeps the other idle for half as long (a batch's shares are queued behind the one
        # before: the workers never wait at a batch's end).
        parts = shares(texts, self.processes * 2)
        futures = [self._executor.submit(_extract, list(share), embedding) for share in parts]
        extractions: list[Extraction] = []
        vectors: dict[str, np.ndarray] = {}
        for future in futures:
            done, encoded = future.result()
            extractions += done
            vectors.update(encoded)
        return extractions, vectors

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
