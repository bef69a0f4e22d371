"""Refining a case with short instructions, in the words caseworkers use; no language model needed.

    Q5: ncnd s24(2) s31(3)          Q2 not held with s16 advice     Q3 exempt under section 43(2)
    Q2 not held, add s16 advice     Q4 use option 2                 Q4 use alternative 2
    Q3: <new wording>               Q3 advice: <text>               undo Q3        accept Q1 and Q3
    add: <a question to add>        split Q3                        merge Q4 Q5    remove Q6
    restore Q6                      accept stance / drop stance     caseworker: <name>

Questions are named by their id ("Q3"), which stays the same for the life of the case
whatever is split, merged, added or removed. An instruction the grammar cannot read is
refused with what it did understand and the nearest forms it knows.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.models import EditKind
from knowledge.citations import find_citations, section_key
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, Regime

HELP = (
    "I understand: `Q2 not held` · `Q2 not held with s16 advice` · `Q5: ncnd s24(2) s31(3)` · "
    "`Q3 exempt under section 43(2)` · `Q1 disclosed` · `Q4 partially disclosed s40(2)` · `Q6 cost` · `Q6 s21` · "
    "`Q7 vexatious` · `Q2 add s40(2)` · `Q2 remove s31` · `Q3 add s16 advice` · `Q3 advice: <text>` · "
    "`Q3 remove advice` · `Q4 use option 2` · `Q4 use alternative 2` · `Q3: <new wording>` · `undo Q3` · "
    "`accept Q3` · `accept all` · `add: <question>` · `split Q3` · `split Q3 at \"<words>\"` · `merge Q4 Q5` · "
    "`remove Q6` · `restore Q6` · `accept stance` · `drop stance` · `caseworker: <name>`"
)

# Forms offered as the nearest when an instruction is not understood; "N" is the question named.
_FORMS = (
    "QN not held", "QN not held with s16 advice", "QN ncnd s24(2) s31(3)", "QN exempt under s43(2)",
    "QN disclosed", "QN partially disclosed s40(2)", "QN cost", "QN s21", "QN vexatious", "QN add s40(2)",
    "QN remove s31", "QN add s16 advice", "QN advice: <text>", "QN remove advice", "QN use option 2",
    "QN use alternative 2", "QN: <new wording>", "undo QN", "accept QN", "accept all", "add: <question>",
    "split QN", "merge QN Q5", "remove QN", "restore QN", "accept stance", "drop stance", "caseworker: <name>",
)

_Q = r"q(?:uestion)?\s*(\d{1,3})"
_QS = rf"{_Q}((?:\s*(?:,|and|&|\+|with|into)?\s*q(?:uestion)?\s*\d{{1,3}})*)"
_DISPOSITION_WORDS: tuple[tuple[re.Pattern[str], Disposition], ...] = (
    (re.compile(r"^(?:ncnd|neither confirm(?:s|ing)? nor deny)\b"), Disposition.NCND),
    (re.compile(r"^(?:not held|nh|information not held|(?:we )?(?:do not|don't) hold(?: it)?)\b"),
     Disposition.NOT_HELD),
    (re.compile(r"^(?:partially disclosed?|partial(?:ly)?(?: disclos(?:e|ed|ure))?|part(?:ly)? disclosed?|"
                r"part release)\b"), Disposition.PARTIALLY_DISCLOSED),
    (re.compile(r"^(?:disclosed?|disclosure|release|released|provide|full(?:y disclosed)?|answer(?:ed)?|"
                r"held and disclosed)\b"), Disposition.DISCLOSED),
    (re.compile(r"^(?:exempt(?:ion)?|withh(?:e|o)ld|refused?|refusal)\b(?!\s+(?:on|under)\s+(?:the\s+)?cost)"),
     Disposition.EXEMPT_WITHHELD),
    (re.compile(r"^(?:(?:refused? )?(?:on |under )?(?:the )?cost(?: limit)?|over (?:the )?cost(?: limit)?|"
                r"exceeds? (?:the )?cost(?: limit)?|s\.?\s?12(?:\(\d\))?|section 12(?:\(\d\))?)(?![\w(])"),
     Disposition.S12_COST),
    (re.compile(r"^(?:(?:reasonably )?accessible|(?:already )?published|s\.?\s?21|section 21|s\.?\s?25|"
                r"section 25)(?![\w(])"), Disposition.S21_ACCESSIBLE),
    (re.compile(r"^(?:vexatious|repeat(?:ed)?(?: request)?|s\.?\s?14(?:\(\d\))?|section 14(?:\(\d\))?)(?![\w(])"),
     Disposition.S14_VEXATIOUS_OR_REPEATED),
    (re.compile(r"^(?:other|clarification|sar|subject access)\b"), Disposition.OTHER),
)
_FILLER = re.compile(r"^(?:(?:is|as|be|should be|must be|to|=|->|→|now|a|an|the|mark(?:ed)? as|set to|change to|"
                     r"make it|answer(?:ed)? as)\s+)+", re.I)
_LEADING_VERB = re.compile(rf"^(?:for|mark|set|make|change|treat|answer)\s+{_Q}\b", re.I)
# Advice and assistance provisions: s16 FOIA, s15 FOISA, reg 9 EIR. Never exemptions.
_ADVICE_SECTION = r"(?:s\.?\s?16|section\s+16|s\.?\s?15|section\s+15|reg(?:ulation)?\.?\s?9)(?:\(\d\))?"
_ADD_ADVICE = re.compile(
    rf"^(?:add|with|give|include|plus|and|also)?\s*(?:an?\s+|the\s+|some\s+)?(?:{_ADVICE_SECTION}\s*)?"
    r"(?:advice(?:\s+(?:and|&)\s+assistance)?|assistance)$"
    rf"|^(?:add|with|plus|and|also)?\s*{_ADVICE_SECTION}$",
    re.I,
)
_CLAUSE_BREAK = re.compile(
    r"\s*[,;]\s*|\s+(?:plus|also|then)\s+|\s+and\s+(?!(?:s\.?\s?\d|sections?\s|reg(?:ulation)?\.?\s?\d))"
    rf"|\s+(?:and|with|&)\s+(?=(?:add|remove|drop|use|undo|advice|{_ADVICE_SECTION}|an?\s+{_ADVICE_SECTION}|"
    r"the\s+advice|some\s+advice|advice)\b)",
    re.I,
)
# Words that may follow a disposition without changing it ("exempt under section 43(2) of the Act").
_AROUND_SECTIONS = re.compile(
    r"(?:s|section|reg(?:ulation)?)\.?\s*\d[\w()]*|\b(?:under|citing|using|relying|on|per|with|by|of|the|act|foia|eir|foisa|regulations?|sections?|"
    r"exemptions?|exceptions?|in|full|and|&|limit|information|it|this|that|as|before|is|applies|apply)\b"
    r"|[(),.&]",
    re.I,
)
_SECTIONS_ONLY = re.compile(r"^(?:(?:and|&|under|citing)\s+)?(?:(?:s|section|sections|reg(?:ulation)?)\.?\s*"
                            r"\d[\w()]*(?:\s*(?:,|and|&)\s*)?)+$", re.I)


class RefinementError(Exception):
    """An instruction that cannot be carried out; the message says why and what is understood."""


@dataclass(frozen=True)
class Edit:
    """One requested change: to one question's draft, to the case's questions, or to the case."""

    question: int
    """The question's id (0 for an edit of the whole case)."""
    kind: EditKind
    disposition: Disposition | None = None
    exemptions: tuple[str, ...] = ()
    text: str = ""
    number: int = 0
    """The alternative or option chosen (1-based)."""
    questions: tuple[int, ...] = ()
    """For a merge: the questions merged into `question`."""


def parse_instruction(instruction: str, regime: Regime, library: ExemptionLibrary) -> list[Edit]:
    """The edits an instruction asks for, or RefinementError with what is understood."""
    edits: list[Edit] = []
    for line in [part.strip() for part in re.split(r"\n|;(?![^\"“]*[\"”])", instruction) if part.strip()]:
        edits += _parse_line(line, regime, library)
    if not edits:
        raise RefinementError(f"I did not understand that. {HELP}")
    return edits


def _parse_line(line: str, regime: Regime, library: ExemptionLibrary) -> list[Edit]:
    raw = re.sub(r"^(?:please|can you|could you)\s+", "", line.strip(), flags=re.I)
    text = raw.rstrip(".! ")  # for reading the instruction; wording keeps its full stop
    lowered = text.lower()
    case_edit = _case_edit(raw.strip(), text, lowered)
    if case_edit is not None:
        return case_edit
    verb = _LEADING_VERB.match(text)
    if verb:
        text = f"Q{verb.group(1)} {text[verb.end():].strip()}"
    flipped = _flipped(text)
    if flipped is not None:
        text = flipped
    match = re.match(rf"^\s*{_Q}\b\s*(:)?\s*(.*)$", text, re.I | re.S)
    if not match:
        raise RefinementError(_not_understood(line, None, []))
    number, colon, rest = int(match.group(1)), match.group(2) is not None, match.group(3).strip()
    written = re.match(rf"^\s*{_Q}\b\s*:?\s*(.*)$", raw, re.I | re.S)
    words = (written.group(2).strip() if written and not verb and flipped is None else rest) or rest
    if not rest:
        raise RefinementError(f"What should change in Q{number}? {_nearest(line, number)}")
    explicit = re.match(r"^(?:wording|text|answer)\s*:\s*(.+)$", words, re.I | re.S)
    if explicit:
        return [Edit(number, EditKind.WORDING, text=explicit.group(1).strip())]
    advice = re.match(r"^advice\s*:\s*(.+)$", words, re.I | re.S)
    if advice:
        return [Edit(number, EditKind.SET_ADVICE, text=advice.group(1).strip())]
    try:
        edits, failed = _parse_clauses(number, rest, regime, library)
    except RefinementError:
        if colon:
            return [Edit(number, EditKind.WORDING, text=words)]  # "Q3: <new wording>" that cites an odd section
        raise
    if failed is None:
        return edits
    if colon:
        return [Edit(number, EditKind.WORDING, text=words)]  # "Q3: <new wording>"
    raise RefinementError(_not_understood(failed, number, edits))


def _case_edit(raw: str, text: str, lowered: str) -> list[Edit] | None:
    """Edits of the case's questions or of the whole case, or None when the line is about one draft."""
    added = re.match(r"^(?:add|new)(?:\s+(?:a|another|one more))?(?:\s+question)?\s*:\s*(.+)$", raw, re.I | re.S)
    if added:
        return [Edit(0, EditKind.ADDED, text=added.group(1).strip())]
    split = re.match(rf"^split\s+{_Q}(?:\s+(?:at|after|before|on|where it says)\s+[\"“']?(.+?)[\"”']?)?$",
                     text, re.I)
    if split:
        return [Edit(int(split.group(1)), EditKind.SPLIT, text=(split.group(2) or "").strip())]
    merge = re.match(rf"^(?:merge|combine|join)\s+{_QS}$", lowered)
    if merge:
        numbers = [int(n) for n in re.findall(r"q(?:uestion)?\s*(\d{1,3})", lowered)]
        if len(numbers) < 2:
            raise RefinementError("Say which questions to merge: `merge Q4 Q5` (Q5 joins Q4).")
        if " into " in lowered:  # "merge Q5 into Q4": Q4 keeps its id
            numbers = [numbers[-1], *numbers[:-1]]
        return [Edit(numbers[0], EditKind.MERGED, questions=tuple(dict.fromkeys(numbers[1:])))]
    for pattern, kind in ((r"^(?:remove|delete|drop)\s+", EditKind.REMOVED),
                          (r"^(?:restore|reinstate|undelete|bring back)\s+", EditKind.RESTORED),
                          (r"^(?:undo|revert)\s+", EditKind.UNDO),
                          (r"^(?:accept|approve|ok|okay|agree|confirm)\s+", EditKind.ACCEPTED)):
        found = re.match(rf"{pattern}{_QS}$", lowered)
        if found:
            numbers = [int(n) for n in re.findall(r"q(?:uestion)?\s*(\d{1,3})", lowered)]
            return [Edit(number, kind) for number in dict.fromkeys(numbers)]
    if re.match(r"^(?:accept|approve|ok)\s+(?:all|every(?:thing| question)?|them all)(?:\s+questions)?$", lowered):
        return [Edit(0, EditKind.ACCEPTED)]
    stance = r"(?:the\s+)?(?:opening\s+|request[- ]level\s+|ncnd\s+|whole[- ]request\s+)*stance"
    if re.match(rf"^(?:accept|keep|use|adopt)\s+{stance}$", lowered):
        return [Edit(0, EditKind.STANCE_ACCEPT)]
    if re.match(rf"^(?:drop|remove|reject|ignore|no)\s+{stance}$", lowered):
        return [Edit(0, EditKind.STANCE_DROP)]
    caseworker = re.match(r"^(?:caseworker|signed by|sign as|sign(?:ed)? off by)\s*:?\s+(.+)$", text, re.I)
    if caseworker:
        return [Edit(0, EditKind.CASEWORKER, text=" ".join(caseworker.group(1).split())[:120])]
    return None


def _flipped(text: str) -> str | None:
    """"ncnd Q5 under s24(2)" or "refuse Q2 on cost" as "Q5 ncnd under s24(2)": the question first."""
    match = re.match(rf"^(\w[\w' ]{{0,40}}?)\s+{_Q}\b\s*(.*)$", text, re.I | re.S)
    if not match:
        return None
    word = match.group(1).lower()
    if not any(pattern.match(word) for pattern, _ in _DISPOSITION_WORDS):
        return None
    return f"Q{match.group(2)} {match.group(1)} {match.group(3)}".strip()


def _parse_clauses(number: int, rest: str, regime: Regime, library: ExemptionLibrary
                   ) -> tuple[list[Edit], str | None]:
    """The edits of each clause; the first clause not understood (None when all are)."""
    edits: list[Edit] = []
    for clause in [c.strip() for c in _CLAUSE_BREAK.split(rest) if c and c.strip()]:
        if _SECTIONS_ONLY.match(clause) and edits and edits[-1].kind in (EditKind.DISPOSITION,
                                                                          EditKind.ADD_EXEMPTIONS,
                                                                          EditKind.REMOVE_EXEMPTIONS):
            last = edits[-1]  # "ncnd s24(2), s31(3)": the list goes on
            labels, advice = _exemptions(clause, regime, library)
            edits[-1] = Edit(number, last.kind, last.disposition, tuple(dict.fromkeys((*last.exemptions, *labels))))
            if advice:
                edits.append(Edit(number, EditKind.ADD_ADVICE))
            continue
        parsed = _parse_clause(number, clause, regime, library)
        if parsed is None:
            return edits, clause
        edits += [edit for edit in parsed if edit not in edits]
    return edits, None


def _parse_clause(number: int, clause: str, regime: Regime, library: ExemptionLibrary) -> list[Edit] | None:
    lowered = _FILLER.sub("", clause.lower()).strip()
    if _ADD_ADVICE.match(lowered):
        return [Edit(number, EditKind.ADD_ADVICE)]
    if re.match(r"^(?:remove|drop|delete|no|without)\s+(?:the\s+|any\s+)?advice(?:\s+and\s+assistance)?$", lowered):
        return [Edit(number, EditKind.REMOVE_ADVICE)]
    choice = re.match(r"^(?:use\s+|take\s+|go with\s+|choose\s+|pick\s+)?(?:the\s+)?(alt(?:ernative)?|option)\s*#?"
                      r"\s*(\d{1,2})$", lowered)
    if choice:
        kind = EditKind.OPTION if choice.group(1) == "option" else EditKind.ALTERNATIVE
        return [Edit(number, kind, number=int(choice.group(2)))]
    if re.match(r"^(?:accept(?:ed)?|ok(?:ay)?|fine|agreed?|looks good|approved?|confirmed?)$", lowered):
        return [Edit(number, EditKind.ACCEPTED)]
    if re.match(r"^(?:undo|revert)$", lowered):
        return [Edit(number, EditKind.UNDO)]
    if re.match(r"^(?:remove|delete|drop)(?:\s+(?:this|the)\s+question)?$", lowered):
        return [Edit(number, EditKind.REMOVED)]
    if re.match(r"^(?:restore|reinstate)$", lowered):
        return [Edit(number, EditKind.RESTORED)]
    if re.match(r"^split$", lowered):
        return [Edit(number, EditKind.SPLIT)]
    change = re.match(r"^(add|also|plus|cite|remove|drop|delete|without)\s+(.+)$", lowered)
    if change:
        labels, advice = _exemptions(change.group(2), regime, library)
        if not labels:
            return None
        kind = EditKind.ADD_EXEMPTIONS if change.group(1) in ("add", "also", "plus", "cite") \
            else EditKind.REMOVE_EXEMPTIONS
        return [Edit(number, kind, exemptions=labels), *([Edit(number, EditKind.ADD_ADVICE)] if advice else [])]
    for pattern, disposition in _DISPOSITION_WORDS:
        word = pattern.match(lowered)
        if word:
            if _AROUND_SECTIONS.sub(" ", lowered[word.end():]).strip():
                return None  # more than a disposition and its sections: not something to guess at
            labels, advice = _exemptions(lowered, regime, library)
            edits = [Edit(number, EditKind.DISPOSITION, disposition=disposition, exemptions=labels)]
            return edits + ([Edit(number, EditKind.ADD_ADVICE)] if advice else [])
    return None


def _exemptions(text: str, regime: Regime, library: ExemptionLibrary) -> tuple[tuple[str, ...], bool]:
    """The exemptions a clause cites, and whether it also names the advice and assistance duty."""
    advice = re.search(rf"(?<![\w]){_ADVICE_SECTION}(?![\w(])", text, re.I) is not None
    bare = re.sub(rf"(?<![\w]){_ADVICE_SECTION}(?![\w(])(?:\s+advice)?", " ", text, flags=re.I)
    cited = find_citations(re.sub(r"(?i)\b(?:under|and|&|citing|using|relying on|per|with)\b", " , ", bare), regime)
    for label in cited:
        if library.get(label, regime) is None:
            raise RefinementError(f"{label} is not an exemption under {regime.value.upper()} in the library "
                                  f"(`foibot exemption {section_key(label)}` lists what it has)")
    if not cited and re.search(r"\b(?:s|section|reg(?:ulation)?)\.?\s?\d", bare, re.I):
        unknown = re.search(r"\b(?:s|section|reg(?:ulation)?)\.?\s?\d[\w()]*", bare, re.I)
        raise RefinementError(f"{unknown.group(0) if unknown else bare!r} is not an exemption I know "
                              f"under {regime.value.upper()}")
    return tuple(cited), advice


def _not_understood(failed: str, number: int | None, understood: list[Edit]) -> str:
    said = f"I understood {'; '.join(f'Q{e.question} {describe(e)}' for e in understood)}, but not" if understood \
        else "I did not understand"
    return f"{said} {failed[:60]!r}. {_nearest(failed, number)}"


def _nearest(text: str, number: int | None) -> str:
    """The forms closest to what was typed, for the question it named."""
    n = str(number) if number is not None else (re.findall(r"\d+", text) or ["1"])[0]
    forms = [form.replace("QN", f"Q{n}") for form in _FORMS]
    probe = text if number is None or re.match(r"(?i)^\s*q", text) else f"Q{n} {text}"
    close = difflib.get_close_matches(probe.lower(), [f.lower() for f in forms], n=3, cutoff=0.3)
    chosen = [next(f for f in forms if f.lower() == c) for c in close] or forms[:3]
    return "Nearest forms I understand: " + " · ".join(f"`{form}`" for form in chosen) + " (`help` lists them all)"


def describe(edit: Edit) -> str:
    """A short account of an edit, for the version note and the reply in Slack."""
    if edit.kind is EditKind.DISPOSITION:
        names = f" under {', '.join(edit.exemptions)}" if edit.exemptions else ""
        return f"disposition set to {edit.disposition.value if edit.disposition else '?'}{names}"
    return {
        EditKind.ADD_EXEMPTIONS: f"added {', '.join(edit.exemptions)}",
        EditKind.REMOVE_EXEMPTIONS: f"removed {', '.join(edit.exemptions)}",
        EditKind.ADD_ADVICE: "added advice and assistance",
        EditKind.SET_ADVICE: "advice rewritten",
        EditKind.REMOVE_ADVICE: "advice removed",
        EditKind.ALTERNATIVE: f"alternative {edit.number} used",
        EditKind.OPTION: f"option {edit.number} used",
        EditKind.WORDING: "wording rewritten",
        EditKind.UNDO: "last change undone",
        EditKind.ACCEPTED: "accepted",
        EditKind.ADDED: "question added",
        EditKind.SPLIT: "split" + (f" at {edit.text!r}" if edit.text else ""),
        EditKind.MERGED: "merged with " + ", ".join(f"Q{n}" for n in edit.questions),
        EditKind.REMOVED: "removed from the request",
        EditKind.RESTORED: "restored",
        EditKind.STANCE_ACCEPT: "opening stance accepted",
        EditKind.STANCE_DROP: "opening stance dropped",
        EditKind.CASEWORKER: f"letter to be signed by {edit.text}",
    }.get(edit.kind, str(edit.kind))


def same_section(left: str, right: str) -> bool:
    """Whether two labels name the same section (`s31` and `s31(3)` do)."""
    return section_key(left) == section_key(right)
