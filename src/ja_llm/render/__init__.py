"""Renderers: outputs generated from a loaded catalog (they never re-read the data files)."""

from .markdown import list_path, render_markdown

__all__ = ["render_markdown", "list_path"]
