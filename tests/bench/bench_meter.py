"""METER dev benchmark of the link stage: load the JSONL, link, read article_origins, score against
the journalists' labels. `--fit` refits the derivation model (5-fold CV) and prints its constants.

    PYTHONPATH=. /tmp/venv/bin/python tests/bench/bench_meter.py [--fit]
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import astuple
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from link_helpers import Row, add_rows, open_db  # noqa: E402

from pipelines import PROJECT_ROOT, chains  # noqa: E402
from pipelines import derivation as dv  # noqa: E402
from pipelines.align import align  # noqa: E402
from pipelines.link import link_articles  # noqa: E402
from pipelines.shingles import quoted_mask, tokenise  # noqa: E402

METER = PROJECT_ROOT.parent / "shared" / "corpora" / "meter"
CLASSES = ("none", "partially", "wholly")
GOLD = {"non": "none", "partially": "partially", "wholly": "wholly"}


def load(con):
    rows = [json.loads(x) for x in open(METER / "meter-dev.jsonl", encoding="utf-8")]
    add_rows(
        con,
        [
            Row(
                r["url"],
                r["outlet"],
                datetime.fromisoformat(r["published_at"]),
                r["text"],
                agency="PA" if r["outlet"] == "PA" else None,
            )
            for r in rows
        ],
    )
    return {r["url"]: r for r in rows}


def macro_f1(gold, pred, classes):
    out = []
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        out.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(out) / len(out)


def report(gold, pred, title):
    f3 = macro_f1(gold, pred, CLASSES)
    gb = ["derived" if g != "none" else "none" for g in gold]
    pb = ["derived" if p != "none" else "none" for p in pred]
    f2 = macro_f1(gb, pb, ("derived", "none"))
    print(f"{title}: 3-way macro-F1 {f3:.3f}   binary macro-F1 {f2:.3f}   (n={len(gold)})")
    print("   confusion (rows gold, cols predicted):", "  ".join(f"{c:>9}" for c in CLASSES))
    for g in CLASSES:
        print(
            f"   {g:>9}",
            "  ".join(f"{sum(1 for a, b in zip(gold, pred) if a == g and b == p):>9}" for p in CLASSES),
        )
    return f3, f2


def feature_rows(con, labels):
    """Features of each labelled article against the source the linker would pick (all kept links)."""
    ids = dict(con.execute("SELECT url, article_id FROM articles").fetchall())
    text = dict(con.execute("SELECT article_id, text FROM articles").fetchall())
    agency = dict(
        con.execute(
            "SELECT a.article_id, o.kind = 'agency' FROM articles a JOIN outlets o USING (outlet_id)"
        ).fetchall()
    )
    links = {}
    for t, s, c in con.execute("SELECT target_id, source_id, containment FROM reuse_links").fetchall():
        links.setdefault(t, []).append((s, c))
    X, y = [], []
    for lab in labels:
        t = ids[lab["url"]]
        tt = tokenise(text[t])
        cands = links.get(t, [])
        if not cands:
            X.append(dv.features(tt, [], align(tt, []), quoted_mask(text[t]), set()))
            y.append(GOLD[lab["label"]])
            continue
        alns = {s: align(tt, tokenise(text[s])) for s, _c in cands}
        union = set().union(*(a.covered() for a in alns.values()))
        best = max(alns, key=lambda s: alns[s].containment + (chains.INTERMEDIARY_MARGIN if agency[s] else 0))
        X.append(dv.features(tt, tokenise(text[best]), alns[best], quoted_mask(text[t]), union))
        y.append(GOLD[lab["label"]])
    return X, y


def fit(X, y, l2=1e-2, iters=4000, lr=0.5):
    """Class-balanced multinomial logistic regression by gradient descent (numpy only)."""
    Z = np.array(X)
    n, d = Z.shape
    Zb = np.hstack([Z, np.ones((n, 1))])
    Y = np.eye(3)[y]
    cw = (n / (3 * np.bincount(y, minlength=3)))[y][:, None]
    W = np.zeros((d + 1, 3))
    for _ in range(iters):
        s = Zb @ W
        s -= s.max(1, keepdims=True)
        P = np.exp(s)
        P /= P.sum(1, keepdims=True)
        W -= lr * (Zb.T @ ((P - Y) * cw) / n + l2 * np.vstack([W[:-1], np.zeros((1, 3))]))
    return W


def refit(X, y):
    """5-fold CV score of the model, then constants fitted on all of dev, printed for derivation.py."""
    zero = dv.DerivationFeatures(*([0.0] * 9))
    F = np.array([astuple(f or zero) for f in X])
    yi = np.array([CLASSES.index(v) for v in y])
    mu, sd = F.mean(0), F.std(0) + 1e-9
    Z = (F - mu) / sd
    folds = np.random.default_rng(0).permutation(len(yi)) % 5
    pred = np.zeros(len(yi), int)
    for f in range(5):
        W = fit(Z[folds != f], yi[folds != f])
        pred[folds == f] = (np.hstack([Z[folds == f], np.ones(((folds == f).sum(), 1))]) @ W).argmax(1)
    pred = [CLASSES[p] if X[i].containment > 0 else "none" for i, p in enumerate(pred)]
    report(y, pred, "5-fold CV of the refitted model")
    W = fit(Z, yi)
    r = lambda v: tuple(round(float(x), 4) for x in v)  # noqa: E731
    print(f"MEAN = {r(mu)}\nSCALE = {r(sd)}\nWEIGHTS = {{")
    for k, c in enumerate(CLASSES):
        print(f'    "{c}": {r(W[:, k])},')
    print("}")


def main() -> int:
    if not (METER / "meter-dev.jsonl").exists():
        print(f"skipped: {METER} not found (the real corpora live in ../shared/corpora)")
        return 0
    con = open_db()
    load(con)
    t0 = time.perf_counter()
    summary = link_articles(con, 1)
    print(f"linked {summary.indexed} articles in {time.perf_counter() - t0:.1f} s: {summary}")
    labels = [json.loads(x) for x in open(METER / "meter-dev-labels.jsonl", encoding="utf-8")]
    got = {
        u: (s, d)
        for u, s, d in con.execute(
            "SELECT article_url, source_url, derivation FROM article_origins"
        ).fetchall()
    }
    gold = [GOLD[lab["label"]] for lab in labels]
    pred = [got[lab["url"]][1] for lab in labels]
    report(gold, pred, "METER dev")
    with_src = [
        (got[lab["url"]][0], lab["sources"])
        for lab in labels
        if GOLD[lab["label"]] != "none" and got[lab["url"]][0]
    ]
    ok = sum(s in srcs for s, srcs in with_src)
    print(
        f"source accuracy {ok / max(len(with_src), 1):.3f} "
        f"({ok}/{len(with_src)} gold-derived articles given a"
        f" source; {sum(1 for g in gold if g != 'none')} gold-derived in all)"
    )
    allsrc = [(got[lab["url"]][0], lab["sources"]) for lab in labels if got[lab["url"]][0]]
    print(
        f"source accuracy over every article given a source: "
        f"{sum(s in srcs for s, srcs in allsrc) / max(len(allsrc), 1):.3f} (n={len(allsrc)})"
    )
    if "--fit" in sys.argv:
        X, y = feature_rows(con, labels)
        refit(X, y)
    return 0


if __name__ == "__main__":
    sys.exit(main())
