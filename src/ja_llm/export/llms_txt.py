"""llms.txt and llms-full.txt (https://llmstxt.org/): the catalog as Markdown for language models, per
language.

Layout, the site's own (the main language at the root, the others under `<lang>/`):

    llms.txt, llms-full.txt               the catalog's main language (the first of catalog.toml languages)
    <lang>/llms.txt, <lang>/llms-full.txt  each other language (`en/llms.txt`, `fr/llms.txt`)

llms.txt follows the convention: `# title`, `> summary` (the first paragraph of the list's preamble), then one
`## section` per section holding entries (titled with its parents: `A › B`), each entry a link to its page
on the site and its short facts (year, developers, parameter counts, licenses with their commercial-use
class), and `## Optional` with llms-full.txt, the other languages and the data files. llms-full.txt has every
entry with all its facts: variants with repos, sizes, active parameters, context lengths, licenses and
commercial-use classes, conditions, training data.

Links: with `base_url` "" (the default) they are relative to the file's own folder, so that
`en/llms.txt` links `models/org/slug/` (the English page `en/models/org/slug/`) and `../llms.txt`; with a
`base_url` (`https://example.org/ja-llm/`) they are absolute. The catalog's texts are in the file's
language; the field labels (`params`, `context`, `commercial`) are the JSON API's English names, the same in
every file, because no interface words of the site reach this stage. Hand-written Markdown: the format is
a few lines per entry and no library writes llms.txt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..catalog.core import Catalog
from ..files import atomic_write
from ..memo import Kept
from ..model.text import hub_url, text_in
from ..model.units import format_params, params_range
from .items import (
    Item,
    Selection,
    developers_in,
    label_in,
    language,
    license_texts,
    per_entry,
    plain_in,
    section_path,
    select_items,
    url_in,
)

_BLOCK_START = re.compile(r"^\s*(>|#|<|\||[-*+] |\d+\. |```)")


def lang_base(catalog: Catalog, lang: str) -> str:
    """The folder of a language's files: "" for the main language, `<lang>/` for the others."""
    return "" if lang == catalog.info.languages[0] else f"{lang}/"


def llms_paths(catalog: Catalog, folder: Path, lang: str) -> tuple[Path, Path]:
    """(llms.txt, llms-full.txt) of a language."""
    base = Path(folder) / lang_base(catalog, lang)
    return base / "llms.txt", base / "llms-full.txt"


_ESCAPED = str.maketrans({char: "\\" + char for char in "\\[]*`<>"})
_TO_ESCAPE = re.compile(r"[\\\[\]*`<>]")


def escape(text: str) -> str:
    """A catalog text safe anywhere in a line of Markdown: it makes no link, emphasis, code or HTML (a text
    never becomes a link the catalog did not give, whatever it holds): a backslash before each of
    \\ [ ] * ` < >. (Most texts hold none: a search, then str.translate for those that do, instead of a
    regular expression's substitution of every text: write_llms at 10k entries 2.3 -> 1.5-1.8 s of CPU.)"""
    return text.translate(_ESCAPED) if _TO_ESCAPE.search(text) else text


def summary(catalog: Catalog, lang: str) -> str:
    """The first paragraph of the list's preamble as plain text (a notice, heading or quote is skipped); the
    title when there is none."""
    preamble = text_in(catalog.info.preamble, lang)
    for paragraph in re.split(r"\n\s*\n", preamble):
        if paragraph.strip() and not _BLOCK_START.match(paragraph) and not paragraph.lstrip().startswith("<!--"):
            text = plain_in(paragraph, lang)
            if text:
                return text
    return plain_in(catalog.info.title, lang)


class Writer:
    """The two files of one language."""

    def __init__(
        self,
        catalog: Catalog,
        items: list[Item],
        lang: str,
        base_url: str,
        data_links: Sequence[tuple[str, str, str]],
        kept: Kept | None = None,
    ) -> None:
        self.catalog, self.items, self.lang = catalog, items, lang
        self.kept = kept
        self.base = lang_base(catalog, lang)
        if base_url:
            base_url = base_url if base_url.endswith("/") else base_url + "/"
            self.root = base_url  # the site's root
            self.here = base_url + self.base  # the folder of this language's files
        else:
            self.root = "../" * self.base.count("/")
            self.here = ""
        self.data_links = data_links

    def page(self, item: Item) -> str:
        return f"{self.here}{item.id}/"

    def groups(self) -> list[tuple[str, list[Item]]]:
        """The items by section, in catalog order of the sections (the items' own order within each)."""
        by_section: dict[str, list[Item]] = {}
        for item in self.items:
            by_section.setdefault(item.record["section"], []).append(item)
        order = [s for s in self.catalog.section_order() if s in by_section]
        order += [s for s in by_section if s not in order]
        return [(section_path(self.catalog, s, self.lang), by_section[s]) for s in order]

    def head(self) -> list[str]:
        title = plain_in(self.catalog.info.title, self.lang)
        return [f"# {escape(title)}", "", f"> {escape(summary(self.catalog, self.lang))}", ""]

    def _group(self, name: tuple[str, str], items: list[Item], join: Callable[[list[Item]], str]) -> str:
        """The text of a section's entries (`join` of their texts); taken back from `kept` as a whole when made
        from the same records and entries (one identity check per object, instead of a lookup per entry)."""
        if self.kept is None or not all(item.complete for item in items):
            return join(items)
        sources = tuple(source for item in items for source in (item.record, item.entry.data))
        return self.kept.made((*name, self.lang, self.here), sources, lambda: join(items))

    def index_line(self, item: Item) -> str:
        """An entry's line of llms.txt; taken back from `kept` (memo.Kept) when made from the same record."""
        return per_entry(self.kept, ("llms", self.lang, self.here, item.id), item, lambda: self._index_line(item))

    def _index_line(self, item: Item) -> str:
        facts = self._short_facts(item)
        return f"- {self.link(item)}" + (f": {facts}" if facts else "")

    def _short_facts(self, item: Item) -> str:
        record = item.record
        facts = [str(record["year"])] if record["year"] else []
        developers = developers_in(item, self.lang)
        if developers:
            facts.append(escape(", ".join(developers)))
        sizes = params_range(v["params"] for v in item.variants)
        if sizes:
            facts.append(f"params {sizes}")
        licenses = license_texts(item, self.lang)
        if licenses:
            classes = "/".join(dict.fromkeys(record["commercial"]))
            facts.append(f"{escape(', '.join(licenses))} (commercial: {classes})")
        return "; ".join(facts)

    def link(self, item: Item) -> str:
        name = item.record["name"].get(self.lang) or item.id
        return f"[{escape(name)}]({self.page(item)})"

    def optional(self, full: bool) -> list[str]:
        lines = ["## Optional", ""]
        if not full:
            lines.append(
                f"- [llms-full.txt]({self.here}llms-full.txt): every entry with all its facts (variants, sizes, "
                "context lengths, licenses and their commercial-use class)"
            )
        for other in self.catalog.info.languages:
            if other != self.lang:
                name = self.catalog.info.name_of(other)
                target = f"{self.root}{lang_base(self.catalog, other)}{'llms-full.txt' if full else 'llms.txt'}"
                named = name if name == other else f"{name} ({other})"
                lines.append(f"- [{escape(name)}]({target}): this file in {escape(named)}")
        lines += [f"- [{escape(title)}]({self.root}{path}): {text}" for title, path, text in self.data_links]
        return [*lines, ""]

    def index(self) -> str:
        lines = self.head()
        for title, items in self.groups():
            lines += [f"## {escape(title)}", ""]
            lines.append(self._group(("llms group", title), items, lambda its: "\n".join(map(self.index_line, its))))
            lines.append("")
        lines += self.optional(full=False)
        return "\n".join(lines).rstrip("\n") + "\n"

    def variant_line(self, item: Item, variant: dict[str, Any]) -> str:
        label = label_in(item, variant, self.lang) or variant["size"] or ""
        repo = f"[{variant['repo']}]({hub_url(variant['repo'])})" if variant["repo"] else ""
        parts = [escape(label)] if label else []
        if repo:
            parts.append(f"({repo})" if parts else repo)
        facts = []
        if variant["params"] is not None:
            params = f"params {format_params(variant['params'])}"
            if variant["active"] is not None and variant["active"] != variant["params"]:
                params += f" (active {format_params(variant['active'])})"
            facts.append(params)
        if variant["context"]:
            facts.append(f"context {variant['context']}")
        if variant["license"]:
            facts.append(f"license {variant['license']}")
        if variant["commercial"]:
            facts.append(f"commercial: {variant['commercial']}")
        head = " ".join(parts) or "—"
        return f"  - {head}" + (f": {', '.join(facts)}" if facts else "")

    def entry_text(self, item: Item) -> str:
        """An entry's block of llms-full.txt (each line ended); taken back from `kept` (memo.Kept) when made from
        the same record and entry (the whole record's variants: a query's subset is made again)."""
        key = ("llms-full", self.lang, self.here, item.id)
        return per_entry(self.kept, key, item, lambda: _lines(self._entry_block(item)))

    def _entry_block(self, item: Item) -> list[str]:
        record, data = item.record, item.entry.data
        lang = self.lang
        lines = [f"### {self.link(item)}", "", f"- id: `{item.id}`"]

        def fact(label: str, value: object) -> None:
            if value not in (None, "", []):
                lines.append(f"- {label}: {escape(str(value))}")

        fact("year", record["year"])
        fact("developers", ", ".join(developers_in(item, lang)))
        fact("url", url_in(item, lang))
        for key in ("architecture", "base_model", "merged_from", "domain", "platform", "venue", "date"):
            fact(key, plain_in(getattr(data, key), lang))
        fact("context_length", record["context_length"])
        for lic, text in zip(record["licenses"], license_texts(item, lang), strict=True):
            conditions = text_in(lic["conditions"], lang) if lic["conditions"] else ""
            fact("license", f"{text} (commercial: {lic['commercial']})" + (f" — {conditions}" if conditions else ""))
        if record["licenses"]:
            fact("commercial", "/".join(dict.fromkeys(record["commercial"])))
        fact("hf", "yes" if record["hf"] else "")
        fact("training_data", plain_in(data.training_data, lang))
        fact("description", plain_in(data.description, lang))
        fact("paper", plain_in(data.paper, lang))
        if item.variants:
            lines.append("- variants:")
            lines += [self.variant_line(item, variant) for variant in item.variants]
        return [*lines, ""]

    def full(self) -> str:
        return "".join(_ended(self.full_pieces()))

    def full_pieces(self) -> Iterator[str]:
        """llms-full.txt piece by piece (an entry's block each): at 100k entries the whole text of each
        language, and the list of its lines, took ~0.8 GB at once."""
        yield _lines(self.head())
        for title, items in self.groups():
            yield _lines([f"## {escape(title)}", ""])
            yield self._group(("llms-full group", title), items, lambda its: "".join(map(self.entry_text, its)))
        yield _lines(self.optional(full=True))


def _lines(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _ended(pieces: Iterable[str]) -> Iterator[str]:
    """The text of `pieces` without its trailing newlines, then one: `"".join(pieces).rstrip("\n") + "\n"`,
    piece by piece (newlines at the end of a piece are held until some text follows them)."""
    held = ""
    for piece in pieces:
        text = piece.rstrip("\n")
        if text:
            yield held + text
            held = piece[len(text) :]
        else:
            held += piece
    yield "\n"


def llms_texts(
    catalog: Catalog,
    lang: str | None = None,
    records: Selection = None,
    base_url: str = "",
    data_links: Sequence[tuple[str, str, str]] = (),
    kept: Kept | None = None,
) -> dict[str, tuple[str, str]]:
    """Language -> (llms.txt, llms-full.txt) texts, for `lang` or every language (None). `kept`: see
    write_llms."""
    writers = _writers(catalog, lang, records, base_url, data_links, kept)
    return {code: (writer.index(), writer.full()) for code, writer in writers}


def _writers(
    catalog: Catalog,
    lang: str | None,
    records: Selection,
    base_url: str,
    data_links: Sequence[tuple[str, str, str]],
    kept: Kept | None,
) -> Iterator[tuple[str, Writer]]:
    items = select_items(catalog, records)
    for code in [language(catalog, lang)] if lang is not None else list(catalog.info.languages):
        yield code, Writer(catalog, items, code, base_url, data_links, kept)


def write_llms(
    catalog: Catalog,
    folder: Path,
    lang: str | None = None,
    records: Selection = None,
    base_url: str = "",
    data_links: Sequence[tuple[str, str, str]] = (),
    kept: Kept | None = None,
) -> list[Path]:
    """Write llms.txt and llms-full.txt of `lang` (None: of every language) into `folder` (the main language
    at its root, another under `<lang>/`), each atomically. `records`: the search records or query matches to
    list (default: every entry). `base_url`: the site's root URL ("" for links relative to each file).
    `data_links`: (title, path from the site's root, description) of data files listed under `## Optional`.
    `kept`: what a long-running process keeps between its builds (memo.Kept: the entries' lines). Returns
    the files written."""
    written: list[Path] = []
    for code, writer in _writers(catalog, lang, records, base_url, data_links, kept):
        index, full = llms_paths(catalog, folder, code)
        atomic_write(index, writer.index())
        atomic_write(full, _ended(writer.full_pieces()))
        written += [index, full]
    return written
