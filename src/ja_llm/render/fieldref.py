"""The field reference of the catalog schema, for contributors (CONTRIBUTING.md and CONTRIBUTING.ja.md).

The descriptions live in the schema (`ja_llm.model.schema`): every field has an English `description` and
a Japanese `json_schema_extra["description_ja"]`, and every model of `MODELS` says in its
`model_config["json_schema_extra"]` its heading (`heading`, `heading_ja`) and where it lives in a catalog
folder (`file`, `file_ja`). `render_field_reference(lang)` builds the Markdown reference by iterating each
model's `model_fields`, so a field added to the schema shows up at once; without a description it is
marked `(undocumented)` and the tests fail. `update_document(text, lang)` replaces the part of a document
between the `START` and `END` markers with the generated reference.

Regenerate both documents from the repository root with `python -m ja_llm.render.fieldref`
(`python -m ja_llm.render.fieldref --check` only reports whether they are current).
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import AfterValidator, BaseModel, StringConstraints

from ..model import schema
from ..model.schema import (
    Column,
    Entry,
    Footnote,
    HfAvailability,
    License,
    LicenseRef,
    ListInfo,
    Organization,
    Section,
    Variant,
    Verified,
)

START = "<!-- field-reference:start -->"
END = "<!-- field-reference:end -->"
UNDOCUMENTED = "(undocumented)"
LANGS = ("ja", "en")
DOCUMENTS = {"CONTRIBUTING.md": "en", "CONTRIBUTING.ja.md": "ja"}

# The models of the reference, in the order of the reference (a catalog folder from top to bottom).
MODELS: tuple[type[BaseModel], ...] = (
    ListInfo,
    Section,
    Column,
    Organization,
    License,
    Footnote,
    Entry,
    Variant,
    Verified,
    LicenseRef,
    HfAvailability,
)

# --- rendering -------------------------------------------------------------------------------------------

_WORDS = {
    "en": {
        "field": "field",
        "type": "type",
        "required": "required",
        "description": "description",
        "yes": "yes",
        "no": "no",
        "default": "default",
        "file": "File",
        "or": "or",
        "generated": "Generated from `src/ja_llm/model/schema.py` by `ja_llm.render.fieldref`: do not edit by hand.",
        "legend": (
            "Types: **text** is one string (the same in every language) or a table of languages "
            '`{ ja = "…", en = "…" }`, and may hold inline Markdown (links, bold, `<br>`, footnote references '
            "`[^id]`); **string** is a non-empty string; **id** is letters, digits, `.`, `_` and `-` "
            "(starting with a letter or digit); **language code** is `ja`, `en`, …; **repo id** is a Hugging Face "
            "`owner/name`; **URL** is an http(s) "
            "URL (or `#anchor`, `./path`); **column key** is a known column key or `x-<slug>`; `list[…]` is a TOML "
            "array and `map[…]` an inline table."
        ),
    },
    "ja": {
        "field": "フィールド",
        "type": "型",
        "required": "必須",
        "description": "説明",
        "yes": "はい",
        "no": "いいえ",
        "default": "既定値",
        "file": "ファイル",
        "or": "または",
        "generated": "`src/ja_llm/model/schema.py` から `ja_llm.render.fieldref` が生成。手で編集しないこと。",
        "legend": (
            '型: **text** は1つの文字列（どの言語でも同じ）または言語の表 `{ ja = "…", en = "…" }` で、'
            "インラインの Markdown（リンク、太字、`<br>`、脚注参照 `[^id]`）を含められる。**string** は空でない文字列。"
            "**id** は英数字と `.` `_` `-`（先頭は英数字）。**language code** は `ja`、`en` などの言語コード。"
            "**repo id** は Hugging Face の `owner/name`。**URL** は "
            "http(s) の URL（または `#anchor`、`./path`）。**column key** は既知の列のキーまたは `x-<slug>`。"
            "`list[…]` は TOML の配列、`map[…]` はインラインテーブル。"
        ),
    },
}


def _words(lang: str) -> dict[str, str]:
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r} (expected one of {', '.join(LANGS)})")
    return _WORDS[lang]


def _alias_metadata(alias: Any) -> tuple[Any, ...]:
    return tuple(typing.get_args(alias)[1:])


_NAMED_STRINGS: list[tuple[tuple[Any, ...], str]] = [
    (_alias_metadata(schema.Id), "id"),
    (_alias_metadata(schema.LangCode), "language code"),
    (_alias_metadata(schema.NonEmpty), "string"),
    (_alias_metadata(schema.RepoId), "repo id"),
    (_alias_metadata(schema.Url), "URL"),
]
_COLUMN_KEY_PATTERN = r"^([a-z_]+|x-[a-z0-9-]+)$"
_TEXT_ARGS = set(typing.get_args(schema.Text))


def _string_type(metadata: Sequence[Any]) -> str:
    meta = tuple(metadata)
    for known, name in _NAMED_STRINGS:
        if meta == known:
            return name
    for item in meta:
        if isinstance(item, StringConstraints) and item.pattern == _COLUMN_KEY_PATTERN:
            return "column key"
        if isinstance(item, AfterValidator):
            return f"string ({item.func.__name__.lstrip('_')})"
        if isinstance(item, StringConstraints) and item.pattern:
            return f"string matching `{item.pattern}`"
    return "string"


def _bounds(metadata: Sequence[Any], lang: str = "en") -> str:
    parts = []
    for item in metadata:  # annotated_types constraints (Ge, Gt, Le, Lt, MinLen), by attribute
        for attr, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if type(item).__name__.lower() == attr:
                parts.append(f"{sign} {getattr(item, attr)}")
        if type(item).__name__ == "MinLen" and getattr(item, "min_length", 0) > 0:
            parts.append(f"{item.min_length} 個以上" if lang == "ja" else f"at least {item.min_length}")
    if not parts:
        return ""
    return f"（{', '.join(parts)}）" if lang == "ja" else f" ({', '.join(parts)})"


def type_text(annotation: Any, metadata: Sequence[Any] = (), lang: str = "en") -> str:
    """A short readable form of a field's type: `text`, `id`, `list[Variant]`, `` `yes`, `no` ``, `int ≥ 1`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        return type_text(base, list(meta) + list(metadata), lang)
    if annotation is str:
        return _string_type(metadata)
    if annotation is type(None):
        return "none"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__ + _bounds(metadata, lang)
    if isinstance(annotation, type) and annotation in (int, float, bool):
        return annotation.__name__ + _bounds(metadata, lang)
    if origin is typing.Literal:
        return ", ".join(f"`{value}`" if value != "" else '`""`' for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        parts: list[str] = []
        if _TEXT_ARGS and _TEXT_ARGS.issubset(args):
            parts.append("text")
            args = [a for a in args if a not in _TEXT_ARGS]
        parts.extend(type_text(a, (), lang) for a in args)
        text = f" {_words(lang)['or']} ".join(parts)
        return text + _bounds(metadata, lang)
    if origin in (list, tuple, set, frozenset):
        items = typing.get_args(annotation)
        inner = type_text(items[0], (), lang) if items else "any"
        return f"list[{inner}]" + _bounds(metadata, lang)
    if origin is dict:
        key, value = typing.get_args(annotation) or (Any, Any)
        return f"map[{type_text(key, (), lang)}, {type_text(value, (), lang)}]" + _bounds(metadata, lang)
    if annotation is typing.Any:
        return "any"
    return getattr(annotation, "__name__", str(annotation))


def _extra(extra: Any) -> dict[str, Any]:
    return extra if isinstance(extra, dict) else {}


def _key(key: str, lang: str) -> str:
    """The key of a text in a language: the English one is the plain key (`description`), any other
    language's has its code appended (`description_ja`)."""
    return key if lang == "en" else f"{key}_{lang}"


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def field_doc(model: type[BaseModel], field: str, lang: str) -> str | None:
    """The description of a field in a language (None when missing): the field's `description` in English,
    its `json_schema_extra["description_<lang>"]` in another language."""
    info = model.model_fields[field]
    if lang == "en":
        return _text(info.description)
    return _text(_extra(info.json_schema_extra).get(_key("description", lang)))


def model_doc(model: type[BaseModel], key: str, lang: str) -> str | None:
    """A model's `heading` or `file` in a language (None when missing), from its
    `model_config["json_schema_extra"]`. A `file` without a `file_<lang>` is the same in every language."""
    extra = _extra(model.model_config.get("json_schema_extra"))
    text = _text(extra.get(_key(key, lang)))
    if text is None and key == "file":
        text = _text(extra.get(key))
    return text


def missing_docs(models: Iterable[type[BaseModel]] = MODELS) -> list[str]:
    """What lacks a non-empty text in some language: `Model (heading, lang)`, `Model (file, lang)` and
    `Model.field (lang)`."""
    missing: list[str] = []
    for model in models:
        for key in ("heading", "file"):
            missing.extend(f"{model.__name__} ({key}, {lang})" for lang in LANGS if model_doc(model, key, lang) is None)
        for name in model.model_fields:
            missing.extend(
                f"{model.__name__}.{name} ({lang})" for lang in LANGS if field_doc(model, name, lang) is None
            )
    return missing


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _required(field: Any, lang: str) -> str:
    words = _words(lang)
    if field.is_required():
        return words["yes"]
    default = field.default
    if default is None or default == [] or default == {} or default == "":
        return words["no"]
    sep = "（" if lang == "ja" else " ("
    end = "）" if lang == "ja" else ")"
    return f"{words['no']}{sep}{words['default']} `{default}`{end}"


def render_field_reference(lang: str, models: Iterable[type[BaseModel]] = MODELS) -> str:
    """The Markdown field reference: for each model a `####` heading and a table of its fields."""
    words = _words(lang)
    out = [f"<!-- {words['generated']} -->", "", words["legend"], ""]
    for model in models:
        heading = model_doc(model, "heading", lang) or model_doc(model, "heading", "en") or model.__name__
        file = model_doc(model, "file", lang) or UNDOCUMENTED
        out.append(f"#### {heading}: `{model.__name__}`")
        out.append("")
        out.append(f"{words['file']}: {file}")
        out.append("")
        out.append(f"| {words['field']} | {words['type']} | {words['required']} | {words['description']} |")
        out.append("|---|---|---|---|")
        for name, field in model.model_fields.items():
            kind = type_text(field.annotation, field.metadata, lang)
            doc = field_doc(model, name, lang) or UNDOCUMENTED
            out.append(f"| `{name}` | {_cell(kind)} | {_required(field, lang)} | {_cell(doc)} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def update_document(text: str, lang: str) -> str:
    """`text` with the part between START and END replaced by the generated reference (markers kept)."""
    start = text.find(START)
    end = text.find(END)
    if start < 0 or end < 0:
        missing = " and ".join(m for m, i in ((START, start), (END, end)) if i < 0)
        raise ValueError(f"the document has no {missing} marker")
    if text.count(START) > 1 or text.count(END) > 1:
        raise ValueError("the document has more than one field-reference marker pair")
    if end < start:
        raise ValueError(f"{END} comes before {START}")
    head = text[: start + len(START)]
    tail = text[end:]
    return f"{head}\n\n{render_field_reference(lang)}\n{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m ja_llm.render.fieldref [--check] [ROOT]`: regenerate (or check) the reference in CONTRIBUTING*.md."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    root = Path(args[0]) if args else Path.cwd()
    stale = []
    for name, lang in DOCUMENTS.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        updated = update_document(text, lang)
        if updated != text:
            stale.append(name)
            if not check:
                path.write_text(updated, encoding="utf-8")
    for name in stale:
        print(f"{name}: {'out of date' if check else 'updated'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
