"""Distributed crawling: several `provtrack crawl --frontier redis://...` workers share one scrapy-redis
queue (a real redis-server, started here on 127.0.0.1) against a mock news web; `provtrack merge` loads
their Parquet shards. Every page is fetched once; a killed worker's pages are finished by the others;
a restarted worker resumes."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import redis

from pipelines import PROJECT_ROOT
from tests.conftest import unused_port
from tests.fixtures.crawl.mockweb import MockWeb, Reply, article_html, home_html, rss

PROVTRACK = str(Path(sys.executable).with_name("provtrack"))
FEED = "http://dist.test/rss.xml"
_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_worker_outlives_its_test():
    """A failed assertion on one worker must not leave the others running into the next tests."""
    yield
    while _STARTED:
        worker = _STARTED.pop()
        if worker.poll() is None:
            worker.kill()
        worker.communicate()


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed (`apt-get install redis-server`; .ci/run installs it)")
    port = unused_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def _web(n: int, delay: float, feed_delay: float = 0.0) -> tuple[list[str], dict]:
    """n article pages answered after `delay`, and the feed listing them, after `feed_delay`."""
    urls = [f"http://dist.test/news/2026/11/18/story-{i}.html" for i in range(n)]
    routes = {
        FEED: Reply(
            200,
            rss([(u, f"Story {i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)]),
            content_type="application/rss+xml",
            delay=feed_delay,
        )
    }
    for i, url in enumerate(urls):
        text = f"Story {i}: harbour {i} moved {i * 41} containers; firm {i * 13} ordered {i % 9 + 2} cranes."
        routes[url] = Reply(200, article_html(f"Story {i}", [text] * 4), delay=delay)
    return urls, routes


def _worker(
    tmp_path: Path, redis_url: str, proxy: str, seed: tuple = ("--feed", FEED), *settings: str
) -> subprocess.Popen:
    command = [
        PROVTRACK, "--db", str(tmp_path / "db.duckdb"), "crawl", *seed, "--frontier", redis_url,
        "--shards", str(tmp_path / "shards"), "-s", f"PROVTRACK_PROXY={proxy}", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVTRACK_JOBS=1", "-s", "PROVTRACK_BATCH_SIZE=4",
        "-s", "PROVTRACK_FLUSH_SECONDS=0.3", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", *settings,
    ]  # fmt: skip
    worker = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _STARTED.append(worker)
    return worker


def _holding_requests(
    redis_url: str, workers: list[subprocess.Popen], deadline: float
) -> tuple[subprocess.Popen, bytes]:
    """The first of `workers` seen with requests in its in-flight hash, and that hash's key (worker
    names are host-pid-id)."""
    client, by_pid = redis.Redis.from_url(redis_url), {w.pid: w for w in workers}
    while time.monotonic() < deadline:
        for key in client.scan_iter(match="provtrack:inflight:*"):
            name = key.decode().split(":", 2)[2]
            pid = int(name.rsplit("-", 2)[-2]) if "~" not in name else None
            if pid in by_pid and client.hlen(key):
                return by_pid[pid], key
        time.sleep(0.02)
    raise AssertionError("no worker took a request within the time allowed")


def _merge(tmp_path: Path) -> list[tuple[str, int]]:
    result = subprocess.run(
        [PROVTRACK, "--db", str(tmp_path / "db.duckdb"), "merge", str(tmp_path / "shards"), "--no-link"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return sorted(_db_rows(tmp_path, "SELECT url, count(*) FROM articles GROUP BY url"))


def _db_rows(tmp_path: Path, sql: str) -> list[tuple]:
    """The rows of `sql` in the merged database, read-only."""
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _finish(worker: subprocess.Popen) -> str:
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err[-2000:]
    return out


def test_three_workers_fetch_every_page_once_and_merge_stores_each_once(tmp_path, redis_url):
    urls, routes = _web(60, delay=0.05)
    with MockWeb(routes) as web:
        workers = [_worker(tmp_path, redis_url, web.proxy) for _ in range(3)]
        outputs = [_finish(w) for w in workers]
        hits = {url: web.hits[url] for url in urls}
        feed_hits = web.hits[FEED]
    assert all("articles written to" in out for out in outputs)
    assert feed_hits == 1, "one worker seeds the cycle"
    counted = [int(n) for out in outputs for n in re.findall(r"(\d+) articles? fetched", out)]
    assert sum(counted) == len(urls), f"each page counted by the worker that fetched it: {outputs}"
    assert set(hits.values()) == {1}, (
        f"pages fetched more than once: {[u for u, h in hits.items() if h != 1]}"
    )
    shards = list((tmp_path / "shards").glob("*.parquet"))
    assert len({p.name.rsplit("-", 1)[0] for p in shards}) >= 2, "the work was shared"
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)
    assert _merge(tmp_path) == sorted((u, 1) for u in urls), "merging again changes nothing"


def test_reprocess_reads_a_distributed_crawls_pages_from_the_workers_archive(tmp_path, redis_url):
    """Workers keep no fetch log and merge stored the WARC file's bare name, which lies in the shards
    folder: reprocess saw none of a distributed crawl's pages ("0 archived pages"). Migration 007
    gives the rows merged before their full path."""
    from pipelines.store.db import apply_migrations

    urls, routes = _web(6, delay=0.0)
    with MockWeb(routes) as web:
        _finish(_worker(tmp_path, redis_url, web.proxy))
    assert len(_merge(tmp_path)) == len(urls)
    db = tmp_path / "db.duckdb"
    with duckdb.connect(str(db)) as con:  # a database merged before: bare names, migration 007 not applied
        con.execute("UPDATE articles SET warc_file = regexp_extract(warc_file, '[^/]+$')")
        con.execute("DELETE FROM schema_migrations WHERE version = 7")
        assert apply_migrations(con) == ["007_merged_warc_paths"]
        con.execute(
            "UPDATE articles SET text = 'an older extraction', text_hash = 'old'"
        )  # a better extractor
    reprocess = subprocess.run(
        [PROVTRACK, "--db", str(db), "reprocess", "--no-link"], cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert reprocess.returncode == 0, reprocess.stderr[-2000:]
    assert f"{len(urls)} archived pages: 0 new articles, {len(urls)} new versions" in reprocess.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute(
            "SELECT count(*) FROM articles a JOIN article_dates d USING (article_id) "
            "WHERE a.version = 2 AND d.source = 'feed'"
        ).fetchone()[0]
    assert kept == len(urls), "each new version keeps the feed's date"


def test_a_killed_worker_loses_nothing_and_a_restarted_one_resumes(tmp_path, redis_url):
    urls, routes = _web(60, delay=0.2)
    with MockWeb(routes) as web:
        workers = [_worker(tmp_path, redis_url, web.proxy) for _ in range(2)]
        deadline = time.monotonic() + 60
        while sum(web.hits[u] for u in urls) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        # mid-run, the worker that holds requests in flight (the other may not have taken any yet)
        victim, its_requests = _holding_requests(redis_url, workers, deadline)
        victim.send_signal(signal.SIGKILL)
        victim.communicate()
        # it may have finished them between the look and the kill: then there is nothing to take back
        held_at_death = redis.Redis.from_url(redis_url).hlen(its_requests)
        survivor = next(w for w in workers if w is not victim)
        _finish(survivor)
        survivor_log = next((tmp_path / "logs").glob(f"crawl-*-{survivor.pid}-*.log")).read_text()
        after_kill = {url: web.hits[url] for url in urls}
        # the cycle is over: a worker started later begins the next one, reads the feed again and
        # fetches no article twice (the shared duplicate filter remembers them)
        late = _worker(tmp_path, redis_url, web.proxy)
        _finish(late)
        after_late = {url: web.hits[url] for url in urls}
    # the survivor says what it took back, and keeps beating: the count once raised a TypeError there,
    # which stopped its heartbeat for good (a live worker that others would soon take for dead)
    took_back = rf"worker \S+ stopped: {held_at_death} of its requests are back in the queue"
    assert not held_at_death or re.search(took_back, survivor_log), survivor_log[-3000:]
    assert "Traceback" not in survivor_log, survivor_log[-3000:]
    assert after_late == after_kill
    assert _merge(tmp_path) == sorted((u, 1) for u in urls), "no page lost, none stored twice"
    assert all(h >= 1 for h in after_kill.values())
    refetched = [u for u, h in after_kill.items() if h > 1]
    # in flight at the kill: its downloads, responses waiting to be cleaned, the batch being stored
    assert len(refetched) <= held_at_death, f"only what the killed worker had in flight: {refetched}"


def test_a_page_claimed_by_a_worker_killed_before_it_queued_the_request_is_fetched_all_the_same(
    tmp_path, redis_url
):
    """A worker claims a listed page as its feed parser reaches it, and Scrapy queues the request a
    moment later. Killed in between, it left pages claimed and never queued; the worker that read its
    feed again took them for another worker's and left them, lost for the 2 days a claim lasts (the
    restart test lost 1-4 pages in about 1 run of 12 on a loaded machine)."""
    urls, routes = _web(6, delay=0.0)
    claims = redis.Redis.from_url(redis_url)
    for url in urls[:2]:  # the dead worker's claims: its requests were never queued
        claims.set(f"provtrack:first:{url}", "listing")
    with MockWeb(routes) as web:
        out = _finish(_worker(tmp_path, redis_url, web.proxy))
        hits = {url: web.hits[url] for url in urls}
    assert _merge(tmp_path) == sorted((u, 1) for u in urls), out
    assert set(hits.values()) == {1}, hits


def test_the_only_worker_killed_then_restarted_resumes_where_it_stopped(tmp_path, redis_url):
    urls, routes = _web(40, delay=0.15)
    with MockWeb(routes) as web:
        first = _worker(tmp_path, redis_url, web.proxy)
        deadline = time.monotonic() + 60
        while sum(web.hits[u] for u in urls) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.communicate()
        before = sum(1 for u in urls if web.hits[u])
        restarted = _worker(tmp_path, redis_url, web.proxy)  # takes the dead worker's in-flight pages back
        _finish(restarted)
        feed_hits = web.hits[FEED]
    assert 0 < before < len(urls), "the kill landed mid-run"
    log = next((tmp_path / "logs").glob(f"crawl-*-{restarted.pid}-*.log")).read_text()
    assert "another worker seeds this cycle" in log, "the restart resumes the queue instead of seeding again"
    assert feed_hits <= 2, "the feed is read again at most once (when the kill caught it in flight)"
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)


def test_a_seeding_worker_killed_at_once_leaves_every_feed_queued_for_the_restarted_one(tmp_path, redis_url):
    """The seeding worker took the cycle's seeding and then queued its feeds one by one as Scrapy asked
    for them: killed in between, it left the rest unqueued, and its restart (like every other worker)
    saw the cycle seeded and ended with nothing fetched, exit 0. Seeds are now queued with the claim."""
    feeds = [f"http://dist.test/feed-{n}.xml" for n in range(8)]
    urls, routes = [], {}
    for n, feed in enumerate(feeds):
        listed = [f"http://dist.test/news/2026/11/18/feed-{n}-story-{i}.html" for i in range(2)]
        routes[feed] = Reply(
            200,
            rss([(u, f"Feed {n} story {i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(listed)]),
            content_type="application/rss+xml",
            delay=0.3,
        )
        for i, url in enumerate(listed):
            text = f"Feed {n} story {i}: harbour {n} moved {i * 41 + n} containers; firm {n * 13} ordered."
            routes[url] = Reply(200, article_html(f"Feed {n} story {i}", [text] * 4))
        urls += listed
    seeds = tuple(x for feed in feeds for x in ("--feed", feed))
    client = redis.Redis.from_url(redis_url)
    with MockWeb(routes) as web:
        first = _worker(tmp_path, redis_url, web.proxy, seeds)
        deadline = time.monotonic() + 60
        while not client.exists("provtrack:seeded") and time.monotonic() < deadline:
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.communicate()
        restarted = _worker(tmp_path, redis_url, web.proxy, seeds)
        _finish(restarted)
    assert _merge(tmp_path) == sorted((u, 1) for u in urls), "every feed's articles, each once"


def test_a_frontier_lost_mid_run_is_named_and_the_pages_stored_before_are_counted(tmp_path, redis_url):
    """Redis stopping mid-run made the worker say "storing failed: ConnectionError", and every source
    line "0 new", though its shards held the pages it had fetched: what failed was marking them done."""
    urls, routes = _web(40, delay=0.2)
    with MockWeb(routes) as web:
        worker = _worker(tmp_path, redis_url, web.proxy)
        deadline = time.monotonic() + 60
        while not list((tmp_path / "shards").glob("*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.05)
        redis.Redis.from_url(redis_url).shutdown(nosave=True)
        _, err = worker.communicate(timeout=120)
    assert worker.returncode == 1, err[-2000:]
    assert "lost the frontier at redis://127.0.0.1" in err and "storing failed" not in err, err[-2000:]
    counted = sum(int(n) for n in re.findall(r"(\d+) new,", err))
    shards = str(tmp_path / "shards" / "*[0-9].parquet")  # article shards, not the dates shards
    stored = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [shards]).fetchall()[0][0]
    assert counted == stored > 0, err[-2000:]


def test_a_page_a_feed_and_a_sitemap_both_list_keeps_both_dates_when_two_workers_read_them(
    tmp_path, redis_url
):
    """Two workers, one request at a time each: one reads the feed, the other the sitemap, and for every
    page one listing comes second. Its request was dropped by the shared duplicate filter, and its date
    with it: after merge each page had the feed's date or the sitemap's, not both (as one process keeps)."""
    sitemap_url = "http://dist.test/sitemap.xml"
    urls, routes = _web(12, delay=0.05, feed_delay=1.0)
    routes[sitemap_url] = Reply(
        200,
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(
            f"<url><loc>{u}</loc><news:news><news:publication_date>2026-11-17T08:00:00Z"
            "</news:publication_date></news:news></url>"
            for u in urls
        )
        + "</urlset>",
        content_type="application/xml",
        delay=1.0,
    )
    seeds = ("--feed", FEED, "--sitemap", sitemap_url)
    one_at_a_time = ("-s", "CONCURRENT_REQUESTS=1")
    with MockWeb(routes) as web:
        workers = [_worker(tmp_path, redis_url, web.proxy, seeds, *one_at_a_time) for _ in range(2)]
        for worker in workers:
            _finish(worker)
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)
    claims = _db_rows(
        tmp_path,
        "SELECT source, count(*) FROM article_dates "
        "WHERE source IN ('feed', 'sitemap') GROUP BY 1 ORDER BY 1",
    )
    assert claims == [("feed", len(urls)), ("sitemap", len(urls))]


def test_a_redirected_article_does_not_keep_the_workers_waiting(tmp_path, redis_url):
    urls, routes = _web(12, delay=0.0)
    moved = "http://dist.test/news/2026/11/18/moved.html"
    routes[FEED] = Reply(
        200,
        rss([(u, "s", "Wed, 18 Nov 2026 10:00:00 GMT") for u in [*urls, moved]]),
        content_type="application/rss+xml",
    )
    routes[moved] = Reply(301, headers={"Location": urls[0]})  # to a page listed (and fetched) anyway
    with MockWeb(routes) as web:
        workers = [_worker(tmp_path, redis_url, web.proxy) for _ in range(2)]
        for worker in workers:
            worker.communicate(timeout=60)  # before the fix: waited forever for the redirect's id
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)


def _listed_website_pages(tmp_path: Path, redis_url: str, *settings: str) -> tuple[list, list, dict, list]:
    """Two workers, two requests at a time each, crawl a home page linking eight pages (og:type
    website, answered after 0.5 s) and announcing the feed that lists them: the listed URLs, the
    "articles fetched" counts of the workers' source lines, the server's hits per page and on the
    home page (every page links it back), and the workers' output."""
    urls = [f"http://dist.test/p/{i}/" for i in range(8)]
    routes = {
        "http://dist.test/": Reply(200, home_html(urls)),
        FEED: Reply(
            200,
            rss([(u, f"Story {i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)]),
            content_type="application/rss+xml",
        ),
    }
    for i, url in enumerate(urls):
        text = f"Story {i}: harbour {i} moved {i * 41} containers; firm {i * 13} ordered {i % 9 + 2} cranes."
        page = article_html(f"Story {i}", [text] * 4, og_type="website")
        routes[url] = Reply(200, page, delay=0.5)  # the feed is read before any link comes back
    site, two_at_a_time = ("--site", "http://dist.test/"), ("-s", "CONCURRENT_REQUESTS=2")
    with MockWeb(routes) as web:  # two requests at a time: neither worker can take all eight at once
        workers = [_worker(tmp_path, redis_url, web.proxy, site, *two_at_a_time, *settings) for _ in range(2)]
        outputs = [_finish(w) for w in workers]
        hits = {url: web.hits[url] for url in [*urls, "http://dist.test/"]}
    counted = [int(n) for out in outputs for n in re.findall(r"(\d+) articles? fetched", out)]
    return urls, counted, hits, outputs


def test_pages_a_feed_lists_keep_the_feeds_date_whichever_worker_reaches_them_by_a_site_link(
    tmp_path, redis_url
):
    """The home page links eight pages (og:type website) and announces the feed that lists them; the
    shared duplicate filter drops the feed's requests, so the site links fetch them, on any worker.
    A worker that had not read the feed itself took them for plain pages: lost, silently."""
    urls, counted, hits, outputs = _listed_website_pages(tmp_path, redis_url)
    assert sum(counted) == len(urls), outputs
    assert all(counted), f"both workers fetched some: {outputs}"
    assert set(hits.values()) == {1}, hits
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)
    dated = _db_rows(tmp_path, "SELECT count(DISTINCT article_id) FROM article_dates WHERE source = 'feed'")
    assert dated == [(len(urls),)], "every article keeps the feed's date"


def test_a_worker_that_takes_another_workers_feed_stores_the_pages_it_then_reaches_by_that_workers_links(
    tmp_path, redis_url
):
    """Worker X reads the home page and queues its feed and its eight links; worker Y, idle, takes the
    feed first. The shared duplicate filter drops Y's requests for the listed pages (X's links have
    them), so Y counted them as fetched elsewhere: then each link Y itself took from the queue was a
    page "already seen", neither counted nor stored. X's stall after queuing the feed makes that order
    certain; it came about by itself once in 40 runs of the test above."""
    stall = ("-s", 'EXTENSIONS={"tests.fixtures.crawl.stall_after_feed.StallAfterFeed": 0}')
    urls, counted, hits, outputs = _listed_website_pages(tmp_path, redis_url, *stall)
    assert sum(counted) == len(urls), outputs
    assert set(hits.values()) == {1}, hits
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)
    dated = _db_rows(tmp_path, "SELECT count(DISTINCT article_id) FROM article_dates WHERE source = 'feed'")
    assert dated == [(len(urls),)], "every article keeps the feed's date"


def test_a_feed_read_after_its_pages_were_stored_still_gives_them_its_date(tmp_path, redis_url):
    """The home page links eight article pages and the feed that lists them comes late: by then the
    pages are stored, in a shard of whichever worker fetched them. The feed's dates used to be dropped;
    now they go to a dates shard, which merge adds once the articles are in the database."""
    urls, routes = _web(8, delay=0.0, feed_delay=2.0)  # every page is stored before the feed answers
    routes["http://dist.test/"] = Reply(200, home_html(urls))
    with MockWeb(routes) as web:
        workers = [_worker(tmp_path, redis_url, web.proxy, ("--site", "http://dist.test/")) for _ in range(2)]
        [_finish(w) for w in workers]
        hits = {url: web.hits[url] for url in urls}
    assert set(hits.values()) == {1}, hits
    assert list((tmp_path / "shards").glob("*.dates.parquet")), "the late dates went to a dates shard"
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)
    dated = _db_rows(
        tmp_path,
        "SELECT a.url, d.value FROM articles a JOIN article_dates d USING (article_id) "
        "WHERE d.source = 'feed' ORDER BY a.url",
    )
    merged = _db_rows(tmp_path, "SELECT count(*) FROM merged_shards WHERE shard LIKE '%.dates.parquet'")[0]
    assert [url for url, _ in dated] == sorted(urls), "every article has the feed's date"
    assert {str(value) for _, value in dated} == {"2026-11-18 10:00:00"}
    assert merged[0] >= 1, "a dates shard whose articles were all found is not read again"


def test_a_late_feed_read_by_the_worker_that_queued_the_links_dates_the_pages_another_worker_fetched(
    tmp_path, redis_url
):
    """The worker that read the home page queued its eight links and took the feed (late, 2 s); the
    other worker took links from the shared queue and stored them. When the feed came, its reader
    counted on its own link requests to bring the pages it listed, and dropped the feed's date of
    those the other worker had fetched (under load, 2 of 8 in the test above). Two requests at a time
    on each worker make the split certain."""
    urls, routes = _web(8, delay=0.2, feed_delay=2.0)
    routes["http://dist.test/"] = Reply(200, home_html(urls))
    site, two_at_a_time = ("--site", "http://dist.test/"), ("-s", "CONCURRENT_REQUESTS=2")
    with MockWeb(routes) as web:
        workers = [_worker(tmp_path, redis_url, web.proxy, site, *two_at_a_time) for _ in range(2)]
        outputs = [_finish(w) for w in workers]
        hits = {url: web.hits[url] for url in urls}
    counted = [int(n) for out in outputs for n in re.findall(r"(\d+) articles? fetched", out)]
    assert len(counted) == 2 and all(counted), f"both workers fetched some: {outputs}"
    assert set(hits.values()) == {1}, hits
    assert _merge(tmp_path) == sorted((u, 1) for u in urls)
    dated = _db_rows(
        tmp_path,
        "SELECT a.url FROM articles a JOIN article_dates d USING (article_id) "
        "WHERE d.source = 'feed' ORDER BY a.url",
    )
    assert [url for (url,) in dated] == sorted(urls), "every article has the feed's date"


def test_late_sitemap_dates_follow_a_redirect_and_skip_a_page_without_text(tmp_path, redis_url):
    """The sitemap comes after the feed's pages were stored: its date for a page that redirected goes
    to the page stored (r2, not r), and none is kept for a gallery cleaned to nothing. Before, both
    sat in the dates shard, which merge then kept waiting for two days, reading it every hour."""
    sitemap_url = "http://dist.test/sitemap.xml"
    a, r, r2, gallery = (
        f"http://dist.test/{p}" for p in ("news/a.html", "news/r.html", "news/r2.html", "g/1.html")
    )
    listed = (a, r, gallery)
    story = "Harbour 7 moved 287 containers; firm 91 ordered 9 cranes for the northern port this week."
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(
            f"<url><loc>{u}</loc><news:news><news:publication_date>2026-11-17T08:00:00Z"
            "</news:publication_date></news:news></url>"
            for u in listed
        )
        + "</urlset>"
    )
    routes = {
        FEED: Reply(
            200,
            rss([(u, "t", "Wed, 18 Nov 2026 10:00:00 GMT") for u in listed]),
            content_type="application/rss+xml",
        ),
        sitemap_url: Reply(200, sitemap, content_type="application/xml", delay=2.0),
        a: Reply(200, article_html("A", [story] * 4)),
        r: Reply(301, "", headers={"Location": r2}),
        r2: Reply(200, article_html("R", [story.replace("7", "8")] * 4)),
        gallery: Reply(200, "<html><body><img src=x></body></html>"),
    }
    with MockWeb(routes) as web:
        _finish(_worker(tmp_path, redis_url, web.proxy, ("--feed", FEED, "--sitemap", sitemap_url)))
    assert _merge(tmp_path) == [(a, 1), (r2, 1)]
    dated = _db_rows(
        tmp_path,
        "SELECT a.url FROM articles a JOIN article_dates d USING (article_id) "
        "WHERE d.source = 'sitemap' ORDER BY 1",
    )
    waiting = _db_rows(tmp_path, "SELECT count(*) FROM merged_shards WHERE shard LIKE '%.dates.parquet'")[0]
    assert dated == [(a,), (r2,)], "the redirected page has the sitemap's date too"
    assert waiting == (len(list((tmp_path / "shards").glob("*.dates.parquet"))),), (
        "no dates shard is left waiting"
    )


def test_a_site_crawled_cycle_after_cycle_is_read_again_and_a_relisted_page_fetched_only_once(
    tmp_path, redis_url
):
    """The home page links a page (og:type website) that the feed lists too, and the feed comes late:
    the page is first taken for a plain one, then fetched again as the article. Before: later cycles
    lost the home page to the shared duplicate filter (the source "failed"), and the page was fetched
    again on every cycle."""
    page = "http://dist.test/p/late/"
    story = "Harbour 7 moved 287 containers; firm 91 ordered 9 cranes."
    routes = {
        "http://dist.test/": Reply(200, home_html([page])),
        FEED: Reply(
            200,
            rss([(page, "Late", "Wed, 18 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
            delay=1.5,  # the linked page is answered first
        ),
        page: Reply(200, article_html("Late", [story] * 4, og_type="website")),
    }
    with MockWeb(routes) as web:
        for cycle in range(3):
            worker = _worker(tmp_path, redis_url, web.proxy, ("--site", "http://dist.test/"))
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, f"cycle {cycle}: {out}{err[-2000:]}"
        home_hits, page_hits = web.hits["http://dist.test/"], web.hits[page]
    assert home_hits == 3, "the home page is read every cycle"
    assert page_hits == 2, "once as a plain page, once as the article; never again"
    assert _merge(tmp_path) == [(page, 1)]


def test_a_heartbeat_drops_a_request_it_cannot_read_back_and_survives_redis_going_away(redis_url, caplog):
    """A dead worker's in-flight request that no longer decodes raised inside the heartbeat's
    LoopingCall and ended it for good: the live worker stopped refreshing its key (the others would
    soon take it for dead), and the undecodable request stayed "in flight", holding every worker's
    crawl open. Now it is dropped with an error line; a Redis error costs one beat, not the loop."""
    from scrapy import Spider
    from scrapy_redis.queue import PriorityQueue

    from crawlers.frontier import Frontier, FrontierScheduler

    survivor = Frontier(redis_url, name="beat", worker="survivor")
    dead = Frontier(redis_url, name="beat", worker="dead")
    dead.redis.zadd("beat:requests", {b"not a request any more": 0})
    assert dead.pop_tracked("beat:requests") == b"not a request any more"  # in its in-flight hash now
    scheduler = FrontierScheduler.__new__(FrontierScheduler)  # its parts, without a crawl around it
    scheduler.frontier = survivor
    scheduler.queue = PriorityQueue(survivor.redis, Spider(name="beat"), "beat:requests")
    with caplog.at_level("WARNING", logger="crawlers.frontier"):
        scheduler._beat()
    assert "request could not be read back, dropped" in caplog.text
    assert survivor.redis.exists("beat:alive:survivor"), "the beat itself happened"
    assert survivor.idle_everywhere(len(scheduler.queue)), "nothing is left in flight to wait for"

    survivor.redis = redis.Redis(port=unused_port(), socket_timeout=0.5)  # the server went away
    with caplog.at_level("WARNING", logger="crawlers.frontier"):
        scheduler._beat()
    assert "frontier heartbeat failed, trying again" in caplog.text
