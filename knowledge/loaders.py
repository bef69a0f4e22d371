"""Loaders: the formats disclosure logs come as, read into plain-text source documents.

Every loader returns a list (an export or an email can hold several responses) and raises
`LoadError` with a one-line reason for anything it cannot read.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import logging
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from email.errors import InvalidBase64CharactersDefect, InvalidBase64LengthDefect
from email.message import EmailMessage
from pathlib import Path
from textwrap import shorten

from knowledge.models import Disposition, ParsedDocument, SourceDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".eml", ".csv", ".xlsx", ".json")
_THREAD_SEPARATOR = re.compile(
    r"^-{3,}\s*(outgoing|incoming) message,\s*([^,]*?)\s*,\s*from\s+(.*?)\s*-{3,}\s*$",
    re.IGNORECASE | re.MULTILINE,
)


_BAD_BASE64 = (InvalidBase64CharactersDefect, InvalidBase64LengthDefect)


class LoadError(Exception):
    """A file that cannot be read as a response document; the message is one line."""


def load_path(path: Path, max_bytes: int) -> list[SourceDocument]:
    """Read one file into the source documents it holds."""
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise LoadError(f"cannot read file: {error.strerror}") from None
    if size == 0:
        raise LoadError("empty file")
    if size > max_bytes:
        raise LoadError(f"file too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(f"cannot read file: {error.strerror}") from None
    documents = loader(data, str(path))
    documents = [doc for doc in documents if doc.text.strip()]
    if not documents:
        raise LoadError("no text found")
    return documents


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 by BOM, else refused."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16_without_bom(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise LoadError("truncated or invalid UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Windows-1252 is what most non-UTF-8 letters from office software are; accept it
    # only when the bytes look like text in it.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise LoadError("not valid UTF-8 or Windows-1252 text") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text) / 100:
        raise LoadError("binary content, not text")
    return text


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 saved without a byte-order mark (some Windows tools do): text when the zero bytes say so."""
    sample = data[:4096]
    half = max(1, len(sample) // 2)
    even_zeros, odd_zeros = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    encoding = "utf-16-le" if odd_zeros > 0.3 and even_zeros < 0.05 else (
        "utf-16-be" if even_zeros > 0.3 and odd_zeros < 0.05 else "")
    if not encoding or len(data) % 2:
        raise LoadError("binary content, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise LoadError("binary content, not text") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text) / 100:
        raise LoadError("binary content, not text")
    return text


def load_text(data: bytes, source: str) -> list[SourceDocument]:
    """A plain-text or Markdown letter, or a WhatDoTheyKnow thread rendered as text."""
    text = decode_text(data)
    if source.lower().endswith(".md"):
        text = _strip_markdown(text)
    if len(_THREAD_SEPARATOR.findall(text)) >= 1:
        return [_thread_document(text, source)]
    return [SourceDocument(text=text, source=source)]


def _strip_markdown(text: str) -> str:
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    text = re.sub(r"^\s*\|?\s*:?-{3,}.*$", "", text, flags=re.MULTILINE)
    return text


def _thread_document(text: str, source: str) -> SourceDocument:
    """A WhatDoTheyKnow thread: the whole thread, for the reader to take apart message by message.

    `request` holds the requester's first message and `date` and `authority` the authority's last
    reply, for callers that want them without reading the thread.
    """
    markers = list(_THREAD_SEPARATOR.finditer(text))
    outgoing: list[str] = []
    incoming: list[tuple[str, str]] = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        body = text[marker.end() : end].strip()
        if marker.group(1).lower() == "outgoing":
            outgoing.append(body)
        else:
            incoming.append((marker.group(2), marker.group(3)))
    authority = incoming[-1][1] if incoming else ""
    request = outgoing[0] if outgoing else ""
    return SourceDocument(text=text, source=source, authority=authority, request=request, kind="thread")


# Page furniture, recognised by whole class/id tokens (never substrings: "page-header" holding
# the reference and date, "table-header", or "skip" inside a word are content).
_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "footer", "form", "aside", "svg", "iframe", "button",
                   "template")
_FURNITURE_TOKENS = frozenset("""
    cookie cookies cookie-banner cookie-consent cookie-notice cookiebanner consent consent-banner gdpr
    banner site-banner global-banner breadcrumb breadcrumbs skip skip-link skiplink skip-links skip-to-content
    nav navigation navbar main-nav site-nav global-nav menu main-menu site-menu mega-menu
    footer site-footer global-footer page-footer masthead site-header global-header header-nav
    sidebar side-bar share sharing social social-share share-links related related-links related-content
""".split())
_FURNITURE_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "complementary"))
_BLOCKS = frozenset(("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "table",
                     "blockquote", "dt", "dd", "header", "article", "main", "ul", "ol", "dl", "pre", "hr"))
_MAX_HTML_TAGS = 300_000
_MAX_HTML_DEPTH = 400


def load_html(data: bytes, source: str) -> list[SourceDocument]:
    """A disclosure-log page: the content, without navigation, banners or footers."""
    from bs4 import BeautifulSoup, Tag

    markup = decode_text(data)
    # Guards before the tree is built, so a hostile page costs seconds, not minutes and gigabytes.
    if markup.count("<") > _MAX_HTML_TAGS:
        raise LoadError(f"HTML has more than {_MAX_HTML_TAGS:,} tags: not read")
    soup = BeautifulSoup(markup, "html.parser")
    tags = soup.find_all(True)
    depth: dict[int, int] = {id(soup): 0}
    for tag in tags:  # document order: a parent's depth is known before its children's
        level = depth.get(id(tag.parent), 0) + 1
        if level > _MAX_HTML_DEPTH:
            raise LoadError(f"HTML nested more than {_MAX_HTML_DEPTH} levels deep: not read")
        depth[id(tag)] = level
    for tag in tags:
        if tag.decomposed or not isinstance(tag, Tag):
            continue
        if tag.name in _FURNITURE_TAGS or (tag.name == "header" and tag.find_parent(["main", "article"]) is None):
            tag.decompose()  # a page's own <header> banner goes; an article's header (title, reference) stays
            continue
        tokens = {str(value).lower() for name in ("id", "class") for value in _attribute_values(tag.get(name))}
        if tokens & _FURNITURE_TOKENS or str(tag.get("role") or "").lower() in _FURNITURE_ROLES:
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.find(role="main") or soup.body or soup
    text = _html_text(root)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n\s*\n\s*(\n\s*)+", "\n\n", text)
    return [SourceDocument(text=text.strip(), source=source)]


def _attribute_values(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def _html_text(root: object) -> str:
    """The text of a tree in one pass: blocks on their own lines, table cells apart.

    Iterative, so its cost is linear in the page whatever the nesting (inserting separators
    into the tree, as get_text needs, walks to the last descendant each time).
    """
    from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    out: list[str] = []
    stack: list[tuple[object, str]] = [(root, "")]
    while stack:
        node, closing = stack.pop()
        if closing:
            out.append(closing)
        elif isinstance(node, NavigableString):
            if not isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction):
                out.append(str(node))
        elif isinstance(node, Tag):
            if node.name in ("td", "th"):
                stack.append((node, " \t "))
            elif node.name in _BLOCKS:
                out.append("\n")
                stack.append((node, "\n"))
            stack.extend((child, "") for child in reversed(node.contents))
    return "".join(out)


def load_pdf(data: bytes, source: str) -> list[SourceDocument]:
    """A PDF letter, its text layer page by page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its repairs of damaged files; the one-line LoadError is what users see.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise LoadError("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise LoadError(f"corrupt or truncated PDF ({type(error).__name__})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise LoadError("PDF has no text layer (a scan?)")
    return [SourceDocument(text=text, source=source)]


def load_docx(data: bytes, source: str) -> list[SourceDocument]:
    """A Word letter: paragraphs and tables in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    _check_unpacked_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as error:
        raise LoadError(f"corrupt or truncated DOCX ({type(error).__name__})") from None
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells if cell.text.strip()))
                if len(cells) >= 2 and re.fullmatch(r"(?:Q\s?)?\d{1,2}[.)]?", cells[0]):
                    # A "No. | Question | Response" table: keep the number with its question.
                    cells = [f"{cells[0].rstrip('.)')}. {cells[1]}", *cells[2:]]
                parts.append("\n".join(cells))
        else:
            parts.append(block.text)
    return [SourceDocument(text="\n".join(parts), source=source)]


_MAX_DOCX_XML_BYTES = 20 * 1024 * 1024
_MAX_DOCX_BYTES = 250 * 1024 * 1024


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip bomb before anything is decompressed: the sizes its entries declare are the most read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise LoadError(f"corrupt or truncated DOCX ({type(error).__name__})") from None
    xml = sum(e.file_size for e in entries if e.filename.lower().endswith((".xml", ".rels")))
    total = sum(e.file_size for e in entries)
    if xml > _MAX_DOCX_XML_BYTES or total > _MAX_DOCX_BYTES:
        raise LoadError(f"DOCX unpacks to {max(xml, total) / 1e6:,.0f} MB (the limit is "
                        f"{_MAX_DOCX_XML_BYTES / 1e6:.0f} MB of text parts, {_MAX_DOCX_BYTES / 1e6:.0f} MB in all): "
                        "not read")


def load_eml(data: bytes, source: str) -> list[SourceDocument]:
    """An email from the FOI team: its body and its attached letters, quoted history apart."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except (ValueError, TypeError, IndexError) as error:
        raise LoadError(f"corrupt email ({type(error).__name__})") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise LoadError("not an email: no headers")
    from knowledge.reading.metadata import find_date

    when = find_date([str(message.get("Date", ""))])
    texts: list[str] = []
    damaged = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        if any(isinstance(defect, _BAD_BASE64) for defect in part.defects):
            damaged += 1  # what base64 decoding made of bad characters is garbage, not a letter
            continue
        if filename:
            suffix = Path(filename).suffix.lower()
            loader = _LOADERS.get(suffix)
            if loader is None or suffix == ".eml":
                continue
            try:
                texts += [doc.text for doc in loader(payload, f"{source}#{filename}")]
            except LoadError:
                continue  # a broken attachment does not spoil the message body
        elif part.get_content_type() == "text/plain":
            texts.append(_decode_part(part, payload))
        elif part.get_content_type() == "text/html" and not any(texts):
            texts += [doc.text for doc in load_html(payload, source)]
    body = "\n\n".join(t for t in texts if t.strip())
    if damaged and not body.strip():
        raise LoadError("the email's text is not valid base64 (a damaged message)")
    request, response = _split_quoted(body)
    return [SourceDocument(text=response, source=source, date=when, request=request, kind="email")]


def _decode_part(part: email.message.Message, payload: bytes) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return decode_text(payload)


def _split_quoted(body: str) -> tuple[str, str]:
    """The reply on top is the response; the quoted message it answers is the request.

    mail-parser-reply finds where each quoted message starts (Outlook's From:/Sent:/To:/Subject:
    block, "On ... wrote:", "-----Original Message-----", in several languages) and the
    requester's signature, which is left out so no name is read as an answer.
    """
    from mailparser_reply.parser import EmailMessage as ReplyThread

    from knowledge.reading.structure import is_acknowledgement

    replies = ReplyThread(text=body, languages=["en"], keep_hyphen_lists=True).read().replies
    if len(replies) < 2:
        return _split_quote_marks(body)
    response = replies[0].full_body
    quoted = [reply for reply in replies[1:] if reply.body.strip()]
    # The request is the first quoted message that is not the authority's own acknowledgement.
    asked = next((r for r in quoted if not is_acknowledgement(r.body)), quoted[0] if quoted else None)
    request = _unquote(asked.body) if asked is not None else ""
    return request.strip(), _split_quote_marks(response)[1]


def _unquote(text: str) -> str:
    return "\n".join(re.sub(r"^(?:>\s?)+", "", line) for line in text.splitlines())


def _split_quote_marks(body: str) -> tuple[str, str]:
    """Quoted history ("> " lines, or below "On ... wrote:") is the request being answered."""
    lines = body.splitlines()
    quoted = [line.lstrip("> ").rstrip() for line in lines if line.startswith(">")]
    unquoted = [line for line in lines if not line.startswith(">")]
    wrote = next((i for i, line in enumerate(unquoted)
                  if re.match(r"^on .{4,120} wrote:\s*$", line.strip(), re.IGNORECASE)), None)
    if wrote is not None:
        if not quoted:
            quoted = unquoted[wrote + 1 :]
            unquoted = unquoted[:wrote]
        else:
            unquoted = unquoted[:wrote] + unquoted[wrote + 1 :]
    return "\n".join(quoted).strip(), "\n".join(unquoted).strip()


def load_csv(data: bytes, source: str) -> list[SourceDocument]:
    """A case-management export: one row per request, with the authority's own column names."""
    text = decode_text(data)
    delimiter = _csv_delimiter(text)
    try:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        rows = list(reader)
    except csv.Error as error:
        raise LoadError(f"malformed CSV ({error})") from None
    return _export_rows(rows, source, reader.fieldnames or [])


def _csv_delimiter(text: str) -> str:
    """Comma, unless the header row only reads as request and response columns split on ; or tab (Excel's)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        keys = {_column_key(name) for name in header}
        if keys & set(_EXPORT_COLUMNS["request"]) and keys & set(_EXPORT_COLUMNS["response"]):
            return delimiter
    return ","


def load_xlsx(data: bytes, source: str) -> list[SourceDocument]:
    """A case-management export saved from Excel: the first sheet with a header row we recognise."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise LoadError(f"corrupt or truncated XLSX ({type(error).__name__})") from None
    try:
        problem = "the workbook has no sheets"
        for sheet in workbook.worksheets:
            rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            rows = [row for row in rows if any(row)]
            if not rows:
                continue
            header, body = rows[0], rows[1:]
            fields = [name or f"column {n}" for n, name in enumerate(header, start=1)]
            try:
                return _export_rows([dict(zip(fields, row, strict=False)) for row in body], source, fields)
            except LoadError as error:
                problem = f"sheet {sheet.title!r}: {error}"
        raise LoadError(problem)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def load_json(data: bytes, source: str) -> list[SourceDocument]:
    """A case-management export as a JSON list (or {"requests": [...]}) of rows."""
    try:
        value = json.loads(decode_text(data))
    except json.JSONDecodeError as error:
        raise LoadError(f"malformed JSON (line {error.lineno}: {error.msg})") from None
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, list)), None)
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise LoadError("JSON export must be a list of objects with reference, date, request, response")
    fields = sorted({key for row in value for key in row})
    return _export_rows(value, source, fields)


# The names case-management systems give the columns foibot reads, normalised (lower case,
# letters and digits only); the first name present wins.
_EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "casereference", "caseref", "ref", "requestreference", "foireference",
                  "referencenumber", "caseid", "casenumber", "caseno", "requestid", "ourreference", "id"),
    "date": ("date", "dateresponded", "responsedate", "dateofresponse", "dateclosed", "closeddate",
             "datecompleted", "datereceived", "receiveddate", "dateofrequest", "requestdate"),
    "request": ("request", "requestdetails", "requesttext", "detailsofrequest", "informationrequested",
                "requestsummary", "summaryofrequest", "questions", "question", "description"),
    "response": ("response", "responsedetails", "responsetext", "detailsofresponse", "answer", "reply",
                 "responsesummary", "summaryofresponse", "disclosure"),
    "outcome": ("outcome", "decision", "result", "disposition", "responsetype", "outcomeofrequest",
                "finaloutcome"),
    "exemptions": ("exemptions", "exemptionsapplied", "exemptionsused", "exemption", "exemptionapplied",
                   "sectionsapplied", "exemptionsections", "exceptions", "exceptionsapplied"),
}
_OUTCOMES: tuple[tuple[re.Pattern[str], Disposition], ...] = (
    (re.compile(r"(?i)neither confirm|\bncnd\b"), Disposition.NCND),
    (re.compile(r"(?i)not held|no information held|information not held"), Disposition.NOT_HELD),
    (re.compile(r"(?i)\bpart(?:ial(?:ly)?|ly)?\b"), Disposition.PARTIALLY_DISCLOSED),
    (re.compile(r"(?i)cost|\bs\.?\s?12\b|section 12"), Disposition.S12_COST),
    (re.compile(r"(?i)vexatious|repeat(?:ed)?|\bs\.?\s?14\b"), Disposition.S14_VEXATIOUS_OR_REPEATED),
    (re.compile(r"(?i)accessible|already published|\bs\.?\s?21\b"), Disposition.S21_ACCESSIBLE),
    (re.compile(r"(?i)refused|withheld|exempt|not disclosed|unsuccessful|rejected"), Disposition.EXEMPT_WITHHELD),
    (re.compile(r"(?i)disclosed|granted|released|provided|in full|successful"), Disposition.DISCLOSED),
)


def export_outcome(text: str) -> Disposition | None:
    """A case-management system's outcome ("Part granted", "Refused - cost") as a disposition, if it says one."""
    return next((disposition for pattern, disposition in _OUTCOMES if pattern.search(text)), None)


def _column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _export_rows(
    rows: list[dict[str, object]], source: str, fields: Sequence[str]
) -> list[SourceDocument]:
    present = {_column_key(name): name for name in fields if isinstance(name, str)}
    columns = {field: next((present[alias] for alias in aliases if alias in present), None)
               for field, aliases in _EXPORT_COLUMNS.items()}
    missing = [name for name in ("request", "response") if columns[name] is None]
    if missing:
        shown = shorten(", ".join(name for name in fields if isinstance(name, str)), 50) or "none"
        raise LoadError(f"export lacks column(s): {', '.join(missing)} (its columns: {shown})")

    def cell(row: dict[str, object], name: str) -> str:
        column = columns[name]
        value = row.get(column) if column is not None else None
        return "" if value is None else str(value).strip()

    from knowledge.citations import normalise
    from knowledge.reading.metadata import detect_regime, find_date

    documents = []
    for index, row in enumerate(rows, start=1):
        response = cell(row, "response")
        if not response:
            continue
        reference = cell(row, "reference") or f"row {index}"
        when = cell(row, "date")
        request = cell(row, "request")
        regime = detect_regime(request + "\n" + response)
        labels = (normalise(part.strip(), regime) for part in re.split(r"[,;/&\n]|\band\b", cell(row, "exemptions")))
        documents.append(
            SourceDocument(
                text=response,
                source=f"{source}#{reference}",
                reference=reference,
                date=find_date([when]) or when,
                request=request,
                kind="export",
                outcome=export_outcome(cell(row, "outcome")),
                exemptions=tuple(dict.fromkeys(label for label in labels if label)),
            )
        )
    return documents


def with_export_labels(parsed: ParsedDocument) -> ParsedDocument:
    """Precedents with the export's own outcome and exemptions, where its row has them.

    A row is one request: its outcome labels a one-question answer outright; where the
    response holds several questions, it only fills in answers the text left unclear.
    """
    source = parsed.source
    if source.outcome is None and not source.exemptions:
        return parsed
    single = len(parsed.precedents) == 1
    precedents = []
    for precedent in parsed.precedents:
        if single or precedent.disposition is Disposition.OTHER:
            disposition = source.outcome or precedent.disposition
            exemptions = source.exemptions or precedent.exemptions
            if disposition in (Disposition.DISCLOSED, Disposition.NOT_HELD):
                exemptions = ()
            precedent = replace(precedent, disposition=disposition, exemptions=tuple(exemptions))
        precedents.append(precedent)
    return replace(parsed, precedents=tuple(precedents))


_LOADERS: dict[str, Callable[[bytes, str], list[SourceDocument]]] = {
    ".txt": load_text,
    ".md": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".eml": load_eml,
    ".csv": load_csv,
    ".xlsx": load_xlsx,
    ".json": load_json,
}
