"""The drafter's decisions on hand-made precedents: no model, no Chroma.

Candidates are built from SearchHit values written here; the Drafter gets a fake store and
embedder, which draft() and compose() must not touch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from bot.drafting import (
    Candidate,
    Drafter,
    DraftingPolicy,
    consistency_warnings,
    in_request_context,
    is_own_precedent,
    map_exemptions,
    names_a_case,
    restate_question,
)
from bot.facts import without_foreign_facts
from bot.models import Cue, CueKind, WarningKind
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import ExemptionLibrary, load_library
from knowledge.models import Disposition, Regime
from knowledge.store import Reasoning, SearchHit

TODAY = date(2025, 6, 1)
OUR_NAME = "Fenmoor Constabulary"
THEIR_NAME = "Marsh Valley Police"
QUESTION = "How many covert surveillance cameras does the force use in the town centre?"


def hit(
    ident: str, score: float, disposition: str, exemptions: tuple[str, ...] = (), *,
    question: str = QUESTION, answer: str = "", reference: str = "", when: str = "2024-02-01",
    authority: str = THEIR_NAME, regime: str = "foia",
) -> SearchHit:
    return SearchHit(
        id=ident, score=score, question=question, answer=answer or f"Answer given in {ident}.",
        disposition=disposition, exemptions=exemptions, reference=reference or f"FOI-{ident}", date=when,
        authority=authority, regime=regime, source=f"{ident}.pdf", request_stance="",
    )


def cand(search_hit: SearchHit) -> Candidate:
    return Candidate(search_hit, search_hit.score)


class FakeStore:
    """Returns the hits it was given; records every search."""

    def __init__(self, hits: list[SearchHit] | None = None) -> None:
        self.hits = hits or []
        self.calls: list[dict[str, object]] = []

    def search(self, vector: object, k: int, exclude_ids: frozenset[str] = frozenset(),
               where: dict[str, object] | None = None) -> list[SearchHit]:
        self.calls.append({"k": k, "exclude_ids": exclude_ids, "where": where})
        return [h for h in self.hits if h.id not in exclude_ids][:k]


class FakeEmbed:
    """A fixed vector per text; records every call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_array(self, texts: list[str]) -> np.ndarray:
        self.calls.append(texts)
        return np.zeros((len(texts), 4), dtype=np.float32)


@pytest.fixture(scope="module")
def library() -> ExemptionLibrary:
    return load_library()


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def embed() -> FakeEmbed:
    return FakeEmbed()


@pytest.fixture
def drafter(store: FakeStore, embed: FakeEmbed, library: ExemptionLibrary) -> Drafter:
    return Drafter(store, embed, library, DraftingPolicy(authority=OUR_NAME, today=TODAY))  # type: ignore[arg-type]


# --- the disposition vote -------------------------------------------------------------------------------------


def test_two_close_ncnd_precedents_outvote_one_weaker_disclosed(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.82, "ncnd", ("s31(3)",))), cand(hit("b", 0.80, "ncnd", ("s31(3)",))),
                  cand(hit("c", 0.70, "disclosed"))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.NCND
    probabilities = {option.disposition: option.probability for option in draft.options}
    assert probabilities[Disposition.NCND] > probabilities[Disposition.DISCLOSED]
    assert draft.confidence == pytest.approx(probabilities[Disposition.NCND], abs=0.01)


def test_two_ncnd_outvote_a_disclosed_that_sits_between_them(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.82, "ncnd", ("s31(3)",))), cand(hit("c", 0.81, "disclosed")),
                  cand(hit("b", 0.80, "ncnd", ("s31(3)",)))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.NCND
    assert 0.0 < draft.confidence < 1.0


def test_a_much_closer_precedent_outvotes_distant_ones(drafter: Drafter) -> None:
    candidates = [cand(hit("c", 0.92, "disclosed")), cand(hit("a", 0.76, "ncnd", ("s31(3)",))),
                  cand(hit("b", 0.75, "ncnd", ("s31(3)",)))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.DISCLOSED
    assert draft.exemptions == ()


def test_a_single_close_precedent_ranks_first_but_is_not_a_certainty(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [cand(hit("a", 0.85, "not_held"))], Regime.FOIA)

    assert draft.disposition is Disposition.NOT_HELD
    assert 0.0 < draft.confidence < 1.0
    assert not draft.proposed
    assert draft.warnings[0].kind is WarningKind.CASEWORKERS_CALL
    assert len(draft.options) == 3
    assert sum(option.probability for option in draft.options) <= 1.0


def test_three_close_agreeing_precedents_carry_a_proposal_with_its_basis(drafter: Drafter) -> None:
    candidates = [cand(hit(name, score, "not_held", reference=f"FOI-{name}", authority=OUR_NAME))
                  for name, score in (("a", 0.95), ("b", 0.94), ("c", 0.93), ("d", 0.9))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.NOT_HELD
    assert draft.proposed
    assert "FOI-a" in draft.basis
    assert all(warning.kind is not WarningKind.CASEWORKERS_CALL for warning in draft.warnings)


def test_three_agreeing_precedents_below_the_proposal_probability_leave_it_to_the_caseworker(
        drafter: Drafter) -> None:
    candidates = [cand(hit(name, score, "not_held")) for name, score in (("a", 0.91), ("b", 0.9), ("c", 0.88))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.NOT_HELD
    assert draft.confidence < drafter.policy.model.propose_at
    assert not draft.proposed


def test_close_precedents_that_disagree_leave_the_outcome_to_the_caseworker(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.91, "not_held")), cand(hit("b", 0.9, "disclosed")),
                  cand(hit("c", 0.88, "not_held"))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert not draft.proposed
    assert draft.basis == ""
    assert {option.disposition for option in draft.options[:2]} == {Disposition.NOT_HELD, Disposition.DISCLOSED}


def test_precedents_are_those_backing_the_chosen_disposition(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.82, "ncnd", ("s31(3)",))), cand(hit("c", 0.81, "disclosed")),
                  cand(hit("b", 0.80, "ncnd", ("s31(3)",)))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert [evidence.reference for evidence in draft.precedents] == ["FOI-a", "FOI-b"]
    assert all(evidence.disposition == "ncnd" for evidence in draft.precedents)


# --- the exemption vote ---------------------------------------------------------------------------------------


def test_an_exemption_cited_by_both_backing_precedents_wins_and_a_one_off_on_the_weaker_does_not(
        drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.82, "ncnd", ("s31(3)",))), cand(hit("b", 0.80, "ncnd", ("s31(3)", "s40(2)"))),
                  cand(hit("c", 0.70, "disclosed"))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.exemptions == ("s31(3)",)


def test_exemptions_of_precedents_with_another_disposition_are_not_voted(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.82, "exempt_withheld", ("s43(2)",))), cand(hit("c", 0.81, "ncnd", ("s24(2)",))),
                  cand(hit("b", 0.80, "exempt_withheld", ("s43(2)",)))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.EXEMPT_WITHHELD
    assert draft.exemptions[0] == "s43(2)"
    assert "s24(2)" not in draft.exemptions
    # The question's subject (covert cameras) engages s31(1)(a), which is cited beside it.
    assert draft.exemptions == ("s43(2)", "s31(1)(a)")


def test_foia_precedent_exemptions_are_carried_into_an_eir_draft(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.84, "exempt_withheld", ("s40(2)",)))]

    draft = drafter.draft(QUESTION, candidates, Regime.EIR)

    assert draft.exemptions == ("reg 13",)


# --- no close precedent ---------------------------------------------------------------------------------------


def test_below_min_similarity_warns_no_close_precedent_with_zero_confidence(drafter: Drafter) -> None:
    candidates = [cand(hit("far", 0.30, "disclosed", reference="FOI-2022-0007"))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.confidence == 0.0
    assert draft.warnings[0].startswith("no close precedent")
    assert "0.30" in draft.warnings[0]
    assert "FOI-2022-0007" in draft.wording


def test_min_similarity_comes_from_the_policy(store: FakeStore, embed: FakeEmbed, library: ExemptionLibrary) -> None:
    strict = Drafter(store, embed, library, DraftingPolicy(authority=OUR_NAME, min_similarity=0.9,  # type: ignore[arg-type]
                                                           today=TODAY))

    draft = strict.draft(QUESTION, [cand(hit("a", 0.85, "disclosed"))], Regime.FOIA)

    assert draft.confidence == 0.0
    assert draft.warnings[0].startswith("no close precedent")


def test_no_candidates_at_all_warns_no_close_precedent(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [], Regime.FOIA)

    assert draft.confidence == 0.0
    assert draft.disposition is Disposition.OTHER
    assert draft.precedents == ()
    assert draft.warnings[0].startswith("no close precedent")


def test_no_precedent_wording_says_to_check_and_draft_by_hand(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [], Regime.FOIA)

    assert "Check whether" in draft.wording
    assert "caseworker's call" in draft.wording
    assert OUR_NAME in draft.wording
    assert draft.placeholder
    assert draft.disposition is Disposition.OTHER


# --- stale and superseded -------------------------------------------------------------------------------------


def test_a_precedent_older_than_max_age_is_flagged_stale(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [cand(hit("old", 0.85, "disclosed", when="2019-01-15"))], Regime.FOIA)

    assert draft.precedents[0].flags == ("stale",)
    assert any("older than 4 years" in warning and "FOI-old" in warning for warning in draft.warnings)


def test_a_recent_precedent_is_not_stale(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [cand(hit("new", 0.85, "disclosed", when="2024-11-01"))], Regime.FOIA)

    assert draft.precedents[0].flags == ()
    aged = (WarningKind.STALE_PRECEDENT, WarningKind.SUPERSEDED_PRECEDENT)
    assert [w for w in draft.warnings if w.kind in aged] == []


def test_max_age_comes_from_the_policy(store: FakeStore, embed: FakeEmbed, library: ExemptionLibrary) -> None:
    short = Drafter(store, embed, library, DraftingPolicy(max_age_years=1.0, today=TODAY))  # type: ignore[arg-type]

    draft = short.draft(QUESTION, [cand(hit("a", 0.85, "disclosed", when="2023-12-01"))], Regime.FOIA)

    assert draft.precedents[0].flags == ("stale",)


def test_a_precedent_is_superseded_by_a_later_answer_to_the_same_question(drafter: Drafter) -> None:
    question = "How many speed cameras are there on the A12 trunk road?"
    earlier = cand(hit("earlier", 0.85, "disclosed", question=question, when="2022-05-01"))
    later = cand(hit("later", 0.80, "disclosed", question=question, when="2024-03-01"))

    draft = drafter.draft(question, [earlier, later], Regime.FOIA)

    flags = {evidence.reference: evidence.flags for evidence in draft.precedents}
    assert flags == {"FOI-earlier": ("superseded",), "FOI-later": ()}
    assert any("superseded" in warning and "FOI-earlier" in warning for warning in draft.warnings)


def test_a_later_answer_to_a_different_question_does_not_supersede(drafter: Drafter) -> None:
    earlier = cand(hit("earlier", 0.85, "disclosed", question="How many speed cameras are on the A12 trunk road?",
                       when="2022-05-01"))
    later = cand(hit("later", 0.80, "disclosed", question="What did the council spend on pothole repairs?",
                     when="2024-03-01"))

    draft = drafter.draft(QUESTION, [earlier, later], Regime.FOIA)

    assert all(evidence.flags == () for evidence in draft.precedents)


# --- the consistency guard ------------------------------------------------------------------------------------


def test_disclosing_what_a_similar_precedent_neither_confirmed_nor_denied_warns_naming_it() -> None:
    candidates = [cand(hit("x", 0.75, "ncnd", ("s31(3)",), reference="FOI-2023-0099"))]

    warnings = consistency_warnings(Disposition.DISCLOSED, candidates)

    assert len(warnings) == 1
    assert warnings[0].startswith("consistency:")
    assert "FOI-2023-0099" in warnings[0]


def test_denying_holding_what_a_similar_precedent_ncnd_also_warns() -> None:
    candidates = [cand(hit("x", 0.70, "ncnd", ("s31(3)",), reference="FOI-2023-0099"))]

    warnings = consistency_warnings(Disposition.NOT_HELD, candidates)

    assert len(warnings) == 1
    assert "FOI-2023-0099" in warnings[0]


def test_disclosing_what_a_similar_precedent_withheld_warns_naming_the_sections() -> None:
    candidates = [cand(hit("x", 0.75, "exempt_withheld", ("s43(2)",), reference="FOI-2023-0142"))]

    warnings = consistency_warnings(Disposition.DISCLOSED, candidates)

    assert len(warnings) == 1
    assert "s43(2)" in warnings[0]
    assert "FOI-2023-0142" in warnings[0]


def test_dissimilar_precedents_raise_no_consistency_warning() -> None:
    candidates = [cand(hit("x", 0.5, "ncnd", ("s31(3)",))), cand(hit("y", 0.5, "exempt_withheld", ("s43(2)",)))]

    assert consistency_warnings(Disposition.DISCLOSED, candidates) == []


def test_an_ncnd_draft_agreeing_with_ncnd_precedents_raises_no_warning() -> None:
    candidates = [cand(hit("x", 0.85, "ncnd", ("s31(3)",)))]

    assert consistency_warnings(Disposition.NCND, candidates) == []


def test_draft_carries_the_consistency_warning(drafter: Drafter) -> None:
    candidates = [cand(hit("d", 0.90, "disclosed")),
                  cand(hit("n", 0.72, "ncnd", ("s31(3)",), reference="FOI-2021-0456"))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert draft.disposition is Disposition.DISCLOSED
    assert any(warning.startswith("consistency:") and "FOI-2021-0456" in warning for warning in draft.warnings)


# --- alternatives ---------------------------------------------------------------------------------------------


def test_alternatives_differ_from_the_chosen_draft_and_from_each_other(drafter: Drafter) -> None:
    candidates = [
        cand(hit("a", 0.82, "ncnd", ("s31(3)",), answer="The force can neither confirm nor deny holding this.")),
        cand(hit("b", 0.80, "ncnd", ("s31(3)",), answer="The force can neither confirm nor deny holding this.")),
        cand(hit("c", 0.72, "disclosed", answer="The force uses cameras in three wards.")),
        cand(hit("d", 0.71, "disclosed", answer="The force uses cameras in three wards.")),
        cand(hit("e", 0.65, "exempt_withheld", ("s43(2)",), answer="The contract prices are withheld.")),
    ]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    chosen = (draft.disposition, frozenset(draft.exemptions), draft.wording)
    offered = [(alt.disposition, frozenset(alt.exemptions), alt.wording) for alt in draft.alternatives]
    assert chosen not in offered
    assert len(set(offered)) == len(offered)
    assert len({alt.disposition for alt in draft.alternatives}) == len(draft.alternatives) == 2
    assert [alt.disposition for alt in draft.alternatives] == [o.disposition for o in draft.options[1:]]
    assert draft.alternatives[0].disposition is Disposition.DISCLOSED
    assert draft.alternatives[0].evidence is not None
    assert draft.alternatives[0].evidence.reference == "FOI-c"


def test_an_alternative_below_min_similarity_carries_no_precedent(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.82, "ncnd", ("s31(3)",))), cand(hit("c", 0.40, "disclosed"))]

    draft = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert all(alt.evidence is None for alt in draft.alternatives)
    assert all("three wards" not in alt.wording for alt in draft.alternatives)


# --- map_exemptions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "source", "target", "expected"),
    [
        (["s40(2)"], Regime.FOIA, Regime.EIR, ["reg 13"]),
        (["s12"], Regime.FOIA, Regime.EIR, ["reg 12(4)(b)"]),
        (["s40(2)", "s12"], Regime.FOIA, Regime.EIR, ["reg 13", "reg 12(4)(b)"]),
        (["s43(2)"], Regime.FOIA, Regime.FOISA, ["s33(1)(b)"]),
        (["s43"], Regime.FOIA, Regime.FOISA, ["s33"]),
        (["s33(1)(b)"], Regime.FOISA, Regime.FOIA, ["s43(2)"]),
        (["s33(1)(a)"], Regime.FOISA, Regime.FOIA, ["s43(1)"]),
        (["s38(1)(b)"], Regime.FOISA, Regime.FOIA, ["s40(2)"]),
        (["s30(b)(ii)"], Regime.FOISA, Regime.FOIA, ["s36(2)(b)(ii)"]),
        (["s40(2)"], Regime.FOIA, Regime.FOISA, ["s38(1)(b)"]),
        (["s31"], Regime.FOIA, Regime.FOISA, ["s35"]),
        (["s31(3)"], Regime.FOIA, Regime.FOISA, ["s35"]),
        (["s33"], Regime.FOISA, Regime.FOIA, ["s43"]),
        (["s43(2)", "s31(3)"], Regime.FOIA, Regime.FOIA, ["s43(2)", "s31(3)"]),
        (["reg 12(5)(e)"], Regime.EIR, Regime.EIR, ["reg 12(5)(e)"]),
        (["s35"], Regime.FOISA, Regime.FOISA, ["s35"]),
        # An authority answering under both laws at once cites both: each label is read in its own law.
        (["s42", "reg 12(5)(b)"], Regime.FOIA, Regime.FOIA, ["s42"]),
        (["reg 12(3)", "s40"], Regime.FOIA, Regime.FOIA, ["s40(2)"]),
        (["s40(2)"], Regime.EIR, Regime.EIR, ["reg 13"]),
        (["reg 12(1)", "reg 12(4)(b)"], Regime.EIR, Regime.FOIA, ["s12"]),
    ],
)
def test_map_exemptions_between_regimes(labels: list[str], source: Regime, target: Regime,
                                        expected: list[str]) -> None:
    assert map_exemptions(labels, source, target) == expected


def test_map_exemptions_drops_repeats_that_map_to_the_same_label() -> None:
    assert map_exemptions(["s12", "s14"], Regime.FOIA, Regime.EIR) == ["reg 12(4)(b)"]


# --- compose --------------------------------------------------------------------------------------------------


def test_compose_marks_figures_in_a_reused_disclosed_answer_but_keeps_years(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.9, "disclosed", authority=OUR_NAME,
                         answer="In 2023 Fenmoor Constabulary issued 1,234 fines worth £56,789.50 across 3 districts."))

    wording = drafter.compose(QUESTION, Disposition.DISCLOSED, [], Regime.FOIA, precedent)

    assert wording == "In 2023 Fenmoor Constabulary issued [figure] fines worth £[figure] across [figure] districts."


def test_another_authoritys_answer_lends_no_words_and_no_facts(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.95, "disclosed",
                         answer="In 2023 Marsh Valley Police used 14 cameras in Greyford market square."))

    wording = drafter.compose(QUESTION, Disposition.DISCLOSED, [], Regime.FOIA, precedent)

    assert wording.startswith('You asked: "How many covert surveillance cameras')
    assert THEIR_NAME not in wording
    assert "14" not in wording
    assert "Greyford" not in wording


def test_the_authoritys_own_answer_to_a_merely_similar_question_is_not_reused(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.75, "disclosed", authority=OUR_NAME,
                         answer="The force used 14 cameras in Greyford market square."))

    wording = drafter.compose(QUESTION, Disposition.DISCLOSED, [], Regime.FOIA, precedent)

    assert "market square" not in wording
    assert "[Give the information requested.]" in wording


def test_compose_keeps_a_financial_year(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "disclosed", answer="In 2022/23 the force spent 17 hours on this.",
                         authority=OUR_NAME))

    wording = drafter.compose(QUESTION, Disposition.DISCLOSED, [], Regime.FOIA, precedent)

    assert wording == "In 2022/23 the force spent [figure] hours on this."


def test_an_unnamed_authoritys_precedent_counts_as_ours_and_is_reused(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "ncnd", ("s31(3)",), authority="",
                         answer="The force can neither confirm nor deny that it holds this information."))

    wording = drafter.compose(QUESTION, Disposition.NCND, ["s31(3)"], Regime.FOIA, precedent)

    assert wording == "The force can neither confirm nor deny that it holds this information."


def test_another_authoritys_ncnd_gives_the_stance_in_our_name_with_the_question_restated(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "ncnd", ("s31(3)",),
                         answer="Marsh Valley Police can neither confirm nor deny that it holds this information."))

    wording = drafter.compose(QUESTION, Disposition.NCND, ["s31(3)"], Regime.FOIA, precedent)

    assert THEIR_NAME not in wording
    assert wording.startswith('You asked: "How many covert surveillance cameras')
    assert f"{OUR_NAME} can neither confirm nor deny" in wording
    assert "section 31(3)" in wording


def test_compose_marks_past_figures_in_a_refusal_but_keeps_its_sections(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "s12_cost", ("s12(1)",), authority=OUR_NAME,
                         answer="Under section 12(1) we estimate that checking 7,423 records would take 600 hours."))

    wording = drafter.compose(QUESTION, Disposition.S12_COST, ["s12(1)"], Regime.FOIA, precedent)

    assert "section 12(1)" in wording
    assert "7,423" not in wording
    assert "[figure] records would take [figure] hours" in wording


def test_compose_drops_the_past_letters_own_refusal_notice_and_cross_references(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "ncnd", ("s31(3)",), authority=OUR_NAME, answer=(
        "As explained above, the force neither confirms nor denies holding it, relying on section 31(3). "
        "This response is a refusal notice under section 17 in respect of questions 2 and 3.")))

    wording = drafter.compose(QUESTION, Disposition.NCND, ["s31(3)"], Regime.FOIA, precedent)

    assert wording.startswith("The force neither confirms nor denies")
    assert "refusal notice" not in wording


def test_a_precedent_from_another_regime_lends_its_labels_not_its_wording(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "exempt_withheld", ("reg 13",), regime="eir",
                         answer="Names are withheld under regulation 13 of the EIR."))

    wording = drafter.compose(QUESTION, Disposition.EXEMPT_WITHHELD, ["s40(2)"], Regime.FOIA, precedent)

    assert "regulation 13" not in wording


def test_compose_keeps_section_numbers_in_a_reused_partial_disclosure(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "partially_disclosed", ("s40(2)",), authority=OUR_NAME,
                         answer="The names of staff are withheld under section 40(2) of the Act. "
                                "The force employs 14 analysts."))

    wording = drafter.compose(QUESTION, Disposition.PARTIALLY_DISCLOSED, ["s40(2)"], Regime.FOIA, precedent)

    assert wording == ("The names of staff are withheld under section 40(2) of the Act. "
                       "The force employs [figure] analysts.")


def test_compose_adds_card_wording_for_an_exemption_the_precedent_did_not_cite(
        drafter: Drafter, library: ExemptionLibrary) -> None:
    answer = "The contract prices are withheld because they are commercially sensitive."
    precedent = cand(hit("p", 0.85, "exempt_withheld", ("s43(2)",), answer=answer, authority=OUR_NAME))

    wording = drafter.compose(QUESTION, Disposition.EXEMPT_WITHHELD, ["s43(2)", "s40(2)"], Regime.FOIA, precedent)

    card = library.get("s40(2)", Regime.FOIA)
    assert card is not None
    assert wording.startswith(answer)
    assert "section 40(2)" in wording
    assert wording.count(OUR_NAME) >= 1


def test_compose_without_a_precedent_uses_the_default_template(drafter: Drafter) -> None:
    wording = drafter.compose(QUESTION, Disposition.S12_COST, [], Regime.FOIA, None)

    assert wording.startswith('You asked: "How many covert surveillance cameras')
    assert f"{OUR_NAME} estimates that the cost" in wording
    assert "£450" in wording


def test_compose_ignores_a_precedent_with_another_disposition(drafter: Drafter) -> None:
    precedent = cand(hit("p", 0.85, "disclosed", answer="The force has 12 cameras."))

    wording = drafter.compose(QUESTION, Disposition.NOT_HELD, [], Regime.FOIA, precedent)

    assert "12 cameras" not in wording
    assert "does not hold" in wording


# --- not held under each regime -------------------------------------------------------------------------------


def test_eir_not_held_lists_reg_12_4_a_where_the_authoritys_not_held_answers_do(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [cand(hit("n", 0.85, "not_held", ("reg 12(4)(a)",), regime="eir"))],
                          Regime.EIR)

    assert draft.disposition is Disposition.NOT_HELD
    assert draft.exemptions == ("reg 12(4)(a)",)


def test_eir_not_held_lists_no_exception_where_the_authority_cites_none(drafter: Drafter) -> None:
    # Not held is no exemption: the list follows the authority's own not-held answers, while the
    # wording (and the letter) still give the EIR's basis.
    draft = drafter.draft(QUESTION, [cand(hit("n", 0.85, "not_held"))], Regime.EIR)

    assert draft.disposition is Disposition.NOT_HELD
    assert draft.exemptions == ()
    assert "regulation 12(4)(a)" in draft.wording


def test_foisa_not_held_lists_s17_where_the_authoritys_not_held_answers_do(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [cand(hit("n", 0.85, "not_held", ("s17",), regime="foisa"))], Regime.FOISA)

    assert draft.disposition is Disposition.NOT_HELD
    assert draft.exemptions == ("s17",)


def test_outcomes_that_are_a_section_cite_it_when_their_precedents_list_none(drafter: Drafter) -> None:
    cost = drafter.draft(QUESTION, [cand(hit("c", 0.85, "s12_cost"))], Regime.FOIA)
    published = drafter.draft(QUESTION, [cand(hit("p", 0.85, "s21_accessible"))], Regime.FOIA)
    eir_cost = drafter.draft(QUESTION, [cand(hit("e", 0.85, "s12_cost"))], Regime.EIR)

    assert cost.exemptions == ("s12",)
    assert published.exemptions == ("s21",)
    assert eir_cost.exemptions == ("reg 12(4)(b)",)


def test_foia_not_held_draft_cites_nothing(drafter: Drafter) -> None:
    draft = drafter.draft(QUESTION, [cand(hit("n", 0.85, "not_held"))], Regime.FOIA)

    assert draft.exemptions == ()


@pytest.mark.parametrize(
    ("regime", "basis"),
    [(Regime.EIR, "regulation 12(4)(a)"), (Regime.FOISA, "section 17")],
)
def test_default_not_held_wording_names_the_regime_basis(drafter: Drafter, regime: Regime, basis: str) -> None:
    wording = drafter.compose(QUESTION, Disposition.NOT_HELD, [], regime, None)

    assert f"{OUR_NAME} does not hold recorded information" in wording
    assert basis in wording


# --- the fakes ------------------------------------------------------------------------------------------------


def test_draft_and_compose_do_not_touch_the_store_or_the_embedder(
        drafter: Drafter, store: FakeStore, embed: FakeEmbed) -> None:
    candidates = [cand(hit("a", 0.82, "ncnd", ("s31(3)",))), cand(hit("c", 0.70, "disclosed"))]

    drafter.draft(QUESTION, candidates, Regime.FOIA)
    drafter.compose(QUESTION, Disposition.DISCLOSED, [], Regime.FOIA, candidates[1])

    assert store.calls == []
    assert embed.calls == []


def test_retrieve_reranks_with_shared_words(drafter: Drafter, store: FakeStore, embed: FakeEmbed) -> None:
    store.hits = [hit("other", 0.62, "disclosed", question="What are the opening hours of the central library?"),
                  hit("same", 0.60, "disclosed", question="How many speed cameras are on the ring road?")]

    [candidates] = drafter.retrieve(["How many speed cameras are on the ring road?"], exclude_source="mine.pdf")

    assert [c.hit.id for c in candidates] == ["same", "other"]
    assert candidates[0].score > candidates[0].hit.score
    assert candidates[1].score == pytest.approx(0.62)
    assert store.calls[0]["where"] == {"source": {"$ne": "mine.pdf"}}
    assert len(embed.calls) == 1


def test_an_outcome_a_cue_points_to_is_always_offered(drafter: Drafter) -> None:
    candidates = [cand(hit(name, score, "disclosed")) for name, score in (("a", 0.8), ("b", 0.79), ("c", 0.78))]
    cost = Cue(CueKind.COST_RISK, "asks for all emails over five years", sections=("s12",))

    draft = drafter.draft("All emails about the depot sent in the last five years.", candidates, Regime.FOIA,
                          (cost,))

    offered = [option.disposition for option in draft.options]
    assert Disposition.S12_COST in offered
    assert offered[0] is Disposition.DISCLOSED
    cost_option = draft.options[offered.index(Disposition.S12_COST)]
    assert cost_option.exemptions == ("s12",)
    assert "appropriate limit" in cost_option.wording


def test_a_question_about_one_identifiable_person_leads_with_withholding(drafter: Drafter) -> None:
    candidates = [cand(hit(name, score, "disclosed")) for name, score in (("a", 0.6), ("b", 0.58))]
    one = Cue(CueKind.PERSONAL_DATA, "asks who one identifiable person is", sections=("s40(2)",),
              outcomes=(Disposition.EXEMPT_WITHHELD,))
    draft = drafter.draft("The name of the warden who gave me my ticket.", candidates, Regime.FOIA, (one,))
    assert draft.options[0].disposition is Disposition.EXEMPT_WITHHELD
    assert draft.options[0].exemptions == ("s40(2)",)
    plain = drafter.draft("The name of the warden who gave me my ticket.", candidates, Regime.FOIA)
    assert plain.options[0].disposition is Disposition.DISCLOSED


@pytest.mark.parametrize(
    ("question", "restated"),
    [
        ("I am a researcher looking at agency staff. I would like to know how many agency social workers you "
         "employ.", "You asked how many agency social workers we employ."),
        # The requester's words in the authority's voice; their asides and "too" left off.
        ("Please send me a copy of your contract with the company that supplies your cameras too.",
         "You asked for a copy of our contract with the company that supplies our cameras."),
        ("I would like the name of the inspector who inspected Mill Lane, as I believe the pothole that damaged "
         "my car was missed.", "You asked for the name of the inspector who inspected Mill Lane."),
        ("Please provide all the records you hold about me.", "You asked for all the records we hold about you."),
        ("Please could you provide the following under the Act: a copy of the drones policy.",
         "You asked for a copy of the drones policy."),
        # A question about a list is not a list's lead-in.
        ("Please tell me which of the following contractors were paid: Acme Ltd, Bolt Ltd.",
         "You asked which of the following contractors were paid: Acme Ltd, Bolt Ltd."),
        # Context before a later ask is dropped; a first ask never is.
        ("I have been following this in the paper, and I would like to know how many officers were dismissed.",
         "You asked how many officers were dismissed."),
        ("I would like the 2023 budget, and I would like the staff list.",
         "You asked for the 2023 budget, and you would like the staff list."),
        ("Some of our members believe that the force filmed our group, and I ask you to confirm whether this is "
         "the case.", "You said that some of your members believe that the force filmed your group, and asked "
         "whether this is the case."),
        ("I am asking for all emails you sent us.", "You asked for all emails we sent you."),
        # A lead-in that only asks ("Could you let me know:") is left off, with the Act it names.
        ("I would be grateful if you could provide, under the Freedom of Information Act 2000: how many "
         "harbour berths were let in 2024;", "You asked how many harbour berths were let in 2024."),
        ("Could you let me know: A copy of the harbour's mooring policy.",
         "You asked for a copy of the harbour's mooring policy."),
        ("Could you let me know: How many moorings are vacant?", 'You asked: "How many moorings are vacant?"'),
        ("Please send us a copy of the flood report.", "You asked for a copy of the flood report."),
        ("I'd like to ask the following under the Freedom of Information Act please. A list of the gifts "
         "declared by councillors since 2022.", "You asked for a list of the gifts declared by councillors since "
         "2022."),
        # A long ask keeps its short closing scope rather than cutting it ("since January 2022").
        ("all emails between the harbour master and anyone else in the council about mooring fees or charges for "
         "visiting yachts or for the resident fishing fleet, and about any plans to change those fees in the "
         "coming years, and any briefing notes prepared about them for the harbour board since January 2022",
         "You asked for all emails between the harbour master and anyone else in the council about mooring fees "
         "or charges for visiting yachts or for the resident fishing fleet, and about any plans to change those "
         "fees in the coming years, and any briefing notes prepared about them for the harbour board since "
         "January 2022."),
        # The requester's own guess in brackets is no part of the ask.
        ("Also I want all emails between Sam Reid (I think he is the harbour master?) and the coastguard.",
         "You asked for all emails between Sam Reid and the coastguard."),
        # What will do is not asked back.
        ("How many moorings are let, and on which pontoons? Berth numbers would be fine if that is easier.",
         'You asked: "How many moorings are let, and on which pontoons?"'),
    ],
)
def test_the_restatement_puts_back_only_what_is_asked(question: str, restated: str) -> None:
    assert restate_question(question) == restated


def test_a_short_list_item_searches_with_its_request_subject_and_a_full_question_alone(
        embeddings: SentenceEmbeddings) -> None:
    questions = [
        "Please provide the register of market stall licences, with each trader's pitch number.",
        "Please provide the annual pitch fees charged to each market stall trader in 2024.",
        "Date of licence",
        "How many market stall licences were revoked for unpaid pitch fees in 2024 and 2025?",
    ]
    plain = embeddings.embed_array(questions)
    searched = in_request_context(questions, plain)
    subject = embeddings.embed_array(["market stall licences and pitch fees"])[0]
    assert float(searched[2] @ subject) > float(plain[2] @ subject) + 0.1
    assert np.allclose(searched[[0, 1, 3]], plain[[0, 1, 3]])
    assert np.allclose(np.linalg.norm(searched, axis=1), 1.0, atol=1e-5)
    assert np.allclose(in_request_context(questions[2:3], plain[2:3]), plain[2:3])


@pytest.mark.parametrize(
    ("ours", "theirs", "their_regime", "regime", "own"),
    [
        ("Fenmoor Constabulary", "Fenmoor Constabulary", "foia", Regime.FOIA, True),
        ("Fenmoor Constabulary", "fenmoor constabulary professional standards", "foia", Regime.FOIA, True),
        ("Fenmoor Constabulary", "Marsh Valley Police", "foia", Regime.FOIA, False),
        ("Fenmoor Constabulary", "", "eir", Regime.FOIA, True),
        ("Fenmoor Constabulary", "", "foisa", Regime.FOIA, False),
        ("Glenmuir Council", "", "foia", Regime.FOISA, False),
        ("", "Marsh Valley Police", "foia", Regime.FOIA, True),
    ],
)
def test_a_precedent_is_our_own_by_name_and_an_unnamed_one_only_under_our_law(
        ours: str, theirs: str, their_regime: str, regime: Regime, own: bool) -> None:
    assert is_own_precedent(ours, theirs, their_regime, regime) is own


def test_another_authoritys_answers_count_less_than_our_own(drafter: Drafter) -> None:
    ours = [cand(hit("a", 0.9, "not_held", authority=OUR_NAME))]
    theirs = [cand(hit("b", 0.9, "not_held", authority=THEIR_NAME))]

    own_vote = drafter.outcomes(ours, regime=Regime.FOIA)[Disposition.NOT_HELD]
    their_vote = drafter.outcomes(theirs, regime=Regime.FOIA)[Disposition.NOT_HELD]

    assert own_vote > their_vote > drafter.outcomes([], regime=Regime.FOIA)[Disposition.NOT_HELD]


def test_our_own_ncnd_on_a_covert_subject_leads_over_other_forces_answers(drafter: Drafter) -> None:
    candidates = [cand(hit("x", 0.8, "not_held", authority=THEIR_NAME)),
                  cand(hit("y", 0.79, "not_held", authority=THEIR_NAME)),
                  cand(hit("z", 0.62, "ncnd", ("s23(5)", "s24(2)"), reference="FC-1", authority=OUR_NAME))]
    cue = Cue(CueKind.SECURITY_SENSITIVE, "covert tactics; the force neither confirmed nor denied before",
              sections=("s23(5)", "s24(2)"), references=("FC-1",))

    with_stance = drafter.draft(QUESTION, candidates, Regime.FOIA, cues=(cue,))
    without = drafter.draft(QUESTION, candidates, Regime.FOIA)

    assert with_stance.options[0].disposition is Disposition.NCND
    assert without.options[0].disposition is Disposition.NOT_HELD


def test_an_own_answer_for_another_period_is_not_reused_word_for_word(drafter: Drafter) -> None:
    old = hit("t", 0.93, "disclosed", question="How many times was a Taser fired in 2019, 2020 and 2021?",
              answer="Year Fired 2019 41 2020 38 2021 44", authority=OUR_NAME)
    draft = drafter.draft("How many times was a Taser fired in 2024?", [cand(old)], Regime.FOIA)
    assert "Year Fired" not in draft.options[0].wording
    same = drafter.draft("How many times was a Taser fired in 2019, 2020 and 2021?", [cand(old)], Regime.FOIA)
    assert "Year Fired" in same.options[0].wording


def _reasoning(text: str, score: float, authority: str) -> Reasoning:
    return Reasoning(section="s31(1)(a)", kind="harm_test", text=text, authority=authority, reference="R",
                     score=score)


def test_own_reasoning_leads_unless_it_argues_another_case_and_foreign_facts_never_come_through(
        drafter: Drafter) -> None:
    question = "Which firewall products does the force use?"
    own_close = _reasoning("Naming the products would tell attackers which weaknesses to look for.", 0.55, OUR_NAME)
    own_far = _reasoning("The investigation into the burglary is continuing and would be prejudiced.", 0.33,
                         OUR_NAME)
    theirs = _reasoning("Knowing which security products protect a network helps an attacker choose tools that "
                        "defeat them. The Marsh Valley network was attacked 14 times in 2023.", 0.62, THEIR_NAME)

    chosen = drafter.reasoning_for("s31(1)(a)", question, Regime.FOIA, {"s31": [own_close, theirs]})
    assert [item.text for item in chosen] == [own_close.text]

    borrowed = drafter.reasoning_for("s31(1)(a)", question, Regime.FOIA, {"s31": [own_far, theirs]})
    assert borrowed[0].text == "Knowing which security products protect a network helps an attacker choose tools " \
                               "that defeat them."


def test_the_public_interest_test_comes_from_the_case_whose_harm_test_is_used(drafter: Drafter) -> None:
    question = "Which streets do the licensed explosives holders live on?"
    harm = replace(_reasoning("Publishing where explosives are kept would show thieves where to look, and would be "
                              "likely to prejudice the prevention of crime.", 0.6, OUR_NAME), source_file="a.txt")
    its_test = Reasoning(section="s31(1)(a)", kind="public_interest", score=0.5, authority=OUR_NAME, reference="R",
                         source_file="a.txt",
                         text="Factors favouring disclosure: openness about where explosives are kept.\n\n"
                              "Factors favouring maintaining the exemption: the risk of theft.\n\n"
                              "Balance test: the public interest favours maintaining the exemption.")
    other_test = Reasoning(section="s31(1)(a)", kind="public_interest", score=0.58, authority=OUR_NAME,
                           reference="S", source_file="b.txt",
                           text="Factors favouring disclosure: the public has an interest in how patrols are "
                                "planned.")
    wording = drafter.reasoning_wording(["s31(1)(a)"], question, Regime.FOIA,
                                        {"s31": [harm, other_test, its_test]})
    paragraphs = wording.split("\n\n")
    assert paragraphs[0] == harm.text
    assert paragraphs[1:] == its_test.text.split("\n\n")


def test_reasoning_on_another_subject_is_not_used_unless_it_is_very_close(drafter: Drafter) -> None:
    question = "Copies of all correspondence about the harbour protests since 2019."
    holders = _reasoning("A list of addresses linked to licence holders is the personal data of those individuals, "
                         "and disclosure would be unfair to them.", 0.45, OUR_NAME)
    protests = _reasoning("Correspondence about policing the protests names the people who took part, and "
                          "disclosure would be unfair to them.", 0.4, OUR_NAME)
    assert drafter.reasoning_for("s31(1)(a)", question, Regime.FOIA, {"s31": [holders]}) == []
    [chosen] = drafter.reasoning_for("s31(1)(a)", question, Regime.FOIA, {"s31": [holders, protests]})
    assert chosen.text == protests.text
    close = replace(holders, score=0.55)  # very close wording is on the subject whatever words it uses
    assert drafter.reasoning_for("s31(1)(a)", question, Regime.FOIA, {"s31": [close]})


def test_an_absolute_exemption_gets_no_public_interest_test(drafter: Drafter) -> None:
    weighing = Reasoning(section="s40(2)", kind="public_interest", score=0.6, authority=OUR_NAME, reference="R",
                         text="On balance the public interest in protecting the relatives' empty homes favours "
                              "withholding the names of the relatives.")
    reasons = Reasoning(section="s40(2)", kind="harm_test", score=0.55, authority=OUR_NAME, reference="R",
                        text="The names of the relatives are their personal data, and they would not expect them "
                             "to be published.")
    chosen = drafter.reasoning_for("s40(2)", "The names of the relatives contacted.", Regime.FOIA,
                                   {"s40": [weighing, reasons]})
    assert [item.kind for item in chosen] == ["harm_test"]


def test_what_was_done_in_the_precedents_case_is_not_carried_into_this_one(drafter: Drafter) -> None:
    narrated = _reasoning("We have redacted the names and addresses of the residents who wrote in. The content "
                          "of their emails has been released. Residents would not expect their names to be "
                          "published, and disclosure would be unfair to them.", 0.6, OUR_NAME)
    [chosen] = drafter.reasoning_for("s31(1)(a)", "The names and addresses of the residents who complained.",
                                     Regime.FOIA, {"s31": [narrated]})
    assert chosen.text == ("Residents would not expect their names to be published, and disclosure would be unfair "
                           "to them.")


def test_a_personal_data_cue_under_foisa_cites_foisas_personal_data_section(drafter: Drafter) -> None:
    cue = Cue(CueKind.PERSONAL_DATA, "names of staff", sections=("s38(1)(b)",))
    draft = drafter.draft("The names of the crossing patrol staff.", [cand(hit("a", 0.8, "exempt_withheld"))],
                          Regime.FOISA, (cue,))
    withheld = next(o for o in draft.options if o.disposition is Disposition.EXEMPT_WITHHELD)
    assert "s38(1)(b)" in withheld.exemptions
    assert "s39" not in withheld.exemptions  # FOISA's s38 is personal data, not FOIA's health and safety


def test_reasoning_under_another_regimes_law_is_not_used(drafter: Drafter) -> None:
    scottish = _reasoning("Disclosure of the tender prices would prejudice the council's position under section "
                          "33(1)(b) of FOISA when it next tenders the leisure contract.", 0.7, OUR_NAME)
    assert drafter.reasoning_for("s31(1)(a)", "The tender prices for the leisure contract.", Regime.FOIA,
                                 {"s31": [scottish]}) == []


def test_a_councils_argument_borrowed_for_a_force_keeps_no_sentence_about_councils(drafter: Drafter) -> None:
    theirs = _reasoning("Prices are agreed with each supplier separately. Disclosure would weaken the council's "
                        "ability to negotiate. Competitors could use the prices to undercut the supplier.", 0.7,
                        "Westmarch District Council")
    [chosen] = drafter.reasoning_for("s31(1)(a)", "What price does the force pay per camera?", Regime.FOIA,
                                     {"s31": [theirs]})
    assert "council" not in chosen.text.lower()
    assert chosen.text.startswith("Prices are agreed with each supplier separately.")


def test_an_unnamed_paragraph_about_a_council_is_not_a_forces_own_reasoning(drafter: Drafter) -> None:
    councils = _reasoning("Many council teams are small, so job titles would identify the council's staff. The "
                          "names are the personal data of the people concerned.", 0.6, "")
    chosen = drafter.reasoning_for("s31(1)(a)", "Please give the names of the arresting officers.", Regime.FOIA,
                                   {"s31": [councils]})
    assert all("council" not in item.text.lower() for item in chosen)


def test_a_paragraph_saying_a_section_does_not_apply_is_not_reasoning_for_it(drafter: Drafter) -> None:
    against = _reasoning("Information about people who have died is not personal data, so section 40(2) does not "
                         "apply.", 0.7, OUR_NAME)
    assert drafter.reasoning_for("s31(1)(a)", "Names of the deceased", Regime.FOIA, {"s31": [against]}) == []


def test_a_councils_own_unnamed_reasoning_about_its_officers_stays_its_own(
        store: FakeStore, embed: FakeEmbed, library: ExemptionLibrary) -> None:
    council = Drafter(store, embed, library, DraftingPolicy(authority="Brackenford Borough Council", today=TODAY))  # type: ignore[arg-type]
    own = _reasoning("Releasing the names of junior officers would expose them to harassment. They would expect "
                     "their names to stay private.", 0.5, "")
    [chosen] = council.reasoning_for("s31(1)(a)", "Names of the planning officers", Regime.FOIA, {"s31": [own]})
    assert chosen.text == own.text


def test_an_ncnd_on_several_provisions_says_it_once_then_gives_each_ones_reasons(drafter: Drafter) -> None:
    wording = drafter.compose(QUESTION, Disposition.NCND, ["s31(3)", "s23(5)", "s24(2)"], Regime.FOIA, None)

    assert wording.count("can neither confirm nor deny whether it holds") == 1
    for provision in ("section 31(3)", "section 23(5)", "section 24(2)"):
        assert provision.capitalize() in wording or provision in wording


def test_a_long_question_is_restated_up_to_a_clause_boundary_and_marked_as_cut() -> None:
    question = ("Please could you tell me how many pothole compensation claims the council received in each of the "
                "last three financial years, how many of those claims were paid, how much was paid in total in each "
                "of those years, how many were refused because the defect had been inspected within the timescales "
                "set by the council's highway safety inspection policy, and how many are still open today")
    restated = restate_question(question)
    assert restated.endswith("[...].")
    assert ", [...]" not in restated
    assert "...." not in restated
    assert restated.split(" [...]")[0].endswith("in each of those years")


def test_the_requesters_own_data_limb_is_lent_only_to_a_question_about_the_requester() -> None:
    from bot.subject_access import others_limbs

    assert others_limbs(["s40(1)"], "All emails sent by the Director of Children's Services") == ["s40(2)"]
    assert others_limbs(["s40(1)", "s40(2)"], "Names of the pilots") == ["s40(2)"]
    assert others_limbs(["s40(1)"], "Copies of the notes you hold about me") == ["s40(1)"]
    assert others_limbs(["s40(1)"], "Any emails mentioning me since May") == ["s40(1)"]
    # "my" alone is no request for the requester's own data: a street or a council is not a person
    assert others_limbs(["s40(1)"], "How many potholes were reported on my street in 2025?") == ["s40(2)"]


def test_a_loosely_similar_foreign_precedent_lends_no_sections_to_a_withholding_option(drafter: Drafter) -> None:
    foreign = cand(hit("f", 0.5, "exempt_withheld", ("s22(1)",), question="A copy of the draft library review."))
    option = drafter._option("All emails about vetting since 2024.", Disposition.EXEMPT_WITHHELD, 0.2, [foreign], (),
                             Regime.FOIA, None)
    assert "s22(1)" not in option.exemptions
    close = cand(hit("g", 0.8, "exempt_withheld", ("s22(1)",), question="A copy of the draft library review."))
    option = drafter._option("A copy of the draft library review report.", Disposition.EXEMPT_WITHHELD, 0.2,
                             [close], (), Regime.FOIA, None)
    assert option.exemptions == ("s22(1)",)


def test_reasoning_that_argues_another_section_or_another_kind_of_answer_is_not_borrowed() -> None:
    from bot.drafting import _LIST_MARK, _NCND_FRAMED, _argues_other_sections

    published = "The procedure is published on our website and is therefore exempt under section 21."
    assert _argues_other_sections(published, ["s40(2)"], Regime.FOIA)
    assert not _argues_other_sections("Disclosure would breach the principles (section 40(2)).", ["s40(2)"],
                                      Regime.FOIA)
    assert not _argues_other_sections("We considered section 16 and section 40(2).", ["s40(2)"], Regime.FOIA)
    assert _NCND_FRAMED.search("Factors favouring neither confirming nor denying")
    assert _LIST_MARK.sub("", "3. The job titles are withheld.", count=1) == "The job titles are withheld."


def test_each_option_cites_the_limb_of_its_own_kind() -> None:
    from bot.drafting import _limbs_for

    assert _limbs_for(["s31(3)", "s23(5)", "s40(2)"], Disposition.EXEMPT_WITHHELD, Regime.FOIA) == [
        "s31(1)(a)", "s23(1)", "s40(2)"]
    assert _limbs_for(["s31(1)(a)", "s24(1)", "s40(5B)(a)(i)"], Disposition.NCND, Regime.FOIA) == [
        "s31(3)", "s24(2)", "s40(5B)(a)(i)"]
    assert _limbs_for(["s12"], Disposition.S12_COST, Regime.FOIA) == ["s12"]
    assert _limbs_for(["reg 12(5)(a)"], Disposition.NCND, Regime.EIR) == ["reg 12(5)(a)"]


@pytest.mark.parametrize(("text", "voiced"), [
    ("flights to the US you paid for", "flights to the US we paid for"),
    ("letters sent to you last year", "letters sent to us last year"),
    ("whether you and the police share data", "whether we and the police share data"),
    ("section 1(i), i.e. the first", "section 1(i), i.e. the first"),
])
def test_the_voice_swap_leaves_abbreviations_and_puts_you_as_object_or_subject(text: str, voiced: str) -> None:
    from bot.drafting import _in_our_voice

    assert _in_our_voice(text) == voiced


def test_the_requesters_own_data_limbs_map_each_way_and_send_me_is_not_about_the_requester() -> None:
    from bot.drafting import _limbs_for
    from bot.subject_access import others_limbs

    assert others_limbs(["s40(1)"], "Please send me the names of the pilots") == ["s40(2)"]
    assert _limbs_for(["s40(1)"], Disposition.NCND, Regime.FOIA) == ["s40(5A)"]
    assert _limbs_for(["s40(5A)"], Disposition.EXEMPT_WITHHELD, Regime.FOIA) == ["s40(1)"]


def test_reasoning_that_concludes_for_release_is_not_cited_for_withholding(drafter: Drafter) -> None:
    question = "Copies of all correspondence about the harbour closure."
    release = _reasoning("There is a strong public interest in the harbour closure. We have therefore decided that "
                         "on balance it is in the public interest to disclose the information.", 0.6, OUR_NAME)
    keep = _reasoning("Disclosing the correspondence about the harbour closure would prejudice the prevention of "
                      "crime at the harbour.", 0.5, OUR_NAME)
    chosen = drafter.reasoning_for("s31(1)(a)", question, Regime.FOIA, {"s31": [release, keep]})
    assert [item.text for item in chosen] == [keep.text]


class CountingStore(FakeStore):
    """A store whose counts say how often the authority's published-elsewhere answers cite s21."""

    def __init__(self, pointed: int, cited: int) -> None:
        super().__init__()
        self.pointed, self.cited = pointed, cited

    def counts(self) -> dict[str, object]:
        return {"by_disposition_in_text": {"disclosed": 100, "s21_accessible": self.pointed},
                "exemptions_by_disposition_in_text": {"s21_accessible": {"s21": self.cited}}}


@pytest.mark.parametrize(("pointed", "cited", "expected"), [(40, 10, ()), (40, 30, ("s21",)), (4, 0, ("s21",))])
def test_a_published_answer_cites_s21_as_the_authority_usually_does(
        embed: FakeEmbed, library: ExemptionLibrary, pointed: int, cited: int, expected: tuple[str, ...]) -> None:
    drafter = Drafter(CountingStore(pointed, cited), embed, library,  # type: ignore[arg-type]
                      DraftingPolicy(authority=OUR_NAME, today=TODAY))
    candidates = [cand(hit("a", 0.8, "s21_accessible"))]
    draft = drafter.draft("A copy of the parking annual report.", candidates, Regime.FOIA)
    option = next(o for o in draft.options if o.disposition is Disposition.S21_ACCESSIBLE)
    assert option.exemptions == expected


def test_a_count_given_in_part_says_the_rest_is_not_held_and_cites_nothing(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.6, "disclosed"))]
    draft = drafter.draft("How many boats used the slipway in each year since 2019?", candidates, Regime.FOIA)
    option = next(o for o in draft.options if o.disposition is Disposition.PARTIALLY_DISCLOSED)
    assert option.exemptions == ()
    assert "the rest is not held" in option.wording


def test_a_cost_refusal_under_the_eir_is_manifestly_unreasonable_with_no_fixed_limit(drafter: Drafter) -> None:
    candidates = [cand(hit("a", 0.6, "s12_cost", ("reg 12(4)(b)",), regime="eir"))]
    draft = drafter.draft("All emails about the river dredging since 2015.", candidates, Regime.EIR)
    option = next(o for o in draft.options if o.disposition is Disposition.S12_COST)
    assert "manifestly unreasonable" in option.wording
    assert "no fixed limit" in option.wording
    assert "fall within the limit" not in option.wording
    assert "regulation 9" in option.wording


def test_reasoning_that_says_release_would_not_be_in_the_public_interest_is_kept(drafter: Drafter) -> None:
    keep = _reasoning("Disclosing the harbour plans would prejudice crime prevention, and it would not be in the "
                      "public interest to disclose them.", 0.6, OUR_NAME)
    assert drafter.reasoning_for("s31(1)(a)", "Copies of the harbour plans.", Regime.FOIA, {"s31": [keep]})


def test_a_reused_own_answer_about_another_case_keeps_its_shape_not_its_dates_or_business_names(
        drafter: Drafter) -> None:
    question = "Please provide reports of food hygiene inspections of the premises."
    old = hit("f", 0.93, "disclosed", question=question, authority=OUR_NAME,
              answer="The premises came under new ownership on 15/11/2023 and is 'Awaiting Inspection'. "
                     "Visit report: Elm Balti, food hygiene inspection.")
    wording = drafter.draft(question, [cand(old)], Regime.FOIA).options[0].wording
    assert "came under new ownership on [date]" in wording
    assert "'[name]'" in wording
    assert "Elm Balti" not in wording


def test_a_reused_answer_keeps_the_councils_own_services_and_titles_but_not_the_people_of_its_case() -> None:
    allowed = ["Please provide reports of food hygiene inspections of the premises.", OUR_NAME]
    text = ("Inspected by Sarah Jones; the owner, Mr John Patel, was advised at 12 Elm Road. Fenwick Ltd's manager "
            "attended. Businesses register with the Council's One Stop Shop. Our 'Food Law Enforcement Plan' is "
            "published. Minutes of the Governors' meetings are kept.")
    kept = without_foreign_facts(text, allowed, kinds=("date", "name"), names=names_a_case)
    for name in ("Sarah Jones", "John Patel", "Elm Road", "Fenwick"):
        assert name not in kept
    for words in ("Council's One Stop Shop", "'Food Law Enforcement Plan'", "Governors' meetings"):
        assert words in kept
