"""Benchmark of the website in headless Chromium (run by `make bench`; results go to bench/RESULTS.md).

For synthetic catalogs of 1k, 10k and 100k entries: the time from a filter change to the updated list (goal:
<= 100 ms at 100k), measured three ways — the script's own measure (start of handling the change to the end
of its DOM writes, fetching the row shards the result needs included), the time from the change event
until the list is laid out (style and layout forced synchronously, so that no frame wait is counted) and the
time until the next frame is rendered (rows off screen are not laid out until they come near it:
content-visibility, so the rows that come on screen are laid out in that frame; the frame wait is in) — the
index page weight (HTML, script, style sheet, spec; raw and gzip) and the bytes the browser loaded before the
first filter result (the page, its assets, every shard of the filter columns and the row shards that result
needed; as decoded and as transferred, gzip from `ja-llm serve`).

Only what the index page loads is built (SiteBuilder's index pages and data, the assets): the entry pages
of 100k entries would take the build most of an hour and play no part here.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import machine, synthetic_catalog

CHANGES = [
    ("commercial", "yes"),
    ("min_params", "7b"),
    ("year", "2025"),
    ("commercial", ""),
    ("min_params", ""),
    ("year", ""),
    ("section", "encoder"),
    ("section", ""),
]

PAINT = """([name, value]) => new Promise(done => {
  const html = document.documentElement;
  const el = document.querySelector(`#facets [name="${name}"]`);
  delete html.dataset.ready;
  const start = performance.now();
  el.value = value;
  el.dispatchEvent(new Event('change', {bubbles: true}));  // a select's change is handled synchronously
  const finish = () => {
    void document.body.offsetHeight;  // force style and layout now: no frame wait is counted
    const layout = performance.now() - start;
    // then the next frame: what the rendering of that frame adds (rows coming on screen laid out, paint);
    // a message posted from requestAnimationFrame is handled once the frame is rendered
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done({
        paint: layout,
        frame: performance.now() - start,
        script: window.__jaLlm.lastUpdateMs,
        matches: window.__jaLlm.matches.length,
      });
      channel.port2.postMessage(0);
    });
  };
  if (html.dataset.ready === "1") return finish();
  // rows of a shard on their way: the update is done when the script sets data-ready again
  const watch = new MutationObserver(() => {
    if (html.dataset.ready === "1") {
      watch.disconnect();
      finish();
    }
  });
  watch.observe(html, {attributes: true, attributeFilter: ["data-ready"]});
})"""

LOADED = """() => {
  const all = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"));
  return {
    decoded: all.reduce((sum, e) => sum + e.decodedBodySize, 0),
    transferred: all.reduce((sum, e) => sum + e.encodedBodySize, 0),
    files: all.length,
  };
}"""


def build_index(catalog_dir: Path, out: Path) -> None:
    """What the index page loads: the index pages, data/ (SiteBuilder.index_files), assets/."""
    from importlib import resources

    from ja_llm.api import Catalog
    from ja_llm.site.build import SiteBuilder

    for path, text in SiteBuilder(Catalog.load(catalog_dir)).index_files().items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assets = resources.files("ja_llm") / "site" / "assets"
    (out / "assets").mkdir(parents=True, exist_ok=True)
    for name in ("app.js", "style.css", "nojs.css"):
        (out / "assets" / name).write_bytes((assets / name).read_bytes())


def weight(site: Path) -> list[tuple[str, int, int]]:
    rows = []
    for rel in ("index.html", "assets/app.js", "assets/style.css", "data/entries.json", "data/entries/0.json"):
        data = (site / rel).read_bytes()
        rows.append((rel, len(data), len(gzip.compress(data, 6))))
    return rows


def measure(count: int, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    from ja_llm.site.serve import make_server

    folder = Path(tempfile.mkdtemp(prefix=f"ja-llm-site-bench-{count}-"))
    try:
        synthetic_catalog(folder / "catalog", count)
        start = time.perf_counter()
        build_index(folder / "catalog", folder / "site")
        built = time.perf_counter() - start
        server = make_server(folder / "site", 0, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        results: dict[str, list] = {"paint": [], "frame": [], "script": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("JA_LLM_CHROMIUM", "/usr/bin/chromium"),
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            page.goto(url)
            # (wait_for_function would evaluate a string, which the page's CSP forbids: poll instead)
            while page.evaluate("document.documentElement.dataset.ready") != "1":
                if time.perf_counter() - start > 120:
                    raise TimeoutError("the index page did not get ready in 120 s")
                time.sleep(0.05)
            loaded = time.perf_counter() - start
            at_ready = page.evaluate(LOADED)
            first = page.evaluate(PAINT, list(CHANGES[0]))
            at_first = page.evaluate(LOADED)
            page.evaluate(PAINT, [CHANGES[0][0], ""])
            for _ in range(rounds):
                for name, value in CHANGES:
                    result = page.evaluate(PAINT, [name, value])
                    results["paint"].append(result["paint"])
                    results["frame"].append(result["frame"])
                    results["script"].append(result["script"])
            browser.close()
        server.shutdown()
        return {
            "built_s": built,
            "loaded_s": loaded,
            "script_ms": statistics.median(results["script"]),
            "script_p90_ms": sorted(results["script"])[int(len(results["script"]) * 0.9) - 1],
            "paint_ms": statistics.median(results["paint"]),
            "paint_p90_ms": sorted(results["paint"])[int(len(results["paint"]) * 0.9) - 1],
            "frame_ms": statistics.median(results["frame"]),
            "frame_p90_ms": sorted(results["frame"])[int(len(results["frame"]) * 0.9) - 1],
            "changes": len(results["paint"]),
            "first_ms": first["paint"],
            "at_ready": at_ready,
            "at_first": at_first,
            "shards": len(list((folder / "site" / "data" / "entries").glob("*.json"))),
            "weight": weight(folder / "site"),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the filter changes")
    args = parser.parse_args()
    lines = [f"## Website — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC — {machine()}", ""]
    for count in [int(n) for n in args.sizes.split(",") if n]:
        print(f"site of {count} entries ...", file=sys.stderr)
        lines += [f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", ""]
        r = measure(count, args.rounds)
        lines += [
            f"### Synthetic catalog of {count:,} entries (headless Chromium)",
            "",
            f"index pages and data built in {r['built_s']:.1f} s; "
            f"index page ready (data loaded, first update) in {r['loaded_s']:.2f} s",
            "",
            "| filter change → updated list | median | 90th percentile |",
            "|---|---:|---:|",
            f"| script (handling + DOM writes) | {r['script_ms']:.1f} ms | {r['script_p90_ms']:.1f} ms |",
            "| change event → list laid out (script + style + layout) | "
            f"{r['paint_ms']:.1f} ms | {r['paint_p90_ms']:.1f} ms |",
            "| change event → the next frame rendered (+ rows coming on screen, paint; frame wait included) | "
            f"{r['frame_ms']:.1f} ms | {r['frame_p90_ms']:.1f} ms |",
            "",
            f"{r['changes']} changes after a first one (`{CHANGES[0][0]}={CHANGES[0][1]}`, which fetched the "
            f"row shards of its first page): {r['first_ms']:.1f} ms from the change to the list laid out. "
            "Goal: <= 100 ms at 100k.",
            "",
            "| bytes loaded | files | decoded | transferred |",
            "|---|---:|---:|---:|",
            f"| page ready (the page, assets, spec, {r['shards']} shards of filter columns) | "
            f"{r['at_ready']['files']} | {r['at_ready']['decoded']:,} | {r['at_ready']['transferred']:,} |",
            f"| + the first filter result | {r['at_first']['files']} | {r['at_first']['decoded']:,} | "
            f"{r['at_first']['transferred']:,} |",
            "",
            "| index page resource | bytes | gzip |",
            "|---|---:|---:|",
        ]
        lines += [f"| {rel} | {raw:,} | {gz:,} |" for rel, raw, gz in r["weight"]]
        total_raw = sum(w[1] for w in r["weight"])
        total_gz = sum(w[2] for w in r["weight"])
        lines += [f"| total | {total_raw:,} | {total_gz:,} |", ""]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
