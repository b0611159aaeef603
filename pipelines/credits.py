"""Credits stage: every explicit attribution of a page to a news agency, one Credit per agency.

Reads datelines, bylines, source/via lines, copyright and contributor lines, citations and photo credits
from the raw page (see page_regions) and the cleaned text; the grammar lives in credit_cues.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from pipelines import credit_cues as cc
from pipelines.models import ROLES, Credit
from pipelines.page_regions import Block, PageRegions, page_regions
from pipelines.registry import AgencyRegistry, load_agencies

_RANK = {role: i for i, role in enumerate(ROLES)}  # origin > contributor > cited > photo
_CONTEXT = 120
#: agency names read per block: a line naming agencies more often than this is a list or an attack (a
#: paragraph citing Reuters 60,000 times took 9 s). The first and last half of them are kept: the
#: start holds a dateline or byline, the end a credit line.
MAX_MENTIONS_PER_BLOCK = 100
_SENTENCE_END = re.compile(r"[.!?。！？।]\s|\n")
_STAFF_ROLE = re.compile(
    r"\b(?:[A-Z][a-z]+\s+){0,3}(?:Writer|Correspondent|Reporter|Editor|Staff|"
    r"Photographer|Journalist)s?\b"
)
_PLACE = re.compile(r"(?:^|\s)(?:in|aus|à|en|from|desde|da)\s+[A-ZÀ-Ý][\w.'’-]*(?:[\s,]+[A-ZÀ-Ý][\w.'’-]*)*")
_WORD = re.compile(r"[^\s,/|•·:()&]+")
_TITLE_WORD = re.compile(r"^[A-ZÀ-ÝА-ЯЁ][\w.'’-]+$")
_BARE_PUNCT = re.compile(r"^[\s()\[\]\-—–.,:|/•]*$")
_AFTER_SENTENCE = re.compile(r"[.!?।\"”»]\s*[(\[]?\s*$")
# A join word, or the "; " trafilatura puts between a page's authors ("Adam Vidler; AP").
_JOIN_NEXT = re.compile(rf"(?:(?:^|\s)(?:{cc.BYLINE_JOIN_WORDS})\s*|;\s*)$", re.I)
_JOIN_AFTER = re.compile(rf"^\s*(?:(?:{cc.BYLINE_JOIN_WORDS})\s|;)", re.I)
# "Petra Lerchbaumer", "Mehr Infos": a capitalised word glued to the name makes it a person or a phrase.
_NAME_GOES_ON = re.compile(
    r"^\s(?!(?:Photo|Foto|Images?|News|Agency|Staff|Writer|Wire|Scanpix|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b)[A-ZÀ-Ý][a-zà-ÿ]"
)
_PERSON = re.compile(r"^(?:[A-ZÀ-Ý][\w.'’-]+)(?:\s+[A-ZÀ-Ý][\w.'’-]+){0,3}\s*$")
# The guide counts Bloomberg as an agency only when it supplies copy, not as a cited or photo source.
# A byline box goes on with the date: "Tom Davies Associated Press Published 11:34 PM EST Nov 19, 2019".
_BYLINE_END = re.compile(
    r"\s(?=\d|(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])[a-zä]*\.?\s+\d"
    r"|(?:published|posted|updated|veröffentlicht|aktualisiert|publié|mis à jour|"
    r"publicado|actualizado|pubblicato|aggiornato|опубликовано|обновлено)\b)",
    re.I,
)
_COPY_ONLY = frozenset({"Bloomberg"})
#: blocks where an agency's site after a source cue is a credit, and the location it is given
#: (None: footer under the story, else body); captions are photo credits, read by the name rules
_DOMAIN_KINDS = {"para": None, "text": None, "byline": "byline", "meta": "metadata"}


class _Found:
    """Strongest credit per agency, the first cue kept on ties."""

    def __init__(self):
        self.by_agency: dict[str, Credit] = {}

    def add(self, agency: str, role: str, cue: str, location: str):
        if agency in _COPY_ONLY and role not in ("origin", "contributor"):
            return
        old = self.by_agency.get(agency)
        if old is None or _RANK[role] < _RANK[old.role]:
            self.by_agency[agency] = Credit(agency, role, _short(cue), location)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:99] + "…"


def _own_site(url: str, registry: AgencyRegistry) -> list[tuple[str, str]]:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return []
    labels = host.split(".")
    suffixes = {".".join(labels[i:]) for i in range(len(labels))}  # the host and each parent domain
    return [(a.name, d) for a in registry for d in a.domains if d.lower() in suffixes]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _brand(url: str) -> str:
    """The site's name as its domain spells it: "haberturk" for www.haberturk.com."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return _fold(host.split(".")[0]) if host else ""


def _chains(matcher: cc.AgencyMatcher, text: str) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Agency mentions grouped into lists ("APA/sda/dpa", "dpa und AFP"): (start, end, members)."""
    mentions = list(matcher.finditer(text))
    if len(mentions) > MAX_MENTIONS_PER_BLOCK:
        half = MAX_MENTIONS_PER_BLOCK // 2
        mentions = mentions[:half] + mentions[-half:]
    chains: list[tuple[int, int, list]] = []
    for start, end, name in mentions:
        if chains and cc.LIST_SEP.match(text[chains[-1][1] : start]):
            s, _, members = chains[-1]
            members.append((start, end, name))
            chains[-1] = (s, end, members)
        else:
            chains.append((start, end, [(start, end, name)]))
    return chains


def _cue(text: str, start: int, end: int) -> str:
    """The words around a mention, under 100 characters with the marks: cut between words, never inside
    one, with … where text was left out (the cue is what `explain` and the credits relation show)."""
    if len(text) <= 100:
        return text
    a = max(0, start - 45)
    b = min(len(text), a + 96)
    if a > 0 and not text[a - 1].isspace() and (space := text.find(" ", a, start)) != -1:
        a = space + 1
    if b < len(text) and not text[b].isspace() and (space := text.rfind(" ", max(end, a), b)) != -1:
        b = space
    return ("…" if a > 0 else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left : right.start() if right else len(text)]


def _byline_role(text: str, matcher: cc.AgencyMatcher) -> dict[str, str]:
    """Agency → origin (the byline is the agency, or its staff) or contributor (shared byline)."""
    text = _BYLINE_END.split(text, maxsplit=1)[0]
    chains = _chains(matcher, text)
    if not chains or len(text) > 160:
        return {}
    chains = [c for c in chains if not _NAME_GOES_ON.match(text[c[1] :])]
    if not chains:
        return {}
    names = [n for _, _, members in chains for _, _, n in members]
    if cc.L_MORE_SOURCES.search(text[: chains[0][0]]):
        return dict.fromkeys(names, "contributor")  # "Weitere Quellen • AP"
    if any(_JOIN_NEXT.search(text[:s]) or _JOIN_AFTER.match(text[e:]) for s, e, _ in chains):
        return dict.fromkeys(names, "contributor")  # "Adam Vidler and AP", "Par Le Figaro et AFP"
    rest_text = text
    for start, end, _ in reversed(list(matcher.finditer(text))):
        rest_text = rest_text[:start] + " " + rest_text[end:]
    rest_text = cc.BYLINE_PREFIX.sub("", rest_text)
    rest_text = _STAFF_ROLE.sub(" ", rest_text)
    rest_text = _PLACE.sub(" ", rest_text)
    words = [w for w in _WORD.findall(rest_text) if not cc.BYLINE_FILLER.match(w)]
    if not words or (len(words) == 1 and _TITLE_WORD.match(words[0]) and "," in text):
        return dict.fromkeys(names, "origin")  # "AFP", "Reuters, Washington", "Associated Press in Valencia"
    after_last = _STAFF_ROLE.sub(" ", text[chains[-1][1] :])
    if not [w for w in _WORD.findall(after_last) if not cc.BYLINE_FILLER.match(w)]:
        return dict.fromkeys(names, "origin")  # "Tom Davies, Associated Press": agency staff
    return dict.fromkeys(names, "contributor")  # "Reuters, Thorsten Kramer"


def _place(prefix: str) -> bool:
    """Text before "(Reuters) -" is a dateline's place and date ("HAYWARD, Calif.", "Berlin").

    It is not a sentence.
    """
    words = prefix.split()
    return len(words) <= 8 and not any(w[0].islower() for w in words)


def _is_photo(text: str, s: int, e: int) -> bool:
    """Is the agency name at text[s:e] a photo credit ("Photo: AP", "(Manu Fernandez/AP)")?"""
    left, right = text[max(0, s - _CONTEXT) : s], text[e : e + _CONTEXT]
    if cc.L_PHOTO.search(left) or cc.R_PHOTO.match(right) or cc.R_PHOTOGRAPHER.match(right):
        return True
    return bool(cc.L_PHOTOGRAPHER.search(left)) and not cc.L_INITIALS.search(left)


def _caption_credit(text: str, s: int, e: int) -> bool:
    """An agency in a caption counts as a photo credit only where a credit stands, not in the story."""
    left, right = text[max(0, s - _CONTEXT) : s], text[e : e + _CONTEXT]
    if (
        _BARE_PUNCT.match(text[:s] + text[e:])
        or cc.L_PHOTO.search(left)
        or cc.R_PHOTO.match(right)
        or cc.R_PHOTOGRAPHER.match(right)
    ):
        return True
    if re.search(r"[/|(©=\-—–:]\s*$", left) or re.match(r"^\s*(?:[/|)]|$)", right):
        return True
    return False


def _classify(block: Block, matcher: cc.AgencyMatcher, found: _Found, *, cite: bool, domains=None):
    text = block.text
    if domains is not None and block.kind in _DOMAIN_KINDS and (block.tail or len(text) <= 200):
        for agency, cue in domains.finditer(text):  # "Via: sputnikglobe.com": a line under the story
            found.add(
                agency, "origin", cue, _DOMAIN_KINDS[block.kind] or ("footer" if block.tail else "body")
            )
    chains = _chains(matcher, text)
    if not chains:
        return
    if block.kind in ("byline", "meta_byline", "shared_byline"):
        loc = "metadata" if block.kind == "meta_byline" else "byline"
        for name, role in _byline_role(text, matcher).items():
            # An agency byline next to a staff byline ("Adam Vidler" + "AP") is a shared one.
            found.add(name, "contributor" if block.kind == "shared_byline" else role, text, loc)
        return
    if block.kind in ("caption", "photo_meta"):
        for s, e, members in chains:
            if block.kind == "photo_meta" or _caption_credit(text, s, e):
                for _, _, name in members:
                    found.add(
                        name, "photo", _cue(text, s, e), "caption" if block.kind == "caption" else "metadata"
                    )
        return
    if block.kind == "meta":
        body = text.removeprefix("Source: ")
        for name, role in _byline_role(body, matcher).items():
            if role == "origin":
                found.add(name, "origin", body, "metadata")
        return
    place = "footer" if block.tail else "body"
    for s, e, members in chains:
        cue = _cue(text, s, e)
        for ms, me, name in members:
            role, loc = _role_in_text(text, s, e, ms, me, name, block, matcher, cite)
            if role:
                found.add(name, role, cue, loc or place)


def _role_in_text(text, s, e, ms, me, name, block, matcher, cite):
    """(role, location or None for the block's own) for one agency name in a paragraph or text line.

    s, e: span of the list of agencies the name belongs to; ms, me: span of the name itself.
    """
    left, right = text[max(0, s - _CONTEXT) : s], text[e : e + _CONTEXT]
    if cc.L_COPYRIGHT.search(left) and (cc.R_RIGHTS.match(right) or (block.tail and len(right.strip()) < 3)):
        return "origin", "footer"
    if (len(text) <= 80 or block.tail) and cc.L_VIA_LINE.match(text[:s]) and _BARE_PUNCT.match(text[e:]):
        return "origin", None  # before the photo test: its "via " is a photo's only inside a line
    if _is_photo(text, s, e):
        return "photo", "caption"
    if block.lead and s < 160:
        if cc.L_DATELINE_PAREN.match(left) and cc.R_DATELINE_PAREN.match(right) and _place(left[:-1]):
            return "origin", "dateline"
        if cc.L_DATELINE_SLASH.match(left) and cc.R_DATELINE_SLASH.match(right):
            return "origin", "dateline"
        if cc.L_DATELINE_DASH.match(left) and (cc.R_DATELINE_DASH.match(right) or not right.strip()):
            return "origin", "dateline"
        if s < 4 and cc.R_DATELINE_CJK.match(right):
            return "origin", "dateline"
    short = len(text) <= 80
    if (short or block.tail) and (cc.L_INITIALS.search(left) or cc.R_INITIALS.match(right)):
        return "contributor", None
    if cc.L_SOURCE.search(left) or (
        cc.L_SOURCE_LIST.search(left) and _BARE_PUNCT.match(text[e:].split("\n", 1)[0])
    ):
        return "origin", "byline" if block.lead and not block.tail else None
    if cc.L_ORIGINALLY.search(left):
        return "origin", None
    if (short or block.tail) and cc.L_BASED_ON.match(text[:s]) and _BARE_PUNCT.match(text[e:]):
        return "origin", None  # "По материалам ТАСС" as a line of its own
    if block.tail and cc.L_COURTESY.match(text[:s]) and _BARE_PUNCT.match(text[e:]):
        return "origin", None  # "Courtesy of Sputnik" under the story, not "(courtesy of Reuters)" in it
    if cc.L_MORE_SOURCES.search(left) or cc.L_CONTRIB.search(left) or cc.R_CONTRIB.match(right):
        return "contributor", None
    if short and (block.lead or block.tail):
        if cc.BYLINE_PREFIX.match(text):
            role = _byline_role(text, matcher).get(name)
            if role:
                return role, "byline"
        if _BARE_PUNCT.match(text[:s]) and _BARE_PUNCT.match(text[e:]) and (block.tail or me - ms > 3):
            return "origin", "byline" if block.lead and not block.tail else "footer"
    if block.tail and _AFTER_SENTENCE.search(left) and _BARE_PUNCT.match(text[e:]):
        return "origin", "footer"  # "... to sneak into the US. PTI"
    if short and block.lead and not block.tail and len(text) <= 50 and me - ms > 3:
        role = _byline_role(text, matcher).get(name)
        if role == "origin":
            return role, "byline"  # "AFP, MANILA" under the headline
    if not cite or _NAME_GOES_ON.match(text[e:]):
        return None, None
    if cc.L_CITE.search(left) or cc.L_CITE_LOOSE.search(left) or cc.R_CITE.match(right):
        return "cited", "body"
    if (cc.AGENCY_NOUN_L.search(left) or cc.AGENCY_NOUN_R.match(right)) and cc.CITE_VERB.search(
        _sentence(text, s, e)
    ):
        return "cited", "body"
    return None, None


def _text_blocks(text: str) -> list[Block]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    n = len(lines)
    return [Block(ln, "text", lead=i < 3, tail=i >= n - 3) for i, ln in enumerate(lines)]


#: the cue of the own-site mark (see find_credits); queries/views/credits.sql matches it by this prefix
OWN_SITE_CUE = "own site "


def find_credits(
    html: str | None,
    text: str,
    *,
    url: str,
    author: str | None = None,
    registry: AgencyRegistry | None = None,
    regions: PageRegions | None = None,
) -> list[Credit]:
    """The agencies a page credits, at most one Credit each, in its strongest role. A page on an
    agency's own site also gets that agency as origin with the cue OWN_SITE_CUE + its domain: a mark
    for the link stage, not a credit the page gives (queries/views/credits.sql leaves it out by that cue).

    `regions` is page_regions of `html` when the caller has parsed the page already (cleaning has)."""
    registry = registry if registry is not None else load_agencies()
    matcher, domains = cc.agency_matcher(registry), cc.domain_credits(registry)
    found = _Found()
    for name, domain in _own_site(url, registry):  # a mark for the link stage; the credits view leaves it out
        found.add(name, "origin", f"{OWN_SITE_CUE}{domain}", "metadata")
    blocks: list[Block] = []
    if regions is None and html:
        regions = page_regions(html)
    if regions is not None:
        if regions.canonical:
            for name, domain in _own_site(regions.canonical, registry):
                found.add(name, "origin", f"canonical {domain}", "metadata")
        blocks.extend(regions.blocks)
    if author:
        blocks.append(Block(author, "byline"))
    brand = _brand(url)
    person = [
        b.kind in ("byline", "meta_byline")
        and len(b.text) <= 40
        and bool(_PERSON.match(b.text))
        and (" " in b.text.strip() or "-" in b.text)
        and _fold(b.text) != brand
        and not list(matcher.finditer(b.text))
        for b in blocks
    ]
    captions = {b.text for b in blocks if b.kind == "caption"}
    text_blocks = [Block(b.text, "caption") if b.text in captions else b for b in _text_blocks(text or "")]
    # Citations come from the cleaned text when there is one: it has no teasers or link lists.
    cite_in_html = not text_blocks
    for i, block in enumerate(blocks):
        if block.kind == "para" and not (block.lead or block.tail or cite_in_html):
            continue
        if block.kind in ("byline", "meta_byline") and any(
            p and b.kind == block.kind
            for p, b in zip(person[max(0, i - 2) : i + 3], blocks[max(0, i - 2) : i + 3], strict=True)
        ):
            block = Block(block.text, "shared_byline")
        _classify(block, matcher, found, cite=cite_in_html, domains=domains)
    for block in text_blocks:
        _classify(block, matcher, found, cite=True, domains=domains)
    return sorted(found.by_agency.values(), key=lambda c: (_RANK[c.role], c.agency))
