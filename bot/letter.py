"""Assembling a case's drafts into a response letter, checking its refusal notice, writing .docx.

The letter follows the usual order of a UK FOI response: heading, the request restated,
decision summary, refusal notice with the reasons for each exemption (harm test and public
interest test where they apply), the answer to each question, advice and assistance, and
review rights. Wording lives in `prompts/letter/`; card wording comes from the exemption
library. The draft is shared in Slack, so no requester personal data ever goes into it: the
salutation is the placeholder "[requester name]".
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from docx import Document

from bot.models import Case, CaseQuestion, Draft
from bot.templates import render
from knowledge.citations import section_key
from knowledge.exemptions import ExemptionCard, ExemptionLibrary
from knowledge.models import Disposition, Regime

REQUESTER_PLACEHOLDER = "[requester name]"
REVIEW_CONTACT_PLACEHOLDER = "[review contact]"
NO_CLOSE_PRECEDENT = "no close precedent"

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

_HEADING_REQUEST = "Your request"
_HEADING_DECISION = "Our decision"
_HEADING_REFUSAL = "Refusal notice"
_HEADING_DISCLOSURE = "Our response to your questions"
_HEADING_ADVICE = "Advice and assistance"
_HEADING_REVIEW = "Your right to ask for a review"


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
    findings: tuple[str, ...]
    reference: str = ""

    def section(self, heading: str) -> LetterSection | None:
        """The section with this heading, if the letter has one."""
        return next((section for section in self.sections if section.heading == heading), None)

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
    dispositions: tuple[Disposition, ...]

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


def assemble_letter(
    case: Case,
    library: ExemptionLibrary,
    authority: str,
    review_contact: str,
    today: date | None = None,
    *,
    central_government: bool = False,
    caseworker_notes: bool = True,
) -> Letter:
    """The response letter for a case's current drafts, with the refusal notice check's findings.

    `central_government` sets the FOIA cost limit (£600 rather than £450). `caseworker_notes`
    adds each exemption card's guidance on engaging it, bracketed for deletion before sending.
    """
    authority = authority.strip() or "[authority]"
    contact = review_contact.strip() or REVIEW_CONTACT_PLACEHOLDER
    when = today or date.today()
    reliances = _reliances(case, library)
    sections: list[LetterSection] = [
        LetterSection(authority, tuple(_paragraphs(render(
            "letter/opening.md", reference=case.reference, date=_long_date(when))))),
        _request_section(case, authority),
        _decision_section(case, authority),
    ]
    if reliances:
        sections += _refusal_sections(case, reliances, authority, central_government, caseworker_notes)
    sections += _disclosure_sections(case)
    advice = _advice_section(case, authority)
    if advice is not None:
        sections.append(advice)
    sections.append(LetterSection(_HEADING_REVIEW, tuple(_paragraphs(render(
        f"letter/review_rights_{case.regime.value}.md",
        authority=authority, reference=case.reference, review_contact=contact)))))
    sections.append(LetterSection("", tuple(_paragraphs(render("letter/closing.md", authority=authority)))))
    letter = Letter(
        title=render("letter/title.md", reference=case.reference).strip(),
        sections=tuple(sections),
        findings=(),
        reference=case.reference,
    )
    findings = refusal_notice_check(case, library, letter)
    return Letter(letter.title, letter.sections, tuple(findings), letter.reference)


def refusal_notice_check(case: Case, library: ExemptionLibrary, letter: Letter) -> list[str]:
    """What the letter still lacks before it can go out, one line a finding."""
    findings: list[str] = []
    regime_name = case.regime.value.upper()
    for reliance in _reliances(case, library):
        questions = _questions_phrase(reliance.questions)
        if reliance.card is None:
            findings += [f"{label} is not a known exemption under {regime_name}" for label in reliance.labels]
            continue
        card = reliance.card
        section = letter.section(_reasons_heading(reliance))
        if section is None or not _real(section.paragraphs):
            findings.append(f"{_capital(reliance.provision)} is relied on for {questions} with no reasons paragraph")
        if reliance.ncnd:
            if card.ncnd is None:
                findings.append(f"{_capital(reliance.provision)} has no neither confirm nor deny provision, "
                                f"but {questions} neither confirms nor denies")
            elif section is not None and _provision(card.ncnd) not in " ".join(section.paragraphs):
                findings.append(f"The reasons for {questions} do not name {_provision(card.ncnd)}, "
                                "the neither confirm nor deny provision")
        if card.test == "prejudice":
            harm = letter.section(_harm_heading(reliance))
            if harm is None or not _real(harm.paragraphs):
                findings.append(f"{_capital(reliance.provision)} is prejudice-based but the letter has no harm test "
                                f"for {questions}")
        if _needs_public_interest(reliance):
            findings += _public_interest_gaps(reliance, letter.section(_public_interest_heading(reliance)))
    advice = letter.section(_HEADING_ADVICE)
    for question in case.questions:
        draft = _current(question)
        if draft is None:
            findings.append(f"Question {question.number} has no draft")
            continue
        if not draft.wording.strip():
            findings.append(f"Question {question.number} has no wording")
        if draft.disposition is Disposition.S12_COST and (
            not draft.advice.strip() or advice is None or draft.advice.strip() not in " ".join(advice.paragraphs)
        ):
            findings.append(f"Question {question.number} is refused under the cost limit with no advice on "
                            f"narrowing it ({ADVICE_PROVISION[case.regime]})")
        if draft.disposition is Disposition.S14_VEXATIOUS_OR_REPEATED and not any(
            section_key(label) in ("s14", "reg 12(4)(b)") for label in draft.exemptions
        ):
            findings.append(f"Question {question.number} is refused as vexatious or repeated but cites no provision "
                            "for it")
        if draft.author == "foibot" and any(NO_CLOSE_PRECEDENT in warning.lower() for warning in draft.warnings):
            findings.append(f"Question {question.number} rests on no close precedent and no caseworker has edited "
                            "its draft")
    review = letter.section(_HEADING_REVIEW)
    if review is None or REGULATOR[case.regime] not in " ".join(review.paragraphs):
        findings.append(f"The letter does not set out the right to a review and to go to the {REGULATOR[case.regime]}")
    elif REVIEW_CONTACT_PLACEHOLDER in " ".join(review.paragraphs):
        findings.append(f"The review rights say {REVIEW_CONTACT_PLACEHOLDER}: set FOIBOT_REVIEW_CONTACT or fill it in")
    return findings


def write_docx(letter: Letter, path: Path) -> None:
    """Write the letter as a Word document at `path`."""
    path.write_bytes(docx_bytes(letter))


def docx_bytes(letter: Letter) -> bytes:
    """The letter as the bytes of a Word document, for upload."""
    document = Document()
    document.core_properties.title = letter.title
    if letter.reference:
        section = document.sections[0]
        section.header.paragraphs[0].text = f"Our reference: {letter.reference}"
        section.footer.paragraphs[0].text = f"{letter.reference}: draft for caseworker review"
    document.add_heading(letter.title, level=0)
    for part in letter.sections:
        if part.heading:
            document.add_heading(part.heading, level=min(max(part.level, 1), 9))
        for paragraph in part.paragraphs:
            if paragraph.startswith("- "):
                document.add_paragraph(paragraph[2:], style="List Bullet")
            else:
                document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Building the sections.

def _request_section(case: Case, authority: str) -> LetterSection:
    paragraphs = _paragraphs(render(
        "letter/request.md", authority=authority, received=_long_date(case.received), act=ACTS[case.regime]))
    for question in case.questions:
        text = " ".join(question.text.split())
        paragraphs += _paragraphs(render("letter/request_question.md", number=question.number, text=text))
    return LetterSection(_HEADING_REQUEST, tuple(paragraphs))


def _decision_section(case: Case, authority: str) -> LetterSection:
    by_disposition: dict[Disposition, list[int]] = {}
    for question in case.questions:
        draft = _current(question)
        if draft is not None:
            by_disposition.setdefault(draft.disposition, []).append(question.number)
    paragraphs = _paragraphs(render("letter/decision_intro.md", authority=authority))
    for disposition in Disposition:
        if disposition in by_disposition:
            paragraphs += _paragraphs(render(
                f"letter/decision_{disposition.value}.md", questions=_questions_phrase(by_disposition[disposition])))
    return LetterSection(_HEADING_DECISION, tuple(paragraphs))


def _refusal_sections(
    case: Case, reliances: list[_Reliance], authority: str, central_government: bool, notes: bool
) -> list[LetterSection]:
    kind = "exception" if case.regime is Regime.EIR else "exemption"
    paragraphs = _paragraphs(render(
        "letter/refusal_notice.md", notice_provision=REFUSAL_NOTICE_PROVISION[case.regime],
        act=ACTS[case.regime], authority=authority, kind=kind))
    for reliance in reliances:
        paragraphs += _paragraphs(render(
            "letter/refusal_notice_item_ncnd.md" if reliance.ncnd else "letter/refusal_notice_item.md",
            provision_cap=_capital(reliance.provision),
            title=reliance.card.title if reliance.card else "not in the exemption library",
            questions=_questions_phrase(reliance.questions)))
    sections = [LetterSection(_HEADING_REFUSAL, tuple(paragraphs))]
    for reliance in reliances:
        sections += _reliance_sections(case, reliance, authority, central_government, notes)
    return sections


def _reliance_sections(
    case: Case, reliance: _Reliance, authority: str, central_government: bool, notes: bool
) -> list[LetterSection]:
    questions = _questions_phrase(reliance.questions)
    information = f"the information requested in {questions}"
    card = reliance.card
    if card is None:
        text = render("letter/exemption_unknown.md", label=reliance.provision, questions=questions,
                      act=ACTS[case.regime])
        return [LetterSection(_reasons_heading(reliance), tuple(_paragraphs(text)), level=2)]
    values: dict[str, object] = {
        "provision": reliance.provision, "provision_cap": _capital(reliance.provision), "kind": reliance.kind,
        "questions": questions, "information": information, "authority": authority,
        "act_of": "confirming or denying whether it holds" if reliance.ncnd else "disclosing",
    }
    reasons = _paragraphs(render("letter/exemption_reasons.md", **{**values, "summary": _lower_first(card.summary)}))
    wording = card.ncnd_wording if reliance.ncnd else card.model_wording
    if reliance.ncnd and card.ncnd is None:
        reasons += _paragraphs(render("letter/ncnd_missing.md", **values))
    elif wording:
        reasons += _paragraphs(_fill_card(wording, authority, information))
    if reliance.ncnd and card.ncnd is not None:
        reasons += _paragraphs(render(f"letter/ncnd_{case.regime.value}.md",
                                      **{**values, "ncnd_provision": _provision(card.ncnd)}))
    reasons += _procedural_paragraphs(case, reliance, values, central_government)
    if card.kind != "procedural":
        if card.test == "class":
            reasons += _paragraphs(render("letter/class_based.md", **values))
        if card.absolute:
            reasons += _paragraphs(render("letter/absolute.md", **values))
    if notes and card.engagement:
        reasons += _paragraphs(render("letter/caseworker_note.md", note=card.engagement))
    sections = [LetterSection(_reasons_heading(reliance), tuple(reasons), level=2)]
    if card.test == "prejudice":
        sections.append(LetterSection(_harm_heading(reliance), tuple(_paragraphs(render(
            f"letter/harm_test_{case.regime.value}.md", **values))), level=3))
    elif card.test == "necessity":
        stance = (f"neither confirming nor denying whether it holds {information}" if reliance.ncnd
                  else f"withholding {information}")
        sections.append(LetterSection(_necessity_heading(reliance), tuple(_paragraphs(render(
            "letter/necessity_test.md", **values, stance=stance))), level=3))
    if _needs_public_interest(reliance):
        sections.append(_public_interest_section(case, reliance, values))
    return sections


def _procedural_paragraphs(
    case: Case, reliance: _Reliance, values: dict[str, object], central_government: bool
) -> list[str]:
    """The cost limit for s12 (and cost-based reg 12(4)(b)), and the grounds for s14."""
    if reliance.key == "s12" or (reliance.key == "reg 12(4)(b)" and Disposition.S12_COST in reliance.dispositions):
        if case.regime is Regime.FOIA:
            limit, hours = ("£600", 24) if central_government else ("£450", 18)
            return _paragraphs(render("letter/cost_limit_foia.md", **values, limit=limit, hours=hours))
        return _paragraphs(render(f"letter/cost_limit_{case.regime.value}.md", **values))
    if reliance.key == "s14" and reliance.card is not None:
        repeated = reliance.card.section.endswith("(2)")
        return _paragraphs(render("letter/repeated.md" if repeated else "letter/vexatious.md", **values))
    return []


def _public_interest_section(case: Case, reliance: _Reliance, values: dict[str, object]) -> LetterSection:
    assert reliance.card is not None  # only called for cards that need the test
    paragraphs = _paragraphs(render(
        "letter/public_interest.md", **values,
        factors_for=_bullets(reliance.card.factors_for_disclosure),
        factors_against=_bullets(reliance.card.factors_against_disclosure)))
    if case.regime is Regime.EIR:
        paragraphs += _paragraphs(render("letter/public_interest_eir.md"))
    paragraphs += _paragraphs(render("letter/public_interest_balance.md", **values))
    return LetterSection(_public_interest_heading(reliance), tuple(paragraphs), level=3)


def _disclosure_sections(case: Case) -> list[LetterSection]:
    sections = [LetterSection(_HEADING_DISCLOSURE, tuple(_paragraphs(render("letter/disclosure.md"))))]
    for question in case.questions:
        draft = _current(question)
        paragraphs = _paragraphs(draft.wording) if draft is not None else []
        if not paragraphs:
            paragraphs = _paragraphs(render("letter/disclosure_missing.md", number=question.number))
        sections.append(LetterSection(f"Question {question.number}", tuple(paragraphs), level=2))
    return sections


def _advice_section(case: Case, authority: str) -> LetterSection | None:
    cost_refused = [q.number for q in case.questions
                    if (d := _current(q)) is not None and d.disposition is Disposition.S12_COST]
    advised = [(q.number, d.advice.strip()) for q in case.questions
               if (d := _current(q)) is not None and d.advice.strip()]
    if not cost_refused and not advised:
        return None
    paragraphs = _paragraphs(render(
        "letter/advice.md", authority=authority, advice_provision=ADVICE_PROVISION[case.regime],
        act=ACTS[case.regime]))
    if cost_refused:
        paragraphs += _paragraphs(render("letter/advice_narrowing.md", questions=_questions_phrase(cost_refused)))
    with_advice = {number for number, _ in advised}
    for number in cost_refused:
        if number not in with_advice:
            paragraphs += _paragraphs(render("letter/advice_narrowing_missing.md", number=number))
    for number, advice in advised:
        paragraphs += _paragraphs(render("letter/advice_question.md", number=number, advice=advice))
    return LetterSection(_HEADING_ADVICE, tuple(paragraphs))


# Working out what the drafts rely on.

@dataclass
class _Group:
    card: ExemptionCard | None
    labels: list[str]
    questions: list[int]
    dispositions: list[Disposition]


def _reliances(case: Case, library: ExemptionLibrary) -> list[_Reliance]:
    """Each exemption the current drafts rely on, in order of first use, NCND apart from withholding."""
    groups: dict[tuple[str, bool], _Group] = {}
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
            _add(group.questions, question.number)
            _add(group.dispositions, draft.disposition)
    return [_Reliance(tuple(group.labels), group.card, ncnd, tuple(group.questions), tuple(group.dispositions))
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
    questions = _questions_phrase(reliance.questions)
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


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
