"""Text normalisation for search, shared by the CLI, the Python API and the website's index.

NFKC folds full-width Latin and digits to ASCII and half-width katakana to full-width; letters are
lower-cased; runs of white space become one space. Matching is by substring, which works for Japanese
(no word boundaries needed). The website's script does exactly the same (`normalize` in app.js:
String.prototype.normalize("NFKC"), toLowerCase, spaces), so both find the same entries.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """`ＳＢ Intuitions` -> `sb intuitions`, `ｶﾀｶﾅ` -> `カタカナ`."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
