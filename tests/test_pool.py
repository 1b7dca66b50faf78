"""Extraction on a pool of worker processes gives exactly what one process gives, and the workers live
across batches (the model is loaded once per worker, not once per batch)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_info, threadpool_limits

from claimwatch.config import load_config
from claimwatch.jobs.analyze import analyze_pending, build_pool
from claimwatch.nlp.extract import Extractor
from claimwatch.nlp.pool import ExtractionPool, shares
from claimwatch.store.db import transaction
from claimwatch.store.models import Article, ClaimOccurrence, Mention, Quote

from .conftest import FIXTURES, make_settings


@pytest.fixture(scope="module")
def pool() -> ExtractionPool:
    settings = load_config()
    made = ExtractionPool(settings.nlp.model, settings.actors, settings.watchlist, batch_size=4, processes=2)
    yield made
    made.close()


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    paragraphs = [p for t in texts for p in t.splitlines() if len(p.split()) > 12]
    return texts + paragraphs


def test_the_pool_extracts_exactly_what_one_process_does(pool: ExtractionPool, extractor: Extractor) -> None:
    texts = _texts()
    assert len(texts) >= 6
    alone = [e.to_json() for e in extractor.extract_many(texts)]
    received = pool.extract_many(texts)
    assert [e.to_json() for e in received] == alone
    # the claims' sentence signals served their scores in the worker and are not sent back
    assert any(e.claims for e in received) and all(c.signals is None for e in received for c in e.claims)


def test_workers_live_across_batches(pool: ExtractionPool) -> None:
    pool.extract_many(_texts()[:4])
    workers = set(pool._executor._processes)  # the executor's own table of worker pids
    pool.extract_many(_texts()[:4])
    pool.extract_many(_texts()[:4])
    assert set(pool._executor._processes) == workers and os.getpid() not in workers and 1 <= len(workers) <= 2


def test_analyze_with_two_processes_stores_what_one_stores(
    tmp_path: Path, factory: sessionmaker[Session], extractor: Extractor
) -> None:
    texts = _texts()

    def stored(settings_dir: Path, processes: int) -> list[tuple[object, ...]]:
        settings = make_settings(settings_dir)
        settings = settings.model_copy(update={"nlp": settings.nlp.model_copy(update={"n_process": processes})})
        with transaction(factory) as session:
            for i, text in enumerate(texts):
                session.add(Article(url=f"https://p{processes}.example/{i}", text=text, relevant=True,
                                    content_hash=f"{processes}-{i}", language="en"))  # fmt: skip
        own = build_pool(settings)
        assert (own is None) == (processes == 1)
        try:
            analyze_pending(settings, factory, extractor=extractor, pool=own)
        finally:
            if own is not None:
                own.close()
        with factory() as session:
            prefix = f"https://p{processes}.example/"
            rows = []
            for model, key in (
                (Quote, Quote.start),
                (ClaimOccurrence, ClaimOccurrence.start),
                (Mention, Mention.start),
            ):
                found = session.execute(
                    select(Article.url, model).join(Article, Article.id == model.article_id)
                    .where(Article.url.startswith(prefix)).order_by(Article.url, key)
                ).all()  # fmt: skip
                rows += [(url.removeprefix(prefix), model.__tablename__, m.start, m.end, m.text) for url, m in found]
            return rows

    one = stored(tmp_path / "one", 1)
    two = stored(tmp_path / "two", 2)
    assert one and one == two


@pytest.mark.parametrize(
    ("lengths", "parts", "expected"),
    [
        ([500, 40, 40, 40, 500], 2, [[500, 40, 40], [40, 500]]),  # by length, not by count
        ([300, 20, 20, 20, 20, 20], 2, [[300], [20, 20, 20, 20, 20]]),
        ([50] * 6, 3, [[50, 50], [50, 50], [50, 50]]),
        ([50], 2, [[50]]),  # fewer texts than workers: no empty share
        ([900, 1, 1], 3, [[900], [1, 1]]),
    ],
)
def test_a_batch_is_shared_out_by_length_in_order(lengths: list[int], parts: int, expected: list[list[int]]) -> None:
    texts = [f"{i}".ljust(n, "x") for i, n in enumerate(lengths)]
    got = shares(texts, parts)
    assert [len(t) for share in got for t in share] == lengths and [t for s in got for t in s] == texts
    assert [[len(t) for t in share] for share in got] == expected


def test_a_process_with_a_pool_holds_its_blas_to_one_thread(tmp_path: Path) -> None:
    """The parent only stores beside its workers; its BLAS threads would contend with them for the cores."""
    settings = make_settings(tmp_path)
    settings = settings.model_copy(update={"nlp": settings.nlp.model_copy(update={"n_process": 2})})

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):  # NumPy's default on two cores, whatever ran before
        assert blas_threads() == {2}
        own = build_pool(settings)
        assert own is not None
        own.close()
        assert blas_threads() == {1}
