"""A fake Slack Web API on 127.0.0.1, and helpers to send signed Slack requests to a Bolt app.

The technique is bolt-python's own ``tests/mock_web_api_server``: a small ``http.server`` in a
thread that answers the Web API methods the bot calls and records every request, while the
app's ``WebClient(base_url=fake.url)`` points at it. Listeners run on other threads (lazy
listeners, Bolt's executor), so tests poll with :meth:`FakeSlack.wait_for` instead of
asserting immediately.

Paths served::

    /api/<method>          Web API methods (form, JSON, multipart or query-string parameters)
    /upload/<file_id>      upload URLs handed out by files.getUploadURLExternal
    /response_url/<name>   slash-command / action response URLs (recorded as "response_url")

Typical use::

    with FakeSlack() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.url)
        client.chat_postMessage(channel="C1", text="hi")
        [call] = slack.wait_for("chat.postMessage")
        assert call.params["text"] == "hi"
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk.signature import SignatureVerifier

__all__ = [
    "Call",
    "FakeSlack",
    "action_body",
    "event_body",
    "post",
    "sign",
    "slash_command_body",
    "view_submission_body",
]

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
APP_ID = "A1"

# Parameters that slack_sdk sends as JSON strings inside form bodies; decoded for responses only.
_JSON_PARAMS = ("files", "view", "blocks", "attachments", "metadata")


@dataclass(frozen=True)
class Call:
    """One request the fake received.

    ``params`` merges the query string and the body (form, JSON or multipart); form values are
    strings, exactly as sent (``blocks``/``view``/``files`` stay JSON text: use :meth:`json_param`).
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float

    def json_param(self, name: str) -> Any:
        """A parameter that may have been sent as JSON text (form) or as a JSON value (JSON body)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


@dataclass
class _Injection:
    kind: str  # "fail", "ratelimit" or "hang"
    error: str = ""
    status: int = 200
    retry_after: int = 0
    seconds: float = 0.0


@dataclass
class _Reply:
    status: int = 200
    payload: Any = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as text/plain instead of JSON when set


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(length) if length else b"")

    def _handle(self, body: bytes) -> None:
        try:
            reply = self.server.fake._dispatch(self.path, dict(self.headers.items()), body)
        except Exception as exc:  # a bug in the fake must show up as a failed call, not a hang
            reply = _Reply(status=500, payload={"ok": False, "error": f"fake_error: {exc!r}"})
        if reply.raw is not None:
            data, content_type = reply.raw, "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(reply.payload).encode(), "application/json; charset=utf-8"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. its timeout)
            pass


def _parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json":
        parsed = json.loads(body.decode("utf-8"))
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if ctype == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        out: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            raw = part.get_payload(decode=True)
            data = raw if isinstance(raw, bytes) else b""
            out[str(name)] = data if part.get_filename() else data.decode("utf-8", "replace")
        return out
    return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _decoded(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str) and name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    """A fake Slack Web API server; see the module docstring."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._injections: dict[str, deque[_Injection]] = {}
        self._stopping = threading.Event()
        self._ts = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._file_names: dict[str, str] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.uploads: dict[str, bytes] = {}

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self._host, 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes any hang_next sleeper
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------
    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The Web API base URL, for ``WebClient(base_url=...)``; ends with ``/api/``."""
        return f"{self.root_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A URL for a slash command's or action's ``response_url``; posts are recorded as "response_url"."""
        return f"{self.root_url}/response_url/{urllib.parse.quote(name)}"

    # -- recorded calls --------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def methods(self) -> list[str]:
        """The method of every recorded call, in order."""
        with self._lock:
            return [c.method for c in self._calls]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Poll until at least ``count`` calls to ``method`` (matching ``predicate``) were recorded."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls(method) if predicate is None or predicate(c)]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} {method!r} call(s) within {timeout}s, got {len(found)}; "
                    f"methods seen: {self.methods()}"
                )
            time.sleep(0.01)

    def reset(self) -> None:
        """Forget recorded calls, uploads and pending injections (ts and file ids keep increasing)."""
        with self._lock:
            self._calls.clear()
            self._injections.clear()
            self.uploads.clear()
            self._file_names.clear()

    # -- failure injection -----------------------------------------------------------------
    def _inject(self, method: str, injection: _Injection) -> None:
        with self._lock:
            self._injections.setdefault(method, deque()).append(injection)

    def fail_next(self, method: str, error: str = "not_in_channel", status: int = 200) -> None:
        """The next call to ``method`` answers ``{"ok": false, "error": error}`` with HTTP ``status``."""
        self._inject(method, _Injection("fail", error=error, status=status))

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        """The next call to ``method`` answers HTTP 429, ``Retry-After: retry_after``, error "ratelimited"."""
        self._inject(method, _Injection("ratelimit", retry_after=retry_after))

    def hang_next(self, method: str, seconds: float) -> None:
        """The next call to ``method`` is answered (normally) only after ``seconds``."""
        self._inject(method, _Injection("hang", seconds=seconds))

    # -- request handling ------------------------------------------------------------------
    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_000 + 100 * next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _dispatch(self, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply:
        parsed = urllib.parse.urlsplit(raw_path)
        path = parsed.path
        params: dict[str, Any] = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))

        if path.startswith("/upload/"):
            file_id = urllib.parse.unquote(path[len("/upload/") :])
            method = "upload"
            params.update({"file_id": file_id, "size": len(body)})
        elif path.startswith("/response_url/"):
            method = "response_url"
            params.update(_parse_body(body, headers.get("Content-Type", "")))
            params["_name"] = urllib.parse.unquote(path[len("/response_url/") :])
        elif path.startswith("/api/"):
            method = path[len("/api/") :].strip("/")
            params.update(_parse_body(body, headers.get("Content-Type", "")))
        else:
            return _Reply(status=404, payload={"ok": False, "error": "unknown_path"})

        with self._lock:
            self._calls.append(Call(method=method, params=params, headers=headers, at=time.time()))
            queue = self._injections.get(method)
            injection = queue.popleft() if queue else None
            if method == "upload" and injection is None:
                self.uploads[params["file_id"]] = body

        if injection is not None:
            if injection.kind == "fail":
                return _Reply(status=injection.status, payload={"ok": False, "error": injection.error})
            if injection.kind == "ratelimit":
                return _Reply(
                    status=429,
                    payload={"ok": False, "error": "ratelimited"},
                    headers={"Retry-After": str(injection.retry_after)},
                )
            if injection.kind == "hang":
                self._stopping.wait(injection.seconds)
                if method == "upload":
                    with self._lock:
                        self.uploads[params["file_id"]] = body

        if method == "upload":
            return _Reply(raw=b"OK")
        return _Reply(payload=self._answer(method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel") or params.get("channel_id")
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://foibot-test.slack.com/",
                "team": "FOI Test",
                "user": "foibot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = self._next_ts()
            message: dict[str, Any] = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "text": params.get("text", ""),
                "ts": ts,
            }
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            blocks = _decoded(params, "blocks")
            if blocks:
                message["blocks"] = blocks
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": params.get("ts"), "text": params.get("text", "")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            view = _decoded(params, "view")
            answer_view = dict(view) if isinstance(view, dict) else {}
            answer_view.update({"id": "V1", "hash": "h1", "team_id": TEAM_ID, "app_id": APP_ID})
            return {"ok": True, "view": answer_view}
        if method == "conversations.info":
            return {
                "ok": True,
                "channel": {"id": channel, "name": "foi-requests", "is_channel": True, "is_member": True},
            }
        if method == "users.info":
            user = params.get("user", "U1")
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "team_id": TEAM_ID,
                    "name": str(user).lower(),
                    "real_name": f"User {user}",
                    "tz": "Europe/London",
                    "is_bot": user == BOT_USER_ID,
                    "profile": {"display_name": f"user-{str(user).lower()}", "real_name": f"User {user}"},
                },
            }
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids)}"
            with self._lock:
                self._file_names[file_id] = str(params.get("filename", ""))
            return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = _decoded(params, "files") or []
            out = []
            for item in files if isinstance(files, list) else []:
                file_id = item.get("id")
                with self._lock:
                    name = self._file_names.get(file_id, "")
                out.append({"id": file_id, "title": item.get("title") or name, "name": name})
            return {"ok": True, "files": out}
        return {"ok": True}


# -- requests TO the Bolt app under test ---------------------------------------------------


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The signature headers Slack would send with ``body`` (``timestamp`` defaults to now)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    if signature is None:
        raise ValueError("could not sign the body")
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def slash_command_body(
    command: str = "/foi",
    text: str = "draft ...",
    user_id: str = "U1",
    channel_id: str = "C1",
    trigger_id: str = "T123",
    response_url: str = "https://hooks.slack.com/commands/T1/1/fake",
) -> str:
    """A slash command as Slack sends it: ``application/x-www-form-urlencoded``."""
    return urllib.parse.urlencode(
        {
            "token": "verification-token",
            "team_id": TEAM_ID,
            "team_domain": "foibot-test",
            "channel_id": channel_id,
            "channel_name": "foi-requests",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def event_body(event: dict[str, Any], event_id: str = "Ev1", team_id: str = TEAM_ID) -> str:
    """An Events API ``event_callback`` envelope (``application/json``)."""
    return json.dumps(
        {
            "token": "verification-token",
            "team_id": team_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-fake-{event_id}",
        }
    )


def action_body(
    action_id: str,
    value: str,
    user_id: str = "U1",
    channel_id: str = "C1",
    message_ts: str = "1700000000.000100",
    thread_ts: str | None = None,
    trigger_id: str = "T9",
    response_url: str = "https://hooks.slack.com/actions/T1/1/fake",
    block_id: str = "b1",
) -> str:
    """A ``block_actions`` payload for a button click on a message, form-encoded as ``payload=<json>``."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": "",
        "ts": message_ts,
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
        message["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "verification-token",
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": "foibot-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "foi-requests"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def view_submission_body(
    callback_id: str,
    values: dict[str, Any],
    private_metadata: str = "",
    user_id: str = "U1",
    view_id: str = "V1",
) -> str:
    """A ``view_submission`` payload, form-encoded as ``payload=<json>``.

    ``values`` is the ``view.state.values`` shape (``{block_id: {action_id: {"type": ..., "value": ...}}}``);
    as a shortcut, a plain string ``{block_id: "text"}`` becomes a plain_text_input whose
    action_id equals its block_id.
    """
    state: dict[str, Any] = {}
    for block_id, entry in values.items():
        if isinstance(entry, str):
            state[block_id] = {block_id: {"type": "plain_text_input", "value": entry}}
        else:
            state[block_id] = entry
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "foibot-test"},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "verification-token",
        "trigger_id": "T10",
        "view": {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state},
            "hash": "h1",
            "title": {"type": "plain_text", "text": "foibot"},
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def post(
    app_url: str,
    body: str,
    secret: str,
    content_type: str | None = None,
    retry_num: int | None = None,
    timestamp: int | None = None,
    retry_reason: str = "http_timeout",
    timeout: float = 10,
) -> tuple[int, str]:
    """POST a signed Slack request to the app; returns (HTTP status, body text), also for 4xx/5xx.

    ``content_type`` defaults to JSON when the body starts with "{", else form-encoded.
    """
    if content_type is None:
        content_type = "application/json" if body.lstrip().startswith("{") else "application/x-www-form-urlencoded"
    headers = {"Content-Type": content_type, **sign(body, secret, timestamp)}
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    request = urllib.request.Request(app_url, data=body.encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
