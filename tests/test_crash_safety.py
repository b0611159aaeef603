"""Crash safety: `provtrack ingest` and `provtrack link` killed with SIGKILL at random moments, again and
again. After every kill the database opens, holds no half-written article or link and no duplicate; a
final rerun finishes the work and ends where an uninterrupted run ends. (The crawl's kill test is in
test_crawl.py.)"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines import PROJECT_ROOT
from pipelines.store.db import migration_files
from tests.conftest import write_jsonl
from tests.fixtures.crawl.mockweb import article_html

PROVTRACK = str(Path(sys.executable).with_name("provtrack"))
KILLS = 4

#: Every query counts rows that must not exist in a consistent database.
INVARIANTS = {
    "duplicate article versions": "SELECT count(*) FROM (SELECT url, version FROM articles GROUP BY ALL "
    "HAVING count(*) > 1)",
    "versions out of sequence": "SELECT count(*) FROM (SELECT url FROM articles GROUP BY url "
    "HAVING max(version) <> count(*))",
    "dates of no article": "SELECT count(*) FROM article_dates WHERE article_id NOT IN "
    "(SELECT article_id FROM articles)",
    "credits of no article": "SELECT count(*) FROM article_credits WHERE article_id NOT IN "
    "(SELECT article_id FROM articles)",
    "articles without a date claim": "SELECT count(*) FROM articles WHERE article_id NOT IN "
    "(SELECT article_id FROM article_dates)",
    "links to no article": "SELECT count(*) FROM reuse_links WHERE target_id NOT IN "
    "(SELECT article_id FROM articles) OR source_id NOT IN (SELECT article_id FROM articles)",
    "judged but not indexed": "SELECT count(*) FROM chains WHERE article_id NOT IN "
    "(SELECT article_id FROM link_state)",
    "indexed but not judged": "SELECT count(*) FROM link_state WHERE article_id NOT IN "
    "(SELECT article_id FROM chains)",
    "origins rows per article": "SELECT count(*) - count(DISTINCT article_url) FROM article_origins",
    # reprocess reads the archive, and the re-check window goes, by the fetch of a crawled page
    "crawled articles without their fetch": "SELECT count(*) FROM articles a WHERE a.warc_file IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM fetches f "
    "WHERE f.warc_file = a.warc_file AND f.warc_offset = a.warc_offset)",
}


def _words(rng: random.Random, n: int) -> str:
    vocabulary = [f"w{i}" for i in range(3000)]
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def _rows(n_stories: int) -> list[dict]:
    """Agency originals and outlet copies of them (whole, or a lead and a new ending), as HTML rows."""
    rng = random.Random(7)
    rows = []
    for i in range(n_stories):
        paragraphs = [_words(rng, 40) + "." for _ in range(5)]
        day = f"2026-11-{10 + i % 15:02d}T{8 + i % 10:02d}:00:00Z"
        rows.append(
            {
                "url": f"https://tass.ru/news/{i}",
                "outlet": "TASS",
                "published_at": day,
                "html": article_html(f"Story {i}", paragraphs),
            }
        )
        copied = paragraphs if i % 2 else [*paragraphs[:3], _words(rng, 40) + "."]
        rows.append(
            {
                "url": f"https://outlet{i % 5}.example/news/{i}",
                "outlet": f"Outlet {i % 5}",
                "published_at": day[:11] + "23:00:00Z",  # the same day, later
                "html": article_html(f"Copy {i}", copied),
            }
        )
    return rows


def _run(db: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PROVTRACK, "--db", str(db), *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )


def _kill_at_random(
    db: Path, args: list[str], rng: random.Random, longest: float, after_first_write: bool = False
) -> bool:
    """Start a command, SIGKILL it at a random moment up to `longest` seconds (counted from its first
    write to the database with `after_first_write`, so a short job is killed in its work, not in its
    start-up); True when the kill landed before it finished."""
    before = _db_files(db)
    process = subprocess.Popen(
        [PROVTRACK, "--db", str(db), *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if after_first_write:
        deadline = time.monotonic() + 60
        while process.poll() is None and _db_files(db) == before and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, longest))
    else:
        time.sleep(rng.uniform(0.3, max(0.4, longest)))
    landed = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return landed


def _db_files(db: Path) -> tuple:
    """What changes on disk when a DuckDB writer commits: the file or its write-ahead log."""
    wal = Path(f"{db}.wal")
    return tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in (db, wal))


def _broken_invariants(db: Path) -> dict[str, int | list]:
    con = duckdb.connect(str(db), read_only=True)  # must open: a killed writer leaves only its WAL
    try:
        tables = {
            name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "articles" not in tables:
            # killed while creating the schema: each migration is one transaction with its record
            recorded = con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0] if tables else 0
            return {"a migration recorded without its tables": recorded} if recorded else {}
        applied = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
        if applied != set(range(1, len(applied) + 1)):
            return {"migrations applied out of order": len(applied)}
        counts = {}
        for name, sql in INVARIANTS.items():
            try:
                counts[name] = con.execute(sql).fetchall()[0][0]
            except duckdb.CatalogException:
                # killed between two migrations: a table of a later one does not exist yet, and its
                # migration is not recorded either (each is one transaction with its record)
                counts[name] = 0 if len(applied) < len(migration_files()) else 1
        broken = {name: n for name, n in counts.items() if n}
        for name in broken.keys() & DIAGNOSES.keys():  # what the failure message should show
            broken[f"{name}: rows"] = con.execute(DIAGNOSES[name]).fetchall()
    finally:
        con.close()
    return broken


#: rows that show why an invariant broke (seen once under load in CI, not reproduced alone)
DIAGNOSES = {
    "origins rows per article": "SELECT a.article_id, a.url, a.version, a.outlet_id, a.run_id, "
    "(SELECT count(*) FROM outlets o WHERE o.outlet_id = a.outlet_id) AS outlets, "
    "(SELECT count(*) FROM chains c WHERE c.article_id = a.article_id) AS chains "
    "FROM articles a WHERE a.url IN (SELECT article_url FROM article_origins GROUP BY 1 HAVING count(*) > 1)",
}


def _snapshot(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall())
    finally:
        con.close()


ORIGINS = (
    "SELECT article_url, source_url, origin_url, origin_agency, hops, derivation, credit_status "
    "FROM article_origins"
)


def _stopped_runs(db: Path, command: str) -> int:
    """Runs of `command` that a kill ended after they were recorded: still `running`, or marked
    `interrupted` by the next command."""
    sql = f"SELECT count(*) FROM runs WHERE command = '{command}' AND status IN ('running', 'interrupted')"
    return _snapshot(db, sql)[0][0]


@dataclass(frozen=True)
class Stories:
    """`_rows(250)` ingested into a database, and a copy of it after a clean link."""

    ingested: Path  # no link run yet
    linked: Path
    origins: list[tuple]  # ORIGINS of `linked`: where a link of the stories must end
    link_seconds: float  # how long the clean link took, start-up included


@pytest.fixture(scope="module")
def stories(tmp_path_factory) -> Stories:
    """Made once for the tests that stop, kill or starve a link of these stories, which each ingested
    and linked them before: ~3 CPU-s a command, most of it imports. Tests write to copies only."""
    folder = tmp_path_factory.mktemp("stories")
    ingested, linked = folder / "ingested.duckdb", folder / "linked.duckdb"
    assert _run(ingested, "ingest", str(write_jsonl(folder / "stories.jsonl", _rows(250)))).returncode == 0
    _copy(ingested, linked)
    started = time.monotonic()
    assert _run(linked, "link").returncode == 0
    return Stories(ingested, linked, _snapshot(linked, ORIGINS), time.monotonic() - started)


def _copy(db: Path, to: Path) -> Path:
    """A copy of a database that no process has open (its file holds everything: no write-ahead log)."""
    assert not Path(f"{db}.wal").exists(), f"{db} has a write-ahead log: the file alone is not all of it"
    shutil.copyfile(db, to)
    return to


def _seconds(db: Path, *args: str) -> float:
    started = time.monotonic()
    assert _run(db, *args).returncode == 0
    return time.monotonic() - started


def test_ingest_and_link_killed_at_random_moments_lose_nothing_and_a_rerun_finishes(tmp_path):
    # a dump holding a second, edited snapshot of ten copies, in the first batch: each a second
    # version, however often the file is read again after a kill
    update = "<p>Updated at noon with the ministry's statement on the talks.</p></article>"
    rows = []
    for n, row in enumerate(_rows(250)):
        rows.append(row)
        if n < 20 and n % 2:
            rows.append({**row, "html": row["html"].replace("</article>", update)})
    data = write_jsonl(tmp_path / "stories.jsonl", rows)
    nothing = write_jsonl(tmp_path / "nothing.jsonl", [])
    reference = tmp_path / "reference.duckdb"
    ingest_seconds = _seconds(reference, "ingest", str(data))  # a fresh database: with its migrations
    link_seconds = _seconds(reference, "link")
    # the same commands with nothing to do: their start-up alone
    ingest_work_seconds = max(
        0.1, _seconds(reference, "ingest", str(data)) - _seconds(reference, "ingest", str(nothing))
    )
    link_work_seconds = max(0.1, link_seconds - _seconds(reference, "link"))

    rng = random.Random(2026)
    db = tmp_path / "killed.duckdb"
    landed = {"ingest": 0, "link": 0}
    for kill in range(KILLS):
        # the first kill hits a fresh database anywhere: imports, migrations or work; the others are
        # timed from the first write so that they land in the work of a command that is mostly start-up
        landed["ingest"] += _kill_at_random(
            db, ["ingest", str(data)], rng, longest=0.8 * ingest_work_seconds if kill else ingest_seconds,
            after_first_write=bool(kill),
        )  # fmt: skip
        if db.exists():
            assert _broken_invariants(db) == {}, "after a killed ingest"
    assert landed["ingest"] >= KILLS // 2, f"most kills must land mid-run: {landed}"
    # a slow start-up (a fresh clone's cold disk) can put every kill before the run is recorded, in
    # the registry sync that writes first: a few more, until one ends a recorded run
    for _ in range(KILLS):
        if _stopped_runs(db, "ingest"):
            break
        _kill_at_random(db, ["ingest", str(data)], rng, longest=ingest_work_seconds, after_first_write=True)
        assert _broken_invariants(db) == {}, "after a killed ingest"
    stopped = {"ingest": _stopped_runs(db, "ingest")}
    result = _run(db, "ingest", str(data))
    assert result.returncode == 0, result.stderr
    versions = sorted(Counter(row["url"] for row in rows).items())
    assert _snapshot(db, "SELECT url, count(*) FROM articles GROUP BY url") == versions, (
        "every row stored exactly once"
    )
    assert _snapshot(reference, "SELECT url, count(*) FROM articles GROUP BY url") == versions, (
        "the reference read the file twice: the second time changed nothing"
    )

    for _ in range(KILLS):
        landed["link"] += _kill_at_random(
            db, ["link"], rng, longest=0.8 * link_work_seconds, after_first_write=True
        )
        assert _broken_invariants(db) == {}, "after a killed link"
    assert landed["link"] >= 1, f"some link kills must land mid-run: {landed}"
    stopped["link"] = _stopped_runs(db, "link")
    result = _run(db, "link")
    assert result.returncode == 0, result.stderr
    assert _snapshot(db, ORIGINS) == _snapshot(reference, ORIGINS), "the rerun ends where a clean run ends"
    runs = _snapshot(db, "SELECT command, status, count(*) FROM runs GROUP BY ALL")
    statuses = {(command, status): n for command, status, n in runs}
    assert not any(status == "running" for _, status in statuses), statuses
    # every run a kill ended is marked so by the next command, and some kills landed inside the work
    for command in ("ingest", "link"):
        assert stopped[command] >= 1, f"no {command} kill landed after its run began: {statuses}"
        assert statuses.get((command, "interrupted"), 0) == stopped[command], statuses
    print(
        f"kills landed mid-run: {landed} of {KILLS} each; runs by status: {statuses}; "
        f"full ingest {ingest_seconds:.1f} s ({ingest_work_seconds:.1f} s of work), "
        f"link {link_seconds:.1f} s ({link_work_seconds:.1f} s of work)"
    )


def test_a_crawl_killed_at_random_moments_again_and_again_stores_every_page_once(tmp_path):
    from tests.fixtures.crawl.mockweb import MockWeb, Reply, rss

    urls = [f"http://crash.test/news/2026/11/18/story-{i}.html" for i in range(60)]
    rng = random.Random(11)
    routes = {
        "http://crash.test/rss.xml": Reply(
            200,
            rss([(u, f"s{i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)]),
            content_type="application/rss+xml",
        )
    }
    for i, url in enumerate(urls):
        routes[url] = Reply(200, article_html(f"Story {i}", [_words(rng, 40) + "."] * 4), delay=0.1)
    db = tmp_path / "crawl.duckdb"
    args = ["crawl", "--feed", "http://crash.test/rss.xml", "--no-link", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVTRACK_BATCH_SIZE=3",
            "-s", "PROVTRACK_FLUSH_SECONDS=0.3", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]  # fmt: skip
    landed = 0
    with MockWeb(routes) as web:
        args += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        for attempt in range(8):  # four kills, and more until two landed mid-crawl (a fast machine)
            if attempt >= 4 and landed >= 2:
                break
            landed += _kill_at_random(db, args, rng, longest=3.0)
            if db.exists():
                assert _broken_invariants(db) == {}, "after a killed crawl"
        result = _run(db, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert landed >= 2
    assert _snapshot(db, "SELECT url, count(*) FROM articles GROUP BY url") == sorted((u, 1) for u in urls)
    assert _snapshot(db, "SELECT count(*) FROM runs WHERE status = 'running'") == [(0,)]


def _files_at_most(limit: int):
    """A subprocess preexec_fn: no file the process writes may grow beyond `limit` bytes. Such a write
    fails (EFBIG) as one on a full disk does (ENOSPC), without needing a small file system."""
    import resource

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_file_size


def _crawl_that_meets_a_full_disk(db: Path, args: list[str], limit: int) -> None:
    """Run `provtrack crawl` whose files may not grow beyond `limit` bytes: it must fail with exit 1
    and one line saying storing failed for want of space, no traceback."""
    full = subprocess.run(
        [PROVTRACK, "--db", str(db), *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_files_at_most(limit),
    )
    assert full.returncode == 1, full.stdout + full.stderr[-2000:]
    assert full.stderr.count("\n") <= 3 and "Traceback" not in full.stderr, full.stderr[-3000:]
    last = full.stderr.strip().splitlines()[-1]
    assert "storing failed" in last and "File too large" in last and "free some disk space" in last, last


def test_a_crawl_that_fills_the_disk_fails_in_one_line_and_keeps_every_stored_batch(tmp_path):
    """A months-long cron job meets a full disk one night. The write limit of the process (RLIMIT_FSIZE,
    which fails writes as a full disk does, without needing a small file system) stands in for it."""

    from tests.fixtures.crawl.mockweb import MockWeb, Reply, rss

    rng = random.Random(5)
    urls = [f"http://full.test/news/{i}.html" for i in range(80)]
    routes = {
        "http://full.test/rss.xml": Reply(
            200, rss([(u, "s", "Wed, 18 Nov 2026 10:00:00 GMT") for u in urls]), {}, 0, "application/rss+xml"
        )
    }
    for i, url in enumerate(urls):  # ~60 KB of text each: a few large pages fill the limit
        routes[url] = Reply(200, article_html(f"Story {i}", [_words(rng, 1800) + "." for _ in range(5)]))
    db = tmp_path / "full.duckdb"
    assert _run(db, "ingest", str(write_jsonl(tmp_path / "none.jsonl", []))).returncode == 0
    # The limit is per file. Batches close with a checkpoint that reuses the empty database's free
    # blocks, so the write-ahead log is what grows (~54 KB an article): it meets the limit at about
    # article 60 of 80. A DuckDB that wrote much less per article would make the crawl succeed and
    # this test fail on its exit code, not pass by mistake.
    limit = db.stat().st_size + 100_000

    args = ["crawl", "--feed", "http://full.test/rss.xml", "--no-link", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVTRACK_BATCH_SIZE=10"]  # fmt: skip
    with MockWeb(routes) as web:
        args += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        _crawl_that_meets_a_full_disk(db, args, limit)
        assert _broken_invariants(db) == {}
        stored = _snapshot(db, "SELECT count(*) FROM articles")[0][0]
        assert 0 < stored < len(urls), "batches before the failure are kept"
        rerun = _run(db, *args)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    # `failed`, or `interrupted` by the rerun when the full disk refused even the run's closing line
    statuses = [s for _, s in _snapshot(db, "SELECT run_id, status FROM runs WHERE command = 'crawl'")]
    assert statuses[0] in ("failed", "interrupted") and statuses[1:] == ["ok"], statuses
    assert f"{len(urls) - stored} new" in rerun.stdout, "space freed: the next run fetches only the rest"
    assert _snapshot(db, "SELECT url, count(*) FROM articles GROUP BY url") == sorted((u, 1) for u in urls)


def test_a_crawl_whose_archive_meets_a_full_disk_stops_at_once_and_the_next_run_fetches_the_rest(tmp_path):
    """The WARC file is the first to meet the limit (pages of large markup and little text): each later
    response failed in turn, the crawl fetched on and ended `partial`, exit 3, a failure per page."""
    from tests.fixtures.crawl.mockweb import MockWeb, Reply, rss

    rng = random.Random(8)
    urls = [f"http://warc.test/news/{i}.html" for i in range(80)]
    routes = {
        "http://warc.test/rss.xml": Reply(
            200, rss([(u, "s", "Wed, 18 Nov 2026 10:00:00 GMT") for u in urls]), {}, 0, "application/rss+xml"
        )
    }
    for i, url in enumerate(urls):  # 800 KB of markup (~430 KB gzipped) and a few lines of text each
        noise = os.urandom(400_000).hex()
        html = article_html(f"Story {i}", [_words(rng, 60) + "." for _ in range(3)])
        routes[url] = Reply(200, html.replace("</body>", f"<!-- {noise} --></body>"))
    db = tmp_path / "warc.duckdb"
    assert _run(db, "ingest", str(write_jsonl(tmp_path / "none.jsonl", []))).returncode == 0
    args = ["crawl", "--feed", "http://warc.test/rss.xml", "--no-link", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVTRACK_BATCH_SIZE=5",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]  # fmt: skip
    with MockWeb(routes) as web:
        args += ["-s", f"PROVTRACK_PROXY={web.proxy}"]
        # the WARC meets the limit at about its 9th page (~25 requested by then); the database grows less
        _crawl_that_meets_a_full_disk(db, args, db.stat().st_size + 1_000_000)
        fetched = len(web.requested(lambda u: "/news/" in u))
        assert fetched < 60, f"the crawl stops at the first refused write, not after {fetched} pages"
        assert _broken_invariants(db) == {}
        stored = _snapshot(db, "SELECT count(*) FROM articles")[0][0]
        rerun = _run(db, *args)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{len(urls) - stored} new" in rerun.stdout, "the next run fetches only the rest"
    assert _snapshot(db, "SELECT url, count(*) FROM articles GROUP BY url") == sorted((u, 1) for u in urls)


def test_link_on_a_full_disk_fails_in_one_line_and_the_next_link_finishes(tmp_path):

    db = tmp_path / "full.duckdb"
    assert _run(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", _rows(200)))).returncode == 0
    limit = 300_000  # bytes a file may reach: the write-ahead log of the link outgrows it
    link = [PROVTRACK, "--db", str(db), "link"]
    full = subprocess.run(
        link, cwd=PROJECT_ROOT, capture_output=True, text=True, preexec_fn=_files_at_most(limit)
    )
    assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr[-3000:]
    assert full.stderr.startswith("Error: ") and full.stderr.count("\n") == 1, full.stderr
    assert "File too large (free some disk space; everything stored before is kept)" in full.stderr
    assert _broken_invariants(db) == {}
    assert _run(db, "link").returncode == 0
    statuses = [s for _, s in _snapshot(db, "SELECT run_id, status FROM runs WHERE command = 'link'")]
    assert statuses[0] in ("failed", "interrupted") and statuses[1:] == ["ok"], statuses
    assert _broken_invariants(db) == {}


def test_a_rebuild_stopped_while_clearing_the_index_leaves_it_whole(tmp_path, monkeypatch):
    """`link --all` cleared the index in two statements, each committed on its own: killed between
    them, it left no index with every article still marked judged, so later links found no source
    and said ok. Here the second statement fails, as a kill would stop it."""
    from pipelines.store import db as store_db
    from pipelines.store import links

    db = tmp_path / "clear.duckdb"
    assert _run(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", _rows(20)))).returncode == 0
    assert _run(db, "link").returncode == 0
    count = "SELECT (SELECT count(*) FROM link_postings), (SELECT count(*) FROM link_state)"
    before = _snapshot(db, count)
    real = store_db.load_query
    stopped = "DELETE FROM link_postings; SELECT error('stopped between the statements');"
    monkeypatch.setattr(links, "load_query", lambda n: stopped if n == "link/clear" else real(n))
    con = duckdb.connect(str(db))
    try:
        with pytest.raises(duckdb.Error, match="stopped between"):
            links.clear(con)
    finally:
        con.close()
    assert _snapshot(db, count) == before and before[0][0] > 0


def test_exports_and_answers_that_meet_a_full_disk_leave_the_previous_files_whole(tmp_path, stories):
    """Last night's export, report and query --out are what scripts read in the morning: a write that
    fails halfway must leave them as they were, whole and readable, not truncated."""
    db = tmp_path / "answers.duckdb"
    out = tmp_path / "out"
    assert _run(db, "ingest", str(write_jsonl(tmp_path / "few.jsonl", _rows(250)[:40]))).returncode == 0
    assert _run(db, "link").returncode == 0
    writes = {  # command: the files it writes
        ("export", str(out)): ["article_origins.parquet", "credits.parquet"],
        ("query", "select * from article_origins", "--format", "csv", "--out", str(out / "o.csv")): ["o.csv"],
        ("report", "--out", str(out / "report")): ["report/index.html"],
    }
    for command in writes:
        assert _run(db, *command).returncode == 0
    before = _files(out)
    assert sorted(before) == sorted(out / name for names in writes.values() for name in names)
    _copy(stories.linked, db)  # the next day: all 250 stories, linked

    for command, names in writes.items():
        # ~1 KB more than last night's files: 12 times the articles do not fit
        limit = max(len(before[out / name]) for name in names) + 1_000
        full = subprocess.run(
            [PROVTRACK, "--db", str(db), *command],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            preexec_fn=_files_at_most(limit),
        )
        assert full.returncode == 1, (command, full.stdout, full.stderr)
        assert full.stderr.count("\n") == 1 and "File too large" in full.stderr, (command, full.stderr)
        assert _files(out) == before, f"{command[0]} left a changed or half-written file"
    origins = out / "article_origins.parquet"
    assert _snapshot(db, f"SELECT count(*) FROM read_parquet('{origins}')") == [(40,)], "still readable"
    for command in writes:
        assert _run(db, *command).returncode == 0
    assert _snapshot(db, f"SELECT count(*) FROM read_parquet('{origins}')") == [(500,)]
    assert sorted(_files(out)) == sorted(before), "no partial file is left behind"


def _files(folder: Path) -> dict[Path, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


#: the link command with its worker pool used for every chunk of a few articles
#: and a line on stderr once it is imported, so a test can signal it after Python's start-up (a
#: SIGTERM during the imports kills it before any handler exists, with nothing begun)
POOLED_LINK = [sys.executable, "-c", "import pipelines.link as l; l.PARALLEL_MIN = 2; l.CHUNK = 25; "
               "from pipelines.cli import main; import sys; print('imported', file=sys.stderr, flush=True); "
               "main()"]  # fmt: skip


def _start_in_own_group(args: list) -> subprocess.Popen:
    """A command in a process group of its own, as cron and systemd start one: a signal to the group
    reaches its workers too, and a SIGKILL to it leaves nothing behind."""
    return subprocess.Popen([str(a) for a in args], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip


def _output_once_ended(command: subprocess.Popen, seconds: float, failure: str) -> tuple[str, str]:
    """stdout and stderr of `command` once it has ended; when it has not within `seconds`, its group is
    killed and the test fails with `failure`."""
    try:
        return command.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(command.pid, signal.SIGKILL)
        command.communicate()
        raise AssertionError(failure) from None


def test_a_link_whose_worker_is_killed_fails_in_one_line_and_the_next_link_finishes(tmp_path, stories):
    """The kernel's out-of-memory killer picks a link worker: the link printed a BrokenProcessPool
    traceback. Now one line, exit 1, the run `failed`, and the next link ends where a clean one ends."""
    db = _copy(stories.ingested, tmp_path / "db.duckdb")
    command = _start_in_own_group([*POOLED_LINK, "--db", db, "link"])
    assert command.stderr.readline() == "imported\n"
    workers: list[str] = []
    deadline = time.monotonic() + 30
    while not workers and command.poll() is None and time.monotonic() < deadline:
        children = Path(f"/proc/{command.pid}/task/{command.pid}/children")
        workers = children.read_text().split() if children.exists() else []
        time.sleep(0.01)
    assert workers, "the link finished before its workers could be seen"
    os.kill(int(workers[0]), signal.SIGKILL)
    _out, err = _output_once_ended(command, 60, "the link did not end within 60 s of its worker's death")
    assert command.returncode == 1, err[-2000:]
    assert err.count("\n") == 1 and "Traceback" not in err and "a worker process died" in err, err[-2000:]
    assert _snapshot(db, "SELECT status FROM runs WHERE command = 'link'") == [("failed",)]
    assert set(_broken_invariants(db)) <= {"judged but not indexed"}
    assert _run(db, "link").returncode == 0
    assert _snapshot(db, ORIGINS) == stories.origins, "the rerun ends where a clean run ends"


def test_link_stopped_by_sigterm_to_its_process_group_exits_at_once_and_a_rerun_finishes(tmp_path, stories):
    """`timeout` and systemd signal the whole group: the link's workers get the SIGTERM too. A worker
    that died of it while holding its pool's queue lock used to hang the link for good, writer lock
    held, so every later cron run exited 75."""
    db = _copy(stories.ingested, tmp_path / "db.duckdb")
    rng = random.Random(5)
    for _ in range(4):
        command = _start_in_own_group([*POOLED_LINK, "--db", db, "link", "--all"])
        assert command.stderr.readline() == "imported\n"
        time.sleep(rng.uniform(0.1, max(0.2, stories.link_seconds)))
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGTERM)
        _out, err = _output_once_ended(command, 30, "the link did not stop within 30 s of SIGTERM")
        assert command.returncode in (0, 130), err
        assert "Traceback" not in err and "ForkPoolWorker" not in err, err
        # a rebuild cut short keeps its old verdicts until the next link replaces them
        assert set(_broken_invariants(db)) <= {"judged but not indexed"}
    assert _run(db, "link").returncode == 0
    assert _snapshot(db, ORIGINS) == stories.origins, "the rerun ends where a clean run ends"


def test_a_stop_signal_inside_a_worker_pool_lock_stops_the_link_and_a_rerun_finishes(tmp_path, stories):
    """A SIGTERM that came between a lock's acquire and its `with` in the pool's `submit` became a
    KeyboardInterrupt right there: the lock stayed held, the pool's manager thread waited for it for
    good, and so did the link's shutdown, writer lock held (the CI saw it once in a hundred links)."""
    db = _copy(stories.ingested, tmp_path / "db.duckdb")
    script = PROJECT_ROOT / "tests" / "fixtures" / "signal_inside_a_pool_lock.py"
    command = _start_in_own_group([sys.executable, script, "--db", db, "link"])
    _out, err = _output_once_ended(command, 60, "the link did not stop within 60 s of SIGTERM")
    assert command.returncode == 130, err
    assert err == "interrupted; everything stored before is kept\n", err
    assert _snapshot(db, "SELECT status FROM runs WHERE command = 'link'") == [("interrupted",)]
    assert _run(db, "link").returncode == 0
    assert _snapshot(db, ORIGINS) == stories.origins, "the rerun ends where a clean run ends"


def test_a_second_stop_signal_while_the_first_is_handled_still_stops_the_command_in_one_line(tmp_path):
    """`timeout` signals the command, then its whole group; users press Ctrl-C twice. A second signal
    while the handler of the first held a lock (it set a threading.Event) waited for that lock for
    good: the ingest hung with the writer lock held, and every later cron run exited 75."""
    db = tmp_path / "db.duckdb"
    rows = write_jsonl(tmp_path / "stories.jsonl", _rows(250))
    script = PROJECT_ROOT / "tests" / "fixtures" / "second_signal_in_the_handler.py"
    command = _start_in_own_group([sys.executable, script, "--db", db, "ingest", rows])
    _out, err = _output_once_ended(command, 60, "the ingest did not stop within 60 s of two SIGTERMs")
    assert command.returncode == 130, err
    assert err == "interrupted; everything stored before is kept\n", err
    assert _snapshot(db, "SELECT status FROM runs WHERE command = 'ingest'") == [("interrupted",)]
    assert _run(db, "ingest", str(rows)).returncode == 0
    assert _snapshot(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(500, 500)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/wchan")
def test_a_crawl_stopped_as_it_closes_after_a_cleaning_worker_died_closes_its_archive_and_exits():
    """A signal while the last batch was stored skipped the rest of the crawl's close: the archive
    stayed open, and the exit waited for ever for a cleaning pool whose other worker ignores SIGTERM."""
    script = PROJECT_ROOT / "tests" / "fixtures" / "stop_while_a_crawl_closes.py"
    command = _start_in_own_group([sys.executable, script])
    out, err = _output_once_ended(command, 30, "the process did not exit within 30 s")
    assert out == "interrupted; archive closed: True\n", out + err


def test_a_damaged_database_file_says_how_to_rebuild_it_from_the_archive_and_that_works(tmp_path):
    """A database file whose blocks fail DuckDB's checksums (a bad disk, a copy taken mid-write) must not
    fail an hourly cron job the same opaque way forever: one line says how to rebuild it from the WARC
    archive, and doing what it says in a shell brings back every crawled article version, in order
    (one fetched before 0.2.0 named its WARC files otherwise), and no other database's: two databases
    in one folder share its archive. The file's name needs quoting in a shell, as a plain one does not."""
    name = "bob's news [1].duckdb"
    import shlex

    from tests.fixtures.crawl.mockweb import MockWeb, Reply, rss

    rng = random.Random(3)
    routes = {}
    for site in ("damaged", "neighbour"):
        urls = [f"http://{site}.test/news/2026/11/18/story-{i}.html" for i in range(8)]
        routes[f"http://{site}.test/rss.xml"] = Reply(
            200,
            rss([(u, f"s{i}", "Wed, 18 Nov 2026 10:00:00 GMT") for i, u in enumerate(urls)]),
            content_type="application/rss+xml",
        )
        for i, url in enumerate(urls):
            routes[url] = Reply(200, article_html(f"Story {i}", [_words(rng, 40) + "." for _ in range(4)]))
    versions = [article_html("Story 0", [_words(rng, 40) + "." for _ in range(4)]) for _ in range(2)]
    routes["http://damaged.test/news/2026/11/18/story-0.html"] = lambda hits, headers: Reply(
        200, versions[min(hits, 2) - 1]
    )
    db, neighbour = tmp_path / name, tmp_path / "neighbour.duckdb"
    archive = tmp_path / "archive"
    with MockWeb(routes) as web:
        polite_off = [
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            f"PROVTRACK_PROXY={web.proxy}",
            "-s",
            "PROVTRACK_JOBS=1",  # cleaning in a thread: no pool to start for eight pages
        ]
        for path, site, more in ((db, "damaged", []), (neighbour, "neighbour", []),
                                 (db, "damaged", ["-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0"])):  # fmt: skip
            crawled = _run(path, "crawl", "--feed", f"http://{site}.test/rss.xml", *polite_off, *more)
            assert crawled.returncode == 0, crawled.stderr[-2000:]
            if path == db and not more:  # the first crawl as 0.1.0 named its file
                (first,) = [p for p in archive.iterdir() if p.name.startswith(f"{db.stem}-crawl-")]
                first.rename(archive / first.name.removeprefix(f"{db.stem}-"))
    articles = "SELECT url, version, text FROM articles"
    before = _snapshot(db, articles)
    assert len(before) == 9 and ("http://damaged.test/news/2026/11/18/story-0.html", 2) in [
        r[:2] for r in before
    ]

    with open(db, "r+b") as handle:  # the first block after DuckDB's three headers
        handle.seek(3 * 4096 + 100)
        handle.write(b"\xff" * 64)
    damaged = _run(db, "runs")
    assert damaged.returncode == 1
    message = damaged.stderr.strip()
    assert message.count("\n") == 0 and "is damaged" in message and "Traceback" not in message, message

    db.rename(tmp_path / "damaged.duckdb")  # "move the file aside"
    shell = {**os.environ, "PATH": f"{Path(PROVTRACK).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in message.split("`")[1::2]:  # then run the commands it names, as a shell would
        rebuilt = subprocess.run(
            command, shell=True, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=shell
        )
        assert rebuilt.returncode == 0, (command, rebuilt.stderr[-2000:])
    assert shlex.split(message.split("`")[1])[2] == str(db)
    rows = _snapshot(db, articles)
    assert {r[0] for r in rows} == {r[0] for r in before}, "every crawled article, and no neighbour's"
    assert rows == before, "the versions in the order they were fetched"


def _damage_a_data_block(db: Path, table: str, column: str) -> None:
    """Overwrite bytes of a segment holding `column` of `table`: DuckDB finds it only when a query reads
    it. (Bytes past the used part of a block are outside its checksum: the damage goes into the data.)"""
    con = duckdb.connect(str(db), read_only=True)
    try:
        segments = con.execute(
            f"SELECT block_id, block_offset FROM pragma_storage_info('{table}') "
            f"WHERE column_name = '{column}' AND block_id >= 0 ORDER BY 1, 2"
        ).fetchall()
        (block_size,) = con.execute("SELECT current_setting('default_block_size')").fetchone()
    finally:
        con.close()
    block, offset = segments[len(segments) // 2]
    with open(
        db, "r+b"
    ) as handle:  # blocks follow DuckDB's three 4 KB headers; each starts with its checksum
        handle.seek(3 * 4096 + block * int(block_size) + 8 + offset + 8)
        handle.write(b"\xff" * 16)


def test_damage_a_query_comes_upon_is_one_line_naming_the_remedy_in_every_command(tmp_path):
    """DuckDB reads blocks lazily: damage in article text shows only when a command reads it, as a
    plain error. Each command says the file is damaged in one line; a database that was only
    ingested has no crawl archive, and the line says so instead of naming files that do not exist."""
    rng = random.Random(9)
    rows = [
        {"url": f"https://paper.example/{i}", "outlet": "Paper", "text": _words(rng, 800)} for i in range(300)
    ]
    db = tmp_path / "ingested.duckdb"
    assert _run(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", rows))).returncode == 0
    _damage_a_data_block(db, "articles", "text")
    for command in (["link"], ["query", "SELECT sum(length(text)) FROM articles"]):
        result = _run(db, *command)
        line = result.stderr.strip()
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert line.count("\n") == 0 and "is damaged" in line and "no crawl archive of it" in line, line


def test_a_crawl_whose_batch_finds_the_database_damaged_says_so_not_that_the_next_run_will_do(tmp_path):
    """Storing a re-checked page reads its stored credits (has it changed?): damage there failed the
    crawl with "storing failed: …; the next run fetches the rest", which every hourly run repeated."""
    from tests.fixtures.crawl.mockweb import MockWeb, Reply, rss

    rng = random.Random(4)
    urls = [f"http://hourly.test/news/2026/11/18/story-{i}.html" for i in range(30)]
    routes = {
        "http://hourly.test/rss.xml": Reply(
            200,
            rss([(u, "s", "Wed, 18 Nov 2026 10:00:00 GMT") for u in urls]),
            content_type="application/rss+xml",
        )
    }
    for i, url in enumerate(urls):
        paragraphs = [_words(rng, 200) + "." for _ in range(4)] + ["Source: Reuters"]
        routes[url] = Reply(200, article_html(f"Story {i}", paragraphs))
    db = tmp_path / "hourly.duckdb"
    args = ["crawl", "--feed", "http://hourly.test/rss.xml", "--no-link", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROVTRACK_RECHECK_MIN_AGE_HOURS=0"]  # fmt: skip
    with MockWeb(routes) as web:
        assert _run(db, *args, "-s", f"PROVTRACK_PROXY={web.proxy}").returncode == 0
        assert _snapshot(db, "SELECT count(*) FROM article_credits") == [(30,)]
        _damage_a_data_block(db, "article_credits", "agency")
        recheck = _run(db, *args, "-s", f"PROVTRACK_PROXY={web.proxy}")
    last = recheck.stderr.strip().splitlines()[-1] if recheck.stderr.strip() else ""
    assert recheck.returncode == 1 and "Traceback" not in recheck.stderr, recheck.stderr[-3000:]
    assert "is damaged" in last and "next run" not in last, last
