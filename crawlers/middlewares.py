"""Downloader middlewares: routing (proxy, private-address refusal), conditional GET for feeds and
sitemaps, retries that honour Retry-After with backoff, and the WARC archive of every response; and
the spider middleware that hashes site pages, so that the archive keeps an unchanged one once."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.internet.task import deferLater

from crawlers.feeds import FeedError, gunzip, is_gzip
from crawlers.items import STOPPED_BEFORE_SENT, FetchItem
from pipelines.urls import normalize_url

logger = logging.getLogger(__name__)

#: the seeds fetched with a conditional GET (ETag / Last-Modified) and a content hash; not site pages,
#: whose links the spider reads from the body it is sent, with no way to read them from the archive on a 304
CONDITIONAL_GET_KINDS = ("feed", "sitemap")
CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")
#: the fetches whose body, unchanged since the last good fetch, points at that fetch's archived copy:
#: listings (home, section and tag pages of a site crawl too), which an hourly crawl meets every hour
ARCHIVED_ONCE_KINDS = ("feed", "sitemap", "site")


class RoutingMiddleware:
    """PROVTRACK_PROXY sends every request through one HTTP proxy (the demo's sample web); literal
    loopback/private IP addresses are refused unless PROVTRACK_ALLOW_PRIVATE is set. (Host names are
    not resolved here: a name that resolves to a private address still passes.)"""

    def __init__(self, proxy: str, allow_private: bool):
        self.proxy = proxy
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.get("PROVTRACK_PROXY") or "", s.getbool("PROVTRACK_ALLOW_PRIVATE"))

    def process_request(self, request):
        if not self.allow_private:
            host = (urlsplit(request.url).hostname or "").lower()
            if host == "localhost" or _is_private_ip(host):
                raise IgnoreRequest(
                    f"refused private address {host} (-s PROVTRACK_ALLOW_PRIVATE=1 allows it)"
                )
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        return None


def _is_private_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


class ConditionalGetMiddleware:
    """Adds If-None-Match / If-Modified-Since to feed and sitemap requests from the last good fetch of
    that very URL.

    A redirect copies the request, headers and all: a feed that moved would ask its new address
    "changed since?" with the old address's validators, and a 304 there has no copy of its own to
    read back. So the headers are set afresh for the URL each request goes to, and a request the
    spider sends again unconditionally (`pt_unconditional`, after a 304 it could not use) gets none."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls()
        middleware.crawler = crawler
        return middleware

    def process_request(self, request):
        if request.meta.get("pt_kind") not in CONDITIONAL_GET_KINDS:
            return None
        for header in CONDITIONAL_HEADERS:
            request.headers.pop(header, None)
        if request.meta.get("pt_unconditional"):
            return None
        state = self.crawler.spider.job.seed_state.get(normalize_url(request.url))
        if state and state.warc_file:  # only if the old body can be read back on a 304
            if state.etag:
                request.headers["If-None-Match"] = state.etag
            if state.last_modified:
                request.headers["If-Modified-Since"] = state.last_modified
        return None


class LeanMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding every page to look for one.

    Scrapy decodes the whole body (`response.text`, cached on the response for its lifetime) and then
    reads only its first 4096 characters. Those are at most 16 KiB of an ASCII-compatible encoding, so
    a body whose first 16 KiB hold no "refresh" in any case, and no NUL byte (UTF-16/32 spell it with
    NULs between the letters), has no meta refresh: it passes through undecoded."""

    PREFIX_BYTES = 4 * 4096

    def process_response(self, request, response):
        head = response.body[: self.PREFIX_BYTES]
        if b"\0" not in head and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, plus: on 429 and 503 wait as the server's Retry-After says (capped), or back
    off exponentially when it says nothing."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("PROVTRACK_RETRY_BACKOFF_BASE")
        self.retry_after_max = settings.getfloat("PROVTRACK_RETRY_AFTER_MAX")

    async def process_response(self, request, response):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        if response.status in (429, 503):
            delay = _retry_after(response.headers.get(b"Retry-After"))
            if delay is None:
                delay = self.backoff_base * 2 ** request.meta.get("retry_times", 0)
            delay = max(0.0, min(delay, self.retry_after_max))
            if delay:
                logger.info(
                    "%s answered %s: waiting %.1f s before retrying", request.url, response.status, delay
                )
                from twisted.internet import reactor  # the installed one, never at import time

                await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return self._retry(request, f"HTTP {response.status}") or response


def _retry_after(value: bytes | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - datetime.now(timezone.utc)).total_seconds()


class WarcMiddleware:
    """Writes every response, as received, to the run's WARC file and notes where in request.meta
    (`pt_warc` = (file, offset), `pt_fetched_at`). A feed, sitemap or site page (ARCHIVED_ONCE_KINDS)
    whose body, once decompressed, is byte for byte the one its last good fetch archived (many servers
    never answer 304; a site's pages are not asked conditionally) points at that copy instead of
    adding another: an hourly crawl otherwise archived every unchanged listing again, every hour (a
    site crawl its 500 section and tag pages)."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls()
        middleware.crawler = crawler
        return middleware

    def process_response(self, request, response):
        archive = self.crawler.spider.job.archive
        headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, values in response.headers.items()
            for value in values
        ]
        request_headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, values in request.headers.items()
            for value in values
        ]
        reason = ""
        if (archived := self._archived_before(request, response)) is not None:
            request.meta["pt_warc"] = archived
            request.meta["pt_fetched_at"] = datetime.now(timezone.utc)
            return response
        try:
            request.meta["pt_warc"] = archive.write(
                response.url, response.status, reason, headers, response.body, request_headers
            )
        except OSError as exc:  # a full disk, a file-size limit: every later response would fail too
            self.crawler.spider.job.fail(exc, self.crawler, "archiving a response")
            raise
        request.meta["pt_fetched_at"] = datetime.now(timezone.utc)
        return response

    def _max_size(self, request) -> int:
        """The most a listing's body may inflate to: its request's download limit (a sitemap's is
        PROVTRACK_SITEMAP_MAXSIZE), else Scrapy's."""
        return request.meta.get("download_maxsize") or self.crawler.settings.getint("DOWNLOAD_MAXSIZE")

    def _archived_before(self, request, response) -> tuple[str, int] | None:
        """(file, offset) of the archived copy of this feed, sitemap or site page body, when its last
        good fetch had the same body and that copy is still there; else None."""
        if request.meta.get("pt_kind") not in ARCHIVED_ONCE_KINDS or response.status != 200:
            return None
        job = self.crawler.spider.job
        try:
            state = job.seed_state.get(normalize_url(response.url))
        except ValueError:  # BadURL
            return None
        if state is None or not state.warc_file or state.warc_offset is None:
            return None
        body = _listing_body(response, request.meta["pt_kind"], self._max_size(request))
        if body is None or state.content_hash != hashlib.sha1(body).hexdigest():
            return None
        if not (job.archive.root / state.warc_file).is_file():  # pruned or moved: archive it anew
            return None
        return state.warc_file, state.warc_offset


def _listing_body(response, kind: str, max_size: int) -> bytes | None:
    """The body the spider reads, and hashes when it reads it (seed_read), of a response as it came
    off the wire: its gzip Content-Encoding undone, and a gzipped sitemap's own gzip; None when that
    cannot be had cheaply (another encoding, bad or oversized data), so the response is archived as a
    change. Hashed as sent, a listing most servers gzip was archived again on every run."""
    body = response.body
    encoding = response.headers.get(b"Content-Encoding", b"").strip().lower()
    try:
        if encoding in (b"gzip", b"x-gzip"):
            body = gunzip(body, max_size)
        elif encoding not in (b"", b"identity"):
            return None
        if kind == "sitemap" and is_gzip(body):
            body = gunzip(body, max_size)
    except FeedError:
        return None
    return body


class SitePageHashMiddleware:
    """Gives the fetch row of a site page (a home, section or tag page: kind "site") the hash of its
    body, as the spider gives a feed's: the next run's WarcMiddleware knows the page unchanged by it.
    The body is the one the spider read, its Content-Encoding undone as _listing_body undoes it. An
    article page a site link led to is a row of kind "article", hashed by the spider itself."""

    async def process_spider_output(self, response, result):
        digest = None
        async for item in result:
            if isinstance(item, FetchItem) and _is_site_page_of(item.fetch, response):
                digest = digest or hashlib.sha1(response.body).hexdigest()
                item.fetch.content_hash = digest
            yield item


def _is_site_page_of(record, response) -> bool:
    """Whether `record` is the fetch row of `response` itself, a site page read whole (200, archived)."""
    archived = getattr(response, "meta", {}).get("pt_warc")
    return (
        record.kind == "site"
        and record.status == 200
        and record.content_hash is None
        and archived is not None
        and (record.warc_file, record.warc_offset) == tuple(archived)
    )


#: failures that say no server answers at the address, or that our proxy cannot reach it: not an
#: "unreachable" robots.txt but no site (the pages then fail with the same reason)
_NO_SUCH_SERVER = (
    DNSLookupError,
    CannotResolveHostError,
    ConnectionRefusedError,
    DownloadConnectionRefusedError,
    TunnelError,
)
#: what robots.txt rules are when the site could not say (RFC 9309, 2.3.1.4: "unreachable")
_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsRfcMiddleware(RobotsTxtMiddleware):
    """robots.txt as RFC 9309 reads it: an answer of 5xx, or none at all (a timeout, a refused
    connection), means the site is not crawled this run ("unreachable": complete disallow); 4xx means it
    has no rules. Scrapy read a 500's error page as the rules (none: everything allowed) and took a
    timeout for "no robots.txt", so a site whose robots.txt was down had its private paths crawled.
    Its pages fail as "disallowed by robots.txt", with why, and are tried again next run.

    It also keeps the `Crawl-delay` a robots.txt asks of our user agent, which Scrapy does not read."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._unreachable: dict[str, str] = {}  # netloc -> why its robots.txt counts as disallow-all
        self._crawl_delays: dict[str, float] = {}  # netloc -> seconds between two requests (0: none asked)
        self._max_crawl_delay = crawler.settings.getfloat("PROVTRACK_MAX_CRAWL_DELAY")
        self._download_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")

    async def _parse_robots(self, response, netloc, request):
        if response.status >= 500:
            self._unreachable[netloc] = f"it answered HTTP {response.status}"
            response = response.replace(body=_DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc):
        if isinstance(exc, (IgnoreRequest, *_NO_SUCH_SERVER)):
            # not asked (the crawl stopping, a refused address), or no server there at all: its pages
            # are asked for and fail with the same clear reason ("host not found (DNS)")
            super()._robots_error(exc, netloc)
            return
        said = str(exc).strip().splitlines()[0][:120].rstrip(".") if str(exc).strip() else type(exc).__name__
        self._unreachable[netloc] = f"it could not be read: {said}"
        parser = build_from_crawler(self._parserimpl, self.crawler, _DISALLOW_ALL)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        waiting.callback(parser)

    def process_request_2(self, rp, request):
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            why = self._unreachable.get(urlsplit(request.url).netloc)
            if why is None:
                raise
            raise IgnoreRequest(
                f"Forbidden by robots.txt ({why}; RFC 9309: not crawled until it answers)"
            ) from None
        if rp is not None and self._max_crawl_delay > 0:
            self._keep_crawl_delay(rp, request)

    def _keep_crawl_delay(self, rp, request) -> None:
        """A host whose robots.txt asks for a Crawl-delay is sent one request per that many seconds (or
        per DOWNLOAD_DELAY, if longer), with no jitter below it and no AutoThrottle lowering it: its
        download slot is set so, now and whenever Scrapy makes it anew. A delay over
        PROVTRACK_MAX_CRAWL_DELAY is cut to it and logged, as Nutch and StormCrawler cap theirs: a
        site asking for an hour between pages is still read, once per capped delay."""
        netloc = urlsplit(request.url).netloc
        if netloc not in self._crawl_delays:
            self._crawl_delays[netloc] = self._crawl_delay_of(rp, request, netloc)
        delay = self._crawl_delays[netloc]
        if not delay:
            return
        request.meta["autothrottle_dont_adjust_delay"] = True
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = delay, 0.0

    def _crawl_delay_of(self, rp, request, netloc: str) -> float:
        agent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        asked = rp.crawl_delay(agent)
        if not asked or asked <= self._download_delay:
            return 0.0
        if asked > self._max_crawl_delay:
            logger.warning(
                "robots.txt of %s asks for Crawl-delay %g s; waiting %g s between its pages "
                "(PROVTRACK_MAX_CRAWL_DELAY)",
                netloc,
                asked,
                self._max_crawl_delay,
            )
            return self._max_crawl_delay
        logger.info("robots.txt of %s asks for Crawl-delay %g s: one request per %g s", netloc, asked, asked)
        return float(asked)


def stopped_before_sent(request) -> IgnoreRequest:
    """The exception that drops `request` unsent on a stop, marked so that the spider's errbacks leave
    its page for the next run rather than call it failed."""
    request.meta[STOPPED_BEFORE_SENT] = True
    return IgnoreRequest("the crawl stopped before this request was sent")


class StopGateMiddleware:
    """Last before the download: once the crawl is stopping (Ctrl-C, SIGTERM), a request that still
    comes through (released by robots.txt, by the frontier's politeness, by a retry) is dropped unsent.
    Without it Scrapy sends every such request, one per download delay, before it exits."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if is_stopping(self.crawler):
            raise stopped_before_sent(request)
        return None


def is_stopping(crawler) -> bool:
    """A signal or a fatal error asked the crawl to stop (perhaps before Scrapy's engine ran), or the
    engine has stopped."""
    job = getattr(late(crawler, "spider"), "job", None)
    if job is not None and job.stop_requested:
        return True
    engine = late(crawler, "engine")
    return engine is not None and not engine.running


def late(crawler, name: str):
    """A crawler attribute Scrapy sets once the crawl starts (engine, spider), or None before: reading
    it earlier raises RuntimeError in Scrapy 2.19."""
    try:
        return getattr(crawler, name)
    except RuntimeError:
        return None


def drop_unsent_requests(downloader) -> int:
    """On a stop, the requests the downloader holds back for the download delay (past every middleware
    already, so StopGateMiddleware cannot see them) are dropped unsent too. Returns how many."""
    from twisted.python.failure import Failure

    dropped = 0
    for slot in list(downloader.slots.values()):
        while slot.queue:
            request, waiting = slot.queue.popleft()
            waiting.errback(Failure(stopped_before_sent(request)))
            dropped += 1
    return dropped
