"""Queries over the compiled records: every filter defined once, as data, shared by the CLI, the Python
API and the website.

A filter is a declaration (`Filter`): its name (the CLI option is `--name`), help text, a value parser
(`Parser`: a named kind with its data, such as the units of a parameter count) and a test: an entry test
(`EntryTest`: a column of the record, an op and the value) or a variant test (`VariantTest`: a field of
each variant, an op and the value, with the entry's column to fall back on where a variant has no value
of its own). The Python engine below interprets these declarations; `spec()` exports them, with the sort
keys and the vocabularies, for the website's script, which interprets the same data (site/assets/app.js).
A new filter is one more `Filter` here: the CLI, the API and the website pick it up. Bad values raise
QueryError listing the accepted values.

Evaluation is columnar: the values a filter reads are gathered once per record list into plain lists
(a column per value, variants flattened), and each filter narrows a list of candidate positions. Only
the records that match are touched as dicts. A record sequence may carry its columns already computed
(`stored`, a `StoredColumns`: the on-disk index of `search.index` holds the columns this module computed
when it was built), so that a query reads only the columns it needs and the records it returns.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Protocol

from ..errors import JaLlmError
from ..model.text import normalize, white_space_class
from ..model.units import PARAM_UNITS
from ..model.vocab import COMMERCIAL_CLASSES, COMMERCIAL_RANK

Record = dict[str, Any]
KIND_NAMES = ("generative", "encoder", "embedding", "vision-language", "speech", "music", "benchmark", "paper", "other")


class QueryError(JaLlmError, ValueError):
    """A filter value that cannot be used; the message lists the accepted values."""


def _at_least(cls: str) -> tuple[str, ...]:
    """The commercial-use classes at least as permissive as `cls` (most permissive first)."""
    return tuple(
        sorted(
            (c for c in COMMERCIAL_CLASSES if COMMERCIAL_RANK[c] >= COMMERCIAL_RANK[cls]),
            key=lambda c: -COMMERCIAL_RANK[c],
        )
    )


# --- declarations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parser:
    """How a filter's value is read: a named kind (see PARSERS) and the data it needs."""

    kind: str
    data: Mapping[str, Any] = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class EntryTest:
    """`column OP value` on each record. Ops: eq, ge, le, contains (a substring of a text column or an item
    of a list column), intersects (a list column shares an item with a set value), in (the column's value is
    one of a set value, as a `choice` parser gives). `exact` is the column
    compared instead when the parser reads the value as an exact id (Exact)."""

    column: str
    op: str
    exact: str | None = None
    switched: Mapping[str, str] = dataclass_field(default_factory=dict)  # switch name -> column read instead


@dataclass(frozen=True)
class VariantTest:
    """`field OP value` on each variant; a record passes when one of its variants does, and keeps those.
    Ops: eq, ge, le, in (the value is a set). `switched` names the field read instead while a switch of
    SWITCHES is on (`active` under --active); where a variant has no value of its own (None), `fallback`
    tests the record (a record without variants has one blank variant, so that it is judged by the fallback
    alone); without a fallback such a variant fails."""

    field: str
    op: str
    switched: Mapping[str, str] = dataclass_field(default_factory=dict)  # switch name -> field read instead
    fallback: EntryTest | None = None


@dataclass(frozen=True)
class Switch:
    """A query-wide option that makes some tests and sort keys read other fields (their `switched`)."""

    name: str
    help: str


SWITCHES: tuple[Switch, ...] = (
    Switch("active", "Compare --min-params/--max-params (and sort by params) with active parameters (MoE)."),
    Switch("include_uncertain", "Let --commercial count on licenses the list is not sure of (marked (?))."),
)


def switched(name: str, alternatives: Mapping[str, str], switches: Collection[str]) -> str:
    """The field (or column) to read: the alternative of the first switch that is on, else `name`."""
    for switch, other in alternatives.items():
        if switch in switches:
            return other
    return name


class Filter:
    """One filter: name, help, how a value is read (`parser`) and what it tests (`entry` or `variant`)."""

    __slots__ = ("aliases", "entry", "help", "metavar", "name", "parser", "variant")

    def __init__(
        self,
        name: str,
        help: str,
        parser: Parser,
        *,
        entry: EntryTest | None = None,
        variant: VariantTest | None = None,
        metavar: str = "TEXT",
        aliases: tuple[str, ...] = (),
    ) -> None:
        if (entry is None) == (variant is None):
            raise ValueError(f"filter {name!r}: give an entry test or a variant test")
        self.name, self.help, self.parser = name, help, parser
        self.entry, self.variant, self.metavar = entry, variant, metavar
        self.aliases = aliases  # other option names of the CLI (`--kind` for `--section`)

    @property
    def flag(self) -> bool:
        """A flag (`--hf`): given or not, no value."""
        return self.parser.kind == "flag"

    def parse(self, value: Any, meta: dict[str, Any]) -> Any:
        return PARSERS[self.parser.kind](self, value, meta)

    def describe(self) -> dict[str, Any]:
        """The declaration as JSON-able data (the website's script interprets it)."""
        out: dict[str, Any] = {"name": self.name, "parser": {"kind": self.parser.kind, **_jsonable(self.parser.data)}}
        if self.entry is not None:
            out["entry"] = _test_of(self.entry)
        if self.variant is not None:
            test = self.variant
            out["variant"] = {
                "field": test.field,
                "op": test.op,
                "switched": dict(test.switched),
                "fallback": _test_of(test.fallback) if test.fallback else None,
            }
        return out


def _test_of(test: EntryTest) -> dict[str, Any]:
    return {"column": test.column, "op": test.op, "exact": test.exact, "switched": dict(test.switched)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [_jsonable(v) for v in value]
    return value


# --- value parsers (by kind) -----------------------------------------------------------------------------


class Exact(str):
    """A value read as an exact id (a --developer value that is an organization id): the filter compares
    its test's `exact` column instead of the text column."""


def _number(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text))


def parse_params(text: str, units: Mapping[str, float] = PARAM_UNITS) -> float:
    letters = "".join(units)
    match = re.fullmatch(rf"\s*(\d+(?:\.\d+)?)\s*([{letters}])\s*", _number(text), re.IGNORECASE)
    if not match:
        accepted = ", ".join(letters[:-1]) + " or " + letters[-1]  # "k, m, b or t"
        raise QueryError(
            f"{text!r} is not a parameter count (accepted: a number with {accepted}, e.g. 7b, 1.4B, 500m, 110M)"
        )
    return float(match.group(1)) * units[match.group(2).lower()]


def parse_int(text: Any, label: str, k: int = 1024) -> int:
    raw = _number(text).strip().replace(",", "").replace("_", "")
    factor = 1
    if raw[-1:].lower() == "k":
        raw, factor = raw[:-1], k
    try:
        return int(float(raw) * factor) if factor != 1 else int(raw)
    except (ValueError, OverflowError):
        raise QueryError(
            f"{text!r} is not a valid {label} (accepted: a whole number, e.g. 2024 or 8192 or 8k)"
        ) from None


def _parse_params(spec: Filter, value: Any, meta: dict[str, Any]) -> float:
    return parse_params(value, spec.parser.data["units"])


def _parse_int(spec: Filter, value: Any, meta: dict[str, Any]) -> int:
    return parse_int(value, spec.parser.data["label"], spec.parser.data["k"])


def _parse_year(spec: Filter, value: Any, meta: dict[str, Any]) -> int:
    data = spec.parser.data
    year = parse_int(value, "year", data["k"])
    if not data["min"] <= year <= data["max"]:
        raise QueryError(f"{value!r} is not a valid year (accepted: a four-digit year such as 2024)")
    return year


def _parse_text(spec: Filter | None, value: Any, meta: dict[str, Any]) -> str:
    text = normalize(str(value))
    if not text:
        raise QueryError("an empty text filter matches everything; give some text")
    return text


def _parse_choice(spec: Filter, value: Any, meta: dict[str, Any]) -> frozenset[str]:
    """One of the declared values (`default` when the option is given alone), read as its mapped set."""
    data = spec.parser.data
    if value is True or value in ("", None):
        value = data["default"]
    text = str(value).strip().lower()
    if text in data["values"]:
        return frozenset(data["values"][text])
    hint = f"; a search text goes before the options: ja-llm search TEXT --{spec.name}" if "default" in data else ""
    raise QueryError(f"unknown --{spec.name} mode {value!r} (accepted: {', '.join(data['values'])}{hint})")


def _parse_section(spec: Filter, value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    kinds = spec.parser.data["kinds"]
    if text in kinds or text in meta[spec.parser.data["vocabulary"]]:
        return text
    accepted = ", ".join(kinds) + "; or a section id: " + ", ".join(meta["section_order"])
    raise QueryError(f"unknown section or kind {text!r} (accepted: {accepted})")


def _parse_license(spec: Filter, value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    known = meta[spec.parser.data["vocabulary"]]
    if text in known:
        return text
    raise QueryError(f"unknown license {text!r} (accepted: {', '.join(sorted(known))})")


def _parse_developer(spec: Filter, value: Any, meta: dict[str, Any]) -> str:
    text = str(value).strip()
    if text in meta.get(spec.parser.data["vocabulary"], ()):
        return Exact(text)
    return _parse_text(spec, value, meta)


def _parse_flag(spec: Filter, value: Any, meta: dict[str, Any]) -> bool:
    return bool(value)


# Parser kinds: the website's script implements the same kinds (PARSERS in app.js). The section, license and
# developer kinds check a value against a vocabulary of the catalog's meta (`vocabulary` in their data),
# exported with the spec.
PARSERS: dict[str, Callable[[Filter, Any, dict[str, Any]], Any]] = {
    "params": _parse_params,
    "int": _parse_int,
    "year": _parse_year,
    "text": _parse_text,
    "choice": _parse_choice,
    "section": _parse_section,
    "license": _parse_license,
    "developer": _parse_developer,
    "flag": _parse_flag,
}


# --- columns ---------------------------------------------------------------------------------------------

NAN = float("nan")  # a missing number in a numeric column: every comparison with it is false


def _bound(index: int) -> Callable[[Record], float]:
    def extract(record: Record) -> float:
        value = record["bounds"][index] if record["variants"] else None
        return NAN if value is None else value

    return extract


def _sort_names(record: Record) -> dict[str, str]:
    names = record["name"]
    first = next(iter(names.values()), "")
    return {lang: normalize(name or first) for lang, name in names.items()}


# Entry columns: the value of each record a test reads (built on demand, once per record list). The website
# gets the same columns (a filter's, fallback's, sort's and the text's) in its data file, computed here.
# Numeric columns are compact arrays (typecode in NUMERIC): scanning them does not chase pointers.
COLUMNS: dict[str, Callable[[Record], Any]] = {
    "sections": lambda r: (r["kind"], *r["sections"]),
    "year": lambda r: r["year"] or 0,
    "developers": lambda r: r["norm"]["developers"],
    "developer_ids": lambda r: tuple(d["id"] for d in r["developers"]),
    "architecture": lambda r: r["norm"]["architecture"],
    "base_model": lambda r: r["norm"]["base_model"],
    "domain": lambda r: r["norm"]["domain"],
    "hf": lambda r: r["hf"],
    "context_length": lambda r: r["context_length"] or 0,
    "commercial": lambda r: tuple(r["commercial"]),
    "commercial_stated": lambda r: tuple(r["commercial_stated"]),
    "entry_licenses": lambda r: tuple(lic["id"] for lic in r["licenses"]),
    "params_min": _bound(0),
    "params_max": _bound(1),
    "active_min": _bound(2),
    "active_max": _bound(3),
    "has_variants": lambda r: bool(r["variants"]),
    "order": lambda r: r["order"],
    "names": lambda r: r["norm"]["names"],
    "text": lambda r: r["norm"]["text"],
    "sort_name": _sort_names,
}
NUMERIC = {
    "year": "i",
    "context_length": "q",
    "params_min": "d",
    "params_max": "d",
    "active_min": "d",
    "active_max": "d",
    "order": "q",
}
# How the website reads a column's values: numbers, a flag, a text (contains: a substring), a list (contains:
# an item), or a text per language.
COLUMN_TYPES = {
    "sections": "list",
    "year": "number",
    "developers": "text",
    "developer_ids": "list",
    "architecture": "text",
    "base_model": "text",
    "domain": "text",
    "hf": "flag",
    "context_length": "number",
    "commercial": "list",
    "commercial_stated": "list",
    "entry_licenses": "list",
    "names": "list",
    "text": "text",
    "sort_name": "lang",
}
# Variant fields: numbers (None: no value, stored as NAN) and ids or classes (None: no value of its own).
VARIANT_FIELDS = {
    "params": "number",
    "active": "number",
    "context": "number",
    "commercial": "id",
    "commercial_stated": "id",
    "license": "id",
}


class Haystack(Protocol):
    """The search texts as one UTF-8 byte string, or anything searched like one (`bytes.find`): the index's
    cache file searches its mapped section in place (search.index)."""

    def find(self, sub: bytes, start: int = 0, /) -> int: ...

    def __bytes__(self) -> bytes: ...


class StoredColumns(Protocol):
    """Columns computed beforehand (by `Compiled` itself, when an on-disk index was written), read on
    demand. Each method gives exactly what `Compiled` or `Variants` would compute from the records."""

    def column(self, name: str) -> Any: ...

    def variant_layout(self) -> tuple[array, array, bytearray]: ...  # start, owner, blank

    def variant_field(self, name: str) -> Any: ...

    def text(self) -> tuple[Haystack, Sequence[int]]: ...  # the text blob and each record's start in it


class Variants:
    """Every record's variants flattened into columns; record i owns positions start[i]..start[i+1]-1 and
    `owner[j]` is the record of position j.

    A record without variants owns one blank position (no value in any field, `blank[j]` set), so that the
    license and commercial-use filters judge it by its own licenses (their fallback)."""

    def __init__(self, records: Sequence[Record], stored: StoredColumns | None = None) -> None:
        self.records = records
        self._stored = stored
        self._fields: dict[str, Any] = {}
        if stored is not None:
            self.start, self.owner, self.blank = stored.variant_layout()
            return
        self.start = array("q")
        self.owner = array("q")
        self.blank = bytearray()
        for i, record in enumerate(records):
            self.start.append(len(self.owner))
            count = len(record["variants"]) or 1
            self.owner.extend([i] * count)
            self.blank.extend(b"\x00" * len(record["variants"]) if record["variants"] else b"\x01")
        self.start.append(len(self.owner))

    def field(self, name: str) -> Any:
        values = self._fields.get(name)
        if values is None and self._stored is not None:
            values = self._fields[name] = self._stored.variant_field(name)
        if values is None:
            numeric = VARIANT_FIELDS[name] == "number"
            out: list[Any] = []
            for record in self.records:
                variants = record["variants"]
                if not variants:
                    out.append(NAN if numeric else None)
                elif numeric:
                    out.extend([NAN if v[name] is None else v[name] for v in variants])
                else:
                    out.extend([v[name] for v in variants])
            values = array("d", out) if numeric else out
            self._fields[name] = values
        return values


class Compiled:
    """Columns, flattened variants and the text blob of one record list, each built on first use."""

    def __init__(self, records: Sequence[Record], stored: StoredColumns | None = None) -> None:
        self.records = records
        self._stored = stored  # the columns computed beforehand, if any
        self._columns: dict[str, Any] = {}
        self._variants: Variants | None = None
        self._text: tuple[Haystack, Sequence[int]] | None = None

    def column(self, name: str) -> Any:
        if name not in self._columns and self._stored is not None and name in COLUMNS:
            self._columns[name] = self._stored.column(name)
        if name not in self._columns:
            extract = COLUMNS[name]
            values = [extract(record) for record in self.records]
            self._columns[name] = array(NUMERIC[name], values) if name in NUMERIC else values
        return self._columns[name]

    def any_of(self, test: VariantTest) -> list[frozenset[Any]]:
        """For each record, every value its variants or its fallback column hold (a necessary condition of
        eq and in tests: the value, or one of the set, must be among them)."""
        key = f"any:{test.field}:{test.fallback.column if test.fallback else ''}"
        if key not in self._columns:
            own = self.variants.field(test.field)
            start = self.variants.start
            fallback = self.column(test.fallback.column) if test.fallback else None
            values = []
            for i in range(len(self.records)):
                found = set(own[start[i] : start[i + 1]])
                if fallback is not None:
                    item = fallback[i]
                    found.update(item if isinstance(item, (tuple, list)) else (item,))
                values.append(frozenset(found))
            self._columns[key] = values
        return self._columns[key]

    @property
    def variants(self) -> Variants:
        if self._variants is None:
            self._variants = Variants(self.records, self._stored)
        return self._variants

    def text_blob(self) -> tuple[Haystack, Sequence[int]]:
        """All search texts as one UTF-8 byte string (joined by \\x1e) and the start of each record's text."""
        if self._text is None and self._stored is not None:
            self._text = self._stored.text()
        if self._text is None:
            texts = [text.encode("utf-8") for text in self.column(TEXT["column"])]
            starts, position = [], 0
            for text in texts:
                starts.append(position)
                position += len(text) + 1
            self._text = (b"\x1e".join(texts), starts)
        return self._text

    def text_search(self, needle: str) -> list[int]:
        """Positions of the records whose search text contains `needle`.

        All texts are kept as one UTF-8 byte string: byte search is fast, and UTF-8 being
        self-synchronising, a match of the encoded needle is always a match of the text."""
        blob, starts = self.text_blob()
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


def compiled(records: Sequence[Record]) -> Compiled:
    """The columns of a record list, kept for the last list queried (the CLI and the API query one). A
    sequence with an attribute `stored` (a StoredColumns) brings its columns along."""
    if _COMPILED and _COMPILED[0].records is records and len(_COMPILED[0].column("order")) == len(records):
        return _COMPILED[0]
    _COMPILED[:] = [Compiled(records, getattr(records, "stored", None))]
    return _COMPILED[0]


# --- the filters -----------------------------------------------------------------------------------------

_SIZE = Parser("params", {"units": PARAM_UNITS})
_YEAR = Parser("year", {"k": 1024, "min": 1000, "max": 9999})
_TEXT = Parser("text")

FILTERS: tuple[Filter, ...] = (
    Filter(
        "section",
        "Section id or kind: generative, encoder, embedding, vision-language, speech, music, benchmark, paper"
        " (sub-sections included).",
        Parser("section", {"kinds": KIND_NAMES, "vocabulary": "sections"}),
        entry=EntryTest("sections", "contains"),
        metavar="ID|KIND",
        aliases=("kind",),
    ),
    Filter(
        "commercial",
        "Commercial use allowed: `yes` (default when given alone) or `any` (also admits conditional licenses).",
        Parser("choice", {"values": {"yes": _at_least("yes"), "any": _at_least("conditional")}, "default": "yes"}),
        # a variant's own license decides; a variant without one follows the entry's license groups
        variant=VariantTest(
            "commercial",
            "in",
            # with --include-uncertain, a license the list is not sure of counts with its stated class
            switched={"include_uncertain": "commercial_stated"},
            fallback=EntryTest("commercial", "intersects", switched={"include_uncertain": "commercial_stated"}),
        ),
        metavar="[yes|any]",
    ),
    Filter(
        "license",
        "License id from the registry (e.g. apache-2.0, mit, llama3.1).",
        Parser("license", {"vocabulary": "licenses"}),
        variant=VariantTest("license", "eq", fallback=EntryTest("entry_licenses", "contains")),
        metavar="ID",
    ),
    Filter(
        "min_params",
        "Minimum parameter count of a variant: 7b, 1.4B, 500m, 110M (MoE by total; --active by active).",
        _SIZE,
        variant=VariantTest("params", "ge", switched={"active": "active"}),
        metavar="SIZE",
    ),
    Filter(
        "max_params",
        "Maximum parameter count of a variant (same units as --min-params).",
        _SIZE,
        variant=VariantTest("params", "le", switched={"active": "active"}),
        metavar="SIZE",
    ),
    Filter("year", "Release year.", _YEAR, entry=EntryTest("year", "eq"), metavar="YEAR"),
    Filter("since", "Released in this year or later.", _YEAR, entry=EntryTest("year", "ge"), metavar="YEAR"),
    Filter(
        "developer",
        "Developer id (exact), or part of its name in any language (東北大, SB Intuitions).",
        Parser("developer", {"vocabulary": "developers"}),
        entry=EntryTest("developers", "contains", exact="developer_ids"),
        metavar="TEXT",
    ),
    Filter(
        "arch", "Part of the architecture text (Llama, MoE, BERT).", _TEXT, entry=EntryTest("architecture", "contains")
    ),
    Filter(
        "base_model",
        "Part of the base model (or merge sources) text (Qwen3, Llama 3.1).",
        _TEXT,
        entry=EntryTest("base_model", "contains"),
    ),
    Filter("hf", "Only entries with weights on the Hugging Face Hub.", Parser("flag"), entry=EntryTest("hf", "eq")),
    Filter("domain", "Part of the domain text (医療, finance).", _TEXT, entry=EntryTest("domain", "contains")),
    Filter(
        "min_context",
        "Minimum context length in tokens of a variant (8192, 8k, 32,768).",
        Parser("int", {"label": "context length", "k": 1024}),
        # a variant's own context length, else the entry's (an entry without variants: the entry's)
        variant=VariantTest("context", "ge", fallback=EntryTest("context_length", "ge")),
        metavar="TOKENS",
    ),
)


def filter_by_name() -> dict[str, Filter]:
    return {f.name: f for f in FILTERS}


# --- sort keys and text search ---------------------------------------------------------------------------

# How each sort key is computed: `order` (catalog order), `column` (an entry column; its `missing` value
# means no value), `variants` (`reduce` over the matching variants' `field`, or its `switched` one),
# `lang` (a column of texts per language: the query's language, else the first). Entries without a value
# come last, in catalog order, also when descending; ties keep catalog order.
SORTS: dict[str, dict[str, Any]] = {
    "catalog": {"kind": "order"},
    "params": {"kind": "variants", "field": "params", "switched": {"active": "active"}, "reduce": "max"},
    "year": {"kind": "column", "column": "year", "missing": 0},
    "name": {"kind": "lang", "column": "sort_name"},
}
SORT_KEYS = tuple(SORTS)
DEFAULT_SORT = "catalog"
# The text search: a substring of `column`; matches of a name (an item of `exact`) come first.
# The text search: every word of the query (split at `split`) found in the record's text column, in any
# field and any order; a record whose names hold the whole query comes first. The site reads this too.
TEXT: dict[str, str] = {"column": "text", "exact": "names", "split": " "}


def data_columns() -> list[str]:
    """The entry columns the filters, sort keys and text search read (what the website's data file holds)."""
    columns: list[str] = []
    for spec in FILTERS:
        tests = [spec.entry] if spec.entry else []
        if spec.variant and spec.variant.fallback:
            tests.append(spec.variant.fallback)
        for test in tests:
            columns += [test.column] + ([test.exact] if test.exact else []) + list(test.switched.values())
    columns += [s["column"] for s in SORTS.values() if "column" in s] + [TEXT["column"], TEXT["exact"]]
    return list(dict.fromkeys(columns))


def variant_fields() -> list[str]:
    fields: list[str] = []
    for spec in FILTERS:
        if spec.variant:
            fields += [spec.variant.field, *spec.variant.switched.values()]
    for sort in SORTS.values():
        fields += ([sort["field"]] if "field" in sort else []) + list(sort.get("switched", {}).values())
    return list(dict.fromkeys(fields))


def spec(meta: dict[str, Any]) -> dict[str, Any]:
    """Everything the website's script needs to evaluate a query exactly as `run_query` does: the filters,
    the sort keys, the text search, the column types, the vocabularies the parsers check against and what
    white space is."""
    vocabularies = sorted({f.parser.data["vocabulary"] for f in FILTERS if "vocabulary" in f.parser.data})
    return {
        "filters": [f.describe() for f in FILTERS],
        "switches": [{"name": s.name, "help": s.help} for s in SWITCHES],
        "sorts": SORTS,
        "default_sort": DEFAULT_SORT,
        "text": TEXT,
        "columns": {name: COLUMN_TYPES[name] for name in data_columns()},
        "variant_fields": {name: VARIANT_FIELDS[name] for name in variant_fields()},
        "vocabularies": {name: sorted(meta.get(name, ())) for name in vocabularies},
        "commercial": {"classes": list(COMMERCIAL_CLASSES), "rank": dict(COMMERCIAL_RANK)},
        "param_units": dict(PARAM_UNITS),
        "white_space": white_space_class(),  # what normalize and the parsers strip and collapse
    }


# --- running a query -------------------------------------------------------------------------------------

Positions = list[int]


class Query:
    """A text (optional) and filter values by filter name, with sorting and a limit."""

    def __init__(
        self,
        text: str | None = None,
        filters: dict[str, Any] | None = None,
        active: bool = False,
        sort: str = DEFAULT_SORT,
        desc: bool = False,
        limit: int | None = None,
        lang: str = "",  # the language of the names sorted by (default: each text's first, the main language)
        switches: Collection[str] = (),
    ) -> None:
        self.text, self.filters = text, dict(filters or {})
        # the switches that are on (SWITCHES); `active` is one of them, kept as a parameter of its own
        self.switches = frozenset(switches) | ({"active"} if active else frozenset())
        unknown = self.switches - {s.name for s in SWITCHES}
        if unknown:
            raise QueryError(f"unknown switch {sorted(unknown)[0]!r} (accepted: {', '.join(s.name for s in SWITCHES)})")
        self.sort, self.desc, self.limit, self.lang = sort, desc, limit, lang

    @property
    def active(self) -> bool:
        return "active" in self.switches


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
    by_name = filter_by_name()
    for name in query.filters:
        if name not in by_name:
            raise QueryError(f"unknown filter {name!r} (accepted: {', '.join(by_name)})")
    parsed = []
    for spec in FILTERS:
        raw = query.filters.get(spec.name)
        if raw is None or raw is False:
            continue
        parsed.append((spec, spec.parse(raw, meta)))
    if query.sort not in SORTS:
        raise QueryError(f"unknown sort key {query.sort!r} (accepted: {', '.join(SORTS)})")
    if query.limit is not None and query.limit < 0:
        raise QueryError(f"--limit must be 0 or more, not {query.limit}")
    return parsed


def _narrow_entries(c: Compiled, candidates: Positions, test: EntryTest, value: Any) -> Positions:
    """The candidates whose column passes the test (inline comprehensions: no call per record)."""
    column = c.column(test.exact if test.exact and isinstance(value, Exact) else test.column)
    op = test.op
    if op == "eq":
        return [i for i in candidates if column[i] == value]
    if op == "ge":
        return [i for i in candidates if column[i] >= value]
    if op == "le":
        return [i for i in candidates if column[i] <= value]
    if op == "contains":
        return [i for i in candidates if value in column[i]]
    if op == "intersects":
        return [i for i in candidates if not value.isdisjoint(column[i])]
    if op == "in":
        return [i for i in candidates if column[i] in value]
    raise ValueError(f"unknown op {op!r}")


def _entry_passes(test: EntryTest, item: Any, value: Any) -> bool:
    op = test.op
    if op == "eq":
        return bool(item == value)
    if op == "ge":
        return bool(item >= value)
    if op == "le":
        return bool(item <= value)
    if op == "contains":
        return value in item
    if op == "intersects":
        return not value.isdisjoint(item)
    if op == "in":
        return item in value
    raise ValueError(f"unknown op {op!r}")


def _narrow_variants(
    c: Compiled, positions: Positions, test: VariantTest, value: Any, switches: frozenset[str]
) -> Positions:
    """The variant positions whose own value passes the test (or, without one, whose record passes the
    fallback). Numeric fields hold NAN for no value, which fails every comparison."""
    name = switched(test.field, test.switched, switches)
    own = c.variants.field(name)
    op = test.op
    fallback = test.fallback
    if fallback is None:
        if op == "ge":
            return [j for j in positions if own[j] >= value]
        if op == "le":
            return [j for j in positions if own[j] <= value]
        if op == "eq":
            return [j for j in positions if own[j] is not None and own[j] == value]
        if op == "in":
            return [j for j in positions if own[j] in value]
        raise ValueError(f"unknown op {op!r}")
    owner = c.variants.owner
    entry = c.column(switched(fallback.column, fallback.switched, switches))
    if op == "eq" and fallback.op == "contains":
        return [j for j in positions if (own[j] == value if own[j] is not None else value in entry[owner[j]])]
    if op == "in" and fallback.op == "intersects":
        return [
            j for j in positions if (own[j] in value if own[j] is not None else not value.isdisjoint(entry[owner[j]]))
        ]
    # any other pair of ops: the general (slower) form
    passes = {
        "eq": lambda x: x == value,
        "ge": lambda x: x >= value,
        "le": lambda x: x <= value,
        "in": lambda x: x in value,
    }[op]
    return [
        j
        for j in positions
        if (
            passes(own[j])
            if own[j] is not None and own[j] == own[j]
            else _entry_passes(fallback, entry[owner[j]], value)
        )
    ]


def _prefilter(
    c: Compiled, candidates: Positions, test: VariantTest, value: Any, switches: frozenset[str]
) -> Positions:
    """A cheap necessary condition on the record, derived from the variant test (only serves speed): for
    ge/le, the record's largest/smallest value (a record without variants is left to its blank variant); for
    eq/in, one of the values its variants and fallback hold."""
    name = switched(test.field, test.switched, switches)
    fallback = test.fallback
    if fallback is not None and fallback.switched:
        fallback = EntryTest(switched(fallback.column, fallback.switched, switches), fallback.op, fallback.exact)
    if test.op in ("ge", "le") and test.fallback is None:
        bound = f"{name}_{'max' if test.op == 'ge' else 'min'}"
        if bound not in COLUMNS:
            return candidates
        values, has = c.column(bound), c.column("has_variants")
        if test.op == "ge":
            return [i for i in candidates if not has[i] or values[i] >= value]
        return [i for i in candidates if not has[i] or values[i] <= value]
    if test.op in ("eq", "in") and (fallback is None or fallback.op in ("eq", "contains", "intersects")):
        present = c.any_of(VariantTest(name, test.op, fallback=fallback))
        if test.op == "eq":
            return [i for i in candidates if value in present[i]]
        return [i for i in candidates if not value.isdisjoint(present[i])]
    return candidates


def run_query(records: Sequence[Record], meta: dict[str, Any], query: Query) -> list[Match]:
    """The records that pass every filter (and contain the text), sorted as asked.

    (A query allocates only lists of ints and the matches: no tuple per variant, so that the cyclic
    garbage collector has little reason to run. A program querying a very large catalog may still gain a
    little by pausing the collector around the call; the library leaves that to the program.)"""
    parsed = _parsed(query, meta)
    c = compiled(records)
    switches = query.switches
    needle = normalize(query.text) if query.text and query.text.strip() else None
    candidates: Positions = list(range(len(records)))
    if needle is not None:
        # every word, in any field and any order: `東北大 BERT` finds 東北大's BERT models
        for word in dict.fromkeys(needle.split(TEXT["split"])):
            found = set(c.text_search(word))
            candidates = [i for i in candidates if i in found]
    for spec, value in parsed:
        if spec.entry is not None:
            candidates = _narrow_entries(c, candidates, spec.entry, value)
        elif spec.variant is not None:
            candidates = _prefilter(c, candidates, spec.variant, value, switches)
    variant_filters = [(spec.variant, value) for spec, value in parsed if spec.variant is not None]
    if not variant_filters:
        matches = [Match(c, i) for i in candidates]
    else:
        variants = c.variants
        start, owner, blank = variants.start, variants.owner, variants.blank
        # every variant position of the candidates (a record without variants has its blank one)
        positions: Positions = [j for i in candidates for j in range(start[i], start[i + 1])]
        for test, value in variant_filters:
            positions = _narrow_variants(c, positions, test, value, switches)
        # the passing positions grouped by record (they stay in record order); a record's match keeps its list
        # of passing variants only when some of its variants failed. One loop and no call per record but
        # Match (~26k matches at 100k entries: a function call each was a sixth of the query's time).
        matches = []
        append = matches.append
        current, kept = -1, []  # type: tuple[int, list[int]]
        for j in [*positions, -1]:  # -1: ends the last record's group
            i = owner[j] if j >= 0 else -1
            if i != current:
                if current >= 0:
                    first = start[current]
                    count = 0 if blank[first] else start[current + 1] - first
                    append(Match(c, current, None if len(kept) == count else kept))
                current, kept = i, []
            if j >= 0 and not blank[j]:
                kept.append(j)
    if needle is not None:
        names = c.column(TEXT["exact"])
        for match in matches:
            match.exact = needle in names[match.index]
    return _sort(matches, query)


def _sort(matches: list[Match], query: Query) -> list[Match]:
    in_order = matches  # candidates are visited in catalog order
    sort = SORTS[query.sort]
    if sort["kind"] == "order":
        ordered = in_order[::-1] if query.desc else in_order
    else:
        # a stable sort on the value alone: ties keep catalog order, also with --desc
        value_of = _sort_value(sort, query, matches[0]._compiled) if matches else None
        keyed = [(m, value_of(m)) for m in in_order] if value_of else []
        present = [pair for pair in keyed if pair[1] is not None]
        missing = [m for m, value in keyed if value is None]
        ordered = [m for m, _ in sorted(present, key=lambda pair: pair[1], reverse=query.desc)] + missing
    if query.text:
        ordered = [m for m in ordered if m.exact] + [m for m in ordered if not m.exact]
    return ordered[: query.limit] if query.limit is not None else ordered


def _sort_value(sort: dict[str, Any], query: Query, c: Compiled) -> Callable[[Match], Any]:
    """The function giving a match's sort value (None: no value) for a sort key of SORTS."""
    kind = sort["kind"]
    if kind == "column":
        column, missing = c.column(sort["column"]), sort.get("missing")
        return lambda m: None if column[m.index] == missing else column[m.index]
    if kind == "lang":
        column, lang = c.column(sort["column"]), query.lang

        def text(m: Match) -> Any:
            texts = column[m.index]
            return texts[lang] if lang in texts else next(iter(texts.values()), "")

        return text
    if kind == "variants":
        name = switched(sort["field"], sort.get("switched", {}), query.switches)
        sizes, start = c.variants.field(name), c.variants.start
        reduce = {"max": max, "min": min}[sort["reduce"]]

        def reduced(m: Match) -> Any:
            positions = m.kept if m.kept else range(start[m.index], start[m.index + 1])
            values = [sizes[j] for j in positions if sizes[j] == sizes[j]]  # NAN != NAN: no value
            return reduce(values) if values else None

        return reduced
    raise ValueError(f"unknown sort kind {kind!r}")
