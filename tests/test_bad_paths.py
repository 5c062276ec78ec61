"""Every command against every kind of bad path: a one-line `error:` message and a non-zero exit, never a
traceback (run as a child process, where an uncaught exception would print one)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_process import assert_one_line_error, ja_llm_process

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"
README = Path(__file__).resolve().parent / "data" / "sources" / "2026-08-22" / "README.md"


def _missing(base: Path) -> Path:
    return base / "無い" / "missing"


def _directory(base: Path) -> Path:
    (base / "フォルダ").mkdir()
    return base / "フォルダ"


def _under_a_file(base: Path) -> Path:
    (base / "file.txt").write_text("x", encoding="utf-8")
    return base / "file.txt" / "inside"


def _special(base: Path) -> Path:
    os.mkfifo(base / "pipe")
    return base / "pipe"


def _loop(base: Path) -> Path:
    (base / "loop").symlink_to(base / "loop")
    return base / "loop"


def _dangling(base: Path) -> Path:
    (base / "dangling").symlink_to(base / "nowhere")
    return base / "dangling"


KINDS: dict[str, Callable[[Path], Path]] = {
    "missing": _missing,
    "directory": _directory,
    "under-a-file": _under_a_file,
    "fifo": _special,
    "symlink-loop": _loop,
    "dangling-symlink": _dangling,
}

# (command template, which argument is the bad path, kinds that are a valid value for it)
COMMANDS: dict[str, tuple[list[str], set[str]]] = {
    "validate --data": (["validate", "--data", "BAD"], set()),
    "search --data": (["search", "--data", "BAD"], set()),
    "show --data": (["show", "alpha", "--data", "BAD"], set()),
    "render --out": (["render", "--data", str(MINI), "--lang", "ja", "--out", "BAD"], {"missing"}),
    "build --out": (["build", "--data", str(MINI), "--out", "BAD"], {"missing", "directory", "dangling-symlink"}),
    "build --update --lists": (
        ["build", "--data", str(MINI), "--update", "--lists", "BAD"],
        {"missing", "directory", "dangling-symlink"},
    ),
    "build --check --lists": (["build", "--data", str(MINI), "--check", "--lists", "BAD"], set()),
    "import SOURCE": (["import", "BAD", "--out", "OUT"], set()),
    "import --out": (["import", str(README), "--out", "BAD"], {"missing", "directory", "dangling-symlink"}),
    "import --report": (["import", str(README), "--out", "OUT", "--report", "BAD"], {"missing", "dangling-symlink"}),
    "import --translation": (["import", str(README), "--translation", "en=BAD", "--out", "OUT"], set()),
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_bad_path_is_a_one_line_error(tmp_path: Path, command: str, kind: str) -> None:
    template, valid = COMMANDS[command]
    if kind in valid:
        pytest.skip(f"a {kind} path is a valid value for {command}")
    bad = KINDS[kind](tmp_path)
    args = [str(bad) if a == "BAD" else str(tmp_path / "出力") if a == "OUT" else a for a in template]
    result = ja_llm_process(*args, timeout=60)
    assert_one_line_error(result)


def test_an_unwritable_output_folder_is_a_one_line_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop writes (the under-a-file cases cover it)")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for args in (
            ["render", "--data", str(MINI), "--lang", "ja", "--out", str(locked / "x.md")],
            ["build", "--data", str(MINI), "--out", str(locked / "build")],
            ["import", str(README), "--out", str(locked / "out")],
        ):
            assert_one_line_error(ja_llm_process(*args))
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize(
    "damage",
    ["registry-is-a-directory", "unreadable-registry", "deeply-nested", "entry-folder-loop", "dangling-entry"],
)
def test_a_damaged_catalog_is_reported_by_every_command(tmp_path: Path, damage: str) -> None:
    catalog = tmp_path / "カタログ"
    shutil.copytree(MINI, catalog)
    if damage == "registry-is-a-directory":
        (catalog / "licenses.toml").unlink()
        (catalog / "licenses.toml").mkdir()
    elif damage == "unreadable-registry":
        if os.geteuid() == 0:
            pytest.skip("running as root: chmod 000 does not stop reads")
        (catalog / "licenses.toml").chmod(0)
    elif damage == "deeply-nested":
        (catalog / "models" / "acme" / "deep.toml").write_text(
            "x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8"
        )
    elif damage == "entry-folder-loop":
        (catalog / "models" / "acme" / "loop").symlink_to(catalog / "models")
    elif damage == "dangling-entry":
        (catalog / "models" / "acme" / "gone.toml").symlink_to(catalog / "nowhere.toml")
    validate = ja_llm_process("validate", "--data", catalog)
    assert validate.returncode in (0, 1), validate.stderr
    assert "Traceback (most recent call last)" not in validate.stderr, validate.stderr
    for args in (["search", "alpha"], ["show", "alpha"], ["build", "--out", str(tmp_path / "b")]):
        result = ja_llm_process(*args, "--data", catalog)
        assert "Traceback (most recent call last)" not in result.stderr, (args, result.stderr)
        if validate.returncode == 1:
            assert_one_line_error(result)
        else:
            assert result.returncode == 0, (args, result.stderr)
