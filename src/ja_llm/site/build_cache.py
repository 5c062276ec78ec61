"""What the last build computed that the next one can take back instead of computing it again: the search
records of the entries whose file did not change (search.records.build_records with `known`), and the plain
forms of the catalog's texts (model.inline.remember_plain). Parsing texts with markdown-it is most of what
compiling a record costs, and the pages and every export ask for the same texts' plain forms again.

The file (`.<site>.records` beside the site folder, so that it is not published with the site) holds a head —
the format and the key of what every record depends on besides its own file: ja-llm's code and the registry
files (languages, sections, organizations, licenses) — then each entry's id, the digest of its file and its
record, one marshal value each, then the plain forms (one dict). A record is reused only when the head is the
same and its entry's file has the same digest; a plain form depends on its text and the code only. A CRC-32 ends
the file: a damaged, cut or foreign file reads as empty (everything computed again). marshal: the records are
plain dicts, lists, strings and numbers, and it is the fastest reader of those in the standard library.

A process that builds again (`ja-llm serve` updating the site after an edit) does not read back what it wrote
or read before: the records of the last file it wrote or read are kept in memory with the file's size, inode
and modification time, and used while the file is that same one (a file another process wrote is read).
"""

from __future__ import annotations

import io
import marshal
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import markdown_it
import mdit_py_plugins

from ..catalog.core import Catalog
from ..files import atomic_write
from ..model.inline import known_plain, remember_plain
from ..search.records import Record
from .build import _key, registry_bytes

FORMAT = 1

_Stat = tuple[int, int, int]  # st_size, st_ino, st_mtime_ns
# the last file this process wrote or read: its path, stat values, key and records with their entries' digests
_held: tuple[Path, _Stat, str, list[tuple[str, bytes, Record]]] | None = None


def _stat(path: Path) -> _Stat | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_size, found.st_ino, found.st_mtime_ns


def cache_path(site: Path) -> Path:
    return site.parent / f".{site.name}.records"


def inputs_key(code: str, catalog: Catalog) -> str:
    """What a record depends on besides its entry's file: the code, the registry files, and the versions of
    what parses the texts (markdown-it and its plugins) and reads the file (Python's marshal)."""
    versions = [markdown_it.__version__, mdit_py_plugins.__version__, sys.version]
    return _key(code, registry_bytes(catalog), versions)


def read_known(site: Path, key: str, current: dict[str, bytes]) -> dict[str, Record]:
    """The cached records still current: made under `key` from an entry file of the digest in `current`.
    The plain forms of texts the file holds are remembered (model.inline.remember_plain)."""
    global _held
    path = cache_path(site)
    found = _stat(path)  # before reading: a file replaced meanwhile has other values, and is read next time
    if _held is None or _held[0] != path or _held[1] != found:
        _held = _read(path, found, key)
    if _held is None or _held[2] != key:
        return {}
    return {entry_id: record for entry_id, digest, record in _held[3] if current.get(entry_id) == digest}


def _read(path: Path, found: _Stat | None, key: str) -> tuple[Path, _Stat, str, list[tuple[str, bytes, Record]]] | None:
    """The file's key and records (None for none, or a damaged, cut or foreign file); the plain forms it
    holds are remembered when it was made under `key` (the code that made them)."""
    if found is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body, check = data[:-4], data[-4:]
    if len(data) < 4 or zlib.crc32(body) != int.from_bytes(check, "little"):
        return None  # cut short or damaged: everything computed again
    held: list[tuple[str, bytes, Record]] = []
    stream = io.BytesIO(body)
    try:
        head = marshal.load(stream)
        if not (isinstance(head, list) and len(head) == 2 and head[0] == FORMAT and isinstance(head[1], str)):
            return None
        for _ in range(marshal.load(stream)):
            entry_id, digest, record = marshal.load(stream)
            if isinstance(record, dict):
                held.append((entry_id, digest, record))
        plain_forms = marshal.load(stream)
    except (EOFError, ValueError, TypeError):
        return None
    if isinstance(plain_forms, dict) and head[1] == key:
        remember_plain({k: v for k, v in plain_forms.items() if isinstance(k, str) and isinstance(v, str)})
    return path, found, head[1], held


def write(site: Path, key: str, current: dict[str, bytes], records: list[Record]) -> None:
    """The records (with their entries' digests) and the plain forms known in this process, then a CRC-32 of
    all that (4 bytes, little-endian): a file damaged after the head would otherwise read as other records."""

    def pieces() -> Iterator[bytes]:
        crc = 0
        for piece in chunks():
            crc = zlib.crc32(piece, crc)
            yield piece
        yield crc.to_bytes(4, "little")

    def chunks() -> Iterator[bytes]:
        yield marshal.dumps([FORMAT, key])
        yield marshal.dumps(len(records))
        for record in records:
            yield marshal.dumps((record["id"], current[record["id"]], record))
        yield marshal.dumps(known_plain())

    global _held
    path = cache_path(site)
    _held = None
    atomic_write(path, pieces())
    written = _stat(path)
    if written is not None:
        _held = (path, written, key, [(r["id"], current[r["id"]], r) for r in records])
