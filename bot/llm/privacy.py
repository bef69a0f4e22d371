"""Keeping the requester's personal data away from language models.

Every text sent to a model passes through `for_model`: the same redaction the request gets
when a case is opened, so names, emails, phones and addresses become placeholders such as
`[requester]` and `[email]`. Drafts are shared in Slack and letters carry the placeholder
"[requester name]" (bot/letter.py), so no draft needs the values back: placeholders the
model writes stay placeholders, and `personal_data_in` rejects wording that holds a value.
"""

from __future__ import annotations

import re

from bot.models import Requester
from bot.redaction import redact

_TITLES = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?", re.IGNORECASE)


def for_model(text: str, requester: Requester | None) -> str:
    """Text with the requester's details (and any email, phone or postcode) replaced by placeholders."""
    requester = requester or Requester()
    out = redact(text, requester).text
    # redact() takes whole address lines; elsewhere (a precedent, an instruction) the street can sit
    # mid-sentence. Parts with a number are the street and postcode; a bare town is not personal data.
    for part in requester.address.split(","):
        part = part.strip()
        if len(part) >= 6 and re.search(r"\d", part):
            out = re.sub(re.escape(part), "[address]", out, flags=re.IGNORECASE)
    return out


def personal_data_in(text: str, requester: Requester) -> list[str]:
    """Which of the requester's details (name, email, phone, address) appear in the text."""
    found = []
    lowered = text.lower()
    if requester.name and any(re.search(rf"\b{re.escape(v)}\b", lowered) for v in _name_variants(requester.name)):
        found.append("name")
    if requester.email and requester.email.lower() in lowered:
        found.append("email")
    digits = re.sub(r"\D", "", requester.phone)
    if len(digits) >= 6 and re.search(r"[\s().+-]*".join(digits[-9:]), text):
        found.append("phone")
    if requester.address and any(len(part.strip()) >= 6 and part.strip().lower() in lowered
                                 for part in requester.address.split(",")):
        found.append("address")
    return found


def _name_variants(name: str) -> list[str]:
    parts = [p for p in name.lower().split() if not _TITLES.fullmatch(p)]
    variants = {name.lower(), " ".join(parts)}
    if len(parts) >= 2:
        variants.add(parts[-1])  # the surname on its own ("Dear Ms Okafor")
    return [v for v in variants if len(v) >= 3]
