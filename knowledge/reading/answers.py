"""Stage 3: the answer to each question, found in the authority's replies.

For each reply, in order: the questions it restates (matched on their words, so that e-mail
re-wrapping and renumbering do not matter) with the text after each restatement as its
answer; else answers numbered like the questions ("Q2", "Question 2:", "2."); else
paragraphs that name the questions they answer ("With regard to point 3"). Questions
restated one after the other with nothing between them are answered together by what
follows. A reply that answers no question in particular is a blanket answer: the
document's own decision, for every question (or, for a later supplementary reply about
one question, for that one). Parts of a question ("Parks", "Allotments" under "the budget
for the following areas:") become questions of their own when the reply answers them one
by one. An answer that only points to an attachment the text does not carry is "not in the
text": it is kept, labelled so, and never guessed at.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from knowledge.reading.questions import ItemKind, RequestItem
from knowledge.reading.structure import Message, MessageKind, Sender
from knowledge.reading.text import (
    LIST_MARKER,
    POINTS_TO_ATTACHMENT,
    containment,
    content_words,
    sentences_of,
    stem,
    wholly_copied,
)


class AnswerSource(StrEnum):
    """Where a question's answer was found."""

    QUESTION = "question"
    """Under the question's restatement, its number, or a paragraph that names it."""
    BLANKET = "blanket"
    """The reply's decision for the whole request."""
    ATTACHMENT = "attachment"
    """The reply points to an attachment that the text does not carry."""
    NONE = "none"
    """No reply answers it (a request withdrawn, still awaited, or only acknowledged)."""


@dataclass(frozen=True)
class Answer:
    """The answer to one question as the reader found it."""

    question: str
    text: str
    source: AnswerSource
    item: RequestItem | None = None
    message_date: str = ""

    @property
    def in_text(self) -> bool:
        """Whether the text carries the answer (not only a pointer to an absent attachment)."""
        return self.source in (AnswerSource.QUESTION, AnswerSource.BLANKET) and bool(self.text.strip())


_ATTACHMENT_ONLY = re.compile(
    r"^(?:please\s+)?(?:" + POINTS_TO_ATTACHMENT + r"|(?:refer|see)\s+(?:to\s+)?"
    r"(?:the\s+)?(?:attached|enclosed)|(?:the\s+)?(?:information|data|details|response|documents?|answers?|"
    r"figures|spreadsheet|list)\s+(?:is|are|has been|have been)\s+(?:attached|enclosed|provided in the attached)|"
    r"(?:attached|enclosed)(?:\s+(?:is|are|please find))?|we attach|i attach|as attached|"
    r"this is (?:attached|enclosed)|(?:a )?copy (?:is )?attached)\b",
    re.IGNORECASE,
)
_ATTACHMENT_WORD = re.compile(r"\b(?:attach(?:ed|ment|ments)?|enclosed|spreadsheet|pdf|xlsx|docx)\b", re.IGNORECASE)
_QUESTION_REFERENCE = re.compile(
    # "question 2", "points 3 and 4", "Q5"; not "Q3 2023", a quarter of a year.
    r"\b(?:questions?|points?|parts?|items?|requests?|q)\s?(\d{1,2})(?!\d|\s+(?:19|20)\d\d\b)((?:\s*(?:,|and|&|to|-)"
    r"\s*(?:q|question\s)?\d{1,2}(?!\d))*)",
    re.IGNORECASE,
)
_NUMBER_LABEL = re.compile(
    r"^(?:(?:q(?:uestion)?|request|point|part|item)\s*(\d{1,2})\b\s*[.):\-]?|(\d{1,2})\s?[.):]|"
    r"(?:response|answer|reply) to (?:question|q|point)\s*(\d{1,2}))\s*(.*)$",
    re.IGNORECASE,
)
_LETTER_LABEL = re.compile(r"^\(?([a-z])\s?[.)]\s*(.*)$")
_BOILER_OPENING = re.compile(
    r"^(?:thank you for (?:your|the)\b[^.]*(?:\.|$)|please (?:find|see) (?:below\s+)?(?:[\w' ]+ )?(?:response|"
    r"reply|answers?)\b[^.:]*[.:]?|(?:we|i) (?:apologi[sz]e|regret|are sorry)\b[^.]*\.|"
    r"(?:our|the) response (?:to your (?:request|questions?) )?is (?:set out )?(?:below|as follows)[.:]?|"
    r"in response to your request[^.:]*[.:]?|please find (?:below|our|a) response[^.:]*[.:]?)\s*",
    re.IGNORECASE,
)
_UPHELD_ONLY = re.compile(r"\b(?:uphold|upheld|maintain(?:ed)?|stand by)\b[^.]{0,80}\b(?:original|decision|response|"
                          r"exemption|position)", re.IGNORECASE)
_CHANGED = re.compile(r"\b(?:partially upheld|partially uphold|partly upheld|not upheld|overturn|"
                      r"now (?:disclose|release|provide)|(?:will|are now able to|have decided to) (?:disclose|release|"
                      r"provide)|attached (?:is|are)|please find attached)\b", re.IGNORECASE)


def answers_for(items: list[RequestItem], messages: list[Message],
                settled: Callable[[str], bool] | None = None) -> list[Answer]:
    """Each question's answer from the replies, the items' parts split where the replies answer them one by one.

    `settled` says whether an answer already disclosed what was asked: a later reply that answers no
    question in particular goes to the questions still unsettled (a review of a refusal, a late
    supplement), not over answers already given.
    """
    replies = _not_withdrawn([m for m in messages if m.kind in (MessageKind.RESPONSE, MessageKind.REVIEW)])
    narrowed = _after_narrowing(messages)
    questions = _split_where_answered_separately(items, replies)
    texts: list[list[str]] = [[] for _ in questions]
    sources: list[AnswerSource] = [AnswerSource.NONE for _ in questions]
    dates = ["" for _ in questions]
    for reply in replies:
        located, used = locate_lines(questions, list(reply.lines))
        if reply.kind is MessageKind.REVIEW and _UPHELD_ONLY.search(reply.text) and not _CHANGED.search(reply.text):
            continue  # a review that upholds the decision leaves each answer as it was
        if any(located):
            targets = [index for index, text in enumerate(located) if text is not None]
            for index in targets:
                _record(texts, sources, dates, index, located[index] or "", reply, replace=reply.kind is
                        MessageKind.REVIEW or id(reply) in narrowed)
            general = _body(reply, _unassigned(list(reply.lines), located, used))
            for index, text in enumerate(located):
                if text is None and general and sources[index] is AnswerSource.NONE:
                    # Not answered on its own: the reply's general text speaks for it.
                    _record(texts, sources, dates, index, general, reply, replace=False, blanket=True)
            continue
        body = _body(reply)
        if not body:
            continue
        unsettled = [i for i in range(len(questions)) if sources[i] is AnswerSource.NONE or (
            settled is not None and not settled("\n".join(texts[i])))]
        targets = _blanket_targets(questions, body, any(sources[i] is not AnswerSource.NONE
                                                        for i in range(len(questions))), unsettled)
        if reply.kind is MessageKind.REVIEW:
            targets = _reviewed(questions, body, targets, sources)
        exceptions, rest = _blanket_exceptions(questions, targets, body)
        for index in targets:
            _record(texts, sources, dates, index, exceptions.get(index, rest), reply,
                    replace=reply.kind is MessageKind.REVIEW or id(reply) in narrowed, blanket=index not in exceptions)
    answers = []
    for index, item in enumerate(questions):
        text = "\n".join(part for part in texts[index] if part).strip()
        source = sources[index]
        if source is not AnswerSource.NONE and _only_points_to_attachment(text):
            source = AnswerSource.ATTACHMENT
        answers.append(Answer(item.question, text, source, item, dates[index]))
    return _with_follow_ups_joined(answers)


# "This email is incomplete and was sent to you in error. Please disregard this response."
_WITHDRAWAL_SENTENCE = re.compile(r"[^.!?\n]*\b(?:in error|disregard|incomplete|withdrawn|which was (?:wrong|incorrect|"
                                  r"inaccurate)|replaces|supersedes)\b[^.!?\n]*[.!?]?")
_WITHDRAWS_PREVIOUS = re.compile(
    r"(?i)\b(?:(?:was|were|been) sent (?:to you )?in error|please (?:disregard|ignore) (?:the|our|my) (?:previous|"
    r"earlier|last) (?:response|reply|e-?mail|message|letter)|(?:response|reply|e-?mail|letter) (?:was|is) "
    r"(?:incomplete|withdrawn)\b|"
    # "We apologise for the response we sent on 27 August, which was wrong." "This letter replaces our previous
    # response." Not "the figure in the response we sent, which was wrong, should read ...", nor a part replaced.
    r"(?:response|reply|e-?mail|letter) (?:we|i) sent (?:to )?(?:you )?(?:on [^.!?]{1,30}?)?,? which was (?:wrong|"
    r"incorrect|inaccurate)\s*[.!]?\s*$|^(?:this|our) (?:letter|response|reply|e-?mail) (?:replaces|supersedes) "
    r"(?:our|the|my) (?:previous|earlier|original) (?:response|reply|letter)\s*[.!]?\s*$)")


# "Could I ask instead for the same information but just for the last two years?": the request as narrowed
# after a refusal, whose answer replaces the refusal.
_NARROWS = re.compile(r"(?i)\bnarrow|revised request|(?:just|only) for (?:the )?(?:last|past|period|year|years|\d)|"
                      r"(?:limit|reduce|restrict) (?:my|the|this) request")
_REFUSED = re.compile(r"(?i)\bsection 1[24]\b|\bs\.?\s?1[24]\b|(?:cost|appropriate|fees?) limit|exceed|vexatious|"
                      r"\bexempt\b|refus(?:e|ed|al)\b(?! collection)")


def _after_narrowing(messages: list[Message]) -> set[int]:
    """The replies (by id) that answer a request the requester narrowed after an earlier reply."""
    out: set[int] = set()
    refused = narrowing = False
    for message in messages:
        if message.kind in (MessageKind.RESPONSE, MessageKind.REVIEW):
            if narrowing:
                out.add(id(message))
            refused, narrowing = bool(_REFUSED.search(message.text)), False
        elif message.sender is Sender.REQUESTER and refused and message.kind is MessageKind.CLARIFICATION and \
                _NARROWS.search(message.text):
            narrowing = True
    return out


def _not_withdrawn(replies: list[Message]) -> list[Message]:
    """The replies less any the authority withdrew in the next one; a withdrawal notice that says only that goes
    too, one that carries the corrected answers stays."""
    kept: list[Message] = []
    for position, reply in enumerate(replies):
        following = replies[position + 1] if position + 1 < len(replies) else None
        rest = _WITHDRAWAL_SENTENCE.sub(" ", reply.text)
        if _withdraws_previous(reply) and len(rest.split()) < 25 and not re.search(r"\d", rest):
            continue  # the withdrawal notice itself, answering nothing
        if following is not None and _withdraws_previous(following):
            continue
        kept.append(reply)
    return kept


def _withdraws_previous(reply: Message) -> bool:
    """Whether a reply withdraws the one before ("sent to you in error"), not an e-mail disclaimer ("If this
    e-mail has been sent to you in error, ...")."""
    return any(not re.search(r"(?i)\b(?:if|where|should)\b|\byou (?:say|consider|believe|have said|complain|feel)|"
                             r"\bin your view\b", sentence[: match.start()])
               for sentence in re.split(r"(?<=[.!?])\s+", reply.text)
               if (match := _WITHDRAWS_PREVIOUS.search(sentence)))


# "How many of these ...", "If so, ...": a question that leans on the one before it.
_LEANS_BACK = re.compile(r"(?i)^(?:and )?(?:if so|if not|if yes|if no|of (?:these|those|them|which)|"
                         r"(?:how many|how much|what|which|when|where|who|why|how)\b[^.?!]{0,40}"
                         r"\b(?:of (?:these|those|them)|these|those|they|it)\b)")


def _with_follow_ups_joined(answers: list[Answer]) -> list[Answer]:
    """A follow-up answered together with the question it leans on is one question with it.

    "How many tower blocks had cladding? How many of these still have it?" restated together and
    answered "None." asks one thing in two sentences: one precedent, as a caseworker would count it.
    """
    out: list[Answer] = []
    for answer in answers:
        previous = out[-1] if out else None
        if previous is not None and answer.source is AnswerSource.QUESTION and \
                previous.source is AnswerSource.QUESTION and answer.text.strip() and \
                answer.text == previous.text and _LEANS_BACK.match(answer.question) and \
                not (answer.item and previous.item and answer.item.label and previous.item.label):
            # Numbered apart by the requester, each is a question of its own: "7. Of those in question 6, how
            # many ..." answered "0" like the one before it is a second zero, not the same answer.
            out[-1] = Answer(f"{previous.question} {answer.question}", previous.text, previous.source,
                             previous.item, previous.message_date)
            continue
        out.append(answer)
    return out


def _record(texts: list[list[str]], sources: list[AnswerSource], dates: list[str], index: int, text: str,
            reply: Message, replace: bool, blanket: bool = False) -> None:
    if replace:
        texts[index] = []
    texts[index].append(text)
    if not blanket or sources[index] is AnswerSource.NONE:
        sources[index] = AnswerSource.BLANKET if blanket else AnswerSource.QUESTION
    if not dates[index]:
        dates[index] = reply.date


def _body(reply: Message, lines: list[str] | None = None) -> str:
    """A reply's decision text: its lines without the greeting, thanks and "our response is below"."""
    kept = [line for line in (reply.lines if lines is None else lines) if line and not _OPENING_LINE.match(line)]
    return "\n".join(_BOILER_OPENING.sub("", line).strip() for line in kept if _BOILER_OPENING.sub("", line).strip())


_OPENING_LINE = re.compile(
    r"^(?:dear\b[^.]{0,60}[,.]?|(?:re:?|subject:|reference:?)\b.{0,100}|(?:internal review )?(?:foi|eir)\s*/?\s*\d+|"
    r"which we received on[^.]*\.?|(?:thank you for|thanks for)\b[^.]*(?:received|request|e-?mail|message|"
    r"clarification|patience)[^.]*\.?(?:\s*(?:we apologi[sz]e|please (?:find|see))[^.]*[.:])*|"
    r"please (?:find|see) (?:below,?\s+)?(?:[\w' ]+ )?(?:response|reply|answers?)\b[^.:]*[.:]?|"
    r"(?:we|i) (?:apologi[sz]e|regret|are sorry)\b[^.]*\.|below:?|set out below:?)$",
    re.IGNORECASE,
)


def _unassigned(lines: list[str], located: list[str | None], used: set[str]) -> list[str]:
    """The reply's lines that no located answer or restated question holds (its preamble and general remarks)."""
    held = "\n".join(text for text in located if text)
    return [line for line in lines if line and line not in held and line not in used]


def _blanket_targets(questions: list[RequestItem], body: str, answered: bool, unsettled: list[int]) -> list[int]:
    """The questions a reply with no per-question answers speaks to.

    All of them when nothing was answered before; else the one it is plainly about, or those
    still unsettled, or (when everything was settled) all.
    """
    if not answered or len(questions) == 1:
        return list(range(len(questions)))
    words = content_words(body)
    scores = [containment(content_words(item.question), words) for item in questions]
    best = max(scores)
    ranked = sorted(scores, reverse=True)
    if best >= 0.5 and (len(ranked) < 2 or ranked[1] < 0.6 * best):
        return [scores.index(best)]
    return unsettled or list(range(len(questions)))


# A sentence that excepts one item from a blanket answer: "We are unable to provide the length of the
# hearing as individual cases are not logged by time."
_EXCEPTION = re.compile(
    r"\b(?:(?:are|is|am|were|was)\s+(?:also\s+)?(?:unable|not able)\s+to|cannot|can\s?not|can't)\s+(?:provide|"
    r"supply|give|answer|identify|report|say|confirm)\b|\bnot\s+(?:held|recorded|logged|listed|kept|captured|"
    r"collected)\b|\bdo(?:es)?\s+not\s+(?:hold|record|log|keep|capture|collect)\b",
    re.IGNORECASE,
)


# The rest of a blanket answer refuses too. Not "refuse collection", not a postcode ("S10 2HH"), not a cost given.
# Sections 1, 10, 16, 17, 45, 46 and 50 are duties, time limits and codes ("we have breached section 10").
_REFUSING = re.compile(r"\bexempt|\bsection\s+(?!(?:1|10|16|17|45|46|50)\b)\d|"
                       r"\bs\.?\s?(?!(?:10|16|17|45|46|50)\b)\d{2}\b(?!\s?\d[a-z]{2}\b)|\breg(?:ulation)?\.?\s+\d|"
                       r"(?:cost|appropriate|fees?) limit|cost (?:more than|over|in excess of) £|\b(?:18|24) hours|"
                       r"withh[eo]ld|refus(?:al|ed|ing)\b|refuse (?:to|your|this)\b|vexatious", re.IGNORECASE)
# "We do not hold the information you have asked for": the sentence is about the whole request, whichever
# item's words it also names ("... for each school").
_SPEAKS_FOR_ALL = re.compile(r"(?i)\b(?:this|the|that|such) information\b(?! (?:on|about|for|of|regarding|relating)\b)")
# Words every item of a list may say: naming them does not tell one item from another.
_GENERIC = frozenset(stem(word) for word in (
    "information data figure figures detail details number numbers copy copies many much what which how when "
    "where who provide total list year years council authority request held hold record records").split())


def _blanket_exceptions(questions: list[RequestItem], targets: list[int], body: str) -> tuple[dict[int, str], str]:
    """A blanket answer's sentences that speak for one item only, and the rest that speaks for the others.

    "Please see the attached spreadsheet. We are unable to provide the number of accounts in Ltd Company
    because ...": the spreadsheet answers every heading but the limited-company one, which that sentence
    answers. A sentence goes to the item whose own words (those the other items do not share) it names
    clearly more than any other's; with nothing else left for the other items, the body answers them all.
    """
    if len(targets) < 2:
        return {}, body
    stems = {index: {stem(w) for w in content_words(questions[index].question)} for index in targets}
    spread: dict[str, int] = {}
    for wanted in stems.values():
        for word in wanted:
            spread[word] = spread.get(word, 0) + 1
    exceptions: dict[int, list[str]] = {}
    kept: list[str] = []
    # Sentences over the body's lines: a reply may still be wrapped where its sentences run on, but a line that
    # ends on a figure ("2023 - £138,638.86") ends its sentence.
    flat = re.sub(r"(?<=\d)[ \t]*\n(?=[ \t]*[A-Z][a-z])", ". ", body)
    for sentence in sentences_of(" ".join(flat.split())):
        owners = _owners(sentence, stems, spread) if _EXCEPTION.search(sentence) and (
            not _SPEAKS_FOR_ALL.search(sentence) or _QUESTION_NUMBER.search(sentence)) else []
        if not owners:
            kept.append(sentence)
        for owner in owners:
            exceptions.setdefault(owner, []).append(sentence)
    rest = " ".join(kept)
    if not exceptions or len(exceptions) == len(targets) or not re.search(r"[A-Za-z]{3}", rest) or \
            _EXCEPTION.search(rest) or _REFUSING.search(rest):
        return {}, body  # the rest refuses too ("exempt under section 12 ... we do not record it"): one reasoning
    # The others keep the body's lines, less the sentences that speak for one item.
    return {index: " ".join(parts) for index, parts in exceptions.items()}, \
        _without(body, [s for parts in exceptions.values() for s in parts])


def _without(body: str, sentences: list[str]) -> str:
    """The body, its lines kept, less the given sentences (matched across line breaks)."""
    for sentence in sentences:
        words = sentence.split()
        if not words:
            continue
        # A full stop put after a figure at a line's end is not in the body ("2023 - £86,890.35").
        pattern = r"\s+".join([*(re.escape(word) for word in words[:-1]), re.escape(words[-1].rstrip(".")) + r"\.?"])
        body = re.sub(pattern, "", body, count=1)
    return "\n".join(line.strip() for line in body.splitlines() if line.strip())


def _owners(sentence: str, stems: dict[int, set[str]], spread: dict[str, int]) -> list[int]:
    """The items whose distinctive words the sentence names, weighting a word by how few items share it: one
    clearly ahead of the rest, or a few named together ("barristers' fees or advocates' fees") well ahead of
    the others, never all."""
    cue_words = {stem(w) for match in _EXCEPTION.finditer(sentence) for w in content_words(match.group(0))}
    said = {stem(w) for w in content_words(sentence)} - cue_words - _GENERIC
    scores = sorted(((sum(1 / spread[w] for w in wanted & said), index) for index, wanted in stems.items()),
                    reverse=True)
    (best, owner), (second, _) = scores[0], scores[1]
    if best >= 1.0 and best >= 1.5 * second:
        return [owner]
    named = [(score, index) for score, index in scores if score >= 1.0]
    rest = [score for score, _ in scores[len(named):]]
    joined = re.search(r"(?i)\b(?:or|and|nor)\b", sentence) and not re.search(
        r"(?i)\b(?:separately from|included in|as part of|apart from|other than|in the figures?)\b", sentence)
    if joined and 2 <= len(named) < len(scores) and rest and rest[0] < 0.5 * named[-1][0]:
        return sorted(index for _, index in named)
    return []


_QUESTION_NUMBER = re.compile(r"(?i)\bquestions?\s?(\d{1,2})\b(?!\s*of\b)")


def _reviewed(questions: list[RequestItem], body: str, targets: list[int], sources: list[AnswerSource]) -> list[int]:
    """Of the questions a review could speak to, those it is about, where it names some and not others.

    A review of the redactions in the copy licences replaces that answer, not the "no records are kept"
    answers to the questions it never mentions.
    """
    numbers = {int(n) for n in _QUESTION_NUMBER.findall(body)}
    labelled = [index for index in targets if questions[index].label in {str(n) for n in numbers}]
    if labelled:
        # "Regarding question 2, ...": the review says which answers it is about.
        return sorted({*labelled, *(i for i in targets if sources[i] is AnswerSource.NONE)})
    words = content_words(body)
    scores = {index: containment(content_words(questions[index].question), words) for index in targets}
    named = [index for index in targets if sources[index] is AnswerSource.NONE or scores[index] >= 0.5]
    return named if named and len(named) < len(targets) else targets


def _only_points_to_attachment(text: str) -> bool:
    """The answer says only "please see attached" (or "please refer to the guidance attached")."""
    flat = " ".join(text.split())
    if not flat:
        return False
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]
    pointing = [s for s in sentences if _ATTACHMENT_ONLY.search(s) or (
        _ATTACHMENT_WORD.search(s) and re.search(r"(?i)\b(?:see|refer|find|attach|attached|enclosed|provided)\b", s)
        and len(s.split()) <= 20)]
    # A short line with no full stop ("Environmental Enforcement Team Manager") signs the reply off.
    substantive = [s for s in sentences if s not in pointing and len(re.findall(r"[A-Za-z]{2,}", s)) > 3
                   and (re.search(r"[.!?:;]\s*$", s) or len(s.split()) > 6) and not _COURTESY.search(s)]
    return bool(pointing) and not substantive


# What every reply says around its answer: the reference, apologies, hopes, re-use and review rights.
_COURTESY = re.compile(
    r"(?i)\b(?:reference number for your request|sorry for (?:the |any )?(?:\w+ )?delay|apologi[sz]e for (?:the |any )?"
    r"(?:\w+ )?delay|we hope (?:this|that|the)|hope (?:this|that) (?:is|helps)|available for re-?use|"
    r"re-?use under|open government licen[cs]e|\bogl\b|attribution statement|public sector information|"
    r"if you are (?:unhappy|dissatisfied|not satisfied)|internal review|information commissioner|for further details|"
    r"do not hesitate)\b")


# --- Locating answers in one reply -------------------------------------------------------------------------------


def locate(questions: list[RequestItem], lines: list[str]) -> list[str | None]:
    """Each question's answer in one reply's lines (None where this reply does not answer it)."""
    return locate_lines(questions, lines)[0]


def locate_lines(questions: list[RequestItem], lines: list[str]) -> tuple[list[str | None], set[str]]:
    """Each question's answer in one reply's lines, and the lines that restate or label the questions."""
    located, used = _located(tuple(questions), tuple(lines))
    return list(located), set(used)


@functools.lru_cache(maxsize=16)
def _located(questions: tuple[RequestItem, ...], reply: tuple[str, ...]) -> tuple[tuple[str | None, ...],
                                                                                frozenset[str]]:
    # Pairing answers and finding a stance both locate the same reply's answers: once is enough.
    found, used = _locate_lines(list(questions), list(reply))
    return tuple(found), frozenset(used)


def _locate_lines(questions: list[RequestItem], lines: list[str]) -> tuple[list[str | None], set[str]]:
    lines = [row for row in map(_table_row, lines) if row is not None]
    restated = _by_restatement(questions, lines)
    numbered = _by_number(questions, lines)
    count_restated = sum(1 for span in restated if span is not None)
    count_numbered = sum(1 for span in numbered if span is not None)
    found = numbered if count_numbered > count_restated else restated
    if max(count_restated, count_numbered) == 0:
        referenced = _by_reference(questions, lines)
        if any(text is not None for text in referenced):
            return referenced, set()
        return _by_topic(questions, lines), set()
    found = _co_restated(questions, lines, found)
    used = {line for span in found if span is not None for line in lines[span.start : span.end]}
    return _segments(found, lines, "\n".join(item.question for item in questions)), used


def _table_row(line: str) -> str | None:
    """A row of a drawn table as cells split by " | "; a border line is dropped."""
    if not re.search(r"[\u2500-\u257f]", line):
        return line
    if not re.search(r"[^\u2500-\u257f\s]", line):
        return None
    cells = [cell.strip() for cell in re.split(r"[\u2502\u2503\u2551|]", line)]
    return " | ".join(cell for cell in cells if cell and not re.fullmatch(r"[\u2500-\u257f]+", cell))


@dataclass(frozen=True)
class _Span:
    start: int
    """First line of the restatement."""
    end: int
    """Line after the restatement."""
    inline: str = ""
    """Answer text on the restatement's last line, after the question."""


def _by_restatement(questions: list[RequestItem], lines: list[str]) -> list[_Span | None]:
    # Stems once per line; a window's are its lines' together (containment compares stems).
    stems = [[stem(word) for word in content_words(line)] for line in lines]
    stem_sets = [set(row) for row in stems]
    candidates: list[list[tuple[float, _Span]]] = []
    for item in questions:
        wanted = content_words(item.question)
        own = content_words(item.text) if item.stem else wanted
        wanted_set = {stem(word) for word in wanted}
        own_set = {stem(word) for word in own}
        ordered = [stem(word) for word in (own if item.stem else wanted)]
        needed = _threshold(len(set(own if item.stem else wanted)))
        options: list[tuple[float, _Span]] = []
        for start in range(len(lines)):
            if not lines[start] or not stem_sets[start] & (wanted_set | own_set):
                continue  # a restatement starts on a line with the question's words
            for width in (1, 2, 3):
                end = start + width
                if end > len(lines):
                    break
                window_set = set().union(*stem_sets[start:end])
                if not window_set:
                    continue
                score = max(_share(wanted_set, window_set), _share(own_set, window_set) if item.stem else 0.0)
                if score < needed or _in_order_stems(ordered, [s for row in stems[start:end] for s in row]) < 0.6:
                    continue  # a restatement keeps the question's words in their order
                span = _span_with_answer(item, lines, start, end)
                if span is not None:
                    options.append((score - 0.05 * (width - 1), span))
        candidates.append(options)
    return _best_in_order(candidates)


def _share(wanted: set[str], window: set[str]) -> float:
    return len(wanted & window) / len(wanted) if wanted else 0.0


def _in_order_stems(a: list[str], b: list[str]) -> float:
    """Share of the question's stems the window has in the same order: their longest common
    subsequence, by the bit-parallel method (Allison and Dix), one big-integer step per window word."""
    if not a:
        return 0.0
    masks: dict[str, int] = {}
    for index, word in enumerate(a):
        masks[word] = masks.get(word, 0) | (1 << index)
    full = (1 << len(a)) - 1
    row = full
    for word in b:
        matched = row & masks.get(word, 0)
        row = ((row + matched) | (row - matched)) & full
    return (len(a) - row.bit_count()) / len(a)


def _threshold(distinct: int) -> float:
    if distinct <= 1:
        return 1.0
    if distinct <= 3:
        return 0.99
    if distinct <= 6:
        return 0.8
    return 0.7


def _span_with_answer(item: RequestItem, lines: list[str], start: int, end: int) -> _Span | None:
    """A restatement window, with any answer that follows the question on its last line."""
    question_words = set(content_words(item.text if item.stem else item.question))
    stems = {stem(word) for word in question_words}
    last = lines[end - 1]
    window_words = [w for line in lines[start:end] for w in content_words(line)]
    extra = [w for w in window_words if stem(w) not in stems]
    if len(question_words) <= 3:
        # A short part ("Parks") must lead its line: "Parks | £3,849,600", "h. Has it been updated?".
        first = content_words(LIST_MARKER.sub("", lines[start], count=1))
        if not first or stem(first[0]) not in stems:
            return None
    tail = _after_question(last, question_words, item.question)
    if len(extra) > max(8, len(question_words)) and not tail:
        return None  # the words occur inside a longer sentence about something else
    return _Span(start, end, tail)


def _after_question(line: str, question_words: set[str], asked: str = "") -> str:
    """What follows the question on its line: after its "?", or after the point where all its words have come."""
    stems = {stem(word) for word in question_words}
    if "?" in line:
        head, _, tail = line.rpartition("?")
        if {stem(w) for w in content_words(head)} & stems:
            # "... at the school? (for example a family that has moved to the area)": the question's own words.
            copied = tail.lstrip().startswith("(") and wholly_copied(tail, asked)
            return "" if copied else tail.strip(" -:\u2013|")
    tokens = list(re.finditer(r"[A-Za-z0-9£][\w'£.,/%()-]*", line))
    present = {stem(w) for token in tokens for w in content_words(token.group(0))} & stems
    seen: set[str] = set()
    for position, token in enumerate(tokens):
        seen |= {stem(w) for w in content_words(token.group(0))} & present
        if seen == present and present:
            rest = line[token.end():].strip(" -:\u2013|?.")
            return rest if position + 1 < len(tokens) and re.search(r"\w", rest) else ""
    return ""


def _best_in_order(candidates: list[list[tuple[float, _Span]]]) -> list[_Span | None]:
    """The restatements that fit together best, in the questions' order, never overlapping."""
    # Dynamic programme over questions: state = end line of the last chosen restatement.
    best: dict[int, tuple[float, list[_Span | None]]] = {-1: (0.0, [])}
    for options in candidates:
        following: dict[int, tuple[float, list[_Span | None]]] = {}
        for last_end, (score, chosen) in best.items():
            keep = following.get(last_end)
            if keep is None or keep[0] < score:
                following[last_end] = (score, [*chosen, None])
            for value, span in options:
                if span.start < last_end:
                    continue
                total = score + value
                current = following.get(span.end)
                if current is None or current[0] < total:
                    following[span.end] = (total, [*chosen, span])
        # Keep the search small: the best few states.
        best = dict(sorted(following.items(), key=lambda pair: -pair[1][0])[:40])
    return max(best.values(), key=lambda pair: pair[0])[1]


# "Response" alone on its line, under the restated question: the answer follows.
_RESPONSE_HEADING = re.compile(r"(?i)^(?:our )?(?:response|answer|reply)\s*:?\s*$")
_ANSWER_LABEL = re.compile(
    r"^(?:(?-i:A)\s*\d{0,2}\s*:|(?:ans(?:wer)?|response|reply|our response|outcome)\s*\d{0,2}\s*[:.\-\u2013]|"
    r"[-\u2013:]\s+)\s*", re.IGNORECASE)
_DOCUMENT_LEVEL = re.compile(
    # A line about the letter as a whole, or about other questions: it ends the answer before it.
    r"^(?:this (?:letter|response|email|reply) (?:is|serves|acts)|(?:with regard|in regard|in relation|in respect|"
    r"turning|as regards)\w* to (?:all )?(?:the )?(?:other|remaining|rest)|(?:for|in response to|regarding|"
    r"re:?) (?:all )?(?:the )?(?:other|remaining) (?:questions|parts|points)|advice and assistance\s*:?$|"
    r"(?-i:[A-Z][A-Z &]{6,})$|(?:reasons? for (?:the |our |this )?(?:decision|refusal)|reasons|exemptions? "
    r"(?:applied|used)|public interest (?:test|considerations)|(?:your )?rights? (?:of|to) (?:appeal|review|complain)"
    r"[\w ]{0,30}|internal review|complaints?|appeals?|next steps|refusal notice[\w ]{0,30})\s*:?$)",
    re.IGNORECASE,
)


def _co_restated(questions: list[RequestItem], lines: list[str], found: list[_Span | None]) -> list[_Span | None]:
    """Questions restated together in one passage ("X; Y; Z" on the same lines) share that passage."""
    out = list(found)
    located = [index for index, span in enumerate(found) if span is not None]
    for index, span in enumerate(found):
        if span is not None:
            continue
        neighbours = [j for j in located if abs(j - index) <= 2]
        wanted = content_words(questions[index].text if questions[index].stem else questions[index].question)
        for j in sorted(neighbours, key=lambda j: abs(j - index)):
            other = found[j]
            assert other is not None
            window = [w for line in lines[other.start : other.end + 1] for w in content_words(line)]
            if containment(wanted, window) >= _threshold(len(set(wanted))):
                out[index] = _Span(other.start, other.end, other.inline)
                break
    return out


def _segments(found: list[_Span | None], lines: list[str], asked: str = "") -> list[str | None]:
    """The text after each located question up to the next one; consecutive ones share what follows.

    Text under a restatement that only restates other questions (the reply restates the list, then answers
    it in one paragraph) is no answer of its own.
    """
    order = sorted((span.start, index) for index, span in enumerate(found) if span is not None)
    out: list[str | None] = [None for _ in found]
    for position, (_, index) in enumerate(order):
        span = found[index]
        assert span is not None
        stop = found[order[position + 1][1]].start if position + 1 < len(order) else len(lines)  # type: ignore[union-attr]
        body_lines: list[str] = []
        for line in lines[span.end : stop]:
            if body_lines and (_DOCUMENT_LEVEL.match(line) or (_names_other_questions(line, index) and not
                                                                _ends_mid_sentence(body_lines[-1], line))) and not (
                    _RESPONSE_HEADING.match(line) and not any(part.strip() for part in body_lines)):
                break
            body_lines.append(line)
        filled = [line for line in body_lines if line.strip()]
        if filled and _RESPONSE_HEADING.match(filled[0]):
            body_lines = body_lines[body_lines.index(filled[0]) + 1 :]
        body = [span.inline, *body_lines]
        out[index] = _ANSWER_LABEL.sub("", "\n".join(part for part in body if part).strip(), count=1).strip()
    # Restatements with nothing under them are answered together by the next answer.
    pending: list[int] = []
    for _, index in order:
        if not (out[index] or "").strip() or wholly_copied(out[index] or "", asked):
            pending.append(index)
            continue
        for waiting in pending:
            out[waiting] = out[index]
        pending = []
    return out


def _ends_mid_sentence(previous: str, line: str) -> bool:
    """The line goes on the sentence before ("... will not compare with the complaints received in answer to" /
    "question 4."): the previous line stops on a word that cannot end a sentence and this one starts in lower
    case."""
    return bool(re.search(r"(?i)(?:,|\b(?:to|in|of|for|with|and|or|the|a|an|from|on|at|by|under|see|per))$",
                          previous.rstrip())) and bool(re.match(r"[a-z]", line.lstrip()))


def _names_other_questions(line: str, index: int) -> bool:
    """A line that names questions other than this one ("in respect of questions 2 and 3", "parts (c) and (e)")."""
    numbers = _referenced(line[:200], 99)
    letters = re.findall(r"(?i)\b(?:parts?|questions?|points?)\s*\(?([a-h])\)", line[:200])
    if not numbers and not letters:
        return False
    return (index + 1) not in numbers or len(numbers) > 1 or bool(letters)


def _by_topic(questions: list[RequestItem], lines: list[str]) -> list[str | None]:
    """A reply in paragraphs that neither restate nor number the questions: each paragraph to its question.

    Paragraphs go, in order, to the question whose words they share most; the first paragraphs before
    any match are the reply's preamble. Used only when every question finds a paragraph of its own.
    """
    if len(questions) < 2:
        return [None for _ in questions]
    words = [{stem(w) for w in content_words(item.question)} for item in questions]
    assigned: dict[int, list[str]] = {}
    current = -1
    for line in lines:
        if not line:
            continue
        line_words = {stem(w) for w in content_words(line)}
        scores = [len(line_words & wanted) / max(1, len(wanted)) for wanted in words]
        best = max(range(len(questions)), key=lambda i: (scores[i], -i))
        named = _topic_named(line, words)
        if named is not None and named >= current:
            current = named  # "With regards to general policy on air quality, ...": the paragraph names its question
        elif scores[best] >= 0.3 and best >= current:
            current = best
        if current >= 0:
            assigned.setdefault(current, []).append(line)
    if len(assigned) < len(questions):
        return [None for _ in questions]
    return ["\n".join(assigned[i]) for i in range(len(questions))]


# "With regards to general policy ...," "Regarding the costs of the scheme:": a paragraph that opens on its topic.
_TOPIC_OPENING = re.compile(r"(?i)^(?:with (?:regards?|respect|reference) to|regarding|"
                            r"in (?:regards?|relation|respect) to|as regards|turning to|"
                            r"in response to your (?:question|request) (?:about|on|for))\s+"
                            r"([^,:;.]{3,80})[,:;.]")


_REQUEST_WORDS = {stem(word) for word in "request requests requested requesting information data freedom foi eir "
                  "response enquiry enquiries query queries question questions letter email recent".split()}


def _topic_named(line: str, words: list[set[str]]) -> int | None:
    """The question a paragraph's opening topic names: most of the topic's words are that question's, and
    more of them than any other question's."""
    opening = _TOPIC_OPENING.match(line)
    if opening is None:
        return None
    topic = {stem(w) for w in content_words(opening.group(1))} - _REQUEST_WORDS
    if len(topic) < 2:
        return None  # "Regarding your request for information, ...": the reply's opening, no topic
    shares = sorted(((len(topic & wanted) / len(topic), index) for index, wanted in enumerate(words)), reverse=True)
    (first, index), runner_up = shares[0], shares[1][0] if len(shares) > 1 else 0.0
    return index if first >= 0.5 and first > runner_up else None


def _by_number(questions: list[RequestItem], lines: list[str]) -> list[_Span | None]:
    """Answers labelled with the questions' numbers ("Q2", "Question 2:", "2.") or letters."""
    labels = [_label_of(item, position) for position, item in enumerate(questions, start=1)]
    found: list[_Span | None] = [None for _ in questions]
    next_question = 0
    for index, line in enumerate(lines):
        match = _NUMBER_LABEL.match(line)
        label = ""
        rest = ""
        if match:
            label = match.group(1) or match.group(2) or match.group(3) or ""
            rest = match.group(4) or ""
        else:
            letter = _LETTER_LABEL.match(line)
            if letter:
                label, rest = letter.group(1), letter.group(2)
        if not label:
            continue
        for position in range(next_question, len(questions)):
            if labels[position] == label.lower():
                found[position] = _Span(index, index + 1, rest.strip())
                next_question = position + 1
                break
    return found if sum(1 for span in found if span is not None) >= min(2, len(questions)) else [None] * len(found)


def _label_of(item: RequestItem, position: int) -> str:
    if item.kind in (ItemKind.NUMBERED, ItemKind.LETTERED) and item.label:
        return item.label.lower()
    return str(position)


def _by_reference(questions: list[RequestItem], lines: list[str]) -> list[str | None]:
    """Paragraphs that name the questions they answer ("With regard to question 3 ...", "point 2 for point c").

    A paragraph opening on a topic that names one question ("With regards to the area, ...") turns to it.
    """
    assigned: dict[int, list[str]] = {}
    current: list[int] = []
    words = [{stem(w) for w in content_words(item.question)} for item in questions]
    for line in lines:
        indices = _referenced_questions(line[:160], questions)
        named = None if indices else _topic_named(line, words)
        if indices:
            current = indices
        elif named is not None and current:
            current = [named]
        for index in current:
            assigned.setdefault(index, []).append(line)
    if not assigned:
        return [None for _ in questions]
    return ["\n".join(assigned[i]) if i in assigned else None for i in range(len(questions))]


# "question 2(c)", "Q2c", "point 2 for point c": a part of a numbered question.
_PART_AFTER_NUMBER = re.compile(r"(?i)(?:\s?\(([a-h])\)|([a-h])\b(?!\.\w)|"
                                r",? for (?:point|part|question) \(?([a-h])\b\)?)")


def _referenced_questions(text: str, questions: list[RequestItem]) -> list[int]:
    """The positions of the questions a line names. Where parts were split out of numbered questions, numbers
    name the questions by their markers ("question 2" is each part of 2, "2(c)" its part c); otherwise by
    their order."""
    if not any(item.parent_label for item in questions):
        return [number - 1 for number in _referenced(text, len(questions))]
    numbered: dict[str, list[int]] = {}
    for index, item in enumerate(questions):
        marker = item.parent_label if item.parent_label.isdigit() else (
            item.label if item.kind is ItemKind.NUMBERED and item.label.isdigit() else "")
        if marker:
            numbered.setdefault(marker, []).append(index)
    found: list[int] = []
    for match in _QUESTION_REFERENCE.finditer(text):
        part = _PART_AFTER_NUMBER.match(text, match.end()) if not match.group(2) else None
        if part is None:
            for number in _referenced(match.group(0), 99):
                found.extend(numbered.get(str(number), []))
            continue
        named = [(match.group(1), next(group.lower() for group in part.groups() if group))]
        for more in _MORE_PARTS.finditer(text, part.end()):  # "question 1(a) and 1(b)", "3(a), (b) and (c)"
            if more.start() != part.end():
                break
            named.append((more.group(1) or match.group(1), more.group(2).lower()))
            part = more
        for marker, letter in named:
            indices = numbered.get(str(int(marker)), [])
            # "question 3(a)" where 3's parts were not split out: the whole of question 3
            found.extend([i for i in indices if questions[i].label.lower() == letter] or indices)
    return sorted(set(found))


_MORE_PARTS = re.compile(r"(?i)\s*(?:,|and|&)\s*(?:(\d{1,2})\s?)?\(([a-h])\)")


def _referenced(text: str, count: int) -> list[int]:
    numbers: list[int] = []
    for match in _QUESTION_REFERENCE.finditer(text):
        first = int(match.group(1))
        numbers.append(first)
        tail = match.group(2) or ""
        values = [int(v) for v in re.findall(r"\d{1,2}", tail)]
        if re.search(r"\bto\b|-", tail) and values:
            numbers.extend(range(first + 1, values[-1] + 1))
        numbers.extend(values)
    return sorted({n for n in numbers if 1 <= n <= count})


# --- Parts answered one by one -----------------------------------------------------------------------------------


def _split_where_answered_separately(items: list[RequestItem], replies: list[Message]) -> list[RequestItem]:
    """Items whose parts the replies answer one by one become one question per part."""
    out: list[RequestItem] = []
    for item in items:
        parts = [part for part in item.parts if part.kind is not ItemKind.DIMENSION]
        if len(parts) < 2:
            out.append(item)
            continue
        pieces = item.split()
        answered = 0
        for reply in replies:
            located = _by_restatement(pieces, [row for row in map(_table_row, reply.lines) if row is not None])
            answered = max(answered, sum(1 for span in located if span is not None))
            if answered < 2:
                labelled = _by_number(pieces, list(reply.lines))
                answered = max(answered, sum(1 for span in labelled if span is not None))
        out.extend(pieces if answered >= 2 else [item])
    return out
