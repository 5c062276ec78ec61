"""Shared test set-up: the compiled-index cache goes to a temporary folder, never the user's ~/.cache; the
browser tests share one Chromium."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_index_cache() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="ja-llm-cache-") as folder:
        previous = os.environ.get("JA_LLM_CACHE_DIR")
        os.environ["JA_LLM_CACHE_DIR"] = folder
        yield folder
        if previous is None:
            os.environ.pop("JA_LLM_CACHE_DIR", None)
        else:
            os.environ["JA_LLM_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The session's one Chromium (Debian's, driven by Playwright), shared by the browser test modules."""
    from site_fixtures import close_shared_browser, shared_browser

    try:
        yield shared_browser()
    finally:
        close_shared_browser()


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website of the shipped catalog, built once for the session (tests only read it)."""
    from site_fixtures import build

    return build(None, tmp_path_factory.mktemp("shipped-site") / "サイト")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website of the hostile test catalog, built once for the session."""
    from site_fixtures import HOSTILE_CATALOG, build

    return build(HOSTILE_CATALOG, tmp_path_factory.mktemp("hostile-site") / "サイト")


@pytest.fixture(scope="session")
def base_url(shipped_site: Path) -> Iterator[str]:
    """The shipped catalog's site, served on 127.0.0.1 for the browser tests."""
    from site_fixtures import serve

    with serve(shipped_site) as url:
        yield url


@pytest.fixture
def new_tab(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open tabs (site_fixtures.Tab) with options; each must end with no console error, failed request or
    dialog."""
    from site_fixtures import Tab

    tabs: list[Tab] = []

    def open_tab(**options: Any) -> Tab:
        tab = Tab(browser, **options)
        tabs.append(tab)
        return tab

    yield open_tab
    problems = [p for tab in tabs for p in tab.problems()]
    for tab in tabs:
        tab.close()
    assert not problems, "the pages reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_tab: Callable[..., Any]) -> Any:
    return new_tab().page


@pytest.fixture
def server(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """(host, port) of `ja-llm serve`'s server on the requesting module's `site` fixture; idle connections
    close after a second in these tests."""
    from urllib.parse import urlsplit

    from ja_llm.site.serve import SiteHandler

    from site_fixtures import serve

    monkeypatch.setattr(SiteHandler, "timeout", 1)
    with serve(site) as url:
        port = urlsplit(url).port
        assert port is not None
        yield "127.0.0.1", port
