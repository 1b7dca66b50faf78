"""Ratings as written ("Pants on Fire!", "Missing context", "ФЕЙК") mapped to claimwatch's small scale:
false, mostly false, mixed, mostly true, true, unproven, other. The table lives in the config
([factchecks.ratings]) so researchers can extend it; the rating as written is always kept beside it."""

from __future__ import annotations

import re
from collections.abc import Mapping

SCALE = ("false", "mostly false", "mixed", "mostly true", "true", "unproven", "other")


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


class RatingScale:
    """Normalises rating texts with a mapping of rating phrase → normalised rating."""

    def __init__(self, table: Mapping[str, str]) -> None:
        unknown = sorted({v for v in table.values() if v not in SCALE})
        if unknown:
            raise ValueError(f"ratings map to unknown values {unknown}; use one of {', '.join(SCALE)}")
        # Longest phrases first, so "mostly false" wins over "false".
        self._table = sorted(((_fold(k), v) for k, v in table.items()), key=lambda kv: -len(kv[0]))

    def normalise(self, rating_text: str | None) -> str | None:
        """The normalised rating: an exact match, else the longest phrase found in the text, else 'other'."""
        if not rating_text or not rating_text.strip():
            return None
        folded = _fold(rating_text)
        for phrase, value in self._table:
            if folded == phrase:
                return value
        for phrase, value in self._table:
            if phrase and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
                return value
        return "other"
