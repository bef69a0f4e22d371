"""The reader: one published response (a thread, a letter, an export row) into precedents.

Stages, each with its own module and tests: the document's structure (knowledge.reading.structure),
its questions (knowledge.reading.questions, the same grammar that splits incoming requests), the
answer to each question (knowledge.reading.answers), what each answer decides
(knowledge.reading.decisions) and the exemption reasoning (knowledge.reading.reasoning).
"""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.citations import find_citations, section_key
from knowledge.models import (
    Disposition,
    ParsedDocument,
    Precedent,
    Regime,
    RequestStance,
    SourceDocument,
)
from knowledge.personal_data import SIGN_OFF
from knowledge.personal_data import redact_correspondence as redact_requester
from knowledge.reading.answers import Answer, AnswerSource, answers_for, locate_lines
from knowledge.reading.decisions import (
    NCND_WORDING,
    citations_relied_on,
    classify_disposition,
    cross_reference,
    exemptions_relied_on,
)
from knowledge.reading.letters import letter_layout, without_quoted_documents
from knowledge.reading.metadata import detect_regime, find_authority, find_date, find_reference
from knowledge.reading.questions import RequestItem, asks, read_questions
from knowledge.reading.reasoning import exemption_reasoning
from knowledge.reading.structure import (
    THREAD_SEPARATOR,
    Message,
    MessageKind,
    Sender,
    is_thread,
    letter_message,
    thread_messages,
)
from knowledge.reading.text import containment, content_words, stem, without_copied_pieces

MAX_QUESTION = 2_000
MAX_ANSWER = 12_000
NOT_IN_TEXT = "the answer is in an attachment that the text does not carry"
NOT_ANSWERED = "no reply in the text answers this question"

_HEADER_AUTHORITY = re.compile(r"^Authority:\s*(.+)$", re.MULTILINE)
_THREAD_REFERENCE = re.compile(
    r"\b(?:reference|ref)\b[^A-Za-z0-9]{0,6}((?:FOI|EIR|FOISA)\s*/\s*[\d-]{3,12})|\b((?:FOI|EIR|FOISA)\s?/\s?\d{3,8})\b",
    re.IGNORECASE,
)
_CLARIFYING = re.compile(r"\b(?:to clarify|clarification requested|clarified|narrow|reduce the scope|refine|amended "
                         r"request|revised request|restrict|my request is for)", re.I)


def read_document(source: SourceDocument, default_authority: str = "") -> ParsedDocument:
    """Read one source document into its precedents and exemption precedents."""
    if source.kind == "thread" or is_thread(source.text):
        return _read_thread(source, default_authority)
    return _read_letter(source, default_authority)


# --- Threads -------------------------------------------------------------------------------------


def _read_thread(source: SourceDocument, default_authority: str) -> ParsedDocument:
    messages = _redacted(thread_messages(source.text), requester_names(source.text))
    header = _HEADER_AUTHORITY.search(source.text)
    authority = source.authority or (header.group(1).strip() if header else "") or next(
        (m.author for m in messages if m.sender is Sender.AUTHORITY), "") or default_authority
    request_index = _answered_request(messages)
    if request_index is None:
        return ParsedDocument(source=source, regime=detect_regime(source.text), precedents=())
    request = messages[request_index]
    later = messages[request_index + 1 :]
    replies = [m for m in later if m.kind in (MessageKind.RESPONSE, MessageKind.REVIEW)]
    regime = detect_regime("\n".join([request.text, *(m.text + "\n" + "\n".join(m.closing) for m in later)]))
    items = read_questions("\n".join(without_quoted_documents(list(request.lines))),
                           reflowed=True).flat(split_parts=False)
    if not items:
        return ParsedDocument(source=source, regime=regime, precedents=())
    answers = answers_for(items, later, lambda text: _settled(text, regime))
    stance = _stance(replies, items, regime)
    reference = source.reference or _thread_reference(source.text)
    when = source.date or next((m.date for m in replies if m.date), "") or request.date
    reply_text = "\n".join(reply.text for reply in replies)
    precedents = _precedents(answers, stance, regime, reference, when, authority, source.source, reply_text,
                             request.text)
    paragraphs = [line for reply in replies for line in reply.lines]
    relied = [label for p in precedents for label in p.exemptions] + list(stance.exemptions if stance else ())
    reasoning = exemption_reasoning(paragraphs, regime, source.source, reference, when, authority, relied)
    return ParsedDocument(source=source, regime=regime, precedents=tuple(precedents),
                          exemption_precedents=tuple(reasoning), request_stance=stance)


def _answered_request(messages: list[Message]) -> int | None:
    """The requester's message whose questions the authority answered: the first, or a clarified one.

    A later message replaces the first when the authority asked for clarification (or refused and the
    requester narrowed the request), a reply follows it, and it asks as much as the first did; a
    clarification of one question, or a query about the reply, leaves the first request standing.
    """
    first = next((i for i, m in enumerate(messages) if m.kind is MessageKind.REQUEST), None)
    if first is None:
        return None
    chosen = first
    original = read_questions(messages[first].text, reflowed=True).flat(split_parts=False)
    for index in range(first + 1, len(messages)):
        message = messages[index]
        if message.sender is not Sender.REQUESTER or not message.text:
            continue
        before = messages[index - 1] if index > 0 else None
        asked_to_clarify = any(m.kind is MessageKind.CLARIFICATION_REQUEST for m in messages[chosen + 1 : index])
        narrowing = message.kind is MessageKind.CLARIFICATION and _CLARIFYING.search(message.text) is not None
        answered_after = any(m.kind in (MessageKind.RESPONSE, MessageKind.REVIEW) for m in messages[index + 1 :])
        asked = [item for item in read_questions(message.text, reflowed=True).flat(split_parts=False)
                 if asks(item.question)]
        if not ((asked_to_clarify or narrowing) and answered_after and before is not None and
                before.sender is Sender.AUTHORITY and asked) or _QUERYING_REPLY.search(message.text) or (
                _CHASER.search(message.text) and len(message.text.split()) < 80):
            continue
        if narrowing and all(_SAME_INFORMATION.search(item.question) for item in asked):
            continue  # "the same information, but for the last two years": the questions stand, narrowed
        quotes_original = any(containment(content_words(item.question), content_words(message.text)) >= 0.9
                              for item in original)
        if not quotes_original and (narrowing or len(asked) >= len(original) or len(original) <= 2):
            chosen = index
    return chosen


_SAME_INFORMATION = re.compile(r"(?i)\b(?:the same (?:information|data|figures|details|questions)|the above "
                               r"(?:information|questions)|(?:my|the) (?:original|previous|initial) (?:request|"
                               r"questions))\b")
# "I am still awaiting information. Please provide this as per FOI guidelines.": a reminder, no new request.
_CHASER = re.compile(r"(?i)\bstill (?:awaiting|waiting (?:for|on))\b|\b(?:have|has) (?:still )?not (?:yet )?"
                     r"(?:received|had) (?:a |any |your )?(?:response|reply|answer)|\bno (?:response|reply) "
                     r"(?:has been |was )?received\b|\b(?:is|now) overdue\b")
_QUERYING_REPLY = re.compile(r"(?i)clarification (?:on|about|of) (?:this|your|the) (?:response|reply|answer)|"
                             r"(?:does not|doesn't|did not|didn't) (?:appear to )?answer|your (?:response|reply) "
                             r"(?:does not|doesn't)")


def requester_names(text: str) -> list[str]:
    """The requester's name as a thread writes it: the authority's "Dear X," and the requester's sign-off."""
    names: list[str] = []
    for match in THREAD_SEPARATOR.finditer(text):
        body = text[match.end() : match.end() + 4000]
        lines = [line.strip() for line in body.split("\n")]
        if match.group(1).lower() == "incoming":
            for line in lines[:12]:
                greeting = re.match(r"^Dear\s+([^,\n]{2,60}?)\s*,?$", line)
                if greeting and not _GENERIC_ADDRESSEE.match(greeting.group(1)):
                    names.append(greeting.group(1))
                    break
        else:
            for index, line in enumerate(lines):
                if SIGN_OFF.match(line):
                    follow = next((ln for ln in lines[index + 1 : index + 3] if ln), "")
                    if follow and len(follow) <= 60 and not re.search(r"[-=_]{3,}|\d{3,}|@", follow):
                        names.append(follow)
                    break
    return list(dict.fromkeys(names))


_GENERIC_ADDRESSEE = re.compile(
    r"^(?:sir|madam|sir or madam|sir/madam|sirs|all|requester|applicant|colleague|customer|foi(?: team)?|"
    r"freedom of information.*|information.*|team|.*council|.*police|.*constabulary|.*trust|.*department)$",
    re.IGNORECASE,
)


def _redacted(messages: list[Message], names: list[str]) -> list[Message]:
    """The requester's name out of every message."""
    out = []
    for message in messages:
        text = "\n".join(message.lines)
        redacted = redact_requester(text, names, written_by_requester=message.sender is Sender.REQUESTER)
        out.append(replace(message, lines=tuple(redacted.split("\n"))))
    return out


def _thread_reference(text: str) -> str:
    for match in _THREAD_REFERENCE.finditer(text):
        value = match.group(1) or match.group(2)
        return re.sub(r"\s+", " ", value).strip()
    return ""


# --- Letters -------------------------------------------------------------------------------------


def _read_letter(source: SourceDocument, default_authority: str) -> ParsedDocument:
    text = redact_requester(source.text)
    request_text = redact_requester(source.request, written_by_requester=True)
    letter = letter_message(text)
    lines = list(letter.lines)
    regime = detect_regime(request_text + "\n" + text)  # the authority's word last: it decides
    reference = source.reference or find_reference(lines)
    when = source.date or find_date(lines)
    authority = source.authority or find_authority(lines) or default_authority
    if request_text.strip():
        request = letter_message(request_text, Sender.REQUESTER)
        items = read_questions("\n".join(without_quoted_documents(list(request.lines))),
                               reflowed=True).flat(split_parts=False)
        response_lines = lines
    else:
        layout = letter_layout(lines)
        items, response_lines = layout.items, layout.response
    if not items:
        return ParsedDocument(source=replace(source, text=text), regime=regime, precedents=())
    reply = Message(Sender.AUTHORITY, when, authority, tuple(response_lines), MessageKind.RESPONSE)
    answers = answers_for(items, [reply], lambda text: _settled(text, regime))
    stance = _stance([reply], items, regime)
    precedents = _precedents(answers, stance, regime, reference, when, authority, source.source, "\n".join(lines),
                             request_text)
    relied = [label for p in precedents for label in p.exemptions] + list(stance.exemptions if stance else ())
    reasoning = exemption_reasoning([*lines, *letter.closing], regime, source.source, reference, when, authority,
                                    relied)
    return ParsedDocument(source=replace(source, text=text, request=request_text), regime=regime,
                          precedents=tuple(precedents), exemption_precedents=tuple(reasoning), request_stance=stance)


# --- Decisions -----------------------------------------------------------------------------------


def _stance(replies: list[Message], items: list[RequestItem], regime: Regime) -> RequestStance | None:
    """An NCND the authority takes across the whole request, stated before it answers question by question."""
    for reply in replies:
        lines = list(reply.lines)
        if not NCND_WORDING.search("\n".join(lines)):
            continue  # no NCND anywhere, so none before the answers
        located, used = locate_lines(items, lines)
        starts = [text.split("\n", 1)[0][:40] for text in located if text]
        first = next((index for index, line in enumerate(lines) if line and (
            line in used or any(start and start in line for start in starts))), None)
        if first is None:
            continue
        preamble = "\n".join(lines[:first])
        if not NCND_WORDING.search(preamble):
            continue
        cited = [c for c in find_citations(preamble, regime) if section_key(c) not in ("s12", "s14", "s21", "s1",
                                                                                       "s17", "s16")]
        if cited:
            return RequestStance(Disposition.NCND, tuple(cited))
    return None


def _precedents(answers: list[Answer], stance: RequestStance | None, regime: Regime, reference: str, when: str,
                authority: str, source: str, reply_text: str = "", request_text: str = "") -> list[Precedent]:
    shared = [label for label in citations_relied_on(reply_text or "\n".join(a.text for a in answers), regime)
              if section_key(label) not in ("s16", "s17", "s1", "s10", "s50")]
    decisions = [_decide(answer, regime, stance, shared, request_text) for answer in answers]
    for position, answer in enumerate(answers):
        target = cross_reference(answer.text) if answer.source is AnswerSource.QUESTION else None
        index = (position - 1 if target == 0 else _question_index(answers, target)) if target is not None else None
        if index is not None and 0 <= index != position:
            decisions[position] = decisions[index]  # "N/A, see our answer to Q2"
    out = []
    for position, answer in enumerate(answers):
        disposition, exemptions, in_text, note = decisions[position]
        out.append(Precedent(
            question=answer.question[:MAX_QUESTION], answer=answer.text[:MAX_ANSWER], disposition=disposition,
            exemptions=tuple(exemptions), reference=reference, date=answer.message_date or when,
            authority=authority, regime=regime, source=source, position=position, request_stance=stance,
            answer_in_text=in_text, note=note,
        ))
    return out


def _settled(text: str, regime: Regime) -> bool:
    """An answer that already gave what was asked (a later general reply does not overwrite it)."""
    return bool(text.strip()) and classify_disposition(text, regime) is Disposition.DISCLOSED and not re.search(
        r"(?i)attach|enclosed|further disclosure|will be (?:made|provided|sent)", text)


_ATTACHED_THING = (
    re.compile(r"(?i)\b(?:the|a|our|your|this)\s+((?:[\w-]+\s+){0,3}[\w-]+)\s+(?:is|are|has been|have been|was|were)\s+"
               r"(?:attached|enclosed)"),
    re.compile(r"(?i)\b(?:attached|enclosed)\s+(?:is|are|please find)\s+(?:a copy of\s+)?(?:the|a|our)\s+"
               r"((?:[\w-]+\s+){0,3}[\w-]+)"),
    re.compile(r"(?i)\b(?:see|find|refer to)\s+the\s+(?:attached\s+)?((?:[\w-]+\s+){0,3}[\w-]+?)\s+"
               r"(?:attached|enclosed)"),
    re.compile(r"(?i)\b(?:see|find)\s+the\s+(?:attached|enclosed)\s+((?:[\w-]+\s+){0,3}[\w-]+)"),
    re.compile(r"(?i)^\W*(?!(?:please|see|find|refer)\b)((?:[\w-]+\s+){0,3}[\w-]+)\s+(?:attached|enclosed)\b"),
    re.compile(r"(?i)\b(?:i|we)\s+(?:also\s+|have\s+)?(?:attach|enclose|attached|enclosed)\s+(?:a copy of\s+)?"
               r"(?:the|a|an|our)\s+((?:[\w-]+\s+){0,2}[\w-]+)"),
)


def _attaches_what_was_asked(answer: str, question: str) -> bool:
    """Whether the answer says the thing asked for is the attachment ("The readings are attached")."""
    wanted = {stem(word) for word in content_words(question)}
    for match in (m for pattern in _ATTACHED_THING for m in pattern.finditer(answer)):
        phrase = match.group(1)
        head = content_words(phrase)
        if head and stem(head[-1]) in wanted and head[-1] not in ("response", "reply", "letter", "information"):
            return True
    return False


def _question_index(answers: list[Answer], number: int) -> int | None:
    """The answer to the question the request numbered `number`."""
    for index, answer in enumerate(answers):
        if answer.item is not None and answer.item.label == str(number):
            return index
    return number - 1 if 1 <= number <= len(answers) else None


def _decide(answer: Answer, regime: Regime, stance: RequestStance | None,
            shared: list[str], request_text: str = "") -> tuple[Disposition, list[str], bool, str]:
    """Disposition, exemptions relied on, whether the text carries the answer, and why not.

    What the reply repeats of the request word for word (its own list, quoted back) decides nothing.
    """
    if answer.source is AnswerSource.NONE or not answer.text.strip():
        return Disposition.OTHER, [], False, NOT_ANSWERED
    decided = without_copied_pieces(answer.text, request_text)
    disposition = classify_disposition(decided, regime, context_ncnd=stance is not None,
                                       document_cites=bool(shared), question=answer.question)
    exemptions = exemptions_relied_on(decided, disposition, regime, shared)
    if answer.source is AnswerSource.ATTACHMENT:
        # The text may still state the outcome ("names withheld under s40(2), see attached"), or say that
        # what was asked for is the attachment ("The readings are attached"): otherwise it is unknown.
        if disposition in (Disposition.DISCLOSED, Disposition.OTHER):
            if _attaches_what_was_asked(answer.text, answer.question):
                return Disposition.DISCLOSED, [], False, NOT_IN_TEXT
            return Disposition.OTHER, [], False, NOT_IN_TEXT
        return disposition, exemptions, False, NOT_IN_TEXT
    if stance is not None and disposition is Disposition.NCND and not exemptions:
        exemptions = list(stance.exemptions)
    return disposition, exemptions, True, ""


