"""Block Kit rendering of cases: where each answer stands, options, precedents, and literal requester text."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import Block

from bot.models import BOT, Case, CaseQuestion, Draft, EditKind, Evidence, Option
from bot.slack import blocks
from bot.slack.text import literal
from knowledge.models import Disposition, Regime


def _evidence(reference: str, date_: str = "2024-02-01", source: str = "https://example.org/foi/1") -> Evidence:
    return Evidence(reference, date_, 0.81, "ncnd", ("s24(2)",), "Has the force used covert drones?", "NCND.",
                    source, precedent_id=f"id-{reference}-{date_}")


def _case(draft: Draft) -> Case:
    return Case("FOI-2026-0009", date(2026, 1, 5), Regime.FOIA, date(2026, 2, 2), "text",
                [CaseQuestion(1, "Has the force used drones covertly?", [draft])])


def _rendered(case: Case) -> str:
    [message] = blocks.question_messages(case, case.questions[0])
    for block in message.blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    return json.dumps(message.blocks)


def test_a_placeholder_with_no_precedent_shows_no_disposition() -> None:
    text = _rendered(_case(Draft(Disposition.NCND, (), "[No close precedent: draft by hand.]", 0.0, placeholder=True)))
    assert "No close precedent: the outcome is the caseworker's call" in text
    assert "Neither confirm nor deny" not in text


def test_a_proposal_shows_its_disposition_and_what_carried_it() -> None:
    draft = Draft(Disposition.NCND, ("s24(2)",), "We neither confirm nor deny.", 0.93, proposed=True,
                  basis="near-identical past question FC-FOI-2023-0412, similarity 0.93")
    text = _rendered(_case(draft))
    assert "Proposed: Neither confirm nor deny" in text
    assert "near-identical past question FC-FOI-2023-0412" in text
    assert "foi_use_option" not in text


def test_without_a_proposal_the_top_options_are_one_click_choices_with_their_wording() -> None:
    options = tuple(Option(d, p, e, w) for d, p, e, w in (
        (Disposition.NOT_HELD, 0.4, (), "The force holds no such record."),
        (Disposition.NCND, 0.3, ("s24(2)",), "We neither confirm nor deny."),
        (Disposition.DISCLOSED, 0.2, (), "The force has used drones on [figure] occasions."),
        (Disposition.OTHER, 0.1, (), "Please clarify."),
    ))
    text = _rendered(_case(Draft(Disposition.NOT_HELD, (), options[0].wording, 0.4, options=options)))
    assert "The outcome is the caseworker's call" in text
    assert text.count('"action_id": "foi_use_option"') == 3
    assert '"value": "FOI-2026-0009|1|2"' in text
    assert "We neither confirm nor deny." in text


def test_each_precedent_says_what_was_asked_and_decided_with_date_link_and_once_per_reference() -> None:
    draft = Draft(Disposition.NCND, ("s24(2)",), "NCND.", 0.8, precedents=(
        _evidence("FC-1"), _evidence("FC-1", "2024-03-01"), _evidence("FC-2", "", "letters/fc-2.pdf")))
    [line_one, line_two] = blocks.precedent_lines(draft.precedents)
    assert line_one.startswith("• <https://example.org/foi/1|FC-1> (2024-02-01")
    assert "asked: Has the force used covert drones?" in line_one
    assert "decided: Neither confirm nor deny" in line_one
    assert line_two.startswith("• FC-2 (undated")


def test_a_persons_decision_shows_their_name_not_their_user_id() -> None:
    case = _case(Draft(Disposition.NOT_HELD, (), "Not held.", 0.5))
    case.questions[0].versions.append(Draft(Disposition.NOT_HELD, (), "Not held.", 0.5, edit=EditKind.ACCEPTED,
                                            author="U123", author_name="Sam Example"))
    text = _rendered(case)
    assert "decided by Sam Example" in text
    assert "U123" not in text
    assert case.questions[0].versions[0].author == BOT


def test_literal_keeps_requester_text_from_formatting_pinging_or_linking() -> None:
    shown = literal("*bold* _it_ ~strike~ `code` <!channel> @here <http://x|y>\n> quote")
    for raw in ("*bold*", "_it_", "~strike~", "`code`", "<!channel>", "<http", "@here"):
        assert raw not in shown
    assert "\u200b&gt; quote" in shown
    assert shown.replace("\u200b", "").startswith("*bold* _it_ ~strike~ `code` &lt;!channel&gt;")
