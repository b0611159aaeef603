"""Reading WARC and ARC files (CC-NEWS, other crawlers' archives, provtrack's own) as pages to ingest:
HTML responses only, streamed record by record, filtered by domain and capture date before any parsing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pipelines.archive import decode_body
from pipelines.dates import parse_datetime
from pipelines.ingest import BadRow
from pipelines.models import DateCandidate, Page
from pipelines.urls import BadURL, registered_domain

HTML_TYPES = ("text/html", "application/xhtml+xml")
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
    """(label "file@offset", Page) for each kept HTML response; a damaged or cut-off file ends with
    one BadRow naming where, after everything before it was yielded."""
    good_end = 0  # where the last complete record ends
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            records = ArchiveIterator(handle, arc2warc=True)
            for record in records:
                page = None
                if record.rec_type == "response" and record.http_headers is not None:
                    counts.records += 1
                    try:
                        page = _page(path, record, keep)
                    except ValueError:  # one mangled record (URL, header): left out, the file goes on
                        page = None
                    counts.html += page is not None
                    counts.filtered += page is None
                # asked only after the body is read: warcio skips to the record's end to answer
                offset = records.get_record_offset()
                good_end = offset + records.get_record_length()
                if page is not None:
                    page.warc_offset = offset
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
    except Exception as exc:  # warcio on a truncated gzip member or a mangled header
        reason = f"WARC damaged or cut off at byte {good_end}: {str(exc)[:120] or type(exc).__name__}"
        yield f"{path}@{good_end}", BadRow(str(path), good_end, reason)


def _page(path: Path, record, keep: WarcFilter) -> Page | None:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.http_headers.get_statuscode() != "200" or not keep.wants_domain(url):
        return None
    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        return None
    captured = parse_datetime(record.rec_headers.get_header("WARC-Date"))
    if not keep.wants_date(captured):
        return None
    body = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(body) > MAX_RECORD_BYTES or not body.strip():
        return None
    return Page(
        url=url,
        html=decode_body(body, record.http_headers.get_header("Content-Type")),
        date_candidates=[DateCandidate("first_seen", captured or datetime.now(timezone.utc))],
        warc_file=str(Path(path).resolve()),
    )
