"""The page metadata provtrack keeps (title, author, site name, canonical URL), read with trafilatura's
own metadata functions.

trafilatura's `with_metadata=True` also runs htmldate and collects categories, tags and the licence.
provtrack has its own date rule (pipelines.dates) and no use for the other three, and on real pages
those parts cost about a third of cleaning time, so this module calls only the parts it needs, in the
order trafilatura's `extract_metadata` calls them. Two of those parts are provtrack's own copies that
give the same answer faster: the author search (pipelines.page_author) and the JSON string clean-up.

JSON-LD is read as trafilatura reads it, with two differences for pages a crawler meets:
- trafilatura's regex reader for blocks its JSON parse rejects takes time growing with the square of the
  text it is given (1 s for a 0.8 MB live blog, 9 s for 100,000 crafted characters, measured), so a
  page gets MAX_BROKEN_JSON_CHARS of it in all; a rejected block beyond that is parsed as it stands
  (trafilatura's unescaping and tag stripping are what break most of them) or skipped;
- a block of an unexpected shape is skipped and the next one read, where trafilatura stops reading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape

from trafilatura.json_metadata import JSON_UNICODE_REPLACE, extract_json, extract_json_parse_error
from trafilatura.metadata import (
    JSON_MINIFY,
    META_URL,
    examine_meta,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.utils import HTML_STRIP_TAGS, trim

from pipelines.page_author import page_author

#: characters of broken JSON-LD per page given to trafilatura's regex reader: about 1 s at worst
#: (crafted), and more than any broken block on the 569 shared pages (the largest is 30,000)
MAX_BROKEN_JSON_CHARS = 32_000
_SURROGATES = re.compile("[\ud800-\udfff]")


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
    meta = _read_json_ld(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or page_author(tree)
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


def _read_json_ld(tree, meta):
    """trafilatura's extract_meta_json, guarded (see the module docstring)."""
    budget = MAX_BROKEN_JSON_CHARS
    for script in tree.xpath('.//script[@type="application/ld+json" or @type="application/settings+json"]'):
        raw = script.text
        if not raw:
            continue
        try:
            text = _normalize_json(JSON_MINIFY.sub(r"\1", raw))
            try:
                meta = extract_json(json.loads(text, strict=False), meta)
                continue
            except json.JSONDecodeError:
                pass
            if len(text) <= budget:
                budget -= len(text)
                meta = extract_json_parse_error(text, meta)
            else:
                meta = extract_json(json.loads(raw, strict=False), meta)
                for field in ("title", "author", "sitename"):  # what normalize_json would have stripped
                    if value := getattr(meta, field):
                        setattr(meta, field, HTML_STRIP_TAGS.sub("", value))
        except Exception:  # not JSON even as it stands, JSON nested too deep, or of an odd shape
            continue
    return meta


def _normalize_json(string: str) -> str:
    """trafilatura's normalize_json, the same output: escapes decoded, lone surrogates, line breaks
    and tags dropped. Its character-by-character surrogate filter took a third of the metadata time
    on the shared pages; one regex does the same."""
    if "\\" in string:
        string = string.replace("\\n", "").replace("\\r", "").replace("\\t", "")
        string = JSON_UNICODE_REPLACE.sub(lambda match: chr(int(match[1], 16)), string)
        string = unescape(_SURROGATES.sub("", string))
    return trim(HTML_STRIP_TAGS.sub("", string))
