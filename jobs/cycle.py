"""One full cycle — fetch, analyze, match claims to fact-checks — recorded as a job run. `run --once` and
the daemon share it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import Settings
from claimwatch.nlp.extract import Extractor
from claimwatch.nlp.pool import ExtractionPool
from claimwatch.store.runs import job_run
from claimwatch.store.statistics import refresh_if_grown, table_sizes

from .analyze import AnalyzeSummary, analyze_pending
from .factchecks import FactCheckSummary, match_all
from .fetch import FeedOutcome, fetch_feeds
from .semantic import semantic_for

STAGES = ("fetch", "extract", "store", "match")


@dataclass
class CycleSummary:
    feeds: list[FeedOutcome] = field(default_factory=list)
    analysis: AnalyzeSummary = field(default_factory=AnalyzeSummary)
    factchecks: FactCheckSummary = field(default_factory=FactCheckSummary)
    seconds: float = 0.0
    # seconds per stage: fetch, extract, store, match; fetch overlaps extract and store, so they can add up
    # to more than `seconds`
    stages: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def new_articles(self) -> int:
        return sum(f.new_articles for f in self.feeds)

    @property
    def failed_feeds(self) -> int:
        return sum(1 for f in self.feeds if f.outcome == "error")

    def as_dict(self) -> dict[str, object]:
        return {
            "feeds": len(self.feeds),
            "failed_feeds": self.failed_feeds,
            "new_articles": self.new_articles,
            "analysed": self.analysis.articles,
            "mentions": self.analysis.mentions,
            "quotes": self.analysis.quotes,
            "claims": self.analysis.claims,
            "factcheck_links": self.factchecks.confirmed,
            "factcheck_suggestions": self.factchecks.suggested,
            "claims_matched": self.factchecks.matched_claims,
            "vectors_computed": self.factchecks.embedded,
            **{f"{stage}_seconds": round(seconds, 2) for stage, seconds in self.stages.items()},
            "seconds": round(self.seconds, 2),
            "interrupted": self.interrupted,
        }


def run_cycle(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    extractor: Extractor | None = None,
    on_feed: Callable[[FeedOutcome], None] | None = None,
    on_article: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    pool: ExtractionPool | None = None,
) -> CycleSummary:
    """Fetch every due feed, analyse every pending article, match claims to stored fact-checks; the run is
    logged in job_runs. The analysis starts as soon as the fetch has stored a batch of articles, and runs
    alongside it: the fetch is mostly waiting on the network, the analysis on the cores."""
    summary = CycleSummary()
    clock = time.monotonic()
    with job_run(factory, "cycle") as run:
        with factory() as session:
            sizes = table_sizes(session)

        fetched = threading.Event()

        def fetch() -> list[FeedOutcome]:
            try:
                return fetch_feeds(settings, factory, job_run_id=run.id, on_feed=on_feed, stop=stop)
            finally:
                summary.stages["fetch"] = time.monotonic() - clock
                fetched.set()

        with ThreadPoolExecutor(1, thread_name_prefix="claimwatch-fetch") as background:
            fetching = background.submit(fetch)
            try:
                semantic = semantic_for(settings)
                summary.analysis = analyze_pending(
                    settings,
                    factory,
                    extractor=extractor,
                    on_article=on_article,
                    stop=stop,
                    semantic=semantic,
                    pool=pool,
                    fetched=fetched,
                )
            finally:
                summary.feeds = fetching.result()  # a failed analysis still waits for (and reports) the fetch
        summary.stages["extract"] = summary.analysis.extract_seconds
        summary.stages["store"] = summary.analysis.store_seconds
        started = time.monotonic()
        match_all(settings, factory, summary.factchecks, stop=stop, semantic=semantic)
        summary.stages["match"] = time.monotonic() - started
        with factory() as session:
            refresh_if_grown(session, sizes)
        summary.interrupted = stop is not None and stop.is_set()
        summary.seconds = time.monotonic() - clock
        run.summary = summary.as_dict()
    return summary
