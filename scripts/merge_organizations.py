"""Give each organization of the shipped catalog one id (kept so that the step can be reviewed and
repeated): the ids below merge into the one they point to; an entry that used a dropped id keeps the list's
way of writing its developer cell as `developer_text` (so the generated lists do not change) and moves to
the kept organization's folder when it lived in the dropped one's. A pseudo-organization that stood for
two (`早大 河原研, ヤフー`) is split into both.

    python scripts/merge_organizations.py [CATALOG_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from ja_llm.api import Catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps, read_toml
from ja_llm.files import atomic_write
from ja_llm.render.cells import CellRenderer, Localizer

# dropped id -> the ids that replace it (same organization under two ids; a merged cell's organizations)
MERGES: dict[str, list[str]] = {
    "eques": ["eques-inc"],
    "ly-corporation": ["ly-corp"],
    "tohoku-university-natural-language-processing-group": ["tohoku-university-nlp-group"],
    "waseda-university-kawahara-lab": ["waseda-kawahara-lab"],
    "waseda-university-kawahara-lab-and-yahoo": ["waseda-kawahara-lab", "yahoo"],
    "org-c2e1e267": ["research-and-development-center-for-large-language-models"],
}


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shipped_catalog()
    catalog = Catalog.load(root)
    languages = list(catalog.info.languages)
    renderers = {lang: CellRenderer(catalog, Localizer(lang, languages[0])) for lang in languages}
    for entry in catalog.entries.values():
        if not any(dev in MERGES for dev in entry.data.developers):
            continue
        written = {
            lang: renderers[lang].developers(entry.data.model_copy(update={"footnotes": {}})) for lang in languages
        }
        data, _ = read_toml(entry.path)
        data["developers"] = list(dict.fromkeys(new for dev in data["developers"] for new in MERGES.get(dev, [dev])))
        if "developer_text" not in data:
            data["developer_text"] = written[languages[0]] if len(set(written.values())) == 1 else written
        folder = entry.id.split("/")
        target = entry.path
        if folder[0] == "models" and folder[1] in MERGES:
            target = root / "models" / data["developers"][0] / entry.path.name
        ordered = {}
        for key, value in data.items():  # developer_text right after developers, as the schema orders them
            if key != "developer_text":
                ordered[key] = value
            if key == "developers":
                ordered["developer_text"] = data["developer_text"]
        atomic_write(target, dumps(ordered))
        if target != entry.path:
            entry.path.unlink()
        print(f"{entry.id} -> {target.relative_to(root).with_suffix('')}")
    registry, _ = read_toml(root / "organizations.toml")
    registry["organization"] = [org for org in registry["organization"] if org["id"] not in MERGES]
    atomic_write(root / "organizations.toml", dumps(registry))
    return 0


if __name__ == "__main__":
    sys.exit(main())
