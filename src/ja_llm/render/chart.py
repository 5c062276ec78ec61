"""The parameter-size chart: the Japanese models of the catalog by release year and parameter count, over a
grey background of other models (llm-jp/awesome-japanese-llm's `parameter_size_overview.csv`, copied in
`reference/`, see its README.md).

What is plotted and in which class is decided by `search.records.chart_point` (one rule: the chart draws it,
the site and the lists cite it). This module turns the catalog into a drawing request (render.chart_data)
and the pictures drawn into files: render.chart_draw draws them with matplotlib, in this process (Charts
without a Drawer: the lists' check) or in a process of its own (Drawer: a site build, which goes on with its
pages meanwhile). The catalog knows the year of a release, not its month: the points of a year are spread
across that year's band in catalog order so that they do not stack, and the chart says so. The reference
series has full dates.

Output is deterministic (a fixed `svg.hashsalt`, no date in the metadata): two runs give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..errors import OutputError
from ..files import atomic_write
from ..search.records import CHART_CLASSES, build_records, chart_point
from .chart_data import PLACEHOLDER, POINTS_ID, Drawn, Point, reference, request, size_label
from .chart_process import Drawer
from .chart_words import chart_words

if TYPE_CHECKING:
    from ..catalog.core import Catalog

__all__ = ["ChartResult", "Charts", "chart_file_names", "chart_key", "chart_words", "write_charts"]

ATTRIBUTE = {'"': "&quot;"}  # escaped in an attribute besides & < >
CODE = ("chart.py", "chart_data.py", "chart_draw.py")  # the chart's code, beside this module: in its key
BAND = 0.08  # points of a year keep this fraction of the year free on each side


def chart_file_names(lang: str) -> tuple[str, str]:
    """The SVG and PNG file names of a language's chart."""
    return f"parameters-{lang}.svg", f"parameters-{lang}.png"


@dataclass
class ChartResult:
    """What write_charts did: the files written (SVG then PNG per language), the ids of the plotted entries
    and (entry id, reason) for every entry that is not plotted, in catalog order."""

    files: list[Path] = field(default_factory=list)
    plotted: list[str] = field(default_factory=list)
    not_plotted: list[tuple[str, str]] = field(default_factory=list)


def _default_href(entry_id: str, lang: str) -> str:
    return entry_id + "/"


def _points(records: list[dict[str, Any]]) -> tuple[list[Point], list[tuple[str, str]]]:
    placed: list[tuple[dict[str, Any], tuple[int, float, str]]] = []
    not_plotted: list[tuple[str, str]] = []
    for record in records:
        where = chart_point(record)
        if isinstance(where, str):
            not_plotted.append((record["id"], where))
        else:
            placed.append((record, where))
    per_year: dict[int, int] = {}
    for _, (year, _, _) in placed:
        per_year[year] = per_year.get(year, 0) + 1
    seen: dict[int, int] = {}
    points = []
    for record, (year, params, kind) in placed:
        position = seen.get(year, 0)
        seen[year] = position + 1
        x = year + BAND + (1 - 2 * BAND) * (position + 0.5) / per_year[year]
        points.append(Point(record["id"], dict(record["name"]), year, x, params, kind))
    return points, not_plotted


# a class's group of points: its links, one per point in the order of the points of that class
_GROUP = re.compile(  # closes at its own indent
    r'(\n *)<g id="' + re.escape(POINTS_ID.format("")) + r'([a-z]+)">(.*?)\1</g>', re.S
)
_ANCHOR = re.compile(r'<a xlink:href="' + re.escape(PLACEHOLDER) + '" target="_blank">')


def _finish(svg: str, links: dict[str, list[tuple[str, str]]]) -> str:
    """Give each catalog point's link its address and a <title> (its tooltip and accessible name), and let it
    open like any link of the chart page (target _top instead of matplotlib's _blank); the picture fills its
    frame. `links`: class -> (href, title) of its points in order. Every point must be found: matplotlib's SVG
    is checked."""
    found = dict.fromkeys(links, 0)

    def group(match: re.Match[str]) -> str:
        kind = match.group(2)
        items = links.get(kind, [])

        def anchor(_: re.Match[str]) -> str:
            n = found[kind]
            found[kind] = n + 1
            if n >= len(items):
                raise RuntimeError(f"the chart's SVG has more {kind} points than the catalog")
            href, title = items[n]
            # target _top: shown in the site's chart page (an iframe), a point opens its entry in the page
            return f'<a xlink:href="{escape(href, ATTRIBUTE)}" target="_top">\n    <title>{escape(title)}</title>'

        return match.group(0).replace(match.group(3), _ANCHOR.sub(anchor, match.group(3)), 1)

    svg = _GROUP.sub(group, svg)
    # as wide as its frame (the viewBox keeps the proportions): the chart page shows it in an iframe
    svg = re.sub(r'(<svg [^>]*?)width="[^"]*" height="[^"]*"', r'\1width="100%" height="100%"', svg, count=1)
    missing = {kind: len(items) - found[kind] for kind, items in links.items() if found[kind] != len(items)}
    if missing:
        raise RuntimeError(f"the chart's SVG lacks points of these classes: {missing}")
    return svg


KEY_MARK = "<!-- ja-llm chart inputs: "  # then the key, then " -->", on the SVG's second line


class Charts:
    """The chart of every language of a catalog, each drawn once (the slow part: matplotlib), then given
    its links as many times as asked — the site links a point to its entry's page, the committed lists to the
    model's Hugging Face page. Drawn in this process, or by `drawer` (a Drawer: the request is sent at once,
    the pictures are waited for when first used)."""

    def __init__(
        self, catalog: Catalog, records: list[dict[str, Any]] | None = None, drawer: Drawer | None = None
    ) -> None:
        self.languages = list(catalog.info.languages)
        self.points, self.not_plotted = _points(records if records is not None else build_records(catalog))
        self.reference = reference()
        self.words = {lang: chart_words(lang, self.languages, catalog.ui) for lang in self.languages}
        asked = request(self.points, CHART_CLASSES, self.reference, self.words)
        self._drawer = drawer
        self._drawn: Drawn | None = None
        if drawer is None:
            from .chart_draw import draw  # matplotlib, imported here only when drawn in this process

            self._drawn = draw(asked)
        else:
            drawer.draw(asked)

    def ready(self) -> bool:
        """Whether the pictures are drawn (using them then waits for nothing)."""
        return self._drawn is not None or (self._drawer is not None and self._drawer.ready())

    @property
    def drawn(self) -> Drawn:
        """Language -> (SVG with placeholder links, PNG); waits for the drawing process if there is one."""
        if self._drawn is None:
            assert self._drawer is not None
            self._drawn = self._drawer.drawn()
        return self._drawn

    def _links(self, lang: str, entry_href: Callable[[str, str], str]) -> dict[str, list[tuple[str, str]]]:
        links: dict[str, list[tuple[str, str]]] = {}
        for point in self.points:
            name = point.names.get(lang) or point.names[self.languages[0]]
            title = f"{name} ({size_label(point.params)}, {point.year})"
            links.setdefault(point.kind, []).append((entry_href(point.entry_id, lang), title))
        return links

    def svg(self, lang: str, entry_href: Callable[[str, str], str]) -> str:
        """The SVG of `lang`, each point a link to `entry_href(entry_id, lang)` titled with the model's name."""
        return _finish(self.drawn[lang][0], self._links(lang, entry_href))

    def png(self, lang: str) -> bytes:
        return self.drawn[lang][1]

    def keyed_svg(self, lang: str, entry_href: Callable[[str, str], str]) -> str:
        """The SVG for a file kept under version control (the committed lists), with a key of what it was drawn
        from — the points, their titles and links, the reference series, the words, the chart's code (this
        module, render.chart_data and render.chart_draw) — so
        that a check can tell a stale chart from a current one without comparing bytes that another matplotlib
        version would draw slightly differently."""
        links = self._links(lang, entry_href)
        inputs = repr(
            (
                lang,
                [(p.entry_id, p.x, p.params, p.kind, p.names) for p in self.points],
                links,
                self.reference,
                self.words[lang],
            )
        )
        code = b"".join((Path(__file__).parent / name).read_bytes() for name in CODE)
        key = hashlib.sha256(inputs.encode("utf-8") + code).hexdigest()[:16]
        head, _, rest = _finish(self.drawn[lang][0], links).partition("\n")
        return f"{head}\n{KEY_MARK}{key} -->\n{rest}"


def chart_key(svg: str) -> str | None:
    """The inputs key an SVG of Charts.keyed_svg carries (None: not one of them)."""
    start = svg.find(KEY_MARK)
    end = svg.find(" -->", start)
    return svg[start + len(KEY_MARK) : end] if start >= 0 and end > start else None


def write_charts(
    catalog: Catalog,
    folder: Path,
    entry_href: Callable[[str, str], str] | None = None,
    charts: Charts | None = None,
) -> ChartResult:
    """Write the parameter-size chart of every language of the catalog into `folder` (created if needed):
    `parameters-<lang>.svg` and `parameters-<lang>.png` (see chart_file_names), each file atomically.
    `charts`: the catalog's charts if already drawn.

    In the SVG each catalog point is a link, `entry_href(entry_id, lang)` (default: the entry id and "/"),
    with a <title> naming the model in that language, its size and year. Embed the SVG inline or with
    <object> for the links to work (not with <img>). Raises OutputError when the folder cannot be written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)  # first: a folder that cannot be written fails fast
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write ({exc.strerror or exc})") from None
    href = entry_href or _default_href
    charts = charts or Charts(catalog)
    result = ChartResult(plotted=[p.entry_id for p in charts.points], not_plotted=list(charts.not_plotted))
    for lang in charts.languages:
        svg_name, png_name = chart_file_names(lang)
        atomic_write(folder / svg_name, charts.svg(lang, href))
        atomic_write(folder / png_name, charts.png(lang))
        result.files += [folder / svg_name, folder / png_name]
    return result
