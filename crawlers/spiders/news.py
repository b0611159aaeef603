"""The news spider: starts from each source's feeds, sitemaps, home page or URL list, finds article
URLs (feed entries, sitemap entries with their Google News fields, site links that look like articles),
skips those already stored, and yields article pages with every date claim for the store pipeline.

One spider serves every kind of seed (crawlers.sources.SEED_KINDS: feed, sitemap, site, URL list) so
that one scheduler keeps the per-domain politeness of all of a site's requests together."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import lxml.html
import scrapy
from scrapy import signals
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from crawlers.feeds import (
    CutShort,
    FeedError,
    discover_feeds,
    gunzip,
    is_gzip,
    looks_like_article,
    page_base,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawlers.items import STOPPED_BEFORE_SENT, ArticlePage, FetchItem, ListingDate
from crawlers.sources import Seed
from pipelines.archive import ArchiveError, decode_body, is_html, read_response
from pipelines.dates import parse_datetime
from pipelines.models import DateCandidate, Page
from pipelines.store.crawl_state import FetchRecord
from pipelines.urls import BadURL, join_url, normalize_url, registered_domain

logger = logging.getLogger(__name__)

SKIP_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".svg",
    ".webp",
    ".pdf",
    ".zip",
    ".mp3",
    ".mp4",
    ".css",
    ".js",
    ".ico",
    ".xml",
    ".rss",
    ".json",
    ".gz",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
)
SEED_PRIORITY, SITE_PRIORITY, ARTICLE_PRIORITY = 100, 50, 0


@dataclass
class Pending:
    """An article URL we decided to fetch, with what feeds and sitemaps said about it."""

    source: str
    first_seen: datetime
    title: str | None = None
    dates: dict[str, DateCandidate] = field(default_factory=dict)

    def add(self, candidate: DateCandidate | None, title: str | None) -> None:
        if candidate is not None:
            self.dates.setdefault(candidate.source, candidate)
        self.title = self.title or title


def pending_from_meta(meta: dict, default_first_seen: datetime) -> Pending:
    """What the listing said about an article queued by another worker."""
    listing = meta.get("pt_listing") or {}
    pending = Pending(meta["pt_source"], parse_datetime(listing.get("first_seen")) or default_first_seen)
    for source, value in listing.get("dates", []):
        parsed = parse_datetime(value)
        if parsed is not None:
            pending.add(DateCandidate(source, parsed), None)
    pending.title = listing.get("title")
    return pending


def describe_failure(failure, maxsize: int | None = None) -> tuple[int | None, str]:
    """(HTTP status or None, one-line reason) of a failed request."""
    error = failure.value
    if isinstance(error, HttpError):
        return error.response.status, f"HTTP {error.response.status}"
    if isinstance(error, (TimeoutError, TCPTimedOutError, DownloadTimeoutError)):
        return None, "timed out"
    if isinstance(error, (DNSLookupError, CannotResolveHostError)):
        return None, "host not found (DNS)"
    if isinstance(error, (ConnectionRefusedError, DownloadConnectionRefusedError)):
        request = getattr(failure, "request", None)
        if proxy := request is not None and request.meta.get("proxy"):  # only the proxy can refuse then
            return None, f"connection refused by the proxy {proxy} (PROVTRACK_PROXY: is it running?)"
        return None, "connection refused"
    if isinstance(error, TunnelError):  # an https page through PROVTRACK_PROXY
        said = str(error).split(" [", 1)[0]
        return None, f"the proxy could not reach it over https ({said})"
    if isinstance(error, (CancelledError, DownloadCancelledError)):
        return (
            None,
            f"response larger than the download limit ({(maxsize or 0) / 1_000_000:g} MB, DOWNLOAD_MAXSIZE)",
        )
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "download max size" in text or "maxsize" in text.lower():
        return (
            None,
            f"response larger than the download limit ({(maxsize or 0) / 1_000_000:g} MB, DOWNLOAD_MAXSIZE)",
        )
    if text.startswith(("Missing scheme in request url:", "Unsupported URL scheme")):
        # a redirect to javascript:, mailto: (provtrack's own requests are all http(s))
        text = f"redirects to a URL that is not http(s) ({text.split(':', 1)[1].strip()[:100]})"
    if text.lower().startswith("forbidden by robots.txt"):
        text = "disallowed by robots.txt" + text[len("forbidden by robots.txt") :]
    return None, text[:300]


def decode_html(response) -> str:
    """The page as text (see pipelines.archive.decode_body, shared with reprocess and WARC ingest)."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
    return decode_body(response.body, content_type)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, job=None, **kwargs):
        super().__init__(**kwargs)
        self.job = job
        # article requests waiting for their page; the job's dict, so that after a stop by signal the
        # job can tell what is left for the next run (a second signal stops before the spider closes)
        self.pending: dict[str, Pending] = job.pending if job is not None else {}
        self.requested: set[str] = set()  # article keys asked for in this run
        self.fetched: set[str] = set()  # article keys whose page arrived in this run
        # items for the store made outside a callback's yield: listing dates that came after their
        # page, fetch rows of listings settled by request_dropped
        self.to_store: list[ListingDate | FetchItem] = []
        self.stored_as: dict[str, str] = {}  # URL key of a listed page that redirected -> where it landed
        self.arrived: set[str] = set()  # where the article pages of this run landed (normalised)
        self.site_pages: dict[str, int] = {}
        # site links queued, and those answered as plain pages: a feed listing one later must not
        # lose its article to the duplicate filter (see article_request)
        self.site_links: set[str] = set()
        self.site_answered: set[str] = set()
        self.site_seeds: set[str] = set()  # home pages, fetched past the duplicate filter: not again
        # listed pages whose request the shared duplicate filter dropped for a site link's: settled as
        # fetched elsewhere, but any worker may take that link from the queue, this one too
        self.on_its_way: set[str] = set()
        self.redirected_to_itself: set[str] = set()  # listed pages whose redirect the filter dropped
        # (source, URL key) of every feed and sitemap asked for this run: a sitemap index listing itself,
        # or indexes listing each other, fetched each child again at every level (1 + n + n² + n³)
        self.listings_asked: set[tuple[str, str]] = set()
        # the duplicate filter's identity of each article or site request -> the URL key of the first
        # made with it: two spellings normalize_url keeps apart (escapes in lower and upper case) are
        # one page to the filter, which drops the second request (see request_dropped)
        self.spellings: dict[bytes, str] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.sitemap_maxsize = s.getint("PROVTRACK_SITEMAP_MAXSIZE")
        spider.sitemap_depth = s.getint("PROVTRACK_SITEMAP_DEPTH")
        spider.site_depth = s.getint("PROVTRACK_SITE_DEPTH")
        spider.site_max_pages = s.getint("PROVTRACK_SITE_MAX_PAGES")
        spider.page_maxsize = s.getint("DOWNLOAD_MAXSIZE")
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    # -- starting ------------------------------------------------------------------------------------

    async def start(self):
        # Every worker notes the home pages, not only the one that seeds the shared frontier: their
        # requests pass the duplicate filter unrecorded, and each page's "Home" link would fetch them again.
        for source in self.job.sources.values():
            for seed in source.seeds:
                if seed.kind == "site":
                    with contextlib.suppress(BadURL):
                        self.site_seeds.add(normalize_url(seed.url))
        requests = (
            request
            for source in self.job.sources.values()
            for seed in source.seeds
            for request in self.seed_requests(source.name, seed)
        )
        if self.job.frontier is None:
            for request in requests:
                yield request
        # A shared frontier gets the cycle's seeds all at once, or none (a killed seeding worker would
        # leave the rest unqueued). Made only when no worker has seeded: they claim their URLs there.
        # Two workers starting in the same instant may both make them; one queues them.
        elif not self.job.frontier.seeded() and self.frontier_scheduler.seed(
            list(requests), self.job.seed_window_seconds
        ):
            self.logger.info("seeded this cycle of the shared queue")
        else:
            self.logger.info("another worker seeds this cycle; working from the shared queue")

    def seed_requests(self, source: str, seed: Seed):
        if seed.kind == "url":
            request = self.article_request(source, seed.url)
            if request is not None:
                yield request
            return
        if self.job.frontier is None:  # see count_seed
            self.job.reports[source].seeds += 1
        if seed.kind in ("feed", "sitemap"):
            with contextlib.suppress(BadURL):
                self.listings_asked.add((source, normalize_url(seed.url)))
        if seed.kind == "feed":
            yield self.seed_request(source, "feed", seed.url, self.parse_feed)
        elif seed.kind == "sitemap":
            yield self.seed_request(source, "sitemap", seed.url, self.parse_sitemap)
        elif seed.kind == "site":
            root = urljoin(seed.url, "/robots.txt")
            yield scrapy.Request(
                root,
                callback=self.parse_robots,
                errback=self.quiet_failure,
                priority=SEED_PRIORITY,
                meta={"pt_source": source, "pt_kind": "robots", "dont_retry": True},
                dont_filter=True,  # read again every run: a shared frontier's filter remembers last run's
            )
            yield scrapy.Request(
                seed.url,
                callback=self.parse_site,
                errback=self.seed_failed,
                priority=SITE_PRIORITY,
                meta={"pt_source": source, "pt_kind": "site", "pt_depth": 0, "pt_seed": True},
                dont_filter=True,
            )

    def seed_request(self, source: str, kind: str, url: str, callback, depth: int = 0, counted: bool = True):
        meta = {
            "pt_source": source,
            "pt_kind": kind,
            "pt_depth": depth,
            "pt_seed": counted,
            "handle_httpstatus_list": [304],
        }
        if kind == "sitemap":
            meta["download_maxsize"] = self.sitemap_maxsize
        # dont_filter: a redirect loop must end in "max redirections", not vanish in the duplicate filter
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.seed_failed,
            priority=SEED_PRIORITY,
            meta=meta,
            dont_filter=True,
        )

    def found_seed(self, source: str, kind: str, url: str, callback, depth: int = 0):
        """The request for a feed or sitemap found on the way (in robots.txt, a sitemap index, a home
        page), or, when its URL is unusable, nothing but an error of the source that named it."""
        try:
            key = normalize_url(url)
        except BadURL as exc:
            self.job.reports[source].errors.append(f"{kind} {exc}")
            return
        if (source, key) in self.listings_asked:  # read already in this run, or on its way
            return
        self.listings_asked.add((source, key))
        yield self.seed_request(source, kind, url, callback, depth, counted=False)

    def article_request(
        self,
        source: str,
        url: str,
        candidate: DateCandidate | None = None,
        title: str | None = None,
        lastmod: datetime | None = None,
    ):
        """A request for an article URL, or None when it is pending already or stored."""
        try:
            key = normalize_url(url)
        except BadURL as exc:
            self.job.reports[source].errors.append(str(exc))
            return None
        if key in self.pending:
            self.pending[key].add(candidate, title)
            return None
        if key in self.requested:
            # fetched already in this run (listed by another feed or sitemap); its date still counts
            if candidate is not None and key in self.fetched:
                self.to_store.append(ListingDate(self.stored_as.get(key, key), candidate))
            return None
        known = self.job.known.get(key)
        if not self.job.wants(known, lastmod):
            self.requested.add(key)  # count it once, however many listings name it
            self.job.reports[source].known += 1
            return None
        pending = Pending(source, known.first_seen_at if known else self.job.started)
        pending.add(candidate, title)
        listing = {  # for whichever worker fetches it, when the frontier is shared
            "first_seen": pending.first_seen.isoformat(),
            "title": title,
            "dates": [[c.source, c.value.isoformat()] for c in pending.dates.values()],
        }
        first = "mine"  # this listing is the first word on the page, unless the frontier says not
        if self.job.frontier is not None:  # another worker may have listed it, or reached it by a link
            self.job.frontier.share_listing(key, listing)  # before the claim: a loser reads it
            first = self.job.frontier.claim_listing(key)
            # Another worker fetches it when its listing came first, it stored the page as an article,
            # or it took a plain page back for a listing: the shared duplicate filter, which has seen
            # its request, drops this one, and request_dropped sends this listing's date to the
            # article through merge. Not left to that worker alone: one killed between its claim and
            # its request's queueing never queues it (its feed, read again elsewhere, found it claimed).
            if first == "plain" and self.job.frontier.relist(key):
                self.site_answered.add(key)  # this worker fetches it again, as the article it is
        self.pending[key] = pending
        self.requested.add(key)
        self.job.reports[source].requested += 1
        self.job.progress(total=1)
        if key in self.site_links and key not in self.site_answered and first in ("mine", "listing"):
            # its site request is under way; parse_site takes it as this listed article. Not when a
            # worker of a shared queue took that link first ("article"): the request below is dropped
            # as the link's duplicate, and request_dropped sends this listing's date to the stored page
            return None
        return self.spelled(
            scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.article_failed,
                priority=ARTICLE_PRIORITY,
                meta={"pt_source": source, "pt_kind": "article", "pt_key": key, "pt_listing": listing},
                # fetched as a plain page of the site before this listing named it: fetched again, as
                # the article it is (the duplicate filter would drop the request, and the article with it)
                dont_filter=key in self.site_answered,
            )
        )

    def spelled(self, request: scrapy.Request) -> scrapy.Request:
        """`request`, its URL key remembered under the duplicate filter's identity of it."""
        if getattr(self, "crawler", None) is not None:
            fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
            self.spellings.setdefault(fingerprint, request.meta["pt_key"])
        return request

    # -- feeds and sitemaps --------------------------------------------------------------------------

    def seed_body(self, response, record: FetchRecord) -> bytes | None:
        """The body to parse: the response's, or on 304 the archived one of the last good fetch."""
        if response.status != 304:
            return response.body
        state = self.job.seed_state.get(normalize_url(response.url))
        try:
            return read_response(self.job.archive.root, state.warc_file, state.warc_offset).body
        except (ArchiveError, AttributeError, TypeError) as exc:
            record.error = f"304 Not Modified, and the archived copy is unreadable: {exc}"
            return None

    def whole_again(self, response, body: bytes | None) -> scrapy.Request | None:
        """The seed asked for once more without "changed since?", when a 304 left nothing to read (its
        last good copy's WARC file pruned or moved, or no copy under the URL a redirect led to).
        Only a 200 renews what the next run asks with: without this, the seed would fail every night."""
        if body is not None or response.status != 304 or response.meta.get("pt_unconditional"):
            return None
        logger.info("%s: 304, but no copy to read back; asking for the whole of it", response.url)
        return response.request.replace(dont_filter=True, meta={**response.meta, "pt_unconditional": True})

    def parse_feed(self, response):
        source = response.meta["pt_source"]
        record = self.fetch_record(response, "feed")
        body = self.seed_body(response, record)
        if again := self.whole_again(response, body):
            yield again
            yield FetchItem(record)  # the 304, with why it was not used
            return
        try:
            if body is None:
                raise FeedError(record.error)
            entries = parse_feed(body, response.url, self.content_type(response))
        except CutShort as exc:
            entries = exc.salvaged
            self.seed_cut_short(response, record, f"feed {response.url}: {exc}")
        except (ValueError, RecursionError) as exc:  # FeedError, or markup the parser chokes on
            yield from self.seed_error(response, record, f"feed {response.url}: {exc}")
            return
        else:
            self.seed_read(response, record, body)
        for entry in entries:
            candidate = DateCandidate("feed", entry.published) if entry.published else None
            request = self.article_request(source, entry.url, candidate, entry.title)
            if request is not None:
                yield request
        yield from self.take_to_store()
        yield FetchItem(record)

    def parse_sitemap(self, response):
        source, depth = response.meta["pt_source"], response.meta.get("pt_depth", 0)
        record = self.fetch_record(response, "sitemap")
        body = self.seed_body(response, record)
        if again := self.whole_again(response, body):
            yield again
            yield FetchItem(record)  # the 304, with why it was not used
            return
        try:
            if body is None:
                raise FeedError(record.error)
            if is_gzip(body):
                body = gunzip(body, self.sitemap_maxsize)
            if len(body) > self.sitemap_maxsize:
                raise FeedError(f"over the {self.sitemap_maxsize / 1_000_000:g} MB sitemap limit")
            sitemap = parse_sitemap(body, response.url, self.content_type(response))
        except CutShort as exc:
            sitemap = exc.salvaged
            self.seed_cut_short(response, record, f"sitemap {response.url}: {exc}")
        except (ValueError, RecursionError) as exc:  # FeedError, or markup the parser chokes on
            yield from self.seed_error(response, record, f"sitemap {response.url}: {exc}")
            return
        else:
            self.seed_read(response, record, body)
        for child in sitemap.children:
            with contextlib.suppress(BadURL):
                if (source, normalize_url(child.url)) in self.listings_asked:
                    continue  # read already in this run, or on its way: no level deeper
            if depth + 1 > self.sitemap_depth:
                self.job.reports[source].errors.append(
                    f"sitemap {child.url}: deeper than {self.sitemap_depth} levels"
                )
                continue
            yield from self.found_seed(source, "sitemap", child.url, self.parse_sitemap, depth + 1)
        for entry in sitemap.entries:
            candidate = DateCandidate("sitemap", entry.published) if entry.published else None
            request = self.article_request(source, entry.url, candidate, entry.title, entry.lastmod)
            if request is not None:
                yield request
        yield from self.take_to_store()
        yield FetchItem(record)

    def take_to_store(self):
        """The items waiting to be stored (the store pipeline takes them too, when it flushes:
        request_dropped has no callback to yield them from)."""
        items, self.to_store = self.to_store, []
        yield from items

    def request_dropped(self, request, spider=None):
        """The scheduler's duplicate filter dropped an article request: the page it leads to (a
        redirect's target, or another spelling of the URL) was fetched, or is on its way, for another
        listing or link of this run (with a shared queue: of any worker's run). The listing goes with
        that page, instead of staying pending to be called a failure when the crawl closes (and its
        URL fetched again next run)."""
        key = request.meta.get("pt_key")
        if request.meta.get("pt_kind") != "article" or key not in self.pending:
            return
        try:
            landed = normalize_url(request.url)
        except BadURL:
            return
        if landed == key and getattr(self, "crawler", None) is not None:  # another spelling of the page?
            landed = self.spellings.get(self.crawler.request_fingerprinter.fingerprint(request), key)
        if landed in self.arrived:
            self.settle_listing(key, landed)
        elif landed == key and self.job.frontier is not None:  # fetched, or on its way, elsewhere:
            self.settle_listing(key, landed)  # or here, when this worker takes the link from the queue
            self.on_its_way.add(key)
        elif landed != key and landed in self.pending:  # on its way for another listing: the dates go along
            for candidate in self.pending[key].dates.values():
                self.pending[landed].add(candidate, None)
            self.pending[key].dates.clear()
            self.settle_listing(key, landed)
        elif landed != key:  # on its way through a site link: its response finds the listing where it lands
            self.pending[landed] = self.pending.pop(key)
            self.stored_as[key] = landed
        elif request.meta.get("redirect_urls"):  # back to itself: a loop Scrapy's redirect limit never sees
            self.redirected_to_itself.add(key)

    def settle_listing(self, key: str, landed: str) -> None:
        """A listing whose page arrived at `landed` for another listing or link: its dates go there."""
        pending = self.pending.pop(key)
        self.fetched.add(key)
        target = self.stored_as.get(landed, landed)
        self.to_store += [ListingDate(target, c) for c in pending.dates.values()]
        if landed != key:  # known next run, as a listing that redirected is by its fetch row
            self.stored_as[key] = landed
            fetched = FetchRecord(key, "article", pending.source, 200, datetime.now(timezone.utc))
            self.to_store.append(FetchItem(fetched))
        self.job.reports[pending.source].requested -= 1  # not fetched for this listing
        self.job.progress(stored=1)

    def seed_read(self, response, record: FetchRecord, body: bytes) -> None:
        report = self.job.reports[response.meta["pt_source"]]
        digest = hashlib.sha1(body).hexdigest()
        state = self.job.seed_state.get(normalize_url(response.url))
        if response.status == 304 or (state is not None and state.content_hash == digest):
            if response.meta.get("pt_seed"):
                report.seeds_unchanged += 1
        record.content_hash = digest if response.status == 200 else None
        self.count_seed(response.meta, read=True)

    def count_seed(self, meta: dict, read: bool) -> None:
        """A registered seed (not a feed or sitemap found on the way) came back, read or not.

        On one machine a seed counts when it is queued, so that one that never comes back (a stop
        by timeout, a request dropped on the way) still shows as unread. With a shared frontier it
        counts for the worker that fetched it: any worker may take it from the queue, and the one
        that queued it would report it unread."""
        if meta.get("pt_seed"):
            report = self.job.reports[meta["pt_source"]]
            report.seeds += self.job.frontier is not None
            report.seeds_ok += read

    def seed_cut_short(self, response, record: FetchRecord, message: str) -> None:
        """A feed or sitemap cut off on the way: what it listed before the cut is fetched, and the
        source reports the cut. No content hash is kept, so the next run reads the whole of it
        again (no conditional GET, no "unchanged") instead of trusting the cut copy."""
        self.count_seed(response.meta, read=True)
        record.error = message
        self.job.reports[response.meta["pt_source"]].errors.append(message)
        logger.warning("%s: %s", response.meta["pt_source"], message)

    def seed_error(self, response, record: FetchRecord, message: str):
        self.count_seed(response.meta, read=False)
        record.error = message
        self.job.reports[response.meta["pt_source"]].errors.append(message)
        logger.warning("%s: %s", response.meta["pt_source"], message)
        yield FetchItem(record)

    def parse_robots(self, response):
        source = response.meta["pt_source"]
        record = self.fetch_record(response, "robots")
        for url in robots_sitemaps(response.text if isinstance(response, TextResponse) else ""):
            # "Sitemap: /sitemap.xml" is against the robots.txt standard, and common
            yield from self.found_seed(source, "sitemap", join_url(response.url, url), self.parse_sitemap, 1)
        yield FetchItem(record)

    # -- sites ---------------------------------------------------------------------------------------

    def parse_site(self, response):
        source, depth = response.meta["pt_source"], response.meta.get("pt_depth", 0)
        if depth == 0:
            self.count_seed(response.meta, read=True)
        key = response.meta.get("pt_key")  # set on every link followed (depth > 0)
        landed = key
        if key is not None:
            # a link that redirected: a listing may name where it led (/p/1 -> /p/1/)
            with contextlib.suppress(BadURL):
                landed = normalize_url(response.url)
            if landed in self.pending:
                key = response.meta["pt_key"] = landed
        if not self.is_html(response):
            # a page a feed or sitemap listed too is an article (whose failure is named), not a link
            if key is not None and self.site_page_is(key, "plain", response.meta) == "listing":
                yield from self.parse_article(response)
            else:
                yield FetchItem(self.fetch_record(response, "site"))
            return
        html = decode_html(response)
        try:
            tree = lxml.html.fromstring(html)
        except (lxml.etree.ParserError, ValueError):
            tree = None
        # the registered domain of the site, where its home page landed: a link of it that redirected to
        # another site is neither stored as the site's article nor followed (a crawl stays on its site)
        site = response.meta.get("pt_site") or registered_domain(response.url)
        off_site = registered_domain(response.url) != site
        if key is None or (key in self.fetched and key not in self.on_its_way):
            role = "seen"
        else:
            looks = tree is not None and not off_site and looks_like_article(tree, response.url)
            role = self.site_page_is(key, "article" if looks else "plain", response.meta)
        if role == "listing":
            # the scheduler dropped the listing's request as this one's duplicate: one article, counted
            # once, with the listing's date and title, whatever its markup looks like
            yield from self.article_item(response, html, key)
        elif role == "article":
            self.job.reports[source].requested += 1
            self.job.progress(total=1)
            self.pending[key] = Pending(source, self.job.started)
            self.requested.add(key)
            yield from self.article_item(response, html, key)
        else:
            if landed is not None:  # listed later, the page it led to is fetched as an article
                self.site_answered.add(landed)
            yield FetchItem(self.fetch_record(response, "site"))
        if tree is None or off_site:
            return
        if depth == 0:
            for url in discover_feeds(html, response.url):
                yield from self.found_seed(source, "feed", url, self.parse_feed)
        if depth >= self.site_depth:
            return
        base = page_base(tree, response.url)
        for href in tree.xpath("//a/@href"):
            url = join_url(base, href.strip()).split("#")[0]
            try:
                parts = urlsplit(url)
                if parts.scheme not in ("http", "https") or registered_domain(url) != site:
                    continue
                key = normalize_url(url)
            except (BadURL, ValueError):  # ValueError: urlsplit on a mangled host ("http://[::1/x")
                continue
            if parts.path.lower().endswith(SKIP_EXTENSIONS):
                continue
            if (
                key in self.pending
                or key in self.site_seeds
                or key in self.site_links  # linked twice (headline and picture): one page of the budget
                or key in self.requested
                or self.site_pages.get(source, 0) >= self.site_max_pages
            ):
                continue
            if key in self.job.known:
                # an article stored before: re-checked as a listed one is, else counted as already seen
                # (it was never fetched again, so a credit added after publication was never stored)
                if request := self.article_request(source, url):
                    yield request
                continue
            self.site_pages[source] = self.site_pages.get(source, 0) + 1
            self.site_links.add(key)
            yield self.spelled(
                scrapy.Request(
                    url,
                    callback=self.parse_site,
                    errback=self.quiet_failure,
                    priority=SITE_PRIORITY - depth - 1,
                    meta={
                        "pt_source": source,
                        "pt_kind": "site",
                        "pt_depth": depth + 1,
                        "pt_key": key,
                        "pt_site": site,
                    },
                )
            )

    # -- articles ------------------------------------------------------------------------------------

    @staticmethod
    def content_type(response) -> str:
        return response.headers.get(b"Content-Type", b"").decode("latin-1")

    def is_html(self, response) -> bool:
        return is_html(self.content_type(response), response.body)

    def parse_article(self, response):
        key = response.meta["pt_key"]
        if not self.is_html(response):
            kind = (
                response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0] or "unknown type"
            )
            yield from self.article_error(
                response.meta,
                f"{response.url}: not an HTML page ({kind})",
                self.fetch_record(response, "article"),
            )
            return
        yield from self.article_item(response, None, key)

    def article_item(self, response, html: str | None, key: str):
        """The ArticlePage of a fetched article; without `html` the raw body goes to the cleaning
        process, which decodes it (pipelines.archive.decode_body, as decode_html does)."""
        pending = self.take_pending(key, response.meta)
        self.fetched.add(key)
        with contextlib.suppress(BadURL):
            self.arrived.add(landed := normalize_url(response.url))
            if landed != key:
                self.stored_as[key] = landed  # a later listing's date goes to the page stored
                if landed in self.pending:  # listed as it is too: that request will be dropped
                    self.settle_listing(landed, landed)
        record = self.fetch_record(response, "article")
        record.url = key
        record.content_hash = hashlib.sha1(response.body).hexdigest()
        source = self.job.sources[pending.source]
        dates = [*pending.dates.values(), DateCandidate("first_seen", pending.first_seen)]
        page = Page(
            url=response.url,
            outlet=source.outlet_for(response.url),
            title=pending.title,
            html=html,
            date_candidates=dates,
            warc_file=record.warc_file,
            warc_offset=record.warc_offset,
        )
        if html is not None:
            yield ArticlePage(pending.source, page, record)
        else:
            yield ArticlePage(pending.source, page, record, response.body, record.content_type)

    # -- failures ------------------------------------------------------------------------------------

    def seed_failed(self, failure):
        request = failure.request
        if request.meta.get(STOPPED_BEFORE_SENT):
            return  # not fetched: left for the next run
        self.count_seed(request.meta, read=False)
        source, kind = request.meta["pt_source"], request.meta["pt_kind"]
        status, reason = describe_failure(failure, request.meta.get("download_maxsize", self.page_maxsize))
        message = f"{kind} {request.url}: {reason}"
        self.job.reports[source].errors.append(message)
        logger.warning("%s: %s", source, message)
        yield FetchItem(self.failure_record(request, kind, status, message))

    def article_failed(self, failure):
        request = failure.request
        if request.meta.get(STOPPED_BEFORE_SENT):
            return  # not fetched: left for the next run
        status, reason = describe_failure(failure, self.page_maxsize)
        record = self.failure_record(request, "article", status, reason)
        record.url = request.meta["pt_key"]
        yield from self.article_error(request.meta, f"{request.url}: {reason}", record)

    def site_page_is(self, key: str, role: str, meta: dict) -> str:
        """What the page a site link led to is taken for: "listing" when a feed or sitemap listed it
        (a listed article, whatever it looks like), else `role`, "article" or "plain" (a plain page,
        or a failed link). With a shared frontier the listing may be another worker's: its date and
        title go into `meta`, and the first of the listing and the site page to be seen is claimed, so
        that a listing read later fetches a plain page again and skips an article stored already."""
        if key in self.pending:
            return "listing"
        if self.job.frontier is not None:
            if self.job.frontier.first_to_see(key, role) == "listing":
                meta["pt_listing"] = self.job.frontier.listing(key)
                return "listing"
        if role == "plain":
            self.site_answered.add(key)
        return role

    def take_pending(self, key: str, meta: dict) -> Pending:
        """What the listings said about an article whose response (or failure) came. One queued by
        another worker of a shared frontier is counted here, by the worker that fetched it."""
        pending = self.pending.pop(key, None)
        if pending is None:
            pending = pending_from_meta(meta, self.job.started)
            self.job.reports[pending.source].requested += 1
            self.job.progress(total=1)
        return pending

    def article_error(self, meta: dict, message: str, record: FetchRecord):
        source = self.take_pending(meta["pt_key"], meta).source
        report = self.job.reports[source]
        record.error = message
        known = self.job.known.get(meta["pt_key"])
        if known is not None and known.stored:
            # the re-check of a stored article: its stored version stands, and the next run in the
            # window tries again. A failure here made every hourly run `partial` for two days.
            report.recheck_failed += 1
            logger.info("%s: re-check failed, the stored version stands: %s", source, message)
        else:
            report.failed += 1
            report.errors.append(message)
            logger.warning("%s: %s", source, message)
        self.job.progress(stored=1)
        yield FetchItem(record)

    def quiet_failure(self, failure):
        """robots.txt for sitemap discovery, links of a site: a failure is logged, not a source error;
        unless a feed or sitemap listed the link too, when it is a failed article."""
        request = failure.request
        if request.meta.get(STOPPED_BEFORE_SENT):
            return  # not fetched: left for the next run
        key = request.meta.get("pt_key")
        if key is not None and self.site_page_is(key, "plain", request.meta) == "listing":
            yield from self.article_failed(failure)
            return
        status, reason = describe_failure(failure, self.page_maxsize)
        logger.info(
            "%s: %s %s: %s", request.meta.get("pt_source"), request.meta.get("pt_kind"), request.url, reason
        )
        yield FetchItem(self.failure_record(request, request.meta.get("pt_kind", "site"), status, reason))

    def closed(self, reason: str) -> None:
        # Requests the scheduler dropped as duplicates (an article redirecting to one fetched already)
        # never come back: name them rather than lose them silently. With a shared frontier, other
        # workers fetched the rest of what this one queued. After a stop by signal ("shutdown") the
        # pages not fetched yet are no failure: run_crawl counts them as left for the next run.
        if reason == "shutdown":
            return
        if reason.startswith("closespider_"):  # a budget set with -s CLOSESPIDER_TIMEOUT (or _ITEMCOUNT…)
            self.job.leave_for_next_run()  # what it did not reach was never asked for: no failure
            return
        if self.job.frontier is not None:
            for pending in self.pending.values():  # another worker fetched it: not ours to count
                self.job.reports[pending.source].requested -= 1
            self.pending.clear()
            return
        for key, pending in self.pending.items():
            report = self.job.reports[pending.source]
            report.failed += 1
            if key in self.redirected_to_itself:
                message = f"{key}: redirects to itself"
            else:
                message = f"{key}: no response (redirected to a page fetched already, or the crawl stopped)"
            report.errors.append(message)
            logger.warning("%s: %s", pending.source, message)  # the source's line may list only the first

    # -- records -------------------------------------------------------------------------------------

    def fetch_record(self, response, kind: str) -> FetchRecord:
        meta = response.meta
        warc_file, warc_offset = meta.get("pt_warc", (None, None))
        return FetchRecord(
            url=normalize_url(response.url) if kind != "article" else meta.get("pt_key", response.url),
            kind=kind,
            source=meta["pt_source"],
            status=response.status,
            fetched_at=meta.get("pt_fetched_at") or datetime.now(timezone.utc),
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            etag=(response.headers.get(b"ETag") or b"").decode("latin-1") or None,
            last_modified=(response.headers.get(b"Last-Modified") or b"").decode("latin-1") or None,
            warc_file=warc_file,
            warc_offset=warc_offset,
            frontier_id=meta.get("pt_frontier_id"),
        )

    def failure_record(self, request, kind: str, status: int | None, message: str) -> FetchRecord:
        warc_file, warc_offset = request.meta.get("pt_warc", (None, None))
        return FetchRecord(
            url=request.url,
            kind=kind,
            source=request.meta["pt_source"],
            status=status,
            fetched_at=datetime.now(timezone.utc),
            warc_file=warc_file,
            warc_offset=warc_offset,
            error=message,
            frontier_id=request.meta.get("pt_frontier_id"),
        )
