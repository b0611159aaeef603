"""The crawler: parsers on stored feeds, then real crawls (`provtrack crawl` in a subprocess, one reactor
each) against webs served on 127.0.0.1 and reached through PROVTRACK_PROXY: the demo web, scripted
failure webs, and a mock news web built around ../shared/corpora/pages."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zlib
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from crawlers.feeds import (
    CutShort,
    FeedError,
    discover_feeds,
    gunzip,
    looks_like_article,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawlers.job import SourceReport, wants_fetch
from pipelines import DATA_DIR, PROJECT_ROOT
from pipelines.demo import DEMO_SOURCES, DEMO_WEB
from pipelines.sample_web import SampleWeb
from pipelines.store.crawl_state import KnownArticle
from tests.conftest import CORPORA, FIXTURES, on_terminal, unused_port
from tests.fixtures.crawl.mockweb import (
    MockWeb,
    Reply,
    article_html,
    build_news_web,
    corpus_pages,
    home_html,
    rss,
)

FEEDS = FIXTURES / "crawl" / "feeds"
PROVTRACK = [str(Path(sys.executable).with_name("provtrack"))]
FAST = [
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_TIMEOUT=3",
    "-s",
    "RETRY_TIMES=1",
    "-s",
    "PROVTRACK_RETRY_BACKOFF_BASE=0.1",
    "-s",
    "PROVTRACK_JOBS=1",
    "-s",
    "PROVTRACK_FLUSH_SECONDS=0.3",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
]


def crawl(db: Path, proxy: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`provtrack crawl` in its own process (a Twisted reactor cannot restart), through `proxy`."""
    command = [
        *PROVTRACK,
        "--db",
        str(db),
        "--wait",
        "5",
        "crawl",
        "--no-link",
        "-s",
        f"PROVTRACK_PROXY={proxy}",
        *FAST,
        *args,
    ]  # later -s win
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT)


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _stored_articles(db: Path) -> int:
    """Articles a running crawl has committed so far; 0 while a batch has the file open."""
    try:
        return rows(db, "SELECT count(*) FROM articles")[0][0]
    except duckdb.Error:
        return 0


# -- parsers on stored feeds -----------------------------------------------------------------------


def test_rss_atom_and_json_feeds_give_article_urls_titles_and_dates():
    entries = parse_feed((FEEDS / "rss.xml").read_bytes(), "http://wire.test/rss.xml")
    assert [e.url for e in entries] == [
        "http://wire.test/news/2026/11/20/port-strike-ends.html?utm_source=rss",
        "http://wire.test/news/2026/11/19/relative.html",
        "http://wire.test/news/guid-only.html",
    ]
    assert entries[0].title == "Port strike ends"
    assert entries[0].published == datetime(2026, 11, 20, 9, 5, tzinfo=timezone.utc)
    atom = parse_feed((FEEDS / "atom.xml").read_bytes(), "http://ledger.test/atom.xml")
    assert [(e.url, e.published.hour) for e in atom] == [("http://ledger.test/news/wind.html", 13)]
    json_feed = parse_feed((FEEDS / "feed.json").read_bytes(), "http://river.test/feed.json")
    assert [e.url for e in json_feed] == [
        "http://river.test/news/library.html",
        "http://river.test/news/id-only.html",
    ]
    assert json_feed[0].published == datetime(2026, 11, 20, 14, 0, tzinfo=timezone.utc)


def test_a_date_at_midnight_of_its_own_zone_is_kept_as_that_date_and_a_time_as_given():
    """A date written at local midnight stays that day (midnight UTC, what a bare date reads as), not
    21:00 the day before; a time of day, even on the hour, is converted as it is."""
    from pipelines.dates import parse_datetime

    day = datetime(2026, 11, 18, tzinfo=timezone.utc)
    assert parse_datetime("2026-11-18T00:00:00+03:00") == parse_datetime("2026-11-18") == day
    assert parse_datetime("2026-11-18T10:00:00+02:00") == datetime(2026, 11, 18, 8, 0, tzinfo=timezone.utc)
    feed = rss([("http://w.test/a.html", "A", "Wed, 18 Nov 2026 00:00:00 -0500")])
    assert parse_feed(feed.encode(), "http://w.test/rss.xml")[0].published == day


def test_atom_links_resolve_against_xml_base_and_a_blank_link_is_no_entry():
    """Relative Atom links resolved against the feed's folder, ignoring xml:base: every entry answered
    404. A blank link (Atom href=" ", JSON Feed "url": " ") joined to the feed's URL made the crawler
    fetch the feed itself as an article, a 'not an HTML page' failure every run."""
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a.test/content/">'
        '<entry><link href="news/one.html"/></entry>'
        '<entry xml:base="/other/"><link href="two.html"/></entry>'
        '<entry><link href=" "/></entry></feed>'
    )
    entries = parse_feed(atom.encode(), "http://a.test/feeds/atom.xml")
    assert [e.url for e in entries] == ["http://a.test/content/news/one.html", "http://a.test/other/two.html"]
    json_feed = {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": " "}, {"url": "/n/1.html"}]}
    entries = parse_feed(json.dumps(json_feed).encode(), "http://j.test/feed.json")
    assert [e.url for e in entries] == ["http://j.test/n/1.html"]


def test_a_site_whose_home_page_declares_a_base_follows_its_links_from_there(tmp_path):
    """The site spider resolved a home page's relative links against its own URL, not its <base href>:
    each answered 404, in the log only, and the source read 'ok - 0 articles fetched'."""
    one, two = "http://b.test/section/2026/11/18/one.html", "http://b.test/section/two.html"
    home = (
        '<html><head><base href="/section/"></head>'
        '<body><a href="2026/11/18/one.html">One</a> <a href="two.html">Two</a></body></html>'
    )
    routes = {"http://b.test/": Reply(200, home), one: Reply(200, _story(1)), two: Reply(200, _story(2))}
    with MockWeb(routes) as web:
        result = crawl(tmp_path / "db.duckdb", web.proxy, "--site", "http://b.test/")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert rows(tmp_path / "db.duckdb", "SELECT url FROM articles ORDER BY 1") == [(one,), (two,)]


def test_a_feed_that_is_not_utf8_is_read_in_the_charset_its_header_names_and_utf8_whatever_it_says():
    """A windows-1251 feed without an XML declaration (UTF-8 to the parser) gave every title as U+FFFD,
    and those titles replaced the pages' own. A Latin-1 feed declaring UTF-8 likewise. Bytes that are
    UTF-8 stay so, whatever the header claims."""
    items = [("http://w.test/a.html", "Минск: новый поезд", "Wed, 18 Nov 2026 10:00:00 GMT")]
    bare = rss(items).replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    cp1251 = parse_feed(
        bare.encode("cp1251"), "http://w.test/rss.xml", "application/rss+xml; charset=windows-1251"
    )
    assert [e.title for e in cp1251] == ["Минск: новый поезд"]
    latin = rss([("http://w.test/b.html", "Zürich café", "Wed, 18 Nov 2026 10:00:00 GMT")]).encode("latin-1")
    assert [e.title for e in parse_feed(latin, "http://w.test/rss.xml", "text/xml")] == ["Zürich café"]
    lying = parse_feed(
        bare.encode("utf-8"), "http://w.test/rss.xml", "application/rss+xml; charset=windows-1251"
    )
    assert [e.title for e in lying] == ["Минск: новый поезд"]


def test_a_listing_title_read_in_the_wrong_encoding_gives_way_to_the_pages_own():
    from pipelines.clean import clean_page
    from pipelines.models import Page

    html = article_html(
        "Минск: новый поезд", [f"Поезд {n} идёт из Минска в Брест каждый день." for n in range(6)]
    )
    cleaned = clean_page(
        Page(url="http://w.test/a.html", html=html, title="\ufffd\ufffd\ufffd: \ufffd\ufffd")
    )
    assert cleaned.title == "Минск: новый поезд"
    kept = clean_page(Page(url="http://w.test/a.html", html=html, title="Minsk: a new train"))
    assert kept.title == "Minsk: a new train", "a listing's readable title still wins"


def test_a_feeds_year_0001_is_no_date_rather_than_2001():
    """RFC 822's two-digit years: parsedate read .NET's "no date", 01 Jan 0001, as 2001-01-01, a date
    the choice of publication time could not tell from a real one. A two-digit year is still read."""
    items = [("http://w.test/a.html", "A", "Mon, 01 Jan 0001 00:00:00 GMT"),
             ("http://w.test/b.html", "B", "Wed, 18 Nov 26 10:00:00 GMT")]  # fmt: skip
    entries = parse_feed(rss(items).encode(), "http://w.test/rss.xml")
    assert [e.published for e in entries] == [None, datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)]


def test_google_news_sitemap_keeps_publication_date_title_and_lastmod():
    sitemap = parse_sitemap((FEEDS / "news-sitemap.xml").read_bytes(), "http://wire.test/sitemap.xml")
    first, second = sitemap.entries
    assert first.title == "Metro to open 12 stations"
    assert first.published == datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
    assert first.lastmod == datetime(2026, 11, 18, 13, 0, tzinfo=timezone.utc)
    assert second.published is None and second.url == "http://wire.test/news/plain.html"
    index = parse_sitemap((FEEDS / "sitemap-index.xml").read_bytes(), "http://wire.test/sitemap.xml")
    assert [c.url for c in index.children] == [
        "http://wire.test/sitemap-news.xml.gz",
        "http://wire.test/sitemap-2026-10.xml",
    ]
    assert not index.entries


def test_malformed_and_hostile_xml_end_in_one_clear_error():
    with pytest.raises(CutShort, match="ends inside <rss>; 1 entries read") as cut:
        parse_feed((FEEDS / "malformed-rss.xml").read_bytes(), "http://wire.test/rss.xml")
    assert [e.url for e in cut.value.salvaged] == ["http://wire.test/a.html"], "keep what it still lists"
    with pytest.raises(FeedError, match="malformed XML|not a feed"):
        parse_feed((FEEDS / "garbage.xml").read_bytes(), "http://wire.test/feed")
    with pytest.raises(FeedError, match="not a sitemap"):
        parse_sitemap((FEEDS / "rss.xml").read_bytes(), "http://wire.test/sitemap.xml")
    nested = b"<x>" * 5000 + b"</x>" * 5000  # deeper than libxml2 reads: entries after it were lost
    with pytest.raises(FeedError, match="cut short.*depth"):
        parse_sitemap(
            b"<urlset><url><loc>http://wire.test/1</loc></url>" + nested + b"</urlset>", "http://w/s"
        )
    with pytest.raises(FeedError, match="cut short.*depth"):
        parse_feed(b"<rss><channel>" + nested + b"<item><link>http://w/2</link></item></channel></rss>", "u")
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000 + b"</urlset>")
    with pytest.raises(FeedError, match="inflates to over"):
        gunzip(bomb, 1_000_000)


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def test_a_feed_or_sitemap_cut_off_on_the_way_keeps_what_it_listed_but_not_the_entry_the_cut_fell_in():
    """lxml's recovery closes whatever is open, so a cut-off body parsed as a whole, shorter feed: the
    run said "ok" while half the feed was missing, and a link cut mid-way was fetched as a URL."""
    feed = rss([(f"http://c.test/news/{n}.html", "t", "Wed, 18 Nov 2026 10:00:00 GMT") for n in (1, 2, 3)])
    cut_in_third_link = feed[: feed.index("/news/3.html") + len("/news/3")].encode()
    with pytest.raises(CutShort, match="ends inside <rss>; 2 entries read") as cut:
        parse_feed(cut_in_third_link, "http://c.test/rss.xml")
    assert [e.url for e in cut.value.salvaged] == ["http://c.test/news/1.html", "http://c.test/news/2.html"]
    assert len(parse_feed(feed.encode(), "http://c.test/rss.xml")) == 3, "the whole feed is no cut"
    sitemap = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        "<url><loc>http://c.test/a.html</loc><news:news><news:title>A</news:title></news:news></url>"
        "<url><loc>http://c.test/b.html</loc></url></urlset>"
    )
    with pytest.raises(CutShort, match="ends inside <urlset>; 1 entries") as cut:
        parse_sitemap(sitemap[: sitemap.index("b.html")].encode(), "http://c.test/sitemap.xml")
    assert [e.url for e in cut.value.salvaged.entries] == ["http://c.test/a.html"]
    after_last_url = sitemap[: sitemap.index("</urlset>")].encode()
    with pytest.raises(CutShort) as cut:
        parse_sitemap(after_last_url, "http://c.test/sitemap.xml")
    assert len(cut.value.salvaged.entries) == 2, "an entry closed before the cut is kept"
    # whole documents the check must not call cut: an empty root closed on itself, a UTF-16 feed
    assert (
        parse_sitemap(
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "http://c.test/s"
        ).entries
        == []
    )
    assert parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"/>\n', "http://c.test/atom") == []
    utf16 = feed.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert len(parse_feed(utf16, "http://c.test/rss.xml")) == 3
    bom_only = sitemap.encode("utf-16")  # a byte-order mark and no declaration: lxml reads it as such
    assert len(parse_sitemap(bom_only, "http://c.test/sitemap.xml").entries) == 2
    # cut inside an entry before its <loc>: the whole entries before it stay
    with pytest.raises(CutShort) as cut:
        parse_sitemap(
            (sitemap[: sitemap.index("</urlset>")] + "<url><lastmod>2026").encode(), "http://c.test/s"
        )
    assert len(cut.value.salvaged.entries) == 2


@pytest.mark.parametrize(
    ("seen_hours_ago", "fetches", "lastmod_hours_ago", "fetch"),
    [
        (0.5, 1, None, False),  # too soon for the re-check
        # an hourly cron spent the one re-check an hour in, and a credit added at hour 3 was never seen
        (3, 1, None, False),
        (12.5, 1, None, True),  # inside the window: the one re-check
        (25, 1, None, True),  # a daily cron's next run
        (72, 1, None, False),  # window passed
        # a sitemap's lastmod ahead of the clock (Moscow time marked "Z"): no change, and no re-check
        # spent 15 minutes after first sight
        (0.25, 1, -2.75, False),
        (72, 1, 24, True),  # a sitemap says it changed after first sight
        (72, 1, 72.01, False),  # lastmod just before first sight: nothing new
        (72, 1, 71.98, False),  # a minute after first sight: the same edition (clocks differ), not a change
        (3, 2, 0, False),  # re-checked already: a sitemap stamping every URL 'now' is not obeyed
        (72, 0, 1, False),  # ingested from a file, never crawled
    ],
)
def test_a_known_article_is_fetched_once_more_at_most(seen_hours_ago, fetches, lastmod_hours_ago, fetch):
    known = KnownArticle(NOW - timedelta(hours=seen_hours_ago), fetches, True)
    lastmod = None if lastmod_hours_ago is None else NOW - timedelta(hours=lastmod_hours_ago)
    from crawlers import settings

    window = {  # the defaults a crawl runs with
        "min_age": timedelta(hours=settings.PROVTRACK_RECHECK_MIN_AGE_HOURS),
        "window": timedelta(hours=settings.PROVTRACK_RECHECK_WINDOW_HOURS),
    }
    assert wants_fetch(known, NOW, lastmod, **window) is fetch
    assert wants_fetch(None, NOW, lastmod, **window), "a URL never seen is always fetched"


def test_a_distributed_worker_that_only_cleaned_pages_listed_by_others_still_flags_a_changed_layout():
    """With --frontier, one worker reads the feed (its requests count) and others fetch the pages; the
    warning must follow the pages each cleaned, or no worker would ever raise it."""
    worker = SourceReport("feed:layout.test", seeds=0, requested=0, no_text=6)
    worker.saved.new_articles = 1
    assert worker.status == "partial" and "6 of 7 pages had no article text" in worker.line()
    seeder = SourceReport("feed:layout.test", seeds=1, seeds_ok=1, requested=7)
    assert seeder.status == "ok", "listing pages that others cleaned is no problem of its own"


def test_binary_bodies_served_as_pages_are_skipped_with_a_reason_not_stored_as_text(tmp_path):
    """A PDF sent as text/html, a body gzipped under an encoding no client knows, or twice: each was
    stored as 'article text' of binary garbage, indexed and linked, and the source reported ok."""
    story = ["Harbour 7 moved 287 containers; firm 91 ordered 9 cranes in the port of Riga."] * 4
    page = article_html("Port record", story).encode()
    pdf = b"%PDF-1.4\n1 0 obj << /Filter /FlateDecode >> stream\n" + zlib.compress(os.urandom(4000))
    routes = {
        "http://bin.test/pdf.html": Reply(200, pdf),
        "http://bin.test/custom.html": Reply(200, gzip.compress(page),
                                             headers={"Content-Encoding": "x-custom"}),
        "http://bin.test/twice.html": Reply(200, gzip.compress(gzip.compress(page)),
                                            headers={"Content-Encoding": "gzip"}),
        "http://bin.test/good.html": Reply(200, page),
    }  # fmt: skip
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(routes) + "\n")
    db = tmp_path / "bin.duckdb"
    with MockWeb(routes) as web:
        result = crawl(db, web.proxy, "--urls", str(urls))
    assert [r[0] for r in rows(db, "SELECT url FROM articles")] == ["http://bin.test/good.html"]
    assert result.stderr.count("binary content, not HTML") == 3, result.stderr
    assert result.returncode == 3, "pages that could not be cleaned make the run partial"


def test_a_json_feed_title_escaping_a_lone_surrogate_is_stored_and_sinks_no_batch(tmp_path):
    """JSON's "\\ud800" escape decodes to a character no UTF-8 database stores: it failed every batch
    holding it, run after run, with another source's articles in the same batch."""
    story = ["Harbour 7 moved 287 containers; firm 91 ordered 9 cranes in the port of Riga."] * 4
    items = [{"url": "http://j.test/news/a.html", "title": "Port record \ud800"}]
    routes = {
        "http://j.test/feed.json": Reply(
            200,
            json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}),
            content_type="application/feed+json",
        ),
        "http://j.test/news/a.html": Reply(200, article_html("Port record", story)),
        "http://k.test/rss.xml": Reply(
            200, rss([("http://k.test/news/b.html", "Wind farm", "Wed, 18 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
        ),
        "http://k.test/news/b.html": Reply(200, article_html("Wind farm", [s.replace("port", "bay")
                                                                           for s in story])),
    }  # fmt: skip
    db = tmp_path / "j.duckdb"
    with MockWeb(routes) as web:
        first = crawl(db, web.proxy, "--feed", "http://j.test/feed.json", "--feed", "http://k.test/rss.xml")
    assert first.returncode == 0, first.stderr
    assert sorted(r[0] for r in rows(db, "SELECT url FROM articles")) == [
        "http://j.test/news/a.html",
        "http://k.test/news/b.html",
    ]


def test_a_link_no_parser_can_read_costs_only_itself_and_a_relative_robots_sitemap_is_read(tmp_path):
    """A feed listing "http://[::1/x" stopped at that link: the article after it was never fetched,
    and the feed was not even counted, so the run said "ok" and exited 0. robots.txt naming its
    sitemap by path ("Sitemap: /sitemap.xml", common though against the standard) did the same."""
    good = article_html("Good", ["Harbour 7 moved 287 containers; firm 91 ordered 9 cranes in the port."] * 4)
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://rel.test/news/listed.html</loc></url></urlset>"
    )
    routes = {
        "http://links.test/rss.xml": Reply(
            200,
            rss(
                [
                    (u, "t", "Wed, 18 Nov 2026 10:00:00 GMT")
                    for u in ("http://[::1/x", "http://links.test/a.html")
                ]
            ),
            content_type="application/rss+xml",
        ),
        "http://links.test/a.html": Reply(200, good),
        "http://rel.test/robots.txt": Reply(
            200, "User-agent: *\nSitemap: /sitemap.xml\n", content_type="text/plain"
        ),
        "http://rel.test/": Reply(200, "<html><body><p>Rel News</p></body></html>"),
        "http://rel.test/sitemap.xml": Reply(200, sitemap, content_type="application/xml"),
        "http://rel.test/news/listed.html": Reply(200, good.replace("Good", "Listed")),
    }
    db = tmp_path / "links.duckdb"
    with MockWeb(routes) as web:
        result = crawl(db, web.proxy, "--feed", "http://links.test/rss.xml", "--site", "http://rel.test/")
    out = result.stdout + result.stderr
    assert result.returncode == 3, out
    line = next(line for line in out.splitlines() if line.startswith("feed:links.test"))
    assert "partial - 1/1" in line and "not a valid URL" in line, line
    assert rows(db, "SELECT url FROM articles ORDER BY url") == [
        ("http://links.test/a.html",),
        ("http://rel.test/news/listed.html",),
    ]


def _story(n: int) -> str:
    return article_html(
        f"Story {n}", [f"Harbour {n}7 moved {n}87 containers; firm {n}1 ordered {n} cranes."] * 4
    )


def test_a_link_no_parser_can_read_on_a_home_page_costs_only_itself(tmp_path):
    """The site spider read "http://[::1/x" outside its guard: the home page's links stopped there,
    with a traceback in the log, the article after it was never fetched, and the source said "ok"."""
    links = ["/news/first.html", "http://[::1/x", "/news/second.html"]
    routes = {
        "http://s.test/": Reply(200, home_html(links)),
        "http://s.test/rss.xml": Reply(200, rss([]), content_type="application/rss+xml"),
        "http://s.test/news/first.html": Reply(200, _story(1)),
        "http://s.test/news/second.html": Reply(200, _story(2)),
    }
    db = tmp_path / "s.duckdb"
    with MockWeb(routes) as web:
        result = crawl(db, web.proxy, "--site", "http://s.test/")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert rows(db, "SELECT url FROM articles ORDER BY url") == [
        ("http://s.test/news/first.html",),
        ("http://s.test/news/second.html",),
    ]


def test_an_article_a_site_crawl_found_is_rechecked_and_then_counted_as_seen(tmp_path):
    """Articles a --site crawl found were never fetched again: a credit added after publication was
    lost where the same page listed by a feed got its new version, and the line said "0 already seen"."""
    credited = _story(1).replace("</article>", "</article><p>Source: Reuters</p>")
    routes = {
        "http://s.test/": Reply(200, home_html(["/news/first.html"])),
        "http://s.test/rss.xml": Reply(200, rss([]), content_type="application/rss+xml"),
        "http://s.test/news/first.html": lambda hits, headers: Reply(
            200, _story(1) if hits == 1 else credited
        ),
    }
    db = tmp_path / "s.duckdb"
    recheck_now = ("-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0")
    with MockWeb(routes) as web:
        runs = [crawl(db, web.proxy, "--site", "http://s.test/", *recheck_now) for _ in range(3)]
        assert web.hits["http://s.test/news/first.html"] == 2, "re-checked once, then left alone"
    assert [r.returncode for r in runs] == [0, 0, 0], runs[-1].stdout + runs[-1].stderr[-2000:]
    assert "1 new version" in runs[1].stdout, runs[1].stdout
    assert "0 articles fetched, 1 already seen" in runs[2].stdout, runs[2].stdout
    assert rows(db, "SELECT version FROM articles ORDER BY 1") == [(1,), (2,)]
    assert rows(db, "SELECT agency FROM credits") == [("Reuters",)]


def test_a_story_linked_twice_costs_one_page_of_the_site_budget(tmp_path):
    """The headline and the picture of a story link one URL: each link was counted against
    PROVTRACK_SITE_MAX_PAGES though the scheduler drops the second, so a budget of 3 fetched 2 pages."""
    links = [f"/news/story-{n}.html" for n in (1, 1, 2, 2, 3)]
    routes = {
        "http://b.test/": Reply(200, home_html(links)),
        "http://b.test/rss.xml": Reply(200, rss([]), content_type="application/rss+xml"),
        **{f"http://b.test/news/story-{n}.html": Reply(200, _story(n)) for n in (1, 2, 3)},
    }
    with MockWeb(routes) as web:
        result = crawl(
            tmp_path / "b.duckdb", web.proxy, "--site", "http://b.test/", "-s", "PROVTRACK_SITE_MAX_PAGES=3"
        )
        fetched = web.requested(lambda url: "/news/" in url)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert sorted(fetched) == [f"http://b.test/news/story-{n}.html" for n in (1, 2, 3)]


def test_a_feed_a_stopped_run_never_sent_is_reported_unread_not_ok(tmp_path):
    """CLOSESPIDER_TIMEOUT ends the run while the first feed is still loading, one request at a time:
    the second feed was never sent, and its source must not read "ok" with exit 0."""
    feed = rss([])
    routes = {
        "http://s.test/rss.xml": Reply(200, feed, content_type="application/rss+xml", delay=3),
        "http://t.test/rss.xml": Reply(200, feed, content_type="application/rss+xml"),
    }
    with MockWeb(routes) as web:
        result = crawl(
            tmp_path / "stop.duckdb", web.proxy, "--feed", "http://s.test/rss.xml", "--feed",
            "http://t.test/rss.xml", "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_TIMEOUT=10",
            "-s", "CLOSESPIDER_TIMEOUT=1",
        )  # fmt: skip
        sent = web.hits["http://t.test/rss.xml"]
    out = result.stdout + result.stderr
    assert sent == 0, "the second feed was never sent"
    line = next(line for line in out.splitlines() if line.startswith("feed:t.test"))
    assert "0/1 feeds" in line and " ok " not in line, line
    assert result.returncode != 0, out


def test_discovery_robots_sitemaps_feed_links_and_article_pages():
    assert robots_sitemaps(
        "User-agent: *\nDisallow: /x\nSitemap: http://a.test/s1.xml\nsitemap:http://a.test/s2.xml.gz\n"
    ) == ["http://a.test/s1.xml", "http://a.test/s2.xml.gz"]
    home = (DEMO_WEB / "eurasia-herald.example" / "index.html").read_text(encoding="utf-8")
    assert discover_feeds(home, "http://eurasia-herald.example/") == ["http://eurasia-herald.example/rss.xml"]
    import lxml.html

    page = (
        DEMO_WEB / "eurasia-herald.example/news/2026/11/17/india-kazakhstan-trans-caspian-corridor.html"
    ).read_text()
    assert looks_like_article(
        lxml.html.fromstring(page), "http://eurasia-herald.example/news/2026/11/17/x.html"
    )
    assert not looks_like_article(lxml.html.fromstring(home), "http://eurasia-herald.example/")
    bare = lxml.html.fromstring("<html><body><p>x</p></body></html>")
    assert looks_like_article(bare, "http://a.test/world/2026/11/17/some-story")
    assert not looks_like_article(bare, "http://a.test/about")


def test_wrong_charset_declaration_is_read_as_the_bytes_say():
    from scrapy.http import HtmlResponse

    from crawlers.spiders.news import decode_html

    body = "<html><body><p>Минск — «Белта» сообщает</p></body></html>".encode()
    response = HtmlResponse(
        "http://a.test/", body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"}
    )
    assert "Минск — «Белта»" in decode_html(response)
    latin = HtmlResponse(
        "http://a.test/",
        body="<p>Café Zürich</p>".encode("cp1252"),
        headers={"Content-Type": "text/html; charset=windows-1252"},
    )
    assert "Café Zürich" in decode_html(latin)


@pytest.mark.parametrize(
    "declared", ["text/html; charset=utf-8", "text/html"], ids=["says-utf8", "says-none"]
)
def test_a_cyrillic_page_in_a_legacy_encoding_is_read_whatever_the_header_claims(declared):
    """A cp1251 page served as UTF-8 became text of U+FFFD alone, stored without a word of warning;
    served with no charset, cp1252 mojibake ("Íîâîñòè"). The bytes, not the header, are believed."""
    from scrapy.http import HtmlResponse

    from crawlers.spiders.news import decode_html

    text = "Новости: Белоруссия развернула комплексы С-400 у западной границы, сообщает БелТА. " * 5
    body = f"<html><body><p>{text}</p></body></html>".encode("cp1251")
    response = HtmlResponse("http://a.test/", body=body, headers={"Content-Type": declared})
    assert text in decode_html(response)


# -- crawling the demo web -------------------------------------------------------------------------


def test_demo_web_crawled_through_feeds_and_sitemaps_then_recrawl_fetches_only_listings(tmp_path):
    import json

    db = tmp_path / "demo.duckdb"
    with SampleWeb(DEMO_WEB) as web:
        first = crawl(db, web.proxy, "--sources", str(DEMO_SOURCES))
        assert first.returncode == 0, first.stderr[-2000:]
        first_requests = list(web.requests)
        web.requests.clear()
        second = crawl(db, web.proxy, "--sources", str(DEMO_SOURCES))
        assert second.returncode == 0, second.stderr[-2000:]
    expected = [json.loads(line) for line in (DATA_DIR / "demo" / "expected.jsonl").read_text().splitlines()]
    stored = dict(rows(db, "SELECT url, count(*) FROM articles GROUP BY url"))
    assert stored == {e["url"]: 1 for e in expected}, "every demo article stored once"
    assert sum("/news/" in url for url in first_requests) == len(expected), "each article fetched once"
    assert all(not url.endswith(".html") for url in web.requests), f"re-crawl fetched pages: {web.requests}"
    assert sorted(web.requests) == sorted(u for u in first_requests if not u.endswith(".html"))
    assert "crawl: 0 new articles, 0 new versions" in second.stdout
    lines = [line for line in second.stdout.splitlines() if ": ok - " in line]
    assert len(lines) == 7 and all("2 unchanged" in line for line in lines), second.stdout
    listed = rows(
        db, "SELECT count(DISTINCT article_id) FROM article_dates WHERE source IN ('feed', 'sitemap')"
    )
    seen = rows(db, "SELECT count(*) FROM article_dates WHERE source = 'first_seen'")
    assert listed == seen == [(20,)], "a feed or sitemap date, and first sight, kept for every article"
    # every article points into the WARC archive, and the pointer leads to its page
    from pipelines.archive import archive_dir, read_response

    for url, warc_file, offset in rows(db, "SELECT url, warc_file, warc_offset FROM articles"):
        record = read_response(archive_dir(db), warc_file, offset)
        assert record.url == url and record.status == 200 and b"<html" in record.body.lower()


def test_reprocess_rebuilds_from_the_archive_without_network(tmp_path, run_cli, monkeypatch):
    db = tmp_path / "r.duckdb"
    with SampleWeb(DEMO_WEB) as web:
        assert (
            crawl(db, web.proxy, "--sources", str(DEMO_SOURCES), "tass-demo", "river-city-news").returncode
            == 0
        )
    # the server is gone and this process may only reach loopback: reprocess must not need either
    result = run_cli("reprocess", "--no-link", db=db)
    assert result.exit_code == 0, result.output
    assert (
        "7 archived pages: 0 new articles, 0 new versions, 7 unchanged, 0 without article text, 0 skipped"
        in result.stdout
    )
    # a better extractor: every text changes. The archive is read a chunk at a time while each batch of
    # new versions is written: the reading must neither miss, repeat nor block on those writes.
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE articles SET text = 'an older extraction', text_hash = 'old'")
    monkeypatch.setattr("pipelines.store.crawl_state.ArchivedArticles.chunk_size", 2)
    monkeypatch.setattr("pipelines.load.BATCH_SIZE", 3)
    result = run_cli("reprocess", "--no-link", db=db)
    assert result.exit_code == 0, result.output
    assert "7 archived pages: 0 new articles, 7 new versions, 0 unchanged" in result.stdout
    assert rows(db, "SELECT count(*), count(DISTINCT url), max(version) FROM articles") == [(14, 7, 2)]
    # an archive cut short (a disk filled while it was copied): one line for the pages past its end,
    # where each page said "no response record there"; the pages before the cut are read
    (warc,) = (tmp_path / "archive").glob("*.warc.gz")
    offsets = sorted(offset for (offset,) in rows(db, "SELECT DISTINCT warc_offset FROM articles"))
    assert len(offsets) == 7
    whole = warc.read_bytes()
    warc.write_bytes(whole[: offsets[3]])
    cut = run_cli("reprocess", "--no-link", db=db)
    assert cut.exit_code == 3 and "3 unchanged" in cut.stdout and "4 skipped" in cut.stdout, cut.output
    assert cut.stderr.count("the file ends at byte") == 1, cut.stderr
    assert f"4 pages skipped: {warc.name} ends at byte {offsets[3]}, before their records" in cut.stderr
    warc.write_bytes(whole)
    # a database copied without its archive: one line for the missing file, not one per page
    for warc in (tmp_path / "archive").glob("*.warc.gz"):
        warc.unlink()
    gone = run_cli("reprocess", "--no-link", db=db)
    assert gone.exit_code == 3 and "7 skipped" in gone.stdout, gone.output
    assert gone.stderr.count("No such file") == 1, gone.stderr
    assert re.search(r"reprocess: 7 pages skipped: \S+\.warc\.gz is missing from ", gone.stderr), gone.stderr


def test_reprocess_keeps_the_outlet_and_dates_of_a_page_that_redirected(tmp_path, run_cli):
    """The fetch log keeps the URL the feed listed, the article the URL it landed on: reprocess matched
    the two by URL, so a redirected page's new version lost its feed date and first sight (published_at
    NULL). The outlet is now read from the stored version too, where it fell back to the domain's."""
    story = ["The port of Riga handled a record 412,000 containers in ten months, officials said."] * 3
    routes = {
        "http://r.test/rss.xml": Reply(
            200,
            rss([("http://r.test/old.html", "Riga", "Tue, 17 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
        ),
        "http://r.test/old.html": Reply(301, "", headers={"Location": "http://r.test/new.html"}),
        "http://r.test/new.html": Reply(200, article_html("Riga port record", story)),
    }
    db = tmp_path / "r.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://r.test/rss.xml").returncode == 0
    with duckdb.connect(str(db)) as con:  # a better extractor: the text changes
        con.execute("UPDATE articles SET text = 'an older extraction', text_hash = 'old'")
    assert run_cli("reprocess", "--no-link", db=db).exit_code == 0
    kept = """SELECT a.version, a.url, a.outlet_id, a.published_at,
                     list(d.source ORDER BY d.source) FILTER (WHERE d.source <> 'metadata')
              FROM articles a LEFT JOIN article_dates d USING (article_id) GROUP BY ALL ORDER BY 1"""
    (_, url, outlet, published, claims), second = rows(db, kept)
    assert url == "http://r.test/new.html" and claims == ["feed", "first_seen"]
    assert second == (2, url, outlet, published, claims)


def test_reprocess_refuses_a_record_of_another_page_where_the_archive_file_was_replaced(tmp_path, run_cli):
    """Another file put under the archive's name, with some other site's pages at the stored offsets:
    reprocess stored them as new versions of the crawled articles, under the crawled outlets."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    story = ["The port of Riga handled a record 412,000 containers in ten months, officials said."] * 3
    routes = {
        "http://r.test/rss.xml": Reply(
            200, rss([("http://r.test/a.html", "Riga", None)]), content_type="application/rss+xml"
        ),
        "http://r.test/a.html": Reply(200, article_html("Riga port record", story)),
    }
    db = tmp_path / "r.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://r.test/rss.xml").returncode == 0
    ((warc_file, offset),) = rows(db, "SELECT warc_file, warc_offset FROM articles")
    other = io.BytesIO()
    page = article_html(
        "Football", ["The home team won three to one after a late goal in the regional league."] * 3
    )
    WARCWriter(other, gzip=False).write_record(
        WARCWriter(io.BytesIO()).create_warc_record(
            "http://other.test/football.html",
            "response",
            payload=io.BytesIO(page.encode()),
            length=len(page.encode()),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
        )
    )
    (tmp_path / "archive" / warc_file).write_bytes(b" " * offset + other.getvalue())
    result = run_cli("reprocess", "--no-link", db=db)
    assert result.exit_code == 3, result.output
    assert f"{warc_file} holds http://other.test/football.html there, not this page" in result.stderr
    assert rows(db, "SELECT count(*), min(text) LIKE '%Riga%' FROM articles") == [(1, True)]


def test_a_date_a_recheck_brings_for_an_unchanged_page_is_kept_and_chosen(tmp_path):
    """A feed lists a page without a date; the re-check run finds it in a news sitemap with its
    publication date and fetches it again, unchanged. The unchanged page was skipped whole, its new
    date with it: published_at stayed the first sight."""
    url = "http://d.test/news/riga.html"
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><item><link>{url}</link></item></channel></rss>'
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{url}</loc><news:news><news:publication_date>2026-11-17T08:00:00Z"
        "</news:publication_date><news:title>Riga</news:title></news:news></url></urlset>"
    )
    story = ["The port of Riga handled a record 412,000 containers in ten months, officials said."] * 3
    routes = {
        "http://d.test/rss.xml": Reply(200, feed, content_type="application/rss+xml"),
        "http://d.test/sitemap.xml": Reply(200, sitemap, content_type="application/xml"),
        url: Reply(200, article_html("Riga", story)),
    }
    db = tmp_path / "d.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://d.test/rss.xml").returncode == 0
        recheck_now = ("-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0")
        again = crawl(db, web.proxy, "--sitemap", "http://d.test/sitemap.xml", *recheck_now)
        assert web.hits[url] == 2, "fetched again inside the re-check window"
    assert again.returncode == 0 and "1 unchanged" in again.stdout, again.stdout + again.stderr[-2000:]
    assert rows(db, "SELECT version, published_at FROM articles") == [(1, datetime(2026, 11, 17, 8, 0))]
    assert rows(db, "SELECT source FROM article_dates WHERE source = 'sitemap'") == [("sitemap",)]


def test_reprocess_and_its_link_show_progress_on_a_terminal_and_keep_stdout_for_the_answer(tmp_path):
    """Reprocessing a year of archives takes hours: a researcher at a terminal sees how far it is, on
    stderr, while stdout (a file, a pipe) gets the summary line alone."""
    db = tmp_path / "r.duckdb"
    with SampleWeb(DEMO_WEB) as web:
        assert (
            crawl(db, web.proxy, "--sources", str(DEMO_SOURCES), "tass-demo", "river-city-news").returncode
            == 0
        )
    shown = on_terminal("--db", str(db), "reprocess", stream="stderr")
    assert shown.returncode == 0, shown.screen
    assert re.search(r"reprocess .*7/7", shown.screen), shown.screen
    assert re.search(r"link .*\d+/\d+", shown.screen), shown.screen
    assert shown.other.startswith("reprocess: 7 archived pages") and len(shown.other.splitlines()) == 1


# -- incremental: versions, conditional GET, re-check window ---------------------------------------


def test_credit_line_added_later_becomes_a_new_version_on_recheck(tmp_path):
    """Credits are often added after publication: in the text (a dateline), or as a line below the
    article element, which changes no cleaned text but must still be a new version. One crawl reads
    a site for each (dateline.test, line-below-the-article.test), three runs."""
    story = [
        "The port of Riga handled a record 412,000 containers in the first ten months of the year, "
        "officials said on Tuesday, as rail links to the east recovered from last year's disruption."
    ] * 3
    first = article_html("Riga port record", story)
    credited = {
        "dateline": article_html("Riga port record", ["RIGA, Nov 17 (Reuters) - " + story[0], *story[1:]]),
        "line-below-the-article": first.replace(
            "</article>", "</article><div class='post-source'><p>Via: Reuters</p></div>"
        ),
    }
    page = {where: f"http://{where}.test/news/2026/11/17/riga-port.html" for where in credited}
    routes = {}
    for where, later in credited.items():
        routes[f"http://{where}.test/rss.xml"] = Reply(
            200,
            rss([(page[where], "Riga", "Tue, 17 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
        )
        routes[page[where]] = lambda hits, headers, later=later: Reply(200, first if hits == 1 else later)
    feeds = [arg for where in credited for arg in ("--feed", f"http://{where}.test/rss.xml")]
    recheck_now = ("-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0")
    db = tmp_path / "late.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, *feeds).returncode == 0
        recheck = crawl(db, web.proxy, *feeds, *recheck_now)
        assert recheck.returncode == 0, recheck.stderr[-2000:]
        once_more = crawl(db, web.proxy, *feeds, *recheck_now)
        assert once_more.returncode == 0
    for where, url in page.items():
        line = next(line for line in recheck.stdout.splitlines() if line.startswith(f"feed:{where}.test:"))
        assert "1 new version," in line, f"{where}: {line}"
        assert web.hits[url] == 2, f"{where}: re-checked once, not every run"
        versions = rows(
            db, "SELECT version, previous_id IS NOT NULL FROM articles WHERE url = ? ORDER BY version", [url]
        )
        assert versions == [(1, False), (2, True)], where
        credits = rows(db, "SELECT agency, role FROM credits WHERE article_url = ?", [url])
        assert credits == [("Reuters", "origin")], where


def test_a_failed_recheck_keeps_the_stored_version_and_makes_no_run_partial(tmp_path):
    """A stored page answering 500 at its re-check made every hourly run of the window `partial` (exit
    3, a cron mail an hour for two days), "1 failed", though nothing was lost."""
    url = "http://gone.test/news/2026/11/17/riga-port.html"
    story = ["The port of Riga handled a record 412,000 containers in ten months, officials said."] * 3
    routes = {
        "http://gone.test/rss.xml": Reply(
            200, rss([(url, "Riga", "Tue, 17 Nov 2026 10:00:00 GMT")]), content_type="application/rss+xml"
        ),
        url: lambda hits, headers: (
            Reply(200, article_html("Riga", story)) if hits == 1 else Reply(500, "oops")
        ),
    }
    db = tmp_path / "g.duckdb"
    recheck_now = ("-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0", "-s", "RETRY_TIMES=0")
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://gone.test/rss.xml").returncode == 0
        runs = [crawl(db, web.proxy, "--feed", "http://gone.test/rss.xml", *recheck_now) for _ in range(2)]
        assert web.hits[url] == 3, "tried again by the next run in the window"
    for run in runs:
        assert run.returncode == 0, run.stdout + run.stderr[-2000:]
        assert ": ok - " in run.stdout and "0 failed, 1 re-check failed (stored versions kept)" in run.stdout
    assert rows(db, "SELECT version FROM articles") == [(1,)]


def test_a_recheck_finding_a_paywall_stub_keeps_the_stored_story_and_its_credit(tmp_path, run_cli):
    """At its re-check a page answered with its first paragraph and a "subscribe to continue" notice:
    stored as the latest version, it took the story's text and its TASS credit out of article_origins
    and credits. reprocess, which reads the latest fetch, did the same from the archive."""
    url = "http://pay.test/news/2026/11/17/metro.html"
    story = [
        f"Paragraph {n}: Yekaterinburg city hall approved plans for a second metro line linking the Uralmash "
        "district with the centre, with construction due to start in 2028, the chief architect said."
        for n in range(1, 6)
    ]
    full = article_html("Second metro line", story).replace("</article>", "</article><p>Source: TASS</p>")
    stub = article_html("Second metro line", [story[0], "Subscribe to continue reading this article."])
    routes = {
        "http://pay.test/rss.xml": Reply(
            200, rss([(url, "Metro", "Tue, 17 Nov 2026 10:00:00 GMT")]), content_type="application/rss+xml"
        ),
        url: lambda hits, headers: Reply(200, full if hits == 1 else stub),
    }
    db = tmp_path / "p.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://pay.test/rss.xml").returncode == 0
        recheck = crawl(
            db, web.proxy, "--feed", "http://pay.test/rss.xml", "-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0"
        )
        assert web.hits[url] == 2
    assert recheck.returncode == 0, recheck.stdout + recheck.stderr[-2000:]
    assert "0 new versions, 0 unchanged" in recheck.stdout, recheck.stdout
    assert "1 re-check found a stub of the stored text (kept the text)" in recheck.stdout, recheck.stdout
    assert rows(db, "SELECT version FROM articles") == [(1,)]
    assert rows(db, "SELECT agency FROM credits") == [("TASS",)]
    again = run_cli("reprocess", "--no-link", db=db)
    assert again.exit_code == 0, again.output
    assert "reprocess: 1 page held under a third of the words stored for the URL" in again.stderr
    assert rows(db, "SELECT version FROM articles") == [(1,)]


def test_feed_that_never_changes_is_asked_conditionally_and_read_from_the_archive(tmp_path):
    """By its ETag, and by its Last-Modified where a server sends no ETag (many feeds do only that):
    without If-Modified-Since such a feed was fetched whole every run."""
    feed = rss([("http://still.test/news/2026/11/18/a.html", "A", "Wed, 18 Nov 2026 10:00:00 GMT")])
    dated_feed = rss([("http://dated.test/news/2026/11/18/b.html", "B", "Wed, 18 Nov 2026 10:00:00 GMT")])
    stamp = "Wed, 18 Nov 2026 10:05:00 GMT"

    def feed_route(hits, headers):
        if headers.get("If-None-Match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, feed, headers={"ETag": '"v1"'}, content_type="application/rss+xml")

    def dated_route(hits, headers):
        if headers.get("If-Modified-Since") == stamp:
            return Reply(304, headers={"Last-Modified": stamp})
        return Reply(200, dated_feed, headers={"Last-Modified": stamp}, content_type="application/rss+xml")

    text = ["Some long enough text about harbour cranes and ships."] * 5
    routes = {
        "http://still.test/rss.xml": feed_route,
        "http://still.test/news/2026/11/18/a.html": Reply(200, article_html("A", text)),
        "http://dated.test/rss.xml": dated_route,
        "http://dated.test/news/2026/11/18/b.html": Reply(200, article_html("B", text)),
    }
    db = tmp_path / "still.duckdb"
    with MockWeb(routes) as web:
        for _ in range(2):
            result = crawl(
                db, web.proxy, "--feed", "http://still.test/rss.xml", "--feed", "http://dated.test/rss.xml"
            )
            assert result.returncode == 0, result.stderr[-2000:]
        conditional = [h.get("If-None-Match") for url, h in web.log if url == "http://still.test/rss.xml"]
        since = [h.get("If-Modified-Since") for url, h in web.log if url == "http://dated.test/rss.xml"]
    assert conditional == [None, '"v1"'], "the second request must be conditional"
    assert since == [None, stamp], "the second request must ask for the feed only if modified since"
    for site in ("still", "dated"):
        line = next(line for line in result.stdout.splitlines() if line.startswith(f"feed:{site}.test"))
        assert "(1 unchanged)" in line and "0 new" in line, line
    assert web.hits["http://still.test/news/2026/11/18/a.html"] == 1
    assert web.hits["http://dated.test/news/2026/11/18/b.html"] == 1
    assert rows(db, "SELECT status, count(*) FROM fetches WHERE kind = 'feed' GROUP BY 1 ORDER BY 1") == [
        (200, 2),
        (304, 2),
    ]


def _etag_feed(feed: str):
    """A feed route that answers 304 to the ETag it hands out."""

    def route(hits, headers):
        if headers.get("If-None-Match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, feed, headers={"ETag": '"v1"'}, content_type="application/rss+xml")

    return route


def test_a_304_with_no_copy_to_read_back_is_asked_again_whole_not_failed_every_night(tmp_path):
    """The WARC file of the feed's last good copy was pruned: every later run asked "changed since?",
    got 304, could not read the copy, failed the source (exit 1), and never renewed the copy."""
    story = article_html("A", ["Harbour cranes were replaced at the container terminal this week."] * 5)
    routes = {
        "http://p.test/rss.xml": _etag_feed(
            rss([("http://p.test/a.html", "A", "Wed, 18 Nov 2026 10:00:00 GMT")])
        ),
        "http://p.test/a.html": Reply(200, story),
    }
    db = tmp_path / "p.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://p.test/rss.xml").returncode == 0
        for warc in (tmp_path / "archive").glob("*.warc.gz"):
            warc.unlink()
        runs = [crawl(db, web.proxy, "--feed", "http://p.test/rss.xml") for _ in range(2)]
        asked = [h.get("If-None-Match") for url, h in web.log if url.endswith("/rss.xml")]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stdout + runs[0].stderr[-2000:]
    assert asked == [None, '"v1"', None, '"v1"'], "asked whole once, then conditionally from the new copy"
    assert "(1 unchanged)" in runs[1].stdout, runs[1].stdout


def test_a_feed_that_moved_asks_its_new_address_with_that_addresses_own_validators(tmp_path):
    """The redirect copied the old address's If-None-Match onto the request for the new one, which
    answered 304: no copy had ever been kept under the new address, and the source failed every run."""
    moved = {"now": False}
    feed = rss([("http://m.test/a.html", "A", "Wed, 18 Nov 2026 10:00:00 GMT")])
    new_address = _etag_feed(feed)

    def old_address(hits, headers):
        if moved["now"]:
            return Reply(301, "", headers={"Location": "http://m.test/feed/"})
        return new_address(hits, headers)

    routes = {
        "http://m.test/rss.xml": old_address,
        "http://m.test/feed/": new_address,
        "http://m.test/a.html": Reply(200, article_html("A", ["Cranes were replaced at the terminal."] * 6)),
    }
    db = tmp_path / "m.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://m.test/rss.xml").returncode == 0
        moved["now"] = True
        runs = [crawl(db, web.proxy, "--feed", "http://m.test/rss.xml") for _ in range(2)]
        asked = [h.get("If-None-Match") for url, h in web.log if url.endswith("/feed/")]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stdout + runs[0].stderr[-2000:]
    assert asked == [None, '"v1"'], "the new address: whole the first time, then with its own ETag"


def test_a_feed_cut_off_on_the_way_is_reported_its_listed_articles_stored_and_read_whole_next_run(tmp_path):
    story = ["Harbour 7 moved 287 containers; firm 91 ordered 9 cranes in the port of Riga."] * 4
    feed = rss([(f"http://cut.test/news/{n}.html", "t", "Wed, 18 Nov 2026 10:00:00 GMT") for n in (1, 2, 3)])
    bodies = [feed[: feed.index("/news/3.html")], feed]  # the first answer stops inside the third item
    routes = {
        "http://cut.test/rss.xml": lambda hits, headers: Reply(
            200, bodies[min(hits, 2) - 1], headers={"ETag": '"v1"'}, content_type="application/rss+xml"
        ),
        **{f"http://cut.test/news/{n}.html": Reply(200, article_html(f"S{n}", story)) for n in (1, 2, 3)},
    }
    db = tmp_path / "cut.duckdb"
    with MockWeb(routes) as web:
        first = crawl(db, web.proxy, "--feed", "http://cut.test/rss.xml")
        stored_first = rows(db, "SELECT url FROM articles ORDER BY url")
        second = crawl(db, web.proxy, "--feed", "http://cut.test/rss.xml")
        conditional = [h.get("If-None-Match") for url, h in web.log if url.endswith("/rss.xml")]
    out = first.stdout + first.stderr
    line = next(line for line in out.splitlines() if line.startswith("feed:cut.test"))
    assert first.returncode == 3 and "partial" in line and "cut short" in line, out
    assert stored_first == [("http://cut.test/news/1.html",), ("http://cut.test/news/2.html",)]
    assert conditional == [None, None], "a cut copy is no reason to ask 'changed since?'"
    assert second.returncode == 0, second.stdout + second.stderr
    assert "(0 unchanged)" in second.stdout + second.stderr
    assert len(rows(db, "SELECT url FROM articles")) == 3


# -- failures: one message per source, the right exit code ----------------------------------------


def test_failure_cases_each_end_in_a_clear_per_source_message(tmp_path):
    good_article = article_html(
        "Good", ["Harbour cranes were replaced at the container terminal this week."] * 6
    )
    cyrillic = article_html(
        "Минск", ["Минск — новый скоростной поезд соединит столицу с Брестом уже в следующем году."] * 6
    )
    big_sitemap = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>http://gz.test/n/{i}.html</loc></url>" for i in range(3000))
        + "</urlset>"
    )
    retry_hits = []

    def throttled(hits, headers):
        retry_hits.append(time.monotonic())
        if hits == 1:
            return Reply(429, "slow down", headers={"Retry-After": "1"}, content_type="text/plain")
        return Reply(
            200,
            rss([("http://ok.test/news/2026/11/18/good.html", "Good", "Wed, 18 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
        )

    routes = {
        "http://ok.test/rss.xml": throttled,
        "http://ok.test/news/2026/11/18/good.html": Reply(200, good_article),
        "http://e500.test/rss.xml": Reply(500, "oops", content_type="text/plain"),
        "http://slow.test/rss.xml": Reply(200, "<rss/>", delay=5, content_type="application/rss+xml"),
        "http://loop.test/rss.xml": Reply(302, "", headers={"Location": "http://loop.test/rss2.xml"}),
        "http://loop.test/rss2.xml": Reply(302, "", headers={"Location": "http://loop.test/rss.xml"}),
        "http://robots.test/robots.txt": Reply(
            200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
        ),
        "http://robots.test/private/rss.xml": Reply(200, rss([]), content_type="application/rss+xml"),
        "http://bad.test/rss.xml": Reply(
            200, "this is <not> xml at all {", content_type="application/rss+xml"
        ),
        "http://gz.test/sitemap.xml.gz": Reply(
            200, gzip.compress(big_sitemap.encode()), content_type="application/gzip"
        ),
        "http://pages.test/report.pdf": Reply(200, b"%PDF-1.4 not html", content_type="application/pdf"),
        "http://pages.test/news/minsk.html": Reply(
            200, cyrillic.encode("utf-8"), content_type="text/html; charset=iso-8859-1"
        ),
        "http://pages.test/news/huge.html": Reply(
            200, b"<html><body>" + b"<p>x</p>" * 6_600_000 + b"</body></html>"
        ),
    }
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "http://pages.test/report.pdf\nhttp://pages.test/news/minsk.html\nhttp://pages.test/news/huge.html\n"
    )
    db = tmp_path / "fail.duckdb"
    with MockWeb(routes) as web:
        result = crawl(
            db,
            web.proxy,
            "--feed",
            "http://ok.test/rss.xml",
            "--feed",
            "http://missing.test/rss.xml",
            "--feed",
            "http://e500.test/rss.xml",
            "--feed",
            "http://slow.test/rss.xml",
            "--feed",
            "http://loop.test/rss.xml",
            "--feed",
            "http://robots.test/private/rss.xml",
            "--feed",
            "http://bad.test/rss.xml",
            "--sitemap",
            "http://gz.test/sitemap.xml.gz",
            "--urls",
            str(urls),
            "-s",
            "DOWNLOAD_TIMEOUT=1",
            "-s",
            "PROVTRACK_SITEMAP_MAXSIZE=100000",
            timeout=80,
        )
    assert result.returncode == 3, f"some sources failed: exit 3\n{result.stdout}\n{result.stderr[-3000:]}"
    out = result.stdout + result.stderr
    expect = {
        "feed:ok.test: ok": "",
        "feed:missing.test: failed": "HTTP 404",
        "feed:e500.test: failed": "HTTP 500",
        "feed:slow.test: failed": "timed out",
        "feed:loop.test: failed": "max redirections",
        "feed:robots.test: failed": "disallowed by robots.txt",
        "feed:bad.test: failed": "malformed XML",
        "sitemap:gz.test: failed": "inflates to over",
        "urls:urls.txt: partial": "not an HTML page (application/pdf)",
    }
    for start, reason in expect.items():
        line = next((line for line in out.splitlines() if line.startswith(start)), None)
        assert line is not None and reason in line, (
            f"expected a line starting {start!r} naming {reason!r}:\n{out}"
        )
    huge = next(line for line in out.splitlines() if line.startswith("urls:urls.txt"))
    assert "download limit" in huge, huge
    assert len(retry_hits) == 2 and retry_hits[1] - retry_hits[0] >= 0.9, (
        "429 with Retry-After: 1 waits a second"
    )
    assert rows(
        db, "SELECT count(*) FROM articles WHERE url = 'http://ok.test/news/2026/11/18/good.html'"
    ) == [(1,)]
    text = rows(db, "SELECT text FROM articles WHERE url = 'http://pages.test/news/minsk.html'")[0][0]
    assert "Минск" in text, "a UTF-8 page mislabelled as ISO-8859-1 is stored as UTF-8"
    assert rows(db, "SELECT status FROM runs")[0][0] == "partial"


def test_a_page_that_led_off_the_sources_site_is_filed_under_its_own_outlet_and_its_links_not_followed(
    tmp_path,
):
    """A registered TASS source: its feed lists a story that moved to another site, and its home page
    links a partner's site through a redirect. The moved story was filed under TASS (another outlet's
    story read as the agency's own), and the site crawl went on through the partner's links, storing
    them as TASS's articles too."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "tass-x"\noutlet = "TASS"\nhome = "http://tass-x.test/"\n'
        'feeds = ["http://tass-x.test/rss.xml"]\n\n'
        '[[source]]\nname = "tass-site"\noutlet = "TASS"\nhome = "http://tass-x.test/"\n'
    )
    moved, landed = (
        "http://tass-x.test/news/2026/11/18/moved.html",
        "http://other.test/news/2026/11/18/landed.html",
    )
    partner = [f"http://partner.test/news/2026/11/18/partner-{n}.html" for n in range(3)]
    own = "http://tass-x.test/news/2026/11/18/own.html"
    routes = {
        "http://tass-x.test/rss.xml": Reply(
            200, rss([(moved, "Moved", "Wed, 18 Nov 2026 10:00:00 GMT")]), content_type="application/rss+xml"
        ),
        moved: Reply(301, "", headers={"Location": landed}),
        landed: Reply(200, _story(1)),
        "http://tass-x.test/": Reply(
            200, f'<html><body><a href="/go/partner">P</a> <a href="{own}">O</a></body></html>'
        ),
        own: Reply(200, _story(2)),
        "http://tass-x.test/go/partner": Reply(302, "", headers={"Location": "http://partner.test/"}),
        "http://partner.test/": Reply(200, home_html(partner)),
    }
    routes.update({url: Reply(200, _story(3 + n)) for n, url in enumerate(partner)})
    db = tmp_path / "db.duckdb"
    with MockWeb(routes) as web:
        result = crawl(db, web.proxy, "--sources", str(sources), "tass-x", "tass-site")
        asked = set(web.hits)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    stored = rows(db, "SELECT a.url, o.name FROM articles a JOIN outlets o USING (outlet_id) ORDER BY 1")
    assert stored == [(landed, "other.test"), (own, "TASS")], result.stdout
    assert not asked & set(partner), "the partner's links are not the site's to follow"


def test_sitemap_indexes_that_list_themselves_or_each_other_are_read_once_each(tmp_path):
    """Every child of an index was asked for again at each level, to the depth limit: an index of six
    children that each answered with the same index took 259 requests for 7 URLs every run (30 children,
    some 28,000), and an index listing itself ended 'partial', 'deeper than 3 levels'."""
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'

    def index(*children: str) -> Reply:
        listed = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
        return Reply(
            200,
            f'<?xml version="1.0"?><sitemapindex {ns}>{listed}</sitemapindex>',
            content_type="application/xml",
        )

    page = "http://maps.test/news/2026/11/18/a.html"
    fan = [f"http://maps.test/i{n}.xml" for n in range(6)]
    routes = {url: index(*fan) for url in fan}
    routes |= {
        "http://maps.test/self.xml": index("http://maps.test/self.xml", "http://maps.test/pair.xml", *fan),
        "http://maps.test/pair.xml": index("http://maps.test/self.xml", "http://maps.test/leaf.xml"),
        "http://maps.test/leaf.xml": Reply(
            200,
            f'<?xml version="1.0"?><urlset {ns}><url><loc>{page}</loc></url></urlset>',
            content_type="application/xml",
        ),
        page: Reply(200, _story(1)),
    }
    with MockWeb(routes) as web:
        result = crawl(tmp_path / "db.duckdb", web.proxy, "--sitemap", "http://maps.test/self.xml")
        asked = {url: n for url, n in web.hits.items() if url.endswith(".xml")}
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "sitemap:maps.test: ok" in result.stdout and "1 new article," in result.stdout
    assert asked == {url: 1 for url in routes if url.endswith(".xml")}, asked


def test_a_site_whose_robots_txt_fails_is_not_crawled_and_one_without_is(tmp_path):
    """RFC 9309: robots.txt answering 5xx, or not at all, means "unreachable": the site is not crawled
    (its private paths were, Scrapy reading a 500's error page as empty rules); a 4xx means no rules."""
    routes = {"http://r500.test/robots.txt": Reply(500, "oops", content_type="text/plain"),
              "http://r404.test/robots.txt": Reply(404, "<html>not here</html>")}  # fmt: skip
    for host in ("r500", "r404"):
        page = f"http://{host}.test/private/story.html"
        routes[f"http://{host}.test/rss.xml"] = Reply(
            200, rss([(page, "S", "Wed, 18 Nov 2026 10:00:00 GMT")]), content_type="application/rss+xml"
        )
        routes[page] = Reply(200, _story(1 if host == "r500" else 2))
    db = tmp_path / "db.duckdb"
    with MockWeb(routes) as web:
        result = crawl(
            db, web.proxy, "--feed", "http://r500.test/rss.xml", "--feed", "http://r404.test/rss.xml"
        )
        fetched = {url for url in web.hits if "/private/" in url or url.endswith("rss.xml")}
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    assert (
        "feed http://r500.test/rss.xml: disallowed by robots.txt (it answered HTTP 500; RFC 9309"
        in result.stderr
    )
    assert fetched == {"http://r404.test/rss.xml", "http://r404.test/private/story.html"}, fetched
    assert rows(db, "SELECT url FROM articles") == [("http://r404.test/private/story.html",)]


def test_an_https_site_the_proxy_cannot_reach_fails_as_such_not_as_disallowed_by_robots_txt(tmp_path):
    """A proxy answering CONNECT with 501 (the demo's sample web server) made every https source fail as
    "disallowed by robots.txt (it could not be read: Could not open CONNECT tunnel ...)"."""
    with MockWeb({}) as web:
        result = crawl(tmp_path / "db.duckdb", web.proxy, "--feed", "https://tunnel.test/rss.xml")
    assert result.returncode == 1, result.stderr[-2000:]
    line = next(x for x in result.stderr.splitlines() if x.startswith("feed:tunnel.test"))
    assert "feed https://tunnel.test/rss.xml: the proxy could not reach it over https (" in line, line
    assert "robots" not in line


def test_a_robots_txt_crawl_delay_spaces_the_sites_requests_up_to_the_cap(tmp_path):
    """Crawl-delay was not read: a site asking for 1.5 s between pages got them at DOWNLOAD_DELAY (here
    0), and AutoThrottle may not lower it either. One asking for ten minutes is read at the cap."""
    times: dict[str, list[float]] = {"slow": [], "capped": []}

    def timed(host: str, reply: Reply):
        def route(_hits, _headers) -> Reply:
            times[host].append(time.monotonic())
            return reply

        return route

    routes = {}
    for host, delay in (("slow", 1.5), ("capped", 600)):
        pages = [f"http://{host}.test/news/2026/11/18/story-{n}.html" for n in range(3)]
        feed = rss([(u, f"S{n}", "Wed, 18 Nov 2026 10:00:00 GMT") for n, u in enumerate(pages)])
        routes[f"http://{host}.test/robots.txt"] = Reply(
            200, f"User-agent: *\nCrawl-delay: {delay}\nAllow: /\n", content_type="text/plain"
        )
        routes[f"http://{host}.test/rss.xml"] = timed(
            host, Reply(200, feed, content_type="application/rss+xml")
        )
        for n, page in enumerate(pages):
            routes[page] = timed(host, Reply(200, _story(n + (10 if host == "slow" else 20))))
    db = tmp_path / "db.duckdb"
    with MockWeb(routes) as web:
        result = crawl(
            db,
            web.proxy,
            "--feed",
            "http://slow.test/rss.xml",
            "--feed",
            "http://capped.test/rss.xml",
            "-s",
            "AUTOTHROTTLE_ENABLED=True",
            "-s",
            "PROVTRACK_MAX_CRAWL_DELAY=1.8",
        )
    assert result.returncode == 0, result.stderr[-2000:]
    # AutoThrottle alone would start at 1 s; 1.5 s is the site's, 1.8 s the cap
    for host, least, most in (("slow", 1.5, 1.75), ("capped", 1.8, 5)):
        assert len(times[host]) == 4, (host, times[host])
        gaps = [b - a for a, b in zip(times[host], times[host][1:])]
        assert least - 0.05 <= min(gaps) and max(gaps) < most, (host, gaps)
    (log,) = (tmp_path / "logs").glob("crawl-db-*.log")
    assert "robots.txt of capped.test asks for Crawl-delay 600 s; waiting 1.8 s" in log.read_text()
    assert rows(db, "SELECT count(*) FROM articles") == [(6,)]


def test_every_failed_page_is_named_in_the_log_and_a_page_redirecting_to_itself_says_so(tmp_path):
    """A source's line lists its first three errors and sends the reader to the log for the rest; a
    listed page that redirects to itself was not in the log at all (nor named for what it does), so a
    source 'partial' every hour had no page to blame."""
    feed = [
        (f"http://r.test/news/missing-{n}.html", f"Gone {n}", "Wed, 18 Nov 2026 10:00:00 GMT")
        for n in range(3)
    ]
    feed.append(("http://r.test/news/loop.html", "Loop", "Wed, 18 Nov 2026 10:00:00 GMT"))
    routes = {
        "http://r.test/rss.xml": Reply(200, rss(feed), content_type="application/rss+xml"),
        "http://r.test/news/loop.html": Reply(301, "", headers={"Location": "http://r.test/news/loop.html"}),
    }
    with MockWeb(routes) as web:
        result = crawl(tmp_path / "db.duckdb", web.proxy, "--feed", "http://r.test/rss.xml")
    assert result.returncode == 3, result.stderr[-2000:]
    line = next(x for x in result.stdout.splitlines() + result.stderr.splitlines() if x.startswith("feed:"))
    assert "4 failed" in line and "(and 1 more, see the log)" in line, line
    (log,) = (tmp_path / "logs").glob("crawl-db-*.log")
    for page in ("missing-0", "missing-1", "missing-2"):
        assert f"http://r.test/news/{page}.html: HTTP 404" in log.read_text()
    assert "http://r.test/news/loop.html: redirects to itself" in log.read_text()


def test_a_page_without_article_text_is_counted_apart_and_only_a_majority_of_them_is_partial(tmp_path):
    """Every real site lists gallery and video pages; a nightly cron run must not exit 3 for them, not
    even when the hour's only new page is one. When most of many pages have no text, though, the
    site's layout has probably changed: that is not `ok`."""
    story = article_html("Port", ["Harbour cranes were replaced at the container terminal this week."] * 6)
    gallery = '<html><head><title>Photos</title></head><body><div><img src="1.jpg"></div></body></html>'
    day = "Wed, 18 Nov 2026 10:00:00 GMT"
    pages = {  # site -> what its feed lists, story or gallery
        "mostly": [story, story, story, gallery],
        "single": [gallery],
        "half": [story, gallery] * 5,  # half is no majority
        "layout": [story] + [gallery] * 5,
    }
    routes = {}
    for site, kinds in pages.items():
        urls = [f"http://{site}.test/news/{i}.html" for i in range(len(kinds))]
        routes[f"http://{site}.test/rss.xml"] = Reply(
            200, rss([(u, "A", day) for u in urls]), content_type="application/rss+xml"
        )
        for i, (url, html) in enumerate(zip(urls, kinds)):
            routes[url] = Reply(200, html.replace("Port", f"Port {site} {i}"))
    db = tmp_path / "text.duckdb"
    with MockWeb(routes) as web:
        feeds = [f"--feed=http://{site}.test/rss.xml" for site in ("mostly", "single", "half")]
        usual = crawl(db, web.proxy, *feeds)
        changed = crawl(db, web.proxy, "--feed", "http://layout.test/rss.xml")
    assert usual.returncode == 0, f"galleries among articles are ok\n{usual.stdout}\n{usual.stderr}"
    assert "feed:mostly.test: ok" in usual.stdout and "1 without article text, 0 skipped" in usual.stdout
    assert "feed:single.test: ok" in usual.stdout, "one page, a gallery: too few to call the layout changed"
    assert "feed:half.test: ok" in usual.stdout, "5 galleries of 10 pages: no majority, not partial"
    assert "no article text: http://mostly.test/news/3.html (feed:mostly.test)" in usual.stderr
    assert changed.returncode == 3, f"5 of 6 pages without text: exit 3\n{changed.stdout}\n{changed.stderr}"
    line = next(line for line in changed.stderr.splitlines() if line.startswith("feed:layout.test"))
    assert line.startswith("feed:layout.test: partial") and "5 of 6 pages had no article text" in line, line
    runs = rows(db, "SELECT status, counts->>'$.\"feed:layout.test\".no_text' FROM runs ORDER BY run_id")
    assert runs == [("ok", None), ("partial", "5")], "the run records the count and the status"


def test_every_source_failing_is_exit_1_and_unknown_source_is_a_one_line_usage_error(tmp_path):
    with MockWeb({}) as web:
        result = crawl(tmp_path / "x.duckdb", web.proxy, "--feed", "http://gone.test/rss.xml")
        unknown = crawl(tmp_path / "x.duckdb", web.proxy, "tass")
    assert (
        result.returncode == 1 and "feed:gone.test: failed" in result.stderr and "HTTP 404" in result.stderr
    )
    # a network outage: no site answers at all, so the run has nothing to archive
    down = crawl(
        tmp_path / "x.duckdb", f"http://127.0.0.1:{unused_port()}", "--feed", "http://gone.test/rss.xml"
    )
    assert down.returncode == 1 and "feed:gone.test: failed" in down.stderr, down.stderr
    # through a proxy (the demo's sample web) nothing but the proxy can refuse: it is named, not the site
    assert "connection refused by the proxy http://127.0.0.1:" in down.stderr, down.stderr
    empty = [p.name for p in (tmp_path / "archive").glob("*") if p.stat().st_size == 0]
    assert not empty, f"a run that archived nothing leaves no empty WARC behind: {empty}"
    assert unknown.returncode == 2, unknown.stderr
    assert unknown.stderr.strip().splitlines() == [
        "Error: unknown source 'tass'; did you mean tass-en, tass-ru? (`provtrack sources` lists them)"
    ]


def test_a_crawl_under_cron_logs_to_a_file_and_deletes_its_logs_older_than_30_days(tmp_path):
    """Its own logs and those from before 0.2.2, which name no database; another database's logs in
    the same folder are that database's to prune, by its own PROVTRACK_LOG_KEEP_DAYS."""
    logs = tmp_path / "logs"
    logs.mkdir()
    month_ago = time.time() - 31 * 86400
    old, recent = logs / "crawl-cron-20261001T001700-4242.log", logs / "crawl-cron-20261120T001700-4242.log"
    old_worker = logs / "crawl-host-4242-1a2b3c-cron-20261001T001700-4242.log"
    unnamed, unnamed_with_pid = logs / "crawl-20261001T001700.log", logs / "crawl-20261002T001700-31337.log"
    others = [logs / f"crawl-{by}other-20261001T001700-7.log" for by in ("", "host-7-d4e5f6-")]
    cron = logs / "crawl.log"  # a user's `>> data/logs/crawl.log`: not a name provtrack gives its logs
    for path in (old, old_worker, unnamed, unnamed_with_pid, *others, recent, cron):
        path.write_text("earlier run\n")
    for path in (old, old_worker, unnamed, unnamed_with_pid, *others, cron):
        os.utime(path, (month_ago, month_ago))
    db = tmp_path / "cron.duckdb"
    feed = Reply(200, rss([]), content_type="application/rss+xml")
    with MockWeb({"http://quiet.test/rss.xml": feed}) as web:
        result = crawl(db, web.proxy, "--feed", "http://quiet.test/rss.xml")
    assert result.returncode == 0, result.stderr
    gone = (old, old_worker, unnamed, unnamed_with_pid)
    assert not any(p.exists() for p in gone), "older than 30 days (the default)"
    assert recent.exists() and cron.exists(), "newer logs, and files provtrack did not name, stay"
    assert all(p.exists() for p in others), "the logs of another database sharing the folder stay"
    new = [p for p in logs.glob("crawl-cron-*.log") if p not in (recent, old)]
    assert len(new) == 1 and "Spider closed" in new[0].read_text(), "stderr is no terminal: a log file"
    summary = new[0].read_text().splitlines()[-1]  # greppable over months: time, run and the source's line
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[provtrack\] run 1: feed:quiet\.test: ok - .*", summary
    ), summary


def test_a_crawl_does_not_import_scrapys_remote_control_unless_s_turns_it_on():
    """Scrapy's remote control, off in provtrack's settings, imports aiohttp (0.1 s of every hourly
    run's start) when its class is merely listed; left out of the list, it costs nothing, and
    `-s REMOTE_CONTROL_ENABLED=True` still brings it back."""
    probe = (
        "import sys\n"
        "from scrapy.extension import ExtensionManager\n"
        "from scrapy.utils.misc import load_object\n"
        "from crawlers.runner import build_settings\n"
        "overrides = dict(arg.split('=', 1) for arg in sys.argv[1:])\n"
        "listed = ExtensionManager._get_mwlist_from_settings(build_settings(overrides, None, True))\n"
        "loaded = [load_object(path) for path in listed]  # as Scrapy does before asking each\n"
        "print(any(c.__name__ == 'RemoteControl' for c in loaded), 'aiohttp' in sys.modules)\n"
    )

    def run(*overrides: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, *overrides], capture_output=True, text=True, cwd=PROJECT_ROOT
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run() == "False False"
    assert run("REMOTE_CONTROL_ENABLED=True") == "True True"


def test_misspelt_settings_are_caught_before_the_crawl(tmp_path):
    """An unknown provtrack setting, a Scrapy number that is none, and a provtrack value out of its
    type or range are refused before anything starts (exit 2, no run), each named in one line (one
    refused crawl asks all four); an unknown Scrapy name is only a warning (an add-on may read it)."""
    with MockWeb({}) as web:
        scrapys = crawl(
            tmp_path / "x.duckdb", web.proxy, "--feed", "http://gone.test/rss.xml", "-s", "DOWNLOAD_DELAI=0"
        )
        refused = crawl(
            tmp_path / "x.duckdb", web.proxy,
            "-s", "PROVTRACK_BATCH_SIZ=10", "-s", "DOWNLOAD_DELAY=abc",
            "-s", "PROVTRACK_WARC_GZIP_LEVEL=42", "-s", "PROVTRACK_LOG_KEEP_DAYS=abc",
        )  # fmt: skip
        bad_value = crawl(
            tmp_path / "v.duckdb",
            web.proxy,
            "--feed",
            "http://a.test/rss",
            "-s",
            "SCHEDULER=no.such.Scheduler",
        )
    assert (
        "-s DOWNLOAD_DELAI is not a Scrapy or provtrack setting (did you mean DOWNLOAD_DELAY?)"
        in scrapys.stderr
    )
    assert scrapys.returncode == 1, "an add-on may read it: warned about, then the crawl runs"
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.strip() == "Error: " + "; ".join(
        [
            "-s PROVTRACK_BATCH_SIZ: no such provtrack setting (did you mean PROVTRACK_BATCH_SIZE?)",
            # a Scrapy number is checked before anything starts too: it failed the run after it had begun
            "-s DOWNLOAD_DELAY=abc: want a number",
            # a provtrack setting's value too: 42 failed every source one by one
            "-s PROVTRACK_WARC_GZIP_LEVEL=42: want a whole number, 0 to 9",
            "-s PROVTRACK_LOG_KEEP_DAYS=abc: want a number, 0 or more",
        ]
    )
    assert bad_value.returncode == 1, bad_value.stderr
    assert "the crawler could not start:" in bad_value.stderr and "-s values" in bad_value.stderr
    log = next(p for p in (tmp_path / "logs").glob("crawl-*.log") if "could not start" in p.read_text())
    ending = [line for line in log.read_text().splitlines() if "[provtrack]" in line]
    assert len(ending) == 1 and "run 1: failed: the crawler could not start" in ending[0], "no source ran"
    assert rows(tmp_path / "v.duckdb", "SELECT status FROM runs") == [("failed",)], "a failure, not a stop"
    utf16 = tmp_path / "urls.txt"
    utf16.write_text("http://a.test/1.html\n", encoding="utf-16")
    with MockWeb({}) as web:
        unreadable = crawl(tmp_path / "x.duckdb", web.proxy, "--urls", str(utf16))
    assert unreadable.returncode == 2 and f"--urls {utf16}: not UTF-8 text" in unreadable.stderr
    assert rows(tmp_path / "x.duckdb", "SELECT count(*) FROM runs") == [(1,)], (
        "the refused crawls left no run"
    )


# -- a crawl killed halfway ------------------------------------------------------------------------


def test_crawl_killed_with_sigkill_resumes_and_stores_every_page_once(tmp_path):
    n = 40
    urls = [f"http://kill.test/news/2026/11/18/story-{i}.html" for i in range(n)]
    routes = {
        "http://kill.test/rss.xml": Reply(
            200,
            rss([(u, f"s{i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)]),
            content_type="application/rss+xml",
        )
    }
    for i, url in enumerate(urls):
        routes[url] = Reply(
            200,
            article_html(
                f"Story {i}",
                [
                    f"Story number {i} tells of harbour number {i} and "
                    f"its {i * 7} cranes, built by firm {i * 13}."
                ]
                * 5,
            ),
            delay=0.1 if i < n - 10 else 0.6,  # the last pages slow: the kill cannot come after them all
        )
    db = tmp_path / "kill.duckdb"
    command = [
        *PROVTRACK,
        "--db",
        str(db),
        "crawl",
        "--feed",
        "http://kill.test/rss.xml",
        "--no-link",
        *FAST,
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s",
        "PROVTRACK_BATCH_SIZE=4",
    ]
    with MockWeb(routes) as web:
        process = subprocess.Popen(
            [*command, "-s", f"PROVTRACK_PROXY={web.proxy}"],
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        # half the pages asked for and a batch stored (on a loaded machine cleaning lags the fetching)
        while time.monotonic() < deadline and len(web.requested(lambda u: "/news/" in u)) < n - 4:
            if len(web.requested(lambda u: "/news/" in u)) >= n // 2 and _stored_articles(db):
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        first = set(web.requested(lambda u: "/news/" in u))
        assert 0 < len(first) < n, "the kill must land mid-crawl"
        stored_before = {url for (url,) in rows(db, "SELECT url FROM articles")}
        web.log.clear()
        result = subprocess.run(
            [*command, "-s", f"PROVTRACK_PROXY={web.proxy}"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        second = set(web.requested(lambda u: "/news/" in u))
    assert stored_before, "some batches were committed before the kill"
    assert not stored_before & second, "pages stored before the kill are not fetched again"
    counts = rows(db, "SELECT url, count(*) FROM articles GROUP BY url")
    assert sorted(counts) == sorted((url, 1) for url in urls), "every page stored exactly once"
    statuses = [s for (s,) in rows(db, "SELECT status FROM runs ORDER BY run_id")]
    assert statuses == ["interrupted", "ok"]
    # what the killed run stored is said by `runs` (its counts were empty)
    message, counts = rows(db, "SELECT message, counts FROM runs WHERE run_id = 1")[0]
    assert f"kept: {len(stored_before)} article version" in message, message
    assert json.loads(counts) == {"article versions": len(stored_before)}
    # the killed run's own log just stops: the README's grep of the logs finds it in the next run's
    logs = "".join(path.read_text() for path in (tmp_path / "logs").glob("crawl-*.log"))
    found = re.findall(r": (?:failed|interrupted|partial)\b.*", logs)
    assert len(found) == 1 and "run 1: interrupted - the crawl started" in logs, logs[-2000:]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_the_crawl_keeps_every_fetched_page_and_exits_130(tmp_path, signum):
    """Ctrl-C at a terminal signals the whole process group, the cleaning workers too; so does the
    SIGTERM of `timeout` or systemd."""
    urls, routes = _slow_news_web(30, delay=0.3)
    db = tmp_path / "ctrl-c.duckdb"
    command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", "--no-link", *FAST]
    command += [
        "-s",
        "PROVTRACK_JOBS=2",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s",
        "PROVTRACK_BATCH_SIZE=2",
    ]
    with MockWeb(routes) as web:
        command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's foreground job has
        )
        deadline = time.monotonic() + 30
        while len(web.requested(lambda u: "/news/" in u)) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(process.pid, signum)
        out, err = process.communicate(timeout=60)
        fetched = set(web.requested(lambda u: "/news/" in u))
        assert 0 < len(fetched) < len(urls), "the interrupt must land mid-crawl"
        stored = {url for (url,) in rows(db, "SELECT url FROM articles")}
        assert process.returncode == 130, err[-2000:]
        assert "Traceback" not in err, err[-3000:]
        assert "crawl interrupted" in err and "left for the next crawl" in err, err[-2000:]
        assert stored == fetched, "every page fetched before the stop is stored, and nothing else"
        assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
        result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    counts = rows(db, "SELECT url, count(*) FROM articles GROUP BY url")
    assert sorted(counts) == sorted((url, 1) for url in urls), "the rerun fetched the rest, each page once"


@pytest.mark.parametrize(
    "component",
    ['EXTENSIONS={"tests.fixtures.crawl.slow_start.SlowStart": 0}',
     'ADDONS={"tests.fixtures.crawl.slow_start.SlowSettings": 0}'],
    ids=["after-the-reactor", "before-the-reactor"],
)  # fmt: skip
def test_a_signal_while_scrapy_builds_the_crawler_stops_the_crawl_before_it_fetches(tmp_path, component):
    """A SIGTERM in the half second Scrapy takes to start: the command line's handler raised its
    KeyboardInterrupt inside Scrapy's start-up, which read "the crawler could not start ... check the -s
    values" (exit 1), or left Scrapy half-registered: the crawl ran to its end, then never exited. Before
    Scrapy installs its reactor, a handler that imported Twisted's installed the wrong one (exit 1)."""
    urls, routes = _slow_news_web(6, delay=0)
    db = tmp_path / "early.duckdb"
    marker = tmp_path / "building"
    command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", "--no-link", *FAST]
    slow_start = ["-s", component]
    slow_start += ["-s", f"SLOW_START_MARKER={marker}", "-s", "SLOW_START_SECONDS=1.5"]
    with MockWeb(routes) as web:
        command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            [*command, *slow_start], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},  # for tests.fixtures
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            os.killpg(process.pid, signal.SIGTERM)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        assert marker.exists(), err[-2000:]
        assert process.returncode == 130, err[-2000:]
        assert "Traceback" not in err and "crawl interrupted" in err, err[-2000:]
        assert web.requested(lambda u: "/news/" in u) == [], "nothing fetched after the stop"
        assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
        result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    assert rows(db, "SELECT count(DISTINCT url), count(*) FROM articles") == [(len(urls), len(urls))]


def test_a_ctrl_c_whose_exception_python_swallowed_still_stops_the_run_before_linking(tmp_path):
    """A Ctrl-C as the crawl stored its last pages raised the command line's KeyboardInterrupt inside a
    garbage-collection callback, where Python only prints "Exception ignored": the run linked, said
    ok and exited 0. The flag the handler sets is now read when the crawl ends."""
    _, routes = _slow_news_web(3, delay=0)
    swallowed = ["-s", 'EXTENSIONS={"tests.fixtures.crawl.swallowed_signal.SwallowedSignal": 0}']
    db = tmp_path / "swallowed.duckdb"
    with MockWeb(routes) as web:
        command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", *FAST]
        result = subprocess.run(
            [*command, "-s", f"PROVTRACK_PROXY={web.proxy}", *swallowed], cwd=PROJECT_ROOT,
            capture_output=True, text=True, timeout=90, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )  # fmt: skip
    assert result.returncode == 130, result.stdout + result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("crawl interrupted: 3 new articles and versions stored"), (
        "a stop asked for is no error"
    )
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
    assert rows(db, "SELECT count(*) FROM link_state") == [(0,)], "linking is left to the next run"


def test_ctrl_c_under_a_download_delay_sends_nothing_more_and_leaves_the_rest_for_the_next_run(tmp_path):
    """With politeness on, Scrapy holds the site's next requests back for the download delay and, on a
    stop, still sent them one per delay before exiting (20 s and more for a Ctrl-C at 5 s a page)."""
    urls, routes = _slow_news_web(10, delay=0)
    db = tmp_path / "polite.duckdb"
    polite = ["-s", "DOWNLOAD_DELAY=1.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    with MockWeb(routes) as web:
        command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", "--no-link"]
        command += [*FAST, *polite, "-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 40
        while len(web.requested(lambda u: "/news/" in u)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        at_signal = len(web.requested(lambda u: "/news/" in u))
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        fetched = set(web.requested(lambda u: "/news/" in u))
    assert process.returncode == 130, err[-2000:]
    assert len(fetched) <= at_signal + 1, "at most the request on its way when the signal came"
    stored = {url for (url,) in rows(db, "SELECT url FROM articles")}
    assert stored == fetched
    assert f"{len(urls) - len(fetched)} left for the next run" in err and " 0 failed" in err, err[-2000:]


def test_a_second_ctrl_c_stops_at_once_without_waiting_for_the_pages_in_flight(tmp_path):
    urls, routes = _slow_news_web(6, delay=6.0)  # pages that take 6 s to come
    db = tmp_path / "twice.duckdb"
    with MockWeb(routes) as web:
        command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", "--no-link"]
        command += [*FAST, "-s", "DOWNLOAD_TIMEOUT=30", "-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 40
        while not web.requested(lambda u: "/news/" in u) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)  # alone, it would wait the 6 s for the pages in flight
        time.sleep(0.5)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert time.monotonic() - started < 4, "it did not wait for the pages in flight"
    assert process.returncode == 130 and "Traceback" not in err, err[-3000:]
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]


def _read_between_batches(db: Path, process: subprocess.Popen) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection a notebook would hold, opened between two batches of the crawl in
    `process` once the first is stored; None if the crawl ended first (or after 60 s)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error:  # a batch has the file open
            time.sleep(0.05)
            continue
        if con.execute("SELECT count(*) FROM articles").fetchone()[0]:
            return con
        con.close()
        time.sleep(0.05)
    return None


def test_a_second_signal_stops_a_crawl_whose_batch_waits_for_a_reader_at_once(tmp_path):
    """The batch waiting for a notebook to close the file went on waiting, up to its 600 s, after the
    second Ctrl-C that should stop the crawl at once; the writer lock was held all that time."""
    urls, routes = _slow_news_web(12, delay=0.05)
    db = tmp_path / "held.duckdb"
    command = [*PROVTRACK, "--db", str(db), "--wait", "1", "crawl", "--feed", "http://slow.test/rss.xml"]
    command += ["--no-link", *FAST, "-s", "PROVTRACK_BATCH_SIZE=2", "-s", "DOWNLOAD_DELAY=0.3"]
    with MockWeb(routes) as web:
        command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            [*command, "-s", "PROVTRACK_BATCH_WAIT_SECONDS=120"], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        reader = None
        try:
            reader = _read_between_batches(db, process)
            assert reader is not None, "the test never got in between two batches"
            time.sleep(1.0)  # the next batch is waiting for the reader now
            process.send_signal(signal.SIGINT)
            time.sleep(0.5)
            started = time.monotonic()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
            stopped_in = time.monotonic() - started
        finally:
            if process.poll() is None:
                process.kill()
            if reader is not None:
                reader.close()
        assert stopped_in < 5, f"it waited {stopped_in:.0f} s for the reader after the second signal"
        assert process.returncode == 130 and "Traceback" not in err, err[-3000:]
        assert "crawl interrupted" in err, err[-2000:]
        rerun = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert rows(db, "SELECT count(DISTINCT url), count(*) FROM articles") == [(len(urls), len(urls))]
    statuses = [s for _, s in rows(db, "SELECT run_id, status FROM runs WHERE command = 'crawl' ORDER BY 1")]
    assert statuses == ["interrupted", "ok"]


def test_a_signal_during_the_link_stage_after_a_crawl_still_stops_it(tmp_path):
    """Scrapy's signal handlers must not outlive the crawl: the link stage after it is interruptible."""
    urls, routes = _slow_news_web(4, delay=0)
    db, marker = tmp_path / "link.duckdb", tmp_path / "linking"
    slow_link = (
        "import sys, time, pathlib, pipelines.link as link\n"
        "def slow(*args, **kwargs):\n"
        f"    pathlib.Path({str(marker)!r}).touch()\n"
        "    time.sleep(60)\n"
        "link.link_articles = slow\n"
        "from pipelines.cli import main\n"
        "sys.argv = ['provtrack', *sys.argv[1:]]\n"
        "main()\n"
    )
    with MockWeb(routes) as web:
        command = [
            sys.executable,
            "-c",
            slow_link,
            "--db",
            str(db),
            "crawl",
            "--feed",
            "http://slow.test/rss.xml",
        ]
        command += [*FAST, "-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 40
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), process.communicate(timeout=10)[1][-2000:]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 10, "the signal was not left waiting for the link stage to end"
    assert process.returncode == 130, err[-2000:]
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
    assert rows(db, "SELECT count(*) FROM articles") == [(len(urls),)], "the crawl's articles stay stored"
    (log,) = (tmp_path / "logs").glob("crawl-*.log")
    ending = log.read_text().splitlines()[-1]  # the sources' lines said ok: the log must not end there
    assert ending.endswith("run 1: interrupted while linking"), ending
    # what each source did is kept: the cron mail had one line, `runs` only a count of article versions
    assert "4 articles fetched" in err and ": ok - " in err, err[-2000:]
    counts, message = rows(db, "SELECT counts, message FROM runs")[0]
    (source,) = json.loads(counts).values()
    assert source["status"] == "ok" and source["new_articles"] == 4, counts
    assert message == "stopped by a signal while linking", message


def _slow_news_web(n: int, delay: float) -> tuple[list[str], dict]:
    urls = [f"http://slow.test/news/2026/11/18/story-{i}.html" for i in range(n)]
    routes = {
        "http://slow.test/rss.xml": Reply(
            200,
            rss([(u, f"s{i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)]),
            content_type="application/rss+xml",
        )
    }
    for i, url in enumerate(urls):
        paragraph = (
            f"Story number {i} tells of harbour number {i} and its {i * 7} cranes, built by firm {i * 13}."
        )
        routes[url] = Reply(200, article_html(f"Story {i}", [paragraph] * 5), delay=delay)
    return urls, routes


def test_researchers_can_query_while_a_crawl_runs_and_a_second_crawl_gives_way(tmp_path):
    # 24 pages half a second apart (the download delay): a 12 s crawl, long enough for two queries on a
    # loaded machine (without a delay Scrapy 2.19 fetches a site's queued pages all at once)
    urls, routes = _slow_news_web(24, delay=0.1)
    db = tmp_path / "busy.duckdb"
    crawl_command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", "--no-link"]
    crawl_command += [*FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "PROVTRACK_BATCH_SIZE=2"]
    crawl_command += ["-s", "DOWNLOAD_DELAY=0.5"]
    query = [*PROVTRACK, "--db", str(db), "--wait", "10", "query", "select count(*) AS n from articles"]
    counts_during = []
    with MockWeb(routes) as web:
        crawl_command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            crawl_command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            while not web.requested(lambda u: "/news/" in u) and time.monotonic() < deadline:
                time.sleep(0.05)
            second = subprocess.Popen(
                [*crawl_command[:3], "--wait", "1", *crawl_command[3:]],
                cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            while process.poll() is None and time.monotonic() < deadline:
                started = time.monotonic()
                result = subprocess.run(
                    [*query, "--format", "csv"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
                )
                assert result.returncode == 0, f"a query during the crawl failed: {result.stderr}"
                if process.poll() is None:
                    counts_during.append((int(result.stdout.split()[-1]), time.monotonic() - started))
            out, err = process.communicate(timeout=60)
            second_err = second.communicate(timeout=60)[1]
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err.decode()[-2000:]
    assert second.returncode == 75 and "being written by" in second_err, second_err
    assert len(second_err.strip().splitlines()) == 1, "one line, not a traceback"
    logs = sorted((tmp_path / "logs").glob("crawl-*.log"))
    assert len(logs) == 2 and all(log.name.startswith("crawl-busy-") for log in logs), (
        f"one log per run, named after its database: {[log.name for log in logs]}"
    )
    logged = [line for log in logs for line in log.read_text().splitlines()]
    assert any("crawl: not started (exit 75) - " in line and "being written by" in line for line in logged), (
        "under cron the logs folder accounts for the run that could not start"
    )
    assert len(counts_during) >= 2, "queries were answered while the crawl was still running"
    seen = [n for n, _ in counts_during]
    assert seen == sorted(seen) and any(0 < n < len(urls) for n in seen), (
        f"they saw the crawl progress: {seen}"
    )
    assert max(seconds for _, seconds in counts_during) < 10, "no query waited out the crawl"
    assert rows(db, "SELECT count(DISTINCT url), count(*) FROM articles") == [(len(urls), len(urls))]


def test_a_crawl_whose_batch_waits_out_a_reader_fails_in_one_line_and_the_next_run_finishes(tmp_path):
    """A notebook left open on the database all night: the crawl's next batch waits for it, then
    gives up. It exited 75 with --wait's "another run holds it" line (the run looked locked out, and
    the crawl's own error was lost) and left its run `running`; then each batch queued behind the
    failed one waited out the reader again, writer lock held. Then the failure waited --wait (60 s by
    default) more to be recorded, and its line read "storing failed: DatabaseLocked: ..."."""
    urls, routes = _slow_news_web(12, delay=0.05)
    db = tmp_path / "held.duckdb"
    command = ["crawl", "--feed", "http://slow.test/rss.xml", "--no-link", *FAST]  # the default --wait
    command += [
        "-s",
        "PROVTRACK_BATCH_SIZE=2",
        "-s",
        "DOWNLOAD_DELAY=0.3",
        "-s",
        "PROVTRACK_BATCH_WAIT_SECONDS=3",
    ]
    with MockWeb(routes) as web:
        command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            [*PROVTRACK, "--db", str(db), *command], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        reader = None
        try:
            reader, held_since = _read_between_batches(db, process), time.monotonic()
            out, err = process.communicate(timeout=60)
            gave_up_in = time.monotonic() - held_since if reader else None
            held = reader.execute("SELECT count(*) FROM articles").fetchone()[0] if reader else None
        finally:
            if process.poll() is None:
                process.kill()
            if reader is not None:
                reader.close()
        assert reader is not None, "the test never got in between two batches"
        assert process.returncode == 1, err[-2000:]
        assert gave_up_in < 8, f"{gave_up_in:.0f} s: the batches queued behind waited out the reader too"
        # a new database (said once), what the source kept, then the one error line
        new_database, source_line, error = err.strip().splitlines()
        assert new_database.endswith("; making a new one"), new_database
        assert source_line.startswith("feed:slow.test: interrupted") and "Traceback" not in err, err[-2000:]
        fetched, new, left = (
            int(re.search(pattern, source_line).group(1))
            for pattern in (r"(\d+) articles? fetched", r"; (\d+) new,", r"(\d+) left for the next run")
        )
        assert fetched == new and new + left == len(urls), (
            f"each page stored or left for the next run, none fetched and lost from the count: {source_line}"
        )
        assert (
            error.startswith("Error: storing failed:") and "raise -s PROVTRACK_BATCH_WAIT_SECONDS" in err
        ), err
        assert "DatabaseLocked" not in error, error
        rerun = subprocess.run([*PROVTRACK, "--db", str(db), *command], cwd=PROJECT_ROOT, capture_output=True,
                               text=True, timeout=120)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{len(urls) - held} new" in rerun.stdout, (held, rerun.stdout)
    statuses = [s for _, s in rows(db, "SELECT run_id, status FROM runs WHERE command = 'crawl' ORDER BY 1")]
    assert statuses == ["interrupted", "ok"], "marked by the next run, since the reader refused the line"
    assert rows(db, "SELECT count(DISTINCT url), count(*) FROM articles") == [(len(urls), len(urls))]


def _pause_after_crawl(crawled: Path, held: Path) -> str:
    """`provtrack` (as `python -c`) that touches `crawled` once the crawl's last batch is stored, then
    waits for `held` before it links and records the run: a reader opened in between is deterministic."""
    return (
        "import pathlib, sys, time, crawlers.runner as runner\n"
        "crawled = runner.run_crawl\n"
        "def crawl_then_pause(*args, **kwargs):\n"
        "    reports = crawled(*args, **kwargs)\n"
        f"    pathlib.Path({str(crawled)!r}).touch()\n"
        f"    while not pathlib.Path({str(held)!r}).exists():\n"
        "        time.sleep(0.05)\n"
        "    return reports\n"
        "runner.run_crawl = crawl_then_pause\n"
        "from pipelines.cli import main\n"
        "sys.argv = ['provtrack', *sys.argv[1:]]\n"
        "main()\n"
    )


@pytest.mark.parametrize("reader_for", ["seconds", "past the batch wait"])
def test_a_reader_opened_after_the_last_batch_is_waited_for_as_a_batch_waits(tmp_path, reader_for):
    """A notebook opened on the database just after a crawl's last batch: the crawl, its work done, then
    waited only --wait to link and record its end, and exited 75 ("another run holds it", cron tries
    again) with no line for any source, nothing linked and its run left `running`. It waits as long as
    a batch does; a reader that outlasts that too makes the run fail as a batch would: exit 1, each
    source's line, one error line, and the next run links what it stored."""
    urls, routes = _slow_news_web(3, delay=0)
    db, crawled, held = tmp_path / "end.duckdb", tmp_path / "crawled", tmp_path / "held"
    batch_wait = "30" if reader_for == "seconds" else "2"
    command = ["--db", str(db), "--wait", "1", "crawl", "--feed", "http://slow.test/rss.xml", *FAST]
    command += ["-s", f"PROVTRACK_BATCH_WAIT_SECONDS={batch_wait}"]  # with the link stage, as cron runs it
    with MockWeb(routes) as web:
        command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(
            [sys.executable, "-c", _pause_after_crawl(crawled, held), *command], cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        reader = None
        try:
            deadline = time.monotonic() + 60
            while not crawled.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert crawled.exists(), process.communicate(timeout=10)[1][-2000:]
            reader = duckdb.connect(str(db), read_only=True)
            held.touch()
            if reader_for == "seconds":
                time.sleep(4)  # past --wait, well within the batch wait
                reader.close()
                reader = None
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
            if reader is not None:
                reader.close()
        source_line = "feed:slow.test: ok - 1/1 feeds/sitemaps/sites read (0 unchanged), 3 articles fetched"
        if reader_for == "seconds":
            assert process.returncode == 0, err[-2000:]
            assert source_line in out and "3 articles indexed" in out, out
            assert rows(db, "SELECT status FROM runs") == [("ok",)]
            return
        assert process.returncode == 1, f"not 75: this run was not locked out, it failed\n{err[-2000:]}"
        new_database, line, error = err.strip().splitlines()
        assert line.startswith(source_line), f"what the source did is said all the same: {err[-2000:]}"
        assert error.startswith("Error: the crawl ran to its end but could not link what it stored"), error
        assert "raise -s PROVTRACK_BATCH_WAIT_SECONDS" in error and "next run links" in error, error
        (log,) = (tmp_path / "logs").glob("crawl-*.log")
        assert log.read_text().splitlines()[-1].endswith(error.removeprefix("Error: ")), "the log says so too"
        rerun = subprocess.run([*PROVTRACK, *command], cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=120)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "3 articles indexed" in rerun.stdout, f"the next run links what this one stored: {rerun.stdout}"
    statuses = [s for _, s in rows(db, "SELECT run_id, status FROM runs ORDER BY 1")]
    assert statuses == ["interrupted", "ok"], "marked by the next run, since the reader refused the line"


def test_a_crawl_whose_cleaning_worker_is_killed_fails_in_one_line_and_the_next_run_finishes(tmp_path):
    """The out-of-memory killer picks a cleaning worker: every later page failed with a traceback in
    the log, then the pool waited for ever for the other workers (which ignore SIGTERM), writer lock
    held, and every later cron run exited 75."""
    urls, routes = _slow_news_web(20, delay=0.05)
    db = tmp_path / "oom.duckdb"
    command = [*PROVTRACK, "--db", str(db), "crawl", "--feed", "http://slow.test/rss.xml", "--no-link", *FAST]
    command += ["-s", "PROVTRACK_JOBS=2", "-s", "DOWNLOAD_DELAY=0.2", "-s", "PROVTRACK_BATCH_SIZE=2"]
    with MockWeb(routes) as web:
        command += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while len(web.requested(lambda u: "/news/" in u)) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            assert len(workers) == 2, workers
            os.kill(int(workers[0]), signal.SIGKILL)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 1, err[-2000:]
        # a new database (said once), what the source kept, then the one error line
        new_database, source_line, error = err.strip().splitlines()
        assert new_database.endswith("; making a new one"), new_database
        assert "a cleaning worker process died" in error, err[-2000:]
        (status, counts), stored = rows(db, "SELECT status, counts FROM runs")[0], _stored_articles(db)
        assert status == "failed" and json.loads(counts)["feed:slow.test"]["new_articles"] == stored
        assert source_line.startswith("feed:slow.test: interrupted") and f"{stored} new" in source_line
        rerun = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{len(urls) - stored} new" in rerun.stdout, rerun.stdout
    assert rows(db, "SELECT count(DISTINCT url), count(*) FROM articles") == [(len(urls), len(urls))]


# -- the site spider on a mock news web around real pages -----------------------------------------


def test_a_site_whose_feed_lists_its_linked_articles_counts_each_once_with_the_feeds_date(tmp_path):
    """The home page links four articles and announces a feed listing them: two requests for each URL,
    one dropped by the scheduler as a duplicate. The line said "8 articles fetched" for 4 pages, and
    three of them lost the feed's publication date."""
    db = tmp_path / "site.duckdb"
    with SampleWeb(DEMO_WEB) as web:
        result = crawl(db, web.proxy, "--site", "http://river-city-news.example/", "--no-link")
        fetched = [u for u in web.requests if "/news/" in u]
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(fetched) == len(set(fetched)) == 4
    assert "4 articles fetched, 0 already seen; 4 new," in result.stdout, result.stdout
    dated = rows(db, "SELECT count(DISTINCT article_id) FROM article_dates WHERE source = 'feed'")
    assert dated == [(4,)], "the feed's date kept for every article"


def test_site_spider_and_gzipped_sitemaps_on_a_mock_web_of_real_pages(tmp_path):
    if not (CORPORA / "pages").exists():
        pytest.skip(
            f"{CORPORA / 'pages'} not found: the real corpora live in ../shared/corpora beside the checkout"
        )
    pages = corpus_pages(CORPORA, limit=60)
    sites = build_news_web(tmp_path / "web", pages, hosts=2)
    db = tmp_path / "site.duckdb"
    with SampleWeb(tmp_path / "web") as web:
        result = crawl(
            db,
            web.proxy,
            "--site",
            sites[0]["home"],
            "--sitemap",
            sites[1]["sitemap"],
            "-s",
            "PROVTRACK_JOBS=2",
            timeout=80,
        )
        requested = list(web.requests)
    assert result.returncode in (0, 3), result.stderr[-2000:]
    stored = {url for (url,) in rows(db, "SELECT url FROM articles")}
    for site in sites:
        found = len(stored & set(site["articles"]))
        assert found >= 0.8 * len(site["articles"]), (
            f"{site['host']}: {found}/{len(site['articles'])} stored\n{result.stdout}"
        )
    dates = dict(rows(db, "SELECT source, count(*) FROM article_dates GROUP BY 1"))
    assert dates.get("sitemap", 0) >= 0.8 * len(sites[1]["articles"]), (
        "news:publication_date kept from the gzipped sitemap"
    )
    assert sites[0]["feed"] in requested, "the feed the home page announces was read"
    assert sites[0]["sitemap"] in requested, "the sitemap robots.txt names was read"


def test_a_listed_page_reached_through_a_redirecting_site_link_is_stored(tmp_path):
    """The home page links /p/1, which redirects to /p/1/, the URL the feed lists."""
    listed = rss([("http://moved.test/p/1/", "Port record", "Tue, 17 Nov 2026 10:00:00 GMT")])
    page = article_html(
        "Port record", ["Riga port handled a record tonnage of grain this autumn."] * 6, og_type="website"
    )
    routes = {
        "http://moved.test/": Reply(200, home_html(["/p/1"])),
        # the redirect is followed before the feed is read, and the page it leads to comes after
        "http://moved.test/rss.xml": Reply(200, listed, content_type="application/rss+xml", delay=0.7),
        "http://moved.test/p/1": Reply(301, headers={"Location": "http://moved.test/p/1/"}),
        "http://moved.test/p/1/": Reply(200, page, delay=2),
    }
    db = tmp_path / "moved.duckdb"
    with MockWeb(routes) as web:
        result = crawl(db, web.proxy, "--site", "http://moved.test/")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert rows(db, "SELECT url FROM articles") == [("http://moved.test/p/1/",)]


@pytest.mark.parametrize("slow", ["feed", "links"])
def test_a_page_a_feed_lists_is_an_article_even_when_the_site_spider_reached_it_first(tmp_path, slow):
    """The home page links two pages and announces the feed that lists them. Whichever comes back first
    (the feed, or the linked pages), the scheduler drops the second request for each URL as a duplicate:
    a listed page that does not look like an article (og:type website), or that fails, was lost, and
    its article counted as "no response" on every run."""
    delay = {"feed": 1.5 if slow == "feed" else 0.0, "links": 1.5 if slow == "links" else 0.0}
    listed = rss(
        [
            ("http://listed.test/p/1/", "Port record", "Tue, 17 Nov 2026 10:00:00 GMT"),
            ("http://listed.test/p/2/", "Gone", "Tue, 17 Nov 2026 11:00:00 GMT"),
        ]
    )
    plain = article_html(
        "Port record", ["Riga port handled a record tonnage of grain this autumn."] * 6, og_type="website"
    )
    routes = {
        "http://listed.test/": Reply(200, home_html(["/p/1/", "/p/2/"])),
        "http://listed.test/rss.xml": Reply(
            200, listed, content_type="application/rss+xml", delay=delay["feed"]
        ),
        "http://listed.test/p/1/": Reply(200, plain, delay=delay["links"]),
        "http://listed.test/p/2/": Reply(404, "not found", content_type="text/plain", delay=delay["links"]),
    }
    db = tmp_path / "listed.duckdb"
    with MockWeb(routes) as web:
        result = crawl(db, web.proxy, "--site", "http://listed.test/")
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    line = next(x for x in result.stderr.splitlines() if x.startswith("site:listed.test"))
    assert "2 articles fetched, 0 already seen; 1 new," in line, result.stderr
    assert line.endswith("1 failed -- http://listed.test/p/2/: HTTP 404"), result.stderr
    stored = rows(
        db,
        "SELECT a.url, d.value FROM articles a JOIN article_dates d USING (article_id) "
        "WHERE d.source = 'feed'",
    )
    assert stored == [("http://listed.test/p/1/", datetime(2026, 11, 17, 10, 0))], "with the feed's date"


def test_the_sample_web_holds_a_crawlers_burst_of_connections_without_dropping_any(tmp_path):
    """A crawl opens dozens of connections at once. With socketserver's listen backlog of 5, Linux
    dropped the handshakes beyond it and each client tried again only after 1 s: the demo and the
    crawl benchmark sat idle for seconds on their own loopback server. Here 64 handshakes complete
    before the server accepts a single one (it is not started: the listen queue alone holds them)."""
    web = SampleWeb(tmp_path)
    host, port = web.server.server_address[:2]
    opened = []
    try:
        for _ in range(64):
            opened.append(socket.create_connection((host, port), timeout=0.5))
    finally:
        for connection in opened:
            connection.close()
        web.server.server_close()
    assert len(opened) == 64


def test_the_sample_web_keeps_a_connection_open_for_the_next_request_as_real_sites_do(tmp_path):
    """An HTTP/1.0 server closes the connection after each response, so a crawl of the sample web paid
    a new TCP connection per page, which a crawl of a real site (keep-alive) does not: the crawl
    benchmark spent about 0.5 s of the crawler's CPU on connections no real crawl opens."""
    (tmp_path / "site.test").mkdir()
    (tmp_path / "site.test" / "a.html").write_text("<p>a</p>")
    (tmp_path / "site.test" / "b.html").write_text("<p>bb</p>")
    with SampleWeb(tmp_path) as web:
        host, port = web.server.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=5)
        try:
            bodies = []
            for path in ("a.html", "b.html"):
                connection.request("GET", f"http://site.test/{path}")
                bodies.append(connection.getresponse().read())
                assert connection.sock is not None, "the server closed the connection after a response"
        finally:
            connection.close()
    assert bodies == [b"<p>a</p>", b"<p>bb</p>"]


RIGA = ["The port of Riga handled a record 412,000 containers in ten months, officials said on Tuesday."] * 3


def _urlset(*urls: str) -> str:
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        + "</urlset>"
    )


#: how a listed page fails for good: its answer, and the hits three runs make on it
_GONE = {
    "404": (Reply(404, "not found", content_type="text/plain"), 2),
    "410": (Reply(410, "gone", content_type="text/plain"), 2),
    "pdf": (Reply(200, b"%PDF-1.4 ...", content_type="application/pdf"), 2),
    "javascript": (Reply(302, "", headers={"Location": "javascript:void(0)"}), 2),
    "oversize": (Reply(200, b"<html><body>" + b"<p>x</p>" * 300_000 + b"</body></html>"), 2),
    "robots": (Reply(200, article_html("Private", RIGA)), 0),  # robots.txt disallows it: never asked
}


def test_a_listed_page_that_is_gone_or_no_html_is_tried_twice_then_left_alone(tmp_path):
    """A deleted story stays in an archive sitemap for months, and feeds link PDFs: each was fetched
    (and the source `partial`, exit 3) every hour for as long as it was listed. Now it is fetched once
    more in the re-check window, as any page is, and then no more; a 503 is still tried every run. So
    are pages refused for good: robots.txt rules, the download limit, a redirect to javascript: (a URL
    list of such pages went `failed`, exit 1, from its second run on). The 503's sitemap is read by the
    first run too, and once more by a run of its own outside the re-check window."""
    ok, busy = "http://g.test/news/ok.html", "http://g.test/news/busy.html"
    gone = {case: f"http://g.test/news/gone-{case}.html" for case in _GONE}
    routes = {
        "http://g.test/sitemap.xml": Reply(200, _urlset(ok, *gone.values()), content_type="application/xml"),
        "http://g.test/sitemap-busy.xml": Reply(200, _urlset(busy), content_type="application/xml"),
        "http://g.test/robots.txt": Reply(
            200, "User-agent: *\nDisallow: /news/gone-robots.html\n", content_type="text/plain"
        ),
        ok: Reply(200, article_html("Riga port", RIGA)),
        busy: Reply(503, "try later", content_type="text/plain"),
    }
    routes |= {gone[case]: reply for case, (reply, _) in _GONE.items()}
    db = tmp_path / "x.duckdb"
    recheck_now = ("-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0", "-s", "DOWNLOAD_MAXSIZE=1000000")
    sitemap, busy_sitemap = (
        ("--sitemap", "http://g.test/sitemap.xml"),
        ("--sitemap", "http://g.test/sitemap-busy.xml"),
    )
    with MockWeb(routes) as web:
        runs = [crawl(db, web.proxy, *sitemap, *busy_sitemap, *recheck_now)]
        busy_hits = [web.hits[busy]]
        runs += [crawl(db, web.proxy, *sitemap, *recheck_now) for _ in "23"]
        busy_again = crawl(db, web.proxy, *busy_sitemap)
        busy_hits.append(web.hits[busy] - busy_hits[0])
    assert [r.returncode for r in runs] == [3, 3, 0], [r.stdout for r in runs]
    hits = {case: web.hits[url] for case, url in gone.items()}
    assert hits == {case: n for case, (_, n) in _GONE.items()}, "fetched, re-checked once, then left alone"
    assert f"0 articles fetched, {len(gone) + 1} already seen" in runs[2].stdout, runs[2].stdout
    assert busy_again.returncode == 3 and all(busy_hits), f"a 503 is tried every run: {busy_hits}"


#: which listing of a site is answered first, the other half a second later, as the host it is crawled at
FIRST = {"feed": "feed-first.test", "sitemap": "sitemap-first.test"}


def test_a_feed_link_redirecting_to_the_url_the_sitemap_lists_is_one_article_and_no_failure(tmp_path):
    """The feed lists /news/riga-port, which redirects to /news/riga-port/, the URL the sitemap lists.
    The duplicate filter dropped one of the two requests and the run called it a failure (exit 3),
    whichever was read first (a site each way in one crawl); the next run fetched the short URL again."""

    def listed(host: str) -> tuple[str, str, dict]:
        short, final = f"http://{host}/news/riga-port", f"http://{host}/news/riga-port/"
        pages = {
            short: Reply(301, "", headers={"Location": final}),
            final: Reply(200, article_html("Riga port", RIGA)),
        }
        return short, final, pages

    db, runs, hits = _crawled_twice_through_feed_and_sitemap(tmp_path, listed)
    for first, host, stored in _each_site_ok_and_its_page_dated_by_the_feed(db, runs):
        short, final, _ = listed(host)
        assert stored == [(final,)], f"{first} read first: {stored}"
        assert hits[final] == 1 and hits[short] == 1, f"{first} read first: {dict(hits)}"


def _each_site_ok_and_its_page_dated_by_the_feed(db: Path, runs):
    """For each site of _crawled_twice_through_feed_and_sitemap: checks what both of its tests ask
    (both runs exit 0, the site's feed and sitemap ok in each, the feed's date given to the page),
    then yields (which listing is read first, host, the URLs stored at the host) for their own checks."""
    said = "".join(run.stdout + run.stderr[-1500:] for run in runs)
    for first, host in FIRST.items():
        assert _ok_lines(runs, host) == 4, f"{first} read first: {said}"
        stored = rows(db, "SELECT url FROM articles WHERE starts_with(url, ?)", [f"http://{host}/"])
        dates = rows(
            db,
            "SELECT source FROM article_dates JOIN articles USING (article_id) WHERE source = 'feed' "
            "AND starts_with(url, ?)",
            [f"http://{host}/"],
        )
        assert dates == [("feed",)], f"{first} read first: the feed's date went to the page"
        yield first, host, stored
    assert [r.returncode for r in runs] == [0, 0], runs[0].stdout + runs[0].stderr[-1500:]


def _ok_lines(runs, host: str) -> int:
    """How many of `runs`' summary lines say the feed or the sitemap of `host` was ok."""
    ok = (f"feed:{host}: ok - ", f"sitemap:{host}: ok - ")
    return sum(line.startswith(ok) for run in runs for line in run.stdout.splitlines())


def _crawled_twice_through_feed_and_sitemap(tmp_path, listed):
    """Two crawls of two sites, each with a feed and a sitemap, at the hosts FIRST names: at
    feed-first.test the feed is answered half a second before the sitemap, at sitemap-first.test the
    other way round. listed(host) gives the URL the feed lists, the URL the sitemap lists, and the
    pages that serve the rest. Returns (database, the two runs, hits per URL)."""
    routes, args = {}, []
    for first, host in FIRST.items():
        in_feed, in_sitemap, pages = listed(host)
        feed, sitemap = f"http://{host}/rss.xml", f"http://{host}/sitemap.xml"
        routes[feed] = Reply(
            200,
            rss([(in_feed, "Riga", "Tue, 17 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
            delay=0 if first == "feed" else 0.5,
        )
        routes[sitemap] = Reply(
            200, _urlset(in_sitemap), content_type="application/xml", delay=0 if first == "sitemap" else 0.5
        )
        routes |= pages
        args += ["--feed", feed, "--sitemap", sitemap]
    db = tmp_path / "x.duckdb"
    with MockWeb(routes) as web:
        runs = [crawl(db, web.proxy, *args) for _ in range(2)]
        hits = Counter(web.hits)  # a copy, with 0 for URLs never asked for
    return db, runs, hits


def test_one_page_listed_with_lower_and_upper_case_escapes_is_one_article_and_no_failure(tmp_path):
    """A WordPress feed writes /news/%d0%bd%d0%be (lower-case escapes), the sitemap or a page's
    canonical /news/%D0%BD%D0%BE: one URL to the duplicate filter, which dropped the second request,
    and the run called it "no response" (exit 3), whichever was read first (a site each way in one
    crawl)."""

    def listed(host: str) -> tuple[str, str, dict]:
        lower, upper = f"http://{host}/news/%d0%bd%d0%be", f"http://{host}/news/%D0%BD%D0%BE"
        page = Reply(200, article_html("Riga port", RIGA))
        return lower, upper, {lower: page, upper: page}

    db, runs, hits = _crawled_twice_through_feed_and_sitemap(tmp_path, listed)
    for first, host, stored in _each_site_ok_and_its_page_dated_by_the_feed(db, runs):
        lower, upper, _ = listed(host)
        assert len(stored) == 1, f"{first} read first: {stored}"
        assert hits[lower] + hits[upper] == 1, f"{first} read first: {dict(hits)}"


def _riga_redirect_web(listed: str, with_sitemap_lastmod: bool = False) -> tuple[dict, str]:
    """A feed listing `listed`; /news/riga-port redirects to /news/riga-port/, the sitemap's URL, whose
    page gains a credit line on its second fetch."""
    final = "http://r.test/news/riga-port/"
    later = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lastmod = f"<lastmod>{later}</lastmod>" if with_sitemap_lastmod else ""
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{final}</loc>{lastmod}</url></urlset>"
    )
    first = article_html("Riga port", RIGA)
    credited = first.replace("</article>", "</article><div class='post-source'><p>Via: Reuters</p></div>")
    routes = {
        "http://r.test/rss.xml": Reply(
            200, rss([(listed, "Riga", "Tue, 17 Nov 2026 10:00:00 GMT")]), content_type="application/rss+xml"
        ),
        "http://r.test/sitemap.xml": Reply(200, sitemap, content_type="application/xml"),
        "http://r.test/news/riga-port": Reply(301, "", headers={"Location": final}),
        final: lambda hits, headers: Reply(200, first if hits == 1 else credited),
    }
    return routes, final


def test_a_page_stored_through_a_redirect_is_re_checked_when_listed_as_it_is(tmp_path):
    """Stored under the URL it landed on, the page counted as ingested (no fetch of that URL), so its
    re-check never came and the credit line added since was lost."""
    routes, final = _riga_redirect_web("http://r.test/news/riga-port", with_sitemap_lastmod=True)
    db = tmp_path / "x.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://r.test/rss.xml").returncode == 0
        again = crawl(
            db, web.proxy, "--sitemap", "http://r.test/sitemap.xml", "-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0"
        )
    assert again.returncode == 0 and web.hits[final] == 2, again.stdout
    assert rows(db, "SELECT agency FROM credits") == [("Reuters",)]


def test_reprocess_keeps_the_newest_page_of_one_stored_under_two_listings(tmp_path, run_cli):
    """Fetched as the sitemap's URL, then through the feed's redirecting link with a credit line added:
    reprocess read each listing's latest fetch and saved them in URL order, so the older page became
    the newest version and the credit was gone from article_origins."""
    routes, _final = _riga_redirect_web("http://r.test/news/riga-port")
    db = tmp_path / "x.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--sitemap", "http://r.test/sitemap.xml").returncode == 0
        assert crawl(db, web.proxy, "--feed", "http://r.test/rss.xml").returncode == 0
    with duckdb.connect(str(db)) as con:  # a better extractor: every text comes out different
        con.execute("UPDATE articles SET text = 'an older extraction', text_hash = 'old'")
    assert run_cli("reprocess", "--no-link", db=db).exit_code == 0
    latest = rows(
        db,
        "SELECT list(c.agency) FROM articles a LEFT JOIN article_credits c USING (article_id) "
        "GROUP BY a.version ORDER BY a.version DESC LIMIT 1",
    )
    assert latest == [(["Reuters"],)]


def test_every_line_of_a_crawl_log_is_stamped_in_utc_on_a_server_in_another_zone(tmp_path, monkeypatch):
    """On a server set to Tokyo time, Scrapy's lines were stamped nine hours ahead of provtrack's own
    (UTC), neither zone named: one log with two clocks, read against `runs` (UTC)."""
    monkeypatch.setenv("TZ", "JST-9")  # a POSIX zone: no tz database needed
    routes = {
        "http://z.test/rss.xml": Reply(
            200,
            rss([("http://z.test/a.html", "A", "Tue, 17 Nov 2026 10:00:00 GMT")]),
            content_type="application/rss+xml",
        ),
        "http://z.test/a.html": Reply(200, article_html("Riga port", RIGA)),
    }
    db = tmp_path / "x.duckdb"
    with MockWeb(routes) as web:
        assert crawl(db, web.proxy, "--feed", "http://z.test/rss.xml").returncode == 0
    (log,) = (tmp_path / "logs").glob("crawl-*.log")
    stamps = re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", log.read_text(), flags=re.M)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    offsets = {round((now - datetime.fromisoformat(s)).total_seconds() / 3600) for s in stamps}
    assert len(stamps) > 5 and offsets == {0}, (offsets, log.read_text()[:1500])


GZIPPED = {"Content-Encoding": "gzip"}

#: how a server sends a body: as it is, or with Content-Encoding: gzip (as most servers send it)
SENT_AS = {
    "plain": lambda body: (body, {}),
    "gzip": lambda body: (gzip.compress(body.encode()), GZIPPED),
}


def test_an_unchanged_feed_is_not_archived_again_each_run_and_a_changed_one_is(tmp_path):
    """A server that never answers 304: every hourly run archived the same feed again (gigabytes a
    month over a registry of sitemaps). Its fetch now points at the copy archived before. Sent with
    Content-Encoding: gzip, as most servers send it, it was still archived every run: the archive
    compared the compressed body with the hash of the one read. One crawl reads both, a site per way
    of sending (plain.test, gzip.test), three runs."""
    feed = {sent_as: f"http://{sent_as}.test/rss.xml" for sent_as in SENT_AS}
    routes = {}
    for sent_as, encode in SENT_AS.items():
        article = f"http://{sent_as}.test/a.html"
        feeds = [
            rss([(article, "A", "Tue, 17 Nov 2026 10:00:00 GMT")], title=t) for t in ("One", "One", "Two")
        ]
        routes[feed[sent_as]] = lambda hits, headers, feeds=feeds, encode=encode: Reply(
            200, *encode(feeds[min(hits, 3) - 1]), content_type="application/rss+xml"
        )
        routes[article] = Reply(200, article_html("Riga port", RIGA))
    db = tmp_path / "x.duckdb"
    with MockWeb(routes) as web:
        runs = [
            crawl(db, web.proxy, *(a for url in feed.values() for a in ("--feed", url))) for _ in range(3)
        ]
    assert [r.returncode for r in runs] == [0, 0, 0], runs[-1].stdout + runs[-1].stderr[-2000:]
    # a crawl that makes its database says so (a moved data folder would otherwise start over unseen)
    assert [f"no database at {db}; making a new one" in r.stderr for r in runs] == [True, False, False]
    from pipelines.archive import read_response

    for sent_as, url in feed.items():
        fetches = rows(
            db,
            "SELECT run_id, warc_file, warc_offset FROM fetches WHERE kind = 'feed' AND url = ? "
            "ORDER BY run_id",
            [url],
        )
        assert [f[0] for f in fetches] == [1, 2, 3], f"{sent_as}: a fetch row each run"
        assert fetches[1][1:] == fetches[0][1:], f"{sent_as}: run 2's unchanged feed points at run 1's copy"
        assert fetches[2][1] != fetches[0][1], (
            f"{sent_as}: the changed feed is archived anew, in run 3's file"
        )
        for _run, warc_file, offset in fetches:
            body = read_response(tmp_path / "archive", warc_file, offset).body
            assert body.startswith(b"<?xml") and b"<rss" in body, f"{sent_as}: the archived copy reads back"


def test_unchanged_site_pages_are_not_archived_again_each_run_and_a_changed_one_is(tmp_path, run_cli):
    """A site crawl's home, section and tag pages, unchanged, were archived again every run, as feeds
    were before: at the 500-page site budget hundreds of MB a day of copies with nothing new. An
    unchanged page's fetch now points at the copy archived before; a changed one is archived anew
    and its new links followed. Article pages are archived as before: `reprocess` reads them. One
    crawl reads two sites, one sending its pages plain (plain.test), one gzipped (gzip.test)."""
    filler = "<p>" + "Tag page listing older stories. " * 50 + "</p>"

    def tag_page(links: list[str]) -> str:
        return f"<html><body>{filler}" + "".join(f"<a href='{u}'>x</a>" for u in links) + "</body></html>"

    sites, routes = {}, {}
    for sent_as, encode in SENT_AS.items():
        host = f"http://{sent_as}.test"
        home, tags = f"{host}/", [f"{host}/tag/t{i}" for i in range(3)]
        old, new = f"{host}/news/2026/11/17/old.html", f"{host}/news/2026/11/18/new.html"
        sites[sent_as] = home, tags, old, new
        routes |= {url: Reply(200, *encode(tag_page([old]))) for url in tags}
        routes[tags[1]] = lambda hits, headers, encode=encode, old=old, new=new: Reply(
            200, *encode(tag_page([old] + [new] * (hits > 2)))
        )
        routes[home] = Reply(200, *encode(home_html([*tags, old], feed="/empty.xml")))
        routes[f"{host}/empty.xml"] = Reply(200, rss([]), content_type="application/rss+xml")
        routes[old] = Reply(200, article_html("Old", RIGA))
        routes[new] = Reply(
            200, article_html("New", ["Harbour cranes arrived at the terminal on Wednesday."] * 5)
        )
    db = tmp_path / "x.duckdb"
    with MockWeb(routes) as web:
        runs = [
            crawl(db, web.proxy, *(a for home, *_ in sites.values() for a in ("--site", home)))
            for _ in range(3)
        ]
    assert [r.returncode for r in runs] == [0, 0, 0], runs[-1].stderr[-2000:]
    from warcio.archiveiterator import ArchiveIterator

    warcs = []  # the URIs each run's WARC file holds
    for warc in sorted((tmp_path / "archive").glob("*.warc.gz")):
        with open(warc, "rb") as handle:
            warcs.append({r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(handle)})
    from pipelines.archive import read_response

    for sent_as, (home, tags, old, new) in sites.items():
        assert [web.hits[url] for url in (home, *tags)] == [3, 3, 3, 3], (
            f"{sent_as}: every page is still read each run"
        )
        archived = [sorted(uris & {home, *tags}) for uris in warcs]
        assert archived == [sorted([home, *tags]), [], [tags[1]]], (
            f"{sent_as}: unchanged pages are archived once"
        )
        stored = rows(db, "SELECT url FROM articles WHERE starts_with(url, ?) ORDER BY url", [home])
        assert stored == [(old,), (new,)], f"{sent_as}: the change was read"
        copies = rows(
            db,
            "SELECT url, count(DISTINCT (warc_file, warc_offset)) FROM fetches "
            "WHERE kind = 'site' AND starts_with(url, ?) GROUP BY 1",
            [home],
        )
        assert dict(copies) == {home: 1, tags[0]: 1, tags[1]: 2, tags[2]: 1}, (
            f"{sent_as}: each run's row points at a copy"
        )
        site_fetches = (
            "SELECT warc_file, warc_offset FROM fetches WHERE kind = 'site' AND starts_with(url, ?)"
        )
        for warc_file, offset in rows(db, site_fetches, [home]):
            body = read_response(tmp_path / "archive", warc_file, offset).body
            assert b"<a href=" in body, f"{sent_as}: the copy a row points at reads back"
    reprocessed = run_cli("reprocess", "--no-link", db=db)
    assert reprocessed.exit_code == 0 and "4 archived pages" in reprocessed.stdout, (
        "the two article pages of each site, and no site page: " + reprocessed.output
    )


def test_a_crawl_ended_by_a_time_budget_leaves_the_rest_for_the_next_run_without_failures(tmp_path):
    """`-s CLOSESPIDER_TIMEOUT=…` bounds an hourly run; the articles it did not reach were called failed
    ("no response") and the run `partial` (exit 3), though never asked for."""
    urls, routes = _slow_news_web(30, delay=0)
    # a page every 0.3 s: 9 s for the site, cut at 2 s
    db, budget = tmp_path / "x.duckdb", ("-s", "CLOSESPIDER_TIMEOUT=2", "-s", "DOWNLOAD_DELAY=0.3")
    with MockWeb(routes) as web:
        first = crawl(db, web.proxy, "--feed", "http://slow.test/rss.xml", *budget)
        stored = rows(db, "SELECT count(*) FROM articles")[0][0]
        second = crawl(db, web.proxy, "--feed", "http://slow.test/rss.xml")
    assert first.returncode == 0, first.stdout + first.stderr[-1500:]
    assert 0 < stored < len(urls) and "0 failed" in first.stdout, first.stdout
    assert f"{len(urls) - stored} left for the next run" in first.stdout, first.stdout
    assert second.returncode == 0 and rows(db, "SELECT count(*) FROM articles")[0][0] == len(urls)
