"""An entry as a flat set of facts that two versions can be compared by, field by field and language by
language: `name.ja`, `training_data.en`, `year`, `licenses`, `developers`, and per variant
`variants[rinna/gemma-2-baku-2b].label.en` (a variant is known by its repo, else by its label).

The same function reads an entry of the catalog and a row of a version of the list (the importer's entry,
the same shape), so "what the catalog has" and "what the list says" are compared as equals. A text of one
string counts for every language; a language a table lacks is no fact (so a list without a French
translation says nothing about the French texts). Developers are compared as the catalog's organization ids
the names lead to (the list names organizations, the catalog merged some of them under one id with aliases).
Each fact's value is kept as it is, and stored as a short digest (`digest`) in the sync state.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..model.inline import plain
from ..model.schema import Entry, Variant

SKIPPED = frozenset({"position", "variants", "reviewed"})  # position: order, not content; the others below
VARIANT_FIELDS = ("label", "size", "repo", "url")  # what a row of the list says about a variant


def _is_text(annotation: Any) -> bool:
    """A field that may be a table of languages (Text, LinkUrl)."""
    if typing.get_origin(annotation) is dict:
        return True
    return any(_is_text(arg) for arg in typing.get_args(annotation))


def _text_fields(model: type[Any]) -> frozenset[str]:
    return frozenset(name for name, info in model.model_fields.items() if _is_text(info.annotation))


ENTRY_TEXTS = _text_fields(Entry) - {"footnotes", "extra"}
VARIANT_TEXTS = _text_fields(Variant)


def digest(value: Any) -> str:
    """A short digest of a fact's value (what the sync state keeps of the list's version)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _texts(prefix: str, value: Any, languages: Iterable[str], out: dict[str, Any]) -> None:
    for lang in languages:
        if isinstance(value, str):
            out[f"{prefix}.{lang}"] = value
        elif isinstance(value, Mapping) and value.get(lang) is not None:
            out[f"{prefix}.{lang}"] = value[lang]


def norm_name(text: str) -> str:
    return re.sub(r"\s+", " ", plain(text)).strip().casefold()


def variant_key(variant: Mapping[str, Any], main: str) -> str:
    """How a variant is known across versions: its repo (case does not matter on the Hub), else its label."""
    repo = variant.get("repo")
    if repo:
        return str(repo).lower()
    label = variant.get("label")
    text = label if isinstance(label, str) else (label or {}).get(main) or next(iter((label or {}).values()), "")
    return "label:" + norm_name(str(text or ""))


def entry_facts(
    data: Mapping[str, Any], languages: list[str], developers: Callable[[list[str]], list[str]]
) -> dict[str, Any]:
    """The facts of an entry (the catalog's `model_dump(mode="json", exclude_none=True, exclude_defaults=True)`
    or an imported row), in `languages` only. `developers` turns the entry's developer ids into the ids the
    comparison uses."""
    facts: dict[str, Any] = {}
    for key, value in data.items():
        if key in SKIPPED:
            continue
        if key == "developers":
            facts[key] = developers(list(value))
        elif key in ENTRY_TEXTS:
            _texts(key, value, languages, facts)
        else:
            facts[key] = value
    for variant in data.get("variants") or []:
        known = variant_key(variant, languages[0])
        for field in VARIANT_FIELDS:
            if field not in variant:
                continue
            if field in VARIANT_TEXTS:
                _texts(f"variants[{known}].{field}", variant[field], languages, facts)
            else:
                facts[f"variants[{known}].{field}"] = variant[field]
    return facts


def footnote_facts(text: Any, languages: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _texts("text", text, languages, out)
    return out


def split_key(key: str) -> tuple[str | None, str, str | None]:
    """`variants[x].label.en` -> ("x", "label", "en"); `year` -> (None, "year", None)."""
    variant = None
    if key.startswith("variants["):
        variant, _, key = key[len("variants[") :].partition("].")
    field, _, lang = key.partition(".")
    return variant, field, lang or None


def merge_text(current: Any, changes: Mapping[str, str | None], languages: list[str]) -> Any:
    """A text (one string or a table of languages) with some languages' texts replaced (None: removed): one
    string again when every language has the same text, else a table in the catalog's language order; None
    when no language has a text left."""
    by_lang: dict[str, str] = {}
    for lang in languages:
        if isinstance(current, str):
            by_lang[lang] = current
        elif isinstance(current, Mapping) and current.get(lang) is not None:
            by_lang[lang] = current[lang]
    if isinstance(current, Mapping):  # languages outside the catalog's stay as they are
        for lang, text in current.items():
            by_lang.setdefault(lang, text)
    for lang, text in changes.items():
        if text is None:
            by_lang.pop(lang, None)
        else:
            by_lang[lang] = text
    if not by_lang:
        return None
    values = set(by_lang.values())
    if len(values) == 1 and set(by_lang) >= set(languages):
        return next(iter(values))
    order = [*languages, *(lang for lang in by_lang if lang not in languages)]
    return {lang: by_lang[lang] for lang in order if lang in by_lang}
