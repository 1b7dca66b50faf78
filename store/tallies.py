"""Running tallies for the two aggregate questions no per-claim counter answers: who makes claims and how
outlets frame them (`claimant_tallies`), and which actors appear in the same articles
(`actor_pair_tallies`).

Why: both questions grouped every claim occurrence, or every pair of mentions, on each call — seconds at a
million articles. A batch replaces each article's occurrences and mentions whole, so it knows exactly what
it removes and what it adds, and adds the difference to the tallies in its own transaction under the
store's writer lock (one multi-row upsert per table). A merge or a split moves occurrences between claims
and changes neither tally. `claimwatch claims recount` recomputes both from the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from .batches import IN_CHUNK, batched
from .models import Actor, ActorPairTally, ClaimantTally, ClaimOccurrence, Mention

THE_OUTLET = "(the outlet)"  # who made a claim no one in the article is named for


OccurrenceKey = tuple[int | None, str | None, str]  # (claimant actor id, claimant words, framing)


def who(name: str | None, claimant_text: str | None) -> str:
    """The claimant as the claimants question groups it: canonical name, else the words, else the outlet."""
    return name if name is not None else claimant_text if claimant_text is not None else THE_OUTLET


def tally_batch(
    session: Session,
    *,
    occurrences_removed: Iterable[OccurrenceKey],
    occurrences_added: Iterable[OccurrenceKey],
    mentions_removed: Iterable[tuple[int, int]],
    mentions_added: Iterable[tuple[int, int]],
) -> None:
    """Add what a batch added, and take away what it removed, from both tallies. Mentions are given as
    (article id, actor id) rows; an article counts once per pair however often each is named."""
    removed, added = list(occurrences_removed), list(occurrences_added)
    named = sorted({actor_id for actor_id, _text, _framing in removed + added if actor_id is not None})
    names: dict[int, str] = {}
    for chunk in batched(named, IN_CHUNK):
        names.update((i, n) for i, n in session.execute(select(Actor.id, Actor.name).where(Actor.id.in_(chunk))))
    claimants = Counter((who(names.get(a), t), f) for a, t, f in added)
    claimants.subtract((who(names.get(a), t), f) for a, t, f in removed)
    pairs = Counter(_pairs(mentions_added))
    pairs.subtract(_pairs(mentions_removed))
    _add(session, ClaimantTally, "occurrences", claimants)
    _add(session, ActorPairTally, "articles", pairs)


def _pairs(mentions: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    actors: defaultdict[int, set[int]] = defaultdict(set)
    for article_id, actor_id in mentions:
        actors[article_id].add(actor_id)
    for named in actors.values():
        yield from combinations(sorted(named), 2)


def _add(
    session: Session, model: type[ClaimantTally] | type[ActorPairTally], count: str, change: Mapping[Any, int]
) -> None:
    """One upsert statement, compiled once and run for every row (a batch of long articles names ~470 actor
    pairs an article; compiling a multi-row VALUES per 500 rows took most of the store stage)."""
    table = model.__table__
    keys = [column.name for column in table.primary_key.columns]
    rows = [{**dict(zip(keys, key)), count: n} for key, n in sorted(change.items()) if n]  # sorted: lock order
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(table)
    upsert = upsert.on_conflict_do_update(index_elements=keys, set_={count: table.c[count] + upsert.excluded[count]})
    session.execute(upsert, rows)
    session.execute(delete(model).where(getattr(model, count) <= 0))


def retally(session: Session) -> None:
    """Recompute both tallies from the occurrences and mentions (after rows were changed by hand)."""
    session.execute(delete(ClaimantTally))
    session.execute(delete(ActorPairTally))
    claimant = func.coalesce(Actor.name, ClaimOccurrence.claimant_text, THE_OUTLET)
    session.execute(
        insert(ClaimantTally).from_select(
            ["who", "framing", "occurrences"],
            select(claimant, ClaimOccurrence.framing, func.count())
            .select_from(ClaimOccurrence)
            .outerjoin(Actor, Actor.id == ClaimOccurrence.claimant_actor_id)
            .group_by(claimant, ClaimOccurrence.framing),
        )
    )
    other = aliased(Mention)
    pairs = (
        select(Mention.article_id, Mention.actor_id, other.actor_id.label("other_actor_id"))
        .join(other, (other.article_id == Mention.article_id) & (other.actor_id > Mention.actor_id))
        .distinct()
        .subquery()
    )
    session.execute(
        insert(ActorPairTally).from_select(
            ["actor_id", "other_actor_id", "articles"],
            select(pairs.c.actor_id, pairs.c.other_actor_id, func.count()).group_by(
                pairs.c.actor_id, pairs.c.other_actor_id
            ),
        )
    )
