"""Worker processes that never outlive their run: a killed provtrack must not leave orphans behind
that go on holding the writer lock (a forked child shares its file descriptor) or burning CPU."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait

from pipelines import interrupts

_PR_SET_PDEATHSIG = 1
POLL_S = 0.1  # how soon a signal stops a wait for workers
_inherited_fds: set[int] = set()


def die_with_parent(parent_pid: int | None = None, *, ignore_stops: bool = False) -> None:
    """Pool initializer (initargs=(os.getpid(),)): ask Linux to kill this worker when its parent dies
    (a no-op elsewhere). SIGTERM kills a worker quietly: the parent's own handler (cli.main) turns it
    into an orderly stop of the command, which a worker has no part in. With `ignore_stops` a worker
    ignores SIGINT and SIGTERM, for a parent that wants its workers' work when a signal reaches the
    whole process group (a Ctrl-C at a terminal, `timeout`, systemd) and kills them itself.

    The worker was forked inside interrupts.signals_blocked(): a signal since waits until here, where
    the worker no longer runs its parent's handler (which printed a traceback from the worker's start)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN if ignore_stops else signal.SIG_DFL)
    if ignore_stops:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request above took effect
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts.STOP_SIGNALS)


def process_pool(workers: int, initializer: Callable, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of worker processes, forked where the platform can: a caller's script needs no
    __main__ guard, and the workers' parent is this process, as die_with_parent checks (Python 3.14
    starts them from a fork server by default). A pool of concurrent.futures, as a worker that dies
    (killed, out of memory) breaks it with an error, where multiprocessing.Pool can hang for good."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if fork else None
    return ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)


def submit_all(pool: Executor, fn: Callable, items: Iterable) -> list[Future]:
    """fn(item) for each item, in the pool's workers (forked by the first call)."""
    with interrupts.deferred(), interrupts.signals_blocked():
        return [pool.submit(fn, item) for item in items]


def results(futures: list[Future]) -> list:
    """The futures' results, in order. A signal still stops the wait, within POLL_S."""
    with interrupts.deferred():
        waiting = set(futures)
        while waiting and not interrupts.stop_pending():
            waiting = wait(waiting, timeout=POLL_S).not_done
        if waiting:
            raise KeyboardInterrupt  # the signal deferred (the region's end would raise it too)
        return [future.result() for future in futures]


def shut_down(pool: Executor, *, kill: bool = False, keep_queued: bool = False) -> None:
    """Stop the pool's workers once their work is done, or (`kill`) at once. Work queued and not
    begun is dropped, unless `keep_queued`."""
    with interrupts.deferred():
        if kill:
            kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=not keep_queued)


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
