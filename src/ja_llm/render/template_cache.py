"""Compiled Jinja templates kept between runs, in the user's cache folder (search.index.cache_dir()).

jinja2 compiles every template a process uses from its source, each run: for an update that renders a few
pages that was ~7% of `ja-llm build` (profiled: `Environment.compile`). jinja2's own FileSystemBytecodeCache
keeps the compiled code keyed by the template's name and a checksum of its source, and its header holds the
Python version, so a changed template or another Python compiles again. This subclass only makes the cache
optional: a folder that cannot be made or written, or a damaged file, means compiling as before — never a
failed build.
"""

from __future__ import annotations

import contextlib
import pickle

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket

from ..search.index import cache_dir


class _TemplateCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):  # damaged: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # not kept: compiled again next time
            super().dump_bytecode(bucket)


def template_cache() -> BytecodeCache | None:
    """The cache of compiled templates, or None where its folder cannot be made."""
    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))
