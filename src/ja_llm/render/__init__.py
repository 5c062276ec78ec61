"""Stage 4 of the pipeline, the Markdown renderer: the awesome-list README of each language from a loaded
catalog (`markdown`, with the cell formats in `cells` and the page in `list.md.j2`), and the committed lists
under `list/` with the check that they are current (`lists`). It never re-reads the data files."""

from .markdown import list_path, render_markdown

__all__ = ["list_path", "render_markdown"]
