"""provtrack: media-source provenance tracker (stages as plain Python, the CLI, the Scrapy glue)."""

from pathlib import Path

__version__ = "0.2.6"

#: The checkout this package runs from: registries in data/, SQL in queries/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"
DATA_DIR = PROJECT_ROOT / "data"
#: The database every command and open_db() use unless told otherwise (--db, PROVTRACK_DB, a path).
DEFAULT_DB = DATA_DIR / "provenance.duckdb"
