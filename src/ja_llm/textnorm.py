"""Text normalisation for search, shared by the CLI, the Python API and the website's index.

NFKC folds full-width Latin and digits to ASCII and half-width katakana to full-width; case is folded;
runs of white space become one space. Matching is by substring, which works for Japanese (no word
boundaries needed).
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """`ＳＢ Intuitions` -> `sb intuitions`, `ｶﾀｶﾅ` -> `カタカナ`."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
