"""Where cleaned articles go when the crawl is distributed: Parquet shards, one file per stored batch and
worker, written whole or not at all (temporary name, then rename). `provtrack merge` loads them into
DuckDB, which allows only one writer, idempotently."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.files import replaced_when_done
from pipelines.models import Article, Credit, DateCandidate
from pipelines.store.articles import SaveResult

if TYPE_CHECKING:  # imported where used: a crawl without --frontier never needs pandas
    import pandas as pd

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

    def save(self, by_source: dict[str, list[Article]]) -> dict[str, SaveResult]:
        rows = [(source, a) for source, articles in by_source.items() for a in articles]
        if rows:
            self.written += 1
            final = self.folder / f"{self.worker}-{self.written:06d}.parquet"
            with replaced_when_done(final) as partial:
                to_frame([a for _, a in rows]).to_parquet(partial, index=False)
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
                date_candidates=[
                    DateCandidate(s, parse_datetime(v)) for s, v in json.loads(row["date_candidates"])
                ],
                credits=[Credit(**c) for c in json.loads(row["credits"])],
            )
        )
    return articles
