"""The `ja-llm` command. The library raises domain errors; only this module turns them into messages.

Imports of the heavy parts (pydantic models, the Markdown parser, rich) happen inside the commands that
need them, so that `ja-llm search` answers from the compiled index quickly.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import CatalogInvalid, JaLlmError

if TYPE_CHECKING:
    from .api import Catalog
    from .catalog.load import ParseMemo
    from .site.outputs import Built


def _fail(message: str, hint: str = "", code: int = 1) -> None:
    _say_error(message, hint)
    sys.exit(code)


def _say_error(message: str, hint: str = "") -> None:
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"hint: {hint}", err=True)


def _report(exc: JaLlmError) -> tuple[str, str]:
    """Print what comes before a library error's one-line message (an invalid catalog's errors, one per line);
    returns the message and its hint."""
    if isinstance(exc, CatalogInvalid):
        for problem in exc.problems:
            if problem.severity == "error":
                click.echo(str(problem), err=True)
        return str(exc), "run `ja-llm validate` to see every problem, fix the files it names"
    return str(exc), getattr(exc, "hint", "")


def handle_errors(func: Callable) -> Callable:
    """Turn library errors into one-line messages with a hint and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except JaLlmError as exc:
            _fail(*_report(exc))
        except KeyboardInterrupt:
            _fail("interrupted", code=130)

    return wrapper


def data_option(func: Callable) -> Callable:
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Catalog folder to use (default: the catalog shipped with ja-llm).",
    )(func)


def output_options(func: Callable) -> Callable:
    """The shared output flags: --table (default on a terminal), --json, --csv, --ids."""
    options = [
        click.option("--table", "fmt", flag_value="table", help="A table (the default)."),
        click.option("--json", "fmt", flag_value="json", help="JSON, for programs."),
        click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row."),
        click.option("--ids", "fmt", flag_value="ids", help="Only entry ids, one per line (for pipes)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load(data: Path | None, memo: ParseMemo | None = None) -> Catalog:
    from .api import Catalog
    from .catalog.load import load_catalog

    return load_catalog(data, Catalog, memo=memo)  # Catalog.load, with the memo of a process that loads again


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ja-llm")
def main() -> None:
    """ja-llm: the Japanese LLM catalog.

    One validated catalog of Japanese language models (TOML files) with tools to import the
    awesome-japanese-llm list, validate the catalog and search it. Every command reads the catalog
    shipped with ja-llm unless --data DIR names another catalog folder.
    """


def _list_languages(translations: tuple[str, ...], lang: str | None) -> tuple[dict[str, Path], str | None]:
    """--translation LANG=PATH and --lang LANG of the commands that read a version of the list."""
    parsed: dict[str, Path] = {}
    for item in translations:
        code, sep, path = item.partition("=")
        code = code.strip().lower()  # language codes ignore case: EN is en
        if not sep or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", code) or not path:
            raise click.BadParameter(
                f"{item!r}: expected LANG=PATH with a language code, e.g. en=en/README.md", param_hint="--translation"
            )
        parsed[code] = Path(path)
    if lang is not None:
        lang = lang.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", lang):
            raise click.BadParameter(f"{lang!r}: expected a language code such as ja, en or fr", param_hint="--lang")
    return parsed, lang


def list_source_options(func: Callable) -> Callable:
    """SOURCE, --translation, --lang and --tree: a version of the awesome list (import, sync)."""
    options = [
        click.argument("source", type=click.Path(path_type=Path)),
        click.option(
            "--translation",
            "translations",
            multiple=True,
            metavar="LANG=PATH",
            help="A translated README of the same list, e.g. en=en/README.md (repeatable).",
        ),
        click.option(
            "--lang",
            default=None,
            metavar="LANG",
            help="The language SOURCE is written in, the catalog's main language (default: the one its language "
            "switch names, looked up in the --data catalog's language_names).",
        ),
        click.option(
            "--tree",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="The list's folder: includes (<!--@include: @/parts/x.md-->) resolve inside it, never outside "
            "(default: SOURCE's folder; give the list's root when SOURCE is a translation such as fr/README.md).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command("import")
@list_source_options
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Folder to write the catalog into.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write the import report (JSON) here.")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Catalog whose licenses.toml is the license vocabulary to match (default: the shipped catalog).",
)
@handle_errors
def import_command(
    source: Path,
    translations: tuple[str, ...],
    lang: str | None,
    tree: Path | None,
    out: Path,
    report: Path | None,
    force: bool,
    data: Path | None,
) -> None:
    """Import an awesome-japanese-llm README, in any of its languages, into a new catalog folder.

    SOURCE gives the main text; each --translation adds a language, its rows paired with SOURCE's by the
    links they share, then by their content, then by position (the report lists what stayed unpaired).

    Every table row and list item of the content sections is imported or listed in the report
    (rows_imported + len(skipped) == rows_total). The folder is written to a temporary folder first and
    renamed at the end, so a failed import leaves nothing half-written.
    """
    from .files import atomic_write
    from .importer import import_list, import_report_json

    parsed, lang = _list_languages(translations, lang)
    result = import_list(source, parsed, out, force=force, data=data, lang=lang, tree=tree)
    if report is not None:
        atomic_write(report, import_report_json(result))
    click.echo(
        f"imported {result.rows_imported} of {result.rows_total} rows into {out} "
        f"({len(result.skipped)} skipped, {len(result.warnings)} warnings)"
    )
    for skip in result.skipped:
        click.echo(f"  skipped {source.name}:{skip.line}: {skip.reason}", err=True)


@main.command("validate")
@data_option
@click.option("--strict", is_flag=True, help="Fail on warnings too (missing translations, unclosed links).")
@click.option(
    "--complete",
    "complete",
    multiple=True,
    metavar="LANG",
    help="A language every text must have (repeatable): its missing translations are warnings. "
    "Default: catalog.toml's `complete`, else every language.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summary.")
@handle_errors
def validate_command(data: Path | None, strict: bool, complete: tuple[str, ...], quiet: bool) -> None:
    """Check the catalog and print every problem as `path:line: field: message`.

    Checks the schema (unknown keys are errors), references to sections, organizations, licenses and
    footnotes, duplicate ids, Hugging Face repo ids used by two entries, malformed repo ids and URLs,
    unparseable sizes and missing translations (warnings, for the languages that must be complete), and
    reports the translation coverage of every language. Exit 1 on any error (or warning with --strict):
    `--strict --complete fr` fails while a French text is missing. It never writes.
    """
    from collections import Counter

    from .catalog.load import collect
    from .catalog.location import shipped_catalog

    root = data or shipped_catalog()
    catalog, problems = collect(root, complete=complete or None)
    if catalog is not None:
        unknown = [lang for lang in complete if lang not in catalog.info.languages]
        if unknown:
            raise click.BadParameter(
                f"{', '.join(unknown)}: not a language of this catalog (it has {', '.join(catalog.info.languages)})",
                param_hint="--complete",
            )
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error" or strict)
    failed = bool(errors) or (strict and bool(warnings))
    if not quiet:
        if catalog is not None:
            kinds = Counter(
                catalog.sections[e.data.section].kind
                for e in catalog.entries.values()
                if e.data.section in catalog.sections
            )
            variants = sum(len(e.data.variants) for e in catalog.entries.values())
            repos = sum(len(catalog.repos(e)) for e in catalog.entries.values())
            click.echo(
                f"{root}: {len(catalog.entries)} entries ({', '.join(f'{k} {n}' for k, n in kinds.most_common())}), "
                f"{variants} variants, {repos} Hugging Face repos, {len(catalog.sections)} sections, "
                f"{len(catalog.organizations)} organizations, {len(catalog.licenses)} licenses"
            )
            coverage = catalog.coverage
            click.echo(
                f"translations of {coverage.texts} texts: "
                + ", ".join(
                    f"{lang} {coverage.percent(lang):.1f}%"
                    + (f" ({coverage.missing[lang]} missing)" if coverage.missing.get(lang) else "")
                    for lang in catalog.info.languages
                )
            )
        click.echo(
            f"{len(errors)} error(s), {len(warnings)} warning(s)" + (" (--strict)" if strict and warnings else "")
        )
    sys.exit(1 if failed else 0)


@main.command("render")
@data_option
@click.option("--lang", required=True, help="Language of the list (one of the catalog's languages, e.g. ja or en).")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; - for standard output.",
)
@handle_errors
def render_command(data: Path | None, lang: str, out: Path) -> None:
    """Render the awesome-list README of one language from the catalog.

    Title, preamble, a table of contents, every section with its columns and rows in catalog order,
    footnotes numbered by first use, and links to the other languages. Texts missing in LANG fall back
    to the first language that has them, with a marker. Rendering twice gives identical bytes. The
    committed lists (`ja-llm build --update`) also show the parameter-size chart, drawn beside them.
    """
    from .files import atomic_write
    from .render.markdown import render_markdown

    catalog = _load(data)
    _check_lang(catalog, lang)
    text = render_markdown(catalog, lang)
    if str(out) == "-":
        click.echo(text, nl=False)
        return
    atomic_write(out, text)
    click.echo(f"wrote {out} ({text.count(chr(10))} lines)", err=True)


def _check_lang(catalog: Catalog, lang: str) -> None:
    if lang not in catalog.info.languages:
        raise click.BadParameter(
            f"{lang!r} is not a language of this catalog (accepted: {', '.join(catalog.info.languages)})",
            param_hint="--lang",
        )


def _root(data: Path | None) -> Path:
    from .catalog.location import shipped_catalog

    return data if data is not None else shipped_catalog()


def _say(message: str) -> None:
    click.echo(message, err=True)


def _report_built(built: Built) -> None:
    """What a build did (site.outputs.Built), said."""
    if built.current:
        _say(f"{built.site} is current: nothing to build (--rebuild builds it all again)")
        return
    _say(
        f"wrote {built.pages} pages into {built.site} and the lists of {built.languages} languages with their charts "
        f"into {built.lists}"
    )
    shared = f" (the second process rendered {built.second} jobs of pages)" if built.second else ""
    _say("time: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in built.timings.items()) + shared)
    if built.rendered is not None:
        _say(f"updated the last build: {built.rendered} jobs of pages rendered again")


def build_folder_option(help: str) -> Callable[[Callable], Callable]:
    """--out for the commands that build: the gitignored build folder (default build/)."""
    return click.option(
        "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True, help=help
    )


@main.command("build")
@data_option
@build_folder_option(
    "Folder that receives every generated output: the site in OUT/site, the lists in OUT/list (gitignored)."
)
@click.option("--check", is_flag=True, help="Only check that the committed generated files (--lists) are current.")
@click.option("--update", is_flag=True, help="Rewrite the committed generated files (--lists) from the catalog.")
@click.option(
    "--rebuild", is_flag=True, help="Build everything from scratch (by default only what changed is built again)."
)
@click.option(
    "--lists",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("list"),
    show_default=True,
    help="Folder of the committed Markdown lists (README.md, en/README.md, ...).",
)
@handle_errors
def build_command(data: Path | None, out: Path, check: bool, update: bool, rebuild: bool, lists: Path) -> None:
    """Generate every output of the catalog.

    By default writes the static website into OUT/site (any static host can serve it; `ja-llm serve`
    previews it) and the Markdown list of every language into OUT/list. A folder built before by this
    ja-llm is updated: only the pages whose inputs changed are rendered again (the result is the same as
    a build from scratch, --rebuild); with nothing changed nothing is done. --check compares the committed
    lists in --lists with what the catalog renders and fails naming each stale file (CI runs it);
    --update rewrites them.
    """
    if check and update:
        raise click.UsageError("--check and --update exclude each other")
    if check:
        from .render.lists import expected_files, stale_files

        catalog = _load(data)
        stale = stale_files(catalog, lists)
        for path, reason in stale:
            click.echo(f"{path}: {reason}", err=True)
        if stale:
            _fail(
                f"{len(stale)} generated file(s) are not current",
                "run `ja-llm build --update` and commit the result",
            )
        click.echo(f"{len(expected_files(catalog, lists))} generated file(s) are current")
        return
    if update:
        from .render.lists import write_files

        for path in write_files(_load(data), lists):
            click.echo(f"wrote {path}")
        return
    from .site.outputs import build_outputs

    _report_built(build_outputs(_root(data), out, rebuild, say=_say))


@main.command("serve")
@data_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 or :: to let other machines in: a preview server, not for the internet).",
)
@build_folder_option("Build folder; the site is served from OUT/site.")
@click.option("--rebuild", is_flag=True, help="Build even when the site is current.")
@click.option(
    "--watch/--no-watch",
    default=True,
    show_default=True,
    help="Update the site while serving it when a catalog file changes (the files are polled a few times a second).",
)
@handle_errors
def serve_command(data: Path | None, port: int, host: str, out: Path, rebuild: bool, watch: bool) -> None:
    """Build the site if needed and serve it on http://HOST:PORT/ until interrupted (Ctrl-C).

    The site is rebuilt when the catalog or ja-llm itself (its version, code, templates) changed since the
    last build. While it serves, an edit of a catalog file updates the site within about a second (--watch,
    the default; reload the page to see it). An edit that makes the catalog invalid is reported and the
    site is left as it was until the files are fixed. Changes to ja-llm's own code need a restart.
    """
    from .catalog.toml import read_toml
    from .site.outputs import Preview
    from .site.serve import make_server

    site = out / "site"
    preview = Preview(_root(data), out, watch, say=_say)
    built = preview.build(rebuild)
    if built is not None:
        _report_built(built)
    try:
        server = make_server(site, port, host=host)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", "choose another port with --port", code=1)

    def failed(exc: JaLlmError) -> None:
        message, hint = _report(exc)
        later = "the site is updated once the files change again"
        _say_error(f"{message} (the site was not updated)", f"{hint}; {later}" if hint else later)

    if watch:
        preview.watch(_report_built, failed)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_address[1]}/"
    info = read_toml(_root(data) / "catalog.toml")[0]
    names = info.get("language_names", {})
    others = "; ".join(f"{names.get(lang, lang)}: {url}{lang}/" for lang in info.get("languages", [])[1:])
    click.echo(f"serving {site} at {url}" + (f" ({others})" if others else "") + " — press Ctrl-C to stop", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()
        preview.stop()


def filter_options(func: Callable) -> Callable:
    """One CLI option per filter of ja_llm.search.query.FILTERS (the filters are defined once, there): a flag
    for a flag filter, an option whose value may be left out for a filter with a default value."""
    from .search.query import FILTERS

    for spec in reversed(FILTERS):
        names = ["--" + name.replace("_", "-") for name in (spec.name, *spec.aliases)]
        default = spec.parser.data.get("default")
        if spec.flag:
            func = click.option(*names, spec.name, is_flag=True, default=None, help=spec.help)(func)
        elif default is not None:
            func = click.option(
                *names, spec.name, is_flag=False, flag_value=default, default=None, metavar=spec.metavar, help=spec.help
            )(func)
        else:
            func = click.option(*names, spec.name, default=None, metavar=spec.metavar, help=spec.help)(func)
    return func


def switch_options(func: Callable) -> Callable:
    """One flag per switch of ja_llm.search.query.SWITCHES (`--active`, `--include-uncertain`)."""
    from .search.query import SWITCHES

    for switch in reversed(SWITCHES):
        option = "--" + switch.name.replace("_", "-")
        func = click.option(option, switch.name, is_flag=True, help=switch.help)(func)
    return func


@main.command("search")
@click.argument("query", required=False)
@data_option
@filter_options
@switch_options
@click.option(
    "--sort",
    "sort",
    default="catalog",
    show_default=True,
    metavar="KEY",
    help="Sort by catalog order, params, year or name.",
)
@click.option("--desc", is_flag=True, help="Sort in descending order.")
@click.option("--limit", type=int, default=None, help="Show at most this many entries.")
@click.option("--lang", default=None, help="Language of the names shown (one of the catalog's; default: its first).")
@output_options
@handle_errors
def search_command(
    query: str | None,
    data: Path | None,
    sort: str,
    desc: bool,
    limit: int | None,
    lang: str | None,
    fmt: str | None,
    **filters: Any,
) -> None:
    """Find entries by text and filters.

    Every word of QUERY must match, in any order and any of: names (in every language), developer names
    and their full or short forms (東北大学 = 東北大), Hugging Face repo ids, variant labels and training
    data, ignoring case and full-width/half-width differences (ＳＢ = SB, ｶﾀｶﾅ = カタカナ); entries whose
    name holds the whole QUERY come first. With no QUERY and no filter, every entry is listed in catalog
    order.

    \b
    Examples:
      ja-llm search --min-params 7b --commercial
      ja-llm search --kind encoder --developer 東北大 --hf
      ja-llm search 東北大 BERT
      ja-llm search --developer "SB Intuitions" --year 2025
      ja-llm search --kind embedding --min-context 8192
      ja-llm search --base-model qwen3 --sort params --desc
    """
    from .search.index import open_index
    from .search.output import emit
    from .search.query import SWITCHES, Query, QueryError

    switches = [s.name for s in SWITCHES if filters.pop(s.name)]  # the flags of switch_options

    index = open_index(data)  # read lazily: only the columns the query reads and the records it shows
    languages = index.meta["languages"]
    if lang is None:
        lang = languages[0]
    elif lang not in languages:
        raise click.BadParameter(
            f"{lang!r} is not a language of this catalog (accepted: {', '.join(languages)})", param_hint="--lang"
        )
    try:
        matches = index.run(Query(query, filters, False, sort, desc, limit, lang, switches=switches))
    except QueryError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    emit(matches, fmt, lang, write=lambda text: click.echo(text, nl=False))


@main.command("export")
@click.argument("query", required=False)
@data_option
@filter_options
@switch_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "sqlite", "llms"]),
    required=True,
    help="json: a folder with catalog.json, schema.json and entries/<id>.json; csv: one row per variant; "
    "sqlite: a database with full-text search and its Datasette metadata beside it; llms: llms.txt files.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file (csv, sqlite) or folder (json, llms) to write; replaced as a whole, never half-written.",
)
@click.option("--lang", default=None, help="Language of the CSV's texts (default: the catalog's first).")
@click.option("--excel", is_flag=True, help="CSV for Excel: a byte-order mark, CRLF, no formula cells.")
@handle_errors
def export_command(
    query: str | None,
    data: Path | None,
    fmt: str,
    out: Path,
    lang: str | None,
    excel: bool,
    **filters: Any,
) -> None:
    """Write the catalog, or the entries a search finds, as data for programs.

    QUERY and every filter work as in `ja-llm search` (with variant filters, each entry keeps only the
    matching variants). `ja-llm build` writes every export of the whole catalog into the site (api/,
    catalog.csv, catalog.db, llms.txt); this command writes one, optionally filtered.

    \b
    Examples:
      ja-llm export --format csv --out models.csv --commercial --min-params 7b
      ja-llm export --format sqlite --out catalog.db   # then: datasette catalog.db -m catalog.metadata.json
      ja-llm export --format json --out api/ --developer sb-intuitions
    """
    from .export import write_api, write_csv, write_llms
    from .export.sqlite_db import write_datasette_metadata, write_sqlite
    from .search.query import SWITCHES, Query, QueryError, run_query

    switches = [s.name for s in SWITCHES if filters.pop(s.name)]
    catalog = _load(data)
    selection = None
    if query or any(value not in (None, False) for value in filters.values()) or switches:
        from .search.records import build_meta, build_records

        try:
            selection = run_query(
                build_records(catalog), build_meta(catalog), Query(query, filters, False, switches=switches)
            )
        except QueryError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    if fmt == "json":
        written = write_api(catalog, out, selection)
    elif fmt == "csv":
        written = [write_csv(catalog, out, selection, lang=lang, excel=excel)]
    elif fmt == "sqlite":
        metadata = out.with_name(out.stem + ".metadata.json")
        written = [write_sqlite(catalog, out, selection), write_datasette_metadata(catalog, metadata, out.stem)]
    else:
        written = write_llms(catalog, out, None, selection)
    count = len(selection) if selection is not None else len(catalog.entries)
    click.echo(
        f"wrote {count} entries: " + ", ".join(str(path) for path in written[:3]) + (" …" if len(written) > 3 else ""),
        err=True,
    )


@main.command("sync")
@list_source_options
@data_option
@click.option("--write", is_flag=True, help="Apply the additions and changes to the catalog (minimal diff).")
@click.option(
    "--adopt",
    is_flag=True,
    help="Record SOURCE as the version the catalog already holds (after an import), comparing nothing.",
)
@click.option("--version", "label", default=None, metavar="LABEL", help="A label for this version (e.g. its date).")
@click.option("--json", "as_json", is_flag=True, help="The report as JSON, for programs.")
@click.option(
    "--lists",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also rewrite the generated lists in this folder after --write (as `build --update` does).",
)
@handle_errors
def sync_command(
    source: Path,
    translations: tuple[str, ...],
    lang: str | None,
    tree: Path | None,
    data: Path | None,
    write: bool,
    adopt: bool,
    label: str | None,
    as_json: bool,
    lists: Path | None,
) -> None:
    """Compare a version of the awesome list with the catalog, row by row, and take in what it changed.

    Reports rows that are new (`added`: new entries), facts the list changed (`changed`: a diff field by
    field and language), rows that are gone (`removed`: never deleted), repos the list now writes with
    another id (`renamed`), and `conflict`s: a fact the list changed that the catalog edited or verified
    since the last sync (or never synced) — the catalog's value is kept. The catalog's upstream.json
    records the version last synced and what it said; --write applies the additions and changes and
    records the new version (running it twice changes nothing). Exit 1 when conflicts remain.
    """
    from .hub.verify import today
    from .sync.apply import read_upstream, write_plan
    from .sync.plan import plan_sync
    from .sync.state import SyncState

    if write and adopt:
        raise click.UsageError("--write and --adopt exclude each other")
    parsed, lang = _list_languages(translations, lang)
    catalog = _load(data)
    upstream = read_upstream(source, parsed, data=data, lang=lang, tree=tree, version=label)
    plan = plan_sync(catalog, upstream, SyncState.read(catalog.root), today(), adopt=adopt)
    written = write_plan(catalog, plan) if (write or adopt) else []
    if as_json:
        click.echo(
            json.dumps(
                {
                    "version": upstream.version,
                    "changes": [dataclasses.asdict(change) for change in plan.changes],
                    "written": [str(path) for path in written],
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        rows = [(c.kind, c.entry, c.fact, _short(c.catalog), _short(c.upstream), c.note) for c in plan.changes]
        _print_table(("kind", "entry", "fact", "catalog", "list", "note"), rows)
        counts = ", ".join(
            f"{plan.count(kind)} {kind}"
            for kind in ("added", "changed", "renamed", "removed", "conflict", "skipped")
            if plan.count(kind)
        )
        verb = "wrote" if written else ("would write" if plan.edits or plan.new_files else "nothing to write")
        click.echo(f"{source} ({upstream.version}): {counts or 'no change'}; {verb}", err=True)
        for path in written:
            click.echo(f"wrote {path}", err=True)
    if written and lists is not None:
        from .render.lists import write_files

        for path in write_files(_load(data), lists):
            click.echo(f"wrote {path}", err=True)
    sys.exit(1 if plan.count("conflict") else 0)


def _short(value: Any, width: int = 48) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


@main.command("links")
@data_option
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the whole report (every URL at every place, by entry and field) as JSON here.",
)
@click.option(
    "--write", is_flag=True, help="Apply the proposed edits: replace URLs that moved for good (301/308) in the TOML."
)
@click.option("--all", "show_all", is_flag=True, help="List every URL, not only the failing and moved ones.")
@click.option("--per-host", type=click.IntRange(1), default=8, show_default=True, help="Requests in flight per host.")
@click.option(
    "--max-concurrency", type=click.IntRange(1), default=128, show_default=True, help="Requests in flight in all."
)
@click.option(
    "--host-interval",
    default="0s",
    show_default=True,
    help="Least time between two requests to one host (lychee's duration: 50ms, 1s); lychee widens it on 429s.",
)
@click.option("--timeout", type=click.IntRange(1), default=20, show_default=True, help="Seconds per request.")
@click.option(
    "--max-retries", type=click.IntRange(0), default=3, show_default=True, help="Retries of a failed request."
)
@click.option(
    "--retry-wait",
    type=click.IntRange(0),
    default=1,
    show_default=True,
    help="Seconds before the first retry (lychee waits longer before each next one).",
)
@click.option("--max-redirects", type=click.IntRange(0), default=10, show_default=True, help="Redirects followed.")
@click.option(
    "--max-cache-age",
    default="1d",
    show_default=True,
    help="A success younger than this (lychee's cache) is not checked again; failures always are.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of lychee's cache and the history of checks (default: links/ in $JA_LLM_CACHE_DIR or the "
    "user cache folder).",
)
@click.option(
    "--dead-after-runs",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="A failing link is dead after failing on this many runs...",
)
@click.option(
    "--dead-after-days",
    type=click.FloatRange(0),
    default=7.0,
    show_default=True,
    help="...spanning at least this many days; before that it is only failing recently (flaky).",
)
@click.option(
    "--hub-endpoint",
    envvar="HF_ENDPOINT",
    default="https://huggingface.co",
    show_default=True,
    help="The Hugging Face site variants' repos are checked at ($HF_ENDPOINT).",
)
@handle_errors
def links_command(
    data: Path | None,
    report_path: Path | None,
    write: bool,
    show_all: bool,
    per_host: int,
    max_concurrency: int,
    host_interval: str,
    timeout: int,
    max_retries: int,
    retry_wait: int,
    max_redirects: int,
    max_cache_age: str,
    cache_dir: Path | None,
    dead_after_runs: int,
    dead_after_days: float,
    hub_endpoint: str,
) -> None:
    """Check every link of the catalog with lychee and report the broken ones by entry and field.

    Checks entries' and variants' `url`, variants' Hugging Face repos, license and organization URLs and
    the links inside every text (footnotes, training data, papers, …), each reported as `file:line: field`.
    A link is dead only after failing on --dead-after-runs runs over --dead-after-days days (the history
    is kept in the cache folder); before that it is failing recently. URLs that moved for good (301/308)
    are proposed as edits, applied with --write (a minimal diff; a renamed Hub repo is only reported:
    `ja-llm hub verify` records it). Exit 1 when a link is dead, else 0. $JA_LLM_NOW sets the clock.
    """
    from .links import Rule, Settings, apply, check_links, text_lines, write_json

    catalog = _load(data)
    terminal = sys.stderr.isatty()
    settings = Settings(
        per_host=per_host,
        max_concurrency=max_concurrency,
        host_interval=host_interval,
        timeout=timeout,
        max_retries=max_retries,
        retry_wait=retry_wait,
        max_redirects=max_redirects,
        max_cache_age=max_cache_age,
    )
    report = check_links(
        catalog,
        settings,
        cache_folder=cache_dir,
        rule=Rule(dead_after_runs, dead_after_days),
        hub=hub_endpoint,
        show_progress=terminal,
        announce=(lambda count: click.echo(f"checking {count} URLs with lychee…", err=True)) if terminal else None,
    )
    for line in text_lines(report, show_all=show_all):
        click.echo(line)
    if report_path is not None:
        write_json(report, report_path)
    if report.edits:
        result = apply(report.edits, catalog.root, dry_run=not write)
        if write:
            click.echo(f"wrote {len(result.applied)} edit(s) to {len(result.files)} file(s)")
        else:
            click.echo(result.diff, nl=False)
            click.echo(f"{len(report.edits)} edit(s) proposed; --write applies them")
        for edit, why in result.conflicts:
            click.echo(f"not applied: {edit.describe()}: {why}", err=True)
    sys.exit(1 if report.dead else 0)


@main.command("show")
@click.argument("entry_id")
@data_option
@click.option("--lang", default=None, help="Language of the texts shown (one of the catalog's; default: its first).")
@click.option("--json", "as_json", is_flag=True, help="JSON, for programs.")
@handle_errors
def show_command(entry_id: str, data: Path | None, lang: str | None, as_json: bool) -> None:
    """Show one entry: its fields, variants, licenses (with commercial use) and links.

    ENTRY_ID is the entry's file path without .toml (`models/sb-intuitions/sarashina2-8x70b`), its
    unambiguous end (`sarashina2-8x70b`), or the Hugging Face repo id of one of its variants, former ids
    included (`sbintuitions/sarashina2-7b`). Variants show their size, context and license.
    """
    from .search.show import entry_json, entry_text

    catalog = _load(data)
    lang = lang or catalog.info.languages[0]
    _check_lang(catalog, lang)
    entry = catalog.entry(entry_id)
    if as_json:
        click.echo(json.dumps(entry_json(catalog, entry, lang), ensure_ascii=False, indent=2))
    else:
        click.echo(entry_text(catalog, entry, lang))


# --- the Hugging Face Hub: hub verify, add ----------------------------------------------------------------


def _hub_progress(number: int, total: int, repo: str) -> None:
    """`[12/531] org/repo` on stderr, only on a terminal."""
    if sys.stderr.isatty():
        click.echo(f"\r[{number}/{total}] {repo}\x1b[K", err=True, nl=False)
        if number == total:
            click.echo("", err=True)


@main.group("hub")
def hub_group() -> None:
    """Check the catalog against the Hugging Face Hub.

    Uses the Hub's API through huggingface_hub: HF_ENDPOINT names another Hub-compatible server, HF_TOKEN
    a token (for gated and private repos, and higher rate limits).
    """


@hub_group.command("verify")
@click.argument("ids", nargs=-1)
@data_option
@click.option("--write", is_flag=True, help="Apply the safe corrections to the catalog files (minimal diff).")
@click.option("--json", "as_json", is_flag=True, help="JSON, for programs: one report per variant repo.")
@handle_errors
def hub_verify_command(ids: tuple[str, ...], data: Path | None, write: bool, as_json: bool) -> None:
    """Compare each variant's facts with its Hugging Face repo, and report every disagreement.

    IDS are entries as `ja-llm show` takes them (id, id tail or repo id); none checks every entry. For
    each variant with a repo: whether it exists, was renamed, is gated or private; its license, base
    model and pipeline tag; the parameter count (safetensors; the active count of a mixture of experts
    computed from config.json) and the context length (config.json).

    --write applies the safe corrections and records each confirmed fact with its date (`verified` on
    the variant; the date is JA_LLM_TODAY when set): renames (the old id goes to `aliases`), context
    lengths, gated flags, and sizes only where the catalog has none. License and size disagreements are
    only reported. Exit 1 when a disagreement is left unwritten or a repo could not be checked.
    """
    from .catalog.edit import apply_edits
    from .hub.client import HubClient
    from .hub.verify import edits_for, today, verify

    catalog = _load(data)
    entries = [catalog.entry(entry_id) for entry_id in ids] if ids else catalog.ordered_entries()
    date = today()
    reports = verify(catalog, entries, HubClient(), progress=_hub_progress)
    result = apply_edits(edits_for(catalog, reports, date), root=catalog.root, dry_run=not write)
    open_findings = 0
    rows: list[tuple[str, ...]] = []
    for report in reports:
        for finding in report.findings:
            action = ("written" if write else "--write fixes") if finding.writable else "report"
            if not finding.writable:
                open_findings += 1
            rows.append(
                (report.repo, finding.fact, _cell(finding.catalog), _cell(finding.hub), action, finding.message)
            )
        if report.error:
            open_findings += 1
            rows.append((report.repo, "error", "", "", "report", report.error))
    if as_json:
        payload = {
            "reports": [report.as_json() for report in reports],
            "edits": [edit.describe() for edit in result.applied],
            "conflicts": [f"{edit.describe()}: {why}" for edit, why in result.conflicts],
            "written": write,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_table(("repo", "fact", "catalog", "hub", "action", "note"), rows)
        verb = "applied" if write else "would apply"
        click.echo(
            f"{len(reports)} repos checked, {len(rows)} findings; {verb} {len(result.applied)} edit(s)"
            + (f" to {len({e.file for e in result.applied})} file(s)" if result.applied else ""),
            err=True,
        )
        for edit, why in result.conflicts:
            click.echo(f"conflict: {edit.describe()}: {why}", err=True)
    sys.exit(1 if open_findings or result.conflicts else 0)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Aligned columns; the last one (a note) unpadded."""
    if not rows:
        return
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


@hub_group.command("discover")
@data_option
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="Only models created on or after DATE (YYYY-MM-DD, the Hub's createdAt); lists the newest first.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Show at most N candidates; each Hub listing asks for 4×N models (1000 at most).",
)
@click.option(
    "--authors",
    "max_authors",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="List the models of at most N known authors (those with the most catalogued repos).",
)
@click.option("--write-drafts", is_flag=True, help="Write a draft entry for each candidate shown (as `ja-llm add`).")
@click.option("--json", "as_json", is_flag=True, help="JSON, for programs.")
@handle_errors
def hub_discover_command(
    data: Path | None, since: Any, limit: int, max_authors: int, write_drafts: bool, as_json: bool
) -> None:
    """List Hugging Face models the catalog lacks that look Japanese, best first, with why each was picked.

    Candidates come from bounded listings of the Hub: the models tagged with the Japanese language, the
    models whose id has a Japanese marker (japanese, ja, jp…), and the models of the catalog's known
    authors (owners of its variants' repos). Each gets every reason that applies: language, base (fine-tuned
    from a catalogued model), name, card (Japanese in the card data), author. A repo the catalog has, as a
    variant's repo or alias, is never shown. Score: the reasons' weights (language 3, base 3, name 2, card 1,
    author 1) plus popularity in [0, 1] from downloads and likes (see ja_llm/hub/discover.py); ties: newer
    first, then the id.

    --write-drafts drafts each candidate shown as `ja-llm add` does (reviewed = false, all files written
    together); a candidate that cannot be drafted is reported and skipped. Exit 1 when a listing or a draft
    failed.
    """
    from .hub.client import HubClient
    from .hub.discover import discover, draft_candidates
    from .hub.draft import Drafter

    catalog = _load(data)
    client = HubClient()
    found = discover(
        catalog,
        client,
        since=since.date() if since is not None else None,
        limit=limit,
        max_authors=max_authors,
        progress=_hub_progress,
    )
    for error in found.errors:
        click.echo(f"error: {error}", err=True)
    drafts: list[Any] = []
    failures: list[Any] = []
    written: list[Path] = []
    if write_drafts and found.candidates:
        drafter = Drafter(catalog, client)
        drafts, failures = draft_candidates(drafter, found.candidates, progress=_hub_progress)
        written = drafter.write()
    if as_json:
        payload = {
            "candidates": [candidate.as_json() for candidate in found.candidates],
            "listings": [{"label": x.label, "count": x.count, "error": x.error or None} for x in found.listings],
            "listed": found.listed,
            "catalogued": found.catalogued,
            "since": since.date().isoformat() if since is not None else None,
            "limit": limit,
            "drafts": [{"repo": d.repo, "entry": d.entry_id, "notes": d.notes} for d in drafts],
            "draft_failures": [{"repo": f.repo, "error": f.error} for f in failures],
            "written": [str(path) for path in written],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        rows = [
            (
                c.id,
                f"{c.score:.2f}",
                ",".join(c.reasons),
                str(c.model.downloads),
                str(c.model.likes),
                c.model.created_at or c.model.last_modified or "",
                c.size,
            )
            for c in found.candidates
        ]
        _print_table(("id", "score", "reasons", "downloads", "likes", "created", "size"), rows)
        click.echo(
            f"{len(found.candidates)} candidate(s) from {found.listed} listed models "
            f"({found.catalogued} already in the catalog, {len(found.listings)} listings)",
            err=True,
        )
        for draft in drafts:
            click.echo(f"{draft.repo} -> {draft.entry_id}.toml  [section {draft.section}]", err=True)
        for failure in failures:
            click.echo(f"not drafted: {failure.error}", err=True)
        if written:
            click.echo(f"wrote {len(written)} file(s); review each draft, then set reviewed = true", err=True)
    sys.exit(1 if found.errors or failures else 0)


@main.command("add")
@click.argument("repo_ids", nargs=-1, required=True, metavar="REPO_ID...")
@data_option
@click.option("--section", default=None, metavar="ID", help="Section of the new entries (default: from the Hub).")
@click.option("--dry-run", is_flag=True, help="Print the drafts; write nothing.")
@handle_errors
def add_command(repo_ids: tuple[str, ...], data: Path | None, section: str | None, dry_run: bool) -> None:
    """Draft a new entry for each Hugging Face repo (owner/name), from the Hub's metadata.

    Each draft is models/<org>/<slug>.toml with the name, developer (an existing organization, or a new
    one appended to organizations.toml as a draft), size, context length, license, base model, year
    and the variant, in the section the pipeline tag suggests (--section overrides), after its last
    entry, marked `reviewed = false`: `ja-llm validate` warns about it until someone checks the facts
    and sets `reviewed = true`. A repo the catalog already has is refused. All files are written
    together at the end (nothing when interrupted).
    """
    from .errors import DraftError, HubRepoNotFound, RepoAlreadyCatalogued
    from .hub.client import HubClient
    from .hub.draft import Drafter

    catalog = _load(data)
    drafter = Drafter(catalog, HubClient(), section=section)
    refused = 0
    for number, repo in enumerate(repo_ids, 1):
        _hub_progress(number, len(repo_ids), repo)
        try:
            draft = drafter.draft(repo)
        except (RepoAlreadyCatalogued, HubRepoNotFound, DraftError) as exc:
            refused += 1
            click.echo(f"error: {exc}", err=True)
            if exc.hint:
                click.echo(f"hint: {exc.hint}", err=True)
            continue
        organization = draft.organization + (" (new, appended to organizations.toml)" if draft.new_organization else "")
        click.echo(f"{draft.repo} -> {draft.entry_id}.toml  [section {draft.section}, developer {organization}]")
        for note in draft.notes:
            click.echo(f"  note: {note}")
        if dry_run:
            click.echo(draft.text)
    if dry_run:
        if drafter.result.organizations_text is not None:
            click.echo("organizations.toml: + " + ", ".join(sorted(drafter.new_orgs.values())))
    else:
        written = drafter.write()
        if written:
            click.echo(
                f"wrote {len(written)} file(s); review each draft, then set reviewed = true (`ja-llm validate` "
                "lists the drafts)",
                err=True,
            )
    sys.exit(1 if refused else 0)


# The cyclic garbage collector's thresholds in a ja-llm process: it runs less often, mypy's setting (mypy/build.py:
# "Run gc less frequently, as otherwise we can spend a large fraction of cpu in gc"). Loading a catalog and
# compiling its records make long-lived objects (models, texts, records) that every collection of the oldest
# generation walks again: at 100,000 entries 15 such collections took 8.7 s of the 33 s of loading and compiling
# with the default thresholds (700, 10, 10); with these, 25 s in all, the memory unchanged (bench/RESULTS.md,
# 2026-12-07 20:10–21:05).
COLLECTOR_THRESHOLDS = (200_000, 30, 30)


def run() -> None:
    """The `ja-llm` program (its console script, `python -m ja_llm`): `main` in a process whose garbage collector
    is tuned for ja-llm's work (COLLECTOR_THRESHOLDS). A process setting, so made here only: a program that
    imports ja_llm as a library keeps its own."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
