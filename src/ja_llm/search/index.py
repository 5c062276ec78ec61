"""The compiled index: the catalog's search records, cached on disk and keyed by the content of every data
file, so that a command answers without parsing the TOML files and is never stale.

This module is imported on the hot path of `ja-llm search`: it must stay light (no pydantic, no
markdown parser). Building the index imports the catalog loader only when the cache misses.

Never stale: before the cache is used, `current_key` checks that no catalog file changed since the key
was last computed, by comparing every file's path, size, inode, modification and change times with a
memo (`memo-<hash of the catalog's path>.marshal`); any difference, or a file changed less than two
seconds before that key was computed, and the contents are hashed again. Any edit of any file is seen by
the next search, including an in-place write that keeps the inode and the folder's modification time
(editors write so) and one that restores the modification time (the change time cannot be restored). So
every file is stat'ed on every search: no folder-level signature can see an in-place write. Those stats
are the floor of a cached search on a big catalog (at 100k files, ~0.2 s of system calls on a 2-core
VM, against a 10 ms `python -c pass`); the code around them is kept small: the walk keeps four values
per file in arrays (catalog/walk.py), the memo holds them as one byte string compared at once (not a
tuple per file), and its head (key, salt, times) has a CRC-32. Measured in bench/RESULTS.md (issue 16).

The cache file (`index-<key>.columns`) is columnar and read lazily through a memory map, so that a cold
`ja-llm search` on a catalog of 100k entries reads only what its query needs:

- every column the query engine reads (`query.COLUMNS`, the flattened variant fields, the text blob of the
  text search), each as its own section, written from what `query.Compiled` computed from the records when
  the index was built: the filters, switches and sorts run unchanged (`query.run_query`, the one
  definition of each) on these columns, which are loaded on first use, one section each (numbers as raw
  arrays, the rest marshalled);
- every record, marshalled on its own, unmarshalled only for the matches that are shown.

Why not SQLite (an FTS5 trigram table and indexed columns)? The semantics would have to be restated in
SQL (variant filters with a fallback on the entry, the switches, the sort over the matching variants) or
the SQL side used only to narrow candidates, then every candidate's columns fetched row by row, which at
100k rows costs more than reading a column section; SQLite also has no checksums, so a damaged page could
answer wrongly. Here the query code is the same code, reading the same values.

Integrity: the file starts with a magic string, the length and CRC-32 of its directory, and the directory
records the data's total length (a truncated or extended file is refused on opening) and each section's
CRC-32, checked when the section is first read; each record has its own CRC-32, checked when it is read.
A damaged file is never used: opening fails (the index is rebuilt), or a query that meets a damaged
section raises DamagedIndex, and `Index.run` rebuilds the index and answers from the rebuilt one. The
records of the matches are read (and checked) before anything is printed.
"""

from __future__ import annotations

import marshal
import mmap
import os
import sys
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from ..catalog.location import shipped_catalog
from ..catalog.walk import Walk, walk_catalog
from .query import COLUMNS, NUMERIC, VARIANT_FIELDS, Compiled, Match, Query, Record, run_query

INDEX_FORMAT = 10  # bump when records change shape (or the layout of the cache file)
SUFFIX = ".columns"


class DamagedIndex(ValueError):
    """A section or record of the cache file fails its checksum (or cannot be decoded)."""


class Index:
    """The records and vocabularies of one catalog; `cached` tells whether they came from the cache (then
    `records` is a StoredRecords: read on demand)."""

    def __init__(
        self,
        records: Sequence[Record],
        meta: dict[str, Any],
        key: str,
        cached: bool = False,
        root: Path | None = None,
        use_cache: bool = True,
    ) -> None:
        self.records = records
        self.meta = meta
        self.key = key
        self.cached = cached
        self.root = root
        self.use_cache = use_cache

    def run(self, query: Query) -> list[Match]:
        """`run_query` on this index, with the record of every match read (and checked) before returning: a
        damaged section of the cache file met on the way is not used; the index is rebuilt and answers."""
        try:
            matches = run_query(self.records, self.meta, query)
            if isinstance(self.records, StoredRecords):  # read now: nothing is printed from a record not checked
                self.records.read(match.index for match in matches)
            return matches
        except DamagedIndex:
            if self.root is None:
                raise
            path = cache_dir() / f"index-{self.key}{SUFFIX}"
            if isinstance(self.records, StoredRecords):
                self.records.close()
            rebuilt = build_index(self.root)
            self.records, self.meta, self.cached = rebuilt.records, rebuilt.meta, False
            if self.use_cache:
                write_columns(path, self.records, self.meta)
            return run_query(self.records, self.meta, query)


def cache_dir() -> Path:
    """$JA_LLM_CACHE_DIR, else the platform's user cache folder (platformdirs: ~/.cache/ja-llm on Linux,
    honouring $XDG_CACHE_HOME; ~/Library/Caches/ja-llm on macOS; %LOCALAPPDATA% on Windows)."""
    override = os.environ.get("JA_LLM_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("ja-llm", appauthor=False)


def catalog_files(root: Path) -> list[str]:
    """Every catalog file's path relative to the catalog, in a stable order (the loader's walk)."""
    return walk_catalog(root).paths


def _salt() -> str:
    """What besides the files decides the index: its format and the Python version (marshal)."""
    return f"format {INDEX_FORMAT} python {sys.version_info[:2]}"


def content_key(root: Path, files: Sequence[str] | None = None) -> str:
    """A hash of every catalog file's path and bytes (and of the index format and Python version)."""
    return _files_key((rel, _read(root, rel)) for rel in (files if files is not None else catalog_files(root)))


def _files_key(files: Iterable[tuple[str, bytes]]) -> str:
    """The content key of (path relative to the catalog, bytes) pairs, in the loader's order (one definition:
    content_key and LiveKey)."""
    import hashlib  # only when hashing: importing it costs a few milliseconds of every command's start

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_salt()}\n".encode())
    for rel, data in files:
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()


def _read(root: Path, rel: str) -> bytes:
    with open(root / rel, "rb") as handle:
        return handle.read()


RACY_NS = 2_000_000_000  # a file changed less than this before its key was computed: the memo is not trusted


def signature(walk: Walk) -> tuple[bytes, int]:
    """What the memo compares: every file's path, size, inode, modification and change times (ns), as
    bytes (equal bytes: the same paths in the same order, each with the same stat values), and the newest
    of those times. Made of the walk's runs (each run's names joined) and its columns (one array per stat
    value), without a tuple or a path string per file."""
    names = b"".join(
        (f"{folder}\0{len(run)}\0" + "\0".join(run) + "\0").encode("utf-8", "surrogatepass")
        for folder, run in walk.runs
    )
    _, _, mtimes, ctimes = walk.columns
    newest = max(max(mtimes, default=0), max(ctimes, default=0))
    columns = [c.tobytes() if isinstance(c, array) else c for c in walk.columns]
    return marshal.dumps((names, *columns), 2), newest


def current_key(root: Path, use_memo: bool = True, walk: Walk | None = None) -> str:
    """The content key, without re-reading the files when nothing changed since it was last computed.

    The memo records, next to the key, each file's path, size, inode, modification and change times
    (`signature`: the change time too, because os.utime can set a modification time back but never the
    change time, so an in-place write of the same size with its mtime restored is still seen). It is
    trusted only when the signature is byte for byte the same and every file was last changed more than
    two seconds before the key was computed (the same guard as git's "racy" index entries: a file system
    whose clock ticks coarsely could give an edit made while or just after the key was computed the same
    times): otherwise the contents are hashed again. The memo's head (salt, catalog path, key, hashing
    time) carries a CRC-32; its signature needs none (damaged, it differs: the contents are hashed).

    `walk`: the catalog's walk, unordered (`walk_catalog(root, ordered=False)`, as `open_index` passes
    it): the memo's signature is always made from such a walk (its order is the folders' listing order,
    stable while a folder is unchanged; the content key is hashed in the loader's sorted order).
    """
    walk = walk if walk is not None else walk_catalog(root, ordered=False)
    if not use_memo:
        return content_key(root)
    signed, newest = signature(walk)
    resolved = str(root.resolve())
    memo_path = cache_dir() / f"memo-{zlib.crc32(resolved.encode('utf-8', 'surrogatepass')):08x}.marshal"
    try:
        memo, memo_signature = _read_memo(memo_path)
        if (
            memo["salt"] == _salt()
            and memo["root"] == resolved
            and newest < memo["hashed_ns"] - RACY_NS
            and memo_signature == signed
            and isinstance(memo["key"], str)
        ):
            return memo["key"]
    except (OSError, ValueError, EOFError, KeyError, TypeError):
        pass
    hashed_ns = time.time_ns()
    key = content_key(root)  # walks again, in the loader's order (the signature's walk may be unordered)
    _save_memo(memo_path, {"salt": _salt(), "root": resolved, "hashed_ns": hashed_ns, "key": key}, signed)
    return key


class LiveKey:
    """The content key of a catalog for a process that asks for it again and again (the watch of `ja-llm
    serve`): the value of content_key, with the files' bytes kept in memory, so that a change reads only the
    files whose stat changed (instead of every file: ~25 ms of each update of the shipped catalog). A file is
    read again while it changed less than RACY_NS before it was last read, as current_key's memo does (a
    coarse clock could give an edit made just after the read the same times). Calling it costs a walk that
    stats every file while nothing changed (the pause between polls grows with that: site.watch). Its memory
    is the catalog's size: for a catalog within site.watch.KEEP_LIMIT files."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.reads = 0  # files read, for the tests
        self._files: dict[str, tuple[tuple[int, ...], bytes]] = {}
        self._read_ns = 0
        self._signed = b""
        self._key = ""
        self._by_path: dict[str, bytes] = {}

    def __call__(self) -> str:
        walk = walk_catalog(self.root)  # ordered: the key's order
        signed, newest = signature(walk)
        if self._key and signed == self._signed and newest < self._read_ns - RACY_NS:
            return self._key
        read_ns, trusted = time.time_ns(), self._read_ns - RACY_NS
        files: dict[str, tuple[tuple[int, ...], bytes]] = {}
        for rel, stat in walk.files:
            held = self._files.get(rel)
            if held is not None and held[0] == stat and max(stat.st_mtime_ns, stat.st_ctime_ns) < trusted:
                files[rel] = held
            else:
                files[rel] = (tuple(stat), _read(self.root, rel))
                self.reads += 1
        self._files, self._read_ns, self._signed = files, read_ns, signed
        self._key = _files_key((rel, data) for rel, (_, data) in files.items())
        self._by_path = {}
        return self._key

    def held(self, path: Path) -> bytes | None:
        """The bytes of the file at `path` (under the catalog's folder, as the loader names it) from which the
        last key was made; None for a file it did not read. The update that key starts loads these (ParseMemo):
        the catalog it builds is exactly the one the key names."""
        if not self._by_path:
            top = os.fspath(self.root)
            self._by_path = {os.path.join(top, rel): data for rel, (_, data) in self._files.items()}
        return self._by_path.get(os.fspath(path))


def build_index(root: Path) -> Index:
    """Load and validate the catalog (raises CatalogInvalid) and compile its records."""
    from ..catalog.load import load_catalog
    from .records import build_meta, build_records

    catalog = load_catalog(root)
    return Index(build_records(catalog), build_meta(catalog), key="")


def open_index(root: Path | None = None, use_cache: bool = True) -> Index:
    """The index of the catalog at `root` (default: the shipped one), from the cache when it is current:
    then its records and columns are read lazily (see the module's docstring; query it with `Index.run`)."""
    root = Path(root) if root is not None else shipped_catalog()
    if not (root / "catalog.toml").is_file():
        from ..errors import CatalogNotFound

        raise CatalogNotFound(f"{root}: not a catalog folder (no catalog.toml)")
    walk = walk_catalog(root, ordered=False)  # the memo's check needs no sorting
    if walk.problems:
        return build_index(root)  # the loader reports each unusable file (CatalogInvalid)
    key = current_key(root, use_memo=use_cache, walk=walk)
    path = cache_dir() / f"index-{key}{SUFFIX}"
    if use_cache:
        try:
            records = StoredRecords(path)
            return Index(records, records.stored.meta(), key, cached=True, root=root)
        except (OSError, ValueError, EOFError, KeyError, TypeError):
            pass
    index = build_index(root)
    index.key, index.root, index.use_cache = key, root, use_cache
    if use_cache:
        write_columns(path, index.records, index.meta)
    return index


def load_index(root: Path | None = None, use_cache: bool = True) -> Index:
    """The index with every record in memory (a list), from the cache when it is current and sound: the
    whole cache file is read and every checksum checked (a damaged file is rebuilt)."""
    index = open_index(root, use_cache)
    stored = index.records
    if isinstance(stored, StoredRecords):
        try:
            stored.stored.verify()
            index.records = list(stored)
            stored.close()
        except (OSError, ValueError, EOFError, KeyError, TypeError):  # DamagedIndex is a ValueError
            stored.close()
            rebuilt = build_index(index.root or Path())
            index.records, index.meta, index.cached = rebuilt.records, rebuilt.meta, False
            write_columns(cache_dir() / f"index-{index.key}{SUFFIX}", index.records, index.meta)
    return index


# --- the columnar cache file -----------------------------------------------------------------------------

_COLUMNS_MAGIC = b"ja-llm columns 1\n"


def _sections(records: Sequence[Record], meta: dict[str, Any]) -> Iterator[tuple[str, str, bytes]]:
    """(name, kind, bytes) of every section: what `Compiled` computes from these records."""
    c = Compiled(records)
    yield "meta", "m", marshal.dumps(meta)
    for name in COLUMNS:
        values = c.column(name)
        if name in NUMERIC:
            yield f"column:{name}", f"a{values.typecode}", values.tobytes()
        else:
            yield f"column:{name}", "m", marshal.dumps(values)
    variants = c.variants
    yield "variants:start", "aq", variants.start.tobytes()
    yield "variants:owner", "aq", variants.owner.tobytes()
    yield "variants:blank", "b", bytes(variants.blank)
    for name in VARIANT_FIELDS:
        values = variants.field(name)
        if isinstance(values, array):
            yield f"variant:{name}", f"a{values.typecode}", values.tobytes()
        else:
            yield f"variant:{name}", "m", marshal.dumps(values)
    blob, starts = c.text_blob()
    yield "text:blob", "b", bytes(blob)  # (the same object when the texts were joined here)
    yield "text:starts", "aq", array("q", starts).tobytes()


def write_columns(path: Path, records: Sequence[Record], meta: dict[str, Any]) -> None:
    """Write the columnar cache file atomically (a temporary file renamed over it); a cache that cannot be
    written is not an error. Index files unused for a week and temporary files of killed runs go."""
    directory: dict[str, tuple[int, int, int, str]] = {}
    chunks: list[bytes] = []
    position = 0
    try:
        for name, kind, data in _sections(records, meta):
            directory[name] = (position, len(data), zlib.crc32(data), kind)
            chunks.append(data)
            position += len(data)
        # the records: each marshalled on its own, with its offset and CRC-32
        offsets, crcs = array("q", [position]), array("q")
        for record in records:
            data = marshal.dumps(record)
            chunks.append(data)
            crcs.append(zlib.crc32(data))
            position += len(data)
            offsets.append(position)
    except (OSError, ValueError):  # as when the file cannot be written: no cache file
        return
    for name, data in (("records:offsets", offsets.tobytes()), ("records:crcs", crcs.tobytes())):
        directory[name] = (position, len(data), zlib.crc32(data), "aq")
        chunks.append(data)
        position += len(data)
    header = {"count": len(records), "size": position, "sections": directory}
    _write_checked(path, _COLUMNS_MAGIC, header, chunks)


def _write_checked(path: Path, magic: bytes, header: dict[str, Any], body: Sequence[bytes]) -> None:
    """A cache file (the index, the memo): `magic`, the length and CRC-32 of the marshalled `header`, the
    header, then `body`; written atomically (a temporary file renamed over it, so concurrent writers never
    mix their bytes). A file that cannot be written is not an error; stale files beside it go (_clean)."""
    import tempfile

    data = marshal.dumps(header)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(magic + len(data).to_bytes(4, "big") + zlib.crc32(data).to_bytes(4, "big"))
                handle.write(data)
                for chunk in body:
                    handle.write(chunk)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _clean(path)
    except (OSError, ValueError):
        pass


class ColumnFile:
    """A columnar cache file, memory-mapped; each section is checked against its CRC-32 when first read.
    Implements query.StoredColumns."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            mapped = self._map
            start = len(_COLUMNS_MAGIC) + 8
            if len(mapped) < start or mapped[: len(_COLUMNS_MAGIC)] != _COLUMNS_MAGIC:
                raise ValueError(f"{path}: not a cache file")
            length = int.from_bytes(mapped[start - 8 : start - 4], "big")
            header = mapped[start : start + length]
            if len(header) != length or zlib.crc32(header).to_bytes(4, "big") != mapped[start - 4 : start]:
                raise ValueError(f"{path}: damaged cache file")
            info = marshal.loads(header)
            self._base = start + length
            self.count: int = info["count"]
            self._sections: dict[str, tuple[int, int, int, str]] = info["sections"]
            if len(mapped) != self._base + info["size"]:
                raise ValueError(f"{path}: damaged cache file (cut off or extended)")
            self.path = path
            offsets = self._section("records:offsets")
            self._crcs = self._section("records:crcs")
            if len(offsets) != self.count + 1 or len(self._crcs) != self.count:
                raise ValueError(f"{path}: damaged cache file")
            self._offsets = offsets
        except BaseException:
            self._map.close()
            raise

    def close(self) -> None:
        self._map.close()

    def _bytes(self, name: str) -> tuple[bytes, str]:
        offset, length, crc, kind = self._sections[name]
        data = self._map[self._base + offset : self._base + offset + length]
        if len(data) != length or zlib.crc32(data) != crc:
            raise DamagedIndex(f"{self.path}: damaged section {name}")
        return data, kind

    def _in_place(self, name: str) -> _MappedText:
        """A byte section checked and searched where it is mapped, not copied (see _MappedText)."""
        offset, length, crc, _ = self._sections[name]
        start = self._base + offset
        with memoryview(self._map) as whole, whole[start : start + length] as part:
            if len(part) != length or zlib.crc32(part) != crc:
                raise DamagedIndex(f"{self.path}: damaged section {name}")
        return _MappedText(self._map, start, start + length)

    def _section(self, name: str) -> Any:
        data, kind = self._bytes(name)
        try:
            if kind.startswith("a"):
                values = array(kind[1:])
                values.frombytes(data)
                return values
            if kind == "b":
                return bytearray(data) if name == "variants:blank" else data
            return marshal.loads(data)
        except (ValueError, EOFError, TypeError) as exc:
            raise DamagedIndex(f"{self.path}: damaged section {name}") from exc

    def meta(self) -> dict[str, Any]:
        meta = self._section("meta")
        if not isinstance(meta, dict):
            raise ValueError(f"{self.path}: damaged cache file")
        return meta

    def column(self, name: str) -> Any:
        return self._section(f"column:{name}")

    def variant_layout(self) -> tuple[array, array, bytearray]:
        return self._section("variants:start"), self._section("variants:owner"), self._section("variants:blank")

    def variant_field(self, name: str) -> Any:
        return self._section(f"variant:{name}")

    def text(self) -> tuple[_MappedText, Sequence[int]]:
        return self._in_place("text:blob"), self._section("text:starts")

    def record(self, i: int) -> Record:
        start, end = self._offsets[i], self._offsets[i + 1]
        data = self._map[self._base + start : self._base + end]
        if zlib.crc32(data) != self._crcs[i]:
            raise DamagedIndex(f"{self.path}: damaged record {i}")
        try:
            record = marshal.loads(data)
        except (ValueError, EOFError, TypeError) as exc:
            raise DamagedIndex(f"{self.path}: damaged record {i}") from exc
        if not isinstance(record, dict):
            raise DamagedIndex(f"{self.path}: damaged record {i}")
        return record

    def verify(self) -> None:
        """Read every section and record: DamagedIndex when one fails its checksum."""
        for name in self._sections:
            self._section(name)
        for i in range(self.count):
            self.record(i)


class _MappedText:
    """The search texts' section of a mapped cache file, searched in place (mmap.find: the same search as
    bytes.find) instead of copied first: at 100,000 entries the copy was ~30 ms of a cold text search's
    ~75 ms. `bytes()` gives the copy (query.Haystack)."""

    __slots__ = ("_end", "_map", "_start")

    def __init__(self, mapped: mmap.mmap, start: int, end: int) -> None:
        self._map, self._start, self._end = mapped, start, end

    def find(self, sub: bytes, start: int = 0, /) -> int:
        found = self._map.find(sub, self._start + start, self._end)
        return found - self._start if found >= 0 else -1

    def __bytes__(self) -> bytes:
        return self._map[self._start : self._end]


class StoredRecords(Sequence[Record]):
    """The records of a columnar cache file, each read (and checked) on first access and kept, so that a
    record is always the same dict. `stored` gives the query engine the file's columns."""

    def __init__(self, path: Path) -> None:
        self.stored = ColumnFile(path)
        self._records: dict[int, Record] = {}

    def __len__(self) -> int:
        return self.stored.count

    @overload
    def __getitem__(self, i: int) -> Record: ...

    @overload
    def __getitem__(self, i: slice) -> list[Record]: ...

    def __getitem__(self, i: int | slice) -> Record | list[Record]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        record = self._records.get(i)
        if record is None:
            record = self._records[i] = self.stored.record(i)
        return record

    def __iter__(self) -> Iterator[Record]:
        return (self[i] for i in range(len(self)))

    def read(self, positions: Iterable[int]) -> None:
        """Read (and check) the records at these positions that were not read yet (one set operation instead
        of a lookup each: a query's ~26k matches at 100k entries)."""
        for i in set(positions).difference(self._records):
            self._records[i] = self.stored.record(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (StoredRecords, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def close(self) -> None:
        self.stored.close()


def _clean(path: Path) -> None:
    """Index files unused for a week and temporary files of killed runs go."""
    now = time.time()
    for old in path.parent.glob("index-*"):
        if old != path and old.stat().st_atime < now - 7 * 86400:
            old.unlink(missing_ok=True)
    for stale in path.parent.glob(".*-*"):
        if stale.stat().st_mtime < now - 3600:
            stale.unlink(missing_ok=True)


_MEMO_MAGIC = b"ja-llm memo 2\n"


def _read_memo(path: Path) -> tuple[dict[str, Any], bytes]:
    """The memo's head and its signature; OSError or ValueError when it is missing or damaged. The head
    carries its length and CRC-32 (a flipped byte or a cut-off file is detected, never used); the
    signature is only ever compared with the current one, so a damaged one just differs."""
    with open(path, "rb") as handle:
        blob = handle.read()
    start = len(_MEMO_MAGIC) + 8
    if len(blob) < start or not blob.startswith(_MEMO_MAGIC):
        raise ValueError(f"{path}: not a memo file")
    length, checksum = int.from_bytes(blob[start - 8 : start - 4], "big"), blob[start - 4 : start]
    head = blob[start : start + length]
    if len(head) != length or zlib.crc32(head).to_bytes(4, "big") != checksum:
        raise ValueError(f"{path}: damaged memo file")
    data = marshal.loads(head)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: damaged memo file")
    return data, blob[start + length :]


def _save_memo(path: Path, head: dict[str, Any], signed: bytes) -> None:
    """Write the memo: its head, then the signature of the files (compared as one byte string)."""
    _write_checked(path, _MEMO_MAGIC, head, [signed])
