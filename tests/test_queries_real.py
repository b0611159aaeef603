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


def _parameters(con) -> dict[str, str]:
    """Values that exist in this database: its busiest agency, its longest chain."""
    agency, url = con.execute(
        "SELECT (SELECT origin_agency FROM article_origins WHERE origin_agency IS NOT NULL "
        "        AND credit_status IS DISTINCT FROM 'self' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1), "
        "       (SELECT article_url FROM article_origins ORDER BY hops DESC, article_url LIMIT 1)"
    ).fetchall()[0]
    return {"agency": agency, "since": "1990-01-01", "url": url}


@pytest.mark.parametrize("name", sorted(named_queries()))
@pytest.mark.parametrize("database", ["demo", "meter"])
def test_every_named_query_returns_rows_on_real_databases(name, database, request):
    db = request.getfixturevalue(database)
    query = named_queries()[name]
    con = duckdb.connect(str(db), read_only=True)
    try:
        params = {k: v for k, v in _parameters(con).items() if k in query.parameters}
        frame = con.execute(query.sql, params or None).df()
    finally:
        con.close()
    assert len(frame) > 0, f"{name} returned no rows on the {database} database (parameters {params})"
