"""Is a built site current? A stamp written beside the pages records everything that shapes them: the
catalog's content key, ja-llm's version, and the bytes of its code, templates and assets (so an upgrade or
a code change rebuilds the site, not only a data change)."""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache
from pathlib import Path

from .. import __version__
from ..files import atomic_write
from ..search.index import current_key

STAMP_NAME = ".ja-llm-build"
_PACKAGE = Path(__file__).resolve().parent.parent
_SHAPING = (".py", ".j2", ".js", ".css", ".json", ".toml")


# The libraries whose version can change what a build writes (distribution names as in their dist-info folders)
_SHAPING_LIBRARIES = frozenset(
    {
        "jinja2",
        "markupsafe",
        "markdown_it_py",
        "mdit_py_plugins",
        "pydantic",
        "pydantic_core",
        "matplotlib",
        "matplotlib_fontja",
        "sqlite_utils",
        "tomli",
    }
)


def library_versions() -> list[str]:
    """The installed versions of _SHAPING_LIBRARIES, read from the names of their `<name>-<version>.dist-info`
    folders on sys.path: one listing of each folder (importing the libraries, or importlib.metadata, would add
    ~0.1 s to a build that finds nothing to do)."""
    found: list[str] = []
    for folder in dict.fromkeys(sys.path):
        if not folder:
            continue  # the current folder: not where a library is installed
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist = name[: -len(".dist-info")].partition("-")[0].lower().replace("-", "_").replace(".", "_")
                if dist in _SHAPING_LIBRARIES:
                    found.append(name[: -len(".dist-info")].lower())
    return sorted(found)


@cache
def code_fingerprint() -> str:
    """A hash of this ja-llm's version, code, templates and assets, and of the versions of the libraries that
    render its outputs: what shapes a site besides the catalog (an upgrade of either builds it again).
    Computed once per process (a build asks for it in its stamp check, its keys and its new stamp)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"ja-llm {__version__}\n".encode())
    digest.update(("\n".join(library_versions()) + "\n").encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in _SHAPING and "_catalog" not in path.relative_to(_PACKAGE).parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_stamp(catalog_root: Path) -> str:
    """A hash of the catalog's content and of this ja-llm's version, code, templates and assets."""
    return stamp_of(current_key(catalog_root))


def stamp_of(content_key: str) -> str:
    """site_stamp of a catalog whose content key (search.index.current_key) is `content_key`."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code_fingerprint().encode())
    digest.update(content_key.encode())
    return digest.hexdigest()


def write_stamp(site: Path, stamp: str) -> None:
    """Record `stamp` (site_stamp of the catalog as it was when the build began: a file changed while the
    site was built then makes the next check fail, instead of marking the older pages current)."""
    atomic_write(site / STAMP_NAME, stamp)


def is_current(site: Path, stamp: str) -> bool:
    """True when `site` was built from the catalog and by the ja-llm that `stamp` (site_stamp) describes."""
    try:
        return (site / STAMP_NAME).read_text(encoding="utf-8") == stamp
    except OSError:
        return False
