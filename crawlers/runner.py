"""Running one crawl in this process: Scrapy settings from crawlers.settings plus -s overrides, the
run's CrawlJob (known URLs, feed states, WARC file, writer thread, cleaning pool), and the reactor.
A Twisted reactor starts once per process: call run_crawl at most once (the CLI does)."""

from __future__ import annotations

import contextlib
import difflib
import logging
import os
import re
import signal
import stat
import time
from collections.abc import Iterable
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.settings import default_settings as scrapy_defaults

from crawlers import settings as default_settings
from crawlers.job import CrawlJob, SourceReport
from crawlers.middlewares import drop_unsent_requests, late
from crawlers.shards import ShardSink
from crawlers.sources import CrawlSource
from crawlers.spiders.news import NewsSpider
from pipelines import __version__
from pipelines.archive import WarcArchive, archive_dir, crawl_warc_name
from pipelines.clean import clean_or_skip
from pipelines.interrupts import STOP_SIGNALLED
from pipelines.models import Page
from pipelines.store.crawl_state import KnownArticles, known_articles, seed_states
from pipelines.store.db import StoreError, WriteSession, damaged_text, disk_full_text
from pipelines.workers import die_with_parent, process_pool, results, shut_down, submit_all

if TYPE_CHECKING:  # redis and scrapy-redis load only for a crawl --frontier (pipelines.commands.crawl)
    from crawlers.frontier import Frontier


class CrawlFailed(RuntimeError):
    """The crawl could not run to its end (the store failed, the reactor could not start); `reports`
    say what each source stored before it stopped (none when it never started)."""

    def __init__(self, message: str, reports: list | None = None):
        super().__init__(message)
        self.reports = reports or []


class CrawlInterrupted(KeyboardInterrupt):
    """A signal (Ctrl-C, SIGTERM) stopped the crawl. Scrapy finished the pages in flight and they are
    stored; `reports` say what each source got before the stop."""

    def __init__(self, reports: list[SourceReport]):
        super().__init__("crawl interrupted")
        self.reports = reports


def _cleaning_worker_init(parent_pid: int) -> None:
    """A Ctrl-C at a terminal reaches every process of the group, and so does the SIGTERM of `timeout`
    or systemd. The crawler stops gracefully and waits for the pages being cleaned; a worker that died
    of the same signal would lose them (and break the pool), so workers leave the stopping to the
    crawler (and die with it)."""
    die_with_parent(parent_pid, ignore_stops=True)


class _StopOnSignal:
    """SIGINT / SIGTERM handler for the crawl, in place of Scrapy's: the first signal stops the crawl
    gracefully (pages in flight are finished and stored), a second stops the reactor at once (a third
    while Scrapy is still being built, ~0.5 s, gets out there and then). Unlike Scrapy's, it
    remembers that a signal came, which is how a stop is told from a crawl that ended.

    It is installed before Scrapy builds the crawler: the command line's own handler raises a
    KeyboardInterrupt wherever the program is, and one raised inside Scrapy's start-up left it
    half-registered (the crawl ran on, then the reactor never stopped, writer lock held). Until
    `attach`, a signal is only noted: importing Twisted's reactor before Scrapy has installed its
    own would install the wrong one."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, job: CrawlJob) -> None:
        self.job = job
        self.process: CrawlerProcess | None = None
        self.received: int | None = None
        self._saved = {}

    def attach(self, process: CrawlerProcess) -> None:
        """Once `process.crawl` has installed the reactor: from now on a signal stops `process`, and
        one that came while Scrapy was being built stops it as soon as it runs."""
        self.process = process
        if self.job.stop_now:
            self._call(self._stop_now)
        elif self.received is not None:
            self._call(self._stop_gracefully, self.received)

    def __enter__(self) -> _StopOnSignal:
        self._saved = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)  # the link stage after the crawl is interruptible again

    def _handle(self, signum: int, _frame) -> None:
        # no logging here: a handler that writes to the stream it interrupted can raise (Scrapy's note)
        if self.received is None:
            self.received = signum
            self.job.stop_requested = True  # no request is sent from now on, even if Scrapy is starting
            if self.process is not None:
                self._call(self._stop_gracefully, signum)
        elif self.process is None and self.job.stop_now:
            raise KeyboardInterrupt  # a third before Scrapy is built (a start-up that hangs): out now
        else:
            self.job.stop_now = True  # a batch waiting for readers gives up
            if self.process is not None:
                self._call(self._stop_now)

    @staticmethod
    def _call(function, *args) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(function, *args)

    def _stop_gracefully(self, signum: int | None = None) -> None:
        from twisted.internet import reactor

        if signum is not None:
            logging.getLogger(__name__).warning(
                "received %s: finishing the pages in flight (send it again to stop at once)",
                signal.Signals(signum).name,
            )
        if any(late(c, "engine") is None or not c.engine.running for c in self.process.crawlers):
            # starting (or already closing): a stop now would be forgotten, as Scrapy stops only a
            # running engine. A crawler that failed to start, or has closed, leaves process.crawlers.
            reactor.callLater(0.05, self._stop_gracefully)
            return
        self.process.stop()  # the engine takes nothing more from the scheduler
        for crawler in self.process.crawlers:
            drop_unsent_requests(crawler.engine.downloader)

    @staticmethod
    def _stop_now() -> None:
        from twisted.internet import reactor
        from twisted.internet.error import ReactorNotRunning

        try:
            reactor.stop()
        except ReactorNotRunning:
            pass


def setting_name_problems(names) -> tuple[list[str], list[str]]:
    """(errors, warnings) for -s names that no setting has. An unknown PROVTRACK_ name is a typo of
    ours and an error; another unknown name may belong to an add-on, so it is only a warning. Both
    suggest the closest known name: `-s DOWNLOAD_DELAI=0` would otherwise crawl at full politeness."""
    known = {n for module in (scrapy_defaults, default_settings) for n in dir(module) if n.isupper()}
    errors, warnings = [], []
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name.upper(), sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        if name.upper().startswith("PROVTRACK_"):  # Scrapy's names are case-sensitive: a typo either way
            errors.append(f"-s {name}: no such provtrack setting{hint}")
        else:
            warnings.append(
                f"warning: -s {name} is not a Scrapy or provtrack setting{hint}; passed on as given"
            )
    return errors, warnings


#: provtrack settings with a range besides a type
_SETTING_RANGES = {"PROVTRACK_WARC_GZIP_LEVEL": (0, 9)}


def setting_value_problems(overrides: dict[str, str]) -> list[str]:
    """Errors for -s values that do not fit a provtrack setting's type (a number, a yes/no) or range,
    found before the crawl starts: `-s PROVTRACK_WARC_GZIP_LEVEL=42` failed every source one by one."""
    errors = []
    for name, value in overrides.items():
        default = getattr(default_settings, name, getattr(scrapy_defaults, name, None))
        if isinstance(default, bool):
            if str(value).strip() not in ("1", "0", "True", "true", "False", "false"):  # as Scrapy reads them
                errors.append(f"-s {name}={value}: want 1 or 0 (true or false)")
            continue
        if not isinstance(default, (int, float)):
            continue
        if not name.startswith("PROVTRACK_"):
            # Scrapy's own: a number (`-s DOWNLOAD_DELAY=abc` failed the run after it had started);
            # its range is Scrapy's to judge (DEPTH_PRIORITY may be negative)
            try:
                float(value)
            except ValueError:
                errors.append(f"-s {name}={value}: want a number")
            continue
        kind = "a number" if isinstance(default, float) else "a whole number"
        low, high = _SETTING_RANGES.get(name, (0, None))
        try:
            number = float(value) if isinstance(default, float) else int(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= (high if high is not None else float("inf")):
            within = f"{low} to {high}" if high is not None else f"{low} or more"
            errors.append(f"-s {name}={value}: want {kind}, {within}")
    return errors


def build_settings(overrides: dict[str, str], log_file: Path | None, quiet: bool) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(overrides, priority="cmdline")
    if not settings.get("USER_AGENT"):
        contact = settings.get("PROVTRACK_CONTACT_URL")
        settings.set(
            "USER_AGENT",
            f"provtrack/{__version__} (news provenance research; +{contact})",
            priority="cmdline",
        )
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    elif quiet and "LOG_LEVEL" not in overrides:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    skip_disabled_extensions(settings)
    return settings


def batch_wait_seconds(overrides: dict[str, str]) -> float:
    """PROVTRACK_BATCH_WAIT_SECONDS as the crawl reads it with these -s values: how long anything the
    crawl stores after it started waits for a reader, its last step (link, the run's end) included."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(overrides, priority="cmdline")
    return settings.getfloat("PROVTRACK_BATCH_WAIT_SECONDS")


#: Scrapy extensions that switch themselves off by a setting only after their module is imported;
#: remote control's imports aiohttp, 0.1 s of every run's start.
_SWITCHED_OFF_BY = {"scrapy.extensions.remote_control.RemoteControl": "REMOTE_CONTROL_ENABLED"}


def skip_disabled_extensions(settings: Settings) -> None:
    """Leave out of Scrapy's base extensions those whose setting turns them off (as ours does, unless
    `-s` turns it on), instead of importing them to hear them say so. (An EXTENSIONS entry of None
    would not do: Scrapy imports every class named there to normalise its name.)"""
    base = settings.getdict("EXTENSIONS_BASE")
    off = [path for path, enabled_by in _SWITCHED_OFF_BY.items() if not settings.getbool(enabled_by)]
    if any(path in base for path in off):
        kept = {path: order for path, order in base.items() if path not in off}
        settings.set("EXTENSIONS_BASE", kept, priority=settings.getpriority("EXTENSIONS_BASE"))


def own_logs(db_name: str) -> re.Pattern:
    """The names of the logs a crawl of the database `db_name` (its file's stem) may prune: those
    commands.crawl.log_file_for gives its runs, crawl-<db name>-<UTC time>-<pid>.log, and its
    distributed workers', crawl-<host>-<pid>-<6 hex>-<db name>-…; and those from before 0.2.2, which
    name no database (crawl-<UTC time>.log, with -<pid> since 2026-12-06). Never another database's:
    each keeps its logs as long as its own PROVTRACK_LOG_KEEP_DAYS says."""
    named = rf"crawl(-.+-\d+-[0-9a-f]{{6}})?-{re.escape(db_name)}-\d{{8}}T\d{{6}}-\d+\.log"
    return re.compile(rf"{named}|crawl-\d{{8}}T\d{{6}}(-\d+)?\.log")


def prune_logs(folder: Path, keep_days: float, db_name: str) -> list[Path]:
    """Delete the logs of `db_name`'s crawls in `folder` last written more than `keep_days` ago (0: keep
    all), so that months of hourly runs do not fill the disk; returns what went. Only regular files with
    the names own_logs gives are touched: a cron line's `>> data/logs/cron.log`, opened by the shell
    before this runs, stays, as do the logs of other databases sharing the folder and anything else a
    user put there."""
    if not keep_days > 0:  # also NaN
        return []
    cutoff = time.time() - keep_days * 86400
    ours = own_logs(db_name)
    gone = []
    for path in folder.iterdir():
        if not ours.fullmatch(path.name):
            continue
        try:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                path.unlink()
                gone.append(path)
        except OSError:  # another run pruned it first, or it is not ours to delete: leave it
            continue
    return gone


def start_cleaner(jobs: int) -> Executor:
    """The cleaning pool, started now, before the reactor and its threads exist (fork is only safe in
    a process without threads). One job: a thread, still off the reactor."""
    html = "<html><body><article><p>warm-up</p></article></body></html>"
    # The first page cleaned loads the agency registry and trafilatura's lazy state (~0.13 s): done
    # here once, every forked worker starts warm instead of each paying it.
    clean_or_skip(Page(url="http://warm-up.invalid/", html=html))
    if jobs <= 1:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="provtrack-clean")
    pool = process_pool(jobs, _cleaning_worker_init, (os.getpid(),))
    try:
        pages = [Page(url=f"http://warm-up.invalid/{i}", html=html) for i in range(jobs)]
        results(submit_all(pool, clean_or_skip, pages))
    except BaseException:  # a signal (the crawl's own handler comes later): no workers left behind
        shut_down(pool, kill=True)
        raise
    return pool


def run_crawl(
    session: WriteSession | None,
    run_id: int,
    sources: list[CrawlSource],
    *,
    db_path: Path,
    overrides: dict[str, str],
    log_file: Path | None = None,
    quiet: bool = False,
    on_progress=None,
    on_skip=None,
    frontier: Frontier | None = None,
    shards: Path | None = None,
) -> list[SourceReport]:
    """Crawl `sources` into the database of `session` (the caller holds the writer lock and the run).

    The database file is open only while a batch is written, so readers get in between batches.
    With a `frontier` (distributed crawl) there is no database: articles go to Parquet `shards` and the
    shared Redis queue decides what this worker fetches."""
    settings = build_settings(overrides, log_file, quiet)
    if log_file is not None:
        keep_days = settings.getfloat("PROVTRACK_LOG_KEEP_DAYS")
        prune_logs(log_file.parent, keep_days, db_name=Path(db_path).resolve().stem)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    jobs = settings.getint("PROVTRACK_JOBS") or os.cpu_count() or 1
    gzip_level = settings.getint("PROVTRACK_WARC_GZIP_LEVEL")
    sink = None
    if frontier is not None:
        settings.update(frontier.scrapy_settings(), priority="cmdline")
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares["crawlers.frontier.FrontierPolitenessMiddleware"] = 55
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
        # politeness is the frontier's, per domain across workers; Scrapy's own delay would add to it
        settings.set("PROVTRACK_FRONTIER_DELAY", settings.getfloat("DOWNLOAD_DELAY"), priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        sink = ShardSink(shards, frontier.worker)
        archive = WarcArchive(shards, f"{frontier.worker}-{stamp}.warc.gz", gzip_level)
        known, seeds = KnownArticles(), {}  # the shared duplicate filter remembers what any worker fetched
    else:
        archive = WarcArchive(archive_dir(db_path), crawl_warc_name(db_path, run_id, stamp), gzip_level)
        with session.connection() as con:
            known, seeds = known_articles(con), seed_states(con)
    job = CrawlJob(
        session,
        run_id,
        sources,
        start_cleaner(jobs),
        archive,
        known,
        seeds,
        recheck_window=timedelta(hours=settings.getfloat("PROVTRACK_RECHECK_WINDOW_HOURS")),
        recheck_min_age=timedelta(hours=settings.getfloat("PROVTRACK_RECHECK_MIN_AGE_HOURS")),
        batch_wait=settings.getfloat("PROVTRACK_BATCH_WAIT_SECONDS"),
        on_progress=on_progress,
        on_skip=on_skip,
        shards=sink,
        frontier=frontier,
    )
    start_failures = []
    # A log file the disk refuses loses its lines quietly rather than printing a traceback for each
    # to the cron mail; the crawl's own error says what happened. Only while the crawl logs to a file.
    raise_log_errors = logging.raiseExceptions
    logging.raiseExceptions = log_file is None
    # Scrapy's lines in UTC, as provtrack's own, the log's name and every stored time: one log with two
    # clocks (the server's local time beside UTC, neither named) cannot be read against `runs`
    local_time, logging.Formatter.converter = logging.Formatter.converter, time.gmtime
    try:
        with _StopOnSignal(job) as stopper:
            process = CrawlerProcess(settings)
            # an error while the crawler starts (a bad -s value) is kept to be reported, not only logged
            process.crawl(NewsSpider, job=job).addErrback(start_failures.append)
            stopper.attach(process)
            process.start(install_signal_handlers=False)
    finally:
        logging.raiseExceptions = raise_log_errors
        logging.Formatter.converter = local_time
        job.close()
        logging.getLogger().handlers[:] = [
            h for h in logging.getLogger().handlers if not isinstance(h, logging.FileHandler)
        ]
    job.record_late_batches()
    # a signal after the crawl's own handler was put away (while the last batches were stored) comes
    # as the command line's KeyboardInterrupt, which Python swallows when it lands in a garbage
    # collection callback: the flag it sets still says the user asked to stop
    stopped = stopper.received is not None or STOP_SIGNALLED.is_set()
    if job.fatal is not None or stopped:
        job.mark_interrupted()  # each source stopped where the failure or the signal found it
    reports = list(job.reports.values())
    failure = _failure(job, reports, start_failures, process.bootstrap_failed, overrides, db_path)
    if failure is not None and not failure.reports:
        reports = []  # never started: no source has a line to give
    if log_file is not None:
        ending = f"failed: {failure}" if failure else ("interrupted" if stopped else None)
        append_summary(log_file, run_id, reports, ending)
    if failure is not None:
        raise failure from job.fatal
    if stopped:
        raise CrawlInterrupted(reports)
    return reports


def _failure(
    job: CrawlJob, reports: list, start_failures: list, bootstrap_failed: bool, overrides: dict, db_path
) -> CrawlFailed | None:
    """Why the crawl could not run to its end, or None; `reports` go with a failure after it started."""
    if isinstance(job.fatal, BrokenExecutor):
        return CrawlFailed(
            "a cleaning worker process died (killed from outside, or out of memory); every batch "
            "stored before is kept and the next run fetches the rest",
            reports,
        )
    if job.frontier is not None and _frontier_lost(job.fatal):
        return CrawlFailed(
            f"{job.fatal}; the shards written are kept, and this worker's requests in flight go back"
            " to the queue for the next worker once the frontier is back",
            reports,
        )
    if job.fatal is not None and db_path is not None and (damaged := damaged_text(db_path, job.fatal)):
        return CrawlFailed(damaged, reports)  # no next run can store into it: the rebuild is the way on
    if job.fatal is not None:
        # provtrack's own errors are written for the user; another's needs its name to be read
        named = (
            str(job.fatal)
            if isinstance(job.fatal, StoreError)
            else f"{type(job.fatal).__name__}: {job.fatal}"
        )
        why = disk_full_text(job.fatal) or named
        return CrawlFailed(f"storing failed: {why}; the next run fetches the rest", reports)
    if start_failures or bootstrap_failed:
        why = start_failures[0] if start_failures else None
        detail = f"{why.type.__name__}: {why.getErrorMessage()}" if why is not None else "see the log"
        hint = " (check the -s values)" if overrides else ""
        return CrawlFailed(f"the crawler could not start: {detail}{hint}")
    return None


def _frontier_lost(error: BaseException | None) -> bool:
    from crawlers.frontier import FrontierError  # loaded already: the crawl has a frontier

    return isinstance(error, FrontierError)


def append_log_lines(log_file: Path, lines: Iterable[str]) -> None:
    """Lines at the end of a crawl's log, as its own lines read: the UTC time, "[provtrack]", the
    line. A log the disk refuses loses them, as it loses its other lines."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    with contextlib.suppress(OSError), open(log_file, "a", encoding="utf-8") as log:
        log.writelines(f"{stamp} [provtrack] {line}\n" for line in lines)


def log_stale_runs(log_file: Path, stale: list[tuple[int, str, object]]) -> None:
    """A line in this run's log for each run it found killed (store.runs.mark_stale_runs): a killed
    crawl's own log just stops, with no ending for `grep ': interrupted'` to find. A run that failed
    but could not write so into the database (a reader held the file) is among them: its own log
    ends with the failure."""
    append_log_lines(
        log_file,
        (
            f"run {run_id}: interrupted - the {command} started {started:%Y-%m-%d %H:%M}"
            " ended without recording its end (killed, out of memory, the machine went down, or its"
            " failure could not be written: see its own log)"
            for run_id, command, started in stale
        ),
    )


def append_summary(log_file: Path, run_id: int | None, reports: list, ending: str | None = None) -> None:
    """Each source's summary line at the end of the run's log, then how the run ended when it did not
    finish (failed: why / interrupted), stamped with the time and the run, so that months of logs
    answer `grep -hE ': (failed|interrupted)' logs/crawl-*.log` (the cron mail's copy of the lines has
    neither)."""
    run = f"run {run_id}" if run_id is not None else "worker"
    lines = [report.line() for report in reports] + ([ending] if ending else [])
    append_log_lines(log_file, (f"{run}: {line}" for line in lines))
