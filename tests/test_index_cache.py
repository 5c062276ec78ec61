"""The compiled-index cache: built once, then served from disk, never stale, keyed by content only, and never
a reason for a command to fail. `ja-llm search` on a warm cache does not import pydantic or markdown_it."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ja_llm.catalog import walk as walk_module
from ja_llm.cli import main
from ja_llm.search import index as index_module
from ja_llm.search.index import StoredRecords, cache_dir, content_key, current_key, load_index

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"
ALPHA = "models/acme/alpha"
HOUR_NS = 3600 * 1_000_000_000


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(folder))
    return folder


def _copy(target: Path) -> Path:
    """A copy of the mini catalog whose files are all freshly modified (copy, not copy2: no old mtimes)."""
    shutil.copytree(MINI, target, copy_function=shutil.copy)
    now = time.time_ns()
    for path in _files(target):
        os.utime(path, ns=(now, now))
    return target


@pytest.fixture
def catalog(tmp_path: Path, cache: Path) -> Path:
    return _copy(tmp_path / "カタログ")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.toml") if p.is_file())


def _make_old(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the catalog look untouched lately: modification times an hour back and, since a change time
    cannot be set back, the clock the memo records its hashing time with an hour ahead."""
    old = time.time_ns() - HOUR_NS
    for path in _files(root):
        os.utime(path, ns=(old, old))
    real = time.time_ns
    monkeypatch.setattr(index_module.time, "time_ns", lambda: real() + HOUR_NS)


def _year(root: Path) -> int | None:
    index = load_index(root)
    return next(r["year"] for r in index.records if r["id"] == ALPHA)


def _edit_year_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    """Replace a text by one of the same length, then put the old modification time back."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def _search_ids(root: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(main, ["search", *args, "--data", str(root), "--ids"])
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout.splitlines()


# --- built once, then cached -----------------------------------------------------------------------------------


def test_cache_dir_comes_from_the_environment(cache: Path) -> None:
    assert cache_dir() == cache


def test_first_load_builds_second_is_cached(catalog: Path, cache: Path) -> None:
    first = load_index(catalog)
    assert first.cached is False
    assert [r["id"] for r in first.records] == [ALPHA, "papers/transformer"]
    assert (cache / f"index-{first.key}.columns").is_file()
    second = load_index(catalog)
    assert second.cached is True
    assert second.key == first.key
    assert second.records == first.records
    assert second.meta == first.meta


def test_use_cache_false_never_reads_nor_writes(catalog: Path, cache: Path) -> None:
    index = load_index(catalog, use_cache=False)
    assert index.cached is False
    assert not cache.exists() or not list(cache.iterdir())
    assert load_index(catalog).cached is False


def test_search_uses_and_fills_the_cache(catalog: Path, cache: Path) -> None:
    assert _search_ids(catalog) == [ALPHA, "papers/transformer"]
    assert list(cache.glob("index-*.columns"))
    assert load_index(catalog).cached is True


# --- never stale -------------------------------------------------------------------------------------------------


def test_an_edit_is_visible_in_the_next_load(catalog: Path) -> None:
    assert _year(catalog) == 2024
    path = catalog / f"{ALPHA}.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("year = 2024", "year = 2019"), encoding="utf-8")
    assert _year(catalog) == 2019
    assert _search_ids(catalog, "--year", "2019") == [ALPHA]


def test_a_fresh_same_size_edit_with_the_old_mtime_is_visible(catalog: Path) -> None:
    """The files were modified less than 2 s before the key was computed: the memo is not trusted."""
    first = load_index(catalog)
    assert _year(catalog) == 2024
    _edit_year_keeping_size_and_mtime(catalog / f"{ALPHA}.toml", "year = 2024", "year = 2023")
    index = load_index(catalog)
    assert index.key != first.key
    assert next(r["year"] for r in index.records if r["id"] == ALPHA) == 2023
    assert _search_ids(catalog, "--year", "2023") == [ALPHA]
    assert _search_ids(catalog, "--year", "2024") == []


def _count_hashing(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every time the catalog's contents are hashed (the memo was not enough)."""
    calls: list[Path] = []
    real = index_module.content_key

    def counting(root: Path, files=None) -> str:  # type: ignore[no-untyped-def]
        calls.append(root)
        return real(root, files)

    monkeypatch.setattr(index_module, "content_key", counting)
    return calls


def test_the_memo_is_not_trusted_for_recently_modified_files(catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_hashing(monkeypatch)
    current_key(catalog)
    current_key(catalog)
    assert len(calls) == 2  # hashed again: the files are younger than 2 s before the first hashing


def test_the_memo_is_trusted_for_old_files(catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make_old(catalog, monkeypatch)
    key = current_key(catalog)
    calls = _count_hashing(monkeypatch)
    assert current_key(catalog) == key
    assert calls == []  # answered from the memo
    # any change of size, mtime or inode of any file invalidates it
    path = catalog / f"{ALPHA}.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert current_key(catalog) != key
    assert len(calls) == 1


def test_an_old_file_edited_in_place_with_its_mtime_restored_has_a_new_content_key(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content key itself always sees the edit (whatever the memo says)."""
    _make_old(catalog, monkeypatch)
    key = current_key(catalog)
    assert load_index(catalog).cached is False
    assert load_index(catalog).cached is True
    _edit_year_keeping_size_and_mtime(catalog / f"{ALPHA}.toml", "year = 2024", "year = 2023")
    assert content_key(catalog) != key
    assert current_key(catalog, use_memo=False) == content_key(catalog)
    assert next(r["year"] for r in load_index(catalog, use_cache=False).records if r["id"] == ALPHA) == 2023


def test_an_old_file_edited_in_place_with_its_mtime_restored_is_not_served_stale(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo also records change times, which os.utime cannot set back: such an edit is seen."""
    _make_old(catalog, monkeypatch)
    assert _year(catalog) == 2024  # builds; the memo now trusts these old files
    assert load_index(catalog).cached is True
    _edit_year_keeping_size_and_mtime(catalog / f"{ALPHA}.toml", "year = 2024", "year = 2023")
    assert current_key(catalog) == content_key(catalog)
    assert _year(catalog) == 2023


@pytest.mark.parametrize("at", [True, False], ids=["descriptors", "paths"])
def test_search_sees_an_in_place_edit_of_an_old_file_through_its_change_time(
    catalog: Path, at: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo trusted (old files), then an edit that keeps the size, the inode, the folder's mtime and the
    file's mtime (put back): only the change time differs, and the next search sees the edit (both walks:
    through folder descriptors and through full paths)."""
    if at and not walk_module._AT:
        pytest.skip("this platform has no dir_fd")
    monkeypatch.setattr(walk_module, "_AT", at)
    _make_old(catalog, monkeypatch)
    assert _search_ids(catalog, "--year", "2024") == [ALPHA]  # builds; the memo now trusts these old files
    calls = _count_hashing(monkeypatch)
    assert _search_ids(catalog, "--year", "2024") == [ALPHA]
    assert calls == []  # answered from the memo
    folder = (catalog / ALPHA).parent
    folder_mtime = folder.stat().st_mtime_ns
    _edit_year_keeping_size_and_mtime(catalog / f"{ALPHA}.toml", "year = 2024", "year = 2023")
    assert folder.stat().st_mtime_ns == folder_mtime
    assert _search_ids(catalog, "--year", "2023") == [ALPHA]
    assert _search_ids(catalog, "--year", "2024") == []


def test_a_file_added_removed_or_renamed_is_seen_with_a_trusted_memo(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_old(catalog, monkeypatch)
    key = current_key(catalog)
    calls = _count_hashing(monkeypatch)
    assert current_key(catalog) == key
    assert calls == []  # the memo is trusted
    old = time.time_ns() - HOUR_NS
    added = catalog / "models" / "acme" / "beta.toml"
    added.write_bytes((catalog / f"{ALPHA}.toml").read_bytes())
    os.utime(added, ns=(old, old))
    assert current_key(catalog) == content_key(catalog) != key
    added.unlink()
    assert current_key(catalog) == key
    renamed = catalog / "models" / "acme" / "alpha2.toml"
    (catalog / f"{ALPHA}.toml").rename(renamed)
    assert current_key(catalog) == content_key(catalog) != key
    renamed.rename(catalog / f"{ALPHA}.toml")
    assert current_key(catalog) == key
    assert len(calls) == 4  # each change hashed the contents again


def test_a_memo_damaged_anywhere_is_never_trusted(catalog: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flipped byte anywhere in the memo (its head has a CRC-32; its signature, damaged, differs) or a
    cut-off memo: the contents are hashed again (100 random damages, fixed seed)."""
    import random

    _make_old(catalog, monkeypatch)
    key = current_key(catalog)
    [memo] = list(cache.glob("memo-*.marshal"))
    sound = memo.read_bytes()
    calls = _count_hashing(monkeypatch)
    assert current_key(catalog) == key
    assert calls == []
    rng = random.Random(20261129)
    for trial in range(100):
        damaged = bytearray(sound)
        if trial % 4 == 3:
            del damaged[rng.randrange(len(damaged)) :]
        else:
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        memo.write_bytes(bytes(damaged))
        assert current_key(catalog) == key, trial
        assert len(calls) == trial + 1, trial  # hashed again, not answered from the damaged memo
        assert current_key(catalog) == key
        assert len(calls) == trial + 1, trial  # the memo written anew, sound: trusted again


# --- keyed by content only ---------------------------------------------------------------------------------------


def test_content_key_depends_on_content_only(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _copy(tmp_path / "one")
    two = _copy(tmp_path / "二つ目" / "deeper")
    _make_old(two, monkeypatch)  # different mtimes and inodes, same bytes
    assert content_key(one) == content_key(two)
    assert current_key(one) == current_key(two)
    first = load_index(one)
    assert first.cached is False
    second = load_index(two)  # another folder with the same content: the same cached index
    assert second.cached is True
    assert second.key == first.key
    assert second.records == first.records
    # a change of content (even one byte), or of a file's path, changes the key
    path = two / f"{ALPHA}.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha", "Alphb", 1), encoding="utf-8")
    assert content_key(two) != content_key(one)
    path.write_text(path.read_text(encoding="utf-8").replace("Alphb", "Alpha", 1), encoding="utf-8")
    assert content_key(two) == content_key(one)
    path.rename(two / "models" / "acme" / "alpha2.toml")
    assert content_key(two) != content_key(one)


def test_files_outside_the_catalog_folders_do_not_change_the_key(catalog: Path) -> None:
    key = content_key(catalog)
    (catalog / "README.md").write_text("notes", encoding="utf-8")
    (catalog / "models" / "acme" / "notes.txt").write_text("notes", encoding="utf-8")
    (catalog / "drafts").mkdir()
    (catalog / "drafts" / "draft.toml").write_text("name = 'x'", encoding="utf-8")
    assert content_key(catalog) == key


# --- an unusable cache is not an error ---------------------------------------------------------------------------


def test_cache_dir_under_a_file_builds_in_memory(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(blocker / "cache"))
    first = load_index(catalog)
    second = load_index(catalog)
    assert first.cached is False
    assert second.cached is False
    assert [r["id"] for r in second.records] == [ALPHA, "papers/transformer"]
    result = CliRunner().invoke(main, ["search", "--data", str(catalog), "--ids"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [ALPHA, "papers/transformer"]
    assert result.stderr == ""


def test_read_only_cache_dir_builds_in_memory(catalog: Path, cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o500)
    try:
        if os.access(cache, os.W_OK):
            pytest.skip("running as root: chmod 0o500 does not stop writes (see the test with a path under a file)")
        assert load_index(catalog).cached is False
        assert load_index(catalog).cached is False
        assert list(cache.iterdir()) == []
        assert _search_ids(catalog) == [ALPHA, "papers/transformer"]
    finally:
        cache.chmod(0o700)


# --- a corrupted cache is rebuilt --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00not marshal at all", b"{truncated", marshal.dumps([1, 2, 3]), marshal.dumps({"records": []})],
    ids=["empty", "garbage", "truncated", "a-list", "missing-meta"],
)
def test_corrupted_index_file_is_rebuilt(catalog: Path, cache: Path, garbage: bytes) -> None:
    first = load_index(catalog)
    path = cache / f"index-{first.key}.columns"
    path.write_bytes(garbage)
    rebuilt = load_index(catalog)
    assert rebuilt.cached is False
    assert rebuilt.records == first.records
    again = load_index(catalog)  # the rebuilt file was written back
    assert again.cached is True
    assert again.records == first.records
    assert _search_ids(catalog) == [ALPHA, "papers/transformer"]


def test_truncated_index_file_is_rebuilt(catalog: Path, cache: Path) -> None:
    first = load_index(catalog)
    path = cache / f"index-{first.key}.columns"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert load_index(catalog).cached is False
    assert load_index(catalog).records == first.records


def test_corrupted_memo_file_is_ignored(catalog: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make_old(catalog, monkeypatch)
    key = load_index(catalog).key
    memos = list(cache.glob("memo-*.marshal"))
    assert len(memos) == 1
    for garbage in (b"\xffgarbage", marshal.dumps([1]), marshal.dumps({"files": [], "hashed_ns": 0})):
        memos[0].write_bytes(garbage)
        assert current_key(catalog) == key
        assert load_index(catalog).cached is True


def _content(path: Path) -> tuple[list[dict], dict]:
    """The records and meta of a cache file, every checksum checked (DamagedIndex if one fails)."""
    records = StoredRecords(path)
    try:
        records.stored.verify()
        return list(records), records.stored.meta()
    finally:
        records.close()


# --- the warm path stays light -------------------------------------------------------------------------------------

_PROBE = """
import json, sys
from ja_llm.catalog import walk as walk_module
from ja_llm.cli import main
main(["search", "sarashina", "--ids"], standalone_mode=False)
print("MODULES " + json.dumps({name: name in sys.modules for name in ("pydantic", "markdown_it")}))
"""


def _probe(cache: Path) -> tuple[list[str], dict[str, bool]]:
    env = {**os.environ, "JA_LLM_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    modules = json.loads(lines[-1].removeprefix("MODULES "))
    return lines[:-1], modules


def test_warm_search_imports_neither_pydantic_nor_markdown_it(cache: Path) -> None:
    cold_ids, cold = _probe(cache)  # warm-up: builds the index, which needs the loader
    assert "models/sb-intuitions/sarashina2" in cold_ids
    assert cold["pydantic"] is True  # the probe can see an import
    warm_ids, warm = _probe(cache)
    assert warm_ids == cold_ids
    assert warm == {"pydantic": False, "markdown_it": False}


def test_a_damaged_index_file_is_rebuilt_never_used(catalog: Path) -> None:
    """Flipped bytes, a cut-off file, bytes appended: every damaged cache file is detected by its checksum and
    rebuilt; the query answers exactly as with a sound cache (300 random corruptions, fixed seed)."""
    import random

    from ja_llm.search.query import Query, run_query

    def answer() -> tuple[bool, list[str]]:
        index = load_index(catalog)
        matches = run_query(index.records, index.meta, Query(None, {"license": "apache-2.0"}))
        return index.cached, [m.record["id"] for m in matches]

    _, expected = answer()
    assert expected
    [path] = list(cache_dir().glob("index-*.columns"))
    original = path.read_bytes()
    sound = _content(path)  # the content: marshal's bytes for equal data may differ (it shares repeated objects)
    rng = random.Random(20261128)
    for trial in range(300):
        damaged = bytearray(original)
        how = trial % 3
        if how == 0:
            for _ in range(rng.randint(1, 4)):
                position = rng.randrange(len(damaged))
                damaged[position] ^= 1 << rng.randrange(8)
        elif how == 1:
            del damaged[rng.randrange(len(damaged)) :]
        else:
            damaged += bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        path.write_bytes(bytes(damaged))
        cached, ids = answer()
        assert ids == expected, trial
        assert not cached, trial  # rebuilt, not read
        assert _content(path) == sound  # and written anew, sound


def test_concurrent_builders_never_corrupt_the_cache(catalog: Path, cache: Path) -> None:
    """Six processes build the index of the same catalog at once: every one answers, and the cache file they
    leave is sound (its checksum holds and it answers the same)."""
    probe = (
        "import sys; from pathlib import Path; from ja_llm.search.index import load_index\n"
        "index = load_index(Path(sys.argv[1])); print(len(index.records))"
    )
    env = {**os.environ, "JA_LLM_CACHE_DIR": str(cache)}
    processes = [
        subprocess.Popen([sys.executable, "-c", probe, str(catalog)], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(6)
    ]
    counts = {process.communicate(timeout=120)[0].strip() for process in processes}
    assert all(process.returncode == 0 for process in processes)
    assert len(counts) == 1
    [path] = list(cache.glob("index-*.columns"))
    assert _content(path)[0]
    assert load_index(catalog).cached


def test_a_live_key_is_the_content_key_and_reads_only_what_changed(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LiveKey (serve's watch) gives content_key's value after every kind of edit, reading again only the
    files whose stat changed, and a recently changed file each time (the racy guard, as current_key's memo)."""
    from ja_llm.search.index import LiveKey

    live = LiveKey(catalog)
    files = _files(catalog)
    assert live() == content_key(catalog)
    assert live.reads == len(files)
    assert live() == content_key(catalog)  # files changed just now: read again, the key the same
    assert live.reads == 2 * len(files)

    _make_old(catalog, monkeypatch)  # an hour old: trusted by their stat from now on
    assert live() == content_key(catalog)
    reads = live.reads
    assert live() == content_key(catalog)
    assert live.reads == reads  # nothing changed: nothing read
    _edit_year_keeping_size_and_mtime(catalog / f"{ALPHA}.toml", "year = 2024", "year = 2023")  # ctime changed
    assert live() == content_key(catalog)
    assert live.reads == reads + 1
    added = catalog / "models" / "acme" / "新しい.toml"
    shutil.copy(catalog / f"{ALPHA}.toml", added)
    assert live() == content_key(catalog)
    assert live.reads == reads + 2  # the new file only (the clock is an hour ahead: the edit is not recent)
    added.unlink()
    assert live() == content_key(catalog)


def test_a_file_gone_while_the_watch_reads_it_is_seen_at_the_next_poll(tmp_path: Path) -> None:
    from ja_llm.site.watch import Watcher

    answers: list[str | OSError] = [FileNotFoundError(2, "gone"), "新"]
    rebuilt: list[str] = []

    def key() -> str:
        answer = answers.pop(0)
        if isinstance(answer, OSError):
            raise answer
        return answer

    watcher = Watcher(key, rebuilt.append, "旧")
    assert watcher.poll() is False  # the read failed: no rebuild, no error
    assert watcher.poll() is True
    assert rebuilt == ["新"]
