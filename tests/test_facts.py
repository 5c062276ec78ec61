"""Facts of the shipped catalog, written by hand from the rows of the 2026-08-22 list (README.md, en/README.md)
and checked through `ja-llm search --json` and `show --json`: per-variant sizes, contexts, licenses and
commercial-use classes, developers, and the queries they decide."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from ja_llm.cli import main

MOSHI = "models/research-and-development-center-for-large-language-models/llm-jp-moshi-v1"
LLM_JP_3 = "models/research-and-development-center-for-large-language-models/llm-jp-3-13b-instruct3"


def _run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def variants() -> dict[tuple[str, str], dict[str, Any]]:
    """(entry id tail, variant label) -> the variant's record, for every entry."""
    found = {}
    for record in _run("search", "--json"):
        for variant in record["variants"]:
            found[(record["id"].rsplit("/", 1)[-1], variant["label"])] = variant
    return found


B, M = 1e9, 1e6

# (entry id tail, variant label, field, value): one fact each, from the list's rows
FACTS = [
    # sizes: stated in the labels (`[v3-30m](…)`), in the repo names, or the mixture `8x7B`
    ("sarashina2", "7b", "params", 7 * B),
    ("sarashina2", "13b", "params", 13 * B),
    ("sarashina2", "70b", "params", 70 * B),
    ("ruri-v3", "v3-30m", "params", 30 * M),
    ("ruri-v3", "v3-70m", "params", 70 * M),
    ("ruri-v3", "v3-130m", "params", 130 * M),
    ("ruri-v3", "v3-310m", "params", 310 * M),
    ("bybert-jp", "100m", "params", 100 * M),
    ("bybert-jp", "v2-100m", "params", 100 * M),
    ("sarashina-embedding-v2", "v2-1b", "params", 1 * B),
    ("rakuten-ai-2.0-mini", "mini(1.5b)", "params", 1.5 * B),
    ("plamo-13b", "13b", "params", 13 * B),
    ("plamo-13b", "13b-instruct-nc", "params", 13 * B),
    ("stockmark-13b", "13b-instruct", "params", 13 * B),
    ("cyberagentlm2-calm2", "7b-chat", "params", 7 * B),
    ("evollm-jp", "v1-10B", "params", 10 * B),
    ("evollm-jp", "v1-7B", "params", 7 * B),
    ("tohokunlp-bert-alpha-500m", "sq4096-alpha", "params", 500 * M),
    ("tohokunlp-bert-alpha-500m", "sq8192-alpha", "params", 500 * M),
    # Mixtral-8x7B-based (`Mixtral-8x7B-Instruct-v0.1 (**46.7b**)`): 46.7B in total, 12.9B active per token
    ("abeja-mixtral-8x7b-japanese", "8x7B-v0.1-japanese", "params", 46.7 * B),
    ("abeja-mixtral-8x7b-japanese", "8x7B-v0.1-japanese", "active", 12.9 * B),
    ("karakuri-lm-8x7b-instruct-v0.1", "8x7b-instruct-v0.1", "active", 12.9 * B),
    ("swallow-mx-8x7b", "8x7b-NVE-v0.1", "active", 12.9 * B),
    # mixtures of experts whose active count the list does not write, from their model cards: RakutenAI-2.0-8x7B
    # ("8x7B (47B)", "13B active parameters", which also lists Tanuki-8x8B as 47B / 13B active); llm-jp-3-8x1.8b
    # (activated 2,924,279,808 of 9.3B) and llm-jp-3-8x13b (22B of 73B), which the SIP-jmed 8x13b models continue
    ("rakuten-ai-2.0", "8x7B", "params", 47 * B),
    ("rakuten-ai-2.0", "8x7B-instruct", "active", 13 * B),
    ("tanuki-8-8b", "v1.0", "params", 47 * B),
    ("tanuki-8-8b", "v1.0-AWQ", "active", 13 * B),
    ("llm-jp-3-moe", "8x1.8b (9.3b)", "params", 9.3 * B),
    ("llm-jp-3-moe", "8x1.8b (9.3b)-instruct3", "active", 2.9 * B),
    ("llm-jp-3-moe", "8x13b (73b)-instruct2", "active", 22 * B),
    ("llm-jp-3.1", "8x13b (73b)-instruct4", "active", 22 * B),
    ("sip-med-llm-sip-jmed-llm-3-8x13b-op-4k-base", None, "params", 73 * B),
    ("sip-med-llm-sip-jmed-llm-3-8x13b-op-4k-base", None, "active", 22 * B),
    # models built on gpt-oss (21B with 3.6B active, 117B with 5.1B), Qwen3-30B-A3B and DeepSeek-V3 (671B, 37B
    # active: the RakutenAI-3.0 card)
    ("gpt-oss-swallow-20b", "20B-RL-v0.1", "params", 21 * B),
    ("gpt-oss-swallow-20b", "20B-RL-v0.1", "active", 3.6 * B),
    ("gpt-oss-swallow-120b", "120B-SFT-v0.1", "active", 5.1 * B),
    ("qwen3-swallow-30b-a3b", "30B-A3B-SFT-v0.2", "active", 3 * B),
    ("rakuten-ai-3.0", "RakutenAI-3.0", "active", 37 * B),
    # contexts: `7b, 13b: 4,096<br>70b: 8,192`, `base: 4,096<br>chat: 32,768`, …
    ("sarashina2", "7b", "context", 4096),
    ("sarashina2", "13b", "context", 4096),
    ("sarashina2", "70b", "context", 8192),
    ("cyberagentlm2-calm2", "7b", "context", 4096),
    ("cyberagentlm2-calm2", "7b-chat", "context", 32768),
    ("cyberagentlm2-calm2", "7b-chat-dpo-experimental", "context", 32768),
    ("plamo-13b", "13b", "context", 4096),
    ("plamo-13b", "13b-instruct", "context", 8192),
    ("plamo-13b", "13b-instruct-nc", "context", 8192),
    ("bybert-jp", "100m", "context", 3072),
    ("bybert-jp", "200m", "context", 3072),
    ("bybert-jp", "400m", "context", 3072),
    ("bybert-jp", "v2-100m", "context", 4096),
    ("rakuten-ai-2.0-mini", "mini(1.5b)", "context", 131072),
    # licenses per variant: `baseモデル: MIT<br>instructモデル: CC BY-NC-SA 4.0`, `(NC モデルは CC BY-NC 4.0)`, …
    ("stockmark-13b", "13b", "license", "mit"),
    ("stockmark-13b", "13b", "commercial", "yes"),
    ("stockmark-13b", "13b-instruct", "license", "cc-by-nc-sa-4.0"),
    ("stockmark-13b", "13b-instruct", "commercial", "no"),
    ("plamo-13b", "13b", "license", "apache-2.0"),
    ("plamo-13b", "13b", "commercial", "yes"),
    ("plamo-13b", "13b-instruct-nc", "license", "cc-by-nc-4.0"),
    ("plamo-13b", "13b-instruct-nc", "commercial", "no"),
    ("cyberagentlm2-calm2", "7b", "license", "apache-2.0"),
    ("cyberagentlm2-calm2", "7b-chat-dpo-experimental", "license", "cc-by-4.0"),
    ("cyberagentlm2-calm2", "7b-chat-dpo-experimental", "commercial", "yes"),
    ("japanese-stablelm-alpha", "base-alpha-7b", "license", "apache-2.0"),
    ("japanese-stablelm-alpha", "instruct-alpha-7b-v2", "license", "apache-2.0"),
    ("sarashina2", "7b", "license", "mit"),
    ("sarashina2", "70b", "commercial", "yes"),
    ("rakuten-ai-2.0", "8x7B", "license", "apache-2.0"),
    # `Apache 2.0 (?)`: the list is not sure, so commercial use is unknown
    ("karasu", "7B", "commercial", "unknown"),
    ("shisa-7b", "base-7b-v1", "commercial", "unknown"),
]


@pytest.mark.parametrize(("entry", "label", "field", "value"), FACTS, ids=[f"{f[0]}:{f[1]}:{f[2]}" for f in FACTS])
def test_variant_fact(
    variants: dict[tuple[str, str], dict[str, Any]], entry: str, label: str, field: str, value: Any
) -> None:
    expected = pytest.approx(value) if isinstance(value, float) else value
    assert variants[(entry, label)][field] == expected


def test_every_variant_states_its_facts(variants: dict[tuple[str, str], dict[str, Any]]) -> None:
    for key, variant in variants.items():
        for field in ("params", "active", "context", "license", "commercial"):
            assert field in variant, key


def _ids(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["search", *args, "--json"])
    assert result.exit_code == 0, result.output
    return [
        f"{r['id'].rsplit('/', 1)[-1]}:{r['variants'][i]['label']}"
        for r in json.loads(result.stdout)
        for i in r["matching_variants"]
    ]


def test_commercial_excludes_the_non_commercial_variants() -> None:
    found = _ids("--commercial")
    assert "stockmark-13b:13b" in found
    assert "stockmark-13b:13b-instruct" not in found
    assert "plamo-13b:13b-instruct" in found
    assert "plamo-13b:13b-instruct-nc" not in found
    assert not [f for f in found if f.startswith("karasu:")]  # uncertain


def test_include_uncertain_counts_on_licenses_marked_with_a_question_mark() -> None:
    assert "karasu:7B" not in _ids("--commercial")
    assert "karasu:7B" in _ids("--commercial", "--include-uncertain")


def test_min_context_is_per_variant() -> None:
    found = _ids("--min-context", "8192")
    assert "sarashina2:70b" in found
    assert "sarashina2:7b" not in found
    assert "sarashina2:13b" not in found
    assert "cyberagentlm2-calm2:7b" not in _ids("--min-context", "32k")


def test_max_params_excludes_the_mixture_of_experts() -> None:
    found = _ids("--max-params", "8b")
    assert not [f for f in found if f.startswith("rakuten-ai-2.0:")]
    assert "rakuten-ai-2.0-mini:mini(1.5b)" in found


def test_one_id_per_organization() -> None:
    moshi = _run("show", MOSHI, "--json")
    llm_jp = _run("show", LLM_JP_3, "--json")
    assert [d["id"] for d in moshi["developers"]] == [d["id"] for d in llm_jp["developers"]]
    developer = moshi["developers"][0]["id"]
    assert MOSHI in [r["id"] for r in _run("search", "--developer", developer, "--json")]
    assert [d["id"] for d in _run("show", "jpharmabert", "--json")["developers"]] == ["eques-inc"]
    assert [d["id"] for d in _run("show", "japanese-mulan", "--json")["developers"]] == ["ly-corp"]
    assert [d["id"] for d in _run("show", "benchmarks/jglue", "--json")["developers"]] == [
        "waseda-kawahara-lab",
        "yahoo",
    ]


def test_active_compares_the_active_parameters_of_a_mixture() -> None:
    found = _ids("--max-params", "15b", "--active")
    assert "rakuten-ai-2.0:8x7B" in found  # 13B of 47B active
    assert "tanuki-8-8b:v1.0" in found
    assert "llm-jp-3-moe:8x13b (73b)" not in found  # 22B active
    assert "rakuten-ai-2.0:8x7B" not in _ids("--max-params", "15b")


def test_license_classes_follow_the_license_texts() -> None:
    # Japanese Stable VLM: its card leaves commercial use to a paid membership, so the license grants none
    found = [r["id"] for r in _run("search", "--commercial", "any", "--json")]
    assert "models/stability-ai/japanese-stable-vlm" not in found
    # PLaMo Community License: commercial use under a revenue limit and registration
    plamo = _run("search", "--license", "plamo-community", "--json")
    assert plamo
    assert {v["commercial"] for r in plamo for v in r["variants"]} == {"conditional"}
