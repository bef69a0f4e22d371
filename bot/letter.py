"""Assembling a case's drafts into a response letter, checking it, and writing it as Word.

The letter follows the usual order of a UK FOI response: heading, the request restated,
decision summary (with a request-level stance, such as an opening NCND, stated once),
refusal notice with the reasons for each exemption (harm test and public interest test
where they apply), the answer to each question, advice and assistance, re-use of the
information, and review rights. Questions are numbered by their order in the letter, not
by their ids in the case. Wording lives in `prompts/letter/` (an authority may override any
file with FOIBOT_LETTER_WORDING_DIR); card wording comes from the exemption library.

The draft is shared in Slack, so no requester personal data goes into it unless asked for
(`LetterOptions.requester_name`, for a letter kept on the caseworker's machine). The check
lists what a letter still lacks (refusal-notice gaps) and what is unfinished: every
placeholder left ([authority name], [requester name], [caseworker name], [figure] ...),
caseworker notes, duplicated paragraphs and empty sections, each with where it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from docx import Document
from docx.opc.exceptions import PackageNotFoundError

from bot.models import Case, CaseQuestion, Draft, StanceDecision
from bot.templates import TemplateError, render_from
from knowledge.citations import section_key
from knowledge.exemptions import ExemptionCard, ExemptionLibrary
from knowledge.models import Disposition, Regime

AUTHORITY_PLACEHOLDER = "[authority name]"
REQUESTER_PLACEHOLDER = "[requester name]"
CASEWORKER_PLACEHOLDER = "[caseworker name]"
REVIEW_CONTACT_PLACEHOLDER = "[review contact]"
LETTER_MARKER = "$letter"
"""A paragraph of this text in a Word template marks where the letter goes (else it goes at the end)."""

_T = TypeVar("_T")

ACTS = {
    Regime.FOIA: "Freedom of Information Act 2000",
    Regime.EIR: "Environmental Information Regulations 2004",
    Regime.FOISA: "Freedom of Information (Scotland) Act 2002",
}
REFUSAL_NOTICE_PROVISION = {Regime.FOIA: "section 17", Regime.FOISA: "section 16", Regime.EIR: "regulation 14"}
ADVICE_PROVISION = {Regime.FOIA: "section 16", Regime.FOISA: "section 15", Regime.EIR: "regulation 9"}
REGULATOR = {
    Regime.FOIA: "Information Commissioner's Office",
    Regime.EIR: "Information Commissioner's Office",
    Regime.FOISA: "Scottish Information Commissioner",
}

# The label a draft relies on when its disposition implies one but it cites none.
_DEFAULT_LABELS: dict[tuple[Disposition, Regime], str] = {
    (Disposition.S12_COST, Regime.FOIA): "s12(1)",
    (Disposition.S12_COST, Regime.FOISA): "s12",
    (Disposition.S12_COST, Regime.EIR): "reg 12(4)(b)",
    (Disposition.S21_ACCESSIBLE, Regime.FOIA): "s21",
    (Disposition.S21_ACCESSIBLE, Regime.FOISA): "s25",
    (Disposition.NOT_HELD, Regime.EIR): "reg 12(4)(a)",
}
_DISCLOSING = frozenset({Disposition.DISCLOSED, Disposition.PARTIALLY_DISCLOSED, Disposition.S21_ACCESSIBLE})

_HEADING_REQUEST = "Your request"
_HEADING_DECISION = "Our decision"
_HEADING_REFUSAL = "Refusal notice"
_HEADING_DISCLOSURE = "Our response to your questions"
_HEADING_ADVICE = "Advice and assistance"
_HEADING_REUSE = "Re-using the information"
_HEADING_REVIEW = "Your right to ask for a review"

# What each placeholder needs, said once in the finding that lists where it is.
_PLACEHOLDER_HINTS = {
    AUTHORITY_PLACEHOLDER: "set FOIBOT_AUTHORITY",
    CASEWORKER_PLACEHOLDER: "name who signs it (`caseworker: <name>` in the case thread or on `foibot refine`, "
                            "or FOIBOT_CASEWORKER_NAME)",
    REQUESTER_PLACEHOLDER: "fill it in before sending: the requester's name is kept out of drafts shared in Slack "
                           "(`foibot letter CASE --requester-name` fills it in on your machine)",
    REVIEW_CONTACT_PLACEHOLDER: "set FOIBOT_REVIEW_CONTACT",
    "[figure]": "a figure carried over from a past answer: put in this request's figure",
}
_BRACKETED = re.compile(r"\[(?!\d{4}\])[^\[\]\n]{1,600}\]")
_NOTE = re.compile(r"^\[(?:note for the caseworker|caseworker note|note:)", re.IGNORECASE)
_SHORTEST_DUPLICATE = 40


class FindingKind(StrEnum):
    """What the check found."""

    REFUSAL_NOTICE = "refusal_notice"
    """Something the refusal notice, the answers or the review rights lack."""
    PLACEHOLDER = "placeholder"
    CASEWORKER_NOTE = "caseworker_note"
    DUPLICATE = "duplicate"
    EMPTY_SECTION = "empty_section"
    UNDECIDED = "undecided"
    """A request-level stance offered and not yet accepted or dropped."""


@dataclass(frozen=True)
class Finding:
    """One thing the letter lacks or still has to lose before it can go out, and where it is."""

    kind: FindingKind
    message: str
    where: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.message} (at {'; '.join(self.where)})" if self.where else self.message

    def to_json(self) -> dict[str, object]:
        """JSON-ready values of every field."""
        return {"kind": self.kind.value, "message": self.message, "where": list(self.where)}


@dataclass(frozen=True)
class LetterOptions:
    """What a letter is assembled with besides the case: the authority's details and choices."""

    authority: str = ""
    review_contact: str = ""
    caseworker: str = ""
    """Who signs the letter; empty leaves a placeholder (and a finding)."""
    central_government: bool = False
    """The FOIA cost limit is £600 (24 hours) for central government, £450 (18 hours) otherwise."""
    caseworker_notes: bool = True
    """Add each exemption card's guidance on engaging it, bracketed for deletion before sending."""
    wording_dir: Path | None = None
    requester_name: str = ""
    """The salutation's name; empty leaves the placeholder (the letter may be shared in Slack)."""
    today: date | None = None
    own_reasoning: Mapping[str, tuple[OwnReasoning, ...]] = field(default_factory=dict)
    """By section key (`s43`), the authority's own reasoning from past letters, adapted for this case."""


@dataclass(frozen=True)
class OwnReasoning:
    """One paragraph of the authority's own reasoning for a section: its kind and where it was written."""

    kind: str
    """harm_test, public_interest or ncnd."""
    text: str
    reference: str = ""


@dataclass(frozen=True)
class LetterSection:
    """A heading and its paragraphs; a paragraph starting with "- " is a bullet."""

    heading: str
    paragraphs: tuple[str, ...]
    level: int = 1
    """1 for the letter's main parts, 2 and 3 for the parts within them."""


@dataclass(frozen=True)
class Letter:
    """A response letter, ready to render as Markdown or Word, with what it still lacks."""

    title: str
    sections: tuple[LetterSection, ...]
    findings: tuple[Finding, ...]
    reference: str = ""

    def section(self, heading: str) -> LetterSection | None:
        """The section with this heading, if the letter has one."""
        return next((section for section in self.sections if section.heading == heading), None)

    @property
    def finished(self) -> bool:
        """Whether the check found nothing: no gap, placeholder, note, duplicate or empty section."""
        return not self.findings

    def markdown(self) -> str:
        """The letter as Markdown: a title, headings by level, paragraphs and bullet lists."""
        blocks = [f"# {self.title}"]
        for section in self.sections:
            if section.heading:
                blocks.append(f"{'#' * (section.level + 1)} {section.heading}")
            bullets: list[str] = []
            for paragraph in section.paragraphs:
                if paragraph.startswith("- "):
                    bullets.append(paragraph)
                    continue
                if bullets:
                    blocks.append("\n".join(bullets))
                    bullets = []
                blocks.append(paragraph)
            if bullets:
                blocks.append("\n".join(bullets))
        return "\n\n".join(blocks) + "\n"

    def text(self) -> str:
        """All the letter's words as plain text, one paragraph a line."""
        lines = [self.title]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs]
        return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class _Reliance:
    """One exemption as relied on in the letter: its card, whether NCND, and the questions."""

    labels: tuple[str, ...]
    card: ExemptionCard | None
    ncnd: bool
    questions: tuple[int, ...]
    """Letter numbers of the questions it applies to."""
    dispositions: tuple[Disposition, ...]
    whole_request: bool = False
    """Part of a request-level stance: it applies to the whole request, written once."""

    @property
    def provision(self) -> str:
        """The cited labels in words: `section 24(2)`, `regulation 12(5)(e)`."""
        return _and([_provision(label) for label in self.labels])

    @property
    def kind(self) -> str:
        """What the letter calls it: exemption, exception, or provision (s12, s14)."""
        if self.card is None:
            return "exemption"
        if self.card.kind == "procedural":
            return "provision"
        return self.card.kind

    @property
    def key(self) -> str:
        """A section key of the card, such as `s12` or `reg 12(4)(b)`."""
        return section_key(self.card.section) if self.card else section_key(self.labels[0])

    @property
    def questions_phrase(self) -> str:
        """Which questions it covers, in the letter's words."""
        return "your request" if self.whole_request else _questions_phrase(self.questions)


# Headings shared by the assembly and the check, so that the check finds what assembly wrote.
def _reasons_heading(reliance: _Reliance) -> str:
    title = reliance.card.title if reliance.card else "not in the exemption library"
    suffix = " (neither confirm nor deny)" if reliance.ncnd else ""
    return f"{_capital(reliance.provision)}: {title}{suffix}"


def _harm_heading(reliance: _Reliance) -> str:
    return f"Harm test for {reliance.provision}" + (" (neither confirm nor deny)" if reliance.ncnd else "")


def _necessity_heading(reliance: _Reliance) -> str:
    return f"Necessity test for {reliance.provision}" + (" (neither confirm nor deny)" if reliance.ncnd else "")


def _public_interest_heading(reliance: _Reliance) -> str:
    return f"Public interest test for {reliance.provision}" + (" (neither confirm nor deny)" if reliance.ncnd else "")


@dataclass
class _Writer:
    """One letter being written: the case, the library and the options, and the wording they pick."""

    case: Case
    library: ExemptionLibrary
    options: LetterOptions
    numbers: dict[int, int] = field(default_factory=dict)
    """Question id -> its number in the letter."""

    def __post_init__(self) -> None:
        self.numbers = {question.number: index for index, question in enumerate(self.case.questions, start=1)}

    @property
    def authority(self) -> str:
        return self.options.authority.strip() or AUTHORITY_PLACEHOLDER

    @property
    def stance_cards(self) -> set[str]:
        """The cards of an accepted request-level stance (empty when there is none)."""
        stance = self.case.stance
        if stance is None or stance.decision is not StanceDecision.ACCEPTED:
            return set()
        cards = (self.library.get(label, self.case.regime) for label in stance.exemptions)
        return {card.id for card in cards if card is not None}

    def covered_by_stance(self, draft: Draft) -> bool:
        """Whether a question's NCND is the request-level stance's, said once for the whole request."""
        cards = self.stance_cards
        if not cards or draft.disposition is not Disposition.NCND:
            return False
        labels = [self.library.get(label, self.case.regime) for label in _labels(draft, self.case.regime)]
        return all(card is not None and card.id in cards for card in labels)

    def named(self, where: str) -> str:
        """A place in the letter with the question's id too, where the letter's numbering differs from the case's."""
        match = re.match(r"^Question (\d+)\b", where)
        if not match:
            return where
        ids = {number: question for question, number in self.numbers.items()}
        question = ids.get(int(match.group(1)))
        if question is None or question == int(match.group(1)):
            return where
        return f"Question {match.group(1)} (Q{question}){where[match.end():]}"

    def render(self, name: str, **values: object) -> str:
        """Wording `prompts/letter/<name>.md` (or the authority's override of it), filled."""
        return render_from(self.options.wording_dir, f"letter/{name}.md", **values)

    def paragraphs(self, name: str, **values: object) -> list[str]:
        return _paragraphs(self.render(name, **values))


def assemble_letter(case: Case, library: ExemptionLibrary, options: LetterOptions | None = None) -> Letter:
    """The response letter for a case's current drafts, with the check's findings."""
    writer = _Writer(case, library, options or LetterOptions())
    authority = writer.authority
    contact = writer.options.review_contact.strip() or REVIEW_CONTACT_PLACEHOLDER
    when = writer.options.today or date.today()
    reliances = _reliances(writer)
    sections: list[LetterSection] = [
        LetterSection(authority, tuple(writer.paragraphs(
            "opening", reference=case.reference, date=_long_date(when),
            salutation=writer.options.requester_name.strip() or REQUESTER_PLACEHOLDER))),
        _request_section(writer),
        _decision_section(writer),
    ]
    if reliances:
        sections += _refusal_sections(writer, reliances)
    sections += _disclosure_sections(writer)
    advice = _advice_section(writer)
    if advice is not None:
        sections.append(advice)
    if any((d := _current(q)) is not None and d.disposition in _DISCLOSING for q in case.questions):
        sections.append(LetterSection(_HEADING_REUSE, tuple(writer.paragraphs("reuse", authority=authority))))
    sections.append(LetterSection(_HEADING_REVIEW, tuple(writer.paragraphs(
        f"review_rights_{case.regime.value}", authority=authority, reference=case.reference,
        review_contact=contact))))
    sections.append(LetterSection("", tuple(writer.paragraphs(
        "closing", authority=authority, caseworker=writer.options.caseworker.strip() or CASEWORKER_PLACEHOLDER))))
    letter = Letter(title=writer.render("title", reference=case.reference).strip(), sections=tuple(sections),
                    findings=(), reference=case.reference)
    findings = [*_refusal_notice_findings(writer, letter), *unfinished_check(letter)]
    findings = [replace(finding, where=tuple(writer.named(where) for where in finding.where)) for finding in findings]
    return Letter(letter.title, letter.sections, tuple(findings), letter.reference)


def refusal_notice_check(case: Case, library: ExemptionLibrary, letter: Letter,
                         options: LetterOptions | None = None) -> list[str]:
    """What the letter still lacks before it can go out (refusal notice, answers, review rights), one line each."""
    return [str(finding) for finding in _refusal_notice_findings(_Writer(case, library, options or LetterOptions()),
                                                                 letter)]


def _refusal_notice_findings(writer: _Writer, letter: Letter) -> list[Finding]:
    case = writer.case
    lines: list[str] = []
    undecided: list[str] = []
    regime_name = case.regime.value.upper()
    for reliance in _reliances(writer):
        questions = reliance.questions_phrase
        if reliance.card is None:
            lines += [f"{label} is not a known exemption under {regime_name}" for label in reliance.labels]
            continue
        card = reliance.card
        section = letter.section(_reasons_heading(reliance))
        if section is None or not _real(section.paragraphs):
            lines.append(f"{_capital(reliance.provision)} is relied on for {questions} with no reasons paragraph")
        if reliance.ncnd:
            if card.ncnd is None:
                lines.append(f"{_capital(reliance.provision)} has no neither confirm nor deny provision, "
                             f"but {questions} neither confirms nor denies")
            elif section is not None and _provision(card.ncnd) not in " ".join(section.paragraphs):
                lines.append(f"The reasons for {questions} do not name {_provision(card.ncnd)}, "
                             "the neither confirm nor deny provision")
        if card.test == "prejudice":
            harm = letter.section(_harm_heading(reliance))
            if harm is None or not _real(harm.paragraphs):
                lines.append(f"{_capital(reliance.provision)} is prejudice-based but the letter has no harm test "
                             f"for {questions}")
        if _needs_public_interest(reliance):
            lines += _public_interest_gaps(reliance, letter.section(_public_interest_heading(reliance)))
    advice = letter.section(_HEADING_ADVICE)
    for question in case.questions:
        number = writer.numbers[question.number]
        draft = _current(question)
        if draft is None:
            lines.append(f"Question {number} has no draft")
            continue
        if not draft.wording.strip():
            lines.append(f"Question {number} has no wording")
        if draft.disposition is Disposition.S12_COST and (
            not draft.advice.strip() or advice is None or draft.advice.strip() not in " ".join(advice.paragraphs)
        ):
            lines.append(f"Question {number} is refused under the cost limit with no advice on "
                         f"narrowing it ({ADVICE_PROVISION[case.regime]})")
        if draft.disposition is Disposition.S14_VEXATIOUS_OR_REPEATED and not any(
            section_key(label) in ("s14", "reg 12(4)(b)") for label in draft.exemptions
        ):
            lines.append(f"Question {number} is refused as vexatious or repeated but cites no provision for it")
        if draft.placeholder and not question.decided:
            lines.append(f"Question {number} rests on no close precedent and no caseworker has decided it")
        elif not draft.proposed and not question.decided:
            # The letter shows the most likely option, which foibot did not propose: nobody has chosen it.
            undecided.append(f"Question {number}'s outcome is the caseworker's call and nobody has decided it: "
                             f"the letter shows the most likely option ({draft.disposition.label}); choose one "
                             f"(`Q{number} use option N`, or `Q{number} <outcome>`)")
    review = letter.section(_HEADING_REVIEW)
    if review is None or REGULATOR[case.regime] not in " ".join(review.paragraphs):
        lines.append(f"The letter does not set out the right to a review and to go to the {REGULATOR[case.regime]}")
    findings = [Finding(FindingKind.REFUSAL_NOTICE, line) for line in lines]
    findings += [Finding(FindingKind.UNDECIDED, line) for line in undecided]
    if case.stance_undecided and case.stance is not None:
        findings.append(Finding(FindingKind.UNDECIDED, (
            f"An opening stance ({case.stance.disposition.label} under {', '.join(case.stance.exemptions)}) is "
            "offered but not decided: `accept stance` or `drop stance`")))
    return findings


def unfinished_check(letter: Letter) -> list[Finding]:
    """Placeholders, caseworker notes, duplicated paragraphs and empty sections still in a letter, with where."""
    places: dict[str, list[str]] = {}
    notes: list[str] = []
    if _BRACKETED.search(letter.title):
        for found in _BRACKETED.findall(letter.title):
            places.setdefault(found, []).append("the title")
    seen: dict[str, list[str]] = {}
    for position, section in enumerate(letter.sections):
        name = "the opening" if position == 0 else section.heading or "the sign-off"
        for found in _BRACKETED.findall(section.heading):
            places.setdefault(found, []).append("a heading")
        for index, paragraph in enumerate(section.paragraphs, start=1):
            where = f"{name} ¶{index}"
            for found in _BRACKETED.findall(paragraph):
                if _NOTE.match(found) or len(found) > 80:
                    notes.append(where)
                else:
                    places.setdefault(found, []).append(where)
            key = " ".join(paragraph.lower().split())
            if len(key) >= _SHORTEST_DUPLICATE and not key.endswith(":"):
                seen.setdefault(key, []).append(where)
    findings = [
        Finding(FindingKind.PLACEHOLDER, f"{placeholder} is not filled in ({len(where)} place"
                f"{'s' if len(where) != 1 else ''}): {_PLACEHOLDER_HINTS.get(placeholder, 'fill it in')}",
                tuple(where))
        for placeholder, where in places.items()
    ]
    if notes:
        many = len(notes) != 1
        findings.append(Finding(FindingKind.CASEWORKER_NOTE,
                                f"{len(notes)} caseworker note{'s are' if many else ' is'} still in the letter: "
                                f"act on {'them' if many else 'it'} and delete before sending", tuple(notes)))
    for key, repeats in seen.items():
        # The letter's own structure repeats by design (each exemption's tests); what must not repeat is
        # an answer, or advice, saying again what the letter already says.
        if len(repeats) > 1 and any(w.startswith(("Question ", _HEADING_ADVICE)) for w in repeats):
            findings.append(Finding(FindingKind.DUPLICATE, f"a paragraph appears {len(repeats)} times "
                                    f"(\u201c{_shorten(key, 60)}\u201d)", tuple(repeats)))
    for index, section in enumerate(letter.sections):
        following = letter.sections[index + 1] if index + 1 < len(letter.sections) else None
        parent = following is not None and following.level > section.level
        if section.heading and not _real(section.paragraphs) and not parent:
            findings.append(Finding(FindingKind.EMPTY_SECTION, f"the section \u201c{section.heading}\u201d has no "
                                    "text of its own", (section.heading,)))
    return findings


def write_docx(letter: Letter, path: Path, template: Path | None = None) -> None:
    """Write the letter as a Word document at `path`."""
    path.write_bytes(docx_bytes(letter, template))


def docx_bytes(letter: Letter, template: Path | None = None) -> bytes:
    """The letter as the bytes of a Word document, written into the authority's template (or foibot's A4 en-GB one).

    The template's letterhead, headers, footers, page set-up and styles are kept; the letter
    goes where a paragraph says `$letter`, or after whatever the template's body holds.
    """
    document = _open_template(template)
    body = document.element.body
    marker = next((p for p in document.paragraphs if p.text.strip() == LETTER_MARKER), None)
    written: list[Any] = []

    def add(text: str, style: str | None) -> None:
        paragraph = document.add_paragraph(text, style=_style(document, style))
        written.append(paragraph)

    if not document.core_properties.language:
        document.core_properties.language = "en-GB"
    document.core_properties.title = letter.title
    section = document.sections[0]
    if letter.reference and not any(p.text.strip() for p in section.header.paragraphs):
        section.header.paragraphs[0].text = f"Our reference: {letter.reference}"
    if letter.reference and not any(p.text.strip() for p in section.footer.paragraphs):
        section.footer.paragraphs[0].text = f"{letter.reference}: draft for caseworker review"
    add(letter.title, "Title")
    for part in letter.sections:
        if part.heading:
            add(part.heading, f"Heading {min(max(part.level, 1), 9)}")
        for paragraph in part.paragraphs:
            if paragraph.startswith("- "):
                add(paragraph[2:], "List Bullet")
            else:
                add(paragraph, None)
    if marker is not None:
        for paragraph in written:
            marker._p.addprevious(paragraph._p)
        body.remove(marker._p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _open_template(template: Path | None) -> Any:
    if template is None:
        with resources.as_file(resources.files("prompts").joinpath("letter/template.docx")) as shipped:
            return Document(str(shipped))
    try:
        return Document(str(template))
    except (PackageNotFoundError, OSError, KeyError, ValueError) as error:
        raise TemplateError(f"FOIBOT_LETTER_TEMPLATE {template} is not a readable Word document: "
                            f"{type(error).__name__}") from None


def _style(document: Any, name: str | None) -> str | None:
    """The style if the template has it; a template without it gets the plain paragraph style."""
    if name is None:
        return None
    try:
        document.styles[name]
    except KeyError:
        return None
    return name


# Building the sections.

def _request_section(writer: _Writer) -> LetterSection:
    case = writer.case
    paragraphs = writer.paragraphs("request", authority=writer.authority, received=_long_date(case.received),
                                   act=ACTS[case.regime])
    for question in case.questions:
        text = " ".join(question.text.split())
        paragraphs += writer.paragraphs("request_question", number=writer.numbers[question.number], text=text)
    return LetterSection(_HEADING_REQUEST, tuple(paragraphs))


def _decision_section(writer: _Writer) -> LetterSection:
    case = writer.case
    by_disposition: dict[Disposition, list[int]] = {}
    for question in case.questions:
        draft = _current(question)
        if draft is not None and not writer.covered_by_stance(draft):
            by_disposition.setdefault(draft.disposition, []).append(writer.numbers[question.number])
    paragraphs = writer.paragraphs("decision_intro", authority=writer.authority)
    if writer.stance_cards and case.stance is not None:
        subject = case.stance.subject.strip() or "falling within your request"
        paragraphs += writer.paragraphs("decision_stance", authority=writer.authority, subject=subject,
                                        provisions=_and([_provision(label) for label in case.stance.exemptions]))
    for disposition in Disposition:
        if disposition in by_disposition:
            paragraphs += writer.paragraphs(f"decision_{disposition.value}",
                                            questions=_questions_phrase(by_disposition[disposition]))
    return LetterSection(_HEADING_DECISION, tuple(paragraphs))


def _refusal_sections(writer: _Writer, reliances: list[_Reliance]) -> list[LetterSection]:
    case = writer.case
    kind = "exception" if case.regime is Regime.EIR else "exemption"
    paragraphs = writer.paragraphs("refusal_notice", notice_provision=REFUSAL_NOTICE_PROVISION[case.regime],
                                   act=ACTS[case.regime], authority=writer.authority, kind=kind)
    for reliance in reliances:
        template = ("refusal_notice_item_stance" if reliance.whole_request
                    else "refusal_notice_item_ncnd" if reliance.ncnd else "refusal_notice_item")
        paragraphs += writer.paragraphs(
            template, provision_cap=_capital(reliance.provision),
            title=reliance.card.title if reliance.card else "not in the exemption library",
            questions=reliance.questions_phrase)
    sections = [LetterSection(_HEADING_REFUSAL, tuple(paragraphs))]
    for reliance in reliances:
        sections += _reliance_sections(writer, reliance)
    return sections


def _reliance_sections(writer: _Writer, reliance: _Reliance) -> list[LetterSection]:
    case = writer.case
    questions = reliance.questions_phrase
    information = "the information you requested" if reliance.whole_request else \
        f"the information requested in {questions}"
    card = reliance.card
    if card is None:
        return [LetterSection(_reasons_heading(reliance), tuple(writer.paragraphs(
            "exemption_unknown", label=reliance.provision, questions=questions, act=ACTS[case.regime])), level=2)]
    values: dict[str, object] = {
        "provision": reliance.provision, "provision_cap": _capital(reliance.provision), "kind": reliance.kind,
        "questions": questions, "information": information, "authority": writer.authority,
        "act_of": "confirming or denying whether it holds" if reliance.ncnd else "disclosing",
    }
    reasons = writer.paragraphs("exemption_reasons", **{**values, "summary": _lower_first(card.summary)})
    wording = card.ncnd_wording if reliance.ncnd else card.model_wording
    if reliance.ncnd and card.ncnd is None:
        reasons += writer.paragraphs("ncnd_missing", **values)
    elif wording:
        reasons += _paragraphs(_fill_card(wording, writer.authority, information))
    if reliance.ncnd and card.ncnd is not None:
        reasons += writer.paragraphs(f"ncnd_{case.regime.value}", **{**values, "ncnd_provision": _provision(card.ncnd)})
    own = writer.options.own_reasoning.get(reliance.key, ())
    if reliance.ncnd:
        reasons += [item.text for item in own if item.kind == "ncnd"]
    reasons += _procedural_paragraphs(writer, reliance, values)
    if card.kind != "procedural":
        if card.test == "class":
            reasons += writer.paragraphs("class_based", **values)
        if card.absolute:
            reasons += writer.paragraphs("absolute", **values)
    if writer.options.caseworker_notes and card.engagement:
        reasons += writer.paragraphs("caseworker_note", note=card.engagement)
    references = sorted({item.reference for item in own if item.reference})
    if writer.options.caseworker_notes and own:
        reasons += writer.paragraphs("caseworker_note", note=(
            "the reasoning marked as the authority's own is adapted from its earlier answers"
            + (f" ({', '.join(references)})" if references else "") + "; check that it fits this case"))
    sections = [LetterSection(_reasons_heading(reliance), tuple(reasons), level=2)]
    if card.test == "prejudice":
        harm = [item.text for item in own if item.kind == "harm_test" and not reliance.ncnd]
        sections.append(LetterSection(_harm_heading(reliance), tuple(harm + writer.paragraphs(
            f"harm_test_{case.regime.value}", **values)), level=3))
    elif card.test == "necessity":
        stance = (f"neither confirming nor denying whether it holds {information}" if reliance.ncnd
                  else f"withholding {information}")
        sections.append(LetterSection(_necessity_heading(reliance), tuple(writer.paragraphs(
            "necessity_test", **values, stance=stance)), level=3))
    if _needs_public_interest(reliance):
        sections.append(_public_interest_section(writer, reliance, values,
                                                 [item.text for item in own if item.kind == "public_interest"]))
    return sections


def _procedural_paragraphs(writer: _Writer, reliance: _Reliance, values: dict[str, object]) -> list[str]:
    """The cost limit for s12 (and cost-based reg 12(4)(b)), and the grounds for s14."""
    case = writer.case
    if reliance.key == "s12" or (reliance.key == "reg 12(4)(b)" and Disposition.S12_COST in reliance.dispositions):
        if case.regime is Regime.FOIA:
            limit, hours = ("£600", 24) if writer.options.central_government else ("£450", 18)
            return writer.paragraphs("cost_limit_foia", **values, limit=limit, hours=hours)
        return writer.paragraphs(f"cost_limit_{case.regime.value}", **values)
    if reliance.key == "s14" and reliance.card is not None:
        repeated = reliance.card.section.endswith("(2)")
        return writer.paragraphs("repeated" if repeated else "vexatious", **values)
    return []


def _public_interest_section(writer: _Writer, reliance: _Reliance, values: dict[str, object],
                             own: Sequence[str] = ()) -> LetterSection:
    assert reliance.card is not None  # only called for cards that need the test
    paragraphs = writer.paragraphs(
        "public_interest", **values,
        factors_for=_bullets(reliance.card.factors_for_disclosure),
        factors_against=_bullets(reliance.card.factors_against_disclosure))
    if writer.case.regime is Regime.EIR:
        paragraphs += writer.paragraphs("public_interest_eir")
    paragraphs += list(own)  # the authority's own weighing, as it has put it before
    paragraphs += writer.paragraphs("public_interest_balance", **values)
    return LetterSection(_public_interest_heading(reliance), tuple(paragraphs), level=3)


def _disclosure_sections(writer: _Writer) -> list[LetterSection]:
    sections = [LetterSection(_HEADING_DISCLOSURE, tuple(writer.paragraphs("disclosure")))]
    for question in writer.case.questions:
        number = writer.numbers[question.number]
        draft = _current(question)
        if draft is not None and writer.covered_by_stance(draft):
            paragraphs = writer.paragraphs("stance_question", authority=writer.authority)
        else:
            paragraphs = _paragraphs(draft.wording) if draft is not None else []
        if not paragraphs:
            paragraphs = writer.paragraphs("disclosure_missing", number=number)
        sections.append(LetterSection(f"Question {number}", tuple(paragraphs), level=2))
    return sections


def _advice_section(writer: _Writer) -> LetterSection | None:
    case = writer.case
    cost_refused = [writer.numbers[q.number] for q in case.questions
                    if (d := _current(q)) is not None and d.disposition is Disposition.S12_COST]
    advised = [(writer.numbers[q.number], d.advice.strip()) for q in case.questions
               if (d := _current(q)) is not None and d.advice.strip()]
    if not cost_refused and not advised:
        return None
    paragraphs = writer.paragraphs("advice", authority=writer.authority,
                                   advice_provision=ADVICE_PROVISION[case.regime], act=ACTS[case.regime])
    if cost_refused:
        paragraphs += writer.paragraphs("advice_narrowing", questions=_questions_phrase(cost_refused))
    with_advice = {number for number, _ in advised}
    for number in cost_refused:
        if number not in with_advice:
            paragraphs += writer.paragraphs("advice_narrowing_missing", number=number)
    for number, advice in advised:
        paragraphs += writer.paragraphs("advice_question", number=number, advice=advice)
    return LetterSection(_HEADING_ADVICE, tuple(paragraphs))


# Working out what the drafts rely on.

@dataclass
class _Group:
    card: ExemptionCard | None
    labels: list[str]
    questions: list[int]
    dispositions: list[Disposition]
    whole_request: bool = False


def _reliances(writer: _Writer) -> list[_Reliance]:
    """Each exemption the letter relies on, in order of first use, NCND apart from withholding.

    An accepted request-level stance comes first, once for the whole request; questions whose
    NCND it covers join it rather than repeating it.
    """
    case, library = writer.case, writer.library
    groups: dict[tuple[str, bool], _Group] = {}
    stance = case.stance
    if writer.stance_cards and stance is not None:
        for label in stance.exemptions:
            card = library.get(label, case.regime)
            group = groups.setdefault((card.id if card else f"unknown:{label}", True),
                                      _Group(card, [], [], [], whole_request=True))
            _add(group.labels, label)
            _add(group.dispositions, Disposition.NCND)
    for question in case.questions:
        draft = _current(question)
        if draft is None:
            continue
        ncnd = draft.disposition is Disposition.NCND
        for label in _labels(draft, case.regime):
            card = library.get(label, case.regime)
            if card is not None and card.regime is Regime.FOISA and card.section == "s17":
                continue  # a FOISA notice that information is not held, not a refusal
            group = groups.setdefault((card.id if card else f"unknown:{label}", ncnd), _Group(card, [], [], []))
            _add(group.labels, label)
            _add(group.questions, writer.numbers[question.number])
            _add(group.dispositions, draft.disposition)
    return [_Reliance(tuple(group.labels), group.card, ncnd, tuple(group.questions), tuple(group.dispositions),
                      group.whole_request)
            for (_, ncnd), group in groups.items()]


def _add(items: list[_T], item: _T) -> None:
    if item not in items:
        items.append(item)


def _labels(draft: Draft, regime: Regime) -> list[str]:
    labels = [label.strip() for label in draft.exemptions if label.strip()]
    default = _DEFAULT_LABELS.get((draft.disposition, regime))
    if default and not any(section_key(label) == section_key(default) for label in labels):
        labels.append(default)
    return list(dict.fromkeys(labels))


def _needs_public_interest(reliance: _Reliance) -> bool:
    card = reliance.card
    # reg 12(4)(a) is formally qualified, but with nothing held there is nothing to weigh.
    return card is not None and card.qualified and section_key(card.section) != "reg 12(4)(a)"


def _public_interest_gaps(reliance: _Reliance, section: LetterSection | None) -> list[str]:
    name = _capital(reliance.provision)
    questions = reliance.questions_phrase
    if section is None:
        return [f"{name} is qualified but the letter has no public interest test for {questions}"]
    runs: list[int] = []
    count = 0
    for paragraph in section.paragraphs:
        if paragraph.startswith("- "):
            count += 1
        elif count:
            runs.append(count)
            count = 0
    if count:
        runs.append(count)
    gaps = []
    if len(runs) < 2:
        gaps.append(f"The public interest test for {reliance.provision} lacks factors on one side or both")
    if not section.paragraphs or section.paragraphs[-1].startswith("- "):
        gaps.append(f"The public interest test for {reliance.provision} has no balance paragraph")
    return gaps


# Small pieces of wording.

def _current(question: CaseQuestion) -> Draft | None:
    return question.versions[-1] if question.versions else None


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks; each line of a block with bullets is a paragraph of its own."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if any(line.startswith("- ") for line in lines):
            paragraphs += lines
        elif lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def _real(paragraphs: Iterable[str]) -> bool:
    """Whether any paragraph is real wording rather than a bracketed placeholder or note."""
    return any(paragraph.strip() and not paragraph.lstrip().startswith("[") for paragraph in paragraphs)


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _fill_card(text: str, authority: str, information: str) -> str:
    filled = text.replace("{authority}", authority).replace("{information}", information)
    return _capital(filled)


def _provision(label: str) -> str:
    """`s31(3)` -> `section 31(3)`; `reg 12(5)(e)` -> `regulation 12(5)(e)`."""
    text = label.strip()
    match = re.fullmatch(r"(?i)reg(?:ulation)?\.?\s*(.+)", text)
    if match:
        return f"regulation {match.group(1)}"
    match = re.fullmatch(r"(?i)s(?:ection)?\.?\s*(\d.*)", text)
    return f"section {match.group(1)}" if match else text


def _questions_phrase(numbers: Iterable[int]) -> str:
    ordered = sorted(set(numbers))
    if len(ordered) == 1:
        return f"question {ordered[0]}"
    return "questions " + _and([str(number) for number in ordered])


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    # "Protects information ..." reads on from "This exemption"; keep "EIR ..." as written.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
