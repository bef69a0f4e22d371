"""Reading a published FOI response into precedents, one per question.

The parser works on plain text from any loader. It finds the request (the questions,
numbered or not) and the response, pairs each question with its answer, reads each
answer's disposition and the exemptions actually relied on, keeps a request-level stance
such as an opening NCND, and turns harm-test and public-interest paragraphs into
exemption precedents tied to their sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from knowledge.citations import find_citations, section_key
from knowledge.models import (
    Disposition,
    ExemptionPrecedent,
    ParsedDocument,
    Precedent,
    Regime,
    RequestStance,
    SourceDocument,
)
from knowledge.personal_data import redact_correspondence as redact_requester

_BOILERPLATE = re.compile(
    r"cookie|leave this site|skip to (?:main )?content|javascript|technical problem|"
    r"this site is a beta|your feedback helps|accept all|reject all|^menu$|^search$|^home$|"
    r"^share (?:this|on)|^print(?: this page)?$|^back to top$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:if you are (?:dissatisfied|unhappy|not satisfied)|if you (?:are|remain) (?:unhappy|"
    r"dissatisfied)|complaint rights|your right(?:s)? (?:to|of)|right of (?:review|appeal)|"
    r"yours (?:sincerely|faithfully)|kind regards|best regards|regards,?$|internal review|"
    r"requesting a review|if you have any (?:further )?(?:queries|questions)|copyright|"
    r"re-?use of (?:the )?information|you have the right|should you have any further)",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    r"^(?:(?:Q(?:uestion)?|Request|Item|Point|Part)\s*(\d{1,2})\s*[.):\-\u2013\u2014]?\s*"
    r"|(\d{1,2})(?:[.)](?!\d)|\s*[:\-\u2013\u2014]\s)\s*)(.*)$",
    re.IGNORECASE,
)
_UNNUMBERED_QUESTION = re.compile(r"^(?:Q|Question|Request)\s*[:.\-\u2013]\s*(.*)$", re.IGNORECASE)
_LETTERED = re.compile(r"^\(?([a-h])[.)]\s*(.+)$")
_SUB_ITEM = re.compile(r"^(?:\(?[a-h][.)]|\(?(?:i{1,3}|iv|v|vi{1,3})\)|[\u2022*\-])\s*\S")
_ANSWER = re.compile(
    # A bare "A" marks an answer only with a colon ("A:", "A1:"): "a." opens a sub-question.
    r"^(?:(?-i:A)\s*\d{0,2}\s*:|(?:Ans(?:wer)?|Response|Reply)\s*\d{0,2}\s*[:.\-\u2013]|"
    r"(?:Our|[A-Z]{2,8}) response\s*[:.\-\u2013])\s*(.*)$",
    re.IGNORECASE,
)
_REQUEST_HEAD = re.compile(
    r"^(?:you asked|your request(?: was| read)?|the request|request|you wrote|you requested|"
    r"you have (?:asked|requested)|information requested|requested information|"
    r"(?:i|we) note (?:that )?you (?:seek|have requested|requested)[^:]*|"
    r"in your (?:e-?mail|request|letter)[^:]*|you asked for the following[^:]*|"
    r"[^.]{0,80}(?:the following information|requested the following)[^.]{0,40})\s*[:.]?\s*$",
    re.IGNORECASE,
)
_RESPONSE_HEAD = re.compile(
    r"^(?:in response|responses?|our response|disclosure|answers?|reply|our reply|decision|"
    r"the response|information disclosed|outcome|response to your request|"
    r"[A-Za-z]{2,12} response|information released|our answer|"
    r"(?:the )?information (?:you requested|requested) is as follows)\s*[:.]?\s*$",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"(?:our\s+ref(?:erence)?|reference(?:\s+(?:no|number))?|ref\.?"
    r"(?:\s*(?:no|number))?|(?:foi|foisa|eir|request)\s+(?:request\s+)?(?:ref(?:erence)?|number|no)"
    r"|case\s+(?:ref(?:erence)?|number|no)|disclosure\s+id)\.?\s*[:.\-#]?\s*"
    r"((?=[A-Z0-9/._\-]*(?: \d)?\d)[A-Z0-9][A-Z0-9/._\-]{1,40}(?: \d[A-Z0-9/._\-]{1,20})?)",
    re.IGNORECASE,
)
_TITLE_REFERENCE = re.compile(r"\s[-\u2013]\s*(\d{1,6}/\d{2,4})\s*$")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_LONG_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS}|sept|[a-z]{{3}})\.?,?\s+(\d{{4}})\b", re.I)
_US_DATE = re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_LABEL = re.compile(r"(date(?: of)? (?:responded|response|reply|sent|issued)|^date\b|responded)", re.I)

_NCND = re.compile(
    r"neither\s+confirm(?:s|ing)?\s+n?or\s+den(?:y|ies|ying)|\bncnd\b|"
    r"(?:will|can|cannot|can't|does|do)\s+not\s+confirm\s+or\s+deny|"
    r"duty (?:to|in section 1\(1\)\(a\)[^.]{0,40}to) confirm or deny does not apply|"
    r"does not apply[^.]{0,60}confirm or deny",
    re.IGNORECASE,
)
_VEXATIOUS = re.compile(
    r"vexatious|repeated request|repeat(?:ed)? of (?:a|your) (?:previous|earlier) request|"
    r"substantially similar to (?:a|your) (?:previous|earlier)",
    re.IGNORECASE,
)
_COST = re.compile(
    r"(?:cost|appropriate|fees?) limit|exceed(?:s|ed)?\s+(?:the\s+)?(?:cost|appropriate|£)|"
    r"excessive cost|£\s?(?:450|600)\b|"
    r"(?:18|24|eighteen|twenty[- ]four) (?:staff )?hours|manifestly unreasonable[^.]{0,80}cost",
    re.IGNORECASE,
)
_ACCESSIBLE = re.compile(
    r"reasonably accessible|accessible (?:to you )?by other means|otherwise accessible",
    re.IGNORECASE,
)
_OTHER = re.compile(
    r"clarif(?:y|ication)|withdrawn|withdraw your request|subject access|your own personal data|"
    r"transferr?ed (?:your request|to)|not a valid request|business as usual|"
    r"is not (?:a public authority|subject to)|we have treated (?:this|your request) as",
    re.IGNORECASE,
)
_NOT_HELD = re.compile(
    r"\bnot\s+(?:centrally\s+)?held\b|(?:do|does|did)\s+not\s+(?:hold|record|collect|capture|"
    r"retain|keep|have)|holds?\s+no\s+(?:recorded\s+)?(?:information|data|records?)|"
    r"no\s+(?:recorded\s+)?(?:information|data|records?)\s+(?:is|are|was|were)?\s*(?:held|"
    r"recorded|kept|available)|there\s+(?:is|are|were|was)\s+no\s+(?:recorded\s+)?(?:information|"
    r"records?|data|such)|not\s+(?:centrally\s+)?recorded|information not held|nothing (?:is )?held|"
    r"we have no (?:information|record)|12\(4\)\(a\)|section 17 notice|"
    r"(?:does|do)\s+not\s+exist|no such (?:information|data|records?)|"
    r"no (?:obligation|requirement) to create",
    re.IGNORECASE,
)
_WITHHELD = re.compile(
    r"withh(?:e|o)ld|withheld|exempt\s+(?:from|under|by)|(?:is|are|been)\s+exempt|"
    r"exemption[s]?\s+(?:applies|apply|has been applied|is engaged)|refus|"
    r"not\s+(?:be\s+)?(?:disclos|releas|provid)|redact|(?:unable|not able) to (?:provide|"
    r"disclose|release)|(?:relying|rely|relied) on|(?:engaged|engages)\b",
    re.IGNORECASE,
)
_DISCLOSED = re.compile(
    r"please find|attached|enclosed|as follows|see (?:below|the table|table|attached)|"
    r"(?:is|are|was|were)\s+(?:\d|£)|\b\d[\d,.]*\b|£\s?\d|^(?:yes|no)\b(?!\s+(?:information|records?|data))|"
    r"(?:we|i) (?:can|am able to|are able to) (?:confirm|provide|advise|tell)|"
    r"(?:has|have) been (?:provided|disclosed|released)|(?:is|are) published",
    re.IGNORECASE,
)
_PARTIAL_HINT = re.compile(
    r"\bsome\b[^.]{0,40}(?:withheld|exempt|redacted)|\bredact|partial|remainder|"
    r"(?:other|remaining) (?:information|parts?|details)[^.]{0,60}(?:withheld|exempt)|"
    r"(?:withheld|exempt)[^.]{0,80}\b(?:other|remaining|rest)\b",
    re.IGNORECASE,
)
_OWN_DATA = re.compile(r"subject access request|your own personal (?:data|information)", re.IGNORECASE)
_HELD_CONFIRMATION = re.compile(
    r"(?:can|do|hereby|to)?\s*confirm (?:that )?(?:the )?(?:information|we hold|it is held|"
    r"(?:the )?[a-z ]{0,30} holds? (?:some |the )?information)|information (?:is|was) held",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(?:dear|hello|hi|good (?:morning|afternoon))\b[^,.!?]{0,40}[,.!]?\s*", re.IGNORECASE)
_QUESTION_REFERENCE = re.compile(
    r"\b(?:questions?|points?|parts?|items?|requests?|Q)\s?(\d{1,2})((?:\s*(?:,|and|&|to|-|"
    r"\u2013)\s*(?:q|question\s)?\d{1,2})*)",
    re.IGNORECASE,
)

_PROCEDURAL_BY_DISPOSITION = {
    Disposition.S12_COST: "s12",
    Disposition.S14_VEXATIOUS_OR_REPEATED: "s14",
    Disposition.S21_ACCESSIBLE: "s21",
}
_MAX_QUESTION = 2_000
_MAX_ANSWER = 12_000


@dataclass
class _Item:
    number: int
    start: int
    text: str


def parse_document(source: SourceDocument, default_authority: str = "") -> ParsedDocument:
    """Read one source document into its precedents and exemption precedents."""
    # Published letters name the requester ("Dear Mr ..."), threads sign off with it: the
    # knowledge base keeps what was asked and answered, never who asked.
    source = replace(source, text=redact_requester(source.text),
                     request=redact_requester(source.request, written_by_requester=True))
    lines = _clean_lines(source.text)
    text = "\n".join(lines)
    regime = detect_regime(text + "\n" + source.request)
    reference = source.reference or find_reference(lines)
    when = source.date or find_date(lines)
    authority = source.authority or find_authority(lines) or default_authority

    pairs, shared, stance_text = _pair_questions_and_answers(lines, _clean_lines(source.request))
    stance = _request_stance(stance_text, regime) if stance_text else None
    shared_citations = find_citations(shared, regime) if shared else []

    precedents = []
    for position, (question, answer) in enumerate(pairs):
        answer_text = answer or shared
        disposition = classify_disposition(answer_text, regime, context_ncnd=stance is not None)
        exemptions = exemptions_relied_on(answer_text, disposition, regime, shared_citations)
        precedents.append(
            Precedent(
                question=question[:_MAX_QUESTION],
                answer=answer_text[:_MAX_ANSWER],
                disposition=disposition,
                exemptions=tuple(exemptions),
                reference=reference,
                date=when,
                authority=authority,
                regime=regime,
                source=source.source,
                position=position,
                request_stance=stance,
            )
        )
    reasoning = _exemption_precedents(lines, regime, source.source, reference, when, authority)
    return ParsedDocument(
        source=source,
        regime=regime,
        precedents=tuple(precedents),
        exemption_precedents=tuple(reasoning),
        request_stance=stance,
    )


def detect_regime(text: str) -> Regime:
    """FOISA, EIR or FOIA, from what the document says it was handled under."""
    lowered = text.lower()
    if "(scotland)" in lowered or "scottish information commissioner" in lowered or "foisa" in lowered:
        return Regime.FOISA
    if re.search(r"environmental information regulations|\beir\b|regulation 12\(|reg\.? 12\(", lowered):
        return Regime.EIR
    return Regime.FOIA


def find_reference(lines: list[str]) -> str:
    """The authority's reference for the request, if the document states one."""
    for line in lines[:60]:
        line = re.sub(r"(?i)\byour\s+ref(?:erence)?\b\S*\s*\S*", " ", line)
        match = _REFERENCE.search(line)
        if match and re.search(r"\d", match.group(1)):
            return match.group(1).rstrip(".-/")
    for line in lines[:5]:
        match = _TITLE_REFERENCE.search(line)
        if match:
            return match.group(1)
    return ""


_AUTHORITY = re.compile(
    r"\b((?:(?!(?:Does|Has|Have|Is|Did|Do|Can|Will|Would|The|Dear|To|From|Of)\b)[A-Z][a-z'-]+ ){1,3}"
    r"(?:Police|Constabulary|Borough Council|District Council|County Council|City Council|Council|"
    r"NHS (?:Foundation )?Trust|Fire and Rescue Service))\b"
)


def find_authority(lines: list[str]) -> str:
    """The authority that wrote the response, from its letterhead or sign-off."""
    for line in lines[:25] + lines[-15:]:
        match = _AUTHORITY.search(line)
        if match:
            return match.group(1)
    return ""


def find_date(lines: list[str]) -> str:
    """The response date as ISO, preferring a labelled date, else the first full date."""
    labelled = [line for line in lines[:40] if _DATE_LABEL.search(line)]
    for line in labelled + lines[:25]:
        found = _parse_date(line)
        if found:
            return found
    return ""


def _parse_date(text: str) -> str:
    candidates: list[tuple[int, date]] = []
    for match in _ISO_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(1), match.group(2), match.group(3))
    for match in _LONG_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(3), match.group(2), match.group(1))
    for match in _US_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(3), match.group(1), match.group(2))
    for match in _NUMERIC_DATE.finditer(text):
        candidates += _date_at(match.start(), match.group(3), match.group(2), match.group(1))
    return min(candidates)[1].isoformat() if candidates else ""


def _date_at(position: int, year: str, month: str, day: str) -> list[tuple[int, date]]:
    month_number: int | None = None
    if month.isdigit():
        month_number = int(month)
    else:
        for index, name in enumerate(_MONTHS.split("|"), start=1):
            if name.startswith(month.lower()[:3]):
                month_number = index
                break
    try:
        return [(position, datetime(int(year), month_number or 0, int(day)).date())]
    except ValueError:
        return []


def classify_disposition(
    answer: str, regime: Regime = Regime.FOIA, context_ncnd: bool = False
) -> Disposition:
    """One disposition label for an answer's text."""
    text = " ".join(answer.split())
    if not text:
        return Disposition.OTHER
    cited = find_citations(text, regime)
    keys = {section_key(label) for label in cited}
    cost = _COST.search(text)
    costly = bool(cost) and ("s12" in keys or bool(re.search(
        r"exceed|excessive|manifestly unreasonable", text, re.I))) and not _mentions_only_as_advice(
        text, cost.start() if cost else 0)
    if _NCND.search(text):
        # "Neither confirm nor deny ... as determining it would exceed the limit" is s12(2).
        return Disposition.S12_COST if costly and "s12" in keys else Disposition.NCND
    if (_VEXATIOUS.search(text) or "s14" in keys) and not re.search(
        r"not (?:being )?(?:treated|considered) (?:as )?vexatious", text, re.I
    ):
        return Disposition.S14_VEXATIOUS_OR_REPEATED
    if costly:
        return Disposition.S12_COST
    if _ACCESSIBLE.search(text) or "s21" in keys or (regime is Regime.FOISA and "s25" in keys):
        return Disposition.S21_ACCESSIBLE
    if _OWN_DATA.search(text):
        return Disposition.OTHER  # the requester's own data: a subject access request, not FOI
    signals: list[tuple[int, Disposition]] = []
    not_held = _NOT_HELD.search(text)
    if not_held:
        signals.append((not_held.start(), Disposition.NOT_HELD))
    withheld = _WITHHELD.search(text)
    if withheld and (cited or re.search(r"exempt", text, re.I)):
        signals.append((withheld.start(), Disposition.EXEMPT_WITHHELD))
    disclosed = _first_disclosure_signal(text)
    if disclosed is not None:
        signals.append((disclosed, Disposition.DISCLOSED))
    other = _OTHER.search(text)
    if not signals:
        if context_ncnd and re.search(r"\babove\b|as (?:explained|set out|stated)|same (?:reasons|exemptions)",
                                      text, re.I):
            return Disposition.NCND
        if cited:
            # "Covered by the exemptions above": the answer leans on the letter's stance.
            return Disposition.NCND if context_ncnd else Disposition.EXEMPT_WITHHELD
        return Disposition.OTHER if other else Disposition.DISCLOSED
    # At the same position ("No information is held") the specific reading wins over "disclosed".
    signals.sort(key=lambda signal: (signal[0], signal[1] is Disposition.DISCLOSED))
    first = signals[0][1]
    kinds = {kind for _, kind in signals}
    if Disposition.EXEMPT_WITHHELD in kinds:
        if Disposition.DISCLOSED in kinds and _PARTIAL_HINT.search(text):
            return Disposition.PARTIALLY_DISCLOSED
        if first is Disposition.DISCLOSED:
            return Disposition.PARTIALLY_DISCLOSED
        if first is Disposition.NOT_HELD:
            return Disposition.NOT_HELD
        return Disposition.EXEMPT_WITHHELD
    return first


def _first_disclosure_signal(text: str) -> int | None:
    # "We can confirm that the information is held" is a confirmation, not a disclosure.
    scrubbed = _HELD_CONFIRMATION.sub(lambda m: " " * len(m.group(0)), text)
    scrubbed = re.sub(
        r"(?:section|regulation|reg|s)\.?\s?\d{1,3}[A-Z]?(?:\s?\(\w{1,4}\))*|\b(?:19|20)\d\d\b",
        lambda m: " " * len(m.group(0)), scrubbed, flags=re.IGNORECASE,
    )
    match = _DISCLOSED.search(scrubbed)
    return match.start() if match else None


def _mentions_only_as_advice(text: str, position: int) -> bool:
    window = text[max(0, position - 200) : position].lower()
    return bool(re.search(r"(?:narrow|refine|reduce)[^.]*$|advice and assistance[^.]*$", window))


def exemptions_relied_on(
    answer: str, disposition: Disposition, regime: Regime, shared_citations: list[str]
) -> list[str]:
    """The exemptions an answer relies on, given the disposition read from it."""
    if disposition is Disposition.NOT_HELD:
        if regime is Regime.EIR:
            return ["reg 12(4)(a)"]
        return ["s17"] if regime is Regime.FOISA else []  # FOISA's not-held notice is s17
    if disposition is Disposition.OTHER:
        return [label for label in find_citations(answer, regime) if label.startswith("s40(1)")]
    if disposition is Disposition.DISCLOSED:
        return []
    cited = find_citations(answer, regime)
    if not cited and disposition in (Disposition.NCND, Disposition.EXEMPT_WITHHELD,
                                     Disposition.PARTIALLY_DISCLOSED):
        cited = shared_citations
    procedural = _PROCEDURAL_BY_DISPOSITION.get(disposition)
    if regime is Regime.FOISA and disposition is Disposition.S21_ACCESSIBLE:
        procedural = "s25"
    kept: list[str] = []
    for label in cited:
        key = section_key(label)
        if key in ("s12", "s14", "s21") and key != procedural:
            continue  # cost, vexatious and accessible-elsewhere sections are dispositions of their own
        if regime is Regime.FOISA and key in ("s17", "s25", "s12", "s14") and key != procedural:
            continue
        if key == "reg 12(4)(a)":
            continue  # not held is a disposition of its own, handled above
        kept.append(label)
    if procedural and not any(section_key(label) == procedural for label in kept):
        if regime is Regime.EIR and disposition in (Disposition.S12_COST, Disposition.S14_VEXATIOUS_OR_REPEATED):
            procedural = "reg 12(4)(b)"
        if not any(section_key(label) == section_key(procedural) for label in kept):
            kept.insert(0, procedural)
    if procedural:
        kept = [label for label in kept if section_key(label) == section_key(procedural)] or kept
    return kept


def _clean_lines(text: str) -> list[str]:
    text = (text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
            .replace("\u201c", '"').replace("\u201d", '"').replace("\r", ""))
    lines = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line and len(line) < 300 and _BOILERPLATE.search(line):
            continue
        lines.append(line)
    # Collapse runs of blank lines to one: blank lines still mark paragraph breaks.
    collapsed: list[str] = []
    for line in lines:
        if not line and (not collapsed or not collapsed[-1]):
            continue
        collapsed.append(line)
    while collapsed and not collapsed[-1]:
        collapsed.pop()
    return collapsed


def _numbered_items(lines: list[str], start: int = 0, end: int | None = None) -> list[_Item]:
    items = []
    counter = 0
    for index in range(start, len(lines) if end is None else end):
        line = lines[index]
        match = _NUMBERED.match(line)
        if (match and (match.group(3) or "").strip() != "") or (match and re.match(r"(?i)^(q|question)", line)):
            number = int(match.group(1) or match.group(2))
            items.append(_Item(number, index, match.group(3).strip()))
            continue
        unnumbered = _UNNUMBERED_QUESTION.match(line)
        if unnumbered and unnumbered.group(1).strip():
            counter += 1
            items.append(_Item(counter, index, unnumbered.group(1).strip()))
    return items


def _runs(items: list[_Item]) -> list[list[_Item]]:
    """Sequences numbered 1, 2, 3... in document order; a restart at 1 opens a new run."""
    runs: list[list[_Item]] = []
    current: list[_Item] = []
    for item in items:
        if item.number == 1:
            if current:
                runs.append(current)
            current = [item]
        elif current and item.number == current[-1].number + 1:
            current.append(item)
    if current:
        runs.append(current)
    return runs


def _lettered_runs(lines: list[str]) -> list[list[_Item]]:
    items = []
    for index, line in enumerate(lines):
        match = _LETTERED.match(line)
        if match:
            items.append(_Item(ord(match.group(1)) - ord("a") + 1, index, match.group(2).strip()))
    return [run for run in _runs(items) if len(run) >= 2]


def _pair_questions_and_answers(
    lines: list[str], request_lines: list[str]
) -> tuple[list[tuple[str, str]], str, str]:
    """Pairs of (question, answer), the shared response text, and the text before answers."""
    runs = [run for run in _runs(_numbered_items(lines)) if run]
    if not runs or max(len(run) for run in runs) < 2:
        lettered = _lettered_runs(lines)
        if lettered:
            runs = lettered
    if request_lines:
        request_runs = _runs(_numbered_items(request_lines)) or _lettered_runs(request_lines)
        if request_runs and not (runs and len(runs) >= 2):
            questions = _item_texts(request_lines, max(request_runs, key=len))
            return _answer_by_number(questions, lines, 0, runs[0] if runs else None)
        if not runs:
            question = _prose_request(request_lines)
            return [(question, _response_text(lines, 0))], "", ""
    if not runs:
        return _prose_pairs(lines)
    first = max(runs[:2], key=len) if len(runs) > 1 and len(runs[0]) == 1 else runs[0]
    later = [run for run in runs if run[0].start > first[-1].start and len(run) >= min(2, len(first))]
    if later:
        answers_run = later[0]
        questions = _item_texts(lines, first, stop=answers_run[0].start)
        # The text between the questions and the answers holds any request-level stance.
        return _answer_by_number(questions, lines, first[-1].start + 1, answers_run)
    split = _response_head_between(lines, first[-1].start, len(lines))
    if split is not None:
        questions = _item_texts(lines, first, stop=split)
        return _answer_by_number(questions, lines, split, None)
    return _inline_pairs(lines, first)


def _item_texts(lines: list[str], run: list[_Item], stop: int | None = None) -> list[str]:
    texts = []
    for position, item in enumerate(run):
        end = run[position + 1].start if position + 1 < len(run) else (stop or len(lines))
        last = position + 1 == len(run)
        parts = [item.text]
        for line in lines[item.start + 1 : end]:
            if not line or _RESPONSE_HEAD.match(line) or _CLOSING.match(line):
                break
            # The last question ends where its sentence does, unless sub-questions follow.
            if last and re.search(r"[.?!]\W?$", parts[-1]) and not _SUB_ITEM.match(line):
                break
            parts.append(line)
        texts.append(" ".join(part for part in parts if part).strip())
    return texts


def _response_head_between(lines: list[str], after: int, before: int) -> int | None:
    for index in range(after + 1, before):
        if _CLOSING.match(lines[index]):
            return None
        previous = lines[index - 1] if index > 0 else ""
        if previous and not re.search(r"[.:?!\"')\]]$", previous):
            continue  # a wrapped line ending in "decision." is not a heading
        if _RESPONSE_HEAD.match(lines[index]) or re.match(
            r"^(?:in response|response|our response)\b.{0,60}[:.]$", lines[index], re.IGNORECASE
        ):
            return index + 1
    # A blank line after the last question followed by prose is the usual implicit break.
    return None


def _answer_by_number(
    questions: list[str], lines: list[str], response_start: int, answers_run: list[_Item] | None
) -> tuple[list[tuple[str, str]], str, str]:
    if answers_run is None:
        response = _response_text(lines, response_start)
        restated, response = _answers_by_restatement(response, questions)
        by_reference, preamble = _answers_by_reference(response, len(questions))
        if by_reference or restated:
            pairs = [(q, restated.get(n) or by_reference.get(n, "")) for n, q in enumerate(questions, start=1)]
            return pairs, preamble or response, preamble
        return [(q, "") for q in questions], response, response
    answers: dict[int, str] = {}
    for position, item in enumerate(answers_run):
        end = answers_run[position + 1].start if position + 1 < len(answers_run) else len(lines)
        body = [item.text, *_until_closing(lines[item.start + 1 : end])]
        text = "\n".join(part for part in body if part).strip()
        number = _matching_question(item.text, questions) or item.number
        answers.setdefault(number, "")
        answers[number] = (answers[number] + "\n" + _strip_restated(text, questions, number)).strip()
    preamble = "\n".join(_until_closing(lines[response_start : answers_run[0].start])).strip()
    pairs = [(q, answers.get(n, "")) for n, q in enumerate(questions, start=1)]
    return pairs, preamble, preamble


def _answers_by_restatement(response: str, questions: list[str]) -> tuple[dict[int, str], str]:
    """Response lines that restate a question, with the answer after it ("...? - 8453").

    Returns the answers found and the response without those blocks.
    """
    lines = response.split("\n")
    answers: dict[int, str] = {}
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        text = _NUMBERED.match(line)
        body = (text.group(3) if text else line).strip()
        head, mark, tail = body.partition("?")
        number = _matching_question(head + mark, questions) if mark and len(head) > 15 else None
        if number is None or number in answers:
            kept.append(line)
            index += 1
            continue
        block = [tail.strip(" -\u2013\u2014:")]
        index += 1
        while index < len(lines) and lines[index].strip() and not _matching_line(lines[index], questions):
            block.append(lines[index])
            index += 1
        answers[number] = "\n".join(part for part in block if part).strip()
    return {n: a for n, a in answers.items() if a}, "\n".join(kept).strip()


def _matching_line(line: str, questions: list[str]) -> bool:
    head, mark, _ = line.partition("?")
    return bool(mark) and _matching_question(head + mark, questions) is not None


def _matching_question(first_line: str, questions: list[str]) -> int | None:
    words = set(re.findall(r"[a-z]{3,}", first_line.lower()))
    if len(words) < 4:
        return None
    best, best_score = None, 0.0
    for number, question in enumerate(questions, start=1):
        other = set(re.findall(r"[a-z]{3,}", question.lower()))
        score = len(words & other) / max(1, len(words | other))
        if score > best_score:
            best, best_score = number, score
    return best if best_score >= 0.6 else None


def _strip_restated(answer: str, questions: list[str], number: int) -> str:
    if number - 1 >= len(questions):
        return answer
    question = questions[number - 1]
    first, _, rest = answer.partition("\n")
    head = first[: len(question) + 5]
    if question and _similar(head, question):
        remainder = first[len(question):].strip(" ?-\u2013:") if first.startswith(question[:20]) else ""
        return (remainder + "\n" + rest).strip() or answer
    return answer


def _similar(left: str, right: str) -> bool:
    a = set(re.findall(r"[a-z]{3,}", left.lower()))
    b = set(re.findall(r"[a-z]{3,}", right.lower()))
    return bool(a and b) and len(a & b) / len(a | b) >= 0.7


def _answers_by_reference(response: str, count: int) -> tuple[dict[int, str], str]:
    """Response paragraphs that name the questions they answer ("With regard to point 2")."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n(?=[A-Z])", response) if p.strip()]
    assigned: dict[int, list[str]] = {}
    preamble: list[str] = []
    current: list[int] = []
    for paragraph in paragraphs:
        numbers = _referenced_numbers(paragraph[:160], count)
        if numbers:
            current = numbers
        if current:
            for number in current:
                assigned.setdefault(number, []).append(paragraph)
        else:
            preamble.append(paragraph)
    if len(assigned) < 1 or not any(_referenced_numbers(p[:160], count) for p in paragraphs):
        return {}, ""
    return {n: "\n".join(parts) for n, parts in assigned.items()}, "\n".join(preamble)


def _referenced_numbers(text: str, count: int) -> list[int]:
    numbers: list[int] = []
    for match in _QUESTION_REFERENCE.finditer(text):
        first = int(match.group(1))
        numbers.append(first)
        tail = match.group(2) or ""
        values = [int(v) for v in re.findall(r"\d{1,2}", tail)]
        if re.search(r"\bto\b|-|\u2013", tail) and values:
            numbers.extend(range(first + 1, values[-1] + 1))
        numbers.extend(values)
    return sorted({n for n in numbers if 1 <= n <= count})


_SECTION_END = re.compile(
    r"^(?:reasons? for (?:the |my |our )?decision|reasons|public interest test|harm test|"
    r"exemptions? (?:applied|used)|explanation of (?:the )?exemptions?|refusal notice)\s*:?$",
    re.IGNORECASE,
)


def _until_closing(lines: list[str]) -> list[str]:
    kept: list[str] = []
    for line in lines:
        if _CLOSING.match(line) or (kept and _SECTION_END.match(line)):
            break
        kept.append(line)
    return kept


def _response_text(lines: list[str], start: int) -> str:
    return "\n".join(_until_closing(lines[start:])).strip()


def _inline_pairs(lines: list[str], run: list[_Item]) -> tuple[list[tuple[str, str]], str, str]:
    pairs: list[tuple[str, str]] = []
    for position, item in enumerate(run):
        end = run[position + 1].start if position + 1 < len(run) else len(lines)
        body = _until_closing(lines[item.start + 1 : end])
        pairs += _separately_answered_parts(item.text, body) or [_split_question_answer(item.text, body)]
    if len(run) >= 2 and not any(answer for _, answer in pairs[:-1]):
        # Only the last item has text under it: a list of questions, then the response.
        start = _question_end(lines, run[-1].start)
        return _answer_by_number(_item_texts(lines, run, stop=start), lines, start, None)
    preamble = "\n".join(_until_closing(lines[: run[0].start]))
    # Text before the first question (an opening NCND, say) is shared only as a stance.
    return pairs, "", _after_request_head(preamble)


def _separately_answered_parts(intro: str, body: list[str]) -> list[tuple[str, str]]:
    """Lettered sub-questions each with its own answer become questions of their own."""
    starts = [index for index, line in enumerate(body) if _LETTERED.match(line)]
    if len(starts) < 2 or starts[0] > 1:
        return []
    bounds = [*starts, len(body)]
    parts = []
    for index, start in enumerate(starts):
        match = _LETTERED.match(body[start])
        assert match is not None
        question, answer = _split_question_answer(match.group(2), body[start + 1 : bounds[index + 1]])
        if not answer:
            return []  # sub-questions answered together stay with their parent
        parts.append((f"{intro} {question}".strip() if intro.endswith(":") else question, answer))
    return parts


def _question_end(lines: list[str], start: int) -> int:
    """Index of the first line after the question that starts at `start`."""
    index = start + 1
    while index < len(lines):
        line, previous = lines[index], lines[index - 1]
        if not line or (re.search(r"[.?!]\W?$", previous) and not _SUB_ITEM.match(line)):
            break
        index += 1
    return index


def _split_question_answer(first: str, body: list[str]) -> tuple[str, str]:
    subs = 0
    while subs < len(body) and _SUB_ITEM.match(body[subs]) and not _ANSWER.match(body[subs]):
        subs += 1
    if subs:
        # Lettered sub-questions stay with their parent question.
        first, body = " ".join([first, *body[:subs]]), body[subs:]
    for index, line in enumerate(body):
        match = _ANSWER.match(line)
        if match:
            question = " ".join([first] + [ln for ln in body[:index] if ln]).strip()
            answer = "\n".join([match.group(1), *body[index + 1 :]]).strip()
            return question, answer
    inline = _ANSWER_INLINE.search(first)
    if inline:
        return first[: inline.start()].strip(), (first[inline.end():] + "\n" + "\n".join(body)).strip()
    if "?" in first and not first.rstrip().endswith("?"):
        head, _, tail = first.partition("?")
        return head + "?", (tail.strip(" -\u2013:") + "\n" + "\n".join(body)).strip()
    question_lines = [first]
    rest = list(body)
    # Question text can run over several lines up to its question mark.
    if not first.rstrip().endswith(("?", ".")):
        for index, line in enumerate(body[:4]):
            if line.rstrip().endswith("?"):
                question_lines += body[: index + 1]
                rest = body[index + 1 :]
                break
    return " ".join(question_lines).strip(), "\n".join(rest).strip()


_ANSWER_INLINE = re.compile(r"\s(?:Response|Answer|Reply)\s*[:\-\u2013]\s", re.IGNORECASE)


def _after_request_head(text: str) -> str:
    return text


def _prose_pairs(lines: list[str]) -> tuple[list[tuple[str, str]], str, str]:
    """One precedent for an unnumbered letter: the request sentence and the response."""
    request_start = next((i for i, line in enumerate(lines) if _REQUEST_HEAD.match(line)), None)
    if request_start is not None:
        split = _response_head_between(lines, request_start, len(lines))
        if split is None:
            split = next((i for i in range(request_start + 1, len(lines)) if not lines[i]), len(lines))
            split = next((i for i in range(split + 1, len(lines)) if lines[i]), split)
        question = " ".join(ln for ln in lines[request_start + 1 : split] if ln and not _RESPONSE_HEAD.match(ln))
        if question:
            return [(question, _response_text(lines, split))], "", ""
    split = _response_head_between(lines, -1, len(lines))
    if split is not None:
        question = _request_sentence(lines[: split - 1]) or " ".join(ln for ln in lines[: split - 1] if ln)
        return [(question, _response_text(lines, split))], "", ""
    question = _request_sentence(lines[:40]) or " ".join(lines[:2])
    return [(question, _response_text(lines, 0))], "", ""


_ASKING = re.compile(
    r"^(?:you (?:asked|requested|wrote|have asked|sought)|your request|in your request|i would like|"
    r"i am writing to request|please (?:provide|send|supply|tell|disclose)|can you|could you|"
    r"how (?:many|much|often)|what|which|when|whether)\b",
    re.IGNORECASE,
)


def _request_sentence(lines: list[str]) -> str:
    body = [_GREETING.sub("", ln) for ln in _until_closing(lines) if ln and not _HEADER_LINE.match(ln)]
    sentences = re.split(r"(?<=[.?!])\s+", " ".join(ln for ln in body if ln))
    for sentence in sentences:
        if sentence.endswith("?") or _ASKING.match(sentence) or _ASKED_WITHIN.search(sentence):
            return sentence.strip()
    return ""


_ASKED_WITHIN = re.compile(r"\b(?:in which|where) you (?:asked|requested|sought)\b", re.IGNORECASE)


_HEADER_LINE = re.compile(r"^(?:[\w ]{1,30}:\s.{0,60}|.{0,60}\b(?:19|20)\d\d)$")


def _prose_request(request_lines: list[str]) -> str:
    body = [_GREETING.sub("", ln) for ln in _until_closing(request_lines) if ln]
    return " ".join(ln for ln in body if ln)[:_MAX_QUESTION]


def _request_stance(text: str, regime: Regime) -> RequestStance | None:
    if not _NCND.search(text):
        return None
    cited = [c for c in find_citations(text, regime) if section_key(c) not in ("s12", "s14", "s21")]
    return RequestStance(Disposition.NCND, tuple(cited)) if cited else None


_REASONING_KINDS = (
    ("public_interest", re.compile(r"public interest|favou?ring|balance|factors", re.I)),
    ("ncnd", _NCND),
    ("harm_test", re.compile(r"harm|prejudic|would be likely|undermin|compromis|risk", re.I)),
)


def _exemption_precedents(
    lines: list[str], regime: Regime, source: str, reference: str, when: str, authority: str
) -> list[ExemptionPrecedent]:
    found: list[ExemptionPrecedent] = []
    current: list[str] = []
    for line in lines:
        if not line:
            continue
        head = find_citations(line[:120], regime)
        if head and (len(line) < 120 or re.match(r"(?i)^(?:section|s\.?\s?\d|reg)", line)):
            current = [c for c in head if section_key(c) not in ("s16", "s17")]
        if _CLOSING.match(line):
            current = []
            continue
        if len(line) < 100 or not current:
            continue
        kind = next((name for name, pattern in _REASONING_KINDS if pattern.search(line)), None)
        if kind is None:
            continue
        for section in current:
            found.append(ExemptionPrecedent(section, kind, line, reference, when, authority, regime, source))
    return found
