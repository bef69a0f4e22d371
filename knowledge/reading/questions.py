"""Stage 2: the one question-list grammar, for incoming requests and for past requests alike.

A request is read line by logical line (knowledge.reading.text.reflow). Numbered items
(`1.`, `1)`, `1,`, `Q1`, `Question 1:`) and bullets are questions; lettered and roman parts
are questions when they ask something themselves, otherwise they are parts of the item or
stem they follow (the reader splits them again where the reply answers them one by one).
A line that only introduces what follows ("I am seeking details on the following:",
"Please state:") is a stem: it is carried by the items it introduces, never a question of
its own and never dropped. Lines under "broken down by ...:" are dimensions of one
question. In prose, each paragraph that asks for information is a question ("please
provide", "I would like", "could you", "if so, ..."); context sentences in that paragraph
go with it. Procedural lines (formats, deadlines, thanks, cost-limit hedges, offers to
clarify) are not questions, and neither is anything else that asks for nothing: those are
returned as `left_out`, so a surface can show them and let a person add one back.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from knowledge.reading.text import (
    CELL,
    LIST_MARKER,
    cells_marked,
    containment,
    content_words,
    normalise,
    reflow,
    sentences_of,
)


class ItemKind(StrEnum):
    """How an item of a request is marked."""

    NUMBERED = "numbered"
    LETTERED = "lettered"
    ROMAN = "roman"
    BULLET = "bullet"
    LINE = "line"
    """An unmarked line under a stem ("the following areas:" then one per line)."""
    PROSE = "prose"
    """A paragraph of prose that asks for something."""
    DIMENSION = "dimension"
    """A line under "broken down by:": a dimension of its question, never a question of its own."""


_LEVEL = {ItemKind.NUMBERED: 0, ItemKind.LETTERED: 1, ItemKind.ROMAN: 2, ItemKind.BULLET: 3, ItemKind.DIMENSION: 3,
          ItemKind.LINE: 4, ItemKind.PROSE: 4}
_ANSWER_CHOICE = re.compile(r"^(?:option\s+\w\)\s*)?(?:yes|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RequestItem:
    """One question of a request, with the parts that may be answered together or one by one."""

    text: str
    """The item's own words, its marker removed."""
    kind: ItemKind
    label: str = ""
    """The marker as written: `1`, `b`, `ii`, a bullet; empty for prose and unmarked lines."""
    stem: str = ""
    """The introduction the item depends on ("I would like the budget for the following areas:")."""
    parts: tuple[RequestItem, ...] = ()
    parts_are_questions: bool = False
    """Whether each part asks something of its own (a question each) or belongs with the item."""
    parent_label: str = ""
    """For a part split out as a question of its own, its item's marker ("2" for part c of question 2)."""

    @property
    def question(self) -> str:
        """The question as one string: the stem where the item needs it, the text, its parts."""
        if self.parts and all(part.kind is ItemKind.DIMENSION for part in self.parts):
            body = f"{self.text} {'; '.join(part.question for part in self.parts)}".strip()
        else:
            body = " ".join([self.text, *(part.question for part in self.parts)]).strip()
        return f"{self.stem} {body}".strip() if self.stem else body

    def split(self) -> list[RequestItem]:
        """The item as separate questions: its parts each carrying the item as stem."""
        if not self.parts:
            return [self]
        lead = " ".join(p for p in (self.stem, self.text) if p).strip()
        out: list[RequestItem] = []
        dimensions = tuple(part for part in self.parts if part.kind is ItemKind.DIMENSION)
        if dimensions and len(dimensions) == len(self.parts):
            return [self]
        # "Please could you provide the following information." leads every part but adds nothing to any of
        # them; background before it ("Our street flooded twice.") is not part of any question.
        generic = _GENERIC_ASK.match((sentences_of(lead) or [lead])[-1]) is not None
        for part in self.parts:
            if part.kind is ItemKind.DIMENSION:
                continue
            heading = not _asks_itself(self.text) or _introduces(self.text)
            for piece in part.split() if part.parts_are_questions else [part]:
                piece = replace(piece, parent_label=piece.parent_label or self.label)
                if generic:
                    out.append(piece)
                elif heading or _needs_lead(piece.text):
                    out.append(replace(piece, stem=f"{lead} {piece.stem}".strip() if piece.stem else lead))
                else:
                    out.append(piece)
        if self.text and _asks(self.text) and not _introduces(self.text):
            # "Please provide a copy of X. Please state: a) ... b) ..." keeps the copy as a question.
            out.insert(0, replace(self, parts=(), stem=self.stem))
        return out


@dataclass(frozen=True)
class QuestionList:
    """A request read into its questions, and the lines that are not questions."""

    items: tuple[RequestItem, ...]
    left_out: tuple[str, ...] = ()

    def questions(self, split_parts: bool = True, split_sentences: bool = False) -> list[str]:
        """The questions as strings.

        With `split_parts` every lettered, bulleted or listed part is a question (each carrying what
        it needs of its stem); with `split_sentences` every asking sentence of a prose paragraph is.
        """
        return [item.question for item in self.flat(split_parts, split_sentences)]

    def flat(self, split_parts: bool = True, split_sentences: bool = False) -> list[RequestItem]:
        """The items as a flat list, parts split out where asked (or where they ask themselves)."""
        out: list[RequestItem] = []
        for item in self.items:
            separable = any(part.kind is not ItemKind.DIMENSION for part in item.parts)
            heading = item.parts_are_questions and (not _asks_itself(item.text) or _introduces(item.text))
            pieces = item.split() if separable and (split_parts or heading) else [item]
            for piece in pieces:
                prose = piece.kind is ItemKind.PROSE and not piece.parts
                out.extend(_asking_sentences(piece) if split_sentences and prose else
                           _additional_asks(piece) if prose else [piece])
        return out


def _additional_asks(item: RequestItem) -> list[RequestItem]:
    """A paragraph split where a sentence asks for something more ("Additionally, please provide ...")."""
    sentences = sentences_of(item.text)
    out = [sentences[0]] if sentences else []
    for sentence in sentences[1:]:
        if _ADDITIONAL.match(sentence) and _asks_itself(sentence):
            out.append(sentence)
        else:
            out[-1] = f"{out[-1]} {sentence}"
    if len(out) <= 1:
        return [item]
    return [replace(item, text=text, stem=item.stem if number == 0 else "") for number, text in enumerate(out)]


# Sentences that open a further ask; "Please also include ..." and "If possible, ..." qualify the one before.
_ADDITIONAL = re.compile(
    r"(?i)^(?:additionally|in addition|furthermore|also|secondly|finally|lastly)\b|"
    r"^(?:please )?(?:could|can|would) you (?:please )?also\b|^i(?: would|'d) also like\b|"
    r"^i (?:also )?(?:want|wish|request) also\b|^if you(?:'re| are) also able\b"
)


# "..., and could you also send me a copy of the contract": a second ask joined to the first by a comma.
_JOINED_ASK = re.compile(r"(?i),?\s+and\s+(?=(?:(?:could|can|would) you (?:please )?also|please also|"
                         r"i(?: would|'d) also like|i also (?:want|wish|request))\b)|;\s+(?=(?:could|can|would) you\b)")


def _asking_sentences(item: RequestItem) -> list[RequestItem]:
    """A prose paragraph as one question per asking sentence; context goes with the ask after it."""
    sentences = [_capitalised(part) for sentence in sentences_of(item.text) for part in _joined_asks(sentence)]
    out: list[RequestItem] = []
    context: list[str] = []
    for sentence in sentences:
        if out and not context and _IF_SO.match(sentence):
            out[-1] = replace(out[-1], text=f"{out[-1].text} {sentence}")  # "Do you use X? If so, since when?"
            continue
        if (_asks_itself(sentence) or _REQUESTED_THING.match(sentence)) and not _only_background(sentence):
            text = " ".join([*context, sentence]) if context and not out else sentence
            if context and out:
                out[-1] = replace(out[-1], text=" ".join([out[-1].text, *context]))
            out.append(replace(item, text=text))
            context = []
        else:
            context.append(sentence)
    if context:
        if not out:
            return [item]
        out[-1] = replace(out[-1], text=" ".join([out[-1].text, *context]))
    if out and item.stem:
        out[0] = replace(out[0], stem=item.stem)
    return out


# "... how many people were arrested and for which offences, and what the total cost of the operation has been":
# a second question word after ", and" starts a second ask when both halves are asks of some length.
_SECOND_QUESTION = re.compile(r"(?i),\s+and\s+(?=(?:what|how many|how much|how often|whether)\s)")


_POINTS_BACK = re.compile(r"(?i)^\W*(?:\w+\W+){0,6}?(?:this|these|those|it|them|they|their|such)\b")


def _joined_asks(sentence: str) -> list[str]:
    """A sentence's asks joined by ", and could you also" or ", and what"; a follow-up that points back
    ("and could you also break this down by grade") stays with the ask it follows."""
    parts: list[str] = []
    for part in _JOINED_ASK.split(sentence):
        if not part.strip():
            continue
        if parts and _POINTS_BACK.match(part):
            parts[-1] = f"{parts[-1]}, and {part[:1].lower()}{part[1:]}"
        else:
            parts.append(part)
    out: list[str] = []
    for part in parts:
        pieces = _SECOND_QUESTION.split(part)
        if len(pieces) > 1 and all(len(piece.split()) >= 6 for piece in pieces) and _asks_itself(pieces[0]) and \
                not any(_POINTS_BACK.match(piece) for piece in pieces[1:]):
            out.extend(pieces)
        else:
            out.append(part)
    return out


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- Lines --------------------------------------------------------------------------------------------------------

_NUMBERED = re.compile(
    r"^(?:(?:q(?:uestion)?|request|item|point|part)\s*(\d{1,2})(?!\d)\s*[.):\-]?|\(?(\d{1,2})(?![\d.,]\d)"
    r"\s?(?:\.\)|[.):,]|/(?!\d)|\s-\s))\s*(.*)$",
    re.IGNORECASE,
)
_COMPOUND = re.compile(r"^\(?(\d{1,2})(?:[.)]\(?(?!I\s)([a-zA-Z])[.)]?|\(?([a-zA-Z])[.)])\s+(\S.*)$")
_LETTERED = re.compile(r"^(?:option\s+)?\(?([a-zA-Z])\s?(?:\.\)|[.)])\s*(?!e\.|g\.)(.*)$")
_ROMAN = re.compile(r"^\(?((?:i{1,3}|iv|vi{0,3}|ix|x))\s?[.)]\s*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*\u2013\-]|o(?=\s+[A-Z]))\s*(.*)$")
_MARKER_ONLY = re.compile(r"^(?:\(?(?:\d{1,2}|[a-z]|i{1,3}|iv|vi{0,3})\s?[.):]?\)?|(?:q(?:uestion)?|request|part|item|"
                          r"point)\s*\d{1,2}\s*[.:)]?)$", re.IGNORECASE)

_ASKING = re.compile(
    r"\?|\b(?:please|kindly)\b[^.?!]{0,40}\b(?:provide|produce|send|supply|tell|disclose|confirm|give|list|state|"
    r"advise|clarify|detail|identify|outline|explain|indicate|share|forward|inform|let (?:me|us) (?:know|have)|"
    r"include|specify|break|can|could|would)\b|\b(?:i|we)(?:'d| would| should| will)?"
    r"(?: also| further| additionally| now| therefore| hereby)? "
    r"(?:like|wish|want|hope|"
    r"request|am requesting|are requesting|am seeking|are seeking|seek|ask|need|am looking|require|"
    r"would be grateful|be grateful|am interested|am writing to (?:request|ask))\b|"
    r"^(?:can|could|would|will|may|do|does|did|is|are|was|were|has|have|had|how|what|which|when|where|"
    r"who|whom|whose|why|whether)\b|\b(?:can|could|would|will) you\b|\bif so\b|"
    r"^[^,.;:?]{0,60}?\s(?:how many|how much)\b|"
    r"^(?:any|all|copies|copy|details|a copy|a list|a breakdown|the (?:number|total|amount|names?|"
    r"cost|costs|date|dates|value|list|details|minutes|policy|percentage|proportion)|number of|"
    r"total|names? of|a summary|information (?:on|about|regarding|relating)|records?|data|"
    r"identify|provide|confirm|list|state|detail|explain|outline)\b",
    re.IGNORECASE,
)
_PROCEDURAL = re.compile(
    # Sentences about the handling of the request, not about the information asked for.
    r"\b(?:acknowledge (?:receipt|this)|confirm receipt|i look forward|look forward to|thank you|thanks|"
    r"(?:very much |really |greatly )?appreciate your (?:response|reply|help|time|assistance)|"
    r"if you (?:need|require|have) any (?:further |more )?(?:clarification|information|questions|queries)|"
    r"(?:do )?not hesitate|clarification|if any(?: part)? of (?:this|my) request|if you are unable to "
    r"provide|the (?:remainder|rest) of (?:the|my)|within (?:the )?(?:statutory|20|twenty)|"
    r"(?:20|twenty)[- ]working[- ]days?|"
    r"the (?:freedom of information )?act (?:requires|states|allows)|section 10\b|statutory (?:time|"
    r"deadline|timescale|timeframe|period)|"
    # The deadline for the reply, not "the timescales of the works" the requester asks about.
    r"(?:within|outside|meet|beyond|exceed|extend) (?:the |a |your |this )?(?:\w+ )?"
    r"(?:timescales?|timeframe|time limit)|"
    r"(?:timescales?|timeframe|time limit) (?:for|to|of) (?:respond|reply|answer|your response|a response|responding|"
    r"replying)|\btime limit\b|cost limits?|appropriate limit|"
    r"exceed (?:the )?(?:costs?|time|appropriate|fees?)|fees? (?:limit|notice)|"
    # A fee for the request ("if I am to be charged"), not "will these costs be charged to the Trust?".
    r"(?:if|whether|should) (?:i|we) (?:\w+ ){0,2}?(?:be|am|are) charged|(?:be|being) charged (?:a fee|for (?:this|my) "
    r"request|for (?:the |this )?information)|"
    r"(?:refine|narrow|adjust|reduce|amend|restrict|limit|modify) (?:my|the|this) request\b(?! process)|adjust it|"
    r"\bif (?:you are |you're |there are )?(?:encountering|experiencing|having|facing|you (?:encounter|have)) "
    r"(?:any )?practical difficulties|^dear [\w .'-]{0,40}\w(?=,?$)|"
    r"(?:would|will|might|could) take too long|answer what you can|"
    r"(?:please )?see (?:the |my |our )?questions below|please mark (?:the |your )?(?:multiple choice )?answers|"
    r"if it is not possible to (?:include|provide|answer|supply) (?:all|everything|any)|"
    # "Please provide the requested information in the order listed above": the order of the answers
    r"\b(?:in|following) the order (?:listed|given|set out|shown|specified|asked) (?:above|below)|"
    # "Please provide such data electronically.": how to send it, nothing more
    r"^(?:please )?(?:provide|send|supply)(?: (?:such|this|the|that|all|any))?(?: (?:data|information|figures|it|"
    r"them))? (?:electronically|in (?:an )?electronic (?:form|format))(?=\W*$)|"
    # "If any of this information is already publicly available, please provide a link to it": a pointer welcome
    r"^(?:and |also,? )?if (?:[^.,;?]{0,80}? and )?(?:any (?:of )?|some (?:of )?|part (?:of )?)?"
    r"(?:this|the|that|my requested|the requested) "
    r"(?:information|data) is (?:already )?(?:publicly available|published|in the public domain|"
    r"available (?:online|on your website))[^.?]*\b(?:links?|url|web ?page|web address|reference|direct me|"
    r"point me|where)\b|"
    r"^(?:please )?(?:send|e-?mail|forward|address) (?:the|this|your|any) (?:information|response|reply|data) to "
    r"(?:me|us|my|our|\[|this|the (?:above |following )?(?:e-?mail )?address)|"
    r"if (?:the |this |that )?(?:information|data|figures?)(?:/(?:information|data|figures?))? (?:is|are) not"
    r" (?:available|held|recorded) for (?:all|"
    r"every|each|the whole|some|any)\b|"
    r"\bif\b[^.]{0,120}\b(?:provide|send|give) what(?:ever)? (?:is|you (?:find|consider)) (?:convenient|available|"
    r"possible|reasonable)(?=\W*$)|"
    r"(?:provide|send|give) (?:me )?(?:the|whatever|any) (?:information|data) (?:that )?(?:is|you have|you hold) "
    r"(?:available|to hand)|"
    r"(?:i am|i'm) (?:asking|requesting|writing) (?:this )?under (?:the )?(?:freedom|foi|environmental)|"
    r"hope (?:this|my) (?:request )?(?:is not|isn't|will not be|won't be) (?:treated|considered|seen|regarded) as|"
    r"if (?:this|my|the) request is too (?:wide|broad|large|unclear|vague)|if answering [^.?]{0,40}\bis not possible|"
    r"(?:advise|tell) (?:me )?(?:as to )?what (?:relevant )?information (?:would be |is |may be )?"
    r"(?:attainable|available|obtainable)|"
    r"(?:i|we) (?:accept|understand|appreciate|realise|recognise|am aware|are aware) (?:that )?[^.?]{0,80}\b"
    r"(?:redact\w*|withh\w*|exempt\w*|remov\w*)|how (?:i|we) (?:could|can|might|should) "
    r"(?:narrow|refine|reduce|limit)|"
    r"(?:advise|advice) (?:on |me )?"
    r"how|falls within the parameters|public interest tests?|is not exempt|not exempt from|"
    r"this is a request (?:for information )?under|(?:process|deal with|handle) (?:my|the|this) request|"
    r"my (?:full )?name is|hope (?:that's|that is|this is|these are) (?:all )?(?:ok|okay|reasonable|fine|clear|"
    r"acceptable)|(?:i am|i'm) writing to (?:request|make a request|ask)[^.?!]{0,40}\bunder\b|"
    r"outlining my (?:query|request)|(?:if|should) (?:my|this|any part of (?:my|this)) request is (?:denied|refused)|"
    r"justify (?:all )?(?:deletions|redactions)|explanation (?:for|of) (?:the |any )?exemptions?|"
    r"(?:would )?appreciate your guidance|guidance on (?:the steps|how)|"
    r"non-exempt material|reserve the right|"
    r"(?:have )?received (?:this|my) request|i am writing (?:to you )?under|hope (?:you are|your|you're|"
    r"this finds)|i trust this|(?:presented|provided|supplied|sent) (?:to me )?(?:as|in) (?:a |an )?"
    r"(?:month|year|spreadsheet|excel|csv|electronic|table)|(?:on|with) behalf of|"
    r"comments associated with|to understand the basis|advice and assistance|(?:using|use) (?:the )?(?:table|"
    r"template|headings|columns)|in the following format|table headings)\b",
    re.IGNORECASE,
)
_FORMAT = re.compile(
    r"\b(?:electronic(?! mail| communications?| records?| documents?)|excel|csv|spreadsheet|machine[- ]readable|"
    r"xlsx?|pdf format|word format|digital format|"
    r"format(?:ted)?|by (?:e-?mail|post|return)|open government licence|re-?use|(?:as|in) a table|tabular)\b",
    re.IGNORECASE,
)
# "Please provide the following information:", "Under the Freedom of Information Act please tell me:": a lead
# that asks for nothing in particular and names no subject.
_BARE_ASK = (
    r"^(?:(?:so|and|therefore),?\s+)?(?:(?:under|in accordance with) [^.?!:]{0,60}?,?\s)?(?:(?:please )?"
    r"(?:could you |can you |would you )?"
    r"(?:please )?(?:provide|send|supply|tell|give|let)(?: me| us)?(?: with| know)?"
    r"(?:(?: (?:answers?|responses?|replies) to)? the following(?: \w+)?(?: information)?)?"
    r"|(?:i would|i'd|we would) (?:like|be grateful for)(?: to (?:request|ask for|know|have|receive|obtain|see))?"
    r" the following(?: information| details| data)?"
    r"|i (?:am |would like to |wish to |am writing to )?(?:request|requesting|ask for|asking for) the following"
    r"(?: information| details| data)?"
    r"|(?:i would|i'd|we would) like to (?:make|submit|put in|raise) (?:a |an )?(?:freedom of information |foi |"
    r"foia )?request (?:for|about|regarding|on|asking for) the following(?: information| details| data)?)"
    r"(?:,? (?:please|if possible))?(?:,? (?:under|in accordance with)[^.?!:]{0,60})?\s*[.:;\-\s]*$"
)
_BARE_LEAD = re.compile(_BARE_ASK, re.IGNORECASE)
_GENERIC_ASK = re.compile(
    # Not "I would be grateful to understand how many requests you received, and of these:": that asks.
    r"^(?![^?]*\b(?:how many|how much|the number of|the total (?:number|cost|amount|spend))\b)"
    r"(?:[^.?!]{0,80}\b)?(?:request|requesting|ask|asking|seeking|like|grateful|looking to (?:receive|obtain)|"
    r"help (?:me )?(?:out )?with|(?:my|the|our) questions? (?:is|are)|"
    r"submitting|submit|make)\b[^.?!]{0,40}\b(?:the following|information|data|details|request|answers|"
    r"questions)\b"
    rf"[^?]{{0,160}}$|{_BARE_ASK}",
    re.IGNORECASE,
)
# "... I would like to know": an ask that the next line finishes.
_UNFINISHED_ASK_TEXT = r"\b(?:like|want|wish|need) to (?:know|ask|request|see|have|receive|obtain)"
_INTRO_END = re.compile(
    r"(?::|:\s*-|;\s*-|\s-)\s*$|\b(?:the following|as follows|below|following (?:information|details|"
    r"questions|data|fields|areas|categories|periods))\b[^.?!:]{0,200}[.?:]?\s*$|"
    r"\b(?:provide|include|including|state|confirm|specifically|namely|of|for|on|regarding|from|with|"
    r"about|following|are|is|has|have|had|was|were|been|to|by|in|at|whether|under|the)\s*$|"
    rf"{_UNFINISHED_ASK_TEXT}\s*[:,-]?\s*$|"
    r"\b(?:tell|send|give|provide|let)\s+(?:me|us)(?:\s+know)?(?:\s+(?:with|about))?\s*[:,-]?\s*$",
    re.IGNORECASE,
)
_BREAKDOWN = re.compile(
    r"\b(?:broken down|break(?:ing)? (?:this |it |them |that )?down|breakdown|split|by the following|"
    r"specifically|categorised|grouped)\b[^.?!]{0,60}:?\s*$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^[A-Z0-9][^.?!]{0,80}:?$")
_ANAPHORA = re.compile(
    r"^(?:also,?\s+)?(?:i would like |please (?:could you )?(?:disclose |provide |send )?|can you |could you )?"
    r"(?:this|these|that|those|such|the above|it|them|the requested|the same|the information (?:i|we) "
    r"(?:seek|am seeking|are seeking|require|request|want|would like)|the information (?:requested|sought))\b"
    r"(?: (?:data|information|figures?|details|request|requests|numbers?))?",
    re.IGNORECASE,
)
_SCOPE_ONLY = re.compile(
    r"\b(?:to cover|covering|cover the|for the (?:[\w/-]+ )?(?:period|years?|financial|academic|calendar)|"
    r"from \d|from the \d|between \d|since \d|in the period|to the date of|each of (?:these|the above|those)|"
    r"all of the above|separately for each|year[- ]on[- ]year|for each (?:year|month|quarter)\b|for each (?:of )?"
    r"(?:these|the above|category|categories|area|areas))\b|\bas much (?:of )?(?:the|as)\b|as possible\b|in full\b",
    re.IGNORECASE,
)
_FOLLOW_ON = re.compile(
    r"^(?:please (?:also )?(?:can you |could you )?(?:indicate|include|specify|state|break|split|show)|"
    r"(?:can|could|would) you (?:also )?(?:please )?(?:indicate|include|specify|break|split|show)|"
    r"including\b|as well as\b|and (?:also )?(?:the|any)\b|if (?:possible|available|not|this|that|none)|"
    r"(?:or|otherwise),?\s)",
    re.IGNORECASE,
)
_IF_SO = re.compile(r"(?i)^(?:and |but )?if (?:so|yes|not|no|it (?:does|is|has|did|was)|they (?:do|are|have|did|were)|"
                    r"there (?:is|are|was|were|have been))\b(?! not)")
_INCLUDED_TOO = re.compile(r"(?i)^[^?]{0,80}\b(?:should|must|could|can|to) (?:also )?be (?:included|attached|"
                           r"added)\b[^?]*$")
_CONDITIONAL = re.compile(r"^(?:if|where|when|should)\b", re.IGNORECASE)
# "If possible, please include the number of managers on each team": more detail for the question before.
_IF_POSSIBLE_ALSO = re.compile(r"(?i)^(?:and )?(?:if (?:possible|you can|available|it is possible)|where (?:possible|"
                               r"available)),? (?:please )?(?:also )?(?:include|add|give|break|show|state|list)\b")
# "If available, please provide:" under a numbered item: the fields its answer should give follow.
_FIELD_LEAD = re.compile(r"(?i)^(?:(?:if|where) (?:available|possible|held|known|recorded),?\s+)?"
                         r"(?:please |(?:could|can) you (?:please )?)?(?:provide|include|give|state|list|show)"
                         r"(?: (?:the following|these))?(?: (?:details|information|fields|data))?"
                         r"(?: for each(?: \w+)?)?\s*:$")
_CONDITIONAL_FALLBACK = re.compile(r"^if (?:this|that|the|such)\b[^,]{0,80}\b(?:unavailable|not (?:available|held|"
                                   r"possible|recorded))[^,]*,\s*(?:then )?(?:just|only|simply)\b", re.IGNORECASE)


@dataclass
class _Line:
    text: str
    kind: ItemKind | None
    label: str = ""


@dataclass
class _Node:
    kind: ItemKind
    label: str
    text: str
    stem: str = ""
    children: list[_Node] = field(default_factory=list)
    block: bool = False
    """The item is a heading ("1. Playground closures:"): unmarked lines after it belong to it."""


@dataclass(frozen=True)
class MarkedLine:
    """A logical line with its list marker read off (`kind` None for an unmarked line)."""

    text: str
    kind: ItemKind | None
    label: str = ""


def mark_lines(lines: list[str]) -> list[MarkedLine]:
    """The grammar's reading of each line's marker, for layouts the reader finds in letters."""
    return [MarkedLine(line.text, line.kind, line.label) for line in _mark(lines)]


def asks(text: str) -> bool:
    """Whether a line asks for something by itself (a question mark, an asking verb, "The number of ...")."""
    return _item_asks(text)


def is_procedural(text: str) -> bool:
    """Whether a line is about handling the request (deadlines, formats, thanks), not the information."""
    return _is_procedural(text)


def read_questions(text: str, *, reflowed: bool = False) -> QuestionList:
    """The questions of a request body (greeting, headers and sign-off already removed)."""
    raw, tables = _without_tables([cells_marked(line) for line in normalise(text.replace("\t", CELL)).split("\n")])
    lines = [" ".join(line.split()) for line in raw] if reflowed else reflow(raw)
    marked = _mark(_joined_continuations(_bare_numbers_marked(_inline_numbers_split(_dash_leads(lines)))))
    items, left_out = _build(marked)
    return QuestionList(tuple(items), (*tables, *left_out))


# "For the area for which you are the lead flood authority --" then a list: the dashes end a lead as ":" does.
_DASH_END = re.compile(r"(?:\s(?:-{1,3}|\u2014)|:\s?-{1,2})\s*$")


def _dash_leads(lines: list[str]) -> list[str]:
    """Lines that end in dashes before a list, ending in ":" instead."""
    out = list(lines)
    for index, line in enumerate(lines):
        if not _DASH_END.search(line) or LIST_MARKER.match(line):
            continue
        following = next((later for later in lines[index + 1:] if later.strip()), "")
        if LIST_MARKER.match(following):
            out[index] = _DASH_END.sub(":", line)
    return out


_BARE_NUMBER = re.compile(r"^(\d{1,2}) (?=[A-Za-z])")
# "... on the following; 1. Does the council ...? 2. Does it ...? 3. What is ...": a numbered list whose line
# breaks were lost. A number counts only after a sentence's end (or the line's start) and before a capital.
_INLINE_NUMBER = re.compile(r"(?:^|(?<=[.?!;:]) )(\d{1,2})[.)] (?=[A-Z\"'‘“])")


# "7. Please confirm A) how many requests ... and B) how many times ...": lettered parts run into one line.
_INLINE_LETTER = re.compile(r"(?:(?<=\s)|^)([A-Ha-h])\) (?=[A-Za-z\"'\u2018\u201c])")


def _inline_numbers_split(lines: list[str]) -> list[str]:
    """A paragraph holding "1. ... 2. ... 3. ..." (or "A) ... B) ...") in order, one line per item (the lead,
    if any, first)."""
    out: list[str] = []
    for line in lines:
        starts: list[int] = []
        for match in _INLINE_NUMBER.finditer(line):
            if int(match.group(1)) == len(starts) + 1:
                starts.append(match.start(1))
        if len(starts) < 3:
            letters = list(_INLINE_LETTER.finditer(line))
            starts = []
            for match in letters:
                if match.group(1).lower() == "abcdefgh"[len(starts)] and (
                        not starts or match.group(1).isupper() == line[starts[0]].isupper()):
                    starts.append(match.start(1))
            if len(starts) < 2:
                out.append(line)
                continue
        cuts = [0, *starts, len(line)] if line[: starts[0]].strip() else [*starts, len(line)]
        pieces = [re.sub(r",?\s+(?:and|or)$", "", line[a:b].strip()) for a, b in itertools.pairwise(cuts)]
        out.extend(piece for piece in pieces if piece)
    return out


def _bare_numbers_marked(lines: list[str]) -> list[str]:
    """ "1 information about ..." then "2 How does ...": numbers with no stop, a list all the same when
    they run 1, 2, 3 ... line after line (a single "5 standard aircraft" is only a figure)."""
    starts = [(index, int(match.group(1))) for index, line in enumerate(lines)
              if (match := _BARE_NUMBER.match(line.strip()))]
    run: list[int] = []
    for index, number in starts:
        if number == len(run) + 1:
            run.append(index)
        elif number == 1:
            run = [index] if len(run) < 2 else run
    if len(run) < 2:
        return lines
    out = list(lines)
    for index in run:
        stripped = out[index].strip()
        out[index] = _BARE_NUMBER.sub(lambda match: f"{match.group(1)}. ", stripped, count=1)
    return out


_TABLE_ROW = re.compile(r"^[^|?]{1,60}(?: \| [^|?]{1,60})+$")
_TABLE_TITLE = re.compile(r"(?i)^\W*(?:(?:a |the )?(?:list|table|schedule|key) of\b|appendix\b|annex\b)[^?]{0,80}$")


def _without_tables(lines: list[str]) -> tuple[list[str], list[str]]:
    """Reference tables a requester appends ("List of clubs and local authorities", then tab-separated
    rows) taken out: they say which rows the questions are about, they ask nothing themselves."""
    kept: list[str] = []
    tables: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _TABLE_ROW.match(lines[end].strip()) and not asks(lines[end]):
            end += 1
        if end - index >= 3:
            rows = [" ".join(line.split()) for line in lines[index:end]]
            if kept and _TABLE_TITLE.match(kept[-1].strip()):
                rows.insert(0, " ".join(kept.pop().split()))
            tables.append(" / ".join(rows))
            index = end
            continue
        kept.append(lines[index])
        index += 1
    return kept, tables


# A line that stops on a word no sentence ends with ("... the numbers of section" then "38(6) applications ..."):
# a next line that starts with a number goes on with it.
_MID_CLAUSE_END = re.compile(r"(?i)\b(?:of|the|a|an|to|for|in|on|with|by|from|and|or|that|which|since|until|between|"
                             r"during|per|than|section|regulation|paragraph|schedule)$")


_PLEASE_ASK = re.compile(r"(?i)^(?:please|kindly|could you|can you|would you)\b[^.?!:;]*\w$")
_SCOPE_START = re.compile(r"(?:For|Within|Across|Spanning|Covering|Between|During) (?:the|each|every|all|your|this|"
                          r"these|those|both|any)\b(?! (?:avoidance|attention|purposes?|sake|record)\b)")


def _joined_continuations(lines: list[str]) -> list[str]:
    """A line that starts in lower case after one that stops mid-sentence continues it (a hand-wrapped line)."""
    out: list[str] = []
    for line in lines:
        short_tail = len(line.split()) <= 4 and line.endswith(("?", ".")) and len(out[-1].split()) >= 8 and \
            not _is_procedural(line) if out and out[-1] else False  # not "Many thanks in advance." after a list
        # "... Commissioning Managers," then "Safeguarding Managers and ...": a sentence wrapped at a comma, not
        # a list of short entries each ending with one.
        comma_wrap = bool(out) and out[-1].endswith(",") and len(out[-1].split()) >= 8 and len(line.split()) >= 4 \
            and not re.match(r"(?i)(?:how|what|which|who|when|where|why|please|can|could|would|do|does|did|is|are|"
                             r"was|were|has|have)\b", line)
        # "... since" then "2016. Could you ...", "... of section" then "38(6) applications": a number goes on.
        mid_clause = bool(out) and bool(_MID_CLAUSE_END.search(out[-1])) and line[:1].isdigit()
        # "Please provide the names and numbers" then "For the heads of service within ...": the ask's scope.
        scope_wrap = bool(out) and len(out[-1].split()) >= 6 and bool(_PLEASE_ASK.match(out[-1])) and \
            bool(_SCOPE_START.match(line)) and "?" not in line and not _asks_itself(line) and not re.search(
                r"(?i)\b(?:please|provide|state|tell|how|what|confirm|list)\b", line)
        if out and out[-1] and (line[:1].islower() or short_tail or comma_wrap or mid_clause or scope_wrap) and \
                not re.search(r"[.?!:;]$", out[-1]) and _marker(line, "")[0] is None and not _MARKER_ONLY.match(line):
            out[-1] = f"{out[-1]} {line}"
        elif len(out) >= 2 and not out[-1] and out[-2] and line[:1].islower() and _UNFINISHED_ASK.search(out[-2]) \
                and _marker(line, "")[0] is None:
            out.pop()  # "I would like to know", a blank line, then "how many accounts ...": one sentence
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


_UNFINISHED_ASK = re.compile(rf"(?i){_UNFINISHED_ASK_TEXT}\s*$")


def _mark(lines: list[str]) -> list[_Line]:
    """Each line with its marker read; one entry per line, in order.

    A marker alone on its line ("1." then "a)", or "Question 1" then the question) takes the text
    of the next unmarked line, which then stands empty, so that nested markers keep their levels.
    """
    marked: list[_Line] = []
    previous_letter = ""
    waiting: int | None = None  # index of the last marker-only line still without its text
    for line in lines:
        if not line:
            marked.append(_Line("", None))
            continue
        if _MARKER_ONLY.match(line) and not re.fullmatch(r"(?i)[a-z]", line):
            kind, label, _ = _marker(line + " x", previous_letter)
            if kind is not None:
                marked.append(_Line("", kind, label))
                previous_letter = label if kind is ItemKind.LETTERED else previous_letter
                waiting = len(marked) - 1
                continue
        kind, label, rest = _marker(line, previous_letter)
        if kind is ItemKind.LETTERED:
            previous_letter = label
        if kind is ItemKind.BULLET and re.match(r"\*\w", line) and any(
                earlier.text.rstrip().endswith("*") for earlier in marked) and len(line.split()) >= 8 and re.search(
                r"(?i)\b(?:is|are|means|defined|refers|would|should|includes?|whilst|although)\b", line):
            # "Number of invoices paid late*" then "*Whilst this is not required ...": the footnote to the
            # starred entry, prose about it, not an entry of the list.
            kind, label = None, ""
        if kind is None and waiting is not None:
            marked[waiting] = _Line(line, marked[waiting].kind, marked[waiting].label)
            marked.append(_Line("", None))
        else:
            marked.append(_Line(rest if kind else line, kind, label))
        waiting = None
    return marked


def _marker(line: str, previous_letter: str) -> tuple[ItemKind | None, str, str]:
    compound = _COMPOUND.match(line)
    if compound:
        # "1.A Can the council ..." then "1.B Please produce ...": each part is an item of its own.
        return ItemKind.NUMBERED, compound.group(1) + (compound.group(2) or compound.group(3)).lower(), \
            compound.group(4).strip()
    number = _NUMBERED.match(line)
    if number and (number.group(3) or "").strip() and not re.match(r"(?i)^\d{1,2}(?:st|nd|rd|th)\b", line):
        body = number.group(3).strip()
        # "2022, 2021 and 2020" and "10K" are not list items; "1, Can you ..." is.
        if not (line[len(number.group(1) or number.group(2) or ""):][:1] == "," and not body[:1].isupper()):
            return ItemKind.NUMBERED, number.group(1) or number.group(2), body
    roman = _ROMAN.match(line)
    if roman and roman.group(2).strip() and _is_roman(roman.group(1).lower(), previous_letter):
        return ItemKind.ROMAN, roman.group(1).lower(), roman.group(2).strip()
    letter = _LETTERED.match(line)
    if letter:
        label = letter.group(1).lower()
        body = letter.group(2) or ""
        if body.strip() and not re.match(r"(?i)^[a-z]\.[a-z]\.", line):
            return ItemKind.LETTERED, label, body.strip()
    bullet = _BULLET.match(line)
    if bullet and bullet.group(1).strip() and not line.startswith("--") and (
            not re.match(r"^-?\d", line) or _PERIOD_LABEL.match(bullet.group(1).strip())):
        # "-2019-20" under "for each academic year:" is an entry; "-5 degrees" is a figure
        return ItemKind.BULLET, line[0], bullet.group(1).strip()
    return None, "", line


def _is_roman(numeral: str, previous_letter: str) -> bool:
    """Whether "i)", "v)" or "x)" is a roman numeral here, not the next letter after "h)", "u)" or "w)"."""
    if numeral == "i":
        return previous_letter in ("", "a", "b", "c", "d", "e", "f", "g", "i")
    if numeral in ("v", "x"):
        return previous_letter == ""
    return True


def _build(lines: list[_Line]) -> tuple[list[RequestItem], list[str]]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    left_out: list[str] = []
    stem = ""  # an introduction waiting for (or carried by) the items after it
    stem_used = False
    breakdown = False  # the open question ended "broken down by:": lines after it are its dimensions
    after_item = False  # the previous non-blank line was a list item or a question
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.text and roots and after_item and not stack and _FORMAT_LEAD.search(line.text) and (
                len(_FORMAT_LEAD.sub("", line.text).split()) <= 4
                or _ENDS_POINTING_BACK.search(_FORMAT_LEAD.sub("", line.text))):
            # "Please provide this in the following format:" then "Name of contract", "Start date": the
            # columns the answer to the question before should have, not questions of their own.
            left_out.append(line.text)
            while index < len(lines) and lines[index].text and len(lines[index].text.split()) <= 8 and \
                    lines[index].kind in (None, ItemKind.BULLET) and \
                    not _asks_itself(lines[index].text) and not _is_procedural(lines[index].text):
                roots[-1].children.append(_Node(ItemKind.DIMENSION, "", lines[index].text))
                index += 1
            continue
        if line.kind is None and line.text and roots and after_item and not stack and \
                _LISTING.search(roots[-1].text) and all(c.kind is ItemKind.DIMENSION for c in roots[-1].children) \
                and _is_entry_of(line.text):
            roots[-1].children.append(_Node(ItemKind.DIMENSION, "", line.text.rstrip(";,")))
            continue  # "including:" then "primary and secondary schools;", "libraries;": what the answer covers
        if line.kind is None and line.text and roots and after_item and not stack and _TEMPLATE_ROW.match(line.text):
            roots[-1].children.append(_Node(ItemKind.DIMENSION, "", line.text))
            continue  # "File preparation: £x": the layout the answer may take, a row of the question before
        if line.kind is None and line.text and stem and not stem_used and not stack and _asks_itself(stem) and \
                _LISTING.search(stem) and _is_entry_of(line.text):
            entry = _Node(ItemKind.DIMENSION, "", line.text.rstrip(";,"))
            roots.append(_Node(ItemKind.PROSE, "", stem, children=[entry]))
            stem, stem_used, after_item = "", False, True
            continue
        if line.kind is None and not line.text:
            # A blank line closes the open item, not a heading or stem above it ("2. Within that, tell me:").
            while stack and not stack[-1].block and not stack[-1].text.endswith(":"):
                stack.pop()
            continue
        if line.kind is not None and line.text and (_is_procedural(line.text) or (
                _COMMENTARY.match(line.text) and not _asks_itself(line.text))):
            left_out.append(line.text)  # "2. Please send the response by email." is not a question
            continue
        if line.text and not stack and stem and not stem_used and roots and _BREAKDOWN_REFERENCE.search(stem) and \
                (line.kind is not None or _is_item_line(line.text)):
            # "A breakdown by location." then "the breakdown could include:" and its columns: what the
            # breakdown asked for already shows, not more questions.
            index = _breakdown_columns(lines, index - 1, line.kind, roots[-1])
            left_out.append(stem)
            stem, stem_used, breakdown, after_item = "", False, False, True
            continue
        if line.kind is not None and not stack and stem and not stem_used and _lists_dimensions(stem) and \
                _is_dimension(line.text):
            # "broken down by:" or "use the list below to categorise:" then short entries: how to break down
            # or label an answer, not questions. Under a question they are its dimensions; under a note
            # about other questions ("for questions 3 and 5, use ..."), the whole note is left out, shown.
            index, listed = _dimensions_of(stem, lines, index - 1, line.kind, roots, left_out)
            after_item = after_item or listed
            stem, stem_used, breakdown = "", False, False
            continue
        if line.kind is not None:
            owner = next((node for node in reversed(stack) if node.kind is not ItemKind.DIMENSION
                          and _LEVEL[node.kind] < _LEVEL.get(line.kind, 3)), None)
            kind = ItemKind.DIMENSION if stack and (
                _ANSWER_CHOICE.match(line.text) or (breakdown and _is_dimension(line.text))
                or (owner is not None and _labels_answer_to(owner.text, line.text))) else line.kind
            node = _Node(kind, line.label, line.text)
            level = _LEVEL.get(line.kind, 3)
            while stack and _LEVEL[stack[-1].kind] >= level:
                stack.pop()
            siblings = stack[-1].children if stack else roots
            previous = siblings[-1] if siblings and siblings[-1].kind is node.kind else None
            # A short entry is a heading only when its list is one of headings: the entry before it,
            # if any, had lines of its own. The last of a list of fields does not take the prose after it.
            node.block = bool(line.text) and not _asks_itself(line.text) and (line.text.endswith(":") or (
                len(line.text.split()) <= 6 and (previous is None or bool(previous.children)))) and \
                bool(_HEADING.match(line.text))
            if stack:
                stack[-1].children.append(node)
            else:
                node.stem = _stem_for(stem, line.text, stem_used)
                stem_used = stem_used or bool(node.stem)
                roots.append(node)
            if not stack and node.kind is ItemKind.NUMBERED and _CHOICE_PROMPT.search(line.text):
                # "1. Do you fund tutoring? (please indicate all options that apply)" then "Option a) Yes, ...",
                # its bullets and sub-bullets: one question of a form, answered as one, up to the next number.
                while index < len(lines) and lines[index].text and (lines[index].kind is not ItemKind.NUMBERED or
                                                                     bool(_PERIOD_LABEL.match(lines[index].text))) \
                        and not _is_procedural(lines[index].text) and not (
                        lines[index].kind is None and _asks_itself(lines[index].text)):
                    if re.search(r"\w{2}", lines[index].text):
                        node.children.append(_Node(ItemKind.DIMENSION, "", lines[index].text))
                    index += 1
                stem, stem_used, after_item, breakdown = "", False, True, False
                continue
            stack.append(node)
            after_item = True
            breakdown = bool(_BREAKDOWN.search(line.text)) and line.text.endswith(":")
            continue
        text = _without_label(line.text)
        if stack and breakdown and not _asks_itself(text) and len(text.split()) <= 8:
            stack[-1].children.append(_Node(ItemKind.DIMENSION, "", text))  # a dimension of the open question
            continue
        if len(stack) == 1 and stack[0].kind is ItemKind.NUMBERED and _FIELD_LEAD.match(text) and \
                index < len(lines) and lines[index].text and lines[index].kind is None:
            # "3. The duration of each project." then "If available, please provide:", "Start date", "End date"
            # and "If it lasted less than a day, the hours": the fields of item 3's answer, not questions.
            fields = [text]
            while index < len(lines) and lines[index].text and lines[index].kind is None and \
                    not _is_procedural(lines[index].text) and (
                    (len(lines[index].text.split()) <= 8 and not _asks_itself(lines[index].text))
                    or (_CONDITIONAL.match(lines[index].text) and len(lines[index].text.split()) <= 30)):
                fields.append(lines[index].text)
                index += 1
            stack[0].text = " ".join([stack[0].text, *fields])
            continue
        if stack and _continues_item(stack[-1], text):
            stack[-1].text = f"{stack[-1].text} {text}".strip()
            breakdown = bool(_BREAKDOWN.search(text)) and text.endswith(":")
            continue
        block = next((position for position in range(len(stack) - 1, -1, -1) if stack[position].block), None)
        if block is not None and not any(child.kind is not ItemKind.LINE for child in stack[block].children) and \
                not _is_procedural(text) and not _quotes(text) and not (
                _HEADING.match(text) and _next_level(lines, index) <= _LEVEL[stack[block].kind]):
            # Under a heading item ("1. Eligibility criteria:") prose and lists belong to it.
            stack = stack[: block + 1]
            stack[-1].children.append(_Node(ItemKind.LINE, "", text))
            continue
        stack = []
        breakdown = False
        if not re.search(r"[A-Za-z]{2}", text):
            continue  # a stray bracket or marker left by the mail system
        if (_REFERENCE_LINE.match(text) or (after_item and _SUBJECT_LINE.search(text) and len(text.split()) <= 8
                                            and not _asks_itself(text))) and roots:
            # "Tender reference: 59992", "86/00783/FUL", "11 Elm Square from 1985-1986": what the item is about
            roots[-1].text = f"{roots[-1].text} {text}".strip()
            continue
        if roots and after_item and roots[-1].kind is ItemKind.NUMBERED and _ASKS_BACK.match(text) and \
                not _is_procedural(text) and not _quotes(text) and not _introduces(text) and \
                _before_next_number(roots[-1], lines, index):
            # "2. Does the council have a retrofit officer?" then "Please list any roles that work in this area."
            # then "3. ...": an ask about the numbered question's subject, before the next number, belongs to it.
            roots[-1].text = f"{roots[-1].text} {text}".strip()
            continue
        if _introduces(text) and _next_is_item(lines, index) and _describes_what_follows(text):
            # "The role may be defined as having any of the following responsibilities:" then its duties, "By
            # 'incident' we mean any of the following:", "We are conducting research into:" then its topics:
            # what a word covers or what the research is about, not questions.
            left_out.append(text)
            entry_kind = lines[index].kind if index < len(lines) else None
            while index < len(lines) and (lines[index].kind is entry_kind is not None or (
                    lines[index].text and lines[index].kind is None and lines[index - 1].kind is not None and
                    _continues_definition(lines[index].text))):
                left_out.append(lines[index].text)
                index += 1
            _release(stem, stem_used, roots, left_out)
            stem, stem_used, after_item = "", False, False
            continue
        if _is_procedural(text) or _quotes(text):
            left_out.append(text)
            if stem and not stem_used and _is_procedural(text) and _next_is_item(lines, index):
                continue  # a note between a lead and its list ("if some data is not held, ..."): the lead waits
            _release(stem, stem_used, roots, left_out)
            stem, stem_used, after_item = "", False, False
            continue
        if stem and not stem_used and _lists_dimensions(stem) and _is_dimension(text) and \
                _is_dimension(lines[index].text if index < len(lines) else ""):
            # Unmarked breakdown lines ("5-10 (Primary)", "11-16 (Secondary)") under a breakdown stem.
            index, listed = _dimensions_of(stem, lines, index - 1, None, roots, left_out)
            after_item = after_item or listed
            stem, stem_used = "", False
            continue
        if stem and _HEADING.match(text) and len(text.split()) <= 12 and not _asks_itself(text) and \
                index < len(lines) and lines[index].kind is not None and not _EXAMPLE_LEAD.match(text) and \
                not (roots and roots[-1].kind is ItemKind.LINE and stem_used):
            left_out.append(text)  # "Supporting Families" then "1. ...": a section heading, shown, not lost
            continue
        if stem and stem_used and roots and _only_defines(text):
            left_out.append(text)  # "Banking provider refers to: an institution that ..." under the entries
            continue
        if stem and _is_item_line(text) and not _asks_itself(text) and not _CONDITIONAL.match(text) and \
                not _ANAPHORA.match(text) and not _introduces(text) and \
                (stem_used or _next_is_item(lines, index - 1)):
            node = _Node(ItemKind.LINE, "", text, stem=_stem_for(stem, text, stem_used))
            stem_used = True
            roots.append(node)
            after_item = True
            if _BREAKDOWN.search(text) and text.endswith(":"):
                stack, breakdown = [node], True
            continue
        if roots and after_item and _restates_list(text):
            left_out.append(text)
            continue
        if stem and stem_used and _is_item_line(text) and _asks_itself(text) and not _CONDITIONAL.match(text) \
                and not _ANAPHORA.match(text) and len(text.split()) <= 40 and not _introduces(text):
            roots.append(_Node(ItemKind.LINE, "", text))
            after_item = True
            continue
        if roots and after_item and _attaches_to_previous(text):
            roots[-1].text = f"{roots[-1].text} {text}".strip()
            if _OPTIONS_INCLUDE.search(text) and _next_is_item(lines, index):
                stack = [roots[-1]]  # "If yes, please list them. Options might include:" then its options
            continue
        if stem and not stem_used and (_introduces(text) or (
                not _asks_itself(text) and _next_is_item(lines, index) and not _is_item_line(text))):
            # "I request the following." then "Information requested:", or a line saying what it covers.
            stem = f"{stem} {text}".strip()
            continue
        pending_stem = stem if stem and not stem_used and stem.endswith(":") and (
            len(stem.split()) <= 8 or (_FOLLOWING_INFORMATION.search(stem) and len(stem.split()) <= 30)) else ""
        if not pending_stem:
            _release(stem, stem_used, roots, left_out)
        followed_question = after_item
        stem, stem_used, after_item = "", False, False
        next_item = _next_is_item(lines, index)
        if _EXAMPLE_LEAD.match(text) and next_item:
            # "For example:" then a sample row: how an answer might look, not more questions.
            left_out.append(text)
            while index < len(lines) and lines[index].kind is not None:
                left_out.append(lines[index].text)
                index += 1
            continue
        if _introduces(text) and next_item and _FOLLOWING_BELOW.search(text) and not _SPECIFIC_ASK.search(text) and \
                not _SCOPED.search(text) and _asking_list_follows(lines, index):
            left_out.append(text)  # "Please provide the following answer and data requests below." then the asks
            continue
        if _introduces(text) and next_item and not pending_stem and roots and followed_question and \
                roots[-1].kind is ItemKind.PROSE and not roots[-1].children and "?" not in text and \
                len(sentences_of(text)) == 1 and _REFERS_BACK.search(text) and not _FULL_QUESTION.match(text) and \
                _same_measure(roots[-1].text, text):
            # "Please provide the numbers of pupils with an EHCP." then "I would like the number in each group
            # educated in:" and its list: the list breaks down the ask before it, one question.
            stem = f"{roots.pop().text} {text}"
            continue
        if _introduces(text) and next_item and not pending_stem and roots and followed_question and \
                roots[-1].kind is ItemKind.PROSE and not roots[-1].children and _DETAILS_BELOW.search(text) and \
                not roots[-1].text.rstrip().endswith("?") and _restated_below(roots[-1].text, lines, index):
            # "I would like to know the total budget and whether fees funded it." then "To assist you, I have set
            # out below the specific details I am seeking:" and a numbered list: the list restates the summary.
            left_out.append(roots.pop().text)
            left_out.append(text)
            continue
        if _introduces(text) and next_item and not pending_stem and roots and roots[-1].kind is ItemKind.PROSE and \
                not roots[-1].children and _just_before(roots[-1], lines, index) and \
                all(_names_subject_only(sentence) for sentence in sentences_of(roots[-1].text) or [roots[-1].text]):
            # "I would like information about your staff in climate roles." then "In particular, please supply
            # information relating to the following questions:" and the list: the list asks, the line names it.
            left_out.append(roots.pop().text)
        if _introduces(text) and next_item:
            if pending_stem:
                left_out.append(pending_stem)
            sentences = sentences_of(text)
            if len(sentences) > 1 and _asks_itself(" ".join(sentences[:-1])) and \
                    not _GENERIC_ASK.match(" ".join(sentences[:-1])) and \
                    not _QUALIFIES_BEFORE.match(sentences[-1]) and \
                    not all(_names_subject_only(sentence) for sentence in sentences[:-1]):
                # "Please provide a copy of X. Please state:" asks for X, then introduces a list.
                roots.append(_Node(ItemKind.PROSE, "", " ".join(sentences[:-1])))
                stem = sentences[-1]
            elif len(sentences) > 1 and (_asks_itself(sentences[-1]) or _introduces(sentences[-1])) and (
                    not _asks(" ".join(sentences[:-1])) or
                    all(_names_subject_only(sentence) for sentence in sentences[:-1])):
                # "I am researching bus services. For each depot, please provide:" the context stays out.
                left_out.append(" ".join(sentences[:-1]))
                stem = sentences[-1]
            else:
                stem = text
            continue
        if _is_question_paragraph(text) and text.endswith(":") and len(text.split()) <= 10 and \
                _next_paragraph_asks(lines, index):
            stem, stem_used = text, False  # "I would like to know:" then the question it introduces
            continue
        if text.endswith(":") and _next_paragraph_asks(lines, index) and (
                lead := sentences_of(text) or [text]) and _FOLLOWING_INFORMATION.search(lead[-1]):
            # "I wish to make an FOI request. Please provide the following information for 2020/21 to 2022/23:"
            # then the question: the scope goes with it, the opening stays out.
            if len(lead) > 1:
                left_out.append(" ".join(lead[:-1]))
            stem, stem_used = lead[-1], False
            continue
        kept, dropped = _without_procedural(text) if _is_question_paragraph(text) else (text, [])
        if _is_question_paragraph(text) and _only_defines_or_leads(kept, lines, index):
            # "When referring to 'children' I mean ...": a definition; "I would like the data for 2024, as broken
            # down in the points below." then a numbered list of asks: the list asks, the lead sets its scope.
            left_out.append(text)
            continue
        if _is_question_paragraph(text) and _asks(kept):  # "I hope you're well. It's Sam from ..." asks nothing
            if pending_stem and not _GENERIC_ASK.match(pending_stem):
                kept = f"{pending_stem} {kept}"  # "I would like to know:" then the question
            elif pending_stem:
                left_out.append(pending_stem)
            roots.append(_Node(ItemKind.PROSE, "", kept))
            left_out.extend(dropped)
            after_item = True
            continue
        if pending_stem:
            left_out.append(pending_stem)
        if _HEADING.match(text) and next_item and len(text.split()) <= 12:
            continue  # a section heading: the items under it stand on their own
        left_out.append(text)
    _release(stem, stem_used, roots, left_out)
    items = [_item(root) for root in roots]
    items = [item for item in items if item.question.strip()]
    if not items:
        # Nothing asks: a request written as a statement is still one question.
        prose = [text for text in left_out if not _is_procedural(text)]
        if prose:
            items = [RequestItem(" ".join(prose), ItemKind.PROSE)]
            left_out = [text for text in left_out if text not in prose]
    if len(items) > 1:
        # "The business I am enquiring about is: Elm Cafe, 4 Elm Road": what the questions are about, not one.
        about = [item for item in items if _ENQUIRING_ABOUT.match(item.stem or item.text)]
        items = [item for item in items if item not in about]
        left_out.extend(item.question for item in about)
    items, generic = _drop_generic(items)
    return _qualifiers_joined(items), [*generic, *left_out]


def _qualifiers_joined(items: list[RequestItem]) -> list[RequestItem]:
    """"Please include all job titles ..." or "Please provide a separate chart for each department." after a
    question: what its answer should hold, not a question of its own."""
    out: list[RequestItem] = []
    for item in items:
        fields = all(part.kind in (ItemKind.LINE, ItemKind.DIMENSION) and not _asks_itself(part.text)
                     for part in item.parts)
        if out and out[-1].kind is ItemKind.PROSE and item.kind in (ItemKind.PROSE, ItemKind.LINE) and \
                fields and not item.stem and \
                _QUALIFIES_LAST.match(item.text) and "?" not in item.text and not _SPECIFIC_ASK.search(item.text) \
                and len(item.text.split()) <= 40:
            # "As per what you do with vehicles, could you include" then "Fleet Number", "Make & Model": fields.
            out[-1] = replace(out[-1], text=f"{out[-1].text} {item.question}".strip())
            continue
        out.append(item)
    return out


_ENQUIRING_ABOUT = re.compile(r"(?i)^(?:the )?(?:business|premises|property|properties|school|site|address|location|"
                              r"establishment|restaurant|shop|company|organi[sz]ation|road|street|case|application)s? "
                              r"(?:that )?(?:i am|i'm|we are|we're|i was) (?:enquiring|inquiring|asking|requesting|"
                              r"writing|referring) (?:about|to)\b[^?]{0,30}\b(?:is|are)\b"
                              r"(?:(?!\b(?:please|would like|tell me|provide|and i|also)\b)[^?;])*$")


_DEFINES = re.compile(r"(?i)\b(?:(?:may|can|could|would|should) be|is|are) (?:defined|described|understood|"
                      r"characterised) as\b|\bby\b[^.?!]{1,60}\b(?:I|we) mean\b|\bfor the purposes? of (?:this|my|the) "
                      r"(?:request|question)s?\b[^.?!]{0,60}\b(?:includes?|means?|covers?)\b|^notes?\s*:|"
                      # "Banking provider refers to: an institution that ...": a term of up to four words defined
                      r"^(?:the (?:term|word|phrase) )?[\"'‘“]?(?!(?:please|could|can|would|what|how|which|who|this|"
                      r"that|my|our|the|your) (?:request|question|enquiry|letter|e-?mail)s?\b)"
                      r"(?!(?:please|could|can|would|what|how|which|who)\b)"
                      r"[a-z][\w-]*(?: [\w-]+){0,3}[\"'’”]? (?:refers to|means|is defined as|shall mean)\b")


_CONTEXT_LEAD = re.compile(r"(?i)^(?:i|we) (?:am|are) (?:currently )?(?:conducting|carrying out|undertaking|doing|"
                           r"compiling|working on)\b[^.?!]{0,80}\b(?:research|study|survey|project|report|review|"
                           r"investigation|dissertation|thesis|article)\b"
                           r"(?:(?!\b(?:please|would like|could you|can you|request that|provide|tell me|ask)\b)[^.?!])"
                           r"{0,160}:\s*$|^(?:i|we) (?:am|are) "
                           r"(?:currently )?researching\b[^.?!]{0,80}:\s*$")


# "Please provide your total spend for the last three years. For each year I would like a breakdown of:" the
# list breaks down the ask before it, so the whole paragraph leads the list.
_QUALIFIES_BEFORE = re.compile(r"(?i)^(?:and )?(?:for|in|within) (?:each|every|both|all) (?:of )?(?:these|those|them|"
                               r"the above|year|month|quarter|case|period|area|site|service)s?\b|^(?:of|for|within) "
                               r"(?:these|those|this|them|which)\b")


def _describes_what_follows(text: str) -> bool:
    """A lead whose list defines a word or sets the research's scope, so its entries ask nothing."""
    last = (sentences_of(text) or [text])[-1]
    return bool(_DEFINES.search(last) or _CONTEXT_LEAD.match(last))


def _continues_definition(text: str) -> bool:
    """A wrapped line of a definition's entry: it starts in lower case and asks nothing of its own."""
    return text[:1].islower() and not _asks_itself(text)


_EXAMPLE_LEAD = re.compile(r"(?i)^(?:for (?:example|instance)|e\.g\.|examples?|an example|a sample|sample "
                           r"(?:answer|response|row))\b[^.?!]{0,40}:?\s*$")
# "- this would make collecting the data easier": a remark set out as a list entry, not an item.
_COMMENTARY = re.compile(r"(?i)^(?:this|that|it) (?:would|will|makes|helps|should)\b[^?]*$|^\*?\s*\S.{0,60}\b"
                         r"(?:is|are|means?) defined as\b[^?]*$")
# A line naming what the question is about: a case or planning reference, a postcode, a street address.
_SUBJECT_LINE = re.compile(r"(?i)^\W*(?:(?!(?:19|20)\d\d[/-]\d\d\b)[a-z]{0,4}\d{1,6}[/-]\d{2,}[\w/-]*|"
                           r"[a-z]{1,2}\d{1,2}[a-z]? ?\d[a-z]{2}\b|"
                           r"\d{1,4}[a-z]? [a-z][\w']+ (?:road|street|square|lane|avenue|close|drive|way|place|court|"
                           r"gardens|terrace|crescent|row|walk|hill|park)\b)")
_REFERENCE_LINE = re.compile(r"^[A-Z][\w ]{0,30}\b(?:ref(?:erence)?|number|no\.?|id)\s*[:#]\s*[\w/.-]*\d[\w/.-]*$",
                             re.IGNORECASE)


def _quotes(text: str) -> bool:
    """A quotation the requester cites as context (it opens with a quotation mark)."""
    return text[:1] in "\"'" and not re.search(r"(?i)\bplease\b", text)


def _without_procedural(text: str) -> tuple[str, list[str]]:
    """A paragraph's asking sentences, and its procedural ones ("Please reply by email.") apart."""
    sentences = sentences_of(text)
    kept = [sentence for sentence in sentences if not _procedural_sentence(sentence)]
    if not kept:
        return text, []
    return " ".join(kept), [sentence for sentence in sentences if sentence not in kept]


def _release(stem: str, used: bool, roots: list[_Node], left_out: list[str]) -> None:
    """A stem no item took is not lost: a question if it asks, else shown as left out."""
    if not stem or used:
        return
    if _asks_itself(stem) and not _GENERIC_ASK.match(stem) and not _is_bare_lead(stem):
        roots.append(_Node(ItemKind.PROSE, "", stem))
    else:
        left_out.append(stem)


_BREAKDOWN_REFERENCE = re.compile(r"(?i)\b(?:the|this|that) breakdown (?:could|should|would|will|must|can|to)?\s*"
                                  r"(?:also )?(?:include|contain|cover|show)\b[^.?!]{0,60}:\s*$")
_DIMENSION_STEM = re.compile(
    r"(?i)(?:\b(?:broken down|break(?:ing)? (?:this |it |them |that |the data |the figures )?down|breakdown|"
    r"split|categoris(?:e|ed|ing)|categoriz(?:e|ed|ing)|grouped)\b[^.?!]{0,80}|\b(?:use|using) the (?:below|following) "
    r"(?:list|categories|options|groups|bands)[^.?!]{0,80}|\b(?:the following|these) (?:categories|age groups|"
    r"bands|options)[^.?!]{0,40}):\s*$"
)
_REFERS_ELSEWHERE = re.compile(
    r"(?i)\bquestions? (?:\d|below|above|that follow)|\bthe (?:questions|data) (?:below|above)|\bfor (?:each|all) of "
    r"the (?:questions|following questions)|\banswer(?:ing)? (?:the|these|all|each)\b|\bplease (?:answer|respond)\b"
)


def _breakdown_columns(lines: list[_Line], start: int, kind: ItemKind | None, question: _Node) -> int:
    """The columns a breakdown should have, from `start` (marked like the first, or plain entry lines),
    added to the question that asked for the breakdown; the index after them."""
    index = start
    while index < len(lines):
        line = lines[index]
        entry = line.kind is kind if kind is not None else line.kind is None and _is_item_line(line.text)
        if not line.text or not entry or _is_procedural(line.text) or _introduces(line.text) or (
                kind is None and _SCOPE_ONLY.search(line.text)):
            break
        question.children.append(_Node(ItemKind.DIMENSION, "", line.text))
        index += 1
    return index


def _lists_dimensions(stem: str) -> bool:
    """A line that introduces how an answer is broken down or labelled, not what is asked."""
    return bool(_DIMENSION_STEM.search(stem))


def _labels_answer_to(question: str, text: str) -> bool:
    """A short label under a full question ("... over the past three years?" then "- 2022", "- 2023";
    "What was done with them?" then "- Sent to landfill"): how to break down or choose the answer."""
    label = re.sub(r"\s*\([^)]*\)", "", text).strip()  # "Destroyed (if yes, please specify how)" is a choice
    if _PERIOD_LABEL.match(label) and question.rstrip().endswith((":", "?")):
        return True  # "... for the years:" then "- 2022", "- 2023"
    if _CHOICE_PROMPT.search(question) and 0 < len(label.split()) <= 20:
        return True  # "Please select one option:" then "a) Sent for recycling", "b) Other, please specify"
    if _OPTIONS_INCLUDE.search(question) and 0 < len(label.split()) <= 8 and not _asks_itself(label):
        return True  # "If yes, please list them. Options might include:" then "- Solar panels", "- Other"
    if _WHICH_OF_THE_FOLLOWING.search(question) and 0 < len(label.split()) <= 8 and not _asks_itself(label):
        return True  # "which of the following do you require of each animal" then "o Name", "o Breed"
    if _WHICH_KINDS.search(question) and 0 < len(label.split()) <= 14 and not _FULL_QUESTION.match(label) and \
            not _SPECIFIC_ASK.search(label) and not re.match(r"(?i)(?:the )?(?:number|total|cost|uptake|rate|amount)\b|"
                                                             r"(?:any|copies|whether|of (?:those|these))\b", label):
        return True  # "which categories of pupils are eligible?" then "Looked-after children", "Whoever applies?"
    return question.rstrip().endswith("?") and _asks_itself(question) and 0 < len(label.split()) <= 8 and \
        not _asks_itself(label) and not label.endswith("?")


_WHICH_KINDS = re.compile(r"(?i)\bwhich (?:categories|types|kinds|groups|classes) of\b[^.?!]{0,120}\?\s*$")
# "Options might include:", "Examples could be:": the choices a yes may take (not "This should include:", fields).
_OPTIONS_INCLUDE = re.compile(r"(?i)\b(?:options|examples|answers|choices|types|kinds) "
                              r"(?:(?:might|may|could|can|would) )?(?:include|be)\s*:\s*$")
_WHICH_OF_THE_FOLLOWING = re.compile(r"(?i)\bwhich (?:one )?of the following\b[^.?!]{0,120}[:?]?\s*$")
_FORMAT_LEAD = re.compile(r"(?i)\b(?:in|using|with|under) (?:the following|these|this) (?:format|layout|headings|"
                          r"columns|fields|template)\s*:\s*$")
_ENDS_POINTING_BACK = re.compile(r"(?i)\b(?:it|them|(?:this|these|the|that|such) (?:information|data|details|answers?|"
                                 r"figures)|this|these|your (?:response|answers?|reply))\s*$")
_TEMPLATE_ROW = re.compile(r"(?i)^[a-z][\w /&()'-]{0,40}:\s*(?:£\s?x+|x+|\?+|_{2,}|\[\s*\w{0,10}\s*\]|\.{3,}|"
                           r"£\s?_+|n)\s*$")
_LAYOUT_NOTE = re.compile(r"(?i)^(?:a |the )?(?:breakdown|format|layout|table|response)\b[^?]{0,40}\b"
                          r"(?:similar to|like|as in|in the format of)\b[^?]{0,20}\b(?:below|following|this)\b[^?]*$")
_FOLLOWING_INFORMATION = re.compile(r"(?i)\bthe following (?:information|details|data|questions)\b[^?]*:\s*$")
_LISTING = re.compile(r"(?i)\b(?:including|such as|namely|covering|in particular)\s*:\s*$")


def _is_entry_of(text: str) -> bool:
    """A short entry of a list an asking sentence opened ("libraries;", "and other areas of spend.")."""
    return len(text.split()) <= 14 and not _asks_itself(text) and not _is_procedural(text) and \
        (text.rstrip().endswith((";", ",")) or text[:1].islower() or len(text.split()) <= 6)


_CHOICE_PROMPT = re.compile(r"(?i)\b(?:please )?(?:select|choose|pick|tick|circle) (?:one|an?|all|the|any)?\s*"
                            r"(?:options?|answers?|(?:that|which) apply|from)\b[^?]{0,40}:?\s*$|"
                            r"\b(?:please )?indicate (?:all|any|each|one|the)? ?(?:applicable )?(?:options?|"
                            r"(?:that|which) apply)\b[^?]{0,40}:?\s*$|"
                            r"\b(?:please )?(?:answer|complete|tick|mark) (?:each|every|all|any) (?:options?|boxe?s?|"
                            r"(?:that|which) apply)\b[^?]{0,30}$|"
                            r"^(?:please )?(?:answer|reply|respond) (?:with )?(?:yes or no|yes/no|y/n)\W*$|"
                            r"^(?:please )?(?:provide|give) a (?:number|figure|answer) for each (?:option|one|row)\W*$")
_PERIOD_LABEL = re.compile(
    r"(?i)^(?:(?:financial |calendar |academic )?(?:year )?(?:19|20)\d\d(?:\s*[/-]\s*(?:19|20)?\d\d)?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:19|20)?\d\d|q[1-4]\b[^?]{0,12})"
    r"(?:\s*(?:to|-|until)\s*[\w ]{0,20})?\s*[.;,]?$")


def _is_dimension(text: str) -> bool:
    """An entry of a breakdown: a short label ("Primary (5-10)", "Ward"), not a question."""
    return bool(text) and len(text.split()) <= 10 and not _asks_itself(text) and not _REQUESTED_THING.match(text)


def _dimensions_of(stem: str, lines: list[_Line], start: int, kind: ItemKind | None, roots: list[_Node],
                   left_out: list[str]) -> tuple[int, bool]:
    """A breakdown list under `stem`: the stem's dimensions when the stem asks (True), else a guide to
    answering other questions, left out and shown (False); and the index after the list."""
    guide = not _asks_itself(stem) or bool(_REFERS_ELSEWHERE.search(stem))
    entries, index = _dimension_run(lines, start, kind, guide)
    if guide:
        left_out.append(f"{stem} {'; '.join(entries)}")
        return index, False
    node = _Node(ItemKind.PROSE, "", stem)
    node.children.extend(_Node(ItemKind.DIMENSION, "", entry) for entry in entries)
    roots.append(node)
    return index, True


def _dimension_run(lines: list[_Line], start: int, kind: ItemKind | None, guide: bool) -> tuple[list[str], int]:
    """The entries of a breakdown list from `start` (marked like the first, or all unmarked), and the
    index after it. In a guide to answering other questions an entry may carry its own aside ("If so,
    what is the main need?"): it is still an entry of the guide."""

    def entry(text: str) -> bool:
        if text.endswith(":") or _introduces(text):
            return False  # the next list's introduction
        return _is_dimension(text) or (guide and len(text.split()) <= 25 and not _is_procedural(text))

    entries: list[str] = []
    index = start
    while index < len(lines):
        line = lines[index]
        if line.kind is None and not line.text:
            following = lines[index + 1] if index + 1 < len(lines) else None
            if kind is not None and entries and following is not None and following.kind is kind and \
                    entry(following.text):
                index += 1
                continue
            break
        if line.kind is not kind or not entry(line.text):
            break
        entries.append(line.text)
        index += 1
    return entries, index


def _stem_for(stem: str, text: str, used: bool) -> str:
    """The first item under a stem carries it; later ones only when they are bare noun phrases.

    A bare lead ("Please tell me:") is carried by none: it adds nothing to any question.
    """
    if not stem or _is_bare_lead(stem):
        return ""
    return stem if not used or _needs_stem(text) else ""


def _is_bare_lead(stem: str) -> bool:
    """A lead that asks for nothing in particular, after any background ("I got a ticket there last month, so
    under FOI please send me the following:")."""
    clauses = [clause.strip() for clause in _LAST_CLAUSE.split(stem) if clause.strip()]
    if _BARE_LEAD.match(stem):
        return True
    # Bare only when what comes before its last clause is background ("I got a ticket there last month"), not
    # a question of its own ("I would like to know the total spent in 2023; please send me the following:").
    return bool(clauses) and bool(_BARE_LEAD.match(clauses[-1])) and all(
        not _asks(clause) or _only_background(clause) for clause in clauses[:-1])


_LAST_CLAUSE = re.compile(r"(?i)(?<=[.;!])\s+|,?\s+(?:and so|so|therefore|hence)\s+"
                          r"(?=(?:under|in accordance|please|could|can|would|i)\b)")


def _without_label(text: str) -> str:
    """ "Required information; - A list of ..." without its label."""
    match = re.match(r"^(?:(?:information|details|data) (?:requested|required)|required information|"
                     r"request(?:ed)?)\s*[:;]\s*-?\s*(?=\w)", text, re.IGNORECASE)
    return text[match.end():] if match else text


def _item(node: _Node) -> RequestItem:
    parts = tuple(_item(child) for child in node.children)
    # Parts are questions of their own when each is worded as one ("How many ..."), not a noun phrase with a "?".
    asks_each = bool(parts) and all(_SELF_ASKING.search(part.text) or part.parts_are_questions for part in parts)
    heading_only = bool(parts) and (not node.text or (not _asks(node.text) and len(node.text.split()) <= 10))
    return RequestItem(
        text=node.text, kind=node.kind, label=node.label, stem=node.stem, parts=parts,
        parts_are_questions=bool(parts) and (heading_only or asks_each) and not all(
            part.kind is ItemKind.LINE for part in parts),
    )


def _group_parts(items: list[RequestItem]) -> list[RequestItem]:
    """Parts that only finish their stem are one question with parts.

    "A breakdown of a) ... b) ..." (the stem stops mid-sentence), and unmarked lines that are bare
    categories under a stem ("the budget for the following areas:" then "Parks", "Allotments"), are
    one question whose parts the reader splits again where the reply answers them one by one.
    Bullets, and lines that name what they want ("The number of ..."), stay questions of their own.
    """
    out: list[RequestItem] = []
    for item in items:
        previous = out[-1] if out else None
        lettered = item.kind in (ItemKind.LETTERED, ItemKind.ROMAN)
        # "The number of pupils educated in:" then "- A mainstream school", "- Home educated": the bullets
        # finish the stem's sentence, categories of one question (split again where answered one by one).
        finishing = item.kind is ItemKind.BULLET and bool(item.stem) and bool(_ENDS_ON_PREPOSITION.search(
            item.stem)) and not _item_asks(item.text)
        groupable = lettered or finishing or item.kind is ItemKind.LINE
        # Lettered parts count separately only where the reply answers them separately: by default they
        # are parts of one question, which the reader splits again when it finds them answered one by one.
        if previous is not None and previous.kind is ItemKind.PROSE and previous.parts and \
                item.stem in ("", previous.text) and \
                groupable and item.kind is previous.parts[-1].kind and (
                    lettered or finishing or _MID_SENTENCE.search(previous.text) or not _item_asks(item.text)):
            out[-1] = replace(previous, parts=(*previous.parts, replace(item, stem="")))
            continue
        if lettered or finishing or (groupable and item.stem and (
                _MID_SENTENCE.search(item.stem) or not _item_asks(item.text))):
            out.append(RequestItem(item.stem, ItemKind.PROSE, parts=(replace(item, stem=""),)))
            continue
        out.append(item)
    return out


_ENDS_ON_PREPOSITION = re.compile(r"(?i)\b(?:in|of|for|on|at|by|from|with|to|between|into|within)\s*:\s*$")
_MID_SENTENCE = re.compile(r"\b(?:of|for|on|about|regarding|from|with|provide|including|include|namely|showing|"
                           r"and|or|the|your|all|any)\s*$", re.IGNORECASE)
# "Under the Act could you tell me how many ...", "information on whether you employ ...": the Act named, or
# information asked for, and a real question asked all the same.
_SPECIFIC_ASK = re.compile(r"(?i)\b(?:how many|how much|how often|how long|the number of|the (?:total )?"
                           r"cost of|a copy of|copies of|a list of|whether)\b")
_GENERIC_SENTENCE = re.compile(
    r"(?i)\b(?:writing to|would like to|wish to|want to|am|are)?\s*(?:request|requesting|submit|submitting|make|"
    r"making|seek|seeking|looking to (?:receive|obtain)|obtain)\b[^.?!]{0,60}\b(?:information|data|details|"
    r"request)\b|\bunder the (?:freedom of information|foi)\b|"
    r"\b(?:provide|send|supply|give)(?: me| us)?(?: with)? (?:some |any |more )?(?:information|details) "
    r"(?:concerning|about|regarding|on|relating to|in relation to|in respect of)\b|"
    r"\btell (?:me|us) (?:the |more )?about\b")


def _drop_generic(items: list[RequestItem]) -> tuple[list[RequestItem], list[str]]:
    """A generic opening ("I am writing to request information about X under the Act") goes when real asks follow.

    Returns the questions and the opening, if one was set aside (it is shown as left out, never lost).
    """
    items = _group_parts(items)
    if len(items) < 2:
        return items, []
    first = items[0]
    sentences = sentences_of(first.text)
    generic = [bool(_GENERIC_SENTENCE.search(s) or _BARE_LEAD.match(s)) and not _SPECIFIC_ASK.search(s)
               for s in sentences]
    # Context sentences may come with it ("My benefit was held up for months. I would like some answers.").
    if first.kind is ItemKind.PROSE and not first.parts and "?" not in first.text and any(generic) and all(
            flag or not _asks(sentence) for flag, sentence in zip(generic, sentences, strict=True)):
        return items[1:], [first.text]
    return items, []


def _asks(text: str) -> bool:
    bare = _LEADING_CONNECTIVE.sub("", text)
    # "Plus the number of complaints ...", "Also do the wardens wear cameras, and if so ...".
    # "Then the Christmas event last year - the total cost of it": a topic, a dash, then what is wanted.
    topic, dash, wanted = bare.partition(" - ")
    led = bare != text and not _CLAUSE_WORD.match(bare) and bool(
        _REQUESTED_THING.match(bare) or _ASKING.match(bare) or (
            dash and len(topic.split()) <= 12 and _REQUESTED_THING.match(wanted) and not _STATEMENT.match(wanted)
            and not re.search(r"(?i)\b(?:went|rose|fell|increased|decreased|doubled|halved)\b", wanted)))
    return (_ASKING.search(text) is not None or led) and not _STATEMENT.match(bare)


def _asks_itself(text: str) -> bool:
    """A self-contained question: a question mark, an asking verb, or a question word leading the sentence."""
    bare = _LEADING_CONNECTIVE.sub("", text)
    # "Also, when I rang ...": with the connective gone, a clause word leads; it still starts no question.
    return "?" in text or bool(_SELF_ASKING.search(text) or (
        bare != text and not _CLAUSE_WORD.match(bare) and _SELF_ASKING.search(bare)))


_CLAUSE_WORD = re.compile(r"(?i)(?:when|where|who|which|while|as|because|since)\b")


# "Also the total paid out ...", "Plus the number of complaints ...", "Also do the wardens wear cameras": the
# connective joins the ask to the ones before; what follows it is read as the ask.
_LEADING_CONNECTIVE = re.compile(r"(?i)^(?:(?:and )?while i'?m at it\b\s*[-,:]?|(?:and )?then|and|also|plus|"
                                 r"additionally|furthermore|further|finally|lastly|secondly|thirdly|next)\b,?\s*[-:]?\s+"
                                 r"(?:also\b,?\s+)?")


_SELF_ASKING = re.compile(
    r"(?i)\b(?:please|kindly|can you|could you|would you|will you|(?:can|could|may) (?:i|we) (?:have|get|see|ask for|"
    r"request|obtain)|i(?: would|'d)(?: also| further| additionally)? like|"
    r"i(?: also| therefore| hereby)? wish|i(?: also)? want|(?:are|is) (?:you|the council) (?:also )?able to|able to "
    r"(?:confirm|provide|tell|send|share|give)|"
    r"we would like|i request|i am requesting|i would be grateful|provide (?:me|us)|let me know)\b|"
    # After a comma, "when", "which", "where" and "who" start a clause ("..., when I could not ..."), not a question.
    r"(?:^|[.;:]\s*|\band\s)(?:how|what|which|when|where|who|whether|why|do you|does (?:the|your)|"
    r"is there|are there|has (?:the|your)|have you|did (?:the|you))\b|,\s*(?:how|what|whether|why|do you|does "
    r"(?:the|your)|is there|are there|has (?:the|your)|have you|did (?:the|you))\b|"
    r"^(?:confirm|provide|identify|explain|outline|list|state|detail|disclose|send)\b|"
    # "Following the fire how many tower blocks were found ...": a short lead, then the question.
    r"^[^,.;:?]{0,60}?\s(?:how many|how much)\b"
)
_REQUESTED_THING = re.compile(
    r"(?i)^(?:the |a |an |any |all )?(?:(?:total |overall |annual )?(?:number|numbers|amount|total|cost|costs|"
    r"spend|value|list|copy|copies|details|names?|breakdown|summary|percentage|proportion|minutes|"
    r"records?|information|data|correspondence|documents?|reports?|policy|policies)\b)"
)


def _item_asks(text: str) -> bool:
    """An item that stands as a question by itself: it asks, or names what is wanted ("The number of ...")."""
    bare = _LEADING_CONNECTIVE.sub("", text)
    return _asks_itself(text) or (bool(_REQUESTED_THING.match(bare)) and not _STATEMENT.match(bare))


# "The minutes are published on our website.": a thing named, then said of it; an answer, not an ask.
_STATEMENT = re.compile(
    r"(?i)^(?:the |a |an |any |all |this |these |our )?(?:[\w-]+ ){0,2}?(?:number|numbers|amount|total|cost|costs|"
    r"spend|value|list|copy|copies|details|names?|breakdown|summary|percentage|proportion|minutes|records?|"
    r"information|data|correspondence|documents?|reports?|policy|policies)\s+(?:is|are|was|were|has|have|had|"
    r"will|can|cannot|does|do|did|shows?|came|comes|falls?|remains?)\b(?![^?]*\?)"
)


def _names_subject_only(sentence: str) -> bool:
    """Context, or an ask that only names the subject ("I am requesting information about X.")."""
    return not _asks(sentence) or _only_background(sentence) or (
        bool(_SUBJECT_ONLY.search(sentence)) and "?" not in sentence and not _CONCRETE_ASK.search(sentence))


_SUBJECT_ONLY = re.compile(r"(?i)^(?:[^.?!]{0,60}\b)?(?:i|we)(?: am| are)? (?:requesting|seeking|request|seek|"
                           r"would like|wish to (?:request|obtain))(?: to (?:request|obtain|receive))? (?:some )?"
                           r"(?:information|details|data) (?:about|regarding|relating to|related to|on|concerning|"
                           r"in relation to|in respect of)\b")


def _introduces(text: str) -> bool:
    return _INTRO_END.search(text) is not None


def _is_procedural(text: str) -> bool:
    """About the handling of the request (thanks, deadlines, formats, offers to clarify), not the information."""
    sentences = sentences_of(text) or [text]
    return all(_procedural_sentence(sentence) for sentence in sentences)


_CONCRETE_ASK = re.compile(
    r"(?i)\b(?:provide|send|supply|give|tell me|disclose|let me (?:know|have))\s+(?:me\s+)?(?:with\s+)?(?:the|a|an|any|"
    r"all|copies|details|information (?:on|about)|how many|how much)\s+(?:number|numbers|total|amount|copy|copies|list|"
    r"details|names?|cost|costs|spend|figures?|breakdown|records?|minutes|policy|report)\b")


def _procedural_sentence(sentence: str) -> bool:
    if _CONCRETE_ASK.search(sentence) and not re.search(r"(?i)acknowledge|receipt|timeframe|remainder", sentence):
        return False  # "To narrow my request: please provide the number of ..." still asks for something
    if re.match(r"(?i)^(?:how|what|which|when|where|who|whether|do|does|did|is|are|has|have)\b", sentence) and \
            not re.search(r"(?i)acknowledge|receipt|clarif", sentence):
        return False  # a question about deadlines or costs is still a question
    if _PROCEDURAL.search(sentence):
        return True
    if _FORMAT.search(sentence):
        # "Please provide this data as a CSV" is about format; "the number of X, in CSV" still asks for X.
        rest = _FORMAT.sub(" ", sentence)
        return bool(_ANAPHORA.search(rest) or re.search(r"(?i)\b(?:this|the|that|all|your|any)\b[^.]{0,25}\b(?:data|"
                                                       r"information|response|reply|answer|figures)\b", rest)
                    or re.search(r"(?i)\b(?:provide|send|supply|give|(?:can|could|may) (?:i|we) (?:have|get|receive))"
                                 r"\s+(?:it|them|this|these)\b", rest)) \
            or not _asks(rest)
    return not _asks(sentence) and bool(re.match(r"(?i)^(?:request for information|freedom of information)", sentence))


def _is_item_line(text: str) -> bool:
    """A line shaped like a list entry: one phrase or sentence, starting like an entry, not cut mid-sentence."""
    return not re.search(r"[.!]\s+[A-Z]", text) and len(text.split()) <= 40 and bool(re.match(r"[A-Z0-9£%]", text)) \
        and not _MID_SENTENCE.search(text) and not re.search(r"(?i)\b(?:that|which|with|within|by|to|at)\s*$", text)


def _is_question_paragraph(text: str) -> bool:
    if not _asks(text) or _is_procedural(text) or _only_background(text):
        return False
    return not (_ANAPHORA.match(text) and _SCOPE_ONLY.search(text))


def _only_background(text: str) -> bool:
    """Says why the requester asks ("I would like to understand the position at ..."), asks for nothing named."""
    sentences = sentences_of(text) or [text]
    return "?" not in text and all(_BACKGROUND.search(s) or not _asks(s) for s in sentences) and \
        any(_BACKGROUND.search(s) for s in sentences)


_BACKGROUND = re.compile(
    r"(?i)\b(?:i|we)(?: would|'d)?(?: like| want| wish| hope| am trying| are trying| need)? to (?:better )?"
    r"(?:(?:understand|learn (?:more )?about|find out more about|get a (?:better )?(?:sense|picture|idea) of)\b"
    r"(?![^.?!]*\b(?:how|why|the reasons?|rationale|basis|decision|the number|the cost|whether|when|who|which|"
    r"copy|copies|list|details)\b)"
    r"(?![^.?!]*\bwhat\b(?! (?:has|have) (?:changed|happened)| is (?:going on|happening)| the position))|"
    r"see how [^.?!]{0,40}\b(?:compares?|stacks? up|measures? up|is doing|are doing|performs?)\b|"
    r"(?:find out|know|understand|learn) (?:how (?:much|often|far|widespread)|whether|the extent (?:to which|of)) "
    r"(?:of )?(?:this|it|that|these|such)\b[^.?!]{0,30}\b(?:goes on|go on|happens?|is happening|is going on|"
    r"occurs?|is (?:done|used))\b)|"
    r"\b(?:know|find out|understand) (?:what'?s|what is|what has been) (?:going on|happening|being done)\b|"
    r"\b(?:would|'d) like (?:more )?(?:up[- ]to[- ]date|recent|current|newer|fresh) (?:figures|information|data)"
    r"\s*[.!]?\s*$"
)


def _restates_list(text: str) -> bool:
    if re.match(r"(?i)^(?:how many|how much|what (?:is|was|were|are) the (?:total|number|value|cost))\b", text):
        return False  # "How many fines were issued in relation to the above cases?" asks for something new
    return bool(re.search(r"(?i)\b(?:each of (?:these|the above|those)|the above|all of the above|these "
                          r"(?:categories|areas|items|fields|questions))\b", text)) and len(text.split()) <= 30


def _attaches_to_previous(text: str) -> bool:
    if _LAYOUT_NOTE.match(text):
        return True  # "A breakdown similar to the below would be appreciated" then its rows
    if (_IF_SO.match(text) and not _follow_up_stands_alone(text)) or (
            _INCLUDED_TOO.search(text) and not _asks_itself(text)):
        return True  # "If yes, in which parts?" and "The appendices should also be included." go with the ask
    if _CONDITIONAL_FALLBACK.match(text) or (_CONDITIONAL.match(text) and _SCOPE_ONLY.search(text)) or \
            _IF_POSSIBLE_ALSO.match(text):
        return True
    if _ANAPHORA.match(text) and _SCOPE_ONLY.search(text) and not re.search(r"(?i)broken down|breakdown", text):
        return True
    return bool(_FOLLOW_ON.match(text)) and not _asks_itself(re.sub(_FOLLOW_ON, "", text)) and \
        not _is_procedural(text)


def _follow_up_stands_alone(text: str) -> bool:
    """A conditional follow-up on its own line that is a whole question ("If it has, has it been successful?",
    "If so did the project finish on time?") is a question of its own; a fragment ("If yes, in which parts?")
    finishes the one before."""
    condition = _IF_SO.match(text)
    rest = text[condition.end():].lstrip(" ,") if condition else text.partition(",")[2]
    return bool(rest) and text.rstrip().endswith("?") and len(rest.split()) >= 4 and bool(_FULL_QUESTION.match(
        rest.strip()))


_FULL_QUESTION = re.compile(r"(?i)^(?:then )?(?:how|what|which|when|where|who|whom|whose|why|has|have|had|is|are|was|"
                            r"were|does|do|did|can|could|will|would|please)\b")


_DETAILS_BELOW = re.compile(r"(?i)^(?!.*\b(?:also|further|additional|other|in addition|in relation|about)\b)"
                            r"(?:to (?:assist|help) you\b[^.?!:]{0,60}|(?:more )?specifically,?|in (?:more )?detail,?)"
                            r"\b[^.?!]{0,60}\b(?:below|as follows|the following)\b[^.?!]{0,60}\b"
                            r"(?:details|information) (?:i am|i'm|we are|we're) (?:seeking|requesting|looking for)\W*$")
_MEASURE = re.compile(r"(?i)\b(number|total|cost|spend|budget|amount|figure|count|percentage|value|fine|appeal|"
                      r"complaint|staff|payment)s?\b")


def _same_measure(ask: str, lead: str) -> bool:
    """The lead breaks down what the ask before it measures ("the numbers of pupils" then "the number in each
    group"), not another measure of its own ("the cost of placements for each group")."""
    asked = {match.lower() for match in _MEASURE.findall(ask)}
    led = {match.lower() for match in _MEASURE.findall(lead)}
    return bool(led) and led <= asked


def _restated_below(summary: str, lines: list[_Line], index: int) -> bool:
    """A numbered list follows that says again, in detail, what the summary asked (most of its words)."""
    listed = " ".join(line.text for line in lines[index:] if line.text)
    if sum(line.kind in (ItemKind.NUMBERED, ItemKind.LETTERED) for line in lines[index:]) < 2:
        return False
    return containment(content_words(summary), content_words(listed)) >= 0.5
_REFERS_BACK = re.compile(r"(?i)\b(?:in|for|of|within) (?:each|every) (?:(?:such )?(?:group|category|cohort)|of "
                          r"(?:these|those|them|the above))\b")
_QUALIFIES_LAST = re.compile(r"(?i)^(?:please (?:also )?include|please (?:provide|give|supply|send) (?:a )?separate "
                             r"(?:\w+ ){1,2}for each|(?:as (?:per|with) [^.?!,]{1,40}, )?(?:could|can|would) you "
                             r"(?:also )?include(?=\W*$))")
_ALSO_INCLUDE = re.compile(r"(?i)^(?:please (?:also )?include|(?:and )?including)\b")


def _continues_item(node: _Node, text: str) -> bool:
    if node.block or (_CHOICE_PROMPT.match(text) and not node.children):
        return True  # "Please select one option:" under a question says how to answer it
    if node.text.endswith((":", ",", ";", "-", "and", "or")) and not node.children:
        return True
    if _ALSO_INCLUDE.match(text) and not node.children and node.kind in (ItemKind.NUMBERED, ItemKind.LETTERED,
                                                                          ItemKind.ROMAN, ItemKind.BULLET):
        return True  # "c. When does the contract end?" then "Please include any extensions.": more of c
    return bool(text[:1].islower()) and not node.children and not node.text.endswith((".", "?"))


_FOLLOWING_BELOW = re.compile(r"(?i)\bthe following\b[^.?!]{0,40}\b(?:requests?|questions|points|items) below\W*$")
_POINTS_TO_LIST = re.compile(r"(?i)\b(?:(?:in|by|under|for|to) the (?:points|questions|headings|list|items) "
                             r"(?:below|that follow)|(?:set out|listed|detailed|broken down) below|as follows)\W*$|"
                             + _FOLLOWING_BELOW.pattern.removeprefix("(?i)"))
_MEANS = re.compile(r"(?i)\b(?:i|we) (?:mean|am referring to|are referring to)\b|\b(?:when|where) (?:referring|"
                    r"i refer|we refer) to\b[^.?!]{0,80}\b(?:i|we) (?:mean|include)\b")


# "When I refer to looked after children I mean ..., please provide the number placed out of area": it asks too.
_ASKS_TOO = re.compile(r"(?i)\b(?:please|kindly|can you|could you|would you|will you|i(?: would|'d) like|provide|"
                       r"tell me|let me know)\b")


# "For each of the financial years 2021/22 to 2023/24", "for each school": a scope the questions after it need.
_SCOPED = re.compile(r"(?i)\bfor (?:each|every|all|the (?:last|past|financial|calendar|academic|years?|period))\b|"
                     r"\b(?:19|20)\d\d\b")
_FOLLOWING_LEAD = re.compile(r"(?i)\b(?:interested in|(?:like|wish|want) to (?:know|understand|see)|understanding)"
                             r"\b[^.?!]{0,20}\bthe following\b")


def _only_defines_or_leads(text: str, lines: list[_Line], index: int) -> bool:
    """A paragraph whose sentences each say what a word means ("By children I mean those under 18.") or point
    to the asking list that follows ("... as broken down in the points below.")."""
    sentences = sentences_of(text) or [text]
    # "We are particularly interested in understanding the following from Trading Standards." leads too.
    # A sentence that asks for something itself ("Please tell me how many inspections were made, and answer the
    # questions below") is a question, not only a lead.
    leads = [sentence for sentence in sentences if (_POINTS_TO_LIST.search(sentence) and not _SPECIFIC_ASK.search(
        sentence) and not _CONCRETE_ASK.search(sentence) and not re.search(
        r"(?i)\bthe (?:total |annual )?(?:number|spend|cost|amount|value|budget)\b", sentence)) or (
        _FOLLOWING_LEAD.search(sentence) and _introduces(sentence) and not _SCOPED.search(sentence))]
    return "?" not in text and all(sentence in leads or ((_MEANS.search(sentence) or _DEFINES.search(sentence)) and
                                                         not _ASKS_TOO.search(sentence))
                                   for sentence in sentences) and (not leads or _asking_list_follows(lines, index))


# "Please list any roles that work in this area" (not "Please also tell me ...", a further question).
_ASKS_BACK = re.compile(r"(?i)^(?:please|could you|can you|would you)\b(?! also\b)(?:\W+\w+){0,7}?\W+"
                        r"(?:this|these|those|such) (?:area|roles?|posts?|staff|services?|schemes?|work|team|projects?|"
                        r"contracts?|cases)\b")


def _just_before(node: _Node, lines: list[_Line], index: int) -> bool:
    """The node is the paragraph right before the line read (`index` is past it), blank lines aside."""
    previous = next((line.text for line in reversed(lines[: index - 1]) if line.text), "")
    return bool(previous) and node.text.endswith(previous)


def _before_next_number(node: _Node, lines: list[_Line], index: int) -> bool:
    """The next marked line is the number after the node's ("2" then "3" or "3a"; "1b" then "1c" or "2")."""
    following = next((line for line in lines[index:] if line.kind is not None), None)
    number = re.match(r"(\d{1,2})([a-z]?)$", node.label)
    if following is None or following.kind is not ItemKind.NUMBERED or number is None:
        return False
    after = int(number.group(1)) + 1
    successors = {str(after), f"{after}a"}
    if number.group(2):
        successors.add(f"{number.group(1)}{chr(ord(number.group(2)) + 1)}")
    return following.label in successors


def _only_defines(text: str) -> bool:
    """Each sentence says what a word means and none asks ("Banking provider refers to: an institution ...")."""
    return "?" not in text and all((_MEANS.search(sentence) or _DEFINES.search(sentence)) and
                                   not _ASKS_TOO.search(sentence) for sentence in sentences_of(text) or [text])


def _asking_list_follows(lines: list[_Line], index: int) -> bool:
    """Whether a list whose entries ask for themselves comes next, past any notes between."""
    listed = [line.text for line in lines[index:] if line.kind in (ItemKind.NUMBERED, ItemKind.LETTERED)]
    first = next((position for position in range(index, len(lines)) if lines[position].kind is not None), None)
    lead = next((line.text for line in reversed(lines[index:first]) if line.text), "") if first else ""
    # "For agreements signed in 2010, please supply the following:" then "a) all monies unspent": a lead that
    # asks makes its entries asks, whatever their words.
    led = bool(lead) and lead.endswith(":") and _introduces(lead) and _asks_itself(lead)
    return len(listed) >= 2 and (led or all(
        _asks_itself(text) or _REQUESTED_THING.match(text) for text in listed[:3]))


def _next_paragraph_asks(lines: list[_Line], index: int) -> bool:
    """Whether the next non-blank line asks something of its own."""
    for line in lines[index : index + 3]:
        if line.text:
            return _is_question_paragraph(line.text)
    return False


def _next_level(lines: list[_Line], index: int) -> int:
    """The list level of the next marked line, if one comes before the next paragraph of prose."""
    for line in lines[index : index + 3]:
        if line.kind is not None:
            return _LEVEL[line.kind]
        if line.text:
            break
    return 99


def _next_is_item(lines: list[_Line], index: int) -> bool:
    """Whether a list follows: a marked item (perhaps after a line of context), or two unmarked item lines."""
    unmarked = 0
    context = 0
    for line in lines[index : index + 4]:
        if line.kind is not None:
            return True
        if not line.text or (not unmarked and _is_procedural(line.text)):
            continue  # "If some data is not held, please provide what is convenient." between a lead and its list
        if _is_item_line(line.text) and not _is_procedural(line.text) and not _CONDITIONAL.match(line.text) \
                and not _introduces(line.text):
            unmarked += 1
            if unmarked >= 2:
                return True
            continue
        if unmarked or context or _asks_itself(line.text):
            break
        context += 1  # one line of context between a stem and its list ("Records created when ...")
    return False


def _needs_lead(text: str) -> bool:
    """A part split out of its item keeps the item's words unless it stands on its own."""
    return len(text.split()) <= 8 or not _asks_itself(text) or bool(
        re.search(r"(?i)\b(?:they|them|these|those|this|that|it|such)\b", text))


def _needs_stem(text: str) -> bool:
    """A part that is only a short noun phrase ("Parks", "Current rateable value") needs its stem."""
    return not _asks_itself(text) and (len(text.split()) <= 6 or text[:1].islower())
