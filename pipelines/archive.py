"""The WARC archive: every HTTP response the crawler receives is written here first, and any later stage
can be re-run from it without the network (`provtrack reprocess`)."""

from __future__ import annotations

import contextlib
import glob
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import charset_normalizer

try:
    from isal import isal_zlib
except ImportError:  # no wheel for this platform: zlib writes the same format, slower
    isal_zlib = None
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, to_unicode
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Hop-by-hop framing the downloader has already undone; keeping it would make the record unreadable.
_DROP_HEADERS = {"transfer-encoding"}
#: Default level of each record's gzip member. Levels 1-3 use ISA-L (the `isal` package), which writes
#: the same gzip format four times faster than zlib: on the 569 real pages (142 MB) ISA-L's level 1
#: took 0.15 s of CPU for 0.218 of the HTML's size, zlib's level 1 0.65 s for 0.222, zlib's 6 1.7 s
#: for 0.186, all on the crawler's busiest thread. `-s PROVTRACK_WARC_GZIP_LEVEL=6` (zlib) trades
#: speed for 15 % less disk.
GZIP_LEVEL = 1


#: the content types of an HTML page; a response without one is HTML when its body starts as HTML does
HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")


def is_html(content_type: str | None, body: bytes) -> bool:
    """Is a response an HTML page? One rule for the crawler and WARC ingest, so that rebuilding a
    database from its crawl archive keeps the pages the crawl kept: by Content-Type, or without one
    by how the body starts (a JSON or image body served without a type is no page)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind:
        return kind in HTML_TYPES
    return body[:300].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_HTML_STARTS)


def decode_body(body: bytes, content_type: str | None) -> str:
    """An HTML body as text, the same way wherever it comes from (crawl, reprocess, WARC ingest).

    Valid UTF-8 is read as UTF-8 whatever the headers claim: servers that label UTF-8 pages as
    ISO-8859-1 are common. Otherwise the BOM, the Content-Type and the page's own <meta charset>
    decide (w3lib, as Scrapy does), then a guess from the bytes (charset_normalizer), then cp1252; bad
    bytes are replaced. A Content-Type saying UTF-8 of bytes that are not (a cp1251 page so served)
    is passed over unless a stray byte or two is all that is wrong: it made the text all U+FFFD."""
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    if content_type and _UTF8_CHARSET.search(content_type) and not _mostly_utf8(body):
        content_type = _UTF8_CHARSET.sub("", content_type)
    return _decoded(body, content_type)


def _decoded(body: bytes, content_type: str | None) -> str:
    """w3lib's order, as Scrapy reads a page: the BOM, the Content-Type, the page's own <meta charset>
    or XML declaration; then charset_normalizer's guess, then cp1252. (w3lib 2.6 deprecates the guess
    and default its html_to_unicode took: the steps are w3lib's functions, called in that order.)"""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return to_unicode(body[len(bom) :], bom_encoding)
    encoding = (
        http_content_type_encoding(content_type)
        or html_body_declared_encoding(body)
        or _guess_encoding(body)
        or "cp1252"
    )
    if encoding in ("utf-16", "utf-32"):  # no BOM: big-endian, as w3lib reads them
        encoding += "-be"
    return to_unicode(body, encoding)


_UTF8_CHARSET = re.compile(r"charset\s*=\s*[\"']?utf-?8[\"']?", re.I)


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 but for a few stray bytes: at most 10, or 1 per 100 well-formed non-ASCII characters (a
    page in another encoding has a bad sequence for nearly every letter outside ASCII)."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return bad <= max(10, 0.01 * (sum(1 for ch in text if ord(ch) > 127) - bad))


def _guess_encoding(body: bytes) -> str | None:
    """The encoding charset_normalizer finds most likely for bytes that declare none, or None."""
    best = charset_normalizer.from_bytes(body[:65536]).best()
    return best.encoding if best is not None else None


class ArchiveError(ValueError):
    """A WARC pointer that does not lead to a readable response record."""


class ArchiveCutShort(ArchiveError):
    """A WARC pointer past the end of its file: the file was cut (a disk filled, a copy stopped), or
    another file was put under its name. Every later pointer into it fails the same way."""

    def __init__(self, message: str, size: int):
        super().__init__(message)
        self.size = size


@dataclass(frozen=True)
class ArchivedResponse:
    """One response as stored: enough to rebuild a Page without the network."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime | None


def archive_dir(db_path: str | os.PathLike) -> Path:
    """Where the archive of a database lives: <db dir>/archive."""
    return Path(db_path).resolve().parent / "archive"


def crawl_warc_name(db_path: str | os.PathLike, run_id: int, stamp: str) -> str:
    """A crawl run's WARC file, named after its database (its real file, not a symlink to it):
    databases in one folder share `archive/`, and a rebuild of one must find its own files (see
    store.db.damaged_text)."""
    return f"{own_warc_prefix(db_path)}{run_id:06d}-{stamp}.warc.gz"


def own_warc_prefix(db_path: str | os.PathLike) -> str:
    """What the name of each of a database's crawl WARC files starts with; digits follow."""
    return f"{Path(db_path).resolve().stem}-crawl-"


#: what follows a crawl WARC file's prefix (own_warc_prefix, or "crawl-" before 0.2.0), as a glob
CRAWL_WARC_REST = "[0-9]*.warc.gz"


def crawl_warcs(folder: Path, prefix: str) -> Iterator[Path]:
    """The crawl WARC files in `folder` whose names start with `prefix` (taken literally)."""
    return folder.glob(glob.escape(prefix) + CRAWL_WARC_REST)


def _create_new(root: Path, name: str):
    """(name, handle) of a file created here and now, never one another process writes too: two
    databases in one folder share the archive, and two runs of theirs can get the same run id in the
    same second; appending to one file, each stored offsets into the other's records. A taken name
    gets a counter ("provenance-crawl-000002-…-2.warc.gz")."""
    cut = name.rfind(".warc") if ".warc" in name else name.find(".")  # "my.db-crawl-…": the counter goes last
    stem, suffix = (name[:cut], name[cut:]) if cut > 0 else (name, "")
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem}-{n}{suffix}"
        try:
            # unbuffered: a write the disk refuses leaves no bytes behind in a buffer for close() to fail on
            return candidate, open(root / candidate, "xb", buffering=0)
        except FileExistsError:
            continue
    raise FileExistsError(f"{root / name}: this name and 998 numbered ones are taken")


class WarcArchive:
    """Appends response records to one new gzipped WARC file per run; `write` returns (file, offset)
    where `file` is relative to the archive folder. Each record is flushed at once, so a killed
    crawl never stores a pointer to bytes that are not on disk."""

    def __init__(self, root: Path, name: str, gzip_level: int = GZIP_LEVEL):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.gzip_level = gzip_level
        self.name, self._handle = _create_new(self.root, name)
        self._buffer = io.BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False)  # each record is gzipped here, see _append

    def write(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]] | None = None,
    ) -> tuple[str, int]:
        offset = self._handle.tell()
        try:
            self._write_records(url, status, reason, headers, body, request_headers)
        except OSError as exc:
            # a full disk: no half record is left for the next write (or the next run) to follow
            with contextlib.suppress(OSError):
                self._handle.truncate(offset)
                self._handle.seek(offset)
            if exc.filename is None:  # say which disk: the database's may be on another
                raise OSError(exc.errno, exc.strerror, str(self.root / self.name)) from exc
            raise
        return self.name, offset

    def _write_records(self, url, status, reason, headers, body, request_headers) -> None:
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        http = StatusAndHeaders(f"{status} {reason or 'OK'}", kept, protocol="HTTP/1.1")
        # A known length keeps warcio from spooling the body into a temporary file it never closes.
        record = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
        )
        self._append(record)
        if request_headers is not None:
            req = StatusAndHeaders(f"GET {url} HTTP/1.1", request_headers, is_http_request=True)
            self._append(
                self._writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b""), length=0, http_headers=req
                )
            )

    def _append(self, record) -> None:
        """One record as one gzip member, the standard .warc.gz layout (readers seek to a member)."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        gz = _gzip_compressor(self.gzip_level)
        member = memoryview(gz.compress(self._buffer.getvalue()) + gz.flush())
        while member:  # an unbuffered write may take only part
            member = member[self._handle.write(member) :]

    def close(self) -> None:
        """Close the file; one left empty (a run that fetched nothing: every site down, or all
        unchanged) is removed, so an hourly crawl through a network outage leaves no litter."""
        empty = self._handle.tell() == 0
        self._handle.close()
        if empty:
            with contextlib.suppress(OSError):
                (self.root / self.name).unlink()


def _gzip_compressor(level: int):
    """A compressor writing one gzip member: ISA-L for the fast levels 1-3 when it is installed
    (its levels stop at 3), zlib otherwise. Any gzip reader reads either."""
    if isal_zlib is not None and 1 <= level <= 3:
        return isal_zlib.compressobj(level, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
    return zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class DamagedRecord(ValueError):
    """A record that warcio read only in part: its data does not decompress, or the file ends early."""


def warcio_complaints():
    """warcio writes a decompression error to stderr and goes on as if the record ended there
    (losing the rest of it, and often the records after it): catch what it writes, to name the damage."""
    return contextlib.redirect_stderr(io.StringIO())


def damage_reported(complaints: str) -> str:
    """warcio's complaints that mean lost data: not its warning about a record followed by something
    other than a blank line (a Content-Length a little off, common in old crawls, read correctly)."""
    lines = [line.strip() for line in complaints.splitlines() if line.strip()]
    if any(line.startswith("WARNING: Record not followed by newline") for line in lines):
        return ""
    return "; ".join(dict.fromkeys(lines))[:200]


GZIP_MAGIC = b"\x1f\x8b"  # each record of a .warc.gz is one gzip member, starting so


def ends_its_member(handle, end: int) -> bool:
    """Does a record of a .warc.gz that warcio says ends at `end` end where its gzip member does (the
    next member, or the end of the file)? Bytes flipped in compressed data can make zlib fail in the
    middle of the member; warcio then ends the record there with only a warning and reads on out of
    step. Moves `handle`."""
    if end < 0:  # warcio lost count of where it is: the data it read was not what was written
        return False
    handle.seek(end)
    return handle.read(2) in (GZIP_MAGIC, b"")


def read_whole(record) -> bool:
    """Did the record's declared length all come? warcio's reader counts down what is left to read."""
    # the rest, if the body was not read (warcio would skip it next anyway), in blocks: a skipped
    # record may be a video of hundreds of MB
    while record.raw_stream.read(1 << 16):
        pass
    return getattr(record.raw_stream, "limit", 0) <= 0


def check_read_whole(record, complaints: str) -> None:
    """Raise DamagedRecord unless warcio read `record` whole and without complaint (`complaints`: what
    it printed meanwhile, caught by warcio_complaints)."""
    damage = damage_reported(complaints)
    if damage or not read_whole(record):
        raise DamagedRecord(damage or "the record is shorter than it says")


def check_decompressing(records: ArchiveIterator, gzipped: bool) -> None:
    """Raise DamagedRecord if warcio, reading a .warc.gz, has stopped decompressing: a member whose
    data fails in warcio's first block of it is taken for the start of an uncompressed file, and the
    compressed bytes are read as a record (sometimes as an ARC header whose length runs to the end of
    the file), with no warning and the records after it lost."""
    if gzipped and records.reader.decompressor is None:
        raise DamagedRecord("its compressed data does not decompress")


def checked_span(records: ArchiveIterator, probe, gzipped: bool) -> tuple[int, int]:
    """(offset, end) in the file of the record `records` has just read whole. Raises DamagedRecord when
    a .warc.gz record does not end where its gzip member does: bytes flipped in its compressed data
    made zlib fail inside the member, and warcio ended the record there with only a warning, its body
    cut or garbled (and would read on out of step). `probe`, a handle on the same file, is moved."""
    with warcio_complaints():  # warcio reads to the record's end to answer, printing on damage
        offset = records.get_record_offset()
        end = offset + records.get_record_length()
    if gzipped and not ends_its_member(probe, end):
        raise DamagedRecord("its compressed data does not decompress")
    return offset, end


def read_response(root: Path, warc_file: str, offset: int) -> ArchivedResponse:
    """The response record at `offset` of `root/warc_file`, body decoded of any content encoding."""
    path = Path(root) / warc_file
    try:
        with open(path, "rb") as handle:
            if offset >= (size := os.fstat(handle.fileno()).st_size):
                raise ArchiveCutShort(
                    f"{path} @ {offset}: the file ends at byte {size}, before that record "
                    "(cut short, or another file put under its name)",
                    size,
                )
            handle.seek(offset)
            gzipped = handle.read(2) == GZIP_MAGIC
            handle.seek(offset)
            records = ArchiveIterator(handle)
            for record in records:
                check_decompressing(records, gzipped)
                if record.rec_type != "response":
                    break
                status = int(record.http_headers.get_statuscode() or 0)
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                with warcio_complaints() as complaints:
                    body = record.content_stream().read()
                check_read_whole(record, complaints.getvalue())  # a part of a page is no page to reprocess
                checked_span(records, handle, gzipped)
                date = record.rec_headers.get_header("WARC-Date")
                fetched = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else None
                return ArchivedResponse(
                    record.rec_headers.get_header("WARC-Target-URI"),
                    status,
                    headers,
                    body,
                    fetched.astimezone(timezone.utc) if fetched else None,
                )
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc}") from exc
    except DamagedRecord as exc:
        raise ArchiveError(f"{path} @ {offset}: damaged or cut-off WARC record ({exc})") from exc
    except ArchiveError:
        raise
    except Exception as exc:  # a truncated record after a kill
        raise ArchiveError(f"{path} @ {offset}: unreadable WARC record ({type(exc).__name__})") from exc
    raise ArchiveError(f"{path} @ {offset}: no response record there")
