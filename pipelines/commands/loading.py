"""Commands that write articles: ingest, and demo (which crawls and links the sample web)."""

from __future__ import annotations

import os
import sys
from datetime import timezone
from pathlib import Path

import click

from pipelines.clean import Skip
from pipelines.cli import EXIT_PARTIAL, UserError, cli, pass_context
from pipelines.ingest import BadRow, IngestError, detect_format, read_rows, row_to_page
from pipelines.load import Loader, stubs_note
from pipelines.output import emit
from pipelines.progress import progress
from pipelines.registry import SiteOutlets, load_agencies, load_sources
from pipelines.store.articles import Outlets, ensure_registries, sync_registries
from pipelines.store.db import load_query
from pipelines.store.runs import abort_run, finish_run, start_run
from pipelines.warc_ingest import WarcCounts, WarcFilter, warc_pages
from pipelines.wording import counted

#: DuckDB's memory for an ingest run, which streams: keeps a 1 GB input under 1 GB of resident memory.
INGEST_DUCKDB_MEMORY = "256MB"


def _registered_domains(given) -> set[str]:
    """--domain values as records are compared: by registered domain, so a URL or a subdomain given
    (news.bbc.co.uk) means its registered domain (bbc.co.uk), where it matched nothing; a name with
    no dot is a usage error, not a filter that quietly keeps nothing."""
    from pipelines.urls import registered_domain

    domains = set()
    for value in given:
        domain = registered_domain(value.strip())
        if "." not in domain:
            raise UserError(f"--domain {value!r}: not a domain name (such as sputnikglobe.com)", 2)
        domains.add(domain)
    return domains


def _site_outlets(registry: Path) -> SiteOutlets:
    from pipelines.registry import RegistryError

    try:
        return SiteOutlets(load_sources(registry))
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None


def _filed_by_site(pages, site_outlets: SiteOutlets):
    """Pages without an outlet get the outlet of the registered source on their site (SiteOutlets)."""
    from dataclasses import replace

    for label, page in pages:
        if page.outlet is None:
            outlet = site_outlets.outlet_of(page.url)
            if outlet is not None:
                page = replace(page, outlet=outlet)
        yield label, page


def _pages(paths: list[Path], refuse, keep: WarcFilter, counts: WarcCounts, unreadable: list):
    """(label, Page) for every usable row of every file; refuse(label, reason) for the others; a file
    that cannot be read (on) goes to `unreadable` as (path, reason), and the next file is read."""
    for path in paths:
        try:
            if detect_format(path) == "warc":
                for label, page in warc_pages(path, keep, counts):
                    if isinstance(page, BadRow):
                        refuse(label, page.reason)
                    else:
                        yield label, page
                continue
            for number, row in read_rows(path):
                label = f"{path}:{number}"
                if isinstance(row, BadRow):
                    refuse(label, row.reason)
                    continue
                try:
                    page = row_to_page(row)
                except ValueError as exc:
                    refuse(label, str(exc))
                    continue
                page.input_file = str(path)
                yield label, page
        except IngestError as exc:  # the rows read before it are stored, and the next file is read
            unreadable.append((str(path), str(exc).removeprefix(f"{path}: ")))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for HTML cleaning (default: all cores).",
)
@click.option(
    "--domain", "domains", multiple=True, help="WARC: keep only this registered domain (repeatable)."
)
@click.option("--since", type=click.DateTime(), help="WARC: keep records captured at or after this UTC time.")
@click.option("--until", type=click.DateTime(), help="WARC: keep records captured before this UTC time.")
@click.option(
    "--sources",
    "registry",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="A crawl's sources registry: a page with no outlet (a WARC record) on a source's site is filed "
    "under that source's outlet, as the crawl with `--sources FILE` filed it.",
)
@pass_context
def ingest(ctx, paths: tuple[Path, ...], jobs: int | None, domains, since, until, registry) -> None:
    """Load articles from JSONL, CSV or Parquet files: rows {url, outlet?, published_at?, title?,
    text?, html?, language?}, or from WARC/ARC files (CC-NEWS and the like: every HTML response).
    html is cleaned by trafilatura (and wins over text); bad rows are named by line (WARC: byte
    offset) and skipped; the same file twice changes nothing, whatever folder it is read from
    (a file is known by its name: ingest WARC files once each, under their own names, oldest first).

    \b
    Example:
        provtrack ingest ../shared/corpora/meter/meter-dev.jsonl
        provtrack ingest CC-NEWS-*.warc.gz --domain sputnikglobe.com --since 2026-11-01
        provtrack ingest data/archive/provenance-crawl-*.warc.gz --sources my.toml  # a crawl's archive
    """
    site_outlets = _site_outlets(registry) if registry else None
    paths = tuple(dict.fromkeys(paths))  # a file named twice is read once: its rows are not new again
    formats = set()
    for path in paths:
        # a file named on the command line that is not there is a usage error, as click's own are
        if not path.exists():
            raise UserError(f"{path}: no such file", 2)
        if path.is_dir():
            raise UserError(f"{path}: is a folder; name the files in it ({path}/*.jsonl, ...)", 2)
        try:
            formats.add(detect_format(path))
        except IngestError as exc:
            raise click.ClickException(str(exc)) from None
    if (domains or since or until) and formats != {"warc"}:
        click.echo(
            "note: --domain, --since and --until filter WARC records; other files are read whole", err=True
        )
    keep = WarcFilter(
        _registered_domains(domains),
        since.replace(tzinfo=timezone.utc) if since else None,
        until.replace(tzinfo=timezone.utc) if until else None,
    )
    warc_counts = WarcCounts()
    refused: list[str] = []

    def refuse(label: str, reason: str) -> None:
        refused.append(label)
        click.echo(Skip(reason).line(label), err=True)

    def on_skip(label: str, skip: Skip) -> None:
        click.echo(skip.line(label), err=True)

    with ctx.db.writer() as con:
        # Ingest only appends: DuckDB's cache of what it wrote would grow with the input otherwise.
        con.execute(f"SET memory_limit = '{INGEST_DUCKDB_MEMORY}'")
        ensure_registries(con)
        run_id = start_run(con, "ingest", " ".join(map(str, paths)))
        try:
            with progress("ingest") as update, Loader(con, run_id, jobs=jobs) as loader:
                done = [0]

                def on_batch(summary) -> None:
                    update(advance=summary.pages + len(refused) - done[0])
                    done[0] = summary.pages + len(refused)

                unreadable: list[tuple[str, str]] = []
                pages = _pages(list(paths), refuse, keep, warc_counts, unreadable)
                if site_outlets is not None:
                    pages = _filed_by_site(pages, site_outlets)
                summary = loader.load(pages, on_skip, on_batch)
        except BaseException as exc:
            abort_run(con, run_id, exc)
            raise
        if len(unreadable) == len(paths) and not summary.pages and not refused:  # nothing read: failed
            message = "; ".join(f"{path}: {reason}" for path, reason in unreadable)
            finish_run(con, run_id, "failed", summary.as_counts(), message=message)
            raise click.ClickException(message)
        for path, reason in unreadable:
            refuse(path, reason)
        summary.skipped += len(refused)
        finish_run(con, run_id, summary.status, summary.as_counts(), "; ".join(summary.problems()))
    saved = summary.saved
    if warc_counts.records:
        click.echo(
            f"warc: {warc_counts.records} responses read, {warc_counts.html} HTML pages kept, "
            f"{warc_counts.filtered} left out (filters, status, content type)"
        )
    click.echo(
        f"ingest: {counted(saved.new_articles, 'new article')}, "
        f"{counted(saved.new_versions, 'new version')}, "
        f"{saved.unchanged} unchanged, {summary.no_text} without article text, "
        f"{summary.skipped} skipped (run {run_id})"
    )
    if note := stubs_note("ingest", saved):
        click.echo(note, err=True)
    if summary.status != "ok":
        click.echo(f"ingest: partial - {'; '.join(summary.problems())}", err=True)
        sys.exit(EXIT_PARTIAL)


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the existing demo database instead of starting fresh.")
@click.option(
    "--serve",
    is_flag=True,
    help="Only serve the sample web (until Ctrl-C), to crawl it yourself with `provtrack crawl`.",
)
@click.option("--port", type=int, default=8765, show_default=True, help="Port for --serve (0: any free one).")
@pass_context
def demo(ctx, keep: bool, serve: bool, port: int) -> None:
    """Serve the bundled sample news web on 127.0.0.1, crawl it through its feeds and sitemaps (the
    crawler's proxy is the sample web's server), link it, and print what was found.

    The demo starts from an empty database: data/demo.duckdb unless --db names another. It refuses a
    database with runs it did not make (a crawl, an ingest, a merge, a registry import) rather than
    delete it. With --serve it only serves the sample web and prints the crawl command that reaches it.

    \b
    Example:
        provtrack demo
        provtrack demo --serve
    """
    from crawlers.sources import select_sources
    from pipelines.commands.crawl import crawl_sources_into, run_counts
    from pipelines.demo import DEMO_DB, DEMO_SOURCES, DEMO_WEB, demo_crawl_settings, demo_hosts
    from pipelines.link import link_articles
    from pipelines.sample_web import SampleWeb
    from pipelines.store.db import Database, apply_migrations

    if serve:
        _serve_sample_web(port)
        return
    if not ctx.db_given:
        ctx.db = Database(DEMO_DB, wait=ctx.db.wait)
    sources = select_sources([], registry=DEMO_SOURCES)
    # the writer lock before anything is deleted: a crawl writing this file makes the demo wait, then stop
    with SampleWeb(DEMO_WEB) as web, ctx.db.write_session(migrate=False) as session:
        if not keep:
            _start_from_empty(session)
        hosts = demo_hosts()
        click.echo(f"serving {len(hosts)} sample sites on {web.proxy}: {', '.join(hosts)}")
        with session.connection() as con:
            apply_migrations(con)
            ensure_registries(con)
            _register_demo_outlets(con)
            run_id = start_run(con, "demo", str(DEMO_WEB))
        try:
            reports = crawl_sources_into(
                session,
                run_id,
                sources,
                db_path=ctx.db.path,
                overrides=demo_crawl_settings(web.proxy),
                on_skip=lambda source, url, skip: click.echo(skip.line(url), err=True),
            )
        except BaseException as exc:  # stopped or failed: the run says so, not `running`
            with session.connection() as con:
                abort_run(con, run_id, exc)
            raise
        with session.connection() as con:
            try:
                links = link_articles(con, run_id)
            except BaseException as exc:
                abort_run(con, run_id, exc)
                raise
            bad = [r for r in reports if r.status != "ok"]
            finish_run(con, run_id, "partial" if bad else "ok", run_counts(reports))
            frame = con.execute(load_query("demo/summary")).df()
            longest = con.execute(
                "SELECT article_url FROM article_origins ORDER BY hops DESC, published_at LIMIT 1"
            ).fetchall()
        requests = len(web.requests)
    for report in reports:
        click.echo(report.line(), err=report.status != "ok")
    stored = sum(r.saved.new_articles for r in reports)
    fetched = sum(r.requested for r in reports)
    click.echo(
        f"crawled {len(sources)} sites through their feeds and sitemaps ({requests} requests): "
        f"{counted(fetched, 'article page')}, {counted(stored, 'article')} stored.\nlink: {links}"
    )
    emit(frame, "table", None, title="what provtrack found (article_origins)")
    if longest:
        click.echo(f"\nThe longest chain, explained:  provtrack --db {ctx.db.path} explain {longest[0][0]}")


def _serve_sample_web(port: int) -> None:
    """Serve the demo web until Ctrl-C, for a first crawl of one's own without the internet."""
    import os
    import time

    from pipelines.demo import DEMO_SOURCES, DEMO_WEB, demo_hosts
    from pipelines.sample_web import SampleWeb

    try:
        web = SampleWeb(DEMO_WEB, port=port)
    except OSError as exc:
        reason = exc.strerror or exc
        raise UserError(f"cannot serve on 127.0.0.1:{port}: {reason} (try --port 0)", 2) from None
    with web:
        hosts = demo_hosts()
        click.echo(f"serving {len(hosts)} sample sites on {web.proxy}: {', '.join(hosts)}")
        click.echo(
            "crawl them from another terminal (Ctrl-C here stops the server):\n"
            f"  provtrack --db data/try.duckdb crawl --sources {os.path.relpath(DEMO_SOURCES)} "
            f"-s PROVTRACK_PROXY={web.proxy}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo(f"stopped; {len(web.requests)} requests served")


#: runs that only re-derive what the demo itself stored; any other run brought articles of its own
_DEMO_RUNS = ("demo", "link", "reprocess")


def _start_from_empty(session) -> None:
    """Delete the database file, but only one the demo made: it may be named by mistake (--db,
    PROVTRACK_DB), and a crawled or ingested database is months of a researcher's work."""
    from pipelines.archive import archive_dir, crawl_warcs, own_warc_prefix
    from pipelines.demo import DEMO_DB

    path = session.db.path
    if path.exists():
        with session.connection() as con:
            tables = {
                r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
            if tables and "runs" not in tables:
                raise UserError(f"{path} is not a provtrack database; the demo will not delete it", 2)
            others = (
                con.execute(load_query("demo/foreign_runs"), [list(_DEMO_RUNS)]).fetchall() if tables else []
            )
        if others:
            runs = ", ".join(f"{n} {command}" for command, n in others)
            elsewhere = (
                "move it away or delete it yourself"
                if path.resolve() == DEMO_DB.resolve()
                else f"run it with --db {os.path.relpath(DEMO_DB)}"
            )
            raise UserError(
                f"{path} holds runs the demo did not make ({runs}); the demo starts from an "
                f"empty database and will not delete it: {elsewhere}",
                2,
            )
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    # and the archive of its crawls: each demo left one more file, all of which a rebuild would read
    for warc in crawl_warcs(archive_dir(path), own_warc_prefix(path)):
        warc.unlink(missing_ok=True)


def _register_demo_outlets(con) -> None:
    """The demo's sites carry agency names on *.example hosts: register those hosts as the outlets."""
    from pipelines.demo import DEMO_SOURCES

    con.execute("BEGIN TRANSACTION")
    sync_registries(Outlets(con), load_agencies().agencies, load_sources(DEMO_SOURCES))
    con.execute("COMMIT")
