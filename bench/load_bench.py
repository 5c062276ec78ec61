"""Benchmark: loading and validating the shipped catalog (`Catalog.load()`), each run in a fresh process so
that no parse cache of an earlier run helps. Prints a Markdown table row with the median and spread.

    python bench/load_bench.py [--runs 7] [--src PATH]   # --src: the src/ folder of another checkout
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

PROBE = """
import time
t = time.perf_counter()
from ja_llm import Catalog
c = Catalog.load()
print(time.perf_counter() - t, len(c.entries))
"""


def run(src: Path | None, runs: int) -> list[float]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's machine caches bytecode
    if src is not None:
        env["PYTHONPATH"] = str(src)
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
        times.append(float(out.stdout.split()[0]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--src", type=Path, default=None, help="src/ folder of another checkout to compare")
    args = parser.parse_args()
    times = run(args.src, args.runs)
    label = str(args.src) if args.src else "this checkout"
    print(
        f"| Catalog.load() ({label}) | {statistics.median(times) * 1000:.0f} ms | "
        f"{min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms | {args.runs} runs |"
    )


if __name__ == "__main__":
    main()
