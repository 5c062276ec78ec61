"""The history of link checks and the rule that calls a link dead.

A link that fails once may be a server having a bad minute. The history (a JSON file in the cache folder,
written atomically) remembers, per URL, since when it has been failing and on how many runs; a success
clears that. A link is **dead** when it has failed on at least `runs` checks spanning at least `days` days
(defaults 3 and 7); a link failing for less is **flaky** (failing recently). A 429 (rate limited) or an
excluded URL neither counts as a failure nor clears one.

The history also keeps the redirect chain of each URL's last real check: lychee reports a result it took
from its cache without the chain, and the permanent redirects found earlier must still be proposed.

The clock is a parameter (`now`); `clock()` reads $JA_LLM_NOW (ISO 8601) for tests and reproducible runs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import LinkHistoryError, OutputError
from ..files import atomic_write
from .engine import EXCLUDED, OK, RATE_LIMITED, UNKNOWN, Result

HISTORY_FILE = "links-history.json"
VERSION = 1

# The state of a link after a run.
HEALTHY = "ok"
FLAKY = "flaky"
DEAD = "dead"
SKIPPED = "skipped"  # rate limited, excluded or unknown this run: no verdict


def clock() -> datetime:
    """Now, in UTC: $JA_LLM_NOW when set (an ISO 8601 date or time), else the system clock."""
    override = os.environ.get("JA_LLM_NOW")
    if override:
        try:
            moment = datetime.fromisoformat(override)
        except ValueError:
            raise LinkHistoryError(f"JA_LLM_NOW={override!r} is not an ISO 8601 date or time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


@dataclass(frozen=True)
class Rule:
    runs: int = 3
    days: float = 7.0


@dataclass
class Verdict:
    state: str  # HEALTHY, FLAKY, DEAD or SKIPPED
    failing_since: str | None = None
    failed_runs: int = 0


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class History:
    """The history file of one cache folder."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.urls: dict[str, dict[str, Any]] = dict((data or {}).get("urls", {}))

    @classmethod
    def load(cls, folder: Path) -> History:
        path = Path(folder) / HISTORY_FILE
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise LinkHistoryError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("urls"), dict):
            raise LinkHistoryError(f"{path}: not a history of link checks")
        return cls(path, data)

    def save(self) -> None:
        text = json.dumps({"version": VERSION, "urls": self.urls}, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            atomic_write(self.path, text + "\n")
        except OutputError as exc:
            raise LinkHistoryError(str(exc)) from None

    def record(self, result: Result, now: datetime, rule: Rule) -> Verdict:
        """Add one run's result of a URL and return its verdict by the rule."""
        record = self.urls.setdefault(result.url, {})
        stamp = _stamp(now)
        record["last_checked"] = stamp
        record["last_status"] = result.status + (f" {result.code}" if result.code else "")
        if result.redirects:
            record["redirects"] = [[url, code] for url, code in result.redirects]
        elif result.status == OK and not result.cached:
            record.pop("redirects", None)
        if result.status == OK:
            record["last_ok"] = stamp
            record.pop("failing_since", None)
            record.pop("failed_runs", None)
            return Verdict(HEALTHY)
        if result.status in (RATE_LIMITED, EXCLUDED, UNKNOWN):
            return Verdict(SKIPPED, record.get("failing_since"), int(record.get("failed_runs", 0)))
        record.setdefault("failing_since", stamp)
        record["failed_runs"] = int(record.get("failed_runs", 0)) + 1
        return self.verdict(result.url, now, rule)

    def verdict(self, url: str, now: datetime, rule: Rule) -> Verdict:
        record = self.urls.get(url, {})
        since = record.get("failing_since")
        runs = int(record.get("failed_runs", 0))
        if not since:
            return Verdict(HEALTHY)
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            start = now
        dead = runs >= rule.runs and now - start >= timedelta(days=rule.days)
        return Verdict(DEAD if dead else FLAKY, since, runs)

    def redirects(self, url: str) -> list[tuple[str, int]]:
        """The redirect chain of the URL's last real check (for a result lychee took from its cache)."""
        hops = self.urls.get(url, {}).get("redirects") or []
        return [(str(hop[0]), int(hop[1])) for hop in hops if isinstance(hop, list) and len(hop) == 2]
