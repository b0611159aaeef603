"""Date claims of stored versions: added after the version was stored, and kept by the next version.

A version's publication time is chosen from its claims (pipelines.dates). Claims that arrive later
(a feed read after the page was stored, a news sitemap met on a re-check, a better date rule in a
reprocess) are added to the stored version when it has none of their kind, and its time is chosen
again. A version whose time moves goes back to the next link's batch, with every article judged a copy
of it: who copied whom may have turned round."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone

import duckdb

from pipelines.dates import choose_published_at, first_seen_of
from pipelines.models import Article, DateCandidate
from pipelines.store.db import load_query
from pipelines.store.rows import INT64, TIMESTAMP, create_temp_table, insert_rows

#: claims about the article rather than its page: a new version keeps those of the version before that
#: it has none of (the earlier first sight; a feed's date a re-check's listing did not repeat, or that
#: arrived while the version before was stored; an input row's date a later row leaves out)
INHERITED_CLAIMS = ("feed", "sitemap", "input", "first_seen")

_CLAIMS_OF = "SELECT article_id, source, value FROM article_dates WHERE article_id IN (SELECT unnest(?))"


def utc_naive(value: datetime | None) -> datetime | None:
    """How times are stored: UTC, without a zone."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _in_utc(claim: DateCandidate) -> DateCandidate:
    """The claim with its time in UTC, zoned: claims from the page and from the store are compared."""
    return DateCandidate(claim.source, utc_naive(claim.value).replace(tzinfo=timezone.utc))


def stored_claims(con: duckdb.DuckDBPyConnection, article_ids: list[int]) -> dict[int, list[DateCandidate]]:
    """The claims of stored versions (times in UTC), in one query."""
    claims: dict[int, list[DateCandidate]] = defaultdict(list)
    if article_ids:
        for article_id, source, value in con.execute(_CLAIMS_OF, [article_ids]).fetchall():
            claims[article_id].append(DateCandidate(source, value.replace(tzinfo=timezone.utc)))
    return claims


def inheriting(article: Article, before: list[DateCandidate]) -> Article:
    """`article`, a new version, with the INHERITED_CLAIMS of the version `before` that it lacks, its
    first sight the earlier of the two, and its publication time chosen again if its claims changed."""
    before = [_in_utc(c) for c in before if c.source in INHERITED_CLAIMS]
    own = [_in_utc(c) for c in article.date_candidates]
    mine = {}
    for claim in own:
        mine.setdefault(claim.source, claim)  # the first of a kind, as save_articles stores it
    added = [c for c in before if c.source not in mine]
    seen = mine.get("first_seen")
    earlier = [c for c in before if c.source == "first_seen" and seen and c.value < seen.value]
    if not added and not earlier:
        return article
    kept = [c for c in own if not (earlier and c.source == "first_seen")]
    dates = [*kept, *earlier, *added]
    return replace(
        article, date_candidates=dates, published_at=choose_published_at(dates, first_seen_of(dates))
    )


def add_claims(con: duckdb.DuckDBPyConnection, claims: dict[int, list[DateCandidate]]) -> None:
    """Add claims to stored versions (by article_id), one per kind: a kind a version has keeps its
    value. The versions that gained one have their publication time chosen again. A few statements
    whatever the number of versions: a reprocess may pass a million."""
    stored = stored_claims(con, list(claims))
    rows, gained = [], set()
    for article_id, candidates in claims.items():
        have = {c.source for c in stored[article_id]}
        for candidate in candidates:
            if candidate.source not in have:
                have.add(candidate.source)
                stored[article_id].append(_in_utc(candidate))
                rows.append((article_id, candidate.source, utc_naive(candidate.value)))
                gained.add(article_id)
    if not rows:
        return
    insert_rows(con, "article_dates", ("article_id", "source", "value"), rows)
    published = dict(
        con.execute(
            "SELECT article_id, published_at FROM articles WHERE article_id IN (SELECT unnest(?))",
            [list(gained)],
        ).fetchall()
    )
    moved = []
    for article_id in sorted(gained):
        dates = stored[article_id]
        chosen = utc_naive(choose_published_at(dates, first_seen_of(dates)))
        if chosen != published[article_id]:
            moved.append((article_id, chosen))
    if moved:
        create_temp_table(con, "redated", {"article_id": INT64, "published_at": TIMESTAMP}, moved)
        con.execute(load_query("store/redate"))
        con.execute("DROP TABLE redated")
