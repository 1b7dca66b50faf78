"""Ingest benchmark: N feeds × M entries served on loopback, fetched, extracted and stored.

Prints articles per second for the first cycle (every page fetched, extracted, stored) and the second
(conditional requests only), and, for scale, the same fetch-parse-extract work done with the raw
libraries (httpx + feedparser + trafilatura, sequential, no store) in the same run. The loopback server
runs in a process of its own and sets TCP_NODELAY, as real servers do.

    .venv/bin/python benchmarks/ingest_bench.py --feeds 20 --entries 25
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import tempfile
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import httpx
import trafilatura
from sqlalchemy import func, select

from claimwatch.config import load_config
from claimwatch.config.settings import FeedSettings
from claimwatch.jobs.fetch import fetch_feeds
from claimwatch.store.db import open_store
from claimwatch.store.models import Article

PARAGRAPH = (
    "Ukrainian negotiators said on {day} that the draft agreement on rare earth minerals offered no security "
    "guarantees in return for access to deposits of lithium, titanium and graphite. Officials in Washington "
    "said the fund would give American companies a stake in the country's reconstruction. "
)


def _page(feed: int, entry: int) -> bytes:
    paragraphs = "".join(f"<p>{PARAGRAPH.format(day=f'day {feed}-{entry}-{i}')}</p>" for i in range(6))
    return (
        f"<html><head><title>Story {feed}-{entry}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>Minerals story {feed}-{entry}</h1>{paragraphs}</article>"
        f"<footer>© Bench Wire</footer></body></html>"
    ).encode()


def _feed(base: str, feed: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Minerals story {feed}-{e}</title><link>{base}/p/{feed}/{e}</link>"
        f"<guid>bench-{feed}-{e}</guid><description>Ukraine rare earth talks, part {e}.</description></item>"
        for e in range(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'.encode()
    )


def _serve_forever(
    entries: int,
    ports: multiprocessing.Queue,
    page: Callable[[int, int], bytes],
    feed: Callable[[str, int, int], bytes],
) -> None:  # type: ignore[type-arg]
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # without it every keep-alive response waits ~40 ms on delayed ACK, slowing sequential clients most
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:  # noqa: N802
            parts = self.path.strip("/").split("/")
            if parts[0] == "f":
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, kind = feed(base, int(parts[1]), entries), "application/rss+xml"
            else:
                body, kind = page(int(parts[1]), int(parts[2])), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    ports.put(base)
    server.serve_forever()


def serve(
    entries: int, page: Callable[[int, int], bytes] = _page, feed: Callable[[str, int, int], bytes] = _feed
) -> tuple[multiprocessing.Process, str]:
    """The loopback site in a process of its own, so that it takes no GIL time from the clients measured:
    feeds at /f/N (with an ETag, 304 to a matching If-None-Match) listing pages /p/N/E, made by `feed` and
    `page`."""
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=_serve_forever, args=(entries, ports, page, feed), daemon=True)
    process.start()
    return process, ports.get(timeout=30)


def raw_libraries(base: str, feeds: int) -> tuple[int, float]:
    """The same work with the bare libraries: sequential, nothing stored."""
    started = time.perf_counter()
    count = 0
    with httpx.Client() as client:
        for f in range(feeds):
            parsed = feedparser.parse(client.get(f"{base}/f/{f}").content)
            for entry in parsed.entries:
                html = client.get(entry.link).text
                if trafilatura.extract(html):
                    count += 1
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=25)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    args = parser.parse_args()

    server, base = serve(args.entries)
    with tempfile.TemporaryDirectory() as tmp:
        base_settings = load_config()
        settings = base_settings.model_copy(
            update={
                "feeds": [
                    FeedSettings(name=f"Feed {i}", url=f"{base}/f/{i}", outlet=f"Outlet {i}") for i in range(args.feeds)
                ],
                "searches": [],
                "fetch": base_settings.fetch.model_copy(
                    update={"allow_private_addresses": True, "per_host_delay": 0.0}
                ),
                "data_dir": Path(tmp),
            }
        )
        factory = open_store(args.database_url or settings.database_url)
        total = args.feeds * args.entries
        print(
            f"ingest benchmark: {args.feeds} feeds x {args.entries} entries = {total} articles, "
            f"{settings.fetch.max_connections} connections, store {factory.kw['bind'].url.get_backend_name()}"
        )

        started = time.perf_counter()
        first = fetch_feeds(settings, factory)
        first_s = time.perf_counter() - started
        with factory() as session:
            stored = session.scalar(select(func.count(Article.id)))
        new = sum(o.new_articles for o in first)
        print(
            f"cycle 1 (fetch+extract+store): {new} new, {stored} stored in {first_s:.2f} s "
            f"= {new / first_s:.1f} articles/s"
        )

        started = time.perf_counter()
        second = fetch_feeds(settings, factory)
        second_s = time.perf_counter() - started
        not_modified = sum(o.outcome == "not_modified" for o in second)
        print(
            f"cycle 2 (conditional): {not_modified}/{len(second)} feeds 304, "
            f"{sum(o.new_articles for o in second)} new in {second_s:.3f} s "
            f"= {total / second_s:.0f} entries/s checked"
        )

        raw_count, raw_s = raw_libraries(base, args.feeds)
        print(
            f"raw libraries (httpx+feedparser+trafilatura, sequential, no store): {raw_count} in {raw_s:.2f} s "
            f"= {raw_count / raw_s:.1f} articles/s"
        )
        print(f"ratio claimwatch/raw, cycle 1: {(new / first_s) / (raw_count / raw_s):.2f}x")
        factory.kw["bind"].dispose()
    server.terminate()


if __name__ == "__main__":
    main()
