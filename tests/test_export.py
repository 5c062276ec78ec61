"""The data exports (ja_llm.export): the JSON API and its schema, CSV, SQLite (with Datasette) and llms.txt,
written as real files into folders with non-ASCII names, from the shipped catalog and the small fixture one."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlite_utils import Database

from ja_llm.api import Catalog
from ja_llm.errors import OutputError
from ja_llm.export import write_all, write_api, write_csv, write_llms
from ja_llm.export.api_json import CatalogExport, catalog_document, dumps
from ja_llm.export.items import select_items
from ja_llm.export.llms_txt import _ended, escape, llms_texts
from ja_llm.export.sqlite_db import write_datasette_metadata, write_sqlite
from ja_llm.files import atomic_write
from ja_llm.model.schema import Entry
from ja_llm.search.query import Query, QueryError, run_query

MINI = Path(__file__).parent / "data" / "mini-catalog"
MOE = "models/research-and-development-center-for-large-language-models/llm-jp-3-moe"
STOCKMARK = "models/stockmark/stockmark-13b"
TOHOKU_BERT = "models/tohoku-university-nlp-group/tohokuuniversitybert"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return Catalog.load(MINI)


@pytest.fixture(scope="module")
def exported(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every export of the shipped catalog, written once into a folder with a Japanese name."""
    folder = tmp_path_factory.mktemp("エクスポート") / "サイト データ"
    write_all(shipped, folder)
    return folder


@pytest.fixture(scope="module")
def database(exported: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(exported / "catalog.db")
    yield connection
    connection.close()


def _variant_rows(catalog: Catalog) -> int:
    """Rows of the CSV file: one per variant of each record, one for a record without variants."""
    records, _ = catalog.records()
    return sum(max(1, len(r["variants"])) for r in records)


# --- JSON API ---------------------------------------------------------------------------------------------


def test_catalog_json_validates_against_schema_json(exported: Path) -> None:
    schema = json.loads((exported / "api" / "schema.json").read_text(encoding="utf-8"))
    document = json.loads((exported / "api" / "catalog.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"ExportedEntry", "VariantFacts", "Entry", "Variant", "Organization", "Section", "ListInfo"} <= set(
        schema["$defs"]
    )
    assert schema["title"]
    assert schema["description"]
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    assert [error.message for error in validator.iter_errors(document)] == []
    for item in document["entries"]:
        Entry.model_validate(item["entry"])  # the entry as stored passes the catalog's own validation
    CatalogExport.model_validate_json((exported / "api" / "catalog.json").read_bytes())
    # the validator does reject what the schema forbids
    broken = json.loads(json.dumps(document))
    broken["entries"][0]["variants"][0]["params"] = "7b"
    del broken["entries"][1]["name"]
    broken["licenses"][0]["class"] = "maybe"
    assert len(list(validator.iter_errors(broken))) == 3


def test_entry_files_equal_their_catalog_item(exported: Path, shipped: Catalog) -> None:
    document = json.loads((exported / "api" / "catalog.json").read_text(encoding="utf-8"))
    assert document["schema_version"] == 1
    assert document["complete"] is True
    assert document["languages"] == ["ja", "en", "fr"]
    assert document["generated_from"]["source_url"] == "https://github.com/llm-jp/awesome-japanese-llm"
    assert [e["id"] for e in document["entries"]] == [e.id for e in shipped.ordered_entries()]
    for item in document["entries"]:
        path = exported / "api" / "entries" / f"{item['id']}.json"
        assert json.loads(path.read_text(encoding="utf-8")) == item, item["id"]
    assert len(list((exported / "api" / "entries").rglob("*.json"))) == len(shipped.entries)
    assert [o["id"] for o in document["organizations"]] == sorted(shipped.organizations)
    assert [s["id"] for s in document["sections"]] == shipped.section_order()
    licenses = {lic["id"]: lic for lic in document["licenses"]}
    assert set(licenses) == set(shipped.licenses)
    assert {"class", "conditions", "checked"} <= set(licenses["apache-2.0"])
    assert licenses["apache-2.0"]["class"] == "yes"


@pytest.mark.parametrize(
    "query", [None, Query(filters={"min_params": "7b"}, sort="params", desc=True)], ids=["every entry", "matches"]
)
def test_streamed_catalog_json_is_the_whole_document(shipped: Catalog, tmp_path: Path, query: Query | None) -> None:
    """write_api writes catalog.json piece by piece as the entries go by; its bytes are those of the
    document built whole, for every entry and for a query's matches (fewer variants, another order)."""
    records, meta = shipped.records()
    selection = None if query is None else run_query(records, meta, query)
    if selection is not None:
        assert 0 < len(selection) < len(records)
    folder = tmp_path / "ストリーム" / "api"
    write_api(shipped, folder, selection)
    whole = dumps(catalog_document(shipped, select_items(shipped, selection)))
    assert (folder / "catalog.json").read_bytes() == whole.encode("utf-8")
    json.loads(whole)  # and it is JSON


def test_api_has_per_variant_facts(exported: Path) -> None:
    moe = json.loads((exported / "api" / "entries" / f"{MOE}.json").read_text(encoding="utf-8"))
    assert moe["variants"]
    assert all(v["active"] < v["params"] for v in moe["variants"])
    largest = moe["variants"][3]
    assert (largest["params"], largest["active"], largest["context"]) == (73e9, 22e9, 4096)
    assert moe["entry"]["variants"][3]["size"] == "73b-A22b"  # the entry as stored, beside the facts
    stockmark = json.loads((exported / "api" / "entries" / f"{STOCKMARK}.json").read_text(encoding="utf-8"))
    commercial = {v["repo"]: (v["license"], v["commercial"]) for v in stockmark["variants"]}
    assert commercial["stockmark/stockmark-13b-instruct"] == ("cc-by-nc-sa-4.0", "no")
    assert commercial["stockmark/stockmark-13b"] == ("mit", "yes")


def test_api_of_the_mini_catalog_replaces_its_folder(mini: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "出力" / "api"
    (folder / "entries" / "models" / "old").mkdir(parents=True)
    (folder / "entries" / "models" / "old" / "gone.json").write_text("{}", encoding="utf-8")
    written = write_api(mini, folder)
    assert sorted(p.relative_to(folder).as_posix() for p in written) == [
        "catalog.json",
        "entries/models/acme/alpha.json",
        "entries/papers/transformer.json",
        "schema.json",
    ]
    assert not (folder / "entries" / "models" / "old").exists()  # no file of a removed entry stays
    paper = json.loads((folder / "entries" / "papers" / "transformer.json").read_text(encoding="utf-8"))
    assert paper["variants"] == []
    assert paper["kind"] == "paper"
    text = (folder / "catalog.json").read_text(encoding="utf-8")
    assert "アクメ" in text
    assert text.endswith("}\n")


def test_api_updated_in_place_equals_a_fresh_one(mini: Catalog, tmp_path: Path) -> None:
    """An update of a built site writes only the API files whose text changed, removes those of removed
    entries (and the folders they leave empty), and gives the folder a fresh write gives."""
    fresh, updated = tmp_path / "新規" / "api", tmp_path / "更新" / "api"
    write_api(mini, fresh)
    write_api(mini, updated)
    kept, changed = updated / "entries" / "papers" / "transformer.json", updated / "catalog.json"
    kept_inode = kept.stat().st_ino
    changed.write_text("{}", encoding="utf-8")
    (updated / "entries" / "models" / "old").mkdir(parents=True)
    (updated / "entries" / "models" / "old" / "gone.json").write_text("{}", encoding="utf-8")
    written = write_api(mini, updated, in_place=True)
    tree = {p.relative_to(updated).as_posix(): p.read_bytes() for p in updated.rglob("*") if p.is_file()}
    assert tree == {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    assert not (updated / "entries" / "models" / "old").exists()
    assert kept.stat().st_ino == kept_inode  # unchanged: not written again
    assert sorted(p.relative_to(updated).as_posix() for p in written) == sorted(tree)


# --- CSV --------------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_variant(exported: Path, shipped: Catalog) -> None:
    raw = (exported / "catalog.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == _variant_rows(shipped)
    moe = {r["repo"]: r for r in rows if r["entry_id"] == MOE}
    row = moe["llm-jp/llm-jp-3-8x13b"]
    assert (int(row["params"]), int(row["active"]), int(row["context"])) == (73_000_000_000, 22_000_000_000, 4096)
    assert row["variant_label"] == "8x13b (73b)"
    assert row["name"] == "LLM-jp-3 MoE"
    assert row["developers"] == "大規模言語モデル研究開発センター"
    assert row["commercial"] == "yes"
    instruct = next(r for r in rows if r["repo"] == "stockmark/stockmark-13b-instruct")
    assert (instruct["variant_license"], instruct["variant_commercial"]) == ("cc-by-nc-sa-4.0", "no")
    paper = next(r for r in rows if r["entry_id"].startswith("papers/"))
    assert paper["variant_index"] == ""
    assert paper["params"] == ""


def test_csv_for_excel_has_a_bom(shipped: Catalog, tmp_path: Path) -> None:
    path = write_csv(shipped, tmp_path / "表" / "catalog-excel.csv", lang="en", excel=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == _variant_rows(shipped)
    row = next(r for r in rows if r["repo"] == "llm-jp/llm-jp-3-8x13b")
    assert row["developers"] == "Research and Development Center for Large Language Models"
    assert int(row["params"]) == 73_000_000_000
    assert not any(value.startswith(("=", "+", "-", "@")) for r in rows for value in r.values())
    with pytest.raises(QueryError, match="accepted: ja, en, fr"):
        write_csv(shipped, tmp_path / "x.csv", lang="de")


# --- SQLite -----------------------------------------------------------------------------------------------


def test_sqlite_keys_and_counts(database: sqlite3.Connection, shipped: Catalog) -> None:
    database.execute("PRAGMA foreign_keys = ON")
    assert database.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    db = Database(database)
    assert {(fk.column, fk.other_table) for fk in db["variants"].foreign_keys} == {
        ("entry_id", "entries"),
        ("license", "licenses"),
    }
    assert {(fk.column, fk.other_table) for fk in db["entry_developers"].foreign_keys} == {
        ("entry_id", "entries"),
        ("organization_id", "organizations"),
    }
    assert [(fk.column, fk.other_table) for fk in db["sections"].foreign_keys] == [("parent", "sections")]
    records, _ = shipped.records()
    counts = {
        "entries": len(shipped.entries),
        "variants": sum(len(r["variants"]) for r in records),
        "organizations": len(shipped.organizations),
        "licenses": len(shipped.licenses),
        "sections": len(shipped.sections),
        "footnotes": len(shipped.footnotes),
        "entry_developers": sum(len(e.data.developers) for e in shipped.entries.values()),
    }
    assert {table: db[table].count for table in counts} == counts
    columns = set(db["entries"].columns_dict)
    assert {f"{key}_{lang}" for key in ("name", "developers") for lang in ("ja", "en", "fr")} <= columns
    assert db["variants"].get(f"{MOE}#3")["active"] == 22_000_000_000


def test_sqlite_full_text_search_finds_japanese_substrings(database: sqlite3.Connection) -> None:
    def found(text: str) -> set[str]:
        query = "select id from entries where rowid in (select rowid from entries_fts where entries_fts match ?)"
        return {row[0] for row in database.execute(query, [f'"{text}"'])}

    tohoku = found("東北大")
    assert TOHOKU_BERT in tohoku  # inside the longer name 東北大BERT
    assert database.execute("select name_ja from entries where id = ?", [TOHOKU_BERT]).fetchone() == ("東北大BERT",)
    sarashina = found("sarashina")
    assert "models/sb-intuitions/sarashina2" in sarashina
    assert found("SARASHINA") == sarashina  # case-insensitive
    assert {row["id"] for row in Database(database)["entries"].search("東北大 BERT", quote=True)} >= {TOHOKU_BERT}


def test_filtered_exports_hold_only_the_matches(shipped: Catalog, tmp_path: Path) -> None:
    records, meta = shipped.records()
    matches = run_query(records, meta, Query(filters={"developer": "sb-intuitions"}))
    ids = {m.record["id"] for m in matches}
    assert ids
    assert all("sb-intuitions" in shipped.entries[i].data.developers for i in ids)
    assert len(ids) < len(shipped.entries)
    folder = tmp_path / "絞り込み"
    write_all(shipped, folder, matches)
    db = Database(folder / "catalog.db")
    assert {row["id"] for row in db["entries"].rows} == ids
    assert {row["entry_id"] for row in db["variants"].rows} <= ids
    assert db["organizations"].count == len(shipped.organizations)  # the registries stay whole
    document = json.loads((folder / "api" / "catalog.json").read_text(encoding="utf-8"))
    assert {e["id"] for e in document["entries"]} == ids
    assert document["complete"] is False
    assert {r["entry_id"] for r in csv.DictReader(io.StringIO((folder / "catalog.csv").read_text("utf-8")))} == ids
    # a variant-level filter keeps only the variants that pass it
    commercial = run_query(records, meta, Query(filters={"developer": "stockmark", "commercial": "yes"}))
    path = write_sqlite(shipped, tmp_path / "商用.db", commercial)
    repos = {row["repo"] for row in Database(path).query("select repo from variants where entry_id = ?", [STOCKMARK])}
    assert repos == {"stockmark/stockmark-13b"}
    llms = llms_texts(shipped, "ja", commercial)["ja"][1]
    assert "stockmark/stockmark-13b)" in llms
    assert "stockmark-13b-instruct" not in llms


def test_datasette_serves_the_database(exported: Path) -> None:
    metadata = json.loads((exported / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["license"] == "Apache-2.0"
    assert metadata["source"] == "awesome-japanese-llm"
    columns = metadata["databases"]["catalog"]["tables"]["entries"]["columns"]
    assert columns["year"] == Entry.model_fields["year"].description  # from the catalog schema
    assert set(columns) == set(Database(exported / "catalog.db")["entries"].columns_dict)

    # `datasette catalog.db -m metadata.json`, as a user runs it, on 127.0.0.1 (a free port)
    datasette = Path(sys.executable).parent / "datasette"
    command = [str(datasette), "serve", "catalog.db", "-m", "metadata.json", "-h", "127.0.0.1", "-p", "0"]
    server = subprocess.Popen(command, cwd=exported, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        assert server.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
            url = match.group(1) if match else None
        assert url, "datasette printed no address"
        with urllib.request.urlopen(url + "/", timeout=20) as response:
            assert metadata["title"] in response.read().decode("utf-8")
        with urllib.request.urlopen(url + "/catalog/entries", timeout=20) as response:
            page = response.read().decode("utf-8")
        assert "<table" in page  # the table page
        assert metadata["databases"]["catalog"]["tables"]["entries"]["description"] in page
        query = "/catalog/entries.json?_search=sarashina&_shape=array&_size=max"
        with urllib.request.urlopen(url + query, timeout=20) as response:
            rows = json.loads(response.read())
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert rows
    assert all("sarashina" in (row["name_en"] + row["repos"]).lower() for row in rows)


# --- llms.txt ---------------------------------------------------------------------------------------------


@given(st.text(alphabet="\\[]*`<>a日\n "))
def test_llms_escape_puts_a_backslash_before_each_markdown_character(text: str) -> None:
    assert escape(text) == re.sub(r"([\\\[\]*`<>])", r"\\\1", text)


@given(st.lists(st.text(alphabet="ab\n", max_size=6), max_size=8))
def test_llms_full_pieces_end_as_the_whole_text(pieces: list[str]) -> None:
    """llms-full.txt is written piece by piece: the pieces, trailing newlines held back, give the text that
    joining them whole and ending it with one newline gives."""
    assert "".join(_ended(pieces)) == "".join(pieces).rstrip("\n") + "\n"


def test_a_text_written_piece_by_piece_is_never_half_written(tmp_path: Path) -> None:
    target = tmp_path / "書き出し" / "llms-full.txt"
    atomic_write(target, iter(["一行目\n", "二行目\n"]))
    assert target.read_text(encoding="utf-8") == "一行目\n二行目\n"

    def failing() -> Iterator[str]:
        yield "三行目\n"
        raise OutputError("the pieces stopped")

    with pytest.raises(OutputError, match="stopped"):
        atomic_write(target, failing())
    assert target.read_text(encoding="utf-8") == "一行目\n二行目\n"  # the old file, whole
    assert [p.name for p in target.parent.iterdir()] == ["llms-full.txt"]  # no temporary file left


def test_bytes_written_piece_by_piece_and_pieces_of_one_kind(tmp_path: Path) -> None:
    target = tmp_path / "キャッシュ" / ".site.records"
    atomic_write(target, iter([b"\x00\xff", b"\r\n"]))
    assert target.read_bytes() == b"\x00\xff\r\n"  # as they are: no newline translation
    atomic_write(target, iter([]))
    assert target.read_bytes() == b""
    with pytest.raises(TypeError, match="all bytes"):
        atomic_write(target, iter([b"a", "b"]))  # type: ignore[list-item]
    assert target.read_bytes() == b""
    assert [p.name for p in target.parent.iterdir()] == [".site.records"]


@pytest.mark.parametrize("lang", ["ja", "en", "fr"])
def test_llms_txt_follows_the_convention(exported: Path, shipped: Catalog, lang: str) -> None:
    base = exported if lang == "ja" else exported / lang
    index = (base / "llms.txt").read_text(encoding="utf-8")
    full = (base / "llms-full.txt").read_text(encoding="utf-8")
    lines = index.splitlines()
    assert lines[0] == f"# {shipped.info.title[lang]}"  # type: ignore[index]
    assert lines[1] == ""
    assert lines[2].startswith("> ")
    assert len(lines[2]) > 20
    assert re.search(r"^## .+$", index, re.MULTILINE)
    links = re.findall(r"^- \[(.+?)\]\(([^)\s]+)\)", index, re.MULTILINE)
    pages = {url for _, url in links}
    assert all(f"{entry_id}/" in pages for entry_id in shipped.entries)  # relative: en/ + models/org/slug/
    assert "[llms-full.txt](llms-full.txt)" in index
    assert ("(../llms.txt)" in index) == (lang != "ja")
    for entry_id in shipped.entries:
        assert f"- id: `{entry_id}`" in full
    assert "(commercial: no)" in full
    assert "active 22B" in full
    assert index.endswith("\n")
    assert not index.endswith("\n\n")


def test_llms_links_with_a_base_url(mini: Catalog, tmp_path: Path) -> None:
    written = write_llms(mini, tmp_path / "llms", "en", base_url="https://example.org/ja-llm")
    assert [p.relative_to(tmp_path / "llms").as_posix() for p in written] == ["en/llms.txt", "en/llms-full.txt"]
    text = written[0].read_text(encoding="utf-8")
    assert "- [Alpha](https://example.org/ja-llm/en/models/acme/alpha/): 2024; Acme; params 7B–47B" in text
    assert "- [ja](https://example.org/ja-llm/llms.txt): this file in ja\n" in text
    assert "[llms-full.txt](https://example.org/ja-llm/en/llms-full.txt)" in text
    assert text.startswith("# Overview of Japanese LLMs\n\n> A catalog for tests\n")


def test_hostile_texts_stay_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hostile catalog's texts (HTML, `javascript:` links, quotes) make no link or HTML in llms.txt and no
    formula in the CSV file for Excel. (Its `javascript:` links are refused by validate: that one check is
    switched off to load it, as the site's tests do.)"""
    from ja_llm.catalog import checks

    monkeypatch.setattr(checks, "_link_problem", lambda url: None)
    hostile = Catalog.load(Path(__file__).parent / "data" / "hostile-catalog")
    folder = tmp_path / "危険"
    write_all(hostile, folder)
    for path in (folder / "llms.txt", folder / "llms-full.txt"):
        text = path.read_text(encoding="utf-8")
        assert "javascript:" in text.lower()  # the texts are there …
        assert not re.search(r"(?<!\\)\]\((?i:javascript)", text)  # … as text: no link
        assert not re.search(r"(?<!\\)<(svg|img)", text)  # no HTML
    write_csv(hostile, folder / "excel.csv", excel=True)
    rows = list(csv.reader(io.StringIO((folder / "excel.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert json.loads((folder / "api" / "catalog.json").read_text(encoding="utf-8"))["entries"]


# --- determinism and outputs ------------------------------------------------------------------------------


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        names = [row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")]
        return {name: sorted(connection.execute(f'select * from "{name}"').fetchall(), key=repr) for name in names}
    finally:
        connection.close()


def test_exports_are_deterministic(exported: Path, shipped: Catalog, tmp_path: Path) -> None:
    again = tmp_path / "二回目"
    (again / "en").mkdir(parents=True)
    (again / "en" / "index.html").write_text("a page of the site", encoding="utf-8")
    written = write_all(shipped, again)
    assert (again / "en" / "index.html").read_text(encoding="utf-8") == "a page of the site"  # folder kept
    texts = [p for p in written if p.suffix in (".json", ".csv", ".txt")]
    assert len(texts) == len(written) - 1  # everything but catalog.db
    for path in texts:
        assert path.read_bytes() == (exported / path.relative_to(again)).read_bytes(), path
    assert _tables(again / "catalog.db") == _tables(exported / "catalog.db")


def test_unwritable_outputs_are_output_errors(mini: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "フォルダ"
    folder.mkdir()
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(OutputError):
        write_sqlite(mini, folder)
    with pytest.raises(OutputError):
        write_sqlite(mini, tmp_path / "file" / "catalog.db")
    with pytest.raises(OutputError):
        write_csv(mini, folder)
    with pytest.raises(OutputError):
        write_datasette_metadata(mini, folder)
    with pytest.raises(OutputError):
        write_api(mini, tmp_path / "file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "フォルダ"]  # no temporary file left
    assert list(folder.iterdir()) == []


def test_the_sqlite_export_writes_the_same_database_without_numpy(tmp_path: Path) -> None:
    """sqlite-utils is imported without numpy and pandas (export._sqlite_utils: they cost the build 12 MB and
    0.06 s, for types the export never passes); a later `import numpy` works, and the database is the same
    bytes as one written by a process that imported numpy first."""
    script = (
        "import sys; from pathlib import Path; first = sys.argv[1] == 'numpy'\n"
        "if first: import numpy\n"
        "from ja_llm.api import Catalog; from ja_llm.export.sqlite_db import write_sqlite\n"
        "print('numpy' in sys.modules, 'pandas' in sys.modules)\n"
        "import numpy; print(numpy.zeros(2).sum())\n"
        "write_sqlite(Catalog.load(), Path(sys.argv[2]))\n"
    )
    outputs = {}
    for first in ("numpy", "none"):
        target = tmp_path / f"データ-{first}.db"
        done = subprocess.run([sys.executable, "-c", script, first, str(target)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs[first] = (done.stdout.split("\n")[:2], target.read_bytes())
    assert outputs["none"][0] == ["False False", "0.0"]  # sqlite-utils imported neither; numpy imports after
    assert outputs["numpy"][0] == ["True False", "0.0"]
    assert outputs["none"][1] == outputs["numpy"][1]
