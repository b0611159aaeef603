"""Loading pages into the store: clean them (on every core when there is HTML to parse), then save
them in batches, each its own transaction, so a crash loses at most the batch in flight."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import duckdb

from pipelines.clean import Skip, clean_or_skip, no_text_warning
from pipelines.models import Article, Page
from pipelines.store.articles import Outlets, SaveResult, save_articles
from pipelines.store.file_rows import FileRows
from pipelines.wording import counted
from pipelines.workers import die_with_parent, process_pool, results, shut_down, submit_all

BATCH_SIZE = 200


@dataclass
class LoadSummary:
    """Counts for the closing summary line of ingest and reprocess (a crawl counts per source:
    crawlers.job.SourceReport)."""

    saved: SaveResult = field(default_factory=SaveResult)
    no_text: int = 0  # pages without article text (an index, gallery or video page)
    skipped: int = 0  # rows or pages that could not be read or cleaned

    @property
    def pages(self) -> int:
        return self.saved.pages + self.no_text + self.skipped

    @property
    def status(self) -> str:
        """`partial` when something could not be read, or most pages had no article text."""
        return "partial" if self.problems() else "ok"

    def problems(self) -> list[str]:
        """Why the run is `partial`, for its message and the last line on stderr."""
        skipped = counted(self.skipped, "row or page", "rows or pages")
        found = [f"{skipped} skipped (named above)"] if self.skipped else []
        warning = no_text_warning(self.no_text, self.pages)
        return [*found, warning] if warning else found

    def count(self, skip: Skip) -> None:
        if skip.no_text:
            self.no_text += 1
        else:
            self.skipped += 1

    def as_counts(self) -> dict:
        return {
            "new_articles": self.saved.new_articles,
            "new_versions": self.saved.new_versions,
            "unchanged": self.saved.unchanged,
            "stubs": self.saved.stubs,
            "no_text": self.no_text,
            "skipped": self.skipped,
        }


def stubs_note(command: str, saved: SaveResult) -> str | None:
    """The line saying how many pages were a stub of their stored text (see store.articles.is_stub_of)."""
    if not saved.stubs:
        return None
    return (
        f"{command}: {counted(saved.stubs, 'page')} held under a third of the words stored for the URL "
        "(a paywall, a 'page not found'): the stored version stands"
    )


class Loader:
    """Cleans and saves pages for one run. `jobs` > 1 cleans HTML in a pool of processes."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: int, jobs: int | None = None):
        self.con = con
        self.run_id = run_id
        self.outlets = Outlets(con, run_id)
        self.file_rows = FileRows()  # which rows of the input files were read before
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self._pool is not None:
            shut_down(self._pool, kill=exc_type is not None)  # an error or a stop: their work is lost

    def clean(self, pages: list[Page]) -> list[Article | Skip]:
        """Articles (or why not) in the order of `pages`."""
        if self.jobs > 1 and sum(1 for p in pages if p.html) >= 8:
            if self._pool is None:
                self._pool = process_pool(self.jobs, die_with_parent, (os.getpid(),))
            chunks = [pages[k : k + 8] for k in range(0, len(pages), 8)]
            return [r for chunk in results(submit_all(self._pool, _clean_chunk, chunks)) for r in chunk]
        return [clean_or_skip(page) for page in pages]

    def load(
        self,
        pages: Iterable[tuple[str, Page]],
        on_skip: Callable[[str, Skip], None],
        on_batch: Callable[[LoadSummary], None] | None = None,
    ) -> LoadSummary:
        """Clean and store (label, page) pairs; on_skip(label, why) for every page not stored;
        the summary counts those too."""
        summary = LoadSummary()
        batch: list[tuple[str, Page]] = []
        for item in pages:
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                self._flush(batch, summary, on_skip)
                batch = []
                if on_batch:
                    on_batch(summary)
        self._flush(batch, summary, on_skip)
        if on_batch:
            on_batch(summary)
        return summary

    def _flush(self, batch: list[tuple[str, Page]], summary: LoadSummary, on_skip) -> None:
        if not batch:
            return
        articles = []
        for (label, _), result in zip(batch, self.clean([page for _, page in batch])):
            if isinstance(result, Skip):
                summary.count(result)
                on_skip(label, result)
            else:
                articles.append(result)
        summary.saved.add(save_articles(self.con, self.run_id, articles, self.outlets, self.file_rows))


def _clean_chunk(pages: list[Page]) -> list[Article | Skip]:
    return [clean_or_skip(page) for page in pages]
