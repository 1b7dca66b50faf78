"""NLP results as stored: actors, their aliases and mentions, per analysed article.

Saving an article's extraction replaces what an earlier run stored for it, so re-analysis after an
extractor upgrade never leaves two versions side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from claimwatch.config.settings import ActorSettings
from claimwatch.nlp.extract import Extraction

from .models import Actor, ActorAlias, Article, Mention, utcnow


def _actor(session: Session, name: str, type_: str) -> Actor:
    actor = session.scalars(select(Actor).where(Actor.name == name, Actor.type == type_)).first()
    if actor is None:
        actor = Actor(name=name, type=type_)
        session.add(actor)
        session.flush()
    return actor


def _alias(session: Session, actor: Actor, alias: str, origin: str) -> None:
    exists = session.scalars(
        select(ActorAlias.id).where(ActorAlias.actor_id == actor.id, ActorAlias.alias == alias)
    ).first()
    if exists is None:
        session.add(ActorAlias(actor_id=actor.id, alias=alias, origin=origin))
        session.flush()


def sync_actor_aliases(session: Session, actors: Sequence[ActorSettings]) -> None:
    """Make the config's alias table visible in SQL (actors and actor_aliases)."""
    for configured in actors:
        actor = _actor(session, configured.name, configured.type)
        for alias in configured.aliases:
            _alias(session, actor, alias, "config")


def pending_articles(session: Session, *, limit: int, language: str = "en") -> list[Article]:
    """Relevant articles in `language` (or of unknown language) not yet analysed, oldest first."""
    query = (
        select(Article)
        .where(
            Article.relevant.is_(True),
            Article.analyzed_at.is_(None),
            (Article.language == language) | Article.language.is_(None),
        )
        .order_by(Article.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def save_extraction(session: Session, article: Article, extraction: Extraction) -> int:
    """Replace the article's stored mentions with this extraction's; returns the number of mentions."""
    session.execute(delete(Mention).where(Mention.article_id == article.id))
    count = 0
    for found in extraction.actors:
        actor = _actor(session, found.name, found.type)
        for mention in found.mentions:
            if mention.text != actor.name:
                _alias(session, actor, mention.text, "text")
            session.add(
                Mention(
                    article_id=article.id,
                    actor_id=actor.id,
                    start=mention.start,
                    end=mention.end,
                    text=mention.text,
                    role=mention.role,
                )
            )
            count += 1
    article.analyzed_at = utcnow()
    article.extractor_version = extraction.version
    session.flush()
    return count
