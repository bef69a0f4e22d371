"""Stage 4: what each answer decides, its disposition and the exemptions it relies on.

Rules written from the law's own language (foi-law.md), not fitted to one authority's letters:
a neither-confirm-nor-deny, a cost-limit or vexatious refusal, a pointer to published
information, not held, withheld under an exemption, disclosed, or partly each. An answer
that only points to an attachment the text does not carry is `other`: the reader does not
guess. Sections that are only mentioned (s1, s10, s16 advice, s17 refusal-notice wording,
s50 complaints, the Data Protection Act, a section of another Act) are not reliance; nor is an
exemption the authority considered and decided not to apply.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from knowledge.citations import find_citations, section_key
from knowledge.exemptions import load_library
from knowledge.models import Disposition, Regime
from knowledge.personal_data import PHONE, POSTCODE
from knowledge.reading.text import POINTS_TO_ATTACHMENT

NCND_WORDING = re.compile(
    r"neither\s+confirm(?:s|ing)?\s+n?or\s+den(?:y|ies|ying)|\bncnd\b|refus\w*\s+to\s+confirm\s+or\s+deny|"
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
    r"(?:18|24|eighteen|twenty[- ]four) (?:staff )?hours|manifestly unreasonable[^.]{0,80}cost|"
    r"(?:would|will) (?:total|take|require|amount to) (?:approximately |around |about |roughly |over |in excess of )?"
    r"\d[\d,.]* (?:\(\w+\) )?hours",
    re.IGNORECASE,
)
_ACCESSIBLE = re.compile(
    r"reasonably accessible|accessible (?:to you )?by other means|otherwise accessible",
    re.IGNORECASE,
)
_OTHER = re.compile(
    r"(?:treated|handled|dealt with|process(?:ed)?) (?:this |your (?:request|email) )?(?:as|under) (?:a )?subject "
    r"access|your own personal (?:data|information)|withdrawn|withdraw your request|"
    r"not (?:a )?requests? for (?:recorded )?information\b|(?:a )?request for (?:general )?advice (?:as to|on|"
    r"about) how|transferr?ed (?:your request|it) to|not a valid request|cannot (?:consider|treat|accept) (?:this|"
    r"it|your request) as a valid|\binvalid request|"
    r"(?:^|[.!?]\s+)(?:this|your|the) request\b(?! (?:process|form|system|page)\b)[^.;]{0,60}?\bis invalid\b|"
    r"(?:is|are) not (?:a public "
    r"authority|subject to the)|"
    r"(?:please|could you|can you|we need you to) (?:clarify|confirm what)|(?:close|closed|closing) (?:your|this|the) "
    r"request|request (?:has been|is|was) closed|(?:is|are|was) (?:a )?request for (?:records|information) "
    r"(?:from|held by) (?:another|a different|the other)|"
    r"(?:seek|need|require) (?:some )?clarification",
    re.IGNORECASE,
)
# "... but the following networks were running": some of it given. "... but the following organisation may
# help" sends the requester elsewhere.
_BUT_GIVEN = re.compile(r"^[^.]{0,60}\bbut\b(?![^.]{0,80}\bthe following (?:organi[sz]ations?|bod(?:y|ies)|"
                        r"websites?|links?|contacts?)\b)[^.]{0,80}\b(?:the following|below|as follows|we (?:can|have) "
                        r"provided?|(?:is|are) attached)", re.IGNORECASE)
# "We do not keep this information", "did not collect figures": keeping and collecting are about information
# only with an object that says so ("we didn't collect the bins on Monday" is a fact given).
_KEPT_OBJECT = (r"\b(?=[^.]{0,40}?\b(?:information|data|records?|figures?|statistics|details|numbers?|breakdowns?|"
                r"documents?|cop(?:y|ies)|lists?|registers?|logs?|reports?|plans?|programmes?|polic(?:y|ies)|"
                r"strateg(?:y|ies)|timetables?|schedules?|assessments?|agreements?|contracts?|minutes|guidance|"
                r"procedures?|"
                r"centrally|separately|(?:this|that|these|such|it)(?=\s*(?:[.,;:)]|$|\s+(?:information|data|level|type|"
                r"kind|detail|details|records?|figures?)\b)))\b)")
# "We didn't collect the bins on Monday" is a fact given, not information not kept.
_NOT_A_THING = (r"\b(?!\s+(?:the |your |any |their |some )?(?:bins?|waste|recycling|refuse|rubbish|litter|payments?|"
                r"fees?|money|rent|vehicles?|cars?|dogs?|animals?|items?|mattress\w*|furniture|glass|garden\w*)\b)")
_NOT_HELD = re.compile(
    r"\bnot\s+(?:centrally\s+)?held\b|(?:do|does|did)\s+not\s+(?:currently\s+|yet\s+)?(?:hold|record|possess|"
    rf"(?:collect|capture|retain|keep){_NOT_A_THING}|have (?:a |any |this |the |that |such )?(?:full |complete )?"
    r"(?:figure|information|data|records?|breakdown|details|documents?))|(?:do|does|did)n't\s+(?:currently\s+|yet\s+)?"
    rf"(?:hold|record|(?:keep|retain|collect|capture){_NOT_A_THING}|have{_KEPT_OBJECT})|holds?\s+no\s+(?:recorded\s+|relevant\s+|such\s+|other\s+)?"
    r"(?:information|data|records?)|no\s+(?:recorded\s+)?(?:information|data|records?|documents?|"
    r"correspondence)(?:\s+(?:relating to|about|on|regarding|concerning|in relation to)\s[^.]{0,60}?)?"
    r"\s+(?:is|are|was|were|has been|have been)?\s*(?:still |now |any longer )?(?:held|recorded|kept|retained|"
    r"available|found|located)|"
    # "Files relating to the scheme were closed down and disposed of some time ago."
    r"\b(?:files|records|documents|papers|emails)(?: (?:relating to|about|on|for|of|from) [^.,;]{0,60}?)? "
    r"(?:was|were|has been|have been) (?:closed (?:down )?and )?(?:disposed of|destroyed|shredded|deleted)|"
    r"(?:has|have) not (?:yet )?been (?:developed|produced|written|drafted|finalised|created)|once (?:it|they) "
    r"(?:has|have) been (?:developed|drafted|written|finalised)|(?:is|are) (?:currently |still )?being "
    r"(?:developed|drafted|written)\b|"
    r"there\s+(?:is|are|were|was)\s+no\s+(?:recorded\s+)?(?:information|records?|data|such|documents?|"
    r"correspondence|emails?)|not\s+(?:centrally\s+|routinely\s+|separately\s+)?(?:recorded|logged(?!\s+in(?:to)?\b(?!\s+(?:the|our|"
    r"a|any|this|that|its|these|detail|such)\b)))\b|"
    r"not (?:listed|recorded|logged|held|kept) (?:as )?separate(?:ly)?\b|information not held|"
    r"no (?:specific |separate |detailed |further )?breakdown (?:is )?(?:available|held|recorded)|(?:system|"
    r"systems|records?) (?:will|would|does|do|can|cannot) not (?:identify|distinguish|record|"
    r"show (?:whether|which|if|the reason))|"
    r"nothing (?:is )?held|we have no (?:information|record|data)|12\(4\)\(a\)|section 17 notice|"
    r"(?:does|do)\s+not\s+exist|no such (?:information|data|records?|documents?)|"
    r"\b(?:this|the) question cannot (?:yet |currently |at this (?:time|stage) )?be answered|"
    # "The information you require is held by the local water authorities": another body holds it.
    r"(?:information|data|records?) (?:(?:that )?you (?:require|requested|have requested|are (?:seeking|requesting|"
    r"asking for)|seek|asked for)|requested) (?:is|are|would be) held by (?!(?:the )?(?:council|authority|"
    r"city council)\b|us\b|our\b|this\b|the (?:council|authority|trust|force)'s\b)|"
    r"(?:is|are|would be) held by (?:another|a different|other) (?:public )?(?:authority|"
    r"authorities|bodies|body|organisations?)|"
    r"no (?:obligation|requirement) to create|(?:unable|not able|cannot|can't) (?:to )?(?:differentiate|"
    r"distinguish|identify|separate|split|break (?:this|it|these|them) down)|not (?:identifiable|separately "
    r"identifiable)|(?:isn't|is not|are not) (?:recorded|captured|collected|kept) (?:in|by|separately)|"
    r"no (?:records?|documents?|information) (?:exist|exists|were found|could be found|has been found)|"
    r"(?:are|were|have been) no (?:documents?|records?|requests?)[^.]{0,40}(?:to disclose|held)|"
    r"(?:is|are) held by (?:the )?[\w ,&()'-]{2,60}?,? (?:and )?not (?:by )?(?:the |this )?(?:[\w-]+ ){0,3}?"
    r"(?:council|authority|force|"
    r"trust|department|us)\b|not held by (?:the |this )?(?:council|authority|force|trust|department|us)\b|"
    r"\b(?:this|it|that) is (?:currently |not yet |still )?(?:unknown|not known)\b|"
    r"(?:is|are) not (?:a |an )?(?:council|local authority|authority|force|trust) "
    r"(?:function|responsibility|programme)",
    re.IGNORECASE,
)
_CLOSEST = re.compile(r"(?i)\b(?:the )?(?:closest|nearest) (?:data|information|figures?|match|equivalent)\b[^.]{0,30}"
                      r"\b(?:we|the council|the authority) (?:can|are able to|is able to|could) (?:provide|give|offer)")
_MADE = (r"(?:made|produced|carried out|undertaken|conducted|completed|written|commissioned|agreed|piloted|"
         r"implemented|drawn up|prepared|developed|issued|published|created)")
# "No design solutions were agreed", "There was no schedule for implementation": nothing of the kind exists.
_NONE_MADE = re.compile(
    rf"(?i)\bthere (?:has|have) been no (?:such )?[\w -]{{0,40}}?{_MADE}\b|\bno (?:such )?[\w -]{{0,40}}?"
    rf"(?:(?:has|have) been|was|were) {_MADE}\b|\bthere (?:was|were|is|are) no (?:such |agreed |formal |written )?"
    r"(?:schedules?|plans?|polic(?:y|ies)|reports?|assessments?|documents?|strateg(?:y|ies)|evaluations?|minutes|"
    r"agreements?|contracts?|correspondence|programmes?|timetables?|business case)\b")
_GIVEN_TOO = re.compile(r"(?i)\b(?:attach(?:ed|ing)?|enclosed|please find|published|website|see below|as follows|"
                        r"the following)\b")


def _nothing_made(text: str, question: str) -> re.Match[str] | None:
    """"No design solutions were agreed", "There was no schedule": the thing asked for was never made. It must
    open the answer, be about what was asked, and come with nothing given ("The minutes are attached. No final
    decision was made" gives the minutes)."""
    first = (re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1) or [""])[0]
    match = _NONE_MADE.search(first)
    if match is None or _GIVEN_TOO.search(text):
        return None
    return match if _thing_words(question) & _thing_words(first) else None


# "The council is currently investigating if/how it can break down the data by ward": not yet held (after figures
# given, a note on what may come).
_NOT_YET_HELD = re.compile(r"(?i)\b(?:investigating|exploring|looking into) (?:if|whether|how)(?:/how)? (?:it|we|the "
                           r"council) (?:can|could) (?:break|produce|collect|record|capture|report|measure)\b")
# "2020 No data", "18/19 = Not available as we changed systems": a period with nothing held (not "2021: no data
# breaches were reported", a zero).
_PERIOD_NOT_HELD = re.compile(r"(?i)(?:\b(?:19|20)\d\d(?:/\d\d)?|\b\d\d/\d\d)\s*[-:=]?\s*(?:not available|no data)"
                              r"(?=\s*(?:$|[.,;:)\n]|-|\u2013|as\b|because\b|due\b|until\b|\d))")


def _period_gaps(text: str) -> Disposition | None:
    """Periods answered "no data" or "not available": beside periods with figures a partial release, alone not
    held."""
    if not _PERIOD_NOT_HELD.search(text):
        return None
    rest = _PERIOD_NOT_HELD.sub(" ", text)
    return Disposition.PARTIALLY_DISCLOSED if _FIGURE.search(_scrub(rest)) else Disposition.NOT_HELD


# "The council does not have any Mercedes vehicles.": nothing of the kind the question asks about exists.
_NONE_OF_THE_KIND = re.compile(r"(?i)\b(?:does|do|did)(?: not|n't) (?:currently )?(?:have|own|operate|run|lease|hire|"
                               r"use|employ) (?:any|an?) ([^.;]{3,80})")
_AUXILIARIES = "are|is|do|does|did|has|have|was|were|can|could|will|would"
_ASKS_WHETHER = re.compile(rf"(?i)^\W*(?:\d+[.)]\s*)?(?:{_AUXILIARIES})\b")  # "Do you have ...?", not "If so, ..."
_DOCUMENT_NAMED = re.compile(r"(?i)^(?:formal |written |specific |such )?(?:polic(?:y|ies)|documents?|reports?|"
                             r"plans?|strateg(?:y|ies)|minutes|assessments?|procedures?|guidance)\b")
_WHY_ASKED = re.compile(r"(?i)^\W*(?:\d+[.)]\s*)?(?:why|please explain|explain|"
                        r"what (?:is|are|was|were) the reasons?)\b")
_LIST_ASKED = re.compile(r"(?i)\blists?\b|^\W*(?:\d+[.)]\s*)?which\b|\bwhat (?:types?|kinds?|models?)\b")


def _none_of_the_kind(text: str, question: str) -> re.Match[str] | None:
    """The answer opens by saying the authority has none of the things the question asks about, and gives
    nothing else; the things are named in the question."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    first = sentences[0] if sentences else ""
    match = _NONE_OF_THE_KIND.search(first)
    # Only that sentence, with no "; they are bought from ...", "other than ...", "however it was updated ...": a
    # second sentence or clause usually gives what was asked ("Air quality is the Environmental Manager's job").
    if match is None or _GIVEN_TOO.search(text) or _WHY_ASKED.match(question) or re.search(
            r"(?i);|\b(?:however|but|other than|except|instead|apart from|although|though|whereas)\b", first):
        return None
    document = _DOCUMENT_NAMED.search(match.group(1))
    if len(sentences) > 1 and not (document and re.search(rf"(?i)\b{document.group(0)}", question)):
        return None  # asked for a copy of the policy, "we do not have a policy that ..." may go on to explain
    return match if _thing_words(match.group(1)) & _thing_words(question) else None


def _thing_words(text: str) -> set[str]:
    """The words naming things in a text, as their first six letters, without the words of asking and form."""
    return {word[:6] for word in re.findall(r"[a-z]{4,}", text.lower())} - _NOT_THE_THING


# Words of the asking and of the answer's form, not of the thing asked for (compared on their first six letters).
_NOT_THE_THING = {word[:6] for word in "please provide copies copy there these those that this with have been were "
                  "from your which when where details actual agreed made list dates date".split()}
_DOCUMENT_ASKED = re.compile(
    r"(?i)\b(?:cop(?:y|ies)|lists?|details|documents?|records?|reports?|assessments?|minutes|correspondence|"
    r"emails?|letters?|polic(?:y|ies)|plans?|strateg(?:y|ies)|data|schedules?|evaluations?)\b")
# Asked for dates, a sentence that says none was made, or a bare "None", is not held: a bare "N/A" to "What
# date does your contract end?" says there is no contract, an answer.
_DATES_ASKED = re.compile(r"(?i)\bdates?\b")
_LINK_ASKED = re.compile(r"(?i)\b(?:urls?|web ?(?:site )?address(?:es)?|hyperlinks?|(?:a |the )?links? to "
                         r"(?:the |any |your )?(?:page|web|site|document|publication|report|policy|information)|"
                         r"web ?pages? (?:address|link))\b")
_YES_NO = re.compile(rf"(?i)^\W*(?:\d+[.)]\s*)?(?:if|{_AUXILIARIES})\b")
_FOLLOW_UP = re.compile(r"(?i)^(?:and )?if (?:so|yes|applicable|you do|it does|they do|there (?:is|are))\b")
# The whole answer is the word, or the word and a pointer ("N/A - see Q2").
_ALONE = r"\b(?=\W*$|\W*[-–,;:]\s*(?:see|please see|as)\b)"
_NOT_APPLICABLE = re.compile(rf"(?i)^\W*(?:n/?a|not applicable){_ALONE}")
_BARE_NONE = re.compile(rf"(?i)^\W*(?:none|n/?a|nil|not applicable){_ALONE}")
_BARE_NIL = re.compile(rf"(?i)^\W*(?:none|nil){_ALONE}")  # to dates of meetings: there were none
_WITHHELD = re.compile(
    r"withh(?:e|o)ld|withheld|exempt\s+(?:from|under|by)|(?:is|are|been)\s+exempt|"
    r"exemption[s]?\s+(?:applies|apply|has been applied|is engaged)|refus|"
    r"not\s+(?:be\s+)?(?:disclos|releas|provid)|\bredacted\b|redactions? (?:have|has|were|was) (?:been )?(?:made|"
    r"applied)|suppressed|(?:unable|not able) to (?:provide|disclose|release)|(?:relying|rely|relied) on|"
    r"(?:exemptions?|exceptions?|section \d+\w*(?:\(\w+\))*|regulation \d+\w*(?:\(\w+\))*) "
    r"(?:is|are|has been|have been) engaged|engages (?:the|section|regulation)|commercial(?:ly)? sensitive",
    re.IGNORECASE,
)
_POINTER = re.compile(
    # The answer is published elsewhere: a link, a website, a published document.
    r"(?:is|are|was|were|can be) (?:available|published|accessible|found|viewed|accessed) (?:online |publicly )?"
    r"(?:on|at|via|from|through|in|here)\b|(?:please )?(?:see|visit|follow|refer to) the (?:following |attached )?"
    r"(?:link|website|web ?page|page)|(?:following|this|the|above|below) link|(?:refer|direct|point) you to|"
    r"^\W*(?:please )?see:?\s*\[\d{1,3}\]|"
    r"published (?:on|at|online|documents?|data|information|statistics)|our (?:website|web ?pages?|open data)|"
    r"\bweb ?pages?\b|https?://|www\.|\.gov\.uk\b",
    re.IGNORECASE,
)
_POINTER_NEGATED = re.compile(
    r"(?:does|do|did) not (?:include|contain|cover|hold)|limited|not (?:all|the same|what)|only (?:includes|covers)|"
    r"however, we do not|not include|will be published|(?:intended|due) for (?:future )?publication|to be published|"
    r"not yet (?:been )?published",
    re.IGNORECASE,
)
# "Names of staff below Assistant Director level have been withheld under our policy": withholding stated as
# done, though no section is named (not "if any information is withheld, you may ask for a review").
_WITHHELD_DONE = re.compile(
    r"(?i)(?<![\w,] if )(?<!where )(?<!should )(?<!any )\b(?:information|details|names?|data|figures?|parts?|"
    r"some|it|they)\b[^.?!]{0,120}\b(?:has|have|had|was|were|are|is) (?:been )?(?:withheld|redacted)\b"
    r"(?![^.?!]{0,20}\b(?:from you|by you)\b)")
def _withholding_stated(text: str) -> bool:
    """Withholding said to be done in some sentence, with no condition or denial before it ("if you feel
    information has been withheld", "no information has been withheld")."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        match = _WITHHELD_DONE.search(sentence)
        if match and not re.search(r"(?i)\b(?:if|where|should|whether|unless|feel|believe|think|no|not|nothing|"
                                   r"none)\b", sentence[: match.end()]):
            return True
    return False


_NOT_WITHHOLDING = re.compile(
    r"(?:no|not (?:identified|found) any|not (?:any|a)) (?:reason|grounds?|basis) to withh|"
    r"\bno (?:information|data|details|part)\b[^.]{0,40}\b(?:withheld|redacted)|(?:has|have|was|were) not "
    r"(?:been )?withheld|nothing (?:has been|is|was) withheld|not (?:be|being) withheld|without (?:any )?redaction",
    re.IGNORECASE,
)
_QUANTITY_ASKED = re.compile(
    r"\bhow (?:many|much|often|long)\b|\b(?:number|numbers|total|amount|cost|costs|spend|spent|value|percentage|"
    r"proportion|figures?|budget|rate|rates|average)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    # A disclosed quantity: money, a percentage, a count of something; not a duration, date or reference.
    r"£\s?\d|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+(?:\.\d+)?\s?%|(?:(?<![/\d.])\b(?!(?:19|20)\d\d\b)\d+\b(?![/\d.]\d)|"
    r"\b(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-\w+)\s+(?i:[a-z]+s)\b)"
    r"(?!\s*(?:x\s*\d|years?|months?|weeks?|days?|hours?|minutes?|working|calendar|financial|academic|"
    r"st\b|nd\b|rd\b|th\b))"
)
_WHOLE_WITHHELD = re.compile(
    r"(?:the|this|that|all|such|your)\s+(?:information|data|request|details|documents?)(?:\s+(?:you have|you|that you "
    r"have)?\s*(?:requested|asked for|sought))?\s+(?:is|are|has been|have been|was|were|would be)\s+"
    r"(?:being\s+)?(?:exempt|withheld|refused)",
    re.IGNORECASE,
)
_ABOVE = re.compile(r"^\W*(?:please\s+)?(?:see|refer to)\s+(?:the\s+|our\s+)?(?:above|previous)\b|"
                    r"^\W*as\s+above\b", re.IGNORECASE)
_DISCLOSED = re.compile(
    r"please find (?:attached|enclosed|below)|(?:is|are) attached|attached (?:is|are)|as follows|see (?:below|the "
    r"table|table)|^(?:yes|no)\b(?!\s+(?:information|records?|data))|"
    r"(?:we|i) (?:can|am able to|are able to) (?:confirm|provide|advise|tell)|"
    r"(?:has|have) been (?:provided|disclosed|released)|\|",
    re.IGNORECASE,
)
_SUPPLIED_FIRST = re.compile(r"\b(?:please\s+)?" + POINTS_TO_ATTACHMENT + r"\s+(?:data|spreadsheet|table|file|"
                             r"list|information|document)", re.IGNORECASE)
_CROSS_REFERENCE = re.compile(
    r"\b(?:see|as (?:per|in|for|stated in|explained in)|refer to|please refer to)\s+(?:our\s+)?(?:(?:response|"
    r"answer|reply) to\s+)?(?:question|q|point|part)\s?(\d{1,2})\b",
    re.IGNORECASE,
)
_NOT_APPLIED = re.compile(
    r"(?:considered|looked at|assessed)[^.]{0,80}(?:but|however)[^.]{0,120}(?:favou?r(?:s|ed)? (?:of )?"
    r"disclos|not (?:applicable|engaged|apply)|decided to (?:disclose|release))|"
    r"(?:is|are) not (?:engaged|applicable)|(?:exemption|section \d+\w*(?:\(\w+\))*) (?:does|do|will) not apply|"
    r"no longer (?:applies|apply|relied)|"
    r"(?:not|no longer) (?:relying|rely) on",
    re.IGNORECASE,
)
_YOU = r" (?:yourself|you|the (?:requester|applicant))\b"
_PARTIAL_HINT = re.compile(
    r"\bsome\b[^.]{0,40}(?:withheld|exempt|redacted)|\bredacted\b|\bredactions? (?:have|has|were|was) (?:been )?"
    r"(?:made|applied)|suppressed|partial|remainder|"
    r"(?:other|remaining) (?:information|parts?|details)[^.]{0,60}(?:withheld|exempt)|"
    # Not section 40's "personal data of an individual other than yourself".
    r"(?:withheld|exempt)[^.]{0,80}\b(?:other|remaining|rest)\b(?! than" + _YOU + r")|other than(?!" + _YOU + ")",
    re.IGNORECASE,
)
_OWN_DATA = re.compile(r"(?:make|submit|treated as|handled as) a subject access request|your own personal "
                       r"(?:data|information)|(?:request|it|this) (?:has been|was|will be|is being|have been) "
                       r"passed to (?:the |our )?subject access (?:request )?team|(?:access "
                       r"to|for) (?:the )?(?:personal data|information) (?:that )?we hold about you", re.IGNORECASE)
_HELD_CONFIRMATION = re.compile(
    r"(?:can|do|hereby|to)?\s*confirm (?:that )?(?:the )?(?:information|we hold|it is held|"
    r"(?:the )?[a-z ]{0,30} holds? (?:some |the )?information)|information (?:is|was) held",
    re.IGNORECASE,
)
_PROCEDURAL_BY_DISPOSITION = {
    Disposition.S12_COST: "s12",
    Disposition.S14_VEXATIOUS_OR_REPEATED: "s14",
    Disposition.S21_ACCESSIBLE: "s21",
}

# "We partially uphold your complaint because we replied late": the review of the handling, not of the answer.
_HANDLING_UPHELD = re.compile(r"(?i)\b(?:partially|partly) uphold\b|\buph(?:o|e)ld (?:your|the|this) (?:complaint|"
                              r"review|appeal) in part\b")
# "Environmental information is exempt under section 39 of the Act, so we dealt with it under the EIR": the route.
_EIR_ROUTE = re.compile(r"(?i)\b(?:section|s\.?)\s?39\b")


def _without_handling_remarks(text: str) -> str:
    """The answer without sentences about how the request was handled: a complaint about the delay upheld in part,
    section 39 sending environmental information to the EIR."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = [sentence for sentence in sentences if not _HANDLING_UPHELD.search(sentence) and not (
        _EIR_ROUTE.search(sentence) and re.search(r"(?i)environment|\bEIR\b", sentence)
        and not re.search(r"(?i)\b(?:section|s\.?)\s?(?!39\b)\d{1,2}\b|regulation 1[23]", sentence))]
    return " ".join(kept) if kept else text


def classify_disposition(
    answer: str, regime: Regime = Regime.FOIA, context_ncnd: bool = False, document_cites: bool = False,
    question: str = "",
) -> Disposition:
    """One disposition label for an answer's text.

    `context_ncnd` says the letter took an NCND stance across the request; `document_cites` that
    it cites an exemption somewhere, so "commercially sensitive" under one question is withholding.
    With the `question`, a count of what is held ("we hold 27 emails") before a withholding is
    not a disclosure unless a number was what the question asked for.
    """
    text = _without_handling_remarks(" ".join(answer.split()))
    if not text:
        return Disposition.OTHER
    cited = [c for c in find_citations(text, regime) if not _not_applied_near(text, c)]
    keys = {section_key(label) for label in cited}
    cost = _COST.search(text)
    costly = _refused_on_cost(text, keys)
    ncnd_cited = any(label.lower() in _ncnd_provisions() for label in cited)
    if (NCND_WORDING.search(text) or ncnd_cited) and not re.search(
            r"(?i)(?:will|can|are able to) confirm (?:that|whether)", text):
        # "Neither confirm nor deny ... as determining it would exceed the limit" is s12(2).
        return Disposition.S12_COST if costly and "s12" in keys else Disposition.NCND
    if (_VEXATIOUS.search(text) or "s14" in keys) and not re.search(
        r"not (?:being )?(?:treated|considered) (?:as )?vexatious", text, re.I
    ):
        return Disposition.S14_VEXATIOUS_OR_REPEATED
    if costly:
        before = text[: cost.start()] if cost else ""
        if question and _QUANTITY_ASKED.search(question) and _FIGURE.search(_scrub(before)) and \
                len(before.split()) >= 4:
            return Disposition.PARTIALLY_DISCLOSED  # a count given, the breakdown refused on cost
        if _SUPPLIED_FIRST.search(before):
            return Disposition.PARTIALLY_DISCLOSED  # "See attached data ..." then the rest refused on cost
        return Disposition.S12_COST
    if _ACCESSIBLE.search(text) or "s21" in keys or (regime is Regime.FOISA and "s25" in keys):
        return Disposition.S21_ACCESSIBLE
    if _OWN_DATA.search(text):
        return Disposition.OTHER  # the requester's own data: a subject access request, not FOI
    not_held = _NOT_HELD.search(text)
    if not_held is None and not _FIGURE.search(_scrub(text)):
        not_held = _NOT_YET_HELD.search(text)
    if not_held is None and question and not _QUANTITY_ASKED.search(question) and not _YES_NO.match(question):
        # "There has been no impact assessment made", "None": asked for a document or a list, nothing is
        # held; asked how many, or whether any, the same words are an answer (a zero, a no).
        if _DOCUMENT_ASKED.search(question):
            not_held = _nothing_made(text, question) or _BARE_NONE.match(text)
        elif _DATES_ASKED.search(question):
            not_held = _nothing_made(text, question) or _BARE_NIL.match(text)
    if not_held is None and question and not _QUANTITY_ASKED.search(question) and \
            not _ASKS_WHETHER.match(question) and not _LIST_ASKED.search(question):
        # "The council does not have any electric gritters." to "Lease start and end dates" or "Name of the
        # supplier": details of things that do not exist are not held (to "a list of ..." it is a nil list).
        not_held = _none_of_the_kind(text, question)
    if not_held is None and question and _FOLLOW_UP.match(question) and not _QUANTITY_ASKED.search(question):
        # "If yes, how is it recorded?" answered "N/A": the condition failed, so nothing of the kind is held
        # (asked how many, "None" is a zero).
        not_held = _NOT_APPLICABLE.match(text)
    withheld = _WITHHELD.search(text) if (cited or document_cites or re.search(r"exempt", text, re.I)
                                         or _withholding_stated(text)) else None
    if withheld and _NOT_WITHHOLDING.search(text) and not re.search(r"(?i)\bexempt\b", text):
        withheld = None
    pointer = _points_elsewhere(text)
    figures = _first_disclosure_signal(text)
    scrubbed_for_figures = _scrub(text)
    has_figures = bool(_FIGURE.search(scrubbed_for_figures))
    if withheld:
        if pointer and not has_figures:
            return Disposition.S21_ACCESSIBLE  # published in part, the rest withheld
        counts_asked = not question or bool(_QUANTITY_ASKED.search(question))
        whole = _withholds_all_asked(text, withheld.start(), question) if question else None
        if whole is True and not _PARTIAL_HINT.search(text):
            return Disposition.EXEMPT_WITHHELD
        if whole is False or (figures is not None and figures < withheld.start()) or _PARTIAL_HINT.search(text) or (
                has_figures and counts_asked and not _withheld_leads(text, withheld.start())) or _part_withheld(
                    text, withheld.start()):
            return Disposition.PARTIALLY_DISCLOSED
        if not_held and not_held.start() < withheld.start():
            return Disposition.NOT_HELD
        return Disposition.EXEMPT_WITHHELD
    if not not_held and (gaps := _period_gaps(text)) is not None:
        return gaps
    if not_held:
        before = text[: not_held.start()]
        disclosed_before = has_figures and _FIGURE.search(_scrub(before)) is not None and len(before.split()) > 3
        after = text[not_held.end():]
        disclosed_after = _FIGURE.search(_scrub(after)) is not None and not re.match(
            r"(?i)^[^.]{0,80}\b(?:only|just)\b", after)
        if _CLOSEST.search(text) or _BUT_GIVEN.match(after) or _SUPPLIED_FIRST.search(before):
            # "... the closest data we can provide is Y"; "... but the following networks were running"; "Please
            # see the attached document. Please note that in 2020/21 we did not record ...": given, part not held
            return Disposition.PARTIALLY_DISCLOSED
        if (disclosed_before or (disclosed_after and len(after.split()) > 8)) and not re.match(
                r"(?i)^\W*(?:no|nil|none|not held|information not held)\b", text):
            return Disposition.PARTIALLY_DISCLOSED
        return Disposition.NOT_HELD
    if pointer and not has_figures:
        # Asked for the web page itself ("please provide a URL for ..."), the link is what was asked for.
        return Disposition.DISCLOSED if _LINK_ASKED.search(question) else Disposition.S21_ACCESSIBLE
    if figures is not None or has_figures:
        return Disposition.DISCLOSED
    if context_ncnd and re.search(r"\babove\b|as (?:explained|set out|stated)|same (?:reasons|exemptions)", text,
                                  re.I):
        return Disposition.NCND
    if cited and (len(text.split()) <= 25 or re.search(r"(?i)\babove\b|exempt|applies|apply|engaged", text)):
        # "S43 as above": the answer leans on the letter's reasoning.
        return Disposition.NCND if context_ncnd else Disposition.EXEMPT_WITHHELD
    if _OTHER.search(text):
        return Disposition.OTHER
    return Disposition.DISCLOSED


def _points_elsewhere(text: str) -> bool:
    """The answer sends the requester to published information, and that is its main content."""
    match = _POINTER.search(text)
    if match is None or _POINTER_NEGATED.search(text):
        return False
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if re.search(r"[A-Za-z]{3}", s)]
    leading = " ".join(sentences[:2])
    return len(text.split()) <= 45 or _POINTER.search(leading) is not None


def cross_reference(answer: str) -> int | None:
    """The question an answer defers to ("N/A, please see our response to Q2"), when it says little else.

    0 means the answer just before it ("Please see above response").
    """
    if len(answer.split()) > 30:
        return None
    match = _CROSS_REFERENCE.search(answer)
    if match is not None:
        return int(match.group(1))
    return 0 if _ABOVE.search(answer) and not find_citations(answer) else None


@cache
def _ncnd_provisions() -> frozenset[str]:
    """The NCND provisions of the library's exemptions (s23(5), s24(2), s40(5B), reg 12(6) ...)."""
    provisions = {card.ncnd.lower() for card in load_library().cards if card.ncnd}
    return frozenset(provisions | {p.split("(")[0] + "(" + p.split("(", 1)[1] for p in provisions if "(" in p})


def _part_withheld(text: str, position: int) -> bool:
    """Something is given before a withholding that names only part of what was asked ("Annual spend is ...")."""
    before = text[:position]
    sentence_start = max(before.rfind(". "), before.rfind("\n"))
    given = before[: sentence_start + 1] if sentence_start > 0 else ""
    if len(re.findall(r"[A-Za-z]{2,}", given)) < 2 or _HOLDING_STATEMENT.search(given):
        return False
    if _WHOLE_WITHHELD.search(text[max(0, sentence_start) :]):
        return False
    return not re.search(r"(?i)exempt|withh|section|regulation|public interest|prejudic|personal data", given)


_HOLDING_STATEMENT = re.compile(
    r"(?i)\b(?:(?:we|i) can confirm|(?:the )?(?:council|force|trust|department|authority|we) (?:holds?|has|have "
    r"located|located|identified|found)|there (?:is|are|were) \d+|(?:is|are) held)\b")


_ASKED_HEAD = re.compile(
    r"(?i)\b(?:how many|number of|numbers of|names? of|copy of|copies of|list of|details of|amount of|cost of|"
    r"costs of|value of|total|dates? of|locations? of|address(?:es)? of|recordings? of|footage of|minutes of|"
    r"breakdown of|identity of|identities of|rates? (?:charged|paid)?|prices?|pricing|who|which|where|when|what|why|"
    r"how(?! many| much))\b"
    r"\s*(?:the |a |an |each |all |any |of |your )*([a-z][\w-]*)?"
)
_SUBJECT_HEAD = re.compile(
    r"(?i)(?:^|[.;]\s+)(?:however,?\s+)?(?:the |a |an |this |these |that |those |all |any |our |its |their )?"
    r"((?:[\w'-]+\s+){0,6}?)(?:is|are|has been|have been|was|were|would be)\s+(?:being\s+)?"
    r"(?:withheld|exempt|refused|commercial(?:ly)? sensitive|redacted|suppressed|not (?:being )?(?:disclosed|released|"
    r"provided))"
)
_WHOLE_WORDS = {"information", "data", "request", "details", "it", "they", "this", "these", "material", "records",
                "documents", "document", "contents", "answer"}


def _withholds_all_asked(text: str, position: int, question: str) -> bool | None:
    """Whether what the answer withholds is all the question asks for (True), only part of it (False), or unclear.

    "The names of the inspectors are withheld" answers "Please provide the names of ..." in full, as a
    refusal; "Annual spend is commercially sensitive" under "Who provides X and what is the annual spend"
    withholds one of two things asked.
    """
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position))
    match = _SUBJECT_HEAD.search(text[start + 1 if start >= 0 else 0 : position + 40].strip())
    if match is None:
        return None
    subject = [w for w in re.findall(r"[a-z][\w'-]*", match.group(1).lower()) if w not in ("the", "of", "and")]
    if not subject:
        return None
    asked = {stem_of(head) for head in (m.group(1) or m.group(0).split()[0] for m in _ASKED_HEAD.finditer(question))
             if head}
    if not asked:
        return None
    heads = {stem_of(word) for word in subject}
    generic = {stem_of(word) for word in _WHOLE_WORDS | {"requested", "you", "asked", "have", "sought", "all"}}
    if heads <= generic:
        return True if len(asked) == 1 else None  # "The information you requested is exempt"
    covered = asked & heads
    if not covered:
        return None
    return len(covered) == len(asked)


def stem_of(word: str) -> str:
    """A crude stem ("names" and "name", "inspectors" and "inspector") for comparing heads."""
    word = word.lower()
    return word[:6] if len(word) >= 7 else (word[:-1] if len(word) > 3 and word.endswith("s") else word)


def _withheld_leads(text: str, position: int) -> bool:
    """Whether the withholding comes first and the figures after it only explain it (a cost, a date)."""
    return not _FIGURE.search(_scrub(text[:position]))


def _scrub(text: str) -> str:
    """Text without section numbers, dates, years and references, whose digits are not disclosures."""
    text = re.sub(r"\b(?:section|sections|regulation|reg|s|article|paragraph|para|part|question|q|foi|eir|ref|"
                  r"reference|point|item)\.?\s?/?\s?\d{1,7}[A-Za-z]?(?:\s?\(\w{1,4}\))*", " ", text,
                  flags=re.IGNORECASE)
    text = re.sub(r"\b[A-Za-z]+\d[\w-]*|\b\w*\d+(?:[/.-]\w+)+\b|\(\d{1,2}\)", " ", text)  # FS50681336, EA/2018/0055
    text = re.sub(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|"
                  r"aug|sep|oct|nov|dec)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
                  r"\d{1,2}(?:st|nd|rd|th)?\b|\b(?:19|20)\d\d\b|\b\d{1,2}(?:st|nd|rd|th)\b", " ", text,
                  flags=re.IGNORECASE)
    text = re.sub(r"\[\d+\]|\b\d+\s?(?:working )?days?\b|\b(?:18|24) hours\b|£\s?(?:450|600)\b|\b\d+\s?hours\b",
                  " ", text, flags=re.IGNORECASE)
    # How long the handling took ("we have taken two months to reply") is no figure disclosed.
    text = re.sub(r"\b(?:within|taken|take|takes|took|over|after|a further|an additional)\s+(?:a |the )?(?:one|two|"
                  r"three|four|five|six|several|a few|\d{1,2})\s+(?:working\s+)?(?:days?|weeks?|months?)\b", " ", text,
                  flags=re.IGNORECASE)
    text = PHONE.sub(" ", POSTCODE.sub(" ", re.sub(r"(?i)\bp\.?\s?o\.? box \d+\b", " ", text)))  # contact details
    return re.sub(r"https?://\S+|\S+\.(?:pdf|docx?|xlsx?)\b", " ", text)


def citations_relied_on(text: str, regime: Regime) -> list[str]:
    """The sections a text cites, less those it says were considered and not applied, or are still being weighed."""
    return [label for label in find_citations(text, regime) if not _not_applied_near(text, label)]


@lru_cache(maxsize=256)
def _weighs_any_section(text: str) -> bool:
    """Whether the text says anywhere that a section was considered and not applied, or is still being weighed."""
    return bool(_NOT_APPLIED.search(text) or _UNDER_CONSIDERATION.search(text))


def _not_applied_near(text: str, label: str) -> bool:
    """A section the authority considered and did not apply ("we considered s42 but ...")."""
    if not _weighs_any_section(text):
        return False
    number = re.escape(section_key(label)[1:]) if label.startswith("s") else re.escape(label[4:])
    for match in re.finditer(rf"(?i)(?:section|s\.?|regulation|reg\.?)\s?{number}\b", text):
        window = text[max(0, match.start() - 160) : match.end() + 200]
        if _NOT_APPLIED.search(window):
            return True
        start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        stops = [i for i in (text.find(". ", match.end()), text.find("\n", match.end())) if i >= 0]
        if _UNDER_CONSIDERATION.search(text[start : min(stops, default=len(text))]):
            return True  # "we are extending the deadline ... in this case section 42": not yet relied on
    return False


# A section named to explain more time to weigh the public interest is under consideration, not relied on.
_UNDER_CONSIDERATION = re.compile(
    r"(?i)\b(?:extend(?:ing|ed)?|extension (?:of|to))\b[^.]{0,60}\b(?:deadline|time limit|time for|response "
    r"(?:date|time))|\bsection 10\b[^.]{0,80}\bextension\b|\b(?:extra|additional|more) time to consider\b")


def _first_disclosure_signal(text: str) -> int | None:
    # "We can confirm that the information is held" is a confirmation, not a disclosure.
    scrubbed = _HELD_CONFIRMATION.sub(lambda m: " " * len(m.group(0)), text)
    scrubbed = re.sub(
        r"(?:section|regulation|reg|s)\.?\s?\d{1,3}[A-Z]?(?:\s?\(\w{1,4}\))*|\b(?:19|20)\d\d\b",
        lambda m: " " * len(m.group(0)), scrubbed, flags=re.IGNORECASE,
    )
    match = _DISCLOSED.search(scrubbed)
    return match.start() if match else None


# "... would exceed the cost limit of 18 hours", "exceeds the appropriate limit": the limit invoked (not "the
# appropriate limit is £450; this request did not exceed it", nor "spend exceeded £2m").
_COST_REFUSAL = re.compile(r"(?i)(?<!not )(?<!n't )\b(?:exceed(?:s|ed)?|be in excess of|go (?:over|beyond)) "
                           r"(?:the )?(?:(?:cost|appropriate|fees?|time) limit|£\s?(?:450|600)\b|(?:18|24) hours)|"
                           r"manifestly unreasonable")


def _invokes_cost_limit(text: str) -> bool:
    """A sentence of the answer says this request goes over the limit; not a general note ("requests which exceed
    the appropriate limit may be refused") nor one saying it did not."""
    return any(_COST_REFUSAL.search(sentence) and not re.search(
        r"(?i)\b(?:may|can|could|might) be refused|requests? (?:which|that) exceed|\bif (?:a|the|your|any|this) "
        r"request|\b(?:did|does|do|would|will) not\b|\bwithin\b", sentence)
        for sentence in re.split(r"(?<=[.!?;])\s+", " ".join(text.split())))


def _refused_on_cost(text: str, keys: set[str]) -> bool:
    """The answer refuses (all or part) because finding the information would cost too much: "exceeds the
    cost limit of 18 hours", with or without s12 named; not the advice to narrow a request to stay within it."""
    cost = _COST.search(text)
    return bool(cost) and ("s12" in keys or bool(re.search(
        r"exceed|excessive|manifestly unreasonable", text, re.I))) and not _mentions_only_as_advice(
        text, cost.start() if cost else 0)


def _mentions_only_as_advice(text: str, position: int) -> bool:
    window = text[max(0, position - 200) : position].lower()
    return bool(re.search(r"(?:narrow|refine|reduce)[^.]*$|advice and assistance[^.]*$", window))


def exemptions_relied_on(
    answer: str, disposition: Disposition, regime: Regime, shared_citations: list[str]
) -> list[str]:
    """The exemptions an answer relies on, given the disposition read from it.

    `shared_citations` are the sections the rest of the reply cites: an answer that withholds
    without naming a section ("commercially sensitive, see above") relies on those.
    """
    cited = [label for label in find_citations(answer, regime) if not _not_applied_near(answer, label)
             and not (regime is Regime.EIR and section_key(label) == "s39")]  # s39 only routes to the EIR
    if disposition is Disposition.NOT_HELD:
        # Not held is no exemption; the EIR's reg 12(4)(a) and FOISA's s17 notice count when cited.
        return _most_specific([label for label in cited if section_key(label) in ("reg 12(4)(a)", "s17")
                               and (regime is not Regime.FOIA)])
    if disposition is Disposition.OTHER:
        return [label for label in cited if label.startswith("s40(1)")]
    if disposition is Disposition.DISCLOSED:
        return []
    if not cited and disposition in (Disposition.NCND, Disposition.EXEMPT_WITHHELD,
                                     Disposition.PARTIALLY_DISCLOSED, Disposition.S21_ACCESSIBLE) and (
            disposition is not Disposition.S21_ACCESSIBLE or _WITHHELD.search(answer)):
        cited = [label for label in shared_citations if section_key(label) not in ("s12", "s14", "s21", "s25")]
    procedural = _PROCEDURAL_BY_DISPOSITION.get(disposition)
    if regime is Regime.FOISA and disposition is Disposition.S21_ACCESSIBLE:
        procedural = "s25"
    kept: list[str] = []
    for label in cited:
        key = section_key(label)
        if key in ("s12", "s14", "s21") and key != procedural and not (
                disposition is Disposition.PARTIALLY_DISCLOSED and key == "s12"):
            continue  # cost, vexatious and accessible-elsewhere sections are dispositions of their own
        if regime is Regime.FOISA and key in ("s17", "s25", "s12", "s14") and key != procedural:
            continue
        if key == "reg 12(4)(a)":
            continue  # not held is a disposition of its own, handled above
        kept.append(label)
    if disposition is Disposition.S21_ACCESSIBLE:
        # s21 counts where the reply relies on it, not where it only points to a web page.
        if not any(section_key(label) == procedural for label in kept) and _ACCESSIBLE.search(answer):
            kept.insert(0, procedural or "s21")
        return _most_specific(kept)
    if disposition is Disposition.PARTIALLY_DISCLOSED and not any(
            section_key(label) in ("s12", "reg 12(4)(b)") for label in kept) and _invokes_cost_limit(answer) and \
            _refused_on_cost(" ".join(answer.split()), {section_key(label) for label in cited}):
        # "The number reported was 1,896; the make and model would exceed the cost limit": the part refused
        # rests on the cost limit whether or not the reply names the section.
        kept.append("reg 12(4)(b)" if regime is Regime.EIR else "s12")
    if procedural and not any(section_key(label) == procedural for label in kept):
        if regime is Regime.EIR and disposition in (Disposition.S12_COST, Disposition.S14_VEXATIOUS_OR_REPEATED):
            procedural = "reg 12(4)(b)"
        if not any(section_key(label) == section_key(procedural) for label in kept):
            kept.insert(0, procedural)
    if procedural:
        kept = [label for label in kept if section_key(label) == section_key(procedural)] or kept
    return _most_specific(kept)


def _most_specific(labels: list[str]) -> list[str]:
    """One label per section, the most specific form the reply used (`s43(2)` over `s43`), in order."""
    best: dict[str, str] = {}
    order: list[str] = []
    for label in labels:
        key = section_key(label)
        if key not in best:
            order.append(key)
            best[key] = label
        elif len(label) > len(best[key]):
            best[key] = label
    return [best[key] for key in order]
