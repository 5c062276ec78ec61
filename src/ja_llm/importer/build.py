"""Build a catalog from parsed awesome-list documents (Japanese + translations) and write it atomically."""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..catalog.toml import dumps, read_toml
from ..errors import ImportInvalid, ImportLanguages, OutputExists
from ..files import atomic_write, staged_directory
from ..model.inline import plain
from ..model.schema import Entry, Footnote, License, LicensesFile, Organization, Section
from ..model.vocab import KIND_FOLDERS, POSITIONAL_COLUMNS, column_key_for, kind_for, normalize_header, slugify
from . import cells as C
from .document import ParsedDoc, ParsedSection, Row, Skip, parse_document
from .variant_facts import bind_variant_contexts, bind_variant_licenses, bind_variant_sizes


def latin_share(text: str) -> float:
    """How much of a text's letters and digits are ASCII once accents are dropped (1.0: `Université`)."""
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", plain(text)) if not unicodedata.combining(c))
    alnum = [c for c in decomposed if c.isalnum()]
    return sum(c.isascii() for c in alnum) / len(alnum) if alnum else 0.0


def id_text(values: Mapping[str, str | None]) -> str:
    """The text an id is made from: the first (in the languages' order) written in Latin letters, so that
    ids read the same whatever the list's main language; else the most Latin one."""
    present = [value for value in values.values() if value]
    for value in present:
        if latin_share(value) >= 0.9:
            return value
    return max(present, key=latin_share, default="")


def texts(values: Mapping[str, str | None]) -> str | dict[str, str] | None:
    """One string when every language says the same, else a table of languages; None when all are empty.

    None means a language has no text (no translation); "" means its cell is empty on purpose, and is
    kept when another language has text, so that rendering that language gives the empty cell back.
    """
    present = {lang: value for lang, value in values.items() if value is not None}
    if not any(present.values()):
        return None
    distinct = set(present.values())
    if len(distinct) == 1 and len(present) == len(values):
        return next(iter(distinct))
    return present


@dataclass
class ImportResult:
    rows_total: int
    rows_imported: int
    skipped: list[Skip]
    warnings: list[Skip] = field(default_factory=list)
    unpaired: dict[str, list[dict]] = field(default_factory=dict)
    entries: int = 0

    def report(self) -> dict[str, Any]:
        return {
            "rows_total": self.rows_total,
            "rows_imported": self.rows_imported,
            "skipped": [s.as_json() for s in self.skipped],
            "warnings": [s.as_json() for s in self.warnings],
            "unpaired": self.unpaired,
            "entries_written": self.entries,
        }


def load_license_registry(catalog_dir: Path | None = None) -> list[License]:
    """The license vocabulary the importer matches cells against: the licenses.toml of a catalog
    (by default the catalog shipped with ja-llm)."""
    from ..catalog.location import shipped_catalog
    from ..errors import CatalogNotFound

    path = (catalog_dir or shipped_catalog()) / "licenses.toml"
    if not path.is_file():
        raise CatalogNotFound(f"{path}: no license registry")
    data, _ = read_toml(path)
    return LicensesFile.model_validate(data).license


class Registry:
    """Organizations, licenses and footnotes met while importing, with stable ids."""

    def __init__(self, languages: list[str], licenses: list[License] | None = None) -> None:
        self.languages = languages
        self.orgs: dict[tuple, Organization] = {}
        self.org_ids: set[str] = set()
        self.licenses = licenses if licenses is not None else load_license_registry()
        self.license_by_name: dict[str, License] = {}
        for lic in self.licenses:
            names = [lic.name] if isinstance(lic.name, str) else list(lic.name.values())
            for name in [*names, *lic.aliases]:
                self.license_by_name.setdefault(_license_key(name), lic)
        self.used_licenses: set[str] = set()

    def organization(self, names: dict[str, str]) -> str | None:
        """The id of the organization with these names (registered on first sight); None when no name has
        any text (`<br>`, `**`)."""
        # An organization's name is one line: `<br>` inside a table cell was layout only.
        names = {lang: re.sub(r"\s*<br\s*/?>\s*", " ", name).strip() for lang, name in names.items() if name}
        names = {lang: name for lang, name in names.items() if plain(name)}
        if not names:
            return None
        key = tuple(sorted((lang, plain(name)) for lang, name in names.items() if name))
        if key in self.orgs:
            return self.orgs[key].id
        ordered = {lang: names.get(lang) for lang in self.languages}
        base = slugify(plain(id_text(ordered))) or "org-" + _digest(repr(key))
        org_id = base
        n = 2
        while org_id in self.org_ids:
            org_id = f"{base}-{n}"
            n += 1
        name = texts({lang: names.get(lang) for lang in self.languages}) or next(iter(names.values()))
        self.orgs[key] = Organization(id=org_id, name=name)
        self.org_ids.add(org_id)
        return org_id

    def license_id(self, name: str) -> str | None:
        """The id of the registered license with this name (or alias), None when none has it."""
        lic = self.license_by_name.get(_license_key(name))
        if lic is not None:
            self.used_licenses.add(lic.id)
        return lic.id if lic is not None else None

    def license_ref(self, names: dict[str, str]) -> dict[str, Any]:
        for name in names.values():
            lic = self.license_by_name.get(_license_key(name)) if name else None
            if lic is not None:
                self.used_licenses.add(lic.id)
                ref: dict[str, Any] = {"id": lic.id}
                canonical = {lang: (lic.name if isinstance(lic.name, str) else lic.name.get(lang)) for lang in names}
                if any(names[lang] and names[lang] != canonical[lang] for lang in names):
                    ref["text"] = texts(names)
                return ref
        return {"text": texts(names)}


def _same_target(a: str | None, b: str | None) -> bool:
    """Two link targets that differ only by entities or typographic hyphens point at the same thing."""

    def norm(url: str | None) -> str:
        return html.unescape(url or "").replace("\u2011", "-").replace("\u2010", "-")

    return norm(a) == norm(b)


def _license_key(name: str) -> str:
    """License names compare without case and with typographic hyphens as plain ones."""
    return plain(name).replace("\u2011", "-").replace("\u2010", "-").casefold()


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


# --- pairing -------------------------------------------------------------------------------------------


def pair_sections(base: ParsedDoc, other: ParsedDoc) -> dict[int, int]:
    """Section index in `base` -> section index in `other`: by document order when the outlines agree,
    else by anchor."""
    same_outline = len(base.sections) == len(other.sections) and all(
        a.level == b.level for a, b in zip(base.sections, other.sections, strict=False)
    )
    if same_outline:
        return {i: i for i in range(len(base.sections))}
    by_anchor = {s.anchor: i for i, s in enumerate(other.sections) if s.anchor}
    return {i: by_anchor[s.anchor] for i, s in enumerate(base.sections) if s.anchor in by_anchor}


_INVARIANT = re.compile(r"\d+(?:[.,]\d+)*[a-zA-Z]*|[A-Za-z][A-Za-z0-9._-]+")


def _invariants(cells: list[str]) -> set[str]:
    """What a row says the same way in every language: numbers, sizes, model and dataset names."""
    return {token.lower() for cell in cells for token in _INVARIANT.findall(plain(cell))}


def _greedy(scores: list[tuple[float, int, int, int]], pairs: dict[int, int], used: set[int]) -> None:
    for _, _, i, j in sorted(scores):
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)


def pair_rows(base: list[Row], other: list[Row]) -> tuple[dict[int, int], list[int]]:
    """Pair the rows of a section in two languages: by the links they share (best overlap first), then the
    rest by their content (the numbers and names a translation keeps), then by position between rows already
    paired (so that a moved, added or dropped row does not shift the others), unless the two rows have
    nothing in common. Returns the pairs and the rows of `other` left unpaired."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    base_links = [C.links_of_row(r.cells) for r in base]
    other_links = [C.links_of_row(r.cells) for r in other]
    scores = []
    for i, a in enumerate(base_links):
        for j, b in enumerate(other_links):
            if a and b and (shared := len(a & b)):
                scores.append((-shared / len(a | b), abs(i - j), i, j))
    _greedy(scores, pairs, used)

    base_words = [_invariants(r.cells) for r in base]
    other_words = [_invariants(r.cells) for r in other]
    scores = []
    for i in (i for i in range(len(base)) if i not in pairs):
        for j in (j for j in range(len(other)) if j not in used):
            a, b = base_words[i], other_words[j]
            if a and b and (score := len(a & b) / len(a | b)) >= 0.5:
                scores.append((-score, abs(i - j), i, j))
    _greedy(scores, pairs, used)

    # by position, inside each gap between paired rows that keep their order
    anchors = sorted(pairs.items())
    bounds = [(-1, -1)] + [(i, j) for i, j in anchors] + [(len(base), len(other))]
    for (i0, j0), (i1, j1) in itertools.pairwise(bounds):
        if j1 <= j0:
            continue  # rows that crossed: nothing positional between them
        rest_base = [i for i in range(i0 + 1, i1) if i not in pairs]
        rest_other = [j for j in range(j0 + 1, j1) if j not in used]
        if len(rest_base) == len(rest_other):
            for i, j in zip(rest_base, rest_other, strict=True):
                a, b = base_words[i], other_words[j]
                if a and b and not a & b:
                    continue  # nothing in common (not even the year): a dropped row and an added one
                pairs[i] = j
                used.add(j)
    unpaired_other = [j for j in range(len(other)) if j not in used]
    return pairs, unpaired_other


# --- entries -------------------------------------------------------------------------------------------


@dataclass
class SectionPlan:
    section: Section
    parsed: dict[str, ParsedSection]  # language -> parsed section
    keys: list[str]


def _column_keys(parsed: dict[str, ParsedSection], kind: str) -> list[str]:
    base = next(iter(parsed.values()))  # the main language's section comes first
    headers = base.headers
    if headers and all(not normalize_header(h) for h in headers) and kind in POSITIONAL_COLUMNS:
        positional = POSITIONAL_COLUMNS[kind]
        if len(positional) == len(headers):
            return list(positional)
    keys: list[str] = []
    for index, header in enumerate(headers):
        key = "name" if index == 0 else None
        if key is None:
            for sec in parsed.values():
                if index < len(sec.headers):
                    key = column_key_for(sec.headers[index])
                    if key:
                        break
        if key is None or key in keys:
            in_langs = {lang: sec.headers[index] if index < len(sec.headers) else None for lang, sec in parsed.items()}
            label = id_text(in_langs)
            key = "x-" + (slugify(plain(label or header)) or f"column-{index + 1}")
        keys.append(key)
    return keys


class EntryBuilder:
    def __init__(self, registry: Registry, languages: list[str]) -> None:
        self.registry = registry
        self.languages = languages

    def _texts(self, values: Mapping[str, str | None]) -> str | dict[str, str] | None:
        """texts() over every language of the import: a language whose row is missing has no text (rather
        than the others' text passing for it)."""
        return texts({lang: values.get(lang) for lang in self.languages})

    def build(self, plan: SectionPlan, rows: dict[str, Row | None], position: int) -> dict[str, Any]:
        lang_cells: dict[str, dict[str, str]] = {}
        for lang, row in rows.items():
            if row is None:
                continue
            if row.kind == "item":
                # nested items are paragraphs of the description (an item never holds a blank line)
                lang_cells[lang] = {"name": row.cells[0] if row.cells else "", "description": "\n\n".join(row.nested)}
            else:
                lang_cells[lang] = {
                    key: (row.cells[i] if i < len(row.cells) else "") for i, key in enumerate(plan.keys)
                }
        base_lang = self.languages[0] if self.languages[0] in lang_cells else next(iter(lang_cells))
        base = lang_cells[base_lang]
        entry: dict[str, Any] = {"section": plan.section.id, "position": position}
        footnotes: dict[str, list[str]] = {}
        extra: dict[str, Any] = {}
        variants_taken = False

        def per_lang(key: str) -> dict[str, str]:
            return {lang: cells.get(key, "") for lang, cells in lang_cells.items()}

        def text_field(key: str) -> Any:
            return self._texts(per_lang(key))

        # Variants: the first column (in a fixed order) whose cell holds a variant list.
        variant_cells: dict[str, C.VariantCell] = {}
        name_cells = {lang: C.parse_name(cells.get("name", "")) for lang, cells in lang_cells.items()}
        base_name = name_cells[base_lang]

        # name
        if base_name.variants is not None:
            variants_taken = True
            entry["variants_in"] = "name"
            entry["variants_style"] = base_name.variants.style
            variant_cells = {lang: n.variants for lang, n in name_cells.items() if n.variants is not None}
        entry["name"] = self._texts({lang: n.name for lang, n in name_cells.items()}) or base_name.name
        url = self._texts({lang: n.url for lang, n in name_cells.items()})
        if url is not None:
            entry["url"] = url
        if base_name.anchor:
            entry["anchor"] = base_name.anchor
        if base_name.footnotes:
            footnotes["name"] = base_name.footnotes

        for key in plan.keys:
            if key == "name" or key not in base:
                continue
            cells = per_lang(key)
            base_cell = cells[base_lang]
            if not any(cells.values()):
                continue
            if key == "year":
                year = C.parse_year(base_cell)
                if year is None:
                    extra["year"] = self._texts(cells)
                else:
                    entry["year"] = year
            elif key == "context":
                length, exact = C.parse_context(base_cell)
                if length is not None:
                    entry["context_length"] = length
                if not exact:
                    entry["context"] = self._texts(cells)
            elif key in ("architecture", "base_model"):
                parsed = {lang: C.split_variants(c) for lang, c in cells.items()}
                base_parsed = parsed[base_lang]
                if not variants_taken and base_parsed is not None and base_parsed.style == "parens":
                    variants_taken = True
                    entry["variants_in"] = key
                    entry["variants_style"] = "parens"
                    variant_cells = {lang: p for lang, p in parsed.items() if p is not None}
                    value = self._texts({lang: (p.text if p else None) for lang, p in parsed.items()})
                    if value is not None:
                        entry[key] = value
                    if base_parsed.footnotes:
                        footnotes[key] = base_parsed.footnotes
                else:
                    entry[key] = self._texts(cells)
            elif key == "developer":
                entry_devs = self._developers(cells, base_lang)
                if entry_devs:
                    entry["developers"] = entry_devs
            elif key == "license":
                refs, notes = self._licenses(cells, base_lang)
                if refs:
                    entry["licenses"] = refs
                if notes:
                    footnotes["license"] = notes
            elif key == "hf":
                parsed_hf = {lang: C.parse_hf(c) for lang, c in cells.items()}
                base_hf = parsed_hf[base_lang]
                hf: dict[str, Any] = {}
                if base_hf.variants is not None and not variants_taken:
                    variants_taken = True
                    entry["variants_in"] = "hf"
                    entry["variants_style"] = base_hf.variants.style
                    variant_cells = {lang: p.variants for lang, p in parsed_hf.items() if p.variants is not None}
                    if base_hf.status:
                        hf["status"] = base_hf.status
                elif base_hf.variants is not None:
                    hf["note"] = self._texts(cells)
                elif len({p.status for p in parsed_hf.values()}) > 1:
                    hf["note"] = self._texts(cells)  # the languages disagree on the mark: keep each cell as written
                else:
                    if base_hf.status:
                        hf["status"] = base_hf.status
                    note = self._texts({lang: p.note for lang, p in parsed_hf.items()})
                    if note is not None:
                        hf["note"] = note
                if base_hf.footnotes and "note" not in hf:
                    footnotes["hf"] = base_hf.footnotes
                if hf:
                    entry["hf"] = hf
            elif key in ("training_data", "domain", "merged_from", "platform", "description", "venue", "paper"):
                entry[key] = text_field(key)
            elif key == "date":
                entry["date"] = plain(base_cell) if plain(base_cell) == base_cell.strip() else base_cell.strip()
            else:
                extra[key] = text_field(key)

        if plan.section.layout == "list":
            description = text_field("description")
            if description is not None:
                entry["description"] = description
            self._list_item_developer(entry, lang_cells, base_lang)

        # A row whose only link is its name, pointing at a Hugging Face model, is a one-variant entry.
        if not variants_taken and isinstance(entry.get("url"), str) and C.hf_repo(entry["url"]):
            variant = C.variant_from_link(C.Link(plain(base_name.name) if base_name.name else "", entry.pop("url")))
            variant.label = None
            entry["variants_in"] = "name"
            entry["variants_style"] = "link"
            variant_cells = {base_lang: C.VariantCell(None, [variant], [], "link")}
            variants_taken = True
        if variant_cells:
            entry["variants"] = self._variants(variant_cells, base_lang)
        if not any(v.get("size") for v in entry.get("variants", [])):
            # `MoE (**47b**)`, `Llama 3.3 (**70b**)`: the size of the whole entry, written in bold
            for key in ("architecture", "base_model"):
                size = C.bold_size_in(base.get(key, ""))
                if size:
                    entry["size"] = size
                    break
        if entry.get("variants_style") == "parens":
            entry.pop("variants_style")
        bind_variant_contexts(entry, base_lang)
        bind_variant_sizes(entry, base_lang)
        bind_variant_licenses(entry, base_lang, self.registry.license_id)
        if footnotes:
            entry["footnotes"] = footnotes
        if extra:
            entry["extra"] = {k: v for k, v in extra.items() if v is not None}
        return entry

    def _variants(self, cells: dict[str, C.VariantCell], base_lang: str) -> list[dict[str, Any]]:
        base = cells[base_lang].variants
        result = []
        for index, variant in enumerate(base):
            labels: dict[str, str | None] = {}
            targets: dict[str, str | None] = {}
            for lang, cell in cells.items():
                other = cell.variants[index] if len(cell.variants) == len(base) else None
                if other is not None and _same_target(C.target_of(other), C.target_of(variant)):
                    labels[lang] = other.label
                    targets[lang] = C.target_of(other)
                elif lang == base_lang:
                    labels[lang] = variant.label
                    targets[lang] = C.target_of(variant)
            data: dict[str, Any] = {}
            label = self._texts(labels) if len(labels) == len(cells) else variant.label
            if label is not None:
                data["label"] = label
            if variant.size:
                data["size"] = variant.size
            if variant.repo:
                data["repo"] = variant.repo
            if len(set(targets.values())) > 1:
                # the same target written differently per language (an entity in a URL): keep each as written
                data["url"] = {lang: url for lang, url in targets.items() if url}
            elif variant.url:
                data["url"] = variant.url
            result.append(data)
        return result

    def _developers(self, cells: dict[str, str], base_lang: str) -> list[str]:
        split = {lang: C.split_developers(c) for lang, c in cells.items()}
        count = len(split[base_lang])
        if count == 0:
            return []
        if all(len(parts) == count for parts in split.values()):
            found = [
                self.registry.organization({lang: parts[i] for lang, parts in split.items()}) for i in range(count)
            ]
        else:
            found = [self.registry.organization({lang: c.strip() for lang, c in cells.items() if c.strip()})]
        return [org for org in found if org is not None]

    def _licenses(self, cells: dict[str, str], base_lang: str) -> tuple[list[dict[str, Any]], list[str]]:
        notes: list[str] = []
        stripped: dict[str, str] = {}
        for lang, cell in cells.items():
            body, refs = C.strip_trailing_footnotes(cell)
            stripped[lang] = body
            if lang == base_lang:
                notes = refs
        pieces = {lang: C.parse_licenses(c) for lang, c in stripped.items()}
        base = pieces[base_lang]
        aligned = all(len(p) == len(base) for p in pieces.values())
        refs_out = []
        for index, piece in enumerate(base):
            langs = {lang: p[index] for lang, p in pieces.items()} if aligned else {base_lang: piece}
            ref = self.registry.license_ref({lang: p.name for lang, p in langs.items()})
            scope = texts({lang: p.scope for lang, p in langs.items()})
            note = texts({lang: p.note for lang, p in langs.items()})
            if scope is not None:
                ref["scope"] = scope
            if note == "(?)":  # the list is not sure of it
                ref["uncertain"] = True
            elif note is not None:
                ref["note"] = note
            if ref.get("text") is None and "id" not in ref:
                continue
            refs_out.append({k: v for k, v in ref.items() if v is not None})
        return refs_out, notes

    def _list_item_developer(
        self, entry: dict[str, Any], lang_cells: dict[str, dict[str, str]], base_lang: str
    ) -> None:
        """List items read `[Name](url) (Developer)`: the trailing parenthesis names the developer."""
        devs: dict[str, str] = {}
        names: dict[str, str] = {}
        urls: dict[str, str] = {}
        for lang, cells in lang_cells.items():
            cell = cells.get("name", "")
            match = re.match(r"^(\[.*\]\([^)]*\))\s*\((.+)\)\s*$", cell)
            link = C.is_single_link(match.group(1)) if match else None
            if match and link is not None:
                names[lang] = link.text
                devs[lang] = match.group(2)
                urls[lang] = link.url
        if devs and base_lang in devs:
            entry["name"] = texts(names) or entry["name"]
            entry["url"] = texts(urls)
            org = self.registry.organization(devs)
            entry["developers"] = [org] if org is not None else []


# --- the whole import -----------------------------------------------------------------------------------


def import_list(
    source: Path,
    translations: dict[str, Path],
    out: Path,
    force: bool = False,
    data: Path | None = None,
    lang: str | None = None,
    tree: Path | None = None,
) -> ImportResult:
    """Import an awesome-list README (+ translations) into a new catalog folder at `out`.

    `source` is written in `lang`, the catalog's main language; without `lang`, the language is the one whose
    name (in the reference catalog's `language_names`) the README's language switch gives for itself. License
    cells are matched against the license registry of the catalog `data` (default: the shipped one).
    Includes (`<!--@include: @/parts/x.md-->`) resolve inside `tree`, the list's folder (default: the folder of
    `source`), and never outside it.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputExists(f"{out}: exists and is a file, not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise OutputExists(f"{out}: exists and is not empty")
    catalog, result = read_list(source, translations, data, lang, tree)
    with staged_directory(out) as staging:
        write_catalog(catalog, staging)
        _drop_invalid_rows(catalog, result, staging)
    return result


def read_list(
    source: Path,
    translations: dict[str, Path],
    data: Path | None = None,
    lang: str | None = None,
    tree: Path | None = None,
) -> tuple[BuiltCatalog, ImportResult]:
    """A version of the list (README + translations) as an in-memory catalog, without writing anything: what
    `import_list` writes, and what `ja-llm sync` compares with the catalog. The arguments are import_list's."""
    # Includes of the README and of its translations resolve inside the README's folder (the list's tree).
    tree = Path(tree) if tree is not None else source.parent
    if not _inside(source, tree):
        raise ImportLanguages(f"{source}: not inside the list's folder {tree}")
    main_doc = parse_document(source, tree)
    guessed = None
    if lang is None:
        lang, guessed = _language_of(main_doc, source, data)
    if lang in translations:
        raise ImportLanguages(f"{lang!r} is the language of {source}; a translation is in another language")
    docs: dict[str, ParsedDoc] = {lang: main_doc}
    for other, path in translations.items():
        docs[other] = parse_document(path, tree if _inside(path, tree) else None)
    languages = list(docs)
    catalog, result = build_catalog(docs, languages, load_license_registry(data))
    if guessed:
        result.warnings.insert(0, Skip(1, guessed))
    return catalog, result


def _language_of(doc: ParsedDoc, source: Path, data: Path | None) -> tuple[str, str | None]:
    """The code of the language a README names itself in its language switch (`… | 日本語 ]`), looked up in
    the reference catalog's language names; a README that names none is taken to be in the reference
    catalog's main language (with a warning, the second value)."""
    from ..catalog.location import shipped_catalog

    own = _own_language_name(doc.preamble)
    path = (data or shipped_catalog()) / "catalog.toml"
    info = read_toml(path)[0] if path.is_file() else {}
    names = info.get("language_names", {})
    codes = [code for code, name in names.items() if own and plain(name).casefold() == own.casefold()]
    if not codes and own in info.get("languages", []):
        codes = [own]  # a list without language names shows the codes
    if len(codes) == 1:
        return codes[0], None
    if own is None and info.get("languages"):
        main = info["languages"][0]
        return main, f"{source.name} does not name its language: taken as {main!r}, the main language of {path}"
    said = f"calls its language {own!r}, which {path} does not name" if own else "does not name its language"
    raise ImportLanguages(f"{source}: cannot tell its language (it {said}); give it with --lang")


def _drop_invalid_rows(catalog: BuiltCatalog, result: ImportResult, folder: Path) -> None:
    """Validate the written catalog as `ja-llm validate` would: an entry with an error is removed and its
    row reported as skipped, with the problem; an error anywhere else stops the import (nothing is written).
    The importer never leaves a catalog that its own validate rejects."""
    from ..catalog.load import collect

    _, problems = collect(folder)
    by_file = {f"{path}.toml": path for path in catalog.entries}
    for problem in (p for p in problems if p.severity == "error"):
        path = by_file.get(problem.path)
        if path is None:
            raise ImportInvalid(f"the imported catalog would not validate: {problem}")
        if not (folder / problem.path).exists():
            continue  # a second problem of a row already skipped
        (folder / problem.path).unlink()
        result.rows_imported -= 1
        result.entries -= 1
        result.skipped.append(Skip(catalog.lines[path], f"row not importable: {problem.field}: {problem.message}"))
    if any(p.severity == "error" and p.path in by_file for p in problems):
        remaining = [p for p in collect(folder)[1] if p.severity == "error"]
        if remaining:
            raise ImportInvalid(f"the imported catalog would not validate: {remaining[0]}")


@dataclass
class BuiltCatalog:
    info: dict[str, Any]
    sections: list[Section]
    organizations: list[Organization]
    licenses: list[License]
    footnotes: list[Footnote]
    entries: dict[str, dict[str, Any]]  # relative path (without .toml) -> entry data
    lines: dict[str, int] = field(default_factory=dict)  # relative path -> line of its row in the source


def build_catalog(
    docs: dict[str, ParsedDoc], languages: list[str], licenses: list[License] | None = None
) -> tuple[BuiltCatalog, ImportResult]:
    main = languages[0]
    base = docs[main]
    registry = Registry(languages, licenses)
    builder = EntryBuilder(registry, languages)
    section_maps = {lang: pair_sections(base, doc) for lang, doc in docs.items() if lang != main}
    skipped = list(base.skipped)
    warnings = list(base.warnings)
    unpaired: dict[str, list[dict]] = {}
    for lang, doc in docs.items():
        if lang != main:
            warnings.extend(Skip(w.line, f"{lang}: {w.reason}", doc.path.name) for w in doc.warnings + doc.skipped)

    sections: list[Section] = []
    plans: list[tuple[SectionPlan, int]] = []
    used_ids: set[str] = set()
    stack: list[tuple[int, str, str]] = []  # (level, id, kind)
    for index, parsed in enumerate(base.sections):
        parsed_by_lang = {main: parsed}
        for lang, mapping in section_maps.items():
            if index in mapping:
                parsed_by_lang[lang] = docs[lang].sections[mapping[index]]
        while stack and stack[-1][0] >= parsed.level:
            stack.pop()
        parent_id = stack[-1][1] if stack else None
        parent_kind = stack[-1][2] if stack else None
        latin_title = plain(id_text({lang: p.title for lang, p in parsed_by_lang.items()}))
        anchor = parsed.anchor if parsed.anchor and _ID.match(parsed.anchor) else slugify(parsed.anchor or "")
        section_id = anchor or slugify(latin_title) or slugify(plain(parsed.title))
        if not section_id or section_id in used_ids:
            section_id = f"{parent_id}-{section_id or index}" if parent_id else f"section-{index}"
        while section_id in used_ids:
            section_id += "-x"
        used_ids.add(section_id)
        kind = kind_for(section_id, latin_title, parent_kind)
        columns_keys = _column_keys(parsed_by_lang, kind) if parsed.layout == "table" else []
        columns = []
        for i, key in enumerate(columns_keys):
            header = texts({lang: (p.headers[i] if i < len(p.headers) else "") for lang, p in parsed_by_lang.items()})
            columns.append({"key": key, "header": header if header is not None else ""})
        section = Section.model_validate(
            {
                "id": section_id,
                "parent": parent_id,
                "order": (len(sections) + 1) * 10,
                "kind": kind,
                "title": texts({lang: p.title for lang, p in parsed_by_lang.items()}) or section_id,
                "layout": parsed.layout,
                "intro": texts({lang: "\n".join(p.intro) for lang, p in parsed_by_lang.items()}),
                "outro": texts({lang: "\n".join(p.outro) for lang, p in parsed_by_lang.items()}),
                "columns": columns,
            }
        )
        sections.append(section)
        stack.append((parsed.level, section_id, kind))
        plans.append((SectionPlan(section, parsed_by_lang, columns_keys), index))

    lines: dict[str, int] = {}
    entries: dict[str, dict[str, Any]] = {}
    rows_imported = 0
    for plan, _index in plans:
        base_rows = plan.parsed[main].rows
        pairings: dict[str, tuple[dict[int, int], list[int]]] = {}
        for lang, parsed in plan.parsed.items():
            if lang != main:
                pairings[lang] = pair_rows(base_rows, parsed.rows)
        for lang in languages[1:]:
            if lang not in plan.parsed:
                continue
            pairs, extra_rows = pairings[lang]
            for i in range(len(base_rows)):
                if i not in pairs:
                    unpaired.setdefault(lang, []).append({"line": base_rows[i].line, "reason": f"no {lang} row"})
            for j in extra_rows:
                row = plan.parsed[lang].rows[j]
                unpaired.setdefault(lang, []).append(
                    {"line": row.line, "file": docs[lang].path.name, "reason": f"{lang} row with no {main} row"}
                )
        position = 0
        for i, row in enumerate(base_rows):
            rows: dict[str, Row | None] = {main: row}
            for lang, (pairs, _) in pairings.items():
                rows[lang] = plan.parsed[lang].rows[pairs[i]] if i in pairs else None
            position += 10
            data = builder.build(plan, rows, position)
            try:
                entry = Entry.model_validate(data)
            except ValidationError as exc:  # a row the schema refuses is reported with the reason, never fatal
                skipped.append(Skip(row.line, "row not importable: " + _first_error(exc)))
                continue
            path = _entry_path(entry, plan.section.kind, entries)
            entries[path] = entry.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            lines[path] = row.line
            rows_imported += 1

    footnote_list = []
    labels = list(base.footnotes)
    for doc in docs.values():
        labels += [label for label in doc.footnotes if label not in labels]
    for label in labels:
        text = texts({lang: doc.footnotes.get(label) for lang, doc in docs.items()})
        if text is None:
            continue
        if not _ID.match(label):  # the rows that cite it are then skipped by the validation before writing
            warnings.append(Skip(0, f"footnote [^{label}] skipped: a label is letters, digits, '.', '_' or '-'"))
            continue
        footnote_list.append(Footnote(id=label, text=text))

    title = texts({lang: doc.title for lang, doc in docs.items()})
    if title is None:  # a list needs a title: the README's file name stands in, with a warning
        title = base.path.stem
        warnings.append(Skip(1, f"no title (a `# ` heading): the title is the file name {title!r}"))
    names = {lang: name for lang, doc in docs.items() if (name := _own_language_name(doc.preamble))}
    info: dict[str, Any] = {
        "title": title,
        "languages": languages,
        "language_names": names or None,
        "preamble": texts({lang: "\n".join(_content_lines(doc.preamble)) for lang, doc in docs.items()}),
    }
    licenses = registry.licenses
    rows_total = rows_imported + len([s for s in skipped if s.reason.startswith(("row", "include"))])
    result = ImportResult(
        rows_total=rows_total,
        rows_imported=rows_imported,
        skipped=[s for s in skipped if s.reason.startswith(("row", "include"))],
        warnings=warnings + [s for s in skipped if not s.reason.startswith(("row", "include"))],
        unpaired=unpaired,
        entries=len(entries),
    )
    built = BuiltCatalog(info, sections, list(registry.orgs.values()), licenses, footnote_list, entries, lines)
    return built, result


def _entry_path(entry: Entry, kind: str, taken: dict[str, Any]) -> str:
    folder = KIND_FOLDERS.get(kind, "models")
    name = entry.name if isinstance(entry.name, str) else id_text(entry.name)
    slug = slugify(plain(name))
    if not slug and entry.variants and entry.variants[0].repo:
        slug = slugify(entry.variants[0].repo.split("/")[-1])
    if not slug and entry.url:
        url = entry.url if isinstance(entry.url, str) else next(iter(entry.url.values()))
        slug = slugify(url.rstrip("/").rsplit("/", 1)[-1])
    if not slug:
        slug = "entry-" + _digest(json.dumps(entry.model_dump(mode="json"), ensure_ascii=False))
    prefix = f"{folder}/{entry.developers[0]}" if folder == "models" and entry.developers else folder
    if folder == "models" and not entry.developers:
        prefix = "models/unknown"
    path = f"{prefix}/{slug}"
    n = 2
    while path in taken:
        path = f"{prefix}/{slug}-{n}"
        n += 1
    return path


def write_catalog(catalog: BuiltCatalog, folder: Path) -> None:
    """Write every file of a catalog into `folder` (which should be a fresh staging folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "catalog.toml", dumps({k: v for k, v in catalog.info.items() if v is not None}))
    atomic_write(folder / "sections.toml", dumps({"section": [_dump(s) for s in catalog.sections]}))
    atomic_write(folder / "organizations.toml", dumps({"organization": [_dump(o) for o in catalog.organizations]}))
    atomic_write(folder / "licenses.toml", dumps({"license": [_dump(lic) for lic in catalog.licenses]}))
    atomic_write(folder / "footnotes.toml", dumps({"footnote": [_dump(f) for f in catalog.footnotes]}))
    for path, data in catalog.entries.items():
        atomic_write(folder / f"{path}.toml", dumps(data))


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # the schema's Id
_LANGUAGE_SWITCH = re.compile(r"^\[ .*\]$")  # `[ [**English**](./en/) | 日本語 ]`
_TOC_ITEM = re.compile(r"^\s*- \[.*\]\(#[^)\s]+\)$")  # `  - [汎用](#generative-general)`
_CHART_LINE = re.compile(r"^!\[[^\]]*\]\((\.\./)*figures/parameters-[A-Za-z-]+\.svg\)$")  # the lists' chart


def _own_language_name(preamble: list[str]) -> str | None:
    """The name a README gives its own language: the one item of its language switch that is not a link
    (`[ [**English**](./en/) | 日本語 ]` -> `日本語`)."""
    first = next((line.strip() for line in preamble if line.strip()), "")
    if not _LANGUAGE_SWITCH.match(first):
        return None
    items = [item.strip() for item in first[1:-1].split("|")]
    own = [plain(item).strip() for item in items if "](" not in item and plain(item).strip()]
    return own[0] if len(own) == 1 else None


def _content_lines(preamble: list[str]) -> list[str]:
    """The preamble without what the renderer generates (the language switch on its first line, the table of
    contents at its end), so that importing a rendered list and rendering it again gives the same list."""
    lines = list(preamble)
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _LANGUAGE_SWITCH.match(lines[0].strip()):
        lines.pop(0)
        while lines and not lines[0].strip():
            lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    end = len(lines)
    while end and _TOC_ITEM.match(lines[end - 1]):
        end -= 1
    if end < len(lines) and (end == 0 or not lines[end - 1].strip()):
        lines = lines[:end]
        while lines and not lines[-1].strip():
            lines.pop()
    if lines and _CHART_LINE.match(lines[-1].strip()):  # the chart the lists show (drawn again from the data)
        lines.pop()
        while lines and not lines[-1].strip():
            lines.pop()
    return lines


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "(row)"
    return f"{where}: {error['msg']}"


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def import_report_json(result: ImportResult) -> str:
    return json.dumps(result.report(), ensure_ascii=False, indent=2) + "\n"
