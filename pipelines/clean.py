"""Cleaning: a raw page becomes an Article (trafilatura text and metadata, every date candidate,
the chosen publication time, and the credits the page gives)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import trafilatura

from pipelines.credits import find_credits
from pipelines.dates import choose_published_at, first_seen_of, parse_datetime
from pipelines.models import Article, DateCandidate, Page
from pipelines.page_regions import parse_html, regions_of_tree
from pipelines.registry import AgencyRegistry, load_agencies
from pipelines.urls import normalize_url, registered_domain

MAX_PAGE_CHARS = 20_000_000  # trafilatura on a larger page costs minutes; such a page is not an article


class CleanError(ValueError):
    """The page holds no article text we can use; the message says why."""


def metadata_dates(tree) -> list[DateCandidate]:
    """datePublished from JSON-LD and article:published_time-style meta tags, with their time of day
    (trafilatura's own date keeps only the day)."""
    found: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    found.append(item["datePublished"])
                stack.extend(v for k, v in item.items() if k == "@graph")
    found += tree.xpath(
        '//meta[@property="article:published_time" or @name="article:published_time" or '
        '@itemprop="datePublished" or @name="pubdate" or @name="publish-date"]/@content'
    )
    candidates = []
    for value in found:
        parsed = parse_datetime(value)
        if parsed:
            candidates.append(DateCandidate("metadata", parsed))
            break
    return candidates


def clean_page(page: Page, registry: AgencyRegistry | None = None) -> Article:
    """Turn one input page into an Article; raises CleanError when no article text is found.

    With html, trafilatura gives text, title, author, date, site name, language and canonical URL and
    the credits stage reads the raw page too; with text only, the text is taken as given."""
    registry = registry or load_agencies()
    url = normalize_url(page.url)
    candidates = list(page.date_candidates)
    if page.published_at:
        candidates.append(DateCandidate("input", page.published_at))
    title, author, sitename, canonical, language = page.title, None, None, None, page.language
    text = page.text or ""
    regions = None
    if page.html:
        if len(page.html) > MAX_PAGE_CHARS:
            raise CleanError(
                f"page is {len(page.html) // 1_000_000} MB, over the {MAX_PAGE_CHARS // 1_000_000} MB limit"
            )
        try:
            tree = parse_html(page.html)
        except ValueError as exc:
            raise CleanError(f"not parseable as HTML: {exc}") from exc
        # One parse serves all three readers; the two that read the raw page go before trafilatura,
        # which prunes the tree it is given.
        regions = regions_of_tree(tree)
        candidates += metadata_dates(tree)
        document = trafilatura.bare_extraction(
            tree,
            url=page.url,
            with_metadata=True,
            include_comments=False,
            fast=True,  # no readability/jusText second opinion: see TRAFILATURA_FAST in the README
            date_extraction_params=_htmldate_params(),
        )
        if document is not None and document.text:
            text = document.text
            title = title or document.title
            author, sitename = document.author, document.sitename
            canonical = document.url if document.url and document.url != page.url else None
            language = language or document.language
            day = parse_datetime(document.date)
            if day:
                candidates.append(DateCandidate("htmldate", day))
        language = language or (tree.get("lang") or "").split("-")[0].lower() or None
    text = text.strip()
    if not text:
        raise CleanError("no article text (empty text, or trafilatura found no main content)")
    return Article(
        url=url,
        outlet=page.outlet,
        domain=registered_domain(url),
        title=title,
        author=author,
        text=text,
        language=language,
        sitename=sitename,
        canonical_url=canonical,
        published_at=choose_published_at(candidates, first_seen_of(candidates)),
        date_candidates=candidates,
        credits=find_credits(page.html, text, url=url, author=author, registry=registry, regions=regions),
        warc_file=page.warc_file,
        warc_offset=page.warc_offset,
    )


def _htmldate_params() -> dict:
    """htmldate settings: it is only the fallback behind declared metadata, so its extensive search
    (every date-looking string on the page) is not worth its cost; dates after today are refused."""
    return {
        "original_date": True,
        "extensive_search": False,
        "max_date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }
