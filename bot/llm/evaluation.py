"""The LLM drafter's scores on an evaluation corpus, next to the precedent drafter's (`foibot eval --llm`)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from bot.drafting import Candidate
from bot.llm.drafter import LLMDrafter
from bot.models import Draft, WarningKind
from knowledge.evaluation import exemption_counts, f1
from knowledge.models import Regime


class LLMScores:
    """Drafts each evaluated question with the model too, and scores them with DESIGN.md's keys."""

    def __init__(self, llm: LLMDrafter) -> None:
        self.llm = llm
        self.predicted: list[str] = []
        self.exemptions: list[tuple[str, ...]] = []
        self.latencies: list[float] = []
        self.fallbacks = 0

    def add(self, question: str, candidates: list[Candidate], regime: Regime, precedent_draft: Draft,
            precedent_ms: float = 0.0) -> None:
        """Draft one question with the model, the precedent draft (which took `precedent_ms`) as its fallback."""
        started = time.perf_counter()
        draft = self.llm.draft(question, candidates, regime, precedent_draft)
        # The LLM path includes retrieval and the precedent draft, so its latency does too.
        self.latencies.append(precedent_ms + 1000 * (time.perf_counter() - started))
        self.predicted.append(draft.disposition.value)
        self.exemptions.append(draft.exemptions)
        self.fallbacks += draft.warned(WarningKind.MODEL_FALLBACK)

    def report(self, truth: list[str], true_exemptions: list[tuple[str, ...]]) -> dict[str, Any]:
        """Disposition accuracy, exemption precision/recall/F1, latency and how often it fell back."""
        if not truth:
            return {}
        tp, n_pred, n_true = exemption_counts(self.exemptions, true_exemptions)
        precision, recall, score = f1(tp, n_pred, n_true)
        return {
            "model": self.llm.name,
            "disposition_accuracy": round(sum(p == t for p, t in zip(self.predicted, truth, strict=True))
                                          / len(truth), 3),
            "exemption_precision": round(precision, 3),
            "exemption_recall": round(recall, 3),
            "exemption_f1": round(score, 3),
            "draft_ms_p50": round(statistics.median(self.latencies), 1),
            "draft_ms_p95": round(sorted(self.latencies)[int(0.95 * (len(self.latencies) - 1))], 1),
            "fallbacks": self.fallbacks,
        }
