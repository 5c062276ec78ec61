"""Turn one table cell (inline Markdown, one language) into catalog fields.

Each column kind has a parser. A parser never drops text: what it cannot structure stays as text in the
field it belongs to (an architecture text, a free-text license, an organization named by the whole cell).
Structure that depends on the language-neutral facts (URLs, sizes, years, repo ids) is taken from the
Japanese cell; texts are kept per language by the builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model.inline import (
    Link,
    is_single_link,
    links,
    split_br,
    split_top_level,
    strip_trailing_footnotes,
    trailing_footnote,
)
from ..model.sizes import looks_like_size
from ..model.text import hub_url
from ..model.vocab import HF_MARKS

_HF_MODEL = re.compile(r"^https://huggingface\.co/([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)/?$")
_HF_NOT_MODELS = {"datasets", "spaces", "collections", "docs", "blog", "papers", "organizations", "models"}
_ANCHOR_PREFIX = re.compile(r'^\s*<a\s+id="([^"]+)"\s*>\s*</a>\s*', re.IGNORECASE)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LEADING_SIZE = re.compile(r"^(\d+(?:\.\d+)?[kmbtKMBT](?:\s*\(\d+(?:\.\d+)?[kmbtKMBT]\))?)(?=$|[-_ ])")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,])")


def hf_repo(url: str) -> str | None:
    """The model repo id of a Hugging Face model URL (`https://huggingface.co/owner/name`), else None."""
    match = _HF_MODEL.match(url)
    if not match or match.group(1) in _HF_NOT_MODELS:
        return None
    return f"{match.group(1)}/{match.group(2)}"


@dataclass
class ParsedVariant:
    label: str | None
    size: str | None
    repo: str | None
    url: str | None


def bold_size_in(cell: str) -> str | None:
    """The first bold size of a cell (`Llama 3.3 (**70b**)` -> `70b`), None when there is none."""
    for bold in _BOLD.findall(cell):
        if looks_like_size(bold):
            return bold.strip()
    return None


def target_of(variant: ParsedVariant) -> str | None:
    """Where a variant links to: its own URL or its Hugging Face repo page."""
    return variant.url or (hub_url(variant.repo) if variant.repo else None)


def variant_from_link(link: Link) -> ParsedVariant:
    label = link.text.strip()  # as written, bold included: the size below is the fact
    size = None
    for bold in _BOLD.findall(link.text):
        if looks_like_size(bold):
            size = bold.strip()
            break
    if size is None:
        match = _LEADING_SIZE.match(label)
        if match and looks_like_size(match.group(1)):
            size = match.group(1)
    repo = hf_repo(link.url)
    url = None if repo and link.url == hub_url(repo) else link.url
    return ParsedVariant(label=label or None, size=size, repo=repo, url=url)


@dataclass
class VariantCell:
    text: str | None  # the cell's own text before the variants
    variants: list[ParsedVariant]
    footnotes: list[str]
    style: str  # parens | lines | link


def split_variants(cell: str) -> VariantCell | None:
    """`TEXT<br>([a](u), [b](u))`, `TEXT ([a](u))` or `[a](u)<br>[b](u)`: the variant links of a cell."""
    body, notes = strip_trailing_footnotes(cell)
    lines = [line for line in split_br(body) if line]
    if len(lines) >= 2 and all(is_single_link(line) for line in lines):
        variants = [variant_from_link(is_single_link(line)) for line in lines]  # type: ignore[arg-type]
        return VariantCell(None, variants, notes, "lines")
    if not body.endswith(")"):
        return None
    # find the parenthesis that opens the final group
    depth = 0
    start = None
    for index in range(len(body) - 1, -1, -1):
        char = body[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                start = index
                break
    if start is None:
        return None
    inner = body[start + 1 : -1]
    items = [item.strip() for item in split_top_level(inner, ",")]
    found = [is_single_link(item) for item in items]
    if not items or not all(found):
        return None
    prefix = re.sub(r"(\s|<br\s*/?>)+$", "", body[:start], flags=re.IGNORECASE)
    if body[start - 1 : start] == "]" and trailing_footnote(body[:start]) is None:
        return None  # `[text](…)`: the parentheses are a link's target, not a variant list
    return VariantCell(prefix or None, [variant_from_link(link) for link in found], notes, "parens")  # type: ignore[arg-type]


@dataclass
class NameCell:
    name: str
    url: str | None = None
    anchor: str | None = None
    footnotes: list[str] = field(default_factory=list)
    variants: VariantCell | None = None


def parse_name(cell: str) -> NameCell:
    anchor = None
    match = _ANCHOR_PREFIX.match(cell)
    if match:
        anchor = match.group(1)
        cell = cell[match.end() :]
    cell = cell.strip()
    variants = split_variants(cell)
    if variants is not None and variants.style == "lines":
        first = variants.variants[0]
        return NameCell(first.label or "", None, anchor, variants.footnotes, variants)
    head = variants.text if variants is not None else cell
    notes = list(variants.footnotes) if variants is not None else []
    head, head_notes = strip_trailing_footnotes(head or "")
    link = is_single_link(head)
    if link is not None:
        return NameCell(link.text, link.url, anchor, head_notes + notes, variants)
    if variants is not None:
        # the text before the variants is not a single link: keep the whole cell as the name
        cell_body, cell_notes = strip_trailing_footnotes(cell)
        return NameCell(cell_body, None, anchor, cell_notes)
    return NameCell(head, None, anchor, head_notes)


def parse_year(cell: str) -> int | None:
    text = cell.replace("**", "").strip()
    return int(text) if re.fullmatch(r"(19|20)\d\d", text) else None


def parse_context(cell: str) -> tuple[int | None, bool]:
    """(context length, exact): exact when the cell is one number; else the largest number in it."""
    text = cell.replace("**", "").strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", text):
        return int(text.replace(",", "")), True
    numbers = [int(n.replace(",", "")) for n in _NUMBER.findall(re.sub(r"<[^>]+>", " ", text))]
    numbers = [n for n in numbers if n >= 128]
    return (max(numbers) if numbers else None), False


_OTHERS = {"base", "others", "other", "他", "その他", "ベース"}


def variant_contexts(cell: str, labels: list[str]) -> dict[int, int]:
    """Per-variant context lengths of a `context` cell that gives one per group of variants (lines
    `scope: number`, e.g. `7b, 13b: 4,096<br>70b: 8,192`), by variant position. A scope names variants by
    their label (`7b`, `v2-100m`) or by a word of it (`chat`, `instruct-nc`); `base`/`others` are the
    variants no other scope names. A cell that cannot be read that way (`4,096 or 8,192`, `2,400 ~ 8,192`)
    gives nothing: the entry keeps its one number."""
    lowered = [label.lower().replace("**", "") for label in labels]
    lines = [line.strip() for line in split_br(cell.replace("**", "")) if line.strip()]
    named: dict[int, int] = {}
    others: int | None = None
    for line in lines:
        scope, colon, number = line.rpartition(":")
        value = number.strip().replace(",", "")
        if not colon or not value.isdigit():
            return {}
        tokens = [token.strip().lower() for token in scope.split(",") if token.strip()]
        for token in tokens:
            if token in _OTHERS:
                others = int(value)
                continue
            exact = [i for i, label in enumerate(lowered) if label == token]
            words = [
                i
                for i, label in enumerate(lowered)
                if token in re.split(r"[-_ ]", label) or label.endswith("-" + token)
            ]
            matches = exact or words
            if not matches:
                return {}
            for i in matches:
                if i in named and named[i] != int(value):
                    return {}
                named[i] = int(value)
    if others is not None:
        for i in range(len(labels)):
            named.setdefault(i, others)
    return named


def split_developers(cell: str) -> list[str]:
    """The organization names of a developer cell: split at top-level commas."""
    cell = cell.strip()
    if not cell:
        return []
    return [part.strip() for part in split_top_level(cell, ", ") if part.strip()]


@dataclass
class LicensePiece:
    name: str
    scope: str | None = None
    note: str | None = None


_SCOPE = re.compile(r"^(?P<scope>(?:[^:：\[\]()]|\([^()]*\)){1,80}?)\s*[:：]\s*(?P<rest>.+)$")
_NOTE = re.compile(r"^(?P<name>.*?\S)\s*(?P<note>\((?:[^()]|\([^()]*\))*\))$")


def parse_licenses(cell: str) -> list[LicensePiece]:
    """Licenses of a cell: lines (`<br>`), each `scope: A & B (note)`; a line that is only `(…)` is a note."""
    pieces: list[LicensePiece] = []
    for line in split_br(cell):
        if not line:
            continue
        if line.startswith("(") and line.endswith(")") and pieces:
            last = pieces[-1]
            last.note = f"{last.note} {line}" if last.note else line
            continue
        scope = None
        match = _SCOPE.match(line)
        if match and not line.startswith("["):
            scope, line = match.group("scope").strip(), match.group("rest").strip()
        names = [name.strip() for name in split_top_level(line, " & ")]
        first = True
        for name in names:
            note = None
            note_match = _NOTE.match(name) if name.endswith(")") else None
            if note_match and not is_single_link(name):
                name, note = note_match.group("name"), note_match.group("note")
            pieces.append(LicensePiece(name=name, scope=scope if first else None, note=note))
            first = False
    return pieces


@dataclass
class HfCell:
    status: str | None
    note: str | None
    variants: VariantCell | None
    footnotes: list[str] = field(default_factory=list)


def parse_hf(cell: str) -> HfCell:
    body, notes = strip_trailing_footnotes(cell.strip())
    if not body:
        return HfCell(None, None, None, notes)
    if body in HF_MARKS:
        return HfCell(HF_MARKS[body], None, None, notes)
    link = is_single_link(body)
    if link is not None and link.text.strip() in HF_MARKS:
        variant = variant_from_link(link)
        variant.label = None
        return HfCell(HF_MARKS[link.text.strip()], None, VariantCell(None, [variant], [], "link"), notes)
    mark = body[0]
    if mark in HF_MARKS:
        variants = split_variants(body)
        if variants is not None and variants.text == mark and variants.style == "parens":
            variants.text = None
            return HfCell(HF_MARKS[mark], None, variants, notes)
    return HfCell(None, body, None, notes)


def links_of_row(cells: list[str]) -> set[str]:
    return {link.url for cell in cells for link in links(cell)}
