"""Files that people and scripts read (exports, --out, the report, crawl shards) appear whole or not at
all: a run killed, interrupted or out of disk halfway through leaves the previous file as it was."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_SUFFIX = ".partial"


@contextmanager
def replaced_when_done(path: str | os.PathLike) -> Iterator[Path]:
    """Yields a hidden sibling of `path` to write; it becomes `path` only when the block ends without
    an exception, and is removed otherwise.

    - The sibling's name is unique, so two runs writing the same report cannot mix their halves: the
      last to finish wins, whole.
    - It is flushed to disk before the rename (os.replace is atomic within one file system), so a power
      cut cannot leave an empty file under the final name.
    - A symlink keeps pointing where it did: its target is what gets replaced.
    - Missing folders on the way are made, as `export` makes its own.
    - What is not a regular file (/dev/stdout, a FIFO, a shell's `>(…)`) is written in place: there is
      nothing to replace, and a reader may be waiting on it.
    """
    path = Path(path)
    if is_stream(path) or (path.exists() and not path.is_file()):
        yield path  # /dev/stdout may be a shell's `>> file`: never replaced
        return
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)  # as `export` makes its folder
    mode = _mode_for(path)
    remove_stale_partials(path.parent, of=path.name)  # what a killed run writing this file left
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX)
    except OSError as exc:  # a folder we may not write to: name the file asked for, not our temporary
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, mode)  # mkstemp's 0600 would hide an export from the other users it had
        _flush_to_disk(partial)
        os.replace(partial, path)
        with contextlib.suppress(OSError):  # done already; some network file systems refuse this
            _flush_to_disk(path.parent)
    except OSError as exc:
        if exc.filename != str(partial):
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None  # a full disk, said of the file asked for
    finally:
        partial.unlink(missing_ok=True)


def is_stream(path: str | os.PathLike) -> bool:
    """/dev/stdout, /proc/self/fd/1 and the like: a stream the caller hands over (which the shell may
    have opened on a file with >>), to write to as it is, never to replace."""
    return str(path).startswith(("/dev/", "/proc/"))


def remove_stale_partials(folder: Path, older_than: float = 3600.0, of: str = "") -> int:
    """Remove the unfinished files that killed writers left in `folder` (untouched for `older_than`
    seconds, so a live writer's is kept), only those of the file named `of` if given; returns how
    many."""
    removed = 0
    cutoff = time.time() - older_than
    pattern = f".{glob.escape(of)}.*{PARTIAL_SUFFIX}" if of else f".*{PARTIAL_SUFFIX}"
    for leftover in Path(folder).glob(pattern):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                removed += 1
        except OSError:  # its writer finished meanwhile, or the folder is read-only: left as it is
            continue
    return removed


def _read_umask() -> int:
    """The process's umask, read once at import: os.umask can only read it by setting it, which
    would race with the files other threads create."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _mode_for(path: Path) -> int:
    """The permissions the file has, or those a plain open() would give a new one."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def _flush_to_disk(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
