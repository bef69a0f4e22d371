"""Integration: the disclosure-log crawler against a fictional authority's site on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Ledger, Refresher, RefreshSummary
from knowledge.settings import Settings
from knowledge.sources import refresh_sources
from knowledge.store import PRECEDENTS, KnowledgeStore
from tests.disclosure_site import LOG, DisclosureSite, ashcombe_site

pytestmark = pytest.mark.slow
FOIBOT = str(Path(sys.executable).parent / "foibot")
RESPONSES = {f"{LOG}responses/avc-2024-01{n:02d}.html" for n in (1, 2, 3, 6, 7)} | {
    "/media/letters/avc-2024-0104-letter.pdf", "/media/letters/avc-2024-0105-letter.docx"}


@pytest.fixture
def sites() -> Iterator[tuple[DisclosureSite, DisclosureSite]]:
    """Ashcombe Valley Council's site, and another host its moved page redirects to."""
    site, other = ashcombe_site().start(), DisclosureSite().start()
    site.redirects[LOG + "responses/moved.html"] = other.base + "/foi/moved.html"
    other.put("/foi/moved.html", "text/html", (Path(__file__).parent / "fixtures" / "disclosure_log" / "responses"
                                               / "avc-2024-0101.html").read_bytes())
    try:
        yield site, other
    finally:
        site.stop()
        other.stop()


@pytest.fixture
def crawl_settings(tmp_path: Path) -> Settings:
    """No politeness delay, a short timeout and a small size cap, for a fast test site."""
    return Settings(_env_file=None, data_dir=tmp_path / "data", crawl_delay=0, crawl_timeout=0.5,  # type: ignore[call-arg]
                    crawl_max_bytes=200_000, crawl_contact="foi-tools@ashcombe.example.org")


def _crawl(settings: Settings, embeddings: SentenceEmbeddings, *sources: str) -> RefreshSummary:
    refresher = Refresher(settings, KnowledgeStore(settings), embeddings)
    try:
        return refresh_sources(refresher, list(sources))
    finally:
        refresher.close()


def _stored(settings: Settings, base: str) -> set[str]:
    ledger = Ledger(settings.ledger_path)
    try:
        return {key.removeprefix(base) for key in ledger.documents()}
    finally:
        ledger.close()


def _answers(settings: Settings, url: str) -> list[str]:
    collection = KnowledgeStore(settings).collection(PRECEDENTS)
    records = collection.get(where={"source_file": url}, include=["metadatas"])
    return [json.loads(m["payload"])["answer"] for m in records["metadatas"]]


def test_first_crawl_ingests_responses_and_skips_bad_pages_with_reasons(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, other = sites
    summary = _crawl(crawl_settings, embeddings, site.base + LOG)

    assert _stored(crawl_settings, site.base) == RESPONSES
    assert summary.added == len(RESPONSES)
    reasons = {url.removeprefix(site.base): reason for url, reason in summary.failed}
    assert reasons[LOG + "responses/avc-2024-0199.html"] == "HTTP 404"
    assert reasons[LOG + "private/staff-directory.html"] == "disallowed by robots.txt"
    assert reasons[LOG + "responses/slow-response.html"].startswith("timed out")
    assert reasons[LOG + "responses/moved.html"].startswith("redirected off-site")
    assert reasons["/media/letters/avc-2024-0110-annex.pdf"].startswith("file too large")
    requested = {hit.path for hit in site.hits()}
    assert LOG + "private/staff-directory.html" not in requested, "robots.txt must be honoured"
    assert other.hits() == [], "off-site links and redirects must not be followed"
    assert all(hit.user_agent.startswith("foibot/") and "foi-tools@ashcombe.example.org" in hit.user_agent
               for hit in site.hits())
    [source] = summary.sources
    assert source.requests == len(site.hits())
    assert summary.to_json()["sources"][0]["added"] == len(RESPONSES)
    pdf = _answers(crawl_settings, site.base + "/media/letters/avc-2024-0104-letter.pdf")
    assert any("18,250" in answer for answer in pdf)


def test_unchanged_site_costs_only_conditional_requests_and_changes_nothing(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, _ = sites
    _crawl(crawl_settings, embeddings, site.base + LOG)
    before = len(site.hits())

    again = _crawl(crawl_settings, embeddings, site.base + LOG)

    assert (again.added, again.updated, again.removed, again.precedents_written) == (0, 0, 0, 0)
    assert again.unchanged == len(RESPONSES)
    fetched = [hit for hit in site.hits(before) if hit.status == 200]
    # robots.txt is read once a run; the oversized annex is refused again. Everything else is a 304.
    assert {hit.path for hit in fetched} <= {"/robots.txt", "/media/letters/avc-2024-0110-annex.pdf"}
    for hit in site.hits(before):
        if hit.path in RESPONSES or hit.path in (LOG, LOG + "?page=2"):
            assert hit.conditional, hit
            assert hit.status == 304, hit


def test_changed_page_replaces_its_precedents_and_vanished_pages_are_pruned(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, _ = sites
    _crawl(crawl_settings, embeddings, site.base + LOG)
    potholes = LOG + "responses/avc-2024-0101.html"
    body = site.resources[potholes].body.replace(b"4,318 potholes", b"5,102 potholes")
    site.put(potholes, "text/html", body)
    site.remove(LOG + "responses/avc-2024-0102.html")  # now a 404
    listing = site.resources[LOG].body.replace(b'<li><a href="responses/avc-2024-0103.html">', b"<li><a>")
    site.put(LOG, "text/html", listing)  # 0103 is no longer linked

    summary = _crawl(crawl_settings, embeddings, site.base + LOG)

    assert (summary.added, summary.updated, summary.removed) == (0, 1, 2)
    assert _stored(crawl_settings, site.base) == RESPONSES - {LOG + "responses/avc-2024-0102.html",
                                                              LOG + "responses/avc-2024-0103.html"}
    answers = _answers(crawl_settings, site.base + potholes)
    assert len(answers) == 2
    assert any("5,102" in answer for answer in answers)
    assert not any("4,318" in answer for answer in answers)
    assert _answers(crawl_settings, site.base + LOG + "responses/avc-2024-0102.html") == []


def test_site_down_prunes_nothing(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, _ = sites
    _crawl(crawl_settings, embeddings, site.base + LOG)
    site.slow[LOG] = 2.0

    summary = _crawl(crawl_settings, embeddings, site.base + LOG)

    assert summary.removed == 0
    assert _stored(crawl_settings, site.base) == RESPONSES


def test_sitemap_seed_is_followed(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, _ = sites
    site.put("/sitemap.xml", "application/xml", (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.base}{LOG}responses/avc-2024-0106.html</loc></url>"
        f"<url><loc>{site.base}/media/letters/avc-2024-0105-letter.docx</loc></url>"
        "<url><loc>https://www.example.com/elsewhere.html</loc></url></urlset>").encode())

    summary = _crawl(crawl_settings, embeddings, site.base + "/sitemap.xml")

    assert _stored(crawl_settings, site.base) == {LOG + "responses/avc-2024-0106.html",
                                                  "/media/letters/avc-2024-0105-letter.docx"}
    assert summary.failed == []


def test_crawl_killed_midway_resumes_and_completes_without_duplicates(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, _ = sites
    env = dict(os.environ, FOIBOT_DATA_DIR=str(crawl_settings.data_dir), HF_HUB_OFFLINE="1",
               FOIBOT_CRAWL_DELAY="0.4", FOIBOT_CRAWL_TIMEOUT="0.5", FOIBOT_CRAWL_MAX_BYTES="200000")
    process = subprocess.Popen([FOIBOT, "ingest", site.base + LOG], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and process.poll() is None and not written:
        if crawl_settings.ledger_path.exists():
            ledger = Ledger(crawl_settings.ledger_path)
            written = len(ledger.documents())
            ledger.close()
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < written < len(RESPONSES), "the kill must land in the middle of the crawl"
    killed_at = len(site.hits())

    summary = _crawl(crawl_settings, embeddings, site.base + LOG)

    assert _stored(crawl_settings, site.base) == RESPONSES
    resumed = [hit.path for hit in site.hits(killed_at)]
    assert LOG not in resumed, "the listing page was crawled before the kill: the frontier carries on from it"
    # Pages committed and settled before the kill are not visited again; any committed but not yet
    # settled are fetched again and found unchanged.
    assert summary.added <= len(RESPONSES) - written <= summary.added + summary.unchanged
    ledger = Ledger(crawl_settings.ledger_path)
    ids = [record_id for _, record_ids in ledger.documents().values() for record_id in record_ids]
    assert ledger.pending_ids() == frozenset()
    ledger.close()
    store = KnowledgeStore(crawl_settings)
    assert len(ids) == len(set(ids))
    all_records = set(store.collection(PRECEDENTS).get(include=[])["ids"])
    assert all_records <= set(ids), "no orphaned or duplicated precedents"


def test_search_shows_where_a_crawled_precedent_came_from(
    sites: tuple[DisclosureSite, DisclosureSite], crawl_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    site, _ = sites
    _crawl(crawl_settings, embeddings, site.base + LOG)
    store = KnowledgeStore(crawl_settings)

    [hit] = store.search(embeddings.embed_array(["how many potholes were repaired"])[0], k=1)

    assert hit.origin_kind == "url"
    assert hit.link == site.base + LOG + "responses/avc-2024-0101.html"
    assert hit.last_seen
    assert hit.to_json()["origin"] == {"kind": "url", "url": hit.link}
    result = subprocess.run([FOIBOT, "search", "how many potholes were repaired", "-k", "1"],
                            env=dict(os.environ, FOIBOT_DATA_DIR=str(crawl_settings.data_dir), HF_HUB_OFFLINE="1"),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert f"source: {hit.link}, last seen " in result.stdout
