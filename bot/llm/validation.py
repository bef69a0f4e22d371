"""What a model's answer must satisfy before it can become a draft.

The model is treated as untrusted: a disposition label from foi-law.md, exemptions only
from the library under the case's regime, precedent ids only from those it was shown, no
requester personal data, and wording of a sane size. Anything else is an error that is sent
back once for repair, then the precedent drafter's draft is used instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.llm.privacy import personal_data_in
from bot.models import Requester
from knowledge.citations import normalise
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, Regime

MAX_WORDING = 8000
_NEEDS_EXEMPTION = {Disposition.NCND, Disposition.EXEMPT_WITHHELD}


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


def parse_answer(text: str) -> ModelAnswer:
    """The answer object in a model's reply (bare JSON or a fenced ```json block); ValueError if none."""
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
    try:
        return ModelAnswer.model_validate(data)
    except ValidationError as error:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in error.errors() if e["loc"]}))
        raise ValueError(f"the JSON object lacks or mistypes: {fields}") from None


def check_answer(text: str, frame: Frame) -> tuple[Checked | None, list[str]]:
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
        known = normalise(label, frame.regime)
        if known is None or frame.library.get(known, frame.regime) is None:
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
    if personal_data_in(f"{wording}\n{answer.rationale}", frame.requester):
        errors.append("the wording contains the requester's personal data; use the placeholders as given")
    if errors:
        return None, errors
    rationale = " ".join(answer.rationale.split())[:200]
    return Checked(disposition, tuple(exemptions), tuple(dict.fromkeys(answer.precedent_ids)), rationale,
                   wording), []
