"""The compiled index: the catalog's search records, cached on disk and keyed by the content of every data
file, so that a command answers without parsing the TOML files and is never stale.

This module is imported on the hot path of `ja-llm search`: it must stay light (no pydantic, no
markdown parser). Building the index imports the catalog loader only when the cache misses.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from ..catalog.location import shipped_catalog
from ..catalog.walk import walk_catalog

INDEX_FORMAT = 9  # bump when records change shape


class Index:
    """The records and vocabularies of one catalog; `cached` tells whether they came from the cache."""

    def __init__(self, records: list[dict[str, Any]], meta: dict[str, Any], key: str, cached: bool = False) -> None:
        self.records = records
        self.meta = meta
        self.key = key
        self.cached = cached


def cache_dir() -> Path:
    """$JA_LLM_CACHE_DIR, else the platform's user cache folder (platformdirs: ~/.cache/ja-llm on Linux,
    honouring $XDG_CACHE_HOME; ~/Library/Caches/ja-llm on macOS; %LOCALAPPDATA% on Windows)."""
    override = os.environ.get("JA_LLM_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("ja-llm", appauthor=False)


def catalog_files(root: Path) -> list[tuple[str, os.stat_result]]:
    """Every catalog file (relative path, stat), in a stable order (the loader's walk)."""
    return walk_catalog(root).files


def _salt() -> str:
    """What besides the files decides the index: its format and the Python version (marshal)."""
    return f"format {INDEX_FORMAT} python {sys.version_info[:2]}"


def content_key(root: Path, files: list[tuple[str, os.stat_result]] | None = None) -> str:
    """A hash of every catalog file's path and bytes (and of the index format and Python version)."""
    import hashlib  # only when hashing: importing it costs a few milliseconds of every command's start

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_salt()}\n".encode())
    for rel, _ in files if files is not None else catalog_files(root):
        digest.update(rel.encode("utf-8") + b"\0")
        with open(root / rel, "rb") as handle:
            digest.update(handle.read())
        digest.update(b"\0")
    return digest.hexdigest()


def current_key(root: Path, use_memo: bool = True, files: list[tuple[str, os.stat_result]] | None = None) -> str:
    """The content key, without re-reading the files when nothing changed since it was last computed.

    The memo records each file's size, modification and change times and inode next to the key. It is
    trusted only when all of these are unchanged and every file was last changed more than two seconds
    before the key was computed (the same guard as git's "racy" index entries): an edit made while or after the key was
    computed always leads to hashing the contents again.
    """
    files = files if files is not None else catalog_files(root)
    # ctime too: os.utime can set a modification time back, never the change time
    signature = [(rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for rel, st in files]
    memo_path = cache_dir() / f"memo-{zlib.crc32(str(root.resolve()).encode('utf-8')):08x}.marshal"
    if use_memo:
        try:
            memo = _read(memo_path)
            if (
                memo["salt"] == _salt()
                and memo["files"] == signature
                and all(max(m, c) < memo["hashed_ns"] - 2_000_000_000 for _, _, m, c, _ in signature)
            ):
                return memo["key"]
        except (OSError, ValueError, EOFError, KeyError, TypeError):
            pass
    hashed_ns = time.time_ns()
    key = content_key(root, files)
    if use_memo:
        _save(memo_path, {"salt": _salt(), "files": signature, "hashed_ns": hashed_ns, "key": key})
    return key


def build_index(root: Path) -> Index:
    """Load and validate the catalog (raises CatalogInvalid) and compile its records."""
    from ..catalog.load import load_catalog
    from .records import build_meta, build_records

    catalog = load_catalog(root)
    return Index(build_records(catalog), build_meta(catalog), key="")


def load_index(root: Path | None = None, use_cache: bool = True) -> Index:
    """The index of the catalog at `root` (default: the shipped one), from the cache when it is current."""
    root = Path(root) if root is not None else shipped_catalog()
    if not (root / "catalog.toml").is_file():
        from ..errors import CatalogNotFound

        raise CatalogNotFound(f"{root}: not a catalog folder (no catalog.toml)")
    walk = walk_catalog(root)
    if walk.problems:
        return build_index(root)  # the loader reports each unusable file (CatalogInvalid)
    key = current_key(root, use_memo=use_cache, files=walk.files)
    path = cache_dir() / f"index-{key}.marshal"
    if use_cache:
        try:
            data = _read(path)
            return Index(data["records"], data["meta"], key, cached=True)
        except (OSError, ValueError, EOFError, KeyError, TypeError):
            pass
    index = build_index(root)
    index.key = key
    if use_cache:
        _save(path, {"records": index.records, "meta": index.meta})
    return index


_MAGIC = b"ja-llm cache 1\n"


def _read(path: Path) -> Any:
    """A cache file's content; OSError or ValueError when it is missing or damaged. The payload carries its
    length and CRC-32: a flipped byte or a cut-off file is detected and the cache rebuilt, never used."""
    with open(path, "rb") as handle:
        blob = handle.read()
    header = len(_MAGIC) + 8
    if not blob.startswith(_MAGIC) or len(blob) < header:
        raise ValueError(f"{path}: not a cache file")
    length, checksum = int.from_bytes(blob[len(_MAGIC) : len(_MAGIC) + 4], "big"), blob[len(_MAGIC) + 4 : header]
    payload = blob[header:]
    if len(payload) != length or zlib.crc32(payload).to_bytes(4, "big") != checksum:
        raise ValueError(f"{path}: damaged cache file")
    data = marshal.loads(payload)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: damaged cache file")
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    """Write a cache file atomically (a temporary file renamed over it, so concurrent writers never mix
    their bytes; marshal: fast to read; versioned by the key, checked by a CRC-32); a cache that cannot be
    written is not an error. Index files unused for a week and temporary files of killed runs go."""
    import tempfile

    payload = marshal.dumps(data)
    blob = _MAGIC + len(payload).to_bytes(4, "big") + zlib.crc32(payload).to_bytes(4, "big") + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        now = time.time()
        for old in path.parent.glob("index-*.marshal"):
            if old != path and old.stat().st_atime < now - 7 * 86400:
                old.unlink(missing_ok=True)
        for stale in path.parent.glob(".*-*"):
            if stale.stat().st_mtime < now - 3600:
                stale.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass
