"""Plain values passed between stages: no stage hands another a dict with magic keys."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

ROLES = ("origin", "contributor", "cited", "photo")
LOCATIONS = ("dateline", "byline", "body", "footer", "caption", "metadata")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` with lone surrogates (which JSON's \\ud800-style escapes can make, and which no UTF-8
    store accepts) replaced by U+FFFD: one such character must not refuse a whole batch, run after run."""
    return _LONE_SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Agency:
    """A news agency from data/agencies.toml."""

    name: str  # canonical name, e.g. "TASS"
    full_name: str
    aliases: tuple[str, ...]  # every spelling a page may use, in any script, canonical name included
    domains: tuple[str, ...]  # registered domains of its own sites
    country: str  # ISO 3166-1 alpha-2
    ownership: str  # state / public / private / cooperative
    state_affiliated: bool


@dataclass(frozen=True)
class DateCandidate:
    """One claim about when an article was published; all are kept, one is chosen."""

    source: str  # input, feed, sitemap, metadata, htmldate, first_seen
    value: datetime


@dataclass(frozen=True)
class Credit:
    """An agency a page credits, in one role, with the text that decided it."""

    agency: str  # canonical agency name
    role: str  # one of ROLES
    cue: str  # the text that decided it (short)
    location: str  # one of LOCATIONS


@dataclass
class Page:
    """An article as an input gives it (ingest row, crawled response), before cleaning."""

    url: str
    outlet: str | None = None
    published_at: datetime | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None
    language: str | None = None
    date_candidates: list[DateCandidate] = field(default_factory=list)
    warc_file: str | None = None
    warc_offset: int | None = None
    input_file: str | None = None  # the JSONL, CSV or Parquet file an ingested row was read from


@dataclass
class Article:
    """A cleaned article, ready to store: the text a linker compares and the credits it carries."""

    url: str  # normalised URL
    outlet: str | None  # name from the input, if any; the store resolves it
    domain: str  # registered domain of url
    title: str | None
    author: str | None
    text: str
    language: str | None
    sitename: str | None
    canonical_url: str | None
    published_at: datetime | None  # the chosen date (see dates.choose_published_at)
    date_candidates: list[DateCandidate] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    warc_file: str | None = None
    warc_offset: int | None = None
    input_file: str | None = None  # the JSONL, CSV or Parquet file an ingested row was read from
