"""Keep a served site current: `ja-llm serve` rebuilds it when a catalog file changes, while it serves.

A thread polls the catalog's content key (search.index.current_key, of which the site's stamp is made: its memo
stats every file and hashes their bytes again only when a stat value changed) and calls `rebuild` with the new
key when it differs from the one last built (the build takes it as the key of what it reads). Polling that key
rather than a file-system watcher (watchdog, watchfiles): such a watcher says that something under a folder
changed, but whether the site must be built again is what the content key decides for every command (a watch
then sees exactly what `ja-llm build` would see, editors' temporary files included or not alike), and a poll of
the shipped catalog costs a few milliseconds. The pause between polls grows with what a poll costs
(PAUSE_PER_POLL times the cheapest of the last RECENT polls, at least `interval`), so that a catalog of 100,000
files is not statted all the time; the cheapest, because for two seconds after an edit a poll hashes every file
again (the key's guard against coarse clocks) and that should not delay seeing the next edit.

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
PAUSE_PER_POLL = 10  # the pause between polls: at least this many times what the cheapest recent poll took
RECENT = 100  # about ten seconds of polls of the shipped catalog: longer than the two seconds of rehashing


def keeps(catalog_root: Path) -> bool:
    """Whether a process watching this catalog keeps what it made between its updates (see KEEP_LIMIT)."""
    return len(catalog_files(catalog_root)) <= KEEP_LIMIT


class Watcher:
    """Calls `rebuild(key)` when `key()` (the catalog's content key) differs from the key last built (`built`).
    `rebuild` is given the key as it was before anything was read: a file changed while the site is built
    changes it again, and the next poll builds again. A rebuild that fails (an invalid file being edited) is
    not tried again until the key changes: `rebuild` reports its own errors."""

    def __init__(
        self,
        key: Callable[[], str],
        rebuild: Callable[[str], None],
        built: str,
        interval: float = 0.1,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        self.prepare = prepare
        self.key = key
        self.rebuild = rebuild
        self.built = built
        self.interval = interval
        self.pause = interval
        self.rebuilds = 0
        self._costs: deque[float] = deque(maxlen=RECENT)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> bool:
        """Rebuild if the catalog changed since the last build; True when it did."""
        started = time.perf_counter()
        key = self.key()
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
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        if self.prepare is not None:
            self.prepare()
        while not self._stop.wait(self.pause):
            self.poll()
