"""The command line as a user meets it: help everywhere, output formats, bound parameters, errors."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest

from pipelines import QUERIES_DIR
from pipelines.cli import COMMAND_MODULES, all_commands, cli
from tests.conftest import on_terminal, write_jsonl


def _all_commands(group: click.Group, prefix=()):
    commands = all_commands() if group is cli else group.commands
    for name, command in commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


@pytest.mark.parametrize(
    ("path", "command"), list(_all_commands(cli)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and len(command.help) > 40, f"`provtrack {' '.join(path)}` needs a help text"
    if not isinstance(command, click.Group):
        assert "Example" in command.help, f"add an Example: block to the help of `provtrack {' '.join(path)}`"


@pytest.fixture
def loaded(tmp_path, run_cli):
    rows = [
        {"url": f"https://wire.example.com/{i}", "outlet": "Wire", "text": f"Story number {i} about a port."}
        for i in range(3)
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", rows))).exit_code == 0
    return run_cli


def test_query_prints_csv_json_and_writes_parquet(loaded, tmp_path):
    csv_out = loaded("query", "select article_url, outlet from article_origins order by 1", "--format", "csv")
    assert csv_out.stdout.splitlines() == [
        "article_url,outlet",
        "https://wire.example.com/0,Wire",
        "https://wire.example.com/1,Wire",
        "https://wire.example.com/2,Wire",
    ]
    json_out = loaded("query", "select count(*) as n from article_origins", "--format", "json")
    assert json.loads(json_out.stdout) == {"n": 3}
    target = tmp_path / "origins.parquet"
    loaded("query", "select * from article_origins", "--format", "parquet", "--out", str(target))
    import pandas as pd

    assert len(pd.read_parquet(target)) == 3


def test_a_parquet_answer_keeps_a_text_column_text_on_a_night_it_holds_no_value(loaded, tmp_path):
    """A nightly `query ... --format parquet` appended to a dataset: the night source_url is null on
    every row used to write it typed "null", a schema strict readers refuse to union with the others."""
    import pyarrow.parquet as pq

    nights = {}
    for night, where in (("empty", "source_url IS NULL"), ("full", "true")):
        target = tmp_path / f"{night}.parquet"
        sql = f"select article_url, source_url, hops from article_origins where {where}"
        assert loaded("query", sql, "--format", "parquet", "--out", str(target)).exit_code == 0
        nights[night] = pq.read_schema(target)
    with_values = tmp_path / "values.parquet"
    loaded("query", "select 'x' as source_url", "--format", "parquet", "--out", str(with_values))
    text = pq.read_schema(with_values).field("source_url").type
    assert str(text).endswith("string")
    assert nights["empty"].field("source_url").type == text, nights["empty"]
    assert nights["empty"].types == nights["full"].types


def test_a_long_answer_shows_a_screenful_on_a_terminal_and_every_row_anywhere_else(loaded, tmp_db, tmp_path):
    """45,000 rows drawn as a table on a terminal took 26 s and nobody reads them there; a pipe, a file
    or --format csv must still get every row, as scripts expect."""
    many = "select range as n from range(2500)"
    piped = loaded("query", many)  # CliRunner's stdout is no terminal: like `> file` or `| grep`
    assert piped.exit_code == 0 and "│ 2499 " in piped.stdout and "showing" not in piped.stderr
    assert len(loaded("query", many, "--format", "csv").stdout.splitlines()) == 2501
    shown = on_terminal("--db", str(tmp_db), "query", many)
    assert shown.returncode == 0, shown.other
    assert "│ 999 " in shown.screen and "│ 1000 " not in shown.screen
    assert "showing the first 1,000 of 2,500 rows; --format csv (or json), or --out FILE" in shown.other


def test_parameters_are_bound_never_interpolated(loaded):
    sneaky = "x' OR '1'='1"
    result = loaded(
        "query",
        "select count(*) as n from article_origins where outlet = $outlet",
        "-p",
        f"outlet={sneaky}",
        "--format",
        "json",
    )
    assert json.loads(result.stdout) == {"n": 0}
    drop = loaded(
        "query",
        "select count(*) as n from article_origins where outlet = $o",
        "-p",
        "o=Wire'; DROP TABLE articles; --",
        "--format",
        "json",
    )
    assert json.loads(drop.stdout) == {"n": 0}
    assert json.loads(loaded("query", "select count(*) as n from articles", "--format", "json").stdout) == {
        "n": 3
    }


def test_named_query_parameters_are_checked_and_an_empty_answer_repeats_the_question(loaded):
    typo = loaded("query", "credit_honesty", "-p", "agency=TASS")
    assert typo.exit_code == 2 and "query credit_honesty takes no parameters; not -p agency" in typo.stderr
    blank = loaded("query", "story_chain", "-p", " =https://wire.example.com/9")
    assert blank.exit_code == 2 and "want NAME=VALUE" in blank.stderr, blank.stderr
    nothing = loaded("query", "story_chain", "-p", "url=https://wire.example.com/9", "--format", "csv")
    assert nothing.exit_code == 0 and nothing.stdout.startswith("step,article_url")
    assert "no rows for url='https://wire.example.com/9'" in nothing.stderr


def test_out_without_format_writes_what_the_files_extension_names(loaded, tmp_path):
    """`--out origins.parquet` wrote a text table under that name, exit 0: pandas found out later."""
    import pandas as pd

    sql = "select article_url from article_origins order by 1"
    assert loaded("query", sql, "--out", str(tmp_path / "o.parquet")).exit_code == 0
    assert len(pd.read_parquet(tmp_path / "o.parquet")) == 3
    assert loaded("query", sql, "--out", str(tmp_path / "o.CSV")).exit_code == 0
    assert (tmp_path / "o.CSV").read_text().splitlines()[:2] == ["article_url", "https://wire.example.com/0"]
    assert loaded("query", sql, "--out", str(tmp_path / "o.jsonl")).exit_code == 0
    assert json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0]) == {
        "article_url": "https://wire.example.com/0"
    }
    assert loaded("query", sql, "--out", str(tmp_path / "o.txt")).exit_code == 0
    assert "┃ article_url" in (tmp_path / "o.txt").read_text()  # any other name: the table
    chosen = loaded("query", sql, "--format", "csv", "--out", str(tmp_path / "x.parquet"))
    assert chosen.exit_code == 0 and (tmp_path / "x.parquet").read_text().startswith("article_url\n")


def test_an_empty_answer_from_a_database_without_articles_names_that_database(run_cli, loaded, tmp_path):
    """The walkthrough's queries, copied without --db after a crawl that found nothing, printed empty
    tables and exit 0: nothing showed that the database asked was not the one meant."""
    empty = tmp_path / "empty.duckdb"
    assert run_cli("ingest", str(write_jsonl(tmp_path / "none.jsonl", [])), db=empty).exit_code == 0
    answer = run_cli("query", "credit_honesty", "--format", "csv", db=empty)
    assert answer.exit_code == 0 and answer.stdout.startswith("outlet,")
    assert f"note: {empty} holds no articles yet: crawl or ingest into it" in answer.stderr
    nothing_matched = loaded("query", "select * from article_origins where false", "--format", "csv")
    assert nothing_matched.exit_code == 0 and "holds no articles" not in nothing_matched.stderr


def test_a_url_parameter_naming_no_stored_article_says_so_with_the_stored_urls_like_it(loaded, tmp_db):
    """An empty story_spread read as a story nobody took on, when the URL was mistyped or never crawled;
    the line names the database asked, for a researcher who forgot --db."""
    typo = loaded("query", "story_spread", "-p", "url=https://wire.example.com/9", "--format", "csv")
    asked = tmp_db.resolve()
    assert typo.exit_code == 0 and typo.stderr.splitlines()[0] == (
        f"no rows for url='https://wire.example.com/9'; https://wire.example.com/9 is not in {asked} "
        "(stored URLs like it: https://wire.example.com/0, https://wire.example.com/1, "
        "https://wire.example.com/2)"
    )
    elsewhere = loaded("explain", "https://elsewhere.example/a")
    assert elsewhere.exit_code == 1
    assert elsewhere.stderr.startswith(f"Error: https://elsewhere.example/a is not in {asked} (see `")
    stored = loaded("query", "story_spread", "-p", "url=http://www.wire.example.com/1/", "--format", "csv")
    assert stored.stderr.splitlines()[0] == "no rows for url='https://wire.example.com/1'"  # stored, uncopied


def test_an_agency_parameter_naming_no_agency_says_so_with_the_name_it_resembles(loaded):
    """A typo read as an agency nobody carries: "no rows", exit 0, nothing more."""
    typo = loaded("query", "new_carriers", "-p", "agency=Sputnk", "-p", "since=2026-01-01")
    assert typo.exit_code == 0 and "no agency is named 'Sputnk' (did you mean Sputnik?)" in typo.stderr
    known = loaded("query", "new_carriers", "-p", "agency=belta", "-p", "since=2100-01-01")
    assert "no rows for" in known.stderr and "no agency is named" not in known.stderr


def test_an_agency_parameter_takes_any_name_or_alias_the_registry_knows(tmp_path, run_cli):
    """`-p agency=ТАСС` (an alias of TASS in data/agencies.toml) found no rows and said "no agency is
    named 'ТАСС'"; "Sputnik News Agency", an alias too, was taken for a typo of Cyprus News Agency
    (found by a researcher review)."""
    story = (
        "Moscow city authorities will open a new cable car line across the Moskva River in spring, the "
        "deputy mayor said on Saturday. The line will carry up to 1,600 passengers an hour in heated "
        "cabins, and a single ride will cost the same as a metro ticket. Test runs begin in February."
    )
    rows = [
        {"url": "https://tass.com/society/1", "text": story, "published_at": "2026-11-21T06:00:00Z"},
        {
            "url": "https://harbor.example/1",
            "outlet": "Harbor Post",
            "text": story + "\nSource: TASS",
            "published_at": "2026-11-21T09:00:00Z",
        },
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", rows))).exit_code == 0
    assert run_cli("link").exit_code == 0
    for name in ("TASS", "tass", "ТАСС", "TASS Russian News Agency", "itar-tass"):
        found = run_cli(
            "query", "new_carriers", "-p", f"agency={name}", "-p", "since=2026-11-01", "--format", "csv"
        )
        assert found.exit_code == 0 and found.stdout.splitlines()[1:] == [
            "Harbor Post,TASS,2026-11-21 09:00:00,https://harbor.example/1,1"
        ], f"-p agency={name}: {found.stdout}{found.stderr}"
        assert found.stderr == "", f"-p agency={name}: {found.stderr}"
    sputnik = run_cli("query", "new_carriers", "-p", "agency=Sputnik News Agency", "-p", "since=2026-11-01")
    assert sputnik.stderr.splitlines() == ["no rows for agency='Sputnik', since='2026-11-01'"]
    typo = run_cli("query", "new_carriers", "-p", "agency=Sputnik Newz Agency", "-p", "since=2026-11-01")
    assert "no agency is named 'Sputnik Newz Agency' (did you mean Sputnik?)" in typo.stderr
    unknown = run_cli("query", "new_carriers", "-p", "agency=Nowhere Wire", "-p", "since=2026-11-01")
    assert "no agency is named 'Nowhere Wire' (`provtrack agencies` lists the names and aliases known)" in (
        unknown.stderr
    )


def test_a_parameter_value_of_the_wrong_type_is_a_usage_error_naming_it(loaded):
    """`-p since=yesterday` failed as a query (exit 1, DuckDB's conversion error alone): it is the
    parameter that is wrong, so it is a usage error (exit 2) that names it."""
    result = loaded("query", "SELECT CAST($since AS TIMESTAMP) AS t", "-p", "since=yesterday")
    assert result.exit_code == 2, result.stderr
    assert "Error: -p since=yesterday: Conversion Error: invalid timestamp" in result.stderr


def test_a_named_querys_url_is_looked_up_as_explain_looks_it_up(loaded):
    """A link copied from a browser (other scheme, tracking parameters, upper-case host) finds the
    stored article in `query story_chain` as it does in `explain`."""
    copied = "http://WIRE.example.com/1?utm_source=newsletter#top"
    assert "wire.example.com/1" in loaded("explain", copied).stdout
    chain = loaded("query", "story_chain", "-p", f"url={copied}", "--format", "csv")
    assert chain.exit_code == 0 and chain.stdout.splitlines()[1].startswith("0,https://wire.example.com/1,")
    by_file = loaded("query", str(QUERIES_DIR / "story_chain.sql"), "-p", f"url={copied}", "--format", "csv")
    assert by_file.stdout == chain.stdout, "the query given by its file is the named query"
    bad = loaded("query", "story_chain", "-p", "url=not a url")
    assert bad.exit_code == 1 and "not an absolute http(s) URL" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_query_runs_a_sql_file_such_as_a_reports_table(loaded, tmp_path):
    summary = loaded("query", str(QUERIES_DIR / "report" / "summary.sql"), "--format", "json")
    assert summary.exit_code == 0 and json.loads(summary.stdout)["articles"] == 3
    missing = loaded("query", str(tmp_path / "nope.sql"))
    assert missing.exit_code == 2 and "nope.sql: no such file" in missing.stderr


def test_query_finds_a_path_under_queries_in_provtracks_own_folder_from_anywhere(
    loaded, tmp_path, monkeypatch
):
    """The report page and `query --help` say `provtrack query queries/report/NAME.sql`: run from outside
    the checkout, it said "no such file" (found by a researcher review). A file of that path in the
    current folder is still the one read."""
    monkeypatch.chdir(tmp_path)
    summary = loaded("query", "queries/report/summary.sql", "--format", "json")
    assert summary.exit_code == 0 and json.loads(summary.stdout)["articles"] == 3, summary.stderr
    named = loaded(
        "query", "queries/story_chain.sql", "-p", "url=https://wire.example.com/1", "--format", "csv"
    )
    assert named.exit_code == 0 and named.stdout.splitlines()[1].startswith("0,https://wire.example.com/1,")
    (tmp_path / "queries" / "report").mkdir(parents=True)
    (tmp_path / "queries" / "report" / "summary.sql").write_text("select 'mine' as whose")
    assert loaded("query", "queries/report/summary.sql", "--format", "csv").stdout == "whose\nmine\n"
    missing = loaded("query", "queries/report/nope.sql")
    assert missing.exit_code == 2 and "queries/report/nope.sql: no such file" in missing.stderr


def test_query_is_read_only_and_bad_sql_is_one_line(loaded, tmp_path):
    write = loaded("query", "select * from articles; delete from articles")
    assert write.exit_code == 1 and "Error" in write.stderr and "Traceback" not in write.stderr
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for sql in (
        f"select 1 as a; copy (select 'oops' as x) to '{victim}' (format csv)",
        f"copy (select 'oops' as x) to '{victim}' (format csv)",
        f"export database '{tmp_path / 'dump'}'",
        f"explain analyze copy (select 'oops' as x) to '{victim}' (format csv)",
        f"-- a note first, as queries/ files have\ncopy (select 'oops' as x) to '{victim}' (format csv)",
    ):
        refused = loaded("query", "--", sql)  # "--": SQL starting with a comment is no option
        assert refused.exit_code == 1 and refused.stderr.count("\n") == 1, refused.stderr
        assert "provtrack query only reads" in refused.stderr or "one statement" in refused.stderr
    assert victim.read_text() == "keep me" and not (tmp_path / "dump").exists()
    bad = loaded("query", "select nope from article_origins")
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1
    assert 'Candidate bindings: "' in bad.stderr, "DuckDB's hint is kept in the one line"
    typo = loaded("query", "select * from article_origin")
    assert typo.stderr.count("\n") == 1 and 'Did you mean "article_origins"?' in typo.stderr, typo.stderr


def test_a_table_on_screen_shows_cells_as_they_are_not_as_rich_markup(loaded, tmp_path):
    """Titles and credit cues are scraped text: "[Video]" vanished, ":x:" became an emoji, and a
    cell "[/]" ended the command with a traceback."""
    sql = "select '[bold]Breaking[/bold] [Video]' as title, 'ratio 3:x:1' as note, '[/]' as \"[odd]\""
    out = tmp_path / "table.txt"
    result = loaded("query", sql, "--out", str(out))
    assert result.exit_code == 0, result.output
    table = out.read_text()
    assert "[bold]Breaking[/bold] [Video]" in table and "ratio 3:x:1" in table and "[/]" in table
    assert "[odd]" in table


def test_counts_that_make_no_sense_are_usage_errors_not_tracebacks(loaded):
    runs = loaded("runs", "--limit", "-1")
    assert runs.exit_code == 2 and "Invalid value for '--limit'" in runs.stderr
    link = loaded("link", "--all", "--window-days", "0")
    assert link.exit_code == 2 and "Invalid value for '--window-days'" in link.stderr


def test_runs_shows_a_crawl_of_many_sources_in_one_line_and_keeps_its_counts_whole_in_json(run_cli, tmp_db):
    """A crawl of the shipped registry stores ~5 kB of per-source counts: `runs` printed all of it, 147
    lines for one run, several thousand at the default --limit."""
    import duckdb

    from pipelines.store.db import apply_migrations
    from pipelines.store.runs import finish_run, start_run

    per_source = {"new_articles": 3, "new_versions": 1, "requested": 9, "failed": 0, "errors": 0}
    counts = {f"source-{n:02}": {"status": "failed" if n < 2 else "ok", **per_source} for n in range(32)}
    con = duckdb.connect(str(tmp_db))
    apply_migrations(con)
    finish_run(con, start_run(con, "crawl", "every source"), "partial", counts, "2 failed")
    finish_run(con, start_run(con, "link", ""), "ok", {"indexed": 40, "derived": 12})
    con.close()
    table = run_cli("runs")
    assert table.exit_code == 0 and "32 sources (30 ok, 2 failed): 96 new, 32 new versions" in table.stdout
    assert "indexed 40, derived 12" in table.stdout and "source-07" not in table.stdout
    assert len(table.stdout.splitlines()) < 15, table.stdout
    whole = [json.loads(line) for line in run_cli("runs", "--format", "json").stdout.splitlines()]
    assert json.loads(whole[-1]["counts"]) == counts


def test_runs_shows_a_run_still_going_beside_finished_ones(run_cli, tmp_db):
    """A run still going (or killed) has no counts yet: beside runs that have some, the table view
    crashed with a traceback, on exactly the runs an operator looks for while a crawl runs."""
    import duckdb

    from pipelines.store.db import apply_migrations
    from pipelines.store.runs import finish_run, start_run

    con = duckdb.connect(str(tmp_db))
    apply_migrations(con)
    finish_run(con, start_run(con, "link", ""), "ok", {"indexed": 40})
    start_run(con, "crawl", "every source")
    con.close()
    table = run_cli("runs")
    assert table.exit_code == 0, table.stderr
    assert "running" in table.stdout and "indexed 40" in table.stdout


def test_query_on_a_missing_database_says_what_to_do(run_cli, tmp_path):
    result = run_cli("query", "select 1", db=tmp_path / "absent.duckdb")
    assert result.exit_code == 1 and "no database at" in result.stderr


def test_query_list_shows_named_queries(run_cli):
    result = run_cli("query", "--list", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.startswith("name,parameters,what a row is")
    listed = {row["name"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert sorted(listed) == sorted(path.stem for path in QUERIES_DIR.glob("*.sql")), "one row per query file"
    parameters = {name: row["parameters"] for name, row in listed.items() if row["parameters"]}
    assert parameters == {"new_carriers": "since agency", "story_chain": "url", "story_spread": "url"}
    assert all(row["what a row is"].startswith("one row per") for row in listed.values()), listed


def test_migrate_is_idempotent_and_lists_versions(run_cli):
    first = run_cli("migrate")
    assert "applied" in first.stdout and "001_core" in first.stdout
    assert run_cli("migrate").stdout.strip() == "schema is up to date"
    assert "001_core  applied" in run_cli("migrate", "--list").stdout


def test_migrate_list_reads_while_a_crawl_writes_and_names_a_newer_provtracks_migration(run_cli, tmp_db):
    """`--list` changes nothing, so it must not wait for the writer lock a crawl holds for hours; on a
    database a newer provtrack upgraded it shows that migration too."""
    from pipelines.store import Database

    assert run_cli("--wait", "0", "migrate", "--list").stdout.splitlines()[0].endswith("pending")
    with Database(tmp_db).writer() as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now()::TIMESTAMP)")
    with Database(tmp_db).write_session(migrate=False):  # a crawl: the lock held, the file closed
        listed = run_cli("--wait", "0", "migrate", "--list")
    assert listed.exit_code == 0, listed.stderr
    assert "001_core  applied" in listed.stdout
    assert "099  applied" in listed.stdout and "by a newer provtrack" in listed.stdout


def test_a_second_writer_waits_then_exits_75_with_one_line(run_cli, tmp_db):
    from pipelines.store import Database

    with Database(tmp_db).writer():
        result = run_cli("migrate")
    assert result.exit_code == 75
    assert "is being written by pid" in result.stderr and result.stderr.count("\n") == 1


def test_agencies_and_sources_list_the_registries(run_cli):
    agencies = run_cli("agencies", "--format", "csv").stdout
    assert "TASS" in agencies and "BelTA" in agencies and len(agencies.splitlines()) > 60
    sources = run_cli("sources", "--format", "csv").stdout
    assert "verified" in sources.splitlines()[0]


def test_import_state_media_merges_typology_into_outlets(run_cli, tmp_path, tmp_db):
    csv_path = tmp_path / "smm.csv"
    csv_path.write_text(
        "Name,URL,Country,Typology\n"
        "RT,https://www.rt.com/,Russia,State-controlled media\n"
        "BBC,https://www.bbc.co.uk,United Kingdom,Independent public media\n"
        ",https://nameless.example.com,X,Y\n"
        "Typo TV,not a domain,X,Y\n"
        'Open Quote,"unterminated,x\nLater TV,later.example.com,X,Y\n',
        encoding="utf-8",
    )
    result = run_cli("registry", "import-state-media", str(csv_path))
    assert "imported 2" in result.stdout and "line 4: no outlet name" in result.stderr
    assert "line 5: 'not a domain' is not a domain or URL" in result.stderr
    assert "unreadable CSV record" in result.stderr and result.exit_code == 3, "named rows left out: partial"
    rows = run_cli(
        "query",
        "select name, typology, state_affiliated from outlets where typology is not null order by 1",
        "--format",
        "csv",
    ).stdout.splitlines()
    assert rows[1:] == ["BBC,Independent public media,False", "RT,State-controlled media,True"]
    # a second list naming RT without a typology adds nothing, and erases nothing
    (tmp_path / "names.csv").write_text("Name,URL\nRT,https://rt.com/\n", encoding="utf-8")
    assert run_cli("registry", "import-state-media", str(tmp_path / "names.csv")).exit_code == 0
    again = run_cli("query", "select typology from outlets where name = 'RT'", "--format", "csv").stdout
    assert again.splitlines() == ["typology", "State-controlled media"]


def test_a_state_media_list_not_in_utf8_is_named_in_one_line_and_imports_nothing(run_cli, tmp_path, tmp_db):
    """A Latin-1 list gave "'utf-8' codec can't decode byte 0xe9 in position 37", naming no file."""
    assert run_cli("migrate").exit_code == 0
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("Name,URL\nRT,https://rt.com/\nTélé Québec,https://telequebec.tv/\n".encode("latin-1"))
    result = run_cli("registry", "import-state-media", str(latin1))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
    assert f"{latin1}: not UTF-8 text (save it as UTF-8" in result.stderr
    typed = run_cli(
        "query", "select count(*) as n from outlets where typology is not null", "--format", "csv"
    )
    assert typed.stdout.splitlines() == ["n", "0"]


def test_merge_before_any_worker_wrote_is_nothing_to_do_but_a_wrong_folder_is_an_error(run_cli, tmp_path):
    hourly = run_cli("merge")  # the default <db dir>/shards, not there yet
    assert hourly.exit_code == 0 and "nothing to merge" in hourly.stdout
    typo = run_cli("merge", str(tmp_path / "shrads"))
    assert typo.exit_code == 1 and "no such folder of shards" in typo.stderr


def test_a_full_disk_stops_a_merge_instead_of_skipping_every_shard_as_damaged(
    run_cli, tmp_path, tmp_db, monkeypatch
):
    """merge named any error of a shard's save "a row could not be stored", skipped the shard and went
    on: on a full disk every shard after it was skipped the same way, exit 3, none of it the shards'."""
    from datetime import datetime, timezone

    import duckdb

    import pipelines.store.articles as store
    from crawlers.shards import ShardSink
    from pipelines.models import Article, DateCandidate

    seen = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    shards = tmp_path / "shards"
    for n in range(2):
        article = Article(
            url=f"http://a.test/news/{n}", outlet=None, domain="a.test", title="t", author=None,
            text=f"Harbour {n} moved 41 containers.", language="en", sitename=None, canonical_url=None,
            published_at=seen, date_candidates=[DateCandidate("first_seen", seen)],
        )  # fmt: skip
        ShardSink(shards, f"worker{n}").save({"site:a.test": [article]})

    def disk_full(*args, **kwargs):
        raise duckdb.IOException("Could not write file: No space left on device")

    monkeypatch.setattr(store, "save_articles", disk_full)
    full = run_cli("merge", str(shards), "--no-link")
    assert full.exit_code == 1, full.output
    refused = "Error: Could not write file: No space left on device (free some disk space"
    assert full.stderr.startswith(refused), full.stderr
    assert "skipped" not in full.stderr
    monkeypatch.undo()
    again = run_cli("merge", str(shards), "--no-link")  # space freed: both shards load, none was marked
    assert again.exit_code == 0 and "merge: 2 shards, 2 new articles" in again.stdout, again.output
    merges = "SELECT status FROM runs WHERE command = 'merge' ORDER BY run_id"
    runs = run_cli("query", merges, "--format", "csv")
    assert runs.stdout.split() == ["status", "failed", "ok"]


def test_merge_adds_late_feed_dates_once_their_article_is_stored_and_gives_up_after_two_days(
    run_cli, tmp_path, tmp_db
):
    """A worker that read a feed after another worker stored the page writes the feed's date to a
    dates shard. merge keeps the shard until the article's own shard arrives (it may still be
    cleaning), adds the date then, and drops dates whose page was never stored after two days."""
    from datetime import datetime, timedelta, timezone

    import duckdb
    import pandas as pd

    from crawlers.shards import ShardSink
    from pipelines.models import Article, DateCandidate

    url, never = "http://a.test/news/1", "http://a.test/news/never-stored"
    feed_date = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
    seen = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    shards = tmp_path / "shards"
    reader = ShardSink(shards, "reader")
    reader.save({}, {url: [DateCandidate("feed", feed_date)]})
    first = run_cli("merge", str(shards), "--no-link")
    assert first.exit_code == 0 and "0 feed/sitemap dates added" in first.stdout, first.stdout
    assert "merge: 0 shards" in first.stdout and "1 dates shards waiting" in first.stdout, first.stdout

    article = Article(
        url=url, outlet=None, domain="a.test", title="t", author=None, text="Harbour moved 41 containers.",
        language="en", sitename=None, canonical_url=None, published_at=seen,
        date_candidates=[DateCandidate("first_seen", seen)],
    )  # fmt: skip
    ShardSink(shards, "fetcher").save({"site:a.test": [article]})
    second = run_cli("merge", str(shards), "--no-link")
    assert second.exit_code == 0 and "1 new article, " in second.stdout
    assert "1 feed/sitemap dates added" in second.stdout, second.stdout
    # the runs table counts a merge's articles under the names ingest and crawl use
    counts = run_cli("query", "SELECT sum((counts->>'new_articles')::INT) FROM runs WHERE command = 'merge'",
                     "--format", "csv")  # fmt: skip
    assert [float(n) for n in counts.stdout.splitlines()[1:]] == [1], counts.stdout

    reader.save({}, {never: [DateCandidate("feed", feed_date)]})
    waiting = run_cli("merge", str(shards), "--no-link")
    assert "merge: 0 shards" in waiting.stdout and "1 dates shards waiting" in waiting.stdout, waiting.stdout
    # written three days ago, and copied since (a fresh mtime): its age is the one written inside it
    lost = next(shards.glob("reader-000002*"))
    frame = pd.read_parquet(lost)
    frame["written_at"] = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat()
    frame.to_parquet(lost, index=False)
    gave_up = run_cli("merge", str(shards), "--no-link")
    assert "merge: 1 shard," in gave_up.stdout and "waiting" not in gave_up.stdout, gave_up.stdout

    con = duckdb.connect(str(tmp_db), read_only=True)
    try:
        published = con.execute("SELECT published_at FROM articles WHERE url = ?", [url]).fetchone()[0]
        shards_merged = con.execute("SELECT shard FROM merged_shards ORDER BY shard").fetchall()
    finally:
        con.close()
    assert published == feed_date.replace(tzinfo=None), "the feed's date is chosen over first sight"
    assert [name for (name,) in shards_merged] == [
        "fetcher-000001.parquet", "reader-000001.dates.parquet", "reader-000002.dates.parquet"
    ]  # fmt: skip


def test_a_shard_with_a_row_that_cannot_be_stored_is_named_and_the_others_are_loaded(
    run_cli, tmp_path, tmp_db
):
    """One damaged row stopped merge with a traceback, at the same shard every hour, so the shards
    after it were never loaded."""
    from datetime import datetime, timezone

    from crawlers.shards import ShardSink
    from pipelines.models import Article, DateCandidate

    seen = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)

    def article(url: str, text: str | None) -> Article:
        return Article(
            url=url, outlet=None, domain="a.test", title="t", author=None, text=text, language="en",
            sitename=None, canonical_url=None, published_at=seen,
            date_candidates=[DateCandidate("first_seen", seen)],
        )  # fmt: skip

    shards = tmp_path / "shards"
    for worker, text in (("a", "Harbour moved 41 containers."), ("b", None), ("c", "Firm ordered 9 cranes.")):
        ShardSink(shards, worker).save({"feed:a.test": [article(f"http://a.test/{worker}", text)]})
    for _ in range(2):  # and again at the next hourly merge
        result = run_cli("merge", str(shards), "--no-link")
        assert result.exit_code == 3, result.output
        assert "skipped" in result.stderr and "b-000001.parquet: a row could not be stored" in result.stderr
    stored = run_cli("query", "select url from articles order by 1", "--format", "csv").stdout.split()
    assert stored == ["url", "http://a.test/a", "http://a.test/c"]


def test_a_late_feed_date_that_makes_a_linked_copy_the_earlier_text_turns_the_chain_round(
    run_cli, tmp_path, tmp_db
):
    """a (first seen 10:00) was linked as a copy of b (09:30). A later merge brings a's feed date,
    08:00: a is the earlier text, so it is the origin and b the copy, not a copy older than its source."""
    from datetime import datetime, timezone

    from crawlers.shards import ShardSink
    from pipelines.models import Article, DateCandidate

    text = " ".join(
        f"Sentence {i}: the harbour authority said {i * 37} containers moved through berth {i % 7} "
        f"on Tuesday while cranes {i * 3} idled."
        for i in range(30)
    )

    def article(url: str, seen: datetime) -> Article:
        return Article(
            url=url, outlet=None, domain=url.split("/")[2], title="Harbour", author=None, text=text,
            language="en", sitename=None, canonical_url=None, published_at=seen,
            date_candidates=[DateCandidate("first_seen", seen)],
        )  # fmt: skip

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 11, 20, hour, minute, tzinfo=timezone.utc)

    a, b, shards = "http://a.test/x", "http://b.test/y", tmp_path / "shards"
    ShardSink(shards, "w1").save(
        {"feed:a.test": [article(a, at(10))], "feed:b.test": [article(b, at(9, 30))]}
    )
    assert run_cli("merge", str(shards)).exit_code == 0

    def sources() -> list[tuple]:
        query = "select article_url, source_url from article_origins order by 1"
        return [
            tuple(line.split(",")) for line in run_cli("query", query, "--format", "csv").stdout.split()[1:]
        ]

    assert sources() == [(a, b), (b, "")], "as first seen, a copies b"
    ShardSink(shards, "w2").save({}, {a: [DateCandidate("feed", at(8))]})
    assert run_cli("merge", str(shards)).exit_code == 0
    assert sources() == [(a, ""), (b, a)], "with its feed date, a is the origin and b the copy"


def test_db_ending_in_a_slash_is_a_folder_not_a_file_named_like_it(run_cli, tmp_path):
    result = run_cli("migrate", db=f"{tmp_path}/newdir/")
    assert result.exit_code == 2 and "names a folder" in result.stderr
    assert not (tmp_path / "newdir").exists()


def test_a_failing_query_is_one_line_and_debug_shows_the_traceback(loaded):
    """--debug promises tracebacks instead of one-line errors, for a bad query too."""
    import duckdb

    result = loaded("query", "select * from no_such_table")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: query failed: Catalog Error") and result.stderr.count("\n") == 1
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        loaded("--debug", "query", "select * from no_such_table")


def test_commands_that_only_work_on_stored_articles_refuse_a_missing_database(run_cli, tmp_path):
    """A mistyped --db in a crontab: `link` used to create an empty database there and report success
    every night. Commands that add articles (ingest, crawl, merge) create it; the others name it."""
    missing = tmp_path / "typo" / "provenance.duckdb"
    for command in (["link"], ["reprocess"], ["export", str(tmp_path / "out")], ["query", "credit_honesty"]):
        result = run_cli(*command, db=missing)
        assert result.exit_code == 1, (command, result.output)
        assert f"no database at {missing}" in result.stderr and "--db or PROVTRACK_DB" in result.stderr
    assert not (tmp_path / "typo").exists() and not (tmp_path / "out").exists(), "nothing created"
    assert run_cli("ingest", str(write_jsonl(tmp_path / "none.jsonl", [])), db=missing).exit_code == 0
    assert missing.exists()


def test_json_lines_keep_urls_readable_and_every_value_exact(loaded):
    sql = r"select 'https://a.example/news/1' as url, 'back\slash/and\/both' as odd"
    out = loaded("query", sql, "--format", "json").stdout
    assert '"url":"https://a.example/news/1"' in out, "a URL a researcher can grep for"
    assert json.loads(out) == {"url": "https://a.example/news/1", "odd": r"back\slash/and\/both"}


def test_a_date_is_a_date_in_every_format(loaded, tmp_path):
    """agency_dependence's week is a DATE: JSON wrote it as a midnight timestamp, the table too. A
    stored time is UTC, and JSON says so: without a zone, JavaScript and jq read it as local time."""
    sql = "select date '2026-11-16' as week, timestamp '2026-11-16 10:30' as at, null::date as never"
    assert json.loads(loaded("query", sql, "--format", "json").stdout) == {
        "week": "2026-11-16", "at": "2026-11-16T10:30:00.000Z", "never": None,
    }  # fmt: skip
    assert loaded("query", sql, "--format", "csv").stdout.splitlines()[1] == "2026-11-16,2026-11-16 10:30:00,"
    assert "2026-11-16 00:00" not in loaded("query", sql).stdout
    twice = "select date '2026-11-16' as d, date '2026-11-17' as d"  # DuckDB names the second d_1
    assert json.loads(loaded("query", twice, "--format", "json").stdout) == {
        "d": "2026-11-16",
        "d_1": "2026-11-17",
    }


def test_a_sum_of_counts_is_a_whole_number_in_every_format(loaded):
    """DuckDB's sum() of integers is a HUGEINT, which pandas turned into a float: "how many credited
    copies per outlet" printed 12.0."""
    sql = "select sum(x) as total, sum(x) filter (where x > 9) as none_such from range(1, 5) t(x)"
    assert loaded("query", sql, "--format", "csv").stdout.splitlines()[1] == "10,"
    assert json.loads(loaded("query", sql, "--format", "json").stdout) == {"total": 10, "none_such": None}
    assert "10.0" not in loaded("query", sql).stdout


def test_link_says_when_stored_verdicts_were_made_by_an_older_provtracks_rules(loaded, tmp_db):
    """An upgrade that changes the link rules is not silently half applied: old verdicts stay until
    `link --all`, and every link says so (on stderr, which cron mails) until then."""
    import duckdb

    assert loaded("link").stderr == ""
    with duckdb.connect(str(tmp_db)) as con:  # what an older provtrack stored
        ends = "SELECT min(article_id) FROM link_state UNION ALL SELECT max(article_id) FROM link_state"
        con.execute(f"UPDATE link_state SET scheme = 'w3m4-crc32-v1' WHERE article_id IN ({ends})")
    nightly = loaded("link")
    assert nightly.exit_code == 0
    assert "note: 2 stored verdicts were made by an older provtrack's link rules" in nightly.stderr
    assert "provtrack link --all" in nightly.stderr
    assert loaded("link", "--all").stderr == ""
    assert loaded("link").stderr == ""


_BRIDGE = "The ministry said on Tuesday that the new bridge over the river would open in May. " * 6
#: a TASS story, a copy that credits TASS and one that does not
_TASS_AND_TWO_COPIES = [
    {"url": "https://tass.com/1", "outlet": "TASS", "published_at": "2026-11-02T08:00:00Z", "text": _BRIDGE},
    {"url": "https://herald.example/a", "outlet": "Herald", "published_at": "2026-11-02T10:00:00Z",
     "text": _BRIDGE + "\n\nSource: TASS"},
    {"url": "https://courier.example/a", "outlet": "Courier", "published_at": "2026-11-02T11:00:00Z",
     "text": _BRIDGE},
]  # fmt: skip


def test_a_query_before_link_notes_on_stderr_that_its_answer_is_only_what_the_pages_credit(run_cli, tmp_path):
    """After `ingest` alone, credit_honesty looked complete: the credited copy counted, the uncredited
    one not at all (still its own story). One line on stderr says so; the CSV stays clean for a pipe."""
    assert run_cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", _TASS_AND_TWO_COPIES))).exit_code == 0
    before = run_cli("query", "credit_honesty", "--format", "csv")
    assert before.exit_code == 0 and before.stderr == (
        "note: 3 articles are not linked yet: run `provtrack link` "
        "(until then their origins are what their pages credit)\n"
    )
    assert before.stdout.splitlines() == [
        "outlet,origin_agency,articles,credited,via_intermediary,uncredited,credited_share,uncredited_share",
        "Herald,TASS,1,1,0,0,1.0,0.0",
    ]
    assert run_cli("link").exit_code == 0
    after = run_cli("query", "credit_honesty", "--format", "csv")
    assert after.stderr == "" and "Courier,TASS,1,0,0,1,0.0,1.0" in after.stdout.splitlines()
    late = [{"url": "https://late.example/a", "outlet": "Late", "text": _BRIDGE}]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "b.jsonl", late))).exit_code == 0
    assert "note: 1 article is not linked yet" in run_cli("query", "select 1").stderr


def test_an_export_before_link_says_so_on_stderr_and_writes_the_files_all_the_same(run_cli, tmp_path):
    """Parquet files passed on to a colleague look complete even more than a query's answer does."""
    assert run_cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", _TASS_AND_TWO_COPIES))).exit_code == 0
    before = run_cli("export", str(tmp_path / "before"))
    assert before.exit_code == 0 and before.stderr == (
        "note: 3 articles are not linked yet: run `provtrack link` "
        "(until then their origins are what their pages credit)\n"
    )
    assert (tmp_path / "before" / "article_origins.parquet").is_file()
    assert run_cli("link").exit_code == 0
    after = run_cli("export", str(tmp_path / "after"))
    assert after.exit_code == 0 and after.stderr == ""
    assert after.stdout.count("wrote ") == 2


def test_sources_lists_the_registry_a_crawl_is_given(run_cli):
    from pipelines import DATA_DIR

    listed = run_cli("sources", "--sources", str(DATA_DIR / "demo" / "sources.toml"), "--format", "csv")
    assert listed.exit_code == 0 and "tass-demo,TASS," in listed.stdout
    unknown = run_cli("crawl", "--sources", str(DATA_DIR / "demo" / "sources.toml"), "tass-dem")
    assert unknown.exit_code == 2
    assert "did you mean tass-demo" in unknown.stderr and "provtrack sources --sources " in unknown.stderr


@pytest.mark.parametrize("module", ["pipelines", "pipelines.cli"])
def test_python_dash_m_runs_the_command_with_all_its_subcommands(module):
    """For a checkout used without the installed script (`python -m pipelines.cli` printed nothing)."""
    import subprocess
    import sys

    from pipelines import PROJECT_ROOT

    result = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0 and "crawl" in result.stdout and "explain" in result.stdout, result


def test_every_command_is_found_under_the_module_that_defines_it():
    """Commands load with their module, found by COMMAND_MODULES: a command missing there, or listed
    under another module, would be "No such command" until some other command loaded its module."""
    import importlib
    import pkgutil

    import pipelines.commands

    for module in pkgutil.iter_modules(pipelines.commands.__path__):
        importlib.import_module(f"pipelines.commands.{module.name}")
    defined = {name: command.callback.__module__ for name, command in cli.commands.items()}
    listed = {name: f"pipelines.commands.{module}" for name, module in COMMAND_MODULES.items()}
    assert defined == listed


def _modules_loaded_by(*args: str) -> set[str]:
    """The modules a `provtrack` command has loaded by the time it exits (-X importtime misses those
    that importlib.import_module loads, as the commands are)."""
    import subprocess
    import sys

    from pipelines import PROJECT_ROOT

    show = "import atexit, sys; atexit.register(lambda: print(*sys.modules, file=sys.stderr)); "
    result = subprocess.run(
        [sys.executable, "-c", show + "from pipelines.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return set(result.stderr.split())


def test_the_commands_load_without_pandas_so_a_crawl_and_its_workers_do_not_carry_it():
    """pandas, imported by any command module, came with every crawl: 0.2 s of start-up in each hourly
    run and about 130 MB more across the crawler and its forked cleaning workers (bench_crawl)."""
    loaded = _modules_loaded_by("--help")
    assert {f"pipelines.commands.{name}" for name in COMMAND_MODULES.values()} <= loaded, (
        "--help lists every command, so every command module is loaded"
    )
    assert "pandas" not in loaded


def test_a_query_or_a_link_loads_neither_the_cleaning_nor_the_crawling_libraries(tmp_path):
    """`provtrack query` and `explain` are what a researcher runs all day: trafilatura (for ingest),
    Scrapy (for crawl) and tldextract's public-suffix list made up a third of their start-up. A
    nightly `link` needs no trafilatura either."""
    db = tmp_path / "q.duckdb"
    assert cli.main(["--db", str(db), "migrate"], standalone_mode=False) is None
    loaded = _modules_loaded_by("--db", str(db), "query", "select 42 AS answer")
    assert "pipelines.commands.answers" in loaded
    assert not {"trafilatura", "scrapy", "tldextract", "pipelines.commands.loading"} & loaded
    loaded = _modules_loaded_by("--db", str(db), "link")
    assert {"pipelines.commands.linking", "pipelines.link"} <= loaded
    assert not {"trafilatura", "scrapy", "pipelines.commands.loading"} & loaded


def test_a_name_value_option_without_its_equals_sign_is_a_usage_error_that_names_it(run_cli):
    """`-s DOWNLOAD_DELAY 0` (a space for the '=') would otherwise crawl at the default delay."""
    crawl = run_cli("crawl", "--feed", "http://wire.test/rss.xml", "-s", "DOWNLOAD_DELAY", "0")
    assert crawl.exit_code == 2
    assert "'DOWNLOAD_DELAY': want NAME=VALUE" in crawl.stderr, crawl.stderr
    query = run_cli("query", "story_chain", "-p", "url")
    assert query.exit_code == 2 and "'url': want NAME=VALUE" in query.stderr


def test_running_out_of_memory_is_one_line_and_keeps_what_was_stored(loaded, monkeypatch):
    """A MemoryError (numpy's, in an alignment) printed a full traceback."""
    import pipelines.link

    def exhausted(*_args, **_kwargs):
        raise MemoryError("Unable to allocate 2.98 GiB for an array with shape (399920204,)")

    monkeypatch.setattr(pipelines.link, "link_articles", exhausted)
    result = loaded("link", "--all")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: out of memory (MemoryError); everything stored before is kept (--debug shows where)\n"
    )
    monkeypatch.undo()
    assert json.loads(loaded("query", "select count(*) as n from articles", "--format", "json").stdout) == {
        "n": 3
    }


def test_a_global_option_after_the_command_says_where_it_goes(run_cli):
    """`provtrack crawl --wait 5` answered "No such option '--wait'. Did you mean '--site'?"."""
    for args, option in (
        (["crawl", "--wait", "5", "tass-en"], "--wait"),
        (["query", "runs", "--db", "x"], "--db"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 2
        assert (
            f"Error: {option} is an option of provtrack itself: give it before the command" in result.stderr
        )
