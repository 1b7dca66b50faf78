"""Engines, sessions and schema migration: the one place that knows which database is behind the store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .advisory import MIGRATE, waiting_lock
from .backup import backup_sqlite
from .statistics import analyze

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# A batch's save touches more index pages (claims, occurrences, mentions, full-text) than SQLite's default
# 2 MB cache holds; 32 MB for the batch cut the store step's CPU 13.7 -> 11.8 ms an article in a first
# cycle of 1,000 articles (docs/performance.md).
BATCH_PAGE_CACHE_KIB = 32_768
MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(Exception):
    """The database cannot be opened or migrated; the message says which and why."""


def create_store_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout, and its folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def batch_page_cache(session: Session) -> Iterator[None]:
    """On SQLite, give the session's connection a page cache of BATCH_PAGE_CACHE_KIB for the block, then its
    own size back, which frees the pages. Only for the block: every pooled connection (the fetch threads'
    among them) keeping 32 MB cost ~30-60 MB more resident memory in a first cycle, and a connection's cache
    is emptied anyway when another connection has written since its last read (WAL), as the fetch threads
    do between batches."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection  # set back even when the session's transaction failed
    assert raw is not None
    size = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{BATCH_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(size)}")


# Database objects that migrations create outside the models (the fact-check full-text index).
OUTSIDE_MODELS_PREFIXES = (
    "factchecks_fts",
    "ix_factchecks_fts",
    "articles_fts",
    "ix_articles_fts",
    "quotes_fts",
    "ix_quotes_fts",
    "search_vector",
)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic autogenerate filter: leave the hand-written full-text objects alone."""
    return not (name or "").startswith(OUTSIDE_MODELS_PREFIXES)


def _alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (then refresh the planner's statistics); a no-op when it is
    already there."""
    try:
        before, head = schema_revision(engine)
        if before == head:
            return
        with migration_lock(engine):
            _upgrade(engine, head)
    except Exception as exc:  # the driver's own error types differ per backend
        raise StoreError(f"cannot migrate {engine.url.render_as_string(hide_password=True)}: {exc}") from exc


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, processes starting at once on a new store (a scheduler and its workers) migrate it one
    after the other: the first does the work, the others then find it done."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with waiting_lock(engine, MIGRATE):
        yield


def _upgrade(engine: Engine, head: str | None) -> None:
    before, _head = schema_revision(engine)
    if before == head:
        return  # another process migrated it while this one waited
    if before is not None and engine.dialect.name == "sqlite" and engine.url.database not in (None, ":memory:"):
        store = Path(engine.url.database or "")
        copy = store.with_name(f"{store.name}.before-{head}.bak")
        backup_sqlite(store, copy)  # an upgrade can be undone by putting this file back
        log.warning("store %s backed up to %s before migrating %s → %s", store, copy, before, head)
    command.upgrade(_alembic_config(engine), "head")
    with engine.begin() as conn:
        analyze(conn)


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(current, head) revisions, for `claimwatch status`."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def open_store(url: str) -> sessionmaker[Session]:
    """Open the store at `url`, migrated to head, and return its session factory."""
    engine = create_store_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def open_read_only(url: str) -> Engine:
    """An engine that cannot change the store: SQLite opened with mode=ro, PostgreSQL sessions read-only
    (give researchers a read-only role as well: docs/research.md). The store must exist and be migrated."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not path.is_file():
            raise StoreError(f"no store at {path}: run `claimwatch init` or a cycle first")
        return create_engine(
            f"sqlite:///file:{path.resolve()}?mode=ro&uri=true",
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
    options = f"{parsed.query.get('options', '')} -c default_transaction_read_only=on".strip()
    return create_engine(parsed.update_query_dict({"options": options}), pool_pre_ping=True)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any exception."""
    with factory() as session, session.begin():
        yield session
