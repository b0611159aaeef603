"""Every named query on two real databases: the bundled demo web (crawled by `provtrack demo`) and the
METER dev split (ingested and linked). Each must run and return rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import PROJECT_ROOT
from pipelines.named_queries import named_queries
from tests.conftest import CORPORA

PROVTRACK = [sys.executable, "-c", "from pipelines.cli import main; main()"]


def _provtrack(db: Path, *args: str) -> None:
    done = subprocess.run([*PROVTRACK, "--db", str(db), *args], capture_output=True, text=True, timeout=300,
                          cwd=PROJECT_ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    _provtrack(db, "demo")
    return db


@pytest.fixture(scope="module")
def meter(tmp_path_factory) -> Path:
    source = CORPORA / "meter" / "meter-dev.jsonl"
    if not source.exists():
        pytest.skip(f"{source} not found: the real corpora live in ../shared/corpora beside the checkout")
    db = tmp_path_factory.mktemp("meter") / "meter.duckdb"
    _provtrack(db, "ingest", str(source))
    _provtrack(db, "link")
    return db


def _parameters(con, query: str) -> dict[str, str]:
    """Values that exist in this database: its busiest agency, its longest chain (its last article;
    for story_spread, which walks forward, its first)."""
    agency, url, origin = con.execute(
        "SELECT (SELECT origin_agency FROM article_origins WHERE origin_agency IS NOT NULL "
        "        AND credit_status IS DISTINCT FROM 'self' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1), "
        "       (SELECT article_url FROM article_origins ORDER BY hops DESC, article_url LIMIT 1), "
        "       (SELECT origin_url FROM article_origins ORDER BY hops DESC, article_url LIMIT 1)"
    ).fetchall()[0]
    return {"agency": agency, "since": "1990-01-01", "url": origin if query == "story_spread" else url}


@pytest.mark.parametrize("name", sorted(named_queries()))
@pytest.mark.parametrize("database", ["demo", "meter"])
def test_every_named_query_returns_rows_on_real_databases(name, database, request):
    db = request.getfixturevalue(database)
    query = named_queries()[name]
    con = duckdb.connect(str(db), read_only=True)
    try:
        params = {k: v for k, v in _parameters(con, name).items() if k in query.parameters}
        frame = con.execute(query.sql, params or None).df()
    finally:
        con.close()
    assert len(frame) > 0, f"{name} returned no rows on the {database} database (parameters {params})"


def test_explain_on_the_seed_like_demo_story_shows_credit_chain_and_passages(demo):
    url = "http://eurasia-herald.example/news/2026/11/16/belarus-4th-nation-s400-air-defense.html"
    done = subprocess.run([*PROVTRACK, "--db", str(demo), "explain", url], capture_output=True, text=True,
                          timeout=60, cwd=PROJECT_ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "origin agency: Sputnik · hops 1" in out and "credit credited" in out
    assert "Sputnik      origin       footer    “Via: Sputnik News Agency”" in out, "the end-of-page credit"
    assert "BelTA        cited" in out, "the agency it quotes is cited, not its origin"
    chain = out.split("chain (newest first):")[1].split("credits on the page:")[0]
    assert "EurAsia Herald" in chain and "└─ Sputnik" in chain and "sputnik-demo.example" in chain
    assert "reused passages (containment" in out and "» Belarus has put Russian-made S-400" in out
    with duckdb.connect(str(demo), read_only=True) as con:
        cues = con.execute(
            "SELECT c.cue, a.text FROM credits c JOIN articles a ON a.url = c.article_url "
            "WHERE c.cue LIKE '…%'"
        ).fetchall()
    assert cues, "the demo has long credit lines, shown in part"
    for cue, text in cues:
        at = text.find(cue.strip("…"))
        assert at > 0 and text[at - 1].isspace(), f"a cue starts mid-word: {cue!r}"
        after = at + len(cue.strip("…"))
        assert after == len(text) or not text[after].isalnum(), f"a cue ends mid-word: {cue!r}"


def test_explain_shows_the_credit_to_the_outlet_a_story_was_taken_from(demo):
    # stored as http://; the https:// link a browser shows finds it too
    url = "https://baltic-ledger.example/news/2026/11/16/belarus-4th-nation-s400-air-defense.html"
    done = subprocess.run([*PROVTRACK, "--db", str(demo), "explain", url], capture_output=True, text=True,
                          timeout=60, cwd=PROJECT_ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "credit credits_intermediary" in done.stdout
    outlet_credit = done.stdout.split(
        "credit to the outlet it copied from (no agency, so not in `credits`):\n"
    )
    assert len(outlet_credit) == 2, done.stdout
    assert outlet_credit[1].splitlines()[0].split() == ["EurAsia", "Herald", "“Source:", "EurAsia", "Herald”"]
