"""Benchmark of `ja-llm build` after a one-entry edit and with nothing changed, this checkout side by side with
a baseline commit (run by `make bench`; results go to bench/RESULTS.md).

Each side gets its own copy of the shipped catalog, build folder and cache folder, and is built cold once.
Then, for each round, in alternating order: the same entry's Japanese training-data text is extended by one
word in that side's copy (vitepress_bench.py's edit), `ja-llm build` runs (the one-entry rebuild), and runs
again (nothing changed). The baseline runs from a git worktree of `--baseline` (default 527a3bf: the code
before the build cache of issue 16) with its `src` first on PYTHONPATH; both sides' code is compiled to
bytecode first (a user's install caches it). Medians with the spread: on these shared machines only figures
measured side by side, many rounds, resolve a change of 10-20%.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import machine, spread
from vitepress_bench import CATALOG, WORD, edit_catalog, pick_edit

REPO = Path(__file__).resolve().parent.parent
BASELINE = "527a3bf"


def build(src: Path, catalog: Path, out: Path, cache: Path) -> float:
    """Wall seconds of `ja-llm build` of `catalog` into `out`, run with the code in `src`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"PYTHONPATH": str(src), "JA_LLM_CACHE_DIR": str(cache)}
    command = [sys.executable, "-c", "from ja_llm.cli import main; main()"]
    command += ["build", "--data", str(catalog), "--out", str(out)]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="rounds (each edits and builds both sides twice)")
    parser.add_argument("--baseline", default=BASELINE, help="commit measured beside this checkout (git)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ja-llm-rebuild-bench-"))
    base = work / "baseline"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), args.baseline], check=True)
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    sides = {"this checkout": REPO / "src", args.baseline: base / "src"}
    times: dict[str, dict[str, list[float]]] = {name: {"edit": [], "none": []} for name in sides}
    edited = ""
    try:
        for name, src in sides.items():
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, capture_output=True)
            shutil.copytree(CATALOG, work / name / "catalog")
            build(src, work / name / "catalog", work / name / "out", work / name / "cache")
        for run in range(args.runs):
            order = list(sides.items()) if run % 2 == 0 else list(sides.items())[::-1]
            for name, src in order:
                catalog = work / name / "catalog"
                path, text = pick_edit(catalog, "")
                edit_catalog(path, text, f"{WORD}{run}")
                edited = f"{path.relative_to(catalog)}: training_data.ja + ' {WORD}N'"
                times[name]["edit"].append(build(src, catalog, work / name / "out", work / name / "cache"))
                times[name]["none"].append(build(src, catalog, work / name / "out", work / name / "cache"))
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    print(f"\n## {now} — {machine()}\n")
    print(
        f"### `ja-llm build` after a one-entry edit and with no change: {head} against {args.baseline} "
        f"(median (min–max) of {args.runs} interleaved rounds; load average {load:.1f} after)\n"
    )
    print(f"| measurement | this checkout ({head}) | {args.baseline} | this / {args.baseline} |")
    print("|---|---:|---:|---:|")
    for key, label in (("edit", "rebuild after a one-entry edit"), ("none", "build with no change")):
        mine, theirs = times["this checkout"][key], times[args.baseline][key]
        ratio = statistics.median(mine) / statistics.median(theirs)
        print(f"| {label} | {spread(mine)} | {spread(theirs)} | {ratio:.2f} |")
    print(f"\nEdited entry (each side its own copy of the shipped catalog): {edited}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
