"""Proposed edits to catalog files, applied with a minimal diff.

The checkers (`ja-llm links`, `ja-llm hub verify`) and the writers of new data (`ja-llm add`, `ja-llm sync`)
propose changes as `Edit`s: a file, a field path as `catalog.toml.locate` takes it (`("variants", 2,
"context_length")`, `("url", "en")`, `("license", 3, "url")` in licenses.toml), the new value and the value
it replaces. `apply_edits` changes only those values: comments, key order, quoting, blank lines and every
other line stay as they are (tomlkit, a style-preserving TOML library, does the editing: a hand-written
line patcher would have to re-implement TOML's inline tables and arrays). An edit whose field no longer holds
the value it expected is a conflict and is not applied (someone edited the file since the check). The files
of one call are written together (files.write_together: all or none, finished by the next run if killed).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Table

from ..errors import CatalogEditError
from ..files import write_together
from .toml import inline_value

FieldPath = tuple[str | int, ...]


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ANY = _Marker("ANY")  # `expected`: whatever the field holds now (or its absence)
ABSENT = _Marker("ABSENT")  # `expected`: the field must not exist yet; `value`: remove the field

JOURNAL = ".ja-llm-edit"  # beside the catalog's files while an edit is being written


@dataclass(frozen=True)
class Edit:
    """One proposed change: `file`'s field at `path` becomes `value` (ABSENT: removed), provided it still
    holds `expected` (ANY: whatever it holds; ABSENT: nothing yet). `reason` says why, for reports."""

    file: Path
    path: FieldPath
    value: Any
    expected: Any = ANY
    reason: str = ""

    def describe(self) -> str:
        where = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in self.path)
        where = where.replace(".[", "[")
        return f"{self.file}: {where}: {self.expected!r} -> {self.value!r}" + (
            f" ({self.reason})" if self.reason else ""
        )


@dataclass
class EditResult:
    """What apply_edits did: the edits applied, the conflicts (edit, why) and the files written."""

    applied: list[Edit] = field(default_factory=list)
    conflicts: list[tuple[Edit, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    diff: str = ""  # unified diff of every file written (or that would be, with dry_run)
    texts: dict[Path, str] = field(default_factory=dict)  # the new text of every file changed


def _plain(value: Any) -> Any:
    """A tomlkit value as plain Python (for comparing with `expected`)."""
    if hasattr(value, "unwrap"):
        return value.unwrap()
    return value


def _container(document: Any, path: FieldPath) -> Any:
    """The table, inline table or array that holds the last step of `path` (KeyError/IndexError if none)."""
    current = document
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(current, AoT | Array | list):
                raise KeyError(step)
            current = current[step]
        else:
            if not isinstance(current, Table | InlineTable | tomlkit.TOMLDocument | dict):
                raise KeyError(step)
            current = current[step]
    return current


def _current(document: Any, path: FieldPath) -> Any:
    try:
        container = _container(document, path)
        last = path[-1]
        if isinstance(last, int):
            return _plain(container[last])
        return _plain(container[last]) if last in container else ABSENT
    except (KeyError, IndexError, TypeError):
        return ABSENT


def _item(value: Any, inline: bool) -> Any:
    """A new value as the catalog's canonical writer (`catalog.toml.dumps`) writes it, so that an edited file
    stays byte-stable through load and save: `verified = { context_length = { source = "hub", … } }`."""
    if isinstance(value, dict | list):
        return tomlkit.parse(f"x = {inline_value(value)}\n")["x"]  # the newline: the item ends its line
    return value


def _set(document: Any, path: FieldPath, value: Any) -> None:
    container = _container(document, path)
    last = path[-1]
    if value is ABSENT:
        del container[last]
        return
    if isinstance(last, int) and isinstance(container, AoT) and last == len(container):
        # one more `[[name]]` table at the end of its list (a new variant, organization, footnote)
        table = tomlkit.table()
        for key, item in value.items():
            table[key] = _item(item, inline=True)
        if len(container):
            container[-1].add(tomlkit.nl())  # a blank line before the new header, as the catalog writes it
        container.append(table)
        return
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value) and last not in container:
        tables = tomlkit.aot()  # a new list of tables is written as `[[name]]` blocks, as the catalog writes it
        for item in value:
            table = tomlkit.table()
            for key, inner in item.items():
                table[key] = _item(inner, inline=True)
            tables.append(table)
        container[last] = tables
        return
    if isinstance(last, int) and isinstance(container, Array) and last == len(container):
        container.append(_item(value, inline=True))
        return
    container[last] = _item(value, inline=True)


def _apply_to_text(text: str, edits: Sequence[Edit], result: EditResult) -> str | None:
    """The file's text with the edits applied (None when none applies); conflicts go to `result`."""
    document = tomlkit.parse(text)
    changed = False
    for edit in edits:
        current = _current(document, edit.path)
        if (
            edit.expected is not ANY
            and current != edit.expected
            and not (edit.expected is ABSENT and current is ABSENT)
        ):
            result.conflicts.append((edit, f"holds {current!r}, expected {edit.expected!r}"))
            continue
        if current == edit.value or (edit.value is ABSENT and current is ABSENT):
            continue  # already so: nothing to write
        try:
            _set(document, edit.path, edit.value)
        except (KeyError, IndexError, TypeError) as exc:
            result.conflicts.append((edit, f"no such place in the file ({exc})"))
            continue
        result.applied.append(edit)
        changed = True
    return tomlkit.dumps(document) if changed else None


def apply_edits(edits: Iterable[Edit], root: Path, dry_run: bool = False) -> EditResult:
    """Apply the edits to files of the catalog at `root`, file by file, in the order given; with `dry_run`
    only compute the diff. Raises CatalogEditError when a file cannot be read or parsed, or an edit would make
    it invalid TOML."""
    by_file: dict[Path, list[Edit]] = {}
    for edit in edits:
        by_file.setdefault(Path(edit.file), []).append(edit)
    result = EditResult()
    new_texts: dict[Path, str] = {}
    diffs: list[str] = []
    for path, file_edits in by_file.items():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogEditError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
        try:
            changed = _apply_to_text(text, file_edits, result)
        except TOMLKitError as exc:
            raise CatalogEditError(f"{path}: not valid TOML ({exc})") from None
        if changed is None:
            continue
        try:
            tomllib.loads(changed)
        except tomllib.TOMLDecodeError as exc:  # a guard: tomlkit should never write this
            raise CatalogEditError(f"{path}: the edit would make the file invalid TOML ({exc})") from None
        new_texts[path] = changed
        diffs.append(
            "".join(
                difflib.unified_diff(
                    text.splitlines(keepends=True), changed.splitlines(keepends=True), str(path), str(path)
                )
            )
        )
    result.diff = "".join(diffs)
    result.texts = new_texts
    if new_texts and not dry_run:
        write_together(new_texts, Path(root) / JOURNAL)
        result.files = list(new_texts)
    return result
