"""URL normalisation and registered domains, so one article is one URL however it was linked."""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:
    import tldextract

# Query parameters that only say how a reader arrived; they never select a different article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "cmpid",
        "icid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "share",
        "smid",
        "smtyp",
        "cid",
        "xtor",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_campaign",
        "ito",
        "guccounter",
        "_ga",
        "igshid",
        "s_cid",
        "rss",
        "from",
        "src",
        "partner",
        "ncid",
        "cmp",
        "emc",
        "spm",
        "ysclid",  # Yandex marks every link followed from its pages
        "_openstat",
        "erid",  # a Russian advertising label
        "phpsessid",
        "jsessionid",
        "sessionid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__twitter", "_hs", "wt.")
#: a Java server's session id in the path ("/news/1.html;jsessionid=A1B2"): a new URL each visit
_PATH_SESSION = re.compile(r";jsessionid=[^/;?#]*", re.I)
# Names some sites also give the parameter that selects the article (news.php?cid=48213, ?cid=a1b2c3)
# or the page of a listing (?from=40): tracking only when the value reads as a word, with perhaps a
# number after a separator ("cid=nl_1206", "from=rss", "src=tw"). Dropped whatever their value, every
# article of such a site was one URL, and only the first stored; so was an id of letters and digits.
AMBIGUOUS_PARAMS = frozenset({"cid", "from", "src", "ref"})
_TRACKING_VALUE = re.compile(r"[a-z][a-z_.-]*(?:[_.-][0-9]+)?", re.I)


class BadURL(ValueError):
    """Not an absolute http(s) URL."""


def join_url(base: str, link: str) -> str:
    """urljoin, except that a link urljoin cannot read ("http://[::1/x") comes back as it is: then
    normalize_url rejects it with a message naming it, rather than one bad link of a feed or page
    raising in the middle of it and taking the rest of its links along."""
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def normalize_url(url: str) -> str:
    """The canonical spelling of an article URL: lower-case scheme and host, no default port,
    no fragment, no tracking parameters; raises BadURL for anything that is not absolute http(s)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"not a valid URL: {url[:200]!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise BadURL(f"not an absolute http(s) URL: {url[:200]!r}")
    host = _checked_host(parts.hostname.lower().rstrip("."), url)
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key.lower(), value)
    ]
    path = _PATH_SESSION.sub("", parts.path) or "/"
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


#: what no host name holds (a space, quotes, brackets, URL delimiters): "exa mple.com" was an outlet
_NOT_IN_HOST = re.compile(r"[\s<>\"'{}|\\^`%/?#@,;!$&()*+=\[\]]")


def _checked_host(host: str, url: str) -> str:
    """The host as a URL spells it: an IPv6 address inside its brackets (without them the address
    ran into the port, "2001:db8::1:8080", and the outlet was "2001"). Raises BadURL for a host no
    server can have."""
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise BadURL(f"not a valid host in {url[:200]!r}") from None
    if _NOT_IN_HOST.search(host):
        raise BadURL(f"not a valid host in {url[:200]!r}")
    return host


def _is_tracking(key: str, value: str) -> bool:
    if key in AMBIGUOUS_PARAMS:
        return _TRACKING_VALUE.fullmatch(value) is not None
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


@cache
def _extractor() -> tldextract.TLDExtract:
    """The public-suffix snapshot shipped with tldextract: no network, no cache directory. Imported
    on first use: tldextract brings requests, 0.15 s of start-up that `query` and `explain` of a
    stored URL never need."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url_or_host: str) -> str:
    """The domain an outlet registered ("bbc.co.uk" for news.bbc.co.uk). Hosts outside the public
    suffix list (IP addresses, the demo's *.example hosts) are returned whole, without "www.\""""
    host = url_or_host
    if "//" in url_or_host:
        host = urlsplit(url_or_host).hostname or ""
    elif host.startswith("["):  # an IPv6 address, perhaps with a port
        host = host[1:].split("]")[0]
    else:
        host = host.split(":")[0]
    host = host.lower().rstrip(".")
    if ":" in host:  # an IPv6 address is its own domain
        return host
    parts = _extractor()(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.")
