"""Token alignment of a later text against an earlier one by greedy string tiling (Wise 1993):
the longest common runs are taken first and each token is used at most once on either side, so
moved paragraphs still align while scattered common words do not."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

#: shortest run that counts as reuse; 3-word runs capture edited copy, chance runs are discounted
#: by the derivation features (longest run, long-run containment)
MIN_MATCH = 3
#: runs at least this long are "long" (near-certain reuse, not shared names or stock phrases)
LONG_RUN = 8


@dataclass(frozen=True)
class Alignment:
    """Aligned spans [(target_start, target_end, source_start, source_end)] in tokens, end exclusive,
    ordered by target position, and the features the derivation classifier reads."""

    spans: list[tuple[int, int, int, int]]
    target_len: int
    source_len: int
    containment: float  # share of target tokens covered by the source
    long_containment: float  # the same, counting only runs >= LONG_RUN
    longest_run: int
    order_score: float  # share of aligned tokens whose spans keep the source's order
    source_coverage: float  # share of source tokens reused by the target

    def covered(self) -> set[int]:
        """Target token positions covered by the source."""
        return {i for t0, t1, _s0, _s1 in self.spans for i in range(t0, t1)}


def _ids(target: list[str], source: list[str]) -> tuple[list[int], list[int]]:
    vocab: dict[str, int] = {}
    t = [vocab.setdefault(w, len(vocab)) for w in target]
    s = [vocab.setdefault(w, len(vocab)) for w in source]
    return t, s


def _maximal_matches(t: list[int], s: list[int], mml: int) -> list[tuple[int, int, int]]:
    """Every left- and right-maximal common run of length >= mml, as (-length, t_start, s_start)."""
    seeds: dict[tuple[int, ...], list[int]] = {}
    for j in range(len(s) - mml + 1):
        seeds.setdefault(tuple(s[j : j + mml]), []).append(j)
    out = []
    nt, ns = len(t), len(s)
    for i in range(nt - mml + 1):
        js = seeds.get(tuple(t[i : i + mml]))
        if not js:
            continue
        for j in js:
            if i and j and t[i - 1] == s[j - 1]:
                continue  # not left-maximal: found from an earlier start
            k = mml
            while i + k < nt and j + k < ns and t[i + k] == s[j + k]:
                k += 1
            out.append((-k, i, j))
    return out


def greedy_tiles(t: list[int], s: list[int], mml: int = MIN_MATCH) -> list[tuple[int, int, int, int]]:
    """Greedy string tiling: take the longest unmarked common run, mark it, repeat; a run that
    overlaps marked tokens is cut into its unmarked pieces and requeued."""
    heap = _maximal_matches(t, s, mml)
    heapq.heapify(heap)
    tmark = bytearray(len(t))
    smark = bytearray(len(s))
    tiles = []
    while heap:
        neg, i, j = heapq.heappop(heap)
        length = -neg
        start = None
        pieces = []
        for k in range(length + 1):
            free = k < length and not tmark[i + k] and not smark[j + k]
            if free and start is None:
                start = k
            elif not free and start is not None:
                pieces.append((start, k))
                start = None
        if len(pieces) == 1 and pieces[0] == (0, length):
            tiles.append((i, i + length, j, j + length))
            for k in range(length):
                tmark[i + k] = 1
                smark[j + k] = 1
            continue
        for a, b in pieces:
            if b - a >= mml:
                heapq.heappush(heap, (-(b - a), i + a, j + a))
    tiles.sort()
    return tiles


def _order_score(spans: list[tuple[int, int, int, int]]) -> float:
    """Weighted longest increasing subsequence of source starts over spans in target order,
    as a share of aligned tokens: 1.0 when the target keeps the source's order."""
    if not spans:
        return 0.0
    best = []
    for k, (t0, t1, s0, _s1) in enumerate(spans):
        w = t1 - t0
        prev = max((best[m] for m in range(k) if spans[m][2] < s0), default=0)
        best.append(prev + w)
    total = sum(t1 - t0 for t0, t1, _a, _b in spans)
    return max(best) / total


def align(target: list[str], source: list[str], mml: int = MIN_MATCH) -> Alignment:
    """Align target tokens (the later text) against source tokens (the earlier one)."""
    t, s = _ids(target, source)
    spans = greedy_tiles(t, s, mml)
    lengths = [t1 - t0 for t0, t1, _a, _b in spans]
    covered = sum(lengths)
    n, m = max(len(t), 1), max(len(s), 1)
    return Alignment(
        spans=spans,
        target_len=len(t),
        source_len=len(s),
        containment=covered / n,
        long_containment=sum(x for x in lengths if x >= LONG_RUN) / n,
        longest_run=max(lengths, default=0),
        order_score=_order_score(spans),
        source_coverage=covered / m,
    )
