"""The reader: published responses into precedents, in stages (structure, questions, answers, decisions,
reasoning)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_KNOWLEDGE = Path(__file__).resolve().parent.parent
# The code that decides what a document says: a store read by other code is read again.
_READING_CODE = ("reading", "parser.py", "citations.py", "personal_data.py", "loaders.py", "wdtk.py", "models.py")


@functools.cache
def reader_version() -> str:
    """A digest of the reader's code, recorded with each file a refresh reads."""
    digest = hashlib.sha256()
    for name in _READING_CODE:
        path = _KNOWLEDGE / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
