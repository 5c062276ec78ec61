"""The committed generated lists are current, and `build --check` notices a catalog edit that was not rendered."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from ja_llm.api import Catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.cli import main
from ja_llm.render import render_markdown

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "list"


def test_committed_lists_are_current() -> None:
    result = CliRunner().invoke(main, ["build", "--check", "--lists", str(LISTS)])
    assert result.exit_code == 0, result.output
    assert "3 generated file(s) are current" in result.output


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

    (lists / "en" / "README.md").unlink()
    result = runner.invoke(main, ["build", "--check", "--data", str(data), "--lists", str(lists)])
    assert f"{lists / 'en' / 'README.md'}: missing" in result.output


def test_build_writes_every_language_into_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "出力"
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    catalog = Catalog.load()
    assert (out / "list" / "README.md").read_text(encoding="utf-8") == render_markdown(catalog, "ja")
    assert (out / "list" / "en" / "README.md").read_text(encoding="utf-8") == render_markdown(catalog, "en")
    assert (out / "list" / "fr" / "README.md").read_text(encoding="utf-8") == render_markdown(catalog, "fr")


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


def test_render_to_stdout_is_the_committed_list() -> None:
    result = CliRunner().invoke(main, ["render", "--lang", "en", "--out", "-"])
    assert result.exit_code == 0
    assert result.stdout == (LISTS / "en" / "README.md").read_text(encoding="utf-8")
