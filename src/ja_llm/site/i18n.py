"""The website's own interface words (labels, buttons, headings) per language.

The words are data: `ui/<lang>.toml` beside this module for the languages the site ships, and a catalog's own
`ui/<lang>.toml` (loaded with the catalog) that adds a language or replaces words. No code here names a
language: a word a language lacks is taken from the first language of the catalog that has it, so adding a
language to a catalog is a data change. The catalog's texts come from the catalog; these are only the words
of the site's chrome.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from ..catalog.core import Catalog


@cache
def shipped_words() -> dict[str, dict[str, str]]:
    """Language -> the words the site ships for it."""
    found: dict[str, dict[str, str]] = {}
    for item in sorted(resources.files(__package__).joinpath("ui").iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            found[item.name.removesuffix(".toml")] = tomllib.loads(item.read_text(encoding="utf-8"))
    return found


class Interface:
    """The words of every page of one build: `interface(lang)` is a complete table for `lang`."""

    def __init__(self, catalog: Catalog) -> None:
        shipped = shipped_words()
        own = {lang: {**shipped.get(lang, {}), **catalog.ui.get(lang, {})} for lang in catalog.info.languages}
        # the fallback order: the catalog's languages, then the others the site ships
        order = [*catalog.info.languages, *(lang for lang in shipped if lang not in catalog.info.languages)]
        self.tables: dict[str, dict[str, str]] = {}
        for lang in catalog.info.languages:
            table: dict[str, str] = {}
            for source in reversed([lang, *order]):
                table.update(own.get(source) or shipped.get(source, {}))
            self.tables[lang] = table

    def __call__(self, lang: str) -> dict[str, str]:
        return self.tables[lang]
