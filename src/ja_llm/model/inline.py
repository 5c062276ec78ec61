"""The small inline Markdown used inside catalog texts.

Catalog texts may hold links, bold, `<br>` line breaks and footnote references (`[^id]`). This module parses
them with the same CommonMark parser the importer uses, and offers the few operations the rest of the
package needs: plain text, the links of a text, footnote references, splitting at top-level separators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .text import collapse_space


def make_parser() -> MarkdownIt:
    """The Markdown parser shared by the importer and the inline helpers (CommonMark + GFM tables)."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(footnote_plugin)


_MD = make_parser()
# A label holds no bracket: `[^` runs then never make a match rescan the rest of the text (linear time).
_FOOTNOTE_REF = re.compile(r"\[\^([^\[\]\s]+)\]")
# a `<br>` line break as the catalog writes it (the site's HTML splits at it too: site.html)
BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A text without any of these characters has no inline markup: its plain form needs no parse.
_MARKUP = re.compile(r"[\\*_\[\]<>`&~!\n]")


@dataclass(frozen=True)
class Link:
    text: str  # the link's inline source text (may hold bold)
    url: str


@lru_cache(maxsize=8192)
def inline_tokens(text: str) -> tuple[Token, ...]:
    """The inline tokens of one line of inline Markdown (footnote refs are kept as text)."""
    env: dict = {}
    # A footnote reference needs a definition to be parsed as one; we want them as plain text anyway.
    tokens = _MD.parseInline(text, env)
    if not tokens:
        return ()
    return tuple(tokens[0].children or ())


def links(text: str) -> list[Link]:
    """Every link of an inline text, in order, with its source text and URL exactly as written.

    The source is scanned for `[text](url)` with balanced brackets so that the URL is kept byte for byte
    (markdown-it percent-encodes hrefs); the CommonMark parser confirms the count, and a text whose
    scan disagrees with the parser is treated as having no well-formed links.
    """
    if "[" not in text:
        return []
    found = scan_links(text)
    parsed = sum(1 for token in inline_tokens(text) if token.type == "link_open")
    return found if len(found) == parsed else []


def scan_links(text: str) -> list[Link]:
    """`[text](url)` links with balanced brackets, in one pass over the text (brackets are paired first with
    a stack, so an unclosed `[` costs no rescan: linear in the text's length). Only the characters that
    matter (backslash escapes, brackets, parentheses) are visited, found by a regular expression: most
    texts are long runs of plain words, which a loop over each character in Python spent most of its time
    on (the checks of every load scan every text holding a bracket)."""
    if "[" not in text:
        return []
    brackets, parens = _pairs(text)
    result: list[Link] = []
    search = _LINK_START.search
    position = 0
    while (found := search(text, position)) is not None:
        i = found.start()
        if text[i] == "[" and (i == 0 or text[i - 1] != "!") and not text.startswith("[^", i):
            close = brackets.get(i, -1)
            end = parens.get(close + 1, -1) if close != -1 else -1
            if end != -1:
                url = text[close + 2 : end].strip()
                if " " in url:  # a title: [t](url "title")
                    url = url.split(" ", 1)[0]
                result.append(Link(text[i + 1 : close], url))
                position = end + 1
                continue
        position = found.end()  # past the `[`, or past a backslash and the character it escapes
    return result


# A backslash and the character it escapes (any, a line break included; none at the end), or a bracket
_LINK_START = re.compile(r"\\[\s\S]?|\[")
# ... or a parenthesis
_PAIRED = re.compile(r"\\[\s\S]?|[\[\]()]")


def _pairs(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """For the brackets and for the parentheses: the position of the closing character that balances each
    opening one (backslash escapes skipped); an opening character that is never closed has no entry."""
    brackets: dict[int, int] = {}
    parens: dict[int, int] = {}
    open_brackets: list[int] = []
    open_parens: list[int] = []
    for found in _PAIRED.finditer(text):
        char = found.group()
        i = found.start()
        if char == "[":
            open_brackets.append(i)
        elif char == "]":
            if open_brackets:
                brackets[open_brackets.pop()] = i
        elif char == "(":
            open_parens.append(i)
        elif char == ")" and open_parens:
            parens[open_parens.pop()] = i
    return brackets, parens


# The plain forms of texts with markup, once computed (or read back: `remember_plain`): the records, the pages
# and every export ask for the same texts, and a build keeps them for the next one (site.build_cache), so
# that an update parses only texts it has not seen. Bounded (a 100k-entry catalog has more texts than this).
_PLAIN_KNOWN: dict[str, str] = {}
PLAIN_KNOWN_MAX = 1 << 16


def plain(text: str) -> str:
    """The text a reader sees: no bold, links as their text, `<br>` and runs of spaces as one space."""
    if not _MARKUP.search(text):
        return collapse_space(text)
    known = _PLAIN_KNOWN.get(text)
    if known is None:
        known = _plain(text)
        if len(_PLAIN_KNOWN) < PLAIN_KNOWN_MAX:
            _PLAIN_KNOWN[text] = known
    return known


def known_plain() -> dict[str, str]:
    """The plain forms computed or remembered in this process (text -> plain form; do not change it)."""
    return _PLAIN_KNOWN


def remember_plain(known: dict[str, str]) -> None:
    """Take plain forms computed before by this code (as `known_plain` gave them), up to the bound."""
    for text, value in known.items():
        if len(_PLAIN_KNOWN) >= PLAIN_KNOWN_MAX:
            break
        _PLAIN_KNOWN.setdefault(text, value)


def _plain(text: str) -> str:
    out: list[str] = []
    for token in inline_tokens(text):
        if token.type == "text" or token.type == "code_inline":
            out.append(token.content)
        elif token.type == "html_inline":
            out.append(" " if BR.fullmatch(token.content.strip()) else "")
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return collapse_space(_FOOTNOTE_REF.sub("", "".join(out)))


def footnote_refs(text: str) -> list[str]:
    """The footnote ids referenced by `[^id]` in a text, in order (duplicates kept once)."""
    seen: list[str] = []
    for match in _FOOTNOTE_REF.finditer(text):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def trailing_footnote(text: str) -> tuple[str, str] | None:
    """(`text` before it, label) when `text` ends with a footnote reference `[^label]`, else None. Read
    from the end without a regular expression: an anchored-at-end search would try every start position."""
    if not text.endswith("]"):
        return None
    start = text.rfind("[^")
    label = text[start + 2 : -1] if start != -1 else ""
    if not label or any(char in label for char in "[]") or any(char.isspace() for char in label):
        return None
    return text[:start], label


def strip_trailing_footnotes(text: str) -> tuple[str, list[str]]:
    """Split `Foo[^1][^2]` into (`Foo`, [`1`, `2`]); texts without trailing refs are returned as they are."""
    refs: list[str] = []
    rest = text.rstrip()
    while (found := trailing_footnote(rest)) is not None:
        rest, label = found[0].rstrip(), found[1]
        refs.insert(0, label)
    return rest, refs


def split_br(text: str) -> list[str]:
    """Split a text at its `<br>` line breaks."""
    return [part.strip() for part in BR.split(text)]


def split_top_level(text: str, separator: str) -> list[str]:
    """Split at `separator` where it is outside brackets and parentheses (so links and notes stay whole)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]" and depth > 0:
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def normalize_for_compare(text: str) -> str:
    """Text with bold, `<br>` and spacing differences removed, for information-equality checks."""
    text = text.replace("**", "")
    text = BR.sub(" ", text)
    return collapse_space(text)


def is_single_link(text: str) -> Link | None:
    """The link when the whole text is exactly one Markdown link, else None."""
    stripped = text.strip()
    found = links(stripped)
    if len(found) != 1:
        return None
    link = found[0]
    if stripped == f"[{link.text}]({link.url})":
        return link
    return None
