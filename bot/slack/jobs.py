"""Knowledge-base refresh from Slack: on command, or on a cron schedule inside the bot.

One refresh at a time (the data folder's refresh lock, shared with the CLI); progress is
one message updated in place at a bounded rate, ending with the summary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import Message, notice, refresh_progress, refresh_summary
from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import RefreshBusy, Refresher, RefreshSummary, refresh_lock, refresh_times
from knowledge.settings import Settings
from knowledge.sources import refresh_sources
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)
_UPDATE_EVERY_S = 2.0


class RefreshJobs:
    """Runs refreshes in the background and reports them in Slack."""

    def __init__(self, settings: Settings, store: KnowledgeStore, embeddings: SentenceEmbeddings,
                 client: WebClient) -> None:
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.client = client
        self._stop = threading.Event()

    def start(self, channel: str | None) -> threading.Thread:
        """Refresh in a background thread, reporting to `channel` (None: log only)."""
        thread = threading.Thread(target=self.run, args=(channel,), name="foibot-refresh", daemon=True)
        thread.start()
        return thread

    def run(self, channel: str | None) -> RefreshSummary | None:
        """One refresh of FOIBOT_SOURCES now; None if another is running or none are configured."""
        if not self.settings.sources:
            self._say(channel, notice("FOIBOT_SOURCES is empty: there is nothing to refresh from."))
            return None
        started = datetime.now(UTC).strftime("%H:%M UTC")
        try:
            with refresh_lock(self.settings.data_dir):
                ts = self._say(channel, refresh_progress(0, 0, started))
                progress = _Throttled(lambda done, total: self._update(channel, ts,
                                                                      refresh_progress(done, total, started)))
                refresher = Refresher(self.settings, self.store, self.embeddings)
                try:
                    summary = refresh_sources(refresher, list(self.settings.sources), on_file=progress)
                finally:
                    refresher.close()
        except RefreshBusy:
            self._say(channel, notice("A refresh is already running; this one was not started."))
            return None
        except Exception as error:  # a failed refresh must be reported, never kill the bot
            # The type and where it was raised, not the message: documents carry personal data.
            frame = error.__traceback__
            while frame is not None and frame.tb_next is not None:
                frame = frame.tb_next
            where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "unknown"
            log.error("refresh failed: %s at %s", type(error).__name__, where)
            self._say(channel, notice(f"The refresh failed: {type(error).__name__}. The store is unchanged "
                                      "for any file not yet written; see the bot's log."))
            return None
        log.info("refresh done: added %d updated %d removed %d unchanged %d failed %d", summary.added,
                 summary.updated, summary.removed, summary.unchanged, len(summary.failed))
        self._update(channel, ts, refresh_summary(summary.lines()))
        return summary

    def schedule(self, cron: str) -> threading.Thread:
        """Run refreshes on a cron schedule (croniter syntax) until `stop()`."""
        from croniter import croniter

        if not croniter.is_valid(cron):
            raise ValueError(f"FOIBOT_REFRESH_SCHEDULE {cron!r} is not a cron expression (e.g. '0 2 * * *')")

        def loop() -> None:
            times = refresh_times(cron, datetime.now(UTC), self.settings.refresh_timezone)
            while not self._stop.is_set():
                due = next(times)
                if self._stop.wait(max(0.0, (due - datetime.now(UTC)).total_seconds())):
                    break
                self.run(None)

        thread = threading.Thread(target=loop, name="foibot-refresh-schedule", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop the schedule (a refresh in progress finishes)."""
        self._stop.set()

    def _say(self, channel: str | None, message: Message) -> str:
        if channel is None:
            return ""
        try:
            response = self.client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                                    unfurl_links=False, unfurl_media=False)
            return str(response.get("ts") or "")
        except SlackApiError as error:
            log.warning("could not post refresh progress: %s", error.response.get("error"))
            return ""

    def _update(self, channel: str | None, ts: str, message: Message) -> None:
        if channel is None or not ts:
            return
        try:
            self.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            log.warning("could not update refresh progress: %s", error.response.get("error"))


class _Throttled:
    """Calls `update(done, total)` at most every few seconds, and always for the last file."""

    def __init__(self, update: Callable[[int, int], None]) -> None:
        self.update = update
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= _UPDATE_EVERY_S:
            self.last = now
            self.update(done, total)
