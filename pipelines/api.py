"""Python access for notebooks: the public relations and named queries as pandas DataFrames.

    from pipelines.api import open_db
    db = open_db()  # $PROVTRACK_DB, else data/provenance.duckdb; or open_db("path/to.duckdb")
    db.origins().query("credit_status == 'uncredited'")
    db.query("credit_honesty")
    db.query("new_carriers", agency="Sputnik", since="2026-11-01")
    print(db.explain("https://example.com/story"))

Every call opens the file read-only for its duration, so a notebook never blocks a cron run for longer
than one query. An answer from a database with articles not linked yet comes with a NotLinkedWarning,
as `provtrack query` prints a note.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

import pandas as pd

from pipelines import DEFAULT_DB
from pipelines.files import replaced_when_done
from pipelines.named_queries import bind_parameters, named_queries
from pipelines.store import Database
from pipelines.store.links import unlinked_note

PUBLIC_VIEWS = ("article_origins", "credits")


class NotLinkedWarning(UserWarning):
    """Some articles are not linked yet: their origins are only what their pages credit. A warning,
    not silence, because the DataFrame looks complete either way; its own class, so a notebook that
    knows can filter it (warnings.simplefilter("ignore", NotLinkedWarning))."""


def _warn_if_not_linked(con) -> None:
    if note := unlinked_note(con):
        warnings.warn(note, NotLinkedWarning, stacklevel=3)  # named after the caller of sql() or query()


class ProvenanceDB:
    """Read-only access to a provtrack database."""

    def __init__(self, path: str | Path, wait: float = 60.0):
        self._db = Database(path, wait=wait)

    def sql(self, sql: str, **params) -> pd.DataFrame:
        """Any read-only SQL; parameters are bound ($name)."""
        with self._db.reader() as con:
            answer = con.execute(sql, params or None).df()
            _warn_if_not_linked(con)
        return answer

    def origins(self) -> pd.DataFrame:
        """The article_origins relation: one row per article."""
        return self.sql("SELECT * FROM article_origins")

    def credits(self) -> pd.DataFrame:
        """The credits relation: one row per (article, agency, role). What the pages say, linked or
        not, so without a NotLinkedWarning."""
        with self._db.reader() as con:
            return con.execute("SELECT * FROM credits").df()

    def query(self, name: str, **params) -> pd.DataFrame:
        """A named query from queries/ (see `provtrack query --list`)."""
        queries = named_queries()
        if name not in queries:
            raise KeyError(f"no named query {name!r}; have: {', '.join(sorted(queries))}")
        if any(queries[name].misfits(params)):  # as a Python call with a wrong keyword says, not DuckDB's
            takes = ", ".join(f"{p}=..." for p in queries[name].parameters) or "no parameters"
            raise TypeError(f"query {name!r} takes {takes}; given {', '.join(params) or 'none'}")
        with self._db.reader() as con:
            answer = con.execute(queries[name].sql, bind_parameters(con, queries[name], params) or None).df()
            _warn_if_not_linked(con)
        return answer

    def explain(self, url: str) -> str:
        """The text `provtrack explain URL` prints."""
        from pipelines.explain import explain_article

        with self._db.reader() as con:
            return explain_article(con, url)

    def export_parquet(self, out_dir: str | Path) -> list[Path]:
        """Write every public view to out_dir/<view>.parquet, all from one snapshot of the database
        (a crawl committing meanwhile cannot make them disagree); returns the files written."""
        out = Path(out_dir)
        written = [out / f"{view}.parquet" for view in PUBLIC_VIEWS]
        # the files are renamed into place only once all are written (two renames, microseconds apart)
        with self._db.reader() as con, contextlib.ExitStack() as replace_at_end:
            out.mkdir(parents=True, exist_ok=True)  # not before the database is found
            con.execute("BEGIN TRANSACTION")
            for view, target in zip(PUBLIC_VIEWS, written):
                partial = replace_at_end.enter_context(replaced_when_done(target))
                con.execute(f"COPY (SELECT * FROM {view}) TO '{partial.as_posix()}' (FORMAT parquet)")
            not_linked = unlinked_note(con)
            con.execute("COMMIT")
        if not_linked:  # once the files are in place: files passed on look complete all the more
            warnings.warn(not_linked, NotLinkedWarning, stacklevel=2)
        return written


def open_db(path: str | Path | None = None, wait: float = 60.0) -> ProvenanceDB:
    """A read-only handle on a provtrack database: `path`, else $PROVTRACK_DB, else the one the
    commands use by default (data/provenance.duckdb in the checkout, wherever the notebook runs)."""
    return ProvenanceDB(path or os.environ.get("PROVTRACK_DB") or DEFAULT_DB, wait)
