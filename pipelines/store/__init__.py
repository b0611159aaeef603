"""The only part of provtrack that talks to DuckDB: connections, migrations, runs and writes."""

from pipelines.store.db import (  # noqa: F401
    Database,
    DatabaseLocked,
    StoreError,
    load_query,
)
