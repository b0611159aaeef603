"""Cleaning: a raw page becomes an Article (trafilatura text and metadata, every date candidate,
the chosen publication time, and the credits the page gives)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import trafilatura
from htmldate import find_date

from pipelines.credits import find_credits
from pipelines.dates import DATE_PRIORITY, choose_published_at, first_seen_of, is_plausible, parse_datetime
from pipelines.models import Article, DateCandidate, Page
from pipelines.page_metadata import page_metadata
from pipelines.page_regions import parse_html, regions_of_tree
from pipelines.registry import AgencyRegistry, load_agencies
from pipelines.urls import normalize_url, registered_domain
from pipelines.wording import counted

#: htmldate's guess is asked only when none of these claims exist: each of them would win over it.
_BETTER_THAN_HTMLDATE = DATE_PRIORITY[: DATE_PRIORITY.index("htmldate")]
MAX_PAGE_CHARS = 20_000_000  # trafilatura on a larger page costs minutes; such a page is not an article
#: control characters (not tab, line or form feeds) beyond this share of a page's first 64 KB: bytes that
#: are no text at all (a PDF, or a body still compressed, served as HTML). Text has none, even text
#: decoded in the wrong encoding, which gives wrong letters and U+FFFD instead.
MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")  # not ESC: ISO-2022-JP text is full of it


class CleanError(ValueError):
    """The page could not be cleaned (too large, not HTML, hostile markup); the message says why."""


class NoArticleText(CleanError):
    """The page was read but holds no article text: an index, gallery or video page, or a layout the
    extractor does not understand. Ordinary on any real site, so it is counted apart from failures."""


@dataclass(frozen=True)
class Skip:
    """Why a page was not stored. `no_text` separates the ordinary page without article text from a
    page that could not be cleaned at all: only the second makes a source or run `partial`."""

    reason: str
    no_text: bool = False

    def line(self, where: str) -> str:
        """The stderr line naming the page (`where`: its URL, or file and line)."""
        return f"no article text: {where}" if self.no_text else f"skipped {where}: {self.reason}"


#: Pages without text it takes (and more than half of those read) before a run is `partial` for them:
#: an hourly crawl that finds one new page, a gallery, is not a site whose layout changed.
NO_TEXT_ALARM_MIN = 5


def no_text_warning(no_text: int, pages_read: int) -> str | None:
    """Why a run or source is `partial` when most of its pages had no article text (the site's layout,
    or the extractor, has probably changed: a nightly run must not call that `ok`); None otherwise."""
    if no_text >= NO_TEXT_ALARM_MIN and 2 * no_text > pages_read:
        return f"{no_text} of {counted(pages_read, 'page')} had no article text (has the layout changed?)"
    return None


def metadata_dates(tree) -> list[DateCandidate]:
    """The page's own publication time: the first datePublished in JSON-LD, else the first
    article:published_time-style meta tag, that parses; with its time of day (trafilatura's own date
    keeps only the day). At most one claim."""
    found: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            continue
        stack = [data]  # depth first, in document order: items are pushed last one first
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    found.append(item["datePublished"])
                if "@graph" in item:
                    stack.append(item["@graph"])
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
    """Turn one input page into an Article; raises NoArticleText when the page holds
    none, CleanError when it cannot be read.

    With html, trafilatura gives the text, its metadata functions the title, author, site name and
    canonical URL, the page's own tags and htmldate the dates, and the credits stage reads the raw page
    too; with text only, the text is taken as given."""
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
        if _looks_binary(page.html):
            raise CleanError("binary content, not HTML (a PDF, or a body still compressed, sent as a page)")
        try:
            tree = parse_html(page.html)
        except ValueError as exc:
            raise CleanError(f"not parseable as HTML: {exc}") from exc
        # One parse serves every reader; none of them changes the tree (trafilatura works on a copy).
        regions = regions_of_tree(tree)
        candidates += metadata_dates(tree)
        meta = page_metadata(tree, page.url)
        document = trafilatura.bare_extraction(
            tree,
            url=page.url,
            with_metadata=False,  # page_metadata reads what provtrack keeps, at a third of the cost
            include_comments=False,
            fast=True,  # no readability/jusText second opinion: see "Cleaning" in the README
        )
        if document is not None and document.text:
            if not _a_stub_beside(document.text, text):
                text = document.text
            if not title or ("\ufffd" in title and meta.title):  # a listing read in the wrong encoding
                title = meta.title
            author, sitename = meta.author, meta.sitename
            canonical = meta.url if meta.url and meta.url != page.url else None
            if not _has_usable_claim(candidates):
                day = parse_datetime(find_date(tree, **_htmldate_params(meta.url or page.url)))
                if day:
                    candidates.append(DateCandidate("htmldate", day))
        language = language or (tree.get("lang") or "").split("-")[0].lower() or None
    text = text.strip()
    if not text:
        raise NoArticleText("no article text (empty text, or trafilatura found no main content)")
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
        input_file=page.input_file,
    )


def clean_or_skip(page: Page) -> Article | Skip:
    """clean_page, or why not; never raises, so one hostile page cannot stop a crawl or sink a batch."""
    try:
        return clean_page(page)
    except NoArticleText as exc:
        return Skip(str(exc), no_text=True)
    except CleanError as exc:
        return Skip(str(exc))
    except RecursionError:
        return Skip("HTML nested too deeply to parse")
    except Exception as exc:  # trafilatura/lxml on hostile markup: report, keep going
        return Skip(f"cleaning failed: {type(exc).__name__}: {str(exc)[:200]}")


#: an extract of fewer words than this, from a page given with a text at least STUB_RATIO times
#: longer, is a stub (a menu, a paywall notice), and the row's own text is kept
STUB_WORDS, STUB_RATIO = 25, 4


def _a_stub_beside(extracted: str, given: str) -> bool:
    """Is what trafilatura found in a row's html only a stub of the text the row gives beside it? The
    html wins over the text (its boilerplate removed, its credits read), except over a text many times
    longer than an extract of a few words: a page saved as its menu or paywall notice stored "Home"
    and lost the row's story, with its credit."""
    words = len(extracted.split())
    return words < STUB_WORDS and len(given.split()) >= STUB_RATIO * max(words, 1)


def _looks_binary(content: str) -> bool:
    head = content[:65536]
    return sum(1 for _ in _CONTROL.finditer(head)) > MAX_CONTROL_SHARE * len(head)


def _has_usable_claim(candidates: list[DateCandidate]) -> bool:
    """A claim that outranks htmldate and that choose_published_at would accept (not > 1 day after
    first sight): then htmldate's guess could never be chosen."""
    first_seen = first_seen_of(candidates)
    return any(c.source in _BETTER_THAN_HTMLDATE and is_plausible(c, first_seen) for c in candidates)


def _htmldate_params(url: str) -> dict:
    """htmldate settings: it is only the fallback behind declared metadata, so its extensive search
    (every date-looking string on the page) is not worth its cost; dates after today are refused."""
    return {
        "url": url,
        "original_date": True,
        "extensive_search": False,
        "max_date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }
