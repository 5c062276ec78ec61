"""Writing files and folders so that a reader never sees them half-written: a temporary file or folder
beside the target, then one rename (for a folder that replaces another, one atomic exchange where the
platform has it: Linux's renameat2(RENAME_EXCHANGE)). Temporary folders left by killed runs are removed
by the next run. Every failure to write is an OutputError with a one-line message.

Hand-written because the standard library has no atomic folder swap and no library for it is better kept
than these forty lines.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from .errors import OutputError

P = TypeVar("P", str, bytes)


def _error(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write ({exc.strerror or exc})")


def _file_target(path: Path) -> Path:
    """The file a write to `path` replaces: `path` itself, or what a symlink at `path` points to. Refuses a
    folder, a special file and a symlink that leads nowhere."""
    try:
        if path.is_symlink():
            path = path.resolve(strict=True)
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise OutputError(f"{path}: a symlink to nothing") from None
        return path
    except (OSError, RuntimeError) as exc:  # a symlink loop, a component that is a file
        raise OutputError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: is a folder; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{path}: not a regular file (a device, pipe or socket is never written)")
    return path


def atomic_write(path: Path, text: str | bytes | Iterable[str] | Iterable[bytes]) -> None:
    """Write a file (text as UTF-8 with \\n line ends, or bytes as they are, or either given piece by piece)
    through a temporary file in the same folder, then rename: never half-written."""
    path = _file_target(Path(path))
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        pieces: Iterator[str | bytes] = iter([text]) if isinstance(text, str | bytes) else iter(text)
        first = next(pieces, "")
        if isinstance(first, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(first)
                for piece in pieces:
                    binary.write(_same(piece, bytes))
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(first)
                for piece in pieces:
                    handle.write(_same(piece, str))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        raise _error(path, exc) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _same(piece: str | bytes, kind: type[P]) -> P:
    """A piece of a file given piece by piece: of the first piece's kind (a program error otherwise)."""
    if not isinstance(piece, kind):
        raise TypeError(f"the pieces of a file are all {kind.__name__}: got {type(piece).__name__}")
    return piece


class NewFiles:
    """Writes files into a folder that is being built and that nobody reads yet (a staging folder): each file
    written straight away, each of its folders made once (not a mkdir per file: ~1 file per entry)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.made: set[Path] = set()

    def write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)
        target.write_bytes(data)


def write_if_changed(path: Path | str, data: bytes) -> bool:
    """atomic_write `data` unless the file holds these bytes already (an update leaves an unchanged file,
    and its modification time, alone). True when written."""
    if _holds(path, data):
        return False
    atomic_write(Path(path), data)
    return True


def _holds(path: Path | str, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data` (read with os.open and os.read: an update compares
    every file of the JSON API with what it would write, and pathlib's read_bytes costs three times as much)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        want = len(data) + 1  # one byte more than `data`: a longer file is told apart without reading it all
        held = os.read(fd, want)
        while len(held) < want and (more := os.read(fd, want - len(held))):
            held += more
        return held == data
    except OSError:  # a folder, say: atomic_write says why it cannot write there
        return False
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_STAGING = ".{name}.tmp-{pid}-"
_OLD = ".{name}.old-{pid}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path, name: str) -> None:
    """Remove the temporary folders of `name` that runs killed before they finished left in `parent` (their
    process is gone); a running build's folder is left alone."""
    with contextlib.suppress(OSError):
        for leftover in parent.iterdir():
            for kind in (".tmp-", ".old-"):
                prefix = f".{name}{kind}"
                if not leftover.name.startswith(prefix):
                    continue
                pid = leftover.name[len(prefix) :].split("-", 1)[0]
                if pid.isdigit() and not _pid_alive(int(pid)):
                    shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """A new empty folder beside `target` to write into. When the block ends without an error, the folder
    replaces `target` in one step; otherwise it is removed and `target` stays as it was."""
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(f"{target}: exists and is not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target.parent, target.name)
        staging = target.parent / (_STAGING.format(name=target.name, pid=os.getpid()) + secrets.token_hex(4))
        staging.mkdir()
    except OSError as exc:
        raise _error(target, exc) from None
    try:
        yield staging
        replace_directory(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE); False where unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_directory(staging: Path, target: Path) -> None:
    """Move a fully written staging folder to `target`. An existing target is exchanged with it in one atomic
    step where the platform allows (no moment without `target`); elsewhere it is moved aside, then away."""
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700 folders
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging, target)
            return
        if _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # now the old content
            return
        backup = target.with_name(_OLD.format(name=target.name, pid=os.getpid()) + secrets.token_hex(4))
        os.replace(target, backup)
        try:
            os.replace(staging, target)
        except BaseException:
            os.replace(backup, target)
            raise
        shutil.rmtree(backup, ignore_errors=True)
    except OSError as exc:
        raise _error(target, exc) from None


def write_together(files: Mapping[Path, str] | Iterable[tuple[Path, str]], journal: Path) -> list[Path]:
    """Write several files as one change: each new text goes to a temporary file beside its target, then a
    journal naming every (temporary, target) pair is written atomically, then the files are renamed into
    place and the journal removed. A run killed before the journal leaves the old files (its temporary
    files are removed by the next run); killed after it, the next run finishes the renames (roll forward):
    the files never stay in two different states. `files`: target -> text, or (target, text) pairs, which
    may be made one at a time (a generator: no two texts in memory at once); none: nothing is touched. Returns the
    targets given."""
    finish_interrupted(journal)
    pairs: list[tuple[Path, Path]] = []
    given: list[Path] = []
    try:
        for target, text in files.items() if isinstance(files, Mapping) else files:
            given.append(target)
            target = _file_target(Path(target))
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.new-", dir=target.parent)
            pairs.append((Path(name), target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            del text  # before the next text is made (a generator of pairs makes them one at a time)
            os.chmod(name, 0o666 & ~_umask())
        if not pairs:  # nothing given: nothing written (no journal either)
            return given
        atomic_write(journal, json.dumps([[str(new), str(target)] for new, target in pairs]))
    except BaseException as exc:
        for new, _ in pairs:
            new.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _error(journal.parent, exc) from None
        raise
    finish_interrupted(journal)
    return given


def finish_interrupted(journal: Path) -> None:
    """Complete a write_together that was interrupted after its journal was written; remove the temporary
    files of one interrupted before."""
    journal = Path(journal)
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8")) if journal.is_file() else []
        for tmp, target in pairs:
            if Path(tmp).exists():
                os.replace(tmp, target)
        journal.unlink(missing_ok=True)
        for folder in {journal.parent, *(Path(target).parent for _, target in pairs)}:
            for leftover in folder.glob(".*.new-*") if folder.is_dir() else []:
                leftover.unlink(missing_ok=True)
    except (OSError, ValueError) as exc:
        raise OutputError(
            f"{journal}: cannot finish an interrupted update ({getattr(exc, 'strerror', None) or exc})"
        ) from None
