"""`ja-llm sync`: what a version of the list changes in the catalog, and the edits that take it in.

Three versions of every fact (sync.facts) are compared: the list's now (the version given), the list's at
the last sync (sync.state) and the catalog's.

- The list did not change a fact since the last sync: nothing to do, whatever the catalog did with it.
- The list changed it and the catalog still holds the last sync's value: the change is taken (`changed`).
- The list changed it and the catalog already holds the new value: nothing to write (the state learns it).
- The list changed it and the catalog changed it too (edited, derived), or `hub verify` verified it, or the
  entry was never synced: a `conflict`, reported and not written; the state keeps the old value, so the
  conflict is reported again until someone settles it by hand.

A row of the list that is no entry of the catalog (sync.match) is `added` as a new entry file (its developers
mapped to the catalog's organizations, new ones appended to organizations.toml; after the entry its row
follows in the list). An entry that came from the list and whose row is gone is `removed` upstream:
reported, never deleted. A variant whose repo the list now writes differently (same label) is `renamed`:
the new id becomes the variant's repo, the old one an alias. Footnotes are compared like facts.

Nothing here writes: `plan_sync` returns the plan (the report, the edits, the new files and the state after),
sync.apply writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog.core import Catalog
from ..catalog.edit import ABSENT, Edit
from ..catalog.toml import dumps
from ..importer import BuiltCatalog
from ..model.text import text_in
from .facts import (
    ENTRY_TEXTS,
    VARIANT_FIELDS,
    VARIANT_TEXTS,
    digest,
    entry_facts,
    footnote_facts,
    merge_text,
    norm_name,
    split_key,
    variant_key,
)
from .match import match_rows
from .state import Row, SyncState


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a fact a version does not have
NONE = ""  # its digest


@dataclass
class Change:
    """One line of the report."""

    kind: str  # added, changed, conflict, removed, renamed, skipped
    entry: str  # the catalog's entry id (for an addition: the new one), or footnote:<id>
    fact: str = ""  # the fact (sync.facts key), empty for a whole entry
    catalog: Any = None  # the catalog's value
    upstream: Any = None  # the list's value
    note: str = ""
    line: int | None = None  # the row's line in the list's README


@dataclass
class Upstream:
    """A version of the list, read by the importer."""

    built: BuiltCatalog
    languages: list[str]
    sources: dict[str, str]  # language -> SHA-256 of its README
    version: str  # a label

    @staticmethod
    def source_digest(path: Path) -> str:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    @staticmethod
    def source_digest_of(sources: Mapping[str, str]) -> str:
        """One digest of every source's (the version's label when none is given)."""
        joined = "".join(f"{lang}:{value}\n" for lang, value in sorted(sources.items()))
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass
class SyncPlan:
    changes: list[Change] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    new_files: dict[Path, str] = field(default_factory=dict)
    state: SyncState = field(default_factory=SyncState)
    state_changed: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)


def _show(value: Any) -> Any:
    return None if value is MISSING else value


class _Planner:
    def __init__(self, catalog: Catalog, upstream: Upstream, state: SyncState | None, today: str) -> None:
        self.catalog = catalog
        self.up = upstream
        self.base = state
        self.today = today
        self.languages = list(catalog.info.languages)
        self.compared = [lang for lang in upstream.languages if lang in self.languages]
        self.plan = SyncPlan()
        self.rows = upstream.built.entries
        self.their_orgs = {org.id: org for org in upstream.built.organizations}
        self.org_lookup: dict[str, str] = {}  # any one name, alias or id -> organization
        self.org_names: dict[tuple[str, ...], str] = {}  # every name -> organization (tried first)
        for org in catalog.organizations.values():
            names = [org.name] if isinstance(org.name, str) else list(org.name.values())
            self.org_names.setdefault(tuple(sorted(norm_name(n) for n in names)), org.id)
            for name in [*names, *org.aliases, org.id]:
                self.org_lookup.setdefault(norm_name(name), org.id)
        self.new_orgs: dict[str, dict[str, Any]] = {}  # the list's org id -> the organization to add

    # --- developers -------------------------------------------------------------------------------------

    def their_developer(self, their_id: str) -> str:
        """The catalog's organization a developer of the list is ("?<id>" when the catalog has none)."""
        org = self.their_orgs.get(their_id)
        if org is None:
            return "?" + their_id
        names = [org.name] if isinstance(org.name, str) else list(org.name.values())
        found = self.org_names.get(tuple(sorted(norm_name(n) for n in names)))
        if found:
            return found
        for name in names:
            found = self.org_lookup.get(norm_name(name))
            if found:
                return found
        return "?" + their_id

    def developers(self, ids: list[str]) -> list[str]:
        return [self.their_developer(i) for i in ids]

    def ensure_developer(self, value: str) -> str:
        """A developer for a file of the catalog: an organization of the catalog, or a new one (appended)."""
        if not value.startswith("?"):
            return value
        their_id = value[1:]
        if their_id not in self.new_orgs:
            org = self.their_orgs[their_id]
            org_id = their_id
            n = 2
            while org_id in self.catalog.organizations or org_id in {o["id"] for o in self.new_orgs.values()}:
                org_id = f"{their_id}-{n}"
                n += 1
            self.new_orgs[their_id] = {"id": org_id, "name": org.name}
        return str(self.new_orgs[their_id]["id"])

    # --- facts ------------------------------------------------------------------------------------------

    def their_facts(self, data: Mapping[str, Any], eid: str | None) -> dict[str, Any]:
        """The row's facts, its variants known by the catalog's keys where a repo is a former id (alias)."""
        facts = entry_facts(data, self.compared, self.developers)
        if eid is None:
            return facts
        aliases: dict[str, str] = {}
        main = self.languages[0]
        for own_variant in self.catalog.entries[eid].data.variants:
            own = variant_key(own_variant.model_dump(mode="json", exclude_none=True), main)
            for alias in own_variant.aliases:
                aliases[alias.lower()] = own
        if not aliases:
            return facts
        renamed: dict[str, Any] = {}
        for key, value in facts.items():
            head, _, rest = key.partition("].") if key.startswith("variants[") else ("", "", "")
            known = head[len("variants[") :] if head else ""
            if known in aliases:
                key = f"variants[{aliases[known]}].{rest}"
            renamed[key] = value
        return renamed

    def our_facts(self, eid: str) -> dict[str, Any]:
        data = self.catalog.entries[eid].data.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        return entry_facts(data, self.compared, lambda ids: ids)

    def verified(self, eid: str, variant: str | None, fact: str) -> bool:
        if variant is None:
            return False
        main = self.languages[0]
        for v in self.catalog.entries[eid].data.variants:
            if variant_key(v.model_dump(mode="json", exclude_none=True), main) == variant:
                return fact in v.verified
        return False

    def in_compared(self, key: str) -> bool:
        _, _, lang = split_key(key)
        return lang is None or lang in self.compared

    # --- one matched entry ------------------------------------------------------------------------------

    def entry(self, rid: str, eid: str) -> Row:
        data = self.rows[rid]
        line = self.up.built.lines.get(rid)
        theirs = self.their_facts(data, eid)
        ours = self.our_facts(eid)
        base = self.base.entries.get(eid) if self.base else None
        kept = dict(base.facts) if base else {}
        keys = {k for k in {*theirs, *(base.facts if base else {})} if self.in_compared(k)}
        taken: dict[str, Any] = {}
        renames = self.renames(eid, theirs, ours, base)
        for key in sorted(keys):
            variant, fact, _ = split_key(key)
            if variant is not None and (variant in renames or variant in renames.values()):
                continue  # a renamed variant: taken whole below, its facts compared from the next sync on
            t = theirs.get(key, MISSING)
            dt = digest(t) if t is not MISSING else NONE
            if base is not None and dt == base.facts.get(key, NONE):
                continue
            o = ours.get(key, MISSING)
            do = digest(o) if o is not MISSING else NONE
            if dt == do:
                self.remember(kept, key, dt)
                continue
            if base is None:
                why = "the entry was never synced: which side changed cannot be told"
            elif do != base.facts.get(key, NONE):
                why = "the catalog changed it since the last sync"
            elif self.verified(eid, variant, fact):
                why = "verified on the Hub"
            else:
                why = ""
            if not why and key == "section" and t not in self.known_sections:
                why = "moved to a section the catalog does not have (add it to sections.toml first)"
            if why:
                self.plan.changes.append(Change("conflict", eid, key, _show(o), _show(t), why, line))
                continue
            if variant is not None and fact not in VARIANT_FIELDS:
                continue
            if key == "developers" and isinstance(t, list):
                t = [self.ensure_developer(d) for d in t]  # new organizations get their ids now
                dt = digest(t)  # as the list will say it once the organizations exist
            taken[key] = t
            self.remember(kept, key, dt)
            self.plan.changes.append(Change("changed", eid, key, _show(o), _show(t), "", line))
        self.edits_for(eid, data, taken)
        for old, new in renames.items():
            self.rename(eid, old, new, line)
            for key in [k for k in kept if k.startswith(f"variants[{old}].")]:
                del kept[key]
            for key, value in theirs.items():
                if key.startswith(f"variants[{new}]."):
                    kept[key] = digest(value)
        return Row(rid, kept)

    @staticmethod
    def remember(kept: dict[str, str], key: str, value_digest: str) -> None:
        if value_digest == NONE:
            kept.pop(key, None)
        else:
            kept[key] = value_digest

    def renames(self, eid: str, theirs: dict[str, Any], ours: dict[str, Any], base: Row | None) -> dict[str, str]:
        """Old variant key -> new one: a variant of the last sync, still the catalog's, that the list now
        writes with another repo under the same label."""
        if base is None:
            return {}

        def variants(facts: Mapping[str, Any]) -> set[str]:
            return {split_key(k)[0] or "" for k in facts if k.startswith("variants[")} - {""}

        gone = (variants(base.facts) & variants(ours)) - variants(theirs)
        new = variants(theirs) - variants(ours) - variants(base.facts)
        found: dict[str, str] = {}
        main = self.languages[0]
        for old in sorted(gone):
            label = ours.get(f"variants[{old}].label.{main}")
            for candidate in sorted(new):
                if candidate.startswith("label:") or candidate in found.values():
                    continue
                if label is not None and theirs.get(f"variants[{candidate}].label.{main}") == label:
                    found[old] = candidate
                    break
        return found

    def rename(self, eid: str, old: str, new: str, line: int | None) -> None:
        entry = self.catalog.entries[eid]
        main = self.languages[0]
        for index, variant in enumerate(entry.data.variants):
            if variant_key(variant.model_dump(mode="json", exclude_none=True), main) != old or not variant.repo:
                continue
            repo = next(v["repo"] for v in self.rows_variants(eid) if str(v.get("repo", "")).lower() == new)
            self.plan.edits.append(Edit(entry.path, ("variants", index, "repo"), repo, expected=variant.repo))
            aliases = list(variant.aliases)
            self.plan.edits.append(
                Edit(
                    entry.path,
                    ("variants", index, "aliases"),
                    [*aliases, variant.repo],
                    expected=aliases if aliases else ABSENT,
                )
            )
            self.plan.changes.append(Change("renamed", eid, f"variants[{old}].repo", variant.repo, repo, "", line))

    def rows_variants(self, eid: str) -> list[Mapping[str, Any]]:
        rid = self.pairs_back[eid]
        return list(self.rows[rid].get("variants") or [])

    def edits_for(self, eid: str, data: Mapping[str, Any], taken: dict[str, Any]) -> None:
        """The edits that write the facts taken from the list into the entry's file."""
        entry = self.catalog.entries[eid]
        current = entry.data.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        main = self.languages[0]
        index_of = {variant_key(v, main): i for i, v in enumerate(current.get("variants") or [])}
        texts: dict[tuple[str | None, str], dict[str, Any]] = {}
        for key, value in taken.items():
            variant, fact, lang = split_key(key)
            if lang is not None:
                texts.setdefault((variant, fact), {})[lang] = None if value is MISSING else value
                continue
            if variant is None:
                new: Any = ABSENT if value is MISSING else value
                if fact == "developers" and isinstance(new, list):
                    new = [self.ensure_developer(d) for d in new]
                self.plan.edits.append(Edit(entry.path, (fact,), new, expected=current.get(fact, ABSENT)))
            else:
                self.variant_edit(eid, variant, fact, value, index_of, current)
        for (variant, fact), changes in texts.items():
            if variant is None:
                old = current.get(fact)
                merged = merge_text(old, changes, self.languages)
                self.plan.edits.append(
                    Edit(
                        entry.path,
                        (fact,),
                        ABSENT if merged is None else merged,
                        expected=ABSENT if old is None else old,
                    )
                )
            else:
                self.variant_edit(eid, variant, fact, changes, index_of, current)

    def variant_edit(
        self,
        eid: str,
        variant: str,
        fact: str,
        value: Any,
        index_of: dict[str, int],
        current: Mapping[str, Any],
    ) -> None:
        entry = self.catalog.entries[eid]
        variants = list(current.get("variants") or [])
        if variant not in index_of:  # a variant the list added: appended whole, once
            row_variant = next(
                (v for v in self.rows_variants(eid) if variant_key(v, self.languages[0]) == variant), None
            )
            if row_variant is None or variant in self.appended.setdefault(eid, {}):
                return
            position = len(variants) + len(self.appended[eid])
            self.appended[eid][variant] = position
            new = {k: row_variant[k] for k in VARIANT_FIELDS if k in row_variant}
            self.plan.edits.append(Edit(entry.path, ("variants", position), new, expected=ABSENT))
            return
        index = index_of[variant]
        old = variants[index].get(fact)
        if fact in VARIANT_TEXTS:
            merged = merge_text(old, value, self.languages)
            new_value: Any = ABSENT if merged is None else merged
        else:
            new_value = ABSENT if value is MISSING else value
        self.plan.edits.append(
            Edit(entry.path, ("variants", index, fact), new_value, expected=ABSENT if old is None else old)
        )

    # --- additions, removals, footnotes -----------------------------------------------------------------

    def add(self, rid: str, after: str | None) -> tuple[str, Row] | None:
        data = dict(self.rows[rid])
        line = self.up.built.lines.get(rid)
        section = str(data.get("section"))
        if not self.need_section(section):
            self.plan.changes.append(
                Change("skipped", rid, "section", None, section, "a section the catalog does not have", line)
            )
            return None
        if data.get("developers"):
            data["developers"] = [self.ensure_developer(d) for d in self.developers(list(data["developers"]))]
        folder, _, rest = rid.partition("/")
        slug = rest.rsplit("/", 1)[-1]
        prefix = f"{folder}/{data['developers'][0]}" if folder == "models" and data.get("developers") else folder
        eid = f"{prefix}/{slug}"
        n = 2
        while eid in self.catalog.entries or self.catalog.root / f"{eid}.toml" in self.plan.new_files:
            eid = f"{prefix}/{slug}-{n}"
            n += 1
        data["position"] = self.position_after(section, after)
        path = self.catalog.root / f"{eid}.toml"
        self.plan.new_files[path] = dumps(data)
        name = text_in(data.get("name"), self.languages[0])
        self.plan.changes.append(Change("added", eid, "", None, name, f"row {rid}", line))
        facts = entry_facts(data, self.compared, lambda ids: ids)  # its developers as the catalog now has them
        return eid, Row(rid, {key: digest(value) for key, value in facts.items()})

    def need_section(self, section_id: str) -> bool:
        """Whether the catalog has the section, adding it (and its parents) from the list when the list has
        it: a section is added when a row taken in needs it, so an older list's sections (a table of
        contents) are never added for nothing. It goes after its previous sibling in the list."""
        if section_id in self.known_sections:
            return True
        theirs = {s.id: s for s in self.up.built.sections}
        section = theirs.get(section_id)
        if section is None or (section.parent is not None and not self.need_section(section.parent)):
            return False
        siblings = {s.id: s.order for s in self.catalog.sections.values() if s.parent == section.parent}
        siblings.update(self.added_orders.get(section.parent, {}))
        listed = [s.id for s in self.up.built.sections if s.parent == section.parent]
        before = next((s for s in reversed(listed[: listed.index(section_id)]) if s in siblings), None)
        order = siblings[before] + 1 if before is not None else max(siblings.values(), default=0) + 10
        while order in siblings.values():
            order += 1
        self.added_orders.setdefault(section.parent, {})[section_id] = order
        data = section.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        data["order"] = order
        data.setdefault("kind", section.kind)
        path = self.catalog.root / "sections.toml"
        count = len(self.catalog.sections) + sum(len(v) for v in self.added_orders.values()) - 1
        self.plan.edits.append(Edit(path, ("section", count), data, expected=ABSENT))
        self.known_sections.add(section_id)
        title = text_in(section.title, self.languages[0])
        self.plan.changes.append(Change("added", f"section:{section_id}", "", None, title))
        return True

    def position_after(self, section: str, after: str | None) -> int:
        """A position right after the entry `after` (the row before it in the list), else at the end."""
        used = {e.data.position for e in self.catalog.entries.values() if e.data.section == section}
        used |= self.positions.setdefault(section, set())
        if after is not None and after in self.catalog.entries and self.catalog.entries[after].data.section == section:
            position = self.catalog.entries[after].data.position + 1
        else:
            position = max(used, default=0) + 10
        while position in used:
            position += 1
        self.positions[section].add(position)
        return position

    def footnotes(self) -> dict[str, dict[str, str]]:
        kept: dict[str, dict[str, str]] = {}
        base = self.base.footnotes if self.base else {}
        ours = self.catalog.footnotes
        path = self.catalog.root / "footnotes.toml"
        order = list(ours)
        appended = 0
        for note in self.up.built.footnotes:
            theirs = footnote_facts(note.text, self.compared)
            fid = note.id
            if fid not in ours:
                if fid in base:
                    self.plan.changes.append(
                        Change("conflict", f"footnote:{fid}", "text", None, note.text, "removed from the catalog")
                    )
                    kept[fid] = base[fid]
                    continue
                self.plan.edits.append(
                    Edit(path, ("footnote", len(order) + appended), {"id": fid, "text": note.text}, expected=ABSENT)
                )
                appended += 1
                self.plan.changes.append(
                    Change("added", f"footnote:{fid}", "", None, text_in(note.text, self.languages[0]))
                )
                kept[fid] = {k: digest(v) for k, v in theirs.items()}
                continue
            mine = footnote_facts(ours[fid].text, self.compared)
            had = base.get(fid)
            facts = dict(had or {})
            changes: dict[str, Any] = {}
            for key in sorted(set(theirs) | set(had or {})):
                t = theirs.get(key, MISSING)
                dt = digest(t) if t is not MISSING else NONE
                if had is not None and dt == had.get(key, NONE):
                    continue
                o = mine.get(key, MISSING)
                do = digest(o) if o is not MISSING else NONE
                if dt == do:
                    self.remember(facts, key, dt)
                    continue
                if had is None or do != had.get(key, NONE):
                    why = "never synced" if had is None else "the catalog changed it since the last sync"
                    self.plan.changes.append(Change("conflict", f"footnote:{fid}", key, _show(o), _show(t), why))
                    continue
                changes[key.split(".", 1)[1]] = None if t is MISSING else t
                self.remember(facts, key, dt)
                self.plan.changes.append(Change("changed", f"footnote:{fid}", key, _show(o), _show(t)))
            if changes:
                index = order.index(fid)
                merged = merge_text(ours[fid].text, changes, self.languages)
                self.plan.edits.append(Edit(path, ("footnote", index, "text"), merged, expected=ours[fid].text))
            kept[fid] = facts
        listed = {note.id for note in self.up.built.footnotes}
        for fid in base:
            if fid not in listed:
                self.plan.changes.append(Change("removed", f"footnote:{fid}", "", None, None, "gone from the list"))
                kept[fid] = base[fid]
        return kept

    # --- the whole plan ---------------------------------------------------------------------------------

    def run(self, adopt: bool) -> SyncPlan:
        self.appended: dict[str, dict[str, int]] = {}
        self.positions: dict[str, set[int]] = {}
        self.known_sections: set[str] = set(self.catalog.sections)
        self.added_orders: dict[str | None, dict[str, int]] = {}
        pairs = match_rows(self.catalog, self.rows, self.base, self.developers)
        self.pairs_back = {eid: rid for rid, eid in pairs.items()}
        state = SyncState(
            version=self.up.version, sources=dict(self.up.sources), synced=self.today, entries={}, footnotes={}
        )
        if adopt:  # the catalog is taken to hold this version: the state records it, nothing is compared
            for rid, eid in pairs.items():
                facts = self.their_facts(self.rows[rid], eid)
                state.entries[eid] = Row(rid, {k: digest(v) for k, v in facts.items()})
            for note in self.up.built.footnotes:
                state.footnotes[note.id] = {k: digest(v) for k, v in footnote_facts(note.text, self.compared).items()}
            for rid in self.rows:
                if rid not in pairs:
                    self.plan.changes.append(
                        Change(
                            "skipped",
                            rid,
                            "",
                            None,
                            None,
                            "no entry of the catalog is this row",
                            self.up.built.lines.get(rid),
                        )
                    )
        else:
            # the new rows first: the sections they bring can then receive entries the list moved there
            previous: str | None = None
            for rid in self.rows:
                if rid in pairs:
                    previous = pairs[rid]
                    continue
                added = self.add(rid, previous)
                if added is not None:
                    state.entries[added[0]] = added[1]
            for rid, eid in pairs.items():
                state.entries[eid] = self.entry(rid, eid)
            if self.base is not None:
                for eid, row in self.base.entries.items():
                    if eid in state.entries or eid not in self.catalog.entries:
                        continue  # matched, or deleted from the catalog since (the state forgets it)
                    self.plan.changes.append(Change("removed", eid, "", None, None, f"row {row.key} is gone"))
                    state.entries[eid] = row  # kept: the catalog still has the entry
            state.footnotes = self.footnotes()
            if self.new_orgs:
                path = self.catalog.root / "organizations.toml"
                count = len(self.catalog.organizations)
                for n, org in enumerate(self.new_orgs.values()):
                    self.plan.edits.append(Edit(path, ("organization", count + n), org, expected=ABSENT))
        self.plan.state = state
        same = self.base is not None and _same_state(self.base, state)
        self.plan.state_changed = not same
        return self.plan


def _same_state(a: SyncState, b: SyncState) -> bool:
    return (a.sources, a.entries, a.footnotes) == (b.sources, b.entries, b.footnotes)


def plan_sync(
    catalog: Catalog, upstream: Upstream, state: SyncState | None, today: str, adopt: bool = False
) -> SyncPlan:
    """What syncing the catalog with `upstream` changes (see the module's docstring); `adopt`: record the
    list's version as the one the catalog holds, comparing nothing (a catalog imported from it)."""
    return _Planner(catalog, upstream, state, today).run(adopt)


__all__ = ["ENTRY_TEXTS", "Change", "SyncPlan", "Upstream", "plan_sync"]
