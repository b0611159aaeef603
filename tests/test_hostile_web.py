"""Hostile pages, feeds and sitemaps: property-based fuzzing of the parsers, the credits grammar and
cleaning, then the explicit attacks a public crawler meets (entity expansion, external entities,
redirects to other schemes and to private addresses, SQL in a query parameter)."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.feeds import FeedError, parse_feed, parse_sitemap
from pipelines import PROJECT_ROOT
from pipelines.clean import CleanError, clean_page
from pipelines.credits import find_credits
from pipelines.models import Page
from pipelines.registry import load_agencies
from tests.fixtures.crawl.mockweb import MockWeb, Reply, article_html, rss

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REGISTRY = load_agencies()
PROVTRACK = str(Path(sys.executable).with_name("provtrack"))

# Markup-shaped text: tags, entities, CDATA and agency names in random order find more paths than bytes.
_PIECES = st.sampled_from(
    [
        "<rss>",
        "</rss>",
        "<channel>",
        "<item>",
        "</item>",
        "<link>",
        "</link>",
        "<pubDate>",
        "</pubDate>",
        "<urlset>",
        "<url>",
        "<loc>",
        "</loc>",
        "<sitemapindex>",
        "<sitemap>",
        "<news:publication_date>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>",
        "<entry>",
        "<link href='",
        "'/>",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "&unknown;",
        "http://a.example/x",
        "javascript:alert(1)",
        "Mon, 32 Foo",
        "2026-11-18T10:00:00Z",
        "<p>",
        "</p>",
        "<div class='byline'>",
        "</div>",
        "<figcaption>",
        "(AP)",
        "Via: Sputnik News Agency",
        "© Reuters",
        "MINSK, 18 Nov (BelTA) -",
        "ТАСС",
        "新华社",
        "\x00",
        "\ud7ff",
        "<script type='application/ld+json'>",
        '{"@type":"NewsArticle","author":',
        "</script>",
        " ",
    ]
)
MARKUP = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=60).map("".join)


@FUZZ
@given(st.one_of(MARKUP, st.binary(max_size=3000).map(lambda b: b.decode("latin-1"))))
def test_feed_and_sitemap_parsers_return_entries_or_a_feed_error(text):
    body = text.encode("utf-8", "surrogatepass")
    for parse in (parse_feed, parse_sitemap):
        try:
            parse(body, "http://a.example/feed")
        except FeedError as exc:
            assert str(exc) and "\n" not in str(exc)


@FUZZ
@given(MARKUP, st.text(max_size=300))
def test_credits_grammar_never_raises_and_names_only_registered_agencies(html, text):
    names = {agency.name for agency in REGISTRY}
    for credit in find_credits(html, text, url="https://outlet.example/a", registry=REGISTRY):
        assert credit.agency in names and credit.role in ("origin", "contributor", "cited", "photo")


@settings(max_examples=60, deadline=None)
@given(MARKUP)
def test_cleaning_any_markup_gives_an_article_or_a_clean_error(html):
    try:
        article = clean_page(Page(url="https://outlet.example/a", html=html), REGISTRY)
    except CleanError as exc:
        assert str(exc)
    else:
        assert article.text.strip()


def _crawl_feed(db: Path, web: MockWeb, feed: str, *settings: str) -> subprocess.CompletedProcess:
    """`provtrack crawl --feed` through the mock web, fast and with one cleaning process."""
    command = [PROVTRACK, "--db", str(db), "crawl", "--no-link", "--feed", feed,
               "-s", f"PROVTRACK_PROXY={web.proxy}", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0",
               "-s", "PROVTRACK_JOBS=1", *settings]  # fmt: skip
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=90)


def test_billion_laughs_and_external_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "ha">{laughs}'
        f'<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<rss><channel><item><title>&l9;</title><link>http://a.example/1</link>"
        "<description>&xxe;</description></item>"
        "<item><title>&xxe;</title><link>http://a.example/2</link></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    try:
        entries = parse_feed(bomb, "http://a.example/rss")
    except FeedError:
        entries = []
    assert time.monotonic() - started < 2, "1,000,000,000 laughs would take minutes and gigabytes"
    for entry in entries:
        assert "TOP-SECRET" not in (entry.title or "") and len(entry.title or "") < 1000
    sitemap_bomb = bomb.replace(b"<rss><channel>", b"<urlset><url><loc>http://a.example/&xxe;</loc></url>")
    try:
        parsed = parse_sitemap(sitemap_bomb, "http://a.example/sitemap.xml")
        assert all("TOP-SECRET" not in e.url for e in parsed.entries)
    except FeedError:
        pass


def test_links_and_redirects_to_private_addresses_and_other_schemes_are_refused(tmp_path):
    hostile = [
        "http://127.0.0.1:9/news/loopback.html",
        "http://10.1.2.3/news/intranet.html",
        "http://[::1]/news/v6-loopback.html",
        "http://hostile.test/news/to-metadata.html",
        "http://hostile.test/news/to-file.html",
        "http://hostile.test/news/to-ftp.html",
    ]
    good = "http://hostile.test/news/fine.html"
    routes = {
        "http://hostile.test/rss.xml": Reply(
            200,
            rss([(u, "x", "Wed, 18 Nov 2026 10:00:00 GMT") for u in [*hostile, good]]),
            content_type="application/rss+xml",
        ),
        "http://hostile.test/news/to-metadata.html": Reply(
            302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
        ),
        "http://hostile.test/news/to-file.html": Reply(302, headers={"Location": "file:///etc/passwd"}),
        "http://hostile.test/news/to-ftp.html": Reply(302, headers={"Location": "ftp://hostile.test/x"}),
        good: Reply(
            200, article_html("Fine", ["A perfectly ordinary story about a harbour and its cranes."] * 4)
        ),
    }
    db = tmp_path / "hostile.duckdb"
    with MockWeb(routes) as web:
        result = _crawl_feed(db, web, "http://hostile.test/rss.xml")
        requested = {url for url, _ in web.log}
    assert result.returncode == 3, result.stderr[-2000:]
    assert not requested & {"http://127.0.0.1:9/news/loopback.html", "http://10.1.2.3/news/intranet.html"}
    assert not any("169.254" in u or "etc/passwd" in u or u.startswith("ftp") for u in requested), requested
    assert "refused private address" in result.stderr, result.stderr[-2000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = [url for (url,) in con.execute("SELECT url FROM articles").fetchall()]
    finally:
        con.close()
    assert stored == [good], "the ordinary article is stored; nothing from the hostile links"


def test_sql_passed_as_a_query_parameter_is_data_not_sql(tmp_path):
    db = tmp_path / "q.duckdb"
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"url": "https://a.example/1", "outlet": "A", "text": "Alpha beta gamma delta."}\n')
    assert (
        subprocess.run([PROVTRACK, "--db", str(db), "ingest", str(rows)], capture_output=True).returncode == 0
    )
    attack = "x' ; DROP TABLE articles; --"
    result = subprocess.run(
        [
            PROVTRACK,
            "--db",
            str(db),
            "query",
            "new_carriers",
            "-p",
            f"agency={attack}",
            "-p",
            "since=2026-01-01",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr
    not_a_url = subprocess.run(
        [PROVTRACK, "--db", str(db), "query", "story_chain", "-p", f"url=https://a.example/{attack}"],
        capture_output=True,
        text=True,
    )
    assert not_a_url.returncode == 0, not_a_url.stderr
    written = subprocess.run(
        [PROVTRACK, "--db", str(db), "query", "DROP TABLE articles"], capture_output=True, text=True
    )
    assert written.returncode != 0 and len(written.stderr.strip().splitlines()) == 1, written.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(1,)]
    finally:
        con.close()


def test_a_gzip_bomb_response_is_dropped_at_the_size_cap_and_the_rest_is_stored(tmp_path):
    bomb = gzip.compress(b"<p>" + b"A" * 200_000_000, compresslevel=9)  # 200 MB unpacked, ~200 kB sent
    good = "http://bomb.test/news/fine.html"
    routes = {
        "http://bomb.test/rss.xml": Reply(
            200,
            rss(
                [(u, "x", "Wed, 18 Nov 2026 10:00:00 GMT") for u in ["http://bomb.test/news/bomb.html", good]]
            ),
            content_type="application/rss+xml",
        ),
        "http://bomb.test/news/bomb.html": Reply(200, bomb, headers={"Content-Encoding": "gzip"}),
        good: Reply(
            200, article_html("Fine", ["A perfectly ordinary story about a harbour and its cranes."] * 4)
        ),
    }
    db = tmp_path / "bomb.duckdb"
    with MockWeb(routes) as web:
        result = _crawl_feed(db, web, "http://bomb.test/rss.xml", "-s", "DOWNLOAD_MAXSIZE=5000000")
    assert result.returncode == 3, result.stderr[-2000:]
    assert "bomb.html" in result.stderr, "the dropped page is named"
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT url FROM articles").fetchall() == [(good,)]
    finally:
        con.close()


def test_html_nested_ten_thousand_deep_is_a_clean_error_not_a_crash():
    html = "<html><body>" + "<div>" * 10_000 + "<p>" + "Deep text. " * 60 + "</p>" + "</div>" * 10_000
    try:
        article = clean_page(Page(url="https://outlet.example/deep", html=html + "</body></html>"), REGISTRY)
    except CleanError as exc:
        assert str(exc)
    else:
        assert article.text
    assert find_credits(html, "", url="https://outlet.example/deep", registry=REGISTRY) == []


def test_a_live_blog_with_megabytes_of_broken_json_ld_is_cleaned_in_a_moment():
    """trafilatura's reader for broken JSON-LD grows with the square of the block: on this 1.2 MB one it
    took about half a minute per page, a stalled worker for every such live blog a crawl meets."""
    people = ",".join(f'{{"@type":"Person","name":"Reporter Number{i}"}}' for i in range(25_000))
    block = '{"@context":"https://schema.org","@type":"LiveBlogPosting","author":[' + people  # never closed
    body = "<p>The minister spoke to reporters in the capital on Tuesday about the budget.</p>" * 30
    html = (
        f'<html><head><script type="application/ld+json">{block}</script></head>'
        f"<body><article><h1>Live: the budget</h1>{body}</article></body></html>"
    )
    start = time.perf_counter()
    article = clean_page(Page(url="https://live.example/blog", html=html), REGISTRY)
    assert time.perf_counter() - start < 5
    assert article.title == "Live: the budget" and "minister spoke" in article.text


def test_many_crafted_broken_json_ld_blocks_cost_a_page_about_a_second_in_all():
    """Small blocks each under any size limit: trafilatura's regex reader took about 1.1 s for each of
    these, so eight of them stalled a worker for 9 s; a page now gets one such budget in all."""
    block = '{"author":"x",' * 2_200  # 31 KB, never closed
    scripts = f'<script type="application/ld+json">{block}</script>' * 8
    body = "<p>The minister spoke to reporters in the capital on Tuesday about the budget.</p>" * 30
    html = f"<html><head>{scripts}</head><body><article><h1>Budget</h1>{body}</article></body></html>"
    start = time.perf_counter()
    article = clean_page(Page(url="https://crafted.example/a", html=html), REGISTRY)
    assert time.perf_counter() - start < 4
    assert article.title == "Budget"


def test_json_ld_blocks_of_odd_shape_or_depth_do_not_hide_the_next_one():
    odd = '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ["odd"]}</script>'
    good = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Budget passed", "author": {"@type": "Person", "name": "Jane Example"}}</script>'
    )
    body = "<p>The minister spoke to reporters in the capital on Tuesday about the budget.</p>" * 5
    deep = f'<script type="application/ld+json">{"[" * 100_000}{"]" * 100_000}</script>'
    html = f"<html><head>{odd}{deep}{good}</head><body><article>{body}</article></body></html>"
    article = clean_page(Page(url="https://odd.example/a", html=html), REGISTRY)
    assert article.author == "Jane Example"


def test_a_line_listing_agencies_eighty_thousand_times_is_read_in_a_moment():
    """One list ("AP/AFP/AP/…") is one chain of names; building it was quadratic (8 s for this line)."""
    html = f"<html><body><article><p>Photos: {'AP/AFP/' * 40_000}</p></article></body></html>"
    start = time.perf_counter()
    clean_page(Page(url="https://list.example/b", html=html), REGISTRY)
    assert time.perf_counter() - start < 4


def test_a_paragraph_citing_an_agency_sixty_thousand_times_is_read_in_a_moment():
    """Each agency mention is weighed against its context; without a bound per paragraph this page took
    about 9 s, and a 20 MB one would take minutes."""
    paragraph = "Prices rose, according to Reuters. " * 60_000
    html = f"<html><body><article><p>{paragraph}</p></article></body></html>"
    start = time.perf_counter()
    article = clean_page(Page(url="https://list.example/a", html=html), REGISTRY)
    assert time.perf_counter() - start < 4
    assert [c.agency for c in article.credits] == ["Reuters"]


def test_invalid_utf8_in_a_page_labelled_utf8_is_read_with_replacement_characters():
    from scrapy.http import HtmlResponse

    from crawlers.spiders.news import decode_html

    body = b"<html><body><p>Minsk \xff\xfe broken \xc3 bytes, then MINSK (BelTA) - text.</p></body></html>"
    response = HtmlResponse("http://a.test/", body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    text = decode_html(response)
    assert "MINSK (BelTA) - text." in text and "\ufffd" in text


def test_a_warc_write_the_disk_refuses_leaves_no_half_record_and_the_archive_closes(tmp_path):
    """A crawl meets a full disk (here the file-size limit of a child process): the refused record
    was half on disk, and its other half waited in a buffer that close() then failed to write too,
    hiding the crawl's own error. Now the file ends with the last whole record."""
    script = f"""
import os, resource, signal
from pipelines.archive import WarcArchive, read_response
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))
archive = WarcArchive({str(tmp_path)!r}, "full.warc.gz")
small = archive.write("http://a.example/1", 404, "Not Found", [], b"gone")
try:
    archive.write("http://a.example/2", 200, "OK", [("Content-Type", "text/html")], os.urandom(100_000))
except OSError as exc:
    print("refused:", exc.strerror, "in", os.path.basename(exc.filename))
tiny = archive.write("http://a.example/3", 404, "Not Found", [], b"gone too")
archive.close()
print([read_response({str(tmp_path)!r}, *p).url for p in (small, tiny)])
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        "refused: File too large in full.warc.gz",
        "['http://a.example/1', 'http://a.example/3']",
    ], result.stdout


def test_a_warc_cut_off_mid_record_keeps_its_good_records_and_names_the_bad_one(tmp_path):
    from pipelines.archive import ArchiveError, WarcArchive, read_response

    archive = WarcArchive(tmp_path, "cut.warc.gz")
    pointers = [
        archive.write(
            f"http://a.example/{i}", 200, "OK", [("Content-Type", "text/html")], b"<p>%d</p>" % i * 5000
        )
        for i in range(3)
    ]
    archive.close()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(path.read_bytes()[: pointers[2][1] + 200])  # the last record loses its tail
    assert [read_response(tmp_path, *p).url for p in pointers[:2]] == [
        "http://a.example/0",
        "http://a.example/1",
    ]
    try:
        read_response(tmp_path, *pointers[2])
    except ArchiveError as exc:
        assert "cut.warc.gz" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("a truncated record must not read as a whole one")


def test_a_100_mb_page_is_refused_at_the_size_cap_without_being_read(tmp_path):
    huge = b"<html><body>" + b"<p>spam</p>" * 9_500_000 + b"</body></html>"  # ~100 MB
    good = "http://huge.test/news/fine.html"
    routes = {
        "http://huge.test/rss.xml": Reply(
            200,
            rss(
                [(u, "x", "Wed, 18 Nov 2026 10:00:00 GMT") for u in ["http://huge.test/news/huge.html", good]]
            ),
            content_type="application/rss+xml",
        ),
        "http://huge.test/news/huge.html": Reply(200, huge),
        good: Reply(
            200, article_html("Fine", ["A perfectly ordinary story about a harbour and its cranes."] * 4)
        ),
    }
    db = tmp_path / "huge.duckdb"
    with MockWeb(routes) as web:
        result = _crawl_feed(db, web, "http://huge.test/rss.xml")
    assert result.returncode == 3 and "huge.html" in result.stderr, result.stderr[-2000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT url FROM articles").fetchall() == [(good,)]
    finally:
        con.close()
