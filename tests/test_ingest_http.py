"""Ingest over real loopback HTTP: retries, Retry-After, timeouts, freshness, redirects, canonical URLs,
same-story de-duplication, encodings, raw HTML, big feeds; and the address guard at connect time."""

from __future__ import annotations

import socket
import time
import zlib
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.config.settings import FetchSettings
from claimwatch.ingest.guard import BlockedAddressError, public_address
from claimwatch.ingest.http import Fetcher, FetchError, retry_after_seconds
from claimwatch.jobs.fetch import fetch_feeds
from claimwatch.store.models import Article, Sighting, Source, utcnow
from claimwatch.store.sources import DISABLE_AFTER_FAILURES, record_failure

from .conftest import FIXTURES, LoopbackSite, Route, make_settings

LONG = (
    "<p>"
    + "Ukraine and the United States discussed the rare earth minerals deal and security guarantees. " * 8
    + "</p>"
)


def rss(*items: tuple[str, str], extra: str = "") -> str:
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid></item>" for t, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{extra}{body}</channel></rss>'


def page(title: str, head: str = "") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{LONG}</article></body></html>"
    )


def sequence(*routes: Route):  # type: ignore[no-untyped-def]
    """A route answering with each of `routes` in turn, then repeating the last."""
    queue = list(routes)

    def answer(_handler: BaseHTTPRequestHandler) -> Route:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return answer


FEED_OK = {"Content-Type": "application/rss+xml"}


def _settings(tmp_path: Path, site: LoopbackSite, **fetch: object):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, [("Loop", site.url("/feed"))], retry_backoff=0.01, **fetch)


def _source(factory: sessionmaker[Session]) -> Source:
    with factory() as session:
        return session.scalars(select(Source)).one()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_429_with_short_retry_after_is_waited_out(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    good = rss(("Rare earth talks", "{base}/a")).replace("{base}", site.base_url).encode()
    site.routes["/feed"] = sequence(Route(429, b"slow down", {"Retry-After": "1"}), Route(200, good, FEED_OK))
    site.add("/a", page("Rare earth talks"))
    started = time.monotonic()
    [outcome] = fetch_feeds(_settings(tmp_path, site), factory)
    assert (outcome.outcome, outcome.new_articles) == ("ok", 1)
    assert len(site.hits("/feed")) == 2 and time.monotonic() - started >= 1.0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_5xx_is_retried_with_backoff(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    good = rss().encode()
    site.routes["/feed"] = sequence(Route(503), Route(502), Route(200, good, FEED_OK))
    [outcome] = fetch_feeds(_settings(tmp_path, site, retries=2), factory)
    assert outcome.outcome == "ok" and len(site.hits("/feed")) == 3


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_long_retry_after_schedules_the_next_check(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    site.add("/feed", "busy", status=429, headers={"Retry-After": "3600"})
    [outcome] = fetch_feeds(_settings(tmp_path, site), factory)
    assert outcome.outcome == "error" and outcome.status == 429
    assert len(site.hits("/feed")) == 1  # not retried inside the run
    source = _source(factory)
    assert source.next_check_at - utcnow() > timedelta(minutes=59)
    assert [o.outcome for o in fetch_feeds(_settings(tmp_path, site), factory)] == ["skipped"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_slow_server_times_out_and_404_is_not_retried(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    def slow(_handler: BaseHTTPRequestHandler) -> Route:
        time.sleep(1.5)
        return Route(200, rss().encode(), FEED_OK)

    site.routes["/feed"] = slow
    [outcome] = fetch_feeds(_settings(tmp_path, site, total_timeout=0.3, retries=0), factory)
    assert outcome.outcome == "error" and "timed out" in outcome.error
    with Fetcher(FetchSettings(allow_private_addresses=True, retries=3, retry_backoff=0.01)) as fetcher:
        site.add("/missing", "no", status=404)
        with pytest.raises(FetchError, match="HTTP 404"):
            fetcher.get(site.url("/missing"))
    assert len(site.hits("/missing")) == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cache_control_max_age_sets_the_next_check(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    site.add("/feed", rss(), content_type="application/rss+xml", headers={"Cache-Control": "public, max-age=7200"})
    fetch_feeds(_settings(tmp_path, site), factory)
    wait = _source(factory).next_check_at - utcnow()
    assert timedelta(minutes=119) < wait <= timedelta(minutes=120)


def test_redirects_and_rel_canonical_lead_to_one_article(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    site.add("/old-feed", "", status=301, headers={"Location": "/feed"})
    site.add(
        "/feed",
        rss(
            ("Minerals deal stalls over guarantees", "{base}/go/1"),
            ("Minerals deal stalls over guarantees (updated)", "{base}/story/minerals?utm_source=feed"),
            ("Hostile canonical", "{base}/hostile"),
        ),
        content_type="application/rss+xml",
    )
    site.add("/go/1", "", status=302, headers={"Location": "/r/2"})
    site.add("/r/2", "", status=307, headers={"Location": "/story/minerals"})
    site.add("/story/minerals", page("Minerals deal stalls", '<link rel="canonical" href="{base}/story/minerals">'))
    site.add("/hostile", page("Hostile", '<link rel="canonical" href="https://victim.example/real-story">'))
    settings = make_settings(tmp_path, [("Loop", site.url("/old-feed"))])
    [outcome] = fetch_feeds(settings, factory)
    assert outcome.outcome == "ok" and outcome.new_articles == 2
    with factory() as session:
        urls = sorted(a.url for a in session.scalars(select(Article)))
        assert urls == [site.url("/hostile"), site.url("/story/minerals")]
        assert len(session.scalars(select(Sighting)).all()) == 2  # the story's two entries: one sighting per feed


def test_same_title_and_outlet_under_another_url_is_one_article(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    site.add("/feed", rss(("Kyiv says no to the draft", "{base}/a?id=1")), content_type="application/rss+xml")
    site.add("/feed2", rss(("Kyiv  says NO to the draft!", "{base}/amp/a")), content_type="application/rss+xml")
    site.add("/a", page("Kyiv says no"))
    site.add("/amp/a", page("Kyiv says no (AMP)"))
    settings = make_settings(tmp_path, [("Loop", site.url("/feed"))])
    fetch_feeds(settings, factory)
    settings.feeds.append(settings.feeds[0].model_copy(update={"url": site.url("/feed2")}))  # same outlet
    fetch_feeds(settings, factory)
    with factory() as session:
        assert len(session.scalars(select(Article)).all()) == 1
        assert len(session.scalars(select(Sighting)).all()) == 2
    assert site.hits("/amp/a") == []  # recognised before its page was fetched


def test_legacy_encoded_page_and_raw_html_kept(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    raw = (FIXTURES / "page-windows-1251.html").read_bytes()
    site.add("/feed", rss(("Переговори", "{base}/uk")), content_type="application/rss+xml")
    site.routes["/uk"] = Route(200, raw, {"Content-Type": "text/html"})
    fetch_feeds(make_settings(tmp_path, [("Loop", site.url("/feed"))], keep_raw_html=True), factory)
    with factory() as session:
        article = session.scalars(select(Article)).one()
    assert "Україна не підпише угоду" in article.text
    assert article.language == "uk" and article.text_source == "page"
    assert zlib.decompress(article.raw_html) == raw


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_big_feed_is_stored_whole(tmp_path: Path, site: LoopbackSite, factory) -> None:  # type: ignore[no-untyped-def]
    items = [(f"Minerals update {i}: Ukraine &amp; the US", f"{{base}}/n/{i}") for i in range(1500)]
    site.add("/feed", rss(*items), content_type="application/rss+xml")
    [outcome] = fetch_feeds(_settings(tmp_path, site, fetch_pages=False), factory)
    assert (outcome.entries, outcome.new_articles) == (1500, 1500)


def test_feed_is_disabled_after_many_failures(factory) -> None:  # type: ignore[no-untyped-def]
    from claimwatch.store.db import transaction
    from claimwatch.store.models import FetchLog

    with transaction(factory) as session:
        source = Source(name="Dead", url="https://dead.example/rss")
        session.add(source)
        session.flush()
        for _ in range(DISABLE_AFTER_FAILURES):
            assert source.enabled
            record_failure(
                session, source, status=500, error="HTTP 500", log=FetchLog(source_id=source.id, outcome="error")
            )
        assert not source.enabled and source.next_check_at - utcnow() <= timedelta(days=1)


def test_retry_after_parses_seconds_and_dates() -> None:
    from datetime import datetime, timezone

    now = datetime(2025, 2, 15, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Sat, 15 Feb 2025 12:10:00 GMT", now) == 600
    assert retry_after_seconds("soon") is None


def test_guard_vets_every_resolved_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS answers a test server cannot give: a name that resolves to private or mixed addresses."""

    def fake_dns(answers: list[str]):  # type: ignore[no-untyped-def]
        def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers]

        return getaddrinfo

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns(["93.184.215.14", "10.0.0.7"]))
    with pytest.raises(BlockedAddressError, match="non-public address 10.0.0.7"):
        public_address("rebind.example", 443)
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns(["169.254.169.254"]))
    with pytest.raises(BlockedAddressError):
        public_address("metadata.example", 80)
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns(["93.184.215.14"]))
    assert public_address("public.example", 443) == "93.184.215.14"


def test_guard_refuses_a_redirect_to_loopback_with_nothing_sent(
    monkeypatch: pytest.MonkeyPatch, site: LoopbackSite
) -> None:
    """A public-looking name whose DNS answer is loopback: refused at connect, so the server sees nothing."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        return real("127.0.0.1" if host == "innocent.example" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    site.add("/secret", "internal")
    port = site.base_url.rsplit(":", 1)[1]
    with Fetcher(FetchSettings(retries=0)) as fetcher, pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        fetcher.get(f"http://innocent.example:{port}/secret")
    assert site.requests == []
