"""per-claim counters and two tallies kept on write, for the aggregate questions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

`claim_spread` grouped every claim occurrence on every call (seconds at a million articles). Each claim
now carries its counters (occurrences, articles, outlets, framings, first and last seen), recounted by
every write that moves its occurrences (store/claim_counts.py); they are filled here once from the
occurrences, and the view reads them. Indexes serve the spread questions' orders and the status filter.
The claimants and actor-pairs questions read two tallies a batch adds its difference to (store/tallies.py),
filled here from the occurrences and mentions.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COUNTS = {
    "occurrence_count": "Times it was made.",
    "article_count": "Distinct articles.",
    "outlet_count": "Distinct outlets.",
    "asserted_count": "Occurrences asserted.",
    "reported_count": "Occurrences reported.",
    "refuted_count": "Occurrences refuted.",
}

FILL = """
UPDATE claims SET occurrence_count = s.occurrences, article_count = s.articles, outlet_count = s.outlets,
       asserted_count = s.asserted, reported_count = s.reported, refuted_count = s.refuted,
       first_seen_at = s.first_seen, last_seen_at = s.last_seen
FROM (
    SELECT o.claim_id, COUNT(o.id) AS occurrences, COUNT(DISTINCT o.article_id) AS articles,
           COUNT(DISTINCT a.outlet) AS outlets,
           SUM(CASE WHEN o.framing = 'asserted' THEN 1 ELSE 0 END) AS asserted,
           SUM(CASE WHEN o.framing = 'reported' THEN 1 ELSE 0 END) AS reported,
           SUM(CASE WHEN o.framing = 'refuted' THEN 1 ELSE 0 END) AS refuted,
           MIN(COALESCE(a.published_at, a.fetched_at)) AS first_seen,
           MAX(COALESCE(a.published_at, a.fetched_at)) AS last_seen
    FROM claim_occurrences o JOIN articles a ON a.id = o.article_id
    GROUP BY o.claim_id
) AS s
WHERE claims.id = s.claim_id
"""

FILL_CLAIMANTS = """
INSERT INTO claimant_tallies (who, framing, occurrences)
SELECT COALESCE(a.name, o.claimant_text, '(the outlet)'), o.framing, COUNT(*)
FROM claim_occurrences o LEFT JOIN actors a ON a.id = o.claimant_actor_id
GROUP BY COALESCE(a.name, o.claimant_text, '(the outlet)'), o.framing
"""

FILL_PAIRS = """
INSERT INTO actor_pair_tallies (actor_id, other_actor_id, articles)
SELECT actor_id, other_actor_id, COUNT(*) FROM (
    SELECT DISTINCT m1.article_id, m1.actor_id, m2.actor_id AS other_actor_id
    FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.actor_id > m1.actor_id
) AS pair
GROUP BY actor_id, other_actor_id
"""

CLAIM_SPREAD = """
CREATE VIEW claim_spread AS
SELECT id AS claim_id, text AS claim, status AS claim_status, watchlist_key,
       occurrence_count AS occurrences, article_count AS articles, outlet_count AS outlets,
       asserted_count AS asserted, reported_count AS reported, refuted_count AS refuted,
       first_seen_at, last_seen_at
FROM claims
"""

GROUPED_CLAIM_SPREAD = """
CREATE VIEW claim_spread AS
SELECT c.id AS claim_id, c.text AS claim, c.status AS claim_status, c.watchlist_key,
       COUNT(o.id) AS occurrences, COUNT(DISTINCT o.article_id) AS articles, COUNT(DISTINCT a.outlet) AS outlets,
       SUM(CASE WHEN o.framing = 'asserted' THEN 1 ELSE 0 END) AS asserted,
       SUM(CASE WHEN o.framing = 'reported' THEN 1 ELSE 0 END) AS reported,
       SUM(CASE WHEN o.framing = 'refuted' THEN 1 ELSE 0 END) AS refuted,
       MIN(COALESCE(a.published_at, a.fetched_at)) AS first_seen_at,
       MAX(COALESCE(a.published_at, a.fetched_at)) AS last_seen_at
FROM claims c
LEFT JOIN claim_occurrences o ON o.claim_id = c.id
LEFT JOIN articles a ON a.id = o.article_id
GROUP BY c.id, c.text, c.status, c.watchlist_key
"""


def upgrade() -> None:
    # plain column and index operations: SQLite adds a column with a default in place
    for name, comment in COUNTS.items():
        op.add_column("claims", sa.Column(name, sa.Integer(), server_default="0", nullable=False, comment=comment))
    op.add_column(
        "claims",
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), nullable=True, comment="Latest occurrence's article time."
        ),
    )
    op.execute(FILL)
    op.create_index("ix_claims_status", "claims", ["status"], unique=False)
    op.create_index("ix_claims_first_seen_at", "claims", ["first_seen_at"], unique=False)
    op.create_index("ix_claims_spread", "claims", ["outlet_count", "occurrence_count"], unique=False)
    op.create_index("ix_claims_refuted", "claims", ["refuted_count", sa.text("(asserted_count + reported_count)")])
    op.execute("DROP VIEW claim_spread")
    op.execute(CLAIM_SPREAD)
    op.create_table(
        "claimant_tallies",
        sa.Column(
            "who",
            sa.String(length=500),
            nullable=False,
            comment="The claimant's canonical name, else its words, else '(the outlet)'.",
        ),
        sa.Column("framing", sa.String(length=10), nullable=False, comment="asserted | reported | refuted."),
        sa.Column(
            "occurrences", sa.Integer(), nullable=False, comment="Claim occurrences with this claimant and framing."
        ),
        sa.PrimaryKeyConstraint("who", "framing", name=op.f("pk_claimant_tallies")),
        comment="Claim occurrences per claimant and framing, kept on write (store/tallies.py).",
    )
    op.create_index("ix_claimant_tallies_occurrences", "claimant_tallies", ["occurrences"], unique=False)
    op.create_table(
        "actor_pair_tallies",
        sa.Column("actor_id", sa.Integer(), nullable=False, comment="The lower actor id of the pair."),
        sa.Column("other_actor_id", sa.Integer(), nullable=False, comment="The higher actor id."),
        sa.Column("articles", sa.Integer(), nullable=False, comment="Articles that mention both."),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_actor_pair_tallies_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_pair_tallies_other_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "other_actor_id", name=op.f("pk_actor_pair_tallies")),
        comment="Articles that mention both actors of a pair, kept on write (store/tallies.py).",
    )
    op.create_index("ix_actor_pair_tallies_articles", "actor_pair_tallies", ["articles"], unique=False)
    op.execute(FILL_CLAIMANTS)
    op.execute(FILL_PAIRS)


def downgrade() -> None:
    op.drop_table("actor_pair_tallies")
    op.drop_table("claimant_tallies")
    op.execute("DROP VIEW claim_spread")
    op.execute(GROUPED_CLAIM_SPREAD)
    for index in ("ix_claims_refuted", "ix_claims_spread", "ix_claims_first_seen_at", "ix_claims_status"):
        op.drop_index(index, table_name="claims")
    for name in (*COUNTS, "last_seen_at"):
        op.drop_column("claims", name)
