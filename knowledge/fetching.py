"""A polite HTTP client for public sites: robots.txt, a request rate, caps, conditional requests.

Shared by the disclosure-log crawler and the WhatDoTheyKnow importer. It identifies itself
("foibot/<version> (+contact)"), waits FOIBOT_CRAWL_DELAY seconds between requests to a
host (longer if robots.txt asks), never reads more than FOIBOT_CRAWL_MAX_BYTES of a body,
follows redirects only within the same site, and sends If-None-Match / If-Modified-Since
when it has validators, so an unchanged page costs a 304 and no body.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from email.message import Message
from importlib import metadata
from urllib.parse import urljoin, urlsplit

from knowledge.settings import Settings

_MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A page that could not be fetched; the message is one line."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status

    @property
    def gone(self) -> bool:
        """The server says the page does not exist (404 or 410)."""
        return self.status in (404, 410)


class Disallowed(FetchError):
    """robots.txt does not let foibot fetch this URL; nothing was requested."""


@dataclass(frozen=True)
class Fetched:
    """One response: 200 with its body, or 304 (not modified) with none."""

    url: str
    """The final URL, after same-site redirects."""
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        """The server confirmed our stored copy is current."""
        return self.status == 304


@dataclass
class _Host:
    robots: urllib.robotparser.RobotFileParser | None = None
    delay: float = 0.0
    last_request: float = field(default=-1e9)


def user_agent(contact: str) -> str:
    """The User-Agent foibot sends: its name, version and the operator's contact."""
    try:
        version = metadata.version("foibot")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"foibot/{version} (+{contact})" if contact else f"foibot/{version}"


def same_site(url: str, other: str) -> bool:
    """Whether two URLs share scheme, host and port."""
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses, so each hop is checked (same site, robots) and counted."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class PoliteFetcher:
    """Fetches pages one at a time, politely, counting every request it makes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.agent = user_agent(settings.crawl_contact)
        self.requests = 0
        self._hosts: dict[str, _Host] = {}
        self._opener = urllib.request.build_opener(_NoRedirects())

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets foibot fetch this URL (fetched once per site per run)."""
        host = self._host(url)
        if host.robots is None:
            host.robots = self._read_robots(url)
            delay = host.robots.crawl_delay(self.agent)
            host.delay = max(self.settings.crawl_delay, float(delay or 0))
        return host.robots.can_fetch(self.agent, url)

    def fetch(self, url: str, etag: str = "", last_modified: str = "") -> Fetched:
        """GET a page, conditionally when validators are given; raises FetchError on any failure."""
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            if not self.allowed(current):
                raise Disallowed("disallowed by robots.txt")
            status, headers, body = self._get(current, etag, last_modified)
            if status in (301, 302, 303, 307, 308):
                target = urljoin(current, headers.get("Location", ""))
                if not same_site(target, url):
                    raise FetchError(f"redirected off-site to {urlsplit(target).netloc or target}", status)
                current = target
                continue
            if status == 304:
                return Fetched(current, 304, etag=headers.get("ETag", etag),
                               last_modified=headers.get("Last-Modified", last_modified))
            if status != 200:
                raise FetchError(f"HTTP {status}", status)
            return Fetched(current, 200, body, headers.get_content_type() if headers else "",
                           headers.get("ETag", ""), headers.get("Last-Modified", ""))
        raise FetchError(f"more than {_MAX_REDIRECTS} redirects")

    def _get(self, url: str, etag: str, last_modified: str) -> tuple[int, Message, bytes]:
        self._wait(url)
        headers = {"User-Agent": self.agent, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) URLs checked by callers
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self.settings.crawl_timeout) as response:
                return response.status, response.headers, self._read(response)
        except urllib.error.HTTPError as error:
            error.close()
            return error.code, error.headers, b""
        except TimeoutError:
            raise FetchError(f"timed out after {self.settings.crawl_timeout:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise FetchError(f"timed out after {self.settings.crawl_timeout:g} s") from None
            raise FetchError(f"cannot connect: {error.reason}") from None
        except (OSError, ValueError) as error:
            raise FetchError(f"connection failed: {type(error).__name__}") from None

    def _read(self, response: object) -> bytes:
        limit = self.settings.crawl_max_bytes
        headers = getattr(response, "headers", None)
        length = headers.get("Content-Length") if headers is not None else None
        if length and length.isdigit() and int(length) > limit:
            raise FetchError(f"file too large ({int(length) / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB)")
        chunks: list[bytes] = []
        size = 0
        read = getattr(response, "read")  # noqa: B009 - urllib's response types differ by scheme
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise FetchError(f"file too large (over {limit / 1e6:.1f} MB, the limit)")
            chunks.append(chunk)

    def _wait(self, url: str) -> None:
        host = self._host(url)
        pause = host.delay - (time.monotonic() - host.last_request)
        if pause > 0:
            time.sleep(pause)
        host.last_request = time.monotonic()

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._hosts:
            self._hosts[key] = _Host(delay=self.settings.crawl_delay)
        return self._hosts[key]

    def _read_robots(self, url: str) -> urllib.robotparser.RobotFileParser:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            status, _, body = self._get(robots_url, "", "")
        except FetchError:
            status, body = 0, b""
        if status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        else:  # no robots.txt (or none readable) allows everything, as an empty one does
            parser.parse(body.decode("utf-8", "replace").splitlines() if status == 200 else [])
        return parser
