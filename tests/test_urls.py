"""URL normalisation: one article, one URL, however a feed or a reader linked it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.urls import BadURL, normalize_url, registered_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.COM/a/b?utm_source=x&id=3#top", "https://www.example.com/a/b?id=3"),
        ("http://example.com:80/x?fbclid=1&gclid=2", "http://example.com/x"),
        ("https://example.com:443/p", "https://example.com/p"),
        ("https://Example.com./a", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:8443/p?q=1&ref=rss", "https://example.com:8443/p?q=1"),
        ("https://example.com/a?cid=nl_1206&from=rss&src=tw", "https://example.com/a"),
        (
            "https://example.com/world/a.html?partner=rss&ncid=x&CMP=feed&WT.mc_id=RSS",
            "https://example.com/world/a.html",
        ),
        ("https://ria.example/a.html?ysclid=lq2x9&erid=2Vtzq", "https://ria.example/a.html"),
        ("https://example.com/news/1.html;jsessionid=A1B2C3?id=7", "https://example.com/news/1.html?id=7"),
    ],
)
def test_tracking_parameters_fragments_and_default_ports_are_dropped(raw, expected):
    assert normalize_url(raw) == expected


def test_a_parameter_named_like_tracking_but_numbered_selects_the_article_and_is_kept():
    """Some sites number their articles with ?cid= (or page listings with ?from=): dropped, every
    article of the site was one URL, and the crawl stored the first and skipped the rest as known."""
    first, second = (
        normalize_url("http://x.test/news.php?cid=48213"),
        normalize_url("http://x.test/news.php?cid=48214"),
    )
    assert first == "http://x.test/news.php?cid=48213" and first != second
    assert normalize_url("http://x.test/list?from=40&utm_source=rss") == "http://x.test/list?from=40"


@pytest.mark.parametrize("value", ["a1b2c3", "0f9e8d", "d4e5f6", "48213x"])
def test_a_parameter_named_like_tracking_holding_an_id_of_letters_and_digits_is_kept(value):
    """A CMS selecting its article by ?cid=a1b2c3: dropped, all its articles were one URL, and the crawl
    stored the first and skipped the rest as known, saying `ok`."""
    assert normalize_url(f"http://cms.test/view.php?cid={value}") == f"http://cms.test/view.php?cid={value}"


@pytest.mark.parametrize("value", ["rss", "tw", "nl_1206", "rss-feed", "homepage.top", "newsletter_12"])
def test_a_parameter_named_like_tracking_holding_a_word_is_dropped(value):
    assert normalize_url(f"http://x.test/a?cid={value}&src={value}") == "http://x.test/a"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ftp://x.com/a",
        "javascript:alert(1)",
        "/relative/path",
        "http://",
        "http://[::1",
        "https://exa mple.com/x",  # stored, with an outlet "exa mple.com"
        'https://exa"mple.com/x',
        "https://exa<mple.com/x",
        "http://[not:an:address]/x",
    ],
)
def test_non_http_urls_are_refused_with_a_clear_error(bad):
    with pytest.raises(BadURL):
        normalize_url(bad)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://www.tass.ru/a", "tass.ru"),
        ("http://sputnik-demo.example/n", "sputnik-demo.example"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("http://[2001:db8::1]:8080/news/1", "2001:db8::1"),
    ],
)
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


def test_an_ipv6_host_keeps_its_brackets():
    """Without them the address ran into the port ("http://2001:db8::1:8080/news/1", outlet "2001"),
    and explain could not read the URL it had stored."""
    url = normalize_url("http://[2001:DB8:0::1]:8080/news/1")
    assert url == "http://[2001:db8::1]:8080/news/1" and normalize_url(url) == url


@given(st.text(max_size=200))
def test_normalisation_never_fails_with_anything_but_bad_url(text):
    try:
        once = normalize_url(text)
    except BadURL:
        return
    assert normalize_url(once) == once, "normalising twice must change nothing"
