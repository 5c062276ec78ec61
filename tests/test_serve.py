"""`ja-llm serve` builds the site when needed, prints its URL and serves it on 127.0.0.1 with the CSP."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "ja-llm"


def _start(out: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", "0", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        if match:
            return process, match.group(1)
    process.kill()
    raise AssertionError("serve printed no URL: " + "".join(lines))


def test_serve_builds_then_serves_and_reuses_a_current_build(tmp_path: Path) -> None:
    out = tmp_path / "ビルド"
    process, url = _start(out)
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode("utf-8")
            assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert 'id="entry-rows"' in page
        with urllib.request.urlopen(url + "en/models/sb-intuitions/sarashina2-8x70b/", timeout=10) as response:
            assert "Sarashina2-8x70B" in response.read().decode("utf-8")
        with urllib.request.urlopen(url + "assets/app.js", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/javascript")
        # the built site's own 404 page, with a way home in every language
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "no/such/page/", timeout=10)
        assert missing.value.code == 404
        body = missing.value.read().decode("utf-8")
        assert "ページが見つかりません" in body
        assert 'href="/en/"' in body
        assert 'href="/fr/"' in body
        # the chart's SVG styles itself and runs nothing: its own policy
        with urllib.request.urlopen(url + "chart/parameters-ja.svg", timeout=10) as response:
            policy = response.headers["Content-Security-Policy"]
        assert policy.startswith("default-src 'none'")
        assert "script-src" not in policy
        # compressed on the fly for a client that accepts gzip (the build writes no .gz files)
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["ETag"].endswith('-gz"')
            assert 'id="entry-rows"' in gzip.decompress(response.read()).decode("utf-8")
        assert sorted((out / "site").rglob("*.gz")) == []
    finally:
        process.terminate()
        process.wait(timeout=10)
    stamp = (out / "site" / ".ja-llm-build").read_text(encoding="utf-8")
    built = (out / "site" / "index.html").stat().st_mtime_ns
    process, url = _start(out)  # current build: served as it is, not rebuilt
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (out / "site" / ".ja-llm-build").read_text(encoding="utf-8") == stamp
    assert (out / "site" / "index.html").stat().st_mtime_ns == built
