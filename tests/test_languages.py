"""A language is data: a fourth one, added to a fixture catalog (its code, its name, some texts and the site's
words in `ui/<lang>.toml`), gets its list, its site under /<lang>/, a place in every language switch and its
translation coverage, with no code change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ja_llm import Catalog
from ja_llm.cli import main
from ja_llm.render import render_markdown

from site_fixtures import build

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("言語") / "カタログ"
    shutil.copytree(MINI, root)
    info = root / "catalog.toml"
    text = info.read_text(encoding="utf-8")
    text = text.replace('languages = ["ja", "en"]', 'languages = ["ja", "en", "de"]\ncomplete = ["ja", "en"]')
    text = text.replace(
        'en = "Overview of Japanese LLMs" }', 'en = "Overview of Japanese LLMs", de = "Japanische LLMs" }'
    )
    text += 'language_names = { ja = "日本語", en = "English", de = "Deutsch" }\n'
    info.write_text(text, encoding="utf-8")
    (root / "ui").mkdir()
    (root / "ui" / "de.toml").write_text(
        "# the site's words in German: the others fall back to the first language\n"
        'site_name = "Katalog japanischer LLMs"\nsearch = "Suche"\ndeveloper = "Entwickler"\n',
        encoding="utf-8",
    )
    return root


def test_a_fourth_language_gets_its_list(catalog_dir: Path) -> None:
    catalog = Catalog.load(catalog_dir)
    assert catalog.info.languages == ["ja", "en", "de"]
    german = render_markdown(catalog, "de")
    assert german.startswith("# Japanische LLMs\n")
    assert "[ [**日本語**](../README.md) | [**English**](../en/README.md) | Deutsch ]" in german
    # a text without German is shown in the main language, marked
    assert '<sup title="untranslated">ja</sup>' in german
    assert "[**Deutsch**](de/README.md)" in render_markdown(catalog, "ja")


def test_a_fourth_language_is_counted_not_required(catalog_dir: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--strict", "--data", str(catalog_dir)])
    assert result.exit_code == 0, result.output
    assert re.search(r"ja 100\.0%, en 100\.0%, de \d+\.\d% \(\d+ missing\)", result.output), result.output
    result = CliRunner().invoke(main, ["validate", "--strict", "--complete", "de", "--data", str(catalog_dir)])
    assert result.exit_code == 1
    assert "missing translation: de" in result.output


def test_a_fourth_language_gets_its_site(catalog_dir: Path, tmp_path: Path) -> None:
    site = build(catalog_dir, tmp_path / "サイト")
    page = (site / "de" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page
    assert "Katalog japanischer LLMs" in page  # from the catalog's ui/de.toml
    assert ">Suche</label>" in page
    assert "絞り込み" in page  # a word ui/de.toml lacks comes from the first language
    assert 'hreflang="ja" lang="ja">日本語</a>' in page
    assert 'hreflang="en" lang="en">English</a>' in page
    japanese = (site / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="de" lang="de">Deutsch</a>' in japanese
    entry = next((site / "de" / "models").rglob("index.html")).read_text(encoding="utf-8")
    assert '<html lang="de">' in entry


def test_interface_words_of_a_language_the_catalog_lacks_are_refused(catalog_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(catalog_dir, root)
    (root / "ui" / "xx.toml").write_text('search = "?"\n', encoding="utf-8")
    (root / "ui" / "de.toml").write_text("search = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert result.exit_code == 1
    assert "ui/xx.toml: (file): 'xx' is not a language of the list" in result.output
    assert "ui/de.toml:1: search: expected a non-empty string" in result.output
