"""What the crawler remembers between runs: article URLs already known, the last state of each feed and
sitemap (for conditional GET and unchanged bodies), and every fetch with its place in the WARC archive."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np

from pipelines.models import DateCandidate
from pipelines.store.db import load_query, transaction
from pipelines.store.rows import INT32, INT64, TEXT, TIMESTAMP, create_temp_table


@dataclass(frozen=True)
class KnownArticle:
    first_seen_at: datetime  # UTC
    fetches: int  # crawler fetches answered so far: the page, or 404/410 (see known_articles.sql)
    stored: bool


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def url_key(url: str) -> int:
    """The first 64 bits of md5(url): what queries/crawl/known_articles.sql computes in SQL."""
    return int(hashlib.md5(url.encode("utf-8")).hexdigest()[:16], 16)


class KnownArticles:
    """Every article URL the database knows, as sorted 64-bit keys with first sight, fetch count and
    whether it is stored: 18 bytes a URL. A dict of URL strings to objects took 800 MB and 4 s at a
    million articles, paid by every hourly crawl and copied into each forked cleaning worker."""

    def __init__(self, keys=None, first_seen=None, fetches=None, stored=None):
        self.keys = np.asarray(keys if keys is not None else [], dtype=np.uint64)
        self.first_seen = np.asarray(first_seen if first_seen is not None else [], dtype=np.int64)
        self.fetches = np.asarray(fetches if fetches is not None else [], dtype=np.uint8)
        self.stored = np.asarray(stored if stored is not None else [], dtype=bool)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> KnownArticles:
        found = con.execute(load_query("crawl/known_articles")).fetchnumpy()
        return cls(found["key"], found["first_seen"], found["fetches"], found["stored"])

    def __len__(self) -> int:
        return len(self.keys)

    def _index(self, url: str) -> int | None:
        key = np.uint64(url_key(url))
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else None

    def __contains__(self, url: str) -> bool:
        return self._index(url) is not None

    def get(self, url: str) -> KnownArticle | None:
        i = self._index(url)
        if i is None:
            return None
        return KnownArticle(
            EPOCH + timedelta(microseconds=int(self.first_seen[i])),
            int(self.fetches[i]),
            bool(self.stored[i]),
        )


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
    stored_url: str  # the URL its stored version has: where the listed `url` landed, or `url` itself


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def known_articles(con: duckdb.DuckDBPyConnection) -> KnownArticles:
    """Every article URL already stored or fetched (normalised URLs)."""
    return KnownArticles.load(con)


def seed_states(con: duckdb.DuckDBPyConnection) -> dict[str, SeedState]:
    """The last good state of every feed, sitemap and site page URL, from finished runs only."""
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
    with transaction(con):
        create_temp_table(con, "new_fetches", {**types, "run_id": INT64}, [(*row, run_id) for row in rows])
        con.execute(load_query("crawl/insert_fetches"))
        con.execute("DROP TABLE new_fetches")


class ArchivedArticles:
    """The latest archived response of every crawled article URL, with the date claims to keep, read
    in chunks through a cursor of its own: a year of crawling is a million of them, 1.3 GB as a list of
    objects. The connection itself stays free for the writes of `provtrack reprocess`."""

    chunk_size = 10_000

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.sql = load_query("crawl/archived_articles")

    def __len__(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM ({self.sql})").fetchall()[0][0]

    def __iter__(self) -> Iterator[ArchivedArticle]:
        reader = self.con.cursor()
        try:
            reader.execute(self.sql)
            while rows := reader.fetchmany(self.chunk_size):
                for url, warc_file, offset, _fetched, outlet, dates, stored_url in rows:
                    candidates = [DateCandidate(d["source"], _utc(d["value"])) for d in (dates or [])]
                    yield ArchivedArticle(url, warc_file, int(offset), outlet, candidates, stored_url)
        finally:
            reader.close()
