"""The live processes as /proc tells them, for benchmarks that count a process's workers too."""

from __future__ import annotations

from pathlib import Path


def proc_stats() -> dict[int, list[str]]:
    """Each live process's /proc/<pid>/stat fields after its name (which may hold spaces): the state first,
    the parent's id second, user and system CPU ticks at 11 and 12."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):  # ended meanwhile
                continue
    return stats
