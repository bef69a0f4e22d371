#!/usr/bin/env python3
"""Sanity checks for samples/corpus/manifest.jsonl (the foibot sample corpus).

Checks: every manifest file exists; questions/dispositions/exemptions lengths agree;
labels come from foi-law.md's list; every disposition appears at least 3 times; at least
14 distinct exemptions are used; every question text appears verbatim (whitespace and
quotes normalised) in the document's readable text (for CSV/JSON, in the row's request).
Prints label counts. Exit status 1 on any failure.

Run: .venv/bin/python samples/check_manifest.py
"""
from __future__ import annotations

import csv
import email
import html
import io
import json
import re
import sys
from collections import Counter
from email import policy
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
LABELS = {"disclosed", "partially_disclosed", "not_held", "ncnd", "exempt_withheld",
          "s12_cost", "s21_accessible", "s14_vexatious_or_repeated", "other"}
REGIMES = {"foia", "eir", "foisa"}
EXEMPTION_RE = re.compile(r"^(s\d+[A-Z]?(\(\w+\))*|reg 1[23](\(\w+\))*)$")


def norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def docx_text(data: bytes) -> str:
    import docx
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def html_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style).*?</\1>", " ", raw)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def eml_text(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            parts.append(part.get_content())
        elif ctype.endswith("wordprocessingml.document"):
            parts.append(docx_text(part.get_payload(decode=True)))
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def export_rows(path: Path) -> dict[str, str]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    else:
        rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        assert list(row.keys()) == ["reference", "date", "request", "response"], (path, row.keys())
    return {r["reference"]: r["request"] for r in rows}


def document_text(path: Path) -> str:
    suffix = path.suffix
    if suffix in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    if suffix == ".html":
        return html_text(path.read_text(encoding="utf-8"))
    if suffix == ".docx":
        return docx_text(path.read_bytes())
    if suffix == ".eml":
        return eml_text(path)
    if suffix == ".pdf":
        return pdf_text(path)
    raise ValueError(path)


def main() -> int:
    errors: list[str] = []
    entries = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    dispositions: Counter = Counter()
    exemptions: Counter = Counter()
    formats: Counter = Counter()
    layouts: Counter = Counter()
    regimes: Counter = Counter()
    authorities: Counter = Counter()
    request_level = 0
    seen_keys = set()
    cache: dict[str, object] = {}
    for e in entries:
        f = e["file"]
        key = (f, e["reference"])
        if key in seen_keys:
            errors.append(f"duplicate entry {key}")
        seen_keys.add(key)
        path = CORPUS / f
        if not path.exists():
            errors.append(f"missing file {f}")
            continue
        qs, ds, xs = e["questions"], e["dispositions"], e["exemptions"]
        if not (len(qs) == len(ds) == len(xs)) or not qs:
            errors.append(f"{f} {e['reference']}: lengths {len(qs)}/{len(ds)}/{len(xs)}")
        if e.get("regime") not in REGIMES:
            errors.append(f"{f}: bad regime {e.get('regime')}")
        if not re.fullmatch(r"20(19|2[0-5])-\d\d-\d\d", e.get("date", "")):
            errors.append(f"{f}: bad date {e.get('date')}")
        for d in ds:
            if d not in LABELS:
                errors.append(f"{f}: bad label {d}")
            dispositions[d] += 1
        for xl in xs:
            for x in xl:
                if not EXEMPTION_RE.match(x):
                    errors.append(f"{f}: odd exemption {x!r}")
                exemptions[x] += 1
        rl = e.get("request_level")
        if rl:
            request_level += 1
        if path.suffix in (".csv", ".json"):
            if f not in cache:
                cache[f] = export_rows(path)
            rows = cache[f]
            if e["reference"] not in rows:
                errors.append(f"{f}: no row {e['reference']}")
                continue
            text = rows[e["reference"]]
            formats[path.suffix + " row"] += 1
        else:
            if f not in cache:
                cache[f] = document_text(path)
            text = cache[f]
            kind = "wdtk .txt" if f.startswith("wdtk_") else path.suffix
            formats[kind] += 1
            if e["reference"] not in norm(text):
                errors.append(f"{f}: reference {e['reference']} not found in text")
        for q in qs:
            if norm(q) not in norm(text):
                errors.append(f"{f}: question not found verbatim: {q[:70]!r}")
        layouts[e.get("layout", "?")] += 1
        regimes[e["regime"]] += 1
        authorities[e["authority"]] += 1

    for label in sorted(LABELS):
        if dispositions[label] < 3:
            errors.append(f"disposition {label} appears {dispositions[label]} times (< 3)")
    if len(exemptions) < 14:
        errors.append(f"only {len(exemptions)} distinct exemptions")
    files_on_disk = {p.name for p in CORPUS.iterdir() if p.name != "manifest.jsonl"}
    unlisted = files_on_disk - {e["file"] for e in entries}
    if unlisted:
        errors.append(f"files not in manifest: {sorted(unlisted)}")

    print(f"manifest entries (documents): {len(entries)}; files: {len(files_on_disk)}; "
          f"questions: {sum(dispositions.values())}; request-level NCND: {request_level}")
    print("formats:", dict(sorted(formats.items())))
    print("layouts:", dict(sorted(layouts.items())))
    print("regimes:", dict(sorted(regimes.items())))
    print("authorities:", dict(sorted(authorities.items())))
    print("dispositions:", dict(dispositions.most_common()))
    print(f"distinct exemptions ({len(exemptions)}):", dict(sorted(exemptions.items())))
    if errors:
        print("\nERRORS:")
        for err in errors:
            print(" -", err)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
