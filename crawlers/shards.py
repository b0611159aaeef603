"""Where cleaned articles go when the crawl is distributed: Parquet shards, one file per stored batch and
worker, written whole or not at all (temporary name, then rename). `provtrack merge` loads them into
DuckDB, which allows only one writer, idempotently.

A batch may also write a dates shard (`<worker>-<n>.dates.parquet`): feed and sitemap dates for articles
stored elsewhere, by an earlier batch or by another worker that reached the page first. merge adds them
once their article is in the database."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.files import replaced_when_done
from pipelines.models import Article, Credit, DateCandidate
from pipelines.store.articles import SaveResult

if TYPE_CHECKING:  # imported where used: a crawl without --frontier never needs pandas
    import pandas as pd

DATES_SUFFIX = ".dates.parquet"
#: how long merge keeps a dates shard waiting for an article that is not in the database yet (another
#: worker may still be cleaning it); after that the page was never stored, and the dates are dropped
DATES_WAIT_SECONDS = 2 * 24 * 3600

COLUMNS = (
    "url", "outlet", "domain", "title", "author", "text", "language", "sitename", "canonical_url",
    "published_at", "date_candidates", "credits", "warc_file", "warc_offset",
)  # fmt: skip


class ShardSink:
    """Writes each batch of one worker to <folder>/<worker>-<n>.parquet."""

    def __init__(self, folder: Path, worker: str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.worker = worker
        self.written = 0

    def save(
        self, by_source: dict[str, list[Article]], dates: dict[str, list[DateCandidate]] | None = None
    ) -> dict[str, SaveResult]:
        """Write the batch's articles, and `dates` (listing dates for articles stored elsewhere)."""
        import pandas as pd

        articles = [a for batch in by_source.values() for a in batch]
        now = datetime.now(timezone.utc).isoformat()  # in the file: a copy without -p keeps it
        rows = [(url, c.source, c.value.isoformat(), now) for url, cs in (dates or {}).items() for c in cs]
        if articles or rows:
            self.written += 1
        stem = f"{self.worker}-{self.written:06d}"
        if articles:
            with replaced_when_done(self.folder / f"{stem}.parquet") as partial:
                to_frame(articles).to_parquet(partial, index=False)
        if rows:
            with replaced_when_done(self.folder / f"{stem}{DATES_SUFFIX}") as partial:
                frame = pd.DataFrame(rows, columns=["url", "source", "value", "written_at"])
                frame.to_parquet(partial, index=False)
        # what the merge will make of them is known only then: count them as sent
        return {source: SaveResult(new_articles=len(articles)) for source, articles in by_source.items()}


def to_frame(articles: list[Article]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                **{k: getattr(a, k) for k in COLUMNS if k not in ("date_candidates", "credits")},
                "published_at": a.published_at.isoformat() if a.published_at else None,
                "date_candidates": json.dumps([[c.source, c.value.isoformat()] for c in a.date_candidates]),
                "credits": json.dumps([asdict(c) for c in a.credits]),
            }
            for a in articles
        ],
        columns=list(COLUMNS),
    )


def from_frame(frame: pd.DataFrame) -> list[Article]:
    from pipelines.dates import parse_datetime

    articles = []
    for row in frame.to_dict("records"):
        row = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        articles.append(
            Article(
                **{k: row[k] for k in COLUMNS if k not in ("published_at", "date_candidates", "credits")},
                published_at=parse_datetime(row["published_at"]),
                date_candidates=[  # a claim that is no time is left out, as when the page was cleaned
                    DateCandidate(s, when)
                    for s, v in json.loads(row["date_candidates"])
                    if (when := parse_datetime(v)) is not None
                ],
                credits=[Credit(**c) for c in json.loads(row["credits"])],
            )
        )
    return articles


def dates_from_frame(frame: pd.DataFrame) -> tuple[dict[str, list[DateCandidate]], datetime | None]:
    """A dates shard's claims by URL, and when the worker wrote it. A row that is not a URL, a source
    and a time is left out."""
    from pipelines.dates import parse_datetime

    dates: dict[str, list[DateCandidate]] = {}
    for url, source, value in frame[["url", "source", "value"]].itertuples(index=False):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None and isinstance(url, str) and isinstance(source, str):
            dates.setdefault(url, []).append(DateCandidate(source, parsed))
    written = frame["written_at"].iloc[0] if len(frame) else None
    return dates, parse_datetime(written) if isinstance(written, str) else None
