"""Reading a user-supplied state-media list (e.g. GMF's State Media Matrix) for the outlet registry."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.urls import registered_domain

# Column names seen in public state-media lists, first match wins.
NAME_COLUMNS = ("name", "outlet", "media", "media outlet", "outlet name")
DOMAIN_COLUMNS = ("domain", "url", "website", "site", "web")
COUNTRY_COLUMNS = ("country", "country code", "iso")
TYPOLOGY_COLUMNS = ("typology", "type", "category", "classification", "label")
#: what a registered domain looks like once read ("rt.com", "xn--80asehdb.xn--p1ai", "bbc.co.uk")
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


@dataclass(frozen=True)
class StateMediaEntry:
    name: str
    domain: str | None
    country: str | None
    typology: str | None
    state_affiliated: bool


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value and value.strip():
            return value.strip()
    return None


_NOT_UTF8 = "{path}: not UTF-8 text (save it as UTF-8 and import it again)"


def read_state_media(path: Path) -> tuple[list[StateMediaEntry], list[str]]:
    """Entries and, for rows that could not be used, 'line N: reason' strings."""
    entries, problems = [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, strict=True)
        try:
            header = reader.fieldnames
        except UnicodeDecodeError:
            raise ValueError(_NOT_UTF8.format(path=path)) from None  # the first block is decoded here
        if not header:
            raise ValueError(f"{path}: empty CSV")
        reader.fieldnames = [name.strip().lower() for name in header]
        if not any(name in reader.fieldnames for name in NAME_COLUMNS):
            raise ValueError(f"{path}: no name column (one of: {', '.join(NAME_COLUMNS)})")
        rows = iter(reader)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except UnicodeDecodeError:
                raise ValueError(_NOT_UTF8.format(path=path)) from None
            except csv.Error as exc:  # a quote never closed swallows the rest of the file
                problems.append(f"line {reader.line_num}: unreadable CSV record ({exc}); the rest not read")
                break
            line = reader.line_num
            name = _pick(row, NAME_COLUMNS)
            if not name:
                problems.append(f"line {line}: no outlet name")
                continue
            if "\n" in name or "\r" in name:
                problems.append(f"line {line}: the name runs over several lines (a quote left open?)")
                continue
            where = _pick(row, DOMAIN_COLUMNS)
            domain = registered_domain(where if "//" in where else f"http://{where}/") if where else None
            if domain is not None and not _DOMAIN.fullmatch(domain):
                problems.append(f"line {line}: {where[:80]!r} is not a domain or URL")
                continue
            typology = _pick(row, TYPOLOGY_COLUMNS)
            entries.append(
                StateMediaEntry(
                    name=name,
                    domain=domain,
                    country=_pick(row, COUNTRY_COLUMNS),
                    typology=typology,
                    # Lists like GMF's include independent public media; those are not state-affiliated.
                    state_affiliated=not (typology and "independent" in typology.lower()),
                )
            )
    return entries, problems
