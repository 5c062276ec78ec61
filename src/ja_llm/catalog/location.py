"""Where the shipped catalog is: `catalog/` at the repository root in a source checkout (and an editable
install), `ja_llm/_catalog/` inside an installed wheel (hatch force-includes it there)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def shipped_catalog() -> Path:
    """The catalog folder shipped with ja-llm."""
    bundled = _PACKAGE / "_catalog"
    if (bundled / "catalog.toml").is_file():
        return bundled
    return _PACKAGE.parent.parent / "catalog"
