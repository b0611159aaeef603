"""Answer time of the public relations and every named query on a linked synthetic corpus
(tests/bench/synth.py): what a researcher waits for at the prompt, through the Python API, plus
`export` and `report`. Each is timed three times; the median is printed, and the baseline is a bare
`count(*)` over `articles` in the same process (machines are noisy).

    PYTHONPATH=. /tmp/venv/bin/python tests/bench/bench_queries.py [N]   (default 100000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from link_helpers import Row, add_rows, open_db  # noqa: E402
from synth import METER, generate  # noqa: E402

from pipelines import api  # noqa: E402
from pipelines.link import link_articles  # noqa: E402
from pipelines.named_queries import named_queries  # noqa: E402
from pipelines.report import write_report  # noqa: E402


def timed(call, repeat: int = 3) -> tuple[float, object]:
    """Median seconds of `repeat` calls, and the last result."""
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def build(path: Path, n: int) -> None:
    items = generate(n)
    con = open_db(str(path))
    add_rows(con, [Row(i.url, i.outlet, i.published_at, i.text, agency=i.agency) for i in items], run_id=1)
    started = time.perf_counter()
    link_articles(con, 1)
    print(f"N={n}: {len(items)} articles stored and linked ({time.perf_counter() - started:.0f} s to link)")
    con.close()


def parameters(db: api.ProvenanceDB) -> dict[str, str]:
    """A widely copied story and its agency: the values a researcher would ask about."""
    url, agency, since = db.sql(
        "SELECT origin_url, origin_agency, min(published_at)::DATE::VARCHAR FROM article_origins "
        "WHERE origin_url IS NOT NULL AND origin_agency IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
    ).iloc[0]
    return {"url": url, "agency": agency, "since": since}


def main(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="provtrack-queries-") as tmp:
        path = Path(tmp) / "scale.duckdb"
        build(path, n)
        with duckdb.connect(str(path), read_only=True) as con:
            base, _ = timed(lambda: con.execute("SELECT count(*) FROM articles").fetchall())
            articles = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        db = api.open_db(path)
        given = parameters(db)
        print(f"   parameters: {given}")
        print(f"   baseline: count(*) over {articles} articles {base * 1000:.1f} ms (median of 3)")
        print(f"   {'what':<34} {'rows':>8} {'seconds':>8} {'x baseline':>11}")
        asks = [("article_origins (whole)", db.origins), ("credits (whole)", db.credits)]
        for name, query in sorted(named_queries().items()):
            asks.append((f"query {name}", lambda name=name, query=query: db.query(
                name, **{p: given[p] for p in query.parameters}
            )))  # fmt: skip
        asks.append(("export (two Parquet files)", lambda: db.export_parquet(Path(tmp) / "export")))
        with duckdb.connect(str(path), read_only=True) as con:
            asks.append(("report --out (HTML)", lambda: write_report(con, Path(tmp) / "report")))
            for what, ask in asks:
                seconds, result = timed(ask)
                size = len(result) if hasattr(result, "__len__") else "-"
                print(f"   {what:<34} {size:>8} {seconds:>8.2f} {seconds / base:>11.0f}", flush=True)


if __name__ == "__main__":
    if not METER.exists():
        print(f"skipped: {METER} not found")
        sys.exit(0)
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
