"""Letter assembly: order, refusal notice, public interest, review rights, findings and .docx."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from bot.letter import (
    AUTHORITY_PLACEHOLDER,
    FindingKind,
    Letter,
    LetterOptions,
    LetterSection,
    assemble_letter,
    docx_bytes,
    refusal_notice_check,
    unfinished_check,
    write_docx,
)
from bot.models import BOT, Case, CaseQuestion, Draft, EditKind, OpeningStance, Requester, StanceDecision
from bot.templates import TemplateError
from knowledge.exemptions import ExemptionLibrary, load_library
from knowledge.models import Disposition, Regime

AUTHORITY = "Fenwick Vale Police"
CONTACT = "the Information Rights Unit, foi@fenwickvale.police.example"
TODAY = date(2025, 3, 20)
REQUESTER = Requester(name="Jo Bloggs", email="jo@example.org", address="1 Mill Lane, Fenwick", phone="01234 567890")


@pytest.fixture(scope="module")
def library() -> ExemptionLibrary:
    return load_library()


def _question(number: int, text: str, disposition: Disposition, exemptions: tuple[str, ...] = (),
              wording: str = "", advice: str = "", author: str = "caseworker",
              placeholder: bool = False) -> CaseQuestion:
    """A question whose only version is the bot's draft (author foibot) or a caseworker's edit."""
    draft = Draft(disposition, exemptions, wording or f"Answer to question {number}.", 0.8,
                  advice=advice, author=author, placeholder=placeholder,
                  edit=EditKind.DRAFTED if author == BOT else EditKind.WORDING)
    return CaseQuestion(number, text, [draft])


def _case(regime: Regime, questions: list[CaseQuestion], reference: str = "FVP/FOI/2025/0142") -> Case:
    return Case(reference=reference, received=date(2025, 3, 3), regime=regime, due_date=date(2025, 3, 31),
                request_text="[redacted request]", questions=questions, requester=REQUESTER)


@pytest.fixture
def foia_case() -> Case:
    return _case(Regime.FOIA, [
        _question(1, "How many drones does the force own?", Disposition.DISCLOSED,
                  wording="The force owns four drones."),
        _question(2, "What did the force spend on drone training in 2015?", Disposition.NOT_HELD,
                  wording="We do not hold figures for 2015."),
        _question(3, "Does the force use covert mobile phone interception equipment?", Disposition.NCND,
                  ("s24(2)", "s31(3)"), wording="We can neither confirm nor deny that we hold this information."),
        _question(4, "Please give the names of the drone pilots.", Disposition.EXEMPT_WITHHELD, ("s40(2)",),
                  wording="The names of the pilots are withheld under section 40(2)."),
        _question(5, "What price was paid under the drone contract?", Disposition.EXEMPT_WITHHELD, ("s43(2)",),
                  wording="The contract price is withheld under section 43(2).",
                  advice="The total annual spend on the contract is published in our spending data."),
    ])


@pytest.fixture
def foisa_case() -> Case:
    return _case(Regime.FOISA, [
        _question(1, "How many speed cameras are in the area?", Disposition.DISCLOSED, wording="There are 12."),
        _question(2, "Where will the mobile cameras be next month?", Disposition.EXEMPT_WITHHELD, ("s35(1)(a)",),
                  wording="The deployment schedule is withheld under section 35(1)(a)."),
    ], reference="FVP-S-2025-007")


@pytest.fixture
def eir_case() -> Case:
    return _case(Regime.EIR, [
        _question(1, "What were the air quality readings at the depot?", Disposition.DISCLOSED,
                  wording="The readings are attached."),
        _question(2, "What rates did the waste contractor quote?", Disposition.EXEMPT_WITHHELD, ("reg 12(5)(e)",),
                  wording="The quoted rates are withheld under regulation 12(5)(e)."),
    ], reference="FVP-E-2025-011")


CASEWORKER = "Sam Caseworker"


def _letter(case: Case, library: ExemptionLibrary, contact: str = CONTACT, **options: object) -> Letter:
    settings: dict[str, object] = {"caseworker": CASEWORKER, **options}
    return assemble_letter(case, library, LetterOptions(authority=AUTHORITY, review_contact=contact, today=TODAY,
                                                        **settings))  # type: ignore[arg-type]


def _findings(letter: Letter) -> list[str]:
    return [str(finding) for finding in letter.findings]


def _gaps(letter: Letter) -> list[str]:
    """The refusal-notice findings alone (what the letter lacks), not what is left to fill in."""
    return [str(f) for f in letter.findings if f.kind is FindingKind.REFUSAL_NOTICE]


def _headings(letter: Letter) -> list[str]:
    return [section.heading for section in letter.sections]


def _section(letter: Letter, heading: str) -> LetterSection:
    found = letter.section(heading)
    assert found is not None, f"no section {heading!r} in {_headings(letter)}"
    return found


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
        parts += [paragraph.text for paragraph in section.footer.paragraphs]
    return "\n".join(parts)


def test_sections_follow_the_usual_order(foia_case: Case, library: ExemptionLibrary) -> None:
    headings = _headings(_letter(foia_case, library))
    order = [AUTHORITY, "Your request", "Our decision", "Refusal notice", "Section 24(2): National security "
             "(neither confirm nor deny)", "Our response to your questions", "Question 1", "Question 5",
             "Advice and assistance", "Your right to ask for a review"]
    positions = [headings.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert headings[-1] == ""  # the sign-off has no heading


def test_heading_gives_reference_date_and_a_placeholder_salutation(foia_case: Case, library: ExemptionLibrary) -> None:
    opening = _letter(foia_case, library).sections[0]
    assert opening.heading == AUTHORITY
    assert "Our reference: FVP/FOI/2025/0142" in opening.paragraphs
    assert "Date: 20 March 2025" in opening.paragraphs
    assert "Dear [requester name]," in opening.paragraphs


def test_no_requester_personal_data_appears_in_markdown_or_docx(foia_case: Case, library: ExemptionLibrary) -> None:
    letter = _letter(foia_case, library)
    texts = [letter.markdown(), _docx_text(docx_bytes(letter)), "\n".join(_findings(letter))]
    for text in texts:
        for personal in ("Jo Bloggs", "Bloggs", "jo@example.org", "Mill Lane", "01234 567890"):
            assert personal not in text


def test_request_is_restated_question_by_question_with_act_and_date(foia_case: Case,
                                                                     library: ExemptionLibrary) -> None:
    request = _section(_letter(foia_case, library), "Your request")
    assert "received on 3 March 2025" in request.paragraphs[0]
    assert "Freedom of Information Act 2000" in request.paragraphs[0]
    assert request.paragraphs[1:] == tuple(f"{q.number}. {q.text}" for q in foia_case.questions)


@pytest.mark.parametrize(("regime", "act"), [
    (Regime.FOIA, "Freedom of Information Act 2000"),
    (Regime.EIR, "Environmental Information Regulations 2004"),
    (Regime.FOISA, "Freedom of Information (Scotland) Act 2002"),
])
def test_request_names_the_act_of_the_regime(regime: Regime, act: str, library: ExemptionLibrary) -> None:
    case = _case(regime, [_question(1, "How many?", Disposition.DISCLOSED)])
    assert act in _section(_letter(case, library), "Your request").paragraphs[0]


def test_decision_summary_says_what_happened_to_each_question(foia_case: Case, library: ExemptionLibrary) -> None:
    summary = " ".join(_section(_letter(foia_case, library), "Our decision").paragraphs)
    assert "answered question 1 in full" in summary
    assert "do not hold the information requested in question 2" in summary
    assert "neither confirm nor deny whether we hold the information requested in question 3" in summary
    assert "refused questions 4 and 5" in summary


def test_refusal_notice_lists_each_exemption_with_its_questions(foia_case: Case, library: ExemptionLibrary) -> None:
    notice = _section(_letter(foia_case, library), "Refusal notice")
    assert "section 17 of the Freedom of Information Act 2000" in notice.paragraphs[0]
    bullets = [paragraph for paragraph in notice.paragraphs if paragraph.startswith("- ")]
    assert bullets == [
        "- Section 24(2) (National security), neither confirming nor denying: question 3",
        "- Section 31(3) (Law enforcement), neither confirming nor denying: question 3",
        "- Section 40(2) (Personal information: third-party personal data): question 4",
        "- Section 43(2) (Commercial interests): question 5",
    ]


def test_no_refusal_notice_when_no_exemption_is_relied_on(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [
        _question(1, "How many drones?", Disposition.DISCLOSED),
        _question(2, "Spend in 2015?", Disposition.NOT_HELD),
    ])
    letter = _letter(case, library)
    assert letter.section("Refusal notice") is None
    assert not any(heading.startswith("Public interest test") for heading in _headings(letter))
    assert _gaps(letter) == []


def test_public_interest_factors_appear_for_qualified_exemptions_only(foia_case: Case,
                                                                       library: ExemptionLibrary) -> None:
    letter = _letter(foia_case, library)
    s43 = library.get("s43(2)", Regime.FOIA)
    assert s43 is not None
    assert s43.qualified
    test = _section(letter, "Public interest test for section 43(2)")
    for factor in (*s43.factors_for_disclosure, *s43.factors_against_disclosure):
        assert f"- {factor}" in test.paragraphs
    assert test.paragraphs[-1].startswith("Balance of the public interest")
    assert letter.section("Public interest test for section 40(2)") is None
    reasons = _section(letter, "Section 40(2): Personal information: third-party personal data")
    assert any("absolute exemption, so no public interest test" in paragraph for paragraph in reasons.paragraphs)


def test_ncnd_says_the_duty_does_not_apply_and_names_the_provision(foia_case: Case,
                                                                    library: ExemptionLibrary) -> None:
    letter = _letter(foia_case, library)
    for provision, title in (("section 24(2)", "National security"), ("section 31(3)", "Law enforcement")):
        reasons = " ".join(_section(letter, f"{provision.capitalize()}: {title} (neither confirm nor deny)").paragraphs)
        assert "section 1(1)(a)" in reasons
        assert f"relies on {provision}" in reasons
        assert _section(letter, f"Public interest test for {provision} (neither confirm nor deny)")
    assert "confirming or denying" in " ".join(
        _section(letter, "Public interest test for section 31(3) (neither confirm nor deny)").paragraphs)


def test_prejudice_based_exemption_has_a_harm_test_and_necessity_one_does_not(foia_case: Case,
                                                                               library: ExemptionLibrary) -> None:
    letter = _letter(foia_case, library)
    harm = _section(letter, "Harm test for section 43(2)")
    assert "disclosing the information requested in question 5" in harm.paragraphs[0]
    assert letter.section("Harm test for section 24(2) (neither confirm nor deny)") is None
    assert _section(letter, "Necessity test for section 24(2) (neither confirm nor deny)")


def test_card_placeholders_are_filled(foia_case: Case, library: ExemptionLibrary) -> None:
    markdown = _letter(foia_case, library).markdown()
    assert "{authority}" not in markdown
    assert "{information}" not in markdown
    assert f"{AUTHORITY} has withheld the information requested in question 5 under section 43(2)" in markdown


def test_caseworker_notes_can_be_left_out(foia_case: Case, library: ExemptionLibrary) -> None:
    assert "Note for the caseworker" in _letter(foia_case, library).markdown()
    assert "Note for the caseworker" not in _letter(foia_case, library, caseworker_notes=False).markdown()


@pytest.mark.parametrize(("regime", "regulator", "absent"), [
    (Regime.FOIA, "Information Commissioner's Office", "Scottish Information Commissioner"),
    (Regime.EIR, "Information Commissioner's Office", "Scottish Information Commissioner"),
    (Regime.FOISA, "Scottish Information Commissioner", "Information Commissioner's Office"),
])
def test_review_rights_name_the_regulator_of_the_regime(regime: Regime, regulator: str, absent: str,
                                                        library: ExemptionLibrary) -> None:
    case = _case(regime, [_question(1, "How many?", Disposition.DISCLOSED)])
    review = " ".join(_section(_letter(case, library), "Your right to ask for a review").paragraphs)
    assert regulator in review
    assert absent not in review
    assert CONTACT in review
    assert "FVP/FOI/2025/0142" in review


def test_foisa_letter_gives_a_section_16_notice_and_scottish_review_times(foisa_case: Case,
                                                                          library: ExemptionLibrary) -> None:
    letter = _letter(foisa_case, library)
    notice = _section(letter, "Refusal notice")
    assert "section 16 of the Freedom of Information (Scotland) Act 2002" in notice.paragraphs[0]
    review = " ".join(_section(letter, "Your right to ask for a review").paragraphs)
    assert "within 40 working days" in review
    assert "within 20 working days" in review
    assert "Scottish Information Commissioner" in review
    assert "section 15 of" not in letter.markdown()  # no advice was drafted
    assert "prejudice" in " ".join(_section(letter, "Harm test for section 35(1)(a)").paragraphs)
    assert _section(letter, "Public interest test for section 35(1)(a)")


def test_eir_letter_uses_regulation_14_and_the_presumption_in_favour_of_disclosure(eir_case: Case,
                                                                                   library: ExemptionLibrary) -> None:
    letter = _letter(eir_case, library)
    notice = _section(letter, "Refusal notice")
    assert "regulation 14 of the Environmental Information Regulations 2004" in notice.paragraphs[0]
    item = "- Regulation 12(5)(e) (Confidentiality of commercial or industrial information): question 2"
    assert item in notice.paragraphs
    test = " ".join(_section(letter, "Public interest test for regulation 12(5)(e)").paragraphs)
    assert "presumption in favour of disclosure" in test
    assert "adversely affect" in " ".join(_section(letter, "Harm test for regulation 12(5)(e)").paragraphs)


def test_a_complete_case_has_no_findings(foia_case: Case, foisa_case: Case, eir_case: Case,
                                         library: ExemptionLibrary) -> None:
    for case in (foia_case, foisa_case, eir_case):
        assert _findings(_letter(case, library, caseworker_notes=False, requester_name="Jo Bloggs")) == []


def test_empty_review_contact_leaves_a_placeholder_and_a_finding(foia_case: Case, library: ExemptionLibrary) -> None:
    letter = _letter(foia_case, library, contact="")
    assert "[review contact]" in " ".join(_section(letter, "Your right to ask for a review").paragraphs)
    assert any("[review contact]" in finding for finding in _findings(letter))


def test_unknown_exemption_is_a_finding(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [_question(1, "How many?", Disposition.EXEMPT_WITHHELD, ("s99",))])
    letter = _letter(case, library)
    assert "s99 is not a known exemption under FOIA" in _findings(letter)
    assert "- Section 99 (not in the exemption library): question 1" in _section(letter, "Refusal notice").paragraphs


def test_exemption_of_another_regime_is_unknown_under_this_one(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOISA, [_question(1, "Contract price?", Disposition.EXEMPT_WITHHELD, ("s43(2)",))])
    assert "s43(2) is not a known exemption under FOISA" in _findings(_letter(case, library))


def test_cost_refusal_without_advice_is_a_finding(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [_question(1, "Every email about drones since 2010?", Disposition.S12_COST)])
    letter = _letter(case, library)
    assert "Question 1 is refused under the cost limit with no advice on narrowing it (section 16)" in _findings(letter)
    advice = " ".join(_section(letter, "Advice and assistance").paragraphs)
    assert "section 16 of the Freedom of Information Act 2000" in advice
    assert "[Advice on how question 1 could be narrowed" in advice


def test_cost_refusal_with_advice_states_the_limit_and_the_advice(library: ExemptionLibrary) -> None:
    advice = "If you limit your request to emails sent by the drone unit in 2024, we may be able to answer it."
    case = _case(Regime.FOIA, [_question(1, "Every email about drones since 2010?", Disposition.S12_COST,
                                         advice=advice)])
    letter = _letter(case, library)
    assert _gaps(letter) == []
    assert f"About question 1: {advice}" in _section(letter, "Advice and assistance").paragraphs
    reasons = " ".join(_section(letter, "Section 12(1): Cost of compliance exceeds the appropriate limit").paragraphs)
    assert "is £450" in reasons
    assert "18 hours" in reasons
    central = " ".join(_letter(case, library, central_government=True).markdown().split())
    assert "is £600" in central
    assert "24 hours" in central
    assert _letter(case, library).section("Public interest test for section 12(1)") is None


def test_foisa_cost_refusal_uses_the_600_pound_limit(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOISA, [_question(1, "Every email?", Disposition.S12_COST, ("s12",),
                                          advice="Please narrow it to one year.")])
    letter = _letter(case, library)
    assert "£600" in " ".join(_section(letter, "Section 12: Excessive cost of compliance").paragraphs)
    assert "section 15 of the Freedom of Information (Scotland) Act 2002" in letter.markdown()


def test_repeated_request_is_explained(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [_question(1, "The same question again?", Disposition.S14_VEXATIOUS_OR_REPEATED,
                                         ("s14(2)",))])
    letter = _letter(case, library)
    reasons = " ".join(_section(letter, "Section 14(2): Repeated requests").paragraphs)
    assert "substantially similar to a request we have already answered" in reasons
    assert _gaps(letter) == []


def test_empty_wording_is_a_finding(library: ExemptionLibrary) -> None:
    question = _question(1, "How many?", Disposition.DISCLOSED)
    question.versions.append(question.draft.revised(wording="  "))
    letter = _letter(_case(Regime.FOIA, [question]), library)
    assert "Question 1 has no wording" in _findings(letter)
    assert _section(letter, "Question 1").paragraphs == ("[The answer to question 1 is still to be written.]",)


def test_unedited_draft_without_a_close_precedent_is_a_finding(library: ExemptionLibrary) -> None:
    unedited = _question(1, "How many?", Disposition.DISCLOSED, author="foibot", placeholder=True)
    edited = _question(2, "How much?", Disposition.DISCLOSED, author="caseworker", placeholder=True)
    findings = _findings(_letter(_case(Regime.FOIA, [unedited, edited]), library))
    assert any(finding.startswith("Question 1 rests on no close precedent") for finding in findings)
    assert not any(finding.startswith("Question 2") for finding in findings)


@pytest.mark.parametrize("label", ["s21", "s43(1)"])
def test_ncnd_under_an_exemption_without_an_ncnd_provision_is_a_finding(label: str,
                                                                        library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [_question(1, "Do you hold it?", Disposition.NCND, (label,))])
    findings = _findings(_letter(case, library))
    assert any("has no neither confirm nor deny provision" in finding for finding in findings)


def test_check_finds_reasons_harm_and_public_interest_tests_and_review_rights_missing(
    foia_case: Case, library: ExemptionLibrary
) -> None:
    letter = _letter(foia_case, library)
    dropped = {"Section 40(2): Personal information: third-party personal data", "Harm test for section 43(2)",
               "Public interest test for section 43(2)", "Your right to ask for a review"}
    stripped = replace(letter, sections=tuple(s for s in letter.sections if s.heading not in dropped))
    findings = refusal_notice_check(foia_case, library, stripped)
    assert "Section 40(2) is relied on for question 4 with no reasons paragraph" in findings
    assert "Section 43(2) is prejudice-based but the letter has no harm test for question 5" in findings
    assert "Section 43(2) is qualified but the letter has no public interest test for question 5" in findings
    assert any(finding.startswith("The letter does not set out the right to a review") for finding in findings)


def test_check_finds_a_public_interest_test_with_factors_on_one_side_only(foia_case: Case,
                                                                          library: ExemptionLibrary) -> None:
    letter = _letter(foia_case, library)
    heading = "Public interest test for section 43(2)"
    s43 = library.get("s43(2)", Regime.FOIA)
    assert s43 is not None
    against = {f"- {factor}" for factor in s43.factors_against_disclosure}
    original = _section(letter, heading)
    one_sided = LetterSection(heading, tuple(p for p in original.paragraphs if p not in against), level=3)
    edited = replace(letter, sections=tuple(one_sided if s.heading == heading else s for s in letter.sections))
    assert "The public interest test for section 43(2) lacks factors on one side or both" in refusal_notice_check(
        foia_case, library, edited)


def test_markdown_renders_headings_and_bullet_lists(foia_case: Case, library: ExemptionLibrary) -> None:
    markdown = _letter(foia_case, library).markdown()
    assert markdown.startswith("# Your request for information (our reference FVP/FOI/2025/0142)\n")
    assert "\n## Refusal notice\n" in markdown
    assert "\n### Question 1\n\nThe force owns four drones.\n" in markdown
    assert "\n#### Public interest test for section 43(2)\n" in markdown
    assert "\n- Demonstrating that the authority obtained value for money.\n- " in markdown


def test_docx_opens_with_headings_bullets_question_wording_and_reference(foia_case: Case,
                                                                          library: ExemptionLibrary,
                                                                          tmp_path: Path) -> None:
    letter = _letter(foia_case, library)
    path = tmp_path / "letter.docx"
    write_docx(letter, path)
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert {"Your request", "Refusal notice", "Question 1", "Public interest test for section 43(2)",
            "Your right to ask for a review"} <= set(headings)
    bullets = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert "Demonstrating that the authority obtained value for money." in bullets
    text = _docx_text(path.read_bytes())
    for question in foia_case.questions:
        assert question.draft.wording in text
    assert "Our reference: FVP/FOI/2025/0142" in [p.text for p in document.sections[0].header.paragraphs]
    assert document.core_properties.title == letter.title
    assert path.read_bytes()[:2] == b"PK"
    assert _docx_text(docx_bytes(letter)) == text


def _placeholders(letter: Letter) -> dict[str, tuple[str, ...]]:
    return {f.message.split(" is not filled in")[0]: f.where for f in letter.findings
            if f.kind is FindingKind.PLACEHOLDER}


def test_every_placeholder_left_is_listed_with_where_it_is(foia_case: Case, library: ExemptionLibrary) -> None:
    foia_case.questions[0].versions.append(foia_case.questions[0].draft.revised(
        wording="The force spent £[figure] on [figure] drones."))
    letter = assemble_letter(foia_case, library, LetterOptions(today=TODAY))

    found = _placeholders(letter)
    assert set(found) >= {"[authority name]", "[requester name]", "[caseworker name]", "[review contact]", "[figure]"}
    assert found["[requester name]"] == ("the opening ¶3",)
    assert letter.sections[0].heading == AUTHORITY_PLACEHOLDER
    assert found["[figure]"] == ("Question 1 ¶1", "Question 1 ¶1")
    assert len(found["[authority name]"]) >= 5
    messages = " ".join(_findings(letter))
    assert "set FOIBOT_AUTHORITY" in messages
    assert "FOIBOT_CASEWORKER_NAME" in messages
    assert "set FOIBOT_REVIEW_CONTACT" in messages


def test_caseworker_notes_and_advice_placeholders_are_listed(foia_case: Case, library: ExemptionLibrary) -> None:
    foia_case.questions[1].versions.append(foia_case.questions[1].draft.revised(
        advice="[Advise how the request could be narrowed to fall within the limit.]"))
    letter = _letter(foia_case, library)

    notes = [f for f in letter.findings if f.kind is FindingKind.CASEWORKER_NOTE]
    assert len(notes) == 1
    assert any(where.startswith("Section 24(2): National security") for where in notes[0].where)
    assert "[Advise how the request could be narrowed to fall within the limit.]" in _placeholders(letter)
    assert _letter(foia_case, library, caseworker_notes=False).findings != ()


def test_a_duplicated_answer_paragraph_is_listed_with_both_places(foia_case: Case, library: ExemptionLibrary) -> None:
    repeated = "The force does not publish the deployment schedule of its drones in advance."
    for question in foia_case.questions[:2]:
        question.versions.append(question.draft.revised(wording=repeated))
    duplicates = [f for f in _letter(foia_case, library).findings if f.kind is FindingKind.DUPLICATE]
    assert [d.where for d in duplicates] == [("Question 1 ¶1", "Question 2 ¶1")]


def test_an_empty_section_is_listed() -> None:
    letter = Letter("Title", (LetterSection("Your request", ("You asked:",)), LetterSection("Our decision", ())), ())
    [empty] = [f for f in unfinished_check(letter) if f.kind is FindingKind.EMPTY_SECTION]
    assert empty.where == ("Our decision",)


def test_an_accepted_opening_stance_is_written_once_for_the_whole_request(library: ExemptionLibrary) -> None:
    ncnd = ("s23(5)", "s24(2)", "s31(3)")
    case = _case(Regime.FOIA, [
        _question(1, "Does the force use live facial recognition covertly?", Disposition.NCND, ncnd,
                  wording="We neither confirm nor deny whether we hold information about covert use."),
        _question(2, "Which suppliers provide covert facial recognition?", Disposition.NCND, ncnd,
                  wording="We neither confirm nor deny whether we hold information about covert suppliers."),
        _question(3, "How many overt deployments took place in 2024?", Disposition.DISCLOSED,
                  wording="There were 12 overt deployments in 2024."),
    ])
    case.stance = OpeningStance(Disposition.NCND, ncnd, ("MPS-2024-01",), subject="about any covert use of facial "
                                "recognition", decision=StanceDecision.ACCEPTED)
    letter = _letter(case, library)
    text = letter.markdown()

    assert text.count("neither confirm nor deny whether it holds any information about any covert use") == 1
    assert _headings(letter).count("Section 24(2): National security (neither confirm nor deny)") == 1
    assert "- Section 24(2) (National security), neither confirming nor denying: your whole request" in text
    assert "We neither confirm nor deny whether we hold information about covert use." not in text
    assert "There were 12 overt deployments in 2024." in text
    assert _gaps(letter) == []


def test_an_offered_stance_not_yet_decided_is_a_finding(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [_question(1, "Covert?", Disposition.NCND, ("s24(2)",), wording="NCND.")])
    case.stance = OpeningStance(Disposition.NCND, ("s24(2)",))
    assert any(f.kind is FindingKind.UNDECIDED for f in _letter(case, library).findings)


def test_the_letter_gives_the_re_use_licence_when_it_discloses(foia_case: Case, eir_case: Case,
                                                              library: ExemptionLibrary) -> None:
    reuse = _section(_letter(foia_case, library), "Re-using the information")
    assert "Open Government Licence" in " ".join(reuse.paragraphs)
    withheld = _case(Regime.FOIA, [_question(1, "Names?", Disposition.EXEMPT_WITHHELD, ("s40(2)",))])
    assert _letter(withheld, library).section("Re-using the information") is None


def test_the_default_word_letter_is_a4_and_british_english(foia_case: Case, library: ExemptionLibrary) -> None:
    document = Document(io.BytesIO(docx_bytes(_letter(foia_case, library))))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    languages = document.styles.element.xpath("//w:docDefaults//w:lang/@w:val")
    assert languages == ["en-GB"]
    assert document.core_properties.language == "en-GB"


def test_the_authoritys_own_template_keeps_its_letterhead_and_takes_the_letter_at_its_marker(
    foia_case: Case, library: ExemptionLibrary, tmp_path: Path
) -> None:
    template = Document()
    template.sections[0].header.paragraphs[0].text = "Fenwick Vale Police, Headquarters, Fenwick FV1 1AA"
    template.add_paragraph("Information Rights Unit")
    template.add_paragraph("$letter")
    template.add_paragraph("Fenwick Vale Police is a data controller.")
    path = tmp_path / "letterhead.docx"
    template.save(str(path))

    document = Document(io.BytesIO(docx_bytes(_letter(foia_case, library), path)))
    texts = [p.text for p in document.paragraphs]
    assert document.sections[0].header.paragraphs[0].text == "Fenwick Vale Police, Headquarters, Fenwick FV1 1AA"
    assert texts[0] == "Information Rights Unit"
    assert texts[-1] == "Fenwick Vale Police is a data controller."
    assert "$letter" not in texts
    assert "Your request" in texts


def test_a_template_that_is_not_word_is_one_line_error(foia_case: Case, library: ExemptionLibrary,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "letterhead.docx"
    path.write_text("not a word file", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"FOIBOT_LETTER_TEMPLATE .* is not a readable Word document"):
        docx_bytes(_letter(foia_case, library), path)


def test_an_authority_can_override_any_letter_wording(foia_case: Case, library: ExemptionLibrary,
                                                       tmp_path: Path) -> None:
    (tmp_path / "closing.md").write_text("With best wishes,\n\n$caseworker\n\nInformation Rights, $authority\n",
                                         encoding="utf-8")
    letter = _letter(foia_case, library, wording_dir=tmp_path)
    assert letter.sections[-1].paragraphs == ("With best wishes,", CASEWORKER,
                                              f"Information Rights, {AUTHORITY}")
    (tmp_path / "closing.md").write_text("Regards, $nobody\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"closing\.md needs a value for .nobody."):
        _letter(foia_case, library, wording_dir=tmp_path)


def test_findings_name_the_question_id_where_the_letter_numbers_differently(library: ExemptionLibrary) -> None:
    case = _case(Regime.FOIA, [_question(4, "How many?", Disposition.DISCLOSED, wording="There are [figure].")])
    [figure] = [f for f in _letter(case, library).findings if f.message.startswith("[figure]")]
    assert figure.where == ("Question 1 (Q4) ¶1",)


def test_an_undecided_caseworkers_call_is_a_finding_and_a_proposal_or_a_decision_is_not(
        library: ExemptionLibrary) -> None:
    undecided = _question(1, "How many?", Disposition.DISCLOSED, author="foibot")
    proposed = _question(2, "How much?", Disposition.DISCLOSED, author="foibot")
    proposed.versions[-1] = replace(proposed.versions[-1], proposed=True)
    decided = _question(3, "How often?", Disposition.NOT_HELD, author="caseworker")
    findings = _findings(_letter(_case(Regime.FOIA, [undecided, proposed, decided]), library))
    assert any(finding.startswith("Question 1's outcome is the caseworker's call") for finding in findings)
    assert not any(finding.startswith(("Question 2", "Question 3")) for finding in findings)
