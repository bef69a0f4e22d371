"""Drafting metrics for any corpus in DESIGN.md's format.

Each manifest question is drafted from its text alone: against a store of all the other documents
of the corpus (embedded once, the question's own document excluded at query time), or with
`store_dir` against a store built elsewhere (an authority's own history), the corpus's documents
excluded from it by content. Besides the top option's accuracy, the report says how good the
ranked list is (top 3), how precise foibot's single proposals are and how many questions get one,
whether its probabilities are calibrated (expected calibration error), and, with each question's
true disposition given as a caseworker's "Q2 not held" would give it, how right the exemptions are
and how often the wording carries a fact from another authority's letter.
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cases import CaseStore
from bot.drafting import Candidate, Drafter, in_request_context
from bot.facts import foreign_facts
from bot.service import CaseService
from knowledge.citations import section_key
from knowledge.embeddings import SentenceEmbeddings
from knowledge.evaluation import evaluate_reading, exemption_counts, f1, load_labelled, read_manifest
from knowledge.exemptions import load_library
from knowledge.loaders import LoadError
from knowledge.models import Disposition, Regime
from knowledge.parser import detect_regime
from knowledge.refresh import Ledger, Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from bot.llm.drafter import LLMDrafter

CALIBRATION_BINS = 10


def evaluate(corpus: Path, settings: Settings, embeddings: SentenceEmbeddings,
             llm: LLMDrafter | None = None, store_dir: Path | None = None,
             reading: bool = True) -> dict[str, Any]:
    """Reading and drafting metrics with DESIGN.md's key names; with `llm`, the model's under "llm"."""
    report: dict[str, Any] = {}
    if reading:
        report = evaluate_reading(corpus, settings.max_file_bytes)
        report.pop("details", None)
    if store_dir is not None:
        other = settings.model_copy(update={"data_dir": store_dir, "chroma_host": None})
        store = KnowledgeStore(other)
        store.check_model()
        excluded = _records_matching(corpus, other)
        service = CaseService(other, store, embeddings, load_library(), CaseStore("sqlite://"))
        drafting = _drafting(corpus, settings, service, llm, excluded=excluded)
        drafting["store"] = str(store_dir)
        return {**report, **drafting}
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
    return {**report, **drafting}


def _records_matching(corpus: Path, store_settings: Settings) -> dict[str, frozenset[str]]:
    """For each corpus file, the ids of the store's records read from a file with the same content."""
    ledger = Ledger(store_settings.ledger_path)
    try:
        by_digest: dict[str, list[str]] = {}
        for digest, ids in ledger.contents().values():
            by_digest.setdefault(digest, []).extend(ids)
    finally:
        ledger.close()
    matched: dict[str, frozenset[str]] = {}
    for entry in read_manifest(corpus):
        path = corpus / entry.file
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            matched[entry.file] = frozenset(by_digest.get(digest, ()))
    return matched


@dataclass
class _Tally:
    truth: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)
    top3: list[list[str]] = field(default_factory=list)
    confidence: list[float] = field(default_factory=list)
    proposed: list[bool] = field(default_factory=list)
    predicted_exemptions: list[tuple[str, ...]] = field(default_factory=list)
    true_exemptions: list[tuple[str, ...]] = field(default_factory=list)
    given_exemptions: list[tuple[str, ...]] = field(default_factory=list)
    foreign: list[bool] = field(default_factory=list)
    hits_at_5: int = 0
    placeholders: int = 0
    outcome_unknown: int = 0
    latencies: list[float] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)


def _drafting(corpus: Path, settings: Settings, service: CaseService, llm: LLMDrafter | None = None,
              excluded: dict[str, frozenset[str]] | None = None) -> dict[str, Any]:
    entries = read_manifest(corpus)
    tally = _Tally()
    scores = None
    if llm is not None:
        from bot.llm.evaluation import LLMScores

        scores = LLMScores(llm)
    drafter = service.drafter
    for entry in entries:
        try:
            document = load_labelled(corpus, entry, settings.max_file_bytes)
        except LoadError:
            continue
        regime = entry.regime or detect_regime(document.request + "\n" + document.text)
        source = document.source if "#" in document.source else str(Path(document.source).resolve())
        exclude_ids = (excluded or {}).get(entry.file, frozenset())
        exclude_source = None if excluded is not None else source
        in_text = entry.answer_in_text or (True,) * len(entry.questions)
        request_vectors = in_request_context(entry.questions, service.embeddings.embed_array(list(entry.questions)))
        for question, disposition, exemptions, known, vector in zip(
                entry.questions, entry.dispositions, entry.exemptions, in_text, request_vectors, strict=True):
            if disposition == Disposition.OTHER.value and not known:
                # "See attached", the attachment absent: nobody knows the outcome, so no draft can be
                # scored against it (the baseline is counted on the same questions).
                tally.outcome_unknown += 1
                continue
            started = time.perf_counter()
            vectors = vector[None, :]
            candidates = drafter.retrieve([question], exclude_ids=exclude_ids, exclude_source=exclude_source,
                                          vectors=vectors)[0]
            cues = service.question_cues(question, regime, candidates)
            reasoning = drafter.retrieve_reasoning(vectors[0], _sections(candidates, cues), exclude_source)
            draft = drafter.draft(question, candidates, regime, cues, reasoning)
            tally.latencies.append(1000 * (time.perf_counter() - started))
            tally.truth.append(disposition)
            # The top option, as offered: a placeholder states no outcome but still ranks the options.
            tally.top.append(draft.options[0].disposition.value if draft.options else draft.disposition.value)
            tally.placeholders += draft.placeholder
            tally.top3.append([option.disposition.value for option in draft.options[:3]] or [draft.disposition.value])
            tally.confidence.append(draft.options[0].probability if draft.options else draft.confidence)
            tally.proposed.append(draft.proposed)
            tally.predicted_exemptions.append(draft.exemptions)
            tally.true_exemptions.append(tuple(exemptions))
            given = _given(drafter, question, Disposition(disposition), candidates, cues, regime, reasoning)
            tally.given_exemptions.append(given.exemptions)
            own_answers = [c.hit.answer for c in candidates if drafter.is_own(c.hit.authority, c.hit.regime, regime)]
            allowed = drafter.trusted_text(question, given.exemptions, regime, own_answers)
            foreign = foreign_facts(given.wording, allowed)
            tally.foreign.append(bool(foreign))
            if scores is not None:
                scores.add(question, candidates, regime, draft, tally.latencies[-1])
            tally.hits_at_5 += any(c.hit.disposition == disposition for c in candidates[:5])
            tally.details.append({
                "file": entry.file, "question": question, "disposition": disposition,
                "exemptions": list(exemptions), "options": [[o.disposition.value, o.probability]
                                                            for o in draft.options],
                "proposed": draft.proposed, "basis": draft.basis, "given_exemptions": list(given.exemptions),
                "cues": [cue.kind.value for cue in cues],
                "precedents": [[c.hit.source, round(c.hit.score, 3)] for c in candidates[:3]],
                "foreign_facts": [fact.text for fact in foreign],
            })
    if not tally.truth:
        return {"questions_drafted": 0, "questions_outcome_unknown": tally.outcome_unknown}
    report = _report(tally)
    if scores is not None:
        report["llm"] = scores.report(tally.truth, tally.true_exemptions)
    return report


def _sections(candidates: list[Candidate], cues: Any) -> list[str]:
    return list(dict.fromkeys([*(e for c in candidates for e in c.hit.exemptions),
                               *(s for cue in cues for s in cue.sections)]))


def _given(drafter: Drafter, question: str, disposition: Disposition, candidates: list[Candidate], cues: Any,
           regime: Regime, reasoning: Any) -> Any:
    """The option a caseworker gets by saying "Qn <disposition>": its exemptions and wording."""
    usable = [c for c in candidates if c.hit.answer_in_text]
    return drafter._option(question, disposition, 1.0, usable, cues, regime, reasoning)


def _report(tally: _Tally) -> dict[str, Any]:
    n = len(tally.truth)
    tp, n_pred, n_true = exemption_counts(tally.predicted_exemptions, tally.true_exemptions)
    precision, recall, score = f1(tp, n_pred, n_true)
    gtp, gpred, gtrue = exemption_counts(tally.given_exemptions, tally.true_exemptions)
    _, _, given_f1 = f1(gtp, gpred, gtrue)
    ranking = [label for label, _ in Counter(tally.truth).most_common()]
    most_common = ranking[0]
    proposals = [top == truth for top, truth, proposed in zip(tally.top, tally.truth, tally.proposed, strict=True)
                 if proposed]
    correct = [top == truth for top, truth in zip(tally.top, tally.truth, strict=True)]
    return {
        "questions_drafted": n,
        "questions_outcome_unknown": tally.outcome_unknown,
        "disposition_accuracy": round(sum(correct) / n, 3),
        "top3_disposition_accuracy": round(sum(t in top3 for t, top3 in zip(tally.truth, tally.top3, strict=True)) / n,
                                           3),
        "baseline_disposition_accuracy": round(sum(t == most_common for t in tally.truth) / n, 3),
        "baseline_top3_disposition_accuracy": round(sum(t in ranking[:3] for t in tally.truth) / n, 3),
        "baseline_label": most_common,
        "proposal_precision": round(sum(proposals) / len(proposals), 3) if proposals else None,
        "proposal_coverage": round(len(proposals) / n, 3),
        "placeholder_rate": round(tally.placeholders / n, 3),
        "calibration_error": round(calibration_error(tally.confidence, correct), 3),
        "exemption_precision": round(precision, 3),
        "exemption_recall": round(recall, 3),
        "exemption_f1": round(score, 3),
        "given_disposition_exemption_f1": round(given_f1, 3),
        "foreign_fact_rate": round(sum(tally.foreign) / n, 3),
        "hit_at_5": round(tally.hits_at_5 / n, 3),
        "draft_ms_p50": round(statistics.median(tally.latencies), 1),
        "draft_ms_p95": round(sorted(tally.latencies)[int(0.95 * (n - 1))], 1),
        "confusion": _confusion(tally.truth, tally.top),
        "section_keys_compared": sorted({section_key(e) for t in tally.true_exemptions for e in t}),
        "drafting_details": tally.details,
    }


def calibration_error(confidence: list[float], correct: list[bool], bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error of the top option: |accuracy - confidence| per bin, weighted by its size."""
    if not confidence:
        return 0.0
    total = 0.0
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        members = [i for i, p in enumerate(confidence) if low <= p < high or (index == bins - 1 and p == 1.0)]
        if not members:
            continue
        accuracy = sum(correct[i] for i in members) / len(members)
        mean = sum(confidence[i] for i in members) / len(members)
        total += len(members) / len(confidence) * abs(accuracy - mean)
    return total


def _confusion(truth: list[str], predicted: list[str]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = {}
    for t, p in zip(truth, predicted, strict=True):
        table.setdefault(t, Counter())[p] += 1
    return {label: dict(counts.most_common()) for label, counts in sorted(table.items())}
