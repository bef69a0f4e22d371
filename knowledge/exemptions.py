"""The exemption library: one card per FOIA, EIR and FOISA exemption, read from data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.citations import normalise, section_key
from knowledge.models import Regime


@dataclass(frozen=True)
class ExemptionCard:
    """What a caseworker needs to know to cite one exemption."""

    id: str
    regime: Regime
    section: str
    title: str
    kind: str
    absolute: bool
    test: str
    ncnd: str | None
    subsections: dict[str, str]
    aliases: tuple[str, ...]
    summary: str
    engagement: str
    factors_for_disclosure: tuple[str, ...]
    factors_against_disclosure: tuple[str, ...]
    model_wording: str
    ncnd_wording: str | None
    cite_for_subjects: str = ""
    """The label to cite when a question's subject engages the exemption (`s31(1)(a)` for s31)."""
    subjects: tuple[str, ...] = ()
    """What questions the exemption is usually the reason to withhold ask about: words and phrases."""
    usual: bool = False
    """The card a bare section means where the section has several (`s40` is most often s40(2))."""

    @property
    def qualified(self) -> bool:
        """Whether a public interest test applies."""
        return not self.absolute


class ExemptionLibrary:
    """Cards by regime and section, with look-up by any way a section is written."""

    def __init__(self, cards: list[ExemptionCard]) -> None:
        self.cards = cards
        self._by_key: dict[str, list[ExemptionCard]] = {}
        for card in cards:
            self._by_key.setdefault(section_key(card.section), []).append(card)
        self._found: dict[tuple[str, Regime | None], list[ExemptionCard]] = {}

    def find(self, query: str, regime: Regime | None = None) -> list[ExemptionCard]:
        """Cards matching `s31`, `31(3)`, `reg 12(4)(a)`, `foisa:s35` or a title word."""
        cached = self._found.get((query, regime))
        if cached is None:
            cached = self._found[(query, regime)] = self._find(query, regime)
        return list(cached)

    def _find(self, query: str, regime: Regime | None) -> list[ExemptionCard]:
        text = query.strip()
        if ":" in text:
            prefix, _, text = text.partition(":")
            regime = Regime(prefix.lower())
        label = normalise(text, regime or Regime.FOIA)
        label = label.lower() if label else None
        matches: list[ExemptionCard] = []
        if label:
            key = section_key(label)
            order = list(Regime)
            matches = sorted(
                self._by_key.get(key, []),
                # FOIA, EIR, FOISA; within a regime the card for the exact limb or NCND
                # provision cited comes first (s40(5B) is s40(2)'s), then the usual one.
                key=lambda card: (order.index(card.regime),
                                  label not in (card.section.lower(), (card.ncnd or "").lower()),
                                  not card.usual),
            )
        else:
            word = text.lower()
            matches = [card for card in self.cards
                       if word in card.title.lower() or any(word in alias for alias in card.aliases)]
        if regime is not None:
            matches = [card for card in matches if card.regime is regime]
        return matches

    def engaged_by(self, text: str, regime: Regime) -> list[tuple[str, str]]:
        """Sections a question's subject usually engages, if any of it is withheld: (label, what matched).

        A hint for choosing sections once a caseworker says information is withheld, never a reason
        to withhold: most questions about contracts are answered in full.
        """
        found = []
        for card in self.cards:
            if card.regime is not regime or not card.subjects:
                continue
            match = _subject_pattern(card.subjects).search(text)
            if match:
                found.append((card.cite_for_subjects or card.section, match.group(0)))
        return found

    def get(self, label: str, regime: Regime) -> ExemptionCard | None:
        """The best card for a cited label under a regime (`s31(3)` finds the s31 card)."""
        found = self.find(label, regime)
        return found[0] if found else None

    def knows(self, label: str) -> bool:
        """Whether a label names an exemption in the library under any regime."""
        return any(self.find(label, regime) for regime in Regime)


_PLACEHOLDER = re.compile(r"{(\w+)}")


@cache
def _subject_pattern(subjects: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(subjects, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")(?![\w-])",
                      re.IGNORECASE)


def _card(raw: dict[str, object]) -> ExemptionCard:
    for field in ("model_wording", "ncnd_wording"):
        text = raw.get(field)
        if isinstance(text, str):
            unknown = set(_PLACEHOLDER.findall(text)) - {"authority", "information"}
            if unknown:
                raise ValueError(f"card {raw.get('id')}: unknown placeholder(s) {sorted(unknown)} in {field}")
    return ExemptionCard(
        id=str(raw["id"]),
        regime=Regime(str(raw["regime"])),
        section=str(raw["section"]),
        title=str(raw["title"]),
        kind=str(raw["kind"]),
        absolute=bool(raw["absolute"]),
        test=str(raw["test"]),
        ncnd=raw.get("ncnd") or None,  # type: ignore[arg-type]
        subsections=dict(raw.get("subsections") or {}),  # type: ignore[call-overload]
        aliases=tuple(raw.get("aliases") or ()),  # type: ignore[arg-type]
        summary=str(raw["summary"]),
        engagement=str(raw.get("engagement", "")),
        factors_for_disclosure=tuple(raw.get("factors_for_disclosure") or ()),  # type: ignore[arg-type]
        factors_against_disclosure=tuple(raw.get("factors_against_disclosure") or ()),  # type: ignore[arg-type]
        model_wording=str(raw["model_wording"]),
        ncnd_wording=raw.get("ncnd_wording") or None,  # type: ignore[arg-type]
        cite_for_subjects=str((raw.get("subjects") or {}).get("cite", "")),  # type: ignore[attr-defined]
        subjects=tuple((raw.get("subjects") or {}).get("words", ())),  # type: ignore[attr-defined]
        usual=bool(raw.get("usual", False)),
    )


@cache
def load_library() -> ExemptionLibrary:
    """The library shipped with the package (knowledge/data/exemptions.json)."""
    text = resources.files("knowledge").joinpath("data/exemptions.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return ExemptionLibrary([_card(raw) for raw in data["cards"]])
