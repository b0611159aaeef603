"""What the crawler remembers between runs: article URLs already known, the last state of each feed and
sitemap (for conditional GET and unchanged bodies), and every fetch with its place in the WARC archive."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone

import duckdb

from pipelines.models import DateCandidate
from pipelines.store.db import load_query
from pipelines.store.rows import INT32, INT64, TEXT, TIMESTAMP, create_temp_table


@dataclass(frozen=True)
class KnownArticle:
    first_seen_at: datetime  # UTC
    fetches: int  # successful crawler fetches so far
    stored: bool


@dataclass(frozen=True)
class SeedState:
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    warc_file: str | None = None
    warc_offset: int | None = None


@dataclass
class FetchRecord:
    """One HTTP exchange (or failure) of a crawl: a row of `fetches`."""

    url: str
    kind: str  # feed / sitemap / robots / site / article
    source: str
    status: int | None
    fetched_at: datetime
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    error: str | None = None
    frontier_id: str | None = None  # distributed crawl: the request's id in the shared frontier


@dataclass(frozen=True)
class ArchivedArticle:
    url: str
    warc_file: str
    warc_offset: int
    outlet: str | None
    dates: list[DateCandidate]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def known_articles(con: duckdb.DuckDBPyConnection) -> dict[str, KnownArticle]:
    """Every article URL already stored or fetched, keyed by normalised URL."""
    rows = con.execute(load_query("crawl/known_articles")).fetchall()
    return {url: KnownArticle(_utc(first), fetches, bool(stored)) for url, first, fetches, stored in rows}


def seed_states(con: duckdb.DuckDBPyConnection) -> dict[str, SeedState]:
    """The last good state of every feed and sitemap URL, from finished runs only."""
    rows = con.execute(load_query("crawl/seed_state")).fetchall()
    return {row[0]: SeedState(*row[1:]) for row in rows}


FETCH_TYPES = {"status": INT32, "fetched_at": TIMESTAMP, "warc_offset": INT64}  # the rest are text


def save_fetches(con: duckdb.DuckDBPyConnection, run_id: int, records: list[FetchRecord]) -> None:
    """Append fetch records in one transaction."""
    if not records:
        return
    types = {f.name: FETCH_TYPES.get(f.name, TEXT) for f in fields(FetchRecord)}
    rows = [
        tuple(_utc(r.fetched_at).replace(tzinfo=None) if n == "fetched_at" else getattr(r, n) for n in types)
        for r in records
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        create_temp_table(con, "new_fetches", {**types, "run_id": INT64}, [(*row, run_id) for row in rows])
        con.execute(load_query("crawl/insert_fetches"))
        con.execute("DROP TABLE new_fetches")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def archived_articles(con: duckdb.DuckDBPyConnection) -> list[ArchivedArticle]:
    """The latest archived response of every crawled article URL, with the date claims to keep."""
    found = []
    for url, warc_file, offset, _fetched, outlet, dates in con.execute(
        load_query("crawl/archived_articles")
    ).fetchall():
        candidates = [DateCandidate(d["source"], _utc(d["value"])) for d in (dates or [])]
        found.append(ArchivedArticle(url, warc_file, int(offset), outlet, candidates))
    return found
