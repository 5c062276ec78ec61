"""`ja-llm hub verify`: the real huggingface_hub client against a fake Hub on 127.0.0.1 (tests/fake_hub.py),
on a small catalog in a folder with a non-ASCII name."""

from __future__ import annotations

import difflib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fake_hub import FakeHub, FakeRepo, closed_port, point_client_at, running_hub
from ja_llm.cli import main
from ja_llm.hub import client as hub_client
from ja_llm.hub.facts import active_parameters, config_facts, size_text, sizes_agree

MINI = Path(__file__).parent / "data" / "mini-catalog"
TODAY = "2026-11-29"

LLAMA = {"model_type": "llama", "max_position_embeddings": 4096, "hidden_size": 4096, "num_hidden_layers": 32}
MIXTRAL = {
    "model_type": "mixtral",
    "max_position_embeddings": 32768,
    "sliding_window": 4096,
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "num_hidden_layers": 32,
    "num_local_experts": 8,
    "num_experts_per_tok": 2,
}
ROBERTA = {"model_type": "xlm-roberta", "max_position_embeddings": 514, "pad_token_id": 1}

BETA = """\
section = "generative-general"  # a comment stays
position = 20
name = "Beta"
year = 2024
context_length = 2048
developers = ["acme"]

[[licenses]]
id = "acme-nc"

[[variants]]
label = "beta"
repo = "acme/beta-old"
"""

GAMMA = """\
section = "generative-general"
position = 30
name = "Gamma"
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
size = "13b"
repo = "acme/gamma-13b"
"""

DELTA = """\
section = "generative-general"
position = 40
name = "Delta"
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
size = "1b"
repo = "acme/deleted-1b"
"""

EPSILON = """\
section = "generative-general"
position = 50
name = "Epsilon BERT"
context_length = 512
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
size = "110m"
repo = "acme/epsilon-bert"
"""


def fake_repos() -> list[FakeRepo]:
    return [
        FakeRepo(  # normal: the catalog has no context length
            "acme/alpha-7b",
            tags=["license:apache-2.0"],
            card_data={"license": "apache-2.0"},
            parameters=7_241_732_096,
            files={"config.json": LLAMA},
        ),
        FakeRepo(  # a mixture of experts
            "acme/alpha-8x7b-instruct",
            tags=["license:apache-2.0"],
            card_data={"license": "apache-2.0"},
            parameters=46_702_792_704,
            files={"config.json": MIXTRAL},
        ),
        FakeRepo("acme/beta-old", renamed_to="acme/beta"),  # renamed: the API redirects
        FakeRepo(
            "acme/beta",
            tags=["license:apache-2.0", "base_model:meta-llama/Llama-2-7b-hf"],
            card_data={"license": "apache-2.0", "base_model": "meta-llama/Llama-2-7b-hf"},
            parameters=1_300_000_000,
            files={"config.json": {**LLAMA, "max_position_embeddings": 4096}},
        ),
        FakeRepo(  # gated: the info is visible, config.json is not
            "acme/gamma-13b",
            gated="manual",
            tags=["license:apache-2.0"],
            parameters=13_015_864_320,
            files={"config.json": LLAMA},
        ),
        FakeRepo(  # RoBERTa positions (514 → 512), rate-limited twice first
            "acme/epsilon-bert",
            pipeline_tag="fill-mask",
            tags=["license:apache-2.0"],
            parameters=110_000_000,
            files={"config.json": ROBERTA},
            rate_limited=2,
            retry_after="0",
        ),
        FakeRepo("acme/always-limited", rate_limited=10**6, retry_after="0"),
    ]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with running_hub(fake_repos(), monkeypatch, tmp_path / "hf-home") as fake:
        monkeypatch.setenv("JA_LLM_TODAY", TODAY)
        yield fake


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "カタログ"
    shutil.copytree(MINI, root)
    for name, text in (("beta", BETA), ("gamma", GAMMA), ("delta", DELTA), ("epsilon", EPSILON)):
        (root / "models" / "acme" / f"{name}.toml").write_text(text, encoding="utf-8")
    return root


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.toml"))}


def changed(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines removed and lines added (a file's own diff, without context)."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in diff if line.startswith("- ")], [line[2:] for line in diff if line.startswith("+ ")]


def verified(*facts: str) -> str:
    return "verified = { " + ", ".join(f'{f} = {{ source = "hub", date = "{TODAY}" }}' for f in facts) + " }"


# --- the report ------------------------------------------------------------------------------------------


def test_every_disagreement_is_reported(hub: FakeHub, catalog: Path) -> None:
    result = run("hub", "verify", "--data", catalog, "--json")
    assert result.exit_code == 1, result.output  # some findings are only reported
    reports = {r["repo"]: r for r in json.loads(result.stdout)["reports"]}
    assert set(reports) == {
        "acme/alpha-7b",
        "acme/alpha-8x7b-instruct",
        "acme/beta-old",
        "acme/gamma-13b",
        "acme/deleted-1b",
        "acme/epsilon-bert",
    }

    def facts(repo: str) -> dict[str, dict]:
        return {f["fact"]: f for f in reports[repo]["findings"]}

    alpha = reports["acme/alpha-7b"]
    assert alpha["status"] == "ok"
    assert alpha["context_length"] == 4096
    assert alpha["license"] == "apache-2.0"
    assert set(facts("acme/alpha-7b")) == {"context_length"}  # 7b agrees with 7.24e9
    assert facts("acme/alpha-7b")["context_length"]["writable"] is True

    moe = reports["acme/alpha-8x7b-instruct"]
    assert "sliding_window 4096" in moe["notes"]
    assert moe["active_parameters"] == pytest.approx(12.88e9, rel=0.01)
    assert facts("acme/alpha-8x7b-instruct")["active"]["hub"] == "12.88b"

    beta = reports["acme/beta-old"]
    assert beta["status"] == "renamed"
    assert beta["new_id"] == "acme/beta"
    beta_facts = facts("acme/beta-old")
    assert beta_facts["repo"]["hub"] == "acme/beta"
    assert beta_facts["repo"]["writable"]
    assert beta_facts["license"]["catalog"] == "acme-nc"
    assert not beta_facts["license"]["writable"]
    assert beta_facts["base_model"]["hub"] == "meta-llama/Llama-2-7b-hf"
    assert beta_facts["size"]["hub"] == "1.3b"
    assert beta_facts["size"]["catalog"] is None
    assert beta_facts["context_length"]["catalog"] == 2048
    assert beta_facts["context_length"]["hub"] == 4096

    gamma = reports["acme/gamma-13b"]
    assert gamma["gated"] is True
    assert facts("acme/gamma-13b")["gated"]["writable"]
    assert any("gated" in note for note in gamma["notes"])  # config.json cannot be read
    assert gamma["context_length"] is None

    assert reports["acme/deleted-1b"]["status"] == "missing"
    assert facts("acme/deleted-1b")["status"]["hub"] == "missing"

    epsilon = reports["acme/epsilon-bert"]
    assert epsilon["status"] == "ok"  # after two 429s
    assert epsilon["context_length"] == 512  # 514 - 2: agrees with the catalog
    assert "context_length" not in facts("acme/epsilon-bert")
    assert facts("acme/epsilon-bert")["pipeline_tag"]["hub"] == "fill-mask"
    assert hub.requests.count(("GET", "/api/models/acme/epsilon-bert")) == 3


def test_the_table_names_each_finding_and_nothing_is_written(hub: FakeHub, catalog: Path) -> None:
    before = files(catalog)
    result = run("hub", "verify", "--data", catalog)
    assert result.exit_code == 1
    assert files(catalog) == before  # without --write nothing changes
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["repo", "fact", "catalog", "hub", "action"]
    assert any(line.split()[:4] == ["acme/beta-old", "repo", "acme/beta-old", "acme/beta"] for line in lines)
    assert any("acme/deleted-1b" in line and "missing" in line for line in lines)
    assert "--write fixes" in result.stdout
    assert "would apply" in result.stderr


def test_one_entry_by_id_or_repo(hub: FakeHub, catalog: Path) -> None:
    result = run("hub", "verify", "acme/alpha", "--data", catalog, "--json")
    assert {r["entry"] for r in json.loads(result.stdout)["reports"]} == {"models/acme/alpha"}
    result = run("hub", "verify", "acme/gamma-13b", "--data", catalog, "--json")
    assert [r["repo"] for r in json.loads(result.stdout)["reports"]] == ["acme/gamma-13b"]
    assert ("GET", "/api/models/acme/alpha-7b") not in hub.requests[-3:]


# --- --write ---------------------------------------------------------------------------------------------


def test_write_changes_exactly_the_safe_facts_and_a_second_run_nothing(hub: FakeHub, catalog: Path) -> None:
    before = files(catalog)
    result = run("hub", "verify", "--data", catalog, "--write")
    assert result.exit_code == 1, result.output  # the license, the missing repo: still open
    after = files(catalog)
    assert {name for name in after if after[name] != before[name]} == {
        "models/acme/alpha.toml",
        "models/acme/beta.toml",
        "models/acme/gamma.toml",
        "models/acme/epsilon.toml",
    }
    assert changed(before["models/acme/alpha.toml"], after["models/acme/alpha.toml"]) == (
        [],
        [
            "context_length = 4096",
            verified("repo", "license", "size", "context_length"),
            "context_length = 32768",
            verified("repo", "license", "size", "context_length"),
        ],
    )
    assert changed(before["models/acme/beta.toml"], after["models/acme/beta.toml"]) == (
        ["context_length = 2048", 'repo = "acme/beta-old"'],
        [
            "context_length = 4096",
            'repo = "acme/beta"',
            'aliases = ["acme/beta-old"]',
            'size = "1.3b"',
            verified("repo", "context_length", "size"),
        ],
    )
    assert changed(before["models/acme/gamma.toml"], after["models/acme/gamma.toml"]) == (
        [],
        ["gated = true", verified("repo", "gated", "license", "size")],
    )
    assert changed(before["models/acme/epsilon.toml"], after["models/acme/epsilon.toml"]) == (
        [],
        [verified("repo", "license", "size", "context_length")],
    )
    assert after["models/acme/beta.toml"].startswith('section = "generative-general"  # a comment stays\n')
    assert run("validate", "--data", catalog, "--strict").exit_code == 0

    again = run("hub", "verify", "--data", catalog, "--write")
    assert files(catalog) == after, again.output  # nothing left to write
    assert "applied 0 edit(s)" in again.stderr


def test_a_new_day_updates_only_the_dates(hub: FakeHub, catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("hub", "verify", "acme/epsilon-bert", "--data", catalog, "--write")
    first = (catalog / "models/acme/epsilon.toml").read_text(encoding="utf-8")
    monkeypatch.setenv("JA_LLM_TODAY", "2027-01-05")
    run("hub", "verify", "acme/epsilon-bert", "--data", catalog, "--write")
    second = (catalog / "models/acme/epsilon.toml").read_text(encoding="utf-8")
    assert second == first.replace(TODAY, "2027-01-05")


def test_show_and_json_show_verified_facts(hub: FakeHub, catalog: Path) -> None:
    run("hub", "verify", "acme/gamma-13b", "--data", catalog, "--write")
    text = run("show", "acme/gamma-13b", "--data", catalog)
    assert "gated" in text.stdout
    assert f"verified: repo (hub, {TODAY}), gated (hub, {TODAY})" in text.stdout
    data = json.loads(run("show", "models/acme/gamma", "--data", catalog, "--json").stdout)
    assert {"variant": 0, "repo": "acme/gamma-13b", "fact": "gated", "source": "hub", "date": TODAY} in data["verified"]
    assert data["entry"]["variants"][0]["verified"]["size"] == {"source": "hub", "date": TODAY}


def test_the_entry_page_marks_verified_facts(hub: FakeHub, catalog: Path, tmp_path: Path) -> None:
    from site_fixtures import build

    run("hub", "verify", "acme/alpha", "--data", catalog, "--write")
    site = build(catalog, tmp_path / "site")
    page = (site / "models" / "acme" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert f'<small class="verified">Hub で確認: {TODAY}</small>' in page
    english = (site / "en" / "models" / "acme" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert f"verified on the Hub, {TODAY}" in english


def test_an_invalid_verified_record_is_a_schema_error(catalog: Path) -> None:
    path = catalog / "models/acme/epsilon.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + 'verified = { context_length = { source = "hub", date = "soon" } }\n',
        encoding="utf-8",
    )
    result = run("validate", "--data", catalog)
    assert result.exit_code == 1
    assert "variants.0.verified.context_length.date" in result.output


# --- errors ----------------------------------------------------------------------------------------------


def test_a_repo_rate_limited_beyond_the_retries_is_its_own_error(
    hub: FakeHub, catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(hub_client.time, "sleep", waits.append)
    (catalog / "models/acme/limited.toml").write_text(
        GAMMA.replace("acme/gamma-13b", "acme/always-limited").replace("position = 30", "position = 60"),
        encoding="utf-8",
    )
    result = run("hub", "verify", "--data", catalog, "--json")
    assert result.exit_code == 1
    reports = {r["repo"]: r for r in json.loads(result.stdout)["reports"]}
    limited = reports["acme/always-limited"]
    assert limited["status"] == "error"
    assert "429" in limited["error"]
    assert reports["acme/alpha-7b"]["status"] == "ok"  # the others are checked
    assert hub.requests.count(("GET", "/api/models/acme/always-limited")) == hub_client.RETRIES + 1
    assert waits == [0.0] * (hub_client.RETRIES + 2)  # Retry-After: 0, honoured (2 for epsilon-bert, 3 here)


def test_connection_refused_is_one_error_for_the_run(
    catalog: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_client_at(monkeypatch, f"http://127.0.0.1:{closed_port()}", tmp_path / "hf-home")
    before = files(catalog)
    result = run("hub", "verify", "--data", catalog, "--write")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.count("error: ") == 1
    assert "cannot reach" in result.stderr
    assert "hint: " in result.stderr
    assert files(catalog) == before


# --- the rules -------------------------------------------------------------------------------------------


def test_size_rounding_rule() -> None:
    assert sizes_agree("7b", 7.24e9)
    assert sizes_agree("7b", 7.62e9)
    assert sizes_agree("2b", 2.61e9)
    assert sizes_agree("465b", 466.4e9)
    assert sizes_agree("8x7b (47b)", 46.7e9)
    assert sizes_agree("1.5b", 1.54e9)
    assert not sizes_agree("7b", 8.5e9)
    assert not sizes_agree("1.5b", 1.8e9)
    assert not sizes_agree("small", 1e9)


def test_context_rules() -> None:
    assert config_facts(ROBERTA).context_length == 512
    assert config_facts({"model_type": "bert", "max_position_embeddings": 512}).context_length == 512
    assert config_facts({"max_position_embeddings": 8194, "pad_token_id": 1}).context_length == 8192
    nested = config_facts({"model_type": "llava", "text_config": {"max_position_embeddings": 8192}})
    assert nested.context_length == 8192
    scaled = config_facts({"max_position_embeddings": 131072, "rope_scaling": {"rope_type": "llama3", "factor": 8.0}})
    assert scaled.notes == ["rope_scaling llama3 (factor 8.0)"]


def test_active_parameters_of_a_mixture() -> None:
    # Sarashina2-8x70B-like: a Mixtral-style upcycled 70B (8 experts, 2 per token)
    config = {
        "hidden_size": 8192,
        "intermediate_size": 28672,
        "num_hidden_layers": 80,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
    }
    active = active_parameters(config, 465e9)
    assert active is not None
    assert 120e9 < active < 135e9
    assert size_text(465e9, active).startswith("465b-a")
    assert active_parameters({**config, "num_local_experts": None}, 465e9) is None
