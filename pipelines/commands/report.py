"""The report command: a self-contained HTML report of the whole database."""

from __future__ import annotations

from pathlib import Path

import click

from pipelines.cli import cli, pass_context


@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="Folder to write index.html into (created if missing), or a file ending in .html; "
    "default: <db name>-report/ beside the database.",
)
@click.option("--title", default="provtrack report", show_default=True, help="Heading of the report.")
@pass_context
def report(ctx, out: Path | None, title: str) -> None:
    """Write a static HTML report that works offline: the outlet → agency graph (credited or not), every
    multi-article story's chain, each outlet's dependence on agencies per week, how long copies take,
    and the tables behind them (the SQL is in queries/report/).

    \b
    Example:
        provtrack report --out data/report/ && xdg-open data/report/index.html
        provtrack report --out data/nightly.html
        provtrack report   # into data/provenance-report/
    """
    from pipelines.report import MAX_CHAIN_STORIES, write_report

    folder, name = out, "index.html"
    if out is None:  # one report folder per database: data/provenance-report/ for the default one
        folder = ctx.db.path.parent / f"{ctx.db.path.stem}-report"
    elif out.suffix.lower() in (".html", ".htm") and not out.is_dir():  # the page is one file
        folder, name = out.parent, out.name
    with ctx.db.reader() as con:
        written = write_report(con, folder, title=title, name=name)
    drawn = min(written.stories, MAX_CHAIN_STORIES)
    click.echo(
        f"wrote {written.path}: {written.edges} outlet → agency pairs, {written.stories} stories "
        f"({drawn} drawn), {written.outlets} outlets over time, {written.copies} copy lags"
    )
