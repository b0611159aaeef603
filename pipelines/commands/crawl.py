"""Commands that crawl, merge a distributed crawl's shards and re-run the stages from the archive: crawl,
merge, reprocess."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

import click
import duckdb

from pipelines.cli import EXIT_INTERRUPTED, EXIT_PARTIAL, UserError, cli, name_value_pairs, pass_context
from pipelines.files import remove_stale_partials
from pipelines.progress import progress
from pipelines.store import StoreError, load_query
from pipelines.store.articles import ensure_registries
from pipelines.store.db import DatabaseLocked, disk_full_text
from pipelines.store.runs import abort_run, finish_run, is_interrupt, mark_stale_runs, start_run
from pipelines.wording import counted


def log_file_for(db_path: Path, command: str) -> Path:
    """<db dir>/logs/<command>-<db name>-<UTC time>-<pid>.log: the databases of one folder share its
    logs/, and their run numbers overlap; the process id keeps apart two runs of the same second."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = Path(db_path).resolve()
    return path.parent / "logs" / f"{command}-{path.stem}-{stamp}-{os.getpid()}.log"


def run_log_file(db_path: Path) -> Path | None:
    """The log a crawl writes: none on a terminal (it shows a progress bar), else a new file."""
    return None if sys.stderr.isatty() else log_file_for(db_path, "crawl")


def crawl_sources_into(
    session, run_id: int, sources, *, db_path: Path, overrides: dict, on_skip, log_file: Path | None = None
) -> list:
    """Run the crawler over `sources` (progress bar on a terminal, log file otherwise); returns the
    per-source reports. Shared by `crawl` and `demo`; `log_file` defaults to run_log_file(db_path)."""
    from crawlers.runner import run_crawl

    terminal = sys.stderr.isatty()
    log_file = log_file or run_log_file(db_path)
    with progress("crawl", total=0, enabled=terminal) as update:
        expected = [0]

        def on_progress(total: int = 0, stored: int = 0) -> None:
            if total:
                expected[0] += total
                update(advance=0, total=expected[0])
            if stored:
                update(advance=stored)

        return run_crawl(
            session,
            run_id,
            sources,
            db_path=db_path,
            overrides=overrides,
            log_file=log_file,
            quiet=terminal,
            on_progress=on_progress,
            on_skip=on_skip,
        )


@cli.command()
@click.argument("names", nargs=-1)
@click.option(
    "--feed", "feeds", multiple=True, metavar="URL", help="An RSS/Atom/JSON feed to crawl (repeatable)."
)
@click.option(
    "--sitemap", "sitemaps", multiple=True, metavar="URL", help="A sitemap or sitemap index (repeatable)."
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="URL",
    help="A home page: feeds it announces, sitemaps in robots.txt, article links (repeatable).",
)
@click.option(
    "--urls",
    "url_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A file with one article URL per line (repeatable).",
)
@click.option(
    "--sources",
    "registry",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Sources registry to read names from (default data/sources.toml).",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    callback=name_value_pairs,
    help="Any Scrapy or PROVTRACK_* setting, e.g. -s DOWNLOAD_DELAY=5 (repeatable).",
)
@click.option("--no-link", is_flag=True, help="Store only; leave `provtrack link` for later.")
@click.option(
    "--frontier",
    metavar="redis://HOST:PORT/N",
    help="Share the queue with other workers through Redis (scrapy-redis); articles go to --shards.",
)
@click.option(
    "--frontier-name", default="provtrack", show_default=True, help="Redis key prefix of the crawl."
)
@click.option(
    "--shards",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="With --frontier: folder for this worker's Parquet shards and WARC (default <db dir>/shards).",
)
@pass_context
def crawl(
    ctx,
    names,
    feeds,
    sitemaps,
    sites,
    url_files,
    registry,
    overrides,
    no_link,
    frontier,
    frontier_name,
    shards,
) -> None:
    """Crawl registered sources (all of data/sources.toml when none is named) or ad-hoc feeds,
    sitemaps, sites and URL lists; archive every response to <db dir>/archive as WARC; clean, credit,
    store and link what is new. Polite by default (robots.txt, 2 requests per domain, AutoThrottle).
    Prints one line per source. Exit code 0: all sources ok; 3: some failed (each is named);
    1: the run failed or every source failed.

    \b
    Example:
        provtrack crawl tass-en ria
        provtrack crawl --feed https://example.org/rss.xml -s DOWNLOAD_DELAY=5
        provtrack crawl --urls urls.txt --no-link
    """
    from crawlers.runner import CrawlFailed, CrawlInterrupted, batch_wait_seconds, log_stale_runs

    sources, settings = _sources_and_settings(names, feeds, sitemaps, sites, url_files, registry, overrides)
    args = " ".join(
        [
            *names,
            *(f"--feed {u}" for u in feeds),
            *(f"--sitemap {u}" for u in sitemaps),
            *(f"--site {u}" for u in sites),
            *(f"--urls {p}" for p in url_files),
        ]
    )

    def on_skip(source: str, url: str, skip) -> None:
        click.echo(skip.line(f"{url} ({source})"), err=True)

    if frontier:
        _crawl_as_worker(ctx, sources, settings, frontier, frontier_name, shards, on_skip)
        return

    # said on stderr, so that cron mails it: after the data folder moved, the crawl would otherwise start
    # a new database in silence and fetch everything again
    if not ctx.db.path.exists():
        click.echo(f"crawl: no database at {ctx.db.path}; making a new one", err=True)
    # The writer lock is held for the whole run; the file itself only while something is written.
    with contextlib.ExitStack() as held:
        with _logged_if_locked(ctx.db.path):
            session = held.enter_context(ctx.db.write_session())
            with session.connection() as con:
                ensure_registries(con, registry)
                stale = mark_stale_runs(con)
                run_id = start_run(con, "crawl", args)
        log_file = run_log_file(ctx.db.path)
        if log_file is not None and stale:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            log_stale_runs(log_file, stale)
        try:
            reports = crawl_sources_into(
                session,
                run_id,
                sources,
                db_path=ctx.db.path,
                overrides=settings,
                on_skip=on_skip,
                log_file=log_file,
            )
        except CrawlFailed as exc:
            # a reader the last batch waited out for PROVTRACK_BATCH_WAIT_SECONDS holds the file still:
            # no second wait of --wait to record the failure (the next run marks the run interrupted)
            wait = 2 if isinstance(exc.__cause__, DatabaseLocked) else None
            _record_end(session, finish_run, run_id, "failed", run_counts(exc.reports), str(exc), wait=wait)
            for report in exc.reports:  # what each source stored before the failure stays stored
                click.echo(report.line(), err=True)
            raise click.ClickException(str(exc)) from None
        except CrawlInterrupted as exc:
            _stop_interrupted(session, run_id, exc.reports)
        except BaseException as exc:
            _record_end(session, abort_run, run_id, exc)
            raise
        status, linked = _link_and_finish(
            session, run_id, reports, link=not no_link, log_file=log_file, wait=batch_wait_seconds(settings)
        )
    _print_summary(reports, run_id, linked)
    if status == "failed":
        sys.exit(1)
    if status == "partial":
        sys.exit(EXIT_PARTIAL)


@contextlib.contextmanager
def _logged_if_locked(db_path: Path):
    """A crawl that cannot have the database (another run holds it, or a reader the file: exit 75)
    says so under cron in a log of its own too, so that an hour missing from the logs' grep is
    accounted for there."""
    try:
        yield
    except DatabaseLocked as exc:
        from crawlers.runner import append_log_lines

        log_file = run_log_file(db_path)
        if log_file is not None:
            with contextlib.suppress(OSError):
                log_file.parent.mkdir(parents=True, exist_ok=True)
            append_log_lines(log_file, [f"crawl: not started (exit 75) - {exc}"])
        raise


def _sources_and_settings(names, feeds, sitemaps, sites, url_files, registry, overrides):
    """What `crawl` was asked to crawl, and its -s settings, checked: a usage error (exit 2) names
    what cannot be crawled or set; an unknown setting of an add-on is only a warning."""
    from crawlers.runner import setting_name_problems, setting_value_problems
    from crawlers.sources import SourceError, select_sources

    try:
        sources = select_sources(
            list(names), feeds=feeds, sitemaps=sitemaps, sites=sites, url_files=url_files, registry=registry
        )
    except (SourceError, ValueError, OSError) as exc:  # what was asked for cannot be crawled: usage
        raise UserError(str(exc), 2) from None
    settings = dict(overrides)
    errors, warnings = setting_name_problems(settings)
    errors += setting_value_problems(settings)
    if errors:
        raise UserError("; ".join(errors), 2)
    for warning in warnings:
        click.echo(warning, err=True)
    if not sources:
        raise click.ClickException(
            "nothing to crawl: the sources registry is empty and no --feed/--sitemap/--site/--urls"
        )
    return sources, settings


def _link_and_finish(session, run_id: int, reports, *, link: bool, log_file, wait: float):
    """Link what the crawl stored (unless every source failed) and close the run: (status, the link
    summary or None). A link that fails leaves the crawl stored; the next run links what is left.

    The file is waited for as long as a batch waits for it (`wait`, PROVTRACK_BATCH_WAIT_SECONDS), not
    --wait: a notebook opened on the last batch made a crawl that had done its work exit 75, the code
    for a run locked out by another, with no line for any source."""
    from crawlers.job import BATCH_WAIT_HINT
    from crawlers.runner import append_summary
    from pipelines.commands.linking import link_showing_progress

    failed = [r for r in reports if r.status == "failed"]
    bad = [r for r in reports if r.status != "ok"]
    status = "failed" if len(failed) == len(reports) else ("partial" if bad else "ok")
    linked = None
    with contextlib.ExitStack() as opened:
        try:
            con = opened.enter_context(session.connection(wait, BATCH_WAIT_HINT))
        except (StoreError, OSError, KeyboardInterrupt) as exc:
            _unfinished(session, run_id, reports, exc, link=link and status != "failed", log_file=log_file)
        if link and status != "failed":
            try:
                linked = link_showing_progress(con, run_id)
            except BaseException as exc:
                # the crawl's own counts and lines stay: what each source did (one failed, say) is not
                # to be lost to the link stage's stop, in `runs` or in the cron mail
                abort_run(con, run_id, exc, counts=run_counts(reports), doing=" while linking")
                if log_file is not None:  # its source lines said ok: the run did not end so
                    how = "interrupted" if is_interrupt(exc) else f"failed: {str(exc).splitlines()[0]}"
                    append_summary(log_file, run_id, [], f"{how} while linking")
                for report in reports:
                    click.echo(report.line(), err=True)
                raise
        finish_run(con, run_id, status, run_counts(reports), "; ".join(f"{r.name}: {r.status}" for r in bad))
    return status, linked


def _unfinished(session, run_id: int, reports, exc: BaseException, *, link: bool, log_file) -> NoReturn:
    """The crawl ran to its end, but the database stayed out of reach for its last step (a reader
    kept the file past the batch wait; a signal came while waiting): each source's line is still
    printed, the log ends with how the run ended, and so does `runs` if the file lets us now (else the
    next run marks it interrupted). Exit 1, as for a failed batch; 130 after a signal."""
    from crawlers.runner import append_summary

    what = "link what it stored or record its end" if link else "record its end"
    interrupted = is_interrupt(exc)
    if interrupted:
        status, message, ending = "interrupted", f"stopped by a signal before it could {what}", "interrupted"
    else:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"the crawl ran to its end but could not {what}: {reason}"
        if link:
            message += "; the next run links what it stored"
        status, ending = "failed", f"failed: {message}"
    # a short wait: the reader was waited out already, and a signal asks to stop now
    wait = 0 if interrupted else 2
    _record_end(session, finish_run, run_id, status, run_counts(reports), message, wait=wait)
    if log_file is not None:  # its source lines said ok: the run did not end so
        append_summary(log_file, run_id, [], ending)
    for report in reports:
        click.echo(report.line(), err=True)
    if interrupted:
        raise exc
    raise click.ClickException(message) from None


def _print_summary(reports, run_id: int, linked) -> None:
    """One line per source (on stderr when not ok), then the run's totals."""
    for report in reports:
        click.echo(report.line(), err=report.status != "ok")
    bad = sum(r.status != "ok" for r in reports)
    total = sum(r.saved.new_articles for r in reports), sum(r.saved.new_versions for r in reports)
    click.echo(
        f"crawl: {counted(total[0], 'new article')}, {counted(total[1], 'new version')}"
        f" from {counted(len(reports), 'source')} "
        f"({bad} not ok) (run {run_id})" + (f"; {linked}" if linked is not None else "")
    )


def _record_end(session, record, *args, wait: float | None = None) -> None:
    """Record how a run that did not finish ended (`record(con, *args)`), if the database lets us within
    `wait` seconds (default --wait): a full disk, or a reader that kept the file open, may refuse this
    too. The run then stays `running` until the next command marks it interrupted; the user reads the
    crawl's own error."""
    with contextlib.suppress(duckdb.Error, OSError, StoreError), session.connection(wait=wait) as con:
        record(con, *args)


def _stop_interrupted(session, run_id: int, reports: list) -> NoReturn:
    """A crawl stopped by Ctrl-C or SIGTERM: what it stored is kept and the run is marked interrupted;
    linking is left to the next run, which also fetches what this one did not get to. Exits 130."""
    counts = run_counts(reports)
    not_fetched = sum(r.not_fetched for r in reports)
    message = f"stopped by a signal; {counted(not_fetched, 'article')} left for the next run"
    _record_end(session, finish_run, run_id, "interrupted", counts, message)
    for report in reports:
        click.echo(report.line(), err=True)
    stored = sum(r.saved.new_articles + r.saved.new_versions for r in reports)
    raise UserError(
        f"crawl interrupted: {stored} new articles and versions stored (run {run_id}), "
        f"{counted(not_fetched, 'article')} left for the next crawl, which also links what is new",
        EXIT_INTERRUPTED,
    )


def _crawl_as_worker(ctx, sources, settings, frontier_url, name, shards, on_skip) -> None:
    """One worker of a distributed crawl: no database, articles to Parquet shards (see `merge`)."""
    from crawlers.frontier import Frontier, FrontierError
    from crawlers.runner import CrawlFailed, run_crawl

    try:
        frontier = Frontier(frontier_url, name)
    except FrontierError as exc:
        raise click.ClickException(str(exc)) from None
    folder = shards or Path(ctx.db.path).resolve().parent / "shards"
    terminal = sys.stderr.isatty()
    try:
        reports = run_crawl(
            None,
            0,
            sources,
            db_path=ctx.db.path,
            overrides=settings,
            log_file=None if terminal else log_file_for(ctx.db.path, f"crawl-{frontier.worker}"),
            quiet=terminal,
            on_skip=on_skip,
            frontier=frontier,
            shards=folder,
        )
    except CrawlFailed as exc:
        _echo_worker_lines(exc.reports)  # what each source wrote to the shards before the failure stays
        raise click.ClickException(str(exc)) from None
    _echo_worker_lines(reports)
    sent = sum(r.saved.new_articles for r in reports)
    click.echo(
        f"worker {frontier.worker}: {counted(sent, 'article')} written to {folder}; "
        f"`provtrack merge {folder}` loads them into {ctx.db.path}"
    )
    if any(r.status != "ok" for r in reports):
        sys.exit(EXIT_PARTIAL)


@cli.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--no-link", is_flag=True, help="Load only; leave `provtrack link` for later.")
@pass_context
def merge(ctx, folder: Path | None, no_link: bool) -> None:
    """Load the Parquet shards of distributed crawl workers into the database: each shard once,
    whatever happens (a shard half-loaded by a killed merge is loaded again and changes nothing).

    \b
    Example:
        provtrack merge                  # <db dir>/shards
        provtrack merge /mnt/crawl/shards
    """
    if folder is None:
        folder = Path(ctx.db.path).resolve().parent / "shards"
        if not folder.is_dir():  # no worker has written yet: an hourly cron merge has nothing to do
            click.echo(f"merge: nothing to merge ({folder} does not exist yet)")
            return
    if not folder.is_dir():
        raise click.ClickException(f"{folder}: no such folder of shards")

    from crawlers.shards import DATES_SUFFIX

    with ctx.db.writer() as con:
        ensure_registries(con)
        done = {name for (name,) in con.execute("SELECT shard FROM merged_shards").fetchall()}
        found = sorted(p for p in folder.glob("*.parquet") if p.name not in done)
        todo = [p for p in found if not p.name.endswith(DATES_SUFFIX)]
        dates_todo = [p for p in found if p.name.endswith(DATES_SUFFIX)]
        run_id = start_run(con, "merge", str(folder))
        totals, bad = {"new_articles": 0, "new_versions": 0, "unchanged": 0, "dates": 0, "waiting": 0}, []
        try:
            linked = _merge_shards(con, run_id, todo, dates_todo, totals, bad, link=not no_link)
        except BaseException as exc:
            abort_run(con, run_id, exc)
            raise
        finish_run(con, run_id, "partial" if bad else "ok", totals)
    click.echo(
        f"merge: {counted(len(todo) + len(dates_todo) - len(bad) - totals['waiting'], 'shard')}, "
        f"{counted(totals['new_articles'], 'new article')}, "
        f"{counted(totals['new_versions'], 'new version')}, "
        f"{totals['unchanged']} unchanged, "
        f"{totals['dates']} feed/sitemap dates added, {len(bad)} unreadable"
        + (f", {totals['waiting']} dates shards waiting for their articles" if totals["waiting"] else "")
        + f" (run {run_id})"
        + (f"; link: {linked}" if linked is not None else "")
    )
    if removed := remove_stale_partials(folder):
        click.echo(f"merge: removed {removed} unfinished shard files that killed workers left", err=True)
    if bad:
        sys.exit(EXIT_PARTIAL)


def _merge_shards(
    con, run_id: int, todo: list[Path], dates_todo: list[Path], totals: dict, bad: list, *, link: bool
):
    """Load each shard (a damaged one is named and skipped), then the dates shards, which need their
    articles stored first; then link. Returns the link summary."""
    with progress("merge", total=len(todo) + len(dates_todo)) as update:
        for path in todo:
            _merge_shard(con, run_id, path, totals, bad)
            update()
        for path in dates_todo:
            _merge_dates_shard(con, run_id, path, totals, bad)
            update()
    if not link:
        return None
    from pipelines.commands.linking import link_showing_progress

    return link_showing_progress(con, run_id)


def _merge_shard(con, run_id: int, path: Path, totals: dict, bad: list) -> None:
    """Save one shard's articles and record the shard as merged; a damaged shard goes to `bad`."""
    import pandas as pd

    from crawlers.shards import from_frame
    from pipelines.store.articles import Outlets, save_articles

    try:
        articles = from_frame(pd.read_parquet(path))
        for article in articles:  # the worker's WARC file lies beside its shards: where reprocess finds it
            if article.warc_file and not Path(article.warc_file).is_absolute():
                article.warc_file = str((path.parent / article.warc_file).resolve())
    except Exception as exc:  # a damaged shard is named, the others are loaded
        _stop_merge_for(exc)
        bad.append(path.name)
        click.echo(f"skipped {path}: unreadable shard ({type(exc).__name__}: {exc})", err=True)
        return
    try:  # one transaction: a shard is stored whole or not at all
        saved = save_articles(con, run_id, articles, Outlets(con, run_id))
    except Exception as exc:  # a damaged row, whatever it breaks: name the shard, load the others
        _stop_merge_for(exc)
        bad.append(path.name)
        reason = str(exc).splitlines()[0][:200]
        click.echo(f"skipped {path}: a row could not be stored ({type(exc).__name__}: {reason})", err=True)
        return
    con.execute(load_query("crawl/mark_merged"), [path.name, len(articles), run_id])
    totals["new_articles"] += saved.new_articles
    totals["new_versions"] += saved.new_versions
    totals["unchanged"] += saved.unchanged


def _stop_merge_for(exc: Exception) -> None:
    """Re-raise what is no fault of one shard: Ctrl-C inside DuckDB or pandas, or a full disk. Skipped
    as a "damaged shard", a full disk skipped every shard after it, and Ctrl-C only the one in hand."""
    if is_interrupt(exc) or disk_full_text(exc):
        raise exc


def _merge_dates_shard(con, run_id: int, path: Path, totals: dict, bad: list) -> None:
    """Add a dates shard's feed/sitemap dates to their stored articles. The shard counts as merged
    once every article was found, or once it is too old for a missing one ever to come; until then
    each merge adds what it can (adding a date twice changes nothing)."""
    import pandas as pd

    from crawlers.shards import DATES_WAIT_SECONDS, dates_from_frame
    from pipelines.store.articles import add_listing_dates

    try:
        dates, written = dates_from_frame(pd.read_parquet(path))
    except Exception as exc:
        _stop_merge_for(exc)
        bad.append(path.name)
        click.echo(f"skipped {path}: unreadable shard ({type(exc).__name__}: {exc})", err=True)
        return
    (before,) = con.execute("SELECT count(*) FROM article_dates").fetchone()
    found = add_listing_dates(con, dates)
    totals["dates"] += con.execute("SELECT count(*) FROM article_dates").fetchone()[0] - before
    written_at = written.timestamp() if written else path.stat().st_mtime
    if len(found) == len(dates) or time.time() - written_at > DATES_WAIT_SECONDS:
        con.execute(load_query("crawl/mark_merged"), [path.name, sum(len(c) for c in dates.values()), run_id])
    else:
        totals["waiting"] += 1


def _echo_worker_lines(reports) -> None:
    """A distributed worker's source lines, for the sources it had anything of (any worker may take
    a queued request, so most sources never reach most workers)."""
    for report in reports:
        if report.seeds or report.requested or report.cleaned:
            click.echo(report.line(), err=report.status != "ok")


def run_counts(reports) -> dict:
    """A crawl run's counts as the runs table keeps them: per source, its status and numbers."""
    return {r.name: {"status": r.status, **_counts(r)} for r in reports}


def _counts(report) -> dict:
    return {
        "requested": report.requested,
        "known": report.known,
        "new_articles": report.saved.new_articles,
        "new_versions": report.saved.new_versions,
        "unchanged": report.saved.unchanged,
        "stubs": report.saved.stubs,
        "no_text": report.no_text,
        "skipped": report.skipped,
        "failed": report.failed,
        "recheck_failed": report.recheck_failed,
        "errors": len(report.errors),
    }


def _archived_url(url: str) -> str | None:
    """A record's target URI as stored URLs are spelt; None for one that is no http(s) URL."""
    from pipelines.urls import BadURL, normalize_url

    try:
        return normalize_url(url)
    except BadURL:
        return None


def _ingested_from_warc(con) -> int:
    """Article URLs whose latest version `provtrack ingest` read from a WARC file: not reprocessed."""
    return con.execute(load_query("crawl/ingested_from_warc")).fetchall()[0][0]


@cli.command()
@click.option("--no-link", is_flag=True, help="Store only; leave `provtrack link` for later.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for HTML cleaning (default: all cores).",
)
@pass_context
def reprocess(ctx, no_link: bool, jobs: int | None) -> None:
    """Re-run clean, credits, store and link on every crawled article from the WARC archive, without
    the network: a better extractor or credit rule becomes a re-run, not a re-crawl. Pages whose text
    or credits change become new versions; the rest keep their versions and dates, gaining only a kind
    of date claim they lacked (their publication time is then chosen again).

    \b
    Example:
        provtrack reprocess
    """
    from pipelines.archive import ArchiveCutShort, ArchiveError, archive_dir, decode_body, read_response
    from pipelines.clean import Skip
    from pipelines.commands.linking import link_showing_progress
    from pipelines.load import Loader, stubs_note
    from pipelines.models import Page
    from pipelines.store.crawl_state import ArchivedArticles

    root = archive_dir(ctx.db.path)
    unreadable: list[str] = []
    # an archive file missing or cut short -> (its pages, why): one line for all of them
    lost: dict[str, tuple[int, str]] = {}

    def on_skip(label: str, skip: Skip) -> None:
        click.echo(skip.line(label), err=True)

    def pages(found):
        for item in found:
            try:
                response = read_response(root, item.warc_file, item.warc_offset)
            except ArchiveError as exc:
                unreadable.append(item.url)
                if isinstance(exc.__cause__, FileNotFoundError):
                    why, also = f"is missing from {root}", "(and every page archived in it)"
                elif isinstance(exc, ArchiveCutShort):
                    why = f"ends at byte {exc.size}, before their records"
                    also = "(and every page archived after it)"
                else:
                    on_skip(item.url, Skip(str(exc)))
                    continue
                if item.warc_file not in lost:
                    on_skip(item.url, Skip(f"{exc} {also}"))
                lost[item.warc_file] = (lost.get(item.warc_file, (0, why))[0] + 1, why)
                continue
            if response.url and _archived_url(response.url) not in (item.url, item.stored_url):
                # another file under the archive's name: its record there is some other page
                unreadable.append(item.url)
                on_skip(item.url, Skip(f"{item.warc_file} holds {response.url} there, not this page"))
                continue
            html = decode_body(response.body, response.headers.get("content-type"))
            yield (
                item.url,
                Page(
                    url=response.url or item.url,
                    outlet=item.outlet,
                    html=html,
                    date_candidates=list(item.dates),
                    warc_file=item.warc_file,
                    warc_offset=item.warc_offset,
                ),
            )

    with ctx.db.writer(create=False) as con:
        found = ArchivedArticles(con)
        total = len(found)
        from_files = _ingested_from_warc(con)
        run_id = start_run(con, "reprocess", str(root))
        try:
            with progress("reprocess", total=total) as update, Loader(con, run_id, jobs=jobs) as loader:
                summary = loader.load(
                    pages(found),
                    on_skip,
                    lambda done: update(advance=0, completed=done.pages + len(unreadable)),
                )
            summary.skipped += len(unreadable)
            linked = None if no_link else link_showing_progress(con, run_id)
        except BaseException as exc:
            abort_run(con, run_id, exc)
            raise
        finish_run(con, run_id, summary.status, summary.as_counts(), "; ".join(summary.problems()))
    saved = summary.saved
    click.echo(
        f"reprocess: {counted(total, 'archived page')}: {counted(saved.new_articles, 'new article')}, "
        f"{counted(saved.new_versions, 'new version')}, {saved.unchanged} unchanged, "
        f"{summary.no_text} without article text, "
        f"{summary.skipped} skipped (run {run_id})" + (f"; {linked}" if linked is not None else "")
    )
    if note := stubs_note("reprocess", saved):
        click.echo(note, err=True)
    for warc_file, (n, why) in lost.items():
        click.echo(f"reprocess: {counted(n, 'page')} skipped: {warc_file} {why}", err=True)
    if from_files:
        click.echo(
            f"reprocess: {counted(from_files, 'article')} came from WARC files given to `provtrack ingest`, "
            "which reprocess leaves alone (the files are yours): ingest them again to re-read them",
            err=True,
        )
    if summary.status != "ok":
        click.echo(f"reprocess: partial - {'; '.join(summary.problems())}", err=True)
        sys.exit(EXIT_PARTIAL)
