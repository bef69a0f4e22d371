"""Finding the requester's personal data in a request and redacting it.

Names, email addresses, phone numbers and postal addresses go into the case's requester
record; everything embedded, stored as text, sent to a model or logged is redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import Requester
from knowledge.requesters import EMAIL, SIGN_OFF, name_variants

PHONE = re.compile(r"(?<![\w/])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w/])")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_NAME = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+)?[A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]*\.?){0,3}$")
_MY_NAME = re.compile(r"\b(?i:my name is)\s+([A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]+){0,2})")
_FROM_HEADER = re.compile(r"^From:\s*\"?([^<\"\n]+?)\"?\s*<", re.MULTILINE)
_STREET = re.compile(
    r"^\d{1,4}[a-zA-Z]?,?\s+[A-Z][\w' -]+\b(?:street|st|road|rd|lane|ln|avenue|ave|close|drive|dr|way|"
    r"court|ct|crescent|place|terrace|gardens|grove|hill|row|square|walk|mews|park)\b\.?,?.*$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"\b(?:council|police|constabulary|team|office|department|officer|authority|service|trust|"
    r"ministry|commissioner|foi|freedom|information|request|sent|from|iphone|android)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Redacted:
    """A request with the requester's details taken out, and those details."""

    text: str
    requester: Requester


def find_requester(text: str) -> Requester:
    """The requester's name, email, postal address and phone number, as far as the text shows."""
    lines = [line.strip() for line in text.splitlines()]
    name = ""
    match = _FROM_HEADER.search(text)
    if match and not _NOT_A_NAME.search(match.group(1)):
        name = match.group(1).strip()
    for index, line in enumerate(lines):
        if SIGN_OFF.match(line):
            following = [ln for ln in lines[index + 1 : index + 4] if ln]
            if following and _NAME.match(following[0]) and not _NOT_A_NAME.search(following[0]):
                name = following[0]
            break
    if not name:
        found = _MY_NAME.search(text)
        if found:
            name = found.group(1)
    emails = EMAIL.findall(text)
    phones = PHONE.findall(text)
    return Requester(
        name=name,
        email=emails[0] if emails else "",
        address=", ".join(_address_lines(lines)),
        phone=phones[0].strip() if phones else "",
    )


def _address_lines(lines: list[str]) -> list[str]:
    """Address lines: a street line through to the postcode line, if a postcode is present."""
    for index, line in enumerate(lines):
        if POSTCODE.search(line):
            start = index
            while start > 0 and index - start < 4 and _address_like(lines, start - 1):
                start -= 1
            if start > 0 and _STREET.match(lines[start - 1]):
                start -= 1
            return [ln for ln in lines[start : index + 1] if ln]
    return [line for line in lines if _STREET.match(line)][:1]


def _address_like(lines: list[str], index: int) -> bool:
    """Whether a line above a postcode can still be part of the address block."""
    line = lines[index]
    if not line or len(line) >= 60 or SIGN_OFF.match(line) or EMAIL.search(line) or PHONE.search(line):
        return False
    # The line right under the sign-off is the requester's name, not their address.
    return not (index > 0 and SIGN_OFF.match(lines[index - 1]))


def redact(text: str, requester: Requester | None = None, only_requester: bool = False) -> Redacted:
    """Replace the requester's details (and any email, phone or postcode) with placeholders.

    With `only_requester`, other people's contact details stay (a caseworker's wording may
    rightly give the FOI team's own address); the requester's never do.
    """
    requester = requester or find_requester(text)
    out = text
    # Whole address lines only: a town name elsewhere in the request is not personal data.
    address_lines = [] if only_requester else _address_lines([line.strip() for line in text.splitlines()])
    if requester.address and requester.address not in ", ".join(address_lines):
        address_lines.append(requester.address)
    for line in sorted(address_lines, key=len, reverse=True):
        if len(line) >= 6:
            out = out.replace(line, "[address]")
    if only_requester:
        for value, placeholder in ((requester.email, "[email]"), (requester.phone, "[phone]")):
            if value:
                out = out.replace(value, placeholder)
    else:
        out = EMAIL.sub("[email]", out)
        out = PHONE.sub("[phone]", out)
        out = POSTCODE.sub("[postcode]", out)
    if only_requester and requester.address:
        # The address may be laid out differently here: its numbered parts (house and street,
        # postcode) identify the requester; a town name alone does not.
        for part in sorted((p.strip() for p in requester.address.split(",")), key=len, reverse=True):
            if len(part) >= 5 and re.search(r"\d", part):
                out = re.sub(re.escape(part).replace(r"\ ", r"\s+"), "[address]", out, flags=re.IGNORECASE)
    if requester.name:
        for variant in _name_variants(requester.name):
            # Whole names match in any case ("JANE SMITH"); a surname alone only as written.
            flags = re.IGNORECASE if " " in variant else 0
            out = re.sub(rf"\b{re.escape(variant)}\b", "[requester]", out, flags=flags)
    return Redacted(out, requester)


def _name_variants(name: str) -> list[str]:
    parts = [p for p in re.split(r"\s+", name) if p]
    bare = [p for p in parts if not re.fullmatch(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?", p)]
    variants = [name, " ".join(bare)]
    if len(bare) >= 2:
        variants.append(bare[-1])  # the surname on its own ("Dear Ms Okafor")
    return sorted({v for v in variants if len(v) >= 3}, key=len, reverse=True)


PERSON = "[name]"
# A rank or title, then a capitalised name: how people other than the requester appear in requests
# ("PC Amy Jones", "Sergeant Patel", "Councillor Green"). The rank stays; the name goes.
_TITLED_NAME = re.compile(
    r"\b((?:PCSO|PC|DC|DS|DI|DCI|DSU|Sgt|Sergeant|Insp|Inspector|Chief Inspector|Supt|Superintendent|"
    r"Chief Constable|Constable|Detective(?: Constable| Sergeant| Inspector)?|Officer|Cllr|Councillor|"
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Judge|Nurse|Dame)\.?\s+)"
    r"((?:[A-Z]\.\s?)?[A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]+){0,2})"
)


def redact_people(text: str) -> str:
    """Names of people introduced by a rank or title replaced with "[name]", wherever else they appear too."""
    found = {match.group(2) for match in _TITLED_NAME.finditer(text)}
    out = _TITLED_NAME.sub(lambda match: match.group(1) + PERSON, text)
    for variant in name_variants(sorted(found)):
        out = re.sub(rf"(?<![\w\[]){re.escape(variant)}(?![\w\]])", PERSON, out)
    return out
