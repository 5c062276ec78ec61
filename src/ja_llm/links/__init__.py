"""`ja-llm links`: the health of every link of the catalog, with lychee as the engine.

collect.py finds the URLs and where they are written; engine.py runs lychee and reads its JSON;
history.py decides which failing links are dead; fixes.py turns permanent redirects into catalog edits;
report.py prints and saves the result; check.py runs the whole check.
"""

from __future__ import annotations

from .check import check_links, default_cache_folder
from .collect import Link, Place, collect
from .engine import LYCHEE_VERSION, Result, Settings, find_lychee, run_lychee
from .fixes import apply
from .history import Rule, clock
from .report import LinkReport, text_lines, to_json, write_json

__all__ = [
    "LYCHEE_VERSION",
    "Link",
    "LinkReport",
    "Place",
    "Result",
    "Rule",
    "Settings",
    "apply",
    "check_links",
    "clock",
    "collect",
    "default_cache_folder",
    "find_lychee",
    "run_lychee",
    "text_lines",
    "to_json",
    "write_json",
]
