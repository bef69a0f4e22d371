"""Refinement instructions: every form the help lists, the errors, and how edits are described."""

from __future__ import annotations

import re

import pytest

from bot.models import EditKind
from bot.refinement import HELP, Edit, RefinementError, describe, parse_instruction, same_section
from knowledge.exemptions import ExemptionLibrary, load_library
from knowledge.models import Disposition, Regime


@pytest.fixture(scope="module")
def library() -> ExemptionLibrary:
    return load_library()


def parse(instruction: str, library: ExemptionLibrary, regime: Regime = Regime.FOIA) -> list[Edit]:
    return parse_instruction(instruction, regime, library)


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("Q5: ncnd s24(2) s31(3)", Edit(5, EditKind.DISPOSITION, Disposition.NCND, ("s24(2)", "s31(3)"))),
        ("Q2 not held", Edit(2, EditKind.DISPOSITION, Disposition.NOT_HELD)),
        ("Q1 disclosed", Edit(1, EditKind.DISPOSITION, Disposition.DISCLOSED)),
        ("Q3 exempt s43(2)", Edit(3, EditKind.DISPOSITION, Disposition.EXEMPT_WITHHELD, ("s43(2)",))),
        ("Q4 partially disclosed s40(2)", Edit(4, EditKind.DISPOSITION, Disposition.PARTIALLY_DISCLOSED, ("s40(2)",))),
        ("Q6 cost", Edit(6, EditKind.DISPOSITION, Disposition.S12_COST)),
        ("Q6 s21", Edit(6, EditKind.DISPOSITION, Disposition.S21_ACCESSIBLE, ("s21",))),
        ("Q7 vexatious", Edit(7, EditKind.DISPOSITION, Disposition.S14_VEXATIOUS_OR_REPEATED)),
        ("Q2 add s40(2)", Edit(2, EditKind.ADD_EXEMPTIONS, exemptions=("s40(2)",))),
        ("Q2 remove s31", Edit(2, EditKind.REMOVE_EXEMPTIONS, exemptions=("s31",))),
        ("Q3 add s16 advice", Edit(3, EditKind.ADD_ADVICE)),
        ("Q3 remove advice", Edit(3, EditKind.REMOVE_ADVICE)),
        ("Q4 use alternative 2", Edit(4, EditKind.ALTERNATIVE, number=2)),
        ("undo Q3", Edit(3, EditKind.UNDO)),
        ("accept Q1", Edit(1, EditKind.ACCEPTED)),
    ],
)
def test_each_help_form_parses_to_one_edit(instruction: str, expected: Edit, library: ExemptionLibrary) -> None:
    assert parse(instruction, library) == [expected]


def test_every_form_in_help_parses(library: ExemptionLibrary) -> None:
    forms = re.findall(r"`([^`]+)`", HELP)
    assert len(forms) >= 17

    for form in forms:
        instruction = (form.replace("<text>", "Try asking for one year.").replace("<new wording>", "New words here.")
                       .replace("<question>", "How many cars?").replace("<words>", "and").replace("<name>", "A Person"))
        assert parse(instruction, library), form


def test_advice_with_a_colon_sets_the_advice_text(library: ExemptionLibrary) -> None:
    edits = parse("Q3 advice: You may wish to narrow the request to one financial year.", library)

    assert edits == [Edit(3, EditKind.SET_ADVICE, text="You may wish to narrow the request to one financial year.")]


def test_free_text_after_a_colon_is_new_wording(library: ExemptionLibrary) -> None:
    edits = parse("Q3: The council publishes its gritting routes on its website.", library)

    assert edits == [Edit(3, EditKind.WORDING, text="The council publishes its gritting routes on its website.")]


def test_new_wording_with_commas_is_kept_whole(library: ExemptionLibrary) -> None:
    wording = "The council holds this information, and a copy is attached, as requested."

    assert parse(f"Q3: {wording}", library) == [Edit(3, EditKind.WORDING, text=wording)]


@pytest.mark.parametrize(("instruction", "kind"), [("Q3 undo", EditKind.UNDO), ("Q1 accept", EditKind.ACCEPTED)])
def test_undo_and_accept_may_follow_the_question_number(instruction: str, kind: EditKind,
                                                        library: ExemptionLibrary) -> None:
    assert [edit.kind for edit in parse(instruction, library)] == [kind]


def test_two_clauses_for_one_question_give_two_edits(library: ExemptionLibrary) -> None:
    edits = parse("Q2 not held, add s16 advice", library)

    assert edits == [Edit(2, EditKind.DISPOSITION, Disposition.NOT_HELD), Edit(2, EditKind.ADD_ADVICE)]


def test_add_with_and_lists_several_exemptions(library: ExemptionLibrary) -> None:
    assert parse("Q2 add s40(2) and s31(3)", library) == [
        Edit(2, EditKind.ADD_EXEMPTIONS, exemptions=("s40(2)", "s31(3)"))]


def test_several_lines_give_edits_in_order(library: ExemptionLibrary) -> None:
    edits = parse("Q1 disclosed\nQ2 not held\nundo Q3\naccept Q4", library)

    assert [(edit.question, edit.kind) for edit in edits] == [
        (1, EditKind.DISPOSITION), (2, EditKind.DISPOSITION), (3, EditKind.UNDO), (4, EditKind.ACCEPTED),
    ]
    assert [edit.disposition for edit in edits[:2]] == [Disposition.DISCLOSED, Disposition.NOT_HELD]


def test_semicolons_separate_instructions_like_lines(library: ExemptionLibrary) -> None:
    edits = parse("Q2 not held; accept Q3", library)

    assert [(edit.question, edit.kind) for edit in edits] == [(2, EditKind.DISPOSITION), (3, EditKind.ACCEPTED)]


def test_a_comma_separated_exemption_list_stays_with_its_disposition(library: ExemptionLibrary) -> None:
    assert parse("Q5 ncnd s23(5), s24(2)", library) == [
        Edit(5, EditKind.DISPOSITION, Disposition.NCND, ("s23(5)", "s24(2)")),
    ]


def test_eir_exceptions_are_understood_under_the_eir(library: ExemptionLibrary) -> None:
    edits = parse("Q2 exempt reg 12(5)(e)", library, Regime.EIR)

    assert edits == [Edit(2, EditKind.DISPOSITION, Disposition.EXEMPT_WITHHELD, ("reg 12(5)(e)",))]


def test_a_foia_section_is_refused_under_the_eir(library: ExemptionLibrary) -> None:
    with pytest.raises(RefinementError, match=r"s43\(2\).*EIR"):
        parse("Q2 exempt s43(2)", library, Regime.EIR)


@pytest.mark.parametrize("instruction", ["please make it better", "Q2 frobnicate", "Q2"])
def test_an_unknown_instruction_raises_with_the_nearest_forms(instruction: str, library: ExemptionLibrary) -> None:
    with pytest.raises(RefinementError) as error:
        parse(instruction, library)

    assert "Nearest forms I understand: `" in str(error.value)
    assert "`help` lists them all" in str(error.value)


def test_an_empty_instruction_raises_with_the_help_list(library: ExemptionLibrary) -> None:
    with pytest.raises(RefinementError) as error:
        parse("  \n ; ", library)

    assert HELP in str(error.value)


@pytest.mark.parametrize("instruction", ["Q2 exempt s99", "Q2 add s99"])
def test_an_unknown_exemption_raises_naming_it(instruction: str, library: ExemptionLibrary) -> None:
    with pytest.raises(RefinementError, match="s99"):
        parse(instruction, library)


@pytest.mark.parametrize(
    ("edit", "text"),
    [
        (Edit(5, EditKind.DISPOSITION, Disposition.NCND, ("s24(2)", "s31(3)")),
         "disposition set to ncnd under s24(2), s31(3)"),
        (Edit(2, EditKind.DISPOSITION, Disposition.NOT_HELD), "disposition set to not_held"),
        (Edit(2, EditKind.ADD_EXEMPTIONS, exemptions=("s40(2)",)), "added s40(2)"),
        (Edit(2, EditKind.REMOVE_EXEMPTIONS, exemptions=("s31",)), "removed s31"),
        (Edit(3, EditKind.ADD_ADVICE), "added advice and assistance"),
        (Edit(3, EditKind.SET_ADVICE, text="Narrow it."), "advice rewritten"),
        (Edit(3, EditKind.REMOVE_ADVICE), "advice removed"),
        (Edit(4, EditKind.ALTERNATIVE, number=2), "alternative 2 used"),
        (Edit(3, EditKind.WORDING, text="New words."), "wording rewritten"),
        (Edit(3, EditKind.UNDO), "last change undone"),
        (Edit(1, EditKind.ACCEPTED), "accepted"),
    ],
)
def test_describe_gives_a_short_account(edit: Edit, text: str) -> None:
    assert describe(edit) == text


def test_same_section_ignores_subsections() -> None:
    assert same_section("s31", "s31(3)")
    assert not same_section("s31", "s30(3)")


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("Q2 not held with s16 advice", [Edit(2, EditKind.DISPOSITION, Disposition.NOT_HELD),
                                         Edit(2, EditKind.ADD_ADVICE)]),
        ("Q2 not held, add s16 advice", [Edit(2, EditKind.DISPOSITION, Disposition.NOT_HELD),
                                         Edit(2, EditKind.ADD_ADVICE)]),
        ("Q3 exempt under section 43(2)", [Edit(3, EditKind.DISPOSITION, Disposition.EXEMPT_WITHHELD, ("s43(2)",))]),
        ("Q5 is NCND under s24(2) and s31(3)", [Edit(5, EditKind.DISPOSITION, Disposition.NCND,
                                                     ("s24(2)", "s31(3)"))]),
        ("mark Q2 as not held", [Edit(2, EditKind.DISPOSITION, Disposition.NOT_HELD)]),
        ("ncnd Q5 under s24(2), s31(3)", [Edit(5, EditKind.DISPOSITION, Disposition.NCND, ("s24(2)", "s31(3)"))]),
        ("refuse Q6 on cost", [Edit(6, EditKind.DISPOSITION, Disposition.S12_COST)]),
        ("Q6 over the cost limit", [Edit(6, EditKind.DISPOSITION, Disposition.S12_COST)]),
        ("Q9 withhold under s40(2) with advice", [Edit(9, EditKind.DISPOSITION, Disposition.EXEMPT_WITHHELD,
                                                       ("s40(2)",)), Edit(9, EditKind.ADD_ADVICE)]),
        ("Q4 use option 2", [Edit(4, EditKind.OPTION, number=2)]),
        ("accept Q1 and Q3", [Edit(1, EditKind.ACCEPTED), Edit(3, EditKind.ACCEPTED)]),
        ("accept all", [Edit(0, EditKind.ACCEPTED)]),
        ("add: How many cars does the force lease?", [Edit(0, EditKind.ADDED,
                                                           text="How many cars does the force lease?")]),
        ("split Q3", [Edit(3, EditKind.SPLIT)]),
        ('split Q3 at "and how many"', [Edit(3, EditKind.SPLIT, text="and how many")]),
        ("merge Q4 Q5", [Edit(4, EditKind.MERGED, questions=(5,))]),
        ("merge Q5 into Q4", [Edit(4, EditKind.MERGED, questions=(5,))]),
        ("remove Q6", [Edit(6, EditKind.REMOVED)]),
        ("restore Q6", [Edit(6, EditKind.RESTORED)]),
        ("accept stance", [Edit(0, EditKind.STANCE_ACCEPT)]),
        ("drop the opening stance", [Edit(0, EditKind.STANCE_DROP)]),
        ("caseworker: Sam Example", [Edit(0, EditKind.CASEWORKER, text="Sam Example")]),
    ],
)
def test_the_phrasings_caseworkers_use_are_understood(instruction: str, expected: list[Edit],
                                                      library: ExemptionLibrary) -> None:
    assert parse(instruction, library) == expected


def test_s16_is_advice_never_an_exemption(library: ExemptionLibrary) -> None:
    edits = parse("Q2 not held s16", library)
    assert [edit.kind for edit in edits] == [EditKind.DISPOSITION, EditKind.ADD_ADVICE]
    assert edits[0].exemptions == ()


def test_what_it_cannot_parse_says_what_it_understood_and_the_nearest_forms(library: ExemptionLibrary) -> None:
    with pytest.raises(RefinementError) as error:
        parse("Q2 not held and frobnicate", library)
    message = str(error.value)
    assert message.startswith("I understood Q2 disposition set to not_held, but not 'frobnicate'.")
    assert "`Q2 not held`" in message
