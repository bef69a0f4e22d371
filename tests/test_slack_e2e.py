"""End to end over real HTTP: the real Bolt app on 127.0.0.1, signed requests, a fake Slack Web API."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from slack_sdk.models.blocks import Block
from waitress.server import create_server

from bot.cases import CaseStore
from bot.service import CaseService
from bot.slack.app import Core, build_app, wsgi_app
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import load_library
from knowledge.refresh import Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore
from tests.conftest import SAMPLE_CORPUS
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
    settings = Settings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    refresher = Refresher(settings, KnowledgeStore(settings), embeddings)
    refresher.run([SAMPLE_CORPUS])
    refresher.close()
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
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def stop() -> None:
        server.close()
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
    assert "Refusal-notice check" in complete.params["initial_comment"]
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


def test_buttons_accept_alternatives_and_approve(bot: Bot) -> None:
    parent_ts, posts = _draft(bot)
    case = CaseStore(bot.settings.case_database_url).find_by_thread("C1", parent_ts)
    assert case is not None
    q1_ts = _ts_of(bot, posts[1])
    bot.send(action_body("foi_accept", f"{case.reference}|1", message_ts=q1_ts, thread_ts=parent_ts, trigger_id="A1"))
    bot.slack.wait_for("chat.update", timeout=30)
    bot.send(action_body("foi_alternatives", f"{case.reference}|1", message_ts=q1_ts, thread_ts=parent_ts,
                         trigger_id="A2"))
    bot.slack.wait_for("chat.postMessage", timeout=30,
                       predicate=lambda call: "Alternatives" in call.params.get("text", ""))
    bot.send(action_body("foi_approve", case.reference, message_ts=parent_ts, trigger_id="A3"))
    bot.slack.wait_for("chat.postMessage", timeout=30, predicate=lambda call: "Approved" in json.dumps(call.params))
    stored = CaseStore(bot.settings.case_database_url).get(case.reference)
    assert stored.status == "answered"
    assert KnowledgeStore(bot.settings).records_for(f"case:{case.reference}")


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
