"""The catalog's own text scanners are linear in their input: 1 MB of each pathological pattern (unclosed
brackets, footnote-reference starts, backticks, pipes, `<`, `*`, nested links) is scanned in a fraction of
the time of a normal import of the 2026 list, measured side by side in this process (a quadratic scan of
1 MB would take hours: the bound is generous against noise, not tight).

A whole import is linear too: a 1 MB document of table rows full of each pattern imports within thirty times
what a normal import of the same size takes (markdown-it's inline parsing costs up to ~5x more per byte on
`[` and `[^` runs than on real rows, linearly; the rest of the margin absorbs a busy machine, where a
measured ratio of 11 was seen — a quadratic import of 1 MB would take hours)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ja_llm.importer import cells as C
from ja_llm.importer import import_list
from ja_llm.model.inline import footnote_refs, scan_links, split_top_level, strip_trailing_footnotes

README_2026 = Path(__file__).resolve().parent / "data" / "sources" / "2026-08-22" / "README.md"
PATTERNS = ["[", "](", "[a](", "[^", "`", "\\|", "|", "<", "*", "**", "[[[a](b)", "(", "[x](", "\\", " "]
MEGABYTE = 1_000_000


@pytest.fixture(scope="module")
def normal_import_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    started = time.perf_counter()
    import_list(README_2026, {}, tmp_path_factory.mktemp("normal") / "out")
    return time.perf_counter() - started


def _scan_everything(text: str) -> None:
    scan_links(text)  # the scan itself, without the parser's confirmation
    footnote_refs(text)
    strip_trailing_footnotes(text + " [^1]")
    split_top_level(text, ",")
    C.hf_repo(text)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_one_megabyte_of_a_pattern_scans_in_linear_time(pattern: str, normal_import_seconds: float) -> None:
    text = pattern * (MEGABYTE // len(pattern))
    started = time.perf_counter()
    _scan_everything(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 3 * normal_import_seconds + 0.5, (pattern, elapsed, normal_import_seconds)


IMPORT_PATTERNS = ["[", "[a](", "[^", "*", "<", "`", "**", "[[[a](b)"]
HEAD = "# T\n\n## 汎用\n\n| モデル | 学習テキスト | 開発元 | ライセンス |\n|:---|:---|:---|:---|\n"


@pytest.fixture(scope="module")
def seconds_per_byte(normal_import_seconds: float) -> float:
    return normal_import_seconds / README_2026.stat().st_size


@pytest.mark.parametrize("pattern", IMPORT_PATTERNS)
def test_a_megabyte_document_of_a_pattern_imports_in_linear_time(
    pattern: str, seconds_per_byte: float, tmp_path: Path
) -> None:
    cell = pattern * (2000 // len(pattern))
    rows = "".join(f"| [A{i}](https://a.example/{i}) | {cell} | Lab | MIT |\n" for i in range(MEGABYTE // 2040))
    source = tmp_path / "README.md"
    source.write_text(HEAD + rows, encoding="utf-8")
    started = time.perf_counter()
    import_list(source, {}, tmp_path / "out")
    elapsed = time.perf_counter() - started
    assert elapsed < 30 * seconds_per_byte * source.stat().st_size + 1, (pattern, elapsed)
