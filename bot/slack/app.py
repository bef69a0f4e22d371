"""The Slack app: composition root, listeners, and the HTTP and Socket Mode servers.

Handlers translate a payload, make one core call and render the result; the core never
sees Slack. Commands, buttons and modal submissions are acknowledged at once and the work
runs after the ack on Bolt's listener pool (`lazy=`). Retried or duplicated deliveries are
dropped using ids remembered in the case database, so a restart does not forget them.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from bot.cases import CaseError
from bot.letter import docx_bytes
from bot.models import Case, CaseQuestion, CaseStatus, EditKind
from bot.refinement import Edit, RefinementError
from bot.service import ApprovalRefused, CaseService, DraftError, Refinement
from bot.slack import blocks, payloads
from bot.slack.jobs import RefreshJobs
from bot.slack.streaming import DraftStream
from bot.slack.text import escape, fit, literal, shorten
from bot.templates import TemplateError
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Regime
from knowledge.refresh import Ledger
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)
_REFUSAL = "foibot is not available to you here. Ask your FOI team lead to add you or this channel."


class ConfigurationError(Exception):
    """A setting the bot cannot start without; the message is one line."""


@dataclass
class Core:
    """What the Slack layer calls: the drafting core and the knowledge base."""

    settings: Settings
    service: CaseService
    store: KnowledgeStore
    embeddings: SentenceEmbeddings
    library: ExemptionLibrary


def web_client(settings: Settings) -> WebClient:
    """A Web API client that honours Retry-After on 429s and retries dropped connections."""
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3), ConnectionErrorRetryHandler(max_retry_count=2)],
    )


def build_app(core: Core, client: WebClient | None = None, socket_mode: bool = False) -> tuple[App, RefreshJobs]:
    """The Bolt app with every listener registered; fails fast on a bad token."""
    settings = core.settings
    if not settings.slack_bot_token:
        raise ConfigurationError("SLACK_BOT_TOKEN is not set")
    if not socket_mode and not settings.slack_signing_secret:
        raise ConfigurationError("SLACK_SIGNING_SECRET is not set (needed to verify Slack's requests)")
    client = client or web_client(settings)
    try:
        app = App(
            token=settings.slack_bot_token, signing_secret=settings.slack_signing_secret or "unused-in-socket-mode",
            client=client, process_before_response=False, raise_error_for_unhandled_request=False,
            # Bolt runs ack functions on this pool too: keep it wide so acks never queue behind work.
            listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="foibot-listener"),
        )
    except Exception as error:  # Bolt checks the token with auth.test here
        raise ConfigurationError(f"Slack rejected the bot token or could not be reached: {error}") from None
    logging.getLogger("slack_bolt.RequestVerification").addFilter(_no_bodies)
    jobs = RefreshJobs(settings, core.store, core.embeddings, client)
    # Retries come within minutes; a week of delivery ids is plenty to remember.
    core.service.cases.forget_events_older_than(7 * 24 * 3600)
    SlackBot(core, client, jobs).register(app)
    return app, jobs


class SlackBot:
    """The listeners: thin translations between Slack payloads and the core."""

    def __init__(self, core: Core, client: WebClient, jobs: RefreshJobs) -> None:
        self.core = core
        self.client = client
        self.jobs = jobs
        self.cases = core.service.cases
        self.people = People(client)
        # Drafting is CPU work: a pool sized for the machine (FOIBOT_SLACK_WORKERS), apart from
        # the threads that acknowledge Slack, so a burst of drafts never delays an ack.
        self.work = ThreadPoolExecutor(max_workers=core.settings.slack_workers, thread_name_prefix="foibot-draft",
                                       initializer=_lower_priority)

    def register(self, app: App) -> None:
        """Attach every listener to the app."""
        # Bolt injects arguments by parameter name, so each listener spells out what it needs;
        # each hands the work to the drafting pool and returns at once.
        def command_work(body: dict[str, Any], respond: Respond) -> None:
            self._submit(self.run_command, body, respond)

        def form_work(body: dict[str, Any]) -> None:
            self._submit(self.run_draft_form, body)

        def button_work(body: dict[str, Any]) -> None:
            self._submit(self.run_button, body)

        def message_work(event: dict[str, Any], body: dict[str, Any]) -> None:
            self._submit(self.on_message, event, body)

        def override_work(body: dict[str, Any]) -> None:
            self._submit(self.run_override_form, body)

        app.command("/foi")(ack=self.ack_command, lazy=[command_work])
        app.view(blocks.DRAFT_MODAL)(ack=self.ack_draft_form, lazy=[form_work])
        app.view(blocks.OVERRIDE_MODAL)(ack=self.ack_override_form, lazy=[override_work])
        for action_id in (blocks.ACCEPT, blocks.USE_OPTION, blocks.ALTERNATIVES, blocks.USE_ALTERNATIVE,
                          blocks.REGENERATE, blocks.LETTER, blocks.APPROVE, blocks.CONFIRM_APPROVE,
                          blocks.CANCEL_APPROVE, blocks.REOPEN, blocks.ADD_LEFT_OUT, blocks.STANCE_ACCEPT,
                          blocks.STANCE_DROP):
            app.action(action_id)(ack=self.ack_only, lazy=[button_work])
        # The override form opens in the ack: Slack's trigger_id lasts three seconds.
        app.action(blocks.OVERRIDE_APPROVE)(ack=self.ack_override_button, lazy=[])
        app.event("message")(message_work)
        app.event("app_mention")(message_work)
        app.error(self.on_error)

    def _submit(self, handler: Callable[..., None], *arguments: Any) -> None:
        self.work.submit(self._guarded, handler, *arguments)

    def _guarded(self, handler: Callable[..., None], *arguments: Any) -> None:
        try:
            handler(*arguments)
        except Exception as error:  # a failed job is logged by type only: payloads carry personal data
            log.error("%s failed: %s", getattr(handler, "__name__", "job"), type(error).__name__)

    # --- access and dedupe -------------------------------------------------------------------

    def allowed(self, user: str, channel: str) -> bool:
        """Whether this user in this channel may use foibot."""
        settings = self.core.settings
        if settings.allowed_channels and channel not in settings.allowed_channels:
            return False
        return not (settings.allowed_users and user not in settings.allowed_users)

    def first_time(self, key: str) -> bool:
        """True the first time a delivery is seen; retries and duplicates get False."""
        if not key or key.endswith(":"):
            return True
        return self.cases.remember_event(key)

    # --- slash command -----------------------------------------------------------------------

    def ack_command(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Acknowledge at once: refuse, open the modal, or say the work has started."""
        try:
            command = payloads.command(body)
        except payloads.PayloadError as error:
            log.warning("malformed command: %s", error)
            ack(text="That command arrived incomplete; please try again.")
            return
        if not self.allowed(command.user, command.channel):
            ack(response_type="ephemeral", text=_REFUSAL)
            return
        if command.verb == "draft" and not command.text.strip():
            try:
                client.views_open(trigger_id=command.trigger_id, view=blocks.draft_modal(command.channel))
            except SlackApiError as error:
                ack(response_type="ephemeral", text=f"I could not open the form: {_api_error(error)}")
                return
            ack()
            return
        ack(response_type="ephemeral",
            text={"draft": "Drafting: the case will appear in this channel.",
                  "refresh": "Starting a refresh of the knowledge base."}.get(command.verb, ""))

    def run_command(self, body: dict[str, Any], respond: Respond) -> None:
        """The command's work, after the ack."""
        try:
            command = payloads.command(body)
        except payloads.PayloadError:
            return
        if not self.allowed(command.user, command.channel):
            return
        if not self.first_time(f"command:{command.trigger_id}"):
            log.info("duplicate command delivery dropped")
            return
        try:
            self._run_command(command, respond)
        except Exception as error:  # the user asked for something: tell them it failed
            log.error("/foi %s failed: %s", command.verb, type(error).__name__)
            self._tell(command.channel, command.user, respond,
                       f"`/foi {command.verb}` failed ({type(error).__name__}). Please try again.")

    def _run_command(self, command: payloads.Command, respond: Respond) -> None:
        if command.verb == "draft" and command.text.strip():
            self.draft_and_post(command.text, command.channel, command.user, None, None, respond)
        elif command.verb == "search":
            self._respond(respond, self._search(command.text))
        elif command.verb == "exemption":
            cards = self.core.library.find(command.text) if command.text.strip() else []
            self._respond(respond, blocks.exemption_cards(cards) if cards else blocks.notice(
                f"No exemption card matches {literal(shorten(command.text, 80))} (try s31, s40(2), reg 12(4)(a))."))
        elif command.verb == "status":
            self._respond(respond, self._status())
        elif command.verb == "refresh":
            self.jobs.start(command.channel)
        elif command.verb == "help":
            self._respond(respond, blocks.help_message())

    def _search(self, text: str) -> blocks.Message:
        if not text.strip():
            return blocks.notice("Say what to search for: `/foi search drones covert surveillance`.")
        ledger = Ledger(self.core.settings.ledger_path)
        try:
            vector = self.core.embeddings.embed_array([text[:2000]])[0]
            hits = self.core.store.search(vector, k=5, exclude_ids=ledger.pending_ids())
        finally:
            ledger.close()
        return blocks.search_results(text, hits)

    def _status(self) -> blocks.Message:
        ledger = Ledger(self.core.settings.ledger_path)
        try:
            last = ledger.last_run()
            pending = ledger.pending_ids()  # a killed refresh's half-written records: searches skip them
        finally:
            ledger.close()
        return blocks.status_message(self.core.store.counts(exclude_ids=pending), last,
                                     self.cases.list_cases("open"))

    # --- modal ---------------------------------------------------------------------------------

    def ack_draft_form(self, ack: Ack, body: dict[str, Any]) -> None:
        """Close the modal, or show what is missing."""
        try:
            form = payloads.draft_form(body)
        except payloads.PayloadError as error:
            ack(response_action="errors", errors={"received": str(error)})
            return
        if not form.text.strip():
            ack(response_action="errors", errors={"request": "Paste the request text here."})
            return
        ack()

    def run_draft_form(self, body: dict[str, Any]) -> None:
        """Draft the request from the modal into the channel it was opened from."""
        try:
            form = payloads.draft_form(body)
        except payloads.PayloadError:
            return
        if not form.text.strip() or not self.allowed(form.user, form.channel):
            return
        if not self.first_time(f"view:{form.view_id}"):
            return
        try:
            regime = Regime(form.regime)
        except ValueError:
            regime = None
        self.draft_and_post(form.text, form.channel, form.user, form.received, regime, None)

    # --- drafting into a thread -----------------------------------------------------------------

    def draft_and_post(self, text: str, channel: str, user: str, received: Any, regime: Regime | None,
                       respond: Respond | None) -> Case | None:
        """Open the case, post its parent message, then one message per question in the thread."""
        # With a language model the messages are posted first and fill in as it writes.
        stream = (DraftStream(self.client, channel, self.core.settings.llm_stream_interval)
                  if self.core.service.llm is not None else None)
        try:
            case = self.core.service.open_case(text, received=received, regime=regime, author=user,
                                               caseworker=self.people.real_name(user),
                                               on_questions=stream.on_questions if stream else None,
                                               on_text=stream.on_text if stream else None)
        except DraftError as error:
            if stream is not None:
                stream.fail(str(error))
            self._tell(channel, user, respond, f"I could not draft that: {escape(str(error))}")
            return None
        except Exception as error:  # store, database or template failure: say so, log the type only
            log.error("drafting failed: %s", type(error).__name__)
            if stream is not None:
                stream.fail(type(error).__name__)
            self._tell(channel, user, respond, f"Drafting failed ({type(error).__name__}); nothing was saved. "
                                               "Try again, and tell your administrator if it keeps happening.")
            return None
        try:
            if stream is not None and stream.started:
                stream.finish(case, self.cases)
                return case
            parent = blocks.case_parent(case)
            ts = self._post(channel, parent)
            self.cases.set_thread(case.reference, channel, ts)
            self.cases.set_message(case.reference, 0, channel, ts)
            for question in case.questions:
                self._post_question(case, question, channel, ts)
        except SlackApiError as error:
            self._tell(channel, user, respond,
                       f"Case {case.reference} was drafted and saved, but I could not post it here: "
                       f"{_api_error(error)}. Invite me to the channel (`/invite @foibot`) and try again.")
        return case

    def _post_question(self, case: Case, question: CaseQuestion, channel: str, thread_ts: str,
                       change: str = "") -> None:
        first = ""
        for message in blocks.question_messages(case, question, change):
            posted = self._post(channel, message, thread_ts=thread_ts)
            first = first or posted
        self.cases.set_message(case.reference, question.number, channel, first)

    # --- thread replies and mentions --------------------------------------------------------------

    def on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A reply in a case thread: refine, assemble the letter, approve or reopen."""
        try:
            reply = payloads.thread_message(event)
        except payloads.PayloadError as error:
            log.warning("malformed message event: %s", error)
            return
        if reply is None:
            return
        case = self.cases.find_by_thread(reply.channel, reply.thread_ts)
        if case is None:
            return  # not a case thread: nothing to remember either
        # A mention arrives as app_mention and as message: one key for the message covers both.
        if not self.first_time(f"message:{reply.channel}:{reply.ts}"):
            return
        if not self.allowed(reply.user, reply.channel):
            self._ephemeral(reply.channel, reply.user, _REFUSAL, reply.thread_ts)
            return
        word = reply.text.strip().lower().rstrip(".!")
        if word in ("letter", "assemble letter", "assemble the letter"):
            self.upload_letter(case.reference, reply.channel, reply.thread_ts)
        elif word in ("approve", "approved", "approve and file", "file"):
            self.ask_approval(case.reference, reply.channel, reply.thread_ts)
        elif word in ("reopen", "reopen the case", "re-open"):
            self.reopen(case.reference, reply.channel, reply.thread_ts, reply.user)
        elif word in ("help", "?"):
            self._reply(reply.channel, reply.thread_ts, blocks.help_message())
        else:
            self.refine(case.reference, reply.text, reply.user, reply.channel, reply.thread_ts)

    def refine(self, reference: str, instruction: str, user: str, channel: str, thread_ts: str) -> None:
        """Apply a refinement from the thread and show each change where it landed."""
        self._changed(lambda: self.core.service.refine(reference, instruction, user, self.people.name(user)),
                      channel, thread_ts)

    def edit(self, reference: str, edit: Edit, user: str, channel: str, thread_ts: str) -> None:
        """Apply one typed edit (a button's) and show it where it landed."""
        self._changed(lambda: self.core.service.apply(reference, [edit], user, self.people.name(user)),
                      channel, thread_ts)

    def _changed(self, change: Callable[[], Refinement], channel: str, thread_ts: str) -> None:
        try:
            outcome = change()
        except (RefinementError, CaseError) as error:
            self._reply(channel, thread_ts, blocks.notice(escape(str(error))))
            return
        except Exception as error:  # never silent: the caseworker is waiting for an answer
            log.error("refinement failed: %s", type(error).__name__)
            self._reply(channel, thread_ts, blocks.notice(f"That change failed ({type(error).__name__}); "
                                                          "the draft is unchanged."))
            return
        case = outcome.case
        numbers = list(dict.fromkeys(number for number, _ in outcome.changes if number))
        notes = {n: "; ".join(text for m, text in outcome.changes if m == n) for n in numbers}
        for number in numbers:
            if number in outcome.added:
                self._post_question(case, case.question(number), channel, thread_ts, notes[number])
            else:
                self._update_question(case, number, notes[number])
        for number in outcome.added:
            if number not in notes:
                self._post_question(case, case.question(number), channel, thread_ts, "split off")
        if outcome.restructured or any(number == 0 for number, _ in outcome.changes):
            self._update_parent(case)
        whole = [text for number, text in outcome.changes if not number]
        summary = "; ".join([*whole, *(f"Q{n}: {notes[n]}" for n in numbers)])
        self._reply(channel, thread_ts, blocks.notice(f"Updated: {escape(summary)}"))

    def _update_question(self, case: Case, number: int, change: str) -> None:
        where = self.cases.message(case.reference, number)
        message = blocks.question_messages(case, case.question(number), change)[0]
        if where is None:
            return
        channel, ts = where
        try:
            self.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            self._reply(channel, case.slack_thread_ts, blocks.notice(
                f"I could not update Q{number}'s message: {_api_error(error)}"))

    def _update_parent(self, case: Case) -> None:
        where = self.cases.message(case.reference, 0)
        if where is None:
            return
        parent = blocks.case_parent(case)
        try:
            self.client.chat_update(channel=where[0], ts=where[1], text=parent.text, blocks=parent.blocks)
        except SlackApiError as error:
            log.warning("could not update the parent message: %s", error.response.get("error"))

    # --- buttons -------------------------------------------------------------------------------

    def ack_only(self, ack: Ack) -> None:
        """Buttons are acknowledged at once; the work follows."""
        ack()

    def run_button(self, body: dict[str, Any]) -> None:
        """Every button: each carries the case, the question's id and an index, never instruction text."""
        try:
            press = payloads.button(body)
        except payloads.PayloadError as error:
            log.warning("malformed button payload: %s", error)
            return
        if not self.allowed(press.user, press.channel):
            self._ephemeral(press.channel, press.user, _REFUSAL, press.thread_ts or None)
            return
        if not self.first_time(f"action:{press.trigger_id}"):
            return
        thread_ts = press.thread_ts or press.message_ts
        typed: dict[str, Edit] = {
            blocks.ACCEPT: Edit(press.question, EditKind.ACCEPTED),
            blocks.USE_OPTION: Edit(press.question, EditKind.OPTION, number=press.option),
            blocks.USE_ALTERNATIVE: Edit(press.question, EditKind.ALTERNATIVE, number=press.option),
            blocks.REGENERATE: Edit(press.question, EditKind.REGENERATED),
            blocks.STANCE_ACCEPT: Edit(0, EditKind.STANCE_ACCEPT),
            blocks.STANCE_DROP: Edit(0, EditKind.STANCE_DROP),
        }
        if press.action_id in typed:
            self.edit(press.reference, typed[press.action_id], press.user, press.channel, thread_ts)
            return
        handlers: dict[str, Callable[[], None]] = {
            blocks.ALTERNATIVES: lambda: self._alternatives(press, thread_ts),
            blocks.ADD_LEFT_OUT: lambda: self._add_left_out(press, thread_ts),
            blocks.LETTER: lambda: self.upload_letter(press.reference, press.channel, thread_ts),
            blocks.APPROVE: lambda: self.ask_approval(press.reference, press.channel, thread_ts),
            blocks.CONFIRM_APPROVE: lambda: self.approve(press.reference, press.channel, thread_ts, press.user, "",
                                                         press.message_ts),
            blocks.CANCEL_APPROVE: lambda: self._cancel_approval(press),
            blocks.REOPEN: lambda: self.reopen(press.reference, press.channel, thread_ts, press.user),
        }
        handler = handlers.get(press.action_id)
        if handler is not None:
            handler()

    def _alternatives(self, press: payloads.ButtonPress, thread_ts: str) -> None:
        try:
            case = self.cases.get(press.reference)
            message = blocks.alternatives_message(case, case.question(press.question))
        except (CaseError, KeyError) as error:
            self._ephemeral(press.channel, press.user, escape(str(error)), thread_ts)
            return
        self._reply(press.channel, thread_ts, message)

    def _add_left_out(self, press: payloads.ButtonPress, thread_ts: str) -> None:
        try:
            case = self.cases.get(press.reference)
        except CaseError as error:
            self._reply(press.channel, thread_ts, blocks.notice(escape(str(error))))
            return
        if not 0 <= press.option < len(case.left_out):
            self._reply(press.channel, thread_ts, blocks.notice("That passage has already been added."))
            return
        text = case.left_out[press.option]
        self.edit(press.reference, Edit(0, EditKind.ADDED, text=text), press.user, press.channel, thread_ts)

    # --- letter, approval and reopening -----------------------------------------------------------

    def upload_letter(self, reference: str, channel: str, thread_ts: str) -> None:
        """Assemble the letter and upload the .docx into the thread, saying how many things remain and where."""
        try:
            letter = self.core.service.letter(reference)
            content = docx_bytes(letter, self.core.settings.letter_template)
        except (CaseError, TemplateError) as error:
            self._reply(channel, thread_ts, blocks.notice(escape(str(error))))
            return
        try:
            self.client.files_upload_v2(channel=channel, thread_ts=thread_ts, content=content,
                                        filename=f"{reference}-response.docx", title=f"{reference} response letter",
                                        initial_comment=fit(blocks.letter_comment(letter), 3900))
        except SlackApiError as error:
            self._reply(channel, thread_ts, blocks.notice(f"I could not upload the letter: {_api_error(error)}"))

    def ask_approval(self, reference: str, channel: str, thread_ts: str) -> None:
        """The confirmation step: what approving would file, or which questions are undecided."""
        try:
            case = self.cases.get(reference)
        except CaseError as error:
            self._reply(channel, thread_ts, blocks.notice(escape(str(error))))
            return
        if case.status is not CaseStatus.OPEN:
            self._reply(channel, thread_ts, blocks.notice(f"{escape(reference)} is already approved; `reopen` it to "
                                                          "change it."))
            return
        self._reply(channel, thread_ts, blocks.approval_confirmation(case))

    def approve(self, reference: str, channel: str, thread_ts: str, user: str, override: str = "",
                confirmation_ts: str = "") -> None:
        """Approve (after the confirmation step), file the decided answers, and say how many were filed."""
        try:
            case = self.core.service.approve(reference, user, self.people.name(user), override=override)
        except ApprovalRefused:
            self.ask_approval(reference, channel, thread_ts)  # something became undecided since: ask again
            return
        except CaseError as error:
            self._reply(channel, thread_ts, blocks.notice(escape(str(error))))
            return
        if confirmation_ts:
            done = blocks.notice(f"Approval of {escape(reference)} confirmed.")
            with contextlib.suppress(SlackApiError):
                self.client.chat_update(channel=channel, ts=confirmation_ts, text=done.text, blocks=done.blocks)
        self._refresh_thread(case)
        self._reply(channel, thread_ts, blocks.approved_message(case, self.people.name(user) or user))

    def _cancel_approval(self, press: payloads.ButtonPress) -> None:
        cancelled = blocks.notice("Approval cancelled: nothing was filed.")
        try:
            self.client.chat_update(channel=press.channel, ts=press.message_ts, text=cancelled.text,
                                    blocks=cancelled.blocks)
        except SlackApiError as error:
            log.warning("could not update the confirmation: %s", error.response.get("error"))

    def reopen(self, reference: str, channel: str, thread_ts: str, user: str) -> None:
        """Reopen an approved case, withdrawing the precedents its approval filed."""
        try:
            case = self.core.service.reopen(reference, user, self.people.name(user))
        except CaseError as error:
            self._reply(channel, thread_ts, blocks.notice(escape(str(error))))
            return
        self._refresh_thread(case)
        withdrawn = case.events[-1].precedents if case.events else 0
        self._reply(channel, thread_ts, blocks.notice(
            f"Reopened by {literal(self.people.name(user) or user)}: {escape(reference)} is open again and the "
            f"{withdrawn} precedent(s) its approval filed are withdrawn from the knowledge base."))

    def _refresh_thread(self, case: Case) -> None:
        """Show a change of status on the parent and every question (their buttons come and go with it)."""
        self._update_parent(case)
        for question in case.questions:
            self._update_question(case, question.number, "")

    def ack_override_button(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the form that asks why a case is approved with questions undecided."""
        try:
            press = payloads.button(body)
            case = self.cases.get(press.reference)
        except (payloads.PayloadError, CaseError) as error:
            log.warning("override button refused: %s", type(error).__name__)
            ack()
            return
        if not self.allowed(press.user, press.channel):
            ack()
            self._ephemeral(press.channel, press.user, _REFUSAL, press.thread_ts or None)
            return
        ack()
        try:
            client.views_open(trigger_id=press.trigger_id, view=blocks.override_modal(
                case, press.channel, press.thread_ts or press.message_ts))
        except SlackApiError as error:
            self._ephemeral(press.channel, press.user, f"I could not open the form: {_api_error(error)}",
                            press.thread_ts or None)

    def ack_override_form(self, ack: Ack, body: dict[str, Any]) -> None:
        """Close the override form, or say that the reason is needed."""
        try:
            form = payloads.override_form(body)
        except payloads.PayloadError as error:
            ack(response_action="errors", errors={"reason": str(error)})
            return
        if len(form.reason) < 3:
            ack(response_action="errors", errors={"reason": "Say why the case is approved with questions undecided."})
            return
        ack()

    def run_override_form(self, body: dict[str, Any]) -> None:
        """Approve with the override the form gave."""
        try:
            form = payloads.override_form(body)
        except payloads.PayloadError:
            return
        if len(form.reason) < 3 or not self.allowed(form.user, form.channel):
            return
        if not self.first_time(f"view:{form.view_id}"):
            return
        self.approve(form.reference, form.channel, form.thread_ts, form.user, override=form.reason)

    # --- posting -----------------------------------------------------------------------------------

    def _post(self, channel: str, message: blocks.Message, thread_ts: str | None = None) -> str:
        response = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=message.text,
                                                blocks=message.blocks, unfurl_links=False, unfurl_media=False)
        return str(response.get("ts") or "")

    def _reply(self, channel: str, thread_ts: str, message: blocks.Message) -> None:
        try:
            self._post(channel, message, thread_ts=thread_ts)
        except SlackApiError as error:
            log.warning("could not reply in a thread: %s", error.response.get("error"))

    def _ephemeral(self, channel: str, user: str, text: str, thread_ts: str | None) -> None:
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts)
        except SlackApiError as error:
            log.warning("could not send an ephemeral message: %s", error.response.get("error"))

    def _tell(self, channel: str, user: str, respond: Respond | None, text: str) -> None:
        if respond is not None:
            try:
                respond(response_type="ephemeral", text=text)
                return
            except Exception as error:  # the response_url can expire; fall back to an ephemeral message
                log.warning("response_url failed: %s", type(error).__name__)
        self._ephemeral(channel, user, text, None)

    def _respond(self, respond: Respond, message: blocks.Message) -> None:
        respond(response_type="ephemeral", text=message.text, blocks=message.blocks)

    def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Log listener failures by type only: payloads carry personal data."""
        log.error("listener failed: %s (%s)", type(error).__name__, body.get("type", "unknown payload"))


class People:
    """Slack users' names, looked up once each (users.info), so history shows names, not ids."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._names: dict[str, tuple[str, str]] = {}
        self._guard = threading.Lock()

    def _lookup(self, user: str) -> tuple[str, str]:
        with self._guard:
            known = self._names.get(user)
        if known is not None:
            return known
        try:
            found = self.client.users_info(user=user).get("user") or {}
        except SlackApiError as error:  # no users:read scope, or a user from elsewhere: show no name
            log.warning("could not look up a user's name: %s", error.response.get("error"))
            found = {}
        profile = found.get("profile") or {}
        real = str(profile.get("real_name") or found.get("real_name") or "")
        names = (str(profile.get("display_name") or real or found.get("name") or ""), real)
        with self._guard:
            self._names[user] = names
        return names

    def name(self, user: str) -> str:
        """How Slack shows this user (display name, else real name); empty when unknown."""
        return self._lookup(user)[0] if user else ""

    def real_name(self, user: str) -> str:
        """The user's full name, for signing a letter; empty when unknown."""
        return self._lookup(user)[1] if user else ""


def _lower_priority() -> None:
    """Drafting threads yield the CPU to the threads that acknowledge Slack (Linux: per-thread nice)."""
    # Not Linux, or not permitted: acks are still fast, just less protected.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _api_error(error: SlackApiError) -> str:
    return str(error.response.get("error") or "unknown Slack error")


def wsgi_app(app: App, settings: Settings) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """Slack events at /slack/events and a health check at /healthz, as one WSGI app.

    Every POST is screened before Bolt sees it: a body over FOIBOT_SLACK_MAX_BODY_BYTES is
    refused with 413 before it is read; a bad timestamp or signature gets 401, and a signed
    body that is not the shape Slack sends gets 400, each with one line of text and a log line
    that never holds the body.
    """
    handler = SlackRequestHandler(app, path="/slack/events")
    verifier = SignatureVerifier(settings.slack_signing_secret or "unused-in-socket-mode")
    limit = settings.slack_max_body_bytes

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if environ.get("REQUEST_METHOD") == "POST":
            refusal = _screen(environ, limit, verifier)
            if refusal is not None:
                status, text = refusal
                start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                        ("Content-Length", str(len(text) + 1))])
                return [text.encode() + b"\n"]
        return handler(environ, start_response)

    return application


def _screen(environ: dict[str, Any], limit: int, verifier: SignatureVerifier) -> tuple[str, str] | None:
    """Why a POST is refused (status, one line), or None to pass it on; the body is read only when it fits."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request", "bad Content-Length"
    if length > limit:
        log.warning("refused a %d-byte request body (limit %d)", length, limit)
        return "413 Payload Too Large", f"request body over {limit} bytes"
    stream = environ["wsgi.input"]
    body = stream.read(length) if length else stream.read(limit + 1)
    if len(body) > limit:
        log.warning("refused a request body over %d bytes", limit)
        return "413 Payload Too Large", f"request body over {limit} bytes"
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
    if not timestamp.isdigit():
        log.warning("refused a request with a missing or non-numeric timestamp")
        return "401 Unauthorized", "invalid request timestamp"
    if not verifier.is_valid(body, timestamp, str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")):
        log.warning("refused a request with an invalid signature (%d bytes)", len(body))
        return "401 Unauthorized", "invalid request signature"
    problem = _malformed(body, str(environ.get("CONTENT_TYPE") or ""))
    if problem:
        log.warning("refused a signed request: %s", problem)
        return "400 Bad Request", problem
    return None


def _malformed(body: bytes, content_type: str) -> str:
    """What is wrong with a signed body that Bolt could not parse, or "" when it has Slack's shape."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if not text:
        return ""
    try:
        if content_type.startswith("application/json") or text.startswith("{"):
            parsed: Any = json.loads(text)
            return "" if isinstance(parsed, dict) else "the JSON body is not an object"
        form = urllib.parse.parse_qs(text, keep_blank_values=True)
        if "payload" not in form:
            return ""
        payload = json.loads(form["payload"][0])
    except ValueError:
        return "the body is not valid JSON or form data"
    if not isinstance(payload, dict):
        return "payload is not a JSON object"
    if "actions" in payload and not isinstance(payload["actions"], list):
        return "payload actions is not a list"
    return ""


def _no_bodies(record: logging.LogRecord) -> bool:
    """Drop Bolt's log line for a bad signature: it holds the whole body (the gate logs its own, without)."""
    return not str(record.msg).startswith("Invalid request signature")
