"""Shared helpers of the website tests (tests/test_site_build.py, tests/test_site_browser.py).

Building a site into a folder, serving it on 127.0.0.1 with the project's own server, launching Debian's
Chromium through Playwright (never a downloaded browser), reading the rows of the index page, and running
`ja-llm search` for the CLI/site parity checks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
HOSTILE_CATALOG = DATA / "hostile-catalog"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# the flag filters: present in a query as `--name` (CLI) or `name=1` (site)
FLAGS = ("hf", "active", "include_uncertain", "desc")


def chromium_path() -> str:
    return os.environ.get("JA_LLM_CHROMIUM", "/usr/bin/chromium")


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium driven by Playwright; a clear failure (not a skip) when it is not installed."""
    path = chromium_path()
    if not Path(path).is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"Chromium not found at {path} (JA_LLM_CHROMIUM): the browser tests need Debian's chromium; "
            "run `make test`, which installs it (apt-get install chromium fonts-noto-cjk)",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


_BROWSER: list[Any] = []  # [playwright, browser] while one is running


def shared_browser() -> Any:
    """The one Chromium of the test session (Playwright's sync API allows one driver per thread): started by
    the first module that needs it, closed by close_shared_browser at the end of the session."""
    if not _BROWSER:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            _BROWSER[:] = [playwright, launch_chromium(playwright)]
        except BaseException:
            playwright.stop()
            raise
    return _BROWSER[1]


def close_shared_browser() -> None:
    if _BROWSER:
        playwright, browser = _BROWSER
        _BROWSER.clear()
        browser.close()
        playwright.stop()


def build(catalog_dir: Path | None, out: Path) -> Path:
    """Build the website of a catalog folder (None: the shipped catalog) into `out`; returns `out`.

    The hostile catalog's `javascript:` links are refused by validate; to test the site's own defences
    behind it, that one check is switched off while the hostile catalog is loaded."""
    from ja_llm.api import Catalog
    from ja_llm.catalog import checks
    from ja_llm.site import build_site

    if catalog_dir == HOSTILE_CATALOG:
        original = checks._link_problem
        checks._link_problem = lambda url: None  # type: ignore[assignment]
        try:
            catalog = Catalog.load(catalog_dir)
        finally:
            checks._link_problem = original
    else:
        catalog = Catalog.load(catalog_dir)
    build_site(catalog, out)
    return out


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` with ja_llm.site.serve.make_server on 127.0.0.1 (any free port) in a daemon thread; yields the
    base URL (ending with /)."""
    from ja_llm.site.serve import make_server

    server = make_server(site, 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="ja-llm-test-site", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1", host
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def html_pages(site: Path) -> list[Path]:
    """Every page of a site (data/rows/ holds fragments of the index pages, not pages)."""
    return sorted(p for p in site.rglob("*.html") if p.is_file() and p.relative_to(site).parts[0] != "data")


def page_path(site: Path, page: Path) -> str:
    """The URL path of a page relative to the site root: `models/x/y/` for models/x/y/index.html."""
    rel = page.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


# --- a small fixture catalog (tests/data/mini-catalog and the entries below) --------------------------------
# Every filter of ja_llm.search.query has entries it keeps and entries it drops here.

MINI = DATA / "mini-catalog"

EXTRA_LICENSES = """
[[license]]
id = "mit"
name = "MIT"
commercial = "yes"

[[license]]
id = "acme-cond"
name = { ja = "アクメ条件付きライセンス", en = "Acme Conditional License" }
commercial = "conditional"
conditions = { ja = "月間利用者数の上限あり", en = "Monthly active user cap" }
"""

EXTRA_ORGANIZATIONS = """
[[organization]]
id = "kumo"
name = { ja = "雲研究所", en = "Kumo Research" }
"""

EXTRA_SECTIONS = """
[[section]]
id = "autoencoding"
order = 40
kind = "encoder"
title = { ja = "入力テキストの分類", en = "Encoder models" }

[[section]]
id = "autoencoding-general"
parent = "autoencoding"
order = 41
kind = "encoder"
title = { ja = "汎用", en = "General purpose" }

[[section]]
id = "embeddings"
order = 50
kind = "embedding"
title = { ja = "埋め込み", en = "Embeddings" }
"""

# The mini catalog's own entries.
ALPHA = "models/acme/alpha"  # 2024, Llama, apache-2.0, variants 7b and 8x7b (47b)
PAPER = "papers/transformer"  # a paper: no year, no license, no variants

# Entries added by the fixture (file path -> TOML). Two of them live in folders/files with non-ASCII names.
OMEGA = "models/acme/オメガ"
MIXED = "models/acme/mixed"
SCOPED = "models/kumo/scoped"
TINY = "models/雲研究所/小型モデル"
NOSIZE = "models/kumo/nosize"
API = "models/kumo/api-model"
BERT = "models/kumo/kumo-bert"
EMBED = "models/kumo/kumo-embed"
EMBED_SHORT = "models/kumo/kumo-embed-short"

ENTRIES = {
    # MoE sizes: 8x70b (465b) is 465b in total; 355b-A32B and 32b-a3b have active parameters.
    OMEGA: """section = "generative-general"
position = 20
name = { ja = "オメガ", en = "Omega" }
year = 2025
architecture = "MoE"
base_model = "Qwen3 (**235b-A22B**)"
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
label = "8x70b (465b)"
size = "8x70b (465b)"
repo = "acme/omega-8x70b"

[[variants]]
label = "355b-A32B"
size = "355b-A32B"
repo = "acme/omega-355b-a32b"

[[variants]]
label = "32b-a3b"
size = "32b-a3b"
repo = "acme/omega-32b-a3b"
""",
    # apache-2.0 entry with one variant under its own non-commercial license.
    MIXED: """section = "generative-general"
position = 30
name = "Mixed"
year = 2024
architecture = "Llama"
base_model = "Llama 3.1"
developers = ["acme"]

[[licenses]]
id = "apache-2.0"

[[variants]]
label = "7b"
size = "7b"
repo = "acme/mixed-7b"

[[variants]]
label = "13b-nc"
size = "13b"
repo = "acme/mixed-13b-nc"
license = "acme-nc"

[[variants]]
label = "70b"
size = "70b"
repo = "acme/mixed-70b"
""",
    # Scoped licenses: one commercial group (base models), one non-commercial group (instruct models).
    SCOPED: """section = "generative-general"
position = 40
name = { ja = "スコープ", en = "Scoped" }
year = 2025
architecture = "Llama"
developers = ["kumo"]

[[licenses]]
id = "apache-2.0"
scope = { ja = "ベースモデル", en = "base models" }

[[licenses]]
id = "acme-nc"
scope = { ja = "instruct モデル", en = "instruct models" }

[[variants]]
label = "13b"
size = "13b"
repo = "kumo/scoped-13b"

[[variants]]
label = "13b-instruct"
size = "13b"
repo = "kumo/scoped-13b-instruct"
""",
    # `1b(1.4b)`: the parenthesised number is the exact count.
    TINY: """section = "generative-general"
position = 50
name = { ja = "小型モデル", en = "Tiny Model" }
year = 2023
architecture = "GPT-NeoX"
base_model = "Llama 3.1"
domain = { ja = "医療", en = "medical" }
context_length = 8192
training_data = { ja = "雲コーパス合成データ", en = "Kumo synthetic corpus" }
developers = ["kumo"]

[[licenses]]
id = "mit"

[[variants]]
label = "1b"
size = "1b(1.4b)"
repo = "kumo/tiny-1b"
""",
    # No size anywhere, and no year.
    NOSIZE: """section = "generative-general"
position = 60
name = "NoSize"
architecture = "Llama"
developers = ["kumo"]

[[licenses]]
id = "apache-2.0"

[[variants]]
label = "small"
repo = "kumo/nosize-small"

[[variants]]
label = "base"
repo = "kumo/nosize-base"
""",
    # No variants, a size at entry level, a conditional license, not on Hugging Face, two developers.
    API: """section = "generative-general"
position = 70
name = { ja = "APIモデル", en = "API Model" }
url = "https://kumo.example/api"
year = 2025
size = "72b"
context_length = 32768
developers = ["kumo", "acme"]
hf = { status = "no" }

[[licenses]]
id = "acme-cond"
""",
    BERT: """section = "autoencoding-general"
position = 10
name = "Kumo BERT"
year = 2022
architecture = "BERT"
context_length = 512
domain = { ja = "金融", en = "finance" }
developers = ["kumo"]

[[licenses]]
id = "apache-2.0"

[[variants]]
label = "base"
size = "110m"
repo = "kumo/bert-base"
""",
    EMBED: """section = "embeddings"
position = 10
name = "Kumo Embed"
year = 2026
architecture = "BERT"
context_length = 8192
developers = ["kumo"]

[[licenses]]
id = "mit"

[[variants]]
size = "300m"
repo = "kumo/embed-300m"
""",
    EMBED_SHORT: """section = "embeddings"
position = 20
name = "Kumo Embed Short"
year = 2026
context_length = 8191
developers = ["kumo"]

[[licenses]]
id = "mit"

[[variants]]
size = "100m"
repo = "kumo/embed-short"
""",
}

# Catalog order: generative-general (by position), then the paper section (order 30), encoder, embeddings.
ALL = [ALPHA, OMEGA, MIXED, SCOPED, TINY, NOSIZE, API, PAPER, BERT, EMBED, EMBED_SHORT]
GENERATIVE = [ALPHA, OMEGA, MIXED, SCOPED, TINY, NOSIZE, API]
ACME = [ALPHA, OMEGA, MIXED, API]
KUMO = [SCOPED, TINY, NOSIZE, API, BERT, EMBED, EMBED_SHORT]


def build_fixture_catalog(target: Path) -> Path:
    shutil.copytree(MINI, target)
    for name, extra in (
        ("licenses.toml", EXTRA_LICENSES),
        ("organizations.toml", EXTRA_ORGANIZATIONS),
        ("sections.toml", EXTRA_SECTIONS),
    ):
        path = target / name
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    for entry_id, text in ENTRIES.items():
        path = target / f"{entry_id}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


# --- HTML (stdlib parser: the build tests run without a browser) ----------------------------------------


class Parsed(HTMLParser):
    """The parts of a page the build tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.ids: set[str] = set()
        self.row_ids: list[str] = []
        self._in_title = False
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self._in_rows = False
        self._text_stack: list[tuple[str, list[str]]] = []
        self.texts: dict[str, list[str]] = {}  # tag -> texts of those elements (dd, dt, li, td, p, title)

    TEXT_TAGS = ("dd", "dt", "li", "td", "p", "h1", "h2", "small", "a", "option")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "title":
            self._in_title = True
        elif tag == "script":
            self._script, self._script_text = attributes, []
        elif tag == "tbody" and attributes.get("id") == "entry-rows":
            self._in_rows = True
        elif tag == "tr" and self._in_rows and attributes.get("data-id") is not None:
            self.row_ids.append(str(attributes["data-id"]))
        if tag in self.TEXT_TAGS:
            self._text_stack.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        elif tag == "tbody":
            self._in_rows = False
        if tag in self.TEXT_TAGS:
            for k in range(len(self._text_stack) - 1, -1, -1):
                if self._text_stack[k][0] == tag:
                    name, parts = self._text_stack.pop(k)
                    self.texts.setdefault(name, []).append("".join(parts))
                    break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._script is not None:
            self._script_text.append(data)
        for _, parts in self._text_stack:
            parts.append(data)

    def attr_values(self, tag: str, name: str) -> list[str]:
        return [str(a[name]) for t, a in self.tags if t == tag and a.get(name) is not None]

    def meta(self, name: str) -> list[str]:
        return [str(a.get("content")) for t, a in self.tags if t == "meta" and a.get("name") == name]

    def meta_http_equiv(self, name: str) -> list[str]:
        return [
            str(a.get("content"))
            for t, a in self.tags
            if t == "meta" and str(a.get("http-equiv", "")).lower() == name.lower()
        ]


def parse(path: Path) -> Parsed:
    parser = Parsed()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def shard_row_ids(site: Path, lang: str) -> list[list[str]]:
    """The entry ids of the rows of each shard of the index of `lang` (data/rows/<lang>/<n>.html), by shard."""
    folder = site / "data" / "rows" / lang
    shards = []
    for number in range(len(list(folder.glob("*.html")))):
        parser = Parsed()
        parser._in_rows = True  # a fragment: the rows of the index's tbody#entry-rows
        parser.feed((folder / f"{number}.html").read_text(encoding="utf-8"))
        parser.close()
        shards.append(parser.row_ids)
    return shards


def shard_entries(shard: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of a shard of the filter columns (data/entries/<n>.json: stored column by column, a column
    of repeated values as its distinct values and a code per entry), one dict each: `id`, every column and
    `variants` (each a dict of the variant fields)."""

    def values(stored: Any) -> list[Any]:
        return stored if isinstance(stored, list) else [stored["values"][code] for code in stored["codes"]]

    ids = shard["ids"]
    columns = {name: values(stored) for name, stored in shard["columns"].items()}
    counts = shard["variants"]["counts"]
    fields = {name: values(stored) for name, stored in shard["variants"]["fields"].items()}
    assert all(len(column) == len(ids) for column in columns.values()), "a column of another length"
    assert len(counts) == len(ids)
    assert all(len(field) == sum(counts) for field in fields.values()), "a variant field of another length"
    entries, first = [], 0
    for k, entry_id in enumerate(ids):
        entry: dict[str, Any] = {"id": entry_id, **{name: column[k] for name, column in columns.items()}}
        entry["variants"] = [
            {name: field[j] for name, field in fields.items()} for j in range(first, first + counts[k])
        ]
        first += counts[k]
        entries.append(entry)
    return entries


# --- queries: the same search through the CLI and through the site ----------------------------------------


def cli_args(params: dict[str, str]) -> list[str]:
    """`ja-llm search` arguments for URL parameters: q -> the text, name=v -> --name v, flags -> --name."""
    args: list[str] = []
    if params.get("q"):
        args.append(params["q"])
    for name, value in params.items():
        if name == "q":
            continue
        option = "--" + name.replace("_", "-")
        if name in FLAGS:
            if value in ("1", "true", "on"):
                args.append(option)
        else:
            args += [option, value]
    return args


def cli_ids(params: dict[str, str], data: Path | None = None) -> list[str]:
    """The ids `ja-llm search ... --ids` prints, in its order."""
    from click.testing import CliRunner

    from ja_llm.cli import main

    args = ["search", *cli_args(params), "--ids"]
    if data is not None:
        args += ["--data", str(data)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, f"ja-llm {' '.join(args)}: {result.output}"
    return [line for line in result.stdout.splitlines() if line.strip()]


def query_string(params: dict[str, str]) -> str:
    return urlencode(params)


# --- browser tabs -------------------------------------------------------------------------------------------

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


class Tab:
    """A browser context (only 127.0.0.1 reachable) and its page, with everything that went wrong recorded:
    console errors (and the script's own `ja-llm:` warnings), page errors, failed or 4xx/5xx responses other
    than the 404s a test asks for on purpose (`expected_404`), requests elsewhere, dialogs."""

    def __init__(self, browser: Any, **options: Any) -> None:
        options.setdefault("viewport", DESKTOP)
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(15_000)
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.bad_responses: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.expected_404: set[str] = set()  # URL paths a test asks for on purpose
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("response", self._response)
        self.page.on("requestfailed", lambda r: self.bad_responses.append(f"failed {r.url}: {r.failure}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        url = message.location.get("url") or ""
        if message.text.startswith("Failed to load resource") and urlsplit(url).path in self.expected_404:
            return
        if message.type == "error" or (message.type == "warning" and message.text.startswith("ja-llm:")):
            self.console_errors.append(f"{message.type}: {message.text} ({url})")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and not (response.status == 404 and urlsplit(response.url).path in self.expected_404):
            self.bad_responses.append(f"{response.status} {response.url}")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def problems(self) -> list[str]:
        return (
            [f"console: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"response: {e}" for e in self.bad_responses if "ERR_ABORTED" not in e]
            + [f"request outside 127.0.0.1: {u}" for u in self.outside]
            + [f"dialog: {d}" for d in self.dialogs]
        )

    def close(self) -> None:
        self.context.close()
