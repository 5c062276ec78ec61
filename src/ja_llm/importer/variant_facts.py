"""Facts of each variant derived from the row's texts (the importer applies them to every entry it builds;
scripts/derive_variant_facts.py applied them to the shipped catalog): its context length from the `context`
cell, its size from its label or repo name, and the license a scoped license or a note names for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..model.inline import plain
from ..model.sizes import parse_size, size_in_name
from ..model.text import text_in
from . import cells as C


def bind_variant_contexts(entry: dict[str, Any], lang: str) -> None:
    """Give each variant the context length the `context` cell states for it (`7b, 13b: 4,096<br>70b:
    8,192`), where it differs from the entry's own."""
    cell, variants = entry.get("context"), entry.get("variants") or []
    if not cell or not variants:
        return
    text = text_in(cell, lang)
    labels = [plain(text_in(v.get("label"), lang)) for v in variants]
    for index, length in C.variant_contexts(text, labels).items():
        if length != entry.get("context_length"):
            variants[index]["context_length"] = length


def bind_variant_sizes(entry: dict[str, Any], lang: str) -> None:
    """Give each variant without a size the one its label or repo name states (`ruri-v3-30m`), when the
    entry states none (an entry's size is the default of its variants) -- or when the entry's size is that
    of one expert of the mixture the name states (`8x7B` under an entry of `7b`: the entry's size came from
    its dense base model, as for Rakuten AI 2.0)."""
    entry_size = parse_size(entry["size"]).total if entry.get("size") else None
    for variant in entry.get("variants") or []:
        if variant.get("size"):
            continue
        size = size_in_name(plain(text_in(variant.get("label"), lang)), variant.get("repo"))
        if size is None:
            continue
        expert = size.split("x", 1)[1] if "x" in size else None
        if entry_size is None or (expert is not None and parse_size(expert).total == entry_size):
            variant["size"] = size


_SCOPE_NOISE = re.compile(r"モデル|models?\b|のみ|\bonly\b", re.IGNORECASE)
_GROUP_NOTE = re.compile(r"^[(（]\s*(?P<scope>[^()（）]+?)\s*モデル(?:は|のみ)\s*(?P<license>[^()（）]+?)\s*[)）]$")
_DEFAULT_SCOPES = ({"base"}, {"ベース"})


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[-_\s./()（）,]+", text.lower()) if word}


def bind_variant_licenses(entry: dict[str, Any], lang: str, license_id: Callable[[str], str | None]) -> None:
    """Bind licenses that name variants to those variants (their `license`): a scoped license
    (`instructモデル: CC BY-NC-SA 4.0`) to the variants whose label or repo name has every word of the scope,
    `base` to those no other scope names; a note naming a group (`(NC モデルは CC BY-NC 4.0)`, `(dpo モデルのみ
    CC BY 4.0)`) to that group, with the registered license it names (`license_id(name)`). When a variant
    would get two licenses, nothing is bound: the search then judges its entry by all its licenses."""
    variants = entry.get("variants") or []
    if len(variants) < 2:
        return
    words = [
        _words(plain(text_in(v.get("label"), lang))) | _words((v.get("repo") or "").rsplit("/", 1)[-1])
        for v in variants
    ]
    claims: dict[int, str] = {}
    defaults: list[str] = []

    def claim(tokens: set[str], lid: str) -> bool:
        matched = [i for i, have in enumerate(words) if tokens and tokens <= have]
        for i in matched:
            if claims.get(i, lid) != lid:
                return False
            claims[i] = lid
        return True

    for ref in entry.get("licenses") or []:
        lid = ref.get("id")
        if ref.get("scope") is not None and lid:
            tokens = _words(_SCOPE_NOISE.sub(" ", plain(text_in(ref["scope"], lang))))
            if tokens in _DEFAULT_SCOPES and not any(tokens <= have for have in words):
                defaults.append(lid)
            elif not claim(tokens, lid):
                return
        note = _GROUP_NOTE.match(plain(text_in(ref.get("note"), lang)).strip())
        if note:
            named = license_id(note.group("license"))
            if named and not claim(_words(note.group("scope")), named):
                return
    if len(defaults) > 1:
        return
    for i in range(len(variants)):
        lid = claims.get(i) or (defaults[0] if defaults else None)
        if lid:
            variants[i]["license"] = lid
