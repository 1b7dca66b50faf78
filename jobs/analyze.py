"""The analyze step: run the extractor over stored articles that are relevant and not yet analysed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.nlp.extract import Extraction, Extractor
from claimwatch.nlp.model import load_model
from claimwatch.nlp.pool import ExtractionPool
from claimwatch.store.analysis import KnownActors, pending_articles, save_extraction, sync_actor_aliases, sync_watchlist
from claimwatch.store.db import transaction
from claimwatch.store.models import Article, utcnow
from claimwatch.store.writes import exclusive_writes

from .semantic import Semantic, encode_claims, groups_for

log = logging.getLogger(__name__)


@dataclass
class AnalyzeSummary:
    articles: int = 0
    mentions: int = 0
    quotes: int = 0
    claims: int = 0
    failed: int = 0
    extract_seconds: float = 0.0  # spaCy and the rules, and the claims' embeddings for grouping and rescoring
    store_seconds: float = 0.0  # writing extractions, grouping claims


def build_extractor(settings: Settings) -> Extractor:
    """The extractor the config describes (model name, alias table, batch size), in this process."""
    return Extractor(
        load_model(settings.nlp.model), settings.actors, settings.watchlist, batch_size=settings.nlp.batch_size
    )


def build_pool(settings: Settings) -> ExtractionPool | None:
    """Worker processes for extraction when the config asks for more than one; None for one."""
    if settings.nlp.n_process <= 1:
        return None
    return ExtractionPool(
        settings.nlp.model,
        settings.actors,
        settings.watchlist,
        batch_size=settings.nlp.batch_size,
        processes=settings.nlp.n_process,
    )


def analyze_articles(
    settings: Settings,
    factory: sessionmaker[Session],
    article_ids: list[int],
    *,
    extractor: Extractor,
    semantic: Semantic | None,
) -> AnalyzeSummary:
    """Analyse those of `article_ids` still pending: the unit of work of a distributed-mode worker. Safe to run
    twice or at once on two workers: an article analysed meanwhile is skipped."""
    summary = AnalyzeSummary()
    with factory() as session:
        pending = [(a.id, a.text) for a in pending_articles(session, ids=article_ids)]
    if pending:
        with exclusive_writes(factory), transaction(factory) as session:
            sync_actor_aliases(session, settings.actors)
            sync_watchlist(session, settings.watchlist)
        _analyze_batches(settings, factory, extractor, None, semantic, summary, pending, lambda _after: [], None, None)
    if semantic is not None:
        semantic.save()
    return summary


def analyze_pending(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    extractor: Extractor | None = None,
    on_article: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    semantic: Semantic | None = None,
    pool: ExtractionPool | None = None,
) -> AnalyzeSummary:
    """Analyse every pending article, one batch at a time, each article committed on its own; when `stop`
    is set, it returns after the article in hand. With `semantic`, claims are grouped by meaning too; with
    `pool` (else one is started for this call when `[nlp] n_process` > 1) extraction runs on its workers."""
    summary = AnalyzeSummary()
    pending = _pending_ids(factory, _batch(settings))
    if not pending:
        return summary
    extractor = extractor or build_extractor(settings)
    with transaction(factory) as session:
        sync_actor_aliases(session, settings.actors)
        sync_watchlist(session, settings.watchlist)
    own_pool = pool is None and settings.nlp.n_process > 1
    pool = build_pool(settings) if own_pool else pool
    try:
        more = partial(_pending_ids, factory, _batch(settings))
        _analyze_batches(settings, factory, extractor, pool, semantic, summary, pending, more, on_article, stop)
    finally:
        if own_pool and pool is not None:
            pool.close()
    if semantic is not None:
        semantic.save()
    return summary


def _analyze_batches(
    settings: Settings,
    factory: sessionmaker[Session],
    extractor: Extractor,
    pool: ExtractionPool | None,
    semantic: Semantic | None,
    summary: AnalyzeSummary,
    pending: list[tuple[int, str]],
    next_batch: Callable[[int], list[tuple[int, str]]],
    on_article: Callable[[int], None] | None,
    stop: threading.Event | None,
) -> None:
    def stopped() -> bool:
        return stop is not None and stop.is_set()

    # The next batch is parsed (in a thread, or on the pool's workers) while this one is encoded and saved:
    # the parse leaves the second core mostly idle, and a pool's workers would otherwise wait for the parent.
    with ThreadPoolExecutor(1, thread_name_prefix="claimwatch-extract") as ahead:
        extracting = ahead.submit(_safe_extract, extractor, pool, [text for _id, text in pending])
        while pending and not stopped():
            started = time.monotonic()
            extractions = extracting.result()
            summary.extract_seconds += time.monotonic() - started
            following = next_batch(pending[-1][0]) if not stopped() else []
            if following:
                extracting = ahead.submit(_safe_extract, extractor, pool, [text for _id, text in following])
            started = time.monotonic()
            vectors = encode_claims(semantic.embedder, extractions) if semantic is not None else None
            summary.extract_seconds += time.monotonic() - started
            with exclusive_writes(factory):  # grouped against, and saved into, the store as it is now
                _save_batch(
                    settings, factory, extractor, semantic, vectors, summary, pending, extractions, on_article, stop
                )
            pending = following


def _save_batch(
    settings: Settings,
    factory: sessionmaker[Session],
    extractor: Extractor,
    semantic: Semantic | None,
    vectors: dict[str, np.ndarray] | None,
    summary: AnalyzeSummary,
    pending: list[tuple[int, str]],
    extractions: list[Extraction | None],
    on_article: Callable[[int], None] | None,
    stop: threading.Event | None,
) -> None:
    groups = groups_for(settings, factory, semantic, vectors) if semantic is not None and vectors is not None else None
    known = KnownActors()
    for (article_id, _text), extraction in zip(pending, extractions):
        started = time.monotonic()
        with transaction(factory) as session:
            article = session.get(Article, article_id)
            if article is None or article.analyzed_at is not None:
                continue  # deleted, or analysed meanwhile by another worker running the same task
            if extraction is None:
                # Nothing to analyse (empty text): mark it so it is not retried every cycle.
                article.analyzed_at, article.extractor_version = utcnow(), f"{extractor.version}:empty"
                summary.failed += 1
            else:
                counts = save_extraction(session, article, extraction, groups, known)
                summary.mentions += counts["mentions"]
                summary.quotes += counts["quotes"]
                summary.claims += counts["claims"]
                summary.articles += 1
        summary.store_seconds += time.monotonic() - started
        if on_article:
            on_article(article_id)
        if stop is not None and stop.is_set():
            break


def _batch(settings: Settings) -> int:
    """Articles read per round: a batch for each extraction process."""
    return settings.nlp.batch_size * settings.nlp.n_process


def _safe_extract(extractor: Extractor, pool: ExtractionPool | None, texts: list[str]) -> list[Extraction | None]:
    """One extraction per text, None for an empty text, parsing the rest in one batch (on the pool's
    workers when there is one)."""
    present = [t for t in texts if t.strip()]
    results = iter(pool.extract_many(present) if pool is not None else extractor.extract_many(present))
    return [next(results) if t.strip() else None for t in texts]


def _pending_ids(factory: sessionmaker[Session], limit: int, after: int | None = None) -> list[tuple[int, str]]:
    with factory() as session:
        return [(a.id, a.text) for a in pending_articles(session, limit=limit, after=after)]
