"""The claimwatch schema as SQLAlchemy 2.0 typed models.

Researchers query these tables directly, so every table and column carries a comment that says what it
holds; docs/schema.md is the readable version. Migrations under store/migrations build the same schema.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now; every timestamp in the store is UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps go in as aware UTC and come back aware, on SQLite (which has no time zones) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = {"comment": "Feeds that claimwatch polls, with their fetch state and health."}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), comment="Display name from the config.")
    url: Mapped[str] = mapped_column(String(2000), unique=True, comment="Feed URL as configured.")
    outlet: Mapped[str | None] = mapped_column(String(200), comment="Publisher of the articles it lists.")
    kind: Mapped[str] = mapped_column(String(20), default="news", comment="news | factcheck.")
    enabled: Mapped[bool] = mapped_column(default=True, comment="False once disabled after repeated failures.")
    etag: Mapped[str | None] = mapped_column(String(500), comment="ETag of the last 200 response.")
    last_modified: Mapped[str | None] = mapped_column(String(100), comment="Last-Modified of the last 200.")
    last_fetched_at: Mapped[datetime | None] = mapped_column(comment="When the feed was last requested.")
    last_status: Mapped[int | None] = mapped_column(comment="HTTP status of the last request.")
    consecutive_failures: Mapped[int] = mapped_column(default=0, comment="Failures since the last success.")
    last_error: Mapped[str | None] = mapped_column(Text, comment="Text of the last failure, if any.")
    next_check_at: Mapped[datetime | None] = mapped_column(comment="Not polled again before this time.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="First seen in the config.")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_title_hash", "title_hash"),
        Index("ix_articles_pending", "relevant", "analyzed_at"),
        {"comment": "One row per distinct article, however many feeds listed it."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True, comment="Canonical URL (tracking stripped).")
    guid: Mapped[str | None] = mapped_column(String(2000), index=True, comment="Feed entry id of the first sighting.")
    outlet: Mapped[str | None] = mapped_column(String(200), comment="Publisher (site name or feed outlet).")
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(comment="Publication time (UTC) if known.")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When claimwatch stored it.")
    language: Mapped[str | None] = mapped_column(String(10), comment="ISO 639-1 code, detected.")
    text: Mapped[str] = mapped_column(Text, default="", comment="Clean article text that NLP offsets refer to.")
    text_source: Mapped[str] = mapped_column(String(20), default="page", comment="page | summary.")
    content_hash: Mapped[str] = mapped_column(String(64), index=True, comment="SHA-256 of the text.")
    title_hash: Mapped[str | None] = mapped_column(
        String(64), comment="Hash of normalised title + outlet as the feed names it."
    )
    topics: Mapped[dict[str, list[str]]] = mapped_column(
        JSON, default=dict, comment="Matched topics, each with the terms that matched: {topic: [term, ...]}."
    )
    relevant: Mapped[bool] = mapped_column(default=False, comment="Matched a topic; only these are analysed.")
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary, comment="zlib-compressed page, if kept.")
    analyzed_at: Mapped[datetime | None] = mapped_column(comment="When NLP last ran; NULL = pending.")
    extractor_version: Mapped[str | None] = mapped_column(String(40), comment="NLP version that ran.")

    sightings: Mapped[list[Sighting]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Sighting(Base):
    __tablename__ = "sightings"
    __table_args__ = (
        UniqueConstraint("source_id", "article_id", name="uq_sightings_source_article"),
        {"comment": "Each time a feed listed an article: one article, several sightings."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    entry_guid: Mapped[str | None] = mapped_column(String(2000), comment="Entry id in that feed.")
    entry_url: Mapped[str | None] = mapped_column(String(2000), comment="Link as the feed gave it.")
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="sightings")


class Actor(Base):
    __tablename__ = "actors"
    __table_args__ = (
        UniqueConstraint("name", "type", name="uq_actors_name_type"),
        {"comment": "Canonical people, organisations, places and groups that articles mention."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), comment="Canonical name, e.g. 'Volodymyr Zelensky'.")
    type: Mapped[str] = mapped_column(String(10), comment="PERSON | ORG | GPE | NORP.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[ActorAlias]] = relationship(back_populates="actor", cascade="all, delete-orphan")


class ActorAlias(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (
        UniqueConstraint("actor_id", "alias", name="uq_actor_aliases_actor_alias"),
        {"comment": "Other names of an actor (config alias table or seen in text)."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300), index=True)
    origin: Mapped[str] = mapped_column(String(20), default="text", comment="config | text.")

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("article_id", "start", "end", name="uq_mentions_article_span"),
        {"comment": "Where an actor is named in an article (character offsets into articles.text)."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(comment="Offset of the first character.")
    end: Mapped[int] = mapped_column(comment="Offset after the last character.")
    text: Mapped[str] = mapped_column(String(500), comment="The words as written.")
    role: Mapped[str | None] = mapped_column(String(300), comment="Title or role split off, if any.")


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("article_id", "start", "end", name="uq_quotes_article_span"),
        {"comment": "What someone was quoted as saying, with speaker, cue and offsets."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    speaker_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True, comment="Canonical speaker; NULL if unnamed."
    )
    speaker_text: Mapped[str | None] = mapped_column(String(500), comment="Words naming the speaker.")
    speaker_start: Mapped[int | None] = mapped_column()
    speaker_end: Mapped[int | None] = mapped_column()
    cue: Mapped[str | None] = mapped_column(String(100), comment="Reporting verb or phrase ('said').")
    cue_start: Mapped[int | None] = mapped_column()
    cue_end: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10), comment="direct | mixed | indirect.")
    text: Mapped[str] = mapped_column(Text, comment="The attributed content.")
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    quoted: Mapped[list[list[int]]] = mapped_column(JSON, default=list, comment="Spans inside quote marks.")
    extractor_version: Mapped[str] = mapped_column(String(40))


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        # grouping looks a batch's claims up by normalized IN (...) (store/grouping.py)
        Index("ix_claims_normalized_watchlist", "normalized", "watchlist_key"),
        # the spread questions read the counters in these orders (store/questions.py)
        Index("ix_claims_spread", "outlet_count", "occurrence_count"),
        Index("ix_claims_refuted", "refuted_count", sql_text("(asserted_count + reported_count)")),
        {"comment": "Canonical claims: one row per proposition, however often it recurs."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text, comment="The proposition, e.g. 'Ukraine started the war'.")
    normalized: Mapped[str] = mapped_column(String(500), comment="Lower-cased key for grouping.")
    watchlist_key: Mapped[str | None] = mapped_column(String(100), unique=True, comment="Config watchlist key.")
    status: Mapped[str] = mapped_column(
        String(20),
        default="unchecked",
        index=True,
        comment="Fact-check status: unchecked | false | mostly false | mixed | mostly true | true | unproven | other.",
    )
    status_updated_at: Mapped[datetime | None] = mapped_column()
    status_manual: Mapped[bool] = mapped_column(
        default=False, comment="Set by a researcher: automatic updates leave the status alone."
    )
    # counters kept on write by store/claim_counts.py, so that a claim's spread is read, not grouped
    occurrence_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="Times it was made.")
    article_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="Distinct articles.")
    outlet_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="Distinct outlets.")
    asserted_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="Occurrences asserted.")
    reported_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="Occurrences reported.")
    refuted_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="Occurrences refuted.")
    first_seen_at: Mapped[datetime | None] = mapped_column(index=True, comment="Earliest occurrence's article time.")
    last_seen_at: Mapped[datetime | None] = mapped_column(comment="Latest occurrence's article time.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    match_pending: Mapped[bool] = mapped_column(
        default=True, index=True, comment="New occurrences since it was last matched against every fact-check."
    )
    matched_with: Mapped[str | None] = mapped_column(
        String(200), comment="Matching it last had: 'words' or the embedding model's name."
    )
    matched_through: Mapped[int | None] = mapped_column(
        comment="Newest fact-check it has been matched against (factcheck_vectors.id, or factchecks.id for words)."
    )


class ClaimEdit(Base):
    __tablename__ = "claim_edits"
    __table_args__ = {"comment": "History of researchers' merges and splits of claim groups."}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), comment="merge | split.")
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), index=True, comment="The claim that kept or received occurrences."
    )
    other_claim_id: Mapped[int | None] = mapped_column(
        comment="merge: the claim merged away (deleted); split: the new claim."
    )
    other_claim_text: Mapped[str | None] = mapped_column(Text, comment="Its wording at the time.")
    occurrence_ids: Mapped[list[int]] = mapped_column(JSON, default=list, comment="Occurrences that moved.")
    note: Mapped[str | None] = mapped_column(Text)
    edited_by: Mapped[str] = mapped_column(String(100))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClaimOccurrence(Base):
    __tablename__ = "claim_occurrences"
    __table_args__ = (
        UniqueConstraint("article_id", "claim_id", "start", name="uq_claim_occurrences_article_claim_start"),
        {"comment": "A claim made in an article: who made it, where, and how the article framed it."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    claimant_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True, comment="Who made the claim, if named."
    )
    claimant_text: Mapped[str | None] = mapped_column(String(500), comment="Words naming the claimant.")
    text: Mapped[str] = mapped_column(Text, comment="The claim as worded in the article.")
    sentence: Mapped[str] = mapped_column(Text, comment="The sentence that carries it.")
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    framing: Mapped[str] = mapped_column(String(10), comment="asserted | reported | refuted.")
    checkworthiness: Mapped[float | None] = mapped_column(Float, comment="0..1, higher = more checkable.")
    extractor_version: Mapped[str] = mapped_column(String(40))
    grouping: Mapped[str | None] = mapped_column(
        String(20), comment="How it joined its claim: watchlist | words | meaning | new | edit."
    )
    grouping_score: Mapped[float | None] = mapped_column(
        Float, comment="Cosine similarity to the claim it joined (meaning); 1 for words and watchlist."
    )


class ClaimantTally(Base):
    __tablename__ = "claimant_tallies"
    __table_args__ = (
        Index("ix_claimant_tallies_occurrences", "occurrences"),
        {"comment": "Claim occurrences per claimant and framing, kept on write (store/tallies.py)."},
    )

    who: Mapped[str] = mapped_column(
        String(500), primary_key=True, comment="The claimant's canonical name, else its words, else '(the outlet)'."
    )
    framing: Mapped[str] = mapped_column(String(10), primary_key=True, comment="asserted | reported | refuted.")
    occurrences: Mapped[int] = mapped_column(comment="Claim occurrences with this claimant and framing.")


FALSE_STATUSES = "claim_status in ('false', 'mostly false')"  # also the words of store/questions.py's question


class ClaimOutletTally(Base):
    __tablename__ = "claim_outlet_tallies"
    __table_args__ = (
        Index("ix_claim_outlet_tallies_claim_id", "claim_id", "framing"),
        Index("ix_claim_outlet_tallies_status", "claim_status", "framing", "occurrences"),
        # "Outlets that asserted a claim rated false" (store/questions.py), most repeated first: one ordered
        # index read that stops at the first page. The question states this same condition, as SQLite uses
        # a partial index only for a query that does.
        Index(
            "ix_claim_outlet_tallies_false",
            "framing",
            "occurrences",
            sqlite_where=sql_text(FALSE_STATUSES),
            postgresql_where=sql_text(FALSE_STATUSES),
        ),
        {
            "comment": "Claim occurrences per claim, outlet and framing, recounted with the claim's counters "
            "(store/claim_counts.py)."
        },
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), comment="→ claims.id.")
    outlet: Mapped[str | None] = mapped_column(String(200), comment="The outlet of the articles that made it.")
    framing: Mapped[str] = mapped_column(String(10), comment="asserted | reported | refuted.")
    claim_status: Mapped[str] = mapped_column(String(20), comment="The claim's fact-check status (claims.status).")
    occurrences: Mapped[int] = mapped_column(comment="Times this outlet made the claim with this framing.")
    first_seen_at: Mapped[datetime | None] = mapped_column(comment="The earliest of those articles' times.")
    last_seen_at: Mapped[datetime | None] = mapped_column(comment="The latest of those articles' times.")


class ActorPairTally(Base):
    __tablename__ = "actor_pair_tallies"
    __table_args__ = (
        Index("ix_actor_pair_tallies_articles", "articles"),
        {"comment": "Articles that mention both actors of a pair, kept on write (store/tallies.py)."},
    )

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, comment="The lower actor id of the pair."
    )
    other_actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, comment="The higher actor id."
    )
    articles: Mapped[int] = mapped_column(comment="Articles that mention both.")


class FactCheck(Base):
    __tablename__ = "factchecks"
    __table_args__ = {"comment": "Published fact-checks (reviews), from any source, rating kept as written."}

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(500), unique=True, comment="Stable id (source's or URL).")
    publisher: Mapped[str | None] = mapped_column(String(200))
    publisher_site: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    claim_reviewed: Mapped[str] = mapped_column(Text, comment="The claim the review is about.")
    subtitle: Mapped[str | None] = mapped_column(Text, comment="Summary or subtitle of the review.")
    claim_date: Mapped[datetime | None] = mapped_column(comment="When the claim was made, if known.")
    appearances: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="URLs where the reviewed claim appeared (ClaimReview itemReviewed)."
    )
    claimant: Mapped[str | None] = mapped_column(String(500))
    rating_text: Mapped[str | None] = mapped_column(String(200), comment="Rating exactly as published.")
    rating: Mapped[str | None] = mapped_column(String(20), comment="Normalised rating.")
    review_date: Mapped[datetime | None] = mapped_column()
    language: Mapped[str | None] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(20), comment="google_api | claimreview | import.")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class _Vector:
    """Columns every vector table shares."""

    id: Mapped[int] = mapped_column(primary_key=True, comment="Grows with every vector stored or replaced.")
    model: Mapped[str] = mapped_column(String(200), comment="Embedding model that made it.")
    text_hash: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the text embedded.")
    vector: Mapped[bytes] = mapped_column(LargeBinary, comment="Unit-length float16 little-endian vector.")


class FactCheckVector(_Vector, Base):
    __tablename__ = "factcheck_vectors"
    __table_args__ = {"comment": "Sentence embedding of each fact-check (claim + headline); id orders the changes."}

    factcheck_id: Mapped[int] = mapped_column(ForeignKey("factchecks.id", ondelete="CASCADE"), unique=True)


class ClaimVector(_Vector, Base):
    __tablename__ = "claim_vectors"
    __table_args__ = {"comment": "Sentence embedding of each canonical claim's text; id orders the changes."}

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), unique=True)


class ClaimFactCheck(Base):
    __tablename__ = "claim_factchecks"
    __table_args__ = (
        UniqueConstraint("claim_id", "factcheck_id", name="uq_claim_factchecks_claim_factcheck"),
        {"comment": "Links between canonical claims and fact-checks, suggested or confirmed."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    factcheck_id: Mapped[int] = mapped_column(ForeignKey("factchecks.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), comment="suggested | confirmed | rejected.")
    score: Mapped[float | None] = mapped_column(Float, comment="Matching score when made by a method.")
    method: Mapped[str | None] = mapped_column(String(50), comment="How the link was made.")
    created_by: Mapped[str] = mapped_column(String(100), comment="'claimwatch' or the researcher.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100), comment="Who confirmed or rejected it.")
    decided_at: Mapped[datetime | None] = mapped_column()


class ClaimStatusChange(Base):
    __tablename__ = "claim_status_history"
    __table_args__ = {"comment": "Every change of a claim's fact-check status, automatic or manual."}

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000), comment="Evidence, e.g. the fact-check URL.")
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (
        Index("ix_job_runs_job_started", "job", "started_at"),
        {"comment": "One row per run of a job (cycle, fetch, analyze, digest), with its outcome."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(20), default="running", comment="running | ok | failed.")
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict, comment="Counts for the run.")
    error: Mapped[str | None] = mapped_column(Text)


class FetchLog(Base):
    __tablename__ = "fetch_log"
    __table_args__ = (
        Index("ix_fetch_log_source_started", "source_id", "started_at"),
        {"comment": "One row per feed request: status, outcome, counts, error."},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    job_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    duration_ms: Mapped[int | None] = mapped_column()
    status_code: Mapped[int | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(20), comment="ok | not_modified | skipped | error.")
    entries: Mapped[int] = mapped_column(default=0, comment="Entries in the feed.")
    new_articles: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class DigestRun(Base):
    __tablename__ = "digest_runs"
    __table_args__ = {"comment": "Digests built: the window covered, the Message-ID, and whether it went out."}

    id: Mapped[int] = mapped_column(primary_key=True)
    window_start: Mapped[datetime] = mapped_column()
    window_end: Mapped[datetime] = mapped_column()
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    status: Mapped[str] = mapped_column(String(20), comment="preview | sending | sent | failed | empty.")
    item_count: Mapped[int] = mapped_column(default=0)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
