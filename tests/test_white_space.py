"""White space in texts: model.text.normalize (search) and model.inline.plain (titles, descriptions) make
each run of white space one space and strip the ends — the rule as a regular expression (`\\s+` -> " ",
then strip), which the site's script states the same way. They split on str.isspace instead (~3x faster):
hypothesis compares both on texts full of every kind of white space Python knows."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ja_llm.model.inline import plain
from ja_llm.model.text import normalize

RUNS = re.compile(r"\s+")
SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if RUNS.fullmatch(c))
TEXT = st.lists(st.sampled_from([*SPACES, "a", "Ａ", "ｶ", "東北大", "Swallow", "8B"]), max_size=30).map("".join)


def test_every_white_space_character_is_one() -> None:
    assert len(SPACES) >= 25  # tab, line breaks, the separators, no-break and ideographic spaces…
    assert normalize(SPACES) == "" == plain(SPACES)


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_the_same_as_the_rule_as_a_regular_expression(text: str) -> None:
    assert normalize(text) == RUNS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
    assert plain(text) == RUNS.sub(" ", text).strip()  # (with a line break: through the parser, the same)
