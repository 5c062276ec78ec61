"""The website's inline Markdown (site.html.inline): texts without Markdown take a shortcut around the parser;
the shortcut must give exactly what the parser gives."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ja_llm.api import Catalog
from ja_llm.site import html
from ja_llm.site.build import SiteBuilder

MINI = Path(__file__).parent / "data" / "mini-catalog"

# every kind of character the catalog's texts hold, and those inline Markdown reacts to
TEXT = st.text(
    alphabet=st.sampled_from(list("ab 日本語　\t\"'#:/.|=$%^{}()-+") + list("\\`*_[]!<>&~\n") + ["\u00a0", "é"]),
    max_size=30,
)


def parsed(text: str) -> str:
    """What the parser renders (the path inline takes for a text with markup)."""
    env = {"links": None}
    return "<br>".join(
        html._with_footnotes(part, None, lambda s: html._INLINE.renderInline(s, env)) for part in html.BR.split(text)
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


def test_remembered_renders_follow_the_link_map_and_the_notes_of_each_page() -> None:
    """inline's renders are remembered per text and link map: the same text under another link map (a page
    at another depth) gets that map's links, and each page numbers its own footnotes."""
    text = "[評価](#llm-jp-eval) と **太字**[^note]"

    def first(anchor: str) -> str | None:
        return "../eval/" if anchor == "llm-jp-eval" else None

    def second(anchor: str) -> str | None:
        return "../../eval/" if anchor == "llm-jp-eval" else None

    def parse(links: html.LinkMap) -> Callable[[str], str]:
        return lambda s: str(html._INLINE.renderInline(s, {"links": links}))

    for links in (first, second, first):
        expected = html._with_footnotes(text, html.FootnoteRefs(), parse(links))
        assert str(html.inline(text, html.FootnoteRefs(), links)) == expected
    assert 'href="../eval/"' in str(html.inline(text, None, first))
    assert 'href="../../eval/"' in str(html.inline(text, None, second))
    notes = html.FootnoteRefs()
    notes.number("other")
    assert '<a href="#note-2">2</a>' in str(html.inline(text, notes, first))  # this page's second note


def test_a_new_site_builder_lets_the_last_ones_link_maps_go() -> None:
    """A long-running process (`serve`) makes a builder per update: the remembered renders must not keep the
    link maps of the builders before (and, through them, their anchors) alive."""
    catalog = Catalog.load(MINI)
    builder = SiteBuilder(catalog)
    links = builder.links("ja", builder.context("ja", "models/x/y/", "", ""))
    assert links is builder.links("ja", builder.context("ja", "models/z/w/", "", ""))  # one map per depth
    html.inline("[a](#nowhere) **b**", None, links)
    gone = weakref.ref(links)
    del links, builder
    SiteBuilder(catalog)
    gc.collect()
    assert gone() is None
