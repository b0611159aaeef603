"""Reading what sites publish about their articles: RSS, Atom and JSON feeds, sitemaps (plain, index,
gzipped, Google News), robots.txt Sitemap lines, feed links on a home page. Plain lxml, no Scrapy:
Scrapy's own sitemap helper drops the news: fields, which carry the publication time."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import lxml.etree
import lxml.html

from pipelines.dates import parse_datetime, to_utc
from pipelines.models import storable
from pipelines.urls import join_url


class FeedError(ValueError):
    """A feed or sitemap we cannot read; the message says why in one line."""


class CutShort(FeedError):
    """A feed or sitemap that ends before its root element does: the response was cut off on the
    way (a server that stops writing, a proxy's size limit). What it listed up to the cut is real and
    is in `salvaged` (list[Entry] for a feed, Sitemap for a sitemap), as http.client.IncompleteRead
    keeps its `partial`; the entry the cut fell inside is left out, since its link may be cut too."""

    def __init__(self, message: str, salvaged):
        super().__init__(message)
        self.salvaged = salvaged


@dataclass(frozen=True)
class Entry:
    """An article a feed or sitemap lists, with what it says about it."""

    url: str
    title: str | None = None
    published: datetime | None = None  # feed pubDate / news:publication_date
    lastmod: datetime | None = None  # sitemap lastmod: a modification time, never a publication date


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: either an index of child sitemaps or a list of entries."""

    children: list[Entry]  # sitemap index: child sitemaps (url, lastmod)
    entries: list[Entry]


#: a four-digit year before 100 (a .NET "no date" is 0001), which parsedate reads as 19xx or 20xx
_YEAR_BEFORE_100 = re.compile(r"\b00\d\d\b")


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    parsed = parse_datetime(text)
    if parsed is None:
        if _YEAR_BEFORE_100.search(text):  # "01 Jan 0001": RFC 822's two-digit rule makes it 2001
            return None
        try:
            parsed = parsedate_to_datetime(text)  # RFC 822, as RSS writes it
        except (TypeError, ValueError, IndexError):
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
    return to_utc(parsed)


_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.I)


def as_utf8_xml(body: bytes, content_type: str | None) -> bytes:
    """XML that says it is UTF-8, or says nothing (UTF-8 to the parser), but is not: transcoded from
    the HTTP header's charset, or else from windows-1252, and its declaration dropped. A windows-1251
    feed sent without a declaration gave every title as U+FFFD. UTF-8 bytes, a byte-order mark, and
    an encoding the document names are left to the parser, whatever the header says (headers lie
    more often than bytes)."""
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return body
    declaration = _XML_DECLARATION.match(body)
    declared = _DECLARED_ENCODING.search(declaration.group()) if declaration else None
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    header = _HEADER_CHARSET.search(content_type or "")
    charset = (
        header.group(1) if header and header.group(1).lower() not in ("utf-8", "utf8") else "windows-1252"
    )
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return body
    return _XML_DECLARATION.sub(b"", text.encode("utf-8"), count=1)


def _xml_root(body: bytes, what: str):
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = lxml.etree.fromstring(body.lstrip(), parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed XML in {what}: {exc}") from None
    if root is None:
        raise FeedError(f"malformed XML in {what}: nothing parseable")
    # recover=True salvages sloppy feeds, but past libxml2's depth limit it stops reading and returns
    # what it had: say so rather than quietly drop every entry after that point
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            reason = error.message.split(", use XML_PARSE_HUGE")[0].strip()  # an option we do set
            raise FeedError(f"{what} cut short at line {error.line}: {reason}; not read")
    return root


def _cut_off(body: bytes, root, found: list[tuple[str, Entry | None]]) -> bool:
    """Does the document stop before the closing tag of its root element (`</rss>`, `</urlset>`)?
    lxml's recovery closes every open element itself, so only the text can tell a cut-off body
    from a whole one; a root closed on itself (`<urlset …/>`, an empty sitemap) is whole. When it is
    cut, the last of `found` ((element name, entry) in document order) is dropped if the cut fell
    inside it: the text closes fewer elements of its name than were read."""
    text = _document_text(body, root)
    name = re.escape(_local(root.tag))
    if re.search(rf"</(?:[\w.-]+:)?{name}\s*>|<(?:[\w.-]+:)?{name}\b[^<>]*/>", text, re.I):
        return False
    if found:
        last = found[-1][0]
        closed = len(re.findall(rf"</(?:[\w.-]+:)?{re.escape(last)}\s*>", text, re.I))
        if closed < sum(1 for element, _ in found if element == last):
            found.pop()
    return True


def _document_text(body: bytes, root) -> str:
    """The document as text in the encoding lxml read it in (a UTF-16 feed has no `</rss>` in bytes)."""
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):  # lxml reads a byte-order mark without a declaration, and reports UTF-8
            encoding = name
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:  # an encoding name Python does not know: the tags are ASCII in all that matter
        return body.decode("latin-1")


def _cut_short(root, salvaged_count: int) -> str:
    element = _local(root.tag)
    return f"cut short: the document ends inside <{element}>; {salvaged_count} entries read up to the cut"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and (child.text or "").strip():
            return child.text.strip()
    return None


def gunzip(body: bytes, max_size: int) -> bytes:
    """Decompress a gzipped sitemap, refusing to inflate beyond max_size bytes (a zip bomb)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            while chunk := stream.read(1 << 20):
                out.write(chunk)
                if out.tell() > max_size:
                    raise FeedError(f"gzipped sitemap inflates to over {max_size / 1_000_000:g} MB")
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"bad gzip data: {exc}") from None
    return out.getvalue()


def is_gzip(body: bytes) -> bool:
    return body[:2] == b"\x1f\x8b"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[Entry]:
    """Entries of an RSS 1/2, Atom or JSON Feed document; raises FeedError when it is none of them,
    CutShort (with the entries before the cut) when it ends early. `content_type`: the HTTP header,
    whose charset counts for XML that is not UTF-8 and does not say what it is."""
    stripped = body.lstrip()
    if stripped[:1] in (b"{", b"["):
        return _parse_json_feed(stripped, url)
    body = as_utf8_xml(body, content_type)
    root = _xml_root(body, "feed")
    found: list[tuple[str, Entry | None]] = []  # (element name, its entry; None without a link)
    for item in root.iter():
        name = _local(item.tag)
        if name == "item":  # RSS 0.9x/1.0/2.0
            link = _child_text(item, "link") or _guid_link(item)
            date = _child_text(item, "pubdate", "date", "published", "updated")
            title = _child_text(item, "title")
        elif name == "entry":  # Atom
            link = _atom_link(item)
            date = _child_text(item, "published", "issued", "updated", "modified")
            title = _child_text(item, "title")
        else:
            continue
        link = (link or "").strip()  # a blank link is none: joined, it named the feed itself
        found.append(
            (name, Entry(join_url(_xml_base(item, url), link), title, _date(date)) if link else None)
        )
    if not found and _local(root.tag) not in ("rss", "feed", "rdf"):
        raise FeedError(f"not a feed (root element <{_local(root.tag)}>)")
    cut = _cut_off(body, root, found)
    entries = [entry for _, entry in found if entry]
    if cut:
        raise CutShort(_cut_short(root, len(entries)), entries)
    return entries


_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _xml_base(element, url: str) -> str:
    """The URL an entry's relative links resolve against: the feed's, then each xml:base on the way
    down to the entry (Atom feeds set one on <feed> or <entry>; ignored, their links pointed at the
    feed's folder and answered 404)."""
    for node in [*reversed(list(element.iterancestors())), element]:
        base = node.get(_XML_BASE)
        if base and base.strip():
            url = join_url(url, base.strip())
    return url


def _guid_link(item) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false":
            text = (child.text or "").strip()
            if text.startswith("http"):
                return text
    return None


def _atom_link(entry) -> str | None:
    fallback = None
    for child in entry:
        if _local(child.tag) == "link" and child.get("href"):
            if child.get("rel", "alternate") == "alternate":
                return child.get("href")
            fallback = fallback or child.get("href")
    return fallback


def _parse_json_feed(body: bytes, url: str) -> list[Entry]:
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise FeedError(f"malformed JSON feed: {exc}") from None
    except RecursionError:
        raise FeedError("malformed JSON feed: nested deeper than any feed") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("not a JSON Feed (no items list)")
    entries = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or (item.get("id") if str(item.get("id", "")).startswith("http") else None)
        if isinstance(link, str) and link.strip():  # a blank one, joined, named the feed itself
            link = storable(link.strip())  # JSON escapes can make lone surrogates, which no database stores
            title = storable(item["title"]) if isinstance(item.get("title"), str) else None
            published = item.get("date_published") if isinstance(item.get("date_published"), str) else None
            entries.append(Entry(join_url(url, link), title, _date(published)))
    return entries


def parse_sitemap(body: bytes, url: str, content_type: str | None = None) -> Sitemap:
    """A sitemap or sitemap index, keeping lastmod and the Google News fields; raises CutShort (with
    the entries before the cut) when it ends early. `content_type` as for parse_feed."""
    body = as_utf8_xml(body, content_type)
    root = _xml_root(body, "sitemap")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap (root element <{kind}>)")
    found: list[tuple[str, Entry | None]] = []  # (element name, its entry; None without a <loc>)
    for element in root:
        name = _local(element.tag)
        if name not in ("url", "sitemap"):
            continue
        loc = _child_text(element, "loc")
        if not loc:
            found.append((name, None))
            continue
        lastmod = _date(_child_text(element, "lastmod"))
        if name == "sitemap":
            found.append((name, Entry(join_url(url, loc), lastmod=lastmod)))
            continue
        title = published = None
        for news in element:
            if _local(news.tag) == "news":
                title = _child_text(news, "title")
                published = _date(_child_text(news, "publication_date"))
        found.append((name, Entry(join_url(url, loc), title, published, lastmod)))
    cut = _cut_off(body, root, found)
    children = [entry for name, entry in found if entry and name == "sitemap"]
    entries = [entry for name, entry in found if entry and name == "url"]
    if cut:
        raise CutShort(_cut_short(root, len(children) + len(entries)), Sitemap(children, entries))
    return Sitemap(children, entries)


def robots_sitemaps(text: str) -> list[str]:
    """The Sitemap: lines of a robots.txt."""
    return [m.group(1).strip() for m in re.finditer(r"(?im)^\s*sitemap\s*:\s*(\S+)", text)]


FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


def discover_feeds(html: str, url: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type="...rss/atom/json...">."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    found, base = [], page_base(tree, url)
    for link in tree.xpath(
        '//link[@href and contains(concat(" ", normalize-space(@rel), " "), " alternate ")]'
    ):
        if (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            found.append(join_url(base, link.get("href").strip()))
    return list(dict.fromkeys(found))


def page_base(tree, url: str) -> str:
    """What a page's relative links resolve against: its first <base href>, else its own URL."""
    declared = tree.xpath("//base/@href")
    return join_url(url, declared[0].strip()) if declared and declared[0].strip() else url


ARTICLE_URL = re.compile(
    r"/(19|20)\d\d[/-]\d\d?[/-]\d\d?/|/(19|20)\d\d/\d\d/[^/]+|/(news|article|articles|story|stories|politics|"
    r"world|business|economy|sport|sports)/[^/?#]*[-_][^/?#]*[-_][^/?#]{3,}|[-_/]\d{5,}(\.html?)?$",
    re.IGNORECASE,
)
_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
}


def looks_like_article(tree, url: str) -> bool:
    """An article page by og:type, JSON-LD @type, or (failing both) its URL pattern."""
    og = tree.xpath('string(//meta[@property="og:type"]/@content)').strip().lower()
    if og == "article":
        return True
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        if any(t in _ARTICLE_TYPES for t in re.findall(r'"@type"\s*:\s*"([^"]+)"', script.lower())):
            return True
    if og:
        return False  # the page says what it is (website, video, ...)
    return bool(ARTICLE_URL.search(url))
