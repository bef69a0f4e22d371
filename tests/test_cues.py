"""Cues a question carries, from its text and its precedents: fictional questions, hand-made precedents."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.cues import (
    question_cues,
    request_stance,
    stance_exemptions,
)
from bot.drafting import Candidate, cue_outcomes
from bot.models import AuthorityKind, Cue, CueKind, authority_kind
from knowledge.models import Disposition, Regime
from knowledge.store import SearchHit

TODAY = date(2025, 6, 1)
FORCE = "Fenmoor Constabulary"
COUNCIL = "Brackenford Borough Council"
POLICE, COUNCIL_KIND = AuthorityKind.POLICE, AuthorityKind.COUNCIL


def precedent(ident: str, score: float, disposition: str, exemptions: tuple[str, ...] = (), *, question: str = "",
              answer: str = "", authority: str = FORCE, stance: str = "", source: str = "",
              when: str = "2024-03-01") -> Candidate:
    hit = SearchHit(
        id=ident, score=score, question=question or f"Question of {ident}?", answer=answer or f"Answer of {ident}.",
        disposition=disposition, exemptions=exemptions, reference=f"FOI-{ident}", date=when, authority=authority,
        regime="foia", source=source or f"{ident}.pdf", request_stance=stance,
    )
    return Candidate(hit, score)


def cues(question: str, kind: AuthorityKind = COUNCIL_KIND, candidates: list[Candidate] | None = None,
         regime: Regime = Regime.FOIA, authority: str = "") -> dict[CueKind, Cue]:
    found = question_cues(question, regime, kind, candidates or [], authority=authority, today=TODAY)
    assert len({c.kind for c in found}) == len(found)  # one cue of each kind at most
    return {c.kind: c for c in found}


def test_a_plain_statistical_question_carries_no_cue() -> None:
    assert cues("How many library books did the council buy in 2023?") == {}


# --- named or identifiable people -----------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Please provide the names of all officers in the dog unit.",
    "Please send the email addresses of the staff in your planning enforcement team.",
    "Which officers attended the call at Mill Lane?",
    "Please list the staff names and job titles in the licensing team.",
    "The number of officers dismissed in 2024, and the names and ranks of the ones dismissed.",
    "A staffing structure chart for the waste service.",
    "Details of the misconduct investigation into the named officer at Greyford station.",
])
def test_named_or_identifiable_staff_are_a_personal_data_cue(question: str) -> None:
    cue = cues(question, POLICE)[CueKind.PERSONAL_DATA]
    assert cue.sections == ("s40(2)",)
    assert "below senior level" in cue.reason


@pytest.mark.parametrize("question", [
    "What is the name of the chief executive?",
    "Please give the name of the Director of Adult Services.",
    "How many staff work in the planning department?",
    "What is the number of staff employed on temporary contracts?",
    "Which partner looks after the council's payroll software?",
])
def test_senior_roles_by_title_and_staff_numbers_are_not_personal_data(question: str) -> None:
    assert CueKind.PERSONAL_DATA not in cues(question)


@pytest.mark.parametrize(("question", "regime", "provision"), [
    ("Has PC Harlow been disciplined for the incident at the fairground?", Regime.FOIA, "s40(5B)"),
    ("Can you tell me whether Mrs Quayle has been suspended or is under investigation?", Regime.FOISA, "s18"),
    ("Was the head teacher of Greyford Primary investigated after the complaints?", Regime.FOIA, "s40(5B)"),
])
def test_whether_an_identifiable_person_was_disciplined_points_to_ncnd(question: str, regime: Regime,
                                                                        provision: str) -> None:
    cue = cues(question, POLICE, regime=regime)[CueKind.PERSONAL_DATA]
    assert cue.outcomes == (Disposition.NCND,)
    assert provision in cue.sections
    assert "neither confirm nor deny" in cue.reason


def test_a_count_of_suspensions_is_not_an_ncnd_cue() -> None:
    assert CueKind.PERSONAL_DATA not in cues("How many teachers were suspended in 2024?")


@pytest.mark.parametrize("question", [
    "How many shotgun certificate holders live in Brambley, and on which streets?",
    "Please provide the home addresses of all the market trader licence holders.",
    "The postcodes of the tenants who were evicted in 2024.",
])
def test_where_people_live_is_a_personal_data_cue(question: str) -> None:
    assert CueKind.PERSONAL_DATA in cues(question, POLICE)


def test_streets_without_people_are_not_personal_data() -> None:
    assert CueKind.PERSONAL_DATA not in cues("On which streets were potholes repaired in 2024?")


def test_what_public_bodies_publish_as_a_matter_of_course_points_to_s21() -> None:
    council = cues("What is the contract value and end date of the leisure centre contract?", COUNCIL_KIND)
    assert "Transparency Code" in council[CueKind.PUBLISHED].reason
    assert council[CueKind.PUBLISHED].sections == ("s21",)
    assert CueKind.PUBLISHED in cues("Please give the name of the Director of Adult Services.", COUNCIL_KIND)
    assert CueKind.PUBLISHED not in cues("How many library books did the council buy in 2023?", COUNCIL_KIND)


def test_the_personal_data_section_follows_the_regime() -> None:
    question = "Please provide the names of the inspectors who visited the quarry."
    assert cues(question, regime=Regime.EIR)[CueKind.PERSONAL_DATA].sections == ("reg 13",)
    assert cues(question, regime=Regime.FOISA)[CueKind.PERSONAL_DATA].sections == ("s38(1)(b)",)


def test_the_requesters_own_data_is_a_subject_access_request() -> None:
    cue = cues("Please send me a copy of any information you hold about me.")[CueKind.PERSONAL_DATA]
    assert cue.sections == ("s40(1)",)
    assert "subject access request" in cue.reason


def test_copies_of_correspondence_warn_to_redact_junior_staff() -> None:
    cue = cues("Please provide copies of the letters sent to the bus operator about the depot.")[CueKind.PERSONAL_DATA]
    assert "redacted under s40(2)" in cue.reason


def test_a_similar_answer_withheld_under_s40_is_cited() -> None:
    similar = precedent("p1", 0.78, "partially_disclosed", ("s40(2)",), authority=COUNCIL)
    cue = cues("Please give the names of the caseworkers in the housing team.", candidates=[similar],
               authority=COUNCIL)[CueKind.PERSONAL_DATA]
    assert cue.references == ("FOI-p1",)
    assert "FOI-p1" in cue.reason


# --- covert policing and security ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Does the force use IMSI catchers to track mobile phones?",
    "How many informants did the force pay in 2023?",
    "How many times has the force worked with MI5 on protest groups?",
    "Has the force carried out covert surveillance of the Greyford allotments?",
    "What firearms units does the force have available at night?",
])
def test_covert_tactics_for_a_police_force_carry_the_ncnd_stance(question: str) -> None:
    cue = cues(question, POLICE)[CueKind.SECURITY_SENSITIVE]
    assert cue.sections == ("s23(5)", "s24(2)", "s30(3)", "s31(3)")
    assert "neither confirm nor deny" in cue.reason
    assert "No precedent of the authority on this subject" in cue.reason


def test_covert_tactics_for_a_council_carry_no_ncnd_cue() -> None:
    assert CueKind.SECURITY_SENSITIVE not in cues("Does the council use IMSI catchers?", COUNCIL_KIND)


def test_security_bodies_carry_s23_for_any_authority() -> None:
    cue = cues("Has the council shared CCTV footage with MI5?", COUNCIL_KIND)[CueKind.SECURITY_SENSITIVE]
    assert cue.sections == ("s23(5)", "s24(2)")


def test_security_arrangements_carry_a_prejudice_cue_for_any_authority() -> None:
    cue = cues("What is the trust's annual cyber security budget?", AuthorityKind.NHS)[CueKind.SECURITY_SENSITIVE]
    assert cue.sections == ("s24(1)", "s31(1)(a)")
    assert "harm test" in cue.reason


def test_the_authoritys_own_past_ncnd_is_cited_with_its_sections() -> None:
    past = [precedent("n1", 0.74, "ncnd", ("s24(2)", "s31(3)")),
            precedent("n2", 0.56, "other", question="Does the force use covert drones?",
                      stance="ncnd: s23(5), s24(2)")]
    cue = cues("Does the force use covert listening devices in vehicles?", POLICE, past,
               authority=FORCE)[CueKind.SECURITY_SENSITIVE]
    assert cue.references == ("FOI-n1", "FOI-n2")
    assert cue.sections == ("s24(2)", "s31(3)", "s23(5)")
    assert "neither confirmed nor denied on this subject before (FOI-n1, FOI-n2" in cue.reason
    assert "keep to that stance" in cue.reason


def test_past_ncnd_and_past_disclosure_on_the_subject_are_both_cited() -> None:
    past = [precedent("n1", 0.74, "ncnd", ("s24(2)",)), precedent("d1", 0.72, "disclosed")]
    found = cues("Does the force use covert listening devices?", POLICE, past, authority=FORCE)
    cue = found[CueKind.SECURITY_SENSITIVE]
    assert cue.references == ("FOI-n1", "FOI-d1")
    assert "check the line between them" in cue.reason


def test_a_past_disclosure_on_the_subject_is_said_instead() -> None:
    past = [precedent("d1", 0.81, "disclosed")]
    cue = cues("How many officers are trained in covert surveillance?", POLICE, past,
               authority=FORCE)[CueKind.SECURITY_SENSITIVE]
    assert cue.references == ("FOI-d1",)
    assert "confirmed or disclosed similar information before (FOI-d1)" in cue.reason


def test_another_forces_ncnd_is_not_the_authoritys_own_stance() -> None:
    theirs = [precedent("x1", 0.8, "ncnd", ("s24(2)",), authority="Marsh Valley Police")]
    cue = cues("Does the force use covert cameras?", POLICE, theirs, authority=FORCE)[CueKind.SECURITY_SENSITIVE]
    assert cue.references == ()
    assert "No precedent of the authority" in cue.reason


def test_an_unrelated_precedent_is_not_on_the_subject() -> None:
    unrelated = [precedent("u1", 0.55, "ncnd", ("s31(3)",), question="How many parking fines were issued?")]
    cue = cues("Does the force use covert cameras?", POLICE, unrelated)[CueKind.SECURITY_SENSITIVE]
    assert cue.references == ()


# --- the cost limit ---------------------------------------------------------------------------------------------


def test_all_emails_over_a_long_period_are_a_cost_risk_with_aggregation_and_advice() -> None:
    cue = cues("Please provide all emails sent by the housing department since 2010.")[CueKind.COST_RISK]
    assert cue.sections == ("s12", "s16")
    assert '"all emails"' in cue.reason
    assert "about 15 years" in cue.reason
    assert "£450, 18 hours" in cue.reason
    assert "aggregate" in cue.reason
    assert "60 working days" in cue.reason
    assert "s16 advice on narrowing" in cue.reason


@pytest.mark.parametrize("question", [
    "Copies of all correspondence about the bridge repairs.",
    "The number of complaints received in each of the last ten years.",
    "Every report, memo, survey and note about the library roof.",
    "The records held by every department of the council about the laptop loans.",
    "Copies of all written communications from the lottery board.",
    "The minutes of the harbour board dated between March 2009 and the present.",
])
def test_one_strong_sign_is_enough_for_a_cost_cue(question: str) -> None:
    assert CueKind.COST_RISK in cues(question)


def test_one_weak_sign_alone_is_not_a_cost_cue() -> None:
    assert CueKind.COST_RISK not in cues("How many complaints did each school receive in 2024?")
    assert CueKind.COST_RISK not in cues("How many parking fines were issued in the last five years?")


def test_two_weak_signs_together_are_a_cost_cue() -> None:
    cue = cues("For each complaint in the last six years, the details of the complaint and its outcome.")
    assert CueKind.COST_RISK in cue


def test_the_cost_limit_follows_the_kind_and_the_regime() -> None:
    question = "All correspondence with the contractor since 2012."
    assert "£600, 24 hours" in cues(question, AuthorityKind.CENTRAL)[CueKind.COST_RISK].reason
    scottish = cues(question, regime=Regime.FOISA)[CueKind.COST_RISK]
    assert scottish.sections == ("s12", "s15")
    assert "£600" in scottish.reason
    environmental = cues(question, regime=Regime.EIR)[CueKind.COST_RISK]
    assert environmental.sections == ("reg 12(4)(b)", "reg 9")
    assert "manifestly unreasonable" in environmental.reason


def test_a_similar_question_refused_on_cost_is_cited() -> None:
    refused = precedent("c1", 0.83, "s12_cost", ("s12",), authority=COUNCIL)
    cue = cues("All emails about the ring road since 2009.", candidates=[refused])[CueKind.COST_RISK]
    assert cue.references == ("FOI-c1",)


# --- already published ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "What did the council spend on consultants, as shown in its spending over £500 data?",
    "Please send the minutes of the planning committee meeting of 3 May.",
    "What was the total in the statement of accounts for 2023/24?",
    "Please provide the council's policy on grass verge cutting.",
])
def test_a_named_published_source_is_a_published_cue(question: str) -> None:
    cue = cues(question)[CueKind.PUBLISHED]
    assert cue.sections == ("s21",)
    assert cue.link == ""


def test_a_similar_question_answered_s21_gives_its_link() -> None:
    past = precedent("s1", 0.8, "s21_accessible", ("s21",), answer="This is published at "
                     "https://www.brackenford.example.gov.uk/transparency/parking. We attach nothing further.")
    cue = cues("How much did the council take in parking fines last year?", candidates=[past])[CueKind.PUBLISHED]
    assert cue.link == "https://www.brackenford.example.gov.uk/transparency/parking"
    assert cue.references == ("FOI-s1",)
    assert cue.reason.startswith("the authority answered a similar question by pointing to published information")


def test_a_published_precedent_with_no_url_links_its_source_page() -> None:
    page = "https://www.brackenford.example.gov.uk/foi/disclosure-log/2024-118"
    past = precedent("s2", 0.77, "s21_accessible", ("s21",), source=page)
    assert cues("How much did the council take in parking fines?", candidates=[past])[CueKind.PUBLISHED].link == page


def test_published_under_foisa_is_section_25() -> None:
    assert cues("Please send the annual report for 2022.", regime=Regime.FOISA)[CueKind.PUBLISHED].sections == ("s25",)


# --- the same question asked before -----------------------------------------------------------------------------


def test_a_near_identical_past_question_is_a_repeat_with_its_outcome() -> None:
    question = "How many fixed speed cameras did the force operate in 2023?"
    past = precedent("r1", 0.91, "disclosed", question=question)
    cue = cues(question, POLICE, [past], authority=FORCE)[CueKind.REPEAT]
    assert cue.references == ("FOI-r1",)
    assert 'FOI-r1 (Fenmoor Constabulary, 2024-03-01) was answered "Disclose"' in cue.reason
    assert "Answer consistently" in cue.reason


def test_high_word_overlap_is_a_repeat_even_below_the_similarity_bar() -> None:
    past = precedent("r2", 0.74, "not_held", question="Number of fixed speed cameras operated by the force in 2023")
    assert CueKind.REPEAT in cues("How many fixed speed cameras were operated by the force in 2023?", POLICE, [past])


def test_a_merely_similar_question_is_not_a_repeat() -> None:
    past = precedent("r3", 0.72, "disclosed", question="How many mobile speed cameras are there?")
    assert CueKind.REPEAT not in cues("How many fixed speed cameras did the force operate in 2023?", POLICE, [past])


def test_a_question_too_short_to_stand_alone_is_not_a_repeat() -> None:
    past = precedent("r4", 0.96, "disclosed", question="When is the contract up for renewal?")
    assert CueKind.REPEAT not in cues("When is the contract renewal date?", candidates=[past])


def test_different_past_outcomes_ask_the_caseworker_to_choose_one_stance() -> None:
    question = "How many drones does the force own for aerial searches?"
    past = [precedent("a", 0.93, "disclosed", question=question), precedent("b", 0.9, "ncnd", ("s24(2)",),
                                                                             question=question)]
    cue = cues(question, POLICE, past, authority=FORCE)[CueKind.REPEAT]
    assert "answered differently" in cue.reason
    assert cue.sections == ("s24(2)",)


def test_the_same_question_to_other_authorities_is_a_round_robin() -> None:
    question = "How many electric vehicle charging points has the council installed?"
    past = precedent("rr", 0.95, "disclosed", question=question, authority="Westmarch District Council")
    cue = cues(question, candidates=[past], authority=COUNCIL)[CueKind.REPEAT]
    assert "round robin" in cue.reason
    assert "Westmarch District Council" in cue.reason


# --- the kind of authority ----------------------------------------------------------------------------------------


def test_the_authority_kind_setting_wins_then_central_government_then_the_name() -> None:
    assert authority_kind("nhs", central_government=True, authority=FORCE) is AuthorityKind.NHS
    assert authority_kind("", central_government=True, authority=FORCE) is AuthorityKind.CENTRAL
    assert authority_kind(authority=FORCE) is AuthorityKind.POLICE
    assert authority_kind(authority="Northfield Police") is AuthorityKind.POLICE
    assert authority_kind(authority=COUNCIL) is AuthorityKind.COUNCIL
    assert authority_kind(authority="Fenmoor Hospitals NHS Foundation Trust") is AuthorityKind.NHS
    assert authority_kind(authority="Ministry of Lighthouses") is AuthorityKind.CENTRAL
    assert authority_kind(authority="Fenmoor Drainage Board") is AuthorityKind.OTHER


# --- the request-level stance -------------------------------------------------------------------------------------


def test_a_stored_stance_is_read_in_either_form() -> None:
    assert stance_exemptions("ncnd: s23(5), s24(2)") == ("s23(5)", "s24(2)")
    assert stance_exemptions(json.dumps({"disposition": "ncnd", "exemptions": ["s31(3)"]})) == ("s31(3)",)
    assert stance_exemptions("") == ()
    assert stance_exemptions("disclosed: ") == ()
    assert stance_exemptions("{not json") == ()


def _with_stance(ident: str, score: float = 0.7, authority: str = FORCE) -> Candidate:
    return precedent(ident, score, "not_held", authority=authority, stance="ncnd: s23(5), s24(2), s31(3)")


def test_precedents_carrying_an_opening_ncnd_across_the_request_offer_it_once() -> None:
    candidates = [[_with_stance("f1")], [_with_stance("f2"), precedent("o", 0.8, "disclosed")],
                  [precedent("p", 0.7, "disclosed")]]
    stance = request_stance([(), (), ()], candidates, authority=FORCE)
    assert stance is not None
    assert stance.disposition is Disposition.NCND
    assert stance.exemptions == ("s23(5)", "s24(2)", "s31(3)")
    assert stance.references == ("FOI-f1", "FOI-f2")
    assert "questions 1, 2 rest" in stance.reason
    assert "once at the start of the letter" in stance.reason


def test_one_question_of_many_with_a_stance_is_not_enough_without_a_security_cue() -> None:
    candidates = [[_with_stance("f1")], [precedent("a", 0.8, "disclosed")], [precedent("b", 0.8, "disclosed")],
                  [precedent("c", 0.8, "disclosed")]]
    assert request_stance([(), (), (), ()], candidates) is None
    security = (Cue(CueKind.SECURITY_SENSITIVE, "asks about covert tactics", triggers=("covert tactics",)),)
    stance = request_stance([security, (), (), ()], candidates)
    assert stance is not None
    assert "question 1 rests" in stance.reason
    # What the security question asks about bounds it: the other questions' counts are answered as usual.
    assert stance.subject == "about covert tactics"
    assert "answered as usual" in stance.reason


def test_no_stance_from_distant_or_other_authorities_precedents() -> None:
    assert request_stance([()], [[_with_stance("far", score=0.4)]]) is None
    assert request_stance([()], [[_with_stance("x", authority="Marsh Valley Police")]], authority=FORCE) is None
    assert request_stance([()], [[precedent("plain", 0.9, "ncnd", ("s24(2)",))]]) is None


def test_the_same_question_for_a_new_period_is_no_repeat_but_asks_for_the_same_form() -> None:
    past = precedent("p1", 0.9, "disclosed", question="How many times was a Taser fired by officers in 2019, 2020 "
                                                       "and 2021?")
    cue = cues("How many times was a Taser fired by officers in 2024?", POLICE, [past], authority=FORCE)[
        CueKind.REPEAT]
    assert "earlier period" in cue.reason
    assert "s14" not in cue.reason
    assert cue.references == ("FOI-p1",)


def test_all_the_emails_of_the_staff_is_a_cost_risk() -> None:
    question = ("I would like copies of all the emails and Teams messages that staff in any department have sent "
                "about the flood since February 2023.")
    cue = cues(question)[CueKind.COST_RISK]
    assert "all the emails" in cue.reason


def test_the_names_of_people_who_have_died_carry_no_personal_data_cue_but_the_staffs_do() -> None:
    assert CueKind.PERSONAL_DATA not in cues("Please list the names and ages of the deceased given public health "
                                             "funerals in 2024.")
    assert CueKind.PERSONAL_DATA in cues("Please give the names of the council officers who arranged each funeral "
                                         "for the deceased in 2024.")


@pytest.mark.parametrize("question", ["Do any departments use ChatGPT or other AI tools?",
                                      "Does the council use any systems to record complaints about potholes?"])
def test_a_yes_or_no_question_about_any_department_is_no_cost_risk(question: str) -> None:
    assert CueKind.COST_RISK not in cues(question)


def test_dead_animals_do_not_hide_the_residents_personal_data() -> None:
    assert CueKind.PERSONAL_DATA in cues("Please give the names and addresses of residents who reported dead "
                                         "animals on the highway.")


def test_the_requesters_own_call_and_notes_about_them_are_their_own_data() -> None:
    cue = cues("Please send me the recording of my 999 call on 3 March and the notes PC Hollis made about me.",
               POLICE)[CueKind.PERSONAL_DATA]
    assert cue.sections == ("s40(1)",)
    assert "subject access request" in cue.reason


@pytest.mark.parametrize("question", [
    "What is the unit price the council pays for each wheelie bin?",
    "Please provide the hourly charge rates and the agency's margin in your staffing contract.",
    "Please send copies of all the bids received for the grounds maintenance tender.",
    "A copy of the contract with the company that supplies your body worn cameras.",
])
def test_prices_rates_margins_and_bids_are_a_commercial_cue(question: str) -> None:
    cue = cues(question)[CueKind.COMMERCIAL]
    assert cue.sections == ("s43(2)",)
    assert "Consult the supplier" in cue.reason
    assert Disposition.PARTIALLY_DISCLOSED in cue_outcomes(cue)


def test_the_commercial_cue_names_the_regimes_section_and_the_authoritys_own_withholding() -> None:
    assert cues("What is the price per tonne in the waste contract?", regime=Regime.EIR)[
        CueKind.COMMERCIAL].sections == ("reg 12(5)(e)",)
    assert cues("What are the pricing schedules of the catering contract?", regime=Regime.FOISA)[
        CueKind.COMMERCIAL].sections == ("s33(1)(b)",)
    before = precedent("c1", 0.8, "exempt_withheld", ("s43(2)",), question="What is the unit price of each bin?")
    cue = cues("What is the unit price of each wheelie bin?", candidates=[before])[CueKind.COMMERCIAL]
    assert "withheld on commercial grounds" in cue.reason
    assert CueKind.COMMERCIAL not in cues("How much did the council spend on wheelie bins in 2024?")


@pytest.mark.parametrize("question", ["How many council tax rebates were paid in 2024?",
                                      "How often are the road margins and verges cut?"])
def test_rebates_and_road_margins_are_no_commercial_cue(question: str) -> None:
    assert CueKind.COMMERCIAL not in cues(question)


@pytest.mark.parametrize("question", [
    "the name of the traffic warden who gave me my parking ticket last Tuesday",
    "Please send me copies of all the notes and emails about my neighbour's flat (Mr Tobias Wren, 3 Elm Row).",
])
def test_one_identifiable_person_points_to_withholding_the_whole_answer(question: str) -> None:
    cue = cues(question)[CueKind.PERSONAL_DATA]
    assert cue.outcomes == (Disposition.EXEMPT_WITHHELD,)
    assert cue.sections == ("s40(2)",)


def test_the_names_of_a_group_of_staff_or_a_senior_officer_are_not_one_person() -> None:
    assert cues("The names of the wardens who patrol the market.")[CueKind.PERSONAL_DATA].outcomes == ()
    assert CueKind.PERSONAL_DATA not in cues("The name of the director who approved the scheme.")


def test_a_count_of_parking_tickets_on_a_street_is_not_published_data() -> None:
    assert CueKind.PUBLISHED not in cues("The number of PCNs issued on Mill Street in 2023, by month.")
    assert CueKind.PUBLISHED in cues("Which companies hold the contracts for school taxis, and what each contract "
                                     "is worth?")


def test_whether_a_named_landlord_was_prosecuted_points_to_ncnd() -> None:
    cue = cues("Has the landlord Mr J. Barrow ever been prosecuted or fined by the council?")[CueKind.PERSONAL_DATA]
    assert cue.outcomes == (Disposition.NCND,)


def test_where_cameras_are_is_a_prejudice_cue_pointing_to_withholding_not_ncnd() -> None:
    cue = cues("A list of where each CCTV camera is, street names will do.")[CueKind.SECURITY_SENSITIVE]
    assert cue.sections == ("s31(1)(a)",)
    assert cue.outcomes == (Disposition.PARTIALLY_DISCLOSED, Disposition.EXEMPT_WITHHELD)
    assert "publish" in cue.reason


def test_councillors_expenses_are_published_data() -> None:
    assert CueKind.PUBLISHED in cues("The total expenses claimed by each councillor for 2023/24.")


def test_who_complained_about_the_requester_is_one_identifiable_person() -> None:
    cue = cues("I want the name and address of whoever complained about my hedge.")[CueKind.PERSONAL_DATA]
    assert cue.outcomes == (Disposition.EXEMPT_WITHHELD,)


def test_a_figure_for_each_directorate_is_no_cost_risk_but_searching_each_ones_records_is() -> None:
    assert CueKind.COST_RISK not in cues("The average number of sickness days per employee in each directorate.")
    assert CueKind.COST_RISK in cues("All the records held by each directorate about sickness absence.")


def test_the_job_titles_of_staff_off_sick_are_their_health_data() -> None:
    assert CueKind.PERSONAL_DATA in cues("How many staff in the parks team are off on long term sick, and the job "
                                         "titles of those people?")


@pytest.mark.parametrize("question", [
    "The name of the contractor who resurfaced Elm Road.",
    "Copies of all emails sent by Mr Smith, the Chief Executive, about the budget.",
])
def test_a_firm_or_a_senior_officer_is_not_one_private_person(question: str) -> None:
    cue = cues(question).get(CueKind.PERSONAL_DATA)
    assert cue is None or cue.outcomes != (Disposition.EXEMPT_WITHHELD,)


def test_street_lights_not_working_and_mental_health_charities_carry_no_cue() -> None:
    assert CueKind.SECURITY_SENSITIVE not in cues("How many street lights are there, and how many of them are not "
                                                  "working?")
    assert CueKind.PERSONAL_DATA not in cues("Please give the names of the mental health charities you fund.")
    assert CueKind.PERSONAL_DATA not in cues("Please provide the number of complaints received about noise in 2022.")
