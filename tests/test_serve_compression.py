"""Compressed answers from the preview server: it compresses the larger text files of a site on the fly for a
client that accepts gzip (q-values honoured) — reproducible bytes, Content-Encoding, the file's own
Content-Type, an ETag of their own, `Vary: Accept-Encoding` — keeps them in a byte-bounded LRU cache keyed by
path, size and mtime (an edited file is compressed again), and never serves a file from outside the site."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import threading
from pathlib import Path

import pytest

from ja_llm.site.compress import MIN_BYTES, packed
from ja_llm.site.serve import GzipCache, accepts_gzip

from site_fixtures import serve

PAGE = ("<!doctype html><title>日本語LLM</title>" + "<p>大規模言語モデルの一覧です。</p>\n" * 80).encode()
SCRIPT = b"// app\n" + b"document.querySelectorAll('tr').forEach((row) => row.hidden = false);\n" * 40
DATA = ('{"entries": [' + ",".join(f'{{"id": "モデル-{n}", "params": "{n}B"}}' for n in range(60)) + "]}").encode()
SMALL = "短いテキスト\n".encode() * 20  # compressible, but under the threshold
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
NOISE = b"".join(hashlib.sha256(bytes([n])).digest() for n in range(128))  # 4 KiB gzip cannot shrink


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "サイト 圧縮"
    (root / "assets").mkdir(parents=True)
    (root / "データ").mkdir()
    (root / "index.html").write_bytes(PAGE)
    (root / "assets" / "app.js").write_bytes(SCRIPT)
    (root / "データ" / "entries.json").write_bytes(DATA)
    (root / "small.txt").write_bytes(SMALL)
    (root / "logo.png").write_bytes(IMAGE)
    return root


def _get(
    address: tuple[str, int], path: str, *headers: tuple[str, str], method: str = "GET"
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request with exactly these headers (http.client would add `Accept-Encoding: identity` itself)."""
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def _gzip(value: str) -> tuple[str, str]:
    return ("Accept-Encoding", value)


def _address(url: str) -> tuple[str, int]:
    return "127.0.0.1", int(url.rstrip("/").rsplit(":", 1)[1])


# --- packed ------------------------------------------------------------------------------------------------


def test_packed_is_reproducible_gzip_of_larger_text_only() -> None:
    for original in (PAGE, SCRIPT, DATA):
        result = packed(original)
        assert result is not None
        assert len(result) < len(original)
        assert gzip.decompress(result) == original
        assert result[3] == 0  # no FNAME flag: no file name in the header
        assert result[4:8] == b"\0\0\0\0"  # mtime 0
        assert packed(original) == result
    assert len(SMALL) <= MIN_BYTES
    assert len(gzip.compress(SMALL)) < len(SMALL)  # left alone for its size, not for its content
    assert packed(SMALL) is None
    assert packed(NOISE) is None  # not smaller


# --- Accept-Encoding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["gzip", "GZIP", "gzip, deflate, br", "*", "x-gzip", "br;q=1.0, gzip;q=0.5", "gzip;q=0.001", "identity, *;q=1"],
)
def test_these_accept_encodings_accept_gzip(header: str) -> None:
    assert accepts_gzip(header)


@pytest.mark.parametrize(
    "header",
    [None, "", "identity", "br, deflate", "gzip;q=0", "gzip; q=0.000", "*;q=0", "gzip;q=0, *", "gzip;q=2", "gzip;q=x"],
)
def test_these_accept_encodings_refuse_gzip(header: str | None) -> None:
    assert not accepts_gzip(header)


# --- the server --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "original", "kind"),
    [
        ("/", PAGE, "text/html; charset=utf-8"),
        ("/assets/app.js", SCRIPT, "text/javascript; charset=utf-8"),
        ("/%E3%83%87%E3%83%BC%E3%82%BF/entries.json", DATA, "application/json"),
    ],
)
def test_a_client_that_accepts_gzip_gets_the_file_compressed(
    server: tuple[str, int], path: str, original: bytes, kind: str
) -> None:
    response, body = _get(server, path, _gzip("gzip, deflate, br"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Type") == kind
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Length") == str(len(body))
    assert len(body) < len(original)
    assert gzip.decompress(body) == original
    assert body == packed(original)
    # every existing header is still there
    assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "no-referrer"
    assert response.getheader("Cache-Control") == "no-cache"
    assert response.getheader("Server") == "ja-llm"


def test_the_gzip_body_is_the_same_on_every_request_and_every_server(server: tuple[str, int], site: Path) -> None:
    first, body = _get(server, "/", _gzip("gzip"))
    again, repeated = _get(server, "/", _gzip("gzip"))
    with serve(site) as url:  # a second server: its own, empty cache
        other, elsewhere = _get(_address(url), "/", _gzip("gzip"))
    assert body == repeated == elsewhere
    assert first.getheader("ETag") == again.getheader("ETag") == other.getheader("ETag")
    assert body[4:8] == b"\0\0\0\0"  # mtime 0: no clock in the bytes


def test_the_gzip_etag_is_made_from_the_files_size_and_mtime(server: tuple[str, int], site: Path) -> None:
    info = (site / "index.html").stat()
    response, _ = _get(server, "/", _gzip("gzip"))
    assert response.getheader("ETag") == f'"{info.st_size:x}-{info.st_mtime_ns:x}-gz"'


@pytest.mark.parametrize(
    "headers",
    [(), (_gzip("identity"),), (_gzip("gzip;q=0"),), (_gzip("gzip;q=0, *"),), (_gzip("br"),)],
    ids=["none", "identity", "gzip-q0", "gzip-q0-star", "br"],
)
def test_a_client_that_does_not_accept_gzip_gets_the_plain_file(
    server: tuple[str, int], headers: tuple[tuple[str, str], ...]
) -> None:
    response, body = _get(server, "/", *headers)
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") == "Accept-Encoding"  # a compressible file: the answer varies
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Content-Length") == str(len(PAGE))
    assert body == PAGE


def test_accept_encoding_over_two_header_lines_counts(server: tuple[str, int]) -> None:
    response, body = _get(server, "/", _gzip("identity"), _gzip("gzip"))
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == PAGE


def test_each_variant_has_its_own_etag_and_revalidates(server: tuple[str, int]) -> None:
    plain, _ = _get(server, "/assets/app.js")
    packed_answer, _ = _get(server, "/assets/app.js", _gzip("gzip"))
    plain_tag, packed_tag = plain.getheader("ETag"), packed_answer.getheader("ETag")
    assert plain_tag
    assert packed_tag
    assert plain_tag != packed_tag
    assert packed_tag.endswith('-gz"')
    for tag, headers in [(plain_tag, ()), (packed_tag, (_gzip("gzip"),))]:
        again, body = _get(server, "/assets/app.js", ("If-None-Match", tag), *headers)
        assert again.status == 304
        assert body == b""
        assert again.getheader("ETag") == tag
        assert again.getheader("Vary") == "Accept-Encoding"
    # the other variant's tag does not validate: the full answer comes back
    crossed, body = _get(server, "/assets/app.js", ("If-None-Match", plain_tag), _gzip("gzip"))
    assert crossed.status == 200
    assert gzip.decompress(body) == SCRIPT
    crossed, body = _get(server, "/assets/app.js", ("If-None-Match", packed_tag))
    assert crossed.status == 200
    assert body == SCRIPT


def test_last_modified_revalidates_both_variants(server: tuple[str, int]) -> None:
    for headers in [(), (_gzip("gzip"),)]:
        response, _ = _get(server, "/", *headers)
        modified = response.getheader("Last-Modified")
        assert modified
        again, body = _get(server, "/", ("If-Modified-Since", modified), *headers)
        assert again.status == 304
        assert body == b""
        assert again.getheader("Vary") == "Accept-Encoding"


def test_head_sends_the_headers_without_a_body(server: tuple[str, int]) -> None:
    head, body = _get(server, "/", _gzip("gzip"), method="HEAD")
    assert head.status == 200
    assert body == b""
    assert head.getheader("Content-Encoding") == "gzip"
    assert head.getheader("Content-Length") == str(len(packed(PAGE) or b""))
    assert head.getheader("Vary") == "Accept-Encoding"
    get, body = _get(server, "/", _gzip("gzip"))
    assert head.getheader("ETag") == get.getheader("ETag")
    assert head.getheader("Content-Length") == str(len(body))
    plain, body = _get(server, "/", method="HEAD")
    assert body == b""
    assert plain.getheader("Content-Encoding") is None
    assert plain.getheader("Content-Length") == str(len(PAGE))
    assert plain.getheader("Vary") == "Accept-Encoding"


def test_a_file_edited_after_a_request_is_compressed_again(server: tuple[str, int], site: Path) -> None:
    before, old_body = _get(server, "/", _gzip("gzip"))
    assert gzip.decompress(old_body) == PAGE
    edited = PAGE.replace("一覧".encode(), "目録".encode()) + "<p>追記</p>\n".encode()
    page = site / "index.html"
    stamp = page.stat()
    page.write_bytes(edited)
    os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))  # a later mtime, however coarse
    after, new_body = _get(server, "/", _gzip("gzip"))
    assert after.status == 200
    assert after.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(new_body) == edited
    assert new_body == packed(edited)
    assert after.getheader("ETag") != before.getheader("ETag")
    assert after.getheader("ETag", "").endswith('-gz"')
    # the old tag no longer validates; the new one does
    stale, body = _get(server, "/", ("If-None-Match", before.getheader("ETag", "")), _gzip("gzip"))
    assert stale.status == 200
    assert gzip.decompress(body) == edited
    fresh, body = _get(server, "/", ("If-None-Match", after.getheader("ETag", "")), _gzip("gzip"))
    assert fresh.status == 304
    assert body == b""


def test_same_size_edit_with_a_new_mtime_is_compressed_again(server: tuple[str, int], site: Path) -> None:
    """The key holds the mtime, not only the size: an edit of the same length is not served from the cache."""
    _get(server, "/assets/app.js", _gzip("gzip"))
    edited = SCRIPT.replace(b"false", b"FALSE")
    assert len(edited) == len(SCRIPT)
    script = site / "assets" / "app.js"
    stamp = script.stat()
    script.write_bytes(edited)
    os.utime(script, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    response, body = _get(server, "/assets/app.js", _gzip("gzip"))
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == edited


@pytest.mark.parametrize(("path", "original"), [("/small.txt", SMALL), ("/logo.png", IMAGE)], ids=["small", "not-text"])
def test_a_small_or_non_text_file_is_served_plain_without_vary(
    server: tuple[str, int], path: str, original: bytes
) -> None:
    for headers in [(_gzip("gzip"),), ()]:
        response, body = _get(server, path, *headers)
        assert response.status == 200
        assert body == original
        assert response.getheader("Content-Encoding") is None
        assert response.getheader("Vary") is None
        assert not response.getheader("ETag", "").endswith('-gz"')


def test_a_text_file_gzip_would_not_shrink_is_served_plain(server: tuple[str, int], site: Path) -> None:
    (site / "noise.txt").write_bytes(NOISE)
    response, body = _get(server, "/noise.txt", _gzip("gzip"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") == "Accept-Encoding"
    assert not response.getheader("ETag", "").endswith('-gz"')
    assert body == NOISE


def test_a_file_larger_than_the_bound_is_served_plain(
    server: tuple[str, int], site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ja_llm.site import serve as module

    monkeypatch.setattr(module, "LARGEST", len(PAGE) - 1)
    response, body = _get(server, "/", _gzip("gzip"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") is None
    assert body == PAGE


def test_a_gz_asked_for_by_name_is_served_as_itself(server: tuple[str, int], site: Path) -> None:
    archive = gzip.compress(DATA, mtime=0)
    (site / "データ" / "entries.json.gz").write_bytes(archive)
    response, body = _get(server, "/%E3%83%87%E3%83%BC%E3%82%BF/entries.json.gz", _gzip("gzip"))
    assert response.status == 200
    assert body == archive
    assert response.getheader("Content-Type") == "application/gzip"
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") is None
    # and it does not stand in for the file beside it
    beside, body = _get(server, "/%E3%83%87%E3%83%BC%E3%82%BF/entries.json", _gzip("gzip"))
    assert beside.getheader("Content-Type") == "application/json"
    assert gzip.decompress(body) == DATA
    assert body == packed(DATA)


def test_a_file_symlinked_out_of_the_site_is_not_served(server: tuple[str, int], site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_bytes(b"<p>TOKEN</p>\n" * 400)
    (site / "page.html").symlink_to(secret)
    for headers in [(), (_gzip("gzip"),)]:
        response, body = _get(server, "/page.html", *headers)
        assert response.status == 404
        assert response.getheader("Content-Encoding") is None
        assert b"TOKEN" not in body


def test_a_file_symlinked_inside_the_site_is_served_compressed(server: tuple[str, int], site: Path) -> None:
    (site / "copy.html").symlink_to(site / "index.html")
    response, body = _get(server, "/copy.html", _gzip("gzip"))
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == PAGE


def test_an_index_symlinked_out_of_the_site_is_not_served(server: tuple[str, int], site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("TOKEN" * 400, encoding="utf-8")
    (site / "リンク").mkdir()
    (site / "リンク" / "index.html").symlink_to(secret)
    for headers in [(), (_gzip("gzip"),)]:
        response, body = _get(server, "/%E3%83%AA%E3%83%B3%E3%82%AF/", *headers)
        assert response.status == 404
        assert b"TOKEN" not in body


# --- the cache ---------------------------------------------------------------------------------------------


def _key(name: str, size: int = 1, mtime: int = 1) -> tuple[Path, int, int]:
    return (Path("/サイト") / name, size, mtime)


def test_the_cache_keeps_a_value_and_makes_it_once() -> None:
    cache = GzipCache(limit=10_000)
    made: list[str] = []

    def make() -> bytes:
        made.append("a")
        return b"x" * 100

    assert cache.get(_key("a"), make) == b"x" * 100
    assert cache.get(_key("a"), make) == b"x" * 100
    assert made == ["a"]
    assert cache.size == 100 + GzipCache.ENTRY_BYTES
    # a new size or mtime is another key: made again
    assert cache.get(_key("a", mtime=2), make) == b"x" * 100
    assert cache.get(_key("a", size=2), make) == b"x" * 100
    assert made == ["a", "a", "a"]


def test_the_cache_keeps_none_too() -> None:
    cache = GzipCache(limit=10_000)
    made: list[int] = []
    for _ in range(3):
        assert cache.get(_key("noise.txt"), lambda: made.append(1)) is None  # type: ignore[func-returns-value]
    assert made == [1]
    assert cache.size == GzipCache.ENTRY_BYTES


def test_the_cache_evicts_the_least_recently_used_past_its_byte_bound() -> None:
    entry = 100 + GzipCache.ENTRY_BYTES
    cache = GzipCache(limit=3 * entry)
    for name in "abc":
        cache.get(_key(name), lambda: b"x" * 100)
    assert len(cache) == 3
    assert cache.size == 3 * entry
    cache.get(_key("a"), lambda: pytest.fail("a is cached"))  # a is now the most recently used
    cache.get(_key("d"), lambda: b"y" * 100)  # over the bound: b, the least recently used, goes
    assert _key("b") not in cache
    assert all(_key(name) in cache for name in "acd")
    assert cache.size == 3 * entry
    cache.get(_key("e"), lambda: b"z" * (100 + entry))  # two entries' worth: c and a go
    assert [name for name in "abcde" if _key(name) in cache] == ["d", "e"]
    assert cache.size <= cache.limit


def test_the_cache_does_not_keep_a_value_larger_than_its_bound() -> None:
    cache = GzipCache(limit=500)
    cache.get(_key("a"), lambda: b"x" * 100)
    assert cache.get(_key("big"), lambda: b"x" * 1000) == b"x" * 1000
    assert _key("big") not in cache
    assert _key("a") in cache  # nothing evicted for it


def test_the_cache_keeps_nothing_when_making_fails() -> None:
    cache = GzipCache(limit=10_000)

    def fail() -> bytes:
        raise OSError("gone")

    with pytest.raises(OSError, match="gone"):
        cache.get(_key("a"), fail)
    assert len(cache) == 0
    assert cache.get(_key("a"), lambda: b"x" * 10) == b"x" * 10  # the next request tries again


def test_the_cache_makes_a_key_once_for_concurrent_requests() -> None:
    cache = GzipCache(limit=10_000)
    started = threading.Event()
    release = threading.Event()
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        started.set()
        assert release.wait(10)
        return b"x" * 100

    results: list[bytes | None] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(_key("a"), make))) for _ in range(4)]
    threads[0].start()
    assert started.wait(10)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert made == [1]
    assert results == [b"x" * 100] * 4
