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

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _Flag:
    """threading.Event's set / is_set without its lock: a signal handler that takes a lock waits for
    ever when a second signal (`timeout` signals the command, then its group; a second Ctrl-C) runs
    the handler again while the first holds it."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


#: set by the command line's SIGINT / SIGTERM handler (cli.main): any error after it comes of the
#: signal. DuckDB turns a KeyboardInterrupt raised while it runs Python code (reading a DataFrame)
#: into errors of its own, "std::bad_cast" among them.
STOP_SIGNALLED = _Flag()

_depth = 0  # deferred() regions the main thread is in
_pending = False  # a signal came inside one


def stop_as_interrupt(signum, frame) -> None:
    """SIGINT / SIGTERM handler of the command line. It takes no lock (see _Flag)."""
    global _pending
    STOP_SIGNALLED.set()  # what fails from here on failed because of the signal
    if _depth:
        _pending = True
        return
    raise KeyboardInterrupt


def stop_pending() -> bool:
    """A signal came inside the current deferred() region (it is raised as the region ends)."""
    return _pending and threading.current_thread() is threading.main_thread()


@contextmanager
def deferred() -> Iterator[None]:
    """A region a stop signal does not cut: it is raised as a KeyboardInterrupt as the region ends.
    Only the main thread runs signal handlers: elsewhere a no-op."""
    global _depth, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending:
            _pending = False
            raise KeyboardInterrupt


@contextmanager
def signals_blocked() -> Iterator[None]:
    """The stop signals blocked in this thread, around a fork: the child starts with them blocked, so
    it does not run its parent's handler before its initializer has chosen what they do (see
    workers.die_with_parent). A signal meanwhile goes to another thread of the parent, or waits.
    A no-op where threads have no signal masks (Windows, which does not fork either)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _forked() -> None:
    """In a forked child: none of its parent's regions is its own."""
    global _depth, _pending
    _depth, _pending = 0, False


os.register_at_fork(after_in_child=_forked)
