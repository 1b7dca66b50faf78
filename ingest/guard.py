"""Server-side request forgery guard.

Article links come from third parties, so by default only public internet addresses are fetched. The
check happens where the connection is made: the host is resolved once, every address it resolves to must
be public (not loopback, private, link-local, multicast, reserved or unspecified), and the socket is
opened to the vetted address. A DNS answer that changes between a check and the connect (rebinding)
therefore cannot slip through, and each redirect hop is checked the same way.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpcore


class BlockedAddressError(Exception):
    """The URL points at an address the guard does not allow."""


def check_url(url: str) -> None:
    """Raise BlockedAddressError unless `url` is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddressError(f"scheme {parts.scheme!r} is not fetched")
    if not parts.hostname:
        raise BlockedAddressError("URL has no host")


def public_address(host: str, port: int) -> str:
    """One address of `host`, after checking that every address it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise BlockedAddressError(f"{host} resolves to non-public address {address}")
    return str(addresses[0])


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to vetted public addresses."""

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None, socket_options=None
    ) -> httpcore.NetworkStream:  # type: ignore[no-untyped-def]
        return super().connect_tcp(public_address(host, port), port, timeout, local_address, socket_options)
