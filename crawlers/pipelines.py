"""The item pipeline: sends each fetched page to the cleaning pool (other processes, every core), collects
the cleaned articles into batches and hands each batch to the run's single writer thread, so the
reactor never waits on trafilatura or DuckDB. A batch is flushed when full, after
PROVTRACK_FLUSH_SECONDS, and when the spider closes."""

from __future__ import annotations

import asyncio
from concurrent.futures import BrokenExecutor

from twisted.internet import task

from crawlers.items import ArticlePage
from crawlers.job import Cleaned, clean_fetched
from pipelines.store.db import StoppedWaiting


class StorePipeline:
    def __init__(self, batch_size: int, flush_seconds: float):
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.buffer: list = []
        self.pages_in_buffer = 0
        self._ticker: task.LoopingCall | None = None
        self._in_flight: set[asyncio.Future] = set()

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(
            crawler.settings.getint("PROVTRACK_BATCH_SIZE"),
            crawler.settings.getfloat("PROVTRACK_FLUSH_SECONDS"),
        )
        pipeline.crawler = crawler
        return pipeline

    @property
    def job(self):
        return self.crawler.spider.job

    def open_spider(self) -> None:
        if self.flush_seconds > 0:
            self._ticker = task.LoopingCall(self._tick)
            self._ticker.start(self.flush_seconds, now=False)

    async def process_item(self, item):
        if isinstance(item, ArticlePage):
            # Awaiting the pool is back-pressure too: Scrapy keeps at most SCRAPER_SLOT_MAX_ACTIVE_SIZE
            # bytes of responses in flight, so the pool always has work and memory stays bounded.
            try:
                result = await asyncio.wrap_future(
                    self.job.cleaner.submit(clean_fetched, item.page, item.body, item.content_type)
                )
            except BrokenExecutor as exc:  # a worker died (out of memory, killed): none can clean now
                self.job.fail(exc, self.crawler, "cleaning a page")
                self.job.leave_unstored([item])
                return item
            self.buffer.append(Cleaned(item.source, item.page.url, result, item.fetch))
            self.pages_in_buffer += 1
            if self.pages_in_buffer >= self.batch_size:
                await self._flush()
        else:
            self.buffer.append(item)
        return item

    async def close_spider(self) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        await self._flush()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def _tick(self) -> None:
        if self.buffer and not self._in_flight:
            asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        unyielded = list(self.crawler.spider.take_to_store())  # items no callback has yielded
        batch, self.buffer, self.pages_in_buffer = [*self.buffer, *unyielded], [], 0
        if not batch:
            return
        if self.job.fatal is not None:
            self.job.leave_unstored(batch)
            return
        future = asyncio.wrap_future(self.job.writer.submit(self.job.write_batch, batch))
        self._in_flight.add(future)
        try:
            result = await future
        except StoppedWaiting:  # for readers, ended by a second signal or a failure before: no new error
            self.job.leave_unstored(batch)
            return
        except Exception as exc:  # the store failed: stop the crawl, the runner reports it
            self.job.fail(exc, self.crawler, "storing a batch")
            self.job.leave_unstored(batch)
            return
        finally:
            self._in_flight.discard(future)
        self.job.record(result)
