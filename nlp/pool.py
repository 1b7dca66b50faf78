"""Extraction on several cores: a pool of worker processes that each load the model once and live as long
as the pool (the daemon keeps one for its whole life), instead of spaCy's `n_process`, which starts a new
pool of processes for every batch.

Workers are started with `spawn`: the parent may already hold torch's threads (sentence embeddings), which
a forked child must not inherit.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from claimwatch.config.settings import ActorSettings, WatchlistClaim

from .extract import Extraction, Extractor
from .model import load_model

_extractor: Extractor | None = None


def _start(model: str, actors: Sequence[ActorSettings], watchlist: Sequence[WatchlistClaim], batch_size: int) -> None:
    global _extractor
    _extractor = Extractor(load_model(model), actors, watchlist, batch_size=batch_size)


def _extract(texts: list[str]) -> list[Extraction]:
    assert _extractor is not None, "worker not started"
    return list(_extractor.extract_many(texts))


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

    def extract_many(self, texts: Sequence[str]) -> list[Extraction]:
        """Extractions of non-empty `texts`, in order; each worker takes an equal, contiguous share."""
        if not texts:
            return []
        share = -(-len(texts) // self.processes)
        futures = [self._executor.submit(_extract, list(texts[i : i + share])) for i in range(0, len(texts), share)]
        return [extraction for future in futures for extraction in future.result()]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
