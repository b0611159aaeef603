"""The data dictionary documents every column a user can query, and the committed copy is current."""

from __future__ import annotations

from pipelines import PROJECT_ROOT
from pipelines.data_dictionary import relations, render_markdown
from pipelines.named_queries import named_queries
from pipelines.store import Database

DUMMY_PARAMS = {"url": "https://x.example/", "agency": "TASS", "since": "2026-01-01"}
BOOKKEEPING = {"schema_migrations"}  # created by the migration runner itself, documented in the README


def test_every_table_and_view_column_is_documented(tmp_db):
    documented = {r.name: r.columns for r in relations()}
    with Database(tmp_db).writer() as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall()
    missing = [
        f"{table}.{column}"
        for table, column in columns
        if table not in BOOKKEEPING and column not in documented.get(table, {})
    ]
    assert not missing, (
        f"undocumented columns: {', '.join(missing)} — add a '-- meaning' comment after the column "
        "in queries/schema/*.sql, or a '--   column   meaning' header line in the view"
    )


def test_every_named_query_documents_its_output_columns(tmp_db):
    documented = {r.name: r.columns for r in relations() if r.kind == "named query"}
    with Database(tmp_db).writer() as con:
        for query in named_queries().values():
            params = {p: DUMMY_PARAMS[p] for p in query.parameters}
            cursor = con.execute(query.sql, params or None)
            output = [d[0] for d in cursor.description]
            cursor.fetchall()
            missing = [c for c in output if c not in documented[query.name]]
            assert not missing, f"{query.path.name}: document {', '.join(missing)} in its header comment"


def test_the_committed_data_dictionary_is_current():
    committed = (PROJECT_ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), (
        "regenerate: python -m pipelines.data_dictionary > docs/data-dictionary.md"
    )


def _documented_examples() -> list[tuple[str, str]]:
    """(where, text) for the README and every command's --help."""
    import click

    from pipelines.cli import all_commands, cli

    texts = [("README.md", (PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))]
    with click.Context(cli) as ctx:
        for name, command in all_commands().items():
            subcommands = getattr(command, "commands", {}) or {"": command}
            for sub_name, sub in subcommands.items():
                texts.append((f"provtrack {name} {sub_name} --help".replace("  ", " "), sub.get_help(ctx)))
    return texts


def test_every_documented_named_query_exists_with_the_parameters_shown():
    """A researcher copies an example from the README or --help: a query name or -p parameter that does
    not exist ends their first try in a usage error."""
    import re

    queries = named_queries()
    checked = 0
    for where, text in _documented_examples():
        for example in re.findall(r"provtrack (?:--db \S+ )?query ([a-z_]+)(?![\w/.])((?: (?!#)\S+)*)", text):
            name, rest = example
            if name in ("select", "with", "from"):  # SQL, not a named query
                continue
            assert name in queries, f"{where}: `provtrack query {name}` is no named query"
            shown = set(re.findall(r"-p (\w+)=", rest))
            assert shown == set(queries[name].parameters), (
                f"{where}: `provtrack query {name}{rest}` passes {sorted(shown)}, "
                f"the query takes {sorted(queries[name].parameters)}"
            )
            checked += 1
    assert checked >= 5, f"only {checked} examples found: is the pattern still right?"
