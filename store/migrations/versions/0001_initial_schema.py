"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False, comment="Canonical name, e.g. 'Volodymyr Zelensky'."),
        sa.Column("type", sa.String(length=10), nullable=False, comment="PERSON | ORG | GPE | NORP."),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("name", "type", name="uq_actors_name_type"),
        comment="Canonical people, organisations, places and groups that articles mention.",
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False, comment="Canonical URL (tracking stripped)."),
        sa.Column("guid", sa.String(length=2000), nullable=True, comment="Feed entry id of the first sighting."),
        sa.Column("outlet", sa.String(length=200), nullable=True, comment="Publisher (site name or feed outlet)."),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=500), nullable=True),
        sa.Column(
            "published_at", sa.DateTime(timezone=True), nullable=True, comment="Publication time (UTC) if known."
        ),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False, comment="When claimwatch stored it."),
        sa.Column("language", sa.String(length=10), nullable=True, comment="ISO 639-1 code, detected."),
        sa.Column("text", sa.Text(), nullable=False, comment="Clean article text that NLP offsets refer to."),
        sa.Column("text_source", sa.String(length=20), nullable=False, comment="page | summary."),
        sa.Column("content_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the text."),
        sa.Column(
            "title_hash",
            sa.String(length=64),
            nullable=True,
            comment="Hash of normalised title + outlet as the feed names it.",
        ),
        sa.Column(
            "topics",
            sa.JSON(),
            nullable=False,
            comment="Matched topics, each with the terms that matched: {topic: [term, ...]}.",
        ),
        sa.Column("relevant", sa.Boolean(), nullable=False, comment="Matched a topic; only these are analysed."),
        sa.Column("raw_html", sa.LargeBinary(), nullable=True, comment="zlib-compressed page, if kept."),
        sa.Column(
            "analyzed_at", sa.DateTime(timezone=True), nullable=True, comment="When NLP last ran; NULL = pending."
        ),
        sa.Column("extractor_version", sa.String(length=40), nullable=True, comment="NLP version that ran."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("url", name=op.f("uq_articles_url")),
        comment="One row per distinct article, however many feeds listed it.",
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index("ix_articles_pending", ["relevant", "analyzed_at"], unique=False)
        batch_op.create_index("ix_articles_published_at", ["published_at"], unique=False)
        batch_op.create_index("ix_articles_title_hash", ["title_hash"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False, comment="The proposition, e.g. 'Ukraine started the war'."),
        sa.Column("normalized", sa.String(length=500), nullable=False, comment="Lower-cased key for grouping."),
        sa.Column("watchlist_key", sa.String(length=100), nullable=True, comment="Config watchlist key."),
        sa.Column(
            "status",
            sa.String(length=20),
            nullable=False,
            comment="Fact-check status: unchecked | false | mostly false | mixed | mostly true | true | unproven | other.",  # noqa: E501
        ),
        sa.Column("status_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "first_seen_at", sa.DateTime(timezone=True), nullable=True, comment="Earliest occurrence's article time."
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("watchlist_key", name=op.f("uq_claims_watchlist_key")),
        comment="Canonical claims: one row per proposition, however often it recurs.",
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_normalized"), ["normalized"], unique=False)

    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, comment="preview | sending | sent | failed | empty."),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("message_id", name=op.f("uq_digest_runs_message_id")),
        comment="Digests built: the window covered, the Message-ID, and whether it went out.",
    )
    op.create_table(
        "factchecks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=500), nullable=False, comment="Stable id (source's or URL)."),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("publisher_site", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("claim_reviewed", sa.Text(), nullable=False, comment="The claim the review is about."),
        sa.Column("claimant", sa.String(length=500), nullable=True),
        sa.Column("rating_text", sa.String(length=200), nullable=True, comment="Rating exactly as published."),
        sa.Column("rating", sa.String(length=20), nullable=True, comment="Normalised rating."),
        sa.Column("review_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False, comment="google_api | claimreview | import."),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factchecks")),
        sa.UniqueConstraint("external_id", name=op.f("uq_factchecks_external_id")),
        comment="Published fact-checks (reviews), from any source, rating kept as written.",
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=50), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False, comment="running | ok | failed."),
        sa.Column("summary", sa.JSON(), nullable=False, comment="Counts for the run."),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        comment="One row per run of a job (cycle, fetch, analyze, digest), with its outcome.",
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index("ix_job_runs_job_started", ["job", "started_at"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False, comment="Display name from the config."),
        sa.Column("url", sa.String(length=2000), nullable=False, comment="Feed URL as configured."),
        sa.Column("outlet", sa.String(length=200), nullable=True, comment="Publisher of the articles it lists."),
        sa.Column("kind", sa.String(length=20), nullable=False, comment="news | factcheck."),
        sa.Column("enabled", sa.Boolean(), nullable=False, comment="False once disabled after repeated failures."),
        sa.Column("etag", sa.String(length=500), nullable=True, comment="ETag of the last 200 response."),
        sa.Column("last_modified", sa.String(length=100), nullable=True, comment="Last-Modified of the last 200."),
        sa.Column(
            "last_fetched_at", sa.DateTime(timezone=True), nullable=True, comment="When the feed was last requested."
        ),
        sa.Column("last_status", sa.Integer(), nullable=True, comment="HTTP status of the last request."),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False, comment="Failures since the last success."),
        sa.Column("last_error", sa.Text(), nullable=True, comment="Text of the last failure, if any."),
        sa.Column(
            "next_check_at", sa.DateTime(timezone=True), nullable=True, comment="Not polled again before this time."
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, comment="First seen in the config."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
        comment="Feeds that claimwatch polls, with their fetch state and health.",
    )
    op.create_table(
        "actor_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False, comment="config | text."),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_actor_aliases_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_aliases")),
        sa.UniqueConstraint("actor_id", "alias", name="uq_actor_aliases_actor_alias"),
        comment="Other names of an actor (config alias table or seen in text).",
    )
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_aliases_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actor_aliases_alias"), ["alias"], unique=False)

    op.create_table(
        "claim_factchecks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("factcheck_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, comment="suggested | confirmed | rejected."),
        sa.Column("score", sa.Float(), nullable=True, comment="Matching score when made by a method."),
        sa.Column("method", sa.String(length=50), nullable=True, comment="How the link was made."),
        sa.Column("created_by", sa.String(length=100), nullable=False, comment="'claimwatch' or the researcher."),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_factchecks_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["factcheck_id"],
            ["factchecks.id"],
            name=op.f("fk_claim_factchecks_factcheck_id_factchecks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_factchecks")),
        sa.UniqueConstraint("claim_id", "factcheck_id", name="uq_claim_factchecks_claim_factcheck"),
        comment="Links between canonical claims and fact-checks, suggested or confirmed.",
    )
    with op.batch_alter_table("claim_factchecks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_factchecks_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_factchecks_factcheck_id"), ["factcheck_id"], unique=False)

    op.create_table(
        "claim_occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("claimant_actor_id", sa.Integer(), nullable=True, comment="Who made the claim, if named."),
        sa.Column("claimant_text", sa.String(length=500), nullable=True, comment="Words naming the claimant."),
        sa.Column("text", sa.Text(), nullable=False, comment="The claim as worded in the article."),
        sa.Column("sentence", sa.Text(), nullable=False, comment="The sentence that carries it."),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("framing", sa.String(length=10), nullable=False, comment="asserted | reported | refuted."),
        sa.Column("checkworthiness", sa.Float(), nullable=True, comment="0..1, higher = more checkable."),
        sa.Column("extractor_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_claim_occurrences_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_occurrences_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["claimant_actor_id"],
            ["actors.id"],
            name=op.f("fk_claim_occurrences_claimant_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_occurrences")),
        sa.UniqueConstraint("article_id", "claim_id", "start", name="uq_claim_occurrences_article_claim_start"),
        comment="A claim made in an article: who made it, where, and how the article framed it.",
    )
    with op.batch_alter_table("claim_occurrences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_occurrences_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_occurrences_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_occurrences_claimant_actor_id"), ["claimant_actor_id"], unique=False)

    op.create_table(
        "claim_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("old_status", sa.String(length=20), nullable=True),
        sa.Column("new_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True, comment="Evidence, e.g. the fact-check URL."),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_status_history_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_status_history")),
        comment="Every change of a claim's fact-check status, automatic or manual.",
    )
    with op.batch_alter_table("claim_status_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_status_history_changed_at"), ["changed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_status_history_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("job_run_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False, comment="ok | not_modified | skipped | error."),
        sa.Column("entries", sa.Integer(), nullable=False, comment="Entries in the feed."),
        sa.Column("new_articles", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_run_id"], ["job_runs.id"], name=op.f("fk_fetch_log_job_run_id_job_runs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_fetch_log_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_log")),
        comment="One row per feed request: status, outcome, counts, error.",
    )
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_log_job_run_id"), ["job_run_id"], unique=False)
        batch_op.create_index("ix_fetch_log_source_started", ["source_id", "started_at"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False, comment="Offset of the first character."),
        sa.Column("end", sa.Integer(), nullable=False, comment="Offset after the last character."),
        sa.Column("text", sa.String(length=500), nullable=False, comment="The words as written."),
        sa.Column("role", sa.String(length=300), nullable=True, comment="Title or role split off, if any."),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_mentions_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_mentions_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint("article_id", "start", "end", name="uq_mentions_article_span"),
        comment="Where an actor is named in an article (character offsets into articles.text).",
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentions_article_id"), ["article_id"], unique=False)

    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("speaker_actor_id", sa.Integer(), nullable=True, comment="Canonical speaker; NULL if unnamed."),
        sa.Column("speaker_text", sa.String(length=500), nullable=True, comment="Words naming the speaker."),
        sa.Column("speaker_start", sa.Integer(), nullable=True),
        sa.Column("speaker_end", sa.Integer(), nullable=True),
        sa.Column("cue", sa.String(length=100), nullable=True, comment="Reporting verb or phrase ('said')."),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="direct | mixed | indirect."),
        sa.Column("text", sa.Text(), nullable=False, comment="The attributed content."),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("quoted", sa.JSON(), nullable=False, comment="Spans inside quote marks."),
        sa.Column("extractor_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_quotes_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["speaker_actor_id"], ["actors.id"], name=op.f("fk_quotes_speaker_actor_id_actors"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("article_id", "start", "end", name="uq_quotes_article_span"),
        comment="What someone was quoted as saying, with speaker, cue and offsets.",
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotes_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quotes_speaker_actor_id"), ["speaker_actor_id"], unique=False)

    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("entry_guid", sa.String(length=2000), nullable=True, comment="Entry id in that feed."),
        sa.Column("entry_url", sa.String(length=2000), nullable=True, comment="Link as the feed gave it."),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_sightings_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_sightings_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sightings")),
        sa.UniqueConstraint("source_id", "article_id", name="uq_sightings_source_article"),
        comment="Each time a feed listed an article: one article, several sightings.",
    )
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sightings_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sightings_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sightings_source_id"))
        batch_op.drop_index(batch_op.f("ix_sightings_article_id"))

    op.drop_table("sightings")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotes_speaker_actor_id"))
        batch_op.drop_index(batch_op.f("ix_quotes_article_id"))

    op.drop_table("quotes")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_article_id"))
        batch_op.drop_index(batch_op.f("ix_mentions_actor_id"))

    op.drop_table("mentions")
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.drop_index("ix_fetch_log_source_started")
        batch_op.drop_index(batch_op.f("ix_fetch_log_job_run_id"))

    op.drop_table("fetch_log")
    with op.batch_alter_table("claim_status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_status_history_claim_id"))
        batch_op.drop_index(batch_op.f("ix_claim_status_history_changed_at"))

    op.drop_table("claim_status_history")
    with op.batch_alter_table("claim_occurrences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_occurrences_claimant_actor_id"))
        batch_op.drop_index(batch_op.f("ix_claim_occurrences_claim_id"))
        batch_op.drop_index(batch_op.f("ix_claim_occurrences_article_id"))

    op.drop_table("claim_occurrences")
    with op.batch_alter_table("claim_factchecks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_factchecks_factcheck_id"))
        batch_op.drop_index(batch_op.f("ix_claim_factchecks_claim_id"))

    op.drop_table("claim_factchecks")
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_aliases_alias"))
        batch_op.drop_index(batch_op.f("ix_actor_aliases_actor_id"))

    op.drop_table("actor_aliases")
    op.drop_table("sources")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_job_runs_job_started")

    op.drop_table("job_runs")
    op.drop_table("factchecks")
    op.drop_table("digest_runs")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_normalized"))

    op.drop_table("claims")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_title_hash")
        batch_op.drop_index("ix_articles_published_at")
        batch_op.drop_index("ix_articles_pending")
        batch_op.drop_index(batch_op.f("ix_articles_content_hash"))

    op.drop_table("articles")
    op.drop_table("actors")
