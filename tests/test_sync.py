"""`ja-llm sync`: a version of the list compared with the catalog row by row, taken in without losing the
catalog's own edits. Built from the two snapshots of the list in tests/data/sources (2023-10-21 and
2026-08-22) and from edited copies of the 2026 one, on copies of the shipped catalog (the shipped catalog
records the 2026-08-22 version in catalog/upstream.json)."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ja_llm.api import Catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.cli import main

SOURCES = Path(__file__).resolve().parent / "data" / "sources"
NEW = SOURCES / "2026-08-22"
OLD = SOURCES / "2023-10-21"
TODAY = "2026-12-01"


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def sync(catalog: Path, tree: Path, *flags: object) -> Result:
    return run(
        "sync",
        tree / "README.md",
        "--translation",
        f"en={tree / 'en' / 'README.md'}",
        "--translation",
        f"fr={tree / 'fr' / 'README.md'}",
        "--tree",
        tree,
        "--data",
        catalog,
        *flags,
    )


def report(result: Result) -> list[dict]:
    return json.loads(result.stdout)["changes"]


def kinds(changes: list[dict]) -> dict[str, int]:
    found: dict[str, int] = {}
    for change in changes:
        found[change["kind"]] = found.get(change["kind"], 0) + 1
    return found


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JA_LLM_TODAY", TODAY)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "一覧 2026"
    shutil.copytree(NEW, copy)
    return copy


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, (path, old, text.count(old))
    path.write_text(text.replace(old, new), encoding="utf-8")


def readmes(tree: Path) -> list[Path]:
    return [tree / "README.md", tree / "en" / "README.md", tree / "fr" / "README.md"]


def row_of(path: Path, start: str) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(start))


GEMMA = "models/rinna/gemma-2-baku-2b"
YOUKO_8B = "models/rinna/llama-3-youko-8b"
YOUKO_70B = "models/rinna/llama-3-youko-70b"


# --- the two snapshots ---------------------------------------------------------------------------------------


def test_the_shipped_catalog_is_synced_to_2026_08_22() -> None:
    state = json.loads((shipped_catalog() / "upstream.json").read_text(encoding="utf-8"))
    assert state["upstream"]["version"] == "2026-08-22"
    assert set(state["upstream"]["sources"]) == {"ja", "en", "fr"}


def test_syncing_with_the_2026_08_22_list_reports_no_change(catalog: Path) -> None:
    result = sync(catalog, NEW, "--json")
    assert result.exit_code == 0, result.output
    assert report(result) == []
    written = sync(catalog, NEW, "--write")
    assert written.exit_code == 0, written.output
    assert "no change" in written.stderr
    assert not list(catalog.rglob(".*.new-*"))


def test_syncing_with_the_2023_10_21_list_reports_removals_and_changes_only(catalog: Path) -> None:
    result = run("sync", OLD / "README.md", "--translation", f"en={OLD / 'README_en.md'}", "--data", catalog, "--json")
    changes = report(result)
    found = kinds(changes)
    assert "added" not in found, [c for c in changes if c["kind"] == "added"]
    assert found["removed"] > 400  # the entries the list gained after 2023
    assert found["changed"] > 100
    # every model row of 2023 is an entry of the catalog, under its id of today (renamed repos included)
    skipped = [c for c in changes if c["kind"] == "skipped"]
    assert all(c["entry"].startswith("benchmarks/") for c in skipped), skipped
    # French is not in the 2023 list: nothing about French texts is reported
    assert not [c for c in changes if c["fact"].endswith(".fr")]


def test_a_catalog_of_2023_synced_to_2026_and_back(tmp_path: Path) -> None:
    """Import the 2023 list, record it, sync the 2026 list into it (additions, changes), then back."""
    imported = tmp_path / "2023 の目録"
    done = run("import", OLD / "README.md", "--translation", f"en={OLD / 'README_en.md'}", "--out", imported)
    assert done.exit_code == 0, done.output
    adopt = run(
        "sync", OLD / "README.md", "--translation", f"en={OLD / 'README_en.md'}", "--data", imported,
        "--adopt", "--version", "2023-10-21",
    )  # fmt: skip
    assert adopt.exit_code == 0, adopt.output
    again = run("sync", OLD / "README.md", "--translation", f"en={OLD / 'README_en.md'}", "--data", imported, "--json")
    assert report(again) == []

    forward = sync(imported, NEW, "--write", "--version", "2026-08-22")
    assert forward.exit_code in (0, 1), forward.output  # conflicts: facts the 2023 import never synced
    assert "added" in forward.stderr
    assert run("validate", "--data", imported).exit_code == 0
    second = sync(imported, NEW, "--write", "--json")
    changes = report(second)
    assert "added" not in kinds(changes)
    assert "changed" not in kinds(changes)
    assert json.loads(second.stdout)["written"] == []  # running it twice changes nothing

    back = run("sync", OLD / "README.md", "--translation", f"en={OLD / 'README_en.md'}", "--data", imported, "--json")
    found = kinds(report(back))
    assert "added" not in found
    assert found.get("removed", 0) > 300


# --- edited copies ---------------------------------------------------------------------------------------


def test_a_changed_cell_is_taken_with_a_minimal_diff(catalog: Path, tree: Path) -> None:
    edit(tree / "README.md", "(計 **80B** トークン)<br>OPRO", "(計 **81B** トークン)<br>OPRO")
    before = (catalog / f"{GEMMA}.toml").read_text(encoding="utf-8")
    result = sync(catalog, tree, "--json")
    changes = report(result)
    assert [(c["kind"], c["entry"], c["fact"]) for c in changes] == [("changed", GEMMA, "training_data.ja")]
    assert "**81B**" in changes[0]["upstream"]
    assert (catalog / f"{GEMMA}.toml").read_text(encoding="utf-8") == before  # without --write: nothing

    written = sync(catalog, tree, "--write")
    assert written.exit_code == 0, written.output
    after = (catalog / f"{GEMMA}.toml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1
    assert "**81B**" in changed[0][1]
    assert "**80B** tokens" in changed[0][1]  # the English text stays
    assert report(sync(catalog, tree, "--json")) == []  # twice: nothing
    state = json.loads((catalog / "upstream.json").read_text(encoding="utf-8"))
    assert state["upstream"]["synced"] == TODAY


def test_a_translation_only_change(catalog: Path, tree: Path) -> None:
    edit(tree / "en" / "README.md", "(**80B** tokens)<br>OPRO", "(**80B** tokens in all)<br>OPRO")
    changes = report(sync(catalog, tree, "--json"))
    assert [(c["kind"], c["fact"]) for c in changes] == [("changed", "training_data.en")]
    assert sync(catalog, tree, "--write").exit_code == 0
    data = tomllib.loads((catalog / f"{GEMMA}.toml").read_text(encoding="utf-8"))
    assert "tokens in all" in data["training_data"]["en"]
    assert "tokens in all" not in data["training_data"]["fr"]


def test_a_new_row_is_added_as_an_entry(catalog: Path, tree: Path) -> None:
    for path in readmes(tree):
        row = row_of(path, "| [Gemma 2 Baku 2B]")
        new = (
            row.replace("Gemma 2 Baku 2B", "Gemma 2 Kumo 2B")
            .replace("rinna/gemma-2-baku-2b-it", "rinna/gemma-2-kumo-2b-it")
            .replace("rinna/gemma-2-baku-2b", "rinna/gemma-2-kumo-2b")
        )
        edit(path, row + "\n", row + "\n" + new + "\n")
    result = sync(catalog, tree, "--write", "--json")
    assert result.exit_code == 0, result.output
    added = [c for c in report(result) if c["kind"] == "added"]
    assert [c["entry"] for c in added] == ["models/rinna/gemma-2-kumo-2b"]
    new_entry = Catalog.load(catalog).entry("models/rinna/gemma-2-kumo-2b")
    gemma = Catalog.load(catalog).entry(GEMMA)
    assert new_entry.data.section == gemma.data.section
    assert new_entry.data.position == gemma.data.position + 1  # right after the row before it
    assert [v.repo for v in new_entry.data.variants] == ["rinna/gemma-2-kumo-2b", "rinna/gemma-2-kumo-2b-it"]
    assert new_entry.data.developers == ["rinna"]
    assert new_entry.data.licenses[0].id == "gemma"
    assert run("validate", "--data", catalog, "--strict").exit_code == 0
    assert report(sync(catalog, tree, "--json")) == []  # twice: nothing


def test_a_removed_row_is_reported_never_deleted(catalog: Path, tree: Path) -> None:
    for path in readmes(tree):
        edit(path, row_of(path, "| [Llama 3 Youko 70B]") + "\n", "")
    result = sync(catalog, tree, "--write", "--json")
    assert [(c["kind"], c["entry"]) for c in report(result)] == [("removed", YOUKO_70B)]
    assert (catalog / f"{YOUKO_70B}.toml").exists()
    assert [Path(p).name for p in json.loads(result.stdout)["written"]] == ["upstream.json"]  # the version
    again = sync(catalog, tree, "--write", "--json")
    assert [(c["kind"], c["entry"]) for c in report(again)] == [("removed", YOUKO_70B)]  # still reported
    assert json.loads(again.stdout)["written"] == []


def test_a_renamed_repo_becomes_the_repo_and_the_old_one_an_alias(catalog: Path, tree: Path) -> None:
    for path in readmes(tree):
        edit(path, "rinna/gemma-2-baku-2b-it)", "rinna/gemma-2-baku-2b-instruct)")
    result = sync(catalog, tree, "--write", "--json")
    assert result.exit_code == 0, result.output
    assert [(c["kind"], c["catalog"], c["upstream"]) for c in report(result)] == [
        ("renamed", "rinna/gemma-2-baku-2b-it", "rinna/gemma-2-baku-2b-instruct")
    ]
    variant = Catalog.load(catalog).entry(GEMMA).data.variants[1]
    assert variant.repo == "rinna/gemma-2-baku-2b-instruct"
    assert variant.aliases == ["rinna/gemma-2-baku-2b-it"]
    assert report(sync(catalog, tree, "--json")) == []
    # a version that still writes the old id is the same variant (an alias), not a new one
    old_tree = tree.parent / "一覧 旧"
    shutil.copytree(NEW, old_tree)
    changes = report(sync(catalog, old_tree, "--json"))
    assert "added" not in kinds(changes)


def test_the_catalogs_own_edit_is_a_conflict_and_kept(catalog: Path, tree: Path) -> None:
    path = catalog / f"{GEMMA}.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("(計 **80B** トークン)", "(計 **80B** トークン、確認済み)"), encoding="utf-8")
    edit(tree / "README.md", "(計 **80B** トークン)<br>OPRO", "(計 **81B** トークン)<br>OPRO")
    result = sync(catalog, tree, "--write", "--json")
    assert result.exit_code == 1  # a conflict remains
    changes = report(result)
    assert [(c["kind"], c["fact"]) for c in changes] == [("conflict", "training_data.ja")]
    assert "changed it since the last sync" in changes[0]["note"]
    assert "確認済み" in path.read_text(encoding="utf-8")
    assert [c["kind"] for c in report(sync(catalog, tree, "--json"))] == ["conflict"]  # until settled


def test_a_verified_fact_is_never_overwritten(catalog: Path, tree: Path) -> None:
    path = catalog / f"{GEMMA}.toml"
    text = path.read_text(encoding="utf-8")
    marked = text.replace(
        'repo = "rinna/gemma-2-baku-2b-it"',
        'repo = "rinna/gemma-2-baku-2b-it"\nverified = { size = { source = "hub", date = "2026-11-29" } }',
    )
    path.write_text(marked, encoding="utf-8")
    for readme in readmes(tree):
        edit(
            readme,
            "[2b-it](https://huggingface.co/rinna/gemma-2-baku-2b-it)",
            "[3b-it](https://huggingface.co/rinna/gemma-2-baku-2b-it)",
        )
    result = sync(catalog, tree, "--write", "--json")
    found = {(c["kind"], c["fact"]) for c in report(result)}
    assert ("conflict", "variants[rinna/gemma-2-baku-2b-it].size") in found
    assert ("changed", "variants[rinna/gemma-2-baku-2b-it].label.ja") in found  # not verified: taken
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["variants"][1]["size"] == "2b"
    assert data["variants"][1]["label"] == "3b-it"


def test_sync_write_then_build_check_passes(catalog: Path, tree: Path, tmp_path: Path) -> None:
    lists = tmp_path / "リスト"
    assert run("build", "--update", "--data", catalog, "--lists", lists).exit_code == 0
    edit(tree / "README.md", "(計 **80B** トークン)<br>OPRO", "(計 **81B** トークン)<br>OPRO")
    result = sync(catalog, tree, "--write", "--lists", lists)
    assert result.exit_code == 0, result.output
    check = run("build", "--check", "--data", catalog, "--lists", lists)
    assert check.exit_code == 0, check.output
    assert "**81B**" in (lists / "README.md").read_text(encoding="utf-8")


def test_a_sync_that_would_break_the_catalog_writes_nothing(catalog: Path, tree: Path) -> None:
    for path in readmes(tree):  # a footnote reference to a footnote no version defines
        edit(path, "OPRO: ", "OPRO[^nowhere]: ", count=path.read_text(encoding="utf-8").count("OPRO: "))
    before = {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()}
    result = sync(catalog, tree, "--write")
    assert result.exit_code == 1
    assert "would not validate" in result.stderr
    assert {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()} == before


def test_bad_arguments(catalog: Path) -> None:
    result = run("sync", NEW / "README.md", "--data", catalog, "--write", "--adopt")
    assert result.exit_code == 2
    missing = run("sync", catalog / "nowhere.md", "--data", catalog)
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output
