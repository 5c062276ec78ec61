"""Give each variant label back the markup the list writes it with (`[8x1.8b (**9.3b**)](…)` keeps its bold,
`[150m](…)` stays plain), read from the list's own links to the variant's page.

Until now a label was stored plain and the renderer put its `size` in bold, so a size the list does not bold
(`150m`, `30B-A3B-…`, sizes derived from repo names) came out bold, and a size with an active count the label
does not write (`73b-A22b`) came out plain. With the markup in the label, the size is a fact only.

    python scripts/keep_label_markup.py [CATALOG_DIR]

The sources are the copies under tests/data/sources (newest first); a label whose link is not found, or whose
text differs from the label's, is left as it is and counted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps, read_toml
from ja_llm.files import atomic_write
from ja_llm.model.inline import plain
from ja_llm.model.text import hub_url

SOURCES = Path(__file__).resolve().parent.parent / "tests" / "data" / "sources"
FILES = {
    "ja": ["2026-08-22/README.md", "2023-10-21/README.md"],
    "en": ["2026-08-22/en/README.md", "2023-10-21/README_en.md"],
}
_LINK = re.compile(r"\[((?:[^\[\]]|\\\[|\\\])+)\]\((https?://[^)\s]+)\)")


def link_texts(lang: str) -> dict[str, list[str]]:
    """URL -> the texts of the links to it, in the order of the files (newest first)."""
    found: dict[str, list[str]] = {}
    for name in FILES.get(lang, []):
        for text, url in _LINK.findall((SOURCES / name).read_text(encoding="utf-8")):
            found.setdefault(url, []).append(text.strip())
    return found


def marked(label: str, url: str | None, links: dict[str, list[str]]) -> str | None:
    for text in links.get(url or "", []):
        if "**" in text and plain(text) == plain(label):
            return text
    return None


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shipped_catalog()
    languages = read_toml(root / "catalog.toml")[0]["languages"]
    links = {lang: link_texts(lang) for lang in languages}
    changed = missed = 0
    for path in sorted(root.rglob("*.toml")):
        data, text = read_toml(path)
        for variant in data.get("variants", []) if isinstance(data, dict) else []:
            label: Any = variant.get("label")
            if label is None:
                continue
            urls = variant.get("url")
            for lang in languages:
                current = label.get(lang) if isinstance(label, dict) else label
                if current is None:
                    continue
                url = urls.get(lang) if isinstance(urls, dict) else urls
                if url is None and variant.get("repo"):
                    url = hub_url(variant["repo"])
                new = marked(current, url, links[lang])
                if new is None:
                    if not any(url in links[lang2] for lang2 in languages):
                        missed += 1
                    continue
                if isinstance(label, dict):
                    label[lang] = new
                elif lang == languages[0]:
                    label = new
            variant["label"] = label
        new_text = dumps(data)
        if new_text != text:
            atomic_write(path, new_text)
            changed += 1
    print(f"{changed} files changed; {missed} labels whose link the sources do not have", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
