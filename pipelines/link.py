"""The link stage: index not-yet-linked article versions, find earlier texts they reuse, verify by
alignment, classify the derivation and record provenance chains. Work grows with the batch: the
candidate search probes the persisted fingerprint index, never compares all pairs."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from pipelines import chains as ch
from pipelines import derivation as dv
from pipelines.align import Alignment, Vocabulary, align, token_text
from pipelines.registry import load_agencies
from pipelines.shingles import SCHEME, fingerprints, quoted_mask, tokenise
from pipelines.store import links as store
from pipelines.wording import counted
from pipelines.workers import die_with_parent, process_pool, results, shut_down, submit_all

#: a fingerprint in at most this many versions is evidence of reuse for any target; above it, a
#: stock phrase, searched only for targets at least SYNDICATED_SHARE made of such fingerprints
#: (see candidates.sql)
RARE_DF = 50
#: share of common fingerprints that makes a target a (partial) copy of a widely syndicated story:
#: a verbatim copy has ~1, a rewrite keeping half of it ~0.5-0.6. Synthetic 100k: 1% of ordinary
#: articles pass 0.5 too; searching their common fingerprints cost nothing measurable (75 s vs 78 s)
SYNDICATED_SHARE = 0.5
#: a fingerprint in more versions than this is boilerplate, not evidence of reuse
MAX_DF = 1000
#: fewest shared fingerprints for a pair to be aligned (about 2 x 4 shingles of common text)
MIN_SHARED = 2
#: a target with fewer fingerprints than this (under ~80 words: a wire flash, a news brief) needs
#: only one shared (METER dev: 6 of the 11 gold-wholly articles with no candidate, all under 65
#: words, share exactly one with their PA source)
SHORT_FPS = 20
#: fewest shared fingerprints as a share of the target's (estimated containment): fingerprints are
#: sampled 3-grams, so fragmented reuse of 0.1 of the tokens (the least a derived verdict takes) still
#: shows as 0.03 (METER dev: 2 of 1,100 derived links and no chosen source below it)
MIN_EST = 0.03
#: candidates aligned per target, the most-shared first (METER topics have up to 18 wire versions)
TOP_K = 10
#: candidates explaining less than this share of the target are not stored as reuse links
MIN_LINK_CONTAINMENT = 0.05
#: texts tokenised and aligned per round trip to the database
CHUNK = 5000
#: the link rules' date: bump it with any change to candidates, alignment, derivation or chains that
#: changes verdicts. Each verdict stores SCHEME/RULES; `link` counts the stored verdicts of other rules
#: and says to run `provtrack link --all`, so that an upgrade is never silently half applied.
RULES = "2026-12-07.5"
VERDICT_SCHEME = f"{SCHEME}/{RULES}"
#: processes that fingerprint and align (this one included); below PARALLEL_MIN texts one does it all
WORKERS = max(1, min(4, os.cpu_count() or 1))
PARALLEL_MIN = 2000


@dataclass
class LinkSummary:
    """What one link run did."""

    indexed: int = 0  # versions added to the index
    relinked: int = 0  # already-linked versions judged again because an earlier source arrived
    other_rules: int = 0  # stored verdicts an older provtrack made by other rules (link --all redoes them)
    candidates: int = 0  # candidate pairs aligned
    links: int = 0  # reuse_links rows written
    derived: int = 0  # articles with a text source (wholly or partially)
    by_derivation: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        kinds = ", ".join(f"{self.by_derivation.get(k, 0)} {k}" for k in ("wholly", "partially"))
        again = f" ({self.relinked} judged again)" if self.relinked else ""
        return (
            f"{counted(self.indexed, 'article')} indexed{again}, "
            f"{counted(self.candidates, 'candidate pair')} aligned, {counted(self.links, 'reuse link')}; "
            f"{counted(self.derived, 'article')} derived from another ({kinds})"
        )


@cache
def agency_names() -> dict[str, tuple[str, ...]]:
    """Canonical agency name -> every name it goes by (data/agencies.toml), for citations_of_its_own."""
    return {agency.name: (agency.name, *agency.aliases) for agency in load_agencies()}


def _meta(con: duckdb.DuckDBPyConnection, ids) -> dict[int, ch.ArticleMeta]:
    out = {}
    for aid, t, is_agency, agency, credits, names, cited, legacy in store.meta(con, ids):
        cr = tuple((c["agency"], c["role"]) for c in credits or ())
        cites = tuple((c["agency"], c["cue"]) for c in cited or ())
        out[aid] = ch.ArticleMeta(
            aid, t, bool(is_agency), agency, cr, tuple(names or ()), cites, legacy_dates=bool(legacy)
        )
    return out


def fingerprint_texts(texts: dict[int, str]) -> dict[int, tuple[int, np.ndarray]]:
    """article_id -> (n_tokens, fingerprints). Needs no database, so it runs in a worker."""
    cache: dict[str, int] = {}
    out = {}
    for aid, text in texts.items():
        toks = tokenise(text)
        out[aid] = (len(toks), fingerprints(toks, cache))
    return out


def _index(con, batch: pd.DataFrame, progress, pool) -> dict[int, tuple[int, int]]:
    """Write fingerprints of the batch; returns article_id -> (n_tokens, n_fps)."""
    sizes = {}
    ids = batch["article_id"].tolist()
    times = dict(zip(batch["article_id"], batch["t"]))
    stale = store.older_versions(con, ids)
    for k in range(0, len(ids), CHUNK):
        part = ids[k : k + CHUNK]
        texts = list(store.texts(con, part).items())
        slices = [dict(texts[w::WORKERS]) for w in range(WORKERS)] if pool else [dict(texts)]
        fp_parts, id_parts = [], []
        for done in _in_parallel(pool, fingerprint_texts, slices):
            for aid, (n_tokens, fps) in done.items():
                sizes[aid] = (n_tokens, len(fps))
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


def _in_parallel(pool, fn, slices: list) -> list:
    """fn over each slice: the first here, the others in the pool's workers (results in order)."""
    pending = submit_all(pool, fn, slices[1:]) if pool else []
    out = [fn(slices[0])]
    return out + results(pending)


def _rules() -> store.CandidateRules:
    """The candidate rules above, read when used (tests and benchmarks change the constants)."""
    return store.CandidateRules(RARE_DF, MAX_DF, SYNDICATED_SHARE, MIN_SHARED, SHORT_FPS, MIN_EST)


def _pairs(con, ids, window_s) -> pd.DataFrame:
    return store.candidates(con, ids, window_s=window_s, rules=_rules())


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
    if not batch.empty:
        workers = _Workers()
        try:
            _link(con, batch, run_id, summary, workers, window_days, progress, agency_lead)
        except BaseException:  # an interrupt above all: stop the workers now, not after their work
            workers.close(kill=True)
            raise
        workers.close()
    if rebuild:
        store.drop_unjudged(con)
    summary.other_rules = store.verdicts_of_other_rules(con, VERDICT_SCHEME)
    return summary


class _Workers:
    """The run's worker pool, forked the first time PARALLEL_MIN or more texts need work (the batch
    to fingerprint, or the batch plus the articles judged again to align) and stopped at the end."""

    def __init__(self) -> None:
        self._pool = None
        self._forked = False

    def for_work(self, n: int):
        """The pool for n texts of work, or None: do it in this process."""
        if n < PARALLEL_MIN:
            return None
        if not self._forked:
            self._pool, self._forked = _pool(), True
        return self._pool

    def close(self, kill: bool = False) -> None:
        """Stop the workers: once their work is done, or (`kill`) at once."""
        if self._pool is not None:
            shut_down(self._pool, kill=kill)


def _link(con, batch, run_id, summary, workers, window_days, progress, agency_lead) -> LinkSummary:
    """link_articles with the run's workers: index, find candidates, then judge targets in
    publication order, so every source is judged first."""
    sizes = _index(con, batch, progress, workers.for_work(len(batch)))
    summary.indexed = len(batch)
    window = timedelta(days=window_days)
    window_s = int((window + agency_lead).total_seconds())
    batch_ids = set(int(x) for x in batch["article_id"])

    pairs = _pairs(con, batch_ids, window_s)
    metas = _meta(con, set(pairs["other_id"].tolist()) | batch_ids)
    _place_by_clocks_and_credits(con, metas, pairs)
    late = _judged_before_their_source(con, batch_ids, metas, window_s, agency_lead)
    # their copies, and the copies of those: origin, agency and hops came down the chain
    late |= store.descendants(con, late | batch_ids) - batch_ids
    if late:
        sizes.update(store.index_sizes(con, late))  # their postings stay; only their verdict is redone
        store.unjudge(con, late)  # a link cut short before they are judged judges them next time
        more = _pairs(con, late, window_s)
        metas.update(_meta(con, (late | set(more["other_id"].tolist())) - set(metas)))
        pairs = pd.concat([pairs, more], ignore_index=True)
        _place_by_clocks_and_credits(con, metas, pairs)
        summary.relinked = len(late)
    targets = sorted(batch_ids | late, key=lambda a: ch.order_key(metas[a], agency_lead))

    cands: dict[int, list[tuple[int, int]]] = {}
    for t, o, shared in zip(pairs["target_id"], pairs["other_id"], pairs["shared"]):
        mt, mo = metas[t], metas[o]
        if ch.precedes(mo, mt, agency_lead) and mt.time - mo.time <= window:
            cands.setdefault(int(t), []).append((int(shared), int(o)))

    done: dict[int, ch.Chain] = {}
    pool = workers.for_work(len(targets))
    for k in range(0, len(targets), CHUNK):
        part = targets[k : k + CHUNK]
        rows = _judge(con, part, cands, metas, done, sizes, run_id, summary, pool)
        store.write_results(con, *rows)
        if progress:
            judged = min(k + CHUNK, len(targets)) * len(batch) // len(targets)
            progress(len(batch) + judged, 2 * len(batch))
    return summary


def _place_by_clocks_and_credits(con, metas: dict, pairs: pd.DataFrame) -> None:
    """Correct the times the order of `pairs` goes by, in `metas`: an agency story stamped after a
    copy crediting it (ch.skew_corrected), and a page dated by day only that a timed page of its day
    names as its source (ch.day_only_placed; only those copies' texts are read)."""
    both = list(zip(pairs["target_id"].tolist(), pairs["other_id"].tolist()))
    ch.skew_corrected(metas, both)
    maybe = {
        (copy, page)
        for a, b in both
        for page, copy in ((a, b), (b, a))
        if ch.dated_by_day_before(metas[page], metas[copy])
    }
    if not maybe:
        return
    texts = store.texts(con, sorted({copy for copy, _ in maybe}))
    named = {
        (copy, page)
        for copy, page in maybe
        if ch.credits_outlet(texts.get(copy, ""), metas[page].outlet_names)
    }
    ch.day_only_placed(metas, both, named)


def _judged_before_their_source(
    con, batch_ids: set[int], metas: dict, window_s: int, agency_lead
) -> set[int]:
    """Articles judged already for which an earlier text of this batch may be the source (it arrived
    late). They are found from their own side, by the rule candidates.sql applies to them as
    targets: a short copy needs far fewer shared fingerprints than the long text it copied would
    need as a target. `metas` gains what it lacks."""
    near = store.later_neighbours(
        con, batch_ids, window_s=window_s, lead_s=int(agency_lead.total_seconds()), rules=_rules()
    )
    metas.update(_meta(con, set(near["other_id"].tolist()) - set(metas)))
    later = {
        int(o)
        for t, o in zip(near["target_id"], near["other_id"])
        if ch.precedes(metas[t], metas[o], agency_lead)
    }
    if not later:
        return set()
    back = _pairs(con, later, window_s)
    return {
        int(t)
        for t, o in zip(back["target_id"], back["other_id"])
        if o in batch_ids and ch.precedes(metas[o], metas[t], agency_lead)
    }


def _pool() -> ProcessPoolExecutor | None:
    """Worker processes for fingerprinting and alignment, forked (no copy of the texts to start
    them): they only run `fingerprint_texts` and `assess` (pure Python and numpy), never DuckDB,
    whose threads stay behind."""
    if WORKERS < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return process_pool(WORKERS - 1, _worker_init, (os.getpid(),))


def _worker_init(parent_pid: int) -> None:
    """A Ctrl-C at a terminal, or the SIGTERM of `timeout`, reaches every process of the group: the
    workers leave the stopping to the link (which kills them) and die with it."""
    die_with_parent(parent_pid, ignore_stops=True)


@dataclass(frozen=True)
class Verified:
    """One candidate source of a target after alignment (containment >= MIN_LINK_CONTAINMENT)."""

    source_id: int
    aln: Alignment
    derivation: str


def assess(jobs: list[tuple[int, list[int]]], texts: dict[int, str]) -> list[tuple[int, int, list[Verified]]]:
    """Align each target against its candidates and classify each kept pair: per job
    (target_id, pairs aligned, verified candidates). Needs no database, so it runs in a worker."""
    vocab = Vocabulary()
    ids: dict[int, np.ndarray] = {}

    def tokens(a: int) -> np.ndarray:
        if a not in ids:
            ids[a] = token_text(vocab.ids(tokenise(texts.get(a, ""))))
        return ids[a]

    out = []
    for t, others in jobs:
        if not any(o in texts for o in others):  # an original: nothing to align
            out.append((t, 0, []))
            continue
        tt = tokens(t)
        alns = {o: align(tt, tokens(o)) for o in others if o in texts}
        kept = {o: a for o, a in alns.items() if a.containment >= MIN_LINK_CONTAINMENT}
        verified = []
        if kept:
            union = np.zeros(len(tt), dtype=bool)
            for a in kept.values():
                union |= a.covered_mask()
            quoted = quoted_mask(texts.get(t, ""))
            for o, a in kept.items():
                f = dv.features(tt, tokens(o), a, quoted, union)
                verified.append(Verified(o, a, dv.classify(f, a.longest_run)))
        out.append((t, len(alns), verified))
    return out


def _assess_parallel(pool, jobs, texts) -> list[tuple[int, int, list[Verified]]]:
    """`assess` over slices of consecutive jobs of about equal cost, each slice sent only the texts
    it needs."""
    if pool is None or len(jobs) < PARALLEL_MIN:
        return assess(jobs, texts)
    cost = np.cumsum([1 + len(os) for _t, os in jobs])
    cuts = [0, *(int(np.searchsorted(cost, cost[-1] * k / WORKERS)) for k in range(1, WORKERS)), len(jobs)]
    slices = [jobs[a:b] for a, b in zip(cuts, cuts[1:])]
    needs = [{a: texts[a] for t, os in sl for a in (t, *os) if a in texts} for sl in slices]
    return [row for part in _in_parallel(pool, _assess_slice, list(zip(slices, needs))) for row in part]


def _assess_slice(job: tuple[list, dict]) -> list[tuple[int, int, list[Verified]]]:
    return assess(*job)


def aligned_first(cands: list[tuple[int, int]], metas: dict[int, ch.ArticleMeta]) -> list[int]:
    """The TOP_K candidates to align, of (shared fingerprints, article id): the most shared first,
    ties to agencies, then to the earlier text; plus the best agency text when none made the cut.
    A story run verbatim by dozens of outlets ties them all with the agency's original: cut by id,
    the original fell out and the copies chained through each other."""
    ranked = sorted(cands, key=lambda c: (-c[0], ch.order_key(metas[c[1]])))
    top = [o for _s, o in ranked[:TOP_K]]
    if not any(metas[o].is_agency for o in top):
        top += [o for _s, o in ranked[TOP_K:] if metas[o].is_agency][:1]
    return top


def _judge(con, part, cands, metas, done, sizes, run_id, summary, pool):
    """Align, classify and chain one chunk of targets (in publication order)."""
    top = {t: aligned_first(cands.get(t, []), metas) for t in part}
    need = set(part) | {o for os in top.values() for o in os}
    text = store.texts(con, need)
    missing = {o for os in top.values() for o in os} - set(done) - set(part)
    for row in store.chains_of(con, missing):
        done[row[0]] = ch.Chain(*row)
    assessed = _assess_parallel(pool, [(t, top[t]) for t in part], text)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    chain_rows, link_rows, state_rows = [], [], []
    for t, n_aligned, verified in assessed:
        m = metas[t]
        summary.candidates += n_aligned
        by_source = {v.source_id: v for v in verified}
        for v in verified:
            a = v.aln
            link_rows.append(
                (
                    t,
                    v.source_id,
                    a.containment,
                    a.longest_run,
                    a.order_score,
                    v.derivation,
                    json.dumps([list(s) for s in a.spans]),
                    run_id,
                )
            )
        derived = [
            ch.Candidate(metas[v.source_id], v.aln.containment)
            for v in verified
            if v.derivation != "none"
            and not ch.own_earlier_story(metas[v.source_id], m)
            and not ch.hands_story_to(metas[v.source_id], text.get(v.source_id, ""), m)
            and not ch.traces_to(m, metas[v.source_id], done.get(v.source_id))
        ]
        # outlets carrying the text that the page names as its source ("Source: Herald")
        named = frozenset(
            c.meta.article_id
            for c in derived
            if not c.meta.is_agency and ch.credits_outlet(text.get(t, ""), c.meta.outlet_names)
        )
        # between agencies carrying the text (two wires, same story), the one the page credits
        credited = ch.credited_agencies(m)
        credited_wires = frozenset(
            c.meta.article_id for c in derived if c.meta.is_agency and c.meta.agency in credited
        )
        best = ch.choose_source(derived, named | credited_wires)
        if best is None or best.meta.article_id not in done:
            chain = ch.original(m)
        else:
            v = by_source[best.meta.article_id]
            chain = ch.derived(
                m,
                best.meta,
                done[v.source_id],
                v.derivation,
                v.aln.containment,
                names_intermediary=bool(named),
                names_source=best.meta.article_id in named,
                cites=ch.citations_of_its_own(m, text.get(v.source_id, ""), agency_names()),
            )
            summary.derived += 1
        done[t] = chain
        summary.by_derivation[chain.derivation] = summary.by_derivation.get(chain.derivation, 0) + 1
        chain_rows.append((*vars(chain).values(), run_id))
        state_rows.append((t, *sizes[t], VERDICT_SCHEME, now, run_id))
    summary.links += len(link_rows)
    chain_cols = [*ch.Chain.__dataclass_fields__, "run_id"]
    link_cols = [
        "target_id",
        "source_id",
        "containment",
        "longest_run",
        "order_score",
        "derivation",
        "spans",
        "run_id",
    ]
    state_cols = ["article_id", "n_tokens", "n_fps", "scheme", "linked_at", "run_id"]
    return (
        pd.DataFrame(chain_rows, columns=chain_cols).astype({"source_id": "Int64", "origin_id": "Int64"}),
        pd.DataFrame(link_rows, columns=link_cols),
        pd.DataFrame(state_rows, columns=state_cols),
    )
