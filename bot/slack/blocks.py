"""Block Kit rendering: pure functions from core data to Slack messages.

Every piece of requester or document text goes through `literal` (no mention, link, broadcast
or formatting nobody meant); long text is split across section blocks (3,000 characters each)
and messages (50 blocks each), never rejected. Buttons carry a case reference, a question id
and an index, never text for a parser to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.clock import working_days_left
from bot.letter import Letter
from bot.models import BOT, Case, CaseQuestion, CaseStatus, Evidence, StanceDecision, WarningKind
from bot.slack.text import MESSAGE_BLOCK_LIMIT, chunks, escape, fit, literal, shorten
from knowledge.exemptions import ExemptionCard
from knowledge.models import Disposition
from knowledge.store import SearchHit

Block = dict[str, Any]

ACCEPT = "foi_accept"
USE_OPTION = "foi_use_option"
ALTERNATIVES = "foi_alternatives"
USE_ALTERNATIVE = "foi_use_alternative"
REGENERATE = "foi_regenerate"
LETTER = "foi_letter"
APPROVE = "foi_approve"
"""Asks for approval: the bot answers with the confirmation step."""
CONFIRM_APPROVE = "foi_confirm_approve"
OVERRIDE_APPROVE = "foi_override_approve"
"""Opens the form for approving with questions undecided, which asks for the reason."""
CANCEL_APPROVE = "foi_cancel_approve"
REOPEN = "foi_reopen"
ADD_LEFT_OUT = "foi_add_left_out"
STANCE_ACCEPT = "foi_stance_accept"
STANCE_DROP = "foi_stance_drop"
DRAFT_MODAL = "foi_draft_modal"
OVERRIDE_MODAL = "foi_override_modal"

_SHOWN_LEFT_OUT = 10
_SHOWN_OPTIONS = 3


@dataclass(frozen=True)
class Message:
    """One Slack message: fallback text and blocks."""

    text: str
    blocks: list[Block]


def section(text: str) -> Block:
    """A mrkdwn section (text must already be escaped and at most 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    """A small-print context line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text, 3000)}]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """A button carrying ids in its value (never document text)."""
    element: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text[:75]},
                               "action_id": action_id, "value": value[:2000]}
    if style:
        element["style"] = style
    return element


def value(case: Case, question: int = 0, index: int = 0) -> str:
    """A button's value: the case, the question's id and an index (an option, a left-out passage)."""
    return f"{case.reference}|{question}|{index}"


def source_link(url: str, text: str) -> str:
    """`<url|text>` to a page we stored ourselves (http or https only), else just the escaped text."""
    if not url.startswith(("https://", "http://")):
        return literal(text)
    # Slack ends a link at "|" or ">", so those (and spaces, quotes, "<") are percent-encoded; "&" is escaped.
    target = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")
    return f"<{target}|{literal(text).replace('|', '¦')}>"


def paragraphs(text: str) -> list[Block]:
    """Requester or document text as as many section blocks as it needs."""
    return [section(piece) for piece in chunks(literal(text))]


def split_messages(text: str, blocks: list[Block]) -> list[Message]:
    """Blocks spread over messages of at most 50 blocks, in order."""
    if len(blocks) <= MESSAGE_BLOCK_LIMIT:
        return [Message(text, blocks)]
    out: list[Message] = []
    for start in range(0, len(blocks), MESSAGE_BLOCK_LIMIT):
        part = len(out) + 1
        out.append(Message(f"{text} (part {part})", blocks[start : start + MESSAGE_BLOCK_LIMIT]))
    return out


def case_parent(case: Case, today: date | None = None) -> Message:
    """The case's parent message: reference, due date, the questions as split, what was left out, actions."""
    today = today or date.today()
    left = working_days_left(case.due_date, today, case.regime)
    clock = f"{left} working days left" if left >= 0 else f"*overdue by {-left} working days*"
    extension = (f" · extension to {case.extended_due_date.isoformat()} if needed"
                 if case.extended_due_date else "")
    status = "" if case.status is CaseStatus.OPEN else f" · *{case.status.value}*"
    head = (f":page_facing_up: *Case {escape(case.reference)}* · {len(case.questions)} question(s) · "
            f"{case.regime.value.upper()} · received {case.received.isoformat()} · "
            f"due *{case.due_date.isoformat()}* ({clock}){extension}{status}")
    blocks = [section(head)]
    for warning in case.warnings:
        blocks.append(context(f":warning: {literal(warning.message)}"))
    lines = []
    for question in case.questions:
        number = case.letter_number(question.number)
        moved = f" (question {number} in the letter)" if number != question.number else ""
        lines.append(f"*Q{question.number}*{moved} {literal(shorten(question.text, 280))}")
    for piece in chunks("*The request, as split into questions:*\n" + "\n".join(lines)):
        blocks.append(section(piece))
    if case.removed:
        blocks.append(context("Removed: " + "; ".join(
            f"Q{q.number} ({escape(q.draft.note)})" for q in case.removed) + " · `restore Q<n>` brings one back"))
    blocks += _left_out_blocks(case)
    blocks += _stance_blocks(case)
    blocks.append(context("Drafts follow in this thread, one per question. Reply here to refine, e.g. "
                          "`Q2 not held with s16 advice`, `Q5: ncnd s24(2) s31(3)`, `add: <text>`, `merge Q4 Q5`, "
                          "`undo Q3`, or `letter` / `approve` / `help`."))
    approval = case.approval
    if case.status is CaseStatus.OPEN:
        blocks.append({"type": "actions", "elements": [
            button("Assemble letter", LETTER, value(case), "primary"),
            button("Approve and file…", APPROVE, value(case)),
        ]})
    elif approval is not None:
        override = f" · override: {literal(approval.override)}" if approval.override else ""
        blocks.append(context(f":white_check_mark: Approved by {literal(approval.by_name or approval.by)} · "
                              f"{approval.precedents} answer(s) filed as precedents{override}"))
        blocks.append({"type": "actions", "elements": [button("Reopen", REOPEN, value(case))]})
    return Message(f"Case {case.reference}: {len(case.questions)} question(s), due {case.due_date.isoformat()}",
                   blocks[:MESSAGE_BLOCK_LIMIT])


def _left_out_blocks(case: Case) -> list[Block]:
    if not case.left_out:
        return []
    blocks: list[Block] = [context(f":grey_question: {len(case.left_out)} passage(s) of the request "
                                   "not treated as a question:")]
    for index, text in enumerate(case.left_out[:_SHOWN_LEFT_OUT]):
        block = section(f"_Not treated as a question:_ {literal(shorten(text, 2500))}")
        if case.status is CaseStatus.OPEN:
            block["accessory"] = button("Add as a question", ADD_LEFT_OUT, value(case, 0, index))
        blocks.append(block)
    if len(case.left_out) > _SHOWN_LEFT_OUT:
        blocks.append(context(f"… and {len(case.left_out) - _SHOWN_LEFT_OUT} more; `add: <text>` adds any text "
                              "as a question."))
    return blocks


def _stance_blocks(case: Case) -> list[Block]:
    stance = case.stance
    if stance is None:
        return []
    resting = f" as in {escape(', '.join(stance.references))}" if stance.references else ""
    text = (f":shield: *Opening stance for the whole request* ({stance.decision.value}): "
            f"{stance.disposition.label} under {escape(', '.join(stance.exemptions))}{resting}")
    if stance.reason:
        text += f"\n{literal(shorten(stance.reason, 600))}"
    blocks: list[Block] = [section(text)]
    if case.status is CaseStatus.OPEN and stance.decision is StanceDecision.OFFERED:
        blocks.append({"type": "actions", "elements": [
            button("Accept the stance", STANCE_ACCEPT, value(case), "primary"),
            button("Drop it", STANCE_DROP, value(case)),
        ]})
    return blocks


def question_messages(case: Case, question: CaseQuestion, change: str = "") -> list[Message]:
    """One question's draft: where it stands, wording, options, cues, precedents, warnings, buttons."""
    draft = question.draft
    number = case.letter_number(question.number)
    where = f" (question {number} in the letter)" if number and number != question.number else ""
    blocks: list[Block] = []
    if question.removed:
        blocks.append(section(f"*Q{question.number}* · removed from the request ({escape(draft.note)}) · "
                              f"`restore Q{question.number}` brings it back"))
        blocks.append(context(literal(shorten(question.text, 2900))))
        return [Message(f"Q{question.number}: removed", blocks)]
    blocks.append(section(f"*Q{question.number}*{where} · {_standing(question)}"))
    blocks.append(context(f"{_version(question)} · asked: {literal(shorten(question.text, 2800))}"))
    if draft.proposed and draft.basis and not question.decided:
        blocks.append(context(f":mag: Why: {literal(shorten(draft.basis, 2900))}"))
    if change:
        blocks.append(context(f":pencil2: {escape(change)}"))
    blocks += paragraphs(draft.wording)
    if draft.advice:
        blocks += paragraphs(f"Advice and assistance: {draft.advice}")
    if case.status is CaseStatus.OPEN and not draft.proposed and not question.decided:
        blocks += _option_blocks(case, question)
    for cue in draft.cues:
        sections = f" ({escape(', '.join(cue.sections))})" if cue.sections else ""
        link = f" · {source_link(cue.link, 'source')}" if cue.link else ""
        blocks.append(context(f":warning: {escape(cue.kind.value.replace('_', ' '))}{sections}: "
                              f"{literal(cue.reason)}{link}"))
    evidence = precedent_lines(draft.precedents)
    if evidence:
        blocks.append(context(":books: Rests on:\n" + "\n".join(evidence)))
    for warning in draft.warnings:
        if warning.kind is not WarningKind.CUE:  # each cue is shown above, with its sections and link
            blocks.append(context(f":warning: {literal(warning.message)}"))
    if case.status is CaseStatus.OPEN:
        blocks.append({"type": "actions", "elements": [
            button("Accept", ACCEPT, value(case, question.number), "primary"),
            button(f"Alternatives ({len(draft.alternatives)})", ALTERNATIVES, value(case, question.number)),
            button("Regenerate", REGENERATE, value(case, question.number)),
        ]})
    return split_messages(f"Q{question.number}: {_headline(question)}", blocks)


def _standing(question: CaseQuestion) -> str:
    """Where a question's answer stands: the caseworker's decision, foibot's proposal, or the caseworker's call."""
    draft = question.draft
    exemptions = ", ".join(f"`{escape(e)}`" for e in draft.exemptions) or "no exemption"
    if question.decided:
        return f"*{draft.disposition.label}* · {exemptions} · decided by {literal(draft.by)}"
    if draft.placeholder:
        return "*No close precedent: the outcome is the caseworker's call*"
    if draft.proposed:
        return f"*Proposed: {draft.disposition.label}* · {exemptions} · confidence {draft.confidence:.2f}"
    return (f"*The outcome is the caseworker's call* · most likely {draft.disposition.label} ({exemptions}, "
            f"confidence {draft.confidence:.2f})")


def _headline(question: CaseQuestion) -> str:
    draft = question.draft
    if draft.placeholder and not question.decided:
        return "no close precedent"
    return draft.disposition.label


def _version(question: CaseQuestion) -> str:
    draft = question.draft
    state = "decided" if question.decided else "not yet decided"
    who = "foibot" if draft.author == BOT else literal(draft.by)
    return f"v{len(question.versions)} by {who} · {state}"


def _option_blocks(case: Case, question: CaseQuestion) -> list[Block]:
    """The top options as one-click choices, each with its wording."""
    draft = question.draft
    blocks: list[Block] = []
    for rank, option in enumerate(draft.options[:_SHOWN_OPTIONS], start=1):
        names = ", ".join(option.exemptions) or "no exemption"
        block = section(f"*Option {rank}: {option.disposition.label}* · {escape(names)} · "
                        f"probability {option.probability:.2f}\n{literal(shorten(option.wording, 2600))}")
        block["accessory"] = button(f"Use option {rank}", USE_OPTION, value(case, question.number, rank))
        blocks.append(block)
    return blocks


def precedent_lines(precedents: Sequence[Evidence]) -> list[str]:
    """Each precedent once: what it was asked and decided, its reference and date, a link to its source."""
    seen: set[str] = set()
    lines = []
    for evidence in precedents:
        key = evidence.reference or evidence.precedent_id or evidence.source
        if key in seen:
            continue
        seen.add(key)
        reference = source_link(evidence.source, evidence.reference or "no reference")
        flags = f", {escape(', '.join(evidence.flags))}" if evidence.flags else ""
        lines.append(f"• {reference} ({escape(evidence.date or 'undated')}, similarity {evidence.score:.2f}{flags}) "
                     f"· asked: {literal(shorten(evidence.question, 200))} · decided: {_label(evidence.disposition)}")
    return lines


def _label(disposition: str) -> str:
    try:
        return Disposition(disposition).label
    except ValueError:
        return escape(disposition)


def alternatives_message(case: Case, question: CaseQuestion) -> Message:
    """The alternatives for one question, each with a button to use it."""
    draft = question.draft
    if not draft.alternatives:
        return Message("No alternatives", [section(f"Q{question.number} has no alternative drafts.")])
    blocks: list[Block] = [section(f"*Alternatives for Q{question.number}*")]
    for number, alternative in enumerate(draft.alternatives, start=1):
        source = alternative.evidence.reference if alternative.evidence else "library"
        names = ", ".join(alternative.exemptions) or "no exemption"
        label = alternative.disposition.label
        blocks.append(section(f"{number}. {label} · {escape(names)} · from {literal(source)}\n"
                              f"{literal(shorten(alternative.wording, 2600))}"))
        blocks.append({"type": "actions", "elements": [
            button(f"Use alternative {number}", USE_ALTERNATIVE, value(case, question.number, number)),
        ]})
    return Message(f"Alternatives for Q{question.number}", blocks[:MESSAGE_BLOCK_LIMIT])


def approval_confirmation(case: Case) -> Message:
    """The confirmation step before approving: what will be filed, and what is undecided."""
    undecided = case.undecided
    decided = [q for q in case.questions if q.decided and not q.draft.placeholder]
    if not undecided and not case.stance_undecided:
        text = (f":white_check_mark: *Approve case {escape(case.reference)}?* All {len(case.questions)} question(s) "
                f"are decided. Approving marks the case answered and files {len(decided)} answer(s) as precedents "
                "(people's names taken out). `reopen` undoes it.")
        actions = [button("Confirm: approve and file", CONFIRM_APPROVE, value(case), "primary"),
                   button("Cancel", CANCEL_APPROVE, value(case))]
        return Message(f"Approve {case.reference}?", [section(text), {"type": "actions", "elements": actions}])
    listed = [f"• *Q{q.number}* {literal(shorten(q.text, 150))}" for q in undecided]
    if case.stance_undecided:
        listed.append("• the opening stance for the whole request")
    text = (f":raised_hand: *Case {escape(case.reference)} is not ready to approve.* Nobody has accepted or edited:\n"
            + "\n".join(listed)
            + "\nAccept or edit each (`accept Q2`, or its Accept button). To approve anyway, give the reason: "
              f"it is recorded, and only the {len(decided)} decided answer(s) are filed.")
    actions = [button("Approve anyway, with a reason…", OVERRIDE_APPROVE, value(case), "danger"),
               button("Cancel", CANCEL_APPROVE, value(case))]
    blocks = [section(piece) for piece in chunks(text)][: MESSAGE_BLOCK_LIMIT - 1]
    return Message(f"{case.reference} has undecided questions", [*blocks, {"type": "actions", "elements": actions}])


def override_modal(case: Case, channel: str, thread_ts: str) -> dict[str, Any]:
    """The form asking why a case is approved with questions undecided."""
    undecided = ", ".join(f"Q{q.number}" for q in case.undecided) or "the opening stance"
    return {
        "type": "modal", "callback_id": OVERRIDE_MODAL,
        "private_metadata": f"{case.reference}|{channel}|{thread_ts}",
        "title": {"type": "plain_text", "text": "Approve with an override"},
        "submit": {"type": "plain_text", "text": "Approve and file"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"*{escape(case.reference)}*: {escape(undecided)} undecided. Only decided answers are filed."),
            {"type": "input", "block_id": "reason", "label": {"type": "plain_text", "text": "Reason (recorded)"},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 500}},
        ],
    }


def approved_message(case: Case, user: str) -> Message:
    """What the thread hears once a case is approved: who, and the true number filed."""
    approval = case.approval
    filed = approval.precedents if approval else 0
    override = f" Override recorded: {literal(approval.override)}." if approval and approval.override else ""
    return notice(f"Approved by {literal(user)}: {escape(case.reference)} is marked answered and {filed} "
                  f"answer(s) are now precedents in the knowledge base.{override} `reopen` withdraws them.")


def letter_comment(letter: Letter) -> str:
    """The comment on an uploaded letter: how many things remain, and each with where it is."""
    if not letter.findings:
        return (f"Draft response letter for {escape(letter.reference)}. The letter check found nothing "
                "unfinished.")
    items = "\n".join(f"• {literal(str(finding))}" for finding in letter.findings)
    return (f"Draft response letter for {escape(letter.reference)}. *Letter check: {len(letter.findings)} thing(s) "
            f"still to finish before it can go out:*\n{items}")


def search_results(query: str, hits: Sequence[SearchHit]) -> Message:
    """Precedents found by `/foi search`."""
    if not hits:
        return Message("No precedents found", [section(f"No precedents found for {literal(shorten(query, 200))}.")])
    blocks: list[Block] = [section(f"*Precedents for* {literal(shorten(query, 200))}")]
    for hit in hits:
        names = ", ".join(hit.exemptions) or "-"
        origin = ("WhatDoTheyKnow: " if hit.origin_kind == "wdtk" else "Source: ") if hit.link else ""
        blocks.append(section(literal(
            f"{hit.score:.2f} · {hit.reference or 'no reference'} · {hit.date or 'undated'} · "
            f"{hit.disposition} · {names}\nQ: {shorten(hit.question, 300)}\nA: {shorten(hit.answer, 500)}"
        ) + (f"\n{origin}{source_link(hit.link, shorten(hit.reference or hit.link, 150))}" if hit.link else "")))
    return Message(f"{len(hits)} precedent(s)", blocks)


def exemption_cards(cards: Sequence[ExemptionCard]) -> Message:
    """Exemption cards for `/foi exemption`."""
    blocks: list[Block] = []
    for card in cards[:5]:
        kind = "absolute" if card.absolute else "qualified"
        blocks.append(section(f"*{escape(card.section)} {escape(card.title)}* ({card.regime.value.upper()}, {kind}, "
                              f"{escape(card.test)} test; NCND: {escape(card.ncnd or 'none')})"))
        blocks += paragraphs(card.summary)
        if card.factors_for_disclosure:
            blocks += paragraphs("For disclosure: " + "; ".join(card.factors_for_disclosure))
            blocks += paragraphs("For the exemption: " + "; ".join(card.factors_against_disclosure))
        blocks += paragraphs("Model wording: " + card.model_wording)
    return Message(f"{len(cards)} exemption card(s)", blocks[:MESSAGE_BLOCK_LIMIT])


def draft_modal(channel: str) -> dict[str, Any]:
    """The modal for `/foi draft` with no text: request, date received, regime."""
    return {
        "type": "modal", "callback_id": DRAFT_MODAL, "private_metadata": channel,
        "title": {"type": "plain_text", "text": "Draft an FOI response"},
        "submit": {"type": "plain_text", "text": "Draft"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "request", "label": {"type": "plain_text", "text": "Request text"},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000}},
            {"type": "input", "block_id": "received", "label": {"type": "plain_text", "text": "Date received"},
             "element": {"type": "datepicker", "action_id": "value"}},
            {"type": "input", "block_id": "regime", "label": {"type": "plain_text", "text": "Regime"},
             "element": {"type": "static_select", "action_id": "value",
                         "initial_option": {"text": {"type": "plain_text", "text": "FOIA"}, "value": "foia"},
                         "options": [{"text": {"type": "plain_text", "text": name}, "value": value}
                                     for name, value in (("FOIA", "foia"), ("EIR", "eir"), ("FOISA", "foisa"))]}},
        ],
    }


def help_message() -> Message:
    """What `/foi help` (and `help` in a case thread) says."""
    text = (
        "*foibot drafts FOI responses from your past answers. It drafts; you decide.*\n"
        "`/foi draft <request text>` drafts a request (or `/foi draft` alone opens a form)\n"
        "`/foi search <words>` finds past answers · `/foi exemption s31` shows an exemption card\n"
        "`/foi status` shows the store and open cases · `/foi refresh` updates the knowledge base\n"
        "In a case thread (questions keep their Q number for the life of the case):\n"
        "• outcomes: `Q2 not held`, `Q2 not held with s16 advice`, `Q3 exempt under section 43(2)`, "
        "`Q5: ncnd s24(2) s31(3)`, `Q6 cost`, `Q4 use option 2`, `Q4 use alternative 2`\n"
        "• wording: `Q3: <new wording>`, `Q3 advice: <text>`, `Q2 add s40(2)`, `Q2 remove s31`, `undo Q3`\n"
        "• deciding: `accept Q1`, `accept Q1 and Q3`, `accept all`, `accept stance`, `drop stance`\n"
        "• questions: `add: <text>`, `split Q3`, `split Q3 at \"<words>\"`, `merge Q4 Q5`, `remove Q6`, "
        "`restore Q6`\n"
        "• the case: `caseworker: <name>`, `letter`, `approve`, `reopen`"
    )
    return Message("foibot help", [section(text)])


def status_message(counts: dict[str, Any], last_refresh: dict[str, Any] | None, cases: Sequence[Case],
                   today: date | None = None) -> Message:
    """What `/foi status` says: store size, last refresh, open cases with due dates."""
    today = today or date.today()
    lines = [f"*Knowledge base*: {counts.get('precedents', 0)} precedents, "
             f"{counts.get('exemption_precedents', 0)} exemption paragraphs",
             f"*Last refresh*: {last_refresh['finished'] if last_refresh else 'never'}",
             f"*Open cases*: {len(cases)}"]
    for case in sorted(cases, key=lambda c: c.due_date)[:20]:
        left = working_days_left(case.due_date, today, case.regime)
        when = f"{left} working days left" if left >= 0 else f"overdue by {-left} working days"
        undecided = len(case.undecided)
        lines.append(f"• {escape(case.reference)} due {case.due_date.isoformat()} ({when}), "
                     f"{undecided} question(s) undecided")
    return Message("foibot status", [section(piece) for piece in chunks("\n".join(lines))])


def refresh_progress(done: int, total: int, started: str) -> Message:
    """The refresh progress message, updated in place."""
    bar = "█" * int(20 * done / total) + "░" * (20 - int(20 * done / total)) if total else ""
    return Message(f"Refreshing: {done}/{total}",
                   [section(f":arrows_counterclockwise: Refreshing the knowledge base (started {started})\n"
                            f"`{bar}` {done}/{total} files")])


def refresh_summary(lines: Sequence[str]) -> Message:
    """The refresh's final summary, replacing the progress message."""
    text = ":white_check_mark: Knowledge base refreshed: " + literal("\n".join(lines))
    return Message("Knowledge base refreshed", [section(piece) for piece in chunks(text)][:MESSAGE_BLOCK_LIMIT])


def notice(text: str) -> Message:
    """A short message (already safe text)."""
    return Message(text[:300], [section(piece) for piece in chunks(text)][:MESSAGE_BLOCK_LIMIT])

