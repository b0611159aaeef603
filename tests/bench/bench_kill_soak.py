"""Kills a crawl with SIGKILL hundreds of times and checks the database after each kill: it opens, and
holds no half-written or duplicate article (the invariants of tests/test_crash_safety.py). The test
suite kills a few times per run; this looks for the rare kill that lands where DuckDB cannot recover
(once seen in the suite: a block checksum mismatch). Not part of `make bench`: it takes minutes.

Run: PYTHONPATH=. python tests/bench/bench_kill_soak.py [KILLS] [SEED]   (default 300 kills, seed 5)
A damaged database is kept, with its WAL and logs, in the folder printed at the end.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

from tests.fixtures.crawl.mockweb import MockWeb, Reply, article_html, rss
from tests.test_crash_safety import _broken_invariants, _kill_at_random, _words

#: kills per database: a crawl of 60 slow pages is killed this often, then a new database starts
KILLS_PER_DATABASE = 6


def _mock_web(rng: random.Random) -> dict:
    urls = [f"http://crash.test/news/2026/11/18/story-{i}.html" for i in range(60)]
    feed = rss([(u, f"s{i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)])
    routes = {"http://crash.test/rss.xml": Reply(200, feed, content_type="application/rss+xml")}
    for i, url in enumerate(urls):
        routes[url] = Reply(200, article_html(f"Story {i}", [_words(rng, 40) + "."] * 4), delay=0.1)
    return routes


def _unreadable_tables(db: Path) -> dict[str, int]:
    """Read every column of every table: DuckDB checks a block's checksum only when a query reads it."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for table in tables:
            con.execute(f'SELECT count(*), sum(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    finally:
        con.close()
    return {}


def main(kills: int = 300, seed: int = 5) -> int:
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="provtrack-kill-soak-"))
    landed = damaged = 0
    with MockWeb(_mock_web(rng)) as web:
        args = ["crawl", "--feed", "http://crash.test/rss.xml", "--no-link", "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVTRACK_BATCH_SIZE=3",
                "-s", "PROVTRACK_FLUSH_SECONDS=0.3", "-s", f"PROVTRACK_PROXY={web.proxy}"]  # fmt: skip
        for kill in range(kills):
            db = folder / f"db{kill // KILLS_PER_DATABASE}" / "crawl.duckdb"
            db.parent.mkdir(exist_ok=True)
            landed += _kill_at_random(db, args, rng, longest=3.0)
            if not db.exists():
                continue
            try:
                broken = _broken_invariants(db) or _unreadable_tables(db)
            except Exception as exc:  # the database does not open, or a query finds a bad block
                broken = {f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}": 1}
            if broken:
                damaged += 1
                print(f"kill {kill}: {broken} (kept in {db.parent})", flush=True)
                continue
            if kill % KILLS_PER_DATABASE == KILLS_PER_DATABASE - 1:
                shutil.rmtree(db.parent)
    print(f"{kills} kills ({landed} during the crawl), {damaged} left a damaged or inconsistent database")
    if not damaged:
        shutil.rmtree(folder)
    return 1 if damaged else 0


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*arguments))
