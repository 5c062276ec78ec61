"""Benchmark of `ja-llm links` against lychee alone and LinkChecker (run by `make bench`; results go to
bench/RESULTS.md).

The unique http(s) URLs of the awesome-japanese-llm README of 2026 (tests/data/sources/2026-08-22/README.md,
about 1,000) are rewritten to one loopback server that answers every request after 50 ms: 10% of the URLs
answer 404, 13% a 301 to another path (which answers 200, also after 50 ms), the rest 200. Side by side in
one run (alternating, `--runs` rounds, medians):

- `ja-llm links` (the CLI in a child process, on a generated catalog holding one entry per URL, a fresh
  lychee cache and history each run: everything is really checked);
- lychee alone on the same URL list with the same limits (8 per host, no request interval, JSON output);
- LinkChecker (PyPI `linkchecker`, 8 threads, its per-host wait lifted) on an HTML page listing the URLs,
  served by the same server, in the first round only;
- linkinator (npm: `make bench` installs it into bench/.npm; first round), else it is reported as skipped.

A false error is a result that disagrees with what the server answered (a 404 reported as fine, or a 200 or
301 reported as failing). The ideal wall time is links × 50 ms / 8 (8 requests in flight to the one host).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import machine

REPO = Path(__file__).resolve().parent.parent
README = REPO / "tests" / "data" / "sources" / "2026-08-22" / "README.md"
MINI = REPO / "tests" / "data" / "mini-catalog"
BIN = Path(sys.executable).parent
DELAY = 0.05
PER_HOST = 8


def source_urls() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r"https?://[^\]\[\s)<>\"'`]+", text)))


def truth(index: int) -> int:
    """What the server answers for URL number `index`: 404 (10%), 301 (13%) or 200."""
    bucket = (index * 37) % 100
    return 404 if bucket < 10 else 301 if bucket < 23 else 200


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    page = b""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/index.html":
            self.reply(200, body=self.page, kind="text/html; charset=utf-8")
            return
        time.sleep(DELAY)
        match = re.fullmatch(r"/u/(\d+)/.*", path)
        if path.startswith("/final/"):
            self.reply(200)
        elif match is None:
            self.reply(404)
        else:
            code = truth(int(match.group(1)))
            self.reply(code, {"Location": "/final" + path} if code == 301 else None)

    do_HEAD = do_GET

    def reply(
        self, code: int, headers: dict[str, str] | None = None, body: bytes = b"ok\n", kind: str = "text/plain"
    ) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", kind)
        self.send_header("LinkChecker", "unlimited")  # LinkChecker's opt-in to drop its per-host wait (see below)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client closing its keep-alive connection is no news


def local_urls(base: str, originals: list[str]) -> list[str]:
    """Each original URL on the loopback server, keeping a readable tail of its path."""
    urls = []
    for index, original in enumerate(originals):
        tail = re.sub(r"[^A-Za-z0-9._-]+", "-", original.split("://", 1)[1])[:60].strip("-") or "x"
        urls.append(f"{base}/u/{index}/{tail}")
    return urls


def make_catalog(folder: Path, urls: list[str]) -> Path:
    root = folder / "catalog"
    shutil.copytree(MINI, root)
    papers = root / "papers"
    for index, url in enumerate(urls):
        (papers / f"p{index:04d}.toml").write_text(
            f'section = "reference"\nposition = {index + 20}\nname = "P{index}"\nurl = "{url}"\n', encoding="utf-8"
        )
    return root


def timed(command: list[str], **kwargs: Any) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, done


def run_ja_llm(root: Path, work: Path, base: str) -> tuple[float, dict[str, bool]]:
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    report = work / "report.json"
    wall, done = timed(
        [str(BIN / "ja-llm"), "links", "--data", str(root), "--cache-dir", str(cache), "--report", str(report)],
        env={**os.environ, "HF_ENDPOINT": base + "/hub"},
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"ja-llm links failed: {done.stderr[-800:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    verdicts = {
        row["url"]: row["status"] == "ok"
        for group in data["entries"].values()
        for row in group
        if row["file"].startswith("papers/p")
    }
    moved = sum(1 for edit in data["proposed_edits"] if "/final/" in str(edit["new"]))
    verdicts["__moved__"] = moved  # type: ignore[assignment]
    return wall, verdicts


def run_lychee(urls_file: Path, work: Path) -> tuple[float, dict[str, bool]]:
    out = work / "lychee.json"
    command = [
        str(BIN / "lychee"), "--format", "json", "--verbose", "--no-progress", "--output", str(out),
        "--host-concurrency", str(PER_HOST), "--host-request-interval", "0s", "--max-concurrency", "128",
        "--", str(urls_file),
    ]  # fmt: skip
    wall, done = timed(command, cwd=work)
    if done.returncode not in (0, 2):
        raise SystemExit(f"lychee failed: {done.stderr[-800:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    lines = urls_file.read_text(encoding="utf-8").splitlines()
    verdicts: dict[str, bool] = {}
    for kind in ("success_map", "error_map", "timeout_map"):
        for items in data.get(kind, {}).values():
            for item in items:
                verdicts[lines[item["span"]["line"] - 1]] = kind == "success_map"
    return wall, verdicts


def run_linkchecker(base: str, work: Path) -> tuple[float, dict[str, bool]]:
    # LinkChecker waits 0.1 to 0.6 s between two requests to a host (0.35 s per URL on average: 355 s for these
    # 1,012 URLs), whatever its threads, unless the host answers with a `LinkChecker` header; then it waits
    # 1/maxrequestspersecond to 6/maxrequestspersecond. The server sends that header and the limit is raised so
    # that its engine, not its politeness, is measured. The file must be readable by `nobody`: run as root,
    # LinkChecker drops its privileges.
    config = work / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=1000\n", encoding="utf-8")
    config.chmod(0o644)
    command = [
        str(BIN / "linkchecker"), "-f", str(config), "--no-status", "--no-robots", "-r", "1", "-t", str(PER_HOST),
        "-o", "csv", "--verbose", base + "/index.html",
    ]  # fmt: skip
    wall, done = timed(command)
    verdicts: dict[str, bool] = {}
    rows = [line for line in done.stdout.splitlines() if line and not line.startswith("#")]
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        url = row.get("urlname") or ""
        if "/u/" in url:
            verdicts[url] = row.get("valid", "").lower() == "true"
    return wall, verdicts


LINKINATOR = Path(__file__).resolve().parent / ".npm" / "node_modules" / ".bin" / "linkinator"  # `make bench`


def run_linkinator(base: str) -> tuple[float, dict[str, bool]] | None:
    """linkinator from npm, installed by `make bench` into bench/.npm (gitignored; 6.x: 7+ needs Node 22)."""
    if not LINKINATOR.exists():
        return None
    wall, done = timed([str(LINKINATOR), base + "/index.html", "--format", "json", "--concurrency", "8"])
    data = json.loads(done.stdout or "{}")
    return wall, {link["url"]: link["state"] == "OK" for link in data.get("links", []) if "/u/" in link["url"]}


def false_errors(verdicts: dict[str, bool], urls: list[str]) -> tuple[int, int]:
    """(false errors, URLs without a result)."""
    wrong = missing = 0
    for index, url in enumerate(urls):
        if url not in verdicts:
            missing += 1
        elif verdicts[url] != (truth(index) != 404):
            wrong += 1
    return wrong, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="rounds (each runs every tool once)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N URLs (0: all)")
    args = parser.parse_args()
    originals = source_urls()
    if args.limit:
        originals = originals[: args.limit]
    server = Server(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = local_urls(base, originals)
    Handler.page = (
        "<!doctype html><title>links</title>" + "".join(f'<a href="{u}">{i}</a>\n' for i, u in enumerate(urls))
    ).encode()
    work = Path(tempfile.mkdtemp(prefix="ja-llm-links-bench-"))
    work.chmod(0o755)
    urls_file = work / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    root = make_catalog(work, urls)
    tools: dict[str, list[float]] = {"ja-llm links": [], "lychee alone": [], "LinkChecker": [], "linkinator": []}
    errors: dict[str, tuple[int, int]] = {}
    moved = 0
    linkinator_skipped = False
    try:
        for round_ in range(args.runs):
            print(f"round {round_ + 1}/{args.runs} ...", file=sys.stderr)
            wall, verdicts = run_ja_llm(root, work, base)
            moved = int(verdicts.pop("__moved__"))
            tools["ja-llm links"].append(wall)
            errors["ja-llm links"] = false_errors(verdicts, urls)
            wall, verdicts = run_lychee(urls_file, work)
            tools["lychee alone"].append(wall)
            errors["lychee alone"] = false_errors(verdicts, urls)
            if round_ == 0 and (BIN / "linkchecker").exists():  # minutes per run: once
                wall, verdicts = run_linkchecker(base, work)
                tools["LinkChecker"].append(wall)
                errors["LinkChecker"] = false_errors(verdicts, urls)
            result = run_linkinator(base) if round_ == 0 else None
            if result is None:
                linkinator_skipped = round_ == 0 or linkinator_skipped
            else:
                tools["linkinator"].append(result[0])
                errors["linkinator"] = false_errors(result[1], urls)
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    n = len(urls)
    redirects = sum(1 for i in range(n) if truth(i) == 301)
    ideal = n * DELAY / PER_HOST
    ideal_requests = (n + redirects) * DELAY / PER_HOST
    ours = statistics.median(tools["ja-llm links"])
    alone = statistics.median(tools["lychee alone"])
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}",
        "",
        f"### `ja-llm links`: {n} URLs of the 2026 README on a loopback server (50 ms per answer, "
        f"{sum(1 for i in range(n) if truth(i) == 404)} × 404, {redirects} × 301), median (min–max) of {args.runs} "
        "rounds",
        "",
        "| tool | wall | false errors | no result |",
        "|---|---:|---:|---:|",
    ]
    for name, walls in tools.items():
        if not walls:
            continue
        wrong, missing = errors[name]
        runs = " (1 run)" if len(walls) == 1 and args.runs > 1 else ""
        wall = f"{statistics.median(walls):.2f} s" + (f" ({min(walls):.2f}–{max(walls):.2f})" if len(walls) > 1 else "")
        lines.append(f"| {name}{runs} | {wall} | {wrong} | {missing} |")
    if not tools["LinkChecker"]:
        lines.append("| LinkChecker | skipped: not installed (`pip install -e '.[bench]'`) | | |")
    if linkinator_skipped:
        lines.append("| linkinator | skipped: `npx --no-install linkinator` is not available | | |")
    lines += [
        "",
        f"ja-llm's overhead over lychee alone (the same limits: {PER_HOST} per host, no request interval): "
        f"{(ours / alone - 1) * 100:+.1f}% (goal ≤ 10%: {'met' if ours <= alone * 1.10 else 'not met'}).",
        f"Ratio to the ideal {n} × 50 ms / {PER_HOST} = {ideal:.2f} s: {ours / ideal:.2f}× "
        f"(goal ≤ 1.2×: {'met' if ours <= ideal * 1.2 else 'not met'}); counting the {redirects} second requests of "
        f"the redirects, the ideal is {ideal_requests:.2f} s and the ratio {ours / ideal_requests:.2f}×.",
        f"Permanent redirects proposed as edits by ja-llm: {moved} of {redirects}.",
        "",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
