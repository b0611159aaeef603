"""What to crawl: registered sources from data/sources.toml by name, or ad-hoc ones (--feed, --sitemap,
--site, --urls), turned into seeds the spider starts from."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.registry import RegistryError, SiteOutlets, Source, load_sources
from pipelines.urls import registered_domain

#: what a seed can be; crawlers.spiders.news.NewsSpider starts from each
SEED_KINDS = ("feed", "sitemap", "site", "url")


class SourceError(ValueError):
    """An unknown source name or unusable ad-hoc seed; the message says which."""


def _suggest(name: str, registered) -> str:
    """'; did you mean ...?' with the names that start like it or are spelled close to it."""
    lowered = name.lower()
    close = [n for n in sorted(registered) if n.lower().startswith(lowered) or lowered in n.lower()]
    close += [n for n in difflib.get_close_matches(name, sorted(registered), n=3) if n not in close]
    return f"; did you mean {', '.join(close[:5])}?" if close else ""


@dataclass(frozen=True)
class Seed:
    kind: str  # feed / sitemap / site / url
    url: str


@dataclass
class CrawlSource:
    """One source of a crawl run: its outlet (None: an ad-hoc seed's) and its seeds."""

    name: str
    outlet: str | None
    seeds: list[Seed] = field(default_factory=list)
    home: str | None = None
    #: the crawl's sources registry by site, for pages off the source's own domains or of an ad-hoc seed
    site_outlets: SiteOutlets | None = None

    @cached_property
    def own_domains(self) -> frozenset[str]:
        """The registered domains of its home and seeds."""
        return frozenset(registered_domain(u) for u in [self.home, *(seed.url for seed in self.seeds)] if u)

    def outlet_for(self, url: str) -> str | None:
        """The source's outlet for a page on one of its own domains. A page elsewhere (a listed story
        that redirected to another site, an aggregator's feed), or any page of an ad-hoc seed, is the
        outlet of the registry's source on the page's site, or None: its own domain decides. Filed
        under the source's outlet, another site's story read as that outlet's own, and an agency's as
        its own story."""
        if self.outlet is not None and registered_domain(url) in self.own_domains:
            return self.outlet
        return self.site_outlets.outlet_of(url) if self.site_outlets is not None else None


def _check_url(url: str, option: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{option} {url!r}: not an absolute http(s) URL")
    return url.strip()


def from_registry(source: Source) -> CrawlSource:
    seeds = [Seed("feed", u) for u in source.feeds] + [Seed("sitemap", u) for u in source.sitemaps]
    if not seeds and source.home:
        seeds.append(Seed("site", source.home))
    return CrawlSource(source.name, source.outlet, seeds, source.home)


def select_sources(
    names: list[str],
    *,
    feeds: list[str] = (),
    sitemaps: list[str] = (),
    sites: list[str] = (),
    url_files: list[Path] = (),
    registry: Path | None = None,
) -> list[CrawlSource]:
    """Sources to crawl: the named ones, plus ad-hoc ones; every registered source when none given."""
    try:
        registered = {s.name: s for s in load_sources(registry)}
    except OSError as exc:
        raise SourceError(f"--sources {registry}: {exc.strerror or exc}") from None
    except RegistryError as exc:
        raise SourceError(str(exc)) from None
    chosen: list[CrawlSource] = []
    for name in names:
        if name not in registered:
            raise SourceError(
                f"unknown source {name!r}{_suggest(name, registered)} "
                f"(`provtrack sources{f' --sources {registry}' if registry else ''}` lists them)"
            )
        chosen.append(from_registry(registered[name]))
    for option, kind, urls in (
        ("--feed", "feed", feeds),
        ("--sitemap", "sitemap", sitemaps),
        ("--site", "site", sites),
    ):
        for url in urls:
            url = _check_url(url, option)
            chosen.append(CrawlSource(f"{kind}:{urlsplit(url).hostname}", None, [Seed(kind, url)]))
    for path in url_files:
        try:
            lines = Path(path).read_text(encoding="utf-8-sig").splitlines()  # -sig: Notepad's BOM
        except OSError as exc:
            raise SourceError(f"--urls {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"--urls {path}: not UTF-8 text (byte {exc.start}); want one URL per line"
            ) from None
        urls = [
            _check_url(line, f"--urls {path}:") for line in lines if line.strip() and not line.startswith("#")
        ]
        chosen.append(CrawlSource(f"urls:{Path(path).name}", None, [Seed("url", u) for u in urls]))
    if not names and not chosen:
        chosen = [from_registry(s) for s in registered.values()]
    site_outlets = SiteOutlets(registered.values())
    for source in chosen:
        source.site_outlets = site_outlets
    names_seen = set()
    for source in chosen:  # two ad-hoc seeds on one host: keep the summary lines apart
        base, n = source.name, 2
        while source.name in names_seen:
            source.name, n = f"{base}#{n}", n + 1
        names_seen.add(source.name)
    return chosen
