"""The JSON API: static JSON files any program can fetch, with a JSON Schema describing them.

    catalog.json            every exported entry, with the registries (organizations, licenses, sections,
                            footnotes) and the list's own texts
    schema.json             a JSON Schema (2020-12) of catalog.json; `$defs/ExportedEntry` describes one entry
    entries/<id>.json       one entry, the same object as its item in catalog.json (the id is a path:
                            `models/org/slug` is `entries/models/org/slug.json`)

An entry is the search record's public facts (what `ja-llm search --json` gives: names in every language,
developers, licenses with their commercial-use class, and the variants with parameter counts, active
parameters, context length, license and commercial-use class), and under `entry` the entry as stored in its
TOML file. The document models below are hand-written because they describe this export's own format (the
search records are plain dicts); the stored models (Entry, Organization, Section, …) are the catalog's schema
itself, so schema.json is generated from both and cannot drift from the validator. The bytes are
deterministic: registries sorted by id (sections in catalog order, which is meaningful), entries in catalog
order (or a query's), non-ASCII kept, a newline at the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..catalog.core import Catalog
from ..errors import OutputError
from ..files import NewFiles, staged_directory, write_if_changed
from ..memo import Kept
from ..model.schema import Entry, Footnote, LangCode, ListInfo, Organization, Section, Text
from ..model.vocab import COMMERCIAL_CLASSES, KINDS
from ..search.output import public
from .items import Item, Selection, is_complete, per_entry, select_items
from .provenance import provenance

SCHEMA_VERSION = 1
CATALOG_JSON = "catalog.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Texts = dict[LangCode, str]  # a text in every language of the catalog (plain: no Markdown)


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VariantFacts(Document):
    """One exported variant with the facts the search computes for it."""

    model_config = ConfigDict(title="Variant facts")

    index: int | None = Field(
        description="The variant's position in the stored entry's `variants`; null for the entry's own `size` "
        "exported as one unnamed variant (an entry with a size but no variant)."
    )
    label: str | None = Field(description="The label as plain text, in the catalog's main language.")
    size: str | None = Field(description="The parameter count as written (`7b`, `8x70b (465b)`, `32b-a3b`).")
    params: float | None = Field(description="The total parameter count (MoE: every expert), null when unknown.")
    active: float | None = Field(
        description="The parameters active per token (MoE); the total for a dense model; null when unknown."
    )
    context: int | None = Field(description="The context length in tokens (the variant's own, else the entry's).")
    repo: str | None = Field(description="The Hugging Face model repo id (`owner/name`).")
    aliases: list[str] = Field(description="Former repo ids of the variant.")
    license: str | None = Field(
        description="The license id that applies to this variant (its own, else the entry's only license)."
    )
    commercial: Literal[COMMERCIAL_CLASSES] | None = Field(  # type: ignore[valid-type]
        description="Commercial use of this variant: `yes`, `no`, `conditional` or `unknown`; null when the "
        "entry's scoped licenses do not say which applies (see the entry's `commercial`)."
    )


class DeveloperFacts(Document):
    model_config = ConfigDict(title="Developer")

    id: str = Field(description="The organization id (see `organizations`).")
    name: Texts = Field(description="The organization's name in every language.")


class LicenseFacts(Document):
    """A license of an entry, with its commercial-use class as the search counts it."""

    model_config = ConfigDict(title="License of an exported entry")

    id: str | None = Field(description="The license id (see `licenses`); null for a license not in the registry.")
    name: Texts | None = Field(description="The license's name in every language, as the entry writes it.")
    commercial: Literal[COMMERCIAL_CLASSES] = Field(  # type: ignore[valid-type]
        description="The commercial-use class; `unknown` for a license the list is not sure of or not in the registry."
    )
    uncertain: bool = Field(description="The list is not sure of this license (it writes `(?)` after it).")
    conditions: Texts | None = Field(description="What a commercial user must know, in every language.")
    scope: Texts | None = Field(description="Which models the license covers (`instruct`), in every language.")


class ExportedEntry(Document):
    """An entry of the catalog: the facts `ja-llm search --json` gives for it, and the entry as stored."""

    model_config = ConfigDict(title="Exported entry")

    id: str = Field(description="The entry's id: its file path in the catalog without `.toml`.")
    section: str = Field(description="The id of the section the entry appears in.")
    sections: list[str] = Field(description="That section and its ancestors, innermost first.")
    kind: Literal[KINDS] = Field(description="The section's kind.")  # type: ignore[valid-type]
    name: Texts = Field(description="The name in every language (plain text).")
    year: int | None = Field(description="The release year.")
    url: str | None = Field(description="The link of the name, in the catalog's main language.")
    developers: list[DeveloperFacts] = Field(description="The developers, in the entry's order.")
    licenses: list[LicenseFacts] = Field(description="The licenses, in the entry's order.")
    license_ids: list[str] = Field(description="Every license id of the entry and its variants, sorted.")
    commercial: list[Literal[COMMERCIAL_CLASSES]] = Field(  # type: ignore[valid-type]
        description="The commercial-use class of each license group: the unscoped licenses together (the most "
        "restrictive wins), then each scoped license."
    )
    hf: bool = Field(description="Weights are on the Hugging Face Hub.")
    context_length: int | None = Field(description="The entry's context length in tokens.")
    architecture: Texts | None = Field(description="The architecture in every language (plain text).")
    base_model: Texts | None = Field(description="The base model in every language (plain text).")
    domain: Texts | None = Field(description="The domain in every language (plain text).")
    repos: list[str] = Field(description="Every Hugging Face repo id of the variants, former ids included.")
    variants: list[VariantFacts] = Field(
        description="The variants exported: all of them, or those a query's variant filters kept."
    )
    entry: Entry = Field(description="The entry as stored in its TOML file (fields without a value left out).")


class RegistryLicense(Document):
    """A license of the registry (`licenses.toml`) with its commercial-use class."""

    model_config = ConfigDict(title="License", populate_by_name=True)

    id: str = Field(description="The license id.")
    name: Text = Field(description="The name shown; a table of languages when it differs between them.")
    url: str | None = Field(description="The URL of the license text.")
    class_: Literal[COMMERCIAL_CLASSES] = Field(  # type: ignore[valid-type]
        alias="class", description="Commercial use: `yes`, `no`, `conditional` or `unknown`."
    )
    conditions: Text | None = Field(description="What a commercial user must know (the conditions).")
    checked: str | None = Field(
        description="The date the class and conditions were last checked against the license's own text."
    )
    aliases: list[str] = Field(description="Other spellings of the license.")


class Provenance(Document):
    model_config = ConfigDict(title="Source")

    catalog: str = Field(description="The catalog's title.")
    generator: str = Field(description="The program that wrote the export.")
    source: str = Field(description="The list the data derives from.")
    source_url: str = Field(description="Where that list lives.")
    license: str = Field(description="The license of the data (SPDX id).")
    license_url: str = Field(description="The license's text.")


class CatalogExport(Document):
    """catalog.json: the entries exported, with the registries their ids refer to."""

    model_config = ConfigDict(title="ja-llm catalog export")

    schema_version: Literal[1] = Field(description="The version of this format; bumped on incompatible changes.")
    generated_from: Provenance = Field(description="Where the data comes from and its license.")
    complete: bool = Field(
        description="Every entry of the catalog is exported with every variant (false for a query's export)."
    )
    languages: list[LangCode] = Field(description="The catalog's languages, the main language first.")
    info: ListInfo = Field(description="The list as a document (`catalog.toml`): title, languages, preamble.")
    entries: list[ExportedEntry] = Field(description="The entries, in catalog order (or a query's order).")
    organizations: list[Organization] = Field(description="Every organization of the registry, sorted by id.")
    licenses: list[RegistryLicense] = Field(description="Every license of the registry, sorted by id.")
    sections: list[Section] = Field(description="Every section, in catalog order (depth first).")
    footnotes: list[Footnote] = Field(description="The footnotes texts refer to as `[^id]`, sorted by id.")


# --- the documents -----------------------------------------------------------------------------------------


def _stored(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def entry_document(item: Item) -> dict[str, Any]:
    """One entry: its public facts (its exported variants only) and the entry as stored."""
    facts = public({**item.record, "variants": item.variants})
    return {**facts, "id": item.id, "entry": _stored(item.entry.data)}


def _footnote_key(footnote_id: str) -> tuple[int, int, str]:
    return (0, int(footnote_id), "") if footnote_id.isdigit() else (1, 0, footnote_id)


def catalog_document(catalog: Catalog, items: list[Item]) -> dict[str, Any]:
    """catalog.json as one object (for a program that wants it whole; write_api streams the same bytes)."""
    head, tail = _registries(catalog, items)
    return {**head, "entries": [entry_document(item) for item in items], **tail}


def _registries(catalog: Catalog, items: list[Item]) -> tuple[dict[str, Any], dict[str, Any]]:
    """catalog.json's members before and after `entries`, in the file's order."""
    head = {
        "schema_version": SCHEMA_VERSION,
        "generated_from": provenance(catalog),
        "complete": is_complete(catalog, items),
        "languages": list(catalog.info.languages),
        "info": _stored(catalog.info),
    }
    tail = {
        "organizations": [_stored(catalog.organizations[key]) for key in sorted(catalog.organizations)],
        "licenses": [
            {
                "id": lic.id,
                "name": lic.name,
                "url": lic.url,
                "class": lic.commercial,
                "conditions": lic.conditions,
                "checked": lic.checked,
                "aliases": list(lic.aliases),
            }
            for lic in (catalog.licenses[key] for key in sorted(catalog.licenses))
        ],
        "sections": [_stored(catalog.sections[key]) for key in catalog.section_order()],
        "footnotes": [_stored(catalog.footnotes[key]) for key in sorted(catalog.footnotes, key=_footnote_key)],
    }
    return head, tail


def schema_document() -> dict[str, Any]:
    """The JSON Schema of catalog.json, generated from the document models and the catalog's own models (whose
    English and Japanese descriptions it carries); `$defs/ExportedEntry` is the schema of entries/<id>.json."""
    schema = CatalogExport.model_json_schema(by_alias=True)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": schema.pop("title"),
        "description": (
            "catalog.json of the ja-llm JSON API: the entries of the Japanese LLM catalog with their facts "
            "(parameter counts, context lengths, licenses and commercial-use classes per variant) and the "
            "registries their ids refer to. Each entries/<id>.json is one item of `entries` "
            "(#/$defs/ExportedEntry)."
        ),
        **schema,
    }


def dumps(data: Any, indent: int | None = None) -> str:
    """Deterministic JSON text: non-ASCII kept, a newline at the end; compact unless `indent` is given. The
    data files are compact: indented JSON goes through the standard library's pure-Python encoder, which took
    most of the exports' time, and is a third larger (`python -m json.tool` indents a file for reading)."""
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def api_files(
    catalog: Catalog, records: Selection, catalog_json: Callable[[str], object], kept: Kept | None = None
) -> Iterator[tuple[str, str]]:
    """The API's files as (relative path, text), one at a time, except catalog.json, whose text is given
    piece by piece to `catalog_json` as the entries go by (its last piece at the end). `kept`: what a process
    that builds again keeps (memo.Kept): an entry's text made from the same record and entry is taken back.

    Each entry's document is built, written out as its own file and into catalog.json, and dropped: holding
    every entry's document and text at once took ~13 KB per entry (1.3 GB of a 100k-entry build). Compact
    JSON of an object is its members' texts joined, so catalog.json's bytes are those of
    `dumps(catalog_document(...))` (a test compares them)."""
    items = select_items(catalog, records)
    # schema.json is made from the code's models only: kept as it is
    yield "schema.json", _schema_text() if kept is None else kept.made(("api schema",), (), _schema_text)
    head, tail = _registries(catalog, items)
    catalog_json("{" + "".join(_member(name, value) + "," for name, value in head.items()) + '"entries":[')
    for number, item in enumerate(items):
        text = per_entry(kept, ("api", item.id), item, partial(_entry_text, item))
        yield f"entries/{item.id}.json", text
        catalog_json(("," if number else "") + text[:-1])  # without its newline
    catalog_json("]" + "".join("," + _member(name, value) for name, value in tail.items()) + "}\n")


def _schema_text() -> str:
    return dumps(schema_document(), indent=2)


def _entry_text(item: Item) -> str:
    return dumps(entry_document(item))


def _member(name: str, value: Any) -> str:
    return dumps(name)[:-1] + ":" + dumps(value)[:-1]


def write_api(
    catalog: Catalog, folder: Path, records: Selection = None, in_place: bool = False, kept: Kept | None = None
) -> list[Path]:
    """Write the JSON API into `folder`, which is replaced as a whole (no file of a removed entry stays; a
    reader never sees it half-written). `records`: the search records or query matches to export (default:
    every entry). Returns the files written.

    `in_place` (an update of a built site, whose pages are replaced one by one too): only the files whose
    text changed are replaced, each atomically, and the files of removed entries deleted; the result is the
    same folder, without creating ~1 file per entry again. `kept`: see api_files."""
    folder = Path(folder)
    if in_place and folder.is_dir():
        return _update_api(folder, catalog, records, kept)
    written: list[Path] = []
    with staged_directory(folder) as staging:
        try:
            with open(staging / CATALOG_JSON, "w", encoding="utf-8", newline="\n") as whole:
                files = NewFiles(staging)
                for rel, text in api_files(catalog, records, whole.write, kept):
                    files.write(rel, text.encode("utf-8"))
                    written.append(folder / rel)
        except OSError as exc:
            raise OutputError(f"{folder}: cannot write the JSON API ({exc.strerror or exc})") from None
    return [folder / CATALOG_JSON, *written]


def _update_api(folder: Path, catalog: Catalog, records: Selection, kept: Kept | None) -> list[Path]:
    # plain strings and os.walk, not a Path per file: ~1 file per entry, every one compared at each update
    root = str(folder)
    names = {CATALOG_JSON: True}  # in the order written
    pieces: list[str] = []
    try:
        for rel, text in api_files(catalog, records, pieces.append, kept):
            names[rel] = True
            write_if_changed(f"{root}/{rel}", text.encode("utf-8"))
        write_if_changed(f"{root}/{CATALOG_JSON}", "".join(pieces).encode("utf-8"))
        for here, _, files in os.walk(root, topdown=False):  # files first, then the folders they leave empty
            prefix = os.path.relpath(here, root).replace(os.sep, "/") + "/"
            for name in files:
                if (name if prefix == "./" else prefix + name) not in names:
                    os.unlink(os.path.join(here, name))
            if here != root and not os.listdir(here):
                os.rmdir(here)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the JSON API ({exc.strerror or exc})") from None
    return [folder / rel for rel in names]
