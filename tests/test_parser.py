"""The parser: letters of every common layout read into one precedent per question.

Every letter here is invented for the test, about fictional authorities. Each paragraph of a
letter is one line, as loaders give it, so the letters run past the line-length limit.
"""

# ruff: noqa: E501

from __future__ import annotations

import pytest

from knowledge.models import Disposition, ParsedDocument, Regime, SourceDocument
from knowledge.parser import (
    classify_disposition,
    detect_regime,
    find_date,
    find_reference,
    parse_document,
)

D = Disposition


def _parse(text: str, request: str = "", **fields: str) -> ParsedDocument:
    return parse_document(SourceDocument(text=text, source="test-letter.txt", request=request, **fields))


def _dispositions(parsed: ParsedDocument) -> list[Disposition]:
    return [precedent.disposition for precedent in parsed.precedents]


def _exemptions(parsed: ParsedDocument) -> list[tuple[str, ...]]:
    return [precedent.exemptions for precedent in parsed.precedents]


# (1) Questions restated first, answered later under a "Disclosure" heading

RESTATED_THEN_DISCLOSURE = """Harbridge District Council
Our ref: FOI/2024/0312
Date: 14 May 2024

Dear Mr Amadi,

Request for information: public conveniences

You asked:
1. How many public toilets does the council maintain?
2. Please provide the names of the cleaning operatives assigned to each site.
3. What is the annual value of the cleaning contract?
4. How many complaints about cleanliness were received in 2019?

Harbridge District Council has considered your request under the Freedom of Information Act 2000.

Disclosure

Q1 - The council maintains 23 public toilets.
Q2 - A list of sites and their cleaning schedules is attached. The names of individual operatives are withheld under section 40(2) as they are the personal data of junior staff; the remaining information is provided.
Q3 - The contract value is exempt under section 43(2) because disclosure would be likely to prejudice the commercial interests of the contractor ahead of the re-tender.
Q4 - The council does not hold this information, as complaint records from before 2021 were deleted under our retention schedule.

We have given advice under section 16 on where older records may be found.

If you are dissatisfied with this response you may ask for an internal review. You may then complain to the Information Commissioner under section 50 of the Act.

Yours sincerely,
Information Governance Team
"""


def test_restated_questions_are_paired_with_later_answers() -> None:
    parsed = _parse(RESTATED_THEN_DISCLOSURE)
    assert [p.question for p in parsed.precedents] == [
        "How many public toilets does the council maintain?",
        "Please provide the names of the cleaning operatives assigned to each site.",
        "What is the annual value of the cleaning contract?",
        "How many complaints about cleanliness were received in 2019?",
    ]
    assert "23 public toilets" in parsed.precedents[0].answer
    assert "retention schedule" in parsed.precedents[3].answer


def test_restated_questions_get_their_own_dispositions() -> None:
    parsed = _parse(RESTATED_THEN_DISCLOSURE)
    assert _dispositions(parsed) == [D.DISCLOSED, D.PARTIALLY_DISCLOSED, D.EXEMPT_WITHHELD, D.NOT_HELD]
    assert _exemptions(parsed) == [(), ("s40(2)",), ("s43(2)",), ()]


def test_advice_and_complaint_sections_are_not_exemptions() -> None:
    parsed = _parse(RESTATED_THEN_DISCLOSURE)
    cited = {label for precedent in parsed.precedents for label in precedent.exemptions}
    assert not {"s16", "s50", "s17"} & cited


def test_reference_and_date_are_read_from_the_letter_head() -> None:
    parsed = _parse(RESTATED_THEN_DISCLOSURE, authority="Harbridge District Council")
    assert {p.reference for p in parsed.precedents} == {"FOI/2024/0312"}
    assert {p.date for p in parsed.precedents} == {"2024-05-14"}
    assert {p.authority for p in parsed.precedents} == {"Harbridge District Council"}
    assert [p.position for p in parsed.precedents] == [0, 1, 2, 3]
    assert parsed.regime is Regime.FOIA


def test_default_authority_fills_a_missing_authority() -> None:
    unsigned = "1. How many bins were emptied?\nWe emptied 4,100 bins.\n"
    parsed = parse_document(SourceDocument(text=unsigned, source="x.txt"), "Harbridge DC")
    assert {p.authority for p in parsed.precedents} == {"Harbridge DC"}


def test_the_authority_named_in_the_letter_is_recorded() -> None:
    parsed = parse_document(SourceDocument(text=RESTATED_THEN_DISCLOSURE, source="x.txt"), "Harbridge DC")
    assert {p.authority for p in parsed.precedents} == {"Harbridge District Council"}


def test_closing_paragraph_is_not_part_of_the_last_answer() -> None:
    last = _parse(RESTATED_THEN_DISCLOSURE).precedents[-1]
    assert "internal review" not in last.answer
    assert "Yours sincerely" not in last.answer


# (2) Lists with answers in-line under each question


def test_numbered_questions_with_answers_underneath() -> None:
    parsed = _parse("""Dear Ms Reyes,

Thank you for your request about school crossing patrols.

1. How many crossing patrol posts does the county fund?
There are 41 funded posts across the county.

2. How many of those posts are vacant?
We do not hold a central record of vacancies; each school manages its own patrol.

3. What hourly rate is paid to patrol officers?
The hourly rate is £11.44.

Yours sincerely
""")
    assert [p.question for p in parsed.precedents] == [
        "How many crossing patrol posts does the county fund?",
        "How many of those posts are vacant?",
        "What hourly rate is paid to patrol officers?",
    ]
    assert _dispositions(parsed) == [D.DISCLOSED, D.NOT_HELD, D.DISCLOSED]
    assert "£11.44" in parsed.precedents[2].answer


def test_bracketed_numbers_with_answer_labels() -> None:
    parsed = _parse("""Dear Ms Reyes,

1) How many gritting routes does the council operate?
Answer: The council operates 17 priority gritting routes.
2) How many tonnes of salt were used in winter 2022/23?
Answer: We do not record salt use by season.
3) Please provide the home addresses of the gritter drivers.
Answer: This information is exempt under section 40(2) and is withheld.

Kind regards
""")
    assert len(parsed.precedents) == 3
    assert parsed.precedents[0].answer == "The council operates 17 priority gritting routes."
    assert _dispositions(parsed) == [D.DISCLOSED, D.NOT_HELD, D.EXEMPT_WITHHELD]
    assert _exemptions(parsed) == [(), (), ("s40(2)",)]


def test_lettered_questions_with_answers_underneath() -> None:
    parsed = _parse("""Dear Mr Byrne,

(a) How many allotment plots does the town council let?
The town council lets 96 plots.
(b) Please provide the names of tenants who have been served notices to quit.
This information is withheld under section 40(2), as it is personal data of the tenants.
(c) Has the council sold any allotment land since 2015?
Yes, one site at Mill Lane was sold in 2018.

Yours sincerely
""")
    assert len(parsed.precedents) == 3
    assert parsed.precedents[1].question.startswith("Please provide the names of tenants")
    assert _dispositions(parsed) == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.DISCLOSED]
    assert _exemptions(parsed)[1] == ("s40(2)",)


def test_q_numbered_questions_with_answers_underneath() -> None:
    parsed = _parse("""Dear Ms Okoro,

Q1 - How many library branches closed between 2020 and 2023?
Two branches closed in that period.
Q2 - How much was spent on library stock in 2023?
The service spent £212,000 on stock.

Yours sincerely
""")
    assert [p.question for p in parsed.precedents] == [
        "How many library branches closed between 2020 and 2023?",
        "How much was spent on library stock in 2023?",
    ]
    assert parsed.precedents[1].answer == "The service spent £212,000 on stock."
    assert _dispositions(parsed) == [D.DISCLOSED, D.DISCLOSED]


# (3) "Question 1:" / "Response:" pairs

QUESTION_RESPONSE_PAIRS = """FOI reference: 2024-0877
Date of response: 3 June 2024

Question 1: How many fixed penalty notices for fly-tipping did the council issue in 2023?
Response: The council issued 152 fixed penalty notices.

Question 2: How much income did those notices raise, broken down by ward?
Response: Breaking the income down by ward would mean reviewing every case file by hand. We estimate this would exceed the appropriate limit of £450, which represents 18 hours of work, so section 12(1) applies. Under section 16 we suggest you ask for the total only.

Question 3: Please provide the names of the enforcement officers who issued them.
Response: Officer names are personal data and are withheld under section 40(2).

If you are unhappy with this response you can request an internal review.
"""


def test_question_response_pairs_are_read() -> None:
    parsed = _parse(QUESTION_RESPONSE_PAIRS)
    assert [p.question for p in parsed.precedents] == [
        "How many fixed penalty notices for fly-tipping did the council issue in 2023?",
        "How much income did those notices raise, broken down by ward?",
        "Please provide the names of the enforcement officers who issued them.",
    ]
    assert parsed.precedents[0].answer == "The council issued 152 fixed penalty notices."


def test_question_response_pairs_get_their_dispositions() -> None:
    parsed = _parse(QUESTION_RESPONSE_PAIRS)
    assert _dispositions(parsed) == [D.DISCLOSED, D.S12_COST, D.EXEMPT_WITHHELD]
    assert _exemptions(parsed) == [(), ("s12(1)",), ("s40(2)",)]


def test_reference_and_date_from_labelled_lines() -> None:
    precedent = _parse(QUESTION_RESPONSE_PAIRS).precedents[0]
    assert precedent.reference == "2024-0877"
    assert precedent.date == "2024-06-03"


# (4) A reply whose request is quoted apart from the answers


def test_quoted_request_supplies_the_questions() -> None:
    parsed = _parse(
        """Dear Mr Lowe,

Thank you for your email.

1. The trust employed 37 agency porters in March 2024.
2. The trust does not hold this information for 2019, as the agency contract changed in 2021.
3. Please see the attached rota template.

Kind regards,
Freedom of Information Office
""",
        request="""Dear FOI team,
1. How many agency porters did the trust employ in March 2024?
2. What was the total agency spend on porters in 2019?
3. Please provide the porter rota template.
Thanks, R Lowe""",
    )
    assert [p.question for p in parsed.precedents] == [
        "How many agency porters did the trust employ in March 2024?",
        "What was the total agency spend on porters in 2019?",
        "Please provide the porter rota template.",
    ]
    assert "37 agency porters" in parsed.precedents[0].answer
    assert _dispositions(parsed) == [D.DISCLOSED, D.NOT_HELD, D.DISCLOSED]


PROSE_REPLY = "Dear Ms Finch,\n\nThe park ranger service employs 6 full-time rangers.\n\nKind regards"
PROSE_REQUEST = "Dear council,\nPlease tell me how many park rangers you employ.\nRegards,\nA Finch"


def test_prose_reply_to_a_quoted_prose_request_is_one_precedent() -> None:
    parsed = _parse(PROSE_REPLY, request=PROSE_REQUEST)
    assert len(parsed.precedents) == 1
    assert parsed.precedents[0].question.startswith("Please tell me how many park rangers you employ.")
    assert "6 full-time rangers" in parsed.precedents[0].answer
    assert parsed.precedents[0].disposition is D.DISCLOSED


def test_signature_after_the_sign_off_is_not_part_of_the_question() -> None:
    parsed = _parse(PROSE_REPLY, request=PROSE_REQUEST)
    assert parsed.precedents[0].question == "Please tell me how many park rangers you employ."


def test_request_on_the_greeting_line_is_not_lost() -> None:
    parsed = _parse(PROSE_REPLY, request="Dear council, please tell me how many park rangers you employ.")
    assert "how many park rangers" in parsed.precedents[0].question


# (5) Prose with no numbering


def test_prose_letter_is_one_precedent() -> None:
    parsed = _parse("""Dear Ms Greaves,

You asked whether the council has carried out a survey of the trees on its land since 2020.

I can confirm that the council completed a full tree survey in 2022 and a summary of it is attached. The survey recorded 18,400 trees on council land.

If you are not satisfied you may request an internal review, and then complain to the Information Commissioner under section 50.

Yours sincerely
""")
    assert len(parsed.precedents) == 1
    precedent = parsed.precedents[0]
    assert "survey of the trees" in precedent.question
    assert "18,400 trees" in precedent.answer
    assert precedent.disposition is D.DISCLOSED
    assert precedent.exemptions == ()


def test_prose_question_described_in_the_thank_you_line_is_found() -> None:
    parsed = _parse("""Dear Ms Greaves,

Thank you for your request of 2 April in which you asked whether the council has surveyed the trees on its land since 2020.

I can confirm that the council completed a full tree survey in 2022 and a summary is attached.

Yours sincerely
""")
    assert len(parsed.precedents) == 1
    assert "surveyed the trees" in parsed.precedents[0].question


PROSE_REFUSAL = """Dear Mr Quinn,

You asked for a copy of the legal advice the council received about the closure of Elm Street car park.

The council holds this advice. It is subject to legal professional privilege and is withheld under section 42(1). The council considers that the public interest in maintaining the exemption outweighs the public interest in disclosure. This letter is a refusal notice under section 17 of the Act. We have had regard to section 149 of the Equality Act 2010 in reaching the decision to close the car park.

You may complain to the Information Commissioner under section 50.

Yours sincerely
"""


def test_prose_refusal_keeps_its_exemption_and_drops_mentions() -> None:
    parsed = _parse(PROSE_REFUSAL)
    assert len(parsed.precedents) == 1
    assert "legal advice" in parsed.precedents[0].question
    assert parsed.precedents[0].exemptions == ("s42(1)",)


def test_mentioned_section_of_another_act_does_not_make_a_refusal_partial() -> None:
    assert _parse(PROSE_REFUSAL).precedents[0].disposition is D.EXEMPT_WITHHELD


# (6) A request-level NCND beside per-question answers

NCND_LETTER = """Westmarch Constabulary
Reference No: 2024/FOI/00981
Date: 21 February 2024

Dear Mr Hale,

Your request:
1. Has the force used drones fitted with thermal cameras to monitor protests in 2023?
2. How many drones does the force own?
3. How many drone pilots were disciplined in 2023?

Decision

Westmarch Constabulary can neither confirm nor deny that it holds any information about the use of specialist equipment to monitor protests, by virtue of Sections 23(5) and 24(2) of the Freedom of Information Act 2000. Information about the number of drones owned is disclosed below. Advice under section 16 is not needed.

Disclosure

Q1 - The force can neither confirm nor deny that it holds this information, as set out above.
Q2 - The force owns 9 drones.
Q3 - The force does not hold this information, as disciplinary outcomes are not recorded by role.

If you are dissatisfied with this response you may ask for an internal review. You also have the right to complain to the Information Commissioner under section 50.
"""


def test_opening_ncnd_is_a_request_level_stance() -> None:
    parsed = _parse(NCND_LETTER)
    assert parsed.request_stance is not None
    assert parsed.request_stance.disposition is D.NCND
    assert parsed.request_stance.exemptions == ("s23(5)", "s24(2)")
    assert all(p.request_stance == parsed.request_stance for p in parsed.precedents)


def test_not_held_question_stays_not_held_under_an_opening_ncnd() -> None:
    parsed = _parse(NCND_LETTER)
    assert len(parsed.precedents) == 3
    assert _dispositions(parsed) == [D.NCND, D.DISCLOSED, D.NOT_HELD]
    assert parsed.precedents[2].exemptions == ()


def test_ncnd_question_inherits_the_stance_exemptions() -> None:
    parsed = _parse(NCND_LETTER)
    assert parsed.precedents[0].exemptions == ("s23(5)", "s24(2)")


def test_answer_pointing_to_an_opening_ncnd_is_ncnd() -> None:
    parsed = _parse(NCND_LETTER.replace(
        "Q1 - The force can neither confirm nor deny that it holds this information, as set out above.",
        "Q1 - Covered by the exemptions above.",
    ))
    assert parsed.request_stance is not None
    assert parsed.precedents[0].disposition is D.NCND


def test_letter_without_ncnd_has_no_stance() -> None:
    assert _parse(RESTATED_THEN_DISCLOSURE).request_stance is None


# Regimes


def test_foisa_is_detected_from_the_act_title() -> None:
    text = "We have dealt with your request under the Freedom of Information (Scotland) Act 2002."
    assert detect_regime(text) is Regime.FOISA


def test_eir_is_detected_from_the_regulations_title() -> None:
    text = "Your request has been handled under the Environmental Information Regulations 2004."
    assert detect_regime(text) is Regime.EIR


def test_naming_both_laws_is_no_sign_of_the_eir() -> None:
    text = ("The ICO's guidance on staff names under the Freedom of Information Act 2000 and Environmental "
            "Information Regulations 2004 advises a case-by-case decision.")
    assert detect_regime(text) is Regime.FOIA


def test_reliance_on_the_acts_sections_outweighs_an_eir_footer() -> None:
    text = ("The names are withheld under section 40(2) of the Act.\n"
            "Guidance on the EIR and how to complain is on our website.")
    assert detect_regime(text) is Regime.FOIA


def test_the_authoritys_later_word_on_the_regime_wins() -> None:
    relogged = ("This has been logged as a Freedom of Information request.\n"
                "We have decided that it should be processed under the Environmental Information Regulations 2004.")
    assert detect_regime(relogged) is Regime.EIR
    back = ("This has been logged as a request under the Environmental Information Regulations 2004 (EIR).\n"
            "This has been logged as a Freedom of Information Request and will be dealt with under the "
            "Freedom of Information Act 2000.")
    assert detect_regime(back) is Regime.FOIA
    charged = ("This will be dealt with under the Freedom of Information Act 2000.\n"
               "Under Regulation 8 of the Environmental Information Regulations 2004 the council charges for this.")
    assert detect_regime(charged) is Regime.EIR


def test_foia_is_the_default_regime() -> None:
    assert detect_regime("We have handled your request under the Freedom of Information Act 2000.") is Regime.FOIA


def test_foisa_letter_parses_under_foisa_with_section_17_not_held() -> None:
    parsed = _parse("""Glenmorven Council
Our reference: GC-FOI-4410

Your request has been handled under the Freedom of Information (Scotland) Act 2002.

1. How many ferry sailings were cancelled in 2023?
There were 214 cancelled sailings.
2. What was the cost of replacement buses?
The council does not hold this information. This is a notice under section 17 of the Act.

You may ask the Scottish Information Commissioner to review our decision.
""")
    assert parsed.regime is Regime.FOISA
    assert {p.regime for p in parsed.precedents} == {Regime.FOISA}
    assert _dispositions(parsed) == [D.DISCLOSED, D.NOT_HELD]
    assert parsed.precedents[1].exemptions == ("s17",)


def test_eir_letter_parses_under_eir_with_regulation_citations() -> None:
    parsed = _parse("""Dear Dr Shah,

Your request has been handled under the Environmental Information Regulations 2004.

1. Please provide the air quality readings for Castle Street for 2023.
The readings are attached.
2. Please provide the tender prices submitted for the monitoring contract.
The prices are withheld under regulation 12(5)(e), as they are commercially confidential.
3. Please provide the readings for 2005.
The council does not hold readings from before 2010.

Kind regards
""")
    assert parsed.regime is Regime.EIR
    assert _dispositions(parsed) == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.NOT_HELD]
    # Not held is no exception relied on unless the reply cites reg 12(4)(a) (the drafter adds it to drafts).
    assert _exemptions(parsed) == [(), ("reg 12(5)(e)",), ()]


# classify_disposition on short answers


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("The council spent £12,400 on the scheme in 2023.", D.DISCLOSED),
        ("Please find attached a copy of the parking enforcement policy.", D.DISCLOSED),
        ("Yes, the council has a written policy on this.", D.DISCLOSED),
        (
            "Some of the information is withheld under section 40(2) as it is personal data of staff; "
            "the rest is provided below: 14 officers attended the training.",
            D.PARTIALLY_DISCLOSED,
        ),
        (
            "A copy of the contract is attached with the names of junior staff redacted under section 40(2).",
            D.PARTIALLY_DISCLOSED,
        ),
        ("The council does not hold this information.", D.NOT_HELD),
        ("Information not held.", D.NOT_HELD),
        ("The trust holds no information within the scope of this request.", D.NOT_HELD),
        (
            "We can neither confirm nor deny whether we hold this information, by virtue of section 31(3).",
            D.NCND,
        ),
        ("This information is exempt under section 31(1)(a) and is withheld.", D.EXEMPT_WITHHELD),
        (
            "The figures are withheld under section 43(2), as disclosure would prejudice the supplier's "
            "commercial interests.",
            D.EXEMPT_WITHHELD,
        ),
        (
            "Locating and extracting this information would exceed the cost limit of £450, which equates "
            "to 18 hours of work.",
            D.S12_COST,
        ),
        ("We estimate that complying would exceed the appropriate limit under section 12(1).", D.S12_COST),
        (
            "This information is reasonably accessible to you, as it is published on our website, so "
            "section 21 applies.",
            D.S21_ACCESSIBLE,
        ),
        ("Your request is considered vexatious under section 14(1).", D.S14_VEXATIOUS_OR_REPEATED),
        (
            "This request is substantially similar to your previous request, which we answered in March, "
            "so section 14(2) applies.",
            D.S14_VEXATIOUS_OR_REPEATED,
        ),
        (
            "As this is a request for your own personal data, we have handled it as a subject access "
            "request under the Data Protection Act 2018.",
            D.OTHER,
        ),
        ("Before we can respond, please clarify which financial year you are interested in.", D.OTHER),
    ],
)
def test_short_answer_gets_its_disposition(answer: str, expected: Disposition) -> None:
    assert classify_disposition(answer) is expected


def test_empty_answer_is_other() -> None:
    assert classify_disposition("   ") is D.OTHER


def test_cost_limit_under_the_eir_is_manifestly_unreasonable() -> None:
    answer = "The request is manifestly unreasonable under regulation 12(4)(b), as the cost would exceed 18 hours."
    parsed = _parse(f"Handled under the Environmental Information Regulations 2004.\n\n1. Q one?\n{answer}\n"
                    "2. Q two?\nThe readings are attached.")
    assert parsed.precedents[0].disposition is D.S12_COST
    assert parsed.precedents[0].exemptions == ("reg 12(4)(b)",)


def test_cost_limit_mentioned_only_in_advice_is_not_a_refusal() -> None:
    answer = ("The council recorded 38 incidents. If you wish to narrow a future request so that it stays "
              "within the cost limit, we are happy to help.")
    assert classify_disposition(answer) is D.DISCLOSED


def test_data_protection_act_is_not_an_exemption() -> None:
    parsed = _parse("""1. Please list the names of staff who attended the conference.
Staff names are withheld under section 40(2), as disclosure would breach the first data protection principle in the Data Protection Act 2018.
2. How much did the conference cost?
The conference cost £3,150. We have given advice under section 16 about related material.
""")
    assert _exemptions(parsed) == [("s40(2)",), ()]


@pytest.mark.parametrize("answer", [
    "No information is held.", "No records are held by the council.",
    "Files about the Millbrook scheme were closed and destroyed long ago.",
    "No information relating to the scheme has been retained.",
    "The works have not started, so this question cannot be answered.",
    "The council is currently investigating if/how it can break down the footfall data by ward."])
def test_answer_starting_with_no_information_is_not_held(answer: str) -> None:
    assert classify_disposition(answer) is D.NOT_HELD


def test_an_investigation_that_is_not_about_producing_the_data_is_no_not_held() -> None:
    answer = "There were 14 complaints. We are investigating whether we can recover the costs from the contractor."
    assert classify_disposition(answer, question="How many complaints were made in 2023?") is D.DISCLOSED


def test_own_personal_data_under_section_40_1_is_other() -> None:
    answer = ("The information you asked for is your own personal data, so it is exempt under section 40(1). "
              "We have treated your request as a subject access request under the Data Protection Act 2018.")
    assert classify_disposition(answer) is D.OTHER


@pytest.mark.parametrize("answer", [
    "The information you require is held by the regional water company, Valeside Water.",
    "The data you have requested would be held by another public authority, the Northmoor Fire Service.",
    "We don't yet have a timetable for the resurfacing works.",
    "We don't keep records of which breeders belong to the assured scheme.",
    "Agency spend sits inside wider contracts, so there is no specific breakdown available.",
    "Our finance system will not identify which part of a contract relates to publicity.",
    "We do not have the full information for those years."])
def test_information_another_body_holds_none_kept_or_none_broken_down_is_not_held(answer: str) -> None:
    assert classify_disposition(answer) is D.NOT_HELD


def test_information_held_by_the_council_itself_is_no_not_held_cue() -> None:
    answer = "The information you requested is held by the council's parking team: 412 permits were issued."
    assert classify_disposition(answer) is D.DISCLOSED


@pytest.mark.parametrize("answer", [
    "Your request has been passed to the Subject Access team because you are asking for personal data.",
    "We write about your request for access to the information we hold about you.",
    "We cannot consider this as a valid request under the Act, as it does not give a real name.",
    "This is not a request for recorded information, so the Act does not apply to it."])
def test_a_subject_access_redirect_an_invalid_request_or_no_request_for_information_is_other(answer: str) -> None:
    assert classify_disposition(answer) is D.OTHER


# Reference and date extraction


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Our ref: FOI/2024/0312", "Date: 14 May 2024"], "FOI/2024/0312"),
        (["Reference No: 2024/FOI/00981"], "2024/FOI/00981"),
        (["FOI reference: 2024-0877"], "2024-0877"),
        (["Case number: CR/118/24"], "CR/118/24"),
        (["Freedom of Information Request - 118/2024", "Dear Sir"], "118/2024"),
        (["Dear Sir", "Thank you for your request."], ""),
    ],
)
def test_find_reference_reads_common_header_styles(lines: list[str], expected: str) -> None:
    assert find_reference(lines) == expected


def test_find_reference_prefers_our_reference_to_yours() -> None:
    assert find_reference(["Your ref: JB1", "Our reference: EIR-23-114"]) == "EIR-23-114"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Date: 14 May 2024"], "2024-05-14"),
        (["3rd March 2023"], "2023-03-03"),
        (["Date of response: 03/06/2024"], "2024-06-03"),
        (["Sent: 2024-06-03"], "2024-06-03"),
        (["June 4, 2024"], "2024-06-04"),
        (["Request received 1 May 2024", "Date of response: 20 May 2024"], "2024-05-20"),
        (["Date: 31 February 2024"], ""),
        (["No date in this letter"], ""),
    ],
)
def test_find_date_reads_common_header_styles(lines: list[str], expected: str) -> None:
    assert find_date(lines) == expected


def test_find_date_reads_sept_abbreviation() -> None:
    assert find_date(["Dated 5 Sept 2023"]) == "2023-09-05"


# Exemption precedents

REASONED_REFUSAL = """Northvale Police
Our reference: NP-2024-0456
Date: 9 January 2024

Dear Ms Adeyemi,

You asked:
1. How many automatic number plate recognition cameras operate on the A-road network?
2. Please provide the location of each camera.

Decision

The number of cameras is disclosed below. Their locations are withheld under section 31(1)(a). Northvale Police neither confirms nor denies whether it holds any information about covert camera deployments, by virtue of section 31(3).

Reasons for decision

Section 31(3) Law Enforcement

Revealing the precise location of each camera, or whether covert cameras are deployed, would allow offenders to plan routes that avoid them, which would be likely to prejudice the prevention and detection of crime.

Factors favouring disclosure: there is a public interest in transparency about how the force uses surveillance technology on public roads and how much it spends on it.

Factors favouring non-disclosure: knowing where every camera is would undermine a tactic that helps detect serious crime, and the balance of the public interest lies in withholding the locations.

Disclosure

Q1 - The force operates 64 ANPR cameras on the A-road network.
Q2 - The locations are withheld under section 31(1)(a), for the reasons given above.

If you are dissatisfied with this response you may ask for an internal review.
"""


def test_reasoning_paragraphs_become_exemption_precedents() -> None:
    parsed = _parse(REASONED_REFUSAL)
    tied = [e for e in parsed.exemption_precedents if e.section == "s31(3)"]
    kinds = [e.kind for e in tied]
    assert "harm_test" in kinds
    assert "public_interest" in kinds
    harm = next(e for e in tied if e.kind == "harm_test")
    assert harm.text.startswith("Revealing the precise location")
    favouring = [e.text for e in tied if e.kind == "public_interest"]
    assert any(text.startswith("Factors favouring disclosure") for text in favouring)


def test_a_public_interest_test_over_several_paragraphs_is_one_precedent_for_each_section_it_argues() -> None:
    from knowledge.reading.reasoning import exemption_reasoning

    paragraphs = [
        "Section 31(1)(a) - harm test. Publishing where the depots keep their explosives would show thieves where "
        "to look and would be likely to prejudice the prevention of crime.",
        "Section 38(1) - harm test. For the same reasons, disclosure would be likely to endanger the safety of "
        "the staff who work at those depots.",
        "Factors favouring disclosure: openness about how explosives are stored; reassurance for neighbours.",
        "Factors favouring maintaining the exemptions: the risk of theft and of harm to staff and neighbours.",
        "Balance test: the public interest favours maintaining sections 31(1)(a) and 38(1).",
        "If you are dissatisfied with this response you may ask for an internal review.",
    ]
    found = exemption_reasoning(paragraphs, Regime.FOIA, "depots.txt", "NP-1", "2024-01-09", "Northshire Police",
                                relied_on=["s31(1)(a)", "s38(1)"])
    tests = [item for item in found if item.kind == "public_interest"]
    assert sorted(item.section for item in tests) == ["s31(1)(a)", "s38(1)"]
    assert {item.text for item in tests} == {"\n\n".join(paragraphs[2:5])}
    assert [item.section for item in found if item.kind == "harm_test"] == ["s31(1)(a)", "s38(1)"]


def test_exemption_precedents_carry_the_letter_details() -> None:
    parsed = _parse(REASONED_REFUSAL)
    assert parsed.exemption_precedents
    for item in parsed.exemption_precedents:
        assert item.reference == "NP-2024-0456"
        assert item.date == "2024-01-09"
        assert item.regime is Regime.FOIA
        assert item.source == "test-letter.txt"


def test_closing_paragraph_is_not_an_exemption_precedent() -> None:
    parsed = _parse(REASONED_REFUSAL)
    assert not any("internal review" in e.text for e in parsed.exemption_precedents)


def test_reasoned_refusal_questions_are_still_read() -> None:
    parsed = _parse(REASONED_REFUSAL)
    assert _dispositions(parsed) == [D.DISCLOSED, D.EXEMPT_WITHHELD]
    assert parsed.precedents[1].exemptions == ("s31(1)(a)",)
    assert "Factors favouring" not in parsed.precedents[1].answer


def test_letter_without_reasoning_has_no_exemption_precedents() -> None:
    assert _parse(QUESTION_RESPONSE_PAIRS).exemption_precedents == ()


def test_reasons_after_the_answers_are_not_part_of_the_last_answer() -> None:
    parsed = _parse("""Our reference: NP-2024-0457

1. How many ANPR cameras does the force operate?
The force operates 64 cameras.
2. Please provide the location of each camera.
The locations are withheld under section 31(1)(a).

Reasons for decision

Section 31(1)(a) Law Enforcement

Revealing the precise location of each camera would allow offenders to plan routes that avoid them, which would be likely to prejudice the prevention of crime.

Yours sincerely
""")
    assert parsed.precedents[1].answer == "The locations are withheld under section 31(1)(a)."


def test_a_response_heading_under_each_restated_question_leads_to_its_own_answer() -> None:
    parsed = _parse("""Our reference: BV-2025-0101

Question 1

How many ferry sailings were cancelled in 2024?

Response

There were 212 cancelled sailings in 2024.

Question 2

Please provide the crew rota for the harbour launch.

Response

Not held

Question 3

What is the fuel contract price per litre?

Response

The price is withheld under section 43(2) of the Act, as disclosure would prejudice the supplier's commercial interests.
""")
    assert [p.disposition for p in parsed.precedents] == [
        Disposition.DISCLOSED, Disposition.NOT_HELD, Disposition.EXEMPT_WITHHELD]
    assert parsed.precedents[0].answer == "There were 212 cancelled sailings in 2024."


def test_a_follow_up_answered_not_applicable_is_not_held_and_a_plain_question_is_not() -> None:
    follow_up = "If yes, please give details of how you plan to change the service."
    assert classify_disposition("N/A", question=follow_up) is D.NOT_HELD
    assert classify_disposition("N/A", question="How many depots do you run?") is not D.NOT_HELD


def test_records_of_things_destroyed_are_figures_and_a_zero_for_a_follow_up_count_is_an_answer() -> None:
    assert classify_disposition("Our records show that 1,200 tonnes of waste were disposed of in 2023.") \
        is not D.NOT_HELD
    assert classify_disposition("None.", question="If so, how many of these complaints were upheld?") \
        is not D.NOT_HELD


def test_the_authoritys_word_on_the_regime_outweighs_the_requesters() -> None:
    request = "This request is made under the Freedom of Information Act 2000."
    reply = "Your request has been handled under the Environmental Information Regulations 2004."
    assert detect_regime(request + "\n" + reply) is Regime.EIR
    cost = "Under regulation 5(2) of the Fees Regulations we may aggregate requests (section 12(4))."
    assert detect_regime(cost) is Regime.FOIA


def test_details_of_things_the_authority_has_none_of_are_not_held() -> None:
    none = "Elmshire Council does not have any electric gritters."
    assert classify_disposition(none, question="Name of the supplier of your electric gritters.") is D.NOT_HELD
    assert classify_disposition(none, question="(If leased) the year each electric gritter was leased.") is \
        D.NOT_HELD
    # Asked for the list, how many, or whether: "none" is the answer.
    assert classify_disposition(none, question="A full list of the electric gritters you own.") is D.DISCLOSED
    assert classify_disposition(none, question="How many electric gritters do you own?") is D.DISCLOSED
    assert classify_disposition(none, question="Do you own any electric gritters?") is D.DISCLOSED
    # The answer is about something else than what was asked.
    assert classify_disposition(none, question="Name of the supplier of your road salt.") is D.DISCLOSED
    policy = "The council does not have a policy that says gritting stops at midnight. Each night is judged alone."
    assert classify_disposition(policy, question="A copy of the policy which states that gritting stops at "
                                                 "midnight.") is D.NOT_HELD


def test_a_year_with_no_data_beside_years_with_figures_is_a_partial_release() -> None:
    question = "How many bulky waste collections were made in 2019/20, 2020/21 and 2021/22?"
    answer = "19/20 = Not available as we changed booking systems in 2019. 20/21 = 4,120 21/22 = 4,388"
    assert classify_disposition(answer, question=question) is D.PARTIALLY_DISCLOSED
    assert classify_disposition("2019 - no data. 2020 - no data.", question=question) is D.NOT_HELD
    assert classify_disposition("The officer is not available on Fridays; 12 visits were made in 2023.",
                                question="How many visits were made in 2023?") is D.DISCLOSED


def test_a_complaint_upheld_in_part_and_the_section_39_route_decide_nothing() -> None:
    from knowledge.models import Regime
    question = "Please supply the drawings of the new bus gate."
    late = ("We apologise for the delay. We partially uphold your complaint because we replied late. Environmental "
            "information is exempt under section 39 of the Freedom of Information Act 2000, so we dealt with your "
            "request under the EIR. We are attaching the drawings.")
    assert classify_disposition(late, Regime.EIR, question=question) is D.DISCLOSED
    withheld = ("The drawings are exempt under section 39 as environmental information; the contractor's drawings "
                "are withheld under regulation 12(5)(e) of the EIR.")
    assert classify_disposition(withheld, Regime.EIR, question=question) is D.EXEMPT_WITHHELD
    redacted = "We partially uphold your complaint. Some drawings were redacted under regulation 13."
    assert classify_disposition(redacted, Regime.EIR, question=question) is D.PARTIALLY_DISCLOSED
