"""Loaders: each supported format read into source documents, and bad input refused in one line."""

from __future__ import annotations

import io
import json
import random
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from knowledge.loaders import SUPPORTED_SUFFIXES, LoadError, load_path
from knowledge.parser import parse_document

LIMIT = 5_000_000
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def _pdf_bytes(*pages: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None, after: list[str] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for text in after or []:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _load_error(path: Path, max_bytes: int = LIMIT) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_path(path, max_bytes)
    return caught.value


def _assert_one_line(error: LoadError) -> None:
    message = str(error)
    assert message
    assert "\n" not in message
    assert len(message) < 120


# Plain text and Markdown


def test_plain_text_letter_loads_as_one_document(tmp_path: Path) -> None:
    text = "Dear Ms Patel,\nThe library service holds 4 mobile library vans.\nYours sincerely,\nFOI Team\n"
    documents = load_path(_write(tmp_path, "letter.txt", text), LIMIT)
    assert len(documents) == 1
    assert "4 mobile library vans" in documents[0].text
    assert documents[0].source == str(tmp_path / "letter.txt")
    assert documents[0].request == ""


def test_markdown_headings_and_bold_are_stripped(tmp_path: Path) -> None:
    text = "# Response to request 88/24\n\n**Question 1:** How many bridges?\n\nThe county maintains 212 bridges.\n"
    documents = load_path(_write(tmp_path, "response.md", text), LIMIT)
    loaded = documents[0].text
    assert "Response to request 88/24" in loaded
    assert "Question 1: How many bridges?" in loaded
    assert "#" not in loaded
    assert "**" not in loaded


def test_windows_1252_text_with_a_pound_sign_loads(tmp_path: Path) -> None:
    text = "The hire charge for the community hall is £45 per hour \u2013 unchanged since 2021."
    documents = load_path(_write(tmp_path, "charges.txt", text.encode("cp1252")), LIMIT)
    assert "£45 per hour" in documents[0].text
    assert "\u2013" in documents[0].text


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    documents = load_path(_write(tmp_path, "bom.txt", "\ufeffWe hold 9 records.".encode()), LIMIT)
    assert documents[0].text == "We hold 9 records."


# HTML


def test_html_content_is_kept_and_page_furniture_dropped(tmp_path: Path) -> None:
    page = """<!doctype html>
<html><head><title>Disclosure log</title><style>.hidden { display: none }</style>
<script>trackVisitor("landing-page");</script></head>
<body>
<nav><a href="/">Home</a> <a href="/bins">Bins and recycling</a> Main site menu</nav>
<div class="cookie-banner" id="global-cookie-message">
  <p>We use analytical cookies to see how this site is used.</p><button>Accept analytics</button>
</div>
<main>
  <h1>FOI 2024/118: allotment waiting lists</h1>
  <p>You asked how many residents are waiting for an allotment plot.</p>
  <p>There are 312 residents on the waiting list.</p>
  <table><tr><th>Site</th><th>Waiting</th></tr><tr><td>North Road</td><td>200</td></tr></table>
</main>
<footer>Copyright Eastmoor Borough Council. Accessibility statement.</footer>
</body></html>"""
    documents = load_path(_write(tmp_path, "log.html", page), LIMIT)
    text = documents[0].text
    assert "There are 312 residents on the waiting list." in text
    assert "FOI 2024/118: allotment waiting lists" in text
    assert "North Road" in text
    assert "Main site menu" not in text
    assert "Bins and recycling" not in text
    assert "Copyright Eastmoor" not in text
    assert "trackVisitor" not in text


def test_cookie_banner_is_dropped(tmp_path: Path) -> None:
    page = """<html><body>
<div id="cookie-consent"><p>This site uses cookies. Accept all or reject all.</p></div>
<div class="skip-link"><a href="#content">Skip to content</a></div>
<div id="content"><p>The council spent £18,200 on pothole repairs in Ward 4.</p></div>
</body></html>"""
    text = load_path(_write(tmp_path, "page.htm", page), LIMIT)[0].text
    assert "£18,200 on pothole repairs" in text
    assert "cookies" not in text
    assert "Skip to content" not in text


def test_html_paragraphs_become_separate_lines(tmp_path: Path) -> None:
    page = "<html><body><main><p>First answer.</p><p>Second answer.</p></main></body></html>"
    text = load_path(_write(tmp_path, "p.html", page), LIMIT)[0].text
    assert "First answer.\n" in text
    assert text.index("First answer.") < text.index("Second answer.")


# PDF


def test_pdf_text_layer_is_loaded(tmp_path: Path) -> None:
    data = _pdf_bytes("Our reference: FOI-2023-0417\nThe council fleet includes 27 electric vans.")
    documents = load_path(_write(tmp_path, "letter.pdf", data), LIMIT)
    assert "FOI-2023-0417" in documents[0].text
    assert "27 electric vans" in documents[0].text


def test_pdf_pages_are_all_loaded_in_order(tmp_path: Path) -> None:
    data = _pdf_bytes("Page one: the request.", "Page two: the answer is 14.")
    text = load_path(_write(tmp_path, "two.pdf", data), LIMIT)[0].text
    assert text.index("Page one") < text.index("Page two: the answer is 14.")


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = _pdf_bytes("Our reference: FOI-2023-0417\nThe council fleet includes 27 electric vans.")
    error = _load_error(_write(tmp_path, "cut.pdf", data[: len(data) // 2]))
    _assert_one_line(error)
    assert "PDF" in str(error)


def test_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "scan.pdf", _pdf_bytes("")))
    _assert_one_line(error)


def test_text_renamed_as_pdf_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "fake.pdf", "Not a PDF at all, just a note."))
    _assert_one_line(error)


# DOCX


def test_docx_paragraphs_and_table_are_loaded_in_order(tmp_path: Path) -> None:
    data = _docx_bytes(
        ["Dear Mr Okafor,", "The figures you asked for are in the table below."],
        table=[["Year", "Noise complaints"], ["2022", "418"], ["2023", "391"]],
        after=["Yours sincerely, Information Governance"],
    )
    text = load_path(_write(tmp_path, "reply.docx", data), LIMIT)[0].text
    for expected in ("Dear Mr Okafor,", "Noise complaints", "418", "391", "Yours sincerely"):
        assert expected in text
    assert text.index("table below") < text.index("418") < text.index("Yours sincerely")


def test_truncated_docx_is_refused(tmp_path: Path) -> None:
    data = _docx_bytes(["The council owns 6 leisure centres."] * 20)
    error = _load_error(_write(tmp_path, "cut.docx", data[: len(data) // 2]))
    _assert_one_line(error)
    assert "DOCX" in str(error)


def test_text_renamed_as_docx_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "fake.docx", "plain words, not a Word file"))
    _assert_one_line(error)


# Email


def _email(body: str, date: str = "Tue, 05 Mar 2024 10:15:00 +0000") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "foi@eastmoor.example.gov.uk"
    message["To"] = "requester@example.org"
    message["Subject"] = "Your request FOI 2024/118"
    message["Date"] = date
    message.set_content(body)
    return message


def test_email_docx_attachment_text_is_loaded(tmp_path: Path) -> None:
    message = _email("Dear requester,\nPlease find our response attached.\nFOI Team")
    attachment = _docx_bytes(["In answer to your request, the council fleet has 27 electric vans."])
    message.add_attachment(attachment, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename="response.docx")
    documents = load_path(_write(tmp_path, "reply.eml", message.as_bytes()), LIMIT)
    assert len(documents) == 1
    assert "the council fleet has 27 electric vans" in documents[0].text
    assert "Please find our response attached." in documents[0].text
    assert documents[0].date == "2024-03-05"
    assert documents[0].kind == "email"


def test_email_text_attachment_is_loaded(tmp_path: Path) -> None:
    message = _email("See the letter attached.")
    message.add_attachment("The council operates 3 gritting lorries.", filename="letter.txt")
    text = load_path(_write(tmp_path, "reply.eml", message.as_bytes()), LIMIT)[0].text
    assert "3 gritting lorries" in text


def test_email_with_broken_attachment_keeps_its_body(tmp_path: Path) -> None:
    message = _email("We hold 11 electric charging points.")
    message.add_attachment(b"PK\x03\x04 not really a zip", maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                           filename="broken.docx")
    text = load_path(_write(tmp_path, "reply.eml", message.as_bytes()), LIMIT)[0].text
    assert "11 electric charging points" in text


def test_quoted_history_becomes_the_request(tmp_path: Path) -> None:
    body = (
        "Dear Jo,\n\n1. The council runs 14 depots.\n2. We do not hold this information.\n\n"
        "On 1 Feb 2024, Jo Bloggs wrote:\n"
        "> 1. How many depots does the council run?\n"
        "> 2. What did it cost to heat each depot in 2023?\n"
    )
    documents = load_path(_write(tmp_path, "reply.eml", _email(body).as_bytes()), LIMIT)
    document = documents[0]
    assert document.request.splitlines() == [
        "1. How many depots does the council run?",
        "2. What did it cost to heat each depot in 2023?",
    ]
    assert "The council runs 14 depots." in document.text
    assert ">" not in document.text
    assert "wrote:" not in document.text


def test_quoted_lines_without_a_wrote_line_become_the_request(tmp_path: Path) -> None:
    body = (
        "> Please tell me how many school buses the council contracts.\n"
        ">\n"
        "> Thank you, Sam\n"
        "\n"
        "Dear Sam,\nThe council contracts 58 school bus routes.\nFOI Team\n"
    )
    document = load_path(_write(tmp_path, "reply.eml", _email(body).as_bytes()), LIMIT)[0]
    assert "how many school buses the council contracts" in document.request
    assert "58 school bus routes" in document.text
    assert "school buses" not in document.text


def test_email_without_headers_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "odd.eml", "\n\nJust a body with no headers at all."))
    _assert_one_line(error)


# Exports


def test_csv_export_gives_one_document_per_row(tmp_path: Path) -> None:
    csv_text = (
        "reference,date,request,response\n"
        'FOI-101,2024-01-10,"How many litter bins are there?","There are 4,000 litter bins."\n'
        'FOI-102,12/02/2024,"How many parks are there?","The borough has 31 parks."\n'
    )
    documents = load_path(_write(tmp_path, "export.csv", csv_text), LIMIT)
    assert [doc.reference for doc in documents] == ["FOI-101", "FOI-102"]
    assert [doc.date for doc in documents] == ["2024-01-10", "2024-02-12"]
    assert [doc.request for doc in documents] == ["How many litter bins are there?", "How many parks are there?"]
    assert documents[0].text == "There are 4,000 litter bins."
    assert {doc.kind for doc in documents} == {"export"}
    assert documents[0].source != documents[1].source


def test_csv_export_without_a_response_column_is_refused(tmp_path: Path) -> None:
    csv_text = 'reference,date,request\nFOI-101,2024-01-10,"How many litter bins are there?"\n'
    error = _load_error(_write(tmp_path, "export.csv", csv_text))
    _assert_one_line(error)
    assert "response" in str(error)


def test_json_export_gives_one_document_per_row(tmp_path: Path) -> None:
    rows = [
        {"reference": "EIR/7", "date": "3 April 2024", "request": "Where were air monitors sited?",
         "response": "Monitors were sited at 12 roadside locations."},
        {"reference": "EIR/8", "date": "2024-04-09", "request": "How many trees were felled?",
         "response": "We felled 85 trees."},
    ]
    documents = load_path(_write(tmp_path, "export.json", json.dumps(rows)), LIMIT)
    assert [doc.reference for doc in documents] == ["EIR/7", "EIR/8"]
    assert [doc.date for doc in documents] == ["2024-04-03", "2024-04-09"]
    assert documents[1].request == "How many trees were felled?"
    assert documents[1].text == "We felled 85 trees."


def test_json_export_wrapped_in_an_object_is_read(tmp_path: Path) -> None:
    data = {"requests": [{"reference": "R1", "date": "2024-05-01", "request": "Q?", "response": "We hold 2."}]}
    documents = load_path(_write(tmp_path, "export.json", json.dumps(data)), LIMIT)
    assert [doc.reference for doc in documents] == ["R1"]


def test_json_export_without_a_request_column_is_refused(tmp_path: Path) -> None:
    rows = [{"reference": "EIR/7", "date": "2024-04-03", "response": "We felled 85 trees."}]
    error = _load_error(_write(tmp_path, "export.json", json.dumps(rows)))
    _assert_one_line(error)
    assert "request" in str(error)


def test_malformed_json_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "export.json", '[{"reference": "EIR/7", '))
    _assert_one_line(error)


def test_json_that_is_not_a_list_of_rows_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "export.json", json.dumps(["just", "strings"])))
    _assert_one_line(error)


# WhatDoTheyKnow threads


def test_whatdotheyknow_thread_splits_request_and_reply(tmp_path: Path) -> None:
    thread = (
        "----- outgoing message, 2023-03-02, from Jo Bloggs -----\n"
        "Dear Some Council,\n"
        "Please tell me how many street lights you converted to LED in 2022.\n"
        "Yours faithfully,\nJo Bloggs\n\n"
        "----- incoming message, 2023-03-06, from Some Council -----\n"
        "Dear Jo Bloggs,\nWe acknowledge receipt of your request and will respond within 20 working days.\n\n"
        "----- incoming message, 2023-03-29, from Some Council -----\n"
        "Dear Jo Bloggs,\n"
        "In 2022 the council converted 1,240 street lights to LED units.\n"
        "Regards,\nInformation Governance\n"
    )
    documents = load_path(_write(tmp_path, "thread.txt", thread), LIMIT)
    assert len(documents) == 1
    document = documents[0]
    assert "how many street lights you converted to LED in 2022" in document.request
    assert document.authority == "Some Council"
    assert document.kind == "thread"
    # The reader takes the thread apart: the acknowledgement is no answer, the reply is.
    [precedent] = parse_document(document).precedents
    assert "1,240 street lights" in precedent.answer
    assert "acknowledge receipt" not in precedent.answer
    assert precedent.date == "2023-03-29"


# Bad input


def test_empty_file_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "empty.txt", b""))
    _assert_one_line(error)
    assert "empty" in str(error)


def test_whitespace_only_file_is_refused(tmp_path: Path) -> None:
    _assert_one_line(_load_error(_write(tmp_path, "blank.txt", "  \n\n \t\n")))


def test_binary_garbage_in_a_text_file_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "garbage.txt", bytes(range(256)) * 8))
    _assert_one_line(error)


def test_random_bytes_are_not_read_as_text(tmp_path: Path) -> None:
    data = random.Random(20240305).randbytes(3000)  # noqa: S311 - fixed test data, not security
    _assert_one_line(_load_error(_write(tmp_path, "random.txt", data)))


def test_random_bytes_without_nul_are_not_read_as_text(tmp_path: Path) -> None:
    data = bytes(b or 1 for b in random.Random(7).randbytes(3000))  # noqa: S311 - fixed test data
    _assert_one_line(_load_error(_write(tmp_path, "random.txt", data)))


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "long.txt", "The council holds 5 records. " * 100), max_bytes=1_000)
    _assert_one_line(error)
    assert "too large" in str(error)


def test_file_at_the_size_limit_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "exact.txt", "x" * 999 + "\n")
    assert load_path(path, max_bytes=1_000)


@pytest.mark.parametrize("name", ["letter.rtf", "scan.tiff", "README"])
def test_unsupported_suffix_is_refused(tmp_path: Path, name: str) -> None:
    error = _load_error(_write(tmp_path, name, "Some words that would otherwise be readable."))
    _assert_one_line(error)
    assert "unsupported" in str(error)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    _assert_one_line(_load_error(tmp_path / "absent.txt"))


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_empty_file_of_every_supported_type_is_refused(tmp_path: Path, suffix: str) -> None:
    _assert_one_line(_load_error(_write(tmp_path, f"empty{suffix}", b"")))


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_garbage_of_every_supported_type_is_refused_in_one_line(tmp_path: Path, suffix: str) -> None:
    data = bytes(range(256)) * 8
    _assert_one_line(_load_error(_write(tmp_path, f"garbage{suffix}", data)))
