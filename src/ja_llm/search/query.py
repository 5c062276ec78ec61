"""Queries over the compiled records: every filter defined once, with its parser and its predicate.

The CLI builds its options from FILTERS, the Python API calls `run_query`, and the website filters the
same records with the same semantics (its facets read the values these predicates compare). Bad values
raise QueryError listing the accepted values.

Evaluation is columnar: the values a filter reads are gathered once per record list into plain lists
(a column per value, variants flattened), and each filter narrows a list of candidate positions. Only
the records that match are touched as dicts.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from ..errors import JaLlmError
from ..model.text import normalize

Record = dict[str, Any]
KIND_NAMES = ("generative", "encoder", "embedding", "vision-language", "speech", "music", "benchmark", "paper", "other")
SORT_KEYS = ("catalog", "params", "year", "name")
COMMERCIAL_MODES = ("yes", "any")
_RANK = {"no": 0, "unknown": 1, "conditional": 2, "yes": 3}
_ALLOWED = {"yes": frozenset({"yes"}), "any": frozenset({"yes", "conditional"})}


class QueryError(JaLlmError, ValueError):
    """A filter value that cannot be used; the message lists the accepted values."""


# --- value parsers ---------------------------------------------------------------------------------------

_UNITS = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def parse_params(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmbt])\s*", unicodedata.normalize("NFKC", str(text)), re.IGNORECASE)
    if not match:
        raise QueryError(
            f"{text!r} is not a parameter count (accepted: a number with k, m, b or t, e.g. 7b, 1.4B, 500m, 110M)"
        )
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def parse_int(name: str) -> Callable[[Any], int]:
    def parse(text: Any) -> int:
        raw = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace("_", "")
        factor = 1
        if raw[-1:].lower() == "k":
            raw, factor = raw[:-1], 1024
        try:
            return int(float(raw) * factor) if factor != 1 else int(raw)
        except (ValueError, OverflowError):
            raise QueryError(
                f"{text!r} is not a valid {name} (accepted: a whole number, e.g. 2024 or 8192 or 8k)"
            ) from None

    return parse


def _parse_year(value: Any, meta: dict[str, Any]) -> int:
    year = parse_int("year")(value)
    if not 1000 <= year <= 9999:
        raise QueryError(f"{value!r} is not a valid year (accepted: a four-digit year such as 2024)")
    return year


class DeveloperId(str):
    """A --developer value that is exactly an organization id: matched as an id, not as a substring."""


def _parse_developer(value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    if text in meta.get("developers", ()):
        return DeveloperId(text)
    return _parse_text(value, meta)


def _parse_section(value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    if text in KIND_NAMES or text in meta["sections"]:
        return text
    accepted = ", ".join(KIND_NAMES) + "; or a section id: " + ", ".join(meta["section_order"])
    raise QueryError(f"unknown section or kind {text!r} (accepted: {accepted})")


def _parse_commercial(value: Any, meta: dict[str, Any]) -> str:
    if value is True or value in ("", None):
        return "yes"
    text = str(value).strip().lower()
    if text in COMMERCIAL_MODES:
        return text
    raise QueryError(
        f"unknown --commercial mode {value!r} (accepted: {', '.join(COMMERCIAL_MODES)}; "
        "a search text goes before the options: ja-llm search TEXT --commercial)"
    )


def _parse_license(value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    if text in meta["licenses"]:
        return text
    raise QueryError(f"unknown license {text!r} (accepted: {', '.join(sorted(meta['licenses']))})")


def _parse_text(value: Any, meta: dict[str, Any]) -> str:
    text = normalize(str(value))
    if not text:
        raise QueryError("an empty text filter matches everything; give some text")
    return text


# --- columns ---------------------------------------------------------------------------------------------

NAN = float("nan")  # a missing number in a numeric column: every comparison with it is false


def _bound(index: int) -> Callable[[Record], float]:
    def extract(record: Record) -> float:
        value = record["bounds"][index] if record["variants"] else None
        return NAN if value is None else value

    return extract


# Entry columns: the value of each record a filter reads (built on demand, once per record list).
# Numeric columns are compact arrays (typecode in NUMERIC): scanning them does not chase pointers.
COLUMNS: dict[str, Callable[[Record], Any]] = {
    "sections": lambda r: (r["kind"], *r["sections"]),
    "year": lambda r: r["year"] or 0,
    "developers": lambda r: r["norm"]["developers"],
    "architecture": lambda r: r["norm"]["architecture"],
    "base_model": lambda r: r["norm"]["base_model"],
    "domain": lambda r: r["norm"]["domain"],
    "hf": lambda r: r["hf"],
    "context_length": lambda r: r["context_length"] or 0,
    "commercial": lambda r: r["commercial"],
    "best_commercial": lambda r: r["best_commercial"],
    "license_ids": lambda r: r["license_ids"],
    "entry_licenses": lambda r: tuple(lic["id"] for lic in r["licenses"]),
    "params_min": _bound(0),
    "params_max": _bound(1),
    "active_min": _bound(2),
    "active_max": _bound(3),
    "has_variants": lambda r: bool(r["variants"]),
    "order": lambda r: r["order"],
    "names": lambda r: r["norm"]["names"],
    "developer_ids": lambda r: tuple(d["id"] for d in r["developers"]),
}
NUMERIC = {
    "year": "i",
    "context_length": "q",
    "best_commercial": "b",
    "params_min": "d",
    "params_max": "d",
    "active_min": "d",
    "active_max": "d",
    "order": "q",
}


class Variants:
    """Every record's variants flattened into columns; record i owns positions start[i]..start[i+1]-1.

    The last position is a blank variant (no size, no license) standing for a record without variants,
    so that license and commercial-use filters judge such a record by its own licenses."""

    def __init__(self, records: list[Record]) -> None:
        self.start = array("q")
        self.params = array("d")  # NAN: no size
        self.active = array("d")
        self.commercial: list[str | None] = []
        self.license: list[str | None] = []
        for record in records:
            self.start.append(len(self.params))
            for variant in record["variants"]:
                self.params.append(NAN if variant["params"] is None else variant["params"])
                self.active.append(NAN if variant["active"] is None else variant["active"])
                self.commercial.append(variant["commercial"])
                self.license.append(variant["license"])
        self.start.append(len(self.params))
        self.blank = len(self.params)
        self.params.append(NAN)
        self.active.append(NAN)
        self.commercial.append(None)
        self.license.append(None)


class Compiled:
    """Columns, flattened variants and the text blob of one record list, each built on first use."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self._columns: dict[str, list[Any]] = {}
        self._variants: Variants | None = None
        self._text: tuple[bytes, list[int]] | None = None

    def column(self, name: str) -> Any:
        if name not in self._columns:
            extract = COLUMNS[name]
            values = [extract(record) for record in self.records]
            self._columns[name] = array(NUMERIC[name], values) if name in NUMERIC else values  # type: ignore[assignment]
        return self._columns[name]

    @property
    def variants(self) -> Variants:
        if self._variants is None:
            self._variants = Variants(self.records)
        return self._variants

    def text_search(self, needle: str) -> list[int]:
        """Positions of the records whose search text contains `needle`.

        All texts are kept as one UTF-8 byte string: byte search is fast, and UTF-8 being
        self-synchronising, a match of the encoded needle is always a match of the text."""
        if self._text is None:
            texts = [record["norm"]["text"].encode("utf-8") for record in self.records]
            starts, position = [], 0
            for text in texts:
                starts.append(position)
                position += len(text) + 1
            self._text = (b"\x1e".join(texts), starts)
        blob, starts = self._text
        encoded = needle.encode("utf-8")
        found: list[int] = []
        count = len(starts)
        position = blob.find(encoded)
        while position != -1:
            index = bisect_right(starts, position) - 1
            found.append(index)
            if index + 1 >= count:
                break
            position = blob.find(encoded, starts[index + 1])
        return found


_COMPILED: list[Compiled] = []


def compiled(records: list[Record]) -> Compiled:
    """The columns of a record list, kept for the last list queried (the CLI and the API query one)."""
    if _COMPILED and _COMPILED[0].records is records and len(_COMPILED[0].column("order")) == len(records):
        return _COMPILED[0]
    _COMPILED[:] = [Compiled(records)]
    return _COMPILED[0]


# --- filters ---------------------------------------------------------------------------------------------

Positions = list[int]
Pairs = list[tuple[int, int]]  # (variant position, record position)


class Filter:
    """One filter: its name (the CLI option is `--name`), help text, how a value is read, and how it narrows
    the candidates.

    An entry filter compares one column of each record with the value (`op`: eq, ge or contains). A
    variant filter keeps the (variant, record) pairs whose variant passes; a record passes when one of its
    variants does, and keeps those variants. `prefilter` is a cheap necessary condition on the record that
    only serves speed. The website evaluates the same columns with the same ops (see `describe`)."""

    __slots__ = ("column", "flag", "help", "metavar", "name", "op", "parse", "prefilter", "variant_narrow")

    def __init__(
        self,
        name: str,
        help: str,
        parse: Callable[[Any, dict[str, Any]], Any],
        *,
        column: str | None = None,
        op: str | None = None,
        variant_narrow: Callable[[Compiled, Pairs, Any, bool], Pairs] | None = None,
        prefilter: Callable[[Compiled, Positions, Any, bool], Positions] | None = None,
        flag: bool = False,
        metavar: str = "TEXT",
    ) -> None:
        self.name, self.help, self.parse = name, help, parse
        self.column, self.op = column, op
        self.variant_narrow, self.prefilter = variant_narrow, prefilter
        self.flag, self.metavar = flag, metavar

    def narrow(self, c: Compiled, candidates: Positions, value: Any) -> Positions:
        """The candidates whose column passes `op` (inline comprehensions: no call per record)."""
        column = c.column(self.column)  # type: ignore[arg-type]
        if self.op == "eq":
            return [i for i in candidates if column[i] == value]
        if self.op == "ge":
            return [i for i in candidates if column[i] >= value]
        if self.op == "contains":
            if isinstance(value, DeveloperId):
                ids = c.column("developer_ids")
                return [i for i in candidates if value in ids[i]]
            return [i for i in candidates if value in column[i]]
        raise ValueError(f"unknown op {self.op!r}")


def _commercial_prefilter(c: Compiled, candidates: Positions, mode: str, active: bool) -> Positions:
    best = c.column("best_commercial")
    rank = _RANK["yes"] if mode == "yes" else _RANK["conditional"]
    return [i for i in candidates if best[i] >= rank]


def _commercial_narrow(c: Compiled, pairs: Pairs, mode: str, active: bool) -> Pairs:
    """A variant's own license decides; a variant without one follows the entry's license groups."""
    allowed = _ALLOWED[mode]
    own = c.variants.commercial
    entry = c.column("commercial")
    return [(j, i) for j, i in pairs if (own[j] in allowed if own[j] is not None else not allowed.isdisjoint(entry[i]))]


def _license_prefilter(c: Compiled, candidates: Positions, value: str, active: bool) -> Positions:
    ids = c.column("license_ids")
    return [i for i in candidates if value in ids[i]]


def _license_narrow(c: Compiled, pairs: Pairs, value: str, active: bool) -> Pairs:
    own = c.variants.license
    entry = c.column("entry_licenses")
    return [(j, i) for j, i in pairs if (own[j] == value if own[j] is not None else value in entry[i])]


def _size_narrow(minimum: bool) -> Callable[[Compiled, Pairs, float, bool], Pairs]:
    def narrow(c: Compiled, pairs: Pairs, value: float, active: bool) -> Pairs:
        sizes = c.variants.active if active else c.variants.params  # NAN (no size) fails every comparison
        if minimum:
            return [(j, i) for j, i in pairs if sizes[j] >= value]
        return [(j, i) for j, i in pairs if sizes[j] <= value]

    return narrow


def _size_prefilter(minimum: bool) -> Callable[[Compiled, Positions, float, bool], Positions]:
    """The record's size range must reach the value (a record without variants is left to its blank
    variant, which has no size)."""

    def prefilter(c: Compiled, candidates: Positions, value: float, active: bool) -> Positions:
        bound = c.column(("active" if active else "params") + ("_max" if minimum else "_min"))
        has = c.column("has_variants")
        if minimum:
            return [i for i in candidates if not has[i] or bound[i] >= value]
        return [i for i in candidates if not has[i] or bound[i] <= value]

    return prefilter


FILTERS: tuple[Filter, ...] = (
    Filter(
        "section",
        "Section id or kind: generative, encoder, embedding, vision-language, speech, music, benchmark, paper (sub-sections included).",
        _parse_section,
        column="sections",
        op="contains",
        metavar="ID|KIND",
    ),
    Filter(
        "commercial",
        "Commercial use allowed: `yes` (default when given alone) or `any` (also admits conditional licenses).",
        _parse_commercial,
        variant_narrow=_commercial_narrow,
        prefilter=_commercial_prefilter,
        metavar="[yes|any]",
    ),
    Filter(
        "license",
        "License id from the registry (e.g. apache-2.0, mit, llama3.1).",
        _parse_license,
        variant_narrow=_license_narrow,
        prefilter=_license_prefilter,
        metavar="ID",
    ),
    Filter(
        "min_params",
        "Minimum parameter count of a variant: 7b, 1.4B, 500m, 110M (MoE by total; --active by active).",
        lambda v, m: parse_params(v),
        variant_narrow=_size_narrow(True),
        prefilter=_size_prefilter(True),
        metavar="SIZE",
    ),
    Filter(
        "max_params",
        "Maximum parameter count of a variant (same units as --min-params).",
        lambda v, m: parse_params(v),
        variant_narrow=_size_narrow(False),
        prefilter=_size_prefilter(False),
        metavar="SIZE",
    ),
    Filter("year", "Release year.", _parse_year, column="year", op="eq", metavar="YEAR"),
    Filter("since", "Released in this year or later.", _parse_year, column="year", op="ge", metavar="YEAR"),
    Filter(
        "developer",
        "Developer id (exact), or part of its name in any language (東北大, SB Intuitions).",
        _parse_developer,
        column="developers",
        op="contains",
        metavar="TEXT",
    ),
    Filter(
        "arch", "Part of the architecture text (Llama, MoE, BERT).", _parse_text, column="architecture", op="contains"
    ),
    Filter(
        "base_model",
        "Part of the base model (or merge sources) text (Qwen3, Llama 3.1).",
        _parse_text,
        column="base_model",
        op="contains",
    ),
    Filter(
        "hf",
        "Only entries with weights on the Hugging Face Hub.",
        lambda v, m: bool(v),
        column="hf",
        op="eq",
        flag=True,
    ),
    Filter("domain", "Part of the domain text (医療, finance).", _parse_text, column="domain", op="contains"),
    Filter(
        "min_context",
        "Minimum context length in tokens (8192, 8k, 32,768).",
        lambda v, m: parse_int("context length")(v),
        column="context_length",
        op="ge",
        metavar="TOKENS",
    ),
)
FILTER_BY_NAME = {f.name: f for f in FILTERS}


# --- running a query -------------------------------------------------------------------------------------


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
    """A matching record and the variants that satisfy the variant-level filters.

    It holds positions only; the record dict is looked up when used (printing thousands of matches
    costs more than finding them, and a query should not pay for it)."""

    __slots__ = ("_compiled", "exact", "index", "kept")

    def __init__(self, compiled: Compiled, index: int, kept: list[int] | None = None, exact: bool = False) -> None:
        self._compiled, self.index, self.kept, self.exact = compiled, index, kept, exact

    @property
    def record(self) -> Record:
        return self._compiled.records[self.index]

    @property
    def variants(self) -> list[dict[str, Any]]:
        """The matching variants (all of them when no variant-level filter was used)."""
        variants = self.record["variants"]
        if self.kept is None:
            return variants
        first = self._compiled.variants.start[self.index]
        return [variants[j - first] for j in self.kept]


def _parsed(query: Query, meta: dict[str, Any]) -> list[tuple[Filter, Any]]:
    """The query's filters with parsed values, in the order of FILTERS."""
    for name in query.filters:
        if name not in FILTER_BY_NAME:
            raise QueryError(f"unknown filter {name!r} (accepted: {', '.join(FILTER_BY_NAME)})")
    parsed = []
    for spec in FILTERS:
        raw = query.filters.get(spec.name)
        if raw is None or raw is False:
            continue
        parsed.append((spec, spec.parse(raw, meta)))
    if query.sort not in SORT_KEYS:
        raise QueryError(f"unknown sort key {query.sort!r} (accepted: {', '.join(SORT_KEYS)})")
    if query.limit is not None and query.limit < 0:
        raise QueryError(f"--limit must be 0 or more, not {query.limit}")
    return parsed


def run_query(records: list[Record], meta: dict[str, Any], query: Query) -> list[Match]:
    """The records that pass every filter (and contain the text), sorted as asked."""
    import gc

    # A query allocates many small lists and tuples and no reference cycles: the cyclic collector would
    # only scan the whole record set again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(records, meta, query)
    finally:
        if enabled:
            gc.enable()


def _run(records: list[Record], meta: dict[str, Any], query: Query) -> list[Match]:
    parsed = _parsed(query, meta)
    c = compiled(records)
    active = query.active
    needle = normalize(query.text) if query.text and query.text.strip() else None
    candidates: Positions = c.text_search(needle) if needle is not None else list(range(len(records)))
    for spec, value in parsed:
        if spec.column is not None:
            candidates = spec.narrow(c, candidates, value)
        elif spec.prefilter is not None:
            candidates = spec.prefilter(c, candidates, value, active)
    variant_filters = [(spec, value) for spec, value in parsed if spec.variant_narrow is not None]
    if not variant_filters:
        matches = [Match(c, i) for i in candidates]
    else:
        start, blank = c.variants.start, c.variants.blank
        # every (variant, record) pair of the candidates; a record without variants has its blank variant
        blank_only = (blank,)
        pairs: Pairs = [(j, i) for i in candidates for j in (range(start[i], start[i + 1]) or blank_only)]
        for spec, value in variant_filters:
            pairs = spec.variant_narrow(c, pairs, value, active)  # type: ignore[misc]
        matches = []
        current, kept = -1, []
        for j, i in pairs:  # pairs stay in record order
            if i != current:
                if current >= 0:
                    matches.append(_match(c, current, kept))
                current, kept = i, []
            if j != blank:
                kept.append(j)
        if current >= 0:
            matches.append(_match(c, current, kept))
    if needle is not None:
        names = c.column("names")
        for match in matches:
            match.exact = needle in names[match.index]
    return _sort(matches, query)


def _match(c: Compiled, index: int, kept: list[int]) -> Match:
    start = c.variants.start
    return Match(c, index, None if len(kept) == start[index + 1] - start[index] else kept)


def _sort(matches: list[Match], query: Query) -> list[Match]:
    in_order = matches  # candidates are visited in catalog order
    if query.sort == "catalog":
        ordered = in_order[::-1] if query.desc else in_order
    else:
        # a stable sort on the value alone: ties keep catalog order, also with --desc
        keyed = [(m, _sort_value(m, query)) for m in in_order]
        present = [pair for pair in keyed if pair[1] is not None]
        missing = [m for m, value in keyed if value is None]
        ordered = [m for m, _ in sorted(present, key=lambda pair: pair[1], reverse=query.desc)] + missing
    if query.text:
        ordered = [m for m in ordered if m.exact] + [m for m in ordered if not m.exact]
    return ordered[: query.limit] if query.limit is not None else ordered


def _sort_value(match: Match, query: Query) -> Any:
    if query.sort == "year":
        return match.record["year"]
    if query.sort == "name":
        names = match.record["name"]
        return normalize(names.get(query.lang) or next(iter(names.values()), ""))
    c = match._compiled
    sizes = c.variants.active if query.active else c.variants.params
    positions = match.kept if match.kept else range(c.variants.start[match.index], c.variants.start[match.index + 1])
    values = [sizes[j] for j in positions if sizes[j] == sizes[j]]  # NAN != NAN: no size
    return max(values) if values else None
