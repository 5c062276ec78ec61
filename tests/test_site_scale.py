"""The index page at scale: its weight does not grow with the catalog beyond its first page of rows (the
other rows are in data/rows/<lang>/<n>.html, the filter columns in data/entries/<n>.json), and every entry is
reachable through the shards. Synthetic catalogs of 300 and 1,500 entries made from tests/data/mini-catalog."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ja_llm.api import Catalog
from ja_llm.site.build import PAGE_SIZE, SHARD_SIZE, SiteBuilder

from site_fixtures import MINI, Parsed

ENTRY = """section = "generative-general"
position = {i}
name = "Scale {i}"
year = {year}
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
label = "{size}b"
repo = "acme/scale-{i}"
size = "{size}b"
"""


def synthetic(target: Path, count: int) -> Catalog:
    """The mini catalog with `count` entries more (some of every year and size: the filters find them)."""
    shutil.copytree(MINI, target)
    folder = target / "models" / "acme"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = ENTRY.format(i=1000 + i, year=2020 + i % 6, size=1 + i % 70)
        (folder / f"scale-{i}.toml").write_text(text, encoding="utf-8")
    return Catalog.load(target)


def index_build(catalog: Catalog) -> dict[str, str]:
    """The index pages and the data of a site (what the index page loads), as SiteBuilder renders them."""
    return SiteBuilder(catalog).index_files()


def row_ids(html: str) -> list[str]:
    parser = Parsed()
    parser._in_rows = True  # a fragment of the index's tbody#entry-rows
    parser.feed(html)
    parser.close()
    return parser.row_ids


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Catalog, dict[str, str]]]:
    out = {}
    for count in (300, 1500):
        catalog = synthetic(tmp_path_factory.mktemp(f"scale-{count}") / "catalog", count)
        out[count] = (catalog, index_build(catalog))
    return out


def test_the_index_page_weight_does_not_grow_with_the_catalog(builds: dict) -> None:
    small, large = builds[300][1], builds[1500][1]
    for path in [p for p in small if p.endswith("index.html") and "/page/" not in "/" + p and p.count("/") <= 1]:
        a, b = len(small[path].encode()), len(large[path].encode())
        assert abs(b - a) <= 2_000, f"{path}: {a:,} bytes at 300 entries, {b:,} at 1,500"
        assert len(row_ids(large[path])) == PAGE_SIZE
    a, b = len(small["data/entries.json"]), len(large["data/entries.json"])
    assert abs(b - a) <= 200, (a, b)  # the spec and the shard count: no entry


def test_every_entry_is_reachable_through_the_shards(builds: dict) -> None:
    catalog, pages = builds[1500]
    order = [r["id"] for r in SiteBuilder(catalog).records]
    assert set(order) == set(catalog.entries)
    spec = json.loads(pages["data/entries.json"])
    assert spec["total"] == len(order)
    assert spec["shard_size"] == SHARD_SIZE
    assert spec["shards"] == -(-len(order) // SHARD_SIZE) > 2
    columns = [json.loads(pages[f"data/entries/{n}.json"]) for n in range(spec["shards"])]
    assert [entry_id for shard in columns for entry_id in shard["ids"]] == order
    assert [shard["start"] for shard in columns] == list(range(0, len(order), SHARD_SIZE))
    for lang in catalog.info.languages:
        shards = [row_ids(pages[f"data/rows/{lang}/{n}.html"]) for n in range(spec["shards"])]
        assert not any(path.startswith(f"data/rows/{lang}/{spec['shards']}.") for path in pages)
        assert [entry_id for ids in shards for entry_id in ids] == order, lang
        assert all(len(ids) == SHARD_SIZE for ids in shards[:-1])
