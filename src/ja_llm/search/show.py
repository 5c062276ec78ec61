"""One entry as `ja-llm show` prints it: every field in one language, its licenses with their commercial-use
class, its variants and notes; or as JSON (the search record of the entry plus its notes)."""

from __future__ import annotations

from typing import Any

from ..catalog.core import Catalog, LoadedEntry
from ..model.inline import plain
from ..model.text import hub_url, text_in
from .output import public
from .records import build_record


def _notes(catalog: Catalog, entry: LoadedEntry, lang: str) -> dict[str, str]:
    return {
        ref: text_in(catalog.footnotes[ref].text, lang)
        for refs in entry.data.footnotes.values()
        for ref in refs
        if ref in catalog.footnotes
    }


def entry_json(catalog: Catalog, entry: LoadedEntry, lang: str) -> dict[str, Any]:
    """Every fact of the entry: its search record as `search --json` gives it, the entry as stored (every
    field of the schema, texts in every language), and the texts of its footnotes in `lang`."""
    record = public(build_record(catalog, entry, 0))
    record["entry"] = entry.data.model_dump(mode="json", exclude_none=True)
    record["notes"] = _notes(catalog, entry, lang)
    # every verified fact in one list: which variant, which fact, where and when
    record["verified"] = [
        {"variant": index, "repo": v.repo, "fact": fact, "source": mark.source, "date": mark.date}
        for index, v in enumerate(entry.data.variants)
        for fact, mark in v.verified.items()
    ]
    return record


def entry_text(catalog: Catalog, entry: LoadedEntry, lang: str) -> str:
    """The entry as aligned `label: value` lines."""
    d = entry.data
    section = catalog.sections.get(d.section)
    lines = [f"{plain(text_in(d.name, lang))}  ({entry.id})"]
    if section is not None:
        lines.append(f"  section:       {plain(text_in(section.title, lang))} [{section.kind}]")
    for label, value in (
        ("year", d.year),
        ("url", text_in(d.url, lang) if d.url else None),
        ("architecture", plain(text_in(d.architecture, lang)) if d.architecture else None),
        ("base model", plain(text_in(d.base_model, lang)) if d.base_model else None),
        ("context", f"{d.context_length:,}" if d.context_length else None),
        ("domain", plain(text_in(d.domain, lang)) if d.domain else None),
        ("merged from", plain(text_in(d.merged_from, lang)) if d.merged_from else None),
        ("training data", plain(text_in(d.training_data, lang)) if d.training_data else None),
        ("platform", plain(text_in(d.platform, lang)) if d.platform else None),
        ("description", plain(text_in(d.description, lang)) if d.description else None),
    ):
        if value:
            lines.append(f"  {label + ':':<14} {value}")
    if d.developers:
        names = [
            plain(text_in(catalog.organizations[x].name, lang)) if x in catalog.organizations else x
            for x in d.developers
        ]
        lines.append(f"  {'developers:':<14} {', '.join(names)}")
    for ref in d.licenses:
        lic = catalog.licenses.get(ref.id) if ref.id else None
        name = plain(text_in(ref.text, lang)) if ref.text else plain(text_in(lic.name, lang)) if lic else "?"
        commercial = lic.commercial if lic else "unknown"
        if ref.uncertain:
            commercial = f"unknown — the list is not sure of this license (?), which says {commercial}"
        scope = f"{plain(text_in(ref.scope, lang))}: " if ref.scope else ""
        conditions = f" — {plain(text_in(lic.conditions, lang))}" if lic and lic.conditions else ""
        if ref.note:
            conditions += f" {plain(text_in(ref.note, lang))}"
        if lic and lic.checked:
            conditions += f" (checked against the license text {lic.checked})"
        lines.append(f"  {'license:':<14} {scope}{name} [commercial use: {commercial}]{conditions}")
    if d.variants:
        lines.append("  variants:")
        for v in d.variants:
            label = plain(text_in(v.label, lang)) if v.label else ""
            target = hub_url(v.repo) if v.repo else text_in(v.url, lang)
            aliases = f" (formerly {', '.join(v.aliases)})" if v.aliases else ""
            facts = [
                v.size or "",
                f"context {v.context_length:,}" if v.context_length else "",
                v.license or "",
                "gated" if v.gated else "",
            ]
            shown = ", ".join(fact for fact in facts if fact)
            size = f" [{shown}]" if shown else ""
            lines.append(f"    - {label}{size} {target}{aliases}".rstrip())
            if v.verified:
                checks = ", ".join(f"{fact} ({mark.source}, {mark.date})" for fact, mark in v.verified.items())
                lines.append(f"      verified: {checks}")
    notes = _notes(catalog, entry, lang)
    if notes:
        lines.append("  notes:")
        lines += [f"    - {plain(text)}" for text in notes.values()]
    return "\n".join(lines)
