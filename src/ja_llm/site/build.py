"""Build the static website from a loaded catalog: index pages per language with every entry listed (usable
without JavaScript), one page per entry at its id, section pages, benchmarks, papers, an about page, the
entries data file the facets run on, and the assets. Any static host can serve the folder.

Layout (Japanese at the root, other languages under `LANG/`):

    index.html, en/index.html                     the first PAGE_SIZE entries, facets (JavaScript)
    page/2/index.html, en/page/2/…                 the other entries, PAGE_SIZE a page (without JavaScript)
    data/rows/<lang>/<n>.html                      the index's rows of entries [n·SHARD_SIZE, (n+1)·SHARD_SIZE)
    models/<org>/<slug>/index.html, en/models/…    one page per entry: the path is the entry's id
    sections/<id>/index.html, benchmarks/, papers/, about/
    data/entries.json                              the query spec (filters, sort keys: search.query.spec)
    data/entries/<n>.json                          the columns the filters read, by shard, column by column (shared)
    compare/index.html, en/compare/…               two to four entries side by side (JavaScript)
    chart/index.html, chart/parameters-<lang>.svg|png  the parameter-size chart (render.chart draws it)
    api/, catalog.csv, catalog.db, metadata.json, llms.txt, …  the data exports (ja_llm.export)
    assets/app.js, assets/style.css
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..catalog.core import Catalog, LoadedEntry
from ..memo import Kept
from ..model.schema import REGISTRY_FILES, Variant
from ..model.text import normalize, text_in
from ..model.units import format_params, params_range
from ..render.jinja_env import DictEnvironment
from ..render.template_cache import template_cache
from ..search import query
from ..search.records import build_meta, build_records, chart_point
from .html import FootnoteRefs, LinkMap, block, forget_inline, inline, plain, safe_url
from .i18n import Interface

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
COMMERCIAL_SYMBOLS = {"yes": "✓", "conditional": "△", "no": "✗", "unknown": "?"}  # beside the class's words
PAGE_SIZE = 250  # rows the index shows at a time with JavaScript ("show all" lifts it): laying out
# a table row costs the browser ~0.15 ms, so thousands of shown rows would make every filter change slow
SHARD_SIZE = 500  # entries per shard: the index page holds the first PAGE_SIZE rows only; the others are in
# data/rows/<lang>/<n>.html (the `<tr>` rows of entries [n·SHARD_SIZE, (n+1)·SHARD_SIZE), in catalog order) and
# their filter columns in data/entries/<n>.json, which the script loads as it needs them
PARAM_STEPS = ("100m", "500m", "1b", "3b", "7b", "13b", "30b", "70b", "100b")
CONTEXT_STEPS = ("2048", "4096", "8192", "32768", "131072")
# The filters the index page offers a select for, and where its options come from (the catalog's values or
# fixed steps). Besides these, a `choice` filter gets a select of its values and a `flag` filter a checkbox;
# any other filter works from the URL (`?since=2024`) and is shown as a removable chip.
FACET_OPTIONS: dict[str, str | tuple[str, ...]] = {
    "section": "sections",
    "license": "licenses",
    "min_params": PARAM_STEPS,
    "max_params": PARAM_STEPS,
    "year": "years",
    "developer": "developers",
    "arch": "architectures",
    "domain": "domains",
    "min_context": CONTEXT_STEPS,
}
DATA_VERSION = 4  # 3: the entries' columns in shards (data/entries/<n>.json); 4: a shard column by column

# The column of an entry page's variants table that shows each verified fact (`verified` on a variant).
_VERIFIED_COLUMNS = {
    "size": "params",
    "context_length": "context",
    "license": "license",
    "repo": "repo",
    "gated": "repo",
}


def _environment() -> Environment:
    return DictEnvironment(
        loader=PackageLoader("ja_llm", "site/templates"),
        bytecode_cache=template_cache(),
        # templates are ja-llm's code, which a running process never sees change (`serve` says: restart): with
        # Jinja's default, every get_template stats the template and those it extends and imports (4 a page,
        # 7,173 stats in a cold build of the shipped catalog); every page 0.551 -> 0.516 s CPU
        auto_reload=False,
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


RELATED_SHOWN = 12  # entries of each group of related entries an entry page links to


@dataclass(slots=True)  # ~3 jobs an entry: 300,000 at 100k entries
class Job:
    """Some pages of the site: rendered together, from inputs summed up by `key` (SiteBuilder.jobs)."""

    name: str
    key: str
    render: Callable[[], None]


_LONG = 256  # a list part longer than this is hashed item by item (no repr of the whole list in memory)


def _key(*parts: Any) -> str:
    """A digest of the inputs of some pages: bytes, texts, numbers, None, and lists and tuples of them.

    Each part is hashed as its repr (a Python literal: it tells a text from bytes, a list from a tuple, and
    where each item ends), one call in C per part instead of a Python call per value. Bytes go in as they
    are, and the items of a long list one by one, so that no list is copied whole into one text. (What made
    the keys of a 10k-entry build cheaper, 3.0 -> 1.3 s, was hashing each entry's file once: the loaded
    entry's digest, catalog.core.text_digest.)"""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, bytes):
            digest.update(b"b%d:" % len(part))
            digest.update(part)
        elif isinstance(part, list) and len(part) > _LONG:
            digest.update(b"l%d:" % len(part))
            for item in part:
                digest.update((repr(item) + ",").encode("utf-8", "surrogatepass"))
        else:
            digest.update(("r" + repr(part) + ";").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def entry_digests(catalog: Catalog) -> dict[str, bytes]:
    """Each entry's file by its digest (the keys of the pages and of the build cache's records)."""
    return {entry_id: entry.digest for entry_id, entry in catalog.entries.items()}


def registry_bytes(catalog: Catalog) -> list[tuple[str, bytes]]:
    """The registry files as they are (b"" for one that is missing): inputs of every page and record."""
    root = catalog.root
    return [(name, (root / name).read_bytes() if (root / name).is_file() else b"") for name in REGISTRY_FILES]


def _lang_base(lang: str, languages: list[str]) -> str:
    return "" if lang == languages[0] else f"{lang}/"


def _facet_keys(controls: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (filter, value) pairs the index page's controls count."""
    keys = [(f["name"], o["value"]) for f in controls for o in f["options"]]
    return keys + [(f["name"], "1") for f in controls if f["control"] == "checkbox"]


class SiteBuilder:
    def __init__(self, catalog: Catalog, records: list[dict[str, Any]] | None = None, kept: Kept | None = None) -> None:
        """`kept`: what a long-running process keeps between its builds (memo.Kept; None: nothing kept)."""
        self.catalog = catalog
        self.kept = kept
        self.languages = list(catalog.info.languages)
        self.records = records if records is not None else build_records(catalog)
        self.meta = build_meta(catalog)
        self.by_id = {record["id"]: record for record in self.records}
        # related entries: records by developer id and by base model text (built once: pages look them up)
        self.by_developer: dict[str, list[dict[str, Any]]] = {}
        self.by_base_model: dict[str, list[dict[str, Any]]] = {}
        self.by_section: dict[str, list[dict[str, Any]]] = {}
        self.anchors = {entry.data.anchor: entry.id for entry in catalog.entries.values() if entry.data.anchor}
        self.anchors.update({section_id: f"sections/{section_id}" for section_id in catalog.sections})
        self._link_maps: dict[tuple[str, str], LinkMap] = {}
        forget_inline()  # the renders of the last builder's link maps (they would keep its anchors alive)
        for record in self.records:
            for dev in record["developers"]:
                self.by_developer.setdefault(dev["id"], []).append(record)
            if record["norm"]["base_model"]:
                self.by_base_model.setdefault(record["norm"]["base_model"], []).append(record)
            for section_id in record["sections"]:
                self.by_section.setdefault(section_id, []).append(record)
        self.env = _environment()
        self.ui = Interface(catalog)
        self._counts: dict[tuple[str, str], int] = {}
        self._facet_controls: dict[str, list[dict[str, Any]]] = {}
        self._aggregates: dict[str, list[Any]] = {}
        self.pages: dict[str, str] = {}  # path -> html

    # --- helpers ---------------------------------------------------------------------------------------

    def t(self, value: Any, lang: str) -> str:
        return text_in(value, lang)

    def context(self, lang: str, path: str, title: str, description: str) -> dict[str, Any]:
        """What every page needs: relative links to the root, the home of its language, the language switch."""
        depth = path.count("/")
        root = "../" * depth
        base = _lang_base(lang, self.languages)
        inner = path[len(base) :] if base and path.startswith(base) else path
        t = self.ui(lang)
        nav = [
            {"href": root + base + target, "label": t[key], "current": inner == target}
            for key, target in (
                ("home", ""),
                ("compare", "compare/"),
                ("chart", "chart/"),
                ("benchmarks", "benchmarks/"),
                ("papers", "papers/"),
                ("about", "about/"),
            )
        ]
        return {
            "lang": lang,
            "root": root,
            "home": root + base,
            "nav": nav,
            "t": t,
            "csp": CSP,
            "page_title": f"{title} — {t['site_name']}" if title != t["site_name"] else title,
            "description": description[:300],
            "alternates": [
                {
                    "lang": other,
                    "name": self.catalog.info.name_of(other),
                    "href": root + _lang_base(other, self.languages) + inner,
                }
                for other in self.languages
                if other != lang
            ],
        }

    def links(self, lang: str, ctx: dict[str, Any]) -> LinkMap:
        """Anchors of the list (`#llm-jp-eval`, `#multimodal-text-generation`) to the site's pages. The same
        function for every page of a language at the same depth: html.inline's renders are remembered per link
        map, and a text shown on several pages (an entry's, its sections', its kind's) is parsed once."""
        key = (lang, ctx["root"])
        known = self._link_maps.get(key)
        if known is not None:
            return known
        base = ctx["root"] + _lang_base(lang, self.languages)
        anchors = self.anchors

        def target(anchor: str) -> str | None:
            path = anchors.get(anchor)
            return base + path + "/" if path else None

        self._link_maps[key] = target
        return target

    def entry_href(self, entry_id: str, lang: str, ctx: dict[str, Any]) -> str:
        return ctx["root"] + _lang_base(lang, self.languages) + entry_id + "/"

    def section_href(self, section_id: str, lang: str, ctx: dict[str, Any]) -> str:
        return ctx["root"] + _lang_base(lang, self.languages) + f"sections/{section_id}/"

    def section_title(self, section_id: str, lang: str) -> str:
        section = self.catalog.sections.get(section_id)
        return plain(self.t(section.title, lang)) if section else section_id

    def section_path(self, section_id: str, lang: str) -> str:
        """`テキスト生成に主に使うモデル › スクラッチ学習モデル › 汎用`: unique where titles repeat."""
        titles = []
        current = self.catalog.sections.get(section_id)
        while current is not None:
            titles.append(self.section_title(current.id, lang))
            current = self.catalog.sections.get(current.parent) if current.parent else None
        return " › ".join(reversed(titles))

    def page_titles(self, lang: str) -> dict[str, str]:
        """Entry page titles: the name and its section; an entry whose title is still taken adds its id."""
        titles = {}
        sections = self.catalog.sections
        section_titles: dict[str, str] = {}  # each section's title made once (not once per entry)
        for entry in self.catalog.entries.values():
            section = entry.data.section
            if section not in section_titles:
                section_titles[section] = self.section_title(section, lang)
            make = partial(self._page_title, entry, lang, section_titles[section])
            if self.kept is None:
                titles[entry.id] = make()
            else:  # made of the entry and its section's title: kept with both
                sources = (entry.data, sections.get(section))
                titles[entry.id] = self.kept.made(("title", lang, entry.id), sources, make)
        counts: dict[str, int] = {}
        for title in titles.values():
            counts[title] = counts.get(title, 0) + 1
        return {i: (f"{title} ({i})" if counts[title] > 1 else title) for i, title in titles.items()}

    def _page_title(self, entry: LoadedEntry, lang: str, section_title: str) -> str:
        return f"{plain(self.t(entry.data.name, lang))} — {section_title}"

    def breadcrumbs(self, section_id: str | None, lang: str, ctx: dict[str, Any]) -> list[dict[str, str]]:
        chain = []
        while section_id:
            section = self.catalog.sections.get(section_id)
            if section is None:
                break
            chain.append(
                {"href": self.section_href(section.id, lang, ctx), "title": self.section_title(section.id, lang)}
            )
            section_id = section.parent
        return chain[::-1]

    def params_text(self, record: dict[str, Any]) -> str:
        return params_range(v["params"] for v in record["variants"])

    def license_rows(
        self, entry: LoadedEntry, lang: str, notes: FootnoteRefs | None, links: LinkMap | None = None
    ) -> list[dict[str, Any]]:
        t = self.ui(lang)
        rows = []
        for ref in entry.data.licenses:
            lic = self.catalog.licenses.get(ref.id) if ref.id else None
            name = (
                inline(self.t(ref.text, lang), notes, links)
                if ref.text
                else inline(self.t(lic.name, lang) if lic else "", notes, links)
            )
            commercial = lic.commercial if lic else "unknown"
            rows.append(
                {
                    "name": name,
                    "url": lic.url if lic and lic.url and safe_url(lic.url) else None,
                    "scope": inline(self.t(ref.scope, lang), notes, links) if ref.scope else None,
                    "note": inline(self.t(ref.note, lang), notes, links) if ref.note else None,
                    "commercial": commercial,
                    "class_label": t[f"commercial_class_{commercial}"],
                    "conditions": plain(self.t(lic.conditions, lang)) if lic and lic.conditions else None,
                    "checked": t["license_checked"].format(date=lic.checked) if lic and lic.checked else None,
                }
            )
        return rows

    # --- pages -----------------------------------------------------------------------------------------

    def index_rows(
        self, lang: str, ctx: dict[str, Any], records: list[dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """The list's rows (of `records`, default every entry), with links relative to the page of `ctx`."""
        t = self.ui(lang)
        return [self.index_row(record, lang, ctx, t) for record in (self.records if records is None else records)]

    def index_row(self, record: dict[str, Any], lang: str, ctx: dict[str, Any], t: dict[str, str]) -> dict[str, Any]:
        entry = self.catalog.entries[record["id"]]
        return {
            "id": record["id"],
            "href": self.entry_href(record["id"], lang, ctx),
            "name": plain(self.t(entry.data.name, lang)),
            "kind": t.get(f"kind_{record['kind']}", record["kind"]),
            "year": record["year"] or "",
            "developers": ", ".join(text_in(d["name"], lang) for d in record["developers"]),
            "params": self.params_text(record),
            "licenses": [
                {
                    "name": plain(text_in(lic["name"], lang)),
                    "scope": plain(text_in(lic["scope"], lang)) if lic["scope"] else "",
                    "commercial": lic["commercial"],
                    "symbol": COMMERCIAL_SYMBOLS[lic["commercial"]],
                    "class_label": t[f"commercial_class_{lic['commercial']}"],
                    "uncertain": lic["uncertain"],
                }
                for lic in record["licenses"]
            ],
            "repo": record["repos"][0] if record["repos"] else "",
            "more_repos": max(len(record["repos"]) - 1, 0),
        }

    def rows_html(self, lang: str, ctx: dict[str, Any], records: list[dict[str, Any]]) -> list[Markup]:
        """The index's rows of `records` as HTML (_row.html.j2), each taken back from `kept` when it was made
        from the same record, entry and interface words (memo.Kept)."""
        t = self.ui(lang)
        macro = self.env.get_template("_row.html.j2").module.entry_row  # type: ignore[attr-defined]

        def row(record: dict[str, Any]) -> Markup:
            html: Markup = macro(self.index_row(record, lang, ctx, t), t)
            return html

        if self.kept is None:
            return [row(record) for record in records]
        kept = self.kept
        words = kept.made(("ui", lang, frozenset(t.items())), (), object)  # the same object while t is the same
        return [
            kept.made(
                ("row", lang, ctx["root"], record["id"]),
                (record, self.catalog.entries[record["id"]].data, words),
                partial(row, record),
            )
            for record in records
        ]

    def index_page(self, lang: str) -> None:
        path = _lang_base(lang, self.languages)
        t = self.ui(lang)
        info = self.catalog.info
        title = plain(self.t(info.title, lang))
        ctx = self.context(lang, path, title, t["about_intro"] + " " + title)
        rows = self.rows_html(lang, ctx, self.records[:PAGE_SIZE])
        count = len(self.records)
        pages = -(-count // PAGE_SIZE)
        html = self.env.get_template("index.html.j2").render(
            **ctx,
            title=title,
            intro=self._intro(lang, ctx),
            facets=self.facets(lang),
            filter_labels=json.dumps(
                {f.name: t.get(f.name, f.name.replace("_", " ")) for f in query.FILTERS}
                | {s.name: t[s.name] for s in query.SWITCHES},
                ensure_ascii=False,
            ),
            switches=[{"name": s.name, "label": t[s.name]} for s in query.SWITCHES],
            sort_keys=list(query.SORTS),
            rows=rows,
            count=count,
            page_size=PAGE_SIZE,
            rows_url=ctx["root"] + f"data/rows/{lang}/",
            entries_url=ctx["root"] + "data/entries/",
            shard_size=SHARD_SIZE,
            shards=-(-count // SHARD_SIZE),
            show_all_text=t["show_all"].replace("{shown}", str(min(count, PAGE_SIZE))).replace("{n}", str(count)),
            count_text=(t["result_one"] if count == 1 else t["result_many"]).replace("{n}", str(count)),
            section_links=self.section_links(lang, ctx),
            pages=[
                {"number": n, "href": ctx["home"] + (f"page/{n}/" if n > 1 else ""), "current": n == 1}
                for n in range(1, pages + 1)
            ]
            if pages > 1
            else [],
        )
        self.pages[path + "index.html"] = html

    def row_shard(self, lang: str, number: int) -> None:
        """Shard `number` of the index's rows of `lang` (data/rows/<lang>/<n>.html: the rows of entries
        [n·SHARD_SIZE, (n+1)·SHARD_SIZE)): the same row markup as the index page's, with links relative to the
        index page of `lang` (the script puts them in its list when a result shows them). Every entry is in one
        shard, the first page's too (a shard is the unit the script fetches)."""
        path = _lang_base(lang, self.languages)
        ctx = self.context(lang, path, "", "")  # for the links' root only
        start = number * SHARD_SIZE
        rows = self.rows_html(lang, ctx, self.records[start : start + SHARD_SIZE])
        template = self.env.get_template("rows.html.j2")
        self.pages[f"data/rows/{lang}/{number}.html"] = template.render(rows=rows)

    def list_page(self, lang: str, number: int, pages: int) -> None:
        """Page `number` of the whole list, without JavaScript: the index shows the first page."""
        t = self.ui(lang)
        path = _lang_base(lang, self.languages) + f"page/{number}/"
        title = f"{plain(self.t(self.catalog.info.title, lang))} ({number}/{pages})"
        ctx = self.context(lang, path, title, title)
        rows = self.index_rows(lang, ctx, self.records[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
        self.pages[path + "index.html"] = self.env.get_template("list_page.html.j2").render(
            **ctx,
            title=title,
            rows=rows,
            pages=[
                {"number": n, "href": ctx["home"] + (f"page/{n}/" if n > 1 else ""), "current": n == number}
                for n in range(1, pages + 1)
            ],
            count_text=t["result_many"].replace("{n}", str(len(self.records))),
        )

    def section_links(self, lang: str, ctx: dict[str, Any]) -> list[dict[str, Any]]:
        """Every section with entries, for browsing without the filters (and without JavaScript)."""
        return [
            {
                "href": self.section_href(sid, lang, ctx),
                "title": self.section_title(sid, lang),
                "depth": self._depth(sid),
                "count": len(self.by_section.get(sid, [])),
            }
            for sid in self.catalog.section_order()
            if self.by_section.get(sid) or self.catalog.sections[sid].intro
        ]

    def _intro(self, lang: str, ctx: dict[str, Any]) -> Markup:
        """The first paragraph of the list's preamble (the rest is on the about page)."""
        preamble = self.t(self.catalog.info.preamble, lang) if self.catalog.info.preamble else ""
        first = next(
            (p for p in preamble.split("\n\n") if p.strip() and not p.lstrip().startswith((">", "<", ":::", "[", "#"))),
            "",
        )
        return block(first, None, self.links(lang, ctx))

    def facets(self, lang: str) -> list[dict[str, Any]]:
        """The index page's controls, one per filter that has one (in the order of FILTERS): `select` with
        options (value, label, count) or `checkbox`, each with the counts the script shows for the page as it
        loads (no filter), so that it changes nothing."""
        out = self._controls(lang)
        if not self._counts:  # every language's values at once (some are texts of a language)
            self.counts_alone([key for other in self.languages for key in _facet_keys(self._controls(other))])
        counts = self.counts_alone(_facet_keys(out))
        for facet in out:
            facet["base"] = len(self.records)
            for option in facet["options"]:
                option["count"] = counts[facet["name"], option["value"]]
            if facet["control"] == "checkbox":
                facet["count"] = counts[facet["name"], "1"]
        return out

    def _controls(self, lang: str) -> list[dict[str, Any]]:
        """The index page's controls in `lang`, without their counts (made once per language)."""
        if lang in self._facet_controls:
            return self._facet_controls[lang]
        t = self.ui(lang)
        out: list[dict[str, Any]] = []
        for spec in query.FILTERS:
            kind = spec.parser.kind
            label = t.get(spec.name, spec.name.replace("_", " "))
            source = FACET_OPTIONS.get(spec.name)
            if source is not None:
                options = (
                    [{"value": v, "label": self._step_label(v)} for v in source]
                    if isinstance(source, tuple)
                    else self._catalog_options(source, lang)
                )
                out.append({"name": spec.name, "label": label, "control": "select", "options": options})
            elif kind == "choice":
                values = spec.parser.data["values"]
                options = [{"value": v, "label": t.get(f"{spec.name}_{v}", v)} for v in values]
                out.append({"name": spec.name, "label": label, "control": "select", "options": options})
            elif kind == "flag":
                out.append({"name": spec.name, "label": label, "control": "checkbox", "options": []})
        self._facet_controls[lang] = out
        return out

    def counts_alone(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """How many entries each filter value (name, value) keeps on its own, computed by the CLI's engine
        (search.query.run_query). With `kept` (a long-running process), which of these values each record passes
        is kept with the record: only the records made again since are queried."""
        missing = [key for key in dict.fromkeys(keys) if key not in self._counts]
        if not missing:
            return self._counts
        if self.kept is None:
            for key, found in zip(missing, self._passing(self.records, missing), strict=True):
                self._counts[key] = len(found)
            return self._counts
        # what a record passes depends on the values asked and on the registries (the vocabularies of the
        # filters), which give new records when they change: one token stands for the values asked
        token = self.kept.made(("facet values",), (), object, values=(tuple(missing),))
        passed: list[frozenset[int]] = []
        todo: list[int] = []
        for number, record in enumerate(self.records):
            found = self.kept.find(("facets", record["id"]), (record, token))
            passed.append(found)
            if found is None:
                todo.append(number)
        if todo:
            records = [self.records[number] for number in todo]
            places: list[set[int]] = [set() for _ in todo]
            for place, found in enumerate(self._passing(records, missing)):
                for index in found:
                    places[index].add(place)
            for number, held in zip(todo, places, strict=True):
                record = self.records[number]
                passed[number] = self.kept.keep(("facets", record["id"]), (record, token), frozenset(held))
        tally = Counter(place for held in passed for place in held)
        for place, key in enumerate(missing):
            self._counts[key] = tally[place]
        return self._counts

    def _passing(self, records: list[dict[str, Any]], keys: list[tuple[str, str]]) -> Iterator[list[int]]:
        """For each filter value, the places in `records` of those it keeps on its own (none for a value the
        engine refuses)."""
        for name, value in keys:
            try:
                found = query.run_query(records, self.meta, query.Query(None, {name: value}))
            except query.QueryError:
                found = []
            yield [match.index for match in found]

    @staticmethod
    def _step_label(value: str) -> str:
        """`7B` for a parameter step, `8,192` for a token count."""
        return f"{int(value):,}" if value.isdigit() else value.upper()

    def _catalog_options(self, source: str, lang: str) -> list[dict[str, str]]:
        """The options of a facet whose values come from the catalog."""
        t = self.ui(lang)
        records = self.records
        once = self._aggregate  # what does not depend on the language: once for all of them
        if source == "sections":
            kinds = once("kinds", lambda: list(dict.fromkeys(r["kind"] for r in records)))
            return [{"value": k, "label": t.get(f"kind_{k}", k)} for k in kinds] + [
                {"value": sid, "label": "\u00a0\u00a0" * self._depth(sid) + self.section_title(sid, lang)}
                for sid in self.catalog.section_order()
                if self.by_section.get(sid)
            ]
        if source == "licenses":
            licenses = once("licenses", lambda: sorted({lid for r in records for lid in r["license_ids"]}))
            return [
                {"value": lid, "label": plain(self.t(self.catalog.licenses[lid].name, lang))}
                for lid in licenses
                if lid in self.catalog.licenses
            ]
        if source == "years":
            years = once("years", lambda: sorted({r["year"] for r in records if r["year"]}, reverse=True))
            return [{"value": str(y), "label": str(y)} for y in years]
        if source == "developers":
            return [
                {
                    "value": org,
                    "label": plain(self.t(self.catalog.organizations[org].name, lang))
                    if org in self.catalog.organizations
                    else org,
                }
                for org in once("developers", self._developers_by_count)
            ]
        if source == "architectures":
            families = once("architectures", lambda: self._families([r["norm"]["architecture"] for r in records]))
            return [{"value": a, "label": a} for a in families]
        if source == "domains":
            domains: dict[str, str] = {}
            for record in records:
                entry = self.catalog.entries[record["id"]].data
                if entry.domain:
                    text = plain(self.t(entry.domain, lang))
                    domains.setdefault(normalize(text), text)
            return [{"value": k, "label": v} for k, v in sorted(domains.items())]
        raise ValueError(f"unknown facet source {source!r}")

    def _aggregate(self, name: str, make: Callable[[], list[Any]]) -> list[Any]:
        if name not in self._aggregates:
            self._aggregates[name] = make()
        return self._aggregates[name]

    def _developers_by_count(self) -> list[str]:
        """The developers' ids, those of the most entries first."""
        developers: dict[str, int] = {}
        for record in self.records:
            for dev in record["developers"]:
                developers[dev["id"]] = developers.get(dev["id"], 0) + 1
        return [org for org, _ in sorted(developers.items(), key=lambda item: (-item[1], item[0]))]

    def _depth(self, section_id: str) -> int:
        depth = 0
        section = self.catalog.sections.get(section_id)
        while section is not None and section.parent:
            depth += 1
            section = self.catalog.sections.get(section.parent)
        return depth

    @staticmethod
    def _families(texts: list[str], limit: int = 25) -> list[str]:
        """Architecture families for the facet: the first word of each architecture text, most common first."""
        counts: dict[str, int] = {}
        for text in texts:
            word = text.split(" ")[0].strip("()[],") if text else ""
            if len(word) >= 2:
                counts[word] = counts.get(word, 0) + 1
        return [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]]

    def entry_page(self, entry: LoadedEntry, lang: str) -> None:
        record = self.by_id[entry.id]
        data = entry.data
        t = self.ui(lang)
        path = _lang_base(lang, self.languages) + entry.id + "/"
        name = plain(self.t(data.name, lang))
        title = self.titles[lang].get(entry.id)
        developers = ", ".join(d["name"].get(lang) or "" for d in record["developers"])
        description = " — ".join(x for x in (name, developers, str(data.year or ""), self.params_text(record)) if x)
        ctx = self.context(lang, path, title or name, description)
        links = self.links(lang, ctx)
        notes = FootnoteRefs()
        fields: list[dict[str, Any]] = []

        def field(label: str, value: Any) -> None:
            if value not in (None, "", Markup("")):
                fields.append({"label": label, "value": value})

        section = self.catalog.sections.get(data.section)
        field(
            t["section"],
            Markup('<a href="{}">{}</a>').format(
                self.section_href(data.section, lang, ctx), self.section_title(data.section, lang)
            )
            if section
            else data.section,
        )
        field(t["year"], data.year)
        field(t["developer"], developers)
        field(t["params"], self.params_text(record))
        field(
            t["context"],
            f"{data.context_length:,}"
            if data.context_length and data.context is None
            else inline(self.t(data.context, lang), notes, links)
            if data.context
            else None,
        )
        for key in (
            "architecture",
            "base_model",
            "merged_from",
            "training_data",
            "domain",
            "platform",
            "description",
            "venue",
            "paper",
        ):
            value = getattr(data, key)
            if value is not None:
                field(t[key], inline(self.t(value, lang), notes, links))
        field(t["date"], data.date)
        if data.hf is not None:
            mark = {"yes": "◯", "partial": "△", "no": "✕"}.get(data.hf.status or "", "")
            note = inline(self.t(data.hf.note, lang), notes, links) if data.hf.note else Markup("")
            field(t["hf_status"], Markup(" ").join(part for part in (Markup.escape(mark), note) if part))
        for key, value in data.extra.items():
            header = next((c.header for c in section.columns if c.key == key), key) if section else key
            field(plain(self.t(header, lang)) or key, inline(self.t(value, lang), notes, links))
        variants, columns = self.variant_rows(entry, record, lang)
        for refs in data.footnotes.values():
            for ref in refs:
                notes.number(ref)
        licenses = self.license_rows(entry, lang, notes, links)
        note_texts = [
            inline(self.t(self.catalog.footnotes[ref].text, lang), None, links)
            for ref in notes.order
            if ref in self.catalog.footnotes
        ]
        url = data.url if isinstance(data.url, str) else self.t(data.url, lang) if data.url else None
        html = self.env.get_template("entry.html.j2").render(
            **ctx,
            name=name,
            url=url if url and safe_url(url) else None,
            breadcrumbs=self.breadcrumbs(data.section, lang, ctx),
            fields=fields,
            licenses=licenses,
            variants=variants,
            variant_columns=columns,
            notes=note_texts,
            related=self.related(record, lang, ctx),
        )
        self.pages[path + "index.html"] = html

    def variant_rows(
        self, entry: LoadedEntry, record: dict[str, Any], lang: str
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Each variant with the facts the search decides by (the record's: parameters, active count, context,
        license and its class), and the columns that have a value for at least one variant."""
        t = self.ui(lang)
        rows = []
        for variant, facts in zip(entry.data.variants, record["variants"], strict=False):
            url = (variant.url if isinstance(variant.url, str) else self.t(variant.url, lang)) if variant.url else None
            href = url or (f"https://huggingface.co/{variant.repo}" if variant.repo else None)
            params = format_params(facts["params"]) if facts["params"] else ""
            if params and facts["active"] and facts["active"] != facts["params"]:
                params = t["active_params"].format(total=params, n=format_params(facts["active"]))
            license_ = self.catalog.licenses.get(facts["license"]) if facts["license"] else None
            commercial = facts["commercial"]
            rows.append(
                {
                    "label": inline(self.t(variant.label, lang)) if variant.label else "",
                    "params": params,
                    "context": f"{facts['context']:,}" if facts["context"] else "",
                    "license": plain(self.t(license_.name, lang)) if license_ else "",
                    "commercial": commercial or "",
                    "class_label": t[f"commercial_class_{commercial}"] if commercial else "",
                    "uncertain": commercial != facts["commercial_stated"],
                    "href": href if href and safe_url(href) else None,
                    "target": variant.repo or url or "",
                    "aliases": ", ".join(variant.aliases),
                    "verified": self.verified_marks(variant, lang),
                }
            )
        wanted = {"params": "params", "context": "context", "license": "class_label", "repo": "target"}
        columns = ["label"] + [name for name, key in wanted.items() if any(row[key] for row in rows)]
        return rows, columns

    def verified_marks(self, variant: Variant, lang: str) -> dict[str, str]:
        """Variant column -> `verified on the Hub, DATE` for the facts `ja-llm hub verify` confirmed (the latest
        date when a column shows several)."""
        t = self.ui(lang)
        dates: dict[str, str] = {}
        for fact, mark in variant.verified.items():
            column = _VERIFIED_COLUMNS.get(fact)
            if column is not None and mark.source == "hub":
                dates[column] = max(dates.get(column, ""), mark.date)
        return {column: t["verified_hub"].format(date=day) for column, day in dates.items()}

    def related_entries(self, record: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The entries an entry page links to: (same base model, same developer), each the first RELATED_SHOWN
        in catalog order, without the entry itself. The lists of `by_developer` and `by_base_model` are in
        catalog order, so at most RELATED_SHOWN + 1 records of each are read: an entry page (and its key)
        costs the same whatever the size of its developer's family (reading them all made a build quadratic:
        10k synthetic entries of ~40 developers spent a third of the build here)."""
        own = record["id"]
        seen: dict[str, dict[str, Any]] = {}
        for dev in record["developers"]:
            for other in self.by_developer.get(dev["id"], [])[: RELATED_SHOWN + 1]:
                if other["id"] != own:
                    seen.setdefault(other["id"], other)
        same_dev = sorted(seen.values(), key=lambda r: r["order"])[:RELATED_SHOWN]
        base = record["norm"]["base_model"]
        candidates = self.by_base_model.get(base, [])[: RELATED_SHOWN + 1] if base else []
        same_base = [r for r in candidates if r["id"] != own][:RELATED_SHOWN]
        return same_base, same_dev

    def related(self, record: dict[str, Any], lang: str, ctx: dict[str, Any]) -> list[dict[str, Any]]:
        t = self.ui(lang)
        groups = []
        same_base, same_dev = self.related_entries(record)
        for title, items in ((t["same_base_model"], same_base), (t["same_developer"], same_dev)):
            if items:
                groups.append(
                    {
                        "title": title,
                        "items": [
                            {
                                "href": self.entry_href(r["id"], lang, ctx),
                                "name": text_in(r["name"], lang),
                            }
                            for r in items
                        ],
                    }
                )
        return groups

    def section_page(self, section_id: str, lang: str) -> None:
        path = _lang_base(lang, self.languages) + f"sections/{section_id}/"
        title = self.section_title(section_id, lang)
        trail = self.section_path(section_id, lang)
        count = len(self.by_section.get(section_id, []))
        ctx = self.context(lang, path, trail, f"{trail}: {self.ui(lang)['result_many'].replace('{n}', str(count))}")
        self.pages[path + "index.html"] = self.env.get_template("section.html.j2").render(
            **ctx,
            title=title,
            breadcrumbs=self.breadcrumbs(self.catalog.sections[section_id].parent, lang, ctx),
            blocks=[self._section_block(section_id, lang, ctx, with_title=False)],
        )

    def _section_block(self, section_id: str, lang: str, ctx: dict[str, Any], with_title: bool) -> dict[str, Any]:
        section = self.catalog.sections[section_id]
        entries = [r for r in self.by_section.get(section_id, []) if r["section"] == section_id]
        children = [s for s in self.catalog.section_order() if self.catalog.sections[s].parent == section_id]
        return {
            "id": section_id,
            "title": self.section_title(section_id, lang) if with_title else None,
            "href": self.section_href(section_id, lang, ctx),
            "intro": block(self.t(section.intro, lang), None, self.links(lang, ctx)) if section.intro else None,
            "entries": [self._block_item(r, lang, ctx) for r in entries],
            "children": [
                {
                    "href": self.section_href(c, lang, ctx),
                    "title": self.section_title(c, lang),
                    "count": len(self.by_section.get(c, [])),
                }
                for c in children
            ],
        }

    def _block_item(self, record: dict[str, Any], lang: str, ctx: dict[str, Any]) -> dict[str, Any]:
        """An entry in a section's list: its name and developers, and the list's own detail of a paper or a
        benchmark (date, venue, the paper's title, the description)."""
        data = self.catalog.entries[record["id"]].data
        links = self.links(lang, ctx)
        facts = [text for value in (data.date, data.venue) if value and (text := plain(self.t(value, lang))) != "-"]
        return {
            "href": self.entry_href(record["id"], lang, ctx),
            "name": text_in(record["name"], lang),
            "detail": ", ".join(d["name"].get(lang) or "" for d in record["developers"]),
            "facts": " · ".join(facts),
            "paper": inline(self.t(data.paper, lang), None, links) if data.paper else None,
            "description": inline(self.t(data.description, lang), None, links) if data.description else None,
        }

    def kind_page(self, kind: str, folder: str, lang: str) -> None:
        """The benchmarks or papers page: every section of that kind with its entries."""
        t = self.ui(lang)
        path = _lang_base(lang, self.languages) + f"{folder}/"
        title = t[folder]
        ctx = self.context(lang, path, title, title)
        sections = [s for s in self.catalog.section_order() if self.catalog.sections[s].kind == kind]
        blocks = [self._section_block(s, lang, ctx, with_title=True) for s in sections]
        self.pages[path + "index.html"] = self.env.get_template("section.html.j2").render(
            **ctx, title=title, breadcrumbs=[], blocks=[b for b in blocks if b["entries"] or b["intro"]]
        )

    def about_page(self, lang: str) -> None:
        t = self.ui(lang)
        path = _lang_base(lang, self.languages) + "about/"
        ctx = self.context(lang, path, t["about"], t["about_intro"])
        info = self.catalog.info
        self.pages[path + "index.html"] = self.env.get_template("about.html.j2").render(
            **ctx,
            title=t["about"],
            preamble=block(self.t(info.preamble, lang), None, self.links(lang, ctx)) if info.preamble else "",
            data_intro=inline(t["data_intro"]),  # names a command as `code`: the catalog texts' inline Markdown
        )

    def not_found_page(self) -> None:
        """`404.html` at the root, in the main language, with a way home in every language. Its links are
        absolute from the site's root (a host serves it at any missing path)."""
        lang = self.languages[0]
        t = self.ui(lang)
        ctx = self.context(lang, "", t["not_found"], t["not_found_text"])
        ctx["root"] = ctx["home"] = "/"
        ctx["nav"] = [{**item, "href": "/" + item["href"], "current": False} for item in ctx["nav"]]
        ctx["alternates"] = []
        homes = [
            {"lang": other, "href": "/" + _lang_base(other, self.languages), "text": self.ui(other)["not_found_home"]}
            for other in self.languages
        ]
        self.pages["404.html"] = self.env.get_template("404.html.j2").render(**ctx, title=t["not_found"], homes=homes)

    def chart_page(self, lang: str) -> None:
        """The parameter-size chart (its files are written by the chart stage into chart/), and the entries
        it does not plot with the reason (search.records.chart_point, the chart's own rule)."""
        t = self.ui(lang)
        path = _lang_base(lang, self.languages) + "chart/"
        ctx = self.context(lang, path, t["chart_title"], t["chart_intro"])
        missing = []
        for record in self.records:
            point = chart_point(record)
            if isinstance(point, str) and point != "not a model":
                missing.append(
                    {
                        "href": self.entry_href(record["id"], lang, ctx),
                        "name": text_in(record["name"], lang),
                        "reason": t.get("chart_reason_" + point.replace(" ", "_"), point),
                    }
                )
        self.pages[path + "index.html"] = self.env.get_template("chart.html.j2").render(
            **ctx, title=t["chart_title"], chart=ctx["root"] + f"chart/parameters-{lang}", not_plotted=missing
        )

    def compare_page(self, lang: str) -> None:
        t = self.ui(lang)
        path = _lang_base(lang, self.languages) + "compare/"
        ctx = self.context(lang, path, t["compare_title"], t["compare_intro"])
        self.pages[path + "index.html"] = self.env.get_template("compare.html.j2").render(
            **ctx, title=t["compare_title"], data_root=ctx["root"] + "api/entries/"
        )

    def entries_data(self) -> str:
        """data/entries.json: the query spec (search.query.spec: filters, sort keys, vocabularies) and where the
        entries' columns are: `shards` files data/entries/<n>.json of `shard_size` entries each, in catalog order
        (entry_shard writes each), `total` entries in all. The site's script evaluates queries from these
        alone."""
        spec = query.spec(self.meta)
        spec["facets"] = {
            name: {"control": "select", "steps": list(source)}
            for name, source in FACET_OPTIONS.items()
            if isinstance(source, tuple)
        }
        count = len(self.records)
        data = {
            "version": DATA_VERSION,
            "spec": spec,
            "total": count,
            "shard_size": SHARD_SIZE,
            "shards": -(-count // SHARD_SIZE),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    def entry_shard(self, number: int) -> None:
        """data/entries/<n>.json: for the entries [n·SHARD_SIZE, (n+1)·SHARD_SIZE), the columns the filters
        read, computed by the same code as the CLI's columns, column by column: `ids`, `columns` (name -> the
        values in entry order) and `variants` (`counts`: the variants of each entry; `fields`: name -> the
        values of every variant, entry after entry). A column whose values mostly repeat (developers,
        sections, licenses) is `{"values": its distinct values in order of first use, "codes": the place of
        each value among them}`: a shard is a third smaller and its values are parsed once."""

        def column(values: list[Any]) -> Any:
            distinct: dict[Any, int] = {}
            first: list[Any] = []
            codes = []
            for value in values:
                if isinstance(value, list):
                    key: Any = ("list", tuple(value))
                elif isinstance(value, dict):
                    key = ("dict", tuple(value.items()))
                else:
                    key = (type(value).__name__, value)
                code = distinct.setdefault(key, len(distinct))
                if code == len(first):
                    first.append(value)
                codes.append(code)
            return {"values": first, "codes": codes} if len(first) * 2 <= len(values) else values

        columns = query.data_columns()
        fields = query.variant_fields()
        start = number * SHARD_SIZE
        records = self.records[start : start + SHARD_SIZE]
        values: dict[str, list[Any]] = {name: [] for name in columns}
        for record in records:
            if self.kept is None:
                row = self._column_values(record, columns)
            else:  # with `kept`, a record's values are computed once
                key = ("columns", record["id"])
                row = self.kept.made(key, (record,), partial(self._column_values, record, columns))
            for name, value in zip(columns, row, strict=True):
                values[name].append(value)
        variants = [v for record in records for v in record["variants"]]
        data = {
            "version": DATA_VERSION,
            "start": start,
            "ids": [record["id"] for record in records],
            "columns": {name: column(values[name]) for name in columns},
            "variants": {
                "counts": [len(record["variants"]) for record in records],
                "fields": {name: column([v[name] for v in variants]) for name in fields},
            },
        }
        self.pages[f"data/entries/{number}.json"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def _column_values(record: dict[str, Any], columns: list[str]) -> list[Any]:
        """A record's value of each of the filters' columns (lists for tuples: what JSON holds)."""
        return [list(value) if isinstance(value := query.COLUMNS[name](record), tuple) else value for name in columns]

    # --- what each page depends on (incremental builds) ------------------------------------------------

    def jobs(self, code: str = "", digests: dict[str, bytes] | None = None) -> list[Job]:
        """Every page of the site as a job: a name, the key of everything its pages are made of, and the
        function that renders them (into `self.pages`). Two builds that give a job the same key give it the
        same pages, so an incremental build renders only the jobs whose key changed (site.incremental).

        The keys, from the narrowest: an entry's page depends on its own file, its title (unique only
        beside the other titles), the entries it shows as related (which ones, in order, and their names) and the
        shared inputs (`code`, the registries' files, the interface words, the anchors of the list); a
        section's page on its entries' files; a shard of the index's rows or of the filter columns, and a page
        of the list without JavaScript, on the files of its own entries (and their place); the benchmarks and
        papers pages on the files of the entries in sections of their kind; the chart page on every entry's
        chart point and names; the index pages (their facet counts) and data/entries.json on every entry's
        file. `code`: a fingerprint of ja-llm's code, templates and assets (site.stamp). `digests`: the
        entries' entry_digests, when the caller has them already."""
        self.titles = {lang: self.page_titles(lang) for lang in self.languages}
        shared = _key(
            code,
            registry_bytes(self.catalog),
            sorted(self.catalog.ui.items()),
            sorted(self.anchors.items()),
            self.languages,
        )
        # each entry's file by its digest, computed once: the keys below name an entry's file many times
        # (its section, its shard, its page of the list, the index), in every language
        texts = digests if digests is not None else entry_digests(self.catalog)
        everything = _key(shared, sorted(texts.items()))
        # the chart page lists the entries the chart leaves out: each entry's point (or why not) and names
        chart = _key(shared, [(r["id"], chart_point(r), sorted(r["name"].items())) for r in self.records])
        kinds = {  # the benchmarks and papers pages: the sections of their kind and those sections' entries
            kind: _key(
                shared,
                kind,
                sorted(
                    (r["id"], texts[r["id"]])
                    for section_id, section in self.catalog.sections.items()
                    if section.kind == kind
                    for r in self.by_section.get(section_id, [])
                ),
            )
            for kind in ("benchmark", "paper")
        }
        count = len(self.records)
        pages, shards = -(-count // PAGE_SIZE), -(-count // SHARD_SIZE)

        def files(start: int, size: int) -> list[tuple[str, bytes]]:
            """The files of the entries [start, start + size) of the list, in its order."""
            return [(r["id"], texts[r["id"]]) for r in self.records[start : start + size]]

        # a shard of rows or filter columns, a page of the list without JavaScript: their own entries' files
        shard_keys = [_key(shared, n, files(n * SHARD_SIZE, SHARD_SIZE)) for n in range(shards)]
        page_keys = {
            number: _key(shared, number, pages, count, files((number - 1) * PAGE_SIZE, PAGE_SIZE))
            for number in range(2, pages + 1)
        }
        section_keys = {  # a section's page: its entries' files
            section_id: _key(shared, sorted((r["id"], texts[r["id"]]) for r in self.by_section.get(section_id, [])))
            for section_id in self.catalog.sections
        }
        # the same inputs in every language
        names: dict[str, bytes] = {}
        entry_keys = {entry.id: self.entry_key(entry, shared, texts, names) for entry in self.catalog.entries.values()}
        jobs: list[Job] = [Job(f"data/{n}", shard_keys[n], partial(self.entry_shard, n)) for n in range(shards)]
        for lang in self.languages:
            jobs += [Job(f"rows/{lang}/{n}", shard_keys[n], partial(self.row_shard, lang, n)) for n in range(shards)]
            jobs += [
                Job(f"page/{lang}/{number}", key, partial(self.list_page, lang, number, pages))
                for number, key in page_keys.items()
            ]
            jobs += [
                Job(f"index/{lang}", everything, partial(self.index_page, lang)),
                Job(f"about/{lang}", shared, partial(self.about_page, lang)),
                Job(f"compare/{lang}", shared, partial(self.compare_page, lang)),
                Job(f"chart/{lang}", chart, partial(self.chart_page, lang)),
            ]
            for kind, folder in (("benchmark", "benchmarks"), ("paper", "papers")):
                jobs.append(Job(f"{folder}/{lang}", kinds[kind], partial(self.kind_page, kind, folder, lang)))
            jobs += [
                Job(f"section/{lang}/{section_id}", key, partial(self.section_page, section_id, lang))
                for section_id, key in section_keys.items()
            ]
            jobs += [
                Job(f"entry/{lang}/{entry.id}", entry_keys[entry.id], partial(self.entry_page, entry, lang))
                for entry in self.catalog.entries.values()
            ]
        jobs.append(Job("data", everything, self.data_files))
        jobs.append(Job("404", shared, self.not_found_page))
        return jobs

    def entry_key(self, entry: LoadedEntry, shared: str, texts: dict[str, bytes], names: dict[str, bytes]) -> str:
        """With `kept`, taken back while the entry's record, its related entries' records (the same objects:
        their files did not change), its titles and the shared inputs are the same. `names`: each related
        entry's id and names as a digest, made once per jobs() (the same few entries are related to every
        entry of their developer: their names were hashed again for each, a third of the keys' time)."""
        record = self.by_id[entry.id]
        same_base, same_dev = self.related_entries(record)
        titles = [self.titles[lang].get(entry.id) for lang in self.languages]

        def named(r: dict[str, Any]) -> bytes:
            digest = names.get(r["id"])
            if digest is None:
                digest = names[r["id"]] = bytes.fromhex(_key(r["id"], sorted(r["name"].items())))
            return digest

        def make() -> str:
            # two parts of fixed-size digests: which entries, in order, and their names
            related = [b"".join(map(named, group)) for group in (same_base, same_dev)]
            return _key(shared, texts[entry.id], titles, *related)

        if self.kept is None:
            return make()
        sources = (record, *same_base, None, *same_dev)  # None: where one group ends
        return self.kept.made(("entry key", entry.id), sources, make, values=(shared, texts[entry.id], *titles))

    def data_files(self) -> None:
        self.pages["data/entries.json"] = self.entries_data()

    def index_files(self) -> dict[str, str]:
        """Only what the index page loads, in every language: the index pages, the shards of rows and of
        filter columns, data/entries.json (path -> text). For the scale tests and bench/site_bench.py: the
        entry pages of 100k entries would take most of the build."""
        for job in self.jobs():
            if job.name.startswith(("index/", "rows/", "data")):
                job.render()
        return self.pages

    def build(self) -> dict[str, str]:
        """Every page: path -> text."""
        for job in self.jobs():
            job.render()
        return self.pages
