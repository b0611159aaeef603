"""Progress on a terminal, silence under cron: long work reports through one small interface."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def progress(description: str, total: int | None = None, enabled: bool | None = None):
    """Yields update(advance=1, **fields); draws a rich progress bar only when stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda advance=1, **fields: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    # on stderr, beside the error lines: stdout stays the command's answer, for a pipe or a file
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=total)

        def update(advance: int = 1, **fields) -> None:
            bar.update(task, advance=advance, **fields)

        yield update
