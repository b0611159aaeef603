"""`provtrack report`: the HTML report renders in a real headless Chromium (graph, chains, charts, no
script errors, nothing fetched), and the queries behind it document every column they return."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines import PROJECT_ROOT, QUERIES_DIR
from pipelines.cli import cli
from pipelines.report import QUERIES, query_header
from tests.conftest import write_jsonl

ARTIFACTS = PROJECT_ROOT / "artifacts"
INSTALL_HINT = "install it with `apt-get update && apt-get install -y chromium` (Debian/Ubuntu)"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    pytest.skip(f"Chromium not found: the report test renders the page in a real browser; {INSTALL_HINT}")


def _chrome(binary: str, profile: Path, *args: str) -> str:
    done = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=45,
    )
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


def _cli(db: Path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(db), "--wait", "5", *args], catch_exceptions=False)
    assert result.exit_code == 0, f"provtrack {' '.join(args)} failed: {result.output}"
    return result


def _attr(dom: str, tag: str, name: str) -> str | None:
    opening = re.search(rf"<{tag}\b[^>]*>", dom)
    assert opening, f"no <{tag}> in the rendered DOM"
    found = re.search(rf'\s{name}(?:="([^"]*)")?', opening.group(0))
    return None if found is None else (found.group(1) or "")


def _render(tmp_path: Path, db: Path, name: str, screenshot: bool = False) -> tuple[str, str]:
    """(report html as written, DOM after Chromium ran its script); keeps a screenshot in artifacts/."""
    binary = _chromium()
    out = tmp_path / f"report-{name}"
    _cli(db, "report", "--out", str(out))
    page = out / "index.html"
    dom = _chrome(binary, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    if screenshot:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"report-{name}.png"
        shot.unlink(missing_ok=True)
        _chrome(
            binary, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,2000", page.as_uri()
        )
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"no screenshot at {shot}"
        shutil.copy(page, ARTIFACTS / f"report-{name}.html")
    return page.read_text(encoding="utf-8"), dom


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The bundled sample web, collected and linked by `provtrack demo` (served on loopback). In its own
    process: the demo runs Scrapy, whose reactor cannot be restarted within one test process."""
    db = tmp_path_factory.mktemp("report") / "demo.duckdb"
    command = [sys.executable, "-c", "from pipelines.cli import main; main()", "--db", str(db), "demo"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert done.returncode == 0, f"provtrack demo failed: {done.stderr[-2000:]}"
    return db


def _expected(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        pairs = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT outlet, origin_agency FROM article_origins "
            "WHERE origin_agency IS NOT NULL AND credit_status IS DISTINCT FROM 'self')"
        ).fetchall()
        stories = con.execute(
            "SELECT count(*) FROM (SELECT origin_url FROM article_origins WHERE origin_url "
            "IS NOT NULL GROUP BY 1 HAVING count(*) > 1)"
        ).fetchall()
        outlets = con.execute(
            "SELECT count(DISTINCT outlet) FROM article_origins WHERE published_at IS NOT NULL"
        ).fetchall()
        copies = con.execute(  # an outlet's copies of one origin story count once (copy_lags.sql)
            "SELECT count(DISTINCT (outlet, coalesce(origin_url, article_url))) FROM article_origins "
            "WHERE source_url IS NOT NULL AND credit_status IS DISTINCT FROM 'self'"
        ).fetchall()
    return {"pairs": pairs[0][0], "stories": stories[0][0], "outlets": outlets[0][0], "copies": copies[0][0]}


def test_report_renders_graph_chains_and_charts_in_chromium(tmp_path, demo_db):
    expected = _expected(demo_db)
    assert expected["pairs"] >= 3 and expected["stories"] >= 2, f"the demo web changed: {expected}"
    written, dom = _render(tmp_path, demo_db, "demo", screenshot=True)

    errors = _attr(dom, "html", "data-js-errors")
    assert errors is None, f"script errors: {errors}"
    assert _attr(dom, "body", "data-rendered") == "ok", "the report's script did not finish drawing"
    # (a) one ribbon group per outlet → agency pair, each naming its pair
    edges = re.findall(r'<g class="edge" data-outlet="([^"]*)" data-agency="([^"]*)"', dom)
    assert len(edges) == expected["pairs"], f"graph: {len(edges)} edges, data: {expected['pairs']} pairs"
    assert ("Baltic Ledger", "Sputnik") in edges and ("Morning Courier", "TASS") in edges
    assert dom.count('class="ribbon"') >= len(edges)
    # (b) one chain drawing per multi-article story, with a node per article and an arrow per hop
    chains = re.findall(r'<svg class="chain"[^>]*data-articles="(\d+)"', dom)
    assert len(chains) == expected["stories"]
    assert dom.count('class="chain-node"') == sum(int(n) for n in chains)
    assert dom.count('class="chain-link"') == sum(int(n) - 1 for n in chains)
    # (c) a dependence chart per outlet and a lag histogram holding every copy
    assert dom.count('<svg class="dependence"') == expected["outlets"]
    assert 'id="lag-svg"' in dom and f"over {expected['copies']} copies" in dom
    # (d) the tables, written by Python, so present without any script
    for name in QUERIES:
        assert f"id='table-{name}'" in written
    assert "Lukashenko: Belarus Has Deployed Russian S-400" in dom


def test_report_is_self_contained(tmp_path, demo_db):
    _cli(demo_db, "report", "--out", str(tmp_path / "out"))
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|iframe)\b[^>]*\ssrc=", page), "the report must inline everything"
    assert not re.search(r"<link\b[^>]*rel=.?stylesheet", page) and "@import" not in page
    styles = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    assert "url(" not in styles and not re.search(r"\bfetch\(|XMLHttpRequest|import\(", page)
    assert "default-src 'none'" in page, "the Content-Security-Policy keeps the page from fetching anything"


def test_report_header_counts_only_the_agencies_copies_trace_back_to(tmp_path, demo_db):
    """An agency whose own stories nobody copied (BelTA in the demo) is not one copies trace back to, and
    the agencies' own stories are no articles that trace back to them: counted, the header read "11
    articles trace back to 2 agencies" and "18% of those name the agency"."""
    _cli(demo_db, "report", "--out", str(tmp_path / "out"))
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    # hand-counted in data/demo/expected.jsonl: EurAsia Herald (credited) and Baltic Ledger (credits the
    # Herald) run Sputnik's story, Morning Courier (uncredited) and River City News (credited) TASS's
    assert "<b>4</b><span>articles trace back to 2 agencies</span>" in page
    assert "<b>50%</b><span>of those name the agency (2); 1 credit neither the origin nor a source" in page


def test_report_header_does_not_call_a_copy_naming_another_agency_one_naming_no_source(tmp_path):
    """A direct copy of TASS saying "Source: Reuters" is uncredited, but it names a source: the header
    said "1 name no source" of it (found by a researcher review)."""
    story = (
        "The volume of grain exported through the port of Novorossiysk rose by 14 percent in October, "
        "reaching 5.3 million tonnes, the port administration said on Friday. Wheat accounted for most of "
        "the shipments, followed by barley and maize, with Egypt, Turkey and Iran the largest buyers. The "
        "administration attributed the increase to favourable weather and to a new berth at the terminal."
    )
    rows = [
        {"url": "https://tass.com/economy/1", "text": story, "published_at": "2026-11-20T08:00:00Z"},
        {
            "url": "https://coastalwire.example/grain",
            "outlet": "Coastal Wire",
            "text": story + "\nSource: Reuters",
            "published_at": "2026-11-20T13:00:00Z",
        },
    ]
    db = tmp_path / "reuters.duckdb"
    _cli(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", rows)))
    _cli(db, "link")
    _cli(db, "report", "--out", str(tmp_path / "out"))
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "of those name the agency (0); 1 credit neither the origin nor a source on the way" in page
    assert "name no source" not in page


def test_report_on_a_database_without_links_explains_what_is_missing(tmp_path):
    db = tmp_path / "plain.duckdb"
    rows = [
        {
            "url": "https://herald.example/a",
            "outlet": "Herald",
            "published_at": "2026-11-02T10:00:00Z",
            "title": "Port reopens",
            "text": "The port reopened on Monday after a week of repairs, officials said.",
        }
    ]
    _cli(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", rows)))
    _, dom = _render(tmp_path, db, "plain")
    errors = _attr(dom, "html", "data-js-errors")
    assert errors is None, f"script errors: {errors}"
    assert _attr(dom, "body", "data-rendered") == "ok"
    assert _attr(dom, "body", "data-edges") == "0" and "No article traces back to an agency yet" in dom
    assert "No story is carried by more than one article yet" in dom
    assert dom.count('<svg class="dependence"') == 1


def test_report_on_an_agency_of_unknown_state_affiliation(tmp_path):
    """An agency outlet outside data/agencies.toml has no state flag: a NULL the report must show
    as unknown, not a crash (it was: pandas' NA is not JSON)."""
    from pipelines.link import link_articles
    from tests.link_helpers import Row, add_rows, open_db

    story = " ".join(f"The harbour board met on day {i} and approved the new cranes." for i in range(12))
    db = tmp_path / "unknown.duckdb"
    con = open_db(str(db))
    add_rows(
        con,
        [
            Row("https://wire.example/1", "Coast Wire", datetime(2026, 11, 2, 8), story, agency="Coast Wire"),
            Row("https://herald.example/1", "Herald", datetime(2026, 11, 2, 11), story),
        ],
    )
    link_articles(con, 1)
    con.close()
    _cli(db, "report", "--out", str(tmp_path / "out"))
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '"agency":"Coast Wire","agency_state":null' in page


@pytest.mark.parametrize("name", ["summary", *QUERIES])
def test_every_report_query_documents_each_column(name, demo_db):
    header = "\n".join(query_header(name))
    assert header.startswith(f"{name}: one row"), (
        f"queries/report/{name}.sql must open with '-- {name}: one row ...'"
    )
    with duckdb.connect(str(demo_db), read_only=True) as con:
        cursor = con.execute((QUERIES_DIR / "report" / f"{name}.sql").read_text())
        columns = [d[0] for d in cursor.description]
        cursor.fetchall()  # DuckDB 2 wants a result read to the end
    missing = [c for c in columns if not re.search(rf"^{c}\s", header, re.M)]
    assert not missing, f"queries/report/{name}.sql header lacks a line for column(s) {missing}"


def test_report_without_out_writes_beside_its_database(tmp_path):
    """DESIGN.md lists `provtrack report` alone; it was a usage error ("Missing option '--out'")."""
    db = tmp_path / "plain.duckdb"
    rows = [{"url": "https://herald.example/a", "outlet": "Herald", "text": "The port reopened on Monday."}]
    _cli(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", rows)))
    result = _cli(db, "report")
    written = tmp_path / "plain-report" / "index.html"
    assert written.is_file() and f"wrote {written}" in result.output


def test_report_out_naming_an_html_file_writes_that_file(tmp_path):
    """`--out report.html` made a folder of that name holding index.html."""
    db = tmp_path / "plain.duckdb"
    rows = [{"url": "https://herald.example/a", "outlet": "Herald", "text": "The port reopened on Monday."}]
    _cli(db, "ingest", str(write_jsonl(tmp_path / "rows.jsonl", rows)))
    page = tmp_path / "nightly" / "2026-12-07.html"
    result = _cli(db, "report", "--out", str(page))
    assert page.is_file() and f"wrote {page}" in result.output
    assert "<html" in page.read_text(encoding="utf-8").lower()
    folder = tmp_path / "as-folder"
    _cli(db, "report", "--out", str(folder))
    assert (folder / "index.html").is_file(), "any other name stays a folder"
