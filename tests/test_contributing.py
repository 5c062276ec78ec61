"""CONTRIBUTING.md and CONTRIBUTING.ja.md: every schema field describes itself in both languages, the field
reference generated from the schema is current, and the example entry is valid."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from ja_llm.catalog.load import collect
from ja_llm.catalog.location import shipped_catalog
from ja_llm.catalog.toml import dumps
from ja_llm.model import schema
from ja_llm.model.schema import Entry
from ja_llm.render import fieldref
from ja_llm.render.fieldref import END, MODELS, START, UNDOCUMENTED, render_field_reference, update_document

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {"en": ROOT / "CONTRIBUTING.md", "ja": ROOT / "CONTRIBUTING.ja.md"}
REGENERATE = "regenerate with `.venv/bin/python -m ja_llm.render.fieldref`"


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


# --- the schema describes every field, and MODELS covers the schema -------------------------------------


def test_every_schema_model_is_in_the_reference() -> None:
    missing = [model.__name__ for model in _schema_models() if model not in MODELS]
    assert not missing, f"schema models missing from ja_llm.render.fieldref.MODELS: {missing}"
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


@pytest.mark.parametrize("model", _schema_models(), ids=lambda model: model.__name__)
def test_every_field_has_a_description_in_both_languages(model: type[BaseModel]) -> None:
    """Read straight from the fields (not through fieldref): `description` and `description_ja`."""
    problems = []
    for name, field in model.model_fields.items():
        if not (field.description or "").strip():
            problems.append(f"{model.__name__}.{name} (en)")
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        ja = extra.get("description_ja")
        if not isinstance(ja, str) or not ja.strip():
            problems.append(f"{model.__name__}.{name} (ja)")
    assert not problems, f"fields without a description in src/ja_llm/model/schema.py: {problems}"


def test_nothing_is_undocumented() -> None:
    assert fieldref.missing_docs() == []
    assert fieldref.missing_docs(_schema_models()) == []


def test_every_model_has_a_heading_and_a_file_in_both_languages() -> None:
    for model in MODELS:
        extra = model.model_config.get("json_schema_extra")
        assert isinstance(extra, dict), model.__name__
        for key in ("heading", "heading_ja", "file"):
            value = extra.get(key)
            assert isinstance(value, str), f"{model.__name__}: no {key}"
            assert value.strip(), f"{model.__name__}: empty {key}"
        for lang in ("ja", "en"):
            assert fieldref.model_doc(model, "heading", lang), model.__name__
            assert fieldref.model_doc(model, "file", lang), model.__name__


def test_the_json_schema_carries_the_descriptions() -> None:
    """The published JSON Schema: English `description` (the standard key) and `description_ja` per field."""
    json_schema = Entry.model_json_schema()
    assert json_schema["heading"] == "Entry (model, benchmark or paper)"
    assert json_schema["heading_ja"] == "エントリ（モデル・ベンチマーク・論文）"
    definitions = {"Entry": json_schema, **json_schema["$defs"]}
    assert set(definitions) == {"Entry", "Variant", "Verified", "LicenseRef", "HfAvailability"}
    for name, definition in definitions.items():
        model = getattr(schema, name)
        assert set(definition["properties"]) == set(model.model_fields)
        for field, prop in definition["properties"].items():
            assert prop["description"] == fieldref.field_doc(model, field, "en"), f"{name}.{field}"
            assert prop["description_ja"] == fieldref.field_doc(model, field, "ja"), f"{name}.{field}"
    assert json_schema["properties"]["position"]["description"].startswith("The order inside the section")


# --- the documents are current ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_contributing_document_is_current(lang: str) -> None:
    path = DOCUMENTS[lang]
    text = path.read_text(encoding="utf-8")
    assert START in text, f"{path.name} lost its field-reference start marker"
    assert END in text, f"{path.name} lost its field-reference end marker"
    assert update_document(text, lang) == text, f"{path.name}: the field reference is out of date; {REGENERATE}"
    assert UNDOCUMENTED not in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_field_appears_in_the_generated_section(lang: str) -> None:
    section = _generated(DOCUMENTS[lang].read_text(encoding="utf-8"))
    for model in MODELS:
        assert f"`{model.__name__}`" in section
        for name in model.model_fields:
            assert f"| `{name}` |" in section, f"{model.__name__}.{name} missing from {DOCUMENTS[lang].name}"


def test_the_reference_is_a_table_per_model_in_schema_field_order() -> None:
    text = render_field_reference("en")
    for model in MODELS:
        heading = f"#### {fieldref.model_doc(model, 'heading', 'en')}: `{model.__name__}`"
        assert heading in text
        block = text.split(heading, 1)[1].split("\n#### ", 1)[0]
        rows = [line for line in block.splitlines() if line.startswith("| `")]
        assert [row.split("`")[1] for row in rows] == list(model.model_fields)
        for row in rows:
            assert len(row.replace("\\|", "").split("|")) == 6, row  # 4 cells, no stray pipe
    assert "| `section` | id | yes |" in text
    assert "| `variants_style` | `parens`, `lines`, `link` | no (default `parens`) |" in text
    assert "| `commercial` | `yes`, `no`, `conditional`, `unknown` | yes |" in text
    assert "| `name` | text | yes |" in text
    assert "| `variants` | list[Variant] | no |" in text
    assert "#### Entry (model, benchmark or paper): `Entry`" in text
    assert "File: entry file → `[[variants]]`" in text
    ja = render_field_reference("ja")
    assert "#### エントリ（モデル・ベンチマーク・論文）: `Entry`" in ja
    assert "ファイル: エントリのファイル → `[[variants]]`" in ja
    assert "ファイル: `catalog.toml`" in ja


# --- a new field without a description is caught ---------------------------------------------------------


def test_a_field_added_to_a_model_shows_up_undocumented() -> None:
    class EntryWithNewField(Entry):
        new_field: int | None = None

    models = [EntryWithNewField if model is Entry else model for model in MODELS]
    for lang in ("ja", "en"):
        text = render_field_reference(lang, models)
        rows = [line for line in text.splitlines() if line.startswith("| `new_field` |")]
        assert len(rows) == 1
        assert rows[0].endswith(f"| {UNDOCUMENTED} |")
        assert "int" in rows[0]
        # the inherited fields keep their descriptions, the model its heading and file
        assert text.count(UNDOCUMENTED) == 1
        assert f"#### {fieldref.model_doc(Entry, 'heading', lang)}: `EntryWithNewField`" in text
    assert fieldref.missing_docs(models) == ["EntryWithNewField.new_field (ja)", "EntryWithNewField.new_field (en)"]
    assert fieldref.missing_docs() == []


def test_a_field_documented_in_one_language_only_is_caught() -> None:
    class EntryWithHalfDocumentedFields(Entry):
        english_only: int | None = Field(default=None, description="Documented in English only.")
        japanese_only: int | None = Field(default=None, json_schema_extra={"description_ja": "日本語だけ。"})

    models = [EntryWithHalfDocumentedFields]
    assert fieldref.missing_docs(models) == [
        "EntryWithHalfDocumentedFields.english_only (ja)",
        "EntryWithHalfDocumentedFields.japanese_only (en)",
    ]
    en = render_field_reference("en", models)
    ja = render_field_reference("ja", models)
    assert "| `english_only` | int | no | Documented in English only. |" in en
    assert f"| `english_only` | int | いいえ | {UNDOCUMENTED} |" in ja
    assert f"| `japanese_only` | int | no | {UNDOCUMENTED} |" in en
    assert "| `japanese_only` | int | いいえ | 日本語だけ。 |" in ja


def test_a_stale_document_is_detected_and_updated() -> None:
    text = DOCUMENTS["en"].read_text(encoding="utf-8")
    stale = text.replace("| `venue` |", "| `old_venue` |", 1)
    assert stale != text
    assert update_document(stale, "en") == text


def test_update_document_needs_the_markers() -> None:
    with pytest.raises(ValueError, match=r"no .* marker"):
        update_document("# no markers here\n", "en")
    with pytest.raises(ValueError, match=r"no .* marker"):
        update_document(f"{START}\n", "en")
    with pytest.raises(ValueError, match="comes before"):
        update_document(f"{END}\n{START}\n", "en")
    filled = update_document(f"before\n{START}\nold\n{END}\nafter\n", "ja")
    assert filled.startswith(f"before\n{START}\n")
    assert filled.endswith(f"{END}\nafter\n")
    assert "old" not in filled
    assert "#### " in filled
    assert update_document(filled, "ja") == filled


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        render_field_reference("xx")


# --- the example entry -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_example_entry_validates_against_the_schema(lang: str) -> None:
    blocks = _toml_blocks(DOCUMENTS[lang].read_text(encoding="utf-8"))
    assert blocks, f"{DOCUMENTS[lang].name} has no ```toml block"
    data = tomllib.loads(blocks[0])
    entry = Entry.model_validate(data)
    assert entry.variants
    assert entry.licenses
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
