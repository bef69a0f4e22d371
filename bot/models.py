"""The drafting core's data: cases, their questions, and every version of each draft.

Everything a rule depends on is typed: what each version's edit was (`EditKind`), who made
it and what it undoes; what a warning is about (`WarningKind`); whether a draft is a
placeholder; the case's status and its history of approvals and reopenings. Display text
(notes, warning messages) is for people only; no rule reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from knowledge.models import Disposition, Regime
from knowledge.personal_data import Requester as Requester  # its one home is the personal-data module


@dataclass(frozen=True)
class Evidence:
    """A precedent a draft rests on."""

    reference: str
    date: str
    score: float
    disposition: str
    exemptions: tuple[str, ...]
    question: str
    answer: str
    source: str
    precedent_id: str = ""
    flags: tuple[str, ...] = ()
    """`stale` (older than the configured age) or `superseded` (a later answer to the same question)."""

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `foibot draft --json`'s precedents."""
        return {
            "reference": self.reference, "date": self.date, "score": round(self.score, 3),
            "disposition": self.disposition, "exemptions": list(self.exemptions),
            "question": self.question, "source": self.source, "flags": list(self.flags),
        }


class CueKind(StrEnum):
    """What the question itself says about its likely outcome, whoever asked it."""

    PERSONAL_DATA = "personal_data"
    """Named or identifiable people, staff below senior level (s40(2) / reg 13 / FOISA s38)."""
    SECURITY_SENSITIVE = "security_sensitive"
    """Covert tactics, security bodies, informants, capability, deployments (an NCND stance)."""
    COST_RISK = "cost_risk"
    """All emails or correspondence, long periods, many systems (s12 risk: aggregate, advise under s16)."""
    PUBLISHED = "published"
    """Information the authority already publishes (s21 / FOISA s25)."""
    REPEAT = "repeat"
    """The same question asked before, by anyone (a repeat or a round robin: answer consistently)."""
    COMMERCIAL = "commercial"
    """Prices, rates, margins, bids and contract terms (s43(2) / reg 12(5)(e) / FOISA s33(1)(b): consult the
    supplier, check what is published, consider the contract with its pricing redacted)."""


@dataclass(frozen=True)
class Cue:
    """A cue the question carries, shown to the caseworker as a warning with its reason."""

    kind: CueKind
    reason: str
    sections: tuple[str, ...] = ()
    """The sections the cue points to (`s40(2)`, `s12`), normalised."""
    link: str = ""
    """Where the information is published, or the earlier answer's source, when known."""
    references: tuple[str, ...] = ()
    """The precedents the cue rests on (a repeat's earlier answers, the authority's past NCNDs)."""
    outcomes: tuple[Disposition, ...] = ()
    """The outcomes it points to, where they differ from its kind's usual ones (whether a named person was
    disciplined: neither confirm nor deny)."""
    triggers: tuple[str, ...] = ()
    """The words of the question that set it off ("covert surveillance"), as the question writes them."""

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `foibot draft --json`'s cues."""
        return {"kind": self.kind.value, "reason": self.reason, "sections": list(self.sections),
                "link": self.link, "references": list(self.references),
                **({"outcomes": [outcome.value for outcome in self.outcomes]} if self.outcomes else {})}


@dataclass(frozen=True)
class Option:
    """One ranked outcome for a question, with its probability and its wording ready."""

    disposition: Disposition
    probability: float
    """Calibrated on held-out real documents: 0.8 means right about 80% of the time."""
    exemptions: tuple[str, ...]
    wording: str
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `foibot draft --json`'s options."""
        return {"disposition": self.disposition.value, "probability": round(self.probability, 3),
                "exemptions": list(self.exemptions), "wording": self.wording}


@dataclass(frozen=True)
class Alternative:
    """Another way to answer, from the next distinct precedent."""

    disposition: Disposition
    exemptions: tuple[str, ...]
    wording: str
    evidence: Evidence | None


class WarningKind(StrEnum):
    """What a warning on a draft or a case is about."""

    NO_PRECEDENT = "no_precedent"
    """Nothing close enough was found: the draft is a placeholder."""
    STALE_PRECEDENT = "stale_precedent"
    SUPERSEDED_PRECEDENT = "superseded_precedent"
    CONSISTENCY = "consistency"
    """The draft contradicts the stance the authority took on similar questions (the consistency guard)."""
    MODEL_FALLBACK = "model_fallback"
    """The language model's draft was rejected; the precedent draft is shown."""
    MODEL_UNCITED = "model_uncited"
    """The language model cited no precedent."""
    NOT_ENGLISH = "not_english"
    NO_QUESTION = "no_question"
    """Nothing in the request reads as a question: it was drafted as one."""
    CUE = "cue"
    """Something in the question itself points to an outcome (personal data, cost, published, a repeat)."""
    CASEWORKERS_CALL = "caseworkers_call"
    """No outcome is proposed: the evidence is too thin, so the options are offered for the caseworker to choose."""
    REGIME = "regime"
    """The regime was taken from the request (FOISA named, or environmental information: the EIR)."""
    NOTE = "note"
    """Anything else worth a caseworker's eye."""


class DraftWarning(str):
    """A warning on a draft (or a whole case): its message, as text, and what it is about.

    Rules read `kind`, never the text. It is a `str` so that surfaces and older callers that
    show or search the message keep working; two warnings are equal when their messages are.
    """

    kind: WarningKind

    def __new__(cls, kind: WarningKind, message: str) -> DraftWarning:
        warning = super().__new__(cls, message)
        warning.kind = WarningKind(kind)
        return warning

    def __reduce__(self) -> tuple[type[DraftWarning], tuple[WarningKind, str]]:
        return DraftWarning, (self.kind, self.message)

    def __repr__(self) -> str:
        return f"DraftWarning({self.kind.value!r}, {self.message!r})"

    @property
    def message(self) -> str:
        """The text shown to people."""
        return str.__str__(self)

    def to_json(self) -> dict[str, str]:
        """The stored shape: kind and message."""
        return {"kind": self.kind.value, "message": self.message}


def as_warning(value: DraftWarning | str) -> DraftWarning:
    """A typed warning; plain text (from a drafter not yet typed) becomes a note."""
    return value if isinstance(value, DraftWarning) else DraftWarning(WarningKind.NOTE, str(value))


BOT = "foibot"
"""The author of the bot's own drafts (a person's edits carry their user id)."""
BOT_NAME = "foibot"


class EditKind(StrEnum):
    """What a caseworker asked for, and what each version of a draft records as its edit."""

    DRAFTED = "drafted"
    """The bot's first draft."""
    ADDED = "added"
    """A question a caseworker added (the bot drafts it)."""
    REGENERATED = "regenerated"
    ACCEPTED = "accepted"
    DISPOSITION = "disposition"
    OPTION = "option"
    """One of the ranked options adopted, with its disposition, exemptions and wording."""
    ALTERNATIVE = "alternative"
    ADD_EXEMPTIONS = "add_exemptions"
    REMOVE_EXEMPTIONS = "remove_exemptions"
    ADD_ADVICE = "add_advice"
    SET_ADVICE = "set_advice"
    REMOVE_ADVICE = "remove_advice"
    WORDING = "wording"
    UNDO = "undo"
    MODEL_REWRITE = "model_rewrite"
    """Rewritten by the language model on a caseworker's instruction (to be checked and accepted)."""
    SPLIT = "split"
    """The question's text is part of a question a caseworker split (the bot drafts each part)."""
    MERGED = "merged"
    """Other questions were merged into this one (the bot drafts the merged question)."""
    MERGED_AWAY = "merged_away"
    """This question was merged into another and is no longer asked on its own."""
    REMOVED = "removed"
    RESTORED = "restored"
    # Case-level edits: never a version of a draft.
    STANCE_ACCEPT = "stance_accept"
    STANCE_DROP = "stance_drop"
    CASEWORKER = "caseworker"

    @property
    def decides(self) -> bool:
        """Whether a person making this edit has decided the question's answer."""
        return self in _DECIDING

    @property
    def keeps_content(self) -> bool:
        """Whether the version carries the previous version's answer unchanged (removal, restoring)."""
        return self in (EditKind.REMOVED, EditKind.RESTORED, EditKind.MERGED_AWAY)


_DECIDING = frozenset({
    EditKind.ACCEPTED, EditKind.DISPOSITION, EditKind.OPTION, EditKind.ALTERNATIVE, EditKind.ADD_EXEMPTIONS,
    EditKind.REMOVE_EXEMPTIONS, EditKind.ADD_ADVICE, EditKind.SET_ADVICE, EditKind.REMOVE_ADVICE, EditKind.WORDING,
})


@dataclass(frozen=True)
class Draft:
    """One version of the proposed answer to one question, with the edit that made it."""

    disposition: Disposition
    exemptions: tuple[str, ...]
    wording: str
    confidence: float
    precedents: tuple[Evidence, ...] = ()
    warnings: tuple[DraftWarning, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    advice: str = ""
    """s16 (FOISA s15) advice and assistance to add after the answer."""
    author: str = BOT
    """Who made this version: `BOT` for the bot's drafts, else the person's user id."""
    created_at: str = ""
    note: str = "drafted from precedents"
    """A short account of the edit, for people; no rule reads it (`edit` is the typed record)."""
    proposed: bool = False
    """True only when foibot proposes `disposition`; False when the outcome is the caseworker's call."""
    options: tuple[Option, ...] = ()
    """The plausible outcomes, ranked by probability (the first is `disposition`)."""
    cues: tuple[Cue, ...] = ()
    basis: str = ""
    """What carried a proposal ("near-identical past question FOI/123, similarity 0.93"); empty otherwise."""
    placeholder: bool = False
    """No close precedent: the wording is a placeholder and the disposition is nobody's proposal."""
    edit: EditKind = EditKind.DRAFTED
    author_name: str = ""
    """The author's display name (a person's name, not a raw user id); empty: show `author`."""
    undoes: int = 0
    """For an undo, the version (1-based) whose change it takes back; 0 otherwise."""

    def __post_init__(self) -> None:
        # Drafters written before warnings were typed pass plain text: keep it, as a note.
        if any(not isinstance(warning, DraftWarning) for warning in self.warnings):
            object.__setattr__(self, "warnings", tuple(as_warning(w) for w in self.warnings))

    def revised(self, **changes: object) -> Draft:
        """A new version with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def warned(self, kind: WarningKind) -> bool:
        """Whether the draft carries a warning of this kind."""
        return any(warning.kind is kind for warning in self.warnings)

    @property
    def by(self) -> str:
        """Who made this version, as people read it."""
        if self.author == BOT:
            return BOT_NAME
        return self.author_name or self.author


@dataclass
class CaseQuestion:
    """One question of a request, with every version of its draft (the last is current).

    `number` is the question's id for the life of the case (the "Q3" caseworkers type and
    buttons carry); the letter numbers questions by their order instead.
    """

    number: int
    text: str
    versions: list[Draft] = field(default_factory=list)
    position: int = field(default=0, compare=False)
    """Where the question stands in the letter's order (stored; the case's list is already in order)."""

    @property
    def draft(self) -> Draft:
        """The current version."""
        return self.versions[-1]

    @property
    def removed(self) -> bool:
        """Whether a caseworker removed the question, or merged it into another."""
        for version in reversed(self.versions):
            if version.edit in (EditKind.REMOVED, EditKind.MERGED_AWAY):
                return True
            if version.edit is EditKind.RESTORED:
                return False
        return False

    @property
    def decided(self) -> bool:
        """Whether a person has accepted or edited the answer the current version carries."""
        return _decided(self.versions, len(self.versions))


def _decided(versions: list[Draft], number: int) -> bool:
    """Whether version `number` (1-based) carries a person's decision."""
    if number < 1:
        return False
    version = versions[number - 1]
    if version.edit is EditKind.UNDO:
        return version.undoes > 1 and _decided(versions, version.undoes - 1)
    if version.edit.keeps_content:
        return _decided(versions, number - 1)
    return version.edit.decides and version.author != BOT


class CaseStatus(StrEnum):
    """Where a case stands."""

    OPEN = "open"
    ANSWERED = "answered"
    """Approved: its decided answers are filed as precedents."""


class StanceDecision(StrEnum):
    """What the caseworker made of a request-level stance the drafter offered."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DROPPED = "dropped"


@dataclass(frozen=True)
class OpeningStance:
    """A stance taken once across the whole request, such as an opening NCND under s23(5), s24(2), s31(3)."""

    disposition: Disposition
    exemptions: tuple[str, ...]
    references: tuple[str, ...] = ()
    """The authority's precedents that carry this stance across similar requests."""
    reason: str = ""
    subject: str = ""
    """What the stance covers, in the letter's words ("any covert use of facial recognition")."""
    decision: StanceDecision = StanceDecision.OFFERED

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `foibot draft --json`'s stance."""
        return {"disposition": self.disposition.value, "exemptions": list(self.exemptions),
                "references": list(self.references), "reason": self.reason, "subject": self.subject,
                "decision": self.decision.value}


class CaseEventKind(StrEnum):
    """Things that happen to a whole case."""

    APPROVED = "approved"
    REOPENED = "reopened"
    STANCE_ACCEPTED = "stance_accepted"
    STANCE_DROPPED = "stance_dropped"
    CASEWORKER_SET = "caseworker_set"


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's history: who did what, when, and (for approvals) what was filed."""

    kind: CaseEventKind
    by: str
    at: str
    by_name: str = ""
    override: str = ""
    """The reason given for approving with questions undecided; empty when none were."""
    filed: tuple[int, ...] = ()
    """The questions (ids) whose answers approval filed as precedents."""
    precedents: int = 0
    """How many precedents approval filed, or reopening withdrew."""
    detail: str = ""

    def to_json(self) -> dict[str, object]:
        """JSON-ready values of every field."""
        return {"kind": self.kind.value, "by": self.by, "by_name": self.by_name, "at": self.at,
                "override": self.override, "filed": list(self.filed), "precedents": self.precedents,
                "detail": self.detail}


@dataclass
class Case:
    """A request being answered."""

    reference: str
    received: date
    regime: Regime
    due_date: date
    request_text: str
    """The request with requester personal data redacted."""
    questions: list[CaseQuestion]
    """The questions being answered, in the letter's order (removed and merged ones are in `removed`)."""
    requester: Requester = field(default_factory=Requester)
    status: CaseStatus = CaseStatus.OPEN
    extended_due_date: date | None = None
    slack_channel: str = ""
    slack_thread_ts: str = ""
    created_at: str = ""
    warnings: list[DraftWarning] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    """Text of the request no question holds ("not treated as a question"), so it can be added."""
    stance: OpeningStance | None = None
    caseworker: str = ""
    """The name the letter is signed with; empty: FOIBOT_CASEWORKER_NAME, else a placeholder."""
    opened_by: str = ""
    removed: list[CaseQuestion] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.status = CaseStatus(self.status)
        self.warnings = [as_warning(warning) for warning in self.warnings]

    def question(self, number: int) -> CaseQuestion:
        """Question `number` (its id), removed or not; KeyError if there is none."""
        for question in (*self.questions, *self.removed):
            if question.number == number:
                return question
        raise KeyError(number)

    def letter_number(self, number: int) -> int:
        """Where question `number` stands in the letter (1-based); 0 for a removed question."""
        for index, question in enumerate(self.questions, start=1):
            if question.number == number:
                return index
        return 0

    @property
    def undecided(self) -> list[CaseQuestion]:
        """The questions no person has accepted or edited yet."""
        return [question for question in self.questions if not question.decided]

    @property
    def stance_undecided(self) -> bool:
        """Whether a request-level stance is offered and nobody has accepted or dropped it."""
        return self.stance is not None and self.stance.decision is StanceDecision.OFFERED

    @property
    def approval(self) -> CaseEvent | None:
        """The approval in force: the last one, unless the case was reopened since."""
        for event in reversed(self.events):
            if event.kind is CaseEventKind.REOPENED:
                return None
            if event.kind is CaseEventKind.APPROVED:
                return event
        return None

    def next_number(self) -> int:
        """The id a new question gets: never one used before in this case."""
        return 1 + max((q.number for q in (*self.questions, *self.removed)), default=0)


# --- who answers ------------------------------------------------------------------------------


class AuthorityKind(StrEnum):
    """The kind of public authority answering, which changes what a question's words suggest."""

    POLICE = "police"
    COUNCIL = "council"
    NHS = "nhs"
    CENTRAL = "central"
    OTHER = "other"

    @property
    def noun(self) -> str:
        """How the reasons name it."""
        return {AuthorityKind.POLICE: "a police force", AuthorityKind.COUNCIL: "a council",
                AuthorityKind.NHS: "an NHS body", AuthorityKind.CENTRAL: "central government"}.get(
                    self, "a public authority")


def authority_kind(setting: str = "", *, central_government: bool = False, authority: str = "") -> AuthorityKind:
    """FOIBOT_AUTHORITY_KIND when set; else central for central government; else read from the authority's name."""
    if setting:
        return AuthorityKind(setting.strip().lower())
    if central_government:
        return AuthorityKind.CENTRAL
    name = authority.lower()
    for kind, pattern in _KIND_NAMES:
        if re.search(pattern, name):
            return kind
    return AuthorityKind.OTHER


_KIND_NAMES = (
    (AuthorityKind.POLICE, r"\bpolice\b|constabulary|\bpolice and crime commissioner"),
    (AuthorityKind.NHS, r"\bnhs\b|health board|hospitals?\b|\bhealth\b.*\btrust\b|\bccg\b|integrated care board|"
                        r"ambulance service"),
    (AuthorityKind.COUNCIL, r"\bcouncil\b|\bborough\b|county|combined authority|\bcity of\b"),
    (AuthorityKind.CENTRAL, r"\bministry\b|\bdepartment (?:of|for)\b|\bhm\b|\boffice\b.*\bcabinet\b|"
                            r"\bhome office\b|\bforeign\b|\btreasury\b|\bagency\b"),
)
