"""The SQLite export, for SQL and for Datasette (`datasette catalog.db -m metadata.json`).

Tables (texts in every language of the catalog as columns, `name_ja`, `name_en`, …, plain text):

    entries           one row per exported entry (pk id); the entry as stored, as JSON, in `data`
    variants          one row per exported variant (pk `<entry id>#<index>`, entry_id → entries)
    entry_developers  entry_id → entries, organization_id → organizations, in the entry's order
    entry_licenses    entry_id → entries, license_id → licenses, with scope and commercial-use class
    organizations, licenses, sections (parent → sections), footnotes: the registries, whole
    entries_fts, variants_fts   FTS5 indexes (trigram tokenizer) over the names and texts in every language

Built with sqlite-utils (its table, foreign key, index and FTS API; no hand-written DDL), with foreign keys
enforced while writing, into a temporary file beside the target that replaces it in one rename. The trigram
tokenizer finds any substring of three characters or more, case-insensitively: Japanese needs no word
boundaries (`東北大` inside `東北大 自然言語処理研究グループ`, `sarashina` in `Sarashina2`).

The column descriptions of the Datasette metadata are the catalog schema's own (the pydantic Field
descriptions) where a column is a stored field; the derived columns' are written here. The table
definitions below serve both the database and its metadata, so the two cannot disagree.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..catalog.core import Catalog
from ..errors import OutputError
from ..files import atomic_write
from ..memo import Kept
from ..model.schema import Entry, Footnote, License, LicenseRef, Organization, Section, Variant
from ..model.text import text_in
from ._sqlite_utils import Database
from .items import Item, Selection, count, label_in, per_entry, plain_in, select_items, url_in
from .provenance import LICENSE, LICENSE_URL, SOURCE, SOURCE_URL


@dataclass(frozen=True)
class Column:
    name: str
    type: type
    description: str


@dataclass
class Table:
    """One table: its columns (with their descriptions), keys, full-text columns and how Datasette shows it."""

    name: str
    description: str
    pk: str | tuple[str, ...]
    columns: list[Column] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    fts: list[str] = field(default_factory=list)
    label_column: str | None = None
    facets: list[str] = field(default_factory=list)

    def add(self, name: str, kind: type, description: str) -> None:
        self.columns.append(Column(name, kind, description))


def _described(model: type[BaseModel], name: str) -> str:
    """A field's description in the catalog schema."""
    return model.model_fields[name].description or ""


def suffix(lang: str) -> str:
    """A language code as a column suffix (`zh-Hant` → `zh_hant`)."""
    return lang.lower().replace("-", "_")


class Schema:
    """The tables of the database for a catalog's languages."""

    def __init__(self, catalog: Catalog) -> None:
        self.languages = list(catalog.info.languages)
        self.names = {lang: catalog.info.name_of(lang) for lang in self.languages}
        self.main = suffix(self.languages[0])
        self.tables = {t.name: t for t in self._tables()}

    def localized(self, table: Table, prefix: str, description: str, fts: bool = False) -> None:
        """One column per language: `<prefix>_<lang>`."""
        for lang in self.languages:
            name = f"{prefix}_{suffix(lang)}"
            named = lang if self.names[lang] == lang else f"{self.names[lang]} ({lang})"
            table.add(name, str, f"{description} In {named}.")
            if fts:
                table.fts.append(name)

    def _tables(self) -> list[Table]:
        plain = " Plain text."
        entries = Table(
            "entries",
            "One row per entry of the catalog (a model, benchmark or paper), with its texts in every language.",
            pk="id",
            foreign_keys=[("section", "sections", "id")],
            label_column=f"name_{self.main}",
            facets=["kind", "year", "hf"],
        )
        entries.add("id", str, "The entry's id: its file path in the catalog without `.toml` (`models/<org>/<slug>`).")
        entries.add("catalog_order", int, "The entry's rank in catalog order (sections depth first, then position).")
        entries.add("section", str, _described(Entry, "section"))
        entries.add("kind", str, _described(Section, "kind"))
        entries.add("year", int, _described(Entry, "year"))
        entries.add("url", str, _described(Entry, "url") + " In the main language.")
        entries.add("hf", int, "1 when weights are on the Hugging Face Hub (a variant has a repo, or `hf` is yes).")
        entries.add(
            "commercial",
            str,
            "JSON array: the commercial-use class of each license group (`yes`, `no`, `conditional`, `unknown`): "
            "the unscoped licenses together (the most restrictive wins), then each scoped license.",
        )
        entries.add("license_ids", str, "JSON array: every license id of the entry and its variants, sorted.")
        entries.add("context_length", int, _described(Entry, "context_length"))
        entries.add("repos", str, "JSON array: every Hugging Face repo id of the variants, former ids included.")
        entries.fts.append("repos")
        self.localized(entries, "name", _described(Entry, "name") + plain, fts=True)
        self.localized(entries, "developers", "The developers' names, comma-separated." + plain, fts=True)
        for key in ("architecture", "base_model", "merged_from", "domain", "training_data", "description"):
            self.localized(entries, key, _described(Entry, key) + plain, fts=True)
        entries.add("data", str, "JSON: the entry as stored in its TOML file (fields without a value left out).")

        variants = Table(
            "variants",
            "One row per released model (variant) of an entry, with its parameter counts, context length and "
            "license. An entry with a size but no variant has one unnamed variant (variant_index null).",
            pk="id",
            foreign_keys=[("entry_id", "entries", "id"), ("license", "licenses", "id")],
            label_column="repo",
            facets=["commercial", "license"],
        )
        variants.add("id", str, "`<entry id>#<index>`: the entry's id and the variant's position (0 when unnamed).")
        variants.add("entry_id", str, "The entry the variant belongs to.")
        variants.add("variant_index", int, "The variant's position in the entry's `variants` (null when unnamed).")
        self.localized(
            variants, "label", "The label the list shows (`172b-instruct2`, `150m`, `small`)." + plain, fts=True
        )
        variants.add("size", str, _described(Variant, "size"))
        variants.add("params", int, "The total parameter count (MoE: every expert), from `size`.")
        variants.add("active", int, "The parameters active per token (MoE); the total for a dense model.")
        variants.add("context", int, "The context length in tokens: the variant's own, else the entry's.")
        variants.add("repo", str, _described(Variant, "repo"))
        variants.fts.append("repo")
        variants.add("aliases", str, "JSON array. " + _described(Variant, "aliases"))
        variants.add("license", str, "The license id that applies to the variant: its own, else the entry's only one.")
        variants.add(
            "commercial",
            str,
            "Commercial use of the variant (`yes`, `no`, `conditional`, `unknown`); null when the entry's scoped "
            "licenses do not say which applies.",
        )

        developers = Table(
            "entry_developers",
            "The developers of each entry, in the entry's order.",
            pk=("entry_id", "position"),
            foreign_keys=[("entry_id", "entries", "id"), ("organization_id", "organizations", "id")],
        )
        developers.add("entry_id", str, "The entry.")
        developers.add("position", int, "The developer's position in the entry's `developers` (0: the first).")
        developers.add("organization_id", str, "The organization.")

        entry_licenses = Table(
            "entry_licenses",
            "The licenses of each entry, in the entry's order, with their scope and commercial-use class.",
            pk=("entry_id", "position"),
            foreign_keys=[("entry_id", "entries", "id"), ("license_id", "licenses", "id")],
            facets=["commercial"],
        )
        entry_licenses.add("entry_id", str, "The entry.")
        entry_licenses.add("position", int, "The license's position in the entry's `licenses`.")
        entry_licenses.add("license_id", str, _described(LicenseRef, "id"))
        self.localized(entry_licenses, "name", "The license's name as the entry writes it." + plain)
        self.localized(entry_licenses, "scope", _described(LicenseRef, "scope") + plain)
        entry_licenses.add(
            "commercial",
            str,
            "The commercial-use class; `unknown` for an uncertain license or one not in the registry.",
        )
        entry_licenses.add("uncertain", int, _described(LicenseRef, "uncertain"))

        organizations = Table(
            "organizations",
            "The organizations that develop the entries (`organizations.toml`).",
            pk="id",
            label_column=f"name_{self.main}",
        )
        organizations.add("id", str, _described(Organization, "id"))
        self.localized(organizations, "name", _described(Organization, "name") + plain, fts=True)
        organizations.add("url", str, _described(Organization, "url"))
        organizations.add("aliases", str, "JSON array. " + _described(Organization, "aliases"))
        organizations.fts.append("aliases")

        licenses = Table(
            "licenses",
            "The licenses entries and variants refer to (`licenses.toml`), with their commercial-use class.",
            pk="id",
            label_column=f"name_{self.main}",
            facets=["class"],
        )
        licenses.add("id", str, _described(License, "id"))
        self.localized(licenses, "name", _described(License, "name") + plain)
        licenses.add("url", str, _described(License, "url"))
        licenses.add("class", str, _described(License, "commercial"))
        self.localized(licenses, "conditions", _described(License, "conditions") + plain)
        licenses.add("checked", str, _described(License, "checked"))
        licenses.add("aliases", str, "JSON array. " + _described(License, "aliases"))

        sections = Table(
            "sections",
            "The sections of the list (`sections.toml`): a taxonomy of kinds, each section under its parent.",
            pk="id",
            foreign_keys=[("parent", "sections", "id")],
            label_column=f"title_{self.main}",
            facets=["kind"],
        )
        sections.add("id", str, _described(Section, "id"))
        sections.add("parent", str, _described(Section, "parent"))
        sections.add("position", int, "The section's rank in catalog order (depth first).")
        sections.add("kind", str, _described(Section, "kind"))
        sections.add("layout", str, _described(Section, "layout"))
        self.localized(sections, "title", _described(Section, "title") + plain)

        footnotes = Table("footnotes", "The footnotes texts refer to as `[^id]` (`footnotes.toml`).", pk="id")
        footnotes.add("id", str, _described(Footnote, "id"))
        self.localized(footnotes, "text", _described(Footnote, "text"))

        # in the order they are filled: a table's foreign keys refer to tables filled before it
        return [sections, organizations, licenses, footnotes, entries, developers, entry_licenses, variants]


# --- rows --------------------------------------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _texts(languages: list[str], prefix: str, value: Any, plain: bool = True) -> dict[str, str | None]:
    """`<prefix>_<lang>` for every language: a catalog text (plain, or as written), None for no text."""
    return {
        f"{prefix}_{suffix(lang)}": (plain_in(value, lang) if plain else text_in(value, lang)) if value else None
        for lang in languages
    }


def _rows(catalog: Catalog, items: list[Item], kept: Kept | None = None) -> dict[str, Iterable[dict[str, Any]]]:
    """Each table's rows; the entries' tables as generators, one pass over the items each, consumed as they
    are inserted: at 100k entries holding every row at once took ~0.5 GB. `kept`: see entry_rows."""
    languages = list(catalog.info.languages)
    entries: Iterable[dict[str, Any]]
    licenses: Iterable[dict[str, Any]]
    variants: Iterable[dict[str, Any]]
    if kept is None:  # each table's generator makes its own part of an entry's rows, once
        entries = (_entry_row(languages, item) for item in items)
        licenses = (row for item in items for row in _license_rows(catalog, languages, item))
        variants = (row for item in items for row in _variant_rows(languages, item))
    else:  # all three parts made together, kept, and taken back by the next two tables (and the next build)
        entries = (entry_rows(catalog, languages, item, kept)[0] for item in items)
        licenses = (row for item in items for row in entry_rows(catalog, languages, item, kept)[1])
        variants = (row for item in items for row in entry_rows(catalog, languages, item, kept)[2])
    rows: dict[str, Iterable[dict[str, Any]]] = {
        "sections": [
            {
                "id": s.id,
                "parent": s.parent,
                "position": position,
                "kind": s.kind,
                "layout": s.layout,
                **_texts(languages, "title", s.title),
            }
            for position, s in enumerate(catalog.sections[key] for key in catalog.section_order())
        ],
        "organizations": [
            {"id": o.id, **_texts(languages, "name", o.name), "url": o.url, "aliases": _json(o.aliases)}
            for o in (catalog.organizations[key] for key in sorted(catalog.organizations))
        ],
        "licenses": [
            {
                "id": lic.id,
                **_texts(languages, "name", lic.name),
                "url": lic.url,
                "class": lic.commercial,
                **_texts(languages, "conditions", lic.conditions),
                "checked": lic.checked,
                "aliases": _json(lic.aliases),
            }
            for lic in (catalog.licenses[key] for key in sorted(catalog.licenses))
        ],
        "footnotes": [
            {"id": f.id, **_texts(languages, "text", f.text, plain=False)}
            for f in (catalog.footnotes[key] for key in sorted(catalog.footnotes))
        ],
        "entries": entries,
        "entry_developers": (
            {"entry_id": item.id, "position": position, "organization_id": dev}
            for item in items
            for position, dev in enumerate(item.entry.data.developers)
        ),
        "entry_licenses": licenses,
        "variants": variants,
    }
    return rows


EntryRows = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


def entry_rows(catalog: Catalog, languages: list[str], item: Item, kept: Kept | None = None) -> EntryRows:
    """An entry's row of `entries`, its rows of `entry_licenses` and of `variants`. `kept`: what a process
    that builds again keeps (memo.Kept): the rows made from the same record and entry are taken back (the
    record is made again when a registry changes)."""
    return per_entry(kept, ("sqlite", item.id), item, lambda: _entry_rows(catalog, languages, item))


def _entry_rows(catalog: Catalog, languages: list[str], item: Item) -> EntryRows:
    return _entry_row(languages, item), _license_rows(catalog, languages, item), _variant_rows(languages, item)


def _entry_row(languages: list[str], item: Item) -> dict[str, Any]:
    record, data = item.record, item.entry.data
    developers = {
        f"developers_{suffix(lang)}": ", ".join(text_in(d["name"], lang) for d in record["developers"]) or None
        for lang in languages
    }
    return {
        "id": item.id,
        "catalog_order": record["order"],
        "section": record["section"],
        "kind": record["kind"],
        "year": record["year"],
        "url": url_in(item, languages[0]) or None,
        "hf": int(record["hf"]),
        "commercial": _json(record["commercial"]),
        "license_ids": _json(record["license_ids"]),
        "context_length": record["context_length"],
        "repos": _json(record["repos"]),
        **_texts(languages, "name", data.name),
        **developers,
        **{
            column: value
            for key in ("architecture", "base_model", "merged_from", "domain", "training_data", "description")
            for column, value in _texts(languages, key, getattr(data, key)).items()
        },
        "data": _json(item.entry.data.model_dump(mode="json", exclude_none=True)),
    }


def _license_rows(catalog: Catalog, languages: list[str], item: Item) -> list[dict[str, Any]]:
    record, data = item.record, item.entry.data
    return [
        {
            "entry_id": item.id,
            "position": position,
            "license_id": ref.id,
            **_texts(languages, "name", ref.text or (catalog.licenses[ref.id].name if ref.id else None)),
            **_texts(languages, "scope", ref.scope),
            "commercial": facts["commercial"],
            "uncertain": int(ref.uncertain),
        }
        for position, (ref, facts) in enumerate(zip(data.licenses, record["licenses"], strict=True))
    ]


def _variant_rows(languages: list[str], item: Item) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{item.id}#{variant['index'] or 0}",
            "entry_id": item.id,
            "variant_index": variant["index"],
            **{f"label_{suffix(lang)}": label_in(item, variant, lang) or None for lang in languages},
            "size": variant["size"],
            "params": count(variant["params"]),
            "active": count(variant["active"]),
            "context": variant["context"],
            "repo": variant["repo"],
            "aliases": _json(variant["aliases"]),
            "license": variant["license"],
            "commercial": variant["commercial"],
        }
        for variant in item.variants
    ]


def fill(db: Database, catalog: Catalog, items: list[Item], kept: Kept | None = None) -> None:
    """Create the tables in an empty database and fill them. `kept`: see entry_rows."""
    schema = Schema(catalog)
    rows = _rows(catalog, items, kept)
    db.execute("PRAGMA foreign_keys = ON")
    for table in schema.tables.values():
        db.table(table.name).create(
            {column.name: column.type for column in table.columns},
            pk=table.pk,
            foreign_keys=table.foreign_keys,
        )
        db.table(table.name).insert_all(rows[table.name])
    db.index_foreign_keys()
    for table in schema.tables.values():
        if table.fts:
            db.table(table.name).enable_fts(table.fts, tokenize="trigram")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_sqlite(catalog: Catalog, path: Path, records: Selection = None, kept: Kept | None = None) -> Path:
    """Write the SQLite database to `path`: into a temporary file in the same folder, then one rename (a reader
    never sees it half-written). `records`: the search records or query matches to export (default: every
    entry; the registries are always whole). `kept`: see entry_rows. Raises OutputError when it cannot be
    written."""
    path = Path(path)
    items = select_items(catalog, records)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        connection = sqlite3.connect(tmp)
        try:
            # A temporary file that replaces `path` only once complete: no journal on disk and no fsync at
            # each of sqlite-utils' commits (one per table, per chunk of rows), which were a quarter of the
            # export's time at 10k entries; a crash leaves a temporary file, never a damaged `path`.
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("PRAGMA synchronous = OFF")
            fill(Database(connection), catalog, items, kept)
            connection.commit()
        finally:
            connection.close()
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except sqlite3.OperationalError as exc:  # a full disk, a folder SQLite cannot write its journal in
        raise OutputError(f"{path}: cannot write the database ({exc})") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}-journal").unlink(missing_ok=True)
    return path


# --- Datasette ---------------------------------------------------------------------------------------------


def datasette_metadata(catalog: Catalog, database: str = "catalog") -> dict[str, Any]:
    """Datasette's metadata for the database (served as `database`, the file name without `.db`)."""
    schema = Schema(catalog)
    languages = list(catalog.info.languages)
    titles = list(dict.fromkeys(plain_in(catalog.info.title, lang) for lang in languages))
    columns = ", ".join(f"name_{suffix(lang)}" for lang in languages)
    tables: dict[str, Any] = {}
    for table in schema.tables.values():
        meta: dict[str, Any] = {
            "description": table.description,
            "columns": {column.name: column.description for column in table.columns},
        }
        if table.label_column:
            meta["label_column"] = table.label_column
        if table.facets:
            meta["facets"] = list(table.facets)
        tables[table.name] = meta
    return {
        "title": titles[0],
        "description": (
            f"{' / '.join(titles)}: the entries of the catalog (models, benchmarks, papers) with their variants, "
            f"developers and licenses. Texts in every language as columns ({columns}, …); the search box of "
            "entries finds any part of a name or text of three characters or more (trigram full-text search)."
        ),
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "databases": {database: {"tables": tables}},
    }


def write_datasette_metadata(catalog: Catalog, path: Path, database: str = "catalog") -> Path:
    """Write metadata.json for `datasette <database>.db -m metadata.json` (atomically)."""
    path = Path(path)
    atomic_write(path, json.dumps(datasette_metadata(catalog, database), ensure_ascii=False, indent=2) + "\n")
    return path
