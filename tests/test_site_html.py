"""The website's inline Markdown (site.html.inline): texts without Markdown take a shortcut around the parser;
the shortcut must give exactly what the parser gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ja_llm.site import html

# every kind of character the catalog's texts hold, and those inline Markdown reacts to
TEXT = st.text(
    alphabet=st.sampled_from(list("ab 日本語　\t\"'#:/.|=$%^{}()-+") + list("\\`*_[]!<>&~\n") + ["\u00a0", "é"]),
    max_size=30,
)


def parsed(text: str) -> str:
    """What the parser renders (the path inline takes for a text with markup)."""
    env = {"links": None}
    return "<br>".join(
        html._with_footnotes(part, None, lambda s: html._INLINE.renderInline(s, env)) for part in html._BR.split(text)
    )


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_the_shortcut_renders_what_the_parser_renders(text: str) -> None:
    assert str(html.inline(text)) == (parsed(text) if text else "")


def test_the_shortcut_is_taken_and_escapes_quotes() -> None:
    plain = 'Llama 3.1 "Swallow" 8B 日本語'
    assert html._PLAIN.fullmatch(plain)
    assert str(html.inline(plain)) == "Llama 3.1 &quot;Swallow&quot; 8B 日本語"
    assert not html._PLAIN.fullmatch("<script>")
    assert str(html.inline("<script>")) == "&lt;script&gt;"
    assert str(html.inline("[a](javascript:alert(1))")) == "[a](javascript:alert(1))"  # parser: unsafe link
