"""Synthetic corpora with known copy relations, built from the real METER texts.

Each story starts as an agency original: sentences walked from a word-bigram chain of the real METER
texts, so originals are unique even at 1M articles and share with each other only what news language
shares (stock 3-grams), not whole pool sentences. (Until Nov 2026 originals were pool sentences with 30%
of words swapped: at 100k every pool sentence recurred ~100 times and unrelated originals overlapped
by 5-30%, which no real corpus does.) Copies of it, with the truth
recorded: verbatim, truncated, light (a few words changed, a sentence dropped), rewrite_lead (new
opening, rest kept), merged (halves of two originals), chain (A -> B edited -> C copy of B: hops 2),
negative (same event written independently: shares names, numbers and one short quote), and now and
then a syndicated story (lightly edited by 80 outlets within two days)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

METER = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "meter" / "meter-dev.jsonl"
TYPES = ("verbatim", "truncated", "light", "rewrite_lead", "merged", "chain", "negative", "syndicated")
#: every SYNDICATED_EVERY-th story is also run by SYNDICATED_COPIES outlets (lightly edited), more
#: than the linker's RARE_DF: its shingles are as common as stock phrases
SYNDICATED_EVERY = 997
SYNDICATED_COPIES = 80


@dataclass
class Item:
    url: str
    outlet: str
    agency: str | None
    published_at: datetime
    text: str
    kind: str  # original or one of TYPES
    sources: tuple[str, ...]  # acceptable immediate sources (empty: none)
    hops: int


def _pool():
    rows = [json.loads(x) for x in open(METER, encoding="utf-8")]
    sents = [s.strip() for r in rows for s in re.split(r"(?<=[.!?])\s+", r["text"]) if len(s.split()) >= 6]
    words = [w for s in sents for w in s.split()]
    chain: dict[str, list[str]] = {}
    for s in sents:
        ws = ["<s>", *s.split()]
        for a, b in zip(ws, ws[1:]):
            chain.setdefault(a, []).append(b)
    return sents, words, chain


def generate(n: int, seed: int = 0) -> list[Item]:
    """About n articles: a third originals, the rest copies spread over the seven types."""
    rnd = random.Random(seed)
    sents, words, chain = _pool()
    t0 = datetime(2024, 1, 1)
    span = max(60, n // 2000)  # days; keeps clusters apart in time at 1M

    def sentence():
        out, w = [], "<s>"
        for _ in range(rnd.randint(12, 30)):
            w = rnd.choice(chain.get(w) or words)
            out.append(w)
        return " ".join(out).rstrip(".") + "."

    def fresh(k):
        return [sentence() for _ in range(k)]

    def light(ss):
        ss = list(ss)
        if len(ss) > 3:
            del ss[rnd.randrange(1, len(ss))]
        return [" ".join(rnd.choice(words) if rnd.random() < 0.05 else w for w in s.split()) for s in ss]

    items: list[Item] = []
    k = 0
    while len(items) < n:
        k += 1
        t = t0 + timedelta(minutes=rnd.randrange(span * 1440))
        a = fresh(rnd.randint(8, 16))
        a_url = f"https://wire{k % 3}.example/{k}"
        agency = f"Wire{k % 3}"
        items.append(Item(a_url, agency, agency, t, " ".join(a), "original", (), 0))
        if k % SYNDICATED_EVERY == 0:
            for j in range(SYNDICATED_COPIES):
                when = t + timedelta(minutes=rnd.randint(30, 48 * 60))
                u = f"https://syndicate{j}.example/{k}"
                items.append(
                    Item(u, f"Syndicate{j}", None, when, " ".join(light(a)), "syndicated", (a_url,), 1)
                )
        kind = TYPES[k % (len(TYPES) - 1)]
        later = t + timedelta(hours=rnd.randint(1, 48))
        url = f"https://outlet{k % 50}.example/{k}"
        outlet = f"Outlet{k % 50}"
        if kind == "verbatim":
            items.append(Item(url, outlet, None, later, " ".join(a), kind, (a_url,), 1))
        elif kind == "truncated":
            items.append(
                Item(
                    url,
                    outlet,
                    None,
                    later,
                    " ".join(a[: max(3, len(a) * rnd.randint(4, 7) // 10)]),
                    kind,
                    (a_url,),
                    1,
                )
            )
        elif kind == "light":
            items.append(Item(url, outlet, None, later, " ".join(light(a)), kind, (a_url,), 1))
        elif kind == "rewrite_lead":
            items.append(
                Item(url, outlet, None, later, " ".join(fresh(2) + a[len(a) // 3 :]), kind, (a_url,), 1)
            )
        elif kind == "merged":
            a2 = fresh(rnd.randint(8, 16))
            a2_url = f"https://wire{(k + 1) % 3}.example/{k}m"
            items.append(
                Item(a2_url, f"Wire{(k + 1) % 3}", f"Wire{(k + 1) % 3}", t, " ".join(a2), "original", (), 0)
            )
            items.append(
                Item(
                    url,
                    outlet,
                    None,
                    later,
                    " ".join(a[: len(a) // 2] + a2[len(a2) // 2 :]),
                    kind,
                    (a_url, a2_url),
                    1,
                )
            )
        elif kind == "chain":
            b = light(a) + fresh(2)
            items.append(Item(url, outlet, None, later, " ".join(b), "light", (a_url,), 1))
            c_url = f"https://outlet{(k + 7) % 50}.example/{k}c"
            items.append(
                Item(
                    c_url,
                    f"Outlet{(k + 7) % 50}",
                    None,
                    later + timedelta(hours=rnd.randint(1, 24)),
                    " ".join(b[: max(3, len(b) * 2 // 3)] + b[-2:]),
                    kind,
                    (url,),
                    2,
                )
            )
        else:  # negative: independent report of the same event
            facts = [w for w in " ".join(a).split() if w[:1].isupper() or w[:1].isdigit()]
            quote = " ".join(rnd.choice(a).split()[:5])
            body = fresh(rnd.randint(5, 10))
            body.insert(1, " ".join(rnd.sample(facts, min(8, len(facts)))) + f' said "{quote}".')
            items.append(Item(url, outlet, None, later, " ".join(body), kind, (), 0))
    return items
