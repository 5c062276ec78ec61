"""`ja-llm hub verify`: the catalog's facts of each variant compared with the Hub's metadata of its repo,
and the safe corrections as edits.

Each variant with a `repo` gets a RepoReport: the repo's status (ok, renamed, gated, private, missing or an
error), the Hub's facts, and Findings, one per disagreement (or notable fact) with the catalog. The safe
ones carry their edit (`edits_for`):

- a rename: the variant's `repo` becomes the new id and the old one is appended to its `aliases`;
- `context_length` when the catalog has none or a different one for the variant (the Hub's config.json);
- `gated = true` on a gated repo (`false` where the catalog says gated and the Hub does not);
- `size` from the safetensors count, only where the catalog has no size at all.

License, base model, pipeline tag and parameter-count disagreements are reported, never written. Each fact
the Hub confirmed (or that was written from it) is recorded on the variant: `verified = { context_length =
{ source = "hub", date = "…" } }`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from typing import Any

from ..catalog.core import Catalog, LoadedEntry
from ..catalog.edit import ABSENT, Edit
from ..errors import HubRateLimited, HubRequestFailed, SettingInvalid
from ..model.schema import License, Variant
from .client import HubClient, RepoMeta
from .facts import (
    PIPELINE_KINDS,
    base_models,
    config_facts,
    counted_size,
    hub_license,
    size_text,
    sizes_agree,
)

SOURCE = "hub"


def today() -> str:
    """The date recorded in `verified`: JA_LLM_TODAY (YYYY-MM-DD, for tests and reproducible runs) or today."""
    value = os.environ.get("JA_LLM_TODAY", "").strip()
    if value:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise SettingInvalid(f"JA_LLM_TODAY={value!r}: expected a date such as 2026-11-29")
        return value
    return Date.today().isoformat()


@dataclass
class Finding:
    """One disagreement (or notable fact) between the catalog and the Hub for a variant's repo."""

    fact: str  # repo, status, gated, context_length, size, license, base_model, pipeline_tag
    catalog: Any
    hub: Any
    message: str
    writable: bool = False  # `--write` applies it


@dataclass
class RepoReport:
    entry: str
    variant: int
    repo: str
    status: str  # ok, renamed, missing, error
    new_id: str | None = None
    gated: bool | None = None
    private: bool | None = None
    license: str | None = None
    base_models: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    parameters: int | None = None
    active_parameters: float | None = None
    context_length: int | None = None
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    confirmed: list[str] = field(default_factory=list)  # facts to record in `verified`

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# --- licenses --------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.casefold())


def match_license(name: str | None, licenses: dict[str, License]) -> str | None:
    """The registry id of a license as the Hub names it: by id, then by alias (ignoring case and
    punctuation); None when the registry has no such license."""
    if not name:
        return None
    key = _norm(name)
    for lic in licenses.values():
        if _norm(lic.id) == key:
            return lic.id
    for lic in licenses.values():
        if any(_norm(alias) == key for alias in lic.aliases):
            return lic.id
    return None


def catalog_licenses(entry: LoadedEntry, variant: Variant) -> list[str]:
    """The license ids the catalog gives a variant: its own `license`, else the entry's `licenses`."""
    if variant.license:
        return [variant.license]
    return [ref.id for ref in entry.data.licenses if ref.id]


# --- comparing -------------------------------------------------------------------------------------------


def _compare(catalog: Catalog, entry: LoadedEntry, variant: Variant, meta: RepoMeta, report: RepoReport) -> None:
    data = entry.data
    find = report.findings
    report.confirmed.append("repo")
    if meta.renamed:
        report.status = "renamed"
        report.new_id = meta.id
        find.append(Finding("repo", variant.repo, meta.id, f"renamed on the Hub to {meta.id}", writable=True))
    report.gated, report.private = meta.gated, meta.private
    if meta.private:
        find.append(Finding("status", "public", "private", "the repo is private"))
    if meta.gated and variant.gated is not True:
        find.append(Finding("gated", variant.gated, True, "gated on the Hub", writable=True))
    elif meta.gated is False and variant.gated is True:
        find.append(Finding("gated", True, False, "no longer gated on the Hub", writable=True))
    if meta.gated or variant.gated is not None:
        report.confirmed.append("gated")

    # license: reported, never written
    report.license = hub_license(meta.tags, meta.card_data)
    if report.license:
        ids = catalog_licenses(entry, variant)
        matched = match_license(report.license, catalog.licenses)
        texts = [_norm(str(ref.text)) for ref in data.licenses if ref.text and not ref.id]
        if matched is not None and ids and matched not in ids:
            find.append(Finding("license", ", ".join(ids), report.license, f"the Hub says {matched}"))
        elif matched is None and _norm(report.license) not in texts and report.license != "other":
            find.append(
                Finding(
                    "license",
                    ", ".join(ids) or "(text)",
                    report.license,
                    f"the Hub's license {report.license!r} is not in licenses.toml (by id or alias)",
                )
            )
        elif matched is not None and matched in ids:
            report.confirmed.append("license")

    report.base_models = base_models(meta.tags, meta.card_data)
    if report.base_models and data.base_model is None and data.merged_from is None:
        find.append(Finding("base_model", None, ", ".join(report.base_models), "the Hub names a base model"))

    report.pipeline_tag = meta.pipeline_tag
    section = catalog.sections.get(data.section)
    expected_kind = PIPELINE_KINDS.get(meta.pipeline_tag or "")
    if section is not None and expected_kind and section.kind != expected_kind:
        find.append(
            Finding(
                "pipeline_tag",
                section.kind,
                meta.pipeline_tag,
                f"a {meta.pipeline_tag} model in a {section.kind} section",
            )
        )

    # parameters: written only where the catalog has none
    counted = counted_size(meta.parameters, meta.config)
    report.parameters = meta.parameters
    if counted is not None:
        report.active_parameters = counted.active
        written = variant.size or data.size
        if written is None:
            find.append(
                Finding("size", None, size_text(counted.total, counted.active), "size from safetensors", writable=True)
            )
        elif sizes_agree(written, counted.total):
            report.confirmed.append("size")
            stated = data.parameters_of(variant)
            if counted.active is not None and (stated is None or stated.active is None):
                find.append(
                    Finding(
                        "active",
                        None,
                        size_text(counted.active),
                        f"active parameters of the mixture (computed from config.json): {size_text(counted.active)}",
                    )
                )
        else:
            find.append(Finding("size", written, size_text(counted.total, counted.active), "parameter count differs"))

    # context length from config.json
    if meta.config is not None:
        facts = config_facts(meta.config)
        report.notes += facts.notes
        report.context_length = facts.context_length
        if facts.context_length is not None:
            stated_context = variant.context_length or (data.context_length if data.context is None else None)
            report.confirmed.append("context_length")
            if stated_context != facts.context_length:
                find.append(
                    Finding(
                        "context_length",
                        stated_context,
                        facts.context_length,
                        "context length differs" if stated_context else "context length from config.json",
                        writable=True,
                    )
                )
    elif meta.config_note:
        report.notes.append(meta.config_note)


def verify_variant(
    catalog: Catalog, entry: LoadedEntry, index: int, client: HubClient, cache: dict[str, RepoMeta] | None = None
) -> RepoReport:
    """The report of one variant's repo. A rate limit or HTTP error of that repo is the report's error;
    HubUnreachable goes up (it ends the run)."""
    variant = entry.data.variants[index]
    repo = variant.repo or ""
    report = RepoReport(entry=entry.id, variant=index, repo=repo, status="ok")
    try:
        meta = cache[repo] if cache is not None and repo in cache else client.repo(repo)
    except (HubRateLimited, HubRequestFailed) as exc:
        report.status, report.error = "error", f"{exc} ({exc.hint})"
        return report
    if cache is not None:
        cache[repo] = meta
    if meta.status == "missing":
        report.status = "missing"
        report.findings.append(
            Finding("status", "exists", "missing", "not on the Hub (deleted, or private and the token cannot see it)")
        )
        return report
    _compare(catalog, entry, variant, meta, report)
    return report


def variants_to_check(catalog: Catalog, entries: Iterable[LoadedEntry]) -> list[tuple[LoadedEntry, int]]:
    return [(entry, i) for entry in entries for i, variant in enumerate(entry.data.variants) if variant.repo]


def verify(
    catalog: Catalog,
    entries: Iterable[LoadedEntry],
    client: HubClient,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[RepoReport]:
    """Reports for every variant with a repo of the entries, in order."""
    todo = variants_to_check(catalog, entries)
    reports = []
    for number, (entry, index) in enumerate(todo, 1):
        if progress is not None:
            progress(number, len(todo), entry.data.variants[index].repo or "")
        reports.append(verify_variant(catalog, entry, index, client))
    return reports


# --- edits -----------------------------------------------------------------------------------------------


def _entry_level_context(entry: LoadedEntry, variant: Variant) -> bool:
    """The context length of a one-variant entry is corrected where it is written: the entry's own."""
    return len(entry.data.variants) == 1 and variant.context_length is None and entry.data.context_length is not None


def edits_for(catalog: Catalog, reports: Iterable[RepoReport], date: str) -> list[Edit]:
    """The edits `--write` applies: the writable findings and the `verified` records, each expecting the
    value it read (a file edited since is a conflict, not overwritten)."""
    edits: list[Edit] = []
    for report in reports:
        if report.status in ("missing", "error"):
            continue
        entry = catalog.entries[report.entry]
        variant = entry.data.variants[report.variant]
        path = entry.path
        here = ("variants", report.variant)
        for finding in report.findings:
            if not finding.writable:
                continue
            if finding.fact == "repo":
                edits.append(Edit(path, (*here, "repo"), finding.hub, expected=variant.repo, reason="renamed"))
                aliases = list(variant.aliases)
                edits.append(
                    Edit(
                        path,
                        (*here, "aliases"),
                        [*aliases, variant.repo] if variant.repo not in aliases else aliases,
                        expected=aliases if aliases else ABSENT,
                        reason="former repo id",
                    )
                )
            elif finding.fact == "context_length" and _entry_level_context(entry, variant):
                edits.append(
                    Edit(
                        path,
                        ("context_length",),
                        finding.hub,
                        expected=entry.data.context_length,
                        reason=finding.message,
                    )
                )
            elif finding.fact in ("context_length", "gated", "size"):
                current = getattr(variant, finding.fact)
                edits.append(
                    Edit(
                        path,
                        (*here, finding.fact),
                        finding.hub,
                        expected=current if current is not None else ABSENT,
                        reason=finding.message,
                    )
                )
        written = {f.fact for f in report.findings if f.writable}
        facts = [fact for fact in dict.fromkeys([*report.confirmed, *written]) if fact != "active"]
        if not facts:
            continue
        current = {key: value.model_dump() for key, value in variant.verified.items()}
        new = dict(current)
        for fact in facts:
            new[fact] = {"source": SOURCE, "date": date}
        if new != current:
            edits.append(
                Edit(
                    path,
                    (*here, "verified"),
                    new,
                    expected=current if current else ABSENT,
                    reason="verified on the Hub",
                )
            )
    return edits
