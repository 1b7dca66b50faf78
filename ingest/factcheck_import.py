"""Importing fact-checks from CSV or JSON Lines files that researchers prepare.

Columns (CSV header or JSON keys): `claim` (required), `id` (else the URL, else a hash of the row), `title`,
`subtitle`, `rating`, `url`, `publisher`, `publisher_site`, `claimant`, `review_date`, `claim_date`
(ISO 8601), `language`. Every bad row is reported with its line number; good rows are imported.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .factcheck_record import FactCheckRecord, parse_date

COLUMNS = (
    "id",
    "claim",
    "title",
    "subtitle",
    "rating",
    "url",
    "publisher",
    "publisher_site",
    "claimant",
    "review_date",
    "claim_date",
    "language",
)


@dataclass
class ImportErrors:
    """Bad rows met so far while a file is read, each as 'path:line: reason'."""

    errors: list[str] = field(default_factory=list)


def _record(row: dict[str, object], where: str, result: ImportErrors) -> FactCheckRecord | None:
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        result.errors.append(f"{where}: unknown column(s) {', '.join(unknown)}")
        return None
    values = {k: (str(v).strip() if v is not None else "") for k, v in row.items()}
    if not values.get("claim"):
        result.errors.append(f"{where}: 'claim' is empty")
        return None
    for key in ("review_date", "claim_date"):
        if values.get(key) and parse_date(values[key]) is None:
            result.errors.append(f"{where}: {key} {values[key]!r} is not an ISO 8601 date")
            return None
    if values.get("url") and not values["url"].startswith(("http://", "https://")):
        result.errors.append(f"{where}: url {values['url']!r} is not an http(s) URL")
        return None
    external_id = (
        values.get("id")
        or values.get("url")
        or hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]
    )
    return FactCheckRecord(
        external_id=external_id,
        claim_reviewed=values["claim"],
        origin="import",
        url=values.get("url") or None,
        title=values.get("title") or None,
        subtitle=values.get("subtitle") or None,
        publisher=values.get("publisher") or None,
        publisher_site=values.get("publisher_site") or None,
        claimant=values.get("claimant") or None,
        rating_text=values.get("rating") or None,
        review_date=parse_date(values.get("review_date")),
        claim_date=parse_date(values.get("claim_date")),
        language=values.get("language") or None,
    )


def read_factchecks(path: Path, result: ImportErrors) -> Iterator[FactCheckRecord]:
    """The good records of a .csv, .jsonl or .ndjson file, read a line at a time (a file of any size runs
    in constant memory); bad rows go to `result`."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "claim" not in reader.fieldnames:
                result.errors.append(f"{path}:1: the header needs a 'claim' column (got {reader.fieldnames})")
                return
            for row in reader:
                extra = row.pop(None, None)  # type: ignore[call-overload]
                if extra:
                    result.errors.append(f"{path}:{reader.line_num}: {len(extra)} value(s) more than columns")
                    continue
                record = _record(row, f"{path}:{reader.line_num}", result)
                if record is not None:
                    yield record
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                result.errors.append(f"{path}:{number}: not JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                result.errors.append(f"{path}:{number}: expected a JSON object")
                continue
            record = _record(row, f"{path}:{number}", result)
            if record is not None:
                yield record
