"""`make demo`: serve the bundled sample news web (data/demo/web) on loopback, run the main job
over it into a fresh database, and print what provenance it found."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from pipelines import DATA_DIR
from pipelines.clean import parse_datetime
from pipelines.models import DateCandidate, Page

DEMO_WEB = DATA_DIR / "demo" / "web"
DEMO_SOURCES = DATA_DIR / "demo" / "sources.toml"  # the demo sites as outlets, in the sources.toml format
_SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
               "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def sitemap_pages(proxy: str, host: str) -> list[Page]:
    """Every article a host's sitemap lists, fetched through the sample web's proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
    with opener.open(f"http://{host}/sitemap.xml", timeout=10) as response:
        root = ET.fromstring(response.read())
    pages = []
    for entry in root.findall("sm:url", _SITEMAP_NS):
        url = entry.findtext("sm:loc", namespaces=_SITEMAP_NS).strip()
        with opener.open(url, timeout=10) as response:
            html = response.read().decode("utf-8", errors="replace")
        dates = []
        published = parse_datetime(entry.findtext("news:news/news:publication_date", namespaces=_SITEMAP_NS))
        if published:
            dates.append(DateCandidate("sitemap", published))
        pages.append(Page(url=url, html=html, date_candidates=dates))
    return pages


def demo_hosts(root: Path = DEMO_WEB) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "sitemap.xml").is_file())
