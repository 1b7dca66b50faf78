"""Network faults, on loopback servers that misbehave on purpose: each faulty feed fails with a clear
error naming it, within its time bound, while a good feed in the same cycle is stored whole, and the next
cycle completes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.ingest import guard
from claimwatch.jobs.fetch import fetch_feeds
from claimwatch.store.models import Article, Source

from ..conftest import make_settings
from .conftest import FaultRecord
from .servers import (
    FEED,
    ITEM,
    PAGE,
    Behaviour,
    FaultServer,
    answer,
    declared_ten_gb,
    endless,
    gzip_bomb,
    redirect,
    silent,
    trickle,
)

TIMEOUT = 3.0  # [fetch] total_timeout for these runs


@pytest.fixture
def server() -> FaultServer:
    made = FaultServer()
    yield made
    made.close()


def good_feed(server: FaultServer, name: str, count: int = 3, host: str = "127.0.0.1") -> str:
    """A feed of `count` items and their pages, linked through `host`."""
    items = "".join(
        ITEM.format(
            title=f"{name} story {i}",
            link=server.url(f"/{name}/page/{i}", host),
            guid=f"{name}-{i}",
            text=f"Ukraine and the minerals deal, part {i}.",
        )
        for i in range(count)
    )
    for i in range(count):
        paragraphs = "".join(
            f"<p>Officials in Kyiv said on day {i} that the minerals agreement, paragraph {p}, was still being "
            f"negotiated with Washington.</p>"
            for p in range(8)
        )
        server.routes[f"/{name}/page/{i}"] = answer(PAGE.format(title=f"{name} story {i}", paragraphs=paragraphs))
    server.routes[f"/{name}/feed"] = answer(FEED.format(title=name, items=items), content_type="application/rss+xml")
    return server.url(f"/{name}/feed", host)


def then_good(server: FaultServer, name: str, first: Behaviour) -> str:
    """A feed whose first request gets `first` and every later one the good feed."""
    url = good_feed(server, name)
    path = f"/{name}/feed"
    good = server.routes[path]

    def behaviour(conn, seen_path):  # type: ignore[no-untyped-def]
        (first if server.hits(path) == 1 else good)(conn, seen_path)

    server.routes[path] = behaviour
    return url


def articles(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_hostile_servers_fail_alone_and_within_bounds(
    tmp_path: Path, server: FaultServer, factory: sessionmaker[Session], faults: type[FaultRecord]
) -> None:
    server.routes.update(
        {
            "/never-answers": silent,
            "/trickles": trickle,
            "/streams-forever": endless,
            "/declares-10gb": declared_ten_gb,
            "/gzip-bomb": gzip_bomb,
            "/loop": redirect("/loop"),
            "/gone-for-an-hour": answer("busy", status="503 Service Unavailable", Retry_After="3600"),
        }
    )
    feeds = [
        ("Never answers", server.url("/never-answers")),
        ("Trickles", server.url("/trickles")),
        ("Streams 10 GB", server.url("/streams-forever")),
        ("Declares 10 GB", server.url("/declares-10gb")),
        ("Gzip bomb", server.url("/gzip-bomb")),
        ("Redirect loop", server.url("/loop")),
        ("429 then fine", then_good(server, "rate", answer("", status="429 Too Many Requests", Retry_After="1"))),
        ("503 then fine", then_good(server, "busy", answer("", status="503 Service Unavailable", Retry_After="1"))),
        ("503 for an hour", server.url("/gone-for-an-hour")),
        ("Good", good_feed(server, "good")),
    ]
    settings = make_settings(
        tmp_path, feeds, total_timeout=TIMEOUT, connect_timeout=TIMEOUT, retries=1, retry_backoff=0.1,
        max_retry_wait=5.0, max_body_bytes=2 * 1024 * 1024, max_redirects=4,
    )  # fmt: skip
    started = time.monotonic()
    outcomes = {o.name: o for o in fetch_feeds(settings, factory)}
    elapsed = time.monotonic() - started

    expected = {
        "Never answers": ("never answers", "timed out"),
        "Trickles": ("trickles one byte a second", "timed out"),
        "Streams 10 GB": ("streams 10 GB", "byte cap"),
        "Declares 10 GB": ("declares 10 GB", "exceeds the 2097152-byte cap"),
        "Gzip bomb": ("gzip bomb (10 GB inflated)", "byte cap"),
        "Redirect loop": ("redirect loop", "more than 4 redirects"),
        "503 for an hour": ("503 with Retry-After: 3600", "HTTP 503"),
    }
    for name, (fault, says) in expected.items():
        with faults(fault).trial():
            assert outcomes[name].outcome == "error", outcomes[name]
            assert says in (outcomes[name].error or ""), outcomes[name].error
    with faults("429 then 200, Retry-After: 1").trial():
        assert outcomes["429 then fine"].outcome == "ok" and server.hits("/rate/feed") == 2
    with faults("503 then 200, Retry-After: 1").trial():
        assert outcomes["503 then fine"].outcome == "ok" and server.hits("/busy/feed") == 2
    with faults("good feed beside all of them").trial():
        assert outcomes["Good"].outcome == "ok" and outcomes["Good"].new_articles == 3
        # retries=1: each hostile feed gets two tries of at most ~2 × TIMEOUT, side by side in threads
        assert elapsed < 8 * TIMEOUT, f"the cycle took {elapsed:.1f} s"
        assert articles(factory) == 9  # good, rate and busy: three each
        with factory() as session:
            hour = session.scalars(select(Source).where(Source.name == "503 for an hour")).one()
            assert hour.next_check_at is not None  # the Retry-After became the next check, not a wait
        again = {o.name: o.outcome for o in fetch_feeds(settings, factory)}
        assert again["Good"] in ("ok", "not_modified") and again["503 for an hour"] == "skipped"
        assert articles(factory) == 9


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_guard_refuses_every_disguise_of_an_internal_address(
    tmp_path: Path,
    server: FaultServer,
    factory: sessionmaker[Session],
    faults: type[FaultRecord],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the guard on, a public feed (news.example, served here on loopback) redirects to internal hosts."""
    real = guard.public_address

    def public_address(host: str, port: int) -> str:
        return "127.0.0.1" if host == "news.example" and port == server.port else real(host, port)

    monkeypatch.setattr(guard, "public_address", public_address)
    server.routes["/internal"] = answer("the admin console")
    targets = {
        "localhost": f"http://localhost:{server.port}/internal",
        "127.1": f"http://127.1:{server.port}/internal",
        "0x7f.1": f"http://0x7f.1:{server.port}/internal",
        "[::ffff:127.0.0.1]": f"http://[::ffff:127.0.0.1]:{server.port}/internal",
        "2130706433": f"http://2130706433:{server.port}/internal",
        "10.0.0.1 (private)": "http://10.0.0.1/internal",
        "192.168.1.1 (private)": "http://192.168.1.1/internal",
        "169.254.169.254 (link-local metadata)": "http://169.254.169.254/latest/meta-data/",
        "[fe80::1] (link-local v6)": "http://[fe80::1]/internal",
    }
    feeds = []
    for i, (form, target) in enumerate(targets.items()):
        server.routes[f"/to/{i}"] = redirect(target)
        feeds.append((form, server.url(f"/to/{i}", host="news.example")))
    feeds.append(("Good", good_feed(server, "good", host="news.example")))
    settings = make_settings(tmp_path, feeds, allow_private_addresses=False, total_timeout=TIMEOUT, retries=0)
    outcomes = {o.name: o for o in fetch_feeds(settings, factory)}
    for form in targets:
        with faults(f"redirect to {form}, guard on").trial():
            assert outcomes[form].outcome == "error", outcomes[form]
            assert "non-public address" in (outcomes[form].error or ""), outcomes[form].error
    with faults("good feed beside the redirects, guard on").trial():
        assert outcomes["Good"].outcome == "ok" and articles(factory) == 3
        assert server.hits("/internal") == 0  # nothing ever reached the internal target
