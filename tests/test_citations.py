"""Finding exemption citations in response text, and the normal forms labels are kept in."""

from __future__ import annotations

import pytest

from knowledge.citations import find_citations, metadata_key, named_sections, normalise, section_key
from knowledge.models import Regime

# find_citations


def test_list_of_sections_gives_each_section_in_order() -> None:
    text = "The force relies on Sections 23(5), 24(2) and 31(3) to neither confirm nor deny."
    assert find_citations(text) == ["s23(5)", "s24(2)", "s31(3)"]


def test_space_before_subsection_is_closed_up() -> None:
    assert find_citations("Any such data would be exempt under S40 (5).") == ["s40(5)"]


def test_section_of_the_foi_act_is_kept() -> None:
    text = "We estimate that section 12(1) of the FoI Act applies to this request."
    assert find_citations(text) == ["s12(1)"]


def test_section_of_the_act_is_kept() -> None:
    assert find_citations("This is exempt under section 43(2) of the Act.") == ["s43(2)"]


def test_section_of_another_act_is_not_an_exemption() -> None:
    assert find_citations("Vetting is carried out under section 43 of the Police Act 1997.") == []


def test_equality_act_section_is_not_an_exemption() -> None:
    text = "The council has regard to Section 149 of the Equality Act 2010 in all its decisions."
    assert find_citations(text) == []


def test_exemption_is_kept_beside_a_section_of_another_act() -> None:
    text = "Names are withheld under section 40(2); checks follow section 43 of the Police Act 1997."
    assert find_citations(text) == ["s40(2)"]


@pytest.mark.parametrize(
    "text",
    [
        "We have provided advice and assistance under s16 of the Act.",
        "This letter is a refusal notice under section 17.",
        "You may complain to the Commissioner under section 50.",
    ],
)
def test_procedural_foia_sections_are_dropped(text: str) -> None:
    assert find_citations(text) == []


def test_section_17_is_kept_under_foisa() -> None:
    text = "Under section 17 of FOISA we give notice that the information is not held."
    assert find_citations(text, Regime.FOISA) == ["s17"]


def test_foia_only_sections_are_dropped_under_foisa() -> None:
    # FOISA has no s23 or s24; its law enforcement exemption is s35.
    assert find_citations("Sections 23(5), 24(2) and 35(1)(a) apply.", Regime.FOISA) == ["s35(1)(a)"]


def test_eir_regulation_list_gives_each_exception() -> None:
    text = "The council relies on regulation 12(4)(a) and 12(5)(e) of the EIR."
    assert find_citations(text, Regime.EIR) == ["reg 12(4)(a)", "reg 12(5)(e)"]


def test_short_regulation_form_is_found() -> None:
    assert find_citations("Officers' names are withheld under reg 13.", Regime.EIR) == ["reg 13"]


def test_framework_regulations_are_not_exceptions() -> None:
    assert find_citations("Under regulation 12(1) and reg 12(4)(b) we refuse.", Regime.EIR) == ["reg 12(4)(b)"]


def test_repeated_citation_is_listed_once() -> None:
    assert find_citations("Section 31(1)(a) applies. As section 31(1)(a) is qualified...") == ["s31(1)(a)"]


def test_suffixed_section_is_found() -> None:
    assert find_citations("The research exemption at s22A applies.") == ["s22A"]


def test_sibling_limb_after_and_joins_its_citation() -> None:
    assert find_citations("The locations are withheld under section 31(1)(a) and (b).") == ["s31(1)(a)(b)"]


def test_text_without_citations_gives_nothing() -> None:
    assert find_citations("Please find the figures attached.") == []


# normalise


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("S.31 (3)", "s31(3)"),
        ("31(3)", "s31(3)"),
        ("section 40(2)", "s40(2)"),
        ("s 35(1)(a)", "s35(1)(a)"),
        ("reg 13", "reg 13"),
        ("regulation 12(5)(e)", "reg 12(5)(e)"),
        ("s22A", "s22A"),
    ],
)
def test_normalise_writes_labels_in_one_form(label: str, expected: str) -> None:
    assert normalise(label) == expected


def test_normalise_rejects_a_section_that_is_not_an_exemption() -> None:
    assert normalise("s99") is None


def test_normalise_follows_the_regime() -> None:
    assert normalise("s17", Regime.FOISA) == "s17"
    assert normalise("s17") is None


def test_bare_eir_limb_normalises_to_a_regulation_under_the_eir() -> None:
    assert normalise("12(4)(a)", Regime.EIR) == "reg 12(4)(a)"


# section_key and metadata_key


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("s31(3)", "s31"),
        ("S40(2)", "s40"),
        ("s40(5B)", "s40"),
        ("s22A", "s22A"),
        ("reg 12(4)(a)", "reg 12(4)(a)"),
        ("reg 12(5)(e)", "reg 12(5)(e)"),
        ("reg 13", "reg 13"),
        ("reg 13(1)", "reg 13"),
    ],
)
def test_section_key_drops_subsections_but_keeps_eir_limbs(label: str, key: str) -> None:
    assert section_key(label) == key


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("s31(3)", "ex_s31"),
        ("s40(2)", "ex_s40"),
        ("reg 12(4)(a)", "ex_reg_12_4_a"),
        ("reg 13", "ex_reg_13"),
    ],
)
def test_metadata_key_is_a_plain_identifier(label: str, key: str) -> None:
    assert metadata_key(label) == key


def test_metadata_key_is_shared_by_the_limbs_of_one_section() -> None:
    assert metadata_key("s31(1)(a)") == metadata_key("s31(3)")


def test_metadata_keys_of_different_eir_limbs_differ() -> None:
    assert metadata_key("reg 12(4)(a)") != metadata_key("reg 12(5)(a)")


def test_metadata_key_tells_s22a_from_s22() -> None:
    assert metadata_key("s22A") != metadata_key("s22")


@pytest.mark.parametrize(("text", "named"), [
    ("Section 99 applies.", ["s99"]),
    ("withheld under section 43(2) and s40(2)", ["s43(2)", "s40(2)"]),
    ("sections 23(5) and 24(2) of the Act", ["s23(5)", "s24(2)"]),
    ("regulation 12(5)(e) and 13 apply", ["reg 12(5)(e)", "reg 13"]),
    ("advice under s.16; a complaint under section 50", ["s16", "s50"]),
    ("section 12 and regulation 4(3) of the Freedom of Information and Data Protection (Appropriate Limit and Fees) "
     "Regulations 2004", ["s12", "reg 4(3)"]),
    ("section 24 of the Police and Criminal Evidence Act 1984", []),
    ("the force's 12 cameras cost section 12, 18 hours of work", ["s12"]),
])
def test_named_sections_finds_every_section_named_known_or_not(text: str, named: list[str]) -> None:
    assert named_sections(text) == named


def test_a_section_of_an_act_whose_name_has_small_words_is_not_an_exemption() -> None:
    assert find_citations("stopped under section 1 of the Police and Criminal Evidence Act 1984, s24 applies") == [
        "s24"]
    assert find_citations("Section 38(3) of the Children and Families Act 2014") == []
