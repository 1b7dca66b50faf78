"""Embeddings as stored: one float16 vector per fact-check and per canonical claim, in tables of their own
(`factcheck_vectors`, `claim_vectors`) whose growing `id` tells a search index what changed since it last
looked. Vectors are computed once: a re-import of an unchanged fact-check keeps its vector, a changed one
loses it and is embedded again."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from sqlalchemy import Select, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from .models import Claim, ClaimVector, FactCheck, FactCheckVector

VectorTable = type[FactCheckVector] | type[ClaimVector]
DTYPE = "<f2"  # float16: half the bytes of float32, and cosine similarities agree to ~1e-3


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_blobs(blobs: Sequence[bytes], dimensions: int) -> np.ndarray:
    """Stacked float32 rows from stored vectors."""
    if not blobs:
        return np.zeros((0, dimensions), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=DTYPE).reshape(len(blobs), -1).astype(np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def factcheck_text(claim_reviewed: str, title: str | None) -> str:
    """What a fact-check's vector encodes: the claim it reviewed and its headline."""
    return f"{claim_reviewed} {title or ''}".strip()


def _owner(table: VectorTable):  # type: ignore[no-untyped-def]
    return table.factcheck_id if table is FactCheckVector else table.claim_id


def _lacking(table: VectorTable, model: str) -> Select[tuple[int, str, str | None]]:
    """Owners (id, text, headline) with no vector from `model` in `table`."""
    if table is FactCheckVector:
        query = select(FactCheck.id, FactCheck.claim_reviewed, FactCheck.title)
        on = (FactCheckVector.factcheck_id == FactCheck.id) & (FactCheckVector.model == model)
    else:
        query = select(Claim.id, Claim.text, literal(None))
        on = (ClaimVector.claim_id == Claim.id) & (ClaimVector.model == model)
    return query.outerjoin(table, on).where(table.id.is_(None))


def missing_vectors(
    session: Session, table: VectorTable, model: str, *, after: int, limit: int
) -> list[tuple[int, str]]:
    """(owner id, text to embed) of fact-checks or claims with no vector from `model`, by id, after `after`."""
    owner = FactCheck.id if table is FactCheckVector else Claim.id
    rows = session.execute(_lacking(table, model).where(owner > after).order_by(owner).limit(limit))
    return [(row[0], factcheck_text(row[1], row[2]) if table is FactCheckVector else row[1]) for row in rows]


def count_missing_vectors(session: Session, model: str) -> int:
    """How many fact-checks and claims have no vector from `model` yet."""
    return sum(
        int(session.scalar(select(func.count()).select_from(_lacking(table, model).subquery())) or 0)
        for table in (FactCheckVector, ClaimVector)
    )


def store_vectors(
    session: Session, table: VectorTable, model: str, items: Sequence[tuple[int, str]], vectors: np.ndarray
) -> None:
    """Store (or replace) the vectors of `items` (owner id, text embedded), set-based."""
    if not items:
        return
    owner = _owner(table)
    ids = [item_id for item_id, _text in items]
    session.execute(delete(table).where(owner.in_(ids)))
    session.execute(
        insert(table),
        [
            {owner.key: item_id, "model": model, "text_hash": text_hash(text), "vector": to_blob(vector)}
            for (item_id, text), vector in zip(items, vectors)
        ],
    )


def drop_vectors(session: Session, table: VectorTable, owner_ids: Iterable[int]) -> None:
    """Forget vectors whose text changed, so that they are computed again."""
    ids = list(owner_ids)
    if ids:
        session.execute(delete(table).where(_owner(table).in_(ids)))


def vectors_of(session: Session, table: VectorTable, model: str, owner_ids: Sequence[int]) -> dict[int, bytes]:
    """Stored vectors of the given owners."""
    if not owner_ids:
        return {}
    owner = _owner(table)
    rows = session.execute(select(owner, table.vector).where(owner.in_(owner_ids), table.model == model))
    return {row[0]: row[1] for row in rows}


def vector_changes(
    session: Session, table: VectorTable, model: str, *, after: int, chunk: int = 20_000
) -> Iterator[list[tuple[int, int, bytes]]]:
    """(change id, owner id, vector) stored after change `after`, in chunks, oldest first."""
    owner = _owner(table)
    while True:
        rows = session.execute(
            select(table.id, owner, table.vector)
            .where(table.model == model, table.id > after)
            .order_by(table.id)
            .limit(chunk)
        ).all()
        if not rows:
            return
        yield [(row[0], row[1], row[2]) for row in rows]
        after = rows[-1][0]


def vector_count(session: Session, table: VectorTable, model: str) -> tuple[int, int]:
    """(how many vectors `model` has in `table`, the newest change id)."""
    count, newest = session.execute(
        select(func.count(table.id), func.coalesce(func.max(table.id), 0)).where(table.model == model)
    ).one()
    return int(count), int(newest)


def vector_owners(session: Session, table: VectorTable, model: str) -> list[int]:
    """Every owner id with a vector from `model`."""
    return list(session.scalars(select(_owner(table)).where(table.model == model)))
