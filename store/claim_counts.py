"""Per-claim counters kept on write: how often a claim was made, in how many articles and outlets, how it
was framed, when it was first and last seen; and, per claim, how often each outlet made it in each framing
(`claim_outlet_tallies`).

Why: the spread questions (`claim_spread`, docs/schema.md) would otherwise group every claim occurrence on
every call — seconds at a million articles. Every write that changes a claim's occurrences (a batch's
analysis, a researcher's merge or split) recounts the claims it touched from their occurrences, in its
own transaction and under the store's writer lock (store/writes.py), so the counters always equal what
grouping the occurrences gives; a test compares the two on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, case, delete, distinct, exists, func, insert, select, update
from sqlalchemy.orm import Session

from .batches import IN_CHUNK, batched
from .models import Article, Claim, ClaimOccurrence, ClaimOutletTally

COUNTERS = (
    "occurrence_count",
    "article_count",
    "outlet_count",
    "asserted_count",
    "reported_count",
    "refuted_count",
    "first_seen_at",
    "last_seen_at",
)


def _framed(framing: str) -> ColumnElement[Any]:
    return func.sum(case((ClaimOccurrence.framing == framing, 1), else_=0))


def recount_claims(session: Session, claim_ids: Iterable[int] | None = None) -> None:
    """Set the counters of the claims `claim_ids` (every claim when None) from their occurrences — two
    set-based UPDATEs per chunk of ids, one for claims with occurrences and one for claims left without —
    and replace their rows of the outlet tally."""
    wanted = None if claim_ids is None else set(claim_ids)
    chunks: Iterable[list[int] | None] = [None] if wanted is None else batched(sorted(wanted), IN_CHUNK)
    seen = func.coalesce(Article.published_at, Article.fetched_at)
    counts = (
        select(
            ClaimOccurrence.claim_id,
            func.count(ClaimOccurrence.id).label("occurrences"),
            func.count(distinct(ClaimOccurrence.article_id)).label("articles"),
            func.count(distinct(Article.outlet)).label("outlets"),
            _framed("asserted").label("asserted"),
            _framed("reported").label("reported"),
            _framed("refuted").label("refuted"),
            func.min(seen).label("first"),
            func.max(seen).label("last"),
        )
        .join(Article, Article.id == ClaimOccurrence.article_id)
        .group_by(ClaimOccurrence.claim_id)
    )
    by_outlet = (
        select(
            ClaimOccurrence.claim_id,
            Article.outlet,
            ClaimOccurrence.framing,
            Claim.status,
            func.count(),
            func.min(seen),
        )
        .join(Article, Article.id == ClaimOccurrence.article_id)
        .join(Claim, Claim.id == ClaimOccurrence.claim_id)
        .group_by(ClaimOccurrence.claim_id, Article.outlet, ClaimOccurrence.framing, Claim.status)
    )
    outlet_columns = ["claim_id", "outlet", "framing", "claim_status", "occurrences", "first_seen_at"]
    unmade = update(Claim).where(~exists().where(ClaimOccurrence.claim_id == Claim.id))
    options = {"synchronize_session": False}  # the identity map's claims are expired below instead
    for chunk in chunks:
        counted = counts if chunk is None else counts.where(ClaimOccurrence.claim_id.in_(chunk))
        row = counted.subquery()
        session.execute(
            update(Claim)
            .where(Claim.id == row.c.claim_id)
            .values(
                occurrence_count=row.c.occurrences,
                article_count=row.c.articles,
                outlet_count=row.c.outlets,
                asserted_count=row.c.asserted,
                reported_count=row.c.reported,
                refuted_count=row.c.refuted,
                first_seen_at=row.c.first,
                last_seen_at=row.c.last,
            )
            .execution_options(**options)
        )
        session.execute(
            (unmade if chunk is None else unmade.where(Claim.id.in_(chunk)))
            .values({name: (None if name.endswith("_at") else 0) for name in COUNTERS})
            .execution_options(**options)
        )
        stale = delete(ClaimOutletTally)
        session.execute(stale if chunk is None else stale.where(ClaimOutletTally.claim_id.in_(chunk)))
        rows = by_outlet if chunk is None else by_outlet.where(ClaimOccurrence.claim_id.in_(chunk))
        session.execute(insert(ClaimOutletTally).from_select(outlet_columns, rows))
    for held in list(session.identity_map.values()):
        if isinstance(held, Claim) and (wanted is None or held.id in wanted):
            session.expire(held, COUNTERS)
