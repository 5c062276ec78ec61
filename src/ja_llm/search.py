"""A first text search over the catalog: substring match on names (every language), developers and repo ids."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog, LoadedEntry, text_in
from .inline import plain


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _all_texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value.values())


@dataclass
class Hit:
    entry: LoadedEntry
    exact: bool


def haystack(catalog: Catalog, entry: LoadedEntry) -> list[str]:
    data = entry.data
    texts = [plain(t) for t in _all_texts(data.name)]
    for dev in data.developers:
        org = catalog.organizations.get(dev)
        texts.append(dev)
        if org is not None:
            texts += [plain(t) for t in _all_texts(org.name)]
    texts += catalog.repos(entry)
    texts += [plain(t) for v in data.variants for t in _all_texts(v.label)]
    return texts


def search(catalog: Catalog, query: str | None = None) -> list[LoadedEntry]:
    """Entries whose names, developers or repo ids contain the query; exact name matches first."""
    entries = catalog.ordered_entries()
    if not query or not query.strip():
        return entries
    needle = normalize(query)
    hits: list[Hit] = []
    for entry in entries:
        fields = [normalize(t) for t in haystack(catalog, entry)]
        if any(needle in f for f in fields):
            names = [normalize(plain(t)) for t in _all_texts(entry.data.name)]
            hits.append(Hit(entry, needle in names))
    return [h.entry for h in sorted(hits, key=lambda h: not h.exact)]


def entry_summary(catalog: Catalog, entry: LoadedEntry, lang: str = "ja") -> dict[str, Any]:
    """The JSON form of an entry for `search --json` and `show --json`."""
    data = entry.data
    section = catalog.sections.get(data.section)
    result: dict[str, Any] = {
        "id": entry.id,
        "name": data.name,
        "section": data.section,
        "kind": section.kind if section else None,
        "year": data.year,
        "url": data.url,
        "developers": [
            {"id": dev, "name": catalog.organizations[dev].name if dev in catalog.organizations else dev}
            for dev in data.developers
        ],
        "licenses": [
            {
                "id": ref.id,
                "name": ref.text or (catalog.licenses[ref.id].name if ref.id in catalog.licenses else None),
                "commercial": catalog.licenses[ref.id].commercial if ref.id in catalog.licenses else "unknown",
                "scope": ref.scope,
            }
            for ref in data.licenses
        ],
        "repos": catalog.repos(entry),
        "variants": [
            {
                "label": v.label,
                "size": v.size,
                "params": size.total if (size := data.parameters_of(v)) else None,
                "active_params": size.active if size else None,
                "repo": v.repo,
                "url": v.url,
                "aliases": list(v.aliases),
            }
            for v in data.variants
        ],
    }
    return result


def display_name(entry: LoadedEntry, lang: str) -> str:
    return plain(text_in(entry.data.name, lang))
