"""Nearest-neighbour search over stored vectors: a usearch HNSW graph per vector table and model, kept in
step with the database and cached on disk.

The database is the truth; the graph is derived from it. `sync` reads only the vector rows stored since it
last looked (their `id` grows with every change), so a cycle that added nothing reads nothing. The graph is
saved under `<data_dir>/vectors/` with what it was built from (the store, the model, the last change id and
the count); a cache that does not agree with the store is rebuilt, never trusted. Why usearch over exact
search: at 500,000 fact-checks an exact float32 scan reads 768 MB per query; docs/factchecks.md has the
measured figures.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from .vectors import VectorTable, from_blobs, vector_changes, vector_count, vector_owners

log = logging.getLogger(__name__)

EXPANSION_SEARCH = 128  # HNSW search breadth: recall@10 ≥ 0.99 against exact search at 500k (benchmarks/)


class VectorIndex:
    """The vectors of one table made by one model, searchable by cosine similarity."""

    def __init__(self, table: VectorTable, model: str, dimensions: int, *, store_url: str, cache_dir: Path | None):
        self.table, self.model, self.dimensions = table, model, dimensions
        store = hashlib.sha256(store_url.encode()).hexdigest()[:12]
        slug = "".join(c if c.isalnum() else "-" for c in model)[-60:]
        self._identity = {"store": store, "table": table.__tablename__, "model": model, "dimensions": dimensions}
        self._path = cache_dir / f"{table.__tablename__}.{slug}.{store}.usearch" if cache_dir else None
        self._lock = threading.Lock()
        self._index = self._new()
        self._through = 0  # newest change id in the graph
        self._loaded = False
        self._dirty = False

    def _new(self):  # type: ignore[no-untyped-def]
        from usearch.index import Index

        return Index(ndim=self.dimensions, metric="cos", dtype="f16", expansion_search=EXPANSION_SEARCH)

    def __len__(self) -> int:
        return len(self._index)

    def sync(self, session: Session, *, check: bool = True) -> int:
        """Bring the graph up to the store: add the vectors stored since the last look (a range read on the
        primary key); with `check` (once per job, not per claim: it counts the table) also drop vectors
        whose owners were deleted and rebuild if the two still disagree. Returns how many were read."""
        with self._lock:
            if not self._loaded:
                self._load_cache()
                self._loaded = True
            if not check:
                read = self._read(session)
                self._dirty = self._dirty or bool(read)
                return read
            count, newest = vector_count(session, self.table, self.model)
            if newest < self._through:  # the store went back in time (restored, recreated): start over
                self._index, self._through = self._new(), 0
            read = self._read(session)
            if len(self._index) > count:  # owners deleted (a merged claim, a removed fact-check)
                gone = set(map(int, self._index.keys)) - set(vector_owners(session, self.table, self.model))
                for key in gone:
                    self._index.remove(key)
            if len(self._index) != count:
                log.info(
                    "vector index %s disagrees with the store (%d vs %d): rebuilding", self._path, len(self), count
                )
                self._index, self._through = self._new(), 0
                read += self._read(session)
            self._dirty = self._dirty or bool(read)
            return read

    def save(self) -> None:
        """Write the graph to its cache file if it changed since it was loaded (a job calls this at its end)."""
        with self._lock:
            if self._dirty:
                self._save_cache()
                self._dirty = False

    def _read(self, session: Session) -> int:
        read = 0
        for rows in vector_changes(session, self.table, self.model, after=self._through):
            keys = np.array([owner for _change, owner, _blob in rows], dtype=np.uint64)
            replaced = [int(k) for k in keys if self._index.contains(int(k))]
            for key in replaced:
                self._index.remove(key)
            # within a chunk an owner appears once: its vector row is unique per owner
            self._index.add(keys, from_blobs([blob for *_ignored, blob in rows], self.dimensions), threads=0)
            self._through = rows[-1][0]
            read += len(rows)
        return read

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(owner id, cosine similarity) of the `k` nearest vectors, nearest first."""
        if len(self._index) == 0:
            return []
        found = self._index.search(np.asarray(vector, dtype=np.float32), min(k, len(self._index)))
        return [(int(key), 1.0 - float(distance)) for key, distance in zip(found.keys, found.distances)]

    def search_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """`search` for each row of `vectors`, in one call (usearch spreads the rows over its threads)."""
        if len(self._index) == 0 or len(vectors) == 0:
            return [[] for _row in vectors]
        if len(vectors) == 1:
            return [self.search(vectors[0], k)]
        found = self._index.search(np.asarray(vectors, dtype=np.float32), min(k, len(self._index)), threads=0)
        return [
            [(int(key), 1.0 - float(distance)) for key, distance in zip(keys[:count], distances[:count])]
            for keys, distances, count in zip(found.keys, found.distances, found.counts)
        ]

    def _load_cache(self) -> None:
        if self._path is None or not self._path.exists():
            return
        meta_path = self._path.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("identity") != self._identity:
                return
            index = self._new()
            index.load(str(self._path))
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("vector index cache %s unusable (%s): rebuilding from the store", self._path, exc)
            return
        if len(index) == meta.get("count"):
            self._index, self._through = index, int(meta["through"])

    def _save_cache(self) -> None:
        if self._path is None:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            partial = self._path.with_suffix(f".{os.getpid()}.partial")  # workers on one machine share the folder
            self._index.save(str(partial))
            partial.replace(self._path)
            meta = {"identity": self._identity, "through": self._through, "count": len(self._index)}
            self._path.with_suffix(".json").write_text(json.dumps(meta))
        except OSError as exc:  # a cache that cannot be written costs a rebuild next time, nothing more
            log.warning("cannot save vector index cache %s: %s", self._path, exc)
