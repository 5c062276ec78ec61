"""`ja-llm serve` keeps the site current while it serves (site.watch): an edit of a catalog file updates the
site (byte for byte what a build from scratch writes), an edit that makes the catalog invalid is reported and
leaves the site as it was, and the catalog's unchanged files are not parsed again (catalog.load.ParseMemo)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from ja_llm.api import Catalog
from ja_llm.catalog.load import ParseMemo, load_catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.errors import CatalogInvalid
from ja_llm.memo import Kept
from ja_llm.model.schema import REGISTRY_FILES
from ja_llm.site.build import SiteBuilder
from ja_llm.site.pipeline import build_site
from ja_llm.site.stamp import site_stamp
from ja_llm.site.watch import Watcher
from test_incremental import differences

BIN = Path(sys.executable).parent / "ja-llm"
ENTRY = Path("models") / "rinna" / "gemma-2-baku-2b.toml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_parse_memo_gives_back_unchanged_files_and_reads_changed_ones(tmp_path: Path) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    memo = ParseMemo()
    first = load_catalog(root, Catalog, memo=memo)
    assert memo.reused == 0
    second = load_catalog(root, Catalog, memo=memo)
    assert memo.reused >= len(first.entries)  # every entry file, and the registry files
    entry_id = ENTRY.with_suffix("").as_posix()
    assert second.entries[entry_id].data is first.entries[entry_id].data

    _edit(root / ENTRY, "year = 2024", "year = 2023")
    (root / "models" / "sb-intuitions" / "sarashina2.toml").unlink()
    reused = memo.reused
    third = load_catalog(root, Catalog, memo=memo)
    assert third.entries[entry_id].data.year == 2023  # the edited file, read again
    registry = sum((root / name).is_file() for name in REGISTRY_FILES)
    assert memo.reused - reused == registry + len(third.entries) - 1  # all but the edited file
    assert "models/sb-intuitions/sarashina2" not in third.entries
    assert root / "models" / "sb-intuitions" / "sarashina2.toml" not in memo.files  # forgotten
    assert root / ENTRY in memo.files

    _edit(root / ENTRY, "year = 2023", 'year = "2023"')  # invalid: the model kept from before is not used
    with pytest.raises(CatalogInvalid) as invalid:
        load_catalog(root, Catalog, memo=memo)
    assert any(p.field == "year" and str(ENTRY) in str(p.path) for p in invalid.value.problems)
    _edit(root / ENTRY, 'year = "2023"', "year = 2023")
    assert load_catalog(root, Catalog, memo=memo).entries[entry_id].data.year == 2023


def test_the_watcher_rebuilds_what_changed_and_waits_for_a_fix(tmp_path: Path) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    site, lists = tmp_path / "出力" / "site", tmp_path / "出力" / "list"
    memo = ParseMemo()
    errors: list[CatalogInvalid] = []

    def rebuild(stamp: str) -> None:
        try:
            build_site(load_catalog(root, Catalog, memo=memo), site, lists=lists)
        except CatalogInvalid as exc:
            errors.append(exc)

    built = site_stamp(root)
    build_site(load_catalog(root, Catalog, memo=memo), site, lists=lists)
    watcher = Watcher(lambda: site_stamp(root), rebuild, built)
    assert watcher.poll() is False  # nothing changed: nothing built

    _edit(root / ENTRY, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B 改"')
    assert watcher.poll() is True
    page = site / "models" / "rinna" / "gemma-2-baku-2b" / "index.html"
    assert "Gemma 2 Baku 2B 改" in page.read_text(encoding="utf-8")
    fresh = tmp_path / "新規"
    build_site(Catalog.load(root), fresh / "site", lists=fresh / "list", incremental=False)
    assert differences(site, fresh / "site") == []
    assert differences(lists, fresh / "list") == []

    before = page.read_bytes()
    _edit(root / ENTRY, "year = 2024", 'year = "2024"')  # invalid (a string)
    assert watcher.poll() is True
    assert len(errors) == 1
    assert page.read_bytes() == before  # the site left as it was
    assert watcher.poll() is False  # not tried again until the files change
    assert len(errors) == 1
    _edit(root / ENTRY, 'year = "2024"', "year = 2024")
    _edit(root / ENTRY, "Gemma 2 Baku 2B 改", "Gemma 2 Baku 2B 再")
    assert watcher.poll() is True
    assert len(errors) == 1
    assert "Gemma 2 Baku 2B 再" in page.read_text(encoding="utf-8")
    assert watcher.rebuilds == 3


def _watch_in_thread(folder: Path | None, interval: float, tmp_path: Path) -> tuple[Watcher, Path, list[str]]:
    """A started Watcher of a folder holding one file (named in Japanese), whose key is the file's text."""
    target = tmp_path / "カタログ" / "モデル.toml"
    target.parent.mkdir(parents=True)
    target.write_text("一", encoding="utf-8")
    seen: list[str] = []
    watcher = Watcher(lambda: target.read_text(encoding="utf-8"), seen.append, "一", interval, folder=folder)
    watcher.start()
    return watcher, target, seen


def test_a_change_wakes_the_watch_at_once(tmp_path: Path) -> None:
    """With the file system's notifications, an edit is seen without waiting for the next poll (a pause of
    a minute here): the notification wakes it (site.watch, watchfiles)."""
    watcher, target, seen = _watch_in_thread(tmp_path / "カタログ", 60.0, tmp_path)
    try:
        _wait_for(lambda: watcher.notified or None, 20)  # set once the watch is in place, before the first poll
        target.write_text("二", encoding="utf-8")
        _wait_for(lambda: seen or None, 20)
        assert seen == ["二"]
        target.write_text("三", encoding="utf-8")
        _wait_for(lambda: len(seen) == 2 or None, 20)
        assert seen == ["二", "三"]
    finally:
        started = time.perf_counter()
        watcher.stop()
    assert time.perf_counter() - started < 20  # stop wakes it too (not after the minute's pause)


def test_notifications_that_keep_coming_do_not_poll_more_than_once_a_pause(tmp_path: Path) -> None:
    """A file under the catalog's folder written every few milliseconds (a log, an editor's swap file) wakes
    the watch each time, but it polls at most once every `interval` (0.1 s here): about ten times a second,
    not a hundred."""
    watcher, target, seen = _watch_in_thread(tmp_path / "カタログ", 0.1, tmp_path)
    polls: list[float] = []
    key = watcher.key
    watcher.key = lambda: (polls.append(time.monotonic()), key())[1]
    noise = target.parent / "記録.log"
    try:
        _wait_for(lambda: watcher.notified or None, 20)
        time.sleep(0.3)
        polls.clear()
        started = time.monotonic()
        while time.monotonic() - started < 1.5:
            noise.write_text(str(time.monotonic()), encoding="utf-8")
            time.sleep(0.005)
        window = [t for t in polls if started + 0.2 <= t <= started + 1.2]  # one second well inside the noise
        assert 3 <= len(window) <= 12, window
        assert seen == []  # the key did not change: nothing rebuilt
    finally:
        watcher.stop()


def test_without_watchfiles_backend_the_watch_polls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watchfiles whose Rust backend module cannot be imported (another major version, say): the watch polls
    every `interval` and still sees the edit, with no error."""
    monkeypatch.setitem(sys.modules, "watchfiles._rust_notify", None)  # `import` of it raises ImportError
    watcher, target, seen = _watch_in_thread(tmp_path / "カタログ", 0.05, tmp_path)
    try:
        time.sleep(0.3)  # the watch's thread started (without the guard, it would have died by now)
        target.write_text("二", encoding="utf-8")
        _wait_for(lambda: seen or None, 20)
        assert seen == ["二"]
        assert watcher.notified is False
    finally:
        watcher.stop()


def test_a_folder_that_cannot_be_watched_is_polled(tmp_path: Path) -> None:
    """No notification (here: the folder does not exist, so watchfiles refuses it): the poll runs every
    `interval` as before, and still sees the edit."""
    watcher, target, seen = _watch_in_thread(tmp_path / "ない", 0.05, tmp_path)
    try:
        _wait_for(lambda: watcher.notified is False or None, 20)
        target.write_text("二", encoding="utf-8")
        _wait_for(lambda: seen or None, 20)
        assert seen == ["二"]
    finally:
        watcher.stop()


def test_serve_updates_the_site_when_a_catalog_file_changes(tmp_path: Path) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    process = subprocess.Popen(
        [str(BIN), "serve", "--data", str(root), "--port", "0", "--out", str(tmp_path / "出力")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        url = _wait_for(lambda: next((m.group(1) for m in map(_URL.search, lines) if m), None), 180)
        page = url + "models/rinna/gemma-2-baku-2b/"
        _wait_for(lambda: any("watching the catalog" in line for line in lines) or None, 60)
        assert "Gemma 2 Baku 2B 改" not in _get(page)
        _edit(root / ENTRY, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B 改"')
        _wait_for(lambda: "Gemma 2 Baku 2B 改" in _get(page) or None, 60)
        assert any("a catalog file changed" in line for line in lines)

        _edit(root / ENTRY, "year = 2024", 'year = "2024"')  # invalid: reported, the site left as it was
        _wait_for(lambda: any("the site was not updated" in line for line in lines) or None, 60)
        assert any(line.startswith(str(ENTRY)) and "year" in line for line in lines), lines
        assert "Gemma 2 Baku 2B 改" in _get(page)
        assert process.poll() is None  # still serving
        _edit(root / ENTRY, 'year = "2024"', "year = 2024")
        _edit(root / ENTRY, "Gemma 2 Baku 2B 改", "Gemma 2 Baku 2B 再")
        _wait_for(lambda: "Gemma 2 Baku 2B 再" in _get(page) or None, 60)
    finally:
        process.terminate()
        process.wait(timeout=30)


_URL = re.compile(r"at (http://127\.0\.0\.1:\d+/)")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _wait_for(found, seconds: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value is not None:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not seen within {seconds} s")


def test_an_update_in_the_same_process_takes_the_records_it_wrote_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ja_llm.search.records as records_module
    from ja_llm.site import build_cache

    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    site = tmp_path / "出力" / "site"
    memo = ParseMemo()
    build_site(load_catalog(root, Catalog, memo=memo), site)
    compiled: list[str] = []
    real_build_record = records_module.build_record

    def counted(catalog: object, entry: object, order: int, shared: object = None) -> dict:
        compiled.append(entry.id)  # type: ignore[attr-defined]
        return real_build_record(catalog, entry, order, shared)  # type: ignore[arg-type]

    reads: list[Path] = []
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        reads.append(path)
        return real_read_bytes(path)

    monkeypatch.setattr(records_module, "build_record", counted)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)

    _edit(root / ENTRY, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B 改"')
    build_site(load_catalog(root, Catalog, memo=memo), site)
    assert compiled == [ENTRY.with_suffix("").as_posix()]  # the others' records reused...
    cache = build_cache.cache_path(site)
    assert cache not in reads  # ...from memory: the file this process wrote is not read back

    data = cache.read_bytes()
    cache.unlink()
    cache.write_bytes(data)  # the same bytes, another file (as another process would write it): read
    _edit(root / ENTRY, "Gemma 2 Baku 2B 改", "Gemma 2 Baku 2B 再")
    compiled.clear()
    build_site(load_catalog(root, Catalog, memo=memo), site)
    assert compiled == [ENTRY.with_suffix("").as_posix()]
    assert reads.count(cache) == 2  # the copy made above, then the update
    fresh = tmp_path / "新規"
    build_site(Catalog.load(root), fresh, incremental=False)
    assert differences(site, fresh) == []


def test_kept_gives_back_only_what_was_made_from_the_very_same_objects() -> None:
    kept = Kept()
    record, data = {"id": "a"}, ["x"]
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    assert kept.made(("row", "a"), (record, data), lambda: make("first")) == "first"
    assert kept.made(("row", "a"), (record, data), lambda: make("again")) == "first"
    assert kept.reused == 1
    equal = {"id": "a"}  # equal but another object (a record compiled again): made again
    assert kept.made(("row", "a"), (equal, data), lambda: make("new")) == "new"
    assert made == ["first", "new"]
    # values: inputs made again at each build (a digest, a title), compared by equality
    assert kept.made(("key", "a"), (record,), lambda: make("k1"), values=("t", b"d")) == "k1"
    assert kept.made(("key", "a"), (record,), lambda: make("k2"), values=("t", b"d")) == "k1"
    assert kept.made(("key", "a"), (record,), lambda: make("k3"), values=("t2", b"d")) == "k3"
    assert kept.find(("key", "a"), (record,), values=("t", b"d")) is None
    assert kept.keep(("key", "a"), (record,), "k4") == "k4"
    assert kept.find(("key", "a"), (record,)) == "k4"
    assert made == ["first", "new", "k1", "k3"]
    kept.sweep()
    assert len(kept) == 2
    kept.sweep()  # not asked for since the last sweep: forgotten
    assert len(kept) == 0


def test_priming_makes_the_first_update_as_quick_as_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` primes what it keeps from the built site before the first edit (site.pipeline.prime_site): the
    first update then makes the JSON API's text of the edited entry only, and writes what a cold build does."""
    import ja_llm.export.api_json as api_json
    from ja_llm.site.pipeline import prime_site

    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    site, lists = tmp_path / "出力" / "site", tmp_path / "出力" / "list"
    build_site(Catalog.load(root), site, lists=lists)  # built by another process: nothing kept
    memo, kept = ParseMemo(), Kept()
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert prime_site(load_catalog(root, Catalog, memo=memo), site, kept, lists=lists) is True
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before  # nothing written
    assert prime_site(Catalog.load(root), tmp_path / "なし", Kept()) is False  # no build there: nothing to prime

    made: list[str] = []
    real_entry_text = api_json._entry_text

    def counted(item: object) -> str:
        made.append(item.id)  # type: ignore[attr-defined]
        return real_entry_text(item)  # type: ignore[arg-type]

    monkeypatch.setattr(api_json, "_entry_text", counted)
    queried: list[list[str]] = []  # the records the index page's facet counts query
    real_passing = SiteBuilder._passing

    def passing(builder: SiteBuilder, records: list[dict[str, Any]], keys: list[tuple[str, str]]) -> Any:
        queried.append([record["id"] for record in records])
        return real_passing(builder, records, keys)

    monkeypatch.setattr(SiteBuilder, "_passing", passing)
    import ja_llm.export.sqlite_db as sqlite_db

    rows_made: list[str] = []  # in this process: the update makes the edited entry's rows before it forks
    real_rows = sqlite_db._entry_rows

    def rows(catalog: Catalog, languages: list[str], item: Any) -> Any:
        rows_made.append(item.id)
        return real_rows(catalog, languages, item)

    monkeypatch.setattr(sqlite_db, "_entry_rows", rows)
    _edit(root / ENTRY, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B 改"')
    reused = kept.reused
    build_site(load_catalog(root, Catalog, memo=memo), site, lists=lists, kept=kept)
    assert made == [ENTRY.with_suffix("").as_posix()]
    assert queried == [[ENTRY.with_suffix("").as_posix()]]  # once, for every language's values at once
    assert rows_made == [ENTRY.with_suffix("").as_posix()]
    held = kept.held()
    entries = len(Catalog.load(root).entries)
    assert sum(key[0] == "entry key" for key in held) == entries  # the pages' keys and titles: kept too
    assert sum(key[0] == "title" for key in held) == entries * 3
    assert sum(key[0] == "columns" for key in held) == entries  # the filter columns' values (primed as well)
    assert sum(key[0] == "sqlite" for key in held) == entries  # the SQLite rows, for the forked process
    assert sum(key[0] == "csv" for key in held) == entries  # the CSV file's text, likewise
    assert kept.reused - reused > entries * 5
    fresh = tmp_path / "新規"
    build_site(Catalog.load(root), fresh / "site", lists=fresh / "list", incremental=False)
    assert differences(site, fresh / "site") == []
    assert differences(lists, fresh / "list") == []


def test_a_memo_reports_every_problem_and_the_coverage_again(tmp_path: Path) -> None:
    """What checking an unchanged entry's texts found is added again on the next load with the same memo
    (catalog.checks), not lost: the same problems and coverage as a load without memo, load after load."""
    from ja_llm.catalog.load import collect

    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    _edit(root / ENTRY, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B [draft"')  # a warning
    memo = ParseMemo()
    expected_catalog, expected = collect(root)
    assert any(p.path == ENTRY.as_posix() and "unbalanced" in p.message for p in expected)
    assert expected_catalog is not None
    for _ in range(3):
        catalog, problems = collect(root, memo=memo)
        assert catalog is not None
        assert problems == expected
        assert catalog.coverage == expected_catalog.coverage
    assert len(memo.checked) >= len(expected_catalog.entries)
    _edit(root / ENTRY, "Gemma 2 Baku 2B [draft", "Gemma 2 Baku 2B")  # fixed: the finding goes
    _, problems = collect(root, memo=memo)
    assert not any(p.path == ENTRY.as_posix() and "unbalanced" in p.message for p in problems)
    assert problems == collect(root)[1]


def test_a_big_catalog_is_watched_without_keeping_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    import ja_llm.site.watch as watch

    assert watch.keeps(shipped_catalog()) is True
    monkeypatch.setattr(watch, "KEEP_LIMIT", 100)  # the shipped catalog has more files than that
    assert watch.keeps(shipped_catalog()) is False


def test_an_update_keeps_what_it_did_not_make_again(tmp_path: Path) -> None:
    """An update asks only for what it makes again: the values of other entries stay kept (an update that
    dropped them made the next edit elsewhere render its shard's rows again)."""
    from ja_llm.site.build import PAGE_SIZE, SHARD_SIZE
    from ja_llm.site.pipeline import prime_site

    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    site, lists = tmp_path / "出力" / "site", tmp_path / "出力" / "list"
    build_site(Catalog.load(root), site, lists=lists)
    memo, kept = ParseMemo(), Kept()
    catalog = load_catalog(root, Catalog, memo=memo)
    assert prime_site(catalog, site, kept, lists=lists)
    order = [entry.id for entry in catalog.ordered_entries()]
    assert len(order) > SHARD_SIZE
    edited = order.index(ENTRY.with_suffix("").as_posix())
    # an entry whose row the update does not render again: not on the index page, in the other shard
    other = order[-1] if edited < SHARD_SIZE else order[PAGE_SIZE]
    row_keys = [key for key in kept.held() if key[0] == "row" and key[-1] == other]
    assert len(row_keys) == len(catalog.info.languages)  # primed
    _edit(root / ENTRY, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B 改"')
    asked = kept.reused
    build_site(load_catalog(root, Catalog, memo=memo), site, lists=lists, kept=kept)
    assert kept.reused > asked
    assert all(key in kept for key in row_keys)


def test_an_update_loads_the_bytes_its_key_was_made_of(tmp_path: Path) -> None:
    """serve's memo reads a file through the watch's LiveKey (search.index): the bytes of the poll whose key
    starts the update, not read again (and not newer than that key)."""
    from ja_llm.search.index import LiveKey, content_key

    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    live = LiveKey(root)
    key = live()
    assert key == content_key(root)
    path = root / ENTRY
    held = live.held(path)
    assert held == path.read_bytes()
    assert live.held(tmp_path / "ない.toml") is None
    _edit(path, 'name = "Gemma 2 Baku 2B"', 'name = "Gemma 2 Baku 2B 改"')  # after the key: not in this load
    memo = ParseMemo(held=live.held)
    catalog = load_catalog(root, Catalog, memo=memo)
    assert catalog.entries[ENTRY.with_suffix("").as_posix()].data.name == "Gemma 2 Baku 2B"
    assert live() != key  # the next poll reads the edit
    entry = load_catalog(root, Catalog, memo=memo).entries[ENTRY.with_suffix("").as_posix()]
    assert entry.data.name == "Gemma 2 Baku 2B 改"
