"""Splitting a request into its questions: email furniture goes, list items and asking sentences stay.

Every request here is invented for the test.
"""

from __future__ import annotations

import pytest

from bot.splitting import MAX_QUESTIONS, clean_request, split_request

EMAIL_REQUEST = """From: Rowan Pike <rowan.pike@example.org>
To: foi@marshvalley.example
Subject: Freedom of Information request - drones
Date: 3 March 2025

Dear Information Rights Team,

1. How many drones does the force operate?
2. What was spent on drone pilot training in 2023?

Yours sincerely,
Rowan Pike

On 1 March 2025, Information Rights Team <foi@marshvalley.example> wrote:
> Thank you for your earlier enquiry.
> How many staff work in the air support unit?
"""


def test_email_headers_greeting_sign_off_and_quoted_history_are_removed() -> None:
    questions = split_request(EMAIL_REQUEST)

    assert questions == [
        "How many drones does the force operate?",
        "What was spent on drone pilot training in 2023?",
    ]
    joined = " ".join(questions)
    for furniture in ("From:", "Subject", "Dear", "Yours sincerely", "Rowan Pike", "wrote:", "air support unit"):
        assert furniture not in joined


def test_clean_request_keeps_only_the_body() -> None:
    body = clean_request(EMAIL_REQUEST)

    assert body.startswith("1. How many drones")
    assert body.endswith("training in 2023?")


def test_quoted_lines_without_a_wrote_line_are_dropped() -> None:
    request = (
        "Good morning,\n\nWhat is the annual cost of the leader's official car?\n\n"
        "> In your last reply you said:\n> How much is the driver paid?\n"
    )

    assert split_request(request) == ["What is the annual cost of the leader's official car?"]


@pytest.mark.parametrize(
    "request_text",
    [
        "1. How many parking fines were issued?\n2. How many were cancelled on appeal?",
        "1) How many parking fines were issued?\n2) How many were cancelled on appeal?",
        "Q1 - How many parking fines were issued?\nQ2 - How many were cancelled on appeal?",
        "(1) How many parking fines were issued?\n(2) How many were cancelled on appeal?",
    ],
    ids=["dot", "bracket", "q-dash", "parenthesised"],
)
def test_numbered_items_each_become_one_question(request_text: str) -> None:
    assert split_request(request_text) == [
        "How many parking fines were issued?",
        "How many were cancelled on appeal?",
    ]


def test_numbered_items_that_are_noun_phrases_are_still_questions() -> None:
    request = ("Q1 - The number of pothole claims received.\nQ2 - The total paid out on those claims.\n"
               "Q3 - The average time taken to settle a claim.")

    assert split_request(request) == [
        "The number of pothole claims received.",
        "The total paid out on those claims.",
        "The average time taken to settle a claim.",
    ]


def test_a_wrapped_numbered_item_is_joined_into_one_question() -> None:
    request = ("1. Please provide the number of foxes culled\n   in each of the last two years.\n"
               "2. Who carried out the culls?")

    assert split_request(request) == [
        "Please provide the number of foxes culled in each of the last two years.",
        "Who carried out the culls?",
    ]


def test_bulleted_items_each_become_one_question() -> None:
    request = "* The annual budget for street lighting\n* The number of lamps converted to LED\n"

    assert split_request(request) == [
        "The annual budget for street lighting",
        "The number of lamps converted to LED",
    ]


def test_lettered_sub_questions_are_questions_carrying_their_numbered_parent() -> None:
    request = (
        "1. For each of the last three years:\n"
        "a) how many complaints about noise were received\n"
        "b) how many of them were upheld\n"
        "2. Who chairs the complaints panel?"
    )

    assert split_request(request) == [
        "For each of the last three years: how many complaints about noise were received",
        "For each of the last three years: how many of them were upheld",
        "Who chairs the complaints panel?",
    ]


def test_a_numbered_parent_that_asks_is_kept_beside_its_lettered_parts() -> None:
    request = (
        "1. Please provide details of complaints about barking dogs.\n"
        "a) How many were received?\n"
        "b) How many led to a warning letter?\n"
        "2. What is the animal welfare team's budget?"
    )

    assert split_request(request) == [
        "Please provide details of complaints about barking dogs.",
        "Please provide details of complaints about barking dogs. How many were received?",
        "Please provide details of complaints about barking dogs. How many led to a warning letter?",
        "What is the animal welfare team's budget?",
    ]


def test_bullets_after_a_prose_lead_in_each_carry_the_lead_in() -> None:
    request = (
        "Hi,\n\nI am researching rural bus services. For each depot, please provide:\n\n"
        "\u2022 the number of buses\n"
        "\u2022 the average age of the fleet\n"
        "\u2022 the number of drivers\n\n"
        "Thank you for your help\nDev"
    )

    assert split_request(request) == [
        "For each depot, please provide: the number of buses",
        "For each depot, please provide: the average age of the fleet",
        "For each depot, please provide: the number of drivers",
    ]


def test_prose_questions_and_please_provide_sentences_are_split_out() -> None:
    request = (
        "Dear Sir or Madam,\n\n"
        "I am researching library closures in the county. How many libraries has the council closed since 2020? "
        "Please provide the savings made by each closure. Which libraries are due to close next year?\n\n"
        "Kind regards,\nSam"
    )

    assert split_request(request) == [
        "I am researching library closures in the county. How many libraries has the council closed since 2020?",
        "Please provide the savings made by each closure.",
        "Which libraries are due to close next year?",
    ]


def test_delivery_and_format_preferences_are_not_questions() -> None:
    request = (
        "This is a request under the Freedom of Information Act 2000. How many trees were felled in Ashcombe "
        "Park in 2024? Please send the response by email. I would like the information in Excel format. "
        "I look forward to your reply."
    )

    assert split_request(request) == ["How many trees were felled in Ashcombe Park in 2024?"]


@pytest.mark.parametrize(
    "request_text",
    [
        "1. How many wardens are employed?\n2. Please send the response by email.",
        "- How many wardens are employed?\n- I would like the information in Excel format",
    ],
    ids=["numbered", "bulleted"],
)
def test_a_format_preference_written_as_a_list_item_is_not_a_question(request_text: str) -> None:
    assert split_request(request_text) == ["How many wardens are employed?"]


def test_a_request_with_nothing_question_like_is_one_question_holding_the_text() -> None:
    request = "I am writing about the footpath by Millbrook Green,\nwhich has been flooded for weeks."

    assert split_request(request) == [
        "I am writing about the footpath by Millbrook Green, which has been flooded for weeks."
    ]


@pytest.mark.parametrize("request_text", ["", "   \n\n  "])
def test_an_empty_request_has_no_questions(request_text: str) -> None:
    assert split_request(request_text) == []


def test_questions_are_capped_at_max_questions_keeping_the_first_in_order() -> None:
    request = "\n".join(f"{n}. How many benches were installed in ward {n}?" for n in range(1, MAX_QUESTIONS + 16))

    questions = split_request(request)

    assert len(questions) == MAX_QUESTIONS
    assert questions[0] == "How many benches were installed in ward 1?"
    assert questions[-1] == f"How many benches were installed in ward {MAX_QUESTIONS}?"


def test_a_second_ask_joined_by_and_could_you_also_is_a_question_of_its_own() -> None:
    text = ("Please could you tell me how many pothole claims the council received in 2025, and could you also "
            "send me a copy of the current grounds maintenance contract. Thank you.")
    assert split_request(text) == ["Please could you tell me how many pothole claims the council received in 2025",
                                   "Could you also send me a copy of the current grounds maintenance contract."]


def test_a_second_question_word_after_and_starts_a_second_ask() -> None:
    text = ("Could you tell me how many people were arrested at the Millbrook protest site in 2025 and for which "
            "offences, and what the total cost of the policing operation at the site has been?")
    assert len(split_request(text)) == 2
    assert len(split_request("How many complaints were received in 2024, and what were they about?")) == 1


def test_a_follow_up_that_points_back_stays_with_its_ask() -> None:
    assert len(split_request("Please provide the number of staff in the parks team, and could you also break this "
                             "down by grade.")) == 1
    assert len(split_request("How many complaints were received about the refuse service in 2024, and how many "
                             "of these were upheld by the council?")) == 1


def test_can_i_have_asks_and_a_background_paragraph_ending_in_a_bare_lead_is_no_question() -> None:
    text = ("Hello,\n\nI live near the park and the bins are never emptied, so I want to understand whats going on. "
            "Under the freedom of information act please can you tell me\n\n1. how many bin collections were "
            "missed in 2024\n2. the penalties charged to the contractor since 2022\n\nCan I have a list of every "
            "park where bins were removed since 2022. I'd also like the total spent on new bins in 2024.\n\n"
            "Thanks,\nSam")
    assert split_request(text) == ["how many bin collections were missed in 2024",
                                   "the penalties charged to the contractor since 2022",
                                   "Can I have a list of every park where bins were removed since 2022.",
                                   "I'd also like the total spent on new bins in 2024."]
