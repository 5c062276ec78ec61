"""Local HTTP servers for the tests of `ja-llm links` (and its benchmark): every kind of answer a link checker
meets, served on 127.0.0.1 by http.server in a thread, so that no test touches the internet.

`LinkServer` answers by path:

    /ok, /page/<anything>       200
    /missing                    404
    /gone                       410
    /chain/1 -> /chain/2 -> /chain/final          301, 301, then 200
    /moved308 -> /new308                          308, then 200
    /temporary -> /ok                             302 (not a permanent move)
    /loop/a -> /loop/b -> /loop/a ...             a redirect loop (302s)
    /slow                       answers after `slow_seconds` (past the checker's --timeout)
    /ratelimited                429 with Retry-After: 1, always
    /nohead                     405 on HEAD, 200 on GET
    /huge                       200 with a 50 MB body, streamed in chunks (stops when the client goes away)
    /hub/<org>/<name>           200, except the repos in `renamed`: 301 to /hub/<new org>/<new name>

It records every request (method, path) and how many bytes of /huge it sent. `refused_url()` gives a URL on
a port nothing listens on.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HUGE_SIZE = 50 * 1024 * 1024
_CHUNK = b"x" * 65536


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"ok\n") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self._send(status, {"Location": location}, b"moved\n")

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        path = self.path.split("?", 1)[0]
        owner = self.server.owner
        owner.record(self.command, path)
        custom = owner.routes.get(path)
        if custom is not None:
            custom(self)
            return
        if path == "/ok" or path.startswith("/page/"):
            self._send(200)
        elif path == "/missing":
            self._send(404)
        elif path == "/gone":
            self._send(410)
        elif path == "/chain/1":
            self._redirect(301, "/chain/2")
        elif path == "/chain/2":
            self._redirect(301, "/chain/final")
        elif path in ("/chain/final", "/new308"):
            self._send(200)
        elif path == "/moved308":
            self._redirect(308, "/new308")
        elif path == "/temporary":
            self._redirect(302, "/ok")
        elif path == "/loop/a":
            self._redirect(302, "/loop/b")
        elif path == "/loop/b":
            self._redirect(302, "/loop/a")
        elif path == "/slow":
            time.sleep(owner.slow_seconds)
            with contextlib.suppress(OSError):
                self._send(200)
        elif path == "/ratelimited":
            self._send(429, {"Retry-After": "1"})
        elif path == "/nohead":
            self._send(405 if self.command == "HEAD" else 200)
        elif path == "/huge":
            self._huge()
        elif path.startswith("/hub/"):
            repo = path.removeprefix("/hub/")
            if repo in owner.renamed:
                self._redirect(301, "/hub/" + owner.renamed[repo])
            else:
                self._send(200)
        else:
            self._send(404)

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(HUGE_SIZE))
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = 0
        try:
            while sent < HUGE_SIZE:
                self.wfile.write(_CHUNK)
                sent += len(_CHUNK)
                self.server.owner.add_huge_bytes(len(_CHUNK))
        except OSError:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LinkServer


class LinkServer:
    """One server on 127.0.0.1 (port 0: a free port), started and stopped as a context manager."""

    def __init__(self, slow_seconds: float = 6.0, renamed: dict[str, str] | None = None) -> None:
        self.slow_seconds = slow_seconds
        self.renamed = dict(renamed or {})
        self.routes: dict[str, Callable[[_Handler], None]] = {}
        self.requests: Counter[tuple[str, str]] = Counter()
        self.huge_bytes = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an IPv4 address (socketserver types it str | bytes)
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests[(method, path)] += 1

    def add_huge_bytes(self, count: int) -> None:
        with self._lock:
            self.huge_bytes += count

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(n for (_, p), n in self.requests.items() if p == path)

    def __enter__(self) -> LinkServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def link_server(**kwargs: Any) -> Iterator[LinkServer]:
    with LinkServer(**kwargs) as server:
        yield server


def refused_url() -> str:
    """A URL on 127.0.0.1 whose port nothing listens on (bound, then closed: the kernel refuses connections)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/refused"
