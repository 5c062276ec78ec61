"""Queries over the compiled records: every filter defined once, with its parser and its predicate.

The CLI builds its options from FILTERS, the Python API calls `run_query`, and the website filters the
same records with the same semantics (its facets read the values these predicates compare). Bad
values raise QueryError listing the accepted values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import JaLlmError
from .textnorm import normalize

Record = dict[str, Any]
KIND_NAMES = ("generative", "encoder", "embedding", "vision-language", "speech", "music", "benchmark", "paper", "other")
SORT_KEYS = ("catalog", "params", "year", "name")
COMMERCIAL_MODES = ("yes", "any")


class QueryError(JaLlmError, ValueError):
    """A filter value that cannot be used; the message lists the accepted values."""


# --- value parsers ---------------------------------------------------------------------------------------

_UNITS = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def parse_params(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmbt])\s*", str(text), re.IGNORECASE)
    if not match:
        raise QueryError(f"{text!r} is not a parameter count (accepted: a number with k, m, b or t, e.g. 7b, 1.4B, 500m, 110M)")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def parse_int(name: str) -> Callable[[Any], int]:
    def parse(text: Any) -> int:
        raw = str(text).strip().replace(",", "").replace("_", "")
        factor = 1
        if raw[-1:].lower() == "k":
            raw, factor = raw[:-1], 1024
        try:
            return int(float(raw) * factor) if factor != 1 else int(raw)
        except ValueError:
            raise QueryError(f"{text!r} is not a valid {name} (accepted: a whole number, e.g. 2024 or 8192 or 8k)") from None

    return parse


# --- filters ---------------------------------------------------------------------------------------------


class Filter:
    """One filter: its name (the CLI option is `--name`), help text, how a value is read, and the test
    (on the entry, or on each variant: an entry matches when one of its variants does)."""

    __slots__ = ("name", "help", "parse", "entry_test", "variant_test", "flag", "metavar")

    def __init__(
        self,
        name: str,
        help: str,
        parse: Callable[[Any, dict[str, Any]], Any],  # (raw value, index meta) -> value
        entry_test: Callable[[Record, Any], bool] | None = None,
        variant_test: Callable[[dict[str, Any], Any, dict[str, Any]], bool] | None = None,  # (variant, value, options)
        flag: bool = False,
        metavar: str = "TEXT",
    ) -> None:
        self.name, self.help, self.parse = name, help, parse
        self.entry_test, self.variant_test = entry_test, variant_test
        self.flag, self.metavar = flag, metavar


def _contains(haystack: str, needle: str) -> bool:
    return needle in haystack


def _parse_section(value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    if text in KIND_NAMES or text in meta["sections"]:
        return text
    accepted = ", ".join(KIND_NAMES) + "; or a section id: " + ", ".join(meta["section_order"])
    raise QueryError(f"unknown section or kind {text!r} (accepted: {accepted})")


def _section_test(record: Record, value: str) -> bool:
    return record["kind"] == value or value in record["sections"]


def _parse_commercial(value: Any, meta: dict[str, Any]) -> str:
    if value is True or value in ("", None):
        return "yes"
    text = str(value).strip().lower()
    if text in COMMERCIAL_MODES:
        return text
    raise QueryError(f"unknown --commercial mode {value!r} (accepted: {', '.join(COMMERCIAL_MODES)})")


def _commercial_ok(classes: list[str], mode: str) -> bool:
    allowed = {"yes"} if mode == "yes" else {"yes", "conditional"}
    return any(c in allowed for c in classes)


def _commercial_variant(variant: dict[str, Any], mode: str, options: dict[str, Any]) -> bool:
    own = variant.get("commercial")
    if own is not None:
        return _commercial_ok([own], mode)
    return _commercial_ok(options["_record"]["commercial"], mode)


def _parse_license(value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    if text in meta["licenses"]:
        return text
    raise QueryError(f"unknown license {text!r} (accepted: {', '.join(sorted(meta['licenses']))})")


def _license_variant(variant: dict[str, Any], value: str, options: dict[str, Any]) -> bool:
    if variant.get("license"):
        return variant["license"] == value
    return any(lic["id"] == value for lic in options["_record"]["licenses"])


def _params_of(variant: dict[str, Any], options: dict[str, Any]) -> float | None:
    return variant.get("active") if options.get("active") else variant.get("params")


def _min_params(variant: dict[str, Any], value: float, options: dict[str, Any]) -> bool:
    params = _params_of(variant, options)
    return params is not None and params >= value


def _max_params(variant: dict[str, Any], value: float, options: dict[str, Any]) -> bool:
    params = _params_of(variant, options)
    return params is not None and params <= value


def _parse_text(value: Any, meta: dict[str, Any]) -> str:
    text = normalize(str(value))
    if not text:
        raise QueryError("an empty text filter matches everything; give some text")
    return text


def _developer_test(record: Record, value: str) -> bool:
    return any(value in name for name in record["norm"]["developers"])


FILTERS: tuple[Filter, ...] = (
    Filter("section", "Section id or kind: generative, encoder, embedding, vision-language, speech, music, benchmark, paper (sub-sections included).", _parse_section, entry_test=_section_test, metavar="ID|KIND"),
    Filter("commercial", "Commercial use allowed: `yes` (default when given alone) or `any` (also admits conditional licenses).", _parse_commercial, variant_test=_commercial_variant, metavar="[yes|any]"),
    Filter("license", "License id from the registry (e.g. apache-2.0, mit, llama3.1).", _parse_license, variant_test=_license_variant, metavar="ID"),
    Filter("min_params", "Minimum parameter count of a variant: 7b, 1.4B, 500m, 110M (MoE by total; --active by active).", lambda v, m: parse_params(v), variant_test=_min_params, metavar="SIZE"),
    Filter("max_params", "Maximum parameter count of a variant (same units as --min-params).", lambda v, m: parse_params(v), variant_test=_max_params, metavar="SIZE"),
    Filter("year", "Release year.", lambda v, m: parse_int("year")(v), entry_test=lambda r, v: r["year"] == v, metavar="YEAR"),
    Filter("since", "Released in this year or later.", lambda v, m: parse_int("year")(v), entry_test=lambda r, v: r["year"] is not None and r["year"] >= v, metavar="YEAR"),
    Filter("developer", "Developer id, or part of its name in any language (東北大, SB Intuitions).", _parse_text, entry_test=_developer_test, metavar="TEXT"),
    Filter("arch", "Part of the architecture text (Llama, MoE, BERT).", _parse_text, entry_test=lambda r, v: v in r["norm"]["architecture"], metavar="TEXT"),
    Filter("base_model", "Part of the base model (or merge sources) text (Qwen3, Llama 3.1).", _parse_text, entry_test=lambda r, v: v in r["norm"]["base_model"], metavar="TEXT"),
    Filter("hf", "Only entries with weights on the Hugging Face Hub.", lambda v, m: bool(v), entry_test=lambda r, v: r["hf"] == v, flag=True),
    Filter("domain", "Part of the domain text (医療, finance).", _parse_text, entry_test=lambda r, v: v in r["norm"]["domain"], metavar="TEXT"),
    Filter("min_context", "Minimum context length in tokens (8192, 8k, 32,768).", lambda v, m: parse_int("context length")(v), entry_test=lambda r, v: (r["context_length"] or 0) >= v, metavar="TOKENS"),
)
FILTER_BY_NAME = {f.name: f for f in FILTERS}


class Query:
    """A text (optional) and filter values by filter name, with sorting and a limit."""

    def __init__(
        self,
        text: str | None = None,
        filters: dict[str, Any] | None = None,
        active: bool = False,
        sort: str = "catalog",
        desc: bool = False,
        limit: int | None = None,
        lang: str = "ja",
    ) -> None:
        self.text, self.filters, self.active = text, dict(filters or {}), active
        self.sort, self.desc, self.limit, self.lang = sort, desc, limit, lang


class Match:
    """A matching record and the variants that satisfy the variant-level filters."""

    __slots__ = ("record", "variants", "exact")

    def __init__(self, record: Record, variants: list[dict[str, Any]], exact: bool = False) -> None:
        self.record, self.variants, self.exact = record, variants, exact


def _parsed(query: Query, meta: dict[str, Any]) -> list[tuple[Filter, Any]]:
    parsed = []
    for name, raw in query.filters.items():
        if raw is None or raw is False:
            continue
        spec = FILTER_BY_NAME.get(name)
        if spec is None:
            raise QueryError(f"unknown filter {name!r} (accepted: {', '.join(FILTER_BY_NAME)})")
        parsed.append((spec, spec.parse(raw, meta)))
    if query.sort not in SORT_KEYS:
        raise QueryError(f"unknown sort key {query.sort!r} (accepted: {', '.join(SORT_KEYS)})")
    if query.limit is not None and query.limit < 0:
        raise QueryError(f"--limit must be 0 or more, not {query.limit}")
    return parsed


def run_query(records: list[Record], meta: dict[str, Any], query: Query) -> list[Match]:
    """The records that pass every filter (and contain the text), sorted as asked."""
    parsed = _parsed(query, meta)
    entry_filters = [(f, v) for f, v in parsed if f.entry_test is not None]
    variant_filters = [(f, v) for f, v in parsed if f.variant_test is not None]
    needle = normalize(query.text) if query.text and query.text.strip() else None
    options: dict[str, Any] = {"active": query.active}
    matches: list[Match] = []
    for record in records:
        if needle is not None and needle not in record["norm"]["text"]:
            continue
        if not all(f.entry_test(record, v) for f, v in entry_filters):  # type: ignore[misc]
            continue
        variants = record["variants"]
        if variant_filters:
            options["_record"] = record
            variants = [var for var in variants if all(f.variant_test(var, v, options) for f, v in variant_filters)]  # type: ignore[misc]
            if not variants and not _entry_level_pass(record, variant_filters, options):
                continue
        exact = needle is not None and needle in record["norm"]["names"]
        matches.append(Match(record, variants, exact))
    return _sort(matches, query)


def _entry_level_pass(record: Record, variant_filters: list[tuple[Filter, Any]], options: dict[str, Any]) -> bool:
    """An entry without variants still passes license/commercial filters on its own licenses; size filters
    need a size."""
    if record["variants"]:
        return False
    pseudo = {"license": None, "commercial": None, "params": None, "active": None}
    return all(f.variant_test(pseudo, v, options) for f, v in variant_filters)  # type: ignore[misc]


def _sort(matches: list[Match], query: Query) -> list[Match]:
    if query.sort == "catalog":
        key: Callable[[Match], Any] = lambda m: m.record["order"]
        ordered = sorted(matches, key=key, reverse=query.desc)
    else:
        present = [m for m in matches if _sort_value(m, query) is not None]
        missing = [m for m in matches if _sort_value(m, query) is None]
        ordered = sorted(present, key=lambda m: (_sort_value(m, query), m.record["order"]), reverse=query.desc) + missing
    if query.text:
        ordered = [m for m in ordered if m.exact] + [m for m in ordered if not m.exact]
    return ordered[: query.limit] if query.limit is not None else ordered


def _sort_value(match: Match, query: Query) -> Any:
    record = match.record
    if query.sort == "year":
        return record["year"]
    if query.sort == "name":
        names = record["name"]
        return normalize(names.get(query.lang) or next(iter(names.values()), ""))
    values = [_params_of(v, {"active": query.active}) for v in (match.variants or record["variants"])]
    values = [v for v in values if v is not None]
    return max(values) if values else None
