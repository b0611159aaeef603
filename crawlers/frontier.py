"""A crawl frontier shared through Redis (`provtrack crawl --frontier redis://HOST:PORT/N`), on scrapy-redis:
one request queue and one duplicate filter for any number of worker processes on any number of machines.

scrapy-redis forgets a request the moment a worker pops it, so a killed worker would lose what it was
fetching. Here a popped article, feed, sitemap or site request (TRACKED_KINDS) is also kept in the
worker's in-flight hash until its result is stored in a shard; every worker sends a heartbeat, and a
worker whose heartbeat lapsed has its in-flight requests put back on the queue by whoever notices first.
Politeness is per domain across workers: a request waits for the domain's slot key in Redis (SET NX
with the delay as expiry).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import socket
import time
import uuid
import warnings
from urllib.parse import urlsplit

import redis
from scrapy import signals
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)

# scrapy-redis passes `spider=` to Scrapy's stats collector, which Scrapy 2.13 deprecated: the warning
# filled a worker's log (16 copies in a 62-request crawl) with nothing its user could act on.
warnings.filterwarnings(
    "ignore", message="Passing a 'spider' argument to StatsCollector", category=ScrapyDeprecationWarning
)

HEARTBEAT_SECONDS = 1.0
DEAD_AFTER_SECONDS = 4.0
#: A worker does not decide the crawl is over in its first seconds: the seeding worker may not have
#: queued the feeds yet.
STARTUP_GRACE_SECONDS = 3.0
POLL_SECONDS = 0.5
LISTING_TTL_SECONDS = 2 * 24 * 3600  # a listing outlives any crawl cycle, not the crawl's months
#: Requests whose result always reaches the store as an item, so they can be marked done there.
TRACKED_KINDS = ("article", "feed", "sitemap", "site")


def worker_name() -> str:
    """Unique per run: a restarted container keeps its host name and often its pid."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Frontier:
    """The Redis keys of one named crawl and what a worker does with them."""

    def __init__(self, url: str, name: str = "provtrack", worker: str | None = None):
        self.url = url
        self.name = name
        self.worker = worker or worker_name()
        try:
            self.redis = redis.Redis.from_url(url, socket_timeout=10)
            self.redis.ping()
        except (redis.RedisError, ValueError) as exc:
            raise FrontierError(f"cannot reach the frontier at {url}: {exc}") from None
        self._queue_unseen = self.redis.register_script(_QUEUE_UNSEEN)
        self._pop_and_track = self.redis.register_script(_POP_AND_TRACK)
        self._seed = self.redis.register_script(_SEED)

    def key(self, *parts: str) -> str:
        return ":".join((self.name, *parts))

    # -- settings for scrapy-redis -------------------------------------------------------------------

    def scrapy_settings(self) -> dict:
        return {
            "SCHEDULER": "crawlers.frontier.FrontierScheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_KEY": self.key("requests"),
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",  # a sorted set: _QUEUE_UNSEEN
            "SCHEDULER_DUPEFILTER_KEY": self.key("dupefilter"),
            "REDIS_URL": self.url,
            "PROVTRACK_FRONTIER_NAME": self.name,
            "PROVTRACK_FRONTIER_WORKER": self.worker,
        }

    # -- seeding, liveness, completion ---------------------------------------------------------------

    def seeded(self) -> bool:
        """Has a worker seeded this cycle?"""
        return bool(self.redis.exists(self.key("seeded")))

    def seed(self, seen_key: str, queue_key: str, entries: list, window_seconds: int) -> bool:
        """Take the cycle's seeding (the first worker to ask within the window) and queue its seed
        requests, in one step (a Redis script); False when another worker has seeded this cycle.
        `entries`: (fingerprint, or "" for a request the duplicate filter must let through, score,
        encoded request). Taken first and queued one by one, the seeds a killed seeding worker had
        not queued yet were lost for the cycle: every other worker saw it seeded and found no feed."""
        args = [self.worker, max(1, window_seconds)]
        for fingerprint, score, encoded in entries:
            args += [fingerprint, score, encoded]
        return bool(self._seed(keys=[self.key("seeded"), seen_key, queue_key], args=args))

    def heartbeat(self) -> None:
        self.redis.set(self.key("alive", self.worker), 1, px=int(DEAD_AFTER_SECONDS * 1000))

    def pop_tracked(self, queue_key: str) -> bytes | None:
        """The queue's next request, already in this worker's in-flight hash under the SHA-1 of its
        bytes: taken and recorded in one step (a Redis script), since a worker killed between a pop
        and its record would lose the request for good."""
        return self._pop_and_track(keys=[queue_key, self.key("inflight", self.worker)]) or None

    def queue_unseen(
        self, seen_key: str, fingerprint: str, queue_key: str, score: int, encoded: bytes
    ) -> bool:
        """Mark a request seen and queue it, in one step (a Redis script); False when it was seen
        already. Two steps, as scrapy-redis takes them, lose the request to a worker killed between:
        seen for good, queued never."""
        return bool(self._queue_unseen(keys=[seen_key, queue_key], args=[fingerprint, score, encoded]))

    def done(self, request_ids: list[str]) -> None:
        if request_ids:
            try:
                self.redis.hdel(self.key("inflight", self.worker), *request_ids)
            except redis.RedisError as exc:  # what the results are written to did not fail: say so
                raise FrontierError(f"lost the frontier at {self.url}: {str(exc).rstrip('.')}") from None

    def leave(self, queue_length: int) -> None:
        """A clean exit: stop counting as alive; the last worker out ends the cycle, so the next run
        seeds again (the seeding lock otherwise expires after its window)."""
        self.redis.delete(self.key("alive", self.worker))
        if self.idle_everywhere(queue_length):
            self.redis.delete(self.key("seeded"))

    def orphans(self) -> list[str]:
        """Workers with requests in flight but no heartbeat."""
        prefix = self.key("inflight", "")
        found = []
        for key in self.redis.scan_iter(match=prefix + "*"):
            worker = key.decode()[len(prefix) :]
            holder = worker.rsplit("~", 1)[-1]  # "<dead>~<reclaimer>": being put back by the reclaimer
            if holder != self.worker and not self.redis.exists(self.key("alive", holder)):
                found.append(worker)
        return found

    def reclaim(self, worker: str, push) -> int:
        """Put a dead worker's in-flight requests back with `push(encoded)` (False: it could not be);
        returns how many went back. The hash is first renamed to one still under the in-flight prefix
        (RENAME is atomic, so one worker takes it, and a reclaimer that dies half-way leaves it to the
        next), and deleted only after every push."""
        mine = self.key("inflight", f"{worker}~{self.worker}")
        try:
            self.redis.rename(self.key("inflight", worker), mine)
        except redis.ResponseError:
            return 0  # another worker took them first
        values = list(self.redis.hvals(mine))
        taken = sum(1 for encoded in values if push(encoded) is not False)
        self.redis.delete(mine)
        return taken

    def idle_everywhere(self, queue_length: int) -> bool:
        """Nothing queued and nothing in flight in any worker: the cycle's work is done."""
        if queue_length:
            return False
        return not any(self.redis.hlen(k) for k in self.redis.scan_iter(match=self.key("inflight", "*")))

    def share_listing(self, key: str, listing: dict) -> None:
        """What a feed or sitemap said of an article (date, title), for a worker that reaches the page
        through a site link queued before the listing was read (the queue drops the listing's request)."""
        self.redis.set(self.key("listing", key), json.dumps(listing), ex=LISTING_TTL_SECONDS)

    def listing(self, key: str) -> dict | None:
        shared = self.redis.get(self.key("listing", key))
        return json.loads(shared) if shared is not None else None

    def first_to_see(self, key: str, role: str) -> str:
        """What a page was first taken for: "listing" (a feed or sitemap listed it), or, by a worker
        that reached it through a site link, "article" or "plain". The first claim wins, atomically,
        and every later claim learns it (spiders.news.NewsSpider.site_page_is)."""
        first = self._earlier_claim(key, role)
        return role if first is None else first

    def claim_listing(self, key: str) -> str:
        """A listing's claim on a page: "mine" when this worker's listing is the first to see it (this
        worker fetches it), else what it was first taken for: "listing" (another worker's listing,
        which fetches it), "article" or "plain" (a worker reached it through a site link)."""
        first = self._earlier_claim(key, "listing")
        return "mine" if first is None else first

    def _earlier_claim(self, key: str, role: str) -> str | None:
        """Claim the page as `role` unless another claim came first: None when this one is the first
        (or the first expired in between: nobody's then, so ours), else the first one's role."""
        claim = self.key("first", key)
        if self.redis.set(claim, role, nx=True, ex=LISTING_TTL_SECONDS):
            return None
        first = self.redis.get(claim)
        return first.decode() if first is not None else None

    def relist(self, key: str) -> bool:
        """A listing met a page claimed "plain": turn the claim into "listing", atomically. True for the
        one worker that turned it, which fetches the page again as an article; every other worker (and
        every later cycle) then sees "listing" and leaves it to the duplicate filter."""
        claim = self.key("first", key)
        with self.redis.pipeline(transaction=True) as both:
            both.getset(claim, "listing")
            both.expire(claim, LISTING_TTL_SECONDS)
            previous, _ = both.execute()
        return previous == b"plain"

    async def wait_for_slot(self, domain: str, delay: float, stopping=lambda: False) -> bool:
        """Politeness across workers: at most one request to `domain` per `delay` seconds. False when
        `stopping()` turned true while waiting (the crawl is being stopped: the request is not sent)."""
        if delay <= 0:
            return True
        key = self.key("polite", domain)
        while not self.redis.set(key, self.worker, nx=True, px=int(delay * 1000)):
            if stopping():
                return False
            wait = self.redis.pttl(key)
            await asyncio.sleep(min(max(wait, 10), 500) / 1000)
        return True


class FrontierError(RuntimeError):
    """The frontier cannot be used; one line."""


#: scrapy-redis's duplicate filter (a set of fingerprints) and its priority queue (a sorted set), as
#: one atomic step
_QUEUE_UNSEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


#: the seeding lock and every seed request (through the duplicate filter unless its fingerprint is
#: empty) in one atomic step
_SEED = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
for i = 3, #ARGV, 3 do
  if ARGV[i] == '' or redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[3], ARGV[i + 1], ARGV[i + 2])
  end
end
return 1
"""


#: scrapy-redis's priority queue pop (the best-scored request off the sorted set) and the record of it
#: in the in-flight hash, as one atomic step
_POP_AND_TRACK = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0)
if #popped == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], redis.sha1hex(popped[1]), popped[1])
return popped[1]
"""


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler, plus in-flight tracking of the requests of TRACKED_KINDS and reclaiming
    of the work of dead workers."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.frontier = Frontier(
            crawler.settings["REDIS_URL"],
            crawler.settings["PROVTRACK_FRONTIER_NAME"],
            crawler.settings["PROVTRACK_FRONTIER_WORKER"],
        )
        scheduler._started = time.monotonic()
        crawler.signals.connect(scheduler._idle, signal=signals.spider_idle)
        # An idle worker looks at the shared queue on the engine's heartbeat, every 5 s by default:
        # too slow when another worker is about to queue a feed's articles. (Scrapy has no setting.)
        if crawler.engine is not None and hasattr(crawler.engine, "_SLOT_HEARTBEAT_INTERVAL"):
            crawler.engine._SLOT_HEARTBEAT_INTERVAL = POLL_SECONDS
        return scheduler

    def open(self, spider):
        super().open(spider)
        spider.frontier_scheduler = self  # NewsSpider.start seeds through it
        from twisted.internet import task

        self._heart = task.LoopingCall(self._beat)  # a busy worker is still alive
        self._heart.start(HEARTBEAT_SECONDS, now=True)

    def close(self, reason):
        if getattr(self, "_heart", None) is not None and self._heart.running:
            self._heart.stop()
        self.frontier.leave(len(self.queue))
        return super().close(reason)

    def enqueue_request(self, request):
        # A redirect or retry copies the meta of the request it replaces: that one is done once its
        # successor is queued (or dropped as a duplicate), and the successor gets its own id when taken.
        replaced = request.meta.pop("pt_frontier_id", None)
        if request.dont_filter:
            queued = super().enqueue_request(request)
        else:
            fingerprint = self.df.request_fingerprint(request)
            encoded = self.queue._encode_request(request)
            queued = self.frontier.queue_unseen(
                self.df.key, fingerprint, self.queue.key, -request.priority, encoded
            )
            if not queued:
                self.df.log(request, self.spider)
            elif self.stats:
                self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        if replaced:
            self.frontier.done([replaced])
        return queued

    def seed(self, requests: list, window_seconds: int) -> bool:
        """Queue this cycle's seed requests, all or none (Frontier.seed); False when another worker
        seeds this cycle."""
        entries = [
            (
                "" if request.dont_filter else self.df.request_fingerprint(request),
                -request.priority,
                self.queue._encode_request(request),
            )
            for request in requests
        ]
        seeded = self.frontier.seed(self.df.key, self.queue.key, entries, window_seconds)
        if seeded and self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", len(entries), spider=self.spider)
        return seeded

    def next_request(self):
        encoded = self.frontier.pop_tracked(self.queue.key)
        if encoded is None:
            return None
        rid = hashlib.sha1(encoded).hexdigest()
        request = self.queue._decode_request(encoded)
        if request.meta.get("pt_kind") in TRACKED_KINDS:
            request.meta["pt_frontier_id"] = rid
        else:
            self.frontier.done([rid])  # robots.txt: nothing a stopped worker would need to hand back
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def _beat(self) -> None:
        """One heartbeat, then the work of dead workers put back. An error must not escape: it would
        end the LoopingCall for good, and this live worker would soon look dead to the others."""

        def push(encoded: bytes) -> bool:  # back on the queue, past the duplicate filter that has seen it
            try:
                request = self.queue._decode_request(encoded)
            except Exception as exc:  # written by another provtrack version, or damaged: kept, it would
                # hold every worker's crawl open for good (the cycle ends when nothing is in flight)
                logger.error("a stopped worker's request could not be read back, dropped: %s", exc)
                return False
            self.queue.push(request)
            return True

        try:
            self.frontier.heartbeat()
            for worker in self.frontier.orphans():
                taken = self.frontier.reclaim(worker, push)
                if taken:
                    message = "worker %s stopped: %d of its requests are back in the queue"
                    logger.warning(message, worker, taken)
        except Exception as exc:  # Redis away for a moment, or anything else: the next beat tries again
            logger.warning("frontier heartbeat failed, trying again in %s s: %s", HEARTBEAT_SECONDS, exc)

    def _idle(self, spider) -> None:
        from scrapy.exceptions import DontCloseSpider

        starting = time.monotonic() - self._started < STARTUP_GRACE_SECONDS
        if starting or not self.frontier.idle_everywhere(len(self.queue)):
            raise DontCloseSpider


class FrontierPolitenessMiddleware:
    """Downloader middleware: waits for the request's domain slot in Redis (DOWNLOAD_DELAY apart)."""

    def __init__(self, frontier: Frontier, delay: float, crawler):
        self.frontier = frontier
        self.delay = delay
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        frontier = Frontier(s["REDIS_URL"], s["PROVTRACK_FRONTIER_NAME"], s["PROVTRACK_FRONTIER_WORKER"])
        return cls(frontier, s.getfloat("PROVTRACK_FRONTIER_DELAY"), crawler)

    async def process_request(self, request):
        from crawlers.middlewares import is_stopping, stopped_before_sent

        host = (urlsplit(request.url).hostname or "").lower()
        if not await self.frontier.wait_for_slot(host, self.delay, lambda: is_stopping(self.crawler)):
            raise stopped_before_sent(request)
        return None
