"""Named queries: the .sql files directly in queries/, each opening with a comment that says what a
row is. `provtrack query NAME` runs one; parameters are bound ($name), never interpolated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipelines import QUERIES_DIR

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
#: `--` comment lines before a statement, the way queries/ files start
LEADING_COMMENTS = r"(?:\s*--[^\n]*\n)*"
#: a named query's parameter holding an article's URL: looked up as `provtrack explain` does
URL_PARAMETER = "url"
#: a named query's parameter holding an agency: any name or alias the registry knows
AGENCY_PARAMETER = "agency"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str  # first line of the header comment
    header: str  # the whole header comment
    sql: str
    parameters: tuple[str, ...]

    def misfits(self, given) -> tuple[list[str], list[str]]:
        """(parameters the query takes that are not given, names given that it does not take), for
        the command line and the Python API to say so in their own words."""
        return [p for p in self.parameters if p not in given], [p for p in given if p not in self.parameters]


def _parse(path: Path) -> NamedQuery:
    sql = path.read_text(encoding="utf-8")
    header_lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        header_lines.append(line[2:].strip())
    summary = header_lines[0] if header_lines else ""
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return NamedQuery(
        name=path.stem,
        path=path,
        summary=summary.split(":", 1)[-1].strip() if summary.startswith(path.stem) else summary,
        header="\n".join(header_lines),
        sql=sql,
        parameters=tuple(dict.fromkeys(_PARAM.findall(body))),
    )


def named_queries() -> dict[str, NamedQuery]:
    """Every named query by name."""
    return {path.stem: _parse(path) for path in sorted(QUERIES_DIR.glob("*.sql"))}


def looks_like_sql(text: str) -> bool:
    """A read-only statement, after any leading `--` comment lines (the way queries/ files start)."""
    return bool(
        re.match(
            LEADING_COMMENTS
            + r"\s*(select|with|from|pivot|unpivot|describe|show|summarize|explain|values)\b",
            text,
            re.I,
        )
    )


def bind_parameters(con, query: NamedQuery, params: dict[str, str]) -> dict[str, str]:
    """`params` for `query` as the database compares them: its article URL as stored (normalised, in
    the spelling stored: scheme, "www.", trailing slash; see store.articles.stored_url), its agency by
    canonical name (see stored_agency). Raises BadURL for a URL that is none."""
    from pipelines.store.articles import stored_url

    bound = dict(params)
    if URL_PARAMETER in query.parameters and isinstance(bound.get(URL_PARAMETER), str):
        bound[URL_PARAMETER] = stored_url(con, bound[URL_PARAMETER])
    if AGENCY_PARAMETER in query.parameters and isinstance(bound.get(AGENCY_PARAMETER), str):
        bound[AGENCY_PARAMETER] = stored_agency(con, bound[AGENCY_PARAMETER])
    return bound


def stored_agencies(con) -> list[str]:
    """The agency names the database holds (the registry's, and any an ingest or import added)."""
    return [
        n for (n,) in con.execute("SELECT DISTINCT agency FROM outlets WHERE agency IS NOT NULL").fetchall()
    ]


def stored_agency(con, name: str) -> str:
    """`name` as origin_agency holds it: an alias or full name of a registered agency is its canonical
    name, so that "ТАСС" or "TASS Russian News Agency" finds TASS's copies, where they found no rows.
    A name the database holds itself is kept (the queries compare it in any case); one nobody knows too,
    for the caller to say so."""
    from pipelines.registry import load_agencies

    if name.strip().casefold() in {n.casefold() for n in stored_agencies(con)}:
        return name.strip()
    known = load_agencies().lookup(name)
    return known.name if known else name
