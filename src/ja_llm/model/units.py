"""Parameter counts for people: `1.4B`, `110M`, `1B–13B` (light: used on the `ja-llm search` hot path)."""

from __future__ import annotations

from collections.abc import Iterable

# The one definition of parameter-count units, read by the size parser, the search's --min-params and the
# website (exported with its filter spec).
PARAM_UNITS = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def format_params(value: float | None) -> str:
    """Human form of a parameter count: 1.4B, 110M ("" for None)."""
    if value is None:
        return ""
    for unit, factor in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if value >= factor:
            return f"{value / factor:.2f}".rstrip("0").rstrip(".") + unit
    return str(int(value))


def params_range(values: Iterable[float | None]) -> str:
    """`465B`, or `1B–13B` for variants of several sizes ("" when none has a size)."""
    known = [v for v in values if v is not None and v == v]  # v == v: not NaN
    if not known:
        return ""
    low, high = min(known), max(known)
    return format_params(high) if low == high else f"{format_params(low)}–{format_params(high)}"
