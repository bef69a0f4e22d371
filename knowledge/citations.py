"""Finding exemption citations in response text and writing them in one normal form.

`s31(3)`, `s40(2)`, `s12(1)`, `s22A` for FOIA and FOISA; `reg 12(4)(a)`, `reg 13` for the EIR.
A section that is merely mentioned (s16 advice, s17 refusal notices, s50 complaints, or a
section of another Act) is not an exemption applied, and is dropped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.models import Regime

# Sections of each Act that are exemptions or procedural refusals a response relies on.
_FOIA_SECTIONS = {"12", "14", "21", "22", "22A", "23", "24", "26", "27", "28", "29", "30", "31",
                  "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44"}
_FOISA_SECTIONS = {"12", "14", "17", "18", "25", "26", "27", "28", "29", "30", "31", "32", "33",
                   "34", "35", "36", "37", "38", "39", "41"}

_SUB = r"(?:\s?\(\s?[0-9a-zA-Z]{1,4}\s?\))"
_SUB_LIST = rf"(?:{_SUB}|\s?(?:and|&|,)\s?\([a-z]\)(?!\s?\w{{2,}}\)))"
_SECTION = re.compile(
    rf"\b(?:sections?|ss?\.?|sec\.?)\s?(\d{{1,2}}[A-Z]?)(?!\d)({_SUB_LIST}*)"
    rf"((?:\s*(?:,|and|&|or|/)\s*(?:s\.?\s?)?\d{{1,2}}[A-Z]?(?:{_SUB})*)*)",
    re.IGNORECASE,
)
_LISTED = re.compile(rf"(?:s\.?\s?)?(\d{{1,2}}[A-Z]?)(?!\d)((?:{_SUB})*)", re.IGNORECASE)
_REGULATION = re.compile(
    rf"\b(?:regulations?|regs?\.?|r\.)\s?(12|13)((?:{_SUB})*)"
    rf"((?:\s*(?:,|and|&|or)\s*(?:reg(?:ulation)?\.?\s?)?(?:12|13)(?:{_SUB})*)*)",
    re.IGNORECASE,
)
_LISTED_REG = re.compile(rf"(?:reg(?:ulation)?\.?\s?)?(12|13)((?:{_SUB})*)", re.IGNORECASE)
_OTHER_ACT = re.compile(
    r"^\s*(?:\([0-9a-z]{1,4}\)\s*)*(?:of|under|in)\s+(?:the\s+)?"
    r"((?:\(?[A-Z][\w()]*\)?\s+)(?:(?:\(?[A-Z][\w()]*\)?|and|of|for|the|&)\s+){0,7}?)"
    r"(Act|Regulations|Order|Rules)\b"
)


def _subsections(raw: str) -> str:
    """`(3A)(a)` as the Act writes it: a lettered subsection in capitals, paragraphs in lower case."""
    parts = re.findall(r"\(\s?([0-9a-zA-Z]{1,4})\s?\)", raw)
    return "".join(f"({part.upper() if part[:1].isdigit() else part.lower()})" for part in parts)


def _about_another_law(text: str, end: int) -> bool:
    match = _OTHER_ACT.match(text[end : end + 90])
    if not match:
        return False
    name = match.group(1).lower()
    return not re.search(r"freedom|\bfoi|environmental information|\bthe act\b", name)


def find_citations(text: str, regime: Regime = Regime.FOIA) -> list[str]:
    """Exemption citations in `text`, normalised, in order of first mention, without repeats."""
    found: list[tuple[int, str]] = []
    for match in _REGULATION.finditer(text):
        if _about_another_law(text, match.end()):
            continue
        parts = [(match.group(1), match.group(2))]
        parts += [(m.group(1), m.group(2)) for m in _LISTED_REG.finditer(match.group(3) or "")]
        for number, subs in parts:
            label = f"reg {number}{_subsections(subs)}"
            if number == "12" and not re.match(r"reg 12\((3|4|5)\)", label):
                continue  # reg 12(1), 12(6) and the like are the framework, not an exception
            found.append((match.start(), label))
    for match in _SECTION.finditer(text):
        if _about_another_law(text, match.end()):
            continue
        parts = [(match.group(1), match.group(2))]
        parts += [(m.group(1), m.group(2)) for m in _LISTED.finditer(match.group(3) or "")]
        allowed = _FOISA_SECTIONS if regime is Regime.FOISA else _FOIA_SECTIONS
        for number, subs in parts:
            number = number.upper()
            if number not in allowed:
                continue
            found.append((match.start(), f"s{number}{_subsections(subs)}"))
    ordered = [label for _, label in sorted(found, key=lambda pair: pair[0])]
    return list(dict.fromkeys(ordered))


def section_key(label: str) -> str:
    """The part of a label that comparisons use: `s31(3)` -> `s31`; EIR keeps its limb."""
    label = label.strip().lower()
    if label.startswith("reg"):
        match = re.match(r"reg\s?(12\((?:4|5)\)\([a-g]\)|12\((?:4|5)\)|13|12)", label)
        return f"reg {match.group(1)}" if match else label
    match = re.match(r"s(\d{1,2}a?)", label)
    return f"s{match.group(1).upper() if match.group(1)[-1:].isalpha() else match.group(1)}" if match else label


def most_specific(labels: Iterable[str]) -> tuple[str, ...]:
    """The labels without any that a more specific one covers (`s23` goes where `s23(5)` is), in the Act's order."""
    unique = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    kept = [label for label in unique if not any(other != label and other.startswith(label + "(") for other in unique)]
    return tuple(sorted(kept, key=_law_order))


def _law_order(label: str) -> tuple[int, int, str]:
    match = re.search(r"(\d+)", label)
    return (1 if label.lower().startswith("reg") else 0, int(match.group(1)) if match else 999, label)


def normalise(label: str, regime: Regime = Regime.FOIA) -> str | None:
    """Normalise one label as a user or a manifest writes it (`S.31 (3)`, `31(3)`, `reg 13`)."""
    text = label.strip()
    if regime is Regime.EIR and re.match(r"^1[23]\b", text):
        text = f"reg {text}"
    if re.fullmatch(r"\d{1,2}[A-Za-z]?(?:\s?\(\s?\w{1,4}\s?\))*", text):
        text = f"s{text}"
    if re.match(r"(?i)^(?:reg|regulation)", text) or re.match(r"^1[23]\(", label.strip()):
        found = find_citations(text if text.lower().startswith("reg") else f"reg {text}", regime)
    else:
        found = find_citations(text if re.match(r"(?i)^(s|sec)", text) else f"s{text}", regime)
    return found[0] if found else None


def metadata_key(label: str) -> str:
    """A Chroma metadata key that marks a precedent as citing this section."""
    return "ex_" + re.sub(r"[^a-z0-9]+", "_", section_key(label).lower()).strip("_")


# Any section or regulation number, known to the Acts or not: what a drafted text names.
def _named_list(prefix: str) -> str:
    return (rf"(?:\s*(?:,|and|&|or|/)\s*(?:{prefix})?\d{{1,3}}[A-Z]?(?![\d£%])(?:{_SUB})*"
            r"(?!\s*(?:hours?|days?|weeks?|months?|years?|minutes?|working|per|pounds?|%)\b))*")


_SECTION_LIST = _named_list(r"(?:sections?|ss?\.?|s)\s?")
_REGULATION_LIST = _named_list(r"reg(?:ulations?)?\.?\s?")
_NAMED_SECTION = re.compile(
    rf"(?<![\w'’])(?:sections?\s?|ss?\.\s?|sec\.\s?|s(?=\d))(\d{{1,3}}[A-Z]?)(?!\d)({_SUB}*)({_SECTION_LIST})",
    re.IGNORECASE,
)
_NAMED_REGULATION = re.compile(
    rf"\b(?:regulations?\s?|regs?\.?\s?)(\d{{1,2}})(?!\d)({_SUB}*)({_REGULATION_LIST})", re.IGNORECASE,
)
_NAMED_ITEM = re.compile(rf"(\d{{1,3}}[A-Z]?)((?:{_SUB})*)", re.IGNORECASE)


def named_sections(text: str) -> list[str]:
    """Every section and regulation `text` names under the access laws, relied on or merely mentioned.

    Unlike `find_citations` nothing is dropped for being unknown or procedural (`s99`, `s16`,
    `reg 9` are all returned); only sections of other Acts are left out.
    """
    found: list[tuple[int, str]] = []
    for pattern, prefix in ((_NAMED_SECTION, "s"), (_NAMED_REGULATION, "reg ")):
        for match in pattern.finditer(text):
            if _about_another_law(text, match.end()):
                continue
            parts = [(match.group(1), match.group(2))]
            parts += [(m.group(1), m.group(2)) for m in _NAMED_ITEM.finditer(match.group(3) or "")]
            found += [(match.start(), f"{prefix}{number.upper()}{_subsections(subs)}") for number, subs in parts]
    ordered = [label for _, label in sorted(found, key=lambda pair: pair[0])]
    return list(dict.fromkeys(ordered))
