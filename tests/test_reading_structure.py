"""Stage 1 of the reader: a thread's messages, typed, with their furniture removed (fictional threads)."""

from __future__ import annotations

from knowledge.reading.structure import MessageKind, Sender, letter_message, thread_messages
from knowledge.reading.text import reflow


def thread(*messages: tuple[str, str, str]) -> str:
    """A WhatDoTheyKnow-style thread from (direction, date, body) triples."""
    parts = ["WhatDoTheyKnow request: Gritting routes\nAuthority: Ashcombe Valley Council\n"]
    for direction, when, body in messages:
        who = "requester" if direction == "outgoing" else "Ashcombe Valley Council"
        parts.append(f"----- {direction} message, {when}, from {who} -----\n{body}\n")
    return "\n".join(parts)


REQUEST = (
    "Dear Ashcombe Valley Council,\n"
    "1. How many gritting lorries does the council own?\n"
    "2. What was spent on rock salt in 2023?\n"
    "Yours faithfully,\nPat Quill\n"
    "-------------------------------------------------------------------\n"
    "Please use this email address for all replies to this request:\n[FOI #123 email]\n"
)
ACKNOWLEDGEMENT = (
    "Dear Pat Quill,\nThank you for your request which we received on 02/01/2024.\n"
    "This has been logged as a Freedom of Information request and will be dealt with under the Act.\n"
    "We must respond to you within 20 working days, by 30/01/2024.\n"
    "Yours sincerely,\nAshcombe Valley Council\n"
)
HOLDING = ("Dear Pat Quill,\nWe apologise for not meeting the deadline. We are actively working on your request and "
           "will be in touch.\nYours sincerely,\nAshcombe Valley Council\n")
RESPONSE = (
    "Dear Pat Quill,\n"
    "Please find the council's response to your request set out below:\n"
    "1. How many gritting lorries does the council own?\n"
    "The council owns fourteen gritting lorries.\n"
    "2. What was spent on rock salt in 2023?\n"
    "£212,000 was spent on rock salt.\n"
    "If you are unhappy with the response you may ask for an internal review.\n"
    "Kind regards,\nAshcombe Valley Council\n"
    "This Email, and any attachments, may contain non-public information and is intended solely for the\n"
    "individual(s) to whom it is addressed.\n"
    "From: Pat Quill <[FOI #123 email]>\n"
    "Sent: 02 January 2024 09:00\n"
    "To: FOI\n"
    "Subject: Freedom of Information request\n"
    "1. How many gritting lorries does the council own?\n"
    "References\nVisible links\n1. mailto:[Ashcombe Valley Council request email]\n"
)
REVIEW = ("Dear Pat Quill,\nI have now completed the internal review of your request. I uphold the original "
          "decision.\nYours sincerely,\nReviewing Officer\n")


def test_a_thread_is_read_into_typed_messages() -> None:
    messages = thread_messages(thread(("outgoing", "2024-01-02", REQUEST), ("incoming", "2024-01-03", ACKNOWLEDGEMENT),
                                      ("incoming", "2024-01-31", HOLDING), ("incoming", "2024-02-10", RESPONSE),
                                      ("outgoing", "2024-02-12", "Dear council,\nPlease pass this on to the person "
                                       "who conducts internal reviews.\nYours faithfully,\nPat Quill"),
                                      ("incoming", "2024-03-01", REVIEW)))
    assert [m.kind for m in messages] == [
        MessageKind.REQUEST, MessageKind.ACKNOWLEDGEMENT, MessageKind.HOLDING, MessageKind.RESPONSE,
        MessageKind.REVIEW_REQUEST, MessageKind.REVIEW,
    ]
    assert messages[0].sender is Sender.REQUESTER
    assert messages[3].sender is Sender.AUTHORITY
    assert messages[3].date == "2024-02-10"


def test_quoted_history_disclaimers_link_lists_and_footers_are_furniture() -> None:
    request, response = (m for m in thread_messages(thread(("outgoing", "2024-01-02", REQUEST),
                                                            ("incoming", "2024-02-10", RESPONSE))))
    assert "Please use this email address" not in request.text
    assert "Pat Quill" not in request.text
    assert response.text.count("How many gritting lorries") == 1, "the quoted request under From:/Sent: is cut"
    assert "mailto" not in response.text
    assert "non-public information" not in response.text
    assert "Kind regards" not in response.text
    assert "internal review" in " ".join(response.closing), "appeal rights are the closing, kept apart"


def test_an_attachment_list_is_read_off_the_message() -> None:
    body = ("2 Attachments\nGritting routes 2024.pdf\n120K\nDownload\nView as HTML\nDear Pat Quill,\n"
            "Please see attached.")
    [message] = thread_messages(thread(("incoming", "2024-02-10", body)))
    assert message.attachments == ("Gritting routes 2024.pdf",)
    assert "Download" not in message.text


def test_a_closing_hope_that_the_information_helps_is_closing_not_an_answer() -> None:
    body = ("Dear Pat Quill,\nPlease see the attached response.\nI hope the information we have provided is of help "
            "to your enquiries. If you have any queries about this response, please do not hesitate to contact us.")
    [message] = thread_messages(thread(("incoming", "2024-02-10", body)))
    assert "I hope the information" not in message.text
    assert any("I hope the information" in line for line in message.closing)


def test_a_clarification_request_and_an_out_of_office_reply_are_not_responses() -> None:
    messages = thread_messages(thread(
        ("outgoing", "2024-01-02", REQUEST),
        ("incoming", "2024-01-04", "Dear Pat Quill,\nBefore we can process your request, could you please clarify "
                                   "which financial year you mean?\nYours sincerely,\nFOI Team"),
        ("incoming", "2024-01-05", "Thank you for your message. This mailbox will not be monitored until 8 January."),
    ))
    assert [m.kind for m in messages[1:]] == [MessageKind.CLARIFICATION_REQUEST, MessageKind.OTHER]


def test_wrapped_lines_are_joined_and_real_breaks_kept() -> None:
    wrapped = [
        "Thank you for your request for information relating to gritting which we",
        "received on 02/01/2024. The council has looked at the records it holds for",
        "the winter of 2023.",
        "How many gritting lorries does the council own and how many of them were",
        "out of service for more than a week?",
        "Fourteen lorries are owned. Three were out of service for more than a week",
        "because of a shortage of spare parts.",
        "- first item",
        "- second item",
    ]
    assert reflow(wrapped) == [
        "Thank you for your request for information relating to gritting which we received on 02/01/2024. "
        "The council has looked at the records it holds for the winter of 2023.",
        "How many gritting lorries does the council own and how many of them were out of service for more "
        "than a week?",
        "Fourteen lorries are owned. Three were out of service for more than a week because of a shortage of "
        "spare parts.",
        "- first item",
        "- second item",
    ]


def test_a_letter_attached_under_a_covering_note_is_kept_after_the_notes_closing() -> None:
    letter = letter_message(
        "Dear Ms Quill,\nPlease find attached the council's response.\nIf you have any questions please reply.\n\n"
        "ASHCOMBE VALLEY COUNCIL\nReference: AVC/2024/7\nYour request\n1. How many lorries?\nResponse\n1. Fourteen.\n"
    )
    assert "1. How many lorries?" in letter.lines
    assert any(line.startswith("If you have any questions") for line in letter.closing)


def test_a_reply_with_a_not_monitored_footer_is_still_a_response() -> None:
    from knowledge.reading.structure import MessageKind, Sender, _kind

    body = ["The council spent 45,000 pounds on agency staff in 2023.",
            "This mailbox is not monitored, please contact the FOI team with any queries."]
    assert _kind(Sender.AUTHORITY, body, [], False) is not MessageKind.OTHER


def test_a_reply_saying_the_response_is_not_quite_finished_is_a_holding_message() -> None:
    late = ("Dear Pat Quill,\nYour response is due today but is not quite finished, for which we apologise. We will "
            "provide it this week.\nYours sincerely,\nInformation Team\n")
    messages = thread_messages(thread(("outgoing", "2024-01-02", REQUEST), ("incoming", "2024-01-31", late),
                                      ("incoming", "2024-02-03", RESPONSE)))
    assert [m.kind for m in messages] == [MessageKind.REQUEST, MessageKind.HOLDING, MessageKind.RESPONSE]


def test_an_answer_that_the_thing_asked_for_is_not_yet_complete_is_no_holding_message() -> None:
    from knowledge.reading.structure import MessageKind, Sender, _kind

    body = ["Dear Pat Quill,", "The parks strategy is not yet complete. We will provide it to you once the cabinet "
            "approves it in March.", "Yours sincerely,", "Information Team"]
    assert _kind(Sender.AUTHORITY, body, [], False) is MessageKind.RESPONSE


def test_a_reply_saying_it_is_not_ready_to_respond_is_a_holding_message() -> None:
    from knowledge.reading.structure import MessageKind, Sender, _kind

    body = ["Dear Pat Quill,", "We are not yet ready to respond to your request. We will send you our response as "
            "soon as possible.", "Yours sincerely,", "Information Team"]
    assert _kind(Sender.AUTHORITY, body, [], False) is MessageKind.HOLDING
