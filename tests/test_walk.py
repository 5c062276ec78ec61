"""The catalog walk (catalog/walk.py): which files it finds, in which order, which problems it names, the
same through a folder's descriptor (POSIX) and through full paths (the other platforms), sorted or in the
listing order; and the stat values it keeps for the search index's memo."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from ja_llm.catalog import walk as walk_module
from ja_llm.catalog.walk import walk_catalog
from ja_llm.search.index import signature

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"

EXPECTED_PATHS = [
    "catalog.toml",
    "footnotes.toml",
    "licenses.toml",
    "models/acme/alpha.toml",
    "models/acme/b/e.toml",  # a subfolder's files at the place of its name
    "models/acme/c.toml",
    "models/acme/dir.toml/inner.toml",  # a folder, whatever its name
    "models/acme/zeta.toml",  # a symlink to a file is read through
    "organizations.toml",
    "papers/transformer.toml",
    "sections.toml",
]
EXPECTED_PROBLEMS = {
    "models/acme/gone.toml": "cannot be read",
    "models/acme/loop.toml": "cannot be read",
    "models/acme/loopdir": "a symlinked folder is not followed",
    "models/acme/pipe.toml": "not a regular file",
    "ui": "a symlinked folder is not followed",
}


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """The mini catalog with every kind of file the walk must take or name."""
    root = tmp_path / "カタログ"
    shutil.copytree(MINI, root)
    acme = root / "models" / "acme"
    (acme / "b").mkdir()
    (acme / "b" / "e.toml").write_text("x = 1\n", encoding="utf-8")
    (acme / "c.toml").write_text("x = 1\n", encoding="utf-8")
    (acme / "dir.toml").mkdir()
    (acme / "dir.toml" / "inner.toml").write_text("x = 1\n", encoding="utf-8")
    (acme / "zeta.toml").symlink_to(acme / "alpha.toml")
    (acme / "notes.txt").write_text("not a catalog file", encoding="utf-8")
    (acme / "gone.toml").symlink_to(acme / "nowhere.toml")
    (acme / "loop.toml").symlink_to(acme / "loop.toml")
    (acme / "loopdir").symlink_to(root / "models")
    os.mkfifo(acme / "pipe.toml")
    (root / "README.md").write_text("notes", encoding="utf-8")
    (root / "drafts").mkdir()  # not an entry folder: not walked
    (root / "drafts" / "draft.toml").write_text("x = 1\n", encoding="utf-8")
    (root / "ui").symlink_to(root / "drafts")
    return root


@pytest.fixture(params=[True, False], ids=["descriptors", "paths"])
def at(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each test runs with both walks: folders listed through descriptors (POSIX), and by full paths."""
    if request.param and not walk_module._AT:
        pytest.skip("this platform has no dir_fd")
    monkeypatch.setattr(walk_module, "_AT", request.param)
    return bool(request.param)


def test_the_walk_finds_the_usable_files_in_order_and_names_the_rest(messy: Path, at: bool) -> None:
    walk = walk_catalog(messy)
    assert walk.paths == EXPECTED_PATHS
    assert [path for path, _ in walk.files] == EXPECTED_PATHS
    problems = dict(walk.problems)
    assert problems.keys() == EXPECTED_PROBLEMS.keys()
    for path, start in EXPECTED_PROBLEMS.items():
        assert problems[path].startswith(start), (path, problems[path])
    for path, kept in walk.files:
        info = (messy / path).stat()
        assert kept == (info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)
        assert kept.st_ctime_ns == info.st_ctime_ns


def test_an_unordered_walk_finds_the_same_files_and_problems(messy: Path, at: bool) -> None:
    ordered, unordered = walk_catalog(messy), walk_catalog(messy, ordered=False)
    assert sorted(unordered.files) == sorted(ordered.files)
    assert sorted(unordered.problems) == sorted(ordered.problems)
    assert walk_catalog(messy, ordered=False).runs == unordered.runs  # deterministic: the memo compares it


def test_an_unreadable_or_missing_folder_is_a_problem(tmp_path: Path, at: bool) -> None:
    missing = walk_catalog(tmp_path / "missing")
    assert [path for path, _ in missing.problems] == ["."]
    assert missing.problems[0][1].startswith("folder cannot be read")
    root = shutil.copytree(MINI, tmp_path / "c")
    locked = root / "models" / "locked"
    locked.mkdir()
    (locked / "x.toml").write_text("x = 1\n", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 0 does not stop reads")
        problems = walk_catalog(root).problems
        assert [path for path, _ in problems] == ["models/locked"]
        assert problems[0][1].startswith("folder cannot be read")
    finally:
        locked.chmod(0o700)


def test_stat_values_beyond_64_bits_are_kept_exactly(tmp_path: Path) -> None:
    """An unusual file system may give an inode beyond 64 bits: the columns become lists, the signature
    still tells the values apart."""

    def fake(ino: int) -> SimpleNamespace:
        return SimpleNamespace(st_size=10, st_ino=ino, st_mtime_ns=1, st_ctime_ns=2)

    walks = []
    for big in (2**70, 2**70 + 1):
        walk = walk_module.Walk()
        walk._add("models/a", ["one.toml"], [fake(5)])  # type: ignore[list-item]
        walk._add("models/b", ["two.toml", "three.toml"], [fake(big), fake(6)])  # type: ignore[list-item]
        assert [list(column) for column in walk.columns] == [[10, 10, 10], [5, big, 6], [1, 1, 1], [2, 2, 2]]
        assert walk.paths == ["models/a/one.toml", "models/b/two.toml", "models/b/three.toml"]
        walks.append(walk)
    assert signature(walks[0])[0] != signature(walks[1])[0]
    assert signature(walks[0])[1] == 2
