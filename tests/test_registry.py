"""The shipped registries: every agency a user names resolves, aliases never collide, bad files say where."""

from __future__ import annotations

import re
import sys
from collections import defaultdict

import pytest

from pipelines import DATA_DIR
from pipelines.registry import (
    OWNERSHIP_KINDS,
    RegistryError,
    load_agencies,
    load_sources,
    parse_agencies,
    parse_sources,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Agencies users asked for by name, with the spellings pages actually use (issue list).
NAMED_AGENCIES = {
    "TASS": ["ТАСС", "ITAR-TASS", "ИТАР-ТАСС", "tass"],
    "RIA Novosti": ["РИА Новости", 'РИА "Новости"', "RIA"],
    "Sputnik": ["Спутник", "Sputnik News Agency"],
    "BelTA": ["БелТА", "БЕЛТА", "Belta"],
    "Xinhua": ["新华社", "新华网", "Xinhua News Agency"],
    "AFP": ["Agence France-Presse", "Agence France Presse"],
    "AP": ["Associated Press", "The Associated Press"],
    "Reuters": ["Thomson Reuters", "Рейтер", "Reuters Staff"],
    "PA": ["Press Association", "PA Media", "PA News"],
    "Anadolu": ["Anadolu Agency", "Anadolu Ajansı", "AA"],
    "dpa": ["Deutsche Presse-Agentur", "DPA"],
    "EFE": ["Agencia EFE"],
    "ANSA": ["ANSA"],
    "Kyodo": ["共同通信"],
    "Yonhap": ["연합뉴스"],
    "Interfax": ["Интерфакс"],
    "Ukrinform": ["Укрінформ"],
    "UNIAN": ["УНІАН"],
    "IRNA": ["IRNA"],
    "PTI": ["Press Trust of India"],
    "ANI": ["Asian News International"],
    "IANS": ["IANS"],
    "UNI": ["UNI"],
    "Bernama": ["Bernama"],
    "Antara": ["Antara"],
    "KNA": ["Katholische Nachrichten-Agentur"],
    "epd": ["epd"],
    "APA": ["Austria Presse Agentur"],
    "Keystone-SDA": ["SDA", "ATS"],
    "CNA": ["中央社"],
    "China News Service": ["中新社"],
}

# Canonical names the credit-labelling guide and the labelled dev corpus use; the credits stage emits them.
CREDIT_CANONICAL_NAMES = [
    "Reuters",
    "AP",
    "AFP",
    "dpa",
    "EFE",
    "ANSA",
    "Kyodo",
    "Yonhap",
    "Xinhua",
    "TASS",
    "RIA Novosti",
    "Sputnik",
    "Interfax",
    "BelTA",
    "Anadolu",
    "PTI",
    "ANI",
    "IANS",
    "UNI",
    "Ukrinform",
    "UNIAN",
    "IRNA",
    "Bernama",
    "Antara",
    "KNA",
    "epd",
    "APA",
    "Keystone-SDA",
    "Bloomberg",
    "PA",
    "CNA",
    "NTB",
    "TT",
    "Ritzau",
    "ANP",
    "Belga",
    "Lusa",
    "Europa Press",
    "Agencia Brasil",
    "EPA",
    "WAFA",
    "AAP",
    "SID",
    "Newsis",
    "News1",
    "Ruptly",
    "Canadian Press",
    "NNA",
    "ČTK",
    "AWP",
    "KCNA",
    "PAP",
]


def _shipped_agency_entries() -> list[dict]:
    # Read the file directly: the registry's own index keeps the first agency for a clashing alias and
    # would hide the clash this test looks for.
    return tomllib.loads((DATA_DIR / "agencies.toml").read_text(encoding="utf-8"))["agency"]


def test_shipped_registry_knows_at_least_60_agencies():
    assert len(load_agencies()) >= 60


@pytest.mark.parametrize(
    ("canonical", "alias"),
    [(name, alias) for name, aliases in NAMED_AGENCIES.items() for alias in [name, *aliases]],
)
def test_named_agency_resolves_by_each_alias(canonical, alias):
    agency = load_agencies().lookup(alias)
    assert agency is not None, f"{alias!r} is unknown: add it to {canonical!r}'s aliases (data/agencies.toml)"
    assert agency.name == canonical, f"{alias!r} resolves to {agency.name!r}, expected {canonical!r}"


@pytest.mark.parametrize("name", CREDIT_CANONICAL_NAMES)
def test_credit_canonical_names_are_agency_names(name):
    agency = load_agencies().lookup(name)
    assert agency is not None and agency.name == name, (
        f"credits use {name!r} as a canonical name: data/agencies.toml needs an agency with name = {name!r}"
    )


def test_lookup_ignores_case_and_surrounding_space():
    assert load_agencies().lookup("  reuters staff ").name == "Reuters"


def test_lookup_knows_full_names_and_closest_names_the_agency_a_misspelling_means():
    """For `query -p agency=...`: a full name is a name to look up, and a hint for a misspelt one came
    from the canonical names alone ("Sputnik News Agency": did you mean Cyprus News Agency?)."""
    registry = load_agencies()
    assert registry.lookup("Ukrainian Independent Information Agency").name == "UNIAN"
    assert registry.closest("Sputnik Newz Agency").name == "Sputnik"
    assert registry.closest("Tass News Agency").name == "TASS", "not Tasnim News Agency"
    assert registry.closest("Nowhere Wire") is None


def test_no_alias_belongs_to_two_agencies():
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in _shipped_agency_entries():
        for key in (entry["name"], *entry.get("aliases", [])):
            owners[key.strip().casefold()].add(entry["name"])
    clashes = {key: sorted(names) for key, names in owners.items() if len(names) > 1}
    assert not clashes, f"aliases on several agencies (keep each on one, say why in a comment): {clashes}"


def test_canonical_names_are_unique():
    names = [entry["name"] for entry in _shipped_agency_entries()]
    assert len(names) == len(set(names))


def test_every_domain_resolves_to_its_agency():
    registry = load_agencies()
    for agency in registry:
        for domain in agency.domains:
            assert domain == domain.lower() and "/" not in domain and not domain.startswith("www."), (
                f"{agency.name}: write {domain!r} as a bare registered domain such as 'tass.ru'"
            )
            found = registry.for_domain(domain)
            assert found is not None and found.name == agency.name, (
                f"{domain} resolves to {found and found.name!r}, expected {agency.name!r} (listed twice?)"
            )


def test_state_agency_sites_are_known():
    registry = load_agencies()
    for domain, name in [
        ("tass.ru", "TASS"),
        ("ria.ru", "RIA Novosti"),
        ("sputnikglobe.com", "Sputnik"),
        ("belta.by", "BelTA"),
        ("news.cn", "Xinhua"),
        ("apnews.com", "AP"),
    ]:
        assert registry.for_domain(domain).name == name


def test_every_agency_has_valid_ownership_and_country():
    for agency in load_agencies():
        assert agency.ownership in OWNERSHIP_KINDS, f"{agency.name}: ownership {agency.ownership!r}"
        assert len(agency.country) == 2 and agency.country.isupper(), (
            f"{agency.name}: country must be an ISO 3166-1 alpha-2 code, got {agency.country!r}"
        )
        assert agency.domains, f"{agency.name}: list at least one domain of its own site"


def test_state_agencies_are_flagged():
    registry = load_agencies()
    for name in ["TASS", "RIA Novosti", "Sputnik", "BelTA", "Xinhua", "IRNA", "KCNA"]:
        assert registry.lookup(name).state_affiliated, name
    for name in ["Reuters", "AP", "dpa"]:
        assert not registry.lookup(name).state_affiliated, name


def test_sources_name_agencies_by_their_canonical_name():
    registry = load_agencies()
    sources = load_sources()
    assert len({source.name for source in sources}) == len(sources), "source names must be unique"
    for source in sources:
        agency = registry.lookup(source.outlet)
        if agency is not None:
            assert source.outlet == agency.name, (
                f"source {source.name!r}: outlet {source.outlet!r} is an agency; write it as {agency.name!r}"
            )
        for name in source.republishes:
            assert registry.lookup(name) is not None and registry.lookup(name).name == name, (
                f"source {source.name!r}: republishes {name!r}, which is not a canonical agency name"
            )
        assert source.feeds or source.sitemaps or source.home, f"source {source.name!r} has nowhere to crawl"


def test_agency_sites_are_in_the_default_crawl():
    crawled = {source.outlet for source in load_sources()}
    for name in ["TASS", "RIA Novosti", "Sputnik", "BelTA", "Xinhua", "AFP", "AP", "Reuters"]:
        assert name in crawled, f"data/sources.toml has no source with outlet = {name!r}"


BAD_OWNERSHIP = """
[[agency]]
name = "Fine"
country = "FR"
ownership = "public"
state_affiliated = false

[[agency]]
name = "Broken Wire"
country = "XX"
ownership = "government"
state_affiliated = true
"""


def test_bad_ownership_error_names_the_agency():
    with pytest.raises(RegistryError, match="Broken Wire") as info:
        parse_agencies(BAD_OWNERSHIP, where="my.toml")
    assert "my.toml" in str(info.value) and "ownership" in str(info.value)


def test_missing_field_error_names_the_agency_and_field():
    text = '[[agency]]\nname = "No Country"\nownership = "state"\nstate_affiliated = true\n'
    with pytest.raises(RegistryError, match="No Country.*'country'"):
        parse_agencies(text)


def test_nameless_entry_error_gives_its_position():
    text = BAD_OWNERSHIP.replace('name = "Broken Wire"\n', "")
    with pytest.raises(RegistryError, match="agency #2.*'name'"):
        parse_agencies(text)


def test_a_misspelt_agency_key_is_named_not_skipped():
    good = '[[agency]]\nname = "Wire"\ncountry = "GB"\nownership = "private"\nstate_affiliated = false\n'
    assert [a.name for a in parse_agencies(good)] == ["Wire"]
    with pytest.raises(
        RegistryError, match=re.escape("agency 'Wire': unknown key 'alias' (did you mean 'aliases'")
    ):
        parse_agencies(good + 'alias = ["W"]\n')


def test_invalid_toml_is_a_registry_error():
    with pytest.raises(RegistryError, match="not valid TOML"):
        parse_agencies('[[agency]]\nname = "Unclosed\n')


GOOD_SOURCE = '[[source]]\nname = "herald"\noutlet = "Herald"\nfeeds = ["https://herald.example/rss.xml"]\n'


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda t: "source = 5\n", "must be [[source]] tables"),
        (lambda t: 'source = {name = "a"}\n', "must be [[source]] tables"),
        (lambda t: t.replace('["https://herald.example/rss.xml"]', '"https://herald.example/rss.xml"'),
         "source 'herald': feeds must be a list of text"),
        (lambda t: t.replace("https://herald.example/rss.xml", "not a url"),
         "source 'herald': feeds 'not a url' is not an absolute http(s) URL"),
        (lambda t: t.replace('outlet = "Herald"', "outlet = 5"), "source 'herald': outlet must be text"),
        (lambda t: t + 'republishes = "Sputnik"\n', "source 'herald': republishes must be a list of text"),
        (lambda t: t + 'verified = "false"\n', "source 'herald': verified must be true or false"),
        (lambda t: t + t, "source 'herald' is defined twice"),
        # a misspelt key left a source with nothing to crawl, "ok" with 0 articles every hour
        (lambda t: t.replace("feeds =", "feed ="),
         "source 'herald': unknown key 'feed' (did you mean 'feeds'?)"),
        (lambda t: t.replace("[[source]]", "[[sources]]"), "unknown key 'sources' (did you mean 'source'?)"),
        (lambda t: t.replace('feeds = ["https://herald.example/rss.xml"]', "feeds = []"),
         "source 'herald': nothing to crawl; give it feeds, sitemaps or a home page"),
    ],
)  # fmt: skip
def test_a_sources_file_entry_of_the_wrong_shape_is_named_not_misread(edit, says):
    """`feeds = "http://..."` was read as a list of its characters, `verified = "false"` as true, a
    second entry of one name silently dropped, and `outlet = 5` failed the crawl after fetching."""
    assert [s.name for s in parse_sources(GOOD_SOURCE)] == ["herald"]
    with pytest.raises(RegistryError, match=re.escape(says)) as info:
        parse_sources(edit(GOOD_SOURCE), where="mine.toml")
    assert str(info.value).startswith("mine.toml")


def test_a_bad_sources_file_stops_the_crawl_before_it_fetches_in_one_line(tmp_path, run_cli):
    sources = tmp_path / "mine.toml"
    sources.write_text(GOOD_SOURCE.replace('outlet = "Herald"', "outlet = 5"), encoding="utf-8")
    result = run_cli("crawl", "--sources", str(sources))
    assert result.exit_code == 2, result.stderr
    assert (
        result.stderr.strip().splitlines()[-1]
        == f"Error: {sources} source 'herald': outlet must be text, as in outlet = \"...\""
    )
    latin = tmp_path / "latin.toml"
    latin.write_bytes(GOOD_SOURCE.replace("Herald", "Hérald").encode("latin-1"))
    result = run_cli("crawl", "--sources", str(latin))
    assert result.exit_code == 2 and f"{latin}: not UTF-8 text" in result.stderr
