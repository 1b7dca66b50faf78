"""Read-only queries behind `claimwatch status`, the run summary and the digest."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import (
    Actor,
    Article,
    Claim,
    ClaimFactCheck,
    ClaimOccurrence,
    ClaimStatusChange,
    FactCheck,
    JobRun,
    Mention,
    Quote,
    Source,
)


def store_counts(session: Session) -> dict[str, int]:
    """Row counts that tell an operator at a glance what the store holds."""

    def count(query) -> int:  # type: ignore[no-untyped-def]
        return int(session.scalar(query) or 0)

    return {
        "articles": count(select(func.count(Article.id))),
        "relevant": count(select(func.count(Article.id)).where(Article.relevant.is_(True))),
        "analysed": count(select(func.count(Article.id)).where(Article.analyzed_at.is_not(None))),
        "actors": count(select(func.count(func.distinct(Mention.actor_id)))),
        "mentions": count(select(func.count(Mention.id))),
        "quotes": count(select(func.count(Quote.id))),
        "claim_occurrences": count(select(func.count(ClaimOccurrence.id))),
    }


def feed_health(session: Session) -> list[Source]:
    """Every known feed, worst first: disabled, then by consecutive failures."""
    return list(
        session.scalars(select(Source).order_by(Source.enabled, Source.consecutive_failures.desc(), Source.name))
    )


def last_success(session: Session, job: str) -> datetime | None:
    """When `job` last finished successfully."""
    return session.scalar(select(func.max(JobRun.finished_at)).where(JobRun.job == job, JobRun.outcome == "ok"))


def failing_feeds(session: Session) -> tuple[int, int]:
    """(enabled feeds, of which failing now)."""
    enabled, failing = session.execute(
        select(func.count(Source.id), func.count(Source.id).filter(Source.consecutive_failures > 0)).where(
            Source.enabled.is_(True)
        )
    ).one()
    return int(enabled), int(failing)


def last_job_runs(session: Session) -> list[JobRun]:
    """The latest run of each job."""
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    return list(session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id).order_by(JobRun.job)))


@dataclass
class ArticleItem:
    title: str
    url: str
    outlet: str
    published_at: datetime | None
    actors: list[str] = field(default_factory=list)


def new_articles(session: Session, start: datetime, end: datetime, *, actors_per_article: int = 5) -> list[ArticleItem]:
    """Relevant articles stored in [start, end), each with its most mentioned actors."""
    articles = list(
        session.scalars(
            select(Article)
            .where(Article.relevant.is_(True), Article.fetched_at >= start, Article.fetched_at < end)
            .order_by(Article.outlet, Article.published_at.desc().nulls_last(), Article.id)
        )
    )
    rows = session.execute(
        select(Mention.article_id, Actor.name)
        .join(Actor, Actor.id == Mention.actor_id)
        .where(Mention.article_id.in_([a.id for a in articles]), Actor.type == "PERSON")
    ).all()
    per_article: dict[int, Counter[str]] = {}
    for article_id, name in rows:
        per_article.setdefault(article_id, Counter())[name] += 1
    return [
        ArticleItem(
            title=a.title or a.url,
            url=a.url,
            outlet=a.outlet or "unknown outlet",
            published_at=a.published_at,
            actors=[name for name, _n in per_article.get(a.id, Counter()).most_common(actors_per_article)],
        )
        for a in articles
    ]


def troubled_feeds(session: Session, *, min_failures: int = 3) -> list[Source]:
    """Feeds that failed several times in a row or were disabled."""
    return list(
        session.scalars(
            select(Source)
            .where((Source.consecutive_failures >= min_failures) | Source.enabled.is_(False))
            .order_by(Source.consecutive_failures.desc())
        )
    )


def most_repeated_claims(
    session: Session, *, limit: int, status: str | None = None, since: datetime | None = None
) -> list[tuple[Claim, int, int]]:
    """(claim, occurrences, distinct outlets), most occurrences first: over all time from the claims' own
    counters (store/claim_counts.py), or since a time by grouping that window's occurrences."""
    if since is None:
        query = (
            select(Claim, Claim.occurrence_count, Claim.outlet_count)
            .where(Claim.occurrence_count > 0)
            .order_by(Claim.occurrence_count.desc(), Claim.id)
        )
    else:
        query = (
            select(Claim, func.count(ClaimOccurrence.id), func.count(func.distinct(Article.outlet)))
            .join(ClaimOccurrence, ClaimOccurrence.claim_id == Claim.id)
            .join(Article, Article.id == ClaimOccurrence.article_id)
            .where(Article.fetched_at >= since)
            .group_by(Claim.id)
            .order_by(func.count(ClaimOccurrence.id).desc(), Claim.id)
        )
    query = query.limit(limit)
    if status:
        query = query.where(Claim.status == status)
    return [(claim, int(n), int(outlets)) for claim, n, outlets in session.execute(query)]


def claim_links(session: Session, claim_id: int) -> list[tuple[ClaimFactCheck, FactCheck]]:
    rows = session.execute(
        select(ClaimFactCheck, FactCheck)
        .join(FactCheck, FactCheck.id == ClaimFactCheck.factcheck_id)
        .where(ClaimFactCheck.claim_id == claim_id)
        .order_by(ClaimFactCheck.score.desc().nulls_last())
    )
    return [(link, factcheck) for link, factcheck in rows]


def status_history(session: Session, claim_id: int) -> list[ClaimStatusChange]:
    return list(
        session.scalars(
            select(ClaimStatusChange).where(ClaimStatusChange.claim_id == claim_id).order_by(ClaimStatusChange.id)
        )
    )
