"""The compare page in a real browser: `compare/?id=…&id=…` shows two to four entries side by side
(src/ja_llm/site/assets/compare.js, templates/compare.html.j2, assets/compare.css).

Same set-up as tests/test_site_browser.py: the shipped site built once per session (`shipped_site`), served on
127.0.0.1, Debian's Chromium through Playwright (`browser`). Each tab only reaches 127.0.0.1 and records console
errors, page errors, failed responses and dialogs; a test fails at teardown when any of them happened (the one
test that asks for an entry that does not exist allows exactly that 404).

The client-side contract: `#compare[data-ready="1"]` after each render; `table.compare` with one
`thead th[scope=col]` per entry (`.compare-name`, `button.compare-remove`) and one `tbody tr.row-<fact>` per fact
(`th[scope=row]`, then one `td` per entry); `.compare-missing p` per id that is malformed or has no file;
`p.compare-empty` (with a link to the list) when fewer than two entries are left.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from site_fixtures import PHONE, Tab, parse, serve

SARASHINA = "models/sb-intuitions/sarashina2"
MOE = "models/research-and-development-center-for-large-language-models/llm-jp-3-moe"
STOCKMARK = "models/stockmark/stockmark-13b"
THREE = [SARASHINA, MOE, STOCKMARK]
NAMES = {SARASHINA: "Sarashina2", MOE: "LLM-jp-3 MoE", STOCKMARK: "Stockmark-13b"}
LANGS = {"ja": "", "en": "en/", "fr": "fr/"}  # language -> its folder


# --- set-up: the session's site and browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def words() -> dict[str, dict[str, str]]:
    from ja_llm.site.i18n import shipped_words

    return shipped_words()


# --- helpers -------------------------------------------------------------------------------------------------


def compare_url(base_url: str, ids: list[str], lang: str = "ja") -> str:
    query = "&".join("id=" + quote(i, safe="/") for i in ids)
    return f"{base_url}{LANGS[lang]}compare/" + (f"?{query}" if query else "")


def wait_ready(page: Any) -> None:
    """Wait for compare.js to finish a render (a selector: the CSP forbids Playwright's polled predicates)."""
    page.wait_for_selector("#compare[data-ready='1']", state="attached")


def open_compare(page: Any, base_url: str, ids: list[str], lang: str = "ja") -> None:
    page.goto(compare_url(base_url, ids, lang))
    wait_ready(page)


def rerender(page: Any, action: Callable[[], Any]) -> None:
    """Run an action that makes the page render again, and wait for that render."""
    page.evaluate("document.getElementById('compare').removeAttribute('data-ready')")
    action()
    wait_ready(page)


def columns(page: Any) -> list[str]:
    return page.locator("table.compare thead th[scope='col'] .compare-name").all_inner_texts()


def row(page: Any, fact: str) -> list[str]:
    """The cells of one fact's row, one per entry (the row's header checked to be a row header)."""
    assert page.locator(f"table.compare tr.row-{fact} > th[scope='row']").count() == 1, fact
    return [" ".join(t.split()) for t in page.locator(f"table.compare tr.row-{fact} > td").all_inner_texts()]


def url_ids(page: Any) -> list[str]:
    return parse_qs(urlsplit(page.url).query).get("id", [])


# --- tests ---------------------------------------------------------------------------------------------------


def test_the_compare_page_links_its_script_and_stylesheet(shipped_site: Path) -> None:
    """Every language has the page, its script and stylesheet exist in the build, and no script is inline."""
    assert (shipped_site / "assets" / "compare.js").is_file()
    assert (shipped_site / "assets" / "compare.css").is_file(), (
        "assets/compare.css is not in the built site: add it to the assets build_site copies"
    )
    for lang, folder in LANGS.items():
        parsed = parse(shipped_site / folder / "compare" / "index.html")
        prefix = "../" * (folder.count("/") + 1)
        assert prefix + "assets/compare.css" in parsed.attr_values("link", "href"), lang
        assert [(a.get("src"), text.strip()) for a, text in parsed.scripts] == [(prefix + "assets/compare.js", "")]
        assert "compare" in parsed.ids


@pytest.mark.parametrize("lang", list(LANGS))
def test_three_entries_side_by_side(page: Any, base_url: str, words: dict[str, dict[str, str]], lang: str) -> None:
    t = words[lang]
    open_compare(page, base_url, THREE, lang)
    assert columns(page) == [NAMES[i] for i in THREE]
    # each name links to the entry's page in the page's language
    hrefs = page.eval_on_selector_all("table.compare thead .compare-name", "els => els.map(a => a.href)")
    assert hrefs == [f"{base_url}{LANGS[lang]}{i}/" for i in THREE]
    assert page.locator("table.compare caption").text_content().startswith(t["compare_title"])
    assert page.locator("table.compare thead button.compare-remove").all_inner_texts() == [t["compare_remove"]] * 3

    # one row per fact, named in the page's language
    headers = page.locator("table.compare tbody th[scope='row']").all_inner_texts()
    for key in ("kind", "developer", "year", "params", "context", "licenses", "variants", "repos"):
        assert t[key] in headers, (key, headers)
    assert row(page, "kind") == [t["kind_generative"]] * 3
    assert row(page, "year") == ["2024", "2025", "2023"]
    params = row(page, "params")
    assert params[0] == "7B–70B"
    assert params[1] == t["active_params"].format(total="9.3B–73B", n="2.9B–22B")  # the mixture's active count
    assert params[2] == "13B"
    assert row(page, "context") == ["4,096–8,192", "4,096", "2,048"]

    # licenses: the class in words (with a decorative symbol), per license and per variant
    licenses = row(page, "licenses")
    assert f"MIT ✓ {t['commercial_class_yes']}" in licenses[0]
    assert f"CC BY-NC-SA 4.0 ✗ {t['commercial_class_no']}" in licenses[2]
    assert f"MIT ✓ {t['commercial_class_yes']}" in licenses[2]
    symbols = page.eval_on_selector_all(
        "table.compare [class^='commercial-'] .symbol", "els => els.map(e => e.getAttribute('aria-hidden'))"
    )
    assert len(symbols) >= 3
    assert set(symbols) == {"true"}
    instruct = page.locator("table.compare tr.row-variants li", has_text="13b-instruct")
    assert instruct.count() == 1
    assert t["commercial_class_no"] in instruct.inner_text()
    assert "2.9B" in " ".join(row(page, "variants"))  # the mixture's variants show their active count too

    # Hugging Face links
    links = page.eval_on_selector_all(
        "table.compare tr.row-repos a", "els => els.map(a => [a.getAttribute('href'), a.rel])"
    )
    assert ["https://huggingface.co/stockmark/stockmark-13b-instruct", "noopener noreferrer"] in links
    assert len(links) == 3 + 6 + 2


def test_english_license_words(page: Any, base_url: str) -> None:
    """The words themselves, in English: what a reader deciding about commercial use sees."""
    open_compare(page, base_url, THREE, "en")
    licenses = row(page, "licenses")
    assert licenses[0] == "MIT ✓ commercial use"
    assert licenses[2] == "base: MIT ✓ commercial use instruct: CC BY-NC-SA 4.0 ✗ non-commercial"
    assert row(page, "params")[1] == "9.3B–73B (2.9B–22B active)"


def test_remove_drops_a_column_and_back_restores_it(page: Any, base_url: str) -> None:
    open_compare(page, base_url, THREE, "en")
    assert url_ids(page) == THREE
    rerender(page, lambda: page.click(f"button.compare-remove[data-id='{MOE}']"))
    assert columns(page) == [NAMES[SARASHINA], NAMES[STOCKMARK]]
    assert url_ids(page) == [SARASHINA, STOCKMARK]
    assert urlsplit(page.url).path == "/en/compare/"
    # the focus stays in the table: on the remove button of the column that took the removed one's place
    assert page.evaluate("document.activeElement.dataset.id") == STOCKMARK
    assert row(page, "year") == ["2024", "2023"]

    rerender(page, page.go_back)
    assert columns(page) == [NAMES[i] for i in THREE]
    assert url_ids(page) == THREE
    rerender(page, page.go_forward)
    assert columns(page) == [NAMES[SARASHINA], NAMES[STOCKMARK]]

    # down to one entry: nothing to compare, a way back to the list
    rerender(page, lambda: page.click(f"button.compare-remove[data-id='{SARASHINA}']"))
    assert url_ids(page) == [STOCKMARK]
    assert page.locator("table.compare").count() == 0
    assert page.locator("p.compare-empty").count() == 1
    assert page.evaluate("document.activeElement.className") == "compare-empty"
    rerender(page, page.go_back)
    assert columns(page) == [NAMES[SARASHINA], NAMES[STOCKMARK]]


def test_malformed_ids_get_a_polite_line(page: Any, base_url: str, words: dict[str, dict[str, str]]) -> None:
    """A malformed id is never fetched: it gets the missing line; the others are still compared."""
    bad = ["../../etc/passwd", "models/<img src=x onerror=alert(1)>", "https://example.com/x"]
    open_compare(page, base_url, [SARASHINA, bad[0], MOE, bad[1]], "en")
    assert columns(page) == [NAMES[SARASHINA], NAMES[MOE]]
    missing = page.locator(".compare-missing p").all_inner_texts()
    assert missing == [words["en"]["compare_missing"].format(id=i) for i in bad[:2]]
    assert page.locator("#compare img").count() == 0
    open_compare(page, base_url, [bad[2], STOCKMARK], "ja")
    assert page.locator(".compare-missing p").all_inner_texts() == [words["ja"]["compare_missing"].format(id=bad[2])]
    assert page.locator("p.compare-empty").count() == 1


def test_an_unknown_id_gets_a_polite_line(new_tab: Callable[..., Tab], base_url: str) -> None:
    """A well-formed id without an entry: its file is a 404 (the only problem allowed), then the missing line."""
    tab = new_tab()
    unknown = "models/nobody/no-such-model"
    tab.expected_404.add(f"/api/entries/{unknown}.json")
    open_compare(tab.page, base_url, [unknown, SARASHINA, MOE], "fr")
    assert columns(tab.page) == [NAMES[SARASHINA], NAMES[MOE]]
    assert tab.page.locator(".compare-missing p").all_inner_texts() == [f"Entrée introuvable : {unknown}"]


@pytest.mark.parametrize("ids", [[SARASHINA], [], [SARASHINA, SARASHINA]], ids=["one", "none", "twice"])
def test_fewer_than_two_entries_is_the_empty_message(
    page: Any, base_url: str, words: dict[str, dict[str, str]], ids: list[str]
) -> None:
    open_compare(page, base_url, ids, "en")
    assert page.locator("table.compare").count() == 0
    empty = page.locator("p.compare-empty")
    assert " ".join(empty.inner_text().split()).startswith(words["en"]["compare_empty"])
    assert empty.locator("a").get_attribute("href") == "../../en/"


def test_duplicates_are_dropped_and_four_are_kept(page: Any, base_url: str) -> None:
    fifth = "models/sb-intuitions/sarashina2-8x70b"
    fourth = "models/cyberagent/cyberagent-llama-3.1-70b-japanese-instruct-2407"
    open_compare(page, base_url, [SARASHINA, MOE, SARASHINA, STOCKMARK, fourth, fifth], "ja")
    assert page.evaluate("window.__jaLlmCompare.ids") == [SARASHINA, MOE, STOCKMARK, fourth]
    assert len(columns(page)) == 4
    # a conditional license shows its conditions
    assert page.locator("table.compare tr.row-conditions").count() == 1
    assert row(page, "conditions")[3] != "—"


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_phone_never_scrolls_sideways(new_tab: Callable[..., Tab], base_url: str, lang: str) -> None:
    page = new_tab(viewport=PHONE, is_mobile=True, has_touch=True).page
    fourth = "models/cyberagent/cyberagent-llama-3.1-70b-japanese-instruct-2407"
    open_compare(page, base_url, [*THREE, fourth], lang)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wrap = page.evaluate(
        "(() => { const w = document.querySelector('#compare .table-wrap');"
        " return [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]; })()"
    )
    assert wrap[0] > wrap[1], wrap  # the table scrolls inside its wrapper
    assert wrap[2] == "auto", wrap
    sticky = page.eval_on_selector("table.compare tbody th[scope='row']", "th => getComputedStyle(th).position")
    assert sticky == "sticky"


def test_hostile_texts_stay_text(new_tab: Callable[..., Tab], hostile_site: Path) -> None:
    """The hostile catalog's names, licenses and variant labels are shown as text, never as markup."""
    with serve(hostile_site) as url:
        page = new_tab().page
        open_compare(page, url, ["models/acme/alpha", "benchmarks/hostile-bench"], "en")
        assert len(columns(page)) == 2
        assert "<svg onload=window.__pwned=1>" in columns(page)[0]  # as the data has it, as text
        assert page.locator("#compare script, #compare img, #compare svg").count() == 0
        assert page.evaluate("window.__pwned") is None
        hrefs = page.eval_on_selector_all("#compare a", "els => els.map(a => a.getAttribute('href'))")
        assert all(re.match(r"^(\.\./|https://huggingface\.co/)", h) for h in hrefs), hrefs
