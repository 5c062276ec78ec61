"""Stage 4 of the pipeline, the Markdown renderer: the awesome-list README of each language from a loaded
catalog (`markdown`, with the cell formats in `cells` and the page in `list.md.j2`), and the committed lists
under `list/` with the check that they are current (`lists`). It never re-reads the data files.

The names below are imported on first use: the chart's drawing process (`python -m
ja_llm.render.chart_draw`) imports this package without the catalog's models."""

from __future__ import annotations

from typing import Any

__all__ = ["list_path", "render_markdown"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import markdown

        return getattr(markdown, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
