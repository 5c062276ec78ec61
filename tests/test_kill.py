"""SIGKILL at random moments: `import`, `render`, `build` and `build --update` are killed mid-run (64 kills,
fixed seed). What a reader then finds is the old output or the complete new one, never a half-written
file or folder; the next run cleans up what the killed one left (staging folders, temporary files) and, for
`build --update`, finishes an interrupted update so the languages never stay in two different states."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ja_llm.api import Catalog
from ja_llm.catalog.load import collect
from ja_llm.render.markdown import render_markdown

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini-catalog"
README = DATA / "sources" / "2023-10-21" / "README.md"
KILLS_PER_COMMAND = 16  # 4 commands: 64 kills


def _start(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ja_llm", *(str(a) for a in args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _duration(*args: str | Path) -> float:
    started = time.monotonic()
    assert _start(*args).wait(timeout=300) == 0
    return time.monotonic() - started


def _kill_at_random(rng: random.Random, duration: float, *args: str | Path) -> None:
    process = _start(*args)
    time.sleep(rng.uniform(0, duration))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".new-" in p.name or ".old-" in p.name)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_imports_leave_the_old_catalog_or_the_new_one(tmp_path: Path) -> None:
    rng = random.Random(1)
    out = tmp_path / "出力"
    duration = _duration("import", README, "--out", out)
    complete = _tree(out)
    assert "catalog.toml" in complete
    shutil.rmtree(out)
    for _ in range(KILLS_PER_COMMAND):
        _kill_at_random(rng, duration, "import", README, "--out", out, "--force")
        if out.exists():
            assert _tree(out) == complete  # never a half-written folder
    assert _start("import", README, "--out", out, "--force").wait(timeout=300) == 0
    assert _leftovers(tmp_path) == []  # the next run removed what the killed ones left
    assert [p for p in collect(out)[1] if p.severity == "error"] == []


def test_killed_renders_leave_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    rng = random.Random(2)
    target = tmp_path / "一覧.md"
    target.write_text("OLD\n", encoding="utf-8")
    new = render_markdown(Catalog.load(), "ja")
    duration = _duration("render", "--lang", "ja", "--out", tmp_path / "probe.md")
    for _ in range(KILLS_PER_COMMAND):
        _kill_at_random(rng, duration, "render", "--lang", "ja", "--out", target)
        assert target.read_text(encoding="utf-8") in ("OLD\n", new)


def test_killed_builds_leave_a_whole_site(tmp_path: Path) -> None:
    rng = random.Random(3)
    out = tmp_path / "ビルド"
    duration = _duration("build", "--data", MINI, "--out", out)
    complete = set(_tree(out / "site"))
    for _ in range(KILLS_PER_COMMAND):
        _kill_at_random(rng, duration, "build", "--rebuild", "--data", MINI, "--out", out)
        assert (out / "site").is_dir()  # the old site until the new one replaces it in one step
        skipped = {".ja-llm-build", ".ja-llm-manifest.json"}
        assert set(_tree(out / "site")) - skipped == complete - skipped
    assert _start("build", "--data", MINI, "--out", out).wait(timeout=300) == 0
    assert _leftovers(out) == []


def test_killed_updates_leave_whole_files_and_the_next_build_repairs(tmp_path: Path) -> None:
    """An update (the catalog changed since the last build) replaces the files that changed one by one: killed,
    it leaves each file old or new, never half-written, and the next build gives the complete new site."""
    rng = random.Random(5)
    catalog = tmp_path / "カタログ"
    shutil.copytree(MINI, catalog)
    out = tmp_path / "ビルド"
    assert _start("build", "--data", catalog, "--out", out).wait(timeout=300) == 0
    old = _tree(out / "site")
    entry = next(p for p in (catalog / "models").rglob("*.toml") if "year = 2024" in p.read_text(encoding="utf-8"))
    entry.write_text(entry.read_text(encoding="utf-8").replace("year = 2024", "year = 2023"), encoding="utf-8")
    reference = tmp_path / "参照"
    duration = _duration("build", "--rebuild", "--data", catalog, "--out", reference)
    new = _tree(reference / "site")
    for _ in range(KILLS_PER_COMMAND // 2):
        _kill_at_random(rng, duration, "build", "--data", catalog, "--out", out)
        for path, data in _tree(out / "site").items():
            if path in (".ja-llm-build", ".ja-llm-manifest.json") or path.rsplit("/", 1)[-1].startswith("."):
                continue  # the stamp, the manifest, a temporary file of the killed run (a dot file, never served)
            assert data in (old.get(path), new.get(path)), path  # whole: the old file or the new one
    assert _start("build", "--data", catalog, "--out", out).wait(timeout=300) == 0
    skipped = {".ja-llm-build", ".ja-llm-manifest.json"}
    assert {k: v for k, v in _tree(out / "site").items() if k not in skipped} == {
        k: v for k, v in new.items() if k not in skipped
    }


def test_killed_list_updates_never_leave_languages_apart(tmp_path: Path) -> None:
    rng = random.Random(4)
    catalog = tmp_path / "カタログ"
    shutil.copytree(MINI, catalog)
    lists = tmp_path / "lists"
    assert _start("build", "--data", catalog, "--update", "--lists", lists).wait(timeout=120) == 0
    old = _tree(lists)
    title = catalog / "catalog.toml"
    title.write_text(title.read_text(encoding="utf-8").replace("日本語LLMまとめ", "新しい題"), encoding="utf-8")
    duration = _duration("build", "--data", catalog, "--update", "--lists", tmp_path / "probe")
    new = _tree(tmp_path / "probe")
    mixed = 0
    for _ in range(KILLS_PER_COMMAND):
        shutil.rmtree(lists)
        lists.mkdir()
        for rel, data in old.items():
            (lists / rel).parent.mkdir(parents=True, exist_ok=True)
            (lists / rel).write_bytes(data)
        _kill_at_random(rng, duration, "build", "--data", catalog, "--update", "--lists", lists)
        files = {rel: (lists / rel).read_bytes() for rel in old}
        for rel, data in files.items():
            assert data in (old[rel], new[rel]), rel  # each file whole
        if files != old and files != new:
            mixed += 1
            assert (lists / ".ja-llm-update").is_file()  # and the next run finishes the change
        check = subprocess.run(
            [sys.executable, "-m", "ja_llm", "build", "--data", str(catalog), "--update", "--lists", str(lists)],
            capture_output=True,
            check=False,
        )
        assert check.returncode == 0
        assert _tree(lists) == new
    print(f"{mixed} of {KILLS_PER_COMMAND} kills fell between the renames and were finished by the next run")


def test_the_second_process_leaves_ctrl_c_to_its_parent(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's group: the forked second process of a build ignores it
    (its parent stops it, or waits for it while serve finishes an update). Interrupted, it printed a traceback
    and made serve's update fail."""
    from ja_llm.site.pipeline import _start_worker, _stop

    def job(folder: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # as the terminal's Ctrl-C would
        time.sleep(0.2)
        (folder / "済み").write_text("yes", encoding="utf-8")

    worker = _start_worker(job, tmp_path)
    assert worker is not None
    worker.join(30)
    _stop(worker)
    assert worker.exitcode == 0
    assert (tmp_path / "済み").read_text(encoding="utf-8") == "yes"
