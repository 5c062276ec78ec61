"""Compressed answers from the preview server: `precompress` writes reproducible `.gz` files beside the larger
text files of a site, and the server answers a client that accepts gzip (q-values honoured) with them —
Content-Encoding, the file's own Content-Type, an ETag of their own, `Vary: Accept-Encoding` — while a `.gz`
that is stale or a symlink out of the site is never served in a file's place."""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
from pathlib import Path

import pytest

from ja_llm.site.compress import MIN_BYTES, packed, precompress, write_with_gzip
from ja_llm.site.serve import accepts_gzip

PAGE = ("<!doctype html><title>日本語LLM</title>" + "<p>大規模言語モデルの一覧です。</p>\n" * 80).encode()
SCRIPT = b"// app\n" + b"document.querySelectorAll('tr').forEach((row) => row.hidden = false);\n" * 40
DATA = ('{"entries": [' + ",".join(f'{{"id": "モデル-{n}", "params": "{n}B"}}' for n in range(60)) + "]}").encode()
SMALL = "短いテキスト\n".encode() * 20  # compressible, but under the threshold
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


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
    assert precompress(root) == 3
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


# --- precompress -------------------------------------------------------------------------------------------


def test_precompress_writes_gz_beside_larger_text_files_only(site: Path) -> None:
    for name, original in [("index.html", PAGE), ("assets/app.js", SCRIPT), ("データ/entries.json", DATA)]:
        packed = (site / (name + ".gz")).read_bytes()
        assert len(packed) < len(original)
        assert gzip.decompress(packed) == original
        assert packed[3] == 0  # no FNAME flag: no file name in the header
        assert packed[4:8] == b"\0\0\0\0"  # mtime 0
    assert len(SMALL) <= MIN_BYTES
    assert len(gzip.compress(SMALL)) < len(SMALL)  # left alone for its size, not for its content
    assert not (site / "small.txt.gz").exists()
    assert not (site / "logo.png.gz").exists()  # not a text suffix
    assert sorted(path.name for path in site.rglob("*.tmp")) == []


def test_precompress_gives_identical_bytes_every_time(site: Path, tmp_path: Path) -> None:
    first = {path.relative_to(site): path.read_bytes() for path in site.rglob("*.gz")}
    assert len(first) == 3
    assert precompress(site) == 3  # again, in place
    again = {path.relative_to(site): path.read_bytes() for path in site.rglob("*.gz")}
    elsewhere = tmp_path / "別のビルド"
    shutil.copytree(site, elsewhere, ignore=shutil.ignore_patterns("*.gz"))
    assert precompress(elsewhere) == 3  # a second build: other folder, other temporary names, later clock
    second = {path.relative_to(elsewhere): path.read_bytes() for path in elsewhere.rglob("*.gz")}
    assert again == first
    assert second == first


def test_a_build_writes_the_same_gz_as_precompress(site: Path, tmp_path: Path) -> None:
    """The site build compresses each page in hand (write_with_gzip): the same bytes, the same choices."""
    built = tmp_path / "ビルド"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix != ".gz":
            target = built / path.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_with_gzip(target, path.read_bytes())
    first = {path.relative_to(site): path.read_bytes() for path in site.rglob("*.gz")}
    assert {path.relative_to(built): path.read_bytes() for path in built.rglob("*.gz")} == first
    assert packed(SMALL) is None


def test_precompress_skips_gz_files_and_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "サイト"
    root.mkdir()
    outside = tmp_path / "secret.json"
    outside.write_bytes(DATA)
    (root / "linked.json").symlink_to(outside)
    (root / "archive.json.gz").write_bytes(gzip.compress(DATA))
    assert precompress(root) == 0
    assert sorted(path.name for path in root.iterdir()) == ["archive.json.gz", "linked.json"]


def test_precompress_keeps_the_files_permission_bits(tmp_path: Path) -> None:
    root = tmp_path / "サイト"
    root.mkdir()
    (root / "index.html").write_bytes(PAGE)
    os.chmod(root / "index.html", 0o644)
    assert precompress(root) == 1
    assert (root / "index.html.gz").stat().st_mode & 0o777 == 0o644


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
def test_a_client_that_accepts_gzip_gets_the_gz(server: tuple[str, int], path: str, original: bytes, kind: str) -> None:
    response, body = _get(server, path, _gzip("gzip, deflate, br"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Type") == kind
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Length") == str(len(body))
    assert len(body) < len(original)
    assert gzip.decompress(body) == original
    # every existing header is still there
    assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "no-referrer"
    assert response.getheader("Cache-Control") == "no-cache"
    assert response.getheader("Server") == "ja-llm"


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
    assert response.getheader("Vary") == "Accept-Encoding"  # the file has a .gz: the answer varies
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert body == PAGE


def test_accept_encoding_over_two_header_lines_counts(server: tuple[str, int]) -> None:
    response, body = _get(server, "/", _gzip("identity"), _gzip("gzip"))
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == PAGE


def test_each_variant_has_its_own_etag_and_revalidates(server: tuple[str, int]) -> None:
    plain, _ = _get(server, "/assets/app.js")
    packed, _ = _get(server, "/assets/app.js", _gzip("gzip"))
    plain_tag, packed_tag = plain.getheader("ETag"), packed.getheader("ETag")
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


def test_head_sends_the_headers_without_a_body(server: tuple[str, int], site: Path) -> None:
    packed, body = _get(server, "/", _gzip("gzip"), method="HEAD")
    assert packed.status == 200
    assert body == b""
    assert packed.getheader("Content-Encoding") == "gzip"
    assert packed.getheader("Content-Length") == str((site / "index.html.gz").stat().st_size)
    assert packed.getheader("Vary") == "Accept-Encoding"
    get, _ = _get(server, "/", _gzip("gzip"))
    assert packed.getheader("ETag") == get.getheader("ETag")
    plain, body = _get(server, "/", method="HEAD")
    assert body == b""
    assert plain.getheader("Content-Encoding") is None
    assert plain.getheader("Content-Length") == str(len(PAGE))


def test_a_small_file_has_no_gz_and_is_served_plain(server: tuple[str, int]) -> None:
    response, body = _get(server, "/small.txt", _gzip("gzip"))
    assert response.status == 200
    assert body == SMALL
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") is None


def test_a_gz_asked_for_by_name_is_served_as_itself(server: tuple[str, int], site: Path) -> None:
    response, body = _get(server, "/index.html.gz", _gzip("gzip"))
    assert response.status == 200
    assert body == (site / "index.html.gz").read_bytes()
    assert response.getheader("Content-Type") == "application/gzip"
    assert response.getheader("Content-Encoding") is None


def test_a_gz_symlinked_out_of_the_site_is_not_served(server: tuple[str, int], site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html.gz"
    secret.write_bytes(gzip.compress(b"TOKEN" * 400))
    (site / "page.html").write_bytes(PAGE)
    (site / "page.html.gz").symlink_to(secret)
    response, body = _get(server, "/page.html", _gzip("gzip"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") is None
    assert body == PAGE
    direct, body = _get(server, "/page.html.gz", _gzip("gzip"))
    assert direct.status == 404
    assert b"TOKEN" not in body


def test_a_gz_symlinked_inside_the_site_is_served(server: tuple[str, int], site: Path) -> None:
    (site / "copy.html").write_bytes(PAGE)
    built = (site / "index.html").stat()
    os.utime(site / "copy.html", ns=(built.st_atime_ns, built.st_mtime_ns))  # as old as the build's page
    (site / "copy.html.gz").symlink_to(site / "index.html.gz")
    response, body = _get(server, "/copy.html", _gzip("gzip"))
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == PAGE


def test_a_gz_that_is_a_folder_is_not_served(server: tuple[str, int], site: Path) -> None:
    (site / "folder.html").write_bytes(PAGE)
    (site / "folder.html.gz").mkdir()
    response, body = _get(server, "/folder.html", _gzip("gzip"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert body == PAGE


def test_a_gz_older_than_its_file_is_ignored(server: tuple[str, int], site: Path) -> None:
    edited = PAGE.replace("一覧".encode(), "目録".encode())
    page = site / "index.html"
    page.write_bytes(edited)
    stamp = (site / "index.html.gz").stat()
    os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    response, body = _get(server, "/", _gzip("gzip"))
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert body == edited


def test_an_index_symlinked_out_of_the_site_is_not_served(server: tuple[str, int], site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("TOKEN", encoding="utf-8")
    (site / "リンク").mkdir()
    (site / "リンク" / "index.html").symlink_to(secret)
    response, body = _get(server, "/%E3%83%AA%E3%83%B3%E3%82%AF/")
    assert response.status == 404
    assert b"TOKEN" not in body
