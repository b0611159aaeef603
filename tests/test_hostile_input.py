"""Hostile files: nothing escapes the ingest readers but a named bad row or one clear IngestError."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import ingest
from pipelines.ingest import BadRow, IngestError, read_rows, row_to_page

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _drain(path: Path) -> list:
    try:
        return list(read_rows(path))
    except IngestError:
        return []


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_as_jsonl_or_csv_never_raise(tmp_path, blob):
    for name in ("f.jsonl", "f.csv"):
        path = tmp_path / name
        path.write_bytes(blob)
        for _number, row in _drain(path):
            if not isinstance(row, BadRow):
                try:
                    row_to_page(row)
                except ValueError:
                    pass


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["url", "text", "html", "published_at", "outlet", "title", "language", "x"]),
        json_values,
        max_size=8,
    )
)
def test_any_json_object_becomes_a_page_or_a_reason(row):
    try:
        page = row_to_page(row)
    except ValueError as exc:
        assert str(exc), "the reason must say something"
        return
    assert page.url and (page.text or page.html)


def test_a_csv_with_ten_million_columns_is_refused_in_one_line(tmp_path):
    path = tmp_path / "wide.csv"
    with open(path, "w") as handle:
        handle.write("url," + "c," * 10_000_000 + "\n")
    with pytest.raises(IngestError, match="more than 1000 columns"):
        list(read_rows(path))


def test_an_oversized_jsonl_line_is_skipped_without_being_held(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "big.jsonl"
    with open(path, "w") as handle:
        handle.write(json.dumps({"url": "https://a.example/1", "text": "x" * 5000}) + "\n")
        handle.write(json.dumps({"url": "https://a.example/2", "text": "fine"}) + "\n")
    rows = list(read_rows(path))
    assert isinstance(rows[0][1], BadRow) and "longer than" in rows[0][1].reason
    assert rows[1] == (2, {"url": "https://a.example/2", "text": "fine"})


def test_a_truncated_parquet_file_is_one_clear_error(tmp_path):
    import pandas as pd

    path = tmp_path / "cut.parquet"
    pd.DataFrame({"url": ["https://a.example/1"] * 100, "text": ["t"] * 100}).to_parquet(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(IngestError, match="not a readable Parquet file"):
        list(read_rows(path))


def test_gzipped_jsonl_is_read_and_a_corrupt_gzip_is_named(tmp_path):
    import gzip

    good = tmp_path / "rows.jsonl.gz"
    with gzip.open(good, "wt") as handle:
        handle.write(json.dumps({"url": "https://a.example/1", "text": "t"}) + "\n")
    assert [row for _, row in read_rows(good)] == [{"url": "https://a.example/1", "text": "t"}]
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(IngestError, match="damaged compressed data after line 0"):
        list(read_rows(bad))


def test_a_json_array_or_utf16_file_given_as_json_lines_is_one_clear_error(tmp_path, run_cli):
    """A pretty-printed JSON array of 16 lines gave 17 "not valid JSON" rows; a UTF-16 file of one
    row gave 2 skipped rows, one of them half a line ending."""
    rows = [{"url": "https://a.example/1", "text": "Alpha beta gamma delta epsilon."}]
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(rows, indent=2))
    utf16 = tmp_path / "wide.jsonl"
    utf16.write_text(json.dumps(rows[0]) + "\n", encoding="utf-16")
    no_mark = tmp_path / "excel.csv"  # Excel's "Unicode Text": UTF-16 little-endian, no byte-order mark
    no_mark.write_bytes(("url\ttext\n" + "https://a.example/2\tAlpha beta.\n").encode("utf-16-le"))
    for path, reason in (
        (pretty, "a JSON array, not JSON Lines"),
        (utf16, "UTF-16 text; JSON Lines are UTF-8"),
        (no_mark, "UTF-16LE text; a CSV file is read as UTF-8 (iconv -f UTF-16LE -t UTF-8 converts it)"),
    ):
        result = run_cli("ingest", str(path))
        assert result.exit_code == 1 and result.stderr.strip().count("\n") == 0, result.stderr
        assert f"{path}: {reason}" in result.stderr
    one_line = tmp_path / "compact.json"  # jq -c . writes the array on one line
    one_line.write_text(json.dumps(rows) + "\n")
    hint = "a JSON array, not an object: JSON Lines hold one object per line"
    assert hint in run_cli("ingest", str(one_line)).stderr


def test_a_file_of_another_kind_under_a_text_files_name_is_named_in_one_line(tmp_path, run_cli):
    """A Parquet file named .jsonl gave a "not valid JSON" row per line of its bytes; a DuckDB file was
    "UTF-16BE text", with an iconv line to convert it; an image was to be converted from Windows-1252."""
    import pandas as pd

    rows = pd.DataFrame({"url": ["https://a.example/1"], "text": ["Alpha beta gamma delta epsilon."]})
    parquet = tmp_path / "rows.parquet"
    rows.to_parquet(parquet)
    database = tmp_path / "other.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS n FROM range(5000)")
    cases = {
        "export.jsonl": (parquet.read_bytes(), "a Parquet file, not text: name it .parquet"),
        "export.csv.gz": (gzip.compress(parquet.read_bytes()), "a Parquet file, not text"),
        "rows.csv": (database.read_bytes(), "a DuckDB database, not rows to ingest"),
        "sheet.csv": (b"PK\x03\x04" + bytes(200), "a ZIP archive or an Excel workbook, not text"),
        "photo.jsonl": (bytes(range(256)) * 40, "binary data, not text"),
        # zero bytes on both sides of each pair: binary, where it was "UTF-16LE text"
        "counts.jsonl": ((1234).to_bytes(4, "little") * 500, "binary data, not text"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run_cli("ingest", str(path))
        assert result.exit_code == 1 and result.stderr.strip().count("\n") == 0, result.stderr
        assert f"{path}: {reason}" in result.stderr, result.stderr
    # text with a damaged row or two is still text: those rows are skipped, the others stored
    damaged = tmp_path / "damaged.jsonl"
    good = [json.dumps({"url": f"https://a.example/{n}", "text": f"Alpha beta gamma {n}."}) for n in range(4)]
    damaged.write_bytes("\n".join(good).encode() + b"\n\x00\x01\x02garbage\x03\n")
    result = run_cli("ingest", str(damaged))
    assert result.exit_code == 3 and "4 new articles" in result.stdout, result.output


def test_a_gzipped_file_without_gz_in_its_name_is_read(tmp_path, run_cli):
    """A .jsonl a download left compressed read as "not UTF-8 text" on every line."""
    rows = [
        {"url": f"https://a.example/{n}", "text": f"Alpha beta gamma delta epsilon {n}."} for n in range(3)
    ]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    result = run_cli("ingest", str(path))
    assert result.exit_code == 0 and "3 new articles" in result.output, result.output


def test_json_nested_too_deep_is_a_named_bad_row_and_the_next_row_is_read(tmp_path):
    """json.loads raises RecursionError, not ValueError, past about 1,000 levels: the ingest used to
    end in a traceback there and store nothing after it."""
    path = tmp_path / "deep.jsonl"
    good = {"url": "https://a.example/1", "text": "t"}
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps(good) + "\n")
    rows = [row for _, row in read_rows(path)]
    assert isinstance(rows[0], BadRow) and "nested too deep" in rows[0].reason and rows[0].line == 1
    assert rows[1] == good


def test_a_json_feed_nested_too_deep_is_a_feed_error():
    from crawlers.feeds import FeedError, parse_feed

    body = b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(FeedError, match="nested deeper"):
        parse_feed(body, "https://a.example/feed.json")


def test_a_lone_surrogate_escape_or_a_wrongly_typed_field_costs_at_most_its_row(tmp_path, run_cli, tmp_db):
    """JSON's "\\ud800" escape made a string no UTF-8 database stores: the batch holding it failed, on
    every rerun. A list or an object where text belongs was stored as its Python repr. And a
    byte-order mark before the first row lost that row."""
    story = "Harbour 7 moved 287 containers; firm 91 ordered 9 cranes in the port of Riga on Monday."
    lines = [
        '\ufeff{"url": "https://a.example/1", "text": "STORY"}',
        '{"url": "https://a.example/2", "title": "Port \\ud800 record", "outlet": "A \\udfff",'
        ' "text": "STORY"}',
        '{"url": "https://a.example/3", "text": "STORY \\ud800"}',
        '{"url": "https://a.example/4", "text": ["a", "b"]}',
        '{"url": "https://a.example/5", "text": "STORY", "title": {"x": 1}}',
        '{"url": 123, "text": "STORY"}',
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines).replace("STORY", story) + "\n", encoding="utf-8")
    result = run_cli("ingest", str(path))
    assert result.exit_code == 3, result.stderr
    assert "rows.jsonl:4: text is not text but a list" in result.stderr
    assert "rows.jsonl:5: title is not text but an object" in result.stderr
    assert "rows.jsonl:6: url is not text but a number" in result.stderr
    again = run_cli("ingest", str(path))
    assert again.exit_code == 3 and "0 new articles" in again.stderr + again.stdout
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        stored = dict(con.execute("SELECT url, title FROM articles").fetchall())
    assert sorted(stored) == [f"https://a.example/{n}" for n in (1, 2, 3)]
    assert stored["https://a.example/2"] == "Port \ufffd record"


def test_a_database_file_damaged_past_its_header_is_one_line_for_every_command(tmp_path, run_cli, tmp_db):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"url": "https://a.example/1", "text": "Alpha beta gamma delta epsilon zeta."}\n')
    assert run_cli("ingest", str(rows)).exit_code == 0
    size = tmp_db.stat().st_size
    with open(tmp_db, "r+b") as handle:
        handle.truncate(size // 2)
    for command in (["runs"], ["link"], ["explain", "https://a.example/1"], ["ingest", str(rows)]):
        result = run_cli(*command)
        assert result.exit_code == 1, (command, result.stderr)
        assert result.stderr.strip().splitlines() == [result.stderr.strip()], (command, result.stderr)
        assert "is damaged" in result.stderr and "restore a copy" in result.stderr, (command, result.stderr)


def test_a_file_duckdb_cannot_write_is_named_without_blaming_the_database(tmp_path, run_cli):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"url": "https://a.example/1", "text": "Alpha beta gamma delta epsilon zeta."}\n')
    assert run_cli("ingest", str(rows)).exit_code == 0
    (tmp_path / "out" / "article_origins.parquet").mkdir(parents=True)  # in the way of the export
    result = run_cli("export", str(tmp_path / "out"))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "damaged" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_data_file_given_as_the_database_is_refused_and_left_as_it_was(tmp_path, run_cli, suffix):
    """DuckDB 2 opens a CSV, Parquet or JSON file as an in-memory database reading it: `migrate`
    "applied" its migrations to memory and exited 0, and `ingest` ended in a traceback."""
    import pandas as pd

    data = tmp_path / f"rows{suffix}"
    frame = pd.DataFrame({"url": ["https://a.example/1"], "text": ["Alpha beta gamma delta epsilon."]})
    if suffix == ".csv":
        frame.to_csv(data, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(data)
    else:
        frame.to_json(data, orient="records", lines=True)
    before = data.read_bytes()
    rows = tmp_path / "more.jsonl"
    rows.write_text('{"url": "https://a.example/2", "text": "Alpha beta gamma delta epsilon."}\n')
    _each_refused_in_one_line(
        run_cli,
        data,
        (["migrate"], ["ingest", str(rows)], ["query", "select 1"], ["runs"]),
        f"Error: {data} is a data file, not a DuckDB database: name a database with --db "
        "(such as provenance.duckdb) and give data files to `provtrack ingest`",
    )
    assert data.read_bytes() == before


def _each_refused_in_one_line(run_cli, db: Path, commands, line: str) -> None:
    """Each command run on `db` exits 1 with `line` as all it writes on stderr."""
    for command in commands:
        result = run_cli(*command, db=db)
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.strip() == line, (command, result.stderr)


def test_a_duckdb_file_provtrack_did_not_make_is_refused_in_one_line_and_left_as_it_was(tmp_path, run_cli):
    """An empty DuckDB file (a notebook's `duckdb.connect(path)` before the first crawl) made `runs`,
    `explain`, `export` and `report` end in tracebacks; another tool's database had provtrack's tables
    added beside its own by `ingest` and `link`. An empty file is still one `migrate` makes a database."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"url": "https://a.example/1", "text": "Alpha beta gamma delta epsilon zeta."}\n')
    empty, theirs = tmp_path / "empty.duckdb", tmp_path / "theirs.duckdb"
    duckdb.connect(str(empty)).close()
    with duckdb.connect(str(theirs)) as con:
        con.execute("CREATE TABLE survey AS SELECT 42 AS answer")
    reading = (["runs"], ["explain", "https://a.example/1"], ["export", str(tmp_path / "out")],
               ["report", "--out", str(tmp_path / "r.html")], ["query", "credit_honesty"])  # fmt: skip
    _each_refused_in_one_line(
        run_cli,
        empty,
        reading,
        f"Error: {empty} is a DuckDB file without provtrack's tables: name the database with --db "
        "(or PROVTRACK_DB), or make this one with `provtrack migrate`",
    )
    _each_refused_in_one_line(
        run_cli,
        theirs,
        (["ingest", str(rows)], ["link"], ["migrate"], ["runs"]),
        f"Error: {theirs} is a DuckDB database provtrack did not make (it holds survey): name "
        "provtrack's database with --db (or PROVTRACK_DB), or a new file for a new one",
    )
    with duckdb.connect(str(theirs), read_only=True) as con:
        assert con.execute("SELECT table_name FROM information_schema.tables").fetchall() == [("survey",)]
    assert run_cli("migrate", db=empty).exit_code == 0
    assert run_cli("ingest", str(rows), db=empty).exit_code == 0
    assert "ok" in run_cli("runs", db=empty).stdout


def test_a_sqlite_file_given_as_the_database_is_refused_and_left_as_it_was(tmp_path, run_cli):
    """DuckDB opens a SQLite file through an extension it downloads: offline, `migrate` failed with
    "Failed to download extension sqlite_scanner"; online it would have written provtrack's tables into it."""
    import sqlite3

    path = tmp_path / "notes.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE notes (t TEXT)")
        con.commit()
    before = path.read_bytes()
    _each_refused_in_one_line(
        run_cli,
        path,
        (["migrate"], ["runs"], ["query", "select 1"]),
        f"Error: {path} is a SQLite database, not DuckDB: name provtrack's database with --db",
    )
    assert path.read_bytes() == before


def test_a_file_that_is_no_database_at_all_is_refused_in_one_line_and_left_as_it_was(tmp_path, run_cli):
    """DuckDB's own words ("IO Error: The file ... exists, but it is not a valid DuckDB database
    file!") said what was wrong but not what to do."""
    path = tmp_path / "notes.duckdb"
    path.write_text("meeting notes, not a database\n")
    _each_refused_in_one_line(
        run_cli,
        path,
        (["migrate"], ["runs"], ["query", "select 1"], ["link"]),
        f"Error: {path} is not a DuckDB database (the file holds something else): name provtrack's "
        "database with --db",
    )
    assert path.read_text() == "meeting notes, not a database\n"


def test_a_file_in_another_encoding_is_one_line_and_a_damaged_utf8_line_costs_only_its_row(tmp_path, run_cli):
    """A Latin-1 CSV or a Windows-1251 JSONL printed one 'not UTF-8 text' line per row, ended 'partial'
    (exit 3) and stored none of them; now one line names the file, and the next file is read."""
    latin = tmp_path / "latin.csv"
    rows = [
        f"https://a.example/{n},Caf\u00e9 cr\u00e8me, story {n} from the port of Riga" for n in range(300)
    ]
    latin.write_text("url,text\n" + "\n".join(rows) + "\n", encoding="latin-1")
    alone = run_cli("ingest", str(latin))
    assert alone.exit_code == 1, alone.output
    assert alone.stderr.strip() == (
        f"Error: {latin}: not UTF-8 text (no line with letters beyond ASCII reads as UTF-8, from line 2 on); "
        "convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8 (or -f WINDOWS-1251 for Cyrillic)"
    )
    cyrillic = tmp_path / "cyrillic.jsonl"
    stories = [
        {"url": f"https://b.example/{n}", "text": f"\u041c\u0438\u043d\u0441\u043a: story {n}."}
        for n in range(3)
    ]
    cyrillic.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in stories).encode("cp1251"))
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps({"url": "https://c.example/1", "text": "Caf\u00e9 story, in UTF-8."}, ensure_ascii=False)
        + "\n"
        + '{"url": "https://c.example/2", "text": "Plain story."}\n',
        encoding="utf-8",
    )
    with open(good, "ab") as handle:  # one damaged line in a UTF-8 file: that row alone
        handle.write('{"url": "https://c.example/3", "text": "caf\u00e9"}\n'.encode("latin-1"))
    result = run_cli("ingest", str(latin), str(cyrillic), str(good))
    assert result.exit_code == 3, result.output  # partial: some files were read
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, lines  # two files named, one row of the third, and the ending
    assert f"skipped {cyrillic}: not UTF-8 text (no line with" in result.stderr
    assert f"skipped {good}:3: not UTF-8 text" in result.stderr
    assert "2 new articles" in result.stdout


def test_a_file_that_is_no_web_archive_named_warc_is_one_line_and_the_next_file_is_read(tmp_path, run_cli):
    """Read as a WARC, a JSONL named .warc.gz was one 'damaged' record in warcio's words ('Unknown
    archive format, first line: ...')."""
    fake = tmp_path / "crawl.warc.gz"
    fake.write_text('{"url": "https://a.example/1", "text": "A story."}\n')
    alone = run_cli("ingest", str(fake))
    assert alone.exit_code == 1, alone.output
    assert (
        alone.stderr.strip() == f'Error: {fake}: not a WARC file (it begins b\'{{"url": "https://a.examp\')'
    )
    good = tmp_path / "good.jsonl"
    good.write_text('{"url": "https://b.example/1", "text": "Alpha beta gamma delta epsilon zeta."}\n')
    result = run_cli("ingest", str(fake), str(good))
    assert result.exit_code == 3, result.output
    assert f"skipped {fake}: not a WARC file" in result.stderr, result.stderr
    assert "1 new article," in result.stdout


def test_a_named_pipe_given_to_ingest_is_named_as_one_not_as_missing(tmp_path, run_cli):
    pipe = tmp_path / "rows.jsonl"
    os.mkfifo(pipe)
    result = run_cli("ingest", str(pipe))
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (
        f"Error: {pipe}: not a regular file (a pipe or a device); save it to a file first"
    ), "it said 'no such file' of a file that is there"
