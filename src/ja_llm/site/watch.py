"""Keep a served site current: `ja-llm serve` rebuilds it when a catalog file changes, while it serves.

A thread polls the catalog's content key, of which the site's stamp is made (search.index.current_key, whose
memo stats every file and hashes their bytes again only when a stat value changed; or, where serve keeps what it
made, search.index.LiveKey, which keeps the files' bytes and reads again only those whose stat changed), and calls
`rebuild` with the new key when it differs from the one last built (the build takes it as the key of what it
reads). The key decides, not a file-system event: whether the site must be built again is what the content key
decides for every command (a watch then sees exactly what `ja-llm build` would see, editors' temporary files
included or not alike).

What wakes the poll: the file system's notifications where they work (watchfiles, on Linux's inotify, macOS's
FSEvents and Windows' ReadDirectoryChangesW: any change under the catalog's folder wakes it within
~NOTIFY_STEP_MS), with a poll every NOTIFIED_PAUSE seconds besides in case one is missed (a network file system
may send none). Without them (watchfiles cannot watch the folder), every `interval` seconds at least, the pause
growing with what a poll costs (PAUSE_PER_POLL times the cheapest of the last RECENT polls), so that a catalog of
100,000 files is not statted all the time; the cheapest, because for two seconds after an edit a poll hashes
every file again (the key's guard against coarse clocks) and that should not delay seeing the next edit.
Measured with the shipped catalog (bench/RESULTS.md, 2026-12-07): a poll began 0.04–0.07 s after an edit's
write on average with polls every 0.1 s, 0.016 s with notifications; an idle `ja-llm serve` took 5.3% of a core
polling every 0.1 s, 1.4% with notifications.

The rebuild is the same incremental update as `ja-llm build` (site.pipeline): its result is byte for byte what
a cold build writes. What makes it faster in a long-running process is that the code is imported once, the
catalog's unchanged files are not parsed and checked again (catalog.load.ParseMemo) and what unchanged entries
made is taken back (memo.Kept, primed from the built site before the first edit: pipeline.prime_site), both
kept by the caller (the CLI's serve).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ..search.index import catalog_files

# Above this many catalog files, a watching process keeps nothing between its updates (no ParseMemo, no
# memo.Kept, no priming): what it would hold while idle grows with the catalog (the validated models and the
# entries' texts: GBs at 100,000 entries), and each update then costs what `ja-llm build` costs.
KEEP_LIMIT = 20_000
NOTIFIED_PAUSE = 1.0  # seconds between polls while notifications wake the poll (in case one is missed)
NOTIFY_STEP_MS = 10  # watchfiles reports changes this long after the last one (an editor's save is a few)
NOTIFY_DEBOUNCE_MS = 200  # ...or this long after the first one, when changes keep coming
NOTIFY_TIMEOUT_MS = 1000  # the notifications' thread looks at the stop event at least this often
PAUSE_PER_POLL = 10  # the pause between polls: at least this many times what the cheapest recent poll took
RECENT = 100  # about ten seconds of polls of the shipped catalog: longer than the two seconds of rehashing


def keeps(catalog_root: Path) -> bool:
    """Whether a process watching this catalog keeps what it made between its updates (see KEEP_LIMIT)."""
    return len(catalog_files(catalog_root)) <= KEEP_LIMIT


class Watcher:
    """Calls `rebuild(key)` when `key()` (the catalog's content key) differs from the key last built (`built`).
    `rebuild` is given the key as it was before anything was read: a file changed while the site is built
    changes it again, and the next poll builds again. A rebuild that fails (an invalid file being edited) is
    not tried again until the key changes: `rebuild` reports its own errors. `folder`: the catalog's folder,
    whose notifications wake the poll (None: polls only)."""

    def __init__(
        self,
        key: Callable[[], str],
        rebuild: Callable[[str], None],
        built: str,
        interval: float = 0.1,
        prepare: Callable[[], None] | None = None,
        folder: Path | None = None,
    ) -> None:
        self.prepare = prepare
        self.key = key
        self.rebuild = rebuild
        self.built = built
        self.interval = interval
        self.pause = interval
        self.folder = folder
        self.notified = False  # whether notifications wake the poll (known once started)
        self.rebuilds = 0
        self._costs: deque[float] = deque(maxlen=RECENT)
        self._stop = threading.Event()
        self._woken = threading.Event()
        self._idle = threading.Event()  # no poll under way: the notifications' thread may watch
        self._thread: threading.Thread | None = None

    def poll(self) -> bool:
        """Rebuild if the catalog changed since the last build; True when it did."""
        started = time.perf_counter()
        try:
            key = self.key()
        except OSError:  # a file went away between the walk and its read (a branch checked out, say): the
            return False  # next poll sees the files as they are then
        self._costs.append(time.perf_counter() - started)
        self.pause = max(self.interval, PAUSE_PER_POLL * min(self._costs))
        if key == self.built:
            return False
        self.built = key  # also when the rebuild fails: tried again once the files change again
        self.rebuild(key)
        self.rebuilds += 1
        return True

    def start(self) -> None:
        """Poll in a thread of its own until `stop`, after `prepare` (what makes the first rebuild as quick as
        the next ones: loading the catalog into the memo, importing what an update needs)."""
        self._thread = threading.Thread(target=self._run, name="ja-llm watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling; a rebuild under way is finished first (an update cut short would be redone from
        scratch by the next build)."""
        self._stop.set()
        self._woken.set()
        self._idle.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        if self.prepare is not None:
            self.prepare()
        if self.folder is not None:
            self._notifications(self.folder)
        while not self._stop.is_set():
            self._woken.clear()  # before the poll: a change during the poll or its rebuild wakes the next one
            polled = time.monotonic()
            self.poll()  # the first one right away: an edit made while `prepare` ran is seen
            self._idle.set()
            if self.notified:
                self._woken.wait(max(NOTIFIED_PAUSE, self.pause))
                # at most one poll a `pause` (a second at most) while notifications keep coming (a file under
                # the catalog's folder written again and again): an edit after a quiet spell is seen at once
                self._stop.wait(max(0.0, polled + min(self.pause, NOTIFIED_PAUSE) - time.monotonic()))
            else:
                self._stop.wait(self.pause)

    def _notifications(self, folder: Path) -> None:
        """Wake the poll on each change under `folder`: the watch is in place before this returns (so before
        the first poll: no edit falls between the two), its notifications read by a thread of its own.
        watchfiles' RustNotify, which its `watch` generator wraps, is used directly because that generator
        starts watching only once iterated, in its thread: an edit made meanwhile would wait for a poll. A
        folder that cannot be watched (inotify's limit reached, say) leaves the poll running every `pause`."""
        try:  # watchfiles' module of its Rust backend (pyproject: watchfiles < 2): without it, polls only
            from watchfiles._rust_notify import RustNotify, WatchfilesRustInternalError
        except ImportError:
            self.notified = False
            return
        try:  # not polling itself (force_polling False): where no notification comes, NOTIFIED_PAUSE's poll does
            notify = RustNotify([str(folder)], False, False, 0, True, False)
        except (OSError, WatchfilesRustInternalError):
            self.notified = False
            return

        def run() -> None:
            with notify:
                while self._idle.wait() and not self._stop.is_set():
                    try:
                        found = notify.watch(NOTIFY_DEBOUNCE_MS, NOTIFY_STEP_MS, NOTIFY_TIMEOUT_MS, self._stop)
                    except (OSError, WatchfilesRustInternalError):  # the watch broke: poll every `pause`
                        self.notified = False
                        self._woken.set()
                        return
                    if isinstance(found, set):  # any change wakes the poll: the content key decides
                        # no watching while the poll and its rebuild run: `watch` takes the GIL every step
                        # (measured: an update 30 ms slower); the changes meanwhile wait in RustNotify
                        self._idle.clear()
                        self._woken.set()

        self.notified = True
        threading.Thread(target=run, name="ja-llm watch notifications", daemon=True).start()
