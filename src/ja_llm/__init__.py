"""ja-llm: the Japanese LLM catalog.

    >>> from ja_llm import Catalog
    >>> catalog = Catalog.load()          # the catalog shipped with the package
    >>> entry = catalog.entry("sb-intuitions/sarashina2-8x70b")
"""

__version__ = "0.1.0"

from .catalog import Catalog, LoadedEntry, validate  # noqa: E402
from .errors import CatalogInvalid, JaLlmError, Problem  # noqa: E402

__all__ = ["Catalog", "LoadedEntry", "validate", "CatalogInvalid", "JaLlmError", "Problem", "__version__"]
