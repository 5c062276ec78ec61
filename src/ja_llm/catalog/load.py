"""Load a catalog folder: read every file, check it against the schema and the cross-reference rules
(`checks`), and return the catalog or every problem found, not just the first. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, overload

from pydantic import BaseModel, ValidationError

from ..errors import CatalogInvalid, CatalogNotFound, Problem
from ..model.schema import REGISTRY_FILES, Entry, ListInfo
from ..model.vocab import KIND_FOLDERS
from .checks import Checked, Collector, check_references, check_texts
from .core import Catalog, LoadedEntry, text_digest
from .location import shipped_catalog
from .toml import TomlSyntaxError, locate, parse_toml, read_raw, read_toml
from .walk import ENTRY_FOLDERS as WALKED_FOLDERS
from .walk import UI_FOLDER, walk_catalog

ENTRY_FOLDERS = tuple(sorted(set(KIND_FOLDERS.values())))
assert ENTRY_FOLDERS == WALKED_FOLDERS, "the walk and the kinds must name the same entry folders"
C = TypeVar("C", bound=Catalog)


class ParseMemo:
    """The files a long-running process read and validated, kept between its loads of one catalog (`ja-llm
    serve` rebuilding the site after an edit): a file whose bytes did not change gives back the model made of
    it instead of being parsed and validated again (most of what loading costs). The models are shared
    between the catalogs loaded with one memo: nothing in ja-llm changes a loaded model. Only files that
    validated are kept; a load forgets the files that are no longer there."""

    def __init__(self, held: Callable[[Path], bytes | None] | None = None) -> None:
        self.files: dict[Path, tuple[bytes, BaseModel, str]] = {}
        self.checked: Checked = {}  # what checking an entry's texts found (catalog.checks)
        self.reused = 0
        # a file's bytes as the process read them already (None: not read), instead of reading them again:
        # `ja-llm serve` gives those its watch read for the content key of the update (search.index.LiveKey)
        self.held = held

    def read(self, path: Path) -> bytes:
        """The bytes of a catalog file: those `held` gives, else read now (read_raw)."""
        if self.held is not None and (raw := self.held(path)) is not None:
            return raw
        return read_raw(path)

    def get(self, path: Path, raw: bytes, model: type[BaseModel]) -> tuple[BaseModel, str] | None:
        known = self.files.get(path)
        if known is None or known[0] != raw or type(known[1]) is not model:
            return None
        self.reused += 1
        return known[1], known[2]

    def keep_only(self, paths: set[Path]) -> None:
        for gone in self.files.keys() - paths:
            del self.files[gone]
        for gone in self.checked.keys() - paths:
            del self.checked[gone]


def _read_model(
    collector: Collector, path: Path, model: type[BaseModel], memo: ParseMemo | None = None
) -> tuple[BaseModel | None, str]:
    try:
        raw = read_raw(path) if memo is None else memo.read(path)
        if memo is not None and (known := memo.get(path, raw, model)) is not None:
            return known
        data, text = parse_toml(raw)
    except TomlSyntaxError as exc:
        collector.add(path, exc.line, "(file)", exc.message)
        return None, ""
    try:
        made = model.model_validate(data)
    except ValidationError as exc:
        collector.validation(path, text, exc)
        return None, text
    if memo is not None:
        memo.files[path] = (raw, made, text)
    return made, text


@overload
def collect(
    root: Path, *, complete: Sequence[str] | None = None, memo: ParseMemo | None = None
) -> tuple[Catalog | None, list[Problem]]: ...
@overload
def collect(
    root: Path, cls: type[C], *, complete: Sequence[str] | None = None, memo: ParseMemo | None = None
) -> tuple[C | None, list[Problem]]: ...
def collect(
    root: Path, cls: type[Catalog] = Catalog, *, complete: Sequence[str] | None = None, memo: ParseMemo | None = None
) -> tuple[Catalog | None, list[Problem]]:
    """Read and check a catalog folder: the catalog (None when a registry file is unusable) and every problem.
    `cls` is the class of the catalog made (a subclass of Catalog, such as the API's). A text missing in a
    language of `complete` (default: catalog.toml's `complete`, else every language) is a warning; the
    others are counted in the catalog's `coverage`. `memo`: the files read by an earlier load (ParseMemo)."""
    root = Path(root)
    if not root.is_dir() or not (root / "catalog.toml").is_file():
        raise CatalogNotFound(f"{root}: not a catalog folder (no catalog.toml)")
    c = Collector(root)
    loaded: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for name, model in REGISTRY_FILES.items():
        path = root / name
        if not path.exists():
            if name == "catalog.toml":
                c.add(path, 0, "(file)", "missing")
            loaded[name] = model() if name != "catalog.toml" else None
            continue
        loaded[name], texts[name] = _read_model(c, path, model, memo)

    info: ListInfo | None = loaded["catalog.toml"]
    sections_file = loaded["sections.toml"]
    orgs_file = loaded["organizations.toml"]
    licenses_file = loaded["licenses.toml"]
    footnotes_file = loaded["footnotes.toml"]

    sections = _unique(
        c, root / "sections.toml", texts.get("sections.toml", ""), "section", getattr(sections_file, "section", [])
    )
    orgs = _unique(
        c,
        root / "organizations.toml",
        texts.get("organizations.toml", ""),
        "organization",
        getattr(orgs_file, "organization", []),
    )
    licenses = _unique(
        c, root / "licenses.toml", texts.get("licenses.toml", ""), "license", getattr(licenses_file, "license", [])
    )
    footnotes = _unique(
        c, root / "footnotes.toml", texts.get("footnotes.toml", ""), "footnote", getattr(footnotes_file, "footnote", [])
    )

    entries: dict[str, LoadedEntry] = {}
    entry_texts: dict[str, str] = {}  # for the checks' line numbers, while loading (LoadedEntry keeps a digest)
    walk = walk_catalog(root)
    for rel, message in walk.problems:
        c.add(root / rel, 0, "(file)", message)
    ui_files = [root / rel for rel, _ in walk.files if rel.startswith(UI_FOLDER + "/")]
    for path in (root / rel for rel, _ in walk.files if "/" in rel and not rel.startswith(UI_FOLDER + "/")):
        entry_id = path.relative_to(root).with_suffix("").as_posix()
        entry, text = _read_model(c, path, Entry, memo)
        if isinstance(entry, Entry):
            entries[entry_id] = LoadedEntry(entry_id, path, entry, text_digest(text))
            entry_texts[entry_id] = text
    for stray in sorted(root.glob("*.toml")):
        if stray.name not in REGISTRY_FILES:
            c.add(
                stray,
                0,
                "(file)",
                "unknown catalog file (entries live in " + ", ".join(f"{f}/" for f in ENTRY_FOLDERS) + ")",
            )

    languages = list(info.languages) if info else []
    if complete is not None:
        c.complete = set(complete)
    elif info is not None and info.complete is not None:
        c.complete = set(info.complete)
    # A registry file that failed to load is reported once; references to it are not checked.
    unusable = {name for name, model in loaded.items() if model is None and (root / name).exists()}
    checked = memo.checked if memo is not None else None
    check_references(
        c, root, sections, orgs, licenses, footnotes, entries, entry_texts, texts, languages, unusable, checked
    )
    if info is not None:
        check_texts(c, root / "catalog.toml", texts.get("catalog.toml", ""), info, languages, footnotes)
    for name, items in (
        ("sections.toml", sections),
        ("organizations.toml", orgs),
        ("licenses.toml", licenses),
        ("footnotes.toml", footnotes),
    ):
        key = name.removesuffix("s.toml")
        for index, item in enumerate(items.values()):
            check_texts(c, root / name, texts.get(name, ""), item, languages, footnotes, prefix=(key, index))

    if memo is not None:
        memo.keep_only({root / name for name in REGISTRY_FILES} | {entry.path for entry in entries.values()})
    ui = _read_ui(c, root, ui_files, languages)
    errors = [p for p in c.problems if p.severity == "error"]
    catalog = cls(root, info, sections, orgs, licenses, footnotes, entries, ui=ui) if info and not errors else None
    problems = sorted(set(c.problems), key=lambda p: (p.path, p.line, p.field, p.message))
    if catalog is not None:
        catalog.warnings = [p for p in problems if p.severity == "warning"]
        catalog.coverage = c.coverage
    return catalog, problems


def _read_ui(c: Collector, root: Path, paths: list[Path], languages: list[str]) -> dict[str, dict[str, str]]:
    """`ui/<lang>.toml`: the website's interface words in a language, flat `key = "text"` lines that add to or
    replace the site's own (a language the site does not ship is then a data change)."""
    ui: dict[str, dict[str, str]] = {}
    for path in paths:
        lang = path.stem
        rel = path.relative_to(root).as_posix()
        if path.parent != root / UI_FOLDER or path.suffix != ".toml":
            c.add(path, 0, "(file)", f"{rel}: the interface words live in {UI_FOLDER}/<language>.toml")
            continue
        if lang not in languages:
            c.add(path, 0, "(file)", f"{lang!r} is not a language of the list (catalog.toml languages)")
            continue
        try:
            data, text = read_toml(path)
        except TomlSyntaxError as exc:
            c.add(path, exc.line, "(file)", exc.message)
            continue
        words = {}
        for key, value in data.items():
            if isinstance(value, str) and value.strip():
                words[key] = value
            else:
                c.add(path, locate(text, (key,)), key, "expected a non-empty string (the word shown)")
        ui[lang] = words
    return ui


def _unique(c: Collector, path: Path, text: str, key: str, items: list) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in result:
            c.add(path, locate(text, (key, index, "id")), f"{key}.{index}.id", f"duplicate id {item.id!r}")
            continue
        result[item.id] = item
    return result


def validate(path: str | Path | None = None) -> list[Problem]:
    """Every problem of the catalog at `path` (errors and warnings). Never writes."""
    _, problems = collect(Path(path) if path is not None else shipped_catalog())
    return problems


@overload
def load_catalog(path: str | Path | None = None, *, memo: ParseMemo | None = None) -> Catalog: ...
@overload
def load_catalog(path: str | Path | None, cls: type[C], *, memo: ParseMemo | None = None) -> C: ...
def load_catalog(
    path: str | Path | None = None, cls: type[Catalog] = Catalog, *, memo: ParseMemo | None = None
) -> Catalog:
    """The catalog at `path` (default: the shipped one). Raises CatalogInvalid with every problem. `memo`:
    the files an earlier load in this process read (ParseMemo), for a process that loads the catalog again."""
    catalog, problems = collect(Path(path) if path is not None else shipped_catalog(), cls, memo=memo)
    if catalog is None:
        raise CatalogInvalid(problems)
    return catalog
