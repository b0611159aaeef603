"""The link stage: index not-yet-linked article versions, find earlier texts they reuse, verify by
alignment, classify the derivation and record provenance chains. Work grows with the batch: the
candidate search probes the persisted fingerprint index, never compares all pairs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd

from pipelines import chains as ch
from pipelines import derivation as dv
from pipelines.align import align
from pipelines.shingles import SCHEME, fingerprints, quoted_mask, tokenise
from pipelines.store import links as store

#: a fingerprint in more versions than this is boilerplate, not evidence of reuse
MAX_DF = 1000
#: fewest shared fingerprints for a pair to be aligned (about 2 x 4 shingles of common text)
MIN_SHARED = 2
#: an already-linked article is judged again when a new earlier text shares this many fingerprints
LATE_MIN_SHARED = 8
#: candidates aligned per target, the most-shared first (METER topics have up to 18 wire versions)
TOP_K = 10
#: candidates explaining less than this share of the target are not stored as reuse links
MIN_LINK_CONTAINMENT = 0.05
#: texts tokenised and aligned per round trip to the database
CHUNK = 5000


@dataclass
class LinkSummary:
    """What one link run did."""

    indexed: int = 0  # versions added to the index
    relinked: int = 0  # already-linked versions judged again because an earlier source arrived
    candidates: int = 0  # candidate pairs aligned
    links: int = 0  # reuse_links rows written
    derived: int = 0  # articles with a text source (wholly or partially)
    by_derivation: dict[str, int] = field(default_factory=dict)


def _meta(con: duckdb.DuckDBPyConnection, ids) -> dict[int, ch.ArticleMeta]:
    out = {}
    for aid, t, is_agency, agency, credits in store.meta(con, ids):
        cr = tuple((c["agency"], c["role"]) for c in credits or ())
        out[aid] = ch.ArticleMeta(aid, t, bool(is_agency), agency, cr)
    return out


def _index(con, batch: pd.DataFrame, progress) -> dict[int, tuple[int, int]]:
    """Write fingerprints of the batch; returns article_id -> (n_tokens, n_fps)."""
    sizes = {}
    cache: dict[str, int] = {}
    ids = batch["article_id"].tolist()
    times = dict(zip(batch["article_id"], batch["t"]))
    stale = [int(x) for x in batch["previous_id"].dropna()]
    for k in range(0, len(ids), CHUNK):
        part = ids[k : k + CHUNK]
        fp_parts, id_parts = [], []
        for aid, text in store.texts(con, part).items():
            toks = tokenise(text)
            fps = fingerprints(toks, cache)
            sizes[aid] = (len(toks), len(fps))
            fp_parts.append(fps)
            id_parts.append(np.full(len(fps), aid, dtype=np.int64))
        fp = np.concatenate(fp_parts) if fp_parts else np.empty(0, np.int64)
        aid_col = np.concatenate(id_parts) if id_parts else np.empty(0, np.int64)
        t_col = pd.Series(aid_col).map(times).astype("datetime64[us]")
        postings = pd.DataFrame({"fp": fp, "article_id": aid_col, "t": t_col.values})
        store.replace_postings(con, part + (stale if k == 0 else []), postings)
        if progress:
            progress(min(k + CHUNK, len(ids)), 2 * len(ids))
    return sizes


def _pairs(con, ids, window_s) -> pd.DataFrame:
    return store.candidates(con, ids, window_s=window_s, max_df=MAX_DF, min_shared=MIN_SHARED)


def link_articles(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    rebuild: bool = False,
    window_days: int = 14,
    progress: Callable[[int, int], None] | None = None,
    agency_lead: timedelta = ch.AGENCY_LEAD,
) -> LinkSummary:
    """Link every latest article version not linked yet (all of them with `rebuild`)."""
    summary = LinkSummary()
    if rebuild:
        store.clear(con)
    batch = store.unlinked(con)
    if batch.empty:
        return summary
    sizes = _index(con, batch, progress)
    summary.indexed = len(batch)
    window = timedelta(days=window_days)
    window_s = int((window + agency_lead).total_seconds())
    batch_ids = set(int(x) for x in batch["article_id"])

    pairs = _pairs(con, batch_ids, window_s)
    metas = _meta(con, set(pairs["other_id"].tolist()) | batch_ids)
    # an earlier text arriving late: the already-linked later article is judged again
    late = {
        int(o) for t, o, n in zip(pairs["target_id"], pairs["other_id"], pairs["shared"])
        if n >= LATE_MIN_SHARED and o not in batch_ids and ch.precedes(metas[t], metas[o], agency_lead)
    }
    if late:
        more = _pairs(con, late, window_s)
        metas.update(_meta(con, set(more["other_id"].tolist()) - set(metas)))
        pairs = pd.concat([pairs, more], ignore_index=True)
        summary.relinked = len(late)
    targets = sorted(batch_ids | late, key=lambda a: ch.order_key(metas[a], agency_lead))

    cands: dict[int, list[tuple[int, int]]] = {}
    for t, o, shared in zip(pairs["target_id"], pairs["other_id"], pairs["shared"]):
        mt, mo = metas[t], metas[o]
        if ch.precedes(mo, mt, agency_lead) and mt.time - mo.time <= window:
            cands.setdefault(int(t), []).append((int(shared), int(o)))

    done: dict[int, ch.Chain] = {}
    for k in range(0, len(targets), CHUNK):
        part = targets[k : k + CHUNK]
        rows = _judge(con, part, cands, metas, done, sizes, run_id, summary)
        store.write_results(con, *rows)
        if progress:
            progress(len(batch) + min(k + CHUNK, len(targets)) * len(batch) // len(targets), 2 * len(batch))
    return summary


def _judge(con, part, cands, metas, done, sizes, run_id, summary):
    """Align, classify and chain one chunk of targets (in publication order)."""
    top = {t: [o for _s, o in sorted(cands.get(t, []), reverse=True)[:TOP_K]] for t in part}
    need = set(part) | {o for os in top.values() for o in os}
    text = store.texts(con, need)
    toks = {a: tokenise(x) for a, x in text.items()}
    missing = {o for os in top.values() for o in os} - set(done) - set(part)
    for row in store.chains_of(con, missing):
        done[row[0]] = ch.Chain(*row)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    chain_rows, link_rows, state_rows = [], [], []
    for t in part:
        m = metas[t]
        tt = toks.get(t, [])
        alns = {o: align(tt, toks[o]) for o in top[t] if o in toks}
        summary.candidates += len(alns)
        kept = {o: a for o, a in alns.items() if a.containment >= MIN_LINK_CONTAINMENT}
        union: set[int] = set()
        for a in kept.values():
            union |= a.covered()
        quoted = quoted_mask(text.get(t, ""))
        verdicts = {}
        for o, a in kept.items():
            f = dv.features(tt, toks[o], a, quoted, union)
            verdicts[o] = dv.classify(f, a.longest_run)
            link_rows.append((t, o, a.containment, a.longest_run, a.order_score, verdicts[o],
                              json.dumps([list(s) for s in a.spans]), run_id))
        derived = [ch.Candidate(metas[o], kept[o].containment) for o, v in verdicts.items() if v != "none"]
        best = ch.choose_source(derived)
        if best is None or best.meta.article_id not in done:
            chain = ch.original(m)
        else:
            s = best.meta.article_id
            chain = ch.derived(m, best.meta, done[s], verdicts[s], kept[s].containment)
            summary.derived += 1
        done[t] = chain
        summary.by_derivation[chain.derivation] = summary.by_derivation.get(chain.derivation, 0) + 1
        chain_rows.append((*vars(chain).values(), run_id))
        n_tok, n_fp = sizes.get(t, (len(tt), 0))
        state_rows.append((t, n_tok, n_fp, SCHEME, now, run_id))
    summary.links += len(link_rows)
    chain_cols = [*ch.Chain.__dataclass_fields__, "run_id"]
    link_cols = ["target_id", "source_id", "containment", "longest_run", "order_score", "derivation", "spans",
                 "run_id"]
    state_cols = ["article_id", "n_tokens", "n_fps", "scheme", "linked_at", "run_id"]
    return (
        pd.DataFrame(chain_rows, columns=chain_cols).astype({"source_id": "Int64", "origin_id": "Int64"}),
        pd.DataFrame(link_rows, columns=link_cols),
        pd.DataFrame(state_rows, columns=state_cols),
    )
