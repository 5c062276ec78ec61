"""A fake Hugging Face Hub on 127.0.0.1 for the tests of `ja-llm hub` and `ja-llm add`: the real
huggingface_hub client talks to it through HF_ENDPOINT.

Data-driven: a FakeHub holds a dict of FakeRepo by id; each endpoint answers from it in the Hub's format
(the JSON fields and headers huggingface_hub reads: see hf_api.py `model_info`/`list_models` and
file_download.py `get_hf_file_metadata`/`http_get`). Endpoints:

- `GET /api/models/{owner}/{name}[?expand=...]`: the model info; a renamed repo answers 307 with a
  Location to its new id (the client follows it), a missing one 404 with `X-Error-Code: RepoNotFound`, a
  rate-limited one 429 with Retry-After (`rate_limited` times, then the info).
- `GET /api/models?search=&author=&filter=&sort=&direction=&limit=&full=&expand=`: the model list (`hub
  discover`): `filter` values must all be tags (the language `ja` is a tag), `search` is a case-insensitive
  substring of the id, `author` is case-insensitive, `sort` one of downloads, likes, createdAt, lastModified
  (descending unless `direction=1`; ties keep the insertion order), `expand` returns only those properties,
  `full` everything, neither the Hub's short form (id, likes, downloads, tags, pipeline_tag, createdAt,
  private). Every listing call is also logged in `FakeHub.listings` with its query.
- `HEAD|GET /{owner}/{name}/resolve/{revision}/{filename}`: a file with X-Repo-Commit, ETag and
  Content-Length; a gated repo answers 401 with `X-Error-Code: GatedRepo`, a missing file 404 with
  `X-Error-Code: EntryNotFound`, a renamed repo 307 to the new id.

To extend it (a new endpoint), add a route to `ROUTES` in `_Handler` and a field to FakeRepo if needed.
Every request is logged in `FakeHub.requests` as (method, path).
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit


@dataclass
class FakeRepo:
    id: str
    pipeline_tag: str | None = "text-generation"
    tags: list[str] = field(default_factory=list)
    card_data: dict[str, Any] | None = None
    created_at: str = "2024-05-01T09:00:00.000Z"
    gated: bool | str = False  # False, "auto" or "manual"
    private: bool = False
    parameters: int | None = None  # safetensors total (BF16)
    files: dict[str, Any] = field(default_factory=dict)  # name -> JSON-able value (config.json) or bytes
    renamed_to: str | None = None  # the API and the files redirect to this id
    rate_limited: int = 0  # how many requests answer 429 before the info
    retry_after: str = "0"
    downloads: int = 0
    likes: int = 0
    last_modified: str | None = None  # default: created_at

    @property
    def author(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.id.encode()).hexdigest()

    def file_bytes(self, name: str) -> bytes | None:
        if name not in self.files:
            return None
        value = self.files[name]
        return value if isinstance(value, bytes) else json.dumps(value).encode()

    def info(self, expand: list[str] | None = None) -> dict[str, Any]:
        full: dict[str, Any] = {
            "_id": self.sha[:24],
            "id": self.id,
            "author": self.author,
            "sha": self.sha,
            "createdAt": self.created_at,
            "lastModified": self.last_modified or self.created_at,
            "private": self.private,
            "gated": self.gated,
            "disabled": False,
            "pipeline_tag": self.pipeline_tag,
            "tags": self.tags,
            "cardData": self.card_data,
            "siblings": [{"rfilename": name} for name in self.files],
            "safetensors": {"parameters": {"BF16": self.parameters}, "total": self.parameters}
            if self.parameters
            else None,
            "downloads": self.downloads,
            "likes": self.likes,
        }
        if self.card_data is None:
            del full["cardData"]
        if full["safetensors"] is None:
            del full["safetensors"]
        if expand:  # the Hub answers only the properties asked for (and the ids)
            return {key: value for key, value in full.items() if key in ("_id", "id", *expand)}
        return full


class FakeHub:
    def __init__(self, repos: Iterable[FakeRepo] = ()) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[tuple[str, str]] = []
        self.listings: list[dict[str, list[str]]] = []
        self.lock = threading.Lock()
        for repo in repos:
            self.add(repo)
        self.url = ""

    def add(self, repo: FakeRepo) -> FakeRepo:
        self.repos[repo.id] = repo
        return repo

    def find(self, repo_id: str) -> FakeRepo | None:
        return self.repos.get(repo_id)

    @contextmanager
    def running(self) -> Iterator[FakeHub]:
        handler = type("Handler", (_Handler,), {"hub": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    hub: FakeHub
    ROUTES = (
        ("GET", re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)$"), "model_info"),
        ("GET", re.compile(r"^/api/models$"), "list_models"),
        ("HEAD", re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<revision>[^/]+)/(?P<file>.+)$"), "resolve"),
        ("GET", re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<revision>[^/]+)/(?P<file>.+)$"), "resolve"),
    )

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        with self.hub.lock:
            self.hub.requests.append((method, url.path))
        for verb, pattern, name in self.ROUTES:
            match = pattern.match(url.path)
            if verb == method and match:
                getattr(self, name)(method, parse_qs(url.query), **match.groupdict())
                return
        self._send(404, b'{"error":"Not found"}', {"Content-Type": "application/json"}, method)

    # --- answers ---------------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, headers: dict[str, str], method: str = "GET") -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None, method: str = "GET") -> None:
        self._send(status, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})}, method)

    def _missing(self, method: str) -> None:
        self._json(
            404,
            {"error": "Repository not found"},
            {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
            method,
        )

    def model_info(self, method: str, query: dict[str, list[str]], repo: str) -> None:
        found = self.hub.find(repo)
        if found is None:
            self._missing(method)
            return
        if found.renamed_to:
            location = f"/api/models/{found.renamed_to}" + (f"?{urlsplit(self.path).query}" if "?" in self.path else "")
            self._send(307, b"", {"Location": location}, method)
            return
        if found.rate_limited > 0:
            with self.hub.lock:
                found.rate_limited -= 1
            self._json(429, {"error": "Too many requests"}, {"Retry-After": found.retry_after}, method)
            return
        self._json(200, found.info(query.get("expand")))

    SHORT: ClassVar = (
        "_id",
        "id",
        "likes",
        "downloads",
        "tags",
        "pipeline_tag",
        "createdAt",
        "private",
        "library_name",
    )
    SORTS: ClassVar = {
        "downloads": "downloads",
        "likes": "likes",
        "createdAt": "createdAt",
        "lastModified": "lastModified",
    }

    def list_models(self, method: str, query: dict[str, list[str]]) -> None:
        with self.hub.lock:
            self.hub.listings.append(query)
        search = (query.get("search") or [""])[0].lower()
        author = (query.get("author") or [""])[0].lower()
        filters = query.get("filter") or []
        limit = int((query.get("limit") or ["1000"])[0])
        repos = [
            repo
            for repo in self.hub.repos.values()
            if not repo.renamed_to
            and not repo.private
            and search in repo.id.lower()
            and (not author or repo.author.lower() == author)
            and all(value in repo.tags for value in filters)
        ]
        sort = (query.get("sort") or [""])[0]
        if sort:
            if sort not in self.SORTS:
                self._json(400, {"error": f"invalid sort {sort}"})
                return
            descending = (query.get("direction") or ["-1"])[0] != "1"
            repos.sort(key=lambda repo: repo.info()[sort], reverse=descending)
        expand = query.get("expand")
        full = (query.get("full") or [""])[0].lower() in ("1", "true")
        found = []
        for repo in repos[:limit]:
            info = repo.info(expand)
            if not expand and not full:
                info = {key: value for key, value in info.items() if key in self.SHORT}
            found.append(info)
        self._json(200, found)

    def resolve(self, method: str, query: dict[str, list[str]], repo: str, revision: str, file: str) -> None:
        found = self.hub.find(repo)
        if found is None:
            self._missing(method)
            return
        if found.renamed_to:
            self._send(307, b"", {"Location": f"/{found.renamed_to}/resolve/{quote(revision)}/{file}"}, method)
            return
        if found.gated and not self.headers.get("Authorization"):
            self._json(
                401,
                {"error": "Access to model is restricted"},
                {"X-Error-Code": "GatedRepo", "X-Error-Message": "Access to model is restricted"},
                method,
            )
            return
        body = found.file_bytes(file)
        if body is None:
            self._json(
                404,
                {"error": "Entry not found"},
                {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": found.sha},
                method,
            )
            return
        headers = {
            "Content-Type": "application/json",
            "X-Repo-Commit": found.sha,
            "ETag": '"' + hashlib.sha256(body).hexdigest() + '"',
        }
        self._send(200, body, headers, method)


def point_client_at(monkeypatch: Any, url: str, home: Path) -> None:
    """Point the huggingface_hub client (through the environment ja-llm reads) at `url`, with its cache
    under `home` and no token."""
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)


@contextmanager
def running_hub(repos: Iterable[FakeRepo], monkeypatch: Any, home: Path) -> Iterator[FakeHub]:
    """A fake Hub with `repos`, running, the client pointed at it."""
    fake = FakeHub(repos)
    with fake.running():
        point_client_at(monkeypatch, fake.url, home)
        yield fake


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
