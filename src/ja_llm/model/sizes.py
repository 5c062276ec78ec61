"""Parameter sizes as the list writes them: `7b`, `1b(1.4b)`, `8x70b (465b)`, `355b-A32B`, `xl(1.5b)`, `110m`.

A size text is kept as written in the catalog; this module turns it into numbers (total and active
parameters). Named sizes without a number (`small`, `base`) are labels, not sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SizeError
from .units import PARAM_UNITS, format_params

_NUM = r"(\d+(?:\.\d+)?)\s*([kmbt])"
_PLAIN = re.compile(rf"^{_NUM}$", re.IGNORECASE)
_EXPERTS = re.compile(rf"^(\d+)\s*[x×]\s*{_NUM}$", re.IGNORECASE)
_ACTIVE = re.compile(rf"^{_NUM}\s*-\s*a\s*{_NUM}$", re.IGNORECASE)
_PAREN = re.compile(r"^(.*?)\s*\((.+)\)$")


@dataclass(frozen=True)
class Size:
    total: float  # parameters
    active: float | None = None  # active parameters of a mixture of experts

    def __str__(self) -> str:
        text = format_params(self.total)
        if self.active is not None:
            text += f" (active {format_params(self.active)})"
        return text


def _value(number: str, unit: str) -> float:
    return float(number) * PARAM_UNITS[unit.lower()]


def _parse_core(text: str) -> Size | None:
    text = text.strip()
    if match := _PLAIN.match(text):
        return Size(_value(*match.groups()))
    if match := _EXPERTS.match(text):
        count, number, unit = match.groups()
        return Size(int(count) * _value(number, unit))
    if match := _ACTIVE.match(text):
        total_n, total_u, active_n, active_u = match.groups()
        return Size(_value(total_n, total_u), _value(active_n, active_u))
    return None


MAX_PARAMS = 1e15  # a thousand trillion: far beyond any model, and a finite number for every stage


def parse_size(text: str) -> Size:
    """Parse a size text; raise SizeError when it is not one, or when it is beyond MAX_PARAMS.

    `1b(1.4b)` and `xl(1.5b)`: the parenthesised number is the exact count. `8x70b (465b)`: 465b in total.
    `355b-A32B`: 355b in total, 32b active.
    """
    size = _parse(text)
    for value in (size.total, size.active):
        if value is not None and not value <= MAX_PARAMS:  # also catches inf and nan
            raise SizeError(text, "more parameters than any model has (at most 1000t)")
    return size


def _parse(text: str) -> Size:
    raw = text.strip()
    if not raw:
        raise SizeError(text, "empty size")
    if match := _PAREN.match(raw):
        outer, inner = match.groups()
        exact = _parse_core(inner)
        if exact is not None:
            outer_size = _parse_core(outer) if outer else None
            if outer_size is not None and outer_size.active is not None and exact.active is None:
                return Size(exact.total, outer_size.active)
            return exact
    size = _parse_core(raw)
    if size is None:
        raise SizeError(text, "expected a size such as 7b, 1.4B, 500m, 8x70b (465b) or 355b-A32B")
    return size


def experts_product(text: str) -> bool:
    """`8x13b` alone: the experts multiplied, more than a mixture's total (its layers share attention and
    embeddings) and no active count. `8x13b (73b-A22b)` gives both exactly."""
    return _EXPERTS.match(text.strip()) is not None


def looks_like_size(text: str) -> bool:
    try:
        parse_size(text)
    except SizeError:
        return False
    return True


# A parameter count inside a name: `ruri-v3-30m`, `Tanuki-8x8B`, `Qwen3-1.7B` (not `1_6b`: its `6b` follows an
# underscore; not `32k`, a context; not `A3B` alone, an active count)
_NAME_SIZE = re.compile(r"(?<![A-Za-z0-9._])(\d+x\d+(?:\.\d+)?[mbtMBT]|\d+(?:\.\d+)?[mbtMBT])(?![A-Za-z0-9])")
MIN_NAMED_PARAMS = 10e6  # `scratch-2m` names 2M training sentences, not a model of 2M parameters


def size_in_name(label: str | None, repo: str | None) -> str | None:
    """The parameter count a variant's label states, else its repo name (`cl-nagoya/ruri-v3-30m` -> `30m`):
    only when exactly one count is named and it is a plausible model size."""
    for name in (label or "", (repo or "").rsplit("/", 1)[-1]):
        found = {match.lower() for match in _NAME_SIZE.findall(name.replace("**", ""))}
        if len(found) == 1:
            size = found.pop()
            if looks_like_size(size) and parse_size(size).total >= MIN_NAMED_PARAMS:
                return size
            return None
        if found:
            return None  # two counts in one name: not a statement of its size
    return None
