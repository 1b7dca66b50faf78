"""indexes for the look-ups a cycle makes per feed entry and per claim

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

`articles.guid` had none (de-duplication scanned the table for every new entry); claim grouping's
`normalized = ? AND watchlist_key IS NULL` gets a composite index, so the planner no longer picks the
nearly-all-NULL watchlist index before statistics exist. tests/test_query_plans.py reads the plans.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain index operations: a batch copy of articles would drop its full-text triggers on SQLite
    op.create_index("ix_articles_guid", "articles", ["guid"], unique=False)
    op.drop_index("ix_claims_normalized", table_name="claims")
    op.create_index("ix_claims_normalized_watchlist", "claims", ["normalized", "watchlist_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claims_normalized_watchlist", table_name="claims")
    op.create_index("ix_claims_normalized", "claims", ["normalized"], unique=False)
    op.drop_index("ix_articles_guid", table_name="articles")
