"""`ja-llm add`: a draft entry per Hub repo, from its metadata, for a person to review.

The draft is `models/<org>/<slug>.toml` (the slug is the repo name in lowercase, other characters as `-`):
its name is the repo name; its developer the organization the repo's owner matches (an organization whose
entries already use that owner's repos, else whose id, name or alias is the owner's name), or a new
organization appended to organizations.toml with `reviewed = false`; its size the safetensors count; its
context length config.json's; its license the registry license the Hub's license tag names (by id or
alias), else that tag as free text; its base model the card's, as the catalog writes base models (the base's
entry name when the catalog has it, else the repo name, with its size in bold); its year the repo's creation
year; one variant with the repo; `reviewed = false`, so that `ja-llm validate` warns until someone checks it.

The section follows SECTION_RULES (the pipeline tag and whether the card names a base model), else the first
table section of the pipeline tag's kind; `--section` overrides. The position is after the section's last
entry. A repo the catalog already has (a variant's repo or former id) is refused naming the entry.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..catalog.core import Catalog
from ..catalog.edit import JOURNAL
from ..catalog.toml import dumps
from ..errors import DraftError, HubRepoNotFound, RepoAlreadyCatalogued
from ..files import write_together
from ..model.inline import plain
from ..model.schema import Entry
from ..model.sizes import size_in_name
from ..model.text import hub_url, text_in
from ..model.vocab import KIND_FOLDERS
from .client import HubClient, RepoMeta
from .facts import PIPELINE_KINDS, base_models, config_facts, counted_size, hub_license, size_text
from .verify import match_license

# (pipeline tag, whether the card names a base model) -> the sections to try, in order: the first one the
# catalog has is the draft's. A text-generation model with a base model was continually pre-trained (or
# fine-tuned) from another model; without one it was built from scratch. None: with or without.
SECTION_RULES: dict[tuple[str, bool | None], tuple[str, ...]] = {
    ("text-generation", True): ("generative-continual-general",),
    ("text-generation", False): ("generative-scratch-general",),
    ("text2text-generation", None): ("generative-scratch-general",),
    ("fill-mask", None): ("autoencoding-general",),
    ("sentence-similarity", None): ("single-representation-bi-encoders",),
    ("feature-extraction", None): ("single-representation-bi-encoders",),
    ("text-ranking", None): ("cross-encoders",),
    ("image-text-to-text", True): ("models-built-off-non-japanese-vlms",),
    ("image-text-to-text", False): ("general-purpose",),
    ("automatic-speech-recognition", None): ("speech-asr",),
    ("text-to-speech", None): ("speech-synthesis",),
}
POSITION_STEP = 10


@dataclass
class Draft:
    repo: str
    entry_id: str
    path: Path
    text: str
    section: str
    organization: str
    new_organization: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftSet:
    """The drafts of one `ja-llm add` run and the organizations.toml text with the new organizations."""

    drafts: list[Draft] = field(default_factory=list)
    organizations_text: str | None = None  # None: unchanged

    def files(self, root: Path) -> dict[Path, str]:
        files = {draft.path: draft.text for draft in self.drafts}
        if self.organizations_text is not None:
            files[root / "organizations.toml"] = self.organizations_text
        return files


def slug(name: str) -> str:
    """A file-name-safe id from a repo name: lowercase, letters, digits, `.`, `_` and `-`."""
    text = re.sub(r"[^a-z0-9._-]+", "-", name.lower())
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"\.{2,}", ".", text).strip("-._")
    return text or "model"


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]+", "", text.casefold())


def catalogued(catalog: Catalog, repo: str) -> str | None:
    """The id of the entry that already has a repo (as a variant's repo or a former id)."""
    key = repo.lower()
    for entry in catalog.entries.values():
        if key in (r.lower() for r in catalog.repos(entry)):
            return entry.id
    return None


def match_organization(catalog: Catalog, owner: str) -> str | None:
    """The organization of a Hub owner: the first developer of the entries whose repos it owns (the most
    common one), else the organization whose id, name (any language) or alias is the owner's name."""
    owners: Counter[str] = Counter()
    for entry in catalog.entries.values():
        if entry.data.developers and any(r.split("/", 1)[0].lower() == owner.lower() for r in catalog.repos(entry)):
            owners[entry.data.developers[0]] += 1
    if owners:
        return owners.most_common(1)[0][0]
    key = _norm(owner)
    for org in catalog.organizations.values():
        names = [org.id, *([org.name] if isinstance(org.name, str) else org.name.values()), *org.aliases]
        if any(_norm(plain(name)) == key for name in names):
            return org.id
    return None


def choose_section(catalog: Catalog, pipeline_tag: str | None, has_base: bool) -> str:
    for key in ((pipeline_tag or "", has_base), (pipeline_tag or "", None)):
        for section_id in SECTION_RULES.get(key, ()):
            if section_id in catalog.sections:
                return section_id
    kind = PIPELINE_KINDS.get(pipeline_tag or "")
    for section_id in catalog.section_order():
        section = catalog.sections[section_id]
        if kind and section.kind == kind and section.layout == "table":
            return section_id
    error = DraftError(f"no section fits a {pipeline_tag or 'repo without a pipeline tag'}")
    error.hint = "choose the section with --section ID (an id of sections.toml)"
    raise error


def _check_section(catalog: Catalog, section_id: str) -> None:
    section = catalog.sections.get(section_id)
    if section is None or KIND_FOLDERS.get(section.kind, "models") != "models" or section.layout == "text":
        tables = [s for s in catalog.section_order() if catalog.sections[s].layout != "text"]
        error = DraftError(f"--section {section_id!r} is not a table section of models in this catalog")
        error.hint = "one of: " + ", ".join(
            s for s in tables if KIND_FOLDERS.get(catalog.sections[s].kind, "models") == "models"
        )
        raise error


def _base_model_text(catalog: Catalog, base: str, lang: str) -> str:
    """A base model as the catalog writes it: `Qwen2.5-7B (**7b**)`, or the base's entry name."""
    entry_id = catalogued(catalog, base)
    name = plain(text_in(catalog.entries[entry_id].data.name, lang)) if entry_id else base.rsplit("/", 1)[-1]
    size = size_in_name(None, base)
    return f"{name} (**{size}**)" if size else name


class Drafter:
    """Drafts entries into one catalog; keeps the organizations and positions it has added in this run."""

    def __init__(self, catalog: Catalog, client: HubClient, section: str | None = None) -> None:
        self.catalog = catalog
        self.client = client
        self.section = section
        if section is not None:
            _check_section(catalog, section)
        self.result = DraftSet()
        self.new_orgs: dict[str, str] = {}  # owner (lowercase) -> new organization id
        self.taken_repos: dict[str, str] = {}  # repo (lowercase) -> entry id drafted in this run
        self.last_position: dict[str, int] = {}
        self.lang = catalog.info.languages[0]

    def _position(self, section_id: str) -> int:
        if section_id not in self.last_position:
            positions = [e.data.position for e in self.catalog.entries.values() if e.data.section == section_id]
            self.last_position[section_id] = max(positions, default=0)
        self.last_position[section_id] += POSITION_STEP
        return self.last_position[section_id]

    def _refuse_known(self, repo: str) -> None:
        owner = catalogued(self.catalog, repo) or self.taken_repos.get(repo.lower())
        if owner is not None:
            raise RepoAlreadyCatalogued(f"{repo} is already in the catalog: {owner}")

    def _organization(self, owner: str) -> tuple[str, bool]:
        found = match_organization(self.catalog, owner)
        if found is not None:
            return found, False
        if owner.lower() in self.new_orgs:
            return self.new_orgs[owner.lower()], True
        org_id = slug(owner)
        while org_id in self.catalog.organizations or org_id in self.new_orgs.values():
            org_id += "-hub"
        self.new_orgs[owner.lower()] = org_id
        block = dumps({"organization": [{"id": org_id, "name": owner, "url": hub_url(owner), "reviewed": False}]})
        current = self.result.organizations_text
        if current is None:
            current = (self.catalog.root / "organizations.toml").read_text(encoding="utf-8")
        self.result.organizations_text = current.rstrip("\n") + "\n\n" + block
        return org_id, True

    def draft(self, repo: str) -> Draft:
        """Draft one repo (raises RepoAlreadyCatalogued, HubRepoNotFound, DraftError, or the client's errors)."""
        self._refuse_known(repo)
        meta = self.client.repo(repo)
        if meta.status == "missing":
            raise HubRepoNotFound(f"{repo}: no such model repo on the Hub")
        if meta.id != repo:
            self._refuse_known(meta.id)
        draft = self._draft(meta)
        self.result.drafts.append(draft)
        self.taken_repos[repo.lower()] = draft.entry_id
        self.taken_repos[meta.id.lower()] = draft.entry_id
        return draft

    def _draft(self, meta: RepoMeta) -> Draft:
        owner, name = meta.id.split("/", 1)
        notes: list[str] = []
        if meta.id != meta.requested:
            notes.append(f"{meta.requested} was renamed to {meta.id}: drafted under its new id")
        bases = base_models(meta.tags, meta.card_data)
        section = self.section or choose_section(self.catalog, meta.pipeline_tag, bool(bases))
        org_id, new_org = self._organization(meta.author or owner)
        entry_id = f"models/{org_id}/{slug(name)}"
        path = self.catalog.root / (entry_id + ".toml")
        if entry_id in self.catalog.entries or path.exists() or any(d.entry_id == entry_id for d in self.result.drafts):
            error = DraftError(f"{entry_id}.toml already exists")
            error.hint = "add the repo to that entry as a [[variants]] block, or rename the existing file"
            raise error

        facts = config_facts(meta.config) if meta.config else None
        counted = counted_size(meta.parameters, meta.config)
        size = size_text(counted.total, counted.active) if counted else size_in_name(None, meta.id)
        license_name = hub_license(meta.tags, meta.card_data)
        license_id = match_license(license_name, self.catalog.licenses)
        license_ref = {"id": license_id} if license_id else {"text": license_name or "？"}
        if facts is not None:
            notes += facts.notes
        elif meta.config_note:
            notes.append(meta.config_note)

        data: dict[str, Any] = {
            "section": section,
            "position": self._position(section),
            "name": name,
            "url": hub_url(meta.id),
            "year": int(meta.created_at[:4]) if meta.created_at else None,
            "base_model": "<br>".join(_base_model_text(self.catalog, base, self.lang) for base in bases) or None,
            "context_length": facts.context_length if facts else None,
            "developers": [org_id],
            "reviewed": False,
            "licenses": [license_ref],
            "variants": [
                {
                    "label": f"**{size}**" if size else name,
                    "size": size,
                    "repo": meta.id,
                    "gated": True if meta.gated else None,
                }
            ],
        }
        text = dumps({key: value for key, value in data.items() if value is not None})
        try:
            Entry.model_validate(tomllib.loads(text))
        except ValidationError as exc:  # a guard: the draft is made of checked parts
            raise DraftError(f"{meta.id}: the draft would not be valid ({exc.errors()[0]['msg']})") from None
        return Draft(meta.id, entry_id, path, text, section, org_id, new_org, notes)

    def write(self) -> list[Path]:
        """Write every draft and organizations.toml together (all or none, never half-written)."""
        files = self.result.files(self.catalog.root)
        if files:
            write_together(files, self.catalog.root / JOURNAL)
        return list(files)
