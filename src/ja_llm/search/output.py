"""Printing query results: a table (rich on a terminal, plain aligned text in a pipe), JSON, CSV or ids.

Kept light: rich is imported only when a table goes to a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from ..model.text import text_in
from ..model.units import params_range
from .query import Match

FORMATS = ("table", "json", "csv", "ids")
COLUMNS = ("id", "name", "year", "developer", "params", "commercial", "repos")


def row_of(match: Match, lang: str) -> dict[str, str]:
    record = match.record
    sizes = params_range(v["params"] for v in (match.variants or record["variants"]))
    return {
        "id": record["id"],
        "name": text_in(record["name"], lang),
        "year": str(record["year"] or ""),
        "developer": ", ".join(text_in(d["name"], lang) for d in record["developers"]),
        "params": sizes,
        "commercial": "/".join(dict.fromkeys(record["commercial"])),
        "repos": " ".join(record["repos"]),
    }


def _short_repos(repos: str) -> str:
    items = repos.split()
    return f"{items[0]} (+{len(items) - 1})" if len(items) > 1 else (items[0] if items else "")


# search machinery, not part of the JSON output
INTERNAL = ("norm", "order", "bounds", "commercial_stated")


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record as programs get it from --json (without the fields only the query engine reads)."""
    out = {k: v for k, v in record.items() if k not in INTERNAL}
    if "variants" in out:
        out["variants"] = [{k: v for k, v in variant.items() if k not in INTERNAL} for variant in out["variants"]]
    return out


def json_of(match: Match) -> dict[str, Any]:
    record = public(match.record)
    record["matching_variants"] = [
        i for i, v in enumerate(match.record["variants"]) if any(v is m for m in match.variants)
    ]
    return record


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def plain_table(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """Columns aligned by display width (Japanese characters count double)."""
    widths = {c: max([width(c)] + [width(r[c]) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    for row in rows:
        lines.append("  ".join(row[c] + " " * (widths[c] - width(row[c])) for c in columns).rstrip())
    return "\n".join(lines)


def emit(matches: list[Match], fmt: str | None, lang: str, write: Callable[[str], Any] | None = None) -> None:
    write = write or sys.stdout.write
    if fmt == "json":
        write(json.dumps([json_of(m) for m in matches], ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "ids":
        write("".join(m.record["id"] + "\n" for m in matches))
        return
    rows = [row_of(m, lang) for m in matches]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write(buffer.getvalue())
        return
    if sys.stdout.isatty():
        _rich_table(rows)
        return
    shown = [{**row, "repos": _short_repos(row["repos"])} for row in rows]
    write(plain_table(shown, COLUMNS) + f"\n{len(rows)} entries\n")


def _rich_table(rows: list[dict[str, str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(header_style="bold", expand=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold", style={"name": "bold", "repos": "cyan", "id": "dim"}.get(column))
    for row in rows:
        table.add_row(*(_short_repos(row[c]) if c == "repos" else row[c] for c in COLUMNS))
    console.print(table)
    console.print(f"{len(rows)} entries")
