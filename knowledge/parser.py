"""The response reader's entry points, kept under their long-standing names.

The reader itself lives in knowledge.reading, in stages: structure, questions, answers,
decisions and reasoning.
"""

from __future__ import annotations

from knowledge.models import ParsedDocument, SourceDocument
from knowledge.reading.decisions import classify_disposition, exemptions_relied_on
from knowledge.reading.metadata import detect_regime, find_authority, find_date, find_reference
from knowledge.reading.reader import read_document

__all__ = [
    "classify_disposition",
    "detect_regime",
    "exemptions_relied_on",
    "find_authority",
    "find_date",
    "find_reference",
    "parse_document",
]


def parse_document(source: SourceDocument, default_authority: str = "") -> ParsedDocument:
    """Read one source document into its precedents and exemption precedents."""
    return read_document(source, default_authority)
