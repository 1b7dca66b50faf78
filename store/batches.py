"""Work and look-ups in batches: imports committed a batch at a time, `IN (...)` look-ups kept far below
either backend's limit on parameters per statement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

IN_CHUNK = 500  # values per IN (...) look-up


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last may be shorter); itertools.batched arrives with Python 3.12."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
