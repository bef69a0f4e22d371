"""Stages 3 and 4: each question's answer in the replies, and what it decides (fictional threads and letters)."""

from __future__ import annotations

import pytest

from knowledge.models import Disposition, SourceDocument
from knowledge.parser import classify_disposition, parse_document
from tests.test_reading_structure import ACKNOWLEDGEMENT, thread

D = Disposition


def read_thread(*messages: tuple[str, str, str]) -> list[tuple[str, Disposition, tuple[str, ...], bool]]:
    parsed = parse_document(SourceDocument(text=thread(*messages), source="thread.txt", kind="thread"))
    return [(p.answer, p.disposition, p.exemptions, p.answer_in_text) for p in parsed.precedents]


ASK = ("Dear council,\nPlease provide:\n1. The number of street trees felled in 2023\n"
       "2. The names of the tree surgeons employed\n3. The council's tree management policy\nYours faithfully,\nKim")


def test_rewrapped_restatements_are_found_and_each_gets_its_answer() -> None:
    reply = (
        "Dear Kim,\nPlease find our response below.\n"
        "1. The number of street trees felled in 2023\n"
        "The council felled 312 street trees in 2023, mostly because of ash\n"
        "dieback.\n"
        "2. The names of the tree surgeons\n"
        "employed\n"
        "The names of individual tree surgeons are withheld under section 40(2) as their personal data.\n"
        "3. The council's tree management policy\n"
        "The policy is published on our website at www.ashcombe.example.org/trees.\n"
        "Yours sincerely,\nTrees Team"
    )
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-03", ACKNOWLEDGEMENT),
                          ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers] == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.S21_ACCESSIBLE]
    assert "312 street trees" in answers[0][0]
    assert "dieback" in answers[0][0]
    assert answers[1][2] == ("s40(2)",)
    assert "logged" not in " ".join(a[0] for a in answers), "an acknowledgement is no answer"


def test_one_statement_after_the_request_answers_every_question() -> None:
    reply = "Dear Kim,\nThe council does not hold this information: tree works are recorded by our contractor."
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers] == [D.NOT_HELD] * 3


def test_an_answer_only_in_an_absent_attachment_is_other_and_not_in_the_text() -> None:
    reply = "1 Attachment\nFOI 5511 response.pdf\n88K\nDownload\nDear Kim,\nPlease see attached."
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-29", reply))
    assert {(a[1], a[3]) for a in answers} == {(D.OTHER, False)}


def test_restated_questions_with_nothing_between_them_share_the_answer_after_them() -> None:
    reply = ("1. The number of street trees felled in 2023\n2. The names of the tree surgeons employed\n"
             "This information is exempt under section 43(2) as it would prejudice the contractor's commercial "
             "interests.\n3. The council's tree management policy\nA copy of the policy is attached.")
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers[:2]] == [D.EXEMPT_WITHHELD, D.EXEMPT_WITHHELD]
    assert answers[2][1] is D.DISCLOSED
    assert answers[2][3] is False, "the policy asked for is the attachment"


def test_a_later_reply_about_no_question_in_particular_goes_to_the_unsettled_ones() -> None:
    first = ("1. The number of street trees felled in 2023\n312 trees were felled.\n"
             "2. The names of the tree surgeons employed\nThe names are withheld under section 40(2).\n"
             "3. The council's tree management policy\nThe policy is being revised and we will write again.")
    later = "Dear Kim,\nHaving reviewed the matter we now disclose the names of the contractors' firms: Oakline Ltd."
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-29", first),
                          ("incoming", "2024-02-20", later))
    assert "Oakline" not in answers[0][0], "a settled answer is not overwritten"
    assert "Oakline" in answers[1][0]


def test_parts_answered_one_by_one_become_questions_of_their_own() -> None:
    ask = "Dear council,\nPlease give the 2024 budget for the following services:\nLibraries\nMuseums\nArchives\nThanks"
    reply = ("Please find our response below:\n"
             "\u2502Libraries \u2502\u00a3 1,204,000\u2502\n\u2502Museums \u2502\u00a3 388,000\u2502\n"
             "Archives are run by the county, so the council does not hold a budget for them.")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers] == [D.DISCLOSED, D.DISCLOSED, D.NOT_HELD]


def test_a_clarified_request_is_the_one_answered() -> None:
    narrowed = "Dear council,\nTo narrow my request: please provide the number of trees felled in 2023 only.\nKim"
    reply = "Dear Kim,\nThe council felled 312 street trees in 2023."
    parsed = parse_document(SourceDocument(text=thread(
        ("outgoing", "2024-01-02", ASK),
        ("incoming", "2024-01-10", "Dear Kim,\nCould you please clarify which records you mean? Before we can "
                                   "process your request we need more detail."),
        ("outgoing", "2024-01-12", narrowed), ("incoming", "2024-02-01", reply)), source="t.txt", kind="thread"))
    assert len(parsed.precedents) == 1
    assert "2023 only" in parsed.precedents[0].question


def test_numbered_answers_in_a_letter_follow_a_restated_block() -> None:
    letter = (
        "Reference: HV/FOI/77\nYou asked:\n1. How many libraries closed in 2024?\n2. Please send the closure report.\n"
        "3. How many staff were made redundant?\nOur response\n1. Two libraries closed.\n"
        "2. The report is exempt under section 22 as it will be published next month.\n"
        "3. The council does not hold this information.\nYours sincerely,\nLibraries"
    )
    parsed = parse_document(SourceDocument(text=letter, source="letter.txt"))
    assert [p.disposition for p in parsed.precedents] == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.NOT_HELD]
    assert parsed.precedents[0].reference == "HV/FOI/77"


def test_questions_each_followed_by_their_answers_at_any_depth() -> None:
    letter = (
        "Your questions and our answers are below.\n"
        "1. Emergency calls:\n(a) How many 999 calls were received in 2024?\nThe control room received 98,120 calls.\n"
        "(b) Please provide the recording of the call about Mill Lane.\nThe recording is withheld under section "
        "40(2) of the Act.\n2. How many call handler posts are vacant?\nThere are 11 vacant posts.\n"
    )
    parsed = parse_document(SourceDocument(text=letter, source="letter.txt"))
    assert [p.disposition for p in parsed.precedents] == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.DISCLOSED]
    assert parsed.precedents[0].question.startswith("Emergency calls:")


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("How many rough sleepers were counted?",
         "Our published statistics are at www.example.gov.uk. However, we do not hold this information for the "
         "group you asked about.", D.NOT_HELD),
        ("Please provide the names of the inspectors who inspected Mill Road in 2023.",
         "We can confirm that the road was inspected on four occasions. The names of the inspectors are withheld "
         "under section 40(2).", D.EXEMPT_WITHHELD),
        ("How many reports were received, and what did each say?",
         "Seven reports were received. The details of each report are withheld under section 31(1)(a).",
         D.PARTIALLY_DISCLOSED),
        ("Who supplies the council's network and what is the annual spend?",
         "The supplier is Northgate Ltd. The annual spend is commercially sensitive.", D.PARTIALLY_DISCLOSED),
        ("Please provide the legal advice on the bridge closure.",
         "We considered whether section 42 applies but concluded that the public interest favours disclosure. "
         "The advice is enclosed.", D.DISCLOSED),
        ("Under what legal basis is property disposed of?",
         "Personal property is disposed of under section 41 of the Local Government (Miscellaneous Provisions) "
         "Act 1982.", D.DISCLOSED),
        ("How many staff received settlement payments?",
         "The council refuses to confirm or deny whether it holds this information, citing section 40(5B).",
         D.NCND),
        ("How many pre-booked interpreter calls were made?",
         "We are unable to differentiate between pre-booked and emergency calls.", D.NOT_HELD),
        ("Please provide the council's carbon plan.",
         "This information is published in our annual report, available on our website.", D.S21_ACCESSIBLE),
        ("What was the result of the rough sleeper count?",
         "The figure will be published next month and is exempt under section 22.", D.EXEMPT_WITHHELD),
        # Nothing made or nothing listed: for a document or a list asked for, not held; for a count or
        # a yes/no question, the same words answer it.
        ("Please provide any impact assessment made of the depot closure.",
         "There has been no impact assessment made of the depot closure.", D.NOT_HELD),
        ("Please provide copies of the agreed crossing designs for these junctions.",
         "No crossing designs were agreed for any of these junctions.", D.NOT_HELD),
        ("Please provide the dates when the new crossings were installed.",
         "There was no schedule for installation as no designs were agreed.", D.NOT_HELD),
        ("How many crossing designs were agreed?", "No crossing designs were agreed.", D.DISCLOSED),
        ("What date does your lease with the current provider end?", "N/A", D.DISCLOSED),
        ("Please provide the inspection schedule for the depot.", "None", D.NOT_HELD),
        ("Please provide the minutes of the closure meeting.",
         "The minutes are attached. No final decision was made at that meeting.", D.DISCLOSED),
        ("Please provide the bridge inspection dates.",
         "The bridge was inspected on 3 May 2021 and 9 June 2023. No inspection was carried out in 2022.",
         D.DISCLOSED),
        ("What was the parking budget for each of the last three years?", "Please see the attached document. "
         "Please note that in 2021/22 we did not record parking as a budget separate from highways.",
         D.PARTIALLY_DISCLOSED),
        ("Any list of the residents' groups consulted.", "None", D.NOT_HELD),
        ("How many residents' groups were consulted?", "None", D.DISCLOSED),
        ("Are any of the emails marked confidential?", "None.", D.DISCLOSED),
        ("Please provide the analysed data on noise by ward.",
         "The noise team does not possess analysed data in the requested format.", D.NOT_HELD),
        ("How many applicants were there for the post?", "The time since recruitment means no data is still held.",
         D.NOT_HELD),
        ("Please share your drone policy.", "The drone policy will be published once it has been developed and "
         "approved.", D.NOT_HELD),
        ("Please provide proof that the bypass was consulted on.", "We have taken two months to reply, for which we "
         "apologise. I can confirm that the council holds no relevant information.", D.NOT_HELD),
        ("How many ferry sailings were cancelled each month?",
         "We do not record cancellations by sailing; the closest data we can provide is that of cancellation "
         "notices issued: 14 in May and 9 in June.", D.PARTIALLY_DISCLOSED),
    ],
)
def test_what_an_answer_decides(question: str, answer: str, expected: Disposition) -> None:
    assert classify_disposition(answer, question=question, document_cites="commercially" in answer) is expected


def test_an_answer_pointing_to_another_question_takes_its_decision() -> None:
    letter = ("You asked:\n1. How many licensees were evicted?\n2. How many evicted licensees had property stored?\n"
              "Our response\n1. Evictions of licensees are not recorded separately, so this is not held.\n"
              "2. N/A. Please see our response to Q1.\n")
    parsed = parse_document(SourceDocument(text=letter, source="letter.txt"))
    assert [p.disposition for p in parsed.precedents] == [D.NOT_HELD, D.NOT_HELD]


def test_a_follow_up_answered_with_the_question_it_leans_on_is_one_question() -> None:
    ask = ("Dear council,\nFollowing the 2022 survey how many council libraries were found to have leaking roofs.\n"
           "How many of these still have leaking roofs?\nHow many leisure centres have leaking roofs?\n"
           "Yours faithfully,\nKim")
    reply = ("Dear Kim,\nPlease find our response below:\n"
             "• Following the 2022 survey how many council libraries were found to have leaking roofs. "
             "How many of these still have leaking roofs? None.\n"
             "• How many leisure centres have leaking roofs? Two.\nYours sincerely,\nProperty Team")
    parsed = parse_document(SourceDocument(text=thread(("outgoing", "2024-01-02", ask),
                                                       ("incoming", "2024-01-29", reply)),
                                           source="thread.txt", kind="thread"))
    assert [p.question for p in parsed.precedents] == [
        "Following the 2022 survey how many council libraries were found to have leaking roofs. "
        "How many of these still have leaking roofs?",
        "How many leisure centres have leaking roofs?"]


def test_a_reply_that_attaches_the_answer_amid_courtesies_is_not_in_the_text() -> None:
    reply = ("1 Attachment\nFOI 7781 response.pdf\n99K\nDear Kim,\nThe reference number for your request can be "
             "found above. We are sorry for the lengthy delay in replying and now attach the information you "
             "requested. We hope this is helpful.\nThe information provided in this response is available for "
             "re-use under the terms of the Open Government Licence v3.0.")
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-29", reply))
    assert {(a[1], a[3]) for a in answers} == {(D.OTHER, False)}


def test_a_reply_that_repeats_the_requesters_own_list_is_not_decided_by_the_words_it_repeats() -> None:
    ask = ("Dear council,\nPlease tell me whether you employ a play safety officer.\n"
           "Notes: the role may be defined as any of the following duties:\n"
           "\u2022 inspect play equipment where no inspection regime does not exist\n"
           "\u2022 keep the register of play areas and their surfaces up to date\n"
           "If someone holds these duties, please clarify which of them they hold.\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nWe do employ a Play Safety Officer.\nThe role has these duties from your list:\n"
             "\u2022 inspect play equipment where no inspection regime does not exist\n"
             "Yours sincerely,\nParks Team")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers] == [D.DISCLOSED, D.DISCLOSED]


def test_withholding_stated_as_done_is_read_though_no_section_is_named() -> None:
    answer = ("Details of the teams are provided below. Names and contact details of staff below director level "
              "have been withheld under our current policy.")
    assert classify_disposition(answer, question="A list of the teams and their staff") is D.PARTIALLY_DISCLOSED
    assert classify_disposition("If any information is withheld you may ask for a review. The team has 4 staff.",
                                question="How many staff?") is D.DISCLOSED


def test_a_reply_that_restates_the_list_then_answers_it_in_one_paragraph_answers_every_question() -> None:
    ask = ("Dear council,\nPlease provide:\n1. A list of the council's tree teams and their managers\n"
           "2. The names of all the tree surgeons in each team\n3. The names of all the tree inspectors in each "
           "team\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nWe have now attached a full reply to your request for:\n"
             "A list of the council's tree teams and their managers\n"
             "The names of all the tree surgeons in each team The names of all the tree inspectors in each team\n"
             "The details are in the attached spreadsheet. Some names of junior staff have been withheld under "
             "our policy.\nYours sincerely,\nTrees Team")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply))
    assert all("withheld" in a[0] for a in answers)


def test_a_reply_the_authority_withdrew_as_sent_in_error_answers_nothing() -> None:
    wrong = "Dear Kim,\nThe council holds no information on any of your questions.\nYours sincerely,\nTrees Team"
    withdrawn = ("Dear Kim,\nThe email we sent yesterday was sent to you in error. A full reply will follow.\n"
                 "Yours sincerely,\nTrees Team")
    right = ("Dear Kim,\n1. The council felled 312 street trees in 2023.\n2. The names are withheld under "
             "section 40(2).\n3. The policy is published on our website.\nYours sincerely,\nTrees Team")
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-20", wrong),
                          ("incoming", "2024-01-21", withdrawn), ("incoming", "2024-01-29", right))
    assert [a[1] for a in answers] == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.S21_ACCESSIBLE]


def test_a_section_named_to_explain_more_time_is_not_relied_on() -> None:
    from knowledge.models import Regime
    from knowledge.reading.decisions import citations_relied_on

    text = ("We are extending the deadline for our final response by 20 working days. Section 10 of the Act allows "
            "such an extension where an exemption is engaged, in this case section 42 (legal professional "
            "privilege), which needs the public interest test.")
    assert citations_relied_on(text, Regime.FOIA) == []
    assert citations_relied_on("The advice is withheld under section 42 of the Act.", Regime.FOIA) == ["s42"]


def test_a_reminder_after_the_request_was_validated_is_no_new_request() -> None:
    ask = "Dear council,\nPlease provide the minutes of the 2023 bypass consultation meetings.\nYours faithfully,\nKim"
    clarify = ("Dear Kim,\nWe cannot process your request because you have not given your full name. Could you "
               "please let us know your full name?\nYours sincerely,\nFOI Team")
    reminder = ("I am still awaiting information. Please provide this as per the FOI guidelines.")
    reply = "Dear Kim,\nThe minutes are attached.\nYours sincerely,\nFOI Team"
    parsed = parse_document(SourceDocument(text=thread(
        ("outgoing", "2024-01-02", ask), ("incoming", "2024-01-03", clarify), ("outgoing", "2024-01-04", "Kim Lowe"),
        ("outgoing", "2024-02-20", reminder), ("incoming", "2024-03-01", reply)), source="thread.txt", kind="thread"))
    assert [p.question for p in parsed.precedents] == ["Please provide the minutes of the 2023 bypass consultation "
                                                       "meetings."]


def test_denials_and_conditions_about_withholding_are_no_withholding() -> None:
    for answer in ("The council issued 412 fines in 2022. No information has been withheld.",
                   "The council issued 412 fines in 2022. If you feel information has been withheld, you may ask "
                   "for a review."):
        assert classify_disposition(answer, question="How many fines were issued?") is D.DISCLOSED


def test_a_correction_sent_in_place_of_an_earlier_reply_keeps_its_answers() -> None:
    correction = ("Dear Kim,\nPlease disregard our previous response, which was sent in error. The correct answers "
                  "are:\n1. The council felled 298 street trees in 2023.\n2. The names are withheld under section "
                  "40(2).\n3. The policy is published on our website.\nYours sincerely,\nTrees Team")
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-01-29", correction))
    assert [a[1] for a in answers] == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.S21_ACCESSIBLE]


def test_a_reply_that_says_the_one_before_was_wrong_replaces_it() -> None:
    wrong = ("Dear Kim,\nThe council does not respond to unsolicited requests about procurement.\nYours sincerely,\n"
             "Trees Team")
    right = ("Dear Kim,\nWe apologise for the response we sent on 3 May 2024, which was wrong. We are replacing it "
             "today with the following:\n1. The council felled 298 street trees in 2023.\n2. The names are withheld "
             "under section 40(2).\n3. The policy is published on our website.\nYours sincerely,\nTrees Team")
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-05-03", wrong),
                          ("incoming", "2024-06-01", right))
    assert [a[1] for a in answers] == [D.DISCLOSED, D.EXEMPT_WITHHELD, D.S21_ACCESSIBLE]


def test_a_short_correction_or_a_quoted_complaint_does_not_wipe_out_the_answers_before_it() -> None:
    first = ("Dear Kim,\n1. The council felled 312 street trees in 2023.\n2. The names are withheld under section "
             "40(2).\n3. The policy is published on our website.\nYours sincerely,\nTrees Team")
    short = ("Dear Kim,\nWe apologise for the response we sent on 3 May, which was wrong. The council felled 298 "
             "street trees in 2023.\nYours sincerely,\nTrees Team")
    answers = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-05-03", first),
                          ("incoming", "2024-05-09", short))
    assert "298" in answers[0][0]
    assert answers[0][1] is D.DISCLOSED
    complaint = ("Dear Kim,\nYou have said that the response we sent on 3 May, which was incorrect in your view, "
                 "left out names. I uphold the decision to withhold the names under section 40(2).\n"
                 "Yours sincerely,\nTrees Team")
    upheld = read_thread(("outgoing", "2024-01-02", ASK), ("incoming", "2024-05-03", first),
                         ("incoming", "2024-06-09", complaint))
    assert upheld[2][1] is D.S21_ACCESSIBLE


def test_an_hours_estimate_called_manifestly_unreasonable_refuses_on_cost() -> None:
    from knowledge.models import Regime
    question = "The total number of bridge closures in 2024."
    counted = ("412 permits required a closure. Checking each permit would total approximately 50 hours. "
               "We consider this to be manifestly unreasonable.")
    assert classify_disposition(counted, Regime.EIR, question=question) is Disposition.PARTIALLY_DISCLOSED
    refused = ("Checking each permit would take approximately 90 hours. We consider this to be manifestly "
               "unreasonable.")
    assert classify_disposition(refused, Regime.EIR, question=question) is Disposition.S12_COST
    supplied = ("See attached data under tab Q3. Exact times are not searchable; checking each permit would total "
                "approximately 670 hours, which we consider manifestly unreasonable.")
    assert classify_disposition(supplied, Regime.EIR, question="The duration of each closure.") is \
        Disposition.PARTIALLY_DISCLOSED


def test_a_part_refused_on_the_cost_limit_relies_on_it_with_or_without_the_section_named() -> None:
    from knowledge.models import Regime
    from knowledge.reading.decisions import exemptions_relied_on
    partial = Disposition.PARTIALLY_DISCLOSED
    counted = ("The number of fly-tipping reports in 2023 was 2,310. Recording the street of each report would "
               "take over 100 hours, which would exceed the cost limit of 18 hours.")
    assert exemptions_relied_on(counted, partial, Regime.FOIA, []) == ["s12"]
    assert exemptions_relied_on(counted, partial, Regime.EIR, []) == ["reg 12(4)(b)"]
    named = counted + " Names of the reporting officers are withheld under section 40(2)."
    assert sorted(exemptions_relied_on(named, partial, Regime.FOIA, [])) == ["s12", "s40(2)"]
    advised = ("The number of reports in 2023 was 2,310; the officers' names are withheld under section 40(2). "
               "If you narrow your request to one ward it may fall within the cost limit.")
    assert exemptions_relied_on(advised, partial, Regime.FOIA, []) == ["s40(2)"]


HEADINGS_ASK = ("Dear council,\nFor each of the last three years, please provide a table under these headings:\n"
                "1. Date of each parking appeal hearing\n2. Number of appeals heard\n"
                "3. Length of each hearing\n4. Number of appeals lodged by a limited company\nYours faithfully,\nKim")


def test_a_sentence_of_a_blanket_answer_that_names_one_heading_answers_that_heading_alone() -> None:
    reply = ("Dear Kim,\nPlease find below, Ashcombe Council's response to your request:\n"
             "Please see the attached spreadsheet. We cannot give figures for appeals lodged by firms, because "
             "companies are not recorded separately from people in our appeals system. We are also unable to "
             "provide the length of each hearing as hearings are not logged by time.")
    answers = read_thread(("outgoing", "2024-01-02", HEADINGS_ASK), ("incoming", "2024-01-29", reply))
    assert [(a[1], a[3]) for a in answers] == [(D.OTHER, False), (D.OTHER, False), (D.NOT_HELD, True),
                                               (D.NOT_HELD, True)]
    assert "lodged by firms" in answers[3][0]
    assert "length" not in answers[3][0]


def test_a_blanket_sentence_about_the_information_asked_for_speaks_for_every_heading() -> None:
    reply = ("Dear Kim,\nPlease find below, Ashcombe Council's response to your request:\n"
             "Hearings are arranged by the tribunal service.\nThis information is not stored centrally, so we do "
             "not hold the information you asked for in respect of any limited company.")
    answers = read_thread(("outgoing", "2024-01-02", HEADINGS_ASK), ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers] == [D.NOT_HELD] * 4


def test_refuse_collection_and_postcodes_in_a_blanket_answer_are_no_refusal() -> None:
    ask = ("Dear council,\nPlease provide:\n1. The number of refuse collection rounds in S10 2HH\n"
           "2. The number of bins emptied on those rounds\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nPlease see the attached table of refuse collection rounds for S10 2HH.\n"
             "We are unable to provide the number of bins emptied, as bins emptied are not logged by round.")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply))
    assert answers[1][1] is D.NOT_HELD
    assert "attached table" not in answers[1][0]
    assert "unable" not in answers[0][0]


def test_a_blanket_sentence_naming_two_items_answers_those_two_and_a_late_reply_apology_refuses_nothing() -> None:
    ask = ("Dear council,\nPlease provide:\n1. How much did Ashcombe spend on barristers' fees in 2023?\n"
           "2. How much did Ashcombe spend on agency solicitors' fees in 2023?\n"
           "3. How much did Ashcombe spend on advocates' fees in 2023?\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nHere is the spend on agency solicitors' fees for tribunal hearings.\n2023 - £86,890.35\n"
             "We do not hold information on the spend on barristers' fees or advocates' fees.\n"
             "We have breached section 10 of the Act by replying late, for which we apologise.")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-03-29", reply))
    assert [a[1] for a in answers] == [D.NOT_HELD, D.DISCLOSED, D.NOT_HELD]


def test_a_sentence_that_sets_one_item_against_another_does_not_answer_both() -> None:
    ask = ("Dear council,\nPlease provide:\n1. How much did Ashcombe spend on barristers' fees in 2023?\n"
           "2. How much did Ashcombe spend on agency solicitors' fees in 2023?\n"
           "3. How much did Ashcombe spend on advocates' fees in 2023?\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nPlease see the attached spreadsheet of legal spend.\nWe do not record advocates' fees "
             "separately from barristers' fees; they are included in the figures attached.")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-03-29", reply))
    assert answers[0][1] is not D.NOT_HELD


def test_a_blanket_refusal_keeps_its_reasoning_whole() -> None:
    reply = ("Dear Kim,\nThe information you have requested is exempt under section 12, as finding it would exceed "
             "the cost limit. We do not record the length of each hearing in a form that allows a report.")
    answers = read_thread(("outgoing", "2024-01-02", HEADINGS_ASK), ("incoming", "2024-01-29", reply))
    assert [a[1] for a in answers] == [D.S12_COST] * 4


def test_no_full_record_but_a_list_given_is_a_partial_disclosure() -> None:
    answer = ("We do not have the full information from 2016 but the following groups below were running: "
              "the carers' network and the disability forum.")
    assert classify_disposition(answer) is D.PARTIALLY_DISCLOSED


def test_a_review_of_one_answer_leaves_the_answers_it_never_mentions() -> None:
    ask = ("Dear council,\nPlease provide:\n1. A copy of each market trader licence currently issued\n"
           "2. The number of litter fines issued to market traders in 2023\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nPlease find our response below.\n1. A copy of each market trader licence currently issued\n"
             "The licences are attached, with traders' home addresses withheld under section 40(2).\n"
             "2. The number of litter fines issued to market traders in 2023\n"
             "No records are kept of fines by trade, so this information is not held.\nYours sincerely,\nMarkets")
    review = ("Dear Kim,\nI have now completed the internal review of your request.\nYou were concerned that the "
              "copies of the licences issued to each market trader were redacted too heavily.\nI have found that "
              "trading names should not have been redacted, and I attach those documents again with only home "
              "addresses withheld under section 40(2).\nYours sincerely,\nReviewing Officer")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply),
                          ("outgoing", "2024-02-01", "Dear council,\nPlease review the redactions.\nKim"),
                          ("incoming", "2024-03-01", review))
    assert answers[1][1] is D.NOT_HELD
    assert "No records are kept" in answers[1][0]


@pytest.mark.parametrize(("question", "answer", "expected"), [
    # Keeping and collecting speak of information only with an object that says so.
    ("How many bins were missed in May?", "We didn't collect the bins on 5 May because of the snow; 212 were "
     "missed that month.", D.DISCLOSED),
    ("How many bins were missed in May?", "We do not keep this information.", D.NOT_HELD),
    ("Please provide your gritting programme for 2025.", "We don't yet have a programme for the winter.",
     D.NOT_HELD),
    # "Our records do not show any" is a zero, not a record that is missing.
    ("How many complaints were made about the crematorium in 2024?",
     "Our records do not show any complaints about the crematorium in 2024.", D.DISCLOSED),
    # A website's "not logged in" is not a record that was never logged.
    ("How many people used the online parking permit service in 2024?",
     "4,210 residents used it, of whom 300 were not logged in.", D.DISCLOSED),
    ("How many calls about potholes were received?", "Calls are not logged on the system by subject.", D.NOT_HELD),
    # Held by one of the authority's own teams is held; held by another body is not.
    ("Please provide the tree survey for Elm Park.",
     "The information you requested is held by our Parks team, who have supplied the attached survey.",
     D.DISCLOSED),
    ("Please provide the tree survey for Elm Park.",
     "The information you requested is held by the Department for Transport.", D.NOT_HELD),
    # Sent elsewhere is not some of it given.
    ("Please provide the water quality tests for Mill Lake.",
     "We do not hold this information, but the following organisation may be able to help: Northvale Water.",
     D.NOT_HELD),
    # A SAR team named in statistics about SARs is not this request treated as one.
    ("How many subject access requests did the council receive in 2024?",
     "Requests are passed to the subject access team, who received 1,204 requests in 2024.", D.DISCLOSED),
])
def test_not_held_wording_needs_what_it_says_about_information(question: str, answer: str,
                                                                expected: Disposition) -> None:
    assert classify_disposition(answer, question=question) is expected


def test_an_invalid_request_is_the_request_not_anything_near_the_word_request() -> None:
    assert classify_disposition("Your request for information is invalid because no real name was given.") is \
        D.OTHER
    assert classify_disposition("The request process for new bins is simple; the old form is invalid now and the "
                                "new one costs nothing.") is D.DISCLOSED


def test_numbered_follow_ups_each_answered_zero_stay_apart() -> None:
    ask = ("Dear council,\n1. The number of children placed for adoption in 2024.\n"
           "2. Of those in number 1, how many were placed outside the county?\n"
           "3. Of those in number 2, how many were siblings placed together?\nYours faithfully,\nKim")
    reply = ("Dear Kim,\n1. The number of children placed for adoption in 2024.\n12\n"
             "2. Of those in number 1, how many were placed outside the county?\n0\n"
             "3. Of those in number 2, how many were siblings placed together?\n0\n")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply))
    assert [(a[0], a[1]) for a in answers] == [("12", D.DISCLOSED), ("0", D.DISCLOSED), ("0", D.DISCLOSED)]


def test_a_link_given_where_the_link_was_asked_for_is_a_disclosure() -> None:
    answer = "Please see the following link: [2]Bulky waste collection | Ashcombe Council"
    assert classify_disposition(answer, question="Please provide a URL for any page about bulky waste.") is \
        D.DISCLOSED
    assert classify_disposition(answer, question="How much does a bulky waste collection cost?") is \
        D.S21_ACCESSIBLE


def test_a_review_that_names_its_question_number_replaces_only_that_answer() -> None:
    ask = ("Dear council,\nPlease provide:\n1. The number of market stall agreements signed\n"
           "2. A copy of the market stall tenancy agreement\nYours faithfully,\nKim")
    reply = ("Dear Kim,\nPlease find our response below.\n1. The number of market stall agreements signed\n"
             "We let 41 market stalls in 2023.\n2. A copy of the market stall tenancy agreement\n"
             "The agreement is exempt under section 43(2).\nYours sincerely,\nMarkets")
    review = ("Dear Kim,\nI have now completed the internal review of your request.\nRegarding question 2, I find "
              "that section 43(2) was wrongly applied to the market stall agreement, and I attach it in full.\n"
              "Yours sincerely,\nReviewing Officer")
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", reply),
                          ("outgoing", "2024-02-01", "Dear council,\nPlease review question 2.\nKim"),
                          ("incoming", "2024-03-01", review))
    assert answers[0][1] is D.DISCLOSED
    assert answers[0][0].startswith("We let 41 market stalls")
    assert "attach" not in answers[0][0]
    assert "attach it in full" in answers[1][0]


def test_section_40s_individual_other_than_yourself_is_no_partial_release() -> None:
    answer = ("The information you have requested is exempt from disclosure under section 40(2). Section 40(2) "
              "exempts personal data belonging to an individual other than yourself where a condition is met.")
    assert classify_disposition(answer, question="Please send the phone list of the social work teams.") is \
        D.EXEMPT_WITHHELD


def test_the_answer_to_a_request_narrowed_after_a_cost_refusal_replaces_the_refusal() -> None:
    ask = "Dear council,\nHow much has the council spent on tribunal hearings each year since 2015?\nKim"
    refusal = ("Dear Kim,\nThe information you have requested is exempt under section 12, as finding it would "
               "exceed the cost limit of 18 hours.\nYours sincerely,\nLegal Services")
    narrowed = ("Dear council,\nTo narrow down the time needed, could I ask instead for the same information but just "
                "for the last two years?\nKim")
    answer = "Dear Kim,\nPlease find our response below.\n2022 £44,000\n2023 £61,500\nYours sincerely,\nLegal Services"
    answers = read_thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", refusal),
                          ("outgoing", "2024-02-01", narrowed), ("incoming", "2024-02-20", answer))
    assert answers[0][1] is D.DISCLOSED
    assert "section 12" not in answers[0][0]


def test_a_count_in_words_before_a_not_held_caveat_is_given() -> None:
    answer = ("At the start of the financial year sixteen schools forecast a deficit. Please note this is by "
              "financial year; we do not hold the information by school year.")
    assert classify_disposition(answer, question="How many schools forecast a deficit for 2024/25?") is \
        D.PARTIALLY_DISCLOSED


@pytest.mark.parametrize(("question", "answer", "expected"), [
    # Keeping, collecting and capturing information, whatever it is, is not holding it.
    ("Please provide the CCTV footage of Elm Street on 3 May.", "The council does not retain CCTV footage beyond 31 "
     "days.", D.NOT_HELD),
    ("Please provide the recordings of my calls.", "We do not keep recordings of calls.", D.NOT_HELD),
    ("What nationality are the applicants?", "The council does not collect the nationality of applicants.",
     D.NOT_HELD),
    # Another authority's service holds it; only the council's own teams hold it for the council.
    ("Please provide the stop and search figures.", "The information you have requested is held by the Northvale "
     "Police Service.", D.NOT_HELD),
    ("How many calls were about noise?", "Calls are not logged on Mosaic by subject.", D.NOT_HELD),
    ("How many taxis were fined?", "The system does not show whether the vehicle was a taxi.", D.NOT_HELD),
    # "... but the figures for the city are attached, which may help": some of it given.
    ("How many fines were issued in each ward?", "We do not hold a breakdown by ward, but the figures for the city "
     "as a whole are attached, which may help.", D.PARTIALLY_DISCLOSED),
    ("Please confirm the parking permit number.", "The parking permit number given in your request is invalid; the "
     "permit on record is 4411.", D.DISCLOSED),
    ("Please provide the figures.", "Your request, as it does not include your real name, is invalid.", D.OTHER),
])
def test_the_reviewed_not_held_and_other_wordings(question: str, answer: str, expected: Disposition) -> None:
    assert classify_disposition(answer, question=question) is expected


def test_only_a_request_narrowed_after_a_refusal_is_answered_anew() -> None:
    from knowledge.reading.answers import _after_narrowing
    from knowledge.reading.structure import thread_messages

    ask = "Dear council,\nHow many bins were missed in each year since 2010?\nKim"
    answered = "Dear Kim,\nPlease find our response below.\n2023 87\n2024 91\nYours sincerely,\nWaste"
    refused = ("Dear Kim,\nThe information is exempt under section 12, as finding it would exceed the cost limit.\n"
               "Yours sincerely,\nWaste")
    narrowed = "Dear council,\nCould I narrow this to just for the last two years instead?\nKim"
    later = "Dear Kim,\nPlease find our response below.\n2023 87\n2024 91\nYours sincerely,\nWaste"
    for first, expected in ((answered, 0), (refused, 1)):
        messages = thread_messages(thread(("outgoing", "2024-01-02", ask), ("incoming", "2024-01-29", first),
                                          ("outgoing", "2024-02-01", narrowed), ("incoming", "2024-02-20", later)))
        assert len(_after_narrowing(messages)) == expected



def test_a_paragraph_opening_on_its_topic_answers_the_question_it_names() -> None:
    from knowledge.reading.answers import locate
    from knowledge.reading.questions import read_questions
    questions = read_questions(
        "Please provide copies of all correspondence and meeting notes with Elm Park Primary School about the noise "
        "levels from the nearby depot, and any actions agreed with the school.\n"
        "Please also provide any general guidance, procedures or policy documents setting out how the council's "
        "environmental health service works with local schools, nurseries and colleges across the borough when "
        "residents or staff raise noise complaints (I am not interested in schemes that do not apply to Elm Park)."
    ).flat()
    reply = ["We do not hold any correspondence or meeting notes with Elm Park Primary School about depot noise.",
             "With regards to general guidance on noise complaints, officers follow the Noise Protocol.",
             "It sets a response time of five working days."]
    assert locate(questions, reply) == [reply[0], "\n".join(reply[1:])]
    unnamed = [reply[0], "Officers follow the Noise Protocol, with a response time of five working days."]
    assert locate(questions, unnamed) == [None, None]  # no paragraph of its own for the second question


def test_a_wrapped_sentence_ending_on_another_question_number_does_not_cut_the_answer() -> None:
    from knowledge.reading.answers import locate
    from knowledge.reading.questions import read_questions
    questions = read_questions("1. How many wardens did the council employ in 2023?\n"
                               "2. How many patrols did the wardens carry out in 2023?\n"
                               "3. How many fines did the wardens issue in 2023?").flat()
    reply = ["1. How many wardens did the council employ in 2023?", "12",
             "2. How many patrols did the wardens carry out in 2023?",
             "These figures include school patrols, so they will not compare with the fines given in answer to",
             "question 3.", "2023 - 1,410",
             "3. How many fines did the wardens issue in 2023?", "310"]
    located = locate(questions, reply)
    assert "1,410" in (located[1] or "")
    assert located[2] == "310"
    numbered = ["1. How many wardens did the council employ in 2023?", "12",
                "2. How many patrols did the wardens carry out in 2023?", "1,410.",
                "question 3: please see the attached list of fines."]
    assert "attached list" not in (locate(questions, numbered)[1] or "")


def test_the_questions_own_bracketed_example_after_its_mark_is_no_answer() -> None:
    from knowledge.reading.answers import locate
    from knowledge.reading.questions import read_questions
    questions = read_questions(
        "1. How long does a family wait for a school place? (for example a family that has moved to the area).\n"
        "2. How many families waited more than a month?").flat()
    reply = ["1. How long does a family wait for a school place? (for example a family that has moved to the "
             "area).", "See attachment", "2. How many families waited more than a month?", "14"]
    assert locate(questions, reply)[0] == "See attachment"
    answered = ["1. How long does a family wait for a school place? (usually two weeks for a family)", "",
                "2. How many families waited more than a month?", "14"]
    assert "usually two weeks" in (locate(questions, answered)[0] or "")


def test_a_reply_naming_a_part_of_a_numbered_question_answers_that_part() -> None:
    from knowledge.reading.answers import locate
    from knowledge.reading.questions import read_questions
    questions = read_questions(
        "1. How many dog fouling fines were issued in each of the last three years?\n"
        "2. Within that breakdown, can you tell me:\n"
        "a. How many were issued in the Elmhurst ward area?\n"
        "b. How many were issued in Riverside?\n"
        "c. How many were paid on time?").flat()
    assert [item.parent_label for item in questions] == ["", "2", "2", "2"]
    reply = ["With regards to question 1 and point 2 for point c, the figures are published on our website.",
             "With regards to the ward area, we do not hold fines by ward."]
    located = locate(questions, reply)
    assert located[0] == reply[0]
    assert located[3] == reply[0]
    assert located[1] == reply[1]
    assert located[2] is None
    by_number = ["With regards to question 2, we do not hold fines by ward or payment date."]
    assert locate(questions, by_number) == [None, *by_number * 3]


def test_review_misfires_of_the_answer_rules_stay_fixed() -> None:
    from knowledge.models import Regime
    from knowledge.reading.answers import locate
    from knowledge.reading.decisions import exemptions_relied_on
    from knowledge.reading.questions import read_questions
    shelters = read_questions("1. How many bus shelters does the council maintain?\n"
                              "2. How many bus shelters were repaired in 2023?\n"
                              "3. Please provide any information held about the bus shelter advertising contract."
                              ).flat()
    reply = ["Regarding your request for information, please see our response below.",
             "1. How many bus shelters does the council maintain?", "340",
             "2. How many bus shelters were repaired in 2023?", "52",
             "3. Please provide any information held about the bus shelter advertising contract.",
             "The contract is attached."]
    assert locate(shelters, reply) == ["340", "52", "The contract is attached."]
    carers = read_questions("1. What support does the council offer to carers? (e.g. respite breaks, assessments)\n"
                            "2. How many carers' assessments were completed in 2023?").flat()
    answered = ["1. What support does the council offer to carers? (respite breaks and carers' assessments)",
                "2. How many carers' assessments were completed in 2023?", "1,204"]
    assert locate(carers, answered)[0] == "(respite breaks and carers' assessments)"
    noise = read_questions("1. How many noise complaints were received in 2023?\n"
                           "2. How many abatement notices were served?\n3. How many prosecutions followed?").flat()
    cut = ["Question 1", "1,204", "Question 2", "38 notices were served",
           "in relation to question 3 the information is not held", "Question 3", "See above"]
    assert locate(noise, cut)[1] == "38 notices were served"
    partial = Disposition.PARTIALLY_DISCLOSED
    note = ("We hold 3 incident reports, copies attached with names redacted under section 40(2). Please note that "
            "requests which exceed the appropriate limit of £450 may be refused.")
    assert exemptions_relied_on(note, partial, Regime.FOIA, []) == ["s40(2)"]
    within = ("There were 4,812 encounters in 2023; names are withheld under section 40(2). The appropriate limit is "
              "£450; this request did not exceed it.")
    assert exemptions_relied_on(within, partial, Regime.FOIA, []) == ["s40(2)"]


def test_review_misfires_of_the_outcome_rules_stay_fixed() -> None:
    breaches = "How many data breaches were reported to the ICO in 2021, 2022 and 2023?"
    assert classify_disposition("2021: no data breaches were reported. 2022: 2. 2023: 1.", question=breaches) is \
        D.DISCLOSED
    assert classify_disposition("2022: 3,295. 2023: not available", question=breaches) is D.PARTIALLY_DISCLOSED
    assert classify_disposition("2,310 incidents were recorded in 2023. The council is exploring whether it can "
                                "report these by ward next year.", question="How many incidents in 2023?") is \
        D.DISCLOSED
    for question, answer in [
            ("The name of the supplier of your body-worn cameras.",
             "The force does not have a single supplier; cameras are bought from two firms."),
            ("Please provide the job title of the officer responsible for air quality.",
             "The council does not have a dedicated air quality officer. Air quality is the responsibility of the "
             "Environmental Protection Manager."),
            ("Please provide the date the tree policy was last reviewed.",
             "The council does not have a formal review date for the policy, however it was last updated in 2021."),
            ("Please explain why the council does not employ any dog wardens.",
             "The council does not employ any dog wardens as the service is run by a contractor.")]:
        assert classify_disposition(answer, question=question) is D.DISCLOSED, question
    assert classify_disposition("None", question="Please provide the dates of any meetings with Elm Developments "
                                                 "in 2023.") is D.NOT_HELD
