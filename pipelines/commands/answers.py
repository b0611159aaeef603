"""Commands that answer questions or hand the answers out: query, explain, eval, export."""

from __future__ import annotations

import re
from pathlib import Path

import click
import duckdb

from pipelines import PROJECT_ROOT
from pipelines.cli import cli, name_value_pairs, pass_context
from pipelines.named_queries import (
    LEADING_COMMENTS,
    bind_parameters,
    looks_like_sql,
    named_queries,
    stored_agencies,
)
from pipelines.output import as_typed_in_duckdb, emit, output_options
from pipelines.store.db import damaged_text, database_file
from pipelines.urls import BadURL

#: what a query may be: a read-only database still lets COPY ... TO or EXPORT write files anywhere
_READING = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.MULTI,
}  # MULTI: PIVOT


_EXPLAIN_ANALYZE = re.compile(LEADING_COMMENTS + r"\s*explain\s+analy[sz]e\b", re.I)
#: a statement that writes, after any leading `--` comment lines as looks_like_sql allows them
_WRITING = re.compile(
    LEADING_COMMENTS + r"\s*(insert|update|delete|drop|create|alter|copy|attach|detach|truncate|set|pragma|"
    r"export|import|install|load|checkpoint|vacuum)\b",
    re.I,
)
ONLY_READS = "provtrack query only reads (SELECT, WITH, FROM, ...); the database is opened read-only"


def _one_reading_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse SQL of more than one statement, or one that is not a query ("select 1; copy ... to"
    passed the check of its first word and overwrote a file)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error:
        return  # not SQL DuckDB can parse: running it gives the parser's own one-line error
    if len(statements) > 1:
        raise click.ClickException("provtrack query runs one statement at a time (no ';' between two)")
    if statements and statements[0].type not in _READING:
        raise click.ClickException(ONLY_READS)
    if statements and (analyzed := _EXPLAIN_ANALYZE.match(sql)):
        _one_reading_statement(con, sql[analyzed.end() :])  # EXPLAIN ANALYZE runs what it explains


def _sql_path(given: str) -> Path:
    """The file `query FILE.sql` reads: `given` from the current folder, else, for a path under queries/
    that is not there, provtrack's own (the report and --help say `provtrack query queries/report/NAME.sql`,
    which from outside the checkout was "no such file")."""
    path = Path(given)
    ours = PROJECT_ROOT / path
    if not path.exists() and not path.is_absolute() and path.parts[:1] == ("queries",) and ours.is_file():
        return ours
    return path


def _read_sql_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise click.UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot be read: {exc}") from None


def sql_error_line(exc: duckdb.Error) -> str:
    """DuckDB's error in one line: its first paragraph, which holds the hint that follows the error
    ('Did you mean "article_origins"?', 'Candidate bindings: "origin_url", ...'), without the
    quoted statement and its caret below."""
    paragraph = str(exc).split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


@cli.command()
@click.argument("name_or_sql", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    callback=name_value_pairs,
    help="Bind a query parameter ($NAME in the SQL); repeatable.",
)
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
@output_options
@pass_context
def query(
    ctx, name_or_sql: str | None, params: dict[str, str], list_only: bool, fmt: str, out: str | None
) -> None:
    """Run a named query (a .sql file in queries/), a .sql file, or any read-only SQL against the database.

    \b
    Examples:
        provtrack query --list
        provtrack query "select origin_agency, count(*) from article_origins group by 1"
        provtrack query queries/report/summary.sql
        provtrack query new_carriers -p agency=Sputnik -p since=2026-11-01 --format csv
    """
    queries = named_queries()
    if list_only or not name_or_sql:
        import pandas as pd

        frame = pd.DataFrame(
            [
                {"name": q.name, "parameters": " ".join(q.parameters), "what a row is": q.summary}
                for q in queries.values()
            ],
            columns=["name", "parameters", "what a row is"],
        )
        emit(frame, fmt, out, title="named queries")
        return
    bound = params
    if name_or_sql.endswith(".sql") and name_or_sql not in queries:
        by_path = {q.path.resolve(): q.name for q in queries.values()}
        path = _sql_path(name_or_sql)
        # a named query given by its file is that query: its URL is looked up as the name's is
        name_or_sql = by_path.get(path.resolve()) or _read_sql_file(path)
    if name_or_sql in queries:
        named = queries[name_or_sql]
        missing, unknown = named.misfits(bound)
        if missing:
            raise click.UsageError(
                f"query {named.name} needs {', '.join('-p ' + m + '=...' for m in missing)}"
            )
        if unknown:
            takes = ", ".join("-p " + p for p in named.parameters) or "no parameters"
            raise click.UsageError(
                f"query {named.name} takes {takes}; not {', '.join('-p ' + u for u in unknown)}"
            )
        sql = named.sql
    elif looks_like_sql(name_or_sql):
        sql = name_or_sql
    elif _WRITING.match(name_or_sql):
        raise click.ClickException(ONLY_READS)
    else:
        raise click.UsageError(
            f"{name_or_sql!r} is neither a named query (see `provtrack query --list`) nor SQL"
        )
    with ctx.db.reader() as con:
        if name_or_sql in queries:
            try:
                bound = bind_parameters(con, queries[name_or_sql], bound)
            except BadURL as exc:
                raise click.ClickException(str(exc)) from None
        else:
            _one_reading_statement(con, sql)
        try:
            result = con.execute(sql, bound or None)
            frame = as_typed_in_duckdb(result.df(), result.description)
        except duckdb.Error as exc:
            if ctx.debug:
                raise
            damaged = damaged_text(ctx.db.path, exc)
            if not damaged and (given := _misfit_parameter(exc, bound)):
                raise click.UsageError(f"-p {given}: {sql_error_line(exc)}") from None
            raise click.ClickException(damaged or f"query failed: {sql_error_line(exc)}") from None
        hint = ""
        if frame.empty and bound:
            hint = _unknown_agency_hint(con, bound.get("agency")) + _unknown_url_hint(con, bound.get("url"))
        empty_database = None
        if frame.empty and _holds_no_articles(con):
            empty_database = database_file(con)
        from pipelines.store.links import unlinked_note  # here: it brings pandas, which a crawl does without

        not_linked = unlinked_note(con)
    if frame.empty and bound:
        given = ", ".join(f"{key}={value!r}" for key, value in bound.items())
        click.echo(f"no rows for {given}{hint}", err=True)
    if empty_database:  # an empty answer from an empty database is no finding: say which file was asked
        click.echo(
            f"note: {empty_database} holds no articles yet: crawl or ingest into it, or name another "
            "with --db (or PROVTRACK_DB)",
            err=True,
        )
    emit(frame, fmt, out)
    if not_linked:  # on stderr: the answer itself goes on to CSV or JSON unchanged
        click.echo(not_linked, err=True)


def _holds_no_articles(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def _misfit_parameter(exc: duckdb.Error, bound: dict) -> str | None:
    """NAME=VALUE of the -p value DuckDB could not convert (`-p since=yesterday` for a timestamp): a
    usage error of that parameter, not a failed query."""
    if not isinstance(exc, duckdb.ConversionException):
        return None
    return next((f"{k}={v}" for k, v in bound.items() if isinstance(v, str) and f'"{v}"' in str(exc)), None)


def _unknown_agency_hint(con: duckdb.DuckDBPyConnection, agency) -> str:
    """'; no agency is named X (did you mean Y?)' when -p agency names none the database or the registry
    knows (bind_parameters has already turned an alias into its agency's name): a typo otherwise reads as
    an agency nobody carries. Y is looked for among the registry's aliases and full names too: among the
    canonical names alone, "Sputnik News Agency" was closest to Cyprus News Agency."""
    import difflib

    from pipelines.registry import load_agencies

    if not isinstance(agency, str):
        return ""
    names = stored_agencies(con)
    registry = load_agencies()
    if agency.strip().casefold() in {name.casefold() for name in names} or registry.lookup(agency):
        return ""
    close = registry.closest(agency)
    suggestion = close.name if close else next(iter(difflib.get_close_matches(agency, names, n=1)), None)
    if suggestion:
        return f"; no agency is named {agency!r} (did you mean {suggestion}?)"
    return f"; no agency is named {agency!r} (`provtrack agencies` lists the names and aliases known)"


def _unknown_url_hint(con: duckdb.DuckDBPyConnection, url) -> str:
    """'; X is not in FILE (stored URLs like it: ...)' when -p url names no stored article
    (bind_parameters has already tried the spellings a browser changes): not a story nobody took on."""
    from pipelines.explain import stored_urls_like

    if not isinstance(url, str) or con.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchall():
        return ""
    like = stored_urls_like(con, url)
    where = database_file(con)
    return f"; {url} is not in {where}" + (f" (stored URLs like it: {', '.join(like)})" if like else "")


@cli.command()
@click.argument("url")
@pass_context
def explain(ctx, url: str) -> None:
    """Show one article's provenance: its chain, the credits it gives and the passages it reuses.

    \b
    Example:
        provtrack --db data/demo.duckdb explain http://baltic-ledger.example/news/2026/11/16/belarus-4th-nation-s400-air-defense.html
    """
    from pipelines.explain import explain_article

    with ctx.db.reader() as con:
        click.echo(explain_article(con, url))


@cli.group(name="eval")
def evaluate() -> None:
    """Score a stage against the labelled corpora in ../shared/corpora."""


@evaluate.command("credits")
@click.option(
    "--corpora",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT.parent / "shared" / "corpora",
    show_default=True,
)
def eval_credits(corpora: Path) -> None:
    """Precision and recall of the credits stage per role against credits-dev.jsonl.

    \b
    Example:
        provtrack eval credits --corpora ../shared/corpora
    """
    from pipelines.eval_credits import evaluate_credits, format_report

    if not (corpora / "credits" / "credits-dev.jsonl").is_file():
        raise click.ClickException(f"no labels at {corpora}/credits/credits-dev.jsonl")
    click.echo(format_report(evaluate_credits(corpora)))


@cli.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@pass_context
def export(ctx, out_dir: Path) -> None:
    """Write the public relations (article_origins, credits) as Parquet files into OUT_DIR.

    \b
    Example:
        provtrack export exports/2026-11-25
    """
    import warnings

    from pipelines.api import NotLinkedWarning, ProvenanceDB

    if "'" in str(out_dir):
        raise click.BadParameter("the folder name may not contain a quote", param_hint="OUT_DIR")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NotLinkedWarning)
        written = ProvenanceDB(ctx.db.path, ctx.db.wait).export_parquet(out_dir)
    for path in written:
        click.echo(f"wrote {path}")
    for warning in caught:  # as `query` says it: one line on stderr, not Python's warning format
        if issubclass(warning.category, NotLinkedWarning):
            click.echo(str(warning.message), err=True)
