"""Fact-checks as stored, their links to claims, and each claim's fact-check status with its history.

Status rule (documented in docs/factchecks.md): a claim's automatic status is the normalised rating of the
most recent review among its confirmed links (review date, else when it was stored); with no confirmed link
it is `unchecked`. A researcher's status (`set_status`) wins until they hand it back with `auto`. Every
change, automatic or manual, is recorded in claim_status_history with time, old and new value, reason,
source URL and who made it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from claimwatch.ingest.factcheck_record import FactCheckRecord
from claimwatch.ingest.ratings import SCALE, RatingScale
from claimwatch.nlp.embeddings import Embedder
from claimwatch.nlp.matching import Candidate, fuse, query_words, rescore

from .factcheck_search import search_factchecks
from .models import (
    Claim,
    ClaimFactCheck,
    ClaimOutletTally,
    ClaimStatusChange,
    ClaimVector,
    FactCheck,
    FactCheckVector,
    utcnow,
)
from .vector_index import VectorIndex
from .vectors import drop_vectors, from_blobs, vector_changes, vector_count, vectors_of

AUTOMATIC = "claimwatch"
STATUSES = ("unchecked", *SCALE)
WORDS = "words"
LINKS_PER_CLAIM = 5  # best fact-checks considered for a link per claim
RETRIEVE = 50  # candidates fetched from the full-text index before re-scoring
UPSERT_BATCH = 2_000  # fact-checks looked up and inserted per statement


class ClaimNotFound(LookupError):
    """No claim has that id."""


def upsert_factchecks(session: Session, records: Iterable[FactCheckRecord], scale: RatingScale) -> tuple[int, int]:
    """Store records by external id, set-based in batches; (new, updated). Importing the same file twice
    changes nothing; a fact-check whose claim or headline changed loses its vector, to be embedded again."""
    new = updated = 0
    batch: dict[str, dict[str, object]] = {}
    for record in records:
        batch[record.external_id] = _values(record, scale)  # the last of duplicate ids wins
        if len(batch) >= UPSERT_BATCH:
            n, u = _upsert_batch(session, batch)
            new, updated, batch = new + n, updated + u, {}
    if batch:
        n, u = _upsert_batch(session, batch)
        new, updated = new + n, updated + u
    return new, updated


def _values(record: FactCheckRecord, scale: RatingScale) -> dict[str, object]:
    return {
        "external_id": record.external_id,
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


def _upsert_batch(session: Session, batch: dict[str, dict[str, object]]) -> tuple[int, int]:
    found = {f.external_id: f for f in session.scalars(select(FactCheck).where(FactCheck.external_id.in_(batch)))}
    fresh = [values for key, values in batch.items() if key not in found]
    if fresh:
        now = utcnow()
        session.execute(insert(FactCheck), [{**values, "fetched_at": now} for values in fresh])
    changed_text: list[int] = []
    updated = 0
    for key, factcheck in found.items():
        values = batch[key]
        if all(getattr(factcheck, name) == value for name, value in values.items()):
            continue
        if (factcheck.claim_reviewed, factcheck.title) != (values["claim_reviewed"], values["title"]):
            changed_text.append(factcheck.id)
        for name, value in values.items():
            setattr(factcheck, name, value)
        updated += 1
    session.flush()
    drop_vectors(session, FactCheckVector, changed_text)
    return len(fresh), updated


@dataclass(frozen=True)
class Matching:
    """How claims meet fact-checks: by meaning and words when an embedder and its index are given, else by
    words alone. The thresholds apply to the active score (docs/factchecks.md)."""

    auto: float
    suggest: float
    embedder: Embedder | None = None
    index: VectorIndex | None = None
    word_weight: float = 0.3
    candidates: int = 100

    @property
    def method(self) -> str:
        """'words', or the embedding model's name; kept in claims.matched_with."""
        return self.embedder.name if self.embedder is not None else WORDS

    @property
    def link_method(self) -> str:
        return "meaning+words" if self.embedder is not None else "fulltext+rescore"


def rank_factchecks(
    session: Session, claim_text: str, top: int, matching: Matching | None = None, *, vector: np.ndarray | None = None
) -> list[tuple[FactCheck, float]]:
    """The stored fact-checks best matching `claim_text`, with scores in 0..1, best first."""
    if matching is None or matching.embedder is None or matching.index is None:
        return _rank_by_words(session, claim_text, top, after=0)
    if vector is None:
        vector = matching.embedder.encode([claim_text])[0]
    return _fused(session, claim_text, matching.index.search(vector, matching.candidates), matching, top)


def _rank_by_words(session: Session, claim_text: str, top: int, *, after: int) -> list[tuple[FactCheck, float]]:
    hits = search_factchecks(session, query_words(claim_text), RETRIEVE, after=after)
    if not hits:
        return []
    checks = {f.id: f for f in session.scalars(select(FactCheck).where(FactCheck.id.in_([i for i, _ in hits])))}
    candidates = [Candidate(i, checks[i].claim_reviewed, checks[i].title or "", score) for i, score in hits]
    return [(checks[c.factcheck_id], score) for c, score in rescore(claim_text, candidates)[:top]]


def _fused(
    session: Session, claim_text: str, hits: Sequence[tuple[int, float]], matching: Matching, top: int
) -> list[tuple[FactCheck, float]]:
    if not hits:
        return []
    checks = {f.id: f for f in session.scalars(select(FactCheck).where(FactCheck.id.in_([i for i, _ in hits])))}
    scored = []
    for factcheck_id, cosine in hits:
        factcheck = checks.get(factcheck_id)
        if factcheck is None:  # deleted since the index last synced
            continue
        candidate = Candidate(factcheck_id, factcheck.claim_reviewed, factcheck.title or "", cosine)
        scored.append((factcheck, fuse(cosine, claim_text, candidate, matching.word_weight)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:top]


def newest_factcheck(session: Session, matching: Matching) -> int:
    """How far matching can see now: the newest fact-check vector (meaning) or fact-check id (words)."""
    if matching.embedder is not None:
        return vector_count(session, FactCheckVector, matching.embedder.name)[1]
    return int(session.scalar(select(func.coalesce(func.max(FactCheck.id), 0))) or 0)


def claims_to_match(session: Session, method: str, through: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Claims to match against every fact-check (never matched, or matched another way) as ids, and claims
    to match only against newer fact-checks as (id, newest seen)."""
    full = list(
        session.scalars(
            select(Claim.id)
            .where(Claim.match_pending.is_(True) | Claim.matched_with.is_(None) | (Claim.matched_with != method))
            .order_by(Claim.id)
        )
    )
    behind = session.execute(
        select(Claim.id, func.coalesce(Claim.matched_through, 0))
        .where(
            Claim.match_pending.is_(False),
            Claim.matched_with == method,
            func.coalesce(Claim.matched_through, 0) < through,
        )
        .order_by(Claim.id)
    ).all()
    return full, [(int(row[0]), int(row[1])) for row in behind]


def factchecks_since(session: Session, matching: Matching, after: int) -> int:
    """How many fact-checks (vectors, with meaning) arrived after change `after`."""
    if matching.embedder is not None:
        table, owner_filter = FactCheckVector, FactCheckVector.model == matching.embedder.name
        return int(session.scalar(select(func.count(table.id)).where(owner_filter, table.id > after)) or 0)
    return int(session.scalar(select(func.count(FactCheck.id)).where(FactCheck.id > after)) or 0)


def _link(
    session: Session, claim: Claim, ranked: Sequence[tuple[FactCheck, float]], matching: Matching
) -> Counter[str]:
    """Store links for ranked fact-checks at or above the suggestion threshold; pairs already linked
    (confirmed, suggested, or rejected by a researcher) are left as they are."""
    counts: Counter[str] = Counter()
    wanted = [(f, score) for f, score in ranked if score >= matching.suggest]
    if not wanted:
        return counts
    known = set(session.scalars(select(ClaimFactCheck.factcheck_id).where(ClaimFactCheck.claim_id == claim.id)))
    for factcheck, score in wanted:
        if factcheck.id in known:
            continue
        status = "confirmed" if score >= matching.auto else "suggested"
        session.add(
            ClaimFactCheck(
                claim_id=claim.id,
                factcheck_id=factcheck.id,
                status=status,
                score=round(score, 4),
                method=matching.link_method,
                created_by=AUTOMATIC,
            )
        )
        counts[status] += 1
    session.flush()
    refresh_status(session, claim)
    return counts


def link_claims(session: Session, claims: Sequence[Claim], matching: Matching, *, through: int) -> Counter[str]:
    """Match claims against every fact-check and remember that they have seen up to change `through`."""
    counts: Counter[str] = Counter()
    vectors: dict[int, bytes] = {}
    if matching.embedder is not None:
        vectors = vectors_of(session, ClaimVector, matching.embedder.name, [c.id for c in claims])
    for claim in claims:
        blob = vectors.get(claim.id)
        vector = from_blobs([blob], matching.embedder.dimensions)[0] if blob and matching.embedder else None
        ranked = rank_factchecks(session, claim.text, LINKS_PER_CLAIM, matching, vector=vector)
        counts += _link(session, claim, ranked, matching)
        claim.match_pending, claim.matched_with, claim.matched_through = False, matching.method, through
    return counts


def link_new_factchecks(session: Session, claims: Sequence[Claim], matching: Matching, *, through: int) -> Counter[str]:
    """Match claims only against the fact-checks that arrived since each was last matched (exact cosine
    over the new vectors: they are few, or the caller matches everything instead)."""
    counts: Counter[str] = Counter()
    if matching.embedder is None:
        for claim in claims:
            ranked = _rank_by_words(session, claim.text, LINKS_PER_CLAIM, after=claim.matched_through or 0)
            counts += _link(session, claim, ranked, matching)
            claim.matched_through = through
        return counts
    model, dimensions = matching.embedder.name, matching.embedder.dimensions
    oldest = min((c.matched_through or 0 for c in claims), default=through)
    fresh = [row for rows in vector_changes(session, FactCheckVector, model, after=oldest) for row in rows]
    changes = np.array([change for change, _owner, _blob in fresh], dtype=np.int64)
    owners = [owner for _change, owner, _blob in fresh]
    matrix = from_blobs([blob for *_ignored, blob in fresh], dimensions)
    vectors = vectors_of(session, ClaimVector, model, [c.id for c in claims])
    for claim in claims:
        blob = vectors.get(claim.id)
        if blob is not None and owners:
            cosines = matrix @ from_blobs([blob], dimensions)[0]
            cosines[changes <= (claim.matched_through or 0)] = -2.0  # seen at its last match
            best = [i for i in np.argsort(-cosines)[: matching.candidates] if cosines[i] > -2.0]
            hits = [(owners[i], float(cosines[i])) for i in best]
            counts += _link(session, claim, _fused(session, claim.text, hits, matching, LINKS_PER_CLAIM), matching)
        claim.matched_through = through
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
    # the outlet tally carries the status for "outlets that asserted false claims" (store/claim_counts.py)
    session.execute(
        update(ClaimOutletTally)
        .where(ClaimOutletTally.claim_id == claim.id)
        .values(claim_status=new)
        .execution_options(synchronize_session=False)
    )


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
