"""Load and validate a catalog folder.

`load_catalog(path)` reads every file, checks the schema and the cross-references, and returns a Catalog
or raises CatalogInvalid with every problem found (not just the first). `validate(path)` returns the
problems (errors and warnings) without raising. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import CatalogInvalid, CatalogNotFound, EntryNotFound, Problem
from .inline import footnote_refs, links
from .schema import (
    REGISTRY_FILES,
    Entry,
    Footnote,
    License,
    ListInfo,
    Organization,
    Section,
    Variant,
)
from .storage import TomlSyntaxError, locate, read_toml
from .vocab import KIND_FOLDERS

ENTRY_FOLDERS = tuple(sorted(set(KIND_FOLDERS.values())))


def default_data_dir() -> Path:
    """The catalog shipped inside the package."""
    from .index import default_data_dir as shipped

    return shipped()


@dataclass
class QueryResult:
    """An entry that matched a query, with the variants that satisfy its variant-level filters."""

    entry: LoadedEntry
    variants: list[Variant]


@dataclass
class LoadedEntry:
    id: str  # the file path relative to the catalog folder, without `.toml`
    path: Path
    data: Entry
    text: str = field(repr=False, default="")

    @property
    def kind_folder(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass
class Catalog:
    root: Path
    info: ListInfo
    sections: dict[str, Section]
    organizations: dict[str, Organization]
    licenses: dict[str, License]
    footnotes: dict[str, Footnote]
    entries: dict[str, LoadedEntry]
    warnings: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Catalog:
        """The catalog at `path`, or the one shipped in the package. Raises CatalogInvalid on errors."""
        return load_catalog(Path(path) if path is not None else default_data_dir())

    def entry(self, entry_id: str) -> LoadedEntry:
        """An entry by id (`models/llm-jp/llm-jp-3-172b`) or by its unambiguous id tail (`llm-jp/llm-jp-3-172b`)."""
        key = entry_id.strip().removesuffix(".toml").strip("/")
        if key in self.entries:
            return self.entries[key]
        matches = [e for i, e in self.entries.items() if i.endswith("/" + key)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise EntryNotFound(f"{entry_id!r} is ambiguous: " + ", ".join(m.id for m in matches[:5]))
        import difflib

        tails = {i.rsplit("/", 1)[-1]: i for i in self.entries}
        close = difflib.get_close_matches(key.rsplit("/", 1)[-1], list(tails), n=3, cutoff=0.6)
        suggestion = f" (did you mean {', '.join(tails[c] for c in close)}?)" if close else ""
        raise EntryNotFound(f"no entry {entry_id!r}{suggestion}")

    def ordered_entries(self) -> list[LoadedEntry]:
        """Entries in catalog order: section order (depth first), then position."""
        rank = {section_id: i for i, section_id in enumerate(self.section_order())}
        return sorted(self.entries.values(), key=lambda e: (rank.get(e.data.section, 1 << 30), e.data.position, e.id))

    def section_order(self) -> list[str]:
        children: dict[str | None, list[Section]] = defaultdict(list)
        for section in self.sections.values():
            children[section.parent].append(section)
        order: list[str] = []

        def walk(parent: str | None) -> None:
            for section in sorted(children.get(parent, []), key=lambda s: (s.order, s.id)):
                order.append(section.id)
                walk(section.id)

        walk(None)
        return order

    def records(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The compiled search records of this catalog (built once, then kept)."""
        if getattr(self, "_records", None) is None:
            from .records import build_meta, build_records

            self._records = (build_records(self), build_meta(self))
        return self._records  # type: ignore[return-value]

    def query(
        self,
        text: str | None = None,
        *,
        sort: str = "catalog",
        desc: bool = False,
        limit: int | None = None,
        active: bool = False,
        lang: str = "ja",
        **filters: Any,
    ) -> list[QueryResult]:
        """Entries matching a text and filters, with the same semantics as `ja-llm search`.

        Filters (see ja_llm.query.FILTERS): section, commercial ("yes" or "any"), license, min_params,
        max_params ("7b", "500m"), year, since, developer, arch, base_model, hf (True), domain,
        min_context. Raises QueryError (with the accepted values) for a bad value.

            catalog.query(min_params="7b", commercial="yes")
            catalog.query("東北大", section="encoder", hf=True)
        """
        from .query import Query, run_query

        records, meta = self.records()
        matches = run_query(records, meta, Query(text, filters, active, sort, desc, limit, lang))
        results = []
        for match in matches:
            entry = self.entries[match.record["id"]]
            chosen = {v["index"] for v in match.variants if v.get("index") is not None}
            results.append(QueryResult(entry, [v for i, v in enumerate(entry.data.variants) if i in chosen]))
        return results

    def repos(self, entry: LoadedEntry) -> list[str]:
        """Every Hugging Face repo id of an entry: its variants' repos and their aliases."""
        found: list[str] = []
        for variant in entry.data.variants:
            for repo in ([variant.repo] if variant.repo else []) + list(variant.aliases):
                if repo not in found:
                    found.append(repo)
        return found


def text_in(value: Any, lang: str, fallback: str = "ja") -> str:
    """The text of a catalog text in one language (falling back to `fallback`, then any language)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get(fallback) or next(iter(value.values()), "")


# --- loading ---------------------------------------------------------------------------------------------


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, path: Path, line: int, field_name: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.rel(path), line, field_name, message, severity))

    def validation(self, path: Path, text: str, exc: ValidationError) -> None:
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part in _UNION_TAGS))
            field_name = ".".join(str(part) for part in loc) or "(file)"
            message = _message(error)
            self.add(path, locate(text, loc), field_name, message)


_UNION_TAGS = {"str", "dict[str,str]", "literal['']", "function-after[_check_repo(), str]", "function-after[_check_url(), str]"}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type")
    if kind == "extra_forbidden":
        return "unknown key (not in the schema)"
    if kind == "missing":
        return "required field is missing"
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return message


def _read_model(collector: _Collector, path: Path, model: type[BaseModel]) -> tuple[BaseModel | None, str]:
    try:
        data, text = read_toml(path)
    except TomlSyntaxError as exc:
        collector.add(path, exc.line, "(file)", exc.message)
        return None, ""
    try:
        return model.model_validate(data), text
    except ValidationError as exc:
        collector.validation(path, text, exc)
        return None, text


def _iter_entry_files(root: Path) -> Iterator[Path]:
    for folder in ENTRY_FOLDERS:
        base = root / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*.toml") if p.is_file())


def collect(root: Path) -> tuple[Catalog | None, list[Problem]]:
    """Read and check a catalog folder: the catalog (None when a registry file is unusable) and every problem."""
    root = Path(root)
    if not root.is_dir() or not (root / "catalog.toml").is_file():
        raise CatalogNotFound(f"{root}: not a catalog folder (no catalog.toml)")
    c = _Collector(root)
    loaded: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for name, model in REGISTRY_FILES.items():
        path = root / name
        if not path.exists():
            if name == "catalog.toml":
                c.add(path, 0, "(file)", "missing")
            loaded[name] = model() if name != "catalog.toml" else None
            continue
        loaded[name], texts[name] = _read_model(c, path, model)

    info: ListInfo | None = loaded["catalog.toml"]
    sections_file = loaded["sections.toml"]
    orgs_file = loaded["organizations.toml"]
    licenses_file = loaded["licenses.toml"]
    footnotes_file = loaded["footnotes.toml"]

    sections = _unique(c, root / "sections.toml", texts.get("sections.toml", ""), "section", getattr(sections_file, "section", []))
    orgs = _unique(c, root / "organizations.toml", texts.get("organizations.toml", ""), "organization", getattr(orgs_file, "organization", []))
    licenses = _unique(c, root / "licenses.toml", texts.get("licenses.toml", ""), "license", getattr(licenses_file, "license", []))
    footnotes = _unique(c, root / "footnotes.toml", texts.get("footnotes.toml", ""), "footnote", getattr(footnotes_file, "footnote", []))

    entries: dict[str, LoadedEntry] = {}
    for path in _iter_entry_files(root):
        entry_id = path.relative_to(root).with_suffix("").as_posix()
        model, text = _read_model(c, path, Entry)
        if model is not None:
            entries[entry_id] = LoadedEntry(entry_id, path, model, text)  # type: ignore[arg-type]
    for stray in sorted(root.glob("*.toml")):
        if stray.name not in REGISTRY_FILES:
            c.add(stray, 0, "(file)", "unknown catalog file (entries live in " + ", ".join(f"{f}/" for f in ENTRY_FOLDERS) + ")")

    languages = list(info.languages) if info else ["ja"]
    # A registry file that failed to load is reported once; references to it are not checked.
    unusable = {name for name, model in loaded.items() if model is None and (root / name).exists()}
    _check_references(c, root, sections, orgs, licenses, footnotes, entries, texts, languages, unusable)
    if info is not None:
        _check_texts(c, root / "catalog.toml", texts.get("catalog.toml", ""), info, languages, footnotes)
    for name, items in (("sections.toml", sections), ("organizations.toml", orgs), ("licenses.toml", licenses), ("footnotes.toml", footnotes)):
        key = name.removesuffix("s.toml")
        for index, item in enumerate(items.values()):
            _check_texts(c, root / name, texts.get(name, ""), item, languages, footnotes, prefix=(key, index))

    errors = [p for p in c.problems if p.severity == "error"]
    catalog = Catalog(root, info, sections, orgs, licenses, footnotes, entries) if info and not errors else None
    problems = sorted(set(c.problems), key=lambda p: (p.path, p.line, p.field, p.message))
    if catalog is not None:
        catalog.warnings = [p for p in problems if p.severity == "warning"]
    return catalog, problems


def _unique(c: _Collector, path: Path, text: str, key: str, items: list) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in result:
            c.add(path, locate(text, (key, index, "id")), f"{key}.{index}.id", f"duplicate id {item.id!r}")
            continue
        result[item.id] = item
    return result


def _check_references(c, root, sections, orgs, licenses, footnotes, entries, texts, languages, unusable=frozenset()) -> None:
    sections_text = texts.get("sections.toml", "")
    for index, section in enumerate(sections.values()):
        if section.parent is not None and section.parent not in sections:
            c.add(root / "sections.toml", locate(sections_text, ("section", index, "parent")), f"section.{index}.parent", f"unknown section {section.parent!r}")
        keys = [col.key for col in section.columns]
        if len(set(keys)) != len(keys):
            c.add(root / "sections.toml", locate(sections_text, ("section", index, "columns")), f"section.{index}.columns", "a column key appears twice")
    # cycles in the section tree
    for section in sections.values():
        seen = {section.id}
        parent = section.parent
        while parent in sections:
            if parent in seen:
                c.add(root / "sections.toml", 0, "section.parent", f"sections form a cycle through {section.id!r}")
                break
            seen.add(parent)
            parent = sections[parent].parent

    repo_owner: dict[str, str] = {}
    for entry in entries.values():
        data, text, path = entry.data, entry.text, entry.path

        def err(loc: tuple, message: str, severity: str = "error") -> None:
            registry = {"section": "sections.toml", "developers": "organizations.toml", "licenses": "licenses.toml", "footnotes": "footnotes.toml"}.get(str(loc[0]))
            if registry in unusable and message.startswith("unknown"):
                return
            c.add(path, locate(text, loc), ".".join(str(p) for p in loc), message, severity)

        section = sections.get(data.section)
        if section is None:
            err(("section",), f"unknown section {data.section!r}")
        else:
            folder = KIND_FOLDERS.get(section.kind, "models")
            if entry.kind_folder != folder:
                err(("section",), f"a {section.kind} section's entries live under {folder}/, not {entry.kind_folder}/")
            columns = {col.key for col in section.columns}
            if data.variants_in and columns and data.variants_in not in columns:
                err(("variants_in",), f"section {section.id!r} has no column {data.variants_in!r}")
            for key in data.extra:
                if columns and key not in columns:
                    err(("extra", key), f"section {section.id!r} has no column {key!r}")
            for key in data.footnotes:
                if columns and key not in columns:
                    err(("footnotes", key), f"section {section.id!r} has no column {key!r}")
        parts = entry.id.split("/")
        if parts[0] == "models" and len(parts) == 3 and data.developers and parts[1] != data.developers[0]:
            err(("developers", 0), f"the file lives under models/{parts[1]}/ but its first developer is {data.developers[0]!r}", "warning")
        for i, dev in enumerate(data.developers):
            if dev not in orgs:
                err(("developers", i), f"unknown organization {dev!r} (add it to organizations.toml)")
        for i, ref in enumerate(data.licenses):
            if ref.id is None and ref.text is None:
                err(("licenses", i), "a license needs an id or a text")
            if ref.id is not None and ref.id not in licenses:
                err(("licenses", i, "id"), f"unknown license {ref.id!r} (add it to licenses.toml or use text)")
        for i, variant in enumerate(data.variants):
            if variant.license is not None and variant.license not in licenses:
                err(("variants", i, "license"), f"unknown license {variant.license!r}")
            for repo in ([variant.repo] if variant.repo else []) + list(variant.aliases):
                owner = repo_owner.get(repo.lower())
                if owner is not None and owner != entry.id:
                    err(("variants", i, "repo"), f"Hugging Face repo {repo!r} is also used by {owner}")
                repo_owner.setdefault(repo.lower(), entry.id)
            if variant.repo is None and variant.url is None and data.variants_style != "parens":
                err(("variants", i), "a variant needs a repo or a url")
        for key, refs in data.footnotes.items():
            for ref in refs:
                if ref not in footnotes:
                    err(("footnotes", key), f"unknown footnote {ref!r}")
        _check_texts(c, path, text, data, languages, footnotes)


def _walk_texts(value: Any, loc: tuple) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name)
            if item is not None:
                yield from _walk_texts(item, loc + (name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_texts(item, loc + (index,))
    elif isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()) and loc and loc[-1] not in ("footnotes", "extra"):
            yield loc, value
        else:
            for key, item in value.items():
                yield from _walk_texts(item, loc + (key,))
    elif isinstance(value, str):
        yield loc, value


_TEXT_FIELDS_SKIP = {"section", "id", "repo", "url", "size", "license", "kind", "layout", "key", "variants_in", "variants_style", "commercial", "status", "parent", "anchor", "languages", "aliases", "developers", "date"}


def _check_texts(c, path: Path, text: str, model: BaseModel, languages: list[str], footnotes: dict, prefix: tuple = ()) -> None:
    for loc, value in _walk_texts(model, ()):
        if any(isinstance(p, str) and p in _TEXT_FIELDS_SKIP for p in loc[-1:]) or (len(loc) >= 2 and loc[-2] == "aliases"):
            continue
        full = prefix + loc
        where = locate(text, full)
        name = ".".join(str(p) for p in full)
        values = [value] if isinstance(value, str) else list(value.values())
        if isinstance(value, dict):
            missing = [lang for lang in languages if lang not in value]
            if missing:
                c.add(path, where, name, "missing translation: " + ", ".join(missing), "warning")
            unknown = [lang for lang in value if lang not in languages]
            if unknown:
                c.add(path, where, name, "language not declared in catalog.toml: " + ", ".join(unknown), "warning")
        for item in values:
            for ref in footnote_refs(item):
                if ref not in footnotes:
                    c.add(path, where, name, f"unknown footnote [^{ref}]")
            for link in links(item):
                url = link.url
                if not (url.startswith(("http://", "https://", "#", "./", "../", "/", "mailto:")) or "/" not in url and "." in url):
                    c.add(path, where, name, f"malformed link URL {url!r}")
            if item.count("[") != item.count("]") and "[^" not in item:
                c.add(path, where, name, "unbalanced brackets: an unclosed link?", "warning")


def validate(path: str | Path | None = None) -> list[Problem]:
    """Every problem of the catalog at `path` (errors and warnings). Never writes."""
    _, problems = collect(Path(path) if path is not None else default_data_dir())
    return problems


def load_catalog(path: Path) -> Catalog:
    catalog, problems = collect(path)
    if catalog is None:
        raise CatalogInvalid([p for p in problems])
    return catalog


__all__ = ["Catalog", "LoadedEntry", "QueryResult", "load_catalog", "validate", "default_data_dir", "text_in", "Variant"]
