"""Named queries on a seeded database whose chains are known: each query returns the expected rows."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from pipelines.models import Article, Credit
from pipelines.named_queries import named_queries
from pipelines.store import Database
from pipelines.store.articles import Outlets, ensure_registries, save_articles
from pipelines.store.runs import start_run

# url, outlet, published, credits, (source, origin, origin_agency, hops, derivation, score, status, evidence)
SEED = [
    (
        "https://tass.com/1",
        "TASS",
        datetime(2026, 11, 2, 8),
        [Credit("TASS", "origin", "/TASS/", "dateline")],
        (None, None, "TASS", 0, "none", None, "self", "credit"),
    ),
    (
        "https://sputnikglobe.com/1",
        "Sputnik",
        datetime(2026, 11, 2, 9),
        [],
        (None, None, "Sputnik", 0, "none", None, "self", "credit"),
    ),
    (
        "https://herald.example/a",
        "Herald",
        datetime(2026, 11, 2, 12),
        [Credit("Sputnik", "origin", "Via: Sputnik", "footer")],
        (
            "https://sputnikglobe.com/1",
            "https://sputnikglobe.com/1",
            "Sputnik",
            1,
            "wholly",
            0.9,
            "credited",
            "credit+text",
        ),
    ),
    (
        "https://ledger.example/a",
        "Ledger",
        datetime(2026, 11, 2, 20),
        [],
        (
            "https://herald.example/a",
            "https://sputnikglobe.com/1",
            "Sputnik",
            2,
            "wholly",
            0.95,
            "credits_intermediary",
            "text",
        ),
    ),
    (
        "https://courier.example/a",
        "Courier",
        datetime(2026, 11, 2, 14),
        [],
        ("https://tass.com/1", "https://tass.com/1", "TASS", 1, "wholly", 0.8, "uncredited", "text"),
    ),
    (
        "https://courier.example/b",
        "Courier",
        datetime(2026, 11, 10, 9),
        [],
        ("https://tass.com/1", "https://tass.com/1", "TASS", 1, "partially", 0.4, "uncredited", "text"),
    ),
    ("https://courier.example/c", "Courier", datetime(2026, 11, 10, 10), [], None),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "seeded.duckdb"
    with Database(path).writer() as con:
        ensure_registries(con)
        run = start_run(con, "seed")
        outlets = Outlets(con, run)
        articles = [
            Article(
                url=u,
                outlet=o,
                domain="",
                title=f"title {u}",
                author=None,
                text=f"text of {u}",
                language="en",
                sitename=None,
                canonical_url=None,
                published_at=p,
                credits=c,
            )
            for u, o, p, c, _ in SEED
        ]
        save_articles(con, run, articles, outlets)
        ids = dict(con.execute("SELECT url, article_id FROM articles").fetchall())
        for url, *_, chain in SEED:
            if chain:
                source, origin, agency, hops, derivation, score, status, evidence = chain
                con.execute(
                    "INSERT INTO chains VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                    [
                        ids[url],
                        ids.get(source),
                        ids.get(origin),
                        agency,
                        hops,
                        derivation,
                        score,
                        status,
                        evidence,
                        run,
                    ],
                )
        _mark_judged(con, run)
    return path


def _mark_judged(con, run: int) -> None:
    """Record every article as judged by the link stage, as `provtrack link` would with these chains."""
    con.execute(
        "INSERT INTO link_state SELECT article_id, 0, 0, 'hand-made', now(), ? FROM articles "
        "WHERE article_id NOT IN (SELECT article_id FROM link_state)",
        [run],
    )


def _run(db, name, **params):
    with Database(db).reader() as con:
        return con.execute(named_queries()[name].sql, params or None).df()


def test_every_named_query_documents_itself():
    for query in named_queries().values():
        assert query.summary, f"{query.path}: start with '-- {query.name}: one row per ...'"
        assert "one row per" in query.header, f"{query.path}: the header must say what a row is"


def test_a_query_that_leaves_undated_articles_out_says_so():
    """agency_dependence, agency_lag and new_carriers dropped articles without a publication time
    silently, while credit_honesty and state_agency_share count them: totals disagreed unexplained."""
    for query in named_queries().values():
        body = "\n".join(line for line in query.sql.splitlines() if not line.lstrip().startswith("--"))
        if "published_at IS NOT NULL" in body:
            assert "articles without a publication time are left out" in " ".join(
                query.header.lower().split()
            ), f"{query.path}: say in the header that articles without a publication time are left out"


def test_credit_honesty(seeded):
    rows = _run(seeded, "credit_honesty").set_index(["outlet", "origin_agency"])
    columns = ["articles", "credited", "via_intermediary", "uncredited", "credited_share", "uncredited_share"]
    assert rows.loc[("Courier", "TASS"), columns].tolist() == [2, 0, 0, 2, 0.0, 1.0]
    assert rows.loc[("Herald", "Sputnik"), columns].tolist() == [1, 1, 0, 0, 1.0, 0.0]
    assert rows.loc[("Ledger", "Sputnik"), columns].tolist() == [1, 0, 1, 0, 0.0, 0.0]
    assert ("TASS", "TASS") not in rows.index, "an agency's own stories are not copy"


def test_uncredited_reuse_lists_copies_with_their_lag(seeded):
    rows = _run(seeded, "uncredited_reuse")
    assert list(rows.article_url) == ["https://courier.example/a", "https://courier.example/b"]
    assert list(rows.lag_hours) == [6.0, 193.0]


def test_agency_dependence_by_week(seeded):
    rows = _run(seeded, "agency_dependence")
    courier = rows[rows.outlet == "Courier"].set_index("week")
    assert len(courier) == 2
    first, second = courier.sort_index().share.tolist()
    assert first == 1.0 and second == 0.5, "week 2: one TASS copy out of two Courier articles"


def test_agency_lag(seeded):
    rows = _run(seeded, "agency_lag").set_index(["outlet", "origin_agency"])
    assert rows.loc[("Ledger", "Sputnik"), "median_hours"] == 11.0
    # Courier took TASS's story once (6 h), and reused part of it in another article a week later
    courier = rows.loc[("Courier", "TASS")]
    assert courier.copies == 1 and courier.median_hours == 6.0 and courier.fastest_hours == 6.0


def test_most_republished(seeded):
    rows = _run(seeded, "most_republished")
    # Herald credits Sputnik and Ledger credits Herald, so no copy of Sputnik's credits nothing; Courier's
    # first copy of TASS's story credits nothing (its second article from it counts with the first)
    assert list(zip(rows.origin_url, rows.copies, rows.uncredited, rows.max_hops)) == [
        ("https://sputnikglobe.com/1", 2, 0, 2),
        ("https://tass.com/1", 1, 1, 1),
    ]


def test_story_chain_walks_back_to_the_agency(seeded):
    rows = _run(seeded, "story_chain", url="https://ledger.example/a")
    assert list(rows.article_url) == [
        "https://ledger.example/a",
        "https://herald.example/a",
        "https://sputnikglobe.com/1",
    ]


def test_story_spread_walks_forward_to_everyone_who_passed_the_story_on(seeded):
    rows = _run(seeded, "story_spread", url="https://sputnikglobe.com/1")
    assert list(zip(rows.step, rows.article_url, rows.copied_from, rows.hours_after)) == [
        (1, "https://herald.example/a", "https://sputnikglobe.com/1", 3.0),
        (2, "https://ledger.example/a", "https://herald.example/a", 11.0),
    ]
    assert list(_run(seeded, "story_spread", url="https://tass.com/1").article_url) == [
        "https://courier.example/a"
    ], "Courier once, at its first copy"
    assert _run(seeded, "story_spread", url="https://ledger.example/a").empty, "nobody copied the last copy"


def test_state_agency_share(seeded):
    rows = _run(seeded, "state_agency_share").set_index("outlet")
    assert (
        rows.loc["Courier", "state_share"] == round(2 / 3, 3)
        and rows.loc["Courier", "state_agencies"] == "TASS"
    )
    assert "TASS" not in rows.index


def test_new_carriers_since_a_date(seeded):
    rows = _run(seeded, "new_carriers", agency="TASS", since="2026-11-01")
    assert list(rows.outlet) == ["Courier"]
    assert list(_run(seeded, "new_carriers", agency="tass", since="2026-11-01").outlet) == ["Courier"]
    assert _run(seeded, "new_carriers", agency="TASS", since="2026-11-05").empty, (
        "Courier carried TASS before"
    )


def test_python_api_returns_dataframes_and_exports_parquet(seeded, tmp_path):
    import pandas as pd

    from pipelines.api import open_db

    db = open_db(seeded)
    assert len(db.origins()) == len(SEED)
    assert set(db.credits().agency) == {"TASS", "Sputnik"}
    assert list(db.query("new_carriers", agency="TASS", since="2026-11-01").outlet) == ["Courier"]
    files = db.export_parquet(tmp_path / "out")
    assert [f.name for f in files] == ["article_origins.parquet", "credits.parquet"]
    assert len(pd.read_parquet(files[0])) == len(SEED)


def test_python_api_names_the_parameters_a_query_takes(seeded):
    """`query("story_chain")` without url raised DuckDB's "Values were not provided for the following
    parameters: url"; a misspelt keyword was named nowhere."""
    import pytest

    from pipelines.api import open_db

    db = open_db(seeded)
    with pytest.raises(TypeError, match=r"query 'story_chain' takes url=\.\.\.; given none"):
        db.query("story_chain")
    with pytest.raises(
        TypeError, match=r"query 'new_carriers' takes since=\.\.\., agency=\.\.\.; given agncy, since"
    ):
        db.query("new_carriers", agncy="TASS", since="2026-11-01")


def test_python_api_warns_when_its_answer_comes_from_articles_not_linked_yet(seeded, tmp_path):
    """A notebook's DataFrame looks complete whether or not `provtrack link` ran: a NotLinkedWarning
    says so, as `provtrack query` notes it on stderr. Credits are what the pages say, linked or not."""
    import shutil

    from pipelines.api import NotLinkedWarning, open_db

    path = tmp_path / "late.duckdb"
    shutil.copy(seeded, path)
    with Database(path).writer() as con:
        run = start_run(con, "ingest, no link")
        late = Article(url="https://late.example/a", outlet="Late", domain="", title="late", author=None,
                       text="text", language="en", sitename=None, canonical_url=None,
                       published_at=datetime(2026, 11, 12),
                       credits=[Credit("TASS", "origin", "/TASS/", "dateline")])  # fmt: skip
        save_articles(con, run, [late], Outlets(con, run))
    db = open_db(path)
    note = r"^note: 1 article is not linked yet: run `provtrack link` \(until then their origins are what"
    with pytest.warns(NotLinkedWarning, match=note):
        assert len(db.origins()) == len(SEED) + 1
    with pytest.warns(NotLinkedWarning, match=note):
        db.query("credit_honesty")
    with pytest.warns(NotLinkedWarning, match=note):
        db.sql("SELECT count(*) FROM article_origins")
    with pytest.warns(NotLinkedWarning, match=note):
        written = db.export_parquet(tmp_path / "export")
    assert len(duckdb.sql(f"FROM '{written[0]}'").fetchall()) == len(SEED) + 1, "written all the same"
    assert "https://late.example/a" in set(db.credits().article_url), "no warning: pytest makes one an error"
    open_db(seeded).query("credit_honesty")  # every article linked: no warning


def test_open_db_without_a_path_finds_the_database_the_commands_use(seeded, tmp_path, monkeypatch):
    """A notebook started anywhere opens $PROVTRACK_DB as the commands do, not a path relative to the
    notebook's folder; a missing database is named with how to make or choose one."""
    from pipelines.api import open_db
    from pipelines.store import StoreError

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROVTRACK_DB", str(seeded))
    assert len(open_db().origins()) == len(SEED)
    monkeypatch.setenv("PROVTRACK_DB", str(tmp_path / "none.duckdb"))
    with pytest.raises(StoreError, match=r"no database at .*none\.duckdb: run .* or name another"):
        open_db().origins()


@pytest.fixture(scope="module")
def reworked(seeded, tmp_path_factory):
    """The seeded database, plus what real crawls bring: a second version of the Sputnik story, a
    credited copy whose Sputnik original is not stored and a copy of that copy, one Sputnik copy
    at Courier (which runs two of TASS), and a TASS follow-up reusing TASS's first story."""
    import shutil

    path = tmp_path_factory.mktemp("reworked") / "reworked.duckdb"
    shutil.copy(seeded, path)

    def article(url, outlet, published, text, credits=()):
        return Article(url=url, outlet=outlet, domain="", title=f"title {url} {text[:9]}", author=None,
                       text=text, language="en", sitename=None, canonical_url=None, published_at=published,
                       credits=list(credits))  # fmt: skip

    with Database(path).writer() as con:
        run = start_run(con, "seed more")
        save_articles(
            con,
            run,
            [
                article("https://sputnikglobe.com/1", "Sputnik", datetime(2026, 11, 2, 9), "updated text"),
                article("https://herald.example/z", "Herald", datetime(2026, 11, 3, 12), "text z",
                        [Credit("Sputnik", "origin", "Via: Sputnik", "footer")]),
                article("https://ledger.example/z", "Ledger", datetime(2026, 11, 3, 17), "text z again"),
                article("https://courier.example/s", "Courier", datetime(2026, 11, 11, 9), "text s"),
                article("https://tass.com/2", "TASS", datetime(2026, 11, 2, 18), "follow-up",
                        [Credit("TASS", "origin", "/TASS/", "dateline")]),
            ],
            Outlets(con, run),
        )  # fmt: skip
        ids = dict(con.execute("SELECT url, max(article_id) FROM articles GROUP BY url").fetchall())
        sputnik = con.execute("SELECT min(article_id) FROM articles WHERE url LIKE '%sputnik%'").fetchall()[
            0
        ][0]
        chains = [
            (ids["https://herald.example/z"], None, None, "Sputnik", 1, "none", None, "credited", "credit"),
            (ids["https://ledger.example/z"], ids["https://herald.example/z"], ids["https://herald.example/z"],
             "Sputnik", 2, "wholly", 0.9, "uncredited", "text"),
            (ids["https://courier.example/s"], sputnik, sputnik, "Sputnik", 1, "wholly", 0.9, "uncredited",
             "text"),
            (ids["https://tass.com/2"], ids["https://tass.com/1"], ids["https://tass.com/1"], "TASS", 1,
             "partially", 0.5, "self", "text"),
        ]  # fmt: skip
        for chain in chains:
            con.execute("INSERT INTO chains VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)", [*chain, run])
        _mark_judged(con, run)
    return path


def test_most_republished_counts_each_copy_once_whatever_the_origins_versions(reworked):
    rows = _run(reworked, "most_republished").set_index("origin_url")
    assert rows.loc["https://sputnikglobe.com/1", "copies"] == 3, "Herald, Ledger, Courier: once each"
    assert rows.loc["https://tass.com/1", "copies"] == 1, "Courier once; TASS's own follow-up is no copy"
    assert rows.loc["https://sputnikglobe.com/1", "title"].endswith("updated t"), "the latest title"


def test_agency_lag_counts_only_copies_timed_from_the_agencys_own_story(reworked):
    rows = _run(reworked, "agency_lag").set_index(["outlet", "origin_agency"])
    # Ledger's copy of Herald's credited copy would say 5 h: the time from Herald, not from Sputnik
    assert (
        rows.loc[("Ledger", "Sputnik"), "copies"] == 1
        and rows.loc[("Ledger", "Sputnik"), "median_hours"] == 11
    )
    assert ("TASS", "TASS") not in rows.index, "an agency's own follow-up story is no outlet's copy"


def test_new_carriers_since_a_time_with_an_offset(reworked):
    # 17:00 in Delhi is 11:30 UTC: Herald's first Sputnik copy (12:00 UTC) came after it
    rows = _run(reworked, "new_carriers", agency="Sputnik", since="2026-11-02 17:00+05:30")
    assert list(rows.outlet) == ["Herald", "Ledger", "Courier"]
    assert list(_run(reworked, "new_carriers", agency="Sputnik", since="2026-11-02 12:30").outlet) == [
        "Ledger",
        "Courier",
    ]


def test_new_carriers_reads_its_date_in_utc_in_a_plain_duckdb_shell_of_another_time_zone(reworked):
    """The README points researchers at DuckDB itself, whose session time zone is the machine's:
    the answer must not move with it."""
    import duckdb

    sql = named_queries()["new_carriers"].sql
    expected = list(_run(reworked, "new_carriers", agency="Sputnik", since="2026-11-02 12:30").outlet)
    with duckdb.connect(str(reworked), read_only=True) as con:
        for zone in ("America/Los_Angeles", "Asia/Kolkata"):
            con.execute(f"SET TimeZone = '{zone}'")
            for since in (
                "2026-11-02 12:30",
                "2026-11-02 18:00+05:30",
                "2026-11-02 15:30:00 Europe/Moscow",  # a zone by name
                datetime(2026, 11, 2, 12, 30),  # a typed value, as from Python
            ):
                got = con.execute(sql, {"agency": "Sputnik", "since": since}).df()
                assert list(got.outlet) == expected, f"{since} read in {zone}"


def test_state_agencies_are_listed_most_frequent_first(reworked):
    rows = _run(reworked, "state_agency_share").set_index("outlet")
    assert rows.loc["Courier", "state_agencies"] == "TASS, Sputnik"
    assert rows.loc["Courier", "state_agency_copy"] == 3 and rows.loc["Courier", "articles"] == 4


@pytest.fixture(scope="module")
def outlet_scoop(seeded, tmp_path_factory):
    """The seeded database, plus an outlet's own story and a copy of it whose page credits Reuters
    (its chain takes the agency from that credit)."""
    import shutil

    path = tmp_path_factory.mktemp("scoop") / "scoop.duckdb"
    shutil.copy(seeded, path)
    with Database(path).writer() as con:
        run = start_run(con, "seed scoop")
        save_articles(
            con,
            run,
            [
                Article(url=u, outlet=o, domain="", title=u, author=None, text=f"text {u}", language="en",
                        sitename=None, canonical_url=None, published_at=datetime(2026, 11, 4, h), credits=c)
                for u, o, h, c in [
                    ("https://steppe.example/scoop", "Steppe Times", 8, []),
                    ("https://observer.example/copy", "Observer", 13,
                     [Credit("Reuters", "origin", "Source: Reuters", "footer")]),
                ]
            ],
            Outlets(con, run),
        )  # fmt: skip
        ids = dict(con.execute("SELECT url, article_id FROM articles").fetchall())
        scoop, copy = ids["https://steppe.example/scoop"], ids["https://observer.example/copy"]
        for chain in [
            (scoop, None, scoop, None, 0, "none", None, None, None),
            (copy, scoop, scoop, "Reuters", 1, "wholly", 0.99, "credited", "credit+text"),
        ]:
            con.execute("INSERT INTO chains VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)", [*chain, run])
        _mark_judged(con, run)
    return path


def test_most_republished_names_the_agency_of_the_origin_not_of_its_copies(outlet_scoop):
    import pandas as pd

    rows = _run(outlet_scoop, "most_republished").set_index("origin_url")
    scoop = rows.loc["https://steppe.example/scoop"]
    assert scoop.origin_outlet == "Steppe Times" and scoop.copies == 1
    assert pd.isna(scoop.origin_agency), "an outlet's own story, whatever its copy credits"
    assert rows.loc["https://sputnikglobe.com/1", "origin_agency"] == "Sputnik"


def test_state_agency_share_counts_no_agency_copy_as_zero(outlet_scoop):
    rows = _run(outlet_scoop, "state_agency_share").set_index("outlet")
    assert rows.loc["Steppe Times", "agency_copy"] == 0 and rows.loc["Steppe Times", "state_share"] == 0


@pytest.fixture(scope="module")
def misstamped():
    """A TASS story and copies the linker places after it though stamped before it: a paper dated by day
    only (stored at midnight UTC) and a copy crediting TASS whose clock is 3 h off; and one on time."""
    from datetime import timedelta

    from link_helpers import Row, add_rows, open_db
    from test_link import WIRE

    from pipelines.link import link_articles

    story_at = datetime(2026, 11, 19, 7, 0, 13)
    con = open_db()
    add_rows(
        con,
        [
            Row("https://tass.com/9001", "TASS", story_at, WIRE, agency="TASS"),
            Row("https://daily.example/d", "Daily", datetime(2026, 11, 19), WIRE),
            Row("https://skewed.example/k", "Skewed", story_at - timedelta(hours=3), WIRE,
                credits=[("TASS", "origin", "Source: TASS")]),
            Row("https://ontime.example/l", "On Time", story_at + timedelta(hours=1), WIRE),
        ],
    )  # fmt: skip
    link_articles(con, 1)
    sources = dict(con.execute("SELECT article_url, source_url FROM article_origins").fetchall())
    assert {sources[u] for u in sources if "tass" not in u} == {"https://tass.com/9001"}, sources
    yield con
    con.close()


def test_a_copy_stamped_before_the_story_it_is_timed_from_has_no_lag(misstamped):
    """The day-only paper came out 7 h "before" TASS and the skewed copy 3 h: negative lags, and the
    fastest TASS copy of the skewed outlet took -3 h. Their lag is unknown: null, and no agency_lag row."""
    from pipelines.store.db import load_query

    def run(sql, **params):
        return misstamped.execute(sql, params or None).df().set_index("article_url")

    lags = misstamped.execute(named_queries()["agency_lag"].sql).df()
    assert list(zip(lags.outlet, lags.copies, lags.fastest_hours)) == [("On Time", 1, 1.0)], lags
    uncredited = run(named_queries()["uncredited_reuse"].sql)
    assert uncredited.lag_hours.isna()["https://daily.example/d"], uncredited
    assert uncredited.lag_hours["https://ontime.example/l"] == 1.0
    spread = run(named_queries()["story_spread"].sql, url="https://tass.com/9001")
    assert spread.hours_after.isna().to_dict() == {
        "https://daily.example/d": True,
        "https://skewed.example/k": True,
        "https://ontime.example/l": False,
    }
    for name in ("copy_lags", "story_chains"):
        report = run(load_query(f"report/{name}"))
        hours = report[["hours_after_source", "hours_after_origin"]]
        assert (hours.fillna(0) >= 0).all().all(), (name, report)
        assert report.hours_after_source.isna()["https://skewed.example/k"], (name, report)


@pytest.fixture(scope="module")
def reposted():
    """A TASS story, Meridian's credited copy 3 h later and its repost of that copy under a second URL
    the next day (credit line dropped), and Harbor's copy 5 h after the story, all linked."""
    from link_helpers import Row, add_rows, open_db
    from test_link import WIRE

    from pipelines.link import link_articles

    story_at = datetime(2026, 11, 20, 8)
    con = open_db()
    add_rows(
        con,
        [
            Row("https://tass.com/7001", "TASS", story_at, WIRE, agency="TASS"),
            Row("https://meridian.example/news/a", "Meridian", datetime(2026, 11, 20, 11),
                "Belarus is arming. " + WIRE, credits=[("TASS", "origin", "Source: TASS")]),
            Row("https://harbor.example/a", "Harbor", datetime(2026, 11, 20, 13), WIRE),
            Row("https://meridian.example/business/a-again", "Meridian", datetime(2026, 11, 21, 7),
                "Belarus is arming. " + WIRE),
        ],
    )  # fmt: skip
    link_articles(con, 1)
    origins = dict(con.execute("SELECT article_url, origin_url FROM article_origins").fetchall())
    assert origins["https://meridian.example/business/a-again"] == "https://tass.com/7001", origins
    yield con
    con.close()


def test_an_outlet_running_its_copy_again_counts_once_at_its_first_copy(reposted):
    """Meridian took TASS's story once, in 3 h; its repost a day later made agency_lag say 2 copies,
    median 13 h, p90 21 h, and story_spread, most_republished and the report's lags count it as one
    more copy (found by a researcher review)."""
    from pipelines.store.db import load_query

    def run(sql, **params):
        return reposted.execute(sql, params or None).df()

    lags = run(named_queries()["agency_lag"].sql).set_index("outlet")
    assert lags.loc["Meridian", ["copies", "median_hours", "p90_hours", "fastest_hours"]].tolist() == [
        1,
        3.0,
        3.0,
        3.0,
    ]
    spread = run(named_queries()["story_spread"].sql, url="https://tass.com/7001")
    assert sorted(spread.article_url) == ["https://harbor.example/a", "https://meridian.example/news/a"]
    top = run(named_queries()["most_republished"].sql).set_index("origin_url").loc["https://tass.com/7001"]
    assert (top.copies, top.outlets) == (2, 2)
    carriers = run(named_queries()["new_carriers"].sql, agency="TASS", since="2026-11-01").set_index("outlet")
    assert carriers.loc["Meridian", "copies_since"] == 1
    copy_lags = run(load_query("report/copy_lags"))
    assert sorted(copy_lags.article_url) == ["https://harbor.example/a", "https://meridian.example/news/a"]
