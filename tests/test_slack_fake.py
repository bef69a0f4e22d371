"""Self-tests: the fake Slack answers the real slack_sdk WebClient, and the request helpers sign correctly."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from tests.slack_fake import (
    FakeSlack,
    action_body,
    event_body,
    post,
    sign,
    slash_command_body,
    view_submission_body,
)

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.url, timeout=5)


def test_url_shape(slack: FakeSlack) -> None:
    assert slack.url.startswith("http://127.0.0.1:")
    assert slack.url.endswith("/api/")
    assert slack.response_url("abc").startswith(slack.root_url + "/response_url/")


def test_auth_test(client: WebClient, slack: FakeSlack) -> None:
    response = client.auth_test()
    assert response["user_id"] == "UBOT"
    assert response["bot_id"] == "BBOT"
    assert response["team_id"] == "T1"
    [call] = slack.calls("auth.test")
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


def test_post_message_ts_increase_and_are_recorded(client: WebClient, slack: FakeSlack) -> None:
    first = client.chat_postMessage(channel="C1", text="parent")
    second = client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    assert first["ts"] == "1700000000.000100"
    assert second["message"]["thread_ts"] == first["ts"]
    assert second["channel"] == "C1"
    calls = slack.wait_for("chat.postMessage", count=2)
    assert [c.params["text"] for c in calls] == ["parent", "reply"]
    assert calls[1].params["thread_ts"] == first["ts"]
    assert calls[0].at <= calls[1].at


def test_blocks_sent_as_json_text_are_decodable(client: WebClient, slack: FakeSlack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    response = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert response["message"]["blocks"] == blocks
    assert slack.calls("chat.postMessage")[0].json_param("blocks") == blocks


def test_chat_update_recorded(client: WebClient, slack: FakeSlack) -> None:
    ts = client.chat_postMessage(channel="C1", text="thinking...")["ts"]
    response = client.chat_update(channel="C1", ts=ts, text="done")
    assert response["ts"] == ts
    assert response["channel"] == "C1"
    [call] = slack.wait_for("chat.update", predicate=lambda c: c.params.get("text") == "done")
    assert call.params["ts"] == ts


def test_json_body_methods(client: WebClient, slack: FakeSlack) -> None:
    view = {"type": "modal", "callback_id": "cb", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
    assert client.views_open(trigger_id="T123", view=view)["view"]["id"] == "V1"
    # chat.postEphemeral, users.info (GET), conversations.info, and an unknown method
    assert client.chat_postEphemeral(channel="C1", user="U1", text="only you")["message_ts"]
    assert client.users_info(user="U1")["user"]["id"] == "U1"
    assert client.conversations_info(channel="C1")["channel"]["id"] == "C1"
    assert client.api_call("reactions.add", json={"channel": "C1", "name": "eyes", "timestamp": "1.2"})["ok"]
    assert slack.calls("reactions.add")[0].params["name"] == "eyes"
    assert slack.calls("views.open")[0].json_param("view")["callback_id"] == "cb"
    assert slack.calls("users.info")[0].params["user"] == "U1"


def test_rate_limit_retried_by_handler(slack: FakeSlack) -> None:
    client = WebClient(
        token=TOKEN,
        base_url=slack.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    slack.rate_limit_next("chat.postMessage", retry_after=0)  # the handler adds up to 1 s of jitter
    response = client.chat_postMessage(channel="C1", text="burst")
    assert response["ok"]
    calls = slack.calls("chat.postMessage")
    assert len(calls) == 2
    assert [c.params["text"] for c in calls] == ["burst", "burst"]


def test_rate_limit_without_handler_raises(client: WebClient, slack: FakeSlack) -> None:
    slack.rate_limit_next("chat.update", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"


def test_fail_next_raises_once(client: WebClient, slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C9", text="x")
    assert info.value.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C9", text="x")["ok"]  # applied once only
    assert len(slack.calls("chat.postMessage")) == 2


def test_injections_queue_per_method(client: WebClient, slack: FakeSlack) -> None:
    slack.fail_next("chat.update", error="message_not_found")
    slack.fail_next("chat.update", error="cant_update_message", status=400)
    for expected in ("message_not_found", "cant_update_message"):
        with pytest.raises(SlackApiError) as info:
            client.chat_update(channel="C1", ts="1.0", text="x")
        assert info.value.response["error"] == expected
    assert client.auth_test()["ok"]  # other methods unaffected
    assert client.chat_update(channel="C1", ts="1.0", text="x")["ok"]


def test_hang_next_delays_answer(client: WebClient, slack: FakeSlack) -> None:
    slack.hang_next("auth.test", 0.3)
    started = time.monotonic()
    assert client.auth_test()["ok"]
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started < 0.3


def test_files_upload_v2(client: WebClient, slack: FakeSlack) -> None:
    data = b"PK\x03\x04 fake docx bytes"
    response = client.files_upload_v2(
        channel="C1", thread_ts="1700000000.000100", content=data, filename="x.docx", title="Draft"
    )
    file_id = response["file"]["id"]
    assert file_id.startswith("F")
    assert response["file"]["title"] == "Draft"
    assert slack.uploads[file_id] == data
    [complete] = slack.calls("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1"
    assert complete.params["thread_ts"] == "1700000000.000100"
    assert complete.json_param("files")[0]["id"] == file_id
    assert slack.calls("files.getUploadURLExternal")[0].params["filename"] == "x.docx"
    assert slack.calls("upload")[0].params["size"] == len(data)


def test_wait_for_times_out_with_methods_seen(client: WebClient, slack: FakeSlack) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        slack.wait_for("chat.postMessage", timeout=0.1)


def test_wait_for_sees_calls_from_other_threads(client: WebClient, slack: FakeSlack) -> None:
    thread = threading.Thread(target=lambda: (time.sleep(0.1), client.chat_postMessage(channel="C1", text="late")))
    thread.start()
    [call] = slack.wait_for("chat.postMessage", timeout=5)
    thread.join()
    assert call.params["text"] == "late"


def test_reset(client: WebClient, slack: FakeSlack) -> None:
    client.auth_test()
    slack.fail_next("auth.test")
    slack.reset()
    assert slack.calls() == []
    assert client.auth_test()["ok"]


def test_response_url_recorded(slack: FakeSlack) -> None:
    status, _ = post(slack.response_url("r7"), json.dumps({"text": "hello"}), SECRET)
    assert status == 200
    [call] = slack.wait_for("response_url")
    assert call.params == {"text": "hello", "_name": "r7"}


def test_sign_accepted_by_signature_verifier() -> None:
    body = slash_command_body(text="draft please")
    headers = sign(body, SECRET)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body=body,
        timestamp=headers["X-Slack-Request-Timestamp"],
        signature=headers["X-Slack-Signature"],
    )
    assert not SignatureVerifier("other").is_valid(
        body=body, timestamp=headers["X-Slack-Request-Timestamp"], signature=headers["X-Slack-Signature"]
    )
    stale = sign(body, SECRET, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid(
        body=body, timestamp=stale["X-Slack-Request-Timestamp"], signature=stale["X-Slack-Signature"]
    )


def test_body_builders_shape() -> None:
    form = dict(urllib.parse.parse_qsl(slash_command_body(response_url="http://x/r")))
    assert form["command"] == "/foi"
    assert form["response_url"] == "http://x/r"
    envelope = json.loads(event_body({"type": "message", "text": "hi", "ts": "1.1"}, event_id="Ev9"))
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"] == "Ev9"
    assert envelope["authorizations"][0]["user_id"] == "UBOT"
    action = json.loads(dict(urllib.parse.parse_qsl(action_body("approve", "case-1", thread_ts="1.0")))["payload"])
    assert action["actions"][0]["value"] == "case-1"
    assert action["container"]["thread_ts"] == "1.0"
    assert action["message"]["ts"] == action["container"]["message_ts"]
    submission = json.loads(
        dict(urllib.parse.parse_qsl(view_submission_body("cb", {"question": "why?"}, "meta", "U2")))["payload"]
    )
    assert submission["view"]["state"]["values"]["question"]["question"]["value"] == "why?"
    assert submission["view"]["private_metadata"] == "meta"
    assert submission["user"]["id"] == "U2"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_signed_requests_reach_a_real_bolt_app(slack: FakeSlack) -> None:
    """End to end: a real Bolt app over HTTP, its WebClient on the fake, driven by the helpers."""
    app = App(client=WebClient(token=TOKEN, base_url=slack.url), signing_secret=SECRET)

    @app.command("/foi")
    def foi(ack, respond, client, command) -> None:  # type: ignore[no-untyped-def]
        ack()
        client.chat_postMessage(channel=command["channel_id"], text=f"got: {command['text']}")
        respond("working")

    @app.event("message")
    def on_message(event, client) -> None:  # type: ignore[no-untyped-def]
        client.chat_postMessage(channel=event["channel"], thread_ts=event["thread_ts"], text="reply")

    @app.action("approve")
    def approve(ack, body, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="approved")

    @app.view("ask")
    def ask(ack, view) -> None:  # type: ignore[no-untyped-def]
        ack()
        slack_value = view["state"]["values"]["q"]["q"]["value"]
        app.client.chat_postMessage(channel=view["private_metadata"], text=slack_value)

    server = make_server(
        "127.0.0.1", 0, SlackRequestHandler(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    app_url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    try:
        body = slash_command_body(text="draft x", response_url=slack.response_url())
        assert post(app_url, body, SECRET)[0] == 200
        slack.wait_for("chat.postMessage", predicate=lambda c: c.params["text"] == "got: draft x")
        assert slack.wait_for("response_url")[0].params["text"] == "working"

        event = {"type": "message", "channel": "C1", "user": "U1", "text": "hi", "ts": "2.0", "thread_ts": "1.0"}
        assert post(app_url, event_body(event), SECRET, retry_num=1)[0] == 200
        slack.wait_for("chat.postMessage", predicate=lambda c: c.params.get("thread_ts") == "1.0")

        assert post(app_url, action_body("approve", "v", message_ts="1.0"), SECRET)[0] == 200
        slack.wait_for("chat.update", predicate=lambda c: c.params["ts"] == "1.0")

        assert post(app_url, view_submission_body("ask", {"q": "why"}, "C5", "U1"), SECRET)[0] == 200
        slack.wait_for("chat.postMessage", predicate=lambda c: c.params["channel"] == "C5")

        assert post(app_url, body, "wrong-secret")[0] == 401
        assert post(app_url, body, SECRET, timestamp=int(time.time()) - 600)[0] == 401
    finally:
        server.shutdown()
        server.server_close()
