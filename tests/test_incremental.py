"""Incremental builds (site.pipeline): after a series of random edits of the catalog, updating the last build
gives byte for byte what a build from scratch gives; a build with nothing changed does nothing."""

from __future__ import annotations

import json
import random
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ja_llm.api import Catalog
from ja_llm.catalog.load import ParseMemo, load_catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps
from ja_llm.cli import main
from ja_llm.errors import CatalogInvalid
from ja_llm.memo import Kept
from ja_llm.site.pipeline import MANIFEST_NAME, build_site
from ja_llm.site.stamp import STAMP_NAME

SKIPPED = {MANIFEST_NAME, STAMP_NAME}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in SKIPPED
    }


def differences(a: Path, b: Path) -> list[str]:
    left, right = tree(a), tree(b)
    return sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))


def read(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(data), encoding="utf-8")


def entry_files(root: Path) -> list[Path]:
    return sorted(p for folder in ("models", "benchmarks", "papers") for p in (root / folder).rglob("*.toml"))


def suffix_text(value: object, extra: str) -> object:
    if isinstance(value, str):
        return value + extra
    if isinstance(value, dict):
        return {lang: text + extra for lang, text in value.items()}
    return value


def random_edit(root: Path, rng: random.Random, n: int) -> str:
    """One edit of the kinds a maintainer makes; returns what it did."""
    files = entry_files(root)
    kind = rng.choice(["name", "text", "year", "move", "delete", "add", "organization", "footnote"])
    path = rng.choice(files)
    data = read(path)
    if kind == "name":
        data["name"] = suffix_text(data["name"], f" 改{n}")
    elif kind == "text":
        keys = [k for k in ("training_data", "description", "architecture", "base_model") if k in data]
        key = rng.choice(keys or ["name"])
        data[key] = suffix_text(data[key], f" (edit {n})")
    elif kind == "year":
        data["year"] = int(data.get("year") or 2020) + 1
    elif kind == "move":
        data["position"] = int(data["position"]) + rng.choice([-25, 7, 1000])
    elif kind == "delete":
        path.unlink()
        return f"{kind} {path.name}"
    elif kind == "add":
        data["name"] = suffix_text(data["name"], f" 複製{n}")
        data.pop("anchor", None)
        for variant in data.get("variants", []):
            variant.pop("repo", None)
            variant.pop("aliases", None)
            variant.pop("verified", None)
        data["position"] = int(data["position"]) + 3
        path = path.with_name(f"copy-{n}-{path.name}")
    elif kind == "organization":
        path = root / "organizations.toml"
        data = read(path)
        org = rng.choice(data["organization"])
        org["name"] = suffix_text(org["name"], f" 社{n}")
    elif kind == "footnote":
        path = root / "footnotes.toml"
        data = read(path)
        note = rng.choice(data["footnote"])
        note["text"] = suffix_text(note["text"], f" 注{n}")
    write(path, data)
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [1, 2])
def test_updating_gives_what_a_build_from_scratch_gives(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    updated, lists = tmp_path / "更新" / "site", tmp_path / "更新" / "list"
    # the updates load and build as `ja-llm serve` does: unchanged files not parsed again, the rows and text
    # blocks made from unchanged objects taken back (memo.Kept)
    memo, kept = ParseMemo(), Kept()
    build_site(load_catalog(root, Catalog, memo=memo), updated, lists=lists, kept=kept)
    rng = random.Random(seed)
    done: list[str] = []
    for round_ in range(3):
        start = len(done)
        for n in range(rng.randint(1, 3)):
            backup = {p: p.read_bytes() for p in root.rglob("*.toml")}
            what = random_edit(root, rng, round_ * 10 + n)
            try:
                Catalog.load(root)
            except CatalogInvalid:  # an edit the catalog refuses (a duplicate id, ...): undone
                for p in root.rglob("*.toml"):
                    if p not in backup:
                        p.unlink()
                for p, data in backup.items():
                    p.write_bytes(data)
                continue
            done.append(what)
        reused = memo.reused
        catalog = load_catalog(root, Catalog, memo=memo)
        assert memo.reused - reused >= len(catalog.entries) - len(done[start:])  # all but the edited files
        timings: dict[str, float] = {}
        taken_back = kept.reused
        build_site(catalog, updated, lists=lists, timings=timings, kept=kept)
        assert kept.reused > taken_back  # rows and llms-full.txt blocks of unchanged entries (at least)
        assert "jobs rendered" in timings  # it was an update, not a build from scratch
        fresh = tmp_path / f"新規{round_}"
        build_site(Catalog.load(root), fresh / "site", lists=fresh / "list", incremental=False)
        assert differences(updated, fresh / "site") == [], done
        assert differences(lists, fresh / "list") == [], done
        if all(what.split()[0] in ("name", "text", "year", "move") for what in done[start:]):
            # edits inside entries: not everything again (a registry edit, or an entry added or deleted,
            # may change every page: the anchors its texts link to, the organizations' names)
            assert timings["jobs rendered"] < len(catalog.entries), done


def test_nothing_changed_nothing_done(tmp_path: Path) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    out = tmp_path / "出力"
    first = CliRunner().invoke(main, ["build", "--data", str(root), "--out", str(out)])
    assert first.exit_code == 0, first.output
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = CliRunner().invoke(main, ["build", "--data", str(root), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "is current: nothing to build" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before

    (root / "models" / "rinna" / "gemma-2-baku-2b.toml").write_text(
        (root / "models" / "rinna" / "gemma-2-baku-2b.toml").read_text(encoding="utf-8").replace("2024", "2023"),
        encoding="utf-8",
    )
    changed = CliRunner().invoke(main, ["build", "--data", str(root), "--out", str(out)])
    assert changed.exit_code == 0, changed.output
    assert "jobs of pages rendered again" in changed.stderr
    page = out / "site" / "models" / "rinna" / "gemma-2-baku-2b" / "index.html"
    assert "2023" in page.read_text(encoding="utf-8")
    untouched = out / "site" / "models" / "sb-intuitions" / "sarashina2" / "index.html"
    assert untouched.stat().st_mtime_ns == before[untouched]  # a page that does not show it is not rewritten


def test_an_edit_made_while_building_is_built_next_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp records the catalog as it was when the build began: a file edited while the pages were
    being rendered (from the catalog loaded before) is not taken as built."""
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    out = tmp_path / "出力"
    entry = root / "models" / "rinna" / "gemma-2-baku-2b.toml"
    real_build = build_site

    def build_then_edit(*args: object, **kwargs: object) -> int:
        pages = real_build(*args, **kwargs)  # type: ignore[arg-type]
        entry.write_text(entry.read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
        return pages

    with monkeypatch.context() as patched:
        patched.setattr("ja_llm.site.pipeline.build_site", build_then_edit)
        first = CliRunner().invoke(main, ["build", "--data", str(root), "--out", str(out)])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["build", "--data", str(root), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "is current" not in again.stderr
    page = out / "site" / "models" / "rinna" / "gemma-2-baku-2b" / "index.html"
    assert "2023" in page.read_text(encoding="utf-8")


def test_an_update_compiles_again_only_the_records_of_changed_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build keeps its search records beside the site (site.build_cache): an update compiles those of
    the entries whose file changed, all of them after a registry edit or when the file is damaged, and
    its records are those a build from scratch compiles."""
    import ja_llm.search.records as records_module
    from ja_llm.site.build_cache import cache_path

    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    site = tmp_path / "出力" / "site"
    build_site(Catalog.load(root), site)
    assert cache_path(site).is_file()
    assert not list(site.glob("*.records"))  # beside the site, not published with it
    compiled: list[str] = []
    real = records_module.build_record

    def counting(catalog: Catalog, entry: object, order: int, shared: object = None) -> dict:
        compiled.append(entry.id)  # type: ignore[attr-defined]
        return real(catalog, entry, order, shared)  # type: ignore[arg-type]

    monkeypatch.setattr(records_module, "build_record", counting)
    seen: list[list[dict]] = []
    real_reuse = records_module.build_records

    def keeping(catalog: Catalog, known: object = None) -> list[dict]:
        seen.append(real_reuse(catalog, known))  # type: ignore[arg-type]
        return seen[-1]

    monkeypatch.setattr("ja_llm.site.pipeline.build_records", keeping)
    entry = root / "models" / "rinna" / "gemma-2-baku-2b.toml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
    catalog = Catalog.load(root)
    build_site(catalog, site)
    assert compiled == ["models/rinna/gemma-2-baku-2b"]
    assert seen[-1] == [real(catalog, e, n) for n, e in enumerate(catalog.ordered_entries())]

    compiled.clear()
    organizations = root / "organizations.toml"
    organizations.write_text(
        organizations.read_text(encoding="utf-8").replace('name = "rinna"', 'name = "りんな"', 1), "utf-8"
    )
    build_site(Catalog.load(root), site)
    assert len(compiled) == len(catalog.entries)  # a registry changed: every record compiled again

    compiled.clear()
    cache_path(site).write_bytes(cache_path(site).read_bytes()[:1000])  # cut short
    entry.write_text(entry.read_text(encoding="utf-8").replace("2023", "2022"), encoding="utf-8")
    catalog = Catalog.load(root)
    build_site(catalog, site)
    assert len(compiled) == len(catalog.entries)
    assert seen[-1] == [real(catalog, e, n) for n, e in enumerate(catalog.ordered_entries())]

    compiled.clear()
    data = bytearray(cache_path(site).read_bytes())
    middle = data.index(b"models/", len(data) // 2)  # inside the records, past the head
    data[middle] ^= 0x01  # "models/" -> "lodels/": the file still reads as marshal values, one of them wrong
    cache_path(site).write_bytes(bytes(data))
    entry.write_text(entry.read_text(encoding="utf-8").replace("2022", "2021"), encoding="utf-8")
    catalog = Catalog.load(root)
    build_site(catalog, site)
    assert len(compiled) == len(catalog.entries)  # the CRC does not match: nothing taken from the file


def test_an_upgraded_library_makes_the_site_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code's fingerprint (the stamp, the manifest) covers the versions of the libraries that render the
    outputs (Jinja, markdown-it, matplotlib, ...), not those of others."""
    from ja_llm.site.stamp import code_fingerprint, library_versions

    before = code_fingerprint()
    elsewhere = tmp_path / "ライブラリ"
    (elsewhere / "requests-9.9.9.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(elsewhere))
    code_fingerprint.cache_clear()
    assert code_fingerprint() == before  # not a library the outputs depend on
    (elsewhere / "Jinja2-99.0.dist-info").mkdir()
    code_fingerprint.cache_clear()
    assert "jinja2-99.0" in library_versions()
    assert code_fingerprint() != before
    code_fingerprint.cache_clear()


def test_an_interrupted_update_is_rebuilt_from_scratch(tmp_path: Path) -> None:
    root = tmp_path / "カタログ"
    shutil.copytree(shipped_catalog(), root)
    site = tmp_path / "出力" / "site"
    build_site(Catalog.load(root), site)
    manifest = site / MANIFEST_NAME
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"complete": true', '"complete": false'))
    (site / "index.html").write_text("half", encoding="utf-8")  # what an interrupted update may leave
    timings: dict[str, float] = {}
    build_site(Catalog.load(root), site, timings=timings)
    assert "jobs rendered" not in timings  # from scratch
    assert (site / "index.html").read_text(encoding="utf-8") != "half"


def test_two_processes_build_what_one_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build shares its page jobs between two processes (whichever claims a job renders it): the site,
    the lists and the manifest's jobs are those of a build by one process (as where fork is unavailable)."""
    catalog = Catalog.load()
    shared = tmp_path / "二つ"
    # the second process is forked once the chart is drawn: seen drawn from the start, it takes jobs at once
    timings: dict[str, float] = {}
    with monkeypatch.context() as patched:
        patched.setattr("ja_llm.render.chart.Charts.ready", lambda self: True)
        build_site(catalog, shared / "site", lists=shared / "list", timings=timings, incremental=False)
    assert timings["jobs rendered by the second process"] > 0
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    alone = tmp_path / "一つ"
    build_site(catalog, alone / "site", lists=alone / "list", incremental=False)
    assert differences(shared / "site", alone / "site") == []
    assert differences(shared / "list", alone / "list") == []
    jobs = [json.loads((out / "site" / MANIFEST_NAME).read_text(encoding="utf-8"))["jobs"] for out in (shared, alone)]
    assert jobs[0] == jobs[1]
    assert len(jobs[0]) > len(catalog.entries)  # every job of every language, whichever process rendered it
