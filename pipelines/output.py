"""One way to print rows for every command: --format table|csv|json|parquet (+ --out FILE)."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from typing import TYPE_CHECKING

import click

from pipelines.files import is_stream, replaced_when_done
from pipelines.wording import counted

if TYPE_CHECKING:  # imported where used: ~0.4 s that a crawl, which prints no table, need not pay
    import pandas as pd

FORMATS = ("table", "csv", "json", "parquet")
#: the format an --out file's extension asks for when --format is not given: `--out q.parquet` wrote a
#: text table under that name, exit 0, and the researcher found out when pandas could not read it
FORMAT_OF_SUFFIX = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".parquet": "parquet",
}
#: Rows a table shows on a terminal: drawing one costs ~0.5 ms a row (45,000 rows took 26 s), and
#: nobody reads that many there. A pipe, a file, csv, json, parquet and --out get every row.
TABLE_ROWS = 1000


def output_options(func):
    """Adds --format and --out to a command; the command passes its DataFrame to emit()."""

    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="How to print rows; parquet needs --out. Default: what the --out file's extension says "
        "(.csv, .json, .jsonl, .parquet), else table.",
    )
    @click.option(
        "--out",
        "out",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write rows to this file instead of standard output.",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        kwargs["fmt"] = kwargs.get("fmt") or format_for(kwargs.get("out"))
        return func(*args, **kwargs)

    return wrapper


def format_for(out: str | None) -> str:
    """The format of an --out file named without --format: its extension's, else a table."""
    if not out:
        return "table"
    suffix = os.path.splitext(out)[1].lower()
    return FORMAT_OF_SUFFIX.get(suffix, "table")


@contextlib.contextmanager
def _text_file(out: str):
    """The --out file to write text to: replaced whole when done, or, for /dev/stdout and the like,
    appended to (the shell may have opened it with >>, which a plain open for writing would empty)."""
    if is_stream(out):
        with open(out, "a", encoding="utf-8") as handle:
            yield handle
        return
    with replaced_when_done(out) as partial, open(partial, "w", encoding="utf-8") as handle:
        yield handle


#: integers pandas holds exactly as floats: a HUGEINT sum beyond this was rounded by DuckDB's .df() already
_EXACT_IN_FLOAT = 2**53


def as_typed_in_duckdb(frame: pd.DataFrame, description) -> pd.DataFrame:
    """Give back the types DuckDB's .df() loses, by the result's `description`: DATE columns arrive as
    midnight timestamps (a week printed as 2026-11-16T00:00:00.000 in JSON), and HUGEINT ones, which
    is what sum() of integers is, as floats (a researcher's count of credited copies printed as 12.0)."""
    for position, (_, type_code, *_) in enumerate(description or ()):
        column = frame.iloc[:, position]  # by position: two columns may share a name
        if str(type_code) == "DATE" and str(column.dtype).startswith("datetime64"):
            frame.isetitem(position, column.dt.date)
        elif str(type_code) == "HUGEINT" and column.dtype.kind == "f":
            values = column.dropna()
            if ((values % 1 == 0) & (values.abs() < _EXACT_IN_FLOAT)).all():
                frame.isetitem(position, column.astype("Int64"))
    return frame


def _iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """pandas writes a date as a midnight timestamp in JSON: write its ISO form instead. A timestamp
    without a zone is UTC in provtrack's database: say so ("…Z"), or a JavaScript or jq reader takes
    it for local time."""
    from datetime import date, datetime

    import pandas as pd

    def iso(value):
        return value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else value

    def json_ready(column):
        if column.dtype == object:
            return column.map(iso)
        if pd.api.types.is_datetime64_dtype(column) and getattr(column.dt, "tz", None) is None:
            return column.dt.tz_localize("UTC")
        return column

    return frame.apply(json_ready)


def _text_typed(frame: pd.DataFrame) -> pd.DataFrame:
    """A text column with no value tonight would go to Parquet typed "null", and tomorrow's file, with
    one value, as string: a schema that changes from night to night, which strict readers refuse to
    append or union. An all-null column of Python objects is text (DuckDB gives every other type a
    typed pandas column, nulls or not)."""
    import pandas as pd

    empty = [
        position
        for position in range(frame.shape[1])
        if pd.api.types.is_object_dtype(frame.dtypes.iloc[position]) and frame.iloc[:, position].isna().all()
    ]
    if not empty:
        return frame
    frame = frame.copy()
    for position in empty:
        frame.isetitem(position, frame.iloc[:, position].astype("string"))
    return frame


def emit(frame: pd.DataFrame, fmt: str, out: str | None, title: str | None = None) -> None:
    """Print or write a DataFrame in the chosen format; a file written is named on stderr."""
    if fmt == "parquet":
        if not out:
            raise click.UsageError("--format parquet writes a file: add --out FILE.parquet")
        with replaced_when_done(out) as partial:
            _text_typed(frame).to_parquet(partial, index=False)
    elif fmt in ("csv", "json"):
        if fmt == "csv":
            text = frame.to_csv(index=False)
        else:
            text = _iso_dates(frame).to_json(
                orient="records", date_format="iso", force_ascii=False, lines=True
            )
            # pandas writes every "/" as "\/" (valid JSON, but URLs become unreadable and ungreppable).
            # Safe to undo: a backslash of the data is written "\\", so "\/" only ever escapes a slash.
            text = text.replace("\\/", "/")
        if out:
            with _text_file(out) as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
    else:
        _print_table(frame, out, title)
    if out:
        click.echo(f"wrote {counted(len(frame), 'row')} to {out}", err=True)


def _print_table(frame: pd.DataFrame, out: str | None, title: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    on_screen = out is None and sys.stdout.isatty()  # a pipe or a file gets every row
    shown = frame.head(TABLE_ROWS) if on_screen and len(frame) > TABLE_ROWS else frame
    for row in shown.itertuples(index=False):
        table.add_row(*("" if _missing(v) else str(v) for v in row))
    # cells are data, not Rich markup: a title holding "[Video]" or "[/]", or "3:x:1" (an emoji code)
    plain = {"markup": False, "emoji": False}
    if out:
        with _text_file(out) as handle:
            Console(file=handle, width=200, **plain).print(table)
    else:
        Console(width=None if sys.stdout.isatty() else 200, **plain).print(table)
    if len(shown) < len(frame):
        click.echo(
            f"showing the first {len(shown):,} of {len(frame):,} rows; "
            "--format csv (or json), or --out FILE, gives them all",
            err=True,
        )


def _missing(value) -> bool:
    import pandas as pd

    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
