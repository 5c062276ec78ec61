"""Derive per-variant facts of the shipped catalog from the texts it already holds, with the importer's own
rules (kept so that the step can be reviewed and repeated; from then on the TOML files are edited):

- the context length of each variant from the entry's `context` text (`7b, 13b: 4,096<br>70b: 8,192`);
- the size of each variant whose entry states none, from its label or repo name (`ruri-v3-30m`);
- the license of each variant that a scoped license or a note names (`instructモデル: CC BY-NC-SA 4.0`,
  `(NC モデルは CC BY-NC 4.0)`);
- `uncertain = true` for a license the list marks `(?)` (it was kept as a note).

    python scripts/derive_variant_facts.py [CATALOG_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps, read_toml
from ja_llm.files import atomic_write
from ja_llm.importer.build import Registry, load_license_registry
from ja_llm.importer.variant_facts import bind_variant_contexts, bind_variant_licenses, bind_variant_sizes


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shipped_catalog()
    languages = read_toml(root / "catalog.toml")[0]["languages"]
    lang = languages[0]
    registry = Registry(languages, load_license_registry(root))
    changed = 0
    for path in sorted((root / "models").rglob("*.toml")):
        data, text = read_toml(path)
        for ref in data.get("licenses", []):
            if ref.get("note") == "(?)":
                del ref["note"]
                ref["uncertain"] = True
        bind_variant_contexts(data, lang)
        bind_variant_sizes(data, lang)
        bind_variant_licenses(data, lang, registry.license_id)
        new = dumps(data)
        if new != text:
            atomic_write(path, new)
            changed += 1
            print(f"{path.relative_to(root)}")
    print(f"{changed} entries changed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
