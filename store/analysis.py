"""NLP results as stored: actors, their aliases and mentions, per analysed article.

Saving an article's extraction replaces what an earlier run stored for it, so re-analysis after an
extractor upgrade never leaves two versions side by side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from claimwatch.config.settings import ActorSettings, WatchlistClaim
from claimwatch.nlp.claims import Claim as ExtractedClaim
from claimwatch.nlp.extract import Extraction
from claimwatch.nlp.matching import figures, same_proposition, terms

from .models import Actor, ActorAlias, Article, Claim, ClaimOccurrence, ClaimVector, Mention, Quote, utcnow
from .vector_index import VectorIndex
from .vectors import drop_vectors, store_vectors

NEAREST_CLAIMS = 5  # canonical claims looked at when grouping a new wording by meaning


@dataclass
class KnownActors:
    """Actors and aliases already looked up or stored, for the articles of one batch saved under the
    writer lock (store/writes.py): nobody else can add one meanwhile, so what is known stays true."""

    actors: dict[tuple[str, str], Actor] = field(default_factory=dict)
    aliases: set[tuple[int, str]] = field(default_factory=set)


def _actor(session: Session, name: str, type_: str, known: KnownActors | None = None) -> Actor:
    if known is not None and (name, type_) in known.actors:
        return known.actors[(name, type_)]
    actor = session.scalars(select(Actor).where(Actor.name == name, Actor.type == type_)).first()
    if actor is None:
        actor = Actor(name=name, type=type_)
        session.add(actor)
        session.flush()
    if known is not None:
        known.actors[(name, type_)] = actor
    return actor


def _alias(session: Session, actor: Actor, alias: str, origin: str, known: KnownActors | None = None) -> None:
    if known is not None and (actor.id, alias) in known.aliases:
        return
    exists = session.scalars(
        select(ActorAlias.id).where(ActorAlias.actor_id == actor.id, ActorAlias.alias == alias)
    ).first()
    if exists is None:
        session.add(ActorAlias(actor_id=actor.id, alias=alias, origin=origin))
        session.flush()
    if known is not None:
        known.aliases.add((actor.id, alias))


def sync_actor_aliases(session: Session, actors: Sequence[ActorSettings]) -> None:
    """Make the config's alias table visible in SQL (actors and actor_aliases)."""
    for configured in actors:
        actor = _actor(session, configured.name, configured.type)
        for alias in configured.aliases:
            _alias(session, actor, alias, "config")


def normalize_claim(text: str) -> str:
    """The grouping key of a claim: its content terms, synonyms merged, and its figures, in sorted order, so
    that "Kyiv began the war" and "the war was started by Ukraine" share one canonical claim while "350
    billion" and "100 billion" do not."""
    key = sorted(set(terms(text)) | figures(text))
    return " ".join(key)[:500] or " ".join(re.findall(r"\w+", text.casefold()))[:500]


def sync_watchlist(session: Session, watchlist: Sequence[WatchlistClaim]) -> None:
    """One canonical claim per watchlist entry, so occurrences can link to it before any is seen."""
    for entry in watchlist:
        claim = session.scalars(select(Claim).where(Claim.watchlist_key == entry.key)).first()
        if claim is None:
            session.add(Claim(text=entry.claim, normalized=normalize_claim(entry.claim), watchlist_key=entry.key))
        elif claim.text != entry.claim:
            claim.text, claim.normalized, claim.match_pending = entry.claim, normalize_claim(entry.claim), True
            drop_vectors(session, ClaimVector, [claim.id])
    session.flush()


@dataclass(frozen=True)
class MeaningGroups:
    """What grouping by meaning needs while an extraction is saved: the canonical claims' vector index, the
    watchlist's vectors (claim and paraphrases), the threshold, and the vector of every claim text about
    to be saved (computed before the transaction, in one batch)."""

    index: VectorIndex
    model: str
    threshold: float
    watchlist: Sequence[tuple[str, np.ndarray, str]]  # key, vector of the claim or a paraphrase, its wording
    vectors: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class _Grouped:
    claim: Claim
    how: str  # watchlist | words | meaning | new
    score: float | None


def _canonical_claim(session: Session, found: ExtractedClaim, groups: MeaningGroups | None) -> _Grouped:
    """The canonical claim an extracted claim belongs to: its watchlist claim, the claim with the same
    content words, the nearest claim by meaning at or above the threshold with the same polarity, or new."""
    if found.watchlist:
        listed = session.scalars(select(Claim).where(Claim.watchlist_key == found.watchlist)).first()
        if listed is not None:
            return _Grouped(listed, "watchlist", 1.0)
    key = normalize_claim(found.proposition)
    same = session.scalars(select(Claim).where(Claim.normalized == key, Claim.watchlist_key.is_(None))).first()
    if same is not None:
        return _Grouped(same, "words", 1.0)
    vector = groups.vectors.get(found.proposition) if groups is not None else None
    if groups is not None and vector is not None:
        near = _nearest(session, found.proposition, vector, groups)
        if near is not None:
            return near
    claim = Claim(text=found.proposition, normalized=key)
    session.add(claim)
    session.flush()
    if groups is not None and vector is not None:
        store_vectors(session, ClaimVector, groups.model, [(claim.id, found.proposition)], vector[None, :])
    return _Grouped(claim, "new", None)


def _nearest(session: Session, text: str, vector: np.ndarray, groups: MeaningGroups) -> _Grouped | None:
    listed = [(key, float(v @ vector)) for key, v, wording in groups.watchlist if same_proposition(text, wording)]
    best = max(listed, key=lambda pair: pair[1], default=None)
    if best is not None and best[1] >= groups.threshold:
        claim = session.scalars(select(Claim).where(Claim.watchlist_key == best[0])).first()
        if claim is not None:
            return _Grouped(claim, "watchlist", round(best[1], 4))
    groups.index.sync(session, check=False)  # per claim: only what was stored since
    for claim_id, cosine in groups.index.search(vector, NEAREST_CLAIMS):
        if cosine < groups.threshold:
            break
        claim = session.get(Claim, claim_id)
        if claim is not None and same_proposition(text, claim.text):
            return _Grouped(claim, "meaning", round(cosine, 4))
    return None


def mark_outdated(session: Session, version: str) -> int:
    """Queue analysed articles whose stored results come from another extractor version; returns how many."""
    result = session.execute(
        update(Article)
        .where(
            Article.analyzed_at.is_not(None),
            Article.relevant.is_(True),
            (Article.extractor_version != version) | Article.extractor_version.is_(None),
        )
        .values(analyzed_at=None)
    )
    return int(result.rowcount or 0)


def _pending(columns: Any, language: str) -> Select[Any]:
    return (
        select(columns)
        .where(
            Article.relevant.is_(True),
            Article.analyzed_at.is_(None),
            (Article.language == language) | Article.language.is_(None),
        )
        .order_by(Article.id)
    )


def pending_articles(
    session: Session,
    *,
    limit: int | None = None,
    ids: Sequence[int] | None = None,
    language: str = "en",
    after: int | None = None,
) -> list[Article]:
    """Relevant articles in `language` (or of unknown language) not yet analysed, oldest first; of `ids`
    only, when given; with ids above `after` only (the batch in hand is not saved yet)."""
    query = _pending(Article, language).limit(limit)
    if ids is not None:
        query = query.where(Article.id.in_(ids))
    if after is not None:
        query = query.where(Article.id > after)
    return list(session.scalars(query))


def pending_article_ids(session: Session, *, language: str = "en") -> list[int]:
    """The ids of every article `pending_articles` would return, without their texts."""
    return list(session.scalars(_pending(Article.id, language)))


def save_extraction(
    session: Session,
    article: Article,
    extraction: Extraction,
    groups: MeaningGroups | None = None,
    known: KnownActors | None = None,
) -> dict[str, int]:
    """Replace the article's stored mentions, quotes and claim occurrences with this extraction's; claims
    are grouped by meaning too when `groups` is given."""
    for model in (Mention, Quote, ClaimOccurrence):
        session.execute(delete(model).where(model.article_id == article.id))
    actors: dict[tuple[str, str], Actor] = {}

    def actor_id(name: str | None, type_: str | None = None) -> int | None:
        if name is None:
            return None
        found = next((a for (n, t), a in actors.items() if n == name and (type_ is None or t == type_)), None)
        return found.id if found else None

    counts = {"mentions": 0, "quotes": 0, "claims": 0}
    # Look-ups and the rows they may create first, the article's own rows after: those then go to the
    # database together at the end, in a few multi-row INSERTs, instead of one autoflush per look-up.
    grouped_claims = [(found, _canonical_claim(session, found, groups)) for found in extraction.claims]
    for found in extraction.actors:
        actor = actors[(found.name, found.type)] = _actor(session, found.name, found.type, known)
        for mention in found.mentions:
            if mention.text != actor.name:
                _alias(session, actor, mention.text, "text", known)
    for found in extraction.actors:
        actor = actors[(found.name, found.type)]
        for mention in found.mentions:
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
            counts["mentions"] += 1
    seen_quotes: set[tuple[int, int]] = set()
    for quote in extraction.quotes:
        if (quote.start, quote.end) in seen_quotes:
            continue
        seen_quotes.add((quote.start, quote.end))
        session.add(
            Quote(
                article_id=article.id,
                speaker_actor_id=actor_id(quote.speaker),
                speaker_text=quote.speaker_text,
                speaker_start=quote.speaker_start,
                speaker_end=quote.speaker_end,
                cue=quote.cue,
                cue_start=quote.cue_start,
                cue_end=quote.cue_end,
                kind=quote.kind,
                text=quote.text,
                start=quote.start,
                end=quote.end,
                quoted=[list(span) for span in quote.quoted],
                extractor_version=extraction.version,
            )
        )
        counts["quotes"] += 1
    seen_claims: set[tuple[int, int]] = set()
    for found_claim, grouped in grouped_claims:
        claim = grouped.claim
        if (claim.id, found_claim.start) in seen_claims:
            continue
        seen_claims.add((claim.id, found_claim.start))
        when = article.published_at or article.fetched_at
        if when is not None and (claim.first_seen_at is None or when < claim.first_seen_at):
            claim.first_seen_at = when
        session.add(
            ClaimOccurrence(
                claim_id=claim.id,
                article_id=article.id,
                claimant_actor_id=actor_id(found_claim.claimant),
                claimant_text=found_claim.claimant_text,
                text=found_claim.text,
                sentence=found_claim.sentence,
                start=found_claim.start,
                end=found_claim.end,
                framing=found_claim.framing,
                checkworthiness=found_claim.checkworthiness,
                extractor_version=extraction.version,
                grouping=grouped.how,
                grouping_score=grouped.score,
            )
        )
        counts["claims"] += 1
    article.analyzed_at = utcnow()
    article.extractor_version = extraction.version
    session.flush()
    return counts
