"""Stage 4 of the pipeline, the website: static pages per language and entry, the entries data and the
filter spec the browser evaluates (`build`, `html`, `i18n`, `templates/`, `assets/`), the stamp that says
whether a built site is current (`stamp`), and the preview server (`serve`)."""

from .build import build_site

__all__ = ["build_site"]
