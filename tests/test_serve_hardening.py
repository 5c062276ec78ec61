"""The preview server on loopback: no folder listings, no symlinks out, GET/HEAD only, a NUL in the path is
a 400 (not a logged traceback), validators with 304 answers, no version in `Server`, idle connections
closed, and 20 concurrent clients served without an error (a bounded load: 20 clients for 3 s)."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path

import pytest


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "サイト"
    (root / "assets").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "en").mkdir()
    (root / "index.html").write_text("<!doctype html><p>トップ</p>", encoding="utf-8")
    (root / "en" / "index.html").write_text("<!doctype html><p>top</p>", encoding="utf-8")
    (root / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (root / "data" / "entries.json").write_text("{}", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN", encoding="utf-8")
    (root / "leak.txt").symlink_to(secret)
    (root / "outside").symlink_to(tmp_path)
    return root


def _get(address: tuple[str, int], path: str, method: str = "GET", headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection(*address, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_pages_are_served_with_the_csp_and_validators(server: tuple[str, int]) -> None:
    response, body = _get(server, "/")
    assert response.status == 200
    assert "トップ" in body.decode("utf-8")
    assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    assert response.getheader("Cache-Control") == "no-cache"
    etag = response.getheader("ETag")
    assert etag
    assert response.getheader("Last-Modified")
    again, body = _get(server, "/", headers={"If-None-Match": etag})
    assert again.status == 304
    assert body == b""
    since, _ = _get(server, "/", headers={"If-Modified-Since": response.getheader("Last-Modified")})
    assert since.status == 304


def test_no_version_in_the_server_header(server: tuple[str, int]) -> None:
    response, _ = _get(server, "/")
    assert response.getheader("Server") == "ja-llm"


@pytest.mark.parametrize("path", ["/assets/", "/data/", "/en/../assets/"])
def test_folders_are_never_listed(server: tuple[str, int], path: str) -> None:
    response, body = _get(server, path)
    assert response.status == 404
    assert b"app.js" not in body
    assert b"entries.json" not in body


@pytest.mark.parametrize("path", ["/leak.txt", "/outside/secret.txt", "/../secret.txt", "/%2e%2e/secret.txt"])
def test_nothing_outside_the_site_is_served(server: tuple[str, int], path: str) -> None:
    response, body = _get(server, path)
    assert response.status == 404
    assert b"TOKEN" not in body


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.js", "/%ff%fe"])
def test_a_bad_path_is_a_400(server: tuple[str, int], path: str) -> None:
    response, _ = _get(server, path)
    assert response.status == 400


def test_a_folder_without_its_slash_is_redirected(server: tuple[str, int]) -> None:
    response, _ = _get(server, "/en")
    assert response.status == 301
    assert response.getheader("Location") == "/en/"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head(server: tuple[str, int], method: str) -> None:
    response, _ = _get(server, "/", method=method)
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"


def test_head_sends_no_body(server: tuple[str, int]) -> None:
    response, body = _get(server, "/assets/app.js", method="HEAD")
    assert response.status == 200
    assert body == b""
    assert response.getheader("Content-Length") == str(len("console.log(1)"))
    assert response.getheader("Content-Type", "").startswith("text/javascript")


def test_an_idle_connection_is_closed(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=10) as idle:
        idle.settimeout(10)
        started = time.monotonic()
        assert idle.recv(1) == b""  # the server closed it
        assert time.monotonic() - started < 8


def test_twenty_concurrent_clients_are_served_without_an_error(server: tuple[str, int]) -> None:
    """Bounded: 20 clients with keep-alive connections for 3 s on loopback (the latency goal is a
    benchmark's business: bench/serve_bench.py)."""
    errors: list[str] = []
    counts: list[int] = []
    deadline = time.monotonic() + 3

    def client() -> None:
        done = 0
        connection = http.client.HTTPConnection(*server, timeout=10)
        try:
            while time.monotonic() < deadline and done < 2000:
                connection.request("GET", "/data/entries.json")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(str(response.status))
                done += 1
        except OSError as exc:
            errors.append(repr(exc))
        finally:
            connection.close()
            counts.append(done)

    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(counts) == 20
    assert min(counts) > 0
