"""What the parameter-size chart shows, as plain data: shared by the catalog's side (render.chart: which entries
are points, their links, the files) and the drawing process (render.chart_draw: matplotlib). Neither
matplotlib nor the catalog's models are imported here, so that the drawing process stays small (see
render.chart.Drawer).

A drawing request is a dict of plain values (marshal carries it between the processes): `points`, one
(entry id, year, x, parameter count, class) tuple per catalog point, in catalog order; `classes`, the classes in
the legend's order; `reference`, the reference series' x values and counts and its last date (ISO); `words`,
language -> the chart's words (render.chart_words). The answer: language -> (SVG with PLACEHOLDER links, PNG).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from importlib import resources
from typing import Any

POINTS_ID = "ja-llm-points-{}"  # the gid of a class's group of catalog points in the SVG (one link per point)
REFERENCE_ID = "ja-llm-reference"  # the gid of the reference series' group
REFERENCE_CSV = "parameter_size_overview.csv"
PLACEHOLDER = "#ja-llm-point"  # every point's link until render.chart gives it its own

Reference = tuple[list[float], list[float], datetime.date]
Request = dict[str, Any]
Drawn = dict[str, tuple[str, bytes]]  # language -> (SVG with PLACEHOLDER links, PNG)


@dataclass(frozen=True)
class Point:
    entry_id: str
    names: dict[str, str]
    year: int
    x: float
    params: float
    kind: str


def size_label(value: float) -> str:
    for unit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= unit:
            return f"{value / unit:.3g}{suffix}"
    return f"{value:.3g}"


def _fraction_of_year(day: datetime.date) -> float:
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def reference() -> Reference:
    """The reference series (x as fractional years, parameter counts) and its last date; rows without a
    parameter count (22 of them) are not drawn."""
    text = (resources.files(__package__) / "reference" / REFERENCE_CSV).read_text(encoding="utf-8")
    xs: list[float] = []
    counts: list[float] = []
    last = datetime.date.min
    for row in csv.DictReader(io.StringIO(text)):
        day = datetime.datetime.strptime(row["Announced"], "%Y/%m/%d").date()
        billions = float(row["Parameters(B)"] or 0)
        if billions > 0:
            xs.append(_fraction_of_year(day))
            counts.append(billions * 1e9)
            last = max(last, day)
    return xs, counts, last


def request(
    points: list[Point], classes: tuple[str, ...], series: Reference, words: dict[str, dict[str, str]]
) -> Request:
    """The drawing request of these points (see the module's docstring)."""
    xs, counts, last = series
    return {
        "points": [(p.entry_id, p.year, p.x, p.params, p.kind) for p in points],
        "classes": list(classes),
        "reference": (xs, counts, last.isoformat()),
        "words": words,
    }
