"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured), a loopback HTTP site,
settings pointed at it, and one spaCy model per test session."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config import load_config
from claimwatch.config.settings import FeedSettings, Settings
from claimwatch.jobs.analyze import build_extractor
from claimwatch.nlp.extract import Extractor
from claimwatch.store.db import open_store

PG_ENV = "CLAIMWATCH_TEST_DATABASE_URL"
FIXTURES = Path(__file__).parent / "fixtures"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(PG_ENV):
        return
    skip = pytest.mark.skip(reason=f"{PG_ENV} is not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's config, database URL or working directory."""
    for name in ("CLAIMWATCH_CONFIG", "CLAIMWATCH_DATABASE_URL", "CLAIMWATCH_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _pg_schema_url(base: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards; the URL puts it first on search_path."""
    schema = f"cw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, pool_pre_ping=True)  # it outlives a PostgreSQL restart in tests/faults
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _pg_schema_url(os.environ[PG_ENV])


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    made = open_store(db_url)
    yield made
    made.kw["bind"].dispose()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoopbackSite:
    """A real HTTP server on 127.0.0.1 whose routes the test sets; it records every request."""

    base_url: str
    routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], Route]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def add(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.replace("{base}", self.base_url).encode() if isinstance(body, str) else body
        self.routes[path] = Route(status, data, {"Content-Type": content_type, **(headers or {})})
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    holder: dict[str, LoopbackSite] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            current = holder["site"]
            current.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = current.routes.get(self.path) or current.routes.get(self.path.split("?", 1)[0])
            if callable(route):
                route = route(self)
            if route is None:
                route = Route(404, b"not found", {"Content-Type": "text/plain"})
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["site"] = LoopbackSite(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["site"]
    server.shutdown()
    server.server_close()


def make_settings(tmp_path: Path, feeds: list[tuple[str, str]] | None = None, **fetch: object) -> Settings:
    """The bundled settings with loopback allowed, no politeness delay and the given (name, url) feeds."""
    base = load_config()
    fetch_settings = base.fetch.model_copy(
        update={"allow_private_addresses": True, "per_host_delay": 0.0, "total_timeout": 5.0, **fetch}
    )
    return base.model_copy(
        update={
            "feeds": [FeedSettings(name=name, url=url, outlet=name) for name, url in (feeds or [])],
            "searches": [],
            "fetch": fetch_settings,
            "data_dir": tmp_path / "data",
        }
    )


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The real default spaCy model, loaded once for the whole run."""
    return build_extractor(load_config())


@contextmanager
def statements_sent(factory: sessionmaker[Session]) -> Iterator[list[str]]:
    """Every SQL statement the store's engine sends inside the block, as sent: for tests of how many
    round trips a step makes."""
    sent: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    engine = factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@dataclass
class MailSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives and can be told to fail."""

    host: str
    port: int
    messages: list[bytes] = field(default_factory=list)
    refuse_next: int = 0  # answer this many DATA commands with 451 (a sure failure)
    drop_next: int = 0  # drop the connection during this many DATA commands, after reading the message


@pytest.fixture
def smtp_server() -> Iterator[MailSink]:
    import asyncio

    from aiosmtpd.controller import Controller

    sink = MailSink("127.0.0.1", 0)

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            if sink.drop_next:
                sink.drop_next -= 1
                sink.messages.append(envelope.original_content)  # it arrived, but the reply never does
                server.transport.close()
                await asyncio.sleep(0.1)
                return "250 OK"
            if sink.refuse_next:
                sink.refuse_next -= 1
                return "451 4.3.0 Try again later"
            sink.messages.append(envelope.original_content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        sink.port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()
