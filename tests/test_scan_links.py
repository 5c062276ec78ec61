"""model.inline.scan_links finds exactly the links of a text that the plain reading of its rule finds: the
loop below, over every character, is that rule as first written (the module's version visits only the
characters that matter); hypothesis compares both on texts made of the characters that matter, words and
escapes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ja_llm.model.inline import Link, scan_links


def reference(text: str) -> list[Link]:
    """Every `[text](url)` with balanced brackets, scanning each character (backslash escapes skipped)."""

    def pairs(open_char: str, close_char: str) -> dict[int, int]:
        stack: list[int] = []
        found: dict[int, int] = {}
        i = 0
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == open_char:
                stack.append(i)
            elif text[i] == close_char and stack:
                found[stack.pop()] = i
            i += 1
        return found

    brackets, parens = pairs("[", "]"), pairs("(", ")")
    result: list[Link] = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "[" and (i == 0 or text[i - 1] != "!") and not text.startswith("[^", i):
            close = brackets.get(i, -1)
            end = parens.get(close + 1, -1) if close != -1 else -1
            if end != -1:
                url = text[close + 2 : end].strip()
                if " " in url:
                    url = url.split(" ", 1)[0]
                result.append(Link(text[i + 1 : close], url))
                i = end + 1
                continue
        i += 1
    return result


PIECES = st.sampled_from(["[", "]", "(", ")", "\\", "!", "^", " ", "\n", "a", "東北", "https://x.example/", '"t"'])
TEXT = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_the_same_links_as_the_rule_read_character_by_character(text: str) -> None:
    assert scan_links(text) == reference(text)


def test_links_escapes_and_images() -> None:
    text = r'[東北大](https://a.example/x "title") \[not](b) ![img](c.png) [^1] [a [b](d.example) \\[e](f.example)'
    assert scan_links(text) == [
        Link("東北大", "https://a.example/x"),
        Link("b", "d.example"),
        Link("e", "f.example"),  # the backslash is escaped, not the bracket
    ]
    assert scan_links(text) == reference(text)
    assert scan_links("no link here (none)") == [] == reference("no link here (none)")
    assert scan_links("ends with a backslash [x](y.example)\\") == [Link("x", "y.example")]
