"""From verified reuse to provenance: which candidate is the immediate source, how many hops to the
root, which agency the story started at, whether the article says so, and its story cluster.
Plain values in and out; the link orchestrator feeds it articles in publication order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: an agency's story is taken to precede an outlet's published up to this long before it: papers
#: date by day (midnight) while the wire story carries a time later that day
AGENCY_LEAD = timedelta(hours=24)
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


def order_key(m: ArticleMeta, agency_lead: timedelta = AGENCY_LEAD) -> tuple:
    """A total order on articles: earlier first, an agency moved `agency_lead` earlier, ties to the
    agency then to the older row. Total, so sources can never form a cycle."""
    return (m.time - agency_lead if m.is_agency else m.time, not m.is_agency, m.article_id)


def precedes(a: ArticleMeta, b: ArticleMeta, agency_lead: timedelta = AGENCY_LEAD) -> bool:
    """May `a` be a source of `b`? Two outlets stamped with the same time (papers dated by edition)
    are never each other's source: neither could have read the other."""
    if a.time == b.time and not a.is_agency and not b.is_agency:
        return False
    return order_key(a, agency_lead) < order_key(b, agency_lead)


def choose_source(cands: list[Candidate]) -> Candidate | None:
    """The immediate source: the candidate explaining most of the target, with agencies favoured by
    INTERMEDIARY_MARGIN (an outlet must carry its own edits into the target to be the source), and
    the earlier article on ties."""
    if not cands:
        return None
    return max(
        cands,
        key=lambda c: (
            round(c.containment + (INTERMEDIARY_MARGIN if c.meta.is_agency else 0.0), 6),
            -c.meta.time.timestamp(),
        ),
    )


def own_origin_credit(m: ArticleMeta) -> str | None:
    """The agency the page itself names as origin (or contributor), not counting its own agency: the
    first of its credits, which come ranked by queries/views/_credit_rank.sql (the rule the
    article_origins view applies to articles not linked yet). On an agency's own site only an origin
    credit counts: "with reporting by Reuters" does not make a TASS story Reuters copy."""
    roles = ("origin",) if m.is_agency else CREDIT_ROLES
    return next((agency for agency, role in m.credits if role in roles and agency != m.agency), None)


#: a line that hands the story to someone else: "Source: X", "Via: X", "Originally published by X",
#: "Courtesy of X", German "Quelle: X", Russian "Источник: X" (what follows on the line is searched)
_CREDIT_LINE = re.compile(
    r"(?:^|[\n.(\[|•—–-])\s*(?:sources?|via|originally\s+(?:published|appeared)\s+(?:by|in|on|at)|"
    r"first\s+(?:published|appeared)\s+(?:by|in|on|at)|republished\s+from|courtesy(?:\s+of)?|"
    r"quelle|источник|джерело|fuente|fonte)\s*[:\-–—]?\s*([^\n]{1,160})",
    re.I,
)


def credits_outlet(text: str, names: Iterable[str]) -> bool:
    """Does `text` carry a credit line ("Source: …", "Via: …", "Originally published by …") naming
    one of `names` (an outlet's name, aliases or domain)? The credits relation only knows agencies,
    so a copy that credits the outlet it took the story from is found here."""
    return outlet_credit_line(text, names) is not None


def outlet_credit_line(text: str, names: Iterable[str]) -> str | None:
    """The first credit line of `text` naming one of `names` (see credits_outlet), or None."""
    names = [n.lower() for n in names if n and len(n) >= 3]
    for m in _CREDIT_LINE.finditer(text) if names else ():
        tail = m.group(1).lower()
        for n in names:
            if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", tail):
                return m.group(0).strip(" \n.([|•—–-")
    return None


def credit_status(m: ArticleMeta, origin_agency: str | None, names_intermediary: bool = False) -> str:
    """credited / credits_intermediary / uncredited / self for an article that reuses text.
    `names_intermediary`: the page credits the outlet it copied from (see credits_outlet)."""
    if m.is_agency and origin_agency is not None and m.agency == origin_agency:
        return "self"
    named = {a for a, r in m.credits if r in CREDIT_ROLES}
    if origin_agency is not None and origin_agency in named:
        return "credited"
    if named - {m.agency} or names_intermediary:
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


def derived(
    m: ArticleMeta,
    source: ArticleMeta,
    source_chain: Chain,
    derivation: str,
    reuse: float,
    names_intermediary: bool = False,
) -> Chain:
    """An article that reuses `source`: one hop more than the source, the same root and cluster.
    `names_intermediary`: its text credits the source's outlet (an intermediary, not an agency)."""
    # a credit-only source (its agency original not stored) is the earliest article we hold
    origin_id = source_chain.origin_id if source_chain.origin_id is not None else source.article_id
    hops = source_chain.hops + 1
    origin_agency = source_chain.origin_agency or own_origin_credit(m)
    status = credit_status(m, origin_agency, names_intermediary and not source.is_agency)
    named = {a for a, r in m.credits if r in CREDIT_ROLES}
    evidence = "credit+text" if origin_agency is not None and origin_agency in named else "text"
    return Chain(
        m.article_id,
        source.article_id,
        origin_id,
        origin_agency,
        hops,
        derivation,
        reuse,
        status,
        evidence,
        source_chain.cluster_id,
    )
