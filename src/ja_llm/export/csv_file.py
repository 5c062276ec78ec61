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
from pathlib import Path
from typing import Any

from ..catalog.core import Catalog
from ..files import atomic_write
from .items import (
    Item,
    Selection,
    count,
    developers_in,
    label_in,
    language,
    license_texts,
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


def rows(catalog: Catalog, items: list[Item], lang: str) -> Iterator[dict[str, str]]:
    """The rows of the CSV file in `lang`, as column -> text, one at a time."""
    for item in items:
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
    catalog: Catalog, records: Selection = None, lang: str | None = None, excel: bool = False
) -> Iterator[str]:
    """The CSV file's text, a row at a time (every row's text at once took ~40 MB at 10k entries)."""
    lang = language(catalog, lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n" if excel else "\n")
    if excel:
        buffer.write("\ufeff")
    writer.writeheader()
    for row in rows(catalog, select_items(catalog, records), lang):
        writer.writerow(_defused(row) if excel else row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()  # the header alone, when there is no row


def write_csv(
    catalog: Catalog, path: Path, records: Selection = None, lang: str | None = None, excel: bool = False
) -> Path:
    """Write the CSV file (atomically) in `lang` (default: the catalog's main language); `records`: the search
    records or query matches to export (default: every entry). Raises OutputError when it cannot be written."""
    path = Path(path)
    atomic_write(path, csv_pieces(catalog, records, lang, excel))
    return path
