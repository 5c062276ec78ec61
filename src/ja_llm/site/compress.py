"""Gzip copies of a built site's text files, written once at build time (`index.html` → `index.html.gz`).

`ja-llm serve` answers a client that accepts gzip with the `.gz` beside a file instead of compressing on
every request; a static host that knows the convention (nginx `gzip_static`, for one) can do the same.
Hand-written because the standard library's `gzip` is the whole engine: a walk over the folder, one
compressed copy per file, nothing a dependency would add. The bytes are reproducible — a fixed level, no file
name and mtime 0 in the gzip header — so two builds of the same site give identical `.gz` files. The files
are compressed by a small pool of threads (zlib releases the GIL: the build's cores are used).
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".svg", ".txt", ".xml"})
MIN_BYTES = 1024  # below this the gzip header and the extra request work outweigh the saving
LEVEL = 6  # zlib's default: within a few per cent of 9 at a third of the time


def precompress(folder: Path) -> int:
    """Write `<file>.gz` beside every text file of `folder` larger than MIN_BYTES; return how many written.

    Walks without following symlinks, and compresses regular files only (a symlink's target may lie
    outside the site). A file whose gzip copy would not be smaller gets none. Each `.gz` goes through a
    temporary file in the same folder and `os.replace`, so a reader never sees half of one. Meant for a
    freshly built folder: a `.gz` left from an earlier run beside a file that now gets none is not removed
    (the server ignores a `.gz` older than its file).
    """
    found: list[Path] = []
    for parent, folders, names in os.walk(folder):
        folders.sort()
        found += (Path(parent) / name for name in sorted(names))
    return precompress_files(found)


def precompress_files(paths: Iterable[Path]) -> int:
    """`precompress` for the given files only (those of them that qualify): a build compresses what each of
    its stages wrote as soon as that stage is done."""
    todo: list[tuple[Path, os.stat_result]] = []
    for path in paths:
        if path.suffix not in SUFFIXES or path.name.endswith(".gz"):
            continue
        info = path.lstat()
        if stat.S_ISREG(info.st_mode) and info.st_size > MIN_BYTES:
            todo.append((path, info))
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return sum(pool.map(lambda job: _write_gzip(*job), todo))


def packed(data: bytes) -> bytes | None:
    """The gzip copy of a file's bytes (the same bytes `precompress` writes), None when not worth having:
    MIN_BYTES or less, or not smaller."""
    if len(data) <= MIN_BYTES:
        return None
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=LEVEL, mtime=0) as stream:
        stream.write(data)
    result = buffer.getvalue()
    return result if len(result) < len(data) else None


def write_with_gzip(path: Path, data: bytes) -> None:
    """Write a file of a folder being built (no reader sees it before the whole folder is in place, so no
    temporary file per write) and, for a text file, its `.gz` beside it. Compressing the bytes in hand costs
    a build a fraction of what a `precompress` walk afterwards does (read back, a temporary file, a rename
    each)."""
    path.write_bytes(data)
    if path.suffix in SUFFIXES and (copy := packed(data)) is not None:
        path.with_name(path.name + ".gz").write_bytes(copy)


def _write_gzip(path: Path, info: os.stat_result) -> bool:
    """Compress `path` into `path.gz` (same permission bits); False if that would not save a byte."""
    target = path.with_name(path.name + ".gz")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (renamed or removed below)
        dir=path.parent, prefix=f".{path.name}.", suffix=".gz.tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        # filename="" keeps the temporary file's random name out of the gzip header, mtime=0 the clock
        with (
            handle,
            open(path, "rb") as source,
            gzip.GzipFile(filename="", mode="wb", fileobj=handle, compresslevel=LEVEL, mtime=0) as packed,
        ):
            shutil.copyfileobj(source, packed, 1 << 16)
        if temporary.stat().st_size >= info.st_size:
            return False
        os.chmod(temporary, stat.S_IMODE(info.st_mode))  # NamedTemporaryFile makes 0600; a host must read it
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)  # still there unless renamed: not smaller, or a failure
    return True
