"""Ingest: JSONL, CSV and Parquet rows become articles; bad rows are named and skipped."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timedelta, timezone

import duckdb
import pandas as pd
import pytest

from pipelines.cli import EXIT_PARTIAL
from pipelines.store import Database
from tests.conftest import need_corpora, write_jsonl

STORY = (
    "Belarus has deployed Russian S-400 and Iskander missile systems, President Lukashenko said on Monday."
)


def _count(db, sql="SELECT count(*) FROM article_origins"):
    with Database(db).reader() as con:
        return con.execute(sql).fetchall()[0][0]


def test_malformed_jsonl_stores_every_good_row_and_names_every_bad_line(tmp_path, tmp_db, run_cli):
    path = tmp_path / "mixed.jsonl"
    write_jsonl(
        path,
        [
            {"url": "https://a.example.com/1", "text": STORY, "outlet": "Outlet A"},
            "{not json",
            {"text": "no url here"},
            {"url": "https://a.example.com/2", "text": STORY + " Two.", "published_at": "yesterday-ish"},
            {
                "url": "https://a.example.com/3",
                "text": STORY + " Three.",
                "published_at": "2026-11-20T10:00:00+03:00",
            },
        ],
    )
    with open(path, "ab") as handle:
        handle.write(b"\xff\xfe\x00garbage\x80\n")
        handle.write(json.dumps({"url": "ftp://a.example.com/4", "text": "x"}).encode() + b"\n")
        handle.write(
            json.dumps({"url": "https://a.example.com/5", "text": STORY + " Five."}).encode() + b"\n"
        )
        handle.write(b'{"url": "https://a.example.com/6", "text": "a raw\ttab"}\n')  # named with its column
    result = run_cli("ingest", str(path))
    assert result.exit_code == EXIT_PARTIAL, result.output
    for line, reason in [
        (2, "not valid JSON"),
        (3, "missing url"),
        (4, "invalid published_at"),
        (6, "not UTF-8"),
        (7, "not an absolute http(s) URL"),
        (9, "not valid JSON: Invalid control character column 50"),
    ]:
        assert f"mixed.jsonl:{line}: {reason}" in result.stderr, (
            f"line {line} should be named: {result.stderr}"
        )
    assert "3 new articles" in result.stdout and "6 skipped" in result.stdout
    assert _count(tmp_db) == 3
    with Database(tmp_db).reader() as con:
        when = con.execute("SELECT published_at FROM articles WHERE url LIKE '%/3'").fetchall()[0][0]
    assert when.isoformat() == "2026-11-20T07:00:00", "times are stored in UTC"


def test_a_damaged_csv_loses_only_its_bad_records(tmp_path, tmp_db, run_cli):
    """Excel's byte-order mark hid the url column; one Latin-1 byte ended the file there (and lost
    the rows decoded with it); a quote that never closes made one article of every row after it."""
    lines = ["url,outlet,text"]
    for n in range(1, 9):
        closing = "" if n == 3 else '"'  # row 3's quote never closes
        lines.append(f'https://c.example.com/{n},Outlet C,"{STORY} Row {n}.{closing}')
    body = "\r\n".join(lines).encode("utf-8").replace(b"Row 6.", "Row 6 caf\u00e9.".encode("latin-1"))
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + body + b"\r\n")
    result = run_cli("ingest", str(path))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "excel.csv:4: unreadable CSV record" in result.stderr, result.stderr
    assert "excel.csv:7: not UTF-8 text" in result.stderr, result.stderr
    assert "6 new articles" in result.stdout and "2 skipped" in result.stdout, result.stdout
    with Database(tmp_db).reader() as con:
        stored = con.execute("SELECT url, length(text) FROM articles ORDER BY url").fetchall()
    assert [url for url, _ in stored] == [f"https://c.example.com/{n}" for n in (1, 2, 4, 5, 7, 8)]
    assert max(length for _, length in stored) < 2 * len(STORY), "no row swallowed the ones after it"


def test_a_date_outside_the_calendar_is_one_bad_row_not_a_crash(tmp_path, tmp_db, run_cli):
    """A .NET export writes "no date" as 0001-01-01 in local time: before year 1 in UTC. It raised
    OverflowError, which stopped the ingest with a traceback and lost the batch read so far."""
    rows = [{"url": f"https://d.example.com/{n}", "text": f"{STORY} {n}."} for n in range(1, 5)]
    rows[1]["published_at"] = "0001-01-01T00:30:00+01:00"
    rows[2]["published_at"] = "9999-12-31T23:30:00-01:00"
    result = run_cli("ingest", str(write_jsonl(tmp_path / "dotnet.jsonl", rows)))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "dotnet.jsonl:2: invalid published_at" in result.stderr
    assert "dotnet.jsonl:3: invalid published_at" in result.stderr
    assert _count(tmp_db) == 2


def test_unix_time_in_seconds_or_milliseconds_is_read_as_the_publication_time(tmp_path, tmp_db, run_cli):
    """Many scrapers and exports write times as Unix seconds or milliseconds: every such row was
    skipped as "invalid published_at", one line each, and the file stored nothing."""
    at = datetime(2026, 12, 1, 8, 30, 15, tzinfo=timezone.utc)
    seconds = int(at.timestamp())
    jsonl = [
        {"url": "https://e.example.com/s", "text": STORY, "published_at": seconds},
        {"url": "https://e.example.com/ms", "text": STORY + " Ms.", "published_at": seconds * 1000 + 250},
        {"url": "https://e.example.com/f", "text": STORY + " F.", "published_at": seconds + 0.5},
        {"url": "https://e.example.com/bad", "text": STORY + " Bad.", "published_at": 12345},
    ]
    csv_path = tmp_path / "times.csv"
    csv_path.write_text(f'url,text,published_at\nhttps://e.example.com/csv,"{STORY} Csv.",{seconds}\n')
    result = run_cli("ingest", str(write_jsonl(tmp_path / "times.jsonl", jsonl)), str(csv_path))
    assert result.exit_code == EXIT_PARTIAL, result.output
    named = "times.jsonl:4: invalid published_at '12345' (want ISO 8601, or Unix time in seconds"
    assert named in result.stderr, result.stderr
    assert "4 new articles" in result.stdout, result.output
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        stored = dict(con.execute("SELECT url, published_at FROM articles").fetchall())
    naive = at.replace(tzinfo=None)
    assert stored == {
        "https://e.example.com/s": naive,
        "https://e.example.com/ms": naive + timedelta(milliseconds=250),
        "https://e.example.com/f": naive + timedelta(milliseconds=500),
        "https://e.example.com/csv": naive,
    }


def test_a_row_dated_years_ahead_is_not_placed_in_the_future_and_its_claim_is_kept(tmp_path, tmp_db, run_cli):
    """A crawled page's claim more than a day after first sight is ignored; an ingested row has no first
    sight, so a 2062 date (a typo) made it the latest article of all: an agency story so dated came out
    as the copy of its own copy. Now judged against the time of ingest, and kept in article_dates."""
    rows = [
        {"url": "https://future.example.com/a", "text": STORY, "published_at": "2062-12-01T08:00:00Z"},
        {
            "url": "https://future.example.com/b",
            "text": STORY + " B.",
            "published_at": "2026-12-01T08:00:00Z",
        },
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "future.jsonl", rows))).exit_code == 0
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        stored = con.execute("SELECT url, published_at FROM articles ORDER BY url").fetchall()
        claims = con.execute("SELECT value FROM article_dates WHERE source = 'input' ORDER BY 1").fetchall()
    assert stored == [
        ("https://future.example.com/a", None),
        ("https://future.example.com/b", datetime(2026, 12, 1, 8, 0)),
    ]
    assert claims == [(datetime(2026, 12, 1, 8, 0),), (datetime(2062, 12, 1, 8, 0),)]


def test_dates_that_stand_for_none_are_not_chosen_and_the_copies_keep_their_agency(tmp_path, tmp_db, run_cli):
    """.NET's 0001-01-01, Unix time 0 and Excel's 1899-12-30 were stored as publication times: the copies
    so dated came years before the agency story they copy, outside the link window, and came out as
    originals (hops 0, no agency), missing from uncredited_reuse. Their claims are kept, unchosen."""
    day = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    nothing = ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T21:00:00-03:00", "1899-12-30"]
    rows = [{"url": "https://tass.com/politics/1", "text": STORY, "published_at": day}] + [
        {"url": f"https://copies.example.com/{n}", "text": STORY, "published_at": value}
        for n, value in enumerate(nothing)
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "sentinels.jsonl", rows))).exit_code == 0
    assert run_cli("link").exit_code == 0
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        dated = con.execute("SELECT count(*) FROM articles WHERE published_at < '2000-01-01'").fetchone()
        claims = con.execute("SELECT count(*) FROM article_dates WHERE value < '2000-01-01'").fetchone()
        copies = con.execute(
            "SELECT origin_agency, hops, derivation FROM article_origins WHERE outlet <> 'TASS'"
        ).fetchall()
    assert dated == (0,), "no article is placed at a date that stands for none"
    assert claims == (len(nothing),), "the claims are kept, as every claim is"
    assert copies == [("TASS", 1, "wholly")] * len(nothing)


def test_a_parquet_file_with_one_damaged_row_group_keeps_every_other_group(tmp_path, tmp_db, run_cli):
    """Read in batches across row groups, the batch holding a damaged group failed and the rest of the
    file was never read: 100 of 200 good rows were stored, and the line said nothing of those lost."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"url": f"https://p.example.com/{n}", "text": f"{STORY} Number {n}."} for n in range(1, 251)]
    path = tmp_path / "groups.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=50)
    text_column = pq.ParquetFile(path).metadata.row_group(2).column(1)  # rows 101-150
    data = bytearray(path.read_bytes())
    data[text_column.data_page_offset + 20 : text_column.data_page_offset + 220] = b"\xff" * 200
    path.write_bytes(data)
    result = run_cli("ingest", str(path))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "groups.parquet:101: damaged Parquet data: rows 101-150 (row group 3) lost" in result.stderr
    assert _count(tmp_db) == 200


def test_a_parquet_value_python_cannot_hold_costs_its_row_not_its_row_group(tmp_path, tmp_db, run_cli):
    """One Latin-1 byte in a text, or a timestamp in the year 14645, made the whole row group (a
    million rows with pyarrow's default) "damaged Parquet data ... lost", counted as one skipped row;
    the same value in JSONL or CSV costs its line."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [f"{STORY} Number {n}.".encode() for n in range(300)]
    texts[150] = b"caf\xe9 " + texts[150]
    pq.write_table(
        pa.table(
            {
                "url": [f"https://p.example.com/{n}" for n in range(300)],
                "text": pa.array(texts, pa.binary()).view(pa.string()),
            }
        ),
        tmp_path / "latin1.parquet",
    )
    stamps = [1763632800000] * 300
    stamps[10] = 400_000_000_000_000  # the year 14645
    pq.write_table(
        pa.table(
            {
                "url": [f"https://q.example.com/{n}" for n in range(300)],
                "text": [f"{STORY} Item {n}." for n in range(300)],
                "published_at": pa.array(stamps, pa.timestamp("ms", tz="UTC")),
            }
        ),
        tmp_path / "future.parquet",
    )
    result = run_cli("ingest", str(tmp_path / "latin1.parquet"), str(tmp_path / "future.parquet"))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "latin1.parquet:151: 'text' is not UTF-8 text" in result.stderr
    assert "future.parquet:11: 'published_at' cannot be read" in result.stderr
    assert "lost" not in result.stderr and "2 skipped" in result.output, result.output
    assert _count(tmp_db) == 598


def test_a_file_cut_short_keeps_every_row_before_the_cut_and_the_next_file_is_read(tmp_path, tmp_db, run_cli):
    """A .jsonl.gz cut off mid-copy stopped the whole ingest: the rows of its last unfinished batch
    were lost, the files after it never read, and the run recorded no counts."""
    import gzip

    rows = [{"url": f"https://g.example.com/{n}", "text": f"{STORY} Number {n}."} for n in range(300)]
    whole = gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    after = write_jsonl(tmp_path / "after.jsonl", [{"url": "https://h.example.com/1", "text": STORY}])
    result = run_cli("ingest", str(cut), str(after))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert f"skipped {cut}: damaged compressed data after line" in result.stderr, result.stderr
    readable = int(result.stderr.split("after line ")[1].split()[0])
    assert 0 < readable < 300
    assert _count(tmp_db) == readable + 1, "every row before the cut, and the next file"
    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n")
    alone = run_cli("ingest", str(headless))  # nothing at all could be read: the ingest failed
    assert alone.exit_code == 1 and alone.stderr.strip().count("\n") == 0, alone.stderr
    assert "no 'url' column" in alone.stderr


def test_ingesting_the_same_file_twice_changes_nothing(tmp_path, tmp_db, run_cli):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"url": f"https://b.example.org/{i}", "text": f"{STORY} {i}"} for i in range(30)],
    )
    assert run_cli("ingest", str(path)).exit_code == 0
    second = run_cli("ingest", str(path))
    assert second.exit_code == 0 and "0 new articles" in second.stdout and "30 unchanged" in second.stdout
    assert _count(tmp_db, "SELECT count(*) FROM articles") == 30


def test_a_file_holding_several_texts_of_one_page_ingested_again_changes_nothing(tmp_path, tmp_db, run_cli):
    """A dump with two snapshots of a page (A, then B edited), as CSV and as JSONL from another folder:
    each ingest again added both as versions (A differs from the latest, B; then B from A), so a
    rerun after a kill, or a nightly ingest of a growing dump, made versions without end."""
    url = "https://b.example.org/riga"
    rows = [{"url": url, "text": STORY}, {"url": url, "text": f"RIGA - {STORY}"}]
    dump = write_jsonl(tmp_path / "dump.jsonl", rows)
    assert run_cli("ingest", str(dump)).exit_code == 0
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "dump.jsonl").write_bytes(dump.read_bytes())
    for again in (dump, moved / "dump.jsonl", dump):
        second = run_cli("ingest", str(again))
        assert second.exit_code == 0 and "0 new versions, 2 unchanged" in second.stdout, second.stdout
    sheet = tmp_path / "dump.csv"
    pd.DataFrame(rows).to_csv(sheet, index=False)
    for run in range(2):
        result = run_cli("ingest", str(sheet))
        assert result.exit_code == 0
        assert f"{2 - 2 * run} new versions" in result.stdout, (run, result.stdout)
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        versions = con.execute("SELECT version, text FROM articles ORDER BY version").fetchall()
    assert [text for _, text in versions] == [STORY, f"RIGA - {STORY}"] * 2, (
        "the CSV is another file: its A after B is the page gone back, once"
    )


def test_dumps_read_again_from_dated_folders_grown_at_the_top_or_compressed_change_nothing(
    tmp_path, tmp_db, run_cli
):
    """Each ingested again: export.jsonl in two dated folders (A, then B), a dump whose newest rows
    come first (row numbers shift every night), one holding A twice before B, and the same file
    gzipped since. Every one of them made new versions on each run (of the first two, without end)."""
    url = "https://b.example.org/riga"
    a, b = {"url": url, "text": STORY}, {"url": url, "text": f"RIGA - {STORY}"}
    for day, row in (("d1", a), ("d2", b)):
        (tmp_path / day).mkdir()
        write_jsonl(tmp_path / day / "export.jsonl", [row])
    days = [str(tmp_path / day / "export.jsonl") for day in ("d1", "d2")]
    assert run_cli("ingest", *days).exit_code == 0
    for _ in range(2):
        again = run_cli("ingest", *days)
        assert "0 new versions, 2 unchanged" in again.stdout, again.stdout
    other = "https://b.example.org/minsk"
    nightly = tmp_path / "nightly.jsonl"
    for night in range(3):
        newest = [
            {"url": f"https://b.example.org/{night}-{n}", "text": f"{STORY} {night} {n}"} for n in range(3)
        ]
        earlier = [] if night == 0 else [json.loads(line) for line in nightly.read_text().splitlines()]
        write_jsonl(
            nightly,
            newest + (earlier or [{"url": other, "text": STORY}, {"url": other, "text": "RIGA - " + STORY}]),
        )
        grown = run_cli("ingest", str(nightly))
        versions = "1 new version," if night == 0 else "0 new versions"
        assert grown.exit_code == 0 and versions in grown.stdout, grown.stdout
    twice = write_jsonl(tmp_path / "twice.jsonl", [{**a, "url": url + "/2"}] * 2 + [{**b, "url": url + "/2"}])
    for run in range(2):
        result = run_cli("ingest", str(twice))
        assert ("1 new version," if run == 0 else "0 new versions") in result.stdout, (run, result.stdout)
    packed = tmp_path / "twice.jsonl.gz"
    packed.write_bytes(gzip.compress(twice.read_bytes()))
    assert "0 new versions, 3 unchanged" in run_cli("ingest", str(packed)).stdout
    named_twice = run_cli("ingest", str(twice), str(twice))  # read once: its rows are not new again
    assert "0 new versions, 3 unchanged" in named_twice.stdout, named_twice.stdout
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        versions = dict(con.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall())
    assert (versions[url], versions[other], versions[url + "/2"]) == (2, 2, 2)


def test_a_page_going_back_inside_one_file_is_a_version_of_its_own_once_however_the_file_is_read(
    tmp_path, tmp_db, run_cli
):
    """A dump holding A, B, then A again of one page: three versions, the latest A. Read again, it
    changes nothing; cut after B (a kill) and read whole afterwards, it adds only the last A; gzipped
    as .GZ, it is the same file."""
    url = "https://b.example.org/riga"
    a, b = {"url": url, "text": STORY}, {"url": url, "text": f"RIGA - {STORY}"}
    whole = write_jsonl(tmp_path / "dump.jsonl", [a, b, a])
    cut = tmp_path / "cut"
    cut.mkdir()
    write_jsonl(cut / "dump.jsonl", [a, b])
    packed = tmp_path / "dump.jsonl.GZ"
    packed.write_bytes(gzip.compress(whole.read_bytes()))
    expected = ["1 new article, 2 new versions", "0 new articles, 0 new versions, 3 unchanged"]
    for path, said in zip((whole, whole, packed), [*expected, expected[1]]):
        result = run_cli("ingest", str(path))
        assert said in result.stdout, (path, result.stdout)
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        versions = con.execute("SELECT text FROM articles ORDER BY version").fetchall()
    assert [text for (text,) in versions] == [STORY, f"RIGA - {STORY}", STORY], "the latest is the last row"
    other = url.replace("riga", "minsk")
    for path, rows in ((cut / "dump.jsonl", [a, b]), (whole, [a, b, a])):
        write_jsonl(path, [{**row, "url": other} for row in rows])
        run_cli("ingest", str(path))
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        versions = con.execute("SELECT text FROM articles WHERE url = ? ORDER BY version", [other]).fetchall()
    assert [text for (text,) in versions] == [STORY, f"RIGA - {STORY}", STORY], "read whole after the cut"


def test_a_file_read_again_after_other_files_changed_the_page_adds_nothing_and_keeps_its_order(
    tmp_path, tmp_db, run_cli
):
    """Three arrangements a second review found: F (X) grown to X, Z, X after other.jsonl made X the
    latest again kept Z as the latest; a dump (B) grown at both ends to A, B, A, C added A once more on
    every later read; dated exports (A; B; A) ingested one by one, then together, added a version."""

    def texts(url):
        with duckdb.connect(str(tmp_db), read_only=True) as con:
            rows = con.execute("SELECT text FROM articles WHERE url = ? ORDER BY version", [url]).fetchall()
        return [text for (text,) in rows]

    def ingest(path, url, *texts_of_rows):
        write_jsonl(path, [{"url": url, "text": f"{text} {STORY}"} for text in texts_of_rows])
        return run_cli("ingest", str(path)).stdout

    u = "https://b.example.org/1"
    ingest(tmp_path / "F.jsonl", u, "X")
    ingest(tmp_path / "other.jsonl", u, "Y", "X")
    ingest(tmp_path / "F.jsonl", u, "X", "Z", "X")
    assert texts(u)[-1] == f"X {STORY}", "the file ends with X"
    u = "https://b.example.org/2"
    ingest(tmp_path / "dump.jsonl", u, "B")
    ingest(tmp_path / "dump.jsonl", u, "A", "B", "A", "C")
    assert "0 new versions" in run_cli("ingest", str(tmp_path / "dump.jsonl")).stdout
    assert texts(u)[-1] == f"C {STORY}"
    u = "https://b.example.org/3"
    days = []
    for day, text in (("05", "A"), ("06", "B"), ("07", "A")):
        (tmp_path / day).mkdir()
        days.append(tmp_path / day / "export.jsonl")
        ingest(days[-1], u, text)
    together = run_cli("ingest", *map(str, days))
    assert "0 new versions, 3 unchanged" in together.stdout, together.stdout


def test_a_page_whose_text_goes_back_to_an_earlier_one_is_a_new_version(tmp_path, tmp_db, run_cli):
    """Daily exports of a page: A, then B (edited), then A again (the edit undone). The latest
    version must be A: nothing but a WARC record tells a row read again from a page gone back."""
    url = "https://b.example.org/riga"
    for day, text in enumerate((STORY, f"RIGA - {STORY}", STORY)):
        assert (
            run_cli(
                "ingest", str(write_jsonl(tmp_path / f"{day}.jsonl", [{"url": url, "text": text}]))
            ).exit_code
            == 0
        )
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        latest = con.execute("SELECT version, text FROM articles ORDER BY version DESC LIMIT 1").fetchone()
    assert latest == (3, STORY)


def test_a_new_version_keeps_the_articles_date(tmp_path, tmp_db, run_cli):
    """A later row of a page with a changed text and no date stored a version without a publication
    time: `link` placed it when it was ingested, days after the story it is, a copy of its own copies."""
    url = "https://b.example.org/riga"
    dated = {"url": url, "text": STORY, "published_at": "2026-11-17T08:00:00Z"}
    assert run_cli("ingest", str(write_jsonl(tmp_path / "1.jsonl", [dated]))).exit_code == 0
    later = write_jsonl(tmp_path / "2.jsonl", [{"url": url, "text": f"RIGA - {STORY}"}])
    assert "1 new version," in run_cli("ingest", str(later)).stdout
    versions = """SELECT a.version, a.published_at, d.value FROM articles a LEFT JOIN article_dates d
                   ON d.article_id = a.article_id AND d.source = 'input' ORDER BY 1"""
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        stored = con.execute(versions).fetchall()
    when = datetime(2026, 11, 17, 8, 0)
    assert stored == [(1, when, when), (2, when, when)]


def test_a_csv_separated_by_semicolons_or_tabs_with_a_capitalised_header_is_read(tmp_path, tmp_db, run_cli):
    """Excel writes semicolons where the comma is the decimal mark, and headers as typed: such a file
    said "no 'url' column (have: url;text)"; a header naming url twice read the last one quietly."""
    (tmp_path / "semi.csv").write_text(f"URL;Text\nhttps://c.example.com/1;{STORY}\n")
    (tmp_path / "tabs.csv").write_text(f" Url \ttext\nhttps://c.example.com/2\t{STORY} Two.\n")
    assert run_cli("ingest", str(tmp_path / "semi.csv"), str(tmp_path / "tabs.csv")).exit_code == 0
    assert _count(tmp_db) == 2
    (tmp_path / "twice.csv").write_text(
        f"url,text,url\nhttps://c.example.com/3,{STORY},https://other.com/x\n"
    )
    result = run_cli("ingest", str(tmp_path / "twice.csv"))
    assert result.exit_code == 1 and "the header names 'url' twice" in result.stderr, result.output
    assert _count(tmp_db) == 2


def test_csv_and_parquet_rows_resolve_outlets_by_alias_and_domain(tmp_path, tmp_db, run_cli):
    csv_path = tmp_path / "rows.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "outlet", "text", "extra_column"])
        writer.writerow(["https://www.tass.com/world/1", "", STORY, "ignored"])
        writer.writerow(["https://example.net/2", "ИТАР-ТАСС", STORY + " Alias.", "ignored"])
        writer.writerow(["https://tass.com/world/4", "TASS English", STORY + " Other name.", "ignored"])
        writer.writerow(["https://example.net/5", "Net Daily", STORY + " New outlet.", "ignored"])
        writer.writerow(["https://www.eurasiantimes.com/6", "EurAsian Times", STORY + " Short name.", "x"])
        writer.writerow(["https://tass.com/world/7", "Weather Desk", STORY + " Other outlet.", "ignored"])
        writer.writerow(["https://example.net/3", "only", "two"])  # wrong field count
    parquet_path = tmp_path / "rows.parquet"
    pd.DataFrame(
        {"url": ["https://news.example.co.uk/p"], "text": [STORY + " Parquet."], "outlet": [None]}
    ).to_parquet(parquet_path)
    result = run_cli("ingest", str(csv_path), str(parquet_path))
    assert "rows.csv:8: 3 fields, header has 4" in result.stderr
    with Database(tmp_db).reader() as con:
        outlets = dict(con.execute("SELECT article_url, outlet FROM article_origins").fetchall())
        status = con.execute(
            "SELECT credit_status FROM article_origins WHERE article_url = 'https://tass.com/world/4'"
        ).fetchall()
    assert outlets == {
        "https://www.tass.com/world/1": "TASS",  # by the agency's registered domain
        "https://example.net/2": "TASS",  # by an alias in another script
        "https://tass.com/world/4": "TASS",  # a name no registry knows, on TASS's own domain
        "https://example.net/5": "Net Daily",  # a new name on a domain no registry knows: a new outlet
        "https://www.eurasiantimes.com/6": "The EurAsian Times",  # the registered name holds the given one
        "https://tass.com/world/7": "Weather Desk",  # no name in common with TASS: an outlet of its own
        "https://news.example.co.uk/p": "example.co.uk",  # unknown: a new outlet named by its domain
    }
    assert status == [("self",)], "TASS's own story under another name is still TASS's own"


@pytest.mark.parametrize("named_first", [True, False], ids=["named-channel-first", "copy-first"])
def test_a_row_without_an_outlet_on_a_shared_domain_is_not_filed_under_another_sites_name(
    tmp_path, tmp_db, run_cli, named_first
):
    """Many channels share t.me, many blogs blogspot.com. A row naming its outlet ("Channel One") must
    not make that outlet the owner of the whole domain: a nameless copy from another channel was filed
    under "Channel One" and passed for its own story run again (`self`), out of the laundering query."""
    named = write_jsonl(
        tmp_path / "named.jsonl",
        [
            {
                "url": "https://t.me/channel_one/101",
                "outlet": "Channel One",
                "text": STORY,
                "published_at": "2026-11-16T08:00:00Z",
            }
        ],
    )
    copy = write_jsonl(
        tmp_path / "copy.jsonl",
        [{"url": "https://t.me/other_channel/7", "text": STORY, "published_at": "2026-11-16T10:00:00Z"}],
    )
    for path in (named, copy) if named_first else (copy, named):
        assert run_cli("ingest", str(path)).exit_code == 0
    assert run_cli("link").exit_code == 0
    with Database(tmp_db).reader() as con:
        rows = con.execute(
            "SELECT article_url, outlet, credit_status FROM article_origins ORDER BY 1"
        ).fetchall()
    assert rows == [
        ("https://t.me/channel_one/101", "Channel One", None),
        ("https://t.me/other_channel/7", "t.me", "uncredited"),
    ]


def test_json_that_is_not_one_object_per_line_is_named_for_what_it_is(tmp_path, tmp_db, run_cli):
    """Lines ended by a lone CR, objects one after another, a line cut short and a pretty-printed
    object read as "Extra data column 133", "Expecting ',' delimiter column 1" or a skip per line."""
    rows = [{"url": f"https://s.example.com/{n}", "text": f"{STORY} {n}."} for n in range(3)]
    (tmp_path / "cr.jsonl").write_bytes(b"\r".join(json.dumps(r).encode() for r in rows) + b"\r")
    (tmp_path / "glued.jsonl").write_text(json.dumps(rows[0]) + json.dumps(rows[1]) + "\n")
    (tmp_path / "cut.jsonl").write_text(json.dumps(rows[2])[:-1] + "\n")
    result = run_cli("ingest", *(str(tmp_path / f) for f in ("cr.jsonl", "glued.jsonl", "cut.jsonl")))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert (
        "cr.jsonl:1: not valid JSON: more than one JSON value on the line: its lines end with a lone CR"
        in result.stderr
    )
    assert (
        "glued.jsonl:1: not valid JSON: more than one JSON value on the line (the second at column"
        in result.stderr
    )
    assert "cut.jsonl:1: not valid JSON: the line ends before its JSON does" in result.stderr
    (tmp_path / "pretty.json").write_text(json.dumps(rows[0], indent=1) + "\n")
    result = run_cli("ingest", str(tmp_path / "pretty.json"))
    assert result.exit_code == 1 and "a JSON object spread over several lines" in result.stderr, result.output
    assert result.stderr.count("\n") == 1, "one line for the file, not one per line of it"


def test_a_blank_html_column_leaves_the_row_to_its_text(tmp_path, tmp_db, run_cli):
    """An empty html column fell back to the text, but one holding only white space (an export's
    "   \n") made the whole row "not parseable as HTML": skipped, its text lost, exit 3."""
    rows = [
        {"url": "https://blank.example.com/1", "html": "", "text": STORY},
        {"url": "https://blank.example.com/2", "html": "   \n", "text": STORY + " Two."},
    ]
    result = run_cli("ingest", str(write_jsonl(tmp_path / "blank.jsonl", rows)))
    assert result.exit_code == 0, result.stderr
    assert _count(tmp_db) == 2


def test_html_rows_go_through_trafilatura_and_win_over_text(tmp_path, tmp_db, run_cli):
    html = (
        "<html lang='en'><head><title>S-400 in Belarus</title>"
        "<script type='application/ld+json'>"
        '{"@type":"NewsArticle","datePublished":"2026-11-16T09:00:00+03:00"}'
        "</script></head><body><nav>Home | World | Reuters feed</nav><article><h1>S-400 in Belarus</h1>"
        + "".join(f"<p>{STORY} Paragraph {i} adds more detail about the deployment.</p>" for i in range(6))
        + "<p>Via: Sputnik News Agency</p></article><footer>© 2026 Outlet</footer></body></html>"
    )
    path = write_jsonl(
        tmp_path / "h.jsonl", [{"url": "https://eurasiantimes.com/s400", "html": html, "text": "ignored"}]
    )
    assert run_cli("ingest", str(path)).exit_code == 0
    with Database(tmp_db).reader() as con:
        text, published, language = con.execute(
            "SELECT text, published_at, language FROM articles"
        ).fetchall()[0]
        origin = con.execute("SELECT origin_agency, evidence FROM article_origins").fetchall()[0]
    assert "Paragraph 5 adds more detail" in text and "ignored" not in text
    assert published.isoformat() == "2026-11-16T06:00:00"
    assert language == "en"
    assert origin == ("Sputnik", "credit")


def test_html_saved_as_a_menu_or_paywall_stub_leaves_the_row_to_its_full_text(tmp_path, tmp_db, run_cli):
    """trafilatura read "Home" or "Subscribe to read" from such html, and that was stored as the
    article: the row's full text and its TASS credit were lost, exit 0."""
    full = "MOSCOW, November 16. /TASS/. " + STORY
    rows = [
        {
            "url": "https://stub.example.com/1",
            "html": "<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "text": full,
        },
        {
            "url": "https://stub.example.com/2",
            "html": "<html><body><div class='paywall'>Subscribe to read</div></body></html>",
            "text": full + " Two.",
        },
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "stubs.jsonl", rows))).exit_code == 0
    with Database(tmp_db).reader() as con:
        stored = con.execute("SELECT text FROM articles ORDER BY url").fetchall()
        origins = con.execute("SELECT origin_agency FROM article_origins").fetchall()
    assert [text.startswith("MOSCOW, November 16. /TASS/.") for (text,) in stored] == [True, True], stored
    assert origins == [("TASS",), ("TASS",)]


def test_the_pages_own_date_is_the_first_json_ld_date_in_document_order():
    """A WordPress @graph holds the article (its own datePublished) before the WebPage (another one, the
    time the page object was made): the last one was taken, 9 hours early on a shared page."""
    from pipelines.clean import metadata_dates
    from pipelines.page_regions import parse_html

    graph = {
        "@graph": [
            {"@type": "NewsArticle", "datePublished": "2025-01-28T11:30:00+00:00"},
            {"@type": "WebPage", "datePublished": "2025-01-28T02:39:19+00:00"},
        ]
    }
    listed = [graph["@graph"][0], graph["@graph"][1]]
    for data in (graph, listed):
        page = f"<html><head><script type='application/ld+json'>{json.dumps(data)}</script></head></html>"
        (claim,) = metadata_dates(parse_html(page))
        assert claim.value.isoformat() == "2025-01-28T11:30:00+00:00", data


def test_pages_without_article_text_are_counted_and_only_a_majority_makes_the_ingest_partial(
    tmp_path, tmp_db, run_cli
):
    gallery = '<html><head><title>Photos</title></head><body><div><img src="1.jpg"></div></body></html>'
    article = {"url": "https://c.example.net/story", "text": STORY}
    few = write_jsonl(
        tmp_path / "few.jsonl", [article, {"url": "https://c.example.net/photos/1", "html": gallery}]
    )
    many = write_jsonl(
        tmp_path / "many.jsonl",
        [{"url": "https://d.example.net/a", "text": STORY + " D."}]
        + [{"url": f"https://d.example.net/photos/{i}", "html": gallery} for i in range(5)]
        + [{"url": "https://d.example.net/blank", "text": "   "}],
    )
    result = run_cli("ingest", str(few))
    assert result.exit_code == 0, result.output
    assert "1 without article text, 0 skipped" in result.stdout
    assert "no article text: " in result.stderr and "few.jsonl:2" in result.stderr
    half = write_jsonl(  # a nightly file of 10 pages, 5 of them galleries: half is no majority
        tmp_path / "half.jsonl",
        [{"url": f"https://h.example.net/{i}", "text": f"{STORY} H{i}."} for i in range(5)]
        + [{"url": f"https://h.example.net/photos/{i}", "html": gallery} for i in range(5)],
    )
    result = run_cli("ingest", str(half))
    assert result.exit_code == 0 and "5 without article text, 0 skipped" in result.stdout, result.output
    result = run_cli("ingest", str(many))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "many.jsonl:7: neither text nor html given" in result.stderr, "white space only is a bad row"
    assert "5 without article text, 1 skipped" in result.stdout
    why = "5 of 7 pages had no article text"
    assert f"ingest: partial - 1 row or page skipped (named above); {why}" in result.stderr
    with Database(tmp_db).reader() as con:
        runs = con.execute("SELECT status, message FROM runs ORDER BY run_id").fetchall()
    assert runs[:2] == [("ok", None)] * 2 and runs[2][0] == "partial" and why in runs[2][1], runs


def test_unknown_format_and_missing_file_are_one_line_errors(tmp_path, run_cli):
    odd = tmp_path / "data.xlsx"
    odd.write_text("x")
    result = run_cli("ingest", str(odd))
    assert result.exit_code == 1 and "unknown input format" in result.stderr
    missing = run_cli("ingest", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr  # a usage error, as click's
    (tmp_path / "exports.jsonl").mkdir()  # a folder named like a file: not "no such file"
    folder = run_cli("ingest", str(tmp_path / "exports.jsonl"))
    assert folder.exit_code == 2 and folder.stderr.strip() == (
        f"Error: {tmp_path / 'exports.jsonl'}: is a folder; name the files in it "
        f"({tmp_path / 'exports.jsonl'}/*.jsonl, ...)"
    )


def test_meter_dev_split_stores_850_articles(tmp_db, run_cli):
    meter = need_corpora("meter", "meter-dev.jsonl")
    first = run_cli("ingest", str(meter))
    assert first.exit_code == 0, first.output
    assert _count(tmp_db) == 850
    second = run_cli("ingest", str(meter))
    assert "850 unchanged" in second.stdout and _count(tmp_db) == 850


def test_a_number_of_cleaning_processes_below_one_is_a_usage_error(tmp_path, run_cli):
    """--jobs 0 and --jobs -1 were taken quietly (and cleaned in one process)."""
    path = write_jsonl(tmp_path / "a.jsonl", [{"url": "https://j.example.com/1", "text": STORY}])
    for jobs in ("0", "-1"):
        result = run_cli("ingest", "--jobs", jobs, str(path))
        assert result.exit_code == 2 and "not in the range x>=1" in result.output, result.output
