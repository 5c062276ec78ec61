"""Which row of a version of the list is which entry of the catalog.

A row and an entry are the same model when they share a Hugging Face repo (a variant's repo or one of its
former ids, `aliases`), a link, or the row the entry came from at the last sync (the importer's id for the row,
kept in the sync state); failing those, the same name, when that name is unique on both sides or in the
same section. An entry without any Hugging Face repo (a benchmark, a closed model) whose name begins with the
row's, or the other way round, from the same developer, is the same entry renamed ("Nejumi LLMリーダーボード"
became "… 4"). Each pair gets a score (SCORES) and pairs are taken best first, each row and each entry at
most once. A pair that only shares a name unique on one side is not taken: two different models may share a
name ("Swallow").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from ..catalog.core import Catalog
from .facts import norm_name
from .state import SyncState

SCORES = {"state": 4, "repo": 4, "url": 2, "name": 1, "unique name": 1, "section": 1, "renamed": 2}
MIN_PREFIX = 6  # characters a name shared as a prefix must have
ENOUGH = 2  # the least score of a pair that is taken


def _urls(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value.rstrip("/").lower()}
    if isinstance(value, Mapping):
        return {str(v).rstrip("/").lower() for v in value.values() if v}
    return set()


def _repos(data: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for variant in data.get("variants") or []:
        if variant.get("repo"):
            found.add(str(variant["repo"]).lower())
        found.update(str(alias).lower() for alias in variant.get("aliases") or [])
    return found


def _name(data: Mapping[str, Any], main: str) -> str:
    name = data.get("name")
    if isinstance(name, Mapping):
        name = name.get(main) or next(iter(name.values()), "")
    return norm_name(str(name or ""))


def match_rows(
    catalog: Catalog,
    rows: Mapping[str, Mapping[str, Any]],
    state: SyncState | None,
    developers: Callable[[list[str]], list[str]] = lambda ids: ids,
) -> dict[str, str]:
    """Row id (the importer's) -> catalog entry id, for every row that is an entry of the catalog.
    `developers` maps a row's developer ids to the catalog's organization ids."""
    main = catalog.info.languages[0]
    ours: dict[str, Mapping[str, Any]] = {
        eid: e.data.model_dump(mode="json", exclude_none=True) for eid, e in catalog.entries.items()
    }
    by_repo: dict[str, set[str]] = {}
    by_url: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    for eid, data in ours.items():
        for repo in _repos(data):
            by_repo.setdefault(repo, set()).add(eid)
        for url in _urls(data.get("url")):
            by_url.setdefault(url, set()).add(eid)
        by_name.setdefault(_name(data, main), set()).add(eid)
    from_state = {row.key: eid for eid, row in (state.entries.items() if state else []) if eid in ours}
    their_names = Counter(_name(data, main) for data in rows.values())

    scored: list[tuple[int, str, str]] = []
    for rid, data in rows.items():
        score: Counter[str] = Counter()
        if rid in from_state:
            score[from_state[rid]] += SCORES["state"]
        for eid in {e for repo in _repos(data) for e in by_repo.get(repo, ())}:
            score[eid] += SCORES["repo"]
        for eid in {e for url in _urls(data.get("url")) for e in by_url.get(url, ())}:
            score[eid] += SCORES["url"]
        name = _name(data, main)
        named = by_name.get(name, set()) if name else set()
        for eid in named:
            score[eid] += SCORES["name"]
            if len(named) == 1 and their_names[name] == 1:
                score[eid] += SCORES["unique name"]
        if not _repos(data) and len(name) >= MIN_PREFIX:
            theirs_by = set(developers(list(data.get("developers") or [])))
            for eid, other in ours.items():
                own = _name(other, main)
                if (
                    not _repos(other)
                    and own != name
                    and len(own) >= MIN_PREFIX
                    and (own.startswith(name) or name.startswith(own))
                    and theirs_by & set(other.get("developers") or [])
                ):
                    score[eid] += SCORES["renamed"]
        for eid in list(score):
            if ours[eid].get("section") == data.get("section"):
                score[eid] += SCORES["section"]
        scored += [(points, rid, eid) for eid, points in score.items() if points >= ENOUGH]
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for _, rid, eid in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if rid in pairs or eid in taken:
            continue
        pairs[rid] = eid
        taken.add(eid)
    return pairs
