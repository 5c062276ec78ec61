"""One link check of a catalog: collect its URLs, run lychee on them, judge each against the history,
propose the fixes of permanent redirects. The history is saved (atomically) once lychee has finished;
an interrupted run leaves it, lychee's cache and the catalog as they were."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..catalog.core import Catalog
from ..model.text import HUB
from ..search.index import cache_dir
from .collect import collect
from .engine import OK, Settings, run_lychee
from .fixes import permanent_target, proposals
from .history import History, Rule, clock
from .report import LinkReport


def default_cache_folder() -> Path:
    """Where lychee's cache and the history live: `links/` in ja-llm's cache folder ($JA_LLM_CACHE_DIR, else
    the platform's user cache folder)."""
    return cache_dir() / "links"


def check_links(
    catalog: Catalog,
    settings: Settings | None = None,
    cache_folder: Path | None = None,
    now: datetime | None = None,
    rule: Rule | None = None,
    hub: str = HUB,
    show_progress: bool = False,
    on_line: Callable[[str], None] | None = None,
    announce: Callable[[int], None] | None = None,
) -> LinkReport:
    """Check every URL of `catalog` and return the report (nothing is written to the catalog: see
    `fixes.apply` for the proposed edits). `now` defaults to `history.clock()`; `announce` hears the number of
    URLs before lychee starts, `on_line` each line lychee prints (when not `show_progress`)."""
    started = time.monotonic()
    folder = Path(cache_folder) if cache_folder is not None else default_cache_folder()
    rule = rule or Rule()
    links = collect(catalog, hub=hub)
    history = History.load(folder)  # read first: a broken history fails before the long run
    if announce is not None:
        announce(len(links))
    results = run_lychee([link.url for link in links], folder, settings, show_progress, on_line)
    moment = now or clock()
    by_url = {}
    verdicts = {}
    moves = {}
    for link, result in zip(links, results, strict=True):
        if result.cached and result.status == OK and not result.redirects:
            result.redirects = history.redirects(link.url)
        by_url[link.url] = result
        verdicts[link.url] = history.record(result, moment, rule)
        move = permanent_target(result)
        if move is not None:
            moves[link.url] = move
    history.save()
    edits, renames = proposals(links, moves, hub)
    return LinkReport(moment, rule, links, by_url, verdicts, moves, edits, renames, time.monotonic() - started)
