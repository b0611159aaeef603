"""Files others read (--out, report, export, shards) are replaced whole; what is not a plain file is
written as before; permissions and symlinks survive the replacement."""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from pipelines.files import remove_stale_partials, replaced_when_done
from tests.conftest import write_jsonl


def test_two_runs_writing_the_same_file_leave_one_of_them_whole(tmp_path):
    """Two cron jobs (or a person and a cron job) writing the same report at once: the file ends as
    one of them wrote it, never half of each, and neither fails."""
    target = tmp_path / "latest.csv"
    first, second = replaced_when_done(target), replaced_when_done(target)
    a, b = first.__enter__(), second.__enter__()
    a.write_text("A part 1\n")
    b.write_text("B part 1\n")
    with open(a, "a") as handle:
        handle.write("A part 2 (end)\n")
    first.__exit__(None, None, None)
    assert target.read_text() == "A part 1\nA part 2 (end)\n"
    with open(b, "a") as handle:
        handle.write("B part 2 (end)\n")
    second.__exit__(None, None, None)
    assert target.read_text() == "B part 1\nB part 2 (end)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["latest.csv"], "no partial file is left behind"


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("last night")
    with pytest.raises(OSError), replaced_when_done(target) as partial:
        partial.write_text("half of tonig")
        raise OSError("disk full")
    assert target.read_text() == "last night"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_folder_refusing_the_file_or_a_full_disk_is_said_of_the_file_asked_for(tmp_path, monkeypatch):
    """The error named the hidden temporary file ('.index.html.z7823wwp.partial'), a file the user
    never asked for, when the folder was read-only or the disk filled up while writing."""
    import errno
    import tempfile

    target = tmp_path / "index.html"
    with pytest.raises(OSError) as full, replaced_when_done(target) as partial:
        raise OSError(errno.ENOSPC, "No space left on device", str(partial))
    assert full.value.filename == str(target)

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".index.html.x.partial"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(OSError) as read_only, replaced_when_done(target):
        pass
    assert read_only.value.filename == str(target) and "partial" not in str(read_only.value)


def test_what_a_killed_writer_of_a_file_left_is_removed_by_the_next_write_of_it(tmp_path):
    """A killed report, export or query --out left its hidden .partial file in the folder for good
    (only merge cleared them). The next write of the same file removes those untouched for an hour;
    a live writer's (recent) and those of other files stay."""
    target = tmp_path / "index.html"
    old = tmp_path / ".index.html.killed01.partial"
    recent = tmp_path / ".index.html.writing.partial"
    other = tmp_path / ".export.csv.killed02.partial"
    for leftover in (old, recent, other):
        leftover.write_text("half")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    with replaced_when_done(target) as partial:
        partial.write_text("tonight")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, recent.name, other.name])


def test_a_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_usual_ones(tmp_path):
    """mkstemp makes 0600 files: an export others could read must stay readable to them."""
    shared = tmp_path / "shared.csv"
    shared.write_text("old")
    shared.chmod(0o644)
    with replaced_when_done(shared) as partial:
        partial.write_text("new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    umask = os.umask(0o022)
    try:
        with replaced_when_done(tmp_path / "new.csv") as partial:
            partial.write_text("new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


def test_a_symlinked_output_stays_a_symlink_and_its_target_gets_the_new_file(tmp_path):
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "2026-11-26.csv"
    real.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    with replaced_when_done(link) as partial:
        partial.write_text("new")
    assert link.is_symlink() and link.read_text() == "new" and real.read_text() == "new"


def test_query_out_into_a_folder_not_made_yet_makes_it_as_export_does(tmp_path, run_cli):
    """The error named the hidden temporary file: "No such file or directory: .../.x.csv.g5xz.partial"."""
    rows = [{"url": "https://a.example/1", "outlet": "a", "text": "story number one " * 20}]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", rows))).exit_code == 0
    out = tmp_path / "reports" / "2026" / "urls.csv"
    result = run_cli("query", "select url from articles", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text() == "url\nhttps://a.example/1\n"
    assert result.stderr.startswith(f"wrote 1 row to {out}\n"), result.stderr


def test_query_out_to_a_fifo_streams_into_it(tmp_path, run_cli):
    """`--out /dev/stdout`, `--out >(gzip > f)` and named pipes are not files to replace: the rows go
    into them, and the pipe is still a pipe afterwards (before, it became a plain file nobody read)."""
    rows = [
        {"url": f"https://a.example/{i}", "outlet": "a", "text": f"story number {i} " * 20} for i in range(3)
    ]
    assert run_cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", rows))).exit_code == 0
    fifo = tmp_path / "rows.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = run_cli("query", "select url from articles order by url", "--format", "csv", "--out", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert received == ["url\n" + "".join(f"https://a.example/{i}\n" for i in range(3))]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_merge_clears_what_killed_workers_left_but_not_a_live_writers_file(tmp_path):
    stale, live = tmp_path / ".w1-000003.parquet.x1.partial", tmp_path / ".w2-000001.parquet.x2.partial"
    stale.write_bytes(b"PAR1 half")
    live.write_bytes(b"PAR1 being written")
    an_hour_ago = time.time() - 3700
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert remove_stale_partials(tmp_path) == 1
    assert not stale.exists() and live.exists()


def test_dev_stdout_redirected_to_a_file_is_appended_to_not_replaced(tmp_path):
    """`provtrack query ... --out /dev/stdout >> all.csv` twice: both answers stay in all.csv."""
    import subprocess
    import sys

    from pipelines import PROJECT_ROOT

    db, collected = tmp_path / "x.duckdb", tmp_path / "all.csv"
    provtrack = [sys.executable, "-m", "pipelines", "--db", str(db)]
    assert subprocess.run([*provtrack, "migrate"], cwd=PROJECT_ROOT, capture_output=True).returncode == 0
    for n in (1, 2):
        with open(collected, "a") as handle:
            query = [*provtrack, "query", f"select {n} as n", "--format", "csv", "--out", "/dev/stdout"]
            assert subprocess.run(query, cwd=PROJECT_ROOT, stdout=handle).returncode == 0
    assert collected.read_text() == "n\n1\nn\n2\n"
