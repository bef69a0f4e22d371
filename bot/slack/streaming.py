"""Drafts that appear as the language model writes them: placeholders, then bounded-rate updates.

With an LLM configured, `/foi draft` posts the parent message and one placeholder per
question as soon as the request is split, updates each placeholder with the wording so far
at most once per FOIBOT_LLM_STREAM_INTERVAL seconds (chat.update, so Slack's rate limits
hold), and finally replaces each with the validated draft. The core only reports partial
text (CaseService.open_case's `on_questions` and `on_text`); everything Slack is here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cases import CaseStore
from bot.models import Case
from bot.slack import blocks
from bot.slack.text import escape, literal, shorten

log = logging.getLogger(__name__)


class DraftStream:
    """One request's placeholder messages and their throttled updates."""

    def __init__(self, client: WebClient, channel: str, interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.channel = channel
        self.interval = interval
        self.clock = clock
        self.parent_ts = ""
        self.questions: list[str] = []
        self.question_ts: list[str] = []
        self._last: dict[int, float] = {}
        self._locks: list[threading.Lock] = []
        self._closed = False

    @property
    def started(self) -> bool:
        """Whether the parent placeholder is in the channel (the final drafts then update it)."""
        return bool(self.parent_ts)

    def on_questions(self, questions: list[str]) -> None:
        """Post the parent placeholder and one placeholder per question in its thread."""
        self.questions = list(questions)
        self._locks = [threading.Lock() for _ in questions]
        try:
            self.parent_ts = self._post(blocks.Message(
                "Drafting…", [blocks.section(f":hourglass_flowing_sand: Drafting {len(questions)} question(s) "
                                             "with the language model…")]))
            for number, question in enumerate(questions, start=1):
                self.question_ts.append(self._post(_placeholder(number, question, ""), self.parent_ts))
        except SlackApiError as error:
            log.warning("could not post the draft placeholders: %s", error.response.get("error"))

    def on_text(self, index: int, text: str) -> None:
        """The wording so far for question `index`: shown at most once per interval."""
        if index >= len(self.question_ts):
            return
        with self._locks[index]:
            now = self.clock()
            if self._closed or now - self._last.get(index, float("-inf")) < self.interval:
                return
            self._last[index] = now
            message = _placeholder(index + 1, self.questions[index], text)
            try:
                self.client.chat_update(channel=self.channel, ts=self.question_ts[index], text=message.text,
                                        blocks=message.blocks)
            except SlackApiError as error:
                log.warning("could not update a streaming draft: %s", error.response.get("error"))

    def finish(self, case: Case, cases: CaseStore) -> None:
        """Replace every placeholder with the case's validated drafts and remember where they are."""
        self._close()
        parent = blocks.case_parent(case)
        self.client.chat_update(channel=self.channel, ts=self.parent_ts, text=parent.text, blocks=parent.blocks)
        cases.set_thread(case.reference, self.channel, self.parent_ts)
        cases.set_message(case.reference, 0, self.channel, self.parent_ts)
        for index, question in enumerate(case.questions):
            first, *rest = blocks.question_messages(case, question)
            ts = self.question_ts[index] if index < len(self.question_ts) else ""
            if ts:
                self.client.chat_update(channel=self.channel, ts=ts, text=first.text, blocks=first.blocks)
            else:
                ts = self._post(first, self.parent_ts)
            for message in rest:
                self._post(message, self.parent_ts)
            cases.set_message(case.reference, question.number, self.channel, ts)

    def fail(self, reason: str) -> None:
        """Say on the parent placeholder that the request could not be drafted."""
        self._close()
        if not self.started:
            return
        try:
            notice = blocks.notice(f"I could not draft that: {escape(reason)}")
            self.client.chat_update(channel=self.channel, ts=self.parent_ts, text=notice.text, blocks=notice.blocks)
        except SlackApiError as error:
            log.warning("could not update the parent placeholder: %s", error.response.get("error"))

    def _close(self) -> None:
        for lock in self._locks:
            with lock:
                self._closed = True
        self._closed = True

    def _post(self, message: blocks.Message, thread_ts: str | None = None) -> str:
        response = self.client.chat_postMessage(channel=self.channel, thread_ts=thread_ts, text=message.text,
                                                blocks=message.blocks, unfurl_links=False, unfurl_media=False)
        return str(response.get("ts") or "")


def _placeholder(number: int, question: str, wording: str) -> blocks.Message:
    """A question's message while the model writes: the question, the words so far, a not-yet-checked note."""
    parts: list[blocks.Block] = [blocks.section(f"*Q{number}* · drafting…"),
                                 blocks.context(literal(shorten(question, 2900)))]
    if wording.strip():
        parts += blocks.paragraphs(shorten(wording, 2900))
    parts.append(blocks.context(":hourglass_flowing_sand: The language model is writing; the checked draft "
                                "will replace this."))
    return blocks.Message(f"Q{number}: drafting…", parts)
