"""NLP results as stored: actors, their aliases and mentions, quotes and claim occurrences, per analysed
article.

Saving an article's extraction replaces what an earlier run stored for it, so re-analysis after an
extractor upgrade never leaves two versions side by side. A batch of articles is saved set-based: one
look-up of its actors, one of its aliases, one grouping of its claims (store/grouping.py), its rows in
multi-row INSERTs, and its occurrences added to their claims' counters (those that lost some, recounted;
store/claim_counts.py), under the store's writer lock, so nobody adds an actor or a claim or moves an
occurrence meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.orm import Session

from claimwatch.config.settings import ActorSettings, WatchlistClaim
from claimwatch.nlp.extract import Extraction

from .batches import IN_CHUNK, batched
from .claim_counts import count_added, recount_claims
from .db import batch_page_cache
from .grouping import MeaningGroups, group_claims, normalize_claim
from .models import Actor, ActorAlias, Article, Claim, ClaimOccurrence, ClaimVector, Mention, Quote, utcnow
from .tallies import OccurrenceKey, tally_batch
from .vectors import drop_vectors


def sync_actor_aliases(session: Session, actors: Sequence[ActorSettings]) -> None:
    """Make the config's alias table visible in SQL (actors and actor_aliases)."""
    ids = _actor_ids(session, {(configured.name, configured.type) for configured in actors})
    _add_aliases(session, {(ids[(c.name, c.type)], alias) for c in actors for alias in c.aliases}, "config")


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


def save_extractions(
    session: Session, analysed: Sequence[tuple[Article, Extraction]], groups: MeaningGroups | None = None
) -> dict[str, int]:
    """Replace each article's stored mentions, quotes and claim occurrences with its extraction's, and mark
    it analysed; claims are grouped by meaning too when `groups` is given. Returns the rows written."""
    if not analysed:
        return {"mentions": 0, "quotes": 0, "claims": 0}
    with batch_page_cache(session):
        return _save(session, analysed, groups)


def _save(
    session: Session, analysed: Sequence[tuple[Article, Extraction]], groups: MeaningGroups | None
) -> dict[str, int]:
    ids = [article.id for article, _extraction in analysed]
    lost: set[int] = set()  # claims that lose occurrences (an article analysed again): recounted whole
    removed_mentions: list[tuple[int, int]] = []  # what the tallies lose (store/tallies.py)
    removed_occurrences: list[OccurrenceKey] = []
    for chunk in batched(ids, IN_CHUNK):
        mentions_gone = delete(Mention).where(Mention.article_id.in_(chunk))
        removed_mentions += [
            (a, m) for a, m in session.execute(mentions_gone.returning(Mention.article_id, Mention.actor_id))
        ]
        session.execute(delete(Quote).where(Quote.article_id.in_(chunk)))
        occurrences_gone = delete(ClaimOccurrence).where(ClaimOccurrence.article_id.in_(chunk))
        o = ClaimOccurrence
        for claim_id, actor_id, words, framing in session.execute(
            occurrences_gone.returning(o.claim_id, o.claimant_actor_id, o.claimant_text, o.framing)
        ):
            lost.add(claim_id)
            removed_occurrences.append((actor_id, words, framing))
    grouped = iter(group_claims(session, [c for _a, e in analysed for c in e.claims], groups))
    actor_ids = _actor_ids(session, {(a.name, a.type) for _article, e in analysed for a in e.actors})
    # every other name the text used for an actor (a mention's wording) is recorded as its alias
    _add_aliases(
        session,
        {
            (actor_ids[(a.name, a.type)], m.text)
            for _art, e in analysed
            for a in e.actors
            for m in a.mentions
            if m.text != a.name
        },
        "text",
    )
    mentions: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    occurrences: list[dict[str, Any]] = []
    for article, extraction in analysed:
        speakers: dict[str, int] = {}  # a quote or claim names its speaker by canonical name, of any type
        for found in extraction.actors:
            actor_id = actor_ids[(found.name, found.type)]
            speakers.setdefault(found.name, actor_id)
            mentions += [
                {
                    "article_id": article.id,
                    "actor_id": actor_id,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "role": m.role,
                }
                for m in found.mentions
            ]
        seen_quotes: set[tuple[int, int]] = set()
        for quote in extraction.quotes:
            if (quote.start, quote.end) in seen_quotes:
                continue
            seen_quotes.add((quote.start, quote.end))
            quotes.append(
                {
                    "article_id": article.id,
                    "speaker_actor_id": speakers.get(quote.speaker) if quote.speaker else None,
                    "speaker_text": quote.speaker_text,
                    "speaker_start": quote.speaker_start,
                    "speaker_end": quote.speaker_end,
                    "cue": quote.cue,
                    "cue_start": quote.cue_start,
                    "cue_end": quote.cue_end,
                    "kind": quote.kind,
                    "text": quote.text,
                    "start": quote.start,
                    "end": quote.end,
                    "quoted": [list(span) for span in quote.quoted],
                    "extractor_version": extraction.version,
                }
            )
        seen_claims: set[tuple[int, int]] = set()
        for found_claim in extraction.claims:
            group = next(grouped)
            if (group.claim_id, found_claim.start) in seen_claims:
                continue
            seen_claims.add((group.claim_id, found_claim.start))
            occurrences.append(
                {
                    "claim_id": group.claim_id,
                    "article_id": article.id,
                    "claimant_actor_id": speakers.get(found_claim.claimant) if found_claim.claimant else None,
                    "claimant_text": found_claim.claimant_text,
                    "text": found_claim.text,
                    "sentence": found_claim.sentence,
                    "start": found_claim.start,
                    "end": found_claim.end,
                    "framing": found_claim.framing,
                    "checkworthiness": found_claim.checkworthiness,
                    "extractor_version": extraction.version,
                    "grouping": group.how,
                    "grouping_score": group.score,
                }
            )
        article.analyzed_at = utcnow()
        article.extractor_version = extraction.version
    for model, rows in ((Mention, mentions), (Quote, quotes), (ClaimOccurrence, occurrences)):
        if rows:
            session.execute(insert(model.__table__), rows)  # Core: the ORM's bulk path costs ~3× as much here
    recount_claims(session, lost)  # with the batch's rows in, so a claim's new occurrences count too
    by_id = {article.id: article for article, _extraction in analysed}
    count_added(
        session,
        [
            (o["claim_id"], o["article_id"], by_id[o["article_id"]].outlet, _seen(by_id[o["article_id"]]), o["framing"])
            for o in occurrences
            if o["claim_id"] not in lost
        ],
    )
    tally_batch(
        session,
        occurrences_removed=removed_occurrences,
        occurrences_added=[(o["claimant_actor_id"], o["claimant_text"], o["framing"]) for o in occurrences],
        mentions_removed=removed_mentions,
        mentions_added=[(m["article_id"], m["actor_id"]) for m in mentions],
    )
    session.flush()
    return {"mentions": len(mentions), "quotes": len(quotes), "claims": len(occurrences)}


def _seen(article: Article) -> datetime:
    """An occurrence's time, as the counters keep it: its article's publication, else when it was fetched."""
    return article.published_at or article.fetched_at


def _actor_ids(session: Session, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The id of each (name, type) in `wanted`, inserting the actors not stored yet: one look-up per
    IN chunk, one multi-row INSERT."""
    ids: dict[tuple[str, str], int] = {}
    for chunk in batched(sorted({name for name, _type in wanted}), IN_CHUNK):
        rows = session.execute(select(Actor.id, Actor.name, Actor.type).where(Actor.name.in_(chunk)))
        ids.update(((name, type_), actor_id) for actor_id, name, type_ in rows if (name, type_) in wanted)
    missing = sorted(wanted - ids.keys())
    if missing:
        rows = session.execute(
            insert(Actor).returning(Actor.id, Actor.name, Actor.type), [{"name": n, "type": t} for n, t in missing]
        )
        ids.update(((name, type_), actor_id) for actor_id, name, type_ in rows)
    return ids


def _add_aliases(session: Session, aliases: set[tuple[int, str]], origin: str) -> None:
    """Record each (actor id, alias) not stored yet, with where it came from (config | text)."""
    known: set[tuple[int, str]] = set()
    for chunk in batched(sorted({alias for _id, alias in aliases}), IN_CHUNK):
        rows = session.execute(select(ActorAlias.actor_id, ActorAlias.alias).where(ActorAlias.alias.in_(chunk)))
        known.update((actor_id, alias) for actor_id, alias in rows)
    fresh = sorted(aliases - known)
    if fresh:
        session.execute(insert(ActorAlias), [{"actor_id": i, "alias": a, "origin": origin} for i, a in fresh])
