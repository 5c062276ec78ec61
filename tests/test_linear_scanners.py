"""The catalog's own text scanners and the importer handle 1 MB of each pathological pattern (unclosed
brackets, footnote-reference starts, backticks, pipes, `<`, `*`, nested links) correctly, and finish: a
quadratic scan of 1 MB would take hours, far beyond the per-test timeout below. How fast they are, and that
the time grows linearly with the input, is measured by bench/linear_bench.py (`make bench`), not here: the
suite asserts no timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ja_llm.importer import cells as C
from ja_llm.importer import import_list
from ja_llm.model.inline import footnote_refs, scan_links, split_top_level, strip_trailing_footnotes

PATTERNS = ["[", "](", "[a](", "[^", "`", "\\|", "|", "<", "*", "**", "[[[a](b)", "(", "[x](", "\\", " "]
IMPORT_PATTERNS = ["[", "[a](", "[^", "*", "<", "`", "**", "[[[a](b)"]
MEGABYTE = 1_000_000
HEAD = "# T\n\n## 汎用\n\n| モデル | 学習テキスト | 開発元 | ライセンス |\n|:---|:---|:---|:---|\n"
LIMIT = 120  # seconds: 1 MB takes well under a second per scanner when linear, hours when quadratic


@pytest.mark.timeout(LIMIT)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_one_megabyte_of_a_pattern_is_scanned(pattern: str) -> None:
    repeats = MEGABYTE // len(pattern)
    text = pattern * repeats
    assert split_top_level(text, ",") == [text]
    assert len(scan_links(text)) == (repeats if pattern == "[[[a](b)" else 0)  # the innermost `[a](b)` of each
    assert footnote_refs(text) == []
    assert strip_trailing_footnotes(text + " [^1]")[1] == ["1"]
    assert C.hf_repo(text) is None


@pytest.mark.timeout(LIMIT)
@pytest.mark.parametrize("pattern", IMPORT_PATTERNS)
def test_a_megabyte_document_of_a_pattern_is_imported(pattern: str, tmp_path: Path) -> None:
    cell = pattern * (2000 // len(pattern))
    count = MEGABYTE // 2040
    rows = "".join(f"| [A{i}](https://a.example/{i}) | {cell} | Lab | MIT |\n" for i in range(count))
    source = tmp_path / "README.md"
    source.write_text(HEAD + rows, encoding="utf-8")
    result = import_list(source, {}, tmp_path / "out")
    assert result.rows_total == count
    if pattern == "[[[a](b)":  # `(b)` is not a link the catalog accepts: each row is skipped, with the reason
        assert result.rows_imported == 0
        assert {skip.reason for skip in result.skipped} == {"row not importable: training_data: malformed link URL 'b'"}
    else:
        assert result.rows_imported == count
