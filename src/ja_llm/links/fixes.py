"""Permanent redirects as proposed edits of the catalog.

A URL whose redirect chain starts with permanent moves (301 or 308) and ends in a success has moved: the
target of the last permanent hop replaces it (a temporary redirect, 302/303/307, after it is not followed:
the permanent address is where the temporary one starts). The edits go through `ja_llm.catalog.edit`
(minimal diff, refused when the field no longer holds the old value):

- a `url` field: its value becomes the new URL;
- a link inside a Markdown text: the URL is replaced inside that text (the edit's value is the whole new
  text; several moved URLs of one text make one edit);
- a Hugging Face repo that redirects (a renamed repo) is only proposed as a rename: `ja-llm hub verify`
  owns repo ids and their aliases, `links` never writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..catalog.edit import Edit, EditResult, apply_edits
from .collect import Link, Place
from .engine import OK, Result

PERMANENT = frozenset({301, 308})


@dataclass(frozen=True)
class Move:
    """A URL that moved permanently, and where."""

    old: str
    new: str
    codes: tuple[int, ...]  # the permanent hops' status codes


@dataclass(frozen=True)
class Rename:
    """A Hugging Face repo whose page redirects to another repo's (proposed, not written)."""

    place: Place
    old: str
    new: str


def permanent_target(result: Result) -> Move | None:
    """Where a URL moved to for good, from its redirect chain (None when it did not)."""
    if result.status != OK or not result.redirects:
        return None
    codes: list[int] = []
    target = None
    for url, code in result.redirects:
        if code not in PERMANENT:
            break
        codes.append(code)
        target = url
    if target is None or target == result.url:
        return None
    return Move(result.url, target, tuple(codes))


def _replace_in_text(text: str, old: str, new: str) -> str:
    """`old` replaced by `new` where it is a whole link target (`](old)`, `<old>`, or bare)."""
    return re.sub(re.escape(old) + r"(?![^\s)\]>\"'<])", lambda _: new, text)


def _repo_of(url: str, hub: str) -> str | None:
    prefix = hub.rstrip("/") + "/"
    if not url.startswith(prefix):
        return None
    parts = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0].strip("/").split("/")
    return "/".join(parts) if len(parts) == 2 and all(parts) else None


def proposals(links: list[Link], moves: dict[str, Move], hub: str) -> tuple[list[Edit], list[Rename]]:
    """The edits (urls and Markdown texts) and the repo renames for the moved URLs."""
    edits: list[Edit] = []
    renames: list[Rename] = []
    texts: dict[tuple[Path, tuple[str | int, ...]], tuple[str, str, list[str]]] = {}
    for link in links:
        move = moves.get(link.url)
        if move is None:
            continue
        for place in link.places:
            if place.kind == "repo":
                new_repo = _repo_of(move.new, hub)
                renames.append(Rename(place, place.written, new_repo or move.new))
            elif place.kind == "url":
                reason = f"permanent redirect ({', '.join(map(str, move.codes))})"
                edits.append(Edit(place.file, place.path, move.new, expected=place.written, reason=reason))
            elif place.text is not None:
                key = (place.file, place.path)
                old_text, new_text, moved = texts.get(key, (place.text, place.text, []))
                texts[key] = (old_text, _replace_in_text(new_text, link.url, move.new), [*moved, link.url])
    for (file, path), (old_text, new_text, moved) in texts.items():
        if new_text != old_text:
            reason = "permanent redirect of " + ", ".join(moved)
            edits.append(Edit(file, path, new_text, expected=old_text, reason=reason))
    return edits, renames


def apply(edits: list[Edit], root: Path, dry_run: bool = False) -> EditResult:
    """Write the proposed edits to the catalog at `root` (all files together; conflicts are skipped)."""
    return apply_edits(edits, root=root, dry_run=dry_run)
