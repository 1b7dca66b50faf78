"""Articles as stored: one row per canonical URL, with a sighting per feed that listed it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Article, Sighting, Source, utcnow

# The same title from the same outlet within this window is the same story under another URL.
SAME_STORY_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class NewArticle:
    url: str
    title: str | None
    outlet: str | None
    author: str | None
    published_at: datetime | None
    text: str
    text_source: str
    language: str | None
    topics: dict[str, list[str]]
    guid: str | None
    raw_html: bytes | None = None
    feed_outlet: str | None = None  # the outlet as the feed names it: the same-story key, known before fetching


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def title_hash(title: str | None, outlet: str | None) -> str | None:
    """Hash of a title and outlet folded to words, to spot the same story under another URL."""
    if not title:
        return None
    words = re.findall(r"\w+", f"{outlet or ''} {title}".casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def known_article(
    session: Session,
    *,
    url: str,
    guid: str | None,
    title: str | None = None,
    outlet: str | None = None,
    when: datetime | None = None,
) -> Article | None:
    """The stored article with this canonical URL, entry GUID, or (within a few days of `when`) the same
    normalised title from the same outlet, if any."""
    found = session.scalars(select(Article).where(Article.url == url)).first()
    if found is None and guid:
        found = session.scalars(select(Article).where(Article.guid == guid)).first()
    key = title_hash(title, outlet)
    if found is None and key and outlet:
        moment = when or utcnow()
        found = session.scalars(
            select(Article).where(
                Article.title_hash == key,
                Article.fetched_at >= moment - SAME_STORY_WINDOW,
                Article.fetched_at <= moment + SAME_STORY_WINDOW,
            )
        ).first()
    return found


def add_sighting(session: Session, article: Article, source: Source, *, guid: str | None, url: str) -> bool:
    """Record that `source` listed `article`; False when that sighting was already known."""
    exists = session.scalars(
        select(Sighting.id).where(Sighting.article_id == article.id, Sighting.source_id == source.id)
    ).first()
    if exists is not None:
        return False
    session.add(Sighting(article_id=article.id, source_id=source.id, entry_guid=guid, entry_url=url))
    return True


def save_article(session: Session, new: NewArticle, source: Source, *, entry_url: str) -> Article:
    """Store a new article with its first sighting."""
    article = Article(
        url=new.url,
        guid=new.guid,
        outlet=new.outlet,
        title=new.title,
        author=new.author,
        published_at=new.published_at,
        language=new.language,
        text=new.text,
        text_source=new.text_source,
        content_hash=content_hash(new.text),
        title_hash=title_hash(new.title, new.feed_outlet or new.outlet),
        topics=new.topics,
        relevant=bool(new.topics),
        raw_html=new.raw_html,
    )
    session.add(article)
    session.flush()
    add_sighting(session, article, source, guid=new.guid, url=entry_url)
    return article
