"""Generated files that are committed (the Markdown lists): what they should contain, which are stale."""

from __future__ import annotations

from pathlib import Path

from ..catalog.core import Catalog
from ..files import write_together
from .markdown import list_path, render_markdown


def expected_files(catalog: Catalog, lists: Path) -> dict[Path, str]:
    """Every committed generated file under `lists` and the text it must have."""
    languages = list(catalog.info.languages)
    return {lists / list_path(lang, languages): render_markdown(catalog, lang) for lang in languages}


def stale_files(catalog: Catalog, lists: Path) -> list[tuple[Path, str]]:
    """(file, reason) for every generated file that is missing or differs from what the catalog renders."""
    stale: list[tuple[Path, str]] = []
    for path, text in expected_files(catalog, lists).items():
        if not path.is_file():
            stale.append((path, "missing"))
        elif path.read_text(encoding="utf-8") != text:
            current = path.read_text(encoding="utf-8").splitlines()
            wanted = text.splitlines()
            first_difference = (i + 1 for i, (a, b) in enumerate(zip(current, wanted, strict=False)) if a != b)
            line = next(first_difference, min(len(current), len(wanted)) + 1)
            stale.append((path, f"differs from the catalog from line {line} on"))
    return stale


JOURNAL = ".ja-llm-update"


def write_files(catalog: Catalog, lists: Path) -> list[Path]:
    """Write the lists of every language as one change (files.write_together): an interrupted update is
    finished by the next one, so the languages never stay in two different states."""
    files = expected_files(catalog, lists)
    write_together(files, lists / JOURNAL)
    return list(files)
