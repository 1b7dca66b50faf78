"""Canonical claims as researchers see them: their spread, and merges and splits kept in claim_edits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .claim_counts import recount_claims
from .factchecks import ClaimNotFound, refresh_status
from .grouping import normalize_claim
from .models import Actor, Article, Claim, ClaimEdit, ClaimFactCheck, ClaimOccurrence
from .tallies import who


@dataclass
class Spread:
    claim: Claim
    occurrences: int = 0
    first_seen: datetime | None = None
    outlets: Counter[str] = field(default_factory=Counter)
    claimants: Counter[str] = field(default_factory=Counter)
    framings: Counter[str] = field(default_factory=Counter)
    daily: Counter[date] = field(default_factory=Counter)


def _claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise ClaimNotFound(f"no claim {claim_id}")
    return claim


def spread(session: Session, claim_id: int) -> Spread:
    """How far a claim has travelled: outlets, claimants, framings and occurrences per day."""
    result = Spread(_claim(session, claim_id))
    rows = session.execute(
        select(ClaimOccurrence, Article.outlet, Article.published_at, Article.fetched_at, Actor.name)
        .join(Article, Article.id == ClaimOccurrence.article_id)
        .outerjoin(Actor, Actor.id == ClaimOccurrence.claimant_actor_id)
        .where(ClaimOccurrence.claim_id == claim_id)
    ).all()
    for occurrence, outlet, published, fetched, claimant in rows:
        when = published or fetched
        result.occurrences += 1
        result.outlets[outlet or "unknown"] += 1
        result.claimants[who(claimant, occurrence.claimant_text)] += 1
        result.framings[occurrence.framing] += 1
        result.daily[when.date()] += 1
        if result.first_seen is None or when < result.first_seen:
            result.first_seen = when
    return result


def merge_claims(session: Session, keep_id: int, other_id: int, *, note: str | None, by: str) -> Claim:
    """Move every occurrence and fact-check link of `other` to `keep`, delete `other`, record the edit."""
    if keep_id == other_id:
        raise ValueError("cannot merge a claim with itself")
    keep, other = _claim(session, keep_id), _claim(session, other_id)
    if other.watchlist_key and not keep.watchlist_key:
        raise ValueError(f"claim {other_id} is the watchlist claim {other.watchlist_key!r}: merge the other way")
    moved = list(session.scalars(select(ClaimOccurrence.id).where(ClaimOccurrence.claim_id == other_id)))
    session.execute(
        update(ClaimOccurrence)
        .where(ClaimOccurrence.claim_id == other_id)
        .values(claim_id=keep_id, grouping="edit", grouping_score=None)
    )
    known = set(session.scalars(select(ClaimFactCheck.factcheck_id).where(ClaimFactCheck.claim_id == keep_id)))
    for link in session.scalars(select(ClaimFactCheck).where(ClaimFactCheck.claim_id == other_id)):
        if link.factcheck_id in known:
            session.delete(link)
        else:
            link.claim_id = keep_id
    session.add(
        ClaimEdit(
            kind="merge",
            claim_id=keep_id,
            other_claim_id=other_id,
            other_claim_text=other.text,
            occurrence_ids=moved,
            note=note,
            edited_by=by,
        )
    )
    session.flush()
    session.delete(other)
    session.flush()
    recount_claims(session, [keep_id])
    refresh_status(session, keep)
    return keep


def split_claim(
    session: Session, claim_id: int, occurrence_ids: Sequence[int], *, text: str, note: str | None, by: str
) -> Claim:
    """Move the given occurrences of a claim to a new claim worded `text`, and record the edit."""
    _claim(session, claim_id)  # an unknown claim is refused before anything moves
    wanted = set(occurrence_ids)
    found = set(
        session.scalars(
            select(ClaimOccurrence.id).where(ClaimOccurrence.claim_id == claim_id, ClaimOccurrence.id.in_(wanted))
        )
    )
    if not wanted or found != wanted:
        raise ValueError(f"occurrences {sorted(wanted - found)} do not belong to claim {claim_id}")
    new = Claim(text=text, normalized=normalize_claim(text))
    session.add(new)
    session.flush()
    session.execute(
        update(ClaimOccurrence)
        .where(ClaimOccurrence.id.in_(wanted))
        .values(claim_id=new.id, grouping="edit", grouping_score=None)
    )
    session.add(
        ClaimEdit(
            kind="split",
            claim_id=claim_id,
            other_claim_id=new.id,
            other_claim_text=text,
            occurrence_ids=sorted(wanted),
            note=note,
            edited_by=by,
        )
    )
    session.flush()
    recount_claims(session, [claim_id, new.id])
    return new
