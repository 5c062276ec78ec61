"""Queries: every filter through the Python API (Catalog.query) and the CLI (`ja-llm search`), which must
agree on the ids; Japanese text search; the five example questions on the shipped catalog; bad input;
output formats.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ja_llm import Catalog
from ja_llm.cli import main
from ja_llm.search.output import width
from ja_llm.search.query import QueryError

from site_fixtures import (
    ACME,
    ALL,
    ALPHA,
    API,
    BERT,
    EMBED,
    EMBED_SHORT,
    GENERATIVE,
    KUMO,
    MIXED,
    NOSIZE,
    OMEGA,
    PAPER,
    SCOPED,
    TINY,
    build_fixture_catalog,
)


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_catalog(tmp_path_factory.mktemp("query") / "テスト カタログ")


@pytest.fixture(scope="module")
def fixture_catalog(fixture_root: Path) -> Catalog:
    return Catalog.load(fixture_root)


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


# --- helpers: the same question through the API and the CLI ------------------------------------------------


def run_cli(*args: Any) -> Result:
    return CliRunner().invoke(main, ["search", *(str(a) for a in args)])


def cli_ids(data: Path | None, text: str | None, cli_args: list[str]) -> list[str]:
    args = ([text] if text is not None else []) + list(cli_args) + (["--data", str(data)] if data else []) + ["--ids"]
    result = run_cli(*args)
    assert result.exit_code == 0, (args, result.output, result.stderr)
    assert result.stderr == ""
    return result.stdout.splitlines()


def cli_json(data: Path | None, text: str | None, cli_args: list[str]) -> list[dict[str, Any]]:
    args = ([text] if text is not None else []) + list(cli_args) + (["--data", str(data)] if data else []) + ["--json"]
    result = run_cli(*args)
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return json.loads(result.stdout)


def both(catalog: Catalog, data: Path | None, cli_args: list[str], text: str | None = None, **api: Any) -> list[str]:
    """The ids of one question asked through Catalog.query and through `ja-llm search --ids`: they must agree."""
    api_ids = [r.entry.id for r in catalog.query(text, **api)]
    assert cli_ids(data, text, cli_args) == api_ids, (cli_args, api)
    return api_ids


def variant_repos(
    catalog: Catalog, data: Path | None, cli_args: list[str], text: str | None = None, **api: Any
) -> dict[str, list[str]]:
    """Entry id -> repos of the matching variants, from QueryResult.variants and from JSON `matching_variants`."""
    from_api = {r.entry.id: [v.repo for v in r.variants] for r in catalog.query(text, **api)}
    from_cli = {}
    for item in cli_json(data, text, cli_args):
        chosen = [item["variants"][i] for i in item["matching_variants"]]
        # an entry without variants gets one unnamed pseudo-variant (index None) in the records; the API has none
        from_cli[item["id"]] = [v["repo"] for v in chosen if v["index"] is not None]
    assert from_cli == from_api, (cli_args, api)
    return from_api


# --- 1. every filter on the fixture catalog ------------------------------------------------------------------


def test_fixture_catalog_loads_with_only_the_folder_name_warning(fixture_catalog: Catalog) -> None:
    assert sorted(fixture_catalog.entries) == sorted(ALL)
    assert [w.field for w in fixture_catalog.warnings] == ["developers.0"]  # models/雲研究所/ vs developer kumo


def test_no_filter_lists_everything_in_catalog_order(fixture_catalog: Catalog, fixture_root: Path) -> None:
    assert both(fixture_catalog, fixture_root, []) == ALL


CASES: list[tuple[str, list[str], dict[str, Any], list[str]]] = [
    # sizes -------------------------------------------------------------------------------------------------
    (
        "min 7b: MoE total, entry-level size; no size and 1b(1.4b) excluded",
        ["--min-params", "7b"],
        {"min_params": "7b"},
        [ALPHA, OMEGA, MIXED, SCOPED, API],
    ),
    ("8x70b (465b) is 465b, not 560b", ["--min-params", "465b"], {"min_params": "465b"}, [OMEGA]),
    ("nothing above 465b", ["--min-params", "466b"], {"min_params": "466b"}, []),
    (
        "upper-case unit and decimals",
        ["--min-params", "1.4B", "--max-params", "1.4B"],
        {"min_params": "1.4B", "max_params": "1.4B"},
        [TINY],
    ),
    ("1b(1.4b) is not <= 1b", ["--max-params", "1b"], {"max_params": "1b"}, [BERT, EMBED, EMBED_SHORT]),
    ("m unit", ["--max-params", "110m"], {"max_params": "110m"}, [BERT, EMBED_SHORT]),
    ("355b-A32B is 355b in total", ["--min-params", "300b"], {"min_params": "300b"}, [OMEGA]),
    (
        "--active: 355b-A32B is 32b active",
        ["--min-params", "100b", "--active"],
        {"min_params": "100b", "active": True},
        [OMEGA],
    ),
    (
        "--active: 32b-a3b is 3b active",
        ["--max-params", "5b", "--active"],
        {"max_params": "5b", "active": True},
        [OMEGA, TINY, BERT, EMBED, EMBED_SHORT],
    ),
    ("without --active 32b-a3b is 32b", ["--max-params", "5b"], {"max_params": "5b"}, [TINY, BERT, EMBED, EMBED_SHORT]),
    (
        "an entry with no size is excluded by any size filter",
        ["--min-params", "1k"],
        {"min_params": "1k"},
        [ALPHA, OMEGA, MIXED, SCOPED, TINY, API, BERT, EMBED, EMBED_SHORT],
    ),
    # commercial use and licenses ----------------------------------------------------------------------------
    (
        "--commercial: yes only; a scoped entry with one commercial group stays",
        ["--commercial"],
        {"commercial": "yes"},
        [ALPHA, OMEGA, MIXED, SCOPED, TINY, NOSIZE, BERT, EMBED, EMBED_SHORT],
    ),
    (
        "--commercial yes",
        ["--commercial", "yes"],
        {"commercial": True},
        [ALPHA, OMEGA, MIXED, SCOPED, TINY, NOSIZE, BERT, EMBED, EMBED_SHORT],
    ),
    (
        "--commercial any admits the conditional license",
        ["--commercial", "any"],
        {"commercial": "any"},
        [ALPHA, OMEGA, MIXED, SCOPED, TINY, NOSIZE, API, BERT, EMBED, EMBED_SHORT],
    ),
    (
        "--license via a variant's own license and via a scoped license",
        ["--license", "acme-nc"],
        {"license": "acme-nc"},
        [MIXED, SCOPED],
    ),
    ("--license of an entry without variants", ["--license", "acme-cond"], {"license": "acme-cond"}, [API]),
    (
        "--license apache-2.0",
        ["--license", "apache-2.0"],
        {"license": "apache-2.0"},
        [ALPHA, OMEGA, MIXED, SCOPED, NOSIZE, BERT],
    ),
    ("--license mit", ["--license", "mit"], {"license": "mit"}, [TINY, EMBED, EMBED_SHORT]),
    (
        "7b or more, commercial",
        ["--min-params", "7b", "--commercial"],
        {"min_params": "7b", "commercial": "yes"},
        [ALPHA, OMEGA, MIXED, SCOPED],
    ),
    (
        "7b or more, commercial any",
        ["--min-params", "7b", "--commercial", "any"],
        {"min_params": "7b", "commercial": "any"},
        [ALPHA, OMEGA, MIXED, SCOPED, API],
    ),
    # years --------------------------------------------------------------------------------------------------
    ("--year", ["--year", "2025"], {"year": 2025}, [OMEGA, SCOPED, API]),
    ("--year as text", ["--year", "2024"], {"year": "2024"}, [ALPHA, MIXED]),
    ("--since", ["--since", "2025"], {"since": 2025}, [OMEGA, SCOPED, API, EMBED, EMBED_SHORT]),
    (
        "--since excludes entries without a year",
        ["--since", "1900"],
        {"since": "1900"},
        [ALPHA, OMEGA, MIXED, SCOPED, TINY, API, BERT, EMBED, EMBED_SHORT],
    ),
    ("no match", ["--year", "1999"], {"year": 1999}, []),
    # developers ---------------------------------------------------------------------------------------------
    ("--developer by id", ["--developer", "acme"], {"developer": "acme"}, ACME),
    ("--developer by ja name", ["--developer", "アクメ"], {"developer": "アクメ"}, ACME),
    ("--developer by en name, other case", ["--developer", "ACME"], {"developer": "ACME"}, ACME),
    ("--developer full-width", ["--developer", "ＡＣＭＥ"], {"developer": "ＡＣＭＥ"}, ACME),
    ("--developer by en name with a space", ["--developer", "Kumo Research"], {"developer": "Kumo Research"}, KUMO),
    ("--developer by ja substring", ["--developer", "雲"], {"developer": "雲"}, KUMO),
    ("--developer by en substring", ["--developer", "research"], {"developer": "research"}, KUMO),
    # texts --------------------------------------------------------------------------------------------------
    ("--arch", ["--arch", "llama"], {"arch": "llama"}, [ALPHA, MIXED, SCOPED, NOSIZE]),
    ("--arch MoE", ["--arch", "MoE"], {"arch": "MoE"}, [OMEGA]),
    ("--arch BERT", ["--arch", "bert"], {"arch": "bert"}, [BERT, EMBED]),
    ("--base-model", ["--base-model", "qwen3"], {"base_model": "qwen3"}, [OMEGA]),
    ("--base-model with a space", ["--base-model", "Llama 3.1"], {"base_model": "Llama 3.1"}, [MIXED, TINY]),
    (
        "--hf: not the entry with hf = no and no repo, not the paper",
        ["--hf"],
        {"hf": True},
        [ALPHA, OMEGA, MIXED, SCOPED, TINY, NOSIZE, BERT, EMBED, EMBED_SHORT],
    ),
    ("--domain ja", ["--domain", "医療"], {"domain": "医療"}, [TINY]),
    ("--domain en", ["--domain", "medical"], {"domain": "medical"}, [TINY]),
    ("--domain finance", ["--domain", "Finance"], {"domain": "finance"}, [BERT]),
    # context ------------------------------------------------------------------------------------------------
    ("--min-context 8192", ["--min-context", "8192"], {"min_context": 8192}, [TINY, API, EMBED]),
    ("--min-context 8k", ["--min-context", "8k"], {"min_context": "8k"}, [TINY, API, EMBED]),
    ("--min-context 8,192", ["--min-context", "8,192"], {"min_context": "8,192"}, [TINY, API, EMBED]),
    ("--min-context 32k", ["--min-context", "32k"], {"min_context": "32k"}, [API]),
    ("--min-context 8191", ["--min-context", "8191"], {"min_context": 8191}, [TINY, API, EMBED, EMBED_SHORT]),
    # sections -----------------------------------------------------------------------------------------------
    ("--section parent id includes children", ["--section", "generative"], {"section": "generative"}, GENERATIVE),
    ("--section child id", ["--section", "generative-general"], {"section": "generative-general"}, GENERATIVE),
    ("--kind encoder", ["--kind", "encoder"], {"section": "encoder"}, [BERT]),
    ("--section parent id (not a kind name)", ["--section", "autoencoding"], {"section": "autoencoding"}, [BERT]),
    ("--section sub-section", ["--section", "autoencoding-general"], {"section": "autoencoding-general"}, [BERT]),
    ("--kind embedding", ["--kind", "embedding"], {"section": "embedding"}, [EMBED, EMBED_SHORT]),
    ("--section embeddings", ["--section", "embeddings"], {"section": "embeddings"}, [EMBED, EMBED_SHORT]),
    ("--kind paper", ["--kind", "paper"], {"section": "paper"}, [PAPER]),
    ("--section reference", ["--section", "reference"], {"section": "reference"}, [PAPER]),
    ("--kind with no entries", ["--kind", "speech"], {"section": "speech"}, []),
    (
        "--kind and --min-context together",
        ["--kind", "embedding", "--min-context", "8192"],
        {"section": "embedding", "min_context": 8192},
        [EMBED],
    ),
    # sorting and limits -------------------------------------------------------------------------------------
    (
        "--sort params: missing sizes last",
        ["--sort", "params"],
        {"sort": "params"},
        [EMBED_SHORT, BERT, EMBED, TINY, SCOPED, ALPHA, MIXED, API, OMEGA, NOSIZE, PAPER],
    ),
    (
        "--sort params --desc: missing sizes still last",
        ["--sort", "params", "--desc"],
        {"sort": "params", "desc": True},
        [OMEGA, API, MIXED, ALPHA, SCOPED, TINY, EMBED, BERT, EMBED_SHORT, NOSIZE, PAPER],
    ),
    (
        "--sort params --desc --limit 3",
        ["--sort", "params", "--desc", "--limit", "3"],
        {"sort": "params", "desc": True, "limit": 3},
        [OMEGA, API, MIXED],
    ),
    (
        "--sort params --active: omega by its largest active count (465b)",
        ["--sort", "params", "--active", "--desc", "--limit", "2"],
        {"sort": "params", "active": True, "desc": True, "limit": 2},
        [OMEGA, API],
    ),
    (
        "--sort params uses the matching variants only",
        ["--min-params", "1b", "--max-params", "40b", "--sort", "params"],
        {"min_params": "1b", "max_params": "40b", "sort": "params"},
        [TINY, ALPHA, MIXED, SCOPED, OMEGA],
    ),
    (
        "--sort name (ja names)",
        ["--sort", "name"],
        {"sort": "name"},
        [ALPHA, API, BERT, EMBED, EMBED_SHORT, MIXED, NOSIZE, PAPER, OMEGA, SCOPED, TINY],
    ),
    (
        "--sort name --desc --limit 2",
        ["--sort", "name", "--desc", "--limit", "2"],
        {"sort": "name", "desc": True, "limit": 2},
        [TINY, SCOPED],
    ),
    (
        "--sort name --lang en",
        ["--sort", "name", "--lang", "en"],
        {"sort": "name", "lang": "en"},
        [ALPHA, API, BERT, EMBED, EMBED_SHORT, MIXED, NOSIZE, OMEGA, SCOPED, TINY, PAPER],
    ),
    ("--sort catalog --desc", ["--sort", "catalog", "--desc"], {"sort": "catalog", "desc": True}, list(reversed(ALL))),
    ("--limit", ["--limit", "2"], {"limit": 2}, [ALPHA, OMEGA]),
    ("--limit 0", ["--limit", "0"], {"limit": 0}, []),
]


@pytest.mark.parametrize(("cli_args", "api", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_filter(
    fixture_catalog: Catalog, fixture_root: Path, cli_args: list[str], api: dict[str, Any], expected: list[str]
) -> None:
    assert both(fixture_catalog, fixture_root, cli_args, **api) == expected


@pytest.mark.parametrize("desc", [False, True])
def test_sort_by_year(fixture_catalog: Catalog, fixture_root: Path, desc: bool) -> None:
    args = ["--sort", "year"] + (["--desc"] if desc else [])
    ids = both(fixture_catalog, fixture_root, args, sort="year", desc=desc)
    years = [fixture_catalog.entries[i].data.year for i in ids]
    present = [y for y in years if y is not None]
    assert years == present + [None] * (len(years) - len(present))  # entries without a year come last
    assert present == sorted(present, reverse=desc)
    assert set(ids[len(present) :]) == {NOSIZE, PAPER}
    assert sorted(ids) == sorted(ALL)


def test_variant_with_its_own_license_is_dropped_by_commercial(fixture_catalog: Catalog, fixture_root: Path) -> None:
    repos = variant_repos(fixture_catalog, fixture_root, ["--commercial"], commercial="yes")
    assert repos[MIXED] == ["acme/mixed-7b", "acme/mixed-70b"]  # not the acme-nc variant
    assert repos[ALPHA] == ["acme/alpha-7b", "acme/alpha-8x7b-instruct"]
    # scoped licenses: the variants are not tied to a scope, so every variant of the entry stays
    assert repos[SCOPED] == ["kumo/scoped-13b", "kumo/scoped-13b-instruct"]
    items = {item["id"]: item for item in cli_json(fixture_root, None, ["--commercial"])}
    assert items[MIXED]["matching_variants"] == [0, 2]
    assert [v["repo"] for v in items[MIXED]["variants"]] == ["acme/mixed-7b", "acme/mixed-13b-nc", "acme/mixed-70b"]


def test_license_of_a_variant_selects_only_that_variant(fixture_catalog: Catalog, fixture_root: Path) -> None:
    repos = variant_repos(fixture_catalog, fixture_root, ["--license", "acme-nc"], license="acme-nc")
    assert repos == {MIXED: ["acme/mixed-13b-nc"], SCOPED: ["kumo/scoped-13b", "kumo/scoped-13b-instruct"]}
    repos = variant_repos(fixture_catalog, fixture_root, ["--license", "apache-2.0"], license="apache-2.0")
    assert repos[MIXED] == ["acme/mixed-7b", "acme/mixed-70b"]


def test_size_filters_select_matching_variants(fixture_catalog: Catalog, fixture_root: Path) -> None:
    repos = variant_repos(fixture_catalog, fixture_root, ["--min-params", "300b"], min_params="300b")
    assert repos == {OMEGA: ["acme/omega-8x70b", "acme/omega-355b-a32b"]}
    repos = variant_repos(
        fixture_catalog, fixture_root, ["--min-params", "300b", "--active"], min_params="300b", active=True
    )
    assert repos == {OMEGA: ["acme/omega-8x70b"]}
    repos = variant_repos(
        fixture_catalog,
        fixture_root,
        ["--max-params", "40b", "--active", "--kind", "generative"],
        max_params="40b",
        active=True,
        section="generative",
    )
    assert repos[OMEGA] == ["acme/omega-355b-a32b", "acme/omega-32b-a3b"]
    repos = variant_repos(
        fixture_catalog,
        fixture_root,
        ["--min-params", "10b", "--max-params", "50b"],
        min_params="10b",
        max_params="50b",
    )
    assert repos == {
        OMEGA: ["acme/omega-32b-a3b"],
        ALPHA: ["acme/alpha-8x7b-instruct"],
        MIXED: ["acme/mixed-13b-nc"],
        SCOPED: ["kumo/scoped-13b", "kumo/scoped-13b-instruct"],
    }
    # the entry with a size but no variant: matched by its entry-level size, with no variant to list
    repos = variant_repos(
        fixture_catalog,
        fixture_root,
        ["--min-params", "71b", "--max-params", "73b"],
        min_params="71b",
        max_params="73b",
    )
    assert repos == {API: []}


def test_entry_without_size_is_only_excluded_by_size_filters(fixture_catalog: Catalog, fixture_root: Path) -> None:
    assert NOSIZE in both(fixture_catalog, fixture_root, [])
    assert NOSIZE in both(fixture_catalog, fixture_root, ["--commercial"], commercial="yes")
    assert NOSIZE not in both(fixture_catalog, fixture_root, ["--min-params", "1m"], min_params="1m")
    assert NOSIZE not in both(fixture_catalog, fixture_root, ["--max-params", "1t"], max_params="1t")


def test_text_search_on_the_fixture(fixture_catalog: Catalog, fixture_root: Path) -> None:
    assert both(fixture_catalog, fixture_root, [], text="オメガ") == [OMEGA]
    assert both(fixture_catalog, fixture_root, [], text="omega") == [OMEGA]  # en name and repos
    assert both(fixture_catalog, fixture_root, [], text="ｵﾒｶﾞ") == [OMEGA]  # half-width with dakuten
    assert both(fixture_catalog, fixture_root, [], text="雲コーパス") == [TINY]  # training data
    assert both(fixture_catalog, fixture_root, [], text="kumo/tiny-1b") == [TINY]  # a repo id
    assert both(fixture_catalog, fixture_root, [], text="13b-instruct") == [SCOPED]  # a variant label
    assert both(fixture_catalog, fixture_root, ["--developer", "acme"], text="kumo", developer="acme") == [API]


# --- 2. Japanese text search on the shipped catalog ----------------------------------------------------------

TOHOKU_NLP = [
    "models/tohoku-university-nlp-group/bygpt-jp",
    "models/tohoku-university-nlp-group/tohokuuniversitybert",
    "models/tohoku-university-nlp-group/tohokunlp-bert-alpha-500m",
    "models/tohoku-university-nlp-group/bybert-jp",
    "models/tohoku-university-nlp-group/tohokuuniversity-stable-diffusion",
]
SARASHINA2 = "models/sb-intuitions/sarashina2"
SARASHINA2_MOE = "models/sb-intuitions/sarashina2-8x70b"
TOHOKU_BERT = "models/tohoku-university-nlp-group/tohokuuniversitybert"


def test_japanese_text_finds_tohoku_entries(shipped: Catalog) -> None:
    ids = both(shipped, None, [], text="東北大")
    for entry_id in TOHOKU_NLP:
        assert entry_id in ids
    assert "models/titech/fugaku-llm" in ids  # co-developed by 東北大 (tohoku-univ)
    assert SARASHINA2 not in ids


def test_full_width_latin_equals_ascii(shipped: Catalog) -> None:
    ascii_ids = both(shipped, None, [], text="SB")
    assert ascii_ids
    assert SARASHINA2 in ascii_ids
    assert both(shipped, None, [], text="ＳＢ") == ascii_ids
    assert both(shipped, None, [], text="sb") == ascii_ids
    assert both(shipped, None, [], text="ｓｂ") == ascii_ids


def test_half_width_katakana_equals_full_width(shipped: Catalog) -> None:
    full = both(shipped, None, [], text="カラクリ")
    assert "models/karakuri/karakuri-lm" in full
    assert both(shipped, None, [], text="ｶﾗｸﾘ") == full


def test_search_ignores_case(shipped: Catalog) -> None:
    lower = both(shipped, None, [], text="sarashina2")
    assert SARASHINA2 in lower
    assert SARASHINA2_MOE in lower
    assert both(shipped, None, [], text="SARASHINA2") == lower
    assert both(shipped, None, [], text="SaRaShInA2") == lower
    assert both(shipped, None, [], text="Ｓａｒａｓｈｉｎａ２") == lower


def test_exact_name_match_ranks_first(shipped: Catalog) -> None:
    everything = both(shipped, None, [])
    assert everything.index(SARASHINA2_MOE) < everything.index(SARASHINA2)  # catalog order
    ids = both(shipped, None, [], text="Sarashina2")
    assert ids[0] == SARASHINA2
    assert SARASHINA2_MOE in ids[1:]
    assert both(shipped, None, [], text="sarashina2")[0] == SARASHINA2
    # the exact match stays first whatever the sort
    assert both(shipped, None, ["--sort", "name", "--desc"], text="Sarashina2", sort="name", desc=True)[0] == SARASHINA2
    assert both(
        shipped, None, ["--sort", "year", "--desc", "--limit", "1"], text="Sarashina2", sort="year", desc=True, limit=1
    ) == [SARASHINA2]


def test_search_matches_repo_ids(shipped: Catalog) -> None:
    assert both(shipped, None, [], text="sbintuitions/sarashina2-7b") == [SARASHINA2]
    assert both(shipped, None, [], text="SBINTUITIONS/Sarashina2-7B") == [SARASHINA2]


def test_search_matches_an_alias(shipped: Catalog) -> None:
    entry = shipped.entry(TOHOKU_BERT)
    assert "cl-tohoku/bert-base-japanese-v3" in [a for v in entry.data.variants for a in v.aliases]
    assert "cl-tohoku/bert-base-japanese-v3" not in [v.repo for v in entry.data.variants]
    assert both(shipped, None, [], text="cl-tohoku/bert-base-japanese-v3") == [TOHOKU_BERT]


def test_search_matches_training_data(shipped: Catalog) -> None:
    # sarashina2: "事前学習: Japanese Common Crawl, SlimPajama, StarCoder"
    assert both(shipped, None, [], text="SlimPajama, StarCoder") == [SARASHINA2]
    # sarashina2-8x70b: "Sarashina2 (70B) に対して Sparse Upcycling で学習"
    assert both(shipped, None, [], text="Sparse Upcycling で学習") == [SARASHINA2_MOE]
    assert both(shipped, None, [], text="ｓｐａｒｓｅ ｕｐｃｙｃｌｉｎｇ　で学習") == [SARASHINA2_MOE]


# --- 3. the five questions on the shipped catalog ------------------------------------------------------------


def _json_by_id(cli_args: list[str]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in cli_json(None, None, cli_args)}


def test_question_7b_or_more_commercial(shipped: Catalog) -> None:
    args = ["--min-params", "7b", "--commercial"]
    ids = both(shipped, None, args, min_params="7b", commercial="yes")
    for expected in (
        "models/research-and-development-center-for-large-language-models/llm-jp-3.1",  # Apache-2.0, 73b
        "models/research-and-development-center-for-large-language-models/llm-jp-3-172b-alpha",  # Apache-2.0, 172b
        "models/rakuten/rakuten-ai-3.0",  # Apache-2.0, 671b at entry level
        SARASHINA2,  # MIT, 7b/13b/70b
    ):
        assert expected in ids
    for wrong in (
        SARASHINA2_MOE,  # sarashina-nc: NonCommercial
        "models/sb-intuitions/sarashina2.2",  # MIT but 0.5b-3b only
        "models/cyberagent/opencalm",  # 7b(6.8b) is 6.8b
        "models/university-of-tokyo-izumi-lab/stormy",  # 7b(6.8b)
    ):
        assert wrong not in ids
    # only the >= 7b variants are kept
    results = {r.entry.id: r for r in shipped.query(min_params="7b", commercial="yes")}
    llm_jp = results["models/research-and-development-center-for-large-language-models/llm-jp-3.1"]
    assert sorted({v.size for v in llm_jp.variants}) == ["13b", "73b-A22b"]
    items = _json_by_id(args)
    for item in items.values():
        chosen = [item["variants"][i] for i in item["matching_variants"]]
        assert chosen, item["id"]
        assert all(v["params"] >= 7e9 for v in chosen), item["id"]
        for variant in chosen:
            own = variant["commercial"]
            assert own == "yes" or (own is None and "yes" in item["commercial"]), item["id"]


def test_question_tohoku_encoders_on_hugging_face(shipped: Catalog) -> None:
    args = ["--kind", "encoder", "--developer", "東北大", "--hf"]
    ids = both(shipped, None, args, section="encoder", developer="東北大", hf=True)
    for expected in (
        TOHOKU_BERT,
        "models/tohoku-university-nlp-group/tohokunlp-bert-alpha-500m",
        "models/tohoku-university-nlp-group/bybert-jp",
    ):
        assert expected in ids
    for wrong in (
        "models/tohoku-university-nlp-group/bygpt-jp",  # generative
        "models/titech/fugaku-llm",  # generative, 東北大 is a co-developer
        "models/tohoku-university-nlp-group/tohokuuniversity-stable-diffusion",  # vision-language
        "models/sb-intuitions/modernbert-ja",  # an encoder, not from 東北大
    ):
        assert wrong not in ids
    for item in _json_by_id(args).values():
        assert item["kind"] == "encoder"
        assert item["hf"] is True
        assert any("東北大" in d["name"]["ja"] for d in item["developers"])


def test_question_sb_intuitions_in_2025(shipped: Catalog) -> None:
    args = ["--developer", "SB Intuitions", "--year", "2025"]
    ids = both(shipped, None, args, developer="SB Intuitions", year=2025)
    for expected in (
        "models/sb-intuitions/sarashina2.2",
        "models/sb-intuitions/modernbert-ja",
        "models/sb-intuitions/sarashina-embedding-v2",
        "models/sb-intuitions/sarashina2-vision",
        "models/sb-intuitions/sarashina2.2-vision-3b",
    ):
        assert expected in ids
    for wrong in (SARASHINA2, SARASHINA2_MOE, "models/sb-intuitions/kana-whisper"):  # 2024, 2024, 2026
        assert wrong not in ids
    for item in _json_by_id(args).values():
        assert item["year"] == 2025
        assert "sb-intuitions" in [d["id"] for d in item["developers"]]
    assert (
        both(
            shipped,
            None,
            ["--developer", "ＳＢ ｉｎｔｕｉｔｉｏｎｓ", "--year", "2025"],
            developer="sb-intuitions",
            year="2025",
        )
        == ids
    )


def test_question_embeddings_with_8192_context(shipped: Catalog) -> None:
    args = ["--kind", "embedding", "--min-context", "8192"]
    ids = both(shipped, None, args, section="embedding", min_context=8192)
    for expected in (
        "models/nagoya-university-sasano-group/ruri-v3",
        "models/sb-intuitions/sarashina-embedding-v2",
        "models/sb-intuitions/sbintuitions-sarashina-embedding-v1-1b",
    ):
        assert expected in ids
    for wrong in (
        "models/preferred-networks/plamo-embedding-1b",  # 4096
        "models/retrieva/amber",  # 512
        "models/sb-intuitions/modernbert-ja",  # 8192 but an encoder
        SARASHINA2,  # 8192 but generative
    ):
        assert wrong not in ids
    for item in _json_by_id(args).values():
        assert item["kind"] == "embedding"
        assert item["context_length"] >= 8192
    assert (
        both(shipped, None, ["--kind", "embedding", "--min-context", "8k"], section="embedding", min_context="8k")
        == ids
    )


def test_question_built_on_qwen3(shipped: Catalog) -> None:
    args = ["--base-model", "qwen3"]
    ids = both(shipped, None, args, base_model="qwen3")
    for expected in (
        "models/swallow-project/qwen3-swallow-32b",
        "models/swallow-project/qwen3-swallow-30b-a3b",
        "models/swallow-project/qwen3-swallow-8b",
        "models/abeja/abeja-qwen3-14b-agentic-256k-v0.1",
        "models/cyberagent/cat-thinking",
        "models/shisa.ai/shisa-v2.1-8b",
        "models/university-of-tokyo-matsuo-iwasawa-lab/weblab-medllm-qwen3-235b",
    ):
        assert expected in ids
    for wrong in (
        "models/rinna/qwen2.5-bakeneko-32b",  # Qwen2.5
        # architecture Qwen3 MoE, not a base model
        "models/research-and-development-center-for-large-language-models/llm-jp-4-32b-a3b",
        SARASHINA2,
    ):
        assert wrong not in ids
    assert both(shipped, None, ["--base-model", "Qwen3"], base_model="Qwen3") == ids
    assert both(shipped, None, ["--base-model", "ＱＷＥＮ３"], base_model="ＱＷＥＮ３") == ids


# --- 4. bad input --------------------------------------------------------------------------------------------

BAD = [
    (["--min-params", "7bb"], {"min_params": "7bb"}, ["7bb", "7b", "1.4B", "500m"]),
    (["--max-params", "7"], {"max_params": "7"}, ["'7'", "7b"]),
    (["--license", "nope"], {"license": "nope"}, ["nope", "apache-2.0", "mit", "llama3.1", "sarashina-nc"]),
    (
        ["--kind", "nope"],
        {"section": "nope"},
        ["nope", "generative", "encoder", "embedding", "paper", "autoencoding", "embeddings"],
    ),
    (["--section", "nope"], {"section": "nope"}, ["nope", "generative", "vision-language"]),
    (["--sort", "nope"], {"sort": "nope"}, ["nope", "catalog", "params", "year", "name"]),
    (["--commercial", "maybe"], {"commercial": "maybe"}, ["maybe", "yes", "any"]),
    (["--year", "abc"], {"year": "abc"}, ["abc", "2024"]),
    (["--since", "abc"], {"since": "abc"}, ["abc", "2024"]),
    (["--min-context", "lots"], {"min_context": "lots"}, ["lots", "8192", "8k"]),
    (["--limit", "-1"], {"limit": -1}, ["-1"]),
]


@pytest.mark.parametrize(("cli_args", "api", "fragments"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_input_is_a_one_line_error(
    shipped: Catalog, cli_args: list[str], api: dict[str, Any], fragments: list[str]
) -> None:
    result = run_cli(*cli_args, "--ids")
    assert result.exit_code == 2, (result.output, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    with pytest.raises(QueryError) as caught:
        shipped.query(**api)
    assert isinstance(caught.value, ValueError)
    assert lines[0] == f"error: {caught.value}"


@pytest.mark.parametrize(("option", "value"), [("--min-context", "infk"), ("--year", "1e400k")])
def test_overflowing_number_is_a_one_line_error(shipped: Catalog, option: str, value: str) -> None:
    result = run_cli(option, value, "--ids")
    assert result.exit_code == 2, repr(result.exception)
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    with pytest.raises(QueryError):
        shipped.query(**{option.removeprefix("--").replace("-", "_"): value})


def test_unknown_filter_name_in_the_api(shipped: Catalog) -> None:
    with pytest.raises(QueryError, match="min_params"):
        shipped.query(min_param="7b")


# --- 5. output formats -----------------------------------------------------------------------------------------


def test_json_items(fixture_root: Path, fixture_catalog: Catalog) -> None:
    items = cli_json(fixture_root, None, [])
    assert [item["id"] for item in items] == ALL
    for item in items:
        for key in ("id", "name", "repos", "variants", "matching_variants"):
            assert key in item, (key, item["id"])
        assert "norm" not in item
        assert "order" not in item
        assert item["matching_variants"] == list(range(len(item["variants"])))  # no variant filter: all
    by_id = {item["id"]: item for item in items}
    assert by_id[OMEGA]["name"] == {"ja": "オメガ", "en": "Omega"}
    assert by_id[OMEGA]["repos"] == ["acme/omega-8x70b", "acme/omega-355b-a32b", "acme/omega-32b-a3b"]
    assert [(v["params"], v["active"]) for v in by_id[OMEGA]["variants"]] == [
        (465e9, 465e9),
        (355e9, 32e9),
        (32e9, 3e9),
    ]
    assert by_id[TINY]["variants"][0]["params"] == pytest.approx(1.4e9)
    assert by_id[API]["variants"] == [
        {
            "index": None,
            "label": None,
            "size": "72b",
            "params": 72e9,
            "active": 72e9,
            "context": 32768,
            "repo": None,
            "aliases": [],
            # the entry's one license and its class: every variant's facts are stated, none left null
            "license": "acme-cond",
            "commercial": "conditional",
        }
    ]
    assert by_id[SCOPED]["commercial"] == ["yes", "no"]
    assert by_id[API]["commercial"] == ["conditional"]


def test_csv_has_a_header_and_one_row_per_entry(fixture_root: Path) -> None:
    result = run_cli("--data", fixture_root, "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "name", "year", "developer", "params", "commercial", "repos"]
    assert [row[0] for row in rows[1:]] == ALL
    by_id = {row[0]: dict(zip(rows[0], row, strict=False)) for row in rows[1:]}
    assert by_id[OMEGA]["name"] == "オメガ"
    assert by_id[API]["developer"] == "雲研究所, アクメ"
    assert by_id[TINY]["params"] == "1.4B"


def test_ids_are_one_per_line(fixture_root: Path, fixture_catalog: Catalog) -> None:
    result = run_cli("--data", fixture_root, "--ids", "--kind", "generative")
    assert result.exit_code == 0
    assert result.stdout == "".join(i + "\n" for i in GENERATIVE)
    assert result.stdout.splitlines() == [r.entry.id for r in fixture_catalog.query(section="generative")]


def _display_column(line: str, column: int) -> int | None:
    """The character index at which `line` reaches display column `column` (None when it never does)."""
    for index in range(len(line) + 1):
        if width(line[:index]) == column:
            return index
        if width(line[:index]) > column:
            return None
    return None


def test_plain_table_is_aligned_by_display_width(fixture_root: Path) -> None:
    result = run_cli("--data", fixture_root)  # not a terminal: the plain table
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{len(ALL)} entries"
    header, rows = lines[0], lines[1:-1]
    assert header.split() == ["id", "name", "year", "developer", "params", "commercial", "repos"]
    assert [row.split("  ")[0].strip() for row in rows] == ALL
    items = {item["id"]: item for item in cli_json(fixture_root, None, [])}
    for column in ("name", "year", "developer"):
        start = width(header[: header.index(column)])
        for row in rows:
            entry_id = row.split()[0]
            index = _display_column(row, start)
            assert index is not None, (column, row)
            assert row[index - 2 : index] == "  ", (column, row)
            expected = {
                "name": items[entry_id]["name"]["ja"],
                "year": str(items[entry_id]["year"] or ""),
                "developer": ", ".join(d["name"]["ja"] for d in items[entry_id]["developers"]),
            }[column]
            assert row[index:].startswith(expected), (column, row)
            if not expected:
                assert row[index : index + 4].strip() == ""
    # the test means something: some rows hold Japanese text, whose width differs from its length
    assert any(len(row) != width(row) for row in rows)


def test_plain_table_with_english_names(fixture_root: Path) -> None:
    result = run_cli("--data", fixture_root, "--lang", "en", "--kind", "generative")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{len(GENERATIVE)} entries"
    assert any("Omega" in line and "Acme" in line for line in lines)


def test_empty_result_table(fixture_root: Path) -> None:
    result = run_cli("zzz-no-such-thing", "--data", fixture_root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 entries"
    assert cli_json(fixture_root, "zzz-no-such-thing", []) == []


def test_question_several_words_in_any_order_and_field(shipped: Catalog) -> None:
    """`東北大 BERT`: every word, in any field (developer, name) and any order; full and short forms of an
    organization's name (東北大学 ↔ 東北大) find the same organization."""
    tohoku_bert = both(shipped, None, [], "東北大 BERT")
    assert len(tohoku_bert) >= 5
    assert set(both(shipped, None, [], "BERT 東北大")) == set(tohoku_bert)
    assert set(both(shipped, None, [], "tohoku bert")) == set(tohoku_bert)
    assert set(both(shipped, None, [], "東北大BERT")) <= set(tohoku_bert)  # one word: names that hold it whole
    for entry_id in tohoku_bert:
        # the file names BERT somewhere
        assert "bert" in shipped.entries[entry_id].path.read_text(encoding="utf-8").lower()
    assert set(both(shipped, None, [], "東北大学")) >= set(both(shipped, None, [], "東北大学 BERT"))
    assert both(shipped, None, [], "東北大学 BERT")
    assert both(shipped, None, [], "東北大 zzz-no-such-word") == []


def test_records_share_what_registries_give_them(shipped: Catalog) -> None:
    """build_records makes a developer's and a license's facts once and every record naming them holds the same
    objects (~1.7 of a record's ~7.2 KB at 100k entries): the records equal those made one entry at a time."""
    from collections import Counter

    from ja_llm.search.records import build_record, build_records

    catalog = shipped
    records = build_records(catalog)
    alone = [build_record(catalog, entry, order) for order, entry in enumerate(catalog.ordered_entries())]
    assert records == alone
    registry_name = dict.fromkeys(catalog.info.languages, catalog.licenses["apache-2.0"].name)
    apache = [
        lic
        for record in records
        for lic in record["licenses"]
        if lic["id"] == "apache-2.0" and lic["scope"] is None and not lic["uncertain"]
    ]
    assert len(apache) > 10
    assert all(lic is apache[0] for lic in apache)
    assert apache[0]["name"] == registry_name
    named = Counter(d["id"] for record in records for d in record["developers"])
    most, _ = named.most_common(1)[0]
    developers = [d for record in records for d in record["developers"] if d["id"] == most]
    assert len(developers) > 10
    assert all(d is developers[0] for d in developers)
