"""Every read and write of the link stage: its batch, the fingerprint index, candidate pairs, texts,
metadata, and the reuse_links / chains verdicts. SQL lives in queries/link/*.sql."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from pipelines.store.db import load_query, rollback, transaction
from pipelines.wording import counted


def _with_ids(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> None:
    con.register("wanted_ids", pd.DataFrame({"article_id": pd.Series(list(ids), dtype="int64")}))


def unlinked(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Latest versions not yet linked: article_id, url, t, is_agency, agency."""
    return con.execute(load_query("link/unlinked")).df()


def unlinked_note(con: duckdb.DuckDBPyConnection) -> str | None:
    """One line for whoever reads answers from the database while the link stage has not judged every
    latest article version (None when it has): until then those articles' origins are only what their
    pages credit, and answers built on them look complete."""
    try:
        n = con.execute(load_query("link/unlinked_count")).fetchone()[0]
    except duckdb.CatalogException:  # made before link_state existed (migration 003), not written since
        return None
    if not n:
        return None
    articles = counted(n, "article is", "articles are")
    return (
        f"note: {articles} not linked yet: run `provtrack link` "
        "(until then their origins are what their pages credit)"
    )


def older_versions(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> list[int]:
    """Article ids of every older version of the URLs of `ids`."""
    _with_ids(con, ids)
    return [row[0] for row in con.execute(load_query("link/older_versions")).fetchall()]


def descendants(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> set[int]:
    """`ids` and every article whose stored chain runs through one of them."""
    _with_ids(con, ids)
    return {row[0] for row in con.execute(load_query("link/descendants")).fetchall()}


def clear(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the whole index and mark every article unjudged (rebuild); verdicts stay until replaced.
    One transaction: each statement on its own commits, and a rebuild killed between them left an
    empty index with every article still marked judged (later links found no source, and said ok)."""
    with transaction(con):
        con.execute(load_query("link/clear"))


def drop_unjudged(con: duckdb.DuckDBPyConnection) -> None:
    """After a complete rebuild: the verdicts of articles it did not judge."""
    con.execute(load_query("link/drop_unjudged"))


def index_sizes(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """article_id -> (n_tokens, n_fps) of judged articles, as link_state holds them."""
    _with_ids(con, ids)
    return {
        aid: (n_tokens, n_fps)
        for aid, n_tokens, n_fps in con.execute(load_query("link/index_sizes")).fetchall()
    }


def verdicts_of_other_rules(con: duckdb.DuckDBPyConnection, scheme: str) -> int:
    """Stored verdicts whose scheme is not `scheme` (made by an older provtrack)."""
    return con.execute(load_query("link/other_rules"), {"scheme": scheme}).fetchone()[0]


def unjudge(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> None:
    """Mark judged articles unjudged: the next link judges them again."""
    _with_ids(con, ids)
    con.execute(load_query("link/unjudge"))


def texts(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> dict[int, str]:
    """article_id -> text."""
    _with_ids(con, ids)
    return dict(con.execute(load_query("link/texts")).fetchall())


def meta(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> list[tuple]:
    """(article_id, t, is_agency, agency, [{agency, role}, ...], [outlet name, aliases, domains],
    [{agency, cue} cited, ...], legacy_dates) per id: queries/link/meta.sql says what each is."""
    _with_ids(con, ids)
    return con.execute(load_query("link/meta")).fetchall()


def replace_postings(con: duckdb.DuckDBPyConnection, drop_ids: Iterable[int], postings: pd.DataFrame) -> None:
    """Forget postings of `drop_ids`, then add `postings` (fp, article_id, t)."""
    _with_ids(con, drop_ids)
    con.execute(load_query("link/drop_postings"))
    con.register("new_postings", postings)
    con.execute(load_query("link/insert_postings"))
    con.unregister("new_postings")


@dataclass(frozen=True)
class CandidateRules:
    """Which fingerprints count, and how many make a candidate pair: the parameters of
    queries/link/candidates.sql and later_neighbours.sql (their headers say what each does)."""

    rare_df: int
    max_df: int
    common_share: float
    min_shared: int
    short_fps: int
    min_est: float


def candidates(
    con: duckdb.DuckDBPyConnection, ids: Iterable[int], *, window_s: int, rules: CandidateRules
) -> pd.DataFrame:
    """Pairs (target_id, other_id, shared) for the target ids, either direction in time."""
    _with_ids(con, ids)
    return con.execute(load_query("link/candidates"), {"window_s": window_s, **asdict(rules)}).df()


def later_neighbours(
    con: duckdb.DuckDBPyConnection, ids: Iterable[int], *, window_s: int, lead_s: int, rules: CandidateRules
) -> pd.DataFrame:
    """Pairs (target_id, other_id): judged versions that may have copied a batch text published before
    them (queries/link/later_neighbours.sql). None when nothing outside the batch was judged yet."""
    if not con.execute("SELECT EXISTS (SELECT 1 FROM link_state)").fetchall()[0][0]:
        return pd.DataFrame({"target_id": [], "other_id": []}, dtype="int64")
    _with_ids(con, ids)
    params = {"window_s": window_s, "lead_s": lead_s, **asdict(rules)}
    return con.execute(load_query("link/later_neighbours"), params).df()


def chains_of(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> list[tuple]:
    """Stored chains rows (column order of the chains dataclass) for ids judged earlier."""
    _with_ids(con, ids)
    return con.execute(load_query("link/chains_of")).fetchall()


def write_results(
    con: duckdb.DuckDBPyConnection, chains: pd.DataFrame, links: pd.DataFrame, state: pd.DataFrame
) -> None:
    """Replace the verdicts of the articles in `state`, in one transaction."""
    con.register("new_chains", chains)
    con.register("new_links", links)
    con.register("new_state", state)
    try:
        con.execute("BEGIN TRANSACTION")
        own = True
    except duckdb.TransactionException:  # the caller already holds one
        own = False
    try:
        con.execute(load_query("link/write_results"))
        if own:
            con.execute("COMMIT")
    except Exception:
        if own:
            rollback(con)
        raise
    finally:
        for name in ("new_chains", "new_links", "new_state"):
            con.unregister(name)
