"""WhatDoTheyKnow import against a local fake of Alaveteli, requester redaction and provenance links."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.blocks import search_results, source_link
from knowledge.embeddings import SentenceEmbeddings
from knowledge.personal_data import redact_correspondence
from knowledge.refresh import Ledger, Refresher, RefreshSummary
from knowledge.settings import Settings
from knowledge.store import EXEMPTION_PRECEDENTS, PRECEDENTS, KnowledgeStore, SearchHit
from knowledge.wdtk import WdtkError, WhatDoTheyKnowImporter
from tests.wdtk_fake import BODY, FakeWhatDoTheyKnow, Message, ashcombe_requests

ANSWERED = {"pothole_repairs_in_2023", "library_staffing", "leisure_centre_asbestos"}
REQUESTER_NAMES = ("Okafor", "Jane", "Brennan", "Tomasz", "Achebe", "jane_okafor", "tomasz_brennan")


@pytest.fixture
def wdtk() -> Iterator[FakeWhatDoTheyKnow]:
    """The fake WhatDoTheyKnow, serving four requests to Ashcombe Valley Council."""
    fake = FakeWhatDoTheyKnow(ashcombe_requests())
    fake.site.start()
    try:
        yield fake
    finally:
        fake.site.stop()


@pytest.fixture
def wdtk_settings(tmp_path: Path, wdtk: FakeWhatDoTheyKnow) -> Settings:
    """Settings pointing FOIBOT_WDTK_URL at the fake, with no politeness delay."""
    return Settings(_env_file=None, data_dir=tmp_path / "data", crawl_delay=0, crawl_timeout=2,  # type: ignore[call-arg]
                    wdtk_url=wdtk.base)


def _import(settings: Settings, embeddings: SentenceEmbeddings, limit: int | None = None) -> RefreshSummary:
    refresher = Refresher(settings, KnowledgeStore(settings), embeddings)
    importer = WhatDoTheyKnowImporter(refresher)
    try:
        return importer.import_authority(BODY, limit=limit)
    finally:
        importer.close()
        refresher.close()


def _payloads(settings: Settings) -> list[dict[str, object]]:
    store = KnowledgeStore(settings)
    out = []
    for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
        for metadata in store.collection(name).get(include=["metadatas"])["metadatas"]:
            out.append(json.loads(metadata["payload"]) | {"source_file": metadata["source_file"]})
    return out


@pytest.mark.slow
def test_import_brings_in_answered_requests_with_only_the_authoritys_replies(
    wdtk: FakeWhatDoTheyKnow, wdtk_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    summary = _import(wdtk_settings, embeddings)

    assert summary.failed == []
    assert summary.added == len(ANSWERED)
    ledger = Ledger(wdtk_settings.ledger_path)
    assert set(ledger.documents()) == {f"{wdtk.base}/request/{title}" for title in ANSWERED}
    ledger.close()
    payloads = _payloads(wdtk_settings)
    text = json.dumps(payloads)
    assert "4,318 potholes" in text
    assert "Forty-one staff" in text, "the reply's attached PDF letter is read"
    assert "Station Road" not in text, "the requester's follow-up is not imported"
    assert "Kit Marlowe" not in text
    assert "campaign" not in text, "annotations are not imported"
    assert "acknowledge receipt" not in text
    potholes = [p for p in payloads if str(p["source_file"]).endswith("pothole_repairs_in_2023")]
    assert {p["origin"]["kind"] for p in potholes} == {"wdtk"}  # type: ignore[index]
    assert potholes[0]["origin"] == {"kind": "wdtk", "url": f"{wdtk.base}/request/pothole_repairs_in_2023",
                                     "status": "successful"}
    assert potholes[0]["authority"] == "Ashcombe Valley Council"


@pytest.mark.slow
def test_requester_names_are_never_stored(
    wdtk: FakeWhatDoTheyKnow, wdtk_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    _import(wdtk_settings, embeddings)

    stored = json.dumps(_payloads(wdtk_settings))
    for name in REQUESTER_NAMES:
        assert name not in stored
    for path in wdtk_settings.data_dir.glob("*.sqlite3"):
        raw = path.read_bytes()
        assert not any(name.encode() in raw for name in REQUESTER_NAMES), path


@pytest.mark.slow
def test_second_import_checks_each_request_once_and_changes_nothing(
    wdtk: FakeWhatDoTheyKnow, wdtk_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    _import(wdtk_settings, embeddings)
    before = len(wdtk.site.hits())

    again = _import(wdtk_settings, embeddings)

    assert (again.added, again.updated, again.removed, again.precedents_written) == (0, 0, 0, 0)
    assert again.unchanged == len(ANSWERED)
    paths = [hit.path for hit in wdtk.site.hits(before)]
    assert not any(path.startswith("/request/") and not path.endswith(".json") for path in paths), (
        "no request page or attachment is fetched again")
    for hit in wdtk.site.hits(before):
        if hit.path.startswith("/request/") and hit.path.removeprefix("/request/").removesuffix(".json") in ANSWERED:
            assert hit.conditional
            assert hit.status == 304


@pytest.mark.slow
def test_new_reply_reimports_the_request_and_hidden_request_is_pruned(
    wdtk: FakeWhatDoTheyKnow, wdtk_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    _import(wdtk_settings, embeddings)
    requests = ashcombe_requests()
    requests[2].messages.append(Message("response", "2024-04-02", "Dear R. Achebe,\n\nFurther to our reply, "
                                        "the council does not hold any asbestos survey made before 2006.\n\n"
                                        "Information Governance Team"))
    requests[1].prominence = "hidden"
    wdtk.requests = requests
    wdtk.publish()

    summary = _import(wdtk_settings, embeddings)

    assert (summary.updated, summary.removed, summary.unchanged) == (1, 1, 1)
    assert "made before 2006" in json.dumps(_payloads(wdtk_settings))


@pytest.mark.slow
def test_limit_imports_at_most_that_many_and_prunes_nothing(
    wdtk: FakeWhatDoTheyKnow, wdtk_settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    _import(wdtk_settings, embeddings)

    summary = _import(wdtk_settings, embeddings, limit=1)

    assert (summary.unchanged, summary.removed) == (1, 0)


@pytest.mark.slow
def test_unknown_authority_is_a_one_line_error(wdtk_settings: Settings, embeddings: SentenceEmbeddings) -> None:
    refresher = Refresher(wdtk_settings, KnowledgeStore(wdtk_settings), embeddings)
    importer = WhatDoTheyKnowImporter(refresher)
    with pytest.raises(WdtkError, match="no authority 'no_such_body'"):
        importer.import_authority("no_such_body")
    importer.close()
    refresher.close()


def test_redaction_takes_out_names_greetings_signatures_and_emails() -> None:
    reply = "Dear Ms Okafor,\n\nWe wrote to jane@example.org about your request, Ms Okafor.\n\nYours sincerely\n" \
            "FOI Team"
    assert redact_correspondence(reply, ["Jane Okafor"]) == (
        "Dear [requester],\n\nWe wrote to [email] about your request, Ms [requester].\n\nYours sincerely\nFOI Team")
    assert redact_correspondence("Dear Sir or Madam,\nThanks.", []) == "Dear Sir or Madam,\nThanks."
    assert redact_correspondence("Dear Dr Q. Zephyr,\nText", []) == "Dear [requester],\nText"
    request = "Please send the figures.\n\nYours faithfully,\n\nA. Pseudonym"
    assert redact_correspondence(request, [], written_by_requester=True).endswith("Yours faithfully,\n\n[requester]")


def _hit(**changes: str) -> SearchHit:
    fields: dict[str, object] = {
        "id": "x", "score": 0.9, "question": "Q?", "answer": "A.", "disposition": "disclosed", "exemptions": (),
        "reference": "AVC-2024-0201", "date": "2024-01-25", "authority": "Ashcombe Valley Council", "regime": "foia",
        "source": "", "request_stance": "",
    }
    return SearchHit(**(fields | changes))  # type: ignore[arg-type]


def test_slack_links_only_our_own_http_urls_and_escapes_them() -> None:
    assert source_link("https://wdtk.example/request/a_b?x=1&y=2", "AVC <1>") == (
        "<https://wdtk.example/request/a_b?x=1&amp;y=2|AVC &lt;1&gt;>")
    assert source_link("https://x.example/a|b>c d", "r|s") == "<https://x.example/a%7Cb%3Ec%20d|r¦s>"
    assert source_link("javascript:alert(1)", "ref") == "ref"
    assert source_link("/srv/foi/letter.pdf", "ref") == "ref"
    message = search_results("potholes", [_hit(origin_kind="wdtk", origin_url="https://wdtk.example/request/p")])
    assert "WhatDoTheyKnow: <https://wdtk.example/request/p|AVC-2024-0201>" in message.blocks[1]["text"]["text"]
    plain = search_results("potholes", [_hit(origin_kind="file", origin_url="/srv/foi/a.txt")])
    assert "<" not in plain.blocks[1]["text"]["text"].replace("&lt;", "")


@pytest.mark.slow
def test_import_wdtk_command_prints_a_summary_per_source(
    wdtk: FakeWhatDoTheyKnow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("FOIBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FOIBOT_CRAWL_DELAY", "0")

    code = main(["import-wdtk", BODY, "--base-url", wdtk.base, "--json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["added"] == len(ANSWERED)
    assert report["sources"][0]["source"] == f"wdtk:{BODY}"
    assert report["sources"][0]["requests"] > 0
