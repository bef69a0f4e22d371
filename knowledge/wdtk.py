"""WhatDoTheyKnow import: an authority's answered requests from its public pages on an Alaveteli site.

Alaveteli (the software behind WhatDoTheyKnow) lists an authority's requests on
`/body/<url_name>` (paginated, `rel="next"`), describes each request as JSON on
`/request/<url_title>.json` (`described_state`, `prominence`, `user`, `public_body` and the
`info_request_events`: `sent`, `response`, `followup_sent`, ... with their message ids), and
shows the message texts on `/request/<url_title>` (`#outgoing-<id>`, `#incoming-<id>`, each
with a `.correspondence_text` and attachment links). The JSON carries no message text, so
the page is read only for requests that changed.

Only answered requests come in; from each, the requester's first message (the questions) and
the authority's replies with their attached letters, never the requester's follow-ups or
annotations. Requesters' names are redacted before anything is stored. A request whose last
event is the one already imported costs one conditional JSON request and no embedding.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from knowledge.fetching import FetchError, PoliteFetcher, same_site
from knowledge.loaders import LoadError, load_docx, load_pdf, load_text
from knowledge.parser import parse_document
from knowledge.personal_data import REQUESTER, redact_correspondence
from knowledge.refresh import ParsedSource, ProgressReport, Refresher, RefreshSummary, SourceSummary

ANSWERED_STATES = frozenset({"successful", "partially_successful", "not_held", "rejected"})
_BATCH = 8
_REQUEST_PATH = re.compile(r"^/request/([A-Za-z0-9_-]+)/?$")
_SCHEMA = """
create table if not exists wdtk_requests (
    authority text not null, url_title text not null, page text not null, etag text not null,
    last_event_id integer not null, seen integer not null default 0, primary key (authority, url_title));
"""


class WdtkError(Exception):
    """The authority cannot be imported (unknown name, site unreachable); the message is one line."""


@dataclass(frozen=True)
class _Known:
    etag: str
    last_event_id: int


class WhatDoTheyKnowImporter:
    """Imports an authority's answered requests from WhatDoTheyKnow (or any Alaveteli site)."""

    def __init__(self, refresher: Refresher, fetcher: PoliteFetcher | None = None, base_url: str = "") -> None:
        self.refresher = refresher
        self.settings = refresher.settings
        self._owns_fetcher = fetcher is None
        self.fetcher = fetcher or PoliteFetcher(self.settings)
        self.base_url = (base_url or self.settings.wdtk_url).rstrip("/")
        self.db = sqlite3.connect(self.settings.crawl_state_path, timeout=30, isolation_level=None)
        self.db.execute("pragma journal_mode=wal")
        self.db.executescript(_SCHEMA)

    def import_authority(self, url_name: str, limit: int | None = None,
                         progress: ProgressReport | None = None) -> RefreshSummary:
        """Bring the store up to date with one authority's answered requests (at most `limit` of them)."""
        started = time.perf_counter()
        requests_before = self.fetcher.requests
        label = f"wdtk:{url_name}"
        summary = RefreshSummary()
        self.refresher.store.check_model()
        self.refresher.ledger.recover(self.refresher.store)
        body = self._json(f"{self.base_url}/body/{quote(url_name)}.json", f"no authority {url_name!r} on "
                                                                           f"{self.base_url}")
        authority = str(body.get("name") or url_name)
        self.db.execute("update wdtk_requests set seen = 0 where authority = ?", (url_name,))
        pending: list[tuple[str, ParsedSource, _Known]] = []
        complete = True
        answered = 0
        for seen, url_title in enumerate(self._request_titles(url_name, summary), start=1):
            if limit is not None and answered >= limit:
                complete = False
                break
            if progress is not None:
                progress.advance(label, seen, None)
            outcome = self._examine(url_name, url_title, authority, summary)
            if outcome is None:
                continue
            answered += 1
            if isinstance(outcome, tuple):
                pending.append((url_title, *outcome))
            if len(pending) >= _BATCH:
                self._commit(url_name, pending, summary)
                pending = []
        else:
            complete = not any(path == label for path, _ in summary.failed)
        self._commit(url_name, pending, summary)
        if complete:
            rows = self.db.execute("select url_title, page from wdtk_requests where authority = ? and seen = 0",
                                   (url_name,)).fetchall()
            self.refresher.forget([page for _, page in rows], summary)
            self.db.executemany("delete from wdtk_requests where authority = ? and url_title = ?",
                                [(url_name, title) for title, _ in rows])
        summary.requests = self.fetcher.requests - requests_before
        summary.seconds = time.perf_counter() - started
        summary.sources.append(SourceSummary(label, summary.added, summary.updated, summary.removed,
                                             summary.unchanged, list(summary.failed), summary.requests,
                                             summary.seconds))
        return summary

    def _request_titles(self, url_name: str, summary: RefreshSummary) -> list[str]:
        """Every request listed on the authority's pages, following `rel="next"` links."""
        from bs4 import BeautifulSoup

        titles: list[str] = []
        page: str | None = f"{self.base_url}/body/{quote(url_name)}"
        visited: set[str] = set()
        while page and page not in visited and len(visited) < self.settings.crawl_max_pages:
            visited.add(page)
            try:
                fetched = self.fetcher.fetch(page)
            except FetchError as error:
                summary.failed.append((f"wdtk:{url_name}", f"listing {page}: {error}"))
                break
            soup = BeautifulSoup(fetched.body, "html.parser")
            for link in soup.find_all("a", href=True):
                target = urljoin(fetched.url, str(link["href"]))
                match = _REQUEST_PATH.match(urlsplit(target).path)
                if match and same_site(target, self.base_url) and match.group(1) not in titles:
                    titles.append(match.group(1))
            following = soup.find("a", rel="next") or soup.find("a", class_="next_page")
            page = urljoin(fetched.url, str(following["href"])) if following is not None else None
            if page and not same_site(page, self.base_url):
                page = None
        return titles

    def _examine(self, url_name: str, url_title: str, authority: str,
                 summary: RefreshSummary) -> tuple[ParsedSource, _Known] | bool | None:
        """The request parsed for writing, True when unchanged, None when not answered or unusable."""
        page = f"{self.base_url}/request/{url_title}"
        known = self._known(url_name, url_title)
        stored = page in self.refresher.ledger.documents_for([page])
        try:
            fetched = self.fetcher.fetch(f"{page}.json", known.etag if known and stored else "")
        except FetchError as error:
            if not error.gone:
                summary.failed.append((page, str(error)))
                self._mark_seen(url_name, url_title, stored)
            return None
        if fetched.not_modified and known is not None:
            self._unchanged(url_name, url_title, page, summary)
            return True
        try:
            info = json.loads(fetched.body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            summary.failed.append((page, "malformed request JSON"))
            self._mark_seen(url_name, url_title, stored)
            return None
        body = info.get("public_body") or {}
        if body.get("url_name") not in (None, url_name) or info.get("prominence", "normal") != "normal":
            return None
        if info.get("described_state") not in ANSWERED_STATES:
            self._mark_seen(url_name, url_title, stored)  # answered once, now under review: keep what we had
            return None
        events = [e for e in info.get("info_request_events") or [] if isinstance(e, dict)]
        last_event = max((int(e.get("id") or 0) for e in events), default=0)
        state = _Known(fetched.etag, last_event)
        if known is not None and known.last_event_id == last_event and stored:
            self._unchanged(url_name, url_title, page, summary, state)
            return True
        try:
            thread = self._thread(page, info, events, authority)
            documents = load_text(thread.encode("utf-8"), page)
            parsed = [parse_document(doc, authority) for doc in documents]
        except (FetchError, LoadError) as error:
            summary.failed.append((page, str(error)))
            self._mark_seen(url_name, url_title, stored)
            return None
        if not any(doc.precedents for doc in parsed):
            summary.failed.append((page, "no questions or answers found"))
            return None
        origin = {"kind": "wdtk", "url": page, "status": str(info.get("described_state"))}
        digest = hashlib.sha256(thread.encode("utf-8")).hexdigest()
        if self.refresher.ledger.documents_for([page]).get(page, ("", []))[0] == digest:
            self._unchanged(url_name, url_title, page, summary, state)
            return True
        return ParsedSource(page, digest, parsed, origin), state

    def _thread(self, page: str, info: dict[str, Any], events: list[dict[str, Any]], authority: str) -> str:
        """The request and the authority's replies as a redacted text thread, in Alaveteli's order."""
        from bs4 import BeautifulSoup

        user = info.get("user") or {}
        names = [str(user.get("name") or ""), str(user.get("url_name") or ""), str(info.get("user_name") or "")]
        names = [name for name in names if name]
        soup = BeautifulSoup(self.fetcher.fetch(page).body, "html.parser")
        parts: list[str] = []
        sent = next((e for e in events if e.get("event_type") == "sent" and e.get("outgoing_message_id")), None)
        if sent is not None:
            text = _message_text(soup, f"outgoing-{sent['outgoing_message_id']}")
            parts.append(f"----- Outgoing message, {_day(sent)}, from {REQUESTER} -----\n"
                         + redact_correspondence(text, names, written_by_requester=True))
        for event in events:
            if event.get("event_type") != "response" or not event.get("incoming_message_id"):
                continue
            anchor = f"incoming-{event['incoming_message_id']}"
            letters = self._attachments(soup, anchor, page)
            text = _message_text(soup, anchor) + "".join("\n\n" + letter for letter in letters)
            if text.strip():
                parts.append(f"----- Incoming message, {_day(event)}, from {authority.replace(',', ' ')} -----\n"
                             + redact_correspondence(text, names))
        if len(parts) < 2:
            raise LoadError("no request and reply found on the request page")
        return "\n\n".join(parts) + "\n"

    def _attachments(self, soup: Any, anchor: str, page: str) -> list[str]:
        """Text of the PDF and Word letters attached to one reply."""
        box = soup.find(id=anchor)
        letters: list[str] = []
        for link in box.find_all("a", href=True) if box is not None else []:
            url = urljoin(page, str(link["href"]))
            suffix = Path(urlsplit(url).path).suffix.lower()
            if "/attach/" not in url or suffix not in (".pdf", ".docx") or not same_site(url, page):
                continue
            fetched = self.fetcher.fetch(url)
            reader = load_pdf if suffix == ".pdf" else load_docx
            try:
                letters += [doc.text for doc in reader(fetched.body, url)]
            except LoadError:
                continue  # a broken attachment does not spoil the reply
        return list(dict.fromkeys(letters))

    def _known(self, url_name: str, url_title: str) -> _Known | None:
        row = self.db.execute("select etag, last_event_id from wdtk_requests where authority = ? and url_title = ?",
                              (url_name, url_title)).fetchone()
        return _Known(row[0], int(row[1])) if row else None

    def _mark_seen(self, url_name: str, url_title: str, stored: bool) -> None:
        if stored:
            self.db.execute("update wdtk_requests set seen = 1 where authority = ? and url_title = ?",
                            (url_name, url_title))

    def _unchanged(self, url_name: str, url_title: str, page: str, summary: RefreshSummary,
                   state: _Known | None = None) -> None:
        summary.unchanged += 1
        self.refresher.mark_seen([page])
        if state is not None:
            self.db.execute("update wdtk_requests set etag = ?, last_event_id = ? where authority = ? "
                            "and url_title = ?", (state.etag, state.last_event_id, url_name, url_title))
        self._mark_seen(url_name, url_title, True)

    def _commit(self, url_name: str, pending: Sequence[tuple[str, ParsedSource, _Known]],
                summary: RefreshSummary) -> None:
        if not pending:
            return
        self.refresher.write_parsed([source for _, source, _ in pending], summary)
        self.db.executemany(
            "insert or replace into wdtk_requests values (?, ?, ?, ?, ?, 1)",
            [(url_name, title, source.key, state.etag, state.last_event_id) for title, source, state in pending],
        )

    def _json(self, url: str, missing: str) -> dict[str, Any]:
        try:
            fetched = self.fetcher.fetch(url)
            value = json.loads(fetched.body)
        except FetchError as error:
            raise WdtkError(missing if error.gone else f"cannot read {url}: {error}") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise WdtkError(f"{url} is not JSON: is {self.base_url} an Alaveteli site?") from None
        if not isinstance(value, dict):
            raise WdtkError(f"{url} is not an Alaveteli authority")
        return value

    def reset(self) -> None:
        """Forget every import (the rebuild path)."""
        self.db.execute("delete from wdtk_requests")

    def close(self) -> None:
        """Release the import state."""
        self.db.close()
        if self._owns_fetcher:
            self.fetcher.close()


def _message_text(soup: Any, anchor: str) -> str:
    box = soup.find(id=anchor)
    if box is None:
        return ""
    body = box.find(class_="correspondence_text") or box
    for attachments in body.find_all(class_="attachments"):
        attachments.decompose()
    for br in body.find_all("br"):
        br.replace_with("\n")
    for block in body.find_all(["p", "div", "li"]):
        block.insert_after("\n")
    return re.sub(r"\n\s*\n\s*(\n\s*)+", "\n\n", body.get_text()).strip()


def _day(event: dict[str, Any]) -> str:
    """An event's date as "3 March 2024" (Alaveteli gives ISO 8601 times)."""
    raw = str(event.get("created_at") or "")
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).strftime("%-d %B %Y")
    except ValueError:
        return raw.split("T")[0]
