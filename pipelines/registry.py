"""The shipped registries: news agencies (data/agencies.toml) and crawl sources (data/sources.toml)."""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pipelines import DATA_DIR
from pipelines.models import Agency
from pipelines.urls import BadURL, normalize_url, registered_domain

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


class SiteOutlets:
    """Whose page is it: the outlet of the registered source on a page's site, for a page that comes
    with none (an ad-hoc crawl's --feed, --sitemap, --site or --urls; a WARC record given to `ingest
    --sources`), so that it is filed as a crawl of the named source would file it. Without it a host
    the registry knows (tass-demo.example, TASS's own site) was an unknown outlet of its own, and TASS's
    story there read as a credited copy of TASS.

    Of the sources on the page's registered domain, the one whose folder shares the most leading path
    segments with the page ("dw.com/ru/metro/..." is DW Russian's, whose home is
    "dw.com/ru/novosti/s-9119"); on a tie, or none shared, the first of the registry, as in the outlets
    table."""

    def __init__(self, sources):
        #: registered domain -> (folder, outlet) of every home, feed and sitemap URL on it, in order
        self.sites: dict[str, list[tuple[list[str], str]]] = {}
        for source in sources:
            for url in (source.home, *source.feeds, *source.sitemaps):
                if url:
                    self.sites.setdefault(registered_domain(url), []).append((_folder(url), source.outlet))

    def outlet_of(self, url: str) -> str | None:
        try:
            candidates = self.sites.get(registered_domain(url))
        except (BadURL, ValueError):
            return None
        if not candidates:
            return None
        path = _segments(url)

        def shared(folder: list[str]) -> int:
            return next(
                (n for n, (a, b) in enumerate(zip(folder, path)) if a != b), min(len(folder), len(path))
            )

        return max(candidates, key=lambda site: shared(site[0]))[1]


def _segments(url: str) -> list[str]:
    """A URL's path segments, lower-cased."""
    return [segment.lower() for segment in urlsplit(url).path.split("/") if segment]


def _folder(url: str) -> list[str]:
    """A registry URL's path segments without a last one naming a file ("rss.xml", "sitemap.xml")."""
    segments = _segments(url)
    return segments[:-1] if segments and "." in segments[-1] else segments


#: what many agencies' names end in, and so tells none apart
_GENERIC_TAIL = re.compile(r"\s+(?:news\s+)?agency$")


class AgencyRegistry:
    """Looks agencies up by canonical name, any alias, or domain."""

    def __init__(self, agencies: list[Agency]):
        self.agencies = agencies
        self._by_key: dict[str, Agency] = {}
        self._by_domain: dict[str, Agency] = {}
        for agency in agencies:
            for key in (agency.name, *agency.aliases, agency.full_name):
                self._by_key.setdefault(key.casefold(), agency)
            for domain in agency.domains:
                self._by_domain[domain.lower()] = agency

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self):
        return iter(self.agencies)

    def lookup(self, name: str) -> Agency | None:
        """The agency called `name` (canonical, alias or full name, any case), or None."""
        return self._by_key.get(name.strip().casefold())

    def closest(self, name: str) -> Agency | None:
        """The agency with a name, alias or full name close to `name`, or None: for a typo's hint, which
        the canonical names alone gave badly ("Sputnik News Agency" was closest to Cyprus News Agency)."""
        key = name.strip().casefold()
        bare = _GENERIC_TAIL.sub("", key)  # "Tass News Agency" is TASS, however close Tasnim News Agency is
        if bare != key and bare in self._by_key:
            return self._by_key[bare]
        close = difflib.get_close_matches(key, self._by_key, n=1, cutoff=0.8)
        return self._by_key[close[0]] if close else None

    def for_domain(self, domain: str) -> Agency | None:
        """The agency whose own site is `domain` (a registered domain such as "tass.ru"), or None."""
        return self._by_domain.get(domain.lower())


def _require(entry: dict, key: str, where: str):
    if key not in entry:
        raise RegistryError(f"{where}: missing '{key}'")
    return entry[key]


def _entries(doc: dict, key: str, where: str) -> list[dict]:
    """The [[key]] tables of a registry: `source = 5` or `source = {...}` is no list of tables."""
    entries = doc.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RegistryError(f"{where}: '{key}' must be [[{key}]] tables, each with its own key = value lines")
    return entries


SOURCE_KEYS = ("name", "outlet", "home", "feeds", "sitemaps", "verified", "republishes")
AGENCY_KEYS = ("name", "full_name", "aliases", "domains", "country", "ownership", "state_affiliated")


def _known_keys(table: dict, known: tuple[str, ...], here: str) -> None:
    """A key the registry does not read is a typo to report, not to skip: `feed = [...]` for `feeds`
    left a source with nothing to crawl, reported `ok` with 0 articles every hour."""
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
            raise RegistryError(f"{here}: unknown key {key!r}{hint}")


def _text(entry: dict, key: str, here: str, *, required: bool = False) -> str | None:
    value = _require(entry, key, here) if required else entry.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise RegistryError(f'{here}: {key} must be text, as in {key} = "..."')
    return value


def _texts(entry: dict, key: str, here: str, *, urls: bool = False) -> tuple[str, ...]:
    """A list of text (`feeds = "http://..."`, one text, was read as a list of its characters)."""
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegistryError(f'{here}: {key} must be a list of text, as in {key} = ["...", "..."]')
    for item in value if urls else ():
        _url(item, key, here)
    return tuple(value)


def _url(value: str, key: str, here: str) -> str:
    try:
        normalize_url(value)
    except BadURL:
        raise RegistryError(f"{here}: {key} {value!r} is not an absolute http(s) URL") from None
    return value


def _flag(entry: dict, key: str, here: str, default: bool | None = None) -> bool:
    value = _require(entry, key, here) if default is None else entry.get(key, default)
    if not isinstance(value, bool):
        raise RegistryError(f"{here}: {key} must be true or false (without quotes)")
    return value


def _unique(names: list[str], kind: str, where: str) -> None:
    seen = set()
    for name in names:
        if name in seen:
            raise RegistryError(f"{where}: {kind} {name!r} is defined twice")
        seen.add(name)


def parse_agencies(text: str, where: str = "agencies.toml") -> list[Agency]:
    """Agencies from the TOML text of an agencies registry; raises RegistryError naming the bad entry."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: not valid TOML: {exc}") from exc
    _known_keys(doc, ("agency",), where)
    agencies = []
    for i, entry in enumerate(_entries(doc, "agency", where), start=1):
        name = _text(entry, "name", f"{where} agency #{i}", required=True)
        here = f"{where} agency {name!r}"
        _known_keys(entry, AGENCY_KEYS, here)
        ownership = _require(entry, "ownership", here)
        if ownership not in OWNERSHIP_KINDS:
            raise RegistryError(f"{here}: ownership must be one of {', '.join(OWNERSHIP_KINDS)}")
        aliases = tuple(dict.fromkeys([name, *_texts(entry, "aliases", here)]))
        agencies.append(
            Agency(
                name=name,
                full_name=_text(entry, "full_name", here) or name,
                aliases=aliases,
                domains=_texts(entry, "domains", here),
                country=_text(entry, "country", here, required=True),
                ownership=ownership,
                state_affiliated=_flag(entry, "state_affiliated", here),
            )
        )
    _unique([a.name for a in agencies], "agency", where)
    return agencies


def parse_sources(text: str, where: str = "sources.toml") -> list[Source]:
    """Sources from the TOML text of a sources registry; raises RegistryError naming the bad entry."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: not valid TOML: {exc}") from exc
    _known_keys(doc, ("source",), where)
    sources = []
    for i, entry in enumerate(_entries(doc, "source", where), start=1):
        name = _text(entry, "name", f"{where} source #{i}", required=True)
        here = f"{where} source {name!r}"
        _known_keys(entry, SOURCE_KEYS, here)
        home = _text(entry, "home", here)
        source = Source(
            name=name,
            outlet=_text(entry, "outlet", here, required=True),
            home=_url(home, "home", here) if home else None,
            feeds=_texts(entry, "feeds", here, urls=True),
            sitemaps=_texts(entry, "sitemaps", here, urls=True),
            verified=_flag(entry, "verified", here, default=False),
            republishes=_texts(entry, "republishes", here),
        )
        if not (source.home or source.feeds or source.sitemaps):
            raise RegistryError(f"{here}: nothing to crawl; give it feeds, sitemaps or a home page")
        sources.append(source)
    _unique([s.name for s in sources], "source", where)
    return sources


@cache
def load_agencies(path: Path | None = None) -> AgencyRegistry:
    """The agency registry (default: the shipped data/agencies.toml), parsed once per process."""
    path = path or DATA_DIR / "agencies.toml"
    return AgencyRegistry(parse_agencies(_read(path), where=str(path)))


def load_sources(path: Path | None = None) -> list[Source]:
    """The crawl sources (default: the shipped data/sources.toml)."""
    path = path or DATA_DIR / "sources.toml"
    return parse_sources(_read(path), where=str(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: a byte-order mark some editors write
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text (byte {exc.start})") from None
