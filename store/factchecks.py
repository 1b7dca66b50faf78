"""Fact-checks as stored, their links to claims, and each claim's fact-check status with its history.

Status rule (documented in docs/factchecks.md): a claim's automatic status is the normalised rating of the
most recent review among its confirmed links (review date, else when it was stored); with no confirmed link
it is `unchecked`. A researcher's status (`set_status`) wins until they hand it back with `auto`. Every
change, automatic or manual, is recorded in claim_status_history with time, old and new value, reason,
source URL and who made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimwatch.ingest.factcheck_record import FactCheckRecord
from claimwatch.ingest.ratings import SCALE, RatingScale
from claimwatch.nlp.matching import Candidate, query_words, rescore

from .factcheck_search import search_factchecks
from .models import Claim, ClaimFactCheck, ClaimStatusChange, FactCheck, utcnow

AUTOMATIC = "claimwatch"
STATUSES = ("unchecked", *SCALE)
RETRIEVE = 50  # candidates fetched from the index before re-scoring


class ClaimNotFound(LookupError):
    """No claim has that id."""


def upsert_factchecks(session: Session, records: Iterable[FactCheckRecord], scale: RatingScale) -> tuple[int, int]:
    """Store records by external id; (new, updated). Importing the same file twice changes nothing."""
    new = updated = 0
    for record in records:
        found = session.scalars(select(FactCheck).where(FactCheck.external_id == record.external_id)).first()
        values = {
            "claim_reviewed": record.claim_reviewed,
            "subtitle": record.subtitle,
            "url": record.url,
            "title": record.title,
            "publisher": record.publisher,
            "publisher_site": record.publisher_site,
            "claimant": record.claimant,
            "rating_text": record.rating_text,
            "rating": scale.normalise(record.rating_text),
            "review_date": record.review_date,
            "claim_date": record.claim_date,
            "language": record.language,
            "origin": record.origin,
            "appearances": list(record.appearances),
        }
        if found is None:
            session.add(FactCheck(external_id=record.external_id, **values))
            new += 1
        elif any(getattr(found, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(found, key, value)
            updated += 1
    session.flush()
    return new, updated


def rank_factchecks(session: Session, claim_text: str, top: int) -> list[tuple[FactCheck, float]]:
    """The stored fact-checks best matching `claim_text`, with scores in 0..1, best first."""
    hits = search_factchecks(session, query_words(claim_text), RETRIEVE)
    if not hits:
        return []
    checks = {f.id: f for f in session.scalars(select(FactCheck).where(FactCheck.id.in_([i for i, _ in hits])))}
    candidates = [Candidate(i, checks[i].claim_reviewed, checks[i].title or "", score) for i, score in hits]
    return [(checks[c.factcheck_id], score) for c, score in rescore(claim_text, candidates)[:top]]


def link_claims(session: Session, claims: Sequence[Claim], *, auto: float, suggest: float) -> dict[str, int]:
    """Match claims to fact-checks: at or above `auto` a confirmed link, at or above `suggest` a suggestion.
    Pairs already linked (including rejected ones) are left as they are."""
    counts = {"confirmed": 0, "suggested": 0}
    for claim in claims:
        known = set(session.scalars(select(ClaimFactCheck.factcheck_id).where(ClaimFactCheck.claim_id == claim.id)))
        for factcheck, score in rank_factchecks(session, claim.text, top=5):
            if factcheck.id in known or score < suggest:
                continue
            status = "confirmed" if score >= auto else "suggested"
            session.add(
                ClaimFactCheck(
                    claim_id=claim.id,
                    factcheck_id=factcheck.id,
                    status=status,
                    score=round(score, 4),
                    method="fulltext+rescore",
                    created_by=AUTOMATIC,
                )
            )
            counts[status] += 1
        session.flush()
        refresh_status(session, claim)
    return counts


def decide_link(session: Session, link_id: int, status: str, by: str) -> ClaimFactCheck:
    """A researcher confirms or rejects a suggested (or automatic) link."""
    link = session.get(ClaimFactCheck, link_id)
    if link is None:
        raise LookupError(f"no claim–fact-check link {link_id}")
    link.status, link.decided_by, link.decided_at = status, by, utcnow()
    session.flush()
    claim = session.get(Claim, link.claim_id)
    assert claim is not None
    refresh_status(session, claim)
    return link


def _record(session: Session, claim: Claim, new: str, *, reason: str, url: str | None, by: str) -> None:
    if new == claim.status:
        return
    session.add(
        ClaimStatusChange(
            claim_id=claim.id, old_status=claim.status, new_status=new, reason=reason, url=url, changed_by=by
        )
    )
    claim.status, claim.status_updated_at = new, utcnow()


def refresh_status(session: Session, claim: Claim) -> None:
    """Apply the status rule to `claim` unless a researcher has set its status."""
    if claim.status_manual:
        return
    rows = (
        session.execute(
            select(FactCheck)
            .join(ClaimFactCheck, ClaimFactCheck.factcheck_id == FactCheck.id)
            .where(
                ClaimFactCheck.claim_id == claim.id, ClaimFactCheck.status == "confirmed", FactCheck.rating.is_not(None)
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        _record(session, claim, "unchecked", reason="no confirmed fact-check", url=None, by=AUTOMATIC)
        return
    latest = max(rows, key=lambda f: (f.review_date or f.fetched_at, f.id))
    _record(
        session,
        claim,
        latest.rating or "other",
        reason=f"{latest.publisher or 'a fact-checker'} rated it {latest.rating_text!r}",
        url=latest.url,
        by=AUTOMATIC,
    )


def set_status(session: Session, claim_id: int, status: str, *, note: str | None, url: str | None, by: str) -> Claim:
    """A researcher sets a claim's status; `auto` hands it back to the rule."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise ClaimNotFound(f"no claim {claim_id}")
    if status == "auto":
        claim.status_manual = False
        refresh_status(session, claim)
        return claim
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)} or auto")
    _record(session, claim, status, reason=note or "set by a researcher", url=url, by=by)
    claim.status_manual = True
    return claim
