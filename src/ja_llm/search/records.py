"""Compile a loaded catalog into flat search records: one JSON-able dict per entry with every value a filter
needs already computed (parameter counts, commercial-use classes, normalised texts).

The records are the one place where "what counts as commercial", "how many parameters" and "what text
is searched" are decided; the CLI, the Python API and the website all filter these records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalog.core import Catalog, LoadedEntry
from ..model.inline import plain
from ..model.schema import Entry, LicenseRef
from ..model.sizes import parse_size
from ..model.text import normalize, text_in
from ..model.vocab import COMMERCIAL_RANK

Record = dict[str, Any]  # one entry, JSON-able, with every value a filter reads
Meta = dict[str, Any]  # the vocabularies of a catalog (languages, sections, licenses, developers)

SEP = "\x1f"  # joins normalised texts (never in a normalised text: normalize folds it as white space)


def _all(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value.values() if v]


def _texts(value: Any, languages: list[str]) -> dict[str, str] | None:
    if value is None:
        return None
    return _texts_of(value, languages)


def _texts_of(value: Any, languages: list[str]) -> dict[str, str]:
    return {lang: plain(text_in(value, lang)) for lang in languages}


def _license_class(catalog: Catalog, ref: LicenseRef, stated: bool = False) -> str:
    """The commercial-use class of a license as the entry states it; `unknown` for one the list is not
    sure of (`(?)`; with `stated`, its class all the same) or that is not in the registry."""
    lic = catalog.licenses.get(ref.id) if ref.id else None
    return lic.commercial if lic and (stated or not ref.uncertain) else "unknown"


def _combine(classes: list[str]) -> str:
    """Licenses that apply together: the most restrictive wins (yes & conditional -> conditional)."""
    return min(classes, key=lambda c: COMMERCIAL_RANK[c]) if classes else "unknown"


def license_groups(catalog: Catalog, entry: Entry, stated: bool = False) -> list[str]:
    """Commercial-use classes of an entry's license groups.

    Licenses without a scope apply together to the whole entry and combine into one class; each
    scoped license (`instruct モデル: CC BY-NC-SA 4.0`) covers only some variants and is a group of its
    own. An entry with no license at all is `unknown`.
    """
    unscoped = [_license_class(catalog, ref, stated) for ref in entry.licenses if ref.scope is None]
    groups = [_combine(unscoped)] if unscoped else []
    groups += [_license_class(catalog, ref, stated) for ref in entry.licenses if ref.scope is not None]
    return groups or ["unknown"]


class Shared:
    """The parts of records that depend on a registry only, made once for every entry that names them (one
    build_records): a developer's facts (and its searched names) by organization id, a license's facts by the
    reference as the entry writes it. Records share these objects (they are only read); at 100,000 entries
    they were ~1.7 KB of each record's ~7.2 KB."""

    def __init__(self) -> None:
        self.developers: dict[str, tuple[dict[str, Any], list[str], list[str]]] = {}
        self.licenses: dict[tuple[Any, ...], dict[str, Any]] = {}


def _text_key(value: Any) -> Any:
    return tuple(value.items()) if isinstance(value, dict) else value


def _developer(
    catalog: Catalog, dev: str, languages: list[str], shared: Shared
) -> tuple[dict[str, Any], list[str], list[str]]:
    """A developer's facts in a record, its names (each once) and its aliases."""
    made = shared.developers.get(dev)
    if made is None:
        org = catalog.organizations.get(dev)
        names = _texts_of(org.name, languages) if org else dict.fromkeys(languages, dev)
        made = shared.developers[dev] = (
            {"id": dev, "name": names},
            list(dict.fromkeys(names.values())),
            list(org.aliases) if org else [],
        )
    return made


def _license(catalog: Catalog, ref: LicenseRef, languages: list[str], shared: Shared) -> dict[str, Any]:
    key = (ref.id, _text_key(ref.text), ref.uncertain, _text_key(ref.scope))
    made = shared.licenses.get(key)
    if made is None:
        lic = catalog.licenses.get(ref.id) if ref.id else None
        made = shared.licenses[key] = {
            "id": ref.id,
            "name": _texts(ref.text, languages) if ref.text else (_texts(lic.name, languages) if lic else None),
            "commercial": _license_class(catalog, ref),
            "uncertain": ref.uncertain,
            "conditions": _texts(lic.conditions, languages) if lic and lic.conditions else None,
            "scope": _texts(ref.scope, languages),
        }
    return made


def build_record(catalog: Catalog, entry: LoadedEntry, order: int, shared: Shared | None = None) -> dict[str, Any]:
    """An entry's record. `shared`: what records made before share with it (Shared; none: made for this one)."""
    shared = shared if shared is not None else Shared()
    data = entry.data
    languages = list(catalog.info.languages)
    section = catalog.sections.get(data.section)
    ancestors: list[str] = []
    current = section
    while current is not None:
        ancestors.append(current.id)
        current = catalog.sections.get(current.parent) if current.parent else None
    groups = license_groups(catalog, data)
    stated_groups = license_groups(catalog, data, stated=True)  # --include-uncertain reads these
    variants: list[dict[str, Any]] = []
    # The license every variant shares when the entry has no scoped license: its license (when it has one)
    # and the class of its licenses together. With scoped licenses a variant without its own license has
    # none: the search then judges it by the entry's license groups.
    scoped = any(ref.scope is not None for ref in data.licenses)
    shared_ids = [ref.id for ref in data.licenses if ref.id]
    shared_license = shared_ids[0] if not scoped and len(data.licenses) == 1 and shared_ids else None
    shared_class = groups[0] if not scoped and data.licenses else None
    shared_stated = stated_groups[0] if not scoped and data.licenses else None
    for position, variant in enumerate(data.variants):
        size = data.parameters_of(variant)
        own = catalog.licenses.get(variant.license) if variant.license else None
        variants.append(
            {
                "index": position,
                "label": plain(text_in(variant.label, languages[0])) if variant.label else None,
                "size": variant.size or data.size,
                "params": size.total if size else None,
                "active": (size.active if size.active is not None else size.total) if size else None,
                "context": variant.context_length or data.context_length,
                "repo": variant.repo,
                "aliases": list(variant.aliases),
                "license": variant.license or shared_license,
                "commercial": own.commercial if own else shared_class,
                "commercial_stated": own.commercial if own else shared_stated,
            }
        )
    if not variants and data.size:
        # an entry with a size but no variant (an API model, a row without links): one unnamed variant
        size = parse_size(data.size)
        variants.append(
            {
                "index": None,
                "label": None,
                "size": data.size,
                "params": size.total,
                "active": size.active if size.active is not None else size.total,
                "context": data.context_length,
                "repo": None,
                "aliases": [],
                "license": shared_license,
                "commercial": shared_class,
                "commercial_stated": shared_stated,
            }
        )
    developers: list[dict[str, Any]] = []
    developer_names: list[str] = []
    for dev in data.developers:
        facts, dev_names, aliases = _developer(catalog, dev, languages, shared)
        developers.append(facts)
        developer_names += dev_names
        developer_names += [alias for alias in aliases if alias not in developer_names]
    if data.developer_text is not None:  # the list's own way of writing them is searched too
        developer_names += [plain(t) for t in dict.fromkeys(_all(data.developer_text)) if t]
    licenses = [_license(catalog, ref, languages, shared) for ref in data.licenses]
    names = {lang: plain(text_in(data.name, lang)) for lang in languages}
    repos = catalog.repos(entry)
    haystack = (
        list(names.values())
        + developer_names
        + [d["id"] for d in developers]
        + repos
        + [v["label"] for v in variants if v["label"]]
        + [plain(t) for t in _all(data.training_data)]
    )
    url = data.url if isinstance(data.url, str) or data.url is None else text_in(data.url, languages[0])
    return {
        "id": entry.id,
        "order": order,
        "section": data.section,
        "sections": ancestors,
        "kind": section.kind if section else "other",
        "name": names,
        "year": data.year,
        "url": url,
        "developers": developers,
        "licenses": licenses,
        "license_ids": sorted(
            {ref.id for ref in data.licenses if ref.id} | {v.license for v in data.variants if v.license}
        ),
        "commercial": groups,
        "commercial_stated": stated_groups,
        "hf": bool(repos) or (data.hf is not None and data.hf.status == "yes"),
        "context_length": data.context_length,
        "architecture": _texts(data.architecture, languages),
        "base_model": _texts(data.base_model, languages),
        "domain": _texts(data.domain, languages),
        "repos": repos,
        "variants": variants,
        "bounds": _bounds(variants),
        # normalised texts; several texts are joined with SEP so that a match never spans two of them
        "norm": {
            "names": [normalize(n) for n in dict.fromkeys(names.values())],
            "developers": SEP.join([normalize(n) for n in developer_names] + [d["id"].lower() for d in developers]),
            "architecture": normalize(" ".join(_all(_texts(data.architecture, languages)))),
            "base_model": normalize(
                " ".join(_all(_texts(data.base_model, languages)) + _all(_texts(data.merged_from, languages)))
            ),
            "domain": normalize(" ".join(_all(_texts(data.domain, languages)))),
            "text": SEP.join(normalize(t) for t in haystack if t),
        },
    }


def _bounds(variants: list[dict[str, Any]]) -> list[float | None]:
    """[min params, max params, min active, max active] over the variants (None when no variant has a size):
    quick necessary conditions for the per-variant size filters."""
    params = [v["params"] for v in variants if v["params"] is not None]
    active = [v["active"] for v in variants if v["active"] is not None]
    return [min(params, default=None), max(params, default=None), min(active, default=None), max(active, default=None)]


def build_records(catalog: Catalog, known: Mapping[str, Record] | None = None) -> list[Record]:
    """Every entry's record, in catalog order. `known`: records compiled before, by entry id, that the caller
    knows are current (made by this code from the same entry file and registries: the build's cache,
    site.build_cache); they are taken as they are, their place in the order renewed (they are changed)."""
    known = known or {}
    records = []
    shared = Shared()
    for order, entry in enumerate(catalog.ordered_entries()):
        record = known.get(entry.id)
        if record is None:
            record = build_record(catalog, entry, order, shared)
        else:
            record["order"] = order
        records.append(record)
    return records


def build_meta(catalog: Catalog) -> dict[str, Any]:
    """What the query layer needs besides the records: vocabularies for checks and error messages."""
    languages = list(catalog.info.languages)
    return {
        "languages": languages,
        "sections": {
            s.id: {"parent": s.parent, "kind": s.kind, "title": _texts(s.title, languages)}
            for s in catalog.sections.values()
        },
        "section_order": catalog.section_order(),
        "licenses": {
            lic.id: {"name": _texts(lic.name, languages), "commercial": lic.commercial}
            for lic in catalog.licenses.values()
        },
        "developers": {org.id: {"name": _texts(org.name, languages)} for org in catalog.organizations.values()},
    }


# --- the parameter-size chart's rule (one definition: the chart draws it, the site and lists cite it) -------

CHART_CLASSES = ("scratch", "open", "closed")  # built from scratch with open weights / open weights / not public


def chart_point(record: dict[str, Any]) -> tuple[int, float, str] | str:
    """Where an entry goes on the parameter-size chart, (release year, largest parameter count, class), or why
    it is not plotted. Models only: benchmarks and papers are not charted. The class is `scratch` for open
    weights of a model trained from scratch (a section under one whose id names `scratch`), `open` for other
    open weights (on the Hugging Face Hub), `closed` for a model whose weights are not public."""
    if record["kind"] in ("benchmark", "paper"):
        return "not a model"
    if not record["year"]:
        return "no release year"
    counts = [v["params"] for v in record["variants"] if v["params"]]
    if not counts:
        return "no parameter count"
    if not record["hf"]:
        kind = "closed"
    elif any("scratch" in section for section in record["sections"]):
        kind = "scratch"
    else:
        kind = "open"
    return record["year"], max(counts), kind
