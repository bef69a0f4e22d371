"""Finding the requester's personal data in a request and redacting all of it, and nothing else.

The people, addresses and numbers here are invented (Ofcom drama numbers, a ZZ99 postcode).
"""

from __future__ import annotations

import pytest

from knowledge.personal_data import find_requester, redact

LETTER = """Dear Fenmoor Constabulary,

Please tell me how many officers Fenmoor Constabulary has based in Fenmoor town centre.

Yours sincerely,
Tamsin Okafor
14 Kestrel Way, Fenmoor, ZZ99 1OP
Tel: 01632 960123
Mobile: 07700 900123
tamsin.okafor@example.com

On 2 May 2025, Fenmoor Constabulary wrote:
> Dear Ms Okafor, thank you for your request.
"""

PERSONAL = ("Tamsin", "Okafor", "14 Kestrel Way", "ZZ99 1OP", "01632 960123", "07700 900123",
            "tamsin.okafor@example.com")


def test_find_requester_takes_the_name_after_the_sign_off() -> None:
    requester = find_requester(LETTER)

    assert requester.name == "Tamsin Okafor"


def test_find_requester_collects_email_first_phone_and_address() -> None:
    requester = find_requester(LETTER)

    assert requester.email == "tamsin.okafor@example.com"
    assert requester.phone == "01632 960123"
    assert requester.address == "14 Kestrel Way, Fenmoor, ZZ99 1OP"
    assert not requester.is_empty()


def test_find_requester_reads_the_name_from_a_from_header() -> None:
    text = (
        "From: Jonah Whitlock <j.whitlock@example.net>\nSubject: FOI\n\n"
        "Hello, how many gritting lorries does Brackley Borough Council own? Call me on +44 1632 960123.\n"
    )

    requester = find_requester(text)

    assert requester.name == "Jonah Whitlock"
    assert requester.email == "j.whitlock@example.net"
    assert requester.phone == "+44 1632 960123"


def test_find_requester_reads_my_name_is_in_mid_sentence() -> None:
    text = "Hello, my name is Priya Castellan and I would like to know the library budget for 2024.\n"

    assert find_requester(text).name == "Priya Castellan"


def test_find_requester_reads_my_name_is_at_the_start_of_a_sentence() -> None:
    text = "Hello,\n\nMy name is Priya Castellan and I would like to know the library budget.\n"

    assert find_requester(text).name == "Priya Castellan"


def test_the_authority_named_after_dear_is_not_the_requester() -> None:
    text = "Dear Fenmoor Constabulary,\n\nHow many speed cameras are there on the ring road?\n\nKind regards\n"

    assert find_requester(text).name == ""


def test_the_requester_is_the_signer_not_the_authority_addressed() -> None:
    text = "Dear Brackley Borough Council\n\nWhat is the gritting budget?\n\nRegards\nEllis Marchetti\n"

    assert find_requester(text).name == "Ellis Marchetti"


def test_a_team_signature_after_the_sign_off_is_not_taken_as_a_name() -> None:
    text = (
        "Dear Information Rights Team,\n\nHow many speed cameras are there?\n\nKind regards,\n"
        "Information Rights Team\nFenmoor Constabulary\n"
    )

    assert find_requester(text).name == ""


@pytest.mark.parametrize("phone", ["01632 960123", "+44 1632 960123", "07700 900123", "+44 (0)1632 960123"])
def test_uk_phone_numbers_are_found_and_redacted(phone: str) -> None:
    text = f"How many bins were emptied late? You can reach me on {phone} after six."

    assert find_requester(text).phone == phone
    redacted = redact(text).text
    assert phone not in redacted
    assert "[phone]" in redacted
    assert redacted.startswith("How many bins were emptied late?")


def test_redact_removes_every_personal_detail() -> None:
    result = redact(LETTER)

    for personal in PERSONAL:
        assert personal not in result.text, personal
    assert result.requester == find_requester(LETTER)


def test_redact_keeps_a_town_name_that_also_appears_in_the_request() -> None:
    text = redact(LETTER).text

    assert "Dear Fenmoor Constabulary," in text
    assert "officers Fenmoor Constabulary has based in Fenmoor town centre" in text
    assert "On 2 May 2025, Fenmoor Constabulary wrote:" in text


def test_redact_removes_the_surname_alone_in_a_quoted_reply() -> None:
    text = redact(LETTER).text

    assert "Okafor" not in text
    assert "> Dear Ms [requester], thank you for your request." in text


def test_redact_uses_placeholders() -> None:
    text = redact(LETTER).text

    for placeholder in ("[requester]", "[address]", "[phone]", "[email]"):
        assert placeholder in text


def test_redact_takes_out_a_postal_address_block_over_several_lines() -> None:
    text = (
        "Dear Fenmoor Constabulary,\n\nHow many officers are based in Fenmoor?\n\nYours sincerely,\n"
        "Tamsin Okafor\nFlat 2\n14 Kestrel Way\nFenmoor ZZ99 1OP\n"
    )

    result = redact(text)

    assert result.requester.address == "Flat 2, 14 Kestrel Way, Fenmoor ZZ99 1OP"
    for personal in ("Tamsin Okafor", "Flat 2", "14 Kestrel Way", "ZZ99 1OP"):
        assert personal not in result.text
    assert "How many officers are based in Fenmoor?" in result.text


def test_redact_takes_out_an_address_block_with_the_town_on_its_own_line() -> None:
    text = (
        "Dear Fenmoor Constabulary,\n\nHow many officers are based in Fenmoor?\n\nYours sincerely,\n"
        "Tamsin Okafor\n14 Kestrel Way\nFenmoor\nZZ99 1OP\n"
    )

    result = redact(text)

    assert result.requester.address == "14 Kestrel Way, Fenmoor, ZZ99 1OP"
    assert "14 Kestrel Way" not in result.text
    assert "ZZ99 1OP" not in result.text


def test_redact_with_a_given_requester_uses_it() -> None:
    text = "Please could Jo Quill have the minutes of the parks committee? Jo Quill can be emailed at jq@example.org."
    requester = find_requester("Regards\nJo Quill")

    result = redact(text, requester)

    assert "Jo Quill" not in result.text
    assert "jq@example.org" not in result.text
    assert result.requester is requester
