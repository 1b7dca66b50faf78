"""per claim, outlet and framing: how often and since when, kept with the claim's counters

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

"Which outlets asserted a claim rated false" grouped every asserted occurrence of those claims and read
each one's article for its outlet: ~20,000 random reads, up to 0.8 s, at a million articles. The claims'
recount (store/claim_counts.py) now also replaces their rows here, and a change of a claim's status
(store/factchecks.py) is copied to them, so the question reads its first rows in order from one index.
Filled here once from the occurrences.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO claim_outlet_tallies (claim_id, outlet, framing, claim_status, occurrences, first_seen_at, last_seen_at)
SELECT o.claim_id, a.outlet, o.framing, c.status, COUNT(*), MIN(COALESCE(a.published_at, a.fetched_at)),
       MAX(COALESCE(a.published_at, a.fetched_at))
FROM claim_occurrences o JOIN articles a ON a.id = o.article_id JOIN claims c ON c.id = o.claim_id
GROUP BY o.claim_id, a.outlet, o.framing, c.status
"""


def upgrade() -> None:
    op.create_table(
        "claim_outlet_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False, comment="→ claims.id."),
        sa.Column("outlet", sa.String(length=200), nullable=True, comment="The outlet of the articles that made it."),
        sa.Column("framing", sa.String(length=10), nullable=False, comment="asserted | reported | refuted."),
        sa.Column(
            "claim_status",
            sa.String(length=20),
            nullable=False,
            comment="The claim's fact-check status (claims.status).",
        ),
        sa.Column(
            "occurrences", sa.Integer(), nullable=False, comment="Times this outlet made the claim with this framing."
        ),
        sa.Column(
            "first_seen_at", sa.DateTime(timezone=True), nullable=True, comment="The earliest of those articles' times."
        ),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), nullable=True, comment="The latest of those articles' times."
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_outlet_tallies_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_outlet_tallies")),
        comment="Claim occurrences per claim, outlet and framing, recounted with the claim's counters "
        "(store/claim_counts.py).",
    )
    op.create_index("ix_claim_outlet_tallies_claim_id", "claim_outlet_tallies", ["claim_id", "framing"], unique=False)
    op.create_index(
        "ix_claim_outlet_tallies_status",
        "claim_outlet_tallies",
        ["claim_status", "framing", "occurrences"],
        unique=False,
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("claim_outlet_tallies")
