"""Where a letter keeps its questions and where its answers: the layouts authorities use.

- A block: the request restated ("You asked:", "I note you seek access to the following
  information:", or just the numbered list), then the decision and the answers (numbered
  again, restated one by one, or in prose that names the questions).
- Interleaved: each numbered question with its answer beneath it, to the next question.
- Prose: one request sentence ("You asked for ...", or the first sentence that asks) and the reply.

The questions themselves are read with the one question-list grammar
(knowledge.reading.questions); this module only finds where they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.reading.questions import (
    ItemKind,
    MarkedLine,
    RequestItem,
    asks,
    is_procedural,
    mark_lines,
    read_questions,
)

REQUEST_HEAD = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:what|which) you asked(?: for| us)?|details of (?:your|the) request|"
    r"you asked(?: for| us)?(?: the following)?[^:.]{0,80}|(?:the )?(?:applicant|requester)s? "
    r"(?:asked|requested|sought)(?: for)?[^:.]{0,60}|your (?:request|questions?|e-?mail)"
    r"(?: was| read| asked| is set out| are set out)?[^:.]{0,60}|the request|request(?: details)?|you wrote|"
    r"you requested|you have (?:asked|requested)|information requested|requested information|"
    r"(?:i|we) note (?:that )?you (?:seek|have requested|requested)[^:]{0,80}|in your (?:e-?mail|request|letter)"
    r"[^:]{0,80}|[^.]{0,80}(?:the following information|requested the following|asked for the following)"
    r"[^.]{0,80})\s*[:.]?\s*$",
    re.IGNORECASE,
)
RESPONSE_HEAD = re.compile(
    r"^(?:#+\s*)?(?:in response|responses?|our response|disclosure|answers?|reply|our reply|decision|"
    r"the response|information disclosed|outcome|response to (?:your|the) request|[A-Za-z]{2,12} response|"
    r"information released|our answer|(?:the )?information (?:you requested|requested) is as follows|"
    r"(?:the )?information (?:we|i) (?:hold|can (?:provide|disclose)))\s*[:.]?\s*$",
    re.IGNORECASE,
)
# "What you asked for" is a heading, though it opens with a question word.
_ASKED_HEADING = re.compile(r"(?i)^(?:#+\s*)?(?:what|which) you asked(?: for| us)?\s*[:.]?\s*$")
_DECISION = re.compile(
    r"\b(?:i|we|the council|the force|the trust|the department|the authority|it) (?:have|has) (?:today )?"
    r"(?:decided|considered|searched|located|completed|concluded)|"
    r"\b(?:your request has been|this request has been|it has been) (?:handled|dealt with|considered)|"
    r"this (?:letter|response) (?:serves|acts|is) as|refusal notice|neither confirm nor deny|"
    r"\b(?:we|i) can confirm|\b(?:the|this) information (?:is|was) (?:held|exempt|not held)|"
    r"^(?:some|all) (?:of )?the information|please find (?:below|attached|enclosed)|"
    r"(?:has|have) answered your request|in response to (?:your|question)",
    re.IGNORECASE,
)
_QUOTE_START = re.compile(r"^-{1,}\s*(?:letter|quote|e-?mail|message|extract|text|document)\s+(?:start|begins?|"
                          r"starts)\s*-{0,}\s*$", re.IGNORECASE)
_QUOTE_END = re.compile(r"^-{1,}\s*(?:letter|quote|e-?mail|message|extract|text|document)\s+(?:end|ends)\s*-{0,}\s*$",
                        re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^(?:if (?:yes|so|not|no)|and if|where (?:this|that)|in (?:each|either) case)\b", re.I)


@dataclass(frozen=True)
class LetterLayout:
    """A letter's questions and the lines that answer them."""

    items: list[RequestItem]
    response: list[str]


def without_quoted_documents(lines: list[str]) -> list[str]:
    """A requester's message without a document it quotes ("-- Letter start -- ... -- Letter end --")."""
    out: list[str] = []
    quoting = False
    for line in lines:
        if _QUOTE_START.match(line.strip()):
            quoting = True
            continue
        if quoting:
            quoting = not _QUOTE_END.match(line.strip())
            continue
        out.append(line)
    return out


def letter_layout(lines: list[str]) -> LetterLayout:
    """The questions a letter restates and the lines that hold their answers."""
    marked = mark_lines(lines)
    head = next((i for i, line in enumerate(lines) if REQUEST_HEAD.search(line)
                 and (_ASKED_HEADING.match(line.strip()) or not asks(line.split(":")[-1]))), None)
    # With a heading for the request, its list stands before the heading of the response.
    limit = _response_start(marked, head + 1) if head is not None else len(marked)
    run = _numbered_run(marked, start=head + 1 if head is not None else 0, stop=limit)
    if run is None and head is not None:
        run = _numbered_run(marked, start=0, stop=head)
    if run is None:
        run = _lettered_run(marked, start=head + 1 if head is not None else 0, stop=limit)
    if run is not None and _interleaved(marked, run):
        items = _answered_items(marked, run[0])
        if len(items) >= 2:
            return LetterLayout(items, lines)
    if run is not None:
        start = head + 1 if head is not None and head < run[0] else _block_start(marked, run[0])
        end = _block_end(marked, run[-1])
        items = read_questions("\n".join(lines[start:end]), reflowed=True).flat(split_parts=False)
        if items:
            return LetterLayout(items, lines[end:])
    if head is not None:
        end = _prose_end(marked, head + 1)
        items = read_questions("\n".join(lines[head + 1 : end]), reflowed=True).flat(split_parts=False)
        if items:
            return LetterLayout(items, lines[end:])
    labelled = [i for i, line in enumerate(lines) if re.match(r"(?i)^(?:q|question|request)\s*[:.\-]\s*\S", line)]
    if labelled:
        items = [RequestItem(re.sub(r"(?i)^(?:q|question|request)\s*[:.\-]\s*", "", lines[i]), ItemKind.PROSE)
                 for i in labelled]
        return LetterLayout(items, lines)
    numbered = [i for i, m in enumerate(marked) if m.kind is ItemKind.NUMBERED and m.label.isdigit()]
    if len(numbered) == 1 and marked[numbered[0]].label == "1" and asks(marked[numbered[0]].text):
        # A one-question letter set out as a list: "1. Please send X." then its answer.
        index = numbered[0]
        return LetterLayout([RequestItem(marked[index].text, ItemKind.NUMBERED, "1")], lines[index + 1 :])
    for index, line in enumerate(lines[:40]):
        inline = _INLINE_REQUEST.search(line)
        if inline and len(inline.group(1).split()) >= 4:
            asked = read_questions(inline.group(1).strip(' "'), reflowed=True).flat(split_parts=False)
            if asked:
                return LetterLayout(asked, lines[index + 1 :])
        if re.search(r"(?i)\byou (?:asked|requested|wanted|sought)\b|\byour request (?:for|about|regarding)\b", line) \
                or (asks(line) and not is_procedural(line) and "?" in line):
            return LetterLayout([RequestItem(_request_sentence(line), ItemKind.PROSE)], lines[index + 1 :])
    return LetterLayout([], lines)


_INLINE_REQUEST = re.compile(
    # "You wrote: "Please send ..."", "Thank you for your email asking how many ...", "in which you asked for ..."
    r"(?i)(?:\byou (?:wrote|asked|said)\s*:\s*|\b(?:asking|requesting|seeking|in which you (?:asked|requested))\s+"
    r"(?=(?:for|how|whether|what|which|when|who|about|if|copies|a copy|details|information)\b))(.{12,})$"
)


def _request_sentence(line: str) -> str:
    sentences = re.split(r"(?<=[.?!])\s+", line)
    for sentence in sentences:
        if re.search(r"(?i)\byou (?:asked|requested|wanted|sought)\b|\brequest\b|\?", sentence):
            return sentence.strip()
    return line


def _response_start(marked: list[MarkedLine], start: int) -> int:
    """The first response heading after the request's heading (or the end)."""
    for index in range(start + 1, len(marked)):
        if RESPONSE_HEAD.match(marked[index].text):
            return index
    return len(marked)


def _numbered_run(marked: list[MarkedLine], start: int, stop: int | None = None) -> list[int] | None:
    """The first run of top-level numbered items 1, 2, 3 ... (line indices), at least two long."""
    runs: list[list[int]] = []
    current: list[int] = []
    expected = 1
    for index in range(start, len(marked) if stop is None else stop):
        line = marked[index]
        if line.kind is not ItemKind.NUMBERED or not line.label.isdigit():
            continue
        number = int(line.label)
        if number == 1:
            if len(current) >= 2:
                runs.append(current)
            current, expected = [index], 2
        elif current and number == expected:
            current.append(index)
            expected += 1
    if len(current) >= 2:
        runs.append(current)
    if not runs:
        return None
    return runs[0]


def _lettered_run(marked: list[MarkedLine], start: int, stop: int | None = None) -> list[int] | None:
    """A run of top-level lettered items a, b, c ... when the letter numbers nothing."""
    indices: list[int] = []
    expected = "a"
    for index in range(start, len(marked) if stop is None else stop):
        line = marked[index]
        if line.kind is ItemKind.LETTERED and line.label == expected:
            indices.append(index)
            expected = chr(ord(expected) + 1)
    return indices if len(indices) >= 2 else None


_ORDER = {ItemKind.NUMBERED: 0, ItemKind.LETTERED: 1, ItemKind.ROMAN: 2}


def _next_label(label: str) -> str:
    if label.isdigit():
        return str(int(label) + 1)
    roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
    if label in roman[:-1]:
        return roman[roman.index(label) + 1]
    return chr(ord(label) + 1) if len(label) == 1 else label


def _first_label(kind: ItemKind) -> str:
    return {ItemKind.NUMBERED: "1", ItemKind.LETTERED: "a", ItemKind.ROMAN: "i"}[kind]


def _answered_items(marked: list[MarkedLine], start: int) -> list[RequestItem]:
    """Questions each followed by its answer, at any depth ("1. Calls:" then "(a) ...?" answer "(b) ...?" answer).

    A marked line is a question when it carries the next label of its level (or opens a level under a
    heading); a list inside an answer restarts its labels and is left to the answer.
    """
    expected: dict[ItemKind, str] = {}
    headings: dict[int, str] = {}
    items: list[RequestItem] = []
    index = start
    while index < len(marked):
        line = marked[index]
        kind = line.kind
        if kind not in _ORDER or (not line.text and not _opens_level(marked, index)):
            index += 1
            continue
        level = _ORDER[kind]
        label = line.label
        wanted = expected.get(kind)
        opens = wanted is None or (label == _first_label(kind) and any(
            depth < level for depth in headings))
        if label != wanted and not (opens and label == _first_label(kind)):
            index += 1
            continue  # a list inside an answer
        expected[kind] = _next_label(label)
        for deeper in [k for k, depth in _ORDER.items() if depth > level]:
            expected.pop(deeper, None)
        for depth in [d for d in headings if d >= level]:
            headings.pop(depth)
        text = line.text
        end = index + 1
        if _is_heading(marked, index):
            headings[level] = text
            index += 1
            continue
        while end < len(marked) and marked[end].kind is None and marked[end].text and \
                not re.search(r"[.?!]\W?$", text) and (marked[end].text[:1].islower() or "?" in marked[end].text):
            text = f"{text} {marked[end].text}"
            end += 1
        stem = " ".join(headings[depth] for depth in sorted(headings) if depth < level)
        items.append(RequestItem(text, kind, label, stem=stem))
        index = end
    return items


def _opens_level(marked: list[MarkedLine], index: int) -> bool:
    """A marker alone on its line ("1." then "(a) ...") opens a level of its own."""
    return index + 1 < len(marked) and marked[index + 1].kind in _ORDER


def _is_heading(marked: list[MarkedLine], index: int) -> bool:
    """An item that only names what its lettered or roman parts ask ("1. Emergency calls:")."""
    line = marked[index]
    following = next((m for m in marked[index + 1 : index + 3] if m.text or m.kind), None)
    deeper = following is not None and following.kind in _ORDER and line.kind is not None and \
        _ORDER[following.kind] > _ORDER[line.kind]
    return deeper and (not line.text or line.text.endswith(":") or not asks(line.text))


def _question_lines(marked: list[MarkedLine], index: int, stop: int) -> int:
    """Index just after a numbered question: its wrapped lines, sub-parts and "If yes, ..." follow-ups."""
    position = index + 1
    text = marked[index].text
    while position < stop:
        line = marked[position]
        if not line.text and line.kind is None:
            # A blank line ends the question unless sub-parts follow straight after.
            nxt = next((m for m in marked[position + 1 : stop] if m.text or m.kind), None)
            if nxt is not None and nxt.kind in (ItemKind.LETTERED, ItemKind.ROMAN) and asks(nxt.text):
                position += 1
                continue
            break
        if line.kind in (ItemKind.LETTERED, ItemKind.ROMAN, ItemKind.BULLET) and (
                asks(line.text) or len(line.text.split()) <= 12) and not _answer_like(line.text):
            position += 1
            continue
        if line.kind is None and ((_FOLLOW_UP.match(line.text) and asks(line.text)) or (
                not re.search(r"[.?!:]$", text) and line.text[:1].islower())):
            text = line.text
            position += 1
            continue
        break
    return position


def _answer_like(text: str) -> bool:
    return bool(re.match(r"(?i)^(?:yes|no|none|nil|n/a|not held|response|answer|a\d?\s*[:.-])\b", text))


def _interleaved(marked: list[MarkedLine], run: list[int]) -> bool:
    """Whether answers stand between the numbered questions (each question with its answer beneath)."""
    answered_gaps = 0
    for position, index in enumerate(run[:-1]):
        end = _question_lines(marked, index, run[position + 1])
        gap = [m for m in marked[end : run[position + 1]] if m.text]
        if gap and not all(m.kind in (ItemKind.LETTERED, ItemKind.ROMAN) for m in gap):
            answered_gaps += 1
    if answered_gaps * 2 < len(run) - 1:
        return False
    # A second list numbered the same way after the run means the run was the restated request.
    later = _numbered_run(marked, start=run[-1] + 1)  # stop: the end of the letter
    return later is None or len(later) < len(run) - 1 or answered_gaps == len(run) - 1


def _interleaved_items(marked: list[MarkedLine], run: list[int]) -> list[RequestItem]:
    items: list[RequestItem] = []
    for position, index in enumerate(run):
        stop = run[position + 1] if position + 1 < len(run) else len(marked)
        end = _question_lines(marked, index, stop)
        text = marked[index].text
        parts: list[RequestItem] = []
        for line in marked[index + 1 : end]:
            if not line.text:
                continue
            if line.kind in (ItemKind.LETTERED, ItemKind.ROMAN, ItemKind.BULLET):
                parts.append(RequestItem(line.text, line.kind, line.label))
            elif parts:
                parts[-1] = RequestItem(f"{parts[-1].text} {line.text}", parts[-1].kind, parts[-1].label)
            else:
                text = f"{text} {line.text}"
        items.append(RequestItem(text, ItemKind.NUMBERED, marked[index].label, parts=tuple(parts),
                                 parts_are_questions=bool(parts) and all(asks(p.text) for p in parts)))
    return items


def _block_start(marked: list[MarkedLine], first: int) -> int:
    """The line that introduces a restated list ("Please provide:"), if it stands just before it."""
    for index in range(first - 1, max(-1, first - 3), -1):
        text = marked[index].text
        if not text:
            continue
        if text.endswith(":") and not _DECISION.search(text):
            return index
        break
    return first


def _block_end(marked: list[MarkedLine], last: int) -> int:
    """The line after a restated list: its last item, that item's sub-parts and follow-ups."""
    end = _question_lines(marked, last, len(marked))
    while end < len(marked) and marked[end].kind in (ItemKind.LETTERED, ItemKind.ROMAN, ItemKind.BULLET) and \
            asks(marked[end].text):
        end += 1
    return end


def _prose_end(marked: list[MarkedLine], start: int) -> int:
    """The end of a prose request after its heading: the first response heading or decision."""
    for index in range(start, len(marked)):
        text = marked[index].text
        if index > start and (RESPONSE_HEAD.match(text) or _DECISION.search(text)):
            return index
        if index > start + 1 and not text and index + 1 < len(marked) and not asks(marked[index + 1].text):
            return index
    return len(marked)
