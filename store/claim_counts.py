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
    return func.sum(case((ClaimOutletTally.framing == framing, ClaimOutletTally.occurrences), else_=0))


def recount_claims(session: Session, claim_ids: Iterable[int] | None = None) -> None:
    """Rebuild the outlet-tally rows of the claims `claim_ids` (every claim when None) from their
    occurrences, then set their counters from those rows and from their occurrences' articles. Per chunk
    of ids, one INSERT … SELECT and three set-based UPDATEs: the occurrences are read with their articles
    once, for the tally (a claim made 100,000 times costs two passes over them, not three)."""
    wanted = None if claim_ids is None else set(claim_ids)
    chunks: Iterable[list[int] | None] = [None] if wanted is None else batched(sorted(wanted), IN_CHUNK)
    seen = func.coalesce(Article.published_at, Article.fetched_at)
    by_outlet = (
        select(
            ClaimOccurrence.claim_id,
            Article.outlet,
            ClaimOccurrence.framing,
            Claim.status,
            func.count(),
            func.min(seen),
            func.max(seen),
        )
        .join(Article, Article.id == ClaimOccurrence.article_id)
        .join(Claim, Claim.id == ClaimOccurrence.claim_id)
        .group_by(ClaimOccurrence.claim_id, Article.outlet, ClaimOccurrence.framing, Claim.status)
    )
    outlet_columns = ["claim_id", "outlet", "framing", "claim_status", "occurrences", "first_seen_at", "last_seen_at"]
    tally = ClaimOutletTally
    counts = select(
        tally.claim_id,
        func.sum(tally.occurrences).label("occurrences"),
        func.count(distinct(tally.outlet)).label("outlets"),
        _framed("asserted").label("asserted"),
        _framed("reported").label("reported"),
        _framed("refuted").label("refuted"),
        func.min(tally.first_seen_at).label("first"),
        func.max(tally.last_seen_at).label("last"),
    ).group_by(tally.claim_id)
    articles = select(
        ClaimOccurrence.claim_id, func.count(distinct(ClaimOccurrence.article_id)).label("articles")
    ).group_by(ClaimOccurrence.claim_id)
    unmade = update(Claim).where(~exists().where(ClaimOccurrence.claim_id == Claim.id))
    options = {"synchronize_session": False}  # the identity map's claims are expired below instead
    for chunk in chunks:
        stale = delete(tally)
        session.execute(stale if chunk is None else stale.where(tally.claim_id.in_(chunk)))
        rows = by_outlet if chunk is None else by_outlet.where(ClaimOccurrence.claim_id.in_(chunk))
        session.execute(insert(tally).from_select(outlet_columns, rows))
        counted = (counts if chunk is None else counts.where(tally.claim_id.in_(chunk))).subquery()
        session.execute(
            update(Claim)
            .where(Claim.id == counted.c.claim_id)
            .values(
                occurrence_count=counted.c.occurrences,
                outlet_count=counted.c.outlets,
                asserted_count=counted.c.asserted,
                reported_count=counted.c.reported,
                refuted_count=counted.c.refuted,
                first_seen_at=counted.c.first,
                last_seen_at=counted.c.last,
            )
            .execution_options(**options)
        )
        spread = (articles if chunk is None else articles.where(ClaimOccurrence.claim_id.in_(chunk))).subquery()
        session.execute(
            update(Claim)
            .where(Claim.id == spread.c.claim_id)
            .values(article_count=spread.c.articles)
            .execution_options(**options)
        )
        session.execute(
            (unmade if chunk is None else unmade.where(Claim.id.in_(chunk)))
            .values({name: (None if name.endswith("_at") else 0) for name in COUNTERS})
            .execution_options(**options)
        )
    for held in list(session.identity_map.values()):
        if isinstance(held, Claim) and (wanted is None or held.id in wanted):
            session.expire(held, COUNTERS)
