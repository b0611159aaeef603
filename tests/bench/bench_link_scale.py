"""Link-stage scale and accuracy on synthetic corpora (tests/bench/synth.py): P/R per copy type,
from-scratch time, a 1k batch into the corpus, peak RSS, and datasketch MinHashLSH as a peer.

Up to 100k articles the corpus (all but the last 1k) is linked from scratch in one run. Above that
it is built the way nightly jobs build it, in publication order, in runs of 100k (each timed), in a
database file; then the last 1k articles (random times, like a late backfill) are linked into it as
one more run.

    PYTHONPATH=. /tmp/venv/bin/python tests/bench/bench_link_scale.py [N ...]   (default 10000 100000)
    PYTHONPATH=. /tmp/venv/bin/python tests/bench/bench_link_scale.py 1000000   (~20 min, 7.6 GB resident)
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from link_helpers import Row, add_rows, open_db  # noqa: E402
from synth import METER, TYPES, generate  # noqa: E402

from pipelines.link import link_articles  # noqa: E402
from pipelines.shingles import tokenise  # noqa: E402


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def score(con, items):
    got = dict(
        con.execute(
            "SELECT a.url, s.url FROM chains c JOIN articles a USING (article_id) "
            "LEFT JOIN articles s ON s.article_id = c.source_id"
        ).fetchall()
    )
    hops = dict(
        con.execute("SELECT a.url, c.hops FROM chains c JOIN articles a USING (article_id)").fetchall()
    )
    stats = defaultdict(lambda: [0, 0, 0, 0])  # linked-correct, expected, linked, hops-right
    for it in items:
        if it.kind == "original":
            continue
        s = stats[it.kind]
        s[1] += bool(it.sources)
        if got.get(it.url):
            s[2] += 1
            s[0] += got[it.url] in it.sources
        s[3] += hops.get(it.url) == it.hops
    for kind in TYPES:
        ok, exp, linked, hop = stats[kind]
        n = sum(1 for it in items if it.kind == kind)
        if kind == "negative":
            print(f"   {kind:>12}: n={n} false links {linked} ({linked / max(n, 1):.3f})")
        else:
            print(
                f"   {kind:>12}: n={n} P={ok / max(linked, 1):.3f} R={ok / max(exp, 1):.3f} "
                f"hops right {hop / max(n, 1):.3f}"
            )


def our_recall(con, items):
    """Share of true (copy, source) pairs the linker aligned and kept (reuse_links): a lower bound of
    its candidate recall, comparable with the peer's."""
    kept = set(
        con.execute(
            "SELECT a.url, s.url FROM reuse_links l JOIN articles a ON a.article_id = l.target_id "
            "JOIN articles s ON s.article_id = l.source_id"
        ).fetchall()
    )
    pairs = [(it.url, s) for it in items for s in it.sources]
    return sum(p in kept for p in pairs) / max(len(pairs), 1)


def datasketch_peer(items, threshold=0.3, num_perm=64):
    """Candidate recall and time of datasketch MinHashLSH (Jaccard on word 3-gram sets)."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, it in enumerate(items):
        toks = tokenise(it.text)
        m = MinHash(num_perm=num_perm)
        m.update_batch([" ".join(toks[j : j + 3]).encode() for j in range(len(toks) - 2)])
        lsh.insert(str(i), m)
        it._mh = m
    index = {it.url: str(i) for i, it in enumerate(items)}
    hit = total = 0
    for it in items:
        for s in it.sources:
            total += 1
            hit += index[s] in lsh.query(it._mh)
    return time.perf_counter() - t0, hit / max(total, 1)


def rows(items):
    return [Row(i.url, i.outlet, i.published_at, i.text, agency=i.agency) for i in items]


#: above this many articles the corpus is built in nightly-sized runs of this size
RUN_SIZE = 100_000


def run(n):
    t0 = time.perf_counter()
    items = generate(n)
    print(f"N={n}: generated {len(items)} articles in {time.perf_counter() - t0:.0f} s", flush=True)
    tmp = tempfile.TemporaryDirectory(prefix="provtrack-scale-")
    con = open_db(":memory:" if n <= RUN_SIZE else f"{tmp.name}/scale.duckdb")
    base, batch = items[:-1000], items[-1000:]
    if len(base) > RUN_SIZE:
        base.sort(key=lambda it: it.published_at)
    run_id = 0
    t_scratch = 0.0
    for k in range(0, len(base), RUN_SIZE):
        run_id += 1
        add_rows(con, rows(base[k : k + RUN_SIZE]), run_id=run_id)
        t1 = time.perf_counter()
        s = link_articles(con, run_id)
        t_scratch += time.perf_counter() - t1
        if len(base) > RUN_SIZE:
            print(
                f"   run {run_id}: {len(base[k : k + RUN_SIZE])} articles linked into "
                f"{k} in {time.perf_counter() - t1:.1f} s ({s.candidates} pairs aligned)",
                flush=True,
            )
    how = "from scratch" if len(base) <= RUN_SIZE else f"in {run_id} runs of {RUN_SIZE}"
    add_rows(con, rows(batch), run_id=run_id + 1)
    t2 = time.perf_counter()
    s2 = link_articles(con, run_id + 1)
    t3 = time.perf_counter()
    print(
        f"N={n}: {len(base)} linked {how} in {t_scratch:.1f} s; 1k batch into the corpus {t3 - t2:.2f} s "
        f"(relinked {s2.relinked}); peak RSS {rss_mb():.0f} MB",
        flush=True,
    )
    score(con, items)
    print(f"   provtrack candidate recall (kept links) {our_recall(con, items):.3f}")
    if n <= 100_000:
        secs, recall = datasketch_peer(items)
        print(
            f"   datasketch MinHashLSH(threshold=0.3, num_perm=64): build+query {secs:.1f} s, "
            f"candidate recall {recall:.3f}"
        )
    con.close()
    tmp.cleanup()


if __name__ == "__main__":
    if not METER.exists():
        print(f"skipped: {METER} not found")
        sys.exit(0)
    for n in [int(x) for x in sys.argv[1:]] or [10000, 100000]:
        run(n)
