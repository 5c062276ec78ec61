"""What the catalog last took from the list: `upstream.json` beside catalog.toml.

It records the version of the list the catalog was last synced to (a label, the SHA-256 of each source file,
the date) and, for every entry that came from the list, the row it came from (the importer's id for it) and a
digest of each of that row's facts (sync.facts). `ja-llm sync` compares three versions of a fact: the list's
now, the list's then (this file) and the catalog's. A fact the list changed is applied only where the
catalog still holds what the list said then; otherwise the catalog's own edit wins and is reported as a
conflict.

JSON, one entry per line (so a sync shows as a readable diff), written atomically. Not a catalog file: the
loader does not read it, and a catalog without one has simply never been synced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SyncStateInvalid
from ..files import atomic_write

STATE_FILE = "upstream.json"
FORMAT = 1


@dataclass
class Row:
    key: str  # the importer's id of the row the entry came from
    facts: dict[str, str] = field(default_factory=dict)  # fact -> digest of the list's value


@dataclass
class SyncState:
    version: str = ""  # a label of the list's version (given, or the digest of its sources)
    sources: dict[str, str] = field(default_factory=dict)  # language -> SHA-256 of its README
    synced: str = ""  # the date of the sync (YYYY-MM-DD)
    entries: dict[str, Row] = field(default_factory=dict)  # catalog entry id -> the row it came from
    footnotes: dict[str, dict[str, str]] = field(default_factory=dict)  # footnote id -> fact -> digest

    @classmethod
    def read(cls, root: Path) -> SyncState | None:
        """The catalog's sync state, None when it was never synced. Raises SyncStateInvalid for a file that
        is not one."""
        path = Path(root) / STATE_FILE
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise SyncStateInvalid(f"{path}: format {data.get('format')!r}, this ja-llm reads {FORMAT}")
            upstream = data["upstream"]
            return cls(
                version=str(upstream["version"]),
                sources=dict(upstream["sources"]),
                synced=str(upstream["synced"]),
                entries={key: Row(row["row"], dict(row["facts"])) for key, row in data["entries"].items()},
                footnotes={key: dict(value) for key, value in data.get("footnotes", {}).items()},
            )
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SyncStateInvalid(f"{path}: not a sync state ({exc})") from None

    def text(self) -> str:
        def line(key: str, value: Any) -> str:
            return f"    {json.dumps(key, ensure_ascii=False)}: " + json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )

        head = {"version": self.version, "sources": self.sources, "synced": self.synced}
        entries = ",\n".join(
            line(key, {"row": row.key, "facts": row.facts}) for key, row in sorted(self.entries.items())
        )
        notes = ",\n".join(line(key, value) for key, value in sorted(self.footnotes.items()))
        return (
            "{\n"
            f'  "format": {FORMAT},\n'
            f'  "upstream": {json.dumps(head, ensure_ascii=False, sort_keys=True)},\n'
            f'  "entries": {{\n{entries}\n  }},\n'
            f'  "footnotes": {{\n{notes}\n  }}\n'
            "}\n"
        )

    def write(self, root: Path) -> Path:
        path = Path(root) / STATE_FILE
        atomic_write(path, self.text())
        return path
