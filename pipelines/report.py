"""`provtrack report`: one self-contained HTML file (no network at view time) with the outlet → agency
graph, the story chains, dependence over time, copy lags and the tables behind them (queries/report/)."""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import QUERIES_DIR, __version__
from pipelines.files import replaced_when_done
from pipelines.store.db import load_query

ASSETS = Path(__file__).with_name("report_assets")
#: The report's queries, in the order their tables appear.
QUERIES = ("agency_edges", "story_chains", "weekly_dependence", "copy_lags")
MAX_TABLE_ROWS = 2000  # a longer table is cut (and says so); the .sql file gives the whole of it
MAX_CHAIN_STORIES = 150  # the largest stories get a drawing; every story stays in the table

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_URL_COLUMNS = re.compile(r"(^|_)url$")


@dataclass(frozen=True)
class ReportSummary:
    """What `write_report` wrote: the file and how many of each drawing it holds."""

    path: Path
    edges: int  # outlet → agency pairs in the graph
    stories: int  # multi-article stories (drawn: min(stories, MAX_CHAIN_STORIES))
    outlets: int  # outlets with a dependence chart
    copies: int  # copies with a known lag


def collect_report(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every report query's rows by name, plus the one-row `summary`, all from one snapshot: a crawl
    committing meanwhile cannot make the summary disagree with the drawings."""
    frames = {}
    con.execute("BEGIN TRANSACTION")
    for name in ("summary", *QUERIES):
        frames[name] = con.execute(load_query(f"report/{name}")).df()  # read fully before the next one
    con.execute("COMMIT")
    weeks = frames["weekly_dependence"]["week"]
    frames["weekly_dependence"]["week"] = pd.to_datetime(weeks).dt.date  # DATE, not a midnight timestamp
    return frames


def write_report(
    con: duckdb.DuckDBPyConnection, out_dir: Path, title: str = "provtrack report", name: str = "index.html"
) -> ReportSummary:
    """Write out_dir/<name> (index.html) from the database behind `con`: one self-contained page."""
    frames = collect_report(con)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    with replaced_when_done(path) as partial:
        partial.write_text(render_report(frames, title=title), encoding="utf-8")
    lags = frames["copy_lags"]["hours_after_source"].notna().sum()
    return ReportSummary(
        path=path,
        edges=len(frames["agency_edges"]),
        stories=frames["story_chains"]["story_url"].nunique(),
        outlets=frames["weekly_dependence"]["outlet"].nunique(),
        copies=int(lags),
    )


def render_report(
    frames: dict[str, pd.DataFrame], title: str = "provtrack report", generated_at: datetime | None = None
) -> str:
    """The report page as one HTML string: CSS, JS and data inline."""
    generated_at = generated_at or datetime.now(timezone.utc)
    values = {
        "title": html.escape(title),
        "style": (ASSETS / "report.css").read_text(encoding="utf-8"),
        "script": (ASSETS / "report.js").read_text(encoding="utf-8"),
        "data": _script_json(chart_data(frames)),
        "summary": _summary_html(frames["summary"]),
        "tables": "\n".join(_table_section(name, frames[name]) for name in QUERIES),
        "generated": html.escape(f"{generated_at:%Y-%m-%d %H:%M} UTC · provtrack {__version__}"),
    }
    template = (ASSETS / "report.html").read_text(encoding="utf-8")
    # one pass over the template only, so nothing inside the inserted CSS/JS/data is ever substituted
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def chart_data(frames: dict[str, pd.DataFrame]) -> dict:
    """The plain values the page's script draws from (only the columns each drawing needs)."""
    chains = frames["story_chains"]
    lags = frames["copy_lags"]
    known = lags[lags["hours_after_source"].notna()]
    return {
        "edges": _records(frames["agency_edges"]),
        "stories": _stories(chains, MAX_CHAIN_STORIES),
        "stories_total": int(chains["story_url"].nunique()),
        "weekly": _records(frames["weekly_dependence"]),
        "lags": [
            [float(h), _plain(s) or "unknown"]
            for h, s in zip(known["hours_after_source"], known["credit_status"], strict=True)
        ],
        "lags_missing": int(len(lags) - len(known)),
    }


def _stories(chains: pd.DataFrame, limit: int) -> list[dict]:
    stories = []
    for url, rows in chains.groupby("story_url", sort=False):  # the query orders stories largest first
        if len(stories) >= limit:
            break
        first = _records(rows.head(1))[0]
        stories.append(
            {
                "url": url,
                "title": first["story_title"],
                "outlet": first["story_outlet"],
                "agency": first["story_agency"],
                "started": first["story_started_at"],
                "articles": [
                    {
                        "url": r["article_url"],
                        "outlet": r["outlet"],
                        "published": r["published_at"],
                        "hops": r["hops"],
                        "source": r["source_url"],
                        "status": r["credit_status"],
                        "derivation": r["derivation"],
                        "reuse": r["reuse_score"],
                        "lag_source": r["hours_after_source"],
                        "lag_origin": r["hours_after_origin"],
                    }
                    for r in _records(rows)
                ],
            }
        )
    return stories


def _plain(value):
    """A JSON-ready Python value: NaN/NaT/NA → None, timestamps as 'YYYY-MM-DD HH:MM', numpy → Python.
    (NA is how pandas holds a NULL in a nullable column: a boolean such as agency_state.)"""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = list(frame.columns)
    rows = frame.itertuples(index=False, name=None)
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def _script_json(data: dict) -> str:
    # inside <script>, "<" could close the element: escape it (and & >) as JSON unicode escapes
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _summary_html(summary: pd.DataFrame) -> str:
    row = _records(summary)[0] if len(summary) else {}
    if not row.get("articles"):
        return (
            "<p class='lead'>The database holds no articles yet: run <code>provtrack ingest</code> or "
            "<code>provtrack crawl</code>, then <code>provtrack link</code>.</p>"
        )
    span = f"{(row['first_published'] or '?')[:10]} – {(row['last_published'] or '?')[:10]}"
    from_agency = row["from_agency"] or 0
    credited = f"{row['credited'] / from_agency:.0%}" if from_agency else "–"
    facts = [
        (f"{row['articles']:,}", f"articles from {row['outlets']:,} outlets, {span}"),
        (f"{from_agency:,}", f"articles trace back to {row['agencies']:,} agencies"),
        # 'uncredited' includes a direct copy naming another agency ("Source: Reuters" on TASS's text):
        # such a page names a source, just not one its story passed through
        (
            credited,
            f"of those name the agency ({row['credited']:,}); {row['uncredited']:,} credit neither "
            "the origin nor a source on the way",
        ),
        (f"{row['copies']:,}", "copies of another article"),
    ]
    cells = "".join(
        f"<div class='fact'><b>{html.escape(big)}</b><span>{html.escape(small)}</span></div>"
        for big, small in facts
    )
    return f"<div class='facts'>{cells}</div>"


def query_header(name: str) -> list[str]:
    """The header comment of queries/report/<name>.sql, one string per line, '--' stripped."""
    lines = []
    for line in (QUERIES_DIR / "report" / f"{name}.sql").read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return lines


def _table_section(name: str, frame: pd.DataFrame) -> str:
    header = query_header(name)
    # the prose of the header, not its column list ("name   meaning")
    what = " ".join(line for line in header if not re.match(r"\w+\s{2,}", line))
    what = what.split(":", 1)[-1].strip() if what.startswith(name) else what
    shown = frame.head(MAX_TABLE_ROWS)
    cut = ""
    if len(frame) > len(shown):
        cut = f" Showing the first {len(shown):,} of {len(frame):,} rows; `provtrack query FILE` gives all."
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "\n".join(
        "<tr>" + "".join(_cell(c, v) for c, v in row.items()) + "</tr>" for row in _records(shown)
    )
    if not len(shown):
        body = f"<tr><td colspan='{len(shown.columns)}' class='empty'>no rows</td></tr>"
    return (
        f"<details class='table' id='table-{name}'{' open' if name == 'agency_edges' else ''}>"
        f"<summary><code>{name}</code> · {len(frame):,} rows</summary>"
        f"<p class='note'>{html.escape(what)} <span class='src'>queries/report/{name}.sql</span>"
        f"{html.escape(cut)}</p><div class='scroll'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>\n{body}\n</tbody></table></div></details>"
    )


def _cell(column: str, value) -> str:
    if value is None:
        return "<td class='null'></td>"
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, float)):
        shown = f"{value:,}" if isinstance(value, int) else f"{value:.3f}".rstrip("0").rstrip(".")
        return f"<td class='num'>{shown}</td>"
    text = html.escape(str(value))
    if _URL_COLUMNS.search(column) and re.match(r"https?://", str(value)):
        return f"<td class='url'><a href='{text}' title='{text}'>{text}</a></td>"
    return f"<td>{text}</td>"
