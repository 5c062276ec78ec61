"""`ja-llm hub discover`: the real huggingface_hub client lists the fake Hub of tests/fake_hub.py; the
candidates of a small catalog (in a folder with a non-ASCII name), their reasons, order and drafts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fake_hub import FakeHub, FakeRepo, closed_port, point_client_at, running_hub
from ja_llm.cli import main
from ja_llm.hub.client import ListedModel
from ja_llm.hub.discover import (
    finetune_bases,
    japanese_marker,
    listing_limit,
    rank,
    reasons_for,
    score,
)

MINI = Path(__file__).parent / "data" / "mini-catalog"

BETA = """\
section = "generative-general"
position = 20
name = "Beta"
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
size = "1b"
repo = "Kaisha/Beta-JA-1B"
aliases = ["acme/beta-old-ja"]
"""

EXPECTED = [  # (id, reasons), best first
    ("someone/alpha-7b-ja-instruct", ["language", "base", "name"]),  # 8
    ("old/ja-model-2023", ["language", "name"]),  # 5, 50 downloads
    ("tie/c-ja", ["language", "name"]),  # 5, newer than a and b
    ("tie/a-ja", ["language", "name"]),  # 5, same day as b: by id
    ("tie/b-ja", ["language", "name"]),
    ("acme/gamma-2b", ["language", "author"]),  # 4
    ("other/alpha-gguf", ["language"]),  # 3: a quantized copy is not a fine-tune
    ("other/japanese-bert", ["name"]),  # 2, 100 downloads
    ("Kaisha/chat-model", ["card", "author"]),  # 2, 10 downloads
    ("Kaisha/tiny-llm", ["author"]),  # 1, however popular
]


def fake_repos() -> list[FakeRepo]:
    return [
        # in the catalog: a variant's repo, another case of one, an alias in another case
        FakeRepo("acme/alpha-7b", tags=["ja"], downloads=10**5),
        FakeRepo("acme/alpha-8x7b-instruct", downloads=10**4),
        FakeRepo("kaisha/beta-ja-1b", tags=["ja"], downloads=10**4),
        FakeRepo("Acme/Beta-Old-JA", tags=["ja"], downloads=10**4),
        # candidates
        FakeRepo(
            "someone/alpha-7b-ja-instruct",
            tags=["ja", "base_model:acme/alpha-7b", "base_model:finetune:acme/alpha-7b"],
            card_data={"language": ["ja"], "base_model": "acme/alpha-7b", "license": "apache-2.0"},
            downloads=500,
            likes=10,
            parameters=7_241_732_096,
            created_at="2025-06-01T00:00:00.000Z",
        ),
        FakeRepo("old/ja-model-2023", tags=["ja"], downloads=50, created_at="2023-01-01T00:00:00.000Z"),
        FakeRepo("tie/b-ja", tags=["ja"], created_at="2025-03-01T08:00:00.000Z"),
        FakeRepo("tie/a-ja", tags=["ja"], created_at="2025-03-01T10:00:00.000Z"),
        FakeRepo("tie/c-ja", tags=["ja"], created_at="2025-03-02T00:00:00.000Z"),
        FakeRepo("acme/gamma-2b", tags=["ja"], downloads=1000, created_at="2025-02-01T00:00:00.000Z"),
        FakeRepo(
            "other/alpha-gguf",
            tags=["ja", "gguf", "base_model:quantized:acme/alpha-7b"],
            card_data={"base_model": "acme/alpha-7b"},
            downloads=300,
            created_at="2025-04-01T00:00:00.000Z",
        ),
        FakeRepo("other/japanese-bert", pipeline_tag="fill-mask", downloads=100),
        FakeRepo(
            "Kaisha/chat-model",
            card_data={"datasets": ["kunishou/databricks-dolly-15k-ja"]},
            downloads=10,
            created_at="2025-01-01T00:00:00.000Z",
        ),
        FakeRepo(
            "Kaisha/tiny-llm",
            downloads=10**6,
            likes=5000,
            created_at="2024-12-31T00:00:00.000Z",
            last_modified="2025-05-01T00:00:00.000Z",
        ),
        # never candidates: found by the `-ja` search without a Japanese marker; not Japanese at all
        FakeRepo("ai21labs/AI21-Jamba-1.5-Mini", downloads=10**5),
        FakeRepo("nobody/english-model", tags=["en"], downloads=10**6),
    ]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with running_hub(fake_repos(), monkeypatch, tmp_path / "hf-home") as fake:
        yield fake


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "カタログ・発見"
    shutil.copytree(MINI, root)
    (root / "models" / "acme" / "beta.toml").write_text(BETA, encoding="utf-8")
    assert run("validate", "--data", root, "--strict").exit_code == 0
    return root


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def discovered(*args: object) -> dict:
    result = run("hub", "discover", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.toml"))}


# --- the candidates --------------------------------------------------------------------------------------


def test_the_candidates_in_order_with_their_reasons(hub: FakeHub, catalog: Path) -> None:
    data = discovered("--data", catalog)
    assert [(c["id"], c["reasons"]) for c in data["candidates"]] == EXPECTED
    first = data["candidates"][0]
    assert first["why"][1] == "fine-tuned from acme/alpha-7b (models/acme/alpha)"
    assert first["size"] == "7.24b"
    assert first["downloads"] == 500
    assert first["likes"] == 10
    assert first["created_at"] == "2025-06-01"
    assert first["url"] == "https://huggingface.co/someone/alpha-7b-ja-instruct"
    assert data["candidates"][8]["why"][0] == "Japanese in the card data (datasets: ja)"
    assert data["candidates"][-1]["last_modified"] == "2025-05-01"
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert data["catalogued"] == 4
    assert data["written"] == []


def test_nothing_the_catalog_has_aliases_and_case_included(hub: FakeHub, catalog: Path) -> None:
    ids = {c["id"].lower() for c in discovered("--data", catalog)["candidates"]}
    assert not ids & {"acme/alpha-7b", "acme/alpha-8x7b-instruct", "kaisha/beta-ja-1b", "acme/beta-old-ja"}
    assert "ai21labs/ai21-jamba-1.5-mini" not in ids  # found by the `-ja` search, but no reason
    assert "nobody/english-model" not in ids


def test_the_listings_made(hub: FakeHub, catalog: Path) -> None:
    data = discovered("--data", catalog)
    assert [x["label"] for x in data["listings"]] == [
        "language ja",
        "search japanese",
        "search -ja",
        "search -jp",
        "author acme",  # 2 catalogued repos
        "author Kaisha",  # 1
    ]
    assert all(x["error"] is None for x in data["listings"])
    language = hub.listings[0]
    assert language["filter"] == ["ja"]
    assert language["sort"] == ["downloads"]
    assert language["limit"] == ["200"]  # 4 × the default --limit 50
    assert {"cardData", "safetensors", "createdAt", "downloads", "likes"} <= set(language["expand"])
    assert [q.get("author") for q in hub.listings[4:]] == [["acme"], ["Kaisha"]]
    # fewer authors: the one with the most catalogued repos
    data = discovered("--data", catalog, "--authors", "1")
    assert data["listings"][-1]["label"] == "author acme"
    ids = [c["id"] for c in data["candidates"]]
    assert not {"Kaisha/tiny-llm", "Kaisha/chat-model"} & set(ids)  # only found through Kaisha's list


def test_since_keeps_models_created_on_or_after_the_date(hub: FakeHub, catalog: Path) -> None:
    data = discovered("--data", catalog, "--since", "2025-01-01")
    assert [c["id"] for c in data["candidates"]] == [
        "someone/alpha-7b-ja-instruct",
        "tie/c-ja",
        "tie/a-ja",
        "tie/b-ja",
        "acme/gamma-2b",
        "other/alpha-gguf",
        "Kaisha/chat-model",  # created on the day itself
    ]  # Kaisha/tiny-llm was modified in 2025 but created in 2024
    assert {q["sort"][0] for q in hub.listings} == {"createdAt"}  # the newest first
    assert data["since"] == "2025-01-01"
    bad = run("hub", "discover", "--data", catalog, "--since", "yesterday")
    assert bad.exit_code == 2
    assert "YYYY-MM-DD" in bad.output or "%Y-%m-%d" in bad.output


def test_limit_caps_the_output_and_the_listings(hub: FakeHub, catalog: Path) -> None:
    data = discovered("--data", catalog, "--limit", "3")
    assert [c["id"] for c in data["candidates"]] == [id_ for id_, _ in EXPECTED[:3]]
    assert {q["limit"][0] for q in hub.listings} == {"12"}
    assert listing_limit(1000) == 1000
    assert run("hub", "discover", "--data", catalog, "--limit", "0").exit_code == 2


def test_the_table(hub: FakeHub, catalog: Path) -> None:
    result = run("hub", "discover", "--data", catalog)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "score", "reasons", "downloads", "likes", "created", "size"]
    assert lines[1].split() == [
        "someone/alpha-7b-ja-instruct",
        "8.35",
        "language,base,name",
        "500",
        "10",
        "2025-06-01",
        "7.24b",
    ]
    assert len(lines) == 1 + len(EXPECTED)
    assert "10 candidate(s) from" in result.stderr
    assert "4 already in the catalog" in result.stderr


# --- drafts ----------------------------------------------------------------------------------------------


def test_write_drafts_writes_valid_drafts_and_skips_a_failure(hub: FakeHub, catalog: Path) -> None:
    result = run("hub", "discover", "--data", catalog, "--write-drafts", "--json")
    assert result.exit_code == 1, result.output  # one candidate could not be drafted
    data = json.loads(result.stdout)
    assert [f["repo"] for f in data["draft_failures"]] == ["other/japanese-bert"]  # no section for fill-mask
    assert "no section fits" in data["draft_failures"][0]["error"]
    drafted = [d["repo"] for d in data["drafts"]]
    assert drafted == [id_ for id_, _ in EXPECTED if id_ != "other/japanese-bert"]
    text = (catalog / "models/someone/alpha-7b-ja-instruct.toml").read_text(encoding="utf-8")
    assert "reviewed = false" in text
    assert 'base_model = "Alpha (**7b**)"' in text
    assert 'repo = "someone/alpha-7b-ja-instruct"' in text
    assert (catalog / "models/acme/gamma-2b.toml").is_file()  # a known author: its organization
    assert 'developers = ["acme"]' in (catalog / "models/acme/gamma-2b.toml").read_text(encoding="utf-8")
    assert 'id = "someone"' in (catalog / "organizations.toml").read_text(encoding="utf-8")
    validate = run("validate", "--data", catalog)
    assert validate.exit_code == 0, validate.output
    assert "0 error(s)" in validate.output
    assert "draft: check the facts" in validate.output
    # a second run finds none of them: they are in the catalog now
    again = discovered("--data", catalog)
    assert [c["id"] for c in again["candidates"]] == ["other/japanese-bert"]


def test_write_drafts_as_ja_llm_add_writes_them(hub: FakeHub, catalog: Path, tmp_path: Path) -> None:
    other = tmp_path / "add"
    shutil.copytree(catalog, other)
    assert run("hub", "discover", "--data", catalog, "--limit", "1", "--write-drafts").exit_code == 0
    assert run("add", "someone/alpha-7b-ja-instruct", "--data", other).exit_code == 0
    assert files(catalog) == files(other)


# --- errors ----------------------------------------------------------------------------------------------


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """huggingface_hub's own backoff of the listings (on a refused connection, 429 and 5xx), made instant."""
    from huggingface_hub.utils import _http

    found: list[float] = []
    monkeypatch.setattr(_http.time, "sleep", found.append)
    return found


def test_an_unreachable_hub_is_one_error(
    catalog: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, waits: list[float]
) -> None:
    point_client_at(monkeypatch, f"http://127.0.0.1:{closed_port()}", tmp_path / "hf-home")
    before = files(catalog)
    result = run("hub", "discover", "--data", catalog, "--write-drafts")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.count("error: ") == 1
    assert "cannot reach" in result.stderr
    assert "hint: " in result.stderr
    assert result.stdout == ""
    assert files(catalog) == before
    assert len(waits) == 5  # huggingface_hub's retries of the first listing, then the run ends


def test_a_refused_listing_is_reported_and_the_others_go_on(
    hub: FakeHub, catalog: Path, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    from fake_hub import _Handler

    original = _Handler.list_models

    def refuse_authors(self: _Handler, method: str, query: dict[str, list[str]]) -> None:
        if query.get("author"):
            self._json(500, {"error": "boom"})
            return
        original(self, method, query)

    monkeypatch.setattr(_Handler, "list_models", refuse_authors)
    result = run("hub", "discover", "--data", catalog, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [x["label"] for x in data["listings"] if x["error"]] == ["author acme", "author Kaisha"]
    assert "author acme: the Hub answered HTTP 500" in result.stderr
    assert data["candidates"][0]["id"] == "someone/alpha-7b-ja-instruct"
    assert hub.requests.count(("GET", "/api/models")) == 4 + 2 * 6  # huggingface_hub's 5 retries, no more


# --- the rules -------------------------------------------------------------------------------------------


def test_the_japanese_marker_rule() -> None:
    for text in ("rinna/japanese-gpt-1b", "x/llama-3-ja", "x/bert_jp", "llm-jp/llm-jp-3-1.8b", "x/gpt2ja", "日本語"):
        assert japanese_marker(text), text
    assert japanese_marker("x/model-JA-v1") == "JA"
    assert japanese_marker("こんにちは") == "こ"
    for text in ("ai21labs/Jamba", "x/ninja-7b", "x/jpeg-codec", "x/raja", "Qwen/Qwen2.5-7B", "中文模型"):
        assert japanese_marker(text) is None, text


def test_bases_reasons_and_score() -> None:
    model = ListedModel(
        "x/y",
        tags=["base_model:finetune:A/B", "base_model:quantized:C/D", "base_model:E/F"],
        card_data={"base_model": ["C/D", "G/H"]},
    )
    assert finetune_bases(model) == ["A/B", "E/F", "G/H"]  # C/D is only quantized
    reasons, why = reasons_for(model, {"a/b": "models/a/b"}, ["X"])
    assert reasons == ["base", "author"]
    assert why[0] == "fine-tuned from A/B (models/a/b)"
    # popularity never outweighs one point of evidence
    assert score(["author"], 10**9, 10**9) == pytest.approx(2.0)
    assert score(["author", "card"], 0, 0) == 2.0
    assert score(["name"], 10**7, 10**5) <= score(["language"], 0, 0)  # saturated: at most a tie
    assert score(["name"], 1000, 0) > score(["name"], 100, 5)
    ranked = rank([])
    assert ranked == []
