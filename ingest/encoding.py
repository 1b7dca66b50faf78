"""Repairing feeds that declare UTF-8 but carry some bytes in a legacy Windows code page.

feedparser, on the first invalid byte, re-decodes the whole document as windows-1252 and so garbles every
correct UTF-8 entry. Here valid UTF-8 is kept as it is and only the invalid runs are decoded with a code
page: windows-1251 when the rest of the document is Cyrillic, else windows-1252.
"""

from __future__ import annotations

import codecs
import re

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def _declares_utf8(body: bytes, content_type: str | None) -> bool:
    match = _DECLARED.match(body[:200])
    declared = match.group(1).decode("ascii").lower() if match else None
    header = (content_type or "").lower().partition("charset=")[2].strip(" \"'") or None
    return (declared or header or "utf-8").replace("_", "-") in ("utf-8", "utf8")


def repair_utf8(body: bytes, content_type: str | None = None) -> tuple[bytes, bool]:
    """(body, repaired): body unchanged unless it claims UTF-8 and has invalid sequences."""
    if not _declares_utf8(body, content_type):
        return body, False
    try:
        body.decode("utf-8")
        return body, False
    except UnicodeDecodeError:
        pass
    valid = body.decode("utf-8", errors="ignore")
    fallback = "cp1251" if len(_CYRILLIC.findall(valid)) > 3 else "cp1252"
    return body.decode("utf-8", errors=f"claimwatch-{fallback}").encode("utf-8"), True


def _register(codepage: str) -> None:
    def decode_run(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        return error.object[error.start : error.end].decode(codepage, errors="replace"), error.end

    codecs.register_error(f"claimwatch-{codepage}", decode_run)


for _codepage in ("cp1251", "cp1252"):
    _register(_codepage)
