"""Worker processes that never outlive their run: a killed provtrack must not leave orphans behind
that go on holding the writer lock (a forked child shares its file descriptor) or burning CPU."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
_inherited_fds: set[int] = set()


def die_with_parent(parent_pid: int | None = None) -> None:
    """Pool initializer (initargs=(os.getpid(),)): ask Linux to kill this worker when its parent dies
    (a no-op elsewhere). SIGTERM kills a worker quietly: the parent's own handler (cli.main) turns it
    into an orderly stop of the command, which a worker has no part in."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request above took effect


def kill_workers(pool) -> None:
    """SIGKILL every worker of a ProcessPoolExecutor (through its private `_processes`: the pool has
    no public way), so that its shutdown need not wait for them; a ThreadPoolExecutor has none."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def close_in_children(fd: int) -> None:
    """Close `fd` in every process forked from now on (until `keep_in_children`)."""
    _inherited_fds.add(fd)


def keep_in_children(fd: int) -> None:
    _inherited_fds.discard(fd)


def _close_inherited() -> None:
    for fd in list(_inherited_fds):
        try:
            os.close(fd)
        except OSError:
            pass
    _inherited_fds.clear()


os.register_at_fork(after_in_child=_close_inherited)
