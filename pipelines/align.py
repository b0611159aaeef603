"""Token alignment of a later text against an earlier one by greedy string tiling (Wise 1993):
the longest common runs are taken first and each token is used at most once on either side, so
moved paragraphs still align while scattered common words do not.

Common runs are found with numpy (equal word n-grams on one diagonal, merged), so only the tiling
itself, over a handful of runs per pair, is a Python loop."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipelines.shingles import shingle_hashes

#: shortest run that counts as reuse; 3-word runs capture edited copy, chance runs are discounted
#: by the derivation features (longest run, containment in runs of 5+ words)
MIN_MATCH = 3
#: most pairs of equal n-grams one alignment looks at (about 16 MB per array). A word repeated 20,000
#: times in both texts is 4e8 pairs: 3 GB per array, and a link that failed every night on that page
MAX_GRAM_PAIRS = 2_000_000


@dataclass(frozen=True)
class Alignment:
    """Aligned spans [(target_start, target_end, source_start, source_end)] in tokens, end exclusive,
    ordered by target position, and the features the derivation classifier reads."""

    spans: list[tuple[int, int, int, int]]
    target_len: int
    source_len: int
    containment: float  # share of target tokens covered by the source
    longest_run: int
    order_score: float  # share of aligned tokens whose spans keep the source's order
    source_coverage: float  # share of source tokens reused by the target

    def covered(self) -> set[int]:
        """Target token positions covered by the source."""
        return {i for t0, t1, _s0, _s1 in self.spans for i in range(t0, t1)}

    def covered_mask(self) -> np.ndarray:
        """Per target token: covered by the source?"""
        mask = np.zeros(self.target_len, dtype=bool)
        for t0, t1, _s0, _s1 in self.spans:
            mask[t0:t1] = True
        return mask


class Vocabulary:
    """Word -> integer id, one per link run, so every text is converted once and every pair is
    compared as integer arrays. A new word takes the running count of tokens seen as its id: ids
    are unique but not contiguous, and the lookup is one C-level `dict.setdefault` per token."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._next = 0

    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        n = len(tokens)
        fresh = range(self._next, self._next + n)
        self._next += n
        return np.fromiter(map(self._ids.setdefault, tokens, fresh), dtype=np.int64, count=n)


class TokenText(np.ndarray):
    """Token ids of one text that remember their n-gram keys (and their sort), so a text aligned
    against many others hashes and sorts once."""

    def grams(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(keys in text order, sort order, sorted keys) of the text's word n-grams."""
        cache = self.__dict__.setdefault("_grams", {})
        if n not in cache:
            keys = shingle_hashes(np.asarray(self).astype(np.uint64), n)
            order = np.argsort(keys, kind="stable")
            cache[n] = (keys, order, keys[order])
        return cache[n]


def token_text(ids: np.ndarray) -> TokenText:
    return np.asarray(ids, dtype=np.int64).view(TokenText)


def as_ids(target, source) -> tuple[np.ndarray, np.ndarray]:
    """Two token sequences (lists of words or id arrays) as id arrays over one vocabulary."""
    if isinstance(target, np.ndarray) and isinstance(source, np.ndarray):
        return target, source
    vocab = Vocabulary()
    return vocab.ids(list(target)), vocab.ids(list(source))


def _grams(x: np.ndarray, n: int):
    if isinstance(x, TokenText):
        return x.grams(n)
    keys = shingle_hashes(np.asarray(x).astype(np.uint64), n)
    order = np.argsort(keys, kind="stable")
    return keys, order, keys[order]


def maximal_matches(t: np.ndarray, s: np.ndarray, mml: int) -> list[tuple[int, int, int]]:
    """Every left- and right-maximal common run of length >= mml, as (-length, t_start, s_start):
    pairs of equal mml-grams, grouped by diagonal (t_start - s_start) into consecutive stretches."""
    if len(t) < mml or len(s) < mml:
        return []
    kt = _grams(t, mml)[0]
    _ks, order, sk = _grams(s, mml)
    lo = np.searchsorted(sk, kt, "left")
    cnt = np.searchsorted(sk, kt, "right") - lo
    total = int(cnt.sum())
    if total > MAX_GRAM_PAIRS:
        # the most repeated grams (filler, one word run on for pages) pair only by rank: the k-th
        # in the target with the k-th in the source (or its last), so a verbatim run still aligns,
        # at one pair per word instead of every occurrence times every other
        frequent = cnt >= _repeat_limit(cnt, MAX_GRAM_PAIRS)
        lo = np.where(frequent, lo + np.minimum(_occurrence_rank(kt), cnt - 1), lo)
        cnt = np.where(frequent, 1, cnt)
        total = int(cnt.sum())
    if not total:
        return []
    i = np.repeat(np.arange(len(kt)), cnt)
    first = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
    j = order[first + np.arange(total)]
    d = i - j
    o = np.lexsort((i, d))
    i, j, d = i[o], j[o], d[o]
    brk = np.ones(total, dtype=bool)
    brk[1:] = (d[1:] != d[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(brk)
    lengths = np.diff(np.append(starts, total)) + mml - 1
    return list(zip((-lengths).tolist(), i[starts].tolist(), j[starts].tolist()))


def _repeat_limit(cnt: np.ndarray, budget: int) -> int:
    """The least repeat count whose grams must pair by rank alone so that the pairs of the others
    fit the budget."""
    ordered = np.sort(cnt)
    fits = int(np.searchsorted(np.cumsum(ordered), budget, "right"))
    return int(ordered[fits]) if fits < len(ordered) else int(ordered[-1]) + 1


def _occurrence_rank(keys: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same key (0 for its first)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - group_start
    return rank


def greedy_tiles(t: np.ndarray, s: np.ndarray, mml: int = MIN_MATCH) -> list[tuple[int, int, int, int]]:
    """Greedy string tiling: take the longest unmarked common run, mark it, repeat; a run that
    overlaps marked tokens is cut into its unmarked pieces and requeued."""
    heap = maximal_matches(t, s, mml)
    heapq.heapify(heap)
    tmark = bytearray(len(t))
    smark = bytearray(len(s))
    tiles = []
    while heap:
        neg, i, j = heapq.heappop(heap)
        length = -neg
        if tmark.find(1, i, i + length) < 0 and smark.find(1, j, j + length) < 0:
            tiles.append((i, i + length, j, j + length))
            tmark[i : i + length] = b"\x01" * length
            smark[j : j + length] = b"\x01" * length
            continue
        start = None
        for k in range(length + 1):
            free = k < length and not tmark[i + k] and not smark[j + k]
            if free and start is None:
                start = k
            elif not free and start is not None:
                if k - start >= mml:
                    heapq.heappush(heap, (-(k - start), i + start, j + start))
                start = None
    tiles.sort()
    return tiles


def _order_score(spans: list[tuple[int, int, int, int]]) -> float:
    """Weighted longest increasing subsequence of source starts over spans in target order,
    as a share of aligned tokens: 1.0 when the target keeps the source's order."""
    if not spans:
        return 0.0
    s0s = [s0 for _t0, _t1, s0, _s1 in spans]
    if all(a < b for a, b in zip(s0s, s0s[1:])):
        return 1.0
    best = []
    for k, (t0, t1, s0, _s1) in enumerate(spans):
        prev = max((best[m] for m in range(k) if s0s[m] < s0), default=0)
        best.append(prev + t1 - t0)
    total = sum(t1 - t0 for t0, t1, _a, _b in spans)
    return max(best) / total


def align(target, source, mml: int = MIN_MATCH) -> Alignment:
    """Align target tokens (the later text) against source tokens (the earlier one); either lists of
    words or id arrays from one `Vocabulary`."""
    t, s = as_ids(target, source)
    spans = greedy_tiles(t, s, mml)
    lengths = [t1 - t0 for t0, t1, _a, _b in spans]
    covered = sum(lengths)
    n, m = max(len(t), 1), max(len(s), 1)
    return Alignment(
        spans=spans,
        target_len=len(t),
        source_len=len(s),
        containment=covered / n,
        longest_run=max(lengths, default=0),
        order_score=_order_score(spans),
        source_coverage=covered / m,
    )
