"""From verified reuse to provenance: which candidate is the immediate source, how many hops to the
root, which agency the story started at, whether the article says so, and its story cluster.
Plain values in and out; the link orchestrator feeds it articles in publication order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pipelines.credit_cues import BASED_ON, LIST_SOURCE_WORDS, ORIGINALLY

#: an outlet page that gives only its day stands for any time of that day, so it is placed this much
#: later: the wire story of that day precedes it. Papers date by day while the wire story carries a
#: time later that day. A page that gives its time is placed at it.
AGENCY_LEAD = timedelta(hours=24)
#: a copy that credits an agency's story it shares text with, stamped at most this much before it, was
#: stamped by a clock or time zone that disagrees (a local time read as UTC is up to 14 h off): the
#: story is placed just before the copy (see skew_corrected)
CLOCK_SKEW = timedelta(hours=14)
#: an outlet wins over an agency as immediate source only when it explains this much more of the
#: target (its own edits reappear), otherwise the agency is taken as the direct source
INTERMEDIARY_MARGIN = 0.03
CREDIT_ROLES = ("origin", "contributor")


@dataclass(frozen=True)
class ArticleMeta:
    """What provenance needs to know about one article version besides its text."""

    article_id: int
    time: datetime  # published_at, or first seen when unknown
    is_agency: bool  # published on an agency's own outlet
    agency: str | None  # that agency's canonical name
    credits: tuple[tuple[str, str], ...] = ()  # (agency, role) found on the page
    outlet_names: tuple[str, ...] = ()  # its outlet's name, aliases and domain, lower-cased
    cited: tuple[tuple[str, str], ...] = ()  # (agency, cue) named as the source of a statement
    stamped: datetime | None = None  # the time as stored, when skew_corrected placed it earlier
    legacy_dates: bool = False  # stored before 2026-12-06: read by the old day_only rule


@dataclass(frozen=True)
class Candidate:
    """A verified earlier text and how much of the target it explains."""

    meta: ArticleMeta
    containment: float


@dataclass(frozen=True)
class Chain:
    """The link stage's verdict on one article (a `chains` row)."""

    article_id: int
    source_id: int | None
    origin_id: int | None
    origin_agency: str | None
    hops: int
    derivation: str
    reuse_score: float | None
    credit_status: str | None
    evidence: str | None
    cluster_id: int


def day_only(t: datetime, legacy: bool = False) -> bool:
    """Does `t` stand for a date without a time of day? Dates are read as midnight UTC, written as
    a date alone or at midnight of their own zone (dates.to_utc). A page that gives its time, even on
    the hour ("10:00:00+02:00", as editors schedule), is placed at it: pushed a day later it came out
    the copy of everyone who ran its story that day. `legacy`: stored before 2026-12-06, when a local
    midnight was stored converted (21:00 or 05:00 UTC), and any time on a quarter hour still counts
    (queries/schema/005_legacy_dates.sql)."""
    if legacy and (t.second, t.microsecond) == (0, 0) and t.minute % 15 == 0:
        return True
    return (t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0)


def order_key(m: ArticleMeta, agency_lead: timedelta = AGENCY_LEAD) -> tuple:
    """A total order on articles: earlier first, an outlet page dated by day only placed
    `agency_lead` later (see AGENCY_LEAD), ties to the agency, then to the earlier stamp (stories
    skew_corrected placed at one instant keep their own order), then to the older row. Total, so
    sources can never form a cycle."""
    later = not m.is_agency and day_only(m.time, m.legacy_dates)
    return (m.time + agency_lead if later else m.time, not m.is_agency, m.stamped or m.time, m.article_id)


def skew_corrected(metas: dict[int, ArticleMeta], pairs: Iterable[tuple[int, int]]) -> None:
    """Place an agency's story just before the earliest copy that credits that agency as its origin
    and was stamped up to CLOCK_SKEW before it (`pairs`: ids sharing text, either way round). By the
    clocks the copy came first, so the credited story could not be its source, and the agency's own
    original came out a copy of the outlets that ran it. A copy dated by day only is no clock error.
    Changes `metas` in place. In a later run an uncredited copy stamped before the story makes the
    story "judged before its source" (link._judged_before_their_source): it is judged again with its
    pairs, the crediting copy's among them, and placed so again."""
    earliest: dict[int, datetime] = {}
    for a, b in pairs:
        for story, copy in ((a, b), (b, a)):
            s, c = metas[story], metas[copy]
            stamped = s.stamped or s.time  # measured from the story's own stamp, however often called
            if (
                s.is_agency
                and not c.is_agency
                and (s.agency, "origin") in c.credits
                and not day_only(c.time, c.legacy_dates)
                and timedelta(0) < stamped - c.time <= CLOCK_SKEW
            ):
                placed = c.time - timedelta(seconds=1)
                earliest[story] = min(earliest.get(story, placed), placed)
    for story, time in earliest.items():
        m = metas[story]
        metas[story] = replace(m, time=min(time, m.time), stamped=m.stamped or m.time)


def dated_by_day_before(page: ArticleMeta, other: ArticleMeta) -> bool:
    """Is `page` an outlet page dated by day only, and `other` an outlet page of that day stamped
    with its time? Then only a credit line tells which ran the story first (see day_only_placed)."""
    return (
        not page.is_agency
        and not other.is_agency
        and day_only(page.time, page.legacy_dates)
        and not day_only(other.time, other.legacy_dates)
        and page.time < other.time < page.time + AGENCY_LEAD
    )


def day_only_placed(
    metas: dict[int, ArticleMeta], pairs: Iterable[tuple[int, int]], named: set[tuple[int, int]]
) -> None:
    """Place an outlet page dated by day only just before the earliest page of that day, stamped with
    its time, that names it as where its story came from ("Source: Volga Paper"), unless an agency
    story it shares text with comes between: pushed after the whole day (AGENCY_LEAD), the page could
    be no source of an aggregator that ran it at 15:00, which came out the uncredited copy of the
    agency story behind it. `pairs`: ids sharing text, either way round; `named`: (copy, page) pairs
    of dated_by_day_before whose copy's text names the page's outlet in a credit line. Changes
    `metas` in place, as skew_corrected does."""
    earliest: dict[int, datetime] = {}
    agency_times: dict[int, list[datetime]] = {}
    for a, b in pairs:
        for page, other in ((a, b), (b, a)):
            p, o = metas[page], metas[other]
            if o.is_agency and not p.is_agency:
                agency_times.setdefault(page, []).append(o.time)
            elif (other, page) in named and dated_by_day_before(p, o):
                placed = o.time - timedelta(seconds=1)
                earliest[page] = min(earliest.get(page, placed), placed)
    for page, placed in earliest.items():
        m = metas[page]
        if any(placed <= t < m.time + AGENCY_LEAD for t in agency_times.get(page, ())):
            continue  # an agency story of its day comes after: the page stays after the day's wire
        metas[page] = replace(m, time=placed, stamped=m.stamped or m.time)


def precedes(a: ArticleMeta, b: ArticleMeta, agency_lead: timedelta = AGENCY_LEAD) -> bool:
    """May `a` be a source of `b`? Two outlets stamped with the same time (papers dated by edition),
    or two agencies (two wires putting out one statement), are never each other's source: neither
    could have read the other. Between an agency and an outlet the tie goes to the agency."""
    if a.time == b.time and a.is_agency == b.is_agency:
        return False
    return order_key(a, agency_lead) < order_key(b, agency_lead)


def choose_source(cands: list[Candidate], credited: frozenset[int] = frozenset()) -> Candidate | None:
    """The immediate source: the candidate explaining most of the target, with agencies favoured by
    INTERMEDIARY_MARGIN (an outlet must carry its own edits into the target to be the source), as
    are outlets the target's page names as its source (`credited`, article ids: those outlets, and
    agencies the page credits), which also win ties; then the earlier article."""
    if not cands:
        return None

    def rank(c: Candidate) -> tuple:
        named = c.meta.article_id in credited
        margin = INTERMEDIARY_MARGIN if c.meta.is_agency or named else 0.0
        return (round(c.containment + margin, 6), named, -c.meta.time.timestamp())

    return max(cands, key=rank)


def hands_story_to(source: ArticleMeta, source_text: str, target: ArticleMeta) -> bool:
    """Does the would-be source's page name the target's outlet or agency as where its own story
    came from? Then it copied the target, not the other way round, whatever the clocks say (an
    agency running an outlet's scoop a few hours later; an agency original with no date, placed at
    the time provtrack first saw it)."""
    if target.is_agency and any(agency == target.agency for agency, _role in source.credits):
        return True
    return not target.is_agency and credits_outlet(source_text, target.outlet_names)


def own_earlier_story(source: ArticleMeta, target: ArticleMeta) -> bool:
    """Are both the same agency's own stories? Then the later is a story of its own, not a copy of the
    earlier: an agency's update or follow-up is where that version of the story starts, and its
    copies are timed from it (linked to the earlier story, every copy of an update was timed from the
    day before). Its reuse of the earlier text is still stored and shown by `explain`."""
    return source.is_agency and target.is_agency and source.agency == target.agency


def traces_to(target: ArticleMeta, source: ArticleMeta, source_chain: Chain | None) -> bool:
    """Is the would-be source an outlet's text whose chain names the target's own agency as its
    origin? Then it came from that agency (a copy crediting it, stamped before the story by a clock
    far off, or a copy of such a copy), and the agency's story is no copy of it."""
    return (
        target.is_agency
        and not source.is_agency
        and source_chain is not None
        and source_chain.origin_agency == target.agency
    )


def credited_agencies(m: ArticleMeta) -> set[str]:
    """The agencies the page credits as origin or contributor (its own agency among them)."""
    return {agency for agency, role in m.credits if role in CREDIT_ROLES}


def own_origin_credit(m: ArticleMeta, passed_through: str | None = None) -> str | None:
    """The agency the page itself names as origin (or contributor), not counting its own agency: the
    first of its credits, which come ranked by queries/views/_credit_rank.sql (the rule the
    article_origins view applies to articles not linked yet). On an agency's own site only an origin
    credit counts: "with reporting by Reuters" does not make a TASS story Reuters copy.
    `passed_through`: an agency the chain is known to pass through, which is no origin either."""
    roles = ("origin",) if m.is_agency else CREDIT_ROLES
    return next((a for a, role in m.credits if role in roles and a != m.agency and a != passed_through), None)


#: a line that hands the story to someone else: "Source: X", "Via: X", "Originally published by X",
#: "Courtesy of X", "Based on materials from X", German "Quelle: X", Russian "Источник: X", "По материалам X"
#: (what follows on the line is searched)
_CREDIT_LINE = re.compile(
    rf"(?:^|[\n.(\[|•—–-])\s*(?:{LIST_SOURCE_WORDS}|{ORIGINALLY}|republished\s+from|courtesy(?:\s+of)?|"
    rf"{BASED_ON})\s*[:\-–—]?\s*([^\n]{{1,160}})",
    re.I,
)


def credits_outlet(text: str, names: Iterable[str]) -> bool:
    """Does `text` carry a credit line ("Source: …", "Via: …", "Originally published by …") naming
    one of `names` (an outlet's name, aliases or domain)? The credits relation only knows agencies,
    so a copy that credits the outlet it took the story from is found here."""
    return outlet_credit_line(text, names) is not None


_THE = re.compile(r"^the\s+", re.I)


def _without_the(name: str) -> str:
    rest = _THE.sub("", name)
    return rest if len(rest.split()) >= 2 else name


def outlet_credit_line(text: str, names: Iterable[str]) -> str | None:
    """The first credit line of `text` naming one of `names` (see credits_outlet), or None. A name of
    two letters ("RT") counts only in capitals, as a word of its own. A name's leading "The" may be
    left out where two words or more remain ("Source: EurAsian Times" names The EurAsian Times; "Times"
    alone would be every Times)."""
    names = [n for name in names if name for n in (name, _without_the(name))]
    words = list(dict.fromkeys(n.lower() for n in names if len(n) >= 3))
    initials = [n.upper() for n in names if n and len(n) == 2 and n.isalpha()]
    for m in _CREDIT_LINE.finditer(text) if words or initials else ():
        tail = m.group(1)
        if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", tail.lower()) for n in words) or any(
            re.search(rf"(?<!\w){n}(?!\w)", tail) for n in initials
        ):
            return m.group(0).strip(" \n.([|•—–-")
    return None


#: words either side of an agency's name that make its citation: "said on Tuesday, TASS reported,"
CITATION_REACH = 3


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def citations_of_its_own(
    m: ArticleMeta, source_text: str, names: Mapping[str, Iterable[str]]
) -> frozenset[str]:
    """The agencies `m` names as the source of a statement in words its source's text does not have:
    a copy of a TASS story that adds "…, TASS reported." says where it came from, while one that
    carries over the original's own "as Sputnik reported earlier" says nothing of its own. Only the
    agency's name and CITATION_REACH words either side are compared (the cue is wider, and an edit
    elsewhere in it says nothing of who wrote the citation); `names`: agency -> names it goes by."""
    if not m.cited:
        return frozenset()
    source = f" {' '.join(_words(source_text))} "
    own = set()
    for agency, cue in m.cited:
        words = _words(cue)
        if any(f" {window} " not in source for window in _name_windows(words, names.get(agency, (agency,)))):
            own.add(agency)
    return frozenset(own)


def _name_windows(words: list[str], names: Iterable[str]) -> Iterable[str]:
    """Each place one of `names` stands in `words`, with CITATION_REACH words either side; none when the
    cue does not hold the name as the registry spells it (then the citation is not judged own)."""
    spelled = [w for w in (_words(n) for n in names) if w]
    for i in range(len(words)):
        for name in spelled:
            if words[i : i + len(name)] == name:
                yield " ".join(words[max(0, i - CITATION_REACH) : i + len(name) + CITATION_REACH])


def credit_status(
    m: ArticleMeta,
    origin_agency: str | None,
    names_intermediary: bool = False,
    cites: frozenset[str] = frozenset(),
    direct: bool = False,
) -> str:
    """credited / credits_intermediary / uncredited / self for an article that reuses text.
    `names_intermediary`: the page credits the outlet it copied from (see credits_outlet); `cites`:
    agencies it names as the source of a statement in its own words (see citations_of_its_own), which
    credit the origin when the origin is one of them; `direct`: it copies its origin itself (one hop),
    so nothing stands between them and naming another agency is no credit: a BelTA story run as
    "Source: Reuters" is uncredited. Further down a chain another agency may be one it passed through."""
    if m.is_agency and origin_agency is not None and m.agency == origin_agency:
        return "self"
    named = credited_agencies(m)
    if origin_agency is not None and origin_agency in named | cites:
        return "credited"
    if names_intermediary or (named - {m.agency} and not direct):
        return "credits_intermediary"
    return "uncredited"


def original(m: ArticleMeta) -> Chain:
    """An article with no text source: a credited copy whose original is not in the database
    (evidence 'credit', hops 1, no origin article; on an agency's own site too, when it runs another
    agency's copy), the agency's own story, or an original of its outlet."""
    credited = own_origin_credit(m)
    if credited is not None:
        return Chain(m.article_id, None, None, credited, 1, "none", None, "credited", "credit", m.article_id)
    if m.is_agency:
        return Chain(m.article_id, None, m.article_id, m.agency, 0, "none", None, "self", None, m.article_id)
    return Chain(m.article_id, None, m.article_id, None, 0, "none", None, None, None, m.article_id)


def own_story_again(
    m: ArticleMeta, source: ArticleMeta, source_chain: Chain, origin_agency: str | None
) -> bool:
    """Is the source an original of the article's own outlet (no agency behind it)? Then the article
    runs its outlet's story again (a second URL, an update posted anew), which is no reuse to credit.
    Only for an outlet known by a name: one known only by its domain (an ingested row without an
    outlet: t.me, substack.com) may be many channels, each other's copies."""
    names = set(m.outlet_names)
    return (
        origin_agency is None
        and names == set(source.outlet_names)
        and any("." not in name for name in names)
        and source_chain.origin_id == source.article_id
    )


def derived(
    m: ArticleMeta,
    source: ArticleMeta,
    source_chain: Chain,
    derivation: str,
    reuse: float,
    names_intermediary: bool = False,
    names_source: bool = False,
    cites: frozenset[str] = frozenset(),
) -> Chain:
    """An article that reuses `source`: one hop more than the source, the same root and cluster.
    `names_intermediary`: its text credits an outlet whose text it reuses (see credits_outlet);
    `names_source`: that outlet is the source's. Naming the source whose own story is the root (no
    agency behind it) is crediting the origin. `cites`: see credit_status."""
    # a credit-only source (its agency original not stored) is the earliest article we hold
    origin_id = source_chain.origin_id if source_chain.origin_id is not None else source.article_id
    hops = source_chain.hops + 1
    # The page's own credit stands in for an origin agency whose story is not stored, never for the
    # agency it copied: with no agency at the chain's root, that agency ran someone else's story.
    origin_agency = source_chain.origin_agency or own_origin_credit(
        m, passed_through=source.agency if source.is_agency else None
    )
    names_origin = (
        names_source
        and not source.is_agency
        and origin_agency is None
        and source_chain.origin_id == source.article_id
    )
    if names_origin:
        status = "credited"
    elif own_story_again(m, source, source_chain, origin_agency):
        status = "self"  # its outlet's own earlier story, run again: nobody's copy to credit
    else:
        status = credit_status(m, origin_agency, names_intermediary, cites, direct=hops == 1)
    named = credited_agencies(m) | cites
    credited_origin = names_origin or (origin_agency is not None and origin_agency in named)
    return Chain(
        m.article_id,
        source.article_id,
        origin_id,
        origin_agency,
        hops,
        derivation,
        reuse,
        status,
        "credit+text" if credited_origin else "text",
        source_chain.cluster_id,
    )
