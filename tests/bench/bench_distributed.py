"""Distributed crawl throughput on loopback: a mock web around the real pages of ../shared/corpora/pages,
crawled by 1 and then 2 workers sharing a Redis frontier (a redis-server started here), politeness off.
Reports pages/s for each, pages fetched twice, and, in a third run where one of two workers is killed
mid-run, pages lost (stored count after `provtrack merge` against the pages listed).

    python tests/bench/bench_distributed.py [--pages 300]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures.crawl.mockweb import MockWeb, Reply, corpus_pages, rss  # noqa: E402

PROVTRACK = str(Path(sys.executable).with_name("provtrack"))
CORPORA = ROOT.parent / "shared" / "corpora"
FEED = "http://bench.test/rss.xml"


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return server, f"redis://127.0.0.1:{port}/0"


def run(pages: list[bytes], workers: int, kill_one: bool = False) -> dict:
    urls = [f"http://bench.test/news/{i}.html" for i in range(len(pages))]
    routes = {FEED: Reply(200, rss([(u, "t", "Wed, 18 Nov 2026 10:00:00 GMT") for u in urls]))}
    routes.update({u: Reply(200, html) for u, html in zip(urls, pages)})
    with tempfile.TemporaryDirectory() as tmp, MockWeb(routes) as web:
        server, redis_url = start_redis(Path(tmp))
        command = [
            PROVTRACK, "--db", f"{tmp}/db.duckdb", "crawl", "--feed", FEED, "--frontier", redis_url,
            "--shards", f"{tmp}/shards", "-s", f"PROVTRACK_PROXY={web.proxy}", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        ]  # fmt: skip
        started = time.perf_counter()
        procs = [
            subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        if kill_one:
            while sum(web.hits[u] for u in urls) < len(urls) // 3:
                time.sleep(0.02)
            procs[0].send_signal(signal.SIGKILL)
        codes = [p.wait() for p in procs]
        seconds = time.perf_counter() - started
        hits = [web.hits[u] for u in urls]
        merged = subprocess.run(
            [PROVTRACK, "--db", f"{tmp}/db.duckdb", "merge", f"{tmp}/shards", "--no-link"],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        con = duckdb.connect(f"{tmp}/db.duckdb", read_only=True)
        stored = con.execute("SELECT count(DISTINCT url) FROM articles").fetchall()[0][0]
        con.close()
        server.terminate()
        server.wait()
    return {
        "workers": workers,
        "seconds": seconds,
        "pages_per_s": len(urls) / seconds,
        "fetched_twice": sum(h > 1 for h in hits),
        "never_fetched": sum(h == 0 for h in hits),
        "stored": stored,
        "listed": len(urls),
        "exit_codes": codes,
        "merge_exit": merged.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="use only the first N pages (default all)")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("skipped: redis-server not installed (apt-get install redis-server)")
        return 0
    if not (CORPORA / "pages").exists():
        print(f"skipped: {CORPORA / 'pages'} not found (the real corpora live in ../shared/corpora)")
        return 0
    pages = corpus_pages(CORPORA, limit=args.pages)
    one, two = run(pages, 1), run(pages, 2)
    killed = run(pages, 2, kill_one=True)
    for label, r in (("1 worker ", one), ("2 workers", two), ("2, one killed", killed)):
        print(
            f"{label}: {r['pages_per_s']:5.1f} pages/s ({r['seconds']:.1f} s), "
            f"fetched twice {r['fetched_twice']}, "
            f"never fetched (lost) {r['never_fetched']}, stored {r['stored']}/{r['listed']} "
            f"(the rest have no article text), exits {r['exit_codes']}"
        )
    print(
        f"speed-up with 2 workers on this machine: {two['pages_per_s'] / one['pages_per_s']:.2f}x "
        f"({__import__('os').cpu_count()} cores; each worker cleans on every core)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
