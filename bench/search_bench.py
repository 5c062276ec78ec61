"""Benchmarks of `ja-llm search` (run by `make bench`; results go to bench/RESULTS.md).

1. Cold start: a new `ja-llm search` process (warm index cache) against `python -c pass`, measured side
   by side in the same run, as a ratio, on the shipped catalog and on synthetic catalogs of 10k and 100k
   entries (goal: <= 10x at 100k).
2. Query latency and peak memory on the synthetic catalogs (goal: <= 50 ms per query and <= 1 GB at
   100k): the catalog is generated from the shipped entries, its index built once by `ja-llm` (timed),
   then a fresh process opens the index (lazily: search/index.py) and times each query: its first run
   (which reads the columns it needs from the file) and the median of the next runs.

Timings on a shared machine are noisy: medians of repeated runs, and ratios rather than absolute times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JA_LLM = str(BIN / "ja-llm")

QUERIES = {
    "text 'swallow'": {"text": "swallow"},
    "text '東北大'": {"text": "東北大"},
    "--min-params 7b --commercial": {"min_params": "7b", "commercial": "yes"},
    "--kind embedding --min-context 8192": {"section": "embedding", "min_context": "8192"},
    "--developer 'SB Intuitions' --year 2025": {"developer": "SB Intuitions", "year": "2025"},
    "--base-model qwen3 --sort params --desc --limit 20": {
        "base_model": "qwen3",
        "sort": "params",
        "desc": True,
        "limit": 20,
    },
}


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


COLD_COMMANDS = (
    ["search", "sarashina"],
    ["search", "--min-params", "7b", "--commercial", "--limit", "20"],
    ["search", "--base-model", "qwen3", "--sort", "params", "--desc", "--limit", "20"],
    ["search", "--json", "--limit", "20"],
)
SHIPPED_ONLY = (["search", "--min-params", "7b", "--commercial"], ["search", "--json"])


Cold = tuple[str, list[float], list[float]]  # command, `python -c pass`'s times, the command's times


def cold_start(runs: int, env: dict[str, str], catalog: Path | None = None) -> list[Cold]:
    """Each command against `python -c pass`, alternating runs (the same machine load for both)."""
    data = ["--data", str(catalog)] if catalog else []
    subprocess.run([JA_LLM, "search", "--ids", *data], stdout=subprocess.DEVNULL, check=True, env=env)  # warm
    rows = []
    commands = [*COLD_COMMANDS, *(SHIPPED_ONLY if catalog is None else ())]
    for args in commands:
        base, times = [], []
        for _ in range(runs):
            base.append(median_seconds([sys.executable, "-c", "pass"], 1, env))
            times.append(median_seconds([JA_LLM, *args, *data], 1, env))
        rows.append(("ja-llm " + " ".join(args), base, times))
    return rows


def spread(values: list[float], scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    """`median unit (min–max)` of values (times `scale`): how every benchmark here prints a figure."""
    median = statistics.median(values) * scale
    return f"{median:.{digits}f} {unit} ({min(values) * scale:.{digits}f}–{max(values) * scale:.{digits}f})"


def cold_table(rows: list[Cold]) -> list[str]:
    lines = ["| command | `python -c pass` | `ja-llm search` | ratio of medians |", "|---|---:|---:|---:|"]
    for name, base, times in rows:
        ratio = statistics.median(times) / statistics.median(base)
        lines.append(f"| `{name}` | {spread(base, 1000, 'ms', 1)} | {spread(times, 1000, 'ms', 1)} | {ratio:.2f}x |")
    return lines


def synthetic_catalog(target: Path, count: int) -> None:
    """A catalog of `count` entries made by repeating the shipped entries with unique names and repo ids."""
    from ja_llm.catalog.toml import dumps

    source = ROOT / "catalog"
    target.mkdir(parents=True)
    for name in ("catalog.toml", "sections.toml", "organizations.toml", "licenses.toml", "footnotes.toml"):
        shutil.copy(source / name, target / name)
    templates = []
    for path in sorted((source / "models").rglob("*.toml")):
        templates.append((path.relative_to(source).with_suffix(""), tomllib.loads(path.read_text(encoding="utf-8"))))
    for i in range(count):
        rel, data = templates[i % len(templates)]
        copy = dict(data)
        copy["name"] = f"{data['name'] if isinstance(data['name'], str) else data['name'].get('en', 'x')} #{i}"
        copy["position"] = i
        copy["variants"] = [
            {**v, "repo": f"{v['repo']}-s{i}", "aliases": []}
            if v.get("repo")
            else {k: x for k, x in v.items() if k != "aliases"}
            for v in data.get("variants", [])
        ]
        copy["variants"] = [{k: x for k, x in v.items() if x != []} for v in copy["variants"]]
        if not copy["variants"]:
            del copy["variants"]
        out = target / f"{rel}-s{i}.toml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dumps(copy), encoding="utf-8")


LATENCY_PROBE = r"""
import json, resource, statistics, sys, time
from pathlib import Path
from ja_llm.search.index import open_index
from ja_llm.search.query import Query
queries = json.loads(sys.argv[2])
start = time.perf_counter()
index = open_index(Path(sys.argv[1]))
load = time.perf_counter() - start
assert index.cached, "the index should come from the cache"
result = {"load_s": load, "entries": len(index.records), "queries": {}}
for name, spec in queries.items():
    spec = dict(spec)
    text = spec.pop("text", None)
    sort = spec.pop("sort", "catalog"); desc = spec.pop("desc", False); limit = spec.pop("limit", None)
    times = []
    for _ in range(8):
        t = time.perf_counter()
        matches = index.run(Query(text, spec, False, sort, desc, limit))
        times.append(time.perf_counter() - t)
    result["queries"][name] = {
        "first_ms": times[0] * 1000, "median_ms": statistics.median(times[1:]) * 1000, "matches": len(matches),
        "min_ms": min(times[1:]) * 1000, "max_ms": max(times[1:]) * 1000,
    }
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


BUILD_PROBE = r"""
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def synthetic(count: int, env: dict[str, str], keep: bool, runs: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"ja-llm-bench-{count}-"))
    try:
        catalog = folder / "catalog"
        start = time.perf_counter()
        synthetic_catalog(catalog, count)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        build = subprocess.run(
            [sys.executable, "-c", BUILD_PROBE, JA_LLM, "search", "--ids", "--data", str(catalog)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        built = time.perf_counter() - start
        [index_file] = [p for p in Path(env["JA_LLM_CACHE_DIR"]).glob("index-*.columns") if p.stat().st_size > 1 << 24]
        cold = cold_start(runs, env, catalog)
        probe = subprocess.run(
            [sys.executable, "-c", LATENCY_PROBE, str(catalog), json.dumps(QUERIES)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        result = json.loads(probe.stdout)
        result.update(
            generate_s=generated,
            build_index_s=built,
            build_rss_mb=float(build.stdout.strip()),
            index_mb=index_file.stat().st_size / 1e6,
            cold=cold,
        )
        index_file.unlink()
        return result
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as lines:
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    memory = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/meminfo") as lines:
        kb = int(next(line.split()[1] for line in lines if line.startswith("MemTotal")))
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores {cpu}, {memory}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21, help="runs per command for the cold-start medians")
    parser.add_argument("--sizes", default="10000,100000", help="synthetic catalog sizes, comma-separated")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic catalogs")
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="ja-llm-bench-cache-")
    env = {**os.environ, "JA_LLM_CACHE_DIR": cache}
    # measure what a user's machine does: bytecode cached (some sandboxes set PYTHONDONTWRITEBYTECODE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}", ""]
    print("cold start ...", file=sys.stderr)
    lines += [
        f"### Cold start, shipped catalog (medians of {args.runs} alternating runs, warm index cache)",
        "",
        *cold_table(cold_start(args.runs, env)),
        "",
    ]
    for count in [int(n) for n in args.sizes.split(",") if n]:
        print(f"synthetic catalog of {count} entries ...", file=sys.stderr)
        result = synthetic(count, env, args.keep, args.runs)
        lines += [
            f"### Synthetic catalog of {count:,} entries",
            "",
            f"generated in {result['generate_s']:.1f} s; "
            f"index built (load + validate + compile + write) in {result['build_index_s']:.1f} s (one run: "
            "scale_bench.py's first search is the same work, 5 rounds), "
            f"peak memory {result['build_rss_mb']:.0f} MB, index file {result['index_mb']:.0f} MB; "
            f"index opened in {result['load_s'] * 1000:.1f} ms; "
            f"peak memory of the query process {result['peak_rss_mb']:.0f} MB",
            "",
            f"Cold start (medians of {args.runs} alternating runs):",
            "",
            *cold_table(result["cold"]),
            "",
            "| query (in one process) | first run | median (min–max) of the next 7 | matches |",
            "|---|---:|---:|---:|",
        ]
        for name, q in result["queries"].items():
            spread = f"{q['median_ms']:.1f} ms ({q['min_ms']:.1f}–{q['max_ms']:.1f})"
            lines.append(f"| `{name}` | {q['first_ms']:.1f} ms | {spread} | {q['matches']:,} |")
        lines += ["", "Goals: cold `ja-llm search` <= 10x `python -c pass`; <= 50 ms per query; <= 1 GB at 100k.", ""]
    shutil.rmtree(cache, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
