"""Reading a version of the list, and writing a sync plan into the catalog.

The plan is written all or nothing: its edits (catalog.edit, a minimal diff), its new entry files and the new
sync state are first written into a copy of the catalog, which must load without an error (the same
validation as `ja-llm validate`); only then are the files of the catalog replaced, together
(files.write_together: a run interrupted midway is finished by the next one).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..api import Catalog as LoadableCatalog
from ..catalog.core import Catalog
from ..catalog.edit import JOURNAL, apply_edits
from ..errors import CatalogInvalid, SyncInvalid
from ..files import write_together
from ..importer import read_list
from .plan import SyncPlan, Upstream
from .state import STATE_FILE


def read_upstream(
    source: Path,
    translations: dict[str, Path],
    data: Path | None = None,
    lang: str | None = None,
    tree: Path | None = None,
    version: str | None = None,
) -> Upstream:
    """A version of the list (its README and translations), read by the importer: nothing is written. The
    version's label is `version`, else the first 12 hex digits of the digest of its sources."""
    built, _ = read_list(source, translations, data, lang, tree)
    languages = list(built.info["languages"])
    paths = {languages[0]: Path(source), **{k: Path(v) for k, v in translations.items()}}
    sources = {lang_: Upstream.source_digest(path) for lang_, path in paths.items()}
    label = version or Upstream.source_digest_of(sources)[:12]
    return Upstream(built=built, languages=languages, sources=sources, version=label)


def planned_texts(catalog: Catalog, plan: SyncPlan) -> dict[Path, str]:
    """Every file the plan writes, with its new text (edited files, new entries, the sync state)."""
    result = apply_edits(plan.edits, root=catalog.root, dry_run=True)
    if result.conflicts:
        edit, why = result.conflicts[0]
        raise SyncInvalid(f"{edit.describe()}: {why} (the catalog changed while syncing?)")
    texts = dict(result.texts)
    texts.update(plan.new_files)
    if plan.state_changed or texts:
        texts[catalog.root / STATE_FILE] = plan.state.text()
    return texts


def check_plan(catalog: Catalog, texts: dict[Path, str]) -> None:
    """Load the catalog as it would be after the plan (in a temporary copy): raises SyncInvalid naming the
    first problems when it would not validate."""
    with tempfile.TemporaryDirectory(prefix="ja-llm-sync-") as work:
        copy = Path(work) / "catalog"
        shutil.copytree(catalog.root, copy, symlinks=True)
        for path, text in texts.items():
            target = copy / path.relative_to(catalog.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            LoadableCatalog.load(copy)
        except CatalogInvalid as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            shown = "; ".join(str(p).replace(str(copy), str(catalog.root)) for p in errors[:3])
            raise SyncInvalid(f"the synced catalog would not validate: {shown}") from None


def write_plan(catalog: Catalog, plan: SyncPlan) -> list[Path]:
    """Write the plan into the catalog (see the module docstring); returns the files written."""
    texts = planned_texts(catalog, plan)
    if not texts:
        return []
    check_plan(catalog, texts)
    write_together(texts, catalog.root / JOURNAL)
    return list(texts)
