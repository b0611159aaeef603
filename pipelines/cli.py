"""The provtrack command line: a thin layer that opens the database, calls one stage function and
turns known errors into one line and a non-zero exit code (--debug shows tracebacks)."""

from __future__ import annotations

import importlib
import signal
from concurrent.futures import BrokenExecutor
from pathlib import Path

import click
import duckdb

from pipelines import DEFAULT_DB, __version__
from pipelines.interrupts import stop_as_interrupt
from pipelines.store import Database, DatabaseLocked, StoreError
from pipelines.store.db import damaged_text, disk_full_text
from pipelines.store.runs import is_interrupt

EXIT_PARTIAL = 3  # the command finished, but some inputs or sources failed (each was named)
EXIT_LOCKED = 75  # another run holds the database (EX_TEMPFAIL: cron may simply retry later)
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)
#: the options of `provtrack` itself, given before the command
GLOBAL_OPTIONS = ("--db", "--wait", "--debug")
#: the module of pipelines.commands that defines each command. Only the module of the command given is
#: imported: `provtrack query` has no use for trafilatura (ingest) or the public-suffix list (crawl),
#: which took a third of its start-up.
COMMAND_MODULES = {
    "migrate": "admin",
    "runs": "admin",
    "agencies": "admin",
    "sources": "admin",
    "registry": "admin",
    "query": "answers",
    "explain": "answers",
    "eval": "answers",
    "export": "answers",
    "crawl": "crawl",
    "merge": "crawl",
    "reprocess": "crawl",
    "ingest": "loading",
    "link": "linking",
    "demo": "loading",
    "report": "report",
}


class Context:
    def __init__(self, db_path: Path, wait: float, debug: bool, db_given: bool = True):
        self.db = Database(db_path, wait=wait)
        self.debug = debug
        self.db_given = db_given  # named by --db or PROVTRACK_DB, not the default


pass_context = click.make_pass_decorator(Context)


class UserError(click.ClickException):
    """A known error, shown as one line; `exit_code` tells cron what kind."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        """An error as "Error: why"; a stop the user asked for (Ctrl-C, SIGTERM) is none, and says
        only what it left."""
        if self.exit_code == EXIT_INTERRUPTED:
            click.echo(self.format_message(), err=True, file=file)
        else:
            super().show(file)


def _interrupted() -> UserError:
    """Ctrl-C or SIGTERM, however it reached the command."""
    return UserError("interrupted; everything stored before is kept", EXIT_INTERRUPTED)


class ProvtrackGroup(click.Group):
    """Turns the errors a user can cause into one line and an exit code; --debug re-raises them.
    Loads each command's module when the command is asked for (COMMAND_MODULES)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"pipelines.commands.{COMMAND_MODULES[cmd_name]}")  # registers it
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as exc:
            if exc.option_name in GLOBAL_OPTIONS:  # `provtrack crawl --wait 5` said "did you mean --site?"
                raise click.UsageError(
                    f"{exc.option_name} is an option of provtrack itself: give it before the command, "
                    f"as in `provtrack {exc.option_name} ... {ctx.invoked_subcommand} ...`",
                    ctx=exc.ctx,
                ) from None
            raise
        except DatabaseLocked as exc:
            if _debug(ctx):
                raise
            raise UserError(str(exc), EXIT_LOCKED) from None
        except (StoreError, OSError, ValueError) as exc:
            if _debug(ctx):
                raise
            if is_interrupt(exc):
                raise _interrupted() from None
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UserError(disk_full_text(exc) or first_line) from None
        except KeyboardInterrupt:
            raise _interrupted() from None
        except (MemoryError, duckdb.OutOfMemoryException) as exc:
            if _debug(ctx):
                raise
            kind = type(exc).__name__
            raise UserError(
                f"out of memory ({kind}); everything stored before is kept (--debug shows where)"
            ) from None
        except (RuntimeError, duckdb.Error) as exc:
            if _debug(ctx):
                raise
            # Ctrl-C inside a DuckDB query surfaces as its own error, not KeyboardInterrupt
            if is_interrupt(exc):
                raise _interrupted() from None
            if disk_full_text(exc):
                raise UserError(disk_full_text(exc)) from None
            db_path = ctx.obj.db.path if isinstance(ctx.obj, Context) else None
            if db_path is not None and (damaged := damaged_text(db_path, exc)):  # found mid-query
                raise UserError(damaged) from None
            if isinstance(exc, BrokenExecutor):
                raise UserError(
                    "a worker process died (killed from outside, or out of memory); everything stored "
                    "before is kept, and the next run does the rest"
                ) from None
            if isinstance(exc, duckdb.IOException):  # a file DuckDB could not read or write
                first_line = str(exc).splitlines()[0][:300]
                if db_path is not None and Path(db_path).name in first_line:  # the database itself
                    raise UserError(
                        f"{db_path} could not be read (is it damaged? restore it from a copy): {first_line}"
                    ) from None
                raise UserError(first_line) from None
            raise


def _not_a_folder(value: str | Path) -> Path:
    """`--db newdir/` would quietly become a file named newdir: a path ending in a separator is a folder."""
    if str(value).endswith(("/", "\\")):
        example = Path(value) / "provenance.duckdb"
        raise click.BadParameter(f"{value} names a folder; name the database file, e.g. {example}")
    return Path(value)


def name_value_pairs(_ctx, _param, pairs: tuple[str, ...]) -> dict[str, str]:
    """Click callback of a repeatable NAME=VALUE option (crawl's -s, query's -p): a dict, the last of
    a repeated NAME winning. A pair with no '=' or a blank name (" =1") is a usage error naming it."""
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: want NAME=VALUE")
        found[name.strip()] = value
    return found


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.debug)


@click.group(
    cls=ProvtrackGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="PROVTRACK_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="DuckDB database file (env PROVTRACK_DB).",
    callback=lambda ctx, param, value: _not_a_folder(value),
)
@click.option(
    "--wait",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to wait for another provtrack process that holds the database.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="provtrack")
@click.pass_context
def cli(ctx: click.Context, db_path: Path, wait: float, debug: bool) -> None:
    """Track where news stories come from: crawl or ingest articles, link each republished story to
    the agency it came from (through any intermediaries), and ask questions in SQL.

    \b
    Example:
        provtrack ingest articles.jsonl && provtrack link && provtrack query uncredited_reuse
    """
    given = ctx.get_parameter_source("db_path") is not click.core.ParameterSource.DEFAULT
    ctx.obj = Context(db_path, wait, debug, db_given=given)


def main() -> None:
    """Console entry point. SIGTERM (cron's `timeout`, systemd, kill) stops a command as Ctrl-C does:
    the run is marked interrupted, its open transaction rolled back, and the exit code is 130.

    Once the command has returned, both are ignored: Python puts back the default handlers while it
    shuts down (a moment, with DuckDB and a worker pool to tear down), and a signal then turned the
    exit code of a run that had finished and stored everything into "killed by SIGTERM"."""
    signal.signal(signal.SIGTERM, stop_as_interrupt)
    signal.signal(signal.SIGINT, stop_as_interrupt)
    try:
        cli(prog_name="provtrack")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def all_commands() -> dict[str, click.Command]:
    """Every command by name, its module imported (for --help listings, docs checks, tests)."""
    with click.Context(cli) as ctx:
        return {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}


if __name__ == "__main__":  # `python -m pipelines.cli`: run the copy of this module the commands joined
    from pipelines.cli import main as registered_main

    registered_main()
