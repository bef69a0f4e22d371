"""What a model's answer must satisfy before it can become a draft.

The model is treated as untrusted: a disposition label from foi-law.md, exemptions only
from the library under the case's regime, precedent ids only from those it was shown, no
section named in the wording that the draft does not rely on (or that does not exist), no
requester personal data, and wording of a sane size. Anything else is an error that is sent
back once for repair, then the precedent drafter's draft is used instead.

`answer_schema` is the same contract as a JSON schema, for structured output: servers that
enforce it (vLLM, llama.cpp, hosted providers) keep the model inside the enums, but nothing
here trusts that they did.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.llm.privacy import personal_data_in
from bot.models import Requester
from knowledge.citations import named_sections, normalise, section_key
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, Regime

MAX_WORDING = 8000
SCHEMA_NAME = "foi_draft"
_NEEDS_EXEMPTION = {Disposition.NCND, Disposition.EXEMPT_WITHHELD}

# Sections wording may name without relying on them: the duties, advice, refusal and not-held
# notices, time limits, publication schemes and complaint rights (FOIA and FOISA), and for the EIR the
# regulations on duties, advice, time, review and refusal, plus FOIA s39, which routes
# environmental information to the EIR. Every other section named must be one the draft relies on.
_PROCEDURAL_SECTIONS = {
    Regime.FOIA: {"s1", "s2", "s8", "s10", "s11", "s16", "s17", "s19", "s45", "s50", "s77", "s84"},
    Regime.FOISA: {"s1", "s2", "s10", "s11", "s15", "s16", "s17", "s19", "s20", "s21", "s23", "s47", "s60", "s65"},
    Regime.EIR: {"s39"},
}
_EIR_PROCEDURAL_REGULATIONS = {"reg 2", "reg 3", "reg 5", "reg 6", "reg 7", "reg 9", "reg 11", "reg 14", "reg 18"}
# Sections a disposition itself invokes, so its wording may name them with no exemption listed.
_IMPLIED = {
    Regime.FOIA: {Disposition.S12_COST: {"s12"}, Disposition.S14_VEXATIOUS_OR_REPEATED: {"s14"},
                  Disposition.S21_ACCESSIBLE: {"s21"}},
    Regime.FOISA: {Disposition.S12_COST: {"s12"}, Disposition.S14_VEXATIOUS_OR_REPEATED: {"s14"},
                   Disposition.S21_ACCESSIBLE: {"s25"}, Disposition.NOT_HELD: {"s17"}, Disposition.NCND: {"s18"}},
    Regime.EIR: {Disposition.S12_COST: {"reg 12(4)(b)"}, Disposition.S14_VEXATIOUS_OR_REPEATED: {"reg 12(4)(b)"},
                 Disposition.NOT_HELD: {"reg 12(4)(a)"}},
}


class ModelAnswer(BaseModel):
    """The structured output asked of the model for one question."""

    model_config = ConfigDict(extra="ignore")

    disposition: str
    exemptions: list[str] = []
    precedent_ids: list[str] = []
    rationale: str = ""
    wording: str


@dataclass(frozen=True)
class Checked:
    """A validated answer, with its labels normalised."""

    disposition: Disposition
    exemptions: tuple[str, ...]
    precedent_ids: tuple[str, ...]
    rationale: str
    wording: str


@dataclass(frozen=True)
class Frame:
    """What an answer is checked against: the regime, the library, the precedents shown and the requester."""

    regime: Regime
    library: ExemptionLibrary
    precedent_ids: Collection[str]
    requester: Requester


def answer_schema(frame: Frame, cited: Sequence[str] = (),
                  dispositions: Sequence[Disposition] = tuple(Disposition)) -> dict[str, Any]:
    """The answer as a JSON schema: dispositions, the regime's exemptions and the precedent ids shown as enums.

    `cited` adds the labels the precedents and the precedent draft use, where the library knows them.
    """
    ids = sorted(frame.precedent_ids)
    # With no precedent shown any id is wrong; the check says so (length limits are not portable schema).
    precedent_items: dict[str, Any] = {"type": "string", "enum": ids} if ids else {"type": "string"}
    return {
        "title": SCHEMA_NAME,
        "description": "The draft answer to one Freedom of Information question.",
        "type": "object",
        "properties": {
            "disposition": {"type": "string", "enum": [d.value for d in dispositions],
                            "description": "One disposition label."},
            "exemptions": {"type": "array", "items": {"type": "string", "enum": exemption_labels(frame, cited)},
                           "description": "The exemptions relied on, as allowed under the regime."},
            "precedent_ids": {"type": "array", "items": precedent_items,
                              "description": "Ids of the precedents shown that the answer rests on."},
            "rationale": {"type": "string", "description": "One line: why this disposition."},
            "wording": {"type": "string", "description": "The answer to the requester."},
        },
        # Every key required and no others: what OpenAI's strict mode needs, and what we check anyway.
        "required": ["disposition", "exemptions", "precedent_ids", "rationale", "wording"],
        "additionalProperties": False,
    }


def exemption_labels(frame: Frame, cited: Sequence[str] = ()) -> list[str]:
    """The labels a model may cite: each of the regime's sections and NCND provisions, and the limbs cited."""
    labels: list[str] = []
    # Every limb of every section would double the schema (each enum value costs the client and the
    # server's grammar); the limbs the precedents cite are added, and the check accepts any limb.
    for card in frame.library.cards:
        if card.regime is frame.regime:
            labels += [section_key(card.section), card.section, *([card.ncnd] if card.ncnd else [])]
    labels += cited
    # Only what the check accepts, as it writes it (reg 12(6) is the framework of an NCND, not a label).
    return list(dict.fromkeys(known for label in labels if (known := library_label(frame.library, label,
                                                                                   frame.regime))))


@lru_cache(maxsize=4096)
def library_label(library: ExemptionLibrary, label: str, regime: Regime) -> str | None:
    """`label` normalised when the regime's library has a card for it, else None (the same few labels recur)."""
    known = normalise(label, regime)
    return known if known is not None and library.get(known, regime) is not None else None


def parse_answer(text: str | Mapping[str, Any]) -> ModelAnswer:
    """The answer object in a model's reply (bare JSON, a ```json block, or tool arguments); ValueError if none."""
    if isinstance(text, Mapping):
        return _validated(dict(text))
    # Strict on purpose: a lenient parser would accept a reply cut off mid-wording.
    body = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", body, re.DOTALL)
    if fenced:
        body = fenced.group(1)
    start, end = body.find("{"), body.rfind("}")
    try:
        data = json.loads(body[start : end + 1]) if 0 <= start < end else None
    except ValueError:
        data = None
    if data is None:
        raise ValueError("the reply is not the JSON object asked for")
    if not isinstance(data, dict):
        raise ValueError("the reply is JSON but not an object")
    return _validated(data)


def _validated(data: dict[str, Any]) -> ModelAnswer:
    try:
        return ModelAnswer.model_validate(data)
    except ValidationError as error:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in error.errors() if e["loc"]}))
        raise ValueError(f"the JSON object lacks or mistypes: {fields}") from None


def check_answer(text: str | Mapping[str, Any], frame: Frame) -> tuple[Checked | None, list[str]]:
    """The validated answer, or None and every reason it was rejected."""
    try:
        answer = parse_answer(text)
    except ValueError as error:
        return None, [str(error)]
    errors: list[str] = []
    try:
        disposition = Disposition(answer.disposition.strip().lower())
    except ValueError:
        disposition = Disposition.OTHER
        labels = ", ".join(d.value for d in Disposition)
        errors.append(f"disposition {answer.disposition[:40]!r} is not one of {labels}")
    exemptions: list[str] = []
    for label in answer.exemptions:
        known = library_label(frame.library, label, frame.regime)
        if known is None:
            errors.append(f"exemption {label[:40]!r} is not in the {frame.regime.value.upper()} library")
        elif known not in exemptions:
            exemptions.append(known)
    if disposition in _NEEDS_EXEMPTION and not exemptions and not errors:
        errors.append(f"disposition {disposition.value} needs the exemption relied on")
    unknown = [pid for pid in answer.precedent_ids if pid not in frame.precedent_ids]
    if unknown:
        errors.append(f"precedent id(s) {', '.join(repr(p[:40]) for p in unknown[:3])} were not among those given")
    wording = answer.wording.strip()
    if not wording:
        errors.append("the wording is empty")
    elif len(wording) > MAX_WORDING:
        errors.append(f"the wording is {len(wording):,} characters; the limit is {MAX_WORDING:,}")
    errors += cited_section_errors(wording, disposition, exemptions, frame)
    if personal_data_in(f"{wording}\n{answer.rationale}", frame.requester):
        errors.append("the wording contains the requester's personal data; use the placeholders as given")
    if errors:
        return None, errors
    rationale = " ".join(answer.rationale.split())[:200]
    return Checked(disposition, tuple(exemptions), tuple(dict.fromkeys(answer.precedent_ids)), rationale,
                   wording), []


def cited_section_errors(wording: str, disposition: Disposition, exemptions: Sequence[str],
                         frame: Frame) -> list[str]:
    """Why sections named in the wording cannot stand: not in the library, or not relied on by the draft."""
    own = {section_key(label) for label in exemptions}
    own |= {section_key(label) for label in _IMPLIED[frame.regime].get(disposition, ())}
    errors = []
    for label in named_sections(wording):
        if section_key(label) in own or _procedural(label, frame.regime):
            continue
        named = _describe(label)
        if library_label(frame.library, label, frame.regime) is not None:
            errors.append(f"the wording cites {named}, which the draft does not rely on: list it in exemptions "
                          "or take it out")
        else:
            errors.append(f"the wording cites {named}, which is not in the {frame.regime.value.upper()} library")
    return errors


def _procedural(label: str, regime: Regime) -> bool:
    """A section wording may name as procedure (advice, refusal notices, complaints), not as an exemption."""
    if label.startswith("reg"):
        exception = re.match(r"reg (?:12\((?:4|5)\)|13)", label) is not None
        if regime is not Regime.EIR:
            # In a FOIA or FOISA case a regulation is the fees regulations', unless it is an EIR exception.
            return not exception
        # reg 12(1), 12(2), 12(6) and the like are the exceptions' framework, not an exception.
        number = label[4:].split("(")[0]
        return not exception and (number == "12" or f"reg {number}" in _EIR_PROCEDURAL_REGULATIONS)
    return section_key(label) in _PROCEDURAL_SECTIONS[regime]


def _describe(label: str) -> str:
    return f"regulation {label[4:]}" if label.startswith("reg") else f"section {label[1:]}"
