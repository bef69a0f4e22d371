"""The precedent drafter: retrieval, disposition and exemptions, wording, and the checks.

For each question it retrieves similar past answers (dense similarity plus a lexical
term), votes on the disposition and the exemptions among the closest, composes wording
from the best precedent and the exemption cards through templates in `prompts/draft/`,
offers the next distinct precedents as alternatives, and flags what a caseworker must
know: no close precedent, stale or superseded precedents, and drafts that contradict
the authority's established stance (the consistency guard).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.facts import foreign_facts, without_foreign_facts
from bot.models import (
    Alternative,
    AuthorityKind,
    Cue,
    Draft,
    DraftWarning,
    Evidence,
    Option,
    WarningKind,
    authority_kind,
)
from bot.subject_access import others_limbs
from bot.templates import render
from knowledge.citations import find_citations, section_key
from knowledge.exemptions import ExemptionLibrary
from knowledge.models import Disposition, Regime
from knowledge.reading.questions import asks
from knowledge.reading.text import sentences_of
from knowledge.store import KnowledgeStore, Reasoning, SearchHit, StoreError

CANDIDATES = 12
_VOTE_WINDOW = 0.12
_VOTE_TEMPERATURE = 0.04
_LEXICAL_WEIGHT = 0.15
_SIMILAR_FOR_STANCE = 0.7
_EXEMPTION_SHARE = 0.5
# A section is cited beside the strongest when at least half as well backed, so a section the
# question's subject or a cue engages (weighted _CUE_SECTION_WEIGHT of the strongest) is cited too.
_WITHHELD_SHARE = 0.5
_KIN_WEIGHT = 0.5  # a close precedent that withheld under another outcome (partly vs wholly), for its sections
_CUE_SECTION_WEIGHT = 0.5  # a cue's section, relative to the strongest precedent's vote
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
# Where one section of a regime holds limbs that are different sections of another, the limb
# decides: FOISA s33(1)(a) is trade secrets (FOIA s43(1)), s33(1)(b) commercial interests (s43(2)).
_FOISA_LIMB_TO_FOIA = {"s33(1)(a)": "s43(1)", "s33(1)(b)": "s43(2)", "s38(1)(a)": "s40(1)",
                       "s38(1)(b)": "s40(2)", "s30(b)(i)": "s36(2)(b)(i)", "s30(b)(ii)": "s36(2)(b)(ii)",
                       "s30(c)": "s36(2)(c)"}
_FOIA_LIMB_TO_FOISA = {"s43(1)": "s33(1)(a)", "s43(2)": "s33(1)(b)", "s40(1)": "s38(1)(a)", "s40(2)": "s38(1)(b)",
                       "s36(2)(b)(i)": "s30(b)(i)", "s36(2)(b)(ii)": "s30(b)(ii)", "s36(2)(c)": "s30(c)"}
_EIR_TO_FOIA: dict[str, str | None] = {
    "reg 12(4)(a)": None, "reg 12(4)(b)": "s12", "reg 12(4)(d)": "s22", "reg 12(4)(e)": "s35",
    "reg 12(5)(a)": "s24", "reg 12(5)(b)": "s42", "reg 12(5)(e)": "s43", "reg 12(5)(f)": "s41", "reg 13": "s40",
}
# Reg 12(3) brings personal data under reg 13; reg 12(1) and 12(2) are the public interest test and the
# presumption in favour of disclosure, no exemption in themselves.
_EIR_LIMB_TO_FOIA: dict[str, str | None] = {"reg 12(3)": "s40(2)", "reg 12(1)": None, "reg 12(1)(b)": None,
                                            "reg 12(2)": None}


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
class OutcomeModel:
    """How precedents, cues and the authority's own base rates become probabilities.

    The probability of each outcome is a Dirichlet-style average: the authority's base rate for
    it (weight `prior_strength`), plus each retrieved precedent's vote weighted by how close it is
    (`evidence_scale` times ((similarity - floor) / (1 - floor)) squared, relative to the closest
    with `temperature`), plus `cue_weight` for an outcome a cue in the question points to; then
    sharpened or flattened by `sharpen`. The numbers were fitted out of fold, by document, on
    real published threads (bench/fit_outcome_model.py), and are checked on threads never used.
    """

    prior_strength: float = 2.0
    evidence_scale: float = 8.0
    temperature: float = 0.04
    floor: float = 0.5
    cue_weight: float = 0.25
    cost_risk_discount: float = 0.15
    """A plain disclosure's weight is multiplied by this where the question carries a cost cue: on 703 real
    questions (out of fold, by document), questions with a cost cue were right at top 1 for 0.33 with it and
    0.10 without, and calibration error went from 0.039 to 0.032."""
    personal_data_discount: float = 1.0
    """The same for a question asking for named or identifiable people. Fitted like `cost_risk_discount` on 365
    real questions (out of fold, by document): a discount took questions with this cue from 0.50 right at top 1
    to 0.31 (many ask for senior staff or published rolls and are answered), so it stays 1.0, no discount."""
    commercial_discount: float = 1.0
    """The same for prices, rates, margins, bids and contract terms: only 4 of those 365 questions carry the
    cue, too few to fit, so no discount until an authority's own history shows one."""
    foreign_weight: float = 0.5
    """Not fitted: the real threads the model was fitted on are one council's own history."""
    backed_cue_weight: float = 1.0
    """For a cue that the authority's own similar precedents bear out (it withheld names, refused on cost,
    pointed to a publication before), added to that outcome; see the figures in the README."""
    stance_weight: float = 4.0
    """For NCND kept where the authority's own precedents on a covert or security subject took it; a rule
    of consistency, not a fitted number (none of the real threads is a police force's)."""
    one_person_discount: float = 0.2
    one_person_weight: float = 1.0
    """For a question about one identifiable person (the name of the officer who issued a ticket, the records about
    a named resident): a plain disclosure's weight is multiplied by the discount and withholding gains the weight.
    A rule of law, not a fitted number: what is asked is that person's own data (s40(2)); none of the labelled real
    questions asks about one person, so there is nothing to fit it on."""
    sharpen: float = 1.5
    propose_at: float = 0.7
    """A single disposition is proposed only at or above this probability, and only with a basis: on 386
    real questions drafted against their council's own history, proposals at 0.5 were right 83% of the
    time, at 0.7 87% (on 8% of questions), at 0.8 92% (on 3%)."""
    near_identical: float = 0.85
    """A past question at least this similar counts as the same question asked again."""
    agree_similarity: float = 0.7
    agree_count: int = 3
    """A proposal needs this many close precedents (at `agree_similarity` or more) that all agree: one
    near-identical past question alone was right about 72% of the time on real threads, three agreeing
    ones about 84%."""


@dataclass(frozen=True)
class DraftingPolicy:
    """The knobs a team can set: how close is close, and how old is too old."""

    authority: str = ""
    min_similarity: float = 0.45
    max_age_years: float = 4.0
    today: date | None = None
    central_government: bool = False
    """The FOIA cost limit is £600 (24 hours) for central government, £450 (18 hours) otherwise."""
    model: OutcomeModel = OutcomeModel()


class Drafter:
    """Drafts answers to questions from the authority's precedents."""

    def __init__(self, store: KnowledgeStore, embed: Any, library: ExemptionLibrary, policy: DraftingPolicy,
                 base_rates: dict[Disposition, float] | None = None) -> None:
        self.store = store
        self.embed = embed
        self.library = library
        self.policy = policy
        self._base_rates = base_rates
        self._section_rates: dict[Disposition, dict[str, float]] | None = None
        self._cites_s21: bool | None = None
        self._counted: dict[str, Any] | None = None

    @property
    def _counts(self) -> dict[str, Any]:
        """The store's counts, read once (an empty dict where the store cannot count)."""
        if self._counted is None:
            self._counted = {}
            with contextlib.suppress(AttributeError, StoreError):
                self._counted = dict(self.store.counts())
        return self._counted

    @property
    def base_rates(self) -> dict[Disposition, float]:
        """How often the authority's readable precedents have each outcome (a sensible default when empty)."""
        if self._base_rates is None:
            counted = self._counts
            self._base_rates = base_rates_from(
                dict(counted.get("by_disposition_in_text") or counted.get("by_disposition") or {}))
        return self._base_rates

    @property
    def section_rates(self) -> dict[Disposition, dict[str, float]]:
        """For each withholding outcome, how often the authority's precedents with it cite each section."""
        if self._section_rates is None:
            found: dict[str, dict[str, int]] = dict(self._counts.get("exemptions_by_disposition_in_text") or {})
            rates: dict[Disposition, dict[str, float]] = {}
            for outcome, counts in found.items():
                if outcome in Disposition.__members__.values():
                    keyed: dict[str, float] = defaultdict(float)
                    for label, count in counts.items():
                        keyed[label] += count
                    total = sum(keyed.values())
                    rates[Disposition(outcome)] = {label: n / total for label, n in keyed.items()} if total else {}
            self._section_rates = rates
        return self._section_rates

    @property
    def cites_s21(self) -> bool:
        """Whether the authority's answers pointing to published information usually cite s21 (FOISA s25, EIR
        reg 6(1)(b)); with too few of them to tell, they are taken to."""
        if self._cites_s21 is None:
            counted = self._counts
            pointed = int((counted.get("by_disposition_in_text") or {}).get(Disposition.S21_ACCESSIBLE.value, 0))
            cited = sum(count for label, count in ((counted.get("exemptions_by_disposition_in_text") or {}).get(
                Disposition.S21_ACCESSIBLE.value) or {}).items() if section_key(label) in _PUBLISHED_SECTIONS)
            self._cites_s21 = pointed < _HABIT_MINIMUM or cited / pointed >= 0.5
        return self._cites_s21

    def retrieve_reasoning(self, vector: NDArray[np.float32], sections: Sequence[str],
                           exclude_source: str | None = None) -> dict[str, list[Reasoning]]:
        """Harm-test, public-interest and NCND paragraphs nearest the question, by section key (`s31`):
        for the sections asked for and any other found near it, the authority's own and others'."""
        where = {"source_file": {"$ne": exclude_source}} if exclude_source else None
        found: dict[str, list[Reasoning]] = {}
        search = getattr(self.store, "search_reasoning_for", None)
        if search is None or not sections:
            return found
        for section, items in search(vector, list(dict.fromkeys(sections)), k=6, where=where).items():
            paragraphs: list[Reasoning] = []
            seen: set[str] = set()
            for item in items:
                key = _fingerprint(item.text)
                if key not in seen:
                    seen.add(key)
                    paragraphs.append(item)
            found[section] = paragraphs
        return found

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

    def draft(self, question: str, candidates: list[Candidate], regime: Regime, cues: Sequence[Cue] = (),
              reasoning: dict[str, list[Reasoning]] | None = None) -> Draft:
        """The ranked outcomes for one question, each with its wording, and whether foibot proposes one."""
        usable = [c for c in candidates if c.hit.answer_in_text]
        close = [c for c in usable if c.hit.score >= self.policy.min_similarity]
        probabilities = self.outcomes(usable, cues, regime)
        ranked = sorted(probabilities.items(), key=lambda pair: -pair[1])
        offered = ranked[:3]
        # An outcome a cue points to is always offered ("all emails over five years": the cost limit),
        # after the three likeliest, however unlikely the precedents make it.
        pointed = dict.fromkeys(d for cue in cues for d in cue_outcomes(cue))
        offered += [pair for pair in ranked[3:] if pair[0] in pointed][:2]
        options = [self._option(question, disposition, probability, usable, cues, regime, reasoning)
                   for disposition, probability in offered]
        if not close:
            return self._unprecedented(question, regime, usable[0] if usable else None, tuple(options), tuple(cues))
        top = options[0]
        basis = self._basis(top.disposition, close, cues)
        proposed = top.probability >= self.policy.model.propose_at and bool(basis)
        backing = [c for c in close if c.disposition is top.disposition] or close
        evidence = _distinct_evidence(self._evidence(c, candidates) for c in backing[:5])
        warnings = [*self._age_warnings(evidence), *consistency_warnings(top.disposition, candidates),
                    *(DraftWarning(WarningKind.CUE, cue.reason) for cue in cues)]
        if not proposed:
            ranked_options = ", ".join(f"{o.disposition.label} {o.probability:.0%}" for o in options)
            warnings.insert(0, DraftWarning(WarningKind.CASEWORKERS_CALL,
                                            f"the outcome is the caseworker's call: {ranked_options}"))
        return Draft(
            disposition=top.disposition, exemptions=top.exemptions, wording=top.wording,
            confidence=round(top.probability, 2), precedents=evidence[:3], warnings=tuple(warnings),
            alternatives=tuple(Alternative(o.disposition, o.exemptions, o.wording,
                                           o.evidence[0] if o.evidence else None) for o in options[1:]),
            proposed=proposed, options=tuple(options), cues=tuple(cues), basis=basis if proposed else "",
        )

    def outcomes(self, candidates: Sequence[Candidate], cues: Sequence[Cue] = (),
                 regime: Regime | None = None) -> dict[Disposition, float]:
        """The probability of each outcome for a question, from its precedents, cues and the base rates.

        Another authority's answer says what the question tends to get, less what this authority does:
        its vote counts `foreign_weight` of the authority's own.
        """
        model = self.policy.model
        weights = {d: model.prior_strength * rate for d, rate in self.base_rates.items()}
        votes = [c for c in candidates if c.hit.answer_in_text and c.hit.score >= model.floor]
        if votes:
            top = max(c.score for c in votes)
            for candidate in votes:
                closeness = ((candidate.hit.score - model.floor) / (1 - model.floor)) ** 2
                weight = model.evidence_scale * closeness * math.exp((candidate.score - top) / model.temperature)
                if not self.is_own(candidate.hit.authority, candidate.hit.regime, regime):
                    weight *= model.foreign_weight
                weights[candidate.disposition] = weights.get(candidate.disposition, 0.0) + weight
        discounts = {"cost_risk": model.cost_risk_discount, "personal_data": model.personal_data_discount,
                     "commercial": model.commercial_discount}
        for kind in dict.fromkeys(cue.kind.value for cue in cues if cue.kind.value in discounts):
            # "All emails since 2018 across every department", "the names of the pilots", "the unit prices":
            # such asks are seldom simply answered in full (only a disclosure's own answer is discounted).
            if Disposition.DISCLOSED in weights:
                weights[Disposition.DISCLOSED] *= discounts[kind]
        if any(cue.kind.value == "personal_data" and Disposition.EXEMPT_WITHHELD in cue.outcomes for cue in cues):
            # "The name of the officer who gave me my ticket": that person's data, withheld as a whole.
            if Disposition.DISCLOSED in weights:
                weights[Disposition.DISCLOSED] *= model.one_person_discount
            weights[Disposition.EXEMPT_WITHHELD] = weights.get(Disposition.EXEMPT_WITHHELD, 0.0) + \
                model.one_person_weight
        for cue in cues:
            for disposition in cue_outcomes(cue):
                weights[disposition] = weights.get(disposition, 0.0) + model.cue_weight
            if cue.kind.value == "repeat":
                for candidate in votes:
                    if candidate.hit.reference in cue.references:
                        weights[candidate.disposition] = weights.get(candidate.disposition, 0.0) + model.cue_weight
            if cue.kind.value in _BACKED_CUES and cue.references:
                # "names of staff", and the authority withheld names on a similar question before: what it
                # decided then (often part released, names redacted) gains, once for each outcome.
                for decided in {c.disposition for c in votes if c.hit.reference in cue.references}:
                    weights[decided] = weights.get(decided, 0.0) + model.backed_cue_weight
            if cue.kind.value == "security_sensitive" and any(
                    c.disposition is Disposition.NCND and c.hit.reference in cue.references
                    and self.is_own(c.hit.authority, c.hit.regime, regime) for c in candidates):
                # The authority neither confirmed nor denied on this subject before: an answer that now
                # confirms or denies undoes that stance, so keeping it leads unless a caseworker decides.
                weights[Disposition.NCND] = weights.get(Disposition.NCND, 0.0) + model.stance_weight
        sharpened = {d: max(w, 1e-9) ** (1.0 / model.sharpen) for d, w in weights.items()}
        total = sum(sharpened.values())
        return {d: w / total for d, w in sharpened.items()}

    def _basis(self, disposition: Disposition, close: Sequence[Candidate], cues: Sequence[Cue]) -> str:
        """What carries a proposal: the same question asked before, a round robin, or a cue."""
        model = self.policy.model
        agreeing = [c for c in close if c.hit.score >= model.agree_similarity][: model.agree_count]
        if len(agreeing) == model.agree_count and all(c.disposition is disposition for c in agreeing):
            references = ", ".join(dict.fromkeys(c.hit.reference or "no reference" for c in agreeing))
            return (f"the {model.agree_count} closest past questions ({references}; similarity "
                    f"{agreeing[-1].hit.score:.2f} or more) were all answered {disposition.label.lower()}")
        for cue in cues:
            if disposition in cue_outcomes(cue) or (
                    cue.kind.value == "repeat"
                    and any(c.hit.reference in cue.references and c.disposition is disposition for c in close)):
                return f"the question itself: {cue.reason}"
        return ""

    def _option(self, question: str, disposition: Disposition, probability: float, candidates: Sequence[Candidate],
                cues: Sequence[Cue], regime: Regime, reasoning: dict[str, list[Reasoning]] | None) -> Option:
        backing = [c for c in candidates if c.disposition is disposition and c.hit.score >= self.policy.min_similarity]
        if disposition in _WITHHOLDING:
            exemptions = self._withholding_exemptions(question, disposition, candidates, cues, regime)
        else:
            exemptions = self._exemptions(backing, disposition, regime) if backing else self._cue_exemptions(
                disposition, cues, regime)
        exemptions = _limbs_for(others_limbs(exemptions, question), disposition, regime)
        if disposition is Disposition.S21_ACCESSIBLE and not self.cites_s21 and not any(
                section_key(label) in _PUBLISHED_SECTIONS for c in backing for label in c.hit.exemptions):
            # The authority points to what it publishes without citing s21: its answer does the same.
            exemptions = [label for label in exemptions if section_key(label) not in _PUBLISHED_SECTIONS]
        wording = self.compose(question, disposition, exemptions, regime, backing[0] if backing else None,
                               reasoning=reasoning)
        evidence = _distinct_evidence(self._evidence(c, candidates) for c in backing[:3])
        return Option(disposition, round(probability, 3), tuple(exemptions), wording, evidence)

    def _withholding_exemptions(self, question: str, disposition: Disposition, candidates: Sequence[Candidate],
                                cues: Sequence[Cue], regime: Regime) -> list[str]:
        """The sections for withholding this question's information, weighed from five kinds of evidence.

        Precedents with this outcome count most; other close precedents that withheld something
        count for what they cited; a cue's sections (named staff: s40(2)) and the sections the
        question's subject usually engages (the library's: contract prices, s43(2)) count; and
        where nothing else speaks, the authority's own habit for this outcome is offered.
        """
        weights: dict[str, float] = defaultdict(float)
        labels: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        close = [c for c in candidates if c.hit.score >= self.policy.min_similarity and c.hit.exemptions]
        own = [c for c in close if self.is_own(c.hit.authority, c.hit.regime, regime)]
        if not own and max((c.hit.score for c in close), default=0.0) < _FOREIGN_EXEMPTION_SIMILARITY:
            # Only another authority's answer to a loosely similar question: its sections (a report due to be
            # published, an investigation) are its own facts, so the cues and the authority's habit speak instead.
            close = []
        top = max((c.score for c in close), default=0.0)
        for candidate in close:
            if candidate.score < top - _VOTE_WINDOW:
                continue
            kin = 1.0 if candidate.disposition is disposition else (
                _KIN_WEIGHT if candidate.disposition in _WITHHOLDING else 0.0)
            if candidate not in own:
                kin *= self.policy.model.foreign_weight
            weight = kin * math.exp((candidate.score - top) / _VOTE_TEMPERATURE)
            for label in map_exemptions(candidate.hit.exemptions, Regime(candidate.hit.regime or "foia"), regime):
                if section_key(label) in _PROCEDURAL_SECTIONS:
                    continue
                weights[section_key(label)] += weight
                labels[section_key(label)][label] += weight
        # A cue's sections are already the case regime's ("s38(1)(b)" under FOISA is personal data, not safety).
        cue_sections = [s for cue in cues if disposition in cue_outcomes(cue) for s in cue.sections]
        strongest = max(weights.values(), default=0.0) or 1.0
        hinted = list(dict.fromkeys(cue_sections))
        hinted += [label for label, _ in self.library.engaged_by(question, regime)]
        for label in dict.fromkeys(hinted):
            if disposition is Disposition.NCND and not self._has_ncnd(label, regime):
                continue
            weights[section_key(label)] += _CUE_SECTION_WEIGHT * strongest
            labels[section_key(label)][label] += 1e-6
        # Against the strongest precedent-backed section, before hints: a hinted section stays a hint's worth.
        chosen = sorted((key for key, weight in weights.items() if weight / strongest >= _WITHHELD_SHARE),
                        key=lambda key: -weights[key])
        if not chosen and weights:
            chosen = [max(weights, key=lambda key: weights[key])]
        if chosen:
            return [max(labels[key].items(), key=lambda pair: pair[1])[0] for key in chosen]
        if disposition is Disposition.PARTIALLY_DISCLOSED and _COUNT_ASKED.search(question) and not cues:
            return []  # a count or a sum given in part: the rest is usually not held, not withheld
        habit = {label: rate for label, rate in self.section_rates.get(disposition, {}).items()
                 if section_key(label) not in _PROCEDURAL_SECTIONS}
        if not habit:
            return []
        label = max(habit, key=lambda key: habit[key])
        return map_exemptions([label], _regime_of([label]), regime)

    def _has_ncnd(self, label: str, regime: Regime) -> bool:
        card = self.library.get(label, regime)
        return card is not None and bool(card.ncnd)

    def _cue_exemptions(self, disposition: Disposition, cues: Sequence[Cue], regime: Regime) -> list[str]:
        """Exemptions for an outcome no precedent backs: its own section, and those its cues name.

        Not held cites nothing here: the EIR's reg 12(4)(a) and FOISA's s17 notice are listed where
        the authority's own not-held answers list them, and the letter states them either way.
        """
        if disposition is Disposition.NOT_HELD:
            return []
        named = [s for cue in cues if disposition in cue_outcomes(cue) for s in cue.sections
                 if section_key(s) != _ADVICE_SECTIONS[regime]]
        return _with_own_section(list(dict.fromkeys(named)), disposition, regime)

    def compose(
        self, question: str, disposition: Disposition, exemptions: Sequence[str], regime: Regime,
        precedent: Candidate | None, reasoning: dict[str, list[Reasoning]] | None = None,
    ) -> str:
        """Wording for one outcome of this question.

        The authority's own answer to a near-identical question is reused, its figures marked for
        checking. Otherwise the wording restates what was asked and answers it in the outcome's form,
        with the authority's own reasoning for each exemption (or the library's); nothing another
        authority's letter says about the world (figures, dates, names) comes through.
        """
        own = precedent is not None and self.is_own(precedent.hit.authority, precedent.hit.regime, regime)
        if precedent is not None and own and precedent.disposition is disposition and precedent.hit.answer.strip() \
                and len(precedent.hit.answer.split()) <= _REUSE_MAX_WORDS \
                and precedent.hit.score >= self.policy.model.near_identical \
                and same_period(question, precedent.hit.question) \
                and Regime(precedent.hit.regime or regime.value) is regime:
            # A past answer is reused only under its own regime: its wording cites that regime's law.
            covered = {section_key(label) for label in map_exemptions(precedent.hit.exemptions,
                                                                        Regime(precedent.hit.regime or "foia"),
                                                                        regime)}
            missing = [label for label in exemptions if section_key(label) not in covered]
            # A past answer's dates, quoted names and business names are about its own case (another premises,
            # another visit): only those this question states stay; its figures are marked by _adapt, years kept.
            answer = _adapt(without_foreign_facts(precedent.hit.answer, self.trusted_text(question, exemptions, regime),
                                                  kinds=("date", "name"), names=names_a_case),
                            precedent.hit.authority, self.policy.authority)
            # The reasoning added for a section the past answer did not cite comes from other letters: their
            # facts (a rating, a date, a name in another case) stay out, as in any other wording.
            extra = "\n\n" + without_foreign_facts(
                self.reasoning_wording(missing, question, regime, reasoning),
                self.trusted_text(question, exemptions, regime, [precedent.hit.answer])) if missing else ""
            return render("draft/from_precedent.md", answer=answer, extra=extra).strip()
        wording = self._default_wording(question, disposition, exemptions, regime, reasoning)
        own_answers = [precedent.hit.answer] if precedent is not None and own else []
        return without_foreign_facts(wording, self.trusted_text(question, exemptions, regime, own_answers))

    def trusted_text(self, question: str, exemptions: Sequence[str], regime: Regime,
                     own_answers: Sequence[str] = ()) -> list[str]:
        """Where a draft's facts may come from: the question, the authority's own answers, the library, the law."""
        return [question, self.policy.authority, *own_answers, *self._library_text(exemptions, regime),
                *_STATUTORY_FACTS]

    def is_own(self, authority: str, their_regime: str = "", regime: Regime | None = None) -> bool:
        """Whether a precedent is the authority's own (see `is_own_precedent`)."""
        return is_own_precedent(self.policy.authority, authority, their_regime, regime)

    def _library_text(self, exemptions: Sequence[str], regime: Regime) -> list[str]:
        cards = [self.library.get(label, regime) for label in exemptions]
        return [f"{c.model_wording} {c.ncnd_wording or ''} {c.title}" for c in cards if c is not None]

    def _default_wording(self, question: str, disposition: Disposition, exemptions: Sequence[str],
                         regime: Regime, reasoning: dict[str, list[Reasoning]] | None = None) -> str:
        authority = self.policy.authority or "The authority"
        section = exemptions[0] if exemptions else {"foisa": "s25"}.get(regime.value, "s21")
        values = {
            "authority": authority,
            "answer": "",
            "restatement": restate_question(question),
            "exemption_wording": self.reasoning_wording(exemptions, question, regime, reasoning),
            "ncnd_wording": self._ncnd_wording(exemptions, question, regime),
            "not_held_basis": {"eir": "This is an exception under regulation 12(4)(a).",
                               "foisa": "This is a notice under section 17 of the Act."}.get(regime.value, ""),
            "cost_limit": "£600" if regime is Regime.FOISA or self.policy.central_government else "£450",
            "cost_basis": "[Set out the estimate: the records to search and the time each takes.]",
            "cost_advice": "[Advise how the request could be narrowed so that it is no longer manifestly "
                           "unreasonable (regulation 9).]" if regime is Regime.EIR else
                           "[Advise how the request could be narrowed to fall within the limit.]",
            "section": _describe(section),
        }
        name = f"{disposition.value}_default"
        if disposition is Disposition.S21_ACCESSIBLE and not any(section_key(label) in _PUBLISHED_SECTIONS
                                                                 for label in exemptions):
            name = "s21_accessible_pointer"  # where the authority points to its publication without citing s21
        elif disposition is Disposition.S12_COST and regime is Regime.EIR:
            name = "s12_cost_eir"  # manifestly unreasonable (reg 12(4)(b)): no fixed limit, a public interest test
        elif disposition is Disposition.PARTIALLY_DISCLOSED and not exemptions and _COUNT_ASKED.search(question):
            name = "partially_disclosed_not_held"  # part given, the rest not held: nothing is withheld
        return render(f"draft/{name}.md", **values).strip()

    def reasoning_wording(self, exemptions: Sequence[str], question: str, regime: Regime,
                           reasoning: dict[str, list[Reasoning]] | None) -> str:
        """For each exemption: the authority's own harm test and public interest paragraphs, else the card's."""
        paragraphs: list[str] = []
        for label in exemptions:
            # Withholding what is held is argued as such: a paragraph for neither confirming nor denying is not.
            own = [item.text for item in self.reasoning_for(label, question, regime, reasoning, cited=exemptions)
                   if item.kind in ("harm_test", "public_interest") and not _NCND_FRAMED.search(item.text)]
            paragraphs.extend(own or [self._card_wording([label], question, regime)])
        # One paragraph argued for two sections (s31 and s38 together) is said once.
        distinct = list(dict.fromkeys(part for p in paragraphs for part in p.split("\n\n") if part))
        return "\n\n".join(distinct) or "[Explain which exemption applies and why.]"

    def reasoning_for(self, label: str, question: str, regime: Regime, reasoning: dict[str, list[Reasoning]] | None,
                      own_only: bool = False, cited: Sequence[str] = ()) -> list[Reasoning]:
        """The reasoning retrieved for one section, one paragraph of each kind (harm test, public
        interest, NCND), the authority's own first (only its own with `own_only`), adapted: figures
        marked, and no other case's facts (another case's names, places and dates are not this one's,
        even the authority's own). `cited` are the other sections the draft relies on: reasoning
        argued for them together ("maintaining sections 31(1)(a) and 38(1)") may name them."""
        # A paragraph about another subject argues another case (a dismissals count under s40(2) for a
        # question about software suppliers): below this closeness the library's wording stands in.
        subject = _subject_terms(question)
        card = self.library.get(label, regime)
        weighed = card is None or card.qualified  # an absolute exemption has no public interest test to argue
        found = [r for r in (reasoning or {}).get(section_key(label)) or [] if r.score >= _REASONING_FLOOR
                 and not _NOT_APPLIED.search(r.text) and not _favours_release(r.text)
                 and (weighed or r.kind != "public_interest")
                 and not _OTHER_LAW[regime].search(r.text)
                 and (r.score >= _ON_SUBJECT_SCORE or subject & _subject_terms(r.text))
                 and not _argues_other_sections(r.text, [label, *cited], regime)]
        found = [replace(r, text=_LIST_MARK.sub("", r.text, count=1)) for r in found]
        own = [r for r in found if self.is_own(r.authority) and _other_kind(r, self.policy.authority) is None]
        best = max((r.score for r in found), default=0.0)
        # The authority's own argument first, unless it argues a plainly different case than another
        # authority's on-point one; another's is borrowed only when it is about the same kind of thing.
        close = [r for r in own if r.score >= best - _OWN_REASONING_MARGIN]
        borrowed = [r for r in found if r.score >= _FOREIGN_REASONING_FLOOR and r not in own]
        chosen = close or (own if own_only else borrowed or own)
        # The same limb first (an s31(3) NCND paragraph argues differently from an s31(1)(a) refusal).
        chosen = sorted(chosen, key=lambda item: item.section.lower() != label.lower())
        # One case's argument hangs together: its public interest test goes with its harm test.
        core = next((item for item in chosen if item.kind != "public_interest"), chosen[0] if chosen else None)
        if core is not None:
            chosen = sorted(chosen, key=lambda item: (item.section.lower() != label.lower(),
                                                      item.source_file != core.source_file))
        kinds: dict[str, Reasoning] = {}
        for item in chosen:
            kinds.setdefault(item.kind, item)
        allowed = self.trusted_text(question, [label, *cited], regime)  # sections argued together may be named
        adapted = [replace(item, text=_argued(item.text, allowed, _other_kind(item, self.policy.authority)))
                   for kind, item in sorted(kinds.items()) if kind in _REASONING_KINDS]
        return [item for item in adapted if item.text.strip()]

    def _card_wording(self, exemptions: Sequence[str], question: str, regime: Regime) -> str:
        paragraphs = []
        for label in exemptions:
            card = self.library.get(label, regime)
            if card is not None:
                paragraphs.append(_fill(card.model_wording, self.policy.authority, _INFORMATION))
        return "\n\n".join(paragraphs) or "[Explain which exemption applies and why.]"

    def _ncnd_wording(self, exemptions: Sequence[str], question: str, regime: Regime) -> str:
        """The NCND said once, then each provision's reasons: each card opens with the same statement."""
        paragraphs: list[str] = []
        opening = ""
        for label in exemptions:
            card = self.library.get(label, regime)
            if card is None or not card.ncnd_wording:
                continue
            paragraph = _fill(card.ncnd_wording, self.policy.authority, _INFORMATION)
            first = (sentences_of(paragraph) or [""])[0]
            if opening and first == opening and paragraph.startswith(first):
                paragraph = paragraph[len(first):].strip() or paragraph
            opening = opening or first
            paragraphs.append(paragraph)
        return "\n\n".join(paragraphs) or "[Neither confirm nor deny, citing the NCND provision relied on.]"

    def _unprecedented(self, question: str, regime: Regime, nearest: Candidate | None,
                       options: tuple[Option, ...] = (), cues: tuple[Cue, ...] = ()) -> Draft:
        """No close precedent: a placeholder that states no outcome, with the options a caseworker can pick."""
        wording = render(
            "draft/no_precedent.md", authority=self.policy.authority or "the authority",
            nearest_disposition=nearest.disposition.label.lower() if nearest else "none",
            nearest_reference=(nearest.hit.reference or "no reference") if nearest else "the store is empty",
        ).strip()
        best = f" (best similarity {nearest.hit.score:.2f})" if nearest else ""
        return Draft(
            disposition=Disposition.OTHER, exemptions=(), wording=wording, confidence=0.0,
            precedents=(self._evidence(nearest, [nearest]),) if nearest else (),
            warnings=(DraftWarning(WarningKind.NO_PRECEDENT,
                                   f"no close precedent{best}: drafted as a placeholder, decide this one by hand"),
                      *(DraftWarning(WarningKind.CUE, cue.reason) for cue in cues)),
            placeholder=True, proposed=False, options=options, cues=cues,
        )

    def _exemptions(self, backing: list[Candidate], disposition: Disposition, regime: Regime) -> list[str]:
        if disposition in (Disposition.DISCLOSED, Disposition.OTHER):
            return []
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
        if disposition is Disposition.NOT_HELD:
            chosen = [key for key in chosen if key == _NOT_HELD_NOTICES.get(regime)]
        ordered = sorted(chosen, key=lambda key: -weights[key])
        return _with_own_section([max(labels[key].items(), key=lambda pair: pair[1])[0] for key in ordered],
                                 disposition, regime)

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


_REUSE_MAX_WORDS = 250  # a longer past "answer" is usually several messages read as one: not reused whole
_REASONING_FLOOR = 0.3
_FOREIGN_REASONING_FLOOR = 0.5
# A paragraph explaining why a section does not apply argues for release, not for the exemption.
_NOT_APPLIED = re.compile(r"(?i)\b(?:does|do|did|would|will) not (?:apply|engage|be engaged)|(?:is|are) not "
                          r"(?:engaged|personal data)|cannot be relied on|not (?:been )?applied\b")
# A paragraph that concludes for release ("on balance it is in the public interest to disclose") argues against
# the withholding it would be cited for.
_FAVOURS_RELEASE = re.compile(
    r"(?i)\bbalance\b[^.]{0,80}\b(?:in favour of|favou?rs?) (?:the )?(?:disclos|releas)|"
    r"\bpublic interest (?:is best served by|lies in|favou?rs|is in favour of) (?:the )?(?:disclos|releas)|"
    r"(?<!not )\bin the public interest to (?:disclose|release)\b|\b(?:have|has) (?:therefore )?decided\b[^.]{0,60}"
    r"\bto (?:disclose|release)\b")
_OWN_REASONING_MARGIN = 0.15


def _favours_release(text: str) -> bool:
    """A sentence that concludes for release, with no "not" in it ("it would not be in the public interest to
    disclose" concludes the other way)."""
    return any(_FAVOURS_RELEASE.search(sentence) and not re.search(r"(?i)\bnot\b|n't\b|\bno\b", sentence)
               for sentence in re.split(r"(?<=[.!?])\s+|\n", text))
# Reasoning that names another regime's law argues under it ("section 30(c) of FOISA" in an English letter).
_OTHER_LAW = {
    Regime.FOIA: re.compile(r"(?i)\bFOISA\b|\(Scotland\) Act|Scottish Information Commissioner|"
                            r"Environmental Information Regulations|\bregulation 12\("),
    Regime.EIR: re.compile(r"(?i)\bFOISA\b|\(Scotland\)|Scottish Information Commissioner"),
    Regime.FOISA: re.compile(r"(?i)Freedom of Information Act 2000|\bFOIA\b|Environmental Information Regulations "
                             r"2004"),
}
# Below this closeness a paragraph of reasoning must share a subject word with the question: a list of
# certificate holders' addresses argues nothing about protest correspondence.
_ON_SUBJECT_SCORE = 0.5
_REASONING_VOCABULARY = frozenset((
    "act section exemption exempt disclosure disclose disclosed release released releasing withheld withhold "
    "public interest prejudice likely harm test factor favour favouring balance maintaining maintain "
    "would could may also not out under into onto than then that these those such other being been "
    "request requested requester applicant force council authority trust department organisation "
    "data personal principle protection gdpr recorded record document copy copie question answer response "
    "consider considered believe view reason reasons however therefore because given following part"
).split())


_KIND_WORDS = {
    # Words only one kind of authority uses of itself ("officers" and "trust" are everyone's words).
    AuthorityKind.POLICE: re.compile(r"(?i)\b(?:the force|forces|police|policing|constabulary)\b"),
    AuthorityKind.COUNCIL: re.compile(r"(?i)\b(?:council|councils|councillors?)\b"),
    AuthorityKind.NHS: re.compile(r"(?i)\b(?:hospital|hospitals|nhs|patients?|clinicians?)\b"),
}


def _other_kind(paragraph: Reasoning, ours: str) -> re.Pattern[str] | None:
    """The words of another kind of authority, when a paragraph comes from one (a council's for a force).

    An unnamed paragraph is placed by what it speaks of: "Many council teams are small" is a council's.
    """
    our_kind = authority_kind(authority=ours)
    their_kind: AuthorityKind | None = authority_kind(authority=paragraph.authority) if paragraph.authority else None
    if their_kind is None:
        counts = {kind: len(words.findall(paragraph.text)) for kind, words in _KIND_WORDS.items()}
        leading = max(counts, key=lambda kind: counts[kind])
        their_kind = leading if counts[leading] and counts[leading] > counts.get(our_kind, 0) else None
    if our_kind not in _KIND_WORDS or their_kind is None or their_kind is our_kind:
        return None
    return _KIND_WORDS.get(their_kind)


def _argued(text: str, allowed: Sequence[str], other_kind: re.Pattern[str] | None) -> str:
    """Stored reasoning made ready for this case, paragraph by paragraph (a public interest test has several)."""
    parts = (_general_argument(_adapt(part, "", ""), allowed, other_kind) for part in text.split("\n\n"))
    return "\n\n".join(part for part in parts if part)


def _general_argument(paragraph: str, allowed: Sequence[str], other_kind: re.Pattern[str] | None = None) -> str:
    """A reasoning paragraph without the sentences that state another case's facts.

    A harm test argues from principle and from the facts of its own case ("the attack remains under
    investigation", "the dismissals were spread across five directorates"): the argument carries
    over to this question, the facts do not, so a sentence holding any fact not known here goes.
    """
    # What that case did ("we have redacted ...") is simply left out; the argument stands if most of it remains
    # once another case's facts are taken out.
    parts = [sentence for sentence in sentences_of(paragraph) if not _CASE_NARRATIVE.search(sentence)]
    kept = [sentence for sentence in parts
            if not foreign_facts(sentence, list(allowed)) and not _CASE_CONTEXT.match(sentence)
            and not (other_kind is not None and other_kind.search(sentence))]
    return " ".join(kept) if kept and len(kept) * 2 >= len(parts) else ""


# What was done in that case ("We have redacted the names", "the emails have been released"): its facts, not
# an argument that carries over.
_CASE_NARRATIVE = re.compile(
    r"(?i)\b(?:we|i|the (?:council|force|trust|department|authority)|[A-Z]\w+ (?:council|police|constabulary)) "
    r"(?:have|has) (?:now |also )?(?:redacted|removed|released|disclosed|provided|attached|enclosed|withheld)\b|"
    r"\b(?:has|have) (?:now |also |not )?been (?:released|disclosed|provided|attached|redacted|enclosed|sent|"
    r"withheld)\b|"
    r"\b(?:is|are) (?:attached|enclosed)\b|"
    r"^(?:the|this|that|these|those) (?:\w+ ){0,3}(?:was|were|has been|have been) (?:investigated|prosecuted|fined|"
    r"upheld)\b|\b(?:legal )?proceedings (?:are|were|have been|has been) (?:in preparation|under ?way|issued|"
    r"commenced|brought|started)\b")
_CASE_CONTEXT = re.compile(r"(?i)^(?:for context|for (?:your )?information|as you (?:may )?know|in this case)\b")
_REASONING_KINDS = ("harm_test", "ncnd", "public_interest")
_NCND_FRAMED = re.compile(r"(?i)\bneither\s+confirm(?:ing)?\s+nor\s+deny(?:ing)?\b|\bconfirm(?:ing)?\s+or\s+"
                          r"deny(?:ing)?\b")
# "3. The job titles are withheld ...": a paragraph's own list number, not a figure of the argument.
_LIST_MARK = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-h]\))\s+(?=[A-Z])")
# Sections that say how a request is handled: named in any argument, they argue nothing themselves.
# Reg 12 without its (4) or (5) limb is the EIR's public interest test, presumption and personal-data link.
_HANDLING_SECTIONS = frozenset({"s1", "s2", "s10", "s16", "s17", "reg 12"})


def _argues_other_sections(text: str, cited: Sequence[str], regime: Regime) -> bool:
    """A paragraph that argues an exemption the draft does not cite ("published, so exempt under section 21"
    offered as reasoning for s40(2)) argues another case."""
    return bool(_sections_argued(text, regime) - {section_key(label) for label in cited})


@functools.lru_cache(maxsize=4096)
def _sections_argued(text: str, regime: Regime) -> frozenset[str]:
    return frozenset({section_key(label) for label in find_citations(text, regime)} - _HANDLING_SECTIONS)


# Another authority's precedent lends its sections to a withholding option only when at least this similar.
_FOREIGN_EXEMPTION_SIMILARITY = 0.6
_WITHHOLDING = frozenset({Disposition.EXEMPT_WITHHELD, Disposition.PARTIALLY_DISCLOSED, Disposition.NCND})
# Sections that say how a request is handled, not why information is withheld.
_PROCEDURAL_SECTIONS = frozenset({"s12", "s14", "s21", "s16", "s17", "reg 12(4)(b)", "reg 9"})


# The duty to advise and assist that a cost cue names: what the letter offers, not a reason to refuse.
_ADVICE_SECTIONS = {Regime.FOIA: "s16", Regime.EIR: "reg 9", Regime.FOISA: "s15"}
# Not held is no exemption; these are the notices an authority may cite with it.
_NOT_HELD_NOTICES = {Regime.EIR: "reg 12(4)(a)", Regime.FOISA: "s17"}
# A count or a sum asked for: given in part, the rest is usually not held rather than withheld.
_COUNT_ASKED = re.compile(r"(?i)\b(?:how many|how much|(?:the )?(?:total )?(?:number|numbers|amount|total|sum|"
                          r"percentage|proportion) of|figures? for|statistics|"
                          r"(?:total|amount)(?: the \w+)? (?:spent|paid)|(?:spent|spend|paid) (?:on|to))\b")
# Pointing to a publication: FOIA s21, FOISA s25, EIR reg 6(1)(b).
_PUBLISHED_SECTIONS = frozenset({"s21", "s25", "reg 6(1)(b)", "reg 6"})
_HABIT_MINIMUM = 10  # fewer of the authority's answers of a kind than this say nothing about its habit
# The section an outcome is itself: a cost refusal cites s12, whatever else it adds.
_OWN_SECTIONS = {Disposition.S12_COST: "s12", Disposition.S21_ACCESSIBLE: "s21",
                 Disposition.S14_VEXATIOUS_OR_REPEATED: "s14"}


# Under the Act each exemption has a limb for withholding what is held and one for neither confirming nor denying
# (s31(1) and s31(3)): an option cites the limb of its own kind, as its wording does.
_NCND_LIMB = {"s22": "s22(2)", "s22A": "s22A(2)", "s23": "s23(5)", "s24": "s24(2)", "s26": "s26(3)", "s27": "s27(4)",
              "s28": "s28(3)", "s29": "s29(2)", "s30": "s30(3)", "s31": "s31(3)", "s32": "s32(3)", "s33": "s33(3)",
              "s34": "s34(2)", "s35": "s35(3)", "s36": "s36(3)", "s37": "s37(2)", "s38": "s38(2)", "s39": "s39(2)",
              "s40": "s40(5B)(a)(i)", "s41": "s41(2)", "s42": "s42(2)", "s43": "s43(3)"}
_WITHHOLDING_LIMB = {"s22": "s22(1)", "s22A": "s22A(1)", "s23": "s23(1)", "s24": "s24(1)", "s26": "s26(1)",
                     "s27": "s27(1)", "s28": "s28(1)", "s29": "s29(1)", "s30": "s30(1)", "s31": "s31(1)(a)",
                     "s32": "s32(1)", "s33": "s33(2)", "s34": "s34(1)", "s35": "s35(1)", "s36": "s36(2)",
                     "s37": "s37(1)", "s38": "s38(1)", "s39": "s39(1)", "s40": "s40(2)", "s41": "s41(1)",
                     "s42": "s42(1)", "s43": "s43(2)"}


def _limbs_for(labels: list[str], disposition: Disposition, regime: Regime) -> list[str]:
    """FOIA labels put in the limb an outcome cites: s31(3) for neither confirm nor deny, s31(1)(a) to withhold."""
    if regime is not Regime.FOIA or disposition not in _WITHHOLDING:
        return labels
    out = []
    for label in labels:
        key = section_key(label)
        ncnd_limb = _NCND_LIMB.get(key)
        if ncnd_limb is None:
            out.append(label)
        elif disposition is Disposition.NCND:
            # The requester's own data has its own limb each way: s40(1) withheld, s40(5A) neither confirmed.
            own = "s40(5A)" if label.startswith("s40(1)") else ncnd_limb
            out.append(label if _is_ncnd_limb(label, ncnd_limb) else own)
        else:
            own = "s40(1)" if label.startswith("s40(5A)") else _WITHHOLDING_LIMB[key]
            out.append(own if _is_ncnd_limb(label, ncnd_limb) else label)
    return list(dict.fromkeys(out))


def _is_ncnd_limb(label: str, ncnd_limb: str) -> bool:
    # s40(5), s40(5A) and s40(5B) are all neither confirm nor deny; elsewhere the limb is exact.
    return label.startswith(ncnd_limb) or (ncnd_limb.startswith("s40(5") and label.startswith("s40(5"))


def _with_own_section(labels: list[str], disposition: Disposition, regime: Regime) -> list[str]:
    """The outcome's own section first (mapped to the regime), unless a label for it is there already."""
    own = _OWN_SECTIONS.get(disposition)
    if own is None:
        return labels
    mapped = map_exemptions([own], Regime.FOIA, regime)
    if not mapped or any(section_key(label) == section_key(mapped[0]) for label in labels):
        return labels
    return [mapped[0], *labels]


def same_period(question: str, earlier: str) -> bool:
    """Whether a question asks for no period the earlier one did not ("in 2024" against "2019 to 2021")."""
    return _years(question) <= _years(earlier)


def later_period(question: str, earlier: str) -> bool:
    """Whether a question asks about a later period than the earlier one named ("2024" after "2019 to 2021")."""
    new, old = _years(question), _years(earlier)
    return bool(new and old) and max(new) > max(old)


def _years(text: str) -> set[str]:
    found = set(re.findall(r"\b(?:19|20)\d\d\b", text))
    for start, end in re.findall(r"\b((?:19|20)\d\d)\s*(?:-|to|/|–)\s*((?:19|20)?\d\d)\b", text):
        last = int(end if len(end) == 4 else start[:2] + end)
        found |= {str(year) for year in range(int(start), min(last, int(start) + 30) + 1)}
    return found


def is_own_precedent(ours: str, theirs: str, their_regime: str = "", regime: Regime | None = None) -> bool:
    """Whether a precedent is the authority's own: the same name (one within the other), or no name.

    An unnamed precedent counts as ours (a store of one authority's history often names nobody),
    unless it was answered under another jurisdiction's law: a Scottish (FOISA) answer is not an
    English authority's own, nor the other way round.
    """
    mine, other = ours.strip().lower(), theirs.strip().lower()
    if not mine:
        return True
    if not other:
        return not (their_regime and regime is not None
                    and (their_regime == Regime.FOISA.value) != (regime is Regime.FOISA))
    return mine == other or mine in other or other in mine


def in_request_context(questions: Sequence[str], vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """The vectors to search with: a short item ("Date of vacancy") is pulled toward what its request is about.

    A list entry of a few words says little on its own; the mean of the request's questions says what
    the list is a list of (business rates, say), so its precedents come from the same subject.
    """
    if len(vectors) < 2:
        return vectors
    centre = vectors.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) or 1.0)
    out = np.array(vectors, dtype=np.float32, copy=True)
    for index, question in enumerate(questions):
        words = len(question.split())
        if words <= _SHORT_ITEM_WORDS:
            mixed = vectors[index] + _CONTEXT_WEIGHT * centre
            out[index] = mixed / (np.linalg.norm(mixed) or 1.0)
    return out


_SHORT_ITEM_WORDS = 8
_CONTEXT_WEIGHT = 1.0
"""Measured on real threads drafted against their council's history: given-outcome exemption F1 0.65 to
0.67 on real-dev and 0.56 to 0.58 on a second set; top-3 unchanged; longer items gained nothing."""


def _regime_of(labels: Sequence[str]) -> Regime:
    return Regime.EIR if labels and labels[0].startswith("reg") else Regime.FOIA


_STATUTORY_FACTS = (
    # The appropriate limits of the Fees Regulations (FOIA) and the FOISA regulations: the law, not a letter's facts.
    "£450", "£600", "18 hours", "24 hours", "£25 an hour",
)
CUE_OUTCOMES: dict[str, tuple[Disposition, ...]] = {
    # The outcomes each kind of cue in a question points to (bot.models.CueKind values).
    "personal_data": (Disposition.EXEMPT_WITHHELD, Disposition.PARTIALLY_DISCLOSED),
    "security_sensitive": (Disposition.NCND,),
    "cost_risk": (Disposition.S12_COST,),
    "published": (Disposition.S21_ACCESSIBLE,),
    "commercial": (Disposition.PARTIALLY_DISCLOSED, Disposition.EXEMPT_WITHHELD),
}


def cue_outcomes(cue: Cue) -> tuple[Disposition, ...]:
    """The outcomes a cue points to: its own where it names them, else its kind's."""
    return cue.outcomes or CUE_OUTCOMES.get(cue.kind.value, ())


_BACKED_CUES = frozenset({"personal_data", "cost_risk", "published", "commercial"})
_DEFAULT_RATES = {
    # Used only until the store has readable precedents of its own.
    Disposition.DISCLOSED: 0.5, Disposition.NOT_HELD: 0.12, Disposition.PARTIALLY_DISCLOSED: 0.1,
    Disposition.S21_ACCESSIBLE: 0.07, Disposition.EXEMPT_WITHHELD: 0.07, Disposition.S12_COST: 0.06,
    Disposition.OTHER: 0.04, Disposition.NCND: 0.03, Disposition.S14_VEXATIOUS_OR_REPEATED: 0.01,
}


def base_rates_from(counts: dict[str, int]) -> dict[Disposition, float]:
    """Base rates from a store's counts by disposition, smoothed so that no outcome is impossible."""
    known = {Disposition(label): count for label, count in counts.items() if label in Disposition.__members__.values()}
    total = sum(known.values())
    if total < 20:
        return dict(_DEFAULT_RATES)
    return {d: (known.get(d, 0) + 20 * _DEFAULT_RATES[d]) / (total + 20) for d in Disposition}


def _distinct_evidence(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Evidence with each reference (or source) once."""
    seen: set[str] = set()
    out: list[Evidence] = []
    for item in items:
        key = item.reference or item.source
        if key in seen:
            continue
        seen.add(key)
        out.append(item)
    return tuple(out)


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
    """Exemption labels carried from one regime's precedent to another regime's draft.

    A label is read in its own law: a regulation is the EIR's and a section of a precedent handled
    under the EIR is the Act's, as an authority answering under both laws at once cites them.
    """
    out = []
    for label in labels:
        origin = _origin(label, source)
        if origin is target:
            out.append(label)
            continue
        foia = _to_foia(label, origin)
        if foia is None:
            continue
        if target is Regime.FOIA:
            out.append(foia)
        elif target is Regime.EIR:
            out.append(_FOIA_TO_EIR.get(section_key(foia), foia))
        else:
            out.append(_FOIA_LIMB_TO_FOISA.get(foia) or _FOIA_TO_FOISA.get(section_key(foia), foia))
    unique = list(dict.fromkeys(out))
    return [label for label in unique if not any(other.startswith(label + "(") for other in unique)]


def _origin(label: str, source: Regime) -> Regime:
    """The law a precedent's label belongs to."""
    if source is Regime.FOISA:
        return source
    return Regime.EIR if label.strip().lower().startswith("reg") else Regime.FOIA


def _to_foia(label: str, source: Regime) -> str | None:
    """A label as its FOIA counterpart (None where there is none); FOIA labels keep their limb."""
    key = section_key(label)
    if source is Regime.FOIA:
        return label
    if source is Regime.FOISA:
        if key == "s36":  # s36(1) is confidentiality of legal advice; s36(2) breach of confidence
            return "s41" if label.startswith("s36(2)") else "s42"
        limb = next((foia for foisa, foia in _FOISA_LIMB_TO_FOIA.items()
                     if label == foisa or label.startswith(foisa + "(")), None)
        return limb or _FOISA_TO_FOIA.get(key, label)
    return _EIR_LIMB_TO_FOIA[label] if label in _EIR_LIMB_TO_FOIA else _EIR_TO_FOIA.get(key, label)


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


def _subject_terms(text: str) -> set[str]:
    """What a text is about, roughly: its content words, singular, without the vocabulary of reasoning itself."""
    return {word[:-1] if word.endswith("s") and not word.endswith("ss") else word for word in _terms(text)} \
        - _REASONING_VOCABULARY


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


_BUSINESS = re.compile(r"(?i)\b(?:ltd|limited|plc|llp|cafe|café|restaurant|bar|takeaway|balti|kitchen|grill|hotel|"
                       r"pub|inn|shop|stores?|garage|salon|nursery|academy)\.?(?:'s)?$")
_PERSON_BEFORE = re.compile(r"(?i)\b(?:mr|mrs|ms|miss|dr|pc|sgt|inspector|officer|councillor|cllr|by|owner,?|"
                            r"manager,?)\.?\s*$")
_OURS_BEFORE = re.compile(r"(?i)\b(?:the council's|our|the authority's)\s*$")
_STREET_WORDS = r"(?:road|street|lane|avenue|square|close|drive)"
_STREET_AFTER = re.compile(rf"(?i)^\s*(?:{_STREET_WORDS}|way|place)\b")
_STREET = re.compile(rf"(?i)\b{_STREET_WORDS}$")
_TITLE_WORD = re.compile(r"(?i)\b(?:plan|policy|code|strategy|scheme|guidance|practice|charter|standards?)\W*$")


def names_a_case(text: str, name: str) -> bool:
    """Whether a name in a past answer is about that answer's own case: a business ("Elm Balti", "Fenwick Ltd"),
    a person ("inspected by Sarah Jones", "Mr Patel"), a street, or a status in quotation marks ('Awaiting
    Inspection'); not the council's own services ("the Council's One Stop Shop") or a document's title."""
    for match in re.finditer(re.escape(name), text):
        before, after = text[max(0, match.start() - 25): match.start()], text[match.end(): match.end() + 12]
        if _OURS_BEFORE.search(before) or _TITLE_WORD.search(name.rstrip("'\u2019")) or re.match(
                r"(?i)(?:the )?(?:council|authority)'s\b", name):
            continue
        quoted = before.endswith(("'", "\u2018", '"', "\u201c")) and (
            name.endswith(("'", "\u2019")) or after.startswith(("'", "\u2019", '"', "\u201d")))
        if quoted or _BUSINESS.search(name) or _PERSON_BEFORE.search(before) or _STREET_AFTER.match(after) or \
                _STREET.search(name):
            return True
    return False


def _adapt(answer: str, their_authority: str, our_authority: str) -> str:
    """A past answer made ready to reuse: our name, and past figures marked for checking."""
    text = answer.strip()
    if their_authority and our_authority and their_authority != our_authority:
        text = text.replace(their_authority, our_authority)
    # The letter gives its own refusal notice and question numbers: the past letter's go.
    sentences = re.split(r"(?<=[.!?])\s+", text)
    text = " ".join(s for s in sentences if not _LETTER_BOUND.search(s)).strip() or text
    text = re.sub(r"^(?:as (?:explained|set out|stated) above|as above),?\s*", "", text, flags=re.IGNORECASE)
    # "(as provided in questions 1 and 2)" points into the past letter, not this one.
    text = re.sub(r"\s*\((?:as )?(?:provided|given|set out|answered|disclosed|see)\b[^()]{0,30}\bquestions? \d[^()]*\)",
                  "", text, flags=re.IGNORECASE)
    text = text[:1].upper() + text[1:]
    # Figures from a past answer (counts, costs, estimates) are not this request's: mark them.
    text = re.sub(r"£\s?\d[\d,]*(?:\.\d+)?", "£[figure]", text)
    return _FIGURE.sub(_mark_figure, text)


_LETTER_BOUND = re.compile(
    r"refusal notice|in respect of questions? \d|(?:see|as in) (?:our )?(?:answer|response) to question \d|"
    r"(?:set out|given|explained|stated|described) (?:under|in|at|for) (?:our )?(?:(?:answer|response) to )?"
    r"questions? \d",
    re.IGNORECASE,
)


_FIGURE = re.compile(r"(?<![\w(/£-])\d(?:[\d,]*\d)?(?:\.\d+)?(?![\w)/-])")
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


# "Under the Act, please can you provide the following." before the question itself: a lead-in, not the ask.
_LEAD_SENTENCE = re.compile(r"(?i)^[^?]{0,120}\b(?:the following|as follows|below)(?: (?:information|questions|"
                            r"details))?(?: (?:under|in accordance with) (?:the )?[^.?]{0,60}?)?(?:,? please)?"
                            r"\s*[.:]?\s*$")
_UNDER_THE_ACT = re.compile(r"(?i)^(?:under|in accordance with|as per|in line with) (?:the )?(?:freedom of "
                            r"information|foi|environmental information)\b[^,]{0,40}?"
                            r"(?:,\s*|\s+(?=(?:could|can|would|please|i)\b))")
_UNDER_THE_ACT_INSIDE = re.compile(r"(?i),?\s*(?:under|in accordance with|as per) (?:the )?(?:freedom of information|"
                                   r"foi|environmental information)\b[^,:]{0,40}")
_CONNECTIVE = re.compile(
    r"^(?:(?:and|also|further(?:more)?|additionally|in addition|moreover|then|finally|lastly|first(?:ly)?|"
    r"second(?:ly)?|third(?:ly)?|next|separately)\b[,:]?\s*)+",
    re.IGNORECASE,
)
_ASK_VERB = (r"(?:provide|send|tell (?:me|us)|let (?:me|us) know|supply|give(?: me| us)?|list|confirm|disclose|"
             r"advise(?: me| us)?|share|release|state|explain|inform (?:me|us)|forward)(?: me| us)?(?: with)?")
_ASKING = re.compile(
    rf"^(?:(?:please|kindly)\s+(?:(?:could|can|would) you\s+)?(?:also\s+)?{_ASK_VERB}|"
    rf"(?:could|can|would|will) you (?:please |kindly )?(?:also )?{_ASK_VERB}|"
    r"i(?: would|'d)(?: also)? be (?:grateful|obliged)"
    rf"(?: if you (?:could|would)(?: please)?(?: also)? {_ASK_VERB}| for)?|"
    r"i(?: would|'d)(?: also| further)? (?:like|wish|want)(?: to know| to understand| to find out| to request| "
    r"to ask(?: for)?| to be provided with| to receive| to see| to obtain)?|"
    r"i (?:also )?(?:request|am requesting|would request|want to know|wish to know|need to know|want|need)|"
    r"(?:i|we) (?:am|are) (?:also )?(?:asking|writing to ask)(?: you)?(?: for| to)?|"
    r"(?:i|we) (?:would )?(?:also )?ask (?:that )?you(?: to)?|"
    r"(?:this is )?a request for|requesting)(?:\s*:\s*|\s+)",
    re.IGNORECASE,
)
_INTERROGATIVE = re.compile(
    r"^(?:how|what|which|when|where|who|whom|whose|why|whether|if|does|do|did|is|are|was|were|has|have|had|can|"
    r"could|will|would|should|may)\b",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(r"^(?:for|in|on|by|during|over|between|from|since|within|at|of|regarding|re)\b",
                          re.IGNORECASE)
_ACCEPTANCE = re.compile(r"(?i)\b(?:would|will) (?:also )?be (?:fine|ok|okay|acceptable|sufficient|great|helpful)\b|"
                         r"\b(?:is|are) (?:fine|ok|okay|acceptable)\b")
_SHORT_TAIL = 8
_RESTATED_WORDS = 50
_DETERMINERS = frozenset({"a", "an", "the", "any", "all", "every", "each", "some"})
_INFORMATION = "the information you asked for"


def restate_question(question: str) -> str:
    """The question put back to the requester: "You asked for X.", "You asked whether X." or a quotation.

    Only the asking part is put back: context before it ("I am a researcher looking at ...") and a
    list's lead-in ("Please provide the following under the Act:") are left off.
    """
    text = _ASIDE.sub("", " ".join(question.split()))
    sentences = [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if part.strip()]
    sentences = [_UNDER_THE_ACT.sub("", sentence) for sentence in sentences]
    asking = next((i for i, sentence in enumerate(sentences) if asks(sentence) and not (
        _LEAD_SENTENCE.match(sentence) and i + 1 < len(sentences))), 0)
    kept = sentences[asking:]
    while len(kept) > 1 and _ACCEPTANCE.search(kept[-1]) and not kept[-1].rstrip().endswith("?"):
        kept.pop()  # "Postcodes would be fine if that is easier." says what will do, it asks nothing more
    text = " ".join(kept)
    lead = re.match(r"^[^:]{0,160}\b(?:the following|as follows|below|questions? (?:is|are))\b[^:]{0,80}:\s*(?=\S)",
                    text, re.IGNORECASE)
    if lead and not re.search(r"(?i)\b(?:which|what|who|how|whether|when|where)\b", lead.group(0)):
        text = text[lead.end():]  # not "which of the following were paid: A, B"
    asking_lead = re.match(r"^([^:?]{0,160}):\s*(?=\S)", text)
    if asking_lead and not _ASKING.sub("", _UNDER_THE_ACT_INSIDE.sub("", asking_lead.group(1)).strip(" ,") + " ",
                                       count=1).strip(" ,"):
        text = text[asking_lead.end():]  # "I would be grateful if you could provide, under the Act 2000: how many"
        led = not question.rstrip().endswith("?")  # "how many X the council arranged", not a direct question
    else:
        led = False
    asked = re.search(r"(?:,|\band|\bso)\s+(?:i|we)\s+(?:would\s+)?(?:also\s+)?ask\s+(?:that\s+)?you\s+(?:to\s+)?"
                      r"(?:confirm|tell (?:me|us)|state|say|advise|explain|let (?:me|us) know)?\s*(.*)$", text,
                      re.IGNORECASE)
    if asked and text[: asked.start()].strip(" ,") and asked.group(1).strip() and not asks(text[: asked.start()]):
        # "Some of us believe X, and I ask you to confirm whether this is the case": what they said, then the ask.
        said = _in_our_voice(text[: asked.start()].strip(" ,"))
        clause = _in_our_voice(re.sub(r"^if\b", "whether", asked.group(1).rstrip("?.;:, "), flags=re.IGNORECASE))
        clause = clause if re.match(r"(?i)(?:whether|how|what|which|when|where|who|why)\b", clause) else \
            f"us to {clause}"
        return f"You said that {said[0].lower()}{said[1:]}, and asked {clause}."
    inner = re.search(r"(?:,|\band|\bso)\s+((?:i|we)(?: would|'d)(?: also| further)? (?:like|wish|want)\b.*)$",
                      text, re.IGNORECASE)
    if inner and re.match(r"(?i)(?:i|we)\b", text) and not asks(text[: inner.start()]):
        text = inner.group(1)  # "I have been following this, and I would like to know ..."
    text = text.rstrip("?.;:, ")
    for _ in range(3):  # "And if possible, please provide ...": connectives, courtesies, then the asking verb
        before = text
        text = _CONNECTIVE.sub("", text).strip(" ,")
        text = re.sub(r"^(?:if|where|when) (?:possible|available|so|applicable),?\s*", "", text,
                      flags=re.IGNORECASE).strip(" ,")
        if text == before:
            break
    stripped = _ASKING.sub("", text, count=1).strip(" ,")
    embedded = stripped != text or led
    stripped = re.sub(r"^(?:(?:last|first|next|final) (?:one|question|point)\s*)?[-\u2013\u2014:]+\s*", "",
                      _TRAILING_ASIDE.sub("", stripped).strip(" ,"), flags=re.IGNORECASE)
    words = stripped.split()
    if len(words) > _RESTATED_WORDS + _SHORT_TAIL:  # a short tail ("since January 2022") is its scope: kept
        # Cut at the last clause boundary that keeps most of it, marked as cut ("[...]"), not mid-phrase.
        cut = max((i + 1 for i, word in enumerate(words[:_RESTATED_WORDS]) if word.endswith((",", ";"))
                   and i + 1 >= _RESTATED_WORDS // 2), default=_RESTATED_WORDS)
        stripped = " ".join(words[:cut]).rstrip(",;:") + " [...]"
    if not stripped:
        return "You asked for information."
    if stripped.lower().startswith(("whether ", "if ")) or (embedded and _INTERROGATIVE.match(stripped)):
        clause = re.sub(r"^if\b", "whether", stripped[0].lower() + stripped[1:])
        return f"You asked {_in_our_voice(clause)}."
    if _INTERROGATIVE.match(stripped):
        return f'You asked: "{stripped[0].upper()}{stripped[1:]}?"'
    if _PREPOSITION.match(stripped):
        mark = "?" if question.rstrip().endswith("?") else "."
        return f'You asked: "{stripped[0].upper()}{stripped[1:]}{mark}"'
    lower = stripped[1:2].islower() or stripped.split()[0].lower() in _DETERMINERS
    voiced = _in_our_voice(stripped)
    return f"You asked for {voiced[0].lower() if lower else voiced[0]}{voiced[1:]}."


# ", as I believe the pothole that damaged my car was missed", " too": the requester's aside, not the ask.
# "(I think she is the community safety manager?)": the requester's own guess, not part of the ask.
_ASIDE = re.compile(r"\s*\((?:i think|i believe|i'm not sure|i am not sure|not sure|if i'm right|i understand)\b"
                    r"[^()]{0,120}\)", re.IGNORECASE)
_TRAILING_ASIDE = re.compile(r"(?i)(?:,?\s+(?:as|because)\s+(?:i|we)\s+(?:believe|think|understand|feel|"
                             r"suspect)\b.*$|\s+(?:too|as well)\s*$)")
_PRONOUNS = {"your": "our", "yours": "ours", "yourselves": "ourselves", "my": "your", "me": "you",
             "myself": "yourself", "our": "your", "ours": "yours", "ourselves": "yourselves", "us": "you",
             "we": "you", "i": "you", "i'm": "you're", "i've": "you've", "i'd": "you'd"}


def _in_our_voice(text: str) -> str:
    """The requester's words put back in the authority's voice: "your contract" is our contract, "my car" and "our
    group" yours. "You" asking about the authority becomes "we" as a subject and "us" after a preposition or a
    verb ("sent to you", "told you"); abbreviations ("US", "i.e.", "(i)", "ME") are left alone.
    """
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        before = text[: match.start()]
        after = text[match.end():]
        if (len(word) > 1 and word.isupper()) or before.endswith(("'", "(", ".")) or after.startswith((".", ")")):
            return word
        if lower.startswith("i"):  # "I", "I am": capital only where the sentence starts
            replaced = _PRONOUNS[lower]
            return replaced.capitalize() if match.start() == 0 else replaced
        if lower == "you":
            previous = re.search(r"(\w+)\W*$", before)
            object_ = previous is not None and (previous.group(1).lower() in _TAKES_OBJECT
                                                or previous.group(1).lower().endswith("ed"))
            replaced = "us" if object_ or not after.strip(" ,.;:?!") else "we"
        else:
            replaced = _PRONOUNS[lower]
        return replaced.capitalize() if word[:1].isupper() else replaced
    voiced = re.sub(r"\b(?:your|yours|yourselves|my|me|myself|you|our|ours|ourselves|us|we|i'm|i've|i'd|i)\b",
                    swap, text, flags=re.IGNORECASE)
    # "I am" became "you am": the verb follows its new subject.
    return re.sub(r"\b([Yy]ou) (?:am|is)\b", r"\1 are", re.sub(r"\b([Yy]ou) was\b", r"\1 were", voiced))


# Words after which "you" is an object ("sent to you", "ask you"), not the subject of what follows.
_TAKES_OBJECT = frozenset({
    "to", "for", "with", "by", "from", "about", "of", "on", "at", "than", "between", "and", "or", "tell", "ask", "give",
    "send", "show", "let", "help", "contact", "email", "inform", "told", "gave", "sent", "showed", "asked", "paid",
    "pay", "owe", "thank", "via"})


def _fill(wording: str, authority: str, information: str) -> str:
    filled = wording.replace("{authority}", authority or "the authority").replace("{information}", information)
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), filled)


def _describe(label: str) -> str:
    return f"regulation {label[4:]}" if label.startswith("reg") else f"section {label[1:]}"


def _verb(disposition: Disposition) -> str:
    return {Disposition.NOT_HELD: "denies holding information",
            Disposition.EXEMPT_WITHHELD: "confirms information is held"}.get(disposition, "confirms information")
