"""Every URL of a catalog with the places it is written: (file, line, field path).

The catalog files are walked as TOML (not as the pydantic models) so that each field path is exactly the
one `catalog.toml.locate` and `catalog.edit` take:

- a `url` field: a string, or a table of languages (`url = { ja = "…", en = "…" }` → path `("url", "en")`);
  entries, variants (`("variants", 2, "url")`), licenses (`("license", 3, "url")`), organizations;
- a variant's `repo` (`org/name`) → its Hugging Face page (`hub_url`, or another Hub endpoint);
- every other text (training_data, description, paper, notes, footnote texts, the preamble, section intros,
  …): the links of its inline Markdown (`[text](https://…)`, found as `ja_llm.model.inline.links` finds them) and its
  autolinks (`<https://…>`).

Only http(s) URLs are collected (`#anchors` and relative links are the renderer's business).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog.core import Catalog
from ..catalog.toml import locate
from ..model.inline import inline_tokens, scan_links
from ..model.text import HUB, hub_url

FieldPath = tuple[str | int, ...]

REGISTRIES = ("catalog.toml", "sections.toml", "organizations.toml", "licenses.toml", "footnotes.toml")

_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>", re.IGNORECASE)
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


@dataclass(frozen=True)
class Place:
    """Where a URL is written. `kind` is `url` (the field is the URL), `repo` (a Hugging Face repo id whose
    page is the URL) or `markdown` (a link inside the text `text` held by the field)."""

    file: Path
    rel: str  # the file relative to the catalog folder (posix)
    line: int
    path: FieldPath
    owner: str  # the entry id, or the registry file (`licenses.toml`)
    kind: str
    written: str  # the URL as written (the repo id for `repo`)
    text: str | None = None  # the whole text, for `markdown`

    @property
    def field_name(self) -> str:
        """The field path as people write it: `variants[2].repo`, `url.en`."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


@dataclass
class Link:
    """One unique URL and every place it is written."""

    url: str
    places: list[Place] = field(default_factory=list)


def _walk(value: Any, path: FieldPath, key: str) -> Iterator[tuple[FieldPath, str, str]]:
    """(path, key, string) for every string of a TOML value; `key` is the field name (a table of languages
    keeps its field's name)."""
    if isinstance(value, str):
        yield path, key, value
    elif isinstance(value, dict):
        # A text given per language (`{ ja = "…", en = "…" }`) is still its field.
        per_language = bool(key) and all(isinstance(v, str) and _LANG.match(k) for k, v in value.items())
        for name, item in value.items():
            yield from _walk(item, (*path, name), key if per_language else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), key)


def _text_links(text: str) -> list[str]:
    """The http(s) URLs of a text's links, as written: `[text](url)` (scanned like `inline.links`, checked
    against the CommonMark parser's count) and autolinks `<url>`."""
    found: list[str] = []
    if "](" in text:
        scanned = scan_links(text)
        parsed = sum(1 for t in inline_tokens(text) if t.type == "link_open" and t.markup != "autolink")
        found = [link.url for link in scanned] if len(scanned) == parsed else []
    found += _AUTOLINK.findall(text) if "<" in text else []
    return [url for url in dict.fromkeys(found) if _HTTP.match(url)]


def file_places(file: Path, rel: str, text: str, owner: str, hub: str = HUB) -> list[tuple[str, Place]]:
    """(URL, place) for every URL of one catalog file's text, in the file's order."""
    data = tomllib.loads(text)
    found: list[tuple[str, Place]] = []

    def place(path: FieldPath, kind: str, written: str, whole: str | None = None) -> Place:
        return Place(file, rel, locate(text, path), path, owner, kind, written, whole)

    for path, key, value in _walk(data, (), ""):
        if key == "url":
            if _HTTP.match(value.strip()):
                found.append((value.strip(), place(path, "url", value)))
        elif key == "repo" and len(path) == 3 and path[0] == "variants":
            url = hub_url(value) if hub == HUB else f"{hub.rstrip('/')}/{value}"
            found.append((url, place(path, "repo", value)))
        elif key != "aliases":
            for url in _text_links(value):
                found.append((url, place(path, "markdown", url, value)))
    return found


def collect(catalog: Catalog, hub: str = HUB) -> list[Link]:
    """Every unique URL of the catalog in file order (the registries, then the entries in catalog order),
    each with all its places. `hub` is the Hugging Face endpoint repo ids are checked at."""
    by_url: dict[str, Link] = {}
    files: list[tuple[Path, str, str, str]] = []
    for name in REGISTRIES:
        path = catalog.root / name
        if path.is_file():
            files.append((path, name, path.read_text(encoding="utf-8"), name))
    for entry in catalog.ordered_entries():
        text = entry.path.read_text(encoding="utf-8")  # the loaded entry keeps no text
        files.append((entry.path, entry.path.relative_to(catalog.root).as_posix(), text, entry.id))
    for path, rel, text, owner in files:
        for url, place in file_places(path, rel, text, owner, hub):
            link = by_url.setdefault(url, Link(url))
            if place not in link.places:
                link.places.append(place)
    return list(by_url.values())
