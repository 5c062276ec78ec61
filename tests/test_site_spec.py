"""The website evaluates the query spec Python exports (ja_llm.search.query.spec), not a copy of the engine:
on the fixture catalog (tests/site_fixtures.py), every filter of FILTERS lists in Chromium the entries that
`Catalog.query` and `ja-llm search --ids` list, in both languages; and a filter added in Python alone (a
test-only one) works on the website with no change to app.js.

The sites are built once per module and served on 127.0.0.1; see tests/test_site_browser.py for the browser
set-up these tests share (Debian's Chromium at $JA_LLM_CHROMIUM, nothing outside 127.0.0.1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ja_llm.api import Catalog
from ja_llm.search import query
from ja_llm.search.query import EntryTest, Filter, Parser, VariantTest

from site_fixtures import (
    FLAGS,
    build,
    build_fixture_catalog,
    cli_ids,
    query_string,
    serve,
)

# Values of every filter on the fixture catalog: each is a parity case. A filter of FILTERS without an entry
# here fails test_every_filter_has_parity_cases: a new filter must show that the site agrees with the CLI.
PARITY_VALUES: dict[str, list[str]] = {
    "section": ["generative", "encoder", "embeddings", "autoencoding-general", "paper"],
    "commercial": ["yes", "any"],
    "license": ["apache-2.0", "acme-nc", "acme-cond", "mit"],
    "min_params": ["7b", "465b", "1.4B", "1k"],
    "max_params": ["1b", "110m", "5b"],
    "year": ["2025", "2024"],
    "since": ["2025", "1900"],
    "developer": ["acme", "kumo", "アクメ", "ＡＣＭＥ", "research"],
    "arch": ["llama", "MoE", "bert"],
    "base_model": ["qwen3", "Llama 3.1"],
    "hf": ["1"],
    "domain": ["医療", "finance"],
    "min_context": ["8192", "8k", "8191", "32k"],
}
COMBINED: list[dict[str, str]] = [
    {"commercial": "yes", "min_params": "7b"},
    {"commercial": "any", "max_params": "5b", "active": "1"},
    {"license": "acme-nc", "min_params": "10b", "sort": "params", "desc": "1"},
    {"q": "kumo", "section": "generative", "hf": "1", "sort": "name"},
    {"developer": "kumo", "since": "2023", "min_context": "8k", "sort": "year"},
    {"min_params": "100b", "active": "1", "sort": "params"},
    {"q": "ＯＭＥＧＡ", "commercial": "yes"},
    # white space as Python knows it, not as JavaScript's \s does (U+0085, U+001C; U+FEFF is none)
    {"q": "\x85kumo\u3000", "developer": "\x1cacme\u2003", "min_context": "\u00a08k\x1f"},
    {"q": "\x85kumo\u3000", "min_context": "\u00a08k\x1f"},
    {"commercial": "yes", "include_uncertain": "1"},
    {"commercial": "any", "include_uncertain": "1", "active": "1", "max_params": "50b"},
]


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_catalog(tmp_path_factory.mktemp("spec") / "テスト カタログ")


@pytest.fixture(scope="module")
def fixture_catalog(fixture_root: Path) -> Catalog:
    return Catalog.load(fixture_root)


@pytest.fixture(scope="module")
def fixture_url(fixture_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(build(fixture_root, tmp_path_factory.mktemp("spec-site") / "サイト")) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:") else route.abort()
    )
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert not errors, errors


def api_ids(catalog: Catalog, params: dict[str, str], lang: str) -> list[str]:
    """`Catalog.query` for URL parameters (flags as booleans)."""
    options: dict[str, Any] = {}
    for name, value in params.items():
        options[name] = value == "1" if name in FLAGS else value
    text = options.pop("q", None)
    return [r.entry.id for r in catalog.query(text, lang=lang, **options)]


def site_ids(page: Any, url: str) -> list[str]:
    """The ids the index page lists for a URL, every match shown ("show all" clicked when offered)."""
    page.goto(url)
    page.wait_for_selector("html[data-ready='1']", state="attached")
    if page.locator("#show-all").is_visible():
        page.evaluate("delete document.documentElement.dataset.ready")
        page.click("#show-all")
        page.wait_for_selector("html[data-ready='1']", state="attached")
    shown = page.eval_on_selector_all("#entry-rows > tr[data-id]:not([hidden])", "rows => rows.map(r => r.dataset.id)")
    assert shown == page.evaluate("window.__jaLlm.matches")
    invalid = page.eval_on_selector_all("#facets [aria-invalid=true]", "els => els.map(e => e.name)")
    assert not invalid, invalid
    return list(shown)


def test_every_filter_has_parity_cases() -> None:
    missing = [f.name for f in query.FILTERS if not PARITY_VALUES.get(f.name)]
    assert not missing, f"filters without a site/CLI parity case in PARITY_VALUES: {missing}"


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", [f.name for f in query.FILTERS])
def test_site_and_cli_agree_on_every_filter(
    page: Any, fixture_url: str, fixture_root: Path, fixture_catalog: Catalog, name: str, lang: str
) -> None:
    results = set()
    for value in PARITY_VALUES[name]:
        params = {name: value}
        expected = api_ids(fixture_catalog, params, lang)
        assert cli_ids({**params}, fixture_root) == api_ids(fixture_catalog, params, "ja")
        url = fixture_url + ("en/" if lang == "en" else "") + "?" + query_string(params)
        assert site_ids(page, url) == expected, params
        results.add(tuple(expected))
    # the cases are worth something: each filter keeps some entries and drops others
    all_ids = api_ids(fixture_catalog, {}, lang)
    assert any(0 < len(ids) < len(all_ids) for ids in results), (name, results)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("params", COMBINED, ids=query_string)
def test_site_and_cli_agree_on_combined_queries(
    page: Any, fixture_url: str, fixture_root: Path, fixture_catalog: Catalog, params: dict[str, str], lang: str
) -> None:
    expected = api_ids(fixture_catalog, params, lang)
    assert expected, params
    if lang == "ja":
        assert cli_ids(params, fixture_root) == expected
    url = fixture_url + ("en/" if lang == "en" else "") + "?" + query_string(params)
    assert site_ids(page, url) == expected


def test_the_spec_is_exported_with_the_data(fixture_url: str, fixture_root: Path, tmp_path: Path) -> None:
    from ja_llm.model.text import white_space_class
    from ja_llm.model.units import PARAM_UNITS
    from ja_llm.model.vocab import COMMERCIAL_RANK
    from ja_llm.site.build import CONTEXT_STEPS, PARAM_STEPS

    site = build(fixture_root, tmp_path / "site")
    spec = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))["spec"]
    assert [f["name"] for f in spec["filters"]] == [f.name for f in query.FILTERS]
    assert spec["param_units"] == PARAM_UNITS
    assert spec["white_space"] == white_space_class()
    assert spec["commercial"]["rank"] == COMMERCIAL_RANK
    assert list(spec["sorts"]) == list(query.SORTS)
    assert spec["facets"]["min_params"]["steps"] == list(PARAM_STEPS)
    assert spec["facets"]["min_context"]["steps"] == list(CONTEXT_STEPS)
    units = [f["parser"]["units"] for f in spec["filters"] if f["parser"]["kind"] == "params"]
    assert units
    assert all(u == PARAM_UNITS for u in units)


# --- a filter defined in Python only ------------------------------------------------------------------------

EXTRA_FILTERS = (
    # an entry filter read from the URL (no control): released in this year or earlier
    Filter(
        "until",
        "Released in this year or earlier.",
        Parser("year", {"k": 1024, "min": 1000, "max": 9999}),
        entry=EntryTest("year", "le"),
        metavar="YEAR",
    ),
    # a variant filter on another field: the largest active parameter count of a variant
    Filter(
        "max_active",
        "Maximum active parameters of a variant.",
        Parser("params", {"units": {"b": 1e9, "m": 1e6}}),
        variant=VariantTest("active", "le"),
        metavar="SIZE",
    ),
    # a choice over an entry column: the site offers a select of its values (with counts)
    Filter(
        "weights",
        "Weights on the Hub: yes or no.",
        Parser("choice", {"values": {"yes": [True], "no": [False]}}),
        entry=EntryTest("hf", "in"),
        metavar="yes|no",
    ),
)


@pytest.fixture(scope="module")
def extended_url(fixture_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(query, "FILTERS", query.FILTERS + EXTRA_FILTERS)
        site = build(fixture_root, tmp_path_factory.mktemp("spec-extended") / "site")
    with serve(site) as url:
        yield url


@pytest.fixture
def extended(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "FILTERS", query.FILTERS + EXTRA_FILTERS)


@pytest.mark.parametrize(
    "params",
    [
        {"until": "2024"},
        {"until": "2023", "hf": "1"},
        {"max_active": "5b"},
        {"max_active": "40b", "commercial": "yes", "sort": "params"},
        {"weights": "no"},
        {"weights": "yes", "until": "2025", "max_active": "100b"},
    ],
    ids=query_string,
)
def test_a_filter_added_in_python_works_on_the_site(
    extended: None, page: Any, extended_url: str, fixture_catalog: Catalog, params: dict[str, str]
) -> None:
    expected = api_ids(fixture_catalog, params, "ja")
    assert expected, params
    assert len(expected) < len(api_ids(fixture_catalog, {}, "ja")), params
    assert site_ids(page, extended_url + "?" + query_string(params)) == expected


def test_a_choice_filter_added_in_python_gets_a_select_with_counts(
    extended: None, page: Any, extended_url: str, fixture_catalog: Catalog
) -> None:
    page.goto(extended_url)
    page.wait_for_selector("html[data-ready='1']", state="attached")
    options = page.eval_on_selector_all("select[name=weights] option", "els => els.map(e => [e.value, e.textContent])")
    no = len(api_ids(fixture_catalog, {"weights": "no"}, "ja"))
    yes = len(api_ids(fixture_catalog, {"weights": "yes"}, "ja"))
    assert options[1:] == [["yes", f"yes ({yes})"], ["no", f"no ({no})"]]
    page.evaluate("delete document.documentElement.dataset.ready")
    page.select_option("select[name=weights]", "no")
    page.wait_for_selector("html[data-ready='1']", state="attached")
    assert page.evaluate("window.__jaLlm.matches") == api_ids(fixture_catalog, {"weights": "no"}, "ja")
    assert "weights=no" in page.url


# --- facet counts ---------------------------------------------------------------------------------------------

FACET_STATES: list[dict[str, str]] = [
    {},
    {"commercial": "yes"},
    {"min_params": "7b", "active": "1"},
    {"license": "apache-2.0", "year": "2025"},
    {"q": "kumo", "max_params": "5b", "hf": "1"},
]

FACET_OPTIONS = """() => Array.from(document.querySelectorAll('#facets select')).filter(s => s.name !== 'sort').map(s =>
  [s.name, Array.from(s.options).map(o => [o.value, o.textContent])])"""


@pytest.mark.parametrize("state", FACET_STATES, ids=lambda s: query_string(s) or "none")
def test_facet_counts_are_the_counts_of_the_query_with_that_option(
    page: Any, fixture_url: str, fixture_catalog: Catalog, state: dict[str, str]
) -> None:
    """Each option's count is the number of entries the query would list with that option chosen instead
    (the "any" option: with that filter left out); the checkbox's count, the number with it checked."""
    site_ids(page, fixture_url + "?" + query_string(state))
    for name, options in page.evaluate(FACET_OPTIONS):
        for value, label in options:
            params = {k: v for k, v in state.items() if k != name}
            if value:
                params[name] = value
            count = len(api_ids(fixture_catalog, params, "ja"))
            assert label.endswith(f"({count})"), (state, name, value, label, count)
    counted = page.eval_on_selector_all(
        "#facets [data-count-of]", "els => els.map(e => [e.dataset.countOf, e.textContent])"
    )
    assert [name for name, _ in counted] == ["hf"]
    for name, text in counted:
        count = len(api_ids(fixture_catalog, {**state, name: "1"}, "ja"))
        assert text == str(count), (state, name, text, count)
