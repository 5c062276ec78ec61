"""The website as people use it (Playwright driving Debian's Chromium against the shipped site on 127.0.0.1):
on a phone the first result shows on the first screen and nothing scrolls sideways; the page does not jump
while the data arrives on a slow network; Back undoes the last filter change and brings the reading position
back; chips and notices speak the page's language; axe-core finds no violation on the index, entry, compare
and about pages in every language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from site_fixtures import PHONE, Tab

LANGS = {"ja": "", "en": "en/", "fr": "fr/"}
ENTRY = "models/sb-intuitions/sarashina2-8x70b"
COMPARE = (
    "compare/?id=models/sb-intuitions/sarashina2"
    "&id=models/research-and-development-center-for-large-language-models/llm-jp-3-moe"
    "&id=models/stockmark/stockmark-13b"
)


def ready(page: Any) -> None:
    page.wait_for_selector("html[data-ready='1']", state="attached")


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize("lang", LANGS)
def test_on_a_phone_the_first_result_is_on_the_first_screen(
    new_tab: Callable[..., Tab], base_url: str, lang: str
) -> None:
    page = new_tab(viewport=PHONE).page
    page.goto(base_url + LANGS[lang])
    ready(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator("#entry-rows > tr:not([hidden])").first
    box = first.bounding_box()
    assert box is not None
    assert box["y"] + 40 < PHONE["height"], f"the first result starts at y={box['y']}"
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    # the card says commercial use in words, and the filters wait behind one summary
    assert first.locator(".badge").first.inner_text().strip()
    assert not page.locator(".facet-grid").is_visible()
    page.click("details.facet-panel > summary")
    assert page.locator(".facet-grid").is_visible()


def test_back_undoes_the_last_filter_change(page: Any, base_url: str) -> None:
    page.goto(base_url + "en/")
    ready(page)
    everything = page.locator("#entry-rows > tr:not([hidden])").count()
    page.select_option("select[name=section]", "encoder")
    page.wait_for_url(lambda url: "section=encoder" in url)
    encoders = page.evaluate("window.__jaLlm.matches.length")
    page.select_option("select[name=commercial]", "yes")
    page.wait_for_url(lambda url: "commercial=yes" in url)
    page.go_back()
    page.wait_for_url(lambda url: "commercial" not in url)
    ready(page)
    assert page.input_value("select[name=commercial]") == ""
    assert page.input_value("select[name=section]") == "encoder"
    assert page.evaluate("window.__jaLlm.matches.length") == encoders
    page.go_back()
    page.wait_for_url(lambda url: urlsplit(url).query == "")
    assert page.input_value("select[name=section]") == ""
    assert page.locator("#entry-rows > tr:not([hidden])").count() == everything
    page.go_forward()
    page.wait_for_url(lambda url: "section=encoder" in url)
    assert page.input_value("select[name=section]") == "encoder"


def test_a_run_of_typing_is_one_history_entry(page: Any, base_url: str) -> None:
    page.goto(base_url)
    ready(page)
    before = page.evaluate("history.length")
    page.click("#f-q")
    page.keyboard.type("sarashina", delay=40)
    page.wait_for_url(lambda url: "q=sarashina" in url)
    page.wait_for_timeout(300)
    assert page.evaluate("history.length") == before + 1
    page.go_back()
    page.wait_for_url(lambda url: "q=" not in url)
    assert page.input_value("#f-q") == ""


def test_back_from_an_entry_page_comes_back_to_the_same_place(page: Any, base_url: str) -> None:
    page.goto(base_url + "?section=generative")
    ready(page)
    page.evaluate("window.scrollTo(0, 3000)")
    page.wait_for_timeout(100)
    link = page.locator("#entry-rows > tr:not([hidden]) th a").nth(40)
    link.scroll_into_view_if_needed()
    y = page.evaluate("window.scrollY")
    assert y > 1000
    link.click()
    page.wait_for_selector("table.variants, dl.fields")
    page.go_back()
    ready(page)
    page.wait_for_timeout(300)
    assert query(page) == {"section": ["generative"]}
    assert abs(page.evaluate("window.scrollY") - y) < 50


def test_no_layout_shift_on_a_slow_network(new_tab: Callable[..., Tab], base_url: str) -> None:
    """The index as served is the page the script leaves: nothing moves when entries.json arrives (a slow
    connection: 300 ms latency, 1 Mbit/s)."""
    tab = new_tab()
    page = tab.page
    session = tab.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 300, "downloadThroughput": 125_000, "uploadThroughput": 125_000},
    )
    page.goto(base_url + "en/", wait_until="commit")
    page.wait_for_selector("html[data-ready='1']", state="attached", timeout=60_000)
    page.wait_for_timeout(300)
    shift = page.evaluate(
        """() => new Promise(done => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
            }).observe({type: "layout-shift", buffered: true});
            setTimeout(() => done(total), 200);
        })"""
    )
    assert shift <= 0.01, f"cumulative layout shift {shift:.3f}"


@pytest.mark.parametrize(("lang", "label"), [("ja", "ベースモデル"), ("en", "Base model"), ("fr", "Modèle de base")])
def test_filters_without_a_control_are_chips_in_the_page_language(
    page: Any, base_url: str, lang: str, label: str
) -> None:
    page.goto(base_url + LANGS[lang] + "?base_model=qwen3")
    ready(page)
    chip = page.locator(".extra-filters button")
    assert chip.count() == 1
    assert chip.inner_text().startswith(f"{label}: qwen3")
    chip.click()
    page.wait_for_url(lambda url: "base_model" not in url)


def test_a_value_that_cannot_be_used_says_so(page: Any, base_url: str) -> None:
    page.goto(base_url + "en/?min_params=lots")
    ready(page)
    note = page.locator(".invalid-note")
    assert note.is_visible()
    assert "lots" in note.inner_text()
    assert "Parameters (at least)" in note.inner_text()
    page.goto(base_url + "en/")
    ready(page)
    assert not page.locator(".invalid-note").is_visible()


PAGES = {"index": "", "entry": ENTRY + "/", "compare": COMPARE, "about": "about/", "chart": "chart/"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_violation(page: Any, base_url: str, kind: str, lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base_url + LANGS[lang] + PAGES[kind])
    if kind == "index":
        ready(page)
    if kind == "compare":
        page.wait_for_selector("#compare[data-ready='1']", state="attached")
    results = Axe().run(page)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert violations == [], "\n".join(violations)


def test_matching_variants_are_marked(page: Any, base_url: str) -> None:
    """`--min-context 8192` keeps Sarashina2 for its 70b only: its row says 1 of 3 models match."""
    page.goto(base_url + "en/?min_context=8192")
    ready(page)
    row = page.locator('#entry-rows > tr[data-id="models/sb-intuitions/sarashina2"]')
    assert row.is_visible()
    assert row.locator(".variant-match").inner_text() == "(1 of 3 models match)"
    page.goto(base_url + "en/")
    ready(page)
    assert page.locator(".variant-match").count() == 0
