"""The loaded catalog in memory: its registries and entries, and the lookups every stage shares (an entry by
id, catalog order, section order, an entry's Hub repos). Loading it is `ja_llm.catalog.load`."""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EntryNotFound, Problem
from ..model.schema import Entry, Footnote, License, ListInfo, Organization, Section


def text_digest(text: str) -> bytes:
    """A file's text summed up (16 bytes): what the build's keys hash instead of the text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class LoadedEntry:
    """An entry as loaded. Its file's text is not kept (at 100k entries ~170 MB in every build process): the
    loader's checks had it while loading; `digest` (text_digest) stands for it in the build's keys."""

    id: str  # the file path relative to the catalog folder, without `.toml`
    path: Path
    data: Entry
    digest: bytes = field(repr=False, default=b"")

    @property
    def kind_folder(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass
class Coverage:
    """How many of the catalog's texts each language has (a plain string counts for every language)."""

    texts: int = 0
    missing: dict[str, int] = field(default_factory=dict)  # language -> texts without it

    def percent(self, lang: str) -> float:
        return 100.0 * (self.texts - self.missing.get(lang, 0)) / self.texts if self.texts else 100.0


@dataclass
class Catalog:
    root: Path
    info: ListInfo
    sections: dict[str, Section]
    organizations: dict[str, Organization]
    licenses: dict[str, License]
    footnotes: dict[str, Footnote]
    entries: dict[str, LoadedEntry]
    warnings: list[Problem] = field(default_factory=list)
    ui: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> the site's words (ui/<lang>.toml)
    coverage: Coverage = field(default_factory=Coverage)  # translations per language

    def entry(self, entry_id: str) -> LoadedEntry:
        """An entry by id (`models/llm-jp/llm-jp-3-172b`), by its unambiguous id tail (`llm-jp/llm-jp-3-172b`),
        or by a Hugging Face repo id of one of its variants, former ids included (`cl-tohoku/bert-base-japanese`).
        An ambiguous tail names every candidate with its id."""
        key = entry_id.strip().removesuffix(".toml").strip("/")
        if key in self.entries:
            return self.entries[key]
        matches = [e for i, e in self.entries.items() if i.endswith("/" + key)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            candidates = "; ".join(f"{m.id} ({m.kind_folder[:-1]})" for m in matches)
            raise EntryNotFound(f"{entry_id!r} is ambiguous: {candidates}; give the whole id")
        by_repo = [e for e in self.entries.values() if key.lower() in (r.lower() for r in self.repos(e))]
        if len(by_repo) == 1:
            return by_repo[0]
        tails = {i.rsplit("/", 1)[-1]: i for i in self.entries}
        close = difflib.get_close_matches(key.rsplit("/", 1)[-1], list(tails), n=3, cutoff=0.6)
        suggestion = f" (did you mean {', '.join(tails[c] for c in close)}?)" if close else ""
        raise EntryNotFound(f"no entry {entry_id!r}{suggestion}")

    def ordered_entries(self) -> list[LoadedEntry]:
        """Entries in catalog order: section order (depth first), then position."""
        rank = {section_id: i for i, section_id in enumerate(self.section_order())}
        return sorted(self.entries.values(), key=lambda e: (rank.get(e.data.section, 1 << 30), e.data.position, e.id))

    def section_order(self) -> list[str]:
        children: dict[str | None, list[Section]] = defaultdict(list)
        for section in self.sections.values():
            children[section.parent].append(section)
        order: list[str] = []

        def walk(parent: str | None) -> None:
            for section in sorted(children.get(parent, []), key=lambda s: (s.order, s.id)):
                order.append(section.id)
                walk(section.id)

        walk(None)
        return order

    def repos(self, entry: LoadedEntry) -> list[str]:
        """Every Hugging Face repo id of an entry: its variants' repos and their aliases."""
        found: list[str] = []
        for variant in entry.data.variants:
            for repo in ([variant.repo] if variant.repo else []) + list(variant.aliases):
                if repo not in found:
                    found.append(repo)
        return found
