"""The link command, and the linking with a progress bar that every command that links goes through.
Apart from ingest: linking has no use for trafilatura, which ingest's cleaning loads."""

from __future__ import annotations

import click

from pipelines.cli import cli, pass_context
from pipelines.progress import progress
from pipelines.store.runs import abort_run, finish_run, start_run


def link_showing_progress(con, run_id: int, **options):
    """link_articles with a progress bar on a terminal: linking a large batch takes minutes. Every
    command that links (link, crawl, merge, reprocess) goes through here; the demo links quietly."""
    from pipelines.link import link_articles

    with progress("link") as update:
        summary = link_articles(
            con,
            run_id,
            progress=lambda done, total: update(advance=0, completed=done, total=total),
            **options,
        )
    if summary.other_rules:
        click.echo(
            f"note: {summary.other_rules} stored verdicts were made by an older provtrack's link rules; "
            "run `provtrack link --all` once to judge them by this one's (README: Upgrading)",
            err=True,
        )
    return summary


@cli.command()
@click.option("--all", "rebuild", is_flag=True, help="Rebuild every link and chain from scratch.")
@click.option(
    "--window-days",
    default=14,
    show_default=True,
    type=click.IntRange(min=1),
    help="How far back a source may lie.",
)
@pass_context
def link(ctx, rebuild: bool, window_days: int) -> None:
    """Find text reuse and build provenance chains for articles not linked yet.

    \b
    Example:
        provtrack link            # new articles only
        provtrack link --all      # rebuild everything
    """
    with ctx.db.writer(create=False) as con:
        run_id = start_run(con, "link", "--all" if rebuild else "")
        try:
            summary = link_showing_progress(con, run_id, rebuild=rebuild, window_days=window_days)
        except BaseException as exc:
            abort_run(con, run_id, exc)
            raise
        finish_run(con, run_id, "ok", vars(summary))
    click.echo(f"link: {summary} (run {run_id})")
