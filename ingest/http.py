"""HTTP fetching: one polite, bounded httpx client for feeds and pages.

Bodies are streamed and cut off at a byte cap (counted after decompression, so a gzip bomb cannot get
past it), redirects are bounded, and requests to one host are spaced by a minimum delay.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from claimwatch.config.settings import FetchSettings

from .guard import BlockedAddressError, check_url


class FetchError(Exception):
    """A request failed; `transient` says whether a later retry may succeed."""

    def __init__(self, url: str, message: str, *, status: int | None = None, transient: bool = True) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    body: bytes
    headers: httpx.Headers

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostThrottle:
    """Keeps at least `delay` seconds between the starts of two requests to the same host."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._delay
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """Fetches URLs under the limits of one FetchSettings; use as a context manager."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._throttle = HostThrottle(settings.per_host_delay)
        self._client = httpx.Client(
            headers={"User-Agent": settings.effective_user_agent},
            timeout=httpx.Timeout(settings.total_timeout, connect=settings.connect_timeout),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
            ),
            follow_redirects=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url`, following up to max_redirects redirects, each hop checked by the address guard."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            response = self._get_once(current, headers)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                current = str(httpx.URL(current).join(response.headers["location"]))
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return response
            raise FetchError(
                current,
                f"HTTP {response.status}",
                status=response.status,
                transient=response.status in (408, 425, 429) or response.status >= 500,
            )
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects", transient=False)

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        try:
            check_url(url, allow_private=self.settings.allow_private_addresses)
        except BlockedAddressError as exc:
            raise FetchError(url, str(exc), transient=False) from exc
        self._throttle.wait(url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                body = self._read_capped(url, response)
                return Response(str(response.url), response.status_code, body, response.headers)
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        cap = self.settings.max_body_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap and "content-encoding" not in response.headers:
            raise FetchError(url, f"body of {declared} bytes exceeds the {cap}-byte cap", transient=False)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decoded bytes: the cap holds after decompression
            size += len(chunk)
            if size > cap:
                raise FetchError(url, f"body exceeds the {cap}-byte cap", transient=False)
            chunks.append(chunk)
        return b"".join(chunks)
