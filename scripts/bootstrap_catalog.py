"""How the shipped catalog (src/ja_llm/data) was made, kept so that the step can be reviewed and repeated.

1. Import the 2026-08-22 awesome-japanese-llm list (ja + en) with `ja-llm import`.
2. Make sure every Hugging Face model repo linked from the 2023-10-21 list (the original spec) is a
   variant's repo or a recorded alias of one:
   - repos of organizations that were renamed get an alias on the renamed repo (RENAMED_OWNERS);
   - repos the 2026 list no longer links get a variant on the entry that describes them (ADDITIONS),
     with labels taken from the 2023 README and README_en.
3. Fail if any 2023 repo is still not covered.

From now on the catalog is edited directly (one TOML file per entry); this script is not part of the
package and is only needed to rebuild the catalog from the sources.

    python scripts/bootstrap_catalog.py SOURCES_DIR OUT_DIR
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ja_llm.catalog import Catalog
from ja_llm.importer import import_list
from ja_llm.importer.cells import hf_repo
from ja_llm.storage import atomic_write, dumps, read_toml

RENAMED_OWNERS = {"cl-tohoku": "tohoku-nlp"}

# entry (by one of its repos) -> variants to add after the variant with repo `after` (None: at the end)
ADDITIONS = [
    {
        "entry_repo": "rinna/japanese-gpt-neox-small",
        "after": "rinna/japanese-gpt-neox-small",
        "variants": [
            {"label": "neox-3.6b", "size": "3.6b", "repo": "rinna/japanese-gpt-neox-3.6b"},
            {"label": "neox-3.6b-instruction-sft", "size": "3.6b", "repo": "rinna/japanese-gpt-neox-3.6b-instruction-sft"},
        ],
    },
    {
        "entry_repo": None,
        "entry_name": "日本語ニュースXLNet",
        "after": None,
        "variants": [
            {
                "label": {"ja": "非公式の HuggingFace 向け変換版", "en": "unofficial conversion for HuggingFace"},
                "repo": "hajime9652/xlnet-japanese",
            }
        ],
    },
]


def repos_of_2023(readme: Path) -> list[str]:
    found: list[str] = []
    for url in re.findall(r"\]\((https://huggingface\.co/[^)\s]+)\)", readme.read_text(encoding="utf-8")):
        repo = hf_repo(url)
        if repo and repo not in found:
            found.append(repo)
    return found


def main(sources: Path, out: Path) -> int:
    import_list(
        sources / "2026-08-22" / "README.md", {"en": sources / "2026-08-22" / "en" / "README.md"}, out, force=True
    )
    catalog = Catalog.load(out)

    def save(entry_id: str, mutate) -> None:
        path = out / f"{entry_id}.toml"
        data, _ = read_toml(path)
        mutate(data)
        atomic_write(path, dumps(data))

    by_repo = {r.lower(): e.id for e in catalog.entries.values() for r in catalog.repos(e)}
    for addition in ADDITIONS:
        if addition["entry_repo"]:
            entry_id = by_repo[addition["entry_repo"].lower()]
        else:
            entry_id = next(e.id for e in catalog.entries.values() if e.data.name == addition["entry_name"] or (isinstance(e.data.name, dict) and e.data.name.get("ja") == addition["entry_name"]))

        def add(data: dict, addition=addition) -> None:
            variants = data.setdefault("variants", [])
            index = len(variants)
            if addition["after"]:
                index = next(i for i, v in enumerate(variants) if v.get("repo") == addition["after"]) + 1
            variants[index:index] = addition["variants"]

        save(entry_id, add)

    catalog = Catalog.load(out)
    have = {r.lower() for e in catalog.entries.values() for r in catalog.repos(e)}
    for repo in repos_of_2023(sources / "2023-10-21" / "README.md"):
        owner, name = repo.split("/", 1)
        if repo.lower() in have or owner not in RENAMED_OWNERS:
            continue
        renamed = f"{RENAMED_OWNERS[owner]}/{name}".lower()
        for entry in catalog.entries.values():
            for index, variant in enumerate(entry.data.variants):
                if variant.repo and variant.repo.lower() == renamed:

                    def alias(data: dict, index=index, repo=repo) -> None:
                        aliases = data["variants"][index].setdefault("aliases", [])
                        if repo not in aliases:
                            aliases.append(repo)

                    save(entry.id, alias)
    catalog = Catalog.load(out)
    have = {r.lower() for e in catalog.entries.values() for r in catalog.repos(e)}
    missing = [r for r in repos_of_2023(sources / "2023-10-21" / "README.md") if r.lower() not in have]
    if missing:
        print("still missing from the catalog: " + ", ".join(missing), file=sys.stderr)
        return 1
    print(f"{out}: {len(catalog.entries)} entries; all 2023 repos covered")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
