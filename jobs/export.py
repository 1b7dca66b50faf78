"""`claimwatch export`: a table or view to CSV, JSON Lines or Parquet, streamed.

Rows are written a batch at a time as they are read (store/exports.py), so memory stays flat on a million
rows. Ids are the store's own and stable; timestamps are UTC ISO 8601 (`2025-02-21T09:30:00Z`) in CSV and
JSON Lines and UTC timestamps in Parquet; offsets are untouched. Parquet goes through pyarrow (the
`parquet` extra) with the column types declared in the store (models and store/views.py).
"""

from __future__ import annotations

import base64
import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine

from claimwatch.store.exports import Relation, stream_rows
from claimwatch.store.views import FieldType

Format = Literal["csv", "jsonl", "parquet"]
PARQUET_HINT = "Parquet export needs pyarrow: pip install 'claimwatch[parquet]'"


def _text(value: object) -> object:
    """A value as CSV and JSON Lines carry it."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


@contextmanager
def _output(path: Path | None, binary: bool = False) -> Iterator[IO]:  # type: ignore[type-arg]
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    partial = path.with_name(path.name + ".partial")
    with partial.open(
        "wb" if binary else "w", encoding=None if binary else "utf-8", newline="" if not binary else None
    ) as handle:
        yield handle
    partial.replace(path)  # a killed export leaves no half file under the real name


def export(
    engine: Engine,
    rel: Relation,
    fmt: Format,
    path: Path | None,
    *,
    since: datetime | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Write `rel` to `path` (standard output when None) in `fmt`; returns the number of rows."""
    batches = stream_rows(engine, rel, since)
    if fmt == "parquet":
        if path is None:
            raise ValueError("Parquet is binary: give a file with -o")
        return _parquet(rel, batches, path, on_rows)
    written = 0
    with _output(path) as handle:
        names = [f.name for f in rel.fields]
        writer = csv.writer(handle) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(names)
        for batch in batches:
            for row in batch:
                values = [_text(v) for v in row]
                if writer is not None:
                    writer.writerow(
                        json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for v in values
                    )
                else:
                    handle.write(json.dumps(dict(zip(names, values)), ensure_ascii=False) + "\n")
            written += len(batch)
            if on_rows is not None:
                on_rows(len(batch))
    return written


def _arrow_type(field_type: FieldType):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    return {
        "integer": pa.int64(),
        "float": pa.float64(),
        "boolean": pa.bool_(),
        "text": pa.string(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
        "json": pa.string(),
        "binary": pa.binary(),
    }[field_type]


def _parquet(
    rel: Relation, batches: Iterator[list[tuple[object, ...]]], path: Path, on_rows: Callable[[int], None] | None
) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise RuntimeError(PARQUET_HINT) from exc
    schema = pa.schema(
        [pa.field(f.name, _arrow_type(f.type), metadata={"description": f.description}) for f in rel.fields]
    )
    json_columns = [i for i, f in enumerate(rel.fields) if f.type == "json"]
    written = 0
    partial = path.with_name(path.name + ".partial")
    with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
        for batch in batches:
            columns = list(zip(*batch)) if batch else [()] * len(rel.fields)
            arrays = [
                pa.array(
                    [json.dumps(v) if v is not None else None for v in col] if i in json_columns else col,
                    type=schema.field(i).type,
                )
                for i, col in enumerate(columns)
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
            written += len(batch)
            if on_rows is not None:
                on_rows(len(batch))
    partial.replace(path)
    return written
