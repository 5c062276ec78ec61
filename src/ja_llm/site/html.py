"""Catalog texts (a small inline Markdown) to safe HTML for the website.

Raw HTML in catalog texts is never passed through: the Markdown parser runs with HTML off (so `<script>`
comes out as text), `<br>` line breaks are recognised before parsing, link targets are limited to
http(s), mailto, relative paths and anchors, and footnote references become links to the page's notes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..model.inline import BR
from ..model.inline import plain as inline_plain

_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_SAFE_URL = re.compile(r"^(https?://|mailto:|#|/|\./|\.\./|[^:/?#]+(/|$))", re.IGNORECASE)
# A text without any character inline Markdown reacts to renders as itself, `"` escaped: such texts (most
# of the catalog's) skip the parser, which spent a third of the site build's time on them. A test compares
# the shortcut with the parser on generated texts.
_PLAIN = re.compile(r"[^\\`*_\[\]!<>&~\n\r\x00]*")
_MARK = "\ue000{}\ue001"
_MARKED = re.compile("\ue000(\\d+)\ue001")


def safe_url(url: str) -> bool:
    """Only web links, mail links, relative paths and anchors (no javascript:, data:, vbscript:, file:)."""
    url = url.strip()
    compact = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    if compact.startswith(("javascript:", "vbscript:", "data:", "file:")):
        return False
    return bool(_SAFE_URL.match(url))


def _parser(block: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["strikethrough", "table"] if block else ["strikethrough"])
    md.validateLink = safe_url  # type: ignore[method-assign]

    def link_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if href.startswith("#") and env.get("links") is not None:
            # an anchor of the list (`#llm-jp-eval`) is an entry's page on the site
            target = env["links"](href[1:])
            if target is not None:
                token.attrSet("href", target)
        if href.startswith(("http://", "https://")):
            token.attrSet("rel", "noopener noreferrer")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_INLINE = _parser(block=False)
_BLOCK = _parser(block=True)


class FootnoteRefs:
    """Numbers the footnotes a page references, in order of first use."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def number(self, ref: str) -> int:
        if ref not in self.order:
            self.order.append(ref)
        return self.order.index(ref) + 1


LinkMap = Callable[[str], "str | None"]  # anchor (without #) -> the URL of the page that has it


def _with_footnotes(text: str, notes: FootnoteRefs | None, render: Callable[[str], str]) -> str:
    refs: list[str] = []

    def mark(match: re.Match[str]) -> str:
        refs.append(match.group(1))
        return _MARK.format(len(refs) - 1)

    rendered = render(_FOOTNOTE.sub(mark, text))

    def unmark(match: re.Match[str]) -> str:
        ref = refs[int(match.group(1))]
        if notes is None:
            return ""
        number = notes.number(ref)
        return f'<sup class="note-ref"><a href="#note-{number}">{number}</a></sup>'

    return _MARKED.sub(unmark, rendered)


@lru_cache(maxsize=1 << 14)
def _inline_html(text: str, links: LinkMap | None) -> str:
    """One line of inline Markdown (footnote references already marked) as HTML: the same text and link map
    give the same HTML, and a site shows most texts on several pages (measured at 531 entries: 7,020 renders
    of 1,762 texts). Bounded, and emptied by forget_inline."""
    return str(_INLINE.renderInline(text, {"links": links}))


def forget_inline() -> None:
    """Drop the remembered inline renders: each holds its link map, and through it the anchors of the build
    that made it (a long-running process, `serve`, builds again and again: the builder calls this)."""
    _inline_html.cache_clear()


def inline(text: str | None, notes: FootnoteRefs | None = None, links: LinkMap | None = None) -> Markup:
    """One catalog text as inline HTML (`<br>` kept as line breaks, links checked, everything else escaped).
    `links`: give the same function for the same targets (its renders are remembered by it)."""
    if not text:
        return Markup("")
    parts = [
        part.replace('"', "&quot;")
        if _PLAIN.fullmatch(part)
        else _with_footnotes(part, notes, lambda s: _inline_html(s, links))
        for part in BR.split(text)
    ]
    return Markup("<br>".join(parts))


def block(text: str | None, notes: FootnoteRefs | None = None, links: LinkMap | None = None) -> Markup:
    """A longer catalog text (preamble, section intro) as block HTML, with the same safety rules."""
    if not text:
        return Markup("")
    text = BR.sub("  \n", text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)  # comments are the list's, not the reader's
    env = {"links": links}
    return Markup(_alerts(_with_footnotes(text, notes, lambda s: _BLOCK.render(s, env))))


# GitHub's alert blockquotes (`> [!WARNING]`), which the list uses: a note with its title, not the raw mark
_ALERT = re.compile(r"<blockquote>\s*<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*(?:<br\s*/?>)?\s*", re.I)


def _alerts(html: str) -> str:
    def note(match: re.Match[str]) -> str:
        kind = match.group(1).lower()
        return f'<blockquote class="note note-{kind}" role="note"><p>'

    return _ALERT.sub(note, html)


def plain(text: str | None) -> str:
    """Text without markup, for titles and meta descriptions (escaped by the template)."""
    return inline_plain(text or "")
