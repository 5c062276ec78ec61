"""The words drawn on the parameter-size chart, per language: data (`words/<lang>.toml` beside this module,
`chart_image_*` keys), which a catalog's own `ui/<lang>.toml` may replace. Kept apart from render.chart so
that the lists' Markdown and the incremental build can name the chart without importing matplotlib."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

WORDS_FOLDER = "words"  # beside this module: <lang>.toml, the words drawn on the chart ("chart_image_*" keys)
WORDS_PREFIX = "chart_image_"
WORD_KEYS = ("title", "note", "x", "y", "scratch", "open", "closed", "reference", "count")


@cache
def shipped_words() -> dict[str, dict[str, str]]:
    """Language -> the chart's words this package ships (`words/<lang>.toml`), without the key prefix."""
    found: dict[str, dict[str, str]] = {}
    for item in sorted(resources.files(__package__).joinpath(WORDS_FOLDER).iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            table = tomllib.loads(item.read_text(encoding="utf-8"))
            found[item.name.removesuffix(".toml")] = {
                key.removeprefix(WORDS_PREFIX): value for key, value in table.items() if key.startswith(WORDS_PREFIX)
            }
    return found


def chart_words(lang: str, languages: list[str], own: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, str]:
    """The chart's words in `lang`: a catalog's own (`own`, its ui/<lang>.toml: `chart_image_title`, ...) before
    the shipped ones; a word missing in `lang` comes from the catalog's languages in order, then from the
    shipped languages. No language is named here: adding one is a data change."""
    shipped = shipped_words()
    own = own or {}
    order = [lang, *languages, *shipped]
    chosen: dict[str, str] = {}
    for key in WORD_KEYS:
        for candidate in order:
            text = own.get(candidate, {}).get(WORDS_PREFIX + key) or shipped.get(candidate, {}).get(key)
            if text:
                chosen[key] = text
                break
        else:
            raise RuntimeError(f"no language has the chart's word {WORDS_PREFIX + key!r}")
    return chosen


def chart_line(lang: str, languages: list[str], path: str, own: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The Markdown line that shows the chart of `lang` (at `path`) in a list."""
    return f"![{chart_words(lang, languages, own)['title']}]({path})"
