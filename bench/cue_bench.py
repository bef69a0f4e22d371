"""Cues against labels: how often each cue fires where the labelled outcome says it should.

    python bench/cue_bench.py CORPUS [CORPUS ...] [--history DIR] [--json]

Each corpus (DESIGN.md's format) is embedded into a scratch store; every manifest question
is then cued from its text and its retrieved precedents, its own document excluded (leave
one document out), with the authority kind read from the manifest's authority name. With
`--history DIR` the precedents come from that folder instead (an authority's own past
threads), the labelled document's namesake there excluded. A cue is counted right when the
question's labels carry what it points to:

    personal_data       s40 (EIR reg 13, FOISA s38) relied on
    cost_risk           s12 (reg 12(4)(b)) relied on, or the s12_cost disposition
    published           s21 (FOISA s25) relied on, or the s21_accessible disposition
    security_sensitive  ncnd, or s23, s24, s30 or s31 relied on
    commercial          s43 (EIR reg 12(5)(e), FOISA s33) relied on
    repeat              (no label) how often the earlier answer's outcome is the question's own

Precision is right / fired; recall is right / labelled. The figures are printed, never asserted:
the rules are written to generalise, not tuned to these questions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.cases import CaseStore
from bot.cues import question_cues
from bot.models import CueKind, authority_kind
from bot.service import CaseService
from knowledge.citations import section_key
from knowledge.embeddings import SentenceEmbeddings
from knowledge.evaluation import load_labelled, read_manifest
from knowledge.exemptions import load_library
from knowledge.loaders import LoadError
from knowledge.parser import detect_regime
from knowledge.refresh import Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

_LABELLED = {
    CueKind.PERSONAL_DATA: lambda d, keys: bool(keys & {"s40", "reg 13", "s38"}),
    CueKind.COST_RISK: lambda d, keys: d == "s12_cost" or bool(keys & {"s12", "reg 12(4)(b)"}),
    CueKind.PUBLISHED: lambda d, keys: d == "s21_accessible" or bool(keys & {"s21", "s25"}),
    CueKind.SECURITY_SENSITIVE: lambda d, keys: d == "ncnd" or bool(keys & {"s23", "s24", "s30", "s31"}),
    CueKind.COMMERCIAL: lambda d, keys: bool(keys & {"s43", "reg 12(5)(e)", "s33"}),
}


def measure(corpus: Path, embeddings: SentenceEmbeddings, history: Path | None = None) -> dict[str, Any]:
    """Precision and recall of each cue on one corpus, with and without the precedents."""
    with tempfile.TemporaryDirectory(prefix="foibot-cues-") as scratch:
        settings = Settings(_env_file=None, data_dir=Path(scratch), collection_prefix="foibot_cues")  # type: ignore[call-arg]
        store = KnowledgeStore(settings)
        refresher = Refresher(settings, store, embeddings)
        try:
            refresher.run([history or corpus], prune=False)
        finally:
            refresher.close()
        service = CaseService(settings, store, embeddings, load_library(), CaseStore("sqlite://"))
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        repeats = {"fired": 0, "same_outcome": 0}
        latencies: list[float] = []
        questions = 0
        for entry in read_manifest(corpus):
            try:
                document = load_labelled(corpus, entry, settings.max_file_bytes)
            except LoadError:
                continue
            regime = detect_regime(document.request + "\n" + document.text)
            source = document.source if "#" in document.source else str(Path(document.source).resolve())
            if history is not None:
                source = str((history / entry.file).resolve())
            kind = authority_kind(authority=entry.authority)
            for question, disposition, exemptions in zip(entry.questions, entry.dispositions, entry.exemptions,
                                                         strict=True):
                questions += 1
                candidates = service.drafter.retrieve([question], exclude_source=source)[0]
                keys = {section_key(label) for label in exemptions}
                started = time.perf_counter()
                with_precedents = question_cues(question, regime, kind, candidates, authority=entry.authority)
                latencies.append(1000 * (time.perf_counter() - started))
                text_only = question_cues(question, regime, kind, [], authority=entry.authority)
                for mode, cues in (("with_precedents", with_precedents), ("text_only", text_only)):
                    fired = {cue.kind for cue in cues}
                    for cue_kind, labelled in _LABELLED.items():
                        truth = labelled(disposition, keys)
                        tally = counts[f"{mode}:{cue_kind.value}"]
                        tally["labelled"] += truth
                        tally["fired"] += cue_kind in fired
                        tally["right"] += truth and cue_kind in fired
                repeat = next((cue for cue in with_precedents if cue.kind is CueKind.REPEAT), None)
                if repeat is not None:
                    earlier = next(c for c in candidates if (c.hit.reference or c.hit.source) in repeat.references)
                    repeats["fired"] += 1
                    repeats["same_outcome"] += earlier.hit.disposition == disposition
    report: dict[str, Any] = {"corpus": str(corpus) + (f" against {history}" if history else ""),
                              "questions": questions}
    for name, tally in sorted(counts.items()):
        report[name] = {
            "labelled": tally["labelled"], "fired": tally["fired"], "right": tally["right"],
            "precision": round(tally["right"] / tally["fired"], 2) if tally["fired"] else None,
            "recall": round(tally["right"] / tally["labelled"], 2) if tally["labelled"] else None,
        }
    report["repeat"] = repeats
    report["cue_ms_p50"] = round(statistics.median(latencies), 2) if latencies else None
    return report


def main() -> int:
    """Measure every corpus given and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--history", type=Path, help="draw the precedents from this folder instead")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    embeddings = SentenceEmbeddings(Settings(_env_file=None).embedding_model)  # type: ignore[call-arg]
    reports = []
    for corpus in args.corpora:
        if not (corpus / "manifest.jsonl").is_file():
            print(f"{corpus}: no manifest.jsonl, skipped", file=sys.stderr)
            continue
        reports.append(measure(corpus, embeddings, args.history))
    if args.json:
        print(json.dumps(reports, indent=2))
        return 0
    for report in reports:
        print(f"{report['corpus']}: {report['questions']} questions, cues in {report['cue_ms_p50']} ms (p50)")
        for name, figures in report.items():
            if isinstance(figures, dict) and "precision" in figures:
                print(f"  {name:38} fired {figures['fired']:3}  labelled {figures['labelled']:3}  "
                      f"precision {figures['precision']}  recall {figures['recall']}")
        repeat = report["repeat"]
        print(f"  repeat: fired {repeat['fired']}, earlier outcome the same {repeat['same_outcome']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
