"""One crawl run's shared state: what is already known, the per-source report, the WARC archive, the
cleaning pool (one process per core, fed page by page so it never idles between batches) and the single
writer thread that stores cleaned batches through the store package."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from crawlers.items import ArticlePage, FetchItem, ListingDate
from crawlers.middlewares import drop_unsent_requests
from crawlers.sources import CrawlSource
from pipelines.archive import WarcArchive, decode_body
from pipelines.clean import Skip, clean_or_skip, no_text_warning
from pipelines.dates import choose_published_at, first_seen_of
from pipelines.interrupts import deferred
from pipelines.models import Article, Page
from pipelines.store.articles import Outlets, SaveResult, add_listing_dates, save_articles
from pipelines.store.crawl_state import KnownArticle, KnownArticles, SeedState, save_fetches
from pipelines.store.db import WriteSession, transaction
from pipelines.wording import counted
from pipelines.workers import shut_down

logger = logging.getLogger(__name__)

#: a batch that waited out a reader says which knob gives readers more time
BATCH_WAIT_HINT = "a reader kept it open; raise -s PROVTRACK_BATCH_WAIT_SECONDS"

MAX_LISTED_ERRORS = 3


@dataclass
class SourceReport:
    """What happened to one source, for its summary line and the exit code."""

    name: str
    seeds: int = 0
    seeds_ok: int = 0
    seeds_unchanged: int = 0
    requested: int = 0  # article requests made
    known: int = 0  # articles not fetched: stored already (crawled or ingested), or fetched with no text
    saved: SaveResult = field(default_factory=SaveResult)
    no_text: int = 0  # fetched, but no article text (an index, gallery or video page)
    skipped: int = 0  # fetched, but could not be cleaned (too large, not HTML, hostile markup)
    failed: int = 0  # article fetches that failed
    recheck_failed: int = 0  # re-checks of stored articles that failed: no failure, the version stands
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False  # a signal, or the whole crawl failing, stopped it before this source was done
    not_fetched: int = 0  # articles a stop by signal left unfetched, or fetched but not stored yet

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.seeds and not self.seeds_ok:
            return "failed"
        if not self.seeds and self.requested and self.failed >= self.requested:
            return "failed"
        return "partial" if self.problems() or self.skipped else "ok"

    @property
    def cleaned(self) -> int:
        """Pages this process cleaned: in a distributed crawl, not those its requests counted."""
        s = self.saved
        return s.pages + self.no_text + self.skipped

    def problems(self) -> list[str]:
        """The errors, plus a warning when most pages cleaned had no article text."""
        warning = no_text_warning(self.no_text, self.cleaned)
        return [warning, *self.errors] if warning else self.errors

    def line(self) -> str:
        s = self.saved
        read = (  # a URL list has none; nor has a distributed worker that read none of them
            f"{self.seeds_ok}/{self.seeds} feeds/sitemaps/sites read ({self.seeds_unchanged} unchanged), "
            if self.seeds
            else ""
        )
        text = (
            f"{self.name}: {self.status} - {read}{counted(self.requested, 'article')} fetched,"
            f" {self.known} already seen;"
            f" {s.new_articles} new, {counted(s.new_versions, 'new version')}, {s.unchanged} unchanged,"
            f" {self.no_text} without article text, {self.skipped} skipped, {self.failed} failed"
        )
        if s.stubs:
            text += f", {counted(s.stubs, 're-check')} found a stub of the stored text (kept the text)"
        if self.recheck_failed:
            text += f", {counted(self.recheck_failed, 're-check')} failed (stored versions kept)"
        if self.not_fetched:
            text += f", {self.not_fetched} left for the next run"
        problems = self.problems()
        if problems:
            shown = "; ".join(problems[:MAX_LISTED_ERRORS])
            more = len(problems) - MAX_LISTED_ERRORS
            text += f" -- {shown}" + (f" (and {more} more, see the log)" if more > 0 else "")
        return text


def clean_fetched(page: Page, body: bytes | None = None, content_type: str | None = None) -> Article | Skip:
    """clean_or_skip for a crawled page whose raw `body` came along instead of page.html: decoding
    here keeps it off the reactor, and bytes cross the process boundary far cheaper than text."""
    if body is not None:
        page = replace(page, html=decode_body(body, content_type))
    return clean_or_skip(page)


def wants_fetch(
    known: KnownArticle | None,
    now: datetime,
    lastmod: datetime | None = None,
    *,
    min_age: timedelta,
    window: timedelta,
) -> bool:
    """Fetch this article? New: yes. Crawled once: once more, between `min_age` and `window` after
    first sight (credits are added after publication), or at any age when a sitemap's lastmod is later
    than first sight. Never a third time, whatever lastmod says: some sitemaps stamp every URL with the
    time of the request. A lastmod later than now is a clock or time zone error (a local time marked
    "Z"), no change: it spent the one re-check minutes after first sight, before any credit was added.
    An article ingested from a file (0 fetches) is not fetched. A page that answered 404 or 410, or was
    no HTML, counts as fetched: it is tried once more, then left alone."""
    if known is None:
        return True
    if known.fetches != 1:
        return False
    slack = timedelta(minutes=5)
    if lastmod is not None and known.first_seen_at + slack < lastmod <= now + slack:
        return True
    return min_age <= now - known.first_seen_at <= window


@dataclass
class Cleaned:
    """A fetched page after cleaning, waiting in a batch for the writer."""

    source: str
    url: str
    result: Article | Skip
    fetch: object  # FetchRecord


@dataclass
class BatchResult:
    saved: dict[str, SaveResult]
    skipped: list[tuple[str, str, Skip]]  # (source, url, why)


class CrawlJob:
    """Created by the runner before the reactor starts; spider, middlewares and pipeline reach it as
    `crawler.spider.job`. Only `write_batch` touches the database, and only on the writer thread."""

    def __init__(
        self,
        session: WriteSession | None,
        run_id: int,
        sources: list[CrawlSource],
        cleaner: Executor,
        archive: WarcArchive,
        known: KnownArticles,
        seed_state: dict[str, SeedState],
        *,
        recheck_window: timedelta,
        recheck_min_age: timedelta,
        batch_wait: float = 600.0,
        on_progress=None,
        on_skip=None,
        shards=None,
        frontier=None,
    ):
        self.session = session  # None when the articles go to Parquet shards (distributed crawl)
        self.shards = shards
        self.frontier = frontier
        self.seed_window_seconds = 600  # one worker seeds per this many seconds of a shared frontier
        self.run_id = run_id
        self.sources = {s.name: s for s in sources}
        self.cleaner = cleaner
        self.archive = archive
        self.known = known
        self.seed_state = seed_state
        self.recheck_window = recheck_window
        self.recheck_min_age = recheck_min_age
        self.batch_wait = batch_wait  # seconds a batch waits for readers to close the file
        self.started = datetime.now(timezone.utc)
        self.reports = {s.name: SourceReport(s.name, seeds=0) for s in sources}
        self.pending: dict = {}  # the spider's article requests waiting for their page, by URL key
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="provtrack-writer")
        self.fatal: BaseException | None = None
        self.stop_requested = False  # by a signal or `fail`: requests not sent yet stay unsent
        self.stop_now = False  # a second signal: a batch waiting for readers gives up
        self._unrecorded: list[BatchResult] = []  # stored batches the reactor has not counted yet
        # listing dates whose article is still being cleaned, by URL (writer thread only)
        self.waiting_dates: dict[str, list] = defaultdict(list)
        self.not_stored: set[str] = set()  # pages cleaned to nothing: their listing dates go nowhere
        self._on_progress = on_progress or (lambda **kw: None)
        self._on_skip = on_skip or (lambda source, url, skip: None)

    # -- decisions (reactor thread) ------------------------------------------------------------------

    def wants(self, known: KnownArticle | None, lastmod: datetime | None = None) -> bool:
        return wants_fetch(
            known, self.started, lastmod, min_age=self.recheck_min_age, window=self.recheck_window
        )

    def progress(self, **fields) -> None:
        self._on_progress(**fields)

    def fail(self, exc: BaseException, crawler, doing: str) -> None:
        """Stop the crawl for an error every later page would meet too (the database, the archive's
        disk), instead of failing page by page. The first such error is what the runner reports.
        It stops as a signal does: requests not sent yet are left for the next run."""
        if self.fatal is None:
            self.fatal = exc
            self.stop_requested = True
            logger.error("%s failed, stopping the crawl: %s: %s", doing, type(exc).__name__, exc)
            asyncio.ensure_future(crawler.stop_async())  # the engine takes nothing more from the scheduler
            drop_unsent_requests(crawler.engine.downloader)

    # -- the writer thread ---------------------------------------------------------------------------

    def write_batch(self, items: list) -> BatchResult:
        """Store a batch: the cleaned articles per source, late listing dates and the fetch records,
        in one transaction. Runs on the writer thread only."""
        by_source: dict[str, list] = defaultdict(list)
        skipped = []
        records = []
        for item in items:
            if isinstance(item, ListingDate) and item.url not in self.not_stored:
                self.waiting_dates[item.url].append(item.candidate)
        for item in items:
            if isinstance(item, Cleaned):
                records.append(item.fetch)
                if isinstance(item.result, Skip):
                    skipped.append((item.source, item.url, item.result))
                    self.not_stored.add(item.fetch.url)  # its URL key, which listing dates name
                    self.waiting_dates.pop(item.fetch.url, None)
                else:
                    by_source[item.source].append(self._with_late_dates(item.result))
            elif isinstance(item, FetchItem):
                records.append(item.fetch)
        if self.shards is not None:
            # the rest belong to articles stored by an earlier batch or another worker: merge adds them
            late, self.waiting_dates = dict(self.waiting_dates), defaultdict(list)
            saved = self.shards.save(by_source, late)
        else:
            saved = self._save_to_database(by_source, records)
        result = BatchResult(saved, skipped)
        self._unrecorded.append(result)  # stored: counted, even if the frontier is lost next
        if self.frontier is not None:
            # only now, with the results on disk, are these requests done; a worker killed before
            # this point has them put back on the queue
            self.frontier.done([r.frontier_id for r in records if r.frontier_id])
        return result

    def _save_to_database(self, by_source: dict, records: list) -> dict:
        # The file is opened for this batch only: readers (`provtrack query`) get in between batches.
        # One transaction: a run killed within a batch stores none of it, never articles without the
        # fetch rows that `reprocess` and the re-check window go by.
        wait = self.session.connection(self.batch_wait, BATCH_WAIT_HINT, give_up=self._ending)
        with wait as con, transaction(con):
            outlets = Outlets(con, self.run_id)
            saved = {
                source: save_articles(con, self.run_id, articles, outlets)
                for source, articles in by_source.items()
            }
            # dates for articles stored in an earlier batch; the rest wait for their article
            dated = add_listing_dates(con, self.waiting_dates) if self.waiting_dates else []
            save_fetches(con, self.run_id, records)
        for url in dated:  # only now they are stored
            del self.waiting_dates[url]
        return saved

    def _ending(self) -> bool:
        """A batch waiting for readers stops waiting: a second signal came, or a batch before it
        failed (queued batches each waited out the reader again, the crawl ending anyway)."""
        return self.stop_now or self.fatal is not None

    def _with_late_dates(self, article: Article) -> Article:
        """The article with any feed/sitemap dates that arrived after its page was fetched."""
        late = self.waiting_dates.pop(article.url, [])
        have = {c.source for c in article.date_candidates}
        late = [c for c in late if c.source not in have]
        if not late:
            return article
        dates = [*article.date_candidates, *late]
        return replace(
            article, date_candidates=dates, published_at=choose_published_at(dates, first_seen_of(dates))
        )

    def record(self, result: BatchResult) -> None:
        """Count a stored batch (reactor thread)."""
        self._unrecorded.remove(result)
        for source, saved in result.saved.items():
            self.reports[source].saved.add(saved)
            self.progress(stored=saved.pages)
        for source, url, skip in result.skipped:
            if skip.no_text:
                self.reports[source].no_text += 1
            else:
                self.reports[source].skipped += 1
            self._on_skip(source, url, skip)
            self.progress(stored=1)

    def record_late_batches(self) -> None:
        """Count the batches stored after the reactor stopped (a second signal stops it at once, while
        the writer finishes its batch): the run's counts said less than the database holds. Call
        after `close`, when no thread is left to race."""
        for result in list(self._unrecorded):
            self.record(result)

    def mark_interrupted(self) -> None:
        """A signal, or a failure of the whole crawl (the store, a dead worker; the run itself is then
        `failed`, with why), stopped the crawl: every source is `interrupted` where it stood, and the
        article requests still waiting count as left for the next run rather than failed."""
        for report in self.reports.values():
            report.interrupted = True
        self.leave_for_next_run()

    def leave_unstored(self, items: list) -> None:
        """Pages fetched whose batch was not stored (the store failed, or a second signal stopped its
        wait for readers): left for the next run, which fetches them again, not counted as fetched.
        They were counted nowhere: '11 fetched, 3 new, 29 left' of 40, the other 8 gone from the line."""
        for item in items:
            if isinstance(item, (Cleaned, ArticlePage)):
                report = self.reports[item.source]
                report.requested -= 1
                report.not_fetched += 1

    def leave_for_next_run(self) -> None:
        """The article requests still waiting count as left for the next run, not as fetched or failed."""
        for pending in self.pending.values():
            report = self.reports[pending.source]
            report.not_fetched += 1
            report.requested -= 1
        self.pending.clear()

    def close(self) -> None:
        """After the reactor: a signal now is the command line's KeyboardInterrupt, which waits until
        all is closed (see interrupts). The cleaning workers are killed: nothing reads their work any
        more, and a pool one of whose workers died waited for the others, which ignore SIGTERM (a
        signal to the group is the crawler's to act on), for ever, writer lock held."""
        with deferred():
            shut_down(self.writer, keep_queued=True)  # every batch queued is stored
            shut_down(self.cleaner, kill=True)
            self.archive.close()
