"""How the reader's outcomes agree with WhatDoTheyKnow's status for an authority's history.

Reads every thread of a folder with `status.jsonl` (../shared/corpora/sheffield-history by
default), and prints: the label mix of the precedents read (what `foibot stats` would show),
reading speed, and, per WhatDoTheyKnow status, how often the reader's document-level outcome
agrees with it. The status is the requester's own, loose and whole-thread, so this is a
document-level signal, not a per-question score: "Refused" agrees with any refusal (an
exemption, NCND, cost or vexatious), "Information not held" with any not-held answer,
"Partially successful" with a mix of given and refused or not held, "Successful" with some
disclosure and nothing refused. Threads whose answers are all outside the text (an absent
attachment) are counted apart.

    .venv/bin/python bench/wdtk_status_agreement.py [FOLDER]
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.loaders import LoadError, load_path  # noqa: E402
from knowledge.models import Disposition, ParsedDocument  # noqa: E402
from knowledge.parser import parse_document  # noqa: E402

REFUSALS = {Disposition.EXEMPT_WITHHELD, Disposition.NCND, Disposition.S12_COST,
            Disposition.S14_VEXATIOUS_OR_REPEATED, Disposition.PARTIALLY_DISCLOSED}
GIVEN = {Disposition.DISCLOSED, Disposition.PARTIALLY_DISCLOSED, Disposition.S21_ACCESSIBLE}


def outcome(parsed: ParsedDocument) -> str:
    """The document's read outcome in WhatDoTheyKnow's terms."""
    readable = [p for p in parsed.precedents if p.answer_in_text]
    if not readable:
        return "not in text"
    kinds = {p.disposition for p in readable}
    refused = bool(kinds & REFUSALS) or parsed.request_stance is not None
    not_held = Disposition.NOT_HELD in kinds
    given = bool(kinds & GIVEN)
    if (refused or not_held) and given:
        return "partial"
    if refused:
        return "refused"
    if not_held:
        return "not held"
    return "given" if given else "other"


AGREES = {
    "Successful": {"given"},
    "Partially successful": {"partial"},
    "Information not held": {"not held", "partial"},
    "Refused": {"refused", "partial"},
}


def main(folder: Path) -> int:
    statuses = {row["file"]: row["wdtk_status"] for row in map(json.loads, (folder / "status.jsonl").read_text(
        encoding="utf-8").splitlines()) if row}
    labels: Counter[str] = Counter()
    per_status: dict[str, Counter[str]] = {}
    not_in_text = precedents = 0
    started = time.perf_counter()
    read = 0
    for name, status in sorted(statuses.items()):
        try:
            documents = load_path(folder / name, 25 * 1024 * 1024)
        except LoadError:
            continue
        for document in documents:
            parsed = parse_document(document)
            read += 1
            for precedent in parsed.precedents:
                precedents += 1
                labels[precedent.disposition.value] += 1
                not_in_text += not precedent.answer_in_text
            per_status.setdefault(status, Counter())[outcome(parsed)] += 1
    seconds = time.perf_counter() - started
    print(f"threads read: {read} in {seconds:.1f} s ({read / seconds:.1f} documents a second)")
    print(f"precedents: {precedents}, of which the answer is not in the text: {not_in_text} "
          f"({not_in_text / max(1, precedents):.0%})")
    print("label mix: " + ", ".join(f"{label} {count} ({count / max(1, precedents):.0%})"
                                    for label, count in labels.most_common()))
    print("\nWhatDoTheyKnow status -> read outcome (documents)")
    agreed = compared = 0
    for status, outcomes in sorted(per_status.items(), key=lambda pair: -sum(pair[1].values())):
        total = sum(outcomes.values())
        line = ", ".join(f"{key} {value}" for key, value in outcomes.most_common())
        agree = AGREES.get(status)
        if agree:
            hits = sum(outcomes[key] for key in agree)
            readable = total - outcomes["not in text"]
            agreed += hits
            compared += readable
            print(f"  {status:24} {total:4}  agree {hits}/{readable} readable ({hits / max(1, readable):.0%})   {line}")
        else:
            print(f"  {status:24} {total:4}  (no verdict to compare)   {line}")
    print(f"\nagreement where the status gives a verdict and the text carries an answer: {agreed}/{compared} "
          f"({agreed / max(1, compared):.0%})")
    unsuccessful = [per_status.get(status, Counter()) for status in ("Refused", "Partially successful",
                                                                     "Information not held")]
    total_unsuccessful = sum(sum(c.values()) for c in unsuccessful)
    found = sum(c["refused"] + c["partial"] + c["not held"] for c in unsuccessful)
    print(f"threads that end refused, partly refused or not held: {total_unsuccessful}; the reader finds a refusal "
          f"or not-held answer in {found} ({found / max(1, total_unsuccessful):.0%})")
    return 0


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "corpora" / "sheffield-history"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not (target / "status.jsonl").is_file():
        print(f"no status.jsonl in {target}: nothing to compare (this needs ../shared/corpora/sheffield-history)")
        raise SystemExit(0)
    raise SystemExit(main(target))
