"""What a crawl's history costs each new run: the same small crawl (30 new articles from one feed on
loopback) into an empty database and into one that already knows N article URLs (default a million,
about a year of an hourly crawl over a few hundred outlets). The crawler loads every known URL at start
so that it never refetches a stored article; this prints the time and peak memory that costs, as
ratios against the empty database in the same run.

    python tests/bench/bench_crawl_history.py [--articles 1000000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_crawl import run_measured  # noqa: E402
from tests.fixtures.crawl.mockweb import MockWeb, Reply, article_html, rss  # noqa: E402

PROVTRACK = str(Path(sys.executable).with_name("provtrack"))
NEW_ARTICLES = 30
DAY = "Wed, 18 Nov 2026 10:00:00 GMT"


def fill(db: Path, articles: int) -> float:
    """A database whose articles and fetches hold `articles` URLs (as a year of crawling leaves them);
    returns the seconds it took."""
    empty = db.with_suffix(".jsonl")
    empty.write_text("")
    subprocess.run([PROVTRACK, "--db", str(db), "ingest", str(empty)], check=True, capture_output=True)
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    url = "'https://www.outlet' || (i % 500) || '.example.com/news/2025/' || i || '/a-story-slug.html'"
    con.execute(
        f"INSERT INTO articles (url, version, outlet_id, first_seen_at, text, text_hash, run_id) "
        f"SELECT {url}, 1, 1, TIMESTAMP '2025-11-01' + INTERVAL (i % 365) DAY, 'text', md5(i::VARCHAR), 1 "
        f"FROM range({articles}) t(i)"
    )
    con.execute(
        f"INSERT INTO fetches (run_id, url, kind, status, fetched_at, source) "
        f"SELECT 1, {url}, 'article', 200, TIMESTAMP '2025-11-01' + INTERVAL (i % 365) DAY, 'bench' "
        f"FROM range({articles}) t(i)"
    )
    con.close()
    return time.perf_counter() - started


def small_web() -> dict:
    urls = [f"http://small.test/news/{i}.html" for i in range(NEW_ARTICLES)]
    routes = {
        "http://small.test/rss.xml": Reply(
            200, rss([(u, "Story", DAY) for u in urls]), content_type="application/rss+xml"
        )
    }
    for i, u in enumerate(urls):
        paragraphs = [f"Story {i}: the cranes at terminal {j} were replaced this week." for j in range(8)]
        routes[u] = Reply(200, article_html(f"Story {i}", paragraphs))
    return routes


def crawl(db: Path) -> dict:
    """The small crawl into `db`: wall seconds, peak RSS of the crawler and its cleaning workers."""
    with MockWeb(small_web()) as web:
        command = [
            PROVTRACK,
            "--db",
            str(db),
            "crawl",
            "--no-link",
            "--feed",
            "http://small.test/rss.xml",
            "-s",
            f"PROVTRACK_PROXY={web.proxy}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        ]
        run = run_measured(command, interval=0.05)
    if run.returncode != 0 or f"{NEW_ARTICLES} new" not in run.out:
        raise SystemExit(f"the crawl into {db.name} exited {run.returncode}:\n{run.out}\n{run.err[-2000:]}")
    return {"seconds": run.seconds, "peak_rss_mb": run.peak_rss_kb / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="URLs the full database knows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warm, empty, full = (Path(tmp) / f"{name}.duckdb" for name in ("warm", "empty", "full"))
        fill(warm, 0)
        fill(empty, 0)
        fill_s = fill(full, args.articles)
        crawl(warm)  # imports and the page cache warmed for both measured runs
        base, big = crawl(empty), crawl(full)
    print(
        f"the same {NEW_ARTICLES}-article crawl: empty database {base['seconds']:.1f} s, "
        f"peak RSS {base['peak_rss_mb']:.0f} MB; database knowing {args.articles:,} URLs "
        f"(built in {fill_s:.0f} s) {big['seconds']:.1f} s, {big['peak_rss_mb']:.0f} MB: "
        f"time x{big['seconds'] / base['seconds']:.2f}, "
        f"memory x{big['peak_rss_mb'] / base['peak_rss_mb']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
