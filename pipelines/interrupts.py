"""Ctrl-C and SIGTERM as a KeyboardInterrupt, except where one would break a worker pool.

The command line (cli.main) turns both signals into a KeyboardInterrupt wherever the main thread is:
the open transaction rolls back and the run is marked interrupted. Anywhere, that is, but between a
lock's acquire and the `with` that would release it. concurrent.futures pools share locks with their
manager thread, and an interrupt that landed there (in `submit`, in `Future.result`, in the at-fork
hooks of a worker's start) left the lock held: the manager thread waited for it for good, the
link's shutdown waited for the manager thread, and the writer lock stayed held, so every later cron
run exited 75. Code that talks to a pool does so inside `deferred()`: a signal there is remembered
and raised as the region ends."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}

#: set by the command line's SIGINT / SIGTERM handler (cli.main): any error after it comes of the
#: signal. DuckDB turns a KeyboardInterrupt raised while it runs Python code (reading a DataFrame)
#: into errors of its own, "std::bad_cast" among them.
STOP_SIGNALLED = threading.Event()

_depth = 0  # deferred() regions the main thread is in
_pending = False  # a signal came inside one


def stop_as_interrupt(signum, frame) -> None:
    """SIGINT / SIGTERM handler of the command line."""
    global _pending
    STOP_SIGNALLED.set()  # what fails from here on failed because of the signal
    if _depth:
        _pending = True
        return
    raise KeyboardInterrupt


def stop_pending() -> bool:
    """A signal came inside the current deferred() region (it is raised as the region ends)."""
    return _pending


@contextmanager
def deferred() -> Iterator[None]:
    """A region a stop signal does not cut: it is raised as a KeyboardInterrupt as the region ends.
    The signals are also blocked in the main thread meanwhile, so that a process forked here starts
    with them blocked and does not die of one before its initializer has chosen what they do (see
    workers.die_with_parent). Only the main thread runs signal handlers: elsewhere a no-op."""
    global _depth, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        _depth -= 1
        if _depth == 0 and _pending:
            _pending = False
            raise KeyboardInterrupt
