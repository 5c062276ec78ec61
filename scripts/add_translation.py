"""Add a language to the shipped catalog from an import of the list with that language's README as a
translation, without touching what the catalog has edited since its own import (kept so that the step can be
reviewed and repeated; `ja-llm sync` is the tool for later versions of the list).

    ja-llm import tests/data/sources/2026-08-22/README.md --translation en=…/en/README.md \\
        --translation fr=…/fr/README.md --out /tmp/imported
    python scripts/add_translation.py /tmp/imported fr [CATALOG_DIR]

Entries pair by section and position (both come from the same rows of the same list), sections and footnotes
by id, organizations by their name in the catalog's other languages. A text gets the new language only where
the catalog's texts in its other languages are still those of the import: an edited text is left alone and
counted, for a person to translate.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps, read_toml
from ja_llm.files import atomic_write
from ja_llm.model.inline import plain
from ja_llm.model.text import text_in


class Merge:
    def __init__(self, languages: list[str], lang: str) -> None:
        self.languages = languages  # the catalog's languages before `lang`
        self.lang = lang
        self.added = 0
        self.kept = 0  # texts the catalog edited since the import: left for a person

    def is_text(self, value: Any) -> bool:
        return isinstance(value, dict) and bool(value) and set(value) <= {*self.languages, self.lang}

    def text(self, ours: Any, theirs: Any) -> Any:
        """Our text with the new language added from theirs, when both agree in our languages."""

        def pick(value: Any, lang: str) -> Any:
            return value if isinstance(value, str) else value.get(lang)

        if not (isinstance(ours, str) or self.is_text(ours)) or not (isinstance(theirs, str) or self.is_text(theirs)):
            return ours
        new = pick(theirs, self.lang)
        if new is None:
            return ours
        if any(pick(ours, lang) != pick(theirs, lang) for lang in self.languages if pick(ours, lang) is not None):
            self.kept += 1
            return ours
        if isinstance(ours, str):
            if new == ours:
                return ours
            self.added += 1
            return {**dict.fromkeys(self.languages, ours), self.lang: new}
        if ours.get(self.lang) == new:
            return ours
        self.added += 1
        return {**ours, self.lang: new}

    def value(self, ours: Any, theirs: Any) -> Any:
        if isinstance(ours, str) or self.is_text(ours):
            return self.text(ours, theirs)
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return {key: self.value(v, theirs[key]) if key in theirs else v for key, v in ours.items()}
        if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
            return [self.value(a, b) for a, b in zip(ours, theirs, strict=True)]
        return ours


def _entries(root: Path) -> dict[tuple[str, int], tuple[Path, dict[str, Any], str]]:
    found = {}
    for path in sorted(root.rglob("*.toml")):
        if path.parent == root:
            continue
        data, text = read_toml(path)
        if "section" in data and "position" in data:
            found[(data["section"], data["position"])] = (path, data, text)
    return found


def _write(path: Path, data: dict[str, Any], text: str) -> None:
    new = dumps(data)
    if new != text:
        atomic_write(path, new)


def _by_key(items: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {item[key]: item for item in items if key in item}


def main() -> int:
    imported, lang = Path(sys.argv[1]), sys.argv[2]
    root = Path(sys.argv[3]) if len(sys.argv) > 3 else shipped_catalog()
    info, info_text = read_toml(root / "catalog.toml")
    languages = [x for x in info["languages"] if x != lang]
    merge = Merge(languages, lang)

    their_info, _ = read_toml(imported / "catalog.toml")
    for key in ("title", "preamble"):
        if key in info and key in their_info:
            info[key] = merge.value(info[key], their_info[key])
    info["languages"] = [*languages, lang]
    _write(root / "catalog.toml", info, info_text)

    ours, text = read_toml(root / "sections.toml")
    theirs = _by_key(read_toml(imported / "sections.toml")[0]["section"], "id")
    for section in ours["section"]:
        other = theirs.get(section["id"])
        if other is None:
            continue
        for key in ("title", "intro", "outro"):
            if key in section and key in other:
                section[key] = merge.value(section[key], other[key])
        their_columns = _by_key(other.get("columns", []), "key")
        for column in section.get("columns", []):
            if column["key"] in their_columns:
                column["header"] = merge.value(column["header"], their_columns[column["key"]]["header"])
    _write(root / "sections.toml", ours, text)

    ours, text = read_toml(root / "footnotes.toml")
    theirs = _by_key(read_toml(imported / "footnotes.toml")[0]["footnote"], "id")
    for note in ours["footnote"]:
        if note["id"] in theirs:
            note["text"] = merge.value(note["text"], theirs[note["id"]]["text"])
    _write(root / "footnotes.toml", ours, text)

    ours, text = read_toml(root / "organizations.toml")
    their_orgs = read_toml(imported / "organizations.toml")[0]["organization"]

    def names(org: dict[str, Any]) -> set[str]:
        name = org["name"]
        values = [name] if isinstance(name, str) else [v for k, v in name.items() if k in languages]
        return {plain(v) for v in values}

    for org in ours["organization"]:
        match = [other for other in their_orgs if names(other) == names(org)]
        if len(match) == 1:
            org["name"] = merge.value(org["name"], match[0]["name"])
    _write(root / "organizations.toml", ours, text)

    our_names = {org["id"]: org["name"] for org in read_toml(root / "organizations.toml")[0]["organization"]}
    their_names = {org["id"]: org["name"] for org in their_orgs}

    def developer_cell(ids: list[str], names: dict[str, Any], lang: str) -> str:
        return ", ".join(text_in(names.get(org), lang) or org for org in ids)

    their_entries = _entries(imported)
    missing = 0
    for key, (path, data, text) in _entries(root).items():
        other = their_entries.get(key)
        if other is None:
            missing += 1
            continue
        data = merge.value(data, other[1])
        # One organization under one name, where the list writes it in several ways: the row's own words
        # are kept in developer_text (as the import of the other languages did).
        theirs = developer_cell(other[1].get("developers", []), their_names, lang)
        if data.get("developers") and "developer_text" not in data and theirs:
            ours = developer_cell(data["developers"], our_names, lang)
            if ours != theirs:
                data["developer_text"] = {
                    **{x: developer_cell(data["developers"], our_names, x) for x in languages},
                    lang: theirs,
                }
                merge.added += 1
        _write(path, data, text)
    print(
        f"{merge.added} texts given {lang!r}; {merge.kept} edited texts left for a person; "
        f"{missing} entries not in the import",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
