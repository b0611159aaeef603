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
    title = meta.title or extract_title(tree)
    author = meta.author or extract_author(tree)
    canonical = meta.url or extract_url(tree, url)
    sitename = meta.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    return PageMetadata(title, author, sitename or None, canonical)
