"""Drafting metrics, leave one document out, for any corpus in DESIGN.md's format.

The corpus is embedded once into a scratch store; each manifest question is then drafted
from its text alone with its own document excluded at query time.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cases import CaseStore
from bot.service import CaseService
from knowledge.citations import section_key
from knowledge.embeddings import SentenceEmbeddings
from knowledge.evaluation import evaluate_reading, exemption_counts, f1, load_labelled, read_manifest
from knowledge.exemptions import load_library
from knowledge.loaders import LoadError
from knowledge.parser import detect_regime
from knowledge.refresh import Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from bot.llm.drafter import LLMDrafter


def evaluate(corpus: Path, settings: Settings, embeddings: SentenceEmbeddings,
             llm: LLMDrafter | None = None) -> dict[str, Any]:
    """Reading and drafting metrics with DESIGN.md's key names; with `llm`, the model's under "llm"."""
    reading = evaluate_reading(corpus, settings.max_file_bytes)
    reading.pop("details", None)
    with tempfile.TemporaryDirectory(prefix="foibot-eval-") as scratch:
        scratch_settings = settings.model_copy(update={
            "data_dir": Path(scratch), "chroma_host": None, "database_url": "sqlite://",
            "collection_prefix": "foibot_eval",
        })
        store = KnowledgeStore(scratch_settings)
        refresher = Refresher(scratch_settings, store, embeddings)
        try:
            refresher.run([corpus], prune=False)
        finally:
            refresher.close()
        service = CaseService(scratch_settings, store, embeddings, load_library(), CaseStore("sqlite://"))
        drafting = _drafting(corpus, settings, service, llm)
    return {**reading, **drafting}


def _drafting(corpus: Path, settings: Settings, service: CaseService, llm: LLMDrafter | None = None) -> dict[str, Any]:
    entries = read_manifest(corpus)
    truth: list[str] = []
    predicted: list[str] = []
    predicted_exemptions: list[tuple[str, ...]] = []
    true_exemptions: list[tuple[str, ...]] = []
    hits_at_5 = 0
    latencies: list[float] = []
    scores = None
    if llm is not None:
        from bot.llm.evaluation import LLMScores

        scores = LLMScores(llm)
    for entry in entries:
        try:
            document = load_labelled(corpus, entry, settings.max_file_bytes)
        except LoadError:
            continue
        regime = detect_regime(document.text + "\n" + document.request)
        source = document.source if "#" in document.source else str(Path(document.source).resolve())
        for question, disposition, exemptions in zip(entry.questions, entry.dispositions, entry.exemptions,
                                                     strict=True):
            started = time.perf_counter()
            vectors = service.embeddings.embed_array([question])
            candidates = service.drafter.retrieve([question], exclude_source=source, vectors=vectors)[0]
            draft = service.drafter.draft(question, candidates, regime)
            latencies.append(1000 * (time.perf_counter() - started))
            truth.append(disposition)
            predicted.append(draft.disposition.value)
            predicted_exemptions.append(draft.exemptions)
            true_exemptions.append(tuple(exemptions))
            if scores is not None:
                scores.add(question, candidates, regime, draft, latencies[-1])
            hits_at_5 += any(c.hit.disposition == disposition for c in candidates[:5])
    if not truth:
        return {"questions_drafted": 0}
    tp, n_pred, n_true = exemption_counts(predicted_exemptions, true_exemptions)
    precision, recall, score = f1(tp, n_pred, n_true)
    most_common = Counter(truth).most_common(1)[0][0]
    report = {
        "disposition_accuracy": round(sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth), 3),
        "exemption_precision": round(precision, 3),
        "exemption_recall": round(recall, 3),
        "exemption_f1": round(score, 3),
        "hit_at_5": round(hits_at_5 / len(truth), 3),
        "baseline_disposition_accuracy": round(sum(t == most_common for t in truth) / len(truth), 3),
        "baseline_label": most_common,
        "draft_ms_p50": round(statistics.median(latencies), 1),
        "draft_ms_p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
        "questions_drafted": len(truth),
        "confusion": _confusion(truth, predicted),
        "section_keys_compared": sorted({section_key(e) for t in true_exemptions for e in t}),
    }
    if scores is not None:
        report["llm"] = scores.report(truth, true_exemptions)
    return report


def _confusion(truth: list[str], predicted: list[str]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = {}
    for t, p in zip(truth, predicted, strict=True):
        table.setdefault(t, Counter())[p] += 1
    return {label: dict(counts.most_common()) for label, counts in sorted(table.items())}

