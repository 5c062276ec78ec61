"""The Hugging Face Hub's metadata of a model repo, through the official client (`huggingface_hub`).

`HfApi.model_info` (one API call: the repo's final id after a rename, gated and private flags, tags, card
data, pipeline tag, creation date, safetensors parameter counts, file list) and `hf_hub_download` of
`config.json` (context length, mixture-of-experts settings). The endpoint and token are read from the
environment at call time (`HF_ENDPOINT`, `HF_TOKEN`; the download cache from `HF_HUB_CACHE` or `HF_HOME`) and
passed explicitly, so that a test can point the client at a local server after huggingface_hub was imported.

The client's errors become domain errors: 429 Too Many Requests is retried a bounded number of times,
honouring Retry-After (then HubRateLimited for that repo); a connection that fails (refused, unresolvable,
timed out) is HubUnreachable, which ends the run; other HTTP errors are HubRequestFailed for that repo.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
)

from ..errors import HubRateLimited, HubRequestFailed, HubUnreachable

DEFAULT_ENDPOINT = "https://huggingface.co"
EXPAND = [
    "author",
    "cardData",
    "createdAt",
    "gated",
    "pipeline_tag",
    "private",
    "safetensors",
    "sha",
    "siblings",
    "tags",
]
RETRIES = 3  # retries of a rate-limited request (429), after the first attempt
MAX_WAIT = 60.0  # seconds: a longer Retry-After is cut to this (the run must end)
BACKOFF = 2.0  # seconds before the first retry when the Hub gives no Retry-After; doubles each time

T = TypeVar("T")


@dataclass
class RepoMeta:
    """What the Hub says about one model repo. `status` is `ok`, or `missing` (no such repo, or a private
    one the token cannot see: the Hub answers both alike)."""

    requested: str
    status: str
    id: str = ""  # the repo's id now: differs from `requested` after a rename (the Hub redirects)
    author: str | None = None
    gated: bool | None = None
    private: bool | None = None
    tags: list[str] = field(default_factory=list)
    card_data: dict[str, Any] = field(default_factory=dict)
    pipeline_tag: str | None = None
    created_at: str | None = None  # ISO date (YYYY-MM-DD)
    parameters: int | None = None  # safetensors.total
    files: list[str] | None = None
    config: dict[str, Any] | None = None
    config_note: str = ""  # why config.json is missing (gated and not accepted, no such file)

    @property
    def renamed(self) -> bool:
        return self.status == "ok" and self.id != self.requested


def _retry_after(error: HfHubHTTPError) -> float | None:
    value = error.response.headers.get("Retry-After") if error.response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: use the backoff


def _http_error(exc: BaseException) -> HfHubHTTPError | None:
    """The HTTP error behind an exception of the client (hf_hub_download wraps a failed HEAD request)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, HfHubHTTPError):
            return seen
        seen = seen.__cause__
    return None


def _network_error(exc: BaseException) -> BaseException | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, httpx2.TransportError | ConnectionError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class HubClient:
    """One run's access to the Hub. `sleep` is injectable (default: time.sleep, looked up when waiting)."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | None = None,
        cache_dir: Path | None = None,
        retries: int = RETRIES,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.token = token or os.environ.get("HF_TOKEN") or None
        if cache_dir is None:
            if os.environ.get("HF_HUB_CACHE"):
                cache_dir = Path(os.environ["HF_HUB_CACHE"])
            elif os.environ.get("HF_HOME"):
                cache_dir = Path(os.environ["HF_HOME"]) / "hub"
        self.cache_dir = cache_dir
        self.retries = retries
        self.sleep = sleep
        self.api = HfApi(endpoint=self.endpoint, token=self.token)

    def _call(self, repo_id: str, call: Callable[[], T], retries: int | None = None) -> T:
        """Run one client call: retry 429 (bounded, honouring Retry-After), turn network failures into
        HubUnreachable and other HTTP errors (not 404/gated: the caller handles those) into HubRequestFailed.
        `retries` overrides the client's count (0 where huggingface_hub already retries: the listings)."""
        retries = self.retries if retries is None else retries
        wait = BACKOFF
        for attempt in range(retries + 1):
            try:
                return call()
            except (RepositoryNotFoundError, RemoteEntryNotFoundError):
                raise  # the caller's to handle: no such repo, gated, no such file
            except (HfHubHTTPError, httpx2.HTTPError, OSError) as exc:  # the client's failures, sorted below
                http = _http_error(exc)
                if http is not None and http.response is not None and http.response.status_code == 429:
                    if attempt == retries:
                        times = f" {retries + 1} times" if retries else ""
                        raise HubRateLimited(f"{repo_id}: the Hub answered 429 Too Many Requests{times}") from None
                    after = _retry_after(http)
                    (self.sleep or time.sleep)(min(MAX_WAIT, after if after is not None else wait))
                    wait *= 2
                    continue
                if isinstance(http, GatedRepoError | RepositoryNotFoundError):
                    raise http from None
                network = _network_error(exc)
                if network is not None and http is None:
                    raise HubUnreachable(f"cannot reach {self.endpoint}: {network}") from None
                if http is not None:
                    status = http.response.status_code if http.response is not None else "?"
                    raise HubRequestFailed(f"{repo_id}: the Hub answered HTTP {status}") from None
                raise HubRequestFailed(f"{repo_id}: {type(exc).__name__}: {exc}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def repo(self, repo_id: str, with_config: bool = True) -> RepoMeta:
        """The Hub's metadata of a model repo (status `missing` when there is none)."""
        try:
            info = self._call(
                repo_id,
                lambda: self.api.model_info(repo_id, expand=EXPAND, token=self.token),  # type: ignore[arg-type]
            )
        except RepositoryNotFoundError:  # also a private repo the token cannot see
            return RepoMeta(requested=repo_id, status="missing")
        card = info.card_data.to_dict() if info.card_data is not None else {}
        meta = RepoMeta(
            requested=repo_id,
            status="ok",
            id=info.id,
            author=info.author,
            gated=bool(info.gated) if info.gated is not None else None,
            private=info.private,
            tags=list(info.tags or []),
            card_data=card,
            pipeline_tag=info.pipeline_tag,
            created_at=info.created_at.date().isoformat() if info.created_at else None,
            parameters=info.safetensors.total if info.safetensors is not None else None,
            files=[s.rfilename for s in info.siblings] if info.siblings is not None else None,
        )
        if with_config:
            self._config(meta, info.sha)
        return meta

    def _config(self, meta: RepoMeta, revision: str | None) -> None:
        if meta.files is not None and "config.json" not in meta.files:
            meta.config_note = "no config.json in the repo"
            return
        try:
            path = self._call(
                meta.id,
                lambda: hf_hub_download(
                    meta.id,
                    "config.json",
                    revision=revision,
                    endpoint=self.endpoint,
                    token=self.token,
                    cache_dir=self.cache_dir,
                ),
            )
        except GatedRepoError:
            meta.config_note = "config.json is gated: accept the repo's conditions with the token's account"
            return
        except RepositoryNotFoundError:
            meta.config_note = "config.json cannot be read (no access)"
            return
        except RemoteEntryNotFoundError:
            meta.config_note = "no config.json in the repo"
            return
        try:
            config = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            meta.config_note = "config.json is not valid JSON"
            return
        if isinstance(config, dict):
            meta.config = config
        else:
            meta.config_note = "config.json is not a JSON object"


# --- the model listing (`ja-llm hub discover`) -----------------------------------------------------------

LIST_EXPAND = [
    "author",
    "cardData",
    "createdAt",
    "downloads",
    "gated",
    "lastModified",
    "likes",
    "pipeline_tag",
    "private",
    "safetensors",
    "tags",
]
LIST_SORTS = {"downloads": "downloads", "created": "created_at"}  # our names -> list_models' `sort`


@dataclass
class ListedModel:
    """One model of a listing (`GET /api/models`), as plain data: what the listing gives, no card text and
    no file list (the listing does not download cards)."""

    id: str
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    card_data: dict[str, Any] = field(default_factory=dict)
    pipeline_tag: str | None = None
    created_at: str | None = None  # ISO date (YYYY-MM-DD)
    last_modified: str | None = None  # ISO date
    downloads: int = 0  # the Hub's count of the last 30 days
    likes: int = 0
    parameters: int | None = None  # safetensors.total, when the listing gives it
    private: bool = False
    gated: bool = False


def _listed(info: Any) -> ListedModel:
    card = info.card_data.to_dict() if info.card_data is not None else {}
    return ListedModel(
        id=info.id,
        author=info.author,
        tags=list(info.tags or []),
        card_data=card,
        pipeline_tag=info.pipeline_tag,
        created_at=info.created_at.date().isoformat() if info.created_at else None,
        last_modified=info.last_modified.date().isoformat() if info.last_modified else None,
        downloads=int(info.downloads or 0),
        likes=int(info.likes or 0),
        parameters=info.safetensors.total if info.safetensors is not None else None,
        private=bool(info.private),
        gated=bool(info.gated),
    )


def list_models(
    client: HubClient,
    label: str,
    *,
    filter: str | None = None,
    author: str | None = None,
    search: str | None = None,
    sort: str = "downloads",
    limit: int = 100,
) -> list[ListedModel]:
    """One bounded listing of the Hub's models (`limit` models at most, sorted by `sort`: `downloads` or
    `created`, highest or newest first), with the client's errors mapped as for a repo (`label` names the
    listing in the messages: `language ja`, `author rinna`). No retries of our own: huggingface_hub's
    listing already retries a refused connection, 429 and 5xx answers (5 times, waiting 1 to 8 seconds)."""
    try:
        return client._call(label, lambda: _list(client, filter, author, search, sort, limit), retries=0)
    except (RepositoryNotFoundError, RemoteEntryNotFoundError, GatedRepoError) as exc:  # not for a listing
        status = exc.response.status_code if exc.response is not None else "?"
        raise HubRequestFailed(f"{label}: the Hub answered HTTP {status}") from None


def _list(
    client: HubClient, filter: str | None, author: str | None, search: str | None, sort: str, limit: int
) -> list[ListedModel]:
    return [
        _listed(info)
        for info in client.api.list_models(
            filter=filter,
            author=author,
            search=search,
            sort=LIST_SORTS[sort],  # type: ignore[arg-type]
            limit=limit,
            expand=LIST_EXPAND,  # type: ignore[arg-type]
            token=client.token,
        )
    ]
