"""Reading metrics: how well the parser reads a labelled corpus (DESIGN.md's format)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from knowledge.citations import section_key
from knowledge.loaders import LoadError, load_path
from knowledge.models import ParsedDocument, SourceDocument
from knowledge.parser import parse_document


@dataclass(frozen=True)
class LabelledDocument:
    """One manifest entry: a document (or an export row) with its per-question labels."""

    file: str
    reference: str
    authority: str
    questions: tuple[str, ...]
    dispositions: tuple[str, ...]
    exemptions: tuple[tuple[str, ...], ...]


class CorpusError(Exception):
    """A corpus folder without a readable manifest."""


def read_manifest(corpus: Path) -> list[LabelledDocument]:
    """The labelled documents of a corpus folder's manifest.jsonl."""
    path = corpus / "manifest.jsonl"
    if not path.is_file():
        raise CorpusError(f"{corpus} has no manifest.jsonl")
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            entries.append(
                LabelledDocument(
                    file=row["file"],
                    reference=row.get("reference") or "",
                    authority=row.get("authority") or "",
                    questions=tuple(row["questions"]),
                    dispositions=tuple(row["dispositions"]),
                    exemptions=tuple(tuple(e) for e in row["exemptions"]),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CorpusError(f"manifest.jsonl line {number}: {error}") from None
    return entries


def load_labelled(corpus: Path, entry: LabelledDocument, max_bytes: int) -> SourceDocument:
    """The source document an entry labels (an export row is found by its reference)."""
    documents = load_path(corpus / entry.file, max_bytes)
    if len(documents) == 1:
        return documents[0]
    for document in documents:
        if document.reference == entry.reference:
            return document
    raise LoadError(f"{entry.file}: no row with reference {entry.reference!r}")


def exemption_counts(predicted: list[tuple[str, ...]], truth: list[tuple[str, ...]]) -> tuple[int, int, int]:
    """True positives, predicted and actual counts, compared on section numbers."""
    tp = n_pred = n_true = 0
    for pred, gold in zip(predicted, truth, strict=True):
        pred_keys = {section_key(label) for label in pred}
        gold_keys = {section_key(label) for label in gold}
        tp += len(pred_keys & gold_keys)
        n_pred += len(pred_keys)
        n_true += len(gold_keys)
    return tp, n_pred, n_true


def f1(tp: int, n_pred: int, n_true: int) -> tuple[float, float, float]:
    """Precision, recall and F1; an empty side counts as perfect when both are empty."""
    precision = tp / n_pred if n_pred else (1.0 if not n_true else 0.0)
    recall = tp / n_true if n_true else (1.0 if not n_pred else 0.0)
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def evaluate_reading(corpus: Path, max_bytes: int = 25 * 1024 * 1024) -> dict[str, object]:
    """Parse each document on its own and compare what was read with the labels."""
    entries = read_manifest(corpus)
    split_ok = 0
    compared = correct = 0
    tp = n_pred = n_true = 0
    failures: list[str] = []
    mistakes: list[dict[str, object]] = []
    for entry in entries:
        try:
            parsed: ParsedDocument = parse_document(load_labelled(corpus, entry, max_bytes))
        except LoadError as error:
            failures.append(f"{entry.file}: {error}")
            continue
        precedents = parsed.precedents
        if len(precedents) == len(entry.questions):
            split_ok += 1
        pairs = list(zip(precedents, entry.dispositions, entry.exemptions, strict=False))
        for precedent, disposition, exemptions in pairs:
            compared += 1
            correct += precedent.disposition.value == disposition
            counts = exemption_counts([precedent.exemptions], [exemptions])
            tp, n_pred, n_true = tp + counts[0], n_pred + counts[1], n_true + counts[2]
        mistakes.append(
            {
                "file": entry.file,
                "reference": entry.reference,
                "questions": [len(precedents), len(entry.questions)],
                "dispositions": [[p.disposition.value for p in precedents], list(entry.dispositions)],
                "exemptions": [[list(p.exemptions) for p in precedents], [list(e) for e in entry.exemptions]],
            }
        )
    precision, recall, score = f1(tp, n_pred, n_true)
    return {
        "documents": len(entries),
        "questions": sum(len(e.questions) for e in entries),
        "question_split_accuracy": round(split_ok / len(entries), 3) if entries else 0.0,
        "parse_disposition_accuracy": round(correct / compared, 3) if compared else 0.0,
        "parse_exemption_precision": round(precision, 3),
        "parse_exemption_recall": round(recall, 3),
        "parse_exemption_f1": round(score, 3),
        "failures": failures,
        "details": mistakes,
    }
