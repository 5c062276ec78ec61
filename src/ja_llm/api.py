"""The Python API: a `Catalog` that loads itself and answers queries with the same semantics as
`ja-llm search`. It sits on top of the stages it combines (catalog loading and the search engine).

    >>> from ja_llm import Catalog
    >>> catalog = Catalog.load()
    >>> [r.entry.id for r in catalog.query(min_params="7b", commercial="yes")][:3]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog.core import Catalog as CatalogData
from .catalog.core import LoadedEntry
from .catalog.load import load_catalog, validate
from .model.schema import Variant
from .search.query import Query, run_query
from .search.records import Meta, Record, build_meta, build_records


@dataclass
class QueryResult:
    """An entry that matched a query, with the variants that satisfy its variant-level filters."""

    entry: LoadedEntry
    variants: list[Variant]


@dataclass
class Catalog(CatalogData):
    """A loaded catalog (see `ja_llm.catalog.Catalog` for its data) that can be queried."""

    _compiled: tuple[list[Record], Meta] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Catalog:
        """The catalog at `path`, or the one shipped with ja-llm. Raises CatalogInvalid with every problem."""
        return load_catalog(path, cls)

    def records(self) -> tuple[list[Record], Meta]:
        """The compiled search records of this catalog (built on first use, then kept)."""
        if self._compiled is None:
            self._compiled = (build_records(self), build_meta(self))
        return self._compiled

    def query(
        self,
        text: str | None = None,
        *,
        sort: str = "catalog",
        desc: bool = False,
        limit: int | None = None,
        active: bool = False,
        include_uncertain: bool = False,
        lang: str | None = None,
        **filters: Any,
    ) -> list[QueryResult]:
        """Entries matching a text and filters, with the same semantics as `ja-llm search`.

        Filters (see ja_llm.search.query.FILTERS): section, commercial ("yes" or "any"), license, min_params,
        max_params ("7b", "500m"), year, since, developer, arch, base_model, hf (True), domain,
        min_context. Raises QueryError (with the accepted values) for a bad value.

            catalog.query(min_params="7b", commercial="yes")
            catalog.query("東北大", section="encoder", hf=True)
        """
        records, meta = self.records()
        switches = ("include_uncertain",) if include_uncertain else ()
        query = Query(text, filters, active, sort, desc, limit, lang or self.info.languages[0], switches=switches)
        results = []
        for match in run_query(records, meta, query):
            entry = self.entries[match.record["id"]]
            chosen = {v["index"] for v in match.variants if v.get("index") is not None}
            results.append(QueryResult(entry, [v for i, v in enumerate(entry.data.variants) if i in chosen]))
        return results


__all__ = ["Catalog", "LoadedEntry", "QueryResult", "validate"]
