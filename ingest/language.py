"""Language identification, so that only English text reaches the English model."""

from __future__ import annotations

import py3langid

MIN_CHARS = 20


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when it is too short to tell."""
    sample = text[:5000]
    if len(sample.strip()) < MIN_CHARS:
        return None
    code, _score = py3langid.classify(sample)
    return str(code)
