"""Benchmark of `ja-llm build` side by side with upstream's VitePress build of the same list (run by `make bench`;
results go to bench/RESULTS.md).

The VitePress site is upstream's own definition (bench/vitepress/: config, theme, llms.txt hook, package.json;
Apache-2.0, see bench/vitepress/README.md), built on the list content of tests/data/sources/2026-08-22/
(README.md, en/, fr/, parts/) assembled into a temporary folder; VitePress itself comes from npm into
bench/vitepress/node_modules (`make bench` installs it). Nothing under /work/shared is read.

In one run, interleaved (the order of the two tools alternates from round to round), `--runs` rounds of:

- full cold build: `ja-llm build --data COPY --out FRESH` (a fresh copy of the shipped catalog, a fresh output
  folder and a fresh cache folder) against `vitepress build` of a fresh content folder (no .vitepress/cache,
  no dist);
- rebuild after a one-entry edit: a word appended to the Japanese training-data text of one entry (in the
  catalog copy for ja-llm, in the same entry's row of the README for VitePress), then a build into the same
  output folder;
- build with nothing changed: the same command once more;
- rebuild after a one-entry edit in a running `ja-llm serve` (which keeps the site current while it serves):
  serve started on that output folder (current: it builds nothing) and, once it says it watches the catalog,
  WATCH_EDITS edits of the same text, each timed from the file's write to serve's line that says the site was
  updated (what someone editing the catalog waits for; the poll's delay included: the edits are a random
  0.5–1 s apart, as a person's are, because edits a fixed time after an update fall at the same point of the
  poll's cycle every time); VitePress's side of this
  row is its rebuild above (`vitepress build`, as in the row before);
- `ja-llm --version` (the CLI's start-up) and `python -c pass`;
- the file system's share: `cp -r` of the cold build's output into a fresh folder (the same folders and files,
  written by a C program that does nothing else): no build that writes this output can be faster on this host,
  whatever its language. Each output's count of files and folders is reported beside it (ja-llm writes a folder
  per page: its permalinks are `/<id>/`; VitePress a file per page and its scripts).

Each command runs under a fresh wrapper process that reports its wall time, the peak RSS of the largest single
process of the command's tree (getrusage RUSAGE_CHILDREN of the wrapper: ru_maxrss is a maximum over
processes, not a sum), the peak of the summed RSS of the whole tree and the peak of its summed PSS (both
sampled from /proc, RSS every 10 ms and PSS every 50 ms). The RSS sum counts a page shared by two processes
twice: ja-llm's build forks a second process that shares the loaded catalog copy-on-write, so PSS (each
shared page split between its sharers, /proc/<pid>/smaps_rollup) is the memory the tree really occupies;
all three are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import machine, spread, synthetic_catalog

REPO = Path(__file__).resolve().parent.parent
SITE_DEF = REPO / "bench" / "vitepress"
VITEPRESS = SITE_DEF / "node_modules" / "vitepress" / "bin" / "vitepress.js"
SOURCES = REPO / "tests" / "data" / "sources" / "2026-08-22"
CATALOG = REPO / "catalog"
JA_LLM = str(Path(sys.executable).parent / "ja-llm")
WORD = "追記"
# upstream's README shows figures/contributors.svg, which the test copy of the list does not hold: a 1-pixel
# stand-in keeps the build from failing on a missing import (it is one small asset either way)
PLACEHOLDER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'

WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
PAGE = os.sysconf("SC_PAGE_SIZE")
def tree(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids
def statm(p):  # resident pages
    with open(f"/proc/{p}/statm") as f:
        return int(f.read().split()[1]) * PAGE
def smaps(p):  # proportional set size: each shared page split between its sharers
    with open(f"/proc/{p}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0
def summed(pids, read):
    total = 0
    for p in pids:
        try:
            total += read(p)
        except (OSError, IndexError, ValueError):
            pass
    return total
limit, memory, passthrough, command = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
start = time.perf_counter()
child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=None if passthrough else subprocess.PIPE,
                         start_new_session=True)
peak = [0, 0]
stopped = []
def sample():
    n = 0
    while child.poll() is None:
        pids = tree(child.pid)
        peak[0] = max(peak[0], summed(pids, statm))
        if n % 5 == 0:  # every 50 ms: the kernel walks a process's page tables for smaps_rollup (costly at GBs)
            peak[1] = max(peak[1], summed(pids, smaps))
        n += 1
        if memory and peak[0] > memory * 1024 and not stopped:
            stopped.append("memory")
            os.killpg(child.pid, 9)
        time.sleep(0.01)
threading.Thread(target=sample, daemon=True).start()
try:
    _, err = child.communicate(timeout=limit if limit > 0 else None)
except subprocess.TimeoutExpired:
    stopped.append("time")
    os.killpg(child.pid, 9)
    _, err = child.communicate()
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "tree_kb": peak[0] // 1024, "pss_kb": peak[1] // 1024, "code": child.returncode,
                  "timed_out": bool(stopped),
                  "stopped": ", ".join(stopped),
                  "stderr": (err or b"").decode("utf-8", "replace")[-2000:]}))
"""


def measure(
    command: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 0,
    passthrough: bool = False,
    memory_mb: int = 0,
) -> dict:
    """Runs `command` under a fresh wrapper process: wall time, ru_maxrss of its tree, summed tree RSS. After
    `timeout` seconds, or once the tree holds more than `memory_mb` (0: no limit), the wrapper kills the
    command's whole process group and reports `timed_out` and why in `stopped` (with what it measured until
    then). `passthrough`: the command's stderr (its progress) goes to ours."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(timeout), str(memory_mb * 1024), "1" if passthrough else "0", *command],
        stdout=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
        check=True,
    )
    result = json.loads(done.stdout)
    if result["code"] != 0 and not result["timed_out"]:
        raise SystemExit(f"{' '.join(command)} failed ({result['code']}):\n{result['stderr']}")
    return result


WATCH_EDITS = 3


def watch_rebuilds(catalog: Path, out: Path, env: dict[str, str], path: Path, text: str, edits: int) -> list[float]:
    """`ja-llm serve` on the built folder; `edits` edits of `text` (the entry's training data as it is now in
    `path`), each timed from the write to serve's "updated the last build" line (see the module docstring)."""
    process = subprocess.Popen(
        [JA_LLM, "serve", "--data", str(catalog), "--out", str(out), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in process.stderr:  # type: ignore[union-attr]
            lines.append((time.perf_counter(), line))

    def seen(words: str, start: int, limit: float = 300) -> float:
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            for when, line in lines[start:]:
                if words in line:
                    return when
            if process.poll() is not None:
                break
            time.sleep(0.005)
        raise SystemExit(f"ja-llm serve did not say {words!r}:\n" + "".join(line for _, line in lines))

    threading.Thread(target=read, daemon=True).start()
    try:
        seen("watching the catalog", 0)
        times = []
        pauses = random.Random(16)  # the same pauses in every round
        for n in range(edits):
            time.sleep(pauses.uniform(0.5, 1.0))
            start = len(lines)
            written = time.perf_counter()
            edit_catalog(path, text, f"w{n}")
            text = f"{text} w{n}"
            times.append(seen("updated the last build", start) - written)
        return times
    finally:
        process.terminate()
        process.wait(timeout=60)


def pick_edit(catalog: Path, readme: str) -> tuple[Path, str]:
    """An entry whose Japanese training-data text is in exactly one line of the README (the same entry's row),
    or, failing that (a catalog other than the shipped one), any entry with a training-data text."""
    fallback = None
    for path in sorted((catalog / "models").rglob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        training = data.get("training_data")
        text = training.get("ja") if isinstance(training, dict) else training
        if not isinstance(text, str) or len(text) < 12 or f'"{text}"' not in path.read_text(encoding="utf-8"):
            continue
        fallback = fallback or (path, text)
        if sum(text in line for line in readme.splitlines()) == 1:
            return path, text
    if fallback is None:
        raise SystemExit(f"no entry with a training-data text to edit in {catalog}")
    return fallback


def edit_catalog(path: Path, text: str, word: str) -> None:
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace(f'"{text}"', f'"{text} {word}"', 1), encoding="utf-8")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    training = data["training_data"]
    assert (training["ja"] if isinstance(training, dict) else training).endswith(word), path


def edit_readme(readme: Path, text: str, word: str) -> None:
    """Appends `word` to `text` in the row holding it, or, if no row holds it, to the first cell of the first
    table row (so that one row of the page changes in either case)."""
    lines = readme.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if text in line:
            lines[i] = line.replace(text, f"{text} {word}", 1)
            break
    else:
        i = next(i for i, line in enumerate(lines) if re.match(r"^\| [^:-]", line) and i > 0 and "|:" in lines[i - 1])
        lines[i] = lines[i].replace(" |", f" {word} |", 1)
    readme.write_text("\n".join(lines), encoding="utf-8")


def vitepress_content(target: Path, smoke: bool) -> None:
    """Upstream's layout: the list at the root, the site definition in .vitepress/, node_modules beside."""
    target.mkdir(parents=True)
    for name in ("README.md", "en", "fr", "parts"):
        source = SOURCES / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    if smoke:  # the first 80 lines of each list: a handful of table rows (VitePress's bundling stays)
        for readme in ("README.md", "en/README.md", "fr/README.md"):
            lines = (target / readme).read_text(encoding="utf-8").split("\n")[:80]
            (target / readme).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (target / "figures").mkdir()
    (target / "figures" / "contributors.svg").write_text(PLACEHOLDER_SVG, encoding="utf-8")
    definition = target / ".vitepress"
    definition.mkdir()
    for name in ("config.mts", "llms.ts"):
        shutil.copy(SITE_DEF / name, definition / name)
    shutil.copytree(SITE_DEF / "theme", definition / "theme")
    shutil.copy(SITE_DEF / "package.json", target / "package.json")
    (target / "node_modules").symlink_to(SITE_DEF / "node_modules")


def tree_size(folder: Path) -> tuple[int, int]:
    """The files and the folders under `folder` (itself not counted)."""
    files = folders = 0
    for _, dirs, names in os.walk(folder):
        folders += len(dirs)
        files += len(names)
    return files, folders


def node_version() -> str:
    done = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def vitepress_version() -> str:
    return json.loads((SITE_DEF / "node_modules" / "vitepress" / "package.json").read_text())["version"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="rounds (each runs every measurement of both tools)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one round on tiny inputs (30 synthetic entries; the first 80 lines of each list): checks, not figures",
    )
    args = parser.parse_args()
    runs = 1 if args.smoke else args.runs
    have_vitepress = VITEPRESS.is_file() and shutil.which("node") is not None
    work = Path(tempfile.mkdtemp(prefix="ja-llm-vitepress-bench-"))
    catalog_source = CATALOG
    if args.smoke:  # 30 entries made from the shipped ones (search_bench's generator)
        catalog_source = work / "smoke-catalog"
        synthetic_catalog(catalog_source, 30)
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    readme_text = (SOURCES / "README.md").read_text(encoding="utf-8")
    ja: dict[str, list[dict]] = {
        "cold": [],
        "edit": [],
        "same": [],
        "watch": [],
        "version": [],
        "python": [],
        "copy": [],
    }
    written: dict[str, tuple[int, int]] = {}  # tool -> (files, folders) of its cold build's output
    vp: dict[str, list[dict]] = {"cold": [], "edit": [], "same": []}
    edited = ""
    load_before = os.getloadavg()
    # the text the VitePress round edits: the same entry's training data as the ja-llm round's
    edit_text = pick_edit(catalog_source, readme_text)[1]
    try:
        for run in range(runs):
            word = f"{WORD}{run}"

            def ja_llm_round(run: int = run, word: str = word) -> str:
                catalog = work / f"catalog-{run}"
                shutil.copytree(catalog_source, catalog)
                out = work / f"out-{run}"
                round_env = {**env, "JA_LLM_CACHE_DIR": str(work / f"cache-{run}")}
                build = [JA_LLM, "build", "--data", str(catalog), "--out", str(out)]
                ja["cold"].append(measure(build, env=round_env))
                written["ja-llm"] = tree_size(out)
                ja["copy"].append(measure(["cp", "-r", str(out), str(work / f"copy-{run}")]))
                shutil.rmtree(work / f"copy-{run}")
                path, text = pick_edit(catalog, readme_text)
                edit_catalog(path, text, word)
                ja["edit"].append(measure(build, env=round_env))
                ja["same"].append(measure(build, env=round_env))
                for seconds in watch_rebuilds(catalog, out, round_env, path, f"{text} {word}", WATCH_EDITS):
                    ja["watch"].append({"wall": seconds})
                ja["version"].append(measure([JA_LLM, "--version"], env=round_env))
                ja["python"].append(measure([sys.executable, "-c", "pass"], env=round_env))
                shutil.rmtree(catalog)
                shutil.rmtree(out)
                return f"{path.relative_to(catalog)}: training_data.ja {text!r} + {word!r}"

            def vitepress_round(run: int = run, word: str = word) -> None:
                content = work / f"vitepress-{run}"
                vitepress_content(content, args.smoke)
                shutil.rmtree(content / ".vitepress" / "cache", ignore_errors=True)
                shutil.rmtree(content / ".vitepress" / "dist", ignore_errors=True)
                build = ["node", str(VITEPRESS), "build", str(content)]
                vp["cold"].append(measure(build, cwd=content))
                written["vitepress"] = tree_size(content / ".vitepress" / "dist")
                edit_readme(content / "README.md", edit_text, word)
                vp["edit"].append(measure(build, cwd=content))
                vp["same"].append(measure(build, cwd=content))
                shutil.rmtree(content)

            order = [("ja-llm", ja_llm_round), ("vitepress", vitepress_round)]
            if run % 2:
                order.reverse()
            for name, step in order:
                if name == "vitepress" and not have_vitepress:
                    continue
                print(f"round {run + 1}/{runs}: {name} ...", file=sys.stderr)
                result = step()
                if name == "ja-llm":
                    edited = str(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(rows: list[dict], key: str = "wall") -> float:
        return statistics.median(r[key] for r in rows)

    def walls(rows: list[dict]) -> list[float]:
        return [r["wall"] for r in rows]

    def peaks(rows: list[dict], key: str) -> str:
        values = [r[key] / 1024 for r in rows]
        return f"{statistics.median(values):.0f} MB (max {max(values):.0f})"

    every_ja = ja["cold"] + ja["edit"] + ja["same"]
    every_vp = vp["cold"] + vp["edit"] + vp["same"]
    print(f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}\n")
    title = "smoke run on tiny inputs, not figures" if args.smoke else f"median (min–max) of {runs} interleaved rounds"
    load = f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(f"### `ja-llm build` against upstream's VitePress build of the same list ({title}; {load})\n")
    versions = f"VitePress {vitepress_version()} on Node {node_version()}" if have_vitepress else "VitePress"
    print(f"| measurement | `ja-llm build` | {versions} | ratio |")
    print("|---|---:|---:|---:|")
    rows = [
        ("full cold build", "cold"),
        ("rebuild after a one-entry edit", "edit"),
        ("build with no change", "same"),
        (f"one-entry rebuild in a running `ja-llm serve` (edit → site updated; {WATCH_EDITS} a round)", "watch"),
    ]
    ratios: dict[str, float] = {}
    for label, key in rows:
        if have_vitepress:
            theirs = "edit" if key == "watch" else key  # VitePress's rebuild, against both of ours
            ratios[key] = med(vp[theirs]) / med(ja[key])
            right, ratio = spread(walls(vp[theirs])), f"{ratios[key]:.1f}x faster"
        else:
            right, ratio = "skipped (not installed)", "—"
        if key == "watch" and have_vitepress:
            right = "its rebuild, above"
        print(f"| {label} | {spread(walls(ja[key]))} | {right} | {ratio} |")
    files, folders = written["ja-llm"]
    copy_row = f"| the file system's share: `cp -r` of ja-llm's output ({files:,} files, {folders:,} folders) | "
    if have_vitepress:
        theirs_files, theirs_folders = written["vitepress"]
        copy_ratio = med(vp["cold"]) / med(ja["copy"])
        copy_row += (
            f"{spread(walls(ja['copy']))} | VitePress's output: {theirs_files:,} files, {theirs_folders:,} folders | "
            f"{copy_ratio:.1f}x (the most a cold build writing ja-llm's output can reach here) |"
        )
    else:
        copy_row += f"{spread(walls(ja['copy']))} | | |"
    print(copy_row)
    print(f"| `ja-llm --version` (CLI start-up) | {spread(walls(ja['version']), 1000, 'ms', 0)} | | |")
    print(f"| `python -c pass` | {spread(walls(ja['python']), 1000, 'ms', 0)} | | |")
    print(
        f"| peak RSS, largest process (ru_maxrss), all builds | {peaks(every_ja, 'maxrss_kb')} | "
        + (f"{peaks(every_vp, 'maxrss_kb')} |" if have_vitepress else "skipped |")
        + " |"
    )
    print(
        f"| peak RSS, whole process tree (sampled), all builds | {peaks(every_ja, 'tree_kb')} | "
        + (f"{peaks(every_vp, 'tree_kb')} |" if have_vitepress else "skipped |")
        + " |"
    )
    print(
        f"| peak PSS, whole process tree (sampled; shared pages once), all builds | {peaks(every_ja, 'pss_kb')} | "
        + (f"{peaks(every_vp, 'pss_kb')} |" if have_vitepress else "skipped |")
        + " |"
    )
    print(f"\nEdited entry (ja-llm: the catalog copy; VitePress: the same text in the README's row): {edited}.\n")
    print("| goal | measured | |")
    print("|---|---:|---|")
    if have_vitepress:
        for label, key, goal in (
            ("cold full build", "cold", 5),
            ("one-entry rebuild", "edit", 20),
            ("one-entry rebuild in a running `ja-llm serve`", "watch", 20),
        ):
            print(
                f"| {label} ≥ {goal}x faster than VitePress | {ratios[key]:.1f}x | "
                f"{'met' if ratios[key] >= goal else 'not met'} |"
            )
    start_ratio = med(ja["same"]) / med(ja["version"])
    print(
        f"| no-change build ≤ 2x `ja-llm --version` | {start_ratio:.1f}x | {'met' if start_ratio <= 2 else 'not met'} |"
    )
    if have_vitepress:
        for label, key in (
            ("largest process", "maxrss_kb"),
            ("whole tree, RSS summed", "tree_kb"),
            ("whole tree, PSS summed", "pss_kb"),
        ):
            mine = max(r[key] for r in every_ja)
            theirs = max(r[key] for r in every_vp)
            share = mine / theirs
            print(
                f"| peak memory ≤ ¼ of VitePress's ({label}, max over builds) | {share:.2f} "
                f"({mine / 1024:.0f} / {theirs / 1024:.0f} MB) | {'met' if share <= 0.25 else 'not met'} |"
            )
    else:
        print(
            "\nVitePress is not installed (bench/vitepress/node_modules; `make bench` installs it): its side skipped."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
