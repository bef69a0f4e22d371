"""Crawler benchmark: throughput against a local disclosure log, and the cost of an unchanged re-crawl.

    python bench/crawl_bench.py [--responses 300] [--json]

Serves a synthetic disclosure log (paginated listings, one response page per request) on
127.0.0.1 and crawls it with the politeness delay set to zero: pages a second on the first
crawl (fetch, parse, embed, write), then the requests made and seconds taken by a second
crawl of the unchanged site (conditional requests only, nothing embedded).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the fake site lives with the tests

from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Refresher
from knowledge.settings import Settings
from knowledge.sources import refresh_sources
from knowledge.store import KnowledgeStore
from tests.disclosure_site import LOG, synthetic_site


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    site = synthetic_site(args.responses).start()
    embeddings = SentenceEmbeddings("all-MiniLM-L6-v2")
    embeddings.embed_array(["load the model before timing"])
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(_env_file=None, data_dir=Path(folder), crawl_delay=0,  # type: ignore[call-arg]
                                crawl_max_pages=args.responses * 2 + 100)
            refresher = Refresher(settings, KnowledgeStore(settings), embeddings)
            started = time.perf_counter()
            first = refresh_sources(refresher, [site.base + LOG])
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            again = refresh_sources(refresher, [site.base + LOG])
            again_s = time.perf_counter() - started
            refresher.close()
    finally:
        site.stop()
    pages = first.requests - 1  # less robots.txt
    report = {
        "responses": args.responses,
        "first_crawl_pages": pages,
        "first_crawl_seconds": round(first_s, 2),
        "pages_per_second": round(pages / first_s, 1),
        "precedents_written": first.precedents_written,
        "added": first.added,
        "recrawl_requests": again.requests,
        "recrawl_not_modified": sum(1 for hit in site.hits() if hit.status == 304),
        "recrawl_seconds": round(again_s, 2),
        "recrawl_changed": again.added + again.updated + again.removed,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"crawl: {pages} pages ({first.added} responses, {first.precedents_written} precedents) in "
              f"{first_s:.1f} s = {report['pages_per_second']} pages/s (politeness delay 0)")
        print(f"unchanged re-crawl: {again.requests} requests ({report['recrawl_not_modified']} answered 304), "
              f"{again_s:.2f} s, {report['recrawl_changed']} changes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
