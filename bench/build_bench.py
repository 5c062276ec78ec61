"""Benchmark of a cold `ja-llm build` of the shipped catalog (run by `make bench`; results go to bench/RESULTS.md).

Each run builds into a fresh folder in a child process (`ja-llm build --out …`) and reports its wall time, the
peak memory of the process tree (getrusage of the children) and the time of each stage as the build prints it
(load, pages, chart and exports — drawn by a second process while the pages render: the time still waited
for —, gzip, lists). The runs alternate with a bare `python -c "import ja_llm"` start, so that the ratio is
measured side by side on this noisy machine.
"""

from __future__ import annotations

import argparse
import datetime
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


def build_once(folder: Path) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    done = subprocess.run([str(JA_LLM), "build", "--out", str(folder)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    found = STAGES.search(done.stderr)
    stages = {}
    if found:
        for part in found.group(1).split(", "):
            name, seconds, _unit = part.rsplit(" ", 2)
            stages[name] = float(seconds)
    return wall, stages


def python_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ja_llm"], check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cold builds (each into a fresh folder)")
    args = parser.parse_args()
    walls: list[float] = []
    starts: list[float] = []
    stages: dict[str, list[float]] = {}
    work = Path(tempfile.mkdtemp(prefix="ja-llm-build-bench-"))
    try:
        for run in range(args.runs):
            starts.append(python_start())
            wall, times = build_once(work / f"run-{run}")
            walls.append(wall)
            for name, seconds in times.items():
                stages.setdefault(name, []).append(seconds)
            shutil.rmtree(work / f"run-{run}")
    finally:
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
    print(f"| **whole build (wall)** | **{build:.2f} s** |")
    print(f"\n`python -c 'import ja_llm'`: {start:.2f} s; peak memory of a build process: {peak_mb:.0f} MB.")
    print(
        "Goal (issue 13): the cold build of everything within 2x of the site build before the exports and the "
        "chart (1.31 s wall on this machine, 2026-11-29, measured at commit 838a1c7)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
