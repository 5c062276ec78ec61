"""Generated files that are committed (the Markdown lists and the chart they show): what they should contain,
which are stale.

The lists show the parameter-size chart (`figures/parameters-<lang>.svg` beside them, drawn by render.chart).
A chart is current when it was drawn from the current data: its inputs key (render.chart.chart_key) is
compared, not its bytes, which another version of matplotlib draws slightly differently.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.core import Catalog
from ..files import write_together
from ..memo import Kept
from ..model.text import hub_url
from .markdown import list_path, render_markdown

if TYPE_CHECKING:
    from .chart import Charts

FIGURES = "figures"


def _figure(lang: str) -> str:
    return f"{FIGURES}/parameters-{lang}.svg"


def expected_files(catalog: Catalog, lists: Path, charts: Charts | None = None) -> dict[Path, str]:
    """Every committed generated file under `lists` and the text it must have. `charts`: the catalog's
    charts if already drawn (the site build draws them once for both)."""
    return dict(_expected(catalog, lists, charts))


def _expected(catalog: Catalog, lists: Path, charts: Charts | None = None) -> Iterator[tuple[Path, str]]:
    """expected_files one file at a time (each text made when asked for: at 100k entries a language's list
    is ~40 MB of text, and the three together with what makes them were the build's peak of memory)."""
    if charts is None:
        from .chart import Charts  # matplotlib: only when the lists are written or checked

        charts = Charts(catalog)

    languages = list(catalog.info.languages)

    def href(entry_id: str, lang: str) -> str:
        """A point of a committed chart links to the model's Hugging Face page (or its own page)."""
        entry = catalog.entries[entry_id]
        repos = catalog.repos(entry)
        if repos:
            return hub_url(repos[0])
        url = entry.data.url
        return url if isinstance(url, str) else (url or {}).get(lang) or next(iter((url or {}).values()), "")

    yield from _markdown(catalog, lists)
    for lang in languages:
        yield lists / _figure(lang), charts.keyed_svg(lang, href)


def _same(path: Path, current: str, wanted: str) -> bool:
    if path.suffix == ".svg":
        from .chart import chart_key

        return chart_key(current) is not None and chart_key(current) == chart_key(wanted)
    return current == wanted


def stale_files(catalog: Catalog, lists: Path) -> list[tuple[Path, str]]:
    """(file, reason) for every generated file that is missing or differs from what the catalog renders."""
    stale: list[tuple[Path, str]] = []
    for path, text in expected_files(catalog, lists).items():
        if not path.is_file():
            stale.append((path, "missing"))
            continue
        current = path.read_text(encoding="utf-8")
        if _same(path, current, text):
            continue
        if path.suffix == ".svg":
            stale.append((path, "drawn from other data than the catalog's"))
            continue
        lines, wanted = current.splitlines(), text.splitlines()
        first_difference = (i + 1 for i, (a, b) in enumerate(zip(lines, wanted, strict=False)) if a != b)
        line = next(first_difference, min(len(lines), len(wanted)) + 1)
        stale.append((path, f"differs from the catalog from line {line} on"))
    return stale


JOURNAL = ".ja-llm-update"


def markdown_files(catalog: Catalog, lists: Path, kept: Kept | None = None) -> dict[Path, str]:
    """The Markdown lists alone (no chart drawn: their line names the chart's file). `kept`: what a process
    that builds again keeps (memo.Kept: the entries' rows)."""
    return dict(_markdown(catalog, lists, kept))


def _markdown(catalog: Catalog, lists: Path, kept: Kept | None = None) -> Iterator[tuple[Path, str]]:
    """markdown_files one language at a time."""
    from .chart_words import chart_line

    languages = list(catalog.info.languages)
    for lang in languages:
        here = posixpath.dirname(list_path(lang, languages))
        line = chart_line(lang, languages, posixpath.relpath(_figure(lang), here or "."), catalog.ui)
        yield lists / list_path(lang, languages), render_markdown(catalog, lang, chart=line, kept=kept)


def write_markdown(catalog: Catalog, lists: Path, kept: Kept | None = None) -> list[Path]:
    """Rewrite the Markdown lists that differ from what the catalog renders (together), keeping the charts:
    for a build whose chart did not change. Returns the files written (none: nothing is touched). One
    language at a time: its text made, compared with its file and, when it differs, written to its temporary
    file before the next is made (at 100k entries a language's list is ~40 MB)."""
    changed = (
        (path, text)
        for path, text in _markdown(catalog, lists, kept)
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    )
    return write_together(changed, lists / JOURNAL)


def write_files(catalog: Catalog, lists: Path, charts: Charts | None = None) -> list[Path]:
    """Write the lists of every language and their charts as one change (files.write_together): an
    interrupted update is finished by the next one, so the languages never stay in two different states."""
    return write_together(_expected(catalog, lists, charts), lists / JOURNAL)
