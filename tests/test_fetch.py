"""Fetching over real loopback HTTP: conditional GET, failures recorded per feed, the address guard."""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.jobs.fetch import fetch_feeds
from claimwatch.jobs.logs import JsonFormatter
from claimwatch.store.models import Article, FetchLog, Source

from .conftest import LoopbackSite, make_settings, read_fixture

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Rare earth talks stall in Kyiv</title><link>{base}/a1</link><guid>a1</guid>
<description>Ukraine says the minerals draft lacks guarantees.</description></item>
</channel></rss>"""
PAGE = (
    "<html><body><article><h1>Rare earth talks stall</h1>"
    + "<p>Ukraine and the minerals deal. " * 40
    + "</p></article></body></html>"
)


def _sources(factory: sessionmaker[Session]) -> dict[str, Source]:
    with factory() as session:
        return {s.name: s for s in session.scalars(select(Source))}


def test_second_cycle_sends_validators_and_a_304_stores_nothing(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session]
) -> None:
    def feed(handler):  # type: ignore[no-untyped-def]
        from .conftest import Route

        if handler.headers.get("If-None-Match") == '"v1"':
            return Route(304)
        return Route(
            200,
            RSS.replace("{base}", site.base_url).encode(),
            {"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": "Sat, 15 Feb 2025 10:00:00 GMT"},
        )

    site.routes["/feed"] = feed
    site.add("/a1", PAGE)
    settings = make_settings(tmp_path, [("Loop", site.url("/feed"))])

    first = fetch_feeds(settings, factory)
    second = fetch_feeds(settings, factory)

    assert [(o.outcome, o.new_articles) for o in first] == [("ok", 1)]
    assert [(o.outcome, o.status) for o in second] == [("not_modified", 304)]
    feed_requests = site.hits("/feed")
    assert "if-none-match" not in feed_requests[0]
    assert feed_requests[1]["if-none-match"] == '"v1"'
    assert feed_requests[1]["if-modified-since"] == "Sat, 15 Feb 2025 10:00:00 GMT"
    assert len(site.hits("/a1")) == 1  # the page is not fetched again
    assert "claimwatch/" in feed_requests[0]["user-agent"]
    with factory() as session:
        assert len(session.scalars(select(Article)).all()) == 1
        assert [log.outcome for log in session.scalars(select(FetchLog).order_by(FetchLog.id))] == [
            "ok",
            "not_modified",
        ]


def test_one_bad_feed_never_stops_the_others(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port with nothing listening: connection refused
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    site.add("/gone", "no", status=404, content_type="text/plain")
    site.add("/html", read_fixture("not-a-feed.html"))
    site.add("/boom", "oops", status=503, content_type="text/plain")
    site.add("/good", RSS, content_type="application/rss+xml")
    site.add("/a1", PAGE)
    site.add(
        "/gz",
        gzip.compress(RSS.replace("{base}", site.base_url).encode()),
        content_type="application/rss+xml",
        headers={"Content-Encoding": "gzip"},
    )
    feeds = [
        ("Gone", site.url("/gone")),
        ("Refused", f"http://127.0.0.1:{dead_port}/feed"),
        ("Not a feed", site.url("/html")),
        ("Unavailable", site.url("/boom")),
        ("Good", site.url("/good")),
        ("Gzipped", site.url("/gz")),
    ]
    outcomes = {o.name: o for o in fetch_feeds(make_settings(tmp_path, feeds), factory)}

    assert outcomes["Good"].outcome == outcomes["Gzipped"].outcome == "ok"
    # The same story in both: one article, whichever feed was polled first, and two sightings.
    assert outcomes["Good"].new_articles + outcomes["Gzipped"].new_articles == 1
    assert (outcomes["Gone"].outcome, outcomes["Gone"].status) == ("error", 404)
    assert "HTTP 404" in outcomes["Gone"].error
    assert "ConnectError" in outcomes["Refused"].error
    assert "not a" in outcomes["Not a feed"].error.lower()
    assert outcomes["Unavailable"].status == 503
    health = _sources(factory)
    for name in ("Gone", "Refused", "Not a feed", "Unavailable"):
        assert health[name].consecutive_failures == 1 and health[name].last_error
        assert health[name].next_check_at is not None  # backed off
    assert health["Good"].consecutive_failures == 0 and health["Good"].last_error is None

    # Each failure's log record names its feed and the kind of error, as JSON log fields.
    failures = {r.feed: r for r in caplog.records if getattr(r, "feed", None) and r.levelname == "WARNING"}
    assert set(failures) == {"Gone", "Refused", "Not a feed", "Unavailable"}
    assert {name: failures[name].error_kind for name in ("Gone", "Refused", "Unavailable")} == {
        "Gone": "http 404",
        "Refused": "ConnectError",
        "Unavailable": "http 503",
    }
    assert failures["Not a feed"].feed_url == site.url("/html") and failures["Gone"].job == "fetch"
    line = json.loads(JsonFormatter().format(failures["Refused"]))
    assert (line["feed"], line["error_kind"], line["job"]) == ("Refused", "ConnectError", "fetch")

    # Backed-off feeds are skipped on the next cycle instead of being hammered.
    again = {o.name: o.outcome for o in fetch_feeds(make_settings(tmp_path, feeds), factory)}
    assert again["Gone"] == "skipped" and again["Good"] == "ok"


def test_guard_refuses_loopback_unless_allowed(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session]
) -> None:
    site.add("/good", RSS, content_type="application/rss+xml")
    settings = make_settings(tmp_path, [("Loop", site.url("/good"))], allow_private_addresses=False)
    [outcome] = fetch_feeds(settings, factory)
    assert outcome.outcome == "error" and "non-public address 127.0.0.1" in outcome.error
    assert site.requests == []


def test_oversized_and_redirect_loops_are_refused(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session]
) -> None:
    site.add("/huge", RSS + " " * 5000, content_type="application/rss+xml")
    site.add("/loop", "", status=302, headers={"Location": "/loop"})
    site.add(
        "/bomb",
        gzip.compress(b"<rss>" + b" " * 200_000 + b"</rss>"),
        content_type="application/rss+xml",
        headers={"Content-Encoding": "gzip"},
    )
    settings = make_settings(
        tmp_path,
        [("Huge", site.url("/huge")), ("Loop", site.url("/loop")), ("Bomb", site.url("/bomb"))],
        max_body_bytes=4096,
        max_redirects=3,
    )
    outcomes = {o.name: o for o in fetch_feeds(settings, factory)}
    assert "4096-byte cap" in outcomes["Huge"].error
    assert "4096-byte cap" in outcomes["Bomb"].error  # counted after decompression
    assert "more than 3 redirects" in outcomes["Loop"].error
    assert len(site.hits("/loop")) == 4


def test_an_undated_entry_takes_the_date_written_in_its_page(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session]
) -> None:
    """A page's text is searched for a date only when the feed gave none (the search is a third of a page's
    extraction); a dated entry keeps the feed's date."""
    page = (
        "<html><body><article><h1>Minerals talks resume in Kyiv</h1>"
        "<p>KYIV, 14 March 2025. Negotiators from Washington and Kyiv met again on Friday.</p>"
        + "".join(
            f"<p>In session {n}, the delegations went through clause {n} of the minerals draft.</p>" for n in range(12)
        )
        + "</article></body></html>"
    )
    site.add("/undated", page)
    site.add("/dated", page.replace("Minerals talks resume", "Minerals talks go on"))
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>Talks resume</title><link>{site.base_url}/undated</link><guid>u1</guid></item>"
        f"<item><title>Talks go on</title><link>{site.base_url}/dated</link><guid>d1</guid>"
        "<pubDate>Sun, 16 Mar 2025 08:30:00 GMT</pubDate></item></channel></rss>"
    )
    site.add("/feed", rss, content_type="application/rss+xml")
    settings = make_settings(tmp_path, [("Loop", site.url("/feed"))])

    fetch_feeds(settings, factory)

    with factory() as session:
        dates = {a.guid: a.published_at for a in session.scalars(select(Article))}
        assert {a.text_source for a in session.scalars(select(Article))} == {"page"}
    assert {guid: (d.year, d.month, d.day) for guid, d in dates.items() if d} == {
        "u1": (2025, 3, 14),
        "d1": (2025, 3, 16),
    }
