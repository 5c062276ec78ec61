"""Smoke test of the benchmark scripts in bench/: each runs on a tiny input, exits 0 and prints a Markdown table.

The scripts run at the same time (they are started together on first use and each test waits for its own), so
that the whole module stays well under a minute. Only options the scripts already have are used; a script whose
tool is missing (Chromium, lychee, a git history holding the baseline commit) is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("JA_LLM_CHROMIUM", "/usr/bin/chromium")
VITEPRESS = BENCH / "vitepress" / "node_modules" / "vitepress" / "bin" / "vitepress.js"
BASELINES = {"build_bench.py": "838a1c7", "rebuild_bench.py": "527a3bf"}  # the scripts' default baseline commits

# the smallest run each script's own options allow
ARGS: dict[str, list[str]] = {
    "load_bench.py": ["--runs", "1"],
    "search_bench.py": ["--runs", "1", "--sizes", ""],
    "serve_bench.py": ["--clients", "2", "--seconds", "1"],
    "build_bench.py": ["--runs", "1"],
    "rebuild_bench.py": ["--runs", "1"],
    "links_bench.py": ["--runs", "1", "--limit", "10"],
    "site_bench.py": ["--sizes", "100", "--rounds", "1"],
    "vitepress_bench.py": ["--smoke"],
    "scale_bench.py": ["--sizes", "100", "--runs", "2", "--builds", "2"],
    "linear_bench.py": ["--size", "2000", "--runs", "1"],
}
TIMEOUT = 120
ROW = re.compile(r"^\|.*\|\s*$", re.M)
HEADER = re.compile(r"^\|.*\|\s*$\n^\|(\s*:?-+:?\s*\|)+\s*$", re.M)
# load_bench.py prints rows only (one per run, under the header that bench/RESULTS.md already holds)
ROWS_ONLY = {"load_bench.py"}


def skip_reason(script: str) -> str | None:
    if script == "site_bench.py":
        if not Path(CHROMIUM).exists():
            return f"Chromium not found at {CHROMIUM} (JA_LLM_CHROMIUM)"
        if importlib.util.find_spec("playwright") is None:
            return "playwright is not installed"
    if script == "links_bench.py" and not (BIN / "lychee").exists():
        return f"lychee is not installed in {BIN}"
    if script in BASELINES:
        if shutil.which("git") is None:
            return "git is not installed"
        baseline = BASELINES[script]
        known = subprocess.run(
            ["git", "-C", str(REPO), "cat-file", "-e", f"{baseline}^{{commit}}"], capture_output=True, check=False
        )
        if known.returncode != 0:
            return f"the baseline commit {baseline} is not in this checkout's git history"
    return None


@pytest.fixture(scope="module")
def started() -> Iterator[dict[str, tuple[subprocess.Popen[str], Path]]]:
    """Every script that can run, started at once; their output goes to files (no pipe can fill up)."""
    with tempfile.TemporaryDirectory(prefix="ja-llm-bench-smoke-") as folder:
        yield from _start_all(Path(folder))
    # build_bench and rebuild_bench add a git worktree of this repository in that folder and remove it when they
    # end; one stopped half-way (below) could not: its entry, whose folder is gone now, goes
    subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=False, capture_output=True)


def _start_all(logs: Path) -> Iterator[dict[str, tuple[subprocess.Popen[str], Path]]]:
    # their temporary files go to a folder of their own: test_bench_scripts_leave_no_temporary_files
    (logs / "tmp").mkdir()
    env = {**os.environ, "JA_LLM_CACHE_DIR": str(logs / "cache"), "JA_LLM_CHROMIUM": CHROMIUM}
    env["TMPDIR"] = str(logs / "tmp")
    processes = {}
    for script, args in ARGS.items():
        if skip_reason(script) is not None:
            continue
        # the child keeps its own copies of the two files: the parent's close at the end of the block
        with (logs / f"{script}.out").open("w") as out, (logs / f"{script}.err").open("w") as err:
            process = subprocess.Popen(
                [sys.executable, str(BENCH / script), *args],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=REPO,
                env=env,
                text=True,
                start_new_session=True,  # a group of its own: see below
            )
        processes[script] = (process, logs)
    yield processes
    # A script stopped half-way (its test deselected, -k) leaves none of its processes running in a folder that
    # is about to go: its whole tree (the commands it measures run in sessions of their own), then its group.
    trees = {process: _descendants(process.pid) for process, _logs in processes.values()}
    for process, tree in trees.items():
        for pid in [*tree, process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    _wait_gone([pid for tree in trees.values() for pid in tree])


def _descendants(pid: int) -> list[int]:
    """The processes under `pid` (Linux's /proc; none elsewhere), children before their children."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [c for child in children for c in (child, *_descendants(child))]


def _wait_gone(pids: list[int], timeout: float = 5.0) -> None:
    """Until each process has ended (gone, or a zombie nobody reaps: it writes nothing more)."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                break
            if state in ("Z", "X"):
                break
            time.sleep(0.01)


def finished(started: dict[str, tuple[subprocess.Popen[str], Path]], script: str) -> str:
    reason = skip_reason(script)
    if reason:
        pytest.skip(reason)
    process, logs = started[script]
    process.wait(timeout=TIMEOUT)
    out = (logs / f"{script}.out").read_text(encoding="utf-8")
    err = (logs / f"{script}.err").read_text(encoding="utf-8")
    assert process.returncode == 0, f"{script} exited {process.returncode}:\n{err[-3000:]}"
    table = ROW if script in ROWS_ONLY else HEADER
    assert table.search(out), f"{script} printed no Markdown table:\n{out[-2000:]}"
    return out


def test_every_bench_script_has_a_smoke_run() -> None:
    scripts = {path.name for path in BENCH.glob("*.py")}
    assert scripts == set(ARGS), f"bench scripts without a smoke run: {sorted(scripts - set(ARGS))}"


@pytest.mark.parametrize("script", [s for s in ARGS if s not in ("vitepress_bench.py", "scale_bench.py")])
def test_bench_script_runs(started: dict[str, tuple[subprocess.Popen[str], Path]], script: str) -> None:
    finished(started, script)


def test_vitepress_bench_runs(started: dict[str, tuple[subprocess.Popen[str], Path]]) -> None:
    out = finished(started, "vitepress_bench.py")
    assert "| full cold build |" in out
    assert "no-change build ≤ 2x `ja-llm --version`" in out
    assert re.search(r"\| one-entry rebuild in a running `ja-llm serve` [^|]*\| [0-9.]+ s \(", out), out
    # the file system's share: a copy of the built output, with its counts of files and folders
    assert re.search(
        r"\| the file system's share: `cp -r` of ja-llm's output \([0-9,]+ files, [0-9,]+ folders\) \| [0-9.]+ s", out
    )
    if not VITEPRESS.is_file():
        assert "skipped (not installed)" in out
        pytest.skip(f"the VitePress part: VitePress is not installed ({VITEPRESS}; `make bench` installs it)")
    assert "VitePress 1." in out
    assert "faster than VitePress" in out
    assert re.search(r"VitePress's output: [0-9,]+ files, [0-9,]+ folders \| [0-9.]+x \(the most", out), out


def test_scale_bench_prints_goals(started: dict[str, tuple[subprocess.Popen[str], Path]]) -> None:
    out = finished(started, "scale_bench.py")
    assert "| 100 |" in out
    assert re.search(r"^\| 100 \| [0-9.]+ s \([0-9.]+–[0-9.]+\) \|", out, re.M), out  # the builds' median, spread
    assert "query ≤ 50 ms" in out
    assert re.search(r"the build wrote [0-9,]+ files in [0-9,]+ folders, which `cp -r --attributes-only` makes", out)


def test_bench_scripts_leave_no_temporary_files(started: dict[str, tuple[subprocess.Popen[str], Path]]) -> None:
    """A benchmark removes what it made in the temporary folder (serve_bench.py left its built site there)."""
    if not started:
        pytest.skip("no benchmark script could run here")
    for script, (process, _) in started.items():
        process.wait(timeout=TIMEOUT)
        assert process.returncode == 0, script
    logs = next(iter(started.values()))[1]
    assert sorted(path.name for path in (logs / "tmp").iterdir()) == []
