"""Runs: every writing command records one, so a run that did not finish is visible as such."""

from __future__ import annotations

import contextlib
import json
import os
from importlib.metadata import PackageNotFoundError, version

import duckdb

from pipelines import __version__
from pipelines.interrupts import STOP_SIGNALLED
from pipelines.store.db import load_query, rollback


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def mark_stale_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, object]]:
    """Mark 'interrupted' the runs left 'running' by a process that ended without finishing (killed,
    out of memory, the machine went down); returns their (run_id, command, started_at). Only under the
    writer lock, before this process starts its own run: every run is made under that lock, so any
    run still 'running' is one whose process is gone. Its PID says nothing: after a reboot or PIDs
    wrapping round, another live process may have it (then the run stayed 'running' for good)."""
    query = "SELECT run_id, command, started_at FROM runs WHERE status = 'running' ORDER BY run_id"
    stale = con.execute(query).fetchall()
    marked = []
    for run_id, command, started_at in stale:
        kept = kept_by(con, run_id)  # its committed batches: what `runs` can still say it did
        con.execute(
            "UPDATE runs SET status = 'interrupted', message = ?, counts = ? WHERE run_id = ?",
            [
                f"process ended before the run finished{_kept_text(kept)}",
                json.dumps(kept) if kept else None,
                run_id,
            ],
        )
        marked.append((run_id, command, started_at))
    return marked


def start_run(con: duckdb.DuckDBPyConnection, command: str, args: str = "") -> int:
    """Record a new run as 'running' and return its id; stale runs are marked first (mark_stale_runs):
    the writer lock is ours."""
    mark_stale_runs(con)
    row = con.execute(
        load_query("store/start_run"),
        [
            command,
            args,
            os.getpid(),
            __version__,
            _version("trafilatura"),
            _version("scrapy"),
            duckdb.__version__,
        ],
    ).fetchall()
    return row[0][0]


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, status: str, counts: dict | None = None, message: str = ""
) -> None:
    """Close a run with its status (ok / partial / failed) and counts."""
    con.execute(
        "UPDATE runs SET finished_at = current_timestamp::TIMESTAMP, status = ?, counts = ?, message = ? "
        "WHERE run_id = ?",
        [status, json.dumps(counts or {}), message or None, run_id],
    )


def is_interrupt(exc: BaseException) -> bool:
    """Ctrl-C or SIGTERM: KeyboardInterrupt, or DuckDB's error for a query the signal cut short, or
    for Python code DuckDB was running (reading a DataFrame) when the signal's KeyboardInterrupt came."""
    return (
        STOP_SIGNALLED.is_set()
        or isinstance(exc, (KeyboardInterrupt, duckdb.InterruptException))
        or (isinstance(exc, RuntimeError) and str(exc) == "Query interrupted")
        or (isinstance(exc, duckdb.Error) and str(exc).rstrip().endswith("KeyboardInterrupt:"))
    )


def abort_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    exc: BaseException,
    *,
    counts: dict | None = None,
    doing: str = "",
) -> None:
    """Close a run that an exception ended: `interrupted` after a signal, else `failed` with the error.
    Work of an open transaction is rolled back. `counts`: the run's own, when it has them (a crawl
    stopped while linking what it stored), else what its committed batches kept; `doing`: where it
    stopped (" while linking"). Never raises over the original error: a run it cannot close stays
    `running`, and the next run marks it interrupted."""
    interrupted = is_interrupt(exc)
    rollback(con)  # an error if no transaction is open, which is fine
    kept: dict[str, int] = {}
    if counts is None:
        with contextlib.suppress(duckdb.Error):  # counting is a courtesy: the run is closed without it
            kept = kept_by(con, run_id)
    with contextlib.suppress(duckdb.Error):
        why = ("stopped by a signal" if interrupted else f"{type(exc).__name__}: {exc}") + doing
        finish_run(
            con,
            run_id,
            "interrupted" if interrupted else "failed",
            counts if counts is not None else kept,
            message=why + _kept_text(kept),
        )


def _kept_text(kept: dict[str, int]) -> str:
    """ "; kept: 200 article versions" for a run's message, or nothing."""
    if not kept:
        return ""
    return "; kept: " + ", ".join(
        f"{n} {what.removesuffix('s') if n == 1 else what}" for what, n in kept.items()
    )


def kept_by(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, int]:
    """What a run that did not finish had stored (its batches are committed one by one): article
    versions and link verdicts carrying its id, the ones it has."""
    counts = {
        "article versions": con.execute(
            "SELECT count(*) FROM articles WHERE run_id = ?", [run_id]
        ).fetchone()[0],
        "link verdicts": con.execute("SELECT count(*) FROM chains WHERE run_id = ?", [run_id]).fetchone()[0],
    }
    return {what: n for what, n in counts.items() if n}
