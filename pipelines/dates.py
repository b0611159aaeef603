"""Publication dates: parsing the timestamps pages, feeds and files claim, and choosing among them."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from pipelines.models import DateCandidate

#: Which date claim wins, best first. Publisher-declared timestamps beat heuristics; the moment we
#: first saw the page is the fallback. A claim more than a day after first sight (or after now, for a
#: page never crawled) is implausible and ignored (sites stamp pages with "now"); lastmod of a sitemap
#: is a modification, never a candidate.
DATE_PRIORITY = ("input", "metadata", "feed", "sitemap", "htmldate", "first_seen")
#: Claims that stand for "no date": before 1900 (.NET's 0001-01-01, Excel's 1899-12-30 and SQL Server's
#: 1900-01-01) or on the day of Unix time 0 (a missing timestamp, printed). Chosen, they put a copy
#: years before its source, outside the link window, and its agency is lost.
EARLIEST_PLAUSIBLE = datetime(1900, 1, 2, tzinfo=timezone.utc)
UNIX_EPOCH_DAY = date(1970, 1, 1)


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO-8601-ish timestamp or date as a UTC datetime (naive input is taken as UTC), or None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return to_utc(parsed)


#: Unix time as an export writes it: 9 or 10 digits of seconds (1973 to 2286) or 12 or 13 of
#: milliseconds, perhaps with a fraction. 8 digits are an ISO date (20261207); 11 or 14 would be
#: centuries away either way, so they are no time.
_UNIX_TIME = re.compile(r"(\d{9,10}|\d{12,13})(?:\.\d*)?")


def parse_row_time(value) -> datetime | None:
    """An input row's published_at: what parse_datetime reads, or Unix time in seconds or milliseconds
    (a JSON number, an integer column, or its digits in a CSV), as many scrapers and exports give it.
    Each such row was skipped as "invalid published_at", one line per row."""
    text = str(value).strip()
    unix = _UNIX_TIME.fullmatch(text)
    if unix is None:
        return parse_datetime(text)
    per_second = 1000 if len(unix[1]) > 10 else 1
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=float(text) / per_second)


def to_utc(parsed: datetime) -> datetime | None:
    """An aware time in UTC; a date at midnight of its own time zone ("2026-11-17T00:00:00+03:00", how
    many sites write a date without a time) stays that date, at midnight UTC: the one spelling of
    "this day, time unknown" (chains.day_only). Converted, it would land at 21:00 the day before, a
    time of day no page gave. A time of day that converts to midnight UTC is kept a microsecond after
    it, so that it is not taken for a date alone."""
    if parsed.utcoffset() and (parsed.hour, parsed.minute, parsed.second, parsed.microsecond) == (0, 0, 0, 0):
        return datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
    try:
        converted = parsed.astimezone(timezone.utc)
    except OverflowError:  # "0001-01-01T00:30:00+01:00", a .NET export's "no date": before year 1 in UTC
        return None
    if parsed.utcoffset() and converted.time() == time(0):
        # a time of day given ("03:00:00+03:00") that falls on midnight UTC, the spelling of a date
        # alone: a microsecond later it stays the time it is, where it was pushed a day later
        return converted + timedelta(microseconds=1)
    return converted


def choose_published_at(
    candidates: list[DateCandidate], first_seen: datetime | None = None
) -> datetime | None:
    """The publication time by DATE_PRIORITY, skipping claims more than a day after first sight."""
    ranked = sorted(
        (c for c in candidates if c.source in DATE_PRIORITY),
        key=lambda c: DATE_PRIORITY.index(c.source),
    )
    for candidate in ranked:
        if is_plausible(candidate, first_seen):
            return candidate.value
    return first_seen


def is_plausible(candidate: DateCandidate, first_seen: datetime | None) -> bool:
    """Not more than a day after first sight (later claims are sites stamping pages with "now"), or,
    for a page no crawl has seen (an ingested row), after the moment of choosing: a row dated 2062
    would otherwise be the latest article of all, and the agency story it is the copy of. Nor one of
    the dates that stand for none (EARLIEST_PLAUSIBLE, UNIX_EPOCH_DAY)."""
    value = _as_utc(candidate.value)
    if value < EARLIEST_PLAUSIBLE or value.astimezone(timezone.utc).date() == UNIX_EPOCH_DAY:
        return False
    bound = _as_utc(first_seen) if first_seen is not None else datetime.now(timezone.utc)
    return value <= bound + timedelta(days=1)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def first_seen_of(candidates: list[DateCandidate]) -> datetime | None:
    """When provtrack first saw the page, if that is among the claims."""
    return next((c.value for c in candidates if c.source == "first_seen"), None)
