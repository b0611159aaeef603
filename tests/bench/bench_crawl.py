"""Crawl throughput: a mock news web around every real page in ../shared/corpora/pages, served on
loopback, crawled with politeness off (-s), end to end (fetch + clean + credits + store); reported as
pages/s divided by bare trafilatura.extract pages/s over the same pages in one process, with peak RSS.
Target ratio >= 1.5 on a 2-core machine (cleaning runs in a process pool beside the reactor).

    python tests/bench/bench_crawl.py [--hosts 4] [--limit N] [--extract-only] [--repeat N]

--extract-only swaps provtrack's cleaning for trafilatura's fast extraction alone (no metadata, dates,
credits regions or credits): the same crawl with provtrack's own per-page work taken out, to show how
much of the gap to the target that work is. --repeat N runs N rounds, each a bare extraction then a
crawl, and reports the median of their ratios: on a shared machine one round varies by +-0.08.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipelines.sample_web import SampleWeb  # noqa: E402
from tests.fixtures.crawl.mockweb import build_news_web, corpus_pages  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
# The `provtrack` script may come from an editable install of another checkout: measure this tree's code.
THIS_TREE_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}
POLITENESS_OFF = [
    "-s",
    "ROBOTSTXT_OBEY=False",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "CONCURRENT_REQUESTS=32",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s",
    "RETRY_TIMES=0",
]


EXTRACT_ONLY = Path(__file__).with_name("extract_only_provtrack.py")


def bare_extract_rate(pages: list[bytes]) -> tuple[float, float]:
    import trafilatura

    start = time.perf_counter()
    for html in pages:
        trafilatura.extract(html.decode("utf-8", errors="replace"))
    elapsed = time.perf_counter() - start
    return len(pages) / elapsed, elapsed


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the cleaning pool), in kB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def own_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process so far, its children not included (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    """A finished command: its output, wall time, peak RSS with its children, and its own CPU."""

    returncode: int
    out: str
    err: str
    seconds: float
    peak_rss_kb: int
    own_cpu_s: float  # the last sample, up to one interval before it exited


def run_measured(command: list[str], interval: float = 0.1) -> Measured:
    """Run `command` on this tree's code, sampling its process tree's memory and its own CPU."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=THIS_TREE_ENV
    )
    peak, own_cpu = [0], [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(process.pid))
            own_cpu[0] = own_cpu_seconds(process.pid) or own_cpu[0]
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    return Measured(process.returncode, out, err, seconds, peak[0], own_cpu[0])


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl_once(tmp: Path, web_root: Path, sites: list[dict], extract_only: bool) -> tuple[Measured, dict]:
    """One crawl of the mock web into a fresh database: the measured run and the database's counts."""
    tmp.mkdir(parents=True)
    db = tmp / "bench.duckdb"
    # the registries once, outside the timing: every crawl run pays it only on a fresh database
    empty = tmp / "empty.jsonl"
    empty.write_text("")
    subprocess.run(
        [str(Path(sys.executable).with_name("provtrack")), "--db", str(db), "ingest", str(empty)],
        check=True,
        capture_output=True,
        env=THIS_TREE_ENV,
    )
    with SampleWeb(web_root) as web:
        provtrack = (
            [sys.executable, str(EXTRACT_ONLY)]
            if extract_only
            else [str(Path(sys.executable).with_name("provtrack"))]
        )
        command = [
            *provtrack,
            "--db",
            str(db),
            "crawl",
            "--no-link",
            *(x for s in sites for x in ("--sitemap", s["sitemap"])),
            "-s",
            f"PROVTRACK_PROXY={web.proxy}",
            *POLITENESS_OFF,
        ]
        cpu_before = children_cpu_seconds()
        server_cpu_before = time.process_time()  # this process: the mock web's server threads
        run = run_measured(command)
        # the crawl and its cleaning workers, all waited for by now
        total_cpu = children_cpu_seconds() - cpu_before
        server_cpu = time.process_time() - server_cpu_before
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    counts = {
        "stored": con.execute("SELECT count(*) FROM articles").fetchall()[0][0],
        "fetched": con.execute("SELECT count(*) FROM fetches WHERE kind = 'article'").fetchall()[0][0],
        "titled": con.execute("SELECT count(*) FROM articles WHERE title IS NOT NULL").fetchall()[0][0],
        "total_cpu": total_cpu,
        "server_cpu": server_cpu,
    }
    con.close()
    return run, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pages")
    parser.add_argument(
        "--extract-only", action="store_true", help="clean with trafilatura's fast extraction alone"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of (bare extraction, crawl), each ratio from its own round; the median is reported",
    )
    args = parser.parse_args()
    if not (CORPORA / "pages").exists():
        print(f"skipped: {CORPORA / 'pages'} not found (the real corpora live in ../shared/corpora)")
        return 0
    pages = corpus_pages(CORPORA, args.limit)
    ratios, worst = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sites = build_news_web(tmp / "web", pages, hosts=args.hosts)
        for round_number in range(1, max(1, args.repeat) + 1):
            bare_rate, bare_s = bare_extract_rate(pages)
            run, counts = crawl_once(tmp / f"round{round_number}", tmp / "web", sites, args.extract_only)
            code = report(args, pages, bare_rate, bare_s, run, counts)
            worst = max(worst, code)
            if code == 0:
                ratios.append(counts["fetched"] / run.seconds / bare_rate)
    if len(ratios) > 1:
        print(
            f"{len(ratios)} rounds: median ratio {statistics.median(ratios):.2f} "
            f"(range {min(ratios):.2f}-{max(ratios):.2f}; each against the bare extraction of its own round)"
        )
    return worst


def report(args, pages: list[bytes], bare_rate: float, bare_s: float, run: Measured, counts: dict) -> int:
    """Print one round's figures; 0, or 1 when the round's rate means nothing."""
    fetched, stored, titled = counts["fetched"], counts["stored"], counts["titled"]
    total_cpu, server_cpu = counts["total_cpu"], counts["server_cpu"]
    crawl_rate = fetched / run.seconds
    result = {
        "pages": len(pages),
        "article_fetches": fetched,
        "stored": stored,
        "bare_extract_pages_per_s": round(bare_rate, 1),
        "crawl_pages_per_s": round(crawl_rate, 1),
        "ratio": round(crawl_rate / bare_rate, 2),
        "crawl_seconds": round(run.seconds, 1),
        "bare_seconds": round(bare_s, 1),
        "peak_rss_mb": round(run.peak_rss_kb / 1024, 1),
        # where the CPU went: the crawler process (Scrapy, WARC, store) and the cleaning pool; the
        # crawler's figure is its last sample, up to 0.1 s before it exited
        "crawler_process_cpu_s": round(run.own_cpu_s, 1),
        "cleaning_workers_cpu_s": round(total_cpu - run.own_cpu_s, 1),
        # the mock web's server shares the two cores with the crawl; a real crawl's servers are elsewhere
        "mock_web_server_cpu_s": round(server_cpu, 1),
        "bench_process_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cores": os.cpu_count(),
        "cleaning": "trafilatura fast extraction only" if args.extract_only else "provtrack clean_page",
        "exit_code": run.returncode,
    }
    print(json.dumps(result, indent=2))
    if run.returncode != 0:  # the rate stands, but a source or page failed: say which
        print(f"warning: the crawl exited {run.returncode}:\n{run.err[-2000:]}")
    if stored < 0.95 * fetched:
        print(f"error: only {stored} of {fetched} fetched pages were stored; the rate means nothing")
        return 1
    if args.extract_only and titled:
        print(f"error: {titled} articles have a title: the extract-only swap did not reach the workers")
        return 1
    if os.cpu_count() == 1:
        print("note: one core, so cleaning ran as a thread of the crawler; the CPU split is not meaningful")
    if run.returncode not in (0, 3):  # its stderr is printed above
        return 1
    print(
        f"crawl end to end {crawl_rate:.1f} pages/s vs bare trafilatura.extract {bare_rate:.1f} pages/s: "
        f"ratio {crawl_rate / bare_rate:.2f} (target >= 1.5); peak RSS {run.peak_rss_kb / 1024:.0f} MB; "
        f"CPU {run.own_cpu_s:.1f} s crawler + {total_cpu - run.own_cpu_s:.1f} s cleaning workers "
        f"in {run.seconds:.1f} s on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
