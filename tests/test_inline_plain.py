"""model.inline.plain: the plain form of a catalog text, kept once computed (bounded) and taken back from
the last build (site.build_cache) without changing what it returns."""

from __future__ import annotations

import pytest

from ja_llm.model import inline


@pytest.fixture
def empty(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    known: dict[str, str] = {}
    monkeypatch.setattr(inline, "_PLAIN_KNOWN", known)
    return known


def test_plain_forms_are_kept_up_to_the_bound(empty: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inline, "PLAIN_KNOWN_MAX", 2)
    texts = ["**東北大**<br>モデル", "[rinna](https://rinna.co.jp/) 社", "`code` と _強調_"]
    assert [inline.plain(t) for t in texts] == ["東北大 モデル", "rinna 社", "code と 強調"]
    assert list(empty) == texts[:2]  # the third one is computed, not kept
    assert inline.plain(texts[2]) == "code と 強調"
    assert inline.plain("no markup  here ") == "no markup here"
    assert "no markup  here " not in empty  # a text without markup needs no parse: never kept


def test_remembered_forms_are_used_and_bounded(empty: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inline, "PLAIN_KNOWN_MAX", 2)
    inline.remember_plain({"**a**": "a (from the last build)", "**b**": "b", "**c**": "c"})
    assert empty == {"**a**": "a (from the last build)", "**b**": "b"}
    assert inline.plain("**a**") == "a (from the last build)"  # taken back as it was kept
    assert inline.plain("**c**") == "c"
    assert inline.known_plain() is empty
