"""A polite HTTP client for public sites: robots.txt, a request rate, caps, conditional requests.

Shared by the disclosure-log crawler and the WhatDoTheyKnow importer. It identifies itself
("foibot/<version> (+contact)"), waits FOIBOT_CRAWL_DELAY seconds between requests to a
host (longer if robots.txt asks), never reads more than FOIBOT_CRAWL_MAX_BYTES of a body,
follows redirects only within the same site, and sends If-None-Match / If-Modified-Since
when it has validators, so an unchanged page costs a 304 and no body.

HTTP goes through one `requests` session: connections are kept alive per host and bodies
are fetched gzip-compressed. A 429 or 503 with a Retry-After the crawl can afford is waited
out and retried. robots.txt is read by Protego (wildcards, `$`, longest-match precedence);
a robots.txt that answers 5xx means "disallow everything" for this run, as RFC 9309 says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from knowledge.settings import Settings

_MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_RETRIED_STATUSES = (429, 503)
_MAX_RETRIES = 2
_MAX_RETRY_AFTER = 60.0
"""Longest Retry-After (seconds) waited out; a site asking for longer gets the page skipped this run."""


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
    robots: Protego | None = None
    refusal: str = "disallowed by robots.txt"
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


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"


class PoliteFetcher:
    """Fetches pages one at a time, politely, counting every request it makes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.agent = user_agent(settings.crawl_contact)
        self.requests = 0
        self._hosts: dict[str, _Host] = {}
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate"})
        # Proxies and .netrc from the environment stay out: foibot fetches what it is pointed at.
        self._session.trust_env = False

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets foibot fetch this URL (fetched once per site per run)."""
        host = self._host(url)
        if host.robots is None:
            host.robots, problem = self._read_robots(url)
            if problem:
                host.refusal = f"robots.txt {problem}: nothing fetched from this site this run (RFC 9309)"
            delay = host.robots.crawl_delay(self.agent)
            host.delay = max(self.settings.crawl_delay, float(delay or 0))
        return bool(host.robots.can_fetch(url, self.agent))

    def fetch(self, url: str, etag: str = "", last_modified: str = "") -> Fetched:
        """GET a page, conditionally when validators are given; raises FetchError on any failure."""
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            if not self.allowed(current):
                raise Disallowed(self._host(current).refusal)
            status, headers, body = self._get_retrying(current, etag, last_modified)
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
            content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
            return Fetched(current, 200, body, content_type, headers.get("ETag", ""), headers.get("Last-Modified", ""))
        raise FetchError(f"more than {_MAX_REDIRECTS} redirects")

    def _get_retrying(self, url: str, etag: str, last_modified: str) -> tuple[int, Any, bytes]:
        """One GET, waiting out a 429/503's Retry-After (within reason) before trying again."""
        for attempt in range(_MAX_RETRIES + 1):
            status, headers, body = self._get(url, etag, last_modified)
            if status not in _RETRIED_STATUSES or attempt == _MAX_RETRIES:
                return status, headers, body
            wait = retry_after(headers.get("Retry-After"))
            if wait is None:
                wait = self._host(url).delay * 2 ** attempt or 1.0
            if wait > _MAX_RETRY_AFTER:
                raise FetchError(f"HTTP {status}: the site asks to wait {wait:.0f} s; skipped this run", status)
            # The host's next request waits at least this long (the polite delay still applies after).
            self._host(url).last_request = time.monotonic() + wait - self._host(url).delay
        return status, headers, body

    def _get(self, url: str, etag: str, last_modified: str) -> tuple[int, Any, bytes]:
        self._wait(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests += 1
        timeout = self.settings.crawl_timeout
        try:
            with self._session.get(url, headers=headers, timeout=timeout, allow_redirects=False,
                                   stream=True) as response:
                body = self._read(response, time.monotonic() + timeout) if response.status_code == 200 else b""
                return response.status_code, response.headers, body
        except requests.Timeout:
            raise FetchError(f"timed out after {timeout:g} s") from None
        except requests.ConnectionError as error:
            raise FetchError(f"cannot connect: {_reason(error)}") from None
        except (requests.RequestException, OSError, ValueError) as error:
            raise FetchError(f"connection failed: {type(error).__name__}") from None

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        """The body, decompressed, never more than the byte cap nor longer than the timeout in all."""
        limit = self.settings.crawl_max_bytes
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > limit:
            raise FetchError(f"file too large ({int(length) / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB)")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise FetchError(f"file too large (over {limit / 1e6:.1f} MB, the limit)")
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {self.settings.crawl_timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)

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

    def _read_robots(self, url: str) -> tuple[Protego, str]:
        """The site's robots.txt, read as RFC 9309 says: 4xx allows everything, 5xx or no answer disallows.

        Returns the rules and, when they are "disallow everything" for want of a robots.txt, why.
        """
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            status, _, body = self._get_retrying(robots_url, "", "")
        except FetchError as error:
            return Protego.parse(_DISALLOW_ALL), f"unreachable ({error})"
        if status == 200:
            return Protego.parse(body.decode("utf-8", "replace")), ""
        if status >= 500:
            # A failing robots.txt means "complete disallow" (RFC 9309 2.3.1.4), until it answers again.
            return Protego.parse(_DISALLOW_ALL), f"answered HTTP {status}"
        if status in (401, 403):
            return Protego.parse(_DISALLOW_ALL), ""  # the site is closed to crawlers
        return Protego.parse(""), ""  # 404 and other 4xx: no robots.txt, everything allowed

    def close(self) -> None:
        """Close the kept-alive connections."""
        self._session.close()


def _reason(error: requests.ConnectionError) -> str:
    """The innermost reason of a connection failure, in one line."""
    reason: BaseException = error
    while reason.__context__ is not None and reason.__context__ is not reason:
        reason = reason.__context__
    text = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
    return text[:160]
