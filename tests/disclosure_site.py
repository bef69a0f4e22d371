"""A fictional authority's disclosure log served on 127.0.0.1, for the crawler's tests and bench.

Serves tests/fixtures/disclosure_log (listing pages, response pages, robots.txt) plus its
letters rendered to PDF and DOCX at start, with ETag / Last-Modified and 304s, and the
troublesome pages a real site has: a 404, a slow page, a redirect to another host and an
oversized file. Every request is logged (path, whether it was conditional, status). It speaks
HTTP/1.1 with keep-alive (connections are counted), gzips bodies for clients that ask, and can
answer a path with a status of its choosing (`statuses`) or throttle it with 429 and
Retry-After (`throttled`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "disclosure_log"
LOG = "/foi/disclosure-log/"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Hit:
    """One request the site received."""

    path: str
    conditional: bool
    status: int
    user_agent: str
    gzipped: bool = False


@dataclass
class _Resource:
    content_type: str
    body: bytes
    modified: float

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'  # noqa: S324 - a validator, not security


def letter_pdf(text: str) -> bytes:
    """A letter as a one-column PDF with a text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in text.splitlines():
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def letter_docx(text: str) -> bytes:
    """A letter as a Word document, one paragraph per line."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class DisclosureSite:
    """The fake site: resources by path (with query), special behaviours, and a request log."""

    def __init__(self) -> None:
        self.resources: dict[str, _Resource] = {}
        self.redirects: dict[str, str] = {}
        self.slow: dict[str, float] = {}
        self.statuses: dict[str, int] = {}
        self.throttled: dict[str, tuple[int, str]] = {}
        """Path -> (how many more 429s to send, the Retry-After value)."""
        self.connections = 0
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        self._clock = time.time() - 86400
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """The site's root URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> DisclosureSite:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def put(self, path: str, content_type: str, body: bytes) -> None:
        """Add or change a resource (a change gets a new ETag and a later Last-Modified)."""
        with self._lock:
            self._clock += 60
            self.resources[path] = _Resource(content_type, body, self._clock)

    def remove(self, path: str) -> None:
        """Make a resource 404."""
        with self._lock:
            self.resources.pop(path, None)

    def hits(self, since: int = 0) -> list[Hit]:
        """Requests received from position `since` in the log."""
        with self._lock:
            return list(self.log[since:])

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.log.append(hit)


def _handler(site: DisclosureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with site._lock:
                site.connections += 1

        def do_GET(self) -> None:
            path = self.path
            etag = self.headers.get("If-None-Match", "")
            since = self.headers.get("If-Modified-Since", "")
            agent = self.headers.get("User-Agent", "")
            if path in site.slow:  # logged on arrival, with status 0: the client has given up by the reply
                site.record(Hit(path, bool(etag or since), 0, agent))
                time.sleep(site.slow[path])
                self._reply(200, path, False, agent, b"<html><body><p>Too late.</p></body></html>", "text/html",
                            record=False)
                return
            if path in site.statuses:
                self._reply(site.statuses[path], path, False, agent, b"unavailable", "text/plain")
                return
            remaining, after = site.throttled.get(path, (0, ""))
            if remaining:
                site.throttled[path] = (remaining - 1, after)
                self._reply(429, path, False, agent, b"slow down", "text/plain", {"Retry-After": after})
                return
            if path in site.redirects:
                self._reply(302, path, bool(etag or since), agent, headers={"Location": site.redirects[path]})
                return
            resource = site.resources.get(path)
            if resource is None:
                self._reply(404, path, bool(etag or since), agent, b"not found", "text/plain")
                return
            modified = formatdate(resource.modified, usegmt=True)
            fresh = (etag == resource.etag) if etag else bool(
                since and parsedate_to_datetime(since).timestamp() >= int(resource.modified))
            headers = {"ETag": resource.etag, "Last-Modified": modified}
            if fresh:
                self._reply(304, path, True, agent, headers=headers)
            else:
                self._reply(200, path, bool(etag or since), agent, resource.body, resource.content_type, headers)

        def _reply(self, status: int, path: str, conditional: bool, agent: str, body: bytes = b"",
                   content_type: str = "", headers: dict[str, str] | None = None, record: bool = True) -> None:
            zipped = status == 200 and "gzip" in self.headers.get("Accept-Encoding", "") and len(body) > 200
            if zipped:
                body = gzip.compress(body)
                headers = {**(headers or {}), "Content-Encoding": "gzip"}
            if record:
                site.record(Hit(path, conditional, status, agent, zipped))
            try:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Type", content_type or "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up (timeout, oversized file): that is the point of the test

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def ashcombe_site(oversized_bytes: int = 400_000) -> DisclosureSite:
    """Ashcombe Valley Council's disclosure log with its letters and troublesome pages (not started)."""
    site = DisclosureSite()
    site.put("/robots.txt", "text/plain", (FIXTURES / "robots.txt").read_bytes())
    site.put(LOG, "text/html; charset=utf-8", (FIXTURES / "index.html").read_bytes())
    site.put(LOG + "?page=2", "text/html; charset=utf-8", (FIXTURES / "page-2.html").read_bytes())
    for folder in ("responses", "private"):
        for page in sorted((FIXTURES / folder).glob("*.html")):
            site.put(f"{LOG}{folder}/{page.name}", "text/html; charset=utf-8", page.read_bytes())
    site.put("/media/letters/avc-2024-0104-letter.pdf", "application/pdf",
             letter_pdf((FIXTURES / "letters" / "avc-2024-0104.txt").read_text(encoding="utf-8")))
    site.put("/media/letters/avc-2024-0105-letter.docx", DOCX_TYPE,
             letter_docx((FIXTURES / "letters" / "avc-2024-0105.txt").read_text(encoding="utf-8")))
    site.put("/media/letters/avc-2024-0110-annex.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * oversized_bytes)
    site.slow[LOG + "responses/slow-response.html"] = 2.0
    return site


def synthetic_site(responses: int, per_page: int = 20) -> DisclosureSite:
    """A large disclosure log for the bench: `responses` response pages over paginated listings."""
    site = DisclosureSite()
    site.put("/robots.txt", "text/plain", b"User-agent: *\nDisallow:\n")
    pages = max(1, -(-responses // per_page))
    for page in range(1, pages + 1):
        items = "".join(f'<li><a href="responses/r{n:05d}.html">Response {n}</a></li>'
                        for n in range((page - 1) * per_page, min(responses, page * per_page)))
        following = f'<a rel="next" href="?page={page + 1}">Next</a>' if page < pages else ""
        path = LOG if page == 1 else f"{LOG}?page={page}"
        site.put(path, "text/html", f"<html><body><main><ul>{items}</ul>{following}</main></body></html>".encode())
    for n in range(responses):
        body = (f"<html><body><main><p><b>Reference:</b> SYN-{n:05d}<br><b>Date:</b> 3 March 2024</p>"
                f"<p><strong>Question 1:</strong> How many street lights did ward {n} have in 2023?</p>"
                f"<p><strong>Response:</strong> Ward {n} had {100 + n} street lights in 2023.</p>"
                f"<p><strong>Question 2:</strong> Please list the home addresses of the engineers in ward {n}.</p>"
                "<p><strong>Response:</strong> This information is withheld under section 40(2) of the Act "
                "as it is personal data.</p></main></body></html>")
        site.put(f"{LOG}responses/r{n:05d}.html", "text/html", body.encode())
    return site
