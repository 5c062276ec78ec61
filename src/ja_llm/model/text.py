"""Catalog texts: picking a language's text, and the normalisation of texts for search (shared by the CLI,
the Python API and the website's index).

NFKC folds full-width Latin and digits to ASCII and half-width katakana to full-width; letters are
lower-cased; runs of white space become one space. Matching is by substring, which works for Japanese
(no word boundaries needed). The website's script does exactly the same (`normalize` in app.js:
String.prototype.normalize("NFKC"), toLowerCase, spaces), so both find the same entries.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """`ＳＢ Intuitions` -> `sb intuitions`, `ｶﾀｶﾅ` -> `カタカナ`."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def text_in(value: Any, lang: str, fallback: str = "ja") -> str:
    """The text of a catalog text in one language (falling back to `fallback`, then any language)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get(fallback) or next(iter(value.values()), "")
