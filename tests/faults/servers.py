"""A raw TCP server on loopback that misbehaves on purpose, one behaviour per request path.

http.server cannot be made to trickle, stall after the headers or stream forever, so this speaks HTTP/1.1
by hand: it reads the request head, records the path, and hands the socket to the behaviour. Every socket
has TCP_NODELAY, so a small write is never held back by Nagle's algorithm.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable

Behaviour = Callable[[socket.socket, str], None]

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><guid>{guid}</guid><description>{text}</description></item>"
PAGE = "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"


def head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(body: bytes | str, *, status: str = "200 OK", content_type: str = "text/html", **extra: str) -> Behaviour:
    data = body.encode() if isinstance(body, str) else body

    def send(conn: socket.socket, _path: str) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(data)), "Connection": "close"}
        conn.sendall(head(status, {**headers, **{k.replace("_", "-"): v for k, v in extra.items()}}) + data)

    return send


def redirect(location: str) -> Behaviour:
    return answer(b"", status="302 Found", Location=location)


def silent(conn: socket.socket, _path: str) -> None:
    """Accept and never answer."""
    conn.settimeout(None)
    while conn.recv(1024):
        pass


def trickle(conn: socket.socket, _path: str) -> None:
    """Headers at once, then the body one byte a second."""
    conn.sendall(head("200 OK", {"Content-Type": "application/rss+xml", "Content-Length": "100000"}))
    for byte in (b"<rss>" + b" " * 99_995)[:120]:
        conn.sendall(bytes([byte]))
        time.sleep(1.0)


def endless(conn: socket.socket, _path: str) -> None:
    """A body with no length that never ends (10 GB and more), until the client hangs up."""
    conn.sendall(head("200 OK", {"Content-Type": "application/rss+xml", "Connection": "close"}))
    block = b"<item>" + b"x" * 65_530
    for _ in range(160_000):  # 10 GB
        conn.sendall(block)


def declared_ten_gb(conn: socket.socket, path: str) -> None:
    """Says Content-Length: 10 GB, then streams it."""
    conn.sendall(head("200 OK", {"Content-Type": "application/rss+xml", "Content-Length": str(10 * 1024**3)}))
    block = b" " * 65_536
    for _ in range(160_000):
        conn.sendall(block)


def gzip_bomb(conn: socket.socket, _path: str) -> None:
    """A gzip stream that inflates to 10 GB of zeros, made as it is sent (~10 MB on the wire)."""
    conn.sendall(
        head("200 OK", {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip", "Connection": "close"})
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    for _ in range(10 * 1024):
        chunk = packer.compress(zeros)
        if chunk:
            conn.sendall(chunk)
    conn.sendall(packer.flush())


def gzip_body(text: str) -> bytes:
    return gzip.compress(text.encode())


class FaultServer:
    """Serves `routes` (path → behaviour) on 127.0.0.1; records each request's path; 404 for the rest."""

    def __init__(self) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen == path)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            self.requests.append(path)
            behaviour = self.routes.get(path) or answer("not found", status="404 Not Found")
            behaviour(conn, path)
        except OSError:  # the client hung up: what the faults are for
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._listener.close()
        for conn in self._open:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
