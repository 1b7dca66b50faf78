"""Server-side request forgery guard: article links come from third parties, so by default only public
internet addresses may be fetched. The check resolves the host and rejects it if any address it resolves
to is loopback, private, link-local, multicast, reserved or unspecified."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class BlockedAddressError(Exception):
    """The URL points at an address the guard does not allow."""


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise BlockedAddressError unless `url` is http(s) and (unless allowed) resolves to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddressError(f"scheme {parts.scheme!r} is not fetched")
    host = parts.hostname
    if not host:
        raise BlockedAddressError("URL has no host")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return  # unresolvable: the request itself will fail with a clear error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise BlockedAddressError(f"{host} resolves to non-public address {address}")
