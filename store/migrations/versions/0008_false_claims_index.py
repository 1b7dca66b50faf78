"""a partial index for "outlets that asserted a claim rated false", most repeated first

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

The question filters its tally rows on two statuses (`claim_status IN ('false', 'mostly false')`), so
`ix_claim_outlet_tallies_status` gave them in two runs that PostgreSQL then sorted whole: ~5,900 rows read
from ~3,100 scattered pages at a million articles, 20 ms warm and 130 ms cold, for a first page of 100. An
index over (framing, occurrences) that holds only those statuses gives them in order: the first page reads
100 rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FALSE_STATUSES = "claim_status IN ('false', 'mostly false')"  # as store/models.py and the question say it


def upgrade() -> None:
    op.create_index(
        "ix_claim_outlet_tallies_false",
        "claim_outlet_tallies",
        ["framing", "occurrences"],
        unique=False,
        sqlite_where=sa.text(FALSE_STATUSES),
        postgresql_where=sa.text(FALSE_STATUSES),
    )


def downgrade() -> None:
    op.drop_index("ix_claim_outlet_tallies_false", table_name="claim_outlet_tallies")
