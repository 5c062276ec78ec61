"""Benchmark of a cold `ja-llm build` of the shipped catalog (run by `make bench`; results go to bench/RESULTS.md).

Each run builds into a fresh folder in a child process (`ja-llm build --out …`) and reports its wall time, the
peak memory of the process tree (getrusage of the children) and the time of each stage as the build prints it
(load, pages, and the chart, exports and lists, which a second process writes
while the pages render: the time still waited for them). The runs alternate with a bare
`python -c "import ja_llm"` start and with a cold build of the baseline commit (`--baseline`, default the
site build of 838a1c7 that issue 13's goal refers to: ja and en pages and lists, no exports, no chart; run
from a git worktree of that commit in a temporary folder), so that ratios are measured side by side on this
noisy machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import machine

JA_LLM = Path(sys.executable).parent / "ja-llm"
STAGES = re.compile(r"^time: (.*)$", re.M)
STAGE = re.compile(r"(?:^|, )(.+?) (\d+(?:\.\d+)?) s\b")


BASELINE = "838a1c7"
REPO = Path(__file__).resolve().parent.parent


def build_once(folder: Path, source: Path | None = None) -> tuple[float, dict[str, float]]:
    """A cold build into `folder`: of this checkout, or of the code and catalog of the worktree `source`."""
    command = [str(JA_LLM), "build", "--out", str(folder)]
    env = None
    if source is not None:
        command = [sys.executable, "-c", "from ja_llm.cli import main; main()", "build", "--out", str(folder)]
        env = {**os.environ, "PYTHONPATH": str(source / "src")}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=source)
    wall = time.perf_counter() - started
    found = STAGES.search(done.stderr)
    stages = {}
    if found:  # "name 1.2 s, other name 0.3 s (a remark)"
        for name, seconds in STAGE.findall(found.group(1)):
            stages[name] = float(seconds)
    return wall, stages


def python_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ja_llm"], check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="cold builds of each (each into a fresh folder)")
    parser.add_argument("--baseline", default=BASELINE, help="commit whose build is measured beside (git)")
    args = parser.parse_args()
    walls: list[float] = []
    base_walls: list[float] = []
    starts: list[float] = []
    stages: dict[str, list[float]] = {}
    work = Path(tempfile.mkdtemp(prefix="ja-llm-build-bench-"))
    base = work / "baseline"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), args.baseline], check=True)
    try:
        for run in range(args.runs):
            starts.append(python_start())
            wall, times = build_once(work / f"run-{run}")
            walls.append(wall)
            for name, seconds in times.items():
                stages.setdefault(name, []).append(seconds)
            shutil.rmtree(work / f"run-{run}")
            base_walls.append(build_once(work / f"base-{run}", base)[0])
            shutil.rmtree(work / f"base-{run}")
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\n## {now} — {machine()}\n")
    print(f"### Cold `ja-llm build` of the shipped catalog (median of {args.runs} runs)\n")
    print("| stage | median |")
    print("|---|---:|")
    for name, values in stages.items():
        print(f"| {name} | {statistics.median(values):.2f} s |")
    build = statistics.median(walls)
    start = statistics.median(starts)
    print(f"| **whole build (wall)** | **{build:.2f} s** ({min(walls):.2f}–{max(walls):.2f}) |")
    baseline = statistics.median(base_walls)
    print(
        f"| baseline build of {args.baseline} (wall, same runs interleaved) | {baseline:.2f} s "
        f"({min(base_walls):.2f}–{max(base_walls):.2f}) |"
    )
    print(f"\n`python -c 'import ja_llm'`: {start:.2f} s; peak memory of a build process: {peak_mb:.0f} MB.")
    ratio = build / baseline
    print(
        f"Goal (issue 13): the cold build of everything within 2x of the site build of {args.baseline} "
        f"(before the exports and the chart): {ratio:.2f}x — {'met' if ratio <= 2 else 'not met'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
