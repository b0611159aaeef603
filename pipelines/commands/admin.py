"""Commands about the database and the registries: migrate, runs, agencies, sources, registry."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from pipelines.cli import EXIT_PARTIAL, cli, pass_context
from pipelines.output import emit, output_options
from pipelines.registry import load_agencies, load_sources
from pipelines.store.articles import ensure_registries
from pipelines.store.db import apply_migrations, load_query, migration_files
from pipelines.store.runs import finish_run, start_run
from pipelines.wording import counted


@cli.command()
@click.option(
    "--list", "list_only", is_flag=True, help="Show applied and pending migrations; change nothing."
)
@pass_context
def migrate(ctx, list_only: bool) -> None:
    """Create or upgrade the database schema (safe to run any number of times).

    \b
    Example:
        provtrack migrate --list
    """
    if list_only:
        _list_migrations(ctx.db)
        return
    with ctx.db.writer(migrate=False) as con:
        applied = apply_migrations(con)
        ensure_registries(con)
    click.echo(
        f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "schema is up to date"
    )


def _list_migrations(db) -> None:
    """Applied and pending migrations, read-only (a running crawl holds the writer lock for hours);
    one a newer provtrack applied is listed too."""
    done: dict[int, str] = {}
    if db.path.exists():
        with db.reader(provtrack_only=False) as con:
            if con.execute(load_query("store/has_migrations")).fetchone()[0]:
                done = dict(con.execute(load_query("store/applied_migrations")).fetchall())
    shipped = {version: name for version, name, _ in migration_files()}
    for version in sorted(set(shipped) | set(done)):
        if version not in shipped:
            click.echo(f"{version:03d}  applied {done[version]} by a newer provtrack")
        else:
            state = f"applied {done[version]}" if version in done else "pending"
            click.echo(f"{version:03d}_{shipped[version]}  {state}")


@cli.command()
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many recent runs to show."
)
@output_options
@pass_context
def runs(ctx, limit: int, fmt: str, out: str | None) -> None:
    """List recent runs: command, status (running/ok/partial/failed/interrupted), counts, versions.

    \b
    Example:
        provtrack runs --limit 5
    """
    with ctx.db.reader() as con:
        frame = con.execute(
            "SELECT run_id, command, status, started_at, finished_at, counts, message, provtrack_version "
            "FROM runs ORDER BY run_id DESC LIMIT ?",
            [limit],
        ).df()
    if fmt == "table":  # a crawl of the shipped registry holds ~5 kB of counts: one line on screen
        frame["counts"] = frame["counts"].map(summarize_counts)
    emit(frame, fmt, out, title="runs")


def summarize_counts(counts_json: str | float | None) -> str:
    """The counts of a run in a line: per-source statuses and article totals for a crawl (its counts are
    one object per source), "name value" pairs for other commands. --format csv/json keep them whole.
    A run still going, or killed, has none: pandas gives NaN for it when other rows have some."""
    if not isinstance(counts_json, str):
        return ""
    try:
        counts = json.loads(counts_json or "{}")
    except ValueError:
        return counts_json or ""
    if not isinstance(counts, dict):
        return str(counts)
    per_source = {k: v for k, v in counts.items() if isinstance(v, dict) and "status" in v}
    if not per_source:
        return ", ".join(f"{k} {v}" for k, v in counts.items() if not isinstance(v, (dict, list)))
    statuses = Counter(v["status"] for v in per_source.values())
    new, versions = (
        sum(int(v.get(key) or 0) for v in per_source.values()) for key in ("new_articles", "new_versions")
    )
    by_status = ", ".join(f"{n} {status}" for status, n in statuses.most_common())
    sources = counted(len(per_source), "source")
    return f"{sources} ({by_status}): {new} new, {counted(versions, 'new version')}"


@cli.command()
@output_options
def agencies(fmt: str, out: str | None) -> None:
    """List the news agencies provtrack knows (data/agencies.toml).

    \b
    Example:
        provtrack agencies --format csv
    """
    import pandas as pd  # only when asked: pandas takes ~0.4 s to import, every command would pay it

    frame = pd.DataFrame(
        [
            {
                "agency": a.name,
                "full_name": a.full_name,
                "country": a.country,
                "ownership": a.ownership,
                "state_affiliated": a.state_affiliated,
                "domains": " ".join(a.domains),
                "aliases": ", ".join(x for x in a.aliases if x != a.name),
            }
            for a in load_agencies()
        ]
    )
    emit(frame, fmt, out, title=f"{len(frame)} agencies")


@cli.command()
@click.option(
    "--sources",
    "registry",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Sources registry to list (default data/sources.toml), as `crawl --sources` takes.",
)
@output_options
def sources(registry: Path | None, fmt: str, out: str | None) -> None:
    """List the registered crawl sources (data/sources.toml); unverified URLs are marked.

    \b
    Example:
        provtrack sources
        provtrack sources --sources data/demo/sources.toml
    """
    import pandas as pd  # only when asked: pandas takes ~0.4 s to import, every command would pay it

    frame = pd.DataFrame(
        [
            {
                "source": s.name,
                "outlet": s.outlet,
                "home": s.home,
                "feeds": " ".join(s.feeds),
                "sitemaps": " ".join(s.sitemaps),
                "verified": s.verified,
                "republishes": ", ".join(s.republishes),
            }
            for s in load_sources(registry)
        ]
    )
    emit(frame, fmt, out, title=f"{len(frame)} sources")


@cli.group()
def registry() -> None:
    """Manage the outlet registry in the database."""


@registry.command("import-state-media")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def import_state_media(ctx, csv_file: Path) -> None:
    """Merge a state-media list (CSV: name, domain or url, country, typology columns such as GMF's
    State Media Matrix) into the outlet registry; known outlets get the typology, new ones are added.
    Every row counts as state-affiliated (it is on a state-media list) unless its typology says
    "independent" (GMF's independent public media); a row without a typology keeps the one stored.

    \b
    Example:
        provtrack registry import-state-media state_media_matrix.csv
    """
    from pipelines.state_media import read_state_media
    from pipelines.store.articles import Outlets

    entries, problems = read_state_media(csv_file)
    for problem in problems:
        click.echo(f"skipped {problem}", err=True)
    with ctx.db.writer() as con:
        run_id = start_run(con, "registry import-state-media", str(csv_file))
        outlets = Outlets(con, run_id)
        con.execute("BEGIN TRANSACTION")
        for entry in entries:
            outlet_id = outlets.find(entry.name, entry.domain)
            outlet_id = outlets.add(
                entry.name if outlet_id is None else outlets.name_of(outlet_id),
                registry="state-media",
                domain=entry.domain,
                aliases=(entry.name,),
            )
            con.execute(
                "UPDATE outlets SET typology = coalesce(?, typology), country = coalesce(country, ?), "
                "state_affiliated = coalesce(state_affiliated, ?) WHERE outlet_id = ?",
                [entry.typology, entry.country, entry.state_affiliated, outlet_id],
            )
        con.execute("COMMIT")
        finish_run(
            con,
            run_id,
            "ok" if not problems else "partial",
            {"imported": len(entries), "skipped": len(problems)},
        )
    click.echo(f"imported {len(entries)} state-media outlets, skipped {len(problems)} rows")
    if problems:
        sys.exit(EXIT_PARTIAL)  # as ingest: done, but some rows were named and left out
