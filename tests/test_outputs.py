"""site.outputs, the library side of `ja-llm build` and `ja-llm serve` (the CLI only prints what it returns):
what a build says it did, a current folder left alone, an update of one entry, an invalid catalog refused
with nothing written. In folders with non-ASCII names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ja_llm.errors import CatalogInvalid
from ja_llm.site.outputs import Preview, build_outputs

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "カタログ"
    shutil.copytree(MINI, copy)
    return copy


def test_a_build_says_what_it_did_then_finds_the_folder_current(root: Path, tmp_path: Path) -> None:
    said: list[str] = []
    built = build_outputs(root, tmp_path / "出力", say=said.append)
    assert not built.current
    assert built.site == tmp_path / "出力" / "site"
    pages = [p for p in built.site.rglob("*.html") if p.relative_to(built.site).parts[0] != "data"]  # not rows
    assert built.pages == len(pages)
    assert built.entries > 0
    assert built.languages == 2
    assert "load" in built.timings
    assert built.rendered is None  # from scratch
    assert said[0] == f"building the site of {built.entries} entries into {built.site} ..."
    assert (built.lists / "README.md").is_file()
    again = build_outputs(root, tmp_path / "出力", say=said.append)
    assert again.current
    assert again.pages == 0


def test_an_edit_updates_the_last_build(root: Path, tmp_path: Path) -> None:
    build_outputs(root, tmp_path / "出力")
    alpha = root / "models" / "acme" / "alpha.toml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace('name = "Alpha"', 'name = "Alpha 2"'), "utf-8")
    built = build_outputs(root, tmp_path / "出力")
    assert not built.current
    assert built.rendered is not None
    assert built.rendered > 0
    assert "Alpha 2" in (built.site / "models" / "acme" / "alpha" / "index.html").read_text(encoding="utf-8")


def test_an_invalid_catalog_is_refused_and_nothing_is_written(root: Path, tmp_path: Path) -> None:
    alpha = root / "models" / "acme" / "alpha.toml"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\nunknown_key = 1\n", "utf-8")
    with pytest.raises(CatalogInvalid):
        build_outputs(root, tmp_path / "出力")
    assert not (tmp_path / "出力" / "site").exists()


def test_a_preview_builds_only_when_its_site_is_not_current(root: Path, tmp_path: Path) -> None:
    first = Preview(root, tmp_path / "出力", watch=False).build()
    assert first is not None
    assert not first.current
    assert Preview(root, tmp_path / "出力", watch=False).build() is None
    rebuilt = Preview(root, tmp_path / "出力", watch=False).build(rebuild=True)
    assert rebuilt is not None
    assert rebuilt.rendered is None  # from scratch
