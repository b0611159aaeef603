"""Ingest throughput: text rows/s; html rows/s relative to bare trafilatura.extract on the same
pages (../shared/corpora/pages), both in this run; peak RSS while ingesting a >= 1 GB JSONL.

    python tests/bench/bench_ingest.py [--gb 1.0] [--skip-big]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"


def _provtrack(db: Path, *args: str) -> tuple[float, str, int]:
    """Run provtrack in a child process; returns (seconds, stdout, child's peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", "from pipelines.cli import main; main()", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    if out.returncode not in (0, 3):
        raise SystemExit(f"provtrack {' '.join(args)} failed: {out.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, out.stdout.strip(), max(peak, before) // 1024


def real_pages() -> list[tuple[str, str]]:
    pages = []
    for path in sorted((CORPORA / "pages").rglob("*.html.gz")):
        html = gzip.open(path, "rb").read().decode("utf-8", errors="replace")
        pages.append((f"https://bench.example/{path.parent.name}/{path.name.removesuffix('.html.gz')}", html))
    return pages


def meter_texts() -> list[dict]:
    with open(CORPORA / "meter" / "meter-dev.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def bench_text_rows(tmp: Path, rows: int = 20_000) -> None:
    source = meter_texts()
    path = tmp / "text.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            row = dict(source[i % len(source)])
            row["url"] = f"https://text.example/{i}"
            handle.write(json.dumps(row) + "\n")
    seconds, summary, _ = _provtrack(tmp / "text.duckdb", "ingest", str(path))
    print(
        f"text rows: {rows} in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
        f"(process start included) [{summary}]"
    )


def bench_html_rows(tmp: Path) -> None:
    pages = real_pages()
    if not pages:
        print("html rows: skipped, no pages under", CORPORA / "pages")
        return
    path = tmp / "html.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for url, html in pages:
            handle.write(json.dumps({"url": url, "html": html}) + "\n")
    started = time.perf_counter()
    for url, html in pages:
        trafilatura.extract(html, url=url)
    bare = time.perf_counter() - started
    seconds, summary, _ = _provtrack(tmp / "html.duckdb", "ingest", str(path))
    print(
        f"bare trafilatura.extract: {len(pages)} pages in {bare:.1f} s = "
        f"{len(pages) / bare:.1f} pages/s (1 process)"
    )
    print(
        f"provtrack ingest html:    {len(pages)} pages in {seconds:.1f} s = "
        f"{len(pages) / seconds:.1f} pages/s "
        f"(clean + credits + store, {os.cpu_count()} cores) [{summary}]"
    )
    print(f"ratio ingest / bare trafilatura: {bare / seconds:.2f}")


def bench_big_file(tmp: Path, gigabytes: float) -> None:
    source = meter_texts()
    path = tmp / "big.jsonl"
    written, i = 0, 0
    target = int(gigabytes * 1024**3)
    with open(path, "w", encoding="utf-8") as handle:
        while written < target:
            row = dict(source[i % len(source)])
            row["url"] = f"https://big.example/{i}"
            row["text"] = (row["text"] + "\n") * 4  # ~12 KB rows
            line = json.dumps(row) + "\n"
            handle.write(line)
            written += len(line)
            i += 1
    print(f"big file: {written / 1024**3:.2f} GB, {i:,} rows", flush=True)
    seconds, summary, peak = _provtrack(tmp / "big.duckdb", "ingest", str(path))
    print(
        f"big file ingest: {seconds:.0f} s = {i / seconds:,.0f} rows/s, "
        f"{written / 1024**2 / seconds:.1f} MB/s; "
        f"peak RSS {peak} MB (target < 1024 MB) [{summary}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.05)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    if not CORPORA.exists():
        print(f"skipped: {CORPORA} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        bench_text_rows(Path(tmp))
        bench_html_rows(Path(tmp))
        if not args.skip_big:
            bench_big_file(Path(tmp), args.gb)


if __name__ == "__main__":
    main()
