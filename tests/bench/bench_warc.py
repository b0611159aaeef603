"""WARC ingest rate: every real page in ../shared/corpora/pages written as a response record of one
gzipped WARC (as CC-NEWS ships them), then `provtrack ingest x.warc.gz` (clean + credits + store, all
cores, process start included) against bare trafilatura.extract over the same records in one process.

    python tests/bench/bench_warc.py [--copies 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipelines.archive import WarcArchive  # noqa: E402
from tests.fixtures.crawl.mockweb import corpus_pages  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="write each page this many times (new URLs)")
    args = parser.parse_args()
    if not (CORPORA / "pages").exists():
        print(f"skipped: {CORPORA / 'pages'} not found (the real corpora live in ../shared/corpora)")
        return 0
    import trafilatura

    pages = corpus_pages(CORPORA)
    with tempfile.TemporaryDirectory() as tmp:
        archive = WarcArchive(Path(tmp), "bench.warc.gz")
        records = []
        for copy in range(args.copies):
            for i, html in enumerate(pages):
                url = f"https://site{i % 40}.example/news/{copy}/{i}.html"
                archive.write(url, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], html)
                records.append(html)
        archive.close()
        size_mb = (Path(tmp) / "bench.warc.gz").stat().st_size / 1e6

        started = time.perf_counter()
        for html in records:
            trafilatura.extract(html.decode("utf-8", errors="replace"))
        bare = time.perf_counter() - started

        started = time.perf_counter()
        result = subprocess.run(
            [str(Path(sys.executable).with_name("provtrack")), "--db", f"{tmp}/w.duckdb", "ingest",
             f"{tmp}/bench.warc.gz"],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        ingest = time.perf_counter() - started
    n = len(records)
    print(result.stdout.strip())
    print(f"records: {n} HTML responses, {size_mb:.1f} MB gzipped WARC")
    print(f"bare trafilatura.extract: {n / bare:6.1f} records/s (1 process)")
    print(f"provtrack ingest .warc.gz: {n / ingest:6.1f} records/s (clean + credits + store, all cores)")
    print(f"ratio {bare / ingest:.2f} (exit code {result.returncode})")
    return 0 if result.returncode in (0, 3) else 1


if __name__ == "__main__":
    sys.exit(main())
