"""The parameter-size chart: the Japanese models of the catalog by release year and parameter count, over a
grey background of other models (llm-jp/awesome-japanese-llm's `parameter_size_overview.csv`, copied in
`reference/`, see its README.md).

What is plotted and in which class is decided by `search.records.chart_point` (one rule: the chart draws it,
the site and the lists cite it); this module only draws. The catalog knows the year of a release, not its
month: the points of a year are spread across that year's band in catalog order so that they do not stack,
and the chart says so. The reference series has full dates.

Output is deterministic (a fixed `svg.hashsalt`, no date in the metadata): two runs give the same bytes.
The text is drawn with IPAexGothic from matplotlib-fontja (glyph outlines in the SVG, no tofu).
"""

from __future__ import annotations

import csv
import datetime
import gc
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator

# Importing matplotlib_fontja registers its font with matplotlib (and sets it as the process's default
# family); the chart names the family explicitly all the same.
from matplotlib_fontja import get_font_ttf_path  # type: ignore[import-untyped]

from ..catalog.core import Catalog
from ..errors import OutputError
from ..files import atomic_write
from ..search.records import CHART_CLASSES, build_records, chart_point
from .chart_words import chart_words

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["FONT_FAMILY", "ChartResult", "Charts", "chart_file_names", "chart_key", "chart_words", "write_charts"]

FONT_PATH = get_font_ttf_path()
if not any(font.fname == FONT_PATH for font in font_manager.fontManager.ttflist):
    font_manager.fontManager.addfont(FONT_PATH)
FONT_FAMILY = font_manager.FontProperties(fname=FONT_PATH).get_name()  # "IPAexGothic"


STYLE = {  # class -> (colour, marker); Okabe-Ito colours, told apart by shape too
    "scratch": ("#D55E00", "o"),
    "open": ("#0072B2", "s"),
    "closed": ("#009E73", "^"),
}
REFERENCE_COLOUR = "#BDBDBD"
POINTS_ID = "ja-llm-points-{}"  # the gid of a class's group of catalog points in the SVG (one link per point)
REFERENCE_ID = "ja-llm-reference"  # the gid of the reference series' group
REFERENCE_CSV = "parameter_size_overview.csv"
PLACEHOLDER = "#ja-llm-point"  # every point's link until _finish gives it its own
ATTRIBUTE = {'"': "&quot;"}  # escaped in an attribute besides & < >
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


@dataclass(frozen=True)
class _Point:
    entry_id: str
    names: dict[str, str]
    year: int
    x: float
    params: float
    kind: str


def _default_href(entry_id: str, lang: str) -> str:
    return entry_id + "/"


def _size_label(value: float) -> str:
    for unit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= unit:
            return f"{value / unit:.3g}{suffix}"
    return f"{value:.3g}"


def _fraction_of_year(day: datetime.date) -> float:
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _reference() -> tuple[list[float], list[float], datetime.date]:
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


def _points(records: list[dict[str, Any]]) -> tuple[list[_Point], list[tuple[str, str]]]:
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
        points.append(_Point(record["id"], dict(record["name"]), year, x, params, kind))
    return points, not_plotted


def _figure(
    points: list[_Point],
    reference: tuple[list[float], list[float], datetime.date],
    words: dict[str, str],
) -> Figure:
    """The chart: one scatter per class of catalog points, the reference behind. Each point is a link to
    PLACEHOLDER in the SVG; _finish gives it its address and title. (One scatter per point drew the same picture
    four times slower.)"""
    ref_x, ref_y, last = reference
    fig = Figure(figsize=(12, 8.4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_yscale("log")

    background = ax.scatter(ref_x, ref_y, s=18, c=REFERENCE_COLOUR, linewidths=0, zorder=2)
    background.set_gid(REFERENCE_ID)
    for kind in CHART_CLASSES:
        chosen = [point for point in points if point.kind == kind]
        if not chosen:
            continue
        colour, marker = STYLE[kind]
        dots = ax.scatter(
            [p.x for p in chosen],
            [p.params for p in chosen],
            s=64,
            c=colour,
            marker=marker,
            edgecolors="#333333",
            linewidths=0.7,
            zorder=3,
        )
        dots.set_gid(POINTS_ID.format(kind))
        dots.set_urls([PLACEHOLDER] * len(chosen))

    years = [int(x) for x in ref_x] + [p.year for p in points]
    first, end = min(years, default=2020), max(years, default=2020) + 1
    ax.set_xlim(first, end)
    ax.xaxis.set_major_locator(FixedLocator(list(range(first, end + 1))))  # year boundaries: the grid
    ax.xaxis.set_major_formatter(NullFormatter())
    ax.xaxis.set_minor_locator(FixedLocator([y + 0.5 for y in range(first, end)]))  # labels mid-year
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda value, _: str(int(value))))
    ax.tick_params(axis="x", which="minor", length=0, labelsize=11)
    for year in range(first, end, 2):
        ax.axvspan(year, year + 1, color="#F4F4F4", zorder=0, linewidth=0)

    counts = ref_y + [p.params for p in points]
    low, high = min(counts) / 1.8, max(counts) * 1.8
    ax.set_ylim(low, high)
    decades = [10.0**k for k in range(16) if low <= 10.0**k <= high]
    ax.yaxis.set_major_locator(FixedLocator(decades))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _size_label(value)))
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)) if len(decades) < 8 else NullLocator())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(axis="y", which="major", labelsize=11)
    ax.grid(True, which="major", color="#CCCCCC", linewidth=0.6, zorder=1)
    ax.set_axisbelow(True)

    ax.set_xlabel(words["x"], fontsize=12)
    ax.set_ylabel(words["y"], fontsize=12)
    fig.suptitle(words["title"], fontsize=17)
    ax.set_title(words["note"], fontsize=10, color="#444444")

    handles = []
    for kind in CHART_CLASSES:
        colour, marker = STYLE[kind]
        count = sum(1 for p in points if p.kind == kind)
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=marker,
                markersize=9,
                markerfacecolor=colour,
                markeredgecolor="#333333",
                label=words["count"].format(label=words[kind], count=count),
            )
        )
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=6,
            markerfacecolor=REFERENCE_COLOUR,
            markeredgewidth=0,
            label=words["count"].format(
                label=words["reference"].format(year=last.year, month=last.month), count=len(ref_x)
            ),
        )
    )
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=2, frameon=False, fontsize=11)
    return fig


# a class's group of points: its links, one per point in the order of the points of that class
_GROUP = re.compile(r'(\n *)<g id="ja-llm-points-([a-z]+)">(.*?)\1</g>', re.S)  # closes at its own indent
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


def _draw(
    points: list[_Point], reference: tuple[list[float], list[float], datetime.date], words: dict[str, str], lang: str
) -> tuple[str, bytes]:
    """The SVG (links not filled in yet) and the PNG of one language's chart."""
    rc: dict[RcKeyType, Any] = {
        "font.family": [FONT_FAMILY],  # one family: a glyph it lacks warns instead of falling back silently
        "svg.fonttype": "path",  # glyph outlines, not text that needs the font installed
        "svg.hashsalt": "ja-llm-chart",  # stable ids: identical bytes on every run
        "axes.unicode_minus": False,
        # no layout engine by default: set_layout_engine(None) below then removes the figure's own
        "figure.autolayout": False,
        "figure.constrained_layout.use": False,
    }
    with matplotlib.rc_context(rc):
        fig = _figure(points, reference, words)
        svg_buffer = io.StringIO()
        fig.savefig(svg_buffer, format="svg", metadata={"Date": None, "Title": words["title"], "Language": lang})
        # the layout (constrained: in inches, the same at any dpi) was computed for the SVG: the PNG keeps it
        # instead of computing it again (a third of the chart's time). No engine at all (set_layout_engine
        # ("none") leaves a placeholder engine, and with any engine savefig first draws the whole figure once
        # without rendering it: ~0.03 s a language for nothing; the PNG is byte-identical without it)
        fig.set_layout_engine(None)
        png_buffer = io.BytesIO()
        fig.savefig(png_buffer, format="png", dpi=120, metadata={"Software": None})
    return svg_buffer.getvalue(), png_buffer.getvalue()


KEY_MARK = "<!-- ja-llm chart inputs: "  # then the key, then " -->", on the SVG's second line


class Charts:
    """The chart of every language of a catalog, each drawn once (the slow part: matplotlib), then given
    its links as many times as asked — the site links a point to its entry's page, the committed lists to the
    model's Hugging Face page."""

    def __init__(self, catalog: Catalog, records: list[dict[str, Any]] | None = None) -> None:
        self.languages = list(catalog.info.languages)
        self.points, self.not_plotted = _points(records if records is not None else build_records(catalog))
        self.reference = _reference()
        self.words = {lang: chart_words(lang, self.languages, catalog.ui) for lang in self.languages}
        self.drawn = {}
        for lang in self.languages:
            self.drawn[lang] = _draw(self.points, self.reference, self.words[lang], lang)
            # A figure is a web of reference cycles (figure, canvas, axes, artists) that holds its Agg canvas
            # (~6 MB of pixels) until the collector next runs, which can be after the build: collected now,
            # the cold build's whole tree peaked 152 -> 137-141 MB (PSS, the shipped catalog).
            gc.collect()

    def _links(self, lang: str, entry_href: Callable[[str, str], str]) -> dict[str, list[tuple[str, str]]]:
        links: dict[str, list[tuple[str, str]]] = {}
        for point in self.points:
            name = point.names.get(lang) or point.names[self.languages[0]]
            title = f"{name} ({_size_label(point.params)}, {point.year})"
            links.setdefault(point.kind, []).append((entry_href(point.entry_id, lang), title))
        return links

    def svg(self, lang: str, entry_href: Callable[[str, str], str]) -> str:
        """The SVG of `lang`, each point a link to `entry_href(entry_id, lang)` titled with the model's name."""
        return _finish(self.drawn[lang][0], self._links(lang, entry_href))

    def png(self, lang: str) -> bytes:
        return self.drawn[lang][1]

    def keyed_svg(self, lang: str, entry_href: Callable[[str, str], str]) -> str:
        """The SVG for a file kept under version control (the committed lists), with a key of what it was drawn
        from — the points, their titles and links, the reference series, the words, this module's source — so
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
        key = hashlib.sha256(inputs.encode("utf-8") + Path(__file__).read_bytes()).hexdigest()[:16]
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
