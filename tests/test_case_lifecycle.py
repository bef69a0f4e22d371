"""A case from opening to filing, with the real model, Chroma and SQLite: stable ids, the gate, reopening."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.cases import CaseStore
from bot.models import (
    BOT,
    Case,
    CaseQuestion,
    CaseStatus,
    Draft,
    EditKind,
    OpeningStance,
    Option,
    StanceDecision,
)
from bot.refinement import RefinementError
from bot.service import ApprovalRefused, CaseService
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import load_library
from knowledge.models import Disposition, Regime
from knowledge.settings import Settings
from knowledge.store import PRECEDENTS, KnowledgeStore
from tests.conftest import SAMPLE_CORPUS, case_settings, ingest_samples

pytestmark = pytest.mark.slow
FOIBOT = str(Path(sys.executable).parent / "foibot")
FOUR = ("1. How many speed cameras are there?\n2. How many drones does the force own, and what did they cost?\n"
        "3. How many police vans are there?\n4. How many police bicycles are there?")


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: SentenceEmbeddings) -> Path:
    data = tmp_path_factory.mktemp("lifecycle-knowledge")
    ingest_samples(data, embeddings)
    return data


@pytest.fixture
def settings(knowledge_dir: Path, tmp_path: Path) -> Settings:
    return case_settings(knowledge_dir, tmp_path)


@pytest.fixture
def service(settings: Settings, embeddings: SentenceEmbeddings) -> Iterator[CaseService]:
    cases = CaseStore(settings.case_database_url)
    yield CaseService(settings, KnowledgeStore(settings), embeddings, load_library(), cases)
    cases.close()


def test_split_merge_add_and_remove_keep_each_questions_id_and_the_letter_renumbers(service: CaseService) -> None:
    case = service.open_case(FOUR)
    reference = case.reference
    assert [q.number for q in case.questions] == [1, 2, 3, 4]

    split = service.refine(reference, 'split Q2 at "and what"', "sam")
    assert split.added == (5,)
    assert [q.number for q in split.case.questions] == [1, 2, 5, 3, 4]
    assert split.case.question(2).text == "How many drones does the force own"
    assert split.case.question(5).text == "and what did they cost?"
    merging = service.refine(reference, "merge Q3 Q4", "sam")
    assert merging.changes == ((3, "merged with Q4"), (4, "merged into Q3"))
    merged = merging.case
    assert merged.question(3).text == "How many police vans are there? How many police bicycles are there?"
    assert [q.number for q in merged.removed] == [4]
    service.refine(reference, "remove Q1", "sam")
    added = service.refine(reference, "add: How many police boats are there?", "sam")
    assert added.added == (6,)

    # Instructions land on the question they name, whatever moved: Q5 is the letter's question 2.
    final = service.refine(reference, "Q5 not held", "kim").case
    assert final.question(5).draft.disposition is Disposition.NOT_HELD
    assert final.question(5).draft.author == "kim"
    assert [q.number for q in final.questions] == [2, 5, 3, 6]
    assert [final.letter_number(n) for n in (2, 5, 3, 6)] == [1, 2, 3, 4]
    with pytest.raises(RefinementError, match="Q4 was removed"):
        service.refine(reference, "Q4 not held", "kim")
    with pytest.raises(RefinementError, match="has no question 9"):
        service.refine(reference, "Q9 not held", "kim")
    letter = service.letter(reference)
    request = letter.section("Your request")
    assert request is not None
    assert "2. and what did they cost?" in request.paragraphs
    assert "4. How many police boats are there?" in request.paragraphs
    restored = service.refine(reference, "restore Q1", "kim").case
    assert restored.questions[0].number == 1


def test_each_version_records_its_edit_who_made_it_and_what_an_undo_takes_back(service: CaseService) -> None:
    case = service.open_case("How many speed cameras does the force run?")
    service.refine(case.reference, "Q1 not held with s16 advice", "U7", "Ann Example")
    question = service.refine(case.reference, "undo Q1", "U7", "Ann Example").case.question(1)

    assert [v.edit for v in question.versions] == [EditKind.DRAFTED, EditKind.DISPOSITION, EditKind.ADD_ADVICE,
                                                   EditKind.UNDO]
    assert question.versions[0].author == BOT
    assert question.versions[0].by == "foibot"
    assert question.versions[1].by == "Ann Example"
    assert question.versions[3].undoes == 3
    assert question.draft.advice == ""
    assert question.decided  # back to the caseworker's "not held", a decision


def test_approval_is_refused_while_questions_are_undecided_then_overridden_with_a_recorded_reason(
    service: CaseService, settings: Settings
) -> None:
    case = service.open_case("1. How many drones does the force own?\n2. How many police vans are there?")
    with pytest.raises(ApprovalRefused) as refused:
        service.approve(case.reference, "sam")
    assert [q.number for q in refused.value.undecided] == [1, 2]
    assert "Q1, Q2" in str(refused.value)
    assert service.cases.get(case.reference).status is CaseStatus.OPEN

    service.refine(case.reference, "accept Q1", "sam")
    approved = service.approve(case.reference, "sam", "Sam Example", override="Q2 answered by phone")
    assert approved.status is CaseStatus.ANSWERED
    assert approved.approval is not None
    assert approved.approval.override == "Q2 answered by phone"
    assert approved.approval.filed == (1,)
    assert approved.approval.precedents == 1
    assert len(KnowledgeStore(settings).records_for(f"case:{case.reference}")) == 1


def test_approval_files_no_third_party_names_and_says_how_many_it_filed(
    service: CaseService, settings: Settings
) -> None:
    case = service.open_case("1. Why did PC Amy Holloway stop drivers on the ring road in May?\n"
                             "2. How many drones does the force own?\n3. How many police vans are there?")
    service.refine(case.reference, "Q1: PC Amy Holloway was on a speed enforcement patrol.", "sam")
    service.refine(case.reference, "accept Q2", "sam")
    approved = service.approve(case.reference, "sam", override="Q3 left for the team lead")

    store = KnowledgeStore(settings)
    ids = store.records_for(f"case:{case.reference}")
    assert approved.approval is not None
    assert approved.approval.precedents == len(ids) == 2
    stored = store.collection(PRECEDENTS).get(ids=ids, include=["documents", "metadatas"])
    text = json.dumps(stored, ensure_ascii=False)
    assert "Holloway" not in text
    assert "Amy" not in text
    assert "PC [name]" in text


def test_reopening_withdraws_what_approval_filed_and_approval_can_file_again(
    service: CaseService, settings: Settings
) -> None:
    case = service.open_case("1. How many drones does the force own?\n2. How many police vans are there?")
    service.refine(case.reference, "accept all", "sam")
    service.approve(case.reference, "sam")
    store = KnowledgeStore(settings)
    assert len(store.records_for(f"case:{case.reference}")) == 2

    reopened = service.reopen(case.reference, "kim")
    assert reopened.status is CaseStatus.OPEN
    assert reopened.events[-1].precedents == 2
    assert store.records_for(f"case:{case.reference}") == []
    service.refine(case.reference, "Q2 not held", "kim")
    again = service.approve(case.reference, "kim")
    assert again.approval is not None
    assert again.approval.precedents == 2
    assert [event.kind.value for event in again.events if event.kind.value != "stance_accepted"] == [
        "approved", "reopened", "approved"]


def _case_with(service: CaseService, draft: Draft, stance: OpeningStance | None = None) -> Case:
    store = service.cases
    return store.create(Case(
        reference=store.next_reference(), received=date(2025, 3, 3), regime=Regime.FOIA, due_date=date(2025, 3, 31),
        request_text="Does the force hold the names of staff who bought drones?",
        questions=[CaseQuestion(1, "Does the force hold the names of staff who bought drones?", [draft])],
        stance=stance))


def test_a_caseworkers_disposition_uses_the_options_wording_completed_with_their_exemptions(
    service: CaseService,
) -> None:
    options = (Option(Disposition.NOT_HELD, 0.5, (), "The force holds no record of who bought its drones."),
               Option(Disposition.EXEMPT_WITHHELD, 0.3, ("s40(2)",), "The names are withheld under section 40(2)."))
    case = _case_with(service, Draft(Disposition.NOT_HELD, (), options[0].wording, 0.5, options=options))

    withheld = service.refine(case.reference, "Q1 exempt under s40(2) and s43(2)", "sam").case.question(1).draft
    assert withheld.wording.startswith("The names are withheld under section 40(2).")
    assert "section 43" in withheld.wording.lower() or "commercial" in withheld.wording.lower()
    assert withheld.exemptions == ("s40(2)", "s43(2)")
    not_held = service.refine(case.reference, "Q1 not held", "sam").case.question(1).draft
    assert not_held.wording == "The force holds no record of who bought its drones."


def test_an_offered_stance_must_be_accepted_or_dropped_before_approval(service: CaseService) -> None:
    stance = OpeningStance(Disposition.NCND, ("s23(5)", "s24(2)", "s31(3)"), ("FC-FOI-2023-0412",))
    draft = Draft(Disposition.NCND, ("s24(2)",), "We neither confirm nor deny.", 0.9)
    case = _case_with(service, draft, stance)
    service.refine(case.reference, "accept Q1", "sam")
    with pytest.raises(ApprovalRefused, match="the opening stance"):
        service.approve(case.reference, "sam")
    accepted = service.refine(case.reference, "accept stance", "sam").case
    assert accepted.stance is not None
    assert accepted.stance.decision is StanceDecision.ACCEPTED
    assert service.approve(case.reference, "sam").status is CaseStatus.ANSWERED


def _cli(*args: str, settings: Settings, stdin: str | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FOIBOT_DATA_DIR": str(settings.data_dir), "FOIBOT_DATABASE_URL": settings.case_database_url,
           "FOIBOT_AUTHORITY": "Fenmoor Constabulary", "HF_HUB_OFFLINE": "1", **extra}
    return subprocess.run([FOIBOT, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300,
                          check=False)


def test_cli_lists_the_questions_adds_left_out_text_and_gates_approval(settings: Settings) -> None:
    context = "I have followed the drone trials with interest, having seen one over the park last spring."
    drafted = _cli("draft", "-", settings=settings,
                   stdin=f"Dear Sir,\n\n{context}\n\nHow many drones does the force own?\n\nThank you.")
    assert drafted.returncode == 0, drafted.stderr
    assert "question(s), as split:" in drafted.stdout
    assert "Q1: How many drones does the force own?" in drafted.stdout
    assert "not treated as a question (1): I have followed the drone trials" in drafted.stdout
    reference = drafted.stdout.split()[1]

    added = _cli("refine", reference, f"add: {context}", "--json", settings=settings)
    assert added.returncode == 0, added.stderr
    result = json.loads(added.stdout)
    assert [q["id"] for q in result["questions"]] == [1, 2]
    assert result["left_out"] == []
    assert {"id", "proposed", "options", "cues", "disposition", "exemptions", "wording", "confidence",
            "precedents"} <= set(result["questions"][0])

    refused = _cli("approve", reference, settings=settings)
    assert refused.returncode == 1
    assert "Q1, Q2" in refused.stderr
    assert "Traceback" not in refused.stderr
    approved = _cli("approve", reference, "--override", "checked by phone", settings=settings)
    assert approved.returncode == 0, approved.stderr
    assert "0 answer(s) filed as precedents (override recorded: checked by phone)" in approved.stdout
    again = _cli("refine", reference, "Q1 not held", settings=settings)
    assert again.returncode == 2
    assert "reopen it" in again.stderr
    reopened = _cli("reopen", reference, settings=settings)
    assert reopened.returncode == 0, reopened.stderr
    assert "reopened" in reopened.stdout


def test_cli_letter_check_fails_while_anything_is_unfinished_and_names_it(settings: Settings) -> None:
    drafted = _cli("draft", str(SAMPLE_CORPUS.parent / "requests" / "request_01_fenmoor_body_worn_video.txt"),
                   "--json", settings=settings)
    case = json.loads(drafted.stdout)
    reference = case["case"]

    unfinished = _cli("letter", reference, "--check", settings=settings)
    assert unfinished.returncode == 1
    assert "[requester name] is not filled in" in unfinished.stderr
    assert "[caseworker name] is not filled in" in unfinished.stderr
    assert "FOIBOT_CASEWORKER_NAME" in unfinished.stderr
    assert "[review contact]" not in unfinished.stderr or "FOIBOT_REVIEW_CONTACT" in unfinished.stderr
    no_authority = _cli("letter", reference, "--check", settings=settings, FOIBOT_AUTHORITY="")
    assert "[authority name] is not filled in" in no_authority.stderr
    assert "set FOIBOT_AUTHORITY" in no_authority.stderr

    for question in case["questions"]:
        _cli("refine", reference, f"Q{question['id']}: The force holds no such record.", settings=settings)
    _cli("refine", reference, "caseworker: Sam Example", settings=settings)
    if case["stance"]:  # an opening stance the precedents offer is decided like any question
        assert "opening stance" in unfinished.stderr
        _cli("refine", reference, "drop stance", settings=settings)
    finished = _cli("letter", reference, "--check", "--no-notes", "--requester-name", settings=settings,
                    FOIBOT_REVIEW_CONTACT="reviews@fenmoor.example.org")
    assert finished.returncode == 0, finished.stderr
    assert "found nothing unfinished" in finished.stdout
