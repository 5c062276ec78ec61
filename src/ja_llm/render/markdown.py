"""Render the awesome-list README of one language from a loaded catalog.

Output is deterministic: the same catalog gives the same bytes. Footnotes are numbered in order of first
use; footnotes of the catalog that nothing references are kept, numbered after the used ones.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..catalog.core import Catalog, LoadedEntry
from ..memo import Kept
from ..model.inline import plain
from ..model.schema import Section
from ..model.text import text_in
from .cells import CellRenderer, Localizer, block_safe, escape_cell, link_label, one_line, variant_url
from .jinja_env import DictEnvironment
from .template_cache import template_cache

# A footnote reference; `[^1]:` at the start of a line is a definition, elsewhere (`Instruction Tuning[^11]:`)
# it is a reference followed by a colon (told apart in _number_footnotes: a pattern with a look-behind first
# cannot be searched for by its literal start, and took 16 times as long over a list).
_FOOTNOTE_REF = re.compile(r"\[\^([^\[\]\s]+)\]")


def list_path(lang: str, languages: list[str]) -> str:
    """Where a language's list lives in a lists folder: the first language at README.md, others in LANG/."""
    return "README.md" if lang == languages[0] else f"{lang}/README.md"


@dataclass
class RenderedSection:
    id: str
    heading: str
    title: str
    blocks: list[str]


def _environment() -> Environment:
    return DictEnvironment(
        loader=PackageLoader("ja_llm", "render"),
        bytecode_cache=template_cache(),
        autoescape=False,  # Markdown out; catalog texts are Markdown already
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render_markdown(catalog: Catalog, lang: str, chart: str | None = None, kept: Kept | None = None) -> str:
    """The complete README for `lang` (a language of the catalog); `chart`: a Markdown line showing the
    parameter-size chart after the preamble (the committed lists give one: lists.py). `kept`: what a process
    that builds again keeps (memo.Kept): an entry's row or item is taken back when made from the same entry,
    section and registries (the cells read the organizations and licenses)."""
    t = Localizer(lang, fallback=catalog.info.languages[0])
    cells = CellRenderer(catalog, t)
    rows = _Rows(kept, catalog, lang)
    entries_by_section: dict[str, list[LoadedEntry]] = {}
    for entry in catalog.ordered_entries():
        entries_by_section.setdefault(entry.data.section, []).append(entry)

    depth: dict[str, int] = {}
    sections: list[RenderedSection] = []
    toc: list[str] = []
    for section_id in catalog.section_order():
        section = catalog.sections[section_id]
        level = depth[section.parent] + 1 if section.parent in depth else 0
        depth[section_id] = level
        title = one_line(t(section.title, f"section {section_id}"))
        toc.append(f"{'  ' * level}- [{_toc_title(title)}](#{section_id})")
        blocks: list[str] = []
        if section.intro is not None:
            blocks.append(t(section.intro, f"section {section_id} intro", html=True))
        entries = entries_by_section.get(section_id, [])
        if section.layout == "table" and section.columns:
            blocks.append(rows.block(section, entries, partial(_table, section, entries, cells, t, rows)))
        elif section.layout == "list" and entries:
            blocks.append(rows.block(section, entries, partial(_list, section, entries, cells, t, rows)))
        if section.outro is not None:
            blocks.append(t(section.outro, f"section {section_id} outro", html=True))
        sections.append(RenderedSection(section_id, "#" * min(level + 2, 6), title, blocks))

    languages = list(catalog.info.languages)
    here = posixpath.dirname(list_path(lang, languages))
    links = []
    for other in languages:
        name = catalog.info.name_of(other)
        if other == lang:
            links.append(name)
        else:
            target = posixpath.relpath(list_path(other, languages), here or ".")
            links.append(f"[**{name}**]({target})")
    body = (
        _environment()
        .get_template("list.md.j2")
        .render(
            title=one_line(t(catalog.info.title, "title")),
            language_links="[ " + " | ".join(links) + " ]",
            preamble=t(catalog.info.preamble, "preamble", html=True) if catalog.info.preamble else "",
            chart=chart or "",
            toc="\n".join(toc),
            sections=sections,
            postscript=t(catalog.info.postscript, "postscript", html=True) if catalog.info.postscript else "",
        )
    )
    body, footnotes = _number_footnotes(body, catalog, t)
    if footnotes:
        body = body.rstrip("\n") + "\n\n---\n\n" + "\n\n".join(f"[^{n}]: {text}" for n, text in footnotes) + "\n"
    return body.rstrip("\n") + "\n"


def _toc_title(title: str) -> str:
    return plain(title).replace("[", "\\[").replace("]", "\\]")


class _Rows:
    """An entry's lines of a list, made or taken back from `kept` (memo.Kept)."""

    def __init__(self, kept: Kept | None, catalog: Catalog, lang: str) -> None:
        self.kept, self.lang = kept, lang
        if kept is not None:  # one object that stays the same while every registry item does
            registries = (catalog.info, *catalog.sections.values(), *catalog.organizations.values())
            registries += (*catalog.licenses.values(), *catalog.footnotes.values())
            self.registries = kept.made(("markdown registries",), registries, object)

    def get(self, entry: LoadedEntry, section: Section, make: Callable[[], str]) -> str:
        if self.kept is None:
            return make()
        return self.kept.made(("markdown", self.lang, entry.id), (entry.data, section, self.registries), make)

    def block(self, section: Section, entries: list[LoadedEntry], make: Callable[[], str]) -> str:
        """A section's table or list as a whole, taken back when made from the same entries (one identity
        check per entry instead of a lookup per row)."""
        if self.kept is None:
            return make()
        sources = (section, self.registries, *(entry.data for entry in entries))
        return self.kept.made(("markdown section", self.lang, section.id), sources, make)


def _table(section: Section, entries: list[LoadedEntry], cells: CellRenderer, t: Localizer, rows: _Rows) -> str:
    headers = [
        escape_cell(t(col.header, f"section {section.id} header")) if col.header else "" for col in section.columns
    ]
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join(":---" if i == 0 else ":---:" for i in range(len(headers))) + "|")
    for entry in entries:
        lines.append(rows.get(entry, section, partial(_table_row, section, entry, cells)))
    return "\n".join(lines)


def _table_row(section: Section, entry: LoadedEntry, cells: CellRenderer) -> str:
    return "| " + " | ".join(cells.cell(entry.data, col.key) for col in section.columns) + " |"


def _list(section: Section, entries: list[LoadedEntry], cells: CellRenderer, t: Localizer, rows: _Rows) -> str:
    return "\n".join(rows.get(entry, section, partial(_list_item, entry, cells, t)) for entry in entries)


def _list_item(entry: LoadedEntry, cells: CellRenderer, t: Localizer) -> str:
    data = entry.data
    name = one_line(t(data.name, "name"))
    if data.variants_in == "name" and data.variants_style == "link" and data.variants:
        head = f"[{link_label(name)}]({variant_url(data.variants[0], t.lang)})"
    else:
        head = f"[{link_label(name)}]({text_in(data.url, t.lang)})" if data.url else block_safe(name)
    if data.developers:
        head += f" ({cells.developers(data)})"
    lines = [f"- {head}"]
    if data.description is not None:
        for part in t(data.description, "description").split("\n\n"):
            lines.append("  - " + part.strip().replace("\n", "\n    "))
    return "\n".join(lines)


def _number_footnotes(body: str, catalog: Catalog, t: Localizer) -> tuple[str, list[tuple[int, str]]]:
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        start, text = match.start(), match.string
        if (start == 0 or text[start - 1] == "\n") and text.startswith(":", match.end()):
            return match.group(0)  # a definition, not a reference
        ref = match.group(1)
        if ref not in catalog.footnotes:
            return match.group(0)
        if ref not in numbers:
            numbers[ref] = len(numbers) + 1
        return f"[^{numbers[ref]}]"

    body = _FOOTNOTE_REF.sub(number, body)
    for ref in catalog.footnotes:
        if ref not in numbers:
            numbers[ref] = len(numbers) + 1
    definitions = []
    for ref, n in sorted(numbers.items(), key=lambda item: item[1]):
        text = t(catalog.footnotes[ref].text, f"footnote {ref}")
        definitions.append((n, _FOOTNOTE_REF.sub(number, text).replace("\n", "\n    ")))
    return body, definitions
