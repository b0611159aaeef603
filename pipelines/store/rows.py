"""Row batches for DuckDB as one parameterised VALUES list.

No DataFrame in between: pandas costs ~0.4 s to import, paid at the start of every command that
writes, and pyarrow imports pandas as soon as it builds an array. Binding the values of 400 cleaned
articles this way takes ~80 ms of CPU (executemany: ~350 ms)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

INT32, INT64, TEXT, TIMESTAMP = "INTEGER", "BIGINT", "VARCHAR", "TIMESTAMP"


def values_sql(columns: dict[str, str], count: int) -> str:
    """SELECT of `count` rows of parameters named and typed as `columns` (name -> DuckDB type)."""
    row = "(" + ", ".join(f"?::{kind}" for kind in columns.values()) + ")"
    return f"SELECT * FROM (VALUES {', '.join([row] * count)}) AS v({', '.join(columns)})"


def parameters(rows: list[tuple]) -> list:
    return [value for row in rows for value in row]


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: list[tuple]
) -> None:
    """INSERT `rows` (tuples in the order of `columns`) into `table`; the table's column types bind the
    parameters (casting each one in the SQL doubles the cost). Values must be plain Python (int, str,
    datetime, None...): DuckDB's binder refuses numpy scalars."""
    if not rows:
        return
    row = "(" + ", ".join("?" * len(columns)) + ")"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * len(rows))}"
    con.execute(sql, parameters(rows))


def create_temp_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: list[tuple]
) -> None:
    """A temporary table `name` holding `rows`, for a query in queries/ to read."""
    if rows:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS {values_sql(columns, len(rows))}", parameters(rows)
        )
    else:
        body = ", ".join(f"{column} {kind}" for column, kind in columns.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({body})")
