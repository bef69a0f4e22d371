"""The knowledge base's data: source documents, precedents and exemption precedents."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Disposition(StrEnum):
    """How one question of a request was answered (labels of foi-law.md)."""

    DISCLOSED = "disclosed"
    PARTIALLY_DISCLOSED = "partially_disclosed"
    NOT_HELD = "not_held"
    NCND = "ncnd"
    EXEMPT_WITHHELD = "exempt_withheld"
    S12_COST = "s12_cost"
    S21_ACCESSIBLE = "s21_accessible"
    S14_VEXATIOUS_OR_REPEATED = "s14_vexatious_or_repeated"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The human label every surface shows (Slack, the CLI, letters' caseworker notes)."""
        return _DISPOSITION_LABELS[self]


_DISPOSITION_LABELS = {
    Disposition.DISCLOSED: "Disclose", Disposition.PARTIALLY_DISCLOSED: "Partly disclose",
    Disposition.NOT_HELD: "Not held", Disposition.NCND: "Neither confirm nor deny",
    Disposition.EXEMPT_WITHHELD: "Withhold (exempt)", Disposition.S12_COST: "Cost limit (s12)",
    Disposition.S21_ACCESSIBLE: "Reasonably accessible", Disposition.S14_VEXATIOUS_OR_REPEATED: "Vexatious or repeated",
    Disposition.OTHER: "Other",
}


class Regime(StrEnum):
    """The access regime a response was given under."""

    FOIA = "foia"
    EIR = "eir"
    FOISA = "foisa"


@dataclass(frozen=True)
class SourceDocument:
    """Text of one response as a loader found it, before parsing."""

    text: str
    source: str
    reference: str = ""
    date: str = ""
    authority: str = ""
    request: str = ""
    """The request text when the format keeps it apart (exports, threads, quoted emails)."""
    kind: str = "letter"
    outcome: Disposition | None = None
    """A case-management export's own outcome column, when it has one (see knowledge/loaders.py)."""
    exemptions: tuple[str, ...] = ()
    """A case-management export's own exemptions column, normalised (e.g. `s40(2)`)."""


@dataclass(frozen=True)
class RequestStance:
    """A stance taken across the whole request, such as an opening NCND."""

    disposition: Disposition
    exemptions: tuple[str, ...]


@dataclass(frozen=True)
class Precedent:
    """One past question with its answer, as the authority gave it."""

    question: str
    answer: str
    disposition: Disposition
    exemptions: tuple[str, ...]
    reference: str
    date: str
    authority: str
    regime: Regime
    source: str
    position: int
    request_stance: RequestStance | None = None
    answer_in_text: bool = True
    """False where the text does not carry the answer (an absent attachment, no reply): kept out of votes."""
    note: str = ""
    """Why the reader could not read an outcome ("the answer is in an attachment ..."); empty otherwise."""

    def to_json(self) -> dict[str, object]:
        """The JSON shape printed by `foibot parse --json`."""
        stance = self.request_stance
        return {
            "question": self.question,
            "answer": self.answer,
            "disposition": self.disposition.value,
            "exemptions": list(self.exemptions),
            "reference": self.reference,
            "date": self.date,
            "authority": self.authority,
            "regime": self.regime.value,
            "source": self.source,
            "answer_in_text": self.answer_in_text,
            "note": self.note,
            "request_level": (
                {"disposition": stance.disposition.value, "exemptions": list(stance.exemptions)}
                if stance
                else None
            ),
        }


@dataclass(frozen=True)
class ExemptionPrecedent:
    """A paragraph of reasoning (harm test, public interest, NCND) tied to one exemption."""

    section: str
    kind: str
    text: str
    reference: str
    date: str
    authority: str
    regime: Regime
    source: str


@dataclass(frozen=True)
class ParsedDocument:
    """Everything the parser read from one source document."""

    source: SourceDocument
    regime: Regime
    precedents: tuple[Precedent, ...]
    exemption_precedents: tuple[ExemptionPrecedent, ...] = field(default=())
    request_stance: RequestStance | None = None
