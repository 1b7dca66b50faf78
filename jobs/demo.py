"""`claimwatch demo`: a full cycle over a small invented corpus served on loopback, with no network.

The corpus (jobs/demo_corpus) holds two feeds and the article pages they link to, with the hard cases the
pipeline must handle: tracking parameters, the same story in two feeds, a relative link, a bad date, a
missing page, a page in Ukrainian and an off-topic one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from claimwatch.config.settings import FeedSettings, Settings

CORPUS = "demo_corpus"
CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
DEMO_FEEDS = (
    ("Kyiv Wire (demo)", "kyiv-wire.rss", "Kyiv Wire"),
    ("The Atlantic Ledger (demo)", "atlantic-ledger.atom", "The Atlantic Ledger"),
)


def _corpus_file(name: str) -> str | None:
    entry = resources.files(__package__).joinpath(CORPUS, name)
    return entry.read_text(encoding="utf-8") if entry.is_file() else None


class _CorpusHandler(BaseHTTPRequestHandler):
    server: _CorpusServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        folder, _, name = path.strip("/").partition("/")
        text = _corpus_file(name) if folder in ("feeds", "articles") and "/" not in name else None
        if text is None:
            self.send_error(404)
            return
        body = text.replace("{base}", self.server.base_url).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the demo's own output is the summary
        pass


class _CorpusServer(ThreadingHTTPServer):
    daemon_threads = True
    base_url = ""


@contextmanager
def serve_corpus() -> Iterator[str]:
    """Serve the demo corpus on an ephemeral loopback port; yields its base URL."""
    server = _CorpusServer(("127.0.0.1", 0), _CorpusHandler)
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="demo-corpus", daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()


def demo_settings(base: Settings, base_url: str, data_dir: Path) -> Settings:
    """The bundled settings pointed at the loopback corpus and a fresh data folder."""
    feeds = [
        FeedSettings(name=name, url=f"{base_url}/feeds/{file}", outlet=outlet) for name, file, outlet in DEMO_FEEDS
    ]
    fetch = base.fetch.model_copy(update={"allow_private_addresses": True, "per_host_delay": 0.0})
    database = base.database.model_copy(update={"url": None})
    return base.model_copy(
        update={"feeds": feeds, "searches": [], "fetch": fetch, "data_dir": data_dir, "database": database}
    )
