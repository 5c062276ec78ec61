"""The parameter-size chart (ja_llm.render.chart): one SVG and PNG per language, every plotted entry a titled
link, the reference series behind, Japanese text in the bundled font, identical bytes on every run."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib_fontja import get_font_ttf_path  # type: ignore[import-untyped]

from ja_llm.api import Catalog
from ja_llm.errors import OutputError
from ja_llm.render import chart
from ja_llm.render.chart import ChartResult, Charts, Drawer, chart_file_names, write_charts
from ja_llm.render.chart_draw import FONT_FAMILY
from ja_llm.render.chart_words import WORD_KEYS, chart_words, shipped_words
from ja_llm.search.records import build_records, chart_point

# A glyph missing from the chart's font is an error in every test here (matplotlib warns, then draws tofu).
pytestmark = pytest.mark.filterwarnings("error:Glyph .* missing from font")

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"
REFERENCE = Path(chart.__file__).parent / "reference" / "parameter_size_overview.csv"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def href(entry_id: str, lang: str) -> str:
    return f"../{lang}/entries/{entry_id}/?from=chart&lang={lang}"  # a '&' to escape


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def written(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ChartResult]:
    folder = tmp_path_factory.mktemp("図表") / "チャート 出力"
    return folder, write_charts(shipped, folder, href)


def point_links(svg: Path) -> dict[str, str]:
    """href -> <title> text of every catalog point's link in a chart SVG."""
    root = ET.parse(svg).getroot()
    links: dict[str, str] = {}
    for group in root.iter(f"{SVG}g"):
        if not group.get("id", "").startswith("ja-llm-points-"):
            continue
        for anchor in group.iter(f"{SVG}a"):
            title = anchor.find(f"{SVG}title")
            assert title is not None, group.get("id")
            assert title.text, group.get("id")
            assert anchor.get("target") == "_top"  # opens in the page that shows the chart, not a new window
            links[anchor.get(XLINK_HREF) or anchor.get("href") or ""] = title.text
    return links


def test_an_svg_and_a_png_per_language(shipped: Catalog, written: tuple[Path, ChartResult]) -> None:
    folder, result = written
    expected = [folder / name for lang in shipped.info.languages for name in chart_file_names(lang)]
    assert result.files == expected
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in expected)  # no temporary file left
    for lang in shipped.info.languages:
        svg, png = (folder / name for name in chart_file_names(lang))
        assert svg.name == f"parameters-{lang}.svg"
        assert png.name == f"parameters-{lang}.png"
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        root = ET.parse(svg).getroot()
        assert root.tag == f"{SVG}svg"
        title = root.find(f"{SVG}title")
        assert title is not None
        assert title.text == shipped_words()[lang]["title"]
        text = svg.read_text(encoding="utf-8")
        assert "<dc:date>" not in text


def test_plotted_and_not_plotted_follow_chart_point(shipped: Catalog, written: tuple[Path, ChartResult]) -> None:
    _, result = written
    records = build_records(shipped)
    assert len(result.plotted) + len(result.not_plotted) == len(records)
    points = {r["id"]: chart_point(r) for r in records}
    assert result.plotted == [i for i, p in points.items() if not isinstance(p, str)]
    assert result.not_plotted == [(i, p) for i, p in points.items() if isinstance(p, str)]
    assert {reason for _, reason in result.not_plotted} >= {"not a model", "no parameter count"}


def test_every_plotted_entry_is_a_titled_link(shipped: Catalog, written: tuple[Path, ChartResult]) -> None:
    folder, result = written
    names = {r["id"]: r["name"] for r in build_records(shipped)}
    for lang in shipped.info.languages:
        links = point_links(folder / chart_file_names(lang)[0])
        assert len(links) == len(result.plotted), lang
        for entry_id in result.plotted:
            title = links[href(entry_id, lang)]
            assert title.startswith(names[entry_id][lang] + " ("), (lang, entry_id, title)


def test_the_reference_series_is_drawn(written: tuple[Path, ChartResult]) -> None:
    folder, _ = written
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 479
    with_count = [row for row in rows if row["Parameters(B)"]]
    root = ET.parse(folder / "parameters-en.svg").getroot()
    groups = [g for g in root.iter(f"{SVG}g") if g.get("id") == "ja-llm-reference"]
    assert len(groups) == 1
    assert len(list(groups[0].iter(f"{SVG}use"))) == len(with_count)
    assert f"({len(with_count)})" in (folder / "parameters-en.svg").read_text(encoding="utf-8")  # its legend


def test_japanese_text_is_drawn_with_the_bundled_font(written: tuple[Path, ChartResult]) -> None:
    folder, _ = written
    assert FONT_FAMILY == "IPAexGothic"
    found = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    assert Path(found) == Path(get_font_ttf_path())
    for lang in ("ja", "en", "fr"):
        text = (folder / f"parameters-{lang}.svg").read_text(encoding="utf-8")
        assert f"<!-- {shipped_words()[lang]['title']} -->" in text  # the title is drawn as text (glyph outlines)...
        glyph_fonts = set(re.findall(r'<path id="([A-Za-z][\w]*)-[0-9a-f]+"', text))
        assert glyph_fonts == {"IPAexGothic"}, glyph_fonts  # ...and every glyph comes from the bundled font


def test_a_missing_glyph_would_fail_these_tests() -> None:
    """The filter of this module catches what tofu would be: a glyph the font lacks."""
    with matplotlib.rc_context({"font.family": [FONT_FAMILY]}):
        figure = Figure()
        figure.text(0.5, 0.5, "\N{SLIGHTLY SMILING FACE}")
        with pytest.raises(UserWarning, match="missing from font"):
            figure.savefig(io.StringIO(), format="svg")


def test_two_runs_give_identical_bytes(
    shipped: Catalog, written: tuple[Path, ChartResult], tmp_path_factory: pytest.TempPathFactory
) -> None:
    first, _ = written
    again = tmp_path_factory.mktemp("再実行")
    result = write_charts(shipped, again, href)
    for path in result.files:
        assert path.read_bytes() == (first / path.name).read_bytes(), path.name


def test_the_drawing_process_draws_what_this_process_draws(shipped: Catalog) -> None:
    """A site build draws in a process of its own (Drawer): the same bytes, SVG and PNG, in every language."""
    records = build_records(shipped)
    here = Charts(shipped, records)
    drawer = Drawer()
    try:
        there = Charts(shipped, records, drawer)
        assert there.drawn == here.drawn
        assert there.ready()
        assert drawer.process.returncode == 0
    finally:
        drawer.stop()


def test_the_drawing_process_holds_matplotlib_and_nothing_of_the_catalog() -> None:
    """What makes it a process of its own worth having: it imports neither the catalog's models nor the
    pages' or the lists' code (the import contract says the same of its modules; this checks the packages'
    __init__ too)."""
    heavy = ("pydantic", "jinja2", "markdown_it", "ja_llm.catalog", "ja_llm.model", "ja_llm.search", "ja_llm.site")
    code = (
        "import sys, ja_llm.render.chart_draw; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m.startswith({heavy!r})))"
    )
    done = subprocess.run([*Drawer.COMMAND[:1], "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (
        "matplotlib"
        in subprocess.run(
            [*Drawer.COMMAND[:1], "-c", "import sys, ja_llm.render.chart_draw; print(sorted(sys.modules))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def test_a_process_that_builds_again_keeps_a_spare_drawing_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve` (what it keeps: memo.Kept) updates again and again: after an update that drew the chart, a
    drawing process is started for the next one (its imports done before it is asked), and taken by it."""
    from ja_llm.memo import Kept
    from ja_llm.site.pipeline import build_site

    monkeypatch.setattr(Drawer, "_spare", None)
    root = tmp_path / "カタログ"
    shutil.copytree(MINI, root)
    kept = Kept()
    build_site(Catalog.load(root), tmp_path / "サイト", kept=kept)  # from scratch
    alpha = root / "models" / "acme" / "alpha.toml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace('name = "Alpha"', 'name = "Alpha 2"'), "utf-8")
    build_site(Catalog.load(root), tmp_path / "サイト", kept=kept)  # an update: the chart shows the new name
    assert "Alpha 2" in (tmp_path / "サイト" / "chart" / "parameters-en.svg").read_text(encoding="utf-8")
    spare = Drawer._spare
    assert spare is not None
    try:
        assert spare.process.poll() is None  # waiting for its request
        assert Drawer.start() is spare
        assert Drawer._spare is None
    finally:
        spare.stop()


def test_a_drawer_stopped_before_its_request_leaves_no_process() -> None:
    drawer = Drawer()
    drawer.stop()
    assert drawer.process.returncode is not None


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_the_drawing_process_keeps_mallocs_mapping_threshold_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    """glibc then returns each language's canvas to the system (Drawer.MALLOC); a value the user set wins."""
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    drawer = Drawer()
    try:
        assert _environment(drawer.process.pid)["MALLOC_MMAP_THRESHOLD_"] == "131072"
    finally:
        drawer.stop()
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    drawer = Drawer()
    try:
        assert _environment(drawer.process.pid)["MALLOC_MMAP_THRESHOLD_"] == "65536"
    finally:
        drawer.stop()


def test_a_drawing_request_that_is_not_one_is_refused() -> None:
    done = subprocess.run([*Drawer.COMMAND], input=b"not marshal", capture_output=True, check=False)
    assert done.returncode != 0
    assert b"error: the chart's drawing request is not one" in done.stderr
    assert done.stdout == b""


def test_the_mini_catalog(tmp_path: Path) -> None:
    mini = Catalog.load(MINI)
    result = write_charts(mini, tmp_path / "ミニ")
    assert [p.name for p in result.files] == [
        "parameters-ja.svg",
        "parameters-ja.png",
        "parameters-en.svg",
        "parameters-en.png",
    ]
    assert result.plotted == ["models/acme/alpha"]
    assert result.not_plotted == [("papers/transformer", "not a model")]
    links = point_links(tmp_path / "ミニ" / "parameters-en.svg")
    assert list(links) == ["models/acme/alpha/"]  # the default href: the entry id and "/"
    assert links["models/acme/alpha/"].endswith("(47B, 2024)")


def test_an_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "ファイル"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write"):
        write_charts(Catalog.load(MINI), blocker / "charts")


def test_words_of_a_missing_language_fall_back_to_the_first_language() -> None:
    shipped = shipped_words()
    words = chart_words("de", ["de", "en", "ja"])
    assert words["title"] == shipped["en"]["title"]
    assert set(words) == set(WORD_KEYS)
    assert chart_words("de", ["de", "xx"])["title"] == shipped[sorted(shipped)[0]]["title"]


def test_every_shipped_language_has_every_word() -> None:
    for lang, words in shipped_words().items():
        assert set(words) == set(WORD_KEYS), lang


def test_a_catalogs_own_words_replace_the_shipped_ones() -> None:
    own = {"de": {"chart_image_title": "Parametergrößen japanischer LLMs"}, "ja": {"chart_image_x": "年"}}
    assert chart_words("de", ["de", "ja"], own)["title"] == "Parametergrößen japanischer LLMs"
    assert chart_words("de", ["de", "ja"], own)["x"] == "年"  # missing in de: the catalog's next language
    assert chart_words("ja", ["ja"], own)["title"] == shipped_words()["ja"]["title"]
