"""The drafting core's data: cases, their questions, and every version of each draft."""

from __future__ import annotations

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

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `foibot draft --json`'s cues."""
        return {"kind": self.kind.value, "reason": self.reason, "sections": list(self.sections),
                "link": self.link, "references": list(self.references)}


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


@dataclass(frozen=True)
class Draft:
    """One version of the proposed answer to one question."""

    disposition: Disposition
    exemptions: tuple[str, ...]
    wording: str
    confidence: float
    precedents: tuple[Evidence, ...] = ()
    warnings: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    advice: str = ""
    """s16 (FOISA s15) advice and assistance to add after the answer."""
    author: str = "foibot"
    created_at: str = ""
    note: str = "drafted from precedents"
    proposed: bool = False
    """True only when foibot proposes `disposition`; False when the outcome is the caseworker's call."""
    options: tuple[Option, ...] = ()
    """The plausible outcomes, ranked by probability (the first is `disposition`)."""
    cues: tuple[Cue, ...] = ()
    basis: str = ""
    """What carried a proposal ("near-identical past question FOI/123, similarity 0.93"); empty otherwise."""

    def revised(self, **changes: object) -> Draft:
        """A new version with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class CaseQuestion:
    """One question of a request, with every version of its draft (the last is current)."""

    number: int
    text: str
    versions: list[Draft] = field(default_factory=list)

    @property
    def draft(self) -> Draft:
        """The current version."""
        return self.versions[-1]


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
    requester: Requester = field(default_factory=Requester)
    status: str = "open"
    extended_due_date: date | None = None
    slack_channel: str = ""
    slack_thread_ts: str = ""
    created_at: str = ""
    warnings: list[str] = field(default_factory=list)

    def question(self, number: int) -> CaseQuestion:
        """Question `number` (1-based); KeyError if there is none."""
        for question in self.questions:
            if question.number == number:
                return question
        raise KeyError(number)
