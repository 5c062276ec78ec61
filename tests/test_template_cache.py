"""Compiled templates kept between runs (render.template_cache): the same pages with the cache, without it,
and with its files damaged; a cache folder that cannot be made means no cache, never a failed build."""

from __future__ import annotations

from pathlib import Path

import pytest

from ja_llm.api import Catalog
from ja_llm.render.markdown import render_markdown
from ja_llm.render.template_cache import template_cache
from ja_llm.site.build import SiteBuilder

MINI = Path(__file__).parent / "data" / "mini-catalog"


def pages() -> dict[str, str]:
    return SiteBuilder(Catalog.load(MINI)).build() | {"README.md": render_markdown(Catalog.load(MINI), "ja")}


def test_templates_compiled_once_give_the_same_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "キャッシュ"
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(cache))
    first = pages()
    kept = sorted((cache / "templates").iterdir())
    assert kept, "the compiled templates are kept"
    assert pages() == first  # from the kept code
    for path in kept:  # damaged: compiled again, the same pages
        path.write_bytes(path.read_bytes()[:40] + b"\0garbage")
    assert pages() == first
    for path in kept:
        path.write_bytes(b"")
    assert pages() == first


def test_a_cache_folder_that_cannot_be_made_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "ファイル"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(blocker))
    assert template_cache() is None
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(tmp_path / "別"))
    expected = pages()
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(blocker))
    assert pages() == expected
