"""Splitting an incoming request into its questions.

Email furniture goes first (headers, greeting, sign-off, quoted history); then the reader's
one question-list grammar (knowledge.reading.questions) finds the questions: every numbered,
lettered or bulleted item and every paragraph that asks for information, with the lines that
only introduce a list carried by its items. Nothing is dropped silently: what is not a
question comes back as `left_out`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.personal_data import EMAIL, PHONE, SIGN_OFF
from knowledge.reading.questions import read_questions

_HEADER = re.compile(r"^(?:from|to|cc|sent|date|subject|reply-to)\s*:", re.IGNORECASE)
_QUOTED_START = re.compile(
    r"^(?:on .{4,160} wrote:|-{2,}\s*original message\s*-{2,}|_{5,}|from:\s.*<.*@.*>|"
    r"-{3,}\s*(?:forwarded|original)[^-]*-{3,})\s*$",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(?:dear|hello|hi|good (?:morning|afternoon)|to whom it may concern)\b[^\n]{0,60}$",
                       re.IGNORECASE)

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
        if EMAIL.fullmatch(stripped) or PHONE.fullmatch(stripped) or re.fullmatch(r"(?:https?://|www\.)\S+", stripped):
            continue  # a signature's contact line, not part of the request
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
    """Lines of the body that no question holds (shown so a caseworker can add them)."""


def split_request(text: str) -> list[str]:
    """The questions of a request, in order; a request with none is one question."""
    return list(split_request_detailed(text).questions)


def split_request_detailed(text: str) -> RequestSplit:
    """The questions of a request, every numbered, lettered or bulleted part one, and what was left out.

    The grammar is the reader's (knowledge.reading.questions), so an incoming request is split the
    way past requests are read.
    """
    body = clean_request(text) or " ".join(text.split())
    read = read_questions(body)
    questions = [" ".join(q.split()) for q in read.questions(split_parts=True, split_sentences=True) if q.strip()]
    left_out = list(read.left_out)
    if not questions:
        whole = " ".join(body.split())
        questions = [whole] if whole else []
        left_out = []
    overflow = questions[MAX_QUESTIONS:]
    return RequestSplit(tuple(questions[:MAX_QUESTIONS]), (*left_out, *overflow))
