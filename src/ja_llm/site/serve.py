"""Serve a built site (a preview server for the static files; any static host can serve the folder too).

The standard library's ThreadingHTTPServer, tuned, with a request handler of our own instead of
SimpleHTTPRequestHandler (which lists folders, follows symlinks out of the root and logs a traceback for a
NUL in the path): GET and HEAD only; a path resolves to a regular file inside the site (symlinks that lead
out are not followed) or to a folder's index.html, else 404; validators (ETag, Last-Modified) with 304
answers and `Cache-Control: no-cache` (the files are not fingerprinted, so a browser revalidates — cheap
with 304s); the site's CSP on every answer; no version in the `Server` header; idle connections time out;
a listen backlog of 128.

Compression, on the fly: a regular file with a text suffix (compress.SUFFIXES) larger than
compress.MIN_BYTES and at most LARGEST bytes is answered compressed when the request's Accept-Encoding
accepts gzip (q-values honoured: `gzip;q=0` refuses it, `*` counts): compress.packed's bytes (reproducible:
level 6, mtime 0, so every server gives the same ones), `Content-Encoding: gzip`, the file's own Content-Type
and an ETag of its own (`-gz` inside the quotes, made from the file's size and mtime like the plain one, so
it is stable across requests and servers). A file whose gzip would not be smaller is answered plain. Every
answer for such a file (plain, gzip, 304) carries `Vary: Accept-Encoding`. The compressed bytes are kept in
a GzipCache (least recently used first out, at most CACHE_BYTES in all) keyed by the resolved path, size and
mtime: a file edited after a first request is compressed again. A file larger than LARGEST is served plain,
never read whole into memory. The build writes no `.gz` files (compress.py says why); a request for a file
named `x.html.gz` that is there gets it as it is: `application/gzip` bytes, no Content-Encoding.
"""

from __future__ import annotations

import email.utils
import http.server
import mimetypes
import os
import posixpath
import re
import socket
import stat
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from .build import CSP
from .compress import MIN_BYTES, SUFFIXES, packed

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".gz": "application/gzip",  # a `.gz` asked for by name (mimetypes would call `x.html.gz` text/html)
}
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
NOT_FOUND = b"<!doctype html><title>404</title><p>Not found: no page at this address.</p>\n"
QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")  # RFC 9110 §12.4.2
CACHE_BYTES = 64 << 20  # the compressed bytes one server keeps in all (least recently used out first)
LARGEST = 16 << 20  # a larger file is served plain, read in chunks: never whole in memory

CacheKey = tuple[Path, int, int]  # resolved path, st_size, st_mtime_ns


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding value lets us send gzip (RFC 9110 §12.5.3).

    An explicit `gzip` (or its alias `x-gzip`) decides with its q-value; without one, `*` does; with
    neither, or no header at all, the answer is the plain file. A malformed q-value counts as q=0.
    """
    if not header:
        return False
    named: list[float] = []
    wildcard: list[float] = []
    for item in header.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            named.append(_quality(parameters))
        elif coding == "*":
            wildcard.append(_quality(parameters))
    chosen = named or wildcard
    return bool(chosen) and max(chosen) > 0


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if QVALUE.fullmatch(value) else 0.0
    return 1.0


class GzipCache:
    """The gzip bytes of files (or None: not worth compressing), least recently used out first once the
    entries together pass `limit` bytes; safe to share between the server's threads.

    The key is (resolved path, st_size, st_mtime_ns) of the stat taken before the file was read: an edited
    file gets a new key (compressed again), its old entry ages out. Each entry counts its bytes plus
    ENTRY_BYTES (key and bookkeeping, so that None entries are bounded too); a value larger than the whole
    limit is returned but not kept. One thread at a time makes a given key's value: the others wait for it
    (and make it themselves if it was not kept, or its making failed).
    """

    ENTRY_BYTES = 256

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self.limit = limit
        self.size = 0  # bytes counted for the entries held
        self._entries: OrderedDict[CacheKey, bytes | None] = OrderedDict()
        self._making: dict[CacheKey, threading.Event] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: CacheKey) -> bool:
        with self._lock:
            return key in self._entries

    def get(self, key: CacheKey, make: Callable[[], bytes | None]) -> bytes | None:
        """The value for `key`, from the cache or from `make()` (whose exceptions propagate, nothing kept)."""
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
                making = self._making.get(key)
                if making is None:
                    done = self._making[key] = threading.Event()
                    break
            making.wait()  # then look again: kept by now, unless too large or its making failed
        try:
            value = make()
            self._keep(key, value)
            return value
        finally:
            with self._lock:
                del self._making[key]
            done.set()

    def _keep(self, key: CacheKey, value: bytes | None) -> None:
        cost = self._cost(value)
        if cost > self.limit:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self.size += cost
            while self.size > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self.size -= self._cost(dropped)

    @classmethod
    def _cost(cls, value: bytes | None) -> int:
        return (len(value) if value is not None else 0) + cls.ENTRY_BYTES


def _compressed(path: Path) -> bytes | None:
    """`packed` of the file's bytes, read once (at most LARGEST + 1 of them: a file that grew past LARGEST
    since its stat is answered plain). The file may change between the caller's stat and this read: the bytes
    read are used all the same, under the key of the stat taken before — a file edited again gets a newer
    mtime, so a new key, and a preview server can live with that window."""
    with open(path, "rb") as handle:
        data = handle.read(LARGEST + 1)
    return packed(data) if len(data) <= LARGEST else None


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """Static files of one folder (the server's `site`), read-only."""

    server: SiteServer
    server_version = "ja-llm"

    def version_string(self) -> str:
        return self.server_version  # no Python version

    protocol_version = "HTTP/1.1"  # keep-alive: a browser reuses its connections
    timeout = 15  # seconds an idle connection may hold its thread
    # headers and body go out in separate writes: with Nagle's algorithm on, a keep-alive client's delayed
    # ACK would hold the body back ~40 ms
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._send(head=False)

    def do_HEAD(self) -> None:
        self._send(head=True)

    def _method_not_allowed(self) -> None:
        self._answer(405, b"GET and HEAD only\n", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def _send(self, head: bool) -> None:
        path = self._resolve()
        if isinstance(path, Path):
            try:
                info = path.stat()
            except OSError:
                path = 404
        if isinstance(path, int):
            if path == 301:
                location = urllib.parse.urlsplit(self.path).path + "/"
                self._answer(301, b"", "text/plain; charset=utf-8", {"Location": location}, head)
            elif path == 400:
                self._answer(400, b"bad request\n", "text/plain; charset=utf-8", head=head)
            else:
                self._answer(404, self._not_found_page(), TYPES[".html"], head=head)
            return
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # `x.html.gz` asked for by name has the suffix .gz: served as it is
        compressible = path.suffix in SUFFIXES and MIN_BYTES < info.st_size <= LARGEST
        body: bytes | None = None
        if compressible and accepts_gzip(", ".join(self.headers.get_all("Accept-Encoding") or [])):
            key = (path, info.st_size, info.st_mtime_ns)
            try:
                body = self.server.gzip_cache.get(key, lambda: _compressed(path))
            except OSError:
                self._answer(404, NOT_FOUND, TYPES[".html"], head=head)
                return
        encoded = body is not None
        etag = f'"{info.st_size:x}-{info.st_mtime_ns:x}{"-gz" if encoded else ""}"'
        modified = email.utils.formatdate(info.st_mtime, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": modified, "Cache-Control": "no-cache"}
        if compressible:
            validators["Vary"] = "Accept-Encoding"  # on the plain answer and the 304s too: caches must know
        if self._not_modified(etag, info.st_mtime):
            self._answer(304, b"", None, validators, head=True)
            return
        if body is not None:
            self._answer(200, body, kind, {"Content-Encoding": "gzip", **validators}, head)
            return
        try:
            handle = open(path, "rb")  # noqa: SIM115 (closed below, after the answer)
        except OSError:
            self._answer(404, NOT_FOUND, TYPES[".html"], head=head)
            return
        with handle:
            self._answer(200, handle, kind, validators, head, length=info.st_size)

    def _not_found_page(self) -> bytes:
        """The site's own 404.html (written by `build`, in the catalog's languages), else a short page."""
        page = self.server.site_root / "404.html"
        try:
            if page.is_file() and not page.is_symlink():
                return page.read_bytes()
        except OSError:
            pass
        return NOT_FOUND

    def _regular_inside(self, candidate: Path) -> Path | None:
        """`candidate` resolved, if that is a regular file inside the site (a symlink may not lead out)."""
        try:
            real = candidate.resolve(strict=True)
            mode = real.stat().st_mode
        except (OSError, RuntimeError, ValueError):
            return None
        return real if real.is_relative_to(self.server.site_root) and stat.S_ISREG(mode) else None

    def _resolve(self) -> Path | int:
        """The file a request path names inside the site, or 301 (a folder without its slash), 400 or 404."""
        try:
            raw = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return 400
        if not raw.startswith("/") or "\0" in raw or "\\" in raw:
            return 400
        clean = posixpath.normpath(raw)
        root = self.server.site_root
        candidate = root.joinpath(*[part for part in clean.split("/") if part not in ("", ".", "..")])
        try:
            real = candidate.resolve(strict=True)
            mode = real.stat().st_mode
        except (OSError, RuntimeError, ValueError):
            return 404
        if not real.is_relative_to(root):
            return 404  # a symlink leading out of the site
        if stat.S_ISDIR(mode):
            if not raw.endswith("/"):
                return 301
            # no folder listings; an index.html symlinked out of the site is not followed either
            return self._regular_inside(real / "index.html") or 404
        return real if stat.S_ISREG(mode) else 404

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                parsed = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return parsed is not None and int(mtime) <= parsed.timestamp()
        return False

    def _answer(
        self,
        code: int,
        body: bytes | BinaryIO,
        kind: str | None,
        headers: dict[str, str] | None = None,
        head: bool = False,
        length: int | None = None,
    ) -> None:
        self.send_response(code)
        if kind is not None:
            self.send_header("Content-Type", kind)
        size = length if length is not None else len(body) if isinstance(body, bytes) else 0
        self.send_header("Content-Length", str(0 if code == 304 else size))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        # an SVG (the chart) styles itself with style attributes and may not run anything: its own policy
        self.send_header("Content-Security-Policy", SVG_CSP if kind == TYPES.get(".svg") else CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if head or code == 304:
            return
        if isinstance(body, bytes):
            self.wfile.write(body)
        else:
            while chunk := body.read(1 << 16):
                self.wfile.write(chunk)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


class SiteServer(http.server.ThreadingHTTPServer):
    """A threaded server with a real backlog; each connection in a daemon thread."""

    request_queue_size = 128
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Path, quiet: bool = False) -> None:
        self.site_root = Path(site).resolve()
        self.quiet = quiet
        self.gzip_cache = GzipCache()
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, SiteHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that goes away mid-answer is not an error worth a traceback."""
        if not self.quiet:
            os.write(2, f"connection from {client_address[0]} ended early\n".encode())


def make_server(site: Path, port: int, quiet: bool = False, host: str = "127.0.0.1") -> SiteServer:
    return SiteServer((host, port), site, quiet)
