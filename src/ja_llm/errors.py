"""Domain errors raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from typing import NamedTuple


class JaLlmError(Exception):
    """Base class of every error the library raises on purpose."""

    hint: str = ""


class SizeError(JaLlmError, ValueError):
    def __init__(self, text: str, message: str) -> None:
        super().__init__(f"{text!r}: {message}")
        self.text = text
        self.message = message


class Problem(NamedTuple):
    """One finding about catalog data, printed as `path:line: field: message`."""

    path: str
    line: int
    field: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {self.field}: {prefix}{self.message}"


class CatalogInvalid(JaLlmError):
    """The catalog could not be loaded: every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__()
        self.problems = list(problems or [])

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        return f"the catalog has {len(errors)} error(s)"


class CatalogNotFound(JaLlmError):
    hint = "pass --data DIR pointing at a catalog folder (one holding catalog.toml)"


class EntryNotFound(JaLlmError):
    hint = "list the ids with `ja-llm search --ids`"


class SourceError(JaLlmError):
    """An awesome-list source file cannot be imported at all (missing, not UTF-8, empty, too large)."""

    hint = "pass the README.md of an awesome-japanese-llm checkout"


class ImportLanguages(JaLlmError):
    """The languages of an import do not add up: the source's language cannot be told, a translation is in
    the source's language, or the source lies outside the list's folder."""

    hint = "give the source's language with --lang, one --translation LANG=PATH per other language, and --tree"


class ImportInvalid(JaLlmError):
    """An import whose result would not pass `ja-llm validate` for a reason no single row explains (a
    registry file); nothing is written."""

    hint = "report the source file and this message: the importer should have skipped the row"


class CatalogEditError(JaLlmError):
    """A proposed edit cannot be applied to a catalog file at all (unreadable, not TOML, would break it)."""

    hint = "fix the file by hand (`ja-llm validate` names the problem), then run the command again"


class OutputError(JaLlmError):
    """An output file or folder cannot be written (a folder where a file goes, a special file, no permission,
    a path under a file, a symlink loop)."""

    hint = "choose another output path"


class OutputExists(JaLlmError):
    hint = "choose another --out folder or pass --force to replace it"
