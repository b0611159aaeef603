"""Files that people and scripts read (exports, --out, the report, crawl shards) appear whole or not at
all: a run killed, interrupted or out of disk halfway through leaves the previous file as it was."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_when_done(path: str | os.PathLike) -> Iterator[Path]:
    """Yields a hidden sibling of `path` to write; it becomes `path` only when the block ends without
    an exception (os.replace is atomic within one file system), and is removed otherwise."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
