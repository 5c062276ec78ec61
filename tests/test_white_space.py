"""White space in texts: model.text.normalize (search) and model.inline.plain (titles, descriptions) make
each run of white space one space and strip the ends — the rule as a regular expression (`\\s+` -> " ",
then strip). They split on str.isspace instead (~3x faster): hypothesis compares both on texts full of every
kind of white space Python knows. The site's script makes its patterns from model.text.white_space_class (the
query spec exports it): checked here against every code point."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ja_llm.model.inline import plain
from ja_llm.model.text import normalize, white_space_class

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


def test_the_class_the_site_is_given_is_every_white_space_character_and_no_other() -> None:
    """white_space_class looks at the Basic Multilingual Plane only: a white-space character added above it by
    a later Unicode would fail this test."""
    given = re.compile(f"[{white_space_class()}]")
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if given.fullmatch(c)) == SPACES
    assert all(ord(c) < 0x10000 for c in SPACES)
    assert "\ufeff" not in SPACES  # where JavaScript's \s differs
    assert "\x85" in SPACES
