"""Reading what authorities really have, and what probing threw at the readers: one line, nothing lost.

Outlook replies, case-management exports with their own column names, HTML whose furniture
is named by class tokens, and the faults: 100,000 nested divs, a damaged or bomb-sized .docx,
UTF-16 without a byte-order mark, an e-mail whose base64 is garbage. All fictional.
"""

from __future__ import annotations

import io
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest

from knowledge.loaders import LoadError, export_outcome, load_path, with_export_labels
from knowledge.models import Disposition
from knowledge.parser import parse_document

LIMIT = 25 * 1024 * 1024


def _one_line(path: Path) -> str:
    with pytest.raises(LoadError) as caught:
        load_path(path, LIMIT)
    message = str(caught.value)
    assert message
    assert "\n" not in message
    assert len(message) < 160
    return message


def _docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


# HTML ------------------------------------------------------------------------------------------

PAGE = """<html><body>
<header class="site-header"><a class="skip-link" href="#main">Skip to content</a><nav>Home | FOI</nav></header>
<div class="cookie-banner">We use cookies. Accept all?</div>
<main id="main">
  <div class="page-header"><p>Reference: FEN-2024-0042</p><p>Date: 3 March 2024</p></div>
  <table><thead class="table-header"><tr><th>Question</th><th>Response</th></tr></thead>
  <tbody><tr><td>1. How many tenders were let?</td><td>Nine tenders were let.</td></tr></tbody></table>
  <p class="note skipped-detail">The tender prices are withheld under s43(2).</p>
  <aside class="related-links">Related: parking</aside>
</main>
<footer>Fenmoor Borough Council</footer>
</body></html>"""


def test_html_furniture_goes_by_whole_class_tokens_and_content_stays(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")

    text = load_path(path, LIMIT)[0].text

    for kept in ("Reference: FEN-2024-0042", "Date: 3 March 2024", "Question", "Response",
                 "Nine tenders were let.", "withheld under s43(2)"):
        assert kept in text, kept
    for dropped in ("Skip to content", "Home | FOI", "cookies", "Related: parking", "Fenmoor Borough Council"):
        assert dropped not in text, dropped


def test_100000_nested_divs_are_refused_in_one_line_within_seconds(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000 + "</body></html>",
                    encoding="utf-8")

    started = time.perf_counter()
    message = _one_line(path)

    assert "nested" in message
    assert time.perf_counter() - started < 20


def test_a_page_nested_a_few_hundred_deep_is_still_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "deepish.html"
    rows = "".join(f"<p>Row {n}: the council holds {n} records.</p>" for n in range(3000))
    path.write_text("<html><body><main>" + "<div>" * 300 + rows + "</div>" * 300 + "</main></body></html>",
                    encoding="utf-8")

    started = time.perf_counter()
    text = load_path(path, LIMIT)[0].text

    assert "Row 2999: the council holds 2999 records." in text
    assert time.perf_counter() - started < 10


# Word ------------------------------------------------------------------------------------------

def test_a_docx_with_damaged_document_xml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    path.write_bytes(_replace_part(_docx(["1. How many?", "Nine."]), "word/document.xml", b"<w:document><w:body"))

    assert "corrupt" in _one_line(path)


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # 40 MB of XML compresses to a few tens of kilobytes; the declared size is what is checked.
    bomb = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>' + b"<w:p/>" * 7_000_000 + b"</w:body></w:document>"
    path = tmp_path / "bomb.docx"
    path.write_bytes(_replace_part(_docx(["x"]), "word/document.xml", bomb))
    assert path.stat().st_size < 1_000_000

    started = time.perf_counter()
    message = _one_line(path)

    assert "unpacks to" in message
    assert time.perf_counter() - started < 2


# Text and e-mail -------------------------------------------------------------------------------

def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    letter = "1. How many gritters does the council own?\nThe council owns 9 gritters (£40,000 each).\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(letter.encode(encoding))

        assert load_path(path, LIMIT)[0].text == letter


def test_an_email_whose_base64_is_garbage_is_refused_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "bad.eml"
    path.write_bytes(b"From: foi@fenmoor.example.gov.uk\nSubject: Your request\nMIME-Version: 1.0\n"
                     b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                     b"This is !!! not base64 ### at all, the council disclosed it\n")

    assert "base64" in _one_line(path)


OUTLOOK_REPLY = """Dear Mr Marchetti,

Thank you for your request about gritting.

1. The council owns 12 gritting lorries.
2. The council does not hold a record of the routes' mileage.

Yours sincerely,

Information Governance Team

From: Ellis Marchetti <ellis.marchetti@example.net>
Sent: 02 May 2025 10:14
To: FOI <foi@fenmoor.example.gov.uk>
Subject: FOI request - gritting

Dear FOI Team,

1. How many gritting lorries does the council own?
2. What is the total mileage of the gritting routes?

Kind regards,
Ellis Marchetti
"""


def test_an_outlook_reply_is_read_question_then_answer_with_no_requester_name(tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "foi@fenmoor.example.gov.uk"
    message["To"] = "ellis.marchetti@example.net"
    message["Subject"] = "RE: FOI request - gritting"
    message["Date"] = "Fri, 30 May 2025 09:00:00 +0100"
    message.set_content(OUTLOOK_REPLY)
    path = tmp_path / "reply.eml"
    path.write_bytes(message.as_bytes())

    document = load_path(path, LIMIT)[0]
    precedents = parse_document(document).precedents

    assert "How many gritting lorries" in document.request
    assert "12 gritting lorries" in document.text
    assert "How many gritting lorries" not in document.text
    assert [p.question.split("?")[0] for p in precedents] == [
        "How many gritting lorries does the council own", "What is the total mileage of the gritting routes"]
    assert [p.disposition for p in precedents] == [Disposition.DISCLOSED, Disposition.NOT_HELD]
    stored = " ".join(p.question + p.answer for p in precedents)
    assert "Marchetti" not in stored
    assert "Ellis" not in stored


# Case-management exports -----------------------------------------------------------------------

EXPORT_ROWS = [
    ("Case Reference", "Date Received", "Request Details", "Response Details", "Outcome", "Exemptions Applied"),
    ("FEN/2024/101", "2024-01-10", "Please send the tender prices for the bin contract.",
     "The tender prices are not provided.", "Refused", "s43(2); s41"),
    ("FEN/2024/102", "2024-02-12", "How many parks are there?", "The borough has 31 parks.", "Granted in full", ""),
]


def test_a_csv_export_with_the_authoritys_own_column_names_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in EXPORT_ROWS) + "\n", encoding="utf-8")

    documents = load_path(path, LIMIT)

    assert [d.reference for d in documents] == ["FEN/2024/101", "FEN/2024/102"]
    assert documents[0].request == "Please send the tender prices for the bin contract."
    assert documents[0].outcome is Disposition.EXEMPT_WITHHELD
    assert documents[0].exemptions == ("s43(2)", "s41")
    precedent = with_export_labels(parse_document(documents[0])).precedents[0]
    assert precedent.disposition is Disposition.EXEMPT_WITHHELD
    assert precedent.exemptions == ("s43(2)", "s41")
    assert with_export_labels(parse_document(documents[1])).precedents[0].disposition is Disposition.DISCLOSED


def test_an_xlsx_export_is_read_like_the_csv(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number, row in enumerate(EXPORT_ROWS):
        sheet.append([datetime(2024, 1, 10) if number and cell == "2024-01-10" else cell for cell in row])
    path = tmp_path / "cases.xlsx"
    workbook.save(path)

    documents = load_path(path, LIMIT)

    assert [d.reference for d in documents] == ["FEN/2024/101", "FEN/2024/102"]
    assert documents[0].date == "2024-01-10"
    assert documents[0].exemptions == ("s43(2)", "s41")


def test_a_semicolon_separated_export_from_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text('Case Ref;Request;Response\nR1;How many parks?;"There are 31 parks; all open."\n', encoding="utf-8")

    assert load_path(path, LIMIT)[0].text == "There are 31 parks; all open."


@pytest.mark.parametrize(("outcome", "disposition"), [
    ("Part granted", Disposition.PARTIALLY_DISCLOSED), ("Information not held", Disposition.NOT_HELD),
    ("Refused - cost limit", Disposition.S12_COST), ("Neither confirm nor deny", Disposition.NCND),
    ("Unsuccessful", Disposition.EXEMPT_WITHHELD), ("Released", Disposition.DISCLOSED), ("Closed", None),
])
def test_export_outcomes_read_as_dispositions(outcome: str, disposition: Disposition | None) -> None:
    assert export_outcome(outcome) is disposition
