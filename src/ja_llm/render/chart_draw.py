"""Drawing the parameter-size chart: the one module that imports matplotlib (with matplotlib-fontja's
IPAexGothic, the glyph outlines in the SVG: no tofu). It draws what a request says (render.chart_data: plain
points, words and the reference series, made by render.chart from the catalog), the SVG and the PNG of each
language, and knows nothing of the catalog.

Run as a program (`python -m ja_llm.render.chart_draw`: render.chart.Drawer), it reads one request from its
standard input and writes the pictures to its standard output (both marshal). A build starts it first thing:
matplotlib (~50 MB, ~0.4 s to import) is then imported while the build loads and prepares, in a process of its
own that holds nothing else — not in a copy of the build's process, which holds the catalog (a forked process
counted it twice in the tree's memory). tests/ check that this module imports neither the catalog nor its
models (import-linter's contract in pyproject.toml).

Output is deterministic (a fixed `svg.hashsalt`, no date in the metadata): two runs give the same bytes.
"""

from __future__ import annotations

import datetime
import gc
import io
import marshal
import os
import signal
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator

# Importing matplotlib_fontja registers its font with matplotlib (and sets it as the process's default
# family); the chart names the family explicitly all the same.
from matplotlib_fontja import get_font_ttf_path  # type: ignore[import-untyped]

from ..process import die_with
from .chart_data import PLACEHOLDER, POINTS_ID, REFERENCE_ID, Drawn, Reference, Request, size_label

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

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


class _Dot(NamedTuple):
    """A catalog point as drawn (render.chart_data.Point without the names, which only its link shows)."""

    entry_id: str
    year: int
    x: float
    params: float
    kind: str


def draw(request: Request) -> Drawn:
    """The chart of every language of the request: language -> (SVG with PLACEHOLDER links, PNG)."""
    return _draw_all(*_read(request))


def _draw_all(points: list[_Dot], reference: Reference, words: dict[str, dict[str, str]], classes: list[str]) -> Drawn:
    drawn: Drawn = {}
    for lang, said in words.items():
        drawn[lang] = _draw(points, reference, said, classes, lang)
        # A figure is a web of reference cycles (figure, canvas, axes, artists) that holds its Agg canvas
        # (~6 MB of pixels) until the collector next runs: collected now, the next language reuses the memory.
        gc.collect()
    return drawn


def _read(request: Request) -> tuple[list[_Dot], Reference, dict[str, dict[str, str]], list[str]]:
    """A request's parts (render.chart_data), checked: ValueError when it is not one."""
    try:
        points = [_Dot(str(e), int(y), float(x), float(n), str(k)) for e, y, x, n, k in request["points"]]
        xs, counts, last = request["reference"]
        reference = ([float(x) for x in xs], [float(n) for n in counts], datetime.date.fromisoformat(last))
        words = {str(lang): {str(k): str(v) for k, v in said.items()} for lang, said in request["words"].items()}
        classes = [str(kind) for kind in request["classes"]]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
    return points, reference, words, classes


def _figure(points: list[_Dot], reference: Reference, words: dict[str, str], classes: list[str]) -> Figure:
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
    for kind in classes:
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
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: size_label(value)))
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
    for kind in classes:
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


def _draw(
    points: list[_Dot], reference: Reference, words: dict[str, str], classes: list[str], lang: str
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
        fig = _figure(points, reference, words, classes)
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


def main() -> None:
    """The drawing process: one request from standard input, its pictures to standard output (marshal)."""
    if len(sys.argv) > 1:
        die_with(int(sys.argv[1]))  # the build that started it: killed, this process goes too
    # Ctrl-C reaches every process of the terminal's group: the build stops this one (render.chart.Drawer)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # matplotlib's modules (~35 MB of objects) live as long as this process: out of the collector's sight,
    # each collection (one after every language, see _draw_all) walks only the drawing's own objects
    # (measured: the process drawing the shipped catalog, imports included, 1.41 -> 1.24 s median of 8)
    gc.freeze()
    try:
        parts = _read(marshal.load(sys.stdin.buffer))
    except EOFError:  # the build stopped before asking (an error there): nothing to draw
        return
    except (ValueError, TypeError) as exc:
        sys.exit(f"error: the chart's drawing request is not one ({exc})")
    answer: Any = _draw_all(*parts)
    try:
        marshal.dump(answer, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # the build stopped reading (an error there)
        os._exit(1)


if __name__ == "__main__":
    main()
