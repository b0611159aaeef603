"""The store: migrations, versions, idempotent loads, the public views before linking."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import duckdb
import pytest

from pipelines.models import Agency, Article, Credit, DateCandidate
from pipelines.store import Database
from pipelines.store.articles import NewOutlet, Outlets, add_listing_dates, save_articles
from pipelines.store.crawl_state import FetchRecord, KnownArticle, known_articles, save_fetches
from pipelines.store.db import apply_migrations, migration_files
from pipelines.store.runs import abort_run, finish_run, mark_stale_runs, start_run


def _article(url: str, text: str, outlet: str | None = None, credits=()) -> Article:
    return Article(
        url=url,
        outlet=outlet,
        domain="x",
        title="t",
        author=None,
        text=text,
        language="en",
        sitename=None,
        canonical_url=None,
        published_at=datetime(2026, 11, 20, 12),
        credits=list(credits),
    )


def test_migrations_apply_once_and_record_themselves(tmp_db):
    db = Database(tmp_db)
    with db.writer() as con:
        versions = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert [v for (v,) in versions] == [v for v, _, _ in migration_files()]
        assert apply_migrations(con) == [], "a second migrate must apply nothing"


def test_a_database_a_newer_provtrack_made_is_refused_for_writing_and_left_as_it_was(tmp_db, run_cli):
    """Writing to it recreated the views from this version's SQL (the newer columns vanished) and wrote
    rows the newer tables may not expect; `migrate` said "schema is up to date"."""
    with Database(tmp_db).writer() as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now()::TIMESTAMP)")
        con.execute("CREATE OR REPLACE VIEW article_origins AS SELECT 1 AS newer_column")
    result = run_cli("migrate")
    assert result.exit_code == 1
    assert "made by a newer provtrack (schema version 99" in result.stderr, result.stderr
    with Database(tmp_db).reader() as con:
        columns = [c[0] for c in con.execute("SELECT * FROM article_origins").description]
    assert columns == ["newer_column"], "the newer view is untouched"


def test_same_text_twice_is_one_row_and_new_text_is_a_new_version(tmp_db):
    with Database(tmp_db).writer() as con:
        run = start_run(con, "test")
        outlets = Outlets(con, run)
        first = save_articles(con, run, [_article("https://a.com/1", "Alpha beta gamma.")], outlets)
        again = save_articles(con, run, [_article("https://a.com/1", "Alpha  beta gamma.")], outlets)
        changed = save_articles(
            con, run, [_article("https://a.com/1", "Alpha beta gamma. Via: TASS")], outlets
        )
        finish_run(con, run, "ok")
        assert (first.new_articles, again.unchanged, changed.new_versions) == (1, 1, 1)
        rows = con.execute(
            "SELECT version, previous_id IS NOT NULL FROM articles ORDER BY version"
        ).fetchall()
        assert rows == [(1, False), (2, True)]
        assert con.execute("SELECT count(*) FROM article_origins").fetchone()[0] == 1, "one row per article"


def test_the_crawlers_known_urls_match_what_is_stored_and_fetched_whatever_the_script(tmp_db):
    """The crawler looks URLs up by an md5 key computed in SQL when it loads and in Python when it asks;
    a mismatch (a URL in Cyrillic, a percent-escape) would refetch every article of a site each run."""
    stored = ["https://a.com/1", "https://ria.example/новости/2026/союз.html", "https://b.org/%D0%B0?id=1"]
    fetched_only = "https://c.net/gallery/9"  # fetched, no article text: known, not stored
    with Database(tmp_db).writer() as con:
        run = start_run(con, "test")
        save_articles(con, run, [_article(url, f"Text of {url}.") for url in stored], Outlets(con, run))
        when = datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=timezone.utc)
        save_fetches(con, run, [FetchRecord(u, "article", "s", 200, when) for u in (stored[1], fetched_only)])
        first_seen = con.execute("SELECT first_seen_at FROM articles WHERE url = ?", [stored[0]]).fetchone()[
            0
        ]
        known = known_articles(con)
    assert len(known) == 4
    assert all(url in known for url in [*stored, fetched_only])
    assert "https://a.com/2" not in known and "https://ria.example/новости/2026/союз" not in known
    assert known.get(stored[0]) == KnownArticle(first_seen.replace(tzinfo=timezone.utc), 0, True), (
        "an ingested article: first sight to the microsecond, no crawler fetch"
    )
    assert known.get(fetched_only) == KnownArticle(when, 1, False)
    assert known.get(stored[1]).fetches == 1 and known.get(stored[1]).stored


def test_a_feed_date_read_after_the_page_was_stored_still_decides_published_at(tmp_db):
    """A crawl can fetch a page from a dateless sitemap before the feed that dates it is parsed."""
    seen = datetime(2026, 11, 21, 8, tzinfo=timezone.utc)
    feed = DateCandidate("feed", datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc))
    article = _article("https://a.com/late", "Alpha beta gamma.")
    article.published_at, article.date_candidates = seen, [DateCandidate("first_seen", seen)]
    with Database(tmp_db).writer() as con:
        run = start_run(con, "test")
        save_articles(con, run, [article], Outlets(con, run))
        assert add_listing_dates(con, {"https://a.com/late": [feed], "https://a.com/unstored": [feed]}) == [
            "https://a.com/late"
        ], "an article not stored yet is handed back to wait"
        add_listing_dates(con, {"https://a.com/late": [feed]})
        published = con.execute("SELECT published_at FROM articles").fetchall()
        claims = con.execute("SELECT source FROM article_dates ORDER BY source").fetchall()
    assert published == [(datetime(2026, 11, 20, 9, 30),)]
    assert claims == [("feed",), ("first_seen",)], "the claim is kept once, beside first sight"


def test_article_origins_before_linking_uses_the_origin_credit(tmp_db):
    with Database(tmp_db).writer() as con:
        run = start_run(con, "test")
        outlets = Outlets(con, run)
        credits = [
            Credit("Sputnik", "origin", "Via: Sputnik News Agency", "footer"),
            Credit("BelTA", "cited", "quoted as saying by ... Belta", "body"),
        ]
        save_articles(
            con,
            run,
            [
                _article("https://eurasiantimes.com/s400", "Text.", credits=credits),
                _article("https://plain.com/a", "Other text."),
            ],
            outlets,
        )
        rows = con.execute(
            "SELECT article_url, origin_agency, hops, derivation, credit_status, evidence, origin_url "
            "FROM article_origins ORDER BY article_url"
        ).fetchall()
    assert rows == [
        ("https://eurasiantimes.com/s400", "Sputnik", 1, "none", "credited", "credit", None),
        ("https://plain.com/a", None, 0, "none", None, None, "https://plain.com/a"),
    ], "a page with no credit is its own origin, as link will conclude"


def test_an_agency_outlets_own_story_is_self(tmp_db):
    with Database(tmp_db).writer() as con:
        run = start_run(con, "test")
        outlets = Outlets(con, run)
        from pipelines.store.articles import ensure_registries

        ensure_registries(con)
        outlets = Outlets(con, run)
        save_articles(
            con, run, [_article("https://tass.com/politics/1", "MOSCOW, Nov 3. /TASS/. Text.")], outlets
        )
        row = con.execute("SELECT outlet, origin_agency, hops, credit_status FROM article_origins").fetchone()
    assert row == ("TASS", "TASS", 0, "self")


def test_a_failed_batch_leaves_nothing_half_written(tmp_db):
    with Database(tmp_db).writer() as con:
        run = start_run(con, "test")
        outlets = Outlets(con, run)
        # role is NOT NULL: the credits insert fails after the articles of the batch were inserted
        bad = _article("https://a.com/2", "Text.", credits=[Credit("TASS", None, "x", "footer")])
        with pytest.raises(duckdb.ConstraintException):
            save_articles(con, run, [_article("https://a.com/1", "Fine."), bad], outlets)
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM article_credits").fetchone()[0] == 0


def test_a_run_whose_process_died_is_marked_interrupted(tmp_db):
    with Database(tmp_db).writer() as con:
        con.execute(
            "INSERT INTO runs (command, started_at, status, pid) VALUES ('crawl', now(), 'running', 999999)"
        )
        start_run(con, "ingest")
        status = con.execute("SELECT status FROM runs WHERE command = 'crawl'").fetchone()[0]
    assert status == "interrupted"


def test_a_run_ended_by_ctrl_c_is_interrupted_and_its_open_transaction_rolled_back(tmp_db):
    with Database(tmp_db).writer() as con:
        outlets = Outlets(con, None)
        stopped = start_run(con, "ingest")
        save_articles(con, stopped, [_article("https://a.com/kept", "Stored in an earlier batch.")], outlets)
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM articles")  # a batch half done when the signal came
        abort_run(con, stopped, RuntimeError("Query interrupted"))  # DuckDB's form of Ctrl-C
        broken = start_run(con, "link")
        abort_run(con, broken, ValueError("bad input"))
        runs = con.execute("SELECT status, message, counts FROM runs ORDER BY run_id").fetchall()
        kept = con.execute("SELECT url FROM articles").fetchall()
    assert runs == [
        ("interrupted", "stopped by a signal; kept: 1 article version", '{"article versions": 1}'),
        ("failed", "ValueError: bad input", "{}"),
    ], "`provtrack runs` says what a stopped run had stored"
    assert kept == [("https://a.com/kept",)], "what was stored before stays; the half batch is undone"


def test_readers_wait_for_a_writer_then_say_why(tmp_db):
    db = Database(tmp_db, wait=0.5)
    with db.writer():
        pass
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(5)",
            str(tmp_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        from pipelines.store import DatabaseLocked

        try:
            with db.reader():
                raise AssertionError("the database should be locked by the other process")
        except DatabaseLocked as exc:
            assert "gave up after 0.5 s" in str(exc)
            assert f"is open in another process (PID {holder.pid}, python" in str(exc), "whom to wait for"
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_schema_views_have_the_public_columns(tmp_db):
    with Database(tmp_db).writer() as con:
        origins = [r[0] for r in con.execute("DESCRIBE article_origins").fetchall()]
        credits = [r[0] for r in con.execute("DESCRIBE credits").fetchall()]
    assert origins == [
        "article_url",
        "outlet",
        "published_at",
        "source_url",
        "origin_url",
        "origin_agency",
        "hops",
        "derivation",
        "reuse_score",
        "credit_status",
        "evidence",
    ]
    assert credits == ["article_url", "agency", "role", "cue", "location"]


def test_registering_outlets_together_gives_each_name_to_the_same_outlet_as_one_at_a_time(tmp_path):
    """sync_registries registers every agency and source in one call; an alias two agencies share, an
    outlet named by an earlier one's alias, a name already stored must end where add() after add() ends."""
    sputnik = Agency("Sputnik", "Sputnik", ("Sputnik", "RIA Novosti", "Спутник"), ("sputniknews.com",), "RU",
                     "state", True)  # fmt: skip
    ria = Agency("RIA", "RIA Novosti", ("RIA", "RIA Novosti"), ("ria.ru",), "RU", "state", True)
    outlets = [
        NewOutlet("Sputnik", "agencies", agency=sputnik, aliases=sputnik.aliases, domains=sputnik.domains),
        NewOutlet("RIA", "agencies", agency=ria, aliases=ria.aliases, domain="ria.ru", domains=ria.domains),
        NewOutlet("ria novosti", "sources", domain="ria-mirror.example"),  # an alias of Sputnik already
        NewOutlet("Minsk Daily", "sources", domain="minsk-daily.example"),
        NewOutlet("Old Outlet", "sources", domain="old.example"),
    ]
    tables = {}
    for how in ("together", "one at a time"):
        with Database(tmp_path / f"{how}.duckdb").writer() as con:
            Outlets(con).add(  # stored before, by an earlier run
                "Old Outlet", registry="ingest", domain="old-home.example"
            )
            registry = Outlets(con)
            if how == "together":
                ids = registry.add_many(outlets)
            else:
                ids = [
                    registry.add(o.name, **{k: v for k, v in vars(o).items() if k != "name"}) for o in outlets
                ]
            assert Outlets(con).add_many(outlets) == ids, "a second registration changes nothing"
            tables[how] = [
                con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
                for table in ("outlets", "outlet_aliases", "outlet_domains")
            ]
            names = dict(con.execute("SELECT outlet_id, name FROM outlets").fetchall())
        assert [names[i] for i in ids] == ["Sputnik", "RIA", "Sputnik", "Minsk Daily", "Old Outlet"], how
    assert tables["together"] == tables["one at a time"]
    aliases = dict((alias, outlet) for alias, outlet in tables["together"][1])
    assert aliases["ria novosti"] == aliases["sputnik"], "the first agency keeps a shared alias"
    by_name = {
        table: {key: names[outlet] for key, outlet in rows}
        for table, rows in zip(("aliases", "domains"), tables["together"][1:])
    }
    assert by_name["aliases"] == {
        "sputnik": "Sputnik", "ria novosti": "Sputnik", "спутник": "Sputnik", "ria": "RIA",
        "minsk daily": "Minsk Daily", "old outlet": "Old Outlet",
    }  # fmt: skip
    assert by_name["domains"] == {
        "sputniknews.com": "Sputnik", "ria.ru": "RIA", "ria-mirror.example": "Sputnik",
        "minsk-daily.example": "Minsk Daily", "old-home.example": "Old Outlet", "old.example": "Old Outlet",
    }  # fmt: skip


def test_times_are_stored_in_utc_on_a_server_whose_clock_is_not(tmp_path):
    """On a machine set to another time zone, run times and the re-check window were kept in local
    time (DuckDB's session zone) beside publication times in UTC: hours apart in every comparison."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from pipelines import PROJECT_ROOT
    from tests.conftest import write_jsonl

    story = "A long enough story about grain exports from the port of Riga this autumn."
    rows = [{"url": "https://a.example/1", "outlet": "A", "published_at": "2026-11-16T12:00:00+05:30",
             "text": story}]  # fmt: skip
    db = tmp_path / "tz.duckdb"
    command = [str(Path(sys.executable).with_name("provtrack")), "--db", str(db), "ingest"]
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    result = subprocess.run(
        [*command, str(write_jsonl(tmp_path / "a.jsonl", rows))],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "Asia/Kolkata"},
    )
    after = datetime.now(timezone.utc).replace(tzinfo=None)
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        ((started, published, first_seen),) = con.execute(
            "SELECT r.started_at, a.published_at, a.first_seen_at FROM runs r, articles a"
        ).fetchall()
    finally:
        con.close()
    assert published == datetime(2026, 11, 16, 6, 30)
    assert before <= started <= after, (before, started, after)
    assert before <= first_seen <= after, (before, first_seen, after)


def test_a_crawl_batch_is_stored_whole_or_not_at_all(tmp_db, tmp_path, monkeypatch):
    """A crawl killed (or refused by a full disk) between a batch's articles and its fetch rows left
    articles no fetch pointed to: `reprocess` skipped them and the re-check window never came back
    for their credit lines. The batch's articles, late dates and fetch rows are one transaction."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import timedelta

    import crawlers.job
    from crawlers.job import Cleaned, CrawlJob
    from crawlers.sources import CrawlSource
    from pipelines.archive import WarcArchive
    from pipelines.store.crawl_state import KnownArticles
    from pipelines.store.db import WriteSession

    db = Database(tmp_db)
    with db.writer() as con:
        run = start_run(con, "crawl")
    fetched = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)

    def page(n: int) -> Cleaned:
        url = f"https://a.com/{n}"
        fetch = FetchRecord(url, "article", "a", 200, fetched, warc_file="run.warc.gz", warc_offset=n)
        article = _article(url, f"Story {n}.")
        article = Article(**{**article.__dict__, "warc_file": "run.warc.gz", "warc_offset": n})
        return Cleaned("a", url, article, fetch)

    def failing_save_fetches(con, run_id, records):
        raise OSError(28, "No space left on device")

    archive = WarcArchive(tmp_path / "archive", "run.warc.gz")
    job = CrawlJob(WriteSession(db), run, [CrawlSource("a", None)], ThreadPoolExecutor(1), archive,
                   KnownArticles(), {}, recheck_window=timedelta(hours=48),
                   recheck_min_age=timedelta(0))  # fmt: skip
    try:
        job.write_batch([page(1), page(2)])
        monkeypatch.setattr(crawlers.job, "save_fetches", failing_save_fetches)
        with pytest.raises(OSError):
            job.write_batch([page(3), page(4)])
    finally:
        job.close()
    # the reactor, stopped at once by a second signal, never counted the stored batch: the run does now
    job.record_late_batches()
    assert job.reports["a"].saved.new_articles == 2
    with db.reader() as con:
        assert con.execute("SELECT url FROM articles ORDER BY url").fetchall() == [
            ("https://a.com/1",),
            ("https://a.com/2",),
        ]
        assert con.execute("SELECT count(*) FROM fetches").fetchone()[0] == 2


def test_reprocess_reads_the_later_of_a_crawled_and_a_merged_fetch_of_one_url(tmp_db):
    """A URL crawled here in November and fetched again by a distributed worker in December was
    reprocessed from the November record, its stale page stored as the newest version."""
    from pipelines.store.crawl_state import ArchivedArticles

    url = "https://herald.example/a"
    with Database(tmp_db).writer() as con:
        con.execute(
            "INSERT INTO runs (run_id, command, args, started_at, status) VALUES "
            "(101, 'crawl', '', TIMESTAMP '2026-11-01', 'ok'), "
            "(102, 'merge', '/mnt/shards', TIMESTAMP '2026-12-01', 'ok')"
        )
        con.execute("INSERT INTO outlets (name, kind, registry) VALUES ('Herald', 'outlet', 'test')")
        (outlet,) = con.execute("SELECT outlet_id FROM outlets WHERE name = 'Herald'").fetchone()
        con.execute(
            "INSERT INTO fetches (run_id, url, kind, status, fetched_at, warc_file, warc_offset) "
            "VALUES (101, ?, 'article', 200, TIMESTAMP '2026-11-01 10:00', 'crawl-1.warc.gz', 100)",
            [url],
        )
        versions = (
            (1, 101, "crawl-1.warc.gz", "2026-11-01 10:00"),
            (2, 102, "/mnt/shards/w1.warc.gz", "2026-12-01"),
        )
        for version, run, warc, seen in versions:
            con.execute(
                "INSERT INTO articles (article_id, url, version, outlet_id, first_seen_at, text, text_hash, "
                "warc_file, warc_offset, run_id) VALUES (?, ?, ?, ?, ?, 't', 'h', ?, 0, ?)",
                [900 + version, url, version, outlet, seen, warc, run],
            )
        found = [(a.url, a.warc_file) for a in ArchivedArticles(con)]
    assert found == [(url, "/mnt/shards/w1.warc.gz")]


def test_a_database_reached_through_a_symlink_and_by_its_real_path_takes_one_writer_lock(tmp_path):
    """Moved to a bigger disk with the old path left as a symlink: a crawl on each path took a lock
    beside the path it was given, and the two wrote at once."""
    from pipelines.store import DatabaseLocked

    real = tmp_path / "big-disk" / "prov.duckdb"
    real.parent.mkdir()
    with Database(real).writer():
        pass
    link = tmp_path / "prov.duckdb"
    link.symlink_to(real)
    with Database(real).writer():
        with pytest.raises(DatabaseLocked, match="is being written by pid"):
            with Database(link, wait=0.3).writer():
                pass


def test_a_run_left_running_is_marked_interrupted_though_its_pid_is_alive_again(tmp_db):
    """After a reboot or PIDs wrapping round, a killed run's PID may belong to a live process: the run
    stayed `running` for good, and no log ever said it was killed. Under the writer lock no other run
    can be running."""
    with Database(tmp_db).writer() as con:
        killed = start_run(con, "crawl", "killed")
        con.execute("UPDATE runs SET pid = ? WHERE run_id = ?", [os.getppid(), killed])  # alive, not ours
    with Database(tmp_db).writer() as con:
        marked = mark_stale_runs(con)
        status = con.execute("SELECT status FROM runs WHERE run_id = ?", [killed]).fetchone()[0]
    assert [run_id for run_id, *_ in marked] == [killed] and status == "interrupted"
