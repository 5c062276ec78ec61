"""What an export holds: every entry of a catalog, or the entries a query kept, each with the variants it
exports; and the texts of an entry in one language that the CSV file and the llms.txt files share.

An export takes the search's records (`ja_llm.search.records.build_records`), so that "how many parameters",
"what counts as commercial" and the plain texts are decided in one place. Given the matches of a query
(`run_query(...)`), it honours every filter of `ja-llm search`: only the matching entries, in the query's
order, each with only the variants that satisfy the variant-level filters (`--min-params`, `--commercial`, …).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..catalog.core import Catalog, LoadedEntry
from ..errors import EntryNotFound
from ..memo import Kept
from ..model.inline import plain
from ..model.text import text_in
from ..search.query import Match, QueryError
from ..search.records import Record, build_records


@dataclass(frozen=True)
class Item:
    """One exported entry: its search record, the variants exported (all of the record's, or those a query
    kept) and the entry as loaded."""

    record: Record
    variants: list[dict[str, Any]]
    entry: LoadedEntry

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def complete(self) -> bool:
        """Every variant of the record is exported."""
        return len(self.variants) == len(self.record["variants"])


# What an export accepts instead of the whole catalog: search records, query matches, or items.
Selection = Sequence[Record | Match | Item] | None


T = TypeVar("T")


def per_entry(kept: Kept | None, key: Hashable, item: Item, make: Callable[[], T]) -> T:
    """`make()`, or with `kept` (memo.Kept: a process that builds again) the value made from this very record
    and entry, taken back; an item holding a query's subset of its variants is always made again."""
    if kept is None or not item.complete:
        return make()
    return kept.made(key, (item.record, item.entry.data), make)


def select_items(catalog: Catalog, records: Selection = None) -> list[Item]:
    """The items to export: every entry in catalog order (`records` None), else the given records or matches
    in their order. Raises EntryNotFound for a record of another catalog."""
    if records is None:
        records = build_records(catalog)
    items: list[Item] = []
    for given in records:
        if isinstance(given, Item):
            items.append(given)
            continue
        record, variants = (given.record, given.variants) if isinstance(given, Match) else (given, given["variants"])
        entry = catalog.entries.get(record["id"])
        if entry is None:
            raise EntryNotFound(f"no entry {record['id']!r} in the catalog exported")
        items.append(Item(record, list(variants), entry))
    return items


def is_complete(catalog: Catalog, items: list[Item]) -> bool:
    """The items are the whole catalog: every entry, with every variant."""
    return (
        len(items) == len(catalog.entries)
        and {i.id for i in items} == set(catalog.entries)
        and all(item.complete for item in items)
    )


# --- texts in one language -------------------------------------------------------------------------------


def language(catalog: Catalog, lang: str | None) -> str:
    """`lang`, or the catalog's main language for None; QueryError for a language the catalog does not have."""
    languages = list(catalog.info.languages)
    if lang is None:
        return languages[0]
    if lang not in languages:
        raise QueryError(f"{lang!r} is not a language of this catalog (accepted: {', '.join(languages)})")
    return lang


def plain_in(value: str | dict[str, str] | None, lang: str) -> str:
    """A catalog text in `lang` as a reader sees it (no Markdown); "" for no text."""
    return plain(text_in(value, lang)) if value is not None else ""


def label_in(item: Item, variant: dict[str, Any], lang: str) -> str:
    """A variant's label in `lang`, plain ("" for the entry's own size exported as an unnamed variant)."""
    index = variant.get("index")
    if index is None:
        return ""
    return plain_in(item.entry.data.variants[index].label, lang)


def developers_in(item: Item, lang: str) -> list[str]:
    return [text_in(dev["name"], lang) for dev in item.record["developers"]]


def license_texts(item: Item, lang: str) -> list[str]:
    """The entry's licenses in `lang`: `MIT (base)`, `CC BY-NC-SA 4.0 (instruct)`; `(?)` after one the list is
    not sure of."""
    out = []
    for lic in item.record["licenses"]:
        name = text_in(lic["name"], lang) if lic["name"] else (lic["id"] or "")
        scope = text_in(lic["scope"], lang) if lic["scope"] else ""
        out.append(name + (" (?)" if lic["uncertain"] else "") + (f" ({scope})" if scope else ""))
    return out


def section_path(catalog: Catalog, section_id: str, lang: str) -> str:
    """`テキスト生成に主に使うモデル › スクラッチ学習モデル › 汎用`: a section's title under its parents'."""
    titles: list[str] = []
    current = catalog.sections.get(section_id)
    while current is not None:
        titles.append(plain_in(current.title, lang))
        current = catalog.sections.get(current.parent) if current.parent else None
    return " › ".join(reversed(titles)) or section_id


def url_in(item: Item, lang: str) -> str:
    """The link of the entry's name in `lang` ("" for none)."""
    return text_in(item.entry.data.url, lang)


def count(value: float | None) -> int | None:
    """A parameter count as an integer (the records keep floats: `9.3b` is 9300000000.0)."""
    return None if value is None else round(value)
