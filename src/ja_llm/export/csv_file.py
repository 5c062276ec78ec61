"""The CSV export: one row per exported variant (an entry without variants: one row), with the entry's fields
repeated on each of its rows, for spreadsheets and data tools.

Written with the csv module: a header row, RFC 4180 quoting, UTF-8. The texts are in one language (the
catalog's main language by default), plain (no Markdown). Numbers are plain integers (parameter counts in
parameters, context lengths in tokens). `excel=True` is for Excel: a byte order mark (so that it reads the
file as UTF-8), CRLF line ends, and a text cell that Excel would run as a formula (starting with `=`, `+`,
`-`, `@`) is prefixed with `'`; otherwise the file has LF line ends and the cells as they are. The bytes are
deterministic: entries in catalog order (or a query's), variants in the entry's order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ..catalog.core import Catalog
from ..files import atomic_write
from ..memo import Kept
from .items import (
    Item,
    Selection,
    count,
    developers_in,
    label_in,
    language,
    license_texts,
    per_entry,
    section_path,
    select_items,
    url_in,
)

# The entry's fields (repeated on each of its rows), then the variant's.
ENTRY_COLUMNS = (
    "entry_id",
    "name",
    "kind",
    "section",
    "section_title",
    "year",
    "developers",
    "licenses",
    "commercial",
    "hf",
    "url",
)
VARIANT_COLUMNS = (
    "variant_index",
    "variant_label",
    "repo",
    "size",
    "params",
    "active",
    "context",
    "variant_license",
    "variant_commercial",
)
COLUMNS = ENTRY_COLUMNS + VARIANT_COLUMNS
NUMBERS = frozenset({"year", "variant_index", "params", "active", "context"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def item_rows(catalog: Catalog, item: Item, lang: str) -> Iterator[dict[str, str]]:
    """An entry's rows of the CSV file in `lang`: one per variant (one without variant columns if none)."""
    record = item.record
    entry = {
        "entry_id": item.id,
        "name": record["name"].get(lang, ""),
        "kind": record["kind"],
        "section": record["section"],
        "section_title": section_path(catalog, record["section"], lang),
        "year": _cell(record["year"]),
        "developers": LIST_SEPARATOR.join(developers_in(item, lang)),
        "licenses": LIST_SEPARATOR.join(license_texts(item, lang)),
        "commercial": "/".join(dict.fromkeys(record["commercial"])),
        "hf": "yes" if record["hf"] else "no",
        "url": url_in(item, lang),
    }
    if not item.variants:
        yield {**entry, **dict.fromkeys(VARIANT_COLUMNS, "")}
    for variant in item.variants:
        yield (
            {
                **entry,
                "variant_index": _cell(variant["index"]),
                "variant_label": label_in(item, variant, lang),
                "repo": _cell(variant["repo"]),
                "size": _cell(variant["size"]),
                "params": _cell(count(variant["params"])),
                "active": _cell(count(variant["active"])),
                "context": _cell(variant["context"]),
                "variant_license": _cell(variant["license"]),
                "variant_commercial": _cell(variant["commercial"]),
            }
        )


def _defused(row: dict[str, str]) -> dict[str, str]:
    """A row Excel opens without running any cell as a formula."""
    return {k: "'" + v if k not in NUMBERS and v.startswith(FORMULA_START) else v for k, v in row.items()}


def csv_pieces(
    catalog: Catalog, records: Selection = None, lang: str | None = None, excel: bool = False, kept: Kept | None = None
) -> Iterator[str]:
    """The CSV file's text, an entry's rows at a time (every row's text at once took ~40 MB at 10k entries).
    `kept`: what a process that builds again keeps (memo.Kept): an entry's text made from the same record and
    entry is taken back."""
    lang = language(catalog, lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n" if excel else "\n")

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def entry_text(item: Item) -> str:
        for row in item_rows(catalog, item, lang):
            writer.writerow(_defused(row) if excel else row)
        return taken()

    if excel:
        buffer.write("\ufeff")
    writer.writeheader()
    yield taken()
    for item in select_items(catalog, records):
        yield per_entry(kept, ("csv", lang, excel, item.id), item, partial(entry_text, item))


def write_csv(
    catalog: Catalog,
    path: Path,
    records: Selection = None,
    lang: str | None = None,
    excel: bool = False,
    kept: Kept | None = None,
) -> Path:
    """Write the CSV file (atomically) in `lang` (default: the catalog's main language); `records`: the search
    records or query matches to export (default: every entry); `kept`: see csv_pieces. Raises OutputError when
    it cannot be written."""
    path = Path(path)
    atomic_write(path, csv_pieces(catalog, records, lang, excel, kept))
    return path
