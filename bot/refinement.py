"""Refining drafts with short instructions, no language model needed.

    Q5: ncnd s24(2) s31(3)      Q2 not held            Q3 add s16 advice
    Q4 use alternative 2         Q3: <new wording>      undo Q3
    Q2 add s40(2)                Q2 remove s31          accept Q1

Each change is a new version of that question's draft, with its author and time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.citations import find_citations, section_key
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, Regime

HELP = (
    "I understand: `Q5: ncnd s24(2) s31(3)` · `Q2 not held` · `Q1 disclosed` · `Q3 exempt s43(2)` · "
    "`Q4 partially disclosed s40(2)` · `Q6 cost` · `Q6 s21` · `Q7 vexatious` · `Q2 add s40(2)` · "
    "`Q2 remove s31` · `Q3 add s16 advice` · `Q3 advice: <text>` · `Q3 remove advice` · "
    "`Q4 use alternative 2` · `Q3: <new wording>` · `undo Q3` · `accept Q3`"
)

_DISPOSITION_WORDS: tuple[tuple[re.Pattern[str], Disposition], ...] = (
    (re.compile(r"^(?:ncnd|neither confirm(?:s|ing)? nor deny)\b", re.I), Disposition.NCND),
    (re.compile(r"^(?:not held|nh|information not held)\b", re.I), Disposition.NOT_HELD),
    (re.compile(r"^(?:partially disclosed|partial(?:ly)?|part(?:ly)? disclosed|part release)\b", re.I),
     Disposition.PARTIALLY_DISCLOSED),
    (re.compile(r"^(?:disclosed?|release|released|full(?:y disclosed)?|answer)\b", re.I), Disposition.DISCLOSED),
    (re.compile(r"^(?:exempt(?:ion)?|withh(?:e|o)ld|refused?)\b", re.I), Disposition.EXEMPT_WITHHELD),
    (re.compile(r"^(?:cost(?: limit)?|over (?:the )?cost(?: limit)?|s\.?\s?12|section 12)\b", re.I),
     Disposition.S12_COST),
    (re.compile(r"^(?:accessible|published|s\.?\s?21|section 21|s\.?\s?25|section 25)\b", re.I),
     Disposition.S21_ACCESSIBLE),
    (re.compile(r"^(?:vexatious|repeat(?:ed)?|s\.?\s?14|section 14)\b", re.I), Disposition.S14_VEXATIOUS_OR_REPEATED),
    (re.compile(r"^(?:other|clarification|sar|subject access)\b", re.I), Disposition.OTHER),
)
_QUESTION = re.compile(r"^\s*(?:q(?:uestion)?\s*)(\d{1,2})\b\s*[:.,-]?\s*(.*)$", re.I | re.S)
_UNDO = re.compile(
    r"^\s*(?:undo|revert)\s+q(?:uestion)?\s*(\d{1,2})\s*$|^\s*q(?:uestion)?\s*(\d{1,2})\s+(?:undo|revert)\s*$", re.I
)
_ACCEPT = re.compile(
    r"^\s*(?:accept|approve)\s+q(?:uestion)?\s*(\d{1,2})\s*$|^\s*q(?:uestion)?\s*(\d{1,2})\s+accept(?:ed)?\s*$", re.I
)
_ADD_ADVICE = re.compile(
    r"^(?:add\s+)?(?:s\.?\s?16\s+|s\.?\s?15\s+|reg(?:ulation)?\s?9\s+)?advice(?: and assistance)?$"
    r"|^add\s+(?:s\.?\s?16|s\.?\s?15|reg(?:ulation)?\s?9)(?:\s+advice)?$"
)


class RefinementError(Exception):
    """An instruction that cannot be carried out; the message says why and what is understood."""


@dataclass(frozen=True)
class Edit:
    """One requested change to one question's draft."""

    question: int
    kind: str
    """disposition, add_exemptions, remove_exemptions, add_advice, set_advice, remove_advice,
    alternative, wording, undo or accept."""
    disposition: Disposition | None = None
    exemptions: tuple[str, ...] = ()
    text: str = ""
    number: int = 0


def parse_instruction(instruction: str, regime: Regime, library: ExemptionLibrary) -> list[Edit]:
    """The edits an instruction asks for, or RefinementError with what is understood."""
    edits: list[Edit] = []
    for line in [part.strip() for part in re.split(r"\n|;", instruction) if part.strip()]:
        edits += _parse_line(line, regime, library)
    if not edits:
        raise RefinementError(f"I did not understand that. {HELP}")
    return edits


def _parse_line(line: str, regime: Regime, library: ExemptionLibrary) -> list[Edit]:
    undo = _UNDO.match(line)
    if undo:
        return [Edit(int(undo.group(1) or undo.group(2)), "undo")]
    accept = _ACCEPT.match(line)
    if accept:
        return [Edit(int(accept.group(1) or accept.group(2)), "accept")]
    match = _QUESTION.match(line)
    if not match:
        raise RefinementError(f"I did not understand {line[:60]!r}. {HELP}")
    number, rest = int(match.group(1)), match.group(2).strip()
    colon = re.match(r"^\s*q(?:uestion)?\s*\d{1,2}\s*:", line, re.I) is not None
    if not rest:
        raise RefinementError(f"What should change in Q{number}? {HELP}")
    # Commas separate clauses ("Q2 not held, add s16 advice") but not a list of sections.
    clauses = [c.strip() for c in re.split(
        r",(?!\s*(?:and\s+)?(?:s\.?\s?\d|sections?\s|reg(?:ulation)?\.?\s?\d))\s*|\s+and\s+(?=(?:add|remove|drop|use|undo)\b)",
        rest) if c.strip()]
    edits: list[Edit] = []
    for clause in clauses:
        edit = _parse_clause(number, clause, regime, library)
        if edit is None:
            if colon and not edits:
                return [Edit(number, "wording", text=rest)]  # "Q3: <new wording>"
            raise RefinementError(f"I did not understand {clause[:60]!r} for Q{number}. {HELP}")
        edits.append(edit)
    return edits


def _parse_clause(number: int, clause: str, regime: Regime, library: ExemptionLibrary) -> Edit | None:
    lowered = clause.lower()
    advice = re.match(r"^advice\s*:\s*(.+)$", clause, re.I | re.S)
    if advice:
        return Edit(number, "set_advice", text=advice.group(1).strip())
    if _ADD_ADVICE.match(lowered):
        return Edit(number, "add_advice")
    if re.match(r"^(?:remove|drop|delete)\s+(?:the\s+)?advice$", lowered):
        return Edit(number, "remove_advice")
    alternative = re.match(r"^(?:use\s+)?alt(?:ernative)?\s*#?(\d{1,2})$", lowered)
    if alternative:
        return Edit(number, "alternative", number=int(alternative.group(1)))
    change = re.match(r"^(add|remove|drop|delete)\s+(.+)$", clause, re.I)
    if change:
        labels = _exemptions(change.group(2), regime, library)
        if not labels:
            return None
        kind = "add_exemptions" if change.group(1).lower() == "add" else "remove_exemptions"
        return Edit(number, kind, exemptions=labels)
    for pattern, disposition in _DISPOSITION_WORDS:
        found = pattern.match(clause)
        if found:
            labels = _exemptions(clause, regime, library)
            return Edit(number, "disposition", disposition=disposition, exemptions=labels)
    return None


def _exemptions(text: str, regime: Regime, library: ExemptionLibrary) -> tuple[str, ...]:
    cited = find_citations(re.sub(r"(?i)\b(?:under|and|&)\b", " , ", text), regime)
    for label in cited:
        if library.get(label, regime) is None:
            raise RefinementError(f"{label} is not an exemption under {regime.value.upper()} in the library")
    if not cited and re.search(r"\b(?:s|section|reg(?:ulation)?)\.?\s?\d", text, re.I):
        unknown = re.search(r"\b(?:s|section|reg(?:ulation)?)\.?\s?\d[\w()]*", text, re.I)
        raise RefinementError(f"{unknown.group(0) if unknown else text!r} is not an exemption I know "
                              f"under {regime.value.upper()}")
    return tuple(cited)


def describe(edit: Edit) -> str:
    """A short account of an edit, for the version note and the reply in Slack."""
    if edit.kind == "disposition":
        names = f" under {', '.join(edit.exemptions)}" if edit.exemptions else ""
        return f"disposition set to {edit.disposition.value if edit.disposition else '?'}{names}"
    return {
        "add_exemptions": f"added {', '.join(edit.exemptions)}",
        "remove_exemptions": f"removed {', '.join(edit.exemptions)}",
        "add_advice": "added advice and assistance",
        "set_advice": "advice rewritten",
        "remove_advice": "advice removed",
        "alternative": f"alternative {edit.number} used",
        "wording": "wording rewritten",
        "undo": "last change undone",
        "accept": "accepted",
    }.get(edit.kind, edit.kind)


def same_section(left: str, right: str) -> bool:
    """Whether two labels name the same section (`s31` and `s31(3)` do)."""
    return section_key(left) == section_key(right)
