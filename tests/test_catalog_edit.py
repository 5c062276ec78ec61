"""catalog.edit: proposed edits applied with a minimal diff (tomlkit keeps everything else as written)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ja_llm.catalog.edit import ABSENT, Edit, apply_edits
from ja_llm.errors import CatalogEditError

ENTRY = """\
section = "generative-scratch-general"  # a comment stays
position = 10
name = "モデル"
url = { ja = "https://example.com/ja", en = "https://example.com/en" }
year = 2024

[[licenses]]
id = "apache-2.0"

[[variants]]
label = "7b"
size = "7b"
repo = "acme/model-7b"

[[variants]]
label = "7b-instruct"
size = "7b"
repo = "acme/model-7b-instruct"
context_length = 4096
"""


@pytest.fixture
def entry(tmp_path: Path) -> Path:
    folder = tmp_path / "カタログ" / "models" / "acme"
    folder.mkdir(parents=True)
    path = folder / "モデル.toml"
    path.write_text(ENTRY, encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    return [(a, b) for a, b in zip(old, new, strict=False) if a != b]


def test_a_value_is_replaced_and_nothing_else_moves(entry: Path) -> None:
    result = apply_edits([Edit(entry, ("variants", 1, "context_length"), 8192, expected=4096)], entry.parents[2])
    after = entry.read_text(encoding="utf-8")
    assert changed_lines(ENTRY, after) == [("context_length = 4096", "context_length = 8192")]
    assert len(after.splitlines()) == len(ENTRY.splitlines())
    assert result.files == [entry]
    assert "-context_length = 4096" in result.diff
    assert "+context_length = 8192" in result.diff


def test_a_new_key_goes_into_its_table(entry: Path) -> None:
    edits = [
        Edit(entry, ("variants", 0, "context_length"), 2048, expected=ABSENT),
        Edit(entry, ("variants", 0, "verified"), {"context_length": {"source": "hub", "date": "2026-11-29"}}),
        Edit(entry, ("variants", 0, "aliases"), ["acme/old-name"]),
    ]
    apply_edits(edits, entry.parents[2])
    data = tomllib.loads(entry.read_text(encoding="utf-8"))
    first = data["variants"][0]
    assert first["context_length"] == 2048
    assert first["verified"] == {"context_length": {"source": "hub", "date": "2026-11-29"}}
    assert first["aliases"] == ["acme/old-name"]
    assert "context_length" not in data  # not at the top
    assert data["variants"][1]["context_length"] == 4096
    assert entry.read_text(encoding="utf-8").startswith(ENTRY.split("[[variants]]")[0])  # the top is untouched


def test_a_text_in_an_inline_table(entry: Path) -> None:
    apply_edits(
        [Edit(entry, ("url", "en"), "https://example.org/en", expected="https://example.com/en")], entry.parents[2]
    )
    after = entry.read_text(encoding="utf-8")
    assert changed_lines(ENTRY, after) == [
        (
            'url = { ja = "https://example.com/ja", en = "https://example.com/en" }',
            'url = { ja = "https://example.com/ja", en = "https://example.org/en" }',
        )
    ]


def test_a_conflict_is_reported_and_not_applied(entry: Path) -> None:
    result = apply_edits([Edit(entry, ("year",), 2025, expected=2023)], entry.parents[2])
    assert result.applied == []
    assert len(result.conflicts) == 1
    assert "holds 2024" in result.conflicts[0][1]
    assert entry.read_text(encoding="utf-8") == ENTRY
    assert result.files == []


def test_a_missing_place_is_a_conflict(entry: Path) -> None:
    result = apply_edits([Edit(entry, ("variants", 5, "size"), "8b")], entry.parents[2])
    assert result.applied == []
    assert "no such place" in result.conflicts[0][1]


def test_dry_run_writes_nothing(entry: Path) -> None:
    result = apply_edits([Edit(entry, ("year",), 2025)], entry.parents[2], dry_run=True)
    assert entry.read_text(encoding="utf-8") == ENTRY
    assert "+year = 2025" in result.diff
    assert result.files == []


def test_removing_a_key(entry: Path) -> None:
    apply_edits([Edit(entry, ("variants", 1, "context_length"), ABSENT, expected=4096)], entry.parents[2])
    assert "context_length" not in entry.read_text(encoding="utf-8")


def test_a_broken_file_is_an_edit_error(entry: Path) -> None:
    entry.write_text("name = \n", encoding="utf-8")
    with pytest.raises(CatalogEditError, match="not valid TOML"):
        apply_edits([Edit(entry, ("year",), 2025)], entry.parents[2])


def test_a_table_appended_to_a_list_of_tables(entry: Path) -> None:
    apply_edits(
        [Edit(entry, ("variants", 2), {"label": "7b-chat", "repo": "acme/model-7b-chat"}, expected=ABSENT)],
        entry.parents[2],
    )
    after = entry.read_text(encoding="utf-8")
    assert after.startswith(ENTRY)  # nothing before it moved
    data = tomllib.loads(after)
    assert data["variants"][2] == {"label": "7b-chat", "repo": "acme/model-7b-chat"}
    assert after.endswith('[[variants]]\nlabel = "7b-chat"\nrepo = "acme/model-7b-chat"\n')
