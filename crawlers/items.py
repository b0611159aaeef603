"""What the spider hands the store pipeline: a fetched article page, or the record of any other fetch."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.models import DateCandidate, Page
from pipelines.store.crawl_state import FetchRecord

#: request.meta key of a request a stop dropped before it was sent (crawlers.middlewares.StopGate)
STOPPED_BEFORE_SENT = "pt_stopped_before_sent"


@dataclass
class ArticlePage:
    """`body` is the response as received (page.html is None then): it is decoded in the cleaning
    process, so the reactor neither decodes it nor pickles a str (non-ASCII text pickles as a UTF-8
    re-encoding; bytes go through as they are)."""

    source: str
    page: Page
    fetch: FetchRecord
    body: bytes | None = None
    content_type: str | None = None

    def __repr__(self) -> str:  # Scrapy logs items; never the whole HTML
        return f"<ArticlePage {self.page.url}>"


@dataclass
class ListingDate:
    """A feed or sitemap date for an article fetched earlier in this run, before that listing was read."""

    url: str  # normalised
    candidate: DateCandidate


@dataclass
class FetchItem:
    fetch: FetchRecord

    def __repr__(self) -> str:
        return f"<Fetch {self.fetch.kind} {self.fetch.url} {self.fetch.status}>"
