"""Cues a question carries about its likely outcome, whoever asked it.

Whether information is held or published is rarely in a question, but some things are: it
asks for named staff, touches covert policing, reaches across every email since 2010, names
a published report, or repeats a question answered before. Each cue is a warning for the
caseworker with its reason in plain English, the sections it points to and the precedents it
rests on. Cues read only the question's text (already redacted of the requester), the
regime, the kind of authority and the retrieved precedents: never who asked or why
(applicant-blind), and never the store (the caller passes the candidates in).

`request_stance` looks across a whole request: where the authority's own precedents on the
subject open with a neither-confirm-nor-deny across their request, the case can offer that
stance once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date

from bot.drafting import Candidate, is_own_precedent, later_period, same_period
from bot.models import AuthorityKind, Cue, CueKind, OpeningStance
from bot.subject_access import OWN_DATA_SECTION, own_data_asked
from knowledge.citations import most_specific, section_key
from knowledge.models import Disposition, Regime

REPEAT_SIMILARITY = 0.85
"""A precedent at least this similar is the same question asked before."""
REPEAT_OVERLAP = 0.7
"""...as is one whose content words overlap this much (Jaccard)."""
REPEAT_WORDS = 4
"""A question with fewer content words depends on its context ("When is the contract renewal date?"):
it cannot be told for the same question as another."""
SIMILAR = 0.7
"""A precedent at least this similar answered a similar question (its outcome is evidence for a cue)."""
ON_SUBJECT = 0.5
"""A precedent at least this similar whose question carries the same cue is on the same subject."""
STANCE_SIMILARITY = 0.6
"""A request-level NCND counts for a question when its precedent is at least this similar."""
_STANCE_DEPTH = 5


def question_cues(question: str, regime: Regime, kind: AuthorityKind, candidates: Sequence[Candidate], *,
                  authority: str = "", today: date | None = None) -> tuple[Cue, ...]:
    """The cues one question carries, each with its reason, from its text and its retrieved precedents."""
    today = today or date.today()
    own = [c for c in candidates if _own(c, authority, regime)]
    found = [
        _repeat(question, candidates, authority, regime),
        _security(question, regime, kind, own),
        _personal_data(question, regime, own),
        _cost(question, regime, kind, own, today),
        _published(question, regime, kind, own),
        _commercial(question, regime, own),
    ]
    return tuple(cue for cue in found if cue is not None)


def request_stance(cues: Sequence[Sequence[Cue]], candidates: Sequence[Sequence[Candidate]], *,
                   authority: str = "") -> OpeningStance | None:
    """The NCND the authority's own precedents carry across a request on this subject, or None.

    It is offered when the closest precedents of at least half the questions came from
    requests answered with an opening NCND, or when any question that carries a
    security cue has one.
    """
    carried: list[tuple[int, list[tuple[Candidate, tuple[str, ...]]]]] = []
    for number, question_candidates in enumerate(candidates, start=1):
        found = []
        for candidate in question_candidates[:_STANCE_DEPTH]:
            exemptions = stance_exemptions(candidate.hit.request_stance)
            if exemptions and candidate.hit.score >= STANCE_SIMILARITY and _own(candidate, authority):
                found.append((candidate, exemptions))
        if found:
            carried.append((number, found))
    if not carried:
        return None
    sensitive = {number for number, question_cues_ in enumerate(cues, start=1)
                 if any(cue.kind is CueKind.SECURITY_SENSITIVE for cue in question_cues_)}
    if 2 * len(carried) < len(candidates) and not sensitive & {number for number, _ in carried}:
        return None
    exemptions = most_specific(label for _, found in carried for _, exemptions in found for label in exemptions)
    references = _references(c for _, found in carried for c, _ in found)
    # What the stance covers: the covert or security matter the sensitive questions ask about, so that the
    # letter's opening does not deny the counts and published policies it gives below it.
    triggers = list(dict.fromkeys(trigger for number, question_cues_ in enumerate(cues, start=1) if number in sensitive
                                  for cue in question_cues_ if cue.kind is CueKind.SECURITY_SENSITIVE
                                  for trigger in cue.triggers))
    subject = f"about {_listed([t.lower() for t in triggers[:3]])}" if triggers else ""
    numbers = tuple(number for number, _ in carried)
    resting = (f"question {numbers[0]} rests" if len(numbers) == 1
               else f"questions {_listed(map(str, numbers))} rest")
    reason = (f"the authority's own answers on this subject ({_listed(references)}) opened with a stance across "
              f"the whole request: neither confirm nor deny under {_listed(exemptions)}. Offer it once at the "
              f"start of the letter and answer each question within it ({resting} on those answers); the "
              "caseworker decides whether it still applies.")
    if subject:
        reason += (f" It covers information {subject}; questions that ask for anything else (counts, costs, "
                   "published policies) are answered as usual.")
    return OpeningStance(Disposition.NCND, exemptions, references, reason, subject=subject)


def stance_exemptions(stance: str) -> tuple[str, ...]:
    """The exemptions of a stored request-level NCND ("ncnd: s23(5), s24(2)" or its JSON form); () if none."""
    text = stance.strip()
    if not text:
        return ()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return ()
        if not isinstance(data, dict) or data.get("disposition") != Disposition.NCND.value:
            return ()
        labels = data.get("exemptions") or []
        return tuple(str(label) for label in labels) if isinstance(labels, list) else ()
    disposition, _, labels = text.partition(":")
    if disposition.strip() != Disposition.NCND.value:
        return ()
    return tuple(label.strip() for label in labels.split(",") if label.strip())


# --- the same question asked before --------------------------------------------------------------


def _repeat(question: str, candidates: Sequence[Candidate], authority: str, regime: Regime) -> Cue | None:
    words = _words(question)
    if len(words) < REPEAT_WORDS:
        return None
    alike = [c for c in candidates
             if c.hit.score >= REPEAT_SIMILARITY or _jaccard(words, _words(c.hit.question)) >= REPEAT_OVERLAP]
    same = [c for c in alike if same_period(question, c.hit.question) or not later_period(question, c.hit.question)]
    if not same:
        earlier = [c for c in alike if _own(c, authority, regime)]
        if not earlier:
            return None
        # The same question for a new period: no repeat, but the same form of answer is expected.
        return Cue(CueKind.REPEAT, f"the same question was answered for an earlier period: {_outcomes(earlier)}. "
                   "Answer it the same way for this period unless something has changed.",
                   sections=tuple(dict.fromkeys(label for c in earlier for label in c.hit.exemptions)),
                   link=next((_link(c) for c in earlier if _link(c)), ""), references=_references(earlier))
    ours = [c for c in same if _own(c, authority, regime)]
    theirs = [c for c in same if not _own(c, authority, regime)]
    outcomes = {c.disposition for c in ours}
    parts = []
    if ours:
        parts.append(f"the same question was asked before: {_outcomes(ours)}. "
                     + ("Answer consistently with it, or record what has changed since."
                        if len(outcomes) == 1 else
                        "It was answered differently at different times: decide which stance holds and keep to it."))
        if any(c.disposition is not Disposition.OTHER for c in ours):
            parts.append("If the same person asked it again with no reasonable interval since, s14(2) "
                         "(repeated request) may apply.")
    if theirs:
        parts.append(f"Other authorities had the same question (a round robin): {_outcomes(theirs)}. "
                     "Round robins are compared across authorities, so a stance that differs needs a reason.")
    evidence = ours or theirs
    sections = tuple(dict.fromkeys(label for c in evidence for label in c.hit.exemptions))
    return Cue(CueKind.REPEAT, " ".join(p for p in parts if p), sections=sections,
               link=next((_link(c) for c in evidence if _link(c)), ""), references=_references(evidence))


# --- covert policing, security bodies and security arrangements ----------------------------------

_SECURITY_BODIES = re.compile(
    r"\b(?:MI5|MI6|GCHQ|security service|secret intelligence service|counter[- ]?terror\w*|special branch|"
    r"national security|terroris[mt]s?)\b|\bSIS\b", re.IGNORECASE)
_INFORMANTS = re.compile(
    r"\b(?:informants?|informers?|CHIS|covert human intelligence sources?|undercover\b(?: \w+)?)", re.IGNORECASE)
_COVERT = re.compile(
    r"\b(?:covert(?:ly)?\b(?: \w+)?|(?:directed|intrusive) surveillance|surveillance(?: \w+)?|RIPA|"
    r"investigatory powers|intercept(?:ion|ed|s)?|phone tapping|wire ?taps?|IMSI[- ]catchers?|stingray|"
    r"cell[- ]site simulators?|equipment interference|hacking|tracking devices?|communications data|"
    r"telecommunications data|(?:mobile )?phone (?:data|records|extraction))\b",
    re.IGNORECASE)
_CAPABILITY = re.compile(
    r"\b(?:capabilit(?:y|ies)|tactics|tactical|"
    r"(?:firearms|armed) (?:officers|units?|response)|specialist (?:units?|teams?)|"
    r"locations? of (?:the )?(?:cameras|ANPR|speed cameras))\b", re.IGNORECASE)
_CYBER = re.compile(
    r"\b(?:cyber[- ]?(?:security|attacks?|incidents?|crime|defences?|budget|team)?\w*|ransom(?:ware)?(?: demands?)?|"
    r"penetration test\w*|(?:security )?vulnerabilit(?:y|ies)|firewalls?|anti-?virus|security patch\w*|"
    r"security (?:measures|arrangements|equipment|systems?|procedures|protocols)|escap(?:e|es|ing))\b",
    re.IGNORECASE)

# Where the cameras are, and which are out of action: the layout of surveillance, for any authority.
_CAMERA_LAYOUT = re.compile(
    r"(?i)\b(?:(?:the )?locations? of (?:the |each |all |your )?(?:public[- ]space |council )?(?:cctv )?cameras?|"
    r"where (?:each|the|all|your) (?:public[- ]space |cctv )?cameras? (?:is|are)|"
    r"(?:cctv )?cameras? (?:that )?(?:are|is) (?:not working|not recording|broken|out of (?:action|order))|"
    r"how many of them are not (?:working|recording))\b")
_POLICE_NCND = {Regime.FOIA: ("s23(5)", "s24(2)", "s30(3)", "s31(3)"), Regime.EIR: ("reg 12(5)(a)",),
                Regime.FOISA: ("s18", "s31(1)", "s35(1)")}
_SECURITY_BODY_NCND = {Regime.FOIA: ("s23(5)", "s24(2)"), Regime.EIR: ("reg 12(5)(a)",),
                       Regime.FOISA: ("s18", "s31(1)")}
_SECURITY_PREJUDICE = {Regime.FOIA: ("s24(1)", "s31(1)(a)"), Regime.EIR: ("reg 12(5)(a)",),
                       Regime.FOISA: ("s31(1)", "s35(1)(a)")}
_NCND_NAMES = {Regime.FOIA: "s23(5), s24(2), s30(3) and s31(3)",
               Regime.EIR: "reg 12(5)(a) with reg 12(6)",
               Regime.FOISA: "s18 with s31(1) and s35(1)"}


def _security(question: str, regime: Regime, kind: AuthorityKind, own: Sequence[Candidate]) -> Cue | None:
    police = kind is AuthorityKind.POLICE
    bodies = _matches(_SECURITY_BODIES, question)
    covert = [*_matches(_INFORMANTS, question), *_matches(_COVERT, question), *_matches(_CAPABILITY, question)]
    cyber = _matches(_CYBER, question)
    if police and (bodies or covert):
        triggers = [*bodies, *covert]
        reason = (f"asks about {_quoted(triggers)}: police forces usually neither confirm nor deny covert tactics, "
                  f"informants, capability and deployments ({_NCND_NAMES[regime]}), so that answers cannot be "
                  "pieced together across requests and forces.")
        if _POLICY.search(question):
            reason += (" Policies, codes of practice and the law on such tactics are usually published or "
                       "disclosed: the stance covers their use, not the rules.")
        default = _POLICE_NCND[regime]
    elif bodies:
        triggers = bodies
        reason = (f"mentions {_quoted(triggers)}: information supplied by or about the security bodies is "
                  "absolutely exempt (s23), and even confirming that it is held may be exempt "
                  f"({_NCND_NAMES[Regime.FOIA] if regime is Regime.FOIA else _NCND_NAMES[regime]}).")
        default = _SECURITY_BODY_NCND[regime]
    elif re.search(r"(?i)\bcameras?\b|\bcctv\b", question) and (cameras := _matches(_CAMERA_LAYOUT, question)):
        triggers = cameras
        reason = (f"asks {_quoted(triggers)}: where cameras are, and which are not working, can help offenders "
                  f"avoid them, so {_SECURITY_PREJUDICE[regime][-1]} may apply, with the harm test and the public "
                  "interest test. Many councils publish where their fixed public-space cameras are (signs mark "
                  "them): check what is published, and weigh redeployable or covert cameras apart.")
        default = _SECURITY_PREJUDICE[regime][-1:]
    elif cyber:
        triggers = cyber
        reason = (f"asks about {_quoted(triggers)}: details of security arrangements can help an attacker, so "
                  f"{' and '.join(_SECURITY_PREJUDICE[regime])} may apply, with the harm test and the public "
                  "interest test.")
        default = _SECURITY_PREJUDICE[regime]
    else:
        return None
    subject = [c for c in own if c.hit.score >= SIMILAR or (c.hit.score >= ON_SUBJECT and _sensitive(c.hit.question))]
    ncnd = [c for c in subject if c.disposition is Disposition.NCND or stance_exemptions(c.hit.request_stance)]
    withheld = [c for c in subject if c.disposition is Disposition.EXEMPT_WITHHELD]
    confirmed = [c for c in subject if c.disposition in (Disposition.DISCLOSED, Disposition.PARTIALLY_DISCLOSED,
                                                         Disposition.NOT_HELD)]
    sections: tuple[str, ...] = default
    evidence: list[Candidate] = []
    if ncnd:
        cited = [*(label for c in ncnd for label in c.hit.exemptions),
                 *(label for c in ncnd for label in stance_exemptions(c.hit.request_stance))]
        sections = tuple(dict.fromkeys(cited)) or default
        reason += (f" The authority neither confirmed nor denied on this subject before ({_listed(_references(ncnd))}"
                   f", under {_listed(sections)}): keep to that stance.")
        evidence = [*ncnd, *confirmed]
        if confirmed:
            reason += (f" It did confirm or disclose on similar questions ({_listed(_references(confirmed))}): "
                       "check the line between them.")
    elif withheld:
        sections = tuple(dict.fromkeys(label for c in withheld for label in c.hit.exemptions)) or default
        reason += f" The authority withheld similar information before ({_listed(_references(withheld))})."
        evidence = withheld
    elif confirmed:
        reason += (f" But the authority confirmed or disclosed similar information before "
                   f"({_listed(_references(confirmed))}): refusing to confirm or deny now would contradict that "
                   "unless this question reaches further.")
        evidence = confirmed
    else:
        reason += " No precedent of the authority on this subject was found: the caseworker decides."
    # Prejudice to security (a harm test, not a stance): part or all withheld, not neither confirmed nor denied,
    # unless the authority's own past stance on the subject says otherwise.
    outcomes = () if (police and (bodies or covert)) or bodies or ncnd else (
        Disposition.PARTIALLY_DISCLOSED, Disposition.EXEMPT_WITHHELD)
    return Cue(CueKind.SECURITY_SENSITIVE, reason, sections=sections, references=_references(evidence),
               triggers=tuple(dict.fromkeys(triggers)), outcomes=outcomes)


def _sensitive(text: str) -> bool:
    return any(p.search(text) for p in (_SECURITY_BODIES, _INFORMANTS, _COVERT, _CAPABILITY, _CYBER))


# --- named or identifiable people ----------------------------------------------------------------

_PEOPLE = (r"(?:officers?|staff|employees?|workers?|members? of staff|staff members?|managers?|partners?|"
           r"caseworkers?|case officers?|nurses?|doctors?|consultants?|clinicians?|surgeons?|midwives|midwife|"
           r"social workers?|teachers?|contractors?|agents?|individuals?|persons?|people|constables?|pcsos?|"
           r"detectives?|sergeants?|inspectors?|investigators?|advis[eo]rs?|assessors?|wardens?|drivers?|"
           r"addressees?|recipients?|authors?|signator(?:y|ies)|attendees?|interviewers?|panel members?|"
           r"landlords?|tenants?|owners?|applicants?|claimants?|patients?|victims?|suspects?|offenders?|"
           r"witnesses|witness|complainants?|pupils?|residents?|practitioners?|administrators?|assistants?|"
           r"coordinators?|leads?|analysts?|clerks?|team members?|personnel|professionals?|"
           r"business partners?|team managers?|service managers?|decision[- ]makers?)")
_SENIOR = re.compile(
    r"\b(?:chief executives?|chief constables?|(?:deputy|assistant) chief constables?|chief officers?|"
    r"chief fire officers?|directors?|heads? of|chair(?:man|woman|person)?s?|permanent secretar(?:y|ies)|"
    r"(?:police and crime )?commissioners?|board members?|non-executives?|cabinet members?|leaders?|mayors?|"
    r"monitoring officers?|section 151 officers?|senior (?:management|leadership|executive) team|"
    r"executive (?:team|board)|accounting officers?|ministers?|senior information risk owners?)\b",
    re.IGNORECASE)
_NAMES_OF = re.compile(r"\b(?:names?|identit(?:y|ies))\b[\s,]*(?:(?:and|&)\s+[\w-]+(?:\s+[\w-]+)?\s+)?"
                       r"(?:of|for)\s+(?P<who>[^.?;:]{0,80})", re.IGNORECASE)
_STAFF = (r"(?:officers?|staff|employees?|members? of staff|staff members?|caseworkers?|case officers?|nurses?|"
          r"doctors?|social workers?|teachers?|constables?|pcsos?|detectives?|sergeants?|inspectors?|"
          r"investigators?|councillors?|individuals?|persons?|people)")
_WHO_NOUN = re.compile(rf"\b{_PEOPLE}\b", re.IGNORECASE)
_NOUN_NAMES = re.compile(
    rf"\b(?:{_PEOPLE}|account holders?|ratepayers?|occupiers?|occupants?|liable part(?:y|ies)|customers?)"
    r"'?s?\s+(?:full\s+)?names?\b", re.IGNORECASE)
_STRUCTURE = re.compile(r"\b(?:organi[sz]ation(?:al)?|staff(?:ing)?|team|management|departmental)\s+"
                        r"(?:structure|chart)s?\b|\bstructure charts?\b|\bstaff lists?\b", re.IGNORECASE)
_DOCUMENTS = re.compile(
    r"\b(?:cop(?:y|ies) of|provide|disclose|send|release)\b[^.?]{0,60}?\b(?:correspondence|e-?mails?|letters?|"
    r"minutes|notes|memos?|memoranda|messages?|replies|witness statements?|discussions?)\b|"
    r"\bcop(?:y|ies) of (?:the |any |all |each )?(?:\w+ ){0,2}complaints?\b", re.IGNORECASE)
_NAME_LIST = re.compile(r"\b(?:including|with|and)\s+(?:their\s+)?(?:full\s+)?names?\b|"
                        r"\bnames?\s*(?:,|and|&|/)\s*(?:job\s+|their\s+)?(?:titles?|roles?|positions?|grades?|ranks?|"
                        r"e-?mail|contact|addresses|departments?)", re.IGNORECASE)
_CONTACT = re.compile(r"\b(?:e-?mail addresses?|direct (?:dial|line)s?|(?:mobile|work|direct|telephone|phone) "
                      r"numbers?|contact (?:details|numbers?))\b", re.IGNORECASE)
_NAMED_PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|PC|PCSO|DC|DS|DI|DCI|DSI|Sgt|Sergeant|Inspector|Constable|Nurse|"
    r"Detective (?:Constable|Sergeant|Inspector|Chief Inspector))\.?\s+(?:[A-Z]\.\s*)?[A-Z][a-z'’-]+")
_INDIVIDUAL = re.compile(
    rf"\b(?:disciplinary|misconduct|grievances?|suspensions?|suspended|dismiss\w*|sickness absence|"
    rf"performance (?:issues|management)|complaints? (?:about|against)|investigations? into)\b[^.?]{{0,40}}?"
    rf"\b(?:the|a|named|individual|specific|that|this|each|every)\s+(?:\w+\s+)?{_PEOPLE}\b|"
    rf"\b(?:which|who (?:is|was|are|were) the|identify the)\s+(?:\w+\s+)?{_STAFF}\b", re.IGNORECASE)
_WHERE_THEY_LIVE = re.compile(
    # Where people live identifies them: a street, an address or a postcode tied to who lives there.
    r"\b(?:home|private|residential) addresses?\b|\bwhich (?:streets?|roads?|addresses)\b|"
    r"\b(?:live|lives|living|reside|resides)\s+(?:in|on|at)\b[^.?]{0,40}?\b(?:streets?|roads?|addresses|postcodes?)\b|"
    r"\b(?:addresses|postcodes?|streets?) (?:of|where) (?:the |each |every |all )?(?:\w+ )?(?:holders?|residents?|"
    r"owners?|tenants?|applicants?|claimants?|people|individuals|victims?|offenders?|licensees?|members?)\b",
    re.IGNORECASE)
_HOLDERS = re.compile(rf"\b(?:{_PEOPLE}|\w+ holders?|licensees?|members?|households?)\b", re.IGNORECASE)
_IDENTIFIED_ROLE = re.compile(
    r"(?i)\bthe (?:head ?teacher|headmistress|headmaster|principal|chief executive|director|manager|officer|"
    r"sergeant|inspector|constable|consultant|doctor|nurse|social worker|teacher|warden|driver|caretaker)"
    r" (?:of|at|in|for|from) (?:the )?[\w'-]+(?: [A-Z][\w'-]*){0,3}")

# "the name of the civil enforcement officer who gave me my ticket": one person, picked out by what they did.
# Staff and private people only: a contractor, landlord or applicant is often a firm or on a public register.
_ONE_PERSON_NOUN = (r"(?:officers?|staff member|member of staff|employee|caseworker|case officer|social worker|"
                    r"teacher|nurse|doctor|warden|inspector|investigator|constable|pcso|person|individual|"
                    r"complainant|neighbour|resident|caller)")
_ONE_PERSON = re.compile(rf"(?i)\b(?:the\s+)?(?:full\s+)?(?:name|identity)(?:\s+and\s+(?:home\s+)?(?:address|contact "
                         rf"details))?\s+of\s+(?:the\s+(?:[\w-]+\s+){{0,3}}?{_ONE_PERSON_NOUN}\s+"
                         rf"(?:who|that|which)\b|whoever\b|the\s+complainant\b)[^.?;]{{0,80}}")
_STAFF_TITLE = re.compile(r"(?:PC|PCSO|DC|DS|DI|DCI|DSI|Sgt|Sergeant|Inspector|Constable|Nurse|Detective|Dr)\b")
_HEALTH = re.compile(r"(?i)\b(?:off sick|on (?:long[- ]term )?sick|sickness|sick leave|illness|medical|disabilit\w*|"
                     r"mental health|health conditions?|diagnos\w*)\b")
_WHO_THEY_ARE = re.compile(r"(?i)\b(?:job titles?|names?|roles?|grades?|positions?)\s+of\s+(?:those|these|the|each|"
                           r"all)\b(?:\s+\w+){0,3}")
_PERSONAL = {Regime.FOIA: "s40(2)", Regime.EIR: "reg 13", Regime.FOISA: "s38(1)(b)"}
_PERSONAL_NCND = {Regime.FOIA: "s40(5B)", Regime.EIR: "reg 13(5A)", Regime.FOISA: "s18"}
# Whether someone was disciplined, suspended, investigated or complained about: the answer itself is their
# personal data, so confirming or denying that the information is held discloses it.
_CONDUCT = re.compile(
    r"(?i)\b(?:whether|if|has|have|is|was|were|are)\b(?:[^?.]|(?<=\s[A-Z])\.){0,80}?\b(?:been |being |is |was |"
    r"currently )?"
    r"(?:suspended|disciplined|dismissed|sacked|investigated|under investigation|the subject of (?:an? )?"
    r"(?:investigation|complaints?|disciplinary)|complained about|reprimanded|arrested|charged|cautioned|"
    r"convicted|prosecuted|fined|struck off|referred to (?:the )?(?:police|lado|regulator))\b")


_DECEASED = re.compile(r"(?i)\b(?:the deceased|deceased (?:people|persons?|individuals)|(?:people|persons?|those|"
                       r"individuals) who (?:have |had )?died|dates? of death)\b")
_LIVING = re.compile(r"(?i)\b(?:next of kin|relatives?|family|families|living|staff|officers?|employees?|managers?|"
                     r"drivers?|carers?|residents?|witnesses|complainants?|applicants?|funeral directors?|"
                     r"executors?)\b")


def _personal_data(question: str, regime: Regime, own: Sequence[Candidate]) -> Cue | None:
    if asked := own_data_asked(question):
        return Cue(CueKind.PERSONAL_DATA,
                   f"asks for the requester's own personal data ({_quoted(asked)}): that is exempt from FOI "
                   f"({OWN_DATA_SECTION[regime]}) and is handled as a subject access request under the UK GDPR.",
                   sections=(OWN_DATA_SECTION[regime],))
    triggers = []
    for match in _NAMES_OF.finditer(question):
        who = match.group("who")
        noun = _WHO_NOUN.search(who[:60])
        senior = _SENIOR.search(who[: noun.start()] if noun else who[:40])
        if noun and not senior:
            triggers.append(f"{match.group(0)[: match.start('who') - match.start()].strip()} {noun.group(0)}")
    triggers += _matches(_NAME_LIST, question)
    for match in _CONTACT.finditer(question):
        window = question[max(0, match.start() - 60) : match.end() + 60]
        if _WHO_NOUN.search(window) and not re.search(r"generic|shared|team mailbox|foi", window, re.IGNORECASE):
            triggers.append(match.group(0))
    triggers += [m.group(0) for m in _NAMED_PERSON.finditer(question)]
    triggers += _matches(_INDIVIDUAL, question)
    triggers += _matches(_NOUN_NAMES, question)
    if _HEALTH.search(question):
        # the job titles of the staff off sick: their health data
        triggers += [match for match in _matches(_WHO_THEY_ARE, question)
                     if _WHO_NOUN.search(match) or re.search(r"(?i)\b(?:those|these)\s*$", match)]
    triggers += _matches(_STRUCTURE, question)
    if _HOLDERS.search(question):
        triggers += _matches(_WHERE_THEY_LIVE, question)
    section = _PERSONAL[regime]
    if triggers and _DECEASED.search(question) and not _LIVING.search(question):
        triggers = []  # the personal data of people who have died is not personal data (s40 does not apply)
    conduct = _CONDUCT.search(question)
    someone = [m.group(0) for m in _NAMED_PERSON.finditer(question)] or _matches(_IDENTIFIED_ROLE, question)
    if conduct and someone and not (_DECEASED.search(question) and not _LIVING.search(question)):
        provision = _PERSONAL_NCND[regime]
        reason = (f"asks whether an identifiable person ({_quoted(someone)}) was {conduct.group(0).split()[-1]}: "
                  "the answer is itself their personal data, so even confirming or denying that it is held would "
                  f"disclose it. Such questions are usually answered neither confirm nor deny ({provision}, with "
                  f"{section}), and answered the same way whether or not anything is held; a count across "
                  "all staff may be given instead.")
        return Cue(CueKind.PERSONAL_DATA, reason, sections=(section, provision),
                   outcomes=(Disposition.NCND,))
    one = [m.group(0) for m in _ONE_PERSON.finditer(question) if not _SENIOR.search(m.group(0))]
    public_figure = _SENIOR.search(question) or re.search(r"\bMP\b|\bCllr\b|\bcouncillor|\bminister", question, re.I)
    about = [m.group(0) for m in _NAMED_PERSON.finditer(question)
             if not _STAFF_TITLE.match(m.group(0))] if _DOCUMENTS.search(question) and not public_figure else []
    if one or about:
        # One identifiable person: the officer who issued a ticket, the records about a named resident. What
        # is asked is that person's own data, so the whole answer is usually withheld, not redacted.
        if one:
            reason = (f"asks who one identifiable person is ({_quoted(one)}): who they are (an officer below senior "
                      f"level, a complainant, a neighbour) is their personal data, and it is withheld under {section}; "
                      "a role, a team or an officer number may answer the question instead. What the records say "
                      "about the requester's own case is their own data, for a subject access request.")
        else:
            reason = (f"asks for records about a named private individual ({_quoted(about)}): the records are that "
                      f"person's personal data and disclosure under FOI is to the world, so they are withheld under "
                      f"{section}. The person can ask for their own records in a subject access request under the "
                      "UK GDPR; someone acting for them needs their written consent.")
        return Cue(CueKind.PERSONAL_DATA, reason, sections=(section,), outcomes=(Disposition.EXEMPT_WITHHELD,))
    if triggers:
        reason = (f"asks for named or identifiable people ({_quoted(triggers)}): names and details of staff below "
                  f"senior level, and of other people, are usually withheld under {section}, as disclosure would "
                  "breach the data protection principles; senior staff's names and roles are often published. Give "
                  "roles or numbers instead where that answers the question.")
    elif documents := _matches(_DOCUMENTS, question):
        reason = (f"asks for copies of records ({_quoted(documents)}): such records usually name staff and other "
                  "people. Disclose them with the names and contact details of staff below senior level, and other "
                  f"people's personal data, redacted under {section}.")
    else:
        return None
    similar = [c for c in own if c.hit.score >= SIMILAR]
    withheld = [c for c in similar if any(label.startswith(("s40", "reg 13", "s38")) for label in c.hit.exemptions)]
    if withheld:
        reason += (f" The authority withheld personal data on a similar question before "
                   f"({_listed(_references(withheld))}).")
    return Cue(CueKind.PERSONAL_DATA, reason, sections=(section,), references=_references(withheld))


# --- the cost limit ------------------------------------------------------------------------------

_RECORDS = (r"(?:e-?mails?|correspondence|communications?|messages?|texts?|whats ?app(?: messages)?|letters?|"
            r"memos?|memoranda|documents?|records?|notes?|minutes|reports?|papers?|files?|information|data|"
            r"briefings?|submissions?|surveys?|assessments?|photographs?|drawings?|charts?|folders?|manuals?)")
_ALL_CORRESPONDENCE = re.compile(
    r"\b(?:all|any and all|every|each|copies of all|any)\s+(?:the\s+|of\s+(?:the|your)\s+)?"
    r"(?:(?:internal|external|written|electronic|e-?mail)\s+)?"
    r"(?:e-?mails?|correspondence|communications?|messages?|texts?|whats ?app messages?|letters?)\b", re.IGNORECASE)
_ALL_RECORDS = re.compile(
    rf"\b(?:all|any and all|every)\s+(?:the\s+|of\s+the\s+)?{_RECORDS}\s+(?:held|relating|related|regarding|"
    r"concerning|about|associated|in relation|on|which|that|you hold|referring|mentioning)\b", re.IGNORECASE)
_RECORD_NOUN = re.compile(rf"\b{_RECORDS}\b", re.IGNORECASE)
_EVERY_PLACE = re.compile(
    r"\b(?:every|each|all|across (?:all|every|the whole|the))\s+(?:of\s+(?:your|the)\s+)?(?:council'?s?\s+)?"
    r"(?P<place>departments?|directorates?|systems?|databases?|services?|teams?|schools?|wards?|stations?|"
    r"divisions?|units?|business areas?|service areas?|hospitals?|sites?|offices?|organisation|council|force|"
    r"trust)\b", re.IGNORECASE)
_EACH_CASE = re.compile(
    r"\b(?:each|every|all individual|individual)\s+(?:single\s+)?(?:case|complaint|incident|file|application|"
    r"contract|report|request|instance|occasion|claim|referral)s?\b|\bcase[- ]by[- ]case\b|\bcase files\b",
    re.IGNORECASE)
_NARRATIVE = re.compile(
    r"\b(?:details? of|detailed information|the nature|circumstances|steps taken)\b[^.?]{0,60}?"
    r"\b(?:complaints?|cases?|incidents?|claims?|investigations?|referrals?|applications?)\b|"
    r"\bwhere (?:the )?(?:complainant|victim|suspect|offender|caller|person|patient|pupil|applicant|child)\s+"
    r"(?:was|is|were|had)\b", re.IGNORECASE)
_BROKEN_DOWN = re.compile(r"\b(?:broken down|breakdown|split|categorised)\b[^.?]*", re.IGNORECASE)
_YEAR = r"((?:19|20)\d\d)"
_SINCE = re.compile(rf"\b(?:since|from|after|starting)\s+(?:(?:the\s+)?(?:start|beginning) of\s+)?"
                    rf"(?:\w+\s+)?{_YEAR}\b(?!\s*(?:to|until|and|-|–)\s*(?:\w+\s+)?(?:19|20)\d\d)|"
                    rf"\bbetween\s+(?:\w+\s+)?{_YEAR}\s+and\s+(?:the\s+)?(?:present|now|today|(?:the\s+)?date)\b",
                    re.IGNORECASE)
_DATE_SPAN = re.compile(r"\b\d{1,2}/\d{1,2}/(\d{2}|\d{4})\s*(?:to|until|and|-|–)\s*\d{1,2}/\d{1,2}/(\d{2}|\d{4})\b")
_SPAN = re.compile(rf"\b{_YEAR}\s*(?:/\d\d)?\s*(?:to|until|and|-|–|through)\s*(?:\w+\s+)?(?:\d{{1,2}}\s+)?"
                   rf"{_YEAR}\b", re.IGNORECASE)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
_LAST_YEARS = re.compile(r"\b(?:last|past|previous|preceding)\s+(\d{1,2}|[a-z]+)\s+(?:calendar\s+|financial\s+)?"
                         r"years\b|\b(?:last|past)\s+(decade)\b", re.IGNORECASE)
_LONG_PERIOD = 10
_SOME_YEARS = 5


def _cost(question: str, regime: Regime, kind: AuthorityKind, own: Sequence[Candidate], today: date) -> Cue | None:
    strong = [*_matches(_ALL_CORRESPONDENCE, question), *_matches(_ALL_RECORDS, question)]
    weak: list[str] = []
    records = {m.group(0).lower().rstrip("s") for m in _RECORD_NOUN.finditer(question)}
    if len(records) >= 3:
        strong.append("several kinds of record")
    years = _period_years(question, today)
    if years >= _LONG_PERIOD:
        strong.append(f"a period of about {years} years")
    elif years >= _SOME_YEARS:
        weak.append(f"a period of about {years} years")
    for match in _EVERY_PLACE.finditer(question):
        place = match.group("place").lower()
        # Searching every system is costly; every department's records too, but not a figure by directorate.
        searched = place.startswith(("system", "database")) or (
            place.startswith(("department", "directorate")) and _RECORD_NOUN.search(question) is not None)
        (strong if searched else weak).append(match.group(0))
    weak += _matches(_EACH_CASE, question)
    weak += _matches(_NARRATIVE, question)
    facets = _BROKEN_DOWN.search(question)
    if facets and len(re.findall(r"\bby\b|,|\band\b", facets.group(0))) >= 3:
        weak.append("a detailed breakdown")
    if not strong and len(weak) < 2:
        return None
    triggers = [*strong, *weak]
    limit = _cost_limit(regime, kind)
    if regime is Regime.EIR:
        reason = (f"asks for {_quoted(triggers)}: finding and extracting all of it may make the request manifestly "
                  f"unreasonable on cost (reg 12(4)(b); the EIR has no fixed limit, but {limit} is the usual guide, "
                  "and the public interest test applies). Estimate the work across every question on the same "
                  "subject, and if it is too much, offer reg 9 advice on narrowing it: a shorter period, named "
                  "systems or teams, fewer kinds of record.")
        sections: tuple[str, ...] = ("reg 12(4)(b)", "reg 9")
    elif regime is Regime.FOISA:
        reason = (f"asks for {_quoted(triggers)}: finding and extracting all of it may exceed the cost limit "
                  f"(s12: {limit}). Estimate the work across every question of the request on the same subject, "
                  "and if it would exceed the limit, say so and offer s15 advice on narrowing it: a shorter period, "
                  "named systems or teams, fewer kinds of record.")
        sections = ("s12", "s15")
    else:
        reason = (f"asks for {_quoted(triggers)}: finding and extracting all of it may exceed the cost limit "
                  f"(s12: {limit} for {kind.noun}). The estimate can aggregate the questions of this request on "
                  "the same subject, and similar requests from the same person within 60 working days. If it would "
                  "exceed the limit, say so and offer s16 advice on narrowing it: a shorter period, named systems "
                  "or teams, fewer kinds of record.")
        sections = ("s12", "s16")
    refused = [c for c in own if c.hit.score >= SIMILAR and c.disposition is Disposition.S12_COST]
    if refused:
        reason += f" The authority refused a similar question on cost before ({_listed(_references(refused))})."
    return Cue(CueKind.COST_RISK, reason, sections=sections, references=_references(refused))


def _cost_limit(regime: Regime, kind: AuthorityKind) -> str:
    """The appropriate limit as the reasons state it (foi-law.md: £25 an hour of staff time under FOIA)."""
    if regime is Regime.FOISA:
        return "£600"
    if kind is AuthorityKind.CENTRAL:
        return "£600, 24 hours of staff time at £25 an hour"
    return "£450, 18 hours of staff time at £25 an hour"


def _period_years(question: str, today: date) -> int:
    """The longest period the question spans, in whole years (0 when it names none)."""
    spans = [today.year - int(m.group(1) or m.group(2)) for m in _SINCE.finditer(question)]
    spans += [int(m.group(2)) - int(m.group(1)) + 1 for m in _SPAN.finditer(question) if m.group(2) >= m.group(1)]
    for match in _DATE_SPAN.finditer(question):
        first, last = (int(y) % 100 for y in match.groups())
        spans.append(last - first)
    for match in _LAST_YEARS.finditer(question):
        if match.group(2):
            spans.append(10)
            continue
        count = match.group(1).lower()
        spans.append(int(count) if count.isdigit() else _NUMBERS.get(count, 0))
    return max((s for s in spans if 0 < s < 100), default=0)


# --- commercial interests ------------------------------------------------------------------------

_COMMERCIAL = re.compile(
    r"(?i)\b(?:unit (?:prices?|costs?|rates?)|prices? (?:paid |charged )?per \w+|(?:cost|charge)s? (?:paid )?per "
    r"(?:unit|item|hour|day|licen[cs]e|user|device|camera|vehicle|tonne|bed|placement|session)|(?:hourly|daily|day|charge|charging|pricing|commission|"
    r"fee|agency) rates?|(?:profit|gross|agency'?s?|supplier'?s?|their|its) margins?|margins? (?:charged|applied|made)|"
    r"mark-?ups?|pricing (?:schedules?|structures?|models?|information|"
    r"breakdowns?)|price (?:lists?|breakdowns?|schedules?)|(?:tender|bid)(?:der)?s?'? (?:submissions?|documents?|"
    r"responses?|prices?|scores?|scoring|evaluations?)|(?:bids?|tenders?) (?:received|submitted)|evaluation scores?|"
    r"(?:all|the|each|successful|unsuccessful) (?:bids|tenders)|bidders|discounts? (?:agreed|negotiated)|"
    r"commercial (?:terms|information|arrangements)|cop(?:y|ies) of (?:the|your|this|each|all|any) "
    r"(?:current )?contracts?|contract (?:documents?|terms|prices?|rates?|schedules?|specifications?))\b")
_COMMERCIAL_SECTION = {Regime.FOIA: "s43(2)", Regime.EIR: "reg 12(5)(e)", Regime.FOISA: "s33(1)(b)"}


def _commercial(question: str, regime: Regime, own: Sequence[Candidate]) -> Cue | None:
    """Prices, rates, margins, bids and contract terms: what s43(2) protects, if disclosure would prejudice."""
    triggers = _matches(_COMMERCIAL, question)
    if not triggers:
        return None
    section = _COMMERCIAL_SECTION[regime]
    reason = (f"asks for {_quoted(triggers)}: prices, rates, margins and bid details can prejudice the supplier's "
              f"or the authority's commercial interests ({section}, qualified: show the likely harm and weigh the "
              "public interest, which favours openness on public spending). Consult the supplier before deciding "
              "(the decision stays the authority's), check what is already published (contract notices and "
              "values, the contracts register), and consider releasing the contract with its pricing redacted.")
    withheld = [c for c in own if c.hit.score >= SIMILAR and any(
        section_key(label) in ("s43", "reg 12(5)(e)", "s33") for label in c.hit.exemptions)]
    if withheld:
        reason += (f" The authority withheld on commercial grounds on a similar question before "
                   f"({_listed(_references(withheld))}).")
    return Cue(CueKind.COMMERCIAL, reason, sections=(section,), references=_references(withheld),
               triggers=tuple(triggers))


# --- already published ---------------------------------------------------------------------------

_PUBLISHED_SOURCE = re.compile(
    r"\b(?:annual reports?|statements? of accounts|(?:published|audited|annual) accounts|"
    r"(?:spend(?:ing)?|payments?|expenditure|transactions?)(?: data)? (?:over|above|exceeding) £\s?500|"
    r"transparency (?:code|data|reports?|returns?)|minutes of (?:the |a |your )?(?:\w+ )?(?:meetings?|committees?|"
    r"boards?|cabinet)|(?:committee|board|cabinet|council) (?:meeting )?(?:minutes|papers|agendas?)|board papers|"
    r"registers? of (?:members'? )?(?:interests|gifts|hospitality)|gifts and hospitality|pay policy statements?|"
    r"gender pay gap (?:report|data|figures)|publication scheme|disclosure log|"
    r"(?:on|from|via|in) (?:your|the) (?:council'?s? |force'?s? |trust'?s? )?(?:website|web site|web ?pages?)|"
    r"published (?:on|in|by|data|figures|statistics|reports?|information)|publicly (?:available|accessible)|"
    r"(?:guidance|strategy|policy|plan|report|statistics|figures) (?:as )?published|"
    r"police\.uk|data\.gov\.uk|gov\.uk|office for national statistics|census data)", re.IGNORECASE)
_POLICY = re.compile(
    r"\b(?:cop(?:y|ies) of|provide|send|disclose|what (?:is|are))\b[^.?]{0,40}?\b(?:polic(?:y|ies)|procedures?|"
    r"codes? of practice|guidance|guidelines|legislation|strateg(?:y|ies)|schemes?|standards?)\b", re.IGNORECASE)
_TRANSPARENCY = re.compile(
    # What public bodies publish as a matter of course: contracts, senior staff, structure charts, parking accounts.
    r"(?i)\b(?:contract(?:'s)? (?:value|term|start date|end date|expiry(?: date)?|duration|award date)|"
    r"(?:value|term|duration|end date|start date|expiry date) of (?:the|this|each|your) contracts?|"
    r"(?:current|incumbent|existing) (?:provider|supplier|contractor)s?|"
    r"contracts? (?:and (?:commissions|grants) )?awarded|contracts? register|"
    r"(?:current )?(?:names?|salar(?:y|ies)|remuneration) of (?:the|your) (?:chief executive|(?:\w+ )?director|"
    r"head of|senior)|organi[sz]ation(?:al)? (?:structure|chart)s?|"
    r"senior (?:staff|officers?|managers?)(?:'s?)? (?:salar\w*|pay|names)|"
    r"parking (?:account|revenue|income|surplus)|trade union facility time|"
    r"councillors?'?s?'? (?:expenses|allowances)|members'? (?:allowances|expenses)|(?:expenses|allowances) "
    r"(?:claimed|paid) (?:by|to) (?:each |all |the )?(?:councillors?|members)|"
    r"what (?:each|the|every) contract is worth|(?:each|the) contracts?'?s? (?:value|worth)|"
    r"which (?:companies|firms|suppliers|providers|operators) (?:have|hold|run) (?:them|the contracts?|"
    r"these contracts?)|"
    r"grants? (?:paid |awarded |given )?to (?:voluntary|community|charit\w*))")
_TRANSPARENCY_DUTY = {
    AuthorityKind.COUNCIL: "the Local Government Transparency Code 2015 has English councils publish (contracts "
                           "over £5,000, senior salaries and the organisation chart, the parking account, grants "
                           "to voluntary bodies)",
    AuthorityKind.POLICE: "police and crime commissioners publish under the Specified Information Order (contracts "
                          "over £10,000, senior salaries), and forces usually publish the same of themselves",
    AuthorityKind.OTHER: "public bodies usually publish (contracts on Contracts Finder or their own register, senior "
                         "staff and structure charts)",
}
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_PUBLISHED = {Regime.FOIA: "s21", Regime.EIR: "reg 6(1)(b)", Regime.FOISA: "s25"}


def _published(question: str, regime: Regime, kind: AuthorityKind, own: Sequence[Candidate]) -> Cue | None:
    section = _PUBLISHED[regime]
    pointed = [c for c in own if c.hit.score >= SIMILAR and (
        c.disposition is Disposition.S21_ACCESSIBLE or any(label.startswith(("s21", "s25")) for label in
                                                           c.hit.exemptions))]
    sources = _matches(_PUBLISHED_SOURCE, question)
    transparency = [] if sources else _matches(_TRANSPARENCY, question)
    policies = [] if sources or transparency else _matches(_POLICY, question)
    if not sources and not transparency and not policies and not pointed:
        return None
    exemption = (f"it is reasonably accessible ({section}, absolute)" if regime is Regime.FOIA else
                 f"it is otherwise accessible ({section})" if regime is Regime.FOISA else
                 f"the EIR let the authority point to it ({section})")
    parts = []
    if sources:
        parts.append(f"names a source the authority may already publish ({_quoted(sources)}): if the information "
                     f"is there, {exemption}: give the link, and answer any part that is not published.")
    elif transparency:
        duty = _TRANSPARENCY_DUTY.get(kind, _TRANSPARENCY_DUTY[AuthorityKind.OTHER])
        parts.append(f"asks for what {duty} ({_quoted(transparency)}): if it is in the published data, "
                     f"{exemption}: give the link, and answer any part that is not published.")
    elif policies:
        parts.append(f"asks for a policy or procedure ({_quoted(policies)}): these are a class of the publication "
                     f"scheme; if it is published, {exemption}: give the link; if not, it is usually disclosed.")
    link = next((url for c in pointed if (url := _link(c))), "")
    if pointed:
        parts.append(f"The authority answered a similar question by pointing to published information "
                     f"({_listed(_references(pointed))}): check it is still published and up to date"
                     + (f", and give the link: {link}" if link else "") + ".")
        if len(parts) == 1:
            parts[0] = parts[0][0].lower() + parts[0][1:]
    return Cue(CueKind.PUBLISHED, " ".join(parts), sections=(section,), link=link, references=_references(pointed))


# --- shared pieces -------------------------------------------------------------------------------


def _own(candidate: Candidate, authority: str, regime: Regime | None = None) -> bool:
    return is_own_precedent(authority, candidate.hit.authority, candidate.hit.regime, regime)


def _link(candidate: Candidate) -> str:
    """Where an earlier answer can be read: a URL in it, else its page, else its source when that is a URL."""
    found = _URL.search(candidate.hit.answer)
    if found:
        return found.group(0).rstrip(".,;:")
    if candidate.hit.link:
        return candidate.hit.link
    return candidate.hit.source if candidate.hit.source.startswith(("https://", "http://")) else ""


def _references(candidates: Iterable[Candidate]) -> tuple[str, ...]:
    refs = [c.hit.reference or c.hit.source for c in candidates]
    return tuple(dict.fromkeys(r for r in refs if r))


def _outcomes(candidates: Sequence[Candidate]) -> str:
    parts = []
    for candidate in candidates[:3]:
        hit = candidate.hit
        detail = ", ".join(part for part in (hit.authority, hit.date) if part)
        sections = f" under {', '.join(hit.exemptions)}" if hit.exemptions else ""
        parts.append(f"{hit.reference or hit.source or 'an earlier answer'}{f' ({detail})' if detail else ''} "
                     f'was answered "{candidate.disposition.label}"{sections}')
    more = len(candidates) - 3
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _matches(pattern: re.Pattern[str], text: str) -> list[str]:
    return list(dict.fromkeys(" ".join(m.group(0).split()) for m in pattern.finditer(text)))


def _quoted(triggers: Sequence[str]) -> str:
    shown = list(dict.fromkeys(t.strip() for t in triggers if t.strip()))
    shown = [t for t in shown if not any(t.lower() in other.lower() and t != other for other in shown)]
    quoted = [f'"{t}"' if not t.startswith(("a ", "several ")) else t for t in shown[:3]]
    return ", ".join(quoted) + (" and more" if len(shown) > 3 else "")


def _listed(items: Iterable[str]) -> str:
    shown = list(items)
    return ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")


_STOPWORDS = frozenset((
    "a an and are as at be been by can could did do does for from had has have how i if in is it its me my of on "
    "or our please provide the their there this to was we were what when where which who will with would you your "
    "any all each number many much per since details information held"
).split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9'-]{2,}", text.lower()) if w not in _STOPWORDS}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
