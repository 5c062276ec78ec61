"""Benchmark of `ja-llm build` and `ja-llm search` on synthetic catalogs of 1k, 10k and 100k entries (run by
`make bench`; results go to bench/RESULTS.md).

The catalogs come from bench/search_bench.py's generator (the shipped entries repeated with unique names and
repo ids: real Japanese and English texts). For each size, `--builds` rounds (5; each figure below is their
median with the spread, memory the highest of them) of:

- a cold `ja-llm build --data CAT --out FRESH` (site and lists, a fresh output folder and a fresh cache folder):
  wall time, peak RSS of its largest process (ru_maxrss) and of its whole process tree (sampled: RSS summed,
  which counts the pages the two build processes share twice, and PSS summed), measured by a fresh wrapper
  process (bench/vitepress_bench.py's);
- the file system's share of that build: its output's files and folders counted (the same every round), and
  made again by `cp -r --attributes-only` into a fresh folder (every folder and every file, empty: the metadata
  work that no build writing this output can avoid, done by a C program; the site has a folder per page, its
  permalinks being `/<id>/`);
- the first `ja-llm search --data CAT swallow --limit 20` (it builds the index cache in the round's folder);

then, once:

- the index page's weight: bytes of OUT/site/index.html and of the data files it loads (OUT/site/data/*.json and,
  where the build splits the entries into shards, OUT/site/data/*/*.json, which the page also fetches as it loads);
- the same search, `--runs` more times (warm cache: the last round's) alternating with `python -c pass`, as a
  ratio of medians (the goal's measure: start, staleness check, index, query, the first 20 matches printed);
  beside it the same search printing every match (10% of the catalog: the table printer's time grows with the
  matches);
- query latency in one process with the index loaded (search_bench's probe and queries: medians per query).

Goals: 100k build <= 60 s and within 12x of 10k; `ja-llm search` <= 10x `python -c pass`; <= 50 ms per query;
<= 1 GB of memory.
"""

from __future__ import annotations

import argparse
import json
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
from search_bench import LATENCY_PROBE, QUERIES, machine, spread, synthetic_catalog
from vitepress_bench import measure, tree_size

JA_LLM = str(Path(sys.executable).parent / "ja-llm")
GB_KB = 1024 * 1024


def one_size(count: int, runs: int, builds: int, timeout: float, memory_mb: int, env: dict[str, str]) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"ja-llm-scale-bench-{count}-"))
    try:
        catalog = work / "catalog"
        started = time.perf_counter()
        synthetic_catalog(catalog, count)
        generated = time.perf_counter() - started
        print(f"  {count:,} entries generated in {generated:.1f} s", file=sys.stderr)
        every = [JA_LLM, "search", "--data", str(catalog), "swallow"]
        search = [*every, "--limit", "20"]
        built, empty, firsts = [], [], []
        size: tuple[int, int] | None = None
        weight: dict[str, int] = {}
        for run in range(builds):
            # each round from nothing: a fresh output folder and a fresh cache folder (the first search builds it)
            out, cache = work / f"out-{run}", work / f"cache-{run}"
            env_run = {**env, "JA_LLM_CACHE_DIR": str(cache)}
            print(f"  cold build {run + 1}/{builds} ...", file=sys.stderr)
            command = [JA_LLM, "build", "--data", str(catalog), "--out", str(out)]
            build = measure(command, env=env_run, timeout=timeout, passthrough=True, memory_mb=memory_mb)
            built.append(build)
            if build["timed_out"]:
                print(f"  build stopped after {build['wall']:.0f} s ({build['stopped']})", file=sys.stderr)
                return {"generate_s": generated, "builds": built, "timed_out": True}
            print(f"  built in {build['wall']:.1f} s; its files and folders alone ...", file=sys.stderr)
            counted = tree_size(out)
            if size is not None and counted != size:
                raise SystemExit(f"{count:,} entries: the builds wrote {size} and then {counted} files and folders")
            size = counted
            skeleton = measure(["cp", "-r", "--attributes-only", str(out), str(work / "skeleton")], timeout=timeout)
            shutil.rmtree(work / "skeleton", ignore_errors=True)
            empty.append(skeleton["wall"])
            print(f"  made empty in {skeleton['wall']:.1f} s; the first search ...", file=sys.stderr)
            site = out / "site"
            weight = {"index.html": (site / "index.html").stat().st_size}
            for path in sorted((site / "data").rglob("*.json")):
                weight[path.relative_to(site).as_posix()] = path.stat().st_size
            firsts.append(measure(search, env=env_run, timeout=timeout))
            shutil.rmtree(out, ignore_errors=True)
            if run + 1 < builds:
                shutil.rmtree(cache, ignore_errors=True)
        assert size is not None
        env = {**env, "JA_LLM_CACHE_DIR": str(work / f"cache-{builds - 1}")}  # the last round's: warm
        print("  searches with a warm cache ...", file=sys.stderr)
        searches, pythons, everything = [], [], []
        for _ in range(runs):
            pythons.append(measure([sys.executable, "-c", "pass"], env=env))
            searches.append(measure(search, env=env, timeout=timeout))
            everything.append(measure(every, env=env, timeout=timeout))
        probe = subprocess.run(
            [sys.executable, "-c", LATENCY_PROBE, str(catalog), json.dumps(QUERIES)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            timeout=timeout,
        )
        return {
            "timed_out": False,
            "generate_s": generated,
            "builds": built,
            "output": {"files": size[0], "folders": size[1], "empty_s": empty},
            "weight": weight,
            "first_s": [r["wall"] for r in firsts],
            "search_s": [r["wall"] for r in searches],
            "every_s": [r["wall"] for r in everything],
            "search_kb": max(r["maxrss_kb"] for r in [*firsts, *searches, *everything]),
            "python_s": [r["wall"] for r in pythons],
            "probe": json.loads(probe.stdout),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_wall(r: dict) -> float:
    """The cold build's median wall time (of the builds that ran: one that was stopped counts as its time)."""
    return statistics.median(b["wall"] for b in r["builds"])


def peaks(r: dict) -> tuple[float, float, float]:
    """The largest process's, the tree's RSS and the tree's PSS peaks of the builds, the highest of each (kB)."""
    builds = r["builds"]
    return (
        max(b["maxrss_kb"] for b in builds),
        max(b["tree_kb"] for b in builds),
        max(b.get("pss_kb", 0) for b in builds),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="catalog sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=11, help="new `ja-llm search` processes per size (warm cache)")
    parser.add_argument(
        "--builds",
        type=int,
        default=5,
        help="cold builds per size, each followed by the first search (which builds the cache) and the copy of its "
        "output's files and folders",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds allowed to each command (a build is then stopped)"
    )
    parser.add_argument(
        "--max-memory-mb",
        type=int,
        default=6144,
        help="a build whose process tree holds more is stopped (this is a shared machine; 0: no limit)",
    )
    args = parser.parse_args()
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as on a user's machine
    sizes = [int(n) for n in args.sizes.split(",") if n]
    load_before = os.getloadavg()
    results = {}
    for count in sizes:
        print(f"{count:,} entries ...", file=sys.stderr)
        results[count] = one_size(count, args.runs, args.builds, args.timeout, args.max_memory_mb, env)
    load_after = os.getloadavg()

    print(f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}\n")
    print(
        f"### `ja-llm build` and `ja-llm search` at scale (synthetic catalogs; median (min–max) of {args.builds} cold "
        f"builds and first searches, {args.runs} warm searches; memory: the highest of the builds; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after)\n"
    )
    print(
        "| entries | cold build (site + lists) | build peak: largest process RSS / tree RSS / tree PSS | index.html | "
        "`data/**/*.json` | first search (builds the cache) | search, warm cache (first 20) | `python -c pass` | "
        "ratio | search printing every match | query latency (median per query, slowest) | query process RSS |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    done = {count: r for count, r in results.items() if not r["timed_out"]}
    for count, r in results.items():
        largest, tree, pss = peaks(r)
        peak = f"{largest / 1024:.0f} / {tree / 1024:.0f} / {pss / 1024:.0f} MB"
        if r["timed_out"]:
            stopped = r["builds"][-1]
            print(f"| {count:,} | > {stopped['wall']:.0f} s (stopped: {stopped['stopped']}) | ≥ {peak} |" + " — |" * 9)
            continue
        data = sum(v for k, v in r["weight"].items() if k.startswith("data/"))
        search = statistics.median(r["search_s"])
        python = statistics.median(r["python_s"])
        slowest = max(q["median_ms"] for q in r["probe"]["queries"].values())
        print(
            f"| {count:,} | {spread([b['wall'] for b in r['builds']], digits=1)} | {peak} | "
            f"{r['weight']['index.html'] / 1024:,.0f} KiB | {data / 1024:,.0f} KiB | "
            f"{spread(r['first_s'], 1000, 'ms', 0)} | {search * 1000:.0f} ms "
            f"({min(r['search_s']) * 1000:.0f}–{max(r['search_s']) * 1000:.0f}) | {python * 1000:.0f} ms | "
            f"{search / python:.1f}x | {statistics.median(r['every_s']) * 1000:.0f} ms | {slowest:.1f} ms | "
            f"{r['probe']['peak_rss_mb']:.0f} MB |"
        )
    print()
    for count, r in results.items():
        if r["timed_out"]:
            print(
                f"- {count:,}: generated in {r['generate_s']:.1f} s; the build was stopped "
                f"({r['builds'][-1]['stopped']}; see --timeout and --max-memory-mb)."
            )
            continue
        groups: dict[str, list[int]] = {}
        for name, size in r["weight"].items():
            groups.setdefault(name if name.count("/") < 2 else name.rsplit("/", 1)[0] + "/*.json", []).append(size)
        files = ", ".join(
            f"{name} {sum(sizes):,} B" + (f" ({len(sizes)} files)" if len(sizes) > 1 else "")
            for name, sizes in groups.items()
        )
        queries = ", ".join(
            f"`{name}` {q['median_ms']:.1f} ms" + (f" (first run {q['first_ms']:.1f} ms)" if "first_ms" in q else "")
            for name, q in r["probe"]["queries"].items()
        )
        output = r["output"]
        print(
            f"- {count:,}: generated in {r['generate_s']:.1f} s; the build wrote {output['files']:,} files in "
            f"{output['folders']:,} folders, which `cp -r --attributes-only` makes (empty) in "
            f"{spread(output['empty_s'], digits=1)}; {files}; queries: {queries}."
        )
    print("\n| goal | measured | |\n|---|---:|---|")

    def verdict(ok: bool) -> str:
        return "met" if ok else "not met"

    if 100000 in results:
        big = results[100000]
        wall = build_wall(big)
        more = "> " if big["timed_out"] else ""
        alone = (
            ""
            if big["timed_out"]
            else f" (its files and folders alone, empty: {statistics.median(big['output']['empty_s']):.1f} s)"
        )
        print(f"| 100k build ≤ 60 s | {more}{wall:.1f} s{alone} | {verdict(wall <= 60 and not big['timed_out'])} |")
        if 10000 in done:
            ratio = wall / build_wall(results[10000])
            print(f"| 100k build within 12x of 10k | {more}{ratio:.1f}x | {verdict(ratio <= 12 and not more)} |")
        if big["timed_out"]:
            tree = peaks(big)[1]
            print(
                f"| 100k: RSS ≤ 1 GB (build tree, until stopped) | ≥ {tree / 1024:.0f} MB | "
                f"{'not met' if tree > GB_KB else 'not known'} |"
            )
    else:
        print("| 100k build ≤ 60 s and within 12x of 10k | not measured (100k not in --sizes) | — |")
    for count, r in done.items():
        ratio = statistics.median(r["search_s"]) / statistics.median(r["python_s"])
        slowest = max(q["median_ms"] for q in r["probe"]["queries"].values())
        largest, tree, pss = peaks(r)
        build_kb = max(pss or tree, largest)
        peak_kb = max(build_kb, r["search_kb"], r["probe"]["peak_rss_mb"] * 1024)
        print(f"| {count:,}: search ≤ 10x `python -c pass` | {ratio:.1f}x | {verdict(ratio <= 10)} |")
        print(f"| {count:,}: query ≤ 50 ms (slowest query) | {slowest:.1f} ms | {verdict(slowest <= 50)} |")
        print(
            f"| {count:,}: RSS ≤ 1 GB (build: tree PSS or largest process; search; query) | {peak_kb / 1024:.0f} MB | "
            f"{verdict(peak_kb <= GB_KB)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
