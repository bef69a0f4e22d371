"""Personal data: finding who asked, and taking them (and anyone else named) out of text.

The one home for every redaction rule: incoming requests when a case is opened
(`find_requester`, `redact`), texts sent to a language model (`redact` with the case's
requester, then `personal_data_in` on what comes back), and published correspondence read
into the knowledge base (`redact_correspondence`: the greeting, the requester's sign-off,
titled names such as "Mr Smith", e-mail addresses and phone numbers in a past letter's body).
One titles list, one name-variant rule, one address rule.

Where the optional `uk-pii` extra (Microsoft Presidio's analyzer) is installed, NHS numbers,
National Insurance numbers and vehicle registrations are redacted too; Presidio is loaded only
for a text that holds something shaped like one of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

REQUESTER = "[requester]"
"""What the requester's name becomes."""
NAME = "[name]"
"""What another person's titled name in published correspondence becomes."""

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Rev", "Revd", "Cllr")
_TITLE = r"(?:" + "|".join(TITLES) + r")\.?"
_TITLE_WORD = re.compile(rf"^{_TITLE}$", re.IGNORECASE)

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w/])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w/])")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
SIGN_OFF = re.compile(
    # The lines people end a letter or email with; the name follows on the next line.
    r"^(?:yours (?:sincerely|faithfully|truly)|(?:kind(?:est)?|best|warm(?:est)?|with) regards|regards|"
    r"(?:many|with) thanks(?: and (?:kind |best )?regards)?(?: for your (?:help|time|assistance))?|"
    r"thanks(?: again| in advance)?|thank you(?: again| in advance)?(?: for your (?:help|time|assistance))?|"
    r"(?:with )?best wishes|all the best|best|cheers)[,.!]?\s*$",
    re.IGNORECASE,
)

# A name as people sign it: an optional title, then up to four words or initials ("J. Smith").
_WORD = r"[A-Z][a-zA-Z'’-]+"
_INITIAL = r"[A-Z]\.?"
_NAME = re.compile(rf"^(?:{_TITLE}\s+)?(?:(?:{_INITIAL}|{_WORD})\s+){{0,3}}{_WORD}$")
_MY_NAME = re.compile(r"\b(?i:my name is)\s+([A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]+){0,2})")
# "From: Jane Smith <jane@...>", Outlook's "From: Smith, Jane [mailto:...]" or a bare "From: Jane Smith".
_FROM_HEADER = re.compile(r"^From:[ \t]*\"?([^<\"\n\[]+?)\"?[ \t]*(?:<|\[mailto:|$)", re.MULTILINE | re.IGNORECASE)
_TITLED_NAME = re.compile(rf"\b{_TITLE}\s+(?:{_INITIAL}\s+)*{_WORD}(?:[ \t]+{_WORD})?\b")
# Ranks and offices people other than the requester are named by in requests ("PC Amy Jones",
# "Sergeant Patel", "Councillor Green"): the rank stays, the name goes.
RANKS = ("PCSO", "PC", "DC", "DS", "DI", "DCI", "DSU", "Sgt", "Sergeant", "Insp", "Inspector", "Chief Inspector",
         "Supt", "Superintendent", "Chief Constable", "Constable", "Detective Constable", "Detective Sergeant",
         "Detective Inspector", "Detective", "Officer", "Councillor", "Judge", "Nurse", "Lord", "Lady")
_RANKED_NAME = re.compile(
    r"\b((?:" + "|".join(sorted((*RANKS, *TITLES), key=len, reverse=True)) + r")\.?\s+)"
    rf"((?:{_INITIAL}\s?)?{_WORD}(?:\s+{_WORD}){{0,2}})"
)
_GREETING = re.compile(r"^(\s*Dear\s+)([^,\n]{2,60}?)(\s*[,:]?\s*)$", re.IGNORECASE | re.MULTILINE)
_GENERIC_ADDRESSEE = re.compile(
    r"^(?:sir|madam|sir or madam|sir/madam|sirs|all|requester|applicant|enquirer|colleague|"
    r"customer|\[requester\]|foi|foi team|freedom of information.*|information.*|team)$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"\b(?:council|police|constabulary|team|office|department|officer|authority|service|trust|"
    r"ministry|commissioner|foi|freedom|information|request|sent|from|iphone|android|outlook)\b",
    re.IGNORECASE,
)
_STREET = re.compile(
    r"^(?:(?:flat|apartment|unit)\s+\d+\w?,?\s+)?\d{1,4}[a-zA-Z]?,?\s+[A-Z][\w' -]+\b(?:street|st|road|rd|lane|"
    r"ln|avenue|ave|close|drive|dr|way|court|ct|crescent|place|terrace|gardens|grove|hill|row|square|walk|mews|"
    r"park)\b\.?,?.*$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(r"^(?:from|sent|to|cc|date|subject)\s*:", re.IGNORECASE)
_MAX_SIGNATURE_LINES = 6
_MIN_ADDRESS_PART = 5


@dataclass(frozen=True)
class Requester:
    """Personal data of the person who asked: kept with the case, never embedded or logged."""

    name: str = ""
    email: str = ""
    address: str = ""
    phone: str = ""

    def is_empty(self) -> bool:
        """True when nothing about the requester was found."""
        return not (self.name or self.email or self.address or self.phone)


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
    if match and not _NOT_A_NAME.search(match.group(1)) and not EMAIL.search(match.group(1)):
        name = _natural_order(match.group(1).strip())
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
        address=", ".join(address_lines(lines)),
        phone=phones[0].strip() if phones else "",
    )


def _natural_order(name: str) -> str:
    """Outlook's "Smith, Jane" as "Jane Smith"."""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name


def address_lines(lines: Sequence[str]) -> list[str]:
    """The address rule: a street line through to the postcode line, else a lone street line."""
    for index, line in enumerate(lines):
        if POSTCODE.search(line):
            start = index
            while start > 0 and index - start < 4 and _address_like(lines, start - 1):
                start -= 1
            if start > 0 and _STREET.match(lines[start - 1]):
                start -= 1
            return [ln for ln in lines[start : index + 1] if ln]
    return [line for line in lines if _STREET.match(line)][:1]


def _address_like(lines: Sequence[str], index: int) -> bool:
    """Whether a line above a postcode can still be part of the address block."""
    line = lines[index]
    if not line or len(line) >= 60 or SIGN_OFF.match(line) or EMAIL.search(line) or PHONE.search(line):
        return False
    # The line right under the sign-off is the requester's name, not their address.
    return not (index > 0 and SIGN_OFF.match(lines[index - 1]))


def _address_parts(address: str) -> list[str]:
    """The parts of an address that identify someone wherever they appear: those with a number.

    A house and street or a postcode does; a town name alone does not.
    """
    parts = (part.strip() for part in address.split(","))
    return sorted((p for p in parts if len(p) >= _MIN_ADDRESS_PART and re.search(r"\d", p)), key=len, reverse=True)


def name_variants(names: Sequence[str]) -> list[str]:
    """The name rule: each name whole, without its title, as first name, surname, and initial and surname.

    Longest first, so "Jane Smith" is replaced before "Smith".
    """
    variants: set[str] = set()
    for name in names:
        cleaned = " ".join(part for part in re.split(r"[\s_]+", name.strip()) if part)
        parts = [part for part in cleaned.split(" ") if not _TITLE_WORD.match(part)]
        variants.update({name.strip(), cleaned, " ".join(parts)})
        words = [part for part in parts if len(part.rstrip(".")) > 1]
        if len(parts) >= 2 and words:
            surname = parts[-1]
            variants.add(surname)
            if parts[0] != surname and len(parts[0].rstrip(".")) > 1:
                variants.add(parts[0])
            initial = parts[0][0]
            variants.update({f"{initial}. {surname}", f"{initial} {surname}", f"{initial}.{surname}"})
    return sorted((v for v in variants if len(v) >= 3), key=len, reverse=True)


def _replace_names(text: str, names: Sequence[str], placeholder: str = REQUESTER) -> str:
    """Every variant of these names replaced: whole names in any case, one word only as a name is written."""
    out = text
    for variant in name_variants(names):
        pattern = r"\s+".join(re.escape(part) for part in variant.split(" "))
        if " " in variant or "_" in variant or "." in variant:
            out = re.sub(rf"(?<!\w){pattern}(?!\w)", placeholder, out, flags=re.IGNORECASE)
        else:
            for form in {variant, variant.upper(), variant[:1].upper() + variant[1:]}:
                out = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", placeholder, out)
    return out


def redact(text: str, requester: Requester | None = None, only_requester: bool = False) -> Redacted:
    """Replace the requester's details (and any email, phone or postcode) with placeholders.

    With `only_requester`, other people's contact details stay (a caseworker's wording may
    rightly give the FOI team's own address); the requester's never do.
    """
    requester = requester or find_requester(text)
    out = text
    # Whole address lines only: a town name elsewhere in the request is not personal data.
    lines = [] if only_requester else address_lines([line.strip() for line in text.splitlines()])
    if requester.address and requester.address not in ", ".join(lines):
        lines.append(requester.address)
    for line in sorted(lines, key=len, reverse=True):
        if len(line) >= 6:
            out = out.replace(line, "[address]")
    # The address may be laid out differently here, or sit mid-sentence.
    for part in _address_parts(requester.address):
        out = re.sub(re.escape(part).replace(r"\ ", r"\s+"), "[address]", out, flags=re.IGNORECASE)
    if only_requester:
        for value, placeholder in ((requester.email, "[email]"), (requester.phone, "[phone]")):
            if value:
                out = out.replace(value, placeholder)
    else:
        out = _redact_contact_details(out)
        out = POSTCODE.sub("[postcode]", out)
    if requester.name:
        out = _replace_names(out, [requester.name])
    return Redacted(out, requester)


def redact_correspondence(text: str, names: Sequence[str] = (), written_by_requester: bool = False) -> str:
    """Published correspondence with the requester, and anyone else named, taken out.

    The requester's known names (WhatDoTheyKnow publishes them) go, and so does the name a
    letter greets ("Dear Mr Smith," names the requester: "Smith" then goes everywhere in the
    letter), any other titled name ("Mr Jones"), every e-mail address and phone number. In
    the requester's own messages the signature block under the sign-off goes too.
    """
    known = [name for name in names if name.strip()]
    out = _redact_contact_details(text)
    if written_by_requester:
        out = _redact_signature(_replace_names(out, known))
    else:
        greeted = [m.group(2).strip() for m in _GREETING.finditer(out) if _names_someone(m.group(2))]
        out = _GREETING.sub(lambda m: m.group(1) + REQUESTER + m.group(3) if _names_someone(m.group(2))
                            else m.group(0), out)
        # The greeted name without its title: "Mr Smith" elsewhere becomes "Mr [requester]".
        out = _replace_names(out, known + [" ".join(p for p in g.split() if not _TITLE_WORD.match(p))
                                           for g in greeted])
    return _TITLED_NAME.sub(NAME, out)


def redact_people(text: str) -> str:
    """Names of people introduced by a rank or title replaced with "[name]", and wherever else they appear."""
    found = {match.group(2) for match in _RANKED_NAME.finditer(text) if not _NOT_A_NAME.search(match.group(2))}
    out = _RANKED_NAME.sub(lambda m: m.group(1) + NAME if m.group(2) in found else m.group(0), text)
    return _replace_names(out, sorted(found), NAME) if found else out


def _names_someone(addressee: str) -> bool:
    return not (_GENERIC_ADDRESSEE.match(addressee.strip()) or "[" in addressee)


def _redact_contact_details(text: str) -> str:
    out = EMAIL.sub("[email]", text)
    out = PHONE.sub("[phone]", out)
    return redact_uk_identifiers(out)


def _redact_signature(text: str) -> str:
    """The lines under the sign-off of the requester's own message: name, job title, contact details."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if SIGN_OFF.match(line.strip()):
            taken = 0
            for follow in range(index + 1, min(index + 1 + _MAX_SIGNATURE_LINES, len(lines))):
                stripped = lines[follow].strip()
                if _HEADER_LINE.match(stripped):
                    break  # the quoted message below starts here
                if not stripped:
                    if taken:
                        break
                    continue
                if len(stripped) > 60:
                    break
                lines[follow] = REQUESTER if taken == 0 else ""
                taken += 1
    return "\n".join(lines)


def personal_data_in(text: str, requester: Requester) -> list[str]:
    """Which of the requester's details (name, email, phone, address) appear in the text."""
    found = []
    if requester.name and _replace_names(text, [requester.name]) != text:
        found.append("name")
    if requester.email and requester.email.lower() in text.lower():
        found.append("email")
    digits = re.sub(r"\D", "", requester.phone)
    if len(digits) >= 6 and re.search(r"[\s().+-]*".join(digits[-9:]), text):
        found.append("phone")
    if requester.address and any(part.lower() in text.lower() for part in _address_parts(requester.address)):
        found.append("address")
    return found


# --- UK identifiers through Presidio, where the uk-pii extra is installed ---------------------------

# Cheap shapes first: Presidio (and spaCy under it) is imported only for a text that holds one.
_UK_IDENTIFIER_SHAPE = re.compile(
    r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b|\b[A-Z]{2}\d{2}[ -]?[A-Z]{3}\b|\b[A-Z]\d{1,3}[ -]?[A-Z]{3}\b|"
    r"\b[A-Z]{3}[ -]?\d{1,3}[ -]?[A-Z]\b|\b[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]\b"
)
_VEHICLE_CONTEXT = re.compile(r"(?i)\b(?:vehicle|registration|reg|plate|car|van|dvla|vrm|vrn|mot)\b")
_PLACEHOLDERS = {"UK_NHS": "[nhs number]", "UK_NINO": "[ni number]", "UK_VEHICLE_REGISTRATION": "[vehicle]"}


@functools.cache
def _uk_recognizers() -> tuple[Any, ...]:
    try:
        from presidio_analyzer.predefined_recognizers import (
            NhsRecognizer,
            UkNinoRecognizer,
            UkVehicleRegistrationRecognizer,
        )
    except ImportError:
        return ()
    return NhsRecognizer(), UkNinoRecognizer(), UkVehicleRegistrationRecognizer()


def uk_identifiers_available() -> bool:
    """Whether the uk-pii extra (Presidio) is installed, so NHS numbers and vehicle registrations are found."""
    return bool(_uk_recognizers())


def redact_uk_identifiers(text: str) -> str:
    """NHS and National Insurance numbers and vehicle registrations replaced, where Presidio is installed."""
    if not _UK_IDENTIFIER_SHAPE.search(text):
        return text
    spans: list[tuple[int, int, str]] = []
    for recognizer in _uk_recognizers():
        for result in recognizer.analyze(text, entities=recognizer.supported_entities, nlp_artifacts=None):
            found = text[result.start : result.end]
            if result.entity_type == "UK_VEHICLE_REGISTRATION" and not _plausible_registration(text, result.start,
                                                                                                found):
                continue
            if result.score >= 0.5 or result.entity_type == "UK_VEHICLE_REGISTRATION":
                spans.append((result.start, result.end, _PLACEHOLDERS.get(result.entity_type, "[identifier]")))
    out = text
    end_of_last = len(text) + 1
    for start, end, placeholder in sorted(spans, reverse=True):
        if end <= end_of_last:
            out = out[:start] + placeholder + out[end:]
            end_of_last = start
    return out


def _plausible_registration(text: str, start: int, found: str) -> bool:
    """Presidio matches plates case-insensitively ("s43 the" is a prefix plate): keep real-looking ones.

    A current-format plate (AB51 ABC) in capitals stands alone; the older formats need a word
    such as "vehicle" or "registration" near them.
    """
    if found != found.upper():
        return False
    if re.fullmatch(r"[A-Z]{2}\d{2}[ -]?[A-Z]{3}", found):
        return True
    return bool(_VEHICLE_CONTEXT.search(text[max(0, start - 60) : start + len(found) + 20]))
