"""The website in a real browser: Playwright drives Debian's Chromium (JA_LLM_CHROMIUM, default
/usr/bin/chromium; `make test` installs it; nothing downloads a browser) against the site served by
`ja_llm.site.serve.make_server` on 127.0.0.1.

The site is built once per session into a temporary folder with a non-ASCII name, served in a daemon thread,
and one browser serves every test. Each test gets a fresh browser context that only reaches 127.0.0.1 (any
other request is aborted and reported) and that records console errors, page errors, failed responses and
dialogs; a test on the normal site fails at teardown when any of them happened.

The client-side contract (src/ja_llm/site/assets/app.js): `form#facets` with controls named like the CLI
filters, `tbody#entry-rows > tr[data-id]` rows (the rows shown; the script takes the others out of the list),
`#result-count`, `a.lang-switch`, `#reset-filters`; after each update
`document.documentElement.dataset.ready === "1"` and `window.__jaLlm = {lastUpdateMs, matches, shown}`; the
state is the URL's query string. The index shows the first `<tbody data-page-size>` matches (`shown`) until
`#show-all` is clicked; the page holds the first page of rows and the script fetches the others
(data/rows/<lang>/<n>.html) as a result needs them; without JavaScript the first page is listed and the paged
lists (page/N/) list the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from ja_llm.cli import main

from site_fixtures import (
    DESKTOP,
    PHONE,
    ROOT,
    Tab,
    chromium_path,
    cli_args,
    cli_ids,
    query_string,
    serve,
)

ENTRY = "models/sb-intuitions/sarashina2-8x70b"
HOSTILE = (
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1>",
    "[click](javascript:window.__pwned=1)",
    "[x](JAVASCRIPT:alert(1))",
    "[y](&#106;avascript:alert(1))",
)


# --- session set-up: one build, one server, one browser ---------------------------------------------------


@pytest.fixture(scope="session")
def entry_ids() -> list[str]:
    """Every entry id in catalog order (`ja-llm search` without a filter)."""
    return cli_ids({})


@pytest.fixture(scope="session")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serve(hostile_site) as url:
        yield url


def test_chromium_is_installed() -> None:
    """Without the browser every test below errors at set-up; this one names the cause as a failure."""
    path = chromium_path()
    message = (
        f"Chromium not found at {path} (JA_LLM_CHROMIUM): the browser tests need Debian's chromium; "
        "run `make test`, which installs it (apt-get install chromium fonts-noto-cjk)"
    )
    assert Path(path).is_file(), message
    assert os.access(path, os.X_OK), message


# --- helpers -------------------------------------------------------------------------------------------------


def wait_ready(page: Any) -> None:
    """Wait for the script's update (`<html data-ready="1">`, set in the same task as window.__jaLlm).

    A selector, not wait_for_function: Playwright compiles a polled predicate with eval in the page, which the
    site's CSP (no 'unsafe-eval') refuses."""
    page.wait_for_selector("html[data-ready='1']", state="attached")
    assert page.evaluate("!!window.__jaLlm && Array.isArray(window.__jaLlm.matches)")


def open_index(page: Any, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def update(page: Any, action: Callable[[], Any]) -> None:
    """Run a UI action and wait for the list update it causes (the script sets data-ready again)."""
    page.evaluate("delete document.documentElement.dataset.ready")
    action()
    wait_ready(page)


VISIBLE_ROWS = """() => {
  const rows = Array.from(document.querySelectorAll('#entry-rows > tr[data-id]'));
  const shown = rows.filter(r => !r.hidden);
  const wrong = rows.filter(r => r.hidden === (r.getClientRects().length > 0)).map(r => r.dataset.id);
  return {shown: shown.map(r => r.dataset.id), wrong: wrong, rows: rows.length};
}"""


def visible_ids(page: Any) -> list[str]:
    """The ids of the rows shown, in document order (a row hidden with `hidden` must not render, and a row
    without it must)."""
    rows = page.evaluate(VISIBLE_ROWS)
    assert not rows["wrong"], f"rows whose `hidden` does not match what renders: {rows['wrong'][:5]}"
    return rows["shown"]


def matches(page: Any) -> list[str]:
    return page.evaluate("window.__jaLlm.matches")


def page_size(page: Any) -> float:
    """How many rows the index shows at most before "show all" (`<tbody data-page-size>`; none: no limit)."""
    size = page.get_attribute("#entry-rows", "data-page-size")
    return int(size) if size and size.isdigit() and int(size) > 0 else float("inf")


def assert_listed(page: Any, expected: list[str], all_shown: bool = False) -> list[str]:
    """The page's matches are `expected` (order included), and the rows shown are their first page (all of
    them after "show all"), in that order, with the count and the "show all" button to match."""
    assert matches(page) == expected
    limit = len(expected) if all_shown else min(len(expected), page_size(page))
    reported = page.evaluate(
        "window.__jaLlm.shown === undefined ? window.__jaLlm.matches.length : window.__jaLlm.shown"
    )
    assert reported == limit, (reported, limit)
    shown = visible_ids(page)
    assert shown == expected[:limit]
    # the list holds the rows shown and no other (rows that leave it are taken out, not hidden)
    assert page.evaluate(VISIBLE_ROWS)["rows"] == len(shown)
    assert re.search(rf"(^|\D){len(expected)}(\D|$)", count_text(page)), count_text(page)
    if page.locator("#more").count():
        assert page.locator("#more").is_visible() == (limit < len(expected))
    return shown


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def count_text(page: Any) -> str:
    return page.text_content("#result-count") or ""


# --- 1-3: facets, the URL, the language switch -----------------------------------------------------------


def test_facets_change_the_list_and_the_url(page: Any, base_url: str, entry_ids: list[str]) -> None:
    open_index(page, base_url)
    assert page.is_visible("form#facets"), "the script unhides the facets"
    assert_listed(page, entry_ids)

    update(page, lambda: page.select_option("select[name=commercial]", "yes"))
    after_one = matches(page)
    assert_listed(page, cli_ids({"commercial": "yes"}))
    assert 0 < len(after_one) < len(entry_ids)
    assert query_of(page.url) == {"commercial": ["yes"]}
    update(page, lambda: page.select_option("select[name=min_params]", "7b"))

    expected = cli_ids({"commercial": "yes", "min_params": "7b"})
    assert_listed(page, expected)
    assert 0 < len(expected) < len(after_one)
    assert query_of(page.url) == {"commercial": ["yes"], "min_params": ["7b"]}
    assert str(len(entry_ids)) not in count_text(page)
    timing = page.evaluate("window.__jaLlm.lastUpdateMs")
    assert isinstance(timing, (int, float))
    assert timing >= 0


def test_show_all_lifts_the_row_limit(page: Any, base_url: str, entry_ids: list[str]) -> None:
    open_index(page, base_url)
    size = page_size(page)
    if size >= len(entry_ids):
        pytest.skip(f"the index shows every row at once (page size {size}, {len(entry_ids)} entries)")
    assert len(assert_listed(page, entry_ids)) == size
    button = page.locator("#show-all")
    assert button.is_visible()
    label = button.text_content() or ""
    assert str(len(entry_ids)) in label, label
    assert str(size) in label, label
    update(page, lambda: button.click())
    assert_listed(page, entry_ids, all_shown=True)
    assert not page.locator("#more").is_visible()
    assert urlsplit(page.url).query == ""


def test_typing_a_search_and_resetting(page: Any, base_url: str, entry_ids: list[str]) -> None:
    open_index(page, base_url)
    update(page, lambda: page.fill("input[name=q]", "ＳＢ"))  # debounced: wait for the update
    assert_listed(page, cli_ids({"q": "ＳＢ"}))
    assert query_of(page.url) == {"q": ["ＳＢ"]}
    update(page, lambda: page.check("input[name=hf]"))
    assert_listed(page, cli_ids({"q": "ＳＢ", "hf": "1"}))
    assert query_of(page.url) == {"q": ["ＳＢ"], "hf": ["1"]}

    update(page, lambda: page.click("#reset-filters"))
    assert_listed(page, entry_ids)
    assert urlsplit(page.url).query == ""
    assert page.input_value("input[name=q]") == ""
    assert not page.is_checked("input[name=hf]")


def test_loading_a_url_restores_the_filters(page: Any, base_url: str) -> None:
    params = {"developer": "sb-intuitions", "year": "2025"}
    open_index(page, base_url + "?" + query_string(params))
    assert page.input_value("select[name=developer]") == "sb-intuitions"
    assert page.input_value("select[name=year]") == "2025"
    assert page.input_value("select[name=commercial]") == ""
    expected = cli_ids(params)
    assert expected
    assert_listed(page, expected)
    assert query_of(page.url) == {"developer": ["sb-intuitions"], "year": ["2025"]}


def test_the_language_switch_keeps_the_filters(page: Any, base_url: str) -> None:
    """ja -> en -> fr -> ja: each language link carries the filters, including a change made on the way."""
    params = {"developer": "sb-intuitions", "year": "2025"}
    open_index(page, base_url + "?" + query_string(params))
    before = visible_ids(page)
    assert before
    assert page.locator("a.lang-switch").count() == 2  # every other language
    href = page.get_attribute("a.lang-switch[hreflang=en]", "href") or ""
    assert urlsplit(href).path == "en/", href
    assert query_of(href) == query_of(page.url) == {"developer": ["sb-intuitions"], "year": ["2025"]}

    page.click("a.lang-switch[hreflang=en]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/en/")
    wait_ready(page)
    assert query_of(page.url) == {"developer": ["sb-intuitions"], "year": ["2025"]}
    assert page.get_attribute("html", "lang") == "en"
    assert visible_ids(page) == before
    assert page.input_value("select[name=developer]") == "sb-intuitions"

    # the links follow later changes too
    update(page, lambda: page.select_option("select[name=year]", "2024"))
    href = page.get_attribute("a.lang-switch[hreflang=fr]", "href") or ""
    assert urlsplit(href).path == "../fr/"
    assert query_of(href) == {"developer": ["sb-intuitions"], "year": ["2024"]}
    shown = visible_ids(page)
    page.click("a.lang-switch[hreflang=fr]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/fr/")
    wait_ready(page)
    assert page.get_attribute("html", "lang") == "fr"
    assert visible_ids(page) == shown
    assert page.input_value("select[name=year]") == "2024"
    assert page.locator("label[for=f-developer]").text_content() == "Développeur"

    back = page.get_attribute("a.lang-switch[hreflang=ja]", "href") or ""
    assert urlsplit(back).path == "../"
    page.click("a.lang-switch[hreflang=ja]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    wait_ready(page)
    assert page.get_attribute("html", "lang") == "ja"
    assert visible_ids(page) == shown
    assert_listed(page, cli_ids({"developer": "sb-intuitions", "year": "2024"}))


# --- 4: the site and the CLI answer the same query with the same list --------------------------------------

PARITY = [
    {"q": "東北大"},
    {"q": "東北大 BERT"},  # several words: each one, in any field and order
    {"q": "tohoku bert"},
    {"q": "BERT 東北大学"},  # an organization's full name (an alias of 東北大)
    {"q": "ＳＢ"},
    {"commercial": "yes", "min_params": "7b"},
    {"section": "encoder", "developer": "東北大", "hf": "1"},
    {"developer": "sb-intuitions", "year": "2025"},
    {"section": "embedding", "min_context": "8192"},
    {"base_model": "qwen3", "sort": "params", "desc": "1"},
    {"commercial": "any", "max_params": "3b", "sort": "year"},
    {"license": "apache-2.0", "since": "2025", "sort": "name"},
    {"q": "swallow", "commercial": "any", "sort": "params", "desc": "1"},
    {"arch": "moe", "min_params": "10b", "active": "1", "sort": "params"},
]


@pytest.mark.parametrize("lang", ["ja", "en", "fr"])
@pytest.mark.parametrize("params", PARITY, ids=lambda p: query_string(p))
def test_site_and_cli_list_the_same_entries(page: Any, base_url: str, params: dict[str, str], lang: str) -> None:
    result = CliRunner().invoke(main, ["search", *cli_args(params), "--ids", "--lang", lang])
    assert result.exit_code == 0, result.output
    expected = result.stdout.split()
    assert expected, f"the query {params} should find something"
    open_index(page, base_url + ("" if lang == "ja" else f"{lang}/") + "?" + query_string(params))
    assert_listed(page, expected)
    assert query_of(page.url) == {name: [value] for name, value in params.items()}  # the state stays in the URL
    for name, value in params.items():
        control = page.locator(f"form#facets [name={name}]")
        if control.count() == 0:
            # a filter without a control (since, base_model) is kept, applied, and shown on the page
            assert value in page.inner_text("form#facets"), name
        elif control.get_attribute("type") == "checkbox":
            assert control.is_checked(), name
        else:
            assert control.input_value() == value, name


# --- 5: an entry page ---------------------------------------------------------------------------------------


def test_an_entry_page_shows_its_variants_and_licenses(page: Any, base_url: str) -> None:
    page.goto(base_url + ENTRY + "/")
    assert page.get_attribute("html", "lang") == "ja"
    assert page.text_content("h1") == "Sarashina2-8x70B"
    table = page.locator("table.variants")
    assert table.count() == 1
    assert table.is_visible()
    repo = table.locator('a[href="https://huggingface.co/sbintuitions/sarashina2-8x70b"]')
    assert repo.count() == 1
    assert repo.text_content() == "sbintuitions/sarashina2-8x70b"
    assert "465" in (table.text_content() or "")
    license_item = page.locator("ul.licenses li")
    assert license_item.count() == 1
    assert "Sarashina Model NonCommercial License" in (license_item.text_content() or "")
    assert license_item.locator(".commercial-no").text_content() == "商用不可"
    body = page.inner_text("body")
    assert "Sparse Upcycling で学習" in body
    assert "ライセンス" in body

    page.click("a.lang-switch[hreflang=en]")
    page.wait_for_url(re.compile(r"/en/" + re.escape(ENTRY) + "/$"))
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator('table.variants a[href="https://huggingface.co/sbintuitions/sarashina2-8x70b"]').count() == 1
    assert page.locator("ul.licenses li .commercial-no").text_content() == "non-commercial"
    body = page.inner_text("body")
    assert "Sparse Upcycling on Sarashina2 (70B)" in body
    assert "License" in body
    assert "Models" in body
    for japanese in ("商用不可", "ライセンス", "で学習", "公開年"):
        assert japanese not in body, japanese


# --- 6: without JavaScript -------------------------------------------------------------------------------


def test_without_javascript_every_entry_is_listed(
    new_tab: Callable[..., Tab], base_url: str, entry_ids: list[str]
) -> None:
    """The first page of the list, then the paged lists and the section pages: every entry within three clicks
    of the index, and no control that needs the script."""
    page = new_tab(java_script_enabled=False).page
    page.goto(base_url)
    rows = page.locator("#entry-rows > tr[data-id]")
    page_size = int(page.get_attribute("#entry-rows", "data-page-size") or "0")
    assert rows.count() == min(page_size, len(entry_ids))  # the others: data/rows/ (for the script) and page/N/
    shown = page.locator("#entry-rows > tr[data-id]:visible")
    assert shown.count() == min(page_size, len(entry_ids))
    assert page.locator("form#facets").is_hidden()  # the filters need the script (nojs.css)
    assert page.locator("#show-all").is_hidden()
    assert page.locator(".pick").first.is_hidden()
    assert "JavaScript" in page.inner_text("main")
    assert page.get_attribute("html", "data-ready") is None
    reached = set(shown.evaluate_all("rows => rows.map(r => r.getAttribute('data-id'))"))
    pages = page.locator("nav.pages a")
    assert pages.count() >= 1
    for href in pages.evaluate_all("links => links.map(a => a.href)"):
        other = new_tab(java_script_enabled=False).page
        other.goto(href)
        for link in other.locator(".section-entries a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            reached.add(re.sub(r"^(\.\./)+", "", link).rstrip("/"))
    assert reached == set(entry_ids)
    # every section page is one click away (its entries a second)
    sections = page.locator(".sections-nav a")
    assert sections.count() >= 40
    # the rows link to the entry pages, which need no script either
    page.click(f'#entry-rows a[href="{ENTRY}/"]')
    page.wait_for_url(re.compile(re.escape(ENTRY) + "/$"))
    assert page.locator("table.variants").is_visible()


# --- 7: keyboard -----------------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
          focusVisible: el.matches(':focus-visible'), outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth) || 0, boxShadow: style.boxShadow};
}"""


def test_keyboard_reaches_the_search_box_and_the_selects_with_a_visible_focus(page: Any, base_url: str) -> None:
    open_index(page, base_url)
    selects = page.eval_on_selector_all("form#facets select", "els => els.map(e => e.getAttribute('name'))")
    assert {"section", "commercial", "license", "min_params", "max_params", "year", "developer", "sort"} <= set(selects)
    reached: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        reached.append(focused)
        if focused["name"] == "sort":
            break
    names = [f["name"] for f in reached]
    assert "q" in names, [f["tag"] + "#" + f["id"] for f in reached]
    for name in selects:
        assert name in names, f"Tab does not reach select[name={name}]"
    assert names.index("q") < names.index(selects[0])
    for focused in reached:
        if focused["tag"] in ("input", "select") or focused["name"] == "q":
            assert focused["focusVisible"], focused
            assert (focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0) or focused[
                "boxShadow"
            ] != "none", focused

    # a select focused by the keyboard shows the focus ring; the same select clicked with the mouse need not
    page.focus("select[name=commercial]")  # programmatic focus after keyboard use keeps :focus-visible
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["name"] == "commercial", focused
    assert focused["focusVisible"], focused
    assert (focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0) or focused["boxShadow"] != "none", (
        focused
    )


# --- 8, 9: small screens and dark mode ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "",
        "en/",
        "fr/",
        ENTRY + "/",
        "en/" + ENTRY + "/",
        "fr/" + ENTRY + "/",
        "about/",
        "sections/generative/",
        "papers/",
        "fr/compare/",
    ],
)
def test_no_horizontal_scroll_on_a_phone(new_tab: Callable[..., Tab], base_url: str, path: str) -> None:
    page = new_tab(viewport=PHONE).page
    page.goto(base_url + path)
    if path in ("", "en/", "fr/"):
        wait_ready(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"/{path}: the page is {width}px wide at {PHONE['width']}px"


def test_dark_mode_changes_the_background(new_tab: Callable[..., Tab], base_url: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = new_tab(color_scheme=scheme).page
        open_index(page, base_url)
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
    assert colours["light"][0] != colours["dark"][0], colours
    assert colours["light"][1] != colours["dark"][1], colours


# --- 10: screenshots as artefacts (only with JA_LLM_SCREENSHOTS=1) ----------------------------------------


def artifacts() -> Path:
    folder = Path(os.environ.get("JA_LLM_TEST_ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.skipif(os.environ.get("JA_LLM_SCREENSHOTS") != "1", reason="screenshots only with JA_LLM_SCREENSHOTS=1")
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_index_screenshots(new_tab: Callable[..., Tab], base_url: str, lang: str) -> None:
    written = []
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_tab(viewport=viewport).page
        open_index(page, base_url + ("en/" if lang == "en" else ""))
        target = artifacts() / f"site-index-{lang}-{width_name}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target))
        written.append(target)
    for target in written:
        assert target.is_file(), target
        assert target.stat().st_size > 1000, target
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target


# --- console errors on the normal pages -----------------------------------------------------------------------


def test_pages_load_without_console_errors(new_tab: Callable[..., Tab], base_url: str) -> None:
    tab = new_tab()
    for path in (
        "",
        "en/",
        ENTRY + "/",
        "en/" + ENTRY + "/",
        "sections/generative/",
        "en/sections/bi-encoders/",
        "benchmarks/",
        "papers/",
        "about/",
        "en/about/",
        "?commercial=nonsense&min_params=huge&sort=zzz",
    ):
        tab.page.goto(base_url + path)
        if path.startswith(("?", "en/?")) or path in ("", "en/"):
            wait_ready(tab.page)
        assert not tab.problems(), (path, tab.problems())
    # the invalid values of the last URL are marked on their controls, not thrown
    assert tab.page.get_attribute("select[name=commercial]", "aria-invalid") == "true"


# --- 11: a hostile catalog ---------------------------------------------------------------------------------

DANGEROUS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (/^(href|src|action|formaction|xlink:href|data|srcdoc)$/.test(name) &&
          /^(javascript|vbscript|data:text):?/.test(value)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  return found;
}"""

HOSTILE_PAGES = [
    "",
    "en/",
    "models/acme/alpha/",
    "en/models/acme/alpha/",
    "sections/generative-general/",
    "en/sections/generative/",
    "benchmarks/",
    "papers/hostile-paper/",
    "about/",
    "en/about/",
]
HOSTILE_QUERY = "?" + query_string(
    {
        "q": '"><img src=x onerror="window.__pwned=1">',
        "base_model": "<script>window.__pwned=1</script>",
        "developer": "<svg onload=window.__pwned=1>",
        "since": "javascript:alert(1)",
    }
)


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "csp-bypassed"])
def test_hostile_catalog_texts_stay_text(new_tab: Callable[..., Tab], hostile_url: str, bypass_csp: bool) -> None:
    """Every text of tests/data/hostile-catalog is hostile. Run once as served (with the CSP) and once with the
    CSP bypassed, so that the escaping alone is shown to hold."""
    tab = new_tab(bypass_csp=bypass_csp)
    page = tab.page
    clicked = 0
    for path in [*HOSTILE_PAGES, HOSTILE_QUERY, "en/" + HOSTILE_QUERY]:
        url = hostile_url + path
        page.goto(url)
        index = path in ("", "en/") or path.startswith(("?", "en/?"))
        if index:
            wait_ready(page)
        if bypass_csp:
            probe = page.add_script_tag(content="window.__cspProbe = 1;")
            assert page.evaluate("window.__cspProbe") == 1, "bypass_csp does not work: the test proves nothing"
            page.evaluate("delete window.__cspProbe")
            probe.evaluate("element => element.remove()")
        links = page.locator("a").filter(has_text=re.compile(r"^\s*(click|x|y)\s*$"))
        for k in range(links.count()):
            links.nth(k).click()
            clicked += 1
            if page.url != url:
                page.goto(url)
        where = f"/{path}"
        assert page.evaluate("typeof window.__pwned") == "undefined", where
        assert not tab.dialogs, (where, tab.dialogs)
        assert page.evaluate(DANGEROUS) == [], where
        assert page.locator("img, svg, iframe, object, embed, b").count() == 0, where
        assert page.locator("script:not([src])").count() == 0, where
        text = page.inner_text("body")
        if path.startswith(("?", "en/?")):
            assert page.input_value("input[name=q]") == '"><img src=x onerror="window.__pwned=1">'
            chips = page.inner_text("form#facets")  # the filters without a control, shown as text
            assert "<script>window.__pwned=1</script>" in chips, chips
            assert "javascript:alert(1)" in chips, chips
            assert page.input_value("select[name=developer]") == "<svg onload=window.__pwned=1>"
        else:
            for hostile in HOSTILE[:4]:
                assert hostile in text, (where, hostile)
            assert "[x](JAVASCRIPT:alert(1))" in text, where
            assert "[y](" in text, where
            assert "avascript:alert(1))" in text, where
        if index:
            # the facets built from hostile labels still work and stay harmless
            update(page, lambda: page.select_option("select[name=developer]", "acme"))
            assert (
                visible_ids(page)
                == matches(page)[: int(page.evaluate("window.__jaLlm.shown ?? window.__jaLlm.matches.length"))]
            )
            assert page.evaluate("typeof window.__pwned") == "undefined", where
    assert clicked == 0, "a hostile Markdown link became a link"
    assert not tab.problems(), tab.problems()
