"""Language identification, so that only English text reaches the English model."""

from __future__ import annotations

import threading

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_CHARS = 20
_loading = threading.Lock()
_loaded: list[LanguageIdentifier] = []


def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process: py3langid's own lazy global is not thread-safe, and racing fetch
    threads each loaded it (about a second apiece)."""
    with _loading:
        if not _loaded:
            _loaded.append(LanguageIdentifier.from_model_file(MODEL_FILE))
        return _loaded[0]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when it is too short to tell."""
    sample = text[:5000]
    if len(sample.strip()) < MIN_CHARS:
        return None
    code, _score = _identifier().classify(sample)
    return str(code)
