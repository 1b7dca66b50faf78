"""fact-checks: claim edits, manual status, search index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="merge | split."),
        sa.Column("claim_id", sa.Integer(), nullable=False, comment="The claim that kept or received occurrences."),
        sa.Column(
            "other_claim_id",
            sa.Integer(),
            nullable=True,
            comment="merge: the claim merged away (deleted); split: the new claim.",
        ),
        sa.Column("other_claim_text", sa.Text(), nullable=True, comment="Its wording at the time."),
        sa.Column("occurrence_ids", sa.JSON(), nullable=False, comment="Occurrences that moved."),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("edited_by", sa.String(length=100), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_edits_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_edits")),
        comment="History of researchers' merges and splits of claim groups.",
    )
    with op.batch_alter_table("claim_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_edits_claim_id"), ["claim_id"], unique=False)

    with op.batch_alter_table("claim_factchecks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decided_by", sa.String(length=100), nullable=True, comment="Who confirmed or rejected it.")
        )
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status_manual",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="Set by a researcher: automatic updates leave the status alone.",
            )
        )

    with op.batch_alter_table("factchecks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subtitle", sa.Text(), nullable=True, comment="Summary or subtitle of the review.")
        )
        batch_op.add_column(
            sa.Column(
                "claim_date", sa.DateTime(timezone=True), nullable=True, comment="When the claim was made, if known."
            )
        )
        batch_op.add_column(
            sa.Column(
                "appearances",
                sa.JSON(),
                nullable=False,
                server_default="[]",
                comment="URLs where the reviewed claim appeared (ClaimReview itemReviewed).",
            )
        )

    # The full-text index that fact-check matching retrieves from (store/factcheck_search.py).
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE factchecks_fts USING fts5(claim_reviewed, title, subtitle, "
            "content='factchecks', content_rowid='id', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER factchecks_fts_insert AFTER INSERT ON factchecks BEGIN "
            "INSERT INTO factchecks_fts(rowid, claim_reviewed, title, subtitle) "
            "VALUES (new.id, new.claim_reviewed, new.title, new.subtitle); END"
        )
        op.execute(
            "CREATE TRIGGER factchecks_fts_delete AFTER DELETE ON factchecks BEGIN "
            "INSERT INTO factchecks_fts(factchecks_fts, rowid, claim_reviewed, title, subtitle) "
            "VALUES ('delete', old.id, old.claim_reviewed, old.title, old.subtitle); END"
        )
        op.execute(
            "CREATE TRIGGER factchecks_fts_update AFTER UPDATE ON factchecks BEGIN "
            "INSERT INTO factchecks_fts(factchecks_fts, rowid, claim_reviewed, title, subtitle) "
            "VALUES ('delete', old.id, old.claim_reviewed, old.title, old.subtitle); "
            "INSERT INTO factchecks_fts(rowid, claim_reviewed, title, subtitle) "
            "VALUES (new.id, new.claim_reviewed, new.title, new.subtitle); END"
        )
        op.execute("INSERT INTO factchecks_fts(factchecks_fts) VALUES ('rebuild')")
    else:
        # A stored tsvector: the index filters, and ranking reads the vector instead of re-parsing text.
        op.execute(
            "ALTER TABLE factchecks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', "
            "coalesce(claim_reviewed, '') || ' ' || coalesce(title, '') || ' ' || coalesce(subtitle, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_factchecks_fts ON factchecks USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS factchecks_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS factchecks_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_factchecks_fts")
        op.execute("ALTER TABLE factchecks DROP COLUMN IF EXISTS search_vector")

    with op.batch_alter_table("factchecks", schema=None) as batch_op:
        batch_op.drop_column("appearances")
        batch_op.drop_column("claim_date")
        batch_op.drop_column("subtitle")

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("status_manual")

    with op.batch_alter_table("claim_factchecks", schema=None) as batch_op:
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")

    with op.batch_alter_table("claim_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_edits_claim_id"))

    op.drop_table("claim_edits")
