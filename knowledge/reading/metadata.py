"""A response's reference, date, authority and regime, from what the document says."""

from __future__ import annotations

import re
from datetime import date, datetime

from knowledge.models import Regime

_REFERENCE = re.compile(
    r"(?:our\s+ref(?:erence)?|reference(?:\s+(?:no|number))?|ref\.?"
    r"(?:\s*(?:no|number))?|(?:foi|foisa|eir|request)\s+(?:request\s+)?(?:ref(?:erence)?|number|no)"
    r"|case\s+(?:ref(?:erence)?|number|no)|disclosure\s+id)\.?\s*[:.\-#]?\s*"
    r"((?=[A-Z0-9/._\-]*(?: \d)?\d)[A-Z0-9][A-Z0-9/._\-]{1,40}(?: \d[A-Z0-9/._\-]{1,20})?)",
    re.IGNORECASE,
)
_TITLE_REFERENCE = re.compile(r"\s[-\u2013]\s*(\d{1,6}/\d{2,4})\s*$")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_LONG_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS}|sept|[a-z]{{3}})\.?,?\s+(\d{{4}})\b", re.I)
_US_DATE = re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_LABEL = re.compile(r"(date(?: of)? (?:responded|response|reply|sent|issued)|^date\b|responded)", re.I)


def detect_regime(text: str) -> Regime:
    """FOISA, EIR or FOIA, from what the document says it was handled under.

    What the authority did decides: a request logged, handled or processed under the EIR (or a
    reliance on its regulations) against the same said of the Act (or a reliance on its sections),
    the later word winning (a request logged under the Act, then answered under the EIR).
    A bare mention decides only where neither is said: "the Freedom of Information Act and the
    Environmental Information Regulations" in guidance, a footer or the requester's subject line
    names both laws and is no sign of either.
    """
    lowered = " ".join(text.lower().split())
    if "(scotland)" in lowered or "scottish information commissioner" in lowered or "foisa" in lowered:
        return Regime.FOISA
    eir = [m.start() for m in _HANDLED_UNDER_EIR.finditer(lowered)]
    foia = [m.start() for m in _HANDLED_UNDER_FOIA.finditer(lowered)]
    if eir or foia:
        return Regime.EIR if max(eir, default=-1) > max(foia, default=-1) else Regime.FOIA
    if _MENTIONS_EIR.search(_BOTH_LAWS.sub(" ", lowered)):
        return Regime.EIR
    return Regime.FOIA


_HANDLED = (r"(?:logged|dealt with|handled|processed|considered|treated|answered|made|responded to)"
            r"\s(?:as an? \w+ )?under")
_HANDLED_UNDER_EIR = re.compile(
    rf"{_HANDLED} (?:the )?(?:environmental information regulations|eirs?\b)"
    r"|request (?:for|of) (?:information relating to the environment|environmental information)"
    r"|\b(?:regulations?|reg\.?) ?1[23]\(\d\)|\bregulation 13\b|\bsection 39\b"
    r"|\bregulation \d{1,2}(?:\(\d\))? of (?:the )?(?:environmental information regulations|eir)")
_HANDLED_UNDER_FOIA = re.compile(
    rf"{_HANDLED} (?:the |section 1 of the )?(?:freedom of information act|foia?\b)"
    r"|\b(?:sections?|s\.?) ?(?:1[24]|2[1-9]|3[0-8]|4[0-4])\(\d\)")
_BOTH_LAWS = re.compile(
    r"freedom of information act(?: 2000)?,? (?:and|or|/|&) (?:the )?environmental information regulations"
    r"|environmental information regulations(?: 2004)?,? (?:and|or|/|&) (?:the )?freedom of information act"
    r"|\bfoia?\s?(?:/|and|or|&)\s?eirs?\b|\beirs?\s?(?:/|and|or|&)\s?foia?\b")
_MENTIONS_EIR = re.compile(r"environmental information regulations|\beir\b|regulation 12\(|reg\.? 12\(")


_NAMES_FOISA = re.compile(r"(?i)freedom of information \(scotland\)|\bfoisa\b|\bfoi\(s\)a\b")
_NAMES_EIR = re.compile(r"(?i)environmental information regulations|\bthe eirs?\b|\beir request\b")
# Environmental information (EIR reg 2(1)): the state of the air, water, soil, land and living things, and what
# affects them (emissions, noise, waste, and the measures and plans about them).
_ENVIRONMENTAL = re.compile(
    r"(?i)\b(?:trees?|tree felling|woodlands?|hedgerows?|flood\w*|drainage|sewage|air quality|air pollution|"
    r"pollut\w*|emissions?|contaminat\w*|noise|odou?rs?|waste|recycl\w*|landfill|fly-?tipping|biodiversity|"
    r"habitats?|wildlife|pesticides?|herbicides?|glyphosate|climate (?:change|emergency)|asbestos|radiation|"
    r"water quality|soil|potholes?|highways? (?:maintenance|repairs?|works)|road (?:maintenance|repairs?|resurfacing|"
    r"works)|planning (?:applications?|permissions?|enforcement|consents?))\b")


def request_regime(text: str, questions: list[str], default: Regime) -> tuple[Regime, str]:
    """The regime a new request falls under, and why, when the request itself shows it.

    A request that names FOISA or the EIR says which law the requester invokes; environmental
    information falls under the EIR whatever the request names (reg 2(1)), so a FOIA request
    whose questions are mostly about trees, flooding or noise is handled under the EIR. The
    reason is '' when nothing in the request moved the regime from `default`.
    """
    if _NAMES_FOISA.search(text) and default is not Regime.FOISA:
        return Regime.FOISA, "the request is made under the Freedom of Information (Scotland) Act"
    environmental = [number for number, question in enumerate(questions, start=1) if _ENVIRONMENTAL.search(question)]
    if default is Regime.FOIA and (_NAMES_EIR.search(text) or (environmental and 2 * len(environmental) >=
                                                                 len(questions))):
        listed = ", ".join(f"Q{number}" for number in environmental)
        why = f"environmental information ({listed})" if environmental else "the request names the EIR"
        return Regime.EIR, f"handled under the EIR: {why}; questions that are not environmental stay under FOIA " \
                           "in substance, so check each one"
    if default is Regime.FOIA and environmental:
        listed = ", ".join(f"Q{number}" for number in environmental)
        return default, (f"{listed} {'asks' if len(environmental) == 1 else 'ask'} for environmental information: "
                         "that part falls under the EIR whatever the request names (reg 2(1)), with its own "
                         "exceptions and no fixed cost limit; answer it under the EIR")
    return default, ""


def find_reference(lines: list[str]) -> str:
    """The authority's reference for the request, if the document states one."""
    for line in lines[:60]:
        line = re.sub(r"(?i)\byour\s+ref(?:erence)?\b\S*\s*\S*", " ", line)
        match = _REFERENCE.search(line)
        if match and re.search(r"\d", match.group(1)):
            return match.group(1).rstrip(".-/")
    for line in lines[:5]:
        match = _TITLE_REFERENCE.search(line)
        if match:
            return match.group(1)
    return ""


_AUTHORITY = re.compile(
    r"\b((?:(?!(?:Does|Has|Have|Is|Did|Do|Can|Will|Would|The|Dear|To|From|Of)\b)[A-Z][a-z'-]+ ){1,3}"
    r"(?:Police|Constabulary|Borough Council|District Council|County Council|City Council|Council|"
    r"NHS (?:Foundation )?Trust|Fire and Rescue Service))\b"
)


def find_authority(lines: list[str]) -> str:
    """The authority that wrote the response, from its letterhead or sign-off."""
    for line in lines[:25] + lines[-15:]:
        match = _AUTHORITY.search(line)
        if match:
            return match.group(1)
    return ""


def find_date(lines: list[str]) -> str:
    """The response date as ISO, preferring a labelled date, else the first full date."""
    labelled = [line for line in lines[:40] if _DATE_LABEL.search(line)]
    for line in labelled + lines[:25]:
        found = _parse_date(line)
        if found:
            return found
    return ""


def _parse_date(text: str) -> str:
    candidates: list[tuple[int, date]] = []
    for match in _ISO_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(1), match.group(2), match.group(3))
    for match in _LONG_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(3), match.group(2), match.group(1))
    for match in _US_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(3), match.group(1), match.group(2))
    for match in _NUMERIC_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(3), match.group(2), match.group(1))
    return min(candidates)[1].isoformat() if candidates else ""


def _date_at(position: int, year: str, month: str, day: str) -> list[tuple[int, date]]:
    month_number: int | None = None
    if month.isdigit():
        month_number = int(month)
    else:
        for index, name in enumerate(_MONTHS.split("|"), start=1):
            if name.startswith(month.lower()[:3]):
                month_number = index
                break
    try:
        return [(position, datetime(int(year), month_number or 0, int(day)).date())]
    except ValueError:
        return []


