"""The committed generated lists are current, and `build --check` notices a catalog edit that was not rendered."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ja_llm.api import Catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.cli import main
from ja_llm.errors import OutputError
from ja_llm.files import write_together
from ja_llm.render import render_markdown
from ja_llm.render.lists import expected_files
from ja_llm.render.markdown import list_path

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "list"


def test_committed_lists_are_current() -> None:
    result = CliRunner().invoke(main, ["build", "--check", "--lists", str(LISTS)])
    assert result.exit_code == 0, result.output
    assert "6 generated file(s) are current" in result.output


def test_readme_links_to_the_generated_lists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(list/README.md)" in readme
    assert "(list/en/README.md)" in readme
    assert "(list/fr/README.md)" in readme


def test_check_fails_after_an_unrendered_edit(tmp_path: Path) -> None:
    data = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), data)
    lists = tmp_path / "リスト"
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--update", "--data", str(data), "--lists", str(lists)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["build", "--check", "--data", str(data), "--lists", str(lists)]).exit_code == 0

    entry = data / "models" / "sb-intuitions" / "sarashina2-8x70b.toml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("context_length = 8192", "context_length = 16384"), encoding="utf-8"
    )
    result = runner.invoke(main, ["build", "--check", "--data", str(data), "--lists", str(lists)])
    assert result.exit_code == 1
    assert f"{lists / 'README.md'}: differs from the catalog from line" in result.output
    assert f"{lists / 'en' / 'README.md'}: differs" in result.output
    assert "ja-llm build --update" in result.output

    # the chart beside the lists is current while it was drawn from the same data
    assert f"{lists / 'figures' / 'parameters-ja.svg'}" not in result.output
    entry.write_text(entry.read_text(encoding="utf-8").replace('size = "465b"', 'size = "470b"'), encoding="utf-8")
    result = runner.invoke(main, ["build", "--check", "--data", str(data), "--lists", str(lists)])
    assert f"{lists / 'figures' / 'parameters-ja.svg'}: drawn from other data than the catalog's" in result.output

    (lists / "en" / "README.md").unlink()
    result = runner.invoke(main, ["build", "--check", "--data", str(data), "--lists", str(lists)])
    assert f"{lists / 'en' / 'README.md'}: missing" in result.output


def test_build_writes_every_language_into_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "出力"
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    catalog = Catalog.load()
    for path, text in expected_files(catalog, out / "list").items():
        if path.suffix == ".md":
            assert path.read_text(encoding="utf-8") == text
    for lang in ("ja", "en", "fr"):
        assert (out / "list" / "figures" / f"parameters-{lang}.svg").is_file()


def test_missing_translation_renders_japanese_with_a_marker(tmp_path: Path) -> None:
    data = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), data)
    entry = data / "models" / "sb-intuitions" / "sarashina2-8x70b.toml"
    text = entry.read_text(encoding="utf-8")
    assert ', en = "Sparse Upcycling on Sarashina2 (70B)"' in text
    entry.write_text(text.replace(', en = "Sparse Upcycling on Sarashina2 (70B)"', ""), encoding="utf-8")
    catalog = Catalog.load(data)
    english = render_markdown(catalog, "en")
    row = next(line for line in english.splitlines() if "[Sarashina2-8x70B]" in line)
    assert 'Sarashina2 (70B) に対して Sparse Upcycling で学習<sup title="untranslated">ja</sup>' in row
    assert any("missing translation: en" in str(w) for w in catalog.warnings)


def test_unknown_language_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["render", "--lang", "xx", "--out", "-"])
    assert result.exit_code == 2
    assert "accepted: ja, en" in result.output


def test_render_to_stdout_is_the_committed_list_without_its_chart() -> None:
    result = CliRunner().invoke(main, ["render", "--lang", "en", "--out", "-"])
    assert result.exit_code == 0
    committed = (LISTS / "en" / "README.md").read_text(encoding="utf-8")
    chart = "\n\n![Parameter sizes of Japanese LLMs](../figures/parameters-en.svg)"
    assert chart in committed
    assert result.stdout == committed.replace(chart, "", 1)


def test_the_lists_show_the_chart_and_an_import_drops_it(tmp_path: Path) -> None:
    """The committed lists show the chart drawn from the catalog; importing a list does not take that line in
    as the list's own text (the renderer draws it again)."""
    text = (LISTS / "README.md").read_text(encoding="utf-8")
    assert "](figures/parameters-ja.svg)" in text
    assert "](../figures/parameters-en.svg)" in (LISTS / "en" / "README.md").read_text(encoding="utf-8")
    assert (LISTS / "figures" / "parameters-fr.svg").read_text(encoding="utf-8").startswith("<?xml")
    from ja_llm.importer import import_list

    import_list(LISTS / "README.md", {"en": LISTS / "en" / "README.md"}, tmp_path / "再取り込み", lang="ja")
    preamble = Catalog.load(tmp_path / "再取り込み").info.preamble
    assert preamble is not None
    assert "figures/parameters" not in str(preamble)


def test_files_written_together_are_made_one_at_a_time(tmp_path: Path) -> None:
    """files.write_together takes (target, text) pairs from a generator (the lists: ~40 MB of text a language
    at 100k entries): the next text is asked for only once the previous one is in its temporary file. A
    failure while making one leaves the old files as they were and no temporary file behind."""
    folder = tmp_path / "リスト"
    folder.mkdir()
    names = ["README.md", "英語.md", "フランス語.md"]
    made: list[str] = []

    def texts(mark: str) -> Iterator[tuple[Path, str]]:
        for name in names:
            if made:  # the previous text was written before this one is made
                assert any(p.name.startswith(f".{made[-1]}.new-") for p in folder.iterdir()), made
            made.append(name)
            yield folder / name, f"{mark} {name}\n"

    journal = folder / ".ja-llm-update"
    assert write_together(texts("old"), journal) == [folder / name for name in names]
    assert [(folder / name).read_text(encoding="utf-8") for name in names] == [f"old {n}\n" for n in names]

    def failing() -> Iterator[tuple[Path, str]]:
        yield folder / names[0], "new\n"
        raise OutputError("cannot make the next list")

    with pytest.raises(OutputError):
        write_together(failing(), journal)
    assert [(folder / name).read_text(encoding="utf-8") for name in names] == [f"old {n}\n" for n in names]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # no temporary file, no journal


def test_markdown_lists_are_rewritten_one_at_a_time_and_only_where_they_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render.lists.write_markdown (an update whose chart did not change): each language's list is made,
    compared with its file and written to its temporary file before the next one is made (at 100k entries a
    list is ~40 MB); only the lists that differ are written, and with none differing nothing is touched."""
    from ja_llm.render import lists as lists_module

    data = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), data)
    out = tmp_path / "リスト"
    made: list[Path] = []
    render = lists_module.render_markdown

    def one_at_a_time(catalog: Catalog, lang: str, **options: object) -> str:
        if made:  # the previous language's list is in its temporary file before this one is made
            previous = made[-1]
            assert any(p.name.startswith(f".{previous.name}.new-") for p in previous.parent.iterdir()), made
        made.append(out / list_path(lang, list(catalog.info.languages)))
        return render(catalog, lang, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(lists_module, "render_markdown", one_at_a_time)
    written = lists_module.write_markdown(Catalog.load(data), out)
    assert written == made
    assert len(written) == 3
    assert all(path.read_text(encoding="utf-8").startswith("#") for path in written)

    def state() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")}

    before = state()
    monkeypatch.setattr(lists_module, "render_markdown", render)
    assert lists_module.write_markdown(Catalog.load(data), out) == []
    assert state() == before  # no list, no journal, no temporary file

    entry = data / "models" / "abeja" / "abeja-qwen2.5-32b-japanese-v0.1.toml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("独自<br>", "独自（追記）<br>", 1), encoding="utf-8")  # the Japanese text only
    assert lists_module.write_markdown(Catalog.load(data), out) == [out / "README.md"]
    after = state()
    assert after["README.md"] != before["README.md"]
    assert {k: v for k, v in after.items() if k != "README.md"} == {k: v for k, v in before.items() if k != "README.md"}
    assert "独自（追記）" in (out / "README.md").read_text(encoding="utf-8")
