"""Pairing the rows of a translation with the main README's: by links, then by content, then by position
between rows already paired; moved, added and dropped rows are paired or reported, never shifted."""

from __future__ import annotations

from pathlib import Path

from ja_llm import Catalog
from ja_llm.importer import import_list

HEADER = "| モデル | 公開年 | 開発元 |\n|:---|:---:|:---:|\n"
HEADER_FR = "| Modèle | Année de sortie | Développeur |\n|:---|:---:|:---:|\n"


def _readme(title: str, switch: str, section: str, header: str, rows: list[str]) -> str:
    return f'# {title}\n\n{switch}\n\n<a id="generative"></a>\n## {section}\n\n{header}' + "\n".join(rows) + "\n"


JA_ROWS = [
    "| [アルファ](https://example.org/alpha) | 2024 | 甲社 |",
    "| [ベータ](https://example.org/beta) | 2024 | 乙社 |",
    "| [ガンマ](https://example.org/gamma) | 2025 | 丙社 |",
    "| [デルタ](https://example.org/delta) | 2025 | 丁社 |",
    "| Epsilon-7B（リンクなし） | 2023 | 戊社 |",
    "| [ゼータ](https://example.org/zeta) | 2026 | 己社 |",
]
FR_ROWS = [
    "| [Alpha](https://example.org/alpha) | 2024 | Société A |",
    "| [Gamma](https://example.org/gamma) | 2025 | Société C |",  # moved before beta
    "| [Bêta](https://example.org/beta) | 2024 | Société B |",
    # delta dropped
    "| [Nouveau](https://example.org/new) | 2026 | Société N |",  # only in French
    "| Epsilon-7B (sans lien) | 2023 | Société E |",  # no link: paired by its content
    "| [Zêta](https://example.org/zeta) | 2026 | Société F |",
]


def test_moved_added_and_dropped_rows(tmp_path: Path) -> None:
    tree = tmp_path / "リスト"
    (tree / "fr").mkdir(parents=True)
    ja = tree / "README.md"
    fr = tree / "fr" / "README.md"
    ja.write_text(
        _readme("日本語LLMまとめ", "[ [**Français**](./fr/) | 日本語 ]", "汎用", HEADER, JA_ROWS), encoding="utf-8"
    )
    fr.write_text(
        _readme("LLM japonais", "[ [**日本語**](../) | Français ]", "Général", HEADER_FR, FR_ROWS), encoding="utf-8"
    )
    result = import_list(ja, {"fr": fr}, tmp_path / "カタログ")
    catalog = Catalog.load(tmp_path / "カタログ")
    names = {e.data.position: e.data.name for e in catalog.ordered_entries()}
    assert [n if isinstance(n, str) else n.get("fr") for n in names.values()] == [
        "Alpha",
        "Bêta",  # not shifted by the move
        "Gamma",
        None,  # delta has no French row
        "Epsilon-7B (sans lien)",
        "Zêta",
    ]
    report = result.report()["unpaired"]["fr"]
    assert {item["reason"] for item in report} == {"no fr row", "fr row with no ja row"}
    assert [item["line"] for item in report if item["reason"] == "no fr row"] == [
        ja.read_text(encoding="utf-8").splitlines().index(JA_ROWS[3]) + 1
    ]
    assert [item["line"] for item in report if item["reason"] == "fr row with no ja row"] == [
        fr.read_text(encoding="utf-8").splitlines().index(FR_ROWS[3]) + 1
    ]
    assert catalog.info.language_names == {"ja": "日本語", "fr": "Français"}
    # the French README alone is a catalog whose main language is French (told by its language switch)
    import_list(fr, {}, tmp_path / "fr-only", tree=tree)
    french = Catalog.load(tmp_path / "fr-only")
    assert french.info.languages == ["fr"]
    assert [e.data.name for e in french.ordered_entries()][:2] == ["Alpha", "Gamma"]
    assert french.sections["generative"].columns[2].key == "developer"  # French headers are known columns
