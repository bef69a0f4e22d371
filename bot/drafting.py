"""The precedent drafter: retrieval, disposition and exemptions, wording, and the checks.

For each question it retrieves similar past answers (dense similarity plus a lexical
term), votes on the disposition and the exemptions among the closest, composes wording
from the best precedent and the exemption cards through templates in `prompts/draft/`,
offers the next distinct precedents as alternatives, and flags what a caseworker must
know: no close precedent, stale or superseded precedents, and drafts that contradict
the authority's established stance (the consistency guard).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.models import Alternative, Draft, DraftWarning, Evidence, WarningKind
from bot.templates import render
from knowledge.citations import section_key
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, Regime
from knowledge.store import KnowledgeStore, SearchHit

CANDIDATES = 12
_VOTE_WINDOW = 0.12
_VOTE_TEMPERATURE = 0.04
_LEXICAL_WEIGHT = 0.15
_SIMILAR_FOR_STANCE = 0.7
_EXEMPTION_SHARE = 0.5
_STOPWORDS = frozenset((
    "a an and are as at be been by can could did do does for from had has have how i if in is it its me "
    "my of on or our please provide the their there this to was we were what when where which who will "
    "with would you your any all each number many much per since details information held "
).split())
_CONFIRMING = {Disposition.DISCLOSED, Disposition.PARTIALLY_DISCLOSED, Disposition.NOT_HELD,
               Disposition.EXEMPT_WITHHELD, Disposition.S21_ACCESSIBLE}

# Nearest equivalents when a precedent from one regime informs a draft under another. FOIA is
# the hub: FOISA and EIR labels go to FOIA first, then out to the target regime. None: the
# label has no counterpart there and is dropped (not-held notices, FOISA's s18 NCND power).
_FOIA_TO_EIR = {"s12": "reg 12(4)(b)", "s14": "reg 12(4)(b)", "s40": "reg 13", "s43": "reg 12(5)(e)",
                "s42": "reg 12(5)(b)", "s41": "reg 12(5)(f)", "s31": "reg 12(5)(b)", "s24": "reg 12(5)(a)",
                "s26": "reg 12(5)(a)", "s27": "reg 12(5)(a)", "s22": "reg 12(4)(d)", "s35": "reg 12(4)(e)",
                "s36": "reg 12(4)(e)", "s38": "reg 12(5)(a)", "s30": "reg 12(5)(b)"}
_FOIA_TO_FOISA = {"s12": "s12", "s14": "s14", "s21": "s25", "s22": "s27", "s24": "s31", "s26": "s31",
                  "s30": "s34", "s31": "s35", "s36": "s30", "s38": "s39", "s40": "s38", "s41": "s36",
                  "s42": "s36", "s43": "s33"}
_FOISA_TO_FOIA: dict[str, str | None] = {
    "s12": "s12", "s14": "s14", "s17": None, "s18": None, "s25": "s21", "s27": "s22", "s30": "s36",
    "s31": "s24", "s33": "s43", "s34": "s30", "s35": "s31", "s38": "s40", "s39": "s38",
}
_EIR_TO_FOIA: dict[str, str | None] = {
    "reg 12(4)(a)": None, "reg 12(4)(b)": "s12", "reg 12(4)(d)": "s22", "reg 12(4)(e)": "s35",
    "reg 12(5)(a)": "s24", "reg 12(5)(b)": "s42", "reg 12(5)(e)": "s43", "reg 12(5)(f)": "s41", "reg 13": "s40",
}


@dataclass(frozen=True)
class Candidate:
    """A retrieved precedent with its combined score."""

    hit: SearchHit
    score: float

    @property
    def disposition(self) -> Disposition:
        """The precedent's disposition (unknown labels read as other)."""
        try:
            return Disposition(self.hit.disposition)
        except ValueError:
            return Disposition.OTHER


@dataclass(frozen=True)
class DraftingPolicy:
    """The knobs a team can set: how close is close, and how old is too old."""

    authority: str = ""
    min_similarity: float = 0.45
    max_age_years: float = 4.0
    today: date | None = None
    central_government: bool = False
    """The FOIA cost limit is £600 (24 hours) for central government, £450 (18 hours) otherwise."""


class Drafter:
    """Drafts answers to questions from the authority's precedents."""

    def __init__(self, store: KnowledgeStore, embed: Any, library: ExemptionLibrary, policy: DraftingPolicy) -> None:
        self.store = store
        self.embed = embed
        self.library = library
        self.policy = policy

    def retrieve(
        self, questions: Sequence[str], exclude_ids: frozenset[str] = frozenset(),
        exclude_source: str | None = None, vectors: NDArray[np.float32] | None = None,
    ) -> list[list[Candidate]]:
        """Candidates for each question: dense top-k re-ranked with a lexical term."""
        if vectors is None:
            vectors = self.embed.embed_array(list(questions))
        where = {"source": {"$ne": exclude_source}} if exclude_source else None
        results = []
        for question, vector in zip(questions, vectors, strict=True):
            hits = self.store.search(vector, k=CANDIDATES, exclude_ids=exclude_ids, where=where)
            query_terms = _terms(question)
            scored = [Candidate(hit, hit.score + _LEXICAL_WEIGHT * _overlap(query_terms, _terms(hit.question)))
                      for hit in hits]
            results.append(sorted(scored, key=lambda c: c.score, reverse=True))
        return results

    def draft(self, question: str, candidates: list[Candidate], regime: Regime) -> Draft:
        """The proposed disposition, exemptions and wording for one question."""
        if not candidates:
            return self._unprecedented(question, regime, None)
        best = candidates[0]
        if best.hit.score < self.policy.min_similarity:
            return self._unprecedented(question, regime, best)
        disposition, share = _vote(candidates)
        backing = [c for c in candidates if c.disposition is disposition]
        exemptions = self._exemptions(backing, disposition, regime)
        confidence = round(share * min(1.0, best.hit.score / 0.8), 2)
        evidence = tuple(self._evidence(c, candidates) for c in backing[:3])
        wording = self.compose(question, disposition, exemptions, regime, backing[0])
        warnings = [*self._age_warnings(evidence), *consistency_warnings(disposition, candidates)]
        return Draft(
            disposition=disposition, exemptions=tuple(exemptions), wording=wording, confidence=confidence,
            precedents=evidence, warnings=tuple(warnings),
            alternatives=tuple(self._alternatives(question, candidates, disposition, exemptions, regime)),
        )

    def compose(
        self, question: str, disposition: Disposition, exemptions: Sequence[str], regime: Regime,
        precedent: Candidate | None,
    ) -> str:
        """Wording for a disposition: the precedent's answer adapted, or the default template."""
        if precedent is not None and precedent.disposition is disposition and precedent.hit.answer.strip() \
                and Regime(precedent.hit.regime or regime.value) is regime:
            # A past answer is reused only under its own regime: its wording cites that regime's law.
            covered = {section_key(label) for label in map_exemptions(precedent.hit.exemptions,
                                                                        Regime(precedent.hit.regime or "foia"),
                                                                        regime)}
            missing = [label for label in exemptions if section_key(label) not in covered]
            extra = "\n\n" + self._card_wording(missing, question, regime) if missing else ""
            answer = _adapt(precedent.hit.answer, precedent.hit.authority, self.policy.authority)
            return render("draft/from_precedent.md", answer=answer, extra=extra).strip()
        return self._default_wording(question, disposition, exemptions, regime)

    def _default_wording(self, question: str, disposition: Disposition, exemptions: Sequence[str],
                         regime: Regime) -> str:
        authority = self.policy.authority or "The authority"
        section = exemptions[0] if exemptions else {"foisa": "s25"}.get(regime.value, "s21")
        values = {
            "authority": authority,
            "answer": "",
            "exemption_wording": self._card_wording(exemptions, question, regime),
            "ncnd_wording": self._ncnd_wording(exemptions, question, regime),
            "not_held_basis": {"eir": "This is an exception under regulation 12(4)(a).",
                               "foisa": "This is a notice under section 17 of the Act."}.get(regime.value, ""),
            "cost_limit": "£600" if regime is Regime.FOISA or self.policy.central_government else "£450",
            "cost_basis": "[Set out the estimate: the records to search and the time each takes.]",
            "cost_advice": "[Advise how the request could be narrowed to fall within the limit.]",
            "section": _describe(section),
        }
        return render(f"draft/{disposition.value}_default.md", **values).strip()

    def exemption_wording(self, exemptions: Sequence[str], question: str, regime: Regime) -> str:
        """The exemption cards' model wording for these exemptions, filled for this question."""
        return self._card_wording(exemptions, question, regime)

    def _card_wording(self, exemptions: Sequence[str], question: str, regime: Regime) -> str:
        paragraphs = []
        for label in exemptions:
            card = self.library.get(label, regime)
            if card is not None:
                paragraphs.append(_fill(card.model_wording, self.policy.authority, _information(question)))
        return "\n\n".join(paragraphs) or "[Explain which exemption applies and why.]"

    def _ncnd_wording(self, exemptions: Sequence[str], question: str, regime: Regime) -> str:
        paragraphs = []
        for label in exemptions:
            card = self.library.get(label, regime)
            if card is not None and card.ncnd_wording:
                paragraphs.append(_fill(card.ncnd_wording, self.policy.authority, _information(question)))
        return "\n\n".join(paragraphs) or "[Neither confirm nor deny, citing the NCND provision relied on.]"

    def _unprecedented(self, question: str, regime: Regime, nearest: Candidate | None) -> Draft:
        wording = render(
            "draft/no_precedent.md", authority=self.policy.authority or "the authority",
            nearest_disposition=nearest.hit.disposition if nearest else "none",
            nearest_reference=(nearest.hit.reference or "no reference") if nearest else "the store is empty",
        ).strip()
        best = f" (best similarity {nearest.hit.score:.2f})" if nearest else ""
        disposition = nearest.disposition if nearest else Disposition.OTHER
        return Draft(
            disposition=disposition, exemptions=(), wording=wording, confidence=0.0,
            precedents=(self._evidence(nearest, [nearest]),) if nearest else (),
            warnings=(DraftWarning(WarningKind.NO_PRECEDENT,
                                   f"no close precedent{best}: drafted as a placeholder, decide this one by hand"),),
            placeholder=True,
        )

    def _exemptions(self, backing: list[Candidate], disposition: Disposition, regime: Regime) -> list[str]:
        if disposition in (Disposition.DISCLOSED, Disposition.OTHER):
            return []
        if disposition is Disposition.NOT_HELD:
            return {"eir": ["reg 12(4)(a)"], "foisa": ["s17"]}.get(regime.value, [])
        top = backing[0].score
        weights: dict[str, float] = defaultdict(float)
        labels: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        total = 0.0
        for candidate in backing:
            if candidate.score < top - _VOTE_WINDOW:
                continue
            weight = math.exp((candidate.score - top) / _VOTE_TEMPERATURE)
            total += weight
            mapped = map_exemptions(candidate.hit.exemptions, Regime(candidate.hit.regime or "foia"), regime)
            for label in mapped:
                key = section_key(label)
                weights[key] += weight
                labels[key][label] += weight
        chosen = [key for key, weight in weights.items() if total and weight / total >= _EXEMPTION_SHARE]
        ordered = sorted(chosen, key=lambda key: -weights[key])
        return [max(labels[key].items(), key=lambda pair: pair[1])[0] for key in ordered]

    def _evidence(self, candidate: Candidate, candidates: Sequence[Candidate]) -> Evidence:
        hit = candidate.hit
        flags = []
        if _is_stale(hit.date, self.policy):
            flags.append("stale")
        if any(_supersedes(other.hit, hit) for other in candidates if other.hit.id != hit.id):
            flags.append("superseded")
        return Evidence(
            reference=hit.reference, date=hit.date, score=round(candidate.hit.score, 4), disposition=hit.disposition,
            exemptions=hit.exemptions, question=hit.question, answer=hit.answer, source=hit.source,
            precedent_id=hit.id, flags=tuple(flags),
        )

    def _age_warnings(self, evidence: Sequence[Evidence]) -> list[DraftWarning]:
        warnings = []
        if evidence and "stale" in evidence[0].flags:
            warnings.append(DraftWarning(WarningKind.STALE_PRECEDENT,
                                         f"rests on a precedent older than {self.policy.max_age_years:g} years "
                                         f"({evidence[0].reference or 'no reference'}, {evidence[0].date}): "
                                         "check it still holds"))
        if evidence and "superseded" in evidence[0].flags:
            warnings.append(DraftWarning(WarningKind.SUPERSEDED_PRECEDENT,
                                         f"the closest precedent ({evidence[0].reference or 'no reference'}) was "
                                         "superseded by a later answer to the same question"))
        return warnings

    def _alternatives(self, question: str, candidates: list[Candidate], disposition: Disposition,
                      exemptions: Sequence[str], regime: Regime) -> list[Alternative]:
        chosen_answer = next((c.hit.answer for c in candidates if c.disposition is disposition), "")
        seen_answers = {_fingerprint(chosen_answer)}
        out: list[Alternative] = []
        for candidate in candidates:
            if candidate.hit.score < self.policy.min_similarity or len(out) >= 3:
                break
            mapped = map_exemptions(candidate.hit.exemptions, Regime(candidate.hit.regime or "foia"), regime)
            fingerprint = _fingerprint(candidate.hit.answer)
            if fingerprint in seen_answers:
                continue  # the same words again are no alternative, whatever the labels say
            seen_answers.add(fingerprint)
            out.append(Alternative(
                disposition=candidate.disposition, exemptions=tuple(mapped),
                wording=self.compose(question, candidate.disposition, mapped, regime, candidate),
                evidence=self._evidence(candidate, candidates),
            ))
        return out


def consistency_warnings(disposition: Disposition, candidates: Sequence[Candidate]) -> list[DraftWarning]:
    """Warnings when a disposition contradicts the stance taken on similar questions before."""
    similar = [c for c in candidates if c.hit.score >= _SIMILAR_FOR_STANCE]
    warnings = []
    ncnd = [c for c in similar if c.disposition is Disposition.NCND]
    if ncnd and disposition in _CONFIRMING:
        references = ", ".join(sorted({c.hit.reference or c.hit.source for c in ncnd})[:4])
        warnings.append(DraftWarning(
            WarningKind.CONSISTENCY,
            f"consistency: this {_verb(disposition)} on a question the authority has neither confirmed nor "
            f"denied before ({references}); confirming now weakens that NCND everywhere",
        ))
    withheld = [c for c in similar if c.disposition is Disposition.EXEMPT_WITHHELD]
    if withheld and disposition is Disposition.DISCLOSED:
        references = ", ".join(sorted({c.hit.reference or c.hit.source for c in withheld})[:4])
        sections = ", ".join(sorted({e for c in withheld for e in c.hit.exemptions})[:4]) or "an exemption"
        warnings.append(DraftWarning(WarningKind.CONSISTENCY,
                                     f"consistency: this discloses what was withheld under {sections} before "
                                     f"({references})"))
    return warnings


def map_exemptions(labels: Sequence[str], source: Regime, target: Regime) -> list[str]:
    """Exemption labels carried from one regime's precedent to another regime's draft."""
    if source is target:
        return list(labels)
    out = []
    for label in labels:
        foia = _to_foia(label, source)
        if foia is None:
            continue
        if target is Regime.FOIA:
            out.append(foia)
        elif target is Regime.EIR:
            out.append(_FOIA_TO_EIR.get(section_key(foia), foia))
        else:
            out.append(_FOIA_TO_FOISA.get(section_key(foia), foia))
    return list(dict.fromkeys(out))


def _to_foia(label: str, source: Regime) -> str | None:
    """A label as its FOIA counterpart (None where there is none); FOIA labels keep their limb."""
    key = section_key(label)
    if source is Regime.FOIA:
        return label
    if source is Regime.FOISA:
        if key == "s36":  # s36(1) is confidentiality of legal advice; s36(2) breach of confidence
            return "s41" if label.startswith("s36(2)") else "s42"
        return _FOISA_TO_FOIA.get(key, label)
    return _EIR_TO_FOIA.get(key, label)


def _vote(candidates: Sequence[Candidate]) -> tuple[Disposition, float]:
    top = candidates[0].score
    tally: dict[Disposition, float] = defaultdict(float)
    for candidate in candidates:
        if candidate.score >= top - _VOTE_WINDOW:
            tally[candidate.disposition] += math.exp((candidate.score - top) / _VOTE_TEMPERATURE)
    winner = max(tally.items(), key=lambda pair: pair[1])
    return winner[0], winner[1] / sum(tally.values())


def _terms(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9'-]{2,}", text.lower()) if w not in _STOPWORDS}


def _overlap(query: set[str], other: set[str]) -> float:
    if not query or not other:
        return 0.0
    return len(query & other) / math.sqrt(len(query) * len(other))


def _fingerprint(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower())[:25])


def _is_stale(when: str, policy: DraftingPolicy) -> bool:
    try:
        then = date.fromisoformat(when)
    except ValueError:
        return False
    today = policy.today or date.today()
    return (today - then).days > policy.max_age_years * 365.25


def _supersedes(newer: SearchHit, older: SearchHit) -> bool:
    """A later answer to essentially the same question replaces an earlier one."""
    if not newer.date or not older.date or newer.date <= older.date:
        return False
    a, b = _terms(newer.question), _terms(older.question)
    return bool(a and b) and len(a & b) / len(a | b) >= 0.7


def _adapt(answer: str, their_authority: str, our_authority: str) -> str:
    """A past answer made ready to reuse: our name, and past figures marked for checking."""
    text = answer.strip()
    if their_authority and our_authority and their_authority != our_authority:
        text = text.replace(their_authority, our_authority)
    # The letter gives its own refusal notice and question numbers: the past letter's go.
    sentences = re.split(r"(?<=[.!?])\s+", text)
    text = " ".join(s for s in sentences if not _LETTER_BOUND.search(s)).strip() or text
    text = re.sub(r"^(?:as (?:explained|set out|stated) above|as above),?\s*", "", text, flags=re.IGNORECASE)
    text = text[:1].upper() + text[1:]
    # Figures from a past answer (counts, costs, estimates) are not this request's: mark them.
    text = re.sub(r"£\s?\d[\d,]*(?:\.\d+)?", "£[figure]", text)
    return _FIGURE.sub(_mark_figure, text)


_LETTER_BOUND = re.compile(
    r"refusal notice|in respect of questions? \d|(?:see|as in) (?:our )?(?:answer|response) to question \d",
    re.IGNORECASE,
)


_FIGURE = re.compile(r"(?<![\w(/£-])\d[\d,]*(?:\.\d+)?(?![\w)/-])")
_MONTH_AFTER = re.compile(r"^\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


def _mark_figure(match: re.Match[str]) -> str:
    """A past figure becomes [figure]; years, dates and section numbers stay as they are."""
    number = match.group(0)
    before = match.string[max(0, match.start() - 12) : match.start()]
    after = match.string[match.end() : match.end() + 12]
    if re.fullmatch(r"(?:19|20)\d\d", number) or after.startswith("(") or _MONTH_AFTER.match(after):
        return number
    if re.search(r"\b(?:section|sections|regulation|reg|s|part|paragraph|question|q)\.?\s?$", before, re.IGNORECASE):
        return number
    return "[figure]"


def _information(question: str) -> str:
    text = " ".join(question.split()).rstrip("?.")
    text = re.sub(r"^(?:please (?:provide|send|tell me|supply)|could you (?:tell me|provide)|can you tell me|"
                  r"i would like(?: to know)?)\s+", "", text, flags=re.IGNORECASE)
    return f"the information requested ({text[:120]}{'...' if len(text) > 120 else ''})"


def _fill(wording: str, authority: str, information: str) -> str:
    return wording.replace("{authority}", authority or "the authority").replace("{information}", information)


def _describe(label: str) -> str:
    return f"regulation {label[4:]}" if label.startswith("reg") else f"section {label[1:]}"


def _verb(disposition: Disposition) -> str:
    return {Disposition.NOT_HELD: "denies holding information",
            Disposition.EXEMPT_WITHHELD: "confirms information is held"}.get(disposition, "confirms information")
