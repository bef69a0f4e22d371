"""The one personal-data module, from a table of cases: what must go and what must stay.

Every person, number and address here is invented (Ofcom drama numbers, ZZ99 postcodes,
NHS numbers from the NHS's own test range shape).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from bot.llm.privacy import for_model
from knowledge.models import SourceDocument
from knowledge.parser import parse_document
from knowledge.personal_data import (
    Requester,
    find_requester,
    name_variants,
    personal_data_in,
    redact,
    redact_correspondence,
    redact_people,
    redact_uk_identifiers,
    uk_identifiers_available,
)

OUTLOOK_REQUEST = """From: Marchetti, Ellis <ellis.marchetti@example.net>
Sent: 02 May 2025 10:14
To: FOI <foi@fenmoor.example.gov.uk>
Subject: Gritting

Please tell me how many gritting lorries the council owns.

Kind regards

Ellis Marchetti
Operations Manager | Marchetti Haulage Ltd
M: 07700 900456
"""

INITIALS_REQUEST = """Dear Fenmoor Council,

How many bins were emptied late in 2024? Mr Quill asked before.

Yours faithfully,
J. Quill
"""

PAST_LETTER = """Dear Mr Smith,

Thank you for your request. Mr Smith, as discussed on 07700 900456, the council holds the figures.
Dr Aurelia Penhallow reviewed the answer. Contact foi@fenmoor.example.gov.uk with questions.

Yours sincerely,
FOI Team
"""

REQUESTER_MESSAGE = """Please send the figures.

Kind regards

Tobias Fenwick-Hale
Senior Analyst
Tel: 01632 960777

From: FOI Team <foi@fenmoor.example.gov.uk>
Sent: 01 May 2025
"""

Case = tuple[str, Callable[[str], str], tuple[str, ...], tuple[str, ...]]
CASES: list[Case] = [
    # (what, how the text is redacted, what must go, what must stay)
    ("Outlook request: Last, First header and a signature with a job title and mobile",
     lambda t: redact(t).text,
     ("Marchetti", "Ellis", "07700 900456", "ellis.marchetti@example.net"),
     ("how many gritting lorries the council owns",)),
    ("sign-off with an initial, and the surname with a title elsewhere",
     lambda t: redact(t).text, ("Quill", "J. Quill"), ("How many bins were emptied late in 2024?",)),
    ("past letter: the greeted name and a phone number in the body",
     redact_correspondence, ("Smith", "07700 900456", "foi@fenmoor.example.gov.uk", "Penhallow"),
     ("as discussed on [phone]", "the council holds the figures", "Dear [requester],")),
    ("requester's own message: the whole signature block, not the quoted header below it",
     lambda t: redact_correspondence(t, written_by_requester=True),
     ("Tobias", "Fenwick-Hale", "Senior Analyst", "01632 960777"), ("Please send the figures.", "From: FOI Team")),
    ("published correspondence with the requester's known WhatDoTheyKnow names",
     lambda t: redact_correspondence(t, ["Jane Okafor", "jane_okafor"]),
     ("Okafor", "jane_okafor", "Jane"), ("your request",)),
    ("a caseworker's text filed as a precedent: ranked and titled people, wherever they recur",
     redact_people, ("Amy", "Jones", "Patel", "Green"),
     ("Has PC [name] been disciplined?", "Sergeant [name]", "the Chief Constable", "Officer in charge")),
    ("a section number followed by a word is not a vehicle registration",
     redact_uk_identifiers, (), ("exempt under s43 the council", "s12 and s14")),
]
TEXTS = {
    CASES[0][0]: OUTLOOK_REQUEST,
    CASES[1][0]: INITIALS_REQUEST,
    CASES[2][0]: PAST_LETTER,
    CASES[3][0]: REQUESTER_MESSAGE,
    CASES[4][0]: "Dear Ms Okafor,\nWe have your request, Jane. See /user/jane_okafor.\n",
    CASES[5][0]: ("Has PC Amy Jones been disciplined? Jones was seen with Sergeant Patel and Councillor Green; "
                  "the Chief Constable and the Officer in charge were told."),
    CASES[6][0]: "The report is exempt under s43 the council says; s12 and s14 do not apply.",
}


@pytest.mark.parametrize(("what", "redaction", "gone", "kept"), CASES, ids=[case[0] for case in CASES])
def test_personal_data_goes_and_the_rest_stays(what: str, redaction: Callable[[str], str], gone: tuple[str, ...],
                                               kept: tuple[str, ...]) -> None:
    out = redaction(TEXTS[what])

    for personal in gone:
        assert personal not in out, (personal, out)
    for wanted in kept:
        assert wanted in out, (wanted, out)


@pytest.mark.parametrize(("text", "name"), [
    (OUTLOOK_REQUEST, "Ellis Marchetti"),
    (INITIALS_REQUEST, "J. Quill"),
    ("From: Smith, Jane [mailto:jane@example.org]\nSent: 1 May\n\nHow many?", "Jane Smith"),
    ("Regards\nDr J. A. Smith", "Dr J. A. Smith"),
])
def test_find_requester_reads_outlook_headers_and_initials(text: str, name: str) -> None:
    assert find_requester(text).name == name


def test_one_name_rule_gives_whole_bare_first_surname_and_initial_forms() -> None:
    variants = name_variants(["Ms Adaeze Okafor"])

    assert variants[0] == "Ms Adaeze Okafor"
    assert {"Adaeze Okafor", "Adaeze", "Okafor", "A. Okafor", "A Okafor"} <= set(variants)
    assert all(len(v) >= len(w) for v, w in itertools.pairwise(variants))


def test_the_llm_path_takes_an_address_out_of_mid_sentence() -> None:
    requester = Requester(name="Adaeze Okafor", email="a.okafor@example.org",
                          address="14 Kestrel Way, Fenmoor, ZZ99 4QT")

    out = for_model("The resident at 14  Kestrel Way in Fenmoor, A. Okafor, asked.", requester)

    assert "Kestrel" not in out
    assert "Okafor" not in out
    assert "Fenmoor" in out
    assert personal_data_in("Dear A. Okafor, of 14 Kestrel Way", requester) == ["name", "address"]
    assert personal_data_in(out, requester) == []


def test_a_past_letter_is_read_without_the_previous_requesters_name_or_phone() -> None:
    letter = (
        "Reference: FEN-2024-0042\n\n" + PAST_LETTER.replace(
            "Thank you for your request.",
            "1. How many parking fines were issued in 2023?\nMr Smith, as discussed on 07700 900456, 4,210 fines "
            "were issued.\n")
    )

    parsed = parse_document(SourceDocument(text=letter, source="past.txt"))

    stored = " ".join(p.question + " " + p.answer for p in parsed.precedents)
    assert parsed.precedents
    assert "4,210 fines" in stored
    assert "Smith" not in stored
    assert "07700" not in stored


@pytest.mark.skipif(not uk_identifiers_available(), reason="the uk-pii extra (presidio-analyzer) is not installed")
def test_presidio_takes_out_nhs_numbers_and_vehicle_registrations() -> None:
    out = redact("My NHS number is 943 476 5919 and my car, registration AB51 ABC, was clamped.").text

    assert "943 476 5919" not in out
    assert "[nhs number]" in out
    assert "AB51 ABC" not in out
    assert "[vehicle]" in out
    assert "was clamped" in out
