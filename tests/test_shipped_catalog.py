"""The catalog shipped in the package: canonical form, completeness against the 2023-10-21 list, validity."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from ja_llm.api import Catalog
from ja_llm.catalog.load import collect
from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps, read_toml
from ja_llm.importer.cells import hf_repo

DATA = shipped_catalog()
SOURCES = Path(__file__).parent / "data" / "sources"
README_2023 = SOURCES / "2023-10-21" / "README.md"

# A Markdown link to a Hugging Face URL: `](https://huggingface.co/OWNER/NAME)`.
HF_LINK = re.compile(r"\]\((https://huggingface\.co/[^/\s)]+/[^/\s)]+/?)\)")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def _entry_files() -> list[Path]:
    return sorted(p for folder in ("models", "benchmarks", "papers") for p in (DATA / folder).rglob("*.toml"))


# --- canonical form ----------------------------------------------------------------------------------------


def test_shipped_data_folder_has_the_expected_files() -> None:
    for name in ("catalog.toml", "sections.toml", "organizations.toml", "licenses.toml", "footnotes.toml"):
        assert (DATA / name).is_file(), name
    assert len(_entry_files()) >= 531  # the 2026-08-22 import; the catalog may only grow


def test_every_shipped_toml_file_is_byte_stable_through_load_and_save() -> None:
    files = sorted(DATA.rglob("*.toml"))
    assert len(files) >= 531 + 5
    differing = []
    for path in files:
        data, text = read_toml(path)
        assert text == path.read_text(encoding="utf-8")
        if dumps(data) != text:
            differing.append(path)
    if differing:
        first = differing[0]
        original = first.read_text(encoding="utf-8").splitlines()
        saved = dumps(read_toml(first)[0]).splitlines()
        first_line = next(
            (i + 1 for i, (a, b) in enumerate(zip(original, saved, strict=False)) if a != b),
            min(len(original), len(saved)) + 1,
        )
        pytest.fail(
            f"{len(differing)} file(s) change when loaded and saved; first: {first} (line {first_line}: "
            f"{original[first_line - 1] if first_line <= len(original) else '<end>'!r} -> "
            f"{saved[first_line - 1] if first_line <= len(saved) else '<end>'!r})"
        )


def _changed_lines(before: str, after: str) -> list[tuple[int, str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), f"line count changed: {len(old)} -> {len(new)}"
    return [(i + 1, a, b) for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def test_changing_the_year_of_an_entry_is_a_one_line_diff() -> None:
    path = DATA / "models" / "sb-intuitions" / "sarashina2-8x70b.toml"
    original = path.read_text(encoding="utf-8")
    data, _ = read_toml(path)
    assert data["year"] == 2024
    data["year"] = 2031
    changed = _changed_lines(original, dumps(data))
    assert changed == [(5, "year = 2024", "year = 2031")]


def test_changing_the_year_is_a_one_line_diff_in_every_entry_that_has_one() -> None:
    checked = 0
    for path in _entry_files():
        original = path.read_text(encoding="utf-8")
        data, _ = read_toml(path)
        if "year" not in data:
            continue
        old_year = data["year"]
        data["year"] = old_year + 1
        changed = _changed_lines(original, dumps(data))
        assert len(changed) == 1, f"{path}: {changed}"
        assert changed[0][1:] == (f"year = {old_year}", f"year = {old_year + 1}"), path
        checked += 1
    assert checked > 300


# --- completeness against the 2023-10-21 list ---------------------------------------------------------------


def _readme_2023_model_repos() -> list[str]:
    text = README_2023.read_text(encoding="utf-8")
    repos: list[str] = []
    seen: set[str] = set()
    for url in HF_LINK.findall(text):
        repo = hf_repo(url)
        if repo is not None and repo.lower() not in seen:
            seen.add(repo.lower())
            repos.append(repo)
    return repos


def test_the_2023_list_links_142_hugging_face_model_repos() -> None:
    repos = _readme_2023_model_repos()
    assert len(repos) == 142
    # hf_repo keeps model repos only: no datasets, spaces, ...
    assert not any(r.split("/")[0] in {"datasets", "spaces", "collections", "papers"} for r in repos)
    assert "cl-tohoku/bert-base-japanese-v3" in repos


def test_every_hugging_face_model_of_the_2023_list_is_in_the_shipped_catalog(catalog: Catalog) -> None:
    known = {repo.lower() for entry in catalog.entries.values() for repo in catalog.repos(entry)}
    repos = _readme_2023_model_repos()
    assert len(repos) == 142
    missing = [repo for repo in repos if repo.lower() not in known]
    assert missing == [], f"{len(missing)} repo(s) of the 2023-10-21 list are missing: {missing[:10]}"


def test_renamed_tohoku_repo_is_an_alias_of_the_new_repo(catalog: Catalog) -> None:
    holders = [
        (entry.id, variant)
        for entry in catalog.entries.values()
        for variant in entry.data.variants
        if "cl-tohoku/bert-base-japanese-v3" in variant.aliases
    ]
    assert len(holders) == 1, holders
    entry_id, variant = holders[0]
    assert variant.repo == "tohoku-nlp/bert-base-japanese-v3"
    assert entry_id.startswith("models/")


# --- validity ------------------------------------------------------------------------------------------------


def test_shipped_catalog_validates_without_errors() -> None:
    loaded, problems = collect(shipped_catalog())
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []
    assert loaded is not None
    assert len(loaded.entries) == len(_entry_files()) >= 531


def test_shipped_catalog_covers_the_main_kinds(catalog: Catalog) -> None:
    kinds = Counter(catalog.sections[e.data.section].kind for e in catalog.entries.values())
    for kind in ("generative", "encoder", "embedding", "vision-language", "speech", "benchmark", "paper"):
        assert kinds[kind] > 0, f"no {kind} entries: {dict(kinds)}"
    # entries live in the folder of their kind
    for entry in catalog.entries.values():
        kind = catalog.sections[entry.data.section].kind
        expected = {"benchmark": "benchmarks", "paper": "papers"}.get(kind, "models")
        assert entry.kind_folder == expected, entry.id


def test_sections_under_embeddings_are_embedding_sections(catalog: Catalog) -> None:
    """Bi-Encoders / Cross-Encoders sit under the embeddings section: their entries are embedding models."""

    def ancestors(section_id: str) -> list[str]:
        chain = []
        while section_id in catalog.sections:
            chain.append(section_id)
            section_id = catalog.sections[section_id].parent
        return chain

    assert catalog.sections["embeddings"].kind == "embedding"
    under = [e for e in catalog.entries.values() if "embeddings" in ancestors(e.data.section)]
    assert len(under) >= 20
    wrong = [e.id for e in under if catalog.sections[e.data.section].kind != "embedding"]
    assert wrong == []
