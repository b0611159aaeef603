"""Shared fixtures. Tests are offline: sockets may only reach loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines import PROJECT_ROOT
from pipelines.cli import cli

SHARED = PROJECT_ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
FIXTURES = Path(__file__).parent / "fixtures"

# Every provtrack a test starts (crawls run in processes of their own) runs this tree's code, whichever
# checkout the environment's `provtrack` script was installed from, and finds tests.fixtures.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))

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


def unused_port() -> int:
    """A loopback port nothing listens on (the kernel's pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


PROVTRACK = str(Path(sys.executable).with_name("provtrack"))


@dataclass
class TerminalRun:
    """A provtrack run with one stream on a terminal: what the terminal showed, and the other stream."""

    returncode: int
    screen: str  # what reached the terminal, escape codes included
    other: str  # the stream that was piped


def on_terminal(*args: str, stream: str = "stdout", timeout: float = 120) -> TerminalRun:
    """Run `provtrack ARGS` with `stream` ("stdout" or "stderr") on a pseudo-terminal and the other
    piped, as a researcher at a terminal sees it."""
    screen, terminal = os.openpty()
    streams = {"stdout": terminal, "stderr": subprocess.PIPE} if stream == "stdout" else {
        "stdout": subprocess.PIPE, "stderr": terminal
    }  # fmt: skip
    process = subprocess.Popen([PROVTRACK, *args], cwd=PROJECT_ROOT, text=True, **streams)
    os.close(terminal)
    shown = []
    reader = threading.Thread(target=lambda: shown.append(_read_all(screen)))
    reader.start()
    out, err = process.communicate(timeout=timeout)
    reader.join(timeout=10)
    return TerminalRun(process.returncode, shown[0], err if stream == "stdout" else out)


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")
