"""researchers' views and full-text search over articles and quotes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

The views are described column by column in store/views.py and docs/schema.md. The SQL is written once
here, with the few dialect differences (calendar day, JSON arrays) spelled out per backend.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VIEWS = ("claims_in_articles", "quotes_in_articles", "claim_spread", "claim_spread_daily", "actor_cooccurrence")

BEST_FACTCHECK = """
CREATE VIEW claim_best_factcheck AS
SELECT claim_id, factcheck_id, url, rating, rating_text, publisher, review_date, score FROM (
    SELECT l.claim_id, f.id AS factcheck_id, f.url, f.rating, f.rating_text, f.publisher, f.review_date, l.score,
           ROW_NUMBER() OVER (
               PARTITION BY l.claim_id
               ORDER BY CASE WHEN f.rating IS NULL THEN 1 ELSE 0 END,
                        COALESCE(f.review_date, f.fetched_at) DESC, f.id DESC
           ) AS n
    FROM claim_factchecks l JOIN factchecks f ON f.id = l.factcheck_id
    WHERE l.status = 'confirmed'
) AS ranked
WHERE n = 1
"""

CLAIMS_IN_ARTICLES = """
CREATE VIEW claims_in_articles AS
SELECT o.id AS occurrence_id, o.claim_id, c.text AS claim, o.text AS wording, o.sentence, o.start, o."end",
       o.framing, o.checkworthiness, who.name AS claimant, o.claimant_text,
       o.article_id, a.title AS article_title, a.outlet, a.url AS article_url, a.published_at, a.fetched_at,
       c.status AS claim_status, c.watchlist_key,
       best.url AS factcheck_url, best.rating AS factcheck_rating, best.rating_text AS factcheck_rating_text,
       best.publisher AS factcheck_publisher, o.grouping, o.extractor_version
FROM claim_occurrences o
JOIN claims c ON c.id = o.claim_id
JOIN articles a ON a.id = o.article_id
LEFT JOIN actors who ON who.id = o.claimant_actor_id
LEFT JOIN claim_best_factcheck best ON best.claim_id = o.claim_id
"""

QUOTED_WORDS = {
    "sqlite": """(SELECT group_concat(substr(a.text, json_extract(j.value, '$[0]') + 1,
                       json_extract(j.value, '$[1]') - json_extract(j.value, '$[0]')), ' … ')
                  FROM json_each(q.quoted) AS j)""",
    "postgresql": """(SELECT string_agg(substr(a.text, (j.value->>0)::int + 1, (j.value->>1)::int - (j.value->>0)::int),
                                  ' … ' ORDER BY j.n)
                      FROM json_array_elements(q.quoted) WITH ORDINALITY AS j(value, n))""",
}

QUOTES_IN_ARTICLES = """
CREATE VIEW quotes_in_articles AS
SELECT q.id AS quote_id, who.name AS speaker, q.speaker_text, q.cue, q.kind, q.text,
       {quoted_words} AS quoted_words, q.start, q."end",
       q.article_id, a.title AS article_title, a.outlet, a.url AS article_url, a.published_at, a.fetched_at,
       q.extractor_version
FROM quotes q
JOIN articles a ON a.id = q.article_id
LEFT JOIN actors who ON who.id = q.speaker_actor_id
"""

CLAIM_SPREAD = """
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

DAY = {
    "sqlite": "date(COALESCE(a.published_at, a.fetched_at))",
    "postgresql": "CAST(timezone('UTC', COALESCE(a.published_at, a.fetched_at)) AS date)",
}

CLAIM_SPREAD_DAILY = """
CREATE VIEW claim_spread_daily AS
SELECT o.claim_id, {day} AS day, COUNT(*) AS occurrences, COUNT(DISTINCT o.article_id) AS articles,
       COUNT(DISTINCT a.outlet) AS outlets
FROM claim_occurrences o JOIN articles a ON a.id = o.article_id
GROUP BY o.claim_id, {day}
"""

ACTOR_COOCCURRENCE = """
CREATE VIEW actor_cooccurrence AS
SELECT pair.article_id, pair.actor_id, x.name AS actor, x.type AS actor_type,
       pair.other_actor_id, y.name AS other_actor, y.type AS other_actor_type
FROM (
    SELECT DISTINCT m1.article_id, m1.actor_id, m2.actor_id AS other_actor_id
    FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.actor_id > m1.actor_id
) AS pair
JOIN actors x ON x.id = pair.actor_id
JOIN actors y ON y.id = pair.other_actor_id
"""

# Full-text search over articles (title + text) and quotes: FTS5 tables kept by triggers on SQLite, stored
# tsvector columns with GIN indexes on PostgreSQL (the same design as the fact-check index of 0002).
FTS = {"articles": ("title", "text"), "quotes": ("text",)}


def _sqlite_fts(table: str, columns: tuple[str, ...]) -> None:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61')"
    )
    op.execute(
        f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {table}_fts(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {table}_fts({table}_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    # only when the indexed words change: articles are updated for other reasons every cycle
    op.execute(
        f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {table}_fts({table}_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {table}_fts(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def _postgresql_fts(table: str, columns: tuple[str, ...]) -> None:
    words = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    op.execute(
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('english', {words})) STORED"
    )
    op.execute(f"CREATE INDEX ix_{table}_fts ON {table} USING gin (search_vector)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    dialect = dialect if dialect in QUOTED_WORDS else "postgresql"
    op.execute(BEST_FACTCHECK)
    op.execute(CLAIMS_IN_ARTICLES)
    op.execute(QUOTES_IN_ARTICLES.format(quoted_words=QUOTED_WORDS[dialect]))
    op.execute(CLAIM_SPREAD)
    op.execute(CLAIM_SPREAD_DAILY.format(day=DAY[dialect]))
    op.execute(ACTOR_COOCCURRENCE)
    for table, columns in FTS.items():
        (_sqlite_fts if dialect == "sqlite" else _postgresql_fts)(table, columns)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in FTS:
        if sqlite:
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_fts")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    for view in (*VIEWS, "claim_best_factcheck"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
