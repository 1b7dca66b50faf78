"""The C heap of claimwatch's long-lived processes (the daemon, `claimwatch worker`): how many malloc arenas
their threads share, and handing freed memory back to the system after a unit of work, so a process waits
at its steady size rather than at its last peak."""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

HEAP_ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt parameter
IDLE_SECONDS = 5.0


def limit_heap_arenas() -> None:
    """At most two malloc arenas for the process's threads, unless MALLOC_ARENA_MAX says otherwise. glibc
    gives each new thread that allocates an arena of its own (up to eight a core), and an arena's freed
    memory stays with it while any of its pages is in use, so a process's steady size followed how its
    threads had happened to allocate (`memory_bench.py`, the daemon, default config, two runs each: 387 and
    390 MB between cycles without a limit, 373 and 374 MB with two arenas; a worker: docs/performance.md).
    Call it before the threads start. A no-op where the C library has no mallopt."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, HEAP_ARENAS)
    except (AttributeError, OSError):
        pass


def release_free_memory() -> None:
    """Hand the heap a unit of work freed back to the system (glibc keeps it otherwise). A no-op where the
    C library has no malloc_trim."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


class _Idle:
    """Counts the work running; when the last piece ends, arms a release that starting work disarms."""

    def __init__(self) -> None:
        self._running = 0
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    @contextmanager
    def working(self, seconds: float) -> Iterator[None]:
        with self._lock:
            self._running += 1
            if self._timer is not None:
                self._timer.cancel()
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if not self._running:
                    self._timer = threading.Timer(seconds, self._release)
                    self._timer.daemon = True
                    self._timer.start()

    def _release(self) -> None:
        with self._lock:
            if self._running:
                return
        release_free_memory()


_idle = _Idle()


def released_when_idle(seconds: float = IDLE_SECONDS) -> AbstractContextManager[None]:
    """Work after which, once no other work has run for `seconds`, the freed heap goes back to the system:
    an idle worker drops to its steady size, a busy one keeps its heap warm. Releasing after every batch,
    or on a timer that could fire during a long batch, cost a worker 5-6% of its throughput (the pages were
    handed back and faulted in again; docs/performance.md)."""
    return _idle.working(seconds)
