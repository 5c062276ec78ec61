"""Gzip for `ja-llm serve`: which files are compressed, and how (the server compresses on the fly).

The rules: a regular file with a text suffix (SUFFIXES) larger than MIN_BYTES, asked for by a client that
accepts gzip, is answered with `packed(its bytes)` — unless that is not smaller, then plain. The bytes are
reproducible: a fixed level, no file name and mtime 0 in the gzip header, so two servers (or two runs) give
identical bodies, and a gzip variant's ETag (made from the file's size and mtime) always names the same
bytes. serve.py keeps the results in a small in-memory cache keyed by path, size and mtime.

Hand-written because the standard library is the whole engine: zlib compresses, and the cache is a few lines
of an OrderedDict under a lock; a dependency would add nothing. Not done at build time: writing a `.gz`
beside each text file meant some 2,700 extra files per build, and creating them (inode allocation) was a
large share of the build's time — while a static host compresses on its own anyway, and the preview server
compresses each file once per edit.
"""

from __future__ import annotations

import gzip
import io

SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".svg", ".txt", ".xml"})
MIN_BYTES = 1024  # below this the gzip header and the extra request work outweigh the saving
LEVEL = 6  # zlib's default: within a few per cent of 9 at a third of the time


def packed(data: bytes) -> bytes | None:
    """The gzip of a file's bytes (reproducible: LEVEL, no file name, mtime 0), None when not worth sending:
    MIN_BYTES or less, or not smaller."""
    if len(data) <= MIN_BYTES:
        return None
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=LEVEL, mtime=0) as stream:
        stream.write(data)
    result = buffer.getvalue()
    return result if len(result) < len(data) else None
