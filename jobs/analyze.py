"""The analyze step: run the extractor over stored articles that are relevant and not yet analysed."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_limits

from claimwatch.config.settings import Settings
from claimwatch.nlp.claim_vectors import encode_claims
from claimwatch.nlp.extract import Extraction, Extractor
from claimwatch.nlp.model import load_model
from claimwatch.nlp.pool import ExtractionPool
from claimwatch.store.analysis import pending_articles, save_extractions, sync_actor_aliases, sync_watchlist
from claimwatch.store.db import transaction
from claimwatch.store.models import Article, utcnow
from claimwatch.store.writes import exclusive_writes

from .semantic import Semantic, groups_for

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often the analysis looks for a full batch while the fetch is still storing articles


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
    """Worker processes for extraction when the config asks for more than one; None for one.

    With a pool this process groups, matches and stores what the workers send, beside them on the same cores,
    so its BLAS runs on one thread, as each worker's does (NumPy's default is a thread a core): in a
    1,000-article first cycle on 2 cores the parent spent 39-41 ms of CPU an article on one thread against 43
    on two (docs/performance.md). The limit is the process's."""
    if settings.nlp.n_process <= 1:
        return None
    threadpool_limits(limits=1, user_api="blas")
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
        _analyze_batches(
            settings, factory, extractor, None, semantic, summary, pending, lambda _after, _wait: [], None, None
        )
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
    fetched: threading.Event | None = None,
) -> AnalyzeSummary:
    """Analyse every pending article, one batch at a time, each batch committed as one; when `stop` is set,
    it returns after the batch in hand. With `semantic`, claims are grouped by meaning too; with
    `pool` (else one is started for this call when `[nlp] n_process` > 1) extraction runs on its workers.
    Until `fetched` is set, more articles are on their way: it waits for full batches instead of
    returning (the cycle analyses the first articles while later feeds are still being fetched)."""
    summary = AnalyzeSummary()
    more = partial(_next_batch, factory, _batch(settings), fetched, stop)
    pending = more(None, True)
    if not pending:
        return summary
    with transaction(factory) as session:
        sync_actor_aliases(session, settings.actors)
        sync_watchlist(session, settings.watchlist)
    own_pool = pool is None and settings.nlp.n_process > 1
    pool = build_pool(settings) if own_pool else pool
    if pool is None:  # with a pool the workers parse: this process needs no model of its own
        extractor = extractor or build_extractor(settings)
    try:
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
    extractor: Extractor | None,
    pool: ExtractionPool | None,
    semantic: Semantic | None,
    summary: AnalyzeSummary,
    pending: list[tuple[int, str]],
    next_batch: Callable[[int, bool], list[tuple[int, str]]],
    on_article: Callable[[int], None] | None,
    stop: threading.Event | None,
) -> None:
    def stopped() -> bool:
        return stop is not None and stop.is_set()

    def version() -> str:  # asked only for an empty text: a pool's workers answer it after their batch
        return extractor.version if extractor is not None else pool.version if pool is not None else ""

    if semantic is not None:  # the claims' index checked against the store once a job: the check counts the
        with factory() as session:  # vector table; each batch's grouping reads only what was stored since
            semantic.claims.sync(session)

    # The next batch is parsed (in a thread, or on the pool's workers) while this one is encoded and saved:
    # the parse leaves the second core mostly idle, and a pool's workers would otherwise wait for the parent.
    # A pool gets the batch after that too: a worker done with its shares of one batch starts on the next
    # instead of waiting for the other worker's.
    depth = 2 if pool is not None else 1
    with ThreadPoolExecutor(depth, thread_name_prefix="claimwatch-extract") as ahead:
        inflight: deque[tuple[list[tuple[int, str]], Future[Extracted]]] = deque()
        last = pending[-1][0]

        def send(batch: list[tuple[int, str]]) -> None:
            nonlocal last
            inflight.append((batch, ahead.submit(_safe_extract, extractor, pool, semantic, [t for _i, t in batch])))
            last = batch[-1][0]

        def top_up(wait: bool) -> None:
            """Batches sent until `depth` are in flight; waiting for a full one only if none is (`wait`)."""
            while len(inflight) < depth and not stopped():
                following = next_batch(last, wait and not inflight)
                if not following:
                    return
                send(following)

        send(pending)
        top_up(False)
        while inflight and not stopped():
            pending, extracting = inflight.popleft()
            started = time.monotonic()
            extractions, vectors = extracting.result()
            summary.extract_seconds += time.monotonic() - started
            top_up(False)  # the next batch goes to the parser now if it is there; else after this one is saved
            if semantic is not None and vectors is None:  # one process: embed here while the thread parses
                started = time.monotonic()
                vectors = encode_claims(semantic.embedder, extractions)
                summary.extract_seconds += time.monotonic() - started
            with exclusive_writes(factory):  # grouped against, and saved into, the store as it is now
                _save_batch(settings, factory, version, semantic, vectors, summary, pending, extractions, on_article)
            top_up(True)


def _save_batch(
    settings: Settings,
    factory: sessionmaker[Session],
    version: Callable[[], str],
    semantic: Semantic | None,
    vectors: dict[str, np.ndarray] | None,
    summary: AnalyzeSummary,
    pending: list[tuple[int, str]],
    extractions: list[Extraction | None],
    on_article: Callable[[int], None] | None,
) -> None:
    groups = groups_for(settings, semantic, vectors) if semantic is not None and vectors is not None else None
    started = time.monotonic()
    with transaction(factory) as session:  # the whole batch or none of it: a killed run redoes the batch
        wanted = [article_id for article_id, _text in pending]
        articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(wanted)))}
        analysed, saved = [], []
        for (article_id, _text), extraction in zip(pending, extractions):
            article = articles.get(article_id)
            if article is None or article.analyzed_at is not None:
                continue  # deleted, or analysed meanwhile by another worker running the same task
            saved.append(article_id)
            if extraction is None:
                # Nothing to analyse (empty text): mark it so it is not retried every cycle.
                article.analyzed_at, article.extractor_version = utcnow(), f"{version()}:empty"
                summary.failed += 1
            else:
                analysed.append((article, extraction))
        counts = save_extractions(session, analysed, groups)
    summary.mentions += counts["mentions"]
    summary.quotes += counts["quotes"]
    summary.claims += counts["claims"]
    summary.articles += len(analysed)
    summary.store_seconds += time.monotonic() - started
    if on_article:
        for article_id in saved:
            on_article(article_id)


def _batch(settings: Settings) -> int:
    """Articles read per round: a batch for each extraction process."""
    return settings.nlp.batch_size * settings.nlp.n_process


Extracted = tuple[list[Extraction | None], dict[str, np.ndarray] | None]


def _safe_extract(
    extractor: Extractor | None, pool: ExtractionPool | None, semantic: Semantic | None, texts: list[str]
) -> Extracted:
    """One extraction per text, None for an empty text, parsing the rest in one batch; on the pool's workers
    when there is one, which then also embed the claims (else the vectors are None: the caller embeds)."""
    present = [t for t in texts if t.strip()]
    vectors = None
    if pool is None:
        assert extractor is not None, "one process needs an extractor"
        done = extractor.extract_many(present)
    elif semantic is None:
        done = pool.extract_many(present)
    else:
        done, vectors = pool.extract_and_encode(present, semantic.embedder)
    results = iter(done)
    return [next(results) if t.strip() else None for t in texts], vectors


def _next_batch(
    factory: sessionmaker[Session],
    limit: int,
    fetched: threading.Event | None,
    stop: threading.Event | None,
    after: int | None,
    wait: bool,
) -> list[tuple[int, str]]:
    """The next `limit` pending articles after id `after`; fewer only once nothing more is being fetched.
    Until then, it waits for a full batch, or (`wait` false) returns none."""
    while True:
        final = fetched is None or fetched.is_set()  # read before the look-up: what it then stored is seen
        batch = _pending_ids(factory, limit, after)
        if len(batch) >= limit or final or (stop is not None and stop.is_set()):
            return batch
        if not wait:
            return []
        assert fetched is not None  # else `final`
        fetched.wait(POLL_SECONDS)


def _pending_ids(factory: sessionmaker[Session], limit: int, after: int | None = None) -> list[tuple[int, str]]:
    with factory() as session:
        return [(a.id, a.text) for a in pending_articles(session, limit=limit, after=after)]
