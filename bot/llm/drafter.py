"""The LLM drafter: one grounded, validated model call per question, the precedent draft as fallback.

For each question the model sees the statutory frame, the disposition labels, the
exemptions allowed under the regime, the cards of those the precedents rely on, the
retrieved precedents with their ids, the outcomes the precedent drafter ranked, the cues the
question carries and the question, all redacted (bot/llm/privacy.py) and with untrusted
text fenced. The answer is asked for as structured output (LangChain's
`with_structured_output` with the JSON schema of bot/llm/validation.py, whose enums are the
labels, the regime's exemptions and the precedent ids shown), so servers that constrain
decoding keep the model inside them; models without a structured mode get the same schema
in the prompt. Either way the raw reply is validated strictly (bot/llm/validation.py): an
invalid answer is sent back once with the errors, and if it is still invalid, or the model
fails or times out, the precedent drafter's draft is used with a visible warning. Each call
concerns one question and its answer can only become that question's draft.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Literal

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import LLMResult
from langchain_core.runnables import Runnable, RunnableConfig

from bot.drafting import Candidate, consistency_warnings, map_exemptions
from bot.llm.privacy import for_model
from bot.llm.validation import Checked, Frame, answer_schema, check_answer
from bot.models import Alternative, Cue, Draft, DraftWarning, Evidence, Option, Requester, WarningKind
from bot.templates import render
from knowledge.exemptions import ExemptionCard, ExemptionLibrary
from knowledge.models import Disposition, Regime

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
"""Called with a question's index (0-based) and its wording so far, as the model writes it."""

SHOWN_PRECEDENTS = 5
_ANSWER_CHARS = 1500
_CARDS = 6
REJECTED = "LLM draft rejected"
StructuredOutput = Literal["auto", "json_schema", "function_calling", "off"]
"""How the answer's schema reaches the model: the integration's own default, a named
`with_structured_output` method, or `off` (the schema in the prompt only)."""


class LLMFailure(Exception):
    """The model gave no usable answer; the message is one line without personal data."""


class LLMDrafter:
    """Drafts and rewrites answers with a chat model, never trusting what it returns."""

    def __init__(self, model: BaseChatModel, library: ExemptionLibrary, name: str = "", timeout: float = 60.0,
                 concurrency: int = 8, structured: StructuredOutput = "auto") -> None:
        self.model = model
        self.library = library
        self.name = name or type(model).__name__
        self.timeout = timeout
        self.concurrency = concurrency
        self.structured = structured
        # OpenAI's integration takes `strict` (its servers then decode inside the schema); others do not.
        self._strict = "strict" in inspect.signature(model.with_structured_output).parameters
        self._cards: dict[tuple[str, Regime], ExemptionCard | None] = {}

    def draft_all(self, questions: Sequence[str], candidates: Sequence[list[Candidate]], regime: Regime,
                  fallbacks: Sequence[Draft], requester: Requester | None = None,
                  on_text: Progress | None = None) -> list[Draft]:
        """Drafts for every question of a request, drafted concurrently."""
        def one(index: int) -> Draft:
            progress = (lambda text: on_text(index, text)) if on_text is not None else None
            return self.draft(questions[index], candidates[index], regime, fallbacks[index], requester,
                              number=index + 1, on_text=progress)

        if len(questions) <= 1:
            return [one(index) for index in range(len(questions))]
        workers = min(self.concurrency, len(questions))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="foibot-llm") as pool:
            return list(pool.map(one, range(len(questions))))

    def draft(self, question: str, candidates: list[Candidate], regime: Regime, fallback: Draft,
              requester: Requester | None = None, number: int = 1,
              on_text: Callable[[str], None] | None = None) -> Draft:
        """The model's draft for one question, or `fallback` with a warning saying why not."""
        shown = candidates[:SHOWN_PRECEDENTS]
        requester = requester or Requester()
        fence = secrets.token_hex(4)
        labels = [*fallback.exemptions, *(label for c in shown for label in map_exemptions(
            c.hit.exemptions, Regime(c.hit.regime or "foia"), regime))]
        suggestion = f"{fallback.disposition.value} {', '.join(fallback.exemptions)}".strip()
        prompt = render(
            "llm/draft.md", **self._frame(regime, labels), number=number,
            precedents="\n\n".join(_precedent(c, fence, requester) for c in shown) or "(none found)",
            suggestion=suggestion if fallback.precedents else "none (no close precedent)",
            options=_options_text(fallback), cues=_cues_text(fallback.cues, fence, requester),
            fence=fence, question=_fenced(question, fence, requester),
        )
        frame = Frame(regime, self.library, {c.hit.id for c in shown}, requester)
        try:
            checked = self._ask(self._messages(fence, prompt), frame, on_text, labels)
        except LLMFailure as failure:
            log.info("LLM draft of Q%d fell back to the precedent drafter: %s", number, failure)
            return replace(fallback, warnings=(DraftWarning(WarningKind.MODEL_FALLBACK,
                                                            f"{REJECTED}: {failure}; showing the precedent draft"),
                                               *fallback.warnings),
                           note="drafted from precedents (the LLM draft was rejected)")
        return self._draft_from(checked, shown, candidates, fallback)

    def refine(self, question: str, number: int, current: Draft, instruction: str, regime: Regime,
               requester: Requester | None = None) -> Draft:
        """`current` rewritten as a caseworker asked; LLMFailure when no valid rewrite came back."""
        requester = requester or Requester()
        evidence = _evidence_pool(current)
        fence = secrets.token_hex(4)
        labels = [*current.exemptions, *(x for e in evidence for x in e.exemptions)]
        prompt = render(
            "llm/refine.md", **self._frame(regime, labels),
            number=number, fence=fence, question=_fenced(question, fence, requester),
            precedents="\n\n".join(_evidence_text(e, fence, requester) for e in evidence) or "(none)",
            disposition=current.disposition.value, exemptions=", ".join(current.exemptions) or "none",
            wording=_fenced(current.wording, fence, requester),
            instruction=for_model(instruction, requester).replace("</instruction>", ""),
        )
        frame = Frame(regime, self.library, {e.precedent_id for e in evidence}, requester)
        checked = self._ask(self._messages(fence, prompt), frame, None, labels)
        by_id = {e.precedent_id: e for e in evidence}
        cited = tuple(by_id[pid] for pid in checked.precedent_ids)
        kept = [w for w in current.warnings if getattr(w, "kind", None) not in (WarningKind.CONSISTENCY,
                                                                                 WarningKind.MODEL_FALLBACK)]
        same = checked.disposition is current.disposition
        return replace(current, disposition=checked.disposition, exemptions=checked.exemptions,
                       wording=checked.wording, precedents=cited or current.precedents, warnings=tuple(kept),
                       options=_worded(current.options, checked, ()), proposed=current.proposed and same,
                       basis=current.basis if same else "")

    # --- the model call, validation and repair ----------------------------------------------------

    def _ask(self, messages: list[BaseMessage], frame: Frame, on_text: Callable[[str], None] | None,
             labels: Sequence[str] = ()) -> Checked:
        schema = answer_schema(frame, labels)
        text = self._complete(messages, schema, on_text)
        checked, errors = check_answer(text, frame)
        if checked is not None:
            return checked
        # The reply goes back as plain text, never as a tool call: providers refuse a tool call with no result.
        repair = [*messages, AIMessage(content=for_model(text[:12000], frame.requester)),
                  HumanMessage(content=render("llm/repair.md", errors="\n".join(f"- {e}" for e in errors)))]
        text = self._complete(repair, schema, on_text)
        checked, errors = check_answer(text, frame)
        if checked is None:
            raise LLMFailure("; ".join(errors[:3]))
        return checked

    def _complete(self, messages: list[BaseMessage], schema: dict[str, Any],
                  on_text: Callable[[str], None] | None) -> str:
        """The model's raw answer (JSON text), through structured output where the model has it."""
        runnable = self._structured(schema)
        if runnable is None:
            return self._complete_text(messages, on_text)
        # The parsed output is only progress: LangChain's JSON parser accepts a reply cut off mid-string,
        # so the answer that is validated is the raw message, caught as the model finishes.
        reply = _RawReply()
        config: RunnableConfig = {"callbacks": [reply]}
        started = time.monotonic()
        shown = ""
        try:
            if on_text is None:
                runnable.invoke(messages, config=config)
            else:
                for partial in runnable.stream(messages, config=config):
                    self._within_time(started)
                    wording = partial.get("wording") if isinstance(partial, dict) else None
                    if isinstance(wording, str) and wording and wording != shown:
                        shown = wording
                        _notify(on_text, wording)
        except LLMFailure:
            raise
        except Exception as error:  # providers raise their own kinds; after a reply, only the parser failed
            if reply.message is None:
                raise LLMFailure(_describe(error)) from None
        self._within_time(started)
        return _answer_text(reply.message)

    def _structured(self, schema: dict[str, Any]) -> Runnable[Any, Any] | None:
        """The model bound to the answer's schema, or None where it has no structured mode (or it is off)."""
        if self.structured == "off":
            return None
        options: dict[str, Any] = {} if self.structured == "auto" else {"method": self.structured}
        if self._strict:
            options["strict"] = True
        try:
            return self.model.with_structured_output(schema, **options)
        except NotImplementedError:  # no tool calling and no schema mode (plain completion servers, fakes)
            return None

    def _within_time(self, started: float) -> None:
        if time.monotonic() - started > self.timeout:
            raise LLMFailure(f"the model took longer than {self.timeout:g} s")

    def _complete_text(self, messages: list[BaseMessage], on_text: Callable[[str], None] | None) -> str:
        """The model's reply as text, streamed so progress can be shown; bounded by the timeout."""
        started = time.monotonic()
        text = ""
        shown = ""
        try:
            if on_text is None:  # nobody is watching: one response is cheaper than parsing many chunks
                text = self.model.invoke(messages).text
                if time.monotonic() - started > self.timeout:
                    raise LLMFailure(f"the model took longer than {self.timeout:g} s")
                return text
            for chunk in self.model.stream(messages):
                text += chunk.text
                if time.monotonic() - started > self.timeout:
                    raise LLMFailure(f"the model took longer than {self.timeout:g} s")
                if on_text is not None:
                    wording = partial_wording(text)
                    if wording and wording != shown:
                        shown = wording
                        _notify(on_text, wording)
        except LLMFailure:
            raise
        except Exception as error:  # providers raise their own kinds: timeouts, HTTP and connection errors
            raise LLMFailure(_describe(error)) from None
        return text

    def _messages(self, fence: str, prompt: str) -> list[BaseMessage]:
        return [SystemMessage(content=render("llm/system.md", fence=fence)), HumanMessage(content=prompt)]

    def _frame(self, regime: Regime, labels: Sequence[str]) -> dict[str, str]:
        cards: list[ExemptionCard] = []
        for label in dict.fromkeys(labels):
            card = self._card_for(label, regime)
            if card is not None and card not in cards:
                cards.append(card)
        allowed = [f"  {c.section}  {c.title}" + (f" (NCND: {c.ncnd})" if c.ncnd else "")
                   for c in self.library.cards if c.regime is regime]
        return {
            "frame": render(f"llm/frame_{regime.value}.md").strip(),
            "regime_name": regime.value.upper(),
            "labels": ", ".join(d.value for d in Disposition),
            "allowed": "\n".join(allowed),
            "cards": "\n\n".join(_card(c) for c in cards[:_CARDS]) or "(none)",
        }

    def _card_for(self, label: str, regime: Regime) -> ExemptionCard | None:
        key = (label, regime)
        if key not in self._cards:  # look-ups parse the label; the same few labels recur in every prompt
            self._cards[key] = self.library.get(label, regime)
        return self._cards[key]

    def _draft_from(self, checked: Checked, shown: list[Candidate], candidates: list[Candidate],
                    fallback: Draft) -> Draft:
        """The model's answer made a draft, within the outcomes the precedent drafter ranked.

        With ranked options, the model's wording goes into the option it chose; it becomes the draft
        only when that is the top option. A choice outside the options leaves the precedent draft in
        place and keeps the model's answer as an alternative. `proposed` is never raised by the model.
        """
        known = {e.precedent_id: e for e in _evidence_pool(fallback)}
        by_id = {c.hit.id: c for c in shown}
        evidence = tuple(known.get(pid) or _evidence(by_id[pid]) for pid in checked.precedent_ids)
        warnings = [w for w in fallback.warnings if w.kind is WarningKind.NO_PRECEDENT]
        if not evidence:
            warnings.append(DraftWarning(WarningKind.MODEL_UNCITED, "the model cited no precedent: check this answer "
                                                                    "by hand"))
        stale = [e for e in evidence if "stale" in e.flags]
        if stale:
            warnings.append(DraftWarning(WarningKind.STALE_PRECEDENT,
                                         f"rests on an old precedent ({stale[0].reference or 'no reference'}, "
                                         f"{stale[0].date}): check it still holds"))
        warnings += consistency_warnings(checked.disposition, candidates)
        same = checked.disposition is fallback.disposition
        note = f"drafted by the language model ({self.name})" + (f": {checked.rationale}" if checked.rationale
                                                                 else "")
        chosen = next((i for i, o in enumerate(fallback.options) if o.disposition is checked.disposition), None)
        if fallback.options and chosen is None:
            model_draft = Alternative(checked.disposition, checked.exemptions, checked.wording,
                                      evidence[0] if evidence else None)
            return replace(fallback, alternatives=(model_draft, *fallback.alternatives)[:4], warnings=(
                DraftWarning(WarningKind.NOTE, f"the language model chose {checked.disposition.label}, which is not "
                                               "among the ranked options: its wording is alternative 1"),
                *fallback.warnings))
        options = _worded(fallback.options, checked, evidence)
        if chosen:  # a lower option: the ranking stands, that option gets the model's wording
            return replace(fallback, options=options,
                           note=f"{fallback.note}; option {chosen + 1} worded by the language model ({self.name})",
                           warnings=(*fallback.warnings, DraftWarning(
                               WarningKind.NOTE, f"the language model preferred option {chosen + 1} "
                                                 f"({checked.disposition.label}); its wording is in that option")))
        precedent_draft = Alternative(fallback.disposition, fallback.exemptions, fallback.wording,
                                      fallback.precedents[0] if fallback.precedents else None)
        return Draft(
            disposition=checked.disposition, exemptions=checked.exemptions, wording=checked.wording,
            confidence=fallback.confidence if same else round(fallback.confidence / 2, 2),
            precedents=evidence, warnings=tuple(warnings),
            alternatives=(precedent_draft, *fallback.alternatives)[:4], advice=fallback.advice, note=note,
            proposed=fallback.proposed and same, options=options, cues=fallback.cues,
            basis=fallback.basis if same else "",
        )


class _RawReply(BaseCallbackHandler):
    """Catches the model's whole message as the chat model finishes, before any parser sees it."""

    def __init__(self) -> None:
        self.message: BaseMessage | None = None

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        generation = response.generations[0][0] if response.generations and response.generations[0] else None
        message = getattr(generation, "message", None)
        if isinstance(message, BaseMessage):
            self.message = message


def _answer_text(message: BaseMessage | None) -> str:
    """The answer's JSON as the model wrote it: tool-call arguments where it called the schema's tool."""
    if message is None:
        return ""
    if isinstance(message, AIMessageChunk) and message.tool_call_chunks:
        return message.tool_call_chunks[0].get("args") or ""  # the streamed text, not a lenient parse of it
    if isinstance(message, AIMessage):
        if message.tool_calls:
            return json.dumps(message.tool_calls[0]["args"])
        if message.invalid_tool_calls:
            return message.invalid_tool_calls[0].get("args") or ""
    return message.text


def _worded(options: Sequence[Option], checked: Checked, evidence: Sequence[Evidence]) -> tuple[Option, ...]:
    """The options with the model's wording (and exemptions) in the one it chose."""
    return tuple(replace(o, exemptions=checked.exemptions, wording=checked.wording, evidence=tuple(evidence) or
                         o.evidence) if o.disposition is checked.disposition else o for o in options)


def _options_text(draft: Draft) -> str:
    if not draft.options:
        return "none ranked"
    lines = [f"{i}. {o.disposition.value} (probability {o.probability:.2f}; exemptions "
             f"{', '.join(o.exemptions) or 'none'})" for i, o in enumerate(draft.options, start=1)]
    if draft.proposed:
        lines.append(f"foibot proposes {draft.disposition.value}" + (f" ({draft.basis})" if draft.basis else ""))
    else:
        lines.append("foibot proposes none of them: the caseworker decides")
    return "\n".join(lines)


def _cues_text(cues: Sequence[Cue], fence: str, requester: Requester) -> str:
    if not cues:
        return "none"
    body = "\n".join(f"- {cue.kind.value}: {cue.reason}" for cue in cues)
    return f"<untrusted-{fence}>\n{_fenced(body, fence, requester)}\n</untrusted-{fence}>"


def partial_wording(text: str) -> str:
    """The value of "wording" in a JSON object still being written, decoded as far as it goes."""
    start = text.find('"wording"')
    if start < 0:
        return ""
    colon = text.find(":", start + 9)
    quote = text.find('"', colon + 1) if colon >= 0 else -1
    if quote < 0 or text[colon + 1 : quote].strip():
        return ""
    out: list[str] = []
    index = quote + 1
    escapes = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", '"': '"', "\\": "\\", "/": "/"}
    while index < len(text):
        char = text[index]
        if char == '"':
            break
        if char == "\\":
            if index + 1 >= len(text):
                break
            code = text[index + 1]
            if code == "u":
                digits = text[index + 2 : index + 6]
                if len(digits) < 4:
                    break
                with contextlib.suppress(ValueError):
                    out.append(chr(int(digits, 16)))
                index += 6
                continue
            out.append(escapes.get(code, code))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _notify(on_text: Callable[[str], None], wording: str) -> None:
    try:
        on_text(wording)
    except Exception as error:  # showing progress must never cost the draft
        log.warning("progress callback failed: %s", type(error).__name__)


def _describe(error: Exception) -> str:
    name = type(error).__name__
    if "timeout" in name.lower() or "timed out" in str(error).lower():
        return "the model timed out"
    detail = " ".join(str(error).split())[:120]
    return f"the model failed ({name}{': ' + detail if detail else ''})"


def _fenced(text: str, fence: str, requester: Requester) -> str:
    """Untrusted text made safe to put between the fence markers: redacted, and unable to close them."""
    return for_model(text, requester).replace(fence, "").replace("untrusted-", "untrusted_")


def _precedent(candidate: Candidate, fence: str, requester: Requester) -> str:
    hit = candidate.hit
    return render(
        "llm/precedent.md", id=hit.id, reference=hit.reference or "none", date=hit.date or "undated",
        disposition=hit.disposition, exemptions=", ".join(hit.exemptions) or "none", score=f"{hit.score:.2f}",
        fence=fence, question=_fenced(hit.question, fence, requester),
        answer=_fenced(hit.answer[:_ANSWER_CHARS], fence, requester),
    ).strip()


def _evidence_text(evidence: Evidence, fence: str, requester: Requester) -> str:
    return render(
        "llm/precedent.md", id=evidence.precedent_id, reference=evidence.reference or "none",
        date=evidence.date or "undated", disposition=evidence.disposition,
        exemptions=", ".join(evidence.exemptions) or "none", score=f"{evidence.score:.2f}", fence=fence,
        question=_fenced(evidence.question, fence, requester),
        answer=_fenced(evidence.answer[:_ANSWER_CHARS], fence, requester),
    ).strip()


def _card(card: ExemptionCard) -> str:
    return render(
        "llm/card.md", section=card.section, title=card.title,
        absolute_or_qualified="absolute" if card.absolute else "qualified", test=card.test,
        ncnd=card.ncnd or "none", summary=card.summary, model_wording=card.model_wording,
    ).strip()


def _evidence_pool(draft: Draft) -> list[Evidence]:
    pool: dict[str, Evidence] = {}
    for evidence in (*draft.precedents, *(a.evidence for a in draft.alternatives if a.evidence)):
        if evidence.precedent_id and evidence.precedent_id not in pool:
            pool[evidence.precedent_id] = evidence
    return list(pool.values())


def _evidence(candidate: Candidate) -> Evidence:
    hit = candidate.hit
    return Evidence(reference=hit.reference, date=hit.date, score=round(hit.score, 4), disposition=hit.disposition,
                    exemptions=hit.exemptions, question=hit.question, answer=hit.answer, source=hit.source,
                    precedent_id=hit.id)
