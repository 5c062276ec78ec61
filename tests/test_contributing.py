"""CONTRIBUTING.md and CONTRIBUTING.ja.md: the field reference covers every schema field and is current,
and the example entry is valid."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from ja_llm import fieldref
from ja_llm.catalog.load import collect
from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps
from ja_llm.fieldref import END, FIELD_DOCS, MODELS, START, UNDOCUMENTED, render_field_reference, update_document
from ja_llm.model import schema
from ja_llm.model.schema import Entry

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {"en": ROOT / "CONTRIBUTING.md", "ja": ROOT / "CONTRIBUTING.ja.md"}
REGENERATE = "regenerate with `.venv/bin/python -m ja_llm.fieldref`"


def _schema_models() -> list[type[BaseModel]]:
    """Every pydantic model with fields defined in schema.py, except the file wrappers (`…File`)."""
    return [
        value
        for name, value in vars(schema).items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == schema.__name__
        and value.model_fields
        and not name.endswith("File")
    ]


def _generated(text: str) -> str:
    return text[text.index(START) + len(START) : text.index(END)]


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


# --- FIELD_DOCS and MODELS cover the schema -------------------------------------------------------------


def test_every_schema_model_is_documented_in_models() -> None:
    documented = {item.model for item in MODELS}
    missing = [model.__name__ for model in _schema_models() if model not in documented]
    assert not missing, f"schema models missing from fieldref.MODELS: {missing}"
    assert {m.__name__ for m in _schema_models()} >= {
        "ListInfo",
        "Section",
        "Column",
        "Organization",
        "License",
        "Footnote",
        "Entry",
        "Variant",
        "LicenseRef",
        "HfAvailability",
    }


def test_every_field_has_a_description_in_both_languages() -> None:
    problems = []
    for item in MODELS:
        docs = FIELD_DOCS.get(item.model.__name__, {})
        for name in item.model.model_fields:
            for lang in ("ja", "en"):
                if not docs.get(name, {}).get(lang, "").strip():
                    problems.append(f"{item.model.__name__}.{name} ({lang})")
    assert not problems, f"fields without a description in fieldref.FIELD_DOCS: {problems}"
    assert fieldref.missing_docs() == []


def test_no_description_is_left_for_a_field_that_no_longer_exists() -> None:
    assert fieldref.stale_docs() == []


def test_every_model_has_a_title_and_a_file_in_both_languages() -> None:
    for item in MODELS:
        for lang in ("ja", "en"):
            assert item.title.get(lang, "").strip(), item.model.__name__
            file = item.file.get(lang, "") if isinstance(item.file, dict) else item.file
            assert file.strip(), item.model.__name__


# --- the documents are current ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_contributing_document_is_current(lang: str) -> None:
    path = DOCUMENTS[lang]
    text = path.read_text(encoding="utf-8")
    assert START in text and END in text, f"{path.name} lost its field-reference markers"
    assert update_document(text, lang) == text, f"{path.name}: the field reference is out of date; {REGENERATE}"
    assert UNDOCUMENTED not in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_field_appears_in_the_generated_section(lang: str) -> None:
    section = _generated(DOCUMENTS[lang].read_text(encoding="utf-8"))
    for item in MODELS:
        assert f"`{item.model.__name__}`" in section
        for name in item.model.model_fields:
            assert f"| `{name}` |" in section, f"{item.model.__name__}.{name} missing from {DOCUMENTS[lang].name}"


def test_the_reference_is_a_table_per_model_in_schema_field_order() -> None:
    text = render_field_reference("en")
    for item in MODELS:
        heading = f"#### {item.title['en']}: `{item.model.__name__}`"
        assert heading in text
        block = text.split(heading, 1)[1].split("\n#### ", 1)[0]
        rows = [line for line in block.splitlines() if line.startswith("| `")]
        assert [row.split("`")[1] for row in rows] == list(item.model.model_fields)
        for row in rows:
            assert len(row.replace("\\|", "").split("|")) == 6, row  # 4 cells, no stray pipe
    assert "| `section` | id | yes |" in text
    assert "| `variants_style` | `parens`, `lines`, `link` | no (default `parens`) |" in text
    assert "| `commercial` | `yes`, `no`, `conditional`, `unknown` | yes |" in text
    assert "| `name` | text | yes |" in text
    assert "| `variants` | list[Variant] | no |" in text


# --- a new field without a description is caught ---------------------------------------------------------


def test_a_field_added_to_a_model_shows_up_undocumented() -> None:
    class EntryWithNewField(Entry):
        new_field: int | None = None

    models = [item for item in MODELS if item.model is not Entry]
    models.append(fieldref.ModelDoc({"ja": "エントリ", "en": "Entry"}, "`models/<org>/<slug>.toml`", EntryWithNewField))
    for lang in ("ja", "en"):
        text = render_field_reference(lang, models)
        rows = [line for line in text.splitlines() if line.startswith("| `new_field` |")]
        assert len(rows) == 1
        assert rows[0].endswith(f"| {UNDOCUMENTED} |")
        assert "int" in rows[0]
        # the inherited fields keep their descriptions
        assert text.count(UNDOCUMENTED) == 1
    assert fieldref.missing_docs(models) == ["EntryWithNewField.new_field (ja)", "EntryWithNewField.new_field (en)"]
    assert fieldref.missing_docs() == []


def test_a_stale_document_is_detected_and_updated() -> None:
    text = DOCUMENTS["en"].read_text(encoding="utf-8")
    stale = text.replace("| `venue` |", "| `old_venue` |", 1)
    assert stale != text
    assert update_document(stale, "en") == text


def test_update_document_needs_the_markers() -> None:
    with pytest.raises(ValueError):
        update_document("# no markers here\n", "en")
    with pytest.raises(ValueError):
        update_document(f"{START}\n", "en")
    with pytest.raises(ValueError):
        update_document(f"{END}\n{START}\n", "en")
    filled = update_document(f"before\n{START}\nold\n{END}\nafter\n", "ja")
    assert filled.startswith(f"before\n{START}\n") and filled.endswith(f"{END}\nafter\n")
    assert "old" not in filled and "#### " in filled
    assert update_document(filled, "ja") == filled


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError):
        render_field_reference("xx")


# --- the example entry -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_example_entry_validates_against_the_schema(lang: str) -> None:
    blocks = _toml_blocks(DOCUMENTS[lang].read_text(encoding="utf-8"))
    assert blocks, f"{DOCUMENTS[lang].name} has no ```toml block"
    data = tomllib.loads(blocks[0])
    entry = Entry.model_validate(data)
    assert entry.variants and entry.licenses
    assert dumps(data) == blocks[0], "the example is not in the canonical file form"


def test_both_documents_show_the_same_example() -> None:
    assert (
        _toml_blocks(DOCUMENTS["en"].read_text(encoding="utf-8"))[:2]
        == _toml_blocks(DOCUMENTS["ja"].read_text(encoding="utf-8"))[:2]
    )


def test_example_entry_validates_in_the_shipped_catalog(tmp_path: Path) -> None:
    """The example entry plus the organization block it shows make a catalog without errors."""
    entry_block, organization_block = _toml_blocks(DOCUMENTS["en"].read_text(encoding="utf-8"))[:2]
    root = tmp_path / "data"
    shutil.copytree(shipped_catalog(), root)
    organizations = root / "organizations.toml"
    organizations.write_text(organizations.read_text(encoding="utf-8") + "\n" + organization_block, encoding="utf-8")
    org = tomllib.loads(organization_block)["organization"][0]["id"]
    (root / "models" / org).mkdir()
    (root / "models" / org / "example-lm.toml").write_text(entry_block, encoding="utf-8")
    catalog, problems = collect(root)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert [str(p) for p in problems if "example-lm" in p.path] == []
    assert catalog is not None
    assert catalog.entry(f"{org}/example-lm").data.name == "Example-LM"
