"""Quotation marks: pairing opening and closing marks into quotations, across paragraphs when news
style continues a quote (a paragraph that ends unclosed and a next one that opens again).

Handles curly double (“ ”), straight double ("), guillemets (« ») and low-high („ “) marks, and curly
single marks (‘ ’) where they cannot be apostrophes. An opening mark that is never closed is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’"}
STRAIGHT = '"'


@dataclass
class Quotation:
    """A quotation: the spans inside its marks (several when it runs over paragraphs)."""

    segments: list[tuple[int, int]]

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]

    @property
    def outer_start(self) -> int:
        return self.start - 1

    @property
    def outer_end(self) -> int:
        return self.end + 1


def _opens_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in '(“"—–-') and after.isalnum()


def _closes_single(text: str, i: int) -> bool:
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isalnum()


def _paragraph_quotes(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed quotations in text[start:end] and the position after a mark still open at the end."""
    found: list[tuple[int, int]] = []
    open_mark: str | None = None
    open_at = 0
    i = start
    while i < end:
        ch = text[i]
        if open_mark is None:
            if ch == STRAIGHT or (ch in PAIRS and (ch != "‘" or _opens_single(text, i))):
                open_mark, open_at = ch, i + 1
        elif (open_mark == STRAIGHT and ch == STRAIGHT) or (
            open_mark != STRAIGHT and ch == PAIRS[open_mark] and (ch != "’" or _closes_single(text, i))
        ):
            if i > open_at:
                found.append((open_at, i))
            open_mark = None
        i += 1
    return found, (open_at if open_mark in ("“", STRAIGHT, "«", "„") else None)


def find_quotations(text: str) -> list[Quotation]:
    """Every quotation in `text`, in order; a quote continued into the next paragraph is one quotation."""
    quotations: list[Quotation] = []
    pending: list[tuple[int, int]] = []  # segments of a quote still open at a paragraph's end
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        stripped = line.lstrip()
        continues = bool(pending) and stripped[:1] in ("“", STRAIGHT, "«", "„")
        if pending and not continues:
            pending = []  # never closed: not a quotation
        closed, still_open = _paragraph_quotes(text, start, end)
        if continues and closed and closed[0][0] == start + (len(line) - len(stripped)) + 1:
            # the first quote of this paragraph continues the open one
            quotations.append(Quotation([*pending, closed[0]]))
            closed = closed[1:]
            pending = []
        elif continues and not closed and still_open is not None:
            pending.append((still_open, end))
            continue
        quotations.extend(Quotation([span]) for span in closed)
        pending = [(still_open, end)] if still_open is not None else []
    return [q for q in quotations if text[q.start : q.end].strip()]
