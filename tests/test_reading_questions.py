"""Stage 2: the one question-list grammar, as the reader and the request splitter both use it (fictional requests)."""

from __future__ import annotations

import pytest

from bot.splitting import split_request_detailed
from knowledge.reading.questions import ItemKind, read_questions


def reading(text: str) -> list[str]:
    """Questions as the reader counts them: parts answered together stay together."""
    return read_questions(text).questions(split_parts=False)


@pytest.mark.parametrize(
    "phrasing",
    [
        "Could you please let me know if the council uses drones for surveys.",
        "Please also provide the number of drone pilots.",
        "If so, please provide the policy on flights over homes.",
        "I would like the total spent on drone insurance in 2024.",
        "Can you tell me which suppliers maintain the drones?",
    ],
)
def test_requests_that_are_not_phrased_as_questions_are_questions(phrasing: str) -> None:
    text = f"1. How many drones does the council own?\n2. {phrasing}"
    assert split_request_detailed(text).questions == ("How many drones does the council own?", phrasing)


def test_an_introducing_line_joins_the_questions_after_it_and_replaces_none() -> None:
    text = (
        "1. Could you let me know whether the trust uses predictive software to schedule theatre lists.\n"
        "I am seeking details on the following:\n"
        "2. Which departments use it?\n"
        "3. Who supplies it?\n"
        "4. What did it cost in 2024?\n"
    )
    split = split_request_detailed(text)
    assert len(split.questions) == 4
    assert split.questions[1] == "I am seeking details on the following: Which departments use it?"
    assert split.left_out == ()


def test_lettered_parts_finishing_a_stem_are_one_question_until_answered_apart() -> None:
    text = "Do you have a yearly breakdown since 2021 of\na) rough sleepers counted\nb) hostel places available"
    assert len(reading(text)) == 1
    assert split_request_detailed(text).questions == (
        "Do you have a yearly breakdown since 2021 of rough sleepers counted",
        "Do you have a yearly breakdown since 2021 of hostel places available",
    )


def test_bare_categories_under_a_stem_are_parts_of_one_question() -> None:
    text = "Please give the 2024 budget for each of the following services:\nLibraries\nMuseums\nArchives"
    read = read_questions(text)
    [item] = read.items
    assert [part.text for part in item.parts] == ["Libraries", "Museums", "Archives"]
    assert read.questions(split_parts=True)[0] == (
        "Please give the 2024 budget for each of the following services: Libraries")


def test_bullets_under_a_stem_are_questions_each_carrying_the_stem_where_they_need_it() -> None:
    text = ("Could you provide the following about your pest control contract:\n"
            "- The name of the contractor\n- The annual contract value\n"
            "- Whether the contract includes the treatment of wasp nests in council housing")
    questions = reading(text)
    assert len(questions) == 3
    assert questions[0].startswith("Could you provide the following about your pest control contract:")
    assert questions[1] == "Could you provide the following about your pest control contract: The annual contract value"
    assert questions[2] == "Whether the contract includes the treatment of wasp nests in council housing"


def test_lines_under_broken_down_by_are_dimensions_of_one_question() -> None:
    text = ("1. How many fixed penalty notices were issued in 2024? Broken down, specifically:\n"
            "Littering\nDog fouling\n2. How many were paid?")
    read = read_questions(text)
    assert len(read.questions(split_parts=True)) == 2
    assert [part.kind for part in read.items[0].parts] == [ItemKind.DIMENSION, ItemKind.DIMENSION]


def test_a_heading_item_gives_its_lettered_questions_their_context() -> None:
    text = "1. For the year 2023/24:\n(a) how many potholes were filled;\n(b) how many claims were paid."
    assert split_request_detailed(text).questions == (
        "For the year 2023/24: how many potholes were filled;",
        "For the year 2023/24: how many claims were paid.",
    )


def test_procedural_lines_are_left_out_and_shown_never_lost() -> None:
    text = (
        "I am writing to request information under the Freedom of Information Act.\n"
        "How many parking fines did the council issue in 2024?\n"
        "Please send the response by email in a spreadsheet.\n"
        "If any part of this request would exceed the cost limit, please advise how I can narrow it.\n"
        "I look forward to hearing from you."
    )
    split = split_request_detailed(text)
    assert split.questions == ("How many parking fines did the council issue in 2024?",)
    assert len(split.left_out) == 4
    assert split.left_out[0].startswith("I am writing to request information")


def test_a_document_the_requester_quotes_is_not_read_as_their_questions() -> None:
    from knowledge.reading.letters import without_quoted_documents

    lines = ["The ministry wrote to you asking:", "-- Letter start --", "1. Describe your audit process.",
             "-- Letter end --", "Please can you provide:", "1. A copy of your reply to that letter."]
    assert reading("\n".join(without_quoted_documents(lines))) == ["A copy of your reply to that letter."]


def test_a_bare_lead_is_carried_by_no_question() -> None:
    for lead in ("Please tell me:", "Under the Freedom of Information Act please tell me:",
                 "Could you please provide the following information:", "I would like the following information:",
                 "I am requesting the following information under the Freedom of Information Act 2000:"):
        assert reading(f"{lead}\n1. The number of wardens.\n2. The cost of the patrols.") == [
            "The number of wardens.", "The cost of the patrols."]
    assert reading("I would like the following about wardens:\n1. The number employed.\n2. Their cost.")[0] == \
        "I would like the following about wardens: The number employed."


def test_scope_and_fallback_sentences_stay_with_their_question() -> None:
    text = ("I would like to know how much each primary school spent on supply staff.\n"
            "I would like this data to cover the academic year 2023/24.")
    assert len(reading(text)) == 1


def test_a_request_written_as_a_statement_is_one_question() -> None:
    assert reading("I am writing about the footpath by Millbrook Green,\nwhich has been flooded for weeks.") == [
        "I am writing about the footpath by Millbrook Green, which has been flooded for weeks."]


def test_a_list_of_fields_keeps_its_last_field_and_leaves_the_notes_after_it_alone() -> None:
    text = (
        "Please provide the register of market stall licences, with the following fields:\n"
        "- Stall reference\n"
        "- Trader category\n"
        "- Annual pitch fee charged (in pounds)\n"
        "If you cannot give the trader category, please send the rest of the register.\n"
        "Please could you also provide the list of pitch codes you use.\n"
    )
    questions = reading(text)
    assert len(questions) == 4
    assert questions[2].endswith("Annual pitch fee charged (in pounds)")
    assert questions[3] == "Please could you also provide the list of pitch codes you use."


def test_numbered_and_lettered_markers_together_make_items_of_their_own() -> None:
    text = ("2.A Can the council confirm whether the ferry timetable policy was reviewed in 2024?\n"
            "2.B Please produce all correspondence, reports and electronic mail about that review.")
    assert reading(text) == [
        "Can the council confirm whether the ferry timetable policy was reviewed in 2024?",
        "Please produce all correspondence, reports and electronic mail about that review.",
    ]


@pytest.mark.parametrize(
    "note",
    [
        "If this request is likely to exceed costs, please answer the questions in order until the limit is reached.",
        "The information I seek would be generated in the period from the 1st April 2024 to the date of your reply.",
        "I would like this information for the school years 2021/22 through to 2023/24.",
    ],
)
def test_notes_on_scope_and_cost_after_the_questions_are_not_questions(note: str) -> None:
    text = f"1. How many school crossing patrols are funded?\n2. How many patrol posts are vacant?\n{note}"
    assert len(reading(text)) == 2


def test_a_paragraph_naming_only_the_subject_is_context_for_the_list_it_introduces() -> None:
    text = ("This request concerns the harbour patrol team. I am requesting information about the team's work "
            "with the coastguard. Please disclose on how many occasions the harbour patrol team has\n"
            "1) carried out a joint patrol with the coastguard\n"
            "2) shared incident logs with the coastguard\n")
    questions = reading(text)
    assert len(questions) == 2
    assert questions[0].startswith("Please disclose on how many occasions")
    assert questions[0].endswith("carried out a joint patrol with the coastguard")


def test_a_sentence_saying_why_the_requester_asks_is_not_a_question() -> None:
    text = ("I have been reading about ferry delays and I would like to understand the position at the harbour.\n\n"
            "Please tell me how many sailings were cancelled in 2024.\n\n"
            "I would like to understand how many of those were cancelled for lack of crew.")
    split = split_request_detailed(text)
    assert split.questions == (
        "Please tell me how many sailings were cancelled in 2024.",
        "I would like to understand how many of those were cancelled for lack of crew.",
    )
    assert split.left_out[0].startswith("I have been reading about ferry delays")
    assert len(reading(text)) == 2


def test_a_motive_and_a_narrowing_offer_around_the_list_are_not_questions() -> None:
    text = ("I read in the Harbour Gazette that the port uses hidden cameras on the quay. Our members are uneasy, "
            "so I want to find out how much of this goes on.\n\nCould you let me know:\n\n"
            "a) How many covert cameras did the port install in 2024?\n"
            "b) A copy of the port's policy on covert cameras.\n\n"
            "If any of this would take too long, please answer what you can and let me know how I could narrow "
            "it.\n\nThanks,\nA Requester")
    split = split_request_detailed(text)
    assert len(split.questions) == 2
    assert split.questions[0].endswith("How many covert cameras did the port install in 2024?")
    assert any(part.startswith("If any of this would take too long") for part in split.left_out)
    read = reading(text)  # the reader keeps lettered parts together
    assert len(read) == 1
    assert "Gazette" not in read[0]
    assert "too long" not in read[0]


def test_a_follow_up_that_depends_on_the_answer_stays_with_its_question() -> None:
    text = ("Does the harbour authority use drones to inspect the sea wall? If it does, how many flights were made "
            "in 2024?\n\nPlease tell me the annual cost of sea wall repairs.")
    split = split_request_detailed(text)
    assert len(split.questions) == 2
    assert split.questions[0].endswith("how many flights were made in 2024?")


def test_background_before_a_list_lead_in_is_left_out_and_the_lead_in_kept() -> None:
    text = ("I am a student writing about harbour safety and would like more up to date figures. My questions are:\n"
            "- how many boats ran aground in 2024\n"
            "- how many rescues the harbour launch made in 2024\n")
    split = split_request_detailed(text)
    assert split.questions[0] == "My questions are: how many boats ran aground in 2024"
    assert split.left_out[0].startswith("I am a student writing about harbour safety")


def test_a_clause_after_a_comma_is_not_a_question() -> None:
    text = ("I was affected by the ferry strike in 2023, when I could not get to work for weeks.\n\n"
            "Please tell me how many sailings were cancelled during the strike.")
    assert split_request_detailed(text).questions == (
        "Please tell me how many sailings were cancelled during the strike.",)


def test_a_request_naming_the_act_that_asks_a_real_question_is_kept_and_a_pleasantry_is_not() -> None:
    text = ("My ferry was cancelled three times last month. I would like some answers, please, under the Freedom of "
            "Information Act.\n\n"
            "Under the Freedom of Information Act could you please tell me how many sailings were cancelled in "
            "2024.\n\n"
            "I'd also like the cost of the replacement bus service in 2024.\n\n"
            "I hope that's all reasonable. Thanks in advance.\n\n"
            "Sam Tarrant\nsam.tarrant@example.net")
    split = split_request_detailed(text)
    assert split.questions == (
        "Under the Freedom of Information Act could you please tell me how many sailings were cancelled in 2024.",
        "I'd also like the cost of the replacement bus service in 2024.",
    )
    assert "sam.tarrant@example.net" not in " ".join(split.left_out)


@pytest.mark.parametrize(
    "text",
    [
        "1. How many car parks does the council run?\n2. Which is the busiest car park by tickets sold in 2023?",
        "1. How many car parks does the council run?\n2. It is reported that a consultant was paid. How much?",
    ],
)
def test_a_numbered_question_that_starts_like_a_remark_is_still_a_question(text: str) -> None:
    assert len(reading(text)) == 2


def test_asking_to_understand_why_is_a_question() -> None:
    text = ("How many libraries closed in 2023?\n\n"
            "I would like to understand why the council decided to close Elm Road library.")
    assert len(split_request_detailed(text).questions) == 2


def test_a_plain_list_entry_before_a_numbered_one_is_never_lost() -> None:
    text = ("Please provide the following:\nTotal spend on agency staff in 2023\nNumber of agency staff employed\n"
            "1. The name of each agency used")
    split = split_request_detailed(text)
    assert any("Number of agency staff employed" in q for q in split.questions + split.left_out)


def test_a_new_ask_about_things_to_be_added_is_its_own_question() -> None:
    text = ("How many schools are in the scheme?\n\n"
            "Please list the schools that are to be added to the scheme in 2025.")
    assert len(split_request_detailed(text).questions) == 2


# --- layouts found in real requests: tables, option lists, periods, scope lead-ins ---------------------------


def test_a_reference_table_appended_to_the_request_is_not_questions() -> None:
    text = ("Please answer the following question for the ground in your area:\n"
            "1. Please supply copies of all accident reports made at the ground from 1.1.23 to 1.1.24.\n"
            "Please note that I accept the names of people will need to be redacted from the reports.\n"
            "List of Grounds and Councils.\n"
            "Marsh Park\tAshcombe\nRiver Lane\tBrantwood\nThe Dell\tCorvale\nHill Road\tDunmore\n")
    split = split_request_detailed(text)
    assert len(split.questions) == 1
    assert split.questions[0].endswith("from 1.1.23 to 1.1.24.")
    assert any("Marsh Park | Ashcombe" in part for part in split.left_out)
    assert any(part.startswith("Please note that I accept") for part in split.left_out)


def test_periods_and_answer_options_under_a_question_are_how_to_answer_it() -> None:
    text = ("1.\tHow many dog fouling fines did the council issue over the past three years?\n"
            "-\t2022\n-\t2023\n-\t2024 (to May 31)\n"
            "2.\tWhat was done with the seized dogs? Please select one option:\n"
            "a)\tRehomed\nb)\tReturned to the owner\nc)\tOther (please specify)\n"
            "3.\tWhat was the dog warden budget for the years:\n-\t2022\n-\t2023\n")
    assert len(reading(text)) == 3
    assert len(split_request_detailed(text).questions) == 3


def test_markers_written_with_a_dot_and_a_bracket_are_read() -> None:
    text = "1.) How many bins were replaced in 2024?\n2.) What did the replacements cost?\n"
    assert split_request_detailed(text).questions == ("How many bins were replaced in 2024?",
                                                      "What did the replacements cost?")


def test_a_list_lead_in_that_asks_a_count_is_a_question_too() -> None:
    text = ("I would be grateful to understand how many data subject access requests you have received since "
            "2022, and of these, please advise:\nHow many had the timeframe extended, and;\n"
            "How many were refused as manifestly unfounded.\n")
    questions = split_request_detailed(text).questions
    assert len(questions) == 3
    assert questions[0].startswith("I would be grateful to understand how many")


def test_a_generic_lead_in_before_numbered_questions_is_not_one() -> None:
    text = ("Please can you provide me with information concerning the upkeep of your depots, if they are within "
            "your remit. Not any housing.\nQ1. What maintenance model does the council use?\n"
            "Q2. Can you provide a list of the contractors used?\n")
    assert split_request_detailed(text).questions == ("What maintenance model does the council use?",
                                                      "Can you provide a list of the contractors used?")


def test_offers_and_advice_requests_around_the_questions_are_not_questions() -> None:
    text = ("1. How many libraries closed in 2024?\n"
            "If answering the above questions is not possible, could you please advise as to what relevant "
            "information would be attainable.\n"
            "If this request is too wide or unclear, I would be grateful if you could advise me.\n"
            "I very much appreciate your response in this matter.\n")
    assert split_request_detailed(text).questions == ("How many libraries closed in 2024?",)


def test_a_question_about_the_above_cases_that_asks_a_new_count_is_kept() -> None:
    text = ("How many shops were found selling illegal fireworks?\n"
            "How many fines were issued in total related to the above cases?\n")
    assert len(split_request_detailed(text).questions) == 2


def test_please_inform_me_asks() -> None:
    text = "Please inform me of the total cost of the harbour survey carried out in 2023.\n"
    assert split_request_detailed(text).questions == (text.strip(),)


def test_a_scope_lead_in_and_an_including_list_stay_with_their_one_question() -> None:
    text = ("I wish to make an FOI request. Please provide me with the following information for the financial "
            "years 2021/22 and 2022/23:\n"
            "The amount spent by the council on translation services in all areas, including:\n"
            "schools;\nlibraries;\nand other areas in which such expenditure has been made.\n")
    split = split_request_detailed(text)
    assert len(split.questions) == 1
    assert "2021/22 and 2022/23" in split.questions[0]
    assert "libraries" in split.questions[0]
    assert len(reading(text)) == 1


def test_a_layout_the_answer_may_take_belongs_to_its_question() -> None:
    text = ("Please confirm the court costs claimed by the council in each of its last 10 parking prosecutions.\n"
            "A breakdown similar to the below would be appreciated\n"
            "File preparation: £x\nPostage: £x\nTotal: £x\n")
    split = split_request_detailed(text)
    assert len(split.questions) == 1
    assert len(reading(text)) == 1


def test_a_conditional_follow_up_on_its_own_line_that_is_a_whole_question_stands_alone() -> None:
    text = ("Has the council bid for money from the parks fund for a public chess table?\n"
            "If it has, has the bid been successful?\n"
            "If yes, in which parks?\n")
    questions = split_request_detailed(text).questions
    assert len(questions) == 2
    assert questions[1].startswith("If it has, has the bid been successful?")
    assert questions[1].endswith("If yes, in which parks?")


def test_a_plain_lead_in_is_not_glued_to_parts_that_ask_by_themselves() -> None:
    text = ("Our street flooded twice last winter. Please could you provide the following information.\n\n"
            "(a) How many street trees did the council fell in 2024?\n\n"
            "(b) Please send us a copy of the flood investigation report.\n")
    questions = split_request_detailed(text).questions
    assert questions == ("How many street trees did the council fell in 2024?",
                         "Please send us a copy of the flood investigation report.")


def test_a_hope_not_to_be_treated_as_a_repeat_and_the_act_invoked_are_not_questions() -> None:
    text = ("I have written to you before about the quarry, and I hope this request is not treated as a repeat "
            "because it is about different things. I am asking under the Freedom of Information Act 2000.\n\n"
            "How many blasting complaints did the council receive in 2024?\n")
    assert split_request_detailed(text).questions == ("How many blasting complaints did the council receive in "
                                                      "2024?",)


def test_a_list_given_inline_after_a_colon_introduces_no_items() -> None:
    text = ("I would like to know how much the council has paid the following firms since 2019: Alder and Birch.\n"
            "Following the 2022 survey how many libraries were found to have leaking roofs.")
    assert reading(text) == [
        "I would like to know how much the council has paid the following firms since 2019: Alder and Birch.",
        "Following the 2022 survey how many libraries were found to have leaking roofs."]


def test_an_if_so_follow_up_that_is_a_whole_question_stands_alone_and_a_bare_lead_line_goes() -> None:
    text = ("Please can you provide answers to the following requests\n"
            "Has the council bought a new housing system in the last three years?\n"
            "If so did the project finish on the date agreed in the contract?\n"
            "If yes, in which teams?")
    assert reading(text) == ["Has the council bought a new housing system in the last three years?",
                             "If so did the project finish on the date agreed in the contract? If yes, in which teams?"]


def test_numbers_with_no_stop_are_a_list_when_they_run_in_order() -> None:
    text = ("I would like the following:\n1 the survey reports used for the parking review.\n"
            "2 How does the council count visitors to the park?")
    assert reading(text) == ["the survey reports used for the parking review.",
                             "How does the council count visitors to the park?"]
    assert len(reading("How many drones does the force own?\n5 of them are on loan, I believe.")) == 1


def test_the_timescales_of_the_works_are_asked_for_not_procedure() -> None:
    text = ("Please provide details of who approved the Millbrook cycle scheme.\n"
            "Could you also give details of the works and the timescales of doing so.")
    assert len(reading(text)) == 2


def test_if_possible_include_adds_to_the_question_and_a_fallback_offer_is_left_out() -> None:
    text = ("1) The number of agency teams employed by the council in each year since 2020.\n"
            "If possible, please include the number of managers on each team.\n"
            "2) The spend on agency teams in each year since 2020.\n"
            "If it is not possible to include all the information requested, please provide the information "
            "that is available.")
    questions = reading(text)
    assert len(questions) == 2
    assert "managers on each team" in questions[0]


def test_bullets_that_finish_their_stem_are_one_question() -> None:
    text = "I would like the number of pupils currently educated in:\n- A mainstream school\n- A special school"
    assert len(reading(text)) == 1


def test_answer_format_prompts_stay_with_their_question_and_a_see_below_line_goes() -> None:
    text = ("Please see questions below (please mark multiple choice answers by typing):\n"
            "1. Do you run a bulky waste collection service?\nPlease answer yes or no\n"
            "2. Do you recycle mattresses?\nPlease answer yes or no")
    questions = reading(text)
    assert len(questions) == 2
    assert questions[0].startswith("Do you run a bulky waste collection service?")


def test_a_list_that_defines_a_word_in_the_question_asks_nothing() -> None:
    text = ("Please tell me whether you employ a play safety officer.\n"
            "Notes: the job title may differ. The role may be defined as having any of the following duties:\n"
            "- inspect play equipment each week\n- prepare repair programmes and their budgets\n"
            "- advise on the surfaces of new play areas\n"
            "If someone holds these duties, please clarify which of them they hold.")
    assert reading(text) == ["Please tell me whether you employ a play safety officer.",
                             "If someone holds these duties, please clarify which of them they hold."]


def test_the_topics_of_the_requesters_research_are_no_questions() -> None:
    text = ("We are conducting some research on behalf of a trade body into:\n"
            "- Spending on battery recycling points\n- Awareness campaigns about battery recycling\n"
            "1. Where do you offer battery drop-off points?\n2. How much have you spent on them since 2022?")
    assert reading(text) == ["Where do you offer battery drop-off points?",
                             "How much have you spent on them since 2022?"]


def test_the_options_of_a_tick_box_question_are_its_choices() -> None:
    text = ("1. Where do you offer battery drop-off points? (Please answer each option as appropriate)\n"
            "- Household waste site yes/no\n- Libraries yes/no\n- Other, please specify\n"
            "2. Have you got plans to add more points next year? (Please answer each option as appropriate)\n"
            "- Yes, please specify\n- No")
    assert len(reading(text)) == 2


def test_a_fallback_about_years_not_held_is_no_question() -> None:
    text = ("We are interested in the following from your council. If the information is not available for all "
            "years listed, please provide for years you can.\n1. How many battery fires were there in 2022?\n"
            "2. How many in 2023?")
    assert reading(text) == ["How many battery fires were there in 2022?", "How many in 2023?"]


def test_information_on_whether_something_is_done_is_a_question_not_an_opening() -> None:
    text = ("Please provide information on whether or not you employ a play safety officer.\n\n"
            "How many play areas did they inspect in 2024?")
    assert reading(text) == ["Please provide information on whether or not you employ a play safety officer.",
                             "How many play areas did they inspect in 2024?"]


def test_a_lead_about_a_list_that_is_no_research_still_introduces_questions() -> None:
    text = ("We are working on the following list of:\n- How many battery drop-off points do you run?\n"
            "- How much have you spent on them since 2022?")
    assert len(reading(text)) == 2


def test_a_numbered_list_run_into_one_paragraph_is_still_a_list() -> None:
    text = ("I would like to ask about respite beds as follows; 1. Does the council commission respite beds? "
            "2. How many beds were commissioned in 2024? 3. What is the weekly cost of one bed?")
    assert reading(text) == [
        "I would like to ask about respite beds as follows; Does the council commission respite beds?",
        "How many beds were commissioned in 2024?", "What is the weekly cost of one bed?"]


def test_figures_and_section_numbers_in_prose_are_no_list() -> None:
    text = "Please provide the 2. 5 metre verge budget and the section 3. Rules for 2024. And 1. Reasons why?"
    assert len(reading(text)) == 1


def test_asking_to_have_the_answer_in_a_format_is_no_question() -> None:
    text = "I would like a list of the bridges you inspected in 2024.\nCan I have this in excel format please."
    assert reading(text) == ["I would like a list of the bridges you inspected in 2024."]


def test_the_columns_asked_for_in_a_format_line_belong_to_the_question_before() -> None:
    text = ("I would like the following information:\nDetails of any current contracts with Northwind Ltd.\n"
            "I would like you to provide this information in the following format:\nName of contract\n"
            "Service provided\nStart date\nValue of contract")
    assert reading(text) == ["Details of any current contracts with Northwind Ltd. Name of contract; Service provided; "
                             "Start date; Value of contract"]


def test_years_marked_with_a_dash_are_the_periods_of_their_question() -> None:
    text = ("1) The number of pupils newly registered for home education in each academic year for:\n"
            "-2021-22\n-2022-23\n-2023-24\n2) The number who returned to school in the same years.")
    assert reading(text) == [
        "The number of pupils newly registered for home education in each academic year for: 2021-22; 2022-23; "
        "2023-24", "The number who returned to school in the same years."]


def test_asks_joined_by_also_or_plus_are_questions_as_the_public_writes_them() -> None:
    text = ("Can you tell me how many gritting runs you made on Mill Lane last winter.\n\n"
            "Also the total paid out in compensation for slips on icy pavements in each of the last 3 years.\n\n"
            "Plus the number of complaints about gritting you got last winter, and what they were about.\n\n"
            "Also do the gritter drivers use a route tracker, and if they do how long is the data kept.")
    assert len(reading(text)) == 4


def test_background_ending_in_a_bare_lead_is_carried_by_no_item() -> None:
    text = ("My bin was missed three weeks running and my complaint got nowhere, so under FOI please send me the "
            "following:\n\n- the number of missed bins reported on my street in 2024\n"
            "- a copy of the missed-bin policy")
    assert reading(text) == ["the number of missed bins reported on my street in 2024",
                             "a copy of the missed-bin policy"]


def test_wanting_to_know_whats_going_on_is_background() -> None:
    text = ("The streetlight outside my house has been out for months so I want to know whats going on.\n\n"
            "How many streetlight faults were reported in my ward in 2024?")
    assert reading(text) == ["How many streetlight faults were reported in my ward in 2024?"]


def test_lettered_parts_run_into_one_line_are_still_parts() -> None:
    text = ("1. Please state the number of berths.\n2. Please confirm A) how many berth requests you refused in 2024 "
            "and B) How many of those refusals were appealed.")
    assert reading(text) == ["Please state the number of berths.",
                             "Please confirm how many berth requests you refused in 2024",
                             "Please confirm How many of those refusals were appealed."]


def test_a_single_letter_and_bracket_in_prose_is_no_list() -> None:
    text = "Please provide the figures for plan a) as agreed in 2023 at the harbour board."
    assert len(reading(text)) == 1


def test_a_lead_asking_to_make_a_request_for_the_following_is_carried_by_no_item() -> None:
    text = ("Our shed was broken into in May. So I would like to make a freedom of information request for the "
            "following please.\n\n1) How many burglaries were reported in the park in 2024\n\n"
            "2) a list of the park's gates, just the names is fine")
    assert reading(text) == ["How many burglaries were reported in the park in 2024",
                             "a list of the park's gates, just the names is fine"]


def test_i_would_like_to_know_then_a_blank_line_then_the_ask_is_one_question() -> None:
    text = ("My uncle had his car clamped last week. I would like to know\n\nhow many cars the council clamped in "
            "2024\n\nWhat fees does the council pay the clamping firm?")
    questions = reading(text)
    assert len(questions) == 2
    assert questions[0].endswith("I would like to know how many cars the council clamped in 2024")


def test_asks_after_while_im_at_it_or_a_topic_and_a_dash_are_questions() -> None:
    text = ("How many times was the lido closed in 2024?\n\nAnd while i'm at it - a list of the public toilets the "
            "council ran in 2019.\n\nThen the summer fair last year - the total cost to the council of running it.")
    assert len(reading(text)) == 3


def test_a_connective_before_background_makes_no_question() -> None:
    text = ("How many bins were collected late in 2024?\n\nAlso, when I rang the council last week I was told the "
            "figures are not kept.")
    assert reading(text) == ["How many bins were collected late in 2024?"]


def test_a_question_before_a_bare_lead_in_the_same_stem_is_kept() -> None:
    text = ("I would like to know the total spent on agency staff in 2023; please send me the following:\n"
            "- the number of agency staff\n- the agencies used")
    assert len(reading(text)) >= 2
    assert any("total spent on agency staff" in question for question in reading(text))


def test_fields_asked_for_under_a_numbered_item_belong_to_it() -> None:
    text = (
        "1. The number of bridge inspections carried out in 2024.\n"
        "2. The duration of each bridge repair carried out in 2024.\n"
        "If available, please provide:\n"
        "Start date\n"
        "End date (or indicate if still ongoing)\n"
        "If the repair took less than a day, please give the duration in hours where possible.\n"
        "3. The number of bridges closed for repairs in 2024.\n"
    )
    split = split_request_detailed(text)
    assert len(split.questions) == 3
    assert split.questions[1].startswith("The duration of each bridge repair")
    assert "Start date" in split.questions[1]
    assert "in hours" in split.questions[1]


def test_a_lead_ending_in_dashes_before_a_list_is_a_lead_like_one_ending_in_a_colon() -> None:
    dashed = ("Under the Environmental Information Regulations, I would like to request the following information.\n"
              "For the district where you are the lead drainage authority under the Flood and Water Management Act "
              "(2010) --\n"
              "- Number of homes at risk of surface water flooding\n"
              "- Number of homes flooded in 2023\n")
    colon = dashed.replace(" --\n", ":\n")
    assert reading(dashed) == reading(colon)
    assert len(reading(dashed)) == 2
    assert not any(question.rstrip().endswith("--") for question in reading(dashed))


def test_a_lead_that_breaks_down_the_ask_before_it_keeps_that_ask_with_the_list() -> None:
    text = ("Please provide the total spent on grounds maintenance in each of the last two years. For each year I "
            "would like a breakdown of the following:\n- Spend on mowing contracts.\n- Number of gardeners employed."
            "\n- Total cost of gardeners' salaries")
    questions = reading(text)
    assert len(questions) == 3
    assert questions[0].startswith("Please provide the total spent on grounds maintenance")
    assert "Spend on mowing contracts" in questions[0]
    assert questions[1].endswith("Number of gardeners employed.")


def test_a_lead_that_asks_something_new_after_a_question_still_stands_apart() -> None:
    text = ("Please provide a copy of the grounds maintenance contract. Please also state:\n- the start date\n"
            "- the end date")
    assert reading(text)[0] == "Please provide a copy of the grounds maintenance contract."


def test_please_include_after_the_last_lettered_part_is_more_of_that_part() -> None:
    text = ("Please provide the following about the parks contract:\na. Who holds the contract?\n"
            "b. When does the contract end?\nPlease include any extensions that may be taken up.")
    questions = read_questions(text).questions()
    assert len(questions) == 2
    assert questions[1].endswith("When does the contract end? Please include any extensions that may be taken up.")


def test_a_thank_you_after_the_last_bullet_never_takes_that_bullet_with_it() -> None:
    text = ("I would like the following:\n- The number of parking permits issued in the last 12 months\n"
            "- The total income from parking permits issued in the last 12 months\nMany thanks in advance.")
    split = read_questions(text)
    last = split.questions(split_parts=False)[-1]
    assert last == "The total income from parking permits issued in the last 12 months"
    assert "Many thanks in advance." in split.left_out


def test_a_lead_pointing_to_the_points_below_and_a_definition_leave_the_numbered_asks_alone() -> None:
    text = ("I would like the figures for 2024, as broken down in the points below.\n"
            "When referring to 'pupils' I mean children of compulsory school age.\n"
            "1. The total number of pupils excluded from Ashcombe schools.\n"
            "2. Of those in number 1, how many were excluded more than once?\n"
            "3. Of those in number 2, how many were in Year 11?")
    split = read_questions(text)
    assert split.questions() == ["The total number of pupils excluded from Ashcombe schools.",
                                 "Of those in number 1, how many were excluded more than once?",
                                 "Of those in number 2, how many were in Year 11?"]
    assert any("When referring to 'pupils' I mean" in line for line in split.left_out)


def test_a_lead_pointing_below_without_a_list_of_asks_is_still_the_question() -> None:
    text = "Please provide the number of pupils excluded in 2024, broken down below.\n- by school\n- by year group"
    assert read_questions(text).questions(split_parts=False)[0].startswith("Please provide the number of pupils")


def test_a_question_about_costs_charged_to_another_body_is_no_note_about_fees() -> None:
    text = ("1. How much did the council pay for the scaffolding at the park cafe?\n"
            "2. Can you confirm that these costs will not be charged to the Elm Park Trust?\n"
            "If I am to be charged for this request, please tell me first.")
    split = read_questions(text)
    assert len(split.questions()) == 2
    assert split.questions()[1].startswith("Can you confirm that these costs will not be charged")
    assert any(line.startswith("If I am to be charged") for line in split.left_out)


def test_a_sentence_broken_by_hand_mid_clause_is_one_question() -> None:
    text = ("Please could you identify the numbers of section\n38(6) applications made for residential family\n"
            "assessments over the last two financial years.")
    assert read_questions(text).questions() == [
        "Please could you identify the numbers of section 38(6) applications made for residential family "
        "assessments over the last two financial years."]


def test_a_sentence_wrapped_at_a_comma_goes_on_but_a_question_marker_starts_anew() -> None:
    text = ("Can you please supply me with a list of the teams made up of Service Managers, Commissioning Managers,\n"
            "Safeguarding Managers and Social Workers across Ashcombe?")
    assert len(read_questions(text).questions()) == 1
    marked = "1. Who is the contractor for pothole repairs with\nQuestion 2\nHow many potholes were repaired?"
    assert read_questions(marked).questions() == ["Who is the contractor for pothole repairs with",
                                                  "How many potholes were repaired?"]


def test_a_reference_and_an_address_under_the_one_question_say_what_it_is_about() -> None:
    text = "I want this planning file as it is not online\n88/01234/FUL\n12 Elm Square from 1987-1988\nThankyou"
    assert read_questions(text).questions() == [
        "I want this planning file as it is not online 88/01234/FUL 12 Elm Square from 1987-1988"]


def test_a_line_ending_on_since_goes_on_with_the_year_on_the_next() -> None:
    text = ("Please could you provide the compensation paid to drivers for pothole damage in Ashcombe since\n"
            "2016. Could you give the value in pounds and the number of claims.")
    assert len(read_questions(text).questions()) == 1


def test_separate_asks_on_lines_that_end_mid_clause_stay_apart() -> None:
    text = ("Please provide the current grass cutting schedule for the\nPlease provide the budget for grass cutting in "
            "2024.\nPlease list the officers in the licensing section\nWhat is the licensing budget?")
    assert len(read_questions(text).questions()) == 4


def test_a_definition_that_also_asks_is_a_question() -> None:
    text = ("When I refer to looked after children I mean those in the council's care, please provide the number of "
            "such children placed out of area in 2023.")
    assert len(read_questions(text).questions()) == 1


def test_what_residents_are_charged_is_a_question_and_a_financial_year_line_is_no_subject() -> None:
    text = "Please tell me how much residents like me are charged for a garden waste permit."
    assert len(read_questions(text).questions()) == 1
    listed = "1. How many occupational therapists are employed?\n2022/23 spend on agency occupational therapists"
    assert read_questions(listed).questions()[0] == "How many occupational therapists are employed?"


def test_an_ask_wrapped_before_its_scope_goes_on_but_a_scoped_question_stands_alone() -> None:
    text = ("Please provide the names and job titles of the managers\n"
            "For each of the parks teams in Ashcombe, including the depots.")
    assert read_questions(text).questions() == [
        "Please provide the names and job titles of the managers For each of the parks teams in Ashcombe, "
        "including the depots."]
    asked = "Please provide the names of the park managers\nFor each depot, how many staff are employed?"
    assert len(read_questions(asked).questions()) == 2


def test_a_long_research_lead_and_a_following_lead_with_a_fallback_ask_nothing_of_their_own() -> None:
    text = ("We are conducting research on how councils and their partners are handling the upkeep of public "
            "benches across the county covering:\n- Repairs\n- Replacements\n"
            "We are particularly interested in understanding the following from Ashcombe Parks. If information/data "
            "is not available for all years listed, please provide for years you can.\n"
            "1. How many benches were repaired in 2023?\n2. How many benches were replaced in 2023?\n"
            "Please send the information to [requester], Analyst at Bench Watch, email: [email address]")
    assert read_questions(text).questions() == ["How many benches were repaired in 2023?",
                                                "How many benches were replaced in 2023?"]


def test_a_numbered_form_question_with_options_keeps_its_options_and_their_bullets() -> None:
    text = ("Please provide the following data on bench repairs in Ashcombe.\n"
            "If some data is not held, then I would be grateful if you would provide what is convenient."
            "\n"
            "1. Does the council fund bench repairs? (please indicate all options that apply)\n"
            "Option a) Yes, we repair benches ourselves.\n- How much was spent in 2023?\n"
            "- What is the budget for 2024?\n"
            "Option b) Yes, we pay a contractor.\n- Which contractors were used?\n  o Framework\n  o Other\n"
            "2. Which categories of bench are repaired first?\n- Memorial benches\n- Benches near schools?\n"
            "- Benches reported by residents more than once.\nMany thanks,")
    questions = read_questions(text).questions()
    assert len(questions) == 2
    assert "Which contractors were used?" in questions[0]
    assert "Option b)" in questions[0]
    assert "Benches reported by residents" in questions[1]


def test_a_numbered_question_without_options_keeps_its_own_bullets_apart() -> None:
    text = "1. How much was spent on benches in 2023?\n- How many benches were repaired?\n- Who repaired them?"
    assert len(read_questions(text).questions()) == 3


def test_a_second_greeting_an_offer_to_modify_and_a_lead_to_the_requests_below_ask_nothing() -> None:
    text = ("Request under the Freedom of Information Act:\nDear FOI Officer,\n"
            "I am sending this request under the Freedom of Information Act.\n"
            "Please provide the following answer and data requests below.\n"
            "1 How much did Ashcombe spend on bench repairs in 2023?\n2 How many benches were replaced?\n"
            "If you are encountering practical difficulties complying with this request, please contact me so that "
            "I can modify the request.")
    assert read_questions(text).questions() == ["How much did Ashcombe spend on bench repairs in 2023?",
                                                "How many benches were replaced?"]


def test_the_business_a_request_is_about_is_shown_left_out_not_asked() -> None:
    text = ("I would like to see:\n- Reports of food hygiene inspections,\n- Any correspondence about them.\n"
            "The business I am enquiring about is:\nElm Cafe\n4 Elm Road\nAshcombe")
    split = read_questions(text)
    assert len(split.questions()) == 2
    assert any("Elm Cafe" in line for line in split.left_out)


def test_what_the_answer_should_include_after_a_question_is_part_of_it() -> None:
    text = ("Please provide the structure charts for the following teams:\nParks\nLibraries\nHousing\n"
            "Please include all job titles from the director down.\nPlease provide a separate chart for each team.\n"
            "Could you also provide the names of the heads of service?")
    questions = read_questions(text).questions(split_parts=False)
    assert len(questions) == 2
    assert "a separate chart for each team" in questions[0]


def test_a_list_lead_that_breaks_down_the_ask_before_it_is_one_question_with_it() -> None:
    text = ("Please provide the number of pupils with an EHCP in Ashcombe, primary and secondary separately.\n"
            "I would like the number in each group currently educated in:\n- A mainstream school\n- A special school")
    assert len(read_questions(text).questions(split_parts=False)) == 1
    own_measure = ("Please provide the number of fly-tipping incidents reported in 2023.\n"
                   "Please tell me the cost of clearing them for each of these:\n- Household waste\n- Rubble")
    assert read_questions(own_measure).questions()[0] == (
        "Please provide the number of fly-tipping incidents reported in 2023.")
    fresh = ("Please provide the number of pupils with an EHCP in Ashcombe.\n"
             "I would also like to know the following:\n- How many appeals were lodged?\n- How many were upheld?")
    assert len(read_questions(fresh).questions()) == 3


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # Asks that only look like the new rules' notes, leads and wraps (from a review of those rules).
        ("Please provide any correspondence in which the police agreed to forward the information to the CPS.", 1),
        ("1. How many bins were replaced?\n2. Please confirm whether the council agreed to send the data to the "
         "Home Office.", 2),
        ("1. How many contracts were let?\n2. Please provide details of any practical difficulties reported by the "
         "contractor.", 2),
        ("1. How many libraries closed?\n2. Please provide whatever is available on the council's plans to reopen "
         "them.", 2),
        ("1. How many libraries closed?\n2. If the information is not held centrally, please tell me which "
         "department holds it.", 2),
        ("Please provide the total number of PCNs issued in 2023\nFor the same period, please provide the number "
         "cancelled on appeal.", 2),
        ("1. Which of these services do you run? Please tick all that apply.\na) Pest control\nb) Noise\n\n"
         "How many staff work in environmental health?", 2),
        ("The premises I am enquiring about is The Red Lion, Elm Road, and I would also like copies of its licence "
         "conditions.", 1),
        ("1. Which groups of patients are offered the vaccine?\n- The number of doses given in 2023\n"
         "- The uptake rate in 2023", 1),
        ("We are carrying out a review of library provision and would like you to provide, for each library, the "
         "following:\n- Opening hours\n- Visitor numbers", 2),
    ],
)
def test_asks_that_look_like_notes_or_leads_are_still_asked(text: str, count: int) -> None:
    assert len(read_questions(text).questions(split_parts=False)) == count


def test_a_summary_restated_in_detail_below_is_not_a_question_of_its_own() -> None:
    text = ("I would like to know the parking budget for the last three years and whether permit fees funded it.\n"
            "To assist you, I have outlined below the specific details I am seeking:\n"
            "1. Total parking budget for each of the last three years\n2. Were permit fees the sole source of "
            "funding?")
    assert read_questions(text).questions() == ["Total parking budget for each of the last three years",
                                                "Were permit fees the sole source of funding?"]
    further = ("How many parking fines did Ashcombe issue in 2023?\n"
               "To assist you, I have set out below some further questions:\n1. How many were cancelled?\n"
               "2. How many went to appeal?")
    assert len(read_questions(further).questions()) == 3
    also = ("Please provide the total parking budget for 2023.\nI would also like the following details:\n"
            "1. How many permits were issued?\n2. How many were refused?")
    assert len(read_questions(also).questions()) == 3


def test_could_you_include_and_its_fields_after_a_question_say_what_its_answer_holds() -> None:
    text = ("Would it be possible to publish the fleet details of the grounds maintenance trucks on the next open "
            "data update?\nAs with the vans, could you include\nFleet Number\nMake & Model\nUser (Parks, Rangers)")
    questions = read_questions(text).questions(split_parts=False)
    assert len(questions) == 1
    assert "Make & Model" in questions[0]


def test_a_term_defined_under_the_entries_and_notes_on_order_and_links_ask_nothing() -> None:
    text = ("I would like to request the following information:\n"
            "The names of all insurers the council has used in the last three years.\n"
            "The policies held with each of those insurers in the same period.\n"
            "Insurer refers to: a company that underwrites risk and pays claims, including brokers acting for it.\n"
            "Please provide the requested information in the order listed above.\n"
            "If any of this information is already publicly available, please provide a link to where I can find "
            "it.")
    assert read_questions(text).questions() == [
        "The names of all insurers the council has used in the last three years.",
        "The policies held with each of those insurers in the same period."]
    asks = "Insurer refers to a company that pays claims; please list the insurers you used in 2023."
    assert len(read_questions(asks).questions()) == 1


def test_a_line_naming_the_subject_before_an_in_particular_lead_is_no_question() -> None:
    text = ("I would like information about the council's park ranger posts for our annual survey.\n"
            "In particular, please supply me with information relating to the following questions:\n"
            "1. How many rangers does the council employ?\n2. How many of them work weekends?")
    questions = read_questions(text).questions()
    assert len(questions) == 2
    assert not any("annual survey" in question for question in questions)
    asked = ("How many rangers did the council employ in 2020?\nIn particular, please tell me the following:\n"
             "1. How many rangers does the council employ now?\n2. How many of them work weekends?")
    assert len(read_questions(asked).questions()) == 3


def test_an_ask_about_this_area_between_two_numbers_belongs_to_the_number_before() -> None:
    text = ("1. How many tree officers does the council employ?\n"
            "2. Does the council have an officer who works on hedgerow surveys?\n"
            "Please list any roles that work in this area, with their hours.\n"
            "3. How many hedgerow surveys were made in 2023?")
    questions = read_questions(text).questions()
    assert len(questions) == 3
    assert "this area" in questions[1]
    last = ("1. How many tree officers does the council employ?\n2. Does the council survey hedgerows?\n"
            "Please list any roles that work in this area.")
    assert len(read_questions(last).questions()) == 3
    quoted = ("1. How many tree officers does the council employ?\n"
              "\u201cWe await this area's survey results\u201d - email, 3 May\n2. How many surveys were made?")
    assert len(read_questions(quoted).questions()) == 2


def test_the_options_a_yes_answer_might_include_are_choices_of_that_question() -> None:
    text = ("1. Does the council run any community composting sites?\n"
            "If yes, please list them and give their yearly tonnage. Options might include:\n"
            "- Garden waste bays\n- Food waste digesters\n- Other (please specify)\n"
            "2. How many staff run the composting service?")
    questions = read_questions(text).questions()
    assert len(questions) == 2
    assert "Food waste digesters" in questions[0]
    asks = ("1. Does the council run any community composting sites?\n"
            "If yes, please give the following:\n- How many tonnes did each site take in 2023?\n"
            "- Who manages each site?\n2. How many staff run the composting service?")
    assert len(read_questions(asks).questions()) == 4


def test_a_line_pointing_to_the_questions_below_asks_nothing_when_a_lead_that_asks_introduces_them() -> None:
    text = ("Concerning allotments, please can you help supply data for the questions below.\n"
            "For plots let between 2010 and 2015 please can you supply the following:\n"
            "a) all rents unpaid\nb) all plots vacant\nc) any deposits returned to tenants")
    questions = read_questions(text).questions()
    assert len(questions) == 3
    assert not any("Concerning allotments" in question for question in questions)


def test_a_percentage_entry_a_starred_footnote_and_a_conditional_link_welcome() -> None:
    text = ("Please provide the following for the year 2023/24:\n"
            "%age of planning appeals upheld\n"
            "Number of appeals decided\n"
            "Number of appeals withdrawn*\n"
            "*Whilst withdrawn appeals are not reported nationally, the council would record them on its system.\n"
            "If the annual return has already been made and the information is already published on your "
            "website, please provide a link to the page.")
    questions = read_questions(text).questions()
    assert len(questions) == 3
    assert questions[0].endswith("%age of planning appeals upheld")
    starred = "Please list:\n* Parks with play areas\n* Parks with toilets"
    assert len(read_questions(starred).questions()) == 2  # a bullet written "*" with no starred entry above


def test_asking_for_the_data_electronically_is_how_to_answer_not_a_question() -> None:
    text = ("- The number of library visits in 2023\n- The number of library loans in 2023\n"
            "Please provide such data electronically. If possible, please provide it as a spreadsheet.")
    assert len(read_questions(text).questions()) == 2
    assert len(read_questions("Please provide the minutes of meetings held electronically in 2023.").questions()) == 1


def test_review_misfires_of_the_splitting_rules_stay_fixed() -> None:
    kept = ["Please provide all the data held electronically on missed bin collections in 2023.",
            "Please list the resurfacing schemes planned for 2024/25, in the order of priority.",
            "I would like the number of fixed penalty notices issued for littering in 2023, or a link if the data "
            "is already published.",
            "Please confirm if the data is publicly available and where."]
    for text in kept:
        assert read_questions(text).questions() == [text], text
    monthly = "1. The number of fines in 2023.\n2. If the data is published monthly, the figure for each month."
    assert len(read_questions(monthly).questions()) == 2
    leads = ("This request refers to the following:\n1. The number of HMO licences issued in 2023.\n"
             "2. The number of HMO licences refused in 2023.")
    assert len(read_questions(leads).questions()) == 2
    asking = ("Please tell me how many food inspections the council carried out in 2023, and respond to the "
              "questions below.\nFor premises rated 0 or 1, please can you supply the following:\n"
              "a) the number re-inspected\nb) the number closed")
    assert len(read_questions(asking).questions()) == 3
    starred = "Number of complaints received*\n*Number of complaints upheld\n*Number referred to the Ombudsman"
    assert len(read_questions(starred).questions()) == 3
    also = ("1. Does the council have a climate team?\n"
            "Please also tell me the annual budget for this team.\n2. Has the council declared an emergency?")
    assert len(read_questions(also).questions()) == 3
