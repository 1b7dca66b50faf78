"""semantic matching: stored vectors, incremental matching state, grouping method

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Vectors are filled after the migration by the embedding backfill (`claimwatch init`, and the start of
every cycle), which is batched and resumable; every existing claim is marked for one full match.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _vector_table(name: str, owner: str, comment: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False, comment="Grows with every vector stored or replaced."),
        sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False, comment="Embedding model that made it."),
        sa.Column("text_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the text embedded."),
        sa.Column("vector", sa.LargeBinary(), nullable=False, comment="Unit-length float16 little-endian vector."),
        sa.ForeignKeyConstraint(
            [f"{owner}_id"], [f"{owner}s.id"], name=op.f(f"fk_{name}_{owner}_id_{owner}s"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(f"{owner}_id", name=op.f(f"uq_{name}_{owner}_id")),
        comment=comment,
    )


def upgrade() -> None:
    _vector_table(
        "factcheck_vectors",
        "factcheck",
        "Sentence embedding of each fact-check (claim + headline); id orders the changes.",
    )
    _vector_table("claim_vectors", "claim", "Sentence embedding of each canonical claim's text; id orders the changes.")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "match_pending",
                sa.Boolean(),
                nullable=False,
                server_default=sa.true(),
                comment="New occurrences since it was last matched against every fact-check.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "matched_with",
                sa.String(length=200),
                nullable=True,
                comment="Matching it last had: 'words' or the embedding model's name.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "matched_through",
                sa.Integer(),
                nullable=True,
                comment="Newest fact-check it has been matched against (factcheck_vectors.id, or factchecks.id "
                "for words).",
            )
        )
        batch_op.create_index(batch_op.f("ix_claims_match_pending"), ["match_pending"], unique=False)
    with op.batch_alter_table("claim_occurrences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "grouping",
                sa.String(length=20),
                nullable=True,
                comment="How it joined its claim: watchlist | words | meaning | new | edit.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "grouping_score",
                sa.Float(),
                nullable=True,
                comment="Cosine similarity to the claim it joined (meaning); 1 for words and watchlist.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("claim_occurrences", schema=None) as batch_op:
        batch_op.drop_column("grouping_score")
        batch_op.drop_column("grouping")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_match_pending"))
        batch_op.drop_column("matched_through")
        batch_op.drop_column("matched_with")
        batch_op.drop_column("match_pending")
    op.drop_table("claim_vectors")
    op.drop_table("factcheck_vectors")
