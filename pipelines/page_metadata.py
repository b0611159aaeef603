"""The page metadata provtrack keeps (title, author, site name, canonical URL), read with trafilatura's
own metadata functions.

trafilatura's `with_metadata=True` also runs htmldate and collects categories, tags and the licence.
provtrack has its own date rule (pipelines.dates) and no use for the other three, and on real pages
those parts cost about a third of cleaning time, so this module calls only the parts it needs, in the
order trafilatura's `extract_metadata` calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    author: str | None
    sitename: str | None
    url: str | None  # canonical URL as the page declares it (or the page's own)


def page_metadata(tree, url: str | None) -> PageMetadata:
    """Title, author, site name and canonical URL of a parsed page (the tree is only read)."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle or a brand, as trafilatura decides
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD reader on malformed data
        pass
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (match := META_URL.match(meta.url)):
        meta.sitename = match[1]  # the site's host name, as trafilatura falls back to
    meta.clean_and_trim()  # entities unescaped, whitespace and length trimmed, as trafilatura does
    return PageMetadata(meta.title, meta.author, meta.sitename or None, meta.url)
