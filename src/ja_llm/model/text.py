"""Catalog texts: picking a language's text, and the normalisation of texts for search (shared by the CLI,
the Python API and the website's index).

NFKC folds full-width Latin and digits to ASCII and half-width katakana to full-width; letters are
lower-cased; runs of white space become one space. Matching is by substring, which works for Japanese
(no word boundaries needed). The website's script does exactly the same (`normalize` in app.js:
String.prototype.normalize("NFKC"), toLowerCase, spaces), so both find the same entries.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping


def collapse_space(text: str) -> str:
    """Each run of white space as one space, none at the ends. split() and a regular expression's `\\s` agree on
    what is white space (str.isspace): the same result as replacing each run of `\\s+` with a space and
    stripping, ~3x faster (records normalise ~18 texts an entry; the pages' plain texts go through it too)."""
    return " ".join(text.split())


@functools.cache
def white_space_class() -> str:
    """What collapse_space takes for white space (str.isspace), as the inside of a regular expression's
    character class, each character a `\\uXXXX` escape and runs as ranges: `\\u0009-\\u000d…\\u3000`. The
    website's script builds its white-space patterns from it (the query spec exports it, search.query.spec):
    JavaScript's `\\s` is another set (no U+001C–U+001F or U+0085, and U+FEFF). Every such character is in the
    Basic Multilingual Plane, which is all this looks at (~3 ms; tests/test_white_space checks the rest)."""
    codes = [code for code in range(0x10000) if chr(code).isspace()]
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else "") for first, last in runs)


def normalize(text: str) -> str:
    """`ＳＢ Intuitions` -> `sb intuitions`, `ｶﾀｶﾅ` -> `カタカナ`."""
    return collapse_space(unicodedata.normalize("NFKC", text).lower())


def text_in(value: str | Mapping[str, str] | None, lang: str) -> str:
    """A catalog text in one language: a plain string is the same in every language; a table of languages
    gives `lang`'s text, else the first non-empty one (tables are written in the catalog's language order,
    so that is the catalog's main language). This is the one place that picks a language's text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or next((text for text in value.values() if text), "")


HUB = "https://huggingface.co"


def hub_url(repo: str) -> str:
    """The Hugging Face Hub page of a model repo (`owner/name`)."""
    return f"{HUB}/{repo}"
