"""The columnar, lazily read index of `ja-llm search` (search/index.py): the same answers as loading every
record and running query.py over them, byte for byte, in every output format, over many generated queries
(mini, fixture and shipped catalogs); a changed catalog gets a new index; a damaged, cut-off or extended
index file is never used; the file is written atomically."""

from __future__ import annotations

import io
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ja_llm.catalog.load import load_catalog
from ja_llm.catalog.location import shipped_catalog
from ja_llm.cli import main
from ja_llm.search import index as index_module
from ja_llm.search.index import ColumnFile, DamagedIndex, StoredRecords, open_index
from ja_llm.search.output import emit
from ja_llm.search.query import FILTERS, KIND_NAMES, SORT_KEYS, SWITCHES, Query, run_query
from ja_llm.search.records import build_meta, build_records

from site_fixtures import build_fixture_catalog

MINI = Path(__file__).resolve().parent / "data" / "mini-catalog"
FORMATS = ("--json", "--csv", "--ids", "--table")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JA_LLM_CACHE_DIR", str(folder))
    return folder


# --- the old path: every record in memory, query.py over them, then printed --------------------------------------


class Reference:
    """Today's answer: the catalog loaded, every record compiled in memory, run_query, emit."""

    def __init__(self, root: Path) -> None:
        catalog = load_catalog(root)
        self.records, self.meta = build_records(catalog), build_meta(catalog)

    def output(self, text: str | None, filters: dict[str, Any], options: dict[str, Any], fmt: str) -> str:
        lang = options.get("lang") or self.meta["languages"][0]
        query = Query(
            text,
            filters,
            False,
            options.get("sort", "catalog"),
            options.get("desc", False),
            options.get("limit"),
            lang,
            switches=options.get("switches", ()),
        )
        out = io.StringIO()
        emit(run_query(self.records, self.meta, query), fmt.removeprefix("--"), lang, write=out.write)
        return out.getvalue()


def cli_args(text: str | None, filters: dict[str, Any], options: dict[str, Any], fmt: str) -> list[str]:
    args: list[str] = []
    by_name = {f.name: f for f in FILTERS}
    for name, value in filters.items():
        option = "--" + name.replace("_", "-")
        args += [option] if by_name[name].flag else [option, str(value)]
    for switch in options.get("switches", ()):
        args.append("--" + switch.replace("_", "-"))
    if "sort" in options:
        args += ["--sort", options["sort"]]
    if options.get("desc"):
        args.append("--desc")
    if options.get("limit") is not None:
        args += ["--limit", str(options["limit"])]
    if options.get("lang"):
        args += ["--lang", options["lang"]]
    return [*args, fmt] + (["--", text] if text is not None else [])  # `--`: a text may start with `-`


def _pieces(texts: list[str], rng: random.Random) -> str:
    """A word or a piece of one (1 to 6 characters: shorter than a trigram too) of one of the texts."""
    text = rng.choice([t for t in texts if t.strip()] or ["x"])
    words = text.split()
    word = rng.choice(words) if words else text
    if rng.random() < 0.5 or len(word) <= 2:
        return word
    start = rng.randrange(len(word))
    return word[start : start + rng.randint(1, 6)]


def generated_queries(
    ref: Reference, count: int, seed: int
) -> list[tuple[str | None, dict[str, Any], dict[str, Any], str]]:
    """Random valid queries: text (one or two words, pieces of words, names), 0-3 filters with values from
    the catalog's vocabularies and records, switches, sorts, --desc, --limit, --lang and an output format."""
    rng = random.Random(seed)
    records, meta = ref.records, ref.meta
    texts = [r["norm"]["text"] for r in records]
    values: dict[str, list[Any]] = {
        "section": list(KIND_NAMES) + list(meta["section_order"]),
        "commercial": ["yes", "any"],
        "license": sorted(meta["licenses"]),
        "min_params": ["100m", "1b", "7b", "13b", "70b", "300b"],
        "max_params": ["500m", "3b", "8b", "70b"],
        "year": sorted({r["year"] for r in records if r["year"]}) or [2024],
        "since": sorted({r["year"] for r in records if r["year"]}) or [2024],
        "developer": [*sorted(meta["developers"]), _pieces([r["norm"]["developers"] for r in records], rng)],
        "arch": ["llama", "bert", "moe", "transformer", "mistral"],
        "base_model": ["qwen", "llama", "mistral", "gemma", "qwen3"],
        "hf": [True],
        "domain": ["医療", "finance", "法", "code"],
        "min_context": ["2048", "8k", "32,768", "4096"],
    }
    queries = []
    for _ in range(count):
        text = None
        if rng.random() < 0.5:
            words = [_pieces(texts, rng) for _ in range(rng.choice((1, 1, 2)))]
            text = " ".join(words)
        filters: dict[str, Any] = {}
        for name in rng.sample(list(values), rng.choice((0, 1, 1, 2, 3))):
            choice = rng.choice(values[name])
            if name in ("arch", "base_model", "domain") and rng.random() < 0.5:
                column = {"arch": "architecture"}.get(name, name)
                choice = _pieces([r["norm"][column] for r in records], rng) or choice
            filters[name] = choice
        options: dict[str, Any] = {}
        if rng.random() < 0.3:
            options["switches"] = rng.sample([s.name for s in SWITCHES], rng.randint(1, len(SWITCHES)))
        if rng.random() < 0.6:
            options["sort"] = rng.choice(SORT_KEYS)
        options["desc"] = rng.random() < 0.3
        if rng.random() < 0.4:
            options["limit"] = rng.choice((0, 1, 3, 20))
        if rng.random() < 0.3:
            options["lang"] = rng.choice(meta["languages"])
        queries.append((text, filters, options, rng.choice(FORMATS)))
    return queries


def _check_same_as_today(root: Path, count: int, seed: int) -> None:
    ref = Reference(root)
    runner = CliRunner()
    warm = runner.invoke(main, ["search", "--data", str(root), "--ids"])  # builds the index file
    assert warm.exit_code == 0, warm.output
    index = open_index(root)
    assert index.cached is True
    assert isinstance(index.records, StoredRecords)
    index.records.close()
    nonempty = 0
    for text, filters, options, fmt in generated_queries(ref, count, seed):
        expected = ref.output(text, filters, options, fmt)
        args = cli_args(text, filters, options, fmt)
        result = runner.invoke(main, ["search", "--data", str(root), *args])
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout == expected, args
        nonempty += expected.strip() not in ("", "[]", "id,name,year,developer,params,commercial,repos")
    assert nonempty >= count // 5  # the generated queries do find entries


def test_same_output_as_loading_every_record_on_the_mini_catalog(cache: Path) -> None:
    _check_same_as_today(MINI, 120, 1)


def test_same_output_as_loading_every_record_on_the_fixture_catalog(cache: Path, tmp_path: Path) -> None:
    _check_same_as_today(build_fixture_catalog(tmp_path / "fixture"), 300, 2)


def test_same_output_as_loading_every_record_on_the_shipped_catalog(cache: Path) -> None:
    _check_same_as_today(shipped_catalog(), 300, 3)


def test_a_cached_search_reads_only_the_records_it_shows(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shipped_catalog()
    open_index(root)  # builds
    read: list[int] = []
    real = ColumnFile.record

    def counting(self: ColumnFile, i: int) -> dict:
        read.append(i)
        return real(self, i)

    monkeypatch.setattr(ColumnFile, "record", counting)
    result = CliRunner().invoke(main, ["search", "--data", str(root), "--sort", "params", "--limit", "3", "--ids"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 3
    assert len(read) == 3


# --- never stale ---------------------------------------------------------------------------------------------------


def test_a_changed_catalog_file_gets_a_new_index(cache: Path, tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    first = open_index(root)
    assert first.cached is False
    assert open_index(root).cached is True
    path = root / "models" / "acme" / "alpha.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("year = 2024", "year = 2019"), encoding="utf-8")
    second = open_index(root)
    assert second.key != first.key
    assert second.cached is False
    assert sorted(p.name for p in cache.glob("index-*.columns")) == sorted(
        [f"index-{first.key}.columns", f"index-{second.key}.columns"]
    )
    result = CliRunner().invoke(main, ["search", "--data", str(root), "--year", "2019", "--ids"])
    assert result.stdout.splitlines() == ["models/acme/alpha"]


# --- a damaged index file is never used ----------------------------------------------------------------------------


def _index_file(cache: Path) -> Path:
    [path] = list(cache.glob("index-*.columns"))
    return path


def _answer(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["search", *args, "--data", str(root), "--json"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _sound(path: Path) -> bool:
    try:
        records = StoredRecords(path)
    except (OSError, ValueError, EOFError, KeyError, TypeError):
        return False
    try:
        records.stored.verify()
        return True
    except DamagedIndex:
        return False
    finally:
        records.close()


@pytest.mark.parametrize("cut", [0, 10, 0.5, -1])
def test_a_truncated_index_file_is_rebuilt(cache: Path, cut: float) -> None:
    root = shipped_catalog()
    expected = _answer(root, "sarashina")
    path = _index_file(cache)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut) if isinstance(cut, float) else cut if cut >= 0 else len(data) - 1])
    assert open_index(root).cached is False  # refused on opening, rebuilt and written anew
    assert _sound(path)
    assert open_index(root).cached is True
    assert _answer(root, "sarashina") == expected


def test_an_extended_index_file_is_rebuilt(cache: Path) -> None:
    root = shipped_catalog()
    open_index(root)
    path = _index_file(cache)
    path.write_bytes(path.read_bytes() + b"\0")
    assert open_index(root).cached is False


def test_every_damaged_byte_is_detected_and_answers_stay_right(cache: Path, tmp_path: Path) -> None:
    """Flipped bits anywhere in the file: verify() always sees them (every byte is under a checksum), and a
    search whose query reads the damaged part answers exactly as with a sound file (200 trials, fixed seed)."""
    root = build_fixture_catalog(tmp_path / "fixture")
    queries = [("omega", "--sort", "params"), ("--commercial", "--min-params", "1b"), ("--license", "apache-2.0")]
    expected = [_answer(root, *q) for q in queries]
    path = _index_file(cache)
    original = path.read_bytes()
    rng = random.Random(20261129)
    for trial in range(200):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(damaged))
            damaged[position] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(damaged))
        assert not _sound(path), trial
        for query, answer in zip(queries, expected, strict=True):
            assert _answer(root, *query) == answer, (trial, query)
        path.write_bytes(original)


def _damage_section(path: Path, name: str) -> None:
    stored = ColumnFile(path)
    offset, length, _, _ = stored._sections[name]
    position = stored._base + offset + length // 2
    stored.close()
    data = bytearray(path.read_bytes())
    data[position] ^= 0x40
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("section", "args"),
    [
        ("text:blob", ("sarashina",)),
        ("column:year", ("--year", "2024")),
        ("variant:params", ("--min-params", "7b")),
        ("records:offsets", ("--limit", "2")),
    ],
)
def test_a_query_meeting_a_damaged_section_rebuilds_the_index(cache: Path, section: str, args: tuple[str, ...]) -> None:
    root = shipped_catalog()
    expected = _answer(root, *args)
    path = _index_file(cache)
    _damage_section(path, section)
    assert not _sound(path)
    assert _answer(root, *args) == expected
    assert _sound(path)  # rebuilt and written anew
    assert open_index(root).cached is True


def test_a_damaged_record_of_a_match_rebuilds_the_index(cache: Path) -> None:
    root = shipped_catalog()
    expected = _answer(root, "sarashina2")
    index = open_index(root)
    first = run_query(index.records, index.meta, Query("sarashina2"))[0].index
    assert isinstance(index.records, StoredRecords)
    stored = index.records.stored
    position = stored._base + (stored._offsets[first] + stored._offsets[first + 1]) // 2
    index.records.close()
    path = _index_file(cache)
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))
    assert _answer(root, "sarashina2") == expected
    assert _sound(path)


# --- written atomically ----------------------------------------------------------------------------------------------


def test_the_index_file_is_written_atomically(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that fails half-way leaves no index file and no temporary file; the search still answers."""
    root = shipped_catalog()
    real = index_module._sections

    def failing(records: Any, meta: Any) -> Any:
        for count, section in enumerate(real(records, meta)):
            if count == 5:
                raise OSError("disk full")
            yield section

    monkeypatch.setattr(index_module, "_sections", failing)
    expected = Reference(root).output("sarashina", {}, {}, "--ids")
    result = CliRunner().invoke(main, ["search", "sarashina", "--data", str(root), "--ids"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    assert not list(cache.glob("index-*"))
    assert not list(cache.glob(".*"))
    monkeypatch.setattr(index_module, "_sections", real)
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def recording(src: Any, dst: Any) -> None:
        replaced.append((os.path.basename(src), os.path.basename(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(index_module.os, "replace", recording)
    open_index(root)
    assert any(dst.startswith("index-") and src.startswith(".index-") for src, dst in replaced)
