"""Facts in draft wording, and the guard that keeps another authority's facts out of a draft.

A fact here is what a letter states about the world rather than about the law: a figure or
count, a date, a name, a place, a system or product. A draft may carry a fact only when it is
in the question, in the authority's own precedents or in the exemption library; anything
else came from another authority's letter ("foreign") and is replaced by a placeholder for the
caseworker to fill ([figure], [date], [name]).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Words that start with a capital in letters without naming anything particular.
_COMMON = frozenset("""
a about above act acts after again all also an and any apr april are as at aug august authority be because before
being below between but by can case chief clarification commissioner commissioner's constabulary council councils
court data dear dec december department details do does during each eir eirs environmental every exemption
exemptions fee fees feb february for force freedom from general government gdpr harm has have he her here his how
however i if in information interest internal is it its jan january jul july jun june kind kingdom limit local mar
march may mr mrs ms no nov november oct october of on or our part please police principle protection public
qualified question questions reg regards regulation regulations request requests response review right rights
scotland scottish section sections sep september service services she should since so some subject such that the
their there these they this those to tribunal uk under united we what when where whether which while who why will
with would yes you your yours sincerely faithfully thank thanks foi foisa disclosure decision reasons balance test
factors favour favouring absolute prejudice appropriate accessible neither confirm deny national security law
enforcement health safety personal commercial interests confidence confidential legal professional privilege
future publication ico information commissioner's office first-tier
""".split())
_STATUTES = re.compile(
    r"(?i)\b(?:freedom of information(?: \(scotland\))? act(?: 2000| 2002)?|"
    r"environmental information(?: \(scotland\))? regulations(?: 2004)?|data protection act(?: 2018| 1998)?|"
    r"(?:uk )?general data protection regulation|uk gdpr|"
    r"(?:freedom of information and data protection \()?appropriate limit and fees\)? regulations(?: 2004)?|"
    r"human rights act(?: 1998)?|equality act(?: 2010)?|localism act(?: 2011)?|"
    r"(?:local government|police) act(?: \d{4})?)"
)
_CITATION = re.compile(r"(?i)\b(?:section|sections|s\.?|regulation|reg\.?|article|paragraph|part)\s?\d+[A-Za-z]?"
                       r"(?:\s?\(\w{1,4}\))*")
_PLACEHOLDER = re.compile(r"\[[^\]]{1,400}\]")
_NUMBER = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|k|bn|million|billion))?|\b\d[\d,]*(?:\.\d+)?\s?%?")
_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d\d\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s+(?:19|20)\d\d\b|"
    r"\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d\d\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b(?:[A-Z][a-zA-Z'&-]+|[A-Z]{2,})(?:\s+(?:of\s+|and\s+|&\s+)?(?:[A-Z][a-zA-Z'&-]+|[A-Z]{2,}))*")


@dataclass(frozen=True)
class Fact:
    """One fact a text states, and its kind."""

    text: str
    kind: str
    """figure, date or name."""
    literal: str = ""
    """The words as the text writes them, where they differ ("WITHOUT PREJUDICE AND ... COMMON" for a
    name compared as "WITHOUT COMMON"): what a placeholder replaces."""


def facts(text: str) -> list[Fact]:
    """The figures, dates and names a text states (law, section numbers and placeholders left out)."""
    scrubbed = _PLACEHOLDER.sub(" ", text)
    scrubbed = _STATUTES.sub(" ", scrubbed)
    scrubbed = _CITATION.sub(" ", scrubbed)
    found: list[Fact] = []
    for match in _DATE.finditer(scrubbed):
        found.append(Fact(match.group(0), "date"))
    scrubbed = _DATE.sub(" ", scrubbed)
    for match in _NUMBER.finditer(scrubbed):
        value = match.group(0).strip()
        if re.search(r"\d", value):
            found.append(Fact(value, "figure"))
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n+", scrubbed):
        for index, match in enumerate(_NAME.finditer(sentence)):
            words = match.group(0).split()
            meaningful = [w for w in words
                          if w.lower().strip("'") not in _COMMON and w.lower() not in ("of", "and", "&")]
            if not meaningful:
                continue
            if index == 0 and match.start() == 0 and len(words) == 1:
                continue  # the first word of a sentence is capitalised whatever it is
            found.append(Fact(" ".join(meaningful), "name", match.group(0)))
    return found


def foreign_facts(text: str, allowed: Iterable[str]) -> list[Fact]:
    """The facts of `text` that none of the `allowed` texts states."""
    sources = " ".join(allowed)
    haystack = _normal(sources)
    names = set(re.findall(r"[a-z0-9'&-]+", haystack))
    out: list[Fact] = []
    for fact in facts(text):
        needle = _normal(fact.text)
        if not needle:
            continue
        if fact.kind == "name":
            if all(word in names or any(name.startswith(word) for name in names)
                   for word in re.findall(r"[a-z0-9'&-]+", needle)):
                continue
        elif needle in haystack:
            continue
        out.append(fact)
    return out


def without_foreign_facts(text: str, allowed: Iterable[str], kinds: Iterable[str] = ("figure", "date", "name"),
                          names: Callable[[str, str], bool] | None = None) -> str:
    """The text with each foreign fact replaced by a placeholder for the caseworker to fill: only facts of the
    given kinds, and only names for which `names(text, name)` holds where it is given."""
    out = text
    wanted = set(kinds)
    chosen = [fact for fact in foreign_facts(text, list(allowed)) if fact.kind in wanted and (
        fact.kind != "name" or names is None or names(text, fact.literal or fact.text))]
    for fact in sorted(chosen, key=lambda f: -len(f.literal or f.text)):
        words = fact.literal or fact.text
        words = words.rstrip("'\u2019") or words  # a closing quotation mark stays: '[name]'
        placeholder = {"figure": "[figure]", "date": "[date]", "name": "[name]"}[fact.kind]
        out = re.sub(rf"(?<![\w\[]){re.escape(words)}(?![\w\]])", placeholder, out)
    return out


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w£%/.&'-]+", " ", text.lower()).split()).replace(",", "")
