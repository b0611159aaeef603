"""`make demo`: serve the bundled sample news web (data/demo/web) on loopback, crawl it through its
feeds and sitemaps into a fresh database, link it, and print what provenance it found."""

from __future__ import annotations

from pathlib import Path

from pipelines import DATA_DIR

DEMO_WEB = DATA_DIR / "demo" / "web"
#: the demo sites as crawl sources, in the sources.toml format
DEMO_SOURCES = DATA_DIR / "demo" / "sources.toml"
#: the demo's own database, kept apart from data/provenance.duckdb (git-ignored like it)
DEMO_DB = DATA_DIR / "demo.duckdb"


def demo_crawl_settings(proxy: str) -> dict[str, str]:
    """Crawler settings for the sample web: every request through its loopback server, and no
    politeness delays (the server is ours). robots.txt is still obeyed."""
    return {
        "PROVTRACK_PROXY": proxy,
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "RETRY_TIMES": "0",
    }


def demo_hosts(root: Path = DEMO_WEB) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "sitemap.xml").is_file())
