"""Stage 4 of the pipeline, the website: static pages per language and entry, the entries data and the
filter spec the browser evaluates (`build`, `html`, `i18n`, `templates/`, `assets/`), the build of the whole
folder, from scratch or updating the last one (`pipeline`), the stamp that says whether a built site is
current (`stamp`), the build folder kept current for `ja-llm build` and `ja-llm serve` (`outputs`), the
watch of the catalog's files (`watch`) and the preview server (`serve`).

`build_site` is imported on first use: `ja-llm build` with nothing to do and `ja-llm serve` read only the
stamp, without loading the site's code (Jinja, the catalog's models)."""

from __future__ import annotations

from typing import Any

__all__ = ["build_site"]


def __getattr__(name: str) -> Any:
    if name == "build_site":
        from .pipeline import build_site

        return build_site
    raise AttributeError(name)
