"""Table cells of the awesome-list Markdown, rendered from catalog entries (the inverse of the importer's
cell parsers). Texts come out in the requested language; a text missing in that language falls back to
Japanese with a marker."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..catalog.core import Catalog
from ..model.schema import Entry, LicenseRef, Variant
from ..model.text import hub_url, text_in
from ..model.vocab import HF_MARK_OF


def untranslated(lang: str) -> str:
    """The mark after a text shown in another language than the list's: that language's code."""
    return f'<sup title="untranslated">{lang}</sup>'


@dataclass
class Localizer:
    """Picks a text's language and remembers which texts were missing a translation."""

    lang: str
    fallback: str  # the catalog's main language
    missing: list[str] = field(default_factory=list)

    def __call__(self, value: str | Mapping[str, str] | None, where: str = "", html: bool = False) -> str:
        """The text in this language, raw HTML escaped (`html=True`: the list's prose fields, documented to
        allow it — the preamble, the postscript, a section's intro and outro)."""
        escape = (lambda text: text) if html else escape_html
        if value is None:
            return ""
        if isinstance(value, str):
            return escape(value)
        if self.lang in value:
            return escape(value[self.lang])
        shown = self.fallback if value.get(self.fallback) else next((k for k, v in value.items() if v), self.fallback)
        text = escape(value.get(shown, ""))
        if self.lang != shown:
            self.missing.append(where)
            return f"{text}{untranslated(shown)}"
        return text


_RAW_HTML = re.compile(r"<(?!br\s*/?>)", re.IGNORECASE)


def escape_html(text: str) -> str:
    """Raw HTML in a catalog text shown as text: every `<` but that of a `<br>` line break (the only markup
    of the list that is HTML) becomes `&lt;`, so no tag, comment or script passes into the list."""
    return _RAW_HTML.sub("&lt;", text)


def one_line(text: str) -> str:
    """A text that must stay on its line (a heading, a name, a list item's head): line breaks as spaces, so
    that no `# heading` or `- item` can start on a line of its own."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text)


_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\s]+\]")
_BULLET_START = re.compile(r"^[-+*>#](?=\s|$)")
_NUMBER_START = re.compile(r"^(\d+)([.)])(?=\s|$)")


def block_safe(text: str) -> str:
    """A text that starts a line (a list item's head) escaped where it would read as Markdown block syntax
    (`- x` as a nested list, `# x` as a heading, `1. x` as a numbered list)."""
    text = _BULLET_START.sub(lambda m: "\\" + m.group(0), text)
    return _NUMBER_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def link_label(text: str) -> str:
    """A text put between `[` and `]` of a link: when its brackets do not nest properly (`x](https://evil/) [y`
    would close the link early and open another), all of them are escaped."""
    depth = 0
    for char in _FOOTNOTE_REF.sub("", text.replace("\\[", "").replace("\\]", "")):
        depth += (char == "[") - (char == "]")
        if depth < 0:
            break
    if depth == 0:
        return text
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)


def escape_cell(text: str) -> str:
    """A text made safe for one table cell: unescaped pipes escaped, line breaks as `<br>`."""
    text = re.sub(r"(?<!\\)\|", r"\\|", text)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def footnote_refs(ids: list[str]) -> str:
    return "".join(f"[^{ref}]" for ref in ids)


def variant_url(variant: Variant, lang: str) -> str:
    if isinstance(variant.url, dict) and lang in variant.url:
        return variant.url[lang]
    if variant.repo:
        return hub_url(variant.repo)
    return text_in(variant.url, lang)


def render_variant(variant: Variant, t: Localizer, text: str | None = None) -> str:
    label = text if text is not None else one_line(t(variant.label))
    label = link_label(label)
    url = variant_url(variant, t.lang)
    return f"[{label}]({url})" if url else label


def render_variants(entry: Entry, t: Localizer) -> str:
    items = [render_variant(v, t) for v in entry.variants]
    if entry.variants_style == "lines":
        return "<br>".join(items)
    return "(" + ", ".join(items) + ")"


class CellRenderer:
    """Renders each column of an entry's row."""

    def __init__(self, catalog: Catalog, t: Localizer) -> None:
        self.catalog = catalog
        self.t = t
        self.handlers: dict[str, Callable[[Entry], str]] = {
            "name": self.name,
            "year": lambda e: str(e.year) if e.year is not None else "",
            "architecture": lambda e: self.text_with_variants(e, "architecture", e.architecture),
            "base_model": lambda e: self.text_with_variants(e, "base_model", e.base_model),
            "context": self.context,
            "developer": self.developers,
            "license": self.licenses,
            "hf": self.hf,
            "date": lambda e: e.date or "",
        }

    def cell(self, entry: Entry, key: str) -> str:
        if key in entry.extra:
            text = self.t(entry.extra[key], key)
        elif key in self.handlers:
            text = self.handlers[key](entry)
        else:
            text = self.text_with_variants(entry, key, getattr(entry, key, None))
        return escape_cell(text.strip())

    def _notes(self, entry: Entry, key: str) -> str:
        return footnote_refs(entry.footnotes.get(key, []))

    def name(self, entry: Entry) -> str:
        anchor = f'<a id="{entry.anchor}"></a> ' if entry.anchor else ""
        name = one_line(self.t(entry.name, "name"))
        if entry.variants_in == "name" and entry.variants:
            if entry.variants_style == "lines":
                return anchor + render_variants(entry, self.t) + self._notes(entry, "name")
            if entry.variants_style == "link":
                head = f"[{link_label(name)}]({variant_url(entry.variants[0], self.t.lang)})"
                return anchor + head + self._notes(entry, "name")
        head = f"[{link_label(name)}]({text_in(entry.url, self.t.lang)})" if entry.url else name
        text = anchor + head + self._notes(entry, "name")
        if entry.variants_in == "name" and entry.variants:
            text += "<br>" + render_variants(entry, self.t)
        return text

    def text_with_variants(self, entry: Entry, key: str, value: str | Mapping[str, str] | None) -> str:
        text = self.t(value, key)
        if entry.variants_in == key and entry.variants:
            variants = render_variants(entry, self.t)
            text = f"{text}<br>{variants}" if text else variants
        return text + self._notes(entry, key)

    def context(self, entry: Entry) -> str:
        if entry.context is not None:
            return self.t(entry.context, "context") + self._notes(entry, "context")
        if entry.context_length is not None:
            return f"{entry.context_length:,}" + self._notes(entry, "context")
        return ""

    def developers(self, entry: Entry) -> str:
        if entry.developer_text is not None:
            return one_line(self.t(entry.developer_text, "developer")) + self._notes(entry, "developer")
        names = []
        for org_id in entry.developers:
            org = self.catalog.organizations.get(org_id)
            names.append(one_line(self.t(org.name, f"organization {org_id}")) if org else org_id)
        return ", ".join(names) + self._notes(entry, "developer")

    def license_name(self, ref: LicenseRef) -> str:
        if ref.text is not None:
            return self.t(ref.text, "license")
        lic = self.catalog.licenses.get(ref.id or "")
        return self.t(lic.name, f"license {ref.id}") if lic else (ref.id or "")

    def licenses(self, entry: Entry) -> str:
        text = ""
        for index, ref in enumerate(entry.licenses):
            piece = self.license_name(ref)
            if ref.scope is not None:
                piece = f"{self.t(ref.scope, 'license scope')}: {piece}"
            if ref.uncertain:
                piece = f"{piece} (?)"
            if ref.note is not None:
                piece = f"{piece} {self.t(ref.note, 'license note')}"
            if index == 0:
                text = piece
            elif ref.scope is not None:
                text += "<br>" + piece
            else:
                text += " & " + piece
        return text + self._notes(entry, "license")

    def hf(self, entry: Entry) -> str:
        hf = entry.hf
        mark = HF_MARK_OF.get(hf.status, "") if hf and hf.status else ""
        if entry.variants_in == "hf" and entry.variants:
            if entry.variants_style == "link":
                text = render_variant(entry.variants[0], self.t, text=mark or "◯")
            else:
                text = f"{mark} {render_variants(entry, self.t)}".strip()
        else:
            note = self.t(hf.note, "hf") if hf and hf.note is not None else ""
            text = f"{mark} {note}".strip()
        return text + self._notes(entry, "hf")
