"""Writing outlets and article versions, and finding an article's URL as stored. Loads are idempotent:
the same article twice changes nothing; the same URL with new text or new credits becomes a new version
linked to the previous one."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import duckdb

from pipelines.models import Agency, Article, DateCandidate
from pipelines.registry import Source, load_agencies, load_sources
from pipelines.store.claims import add_claims, inheriting, stored_claims, utc_naive
from pipelines.store.db import load_query, transaction
from pipelines.store.file_rows import FileRows, input_name
from pipelines.store.rows import insert_rows
from pipelines.urls import normalize_url, registered_domain


def stored_url(con: duckdb.DuckDBPyConnection, url: str) -> str:
    """`url` as the database stores articles: normalised (tracking parameters and fragment dropped,
    host lower-cased); when only another spelling of it is stored, the nearest one stored: the other
    scheme, with or without a trailing slash on the path, with or without "www." on the host. A link
    copied from a browser or a list often differs from the crawled one in just these. Returns the
    normalised `url` when none is stored; raises BadURL for a non-URL."""
    key = normalize_url(url)
    spellings = [key, *_other_spellings(key)]
    found = con.execute("SELECT url FROM articles WHERE list_contains(?, url)", [spellings]).fetchall()
    stored = {row[0] for row in found}
    return next((spelling for spelling in spellings if spelling in stored), key)


def _other_spellings(key: str) -> list[str]:
    """Spellings of the normalised URL `key` that most sites serve as the same page, nearest first:
    the other scheme, then the path's trailing slash, then the host's "www."."""
    parts = urlsplit(key)
    host = parts.netloc
    hosts = [host, host.removeprefix("www.") if host.startswith("www.") else "www." + host]
    path = parts.path
    paths = [path] if path == "/" else [path, path[:-1] if path.endswith("/") else path + "/"]
    schemes = [parts.scheme, "http" if parts.scheme == "https" else "https"]
    spellings = [urlunsplit((s, h, p, parts.query, "")) for h in hosts for p in paths for s in schemes]
    return spellings[1:]  # the first is `key` itself


def text_hash(text: str) -> str:
    """Fingerprint of an article's text, blind to white-space differences between fetches."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass
class SaveResult:
    """What one save did: new articles, new versions of known URLs, and rows that changed nothing."""

    new_articles: int = 0
    new_versions: int = 0
    unchanged: int = 0
    stubs: int = 0  # pages that were a stub of their stored text (see is_stub_of): not stored

    def add(self, other: SaveResult) -> None:
        self.new_articles += other.new_articles
        self.new_versions += other.new_versions
        self.unchanged += other.unchanged
        self.stubs += other.stubs

    @property
    def pages(self) -> int:
        """Pages this save was given."""
        return self.new_articles + self.new_versions + self.unchanged + self.stubs


#: a text under this share of the stored latest version's words is a stub of it, when that version
#: holds at least STUB_MIN_WORDS
STUB_SHARE, STUB_MIN_WORDS = 1 / 3, 60


def is_stub_of(text: str, stored_words: int | None) -> bool:
    """Is `text` a stub of a stored version of `stored_words` words: a paywall's first paragraph, a
    "page not found" answered with 200, a teaser? At a re-check such a page became the latest version,
    and the story's text, and the credit it carried, were gone from article_origins and credits."""
    return (
        bool(stored_words)
        and stored_words >= STUB_MIN_WORDS
        and len(text.split()) < STUB_SHARE * stored_words
    )


class Outlets:
    """Resolves an outlet name, alias or domain to its outlet_id, creating unknown outlets.
    Loads the alias and domain tables once; one instance serves one writing run."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: int | None = None):
        self.con = con
        self.run_id = run_id
        self.reload()

    def find(self, name: str | None, domain: str | None) -> int | None:
        """A known outlet by name or alias, else by domain; None when neither is known."""
        found = self.by_alias.get(name.strip().casefold()) if name else None
        if found is None and domain:
            found = self.by_domain.get(domain.lower())
        return found

    def name_of(self, outlet_id: int) -> str:
        return self.con.execute("SELECT name FROM outlets WHERE outlet_id = ?", [outlet_id]).fetchall()[0][0]

    def reload(self) -> None:
        """Forget cached ids (after a rolled-back transaction some may no longer exist)."""
        self.by_alias = dict(self.con.execute("SELECT alias, outlet_id FROM outlet_aliases").fetchall())
        self.by_domain = dict(self.con.execute("SELECT domain, outlet_id FROM outlet_domains").fetchall())
        self.registered = {
            row[0]
            for row in self.con.execute("SELECT outlet_id FROM outlets WHERE registry <> 'ingest'").fetchall()
        }
        self._overlaps: dict[tuple[str, int], bool] = {}  # a million rows may carry the same few names

    def resolve(self, name: str | None, url: str) -> int:
        """The outlet of an article: by its given name or alias if any, else by the URL's domain. A
        name the registries do not know, on a domain one of their outlets owns, is that outlet when
        one name holds the other ("TASS English" on tass.com, "EurAsian Times" for The EurAsian
        Times): an agency's own story filed under another name would otherwise pass for an outlet's
        copy. Any other name is an outlet of its own ("ESPN" on go.com is not ABC News).

        Without a name, only a registry's outlet owns its domain: an outlet named by an earlier row
        ("Channel One" for t.me/channel_one, "Bob's Blog" on blogspot.com) does not own a domain many
        sites share, so the row is filed under the domain itself, whatever came first. Filed under the
        named outlet, a copy of its story from another channel or blog passed for its own (`self`)."""
        domain = registered_domain(url)
        if name and name.strip():
            found = self.by_alias.get(name.strip().casefold())
            if found is not None:
                return found
            owner = self.by_domain.get(domain)
            if owner in self.registered and self._names_overlap(name, owner):
                return owner
            return self.add(name.strip(), domain=domain, registry="ingest")
        owner = self.by_domain.get(domain)
        if owner in self.registered:
            return owner
        found = self.by_alias.get(domain)  # the outlet named by its domain, made by an earlier row
        return found if found is not None else self.add(domain, domain=domain, registry="ingest")

    def _names_overlap(self, name: str, outlet_id: int) -> bool:
        """Does `name` hold one of the outlet's names as whole words, or one of them hold `name`?"""
        key = (name, outlet_id)
        if key not in self._overlaps:
            given = _spaced_words(name)
            known = [_spaced_words(alias) for alias, owner in self.by_alias.items() if owner == outlet_id]
            self._overlaps[key] = bool(given.strip()) and any(
                k.strip() and (k in given or given in k) for k in known
            )
        return self._overlaps[key]

    def add(self, name: str, *, registry: str, **fields) -> int:
        """Insert an outlet (or find it by name) and record its aliases and domains; fields as in
        NewOutlet."""
        return self.add_many([NewOutlet(name, registry, **fields)])[0]

    def add_many(self, outlets: list[NewOutlet]) -> list[int]:
        """The outlet_id of each, inserting the outlets not known by name or alias and every new alias
        and domain: three statements however many there are. (One INSERT per name made a fresh
        database's registries, ~140 outlets with ~660 names, take a second.) An earlier outlet of the
        list claims a name before a later one, as one add() after another would."""
        owners: list[int | NewOutlet] = []
        alias_owner: dict[str, int | NewOutlet] = {}
        domain_owner: dict[str, int | NewOutlet] = {}
        for outlet in outlets:
            key = outlet.name.casefold()
            owner = self.by_alias.get(key, alias_owner.get(key, outlet))
            owners.append(owner)
            for alias in (outlet.name, *outlet.aliases):
                if alias.casefold() not in self.by_alias:
                    alias_owner.setdefault(alias.casefold(), owner)
            for domain in (outlet.domain, *outlet.domains):
                if domain and domain.lower() not in self.by_domain:
                    domain_owner.setdefault(domain.lower(), owner)
        fresh = list({id(owner): owner for owner in owners if isinstance(owner, NewOutlet)}.values())
        ids = self._insert_outlets(fresh)

        def outlet_id(owner: int | NewOutlet) -> int:
            return owner if isinstance(owner, int) else ids[owner.name]

        self._insert_names("outlet_aliases", "alias", {k: outlet_id(o) for k, o in alias_owner.items()})
        self._insert_names("outlet_domains", "domain", {k: outlet_id(o) for k, o in domain_owner.items()})
        for key, owner in alias_owner.items():
            self.by_alias[key] = outlet_id(owner)
        for key, owner in domain_owner.items():
            self.by_domain[key] = outlet_id(owner)
        return [outlet_id(owner) for owner in owners]

    def _insert_outlets(self, outlets: list[NewOutlet]) -> dict[str, int]:
        """name -> outlet_id of new outlets; a name already in the table keeps its row and id."""
        if not outlets:
            return {}
        rows = [
            [
                o.name,
                "agency" if o.agency else "outlet",
                o.agency.name if o.agency else None,
                o.domain,
                o.agency.country if o.agency else o.country,
                o.agency.ownership if o.agency else None,
                o.agency.state_affiliated if o.agency else o.state_affiliated,
                o.typology,
                o.registry,
                self.run_id,
            ]
            for o in outlets
        ]
        placeholders = ", ".join(["(?, ?, ?, ?, ?, ?, ?::BOOLEAN, ?, ?, ?::BIGINT)"] * len(rows))
        returned = self.con.execute(
            f"""
            INSERT INTO outlets (name, kind, agency, domain, country, ownership, state_affiliated,
                                 typology, registry, run_id)
            VALUES {placeholders}
            ON CONFLICT (name) DO UPDATE SET name = excluded.name
            RETURNING name, outlet_id
            """,
            [value for row in rows for value in row],
        ).fetchall()
        return dict(returned)

    def _insert_names(self, table: str, column: str, owner_of: dict[str, int]) -> None:
        """Record names (aliases or domains) of outlets; a name already taken keeps its outlet."""
        if owner_of:
            self.con.execute(
                f"INSERT INTO {table} ({column}, outlet_id) "
                "SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]) ON CONFLICT DO NOTHING",
                [list(owner_of), list(owner_of.values())],
            )


_WORD = re.compile(r"[^\W_]+")


def _spaced_words(name: str) -> str:
    """' the eurasian times ' for "The EurAsian Times": words in a string that `in` matches whole."""
    return " " + " ".join(_WORD.findall(name.casefold())) + " "


@dataclass(frozen=True, eq=False)
class NewOutlet:
    """An outlet to register: its name, the registry it comes from, and what is known about it."""

    name: str
    registry: str
    domain: str | None = None
    agency: Agency | None = None
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    typology: str | None = None
    state_affiliated: bool | None = None


def ensure_registries(con: duckdb.DuckDBPyConnection, sources_file=None) -> None:
    """The shipped agencies and the sources of data/sources.toml, and of a crawl's `--sources` file, as
    outlets owning their sites' domains, before a command stores or reads by outlet (cheap,
    idempotent): a registered source is an outlet before its first page."""
    sources = [*load_sources(), *(load_sources(sources_file) if sources_file is not None else ())]
    with transaction(con):
        sync_registries(Outlets(con), load_agencies().agencies, sources)


def sync_registries(outlets: Outlets, agencies: list[Agency], sources: list[Source]) -> None:
    """Make every registered agency and source an outlet (idempotent; names already known are kept)."""
    by_name = {agency.name: agency for agency in agencies}
    outlets.add_many(
        [
            NewOutlet(
                agency.name,
                "agencies",
                agency=agency,
                aliases=agency.aliases,
                domains=agency.domains,
                domain=agency.domains[0] if agency.domains else None,
            )
            for agency in agencies
        ]
        + [
            NewOutlet(
                source.outlet,
                "sources",
                agency=by_name.get(source.outlet),
                domain=registered_domain(source.home) if source.home else None,
            )
            for source in sources
        ]
    )


#: The columns save_articles writes, in the order of its row tuples.
ARTICLE_COLUMNS = (
    "article_id", "url", "version", "previous_id", "outlet_id", "published_at", "first_seen_at",
    "title", "author", "text", "text_hash", "language", "sitename", "canonical_url", "warc_file",
    "warc_offset", "run_id",
)  # fmt: skip
CREDIT_COLUMNS = ("article_id", "agency", "role", "cue", "location", "run_id")


def save_articles(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    articles: list[Article],
    outlets: Outlets,
    file_rows: FileRows | None = None,
) -> SaveResult:
    """Store a batch of cleaned articles in one transaction: new URLs as version 1, changed text or
    credits as a new version, both identical as nothing new: such a version only gains a kind of date
    claim it lacked. Dates and credits are stored with each version. A row of an ingested file read
    before, or a WARC record, is nothing new either (see file_rows); `file_rows` carries what the run
    has read of its files from one batch to the next."""
    result = SaveResult()
    if not articles:
        return result
    file_rows = file_rows if file_rows is not None else FileRows()
    file_rows.start_batch()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    try:
        with transaction(con):
            latest, recorded = {}, set()
            words_of: dict[str, int] = {}  # URL -> words of its latest version
            for (
                url,
                version,
                digest,
                article_id,
                words,
                warc_file,
                offset,
                input_files,
                credited,
            ) in con.execute(
                load_query("store/stored_versions"), [sorted({a.url for a in articles})]
            ).fetchall():  # in version order: the last one of a URL is its latest
                content = (digest, tuple(credited))  # credits come sorted, as below
                latest[url] = (version, content, article_id)
                words_of[url] = words
                if warc_file:
                    recorded.add((url, _record_key(warc_file, offset), content))
                for name in input_files:
                    file_rows.hold(url, name, content)
            rows, dates, credits, input_records = [], [], [], []
            unchanged_dates: dict[int, list[DateCandidate]] = defaultdict(list)
            claims_of = stored_claims(con, [article_id for _, _, article_id in latest.values()])
            ids = iter(
                row[0]
                for row in con.execute(
                    "SELECT nextval('article_id_seq') FROM range(?)", [len(articles)]
                ).fetchall()
            )
            for article in articles:
                digest = text_hash(article.text)
                # what tells versions apart: the text's hash and its sorted 'agency/role' credits
                content = (digest, tuple(sorted({f"{c.agency}/{c.role}" for c in article.credits})))
                version, previous_content, previous_id = latest.get(article.url, (0, None, None))
                name = input_name(article.input_file)
                read_before = name is not None and file_rows.read(
                    article.input_file, name, article.url, content
                )
                if content == previous_content:
                    result.unchanged += 1
                    unchanged_dates[previous_id] += article.date_candidates
                    if name and not read_before:  # a row of files of this name held it too
                        file_rows.hold(article.url, name, content)
                        input_records.append((previous_id, name))
                    continue
                record_key = _record_key(article.warc_file, article.warc_offset)
                record = (article.url, record_key, content)
                if article.warc_file and record in recorded:  # an older version read again from its record
                    result.unchanged += 1
                    continue
                if read_before:
                    result.unchanged += 1
                    continue
                if is_stub_of(article.text, words_of.get(article.url)):
                    result.stubs += 1  # the stored version stands
                    continue
                article_id = next(ids)
                latest[article.url] = (version + 1, content, article_id)
                words_of[article.url] = len(article.text.split())
                if article.warc_file:
                    recorded.add(record)
                if name:
                    file_rows.hold(article.url, name, content)
                    input_records.append((article_id, name))
                if previous_id is not None:
                    article = inheriting(article, claims_of.get(previous_id, []))
                claims_of[article_id] = article.date_candidates
                if version:
                    result.new_versions += 1
                else:
                    result.new_articles += 1
                rows.append(
                    (
                        article_id,
                        article.url,
                        version + 1,
                        previous_id,
                        outlets.resolve(article.outlet, article.url),
                        utc_naive(article.published_at),
                        now,
                        article.title,
                        article.author,
                        article.text,
                        digest,
                        article.language,
                        article.sitename,
                        article.canonical_url,
                        article.warc_file,
                        article.warc_offset,
                        run_id,
                    )
                )
                seen_sources = set()
                for candidate in article.date_candidates:
                    if candidate.source not in seen_sources:
                        seen_sources.add(candidate.source)
                        dates.append((article_id, candidate.source, utc_naive(candidate.value)))
                seen_credits = set()
                for credit in article.credits:
                    if (credit.agency, credit.role) not in seen_credits:
                        seen_credits.add((credit.agency, credit.role))
                        credits.append(
                            (article_id, credit.agency, credit.role, credit.cue, credit.location, run_id)
                        )
            insert_rows(con, "articles", ARTICLE_COLUMNS, rows)
            insert_rows(con, "article_dates", ("article_id", "source", "value"), dates)
            insert_rows(con, "article_credits", CREDIT_COLUMNS, credits)
            insert_rows(con, "input_records", ("article_id", "input_file"), input_records)
            add_claims(con, unchanged_dates)  # a re-check's sitemap date for a page a feed gave none
    except BaseException:
        # ids it cached may have been rolled back; inside a caller's transaction (not rolled back
        # yet, perhaps aborted) the caller, which rolls back, discards `outlets` itself
        with contextlib.suppress(duckdb.Error):
            outlets.reload()
        raise
    return result


def add_listing_dates(con: duckdb.DuckDBPyConnection, dates: dict[str, list[DateCandidate]]) -> list[str]:
    """Add feed/sitemap date claims to the stored latest version of each URL and choose its
    publication time again, in one transaction. Returns the URLs found (the others are not stored yet).

    An article whose publication time changes after `link` judged it is judged again by the next
    link, and so is every article judged a copy of it: who copied whom may have turned round."""
    with transaction(con):
        latest = dict(con.execute(load_query("store/latest_ids"), [sorted(dates)]).fetchall())
        add_claims(con, {latest[url]: candidates for url, candidates in dates.items() if url in latest})
    return [url for url in dates if url in latest]


def _record_key(warc_file: str | None, offset: int | None) -> tuple[str, int | None]:
    """A WARC record by its file's name and offset: a crawl stores the name, an ingest the full path,
    and a file ingested again from another folder holds the same records."""
    return (os.path.basename(warc_file or ""), offset)
