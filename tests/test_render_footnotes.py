"""Footnotes are numbered by first use, and every reference is renumbered, also one followed by a colon
(`Instruction Tuning[^11]: …` in a cell): only `[^n]:` at the start of a line is a definition."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ja_llm.api import Catalog
from ja_llm.render.markdown import render_markdown

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"


def test_a_reference_followed_by_a_colon_points_at_its_own_note(tmp_path: Path) -> None:
    root = tmp_path / "脚注"
    shutil.copytree(MINI, root)
    with (root / "footnotes.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[footnote]]\nid = "tuning"\ntext = "The note on tuning."\n')
    alpha = root / "models" / "acme" / "alpha.toml"
    text = alpha.read_text(encoding="utf-8")
    alpha.write_text(text.replace('architecture = "Llama[^1]"', 'architecture = "Tuning[^tuning]: data, Llama[^1]"'))
    rendered = render_markdown(Catalog.load(root), "en")
    cited = re.search(r"Tuning\[\^(\d+)\]: data", rendered)
    assert cited is not None, rendered
    definition = re.search(rf"^\[\^{cited.group(1)}\]: (.*)$", rendered, re.M)
    assert definition is not None
    assert definition.group(1) == "The note on tuning."
