"""`ja-llm serve` builds the site when needed, prints its URL and serves it on 127.0.0.1 with the CSP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
