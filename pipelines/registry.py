"""The shipped registries: news agencies (data/agencies.toml) and crawl sources (data/sources.toml)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines import DATA_DIR
from pipelines.models import Agency

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

OWNERSHIP_KINDS = ("state", "public", "private", "cooperative")


class RegistryError(ValueError):
    """A registry file is missing a field or has a wrong value; the message names the entry."""


@dataclass(frozen=True)
class Source:
    """A crawl source from data/sources.toml: an outlet and where to find its articles."""

    name: str
    outlet: str
    home: str | None
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    verified: bool  # False: URLs written from public knowledge, not checked against the live site
    republishes: tuple[str, ...]  # agencies it is known to carry


class AgencyRegistry:
    """Looks agencies up by canonical name, any alias, or domain."""

    def __init__(self, agencies: list[Agency]):
        self.agencies = agencies
        self._by_key: dict[str, Agency] = {}
        self._by_domain: dict[str, Agency] = {}
        for agency in agencies:
            for key in (agency.name, *agency.aliases):
                self._by_key.setdefault(key.casefold(), agency)
            for domain in agency.domains:
                self._by_domain[domain.lower()] = agency

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self):
        return iter(self.agencies)

    def lookup(self, name: str) -> Agency | None:
        """The agency called `name` (canonical or alias, any case), or None."""
        return self._by_key.get(name.strip().casefold())

    def for_domain(self, domain: str) -> Agency | None:
        """The agency whose own site is `domain` (a registered domain such as "tass.ru"), or None."""
        return self._by_domain.get(domain.lower())


def _require(entry: dict, key: str, where: str):
    if key not in entry:
        raise RegistryError(f"{where}: missing '{key}'")
    return entry[key]


def parse_agencies(text: str, where: str = "agencies.toml") -> list[Agency]:
    """Agencies from the TOML text of an agencies registry; raises RegistryError naming the bad entry."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: not valid TOML: {exc}") from exc
    agencies = []
    for i, entry in enumerate(doc.get("agency", []), start=1):
        name = _require(entry, "name", f"{where} agency #{i}")
        here = f"{where} agency {name!r}"
        ownership = _require(entry, "ownership", here)
        if ownership not in OWNERSHIP_KINDS:
            raise RegistryError(f"{here}: ownership must be one of {', '.join(OWNERSHIP_KINDS)}")
        aliases = tuple(dict.fromkeys([name, *entry.get("aliases", [])]))
        agencies.append(
            Agency(
                name=name,
                full_name=entry.get("full_name", name),
                aliases=aliases,
                domains=tuple(entry.get("domains", [])),
                country=_require(entry, "country", here),
                ownership=ownership,
                state_affiliated=bool(_require(entry, "state_affiliated", here)),
            )
        )
    return agencies


def parse_sources(text: str, where: str = "sources.toml") -> list[Source]:
    """Sources from the TOML text of a sources registry; raises RegistryError naming the bad entry."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: not valid TOML: {exc}") from exc
    sources = []
    for i, entry in enumerate(doc.get("source", []), start=1):
        name = _require(entry, "name", f"{where} source #{i}")
        here = f"{where} source {name!r}"
        sources.append(
            Source(
                name=name,
                outlet=_require(entry, "outlet", here),
                home=entry.get("home"),
                feeds=tuple(entry.get("feeds", [])),
                sitemaps=tuple(entry.get("sitemaps", [])),
                verified=bool(entry.get("verified", False)),
                republishes=tuple(entry.get("republishes", [])),
            )
        )
    return sources


@cache
def load_agencies(path: Path | None = None) -> AgencyRegistry:
    """The agency registry (default: the shipped data/agencies.toml), parsed once per process."""
    path = path or DATA_DIR / "agencies.toml"
    return AgencyRegistry(parse_agencies(path.read_text(encoding="utf-8"), where=str(path)))


def load_sources(path: Path | None = None) -> list[Source]:
    """The crawl sources (default: the shipped data/sources.toml)."""
    path = path or DATA_DIR / "sources.toml"
    return parse_sources(path.read_text(encoding="utf-8"), where=str(path))
