"""A small OpenAI-compatible chat-completions server on 127.0.0.1, for the real langchain-openai client.

It answers ``POST /v1/chat/completions`` (plain JSON, or server-sent events when the body asks
for ``"stream": true``), records every request body, and decides each reply with a
``behaviour`` function of the request, so a test can script a valid answer, an unknown
exemption, broken JSON, a hang past the client's timeout or an obedient injection. Like a
server without constrained decoding it does not enforce a ``response_format`` schema; when
the request forces a tool (``tool_choice`` naming a function, as structured output by
function calling does) the reply's content is sent as that tool call's arguments::

    with FakeOpenAI(grounded) as server:
        settings = Settings(llm_provider="openai-compatible", llm_base_url=server.url, ...)
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAI", "Reply", "all_prompts", "answer", "grounded", "last_prompt", "precedents_in"]


@dataclass(frozen=True)
class Reply:
    """What the server sends: ``content`` after ``delay`` seconds, streamed in chunks ``chunk_delay`` apart."""

    content: str
    delay: float = 0.0
    chunk_delay: float = 0.0
    chunk_size: int = 12
    drip: float = 0.0
    """Seconds between the bytes of a plain JSON answer, sent after its headers (a trickling server)."""


Behaviour = Callable[[dict[str, Any]], Reply]


def last_prompt(body: dict[str, Any]) -> str:
    """The text of the last user message in a request."""
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1]["content"] if users else ""
    return content if isinstance(content, str) else " ".join(p.get("text", "") for p in content)


def all_prompts(body: dict[str, Any]) -> str:
    """The text of every user message in a request (a repair request repeats the first prompt)."""
    parts = [m["content"] for m in body.get("messages", []) if m.get("role") == "user"]
    return "\n".join(p if isinstance(p, str) else json.dumps(p) for p in parts)


def precedents_in(prompt: str) -> list[tuple[str, str, list[str]]]:
    """(id, disposition, exemptions) of each precedent block in a foibot prompt."""
    found = []
    for match in re.finditer(r"\[precedent (\S+)\][^\n]*?disposition (\S+); exemptions ([^;]*);", prompt):
        exemptions = [] if match.group(3).strip() == "none" else [e.strip() for e in match.group(3).split(",")]
        found.append((match.group(1), match.group(2), exemptions))
    return found


def answer(disposition: str, wording: str, exemptions: list[str] | None = None, ids: list[str] | None = None,
           rationale: str = "the closest precedent") -> str:
    """A JSON answer in the shape foibot asks for."""
    return json.dumps({"disposition": disposition, "exemptions": exemptions or [], "precedent_ids": ids or [],
                       "rationale": rationale, "wording": wording})


def grounded(body: dict[str, Any], wording: str = "MODEL WORDING: the force's answer.") -> Reply:
    """A valid answer resting on the first precedent shown (or an unprecedented 'other')."""
    found = precedents_in(all_prompts(body))
    if not found:
        return Reply(answer("other", wording))
    pid, disposition, exemptions = found[0]
    if disposition in ("ncnd", "exempt_withheld") and not exemptions:
        disposition = "other"
    return Reply(answer(disposition, wording, exemptions, [pid]))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # As real servers do: without it, headers and body in two writes wait on a delayed ACK (~40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(body)
        if not self.path.rstrip("/").endswith(("/chat/completions", "/messages")):
            self._json(404, {"error": {"message": "unknown path"}})
            return
        reply = fake.behaviour(body)
        if reply.delay and fake.stopping.wait(reply.delay):
            return
        try:
            if body.get("stream"):
                self._stream(body, reply)
            elif reply.drip:
                self._drip(_completion(body, reply.content), reply.drip)
            else:
                self._json(200, _completion(body, reply.content, _forced_tool(body)))
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
            pass

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drip(self, payload: dict[str, Any], seconds: float) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()
        for index in range(len(data)):
            if self.server.fake.stopping.wait(seconds):
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        pieces = [reply.content[i : i + reply.chunk_size] for i in range(0, len(reply.content), reply.chunk_size)]
        tool = _forced_tool(body)
        for index, piece in enumerate(pieces):
            delta: dict[str, Any] = {"content": piece}
            if tool:
                call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
                if index == 0:
                    call.update(id="call-fake", type="function")
                    call["function"]["name"] = tool
                delta = {"content": None, "tool_calls": [call]}
            if index == 0:
                delta["role"] = "assistant"
            self._event(_chunk(body, delta, None))
            if reply.chunk_delay:
                time.sleep(reply.chunk_delay)
        self._event(_chunk(body, {}, "tool_calls" if tool else "stop"))
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
        self.wfile.flush()


def _forced_tool(body: dict[str, Any]) -> str:
    """The function a request forces the model to call (``tool_choice``), or empty."""
    choice = body.get("tool_choice")
    return str(choice.get("function", {}).get("name", "")) if isinstance(choice, dict) else ""


def _completion(body: dict[str, Any], content: str, tool: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool:
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call-fake", "type": "function", "function": {"name": tool, "arguments": content}}]}
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool else "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": body.get("model", "fake"), "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class FakeOpenAI:
    """The server; ``url`` is the base URL for ``ChatOpenAI(base_url=...)`` (ends in /v1)."""

    def __init__(self, behaviour: Behaviour = grounded) -> None:
        self.behaviour = behaviour
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server: _Server | None = None

    def __enter__(self) -> FakeOpenAI:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def sent_text(self) -> str:
        """Everything every request sent, as one string (to check what reached the model)."""
        with self.lock:
            return json.dumps(self.requests)


if __name__ == "__main__":  # a standalone server answering `grounded` at once (bench/llm_bench.py)
    with FakeOpenAI(grounded) as standalone:
        print(standalone.url, flush=True)
        standalone.stopping.wait()
