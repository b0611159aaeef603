"""Shared fixtures. Tests are offline: sockets may only reach loopback."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines import PROJECT_ROOT
from pipelines.cli import cli

SHARED = PROJECT_ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
FIXTURES = Path(__file__).parent / "fixtures"

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in ("localhost", "::1") or self.family == socket.AF_UNIX
    ):
        raise RuntimeError(f"test tried to reach {host}: tests are offline (loopback only)")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


def need_corpora(*parts: str) -> Path:
    """Path under ../shared/corpora, or skip the test saying what is missing."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the real corpora live in ../shared/corpora beside the checkout")
    return path


@pytest.fixture
def tmp_db(tmp_path) -> Path:
    """Path of a fresh database file in a temporary folder (created on first write)."""
    return tmp_path / "test.duckdb"


@pytest.fixture
def run_cli(tmp_db):
    """Run provtrack with --db tmp_db; returns the click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, db: Path | None = None):
        return runner.invoke(cli, ["--db", str(db or tmp_db), "--wait", "2", *args], catch_exceptions=False)

    return run


def write_jsonl(path: Path, rows: list) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(row if isinstance(row, str) else json.dumps(row))
            handle.write("\n")
    return path
