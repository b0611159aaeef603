"""Scrapy settings of provtrack: polite by default on real sites. Every value can be overridden with
`provtrack crawl -s NAME=VALUE`; the PROVTRACK_* names are provtrack's own."""

import os

BOT_NAME = "provtrack"
SPIDER_MODULES = ["crawlers.spiders"]

# An honest user agent: who we are and where to complain (set PROVTRACK_CONTACT_URL, or the env variable).
PROVTRACK_CONTACT_URL = os.environ.get("PROVTRACK_CONTACT_URL", "https://github.com/provtrack/provtrack")
USER_AGENT = None  # filled from PROVTRACK_CONTACT_URL by crawlers.runner unless set with -s

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is DOWNLOAD_DELAY ± 50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# robots.txt's Crawl-delay is kept up to this many seconds between two requests to a host (longer ones
# are cut to it, and logged); 0 does not read Crawl-delay
PROVTRACK_MAX_CRAWL_DELAY = 30.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
PROVTRACK_RETRY_BACKOFF_BASE = 2.0  # seconds; doubled per retry of a 429/503 without Retry-After
PROVTRACK_RETRY_AFTER_MAX = 300.0  # never sleep longer than this for one Retry-After

# Outputs of one response handled at once. Scrapy's default of 100 starts 100 asyncio tasks for every
# response; a provtrack page yields one article, a sitemap's requests are only queued, so 4 do the same
# work: the crawler process spent 0.7 s of its 4.9 s of CPU on those tasks over the 569 shared pages.
CONCURRENT_ITEMS = 4

# Limits: an article page larger than this is not an article (and would take trafilatura minutes).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
PROVTRACK_SITEMAP_MAXSIZE = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
PROVTRACK_SITEMAP_DEPTH = 3  # sitemap index -> index -> sitemap
PROVTRACK_SITE_DEPTH = 2  # links followed from a home page (site spider)
PROVTRACK_SITE_MAX_PAGES = 500  # pages fetched per site seed, articles included

# Incremental crawling: an article already stored is fetched once more, by the first run between
# MIN_AGE and WINDOW hours after first sight, so credits added after publication are caught. 12 h: an
# hourly cron re-checks half a day in (at 1 h it re-checked before most credits are added), and a
# daily one at its next run, inside the window.
PROVTRACK_RECHECK_WINDOW_HOURS = 48.0
PROVTRACK_RECHECK_MIN_AGE_HOURS = 12.0

# Storing: pages are cleaned (process pool) and saved in batches by one writer thread; a killed crawl
# loses at most the batch in flight (its pages are fetched again on restart). Each batch opens the
# database and checkpoints it on close, ~0.1 s of CPU whatever its size: 569 articles took 1.3 s of
# CPU in batches of 50 and 0.3 s in batches of 400, so batches are large and the timer bounds the loss.
PROVTRACK_BATCH_SIZE = 400
PROVTRACK_FLUSH_SECONDS = 5.0
# How long a batch waits for readers (`provtrack query`, a notebook) to close the file; then the
# crawl fails, keeping every batch stored before (the next run fetches the rest).
PROVTRACK_BATCH_WAIT_SECONDS = 600.0
PROVTRACK_JOBS = 0  # cleaning processes; 0 = every core
PROVTRACK_WARC_GZIP_LEVEL = 1  # 1-3 fast (ISA-L), 4-9 zlib (6: 15 % smaller; see pipelines/archive.py)

# Network routing: send every request through this HTTP proxy (the demo's sample web, a test server).
PROVTRACK_PROXY = ""
# Requests to literal loopback / private / link-local IP addresses are refused unless this is true.
PROVTRACK_ALLOW_PRIVATE = False

# Set by `crawl --frontier` (crawlers.frontier): the shared queue's name, this worker, its politeness.
PROVTRACK_FRONTIER_NAME = None
PROVTRACK_FRONTIER_WORKER = None
PROVTRACK_FRONTIER_DELAY = 0.0

# News comes over HTTP(S) only. Scrapy's file/data/s3/ftp handlers are never wanted (a redirect to
# file:///etc/passwd must go nowhere), and loading them costs start-up time (~0.3 s: deprecation
# shims that walk the call stack).
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.RoutingMiddleware": 50,
    "crawlers.middlewares.ConditionalGetMiddleware": 60,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.RobotsRfcMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawlers.middlewares.LeanMetaRefreshMiddleware": 580,
    "crawlers.middlewares.WarcMiddleware": 950,
    "crawlers.middlewares.StopGateMiddleware": 990,
}
SPIDER_MIDDLEWARES = {"crawlers.middlewares.SitePageHashMiddleware": 950}
ITEM_PIPELINES = {"crawlers.pipelines.StorePipeline": 300}

# Under cron each run logs to <db dir>/logs/crawl-<db name>-<time>-<pid>.log; an hourly crawl writes
# 8,760 a year.
# Crawl logs older than this many days are deleted when a new one starts (0 keeps them all).
PROVTRACK_LOG_KEEP_DAYS = 30.0

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy's control HTTP server: nothing of ours listens on a port
LOG_LEVEL = "INFO"
LOG_INSTALL_ROOT_HANDLER = True
COOKIES_ENABLED = False
