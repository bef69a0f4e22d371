"""Reading metrics: how well the reader reads a labelled corpus (DESIGN.md's format).

Every labelled question is scored: one the reader did not find counts as wrong. Read
questions are matched to labelled ones one to one, in order, on their words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from knowledge.citations import find_citations, section_key
from knowledge.loaders import LoadError, load_path
from knowledge.models import ParsedDocument, Regime, SourceDocument
from knowledge.parser import detect_regime, parse_document
from knowledge.reading.structure import Sender, is_thread, thread_messages
from knowledge.reading.text import content_words


@dataclass(frozen=True)
class LabelledDocument:
    """One manifest entry: a document (or an export row) with its per-question labels."""

    file: str
    reference: str
    authority: str
    questions: tuple[str, ...]
    dispositions: tuple[str, ...]
    exemptions: tuple[tuple[str, ...], ...]
    answer_in_text: tuple[bool, ...] | None = None
    """Per question, whether the text carries the answer (absent where the manifest does not say)."""
    regime: Regime | None = None
    """The regime the request was answered under, where the manifest says (a caseworker sets it on a case)."""


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
                    answer_in_text=tuple(bool(v) for v in row["answer_in_text"]) if isinstance(
                        row.get("answer_in_text"), list) else None,
                    regime=Regime(row["regime"]) if row.get("regime") else None,
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
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


def align(found: list[str], labelled: list[str]) -> list[int | None]:
    """For each labelled question, the index of the read question it matches, or None.

    One to one and in order; a read question matches when it holds most of the labelled
    question's words (a stem carried along, or re-wrapped text, do not matter).
    """
    found_words = [set(content_words(text)) for text in found]
    wanted = [set(content_words(text)) for text in labelled]
    weights = [[_match(w, f) for f in found_words] for w in wanted]
    # Longest-path alignment: best[i][j] over the first i labelled and j read questions.
    rows, cols = len(labelled), len(found)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            weight = weights[i - 1][j - 1]
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + weight if weight else 0.0)
    pairs: list[int | None] = [None] * rows
    i, j = rows, cols
    while i and j:
        weight = weights[i - 1][j - 1]
        if weight and abs(best[i][j] - (best[i - 1][j - 1] + weight)) < 1e-9:
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs


def _match(wanted: set[str], found: set[str]) -> float:
    if not wanted or not found:
        return 0.0
    held = len(wanted & found) / len(wanted)
    if held < (1.0 if len(wanted) <= 2 else 0.6):
        return 0.0
    return held + 0.5 * len(wanted & found) / len(found)


def peer_sections(document: SourceDocument) -> set[str]:
    """What a plain peer reads: every exemption section the authority's text cites (Alaveteli-style)."""
    text = document.text
    if is_thread(text):
        text = "\n".join(m.text + "\n" + "\n".join(m.closing) for m in thread_messages(text)
                         if m.sender is Sender.AUTHORITY)
    regime = detect_regime(text)
    return {section_key(label) for label in find_citations(text, regime)}


def evaluate_reading(corpus: Path, max_bytes: int = 25 * 1024 * 1024) -> dict[str, object]:
    """Read each document on its own and score every labelled question (one not found counts as wrong)."""
    entries = read_manifest(corpus)
    split_ok = found_total = labelled_total = correct = 0
    aligned_correct = 0
    tp = n_pred = n_true = 0
    doc_tp = doc_pred = doc_true = 0
    peer_tp = peer_pred = peer_true = 0
    in_text_labelled = in_text_right = answered = 0
    failures: list[str] = []
    details: list[dict[str, object]] = []
    for entry in entries:
        labelled_total += len(entry.questions)
        try:
            document = load_labelled(corpus, entry, max_bytes)
            parsed: ParsedDocument = parse_document(document)
        except LoadError as error:
            failures.append(f"{entry.file}: {error}")
            n_true += sum(len({section_key(e) for e in gold}) for gold in entry.exemptions)
            continue
        precedents = list(parsed.precedents)
        split_ok += len(precedents) == len(entry.questions)
        pairs = align([p.question for p in precedents], list(entry.questions))
        used = {index for index in pairs if index is not None}
        for number, index in enumerate(pairs):
            gold = entry.exemptions[number]
            precedent = precedents[index] if index is not None else None
            if precedent is not None:
                found_total += 1
                answered += precedent.answer_in_text
                hit = precedent.disposition.value == entry.dispositions[number]
                correct += hit
                aligned_correct += hit
            counts = exemption_counts([precedent.exemptions if precedent else ()], [gold])
            tp, n_pred, n_true = tp + counts[0], n_pred + counts[1], n_true + counts[2]
            if entry.answer_in_text is not None:
                in_text_labelled += 1
                in_text_right += precedent is not None and precedent.answer_in_text == entry.answer_in_text[number]
        for index, precedent in enumerate(precedents):
            if index not in used:
                n_pred += len({section_key(e) for e in precedent.exemptions})  # a question nobody asked
        read_sections = {section_key(e) for p in precedents for e in p.exemptions}
        if parsed.request_stance:
            read_sections |= {section_key(e) for e in parsed.request_stance.exemptions}
        gold_sections = {section_key(e) for gold in entry.exemptions for e in gold}
        peer = peer_sections(document)
        doc_tp, doc_pred, doc_true = doc_tp + len(read_sections & gold_sections), doc_pred + len(read_sections), \
            doc_true + len(gold_sections)
        peer_tp, peer_pred, peer_true = peer_tp + len(peer & gold_sections), peer_pred + len(peer), \
            peer_true + len(gold_sections)
        details.append({
            "file": entry.file,
            "questions": [len(precedents), len(entry.questions)],
            "aligned": pairs,
            "dispositions": [[p.disposition.value for p in precedents], list(entry.dispositions)],
            "exemptions": [[list(p.exemptions) for p in precedents], [list(e) for e in entry.exemptions]],
        })
    precision, recall, score = f1(tp, n_pred, n_true)
    doc_p, doc_r, doc_score = f1(doc_tp, doc_pred, doc_true)
    _, _, peer_score = f1(peer_tp, peer_pred, peer_true)
    return {
        "documents": len(entries),
        "questions": labelled_total,
        "question_split_accuracy": round(split_ok / len(entries), 3) if entries else 0.0,
        "questions_found": round(found_total / labelled_total, 3) if labelled_total else 0.0,
        "answers_found": round(answered / labelled_total, 3) if labelled_total else 0.0,
        "parse_disposition_accuracy": round(correct / labelled_total, 3) if labelled_total else 0.0,
        "parse_disposition_accuracy_found": round(aligned_correct / found_total, 3) if found_total else 0.0,
        "parse_exemption_precision": round(precision, 3),
        "parse_exemption_recall": round(recall, 3),
        "parse_exemption_f1": round(score, 3),
        "document_exemption_precision": round(doc_p, 3),
        "document_exemption_recall": round(doc_r, 3),
        "document_exemption_f1": round(doc_score, 3),
        "peer_document_exemption_f1": round(peer_score, 3),
        "answer_in_text_accuracy": round(in_text_right / in_text_labelled, 3) if in_text_labelled else None,
        "failures": failures,
        "details": details,
    }
