"""The fact-check step: gather reviews (Google Fact Check Tools API, file imports; ClaimReview markup arrives
with the fact-checkers' feeds in the fetch step), then match every canonical claim against them."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.ingest.factcheck_api import FactCheckApiError, api_key, search_claims
from claimwatch.ingest.factcheck_import import read_factchecks
from claimwatch.ingest.http import Fetcher
from claimwatch.ingest.ratings import RatingScale
from claimwatch.ingest.search import topic_query
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import link_claims, upsert_factchecks
from claimwatch.store.models import Claim

log = logging.getLogger(__name__)


@dataclass
class FactCheckSummary:
    new: int = 0
    updated: int = 0
    confirmed: int = 0
    suggested: int = 0
    valid_rows: int = 0
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


def import_file(settings: Settings, factory: sessionmaker[Session], path: Path) -> FactCheckSummary:
    """Import a CSV or JSON Lines file: good rows stored (idempotently), bad rows reported."""
    result = read_factchecks(path)
    summary = FactCheckSummary(errors=list(result.errors), valid_rows=len(result.records))
    with transaction(factory) as session:
        summary.new, summary.updated = upsert_factchecks(
            session, result.records, RatingScale(settings.factchecks.ratings)
        )
    return summary


def match_all(
    settings: Settings,
    factory: sessionmaker[Session],
    summary: FactCheckSummary,
    stop: threading.Event | None = None,
) -> None:
    """Link every canonical claim to the fact-checks it matches (auto above one threshold, suggested above
    the other), one claim per transaction."""
    with factory() as session:
        ids = list(session.scalars(select(Claim.id).order_by(Claim.id)))
    for claim_id in ids:
        if stop is not None and stop.is_set():
            return
        with transaction(factory) as session:
            claim = session.get(Claim, claim_id)
            if claim is None:
                continue
            counts = link_claims(
                session,
                [claim],
                auto=settings.factchecks.auto_link_threshold,
                suggest=settings.factchecks.suggest_threshold,
            )
        summary.confirmed += counts["confirmed"]
        summary.suggested += counts["suggested"]


def refresh_factchecks(settings: Settings, factory: sessionmaker[Session]) -> FactCheckSummary:
    """The scheduled step: API, then matching."""
    summary = FactCheckSummary()
    fetch_api(settings, factory, summary)
    match_all(settings, factory, summary)
    return summary
