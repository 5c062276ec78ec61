"""`ja-llm links`: every URL of a catalog checked by lychee against real servers on 127.0.0.1 (no internet),
each result mapped back to its file, line and field; permanent redirects written with a minimal diff; the
dead/flaky rule over runs and days (an injected clock); atomic writes when interrupted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ja_llm.cli import main
from ja_llm.errors import LinkHistoryError, OutputError
from ja_llm.files import atomic_write
from ja_llm.links import LinkReport, engine, history, write_json
from ja_llm.links.engine import Result as LinkResult
from ja_llm.links.engine import parse_report
from ja_llm.links.history import History, Rule
from link_servers import HUGE_SIZE, LinkServer, refused_url

MINI = Path(__file__).parent / "data" / "mini-catalog"
FAST = ["--timeout", "1", "--max-retries", "0", "--retry-wait", "1"]


@pytest.fixture(scope="module")
def server() -> Iterator[LinkServer]:
    with LinkServer(slow_seconds=4, renamed={"acme/alpha-8x7b-instruct": "acme/alpha-8x7b-instruct-v2"}) as running:
        yield running


def make_catalog(folder: Path, server: LinkServer, refused: str) -> Path:
    """The mini catalog with its URLs on the local server: one of each kind of answer."""
    root = folder / "カタログ"
    shutil.copytree(MINI, root)
    u = server.url

    def rewrite(rel: str, old: str, new: str) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    rewrite("organizations.toml", "https://acme.example/", u("/ok"))
    rewrite("licenses.toml", "https://www.apache.org/licenses/LICENSE-2.0", u("/chain/1"))
    rewrite(
        "models/acme/alpha.toml",
        'url = "https://acme.example/alpha"',
        f'url = {{ ja = "{u("/ok")}", en = "{u("/moved308")}" }}\n'
        f'training_data = "[Corpus]({u("/gone")}) and [Moved]({u("/chain/1")}), see also [x]({u("/temporary")})"',
    )
    rewrite("papers/transformer.toml", "https://arxiv.org/abs/1706.03762", u("/slow"))
    rewrite(
        "footnotes.toml",
        'en = "A note."',
        f'en = "A note: [nohead]({u("/nohead")}), <{u("/huge")}>, [missing]({u("/missing")})"',
    )
    rewrite(
        "catalog.toml",
        'en = "A catalog for tests"',
        f'en = "A catalog for tests: [loop]({u("/loop/a")}) [busy]({u("/ratelimited")}) [down]({refused})"',
    )
    return root


def run(*args: object, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["links", *[str(a) for a in args]], env=env)


@dataclass
class FirstRun:
    root: Path
    before: dict[str, str]
    result: Result
    report: dict[str, Any]
    seconds: float
    cache: Path


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, server: LinkServer) -> FirstRun:
    """One run with --write and --report (lychee takes a few seconds; the tests below read its outcome)."""
    tmp = tmp_path_factory.mktemp("links")
    root = make_catalog(tmp, server, refused_url())
    before = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.toml")}
    cache = tmp / "cache"
    started = time.monotonic()
    result = run(
        "--data", root, "--report", tmp / "報告.json", "--write", "--cache-dir", cache,
        "--hub-endpoint", server.url("/hub"), *FAST,
        env={"JA_LLM_NOW": "2026-11-01T00:00:00+00:00"},
    )  # fmt: skip
    seconds = time.monotonic() - started
    report = json.loads((tmp / "報告.json").read_text(encoding="utf-8"))
    return FirstRun(root, before, result, report, seconds, cache)


def rows(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(file, field) -> row of the JSON report."""
    return {(row["file"], row["field"]): row for group in report["entries"].values() for row in group}


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_url_is_mapped_back_to_its_file_line_and_field(first_run: FirstRun, server: LinkServer) -> None:
    got = rows(first_run.report)
    alpha = "models/acme/alpha.toml"
    expected = {
        ("organizations.toml", "organization[0].url"): ("ok", "ok", None),
        ("licenses.toml", "license[0].url"): ("ok", "ok", None),  # a 301 chain ending in 200
        (alpha, "url.ja"): ("ok", "ok", None),
        (alpha, "url.en"): ("ok", "ok", None),  # 308
        (alpha, "variants[0].repo"): ("ok", "ok", None),
        (alpha, "variants[1].repo"): ("ok", "ok", None),  # a renamed repo (301)
        ("papers/transformer.toml", "paper"): ("flaky", "timeout", None),
        ("footnotes.toml", "footnote[0].text.en"): ("ok", "ok", None),  # /nohead, /huge
    }
    for (file, field), (state, status, code) in expected.items():
        row = got[(file, field)]
        assert (row["state"], row["status"]) == (state, status), (file, field, row)
        if code:
            assert row["code"] == code
    # Several URLs in one text: one row per URL.
    by_url = {
        (row["file"], row["field"], row["url"]): row for group in first_run.report["entries"].values() for row in group
    }
    assert by_url[(alpha, "training_data", server.url("/gone"))]["code"] == 410
    assert by_url[(alpha, "training_data", server.url("/gone"))]["state"] == "flaky"
    assert by_url[("footnotes.toml", "footnote[0].text.en", server.url("/missing"))]["code"] == 404
    assert by_url[("footnotes.toml", "footnote[0].text.en", server.url("/huge"))]["state"] == "ok"
    loop = by_url[("catalog.toml", "preamble.en", server.url("/loop/a"))]
    assert (loop["state"], loop["status"], loop["code"]) == ("flaky", "broken", 302)
    assert "redirect loop" in loop["message"]
    assert by_url[("catalog.toml", "preamble.en", server.url("/ratelimited"))]["status"] == "rate-limited"
    assert by_url[("catalog.toml", "preamble.en", server.url("/ratelimited"))]["state"] == "skipped"
    refused = next(row for (f, _, u), row in by_url.items() if f == "catalog.toml" and u.endswith("/refused"))
    assert (refused["status"], refused["state"]) == ("network", "flaky")
    assert "refused" in refused["message"].lower()
    # Lines: the line each field is written on, in the files as they were.
    before = first_run.before
    assert got[(alpha, "training_data")]["line"] == line_of(before[alpha], "training_data =")
    assert got[(alpha, "variants[1].repo")]["line"] == line_of(before[alpha], 'repo = "acme/alpha-8x7b-instruct"')
    assert got[("licenses.toml", "license[0].url")]["line"] == line_of(before["licenses.toml"], "/chain/1")
    assert got[("footnotes.toml", "footnote[0].text.en")]["line"] == line_of(before["footnotes.toml"], "text =")
    # Terminal output: file:line: field for the failing ones, exit 0 (nothing is dead after one run).
    assert first_run.result.exit_code == 0, first_run.result.output
    assert f"{alpha}:{line_of(before[alpha], 'training_data =')}: training_data: flaky [410]" in first_run.result.output
    assert first_run.report["summary"]["dead"] == 0


def test_the_hard_answers_are_handled_politely(first_run: FirstRun, server: LinkServer) -> None:
    assert server.huge_bytes < HUGE_SIZE // 4  # the 50 MB body is not read whole
    assert server.requests[("GET", "/nohead")] >= 1  # GET, not a HEAD that fails with 405
    assert first_run.seconds < 25
    assert (first_run.cache / ".lycheecache").is_file()  # lychee's cache kept in the cache folder
    assert (first_run.cache / history.HISTORY_FILE).is_file()
    assert not [p for p in first_run.cache.iterdir() if p.name.startswith(".lychee-run-")]


def test_permanent_redirects_are_written_and_only_those_lines_change(first_run: FirstRun, server: LinkServer) -> None:
    root, before = first_run.root, first_run.before
    alpha = "models/acme/alpha.toml"
    after = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.toml")}
    changed = {
        rel: [(a, b) for a, b in zip(before[rel].splitlines(), after[rel].splitlines(), strict=True) if a != b]
        for rel in before
        if before[rel] != after[rel]
    }
    assert set(changed) == {"licenses.toml", alpha}
    assert all(len(before[rel].splitlines()) == len(after[rel].splitlines()) for rel in changed)
    assert changed["licenses.toml"] == [(f'url = "{server.url("/chain/1")}"', f'url = "{server.url("/chain/final")}"')]
    old_lines = [a for a, _ in changed[alpha]]
    new_lines = [b for _, b in changed[alpha]]
    assert [line.split(" =")[0] for line in old_lines] == ["url", "training_data"]
    assert server.url("/new308") in new_lines[0]
    assert server.url("/ok") in new_lines[0]
    assert f"[Moved]({server.url('/chain/final')})" in new_lines[1]
    assert f"[x]({server.url('/temporary')})" in new_lines[1]  # a 302 is not a permanent move
    assert f"[Corpus]({server.url('/gone')})" in new_lines[1]
    # The renamed Hub repo is proposed, never written.
    renames = first_run.report["proposed_renames"]
    assert renames == [
        {
            "file": alpha,
            "line": line_of(before[alpha], 'repo = "acme/alpha-8x7b-instruct"'),
            "field": "variants[1].repo",
            "old": "acme/alpha-8x7b-instruct",
            "new": "acme/alpha-8x7b-instruct-v2",
        }
    ]
    assert 'repo = "acme/alpha-8x7b-instruct"' in after[alpha]
    assert "wrote 3 edit(s) to 2 file(s)" in first_run.result.output
    edits = {(e["file"].rsplit("カタログ/", 1)[-1], tuple(e["path"])): e for e in first_run.report["proposed_edits"]}
    assert set(edits) == {("licenses.toml", ("license", 0, "url")), (alpha, ("url", "en")), (alpha, ("training_data",))}


def test_without_write_the_edits_are_only_shown(tmp_path: Path, server: LinkServer) -> None:
    root = make_catalog(tmp_path, server, refused_url())
    before = (root / "licenses.toml").read_text(encoding="utf-8")
    result = run("--data", root, "--cache-dir", tmp_path / "cache", "--hub-endpoint", server.url("/hub"), *FAST)
    assert result.exit_code == 0, result.output
    assert (root / "licenses.toml").read_text(encoding="utf-8") == before
    assert f'+url = "{server.url("/chain/final")}"' in result.output
    assert "3 edit(s) proposed; --write applies them" in result.output


def small_catalog(tmp_path: Path, server: LinkServer, org_url: str) -> Path:
    root = tmp_path / "カタログ"
    shutil.copytree(MINI, root)
    for rel, old in [
        ("organizations.toml", "https://acme.example/"),
        ("licenses.toml", "https://www.apache.org/licenses/LICENSE-2.0"),
        ("models/acme/alpha.toml", "https://acme.example/alpha"),
        ("papers/transformer.toml", "https://arxiv.org/abs/1706.03762"),
    ]:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, org_url if "org" in rel else server.url("/ok")))
    return root


def test_a_link_is_dead_only_after_failing_on_3_runs_over_7_days(tmp_path: Path, server: LinkServer) -> None:
    root = small_catalog(tmp_path, server, server.url("/page/vanishing"))
    server.routes["/page/vanishing"] = lambda handler: handler._send(404)
    args = ["--data", root, "--cache-dir", tmp_path / "cache", "--hub-endpoint", server.url("/hub"), *FAST]
    day0 = datetime(2026, 11, 1, tzinfo=UTC)

    def at(days: float, *more: str) -> Result:
        return run(*args, *more, env={"JA_LLM_NOW": (day0 + timedelta(days=days)).isoformat()})

    try:
        first = at(0)
        assert first.exit_code == 0, first.output
        assert "organizations.toml:4: organization[0].url: flaky [404]" in first.output
        assert at(1).exit_code == 0  # two runs
        assert at(3).exit_code == 0  # three runs, but over 3 days only
        dead = at(7)  # a fourth run, 7 days after the first failure
        assert dead.exit_code == 1, dead.output
        assert "organization[0].url: dead [404]" in dead.output
        assert "failing since 2026-11-01, 4 run(s)" in dead.output
        server.routes["/page/vanishing"] = lambda handler: handler._send(200)
        healed = at(8)  # back: the failures are forgotten
        assert healed.exit_code == 0, healed.output
        server.routes["/page/vanishing"] = lambda handler: handler._send(404)
        # Failing again starts a new count (lychee's cache of the success is bypassed: its age is wall time).
        again = at(30, "--max-cache-age", "0s")
        assert "flaky [404]" in again.output
        assert "failing since 2026-12-01, 1 run(s)" in again.output
    finally:
        server.routes.pop("/page/vanishing", None)


def test_the_rule_on_its_own() -> None:
    book = History(Path("unused.json"))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    fail = LinkResult("https://x.test/", "broken", 404)
    rule = Rule(runs=3, days=7)
    assert book.record(fail, start, rule).state == "flaky"
    assert book.record(fail, start + timedelta(minutes=1), rule).state == "flaky"
    assert book.record(fail, start + timedelta(minutes=2), rule).state == "flaky"  # 3 runs, 2 minutes
    assert (
        book.record(LinkResult("https://x.test/", "rate-limited", 429), start + timedelta(days=8), rule).state
        == "skipped"
    )
    assert book.record(fail, start + timedelta(days=7), rule).state == "dead"
    assert book.record(LinkResult("https://x.test/", "ok", 200), start + timedelta(days=9), rule).state == "ok"
    assert book.record(fail, start + timedelta(days=30), rule).state == "flaky"


def test_lychee_json_is_parsed_defensively() -> None:
    urls = ["https://a.test/", "https://b.test/", "https://c.test/"]
    report = {
        "success_map": {"urls.txt": [{"url": "https://a.test/", "status": {"text": "OK (cached)", "code": 200}}]},
        "error_map": {"urls.txt": [{"url": "https://other/", "status": "weird", "span": {"line": 2}}, "junk", None]},
        "timeout_map": [],
    }
    results = parse_report(report, urls)
    assert [r.status for r in results] == ["ok", "network", "unknown"]
    assert results[0].cached
    assert [r.status for r in parse_report("not an object", urls)] == ["unknown"] * 3


def test_a_missing_lychee_is_a_clean_error(tmp_path: Path, server: LinkServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_catalog(tmp_path, server, server.url("/ok"))
    monkeypatch.setattr(engine.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("--data", root, "--cache-dir", tmp_path / "cache")
    assert result.exit_code == 1
    assert "error: lychee (the link checker, version 0.24.2) is not installed" in result.output
    assert "hint:" in result.output


def test_interrupted_writes_leave_the_old_history_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = History(tmp_path / history.HISTORY_FILE)
    book.record(LinkResult("https://x.test/", "broken", 404), datetime(2026, 1, 1, tzinfo=UTC), Rule())
    book.save()
    saved = book.path.read_bytes()

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    book.record(LinkResult("https://x.test/", "ok", 200), datetime(2026, 1, 2, tzinfo=UTC), Rule())
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        book.save()
    assert book.path.read_bytes() == saved
    assert [p.name for p in tmp_path.iterdir()] == [history.HISTORY_FILE]  # no temporary file left
    monkeypatch.undo()
    (tmp_path / history.HISTORY_FILE).write_text("{ half", encoding="utf-8")

    with pytest.raises(LinkHistoryError):
        History.load(tmp_path)
    with pytest.raises(OutputError):
        atomic_write(tmp_path, "a folder is never replaced")
    # The JSON report goes through the same atomic write.
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    empty = LinkReport(datetime(2026, 1, 1, tzinfo=UTC), Rule(), [], {}, {})
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_json(empty, target)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old\n"
    write_json(empty, target)
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["urls"] == 0


def test_ctrl_c_stops_lychee_and_leaves_cache_history_and_catalog(
    tmp_path: Path, server: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_catalog(tmp_path, server, server.url("/slow"))
    cache = tmp_path / "cache"
    args = ["--data", root, "--cache-dir", cache, "--hub-endpoint", server.url("/hub"), "--max-retries", "0"]
    assert run(*args, "--timeout", "1").exit_code == 0  # a first run: a cache and a history
    kept = {p.name: p.read_bytes() for p in cache.iterdir()}
    catalog = {p: p.read_bytes() for p in root.rglob("*.toml")}
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*a: Any, **k: Any) -> subprocess.Popen[bytes]:
        child = real_popen(*a, **k)
        children.append(child)
        return child

    monkeypatch.setattr(engine.subprocess, "Popen", recording_popen)
    # Ctrl-C as in a terminal: a test run started in the background by a shell (`make test &`) inherits SIGINT
    # ignored, and Python then installs no handler for it
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = run(*args, "--timeout", "10", "--max-cache-age", "0s")
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output
    assert children
    assert children[0].poll() is not None
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == kept
    assert {p: p.read_bytes() for p in root.rglob("*.toml")} == catalog
