"""The `ja-llm` command line: validate, search, show, import, errors and documentation."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from ja_llm.catalog.location import shipped_catalog
from ja_llm.cli import main

from cli_process import assert_one_line_error, ja_llm_process

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SOURCES = Path(__file__).resolve().parent / "data" / "sources"
SOURCE_2026 = SOURCES / "2026-08-22" / "README.md"
SOURCE_2026_EN = SOURCES / "2026-08-22" / "en" / "README.md"
ENTRY = "models/sb-intuitions/sarashina2-8x70b"
OTHER_ENTRY = "models/sb-intuitions/sarashina2"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clean_failure(result: Result) -> None:
    """A non-zero exit with an `error:` message, and no exception escaped the command (CliRunner keeps an
    uncaught one in `result.exception`; the child-process tests check the printed traceback)."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.startswith("error: "), result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1


MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"
ALPHA = "models/acme/alpha"
PAPER = "papers/transformer"


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A copy of the small test catalog in a folder with a non-ASCII name."""
    target = tmp_path / "カタログ"
    shutil.copytree(MINI, target)
    return target


def _insert_after(path: Path, prefix: str, new_line: str) -> int:
    """Insert `new_line` after the first line starting with `prefix`; return the new line's number (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines.insert(index + 1, new_line + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return index + 2


def _line_of(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if line.startswith(prefix))


# --- validate ------------------------------------------------------------------------------------------------


def _shipped_entry_count() -> int:
    from ja_llm.catalog.load import ENTRY_FOLDERS

    return sum(len(list((shipped_catalog() / folder).rglob("*.toml"))) for folder in ENTRY_FOLDERS)


def test_validate_shipped_catalog_succeeds() -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stdout
    assert f"{_shipped_entry_count()} entries" in result.stdout
    assert result.stderr == ""


def test_validate_reports_an_unknown_key_with_its_line(catalog_copy: Path) -> None:
    path = catalog_copy / f"{ALPHA}.toml"
    line = _insert_after(path, "name = ", "foo = 1")
    assert line == 4
    result = ja_llm_process("validate", "--data", catalog_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    expected = f"{ALPHA}.toml:{line}: foo: unknown key (not in the schema)"
    assert expected in result.stderr.splitlines(), result.stderr
    assert "1 error(s)" in result.stdout
    assert "Traceback (most recent call last)" not in result.stderr


def test_validate_reports_every_error_at_once(catalog_copy: Path) -> None:
    broken = catalog_copy / f"{PAPER}.toml"
    name_line = _line_of(broken, "name = ")
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[name_line - 1] = 'name = "unterminated\n'
    broken.write_text("".join(lines), encoding="utf-8")

    other = catalog_copy / f"{ALPHA}.toml"
    dev_line = _line_of(other, "developers = ")
    text = other.read_text(encoding="utf-8")
    assert 'developers = ["acme"]' in text
    other.write_text(text.replace('developers = ["acme"]', 'developers = ["no-such-org"]'), encoding="utf-8")

    result = run("validate", "--data", catalog_copy)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = result.stderr.splitlines()
    syntax = [e for e in errors if e.startswith(f"{PAPER}.toml:")]
    assert len(syntax) == 1, errors
    assert syntax[0].startswith(f"{PAPER}.toml:{name_line}: (file): TOML syntax"), syntax
    developer = [e for e in errors if e.startswith(f"{ALPHA}.toml:")]
    message = "unknown organization 'no-such-org' (add it to organizations.toml)"
    assert developer == [f"{ALPHA}.toml:{dev_line}: developers.0: {message}"]
    assert "2 error(s)" in result.stdout


_TEXT_LINE = re.compile(r'^(?P<key>[a-z_]+) = \{ ja = "(?:[^"\\]|\\.)*"(?P<en>, en = "(?:[^"\\]|\\.)*") \}$', re.M)


def test_validate_strict_fails_on_a_missing_translation(catalog_copy: Path) -> None:
    path = catalog_copy / "organizations.toml"
    text = path.read_text(encoding="utf-8")
    match = _TEXT_LINE.search(text)
    assert match is not None
    line = text[: match.start()].count("\n") + 1
    path.write_text(text[: match.start("en")] + text[match.end("en") :], encoding="utf-8")
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].endswith('" }')

    relaxed = run("validate", "--data", catalog_copy)
    assert relaxed.exit_code == 0, relaxed.output
    warning = f"organizations.toml:{line}: organization.0.{match.group('key')}: warning: missing translation: en"
    assert warning in relaxed.output.splitlines(), relaxed.output
    assert "0 error(s), 1 warning(s)" in relaxed.stdout

    strict = run("validate", "--strict", "--data", catalog_copy)
    assert strict.exit_code == 1, strict.output
    assert warning in strict.stderr.splitlines()
    assert "(--strict)" in strict.stdout


def test_validate_strict_passes_on_the_shipped_catalog() -> None:
    result = run("validate", "--strict")
    assert result.exit_code == 0, result.output


# --- search --------------------------------------------------------------------------------------------------


def _json(result: Result) -> list | dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_search_json_lists_every_entry() -> None:
    items = _json(run("search", "--json"))
    assert isinstance(items, list)
    assert len(items) == _shipped_entry_count() >= 531
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        for key in ("id", "name", "repos", "variants"):
            assert key in item, (key, item.get("id"))
        for variant in item["variants"]:
            assert "repo" in variant, item["id"]
            assert "aliases" in variant, item["id"]
            assert isinstance(variant["aliases"], list)
    by_id = {item["id"]: item for item in items}
    assert by_id[ENTRY]["repos"] == ["sbintuitions/sarashina2-8x70b"]


def test_search_japanese_query() -> None:
    items = _json(run("search", "東北大", "--json"))
    assert items
    assert any("tohoku" in item["id"] for item in items)


def test_search_ignores_case_and_width() -> None:
    half = [item["id"] for item in _json(run("search", "sarashina", "--json"))]
    full = [item["id"] for item in _json(run("search", "ＳＡＲＡＳＨＩＮＡ", "--json"))]
    upper = [item["id"] for item in _json(run("search", "SARASHINA", "--json"))]
    assert half
    assert ENTRY in half
    assert full == half
    assert upper == half


def test_search_ids_prints_one_id_per_line() -> None:
    result = run("search", "sarashina", "--ids")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    expected = [item["id"] for item in _json(run("search", "sarashina", "--json"))]
    assert lines == expected
    assert all(line and " " not in line for line in lines)


def test_search_csv_has_a_header_row() -> None:
    result = run("search", "sarashina", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:2] == ["id", "name"]
    assert result.stdout.startswith("id,name")
    ids = [row[0] for row in rows[1:]]
    assert ENTRY in ids


def test_search_exact_name_ranks_first() -> None:
    everything = _json(run("search", "--json"))
    assert any(item["name"]["ja"] == "Sarashina2" for item in everything)
    items = _json(run("search", "Sarashina2", "--json"))
    assert len(items) > 1
    assert items[0]["name"] == {"ja": "Sarashina2", "en": "Sarashina2", "fr": "Sarashina2"}
    assert items[0]["id"] == OTHER_ENTRY


def test_search_with_no_match_is_empty() -> None:
    assert _json(run("search", "zzz-no-such-model-zzz", "--json")) == []


# --- show ----------------------------------------------------------------------------------------------------


def test_show_prints_the_entry() -> None:
    result = run("show", "sarashina2-8x70b")
    assert result.exit_code == 0, result.output
    assert "Sarashina2-8x70B" in result.stdout
    assert ENTRY in result.stdout
    assert "commercial use: no" in result.stdout
    assert "https://huggingface.co/sbintuitions/sarashina2-8x70b" in result.stdout


def test_show_json() -> None:
    data = _json(run("show", ENTRY, "--json"))
    assert isinstance(data, dict)
    assert data["id"] == ENTRY
    assert data["repos"] == ["sbintuitions/sarashina2-8x70b"]
    assert data["licenses"][0]["commercial"] == "no"


def test_show_unknown_entry_is_a_clean_error() -> None:
    result = run("show", "no-such-entry")
    assert_clean_failure(result)
    assert "no-such-entry" in result.stderr


def test_data_that_is_not_a_catalog_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a catalog", encoding="utf-8")
    for args in (("search", "--data", tmp_path), ("show", ENTRY, "--data", tmp_path), ("validate", "--data", tmp_path)):
        result = run(*args)
        assert_clean_failure(result)
        assert "not a catalog" in result.stderr


def test_loading_a_broken_catalog_is_a_clean_error(catalog_copy: Path) -> None:
    _insert_after(catalog_copy / f"{ALPHA}.toml", "name = ", "foo = 1")
    result = ja_llm_process("search", "alpha", "--data", catalog_copy)
    assert assert_one_line_error(result, code=1) == "error: the catalog has 1 error(s)"
    assert "foo: unknown key" in result.stderr


# --- import --------------------------------------------------------------------------------------------------


def test_import_the_2026_list_then_validate_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    result = ja_llm_process(
        "import", SOURCE_2026, "--translation", f"en={SOURCE_2026_EN}", "--out", out, "--report", report
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback (most recent call last)" not in result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    # every row of the shipped source imports: none skipped
    assert (data["rows_total"], data["rows_imported"], data["skipped"]) == (531, 531, [])
    assert (out / "catalog.toml").is_file()

    validated = run("validate", "--data", out)
    assert validated.exit_code == 0, validated.output
    assert "0 error(s)" in validated.stdout


def test_import_translation_without_equals_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = ja_llm_process("import", SOURCE_2026, "--translation", "en", "--out", out)
    assert result.returncode == 2, result.stderr
    assert "LANG=PATH" in result.stderr
    assert "Traceback (most recent call last)" not in result.stderr
    assert not out.exists()


def test_import_translation_language_ignores_case(tmp_path: Path) -> None:
    source = tmp_path / "README.md"
    source.write_text("# T\n\n## S\n\n| a | b |\n|---|---|\n| [x](https://x.example/) | y |\n", encoding="utf-8")
    out = tmp_path / "out"
    result = ja_llm_process("import", source, "--translation", f"EN={source}", "--out", out)
    assert result.returncode == 0, result.stderr
    assert 'languages = ["ja", "en"]' in (out / "catalog.toml").read_text(encoding="utf-8")
    bad = ja_llm_process("import", source, "--translation", f"English!={source}", "--out", tmp_path / "o2")
    assert "language code" in assert_one_line_error(bad, code=2)


def test_import_missing_source_is_a_clean_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("import", tmp_path / "missing" / "README.md", "--out", out)
    assert_clean_failure(result)
    assert not out.exists()


# --- documentation -------------------------------------------------------------------------------------------


def undocumented(group: click.Group) -> list[str]:
    """Commands without a help text and options (other than --help) without one."""
    problems = []
    for name, command in group.commands.items():
        if not (command.help or "").strip():
            problems.append(f"command {name!r} has no help text")
        for param in command.params:
            if isinstance(param, click.Option) and "--help" not in param.opts and not (param.help or "").strip():
                problems.append(f"option {'/'.join(param.opts)} of {name!r} has no help text")
    return problems


def test_undocumented_finds_missing_help_texts() -> None:
    @click.group()
    def group() -> None:
        """A group."""

    @group.command("documented")
    @click.option("--fine", help="Documented.")
    def documented(fine: str | None) -> None:
        """Documented."""

    @group.command("bare")
    def bare() -> None:
        pass

    @group.command("half")
    @click.option("--silent")
    def half(silent: str | None) -> None:
        """Has help, but one option has none."""

    problems = undocumented(group)
    assert problems == ["command 'bare' has no help text", "option --silent of 'half' has no help text"]


def test_every_command_and_option_is_documented() -> None:
    assert set(main.commands) >= {"import", "validate", "search", "show"}
    assert undocumented(main) == []


def test_main_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0, result.output
    for name in main.commands:
        assert re.search(rf"^\s+{re.escape(name)}\s", result.stdout, re.M), f"{name} not in --help"


def test_every_command_help_works() -> None:
    for name, command in main.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.stdout
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(opt in result.stdout for opt in param.opts), (name, param.opts)


def test_readme_mentions_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"ja-llm {name}" in text, f"README.md does not mention `ja-llm {name}`"


def test_import_any_language_as_the_main_text(tmp_path: Path) -> None:
    sources = Path(__file__).resolve().parent / "data" / "sources" / "2026-08-22"
    out = tmp_path / "フランス語"
    result = run(
        "import",
        sources / "fr" / "README.md",
        "--tree",
        sources,
        "--translation",
        f"ja={sources / 'README.md'}",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "imported 531 of 531 rows" in result.output
    assert 'languages = ["fr", "ja"]' in (out / "catalog.toml").read_text(encoding="utf-8")
    # a README that names no language known to the reference catalog needs --lang
    plain = tmp_path / "README.md"
    plain.write_text("# T\n\n[ [**日本語**](../) | Esperanto ]\n\n## S\n\n| a | b |\n|---|---|\n| x | y |\n", "utf-8")
    result = run("import", plain, "--out", tmp_path / "o")
    assert_clean_failure(result)
    assert "cannot tell its language (it calls its language 'Esperanto'" in result.output
    result = run("import", plain, "--lang", "eo", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    result = run("import", plain, "--lang", "eo", "--translation", f"eo={plain}", "--out", tmp_path / "o2")
    assert_clean_failure(result)


def test_export_honours_the_search_filters(tmp_path: Path) -> None:
    out = tmp_path / "書き出し"
    out.mkdir()
    args = ["--commercial", "--min-params", "7b"]
    ids = run("search", *args, "--ids").output.split()
    result = run("export", *args, "--format", "csv", "--out", out / "models.csv")
    assert result.exit_code == 0, result.output
    with (out / "models.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(dict.fromkeys(row["entry_id"] for row in rows)) == ids
    assert all(float(row["params"]) >= 7e9 for row in rows)  # the variants the filter kept
    result = run("export", "--format", "sqlite", "--out", out / "catalog.db", "--developer", "sb-intuitions")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "catalog.metadata.json").read_text(encoding="utf-8"))["title"]
    with sqlite3.connect(out / "catalog.db") as db:
        developers = {row[0] for row in db.execute("select organization_id from entry_developers")}
    assert developers == {"sb-intuitions"}
    bad = run("export", "--format", "json", "--out", out / "api", "--commercial", "maybe")
    assert bad.exit_code == 2
    assert not (out / "api").exists()


_THRESHOLDS_AFTER = """
import gc, runpy, sys
sys.argv = ["ja-llm", "--version"]
try:
    runpy.{how}
except SystemExit:
    pass
print(list(gc.get_threshold()))
"""


@pytest.mark.parametrize(
    "how",
    [
        "run_module('ja_llm', run_name='__main__')",  # python -m ja_llm
        f"run_path({str(Path(__import__('sys').executable).parent / 'ja-llm')!r}, run_name='__main__')",  # the script
    ],
    ids=["python -m ja_llm", "console script"],
)
def test_the_program_runs_with_the_collector_tuned(how: str) -> None:
    """`ja-llm` as a program (its installed console script, `python -m ja_llm`) raises the garbage collector's
    thresholds (cli.COLLECTOR_THRESHOLDS: a 100k catalog loads in 3/4 of the time); `main`, which a program
    importing ja_llm (and CliRunner here) calls, leaves the process's setting alone."""
    import gc
    import subprocess
    import sys

    from ja_llm import cli

    code = _THRESHOLDS_AFTER.format(how=how)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.splitlines()[-1] == str(list(cli.COLLECTOR_THRESHOLDS)), done.stdout + done.stderr
    before = gc.get_threshold()
    assert before != cli.COLLECTOR_THRESHOLDS
    assert run("--version").exit_code == 0
    assert gc.get_threshold() == before
