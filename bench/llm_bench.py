"""LLM drafting overhead: a 7-question request drafted through the LLM path against a local
OpenAI-compatible server that answers at once, as a ratio to the precedent drafter's time
in the same run (the same store, the same request, interleaved runs).

    python bench/llm_bench.py [--precedents 2000] [--runs 20] [--json]

Target (issue 5): ratio at most 1.5, i.e. foibot's own overhead around the model stays small.
The server is tests/llm_fake.py in its own process. The LLM path includes the precedent
draft (computed first, as the fallback), redaction and prompts, the real langchain-openai
client over HTTP (one response; streamed only when a surface shows progress), parsing and
validation, with the questions drafted concurrently.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from drafting_bench import REQUEST
from synthetic import synthetic_store

from bot.cases import CaseStore
from bot.llm.providers import build_llm_drafter
from bot.models import WarningKind
from bot.service import CaseService
from knowledge.exemptions import load_library

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Build a store, then time both drafters on the same request, alternating."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--precedents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    built = synthetic_store(args.precedents, "foibot-llm-bench-")
    settings, store, embeddings = built.settings, built.store, built.embeddings
    library = load_library()
    # The model server runs in its own process, as a real one would, so it does not share foibot's GIL.
    server = subprocess.Popen([sys.executable, "-m", "tests.llm_fake"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = (server.stdout.readline() if server.stdout else "").strip()
        llm_settings = settings.model_copy(update={
            "llm_provider": "openai-compatible", "llm_base_url": url, "llm_model": "bench", "llm_timeout": 30.0,
        })
        plain = CaseService(settings, store, embeddings, library, CaseStore("sqlite://"))
        with_llm = CaseService(llm_settings, store, embeddings, library, CaseStore("sqlite://"),
                               build_llm_drafter(llm_settings, library))
        plain.open_case(REQUEST)  # warm: model weights, Chroma index, HTTP client
        with_llm.open_case(REQUEST)
        precedent_ms: list[float] = []
        llm_ms: list[float] = []
        fallbacks = 0
        for run in range(args.runs):
            # Alternate which goes first, so neither gains from the other's warm caches.
            for service, timings in ((plain, precedent_ms), (with_llm, llm_ms))[:: 1 if run % 2 else -1]:
                started = time.perf_counter()
                case = service.open_case(REQUEST)
                timings.append(1000 * (time.perf_counter() - started))
                if service is with_llm:
                    fallbacks += sum(q.draft.warned(WarningKind.MODEL_FALLBACK) for q in case.questions)
    finally:
        server.terminate()
        server.wait(timeout=10)
    ratio = statistics.median(llm_ms) / statistics.median(precedent_ms)
    figures = {
        "questions": len(case.questions),
        "runs": args.runs,
        "precedent_ms_p50": round(statistics.median(precedent_ms), 1),
        "llm_ms_p50": round(statistics.median(llm_ms), 1),
        "ratio_p50": round(ratio, 2),
        "llm_fallbacks": fallbacks,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:24} {value}")
        print(f"\ntarget: ratio at most 1.5 ({figures['ratio_p50']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
