"""Compare an awesome-list README with the README rendered back from its imported catalog.

The comparison is on information, not bytes: for every table row (or list item) the cell texts must be
the same once bold, `<br>` and spacing are ignored, the links (text and URL) must be kept, and every
footnote text must be there. Footnote references are compared by the text they point at, since the
renderer renumbers footnotes by first use.

    >>> result = compare(Path("README.md"), Path("rendered.md"))
    >>> result.rows_same / result.rows_total

Used by tests/test_roundtrip.py; `Comparison.as_json()` is the summary the tests write as an artifact.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ja_llm.importer.document import ParsedDoc, ParsedSection, Row, parse_document
from ja_llm.model.inline import links, normalize_for_compare

_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_MAX_NOTE_DEPTH = 5  # footnote texts may reference footnotes; stop expanding after a few levels (cycles)

# Relaxations of the strict comparison. Each one is applied only after the strict comparison failed, is
# counted (Comparison.rows_same_strict is the strict count), and has its reason here:
#
# 1. A space between a closing parenthesis and a footnote reference: `...)) [^3]` == `...))[^3]`.
#    The importer keeps a cell's trailing footnote references apart from its text (entry.footnotes,
#    importer/cells.py calls inline.strip_trailing_footnotes, which drops the space) and the renderer appends
#    them right after the text (render/cells.py CellRenderer._notes). The reader sees the same superscript
#    note after the same text; only the spacing before it differs, and the issue counts spacing as formatting. This is
#    the narrowest form of the allowed "no space after `)`" relaxation: it applies only before `[^`.
_RELAXATIONS: list[tuple[str, re.Pattern[str], str]] = [
    ("no space between ')' and a footnote reference", re.compile(r"\)\s+(?=\[\^)"), ")"),
]
RELAXATIONS = [name for name, _, _ in _RELAXATIONS]


def relax(text: str) -> str:
    """A normalised text with the documented relaxations applied."""
    for _, pattern, replacement in _RELAXATIONS:
        text = pattern.sub(replacement, text)
    return text


@dataclass
class Difference:
    # cell, row-missing, row-extra, row-kind, link, footnote, section-count, section-title, header; "relaxed" is a
    # cell equal only under a documented relaxation (the row still counts as the same)
    kind: str
    section: str  # the source section's title ("" when not about one section)
    row: int | None  # 0-based index of the row in its section
    line: int | None  # source line (1-based; the include directive's line for included rows)
    column: str | None  # the header of the column (or "item" / "nested N" for list items)
    source: str | None
    rendered: str | None

    def describe(self) -> str:
        where = f"[{self.section}]" if self.section else ""
        if self.row is not None:
            where += f" row {self.row}"
        if self.line is not None:
            where += f" (source line {self.line})"
        if self.column:
            where += f" column {self.column!r}"
        return f"{self.kind}: {where}\n    source:   {self.source!r}\n    rendered: {self.rendered!r}"


@dataclass
class Comparison:
    source: str
    rendered: str
    sections_source: int = 0
    sections_rendered: int = 0
    rows_total: int = 0
    rows_same: int = 0
    rows_same_strict: int = 0  # rows equal without any relaxation
    links_total: int = 0
    links_kept: int = 0
    footnotes_total: int = 0
    footnotes_kept: int = 0
    relaxations: list[str] = field(default_factory=lambda: list(RELAXATIONS))
    differences: list[Difference] = field(default_factory=list)

    @property
    def rows_ratio(self) -> float:
        return self.rows_same / self.rows_total if self.rows_total else 1.0

    @property
    def links_ratio(self) -> float:
        return self.links_kept / self.links_total if self.links_total else 1.0

    def summary(self) -> str:
        return (
            f"rows {self.rows_same}/{self.rows_total} ({self.rows_ratio:.2%}; strictly {self.rows_same_strict}), "
            f"links {self.links_kept}/{self.links_total} ({self.links_ratio:.2%}), "
            f"footnotes {self.footnotes_kept}/{self.footnotes_total}, "
            f"row-bearing sections {self.sections_source} (source) / {self.sections_rendered} (rendered)"
        )

    def report(self) -> str:
        lines = [f"{self.source} -> {self.rendered}: {self.summary()}"]
        lines.extend(d.describe() for d in self.differences)
        return "\n".join(lines)

    def as_json(self) -> dict:
        data = asdict(self)
        data["rows_ratio"] = self.rows_ratio
        data["links_ratio"] = self.links_ratio
        return data


# --- normalisation ---------------------------------------------------------------------------------------


class Normalizer:
    """Normalises the inline texts of one document (footnote references resolved against its definitions)."""

    def __init__(self, doc: ParsedDoc) -> None:
        self.footnotes = doc.footnotes
        self._notes: dict[str, str] = {}

    def note(self, label: str, depth: int = 0) -> str:
        """The normalised text of footnote `label` of this document."""
        if depth == 0 and label in self._notes:
            return self._notes[label]
        text = self.text(self.footnotes[label], depth + 1)
        if depth == 0:
            self._notes[label] = text
        return text

    def text(self, text: str, depth: int = 0) -> str:
        def resolve(match: re.Match[str]) -> str:
            label = match.group(1)
            if label not in self.footnotes or depth > _MAX_NOTE_DEPTH:
                # Not a footnote of this document: the reader sees `[^label]` as written.
                return match.group(0)
            return "[^" + self.note(label, depth) + "]"

        return normalize_for_compare(_FOOTNOTE_REF.sub(resolve, text))

    def links(self, texts: list[str]) -> Counter[tuple[str, str]]:
        found: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for link in links(text):
                found[(normalize_for_compare(link.text), link.url)] += 1
        return found


def _row_texts(row: Row) -> list[str]:
    """Every inline text of a row: its cells, and for a list item its nested items."""
    return [*row.cells, *row.nested]


def _column(section: ParsedSection, row: Row, index: int) -> str:
    """A readable name for the `index`-th compared text of a row (its header, or its position)."""
    if row.kind == "item":
        return "item" if index == 0 else f"nested {index}"
    header = section.headers[index].strip() if index < len(section.headers) else ""
    return header or f"#{index + 1}"


# --- comparison ------------------------------------------------------------------------------------------


def compare_docs(source: ParsedDoc, rendered: ParsedDoc) -> Comparison:
    result = Comparison(str(source.path), str(rendered.path))
    norm_s, norm_r = Normalizer(source), Normalizer(rendered)
    sections_s = [s for s in source.sections if s.rows]
    sections_r = [s for s in rendered.sections if s.rows]
    result.sections_source, result.sections_rendered = len(sections_s), len(sections_r)
    if len(sections_s) != len(sections_r):
        result.differences.append(
            Difference(
                "section-count",
                "",
                None,
                None,
                None,
                f"{len(sections_s)} sections with rows: " + " | ".join(s.title for s in sections_s),
                f"{len(sections_r)} sections with rows: " + " | ".join(s.title for s in sections_r),
            )
        )
    for index in range(max(len(sections_s), len(sections_r))):
        sec_s = sections_s[index] if index < len(sections_s) else None
        sec_r = sections_r[index] if index < len(sections_r) else None
        if sec_s is None:
            # Rows the source does not have: reported, not counted (the totals are the source's).
            for n, row in enumerate(sec_r.rows):
                result.differences.append(
                    Difference("row-extra", sec_r.title, n, None, None, None, " | ".join(_row_texts(row)))
                )
            continue
        _compare_section(result, sec_s, sec_r, norm_s, norm_r)

    # Footnotes: every source definition's text must be among the rendered definitions' texts.
    rendered_notes = {norm_r.note(label) for label in rendered.footnotes}
    for label in source.footnotes:
        result.footnotes_total += 1
        text = norm_s.note(label)
        if text in rendered_notes:
            result.footnotes_kept += 1
        else:
            close = difflib.get_close_matches(text, list(rendered_notes), n=1, cutoff=0.0)
            result.differences.append(
                Difference(
                    "footnote",
                    "",
                    None,
                    _footnote_line(source, label),
                    f"[^{label}]",
                    text,
                    close[0] if close else None,
                )
            )
    return result


def _footnote_line(doc: ParsedDoc, label: str) -> int | None:
    try:
        text = doc.path.read_text(encoding="utf-8")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"[^{label}]:"):
            return number
    return None  # defined in an included file


def _compare_section(
    result: Comparison, sec_s: ParsedSection, sec_r: ParsedSection | None, norm_s: Normalizer, norm_r: Normalizer
) -> None:
    title = sec_s.title
    if sec_r is not None:
        if norm_s.text(sec_s.title) != norm_r.text(sec_r.title):
            result.differences.append(
                Difference("section-title", title, None, sec_s.line, None, sec_s.title, sec_r.title)
            )
        headers_s = [norm_s.text(h) for h in sec_s.headers]
        headers_r = [norm_r.text(h) for h in sec_r.headers]
        if headers_s != headers_r:
            result.differences.append(
                Difference(
                    "header", title, None, sec_s.line, None, " | ".join(sec_s.headers), " | ".join(sec_r.headers)
                )
            )
    rows_r = sec_r.rows if sec_r is not None else []
    for n, row_s in enumerate(sec_s.rows):
        result.rows_total += 1
        row_r = rows_r[n] if n < len(rows_r) else None
        links_s = norm_s.links(_row_texts(row_s))
        result.links_total += sum(links_s.values())
        if row_r is None:
            result.differences.append(
                Difference("row-missing", title, n, row_s.line, None, " | ".join(_row_texts(row_s)), None)
            )
            continue
        same = strict = row_s.kind == row_r.kind
        if not same:
            result.differences.append(Difference("row-kind", title, n, row_s.line, None, row_s.kind, row_r.kind))
        # Cells are compared column by column; a list item is its text then its nested items, compared
        # position by position (a nested item split in two or merged is a difference).
        texts_s, texts_r = _row_texts(row_s), _row_texts(row_r)
        for i in range(max(len(texts_s), len(texts_r))):
            cell_s = texts_s[i] if i < len(texts_s) else None
            cell_r = texts_r[i] if i < len(texts_r) else None
            a = norm_s.text(cell_s) if cell_s is not None else None
            b = norm_r.text(cell_r) if cell_r is not None else None
            # A source cell missing altogether (a short row) and an empty rendered cell say the same.
            if (a or "") == (b or ""):
                continue
            strict = False
            if relax(a or "") == relax(b or ""):
                # Listed (not counted as a difference) so that the relaxation's effect stays visible.
                result.differences.append(
                    Difference("relaxed", title, n, row_s.line, _column(sec_s, row_s, i), cell_s, cell_r)
                )
                continue
            same = False
            result.differences.append(
                Difference("cell", title, n, row_s.line, _column(sec_s, row_s, i), cell_s, cell_r)
            )
        if same:
            result.rows_same += 1
        if strict:
            result.rows_same_strict += 1
        links_r = norm_r.links(texts_r)
        kept = links_s & links_r
        result.links_kept += sum(kept.values())
        for (text, url), count in (links_s - links_r).items():
            result.differences.append(
                Difference(
                    "link",
                    title,
                    n,
                    row_s.line,
                    None,
                    f"[{text}]({url})" + (f" x{count}" if count > 1 else ""),
                    " ".join(f"[{t}]({u})" for t, u in links_r.elements()) or None,
                )
            )
    for n in range(len(sec_s.rows), len(rows_r)):
        result.differences.append(
            Difference("row-extra", title, n, None, None, None, " | ".join(_row_texts(rows_r[n])))
        )


def compare(source_md: Path, rendered_md: Path, tree: Path | None = None) -> Comparison:
    """Compare a source README with a rendered one (both files; includes of the source are expanded, inside
    `tree`: the folder of the list's main README, default the source's own folder)."""
    return compare_docs(parse_document(Path(source_md), tree), parse_document(Path(rendered_md)))
