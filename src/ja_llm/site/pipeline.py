"""`ja-llm build`: the site (site.build renders its pages), the exports, the chart and the lists, written into
the build folder — from scratch, or by updating the last build.

A cold build writes a new folder and swaps it in at the end (files.staged_directory): never half-written. It
leaves a manifest beside the pages (MANIFEST_NAME): the fingerprint of ja-llm's code, and for every job of
pages (SiteBuilder.jobs) the key of its inputs and the files it wrote; the keys of the exports, of the chart
and of the assets.

The next build with the same code updates that folder in place: a job whose key did not change keeps its
files, the others are rendered again and their files replaced one by one (each through a temporary file and a
rename), files no job writes any more are removed; the exports are written again only when a catalog file
changed, the chart drawn again only when what it shows changed (its process is not even started otherwise),
the lists' Markdown rewritten only where it differs; the search records of unchanged entries and the texts'
plain forms are taken from the last build (build_cache, a file beside the site). The result is byte for byte
what a cold build writes (tests/test_incremental.py checks it after series of random edits). The manifest is
first rewritten as "incomplete": an update that is interrupted leaves a folder the next build rebuilds from
scratch. A build with nothing changed reads the manifest, hashes the catalog and the code, and writes nothing.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..catalog.core import Catalog
from ..errors import JaLlmError, OutputError
from ..files import NewFiles, atomic_write, remove_stale, staged_directory, write_if_changed
from ..memo import Kept
from ..process import die_with
from ..render.chart import Charts
from ..render.chart_process import Drawer
from ..search.index import current_key
from ..search.records import build_records, chart_point
from . import build_cache
from .build import Job, SiteBuilder, _key, _lang_base, entry_digests
from .stamp import code_fingerprint

MANIFEST_NAME = ".ja-llm-manifest.json"
MANIFEST_FORMAT = 1
ASSETS = ("app.js", "compare.js", "compare.css", "nojs.css", "style.css")
# The exports an update writes in its second process (ja_llm.export.PARTS); this one writes the others after
# its pages. Measured at 531 entries: the second process's share ~0.45 s with the SQLite export's imports,
# this one's ~0.5 s with the pages of one edited entry and the lists. With what a long-running process keeps
# (memo.Kept: `ja-llm serve`), this one's share is small and the JSON API's files are mostly taken back: the
# API is written here too (measured: the second process's share 0.34–0.49 s with it, the critical path).
SECOND_PROCESS_EXPORTS = ("api", "csv", "sqlite")
SECOND_PROCESS_EXPORTS_KEPT = ("csv", "sqlite")
# A cold build forks its second process (the chart and the lists, then pages and exports) once the chart's
# process has drawn (the other core is then free), if at least this many page jobs are left: fewer take less
# time than the fork and the hand-back cost (the shipped catalog's pages end about when the chart does:
# usually none is forked, this process writes the chart and the lists at the end; at 10k entries and more it
# is forked early and renders about half of the pages).
SECOND_PROCESS_JOBS = 32  # four of its batches (_Share.BATCH)


@dataclass
class Manifest:
    code: str = ""
    complete: bool = False
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"key": …, "outputs": [paths]}
    keys: dict[str, str] = field(default_factory=dict)  # exports, chart, assets -> key

    @classmethod
    def read(cls, site: Path) -> Manifest | None:
        try:
            data = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT:
                return None
            return cls(str(data["code"]), bool(data["complete"]), dict(data["jobs"]), dict(data["keys"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # none, or not one: a cold build

    def write(self, site: Path) -> None:
        data = {"format": MANIFEST_FORMAT, "code": self.code, "complete": self.complete}
        data |= {"keys": self.keys, "jobs": self.jobs}
        atomic_write(site / MANIFEST_NAME, json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


def _start_worker(job: Callable[[Path], None], staging: Path) -> multiprocessing.process.BaseProcess | None:
    """Run `job(staging)` in a forked process (None where fork is unavailable: the caller runs it itself).
    An error in it is printed by the child, and its exit code tells the caller."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None

    parent = os.getpid()

    def run() -> None:
        die_with(parent)
        # Ctrl-C reaches every process of the terminal's group: this one leaves it to its parent, which stops it
        # (a command: _stop) or waits for it (`serve` finishes an update under way); interrupted here, it printed
        # a traceback and made the update fail
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            job(staging)
        except (OSError, JaLlmError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            os._exit(1)

    worker = multiprocessing.get_context("fork").Process(target=run, name="ja-llm chart and lists")
    # The objects both processes hold (the catalog, its records) are moved out of the garbage collector's
    # sight until _stop: a collection in either process would otherwise write into every one of them (the
    # collector's own fields) and so copy every page of the heap into that process (Python's documented
    # advice for fork without exec: gc.freeze before the fork).
    gc.freeze()
    worker.start()
    return worker


def chart_inputs_key(code: str, catalog: Catalog, records: list[dict[str, Any]]) -> str:
    """What the chart shows: each entry's point (search.records.chart_point) and names, the words."""
    points = [(r["id"], chart_point(r), sorted(r["name"].items())) for r in records]
    return _key(code, points, sorted(catalog.ui.items()), list(catalog.info.languages))


class _Build:
    def __init__(
        self,
        catalog: Catalog,
        out: Path,
        stage: Callable[[str], None] | None,
        timings: dict[str, float] | None,
        lists: Path | None,
        kept: Kept | None,
        content_key: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.content_key = content_key
        self.kept = kept
        self.second_exports = SECOND_PROCESS_EXPORTS if kept is None else SECOND_PROCESS_EXPORTS_KEPT
        self.out = Path(out)
        self.stage = stage
        self.spent = timings if timings is not None else {}
        self.lists = lists
        self.languages = list(catalog.info.languages)
        self.code = code_fingerprint()

    def starting(self, name: str) -> float:
        if self.stage is not None:
            self.stage(name)
        return time.perf_counter()

    def took(self, name: str, started: float) -> None:
        self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - started

    def entry_href(self, entry_id: str, lang: str) -> str:
        return "../" + _lang_base(lang, self.languages) + entry_id + "/"

    def pictures(self, folder: Path, charts: Charts) -> None:
        """The chart (drawn once per language, for the site and the lists: waited for here if its process is
        still drawing) and the lists."""
        from ..render.chart import write_charts
        from ..render.lists import write_files

        write_charts(self.catalog, folder / "chart", entry_href=self.entry_href, charts=charts)
        if self.lists is not None:
            write_files(self.catalog, self.lists, charts)

    def assets(self, folder: Path, write: Callable[[Path, bytes], object]) -> str:
        source = resources.files("ja_llm") / "site" / "assets"
        data = {name: (source / name).read_bytes() for name in ASSETS}
        (folder / "assets").mkdir(parents=True, exist_ok=True)
        for name, content in data.items():
            write(folder / "assets" / name, content)
        return _key(sorted(data.items()))

    def cache_inputs(self) -> tuple[str, dict[str, bytes]]:
        """The build cache's key and the entries' digests (also the page jobs' keys': computed once)."""
        return build_cache.inputs_key(self.code, self.catalog), entry_digests(self.catalog)

    def keys(self) -> dict[str, str]:
        return {
            "exports": _key(self.code, self.content_key or current_key(self.catalog.root)),
            "chart": chart_inputs_key(self.code, self.catalog, self.records),
        }

    # --- from scratch -----------------------------------------------------------------------------------

    def cold(self) -> int:
        with staged_directory(self.out) as staging:
            worker = None
            drawer = None
            try:
                started = self.starting("pages + exports")
                drawer = Drawer.start()  # first: it imports matplotlib while this process prepares
                self.records = build_records(self.catalog)
                charts = Charts(self.catalog, self.records, drawer)  # asked now, drawn while the pages render
                cache = self.cache_inputs()
                builder = SiteBuilder(self.catalog, self.records, self.kept)
                from ..export import PARTS, select_items, write_all

                items = select_items(self.catalog, self.records)  # once: a forked second process has them

                def export(part: str) -> None:  # api/, catalog.csv, catalog.db, llms.txt
                    write_all(self.catalog, staging, items, kept=self.kept, parts=[part])

                share = _Share(
                    builder.jobs(self.code, cache[1]),
                    staging,
                    forked="fork" in multiprocessing.get_all_start_methods(),
                    parts=PARTS,
                    export=export,
                )
                manifest = Manifest(code=self.code, complete=True)

                def second_process() -> None:
                    """Between two batches of pages: once the chart is drawn (the other core is free), a forked
                    second process writes the chart and the lists, then renders pages and writes exports too,
                    if enough pages are left for it to pay for itself."""
                    nonlocal worker
                    if worker is None and share.forked and share.left() >= SECOND_PROCESS_JOBS and charts.ready():
                        charts.drawn  # noqa: B018 (taken from the drawing process here: the forked one has them)

                        def pictures_then_work(folder: Path) -> None:
                            self.pictures(folder, charts)
                            share.send(share.work(builder))

                        worker = _start_worker(pictures_then_work, staging)
                        share.started()

                done = share.work(builder, between=second_process)
                share.own = len(done)
                manifest.keys["assets"] = self.assets(staging, _write)
                self.took("pages + exports", started)
                started = self.starting("chart + lists")
                build_cache.write(self.out, *cache, self.records)  # for the next update (see update)
                if worker is None:
                    self.pictures(staging, charts)
                else:
                    done += share.received()
                    worker.join()
                    if worker.exitcode != 0:
                        raise OutputError(
                            f"{self.out}: the second process failed writing the chart, the lists or pages (see above)"
                        )
                if not share.complete(done):
                    raise OutputError(f"{self.out}: some pages were not rendered (see above)")
                self.took("chart + lists (waited)", started)
                self.spent["jobs rendered by the second process"] = float(len(done) - share.own)
                pages = 0
                for index, outputs in done:
                    job = share.jobs[index]
                    manifest.jobs[job.name] = {"key": job.key, "outputs": outputs}
                    pages += _page_count(outputs)
                manifest.keys |= self.keys()
                manifest.write(staging)
            except OSError as exc:
                raise OutputError(f"{self.out}: cannot write the site ({exc.strerror or exc})") from None
            finally:
                _stop(worker)  # after an error here: the folder it writes into is about to be removed
                if drawer is not None:
                    drawer.stop()
        return pages

    # --- priming what a long-running process keeps -------------------------------------------------------

    def prime(self) -> None:
        """Make what `kept` keeps for every entry (the index's rows and facet counts, the filter columns, the
        pages' keys and titles, the JSON API's and llms.txt's texts, the SQLite export's rows, the lists'
        Markdown rows) from the built site's catalog, writing nothing (the records read from the build cache
        stay in memory: the next update gets the same objects)."""
        from ..export import DATA_LINKS
        from ..export.api_json import api_files
        from ..export.llms_txt import llms_texts
        from ..render.lists import markdown_files

        cache = self.cache_inputs()
        self.records = build_records(self.catalog, build_cache.read_known(self.out, *cache))
        builder = SiteBuilder(self.catalog, self.records, self.kept)
        for job in builder.jobs(self.code, cache[1]):
            if job.name.startswith(("index/", "rows/", "data/")):
                _render(builder, job)
        for _ in api_files(self.catalog, self.records, lambda piece: None, self.kept):
            pass
        self.keep_rows()
        llms_texts(self.catalog, None, self.records, data_links=DATA_LINKS, kept=self.kept)
        if self.lists is not None:
            markdown_files(self.catalog, self.lists, self.kept)

    def keep_rows(self) -> None:
        """The SQLite export's rows and the CSV file's text of every entry into `kept`, in this process: made
        for the changed entries only, before the process that writes those files is forked (which would make
        them, and lose them, at every update after)."""
        if self.kept is None:  # a command: nothing to keep, and sqlite-utils not imported here (~50 ms)
            return
        from ..export.csv_file import csv_pieces
        from ..export.items import select_items
        from ..export.sqlite_db import entry_rows

        items = select_items(self.catalog, self.records)
        for item in items:
            entry_rows(self.catalog, self.languages, item, self.kept)
        for _ in csv_pieces(self.catalog, items, kept=self.kept):
            pass

    # --- updating the last build ------------------------------------------------------------------------

    def update(self, old: Manifest) -> int:
        site = self.out
        remove_stale(site.parent, site.name)  # the folders of cold builds killed before they finished
        worker = None
        drawer = None
        try:
            started = self.starting("pages")
            old.complete = False
            old.write(site)  # until the end: an interrupted update is rebuilt from scratch next time
            # the records of the entries whose file did not change, as the last build compiled them
            cache = self.cache_inputs()
            self.records = build_records(self.catalog, build_cache.read_known(site, *cache))
            keys = self.keys()
            exports = keys["exports"] != old.keys.get("exports")
            figures_there = self.lists is None or all(
                (self.lists / "figures" / f"parameters-{lang}.svg").is_file() for lang in self.languages
            )
            pictures = keys["chart"] != old.keys.get("chart") or not figures_there

            def data(folder: Path) -> None:
                """The exports but llms.txt, when they changed, and the lists' Markdown when the chart did not
                change (with the chart, the lists are written with it, at the end): in a second process while
                the pages render (this one writes the llms.txt files after its pages: the two then take about
                as long)."""
                if exports:
                    from ..export import write_all

                    write_all(  # with the rows kept (keep_rows: this process made those of changed entries)
                        self.catalog, folder, self.records, in_place=True, parts=self.second_exports, kept=self.kept
                    )
                if not pictures and self.lists is not None and self.kept is None:
                    from ..render.lists import write_markdown

                    write_markdown(self.catalog, self.lists)

            if exports:
                self.keep_rows()
            worker = _start_worker(data, site) if exports else None
            # the chart's own process, started after the fork (the forked process inherits none of its pipes)
            drawer = Drawer.start() if pictures else None
            charts = Charts(self.catalog, self.records, drawer) if drawer is not None else None
            builder = SiteBuilder(self.catalog, self.records, self.kept)
            manifest = Manifest(code=self.code, complete=True)
            rendered = 0
            root, isfile = str(site), os.path.isfile  # ~2,400 files at 531 entries: no Path object for each
            for job in builder.jobs(self.code, cache[1]):
                had = old.jobs.get(job.name)
                if had is not None and had["key"] == job.key and all(isfile(f"{root}/{p}") for p in had["outputs"]):
                    manifest.jobs[job.name] = had
                    continue
                outputs = _render(builder, job)
                for path, text in outputs.items():
                    write_if_changed(site / path, text.encode("utf-8"))
                manifest.jobs[job.name] = {"key": job.key, "outputs": list(outputs)}
                rendered += 1
            kept = {p for done in manifest.jobs.values() for p in done["outputs"]}
            for done in old.jobs.values():
                for path in done["outputs"]:
                    if path not in kept:
                        _remove(site, path)
            manifest.keys["assets"] = self.assets(site, write_if_changed)
            if exports:
                from ..export import PARTS, write_all

                mine = [part for part in PARTS if part not in self.second_exports]
                write_all(self.catalog, site, self.records, in_place=True, parts=mine, kept=self.kept)
            if not pictures and self.lists is not None and self.kept is not None:
                # with what a long-running process keeps, this one's share is small: the lists' Markdown here,
                # where the rows it makes are kept for the next update (a forked process's are lost)
                from ..render.lists import write_markdown

                write_markdown(self.catalog, self.lists, self.kept)
            self.took("pages", started)
            started = self.starting("exports + chart")
            build_cache.write(site, *cache, self.records)
            if charts is not None:
                self.pictures(site, charts)
            if worker is not None:
                worker.join()
                if worker.exitcode != 0:
                    raise OutputError(f"{site}: writing the exports failed (see above)")
            else:  # without fork, or with only the lists' Markdown to check: one after the other
                data(site)
            self.took("exports + chart (waited)", started)
            manifest.keys |= keys
            manifest.write(site)
        except OSError as exc:
            raise OutputError(f"{site}: cannot write the site ({exc.strerror or exc})") from None
        finally:
            _stop(worker)  # after an error here (the update is left incomplete: rebuilt next time)
            if drawer is not None:
                drawer.stop()
                if self.kept is not None:  # a process that updates again (`serve`): the next chart's process
                    Drawer.keep_spare()
        self.spent["jobs rendered"] = float(rendered)
        return _page_count(p for done in manifest.jobs.values() for p in done["outputs"])


class _Share:
    """The page jobs of a cold build, then its export parts, shared by its two processes: each claims the next
    BATCH jobs from a counter in shared memory until none is left, renders them and writes their files at
    once (no page waits in memory), then the next export part (another counter) until none is left. The
    second process is forked once the chart is drawn (SECOND_PROCESS_JOBS), and sends back the files of the
    jobs it rendered (through a pipe) for the manifest. Which process renders a job does not
    change its files: the result is byte for byte the same. Without fork, this process renders every job."""

    BATCH = 8

    def __init__(
        self,
        jobs: list[Job],
        folder: Path,
        forked: bool,
        parts: tuple[str, ...] = (),
        export: Callable[[str], None] | None = None,
    ) -> None:
        self.jobs = jobs
        self.folder = folder
        self.forked = forked
        self.parts = parts
        self.export = export
        context = multiprocessing.get_context("fork") if forked else None
        self.next = context.Value("l", 0) if context is not None else None
        self.next_part = context.Value("l", 0) if context is not None else None
        self.parts_claimed = 0  # without fork
        self.inbox: Connection | None = None
        self.outbox: Connection | None = None
        if context is not None:
            self.inbox, self.outbox = context.Pipe(duplex=False)
        self.claimed = 0  # without fork
        self.own = 0  # the jobs this process rendered

    def started(self) -> None:
        """In this process, once the second one is started: its end of the pipe is closed here, so that a
        second process that dies without sending is seen (EOF) instead of waited for."""
        if self.outbox is not None:
            self.outbox.close()

    @staticmethod
    def _take(counter: Any, count: int) -> int:
        """Advance a counter in shared memory by `count` under its lock; the value it had."""
        with counter.get_lock():
            start: int = counter.value
            counter.value = start + count
        return start

    def claim(self) -> range:
        if self.next is None:
            start, self.claimed = self.claimed, len(self.jobs)
            return range(start, len(self.jobs))
        start = self._take(self.next, self.BATCH)
        return range(min(start, len(self.jobs)), min(start + self.BATCH, len(self.jobs)))

    def claim_part(self) -> str | None:
        """The next export part nobody has claimed (one at a time: each is a few seconds at 10k entries)."""
        if self.next_part is None:
            index, self.parts_claimed = self.parts_claimed, self.parts_claimed + 1
        else:
            index = self._take(self.next_part, 1)
        return self.parts[index] if index < len(self.parts) else None

    def left(self) -> int:
        """How many jobs nobody has claimed yet."""
        claimed = self.claimed if self.next is None else self.next.value
        return max(0, len(self.jobs) - claimed)

    def work(self, builder: SiteBuilder, between: Callable[[], None] | None = None) -> list[tuple[int, list[str]]]:
        """Render and write jobs until none is left, then write the export parts nobody has claimed; returns
        (job index, files written) of each job. `between` is called before each batch of jobs is claimed."""
        done: list[tuple[int, list[str]]] = []
        files = NewFiles(self.folder)
        while True:
            if between is not None:
                between()
            batch = self.claim()
            if not batch:
                break
            for index in batch:
                rendered = _render(builder, self.jobs[index])
                for path, text in rendered.items():
                    files.write(path, text.encode("utf-8"))
                done.append((index, list(rendered)))
        while self.export is not None and (part := self.claim_part()) is not None:
            self.export(part)
        return done

    def send(self, done: list[tuple[int, list[str]]]) -> None:
        assert self.outbox is not None
        self.outbox.send(done)
        self.outbox.close()

    def received(self) -> list[tuple[int, list[str]]]:
        """What the second process rendered ([] when it died before sending: `complete` then fails)."""
        assert self.inbox is not None
        try:
            done: list[tuple[int, list[str]]] = self.inbox.recv()
            return done
        except EOFError:
            return []
        finally:
            self.inbox.close()

    def complete(self, done: list[tuple[int, list[str]]]) -> bool:
        return sorted(index for index, _ in done) == list(range(len(self.jobs)))


def _stop(worker: multiprocessing.process.BaseProcess | None) -> None:
    """The second process, killed if it still runs (this one is failing: nothing it writes would be used);
    the objects frozen when it was started are the collector's again."""
    if worker is None:
        return
    if worker.is_alive():
        worker.kill()
        worker.join()
    gc.unfreeze()


def _render(builder: SiteBuilder, job: Job) -> dict[str, str]:
    """The pages one job renders (path -> text): the builder collects them in a dict of their own."""
    builder.pages = {}
    job.render()
    return builder.pages


def _page_count(paths: Iterable[str]) -> int:
    """The pages among a build's files (not the row fragments under data/, which are HTML too)."""
    return sum(1 for p in paths if p.endswith(".html") and not p.startswith("data/"))


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _remove(site: Path, rel: str) -> None:
    """A file no job writes any more, and the folders it leaves empty (up to the site's root)."""
    path = site / rel
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def warm_up() -> None:
    """Import what an update may need besides what loading a catalog imports (the pages' code; the SQLite
    export's sqlite-utils): for a process that keeps the site current between edits (`ja-llm serve`), so
    that its updates do not wait for imports. The forked second process of an update inherits them. The
    chart is drawn in a process of its own (render.chart_process.Drawer): a spare one is started, which
    imports matplotlib meanwhile."""
    from ..export import sqlite_db  # noqa: F401
    from ..render import lists  # noqa: F401

    Drawer.keep_spare()


def prime_site(catalog: Catalog, out: Path, kept: Kept, lists: Path | None = None) -> bool:
    """Fill `kept` (memo.Kept) with what the next update of the site built in `out` from this catalog would
    make for every entry, so that a long-running process's first update (`ja-llm serve` after the first
    edit) is as quick as its next ones. Writes nothing into the site. `kept` is swept afterwards (every
    current entry's values were asked for: those of deleted entries go). False when `out` holds no complete
    build of this ja-llm (the next build is from scratch: nothing to prime)."""
    work = _Build(catalog, out, None, None, lists, kept)
    old = Manifest.read(Path(out)) if Path(out).is_dir() else None
    if old is None or not old.complete or old.code != work.code:
        return False
    work.prime()
    kept.sweep()
    return True


def build_site(
    catalog: Catalog,
    out: Path,
    stage: Callable[[str], None] | None = None,
    timings: dict[str, float] | None = None,
    lists: Path | None = None,
    incremental: bool = True,
    kept: Kept | None = None,
    content_key: str | None = None,
) -> int:
    """Write the whole site into `out`; returns the page count. `lists`: also write the Markdown lists of
    every language and their charts there (render.lists). With `incremental` (the default) a folder built
    by this ja-llm is updated (see the module docstring), else it is built from scratch.

    A cold build starts the chart's drawing process first (render.chart_process.Drawer: matplotlib is
    imported there only, in a process that holds nothing else), renders the pages of every language, then
    writes the exports (ja_llm.export: api/, catalog.csv, catalog.db, llms.txt); once the chart is drawn, a
    forked second process (it shares the loaded catalog and its search records) writes the chart, for the
    site and the lists, and the lists, then shares the pages and the exports (_Share), when enough pages are
    left (SECOND_PROCESS_JOBS); else this one writes the chart and the lists at the end.
    No gzip copies: `serve` compresses on the fly (compress.py). `stage(name)` is told when each stage
    starts (progress on a terminal); `timings` receives each one's seconds. `kept`: what a process that builds
    again keeps between its builds (memo.Kept: `ja-llm serve`; not swept here: an update asks only for what
    it makes again, the rest stays valid). `content_key`:
    the catalog's content key (search.index.current_key) when the caller computed it before loading the
    catalog (the exports' key; else computed here)."""
    work = _Build(catalog, out, stage, timings, lists, kept, content_key)
    old = Manifest.read(Path(out)) if incremental and Path(out).is_dir() else None
    if old is not None and old.complete and old.code == work.code:
        return work.update(old)
    return work.cold()
