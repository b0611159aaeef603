"""Reading WARC and ARC files (CC-NEWS, other crawlers' archives, provtrack's own) as pages to ingest:
HTML responses only, streamed record by record, filtered by domain and capture date before any parsing."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pipelines.archive import (
    GZIP_MAGIC,
    DamagedRecord,
    check_decompressing,
    check_read_whole,
    checked_span,
    damage_reported,
    decode_body,
    is_html,
    warcio_complaints,
)
from pipelines.dates import parse_datetime
from pipelines.ingest import BadRow, IngestError
from pipelines.models import DateCandidate, Page
from pipelines.urls import BadURL, registered_domain

MAX_RECORD_BYTES = 20 * 1024 * 1024  # as the crawler's page limit: larger is not an article


@dataclass
class WarcFilter:
    """Which records to keep: registered domains (empty = all) and a capture-date range (UTC)."""

    domains: set[str] = field(default_factory=set)
    since: datetime | None = None
    until: datetime | None = None

    def wants_domain(self, url: str) -> bool:
        if not self.domains:
            return True
        try:
            return registered_domain(url) in self.domains
        except (BadURL, ValueError):  # ValueError: urlsplit on a mangled host ("Invalid IPv6 URL")
            return False

    def wants_date(self, captured: datetime | None) -> bool:
        if captured is None:
            return self.since is None and self.until is None
        return (self.since is None or captured >= self.since) and (
            self.until is None or captured < self.until
        )


@dataclass
class WarcCounts:
    """What a pass over WARC files saw, for the summary line."""

    records: int = 0
    html: int = 0
    filtered: int = 0  # responses left out by --domain/--since/--until, or not HTML / not 200


def warc_pages(path: Path, keep: WarcFilter, counts: WarcCounts) -> Iterator[tuple[str, Page | BadRow]]:
    """(label "file@offset", Page) for each kept HTML response. Damage is one BadRow naming where:
    a cut-off end, a record shorter than it says, or compressed data that does not decompress, after
    which reading goes on at the next gzip member (each record of a .warc.gz is one) that reads."""
    _check_is_warc(path)
    start: int | None = 0
    while start is not None:
        start = yield from _pages_from(path, start, keep, counts)


#: how a WARC file (after gunzip) begins, and an ARC file, which warcio reads as WARC
_ARCHIVE_STARTS = (b"WARC/", b"filedesc://")


def _check_is_warc(path: Path) -> None:
    """Raise IngestError for a file that is no web archive at all (a JSONL or an HTML page named
    .warc.gz): read as one, it was a 'damaged' record with warcio's own words, and exit 3. A file
    that begins as an archive and is damaged later is the reader's to name, by byte."""
    try:
        with open(path, "rb") as handle:
            gzipped = handle.read(2) == GZIP_MAGIC
        with gzip.open(path, "rb") if gzipped else open(path, "rb") as handle:
            head = handle.read(64)
    except (OSError, EOFError, zlib.error):  # unreadable or damaged from its start: the reader says where
        return
    start = head.lstrip(b"\r\n")
    if start and not start.startswith(_ARCHIVE_STARTS):
        raise IngestError(f"{path}: not a WARC file (it begins {start[:24]!r})")


def _pages_from(path: Path, start: int, keep: WarcFilter, counts: WarcCounts):
    """warc_pages from byte `start`; returns where to go on after damage, or None at the end."""
    good_end = start  # where the last complete record ends
    try:
        with open(path, "rb") as handle, open(path, "rb") as probe:
            size = os.fstat(handle.fileno()).st_size
            gzipped = probe.read(2) == GZIP_MAGIC
            handle.seek(start)
            archive = ArchiveIterator(handle, arc2warc=True)
            records = iter(archive)
            while True:
                with warcio_complaints() as complaints:
                    page = None
                    if (record := next(records, None)) is not None:
                        check_decompressing(archive, gzipped)  # before the record is believed
                        page = _kept_page(path, record, keep, counts)
                if record is None:
                    if damage := damage_reported(complaints.getvalue()):
                        raise DamagedRecord(damage)
                    break
                check_read_whole(record, complaints.getvalue())
                offset, good_end = checked_span(archive, probe, gzipped)  # the body read: warcio can tell
                if record.rec_type == "response" and record.http_headers is not None:  # read whole: counted
                    counts.html += isinstance(page, Page)
                    counts.filtered += page is None
                if isinstance(page, Page):
                    page.warc_offset = offset
                elif isinstance(page, str):  # why a page of the record is not read: said, not counted out
                    page = BadRow(str(path), offset, page)
                if page is not None:
                    yield f"{path}@{offset}", page
            if good_end < size:
                handle.seek(good_end)
                rest = handle.read(4096)
                # uncompressed files end records with blank lines warcio does not count
                if rest.strip() or size - good_end > len(rest):
                    # warcio stops quietly at a gzip member cut short by a killed writer
                    raise EOFError(f"{size - good_end} bytes at the end are not a whole record")
    except OSError as exc:
        yield f"{path}@{good_end}", BadRow(str(path), good_end, f"cannot read: {exc.strerror or exc}")
        return None
    except Exception as exc:  # warcio on a damaged member or a mangled header, or DamagedRecord
        # warcio's AttributeError/TypeError on a header cut short say nothing to a reader
        said = "a record header cut off or mangled" if isinstance(exc, (AttributeError, TypeError)) else exc
        if gzipped and good_end == 0 and _gzipped_as_one_stream(path):
            yield f"{path}@0", BadRow(str(path), 0, ONE_STREAM)
            return None
        reason = f"WARC damaged or cut off at byte {good_end}: {str(said)[:120] or type(exc).__name__}"
        yield f"{path}@{good_end}", BadRow(str(path), good_end, reason)
        return _after_damaged_record(path, good_end)
    return None


ONE_STREAM = (
    "gzipped as one stream (as `gzip file.warc` does), not one gzip member per record as a .warc.gz "
    "is: `warcio recompress` it, or gunzip it, and ingest that"
)


def _gzipped_as_one_stream(path: Path) -> bool:
    """Does the file's first gzip member hold more than one record? A .warc.gz gzips each record on
    its own, so that a reader can seek to one; a whole WARC gzipped at once read as damaged at byte 0,
    though `zcat` reads it."""
    unzip = zlib.decompressobj(zlib.MAX_WBITS | 16)
    text = b""
    with open(path, "rb") as handle:
        while len(text) < 8 << 20 and not unzip.eof and (chunk := handle.read(1 << 16)):
            try:
                text += unzip.decompress(chunk)
            except zlib.error:
                return False
    return text.startswith(b"WARC/") and b"\nWARC/1." in text


def _after_damaged_record(path: Path, good_end: int) -> int | None:
    """Where the record after the damaged one starts. In an uncompressed file the damaged record
    itself starts after the blank lines that end the good one: found again, it was named twice."""
    start = next_record_start(path, good_end + 1)
    if start is not None:
        with open(path, "rb") as handle:
            handle.seek(good_end)
            if not handle.read(start - good_end).strip():  # only blank lines: the damaged record's start
                start = next_record_start(path, start + 1)
    return start


def next_record_start(path: Path, after: int) -> int | None:
    """Where reading can go on after damage at byte `after`: the next gzip member (each record of a
    .warc.gz is one), or in an uncompressed file the next line starting "WARC/1."; None if none."""
    with open(path, "rb") as handle:
        marker = GZIP_MAGIC + b"\x08" if handle.read(2) == GZIP_MAGIC else b"\nWARC/1."
        skip = 0 if marker.startswith(b"\x1f") else 1  # the newline before "WARC/1." is not the record's
        handle.seek(after)
        position, tail = after, b""
        while chunk := handle.read(1 << 20):
            found = (tail + chunk).find(marker)
            if found >= 0:
                return position - len(tail) + found + skip
            position += len(chunk)
            tail = chunk[-(len(marker) - 1) :]
    return None


def _kept_page(path: Path, record, keep: WarcFilter, counts: WarcCounts) -> Page | str | None:
    """The record's page; None when the filters, its status or its type leave it out; or, for a page
    that cannot be read (over the size limit), why, as a JSONL row's page says it."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    counts.records += 1
    try:
        page = _page(path, record, keep)
    except ValueError:  # one mangled record (URL, header): left out, the file goes on
        page = None
    return page


def _page(path: Path, record, keep: WarcFilter) -> Page | str | None:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.http_headers.get_statuscode() != "200" or not keep.wants_domain(url):
        return None
    content_type = record.http_headers.get_header("Content-Type")
    if content_type and not is_html(content_type, b""):  # typed: decided before the body is read
        return None
    captured = parse_datetime(record.rec_headers.get_header("WARC-Date"))
    if not keep.wants_date(captured):
        return None
    body = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if not body.strip() or not is_html(content_type, body):
        return None
    if len(body) > MAX_RECORD_BYTES:  # the limit a crawl and a JSONL row's page have, said as they say it
        return f"page is over the {MAX_RECORD_BYTES // (1024 * 1024)} MB limit: {url[:200]}"
    return Page(
        url=url,
        html=decode_body(body, record.http_headers.get_header("Content-Type")),
        date_candidates=[DateCandidate("first_seen", captured or datetime.now(timezone.utc))],
        warc_file=str(Path(path).resolve()),
    )
