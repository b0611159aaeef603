"""`provtrack` with cleaning cut down to trafilatura's fast extraction: no metadata, dates beyond the
crawl's own, credits regions or credits. bench_crawl.py --extract-only runs the crawl through this to
show what provtrack's own per-page work costs. Not for real use: the articles it stores have no title,
author or credits.

    python tests/bench/extract_only_provtrack.py --db X crawl ...   (the arguments of `provtrack`)
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pipelines.clean  # noqa: E402
from pipelines.clean import NoArticleText  # noqa: E402
from pipelines.dates import choose_published_at, first_seen_of  # noqa: E402
from pipelines.models import Article, Page  # noqa: E402
from pipelines.page_regions import parse_html  # noqa: E402
from pipelines.urls import normalize_url, registered_domain  # noqa: E402


def extract_only(page: Page, registry=None) -> Article:
    document = trafilatura.bare_extraction(
        parse_html(page.html), url=page.url, with_metadata=False, include_comments=False, fast=True
    )
    if document is None or not document.text:
        raise NoArticleText("no article text")
    url, dates = normalize_url(page.url), list(page.date_candidates)
    return Article(
        url=url,
        outlet=page.outlet,
        domain=registered_domain(url),
        title=None,
        author=None,
        text=document.text,
        language=None,
        sitename=None,
        canonical_url=None,
        published_at=choose_published_at(dates, first_seen_of(dates)),
        date_candidates=dates,
        warc_file=page.warc_file,
        warc_offset=page.warc_offset,
    )


if __name__ == "__main__":
    # Pool workers must be forked from this process to inherit the swap (not spawned, not forkserver).
    multiprocessing.set_start_method("fork", force=True)
    pipelines.clean.clean_page = extract_only  # clean_or_skip, in the workers, calls it
    from pipelines.cli import main

    sys.argv = ["provtrack", *sys.argv[1:]]
    main()
