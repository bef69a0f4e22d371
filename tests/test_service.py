"""Integration: the drafting core end to end with the real model, real Chroma and SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest

from bot.cases import CaseStore
from bot.letter import write_docx
from bot.models import EditKind, WarningKind
from bot.refinement import RefinementError
from bot.service import CaseService, DraftError
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import load_library
from knowledge.models import Disposition, Regime
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore
from tests.conftest import SAMPLE_CORPUS, case_settings, ingest_samples

pytestmark = pytest.mark.slow
FOIBOT = str(Path(sys.executable).parent / "foibot")
REQUEST = SAMPLE_CORPUS.parent / "requests" / "request_01_fenmoor_body_worn_video.txt"


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: SentenceEmbeddings) -> Path:
    """A data folder with the sample corpus ingested once for the module."""
    data = tmp_path_factory.mktemp("knowledge")
    assert ingest_samples(data, embeddings).failed == []
    return data


@pytest.fixture
def settings(knowledge_dir: Path, tmp_path: Path) -> Settings:
    """Settings on the shared store with a fresh case database per test."""
    return case_settings(knowledge_dir, tmp_path)


@pytest.fixture
def service(settings: Settings, embeddings: SentenceEmbeddings) -> Iterator[CaseService]:
    """The case service as the CLI builds it."""
    cases = CaseStore(settings.case_database_url)
    yield CaseService(settings, KnowledgeStore(settings), embeddings, load_library(), cases)
    cases.close()


def test_request_is_split_redacted_drafted_and_stored(service: CaseService, settings: Settings) -> None:
    text = REQUEST.read_text(encoding="utf-8")
    case = service.open_case(text, received=date(2025, 3, 3), regime=Regime.FOIA, author="alex")

    # Four numbered questions, three lettered parts of Q2, two bullets and one prose question: nine, none lost.
    assert len(case.questions) == 9
    assert case.requester.name == "Oliver Penhaligon"
    assert case.requester.email == "oliver.penhaligon@example.org"
    for secret in ("Oliver", "Penhaligon", "oliver.penhaligon@example.org", "01632 960123", "Kestrel Way"):
        assert secret not in case.request_text
        assert all(secret not in q.text for q in case.questions)
    assert case.due_date == date(2025, 4, 1)  # St Patrick's Day (17 March) is a bank holiday in NI
    assert case.opened_by == "alex"
    for question in case.questions:
        draft = question.draft
        assert draft.author == "foibot"  # the first draft is the bot's, whoever asked for it
        assert draft.edit is EditKind.DRAFTED
        assert not question.decided
        assert draft.wording
        assert draft.precedents or any("no close precedent" in w for w in draft.warnings)
    stored = CaseStore(settings.case_database_url).get(case.reference)
    assert stored == case


def test_covert_question_is_drafted_as_ncnd_with_its_evidence(service: CaseService) -> None:
    case = service.open_case("Has the force used drones for covert surveillance of protest groups?",
                             received=date(2025, 5, 1))
    draft = case.questions[0].draft
    assert draft.disposition is Disposition.NCND
    assert {"s23(5)", "s24(2)", "s31(3)"} <= set(draft.exemptions)
    assert draft.precedents[0].reference == "FC-FOI-2023-0412"
    assert draft.precedents[0].score > 0.6
    assert 0 < draft.confidence <= 1


def test_refinements_are_versions_that_survive_a_restart(
    service: CaseService, settings: Settings, embeddings: SentenceEmbeddings
) -> None:
    case = service.open_case("1. How many speed cameras are there?\n2. How many drones does the force own?")
    reference = case.reference

    first = service.refine(reference, "Q1: ncnd s24(2) s31(3)", "sam")
    assert first.case.question(1).draft.disposition is Disposition.NCND
    assert first.case.question(1).draft.exemptions == ("s24(2)", "s31(3)")
    service.refine(reference, "Q1 add s16 advice", "sam")
    service.refine(reference, "Q2 not held", "kim")
    undone = service.refine(reference, "undo Q1", "kim")
    assert undone.case.question(1).draft.advice == ""
    assert undone.case.question(1).draft.disposition is Disposition.NCND

    restarted = CaseService(settings, KnowledgeStore(settings), embeddings, load_library(),
                            CaseStore(settings.case_database_url))
    again = restarted.cases.get(reference)
    assert [v.author for v in again.question(1).versions] == ["foibot", "sam", "sam", "kim"]
    assert [v.note for v in again.question(1).versions][1:] == [
        "disposition set to ncnd under s24(2), s31(3)", "added advice and assistance", "last change undone"]
    assert again.question(2).draft.disposition is Disposition.NOT_HELD
    restarted.refine(reference, "Q2: We hold no record of any drone purchases.", "kim")
    assert restarted.cases.get(reference).question(2).draft.wording == "We hold no record of any drone purchases."


def test_instruction_it_does_not_understand_lists_what_it_does(service: CaseService) -> None:
    case = service.open_case("How many parking fines were issued in 2024?")
    with pytest.raises(RefinementError, match="I understand"):
        service.refine(case.reference, "make it nicer please", "sam")
    with pytest.raises(RefinementError, match="s99"):
        service.refine(case.reference, "Q1 exempt s99", "sam")
    assert len(service.cases.get(case.reference).question(1).versions) == 1


def test_confirming_what_was_neither_confirmed_nor_denied_is_flagged(service: CaseService) -> None:
    case = service.open_case("Has the force used drones to carry out covert surveillance of people?")
    outcome = service.refine(case.reference, "Q1 disclosed", "sam")
    warnings = outcome.case.question(1).draft.warnings
    assert any(w.startswith("consistency:") and "FC-FOI-2023-0412" in w for w in warnings)


def test_letter_has_a_refusal_notice_and_opens_as_word(service: CaseService, tmp_path: Path) -> None:
    case = service.open_case("1. Has the force used drones for covert surveillance?\n"
                             "2. How many drones does the force own?", received=date(2025, 6, 2))
    service.refine(case.reference, "Q2: The force owns four drones.", "sam")
    letter = service.letter(case.reference)
    text = letter.markdown()
    assert "Refusal notice" in text
    assert "The force owns four drones." in text
    assert "Information Commissioner" in text
    path = tmp_path / "letter.docx"
    write_docx(letter, path)
    body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "The force owns four drones." in body
    assert case.requester.name == "" or case.requester.name not in body


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n  ", "empty"), ("x" * 200_000, "limit is 100,000"), ("abc\x00def", "binary")],
)
def test_bad_request_is_refused_and_nothing_is_stored(service: CaseService, text: str, message: str) -> None:
    before = len(service.cases.list_cases())
    with pytest.raises(DraftError, match=message):
        service.open_case(text)
    assert len(service.cases.list_cases()) == before


def test_request_with_nothing_question_like_is_one_question(service: CaseService) -> None:
    case = service.open_case("Dear FOI team,\n\nbody worn video footage retention\n\nRegards,\nA. Person")
    assert len(case.questions) == 1
    assert any("nothing in the request reads as a question" in w for w in case.warnings)


def test_non_english_request_gets_a_clear_warning(service: CaseService) -> None:
    case = service.open_case("Faint o gamerâu cyflymder sydd gan yr heddlu ar ffyrdd y sir ar hyn o bryd, "
                             "a faint o ddirwyon a roddwyd ganddynt yn ystod y flwyddyn ddiwethaf?")
    assert any("may not be in English" in w for w in case.warnings)


def test_due_dates_follow_the_statutory_clock(service: CaseService) -> None:
    case = service.open_case("How many potholes were repaired?", received=date(2024, 12, 20), regime=Regime.FOIA)
    assert case.due_date == date(2025, 1, 23)
    scottish = service.open_case("How many potholes were repaired?", received=date(2024, 7, 11),
                                 regime=Regime.FOISA)
    assert scottish.due_date == date(2024, 8, 9)
    assert scottish.extended_due_date is None


def _cli(*args: str, settings: Settings, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FOIBOT_DATA_DIR=str(settings.data_dir), FOIBOT_DATABASE_URL=settings.case_database_url,
               FOIBOT_AUTHORITY="Fenmoor Constabulary", HF_HUB_OFFLINE="1")
    return subprocess.run([FOIBOT, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300,
                          check=False)


def test_cli_draft_refine_letter_and_cases(settings: Settings, tmp_path: Path) -> None:
    drafted = _cli("draft", str(REQUEST), "--received", "2025-03-03", "--json", settings=settings)
    assert drafted.returncode == 0, drafted.stderr
    result = json.loads(drafted.stdout)
    assert set(result) >= {"case", "due_date", "questions"}
    assert result["due_date"] == "2025-04-01"
    first = result["questions"][0]
    assert set(first) >= {"question", "disposition", "exemptions", "confidence", "wording", "precedents", "warnings"}
    assert all(set(p) >= {"reference", "date", "score", "disposition"} for q in result["questions"]
               for p in q["precedents"])
    assert "Penhaligon" not in drafted.stdout

    refined = _cli("refine", result["case"], "Q2 not held", "--json", settings=settings)
    assert json.loads(refined.stdout)["questions"][1]["disposition"] == "not_held"
    unknown = _cli("refine", result["case"], "frobnicate", settings=settings)
    assert unknown.returncode == 2
    assert "I understand" in unknown.stderr

    path = tmp_path / "out.docx"
    letter = _cli("letter", result["case"], "--docx", str(path), settings=settings)
    assert letter.returncode == 0, letter.stderr
    assert "Your right to ask for a review" in letter.stdout or "review" in letter.stdout.lower()
    assert path.stat().st_size > 0

    listed = _cli("cases", "--json", settings=settings)
    assert result["case"] in [c["case"] for c in json.loads(listed.stdout)]

    piped = _cli("draft", "-", "--json", settings=settings, stdin="How many drones does the force own?")
    assert len(json.loads(piped.stdout)["questions"]) == 1


def test_cli_refuses_an_oversized_request_with_the_limit(settings: Settings) -> None:
    result = _cli("draft", "-", settings=settings, stdin="word " * 40_000)
    assert result.returncode == 2
    assert "limit is 100,000" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_repeated_undo_keeps_stepping_back(service: CaseService) -> None:
    case = service.open_case("How many speed cameras does the council run?")
    original = case.question(1).draft
    service.refine(case.reference, "Q1: ncnd s24(2)", "ann")
    service.refine(case.reference, "Q1 add s16 advice", "ann")
    once = service.refine(case.reference, "undo Q1", "ann").case.question(1).draft
    assert once.disposition is Disposition.NCND
    assert once.advice == ""
    twice = service.refine(case.reference, "undo Q1", "ann").case.question(1).draft
    assert twice.disposition is original.disposition
    assert twice.wording == original.wording
    with pytest.raises(RefinementError, match="no earlier change"):
        service.refine(case.reference, "undo Q1", "ann")


def test_refinements_of_one_case_at_once_lose_nothing(service: CaseService) -> None:
    from concurrent.futures import ThreadPoolExecutor

    case = service.open_case("1. How many drones does the force own?\n2. How many cameras?")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda text: service.refine(case.reference, text, "ann"),
                      ["Q1 add s31(1)(a)", "Q1 add s24(1)", "Q1 add s40(2)", "Q2 not held"]))
    stored = service.cases.get(case.reference)
    assert len(stored.question(1).versions) == 4
    # Each addition started from the version the previous one wrote: none was lost.
    assert {"s31", "s24", "s40"} <= {e.split("(")[0] for e in stored.question(1).draft.exemptions}


def test_a_withheld_answer_carries_the_authoritys_own_reasoning_into_the_draft_and_the_letter(
        service: CaseService) -> None:
    case = service.open_case("1. How many times has the force flown covert drones over the Greyford estate?")
    refined = service.refine(case.reference, "Q1 exempt under s31(1)(a)", "sam").case
    assert refined.question(1).draft.exemptions == ("s31(1)(a)",)

    letter = service.letter(case.reference)
    harm = next(section for section in letter.sections if section.heading.lower().startswith("harm test"))
    text = letter.markdown()
    # The force's own harm test from an earlier letter comes first, then the test as the Act frames it.
    assert len(harm.paragraphs) == 2
    assert "prevention and detection of crime" in harm.paragraphs[0]
    assert harm.paragraphs[1].startswith("Section 31(1)(a) is prejudice-based.")
    assert "adapted from its earlier answers (FC-FOI-" in text
    assert "check that it fits this case" in text
    # And the draft's own wording rests on the same reasoning, not only on the library's card.
    draft = service.cases.get(case.reference).question(1).draft
    assert "prevention and detection of crime" in draft.wording


def test_another_authoritys_reasoning_never_becomes_the_letters_reasons(
        service: CaseService, settings: Settings) -> None:
    other = CaseService(settings.model_copy(update={"authority": "Marsh Valley Police"}), service.store,
                        service.embeddings, service.library, service.cases)
    case = other.open_case("1. How many times has the force flown covert drones over the Greyford estate?")
    other.refine(case.reference, "Q1 exempt under s31(1)(a)", "sam")
    letter = other.letter(case.reference)
    harm = next(section for section in letter.sections if section.heading.lower().startswith("harm test"))
    assert len(harm.paragraphs) == 1
    assert "adapted from its earlier answers" not in letter.markdown()


def test_a_request_made_under_foisa_or_about_the_environment_takes_that_regime(service: CaseService) -> None:
    scottish = service.open_case("Under the Freedom of Information (Scotland) Act 2002, how many school crossing "
                                 "patrols does the council employ?")
    environmental = service.open_case("1. How many street trees did the council fell in 2024?\n"
                                      "2. How many noise complaints about the quarry were received in 2024?\n")
    mixed = service.open_case("1. How many parking fines were issued in 2024?\n2. How many staff work in the "
                              "parking team?\n3. How many noise complaints were received in 2024?\n")

    assert scottish.regime is Regime.FOISA
    assert any(w.kind is WarningKind.REGIME for w in scottish.warnings)
    assert environmental.regime is Regime.EIR
    assert "environmental information (Q1, Q2)" in str(environmental.warnings[0])
    assert mixed.regime is Regime.FOIA  # one question in three is environmental: that part is flagged
    [flag] = [w for w in mixed.warnings if w.kind is WarningKind.REGIME]
    assert "Q3 asks for environmental information" in str(flag)


def test_a_scottish_authoritys_own_history_makes_foisa_its_default(knowledge_dir: Path, tmp_path: Path,
                                                                   embeddings: SentenceEmbeddings) -> None:
    # The sample store holds Strathlinn Council's past answers, all under FOISA.
    settings = Settings(_env_file=None, data_dir=knowledge_dir, authority="Strathlinn Council",  # type: ignore[call-arg]
                        database_url=f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    cases = CaseStore(settings.case_database_url)
    service = CaseService(settings, KnowledgeStore(settings), embeddings, load_library(), cases)
    case = service.open_case("How many gritting lorries does the council own?")
    cases.close()

    assert case.regime is Regime.FOISA
    assert any(w.kind is WarningKind.REGIME and "own past answers" in str(w) for w in case.warnings)

    configured = Settings(_env_file=None, data_dir=knowledge_dir, authority="Strathlinn Council",  # type: ignore[call-arg]
                          default_regime="foia", database_url=f"sqlite:///{tmp_path / 'other.sqlite3'}")
    cases = CaseStore(configured.case_database_url)
    assert CaseService(configured, KnowledgeStore(configured), embeddings, load_library(), cases).open_case(
        "How many gritting lorries does the council own?").regime is Regime.FOIA  # the setting decides
    cases.close()
