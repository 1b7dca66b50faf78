"""Which canonical claim each extracted claim joins: its watchlist claim, the stored claim with the same
content words, the nearest stored claim by meaning, or a new one.

A batch of claims is grouped at once, under the store's writer lock (store/writes.py): one look-up per kind
for the whole batch (watchlist keys, word keys, a batched nearest-neighbour search), and the claims the
batch itself creates are searched in memory, so the tenth wire copy of a new claim in one batch joins the
first. The decisions are the same as one claim at a time; the round trips are not. Claims are read and
written as plain rows (id and wording), not ORM objects: a batch reads ~50 stored claims an article and
creates ~20, and building, tracking and flushing them as objects was half of grouping's time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from claimwatch.nlp.claims import Claim as ExtractedClaim
from claimwatch.nlp.matching import figures, same_proposition, terms

from .batches import IN_CHUNK, batched
from .models import Claim, ClaimVector
from .vector_index import VectorIndex
from .vectors import store_vectors

NEAREST_CLAIMS = 5  # canonical claims looked at when grouping a new wording by meaning


def normalize_claim(text: str) -> str:
    """The grouping key of a claim: its content terms, synonyms merged, and its figures, in sorted order, so
    that "Kyiv began the war" and "the war was started by Ukraine" share one canonical claim while "350
    billion" and "100 billion" do not."""
    key = sorted(set(terms(text)) | figures(text))
    return " ".join(key)[:500] or " ".join(re.findall(r"\w+", text.casefold()))[:500]


@dataclass(frozen=True)
class MeaningGroups:
    """What grouping by meaning needs while extractions are saved: the canonical claims' vector index, the
    watchlist's vectors (claim and paraphrases), the threshold, and the vector of every claim text about
    to be saved (computed before the transaction, in one batch)."""

    index: VectorIndex
    model: str
    threshold: float
    watchlist: Sequence[tuple[str, np.ndarray, str]]  # key, vector of the claim or a paraphrase, its wording
    vectors: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Grouped:
    """The canonical claim of one extracted claim, and how it was found."""

    claim_id: int
    how: str  # watchlist | words | meaning | new
    score: float | None


@dataclass(eq=False)
class _Canonical:
    """A canonical claim as grouping reads it; one the batch creates has no id until the batch stores it."""

    text: str
    id: int | None = None


def group_claims(session: Session, found: Sequence[ExtractedClaim], groups: MeaningGroups | None) -> list[Grouped]:
    """The canonical claim of each of `found`, in order, inserting those that are new; new claims with a
    vector get it stored, so the next batch finds them by meaning."""
    batch = _Batch(session, found, groups)
    chosen = [batch.group(claim) for claim in found]
    batch.store_new()
    return [Grouped(_stored_id(claim), how, score) for claim, how, score in chosen]


def _stored_id(claim: _Canonical) -> int:
    assert claim.id is not None, "store_new gives every new claim its id"
    return claim.id


_Choice = tuple[_Canonical, str, float | None]  # the canonical claim, how it was found, the score


class _Batch:
    """One batch's look-ups, made up front, and the claims it creates."""

    def __init__(self, session: Session, found: Sequence[ExtractedClaim], groups: MeaningGroups | None) -> None:
        self.session, self.groups = session, groups
        listed_keys = {c.watchlist for c in found if c.watchlist}
        if groups is not None:
            listed_keys |= {key for key, _vector, _wording in groups.watchlist}
        self.listed = self._by(Claim.watchlist_key, listed_keys, listed=True)
        self.keys = {c.proposition: normalize_claim(c.proposition) for c in found}
        self.by_words = self._by(Claim.normalized, set(self.keys.values()), listed=False)
        self.nearest = self._search_index(found)
        self.listed_near = self._watchlist_near(found)
        self.new_by_words: dict[str, _Canonical] = {}
        dimensions = groups.index.dimensions if groups is not None else 0
        self.new_vectors = np.zeros((len(found), dimensions), dtype=np.float32)
        self.new_owners: list[_Canonical] = []

    def _by(self, column, values: set[str], *, listed: bool) -> dict[str, _Canonical]:  # type: ignore[no-untyped-def]
        """Claims whose `column` is one of `values`, by that value; the oldest wins. By words, watchlist
        claims are left out in Python: a `watchlist_key IS NULL` term would lead SQLite to the unique
        watchlist index, whose NULLs are nearly every row, instead of (normalized, watchlist_key)."""
        found: dict[str, _Canonical] = {}
        columns = (Claim.id, Claim.text, Claim.normalized, Claim.watchlist_key)
        for chunk in batched(sorted(values), IN_CHUNK):
            rows = sorted(self.session.execute(select(*columns).where(column.in_(chunk))), key=lambda row: row.id)
            for claim_id, text, normalized, watchlist_key in rows:
                if listed:
                    found.setdefault(watchlist_key, _Canonical(text, claim_id))
                elif watchlist_key is None:
                    found.setdefault(normalized, _Canonical(text, claim_id))
        return found

    def _search_index(self, found: Sequence[ExtractedClaim]) -> dict[str, list[tuple[_Canonical, float]]]:
        """Stored claims near each proposition not already grouped by key or words, at or above the
        threshold, nearest first: one batched search, one look-up of the claims it names."""
        groups = self.groups
        if groups is None:
            return {}
        texts = list(
            dict.fromkeys(
                c.proposition
                for c in found
                if not (c.watchlist and c.watchlist in self.listed)
                and self.keys[c.proposition] not in self.by_words
                and c.proposition in groups.vectors
            )
        )
        if not texts:
            return {}
        groups.index.sync(self.session, check=False)  # what earlier batches stored since the job's full check
        hits = groups.index.search_many(np.stack([groups.vectors[t] for t in texts]), NEAREST_CLAIMS)
        wanted = {claim_id for row in hits for claim_id, cosine in row if cosine >= groups.threshold}
        claims: dict[int, _Canonical] = {}
        for chunk in batched(sorted(wanted), IN_CHUNK):
            rows = self.session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(chunk)))
            claims.update((claim_id, _Canonical(text, claim_id)) for claim_id, text in rows)
        return {
            text: [(claims[i], cosine) for i, cosine in row if cosine >= groups.threshold and i in claims]
            for text, row in zip(texts, hits)
        }

    def _watchlist_near(self, found: Sequence[ExtractedClaim]) -> dict[str, list[tuple[str, float, str]]]:
        """(key, cosine, wording) of the watchlist wordings at or above the threshold of each proposition with
        a vector: one product of the batch's vectors with the watchlist's, as most claims are near none."""
        groups = self.groups
        if groups is None or not groups.watchlist:
            return {}
        texts = list(dict.fromkeys(c.proposition for c in found if c.proposition in groups.vectors))
        if not texts:
            return {}
        cosines = np.stack([groups.vectors[t] for t in texts]) @ np.stack([v for _k, v, _w in groups.watchlist]).T
        near: dict[str, list[tuple[str, float, str]]] = {}
        for row, column in zip(*np.nonzero(cosines >= groups.threshold), strict=True):
            key, _vector, wording = groups.watchlist[column]
            near.setdefault(texts[row], []).append((key, float(cosines[row, column]), wording))
        return near

    def group(self, found: ExtractedClaim) -> _Choice:
        if found.watchlist and found.watchlist in self.listed:
            return self.listed[found.watchlist], "watchlist", 1.0
        key = self.keys[found.proposition]
        same = self.by_words.get(key) or self.new_by_words.get(key)
        if same is not None:
            return same, "words", 1.0
        vector = self.groups.vectors.get(found.proposition) if self.groups is not None else None
        if vector is not None:
            near = self._nearest(found.proposition, vector)
            if near is not None:
                return near
        claim = _Canonical(found.proposition)
        self.new_by_words[key] = claim
        if vector is not None:
            self.new_vectors[len(self.new_owners)] = vector
            self.new_owners.append(claim)
        return claim, "new", None

    def _nearest(self, text: str, vector: np.ndarray) -> _Choice | None:
        groups = self.groups
        assert groups is not None
        # the words are compared only where the meaning is close
        listed = [
            (k, cosine) for k, cosine, wording in self.listed_near.get(text, ()) if same_proposition(text, wording)
        ]
        best = max(listed, key=lambda pair: pair[1], default=None)
        if best is not None and best[0] in self.listed:
            return self.listed[best[0]], "watchlist", round(best[1], 4)
        # the stored claims near it, and those this batch created: the nearest that says the same thing
        candidates = list(self.nearest.get(text, []))
        if self.new_owners:
            cosines = self.new_vectors[: len(self.new_owners)] @ vector
            candidates += [(self.new_owners[i], float(cosines[i])) for i in np.flatnonzero(cosines >= groups.threshold)]
        for claim, cosine in sorted(candidates, key=lambda pair: -pair[1]):
            if same_proposition(text, claim.text):
                return claim, "meaning", round(cosine, 4)
        return None

    def store_new(self) -> None:
        """Insert the batch's new claims in one multi-row INSERT, and the vectors of those that have one."""
        if not self.new_by_words:
            return
        table = Claim.__table__
        # Each new claim is told by its key (one a key in a batch), not by the order of the rows returned:
        # asking SQLAlchemy for that order makes it insert one row a statement on SQLite.
        rows = self.session.execute(
            insert(table).returning(table.c.id, table.c.normalized),
            [{"text": claim.text, "normalized": key} for key, claim in self.new_by_words.items()],
        )
        for claim_id, key in rows:
            self.new_by_words[key].id = claim_id
        if self.groups is not None and self.new_owners:
            items = [(_stored_id(claim), claim.text) for claim in self.new_owners]
            store_vectors(self.session, ClaimVector, self.groups.model, items, self.new_vectors[: len(items)])
