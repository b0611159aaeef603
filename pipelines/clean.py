"""Cleaning: a raw page becomes an Article (trafilatura text and metadata, every date candidate,
the chosen publication time, and the credits the page gives)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import lxml.html
import trafilatura

from pipelines.credits import find_credits
from pipelines.models import Article, DateCandidate, Page
from pipelines.registry import AgencyRegistry, load_agencies
from pipelines.urls import normalize_url, registered_domain

#: Which date claim wins, best first. Publisher-declared timestamps beat heuristics; the moment we
#: first saw the page is the fallback. A claim more than a day after first sight is implausible and
#: ignored (sites stamp pages with "now"); lastmod of a sitemap is a modification, never a candidate.
DATE_PRIORITY = ("input", "metadata", "feed", "sitemap", "htmldate", "first_seen")
MAX_PAGE_CHARS = 20_000_000  # trafilatura on a larger page costs minutes; such a page is not an article


class CleanError(ValueError):
    """The page holds no article text we can use; the message says why."""


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO-8601-ish timestamp or date as a UTC datetime (naive input is taken as UTC), or None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def choose_published_at(
    candidates: list[DateCandidate], first_seen: datetime | None = None
) -> datetime | None:
    """The publication time by DATE_PRIORITY, skipping claims more than a day after first sight."""
    limit = first_seen + timedelta(days=1) if first_seen else None
    ranked = sorted(
        (c for c in candidates if c.source in DATE_PRIORITY),
        key=lambda c: DATE_PRIORITY.index(c.source),
    )
    for candidate in ranked:
        if limit is None or _as_utc(candidate.value) <= _as_utc(limit):
            return candidate.value
    return first_seen


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


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
    if page.html:
        if len(page.html) > MAX_PAGE_CHARS:
            raise CleanError(
                f"page is {len(page.html) // 1_000_000} MB, over the {MAX_PAGE_CHARS // 1_000_000} MB limit"
            )
        try:
            tree = lxml.html.fromstring(page.html)
        except (lxml.etree.ParserError, ValueError) as exc:
            raise CleanError(f"not parseable as HTML: {exc}") from exc
        candidates += metadata_dates(tree)  # before trafilatura, which prunes the tree it is given
        document = trafilatura.bare_extraction(tree, url=page.url, with_metadata=True, include_comments=False)
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
        published_at=choose_published_at(candidates, _first_seen(candidates)),
        date_candidates=candidates,
        credits=find_credits(page.html, text, url=url, author=author, registry=registry),
        warc_file=page.warc_file,
        warc_offset=page.warc_offset,
    )


def _first_seen(candidates: list[DateCandidate]) -> datetime | None:
    return next((c.value for c in candidates if c.source == "first_seen"), None)
