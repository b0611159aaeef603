"""Named queries: the .sql files directly in queries/, each opening with a comment that says what a
row is. `provtrack query NAME` runs one; parameters are bound ($name), never interpolated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipelines import QUERIES_DIR

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str  # first line of the header comment
    header: str  # the whole header comment
    sql: str
    parameters: tuple[str, ...]


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
    return bool(
        re.match(r"\s*(select|with|from|pivot|unpivot|describe|show|summarize|explain|values)\b", text, re.I)
    )
