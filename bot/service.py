"""The drafting core's one entry point: open a case, refine it, approve or reopen it, assemble its letter.

The CLI and the Slack adapter both call this; it never renders anything for a surface. Every
change to a case is typed (`bot.refinement.Edit`), recorded as a new version with who made it,
when and what it undoes, and lands on the question it names by id, whatever was split, merged,
added or removed since.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.cases import CaseChange, CaseError, CaseStore
from bot.clock import deadlines
from bot.cues import question_cues, request_stance
from bot.drafting import (
    Candidate,
    Drafter,
    DraftingPolicy,
    consistency_warnings,
    in_request_context,
    is_own_precedent,
)
from bot.letter import Letter, LetterOptions, OwnReasoning, assemble_letter
from bot.models import (
    BOT,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseQuestion,
    CaseStatus,
    Cue,
    Draft,
    DraftWarning,
    EditKind,
    Evidence,
    OpeningStance,
    Requester,
    StanceDecision,
    WarningKind,
    authority_kind,
)
from bot.refinement import HELP, Edit, RefinementError, describe, parse_instruction, same_section
from bot.splitting import split_request_detailed
from bot.templates import render
from knowledge.citations import section_key
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, ParsedDocument, Precedent, Regime, SourceDocument
from knowledge.personal_data import redact, redact_people
from knowledge.reading.metadata import request_regime
from knowledge.refresh import Ledger, Refresher, RefreshSummary, refresh_lock
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore, Reasoning, SearchHit, StoreError

if TYPE_CHECKING:
    from bot.llm.drafter import LLMDrafter, Progress

_ENGLISH = frozenset((
    "the of and to a in is that for it as was with be by on not he i this are or his from at which but "
    "have an they you were her all she there would their we him been has when who will more no if out so "
    "said what up its about than into them can only other new some could time these two may then do first "
    "any my now such like our over how many much please provide information request held "
).split())
_STRUCTURAL = frozenset({EditKind.ADDED, EditKind.SPLIT, EditKind.MERGED, EditKind.MERGED_AWAY, EditKind.REMOVED,
                         EditKind.RESTORED})
_CASE_LEVEL = frozenset({EditKind.STANCE_ACCEPT, EditKind.STANCE_DROP, EditKind.CASEWORKER})


class DraftError(Exception):
    """A request that cannot be drafted; the message is one line."""


class ApprovalRefused(CaseError):
    """Approval asked for while questions (or the opening stance) are undecided, with no override."""

    def __init__(self, reference: str, undecided: Sequence[CaseQuestion], stance: bool) -> None:
        super().__init__(reference)
        self.reference = reference
        self.undecided = tuple(undecided)
        self.stance = stance

    def __str__(self) -> str:
        parts = [f"Q{question.number}" for question in self.undecided]
        if self.stance:
            parts.append("the opening stance")
        return (f"case {self.reference} is not approved: nobody has accepted or edited {', '.join(parts)}. "
                "Accept or edit each (`accept Q2`), or approve with an override and its reason")


@dataclass(frozen=True)
class Refinement:
    """The case after a refinement, and what changed."""

    case: Case
    changes: tuple[tuple[int, str], ...]
    """(question id, what changed); question 0 is the case as a whole."""
    added: tuple[int, ...] = ()
    """Questions that did not exist before (added, or split off)."""
    restructured: bool = False
    """Whether questions were added, split, merged, removed or restored (the list of questions changed)."""


class CaseService:
    """Cases from requests, drafted from precedents and refined by caseworkers."""

    def __init__(self, settings: Settings, store: KnowledgeStore, embeddings: SentenceEmbeddings,
                 library: ExemptionLibrary, cases: CaseStore, llm: LLMDrafter | None = None) -> None:
        self.settings = settings
        self.llm = llm
        """The optional language-model drafter; None drafts from precedents only."""
        self.store = store
        self.embeddings = embeddings
        self.library = library
        self.cases = cases
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._own_regime: Regime | None = None
        self.drafter = Drafter(store, embeddings, library, DraftingPolicy(
            authority=settings.authority, min_similarity=settings.min_similarity,
            max_age_years=settings.precedent_max_age_years, central_government=settings.central_government,
        ))

    @contextlib.contextmanager
    def _case_lock(self, reference: str) -> Iterator[None]:
        """One change to a case at a time: two refinements must not both start from one version."""
        with self._locks_guard:
            lock = self._locks.setdefault(reference, threading.Lock())
        with lock:
            yield

    # --- opening a case --------------------------------------------------------------------------

    def open_case(self, text: str, received: date | None = None, regime: Regime | None = None,
                  author: str = "", channel: str = "", thread_ts: str = "", caseworker: str = "",
                  on_questions: Callable[[list[str]], None] | None = None, on_text: Progress | None = None,
                  reference: str | None = None) -> Case:
        """Redact, split, draft every question and store the case (all or nothing).

        `author` is who asked for the case (the drafts are the bot's). `on_questions` hears the
        split questions before drafting starts, and `on_text` each question's wording as a
        language model writes it (for surfaces that stream). `reference` is the authority's own
        case reference; by default the next FOI-YYYY-NNNN.
        """
        if "\x00" in text:
            raise DraftError("the request is binary data, not text")
        if len(text) > self.settings.max_request_chars:
            raise DraftError(f"the request is {len(text):,} characters; the limit is "
                             f"{self.settings.max_request_chars:,} (FOIBOT_MAX_REQUEST_CHARS)")
        if not text.strip():
            raise DraftError("the request is empty")
        received = received or date.today()
        redacted = redact(text)
        split = split_request_detailed(redacted.text)
        questions = list(split.questions)
        if not questions:
            raise DraftError("the request has no text to draft from")
        warnings = []
        if regime is None:
            default, why = self._usual_regime()
            regime, reason = request_regime(redacted.text, questions, default)
            if reason or why:
                warnings.append(DraftWarning(WarningKind.REGIME, reason or why))
        if not _looks_english(redacted.text):
            warnings.append(DraftWarning(WarningKind.NOT_ENGLISH,
                                         "the request may not be in English: the drafts come from English "
                                         "precedents, so check each one (or ask for a translation)"))
        if len(questions) == 1 and "?" not in questions[0] and not re.search(r"(?i)please|request|copy|details",
                                                                               questions[0]):
            warnings.append(DraftWarning(WarningKind.NO_QUESTION,
                                         "nothing in the request reads as a question: drafted as one question"))
        if on_questions is not None:
            on_questions(questions)
        drafts, stance = self.draft_request(questions, regime, requester=redacted.requester, on_text=on_text)
        clock = deadlines(received, regime)
        reference = reference or self.cases.next_reference()
        now = _now()
        case = Case(
            reference=reference, received=received, regime=regime, due_date=clock.due,
            request_text=redacted.text, requester=redacted.requester,
            questions=[CaseQuestion(number, question, [replace(draft, author=BOT, created_at=now,
                                                               edit=EditKind.DRAFTED)], position=number)
                       for number, (question, draft) in enumerate(zip(questions, drafts, strict=True), start=1)],
            extended_due_date=clock.extended_due, slack_channel=channel, slack_thread_ts=thread_ts,
            created_at=now, warnings=warnings, left_out=list(split.left_out), opened_by=author,
            caseworker=caseworker, stance=stance,
        )
        return self.cases.create(case)

    def _usual_regime(self) -> tuple[Regime, str]:
        """The regime new requests default to, and why when it is not the configured one.

        FOIBOT_DEFAULT_REGIME decides when it is set; otherwise, where at least two thirds of the
        authority's own past answers in the store were under one regime (a Scottish council's under
        FOISA), that one.
        """
        configured = Regime(self.settings.default_regime)
        if "default_regime" in self.settings.model_fields_set or not self.settings.authority:
            return configured, ""
        if self._own_regime is None:
            found: dict[str, int] = {}
            with contextlib.suppress(StoreError, AttributeError):
                for name, counts in (self.store.counts().get("regimes_by_authority") or {}).items():
                    if name and is_own_precedent(self.settings.authority, name):
                        for value, count in counts.items():
                            found[value] = found.get(value, 0) + count
            total = sum(found.values())
            usual = max(found, key=lambda name: found[name], default="")
            self._own_regime = Regime(usual) if total >= 3 and usual in Regime.__members__.values() and \
                3 * found[usual] >= 2 * total else configured
        if self._own_regime is configured:
            return configured, ""
        return self._own_regime, (f"handled under {self._own_regime.value.upper()}: the authority's own past answers "
                                  "in the store are (set FOIBOT_DEFAULT_REGIME to choose)")

    def draft_questions(self, questions: list[str], regime: Regime, exclude_source: str | None = None,
                        requester: Requester | None = None, on_text: Progress | None = None) -> list[Draft]:
        """Drafts for questions, without storing anything (evaluation uses this directly)."""
        return self.draft_request(questions, regime, exclude_source, requester, on_text)[0]

    def draft_request(self, questions: list[str], regime: Regime, exclude_source: str | None = None,
                      requester: Requester | None = None, on_text: Progress | None = None,
                      ) -> tuple[list[Draft], OpeningStance | None]:
        """Drafts for a request's questions, and the stance the authority's precedents take across it."""
        exclude = self._pending_ids()
        vectors = in_request_context(questions, self.embeddings.embed_array(questions))
        retrieved = self.drafter.retrieve(questions, exclude, exclude_source, vectors)
        drafts = []
        all_cues = []
        for question, candidates, vector in zip(questions, retrieved, vectors, strict=True):
            cues = self.question_cues(question, regime, candidates)
            all_cues.append(cues)
            sections = [*(e for c in candidates for e in c.hit.exemptions), *(s for cue in cues for s in cue.sections)]
            reasoning = self.drafter.retrieve_reasoning(vector, sections, exclude_source)
            drafts.append(self.drafter.draft(question, candidates, regime, cues, reasoning))
        stance = request_stance(all_cues, retrieved, authority=self.settings.authority)
        if self.llm is None:
            return drafts, stance
        return self.llm.draft_all(questions, retrieved, regime, drafts, requester, on_text), stance

    def question_cues(self, question: str, regime: Regime, candidates: list[Candidate]) -> tuple[Cue, ...]:
        """What the question itself says about its outcome (personal data, cost, published, repeats)."""
        kind = authority_kind(self.settings.authority_kind, central_government=self.settings.central_government,
                              authority=self.settings.authority)
        return question_cues(question, regime, kind, candidates, authority=self.settings.authority)

    # --- refining ----------------------------------------------------------------------------------

    def refine(self, reference: str, instruction: str, author: str, author_name: str = "") -> Refinement:
        """Apply an instruction to a case, each change a new version; RefinementError says what it understood."""
        with self._case_lock(reference):
            case = self._open(reference)
            try:
                edits = parse_instruction(instruction, case.regime, self.library)
            except RefinementError:
                if self.llm is None:
                    raise
                return self._refine_freely(case, instruction, author, author_name)
            return self._apply_all(case, edits, author, author_name)

    def apply(self, reference: str, edits: Sequence[Edit], author: str, author_name: str = "") -> Refinement:
        """Apply typed edits (a button press carries one) exactly as `refine` would."""
        with self._case_lock(reference):
            return self._apply_all(self._open(reference), list(edits), author, author_name)

    def _open(self, reference: str) -> Case:
        case = self.cases.get(reference)
        if case.status is not CaseStatus.OPEN:
            raise RefinementError(f"case {reference} is {case.status.value}; reopen it to change it "
                                  f"(`reopen` in its thread, or `foibot reopen {reference}`)")
        return case

    def _apply_all(self, case: Case, edits: list[Edit], author: str, author_name: str) -> Refinement:
        edits = self._expanded(case, edits)
        self._check_targets(case, edits)
        changes: list[tuple[int, str]] = []
        added: list[int] = []
        restructured = False
        for edit in edits:
            stamp = _Stamp(author, author_name, _now())
            if edit.kind in _CASE_LEVEL:
                case = self._case_edit(case, edit, stamp)
                changes.append((0, describe(edit)))
            elif edit.kind in _STRUCTURAL:
                case, new = self._restructure(case, edit, stamp)
                added += new
                restructured = True
                changes.append((edit.question or (new[0] if new else 0), describe(edit)))
                changes += [(number, f"merged into Q{edit.question}") for number in edit.questions
                            if edit.kind is EditKind.MERGED and number != edit.question]
            else:
                question = case.question(edit.question)
                draft = self._revise(case, question, edit)
                case = self.cases.commit(case.reference, CaseChange(versions=((edit.question, stamp.on(
                    draft, edit.kind, describe(edit))),)))
                changes.append((edit.question, describe(edit)))
        return Refinement(case, tuple(changes), tuple(added), restructured)

    @staticmethod
    def _expanded(case: Case, edits: list[Edit]) -> list[Edit]:
        """"accept all" as one accept per question not yet decided, and the opening stance if it is undecided."""
        out: list[Edit] = []
        for edit in edits:
            if edit.kind is EditKind.ACCEPTED and edit.question == 0:
                out += [Edit(q.number, EditKind.ACCEPTED) for q in case.questions if not q.decided]
                if case.stance_undecided:
                    out.append(Edit(0, EditKind.STANCE_ACCEPT))
            else:
                out.append(edit)
        return out

    @staticmethod
    def _check_targets(case: Case, edits: list[Edit]) -> None:
        """Every question an instruction names exists, before anything is written."""
        known = [q.number for q in case.questions]
        for edit in edits:
            for number in (edit.question, *edit.questions):
                if number == 0:
                    continue
                try:
                    question = case.question(number)
                except KeyError:
                    listed = ", ".join(f"Q{n}" for n in known)
                    raise RefinementError(f"case {case.reference} has no question {number} (its questions are "
                                          f"{listed}; `add: <text>` adds one)") from None
                if question.removed and edit.kind is not EditKind.RESTORED:
                    raise RefinementError(f"Q{number} was removed from case {case.reference}; "
                                          f"`restore Q{number}` brings it back")

    def _revise(self, case: Case, question: CaseQuestion, edit: Edit) -> Draft:
        """The new draft one edit of one question's draft makes (its record of the edit is added later)."""
        current = question.draft
        requester = case.requester
        if edit.kind is EditKind.UNDO:
            target = _undo_target(question)
            return replace(question.versions[target - 2], undoes=target)
        if edit.kind is EditKind.ACCEPTED:
            return current
        # Caseworkers' own words are stored too: the requester's details never are.
        if edit.kind is EditKind.WORDING:
            wording = redact(edit.text.strip(), requester, only_requester=True).text
            return _decided_wording(replace(current, wording=wording))
        if edit.kind is EditKind.SET_ADVICE:
            return replace(current, advice=redact(edit.text, requester, only_requester=True).text)
        if edit.kind is EditKind.REMOVE_ADVICE:
            return replace(current, advice="")
        if edit.kind is EditKind.ADD_ADVICE:
            return replace(current, advice=render(f"draft/advice_{case.regime.value}.md").strip())
        if edit.kind is EditKind.ALTERNATIVE:
            if not 1 <= edit.number <= len(current.alternatives):
                raise RefinementError(f"Q{edit.question} has {len(current.alternatives)} alternative(s)")
            chosen = current.alternatives[edit.number - 1]
            evidence = (chosen.evidence,) if chosen.evidence else current.precedents
            return self._with_guard(_decided_wording(replace(
                current, disposition=chosen.disposition, exemptions=chosen.exemptions, wording=chosen.wording,
                precedents=evidence)), current)
        if edit.kind is EditKind.OPTION:
            if not 1 <= edit.number <= len(current.options):
                raise RefinementError(f"Q{edit.question} has {len(current.options)} option(s)")
            option = current.options[edit.number - 1]
            return self._with_guard(_decided_wording(replace(
                current, disposition=option.disposition, exemptions=option.exemptions, wording=option.wording,
                precedents=option.evidence or current.precedents, advice=self._cost_advice(
                    case, option.disposition, current.advice))), current)
        if edit.kind is EditKind.REGENERATED:
            return self.draft_questions([question.text], case.regime)[0]
        return self._redisposed(case, question, edit)

    def _redisposed(self, case: Case, question: CaseQuestion, edit: Edit) -> Draft:
        """A new disposition or exemptions: the draft's own option for it when it has one, else composed."""
        current = question.draft
        exemptions = list(current.exemptions)
        disposition = current.disposition
        if edit.kind is EditKind.DISPOSITION and edit.disposition is not None:
            disposition = edit.disposition
            exemptions = list(edit.exemptions) if edit.exemptions or disposition != current.disposition else exemptions
        elif edit.kind is EditKind.ADD_EXEMPTIONS:
            exemptions += [e for e in edit.exemptions if not any(same_section(e, x) for x in exemptions)]
        elif edit.kind is EditKind.REMOVE_EXEMPTIONS:
            exemptions = [x for x in exemptions if not any(same_section(e, x) for e in edit.exemptions)]
        option = next((o for o in current.options if o.disposition is disposition), None)
        reasoning = self._reasoning(question.text, exemptions)
        if option is not None and edit.kind is EditKind.DISPOSITION:
            # "Q2 not held": the option the drafter already worded for that outcome, completed with any
            # exemption the caseworker named that it does not cite.
            chosen = exemptions if edit.exemptions else list(option.exemptions)
            missing = [e for e in chosen if not any(same_section(e, x) for x in option.exemptions)]
            extra = self.drafter.reasoning_wording(missing, question.text, case.regime, reasoning) if missing else ""
            wording = option.wording.strip() + (f"\n\n{extra}" if extra else "")
            precedents = option.evidence or current.precedents
            exemptions = chosen
        else:
            precedent = _matching_precedent(current, disposition, exemptions)
            wording = self.drafter.compose(question.text, disposition, exemptions, case.regime, precedent,
                                           reasoning=reasoning)
            precedents = current.precedents
        return self._with_guard(_decided_wording(replace(
            current, disposition=disposition, exemptions=tuple(exemptions), wording=wording, precedents=precedents,
            advice=self._cost_advice(case, disposition, current.advice))), current)

    def _reasoning(self, question: str, exemptions: Sequence[str]) -> dict[str, list[Reasoning]]:
        """The authority's reasoning for sections a caseworker chose, nearest the question."""
        if not exemptions:
            return {}
        try:
            return self.drafter.retrieve_reasoning(self.embeddings.embed_array([question])[0], list(exemptions))
        except StoreError:
            return {}  # the library's wording stands in

    @staticmethod
    def _cost_advice(case: Case, disposition: Disposition, advice: str) -> str:
        if disposition is Disposition.S12_COST and not advice:
            return render(f"draft/advice_{case.regime.value}.md").strip()
        return advice

    def _restructure(self, case: Case, edit: Edit, stamp: _Stamp) -> tuple[Case, list[int]]:
        """Add, split, merge, remove or restore questions; the case and the ids of new questions."""
        if edit.kind is EditKind.ADDED:
            return self._add(case, edit, stamp)
        if edit.kind is EditKind.SPLIT:
            return self._split(case, edit, stamp)
        question = case.question(edit.question)
        note = describe(edit)
        if edit.kind is EditKind.REMOVED:
            if len(case.questions) <= 1:
                raise RefinementError(f"Q{edit.question} is the case's only question; add another before removing it")
            change = CaseChange(versions=((edit.question, stamp.on(question.draft, EditKind.REMOVED, note)),))
            return self.cases.commit(case.reference, change), []
        if edit.kind is EditKind.RESTORED:
            if not question.removed:
                raise RefinementError(f"Q{edit.question} was not removed")
            change = CaseChange(versions=((edit.question, stamp.on(question.draft, EditKind.RESTORED, note)),))
            return self.cases.commit(case.reference, change), []
        # Merge: the first question keeps its id and takes the others' text; they step aside.
        others = [case.question(number) for number in edit.questions if number != edit.question]
        if not others:
            raise RefinementError("Say which questions to merge: `merge Q4 Q5` (Q5 joins Q4)")
        order = [q.number for q in case.questions]
        merged = sorted([question, *others], key=lambda q: order.index(q.number))
        text = " ".join(q.text for q in merged)
        draft = self.draft_questions([text], case.regime, requester=case.requester)[0]
        versions = [(question.number, stamp.on(draft, EditKind.MERGED, note))]
        versions += [(other.number, stamp.on(other.draft, EditKind.MERGED_AWAY, f"merged into Q{question.number}"))
                     for other in others]
        change = CaseChange(versions=tuple(versions), texts=((question.number, text),))
        return self.cases.commit(case.reference, change), []

    def _add(self, case: Case, edit: Edit, stamp: _Stamp) -> tuple[Case, list[int]]:
        text = " ".join(redact(edit.text, case.requester, only_requester=True).text.split())
        if not text:
            raise RefinementError("Say what to add: `add: <the question's text>`")
        number = case.next_number()
        draft = self.draft_questions([text], case.regime, requester=case.requester)[0]
        question = CaseQuestion(number, text, [stamp.on(draft, EditKind.ADDED, "question added")])
        left_out = tuple(item for item in case.left_out if not _same_text(item, text))
        order = (*_order(case), number)
        change = CaseChange(new_questions=(question,), order=order,
                            left_out=left_out if len(left_out) != len(case.left_out) else None)
        return self.cases.commit(case.reference, change), [number]

    def _split(self, case: Case, edit: Edit, stamp: _Stamp) -> tuple[Case, list[int]]:
        question = case.question(edit.question)
        parts = _parts(question.text, edit.text)
        if len(parts) < 2:
            where = f" at {edit.text!r}" if edit.text else ""
            raise RefinementError(f"Q{edit.question} cannot be split{where}: say where, with words from it "
                                  f"(`split Q{edit.question} at \"<words>\"`)")
        drafts = self.draft_questions(parts, case.regime, requester=case.requester)
        first = case.next_number()
        new = [CaseQuestion(first + index, part, [stamp.on(draft, EditKind.SPLIT, f"split from Q{question.number}")])
               for index, (part, draft) in enumerate(zip(parts[1:], drafts[1:], strict=True))]
        order = _order(case)
        at = order.index(question.number) + 1
        order[at:at] = [q.number for q in new]
        change = CaseChange(
            versions=((question.number, stamp.on(drafts[0], EditKind.SPLIT, describe(edit))),),
            new_questions=tuple(new), texts=((question.number, parts[0]),), order=tuple(order),
        )
        return self.cases.commit(case.reference, change), [q.number for q in new]

    def _case_edit(self, case: Case, edit: Edit, stamp: _Stamp) -> Case:
        if edit.kind is EditKind.CASEWORKER:
            return self.cases.commit(case.reference, CaseChange(caseworker=edit.text, event=CaseEvent(
                CaseEventKind.CASEWORKER_SET, stamp.author, stamp.at, stamp.name, detail=edit.text)))
        if case.stance is None:
            raise RefinementError(f"case {case.reference} has no opening stance to accept or drop")
        accepted = edit.kind is EditKind.STANCE_ACCEPT
        stance = replace(case.stance, decision=StanceDecision.ACCEPTED if accepted else StanceDecision.DROPPED)
        kind = CaseEventKind.STANCE_ACCEPTED if accepted else CaseEventKind.STANCE_DROPPED
        return self.cases.commit(case.reference, CaseChange(stance=stance, event=CaseEvent(
            kind, stamp.author, stamp.at, stamp.name)))

    def _refine_freely(self, case: Case, instruction: str, author: str, author_name: str) -> Refinement:
        """An instruction the grammar does not know, carried out by the language model, one question per call."""
        from bot.llm.drafter import REJECTED, LLMFailure

        assert self.llm is not None
        numbers = sorted({int(n) for n in re.findall(r"(?i)\bq(?:uestion)?\s*(\d{1,3})\b", instruction)})
        if not numbers and len(case.questions) == 1:
            numbers = [case.questions[0].number]
        if not numbers:
            raise RefinementError(f'Say which question to change ("make Q3 less formal"). {HELP}')
        self._check_targets(case, [Edit(number, EditKind.MODEL_REWRITE) for number in numbers])
        drafts: list[tuple[int, Draft]] = []
        for number in numbers:
            question = case.question(number)
            try:
                draft = self.llm.refine(question.text, number, question.draft, instruction, case.regime,
                                        case.requester)
            except LLMFailure as failure:
                raise RefinementError(f"Q{number}: {REJECTED}: {failure}; the draft is unchanged") from None
            drafts.append((number, self._with_guard(draft, question.draft)))
        said = redact(" ".join(instruction.split()), case.requester, only_requester=True).text
        note = f"rewritten by the language model: {said[:120]}"
        stamp = _Stamp(author, author_name, _now())
        case = self.cases.commit(case.reference, CaseChange(versions=tuple(
            (number, stamp.on(draft, EditKind.MODEL_REWRITE, note)) for number, draft in drafts)))
        return Refinement(case, tuple((number, note) for number, _ in drafts))

    def regenerate(self, reference: str, number: int, author: str, author_name: str = "") -> Case:
        """Draft one question again from the current knowledge base, as a new version."""
        return self.apply(reference, [Edit(number, EditKind.REGENERATED)], author, author_name).case

    # --- approval ------------------------------------------------------------------------------------

    def approve(self, reference: str, author: str, author_name: str = "", override: str = "") -> Case:
        """Mark a case answered and file its decided answers as precedents.

        Refused (ApprovalRefused) while a question or the opening stance is undecided, unless
        `override` gives a reason; the reason is recorded with the approval. Only decided
        questions are filed, with people's names taken out.
        """
        with self._case_lock(reference):
            case = self.cases.get(reference)
            if case.status is CaseStatus.ANSWERED:
                raise CaseError(f"case {reference} is already approved (`reopen` it to change it)")
            override = " ".join(override.split())
            if (case.undecided or case.stance_undecided) and not override:
                raise ApprovalRefused(reference, case.undecided, case.stance_undecided)
            filed = [q for q in case.questions if q.decided and not q.draft.placeholder and q.draft.wording.strip()]
            key = _filing_key(case.reference)
            count = self._file(case, filed, key) if filed else 0
            event = CaseEvent(CaseEventKind.APPROVED, author, _now(), author_name, override=override,
                              filed=tuple(q.number for q in filed), precedents=count)
            return self.cases.commit(reference, CaseChange(status=CaseStatus.ANSWERED, event=event))

    def _file(self, case: Case, questions: list[CaseQuestion], key: str) -> int:
        """Write the answers to the knowledge base; how many precedents it now holds from this case."""
        today = date.today().isoformat()
        precedents = tuple(
            Precedent(
                question=_for_filing(question.text, case.requester),
                answer=_for_filing(question.draft.wording, case.requester),
                disposition=question.draft.disposition, exemptions=question.draft.exemptions,
                reference=case.reference, date=today, authority=self.settings.authority, regime=case.regime,
                source=key, position=position,
            )
            for position, question in enumerate(questions)
        )
        document = ParsedDocument(
            source=SourceDocument(text=_for_filing(case.request_text, case.requester), source=key,
                                  reference=case.reference, date=today, authority=self.settings.authority,
                                  kind="case"),
            regime=case.regime, precedents=precedents,
        )
        with refresh_lock(self.settings.data_dir, wait=True):
            refresher = Refresher(self.settings, self.store, self.embeddings)
            try:
                refresher.ingest_parsed(key, [document])
            finally:
                refresher.close()
        return len(self.store.records_for(key))

    def reopen(self, reference: str, author: str, author_name: str = "") -> Case:
        """Open an approved case again and withdraw the precedents its approval filed."""
        with self._case_lock(reference):
            case = self.cases.get(reference)
            if case.status is CaseStatus.OPEN:
                raise CaseError(f"case {reference} is open already")
            key = _filing_key(reference)
            withdrawn = len(self.store.records_for(key))
            with refresh_lock(self.settings.data_dir, wait=True):
                refresher = Refresher(self.settings, self.store, self.embeddings)
                try:
                    refresher.forget([key], RefreshSummary())
                finally:
                    refresher.close()
            event = CaseEvent(CaseEventKind.REOPENED, author, _now(), author_name, precedents=withdrawn)
            return self.cases.commit(reference, CaseChange(status=CaseStatus.OPEN, event=event))

    # --- the letter ----------------------------------------------------------------------------------

    def letter(self, reference: str, requester_name: bool = False, caseworker_notes: bool = True) -> Letter:
        """The assembled response letter, with the check's findings.

        `requester_name` fills the salutation from the case record: for a letter that stays on
        the caseworker's machine, never for one shared in Slack. `caseworker_notes` adds each
        exemption card's guidance, bracketed (the check lists each note until it is left out).
        """
        case = self.cases.get(reference)
        settings = self.settings
        return assemble_letter(case, self.library, LetterOptions(
            authority=settings.authority, review_contact=settings.review_contact,
            caseworker=case.caseworker or settings.caseworker_name, central_government=settings.central_government,
            wording_dir=settings.letter_wording_dir, requester_name=case.requester.name if requester_name else "",
            caseworker_notes=caseworker_notes, own_reasoning=self._own_reasoning(case),
        ))

    def _own_reasoning(self, case: Case) -> dict[str, tuple[OwnReasoning, ...]]:
        """For each section the letter relies on, the authority's own reasoning nearest its questions."""
        asked: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for question in case.questions:
            for label in question.draft.exemptions:
                asked.setdefault(section_key(label), []).append(question.text)
                labels.setdefault(section_key(label), label)
        if not asked:
            return {}
        found: dict[str, tuple[OwnReasoning, ...]] = {}
        try:
            vectors = self.embeddings.embed_array([" ".join(texts) for texts in asked.values()])
            for (key, texts), vector in zip(asked.items(), vectors, strict=True):
                label = labels[key]
                retrieved = self.drafter.retrieve_reasoning(vector, [label])
                # Another authority's reasoning may shape a draft; the letter's reasons are the authority's own.
                own = self.drafter.reasoning_for(label, " ".join(texts), case.regime, retrieved, own_only=True)
                if own:
                    found[key] = tuple(OwnReasoning(item.kind, item.text, item.reference) for item in own)
        except StoreError:
            return {}  # the letter falls back to the library's reasoning
        return found

    # --- helpers ---------------------------------------------------------------------------------------

    def _with_guard(self, draft: Draft, before: Draft) -> Draft:
        """Re-run the consistency guard against everything the draft was based on."""
        context = [*before.precedents, *(a.evidence for a in before.alternatives if a.evidence)]
        candidates = [_candidate(e) for e in context]
        kept = [w for w in draft.warnings if w.kind is not WarningKind.CONSISTENCY]
        return replace(draft, warnings=(*kept, *consistency_warnings(draft.disposition, candidates)))

    def _pending_ids(self) -> frozenset[str]:
        if not self.settings.ledger_path.exists():
            return frozenset()
        ledger = Ledger(self.settings.ledger_path)
        try:
            return ledger.pending_ids()
        finally:
            ledger.close()


@dataclass(frozen=True)
class _Stamp:
    """Who made an edit and when, put on each version it writes."""

    author: str
    name: str
    at: str

    def on(self, draft: Draft, kind: EditKind, note: str) -> Draft:
        """The draft recorded as this person's edit of this kind."""
        return replace(draft, author=self.author, author_name=self.name, created_at=self.at, edit=kind, note=note,
                       undoes=draft.undoes if kind is EditKind.UNDO else 0)


def _undo_target(question: CaseQuestion) -> int:
    """The version (1-based) an undo takes back: the latest change not yet undone, since the last restructuring.

    Repeated undos keep stepping back; a split, merge or removal is not undone this way (restore
    brings a removed question back).
    """
    versions = question.versions
    undone = {version.undoes for version in versions if version.edit is EditKind.UNDO}
    for number in range(len(versions), 1, -1):
        version = versions[number - 1]
        if version.edit in _STRUCTURAL:
            break
        if version.edit is EditKind.UNDO or number in undone:
            continue
        return number
    raise RefinementError(f"Q{question.number} has no earlier change to undo")


def _same_text(left: str, right: str) -> bool:
    """Whether two passages are the same words, whatever the spacing, case or closing punctuation."""
    def words(text: str) -> str:
        return " ".join(text.split()).rstrip(".?!;: ").lower()
    return words(left) == words(right)


def _order(case: Case) -> list[int]:
    """Every question's id in the request's order, removed ones where they stood (restoring puts them back)."""
    everything = sorted((*case.questions, *case.removed), key=lambda q: (q.position, q.number))
    return [question.number for question in everything]


def _decided_wording(draft: Draft) -> Draft:
    """A person chose this wording: it is no longer the no-precedent placeholder."""
    return replace(draft, placeholder=False,
                   warnings=tuple(w for w in draft.warnings if w.kind is not WarningKind.NO_PRECEDENT))


def _parts(text: str, at: str) -> list[str]:
    """A question's text cut in two at `at`, or into the questions or sentences it holds."""
    if at:
        index = text.lower().find(at.lower())
        if index <= 0:
            return [text]
        return [part for part in (text[:index].strip(" ,;"), text[index:].strip()) if part]
    parts = list(split_request_detailed(text).questions)
    if len(parts) < 2:
        parts = [p.strip() for p in re.split(r"(?<=[.?!;])\s+(?=\S)", text) if p.strip()]
    return parts


def _for_filing(text: str, requester: Requester) -> str:
    """Text as it is filed in the searchable knowledge base: no requester details, no people's names."""
    return redact_people(redact(text, requester, only_requester=True).text)


def _filing_key(reference: str) -> str:
    return f"case:{reference}"


def _matching_precedent(draft: Draft, disposition: Disposition, exemptions: list[str]) -> Candidate | None:
    evidence = [*draft.precedents, *(a.evidence for a in draft.alternatives if a.evidence)]
    for item in evidence:
        if item.disposition == disposition.value and {e.split("(")[0] for e in item.exemptions} == \
                {e.split("(")[0] for e in exemptions}:
            return _candidate(item)
    return None


def _candidate(evidence: Evidence) -> Candidate:
    hit = SearchHit(
        id=evidence.precedent_id, score=evidence.score, question=evidence.question, answer=evidence.answer,
        disposition=evidence.disposition, exemptions=evidence.exemptions, reference=evidence.reference,
        date=evidence.date, authority="", regime="", source=evidence.source, request_stance="",
    )
    return Candidate(hit, evidence.score)


def _looks_english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 8:
        return True
    return sum(word in _ENGLISH for word in words) / len(words) >= 0.12


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build_case_service(settings: Settings, store: KnowledgeStore, embeddings: SentenceEmbeddings,
                       library: ExemptionLibrary, llm: LLMDrafter | None = None) -> CaseService:
    """The service over the configured case database."""
    return CaseService(settings, store, embeddings, library, CaseStore(settings.case_database_url), llm)
