"""One published fact-check, as every fact-check source (API, ClaimReview markup, file import) hands it on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class FactCheckRecord:
    external_id: str
    claim_reviewed: str
    origin: str  # google_api | claimreview | import
    url: str | None = None
    title: str | None = None
    subtitle: str | None = None
    publisher: str | None = None
    publisher_site: str | None = None
    claimant: str | None = None
    rating_text: str | None = None
    review_date: datetime | None = None
    claim_date: datetime | None = None
    language: str | None = None
    appearances: tuple[str, ...] = ()


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date or datetime as aware UTC; None for anything else."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
