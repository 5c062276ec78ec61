"""Unit tests of the importer's cell parsers, document reader and whole import, on real README rows.

Every cell literal below is copied verbatim from a row of the awesome-japanese-llm READMEs kept in
tests/data/sources; `test_cells_are_verbatim_from_real_rows` checks that they still are.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from ja_llm.errors import SizeError
from ja_llm.importer import cells as C
from ja_llm.importer import import_list
from ja_llm.importer.document import parse_document
from ja_llm.model.inline import split_br
from ja_llm.model.sizes import Size, experts_product, parse_size

SOURCES = Path(__file__).parent / "data" / "sources"
JA_2026 = SOURCES / "2026-08-22" / "README.md"
EN_2026 = SOURCES / "2026-08-22" / "en" / "README.md"
JA_2023 = SOURCES / "2023-10-21" / "README.md"
EN_2023 = SOURCES / "2023-10-21" / "README_en.md"
ALL_SOURCES = (JA_2026, EN_2026, JA_2023, EN_2023)

# --- real cells -------------------------------------------------------------------------------------------

# name cells
NAME_PLAIN = "[Sarashina2-8x70B](https://www.sbintuitions.co.jp/news/press/20241108_01/)"
NAME_WITH_VARIANTS = (
    "[LEIA-Swallow-13B](https://www.ousia.jp/news/leia)<br>([13b](https://huggingface.co/leia-llm/Leia-Swallow-13b))"
)
NAME_SWALLOW = (
    "[Llama 3.3 Swallow 70B](https://swallow-llm.github.io/llama3.3-swallow.ja.html)"
    "<br>([70B-v0.4](https://huggingface.co/tokyotech-llm/Llama-3.3-Swallow-70B-v0.4), "
    "[70B-Instruct-v0.4](https://huggingface.co/tokyotech-llm/Llama-3.3-Swallow-70B-Instruct-v0.4))"
)
NAME_KANA_WHISPER = (
    "[Kana-Whisper](https://huggingface.co/sbintuitions/kana-whisper)[^26]"
    "<br>([kana-whisper](https://huggingface.co/sbintuitions/kana-whisper))"
)
NAME_ANCHOR = '<a id="llm-jp-eval"></a> [llm-jp-eval](https://github.com/llm-jp/llm-jp-eval)'
NAME_MU_KINDAI_2 = (
    "[MU-Kindai/SBERT-JSNLI-base](https://huggingface.co/MU-Kindai/SBERT-JSNLI-base)"
    "<br>[MU-Kindai/SBERT-JSNLI-large](https://huggingface.co/MU-Kindai/SBERT-JSNLI-large)"
)
NAME_MU_KINDAI_5 = (
    "[MU-Kindai/Japanese-SimCSE-BERT-base-unsup](https://huggingface.co/MU-Kindai/Japanese-SimCSE-BERT-base-unsup)"
    "<br>[MU-Kindai/Japanese-SimCSE-BERT-large-unsup](https://huggingface.co/MU-Kindai/Japanese-SimCSE-BERT-large-unsup)"
    "<br>[MU-Kindai/Japanese-SimCSE-RoBERTa-base-unsup](https://huggingface.co/MU-Kindai/Japanese-SimCSE-RoBERTa-base-unsup)"
    "<br>[MU-Kindai/Japanese-SimCSE-BERT-base-sup](https://huggingface.co/MU-Kindai/Japanese-SimCSE-BERT-base-sup)"
    "<br>[MU-Kindai/Japanese-SimCSE-BERT-large-sup](https://huggingface.co/MU-Kindai/Japanese-SimCSE-BERT-large-sup)"
)
NAME_BR_IN_LINK = "[Preferred Generation Benchmark<br>(pfgen-bench)](https://github.com/pfnet-research/pfgen-bench)"

# architecture cells
ARCH_172B = (
    "Llama<br>([**172b**](https://huggingface.co/llm-jp/llm-jp-3-172b), "
    "[**172b**-instruct2](https://huggingface.co/llm-jp/llm-jp-3-172b-instruct2), "
    "[**172b**-instruct3](https://huggingface.co/llm-jp/llm-jp-3-172b-instruct3))"
)
ARCH_MOE = "MoE<br>([8x70b (**465b**)](https://huggingface.co/sbintuitions/sarashina2-8x70b))"
ARCH_QWEN3_MOE = (
    "Qwen3 MoE<br>([**32b-a3b**-base](https://huggingface.co/llm-jp/llm-jp-4-32b-a3b-base), "
    "[**32b-a3b**-thinking](https://huggingface.co/llm-jp/llm-jp-4-32b-a3b-thinking), "
    "[**32b-a3b**-thinking-gguf](https://huggingface.co/llm-jp/llm-jp-4-32b-a3b-thinking-gguf))"
)
ARCH_GPT_FOOTNOTE = (
    "GPT<br>([medium](https://huggingface.co/okazaki-lab/japanese-gpt2-medium-unidic), "
    "[medium (逆方向)](https://huggingface.co/okazaki-lab/japanese-reversed-gpt2-medium-unidic)) [^3]"
)
ARCH_OPENCALM = (
    "GPT-NeoX<br>([small](https://huggingface.co/cyberagent/open-calm-small), "
    "[medium](https://huggingface.co/cyberagent/open-calm-medium), "
    "[large](https://huggingface.co/cyberagent/open-calm-large), "
    "[**1b(1.4b)**](https://huggingface.co/cyberagent/open-calm-1b), "
    "[**3b(2.7b)**](https://huggingface.co/cyberagent/open-calm-3b), "
    "[**7b(6.8b)**](https://huggingface.co/cyberagent/open-calm-7b))"
)
ARCH_INLINE_FOOTNOTE_100B = "Llama[^22]<br>([**100b**](https://huggingface.co/pfnet/plamo-100b))"
ARCH_INLINE_FOOTNOTE_13B = (
    "Llama[^1]<br>([**13b**](https://huggingface.co/pfnet/plamo-13b), "
    "[**13b**-instruct](https://huggingface.co/pfnet/plamo-13b-instruct), "
    "[**13b**-instruct-nc](https://huggingface.co/pfnet/plamo-13b-instruct-nc))"
)
ARCH_PLAIN_BERT = "BERT (base, large)"
ARCH_GLM = "GLM-4.7 (**355b-A32B**)"

# year / context
YEAR_BOLD = "**2026**"
CONTEXT_BOLD = "**65,536**"
CONTEXT_EITHER = "**4,096**<br>または<br>**8,192**"

# developers
DEV_TWO = "LLM-jp, Hugging Face"
DEV_PERSONS = (
    "個人 ([山田育矢](https://scholar.google.com/citations?user=M7YivToAAAAJ), "
    "[李凌寒](https://scholar.google.co.jp/citations?user=z9is5FAAAAAJ))"
)
DEV_BR = "東北大<br>自然言語処理研究グループ"

# licenses
LIC_APACHE = "Apache 2.0"
LIC_TWO = "Llama 3.3 Community License & Gemma Terms of Use"
LIC_SCOPES = "baseモデル: MIT<br>instructモデル: CC BY-NC-SA 4.0"
LIC_NOTE = "Apache 2.0<br>(NC モデルは CC BY-NC 4.0)"
LIC_LINK = "[独自のライセンス](https://github.com/nttcslab/japanese-dialog-transformers/blob/main/LICENSE.md)"

# hf
HF_PARENS = "◯ ([base](https://huggingface.co/EQUES/jpharma-bert-base), [large](https://huggingface.co/EQUES/jpharma-bert-large))"
HF_LINK = "[◯](https://huggingface.co/llm-jp/layoutlmv3-japanese-preview)"
HF_PARTIAL = "△"
HF_NO = "✕"
HF_NOTE = (
    "※ 非公式の HuggingFace 向けに変換されたモデルが[公開されている](https://huggingface.co/hajime9652/xlnet-japanese)"
)

REAL_CELLS = [
    NAME_PLAIN,
    NAME_WITH_VARIANTS,
    NAME_SWALLOW,
    NAME_KANA_WHISPER,
    NAME_ANCHOR,
    NAME_MU_KINDAI_2,
    NAME_MU_KINDAI_5,
    NAME_BR_IN_LINK,
    ARCH_172B,
    ARCH_MOE,
    ARCH_QWEN3_MOE,
    ARCH_GPT_FOOTNOTE,
    ARCH_OPENCALM,
    ARCH_INLINE_FOOTNOTE_100B,
    ARCH_INLINE_FOOTNOTE_13B,
    ARCH_PLAIN_BERT,
    ARCH_GLM,
    YEAR_BOLD,
    CONTEXT_BOLD,
    CONTEXT_EITHER,
    DEV_TWO,
    DEV_PERSONS,
    DEV_BR,
    LIC_APACHE,
    LIC_TWO,
    LIC_SCOPES,
    LIC_NOTE,
    LIC_LINK,
    HF_PARENS,
    HF_LINK,
    HF_PARTIAL,
    HF_NO,
    HF_NOTE,
]


@cache
def _doc(path: Path):
    # a translation's `@/` includes resolve in the list's tree: the folder of the snapshot's main README
    snapshot = next(folder for folder in path.parents if folder.parent == SOURCES)
    return parse_document(path, snapshot)


@cache
def _all_real_cells() -> frozenset[str]:
    return frozenset(cell for path in ALL_SOURCES for s in _doc(path).sections for row in s.rows for cell in row.cells)


@pytest.mark.parametrize("cell", REAL_CELLS)
def test_cells_are_verbatim_from_real_rows(cell: str) -> None:
    assert cell in _all_real_cells(), f"not a cell of any source README row: {cell!r}"


@pytest.mark.parametrize("text", ["1b(1.4b)", "8x70b (465b)", "355b-A32B", "32b-a3b", "xl(1.5b)", "7b(6.8b)", "100m"])
def test_size_texts_occur_in_the_sources(text: str) -> None:
    # size texts appear inside cells, mostly in bold (`8x70b (**465b**)` has its bold on the part)
    haystack = "".join(p.read_text(encoding="utf-8") for p in ALL_SOURCES).replace("**", "")
    assert text in haystack


# --- name cells ---------------------------------------------------------------------------------------------


def test_name_single_link() -> None:
    name = C.parse_name(NAME_PLAIN)
    assert name.name == "Sarashina2-8x70B"
    assert name.url == "https://www.sbintuitions.co.jp/news/press/20241108_01/"
    assert name.anchor is None
    assert name.footnotes == []
    assert name.variants is None


def test_name_with_variant_links() -> None:
    name = C.parse_name(NAME_WITH_VARIANTS)
    assert name.name == "LEIA-Swallow-13B"
    assert name.url == "https://www.ousia.jp/news/leia"
    assert name.variants is not None
    assert name.variants.style == "parens"
    [variant] = name.variants.variants
    assert variant.label == "13b"
    assert variant.size == "13b"
    assert variant.repo == "leia-llm/Leia-Swallow-13b"
    assert variant.url is None  # the canonical HF URL is implied by the repo


def test_name_with_several_variant_links() -> None:
    name = C.parse_name(NAME_SWALLOW)
    assert name.name == "Llama 3.3 Swallow 70B"
    assert name.url == "https://swallow-llm.github.io/llama3.3-swallow.ja.html"
    assert name.variants is not None
    assert [v.label for v in name.variants.variants] == ["70B-v0.4", "70B-Instruct-v0.4"]
    assert [v.repo for v in name.variants.variants] == [
        "tokyotech-llm/Llama-3.3-Swallow-70B-v0.4",
        "tokyotech-llm/Llama-3.3-Swallow-70B-Instruct-v0.4",
    ]
    # a label that merely starts with a size is sized too
    assert [v.size for v in name.variants.variants] == ["70B", "70B"]


def test_name_with_trailing_footnote_and_variants() -> None:
    name = C.parse_name(NAME_KANA_WHISPER)
    assert name.name == "Kana-Whisper"
    assert name.url == "https://huggingface.co/sbintuitions/kana-whisper"
    assert name.footnotes == ["26"]
    assert name.variants is not None
    assert [v.repo for v in name.variants.variants] == ["sbintuitions/kana-whisper"]


def test_name_with_leading_anchor() -> None:
    name = C.parse_name(NAME_ANCHOR)
    assert name.anchor == "llm-jp-eval"
    assert name.name == "llm-jp-eval"
    assert name.url == "https://github.com/llm-jp/llm-jp-eval"
    assert "<a" not in name.name


@pytest.mark.parametrize(("cell", "count"), [(NAME_MU_KINDAI_2, 2), (NAME_MU_KINDAI_5, 5)])
def test_name_of_several_links_on_lines(cell: str, count: int) -> None:
    name = C.parse_name(cell)
    assert name.variants is not None
    assert name.variants.style == "lines"
    assert name.variants.text is None
    assert len(name.variants.variants) == count
    labels = [v.label for v in name.variants.variants]
    repos = [v.repo for v in name.variants.variants]
    assert labels == repos  # each line is `[owner/name](https://huggingface.co/owner/name)`
    assert all(repo.startswith("MU-Kindai/") for repo in repos)
    # the entry is named by its first line
    assert name.name == labels[0]
    assert name.url is None


def test_name_link_text_with_br() -> None:
    name = C.parse_name(NAME_BR_IN_LINK)
    assert name.name == "Preferred Generation Benchmark<br>(pfgen-bench)"
    assert name.url == "https://github.com/pfnet-research/pfgen-bench"
    # the <br> inside the link text does not split the cell into "lines"
    assert name.variants is None


# --- architecture cells ---------------------------------------------------------------------------------------


def test_architecture_bold_size_variants() -> None:
    cell = C.split_variants(ARCH_172B)
    assert cell is not None
    assert cell.style == "parens"
    assert cell.text == "Llama"
    assert cell.footnotes == []
    labels = [v.label for v in cell.variants]
    assert labels == ["**172b**", "**172b**-instruct2", "**172b**-instruct3"]  # as written; the size is a fact
    second = cell.variants[1]
    assert second.label == "**172b**-instruct2"
    assert second.size == "172b"
    assert second.repo == "llm-jp/llm-jp-3-172b-instruct2"
    assert second.url is None


def test_architecture_moe_size_in_parentheses() -> None:
    cell = C.split_variants(ARCH_MOE)
    assert cell is not None
    assert cell.text == "MoE"
    [variant] = cell.variants
    assert variant.label == "8x70b (**465b**)"
    assert variant.size == "465b"
    assert variant.repo == "sbintuitions/sarashina2-8x70b"
    assert parse_size(variant.size).total == pytest.approx(465e9)


def test_architecture_active_params_size() -> None:
    cell = C.split_variants(ARCH_QWEN3_MOE)
    assert cell is not None
    assert cell.text == "Qwen3 MoE"
    assert [v.size for v in cell.variants] == ["32b-a3b"] * 3
    assert cell.variants[0].label == "**32b-a3b**-base"
    assert cell.variants[0].repo == "llm-jp/llm-jp-4-32b-a3b-base"
    size = parse_size(cell.variants[0].size)
    assert size.total == pytest.approx(32e9)
    assert size.active == pytest.approx(3e9)


def test_architecture_trailing_footnote_after_variants() -> None:
    cell = C.split_variants(ARCH_GPT_FOOTNOTE)
    assert cell is not None
    assert cell.text == "GPT"
    assert cell.footnotes == ["3"]
    assert [v.label for v in cell.variants] == ["medium", "medium (逆方向)"]
    assert [v.size for v in cell.variants] == [None, None]  # "medium" is a label, not a size
    assert [v.repo for v in cell.variants] == [
        "okazaki-lab/japanese-gpt2-medium-unidic",
        "okazaki-lab/japanese-reversed-gpt2-medium-unidic",
    ]


def test_architecture_named_sizes_with_exact_counts() -> None:
    cell = C.split_variants(ARCH_OPENCALM)
    assert cell is not None
    assert cell.text == "GPT-NeoX"
    assert [v.size for v in cell.variants] == [None, None, None, "1b(1.4b)", "3b(2.7b)", "7b(6.8b)"]
    assert [v.label for v in cell.variants][:3] == ["small", "medium", "large"]
    assert parse_size(cell.variants[3].size).total == pytest.approx(1.4e9)


@pytest.mark.parametrize(
    ("cell", "note", "repo"),
    [
        (ARCH_INLINE_FOOTNOTE_100B, "Llama[^22]", "pfnet/plamo-100b"),
        (ARCH_INLINE_FOOTNOTE_13B, "Llama[^1]", "pfnet/plamo-13b"),
    ],
)
def test_architecture_text_with_inline_footnote(cell: str, note: str, repo: str) -> None:
    parsed = C.split_variants(cell)
    assert parsed is not None
    assert parsed.text == note
    assert parsed.variants[0].repo == repo


def test_architecture_labels_without_links_stay_text() -> None:
    assert C.split_variants(ARCH_PLAIN_BERT) is None
    assert C.split_variants(ARCH_GLM) is None  # a size in parentheses, but no link


# --- sizes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "total", "active"),
    [
        ("1b(1.4b)", 1.4e9, None),
        ("8x70b (465b)", 465e9, None),
        ("355b-A32B", 355e9, 32e9),
        ("32b-a3b", 32e9, 3e9),
        ("xl(1.5b)", 1.5e9, None),
        ("110m", 110e6, None),
        ("100m", 100e6, None),
        ("7b(6.8b)", 6.8e9, None),
        ("8x70b", 560e9, None),
    ],
)
def test_parse_size(text: str, total: float, active: float | None) -> None:
    size = parse_size(text)
    assert size.total == pytest.approx(total)
    if active is None:
        assert size.active is None
    else:
        assert size.active == pytest.approx(active)


@pytest.mark.parametrize("text", ["small", "7bb", "base", "", "large-v3-turbo"])
def test_parse_size_rejects_non_sizes(text: str) -> None:
    with pytest.raises(SizeError) as info:
        parse_size(text)
    assert info.value.text == text
    assert "\n" not in str(info.value)


# --- year, context ----------------------------------------------------------------------------------------------


def test_year_bold() -> None:
    assert C.parse_year(YEAR_BOLD) == 2026
    assert C.parse_year("2024") == 2024
    assert C.parse_year("不明") is None


def test_context_bold_is_exact() -> None:
    assert C.parse_context(CONTEXT_BOLD) == (65536, True)


def test_context_alternatives_take_the_largest() -> None:
    assert C.parse_context(CONTEXT_EITHER) == (8192, False)


# --- developers -------------------------------------------------------------------------------------------------


def test_developers_split_at_top_level_comma() -> None:
    assert C.split_developers(DEV_TWO) == ["LLM-jp", "Hugging Face"]


def test_developers_comma_inside_parentheses_does_not_split() -> None:
    assert C.split_developers(DEV_PERSONS) == [DEV_PERSONS]


def test_developers_br_is_one_name() -> None:
    assert C.split_developers(DEV_BR) == [DEV_BR]


# --- licenses ---------------------------------------------------------------------------------------------------


def test_license_single() -> None:
    assert C.parse_licenses(LIC_APACHE) == [C.LicensePiece("Apache 2.0")]


def test_license_two_joined_by_ampersand() -> None:
    pieces = C.parse_licenses(LIC_TWO)
    assert [p.name for p in pieces] == ["Llama 3.3 Community License", "Gemma Terms of Use"]
    assert all(p.scope is None and p.note is None for p in pieces)


def test_license_scopes_per_line() -> None:
    pieces = C.parse_licenses(LIC_SCOPES)
    assert [(p.scope, p.name) for p in pieces] == [("baseモデル", "MIT"), ("instructモデル", "CC BY-NC-SA 4.0")]


def test_license_note_line_attaches_to_previous() -> None:
    pieces = C.parse_licenses(LIC_NOTE)
    assert len(pieces) == 1
    assert pieces[0].name == "Apache 2.0"
    assert pieces[0].note == "(NC モデルは CC BY-NC 4.0)"
    assert pieces[0].scope is None


def test_license_link_stays_one_piece() -> None:
    pieces = C.parse_licenses(LIC_LINK)
    assert len(pieces) == 1
    assert pieces[0].name == LIC_LINK
    assert pieces[0].scope is None
    assert pieces[0].note is None


# --- hf cells ---------------------------------------------------------------------------------------------------


def test_hf_mark_with_variant_links() -> None:
    hf = C.parse_hf(HF_PARENS)
    assert hf.status == "yes"
    assert hf.note is None
    assert hf.variants is not None
    assert hf.variants.style == "parens"
    assert hf.variants.text is None  # the mark is the status, not a text
    assert [v.label for v in hf.variants.variants] == ["base", "large"]
    assert [v.repo for v in hf.variants.variants] == ["EQUES/jpharma-bert-base", "EQUES/jpharma-bert-large"]


def test_hf_linked_mark() -> None:
    hf = C.parse_hf(HF_LINK)
    assert hf.status == "yes"
    assert hf.variants is not None
    assert hf.variants.style == "link"
    [variant] = hf.variants.variants
    assert variant.label is None
    assert variant.repo == "llm-jp/layoutlmv3-japanese-preview"


@pytest.mark.parametrize(("cell", "status"), [(HF_PARTIAL, "partial"), (HF_NO, "no")])
def test_hf_bare_marks(cell: str, status: str) -> None:
    hf = C.parse_hf(cell)
    assert hf.status == status
    assert hf.note is None
    assert hf.variants is None


def test_hf_free_text_is_a_note() -> None:
    hf = C.parse_hf(HF_NOTE)
    assert hf.status is None
    assert hf.note == HF_NOTE
    assert hf.variants is None


def test_hf_empty() -> None:
    hf = C.parse_hf("")
    assert hf.status is None
    assert hf.note is None
    assert hf.variants is None


# --- hf_repo ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://huggingface.co/sbintuitions/sarashina2-8x70b", "sbintuitions/sarashina2-8x70b"),
        ("https://huggingface.co/tokyotech-llm/Llama-3.3-Swallow-70B-v0.4", "tokyotech-llm/Llama-3.3-Swallow-70B-v0.4"),
        ("https://huggingface.co/datasets/llm-jp/Jagle", None),
        ("https://huggingface.co/spaces/llm-jp/open-japanese-llm-leaderboard-v2", None),
        ("https://huggingface.co/collections/tohoku-nlp/bybert-jp-68ca50cd4ea72d6d6b348fcd", None),
        ("https://huggingface.co/blog/nvidia/nemotron-nano-9b-v2-japanese-ja", None),
        ("https://github.com/llm-jp/llm-jp-eval", None),
    ],
)
def test_hf_repo(url: str, repo: str | None) -> None:
    assert C.hf_repo(url) == repo


# --- document level ---------------------------------------------------------------------------------------------


def _section(doc, anchor: str):
    matches = [s for s in doc.sections if s.anchor == anchor]
    assert len(matches) == 1, f"no single section with anchor {anchor!r}"
    return matches[0]


@pytest.mark.parametrize("path", [JA_2026, EN_2026])
def test_document_2026_row_count(path: Path) -> None:
    doc = _doc(path)
    assert sum(len(s.rows) for s in doc.sections) == 531
    assert doc.row_count == 531
    assert doc.skipped == []


def test_document_2026_sections_and_anchors() -> None:
    doc = _doc(JA_2026)
    anchors = {s.anchor for s in doc.sections}
    assert {"generative-scratch-general", "reference", "reference-training"} <= anchors
    general = _section(doc, "generative-scratch-general")
    assert general.layout == "table"
    assert general.title == "汎用"
    assert general.headers[1:3] == ["公開年", "アーキテクチャ"]
    assert len(general.rows) == 58
    first = general.rows[0]
    assert first.cells[0] == NAME_PLAIN
    assert first.line == 41


def test_document_2026_includes_are_expanded() -> None:
    doc = _doc(JA_2026)
    reference = _section(doc, "reference")
    assert reference.layout == "table"
    assert len(reference.rows) == 99
    assert all("parts/references_model.md" in row.origin.file for row in reference.rows)
    assert reference.rows[0].cells[0] == "Transformer"
    assert reference.rows[0].origin.line == 3  # the line in the included file
    training = _section(doc, "reference-training")
    assert len(training.rows) == 10
    assert all("parts/references_training.md" in row.origin.file for row in training.rows)


def test_document_included_rows_point_at_the_include_directive() -> None:
    lines = JA_2026.read_text(encoding="utf-8").split("\n")
    directive = lines.index("<!--@include: @/parts/references_model.md-->") + 1
    assert directive == 708
    reference = _section(_doc(JA_2026), "reference")
    assert {row.line for row in reference.rows} == {directive}


def test_document_footnotes_are_read() -> None:
    doc = _doc(JA_2026)
    assert "22" in doc.footnotes
    assert doc.footnotes["22"].startswith("一部アーキテクチャの変更を加えている")
    assert "https://tech.preferred.jp/ja/blog/plamo-100b/" in doc.footnotes["22"]
    assert len(doc.footnotes) == 29
    assert len(_doc(JA_2023).footnotes) == 11


def test_document_2023_benchmark_lists() -> None:
    doc = _doc(JA_2023)
    assert sum(len(s.rows) for s in doc.sections) == 118
    lists = [s for s in doc.sections if s.layout == "list"]
    assert [len(s.rows) for s in lists] == [3, 2]
    assert all(row.kind == "item" and row.cells for s in lists for row in s.rows)
    # the table of contents is navigation, not a list of content
    assert doc.sections[0].layout == "text"


# --- whole import -------------------------------------------------------------------------------------------------

TOP_FILES = ("catalog.toml", "sections.toml", "organizations.toml", "licenses.toml", "footnotes.toml")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    base = tmp_path_factory.mktemp("import")
    results = {}
    for key, src, en in (("2026", JA_2026, EN_2026), ("2023", JA_2023, EN_2023)):
        out = base / f"カタログ {key}" / "出力"
        out.parent.mkdir()
        results[key] = (import_list(src, {"en": en}, out), out)
    return results


def _entry_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.toml") if p.parent != out]


def _find_entry(out: Path, needle: str) -> list[Path]:
    return [p for p in _entry_files(out) if needle in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("key", ["2026", "2023"])
def test_import_counts(imported, key: str) -> None:
    result, _ = imported[key]
    # every row of the shipped sources imports: none skipped, none lost
    total = 531 if key == "2026" else 118
    assert (result.rows_total, result.rows_imported, result.skipped, result.entries) == (total, total, [], total)


@pytest.mark.parametrize("key", ["2026", "2023"])
def test_import_writes_the_catalog_files(imported, key: str) -> None:
    result, out = imported[key]
    assert out.is_dir()
    for name in TOP_FILES:
        path = out / name
        assert path.is_file(), name
        tomllib.loads(path.read_text(encoding="utf-8"))  # valid TOML
    entries = _entry_files(out)
    assert any(p.relative_to(out).parts[0] == "models" for p in entries)
    assert len(entries) == result.entries
    for path in entries:
        tomllib.loads(path.read_text(encoding="utf-8"))
    # no staging or backup folder is left next to the output
    assert [p.name for p in out.parent.iterdir()] == [out.name]


@pytest.mark.parametrize(("key", "repo"), [("2026", "sbintuitions/sarashina2-8x70b"), ("2023", "pfnet/plamo-13b")])
def test_import_known_repo(imported, key: str, repo: str) -> None:
    _, out = imported[key]
    found = _find_entry(out, f'repo = "{repo}"')
    assert found, f"no entry with repo {repo}"
    data = tomllib.loads(found[0].read_text(encoding="utf-8"))
    assert repo in [v.get("repo") for v in data["variants"]]


def test_import_2026_sarashina_entry(imported) -> None:
    _, out = imported["2026"]
    [path] = _find_entry(out, 'repo = "sbintuitions/sarashina2-8x70b"')
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == "Sarashina2-8x70B"
    assert data["section"] == "generative-scratch-general"
    assert data["year"] == 2024
    assert data["context_length"] == 8192
    assert data["architecture"] == "MoE"
    assert data["variants"] == [{"label": "8x70b (**465b**)", "size": "465b", "repo": "sbintuitions/sarashina2-8x70b"}]


def test_import_2026_english_texts(imported) -> None:
    _, out = imported["2026"]
    found = _find_entry(out, 'en = "Sparse Upcycling on Sarashina2 (70B)"')
    assert found
    data = tomllib.loads(found[0].read_text(encoding="utf-8"))
    assert data["training_data"] == {
        "ja": "Sarashina2 (70B) に対して Sparse Upcycling で学習",
        "en": "Sparse Upcycling on Sarashina2 (70B)",
    }
    catalog = tomllib.loads((out / "catalog.toml").read_text(encoding="utf-8"))
    assert catalog["languages"] == ["ja", "en"]


def test_import_2023_english_texts(imported) -> None:
    _, out = imported["2023"]
    [path] = _find_entry(out, 'repo = "pfnet/plamo-13b"')
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data["training_data"], dict)
    assert "Japanese Wikipedia" in data["training_data"]["en"]
    assert "日本語 Wikipedia" in data["training_data"]["ja"]


def test_import_2026_footnotes_and_sections(imported) -> None:
    _, out = imported["2026"]
    footnotes = tomllib.loads((out / "footnotes.toml").read_text(encoding="utf-8"))["footnote"]
    by_id = {f["id"]: f["text"] for f in footnotes}
    assert "22" in by_id
    sections = tomllib.loads((out / "sections.toml").read_text(encoding="utf-8"))["section"]
    ids = [s["id"] for s in sections]
    assert "generative-scratch-general" in ids
    reference = next(s for s in sections if s["id"] == "reference")
    assert reference["kind"] == "paper"
    papers = [p for p in _entry_files(out) if p.relative_to(out).parts[0] == "papers"]
    assert len(papers) == 99 + 10


def test_import_2026_lines_style_names(imported) -> None:
    _, out = imported["2026"]
    [path] = _find_entry(out, 'repo = "MU-Kindai/SBERT-JSNLI-large"')
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == "MU-Kindai/SBERT-JSNLI-base"
    assert data["variants_style"] == "lines"
    assert [v["repo"] for v in data["variants"]] == ["MU-Kindai/SBERT-JSNLI-base", "MU-Kindai/SBERT-JSNLI-large"]


@pytest.mark.parametrize(
    ("repo", "name", "field", "text", "notes"),
    [
        ("pfnet/plamo-100b", "PLaMo-100B-Pretrained", "architecture", "Llama[^22]", None),
        ("sbintuitions/kana-whisper", "Kana-Whisper", None, None, {"name": ["26"]}),
    ],
)
def test_import_2026_variants_after_inline_footnote(imported, repo, name, field, text, notes) -> None:
    _, out = imported["2026"]
    [path] = _find_entry(out, f'repo = "{repo}"')
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == name
    assert [v["repo"] for v in data["variants"]] == [repo]
    if field:
        assert data[field] == text
    if notes:
        assert data["footnotes"] == notes


def test_split_br_sanity() -> None:
    # the helper the parsers build on: <br> variants all split
    assert split_br("a<br>b<br/>c<BR />d") == ["a", "b", "c", "d"]


def test_a_mixture_size_with_its_active_count() -> None:
    assert parse_size("8x13b (73b-A22b)") == Size(73e9, 22e9)
    assert parse_size("9.3b-A2.9b") == Size(9.3e9, 2.9e9)
    assert experts_product("8x13b")
    assert not experts_product("8x13b (73b-A22b)")
