"""The fault harness: each test throws one kind of fault at claimwatch, counts its trials and how many held
(no duplicate or half-analysed article, counts consistent, the next cycle completes, no digest sent twice),
and the run ends with a table of them — the one docs/operations.md quotes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest


@dataclass
class FaultRecord:
    fault: str
    trials: int = 0
    held: int = 0

    @contextmanager
    def trial(self) -> Iterator[None]:
        """One trial: it held when its block ends without an exception."""
        self.trials += 1
        yield
        self.held += 1


RECORDS: list[FaultRecord] = []


@pytest.fixture
def faults() -> type[FaultRecord]:
    """`faults("name")` starts a table row; `with row.trial(): ...` counts one trial of it."""

    def record(fault: str) -> FaultRecord:
        row = FaultRecord(fault)
        RECORDS.append(row)
        return row

    return record  # type: ignore[return-value]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RECORDS:
        return
    width = max(len(row.fault) for row in RECORDS)
    terminalreporter.section("fault harness")
    terminalreporter.write_line(f"| {'fault'.ljust(width)} | trials | held |")
    terminalreporter.write_line(f"| {'-' * width} | ------ | ---- |")
    for row in RECORDS:
        terminalreporter.write_line(f"| {row.fault.ljust(width)} | {row.trials:>6} | {row.held:>4} |")
