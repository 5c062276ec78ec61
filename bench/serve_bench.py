"""Benchmark: `ja-llm serve` under load on loopback — 20 keep-alive clients for 10 s against the built
site's index page and data file, the latency of every request recorded; side by side with the standard
library's SimpleHTTPRequestHandler on the same folder (the server `serve` used before). Prints Markdown.

    python bench/serve_bench.py [--clients 20] [--seconds 10] [--site build/site]
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ja_llm.api import Catalog
from ja_llm.site import build_site

PATHS = ("/", "/data/entries.json", "/assets/app.js", "/en/")


def load(port: int, clients: int, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine: list[float] = []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", PATHS[n % len(PATHS)])
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - started)
            n += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def row(name: str, latencies: list[float], errors: int, seconds: float) -> str:
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0.0
    return (
        f"| {name} | {len(ordered) / seconds:.0f}/s | {statistics.median(ordered) * 1000:.1f} ms | "
        f"{p99 * 1000:.1f} ms | {errors} |"
    )


SERVERS = {
    "ja-llm serve (SiteServer)": (
        "import sys; from pathlib import Path; from ja_llm.site.serve import make_server\n"
        "s = make_server(Path(sys.argv[1]), 0, quiet=True); print(s.server_address[1], flush=True); s.serve_forever()"
    ),
    "stdlib SimpleHTTPRequestHandler": (
        "import sys, functools, http.server as h\n"
        "class Q(h.SimpleHTTPRequestHandler):\n    def log_message(self, *a): pass\n"
        "s = h.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Q, directory=sys.argv[1]))\n"
        "print(s.server_address[1], flush=True); s.serve_forever()"
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--site", type=Path, default=None, help="a built site (default: build the shipped one)")
    args = parser.parse_args()
    work = None
    try:
        site = args.site
        if site is None:  # built into a temporary folder, removed at the end
            work = Path(tempfile.mkdtemp(prefix="ja-llm-serve-bench-"))
            site = work / "site"
            build_site(Catalog.load(), site)
        measure(site, args.clients, args.seconds)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def measure(site: Path, clients: int, seconds: float) -> None:
    """Each server of SERVERS in its own process, loaded by `clients` threads for `seconds` each."""
    print(f"### Preview server under load: {clients} clients, {seconds:.0f} s each, loopback\n")
    print("Each server runs in its own process; the clients are threads of this one.\n")
    print("| server | requests | median | p99 | errors |\n|---|---:|---:|---:|---:|")
    for name, code in SERVERS.items():
        process = subprocess.Popen([sys.executable, "-c", code, str(site)], stdout=subprocess.PIPE, text=True)
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())
            latencies, errors = load(port, clients, seconds)
            print(row(name, latencies, errors, seconds))
        finally:
            process.terminate()
            process.wait(timeout=10)
    print("\nGoal: zero errors, p99 <= 50 ms.")


if __name__ == "__main__":
    main()
