"""The LLM drafter: one grounded, validated model call per question, the precedent draft as fallback.

For each question the model sees the statutory frame, the disposition labels, the
exemptions allowed under the regime, the cards of those the precedents rely on, the
retrieved precedents with their ids and the question, all redacted (bot/llm/privacy.py)
and with untrusted text fenced. Its JSON answer is validated (bot/llm/validation.py);
an invalid answer is sent back once with the errors, and if it is still invalid, or the
model fails or times out, the precedent drafter's draft is used with a visible warning.
Each call concerns one question and its answer can only become that question's draft.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from bot.drafting import Candidate, consistency_warnings, map_exemptions
from bot.llm.privacy import for_model
from bot.llm.validation import Checked, Frame, check_answer
from bot.models import Alternative, Draft, DraftWarning, Evidence, Requester, WarningKind
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


class LLMFailure(Exception):
    """The model gave no usable answer; the message is one line without personal data."""


class LLMDrafter:
    """Drafts and rewrites answers with a chat model, never trusting what it returns."""

    def __init__(self, model: BaseChatModel, library: ExemptionLibrary, name: str = "", timeout: float = 60.0,
                 concurrency: int = 8) -> None:
        self.model = model
        self.library = library
        self.name = name or type(model).__name__
        self.timeout = timeout
        self.concurrency = concurrency
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
            fence=fence, question=_fenced(question, fence, requester),
        )
        frame = Frame(regime, self.library, {c.hit.id for c in shown}, requester)
        try:
            checked = self._ask(self._messages(fence, prompt), frame, on_text)
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
        prompt = render(
            "llm/refine.md", **self._frame(regime, [*current.exemptions, *(x for e in evidence for x in e.exemptions)]),
            number=number, fence=fence, question=_fenced(question, fence, requester),
            precedents="\n\n".join(_evidence_text(e, fence, requester) for e in evidence) or "(none)",
            disposition=current.disposition.value, exemptions=", ".join(current.exemptions) or "none",
            wording=_fenced(current.wording, fence, requester),
            instruction=for_model(instruction, requester).replace("</instruction>", ""),
        )
        frame = Frame(regime, self.library, {e.precedent_id for e in evidence}, requester)
        checked = self._ask(self._messages(fence, prompt), frame, None)
        by_id = {e.precedent_id: e for e in evidence}
        cited = tuple(by_id[pid] for pid in checked.precedent_ids)
        kept = [w for w in current.warnings if w.kind not in (WarningKind.CONSISTENCY, WarningKind.MODEL_FALLBACK)]
        return replace(current, disposition=checked.disposition, exemptions=checked.exemptions,
                       wording=checked.wording, precedents=cited or current.precedents, warnings=tuple(kept))

    # --- the model call, validation and repair ----------------------------------------------------

    def _ask(self, messages: list[BaseMessage], frame: Frame, on_text: Callable[[str], None] | None) -> Checked:
        text = self._complete(messages, on_text)
        checked, errors = check_answer(text, frame)
        if checked is not None:
            return checked
        repair = [*messages, AIMessage(content=for_model(text[:12000], frame.requester)),
                  HumanMessage(content=render("llm/repair.md", errors="\n".join(f"- {e}" for e in errors)))]
        text = self._complete(repair, on_text)
        checked, errors = check_answer(text, frame)
        if checked is None:
            raise LLMFailure("; ".join(errors[:3]))
        return checked

    def _complete(self, messages: list[BaseMessage], on_text: Callable[[str], None] | None) -> str:
        """The model's reply, streamed so progress can be shown; bounded by the timeout."""
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
        precedent_draft = Alternative(fallback.disposition, fallback.exemptions, fallback.wording,
                                      fallback.precedents[0] if fallback.precedents else None)
        return Draft(
            disposition=checked.disposition, exemptions=checked.exemptions, wording=checked.wording,
            confidence=fallback.confidence if same else round(fallback.confidence / 2, 2),
            precedents=evidence, warnings=tuple(warnings),
            alternatives=(precedent_draft, *fallback.alternatives)[:4], advice=fallback.advice,
            note=f"drafted by the language model ({self.name})" + (f": {checked.rationale}" if checked.rationale
                                                                  else ""),
        )


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
