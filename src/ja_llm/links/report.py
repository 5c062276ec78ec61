"""The report of a link check: every URL's result at each of its places, by entry and by field, as JSON
(written atomically) or as lines for a terminal (`file:line: field: state [code] url — message`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..catalog.edit import Edit
from ..files import atomic_write
from .collect import Link
from .engine import LYCHEE_VERSION, Result
from .fixes import Move, Rename
from .history import DEAD, FLAKY, HEALTHY, SKIPPED, Rule, Verdict


@dataclass
class LinkReport:
    checked_at: datetime
    rule: Rule
    links: list[Link]
    results: dict[str, Result]
    verdicts: dict[str, Verdict]
    moves: dict[str, Move] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    seconds: float = 0.0

    def urls_in(self, state: str) -> list[str]:
        return [link.url for link in self.links if self.verdicts[link.url].state == state]

    @property
    def dead(self) -> list[str]:
        return self.urls_in(DEAD)

    @property
    def flaky(self) -> list[str]:
        return self.urls_in(FLAKY)

    def counts(self) -> dict[str, int]:
        states = [self.verdicts[link.url].state for link in self.links]
        return {
            "urls": len(self.links),
            "places": sum(len(link.places) for link in self.links),
            "ok": states.count(HEALTHY),
            "flaky": states.count(FLAKY),
            "dead": states.count(DEAD),
            "skipped": states.count(SKIPPED),
            "moved": len(self.moves),
            "cached": sum(1 for result in self.results.values() if result.cached),
        }


def _row(report: LinkReport, link: Link) -> list[dict[str, Any]]:
    result = report.results[link.url]
    verdict = report.verdicts[link.url]
    move = report.moves.get(link.url)
    rows = []
    for place in link.places:
        row: dict[str, Any] = {
            "file": place.rel,
            "line": place.line,
            "field": place.field_name,
            "path": list(place.path),
            "kind": place.kind,
            "url": link.url,
            "state": verdict.state,
            "status": result.status,
            "code": result.code,
            "message": result.message,
            "cached": result.cached,
        }
        if verdict.failing_since:
            row["failing_since"] = verdict.failing_since
            row["failed_runs"] = verdict.failed_runs
        if result.redirects:
            row["redirects"] = [{"url": url, "code": code} for url, code in result.redirects]
        if move is not None:
            row["moved_to"] = move.new
        rows.append(row)
    return rows


def by_owner(report: LinkReport) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by entry id (or registry file), each group in file-line order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for link in report.links:
        for place, row in zip(link.places, _row(report, link), strict=True):
            groups.setdefault(place.owner, []).append(row)
    for rows in groups.values():
        rows.sort(key=lambda row: (row["file"], row["line"], row["field"]))
    return groups


def to_json(report: LinkReport) -> dict[str, Any]:
    return {
        "checked_at": report.checked_at.isoformat(timespec="seconds"),
        "engine": f"lychee {LYCHEE_VERSION}",
        "rule": {"dead_after_runs": report.rule.runs, "dead_after_days": report.rule.days},
        "seconds": round(report.seconds, 2),
        "summary": report.counts(),
        "entries": by_owner(report),
        "proposed_edits": [
            {
                "file": str(edit.file),
                "path": list(edit.path),
                "old": edit.expected,
                "new": edit.value,
                "why": edit.reason,
            }
            for edit in report.edits
        ],
        "proposed_renames": [
            {
                "file": rename.place.rel,
                "line": rename.place.line,
                "field": rename.place.field_name,
                "old": rename.old,
                "new": rename.new,
            }
            for rename in report.renames
        ],
    }


def write_json(report: LinkReport, path: Path) -> None:
    """The JSON report, written atomically (a reader never sees half of it; Ctrl-C leaves the old one)."""
    atomic_write(Path(path), json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n")


def text_lines(report: LinkReport, show_all: bool = False) -> list[str]:
    """The report for a terminal: per entry, one line per place that is not plainly ok (every place with
    `show_all`), then the proposals and a summary."""
    lines: list[str] = []
    for owner, rows in by_owner(report).items():
        shown = [r for r in rows if show_all or r["state"] != HEALTHY or "moved_to" in r]
        if not shown:
            continue
        lines.append(owner)
        for row in shown:
            code = f" [{row['code']}]" if row["code"] else ""
            state = row["state"] if row["state"] != SKIPPED else row["status"]
            detail = f" — {row['message']}" if row["message"] and row["state"] != HEALTHY else ""
            if row.get("failing_since"):
                detail += f" (failing since {row['failing_since'][:10]}, {row['failed_runs']} run(s))"
            if "moved_to" in row:
                detail += f" → moved to {row['moved_to']}"
            lines.append(f"  {row['file']}:{row['line']}: {row['field']}: {state}{code} {row['url']}{detail}")
    for rename in report.renames:
        lines.append(
            f"{rename.place.rel}:{rename.place.line}: {rename.place.field_name}: the repo {rename.old} redirects to "
            f"{rename.new} (a rename: `ja-llm hub verify` records it)"
        )
    counts = report.counts()
    proposed = f"{len(report.edits)} edit(s), {len(report.renames)} repo rename(s) proposed"
    lines.append(
        f"{counts['urls']} URLs at {counts['places']} places in {report.seconds:.1f}s: {counts['ok']} ok, "
        f"{counts['flaky']} failing recently, {counts['dead']} dead, {counts['skipped']} not judged "
        f"(rate limited, excluded), {counts['moved']} moved for good ({proposed})"
    )
    return lines
