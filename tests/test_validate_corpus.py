"""A corpus of broken catalogs: each case breaks one thing in a copy of tests/data/mini-catalog and names the
`path:line: field: message` validate must print. Catalog copies live in folders with non-ASCII names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ja_llm.api import Catalog
from ja_llm.catalog.load import collect
from ja_llm.errors import CatalogInvalid

MINI = Path(__file__).parent / "data" / "mini-catalog"
ALPHA = "models/acme/alpha.toml"


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    target = tmp_path / "カタログ コピー"
    shutil.copytree(MINI, target)
    return target


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def messages(root: Path) -> list[str]:
    return [str(p) for p in collect(root)[1]]


# (case id, edit(root), expected problem line)
CASES = [
    (
        "unknown-key",
        lambda r: replace(r, ALPHA, "year = 2024\n", "year = 2024\nparams = 7\n"),
        "models/acme/alpha.toml:6: params: unknown key (not in the schema)",
    ),
    (
        "unknown-key-in-variant",
        lambda r: replace(r, ALPHA, 'repo = "acme/alpha-7b"\n', 'repo = "acme/alpha-7b"\nweights = "x"\n'),
        "models/acme/alpha.toml:17: variants.0.weights: unknown key (not in the schema)",
    ),
    (
        "missing-required",
        lambda r: replace(r, ALPHA, 'name = "Alpha"\n', ""),
        "models/acme/alpha.toml:1: name: required field is missing",
    ),
    (
        "wrong-type",
        lambda r: replace(r, ALPHA, "year = 2024", 'year = "twenty"'),
        "models/acme/alpha.toml:5: year: Input should be a valid integer",
    ),
    (
        "unparseable-size",
        lambda r: replace(r, ALPHA, 'size = "7b"', 'size = "7bb"'),
        "models/acme/alpha.toml:15: variants.0.size: '7bb': expected a size",
    ),
    (
        "malformed-repo",
        lambda r: replace(r, ALPHA, 'repo = "acme/alpha-7b"', 'repo = "acme alpha"'),
        "models/acme/alpha.toml:16: variants.0.repo: 'acme alpha' is not a Hugging Face repo id",
    ),
    (
        "malformed-url",
        lambda r: replace(r, ALPHA, 'url = "https://acme.example/alpha"', 'url = "acme.example alpha"'),
        "models/acme/alpha.toml:4: url: 'acme.example alpha' is not an http(s) URL",
    ),
    (
        "unknown-developer",
        lambda r: replace(r, ALPHA, 'developers = ["acme"]', 'developers = ["acme", "nobody"]'),
        "models/acme/alpha.toml:7: developers.1: unknown organization 'nobody'",
    ),
    (
        "unknown-license",
        lambda r: replace(r, ALPHA, 'id = "apache-2.0"', 'id = "gpl-9"'),
        "models/acme/alpha.toml:11: licenses.0.id: unknown license 'gpl-9'",
    ),
    (
        "unknown-section",
        lambda r: replace(r, ALPHA, 'section = "generative-general"', 'section = "nowhere"'),
        "models/acme/alpha.toml:1: section: unknown section 'nowhere'",
    ),
    (
        "entry-in-wrong-folder",
        lambda r: replace(r, "papers/transformer.toml", 'section = "reference"', 'section = "generative-general"'),
        "papers/transformer.toml:1: section: a generative section's entries live under models/, not papers/",
    ),
    (
        "unknown-footnote-in-text",
        lambda r: replace(r, ALPHA, 'architecture = "Llama[^1]"', 'architecture = "Llama[^99]"'),
        "models/acme/alpha.toml:6: architecture: unknown footnote [^99]",
    ),
    (
        "unknown-footnote-ref",
        lambda r: replace(
            r, ALPHA, 'variants_in = "architecture"', 'variants_in = "architecture"\nfootnotes = { name = ["42"] }'
        ),
        "models/acme/alpha.toml:9: footnotes.name: unknown footnote '42'",
    ),
    (
        "unknown-parent-section",
        lambda r: replace(r, "sections.toml", 'parent = "generative"', 'parent = "generatve"'),
        "sections.toml:10: section.1.parent: unknown section 'generatve'",
    ),
    (
        "unknown-section-kind",
        lambda r: replace(r, "sections.toml", 'kind = "paper"', 'kind = "poem"'),
        "sections.toml:25: section.2.kind: Input should be",
    ),
    (
        "duplicate-section-id",
        lambda r: replace(r, "sections.toml", 'id = "reference"', 'id = "generative"'),
        "sections.toml:23: section.2.id: duplicate id 'generative'",
    ),
    (
        "duplicate-repo",
        lambda r: write(
            r,
            "models/acme/beta.toml",
            'section = "generative-general"\nposition = 20\nname = "Beta"\n\n[[variants]]\nrepo = "acme/alpha-7b"\n',
        ),
        "is also used by models/acme/",
    ),
    (
        "unknown-commercial-class",
        lambda r: replace(r, "licenses.toml", 'commercial = "no"', 'commercial = "maybe"'),
        "licenses.toml:10: license.1.commercial: Input should be",
    ),
    (
        "toml-syntax",
        lambda r: replace(r, ALPHA, 'name = "Alpha"', 'name = "Alpha'),
        "models/acme/alpha.toml:3: (file): TOML syntax:",
    ),
    (
        "not-utf8",
        lambda r: (r / ALPHA).write_bytes(b'section = "generative-general"\nname = "\xff"\n'),
        "models/acme/alpha.toml:2: (file): not UTF-8",
    ),
    (
        "stray-file",
        lambda r: write(r, "notes.toml", "x = 1\n"),
        "notes.toml: (file): unknown catalog file",
    ),
    # no coercion (strict): a boolean or a string is not a number
    (
        "year-boolean",
        lambda r: replace(r, ALPHA, "year = 2024", "year = true"),
        "models/acme/alpha.toml:5: year: Input should be a valid integer",
    ),
    (
        "year-string",
        lambda r: replace(r, ALPHA, "year = 2024", 'year = "2024"'),
        "models/acme/alpha.toml:5: year: Input should be a valid integer",
    ),
    (
        "context-string",
        lambda r: replace(r, ALPHA, "year = 2024\n", 'year = 2024\ncontext_length = "8192"\n'),
        "models/acme/alpha.toml:6: context_length: Input should be a valid integer",
    ),
    # bounded: what validate passes, every stage handles
    (
        "year-out-of-range",
        lambda r: replace(r, ALPHA, "year = 2024", "year = 3000000000"),
        "models/acme/alpha.toml:5: year: Input should be less than or equal to 9999",
    ),
    (
        "context-2-63",
        lambda r: replace(r, ALPHA, "year = 2024\n", "year = 2024\ncontext_length = 9223372036854775807\n"),
        "models/acme/alpha.toml:6: context_length: Input should be less than or equal to 1000000000000",
    ),
    (
        "size-10-400",
        lambda r: replace(r, ALPHA, 'size = "7b"', 'size = "1' + "0" * 400 + 'b"'),
        "models/acme/alpha.toml:15: variants.0.size: ",
    ),
    (
        "javascript-link",
        lambda r: replace(r, ALPHA, 'name = "Alpha"', 'name = "[c](javascript:alert(1))"'),
        "models/acme/alpha.toml:3: name: link URL 'javascript:alert(1)': only http, https and mailto links are allowed",
    ),
    (
        "data-link",
        lambda r: replace(r, ALPHA, 'name = "Alpha"', 'name = "[c](data:text/html,x)"'),
        "models/acme/alpha.toml:3: name: link URL 'data:text/html,x': only http, https and mailto links are allowed",
    ),
]


@pytest.mark.parametrize(("case_id", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_catalog_gives_its_message(catalog_dir: Path, case_id, edit, expected: str) -> None:
    assert not [p for p in collect(catalog_dir)[1] if p.severity == "error"], "the fixture must start valid"
    edit(catalog_dir)
    found = messages(catalog_dir)
    assert any(expected in line for line in found), f"{case_id}: expected {expected!r} in {found}"
    with pytest.raises(CatalogInvalid):
        Catalog.load(catalog_dir)


def test_every_error_is_reported_at_once(catalog_dir: Path) -> None:
    """A broken TOML file does not hide the errors of the other files."""
    replace(catalog_dir, "papers/transformer.toml", 'name = "Transformer"', 'name = "Transformer')
    replace(catalog_dir, ALPHA, 'developers = ["acme"]', 'developers = ["nobody"]')
    replace(catalog_dir, "licenses.toml", 'commercial = "no"', 'commercial = "maybe"')
    found = messages(catalog_dir)
    assert any(line.startswith("papers/transformer.toml:3: (file): TOML syntax") for line in found), found
    assert any("models/acme/alpha.toml:7: developers.0: unknown organization 'nobody'" in line for line in found), found
    assert any(line.startswith("licenses.toml:10: license.1.commercial") for line in found), found


def test_missing_translation_is_a_warning(catalog_dir: Path) -> None:
    replace(catalog_dir, "organizations.toml", 'name = { ja = "アクメ", en = "Acme" }', 'name = { ja = "アクメ" }')
    catalog, problems = collect(catalog_dir)
    warnings = [str(p) for p in problems if p.severity == "warning"]
    assert "organizations.toml:3: organization.0.name: warning: missing translation: en" in warnings
    assert catalog is not None, "warnings alone do not make the catalog unusable"


def test_problem_lines_have_the_documented_shape(catalog_dir: Path) -> None:
    replace(catalog_dir, ALPHA, 'developers = ["acme"]', 'developers = ["nobody"]')
    for line in messages(catalog_dir):
        path, lineno, rest = line.split(":", 2)
        assert path.endswith(".toml"), line
        assert lineno.isdigit(), line
        assert ": " in rest.strip(), line


def test_two_organizations_with_one_name_is_a_warning(catalog_dir: Path) -> None:
    with (catalog_dir / "organizations.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[organization]]\nid = "acme-inc"\nname = { ja = "アクメ", en = "Acme Inc." }\n')
    warnings = [str(p) for p in collect(catalog_dir)[1] if p.severity == "warning"]
    assert any("'acme-inc' has the name of 'acme': one organization, one id" in w for w in warnings), warnings


def test_a_size_stated_by_a_label_but_missing_is_a_warning(catalog_dir: Path) -> None:
    replace(catalog_dir, ALPHA, 'label = "7b"\nsize = "7b"\n', 'label = "base-30m"\n')
    warnings = [str(p) for p in collect(catalog_dir)[1] if p.severity == "warning"]
    assert any(
        "variants.0: warning: the label or repo states a size (30m) that its facts lack" in w for w in warnings
    ), warnings


def test_a_size_that_only_multiplies_the_experts_is_a_warning(catalog_dir: Path) -> None:
    replace(catalog_dir, ALPHA, 'label = "7b"\nsize = "7b"\n', 'label = "8x7b"\nsize = "8x7b"\n')
    warnings = [str(p) for p in collect(catalog_dir)[1] if p.severity == "warning"]
    assert any("variants.0.size: warning: 8x7b multiplies the experts" in w for w in warnings), warnings
    replace(catalog_dir, ALPHA, 'size = "8x7b"\n', 'size = "8x7b (47b-A13b)"\n')
    warnings = [str(p) for p in collect(catalog_dir)[1] if p.severity == "warning"]
    assert not any("multiplies the experts" in w for w in warnings), warnings


def test_a_conditional_license_without_conditions_is_a_warning(catalog_dir: Path) -> None:
    with (catalog_dir / "licenses.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[license]]\nid = "vague"\nname = "Vague License"\ncommercial = "conditional"\n')
    warnings = [str(p) for p in collect(catalog_dir)[1] if p.severity == "warning"]
    assert any("'vague' is conditional but does not say its conditions" in w for w in warnings), warnings


def test_translation_coverage_and_the_languages_that_must_be_complete(catalog_dir: Path) -> None:
    from click.testing import CliRunner

    from ja_llm.cli import main

    replace(catalog_dir, "organizations.toml", 'name = { ja = "アクメ", en = "Acme" }', 'name = { ja = "アクメ" }')
    replace(catalog_dir, "catalog.toml", 'languages = ["ja", "en"]', 'languages = ["ja", "en"]\ncomplete = ["ja"]')
    catalog, problems = collect(catalog_dir)
    assert catalog is not None
    assert not [p for p in problems if "missing translation" in p.message]  # en need not be complete
    assert catalog.coverage.missing == {"en": 1}
    assert catalog.coverage.percent("ja") == 100.0
    assert catalog.coverage.percent("en") < 100.0
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--strict", "--data", str(catalog_dir)])
    assert result.exit_code == 0, result.output
    assert f"translations of {catalog.coverage.texts} texts: ja 100.0%, en " in result.output
    assert "(1 missing)" in result.output
    # --complete makes a language required for this run: --strict then fails on the missing text
    result = runner.invoke(main, ["validate", "--strict", "--complete", "en", "--data", str(catalog_dir)])
    assert result.exit_code == 1
    assert "organization.0.name: warning: missing translation: en" in result.output
    # complete names a language of the list
    replace(catalog_dir, "catalog.toml", 'complete = ["ja"]', 'complete = ["de"]')
    assert any("de: not in languages" in line for line in messages(catalog_dir))
