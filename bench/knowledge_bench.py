"""Knowledge-base benchmark: ingest throughput against bare encoding, search latency, cold start,
unchanged re-refresh and peak memory, all measured in one run on synthetic precedents.

    python bench/knowledge_bench.py [--precedents 10000] [--device cpu|cuda] [--json]

Targets (issue 2): ingest at least 0.8 of bare sentence-transformers throughput; warm search
p95 under 50 ms; unchanged re-refresh under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from synthetic import ASKS, TOPICS, synthetic_corpus

from knowledge.embeddings import SentenceEmbeddings
from knowledge.loaders import load_path
from knowledge.parser import parse_document
from knowledge.refresh import Ledger, Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore


def texts_embedded(folder: Path, settings: Settings) -> list[str]:
    """Exactly the texts an ingest embeds, read the same way."""
    texts: list[str] = []
    for path in sorted(folder.iterdir()):
        for document in load_path(path, settings.max_file_bytes):
            parsed = parse_document(document)
            texts += [p.question for p in parsed.precedents]
            texts += [x.text for x in parsed.exemption_precedents]
    return texts


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--precedents", type=int, default=10_000)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="foibot-bench-"))
    corpus = work / "corpus"
    letters = synthetic_corpus(corpus, args.precedents)
    settings = Settings(_env_file=None, data_dir=work / "data", embedding_device=args.device)  # type: ignore[call-arg]
    embeddings = SentenceEmbeddings(settings.embedding_model, device=args.device,
                                    batch_size=settings.embedding_batch_size)
    embeddings.embed_array(["warm the model up"] * 64)
    texts = texts_embedded(corpus, settings)
    figures: dict[str, object] = {"device": args.device, "letters": letters, "texts_embedded": len(texts)}

    started = time.perf_counter()
    embeddings.model.encode(texts, batch_size=settings.embedding_batch_size, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False)
    bare = time.perf_counter() - started
    figures["bare_encode_per_s"] = round(len(texts) / bare, 1)

    store = KnowledgeStore(settings)
    refresher = Refresher(settings, store, embeddings)
    started = time.perf_counter()
    summary = refresher.run([corpus])
    ingest = time.perf_counter() - started
    figures["precedents"] = summary.precedents_written
    figures["ingest_per_s"] = round(len(texts) / ingest, 1)
    figures["ingest_precedents_per_s"] = round(summary.precedents_written / ingest, 1)
    figures["ingest_ratio_to_bare"] = round(bare / ingest, 3)

    started = time.perf_counter()
    again = refresher.run([corpus])
    figures["unchanged_refresh_s"] = round(time.perf_counter() - started, 2)
    figures["unchanged_refresh_changed"] = again.added + again.updated + again.removed

    rng = random.Random(11)
    ledger = Ledger(settings.ledger_path)
    latencies = []
    for _ in range(args.queries):
        query = f"{rng.choice(ASKS[:3]).format(t=rng.choice(TOPICS), y=2021, o='force')}"
        started = time.perf_counter()
        vector = embeddings.embed_array([query])[0]
        store.search(vector, k=5, exclude_ids=ledger.pending_ids())
        latencies.append(1000 * (time.perf_counter() - started))
    figures["search_ms_p50"] = round(statistics.median(latencies), 1)
    figures["search_ms_p95"] = round(percentile(latencies, 0.95), 1)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    foibot = str(Path(sys.executable).parent / "foibot")
    env = dict(os.environ, FOIBOT_DATA_DIR=str(settings.data_dir))
    cold = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([foibot, "search", "speed cameras in 2021", "-k", "5"], env=env, check=True,
                       capture_output=True)
        cold.append(time.perf_counter() - started)
    figures["cli_search_cold_s"] = round(statistics.median(cold), 2)
    started = time.perf_counter()
    subprocess.run([foibot, "exemption", "s31"], env=env, check=True, capture_output=True)
    figures["cli_exemption_cold_s"] = round(time.perf_counter() - started, 2)
    figures["cli_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)

    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:28} {value}")
        print(f"\ntargets: ingest ratio >= 0.8 ({figures['ingest_ratio_to_bare']}), "
              f"search p95 < 50 ms ({figures['search_ms_p95']}), "
              f"unchanged refresh < 5 s ({figures['unchanged_refresh_s']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
