"""Stage 1: a document's structure, the messages of a thread or the one letter, furniture removed.

A WhatDoTheyKnow thread (rendered by knowledge.loaders or knowledge.wdtk) is a run of
messages under `----- outgoing/incoming message, DATE, from WHO -----` separators. Each
message is cut at its quoted history and sign-off, stripped of e-mail disclaimers,
"Visible links" lists and WhatDoTheyKnow's own footers, reflowed, and typed: the request,
the requester's later messages (a clarification, a review request), and the authority's
acknowledgements, holding replies, clarification requests, substantive responses and
internal reviews. Boilerplate tells the types apart better than content: appeal rights
and re-use (Open Government Licence) wording mark a response; "20 working days" and
"logged as" wording mark an acknowledgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from knowledge.personal_data import SIGN_OFF
from knowledge.reading.text import CELL, cells_marked, normalise, reflow

THREAD_SEPARATOR = re.compile(
    r"^-{3,}\s*(outgoing|incoming) message,\s*([^,]*?)\s*,\s*from\s+(.*?)\s*-{3,}\s*$",
    re.IGNORECASE | re.MULTILINE,
)


class Sender(StrEnum):
    """Who wrote a message."""

    REQUESTER = "requester"
    AUTHORITY = "authority"


class MessageKind(StrEnum):
    """What a message does in the exchange."""

    REQUEST = "request"
    CLARIFICATION = "clarification"
    """The requester narrows, clarifies or restates the request."""
    REVIEW_REQUEST = "review_request"
    FOLLOW_UP = "follow_up"
    ACKNOWLEDGEMENT = "acknowledgement"
    HOLDING = "holding"
    """A delay, an extension, "we are working on it"."""
    CLARIFICATION_REQUEST = "clarification_request"
    RESPONSE = "response"
    REVIEW = "review"
    """The authority's internal review outcome."""
    OTHER = "other"


@dataclass(frozen=True)
class Message:
    """One message of a thread (or the one letter of a document), furniture removed."""

    sender: Sender
    date: str
    author: str
    lines: tuple[str, ...]
    """Logical lines of the body: reflowed, without quoted history, sign-off or footers."""
    kind: MessageKind
    closing: tuple[str, ...] = ()
    """The closing boilerplate (appeal rights, re-use, queries), kept apart from the answers."""
    attachments: tuple[str, ...] = ()
    """File names of the attachments the message lists (their contents are not in the text)."""

    @property
    def text(self) -> str:
        """The body as one string of logical lines."""
        return "\n".join(self.lines)


_QUOTE_START = re.compile(
    r"^(?:-{2,}\s*original message\s*-{2,}|-{3,}\s*(?:forwarded|original)[^-]*-{3,}|"
    r"on .{4,200}\bwrote:\s*$|>|_{10,}\s*$|-{20,}\s*$|from:\s.{1,200}$|"
    r"sent from my (?:iphone|ipad|android|samsung|mobile)|get outlook for)",
    re.IGNORECASE,
)
_HEADER_FOLLOW = re.compile(r"^(?:sent|date|to|subject|cc)\s*:", re.IGNORECASE)
_FURNITURE_LINE = re.compile(
    r"^(?:\[?\d{1,3}\]?\.?\s*(?:mailto:|https?://)\S*|"
    r"\[\d{1,3}\]\s*$|https?://\S+$|mailto:\S+$|email:\s*\[.*\]$|po box \d+|"
    r"tel(?:ephone)?\s*[:.]?\s*[\d ()+]{6,}$|www\.\S+$|--\s*$)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^(?:this e-?mail(?:,| and| is| may| message)|this message (?:and any|is|may)|"
    r"the information (?:in|contained in) this e-?mail|if you are not the intended recipient|"
    r"disclaimer:|is \[.*\] the wrong address|please use this email address for all replies|"
    r"any views or opinions|we have checked this e-?mail|this email has been scanned|"
    r"please consider the environment|privacy notice:)",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:if you (?:are|remain|were) (?:unhappy|dissatisfied|not satisfied)|if you have any (?:further )?"
    r"(?:queries|questions)|if you are not content|the information (?:provided|supplied|disclosed) "
    r"(?:in this response |to you )?is available for re-?use|re-?use of (?:the )?information|"
    r"you (?:have the right|can ask for|are entitled to (?:have|request|ask))|internal review requests should|"
    r"(?:you can|you may) (?:contact|complain to) the information commissioner|"
    r"if you remain dissatisfied|please do not hesitate to contact|should you have any (?:further )?"
    r"(?:queries|questions)|copyright|your right(?:s)? (?:to|of) (?:complain|appeal|review)|"
    r"complaint rights|right of (?:review|appeal)|"
    r"(?:i|we) hope (?:that )?(?:the|this) (?:information|response|reply)[^.]{0,40}\b(?:is|was|will be) (?:of )?"
    r"(?:help|use|helpful|useful|assistance))",
    re.IGNORECASE,
)
_RESUMES = re.compile(
    r"^(?:dear\b|(?:our |your )?ref(?:erence)?\s*[:.]|date\s*:|your request\s*:?$|(?:the )?request\s*:?$|"
    r"freedom of information (?:act|request)|[A-Z][A-Z ,&]{8,}$)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:(?:dear|hello|hi|hiya|good (?:morning|afternoon|evening))\b(?:\s+[\w.'&-]+){0,6}\s*[,:!]?|"
    r"(?:dear|hello|hi)\b[^,.?!]{0,60},|to whom it may concern[,:]?)\s*$",
    re.IGNORECASE,
)

_ACKNOWLEDGEMENT_CUES = re.compile(
    r"(?:has been|have been|was) logged|logged (?:as|under)|(?:must|will|aim to|should) (?:respond|reply|"
    r"provide (?:you with )?(?:a|our) response)(?: to you)? (?:promptly|within|by|no later)|"
    r"will be dealt with under|acknowledge(?:s|d)? (?:receipt|your)|(?:we|i) (?:have )?received your "
    r"(?:request|e-?mail)|reference number for your request|thank you for your (?:e-?mail|request)[^.]{0,80}"
    r"\bwhich we received\b[^.]*\.\s*$|auto(?:matic|mated)? (?:reply|response)|out of (?:the )?office",
    re.IGNORECASE,
)
_HOLDING_CUES = re.compile(
    r"apolog\w* for (?:not meeting|(?:the |any )?(?:continued |further |ongoing )?delay|missing)|(?:are|is) "
    r"(?:still |actively |currently )?working on (?:providing )?(?:your request|a response|the response|your response)|"
    r"aim to (?:respond|reply|provide)|will be in touch|backlog|(?:need|require) (?:more|further|additional) time|"
    r"extend(?:ed|ing)? the "
    r"(?:deadline|time|response date)|public interest (?:test )?(?:extension|consideration)|"
    r"not (?:yet )?(?:been )?able to (?:complete|finalise|respond)|(?:chasing|chased) (?:up )?(?:the )?"
    r"(?:service|department)|overdue|"
    # The response is late, not the thing asked for: "the strategy is not yet complete" answers a question.
    r"\b(?:response|reply|review|request|it)\b[^.]{0,40}?(?:is|are) not (?:quite |yet )?(?:finished|ready|complete)\b|"
    r"(?:we|i) (?:are|am) not (?:quite |yet )?(?:ready|able) to (?:respond|reply)|"
    r"we will (?:provide|send|issue) (?:it|this|the response|a response|our response|your response|the full response) "
    r"(?:this week|shortly|by|as soon as|within)",
    re.IGNORECASE,
)
_CLARIFICATION_REQUEST_CUES = re.compile(
    r"(?:could|can|would) you (?:please )?(?:clarify|confirm|specify|provide (?:further|more) (?:details|"
    r"information))|(?:seek|need|require|request) (?:some )?clarification|before we can (?:process|deal|"
    r"respond|proceed)|please (?:clarify|specify)|(?:could|can|would) you (?:please )?let us (?:know|have) "
    r"your (?:full )?name|cannot (?:process|deal with|accept) (?:your|this) request|not (?:a )?valid request|"
    r"the (?:20|twenty) working day (?:period|clock) will (?:start|begin|not start)|"
    r"we will not be able to (?:process|deal with) your request until",
    re.IGNORECASE,
)
_RESPONSE_CUES = re.compile(
    r"please find (?:below |attached |enclosed )?(?:\w+\s){0,5}(?:response|reply|information|answer|"
    r"documents?|attached)|response to your request|(?:set out|listed|is provided|are provided) below|"
    r"available for re-?use|open government licence|if you are (?:unhappy|dissatisfied|not satisfied) with "
    r"(?:the|this|our) (?:response|reply|decision|outcome)|ask for an internal review|"
    r"(?:do|does) not hold (?:this|the|any)|not held|exempt (?:from|under)|section \d{2}|"
    r"(?:in response to|in answer to|with regard to) (?:your |question|point|part)|"
    r"(?:the|our) (?:council|authority|force|trust|department)'?s? response|please see (?:attached|below)|"
    r"find attached|attached (?:is|are|please)",
    re.IGNORECASE,
)
_REVIEW_CUES = re.compile(
    r"internal review (?:has been|was|is now) (?:completed|carried out|conducted|concluded)|"
    r"(?:i|we) have (?:now )?(?:completed|carried out|conducted|undertaken) (?:an|the|your) (?:internal )?review|"
    r"outcome of (?:the|your) (?:internal )?review|(?:i|we) (?:have decided to |are )?(?:uphold|partially uphold|"
    r"not uphold|upholding|partially upholding|partly upholding)|(?:is|are|been|was) (?:partially |partly |not )?"
    r"upheld|reviewing officer|"
    r"review of (?:the|your) (?:handling|request|response)",
    re.IGNORECASE,
)
_REQUESTER_CLARIFICATION = re.compile(
    r"\bclarif|\bnarrow|\brefine (?:my|the)|(?:amend|revise|rephrase|restate|change)(?:d|s)? (?:my |the )?"
    r"request|revised request|to be clear|i (?:would|'d) like to (?:amend|narrow|limit|restrict)|"
    r"(?:just|only) (?:want|need|require|like)|limit (?:my|the) request|reduce (?:the scope|my request)",
    re.IGNORECASE,
)
_REQUESTER_REVIEW = re.compile(r"internal review|review (?:of|the) (?:handling|decision|response)", re.IGNORECASE)


def is_thread(text: str) -> bool:
    """Whether a text is a thread of messages under WhatDoTheyKnow-style separators."""
    return THREAD_SEPARATOR.search(text) is not None


def thread_messages(text: str) -> list[Message]:
    """The messages of a thread, in order, each cleaned and typed."""
    text = normalise(text.replace("\t", CELL))
    markers = list(THREAD_SEPARATOR.finditer(text))
    messages: list[Message] = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        sender = Sender.REQUESTER if marker.group(1).lower() == "outgoing" else Sender.AUTHORITY
        raw, attachments = _without_attachment_list(text[marker.end() : end].split("\n"))
        body, closing = clean_body(raw, closing_apart=sender is Sender.AUTHORITY)
        first_request = sender is Sender.REQUESTER and not any(m.sender is Sender.REQUESTER for m in messages)
        kind = _kind(sender, body, closing, first_request)
        messages.append(Message(sender, _iso(marker.group(2)), marker.group(3).strip(), tuple(body), kind,
                                tuple(closing), tuple(attachments)))
    return messages


def letter_message(text: str, sender: Sender = Sender.AUTHORITY) -> Message:
    """A document that is one letter (a disclosure-log page, a PDF, a Word file) as one message."""
    body, closing = clean_body(normalise(text).split("\n"), cut_at_sign_off=False,
                               closing_apart=sender is Sender.AUTHORITY)
    kind = MessageKind.RESPONSE if sender is Sender.AUTHORITY else MessageKind.REQUEST
    return Message(sender, "", "", tuple(body), kind, tuple(closing))


_ATTACHMENT_COUNT = re.compile(r"^\s*\d+\s+attachments?\s*$", re.IGNORECASE)
_ATTACHMENT_FURNITURE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s?[KMG]B?|download|view as html)\s*$", re.IGNORECASE)


def _without_attachment_list(raw: list[str]) -> tuple[list[str], list[str]]:
    """A WhatDoTheyKnow message without its "2 Attachments / name.pdf / 120K / Download" list, and the names."""
    lines = list(raw)
    start = next((i for i, line in enumerate(lines[:8]) if _ATTACHMENT_COUNT.match(line)), None)
    if start is None:
        return lines, []
    names: list[str] = []
    index = start + 1
    while index < len(lines) and (not lines[index].strip() or _ATTACHMENT_FURNITURE.match(lines[index]) or
                                  re.search(r"\.[A-Za-z0-9]{2,5}\s*$", lines[index])):
        if lines[index].strip() and not _ATTACHMENT_FURNITURE.match(lines[index]):
            names.append(lines[index].strip())
        index += 1
    return lines[:start] + lines[index:], names


def clean_body(raw: list[str], cut_at_sign_off: bool = True,
               closing_apart: bool = True) -> tuple[list[str], list[str]]:
    """A message body without quoted history, sign-off, disclaimers and link lists; and its closing.

    `closing_apart` sets the authority's closing boilerplate (review rights, re-use) apart; a
    requester's message keeps every line.
    """
    kept: list[str] = []
    signed = False
    for index, line in enumerate(raw):
        stripped = line.strip()
        if _starts_quote(raw, index):
            break
        if cut_at_sign_off and SIGN_OFF.match(stripped) and kept:
            signed = True
            break
        if re.match(r"(?i)^(?:references|visible links)\s*$", stripped) and kept:
            break  # the links list that ends a WhatDoTheyKnow message
        kept.append(line)
    # A requester's appended table keeps its columns; elsewhere a tab is a space.
    kept = [cells_marked(line) if not closing_apart else line.replace(CELL, " ") for line in kept]
    lines = reflow(kept)
    body: list[str] = []
    closing: list[str] = []
    in_disclaimer = False
    in_closing = False
    for line in lines:
        if not line:
            in_disclaimer = False
            if body and body[-1]:
                body.append("")
            continue
        if _DISCLAIMER.match(line):
            in_disclaimer = True
        if in_disclaimer or _FURNITURE_LINE.match(line):
            continue
        if in_closing and _RESUMES.match(line):
            in_closing = False  # a letter attached under a covering note starts after the note's closing
        if closing_apart and (in_closing or _CLOSING.match(line) or SIGN_OFF.match(line)):
            closing.append(line)
            in_closing = True
            continue
        body.append(line)
    while body and not body[-1]:
        body.pop()
    if not closing_apart and not signed and body and _NAME_LINE.match(body[-1]) and len(body) > 1:
        body.pop()  # the requester's name under a message with no sign-off
    while body and (not body[0] or _GREETING.match(body[0])):
        body.pop(0)
    return body, closing


_NAME_LINE = re.compile(r"^(?:(?:mr|mrs|ms|miss|dr|prof)\.?\s+)?(?:[A-Z][a-z'-]*\.?\s*){1,3}$")


def _starts_quote(raw: list[str], index: int) -> bool:
    line = raw[index].strip()
    if not _QUOTE_START.match(line):
        return False
    if re.match(r"(?i)^from:", line):
        # An Outlook header block: From: then Sent:/To:/Subject: within a few lines.
        return any(_HEADER_FOLLOW.match(raw[j].strip()) for j in range(index + 1, min(index + 5, len(raw))))
    if re.match(r"^-{20,}\s*$", line):
        follow = " ".join(raw[index + 1 : index + 3]).lower()
        return "please use this email address" in follow or "disclaimer" in follow or "original" in follow \
            or index > 0
    return True


def _kind(sender: Sender, body: list[str], closing: list[str], first_request: bool) -> MessageKind:
    text = " ".join(body)
    if sender is Sender.REQUESTER:
        if first_request:
            return MessageKind.REQUEST
        if _REQUESTER_REVIEW.search(text):
            return MessageKind.REVIEW_REQUEST
        if _REQUESTER_CLARIFICATION.search(text):
            return MessageKind.CLARIFICATION
        return MessageKind.FOLLOW_UP
    whole = text + " " + " ".join(closing)
    if _REVIEW_CUES.search(text):
        return MessageKind.REVIEW
    responding = bool(_RESPONSE_CUES.search(whole)) or bool(closing)
    words = len(text.split())
    if _CLARIFICATION_REQUEST_CUES.search(text) and not re.search(r"(?i)please find|not held|exempt", text):
        return MessageKind.CLARIFICATION_REQUEST
    sentences = re.split(r"(?<=[.!?])\s+", text)
    # What the message opens with ("Thank you for your email. This inbox is not monitored until ..."),
    # not a footer under a real answer.
    opening = " ".join(sentences[:2] if re.match(r"(?i)(?:thank you|thanks)\b", text) else sentences[:1])
    if _AUTO_REPLY.search(opening) and words < 400 and not responding and not _decides(text):
        return MessageKind.OTHER  # "This inbox is not being monitored until ...": nobody has read it yet
    if _ACKNOWLEDGEMENT_CUES.search(text) and (not responding or words < 90) and not _decides(text):
        return MessageKind.ACKNOWLEDGEMENT
    if _HOLDING_CUES.search(text) and not _decides(text) and words < 200:
        return MessageKind.HOLDING
    if responding or _decides(text) or words >= 8:
        return MessageKind.RESPONSE  # an authority's message that is none of the above answers something
    return MessageKind.OTHER


_AUTO_REPLY = re.compile(
    r"(?:will not be|(?:is|are) not being|(?:is|are) not) monitored|will be (?:picked up|read|dealt with) "
    r"(?:when|on|after) (?:staff|I|we|the team) return|(?:on|am|is) annual leave|out of (?:the )?office|"
    r"automatic(?:ally generated)? reply|auto-?reply|(?:i|we) (?:am|are) (?:currently )?away|"
    r"limited access to (?:my )?e-?mail",
    re.IGNORECASE,
)


_DECIDES = re.compile(
    r"(?:do|does|did) not hold|not held|is exempt|are exempt|exempt (?:from|under)|withh[eo]ld|"
    r"neither confirm nor deny|(?:cost|appropriate) limit|vexatious|reasonably accessible|"
    r"please (?:find|see) (?:the )?attached|(?:can|are able to) (?:confirm|provide)|"
    r"(?:is|are|was|were) as follows",
    re.IGNORECASE,
)


def is_acknowledgement(text: str) -> bool:
    """An authority's message that only acknowledges a request: it decides nothing."""
    return bool(_ACKNOWLEDGEMENT_CUES.search(text)) and not _decides(text)


def _decides(text: str) -> bool:
    return _DECIDES.search(text) is not None


def _iso(text: str) -> str:
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
    return match.group(0) if match else ""
