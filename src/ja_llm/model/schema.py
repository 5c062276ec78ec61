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
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .sizes import Size, parse_size
from .vocab import COMMERCIAL_CLASSES, HF_STATUSES, KINDS

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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=False)


# --- the list ------------------------------------------------------------------------------------------


class ListInfo(Strict):
    """`catalog.toml`: the list as a document."""

    title: Text
    languages: list[LangCode] = Field(min_length=1)
    preamble: Text | None = None  # Markdown before the first section (notices, introduction)
    postscript: Text | None = None  # Markdown after the last section, before the footnotes


# --- sections --------------------------------------------------------------------------------------------


class Column(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^([a-z_]+|x-[a-z0-9-]+)$")]
    header: Text | Literal[""]


class Section(Strict):
    id: Id
    parent: Id | None = None
    order: int
    kind: Literal[KINDS]  # type: ignore[valid-type]
    title: Text
    layout: Literal["table", "list", "text"] = "table"
    intro: Text | None = None  # Markdown between the heading and the table or list
    outro: Text | None = None  # Markdown after the table or list
    columns: list[Column] = []


class SectionsFile(Strict):
    section: list[Section] = []


# --- registries ------------------------------------------------------------------------------------------


class Organization(Strict):
    id: Id
    name: Text
    url: Url | None = None


class OrganizationsFile(Strict):
    organization: list[Organization] = []


class License(Strict):
    id: Id
    name: Text
    url: Url | None = None
    commercial: Literal[COMMERCIAL_CLASSES]  # type: ignore[valid-type]
    conditions: Text | None = None  # a short note on the conditions of commercial use
    aliases: list[NonEmpty] = []  # other spellings the importer recognises


class LicensesFile(Strict):
    license: list[License] = []


class Footnote(Strict):
    id: Id
    text: Text


class FootnotesFile(Strict):
    footnote: list[Footnote] = []


# --- entries ---------------------------------------------------------------------------------------------


class Variant(Strict):
    """One released model of an entry (a row of the list is a family or one model)."""

    label: Text | None = None  # as the list shows it, without bold: `172b-instruct2`, `small`
    size: NonEmpty | None = None  # the parameter count as written: `7b`, `1b(1.4b)`, `8x70b (465b)`, `32b-a3b`
    repo: RepoId | None = None  # Hugging Face model repo id
    url: LinkUrl | None = None  # its own link when it is not a Hugging Face model repo (or differs per language)
    license: Id | None = None  # its own license, when it differs from the entry's
    aliases: list[RepoId] = []  # former repo ids (renamed organizations)

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

    id: Id | None = None
    text: Text | None = None  # as written, when it is free text or spelled unlike the registry name
    scope: Text | None = None  # which models it covers: `instruct モデル`
    note: Text | None = None  # a remark after the name: `(?)`, `(NC モデルは CC BY-NC 4.0)`


class HfAvailability(Strict):
    status: Literal[HF_STATUSES] | None = None  # type: ignore[valid-type]
    note: Text | None = None


class Entry(Strict):
    """A model, benchmark or paper: one row of a section's table (or one item of its list)."""

    section: Id
    position: int  # order inside the section
    name: Text
    url: LinkUrl | None = None
    anchor: Id | None = None  # an HTML anchor other rows link to (`#llm-jp-eval`)
    year: int | None = None
    size: NonEmpty | None = None  # the size of the whole entry, for variants that give none
    architecture: Text | None = None
    base_model: Text | None = None
    merged_from: Text | None = None
    context_length: int | None = Field(default=None, ge=1)
    context: Text | None = None  # when the context is more than one number: `7b, 13b: 4,096<br>70b: 8,192`
    domain: Text | None = None
    training_data: Text | None = None
    platform: Text | None = None
    description: Text | None = None
    date: NonEmpty | None = None
    venue: Text | None = None
    paper: Text | None = None
    developers: list[Id] = []
    developer_note: Text | None = None  # for list sections: the developer text as written
    licenses: list[LicenseRef] = []
    hf: HfAvailability | None = None
    variants_in: Annotated[str, StringConstraints(pattern=r"^([a-z_]+|x-[a-z0-9-]+)$")] | None = None
    variants_style: Literal["parens", "lines", "link"] = "parens"
    footnotes: dict[str, list[Id]] = {}  # column key -> footnotes referenced after that cell's content
    extra: dict[str, Text] = {}  # cells of columns the schema has no field for, by column key
    variants: list[Variant] = []

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
