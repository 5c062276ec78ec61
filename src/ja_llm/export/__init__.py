"""Stage 4 of the pipeline, export: the catalog as data files for programs, spreadsheets, SQL and language
models. Every export takes the search's records, so that it states the same facts as `ja-llm search`, and
takes the matches of a query instead of the whole catalog (every filter of `ja-llm search` honoured).

`write_all(catalog, folder)` writes, inside `folder` (which it does not replace: the site's staging folder):

    api/catalog.json, api/schema.json, api/entries/<id>.json   the JSON API (api_json; api/ is replaced whole)
    catalog.csv                                                one row per variant (csv_file)
    catalog.db, metadata.json                                  SQLite with FTS, for Datasette (sqlite_db)
    llms.txt, llms-full.txt, <lang>/llms.txt, …                for language models (llms_txt)

Each file is written atomically (a temporary file or folder, then a rename); a failure is an OutputError.
The SQLite export (sqlite_db) is imported only where it is written: sqlite-utils imports numpy when it is
installed (it is, for the chart), ~0.15 s that a process writing only the other exports does not wait for.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from ..catalog.core import Catalog
from ..memo import Kept
from .api_json import write_api
from .csv_file import write_csv
from .items import Item, Selection, select_items
from .llms_txt import write_llms

API_FOLDER = "api"
CSV_FILE = "catalog.csv"
DATABASE_FILE = "catalog.db"
METADATA_FILE = "metadata.json"

# (title, path from the folder's root, description) of the data files, listed by the llms.txt files
DATA_LINKS: tuple[tuple[str, str, str], ...] = (
    ("catalog.json", f"{API_FOLDER}/catalog.json", "every entry with its facts and the registries, as JSON"),
    ("schema.json", f"{API_FOLDER}/schema.json", "the JSON Schema of catalog.json and of api/entries/<id>.json"),
    (CSV_FILE, CSV_FILE, "one row per variant (UTF-8)"),
    (DATABASE_FILE, DATABASE_FILE, "SQLite database with full-text search (Datasette: metadata.json)"),
)


PARTS = ("api", "csv", "sqlite", "llms")  # what write_all writes (see above), by name


def write_all(
    catalog: Catalog,
    folder: Path,
    records: Selection = None,
    base_url: str = "",
    in_place: bool = False,
    parts: Collection[str] = PARTS,
    kept: Kept | None = None,
) -> list[Path]:
    """Write every export into `folder` (created if missing, never replaced itself): the JSON API under
    `api/`, catalog.csv (main language), catalog.db and its Datasette metadata.json, and the llms.txt files of
    every language. `records`: the search records or query matches to export (default: every entry).
    `base_url`: the site's root URL for the links of the llms.txt files ("" for relative links). `in_place`:
    the folder holds these exports already (an update of a built site): `api/` is updated file by file
    (write_api). `parts`: only these of PARTS (a build writes some in each of its two processes). `kept`: what
    a long-running process keeps between builds (memo.Kept). Returns the files written."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown exports: {', '.join(sorted(unknown))}")
    folder = Path(folder)
    items: list[Item] = select_items(catalog, records)  # the records are built once for every export
    written: list[Path] = []
    if "api" in parts:
        written += write_api(catalog, folder / API_FOLDER, items, in_place=in_place, kept=kept)
    if "csv" in parts:
        written.append(write_csv(catalog, folder / CSV_FILE, items, kept=kept))
    if "sqlite" in parts:
        from .sqlite_db import write_datasette_metadata, write_sqlite

        written.append(write_sqlite(catalog, folder / DATABASE_FILE, items, kept=kept))
        written.append(write_datasette_metadata(catalog, folder / METADATA_FILE, Path(DATABASE_FILE).stem))
    if "llms" in parts:
        written += write_llms(catalog, folder, None, items, base_url=base_url, data_links=DATA_LINKS, kept=kept)
    return written


__all__ = [
    "DATA_LINKS",
    "PARTS",
    "Item",
    "Selection",
    "select_items",
    "write_all",
    "write_api",
    "write_csv",
    "write_llms",
]
