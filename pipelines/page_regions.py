"""Picks the article's own regions out of a raw page: byline, caption, lead/tail paragraphs and metadata.

Boilerplate removal deletes the very lines that carry credit, so the credits stage reads the page itself;
this module keeps navigation, teasers, cookie banners and comments out of what it reads.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from lxml import etree

from pipelines.credit_cues import BASED_ON, LIST_SOURCE_WORDS, ORIGINALLY

BLOCK_KINDS = ("para", "byline", "caption", "meta", "meta_byline", "photo_meta")


@dataclass(frozen=True)
class Block:
    """A piece of text from one region of the page."""

    text: str
    kind: str  # one of BLOCK_KINDS, or a kind credits.py gives a block it reads ("text", "shared_byline")
    lead: bool = False  # among the first paragraphs of the article
    tail: bool = False  # among the last paragraphs of the article


@dataclass
class PageRegions:
    """What the credits stage reads from a raw page."""

    blocks: list[Block]
    canonical: str | None = None


_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "textarea",
    "dialog",
    "menu",
}
_JUNK = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|sidebars|related|recommend\w*|teasers?|teaser\w*|"
    r"most-?read|mostread|popular|trending|ticker|newsticker|cookies?|consent|gdpr|cmp|newsletter|"
    r"subscribe|subscription|comments?|disqus|share|sharing|social|socials|promo|advert\w*|ads?|adslot|"
    r"banner|outbrain|taboola|breadcrumbs?|widget|rail|read-?more|readmore|more-?stories|also|paywall|"
    r"livefyre|toolbar|sr-only|visually-hidden|hidden|modal|popup|overlay|footer|site-footer|"
    r"masthead|skip|jump|inline-?teaser|recirc\w*|partner\w*|sponsored)(?:$|[\s_-])",
    re.I,
)
_CAPTION = re.compile(
    r"caption|credit|photo|image|img|media|figure|bild|foto|legend|picture|gallery|slideshow|"
    r"source-?image|imagen|didascalia",
    re.I,
)
_BYLINE = re.compile(
    r"byline|author|autor|auteur|writer|reporter|dateline|contributor|signature|firma|"
    r"(?:^|[\s_-])by(?:$|[\s_-])|article-?source|story-?source|source-?line|quelle",
    re.I,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "br",
    "hr",
    "main",
    "address",
    "pre",
    "time",
    "picture",
}
_CAPTION_TAGS = frozenset({"figure", "figcaption", "picture"})
_ARTICLE_TYPES = re.compile(r"article|posting|report|webpage|creativework|liveblog", re.I)
_MEDIA_TYPES = re.compile(r"imageobject|videoobject|mediaobject", re.I)
_META_NAMES = {
    "original-source",
    "syndication-source",
    "dc.source",
    "dcterms.source",
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "sailthru.author",
    "parsely-author",
    "source",
    "dc.rights",
    "copyright",
    "articleauthor",
}
_WS = re.compile(r"\s+")
_SOURCE_START = re.compile(
    r"^\(?\s*(?:quelle|source|bron|fuente|fonte|zdroj|kilde|foto|photo|bild)\s*:", re.I
)

#: a line that hands the story to someone else, as sites print it below the article element
_CREDIT_LINE_START = re.compile(
    rf"^\(?\s*(?:(?:{LIST_SOURCE_WORDS})\s*[:\-–—]|"
    rf"{ORIGINALLY}\b|republished\s+from\b|courtesy(?:\s+of)?\b|(?:{BASED_ON})\b)",
    re.I,
)
#: elements after the article element searched for such a line, and the longest line taken
_AFTER_ARTICLE_BLOCKS, _CREDIT_LINE_MAX = 3, 200
#: what is site chrome, not the article's, after it: comments, related stories, share bars, widgets
_CHROME_TAGS = {"footer", "aside", "nav", "form", "script", "style", "template", "header"}
_CHROME = re.compile(
    r"comment|related|recommend|share|sharing|social|newsletter|subscri|promo|advert|sponsor|teaser|"
    r"popular|trending|cookie|consent|widget|sidebar|disqus|contentinfo|complementary|navigation",
    re.I,
)


def _attrs(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')} {el.get('rel', '')}"


def _is_junk(el) -> bool:
    if el.tag in _DROP_TAGS:
        return True
    role = el.get("role", "")
    if role in ("navigation", "complementary", "banner", "contentinfo", "dialog", "alertdialog"):
        return True
    if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
        return True
    cls = el.get("class", "") or ""
    ident = el.get("id")
    junk = _junk_words(f"{cls} {el.get('itemprop', '')} {el.get('rel', '')}") or bool(
        ident and _JUNK.search(ident)
    )
    return junk and not _caption_words(cls)


# Pages repeat a handful of class strings thousands of times, so the regexes run once per distinct
# string; ids are unique per element and are searched apart, uncached, so they do not crowd the cache.
@lru_cache(maxsize=8192)
def _junk_words(words: str) -> bool:
    return bool(_JUNK.search(words))


@lru_cache(maxsize=8192)
def _caption_words(words: str) -> bool:
    return bool(_CAPTION.search(words))


@lru_cache(maxsize=8192)
def _kind_of_words(words: str) -> str | None:
    return _kind_of_text(words)


def _kind_of_text(words: str) -> str | None:
    if not words.strip():
        return None
    if _BYLINE.search(words):
        return "byline"
    if _CAPTION.search(words):
        return "caption"
    return None


def _text_len(el) -> int:
    return sum(len(t) for t in el.xpath(".//p//text()"))


def _article_root(body):
    """The element holding the article: the <article>/articleBody with the most paragraph text."""
    cands = body.xpath("//article | //*[@itemprop='articleBody'] | //main | //*[@role='main']")
    best, best_len = None, 0
    for el in cands:
        n = _text_len(el)
        # Prefer the innermost large container only when it keeps most of the text.
        if n > best_len * 1.15 or (
            best is not None and n >= best_len * 0.85 and el.tag == "article" and best in el.iterancestors()
        ):
            best, best_len = el, n
    if best is None or best_len < 200:
        return body
    # articleBody often sits below the header that holds the byline: take the enclosing <article>.
    if best.tag != "article":
        art = next((a for a in best.iterancestors("article")), None)
        if art is not None:
            best = art
    return best


def _kind_of(child, kind: str) -> str:
    if kind != "para":
        return kind
    if child.tag in _CAPTION_TAGS:
        return "caption"
    if child.get("rel") == "author":
        return "byline"
    found = _kind_of_words(
        f"{child.get('class', '')} {child.get('itemprop', '')} {child.get('data-testid', '')}"
    )
    ident = child.get("id")
    if found != "byline" and ident:
        found = _kind_of_text(ident) or found  # byline anywhere wins, then caption anywhere
    return found or kind


def _element_text(el) -> str:
    return " ".join(t for t in el.itertext() if isinstance(t, str))


def _walk(el, kind: str, out: list[list], in_link: bool, skip=None):
    """Appends [kind, text] pieces in document order (None text = block break); kinds are inherited.

    `skip` is a subtree already read, left out when the walk widens to look for a byline. Most elements
    of an article carry no attributes; they take the short path (the tag alone decides)."""
    for child in el:
        if child is skip:
            continue
        # a blank tail still parts words: "<b>Via</b> <a>Sputnik</a>" is not "ViaSputnik"
        tail = child.tail or None
        tag = child.tag
        if not isinstance(tag, str):
            if tail:
                out.append([kind, tail])
            continue
        has_attributes = len(child.attrib) > 0
        if tag in _DROP_TAGS or (has_attributes and _is_junk(child)):
            # An author box inside an article's aside still names the article's author.
            if tag == "aside" and not in_link and not _JUNK.search(_attrs(child)):
                for by in child.xpath(
                    ".//*[@rel='author' or contains(@class, 'author') or contains(@class, 'byline')]"
                ):
                    if not by.xpath("ancestor::a"):
                        out += [["byline", None], ["byline", _element_text(by)], [kind, None]]
                        break
            if tail:
                out.append([kind, tail])
            continue
        ckind = _kind_of(child, kind) if has_attributes or tag in _CAPTION_TAGS else kind
        link = in_link or tag == "a"
        if ckind == "byline" and kind != "byline":
            # A byline is read as one unit ("Tom Davies" + "Associated Press" in two spans);
            # one inside a link belongs to a teaser of another story.
            if not link:
                out += [["byline", None], ["byline", _element_text(child)], [kind, None]]
            if tail:
                out.append([kind, tail])
            continue
        if has_attributes:
            if tag == "img":
                for attr in ("alt", "title", "data-credit", "data-caption"):
                    v = child.get(attr)
                    if v and v.strip():
                        out += [["caption", None], ["caption", v], [kind, None]]
            elif ckind == "caption" and child.get("title"):
                out += [["caption", None], ["caption", child.get("title")], [kind, None]]
        block = tag in _BLOCK_TAGS or ckind != kind
        if block:
            out.append([ckind, None])
        if child.text:
            out.append([ckind, child.text])
        if len(child):
            _walk(child, ckind, out, link, skip)
        if block:
            out.append([kind, None])
        if tail:
            out.append([kind, tail])


def _merge(parts: list[list]) -> list[tuple[str, str]]:
    blocks, cur_kind, buf = [], None, []
    for kind, text in parts:
        if text is None or kind != cur_kind:
            if buf:
                t = _WS.sub(" ", "".join(buf)).strip()
                if t:
                    blocks.append((cur_kind, t))
            buf = []
            cur_kind = kind
            if text is None:
                continue
        buf.append(text)
    if buf:
        t = _WS.sub(" ", "".join(buf)).strip()
        if t:
            blocks.append((cur_kind, t))
    return blocks


def _names(value) -> list[str]:
    """Names inside a JSON-LD value: a string, an object with name, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        n = value.get("name") or value.get("legalName")
        return [n] if isinstance(n, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _jsonld_blocks(root) -> list[Block]:
    out: list[Block] = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            doc = json.loads(script.text or "")
        except (ValueError, TypeError, RecursionError):  # RecursionError: nested too deep
            continue
        stack = [doc]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            if "@graph" in node:
                stack.append(node["@graph"])
            types = node.get("@type", "")
            types = " ".join(types) if isinstance(types, list) else str(types)
            if _MEDIA_TYPES.search(types):
                for key in ("creditText", "copyrightHolder", "author", "creator", "copyrightNotice"):
                    out.extend(Block(n, "photo_meta") for n in _names(node.get(key)))
            elif _ARTICLE_TYPES.search(types):
                for key in ("author", "creator"):
                    out.extend(Block(n, "meta_byline") for n in _names(node.get(key)))
                for key in (
                    "sourceOrganization",
                    "isBasedOn",
                    "creditText",
                    "copyrightHolder",
                    "sourcedFrom",
                ):
                    out.extend(Block(f"Source: {n}", "meta") for n in _names(node.get(key)))
                for key in ("image", "associatedMedia", "video"):
                    v = node.get(key)
                    if isinstance(v, (dict, list)):
                        stack.append(v)
    return out


_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True)
# lxml.html's own parser asks a Python function for the class of every element Python touches (a form
# field gets its own); every element as a plain HtmlElement is decided in C: 0.3 s less of the 10 s
# that cleaning the 569 shared pages takes, with the same text, metadata, dates and credits on each.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def parse_html(html: str):
    """The page as an lxml tree; raises ValueError when lxml cannot make a document of it.

    The text is handed over as UTF-8 bytes so that a stale <meta charset> cannot re-decode it."""
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except etree.ParserError as exc:
        raise ValueError(str(exc)) from exc


def page_regions(html: str) -> PageRegions:
    """Blocks of the article region of a raw HTML page, with the page's metadata."""
    try:
        root = parse_html(html)
    except ValueError:
        return PageRegions([])
    return regions_of_tree(root)


def _credit_lines_after(region, body) -> list[str]:
    """Credit lines ("Via: Sputnik News Agency", "Source: TASS") in the few elements right after the
    article element, inside the page's main part: many sites print them there, below the text, where
    neither the walk of the article nor trafilatura looks. Only short lines that start like a credit
    are taken, and never from site chrome (a footer, comments, related stories, widgets)."""
    found: list[str] = []
    seen, element = 0, region
    while element is not None and element is not body and seen < _AFTER_ARTICLE_BLOCKS:
        for sibling in element.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in _CHROME_TAGS:
                continue
            if _CHROME.search(f"{_attrs(sibling)} {sibling.get('role', '')}"):
                continue
            seen += 1
            pieces = itertools.chain([sibling], sibling.iterdescendants("p", "div", "span", "small", "em"))
            for piece in itertools.islice(pieces, 8):  # not every descendant of a large sibling
                line = " ".join(_element_text(piece).split())
                if len(line) <= _CREDIT_LINE_MAX and _CREDIT_LINE_START.match(line):
                    found.append(line)
                    break
            if seen >= _AFTER_ARTICLE_BLOCKS:
                break
        parent = element.getparent()
        if parent is None or parent.tag == "main" or parent.get("role") == "main":
            break  # the main part ends here: what follows is the site's
        element = parent
    return found


def regions_of_tree(root) -> PageRegions:
    """page_regions for a tree already parsed by parse_html; the tree is only read, never changed."""
    blocks = _jsonld_blocks(root)
    for meta in root.xpath("//meta[@content]"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in _META_NAMES:
            content = meta.get("content", "")
            if name in (
                "author",
                "article:author",
                "dc.creator",
                "byl",
                "sailthru.author",
                "parsely-author",
                "articleauthor",
            ):
                blocks.append(Block(content, "meta_byline"))
            else:
                blocks.append(Block(f"Source: {content}", "meta"))
    canonical = next(iter(root.xpath("//link[@rel='canonical']/@href")), None)
    body = root.find("body")
    if body is None:
        return PageRegions(blocks, canonical)
    region = _article_root(body)
    parts: list[list] = []
    _walk(region, "para", parts, False)
    merged = _merge(parts)
    if region is not body and not any(k == "byline" for k, _ in merged):
        # The byline often sits above the <article> that holds the text: look a few levels up.
        bylines: list[str] = []
        scope = region
        for _ in range(3):
            read, scope = scope, scope.getparent()
            if scope is None:
                break
            outside: list[list] = []
            _walk(scope, "para", outside, False, skip=read)  # what was read held no byline
            bylines = [t for k, t in _merge(outside) if k == "byline"][:3]
            if bylines or scope is body:
                break
        blocks.extend(Block(t, "byline") for t in dict.fromkeys(bylines))
    if region is not body:
        blocks.extend(Block(t, "para", tail=True) for t in _credit_lines_after(region, body))
    paras = [i for i, (k, _) in enumerate(merged) if k == "para"]
    # Lead: everything up to the second real paragraph (headline, byline and dateline sit there).
    long_paras = [i for i in paras if len(merged[i][1]) >= 120]
    lead_end = long_paras[1] if len(long_paras) > 1 else (paras[3] if len(paras) > 3 else len(merged))
    lead = {i for i in paras if i <= lead_end and i <= paras[min(len(paras) - 1, 11)]}
    tail = set(paras[-4:])
    for i, (kind, text) in enumerate(merged):
        if (
            kind == "para"
            and len(text) <= 60
            and _SOURCE_START.match(text)
            and any(k == "caption" for k, _ in merged[max(0, i - 2) : i])
        ):
            kind = "caption"  # "Quelle: AFP" right under an image is the image's credit
        blocks.append(Block(text[:2000], kind, lead=i in lead, tail=i in tail))
    return PageRegions(blocks, canonical)
