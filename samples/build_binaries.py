#!/usr/bin/env python3
"""Build the PDF, DOCX and docx-attached EML samples of the foibot sample corpus.

Every source text lives in samples/binary_sources/<stem>.<ext>.txt and is the
project's own fictional writing. The light markup is:

    # Heading            -> heading level 1
    ## Heading           -> heading level 2
    | a | b | c |        -> a table row (consecutive rows form one table; first row is the header)
    blank line           -> paragraph break (lines inside a paragraph keep their line breaks)

Outputs go to samples/corpus/: <stem>.pdf (fpdf2, core Helvetica font, latin-1 text)
and <stem>.docx (python-docx, real headings, paragraphs and tables). The source
``hdc_eir_2025_012_noise_letter.docx.txt`` is not written to the corpus on its own: it is
attached to ``hdc_eir_2025_012_noise.eml``, a multipart email built here.

Run: .venv/bin/python samples/build_binaries.py
"""
from __future__ import annotations

import datetime as _dt
import io
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import docx
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "binary_sources"
CORPUS = HERE / "corpus"
FIXED_DATE = _dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=_dt.timezone.utc)

# Sources that are only ever used as email attachments.
ATTACHMENT_ONLY = {"hdc_eir_2025_012_noise_letter"}

_LATIN1 = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-",
}


def latin1(text: str) -> str:
    for bad, good in _LATIN1.items():
        text = text.replace(bad, good)
    return text.encode("latin-1", "replace").decode("latin-1")


def parse(text: str) -> list[tuple]:
    """Return blocks: ("h", level, text) | ("p", text) | ("table", rows)."""
    blocks: list[tuple] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(("p", "\n".join(para)))
            para.clear()
        if table:
            blocks.append(("table", [row[:] for row in table]))
            table.clear()

    for line in text.splitlines():
        s = line.rstrip()
        if not s.strip():
            flush()
        elif s.startswith("## "):
            flush()
            blocks.append(("h", 2, s[3:].strip()))
        elif s.startswith("# "):
            flush()
            blocks.append(("h", 1, s[2:].strip()))
        elif s.startswith("|"):
            if para:
                blocks.append(("p", "\n".join(para)))
                para.clear()
            table.append([c.strip() for c in s.strip().strip("|").split("|")])
        else:
            if table:
                flush()
            para.append(s)
    flush()
    return blocks


def build_pdf(blocks: list[tuple], out: Path, title: str) -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author("foibot sample corpus (fictional)")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for block in blocks:
        kind = block[0]
        if kind == "h":
            pdf.set_font("Helvetica", "B", 15 if block[1] == 1 else 12)
            pdf.multi_cell(0, 7, latin1(block[2]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10.5)
            pdf.multi_cell(0, 5.2, latin1(block[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        else:
            pdf.set_font("Helvetica", "", 10)
            with pdf.table(text_align="LEFT", line_height=5.5) as table:
                for row in block[1]:
                    r = table.row()
                    for cell in row:
                        r.cell(latin1(cell))
            pdf.ln(3)
        pdf.set_font("Helvetica", "", 10.5)
    pdf.set_y(-15)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 5, "OFFICIAL - fictional sample written for the foibot project", align="C")
    pdf.output(str(out))


def build_docx(blocks: list[tuple], title: str) -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "foibot sample corpus (fictional)"
    document.core_properties.created = FIXED_DATE.replace(tzinfo=None)
    document.core_properties.modified = FIXED_DATE.replace(tzinfo=None)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    for block in blocks:
        kind = block[0]
        if kind == "h":
            document.add_heading(block[2], level=block[1])
        elif kind == "p":
            lines = block[1].split("\n")
            paragraph = document.add_paragraph()
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                if i < len(lines) - 1:
                    run.add_break()
        else:
            rows = block[1]
            ncols = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=ncols)
            table.style = "Table Grid"
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
                    if i == 0:
                        for run in table.cell(i, j).paragraphs[0].runs:
                            run.bold = True
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def build_noise_eml(docx_bytes: bytes, out: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "Haverleigh District Council Information Governance <foi@haverleigh.example.org>"
    msg["To"] = "Luc Delacroix <luc.delacroix@example.org>"
    msg["Subject"] = "EIR response HDC/EIR/2025/012 - Riverside Quarry noise"
    msg["Date"] = "Fri, 14 Mar 2025 15:42:10 +0000"
    msg["Message-ID"] = "<20250314154210.hdc-eir-2025-012@haverleigh.example.org>"
    msg.set_content(
        "Dear Mr Delacroix,\n\n"
        "Please find attached the council's response to your request for information "
        "about noise from Riverside Quarry (our reference HDC/EIR/2025/012).\n\n"
        "The noise monitoring results referred to in the letter will follow in a separate "
        "email because of their size.\n\n"
        "Kind regards,\n\n"
        "Information Governance Team\n"
        "Haverleigh District Council\n"
        "Civic Offices, Market Square, Haverleigh HV3 9ZZ\n"
        "Tel: 01632 960400\n"
    )
    msg.add_attachment(
        docx_bytes,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="HDC-EIR-2025-012 response letter.docx",
    )
    msg.set_boundary("==hdc-eir-2025-012-boundary==")
    out.write_bytes(msg.as_bytes(policy=SMTP))


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    built = []
    for src in sorted(SOURCES.glob("*.txt")):
        stem, ext = src.name[: -len(".txt")].rsplit(".", 1)
        text = src.read_text(encoding="utf-8")
        blocks = parse(text)
        title = stem.replace("_", " ")
        if ext == "pdf":
            out = CORPUS / f"{stem}.pdf"
            build_pdf(blocks, out, title)
        elif ext == "docx":
            data = build_docx(blocks, title)
            if stem in ATTACHMENT_ONLY:
                out = CORPUS / "hdc_eir_2025_012_noise.eml"
                build_noise_eml(data, out)
            else:
                out = CORPUS / f"{stem}.docx"
                out.write_bytes(data)
        else:
            raise SystemExit(f"unknown target extension in {src.name}")
        built.append(out.name)
    for name in built:
        print("built", name)


if __name__ == "__main__":
    main()
