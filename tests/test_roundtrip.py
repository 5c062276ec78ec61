"""Round trip: import an awesome-list README (+ its translations), render each language back, and check that
the rendered README carries the same information as the source (see tests/roundtrip.py for what "the same"
means), that rendering is deterministic, that the output is well-formed GFM, and that adding one entry
changes only that entry's row.

`pytest -s tests/test_roundtrip.py` prints every differing row. With JA_LLM_TEST_ARTIFACTS set to a folder,
a JSON summary of each comparison is written there.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ja_llm import Catalog, validate
from ja_llm.catalog.toml import dumps
from ja_llm.importer import import_list
from ja_llm.importer.document import _raw_cell_count
from ja_llm.model.inline import make_parser
from ja_llm.render import render_markdown

from roundtrip import Comparison, compare

DATA = Path(__file__).resolve().parent / "data" / "sources"
FILES: dict[str, dict[str, Path]] = {
    "2026-08-22": {
        "ja": DATA / "2026-08-22" / "README.md",
        "en": DATA / "2026-08-22" / "en" / "README.md",
        "fr": DATA / "2026-08-22" / "fr" / "README.md",
    },
    "2023-10-21": {"ja": DATA / "2023-10-21" / "README.md", "en": DATA / "2023-10-21" / "README_en.md"},
}
# Each import: a version of the list, its main language first, then its translations of the same date. The
# main text may be any language: the French README alone, or the English one with the others as translations
# (the English 2026 README has two rows in another order than the Japanese one).
SOURCES: dict[str, tuple[str, list[str]]] = {
    "2026-08-22": ("2026-08-22", ["ja", "en", "fr"]),
    "2023-10-21": ("2023-10-21", ["ja", "en"]),
    "2026-08-22-fr": ("2026-08-22", ["fr"]),
    "2026-08-22-en": ("2026-08-22", ["en", "ja", "fr"]),
}
CASES = [(name, lang) for name, (_, langs) in SOURCES.items() for lang in langs]
MIN_ROWS_SAME = 0.99
MIN_LINKS_KEPT = 0.99

_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:", re.MULTILINE)


@dataclass
class Imported:
    source: str
    folder: Path  # the imported catalog
    work: Path  # a folder for rendered files
    catalog: Catalog
    report: dict
    rendered: dict[str, Path] = field(default_factory=dict)  # language -> rendered README


_IMPORTED: dict[str, Imported] = {}


def _import(name: str, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """Each source imported once (into a folder with a non-ASCII name), and rendered in each language."""
    if name not in _IMPORTED:
        version, langs = SOURCES[name]
        paths = FILES[version]
        work = tmp_path_factory.mktemp("往復")
        folder = work / f"カタログ {name}"
        main, *others = langs
        result = import_list(
            paths[main], {lang: paths[lang] for lang in others}, folder, tree=paths["ja"].parent
        )  # the main language is told by the README's own language switch
        catalog = Catalog.load(folder)
        assert catalog.info.languages == langs
        data = Imported(name, folder, work, catalog, result.report())
        for lang in langs:
            target = work / f"描画-{lang}.md"
            target.write_text(render_markdown(catalog, lang), encoding="utf-8")
            data.rendered[lang] = target
        _IMPORTED[name] = data
    return _IMPORTED[name]


@pytest.fixture
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Imported, str]:
    name, lang = request.param
    return _import(name, tmp_path_factory), lang


def _write_artifact(name: str, payload: dict) -> None:
    folder = os.environ.get("JA_LLM_TEST_ARTIFACTS")
    if not folder:
        return
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- information: the rendered README says what the source says ------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[f"{n}:{lang}" for n, lang in CASES], indirect=True)
def test_rendered_readme_carries_the_source_information(case: tuple[Imported, str]) -> None:
    imported, lang = case
    source = FILES[SOURCES[imported.source][0]]
    result: Comparison = compare(source[lang], imported.rendered[lang], source["ja"].parent)
    print(f"\n=== round trip {imported.source} {lang}")
    print(result.report())
    _write_artifact(
        f"roundtrip-{imported.source}-{lang}.json",
        {
            "source": imported.source,
            "lang": lang,
            "import": {k: imported.report[k] for k in ("rows_total", "rows_imported", "entries_written")},
            **result.as_json(),
        },
    )

    assert result.rows_total > 0
    assert result.links_total > 0
    assert result.footnotes_total > 0
    assert result.sections_source == result.sections_rendered, "the rendered README has other sections with rows"
    assert result.rows_same / result.rows_total >= MIN_ROWS_SAME, result.summary()
    assert result.links_kept / result.links_total >= MIN_LINKS_KEPT, result.summary()
    assert result.footnotes_kept == result.footnotes_total, result.summary()


# --- determinism ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[f"{n}:{lang}" for n, lang in CASES], indirect=True)
def test_rendering_twice_gives_identical_bytes(case: tuple[Imported, str]) -> None:
    imported, lang = case
    first = render_markdown(imported.catalog, lang).encode("utf-8")
    second = render_markdown(imported.catalog, lang).encode("utf-8")
    reloaded = render_markdown(Catalog.load(imported.folder), lang).encode("utf-8")
    assert first == second
    assert first == reloaded
    assert first == imported.rendered[lang].read_bytes()


# --- well-formed GFM --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[f"{n}:{lang}" for n, lang in CASES], indirect=True)
def test_rendered_markdown_is_valid_gfm(case: tuple[Imported, str]) -> None:
    imported, lang = case
    text = imported.rendered[lang].read_text(encoding="utf-8")
    lines = text.split("\n")
    tokens = make_parser().parse(text, {})

    # Tables: every body row has exactly as many cells as its header. markdown-it pads short rows and
    # drops extra cells, so count the cells of the row's source line (unescaped pipes) instead.
    tables = 0
    problems: list[str] = []
    header_cells = 0
    in_head = False
    for token in tokens:
        if token.type == "table_open":
            tables += 1
            header_cells = 0
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "th_open" and in_head:
            header_cells += 1
        elif token.type == "tr_open" and not in_head:
            assert token.map is not None
            line = lines[token.map[0]]
            count = _raw_cell_count(line)
            if count != header_cells:
                problems.append(f"line {token.map[0] + 1}: {count} cells, header {header_cells}: {line[:200]}")
    assert tables > 0
    assert not problems, "\n".join(problems)

    # Footnotes: every reference has a definition, each label is defined once, and the parser sees every
    # reference as a footnote reference (not as text).
    definitions = _FOOTNOTE_DEF.findall(text)
    assert len(definitions) == len(set(definitions)), "a footnote label is defined twice"
    body = _FOOTNOTE_DEF.sub("", text)
    references = set(_FOOTNOTE_REF.findall(body))
    assert references, "no footnote reference rendered"
    assert references <= set(definitions), f"references without a definition: {sorted(references - set(definitions))}"
    parsed_refs = {
        child.meta["label"]
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "footnote_ref"
    }
    assert parsed_refs == references


# --- adding one entry changes only its row ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[f"{n}:{lang}" for n, lang in CASES], indirect=True)
def test_adding_an_entry_adds_only_its_row(case: tuple[Imported, str], tmp_path: Path) -> None:
    imported, lang = case
    folder = tmp_path / "往復カタログ"
    shutil.copytree(imported.folder, folder)
    catalog = imported.catalog
    # A table row with variants (so Hugging Face repos must stay unique) and, if any, footnotes.
    candidates = [
        e
        for e in catalog.ordered_entries()
        if catalog.sections[e.data.section].layout == "table" and any(v.repo for v in e.data.variants)
    ]
    assert candidates
    original = next((e for e in candidates if e.data.footnotes), candidates[0])
    data = tomllib.loads(original.path.read_text(encoding="utf-8"))
    section_positions = [e.data.position for e in catalog.entries.values() if e.data.section == original.data.section]
    data["position"] = max(section_positions) + 10
    names = {"ja": "往復テストモデル", "en": "Roundtrip Test Model", "fr": "Modèle de test aller-retour"}
    data["name"] = {code: names[code] for code in catalog.info.languages}
    data.pop("anchor", None)
    for index, variant in enumerate(data.get("variants", [])):
        variant.pop("aliases", None)
        if "repo" in variant:
            variant["repo"] = f"roundtrip-test/model-{index}"
        if "url" in variant and "huggingface.co" in variant["url"]:
            variant["url"] = f"https://huggingface.co/roundtrip-test/model-{index}"
    new_file = folder / Path(original.id).parent / "roundtrip-test-model.toml"
    assert not new_file.exists()
    new_file.write_text(dumps(data), encoding="utf-8")

    errors = [p for p in validate(folder) if p.severity == "error"]
    assert not errors, errors
    before = imported.rendered[lang].read_text(encoding="utf-8").splitlines()
    after = render_markdown(Catalog.load(folder), lang).splitlines()
    diff = list(difflib.unified_diff(before, after, lineterm="", n=0))
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    print("\n".join(diff))
    assert removed == []
    assert len(added) == 1, added
    row = added[0]
    assert row.startswith("| ")
    assert row.endswith(" |")
    assert names[lang] in row or "roundtrip-test/model-0" in row
    # The new row comes right after the last row of the original's section.
    index = after.index(row)
    assert after[index - 1].startswith("|")
    assert index + 1 == len(after) or not after[index + 1].startswith("|")
