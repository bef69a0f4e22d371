"""The requester's own personal data: the one rule for when a question asks for it.

A request for one's own personal data is a subject access request under the UK GDPR, exempt from
FOI (FOIA s40(1), FOISA s38(1)(a), EIR reg 5(3)). The cue that warns the caseworker and the drafter
that reads a past answer's limbs both ask `own_data_asked` whether a question is such a request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.models import Regime

OWN_DATA_SECTION = {Regime.FOIA: "s40(1)", Regime.EIR: "reg 5(3)", Regime.FOISA: "s38(1)(a)"}
# Each own-data limb's counterpart for other people's personal data.
_OTHERS_LIMB = {"s40(1)": "s40(2)", "s38(1)(a)": "s38(1)(b)", "reg 5(3)": "reg 13"}
_OWN_DATA = re.compile(
    r"\bmy (?:own )?(?:personal (?:data|information|details)|(?:case )?files?|records?)\b|"
    r"\bmy (?:own )?(?:999 |101 )?(?:calls?|call recordings?|recordings?|statements?|interviews?|complaints? file)\b|"
    r"\b(?:notes?|records?|recordings?|reports?|statements?|correspondence|emails?|information|data|documents?)\b"
    r"[^.?]{0,40}\b(?:about|on|concerning|regarding|mentioning|naming|referring to|relating to) me\b|"
    r"\b(?:information|data|records?) (?:that )?(?:you hold|is held|are held|held) (?:about|on) me\b|"
    r"\bmy (?:own )?subject access\b", re.IGNORECASE)


def own_data_asked(question: str) -> list[str]:
    """The words by which the question asks for the requester's own personal data ([] when it does not)."""
    return list(dict.fromkeys(" ".join(m.group(0).split()) for m in _OWN_DATA.finditer(question)))


def others_limbs(labels: Sequence[str], question: str) -> list[str]:
    """A past answer's labels for this question: the own-data limb only where it asks for the requester's own
    data, else the other-people limb (a past answer about someone's own records lends s40(2), not s40(1))."""
    if own_data_asked(question):
        return list(labels)
    return list(dict.fromkeys(_OTHERS_LIMB.get(label, label) for label in labels))
