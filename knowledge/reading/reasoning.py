"""Stage 5: the exemption reasoning, harm tests and public-interest tests tied to their sections.

A reply's reasoning runs over several paragraphs ("Section 43 is a qualified exemption ...",
"Factors in favour of disclosure ...", "On balance ..."). The section in force is the last one
a heading or a paragraph's opening named; each paragraph of reasoning under it becomes an
exemption precedent of its kind (public interest, NCND, harm test), so a later draft can
reuse the authority's own arguments for that section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.citations import find_citations, section_key
from knowledge.models import ExemptionPrecedent, Regime
from knowledge.reading.decisions import NCND_WORDING

_KINDS = (
    ("public_interest", re.compile(r"public interest|favou?r(?:ing|s)? (?:of )?(?:disclos|maintain|releas|withh)|"
                                   r"on balance|balance of|factors|outweigh", re.I)),
    ("ncnd", NCND_WORDING),
    ("harm_test", re.compile(r"harm|(?<!without )prejudic|would be likely|undermin|compromis|\brisk\b|damag|adverse|"
                             r"unfair|reasonable expectation|confiden|commercial interests|"
                             r"data protection principle|disclosure would", re.I)),
)
_NOT_REASONING = re.compile(
    r"^(?:if you (?:are|remain)|you (?:can|may|have the right)|internal review|the information commissioner|"
    r"yours|kind regards|please (?:find|see|note that we)|thank you|see (?:the )?attached|attached (?:is|are)|"
    r"re[:_]\s)", re.IGNORECASE
)
_MIN_WORDS = 14
_MIN_TEST_WORDS = 6  # "Factors favouring disclosure: openness ..." opens a test; "Public interest test" heads one
_MERE_MENTIONS = ("s16", "s17", "s1", "s10", "s50")


def exemption_reasoning(
    paragraphs: Sequence[str], regime: Regime, source: str, reference: str, when: str, authority: str,
    relied_on: Sequence[str] = (),
) -> list[ExemptionPrecedent]:
    """Paragraphs of reasoning, each tied to the section(s) in force where it stands.

    `relied_on` are the sections the document relies on; a paragraph naming none of its own
    inherits the section in force, which must be one of them when they are known. A public
    interest test is one precedent however many paragraphs it takes (the factors for disclosure,
    those for maintaining the exemption, the balance), tied to every section it was argued for.
    """
    found: list[ExemptionPrecedent] = []
    current: list[str] = []
    relied = {section_key(label) for label in relied_on}
    test: list[str] = []  # the paragraphs of the public interest test being read
    tested: list[str] = []  # the sections in force while it was argued

    def kept(sections: Sequence[str]) -> list[str]:
        return [label for label in sections if not relied or section_key(label) in relied] or list(sections)

    def close_test() -> None:
        if test:
            found.extend(ExemptionPrecedent(section, "public_interest", "\n\n".join(test), reference, when,
                                            authority, regime, source) for section in kept(tested))
        test.clear()
        tested.clear()

    for paragraph in paragraphs:
        text = " ".join(paragraph.split())
        if not text:
            continue
        named = [c for c in find_citations(text[:200], regime) if section_key(c) not in _MERE_MENTIONS]
        if named and (len(text) < 160 or re.match(r"(?i)^(?:section|s\.?\s?\d|reg|regulation|the exemption|"
                                                   r"this exemption|exemption)", text) or not current):
            current = named
        if _NOT_REASONING.match(text) or not current:
            close_test()
            continue
        kind = next((name for name, pattern in _KINDS if pattern.search(text)), None)
        short = len(text.split()) < _MIN_WORDS
        if kind == "public_interest" and (test or len(text.split()) >= _MIN_TEST_WORDS):
            # "Balance test: the public interest favours maintaining s31." is short, and part of the test.
            test.append(text)
            tested.extend(label for label in current if label not in tested)
            continue
        if short:
            continue  # a heading ("Section 31 - law enforcement") leaves an open test open
        close_test()
        if kind is not None:
            found.extend(ExemptionPrecedent(section, kind, text, reference, when, authority, regime, source)
                         for section in kept(current))
    close_test()
    return found
