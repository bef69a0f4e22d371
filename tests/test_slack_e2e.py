"""End to end over real HTTP: the real Bolt app on 127.0.0.1, signed requests, a fake Slack Web API."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from slack_sdk.models.blocks import Block
from waitress.server import create_server

from bot.cases import CaseStore
from bot.models import Case, CaseQuestion, Draft, OpeningStance, Option
from bot.service import CaseService
from bot.slack.app import Core, build_app, wsgi_app
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import load_library
from knowledge.models import Disposition, Regime
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore
from tests.conftest import SAMPLE_CORPUS, ingest_samples
from tests.slack_fake import (
    Call,
    FakeSlack,
    action_body,
    event_body,
    post,
    slash_command_body,
    view_submission_body,
)

pytestmark = pytest.mark.slow
SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
FOIBOT = str(Path(sys.executable).parent / "foibot")
REQUEST = "1. Has the force used drones for covert surveillance?\n2. How many drones does the force own?"


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: SentenceEmbeddings) -> Path:
    """The sample corpus ingested once for this module."""
    data = tmp_path_factory.mktemp("slack-knowledge")
    ingest_samples(data, embeddings)
    return data


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API."""
    with FakeSlack() as fake:
        yield fake


@dataclass
class Bot:
    """A running bot: its URL, settings and the fake Slack it talks to."""

    url: str
    settings: Settings
    slack: FakeSlack
    stop: Any

    def send(self, body: str, retry_num: int | None = None, timestamp: int | None = None,
             secret: str = SECRET) -> tuple[int, str]:
        return post(self.url, body, secret, retry_num=retry_num, timestamp=timestamp)

    def command(self, text: str, user: str = "U1", trigger: str = "T1") -> tuple[int, str]:
        return self.send(slash_command_body(text=text, user_id=user, channel_id="C1", trigger_id=trigger,
                                            response_url=self.slack.response_url()))


def _start(settings: Settings, slack: FakeSlack, embeddings: SentenceEmbeddings) -> Bot:
    store = KnowledgeStore(settings)
    cases = CaseStore(settings.case_database_url)
    service = CaseService(settings, store, embeddings, load_library(), cases)
    app, _jobs = build_app(Core(settings, service, store, embeddings, load_library()))
    server = create_server(wsgi_app(app, settings), host="127.0.0.1", port=0, threads=8)

    def serve() -> None:
        # stop() closes the sockets under the server's select loop, which then fails on them: that is
        # how it ends, not an error.
        with contextlib.suppress(OSError, ValueError):
            server.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def stop() -> None:
        server.close()
        thread.join(timeout=5)
        cases.close()

    return Bot(f"http://127.0.0.1:{server.effective_port}/slack/events", settings, slack, stop)


def _settings(knowledge_dir: Path, tmp_path: Path, slack: FakeSlack, **extra: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=knowledge_dir, database_url=f"sqlite:///{tmp_path / 'cases.sqlite3'}",
        slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=slack.url,
        authority="Fenmoor Constabulary", **extra,
    )


@pytest.fixture
def bot(knowledge_dir: Path, tmp_path: Path, slack: FakeSlack, embeddings: SentenceEmbeddings) -> Iterator[Bot]:
    """The real Bolt app served on 127.0.0.1."""
    running = _start(_settings(knowledge_dir, tmp_path, slack), slack, embeddings)
    yield running
    running.stop()


def _valid_blocks(call: Call) -> list[dict[str, Any]]:
    found = call.json_param("blocks") or []
    for block in found:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
        if block.get("type") == "section":
            assert len(block["text"]["text"]) <= 3000
    assert len(found) <= 50
    return list(found)


def _draft(bot: Bot, text: str = REQUEST, questions: int = 2) -> tuple[str, list[Call]]:
    status, _ = bot.command(f"draft {text}")
    assert status == 200
    posts = bot.slack.wait_for("chat.postMessage", count=1 + questions, timeout=60)
    parent = posts[0]
    return parent.params.get("ts") or _ts_of(bot, parent), posts


def _ts_of(bot: Bot, call: Call) -> str:
    index = bot.slack.calls("chat.postMessage").index(call)
    return f"1700000000.{(index + 1) * 100:06d}"


def test_forged_signature_and_stale_timestamp_are_rejected(bot: Bot) -> None:
    body = slash_command_body(text="help", response_url=bot.slack.response_url())
    assert bot.send(body, secret="wrong-secret")[0] == 401
    assert bot.send(body, timestamp=int(time.time()) - 600)[0] == 401
    assert bot.slack.calls("chat.postMessage") == []


def test_draft_command_posts_a_parent_then_one_message_per_question_in_its_thread(bot: Bot) -> None:
    started = time.perf_counter()
    status, _ = bot.command(f"draft {REQUEST}")
    assert status == 200
    assert time.perf_counter() - started < 3
    posts = bot.slack.wait_for("chat.postMessage", count=3, timeout=60)
    parent, first, second = posts[:3]
    assert "Case FOI-" in parent.params["text"]
    parent_ts = _ts_of(bot, parent)
    assert first.params["thread_ts"] == parent_ts
    assert second.params["thread_ts"] == parent_ts
    first_blocks = json.dumps(_valid_blocks(first))
    assert "Neither confirm nor deny" in first_blocks
    assert "FC-FOI-2023-0412" in first_blocks
    assert {e["action_id"] for b in _valid_blocks(first) if b["type"] == "actions" for e in b["elements"]} == {
        "foi_accept", "foi_alternatives", "foi_regenerate"}
    case = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert case is not None
    assert len(case.questions) == 2


def test_reply_in_the_thread_refines_and_updates_that_message_in_place(bot: Bot) -> None:
    parent_ts, posts = _draft(bot)
    question_two_ts = _ts_of(bot, posts[2])
    event = {"type": "message", "channel": "C1", "user": "U1", "text": "Q2 not held", "ts": "1800000000.000001",
             "thread_ts": parent_ts}
    assert bot.send(event_body(event, event_id="EvRefine"))[0] == 200
    [update] = bot.slack.wait_for("chat.update", timeout=30)
    assert update.params["ts"] == question_two_ts
    assert "Not held" in json.dumps(_valid_blocks(update))
    reply = bot.slack.wait_for("chat.postMessage", count=4, timeout=30)[-1]
    assert "Q2: disposition set to not_held" in reply.params["text"] + json.dumps(reply.json_param("blocks"))


def test_retried_event_and_duplicate_mention_are_handled_once(bot: Bot) -> None:
    parent_ts, _ = _draft(bot)
    event = {"type": "message", "channel": "C1", "user": "U1", "text": "Q1 add s16 advice",
             "ts": "1800000000.000002", "thread_ts": parent_ts}
    body = event_body(event, event_id="EvOnce")
    assert bot.send(body)[0] == 200
    assert bot.send(body, retry_num=1)[0] == 200
    mention = dict(event, type="app_mention", text="<@UBOT> Q1 add s16 advice")
    assert bot.send(event_body(mention, event_id="EvMention"))[0] == 200
    bot.slack.wait_for("chat.update", timeout=30)
    time.sleep(1.5)
    assert len(bot.slack.calls("chat.update")) == 1


def test_retried_command_drafts_once(bot: Bot) -> None:
    body = slash_command_body(text=f"draft {REQUEST}", trigger_id="T-same", response_url=bot.slack.response_url())
    assert bot.send(body)[0] == 200
    assert bot.send(body, retry_num=1)[0] == 200
    bot.slack.wait_for("chat.postMessage", count=3, timeout=60)
    time.sleep(1.5)
    assert len(bot.slack.calls("chat.postMessage")) == 3
    assert len(CaseStore(bot.settings.case_database_url).list_cases()) == 1


def test_draft_without_text_opens_the_modal_and_its_submission_drafts(bot: Bot) -> None:
    assert bot.command("draft", trigger="T-modal")[0] == 200
    [opened] = bot.slack.wait_for("views.open", timeout=10)
    assert opened.params["trigger_id"] == "T-modal"
    view = opened.json_param("view")
    assert view["private_metadata"] == "C1"
    values = {
        "request": {"value": {"type": "plain_text_input", "value": "How many drones does the force own?"}},
        "received": {"value": {"type": "datepicker", "selected_date": "2025-03-03"}},
        "regime": {"value": {"type": "static_select", "selected_option": {"value": "foia"}}},
    }
    body = view_submission_body("foi_draft_modal", values, private_metadata="C1", user_id="U1", view_id="V-1")
    status, _ = bot.send(body)
    assert status == 200
    posts = bot.slack.wait_for("chat.postMessage", count=2, timeout=60)
    assert posts[0].params["channel"] == "C1"
    assert "due *2025-04-01*" in json.dumps(posts[0].json_param("blocks"))


def test_letter_reply_uploads_the_docx_with_the_check(bot: Bot) -> None:
    parent_ts, _ = _draft(bot)
    event = {"type": "message", "channel": "C1", "user": "U1", "text": "letter", "ts": "1800000000.000003",
             "thread_ts": parent_ts}
    bot.send(event_body(event, event_id="EvLetter"))
    [complete] = bot.slack.wait_for("files.completeUploadExternal", timeout=30)
    assert complete.params["thread_ts"] == parent_ts
    assert "Letter check:" in complete.params["initial_comment"]
    assert "thing(s) still to finish" in complete.params["initial_comment"]
    assert "[requester name]" in complete.params["initial_comment"]
    [content] = list(bot.slack.uploads.values())
    document = docx.Document(io.BytesIO(content))
    assert any("Refusal notice" in p.text for p in document.paragraphs)


def test_rate_limited_post_is_retried(bot: Bot) -> None:
    bot.slack.rate_limit_next("chat.postMessage", retry_after=1)
    bot.command(f"draft {REQUEST}")
    posts = bot.slack.wait_for("chat.postMessage", count=4, timeout=60)  # the 429, then three posts
    assert posts[1].at - posts[0].at >= 1.0  # Retry-After was honoured
    assert posts[0].params["text"] == posts[1].params["text"]


def test_user_outside_the_allowed_list_is_refused_and_nothing_happens(
    knowledge_dir: Path, tmp_path: Path, slack: FakeSlack, embeddings: SentenceEmbeddings
) -> None:
    running = _start(_settings(knowledge_dir, tmp_path, slack, allowed_users=("U1",)), slack, embeddings)
    try:
        status, body = running.command(f"draft {REQUEST}", user="U2")
        assert status == 200
        assert "not available to you" in body
        time.sleep(1.5)
        assert slack.calls("chat.postMessage") == []
        assert CaseStore(running.settings.case_database_url).list_cases() == []
    finally:
        running.stop()


def test_refinement_in_an_old_thread_works_after_a_restart(
    knowledge_dir: Path, tmp_path: Path, slack: FakeSlack, embeddings: SentenceEmbeddings
) -> None:
    settings = _settings(knowledge_dir, tmp_path, slack)
    first = _start(settings, slack, embeddings)
    parent_ts, posts = _draft(first)
    question_one_ts = _ts_of(first, posts[1])
    first.stop()

    second = _start(settings, slack, embeddings)
    try:
        event = {"type": "message", "channel": "C1", "user": "U1", "text": "Q1: We cannot say.",
                 "ts": "1800000000.000009", "thread_ts": parent_ts}
        second.send(event_body(event, event_id="EvAfterRestart"))
        [update] = slack.wait_for("chat.update", timeout=30)
        assert update.params["ts"] == question_one_ts
        assert "We cannot say." in json.dumps(update.json_param("blocks"))
    finally:
        second.stop()


def test_slack_error_reaches_the_user(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", error="not_in_channel")
    bot.command(f"draft {REQUEST}")
    [told] = bot.slack.wait_for("response_url", timeout=60,
                                predicate=lambda call: "not_in_channel" in json.dumps(call.params))
    assert "/invite" in json.dumps(told.params)


def test_messages_from_bots_and_other_threads_are_ignored(bot: Bot) -> None:
    parent_ts, _ = _draft(bot)
    before = len(bot.slack.calls())
    own = {"type": "message", "channel": "C1", "bot_id": "BBOT", "text": "Q1 not held", "ts": "1800000000.1",
           "thread_ts": parent_ts}
    stranger = {"type": "message", "channel": "C1", "user": "U1", "text": "Q1 not held", "ts": "1800000000.2",
                "thread_ts": "1111111111.000001"}
    bot.send(event_body(own, event_id="EvBot"))
    bot.send(event_body(stranger, event_id="EvStranger"))
    time.sleep(1.5)
    assert len(bot.slack.calls()) == before


def test_user_text_cannot_ping_or_link(bot: Bot) -> None:
    _draft(bot, text="Please tell me <!channel> about @here drones <http://evil.example|click>?", questions=1)
    posted = json.dumps([c.json_param("blocks") for c in bot.slack.calls("chat.postMessage")])
    assert "<!channel>" not in posted
    assert "<http://evil" not in posted
    assert "@here" not in posted


def test_long_wording_is_split_into_sections_not_rejected(bot: Bot) -> None:
    parent_ts, _ = _draft(bot)
    long_text = " ".join(["The force holds a record of this matter."] * 200)
    event = {"type": "message", "channel": "C1", "user": "U1", "text": f"Q1: {long_text}",
             "ts": "1800000000.000005", "thread_ts": parent_ts}
    bot.send(event_body(event, event_id="EvLong"))
    [update] = bot.slack.wait_for("chat.update", timeout=30)
    sections = [b for b in _valid_blocks(update) if b["type"] == "section"]
    assert len(sections) >= 3


def test_search_exemption_status_and_help_answer_the_user(bot: Bot) -> None:
    for text in ("search drones covert surveillance", "exemption s31", "status", "help", "nonsense"):
        bot.command(text, trigger=f"T-{text[:6]}")
    answers = bot.slack.wait_for("response_url", count=5, timeout=60)
    joined = json.dumps([a.params for a in answers])
    assert "FC-FOI-2023-0412" in joined
    assert "Law enforcement" in joined
    assert "Knowledge base" in joined
    assert "/foi draft" in joined


def test_buttons_accept_alternatives_and_approve_after_the_confirmation_step(bot: Bot) -> None:
    parent_ts, posts = _draft(bot)
    case = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert case is not None
    q1_ts = _ts_of(bot, posts[1])
    bot.send(action_body("foi_accept", f"{case.reference}|1|0", message_ts=q1_ts, thread_ts=parent_ts,
                         trigger_id="A1"))
    [accepted] = bot.slack.wait_for("chat.update", timeout=30)
    assert "decided by user-u1" in json.dumps(accepted.json_param("blocks"))  # a name, not the raw id U1
    bot.send(action_body("foi_alternatives", f"{case.reference}|1|0", message_ts=q1_ts, thread_ts=parent_ts,
                         trigger_id="A2"))
    bot.slack.wait_for("chat.postMessage", timeout=30,
                       predicate=lambda call: "Alternatives" in call.params.get("text", ""))

    # Approve and file asks first; with Q2 undecided it lists Q2 and offers only an override.
    bot.send(action_body("foi_approve", f"{case.reference}|0|0", message_ts=parent_ts, trigger_id="A3"))
    [refusal] = bot.slack.wait_for("chat.postMessage", timeout=30,
                                   predicate=lambda call: "not ready to approve" in json.dumps(call.params))
    refusal_blocks = json.dumps(_valid_blocks(refusal))
    assert "Q2" in refusal_blocks
    assert "foi_confirm_approve" not in refusal_blocks
    assert "foi_override_approve" in refusal_blocks
    assert CaseStore(bot.settings.case_database_url).get(case.reference).status == "open"

    bot.send(action_body("foi_accept", f"{case.reference}|2|0", message_ts=_ts_of(bot, posts[2]),
                         thread_ts=parent_ts, trigger_id="A4"))
    bot.slack.wait_for("chat.update", count=2, timeout=30)
    # Covert use of drones: the seed force's own answers opened with an NCND across the request, decided once.
    assert case.stance is not None
    assert "Opening stance for the whole request" in json.dumps(_valid_blocks(posts[0]))
    bot.send(action_body("foi_stance_accept", f"{case.reference}|0|0", message_ts=parent_ts, trigger_id="A4s"))
    bot.slack.wait_for("chat.update", count=3, timeout=30)
    bot.send(action_body("foi_approve", f"{case.reference}|0|0", message_ts=parent_ts, trigger_id="A5"))
    [confirmation] = bot.slack.wait_for("chat.postMessage", timeout=30,
                                        predicate=lambda call: "Approve case" in json.dumps(call.params))
    assert "foi_confirm_approve" in json.dumps(_valid_blocks(confirmation))
    bot.send(action_body("foi_confirm_approve", f"{case.reference}|0|0", message_ts=_ts_of(bot, confirmation),
                         thread_ts=parent_ts, trigger_id="A6"))
    [approved] = bot.slack.wait_for("chat.postMessage", timeout=60,
                                    predicate=lambda call: "Approved by" in json.dumps(call.params))
    stored = CaseStore(bot.settings.case_database_url).get(case.reference)
    assert stored.status == "answered"
    filed = KnowledgeStore(bot.settings).records_for(f"case:{case.reference}")
    assert len(filed) == 2
    assert "2 answer(s) are now precedents" in json.dumps(approved.params)


def _say(bot: Bot, parent_ts: str, text: str, event_id: str) -> None:
    event = {"type": "message", "channel": "C1", "user": "U1", "text": text,
             "ts": f"1800000000.{zlib.crc32(event_id.encode()) % 1_000_000:06d}", "thread_ts": parent_ts}
    assert bot.send(event_body(event, event_id=event_id))[0] == 200


def _reply_with(bot: Bot, text: str, timeout: float = 60) -> Call:
    return bot.slack.wait_for("chat.postMessage", timeout=timeout,
                              predicate=lambda call: text in json.dumps(call.params))[-1]


def test_override_approval_asks_for_a_reason_records_it_and_files_only_decided_answers(bot: Bot) -> None:
    parent_ts, _posts = _draft(bot)
    case = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert case is not None
    _say(bot, parent_ts, "accept Q1", "EvAccept000001")
    bot.slack.wait_for("chat.update", timeout=30)
    _say(bot, parent_ts, "approve", "EvApprove00001")
    refusal = _reply_with(bot, "not ready to approve")
    bot.send(action_body("foi_override_approve", f"{case.reference}|0|0", message_ts=_ts_of(bot, refusal),
                         thread_ts=parent_ts, trigger_id="T-override"))
    [opened] = bot.slack.wait_for("views.open", timeout=10)
    view = opened.json_param("view")
    assert view["callback_id"] == "foi_override_modal"
    reason = "Q2 answered by phone, agreed with the team lead"
    values = {"reason": {"value": {"type": "plain_text_input", "value": reason}}}
    body = view_submission_body("foi_override_modal", values, private_metadata=view["private_metadata"],
                                user_id="U1", view_id="V-override")
    assert bot.send(body)[0] == 200
    approved = _reply_with(bot, "Approved by")
    assert "1 answer(s) are now precedents" in json.dumps(approved.params)
    stored = CaseStore(bot.settings.case_database_url).get(case.reference)
    assert stored.status == "answered"
    assert stored.approval is not None
    assert stored.approval.override == "Q2 answered by phone, agreed with the team lead"
    assert stored.approval.filed == (1,)
    assert len(KnowledgeStore(bot.settings).records_for(f"case:{case.reference}")) == 1


def test_reopen_in_the_thread_withdraws_what_approval_filed(bot: Bot) -> None:
    parent_ts, _ = _draft(bot)
    case = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert case is not None
    _say(bot, parent_ts, "accept all", "EvAcceptAll001")
    bot.slack.wait_for("chat.update", count=2, timeout=30)
    _say(bot, parent_ts, "approve", "EvApprove00002")
    confirmation = _reply_with(bot, "Approve case")
    bot.send(action_body("foi_confirm_approve", f"{case.reference}|0|0", message_ts=_ts_of(bot, confirmation),
                         thread_ts=parent_ts, trigger_id="T-confirm"))
    _reply_with(bot, "Approved by")
    assert len(KnowledgeStore(bot.settings).records_for(f"case:{case.reference}")) == 2
    _say(bot, parent_ts, "reopen", "EvReopen000001")
    reopened = _reply_with(bot, "Reopened by")
    assert "2 precedent(s) its approval filed are withdrawn" in json.dumps(reopened.params)
    assert KnowledgeStore(bot.settings).records_for(f"case:{case.reference}") == []
    assert CaseStore(bot.settings.case_database_url).get(case.reference).status == "open"
    _say(bot, parent_ts, "Q2 not held", "EvAfterReopen1")
    _reply_with(bot, "Q2: disposition set to not_held")


def test_parent_lists_the_questions_and_one_click_adds_the_text_left_out(bot: Bot) -> None:
    request = ("I have read about trials of AI for facial recognition by several forces.\n\n"
               "What is the AI budget?")
    parent_ts, posts = _draft(bot, text=request, questions=1)
    parent = json.dumps(_valid_blocks(posts[0]))
    assert "The request, as split into questions" in parent
    assert "What is the AI budget?" in parent
    assert "Not treated as a question" in parent
    assert "foi_add_left_out" in parent
    case = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert case is not None
    assert len(case.left_out) == 1
    bot.send(action_body("foi_add_left_out", f"{case.reference}|0|0", message_ts=parent_ts, trigger_id="T-add"))
    [added] = bot.slack.wait_for("chat.postMessage", timeout=60,
                                 predicate=lambda call: call.params.get("text", "").startswith("Q2:"))
    assert added.params["thread_ts"] == parent_ts
    assert "facial recognition" in json.dumps(_valid_blocks(added))
    stored = CaseStore(bot.settings.case_database_url).get(case.reference)
    assert [q.number for q in stored.questions] == [1, 2]
    assert stored.left_out == []
    assert stored.question(2).draft.edit == "added"
    parent_update = bot.slack.wait_for("chat.update", timeout=30,
                                       predicate=lambda call: call.params["ts"] == parent_ts)[-1]
    assert "foi_add_left_out" not in json.dumps(parent_update.json_param("blocks"))


def test_edits_after_remove_and_add_land_on_the_question_they_name(bot: Bot) -> None:
    parent_ts, posts = _draft(bot)
    q2_ts = _ts_of(bot, posts[2])
    _say(bot, parent_ts, "remove Q1", "EvRemove000001")
    _reply_with(bot, "Q1: removed from the request")
    _say(bot, parent_ts, "add: How many drone batteries does the force hold?", "EvAdd000000001")
    added = bot.slack.wait_for("chat.postMessage", timeout=60,
                               predicate=lambda call: call.params.get("text", "").startswith("Q3:"))[-1]
    _say(bot, parent_ts, "Q2 not held", "EvRefineQ20001")
    _reply_with(bot, "Q2: disposition set to not_held")
    _say(bot, parent_ts, "Q3 not held with s16 advice", "EvRefineQ30001")
    _reply_with(bot, "Q3: disposition set to not_held; added advice and assistance")
    updates = bot.slack.calls("chat.update")
    q2_updates = [u for u in updates if u.params["ts"] == q2_ts]
    q3_updates = [u for u in updates if u.params["ts"] == _ts_of(bot, added)]
    assert q2_updates
    assert "Not held" in json.dumps(q2_updates[-1].json_param("blocks"))
    assert q3_updates
    assert "Advice and assistance" in json.dumps(q3_updates[-1].json_param("blocks"))
    # The letter renumbers: Q2 and Q3 are questions 1 and 2 for the requester.
    assert "question 1 in the letter" in json.dumps(q2_updates[-1].json_param("blocks"))
    stored = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert stored is not None
    assert [q.number for q in stored.questions] == [2, 3]
    assert [q.number for q in stored.removed] == [1]

    _say(bot, parent_ts, "merge Q2 Q3", "EvMerge0000001")
    _reply_with(bot, "Q3: merged into Q2")
    q3_now = [u for u in bot.slack.calls("chat.update") if u.params["ts"] == _ts_of(bot, added)][-1]
    assert "removed from the request (merged into Q2)" in json.dumps(q3_now.json_param("blocks"))


def test_option_buttons_adopt_the_option_as_a_persons_edit(bot: Bot) -> None:
    case = _case_with_options(bot)
    bot.send(action_body("foi_use_option", f"{case.reference}|1|2", message_ts="1700000000.000900",
                         thread_ts="1700000000.000800", trigger_id="T-option"))
    [update] = bot.slack.wait_for("chat.update", timeout=30)
    assert update.params["ts"] == "1700000000.000900"
    stored = CaseStore(bot.settings.case_database_url).get(case.reference)
    draft = stored.question(1).draft
    assert (draft.disposition, draft.exemptions, draft.edit) == ("exempt_withheld", ("s43(2)",), "option")
    assert draft.wording == "The contract price is withheld under section 43(2)."
    assert draft.author == "U1"
    assert draft.author_name == "user-u1"
    assert stored.question(1).decided


def test_the_opening_stance_is_offered_with_buttons_and_accepting_it_is_recorded(bot: Bot) -> None:
    case = _case_with_options(bot)
    parent = blocks_of_parent(bot, case)
    assert "Opening stance for the whole request" in parent
    assert "foi_stance_accept" in parent
    bot.send(action_body("foi_stance_accept", f"{case.reference}|0|0", message_ts="1700000000.000800",
                         trigger_id="T-stance"))
    bot.slack.wait_for("chat.update", timeout=30, predicate=lambda call: call.params["ts"] == "1700000000.000800")
    stored = CaseStore(bot.settings.case_database_url).get(case.reference)
    assert stored.stance is not None
    assert stored.stance.decision == "accepted"
    assert stored.events[-1].kind == "stance_accepted"
    assert stored.events[-1].by_name == "user-u1"


def blocks_of_parent(bot: Bot, case: Case) -> str:
    from bot.slack.blocks import case_parent

    return json.dumps(case_parent(CaseStore(bot.settings.case_database_url).get(case.reference)).blocks)


def _case_with_options(bot: Bot) -> Case:
    """A case as the drafter will write one (options not proposed, a request-level stance), in a thread."""
    options = (
        Option(Disposition.DISCLOSED, 0.45, (), "The contract price was £[figure]."),
        Option(Disposition.EXEMPT_WITHHELD, 0.35, ("s43(2)",), "The contract price is withheld under section 43(2)."),
    )
    draft = Draft(Disposition.DISCLOSED, (), "The contract price was £[figure].", 0.45, options=options)
    stance = OpeningStance(Disposition.NCND, ("s23(5)", "s24(2)"), ("FC-FOI-2023-0412",),
                           "The authority's past answers on covert tactics neither confirm nor deny.")
    store = CaseStore(bot.settings.case_database_url)
    case = store.create(Case(
        reference=store.next_reference(), received=date(2025, 3, 3), regime=Regime.FOIA, due_date=date(2025, 3, 31),
        request_text="What price was paid under the drone contract?",
        questions=[CaseQuestion(1, "What price was paid under the drone contract?", [draft])],
        slack_channel="C1", slack_thread_ts="1700000000.000800", stance=stance))
    store.set_message(case.reference, 0, "C1", "1700000000.000800")
    store.set_message(case.reference, 1, "C1", "1700000000.000900")
    return case


def test_requester_mrkdwn_is_shown_as_written_not_formatted(bot: Bot) -> None:
    _draft(bot, text="How many *armed* drones, ~not~ the `spare` ones, does the force own?", questions=1)
    posted = json.dumps([c.json_param("blocks") for c in bot.slack.calls("chat.postMessage")])
    for formatted in ("*armed*", "~not~", "`spare`"):
        assert formatted not in posted
    question = bot.slack.calls("chat.postMessage")[1].json_param("blocks")
    shown = json.dumps(question, ensure_ascii=False).replace("\u200b", "")
    assert "How many *armed* drones, ~not~ the `spare` ones" in shown  # nothing lost, only kept inert


def test_oversized_bodies_are_refused_before_reading_and_bodies_never_reach_the_log(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    big = "text=" + "x" * (2 * 1024 * 1024)
    status, text = bot.send(big)
    assert status == 413
    assert "over 1048576 bytes" in text
    secret = "Jane Requester-Secret, 07700 900456"
    body = slash_command_body(text=f"draft {secret}", response_url=bot.slack.response_url())
    assert bot.send(body, secret="forged")[0] == 401
    time.sleep(0.5)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Requester-Secret" not in logged
    assert "xxxxxxxxxx" not in logged
    assert "invalid signature" in logged


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("payload=" + urllib.parse.quote("[1, 2]"), "payload is not a JSON object"),
        ("payload=" + urllib.parse.quote('{"type": "block_actions", "actions": "nope"}'), "actions is not a list"),
        ("payload=" + urllib.parse.quote("{not json"), "not valid JSON"),
        ("[1, 2]", "not an object"),
    ],
)
def test_signed_malformed_payloads_get_a_400_with_one_line(bot: Bot, body: str, expected: str) -> None:
    status, text = post(bot.url, body, SECRET, content_type=None if body.startswith("payload=") else
                        "application/json")
    assert status == 400
    assert expected in text
    assert len(text.strip().splitlines()) == 1
    assert "Traceback" not in text


def test_a_non_numeric_timestamp_gets_a_401_with_one_line(bot: Bot) -> None:
    body = slash_command_body(text="help", response_url=bot.slack.response_url())
    request = urllib.request.Request(bot.url, data=body.encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": "soon",
        "X-Slack-Signature": "v0=" + "0" * 64})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    assert refused.value.read().decode().strip() == "invalid request timestamp"


def test_refresh_command_updates_one_progress_message_until_its_summary(
    knowledge_dir: Path, tmp_path: Path, slack: FakeSlack, embeddings: SentenceEmbeddings
) -> None:
    running = _start(_settings(knowledge_dir, tmp_path, slack, sources=(str(SAMPLE_CORPUS),)), slack, embeddings)
    try:
        running.command("refresh", trigger="T-refresh")
        [progress] = slack.wait_for("chat.postMessage", timeout=30)
        final = slack.wait_for("chat.update", timeout=120,
                               predicate=lambda call: "refreshed" in call.params.get("text", ""))[-1]
        assert final.params["ts"] == _ts_of(running, progress)
        assert "unchanged" in json.dumps(final.json_param("blocks"))
    finally:
        running.stop()


def test_foibot_serve_is_the_contract(knowledge_dir: Path, tmp_path: Path, slack: FakeSlack) -> None:
    """The same from outside: `foibot serve --port` with settings from the environment."""
    data = tmp_path / "data"
    shutil.copytree(knowledge_dir, data)
    port = _free_port()
    env = dict(os.environ, FOIBOT_DATA_DIR=str(data), SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
               SLACK_API_URL=slack.url, HF_HUB_OFFLINE="1")
    process = subprocess.Popen([FOIBOT, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(port, process)
        body = slash_command_body(text=f"draft {REQUEST}", response_url=slack.response_url())
        status, _ = post(f"http://127.0.0.1:{port}/slack/events", body, SECRET)
        assert status == 200
        slack.wait_for("chat.postMessage", count=3, timeout=60)
        assert post(f"http://127.0.0.1:{port}/slack/events", body, "forged")[0] == 401
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_serve_with_a_bad_configuration_fails_at_start_with_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, FOIBOT_DATA_DIR=str(tmp_path), SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET="",
               HF_HUB_OFFLINE="1")
    result = subprocess.run([FOIBOT, "serve", "--port", str(_free_port())], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"foibot serve exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("foibot serve did not become healthy")
