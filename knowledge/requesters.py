"""Requesters' names and addresses taken out of published correspondence before it is stored.

WhatDoTheyKnow publishes who asked (`user.name`, `user_url_name`) and the messages carry the
name again: the authority's "Dear X," and the requester's own sign-off. The knowledge base
keeps what was asked and answered, never who asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

REQUESTER = "[requester]"
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_TITLES = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?$", re.IGNORECASE)
_GREETING = re.compile(r"^(\s*Dear\s+)([^,\n]{2,60}?)(\s*[,:]?\s*)$", re.IGNORECASE | re.MULTILINE)
_GENERIC_ADDRESSEE = re.compile(
    r"^(?:sir|madam|sir or madam|sir/madam|sirs|all|requester|applicant|enquirer|colleague|"
    r"customer|\[requester\]|foi|foi team|freedom of information.*|information.*|team)$",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    # The lines people end a letter or email with; the name follows on the next line.
    r"^(?:yours (?:sincerely|faithfully|truly)|kind regards|best regards|warm regards|regards|"
    r"many thanks|thanks(?: in advance)?|thank you(?: in advance)?(?: for your (?:help|time|assistance))?|"
    r"best wishes|best|cheers)[,.!]?\s*$",
    re.IGNORECASE,
)


def name_variants(names: Sequence[str]) -> list[str]:
    """The forms a name is written in: whole, without a title, surname alone; longest first."""
    variants: set[str] = set()
    for name in names:
        cleaned = " ".join(re.split(r"[\s_]+", name.strip()))
        parts = [part for part in cleaned.split(" ") if part and not _TITLES.match(part)]
        variants.update({cleaned, " ".join(parts)})
        if len(parts) >= 2:
            variants.update({parts[0], parts[-1]})
    return sorted((v for v in variants if len(v) >= 3), key=len, reverse=True)


def redact_requester(text: str, names: Sequence[str] = (), written_by_requester: bool = False) -> str:
    """The text with the requester's names and any email address replaced by placeholders.

    In messages to the requester the addressee of "Dear ..." is redacted whatever it is;
    in the requester's own messages, the name lines under the sign-off are.
    """
    out = EMAIL.sub("[email]", text)
    for variant in name_variants(names):
        out = re.sub(rf"(?<![\w]){re.escape(variant)}(?![\w])", REQUESTER, out, flags=re.IGNORECASE)
    if written_by_requester:
        return _redact_signature(out)
    return _GREETING.sub(
        lambda m: m.group(0) if _GENERIC_ADDRESSEE.match(m.group(2).strip()) else m.group(1) + REQUESTER + m.group(3),
        out,
    )


def _redact_signature(text: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if SIGN_OFF.match(line.strip()):
            for follow in range(index + 1, min(index + 3, len(lines))):
                if lines[follow].strip() and len(lines[follow].strip()) <= 60:
                    lines[follow] = REQUESTER
    return "\n".join(lines)
