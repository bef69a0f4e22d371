"""The statutory clock: working days, response deadlines and review dates for FOIA, the EIR and FOISA.

A working day is any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank
holiday in any part of the United Kingdom (FOIA s10(6); the EIR use the same definition). Under
FOISA (s73) it is any day other than a Saturday, a Sunday, Christmas Day or a bank holiday in
Scotland. Bank holidays, including substitute days and one-off proclaimed holidays, come from the
`holidays` package, which computes them locally with no network access.

Counting follows the statutes and the regulators' guidance: the day of receipt is never counted,
day 1 is the first working day after it, and a deadline of N working days is the Nth such day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

from knowledge.models import Regime

__all__ = [
    "Deadlines",
    "WorkingDays",
    "add_working_days",
    "deadlines",
    "parse_received",
    "working_day_calendar",
    "working_days_left",
]

RESPONSE_DAYS = 20
"""FOIA s10(1), EIR reg 5(2), FOISA s10(1)."""
FOIA_PUBLIC_INTEREST_EXTRA_DAYS = 20
"""FOIA s10(3): the regulator's guidance treats a further 20 working days as the normal maximum."""
EIR_EXTENDED_DAYS = 40
"""EIR reg 7(1): complex and voluminous requests, 40 working days from receipt."""
REVIEW_REQUEST_DAYS = 40
"""FOIA s45 code of practice, EIR reg 11(2), FOISA s20(5): the requester's time to ask for a review."""
REVIEW_DAYS = {Regime.FOIA: 20, Regime.EIR: 40, Regime.FOISA: 20}
"""The authority's time to complete a review: FOIA code of practice, EIR reg 11(4), FOISA s21(1)."""
REGULATORS = {
    Regime.FOIA: "Information Commissioner",
    Regime.EIR: "Information Commissioner",
    Regime.FOISA: "Scottish Information Commissioner",
}

_REGIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
_UK_SUBDIVISIONS = ("ENG", "WLS", "SCT", "NIR")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EARLIEST_RECEIPT = date(2000, 1, 1)


def _easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


class WorkingDays:
    """The working-day calendar of one regime, with its non-working days cached per year."""

    def __init__(self, regime: Regime) -> None:
        self.regime = Regime(regime)
        self.subdivisions: tuple[str, ...] = ("SCT",) if self.regime is Regime.FOISA else _UK_SUBDIVISIONS
        self._years: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"WorkingDays({self.regime.value!r}, subdivisions={self.subdivisions!r})"

    def _holidays(self, year: int) -> dict[date, str]:
        """The year's non-working days other than weekends, each with its reason (cached)."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        found: dict[date, dict[str, list[str]]] = {}
        for subdiv in self.subdivisions:
            for day, names in holidays.country_holidays("GB", subdiv=subdiv, years=year).items():
                for name in names.split("; "):
                    found.setdefault(day, {}).setdefault(name, []).append(subdiv)
        # Named in the statutes themselves, whatever the bank holiday data says.
        statutory = {date(year, 12, 25): "Christmas Day"}
        if self.regime is not Regime.FOISA:
            statutory[_easter_sunday(year) - timedelta(days=2)] = "Good Friday"
        for day, name in statutory.items():
            found.setdefault(day, {}).setdefault(name, list(self.subdivisions))
        reasons: dict[date, str] = {}
        for day, by_name in found.items():
            labels = []
            for name, subdivs in by_name.items():
                if len(self.subdivisions) > 1 and set(subdivs) != set(self.subdivisions):
                    name = f"{', '.join(_REGIONS[s] for s in _UK_SUBDIVISIONS if s in subdivs)}: {name}"
                labels.append(name)
            reasons[day] = "; ".join(labels)
        self._years[year] = reasons
        return reasons

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day (e.g. "Northern Ireland: Battle of the Boyne"), or None if it is one."""
        parts = []
        if day.weekday() >= 5:
            parts.append(day.strftime("%A"))
        holiday = self._holidays(day.year).get(day)
        if holiday:
            parts.append(holiday)
        return "; ".join(parts) or None

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day under this regime."""
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def add(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; day 1 is the first working day after `start`."""
        if days < 0:
            raise ValueError(f"cannot count a negative number of working days ({days})")
        day = start
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def count(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end < start:
            return -self.count(end, start)
        return sum(self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


@cache
def working_day_calendar(regime: Regime) -> WorkingDays:
    """The shared working-day calendar for `regime` (FOIA and EIR: all of the UK; FOISA: Scotland)."""
    return WorkingDays(Regime(regime))


def add_working_days(start: date, days: int, regime: Regime) -> date:
    """The date `days` working days after `start`, not counting `start` itself."""
    return working_day_calendar(regime).add(start, days)


def working_days_left(due: date, today: date, regime: Regime) -> int:
    """Working days from `today` until `due`: 0 on the due date, negative once it has passed."""
    return working_day_calendar(regime).count(today, due)


@dataclass(frozen=True)
class Deadlines:
    """The statutory dates of one request under one regime."""

    received: date
    regime: Regime
    day_one: date
    """The first working day after receipt."""
    due: date
    """The 20th working day after receipt: FOIA s10(1), EIR reg 5(2), FOISA s10(1)."""
    extended_due: date | None
    """FOIA: public interest extension (s10(3), normally 20 more working days); EIR: reg 7, 40 working
    days from receipt; FOISA: None, as it has no extension."""
    review_request_by: date
    """The last day for the requester to ask for an internal review: 40 working days after the response."""
    review_due: date | None
    """The authority's deadline to finish a requested review, or None when no review has been asked for."""
    regulator: str
    """Who hears complaints after the review."""


def deadlines(
    received: date,
    regime: Regime,
    responded: date | None = None,
    review_requested: date | None = None,
) -> Deadlines:
    """The deadlines of a request; without `responded`, the response is assumed to go on the due date."""
    regime = Regime(regime)
    calendar = working_day_calendar(regime)
    if responded is not None and responded < received:
        raise ValueError(f"response date {responded} is before the receipt date {received}")
    if review_requested is not None and review_requested < (responded or received):
        what = "response" if responded is not None else "receipt"
        raise ValueError(f"review request date {review_requested} is before the {what} date {responded or received}")
    due = calendar.add(received, RESPONSE_DAYS)
    extended_due: date | None
    if regime is Regime.FOIA:
        extended_due = calendar.add(due, FOIA_PUBLIC_INTEREST_EXTRA_DAYS)
    elif regime is Regime.EIR:
        extended_due = calendar.add(received, EIR_EXTENDED_DAYS)
    else:
        extended_due = None
    return Deadlines(
        received=received,
        regime=regime,
        day_one=calendar.add(received, 1),
        due=due,
        extended_due=extended_due,
        review_request_by=calendar.add(responded or due, REVIEW_REQUEST_DAYS),
        review_due=None if review_requested is None else calendar.add(review_requested, REVIEW_DAYS[regime]),
        regulator=REGULATORS[regime],
    )


def _one_year_after(day: date) -> date:
    """The same date a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def parse_received(text: str, today: date | None = None) -> date:
    """A receipt date written as YYYY-MM-DD, from 2000 to a year after `today` (default: the real today)."""
    cleaned = text.strip()
    shown = repr(cleaned if len(cleaned) <= 40 else cleaned[:40] + "...")
    if not _ISO_DATE.fullmatch(cleaned):
        raise ValueError(f"received date must be written YYYY-MM-DD, e.g. 2025-01-08, not {shown}")
    try:
        received = date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"received date {shown} is not a real calendar date") from None
    if received < _EARLIEST_RECEIPT:
        raise ValueError(f"received date {received} is before 2000; check the year")
    latest = _one_year_after(today or date.today())
    if received > latest:
        raise ValueError(f"received date {received} is more than a year in the future (after {latest}); check the year")
    return received
