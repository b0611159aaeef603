"""Link-stage scale and accuracy on synthetic corpora (tests/bench/synth.py): P/R per copy type,
from-scratch time, a 1k batch into the corpus, peak RSS, and datasketch MinHashLSH as a peer.

    PYTHONPATH=. /tmp/venv/bin/python tests/bench/bench_link_scale.py [N ...]   (default 10000 100000)
"""

from __future__ import annotations

import resource
import sys
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
    print(
        f"   datasketch MinHashLSH(threshold={threshold}, num_perm={num_perm}): build+query "
        f"{time.perf_counter() - t0:.1f} s, candidate recall {hit / max(total, 1):.3f}"
    )


def run(n):
    items = generate(n)
    con = open_db()
    base, batch = items[:-1000], items[-1000:]
    add_rows(con, [Row(i.url, i.outlet, i.published_at, i.text, agency=i.agency) for i in base])
    t0 = time.perf_counter()
    s = link_articles(con, 1)
    t1 = time.perf_counter()
    add_rows(con, [Row(i.url, i.outlet, i.published_at, i.text, agency=i.agency) for i in batch], run_id=2)
    t2 = time.perf_counter()
    s2 = link_articles(con, 2)
    t3 = time.perf_counter()
    print(
        f"N={n}: from scratch {len(base)} in {t1 - t0:.1f} s ({s.candidates} pairs aligned); "
        f"1k batch into corpus {t3 - t2:.2f} s (relinked {s2.relinked}); peak RSS {rss_mb():.0f} MB"
    )
    score(con, items)
    if n <= 20000:
        datasketch_peer(items)


if __name__ == "__main__":
    if not METER.exists():
        print(f"skipped: {METER} not found")
        sys.exit(0)
    for n in [int(x) for x in sys.argv[1:]] or [10000, 100000]:
        run(n)
