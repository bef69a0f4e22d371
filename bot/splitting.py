"""Splitting an incoming request into its questions.

Email furniture goes first (headers, greeting, sign-off, quoted history); then numbered,
bulleted and lettered items become questions (lettered sub-questions stay with their
numbered parent), and prose is split into the sentences that ask for something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.personal_data import SIGN_OFF

_HEADER = re.compile(r"^(?:from|to|cc|sent|date|subject|reply-to)\s*:", re.IGNORECASE)
_QUOTED_START = re.compile(
    r"^(?:on .{4,160} wrote:|-{2,}\s*original message\s*-{2,}|_{5,}|from:\s.*<.*@.*>|"
    r"-{3,}\s*(?:forwarded|original)[^-]*-{3,})\s*$",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(?:dear|hello|hi|good (?:morning|afternoon)|to whom it may concern)\b[^\n]{0,60}$",
                       re.IGNORECASE)
_NUMBERED = re.compile(r"^\(?(?:Q(?:uestion)?\s*)?(\d{1,2})(?:[.):]|\s*[-\u2013])\s*(\S.*)$", re.IGNORECASE)
_LETTERED = re.compile(r"^\(?([a-h]|i{1,3}|iv|v|vi{1,3})[.)]\s*(\S.*)$")
_BULLET = re.compile(r"^[\u2022\u25cf\u25aa*\-\u2013\u00b7]\s*(\S.*)$")
_ASKING = re.compile(
    r"\?\s*$|^(?:please (?:provide|send|supply|tell|disclose|confirm|give|list|state|advise)|"
    r"(?:i|we) (?:would like|request|am requesting|wish to (?:request|know|see|obtain)|want to know|"
    r"should like|ask)|can you|could you|would you|will you|may i (?:have|see|request)|"
    r"how (?:many|much|often|long)|what|which|when|where|who|whether|details of|copies? of|a copy of|"
    r"the number of|the total|a list of|a breakdown of|any (?:records|information|correspondence|documents))",
    re.IGNORECASE,
)
_NOT_A_QUESTION = re.compile(
    r"(?:in (?:an? )?(?:electronic|excel|csv|spreadsheet|machine[- ]readable) (?:format|form)|"
    r"by (?:e-?mail|post)|under the (?:freedom of information|environmental information)|"
    r"this is a request (?:for information )?under|i look forward|please acknowledge|if you (?:need|have) any|"
    r"please (?:contact|let) me know|if any(?: part)? of (?:this|my) request)",
    re.IGNORECASE,
)
_INTRO = re.compile(r"[:\u2013-]\s*$")

MAX_QUESTIONS = 60


def clean_request(text: str) -> str:
    """The body of a request email: no headers, greeting, sign-off or quoted history."""
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    body: list[str] = []
    in_headers = True
    for line in lines:
        stripped = line.strip()
        if in_headers and (_HEADER.match(stripped) or not stripped):
            continue
        in_headers = False
        if _QUOTED_START.match(stripped) or stripped.startswith(">"):
            break
        if SIGN_OFF.match(stripped):
            break
        body.append(stripped)
    while body and not body[0]:
        body.pop(0)
    if body and _GREETING.match(body[0]):
        body.pop(0)
    return "\n".join(body).strip()


@dataclass(frozen=True)
class RequestSplit:
    """A request's questions, in order, and the text of its body not treated as a question."""

    questions: tuple[str, ...]
    left_out: tuple[str, ...]
    """Sentences or lines of the body that no question holds (shown so a caseworker can add them)."""


def split_request(text: str) -> list[str]:
    """The questions of a request, in order; a request with none is one question."""
    return list(split_request_detailed(text).questions)


def split_request_detailed(text: str) -> RequestSplit:
    """The questions of a request and what was left out of them."""
    body = clean_request(text) or " ".join(text.split())
    questions = [" ".join(q.split()) for q in _questions(body.split("\n")) if q.strip()]
    if not questions:
        whole = " ".join(body.split())
        questions = [whole] if whole else []
    questions = questions[:MAX_QUESTIONS]
    held = " ".join(questions)
    sentences = re.split(r"(?<=[.?!])\s+|\n", body)
    left_out = tuple(
        " ".join(s.split()) for s in sentences
        if len(s.split()) >= 3 and " ".join(s.split()) not in held
    )
    return RequestSplit(tuple(questions), left_out)


def _questions(lines: list[str]) -> list[str]:
    """Walk the lines: list items open questions, prose sentences that ask are questions.

    Lettered items and bullets under a numbered item that introduces them (ends with ":")
    stay with it; bullets under a prose lead-in become questions carrying the lead-in.
    """
    has_numbers = any(_NUMBERED.match(line) for line in lines)
    questions: list[str] = []
    current: list[str] | None = None  # the open list item
    parent_intro = False  # the open numbered item ends with ":" and takes sub-items
    lead_in = ""  # prose ending with ":" that introduces the bullets after it
    prose: list[str] = []

    def flush_prose() -> None:
        nonlocal lead_in
        text = " ".join(prose)
        prose.clear()
        if not text:
            return
        if _INTRO.search(text):
            sentences = re.split(r"(?<=[.?!])\s+", text)
            lead_in = sentences[-1]
            questions.extend(q for q in _prose(" ".join(sentences[:-1])))
            return
        lead_in = ""
        questions.extend(_prose(text))

    def close() -> None:
        nonlocal current, parent_intro
        if current is not None:
            questions.append(" ".join(current))
        current, parent_intro = None, False

    for line in lines:
        if not line:
            if current is not None and not parent_intro:
                close()
            elif prose:
                flush_prose()
            continue
        numbered = _NUMBERED.match(line)
        lettered = _LETTERED.match(line)
        bullet = _BULLET.match(line)
        if numbered:
            flush_prose()
            close()
            lead_in = ""
            current = [numbered.group(2)]
            parent_intro = bool(_INTRO.search(numbered.group(2)))
            lead_in = ""
        elif (lettered or bullet) and current is not None and (parent_intro or has_numbers):
            current.append(line)  # a sub-question stays with its numbered parent
        elif lettered or bullet:
            flush_prose()
            close()
            item = lettered.group(2) if lettered else bullet.group(1)  # type: ignore[union-attr]
            questions.append(f"{lead_in} {item}".strip() if lead_in else item)
        elif current is not None and not re.search(r"[.?!;]$", current[-1]):
            current.append(line)  # a wrapped line of the open item
        else:
            close()
            prose.append(line)
    close()
    flush_prose()
    return [q for q in questions if not _NOT_A_QUESTION.search(q) or "?" in q]


def _prose(text: str) -> list[str]:
    """Sentences of prose that ask for something."""
    flat = " ".join(text.split())
    if not flat:
        return []
    sentences = re.split(r"(?<=[.?!])\s+(?=[A-Z(\"'])", flat)
    asked = [s.strip() for s in sentences if _ASKING.search(s.strip()) and not _NOT_A_QUESTION.search(s)]
    return asked
