"""Soak: `provtrack crawl` run again and again, as cron would, against a mock news web on loopback that
changes between runs (new stories every cycle; every third cycle some stories gain a credit line, which
the re-check must store as a new version). After every cycle the counts are checked against what the web
published; the peak memory of each run (crawler + cleaning pool) is printed as a curve.

    python tests/bench/bench_soak.py [--cycles 20] [--per-cycle 15]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_crawl import tree_rss_kb  # noqa: E402
from tests.fixtures.crawl.mockweb import MockWeb, Reply, article_html, rss  # noqa: E402

PROVTRACK = str(Path(sys.executable).with_name("provtrack"))
FEED = "http://soak.test/rss.xml"


class ChangingWeb:
    """The mock web's content at a given cycle: stories 0..published-1, some of them credited later."""

    def __init__(self, per_cycle: int):
        self.per_cycle = per_cycle
        self.cycle = 0
        self.credited: set[int] = set()

    @property
    def published(self) -> int:
        return self.cycle * self.per_cycle

    def url(self, i: int) -> str:
        return f"http://soak.test/news/2026/11/{1 + i % 28:02d}/story-{i}.html"

    def page(self, i: int) -> Reply:
        paragraphs = [
            f"Story {i} reports that harbour {i} moved {i * 37} containers, and firm {i * 11} "
            f"plans {i % 7 + 2} new cranes by spring."
        ] * 4
        if i in self.credited:
            paragraphs.append("Via: TASS")
        return Reply(200, article_html(f"Story {i}", paragraphs))

    def routes(self) -> dict:
        def feed(hits, headers):
            items = [
                (self.url(i), f"Story {i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i in range(self.published)
            ]
            return Reply(200, rss(items[-200:]), content_type="application/rss+xml")

        routes = {FEED: feed}
        for i in range(self.per_cycle * 200):
            routes[self.url(i)] = functools.partial(self.serve, i)
        return routes

    def serve(self, i: int, hits: int, headers) -> Reply:
        return self.page(i)


def crawl_once(db: Path, proxy: str) -> tuple[int, float, int]:
    """One cron run: (exit code, seconds, peak RSS of the process tree in MB)."""
    command = [
        PROVTRACK, "--db", str(db), "crawl", "--feed", FEED,
        "-s", f"PROVTRACK_PROXY={proxy}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.05)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        print(stderr[-2000:])
    return process.returncode, time.perf_counter() - started, peak // 1024


def check(db: Path, web: ChangingWeb) -> tuple[int, int, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        urls, versions = con.execute("SELECT count(DISTINCT url), count(*) FROM articles").fetchall()[0]
        duplicates = con.execute(
            "SELECT count(*) FROM (SELECT url, version FROM articles GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
        credited = con.execute(
            "SELECT count(DISTINCT article_url) FROM credits WHERE agency = 'TASS'"
        ).fetchall()[0][0]
    finally:
        con.close()
    problems = []
    if urls != web.published:
        problems.append(f"{urls} articles stored, {web.published} published")
    if duplicates:
        problems.append(f"{duplicates} duplicate versions")
    if credited != len(web.credited):
        problems.append(f"{credited} articles credit TASS, {len(web.credited)} do on the web")
    return urls, versions, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--per-cycle", type=int, default=15)
    args = parser.parse_args()
    web = ChangingWeb(args.per_cycle)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp, MockWeb(web.routes()) as server:
        db = Path(tmp) / "soak.duckdb"
        print("cycle  published  stored  versions  exit  seconds  peak_rss_mb  problems")
        curve = []
        for cycle in range(1, args.cycles + 1):
            web.cycle = cycle
            if cycle % 3 == 0:
                # stories of the previous cycle gain a credit line: the re-check must catch it
                web.credited.update(
                    range(web.published - 2 * args.per_cycle, web.published - args.per_cycle)[:3]
                )
            code, seconds, peak = crawl_once(db, server.proxy)
            urls, versions, problems = check(db, web)
            failures += bool(problems) or code != 0
            curve.append(peak)
            print(
                f"{cycle:5d}  {web.published:9d}  {urls:6d}  {versions:8d}  {code:4d}  {seconds:7.1f}  "
                f"{peak:11d}  {'; '.join(problems) or '-'}"
            )
    half = len(curve) // 2
    first, second = sum(curve[:half]) / half, sum(curve[half:]) / (len(curve) - half)
    print(
        f"peak RSS per run: first half mean {first:.0f} MB, second half {second:.0f} MB "
        f"({100 * (second - first) / first:+.1f} %); cycles with problems: {failures}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
