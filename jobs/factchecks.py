"""The fact-check step: gather reviews (Google Fact Check Tools API, file imports; ClaimReview markup arrives
with the fact-checkers' feeds in the fetch step), then match every canonical claim against them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.ingest.factcheck_api import FactCheckApiError, api_key, search_claims
from claimwatch.ingest.factcheck_import import ImportErrors, read_factchecks
from claimwatch.ingest.http import Fetcher
from claimwatch.ingest.ratings import RatingScale
from claimwatch.ingest.search import topic_query
from claimwatch.store.batches import batched
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import (
    claims_to_match,
    factchecks_since,
    link_claims,
    link_new_factchecks,
    newest_factcheck,
    upsert_factchecks,
)
from claimwatch.store.models import Claim
from claimwatch.store.statistics import refresh_statistics

from .semantic import Semantic, embed_missing, matching_for, semantic_for

log = logging.getLogger(__name__)
T = TypeVar("T")

IMPORT_BATCH = 5_000  # rows per transaction on import
MATCH_BATCH = 200  # claims matched per transaction
NEW_FACTCHECKS_EXACT = 20_000  # up to this many new fact-checks, claims are scanned against them alone


@dataclass
class FactCheckSummary:
    new: int = 0
    updated: int = 0
    confirmed: int = 0
    suggested: int = 0
    valid_rows: int = 0
    embedded: int = 0
    matched_claims: int = 0
    errors: list[str] = field(default_factory=list)


def api_queries(settings: Settings) -> list[str]:
    """What to ask the API: the configured queries, every watchlist claim and every topic's terms."""
    queries = [
        *settings.factchecks.api_queries,
        *(w.claim for w in settings.watchlist),
        *(topic_query(t) for t in settings.topics),
    ]
    return list(dict.fromkeys(q for q in queries if q.strip()))


def fetch_api(settings: Settings, factory: sessionmaker[Session], summary: FactCheckSummary) -> None:
    """Ask the API for every query; skipped (and said so) when no key is set."""
    key = api_key()
    if key is None:
        summary.errors.append("Google Fact Check Tools API skipped: CLAIMWATCH_FACTCHECK_API_KEY is not set")
        return
    scale = RatingScale(settings.factchecks.ratings)
    with Fetcher(settings.fetch) as fetcher:
        for query in api_queries(settings):
            try:
                records = search_claims(
                    fetcher,
                    settings.factchecks.api_url,
                    query,
                    key=key,
                    language=settings.factchecks.api_language,
                    max_pages=settings.factchecks.api_max_pages,
                )
            except FactCheckApiError as exc:
                summary.errors.append(str(exc))
                log.warning("fact-check API: %s", exc)
                continue
            with transaction(factory) as session:
                new, updated = upsert_factchecks(session, records, scale)
            summary.new, summary.updated = summary.new + new, summary.updated + updated


def import_file(
    settings: Settings,
    factory: sessionmaker[Session],
    path: Path,
    *,
    on_rows: Callable[[int], None] | None = None,
) -> FactCheckSummary:
    """Import a CSV or JSON Lines file, streaming: good rows stored idempotently, a batch per transaction
    (memory stays flat on any size); bad rows reported. Vectors are computed afterwards by `embed`."""
    errors = ImportErrors()
    summary = FactCheckSummary()
    scale = RatingScale(settings.factchecks.ratings)
    for batch in batched(read_factchecks(path, errors), IMPORT_BATCH):
        with transaction(factory) as session:
            new, updated = upsert_factchecks(session, batch, scale)
        summary.new, summary.updated, summary.valid_rows = (
            summary.new + new,
            summary.updated + updated,
            summary.valid_rows + len(batch),
        )
        if on_rows is not None:
            on_rows(len(batch))
    summary.errors = list(errors.errors)
    if summary.new + summary.updated:
        with factory() as session:
            refresh_statistics(session)
    return summary


def match_all(
    settings: Settings,
    factory: sessionmaker[Session],
    summary: FactCheckSummary,
    stop: threading.Event | None = None,
    semantic: Semantic | None = None,
) -> None:
    """Match what changed: claims never matched (or matched another way) against every fact-check, the
    others only against fact-checks that arrived since; nothing new means no matching work. With meaning
    on, missing vectors are computed first."""
    if semantic is not None:
        summary.embedded += embed_missing(factory, semantic.embedder)
        with factory() as session:
            semantic.factchecks.sync(session)
    matching = matching_for(settings, semantic)
    with factory() as session:
        through = newest_factcheck(session, matching)
        full, new_only = claims_to_match(session, matching.method, through)
        fresh = factchecks_since(session, matching, min((c for _i, c in new_only), default=through))
    if fresh > NEW_FACTCHECKS_EXACT:  # a large import: searching the index beats a scan of the new vectors
        full, new_only = full + [i for i, _c in new_only], []
    for chunk, link in ((full, link_claims), ([i for i, _c in new_only], link_new_factchecks)):
        for ids in batched(chunk, MATCH_BATCH):
            if stop is not None and stop.is_set():
                return
            with transaction(factory) as session:
                claims = list(session.scalars(select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id)))
                counts = link(session, claims, matching, through=through)
            summary.matched_claims += len(claims)
            summary.confirmed += counts["confirmed"]
            summary.suggested += counts["suggested"]
    if semantic is not None:
        semantic.save()


def refresh_factchecks(settings: Settings, factory: sessionmaker[Session]) -> FactCheckSummary:
    """The scheduled step: API, then matching."""
    summary = FactCheckSummary()
    fetch_api(settings, factory, summary)
    match_all(settings, factory, summary, semantic=semantic_for(settings))
    return summary
