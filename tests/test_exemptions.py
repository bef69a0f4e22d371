"""The exemption library: a card for every exemption in foi-law.md, found however it is written."""

from __future__ import annotations

from string import Formatter

import pytest

from knowledge.citations import section_key
from knowledge.exemptions import ExemptionCard, ExemptionLibrary, load_library
from knowledge.models import Regime

# The sections of foi-law.md's tables, written out so the test does not depend on the shared folder.
FOIA_SECTIONS = [
    "s12", "s14", "s21", "s22", "s22A", "s23", "s24", "s26", "s27", "s28", "s29", "s30", "s31", "s32",
    "s33", "s34", "s35", "s36", "s37", "s38", "s39", "s40(1)", "s40(2)", "s41", "s42", "s43(1)", "s43(2)",
    "s44",
]
EIR_EXCEPTIONS = [
    "reg 12(4)(a)", "reg 12(4)(b)", "reg 12(4)(c)", "reg 12(4)(d)", "reg 12(4)(e)",
    "reg 12(5)(a)", "reg 12(5)(b)", "reg 12(5)(d)", "reg 12(5)(e)", "reg 12(5)(f)", "reg 12(5)(g)",
    "reg 13",
]
FOISA_SECTIONS = ["s12", "s14", "s17", "s18", "s25", "s27", "s30", "s31", "s33", "s34", "s35", "s36", "s38", "s39"]


@pytest.fixture(scope="module")
def library() -> ExemptionLibrary:
    return load_library()


def _cards_for(library: ExemptionLibrary, regime: Regime, label: str) -> list[ExemptionCard]:
    return [card for card in library.cards
            if card.regime is regime and section_key(card.section) == section_key(label)]


def test_library_loads_with_unique_ids(library: ExemptionLibrary) -> None:
    ids = [card.id for card in library.cards]
    assert ids
    assert len(ids) == len(set(ids))
    assert {card.regime for card in library.cards} == set(Regime)


def test_library_is_loaded_once() -> None:
    assert load_library() is load_library()


@pytest.mark.parametrize("label", FOIA_SECTIONS)
def test_every_foia_section_has_a_card(library: ExemptionLibrary, label: str) -> None:
    assert _cards_for(library, Regime.FOIA, label), f"no FOIA card for {label}"


@pytest.mark.parametrize("label", ["s40(1)", "s40(2)", "s43(1)", "s43(2)"])
def test_foia_sections_with_distinct_limbs_have_a_card_each(library: ExemptionLibrary, label: str) -> None:
    assert any(card.section == label for card in _cards_for(library, Regime.FOIA, label))


@pytest.mark.parametrize("label", EIR_EXCEPTIONS)
def test_every_eir_exception_has_a_card(library: ExemptionLibrary, label: str) -> None:
    assert any(card.section == label for card in library.cards if card.regime is Regime.EIR)


@pytest.mark.parametrize("label", FOISA_SECTIONS)
def test_every_foisa_section_has_a_card(library: ExemptionLibrary, label: str) -> None:
    assert _cards_for(library, Regime.FOISA, label), f"no FOISA card for {label}"


@pytest.mark.parametrize("label", ["s21", "s23", "s32", "s34", "s41", "s44"])
def test_absolute_exemptions_are_absolute(library: ExemptionLibrary, label: str) -> None:
    cards = _cards_for(library, Regime.FOIA, label)
    assert cards
    assert all(card.absolute and not card.qualified for card in cards)


@pytest.mark.parametrize("label", ["s24", "s31", "s43"])
def test_qualified_exemptions_are_qualified(library: ExemptionLibrary, label: str) -> None:
    cards = _cards_for(library, Regime.FOIA, label)
    assert cards
    assert all(card.qualified and not card.absolute for card in cards)


def test_eir_exceptions_except_personal_data_are_qualified(library: ExemptionLibrary) -> None:
    exceptions = [card for card in library.cards if card.regime is Regime.EIR and card.section.startswith("reg 12")]
    assert exceptions
    assert all(card.qualified for card in exceptions)


def test_s31_finds_the_foia_card_first(library: ExemptionLibrary) -> None:
    found = library.find("s31")
    assert found[0].regime is Regime.FOIA
    assert found[0].title == "Law enforcement"


def test_subsection_finds_its_section_card(library: ExemptionLibrary) -> None:
    assert library.find("31(3)")[0].id == library.find("s31")[0].id


def test_ncnd_provision_finds_the_card_it_belongs_to(library: ExemptionLibrary) -> None:
    assert library.find("s40(5B)")[0].section == "s40(2)"


def test_regime_prefix_finds_the_foisa_card(library: ExemptionLibrary) -> None:
    found = library.find("foisa:s35")
    assert [card.regime for card in found] == [Regime.FOISA]
    assert "law enforcement" in found[0].title.lower()


def test_regulation_finds_the_eir_card(library: ExemptionLibrary) -> None:
    found = library.find("reg 12(4)(a)")
    assert len(found) == 1
    assert found[0].regime is Regime.EIR
    assert found[0].section == "reg 12(4)(a)"


def test_title_words_find_cards_across_regimes(library: ExemptionLibrary) -> None:
    found = library.find("law enforcement")
    keys = {(card.regime, section_key(card.section)) for card in found}
    assert (Regime.FOIA, "s31") in keys
    assert (Regime.FOISA, "s35") in keys


def test_unknown_section_finds_nothing(library: ExemptionLibrary) -> None:
    assert library.find("s99") == []


def test_get_gives_the_card_for_a_cited_label(library: ExemptionLibrary) -> None:
    card = library.get("s31(3)", Regime.FOIA)
    assert card is not None
    assert card.section == "s31"
    assert library.get("s23(5)", Regime.FOISA) is None


def test_a_bare_section_with_several_cards_gives_the_usual_one(library: ExemptionLibrary) -> None:
    # "s40" in a past letter almost always means third-party data, "s43" commercial interests.
    assert [library.get(label, Regime.FOIA).section for label in ("s40", "s43", "s40(1)", "s43(1)")] == \
        ["s40(2)", "s43(2)", "s40(1)", "s43(1)"]  # type: ignore[union-attr]


def test_knows_sections_of_any_regime(library: ExemptionLibrary) -> None:
    assert library.knows("reg 13")
    assert library.knows("s43(2)")
    assert not library.knows("s99")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_model_wording_uses_only_authority_and_information(library: ExemptionLibrary) -> None:
    for card in library.cards:
        for wording in (card.model_wording, card.ncnd_wording or ""):
            assert _placeholders(wording) <= {"authority", "information"}, card.id
            wording.format(authority="Anytown Council", information="the requested figures")


def test_every_card_has_model_wording(library: ExemptionLibrary) -> None:
    assert all(card.model_wording.strip() and card.summary.strip() for card in library.cards)
