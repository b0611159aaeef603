"""The link stage on hand-written texts: alignment, derivation, chains, credit status, incremental runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import duckdb
from link_helpers import Row, add_rows, open_db

from pipelines.align import align
from pipelines.credits import find_credits
from pipelines.link import link_articles
from pipelines.named_queries import named_queries
from pipelines.registry import load_agencies
from pipelines.shingles import tokenise

T0 = datetime(2024, 3, 1, 9, 0)
WIRE = (
    "Belarus has deployed a second battalion of air defence missiles near its western border, the defence "
    "ministry in Minsk said on Tuesday, adding that crews completed live firing drills at a range close to "
    "Brest last week. Major General Igor Golub told reporters the systems would remain on combat duty "
    "through the spring and that further exercises were planned with Russian units in April. The ministry "
    "said the deployment was a response to increased military activity by neighbouring states and did not "
    "threaten anyone. Analysts in Vilnius said the move was largely symbolic but would complicate air "
    "traffic planning along the frontier, where civilian flights already face restrictions."
)
EDIT = (
    WIRE.replace("Major General Igor Golub", "Air force commander Igor Golub").replace(
        "Analysts in Vilnius said", "Lithuanian analysts told this newspaper"
    )
    + " Our correspondent in Warsaw adds that Polish officials declined to comment on Tuesday evening."
)
INDEPENDENT = (
    "Minsk announced on Tuesday a new air defence deployment near Brest. Speaking at a briefing, Igor "
    "Golub, who heads the air force, said crews would stay on combat duty through the spring. Residents "
    "of nearby villages described hearing explosions last week during what officials called live firing "
    "drills. Lithuania's foreign minister called the step a provocation, while Polish officials declined "
    "to comment. Diplomats expect the issue to be raised at a NATO meeting in Brussels next month."
)

METRO = (
    "Yekaterinburg city hall has approved plans to build a second metro line linking the Uralmash district "
    "with the city centre, with construction due to start in 2028 and the first six stations opening in "
    "2033, the city's chief architect said. The line will be 14 kilometres long and is expected to carry up "
    "to 200,000 passengers a day, easing congestion on the tram network."
)


def origins(con):
    return {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT article_url, source_url, origin_url, origin_agency, hops, derivation, "
            "credit_status, evidence "
            "FROM article_origins"
        ).fetchall()
    }


def test_alignment_finds_moved_and_edited_passages():
    src = tokenise("the court heard that the defendant had fled to spain in june before police arrived")
    tgt = tokenise(
        "before police arrived too late. the court heard that the defendant had fled to spain in june"
    )
    aln = align(tgt, src)
    assert aln.longest_run == 12
    assert aln.containment > 0.75
    assert aln.order_score < 1.0  # "police arrived" moved from the end to the start
    assert all(tgt[t0:t1] == src[s0:s1] for t0, t1, s0, s1 in aln.spans)


def test_copy_chain_credit_and_independent_report():
    con = open_db()
    add_rows(
        con,
        [
            Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire"),
            Row(
                "https://paper.example/b",
                "Paper",
                T0 + timedelta(hours=2),
                EDIT,
                credits=[("Wire", "origin")],
            ),
            Row("https://blog.example/c", "Blog", T0 + timedelta(hours=5), EDIT[:700]),
            Row("https://daily.example/d", "Daily", T0 + timedelta(hours=3), INDEPENDENT),
        ],
    )
    link_articles(con, 1)
    o = origins(con)
    assert o["https://wire.example/a"][3:] == (0, "none", "self", None)
    b = o["https://paper.example/b"]
    assert b[:4] == ("https://wire.example/a", "https://wire.example/a", "Wire", 1)
    assert b[4] == "wholly" and b[5:] == ("credited", "credit+text"), "the wire with two phrases reworded"
    c = o["https://blog.example/c"]
    assert c[0] == "https://paper.example/b", "the blog reuses the paper's edits, so the paper is its source"
    assert c[1:4] == ("https://wire.example/a", "Wire", 2) and c[5] == "uncredited"
    assert o["https://daily.example/d"][0] is None and o["https://daily.example/d"][4] == "none"
    spans = con.execute("SELECT spans FROM reuse_links WHERE target_id = 2 AND source_id = 1").fetchall()[0][
        0
    ]
    passages = json.loads(spans)
    paper, wire = EDIT.split(), WIRE.split()
    assert all(paper[t0:t1] == wire[s0:s1] for t0, t1, s0, s1 in passages), passages
    # all the wire's 108 words but the 6 reworded: "Major General", "Analysts in Vilnius said"
    assert sum(t1 - t0 for t0, t1, _, _ in passages) == 108 - 6, passages


def test_incremental_links_new_batch_only_and_rebuild_repeats_it():
    con = open_db()
    add_rows(con, [Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire")])
    first = link_articles(con, 1)
    assert first.indexed == 1
    add_rows(
        con,
        [
            Row(
                "https://paper.example/b",
                "Paper",
                T0 + timedelta(hours=1),
                EDIT,
                credits=[("Other", "contributor")],
            )
        ],
        run_id=2,
    )
    second = link_articles(con, 2)
    assert second.indexed == 1 and second.derived == 1
    assert con.execute("SELECT run_id FROM chains WHERE article_id = 1").fetchall() == [(1,)]
    assert origins(con)["https://paper.example/b"][5] == "uncredited", (
        "'Other' is neither origin nor on the way"
    )
    assert link_articles(con, 3).indexed == 0
    before = sorted(con.execute("SELECT article_id, source_id, hops, derivation FROM chains").fetchall())
    rebuilt = link_articles(con, 4, rebuild=True)
    assert rebuilt.indexed == 2
    assert (
        sorted(con.execute("SELECT article_id, source_id, hops, derivation FROM chains").fetchall()) == before
    )


def test_late_agency_story_relinks_earlier_copy_and_credit_only_copy():
    con = open_db()
    add_rows(
        con,
        [
            Row("https://paper.example/b", "Paper", T0.replace(hour=0), EDIT),  # dated by day
            Row(
                "https://aggr.example/x",
                "Aggr",
                T0,
                "Short item. Via: Sputnik News Agency",
                credits=[("Sputnik", "origin")],
            ),
        ],
    )
    link_articles(con, 1)
    assert origins(con)["https://paper.example/b"][4] == "none"
    assert origins(con)["https://aggr.example/x"][1:] == (None, "Sputnik", 1, "none", "credited", "credit")
    # the wire original of that day arrives later; a paper dated by day only counts as after it
    add_rows(
        con, [Row("https://wire.example/a", "Wire", T0 + timedelta(hours=3), WIRE, agency="Wire")], run_id=2
    )
    sizes = "SELECT a.url, s.n_tokens, s.n_fps FROM link_state s JOIN articles a USING (article_id)"
    before = dict((url, rest) for url, *rest in con.execute(sizes).fetchall())
    summary = link_articles(con, 2)
    assert summary.relinked == 1
    assert origins(con)["https://paper.example/b"][:2] == ("https://wire.example/a", "https://wire.example/a")
    # judged again, indexed once: its sizes stay those of its postings (later_neighbours compares with them)
    after = dict((url, rest) for url, *rest in con.execute(sizes).fetchall())
    assert after["https://paper.example/b"] == before["https://paper.example/b"]
    assert after["https://paper.example/b"][1] > 0


def test_upgrading_a_database_gives_back_the_index_size_of_articles_judged_again():
    """Migration 006: databases where a relinked article was stored with n_fps 0 get the count of its
    postings back, and only those rows change."""
    from pipelines.store.db import apply_migrations

    con = open_db()
    add_rows(con, [Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire")])
    add_rows(con, [Row("https://paper.example/b", "Paper", T0 + timedelta(hours=2), EDIT)], run_id=2)
    link_articles(con, 1)
    sizes = "SELECT article_id, n_tokens, n_fps FROM link_state ORDER BY 1"
    right = con.execute(sizes).fetchall()
    assert all(n_fps > 0 for _, _, n_fps in right)
    con.execute("UPDATE link_state SET n_fps = 0 WHERE article_id = (SELECT max(article_id) FROM link_state)")
    con.execute("DELETE FROM schema_migrations WHERE version = 6")  # a database of before
    assert apply_migrations(con) == ["006_index_sizes"]
    assert con.execute(sizes).fetchall() == right


def test_copy_crediting_the_intermediary_outlet_is_credits_intermediary():
    con = open_db()
    add_rows(
        con,
        [
            Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire"),
            Row(
                "https://herald.example/b",
                "Herald",
                T0 + timedelta(hours=2),
                EDIT,
                credits=[("Wire", "origin")],
            ),
            Row("https://ledger.example/c", "Ledger", T0 + timedelta(hours=4), EDIT + "\nSource: Herald"),
            Row(
                "https://gazette.example/d",
                "Gazette",
                T0 + timedelta(hours=5),
                EDIT + "\nVia: herald.example",
            ),
            Row(
                "https://post.example/e",
                "Post",
                T0 + timedelta(hours=6),
                EDIT + "\nThe Herald is a newspaper.",
            ),
        ],
    )
    con.execute("UPDATE outlets SET domain = 'herald.example' WHERE name = 'Herald'")
    link_articles(con, 1)
    o = origins(con)
    assert o["https://ledger.example/c"][2:4] == ("Wire", 2)
    assert o["https://ledger.example/c"][5] == "credits_intermediary", "'Source: Herald' names it"
    assert o["https://gazette.example/d"][5] == "credits_intermediary", "its domain counts as its name"
    assert o["https://post.example/e"][5] == "uncredited", "a mention outside a credit line is no credit"


def test_a_credit_line_may_leave_out_the_outlets_leading_the():
    """ "Source: EurAsian Times" on a copy of a page of "The EurAsian Times" was no credit: the copy
    came out `uncredited`, listed by uncredited_reuse, while "Source: The EurAsian Times" counted. A
    single word left ("Herald" of The Daily Herald) names no outlet."""
    con = open_db()
    add_rows(
        con,
        [
            Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire"),
            Row(
                "https://herald.example/b",
                "The Daily Herald",
                T0 + timedelta(hours=2),
                EDIT,
                credits=[("Wire", "origin")],
            ),
            Row(
                "https://ledger.example/c", "Ledger", T0 + timedelta(hours=4), EDIT + "\nSource: Daily Herald"
            ),
            Row("https://post.example/d", "Post", T0 + timedelta(hours=5), EDIT + "\nSource: Herald"),
        ],
    )
    link_articles(con, 1)
    o = origins(con)
    assert o["https://ledger.example/c"][5] == "credits_intermediary", o["https://ledger.example/c"]
    assert o["https://post.example/d"][5] == "uncredited", "a word of the name is not the name"


def test_a_page_dated_by_day_is_the_source_of_a_timed_copy_that_names_it():
    """A paper dated by day only runs the wire story with a lead of its own; an aggregator copies the
    paper's version at 15:00 and says "Source: Volga Paper". Pushed after the whole day, the paper
    could be no source of it: the aggregator came out the uncredited copy of the wire, and was listed
    by uncredited_reuse."""
    day = T0.replace(hour=0)
    volga = EDIT + " Volga Paper readers in Samara were told of the drills first."
    con = open_db()
    add_rows(
        con,
        [
            Row("https://wire.example/a", "Wire", T0 - timedelta(hours=2), WIRE, agency="Wire"),
            Row("https://volga.example/v", "Volga Paper", day, volga, credits=[("Wire", "origin")]),
            Row(
                "https://agg.example/c",
                "Aggregator",
                T0 + timedelta(hours=6),
                volga + "\nSource: Volga Paper",
            ),
            Row("https://quiet.example/q", "Quiet", T0 + timedelta(hours=7), volga),
        ],
    )
    link_articles(con, 1)
    o = origins(con)
    assert o["https://agg.example/c"][:2] == ("https://volga.example/v", "https://wire.example/a")
    assert o["https://agg.example/c"][3:6] == (2, "wholly", "credits_intermediary")
    assert o["https://volga.example/v"][:4] == ("https://wire.example/a", "https://wire.example/a", "Wire", 1)
    # placed before the aggregator's copy, the paper is the source of later copies of its text too
    assert o["https://quiet.example/q"][0] == "https://volga.example/v"


def test_widely_syndicated_story_is_linked_though_its_shingles_are_common(monkeypatch):
    """A story run by more outlets than RARE_DF has only common fingerprints, like stock phrases; its
    copies must still find the wire original, while ordinary articles ignore common fingerprints."""
    import pipelines.link as link

    monkeypatch.setattr(link, "RARE_DF", 3)
    con = open_db()
    wire = Row("https://wire.example/a", "BelTA", T0, WIRE, agency="BelTA")
    copies = [
        Row(f"https://outlet{i}.example/a", f"Outlet {i}", T0 + timedelta(hours=1 + i), WIRE)
        for i in range(6)
    ]
    add_rows(con, [wire, *copies])
    link_articles(con, 1)
    got = origins(con)
    assert {got[c.url][0] for c in copies} <= {wire.url, *(c.url for c in copies)}
    assert all(got[c.url][1] == wire.url and got[c.url][4] == "wholly" for c in copies)

    # an outlet's own lead and ending around half of the syndicated story: still found
    own = (
        "The regional council met on Wednesday to discuss road repairs in the northern districts, where "
        "residents have long complained about potholes, flooding and the lack of street lighting near "
        "schools. Councillors approved a modest budget increase and promised a consultation. "
    )
    rewrite = Row(
        "https://rewrite.example/a",
        "Rewrite",
        T0 + timedelta(hours=9),
        own + WIRE[: len(WIRE) // 2 + 80] + " " + own.replace("regional council", "town assembly"),
    )
    add_rows(con, [rewrite], run_id=2)
    link_articles(con, 2)
    assert origins(con)[rewrite.url][1] == wire.url

    monkeypatch.setattr(link, "SYNDICATED_SHARE", 1.01)  # common fingerprints never count
    con = open_db()
    add_rows(con, [wire, *copies])
    link_articles(con, 1)
    assert all(origins(con)[c.url][0] is None for c in copies)


def test_short_brief_sharing_one_phrase_is_not_derived_but_a_short_copy_is():
    """Short texts need only one shared fingerprint to be compared, so a news brief that shares a
    single stock phrase with the wire must still come out `none`; a short copy must not."""
    con = open_db()
    wire = Row("https://wire.example/a", "BelTA", T0, WIRE, agency="BelTA")
    brief = Row(
        "https://brief.example/b",
        "Brief",
        T0 + timedelta(hours=2),
        "Harbour ferry cheese festival orchard violin, live firing drills, museum tram bakery glacier "
        "parrot.",
    )
    flash = Row(
        "https://flash.example/c",
        "Flash",
        T0 + timedelta(hours=3),
        "Belarus has deployed a second battalion of air defence missiles near its western border, the "
        "defence ministry in Minsk said.",
    )
    add_rows(con, [wire, brief, flash])
    link_articles(con, 1)
    got = origins(con)
    assert got[brief.url][0] is None and got[brief.url][4] == "none"
    assert got[flash.url][0] == wire.url and got[flash.url][4] == "wholly"


def test_worker_pool_gives_the_same_verdicts_as_one_process(monkeypatch):
    """Fingerprinting and alignment split over forked workers must not change a single verdict."""
    import pipelines.link as link

    rows = [Row("https://wire.example/a", "BelTA", T0, WIRE, agency="BelTA")]
    rows += [
        Row(f"https://o{i}.example/{i}", f"Outlet {i}", T0 + timedelta(hours=i + 1), text)
        for i, text in enumerate([EDIT, INDEPENDENT, WIRE[: len(WIRE) // 2], EDIT + " More.", WIRE] * 3)
    ]

    def verdicts():
        con = open_db()
        add_rows(con, rows)
        link_articles(con, 1)
        return origins(con)

    serial = verdicts()
    monkeypatch.setattr(link, "PARALLEL_MIN", 2)
    monkeypatch.setattr(link, "WORKERS", 2)
    assert verdicts() == serial
    assert sum(v[0] is not None for v in serial.values()) >= 10


def test_an_article_reads_the_same_before_and_after_link_when_only_its_credits_speak():
    """`ingest` does not link: article_origins must say then what link will conclude for an article
    without a text source. An agency's site running another agency's credited copy is that agency's
    copy, not the site's own story (it vanished from every who-runs-whose-copy question)."""
    con = open_db()
    texts = iter(f"Unrelated item number {i} about the {word} harvest." for i, word in enumerate("abcdef"))
    ids = add_rows(
        con,
        [
            Row("https://belta.example/tass", "BelTA", T0, next(texts), agency="BelTA",
                credits=[("TASS", "origin")]),
            Row("https://paper.example/with", "Paper", T0, next(texts), credits=[("TASS", "contributor")]),
            Row("https://sputnik.example/own", "Sputnik", T0, next(texts), agency="Sputnik",
                credits=[("Sputnik", "origin")]),
            Row("https://tass.example/own", "TASS", T0, next(texts), agency="TASS",
                credits=[("Reuters", "contributor")]),
            Row("https://paper.example/two", "Paper", T0, next(texts)),
            Row("https://paper.example/scoop", "Paper", T0, next(texts)),
        ],
    )  # fmt: skip
    con.executemany(  # a footer line and a dateline name two agencies: the dateline decides
        "INSERT INTO article_credits VALUES (?, ?, 'origin', 'test', ?, 1)",
        [(ids[4], "Reuters", "footer"), (ids[4], "AFP", "dateline")],
    )
    before = origins(con)
    link_articles(con, 1)
    after = origins(con)
    assert before == after
    assert {url: row[2:4] + row[5:] for url, row in after.items()} == {
        "https://belta.example/tass": ("TASS", 1, "credited", "credit"),
        "https://paper.example/with": ("TASS", 1, "credited", "credit"),
        "https://sputnik.example/own": ("Sputnik", 0, "self", None),
        "https://tass.example/own": ("TASS", 0, "self", None),
        "https://paper.example/two": ("AFP", 1, "credited", "credit"),
        "https://paper.example/scoop": (None, 0, None, None),
    }
    assert after["https://sputnik.example/own"][1] == "https://sputnik.example/own", "its own origin"
    assert after["https://paper.example/scoop"][1] == "https://paper.example/scoop", "an original is its own"


def _story(n: int) -> str:
    """A text of 150 made-up words that shares nothing with another n's."""
    import random

    rng = random.Random(n)
    words = (
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(150)
    )
    return " ".join(words) + "."


def _cut_short_after_one_chunk(monkeypatch):
    """Make link write one target per chunk and stop (as Ctrl-C would) after the first."""
    import pipelines.link as link

    written = []
    real = link.store.write_results

    def write_then_stop(con, *rows):
        if written:
            raise KeyboardInterrupt
        written.append(1)
        real(con, *rows)

    monkeypatch.setattr(link, "CHUNK", 1)
    monkeypatch.setattr(link.store, "write_results", write_then_stop)
    return lambda: monkeypatch.setattr(link.store, "write_results", real)


def _verdicts(con):
    return sorted(con.execute("SELECT article_id, source_id, origin_id, hops FROM chains").fetchall())


def test_a_rebuild_cut_short_keeps_the_old_answers_and_the_next_link_finishes_it(monkeypatch):
    """`link --all` stopped by Ctrl-C emptied chains and reuse_links: every article read as an
    original until a full relink. Now each verdict stays until its new one replaces it."""
    import pytest

    con = open_db()
    rows = [
        Row(f"https://wire.example/{n}", "Wire", T0 + timedelta(hours=n), _story(n), agency="Wire")
        for n in range(3)
    ]
    rows += [
        Row(f"https://paper.example/{n}", "Paper", T0 + timedelta(hours=n, minutes=30), _story(n))
        for n in range(3)
    ]
    add_rows(con, rows)
    link_articles(con, 1)
    complete = _verdicts(con)
    assert [hops for *_, hops in complete] == [0, 0, 0, 1, 1, 1]
    restore = _cut_short_after_one_chunk(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        link_articles(con, 2, rebuild=True)
    assert _verdicts(con) == complete, "the old answers stay while the rebuild is unfinished"
    restore()
    link_articles(con, 3)
    assert _verdicts(con) == complete
    assert con.execute("SELECT count(*) FROM link_state").fetchall() == [(6,)]


def test_a_link_cut_short_still_judges_again_the_copies_an_earlier_text_arrived_for(monkeypatch):
    """Papers linked as originals; then the agency stories they copied arrive, dated earlier. A link
    stopped after judging the first agency story forgot that the papers were to be judged again: the
    next link judged only the agency stories left, and two papers stayed "originals" for good."""
    import pytest

    con = open_db()
    add_rows(
        con,
        [
            Row(f"https://paper.example/{n}", "Paper", T0 + timedelta(hours=n, minutes=30), _story(n))
            for n in range(3)
        ],
    )
    link_articles(con, 1)
    add_rows(
        con,
        [
            Row(f"https://wire.example/{n}", "Wire", T0 + timedelta(hours=n), _story(n), agency="Wire")
            for n in range(3)
        ],
        run_id=2,
    )
    restore = _cut_short_after_one_chunk(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        link_articles(con, 2)
    restore()
    link_articles(con, 3)
    query = "SELECT article_url, source_url, hops FROM article_origins"
    got = {url: (source, hops) for url, source, hops in con.execute(query).fetchall()}
    assert got == {
        **{f"https://wire.example/{n}": (None, 0) for n in range(3)},
        **{f"https://paper.example/{n}": (f"https://wire.example/{n}", 1) for n in range(3)},
    }


def linked(rows: list[Row]) -> dict:
    """article_origins of a fresh database holding `rows`, after one link."""
    con = open_db()
    add_rows(con, rows)
    con.execute(
        "UPDATE articles SET first_seen_at = TIMESTAMP '2024-03-05 08:13:00' WHERE published_at IS NULL"
    )
    link_articles(con, 1)
    return origins(con)


def test_an_outlets_timed_scoop_run_later_by_an_agency_is_the_original():
    """Ties go to the agency, and so does a page dated by day only; a page that gives its time is
    placed at it: an agency running an outlet's story ten hours later copied it."""
    scoop = T0 + timedelta(minutes=7)  # 09:07, a time of day, not a date
    o = linked(
        [
            Row("https://nikkei.example/scoop", "Nikkei", scoop, EDIT),
            Row("https://tass.example/1", "TASS", scoop + timedelta(hours=10), EDIT, agency="TASS"),
        ]
    )
    assert o["https://nikkei.example/scoop"][0] is None and o["https://nikkei.example/scoop"][3] == 0
    assert o["https://tass.example/1"][0] == "https://nikkei.example/scoop"
    o = linked(
        [
            Row("https://paper.example/p", "Paper", T0.replace(hour=0), EDIT),  # by day: 00:00 that day
            Row("https://wire.example/w", "Wire", T0 + timedelta(hours=10), EDIT, agency="Wire"),
        ]
    )
    assert o["https://paper.example/p"][:4] == ("https://wire.example/w", "https://wire.example/w", "Wire", 1)


def test_a_text_naming_the_other_as_its_source_is_never_that_ones_source():
    """An agency story saying "Source: Nikkei" on the hour after Nikkei's day-dated page, and an
    agency original with no date (placed when first seen, after the outlet copy that credits it):
    neither makes the other article its copy."""
    o = linked(
        [
            Row("https://nikkei.example/scoop", "Nikkei", T0, EDIT),
            Row(
                "https://tass.example/1",
                "TASS",
                T0 + timedelta(hours=10),
                EDIT + "\nSource: Nikkei",
                agency="TASS",
            ),
        ]
    )
    assert o["https://nikkei.example/scoop"][0] is None
    assert o["https://nikkei.example/scoop"][5] != "uncredited", "Nikkei's own story is no copy of TASS"
    o = linked(
        [
            Row("https://belta.example/1", "BelTA", None, WIRE, agency="BelTA"),
            Row("https://herald.example/b", "Herald", T0, WIRE, credits=[("BelTA", "origin")]),
        ]
    )
    assert o["https://belta.example/1"][0] is None and o["https://belta.example/1"][3:6] == (
        0,
        "none",
        "self",
    )
    herald = o["https://herald.example/b"]
    assert herald[2] == "BelTA" and herald[5] == "credited"


def test_copy_naming_the_outlet_whose_own_story_it_is_credits_the_origin():
    o = linked(
        [
            Row("https://steppe.example/a", "Steppe Times", T0, WIRE),
            Row(
                "https://observer.example/b",
                "Observer",
                T0 + timedelta(hours=3),
                WIRE + "\nSource: Steppe Times",
            ),
            Row("https://rt.example/a", "RT", T0 + timedelta(days=30), EDIT),
            Row("https://blog.example/c", "Blog", T0 + timedelta(days=30, hours=1), EDIT + "\nSource: RT"),
            Row(
                "https://blog.example/d",
                "Blog",
                T0 + timedelta(days=30, hours=2),
                EDIT + "\nSource: Art Daily",
            ),
        ],
    )
    observer = o["https://observer.example/b"]
    assert observer[:2] == ("https://steppe.example/a",) * 2 and observer[5:] == ("credited", "credit+text")
    assert o["https://blog.example/c"][5] == "credited", "a two-letter name counts in capitals"
    assert o["https://blog.example/d"][5] == "uncredited", "'Art' is not RT"


def test_an_outlet_running_its_own_story_again_is_self_not_uncredited_reuse():
    """A second URL of an outlet's own original was listed by uncredited_reuse, the laundering
    query, as a copy of it. Its own earlier copy of agency text run again stays uncredited, and so
    does one channel copying another where the outlet is only a domain (rows ingested without one)."""
    o = linked(
        [
            Row("https://herald.example/a", "Herald", T0, INDEPENDENT),
            Row("https://herald.example/a-v2", "Herald", T0 + timedelta(hours=5), INDEPENDENT),
            Row("https://wire.example/w", "Wire", T0, WIRE, agency="Wire"),
            Row("https://ledger.example/b", "Ledger", T0 + timedelta(hours=1), EDIT),
            Row("https://ledger.example/b-v2", "Ledger", T0 + timedelta(hours=6), EDIT),
        ]
    )
    assert o["https://herald.example/a-v2"][0] == "https://herald.example/a"
    assert o["https://herald.example/a-v2"][5] == "self"
    ledger = o["https://ledger.example/b-v2"]
    assert ledger[2:4] == ("Wire", 2) and ledger[5] == "uncredited"
    channels = linked(
        [
            Row("https://t.me/channel_a/1", "t.me", T0, INDEPENDENT),
            Row("https://t.me/channel_b/55", "t.me", T0 + timedelta(hours=2), INDEPENDENT),
        ]
    )
    channel = channels["https://t.me/channel_b/55"]
    assert channel[0] == "https://t.me/channel_a/1" and channel[5] == "uncredited"


def test_a_direct_copy_crediting_another_agency_is_uncredited_but_one_further_down_credits_its_way():
    """A copy of BelTA's story signed "Source: Reuters" counted as crediting an intermediary, though
    nothing stood between BelTA and it. Further down a chain another agency may be one the story
    passed through: a copy of Paper's copy of BelTA's rewrite of TASS, signed "Source: BelTA"."""
    direct = linked(
        [
            Row("https://belta.example/a", "BelTA", T0, WIRE, agency="BelTA"),
            Row(
                "https://mirror.example/b",
                "Mirror",
                T0 + timedelta(hours=1),
                WIRE,
                credits=[("Reuters", "origin")],
            ),
        ]
    )
    assert direct["https://mirror.example/b"][0] == "https://belta.example/a"
    assert direct["https://mirror.example/b"][5] == "uncredited"
    edited = (
        EDIT.replace("Our correspondent in Warsaw adds", "A diplomat in Riga told us") + " Flights stopped."
    )
    far = linked(
        [
            Row("https://tass.example/a", "TASS", T0, WIRE, agency="TASS"),
            Row(
                "https://belta.example/b",
                "BelTA",
                T0 + timedelta(hours=1),
                EDIT,
                agency="BelTA",
                credits=[("TASS", "origin")],
            ),
            Row("https://paper.example/c", "Paper", T0 + timedelta(hours=2), edited),
            Row(
                "https://blog.example/d",
                "Blog",
                T0 + timedelta(hours=3),
                edited,
                credits=[("BelTA", "origin")],
            ),
        ]
    )
    blog = far["https://blog.example/d"]
    assert (
        blog[0] == "https://paper.example/c"
        and blog[2:4] == ("TASS", 3)
        and blog[5] == "credits_intermediary"
    )


def test_page_naming_an_outlet_that_carries_the_agency_text_took_it_from_that_outlet():
    """Herald runs the wire story verbatim; Ledger runs it too and says "Source: Herald". The text
    alone cannot tell which of the two Ledger copied; its credit can."""
    o = linked(
        [
            Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire"),
            Row(
                "https://herald.example/b",
                "Herald",
                T0 + timedelta(hours=1),
                WIRE,
                credits=[("Wire", "origin")],
            ),
            Row("https://ledger.example/c", "Ledger", T0 + timedelta(hours=3), WIRE + "\nSource: Herald"),
            Row("https://post.example/d", "Post", T0 + timedelta(hours=4), WIRE),
        ],
    )
    assert o["https://ledger.example/c"][:4] == (
        "https://herald.example/b",
        "https://wire.example/a",
        "Wire",
        2,
    )
    assert o["https://ledger.example/c"][5] == "credits_intermediary"
    assert o["https://post.example/d"][0] == "https://wire.example/a", (
        "without a credit the agency is the source"
    )


def compare_with_rebuild(con) -> None:
    """The nightly answer must be the one `link --all` gives on the same database."""
    nightly = origins(con)
    link_articles(con, 99, rebuild=True)
    assert nightly == origins(con)


def linked_in_two_runs(first: list[Row], later: list[Row]) -> dict:
    """article_origins after linking `first`, then `later` in a second nightly run; checked to be what
    `link --all` gives."""
    con = open_db()
    add_rows(con, first)
    link_articles(con, 1)
    add_rows(con, later, run_id=2)
    link_articles(con, 2)
    compare_with_rebuild(con)
    return origins(con)


def test_a_short_copy_linked_before_its_long_source_arrived_is_judged_again():
    con = open_db()
    excerpt = " ".join(WIRE.split()[:30])
    add_rows(con, [Row("https://brief.example/a", "Brief", T0 + timedelta(hours=2), excerpt)])
    link_articles(con, 1)
    add_rows(con, [Row("https://wire.example/w", "Wire", T0, WIRE, agency="Wire")], run_id=2)
    link_articles(con, 2)
    assert origins(con)["https://brief.example/a"][:4] == ("https://wire.example/w",) * 2 + ("Wire", 1)
    compare_with_rebuild(con)


def test_copies_of_a_copy_follow_when_an_earlier_source_turns_up_under_it():
    """Blog copies Herald's own reporting only, so Herald stays its source; when the wire story
    Herald was built on arrives, Blog's origin, agency and hops change with Herald's."""
    con = open_db()
    own = " ".join(INDEPENDENT.split()[:60])
    add_rows(
        con,
        [
            Row("https://herald.example/b", "Herald", T0 + timedelta(hours=1), WIRE + " " + own),
            Row("https://blog.example/c", "Blog", T0 + timedelta(hours=3), own),
        ],
    )
    link_articles(con, 1)
    assert origins(con)["https://blog.example/c"][:4] == ("https://herald.example/b",) * 2 + (None, 1)
    add_rows(con, [Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire")], run_id=2)
    link_articles(con, 2)
    blog = origins(con)["https://blog.example/c"]
    assert blog[:4] == ("https://herald.example/b", "https://wire.example/a", "Wire", 2)
    compare_with_rebuild(con)


def test_two_versions_stored_between_links_never_make_a_page_its_own_copy():
    con = open_db()
    add_rows(con, [Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire")])
    add_rows(
        con, [Row("https://wire.example/a", "Wire", T0, WIRE + " Updated with a new line.", agency="Wire")]
    )
    add_rows(con, [Row("https://herald.example/b", "Herald", T0 + timedelta(hours=1), WIRE)])
    first = link_articles(con, 1)
    assert first.indexed == 2
    assert link_articles(con, 2).indexed == 0, "nothing new: nothing to link"
    o = origins(con)
    assert o["https://wire.example/a"][0] is None and o["https://wire.example/a"][3] == 0
    assert o["https://herald.example/b"][:4] == ("https://wire.example/a",) * 2 + ("Wire", 1)
    compare_with_rebuild(con)


def credits_in(text: str) -> list[tuple[str, str, str]]:
    """(agency, role, cue) as the credits stage finds them in `text`."""
    found = find_credits(None, text, url="https://paper.example/", registry=load_agencies())
    return [(c.agency, c.role, c.cue) for c in found]


def test_a_copy_citing_the_origin_agency_in_its_own_words_credits_it_but_a_carried_over_citation_does_not():
    """ "…, TASS reported." added to a copy of a TASS story says where it came from; a copy of a
    Sputnik story that keeps the original's own "As Sputnik reported earlier" says nothing of its own,
    even with the words after it edited ("on Tuesday" made "this week")."""
    tass_copy = WIRE.replace("said on Tuesday,", "said on Tuesday, TASS reported,", 1)
    sputnik = "As Sputnik reported earlier, the talks in Minsk stalled on Tuesday. " + EDIT
    carried = sputnik.replace("stalled on Tuesday", "stalled this week", 1)
    later = T0 + timedelta(hours=2)
    rows = [
        Row("https://tass.example/1", "TASS", T0, WIRE, agency="TASS"),
        Row("https://paper.example/a", "Paper", later, tass_copy, credits=credits_in(tass_copy)),
        Row("https://sputnik.example/1", "Sputnik", T0 + timedelta(days=20), sputnik, agency="Sputnik"),
        Row("https://blog.example/b", "Blog", later + timedelta(days=20), carried,
            credits=credits_in(carried)),
    ]  # fmt: skip
    assert [c[:2] for c in rows[1].credits] == [("TASS", "cited")]
    assert [c[:2] for c in rows[3].credits] == [("Sputnik", "cited")]
    o = linked(rows)
    assert o["https://paper.example/a"][:3] == ("https://tass.example/1", "https://tass.example/1", "TASS")
    assert o["https://paper.example/a"][5:] == ("credited", "credit+text")
    assert o["https://blog.example/b"][:3] == ("https://sputnik.example/1",) * 2 + ("Sputnik",)
    assert o["https://blog.example/b"][5:] == ("uncredited", "text"), "the citation came with the copied text"


def test_a_story_run_verbatim_by_dozens_of_outlets_is_traced_to_the_agency_from_every_one():
    """Verbatim copies tie with the original on shared fingerprints; the ten aligned per target were
    cut by row id, which dropped the agency's original (the oldest row) for every copy after the
    tenth, and those chained through each other, hops 2, 3, 4."""
    con = open_db()
    copies = [
        Row(f"https://outlet{n:02}.example/a", f"Outlet {n:02}", T0 + timedelta(minutes=30 + 5 * n), WIRE)
        for n in range(30)
    ]
    add_rows(con, [Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire"), *copies])
    link_articles(con, 1)
    o = origins(con)
    traced = {url: o[url][:4] for url in (c.url for c in copies)}
    assert set(traced.values()) == {("https://wire.example/a", "https://wire.example/a", "Wire", 1)}, {
        url: v for url, v in traced.items() if v[3] != 1
    }


def test_an_outlet_story_timed_on_the_hour_is_the_original_and_a_date_at_local_midnight_is_by_day(
    tmp_path, run_cli
):
    """Any time on a quarter hour was taken for a date at local midnight and pushed a day later: an
    outlet's 10:00 story came out the uncredited copy of the paper that copied it at 13:37. A date
    written at midnight of its own zone still stands for the whole day, after that day's wire story."""
    from tests.conftest import write_jsonl

    def row(url, outlet, published_at, text):
        return {"url": url, "outlet": outlet, "published_at": published_at, "text": text}

    rows = [
        row("https://scoop.example/a", "Scoop Times", "2026-11-17T10:00:00+02:00", EDIT),
        row("https://copycat.example/a", "Copycat Daily", "2026-11-17T13:37:12Z", EDIT),
        row("https://wire.example/w", "TASS", "2026-11-18T09:12:00Z", INDEPENDENT),
        row("https://paper.example/p", "Paper", "2026-11-18T00:00:00+03:00", INDEPENDENT),
        # 03:00 in Moscow is midnight UTC, the spelling of a date alone: the original came out the copy
        row("https://ural.example/u", "Ural News", "2026-11-19T03:00:00+03:00", METRO),
        row("https://ekb.example/e", "EKB Today", "2026-11-19T04:00:00+03:00", METRO),
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", rows))).exit_code == 0
    assert run_cli("link").exit_code == 0
    answer = run_cli("query", "select article_url, source_url, hops from article_origins", "--format", "csv")
    got = {url: (src, hops) for url, src, hops in (line.split(",") for line in answer.stdout.split()[1:])}
    assert got["https://scoop.example/a"] == ("", "0")
    assert got["https://copycat.example/a"] == ("https://scoop.example/a", "1")
    assert got["https://paper.example/p"] == ("https://wire.example/w", "1"), "dated by day: after the wire"
    assert got["https://ural.example/u"] == ("", "0"), "a time given that falls on midnight UTC"
    assert got["https://ekb.example/e"] == ("https://ural.example/u", "1")


SPUTNIK_AT = datetime(2026, 11, 17, 8, 3, 17)


def _skewed_copies() -> list[Row]:
    """Sputnik's story, and copies of it whose clocks disagree: one crediting Sputnik stamped two
    hours before it (a local time read as UTC), one uncredited in between, one at the same second."""
    return [
        Row("https://sputnik.example/s", "Sputnik", SPUTNIK_AT, WIRE, agency="Sputnik"),
        Row("https://early.example/c", "Early", SPUTNIK_AT - timedelta(hours=2, minutes=1), WIRE,
            credits=[("Sputnik", "origin", "Via: Sputnik News Agency")]),
        Row("https://quiet.example/u", "Quiet", SPUTNIK_AT - timedelta(minutes=41), WIRE),
        Row("https://same.example/x", "Same", SPUTNIK_AT, WIRE),
    ]  # fmt: skip


def test_a_copy_crediting_the_agency_but_stamped_before_it_is_traced_to_it_and_the_agency_stays_the_origin():
    """By the clocks the crediting copy came first: it was an original whose credited Sputnik story was
    "not in the database", and Sputnik's own story came out a copy of the uncredited outlet, hops 3."""
    o = linked(_skewed_copies())
    sputnik = ("https://sputnik.example/s", "https://sputnik.example/s", "Sputnik", 1)
    assert o["https://sputnik.example/s"][:4] == (None, "https://sputnik.example/s", "Sputnik", 0)
    assert o["https://sputnik.example/s"][5] == "self"
    assert o["https://early.example/c"][:4] == sputnik and o["https://early.example/c"][5] == "credited"
    assert o["https://quiet.example/u"][:4] == sputnik and o["https://quiet.example/u"][5] == "uncredited"
    assert o["https://same.example/x"][:4] == sputnik


def test_a_skewed_story_keeps_its_place_in_later_runs_as_link_all_gives_it():
    """The story is placed before the crediting copy in the run that links them; a copy arriving in a
    later run, with no credit and stamped before the story, must find it there too."""
    rows = _skewed_copies()
    nightly = linked_in_two_runs(rows[:2], rows[2:])
    assert nightly["https://quiet.example/u"][:4] == ("https://sputnik.example/s", "https://sputnik.example/s",
                                                      "Sputnik", 1)  # fmt: skip


def test_an_agency_story_never_copies_an_outlet_text_that_traces_back_to_that_agency():
    """A copy crediting Sputnik a day before Sputnik's stamp (beyond any clock error), an uncredited copy
    of it, then a crediting copy 12 h before: the second run placed the story 12 h back, the rebuild
    measured the 14 h from that moved time and went back further, and Sputnik's own story came out a
    copy of the uncredited outlet, hops 3, one way in nightly runs and another in `link --all`."""
    story_at, via = datetime(2026, 11, 17, 12, 0, 7), [("Sputnik", "origin", "Via: Sputnik")]
    rows = [
        Row("https://sputnik.example/s", "Sputnik", story_at, WIRE, agency="Sputnik"),
        Row("https://c3.example/a", "C3", story_at - timedelta(hours=24, minutes=3), WIRE, credits=via),
        Row("https://c.example/a", "C", story_at - timedelta(hours=12, minutes=5), WIRE, credits=via),
        Row("https://x.example/a", "X", story_at - timedelta(hours=16, minutes=9), WIRE),
    ]
    nightly = linked_in_two_runs(rows[:2], rows[2:])
    assert nightly["https://sputnik.example/s"][:4] == (None, "https://sputnik.example/s", "Sputnik", 0)
    assert nightly["https://c.example/a"][:4] == ("https://sputnik.example/s", "https://sputnik.example/s",
                                                  "Sputnik", 1)  # fmt: skip


def test_dates_stored_before_the_upgrade_keep_their_reading_and_later_ones_get_the_new(monkeypatch):
    """Before 2026-12-06 a paper's date at local midnight was stored converted (21:00 the day before),
    and any quarter-hour time read as a date. Read by the new rule those rows became times, and
    that day's wire story the paper's copy; rows stored since are read by the new rule."""
    from pipelines.store import db
    from pipelines.store.runs import start_run

    con = duckdb.connect(":memory:")
    shipped = db.migration_files()
    monkeypatch.setattr(db, "migration_files", lambda: [m for m in shipped if m[0] < 5])
    db.apply_migrations(con)  # a database of before the upgrade
    old_run = start_run(con, "ingest")
    paper_at = datetime(2024, 2, 29, 21, 0)  # the 1 March paper of a +03:00 site, as it was stored
    wire_at = datetime(2024, 3, 1, 9, 12)
    add_rows(con, [Row("https://paper.example/old", "Paper", paper_at, WIRE)], run_id=old_run)
    monkeypatch.setattr(db, "migration_files", lambda: shipped)
    db.apply_migrations(con)  # the upgrade
    new_run = start_run(con, "ingest")
    rows = [
        Row("https://wire.example/w", "Wire", wire_at, WIRE, agency="Wire"),
        Row("https://paper.example/new", "Paper", paper_at, INDEPENDENT),  # 21:00 given since: a time
        Row("https://wire.example/i", "Wire", wire_at, INDEPENDENT, agency="Wire"),
    ]
    add_rows(con, rows, run_id=new_run)
    link_articles(con, new_run)
    o = origins(con)
    assert o["https://paper.example/old"][0] == "https://wire.example/w", "read as a date: after the wire"
    assert o["https://paper.example/new"][0] is None, "read as 21:00: before the wire, the original"
    assert o["https://wire.example/i"][0] == "https://paper.example/new"


def test_an_agencys_follow_up_is_a_story_of_its_own_on_any_site():
    """An agency's later story reusing its earlier one is where its copies' story starts (linked, each
    copy of an update was timed from the day before), whether or not its pages carry the own-site
    credit that pages on the agency's registered domain get; a copy of the first story stays its copy.
    Both stories share text with a copy crediting Sputnik stamped before them and are placed at the
    same instant: neither may come out the other's copy, whichever was stored first."""
    story_at, via = datetime(2026, 11, 17, 12, 0, 7), [("Sputnik", "origin", "Via: Sputnik")]
    story, follow_up = "https://sputnik.example/story", "https://sputnik.example/follow-up"
    for own_site in ([], [("Sputnik", "origin", "own site sputnik.example")]):
        o = linked(
            [
                Row(follow_up, "Sputnik", story_at + timedelta(hours=8), WIRE + " " + INDEPENDENT,
                    agency="Sputnik", credits=own_site),
                Row(story, "Sputnik", story_at, WIRE, agency="Sputnik", credits=own_site),
                Row("https://outlet.example/c", "Outlet", story_at - timedelta(hours=1), WIRE, credits=via),
            ]
        )  # fmt: skip
        assert o[story][:4] == (None, story, "Sputnik", 0)
        assert o[follow_up][:4] == (None, follow_up, "Sputnik", 0), own_site
        assert o["https://outlet.example/c"][0] == story


def test_two_outlets_stamped_with_the_same_time_are_neither_ones_source():
    """Papers dated by edition carry the same stamp, so neither could have read the other: without the
    rule the one stored first became the source of the other, an uncredited copy of a paper it never saw."""
    o = linked(
        [
            Row("https://morning.example/1", "Morning Post", T0, EDIT),
            Row("https://herald.example/1", "Herald", T0, EDIT),
        ]
    )
    assert o["https://morning.example/1"][0] is None and o["https://morning.example/1"][3] == 0
    assert o["https://herald.example/1"][0] is None and o["https://herald.example/1"][3] == 0


def test_a_roundup_taking_a_quarter_of_its_text_from_each_of_four_stories_is_partially_from_its_source():
    """Built almost wholly from agency copy, yet only a quarter of it from its source: the model reads such
    a merged text as "wholly", and without the MIN_WHOLLY guard the roundup was a whole copy of one story."""
    flood = (
        "Heavy rain flooded dozens of streets in the southern city of Gomel overnight, the emergencies "
        "ministry said on Wednesday, and rescuers evacuated more than two hundred residents from low-lying "
        "districts near the Sozh river. Officials said the water level had risen by almost a metre in six "
        "hours and warned that further rain was expected on Thursday."
    )
    grain = (
        "The government raised its grain harvest forecast to nine million tonnes on Monday after a dry and "
        "warm September allowed farmers to finish threshing early in most regions, the agriculture ministry "
        "said. Exports of barley and rapeseed to China doubled compared with last year, according to customs "
        "data, while wheat sales to Russia fell."
    )
    rail = (
        "The national railway will buy forty new electric trains from a Swiss maker to replace ageing "
        "diesel stock on suburban lines around Minsk, the transport minister announced on Friday. The first "
        "trains are due in 2027 and the contract is worth about three hundred million euros, he said."
    )
    lead = WIRE.split(". ")[0] + ". "
    roundup = (
        lead + flood.split(". ")[0] + ". " + grain.split(". ")[0] + ". " + rail.split(". ")[0] + ". "
        "A choir from Lida gave a concert in the cathedral on Saturday evening."
    )
    o = linked(
        [
            Row("https://wire.example/a", "Wire", T0, WIRE, agency="Wire"),
            Row("https://wire.example/f", "Wire", T0, flood, agency="Wire"),
            Row("https://agency.example/g", "Agency", T0, grain, agency="Agency"),
            Row("https://agency.example/r", "Agency", T0, rail, agency="Agency"),
            Row("https://digest.example/1", "Digest", T0 + timedelta(hours=2), roundup),
        ]
    )
    assert o["https://digest.example/1"][0] == "https://wire.example/a", "its longest passage is the wire's"
    assert o["https://digest.example/1"][4] == "partially"


def test_a_word_run_on_for_pages_links_in_bounded_memory_and_a_long_verbatim_copy_is_wholly(tmp_path):
    """Both texts end in one word repeated 20,000 times: aligning every occurrence with every other
    asked for 3 GB arrays, so `link` failed with a traceback every night and linked nothing else. And
    a verbatim copy that long was called `partially` (the model's length term, fitted on METER's
    shorter texts). Run in a process limited to 2.5 GB of address space."""
    import subprocess
    import sys

    from pipelines import PROJECT_ROOT

    script = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2_500_000_000, 2_500_000_000))
sys.path.insert(0, {str(PROJECT_ROOT / "tests")!r})
from datetime import datetime, timedelta
from link_helpers import Row, add_rows, open_db
from pipelines.link import link_articles
text = {WIRE!r} + " news" * 20_000
con = open_db()
t0 = datetime(2024, 3, 1, 9, 0)
add_rows(con, [Row("https://wire.example/a", "BelTA", t0, text, agency="BelTA"),
               Row("https://copy.example/b", "Copy", t0 + timedelta(hours=1), text)])
link_articles(con, 1)
query = "SELECT source_url, derivation FROM article_origins WHERE article_url LIKE '%copy%'"
print(con.execute(query).fetchall())
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.strip() == "[('https://wire.example/a', 'wholly')]"


def test_an_agency_copying_an_outlet_has_no_origin_agency_of_its_own():
    """The chain's root is the outlet's story, so there is no agency at its root; the view filled the
    linker's empty origin_agency with the copying agency's own name ("TASS, hops 1"), and TASS's
    copy counted in credit_honesty as crediting TASS."""
    con = open_db()
    herald = Row("https://herald.example/n/1", "The Herald", T0, WIRE)
    tass = Row("https://tass.com/x/1", "TASS", T0 + timedelta(hours=3), WIRE, agency="TASS")
    add_rows(con, [herald, tass])
    link_articles(con, 1)
    source_url, origin_url, origin_agency, hops = origins(con)[tass.url][:4]
    assert (source_url, origin_url, origin_agency, hops) == (herald.url, herald.url, None, 1)


def test_a_copy_crediting_the_agency_that_ran_an_outlets_story_credits_an_intermediary():
    """The Herald's scoop, run by TASS, then copied from TASS with "Source: TASS": the chain starts at
    the Herald, an outlet, so no agency stands at its root and TASS is the one it passed through. The
    copy's own credit was taken for the origin: "origin TASS, credited" under the Herald's URL."""
    con = open_db()
    herald = Row("https://herald.example/n/1", "The Herald", T0, WIRE)
    tass = Row("https://tass.com/x/1", "TASS", T0 + timedelta(hours=3), WIRE, agency="TASS")
    paper = Row(
        "https://paper.example/p/1", "Paper", T0 + timedelta(hours=6), WIRE, credits=[("TASS", "origin")]
    )
    add_rows(con, [herald, tass, paper])
    link_articles(con, 1)
    row = origins(con)[paper.url]
    assert row[:4] == (tass.url, herald.url, None, 2)
    assert row[5] == "credits_intermediary"


FRENCH = (
    "Le ministère biélorusse de la Défense a déclaré mardi que des équipages avaient achevé des tirs réels "
    "près de Brest la semaine dernière. Le général Igor Golub a précisé que les systèmes resteraient en "
    "service de combat jusqu'au printemps et que d'autres exercices étaient prévus en avril avec des "
    "unités russes. Selon le ministère, ce déploiement répond à une activité militaire accrue des États "
    "voisins et ne menace personne. À Vilnius, des analystes ont jugé la décision largement symbolique."
)


def test_a_copy_differing_only_in_unicode_encoding_is_a_verbatim_copy():
    """Decomposed accents (macOS, some editors) and soft hyphens inside words split the words
    (`\\w` matches neither): a verbatim copy was `partially` derived, or not found at all."""
    import unicodedata

    from pipelines.shingles import token_offsets

    con = open_db()
    wire = Row("https://wire.example/fr", "AFP", T0, FRENCH, agency="AFP")
    decomposed = Row(
        "https://nfd.example/a", "NFD", T0 + timedelta(hours=1), unicodedata.normalize("NFD", FRENCH)
    )
    hyphenated = " ".join("\u00ad".join(w[i : i + 3] for i in range(0, len(w), 3)) for w in FRENCH.split(" "))
    hyphens = Row("https://shy.example/a", "Shy", T0 + timedelta(hours=2), hyphenated)
    add_rows(con, [wire, decomposed, hyphens])
    link_articles(con, 1)
    got = origins(con)
    for copy in (decomposed, hyphens):
        assert got[copy.url][0] == wire.url and got[copy.url][4] == "wholly", (copy.outlet, got[copy.url])
    # what `explain` shows: each token's characters in the stored text, accents and hyphens included
    first = [decomposed.text[a:b] for a, b in token_offsets(decomposed.text)][:3]
    assert [unicodedata.normalize("NFC", w) for w in first] == ["Le", "ministère", "biélorusse"]
    assert [hyphenated[a:b].replace("\u00ad", "") for a, b in token_offsets(hyphenated)][:2] == [
        "Le",
        "ministère",
    ]


def test_an_agency_update_restamped_later_stays_the_source_of_those_who_ran_the_first_version():
    """TASS updates its story and the page is restamped; only the new version is indexed. It was
    placed at its new time, so `link --all` made TASS the uncredited copy of the paper that had run
    the first version, while a nightly link still said the opposite."""
    con = open_db()
    tass = "https://tass.com/x/1"
    add_rows(con, [Row(tass, "TASS", T0, WIRE, agency="TASS")])
    add_rows(con, [Row("https://paper.example/b", "Paper", T0 + timedelta(hours=2), WIRE + " " + EDIT[-90:])])
    link_articles(con, 1)
    update = WIRE + " Later on Tuesday the ministry published a video of the launchers at their positions."
    add_rows(con, [Row(tass, "TASS", T0 + timedelta(hours=6), update, agency="TASS")], run_id=2)
    link_articles(con, 2)
    nightly = origins(con)
    link_articles(con, 3, rebuild=True)
    assert origins(con) == nightly
    assert nightly["https://paper.example/b"][:4] == (tass, tass, "TASS", 1)
    assert nightly[tass][:4] == (None, tass, "TASS", 0)


def test_an_agency_update_restamped_later_keeps_its_first_time_and_its_copies_their_lag():
    """article_origins showed the restamped version's time: the paper's copy, 2 h after TASS's story,
    read as stamped 4 h before it, so agency_lag left it out and uncredited_reuse gave no lag."""
    con = open_db()
    tass = "https://tass.com/x/1"
    add_rows(con, [Row(tass, "TASS", T0, WIRE, agency="TASS")])
    add_rows(con, [Row("https://paper.example/b", "Paper", T0 + timedelta(hours=2), WIRE)])
    update = WIRE + " Later on Tuesday the ministry published a video of the launchers at their positions."
    add_rows(con, [Row(tass, "TASS", T0 + timedelta(hours=6), update, agency="TASS")], run_id=2)
    link_articles(con, 1)
    published = dict(con.execute("SELECT article_url, published_at FROM article_origins").fetchall())
    assert published[tass] == T0
    queries = named_queries()
    lag = con.execute(queries["uncredited_reuse"].sql).fetchall()
    assert [(r[0], r[-1]) for r in lag] == [("https://paper.example/b", 2.0)]
    by_outlet = {r[0]: r for r in con.execute(queries["agency_lag"].sql).fetchall()}
    assert by_outlet["Paper"][1:4] == ("TASS", 1, 2.0)


def test_between_two_agencies_with_the_same_text_a_copy_is_traced_to_the_one_it_credits():
    """TASS and RIA Novosti put out the same text the same second; a paper runs it with "Source: RIA
    Novosti". The wire stored second was the uncredited copy of the first, and the paper, with TASS
    stored first, an uncredited copy of TASS."""
    for wires in (
        [("tass.com", "TASS"), ("ria.ru", "RIA Novosti")],
        [("ria.ru", "RIA Novosti"), ("tass.com", "TASS")],
    ):
        rows = [Row(f"https://{site}/1", name, T0, WIRE, agency=name) for site, name in wires]
        paper = Row(
            "https://paper.example/1",
            "Paper",
            T0 + timedelta(hours=2),
            WIRE,
            credits=[("RIA Novosti", "origin")],
        )
        o = linked([*rows, paper])
        assert (o[paper.url][0], o[paper.url][2], o[paper.url][5]) == (
            "https://ria.ru/1",
            "RIA Novosti",
            "credited",
        )
        for wire in rows:  # neither wire could have read the other: each is an original
            assert o[wire.url][2:6] == (wire.outlet, 0, "none", "self"), wires
