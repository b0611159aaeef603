"""What the spider hands the store pipeline: a fetched article page, or the record of any other fetch."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.models import Page
from pipelines.store.crawl_state import FetchRecord


@dataclass
class ArticlePage:
    source: str
    page: Page
    fetch: FetchRecord

    def __repr__(self) -> str:  # Scrapy logs items; never the whole HTML
        return f"<ArticlePage {self.page.url}>"


@dataclass
class FetchItem:
    fetch: FetchRecord

    def __repr__(self) -> str:
        return f"<Fetch {self.fetch.kind} {self.fetch.url} {self.fetch.status}>"
