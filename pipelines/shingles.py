"""Tokens and fingerprints for text-reuse search: the same tokeniser feeds the index and the aligner,
so token positions in stored spans always mean the same thing.

Fingerprints are hashed word n-grams kept when hash % SAMPLE == 0 ("0 mod p" sampling, as in
passim/winnowing): a fixed sample of a text's shingles, so the share of a later text's fingerprints
found in an earlier one estimates containment, which MinHash (Jaccard) does not."""

from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np

#: word n-gram length of a shingle. 3, not 5: tabloid rewrites of wire copy keep few 5-word runs
#: (METER dev: candidate recall of derived articles 94% with 3-grams/4, 85% with 5-grams/4)
SHINGLE = 3
#: keep one shingle in SAMPLE: the index holds ~1/4 of a text's shingles
SAMPLE = 4
#: bump when tokenising or hashing changes: stored postings then need `provtrack link --all`
SCHEME = "w3m4-crc32-v2"  # v2: tokens of the text as read (_as_read)

_WORD = re.compile(r"\w+")
_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


#: letters of scripts that put spaces between words (Latin, Greek, Cyrillic)
_SPACED = "A-Za-z\u00c0-\u024f\u0370-\u052f"
#: characters no reader sees inside a word: soft hyphens (hyphenation points), joiners, a stray
#: byte-order mark, and a zero-width space between two letters of a spaced script (Thai, Khmer or
#: Burmese text marks its word breaks with it: there it stays a break)
_INVISIBLE = re.compile(f"[\u00ad\u200c\u200d\u2060\ufeff]|(?<=[{_SPACED}])\u200b(?=[{_SPACED}])")


def tokenise(text: str) -> list[str]:
    """Lower-cased word tokens of the text as read; punctuation and quotes are dropped so reformatting
    does not matter."""
    return _WORD.findall(_as_read(text)[0].lower())


def token_offsets(text: str) -> list[tuple[int, int]]:
    """Character (start, end) in `text` of each token of `tokenise(text)`, for showing spans to a user.

    Tokens are found in the lower-cased text, which is one character longer for every Turkish "İ"
    ("i" and a combining dot, where the dot also ends the token: "İzmir" is "i", "zmir"). Positions
    there are mapped back, or every passage after an "İ" would be shown shifted; so are those of a
    text read differently from its characters (_as_read)."""
    read, starts, ends = _as_read(text)
    lowered = read.lower()
    spans = [m.span() for m in _WORD.finditer(lowered)]
    if len(lowered) != len(read):  # lower() maps no other character to more than one
        source = [i for i, char in enumerate(read) for _ in char.lower()]
        spans = [(source[start], source[end - 1] + 1) for start, end in spans]
    if starts is None:
        return spans
    return [(starts[start], ends[end - 1]) for start, end in spans]


def _as_read(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """The text as a reader sees it: invisible characters dropped and accents composed (NFC: "é" as one
    character, not "e" and a combining accent as macOS and some editors write it). A verbatim copy
    differing only so was `partially` derived (French, decomposed) or not found (Russian with a soft
    hyphen every few letters): `\\w` does not match the accent or the hyphen, which split the words.
    With, per character of the result, where it starts and ends in `text`; (text, None, None) for
    the usual text, already so."""
    if text.isascii() or (not _INVISIBLE.search(text) and unicodedata.is_normalized("NFC", text)):
        return text, None, None
    dropped = {m.start() for m in _INVISIBLE.finditer(text)}
    kept = [i for i in range(len(text)) if i not in dropped]
    visible = "".join(text[i] for i in kept)
    kept.append(len(text))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(visible):  # a character and the combining marks after it, composed
        j = i + 1
        while j < len(visible) and unicodedata.combining(visible[j]):
            j += 1
        composed = unicodedata.normalize("NFC", visible[i:j])
        parts.append(composed)
        starts += [kept[i]] * len(composed)
        ends += [kept[j - 1] + 1] * len(composed)
        i = j
    return "".join(parts), starts, ends


def token_hashes(tokens: list[str], cache: dict[str, int] | None = None) -> np.ndarray:
    """Stable 32-bit hash per token (crc32: Python's hash() changes between processes); `cache`
    keeps the hashes of words seen, so only new words are hashed."""
    if cache is None:
        cache = {}
    for tok in set(tokens).difference(cache):
        cache[tok] = zlib.crc32(tok.encode("utf-8"))
    return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(th: np.ndarray, n: int = SHINGLE) -> np.ndarray:
    """64-bit hash of every word n-gram, from per-token hashes (polynomial, wrapping uint64)."""
    if len(th) < n:
        return np.empty(0, dtype=np.uint64)
    m = len(th) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    for j in range(n):
        h = h * _MULT + th[j : j + m] + np.uint64(j + 1)
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


def fingerprints(
    tokens: list[str], cache: dict[str, int] | None = None, *, sample: int = SAMPLE
) -> np.ndarray:
    """The sampled, de-duplicated shingle hashes of a text as signed int64 (DuckDB BIGINT)."""
    h = shingle_hashes(token_hashes(tokens, cache))
    kept = h[(h % np.uint64(sample)) == 0]
    return np.unique(kept.view(np.int64))


_QUOTED = re.compile(r'"[^"]{1,800}"|“[^”]{1,800}”|``.{1,800}?\'\'|‘[^’]{1,800}’|«[^»]{1,800}»', re.S)


def quoted_mask(text: str) -> list[bool]:
    """Per token of `tokenise(text)`: is it inside quotation marks? Independent reports of one event
    share quotes, so reuse outside quotes is the stronger sign of copying."""
    spans = [m.span() for m in _QUOTED.finditer(text)]
    out = []
    k = 0
    for start, end in token_offsets(text):
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        out.append(k < len(spans) and spans[k][0] <= start and end <= spans[k][1])
    return out
