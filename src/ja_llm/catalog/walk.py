"""Which files a catalog folder holds: the registries at its top and the entry files under the entry
folders, found by one walk that the loader and the search index's content key share (so both see the same
files). The walk does not follow symlinked folders (no loop can trap it); a file that cannot be used (a
symlink to nothing or in a loop, a special file, an unreadable folder) is named as a problem instead of
being skipped or crashing a later stage. Light: imported on the search's hot path."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

ENTRY_FOLDERS = ("benchmarks", "models", "papers")
UI_FOLDER = "ui"  # the website's interface words per language (`ui/<lang>.toml`), added to the site's own


class Walk(NamedTuple):
    files: list[tuple[str, os.stat_result]]  # (path relative to the catalog, stat), in a stable order
    problems: list[tuple[str, str]]  # (path relative to the catalog, why it cannot be used)


def walk_catalog(root: Path) -> Walk:
    files: list[tuple[str, os.stat_result]] = []
    problems: list[tuple[str, str]] = []

    def scan(folder: str, rel: str) -> None:
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as exc:
            problems.append((rel or ".", f"folder cannot be read ({exc.strerror or exc})"))
            return
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if rel or entry.name in (*ENTRY_FOLDERS, UI_FOLDER):
                    scan(entry.path, path)
                continue
            if not entry.name.endswith(".toml"):
                if entry.is_symlink() and (rel or entry.name in (*ENTRY_FOLDERS, UI_FOLDER)):
                    problems.append((path, "a symlinked folder is not followed (copy the files instead)"))
                continue
            try:
                info = os.stat(entry.path)
            except OSError as exc:
                problems.append((path, f"cannot be read ({exc.strerror or exc}; a symlink to nothing?)"))
                continue
            if not stat.S_ISREG(info.st_mode):
                problems.append((path, "not a regular file"))
                continue
            files.append((path, info))

    scan(str(root), "")
    return Walk(files, problems)
