"""Wholly / partially / none derivation of an article from its immediate source, after the METER
definitions: wholly = the text is built from the source (rewording allowed), partially = part of it is,
none = written independently (it may still share names, numbers and quotes with the source).

A multinomial logistic model over alignment features. Weights were fitted by
`tests/bench/bench_meter.py --fit` on the METER dev split (459 newspaper articles, class-balanced,
L2 1e-2, standardised features) and judged by 5-fold cross-validation; refit there, never by hand."""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np

from pipelines.align import Alignment, align, as_ids

LABELS = ("none", "partially", "wholly")


@dataclass(frozen=True)
class DerivationFeatures:
    """What the classifier reads about (target, immediate source); all shares of target tokens."""

    containment: float  # greedy tiles, runs >= 3 words
    union_containment: float  # tokens covered by any verified candidate source (merged copy)
    source_coverage: float  # share of the source reused
    unquoted_containment: float  # containment among tokens outside quotation marks
    unigram_containment: float  # word types of the target found in the source (rewording)
    bigram_containment: float  # tiles of runs >= 2 words
    long_containment: float  # runs >= 5 words only
    quote_share: float  # share of the target inside quotation marks
    log_length: float  # log target length in tokens


# --- fitted constants (see module docstring); order follows DerivationFeatures ---------------
MEAN = (0.3379, 0.4191, 0.2241, 0.3224, 0.5952, 0.4366, 0.2315, 0.1029, 5.4895)
SCALE = (0.2428, 0.255, 0.1816, 0.2417, 0.2438, 0.2397, 0.2279, 0.1377, 0.9687)
WEIGHTS = {  # class -> (w_1..w_9, bias); 5-fold CV on METER dev: 3-way macro-F1 0.677, binary 0.745
    "none": (-0.0206, -1.6647, 0.0718, -0.2359, 0.111, 0.1033, -0.0268, 0.2531, 0.7933, -0.5946),
    "partially": (-0.0544, 0.6483, -0.2855, 0.0559, -0.1346, 0.0141, -0.3215, 0.0249, 0.5228, 0.6732),
    "wholly": (0.075, 1.0164, 0.2137, 0.18, 0.0236, -0.1174, 0.3483, -0.278, -1.3161, -0.0786),
}
# ----------------------------------------------------------------------------------------------


def features(target, source, aln: Alignment, quoted, union_covered=None) -> DerivationFeatures:
    """Features of one (target, source) alignment. target/source: words or token-id arrays (see
    align.Vocabulary); quoted: per target token, inside quotation marks?; union_covered: target
    positions (bool mask or set) covered by any verified candidate, for merged copy."""
    t, s = as_ids(target, source)
    n = max(len(t), 1)
    covered = aln.covered_mask()
    q = np.zeros(len(t), dtype=bool)
    qm = np.asarray(quoted[: len(t)], dtype=bool)
    q[: len(qm)] = qm
    uq = float(covered[~q].mean()) if (~q).any() else aln.containment
    if isinstance(union_covered, np.ndarray):
        union = int((covered | union_covered).sum())
    else:
        union = len(set(np.flatnonzero(covered).tolist()) | set(union_covered or ()))
    types = np.unique(t)
    uni = float(np.isin(types, s).mean()) if len(types) else 0.0
    bigram = align(t, s, 2).containment if len(t) and len(s) else 0.0
    long5 = sum(t1 - t0 for t0, t1, _a, _b in aln.spans if t1 - t0 >= 5) / n
    return DerivationFeatures(
        containment=aln.containment,
        union_containment=union / n,
        source_coverage=aln.source_coverage,
        unquoted_containment=uq,
        unigram_containment=uni,
        bigram_containment=bigram,
        long_containment=long5,
        quote_share=int(q.sum()) / n,
        log_length=math.log(n),
    )


def scores(f: DerivationFeatures) -> dict[str, float]:
    """Linear class scores of the fitted model (higher wins)."""
    z = [(x - m) / s for x, m, s in zip(astuple(f), MEAN, SCALE)]
    return {lab: sum(w * x for w, x in zip(ws, z)) + ws[-1] for lab, ws in WEIGHTS.items()}


#: guards around the model where METER dev has few examples (short texts, small overlaps): a
#: derived verdict needs a run of LONG_RUN words or MIN_DERIVED containment; wholly needs MIN_WHOLLY
LONG_RUN = 7
MIN_DERIVED = 0.2
MIN_WHOLLY = 0.3
#: below this share one chance run (a stock phrase, a shared quote) is all there is
MIN_ANY = 0.1


def classify(f: DerivationFeatures, longest_run: int) -> str:
    """wholly / partially / none. Shared names, numbers and a stock phrase or two (independent
    reports of one event) stay none: that takes a long kept run or a large share of the text."""
    if f.containment < MIN_ANY or (longest_run < LONG_RUN and f.containment < MIN_DERIVED):
        return "none"
    s = scores(f)
    label = max(s, key=s.get)
    if label == "wholly" and f.containment < MIN_WHOLLY:
        return "partially"
    return label
