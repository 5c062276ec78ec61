"""The static website as files (no browser): pages, metadata, safety headers, links, data file, determinism,
and the `build` and `serve` commands. The browser tests are in tests/test_site_browser.py."""

from __future__ import annotations

import json
import multiprocessing
import posixpath
import re
import socket
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from ja_llm.api import Catalog
from ja_llm.cli import main
from ja_llm.search import query
from ja_llm.search.query import FILTERS
from ja_llm.search.records import build_records
from ja_llm.site.build import CSP, PAGE_SIZE, SHARD_SIZE

from site_fixtures import HOSTILE_CATALOG, build, html_pages, page_path, parse, shard_entries, shard_row_ids

ENTRY = "models/sb-intuitions/sarashina2-8x70b"
ATTRIBUTION = "https://github.com/llm-jp/awesome-japanese-llm"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def site(shipped_site: Path) -> Path:
    return shipped_site


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, object]:
    """Every HTML page of the build, parsed once: URL path -> Parsed."""
    return {page_path(site, p): parse(p) for p in html_pages(site)}


LANGUAGES = Catalog.load().info.languages
PREFIXES = ["" if i == 0 else f"{lang}/" for i, lang in enumerate(LANGUAGES)]  # the first language at the root


def _language(path: str) -> str:
    return next((lang for lang in LANGUAGES[1:] if path.startswith(f"{lang}/")), LANGUAGES[0])


# --- pages -------------------------------------------------------------------------------------------------


def test_every_entry_has_a_page_in_every_language_at_its_id(site: Path, catalog: Catalog) -> None:
    missing = [
        f"{prefix}{entry_id}/index.html"
        for entry_id in catalog.entries
        for prefix in PREFIXES
        if not (site / prefix / entry_id / "index.html").is_file()
    ]
    assert not missing, missing[:10]
    assert PREFIXES == ["", "en/", "fr/"]
    for prefix in PREFIXES:
        assert (site / prefix / ENTRY / "index.html").is_file()
        for section_id in catalog.sections:
            assert (site / prefix / "sections" / section_id / "index.html").is_file(), section_id
        for fixed in ("", "benchmarks/", "papers/", "about/"):
            assert (site / prefix / fixed / "index.html").is_file(), fixed


def test_every_page_has_a_title_a_description_and_its_language(pages: dict) -> None:
    for path, parsed in pages.items():
        assert parsed.title.strip(), f"{path}: empty <title>"
        descriptions = parsed.meta("description")
        assert len(descriptions) == 1, f"{path}: meta description {descriptions}"
        assert descriptions[0].strip(), f"{path}: meta description {descriptions}"
        html_lang = [a.get("lang") for t, a in parsed.tags if t == "html"]
        assert html_lang == [_language(path)], f"{path}: <html lang> {html_lang}"


def test_titles_and_descriptions_of_the_main_pages_differ(pages: dict) -> None:
    """The index, about, benchmarks and papers pages, an entry page and a section page: all different."""
    sample = ["", "about/", "benchmarks/", "papers/", ENTRY + "/", "sections/generative/"]
    for prefix in PREFIXES:
        titles = [pages[prefix + p].title for p in sample]
        descriptions = [pages[prefix + p].meta("description")[0] for p in sample]
        assert len(set(titles)) == len(sample), titles
        assert len(set(descriptions)) == len(sample), descriptions
    assert len({pages[prefix].title for prefix in PREFIXES}) == len(PREFIXES)


def _duplicates(pages: dict, value) -> dict[str, list[str]]:
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path, parsed in pages.items():
        seen[(_language(path), value(parsed))].append(path)
    return {f"{lang}: {text}": paths for (lang, text), paths in seen.items() if len(paths) > 1}


def test_titles_differ_per_page(pages: dict) -> None:
    duplicates = _duplicates(pages, lambda parsed: parsed.title)
    assert not duplicates, f"{len(duplicates)} titles used by more than one page: {list(duplicates.items())[:5]}"


def test_descriptions_differ_per_page(pages: dict) -> None:
    duplicates = _duplicates(pages, lambda parsed: parsed.meta("description")[0])
    assert not duplicates, f"{len(duplicates)} descriptions used by more than one page: {list(duplicates.items())[:5]}"


# --- safety: CSP, no inline script, nothing from elsewhere ------------------------------------------------


def _external(url: str) -> bool:
    return bool(re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE)) and not url.strip().startswith("data:")


def test_every_page_has_the_csp_and_no_inline_script(pages: dict) -> None:
    for path, parsed in pages.items():
        assert parsed.meta_http_equiv("Content-Security-Policy") == [CSP], path
        for attributes, body in parsed.scripts:
            assert attributes.get("src"), f"{path}: inline <script> {body[:80]!r}"
            assert not body.strip(), f"{path}: <script src> with a body"
        handlers = [(t, n) for t, a in parsed.tags for n in a if n.lower().startswith("on")]
        assert not handlers, f"{path}: event handler attributes {handlers[:5]}"
        assert not [a for t, a in parsed.tags if t == "style" or "style" in a], f"{path}: inline style"


def test_no_external_scripts_styles_images_or_fonts(pages: dict, site: Path) -> None:
    for path, parsed in pages.items():
        for tag, attribute in (
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("source", "src"),
            ("iframe", "src"),
        ):
            for url in parsed.attr_values(tag, attribute):
                if tag == "link":
                    rels = [str(a.get("rel", "")) for t, a in parsed.tags if t == "link" and a.get("href") == url]
                    if all(rel == "alternate" for rel in rels):
                        continue  # a link to the other language's page, not something loaded
                assert not _external(url), f"{path}: <{tag} {attribute}={url!r}> loads from outside the site"
    css = (site / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert "@font-face" not in css
    assert not [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) if _external(u)]
    js = (site / "assets" / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"[\"'`](https?:)?//", js), "app.js holds an absolute URL"


def _target(site: Path, page: str, url: str) -> Path | None:
    """The file a relative URL of `page` points to (None for an in-page anchor)."""
    parts = urlsplit(url)
    if not parts.path:
        return None
    base = posixpath.dirname("/" + page) if not page.endswith("/") else "/" + page.rstrip("/")
    joined = posixpath.normpath(posixpath.join(base if base else "/", unquote(parts.path)))
    assert joined.startswith("/"), f"{page}: {url} leaves the site"
    assert not joined.startswith("/.."), f"{page}: {url} leaves the site"
    target = site / joined.lstrip("/")
    if url.split("#")[0].split("?")[0].endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def _links(pages: dict, site: Path) -> tuple[int, list[str], list[str]]:
    """Every relative href/src of every page: (count, links to missing files, links to missing anchors)."""
    checked, missing_files, missing_anchors = 0, [], []
    for path, parsed in pages.items():
        for tag, attributes in parsed.tags:
            for name in ("href", "src"):
                url = attributes.get(name)
                if url is None or _external(url) or url.startswith(("data:", "mailto:")):
                    continue
                checked += 1
                fragment = urlsplit(url).fragment
                target = _target(site, path, url)
                if target is None:
                    if fragment and fragment not in parsed.ids:
                        missing_anchors.append(f"{path}: <{tag} {name}={url!r}>")
                    continue  # href="": the page itself (the home link of the home page)
                if not target.is_file():
                    missing_files.append(f"{path}: <{tag} {name}={url!r}> -> {target.relative_to(site)}")
                elif fragment and target.suffix == ".html" and fragment not in pages[page_path(site, target)].ids:
                    missing_anchors.append(f"{path}: <{tag} {name}={url!r}>")
    return checked, missing_files, missing_anchors


def test_internal_links_resolve(pages: dict, site: Path) -> None:
    """Every relative href/src of every page points to a file of the build, and the page's own anchors
    (footnote references `#note-N`) to an element of the page."""
    checked, missing_files, missing_anchors = _links(pages, site)
    assert checked > 10_000, checked  # every page has a dozen links at least
    assert not missing_files, f"{len(missing_files)} links to missing files: {missing_files[:10]}"
    notes = [link for link in missing_anchors if "#note-" in link]
    assert not notes, notes[:10]


def test_anchor_links_of_catalog_texts_resolve(pages: dict, site: Path) -> None:
    _, _, missing_anchors = _links(pages, site)
    assert not missing_anchors, f"{len(missing_anchors)} links to missing anchors: {missing_anchors[:10]}"


# --- the index pages and the data file ---------------------------------------------------------------------


def test_index_pages_list_every_entry(site: Path, pages: dict, catalog: Catalog) -> None:
    """The index page holds the first PAGE_SIZE rows; the row shards hold every entry, SHARD_SIZE a shard, in
    the same order."""
    for lang, path in zip(LANGUAGES, PREFIXES, strict=True):
        shards = shard_row_ids(site, lang)
        assert all(len(ids) == SHARD_SIZE for ids in shards[:-1]), lang
        rows = [entry_id for ids in shards for entry_id in ids]
        assert len(rows) == len(catalog.entries), path
        assert len(set(rows)) == len(rows)
        assert set(rows) == set(catalog.entries)
        assert pages[path].row_ids == rows[:PAGE_SIZE]
        assert pages[path].meta_http_equiv("Content-Security-Policy") == [CSP]
    assert pages[""].row_ids == pages["en/"].row_ids == pages["fr/"].row_ids


def test_entries_json_has_every_entry_in_row_order(site: Path, pages: dict, catalog: Catalog) -> None:
    data = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    assert data["total"] == len(catalog.entries)
    assert data["shard_size"] == SHARD_SIZE
    entries = []
    for number in range(data["shards"]):
        shard = json.loads((site / "data" / "entries" / f"{number}.json").read_text(encoding="utf-8"))
        assert shard["start"] == len(entries)
        entries += shard_entries(shard)
    data["entries"] = entries
    ids = [entry["id"] for entry in data["entries"]]
    assert len(ids) == len(catalog.entries)
    assert ids == [entry_id for shard in shard_row_ids(site, LANGUAGES[0]) for entry_id in shard]
    assert ids[:PAGE_SIZE] == pages[""].row_ids
    for entry in data["entries"]:
        assert {"id", "year", "sections", "text", "variants", "commercial", "names"} <= set(entry), entry["id"]
    # stored column by column (repeated values as codes), the values are the CLI's columns
    records = {record["id"]: record for record in build_records(catalog)}
    for entry in data["entries"]:
        record = records[entry["id"]]
        for name in data["spec"]["columns"]:
            value = query.COLUMNS[name](record)
            assert entry[name] == (list(value) if isinstance(value, tuple) else value), (entry["id"], name)
        fields = data["spec"]["variant_fields"]
        assert entry["variants"] == [{name: v[name] for name in fields} for v in record["variants"]], entry["id"]
    spec = data["spec"]
    assert [f["name"] for f in spec["filters"]] == [f.name for f in FILTERS]
    for spec_filter in spec["filters"]:
        test = spec_filter.get("entry") or spec_filter["variant"]["fallback"]
        if test is not None:
            assert test["column"] in spec["columns"], spec_filter
            assert test["column"] in data["entries"][0], spec_filter


def test_about_page_credits_awesome_japanese_llm(pages: dict) -> None:
    for path in ("about/", "en/about/"):
        parsed = pages[path]
        assert ATTRIBUTION in parsed.attr_values("a", "href"), path
        assert any("llm-jp/awesome-japanese-llm" in text for text in parsed.texts.get("a", [])), path
        assert any("Apache License 2.0" in text for text in parsed.texts.get("p", [])), path


def test_about_page_shows_the_export_command_as_code(site: Path) -> None:
    """The interface words' `code` (Markdown in ui/<lang>.toml) is rendered, not shown with its backticks."""
    for prefix in PREFIXES:
        html = (site / prefix / "about" / "index.html").read_text(encoding="utf-8")
        assert "<code>ja-llm export</code>" in html, prefix
        assert "`" not in html, prefix


# --- determinism and the commands ------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_building_twice_gives_identical_files(tmp_path: Path, site: Path) -> None:
    again = build(None, tmp_path / "もう一度" / "site")
    first, second = _files(site), _files(again)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, different[:10]
    assert len(first) > 1000


def test_the_build_writes_no_gzip_copies(site: Path) -> None:
    """`serve` compresses on the fly: the build writes no `<file>.gz` beside its text files."""
    assert (site / "index.html").is_file()
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.gz")) == []


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-build") / "出力"
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_build_command_writes_the_site_and_the_lists(cli_build: Path, catalog: Catalog) -> None:
    site = cli_build / "site"
    assert (site / "index.html").is_file()
    assert (site / "en" / "index.html").is_file()
    assert (site / ENTRY / "index.html").is_file()
    assert (site / "data" / "entries.json").is_file()
    assert (site / "assets" / "app.js").is_file()
    assert (site / "assets" / "style.css").is_file()
    lists = cli_build / "list"
    assert lists.is_dir()
    readmes = sorted(p.relative_to(lists).as_posix() for p in lists.rglob("*.md"))
    assert "README.md" in readmes, readmes
    assert "en/README.md" in readmes, readmes
    assert len(parse(site / "index.html").row_ids) == min(PAGE_SIZE, len(catalog.entries))
    assert sum(len(ids) for ids in shard_row_ids(site, LANGUAGES[0])) == len(catalog.entries)


def test_serve_on_a_busy_port_is_a_one_line_error(cli_build: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--out", str(cli_build)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: cannot listen on 127.0.0.1:{port}"), errors
    assert "serving" not in result.stderr
    assert "building" not in result.stderr  # the site built by `build` is current: no rebuild


# --- the hostile catalog, as files ------------------------------------------------------------------------


def test_validate_refuses_the_hostile_catalogs_script_links() -> None:
    result = CliRunner().invoke(main, ["validate", "--data", str(HOSTILE_CATALOG)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if ": " in line and not line.startswith("error:")]
    assert errors
    assert all("link URL" in line for line in errors), errors
    assert any("'javascript:window.__pwned=1': only http, https and mailto links are allowed" in e for e in errors)


def test_hostile_texts_come_out_as_text(hostile_site: Path) -> None:
    pages = html_pages(hostile_site)
    assert len(pages) >= 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parsed = parse(page)
        own = re.compile(r"^(\.\./)*chart/parameters-[a-z-]+\.(svg|png)$")  # the chart page's own picture
        tags = {t for t, a in parsed.tags if not own.match(a.get("src") or "")}
        injected = tags & {"img", "svg", "iframe", "object", "embed", "b"}
        assert not injected, f"{page}: elements from catalog text: {injected}"
        up = "../" * page_path(hostile_site, page).count("/")
        assert [a.get("src") for a, _ in parsed.scripts] in ([], [up + "assets/app.js"], [up + "assets/compare.js"]), (
            page
        )
        for tag, attributes in parsed.tags:
            for name, value in attributes.items():
                assert not name.lower().startswith("on"), f"{page}: <{tag} {name}>"
                if name in ("href", "src", "action", "formaction"):
                    compact = re.sub(r"[\x00-\x20]", "", value or "").lower()
                    assert not compact.startswith(("javascript:", "vbscript:", "data:text")), (
                        f"{page}: {name}={value!r}"
                    )
        if not page_path(hostile_site, page).endswith(("compare/", "chart/", "404.html")):  # the site's own words
            assert "pwned" in text, page  # the texts are there (escaped), not dropped


def test_hostile_texts_are_escaped_once(hostile_site: Path) -> None:
    """What a reader sees is the catalog's text: `<script>` (escaped once), never `&lt;script&gt;`."""
    for page in html_pages(hostile_site):
        parsed = parse(page)
        for tag, texts in parsed.texts.items():
            for text in texts:
                for escaped in ("&lt;", "&quot;", "&#34;"):
                    assert escaped not in text, f"{page}: <{tag}> {text[:120]!r}"


def _variant_rows(site: Path, path: str) -> list[list[str]]:
    """The entry page's variant table as rows of cell texts (header first)."""
    html = (site / path / "index.html").read_text(encoding="utf-8")
    table = html[html.index('<table class="variants">') : html.index("</table>", html.index('class="variants"'))]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def test_entry_pages_show_each_variants_own_facts(site: Path) -> None:
    # per-variant license and class (`instructモデル: CC BY-NC-SA 4.0`), context and the active count of a mixture
    rows = _variant_rows(site, "en/models/stockmark/stockmark-13b")
    assert rows[0] == ["Name", "Parameters", "Context length", "License", "Repository"]
    assert rows[1][3] == "MIT commercial use"
    assert rows[2][3] == "CC BY-NC-SA 4.0 non-commercial"
    rows = _variant_rows(site, "models/research-and-development-center-for-large-language-models/llm-jp-3-moe")
    assert rows[1][:3] == ["8x1.8b ( 9.3b )", "9.3B（アクティブ 2.9B）", "4,096"]
    rows = _variant_rows(site, "en/models/sb-intuitions/sarashina2")
    assert [row[2] for row in rows[1:]] == ["4,096", "4,096", "8,192"]
    # the list's `(?)`: the class is unknown and the page says why
    rows = _variant_rows(site, "en/models/lightblue/karasu")
    assert rows[1][2] == "Apache 2.0 unknown (marked ? in the list: uncertain)"
    # no empty column: an entry without contexts has no context column
    assert "Context length" not in rows[0]


def test_french_pages_show_the_french_texts_and_words(site: Path) -> None:
    page = (site / "fr" / "models" / "stockmark" / "japanesenewsxlnet" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert "Articles sur l'économie en japonais (3M articles)" in page  # the entry's text in French
    assert "Données d&#39;entraînement" in page  # the site's own word, from ui/fr.toml
    assert 'hreflang="ja" lang="ja">日本語</a>' in page  # every other language, named in itself
    assert 'hreflang="en" lang="en">English</a>' in page
    index = (site / "fr" / "index.html").read_text(encoding="utf-8")
    assert "Catalogue des LLM japonais" in index


def test_a_failing_export_fails_the_build_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ja_llm.export
    from ja_llm.errors import OutputError
    from ja_llm.site import pipeline as site_build

    def refuse(catalog: object, folder: Path, records: object = None, **options: object) -> list[Path]:
        raise OutputError(f"{folder}: no room")

    monkeypatch.setattr(ja_llm.export, "write_all", refuse)  # imported by the build when it writes the exports
    out = tmp_path / "サイト"
    with pytest.raises(OutputError, match="no room"):
        site_build.build_site(Catalog.load(Path(__file__).parent / "data" / "mini-catalog"), out)
    assert not out.exists()
    # the second process (chart, lists, pages) was stopped: nothing writes into a removed staging folder
    assert multiprocessing.active_children() == []
    assert list(tmp_path.iterdir()) == []


def test_a_failing_chart_fails_the_build_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The chart is drawn by a process of its own (render.chart.Drawer): its failure is the build's, nothing
    written, what it said shown."""
    import sys

    from ja_llm.errors import OutputError
    from ja_llm.render.chart import Drawer
    from ja_llm.site import pipeline as site_build

    failing = (sys.executable, "-c", "import sys; sys.stdin.buffer.read(); sys.exit('error: no room for the chart')")
    monkeypatch.setattr(Drawer, "COMMAND", failing)
    monkeypatch.setattr(Drawer, "_spare", None)  # a spare one a test of `serve` left would be taken
    out = tmp_path / "サイト"
    lists = tmp_path / "一覧"
    with pytest.raises(OutputError, match="drawing the chart failed"):
        site_build.build_site(Catalog.load(Path(__file__).parent / "data" / "mini-catalog"), out, lists=lists)
    assert not out.exists()
    assert not lists.exists()
    assert "no room for the chart" in capfd.readouterr().err
    assert multiprocessing.active_children() == []
