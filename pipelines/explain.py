"""`provtrack explain URL`: one article's chain, credits and reused passages, as terminal text."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import duckdb

from pipelines.chains import outlet_credit_line
from pipelines.shingles import token_offsets
from pipelines.store.articles import stored_url
from pipelines.store.db import StoreError, database_file, load_query
from pipelines.urls import BadURL, registered_domain

MAX_HOPS = 20  # a chain longer than this is a cycle in the data; stop walking
CREDITING = ("credits_intermediary", "credited")  # statuses a credit line to an outlet can explain


def _row(con, name: str, params: dict) -> dict | None:
    cursor = con.execute(load_query(name), params)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()  # DuckDB 2 wants a result read to the end before the next statement
    return dict(zip(columns, rows[0])) if rows else None


def _rows(con, name: str, params: dict) -> list[dict]:
    cursor = con.execute(load_query(name), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def stored_urls_like(con, key: str) -> list[str]:
    """Up to five stored article URLs like `key` (normalised, not stored), for the line that says it is
    not stored: a query listing every stored URL, the hint on its own, is no help in a real corpus."""
    parts = urlsplit(key)
    like = _rows(
        con,
        "explain/like_urls",
        {"domain": registered_domain(key), "host": parts.netloc.removeprefix("www."), "path": parts.path},
    )
    return [row["url"] for row in like]


def _not_stored(con, key: str) -> str:
    """The one line for a URL that is not stored: the stored URLs most like it when there are some."""
    where = database_file(con)
    if like := stored_urls_like(con, key):
        return f"{key} is not in {where}; stored URLs like it: {', '.join(like)}"
    return f'{key} is not in {where} (see `provtrack query "select article_url from article_origins"`)'


def _describe(row: dict) -> str:
    # stored in UTC: unmarked, a TASS story stamped 07:00 Moscow time read as published at 04:00 there
    when = row["published_at"].strftime("%Y-%m-%d %H:%M UTC") if row["published_at"] else "date unknown"
    return f"{row['outlet']} · {when} · {row['article_url']}"


def explain_article(con: duckdb.DuckDBPyConnection, url: str, passages: int = 3) -> str:
    """A readable account of where the article at `url` came from, and what is missing."""
    try:
        key = stored_url(con, url)
    except BadURL as exc:
        raise StoreError(str(exc)) from None
    article = _row(con, "explain/article", {"url": key})
    if article is None:
        raise StoreError(_not_stored(con, key))
    lines = [f"{article['title'] or '(untitled)'}", f"  {_describe(article)}", ""]
    state = con.execute("SELECT count(*) FROM link_state WHERE article_id = ?", [article["article_id"]])
    judged = bool(state.fetchone()[0])
    if not judged:  # its verdict below is only the default for an article on its own
        lines += ["not linked yet: run `provtrack link` for its source, chain and derivation", ""]
    lines.append(
        f"origin agency: {article['origin_agency'] or 'none found'} · hops {article['hops']} · "
        f"derivation {article['derivation']} · credit {article['credit_status'] or '-'} · "
        f"evidence {article['evidence'] or '-'}"
        + (f" · reuse {article['reuse_score']:.0%}" if article["reuse_score"] is not None else "")
    )
    lines += ["", "chain (newest first):"]
    current, seen, chain = article, set(), []
    for hop in range(MAX_HOPS):
        lines.append(f"  {'   ' * (hop - 1) + '└─' if hop else '●'} {_describe(current)}")
        chain.append(current)
        source_url = current["source_url"]
        if not source_url or source_url in seen:
            break
        seen.add(source_url)
        current = _row(con, "explain/article", {"url": source_url})
        if current is None:
            break
    if not article["source_url"] and (
        earlier := _row(con, "explain/own_earlier", {"target_id": article["article_id"]})
    ):
        lines += [
            "",
            f"builds on its agency's earlier story (reuse {earlier['containment']:.0%}; an update or "
            "follow-up is a story of its own, its copies timed from it):",
            f"  {earlier['source_url']}",
        ]
    credits = _rows(con, "explain/credits", {"url": key})
    reuse = _row(con, "explain/reuse", {"target_id": article["article_id"]})
    shown = [(c["agency"], c["role"], c["location"], c["cue"]) for c in credits]
    width = max([12, *(len(name) for name, *_ in shown)])
    lines += ["", "credits on the page:"]
    lines += [f"  {name:<{width}} {role:<12} {where:<9} “{cue}”" for name, role, where, cue in shown]
    lines += [] if shown else ["  none"]
    source = chain[1] if len(chain) > 1 else None
    if reuse and source and source["outlet_kind"] != "agency" and article["credit_status"] in CREDITING:
        # a credit to the outlet it copied from names no agency, so it is not in the credits relation
        names = (source["outlet"], registered_domain(source["article_url"]))
        if line := outlet_credit_line(reuse["target_text"], names):
            lines += ["", "credit to the outlet it copied from (no agency, so not in `credits`):"]
            lines += [f"  {source['outlet']:<{width}} “{line}”"]
    if reuse:
        lines += [
            "",
            f"reused passages (containment {reuse['containment']:.0%}, "
            f"longest run {reuse['longest_run']} words):",
        ]
        lines += [f"  » {p}" for p in _passages(reuse, passages)]
    named = [name for name, role, *_ in shown if role in ("origin", "contributor")]
    cited = [name for name, role, *_ in shown if role == "cited" and name not in named]
    lines += ["", *_missing(article, chain[-1], named, cited)] if judged else []
    return "\n".join(lines).rstrip()


def _passages(reuse: dict, limit: int) -> list[str]:
    """The longest aligned spans as the target article's own text (spans are token offsets, mapped
    back to characters with the linker's own tokeniser)."""
    spans = json.loads(reuse["spans"]) if isinstance(reuse["spans"], str) else (reuse["spans"] or [])
    text = reuse["target_text"]
    offsets = token_offsets(text)
    longest = sorted(spans, key=lambda s: s[1] - s[0], reverse=True)[:limit]
    out = []
    for start, end, *_ in sorted(longest):
        if not 0 <= start < end <= len(offsets):
            continue
        passage = " ".join(text[offsets[start][0] : offsets[end - 1][1]].split())
        out.append(passage if len(passage) <= 300 else passage[:297] + "…")
    return out


def _missing(article: dict, root: dict, named: list[str], cited: list[str] = ()) -> list[str]:
    """What the database lacks to complete the chain, in words (for a linked article: before `link`,
    the original may be stored and not yet found). `root`: the chain's last article; `named`: the
    agencies the page credits as origin or contributor; `cited`: those it names only as the source of
    a statement, which the notes mention: "credits no source" under a listed RIA Novosti citation
    read as a contradiction."""
    as_cited = (
        f" ({', '.join(cited)} {'is' if len(cited) == 1 else 'are'} cited for a statement, not as where "
        "the text came from)"
        if cited
        else ""
    )
    notes = []
    agency = article["origin_agency"]
    # the chain ends at a page that credits the agency, without a text of the agency's behind it
    credit_only_root = root["source_url"] is None and root["hops"] and root["credit_status"] != "self"
    if agency and credit_only_root and article["credit_status"] != "self":
        whose = "credit names" if root is article else f"{root['outlet']}, where the chain ends, credits"
        notes.append(
            f"missing: {whose} {agency}; the {agency} original is not "
            "in the database (crawl the agency, then `provtrack link`)."
            if root["published_at"] is not None
            # placed when first seen, it may stand weeks after an original that is stored
            else f"missing: {whose} {agency}; no {agency} text was found within the link window of "
            f"{'its' if root is article else 'that'} page, which has no date and is placed when it was "
            "first seen (an earlier original: `provtrack link --all --window-days N`; none stored: "
            "crawl the agency, then `provtrack link`)."
        )
    if article["credit_status"] == "uncredited":
        others = [name for name in named if name != agency]
        origin = agency or root["outlet"]  # without an agency, the chain starts at an outlet's own story
        notes.append(
            f"note: the text is reused and the page credits {', '.join(others)}, not {origin}, whose "
            "text it copies."
            if others
            else f"note: the text is reused but the page credits no source{as_cited}."
        )
    if not agency and not article["source_url"] and article["credit_status"] != "self":
        notes.append(
            f"no origin found: no credit on the page names an agency{as_cited}, and no earlier article it "
            "reuses."
        )
    return notes
