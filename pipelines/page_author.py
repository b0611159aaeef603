"""The author a page names in its markup, found as trafilatura's `extract_author` finds it, in one pass.

trafilatura copies the whole tree, deletes from the copy what cannot hold the author (comments, sidebars,
dates, figures, quotes) and runs three XPath queries over what is left, first hit that reads as a name
wins. That was a third of provtrack's metadata time on the shared pages (6 ms a page; the queries' regex
tests call back into Python for every element). Here one walk over the tree sorts every element into
the same three groups and marks the same deletions; only a candidate that contains a deleted element
is copied, alone, to read its text as trafilatura would. The answer is the same:
tests/test_page_author.py compares the two on the shared pages and on every HTML fixture.

The conditions below are trafilatura's AUTHOR_XPATHS and AUTHOR_DISCARD_XPATHS (2.3) written as Python
tests, in the same order; a trafilatura upgrade that changes them makes that test fail.
"""

from __future__ import annotations

import re
from copy import deepcopy

from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

MAX_AUTHOR_CHARS = 120  # trafilatura's len_limit for the author: longer text is a sentence, not a name

# group 1, "specific and almost specific"
_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_SPECIFIC_CLASS = re.compile("author-?name|AuthorName|authorName")
# group 2, "almost generic and generic"
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_GENERIC_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
_GENERIC_ID = re.compile("author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
# group 3, "last resort: any element"
_ANY_ID = re.compile("[Aa]uthor")
_ANY_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
# deleted before the search
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_VALUES = frozenset({"comments", "title", "date"})  # of class; of id only "comments"
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_ALWAYS_DISCARDED = frozenset({"time", "figure"})


def page_author(tree) -> str | None:
    """The author named in the page's markup (a byline element, rel=author, itemprop=author); None
    when no element names one, "" when the one found normalises to nothing. The tree is only read."""
    groups: tuple[list, list, list] = ([], [], [])
    discarded: set = set()
    # trafilatura's `rel='me'` (no @) asks for a child element <rel> whose text is "me" once the
    # deletions are made; never seen on a real page, so looked at only when there is a <rel>
    rel_parents = [parent for rel in tree.iter("rel") if (parent := rel.getparent()) is not None]
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        if tag in _ALWAYS_DISCARDED:
            discarded.add(element)
        if tag == "author":
            groups[0].append(element)
        if not element.attrib:
            continue  # most elements: nothing else below can hold for them
        get = element.get
        klass, ident = get("class") or "", get("id") or ""
        itemprop = get("itemprop") or ""
        if element is not tree and tag in _DISCARD_TAGS and _is_discarded(klass, ident, get):
            discarded.add(element)
        if tag != "author" and tag in _SPECIFIC_TAGS and _is_specific(element, klass, ident, itemprop):
            groups[0].append(element)
        if tag in _GENERIC_TAGS and (
            klass in _GENERIC_CLASSES
            or "author" in itemprop
            or (ident and _GENERIC_ID.search(ident))
            or (klass and _GENERIC_CLASS.search(klass))
        ):
            groups[1].append(element)
        if (
            "Byline" in (get("data-component") or "")
            or "author" in itemprop
            or (ident and _ANY_ID.search(ident))
            or (klass and _ANY_CLASS.search(klass))
        ):
            groups[2].append(element)
    if rel_me := {p for p in rel_parents if p.tag in _SPECIFIC_TAGS and _has_rel_me(p, discarded)}:
        specific = set(groups[0]) | rel_me
        groups[0][:] = [element for element in tree.iter() if element in specific]  # document order
    for group in groups:
        for element in group:
            if element in discarded or any(a in discarded for a in element.iterancestors()):
                continue  # deleted with its container in trafilatura's copy
            content = trim(" ".join(_text_left(element, discarded)))
            if 2 < len(content) < MAX_AUTHOR_CHARS:
                return normalize_authors(None, content)  # "" when nothing is left, as trafilatura
    return None


def _is_specific(element, klass: str, ident: str, itemprop: str) -> bool:
    get = element.get
    return (
        get("rel") == "author"
        or ident == "author"
        or klass == "author"
        or itemprop == "author name"
        or get("data-testid") in ("AuthorCard", "AuthorURL")
        or bool(klass and _SPECIFIC_CLASS.search(klass))
    )


def _has_rel_me(element, discarded: set) -> bool:
    return any(child.tag == "rel" and "".join(_text_left(child, discarded)) == "me" for child in element)


def _is_discarded(klass, ident, get) -> bool:
    return (
        ident == "comments"
        or klass in _DISCARD_VALUES
        or bool(ident and _DISCARD_ID.search(ident))
        or bool(klass and _DISCARD_CLASS.search(klass))
        or "Figure" in (get("data-component") or "")
    )


def _text_left(element, discarded: set):
    """The element's text pieces once the discarded elements inside it are deleted, tails kept, as
    trafilatura's deletion leaves them: only then is the element copied."""
    if any(d in discarded for d in element.iterdescendants()):
        element = prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS)
    return element.itertext()
