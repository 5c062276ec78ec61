"""Which files a catalog folder holds: the registries at its top and the entry files under the entry
folders, found by one walk that the loader and the search index's content key share (so both see the same
files). The walk does not follow symlinked folders (no loop can trap it); a file that cannot be used (a
symlink to nothing or in a loop, a special file, an unreadable folder) is named as a problem instead of
being skipped or crashing a later stage. Light: imported on the search's hot path.

Every file is stat'ed on every walk: the search index's memo (search/index.py) compares each file's size,
inode and times, so that an edit is seen even when it keeps the file's inode and its folder's modification
time (an in-place write). At 100k entries these stats are most of what a cached `ja-llm search` costs
(~0.2 s of system calls on a small VM), so the walk adds as little as it can around them:

- each folder is listed by name (no DirEntry objects) and, on POSIX, its files are stat'ed relative to the
  folder's open descriptor (a one-component lookup instead of the whole path);
- a folder whose names are all `.toml` regular files (every entry folder, in practice) takes one list
  comprehension of stats and one check of their modes; anything else (a subfolder, another file, a
  symlink, a failed stat) goes through the careful per-name path that names the problems;
- the four values the memo compares are copied out of each folder's stats into arrays right away and the
  stat objects dropped (kept, 100k of them take ~60 MB of fresh memory, which a new process pays for in
  page faults), and no path string or tuple is made per file unless `Walk.files` is asked for;
- the names are sorted (the loader's catalog order, and the content key's) unless the caller only needs a
  deterministic order (`ordered=False`: the memo's signature, compared with one made the same way).
"""

from __future__ import annotations

import os
import stat
from array import array
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

ENTRY_FOLDERS = ("benchmarks", "models", "papers")
UI_FOLDER = "ui"  # the website's interface words per language (`ui/<lang>.toml`), added to the site's own
_TOP_FOLDERS = (*ENTRY_FOLDERS, UI_FOLDER)

# POSIX: list a folder through its descriptor and stat its files relative to it (elsewhere: full paths)
_AT = (
    os.stat in os.supports_dir_fd
    and os.stat in os.supports_follow_symlinks
    and os.open in os.supports_dir_fd
    and os.listdir in os.supports_fd
)
_MODE = attrgetter("st_mode")
# what the memo compares, in the order of Walk.columns
_FIELDS = ("st_size", "st_ino", "st_mtime_ns", "st_ctime_ns")
_GETTERS = tuple(attrgetter(name) for name in _FIELDS)
_TYPECODES = ("Q", "Q", "q", "q")


class FileStat(NamedTuple):
    """What the walk keeps of a file's stat (the names of os.stat_result's attributes)."""

    st_size: int
    st_ino: int
    st_mtime_ns: int
    st_ctime_ns: int


class Walk:
    """The usable files and the problems found.

    `runs`: (folder relative to the catalog, "" at its top; the names of a run of its usable files), in
    the walk's order: depth first, a subfolder's files at the place of its name (so a folder with
    subfolders gives several runs), the names sorted as strings when the walk is `ordered`, else in the
    folder's listing order. `columns`: the size, inode, modification and change time (ns) of every file,
    in the same order, one array each (a list when a value does not fit in 64 bits). `problems`: (path
    relative to the catalog, why it cannot be used)."""

    __slots__ = ("_files", "columns", "problems", "runs")

    def __init__(self) -> None:
        self.runs: list[tuple[str, list[str]]] = []
        self.columns: list[array[int] | list[int]] = [array(code) for code in _TYPECODES]
        self.problems: list[tuple[str, str]] = []
        self._files: list[tuple[str, FileStat]] | None = None

    def _add(self, folder: str, names: list[str], stats: list[os.stat_result]) -> None:
        self.runs.append((folder, names))
        count = len(self.columns[0])
        try:
            for column, getter in zip(self.columns, _GETTERS, strict=True):
                column.extend(map(getter, stats))
        except OverflowError:  # a value beyond 64 bits (an unusual file system): lists, from here on
            self.columns = [list(column[:count]) for column in self.columns]
            for column, getter in zip(self.columns, _GETTERS, strict=True):
                column.extend(map(getter, stats))

    @property
    def paths(self) -> list[str]:
        """Every usable file's path relative to the catalog, in the walk's order."""
        return [f"{folder}/{name}" if folder else name for folder, names in self.runs for name in names]

    @property
    def files(self) -> list[tuple[str, FileStat]]:
        """Every usable file: (path relative to the catalog, what the walk kept of its stat)."""
        if self._files is None:
            self._files = list(zip(self.paths, map(FileStat._make, zip(*self.columns, strict=True)), strict=True))
        return self._files


def walk_catalog(root: Path | str, ordered: bool = True) -> Walk:
    walk = Walk()
    top = os.fspath(root)
    if _AT:
        try:
            fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            walk.problems.append((".", f"folder cannot be read ({exc.strerror or exc})"))
            return walk
        try:
            _scan(walk, ordered, "", fd, "")
        finally:
            os.close(fd)
    else:
        _scan(walk, ordered, "", None, top.rstrip("/\\") + os.sep)
    return walk


def _scan(walk: Walk, ordered: bool, rel: str, fd: int | None, prefix: str) -> None:
    """Walk one folder: `fd` open on it (POSIX), else `prefix`, its path ending with a separator."""
    try:
        names = os.listdir(fd if fd is not None else prefix)
    except OSError as exc:
        walk.problems.append((rel or ".", f"folder cannot be read ({exc.strerror or exc})"))
        return
    if ordered:
        names.sort()
    if rel and names and all(map(str.endswith, names, repeat(".toml"))):
        stat_ = os.stat
        try:
            if fd is not None:
                stats = [stat_(name, dir_fd=fd) for name in names]
            else:
                stats = [stat_(prefix + name) for name in names]
        except OSError:
            pass  # one vanished or dangles: the careful path names it
        else:
            if all(map(stat.S_ISREG, map(_MODE, stats))):
                walk._add(rel, names, stats)
                return
    _scan_each(walk, ordered, rel, fd, prefix, names)


def _scan_each(walk: Walk, ordered: bool, rel: str, fd: int | None, prefix: str, names: list[str]) -> None:
    """The careful path: each name looked at on its own (folders, symlinks, other files, problems)."""
    run_names: list[str] = []
    run_stats: list[os.stat_result] = []
    for name in names:
        path = f"{rel}/{name}" if rel else name
        try:
            own = os.stat(name, dir_fd=fd, follow_symlinks=False) if fd is not None else os.lstat(prefix + name)
        except OSError:
            own = None  # vanished: a .toml file is reported below
        if own is not None and stat.S_ISDIR(own.st_mode):
            if rel or name in _TOP_FOLDERS:
                if run_names:
                    walk._add(rel, run_names, run_stats)
                    run_names, run_stats = [], []
                _scan_folder(walk, ordered, path, fd, prefix, name)
            continue
        if not name.endswith(".toml"):
            if own is not None and stat.S_ISLNK(own.st_mode) and (rel or name in _TOP_FOLDERS):
                walk.problems.append((path, "a symlinked folder is not followed (copy the files instead)"))
            continue
        try:
            info = os.stat(name, dir_fd=fd) if fd is not None else os.stat(prefix + name)
        except OSError as exc:
            walk.problems.append((path, f"cannot be read ({exc.strerror or exc}; a symlink to nothing?)"))
            continue
        if not stat.S_ISREG(info.st_mode):
            walk.problems.append((path, "not a regular file"))
            continue
        run_names.append(name)
        run_stats.append(info)
    if run_names:
        walk._add(rel, run_names, run_stats)


def _scan_folder(walk: Walk, ordered: bool, rel: str, fd: int | None, prefix: str, name: str) -> None:
    """Walk the subfolder `name` (found by lstat: a real folder, not a symlink)."""
    if fd is None:
        _scan(walk, ordered, rel, None, prefix + name + os.sep)
        return
    try:
        # O_NOFOLLOW: a folder swapped for a symlink since the lstat is not followed either
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
    except OSError as exc:
        walk.problems.append((rel, f"folder cannot be read ({exc.strerror or exc})"))
        return
    try:
        _scan(walk, ordered, rel, sub, "")
    finally:
        os.close(sub)
