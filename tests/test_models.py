"""The typed case: who decided what, undo chains, removal, and warnings that carry their kind."""

from __future__ import annotations

from datetime import date

from bot.models import BOT, Case, CaseQuestion, CaseStatus, Draft, DraftWarning, EditKind, WarningKind
from knowledge.models import Disposition, Regime


def _draft(edit: EditKind = EditKind.DRAFTED, author: str = BOT, undoes: int = 0, **changes: object) -> Draft:
    return Draft(Disposition.DISCLOSED, (), "Wording.", 0.7, edit=edit, author=author, undoes=undoes,
                 **changes)  # type: ignore[arg-type]


def test_the_bots_draft_is_undecided_until_a_person_accepts_or_edits_it() -> None:
    question = CaseQuestion(1, "How many?", [_draft()])
    assert not question.decided
    question.versions.append(_draft(EditKind.REGENERATED, "U1"))
    assert not question.decided  # a person asked, but the words are the bot's
    question.versions.append(_draft(EditKind.ACCEPTED, "U1"))
    assert question.decided


def test_undoing_an_accept_makes_the_question_undecided_again() -> None:
    question = CaseQuestion(1, "How many?", [_draft(), _draft(EditKind.WORDING, "U1"), _draft(EditKind.ACCEPTED, "U2"),
                                             _draft(EditKind.UNDO, "U2", undoes=3)])
    assert question.decided  # back to U1's wording
    question.versions.append(_draft(EditKind.UNDO, "U2", undoes=2))
    assert not question.decided  # back to the bot's draft


def test_removing_and_restoring_keep_the_answer_and_its_decision() -> None:
    question = CaseQuestion(6, "Why?", [_draft(), _draft(EditKind.ACCEPTED, "U1"), _draft(EditKind.REMOVED, "U1")])
    assert question.removed
    assert question.decided
    question.versions.append(_draft(EditKind.RESTORED, "U1"))
    assert not question.removed
    assert question.decided


def test_a_case_numbers_its_letter_by_order_and_never_reuses_an_id() -> None:
    removed = CaseQuestion(1, "Gone?", [_draft(), _draft(EditKind.REMOVED, "U1")])
    case = Case("FOI-1", date(2025, 1, 6), Regime.FOIA, date(2025, 2, 3), "text",
                [CaseQuestion(3, "Third?", [_draft()]), CaseQuestion(2, "Second?", [_draft()])], removed=[removed])
    assert [case.letter_number(n) for n in (3, 2, 1)] == [1, 2, 0]
    assert case.next_number() == 4
    assert case.status is CaseStatus.OPEN
    assert [q.number for q in case.undecided] == [3, 2]


def test_warnings_are_text_with_a_kind_and_plain_text_becomes_a_note() -> None:
    warning = DraftWarning(WarningKind.CONSISTENCY, "consistency: this confirms what was NCND before")
    draft = _draft(warnings=(warning, "a drafter's plain warning"))
    assert draft.warned(WarningKind.CONSISTENCY)
    assert [w.kind for w in draft.warnings] == [WarningKind.CONSISTENCY, WarningKind.NOTE]
    assert draft.warnings[0] == "consistency: this confirms what was NCND before"
    assert warning.to_json() == {"kind": "consistency", "message": warning.message}
