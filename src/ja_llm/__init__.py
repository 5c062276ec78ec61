"""ja-llm: the Japanese LLM catalog.

    >>> from ja_llm import Catalog
    >>> catalog = Catalog.load()                       # the catalog shipped with the package
    >>> results = catalog.query(min_params="7b", commercial="yes")
    >>> [r.entry.id for r in results][:3]

The names below are imported on first use, so that `import ja_llm` (and the `ja-llm` command) stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Catalog": "api",
    "LoadedEntry": "api",
    "QueryResult": "api",
    "validate": "api",
    "CatalogInvalid": "errors",
    "JaLlmError": "errors",
    "Problem": "errors",
    "QueryError": "search.query",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'ja_llm' has no attribute {name!r}")
