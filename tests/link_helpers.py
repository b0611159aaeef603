"""Test/bench helper for the link stage: a migrated database and a bulk loader of article rows.
It writes the tables directly so 1M-article benchmarks load in seconds; swap for `provtrack ingest`
where speed does not matter."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from pipelines.store.db import apply_migrations


@dataclass
class Row:
    url: str
    outlet: str
    published_at: datetime | None
    text: str
    agency: str | None = None  # set when `outlet` is that agency's own outlet
    credits: list[tuple[str, ...]] = field(default_factory=list)  # (agency, role) or (agency, role, cue)


def open_db(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    apply_migrations(con)
    return con


def add_rows(con: duckdb.DuckDBPyConnection, rows: list[Row], run_id: int = 1) -> list[int]:
    """Insert rows as new articles (a known URL becomes its next version); returns article ids."""
    outlets = dict(con.execute("SELECT name, outlet_id FROM outlets").fetchall())
    for r in rows:
        if r.outlet not in outlets:
            outlets[r.outlet] = con.execute(
                "INSERT INTO outlets (name, kind, agency, registry) VALUES (?, ?, ?, 'test') "
                "RETURNING outlet_id",
                [r.outlet, "agency" if r.agency else "outlet", r.agency],
            ).fetchall()[0][0]
    latest = (
        dict(con.execute("SELECT url, max(version) FROM articles GROUP BY url").fetchall())
        if len(rows) < 10000
        else {}
    )
    prev = (
        dict(con.execute("SELECT url, max_by(article_id, version) FROM articles GROUP BY url").fetchall())
        if latest
        else {}
    )
    start = con.execute("SELECT coalesce(max(article_id), 0) FROM articles").fetchall()[0][0] + 1
    ids = list(range(start, start + len(rows)))
    now = datetime(2000, 1, 1)
    frame = pd.DataFrame(
        {
            "article_id": ids,
            "url": [r.url for r in rows],
            "version": [latest.get(r.url, 0) + 1 for r in rows],
            "previous_id": pd.array([prev.get(r.url) for r in rows], dtype="Int64"),
            "outlet_id": [outlets[r.outlet] for r in rows],
            "published_at": [r.published_at for r in rows],
            "first_seen_at": now,
            "text": [r.text for r in rows],
            "text_hash": [hashlib.sha1(r.text.encode()).hexdigest() for r in rows],
            "run_id": run_id,
        }
    )
    con.register("rows_in", frame)
    con.execute(
        "INSERT INTO articles (article_id, url, version, previous_id, outlet_id, published_at, "
        "first_seen_at, text, text_hash, run_id) SELECT * FROM rows_in"
    )
    con.unregister("rows_in")
    con.execute(f"SELECT setval('article_id_seq', {start + len(rows)})").fetchall()
    creds = [
        (i, a, role, cue[0] if cue else "test", "byline", run_id)
        for i, r in zip(ids, rows)
        for a, role, *cue in r.credits
    ]
    if creds:
        con.executemany("INSERT INTO article_credits VALUES (?, ?, ?, ?, ?, ?)", creds)
    return ids
