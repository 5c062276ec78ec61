"""The field reference of the catalog schema, for contributors (CONTRIBUTING.md and CONTRIBUTING.ja.md).

`FIELD_DOCS` describes every field of every model of `schema.py` in Japanese and English; `MODELS` says
where each model lives in a catalog folder. `render_field_reference(lang)` builds the Markdown reference
by iterating each model's `model_fields`, so a field added to the schema shows up at once; without a
description it is marked `(undocumented)` and the tests fail. `update_document(text, lang)` replaces the
part of a document between the `START` and `END` markers with the generated reference.

Regenerate both documents from the repository root with `python -m ja_llm.fieldref`
(`python -m ja_llm.fieldref --check` only reports whether they are current).
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import AfterValidator, BaseModel, StringConstraints

from .model import schema
from .model.schema import (
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
)
from .model.vocab import COLUMN_KEYS, MODEL_KINDS

START = "<!-- field-reference:start -->"
END = "<!-- field-reference:end -->"
UNDOCUMENTED = "(undocumented)"
LANGS = ("ja", "en")
DOCUMENTS = {"CONTRIBUTING.md": "en", "CONTRIBUTING.ja.md": "ja"}


class ModelDoc(NamedTuple):
    title: dict[str, str]  # language -> heading
    file: str | dict[str, str]  # where the model lives in a catalog folder (Markdown; per language or not)
    model: type[BaseModel]


MODELS: list[ModelDoc] = [
    ModelDoc({"ja": "リスト", "en": "The list"}, "`catalog.toml`", ListInfo),
    ModelDoc({"ja": "セクション", "en": "Section"}, "`sections.toml` → `[[section]]`", Section),
    ModelDoc(
        {"ja": "セクションの列", "en": "Section column"},
        "`sections.toml` → `[[section]]` → `columns = [ { … }, … ]`",
        Column,
    ),
    ModelDoc({"ja": "組織", "en": "Organization"}, "`organizations.toml` → `[[organization]]`", Organization),
    ModelDoc({"ja": "ライセンス", "en": "License"}, "`licenses.toml` → `[[license]]`", License),
    ModelDoc({"ja": "脚注", "en": "Footnote"}, "`footnotes.toml` → `[[footnote]]`", Footnote),
    ModelDoc(
        {"ja": "エントリ（モデル・ベンチマーク・論文）", "en": "Entry (model, benchmark or paper)"},
        "`models/<org>/<slug>.toml`, `benchmarks/<slug>.toml`, `papers/<slug>.toml`",
        Entry,
    ),
    ModelDoc(
        {"ja": "バリアント", "en": "Variant"},
        {"ja": "エントリのファイル → `[[variants]]`", "en": "entry file → `[[variants]]`"},
        Variant,
    ),
    ModelDoc(
        {"ja": "エントリのライセンス", "en": "License of an entry"},
        {"ja": "エントリのファイル → `[[licenses]]`", "en": "entry file → `[[licenses]]`"},
        LicenseRef,
    ),
    ModelDoc(
        {"ja": "Hugging Face での利用可否", "en": "Hugging Face availability"},
        {"ja": "エントリのファイル → `hf = { … }`", "en": "entry file → `hf = { … }`"},
        HfAvailability,
    ),
]

_COLUMN_KEYS = ", ".join(f"`{key}`" for key in COLUMN_KEYS)
_MODEL_KINDS = ", ".join(f"`{kind}`" for kind in MODEL_KINDS)

FIELD_DOCS: dict[str, dict[str, dict[str, str]]] = {
    "ListInfo": {
        "title": {
            "ja": "リストのタイトル（生成される一覧の最上位の見出し）。",
            "en": "The list's title (the top heading of the generated list).",
        },
        "languages": {
            "ja": 'リストの言語コード（`["ja", "en"]`）。すべてのテキストはこれらの言語ごとに書く。翻訳が欠けていると `ja-llm validate` が警告する。',
            "en": 'The list\'s language codes (`["ja", "en"]`). Every text is written in each of them; a missing translation is a warning of `ja-llm validate`.',
        },
        "preamble": {
            "ja": "最初のセクションより前に置く Markdown（注意書き、はじめに）。複数行の文字列でよい。",
            "en": "Markdown before the first section (notices, introduction). May be a multi-line string.",
        },
        "postscript": {
            "ja": "最後のセクションの後、脚注の前に置く Markdown。",
            "en": "Markdown after the last section, before the footnotes.",
        },
    },
    "Section": {
        "id": {
            "ja": "セクションの id（英数字と `.` `_` `-`）。見出しのアンカー（`#id` のリンク先）でもあり、エントリの `section` が参照する。",
            "en": "The section's id (letters, digits, `.`, `_`, `-`). It is also the heading's anchor (the target of `#id` links); entries name it in `section`.",
        },
        "parent": {
            "ja": "親セクションの id。省略するとトップレベルのセクション。親の下で見出しが1段深くなる。",
            "en": "The id of the parent section; omitted for a top-level section. The heading nests one level under its parent.",
        },
        "order": {
            "ja": "同じ親を持つセクションの並び順（小さい順）。間に入れられるよう 10, 20, … と間をあけて付ける。",
            "en": "The order among the sections of the same parent (ascending). Leave gaps (10, 20, …) so that sections can go in between.",
        },
        "kind": {
            "ja": f"種類: {_MODEL_KINDS}（モデル。エントリは `models/<org>/`）, `benchmark`（`benchmarks/`）, `paper`（`papers/`）。",
            "en": f"The kind: {_MODEL_KINDS} (models; entries under `models/<org>/`), `benchmark` (`benchmarks/`) or `paper` (`papers/`).",
        },
        "title": {
            "ja": "見出しのテキスト。",
            "en": "The heading text.",
        },
        "layout": {
            "ja": "`table`（エントリを表の行として表示）、`list`（箇条書き）、`text`（見出しと本文だけで、子セクションをまとめる）。",
            "en": "`table` (entries are the rows of a table), `list` (a bulleted list) or `text` (a heading and text only, grouping subsections).",
        },
        "intro": {
            "ja": "見出しと表（または箇条書き）の間に置く Markdown。",
            "en": "Markdown between the heading and the table or list.",
        },
        "outro": {
            "ja": "表（または箇条書き）の後に置く Markdown。",
            "en": "Markdown after the table or list.",
        },
        "columns": {
            "ja": '表の列（左から順に）。各列は `{ key = "…", header = … }`（下の「セクションの列」を参照）。',
            "en": 'The table\'s columns, left to right. Each is `{ key = "…", header = … }` (see “Section column” below).',
        },
    },
    "Column": {
        "key": {
            "ja": f"列のキー。既知のキー（{_COLUMN_KEYS}）は同名のエントリのフィールドを表示する（`developer` は `developers`、`license` は `licenses`、`context` は `context_length` または `context`）。それ以外の列は `x-<slug>` とし、セルはエントリの `extra` に書く。",
            "en": f"The column key. A known key ({_COLUMN_KEYS}) shows the entry field of that name (`developer` shows `developers`, `license` shows `licenses`, `context` shows `context_length` or `context`). Any other column is `x-<slug>`; its cells are in the entries' `extra`.",
        },
        "header": {
            "ja": '列見出しのテキスト。見出しが空の列（名前の列など）は `""`。',
            "en": 'The column header text; `""` for a column without a header (such as the name column).',
        },
    },
    "Organization": {
        "id": {
            "ja": "組織の id。エントリの `developers` が参照する。エントリの最初の開発元の id が `models/<org>/` のフォルダ名になる。",
            "en": "The organization's id. Entries name it in `developers`; the id of an entry's first developer is its folder `models/<org>/`.",
        },
        "name": {
            "ja": '表示名。言語で異なる場合は `{ ja = "…", en = "…" }`。',
            "en": 'The name shown; `{ ja = "…", en = "…" }` when it differs between languages.',
        },
        "url": {
            "ja": "組織のウェブサイト（http(s) URL）。",
            "en": "The organization's website (an http(s) URL).",
        },
    },
    "License": {
        "id": {
            "ja": "ライセンスの id（`apache-2.0`, `cc-by-nc-4.0` など）。エントリの `[[licenses]]` の `id` とバリアントの `license` が参照する。",
            "en": "The license's id (`apache-2.0`, `cc-by-nc-4.0`, …). Entries name it in `[[licenses]]` `id` and variants in `license`.",
        },
        "name": {
            "ja": "表示名（`Apache 2.0`, `CC BY-NC 4.0`）。",
            "en": "The name shown (`Apache 2.0`, `CC BY-NC 4.0`).",
        },
        "url": {
            "ja": "ライセンス本文の URL。",
            "en": "The URL of the license text.",
        },
        "commercial": {
            "ja": "商用利用の可否: `yes`（可）、`no`（不可）、`conditional`（条件付き。`conditions` に条件を書く）、`unknown`（不明）。",
            "en": "Commercial use: `yes`, `no`, `conditional` (allowed under conditions; describe them in `conditions`) or `unknown`.",
        },
        "conditions": {
            "ja": "商用利用の条件の短い説明（`conditional` のとき）。",
            "en": "A short note on the conditions of commercial use (for `conditional`).",
        },
        "aliases": {
            "ja": "インポータがこのライセンスと認識する別表記（`Apache-2.0`, `Apache License 2.0`）。",
            "en": "Other spellings the importer recognises as this license (`Apache-2.0`, `Apache License 2.0`).",
        },
    },
    "Footnote": {
        "id": {
            "ja": "脚注の id（`13` など）。テキスト中では `[^13]` と書き、エントリの `footnotes` でも参照する。",
            "en": "The footnote's id (such as `13`). Texts reference it as `[^13]`; entries also list it in `footnotes`.",
        },
        "text": {
            "ja": "脚注の本文（Markdown）。",
            "en": "The footnote's text (Markdown).",
        },
    },
    "Entry": {
        "section": {
            "ja": "エントリを載せるセクションの id（`sections.toml` の `[[section]]` の `id`）。セクションの `kind` がファイルの置き場所を決める。",
            "en": "The id of the section the entry appears in (an `id` of `sections.toml`). The section's `kind` decides where the file lives.",
        },
        "position": {
            "ja": "セクション内での並び順（小さい順）。間に入れられるよう 10, 20, … と間をあける。",
            "en": "The order inside the section (ascending). Leave gaps (10, 20, …) so that entries can go in between.",
        },
        "name": {
            "ja": "表示名（`name` 列）。エントリの id は名前ではなくファイルのパス（`models/sb-intuitions/sarashina2-8x70b`）で、id のフィールドはない。",
            "en": "The name shown (the `name` column). The entry's id is not its name but its file path (`models/sb-intuitions/sarashina2-8x70b`); there is no id field.",
        },
        "url": {
            "ja": "名前のリンク先（発表記事、論文、リポジトリ）。",
            "en": "The link of the name (announcement, paper, repository).",
        },
        "anchor": {
            "ja": "他の行がリンクする HTML アンカー（`elyza-tasks` なら `#elyza-tasks`）。",
            "en": "An HTML anchor other rows link to (`elyza-tasks` for `#elyza-tasks`).",
        },
        "year": {
            "ja": "公開年（`year` 列）。",
            "en": "The release year (the `year` column).",
        },
        "size": {
            "ja": "エントリ全体のパラメータ数。サイズを持たないバリアントに使われる。書式はバリアントの `size` と同じ（`7b`, `1b(1.4b)`, `8x70b (465b)`, `32b-a3b`）。",
            "en": "The parameter count of the whole entry, used for variants that give none. Same format as a variant's `size` (`7b`, `1b(1.4b)`, `8x70b (465b)`, `32b-a3b`).",
        },
        "architecture": {
            "ja": "アーキテクチャ（`architecture` 列）: `Llama`, `MoE`, `BERT (base)` など。",
            "en": "The architecture (the `architecture` column): `Llama`, `MoE`, `BERT (base)`, ….",
        },
        "base_model": {
            "ja": "ベースのモデル（`base_model` 列）。太字でサイズを示せる: `Llama 2 (**70b**)`。",
            "en": "The base model (the `base_model` column); sizes may be bold: `Llama 2 (**70b**)`.",
        },
        "merged_from": {
            "ja": "マージ元のモデル（`merged_from` 列）。日本語 LLM は太字。",
            "en": "The models merged (the `merged_from` column); Japanese LLMs in bold.",
        },
        "context_length": {
            "ja": "扱えるトークン数（`context` 列、1 以上の整数: `8192`）。",
            "en": "The context length in tokens (the `context` column; an integer ≥ 1: `8192`).",
        },
        "context": {
            "ja": "トークン数が1つの数で書けないときの `context` 列のテキスト（`7b, 13b: 4,096<br>70b: 8,192`）。",
            "en": "The `context` cell when it is more than one number (`7b, 13b: 4,096<br>70b: 8,192`).",
        },
        "domain": {
            "ja": 'ドメイン（`domain` 列）: `{ ja = "政治", en = "Politics" }`。',
            "en": 'The domain (the `domain` column): `{ ja = "政治", en = "Politics" }`.',
        },
        "training_data": {
            "ja": "学習データ（`training_data` 列）。",
            "en": "The training data (the `training_data` column).",
        },
        "platform": {
            "ja": "プラットフォーム（`platform` 列、リーダーボードなど）。",
            "en": "The platform (the `platform` column, for leaderboards and the like).",
        },
        "description": {
            "ja": "説明（`description` 列、ベンチマークなど）。",
            "en": "The description (the `description` column, for benchmarks and the like).",
        },
        "date": {
            "ja": "初出時期（`date` 列、論文）。書かれたままの文字列: `2018.10.11`。",
            "en": "The date of first publication (the `date` column, for papers), as written: `2018.10.11`.",
        },
        "venue": {
            "ja": "会議・ジャーナル（`venue` 列、論文）: `NAACL 2019`。",
            "en": "The meeting or journal (the `venue` column, for papers): `NAACL 2019`.",
        },
        "paper": {
            "ja": "論文（`paper` 列）。通常はリンク: `[タイトル](https://…)`。",
            "en": "The paper (the `paper` column), usually a link: `[Title](https://…)`.",
        },
        "developers": {
            "ja": "開発元の組織 id のリスト（`organizations.toml`、`developer` 列）。最初の id が `models/<org>/` のフォルダ名。",
            "en": "The developers as organization ids (`organizations.toml`; the `developer` column). The first one is the `<org>` folder of `models/<org>/`.",
        },
        "developer_note": {
            "ja": "箇条書き（`list`）のセクションで、開発元を書かれたままのテキストで示すとき。",
            "en": "For list sections: the developer text as written.",
        },
        "licenses": {
            "ja": "ライセンス（`license` 列）。`[[licenses]]` ブロックを1つずつ書く（下の「エントリのライセンス」を参照）。",
            "en": "The licenses (the `license` column), one `[[licenses]]` block each (see “License of an entry” below).",
        },
        "hf": {
            "ja": 'Hugging Face ですぐ使えるか（`hf` 列）: `hf = { status = "yes" }`（下の「Hugging Face での利用可否」を参照）。',
            "en": 'Whether it is ready to use with Hugging Face (the `hf` column): `hf = { status = "yes" }` (see “Hugging Face availability” below).',
        },
        "variants_in": {
            "ja": "バリアントを表示する列のキー（`name`, `architecture`, `hf` など）。セクションの列にあるキーでなければならない。",
            "en": "The key of the column whose cell shows the variants (`name`, `architecture`, `hf`, …); it must be one of the section's columns.",
        },
        "variants_style": {
            "ja": "バリアントの表示形式: `parens`（既定。セルのテキストの後に `(7b, 13b)` のようにリンクを括弧で並べる）、`lines`（1行に1リンク）、`link`（セルのテキストそのものが1つのバリアントへのリンク）。`parens` 以外では各バリアントに `repo` か `url` が必要。",
            "en": "How the variants are shown: `parens` (the default: links in parentheses after the cell's text, `(7b, 13b)`), `lines` (one link per line) or `link` (the cell's text itself links to one variant). Except with `parens`, every variant needs a `repo` or a `url`.",
        },
        "footnotes": {
            "ja": '列のキー → 脚注 id のリスト。そのセルの内容の後に付く脚注: `footnotes = { license = ["13"] }`。テキストの途中の脚注は `[^13]` と書く。',
            "en": 'Column key → footnote ids referenced after that cell\'s content: `footnotes = { license = ["13"] }`. A footnote inside a text is written `[^13]`.',
        },
        "extra": {
            "ja": "スキーマにフィールドがない列（`x-<slug>`）のセル。列のキー → テキスト。",
            "en": "Cells of columns the schema has no field for (`x-<slug>`): column key → text.",
        },
        "variants": {
            "ja": "公開されている個々のモデル。`[[variants]]` ブロックを1つずつ書く（下の「バリアント」を参照）。",
            "en": "The released models, one `[[variants]]` block each (see “Variant” below).",
        },
    },
    "Variant": {
        "label": {
            "ja": "一覧に表示されるラベル（太字なし）: `172b-instruct2`, `small`。",
            "en": "The label the list shows, without bold: `172b-instruct2`, `small`.",
        },
        "size": {
            "ja": "書かれたままのパラメータ数: `7b`, `110m`, `1b(1.4b)`（括弧内が正確な数）、`8x70b (465b)`（MoE、括弧内が総数）、`32b-a3b`（総数32b、アクティブ3b）。`small` のような名前だけのサイズはラベルに書く。",
            "en": "The parameter count as written: `7b`, `110m`, `1b(1.4b)` (the number in parentheses is exact), `8x70b (465b)` (MoE, 465b in total), `32b-a3b` (32b in total, 3b active). Named sizes like `small` go in the label.",
        },
        "repo": {
            "ja": "Hugging Face のモデルリポジトリ id（`owner/name`）。1つのリポジトリは1つのエントリにしか使えない。",
            "en": "The Hugging Face model repo id (`owner/name`). A repo can belong to one entry only.",
        },
        "url": {
            "ja": "Hugging Face のモデルリポジトリでないときのリンク。",
            "en": "Its own link, when it is not a Hugging Face model repo.",
        },
        "license": {
            "ja": "エントリと異なるときのこのバリアントのライセンス id（`licenses.toml`）。",
            "en": "Its own license id (`licenses.toml`), when it differs from the entry's.",
        },
        "aliases": {
            "ja": "以前のリポジトリ id（組織の改名など）。検索で見つかる。",
            "en": "Former repo ids (renamed organizations); search finds them.",
        },
    },
    "LicenseRef": {
        "id": {
            "ja": "`licenses.toml` のライセンス id。登録されていないライセンスは `id` を書かず `text` を使う。`id` か `text` のどちらかが必要。",
            "en": "A license id of `licenses.toml`. For a license not in the registry, leave `id` out and use `text`. An `id` or a `text` is required.",
        },
        "text": {
            "ja": '書かれたままのライセンス名（登録されていないとき、または登録名と表記が違うとき）。不明なら `"？"`。',
            "en": 'The license as written, when it is free text or spelled unlike the registry name; `"？"` when unknown.',
        },
        "scope": {
            "ja": "このライセンスが適用されるモデル: `instruct モデル`。",
            "en": 'Which models it covers: `{ ja = "instruct モデル", en = "instruct models" }`.',
        },
        "note": {
            "ja": "ライセンス名の後の補足: `(?)`, `(NC モデルは CC BY-NC 4.0)`。",
            "en": "A remark after the name: `(?)`, `(CC BY-NC 4.0 for the NC models)`.",
        },
    },
    "HfAvailability": {
        "status": {
            "ja": "`yes`（◯: Model Hub にあり、すぐ読み込める）、`partial`（△: transformers 形式だが Model Hub にない）、`no`（✕: 対応していない）。",
            "en": "`yes` (◯: on the Model Hub, loads at once), `partial` (△: in transformers format but not on the Model Hub) or `no` (✕: not supported).",
        },
        "note": {
            "ja": "マークの後に書く補足（非公式の変換モデルへのリンクなど）。",
            "en": "A remark shown after the mark (a link to an unofficial conversion, …).",
        },
    },
}

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
        "generated": "Generated from `src/ja_llm/schema.py` by `ja_llm.fieldref`: do not edit by hand.",
        "legend": (
            "Types: **text** is one string (the same in every language) or a table of languages "
            '`{ ja = "…", en = "…" }`, and may hold inline Markdown (links, bold, `<br>`, footnote references '
            "`[^id]`); **string** is a non-empty string; **id** is letters, digits, `.`, `_` and `-` "
            "(starting with a letter or digit); **language code** is `ja`, `en`, …; **repo id** is a Hugging Face `owner/name`; **URL** is an http(s) "
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
        "generated": "`src/ja_llm/schema.py` から `ja_llm.fieldref` が生成。手で編集しないこと。",
        "legend": (
            '型: **text** は1つの文字列（どの言語でも同じ）または言語の表 `{ ja = "…", en = "…" }` で、'
            "インラインの Markdown（リンク、太字、`<br>`、脚注参照 `[^id]`）を含められる。**string** は空でない文字列。"
            "**id** は英数字と `.` `_` `-`（先頭は英数字）。**language code** は `ja`、`en` などの言語コード。**repo id** は Hugging Face の `owner/name`。**URL** は "
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
        args = typing.get_args(annotation)
        inner = type_text(args[0], (), lang) if args else "any"
        return f"list[{inner}]" + _bounds(metadata, lang)
    if origin is dict:
        key, value = typing.get_args(annotation) or (Any, Any)
        return f"map[{type_text(key, (), lang)}, {type_text(value, (), lang)}]" + _bounds(metadata, lang)
    if annotation is typing.Any:
        return "any"
    return getattr(annotation, "__name__", str(annotation))


def field_doc(model: type[BaseModel], field: str, lang: str) -> str | None:
    """The description of a field in a language, looked up along the model's bases (None when missing)."""
    for cls in model.__mro__:
        docs = FIELD_DOCS.get(cls.__name__, {})
        if field in docs:
            text = docs[field].get(lang, "").strip()
            return text or None
    return None


def missing_docs(models: Iterable[ModelDoc | tuple] = MODELS) -> list[str]:
    """`Model.field (lang)` for every field without a non-empty description in every language."""
    missing = []
    for item in models:
        model = item[2]
        for name in model.model_fields:
            for lang in LANGS:
                if field_doc(model, name, lang) is None:
                    missing.append(f"{model.__name__}.{name} ({lang})")
    return missing


def stale_docs(models: Iterable[ModelDoc | tuple] = MODELS) -> list[str]:
    """`Model.field` for every description in FIELD_DOCS whose field no longer exists in the schema."""
    fields = {item[2].__name__: set(item[2].model_fields) for item in models}
    stale = []
    for model_name, docs in FIELD_DOCS.items():
        if model_name not in fields:
            stale.append(f"{model_name} (not in MODELS)")
            continue
        stale.extend(f"{model_name}.{name}" for name in docs if name not in fields[model_name])
    return stale


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


def render_field_reference(lang: str, models: Iterable[ModelDoc | tuple] = MODELS) -> str:
    """The Markdown field reference: for each model a `####` heading and a table of its fields."""
    words = _words(lang)
    out = [f"<!-- {words['generated']} -->", "", words["legend"], ""]
    for item in models:
        title, file, model = item[0], item[1], item[2]
        heading = title.get(lang) or title.get("en") or model.__name__
        if isinstance(file, dict):
            file = file.get(lang) or file.get("en") or ""
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
    """`python -m ja_llm.fieldref [--check] [ROOT]`: regenerate (or check) the reference in CONTRIBUTING*.md."""
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
