"""Disclosure-log crawler: an authority's published responses, straight from its website.

From a listing page (or a sitemap.xml) it follows links to response pages and their attached
letters (PDF, DOCX, HTML), on the same site only: HTML pages under the listing's folder,
letters anywhere on the site. Each response is read by the usual loaders and parser and
written through the refresher's crash-safe path, keyed by its URL.

Incremental: each page's ETag, Last-Modified, content hash and links are kept in the crawl
state file next to the ledger, so an unchanged site costs one conditional request per page
(304s) and no embedding. A page that is gone (404/410) or no longer linked is pruned, but only
after a complete crawl; a failed page keeps what the store already had. The frontier is kept
too, so a crawl killed midway resumes where it stopped on the next run.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from knowledge.fetching import Disallowed, Fetched, FetchError, PoliteFetcher, same_site
from knowledge.loaders import LoadError, load_docx, load_html, load_pdf, load_text
from knowledge.models import SourceDocument
from knowledge.parser import parse_document
from knowledge.refresh import ParsedSource, ProgressReport, Refresher, RefreshSummary, SourceSummary
from knowledge.sqlite_file import SqliteFile

_BATCH_PAGES = 8
_BATCH_SECONDS = 5.0
_QUEUED, _SEEN, _GONE = 0, 1, 2
_FOLLOWED_SUFFIXES = ("", ".html", ".htm", ".php", ".aspx", ".xml")
_LETTER_SUFFIXES = (".pdf", ".docx", ".txt")
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_KINDS = {
    "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf", _DOCX_TYPE: "docx",
    "text/plain": "text", "application/xml": "sitemap", "text/xml": "sitemap",
}
_READERS: dict[str, Callable[[bytes, str], list[SourceDocument]]] = {
    "html": load_html, "pdf": load_pdf, "docx": load_docx, "text": load_text,
}
_REQUEST_WORDS = re.compile(r"(?i)(?:\d+[.)]\s*)?(?:please|could you|can you|i would like|provide|copy|list|"
                            r"details|what|how|which|when|whether)\b")
_LOC = re.compile(rb"<loc>\s*([^<]+?)\s*</loc>")
_SCHEMA = """
create table if not exists crawl_pages (
    source text not null, url text not null, etag text not null, last_modified text not null,
    content_hash text not null, links text not null, ingested integer not null, primary key (source, url));
create table if not exists crawl_owned (source text not null, url text not null, primary key (source, url));
create table if not exists crawl_frontier (source text not null, url text not null, state integer not null,
    primary key (source, url));
create table if not exists crawl_runs (source text primary key, started text not null);
"""


@dataclass(frozen=True)
class PageRecord:
    """What the last crawl learnt about one page: validators, content hash and links."""

    url: str
    etag: str
    last_modified: str
    content_hash: str
    links: tuple[str, ...]
    ingested: bool


class CrawlState(SqliteFile):
    """Crawl validators, frontiers and ownership, in the crawl state file next to the ledger."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def begin(self, source: str) -> bool:
        """Start a crawl of `source`, or carry on an unfinished one; True when resuming."""
        with self.transaction() as db:
            if db.execute("select 1 from crawl_runs where source = ?", (source,)).fetchone():
                return True
            db.execute("delete from crawl_frontier where source = ?", (source,))
            db.execute("insert into crawl_runs values (?, datetime('now'))", (source,))
            db.execute("insert into crawl_frontier values (?, ?, ?)", (source, source, _QUEUED))
        return False

    def queued(self, source: str) -> list[str]:
        """URLs still to visit, in the order they were found."""
        rows = self.db.execute("select url from crawl_frontier where source = ? and state = ? order by rowid",
                               (source, _QUEUED))
        return [url for (url,) in rows]

    def visited(self, source: str) -> int:
        """How many pages this crawl has settled so far (including before a restart)."""
        row = self.db.execute("select count(*) from crawl_frontier where source = ? and state != ?",
                              (source, _QUEUED)).fetchone()
        return int(row[0])

    def enqueue(self, source: str, urls: Sequence[str]) -> None:
        """Add newly found links to the frontier (links already there are left as they are)."""
        with self.transaction() as db:
            db.executemany("insert or ignore into crawl_frontier values (?, ?, ?)",
                           [(source, url, _QUEUED) for url in urls])

    def page(self, source: str, url: str) -> PageRecord | None:
        """The stored record of a page, if it was crawled before."""
        row = self.db.execute(
            "select etag, last_modified, content_hash, links, ingested from crawl_pages where source = ? and url = ?",
            (source, url),
        ).fetchone()
        if row is None:
            return None
        return PageRecord(url, row[0], row[1], row[2], tuple(json.loads(row[3])), bool(row[4]))

    def settle(self, source: str, settled: Sequence[tuple[str, int, PageRecord | None]]) -> None:
        """Mark pages visited (seen or gone), storing their new records, in one transaction."""
        with self.transaction() as db:
            for url, state, record in settled:
                db.execute("update crawl_frontier set state = ? where source = ? and url = ?", (state, source, url))
                if record is not None:
                    db.execute(
                        "insert or replace into crawl_pages values (?, ?, ?, ?, ?, ?, ?)",
                        (source, url, record.etag, record.last_modified, record.content_hash,
                         json.dumps(list(record.links)), int(record.ingested)),
                    )
                    if record.ingested:
                        db.execute("insert or ignore into crawl_owned values (?, ?)", (source, url))

    def vanished(self, source: str) -> list[str]:
        """Pages this source put in the store that the finished crawl did not find as responses."""
        rows = self.db.execute(
            """select o.url from crawl_owned o
               left join crawl_frontier f on f.source = o.source and f.url = o.url
               left join crawl_pages p on p.source = o.source and p.url = o.url
               where o.source = ? and not (coalesce(f.state, -1) = ? and coalesce(p.ingested, 0) = 1)""",
            (source, _SEEN),
        )
        return [url for (url,) in rows]

    def finish(self, source: str, pruned: Sequence[str]) -> None:
        """End the crawl: forget pruned pages and the frontier."""
        with self.transaction() as db:
            for url in pruned:
                db.execute("delete from crawl_owned where source = ? and url = ?", (source, url))
                db.execute("delete from crawl_pages where source = ? and url = ?", (source, url))
            db.execute("delete from crawl_frontier where source = ?", (source,))
            db.execute("delete from crawl_runs where source = ?", (source,))

    def reset(self) -> None:
        """Forget every crawl (the rebuild path)."""
        with self.transaction() as db:
            for table in ("crawl_pages", "crawl_owned", "crawl_frontier", "crawl_runs"):
                db.execute(f"delete from {table}")  # noqa: S608 - fixed table names


@dataclass
class _Deferred:
    """A changed response read and parsed, waiting for its batch to be written."""

    source: ParsedSource
    record: PageRecord


class DisclosureLogCrawler:
    """Crawls disclosure logs into the store through one refresher."""

    def __init__(self, refresher: Refresher, fetcher: PoliteFetcher | None = None) -> None:
        self.refresher = refresher
        self.settings = refresher.settings
        self._owns_fetcher = fetcher is None
        self.fetcher = fetcher or PoliteFetcher(self.settings)
        self.state = CrawlState(self.settings.crawl_state_path)

    def crawl(self, seed: str, progress: ProgressReport | None = None) -> RefreshSummary:
        """Bring the store up to date with one disclosure log (a listing page or sitemap URL)."""
        started = time.perf_counter()
        requests_before = self.fetcher.requests
        seed = urldefrag(seed)[0]
        summary = RefreshSummary()
        self.refresher.store.check_model()
        self.refresher.ledger.recover(self.refresher.store)
        self.state.begin(seed)
        visited = self.state.visited(seed)
        pending: list[_Deferred] = []
        oldest = 0.0
        unchanged: list[str] = []
        complete = True
        while complete:
            queue = self.state.queued(seed)
            if not queue:
                break
            for url in queue:
                if visited >= self.settings.crawl_max_pages:
                    complete = False
                    summary.failed.append((seed, f"stopped after {visited} pages (FOIBOT_CRAWL_MAX_PAGES); "
                                                 "nothing pruned"))
                    break
                visited += 1
                if progress is not None:
                    progress.advance(seed, visited, None)
                deferred = self._visit(seed, url, summary, unchanged)
                if deferred is not None:
                    oldest = oldest if pending else time.monotonic()
                    pending.append(deferred)
                if url == seed and summary.failed and summary.failed[-1][0] == seed:
                    complete = False  # a site that is down must not be mistaken for an empty one
                if len(pending) >= _BATCH_PAGES or (pending and time.monotonic() - oldest >= _BATCH_SECONDS):
                    self._commit(seed, pending, summary)
                    pending = []
            self._commit(seed, pending, summary)
            pending = []
        if unchanged:
            self.refresher.mark_seen(unchanged)
        pruned: list[str] = []
        if complete:
            pruned = self.state.vanished(seed)
            self.refresher.forget(pruned, summary)
        self.state.finish(seed, pruned)
        summary.requests = self.fetcher.requests - requests_before
        summary.seconds = time.perf_counter() - started
        summary.sources.append(SourceSummary(seed, summary.added, summary.updated, summary.removed,
                                             summary.unchanged, list(summary.failed), summary.requests,
                                             summary.seconds))
        return summary

    def _visit(self, seed: str, url: str, summary: RefreshSummary, unchanged: list[str]) -> _Deferred | None:
        """Fetch one page; settle it now, or return it parsed for the next batch write."""
        record = self.state.page(seed, url)
        stored = self.refresher.ledger.documents_for([url]).get(url)
        # Validators are trusted only while the store still holds what they describe (not after a rebuild).
        trusted = record is not None and (not record.ingested or (stored is not None
                                                                  and stored[0] == record.content_hash))
        try:
            if record is not None and trusted:
                fetched = self.fetcher.fetch(url, record.etag, record.last_modified)
            else:
                fetched = self.fetcher.fetch(url)
        except FetchError as error:
            self._failed(seed, url, error, record, stored is not None, summary)
            return None
        if fetched.not_modified and record is not None:
            self.state.enqueue(seed, record.links)
            self.state.settle(seed, [(url, _SEEN, replace(record, etag=fetched.etag or record.etag,
                                                          last_modified=fetched.last_modified
                                                          or record.last_modified))])
            if record.ingested:
                summary.unchanged += 1
                unchanged.append(url)
            return None
        kind = _kind(fetched)
        links = self._links(seed, fetched, kind)
        self.state.enqueue(seed, links)
        digest = hashlib.sha256(fetched.body).hexdigest()
        page = PageRecord(url, fetched.etag, fetched.last_modified, digest, tuple(links), ingested=False)
        if stored is not None and stored[0] == digest:
            self.state.settle(seed, [(url, _SEEN, replace(page, ingested=True))])
            summary.unchanged += 1
            unchanged.append(url)
            return None
        if kind == "sitemap" or (kind == "html" and record is not None and not record.ingested
                                 and record.content_hash == digest):
            self.state.settle(seed, [(url, _SEEN, page)])
            return None
        reader = _READERS.get(kind)
        if reader is None:
            summary.failed.append((url, f"unsupported content type {fetched.content_type or '(none)'}"))
            self.state.settle(seed, [(url, _SEEN, page)])
            return None
        try:
            documents = [doc for doc in reader(fetched.body, url) if doc.text.strip()]
            parsed = [parse_document(doc, self.settings.authority) for doc in documents]
        except LoadError as error:
            self._failed(seed, url, FetchError(str(error)), record, stored is not None, summary)
            return None
        except RecursionError:
            self._failed(seed, url, FetchError("document too deeply nested to read"), record, stored is not None,
                         summary)
            return None
        if kind == "html" and links and not any(_asked(p.question) for doc in parsed for p in doc.precedents):
            parsed = []  # a listing or a cover page for a letter: the parser's prose reading of it is no answer
        if not any(doc.precedents for doc in parsed):
            if kind != "html":  # an HTML page without answers is a listing or navigation page
                summary.failed.append((url, "no questions or answers found"))
            self.state.settle(seed, [(url, _SEEN, page)])
            return None
        return _Deferred(ParsedSource(url, digest, parsed, {"kind": "url", "url": url}), replace(page, ingested=True))

    def _failed(self, seed: str, url: str, error: FetchError, record: PageRecord | None, stored: bool,
                summary: RefreshSummary) -> None:
        """Report a bad page; keep what the store had unless the page is gone or now disallowed."""
        if not (error.gone and stored):
            summary.failed.append((url, str(error)))
        keep = stored and record is not None and not error.gone and not isinstance(error, Disallowed)
        self.state.settle(seed, [(url, _SEEN if keep else _GONE, None)])

    def _commit(self, seed: str, pending: list[_Deferred], summary: RefreshSummary) -> None:
        """Write a batch of changed responses, then mark them visited (a kill in between refetches them)."""
        if not pending:
            return
        self.refresher.write_parsed([item.source for item in pending], summary)
        self.state.settle(seed, [(item.record.url, _SEEN, item.record) for item in pending])

    def _links(self, seed: str, fetched: Fetched, kind: str) -> list[str]:
        """Links worth following: same site; pages under the listing's folder, letters anywhere."""
        if kind == "html":
            found = _html_links(fetched.body)
        elif kind == "sitemap":
            found = _sitemap_links(fetched.body)
        else:
            return []
        folder = urlsplit(seed).path.rsplit("/", 1)[0] + "/"
        if kind == "html" and urlsplit(seed).path.lower().endswith(".xml"):
            folder = "\0"  # a sitemap lists the pages itself: from them, only their letters are followed
        links: list[str] = []
        for href in found:
            url = urldefrag(urljoin(fetched.url, href.strip()))[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not same_site(url, seed):
                continue
            suffix = Path(parts.path).suffix.lower()
            if suffix in _LETTER_SUFFIXES or (suffix in _FOLLOWED_SUFFIXES and parts.path.startswith(folder)):
                links.append(url)
        return list(dict.fromkeys(links))

    def close(self) -> None:
        """Release the crawl state."""
        self.state.close()
        if self._owns_fetcher:
            self.fetcher.close()


def _kind(fetched: Fetched) -> str:
    """What a response is: html, pdf, docx, text, sitemap, or '' when unknown."""
    body = fetched.body
    if body.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(b"PK") and b"word/" in body[:4096]:
        return "docx"
    kind = _KINDS.get(fetched.content_type.lower(), "")
    if kind == "sitemap" or fetched.url.lower().endswith(".xml"):
        return "sitemap" if b"<urlset" in body[:2048] or b"<sitemapindex" in body[:2048] else ""
    if kind:
        return kind
    suffix = Path(urlsplit(fetched.url).path).suffix.lower()
    return {".html": "html", ".htm": "html", ".txt": "text", ".pdf": "pdf", ".docx": "docx"}.get(suffix, "")


def _asked(question: str) -> bool:
    """Whether a parsed question reads as one asked by a requester."""
    return "?" in question or bool(_REQUEST_WORDS.match(question.strip()))


def _html_links(body: bytes) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    return [str(a.get("href")) for a in soup.find_all("a", href=True)]


def _sitemap_links(body: bytes) -> list[str]:
    return [html.unescape(found.decode("utf-8", "replace")) for found in _LOC.findall(body)]
