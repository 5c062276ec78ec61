"""`ja-llm add`: drafts of new entries from the Hub's metadata (the real huggingface_hub client against the
fake Hub of tests/fake_hub.py), checked with `ja-llm validate`."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fake_hub import FakeHub, FakeRepo, running_hub
from ja_llm.cli import main

MINI = Path(__file__).parent / "data" / "mini-catalog"

SECTIONS_EXTRA = """
[[section]]
id = "generative-continual-general"
parent = "generative"
order = 25
kind = "generative"
title = { ja = "継続事前学習", en = "Continual pre-training" }
columns = [
  { key = "name", header = "" },
  { key = "year", header = { ja = "公開年", en = "Release Year" } },
  { key = "base_model", header = { ja = "ベースモデル", en = "Base Model" } },
  { key = "developer", header = { ja = "開発元", en = "Developer" } },
  { key = "license", header = { ja = "ライセンス", en = "License" } },
]

[[section]]
id = "encoders"
order = 27
kind = "encoder"
title = { ja = "エンコーダ", en = "Encoders" }
columns = [
  { key = "name", header = "" },
  { key = "developer", header = { ja = "開発元", en = "Developer" } },
  { key = "license", header = { ja = "ライセンス", en = "License" } },
]
"""


def fake_repos() -> list[FakeRepo]:
    return [
        FakeRepo(  # Acme's own model from scratch: no base model
            "acme/Alpha-2-13B",
            tags=["license:apache-2.0"],
            card_data={"license": "apache-2.0"},
            parameters=13_015_864_320,
            created_at="2025-03-04T00:00:00.000Z",
            files={"config.json": {"model_type": "llama", "max_position_embeddings": 8192}},
        ),
        FakeRepo(  # continual pre-training of a catalogued model, a license only by alias
            "acme/alpha-7b-ja-cpt",
            tags=["base_model:acme/alpha-7b"],
            card_data={"license": "other", "license_name": "Apache License 2.0", "base_model": "acme/alpha-7b"},
            parameters=7_241_732_096,
            files={"config.json": {"model_type": "llama", "max_position_embeddings": 4096}},
        ),
        FakeRepo(  # an unknown owner, a license the registry lacks, an encoder
            "kaisha-x/bert-base-japanese",
            pipeline_tag="fill-mask",
            tags=["license:cc-by-sa-4.0"],
            parameters=111_000_000,
            files={"config.json": {"model_type": "roberta", "max_position_embeddings": 514, "pad_token_id": 1}},
        ),
        FakeRepo("acme/old-name", renamed_to="acme/alpha-7b"),
        FakeRepo("acme/alpha-7b", parameters=7_241_732_096),
    ]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with running_hub(fake_repos(), monkeypatch, tmp_path / "hf-home") as fake:
        yield fake


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "カタログ・下書き"
    shutil.copytree(MINI, root)
    sections = root / "sections.toml"
    sections.write_text(sections.read_text(encoding="utf-8") + SECTIONS_EXTRA, encoding="utf-8")
    licenses = root / "licenses.toml"
    text = licenses.read_text(encoding="utf-8")
    licenses.write_text(text.replace('commercial = "yes"', 'commercial = "yes"\naliases = ["Apache License 2.0"]', 1))
    assert run("validate", "--data", root, "--strict").exit_code == 0
    return root


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def entry(root: Path, entry_id: str) -> dict:
    return tomllib.loads((root / f"{entry_id}.toml").read_text(encoding="utf-8"))


def test_a_draft_from_scratch_with_the_matched_organization_and_license(hub: FakeHub, catalog: Path) -> None:
    result = run("add", "acme/Alpha-2-13B", "--data", catalog)
    assert result.exit_code == 0, result.output
    assert "acme/Alpha-2-13B -> models/acme/alpha-2-13b.toml" in result.stdout
    text = (catalog / "models/acme/alpha-2-13b.toml").read_text(encoding="utf-8")
    assert text == (
        'section = "generative-general"\n'
        "position = 20\n"
        'name = "Alpha-2-13B"\n'
        'url = "https://huggingface.co/acme/Alpha-2-13B"\n'
        "year = 2025\n"
        "context_length = 8192\n"
        'developers = ["acme"]\n'
        "reviewed = false\n"
        "\n"
        "[[licenses]]\n"
        'id = "apache-2.0"\n'
        "\n"
        "[[variants]]\n"
        'label = "**13.02b**"\n'
        'size = "13.02b"\n'
        'repo = "acme/Alpha-2-13B"\n'
    )
    validate = run("validate", "--data", catalog)
    assert validate.exit_code == 0, validate.output
    assert (
        "models/acme/alpha-2-13b.toml:8: reviewed: warning: draft: check the facts, then set reviewed = true"
        in validate.output
    )
    assert "0 error(s), 1 warning(s)" in validate.output
    assert run("validate", "--data", catalog, "--strict").exit_code == 1  # a draft fails --strict
    reviewed = catalog / "models/acme/alpha-2-13b.toml"
    reviewed.write_text(text.replace("reviewed = false", "reviewed = true"), encoding="utf-8")
    assert run("validate", "--data", catalog, "--strict").exit_code == 0


def test_a_continual_model_goes_to_the_continual_section_with_its_base(hub: FakeHub, catalog: Path) -> None:
    result = run("add", "acme/alpha-7b-ja-cpt", "--data", catalog)
    assert result.exit_code == 0, result.output
    data = entry(catalog, "models/acme/alpha-7b-ja-cpt")
    assert data["section"] == "generative-continual-general"
    assert data["position"] == 10  # the section was empty
    assert data["base_model"] == "Alpha (**7b**)"  # the catalogued base, as the catalog names it
    assert data["licenses"] == [{"id": "apache-2.0"}]  # `Apache License 2.0` is an alias
    assert data["variants"] == [{"label": "**7.24b**", "size": "7.24b", "repo": "acme/alpha-7b-ja-cpt"}]
    assert run("validate", "--data", catalog).exit_code == 0


def test_an_unknown_owner_becomes_a_draft_organization(hub: FakeHub, catalog: Path) -> None:
    before = (catalog / "organizations.toml").read_text(encoding="utf-8")
    result = run("add", "kaisha-x/bert-base-japanese", "--data", catalog)
    assert result.exit_code == 0, result.output
    data = entry(catalog, "models/kaisha-x/bert-base-japanese")
    assert data["section"] == "encoders"  # fill-mask: the first encoder table section of this catalog
    assert data["developers"] == ["kaisha-x"]
    assert data["context_length"] == 512  # RoBERTa positions: 514 - 2
    assert data["licenses"] == [{"text": "cc-by-sa-4.0"}]  # not in this catalog's registry: free text
    after = (catalog / "organizations.toml").read_text(encoding="utf-8")
    assert after == before + (
        '\n[[organization]]\nid = "kaisha-x"\nname = "kaisha-x"\nurl = "https://huggingface.co/kaisha-x"\n'
        "reviewed = false\n"
    )
    validate = run("validate", "--data", catalog)
    assert validate.exit_code == 0, validate.output
    assert "organizations.toml:10: organization.1.reviewed: warning: draft: check the name and url" in (validate.output)


def test_section_override_dry_run_and_several_repos(hub: FakeHub, catalog: Path) -> None:
    before = sorted(p.relative_to(catalog) for p in catalog.rglob("*"))
    result = run(
        "add",
        "acme/Alpha-2-13B",
        "acme/alpha-7b-ja-cpt",
        "--section",
        "generative-general",
        "--data",
        catalog,
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(catalog) for p in catalog.rglob("*")) == before  # nothing written
    assert result.stdout.count('section = "generative-general"') == 2
    assert "position = 20" in result.stdout
    assert "position = 30" in result.stdout
    bad = run("add", "acme/Alpha-2-13B", "--section", "generative", "--data", catalog)
    assert bad.exit_code == 1
    assert "not a table section" in bad.stderr


def test_a_catalogued_repo_is_refused_naming_the_entry(hub: FakeHub, catalog: Path) -> None:
    before = sorted(p.relative_to(catalog) for p in catalog.rglob("*"))
    result = run("add", "acme/alpha-7b", "--data", catalog)
    assert result.exit_code == 1
    assert "error: acme/alpha-7b is already in the catalog: models/acme/alpha" in result.stderr
    renamed = run("add", "acme/old-name", "--data", catalog)  # the Hub redirects it to a catalogued repo
    assert "already in the catalog: models/acme/alpha" in renamed.stderr
    missing = run("add", "nobody/nothing", "--data", catalog)
    assert missing.exit_code == 1
    assert "no such model repo" in missing.stderr
    assert sorted(p.relative_to(catalog) for p in catalog.rglob("*")) == before
    # one refused repo does not stop the others
    mixed = run("add", "acme/alpha-7b", "acme/Alpha-2-13B", "--data", catalog)
    assert mixed.exit_code == 1
    assert (catalog / "models/acme/alpha-2-13b.toml").is_file()
