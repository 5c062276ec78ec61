"""Benchmark: the catalog's own text scanners and the importer are linear in their input (run by `make bench`;
the results go to bench/RESULTS.md).

For each pathological pattern (unclosed brackets, footnote-reference starts, backticks, pipes, `<`, `*`,
nested links) a text of SIZE bytes and one of 4 × SIZE bytes are scanned (model.inline's scanners and
importer.cells.hf_repo), and a README of table rows full of the pattern is imported, side by side in one
process. A linear scan takes about 4x as long for 4x the bytes, a quadratic one about 16x: the table reports
that ratio, and each pattern's cost per byte against a normal import of the 2026 list (markdown-it's inline
parsing costs up to ~5x more per byte on `[` and `[^` runs than on real rows, linearly).

This replaces a timed unit test (tests/test_linear_scanners.py now only checks that 1 MB of each pattern is
handled correctly within the suite's per-test timeout): speed goals live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ja_llm.importer import cells as C  # noqa: E402
from ja_llm.importer import import_list  # noqa: E402
from ja_llm.model.inline import footnote_refs, scan_links, split_top_level, strip_trailing_footnotes  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import machine, spread  # noqa: E402

README_2026 = ROOT / "tests" / "data" / "sources" / "2026-08-22" / "README.md"
PATTERNS = ["[", "](", "[a](", "[^", "`", "\\|", "|", "<", "*", "**", "[[[a](b)", "(", "[x](", "\\", " "]
IMPORT_PATTERNS = ["[", "[a](", "[^", "*", "<", "`", "**", "[[[a](b)"]
HEAD = "# T\n\n## 汎用\n\n| モデル | 学習テキスト | 開発元 | ライセンス |\n|:---|:---|:---|:---|\n"


def scan_everything(text: str) -> None:
    scan_links(text)
    footnote_refs(text)
    strip_trailing_footnotes(text + " [^1]")
    split_top_level(text, ",")
    C.hf_repo(text)


def label(pattern: str) -> str:
    """The pattern as Markdown table code: backticks need a longer fence, pipes an escape."""
    fence = "``" if "`" in pattern else "`"
    return f"{fence} {pattern.replace('|', chr(92) + '|')} {fence}"


def seconds(work: Callable[[], object], runs: int) -> list[float]:
    """The wall times of `runs` runs of `work`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def document(pattern: str, size: int, folder: Path) -> Path:
    cell = pattern * (2000 // len(pattern))
    rows = "".join(f"| [A{i}](https://a.example/{i}) | {cell} | Lab | MIT |\n" for i in range(max(1, size // 2040)))
    source = folder / f"{len(list(folder.iterdir()))}.md"
    source.write_text(HEAD + rows, encoding="utf-8")
    return source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=250_000, help="bytes of the smaller text (the larger: 4x)")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of each measurement (the median is reported, with the spread)"
    )
    args = parser.parse_args()
    small, large = args.size, 4 * args.size

    with tempfile.TemporaryDirectory(prefix="ja-llm-linear-") as name:
        folder = Path(name)
        normals = seconds(lambda: import_list(README_2026, {}, folder / f"normal-{time.monotonic_ns()}"), args.runs)
        normal = statistics.median(normals)
        per_byte = normal / README_2026.stat().st_size
        lines = [
            f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {machine()}",
            "",
            f"### Linear scanners and importer ({small:,} and {large:,} bytes per pattern, median (min–max) of "
            f"{args.runs} runs)",
            "",
            f"A normal import of the 2026 list: {spread(normals, 1000, 'ms', 0)}, {per_byte * 1e9:.0f} ns per byte.",
            "",
            "| what | pattern | 4x the bytes | ratio to 1x (linear 4, quadratic 16) | ns per byte | x normal import |",
            "|---|---|---:|---:|---:|---:|",
        ]
        worst = 0.0
        for pattern in PATTERNS:
            ones = seconds(lambda p=pattern: scan_everything(p * (small // len(p))), args.runs)
            fours = seconds(lambda p=pattern: scan_everything(p * (large // len(p))), args.runs)
            one, four = statistics.median(ones), statistics.median(fours)
            ratio = four / one if one else float("inf")
            worst = max(worst, ratio)
            lines.append(
                f"| scan | {label(pattern)} | {spread(fours, 1000, 'ms', 1)} | {ratio:.1f} | "
                f"{four / large * 1e9:.0f} | {four / large / per_byte:.2f} |"
            )
        for pattern in IMPORT_PATTERNS:
            one_doc, four_doc = document(pattern, small, folder), document(pattern, large, folder)
            ones = seconds(lambda d=one_doc: import_list(d, {}, folder / f"o-{time.monotonic_ns()}"), args.runs)
            fours = seconds(lambda d=four_doc: import_list(d, {}, folder / f"o-{time.monotonic_ns()}"), args.runs)
            one, four = statistics.median(ones), statistics.median(fours)
            ratio = four / one if one else float("inf")
            worst = max(worst, ratio)
            size = four_doc.stat().st_size
            lines.append(
                f"| import | {label(pattern)} | {spread(fours, 1000, 'ms', 0)} | {ratio:.1f} | "
                f"{four / size * 1e9:.0f} | {four / size / per_byte:.2f} |"
            )
        verdict = "met" if worst < 8 else "not met"
        lines += ["", f"Goal: linear (4x the bytes within 8x the time): worst ratio {worst:.1f} — {verdict}.", ""]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
