"""What the digest reports, and the record of every digest attempt (digest_runs).

A digest covers the window since the end of the last digest that went out. Before a send, its attempt and
Message-ID are committed as `sending`; the outcome then becomes `sent`, `failed` (surely not delivered: the
window stays open for the next digest) or `uncertain` (the connection broke while the server was taking the
message: it may have arrived, so it is not sent again on its own).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import (
    Actor,
    Article,
    Claim,
    ClaimOccurrence,
    ClaimStatusChange,
    DigestRun,
    Quote,
    utcnow,
)

FIRST_WINDOW = timedelta(days=1)
WINDOW_CLOSING = ("sent", "uncertain", "empty")


@dataclass
class ClaimItem:
    claim_id: int
    text: str
    status: str
    occurrences: int
    first_seen: datetime | None
    outlets: list[str] = field(default_factory=list)
    claimants: list[str] = field(default_factory=list)
    framings: dict[str, int] = field(default_factory=dict)
    url: str = ""  # an article where it was made


@dataclass
class StatusItem:
    claim_id: int
    text: str
    old: str | None
    new: str
    reason: str | None
    url: str | None
    changed_by: str


@dataclass
class QuoteItem:
    speaker: str
    text: str
    kind: str
    outlet: str
    url: str


def last_window_end(session: Session) -> datetime | None:
    """Where the last digest that went out (or was empty) closed its window; None before the first."""
    return session.scalar(select(func.max(DigestRun.window_end)).where(DigestRun.status.in_(WINDOW_CLOSING)))


def window(session: Session, now: datetime) -> tuple[datetime, datetime]:
    """From the end of the last digest that went out (the first time: one day back) until now."""
    return (last_window_end(session) or now - FIRST_WINDOW), now


def new_claims(
    session: Session, start: datetime, end: datetime, *, min_checkworthiness: float = 0.0
) -> list[ClaimItem]:
    """Canonical claims made in articles stored in the window, with their spread in it; of those whose every
    occurrence scores below `min_checkworthiness`, only watchlist claims and claims a fact-checker rated."""
    rows = session.execute(
        select(ClaimOccurrence, Claim, Article.outlet, Article.url, Actor.name)
        .join(Claim, Claim.id == ClaimOccurrence.claim_id)
        .join(Article, Article.id == ClaimOccurrence.article_id)
        .outerjoin(Actor, Actor.id == ClaimOccurrence.claimant_actor_id)
        .where(Article.fetched_at >= start, Article.fetched_at < end)
        .order_by(ClaimOccurrence.id)
    ).all()
    items: dict[int, ClaimItem] = {}
    claimants: dict[int, Counter[str]] = {}
    for occurrence, claim, outlet, url, claimant in rows:
        item = items.setdefault(
            claim.id, ClaimItem(claim.id, claim.text, claim.status, 0, claim.first_seen_at, url=url)
        )
        item.occurrences += 1
        if outlet and outlet not in item.outlets:
            item.outlets.append(outlet)
        name = claimant or occurrence.claimant_text
        if name:
            claimants.setdefault(claim.id, Counter())[name] += 1
        item.framings[occurrence.framing] = item.framings.get(occurrence.framing, 0) + 1
    for claim_id, counter in claimants.items():
        items[claim_id].claimants = [name for name, _n in counter.most_common(3)]
    worthy = {
        claim.id
        for occurrence, claim, *_rest in rows
        if (occurrence.checkworthiness is None or occurrence.checkworthiness >= min_checkworthiness)
        or claim.watchlist_key is not None
        or claim.status != "unchecked"
    }
    return sorted(
        (item for item in items.values() if item.claim_id in worthy),
        key=lambda i: (-len(i.outlets), -i.occurrences, i.claim_id),
    )


def status_changes(session: Session, start: datetime, end: datetime) -> list[StatusItem]:
    rows = session.execute(
        select(ClaimStatusChange, Claim.text)
        .join(Claim, Claim.id == ClaimStatusChange.claim_id)
        .where(ClaimStatusChange.changed_at >= start, ClaimStatusChange.changed_at < end)
        .order_by(ClaimStatusChange.id)
    ).all()
    return [StatusItem(c.claim_id, text, c.old_status, c.new_status, c.reason, c.url, c.changed_by) for c, text in rows]


def notable_quotes(
    session: Session, start: datetime, end: datetime, key_actors: Sequence[str], limit: int
) -> list[QuoteItem]:
    """Quotes by the key actors (the people of the alias table) from articles stored in the window."""
    if not key_actors or limit == 0:
        return []
    rows = session.execute(
        select(Quote, Actor.name, Article.outlet, Article.url, Article.text)
        .join(Actor, Actor.id == Quote.speaker_actor_id)
        .join(Article, Article.id == Quote.article_id)
        .where(Article.fetched_at >= start, Article.fetched_at < end, Actor.name.in_(key_actors))
        .order_by((Quote.kind == "indirect"), Quote.id)
        .limit(limit)
    ).all()
    return [
        # A direct quote split by its attribution reads as its quoted words alone.
        QuoteItem(
            name,
            " ".join(body[s:e] for s, e in q.quoted) if q.kind == "direct" and q.quoted else q.text,
            q.kind,
            outlet or "",
            url,
        )
        for q, name, outlet, url, body in rows
    ]


def begin_attempt(
    session: Session, start: datetime, end: datetime, message_id: str, recipients: list[str], items: int
) -> DigestRun:
    """Commit-able record of a send about to happen (status `sending`)."""
    run = session.scalars(select(DigestRun).where(DigestRun.message_id == message_id)).first()
    if run is None:
        run = DigestRun(
            window_start=start,
            window_end=end,
            message_id=message_id,
            recipients=recipients,
            item_count=items,
            status="sending",
        )
        session.add(run)
    else:
        run.status, run.error = "sending", None
    session.flush()
    return run


def finish_attempt(session: Session, run_id: int, status: str, error: str | None = None) -> None:
    run = session.get(DigestRun, run_id)
    assert run is not None
    run.status, run.error = status, error
    if status == "sent":
        run.sent_at = utcnow()


def settle_interrupted(session: Session) -> list[DigestRun]:
    """Attempts left `sending` by a process that died mid-send: their fate is unknown, so `uncertain`."""
    stuck = list(session.scalars(select(DigestRun).where(DigestRun.status == "sending")))
    for run in stuck:
        run.status, run.error = "uncertain", "the process ended while sending"
    return stuck


def last_delivered(session: Session) -> DigestRun | None:
    return session.scalars(
        select(DigestRun).where(DigestRun.status.in_(("sent", "uncertain"))).order_by(DigestRun.window_end.desc())
    ).first()


def record_empty(session: Session, start: datetime, end: datetime, message_id: str) -> None:
    session.add(DigestRun(window_start=start, window_end=end, message_id=message_id, status="empty", item_count=0))
