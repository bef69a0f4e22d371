"""The polite fetcher against a real HTTP server on 127.0.0.1: robots.txt, keep-alive, gzip, Retry-After."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.fetching import Disallowed, FetchError, PoliteFetcher, retry_after
from knowledge.settings import Settings
from tests.disclosure_site import DisclosureSite

ROBOTS = b"""User-agent: *
Disallow: /foi/
Allow: /foi/disclosure-log/
Disallow: /*.pdf$
"""
PAGE = b"<html><body><main><p>" + b"The council holds 14 gritting lorries. " * 40 + b"</p></main></body></html>"


@pytest.fixture
def site() -> Iterator[DisclosureSite]:
    """A small site with the robots.txt above and a few pages."""
    fake = DisclosureSite().start()
    fake.put("/robots.txt", "text/plain", ROBOTS)
    for path in ("/foi/disclosure-log/a.html", "/foi/disclosure-log/b.html", "/foi/disclosure-log/c.html",
                 "/foi/internal/x.html", "/media/letter.pdf", "/media/letter.pdf.html"):
        fake.put(path, "text/html", PAGE)
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[PoliteFetcher]:
    """A fetcher with no politeness delay."""
    settings = Settings(_env_file=None, data_dir=tmp_path, crawl_delay=0, crawl_timeout=2)  # type: ignore[call-arg]
    polite = PoliteFetcher(settings)
    try:
        yield polite
    finally:
        polite.close()


def test_robots_longest_match_allows_the_log_under_a_disallowed_folder(site: DisclosureSite,
                                                                        fetcher: PoliteFetcher) -> None:
    assert fetcher.allowed(site.base + "/foi/disclosure-log/a.html")
    assert not fetcher.allowed(site.base + "/foi/internal/x.html")


def test_robots_wildcard_with_end_anchor_disallows_only_pdfs(site: DisclosureSite, fetcher: PoliteFetcher) -> None:
    assert not fetcher.allowed(site.base + "/media/letter.pdf")
    assert fetcher.allowed(site.base + "/media/letter.pdf.html")
    with pytest.raises(Disallowed):
        fetcher.fetch(site.base + "/media/letter.pdf")
    assert all(hit.path != "/media/letter.pdf" for hit in site.hits())


def test_a_failing_robots_txt_disallows_the_whole_site(site: DisclosureSite, fetcher: PoliteFetcher) -> None:
    site.statuses["/robots.txt"] = 503

    with pytest.raises(Disallowed, match=r"robots\.txt answered HTTP 503") as error:
        fetcher.fetch(site.base + "/foi/disclosure-log/a.html")

    assert "\n" not in str(error.value)
    assert [hit.path for hit in site.hits()].count("/foi/disclosure-log/a.html") == 0


def test_a_missing_robots_txt_allows_everything(site: DisclosureSite, fetcher: PoliteFetcher) -> None:
    site.remove("/robots.txt")

    assert fetcher.allowed(site.base + "/foi/internal/x.html")


def test_pages_share_one_kept_alive_connection_and_come_gzipped(site: DisclosureSite,
                                                                fetcher: PoliteFetcher) -> None:
    bodies = [fetcher.fetch(f"{site.base}/foi/disclosure-log/{name}.html").body for name in "abc"]

    assert bodies == [PAGE, PAGE, PAGE]
    assert site.connections == 1
    assert all(hit.gzipped for hit in site.hits() if hit.path.endswith(".html"))


def test_a_429_with_retry_after_is_waited_out_then_fetched(site: DisclosureSite, fetcher: PoliteFetcher) -> None:
    site.throttled["/foi/disclosure-log/a.html"] = (1, "1")

    started = time.monotonic()
    fetched = fetcher.fetch(site.base + "/foi/disclosure-log/a.html")

    assert fetched.body == PAGE
    assert time.monotonic() - started >= 0.9
    assert [hit.status for hit in site.hits() if hit.path.endswith("a.html")] == [429, 200]


def test_a_retry_after_longer_than_a_crawl_can_wait_skips_the_page_in_one_line(
        site: DisclosureSite, fetcher: PoliteFetcher) -> None:
    site.throttled["/foi/disclosure-log/a.html"] = (5, "3600")

    with pytest.raises(FetchError, match="asks to wait 3600 s") as error:
        fetcher.fetch(site.base + "/foi/disclosure-log/a.html")

    assert error.value.status == 429
    assert [hit.status for hit in site.hits() if hit.path.endswith("a.html")] == [429]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert retry_after("soon") is None
    assert retry_after(None) is None
