"""HTTP fetching: one polite, bounded httpx client for feeds and pages.

- bodies are streamed and cut off at a byte cap counted after decompression (a gzip bomb cannot pass), and
  at `total_timeout` seconds for the whole response (httpx's timeouts are per read: a server trickling one
  byte a second would pass them forever);
- redirects are followed by hand, at most `max_redirects`, each hop through the address guard;
- connections are limited overall and per host, and requests to one host are spaced by a minimum delay;
- transient failures (timeouts, connection errors, 408/425/429/5xx) are retried with exponential backoff
  and jitter; a Retry-After longer than the retry budget is handed back to the caller to schedule.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpcore
import httpx

from claimwatch.config.settings import FetchSettings

from .guard import BlockedAddressError, GuardedBackend, check_url

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_CODES = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request failed. `transient`: a later try may succeed; `retry_after`: seconds the server asked for."""

    def __init__(
        self,
        url: str,
        message: str,
        *,
        status: int | None = None,
        transient: bool = True,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status
        self.transient = transient
        self.retry_after = retry_after


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    body: bytes
    headers: httpx.Headers

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def max_age(self) -> float | None:
        """Seconds the server says the body stays fresh (Cache-Control max-age), if it says."""
        for directive in self.headers.get("cache-control", "").split(","):
            name, _, value = directive.strip().partition("=")
            if name.lower() == "max-age" and value.strip().isdigit():
                return float(value)
        return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class HostLimiter:
    """Per host: at most `concurrency` requests at once, and `delay` seconds between two starts."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._slots: dict[str, threading.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def acquire(self, host: str) -> threading.Semaphore:
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        slot.acquire()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._delay
        if start > now:
            time.sleep(start - now)
        return slot


class Fetcher:
    """Fetches URLs under the limits of one FetchSettings; thread-safe; use as a context manager."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._hosts = HostLimiter(settings.max_per_host, settings.per_host_delay)
        limits = httpx.Limits(
            max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections
        )
        transport = httpx.HTTPTransport(limits=limits)
        if not settings.allow_private_addresses:
            # httpx has no public hook for the network backend; the pool is rebuilt with the guarded one.
            transport._pool = httpcore.ConnectionPool(
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                network_backend=GuardedBackend(),
            )
        self._client = httpx.Client(
            headers={"User-Agent": settings.effective_user_agent},
            timeout=httpx.Timeout(settings.total_timeout, connect=settings.connect_timeout),
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` (conditionally when validators are given), retrying transient failures."""
        attempt = 0
        while True:
            try:
                return self._follow(url, etag, last_modified)
            except FetchError as exc:
                wait = self._backoff(attempt, exc)
                if wait is None:
                    raise
                time.sleep(wait)
                attempt += 1

    def _backoff(self, attempt: int, exc: FetchError) -> float | None:
        """Seconds to wait before the next try, or None to give up now."""
        if not exc.transient or attempt >= self.settings.retries:
            return None
        wait = self.settings.retry_backoff * 2**attempt * (1 + random.random() / 2)
        if exc.retry_after is not None:
            if exc.retry_after > self.settings.max_retry_wait:
                return None  # too long to wait inside a run: the caller schedules the next check
            wait = max(wait, exc.retry_after)
        return wait

    def _follow(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            response = self._get_once(current, headers)
            if response.status in REDIRECT_CODES and "location" in response.headers:
                current = str(httpx.URL(current).join(response.headers["location"]))
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return response
            raise FetchError(
                current,
                f"HTTP {response.status}",
                status=response.status,
                transient=response.status in TRANSIENT_CODES,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects", transient=False)

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        try:
            check_url(url)
        except BlockedAddressError as exc:
            raise FetchError(url, str(exc), transient=False) from exc
        slot = self._hosts.acquire(urlsplit(url).hostname or "")
        deadline = time.monotonic() + self.settings.total_timeout
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                body = self._read_capped(url, response, deadline)
                return Response(str(response.url), response.status_code, body, response.headers)
        except BlockedAddressError as exc:
            raise FetchError(url, str(exc), transient=False) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc
        finally:
            slot.release()

    def _read_capped(self, url: str, response: httpx.Response, deadline: float) -> bytes:
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
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out: body not complete after {self.settings.total_timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)
