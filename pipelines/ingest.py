"""Ingest: stream rows from JSONL, CSV and Parquet files into Pages, naming every bad row by its
line number instead of stopping. Constant memory: files are read row by row, never whole."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.dates import parse_row_time
from pipelines.models import Page, storable
from pipelines.urls import BadURL, normalize_url

FIELDS = ("url", "outlet", "published_at", "title", "text", "html", "language")
MAX_LINE_BYTES = 64 * 1024 * 1024  # one JSONL row or CSV record; larger is refused, not read
MAX_CSV_COLUMNS = 1000
#: how much of a JSONL or CSV file _check_encoding reads to tell a file in another encoding, and how
#: many lines beyond ASCII it needs, none of them UTF-8 (one or two such are damaged rows, said as such)
ENCODING_SNIFF_BYTES = 1024 * 1024
ENCODING_MIN_LINES = 3


class IngestError(ValueError):
    """A whole input file cannot be read (missing, unknown format); one clear line."""


@dataclass
class BadRow:
    """A row that was skipped, and why (line number for JSONL/CSV, row number for Parquet)."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def detect_format(path: Path) -> str:
    """jsonl / csv / parquet / warc by file name (compression suffix .gz allowed for jsonl, csv)."""
    name = path.name.lower().removesuffix(".gz")
    for suffix, kind in (
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "jsonl"),
        (".csv", "csv"),
        (".parquet", "parquet"),
        (".warc", "warc"),
        (".arc", "warc"),
    ):
        if name.endswith(suffix):
            return kind
    raise IngestError(
        f"{path}: unknown input format (expected .jsonl, .ndjson or .json as JSON Lines, .csv, .parquet, "
        ".warc or .arc; any of them but Parquet may be gzipped, .gz)"
    )


def row_to_page(row: dict) -> Page:
    """A Page from one input row; raises ValueError with the reason when the row is unusable."""
    if not isinstance(row, dict):
        if isinstance(row, list):  # a whole JSON array on one line (jq -c . output)
            raise ValueError("a JSON array, not an object: JSON Lines hold one object per line (jq -c '.[]')")
        raise ValueError("row is not an object")
    # Columns outside FIELDS are allowed and ignored: dumps such as CC-NEWS carry many.
    url = row.get("url")
    if url is not None and not isinstance(url, str):
        raise ValueError(f"url is not text but {_json_type(url)}")
    if not url or not url.strip():
        raise ValueError("missing url")
    url = storable(url)
    try:
        normalize_url(url)
    except BadURL as exc:
        raise ValueError(str(exc)) from None
    published = row.get("published_at")
    published_at = None
    if published not in (None, ""):
        published_at = parse_row_time(published)
        if published_at is None:
            raise ValueError(
                f"invalid published_at {str(published)[:60]!r} (want ISO 8601, or Unix time in seconds "
                "or milliseconds)"
            )
    values = {}
    for key in ("outlet", "title", "text", "html", "language"):
        value = row.get(key)
        if isinstance(value, float) and value != value:  # NaN from CSV/Parquet
            value = None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # a typed column: an outlet or title that is a number
        elif value is not None and not isinstance(value, str):
            raise ValueError(f"{key} is not text but {_json_type(value)}")
        values[key] = storable(value) if value else None
    if values["html"] is not None and not values["html"].strip():
        values["html"] = None  # a blank html column (an export's "   \n"): the row's text is the page
    if not (values["text"] or "").strip() and values["html"] is None:
        raise ValueError("neither text nor html given (or only white space)")
    return Page(url=url.strip(), published_at=published_at, **values)


def _json_type(value) -> str:
    names = {dict: "an object", list: "a list", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def read_rows(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    """(line number, row) for each row of a JSONL, CSV or Parquet file; unreadable rows as BadRow."""
    kind = detect_format(path)
    if path.is_dir():
        raise IngestError(f"{path}: is a folder, not a file")
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if not path.is_file():  # read twice (the encoding's sniff, the rows), and a pipe gives its data once
        raise IngestError(f"{path}: not a regular file (a pipe or a device); save it to a file first")
    readers = {"jsonl": _jsonl_rows, "csv": _csv_rows, "parquet": _parquet_rows}
    if kind not in readers:
        raise IngestError(f"{path}: WARC files are read by the WARC reader")
    if kind in ("jsonl", "csv"):
        _check_encoding(path, kind)
    last = 0
    try:
        for number, row in readers[kind](path):
            last = number
            yield number, row
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        # a cut-off or damaged .gz: what was read before it is kept
        raise IngestError(f"{path}: damaged compressed data after line {last} ({exc})") from None


def _check_encoding(path: Path, kind: str) -> None:
    """Raise IngestError for a file in another encoding than UTF-8 (Latin-1, Windows-1251), judged by
    its first MB: when not one of the lines there with bytes beyond ASCII (ENCODING_MIN_LINES at
    least) reads as UTF-8. Each such line was a skipped row of its own: thousands of lines saying one
    thing, and a 'partial' run that stored none. A UTF-8 file with a damaged line or two still loses
    only those rows. UTF-16 (Excel's "Unicode Text"), with a byte-order mark or without, is named as such,
    and so is a file of another kind under a text file's name (a Parquet file or a database), whose
    bytes were read line by line: a "not valid JSON" row each, or a header of binary."""
    try:
        with _open_binary(path) as handle:
            head = handle.read(ENCODING_SNIFF_BYTES + 1)
    except (OSError, EOFError, zlib.error):  # the reader names a damaged file, with what it read
        return
    if (other := _another_kind_of_file(head)) is not None:
        raise IngestError(f"{path}: {other}")
    if (wide := _utf16_kind(head)) is not None:
        read_as = "JSON Lines are" if kind == "jsonl" else "a CSV file is read as"
        raise IngestError(f"{path}: {wide} text; {read_as} UTF-8 (iconv -f {wide} -t UTF-8 converts it)")
    sniffed = head[:ENCODING_SNIFF_BYTES]
    if _looks_binary(sniffed):
        raise IngestError(f"{path}: binary data, not text (JSON Lines and CSV files are UTF-8 text)")
    lines = sniffed.split(b"\n")
    if len(head) > ENCODING_SNIFF_BYTES:
        lines.pop()  # cut by the sniff, perhaps inside a character
    beyond_ascii = [(n, line) for n, line in enumerate(lines, start=1) if not line.isascii()]
    if len(beyond_ascii) < ENCODING_MIN_LINES:
        return
    for _, line in beyond_ascii:
        try:
            line.decode("utf-8")
            return
        except UnicodeDecodeError:
            continue
    number = beyond_ascii[0][0]
    raise IngestError(
        f"{path}: not UTF-8 text (no line with letters beyond ASCII reads as UTF-8, from line {number} on); "
        "convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8 (or -f WINDOWS-1251 for Cyrillic)"
    )


def _utf16_kind(head: bytes) -> str | None:
    """Which UTF-16 the text is in: "UTF-16" with its byte-order mark, "UTF-16LE" or "UTF-16BE"
    without one (a zero byte beside each ASCII letter); None for other text or binary data. Read as
    UTF-8 it failed on its first byte beyond ASCII, or was taken for Windows-1252."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = head[:512]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    # the zero bytes beside ASCII letters fall on one side of each pair; a binary file's on both
    if len(sample) < 8 or 6 * max(odd, even) < len(sample) or 8 * min(odd, even) > max(odd, even):
        return None
    return "UTF-16LE" if odd > even else "UTF-16BE"


#: (bytes, where they start, what the file is) for files of other kinds given under a text file's name
_OTHER_KINDS = (
    (b"PAR1", 0, "a Parquet file, not text: name it .parquet"),
    (b"DUCK", 8, "a DuckDB database, not rows to ingest (export them: COPY t TO 'rows.parquet')"),
    (b"SQLite format 3\x00", 0, "a SQLite database, not rows to ingest (export them to CSV first)"),
    (b"WARC/", 0, "a WARC file: name it .warc (or .warc.gz)"),
    (b"PK\x03\x04", 0, "a ZIP archive or an Excel workbook, not text (save a sheet as CSV UTF-8)"),
    (b"\xd0\xcf\x11\xe0", 0, "an old Excel (.xls) workbook, not text (save the sheet as CSV UTF-8)"),
)


#: control bytes no text has (all but tab, line feed, form feed, carriage return); one in 256 random
#: bytes is each of them, so compressed or binary data holds over 10 %
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
BINARY_SHARE = 0.05


def _looks_binary(head: bytes) -> bool:
    """Binary data (an image, compressed data): it was "not UTF-8 text" with advice to convert it from
    Windows-1252. A damaged line or two in a text file is far below the share."""
    return len(_CONTROL_BYTES.findall(head)) > BINARY_SHARE * max(len(head), 100)


def _another_kind_of_file(head: bytes) -> str | None:
    """What the file is when its first bytes say it is no text file (after gunzipping), else None."""
    for magic, start, what in _OTHER_KINDS:
        if head[start : start + len(magic)] == magic:
            return what
    return None


def _open_binary(path: Path):
    """The file's bytes, gunzipped when it is gzip: by its name, or by its first bytes (a .jsonl a
    download left compressed read as "not UTF-8 text" on every line)."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    first = True
    with _open_binary(path) as handle:
        for number, raw in enumerate(_bounded_lines(handle), start=1):
            if raw is None:
                yield number, BadRow(str(path), number, f"line longer than {MAX_LINE_BYTES // 2**20} MB")
                continue
            if not raw.strip():
                continue
            if first:  # a whole file of another shape fails on every line: say so once
                _check_json_lines(path, raw)
                first = False
            try:
                line = raw.decode("utf-8-sig")  # -sig: a byte-order mark some editors put first
            except UnicodeDecodeError as exc:
                yield number, BadRow(str(path), number, f"not UTF-8 text (byte {exc.start})")
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                # "Invalid control character at" needs its column: a raw tab or newline inside a string
                why = _json_complaint(exc, line) if isinstance(exc, json.JSONDecodeError) else str(exc)
                yield number, BadRow(str(path), number, f"not valid JSON: {why}")
                continue
            except RecursionError:
                yield number, BadRow(str(path), number, "JSON nested too deep to be an article row")
                continue
            yield number, row


def _json_complaint(exc: json.JSONDecodeError, line: str) -> str:
    """Why a line is not one JSON object, in a reader's words where json's say little."""
    if exc.pos >= len(line.rstrip()):
        return "the line ends before its JSON does (cut short, or an object spread over several lines)"
    if exc.msg == "Extra data":
        if "\r" in line[: exc.pos + 1].rstrip():
            return "more than one JSON value on the line: its lines end with a lone CR (convert them to LF)"
        return f"more than one JSON value on the line (the second at column {exc.colno}): one object per line"
    return f"{exc.msg.removesuffix(' at')} column {exc.colno}"


def _check_json_lines(path: Path, first_line: bytes) -> None:
    """Raise IngestError for a file that is not JSON Lines at all, judged by its first line: one JSON
    array or one object spread over lines (pretty-printed, each line was a skipped row). UTF-16 is
    named before, by _check_encoding."""
    start = first_line.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.rstrip() == b"{":  # the first line opens an object and ends: pretty-printed JSON
        raise IngestError(
            f"{path}: a JSON object spread over several lines, not JSON Lines (one object per line): "
            "jq -c . converts it"
        )
    if not start.startswith(b"["):
        return
    try:
        json.loads(start.decode("utf-8"))
    except UnicodeDecodeError:
        return  # that row's own reason says so
    except ValueError:  # an array that goes on over the lines after it
        raise IngestError(
            f"{path}: a JSON array, not JSON Lines (one object per line): jq -c '.[]' converts it"
        ) from None
    except RecursionError:
        return  # whole, but nested too deep: that row's own reason says so


def _bounded_lines(handle) -> Iterator[bytes | None]:
    """Lines of a binary file; a line over MAX_LINE_BYTES yields None and is skipped, not held."""
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # discard the rest of the over-long line
                rest = handle.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _csv_rows(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    """Records of a CSV file, each named by the line it starts on. A record with bytes that are not
    UTF-8 is a bad row, not the end of the file; so is a quoted field that never closes, after which
    the lines it swallowed are read again as records of their own."""
    csv.field_size_limit(min(sys.maxsize, MAX_LINE_BYTES))
    with _csv_text(_open_binary(path)) as text:
        header_line = text.readline(1_000_000)
    if _NOT_UTF8.search(header_line):
        raise IngestError(f"{path}: the header is not UTF-8 text")
    delimiter = _csv_delimiter(header_line)
    header = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter), [])]
    if len(header) > MAX_CSV_COLUMNS or (len(header_line) >= 1_000_000 and not header_line.endswith("\n")):
        raise IngestError(f"{path}: more than {MAX_CSV_COLUMNS} columns in the header; not an ingest CSV")
    if "url" not in header:
        raise IngestError(f"{path}: no 'url' column in the header (have: {', '.join(header[:10])})")
    if twice := sorted({name for name in header if name and header.count(name) > 1}):
        raise IngestError(f"{path}: the header names {', '.join(map(repr, twice))} twice; which one to read?")
    after: int | None = 1  # lines already read: the header
    while after is not None:
        after = yield from _csv_records(path, header, after, delimiter)


def _csv_delimiter(header_line: str) -> str:
    """The comma, or the semicolon, tab or bar the header is separated by when it names `url` only
    split so (Excel writes semicolons where the comma is the decimal mark; "Unicode Text" is tabbed)."""
    for delimiter in (",", ";", "\t", "|"):
        names = next(csv.reader([header_line], delimiter=delimiter), [])
        if "url" in (name.strip().lower() for name in names):
            return delimiter
    return ","


#: undecodable bytes, as errors="surrogateescape" keeps them
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def _csv_text(raw) -> io.TextIOWrapper:
    # utf-8-sig: Excel starts a UTF-8 CSV with a byte-order mark, which would prefix the first column name
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")


def _csv_records(path: Path, header: list[str], after: int, delimiter: str = ","):
    """Yield the records after the first `after` lines. Returns None at the end of the file, or the
    line to start again after when a bad record took more than its own line."""
    with _csv_text(_open_binary(path)) as text:
        for _ in range(after):
            text.readline()
        reader = csv.reader(text, strict=True, delimiter=delimiter)
        while True:
            first = after + reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                yield first, BadRow(str(path), first, f"unreadable CSV record: {exc}")
                if after + reader.line_num > first:
                    return first  # it ran over the lines after it (a quote never closed): read them again
                continue
            if any(_NOT_UTF8.search(field) for field in record):
                yield first, BadRow(str(path), first, "not UTF-8 text")
            elif len(record) != len(header):
                yield first, BadRow(str(path), first, f"{len(record)} fields, header has {len(header)}")
            else:
                yield first, dict(zip(header, record))


def _values_one_by_one(batch) -> Iterator[dict | str]:
    """The rows of a batch that would not convert as a whole, value by value: a row holding a value
    Python cannot take (bytes that are not UTF-8, a date past the year 9999) comes as the reason it
    is skipped, and the others are read. The whole row group was lost for one such value, where
    JSONL or CSV lose its row."""
    for i in range(batch.num_rows):
        row: dict | str = {}
        for name in batch.schema.names:
            try:
                row[name] = batch.column(name)[i].as_py()
            except UnicodeDecodeError:
                row = f"{name!r} is not UTF-8 text"
                break
            except Exception as exc:  # noqa: BLE001 - pyarrow's and Python's several types
                row = f"{name!r} cannot be read: {str(exc)[:200]}"
                break
        yield row


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise IngestError(f"{path}: not a readable Parquet file: {exc}") from None
    columns = [name for name in parquet.schema_arrow.names if name in FIELDS]
    if "url" not in columns:
        raise IngestError(f"{path}: no 'url' column")
    # Row group by group: a damaged one costs its own rows, not those of the groups after it (read in
    # batches across groups, the batch holding it failed and the rest of the file was never read).
    start = 0
    for group in range(parquet.num_row_groups):
        size = parquet.metadata.row_group(group).num_rows
        number = start
        batches = parquet.iter_batches(batch_size=1000, columns=columns, row_groups=[group])
        try:
            for batch in batches:
                try:
                    rows = batch.to_pylist()
                except Exception:  # a value Python cannot hold: only its row is lost
                    rows = _values_one_by_one(batch)
                for row in rows:
                    number += 1
                    yield number, BadRow(str(path), number, row) if isinstance(row, str) else row
        except Exception as exc:  # pyarrow's several error types for damaged data
            first, last = number + 1, start + size
            lost = f"rows {first}-{last}" if last > first else f"row {first}"
            reason = f"damaged Parquet data: {lost} (row group {group + 1}) lost ({str(exc)[:200]})"
            yield number + 1, BadRow(str(path), number + 1, reason)
        start += size
