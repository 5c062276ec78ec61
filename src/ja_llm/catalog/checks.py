"""The rules `validate` applies beyond the schema: references between files (sections, organizations,
licenses, footnotes, Hub repos used twice), and the texts (translations present, footnotes defined, links
well-formed). Each finding is a Problem with the file, line and field it is about."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from ..model.inline import footnote_refs, plain, scan_links
from ..model.schema import Footnote, License, Organization, Section
from ..model.sizes import experts_product, size_in_name
from ..model.text import text_in
from ..model.vocab import KIND_FOLDERS
from .core import Coverage, LoadedEntry
from .toml import locate


class Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.complete: set[str] | None = None  # languages whose missing texts are warnings (None: every one)
        self.coverage = Coverage()

    def count_text(self, value: str | dict[str, str], languages: list[str]) -> list[str]:
        """Count one text for the coverage; the languages it must have and lacks."""
        self.coverage.texts += 1
        if isinstance(value, str):
            return []
        missing = [lang for lang in languages if lang not in value]
        for lang in missing:
            self.coverage.missing[lang] = self.coverage.missing.get(lang, 0) + 1
        return [lang for lang in missing if self.complete is None or lang in self.complete]

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, path: Path, line: int, field_name: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.rel(path), line, field_name, message, severity))

    def validation(self, path: Path, text: str, exc: ValidationError) -> None:
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part in _UNION_TAGS))
            field_name = ".".join(str(part) for part in loc) or "(file)"
            message = _message(error)
            self.add(path, locate(text, loc), field_name, message)


_EXPERTS_ONLY = (
    "{} multiplies the experts, more than the mixture's total and without its active count: "
    "write both, e.g. 8x13b (73b-A22b)"
)

_UNION_TAGS = {
    "str",
    "dict[str,str]",
    "literal['']",
    "function-after[_check_repo(), str]",
    "function-after[_check_url(), str]",
}


def _message(error: ErrorDetails) -> str:
    kind = error.get("type")
    if kind == "extra_forbidden":
        return "unknown key (not in the schema)"
    if kind == "missing":
        return "required field is missing"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def check_references(
    c: Collector,
    root: Path,
    sections: dict[str, Section],
    orgs: dict[str, Organization],
    licenses: dict[str, License],
    footnotes: dict[str, Footnote],
    entries: dict[str, LoadedEntry],
    entry_texts: Mapping[str, str],
    texts: dict[str, str],
    languages: list[str],
    unusable: Collection[str] = frozenset(),
    checked: Checked | None = None,
) -> None:
    """`entry_texts`: each entry's file text by id (for the problems' line numbers); `texts`: the registry
    files'. `checked`: what checking the entries' texts found in an earlier load (see _check_texts_again)."""
    settings = (tuple(languages), frozenset(footnotes), None if c.complete is None else frozenset(c.complete))
    sections_text = texts.get("sections.toml", "")
    for index, section in enumerate(sections.values()):
        if section.parent is not None and section.parent not in sections:
            c.add(
                root / "sections.toml",
                locate(sections_text, ("section", index, "parent")),
                f"section.{index}.parent",
                f"unknown section {section.parent!r}",
            )
        keys = [col.key for col in section.columns]
        if len(set(keys)) != len(keys):
            c.add(
                root / "sections.toml",
                locate(sections_text, ("section", index, "columns")),
                f"section.{index}.columns",
                "a column key appears twice",
            )
    # cycles in the section tree
    for section in sections.values():
        seen = {section.id}
        parent = section.parent
        while parent in sections:
            if parent in seen:
                c.add(root / "sections.toml", 0, "section.parent", f"sections form a cycle through {section.id!r}")
                break
            seen.add(parent)
            parent = sections[parent].parent

    _check_organization_names(c, root, orgs, texts.get("organizations.toml", ""))
    _check_license_conditions(c, root, licenses, texts.get("licenses.toml", ""))
    repo_owner: dict[str, str] = {}
    for entry in entries.values():
        data, text, path = entry.data, entry_texts[entry.id], entry.path
        err = functools.partial(_entry_problem, c, path, text, unusable)

        entry_section = sections.get(data.section)
        if entry_section is None:
            err(("section",), f"unknown section {data.section!r}")
        else:
            folder = KIND_FOLDERS.get(entry_section.kind, "models")
            if entry.kind_folder != folder:
                err(
                    ("section",),
                    f"a {entry_section.kind} section's entries live under {folder}/, not {entry.kind_folder}/",
                )
            columns = {col.key for col in entry_section.columns}
            if data.variants_in and columns and data.variants_in not in columns:
                err(("variants_in",), f"section {entry_section.id!r} has no column {data.variants_in!r}")
            for key in data.extra:
                if columns and key not in columns:
                    err(("extra", key), f"section {entry_section.id!r} has no column {key!r}")
            for key in data.footnotes:
                if columns and key not in columns:
                    err(("footnotes", key), f"section {entry_section.id!r} has no column {key!r}")
        if data.reviewed is False:
            err(("reviewed",), "draft: check the facts, then set reviewed = true", "warning")
        if data.size and experts_product(data.size):
            err(("size",), _EXPERTS_ONLY.format(data.size), "warning")
        parts = entry.id.split("/")
        if parts[0] == "models" and len(parts) == 3 and data.developers and parts[1] != data.developers[0]:
            err(
                ("developers", 0),
                f"the file lives under models/{parts[1]}/ but its first developer is {data.developers[0]!r}",
                "warning",
            )
        for i, dev in enumerate(data.developers):
            if dev not in orgs:
                err(("developers", i), f"unknown organization {dev!r} (add it to organizations.toml)")
        for i, ref in enumerate(data.licenses):
            if ref.id is None and ref.text is None:
                err(("licenses", i), "a license needs an id or a text")
            if ref.id is not None and ref.id not in licenses:
                err(("licenses", i, "id"), f"unknown license {ref.id!r} (add it to licenses.toml or use text)")
        for i, variant in enumerate(data.variants):
            if variant.license is not None and variant.license not in licenses:
                err(("variants", i, "license"), f"unknown license {variant.license!r}")
            for repo in ([variant.repo] if variant.repo else []) + list(variant.aliases):
                owner = repo_owner.get(repo.lower())
                if owner is not None and owner != entry.id:
                    err(("variants", i, "repo"), f"Hugging Face repo {repo!r} is also used by {owner}")
                repo_owner.setdefault(repo.lower(), entry.id)
            if variant.size and experts_product(variant.size):
                err(("variants", i, "size"), _EXPERTS_ONLY.format(variant.size), "warning")
            stated = size_in_name(plain(text_in(variant.label, languages[0] if languages else "")), variant.repo)
            if stated and not (variant.size or data.size):
                err(("variants", i), f"the label or repo states a size ({stated}) that its facts lack", "warning")
            if variant.repo is None and variant.url is None and data.variants_style != "parens":
                err(("variants", i), "a variant needs a repo or a url")
        for key, notes in data.footnotes.items():
            for note in notes:
                if note not in footnotes:
                    err(("footnotes", key), f"unknown footnote {note!r}")
        if checked is None:
            check_texts(c, path, text, data, languages, footnotes)
        else:
            _check_texts_again(c, path, text, data, languages, footnotes, checked, settings)


# What checking an entry's texts found, by file: the entry's model, the settings it was checked with
# (languages, footnote ids, languages whose missing texts are warnings), then the texts counted, the missing
# ones by language and the problems.
Checked = dict[Path, tuple[BaseModel, tuple[object, ...], tuple[int, dict[str, int], list[Problem]]]]


def _check_texts_again(
    c: Collector,
    path: Path,
    text: str,
    data: BaseModel,
    languages: list[str],
    footnotes: Mapping[str, object],
    checked: Checked,
    settings: tuple[object, ...],
) -> None:
    """check_texts of an entry, or what it found before for the very same model (a file that did not change:
    catalog.load.ParseMemo gives its model back) checked with the same settings, added to `c` again."""
    found = checked.get(path)
    if found is None or found[0] is not data or found[1] != settings:
        alone = Collector(c.root)
        alone.complete = c.complete
        check_texts(alone, path, text, data, languages, footnotes)
        found = data, settings, (alone.coverage.texts, dict(alone.coverage.missing), list(alone.problems))
        checked[path] = found
    texts, missing, problems = found[2]
    c.coverage.texts += texts
    for lang, count in missing.items():
        c.coverage.missing[lang] = c.coverage.missing.get(lang, 0) + count
    c.problems.extend(problems)


def _check_organization_names(c: Collector, root: Path, orgs: dict[str, Organization], text: str) -> None:
    """One organization, one id: a name that two organizations share (in any language) is a warning."""
    seen: dict[str, str] = {}
    for index, org in enumerate(orgs.values()):
        if org.reviewed is False:
            c.add(
                root / "organizations.toml",
                locate(text, ("organization", index, "reviewed")),
                f"organization.{index}.reviewed",
                "draft: check the name and url, then set reviewed = true",
                "warning",
            )
        names = [org.name] if isinstance(org.name, str) else list(org.name.values())
        for name in dict.fromkeys(plain(n).casefold() for n in names):
            other = seen.setdefault(name, org.id)
            if other != org.id:
                c.add(
                    root / "organizations.toml",
                    locate(text, ("organization", index, "name")),
                    f"organization.{index}.name",
                    f"{org.id!r} has the name of {other!r}: one organization, one id (merge them)",
                    "warning",
                )


def _check_license_conditions(c: Collector, root: Path, licenses: dict[str, License], text: str) -> None:
    """A `conditional` license says in `conditions` what its conditions are (the rule in CONTRIBUTING)."""
    for index, lic in enumerate(licenses.values()):
        if lic.commercial == "conditional" and not lic.conditions:
            c.add(
                root / "licenses.toml",
                locate(text, ("license", index, "commercial")),
                f"license.{index}.conditions",
                f"{lic.id!r} is conditional but does not say its conditions (add `conditions`)",
                "warning",
            )


_REGISTRY_OF_FIELD = {
    "section": "sections.toml",
    "developers": "organizations.toml",
    "licenses": "licenses.toml",
    "footnotes": "footnotes.toml",
}


def _entry_problem(
    c: Collector,
    path: Path,
    text: str,
    unusable: Collection[str],
    loc: tuple[str | int, ...],
    message: str,
    severity: str = "error",
) -> None:
    """Report a problem of an entry's field, unless it is an unknown reference into a registry file that
    could not be loaded (that file's own problem is reported once)."""
    if _REGISTRY_OF_FIELD.get(str(loc[0])) in unusable and message.startswith("unknown"):
        return
    c.add(path, locate(text, loc), ".".join(str(p) for p in loc), message, severity)


def _walk_texts(value: Any, loc: tuple) -> list[tuple[tuple, Any]]:
    """Every text of a model, with its location: a string, or a dict of strings (a text per language)."""
    found: list[tuple[tuple, Any]] = []
    _texts_into(found, value, loc)
    return found


def _texts_into(found: list[tuple[tuple, Any]], value: Any, loc: tuple) -> None:
    # One call per model, list or dict: numbers, flags and None are passed over without a call (a generator
    # per value made this walk a quarter of the checks' time)
    if isinstance(value, BaseModel):
        items: Iterable[tuple[Any, Any]] = value.__dict__.items()  # its fields, in their order (no extra keys)
    elif isinstance(value, list):
        items = enumerate(value)
    elif isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()) and loc and loc[-1] not in ("footnotes", "extra"):
            found.append((loc, value))
            return
        items = value.items()
    else:
        if isinstance(value, str):
            found.append((loc, value))
        return
    for key, item in items:
        if isinstance(item, str):
            found.append(((*loc, key), item))
        elif isinstance(item, (BaseModel, list, dict)):
            _texts_into(found, item, (*loc, key))


_TEXT_FIELDS_SKIP = {
    "section",
    "id",
    "repo",
    "url",
    "size",
    "license",
    "kind",
    "layout",
    "key",
    "variants_in",
    "variants_style",
    "commercial",
    "status",
    "parent",
    "anchor",
    "languages",
    "aliases",
    "developers",
    "date",
    "source",
}


def check_texts(
    c: Collector,
    path: Path,
    text: str,
    model: BaseModel,
    languages: list[str],
    footnotes: Mapping[str, object],
    prefix: tuple[str | int, ...] = (),
) -> None:
    """Translations present and declared, footnotes defined, links well-formed, brackets balanced. The line
    of a field is located only when it has a finding (locating is the costly part of loading)."""
    for loc, value in _walk_texts(model, ()):
        if any(isinstance(p, str) and p in _TEXT_FIELDS_SKIP for p in loc[-1:]) or (
            len(loc) >= 2 and loc[-2] == "aliases"
        ):
            continue
        findings = _text_findings(value, languages, footnotes)
        required = c.count_text(value, languages)
        if required:
            findings.insert(0, ("missing translation: " + ", ".join(required), "warning"))
        if findings:
            full = prefix + loc
            where = locate(text, full)
            name = ".".join(str(p) for p in full)
            for message, severity in findings:
                c.add(path, where, name, message, severity)


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SCHEMES = ("http", "https", "mailto")


def _link_problem(url: str) -> str | None:
    """Why a link target of a catalog text is refused: a scheme other than http(s) or mailto (`javascript:`,
    `data:`), or a target that is neither a URL, an anchor nor a relative path."""
    scheme = _SCHEME.match(url)
    if scheme:
        if scheme.group(1).lower() not in _SCHEMES:
            return f"link URL {url!r}: only http, https and mailto links are allowed"
        return None if url.lower().startswith(("http://", "https://", "mailto:")) else f"malformed link URL {url!r}"
    if url.startswith(("#", "./", "../", "/")) or ("/" not in url and "." in url):
        return None
    return f"malformed link URL {url!r}"


def _text_findings(
    value: str | dict[str, str], languages: list[str], footnotes: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(message, severity) for each problem of one catalog text."""
    found: list[tuple[str, str]] = []
    values = [value] if isinstance(value, str) else list(value.values())
    if isinstance(value, dict):
        unknown = [lang for lang in value if lang not in languages]
        if unknown:
            found.append(("language not declared in catalog.toml: " + ", ".join(unknown), "warning"))
    for item in values:
        if "[" not in item and "]" not in item:
            continue  # no link, no footnote reference, nothing unbalanced
        found += [(f"unknown footnote [^{ref}]", "error") for ref in footnote_refs(item) if ref not in footnotes]
        # every `[text](target)` as written (also those a Markdown parser would refuse to make a link of)
        for link in scan_links(item):
            problem = _link_problem(link.url)
            if problem:
                found.append((problem, "error"))
        if item.count("[") != item.count("]") and "[^" not in item:
            found.append(("unbalanced brackets: an unclosed link?", "warning"))
    return found
