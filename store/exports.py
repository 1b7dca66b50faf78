"""Reading a table or view for export: its typed columns and its rows, streamed in batches.

Values come out normalised, the same on both backends: timestamps as aware UTC datetimes (SQLite stores
them as text), dates as dates, booleans as booleans, JSON as Python values. Rows are ordered by the
relation's id column, so two exports of the same store list rows in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import JSON, Boolean, Date, DateTime, Engine, Float, Integer, LargeBinary, inspect, text
from sqlalchemy.sql.type_api import TypeEngine

from .models import Base
from .views import VIEWS, Field, FieldType

BATCH_ROWS = 10_000
# the column `--since` filters on, for relations that have one
TIME_COLUMNS = ("fetched_at", "last_seen_at", "day", "started_at", "changed_at", "edited_at", "created_at", "seen_at")


class UnknownRelation(LookupError):
    """No table or view of that name in the store."""


@dataclass(frozen=True)
class Relation:
    name: str
    fields: list[Field]

    @property
    def time_column(self) -> str | None:
        names = {f.name for f in self.fields}
        return next((c for c in TIME_COLUMNS if c in names), None)


def _field_type(column_type: TypeEngine[object]) -> FieldType:
    for sql_type, field_type in (
        (Boolean, "boolean"),
        (Integer, "integer"),
        (Float, "float"),
        (DateTime, "timestamp"),
        (Date, "date"),
        (JSON, "json"),
        (LargeBinary, "binary"),
    ):
        if isinstance(column_type, sql_type):
            return field_type  # type: ignore[return-value]
    if isinstance(getattr(column_type, "impl", None), DateTime):  # UTCDateTime
        return "timestamp"
    return "text"


def relations(engine: Engine) -> dict[str, Relation]:
    """Every table and view a researcher can export, with typed fields."""
    found = {
        name: Relation(name, [Field(c.name, _field_type(c.type), c.comment or "") for c in table.columns])
        for name, table in Base.metadata.tables.items()
    }
    found.update({name: Relation(name, fields) for name, fields in VIEWS.items()})
    present = set(inspect(engine).get_table_names()) | set(inspect(engine).get_view_names())
    return {name: relation for name, relation in sorted(found.items()) if name in present}


def relation(engine: Engine, name: str) -> Relation:
    known = relations(engine)
    if name not in known:
        raise UnknownRelation(f"no table or view {name!r}; choose one of: {', '.join(known)}")
    return known[name]


def _since_value(engine: Engine, field_type: FieldType, since: datetime) -> object:
    if engine.dialect.name != "sqlite":
        return since.date() if field_type == "date" else since
    # SQLite compares the stored text: UTC 'YYYY-MM-DD HH:MM:SS.ffffff' (dates 'YYYY-MM-DD')
    return since.strftime("%Y-%m-%d") if field_type == "date" else since.strftime("%Y-%m-%d %H:%M:%S.%f")


def _query(engine: Engine, rel: Relation, since: datetime | None) -> tuple[str, dict[str, object]]:
    columns = ", ".join(f'"{f.name}"' for f in rel.fields)
    sql, params = f'SELECT {columns} FROM "{rel.name}"', {}
    if since is not None:
        if rel.time_column is None:
            raise ValueError(f"--since: {rel.name} has no time column; export a view such as claims_in_articles")
        field_type = next(f.type for f in rel.fields if f.name == rel.time_column)
        sql += f' WHERE "{rel.time_column}" >= :since'
        params["since"] = _since_value(engine, field_type, since)
    return sql + f' ORDER BY "{rel.fields[0].name}"', params


def count_rows(engine: Engine, rel: Relation, since: datetime | None) -> int:
    sql, params = _query(engine, rel, since)
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM ({sql}) AS counted"), params).scalar() or 0)


def stream_rows(engine: Engine, rel: Relation, since: datetime | None) -> Iterator[list[tuple[object, ...]]]:
    """Batches of normalised rows, read with a server-side cursor (constant memory on any size)."""
    sql, params = _query(engine, rel, since)
    convert = [_CONVERTERS[f.type] for f in rel.fields]
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(text(sql), params)
        for batch in result.partitions(BATCH_ROWS):
            yield [tuple(c(v) if v is not None else None for c, v in zip(convert, row)) for row in batch]


def _timestamp(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


_CONVERTERS = {
    "integer": int,
    "float": float,
    "boolean": bool,
    "text": str,
    "timestamp": _timestamp,
    "date": _date,
    "json": _json,
    "binary": bytes,
}
