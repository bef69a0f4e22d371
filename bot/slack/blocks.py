"""Block Kit rendering: pure functions from core data to Slack messages.

Every piece of user or document text goes through `escape`; long text is split across
section blocks (3,000 characters each) and messages (50 blocks each), never rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.clock import working_days_left
from bot.models import Case, CaseQuestion
from bot.slack.text import MESSAGE_BLOCK_LIMIT, chunks, escape, fit, shorten
from knowledge.exemptions import ExemptionCard
from knowledge.store import SearchHit

Block = dict[str, Any]

ACCEPT = "foi_accept"
ALTERNATIVES = "foi_alternatives"
USE_ALTERNATIVE = "foi_use_alternative"
REGENERATE = "foi_regenerate"
LETTER = "foi_letter"
APPROVE = "foi_approve"
DRAFT_MODAL = "foi_draft_modal"



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


def source_link(url: str, text: str) -> str:
    """`<url|text>` to a page we stored ourselves (http or https only), else just the escaped text."""
    if not url.startswith(("https://", "http://")):
        return escape(text)
    # Slack ends a link at "|" or ">", so those (and spaces, quotes, "<") are percent-encoded; "&" is escaped.
    target = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")
    return f"<{target}|{escape(text).replace('|', '¦')}>"


def paragraphs(text: str) -> list[Block]:
    """Escaped text as as many section blocks as it needs."""
    return [section(piece) for piece in chunks(escape(text))]


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
    """The case's parent message: reference, questions, due date, warnings and actions."""
    today = today or date.today()
    left = working_days_left(case.due_date, today, case.regime)
    clock = f"{left} working days left" if left >= 0 else f"*overdue by {-left} working days*"
    extension = (f" · extension to {case.extended_due_date.isoformat()} if needed"
                 if case.extended_due_date else "")
    status = "" if case.status == "open" else f" · *{case.status}*"
    head = (f":page_facing_up: *Case {escape(case.reference)}* · {len(case.questions)} question(s) · "
            f"{case.regime.value.upper()} · received {case.received.isoformat()} · "
            f"due *{case.due_date.isoformat()}* ({clock}){extension}{status}")
    blocks = [section(head)]
    for warning in case.warnings:
        blocks.append(context(f":warning: {escape(warning)}"))
    blocks.append(context("Drafts follow in this thread, one per question. Reply here to refine, e.g. "
                          "`Q2 not held`, `Q5: ncnd s24(2) s31(3)`, `Q3 add s16 advice`, `undo Q3`, "
                          "or `letter` / `approve`."))
    if case.status == "open":
        blocks.append({"type": "actions", "elements": [
            button("Assemble letter", LETTER, case.reference, "primary"),
            button("Approve and file", APPROVE, case.reference),
        ]})
    return Message(f"Case {case.reference}: {len(case.questions)} question(s), due {case.due_date.isoformat()}",
                   blocks)


def question_messages(case: Case, question: CaseQuestion, change: str = "") -> list[Message]:
    """One question's draft: disposition, exemptions, wording, evidence, warnings, buttons."""
    draft = question.draft
    exemptions = ", ".join(f"`{escape(e)}`" for e in draft.exemptions) or "no exemption"
    label = draft.disposition.label
    head = (f"*Q{question.number}* · *{label}* · {exemptions} · confidence {draft.confidence:.2f} · "
            f"v{len(question.versions)} by {escape(draft.author)}")
    blocks: list[Block] = [section(head), context(f"_{escape(shorten(question.text, 2900))}_")]
    if change:
        blocks.append(context(f":pencil2: {escape(change)}"))
    blocks += paragraphs(draft.wording)
    if draft.advice:
        blocks += paragraphs(f"Advice and assistance: {draft.advice}")
    if draft.precedents:
        evidence = "; ".join(
            f"{source_link(p.source, p.reference or 'no reference')} ({escape(p.date or 'undated')}, {p.score:.2f}"
            + (f", {', '.join(p.flags)}" if p.flags else "") + ")"
            for p in draft.precedents
        )
        blocks.append(context(f":books: Rests on {evidence}"))
    for warning in draft.warnings:
        blocks.append(context(f":warning: {escape(warning)}"))
    value = f"{case.reference}|{question.number}"
    if case.status == "open":
        blocks.append({"type": "actions", "elements": [
            button("Accept", ACCEPT, value, "primary"),
            button(f"Alternatives ({len(draft.alternatives)})", ALTERNATIVES, value),
            button("Regenerate", REGENERATE, value),
        ]})
    return split_messages(f"Q{question.number}: {label}", blocks)


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
        blocks.append(section(escape(f"{number}. {label} · {names} · "
                                     f"from {source}\n{shorten(alternative.wording, 2600)}")))
        blocks.append({"type": "actions", "elements": [
            button(f"Use alternative {number}", USE_ALTERNATIVE, f"{case.reference}|{question.number}|{number}"),
        ]})
    return Message(f"Alternatives for Q{question.number}", blocks[:MESSAGE_BLOCK_LIMIT])


def search_results(query: str, hits: Sequence[SearchHit]) -> Message:
    """Precedents found by `/foi search`."""
    if not hits:
        return Message("No precedents found", [section(f"No precedents found for _{escape(shorten(query, 200))}_.")])
    blocks: list[Block] = [section(f"*Precedents for* _{escape(shorten(query, 200))}_")]
    for hit in hits:
        names = ", ".join(hit.exemptions) or "-"
        origin = ("WhatDoTheyKnow: " if hit.origin_kind == "wdtk" else "Source: ") if hit.link else ""
        blocks.append(section(escape(
            f"{hit.score:.2f} · {hit.reference or 'no reference'} · {hit.date or 'undated'} · "
            f"{hit.disposition} · {names}\nQ: {shorten(hit.question, 300)}\nA: {shorten(hit.answer, 500)}"
        ) + (f"\n{origin}{source_link(hit.link, shorten(hit.reference or hit.link, 150))}" if hit.link else "")))
    return Message(f"{len(hits)} precedent(s)", blocks)


def exemption_cards(cards: Sequence[ExemptionCard]) -> Message:
    """Exemption cards for `/foi exemption`."""
    blocks: list[Block] = []
    for card in cards[:5]:
        kind = "absolute" if card.absolute else "qualified"
        blocks.append(section(escape(f"*{card.section} {card.title}* ({card.regime.value.upper()}, {kind}, "
                                     f"{card.test} test; NCND: {card.ncnd or 'none'})")))
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
    """What `/foi help` says."""
    text = (
        "*foibot drafts FOI responses from your past answers. It drafts; you decide.*\n"
        "`/foi draft <request text>` drafts a request (or `/foi draft` alone opens a form)\n"
        "`/foi search <words>` finds past answers · `/foi exemption s31` shows an exemption card\n"
        "`/foi status` shows the store and open cases · `/foi refresh` updates the knowledge base\n"
        "In a case thread: `Q2 not held`, `Q5: ncnd s24(2) s31(3)`, `Q3 add s16 advice`, "
        "`Q4 use alternative 2`, `Q3: <new wording>`, `undo Q3`, `letter`, `approve`"
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
        lines.append(f"• {escape(case.reference)} due {case.due_date.isoformat()} ({when})")
    return Message("foibot status", [section(piece) for piece in chunks("\n".join(lines))])


def refresh_progress(done: int, total: int, started: str) -> Message:
    """The refresh progress message, updated in place."""
    bar = "█" * int(20 * done / total) + "░" * (20 - int(20 * done / total)) if total else ""
    return Message(f"Refreshing: {done}/{total}",
                   [section(f":arrows_counterclockwise: Refreshing the knowledge base (started {started})\n"
                            f"`{bar}` {done}/{total} files")])


def refresh_summary(lines: Sequence[str]) -> Message:
    """The refresh's final summary, replacing the progress message."""
    text = ":white_check_mark: Knowledge base refreshed: " + escape("\n".join(lines))
    return Message("Knowledge base refreshed", [section(piece) for piece in chunks(text)][:MESSAGE_BLOCK_LIMIT])


def notice(text: str) -> Message:
    """A short message (already safe text)."""
    return Message(text[:300], [section(piece) for piece in chunks(text)][:MESSAGE_BLOCK_LIMIT])
