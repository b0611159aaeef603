"""Telling a JSONL, CSV or Parquet row read again from a page's new text.

A WARC record names itself (file and offset); a row of another file does not, and row numbers shift
when a dump grows at the top. So a file is known by its name, and a page's texts in it by their order:
the n-th time a text comes for a URL in a file (rows repeating the row before them not counted) is a
row read again when files of that name already held that text n times (as a version stored from
them, or the latest version a row of theirs equalled). A dump A, B, A of one page is three versions
the first time and nothing new after, however often it is read (or killed and read again) and
wherever it lies; the same text in a file of another name is compared with the latest version, so a
page gone back in a dated export is a new version."""

from __future__ import annotations

import os
from collections import Counter

#: a page's text as the store compares it: (text hash, sorted 'agency/role' credits)
Content = tuple[str, tuple[str, ...]]


def input_name(path: str | None) -> str | None:
    """The name an ingested file is known by: without its folder (a file moved) or a last ".gz" (the
    file compressed since, in any case)."""
    if path is None:
        return None
    name = os.path.basename(path)
    return name[:-3] if name.lower().endswith(".gz") else name


class FileRows:
    """What one run has read of each page in the file being read (kept across its batches as hashes,
    about 100 bytes a page: ingesting 100k rows peaked 11 MB higher), and how often files of each
    name held each text of the pages of the batch being stored."""

    def __init__(self) -> None:
        self._path: str | None = None
        # hash((url, name)) -> hash(content) of the page's only text so far, or its _Page
        self._pages: dict[int, int | _Page] = {}
        self._held: Counter[tuple[str, str, Content]] = Counter()

    def start_batch(self) -> None:
        """Forget what files held: the next batch reads it from the database again."""
        self._held.clear()

    def hold(self, url: str, name: str, content: Content) -> None:
        """Count one more row of files of `name` holding this text (a version stored from it, or the
        latest version it equalled)."""
        self._held[(url, name, content)] += 1

    def read(self, path: str, name: str, url: str, content: Content) -> bool:
        """Count a row of `url` in the file at `path` (known as `name`: input_name); True when it is a
        row read before (see module). Each file is counted from its first row: one command over
        several files of one name reads them as as many commands would."""
        if path != self._path:
            self._path = path
            self._pages.clear()
        key, text = hash((url, name)), hash(content)
        page = self._pages.get(key)
        if page is None:
            self._pages[key], times = text, 1
        elif isinstance(page, int):
            if page == text:
                return True  # the row before it again
            self._pages[key], times = _Page(text, Counter((page, text))), 1
        else:
            if page.previous == text:
                return True
            page.previous = text
            page.times[text] += 1
            times = page.times[text]
        return self._held[(url, name, content)] >= times


class _Page:
    """A page with more than one text in files of one name: the last row's, and how often each came."""

    __slots__ = ("previous", "times")

    def __init__(self, previous: int, times: Counter[int]) -> None:
        self.previous, self.times = previous, times
