"""The rendered Markdown cannot be injected: a catalog text with a line break and `# X`, a name that closes
its link early, raw HTML or a pipe stays inside its heading, link, list item or cell. Checked by parsing the
rendered list with a CommonMark parser and counting what it holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from ja_llm.api import Catalog
from ja_llm.catalog.toml import dumps, read_toml
from ja_llm.render.markdown import render_markdown

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"
EVIL = "https://evil.example/"


def _edit(path: Path, change: dict[str, object]) -> None:
    data, _ = read_toml(path)
    data.update(change)
    path.write_text(dumps(data), encoding="utf-8")


@pytest.fixture
def hostile(tmp_path: Path) -> Catalog:
    root = tmp_path / "敵対的"
    shutil.copytree(MINI, root)
    sections, _ = read_toml(root / "sections.toml")
    sections["section"][1]["title"] = {"ja": "汎用\n# 注入された見出し", "en": "General\n\n# Injected heading"}
    (root / "sections.toml").write_text(dumps(sections), encoding="utf-8")
    orgs, _ = read_toml(root / "organizations.toml")
    orgs["organization"][0]["name"] = {"ja": "アクメ\n- 注入", "en": "Acme\n\n- injected item"}
    (root / "organizations.toml").write_text(dumps(orgs), encoding="utf-8")
    _edit(
        root / "models" / "acme" / "alpha.toml",
        {
            "name": f"x]({EVIL}) [y",
            "architecture": "<script>alert(1)</script> | <img src=x onerror=alert(1)> <!-- c --> Llama<br>MoE",
        },
    )
    return Catalog.load(root)


def _tokens(text: str) -> list:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    flat = []
    for token in parser.parse(text):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_hostile_texts_stay_in_their_place(hostile: Catalog, lang: str) -> None:
    text = render_markdown(hostile, lang)
    tokens = _tokens(text)
    headings = [t for t in tokens if t.type == "heading_open"]
    # the title and one heading per section: nothing injected
    assert len(headings) == 1 + len(hostile.sections), [t.map for t in headings]
    hrefs = [t.attrs.get("href") for t in tokens if t.type == "link_open"]
    assert EVIL not in hrefs
    html = [t.content.strip() for t in tokens if t.type in ("html_inline", "html_block")]
    allowed = {"<br>"} | {f'<a id="{s}"></a>' for s in hostile.sections} | {"</a>"}
    assert [h for h in html if h not in allowed and not h.startswith('<a id="')] == []
    assert "<script>" not in text
    # the table keeps its columns: the pipe of the architecture text is escaped
    rows = [line for line in text.splitlines() if line.startswith("| ") and "alert" in line]
    assert len(rows) == 1
    assert "\\|" in rows[0]
    # the table of contents has one item per section and no other list item was injected
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == len(hostile.sections)


def test_private_use_and_unassigned_characters_pass_every_stage(tmp_path: Path) -> None:
    """Characters a font lacks (private use, the last planes, a right-to-left override) in names and texts:
    validate passes them, and render, build and search handle them (a fuzzing pass once saw build crash)."""
    from click.testing import CliRunner

    from ja_llm.cli import main

    root = tmp_path / "私用"
    shutil.copytree(MINI, root)
    odd = "\ue000\U000f0001\U0010fffd\u202e"
    _edit(root / "models" / "acme" / "alpha.toml", {"name": f"Al{odd}pha", "architecture": f"Llama{odd}"})
    orgs, _ = read_toml(root / "organizations.toml")
    orgs["organization"][0]["name"] = {"ja": f"アクメ{odd}", "en": f"Acme{odd}"}
    (root / "organizations.toml").write_text(dumps(orgs), encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["validate", "--strict"],
        ["render", "--lang", "en", "--out", str(tmp_path / "list.md")],
        ["build", "--out", str(tmp_path / "build")],
        ["search", "al", "--json"],
        ["show", "alpha"],
    ):
        result = runner.invoke(main, [*args, "--data", str(root)])
        assert result.exit_code == 0, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert odd in (tmp_path / "build" / "site" / "models" / "acme" / "alpha" / "index.html").read_text(encoding="utf-8")
