"""The catalog schema: every file of a catalog folder and every field, strict (unknown keys are errors).

A catalog folder holds:

- `catalog.toml`: the list itself (title, languages, preamble text);
- `sections.toml`: the taxonomy as data (`[[section]]`: id, parent, order, kind, title, columns);
- `organizations.toml`, `licenses.toml`, `footnotes.toml`: registries referenced by id;
- one TOML file per entry: `models/<org>/<slug>.toml`, `benchmarks/<slug>.toml`, `papers/<slug>.toml`.
  The file path is the id (`models/llm-jp/llm-jp-3-172b`); entries carry no id field.

A *text* a reader sees is either one string (the same in every language: names, numbers, code) or a table
of languages (`{ ja = "…", en = "…" }`); adding a language needs no schema change. Texts may hold a small
inline Markdown: links, bold, `<br>` and footnote references `[^id]`.

Every field documents itself in English and Japanese: `Field(description=<English>,
json_schema_extra={"description_ja": <Japanese>})`. Every model of a catalog file gives, in its
`model_config["json_schema_extra"]`, a heading (`heading`, `heading_ja`) and where it lives in a catalog
folder (`file`, and `file_ja` when the Japanese differs). `ja_llm.render.fieldref` renders them as the field
reference of CONTRIBUTING.md and CONTRIBUTING.ja.md; `model_json_schema()` carries them too.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .sizes import Size, parse_size
from .vocab import COLUMN_KEYS, COMMERCIAL_CLASSES, HF_STATUSES, KINDS, MODEL_KINDS

LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Text = NonEmpty | dict[LangCode, str]  # "" in a table: the text is empty in that language on purpose
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_URL = re.compile(r"^(https?://[^\s/$.?#][^\s]*|#[^\s]+|\.{0,2}/[^\s]*)$")


def _check_repo(value: str | None) -> str | None:
    if value is not None and (not _REPO.match(value) or "--" in value or ".." in value):
        raise ValueError(f"{value!r} is not a Hugging Face repo id (expected owner/name)")
    return value


def _check_url(value: str | None) -> str | None:
    if value is not None and not _URL.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


RepoId = Annotated[str, AfterValidator(_check_repo)]
Url = Annotated[str, AfterValidator(_check_url)]
# A link that may differ per language (an English press release); one string when it is the same.
LinkUrl = Url | dict[LangCode, Url]

# The vocabularies as the descriptions list them.
_COLUMN_KEYS = ", ".join(f"`{key}`" for key in COLUMN_KEYS)
_MODEL_KINDS = ", ".join(f"`{kind}`" for kind in MODEL_KINDS)


# The list's prose fields keep raw HTML (upstream comments rows out with <!-- -->); every other text escapes it.
_RAW_HTML_KEPT = " Raw HTML (e.g. a comment) is kept here; in every other text it is shown as text."
_RAW_HTML_KEPT_JA = "生の HTML（コメントなど）はここではそのまま出力する。ほかのテキストでは文字として表示する。"


# Bounds of the numbers, so that every later stage handles what validate passes (the search keeps years in
# 32-bit and the other numbers in 64-bit arrays; the site's JSON needs finite numbers).
MIN_YEAR, MAX_YEAR = 1000, 9999
MAX_CONTEXT = 10**12  # tokens
MAX_ORDER = 10**9


class Strict(BaseModel):
    """Unknown keys are errors and nothing is coerced (`year = "2024"`, `year = true` and
    `context_length = "8192"` are errors, not numbers)."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=False, strict=True)


# --- the list ------------------------------------------------------------------------------------------


class ListInfo(Strict):
    """`catalog.toml`: the list as a document."""

    model_config = ConfigDict(
        json_schema_extra={"heading": "The list", "heading_ja": "リスト", "file": "`catalog.toml`"}
    )

    title: Text = Field(
        description="The list's title (the top heading of the generated list).",
        json_schema_extra={"description_ja": "リストのタイトル（生成される一覧の最上位の見出し）。"},
    )
    languages: list[LangCode] = Field(
        min_length=1,
        description=(
            'The list\'s language codes (`["ja", "en", "fr"]`), the main language first: a text missing in a language '
            "is shown in the first one that has it, in this order."
        ),
        json_schema_extra={
            "description_ja": (
                'リストの言語コード（`["ja", "en", "fr"]`）。主言語を先頭に書く。ある言語にないテキストは、この順で'
                "最初にある言語のものを表示する。"
            )
        },
    )
    language_names: dict[LangCode, NonEmpty] = Field(
        default={},
        description=(
            'Each language\'s name in itself (`{ ja = "日本語", en = "English" }`), shown by the language switches '
            "of the lists and the site; a language without one shows its code."
        ),
        json_schema_extra={
            "description_ja": (
                '各言語のその言語での名前（`{ ja = "日本語", en = "English" }`）。'
                "一覧とサイトの言語切り替えに表示する。ない言語はコードを表示する。"
            )
        },
    )
    complete: list[LangCode] | None = Field(
        default=None,
        description=(
            "The languages every text must have: a missing translation in one of them is a warning of "
            "`ja-llm validate` (default: every language). The others are reported as translation coverage."
        ),
        json_schema_extra={
            "description_ja": (
                "すべてのテキストが揃っているべき言語。これらの言語の翻訳が欠けていると `ja-llm validate` が警告する"
                "（既定: すべての言語）。それ以外の言語は翻訳率として報告する。"
            )
        },
    )
    preamble: Text | None = Field(
        default=None,
        description="Markdown before the first section (notices, introduction). May be a multi-line string."
        + _RAW_HTML_KEPT,
        json_schema_extra={
            "description_ja": "最初のセクションより前に置く Markdown（注意書き、はじめに）。複数行の文字列でよい。"
            + _RAW_HTML_KEPT_JA
        },
    )
    postscript: Text | None = Field(
        default=None,
        description="Markdown after the last section, before the footnotes." + _RAW_HTML_KEPT,
        json_schema_extra={"description_ja": "最後のセクションの後、脚注の前に置く Markdown。" + _RAW_HTML_KEPT_JA},
    )

    @model_validator(mode="after")
    def _known_languages(self) -> ListInfo:
        named = [*self.language_names, *(self.complete or [])]
        unknown = [lang for lang in dict.fromkeys(named) if lang not in self.languages]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not in languages {self.languages}")
        return self

    def name_of(self, lang: str) -> str:
        """A language's name in itself (its code when the list gives none)."""
        return self.language_names.get(lang, lang)

    def must_be_complete(self, lang: str) -> bool:
        return self.complete is None or lang in self.complete


# --- sections --------------------------------------------------------------------------------------------


class Column(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "heading": "Section column",
            "heading_ja": "セクションの列",
            "file": "`sections.toml` → `[[section]]` → `columns = [ { … }, … ]`",
        }
    )

    key: Annotated[str, StringConstraints(pattern=r"^([a-z_]+|x-[a-z0-9-]+)$")] = Field(
        description=(
            f"The column key. A known key ({_COLUMN_KEYS}) shows the entry field of that name (`developer` shows "
            "`developers`, `license` shows `licenses`, `context` shows `context_length` or `context`). Any other "
            "column is `x-<slug>`; its cells are in the entries' `extra`."
        ),
        json_schema_extra={
            "description_ja": (
                f"列のキー。既知のキー（{_COLUMN_KEYS}）は同名のエントリのフィールドを表示する（`developer` は "
                "`developers`、`license` は `licenses`、`context` は `context_length` または `context`）。"
                "それ以外の列は `x-<slug>` とし、セルはエントリの `extra` に書く。"
            )
        },
    )
    header: Text | Literal[""] = Field(
        description='The column header text; `""` for a column without a header (such as the name column).',
        json_schema_extra={"description_ja": '列見出しのテキスト。見出しが空の列（名前の列など）は `""`。'},
    )


class Section(Strict):
    model_config = ConfigDict(
        json_schema_extra={"heading": "Section", "heading_ja": "セクション", "file": "`sections.toml` → `[[section]]`"}
    )

    id: Id = Field(
        description=(
            "The section's id (letters, digits, `.`, `_`, `-`). It is also the heading's anchor (the target of `#id` "
            "links); entries name it in `section`."
        ),
        json_schema_extra={
            "description_ja": (
                "セクションの id（英数字と `.` `_` `-`）。見出しのアンカー（`#id` のリンク先）でもあり、エントリの "
                "`section` が参照する。"
            )
        },
    )
    parent: Id | None = Field(
        default=None,
        description=(
            "The id of the parent section; omitted for a top-level section. The heading nests one level under its "
            "parent."
        ),
        json_schema_extra={
            "description_ja": "親セクションの id。省略するとトップレベルのセクション。親の下で見出しが1段深くなる。"
        },
    )
    order: int = Field(
        ge=-MAX_ORDER,
        le=MAX_ORDER,
        description=(
            "The order among the sections of the same parent (ascending). Leave gaps (10, 20, …) so that sections can "
            "go in between."
        ),
        json_schema_extra={
            "description_ja": (
                "同じ親を持つセクションの並び順（小さい順）。間に入れられるよう 10, 20, … と間をあけて付ける。"
            )
        },
    )
    kind: Literal[KINDS] = Field(  # type: ignore[valid-type]
        description=(
            f"The kind: {_MODEL_KINDS} (models; entries under `models/<org>/`), `benchmark` (`benchmarks/`) or `paper` "
            "(`papers/`)."
        ),
        json_schema_extra={
            "description_ja": (
                f"種類: {_MODEL_KINDS}（モデル。エントリは `models/<org>/`）, `benchmark`（`benchmarks/`）, `paper`（"
                "`papers/`）。"
            )
        },
    )
    title: Text = Field(
        description="The heading text.",
        json_schema_extra={"description_ja": "見出しのテキスト。"},
    )
    layout: Literal["table", "list", "text"] = Field(
        default="table",
        description=(
            "`table` (entries are the rows of a table), `list` (a bulleted list) or `text` (a heading and text only, "
            "grouping subsections)."
        ),
        json_schema_extra={
            "description_ja": (
                "`table`（エントリを表の行として表示）、`list`（箇条書き）、`text`（見出しと本文だけで、"
                "子セクションをまとめる）。"
            )
        },
    )
    intro: Text | None = Field(
        default=None,
        description="Markdown between the heading and the table or list." + _RAW_HTML_KEPT,
        json_schema_extra={"description_ja": "見出しと表（または箇条書き）の間に置く Markdown。" + _RAW_HTML_KEPT_JA},
    )
    outro: Text | None = Field(
        default=None,
        description="Markdown after the table or list." + _RAW_HTML_KEPT,
        json_schema_extra={"description_ja": "表（または箇条書き）の後に置く Markdown。" + _RAW_HTML_KEPT_JA},
    )
    columns: list[Column] = Field(
        default=[],
        description=(
            'The table\'s columns, left to right. Each is `{ key = "…", header = … }` (see “Section column” below).'
        ),
        json_schema_extra={
            "description_ja": (
                '表の列（左から順に）。各列は `{ key = "…", header = … }`（下の「セクションの列」を参照）。'
            )
        },
    )


class SectionsFile(Strict):
    section: list[Section] = []


# --- registries ------------------------------------------------------------------------------------------


class Organization(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "heading": "Organization",
            "heading_ja": "組織",
            "file": "`organizations.toml` → `[[organization]]`",
        }
    )

    id: Id = Field(
        description=(
            "The organization's id. Entries name it in `developers`; the id of an entry's first developer is its "
            "folder `models/<org>/`."
        ),
        json_schema_extra={
            "description_ja": (
                "組織の id。エントリの `developers` が参照する。エントリの最初の開発元の id が `models/<org>/` "
                "のフォルダ名になる。"
            )
        },
    )
    name: Text = Field(
        description='The name shown; `{ ja = "…", en = "…" }` when it differs between languages.',
        json_schema_extra={"description_ja": '表示名。言語で異なる場合は `{ ja = "…", en = "…" }`。'},
    )
    url: Url | None = Field(
        default=None,
        description="The organization's website (an http(s) URL).",
        json_schema_extra={"description_ja": "組織のウェブサイト（http(s) URL）。"},
    )
    aliases: list[NonEmpty] = Field(
        default=[],
        description=(
            "Other names people search it by: full and short forms (`東北大学` for `東北大`, `NII` for "
            "`国立情報学研究所`). The search finds the organization's entries by these too."
        ),
        json_schema_extra={
            "description_ja": (
                "検索で使われる別名: 正式名称と略称（`東北大` に対する `東北大学`、`国立情報学研究所` に対する "
                "`NII`）。検索はこれらでも組織のエントリを見つける。"
            )
        },
    )
    reviewed: bool | None = Field(
        default=None,
        description=(
            "`false` for an organization `ja-llm add` proposed from a Hub owner: `ja-llm validate` warns until "
            "someone checks its name and url and sets `reviewed = true` (or removes the line)."
        ),
        json_schema_extra={
            "description_ja": (
                "`ja-llm add` が Hub の所有者名から提案した組織は `false`。誰かが名前と URL を確認して "
                "`reviewed = true` にする（またはこの行を消す）まで `ja-llm validate` が警告する。"
            )
        },
    )


class OrganizationsFile(Strict):
    organization: list[Organization] = []


class License(Strict):
    model_config = ConfigDict(
        json_schema_extra={"heading": "License", "heading_ja": "ライセンス", "file": "`licenses.toml` → `[[license]]`"}
    )

    id: Id = Field(
        description=(
            "The license's id (`apache-2.0`, `cc-by-nc-4.0`, …). Entries name it in `[[licenses]]` `id` and variants "
            "in `license`."
        ),
        json_schema_extra={
            "description_ja": (
                "ライセンスの id（`apache-2.0`, `cc-by-nc-4.0` など）。エントリの `[[licenses]]` の `id` "
                "とバリアントの `license` が参照する。"
            )
        },
    )
    name: Text = Field(
        description="The name shown (`Apache 2.0`, `CC BY-NC 4.0`).",
        json_schema_extra={"description_ja": "表示名（`Apache 2.0`, `CC BY-NC 4.0`）。"},
    )
    url: Url | None = Field(
        default=None,
        description="The URL of the license text.",
        json_schema_extra={"description_ja": "ライセンス本文の URL。"},
    )
    commercial: Literal[COMMERCIAL_CLASSES] = Field(  # type: ignore[valid-type]
        description=(
            "Commercial use: `yes`, `no`, `conditional` (allowed under conditions; describe them in `conditions`) or "
            "`unknown`."
        ),
        json_schema_extra={
            "description_ja": (
                "商用利用の可否: `yes`（可）、`no`（不可）、`conditional`（条件付き。`conditions` に条件を書く）、"
                "`unknown`（不明）。"
            )
        },
    )
    conditions: Text | None = Field(
        default=None,
        description=(
            "One line on what a commercial user must know: the conditions of a `conditional` license, or what "
            "decides a `yes` or `no` one when it is not plain."
        ),
        json_schema_extra={
            "description_ja": (
                "商用利用者が知るべきことの1行: `conditional` の条件、または `yes`/`no` の判断が自明でないときの根拠。"
            )
        },
    )
    checked: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description=(
            "The date (`2026-11-29`) the class and `conditions` were last checked clause by clause against the "
            "license's own text at `url`; absent when they were not (a summary or model card only)."
        ),
        json_schema_extra={
            "description_ja": (
                "分類と `conditions` を `url` のライセンス本文と条項ごとに照合した最後の日付（`2026-11-29`）。"
                "本文で確認していない（要約やモデルカードのみ）場合は書かない。"
            )
        },
    )
    aliases: list[NonEmpty] = Field(
        default=[],
        description="Other spellings the importer recognises as this license (`Apache-2.0`, `Apache License 2.0`).",
        json_schema_extra={
            "description_ja": "インポータがこのライセンスと認識する別表記（`Apache-2.0`, `Apache License 2.0`）。"
        },
    )


class LicensesFile(Strict):
    license: list[License] = []


class Footnote(Strict):
    model_config = ConfigDict(
        json_schema_extra={"heading": "Footnote", "heading_ja": "脚注", "file": "`footnotes.toml` → `[[footnote]]`"}
    )

    id: Id = Field(
        description=(
            "The footnote's id (such as `13`). Texts reference it as `[^13]`; entries also list it in `footnotes`."
        ),
        json_schema_extra={
            "description_ja": (
                "脚注の id（`13` など）。テキスト中では `[^13]` と書き、エントリの `footnotes` でも参照する。"
            )
        },
    )
    text: Text = Field(
        description="The footnote's text (Markdown).",
        json_schema_extra={"description_ja": "脚注の本文（Markdown）。"},
    )


class FootnotesFile(Strict):
    footnote: list[Footnote] = []


# --- entries ---------------------------------------------------------------------------------------------


# The facts of a variant a check can confirm at their source, by field name (`verified`'s keys).
VerifiableFact = Literal["repo", "size", "context_length", "gated", "license"]


class Verified(Strict):
    """Where and when one fact of a variant was confirmed (`ja-llm hub verify --write` records it)."""

    model_config = ConfigDict(
        json_schema_extra={
            "heading": "Verified fact",
            "heading_ja": "確認済みの事実",
            "file": "entry file → `[[variants]]` → `verified = { context_length = { … } }`",
            "file_ja": "エントリのファイル → `[[variants]]` → `verified = { context_length = { … } }`",
        }
    )

    source: Literal["hub"] = Field(
        description="Where the fact was confirmed: `hub` (the Hugging Face Hub's metadata of the variant's `repo`).",
        json_schema_extra={
            "description_ja": "事実を確認した場所: `hub`（バリアントの `repo` の Hugging Face Hub 上のメタデータ）。"
        },
    )
    date: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="The date it was confirmed there (`2026-11-29`).",
        json_schema_extra={"description_ja": "そこで確認した日付（`2026-11-29`）。"},
    )


class Variant(Strict):
    """One released model of an entry (a row of the list is a family or one model)."""

    model_config = ConfigDict(
        json_schema_extra={
            "heading": "Variant",
            "heading_ja": "バリアント",
            "file": "entry file → `[[variants]]`",
            "file_ja": "エントリのファイル → `[[variants]]`",
        }
    )

    label: Text | None = Field(
        default=None,
        description=(
            "The label the list shows, with its Markdown as written: `**172b**-instruct2`, `150m`, `small`. "
            "The bold is text; the parameter count is `size`."
        ),
        json_schema_extra={
            "description_ja": (
                "一覧に表示されるラベル（書かれたままの Markdown）: `**172b**-instruct2`, `150m`, `small`。"
                "太字は表記であり、パラメータ数は `size` に書く。"
            )
        },
    )
    size: NonEmpty | None = Field(
        default=None,
        description=(
            "The parameter count: `7b`, `110m`, `1b(1.4b)` (the number in parentheses is exact), `8x70b (465b)` "
            "(MoE, 465b in total), `32b-a3b` (32b in total, 3b active), `8x13b (73b-A22b)` (both, for a mixture "
            "whose name only multiplies the experts). Named sizes like `small` go in the label."
        ),
        json_schema_extra={
            "description_ja": (
                "書かれたままのパラメータ数: `7b`, `110m`, `1b(1.4b)`（括弧内が正確な数）、`8x70b (465b)`（MoE、"
                "括弧内が総数）、`32b-a3b`（総数32b、アクティブ3b）、`8x13b (73b-A22b)`"
                "（名前がエキスパート数の積だけの MoE には両方）。`small` のような名前だけのサイズはラベルに書く。"
            )
        },
    )
    repo: RepoId | None = Field(
        default=None,
        description="The Hugging Face model repo id (`owner/name`). A repo can belong to one entry only.",
        json_schema_extra={
            "description_ja": (
                "Hugging Face のモデルリポジトリ id（`owner/name`）。1つのリポジトリは1つのエントリにしか使えない。"
            )
        },
    )
    url: LinkUrl | None = Field(
        default=None,
        description="Its own link, when it is not a Hugging Face model repo.",
        json_schema_extra={"description_ja": "Hugging Face のモデルリポジトリでないときのリンク。"},
    )
    context_length: int | None = Field(
        default=None,
        ge=1,
        le=MAX_CONTEXT,
        description=(
            "Its own context length in tokens, when it differs from the entry's `context_length` (derived from "
            "the `context` cell: `7b, 13b: 4,096<br>70b: 8,192`)."
        ),
        json_schema_extra={
            "description_ja": (
                "エントリの `context_length` と異なるときのこのバリアントの扱えるトークン数（`context` 列から導く: "
                "`7b, 13b: 4,096<br>70b: 8,192`）。"
            )
        },
    )
    license: Id | None = Field(
        default=None,
        description="Its own license id (`licenses.toml`), when it differs from the entry's.",
        json_schema_extra={
            "description_ja": "エントリと異なるときのこのバリアントのライセンス id（`licenses.toml`）。"
        },
    )
    aliases: list[RepoId] = Field(
        default=[],
        description="Former repo ids (renamed organizations); search finds them.",
        json_schema_extra={"description_ja": "以前のリポジトリ id（組織の改名など）。検索で見つかる。"},
    )
    gated: bool | None = Field(
        default=None,
        description=(
            "Whether the Hub repo is gated: its files are downloaded only after accepting its conditions "
            "(`ja-llm hub verify --write` sets it)."
        ),
        json_schema_extra={
            "description_ja": (
                "Hub のリポジトリがゲート付きか（利用条件に同意しないとファイルをダウンロードできない）。"
                "`ja-llm hub verify --write` が設定する。"
            )
        },
    )
    verified: dict[VerifiableFact, Verified] = Field(
        default={},
        description=(
            "Facts of this variant confirmed at their source, by field name: "
            '`verified = { context_length = { source = "hub", date = "2026-11-29" } }` (see “Verified fact” '
            "below). `ja-llm hub verify --write` records them; `ja-llm show` and the site show them."
        ),
        json_schema_extra={
            "description_ja": (
                "出典で確認したこのバリアントの事実（フィールド名ごと）: "
                '`verified = { context_length = { source = "hub", date = "2026-11-29" } }`'
                "（下の「確認済みの事実」を参照）。`ja-llm hub verify --write` が記録し、"
                "`ja-llm show` とサイトが表示する。"
            )
        },
    )

    @field_validator("size")
    @classmethod
    def _size_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_size(value)  # raises SizeError (a ValueError) with the reason
        return value

    @property
    def parameters(self) -> Size | None:
        """The parameter count parsed from `size` (None for labels such as `small`)."""
        return parse_size(self.size) if self.size else None


class LicenseRef(Strict):
    """A license of an entry: a registry id, or free text when the license is not in the registry."""

    model_config = ConfigDict(
        json_schema_extra={
            "heading": "License of an entry",
            "heading_ja": "エントリのライセンス",
            "file": "entry file → `[[licenses]]`",
            "file_ja": "エントリのファイル → `[[licenses]]`",
        }
    )

    id: Id | None = Field(
        default=None,
        description=(
            "A license id of `licenses.toml`. For a license not in the registry, leave `id` out and use `text`. An "
            "`id` or a `text` is required."
        ),
        json_schema_extra={
            "description_ja": (
                "`licenses.toml` のライセンス id。登録されていないライセンスは `id` を書かず `text` を使う。`id` か "
                "`text` のどちらかが必要。"
            )
        },
    )
    text: Text | None = Field(
        default=None,
        description=(
            'The license as written, when it is free text or spelled unlike the registry name; `"？"` when unknown.'
        ),
        json_schema_extra={
            "description_ja": (
                '書かれたままのライセンス名（登録されていないとき、または登録名と表記が違うとき）。不明なら `"？"`。'
            )
        },
    )
    scope: Text | None = Field(
        default=None,
        description='Which models it covers: `{ ja = "instruct モデル", en = "instruct models" }`.',
        json_schema_extra={"description_ja": "このライセンスが適用されるモデル: `instruct モデル`。"},
    )
    note: Text | None = Field(
        default=None,
        description="A remark after the name: `(CC BY-NC 4.0 for the NC models)`.",
        json_schema_extra={"description_ja": "ライセンス名の後の補足: `(NC モデルは CC BY-NC 4.0)`。"},
    )
    uncertain: bool = Field(
        default=False,
        description=(
            "The list is not sure of this license (it writes `(?)` after it): `--commercial` does not count on "
            "it (its class is taken as unknown)."
        ),
        json_schema_extra={
            "description_ja": (
                "一覧がこのライセンスに確信を持っていない（後ろに `(?)` と書く）。`--commercial` はこれを頼りにしない"
                "（区分を不明として扱う）。"
            )
        },
    )


class HfAvailability(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "heading": "Hugging Face availability",
            "heading_ja": "Hugging Face での利用可否",
            "file": "entry file → `hf = { … }`",
            "file_ja": "エントリのファイル → `hf = { … }`",
        }
    )

    status: Literal[HF_STATUSES] | None = Field(  # type: ignore[valid-type]
        default=None,
        description=(
            "`yes` (◯: on the Model Hub, loads at once), `partial` (△: in transformers format but not on the Model "
            "Hub) or `no` (✕: not supported)."
        ),
        json_schema_extra={
            "description_ja": (
                "`yes`（◯: Model Hub にあり、すぐ読み込める）、`partial`（△: transformers 形式だが Model Hub "
                "にない）、`no`（✕: 対応していない）。"
            )
        },
    )
    note: Text | None = Field(
        default=None,
        description="A remark shown after the mark (a link to an unofficial conversion, …).",
        json_schema_extra={"description_ja": "マークの後に書く補足（非公式の変換モデルへのリンクなど）。"},
    )


class Entry(Strict):
    """A model, benchmark or paper: one row of a section's table (or one item of its list)."""

    model_config = ConfigDict(
        json_schema_extra={
            "heading": "Entry (model, benchmark or paper)",
            "heading_ja": "エントリ（モデル・ベンチマーク・論文）",
            "file": "`models/<org>/<slug>.toml`, `benchmarks/<slug>.toml`, `papers/<slug>.toml`",
        }
    )

    section: Id = Field(
        description=(
            "The id of the section the entry appears in (an `id` of `sections.toml`). The section's `kind` decides "
            "where the file lives."
        ),
        json_schema_extra={
            "description_ja": (
                "エントリを載せるセクションの id（`sections.toml` の `[[section]]` の `id`）。セクションの `kind` "
                "がファイルの置き場所を決める。"
            )
        },
    )
    position: int = Field(
        ge=-MAX_ORDER,
        le=MAX_ORDER,
        description=(
            "The order inside the section (ascending). Leave gaps (10, 20, …) so that entries can go in between."
        ),
        json_schema_extra={
            "description_ja": "セクション内での並び順（小さい順）。間に入れられるよう 10, 20, … と間をあける。"
        },
    )
    name: Text = Field(
        description=(
            "The name shown (the `name` column). The entry's id is not its name but its file path ("
            "`models/sb-intuitions/sarashina2-8x70b`); there is no id field."
        ),
        json_schema_extra={
            "description_ja": (
                "表示名（`name` 列）。エントリの id は名前ではなくファイルのパス（"
                "`models/sb-intuitions/sarashina2-8x70b`）で、id のフィールドはない。"
            )
        },
    )
    url: LinkUrl | None = Field(
        default=None,
        description="The link of the name (announcement, paper, repository).",
        json_schema_extra={"description_ja": "名前のリンク先（発表記事、論文、リポジトリ）。"},
    )
    anchor: Id | None = Field(
        default=None,
        description="An HTML anchor other rows link to (`elyza-tasks` for `#elyza-tasks`).",
        json_schema_extra={"description_ja": "他の行がリンクする HTML アンカー（`elyza-tasks` なら `#elyza-tasks`）。"},
    )
    year: int | None = Field(
        default=None,
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="The release year (the `year` column).",
        json_schema_extra={"description_ja": "公開年（`year` 列）。"},
    )
    size: NonEmpty | None = Field(
        default=None,
        description=(
            "The parameter count of the whole entry, used for variants that give none. Same format as a variant's "
            "`size` (`7b`, `1b(1.4b)`, `8x70b (465b)`, `32b-a3b`)."
        ),
        json_schema_extra={
            "description_ja": (
                "エントリ全体のパラメータ数。サイズを持たないバリアントに使われる。書式はバリアントの `size` と同じ（"
                "`7b`, `1b(1.4b)`, `8x70b (465b)`, `32b-a3b`）。"
            )
        },
    )
    architecture: Text | None = Field(
        default=None,
        description="The architecture (the `architecture` column): `Llama`, `MoE`, `BERT (base)`, ….",
        json_schema_extra={
            "description_ja": "アーキテクチャ（`architecture` 列）: `Llama`, `MoE`, `BERT (base)` など。"
        },
    )
    base_model: Text | None = Field(
        default=None,
        description="The base model (the `base_model` column); sizes may be bold: `Llama 2 (**70b**)`.",
        json_schema_extra={
            "description_ja": "ベースのモデル（`base_model` 列）。太字でサイズを示せる: `Llama 2 (**70b**)`。"
        },
    )
    merged_from: Text | None = Field(
        default=None,
        description="The models merged (the `merged_from` column); Japanese LLMs in bold.",
        json_schema_extra={"description_ja": "マージ元のモデル（`merged_from` 列）。日本語 LLM は太字。"},
    )
    context_length: int | None = Field(
        default=None,
        ge=1,
        le=MAX_CONTEXT,
        description="The context length in tokens (the `context` column; an integer ≥ 1: `8192`).",
        json_schema_extra={"description_ja": "扱えるトークン数（`context` 列、1 以上の整数: `8192`）。"},
    )
    context: Text | None = Field(
        default=None,
        description="The `context` cell when it is more than one number (`7b, 13b: 4,096<br>70b: 8,192`).",
        json_schema_extra={
            "description_ja": (
                "トークン数が1つの数で書けないときの `context` 列のテキスト（`7b, 13b: 4,096<br>70b: 8,192`）。"
            )
        },
    )
    domain: Text | None = Field(
        default=None,
        description='The domain (the `domain` column): `{ ja = "政治", en = "Politics" }`.',
        json_schema_extra={"description_ja": 'ドメイン（`domain` 列）: `{ ja = "政治", en = "Politics" }`。'},
    )
    training_data: Text | None = Field(
        default=None,
        description="The training data (the `training_data` column).",
        json_schema_extra={"description_ja": "学習データ（`training_data` 列）。"},
    )
    platform: Text | None = Field(
        default=None,
        description="The platform (the `platform` column, for leaderboards and the like).",
        json_schema_extra={"description_ja": "プラットフォーム（`platform` 列、リーダーボードなど）。"},
    )
    description: Text | None = Field(
        default=None,
        description="The description (the `description` column, for benchmarks and the like).",
        json_schema_extra={"description_ja": "説明（`description` 列、ベンチマークなど）。"},
    )
    date: NonEmpty | None = Field(
        default=None,
        description="The date of first publication (the `date` column, for papers), as written: `2018.10.11`.",
        json_schema_extra={"description_ja": "初出時期（`date` 列、論文）。書かれたままの文字列: `2018.10.11`。"},
    )
    venue: Text | None = Field(
        default=None,
        description="The meeting or journal (the `venue` column, for papers): `NAACL 2019`.",
        json_schema_extra={"description_ja": "会議・ジャーナル（`venue` 列、論文）: `NAACL 2019`。"},
    )
    paper: Text | None = Field(
        default=None,
        description="The paper (the `paper` column), usually a link: `[Title](https://…)`.",
        json_schema_extra={"description_ja": "論文（`paper` 列）。通常はリンク: `[タイトル](https://…)`。"},
    )
    developers: list[Id] = Field(
        default=[],
        description=(
            "The developers as organization ids (`organizations.toml`; the `developer` column). The first one is the "
            "`<org>` folder of `models/<org>/`."
        ),
        json_schema_extra={
            "description_ja": (
                "開発元の組織 id のリスト（`organizations.toml`、`developer` 列）。最初の id が `models/<org>/` "
                "のフォルダ名。"
            )
        },
    )
    developer_text: Text | None = Field(
        default=None,
        description=(
            "The `developer` cell as the list writes it, when it differs from the organizations' names (`EQUES` "
            "for `eques-inc`, `早大 河原研, ヤフー` for two organizations): the list shows it; `developers` says who."
        ),
        json_schema_extra={
            "description_ja": (
                "`developer` 列の一覧での書き方が組織名と異なるときのその書き方（`eques-inc` の `EQUES`、2組織の "
                "`早大 河原研, ヤフー`）。一覧にはこれを表示し、誰かは `developers` が示す。"
            )
        },
    )
    developer_note: Text | None = Field(
        default=None,
        description="For list sections: the developer text as written.",
        json_schema_extra={
            "description_ja": "箇条書き（`list`）のセクションで、開発元を書かれたままのテキストで示すとき。"
        },
    )
    licenses: list[LicenseRef] = Field(
        default=[],
        description=(
            "The licenses (the `license` column), one `[[licenses]]` block each (see “License of an entry” below)."
        ),
        json_schema_extra={
            "description_ja": (
                "ライセンス（`license` 列）。`[[licenses]]` "
                "ブロックを1つずつ書く（下の「エントリのライセンス」を参照）。"
            )
        },
    )
    hf: HfAvailability | None = Field(
        default=None,
        description=(
            'Whether it is ready to use with Hugging Face (the `hf` column): `hf = { status = "yes" }` (see “Hugging '
            "Face availability” below)."
        ),
        json_schema_extra={
            "description_ja": (
                'Hugging Face ですぐ使えるか（`hf` 列）: `hf = { status = "yes" }`（下の「Hugging Face '
                "での利用可否」を参照）。"
            )
        },
    )
    variants_in: Annotated[str, StringConstraints(pattern=r"^([a-z_]+|x-[a-z0-9-]+)$")] | None = Field(
        default=None,
        description=(
            "The key of the column whose cell shows the variants (`name`, `architecture`, `hf`, …); it must be one of "
            "the section's columns."
        ),
        json_schema_extra={
            "description_ja": (
                "バリアントを表示する列のキー（`name`, `architecture`, `hf` など）。"
                "セクションの列にあるキーでなければならない。"
            )
        },
    )
    variants_style: Literal["parens", "lines", "link"] = Field(
        default="parens",
        description=(
            "How the variants are shown: `parens` (the default: links in parentheses after the cell's text, "
            "`(7b, 13b)`), `lines` (one link per line) or `link` (the cell's text itself links to one variant). "
            "Except with `parens`, every variant needs a `repo` or a `url`."
        ),
        json_schema_extra={
            "description_ja": (
                "バリアントの表示形式: `parens`（既定。セルのテキストの後に `(7b, 13b)` "
                "のようにリンクを括弧で並べる）、`lines`（1行に1リンク）、`link`"
                "（セルのテキストそのものが1つのバリアントへのリンク）。`parens` 以外では各バリアントに `repo` か "
                "`url` が必要。"
            )
        },
    )
    footnotes: dict[str, list[Id]] = Field(
        default={},
        description=(
            'Column key → footnote ids referenced after that cell\'s content: `footnotes = { license = ["13"] }`. A '
            "footnote inside a text is written `[^13]`."
        ),
        json_schema_extra={
            "description_ja": (
                '列のキー → 脚注 id のリスト。そのセルの内容の後に付く脚注: `footnotes = { license = ["13"] }`。'
                "テキストの途中の脚注は `[^13]` と書く。"
            )
        },
    )
    extra: dict[str, Text] = Field(
        default={},
        description="Cells of columns the schema has no field for (`x-<slug>`): column key → text.",
        json_schema_extra={"description_ja": "スキーマにフィールドがない列（`x-<slug>`）のセル。列のキー → テキスト。"},
    )
    variants: list[Variant] = Field(
        default=[],
        description="The released models, one `[[variants]]` block each (see “Variant” below).",
        json_schema_extra={
            "description_ja": (
                "公開されている個々のモデル。`[[variants]]` ブロックを1つずつ書く（下の「バリアント」を参照）。"
            )
        },
    )

    reviewed: bool | None = Field(
        default=None,
        description=(
            "`false` for a draft that `ja-llm add` wrote from the Hub's metadata: `ja-llm validate` warns until "
            "someone checks its facts and sets `reviewed = true` (or removes the line)."
        ),
        json_schema_extra={
            "description_ja": (
                "`ja-llm add` が Hub のメタデータから書いた下書きは `false`。誰かが事実を確認して "
                "`reviewed = true` にする（またはこの行を消す）まで `ja-llm validate` が警告する。"
            )
        },
    )

    @field_validator("size")
    @classmethod
    def _size_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_size(value)
        return value

    def parameters_of(self, variant: Variant) -> Size | None:
        """A variant's parameter count, or the entry's own size when the variant gives none."""
        return variant.parameters or (parse_size(self.size) if self.size else None)


# File name -> model of the file, for the registry files.
REGISTRY_FILES: dict[str, type[Strict]] = {
    "catalog.toml": ListInfo,
    "sections.toml": SectionsFile,
    "organizations.toml": OrganizationsFile,
    "licenses.toml": LicensesFile,
    "footnotes.toml": FootnotesFile,
}
