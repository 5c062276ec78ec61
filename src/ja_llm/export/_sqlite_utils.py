"""sqlite-utils, imported without numpy and pandas unless the process imported them already.

When they are installed, sqlite-utils imports both only to map their scalar types to SQLite column types
(`COLUMN_TYPE_MAPPING`); the export never passes such values (its rows hold texts, numbers and None). numpy is
installed here for the chart (matplotlib), so sqlite-utils imported it in every process that wrote the
export: measured, 16 MB of memory and ~0.1 s instead of 4 MB and 0.04 s for sqlite-utils itself; the cold
build's main process peaked 12 MB higher, beside the process that draws the chart. While sqlite-utils is
imported, a finder refuses those two imports (sqlite-utils expects ImportError when they are missing), and is
removed right after: a later `import numpy` works as usual. A process that imported them before keeps
sqlite-utils' full mapping: the same database either way.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

OPTIONAL = ("numpy", "pandas")


class _Refuse(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname in OPTIONAL:
            raise ImportError(f"{fullname} is not imported for sqlite-utils (see ja_llm.export._sqlite_utils)")
        return None


if "sqlite_utils" in sys.modules:
    from sqlite_utils import Database
else:
    _refuse = _Refuse()
    sys.meta_path.insert(0, _refuse)
    try:
        from sqlite_utils import Database
    finally:
        sys.meta_path.remove(_refuse)

__all__ = ["Database"]
