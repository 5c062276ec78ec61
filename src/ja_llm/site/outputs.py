"""The build folder kept current: what `ja-llm build` and `ja-llm serve` run, the CLI only printing.

`build_outputs` builds OUT/site and OUT/list from the catalog when they are not current (the stamp, site.stamp),
updating the last build or from scratch, and says what it did (Built). `Preview` is `ja-llm serve`'s side of
it: the folder built if needed, then updated on each edit of the catalog's files (site.watch), with what a
process that builds again and again keeps between its builds (the files it read, what the entries made).
Both report progress through a `say` callback and raise the library's errors (errors.JaLlmError); turning
them into messages is the CLI's.

Only the standard library and the stamp are imported here: with nothing to build, `ja-llm build` and
`ja-llm serve` load neither the catalog's models nor the site's code."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import JaLlmError

if TYPE_CHECKING:
    from ..catalog.load import ParseMemo
    from ..memo import Kept
    from .watch import Watcher

Say = Callable[[str], None]


@dataclass
class Built:
    """What a build did: nothing (`current`: the folder was built from this catalog by this ja-llm), or the
    site's `pages` of a catalog of `entries` entries in `languages` languages, with the time of each stage
    (`timings`, seconds), and for an update of the last build the page jobs rendered again (`rendered`)."""

    site: Path
    lists: Path
    current: bool = False
    entries: int = 0
    languages: int = 0
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int | None = None
    second: int | None = None  # the page jobs the second process of a cold build rendered


def build_outputs(
    root: Path,
    out: Path,
    rebuild: bool = False,
    memo: ParseMemo | None = None,
    kept: Kept | None = None,
    content_key: str | None = None,
    say: Say = lambda _: None,
) -> Built:
    """Build the site (OUT/site) and the lists (OUT/list) of the catalog at `root` unless they are current
    (`rebuild`: from scratch in any case). `content_key`: the catalog's content key (search.index.current_key)
    when the caller computed it before reading anything (else computed here, first); `memo` and `kept`: the
    catalog files read and the outputs made by this process's last build (`serve` keeps them)."""
    from ..search.index import current_key
    from .stamp import is_current, stamp_of, write_stamp

    site, lists = out / "site", out / "list"
    if content_key is None:
        # once, before anything is read: what the new stamp records, and the exports' key
        content_key = current_key(root)
    stamp = stamp_of(content_key)
    if not rebuild and is_current(site, stamp) and (lists / "README.md").is_file():
        # built from this catalog by this ja-llm (and the lists with it): nothing to do but remove what builds
        # killed before they finished left beside it
        from ..files import remove_stale

        remove_stale(out, site.name)
        return Built(site, lists, current=True)
    from ..catalog.load import load_catalog
    from .pipeline import build_site  # the site's code: only when something is built

    started = time.perf_counter()
    catalog = load_catalog(root, memo=memo)
    timings: dict[str, float] = {"load": time.perf_counter() - started}
    say(f"building the site of {len(catalog.entries)} entries into {site} ...")
    pages = build_site(
        catalog,
        site,
        stage=lambda name: say(f"  {name} ..."),
        timings=timings,
        lists=lists,
        incremental=not rebuild,
        kept=kept,
        content_key=content_key,
    )
    write_stamp(site, stamp)
    rendered = timings.pop("jobs rendered", None)
    second = timings.pop("jobs rendered by the second process", None)
    return Built(
        site,
        lists,
        entries=len(catalog.entries),
        languages=len(catalog.info.languages),
        pages=pages,
        timings=timings,
        rendered=None if rendered is None else int(rendered),
        second=int(second) if second else None,
    )


class Preview:
    """`ja-llm serve`'s build folder: `build` makes it current before serving; `watch` then updates it on each
    edit of the catalog's files (in the watcher's thread: `updated` or `failed` is called after each update;
    a failed one leaves the site as it was) until `stop`.

    What it keeps between its builds when it watches a catalog of up to site.watch.KEEP_LIMIT files: the
    content key with the files' bytes (search.index.LiveKey), the models made of those bytes (an update loads
    the bytes its key was made of: catalog.load.ParseMemo), what the entries made (memo.Kept)."""

    def __init__(self, root: Path, out: Path, watch: bool, say: Say = lambda _: None) -> None:
        from ..search.index import LiveKey, current_key
        from .watch import keeps

        self.root, self.out, self.say = root, out, say
        self.key = current_key(root)  # the catalog's content key (the stamp is made of it and of the code)
        self.live = LiveKey(root) if watch and keeps(root) else None
        self.memo: ParseMemo | None = None
        self.kept: Kept | None = None
        if self.live is not None:
            from ..catalog.load import ParseMemo
            from ..memo import Kept

            self.memo, self.kept = ParseMemo(held=self.live.held), Kept()
        self.watcher: Watcher | None = None

    def build(self, rebuild: bool = False) -> Built | None:
        """Build the folder unless its site is current (None then; `rebuild`: from scratch in any case)."""
        from .stamp import is_current, stamp_of

        if not rebuild and is_current(self.out / "site", stamp_of(self.key)):
            return None
        return build_outputs(
            self.root, self.out, rebuild, memo=self.memo, kept=self.kept, content_key=self.key, say=self.say
        )

    def watch(self, updated: Callable[[Built], None], failed: Callable[[JaLlmError], None]) -> None:
        """Start updating the folder on each edit of the catalog's files (a thread: site.watch.Watcher)."""
        from ..search.index import current_key
        from .watch import Watcher

        def update(content_key: str) -> None:
            self.say("a catalog file changed: updating the site ...")
            try:
                built = build_outputs(
                    self.root, self.out, memo=self.memo, kept=self.kept, content_key=content_key, say=self.say
                )
            except JaLlmError as exc:
                failed(exc)
                return
            updated(built)

        def prepare() -> None:
            from ..catalog.load import load_catalog
            from .pipeline import prime_site, warm_up

            warm_up()
            # the files into the memo and the entries' outputs into `kept`, so that the first update makes only
            # what changed; an invalid catalog here changed since the site was built: the first poll updates
            # the site or says why not
            if self.memo is not None and self.kept is not None:
                with contextlib.suppress(JaLlmError):
                    catalog = load_catalog(self.root, memo=self.memo)
                    prime_site(catalog, self.out / "site", self.kept, lists=self.out / "list")
            self.say("watching the catalog: an edit of its files updates the site")

        key = self.live if self.live is not None else functools.partial(current_key, self.root)
        self.watcher = Watcher(key, update, built=self.key, prepare=prepare, folder=self.root)
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
