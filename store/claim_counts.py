"""Per-claim counters kept on write: how often a claim was made, in how many articles and outlets, how it
was framed, when it was first and last seen; and, per claim, how often each outlet made it in each framing
(`claim_outlet_tallies`).

Why: the spread questions (`claim_spread`, docs/schema.md) would otherwise group every claim occurrence on
every call — seconds at a million articles. A batch of newly analysed articles only adds occurrences, so it
adds them to the counters and tally rows of the claims it made (`count_added`: what a claim made 100,000
times costs is what a new claim costs). Every other write that changes a claim's occurrences (an article
analysed again, a researcher's merge or split) recounts the claims it touched from their occurrences
(`recount_claims`). Both run in the write's own transaction and under the store's writer lock
(store/writes.py), so the counters always equal what grouping the occurrences gives; a test compares the
two on both backends.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, delete, distinct, exists, func, insert, select, update
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
    _expire(session, wanted)


def _expire(session: Session, wanted: set[int] | None) -> None:
    """The counters of the claims the session holds, to be read again: they were written in SQL."""
    for held in list(session.identity_map.values()):
        if isinstance(held, Claim) and (wanted is None or held.id in wanted):
            session.expire(held, COUNTERS)


Added = tuple[int, int, str | None, datetime, str]  # (claim id, article id, its outlet, its time, framing)


def count_added(session: Session, added: Sequence[Added]) -> None:
    """Add new occurrences to their claims' counters and outlet-tally rows, reading only those claims and
    their tally rows (a few per outlet), never their earlier occurrences. Only for occurrences in articles
    that held none of the same claim before: a claim that also lost occurrences is for `recount_claims`.
    An occurrence's time is its article's (published, else fetched), as in the recount. Set-based, in
    Core: per chunk of claims two reads and three executemany writes (the ORM took ~4× as long)."""
    made: defaultdict[int, list[Added]] = defaultdict(list)
    for row in added:
        made[row[0]].append(row)
    claims, tallies = Claim.__table__, ClaimOutletTally.__table__
    set_counters = (
        update(claims)
        .where(claims.c.id == bindparam("claim"))
        .values({name: bindparam(f"new_{name}") for name in COUNTERS})
    )
    grow = (
        update(tallies)
        .where(tallies.c.id == bindparam("tally"))
        .values(occurrences=bindparam("n"), first_seen_at=bindparam("first"), last_seen_at=bindparam("last"))
    )
    for chunk in batched(sorted(made), IN_CHUNK):
        current = {
            row.id: row
            for row in session.execute(
                select(claims.c.id, claims.c.status, *(claims.c[name] for name in COUNTERS)).where(
                    claims.c.id.in_(chunk)
                )
            )
        }
        held: dict[tuple[int, str | None, str], dict[str, Any]] = {
            (t.claim_id, t.outlet, t.framing): {
                "tally": t.id,
                "n": t.occurrences,
                "first": t.first_seen_at,
                "last": t.last_seen_at,
            }
            for t in session.execute(select(tallies).where(tallies.c.claim_id.in_(chunk)))
        }
        fresh: dict[tuple[int, str | None, str], dict[str, Any]] = {}
        grown: dict[tuple[int, str | None, str], dict[str, Any]] = {}
        counters = []
        for claim_id, claim in current.items():
            rows = made[claim_id]
            first, last = claim.first_seen_at, claim.last_seen_at
            for _claim_id, _article_id, outlet, seen, framing in rows:
                key = (claim_id, outlet, framing)
                if key in held:
                    tally = grown.setdefault(key, held[key])
                else:
                    tally = fresh.setdefault(key, {"n": 0, "first": None, "last": None})
                tally["n"] += 1
                tally["first"], tally["last"] = _earliest(tally["first"], seen), _latest(tally["last"], seen)
                first, last = _earliest(first, seen), _latest(last, seen)
            framed = Counter(framing for *_row, framing in rows)
            counters.append(
                {
                    "claim": claim_id,
                    "new_occurrence_count": claim.occurrence_count + len(rows),
                    "new_article_count": claim.article_count + len({article_id for _c, article_id, *_r in rows}),
                    "new_asserted_count": claim.asserted_count + framed["asserted"],
                    "new_reported_count": claim.reported_count + framed["reported"],
                    "new_refuted_count": claim.refuted_count + framed["refuted"],
                    "new_first_seen_at": first,
                    "new_last_seen_at": last,
                }
            )
        outlets: defaultdict[int, set[str]] = defaultdict(set)
        for claim_id, outlet, _framing in (*held, *fresh):
            if outlet is not None:  # as COUNT(DISTINCT outlet) counts them
                outlets[claim_id].add(outlet)
        for row in counters:
            row["new_outlet_count"] = len(outlets[row["claim"]])
        session.execute(set_counters, counters)
        if grown:
            session.execute(grow, list(grown.values()))
        if fresh:
            session.execute(
                insert(tallies),
                [
                    {
                        "claim_id": claim_id,
                        "outlet": outlet,
                        "framing": framing,
                        "claim_status": current[claim_id].status,
                        "occurrences": tally["n"],
                        "first_seen_at": tally["first"],
                        "last_seen_at": tally["last"],
                    }
                    for (claim_id, outlet, framing), tally in fresh.items()
                ],
            )
    _expire(session, set(made))


def _earliest(current: datetime | None, seen: datetime) -> datetime:
    return seen if current is None else min(current, seen)


def _latest(current: datetime | None, seen: datetime) -> datetime:
    return seen if current is None else max(current, seen)
