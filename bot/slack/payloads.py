"""Typed views of the Slack payloads foibot handles; anything malformed becomes PayloadError."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any


class PayloadError(Exception):
    """A payload without what foibot needs; the message is one line, safe to log."""


@dataclass(frozen=True)
class Command:
    """A `/foi ...` slash command."""

    verb: str
    text: str
    user: str
    channel: str
    trigger_id: str


@dataclass(frozen=True)
class ThreadMessage:
    """A reply (or mention) in a thread."""

    channel: str
    thread_ts: str
    ts: str
    user: str
    text: str


@dataclass(frozen=True)
class ButtonPress:
    """A button on a foibot message."""

    action_id: str
    reference: str
    question: int
    option: int
    user: str
    channel: str
    message_ts: str
    thread_ts: str
    trigger_id: str


@dataclass(frozen=True)
class DraftForm:
    """The submitted `/foi draft` modal."""

    text: str
    received: date | None
    regime: str
    channel: str
    user: str
    view_id: str


@dataclass(frozen=True)
class OverrideForm:
    """The submitted form for approving a case with questions undecided."""

    reference: str
    channel: str
    thread_ts: str
    reason: str
    user: str
    view_id: str


_VERBS = ("draft", "search", "exemption", "status", "refresh", "help")
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise PayloadError(f"payload field {name} is missing or not text")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def command(body: dict[str, Any]) -> Command:
    """The verb and its text from a slash command body."""
    text = body.get("text") if isinstance(body.get("text"), str) else ""
    words = (text or "").strip().split(maxsplit=1)
    verb = words[0].lower() if words else "help"
    rest = words[1] if len(words) > 1 else ""
    if verb not in _VERBS:
        verb, rest = "help", ""
    return Command(verb, rest, _text(body.get("user_id"), "user_id"), _text(body.get("channel_id"), "channel_id"),
                   str(body.get("trigger_id") or ""))


def thread_message(event: dict[str, Any]) -> ThreadMessage | None:
    """A human reply in a thread, or None for anything foibot should not act on."""
    if event.get("bot_id") or event.get("subtype") not in (None, "thread_broadcast"):
        return None  # bots (including this one), edits, deletions, joins
    thread_ts = event.get("thread_ts")
    if not isinstance(thread_ts, str) or thread_ts == event.get("ts"):
        return None
    text = _MENTION.sub("", _text(event.get("text", ""), "text")).strip()
    return ThreadMessage(_text(event.get("channel"), "channel"), thread_ts, _text(event.get("ts"), "ts"),
                         _text(event.get("user"), "user"), text)


def button(body: dict[str, Any]) -> ButtonPress:
    """The case and question a button press is about."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise PayloadError("button payload has no actions")
    action = actions[0]
    parts = _text(action.get("value"), "value").split("|")
    message = _mapping(body.get("message"))
    container = _mapping(body.get("container"))
    channel = (body.get("channel") or {}).get("id") if isinstance(body.get("channel"), dict) else None
    try:
        question = int(parts[1]) if len(parts) > 1 else 0
        option = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        raise PayloadError("button value is not a case and question") from None
    return ButtonPress(
        action_id=_text(action.get("action_id"), "action_id"), reference=parts[0], question=question,
        option=option, user=_text(_mapping(body.get("user")).get("id"), "user.id"),
        channel=_text(channel or container.get("channel_id"), "channel.id"),
        message_ts=str(message.get("ts") or container.get("message_ts") or ""),
        thread_ts=str(message.get("thread_ts") or container.get("thread_ts") or ""),
        trigger_id=str(body.get("trigger_id") or ""),
    )


def draft_form(body: dict[str, Any]) -> DraftForm:
    """The request text, date and regime from the submitted modal."""
    view = body.get("view")
    if not isinstance(view, dict):
        raise PayloadError("view submission has no view")
    values = _mapping(_mapping(view.get("state")).get("values"))

    def value(block: str) -> dict[str, Any]:
        found = _mapping(values.get(block)).get("value")
        return found if isinstance(found, dict) else {}

    def option(raw: Any) -> str:
        return str(raw.get("value") or "") if isinstance(raw, dict) else ""

    received_text = value("received").get("selected_date")
    try:
        received = date.fromisoformat(received_text) if isinstance(received_text, str) else None
    except ValueError:
        raise PayloadError("the date received is not a date") from None
    regime = option(value("regime").get("selected_option")) or "foia"
    return DraftForm(
        text=str(value("request").get("value") or ""), received=received, regime=str(regime),
        channel=_text(view.get("private_metadata"), "private_metadata"),
        user=_text(_mapping(body.get("user")).get("id"), "user.id"), view_id=str(view.get("id") or ""),
    )


def override_form(body: dict[str, Any]) -> OverrideForm:
    """The case, the thread and the reason from the submitted override form."""
    view = body.get("view")
    if not isinstance(view, dict):
        raise PayloadError("view submission has no view")
    parts = _text(view.get("private_metadata"), "private_metadata").split("|")
    if len(parts) != 3 or not parts[0]:
        raise PayloadError("override form has no case")
    values = _mapping(_mapping(view.get("state")).get("values"))
    reason = _mapping(_mapping(values.get("reason")).get("value")).get("value")
    return OverrideForm(reference=parts[0], channel=parts[1], thread_ts=parts[2],
                        reason=" ".join(str(reason or "").split()),
                        user=_text(_mapping(body.get("user")).get("id"), "user.id"), view_id=str(view.get("id") or ""))
