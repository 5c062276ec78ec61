"""Bad input never produces a traceback or a half-written output folder.

Every failing import raises a library error (SourceError, OutputExists) with a one-line message and leaves
no output folder and no staging folder behind; rows the importer cannot take are reported, not fatal.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

import ja_llm.importer.build as build_module
from ja_llm.errors import JaLlmError, OutputExists, SourceError
from ja_llm.importer import import_list

HEAD = (
    '<a id="generative-general"></a>\n'
    "## 汎用\n"
    "\n"
    "|    | 公開年 | アーキテクチャ | 開発元 | ライセンス |\n"
    "|:---|:---:|:---:|:---:|:---:|\n"
)
FIRST_ROW_LINE = 6  # the line of the first table row in a fixture built on HEAD
ROW_A = "| [Alpha](https://alpha.example/) | 2024 | Llama | Alpha Lab | MIT |\n"
ROW_B = "| [Beta](https://beta.example/) | 2025 | Qwen3 | Beta Inc. | Apache 2.0 |\n"


def _write(folder: Path, text: str, name: str = "README.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _leftovers(out: Path) -> list[str]:
    """Staging/backup folders the importer may leave next to `out` (`.<name>.tmp-*`, `.<name>.old-*`)."""
    if not out.parent.exists():
        return []
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _assert_no_output(out: Path) -> None:
    assert not out.exists(), f"{out} was created by a failing import"
    assert _leftovers(out) == []
    if out.parent.exists():
        assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


def _assert_one_line(exc: BaseException) -> str:
    message = str(exc)
    assert message.strip()
    assert "\n" not in message
    return message


def _entries(out: Path) -> dict[str, dict]:
    return {
        str(p.relative_to(out)): tomllib.loads(p.read_text(encoding="utf-8"))
        for p in out.rglob("*.toml")
        if p.parent != out
    }


@pytest.fixture
def src_dir(tmp_path: Path) -> Path:
    return tmp_path / "ソース"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    parent = tmp_path / "出力先"
    parent.mkdir()
    return parent / "カタログ"


# --- sources that cannot be imported at all ----------------------------------------------------------------


def test_empty_file(src_dir: Path, out: Path) -> None:
    src = _write(src_dir, "")
    with pytest.raises(SourceError) as info:
        import_list(src, {}, out)
    message = _assert_one_line(info.value)
    assert "empty" in message
    assert str(src) in message
    _assert_no_output(out)


def test_whitespace_only_file(src_dir: Path, out: Path) -> None:
    src = _write(src_dir, " \n\n\t\n")
    with pytest.raises(SourceError) as info:
        import_list(src, {}, out)
    assert "empty" in _assert_one_line(info.value)
    _assert_no_output(out)


def test_non_utf8_file(src_dir: Path, out: Path) -> None:
    src_dir.mkdir()
    src = src_dir / "README.md"
    src.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(SourceError) as info:
        import_list(src, {}, out)
    message = _assert_one_line(info.value)
    assert "UTF-8" in message
    _assert_no_output(out)


def test_non_utf8_byte_after_valid_rows_names_its_line(src_dir: Path, out: Path) -> None:
    src_dir.mkdir()
    src = src_dir / "README.md"
    src.write_bytes((HEAD + ROW_A).encode("utf-8") + b"| [Bad](https://x.example/) | 2024 | \xff | X | MIT |\n")
    with pytest.raises(SourceError) as info:
        import_list(src, {}, out)
    message = _assert_one_line(info.value)
    assert "UTF-8" in message
    assert f":{FIRST_ROW_LINE + 1}:" in message
    _assert_no_output(out)


def test_missing_file(src_dir: Path, out: Path) -> None:
    src = src_dir / "nope.md"
    with pytest.raises(SourceError) as info:
        import_list(src, {}, out)
    message = _assert_one_line(info.value)
    assert "no such file" in message
    _assert_no_output(out)


def test_folder_instead_of_file(src_dir: Path, out: Path) -> None:
    src_dir.mkdir()
    with pytest.raises(SourceError) as info:
        import_list(src_dir, {}, out)
    assert "folder" in _assert_one_line(info.value)
    _assert_no_output(out)


def test_too_large_file(src_dir: Path, out: Path) -> None:
    src_dir.mkdir()
    src = src_dir / "README.md"
    line = ROW_A.encode("utf-8")
    with src.open("wb") as handle:
        handle.write(HEAD.encode("utf-8"))
        handle.write(line * (11 * 1024 * 1024 // len(line) + 1))
    assert src.stat().st_size > 11 * 1024 * 1024
    with pytest.raises(SourceError) as info:
        import_list(src, {}, out)
    message = _assert_one_line(info.value)
    assert "too large" in message
    _assert_no_output(out)


def test_bad_translation_is_a_source_error(src_dir: Path, out: Path) -> None:
    src = _write(src_dir, HEAD + ROW_A)
    en = src_dir / "en" / "README.md"
    with pytest.raises(SourceError) as info:
        import_list(src, {"en": en}, out)
    assert "no such file" in _assert_one_line(info.value)
    _assert_no_output(out)

    en.parent.mkdir()
    en.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(SourceError) as info:
        import_list(src, {"en": en}, out)
    assert "UTF-8" in _assert_one_line(info.value)
    _assert_no_output(out)


# --- the output folder -------------------------------------------------------------------------------------


def _existing_catalog(out: Path) -> Path:
    out.mkdir()
    keep = out / "keep.txt"
    keep.write_text("earlier work\n", encoding="utf-8")
    return keep


def test_output_exists_and_is_not_empty(src_dir: Path, out: Path) -> None:
    src = _write(src_dir, HEAD + ROW_A)
    keep = _existing_catalog(out)
    with pytest.raises(OutputExists) as info:
        import_list(src, {}, out)
    assert str(out) in _assert_one_line(info.value)
    # the folder is left exactly as it was
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert keep.read_text(encoding="utf-8") == "earlier work\n"
    assert _leftovers(out) == []


def test_output_exists_is_checked_before_reading_the_source(src_dir: Path, out: Path) -> None:
    _existing_catalog(out)
    with pytest.raises(OutputExists):
        import_list(src_dir / "missing.md", {}, out)


def test_force_with_bad_source_keeps_the_old_output(src_dir: Path, out: Path) -> None:
    keep = _existing_catalog(out)
    src = _write(src_dir, "")
    with pytest.raises(SourceError):
        import_list(src, {}, out, force=True)
    assert keep.read_text(encoding="utf-8") == "earlier work\n"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert _leftovers(out) == []


def test_force_replaces_the_output_whole(src_dir: Path, out: Path) -> None:
    keep = _existing_catalog(out)
    src = _write(src_dir, HEAD + ROW_A + ROW_B)
    result = import_list(src, {}, out, force=True)
    assert result.rows_imported == 2
    assert not keep.exists()
    assert (out / "catalog.toml").is_file()
    assert len(_entries(out)) == 2
    assert _leftovers(out) == []


def test_empty_existing_output_is_used(src_dir: Path, out: Path) -> None:
    out.mkdir()
    src = _write(src_dir, HEAD + ROW_A)
    result = import_list(src, {}, out)
    assert result.rows_imported == 1
    assert (out / "sections.toml").is_file()
    assert _leftovers(out) == []


def test_output_is_an_existing_file(src_dir: Path, out: Path) -> None:
    src = _write(src_dir, HEAD + ROW_A)
    out.write_text("not a folder", encoding="utf-8")
    with pytest.raises(JaLlmError):
        import_list(src, {}, out)
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_failure_while_writing_leaves_nothing_behind(src_dir: Path, out: Path, monkeypatch) -> None:
    src = _write(src_dir, HEAD + ROW_A + ROW_B)
    real_write = build_module.write_catalog
    staged: list[Path] = []

    def write_then_fail(catalog, folder: Path) -> None:
        real_write(catalog, folder)  # the staging folder is fully written ...
        staged.append(folder)
        raise OSError("disk full")  # ... then the disk fills up

    monkeypatch.setattr(build_module, "write_catalog", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        import_list(src, {}, out)
    assert staged
    assert not staged[0].exists()
    _assert_no_output(out)

    # with --force, the earlier catalog survives the failed replacement
    keep = _existing_catalog(out)
    with pytest.raises(OSError, match="disk full"):
        import_list(src, {}, out, force=True)
    assert keep.read_text(encoding="utf-8") == "earlier work\n"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert _leftovers(out) == []


# --- rows the importer cannot take -----------------------------------------------------------------------------


def _check_counts(result) -> None:
    assert result.rows_imported + len(result.skipped) == result.rows_total
    assert result.entries == result.rows_imported


def test_ragged_row_with_more_cells_is_skipped(src_dir: Path, out: Path) -> None:
    ragged = "| [Alpha](https://alpha.example/) | 2024 | Llama | Alpha Lab | MIT | x |\n"
    src = _write(src_dir, HEAD + ragged + ROW_B)
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_total == 2
    assert result.rows_imported == 1
    [skip] = result.skipped
    assert skip.line == FIRST_ROW_LINE
    assert "6 cells" in skip.reason
    assert "5" in skip.reason  # the header's count
    entries = _entries(out)
    assert [e["name"] for e in entries.values()] == ["Beta"]
    assert _leftovers(out) == []


def test_row_with_fewer_cells_is_imported(src_dir: Path, out: Path) -> None:
    short = "| [Alpha](https://alpha.example/) | 2024 | Llama |\n"
    src = _write(src_dir, HEAD + short + ROW_B)
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 2
    assert result.skipped == []
    assert any(w.line == FIRST_ROW_LINE and "3 cells" in w.reason for w in result.warnings)
    alpha = next(e for e in _entries(out).values() if e["name"] == "Alpha")
    assert alpha["url"] == "https://alpha.example/"
    assert alpha["year"] == 2024
    assert alpha["architecture"] == "Llama"
    assert "developers" not in alpha
    assert "licenses" not in alpha


def test_stray_pipe_in_a_cell_behaves_like_a_ragged_row(src_dir: Path, out: Path) -> None:
    stray = "| [Alpha](https://alpha.example/) | 2024 | Llama|Mistral | Alpha Lab | MIT |\n"
    src = _write(src_dir, HEAD + ROW_B + stray)
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 1
    [skip] = result.skipped
    assert skip.line == FIRST_ROW_LINE + 1
    assert "6 cells" in skip.reason
    assert [e["name"] for e in _entries(out).values()] == ["Beta"]


def test_escaped_pipe_is_not_stray(src_dir: Path, out: Path) -> None:
    escaped = "| [Alpha](https://alpha.example/) | 2024 | Llama\\|Mistral | Alpha Lab | MIT |\n"
    src = _write(src_dir, HEAD + escaped)
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 1
    assert result.skipped == []
    [alpha] = _entries(out).values()
    assert "Mistral" in alpha["architecture"]
    assert alpha["licenses"] == [{"id": "mit"}]


def test_pipe_inside_code_span_is_stray_too(src_dir: Path, out: Path) -> None:
    # As in GFM (and markdown-it), a pipe splits the row even inside a code span: the row has 6 cells and
    # must be reported, not imported with shifted cells and its license dropped.
    coded = "| [Alpha](https://alpha.example/) | 2024 | `Llama|Mistral` | Alpha Lab | MIT |\n"
    src = _write(src_dir, HEAD + coded + ROW_B)
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 1
    [skip] = result.skipped
    assert skip.line == FIRST_ROW_LINE
    assert "6 cells" in skip.reason
    assert [e["name"] for e in _entries(out).values()] == ["Beta"]


def test_unclosed_link_in_name_is_kept_as_text(src_dir: Path, out: Path) -> None:
    unclosed = "| [foo](http://x | 2024 | Llama | Alpha Lab | MIT |\n"
    src = _write(src_dir, HEAD + unclosed + ROW_B)
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 2
    assert result.skipped == []
    foo = [e for e in _entries(out).values() if "foo" in e["name"]]
    assert len(foo) == 1
    assert foo[0]["name"] == "[foo](http://x"
    assert "url" not in foo[0]
    assert foo[0]["year"] == 2024


def test_missing_include_is_reported(src_dir: Path, out: Path) -> None:
    text = HEAD + ROW_A + ROW_B + "\n<!--@include: @/parts/nope.md-->\n"
    src = _write(src_dir, text)
    directive_line = text.split("\n").index("<!--@include: @/parts/nope.md-->") + 1
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 2
    [skip] = result.skipped
    assert skip.reason.startswith("include not found")
    assert "@/parts/nope.md" in skip.reason
    assert skip.line == directive_line
    assert len(_entries(out)) == 2


def test_unreadable_include_is_reported(src_dir: Path, out: Path) -> None:
    text = HEAD + ROW_A + "\n<!--@include: @/parts/bad.md-->\n"
    src = _write(src_dir, text)
    (src_dir / "parts").mkdir()
    (src_dir / "parts" / "bad.md").write_bytes(b"\xff\xfe\x00bad")
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.rows_imported == 1
    [skip] = result.skipped
    assert skip.reason.startswith("include unreadable")
    assert "\n" not in skip.reason


def test_existing_include_rows_are_imported(src_dir: Path, out: Path) -> None:
    text = HEAD + ROW_A + '\n<a id="generative-more"></a>\n## 続き\n\n<!--@include: @/parts/more.md-->\n'
    src = _write(src_dir, text)
    # `@/` is the folder of the list's README (VitePress's source root)
    _write(src_dir / "parts", HEAD.split("\n", 3)[3] + ROW_B, "more.md")
    result = import_list(src, {}, out)
    _check_counts(result)
    assert result.skipped == []
    assert result.rows_imported == 2
    by_name = {e["name"]: e for e in _entries(out).values()}
    assert by_name["Alpha"]["section"] == "generative-general"
    assert by_name["Beta"]["section"] == "generative-more"
    assert by_name["Beta"]["licenses"] == [{"id": "apache-2.0"}]


def test_a_translation_includes_from_the_lists_tree(src_dir: Path, out: Path) -> None:
    """en/README.md's `@/parts/…` is the main README's parts/ folder, as on upstream's site."""
    include = '\n<a id="generative-more"></a>\n## 続き\n\n<!--@include: @/parts/more.md-->\n'
    src = _write(src_dir, HEAD + ROW_A + include)
    en = _write(src_dir / "en", HEAD + ROW_A + include)
    _write(src_dir / "parts", HEAD.split("\n", 3)[3] + ROW_B, "more.md")
    result = import_list(src, {"en": en}, out)
    assert result.skipped == []
    assert result.rows_imported == 2


SECRET = "TOKEN=do-not-read-me"


@pytest.mark.parametrize(
    "target",
    [
        "../secret.md",  # a parent folder, relative to the README
        "@/../secret.md",  # a parent folder of the source root
        "@/../../secret.md",
        "ABSOLUTE",  # replaced by the secret's absolute path
        "/proc/self/environ",  # another process's secrets (a CI's tokens)
        "/etc/passwd",
        "../../../../../../../../etc/passwd",
    ],
)
def test_an_include_never_reads_outside_the_lists_tree(src_dir: Path, out: Path, tmp_path: Path, target: str) -> None:
    secret = _write(
        tmp_path,
        HEAD.split("\n", 3)[3] + "| [Secret](https://x.example/) | 2024 | " + SECRET + " | - | - |\n",
        "secret.md",
    )
    target = str(secret) if target == "ABSOLUTE" else target
    src = _write(src_dir / "list", HEAD + ROW_A + f"\n<!--@include: {target}-->\n")
    result = import_list(src, {}, out)
    _check_counts(result)
    [skip] = result.skipped
    assert skip.reason.endswith(target)
    assert skip.reason.split(":")[0] in (
        "include outside the document's folder",
        "include not found",
        "include path is absolute (it must be relative to the document)",
    )
    everything = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.toml"))
    assert SECRET not in everything
    assert "root:" not in everything


def test_an_include_through_a_symlink_out_of_the_tree_is_refused(src_dir: Path, out: Path, tmp_path: Path) -> None:
    outside = _write(
        tmp_path / "elsewhere",
        HEAD.split("\n", 3)[3] + "| [Secret](https://x.example/) | 2024 | " + SECRET + " | - | - |\n",
        "more.md",
    )
    src = _write(src_dir, HEAD + ROW_A + "\n<!--@include: @/parts/more.md-->\n")
    (src_dir / "parts").mkdir()
    (src_dir / "parts" / "more.md").symlink_to(outside)
    result = import_list(src, {}, out)
    [skip] = result.skipped
    assert skip.reason == "include outside the document's folder: @/parts/more.md"
    assert SECRET not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.toml"))


def test_an_include_of_a_fifo_or_a_device_is_refused_without_blocking(src_dir: Path, out: Path) -> None:
    src = _write(src_dir, HEAD + ROW_A + "\n<!--@include: @/parts/pipe.md-->\n<!--@include: @/parts/zero.md-->\n")
    (src_dir / "parts").mkdir()
    os.mkfifo(src_dir / "parts" / "pipe.md")  # opening it for reading would block for ever
    (src_dir / "parts" / "zero.md").symlink_to("/dev/zero")  # endless; and outside the tree
    result = import_list(src, {}, out)
    reasons = sorted(skip.reason for skip in result.skipped)
    assert reasons == [
        "include is not a regular file: @/parts/pipe.md",
        "include outside the document's folder: @/parts/zero.md",
    ]


@pytest.mark.parametrize("special", ["/dev/zero", "FIFO"])
def test_a_special_file_as_the_source_is_a_one_line_error(tmp_path: Path, out: Path, special: str) -> None:
    source = Path(special)
    if special == "FIFO":
        source = tmp_path / "pipe.md"
        os.mkfifo(source)
    with pytest.raises(SourceError, match="not a regular file") as caught:
        import_list(source, {}, out)
    _assert_one_line(caught.value)
    _assert_no_output(out)


def test_the_importer_never_writes_a_catalog_its_validate_rejects(src_dir: Path, out: Path) -> None:
    """Rows that would make `validate` fail (an undefined footnote, a Hugging Face repo already used by another
    row, a `javascript:` link) are skipped with the problem as the reason; the written catalog validates."""
    from ja_llm.catalog.load import collect

    rows = (
        ROW_A
        + "| [Beta](https://beta.example/)[^nowhere] | 2025 | Qwen3 | Beta Inc. | Apache 2.0 |\n"
        + "| [Gamma](https://huggingface.co/acme/same) | 2025 | Qwen3 | Beta Inc. | MIT |\n"
        + "| [Delta](https://huggingface.co/acme/same) | 2025 | Qwen3 | Beta Inc. | MIT |\n"
        + "| [Eps](https://eps.example/) | 2025 | [x](javascript:alert(1)) | Beta Inc. | MIT |\n"
    )
    src = _write(src_dir, HEAD + rows)
    result = import_list(src, {}, out)
    _check_counts(result)
    reasons = sorted(skip.reason for skip in result.skipped)
    assert len(reasons) == 3, reasons
    assert any("unknown footnote" in r for r in reasons), reasons
    assert any("is also used by" in r for r in reasons), reasons
    assert any("only http, https and mailto links are allowed" in r for r in reasons), reasons
    assert all(r.startswith("row not importable: ") for r in reasons)
    assert result.rows_imported == 2
    assert [p for p in collect(out)[1] if p.severity == "error"] == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty-heading", "# T\n\n## \n\n| a | b |\n|---|---|\n| [x](https://x.example/) | y |\n"),
        (
            "odd-anchor",
            '# T\n\n<a id="a b&quot;<>"></a>\n## S\n\n| a | b |\n|---|---|\n| [x](https://x.example/) | y |\n',
        ),
        (
            "odd-footnote-label",
            "# T\n\n## S\n\n| a | b |\n|---|---|\n| [x](https://x.example/)[^ü*] | y |\n"
            "| [z](https://z.example/) | w |\n\n[^ü*]: note\n[^<x>]: n\n",
        ),
    ],
)
def test_odd_documents_import_into_a_valid_catalog(src_dir: Path, out: Path, name: str, text: str) -> None:
    """Cases that raised tracebacks in a fuzzing pass: the import finishes, and what it writes validates."""
    from ja_llm.catalog.load import collect

    result = import_list(_write(src_dir, text), {}, out)
    _check_counts(result)
    assert result.rows_imported >= 1
    assert [p for p in collect(out)[1] if p.severity == "error"] == []
