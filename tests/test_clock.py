"""The statutory clock: working days under each regime, deadlines, review dates and receipt-date parsing.

Every expected date below was counted by hand on the real calendar; the comments give the count.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.clock import (
    Deadlines,
    add_working_days,
    deadlines,
    parse_received,
    working_day_calendar,
    working_days_left,
)
from knowledge.models import Regime

FOIA, EIR, FOISA = Regime.FOIA, Regime.EIR, Regime.FOISA


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- counting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("regime", list(Regime))
def test_receipt_on_a_friday_makes_the_next_monday_day_one(regime: Regime) -> None:
    assert d("2025-01-10").strftime("%A") == "Friday"
    assert add_working_days(d("2025-01-10"), 1, regime) == d("2025-01-13")
    assert deadlines(d("2025-01-10"), regime).day_one == d("2025-01-13")


def test_receipt_day_is_not_counted_even_when_it_is_a_working_day() -> None:
    # Wednesday receipt: day 1 is Thursday.
    assert add_working_days(d("2025-01-08"), 1, FOIA) == d("2025-01-09")


def test_receipt_on_a_weekend_makes_the_next_working_day_day_one() -> None:
    assert add_working_days(d("2025-01-11"), 1, FOIA) == d("2025-01-13")  # Saturday -> Monday
    assert add_working_days(d("2025-01-12"), 1, FOIA) == d("2025-01-13")  # Sunday -> Monday


@pytest.mark.parametrize("regime", list(Regime))
def test_twenty_working_days_with_no_bank_holidays_is_four_weeks_later(regime: Regime) -> None:
    # Jan 9, 10 (2), 13-17 (7), 20-24 (12), 27-31 (17), Feb 3, 4, 5 (20).
    assert add_working_days(d("2025-01-08"), 20, regime) == d("2025-02-05")
    assert deadlines(d("2025-01-08"), regime).due == d("2025-02-05")


def test_zero_working_days_is_the_start_date_and_negative_counts_are_refused() -> None:
    assert add_working_days(d("2025-01-11"), 0, FOIA) == d("2025-01-11")
    with pytest.raises(ValueError, match="negative"):
        add_working_days(d("2025-01-08"), -1, FOIA)


# --- which days are working days ---------------------------------------------------------------


@pytest.mark.parametrize("regime", list(Regime))
def test_christmas_boxing_day_and_new_year_are_not_working_days(regime: Regime) -> None:
    calendar = working_day_calendar(regime)
    for day in ("2024-12-25", "2024-12-26", "2025-01-01"):
        assert not calendar.is_working_day(d(day)), day
    assert calendar.is_working_day(d("2024-12-24"))
    assert calendar.is_working_day(d("2024-12-27"))


@pytest.mark.parametrize("regime", list(Regime))
def test_scottish_second_of_january_is_not_a_working_day_under_every_regime(regime: Regime) -> None:
    # FOIA and EIR count a bank holiday in any part of the UK; FOISA counts Scotland's.
    assert not working_day_calendar(regime).is_working_day(d("2025-01-02"))


def test_christmas_receipt_skips_christmas_boxing_day_and_both_new_year_holidays_under_foia() -> None:
    # Received Friday 20 Dec 2024. Dec 23 (1), 24 (2), [25, 26 holidays], 27 (3), 30 (4), 31 (5),
    # [Jan 1, and Jan 2 in Scotland], Jan 3 (6), 6-10 (11), 13-17 (16), 20, 21, 22, 23 (20).
    result = deadlines(d("2024-12-20"), FOIA)
    assert result.day_one == d("2024-12-23")
    assert result.due == d("2025-01-23")
    # With only England's holidays it would have been a day earlier.
    assert result.due != d("2025-01-22")


def test_christmas_receipt_gives_the_same_due_date_under_foisa() -> None:
    # Scotland also has 2 January, and no UK holiday outside Scotland falls in this window.
    assert deadlines(d("2024-12-20"), FOISA).due == d("2025-01-23")
    assert deadlines(d("2024-12-20"), EIR).due == d("2025-01-23")


def test_battle_of_the_boyne_is_skipped_under_foia_but_not_foisa() -> None:
    boyne = d("2024-07-12")
    assert boyne.strftime("%A") == "Friday"
    assert not working_day_calendar(FOIA).is_working_day(boyne)
    assert not working_day_calendar(EIR).is_working_day(boyne)
    assert working_day_calendar(FOISA).is_working_day(boyne)
    # Received Thursday 11 July 2024.
    # FOIA: Jul 15-19 (5), 22-26 (10), 29-Aug 2 (15), [Aug 5 Scottish summer holiday], 6-9 (19), 12 (20).
    foia = deadlines(d("2024-07-11"), FOIA)
    assert (foia.day_one, foia.due) == (d("2024-07-15"), d("2024-08-12"))
    # FOISA: Jul 12 (1), 15-19 (6), 22-26 (11), 29-Aug 2 (16), [Aug 5], 6-9 (20).
    foisa = deadlines(d("2024-07-11"), FOISA)
    assert (foisa.day_one, foisa.due) == (d("2024-07-12"), d("2024-08-09"))


def test_boyne_on_a_saturday_moves_to_the_monday_under_foia() -> None:
    assert d("2025-07-12").strftime("%A") == "Saturday"
    assert add_working_days(d("2025-07-11"), 1, FOIA) == d("2025-07-15")
    assert add_working_days(d("2025-07-11"), 1, FOISA) == d("2025-07-14")


def test_st_andrews_day_substitute_monday_is_skipped_under_foia_and_foisa() -> None:
    # 30 November 2024 was a Saturday; Scotland took Monday 2 December instead.
    assert d("2024-11-30").strftime("%A") == "Saturday"
    for regime in Regime:
        assert not working_day_calendar(regime).is_working_day(d("2024-12-02")), regime
        assert add_working_days(d("2024-11-29"), 1, regime) == d("2024-12-03"), regime


def test_st_patricks_day_is_skipped_under_foia_but_not_foisa() -> None:
    assert not working_day_calendar(FOIA).is_working_day(d("2025-03-17"))
    assert working_day_calendar(FOISA).is_working_day(d("2025-03-17"))


def test_one_off_scottish_bank_holiday_is_skipped_under_every_regime() -> None:
    # Monday 15 June 2026, proclaimed for Scotland only (World Cup); needs holidays>=0.91.
    # FOIA and the EIR count a bank holiday in any part of the UK, so it stops their clocks too.
    for regime in Regime:
        assert not working_day_calendar(regime).is_working_day(d("2026-06-15")), regime
        assert add_working_days(d("2026-06-12"), 1, regime) == d("2026-06-16"), regime


def test_good_friday_and_easter_monday_are_skipped_under_foia() -> None:
    calendar = working_day_calendar(FOIA)
    assert not calendar.is_working_day(d("2025-04-18"))
    assert not calendar.is_working_day(d("2025-04-21"))
    # Received Thursday 17 April 2025: Apr 22-25 (4), 28-May 2 (9), [May 5], 6-9 (13), 12-16 (18), 19, 20 (20).
    result = deadlines(d("2025-04-17"), FOIA)
    assert (result.day_one, result.due) == (d("2025-04-22"), d("2025-05-20"))


def test_easter_monday_is_a_working_day_under_foisa_but_good_friday_is_not() -> None:
    calendar = working_day_calendar(FOISA)
    assert not calendar.is_working_day(d("2025-04-18"))
    assert calendar.is_working_day(d("2025-04-21"))
    result = deadlines(d("2025-04-17"), FOISA)
    assert (result.day_one, result.due) == (d("2025-04-21"), d("2025-05-19"))


def test_non_working_reason_names_the_holiday_and_where_it_applies() -> None:
    foia, foisa = working_day_calendar(FOIA), working_day_calendar(FOISA)
    assert foia.non_working_reason(d("2024-07-12")) == "Northern Ireland: Battle of the Boyne"
    assert foia.non_working_reason(d("2025-04-21")) == "England, Wales, Northern Ireland: Easter Monday"
    assert foia.non_working_reason(d("2025-12-25")) == "Christmas Day"
    assert foisa.non_working_reason(d("2025-01-02")) == "New Year Holiday"
    assert foia.non_working_reason(d("2025-01-11")) == "Saturday"
    assert foia.non_working_reason(d("2025-01-08")) is None


def test_calendar_is_shared_per_regime() -> None:
    assert working_day_calendar(FOIA) is working_day_calendar(FOIA)
    assert working_day_calendar(FOIA) is not working_day_calendar(FOISA)


# --- deadlines ---------------------------------------------------------------------------------


def test_foia_extension_is_twenty_working_days_after_the_due_date() -> None:
    result = deadlines(d("2025-01-08"), FOIA)
    # Feb 6, 7 (2), 10-14 (7), 17-21 (12), 24-28 (17), Mar 3, 4, 5 (20).
    assert result.extended_due == d("2025-03-05")
    assert result.extended_due == add_working_days(result.due, 20, FOIA)


def test_eir_extension_is_forty_working_days_after_receipt() -> None:
    result = deadlines(d("2025-01-08"), EIR)
    assert result.extended_due == d("2025-03-05")
    assert result.extended_due == add_working_days(d("2025-01-08"), 40, EIR)


def test_foisa_has_no_extension() -> None:
    assert deadlines(d("2025-01-08"), FOISA).extended_due is None


def test_review_request_window_runs_forty_working_days_from_the_due_date_by_default() -> None:
    # From Wed 5 Feb 2025: Mar 5 is day 20; Mar 6, 7 (22), 10-14 (27), then
    # FOIA skips St Patrick's Day (Mon 17 Mar): 18-21 (31), 24-28 (36), 31 (37), Apr 1, 2, 3 (40).
    assert deadlines(d("2025-01-08"), FOIA).review_request_by == d("2025-04-03")
    assert deadlines(d("2025-01-08"), EIR).review_request_by == d("2025-04-03")
    # FOISA counts 17 March, so it ends a day earlier.
    assert deadlines(d("2025-01-08"), FOISA).review_request_by == d("2025-04-02")


def test_review_request_window_runs_from_the_actual_response_date() -> None:
    # Response on Thursday 30 January 2025, 40 working days: Jan 31 (1), Feb 3-28 (21),
    # Mar 3-14 (31), [Mar 17], 18-21 (35), 24-28 (40).
    result = deadlines(d("2025-01-08"), FOIA, responded=d("2025-01-30"))
    assert result.review_request_by == d("2025-03-28")


def test_review_due_is_unset_until_a_review_is_requested() -> None:
    assert deadlines(d("2025-01-08"), FOIA).review_due is None


def test_review_due_counts_twenty_days_for_foia_and_foisa_and_forty_for_eir() -> None:
    requested = d("2025-03-03")  # Monday
    # FOIA: Mar 4-7 (4), 10-14 (9), [Mar 17], 18-21 (13), 24-28 (18), 31, Apr 1 (20).
    assert deadlines(d("2025-01-08"), FOIA, review_requested=requested).review_due == d("2025-04-01")
    # FOISA: Mar 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), 31 (20).
    assert deadlines(d("2025-01-08"), FOISA, review_requested=requested).review_due == d("2025-03-31")
    # EIR: Apr 1 (20), 2-4 (23), 7-11 (28), 14-17 (32), [Good Friday, Easter Monday], 22-25 (36), 28-May 1 (40).
    assert deadlines(d("2025-01-08"), EIR, review_requested=requested).review_due == d("2025-05-01")


def test_regulator_follows_the_regime() -> None:
    assert deadlines(d("2025-01-08"), FOIA).regulator == "Information Commissioner"
    assert deadlines(d("2025-01-08"), EIR).regulator == "Information Commissioner"
    assert deadlines(d("2025-01-08"), FOISA).regulator == "Scottish Information Commissioner"


def test_deadlines_is_a_frozen_record_of_the_request() -> None:
    result = deadlines(d("2025-01-08"), Regime("foisa"))
    assert isinstance(result, Deadlines)
    assert (result.received, result.regime) == (d("2025-01-08"), FOISA)
    with pytest.raises(AttributeError):
        result.due = d("2025-01-09")  # type: ignore[misc]


def test_dates_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="before the receipt date"):
        deadlines(d("2025-01-08"), FOIA, responded=d("2025-01-07"))
    with pytest.raises(ValueError, match="before the response date"):
        deadlines(d("2025-01-08"), FOIA, responded=d("2025-01-30"), review_requested=d("2025-01-29"))


# --- working days left -------------------------------------------------------------------------


def test_working_days_left_before_the_due_date_is_positive() -> None:
    assert working_days_left(d("2025-02-05"), d("2025-01-08"), FOIA) == 20
    assert working_days_left(d("2025-02-05"), d("2025-02-04"), FOIA) == 1
    # Over a weekend: Saturday 1 Feb to Wednesday 5 Feb is Mon, Tue, Wed.
    assert working_days_left(d("2025-02-05"), d("2025-02-01"), FOIA) == 3


def test_working_days_left_on_the_due_date_is_zero() -> None:
    assert working_days_left(d("2025-02-05"), d("2025-02-05"), FOIA) == 0


def test_working_days_left_after_the_due_date_is_negative() -> None:
    assert working_days_left(d("2025-02-05"), d("2025-02-06"), FOIA) == -1
    assert working_days_left(d("2025-02-05"), d("2025-02-08"), FOIA) == -2  # Saturday after
    assert working_days_left(d("2025-02-05"), d("2025-02-10"), FOIA) == -3


def test_working_days_left_skips_holidays_of_the_regime() -> None:
    # Fri 14 Mar to Tue 18 Mar 2025: FOIA skips St Patrick's Day, FOISA does not.
    assert working_days_left(d("2025-03-18"), d("2025-03-14"), FOIA) == 1
    assert working_days_left(d("2025-03-18"), d("2025-03-14"), FOISA) == 2


# --- parse_received ----------------------------------------------------------------------------

TODAY = date(2025, 6, 1)


def test_parse_received_accepts_an_iso_date() -> None:
    assert parse_received("2025-01-08", today=TODAY) == d("2025-01-08")
    assert parse_received("  2025-01-08\n", today=TODAY) == d("2025-01-08")


@pytest.mark.parametrize("text", ["08/01/2025", "2025-1-8", "20250108", "8 January 2025", "", "2025-01-08T10:00"])
def test_parse_received_rejects_other_formats_with_a_one_line_message(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD") as caught:
        parse_received(text, today=TODAY)
    assert "\n" not in str(caught.value)


def test_parse_received_rejects_impossible_dates() -> None:
    with pytest.raises(ValueError, match="not a real calendar date"):
        parse_received("2025-02-30", today=TODAY)


def test_parse_received_rejects_dates_before_2000() -> None:
    with pytest.raises(ValueError, match="before 2000"):
        parse_received("1999-12-31", today=TODAY)
    assert parse_received("2000-01-01", today=TODAY) == d("2000-01-01")


def test_parse_received_rejects_dates_more_than_a_year_ahead() -> None:
    assert parse_received("2026-06-01", today=TODAY) == d("2026-06-01")
    with pytest.raises(ValueError, match="more than a year in the future"):
        parse_received("2026-06-02", today=TODAY)


def test_parse_received_message_stays_on_one_line_for_multiline_input() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD") as caught:
        parse_received("2025-01-08\nextra", today=TODAY)
    assert "\n" not in str(caught.value)
