"""Counts in the lines people read: "1 new article", "2 new articles", never "1 new articles"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number it takes; `plural` where adding an s is wrong ("1 candidate
    pair", "2 candidate pairs" comes by itself; "1 article is", "2 articles are" does not)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
