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


def looks_like_size(text: str) -> bool:
    try:
        parse_size(text)
    except SizeError:
        return False
    return True
