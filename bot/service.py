"""The drafting core's one entry point: open a case, refine it, assemble its letter.

The CLI and the Slack adapter both call this; it never renders anything for a surface.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.cases import CaseStore
from bot.clock import deadlines
from bot.drafting import Candidate, Drafter, DraftingPolicy, consistency_warnings
from bot.letter import Letter, assemble_letter
from bot.models import Case, CaseQuestion, Draft, Evidence, Requester
from bot.refinement import HELP, Edit, RefinementError, describe, parse_instruction, same_section
from bot.splitting import split_request
from bot.templates import render
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, ParsedDocument, Precedent, Regime, SourceDocument
from knowledge.personal_data import redact
from knowledge.refresh import Ledger, Refresher, refresh_lock
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore, SearchHit

if TYPE_CHECKING:
    from bot.llm.drafter import LLMDrafter, Progress

_ENGLISH = frozenset((
    "the of and to a in is that for it as was with be by on not he i this are or his from at which but "
    "have an they you were her all she there would their we him been has when who will more no if out so "
    "said what up its about than into them can only other new some could time these two may then do first "
    "any my now such like our over how many much please provide information request held "
).split())


class DraftError(Exception):
    """A request that cannot be drafted; the message is one line."""


@dataclass(frozen=True)
class Refinement:
    """The case after a refinement, and what changed."""

    case: Case
    changes: tuple[tuple[int, str], ...]


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

    def open_case(self, text: str, received: date | None = None, regime: Regime | None = None,
                  author: str = "foibot", channel: str = "", thread_ts: str = "",
                  on_questions: Callable[[list[str]], None] | None = None, on_text: Progress | None = None,
                  reference: str | None = None) -> Case:
        """Redact, split, draft every question and store the case (all or nothing).

        `on_questions` hears the split questions before drafting starts, and `on_text` each
        question's wording as a language model writes it (for surfaces that stream).
        `reference` is the authority's own case reference; by default the next FOI-YYYY-NNNN.
        """
        if "\x00" in text:
            raise DraftError("the request is binary data, not text")
        if len(text) > self.settings.max_request_chars:
            raise DraftError(f"the request is {len(text):,} characters; the limit is "
                             f"{self.settings.max_request_chars:,} (FOIBOT_MAX_REQUEST_CHARS)")
        if not text.strip():
            raise DraftError("the request is empty")
        regime = regime or Regime(self.settings.default_regime)
        received = received or date.today()
        redacted = redact(text)
        questions = split_request(redacted.text)
        if not questions:
            raise DraftError("the request has no text to draft from")
        warnings = []
        if not _looks_english(redacted.text):
            warnings.append("the request may not be in English: the drafts come from English precedents, so "
                            "check each one (or ask for a translation)")
        if len(questions) == 1 and "?" not in questions[0] and not re.search(r"(?i)please|request|copy|details",
                                                                               questions[0]):
            warnings.append("nothing in the request reads as a question: drafted as one question")
        if on_questions is not None:
            on_questions(questions)
        drafts = self.draft_questions(questions, regime, requester=redacted.requester, on_text=on_text)
        clock = deadlines(received, regime)
        reference = reference or self.cases.next_reference()
        now = _now()
        case = Case(
            reference=reference, received=received, regime=regime, due_date=clock.due,
            request_text=redacted.text, requester=redacted.requester,
            questions=[CaseQuestion(number, question, [replace(draft, author=author, created_at=now)])
                       for number, (question, draft) in enumerate(zip(questions, drafts, strict=True), start=1)],
            extended_due_date=clock.extended_due, slack_channel=channel, slack_thread_ts=thread_ts,
            created_at=now, warnings=warnings,
        )
        return self.cases.create(case)

    def draft_questions(self, questions: list[str], regime: Regime, exclude_source: str | None = None,
                        requester: Requester | None = None, on_text: Progress | None = None) -> list[Draft]:
        """Drafts for questions, without storing anything (evaluation uses this directly)."""
        exclude = self._pending_ids()
        vectors = self.embeddings.embed_array(questions)
        retrieved = self.drafter.retrieve(questions, exclude, exclude_source, vectors)
        drafts = [self.drafter.draft(q, c, regime) for q, c in zip(questions, retrieved, strict=True)]
        if self.llm is None:
            return drafts
        return self.llm.draft_all(questions, retrieved, regime, drafts, requester, on_text)

    def refine(self, reference: str, instruction: str, author: str) -> Refinement:
        """Apply an instruction to a case's drafts, each change a new version."""
        with self._case_lock(reference):
            return self._refine(reference, instruction, author)

    def _refine(self, reference: str, instruction: str, author: str) -> Refinement:
        case = self.cases.get(reference)
        if case.status != "open":
            raise RefinementError(f"case {reference} is {case.status}; reopen it to change drafts")
        try:
            edits = parse_instruction(instruction, case.regime, self.library)
        except RefinementError:
            if self.llm is None:
                raise
            return self._refine_freely(case, instruction, author)
        changes: list[tuple[int, str]] = []
        for edit in edits:
            try:
                question = case.question(edit.question)
            except KeyError:
                raise RefinementError(f"case {reference} has no question {edit.question} "
                                      f"(it has {len(case.questions)})") from None
            draft = self._apply(case, question, edit)
            draft = replace(draft, author=author, created_at=_now(), note=describe(edit))
            case = self.cases.add_version(reference, edit.question, draft)
            changes.append((edit.question, describe(edit)))
        return Refinement(case, tuple(changes))

    def _refine_freely(self, case: Case, instruction: str, author: str) -> Refinement:
        """An instruction the grammar does not know, carried out by the language model, one question per call."""
        from bot.llm.drafter import REJECTED, LLMFailure

        assert self.llm is not None
        numbers = sorted({int(n) for n in re.findall(r"(?i)\bq(?:uestion)?\s*(\d{1,2})\b", instruction)})
        if not numbers and len(case.questions) == 1:
            numbers = [case.questions[0].number]
        if not numbers:
            raise RefinementError(f'Say which question to change ("make Q3 less formal"). {HELP}')
        drafts: list[tuple[int, Draft]] = []
        for number in numbers:
            try:
                question = case.question(number)
            except KeyError:
                raise RefinementError(f"case {case.reference} has no question {number} "
                                      f"(it has {len(case.questions)})") from None
            try:
                draft = self.llm.refine(question.text, number, question.draft, instruction, case.regime,
                                        case.requester)
            except LLMFailure as failure:
                raise RefinementError(f"Q{number}: {REJECTED}: {failure}; the draft is unchanged") from None
            drafts.append((number, self._with_guard(draft, question.draft)))
        said = redact(" ".join(instruction.split()), case.requester, only_requester=True).text
        note = f"rewritten by the language model: {said[:120]}"
        for number, draft in drafts:
            case = self.cases.add_version(case.reference, number,
                                          replace(draft, author=author, created_at=_now(), note=note))
        return Refinement(case, tuple((number, note) for number, _ in drafts))

    def regenerate(self, reference: str, number: int, author: str) -> Case:
        """Draft one question again from the current knowledge base, as a new version."""
        with self._case_lock(reference):
            return self._regenerate(reference, number, author)

    def _regenerate(self, reference: str, number: int, author: str) -> Case:
        case = self.cases.get(reference)
        if case.status != "open":
            raise RefinementError(f"case {reference} is {case.status}; reopen it to change drafts")
        try:
            question = case.question(number)
        except KeyError:
            raise RefinementError(f"case {reference} has no question {number}") from None
        draft = self.draft_questions([question.text], case.regime)[0]
        return self.cases.add_version(reference, number, replace(draft, author=author, created_at=_now(),
                                                                  note="regenerated from the knowledge base"))

    def approve(self, reference: str, author: str) -> Case:
        """Mark a case answered and teach the knowledge base its final answers."""
        with self._case_lock(reference):
            return self._approve(reference, author)

    def _approve(self, reference: str, author: str) -> Case:
        case = self.cases.get(reference)
        today = date.today().isoformat()
        precedents = tuple(
            Precedent(
                question=question.text, answer=redact(question.draft.wording, case.requester, only_requester=True).text,
                disposition=question.draft.disposition,
                exemptions=question.draft.exemptions, reference=case.reference, date=today,
                authority=self.settings.authority, regime=case.regime, source=f"case:{case.reference}",
                position=index,
            )
            for index, question in enumerate(case.questions)
            if question.draft.wording.strip() and not question.draft.wording.startswith("[No close precedent")
        )
        document = ParsedDocument(
            source=SourceDocument(text=case.request_text, source=f"case:{case.reference}", reference=case.reference,
                                  date=today, authority=self.settings.authority, kind="case"),
            regime=case.regime, precedents=precedents,
        )
        with refresh_lock(self.settings.data_dir, wait=True):
            refresher = Refresher(self.settings, self.store, self.embeddings)
            try:
                refresher.ingest_parsed(f"case:{case.reference}", [document])
            finally:
                refresher.close()
        return self.cases.set_status(reference, "answered")

    def letter(self, reference: str) -> Letter:
        """The assembled response letter, with the refusal-notice check's findings."""
        case = self.cases.get(reference)
        return assemble_letter(case, self.library, self.settings.authority or "[authority name]",
                               self.settings.review_contact, central_government=self.settings.central_government)

    def _apply(self, case: Case, question: CaseQuestion, edit: Edit) -> Draft:
        current = question.draft
        if edit.kind == "undo":
            return _undone(question)
        if edit.kind == "accept":
            return current
        # Caseworkers' own words are stored too: the requester's details never are.
        if edit.kind == "wording":
            return replace(current, wording=redact(edit.text.strip(), case.requester, only_requester=True).text)
        if edit.kind == "set_advice":
            return replace(current, advice=redact(edit.text, case.requester, only_requester=True).text)
        if edit.kind == "remove_advice":
            return replace(current, advice="")
        if edit.kind == "add_advice":
            return replace(current, advice=render(f"draft/advice_{case.regime.value}.md").strip())
        if edit.kind == "alternative":
            if not 1 <= edit.number <= len(current.alternatives):
                raise RefinementError(f"Q{edit.question} has {len(current.alternatives)} alternative(s)")
            chosen = current.alternatives[edit.number - 1]
            evidence = (chosen.evidence,) if chosen.evidence else current.precedents
            return self._with_guard(replace(current, disposition=chosen.disposition, exemptions=chosen.exemptions,
                                            wording=chosen.wording, precedents=evidence), current)
        exemptions = list(current.exemptions)
        disposition = current.disposition
        if edit.kind == "disposition" and edit.disposition is not None:
            disposition = edit.disposition
            exemptions = list(edit.exemptions) if edit.exemptions or disposition != current.disposition else exemptions
        elif edit.kind == "add_exemptions":
            exemptions += [e for e in edit.exemptions if not any(same_section(e, x) for x in exemptions)]
        elif edit.kind == "remove_exemptions":
            exemptions = [x for x in exemptions if not any(same_section(e, x) for e in edit.exemptions)]
        precedent = _matching_precedent(current, disposition, exemptions)
        wording = self.drafter.compose(question.text, disposition, exemptions, case.regime, precedent)
        advice = current.advice
        if disposition is Disposition.S12_COST and not advice:
            advice = render(f"draft/advice_{case.regime.value}.md").strip()
        return self._with_guard(replace(current, disposition=disposition, exemptions=tuple(exemptions),
                                        wording=wording, advice=advice), current)

    def _with_guard(self, draft: Draft, before: Draft) -> Draft:
        """Re-run the consistency guard against everything the draft was based on."""
        context = [*before.precedents, *(a.evidence for a in before.alternatives if a.evidence)]
        candidates = [_candidate(e) for e in context]
        kept = [w for w in draft.warnings if not w.startswith("consistency:")]
        return replace(draft, warnings=(*kept, *consistency_warnings(draft.disposition, candidates)))

    def _pending_ids(self) -> frozenset[str]:
        if not self.settings.ledger_path.exists():
            return frozenset()
        ledger = Ledger(self.settings.ledger_path)
        try:
            return ledger.pending_ids()
        finally:
            ledger.close()


def _undone(question: CaseQuestion) -> Draft:
    """The version before the last change not yet undone: repeated undos keep stepping back."""
    undone_note = describe(Edit(question.number, "undo"))
    versions = question.versions
    trailing = 0
    while trailing < len(versions) and versions[-1 - trailing].note == undone_note:
        trailing += 1
    changes = [index for index, version in enumerate(versions) if index > 0 and version.note != undone_note]
    if len(changes) <= trailing:
        raise RefinementError(f"Q{question.number} has no earlier change to undo")
    return versions[changes[-(trailing + 1)] - 1]


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

