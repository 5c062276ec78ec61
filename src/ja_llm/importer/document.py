"""Read an awesome-list README into a document model: title, preamble, sections with their tables or
lists (each row with its source line), and footnote definitions.

Block structure comes from markdown-it-py (CommonMark + GFM tables + footnotes, the parser family
VitePress uses). VitePress includes (`<!--@include: @/parts/x.md-->`) are expanded first; `@/` is the
list's root, the nearest ancestor folder of the README that holds the included path.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from ..errors import SourceError
from ..model.inline import make_parser

MAX_SOURCE_BYTES = 10 * 1024 * 1024
_INCLUDE = re.compile(r"^\s*<!--\s*@include:\s*(\S+?)\s*-->\s*$")
_ANCHOR = re.compile(r'^\s*<a\s+id="([^"]+)"\s*>\s*</a>\s*$', re.IGNORECASE)
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:\s?(.*)$")


@dataclass
class Origin:
    file: str
    line: int
    include_line: int | None = None  # for a line of an included file: the README line of the directive


@dataclass
class Skip:
    line: int
    reason: str
    file: str | None = None

    def as_json(self) -> dict:
        data: dict = {"line": self.line, "reason": self.reason}
        if self.file:
            data["file"] = self.file
        return data


@dataclass
class Row:
    line: int  # 1-based line in the README (for rows of an included file: the include's line)
    cells: list[str]  # inline Markdown source of each cell
    origin: Origin
    kind: str = "row"  # or "item" for list items
    nested: list[str] = field(default_factory=list)  # list items: the texts of nested items


@dataclass
class ParsedSection:
    level: int
    title: str
    anchor: str | None
    line: int
    layout: str = "text"  # table, list or text
    headers: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)  # source lines
    outro: list[str] = field(default_factory=list)


@dataclass
class ParsedDoc:
    path: Path
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections) + sum(1 for s in self.skipped if s.reason.startswith("row"))


def read_source(path: Path) -> str:
    """The text of a README, or a SourceError that says in one line why it cannot be read.

    Only regular files are read (a device, a pipe or a folder is refused before it is opened), and never
    more than MAX_SOURCE_BYTES, whatever the file claims its size is."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{path}: is a folder, not a Markdown file")
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path}: not a regular file (a device, pipe or socket is never read)")
    if info.st_size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"{path}: too large ({info.st_size / 1e6:.1f} MB; the limit is {MAX_SOURCE_BYTES / 1e6:.0f} MB)"
        )
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(f"{path}: too large (more than {MAX_SOURCE_BYTES / 1e6:.0f} MB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{path}:{line}: not UTF-8 (invalid byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    if not text.strip():
        raise SourceError(f"{path}: empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def resolve_include(readme: Path, target: str, root: Path) -> Path | str:
    """The file an `<!--@include: TARGET-->` directive of `readme` names, or why it is refused.

    A target is relative to the README's folder, or with `@/` to `root` (the folder of the list's main
    README, what VitePress calls the source root). Whatever it says, the file must resolve (symlinks
    followed) to a regular file inside `root`: an include never reads outside the document's own tree
    (`../../etc/passwd`, `/proc/self/environ`, a symlink pointing out) nor a special file."""
    if target.startswith("/") or "\0" in target:
        return "include path is absolute (it must be relative to the document)"
    candidate = root / target[2:] if target.startswith("@/") else readme.parent / target
    try:
        resolved = candidate.resolve(strict=True)
        inside = resolved.is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):  # missing, a symlink loop, unreadable folder
        return "include not found"
    if not inside:
        return "include outside the document's folder"
    if not resolved.is_file():
        return "include is not a regular file"
    return resolved


def expand_includes(
    path: Path, text: str, skipped: list[Skip], root: Path | None = None
) -> tuple[list[str], list[Origin]]:
    """Lines of the README with includes replaced by the included files' lines, and each line's origin.

    Includes resolve inside `root` only (default: the README's folder; see resolve_include). A missing or
    refused include becomes a report entry (with the directive's line), never a crash.
    """
    root = root if root is not None else path.parent
    lines: list[str] = []
    origins: list[Origin] = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _INCLUDE.match(line)
        if not match:
            lines.append(line)
            origins.append(Origin(path.name, number))
            continue
        target = match.group(1)
        included = resolve_include(path, target, root)
        if isinstance(included, str):
            skipped.append(Skip(number, f"{included}: {target}"))
            lines.append("")
            origins.append(Origin(path.name, number))
            continue
        try:
            body = read_source(included)
        except SourceError as exc:
            skipped.append(Skip(number, f"include unreadable: {exc}"))
            lines.append("")
            origins.append(Origin(path.name, number))
            continue
        for sub_number, sub_line in enumerate(body.rstrip("\n").split("\n"), start=1):
            lines.append(sub_line)
            origins.append(Origin(f"{path.name}@{target}", sub_number, number))
        # Keep block separation after the included content.
        lines.append("")
        origins.append(Origin(path.name, number))
    return lines, origins


def _raw_cell_count(line: str) -> int:
    """How many cells a table row's source line has (as in GFM, only escaped pipes do not split cells,
    even inside code spans)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    count = 1
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if char == "|":
            count += 1
        i += 1
    return count


def parse_document(path: Path, root: Path | None = None) -> ParsedDoc:
    """Parse a README; its includes resolve inside `root` (default: the README's own folder)."""
    text = read_source(path)
    doc = ParsedDoc(path=path)
    lines, origins = expand_includes(path, text, doc.skipped, root)
    source = "\n".join(lines)
    tokens = make_parser().parse(source, {})

    def line_of(index: int) -> int:
        """The README line of a 0-based source line index (included lines map to their directive)."""
        origin = origins[min(index, len(origins) - 1)]
        return origin.include_line if origin.include_line is not None else origin.line

    consumed: set[int] = set()
    current: ParsedSection | None = None
    pending_anchor: str | None = None
    pending_anchor_lines: list[int] = []
    first_section_line: int | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.map and token.level == 0:
            consumed.update(range(token.map[0], token.map[1]))
        anchor_text = None
        if token.type == "html_block" and token.level == 0:
            anchor_text = token.content
        elif token.type == "paragraph_open" and token.level == 0 and tokens[i + 1].type == "inline":
            anchor_text = tokens[i + 1].content
        if anchor_text is not None:
            match = _ANCHOR.match(anchor_text.strip())
            if match:
                pending_anchor = match.group(1)
                pending_anchor_lines = list(range(token.map[0], token.map[1])) if token.map else []
                i = _skip_block(tokens, i)
                continue
        if token.type == "heading_open":
            level = int(token.tag[1])
            inline = tokens[i + 1]
            if level == 1 and not doc.title and current is None:
                doc.title = inline.content
                i += 3
                pending_anchor = None
                continue
            token_lines = token.map or [0, 0]
            start = pending_anchor_lines[0] if pending_anchor else token_lines[0]
            if first_section_line is None:
                first_section_line = start
            current = ParsedSection(
                level=level, title=inline.content, anchor=pending_anchor, line=line_of(token_lines[0])
            )
            doc.sections.append(current)
            pending_anchor = None
            pending_anchor_lines = []
            i += 3
            continue
        if pending_anchor is not None and token.level == 0:
            # An anchor that is not followed by a heading is ordinary content.
            if current is not None:
                _add_text(current, [lines[n] for n in pending_anchor_lines])
            pending_anchor = None
            pending_anchor_lines = []
        if current is None:
            i += 1
            continue
        if token.type == "table_open":
            i = _read_table(tokens, i, current, doc, lines, line_of, origins)
            continue
        if (
            token.type in ("bullet_list_open", "ordered_list_open")
            and token.level == 0
            and current.layout != "table"
            and not _is_navigation(tokens, i)
        ):
            i = _read_list(tokens, i, current, line_of, origins)
            continue
        if token.level == 0 and token.map and not token.type.startswith("footnote"):
            _add_text(current, lines[token.map[0] : token.map[1]])
            # skip to the close of this block
            i = _skip_block(tokens, i)
            continue
        i += 1

    # Footnote definitions (the parser moves them out of the flow and drops unreferenced ones, so read
    # them from the lines no other block consumed).
    n = 0
    while n < len(lines):
        match = _FOOTNOTE_DEF.match(lines[n])
        if match and n not in consumed:
            label, body = match.groups()
            parts = [body]
            n += 1
            while n < len(lines) and lines[n].startswith(("    ", "\t")) and lines[n].strip():
                parts.append(lines[n].strip())
                n += 1
            doc.footnotes[label] = "\n".join(parts).strip()
            continue
        n += 1

    # Preamble: the source between the title and the first section.
    if first_section_line is not None:
        title_end = next((t.map[1] for t in tokens if t.type == "heading_open" and t.tag == "h1" and t.map), 0)
        doc.preamble = _trim(lines[title_end:first_section_line])
    for section in doc.sections:
        section.intro = _trim(section.intro)
        section.outro = _trim([line for line in section.outro if not _FOOTNOTE_DEF.match(line)])
    if doc.footnotes and doc.sections:
        # the rule a rendered list puts before its footnotes (the renderer writes it again): at the end of
        # the last section's text, after its rows or, in a section without rows, its only text
        last = doc.sections[-1]
        if last.outro[-1:] == ["---"]:
            last.outro = _trim(last.outro[:-1])
        elif not last.outro and last.intro[-1:] == ["---"]:
            last.intro = _trim(last.intro[:-1])
    return doc


def _is_navigation(tokens: list[Token], i: int) -> bool:
    """A list whose every item is only a link to an anchor (a table of contents) is text, not content."""
    depth = 0
    for token in tokens[i:]:
        depth += token.nesting if token.type.endswith(("list_open", "list_close")) else 0
        if token.type == "inline" and not re.fullmatch(r"\[[^\]]*\]\(#[^)]*\)", token.content.strip()):
            return False
        if depth == 0:
            break
    return True


def _skip_block(tokens: list[Token], i: int) -> int:
    token = tokens[i]
    if token.nesting != 1:
        return i + 1
    depth = 0
    while i < len(tokens):
        depth += tokens[i].nesting
        i += 1
        if depth == 0:
            break
    return i


def _add_text(section: ParsedSection, block: list[str]) -> None:
    target = section.outro if (section.rows or section.layout in ("table", "list")) else section.intro
    if target:
        target.append("")
    target.extend(block)


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _read_table(
    tokens: Sequence[Token],
    i: int,
    section: ParsedSection,
    doc: ParsedDoc,
    lines: list[str],
    line_of: Callable[[int], int],
    origins: list[Origin],
) -> int:
    if section.layout == "table" and section.headers:
        # A second table in one section: its rows cannot share the first table's columns.
        first_line = (tokens[i].map or [-1])[0]
        while tokens[i].type != "table_close":
            row_lines = tokens[i].map
            if tokens[i].type == "tr_open" and row_lines and row_lines[0] != first_line:
                doc.skipped.append(Skip(line_of(row_lines[0]), "row of a second table in one section"))
            i += 1
        return i + 1
    section.layout = "table"
    i += 1
    in_head = False
    cells: list[str] = []
    row_map = None
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells = []
            row_map = token.map
        elif token.type == "inline":
            cells.append(token.content)
        elif token.type == "tr_close":
            if in_head:
                section.headers = cells
            else:
                index = row_map[0] if row_map else 0
                raw = lines[index]
                line = line_of(index)
                origin = origins[index]
                count = _raw_cell_count(raw)
                if count > len(section.headers):
                    doc.skipped.append(
                        Skip(
                            line, f"row has {count} cells but the table header has {len(section.headers)} (stray pipe?)"
                        )
                    )
                elif not any(c.strip() for c in cells):
                    doc.skipped.append(Skip(line, "row with only empty cells"))
                elif not cells[0].strip():
                    doc.skipped.append(Skip(line, "row with an empty first cell (no name)"))
                else:
                    if count < len(section.headers):
                        doc.warnings.append(
                            Skip(
                                line,
                                f"row has {count} cells, the header {len(section.headers)}: missing cells are empty",
                            )
                        )
                    section.rows.append(Row(line=line, cells=[c.strip() for c in cells], origin=origin))
        i += 1
    return i + 1


def _read_list(
    tokens: Sequence[Token], i: int, section: ParsedSection, line_of: Callable[[int], int], origins: list[Origin]
) -> int:
    section.layout = "list"
    depth = 0
    current: Row | None = None
    start = i
    while i < len(tokens):
        token = tokens[i]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return i + 1
        elif token.type == "list_item_open" and depth == 1:
            index = token.map[0] if token.map else 0
            current = Row(line=line_of(index), cells=[], origin=origins[index], kind="item")
            section.rows.append(current)
        elif token.type == "inline" and current is not None:
            if depth == 1 and not current.cells:
                current.cells.append(token.content)
            else:
                current.nested.append(token.content)
        i += 1
    return i if i > start else start + 1
