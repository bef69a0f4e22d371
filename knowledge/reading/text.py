"""Text as the reader sees it: normalised characters, e-mail wrapping undone, word tokens.

Authorities' e-mail replies are hard-wrapped at 70-80 columns, so a restated question runs
over several lines and a heading may share a line with nothing else. The reader works on
logical lines: a line that was broken only because it reached the wrap width is joined to
the next ("reflow"), and every other line break is kept.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Sequence

_TRANSLATE = str.maketrans({
    "\u00a0": " ", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\r": "",
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\t": " ", "\u200b": "", "\ufeff": "",
})
LIST_MARKER = re.compile(
    r"^(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*\-o]\s|\(?\d{1,2}[.):,]\s?|\(?[a-zA-Z][.)]\s|"
    r"\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)\)\s?|q(?:uestion)?\s?\d{1,2}\b)",
    re.IGNORECASE,
)
# The wording that points to an attachment ("find the attached", "see our enclosed"): one home
# for the answer stage (an answer that only points there) and the decision stage (data supplied
# in an attachment before a refusal of the rest).
POINTS_TO_ATTACHMENT = r"(?:find|see)\s+(?:the\s+|our\s+)?(?:attached|enclosed)"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an the of and or to in on for by with at from as is are was were be been it its this that these those "
    "you your we our i my me please can could would will do does did have has had any all".split()
)


def normalise(text: str) -> str:
    """Typographic quotes, dashes and odd spaces made plain; carriage returns dropped."""
    return text.translate(_TRANSLATE)


def wrap_width(lines: Sequence[str]) -> int:
    """The column a block of text was hard-wrapped at, or 0 when it was not wrapped."""
    lengths = [len(line) for line in lines if len(line) >= 30 and "://" not in line]
    if len(lengths) < 4:
        return 0
    width = int(statistics.quantiles(lengths, n=10)[-1]) if len(lengths) >= 10 else max(lengths)
    near = sum(1 for length in lengths if width - 14 <= length <= width + 2)
    # A wrapped message has most of its long lines ending close to one column.
    return width if width <= 100 and near >= 0.5 * len(lengths) else 0


def reflow(lines: Sequence[str]) -> list[str]:
    """Logical lines: a line broken only because it reached the wrap width joins the next."""
    raw = [line.rstrip().expandtabs(4) for line in lines]
    stripped = [" ".join(line.split()) for line in raw]
    width = wrap_width(raw)
    if not width:
        return stripped
    out: list[str] = []
    physical = ""  # the last physical line of out[-1], with its indentation
    for original, line in zip(raw, stripped, strict=True):
        if out and out[-1] and line and _continues(out[-1], physical, line, width):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        physical = original
    return out


def _continues(logical: str, physical: str, line: str, width: int) -> bool:
    if LIST_MARKER.match(line) or logical.endswith((":", "?")):
        return False
    first_word = line.split(" ", 1)[0]
    # The next word would not have fitted on the previous physical line: the break was the wrap.
    if len(physical) + 1 + len(first_word) <= width:
        return False
    if logical.endswith((".", "!")) and line[:1].isupper():
        # A full stop near the wrap column may end a paragraph: join only when the line was full.
        return len(physical) >= width - 6
    return True


def words(text: str) -> list[str]:
    """Lower-case word tokens (digits kept: "quarter 1 2024" differs from "quarter 4 2023")."""
    return _WORD.findall(normalise(text).lower())


def content_words(text: str) -> list[str]:
    """Word tokens without the commonest function words."""
    return list(_content_words(text))


@functools.lru_cache(maxsize=1 << 14)
def _content_words(text: str) -> tuple[str, ...]:
    # The reader asks for the same lines' words many times over while it pairs questions and answers.
    return tuple(word for word in words(text) if word not in _STOP)


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude stem for matching re-typed words: "forests" and "forestry", "licensee" and "licensees"."""
    if len(word) >= 7:
        return word[:6]
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def containment(part: Sequence[str], whole: Sequence[str]) -> float:
    """Share of `part`'s distinct words that occur in `whole` (compared on their stems)."""
    wanted = {stem(word) for word in part}
    return len(wanted & {stem(word) for word in whole}) / len(wanted) if wanted else 0.0


_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"'(\[])")


def sentences_of(text: str) -> list[str]:
    """The sentences of a paragraph: a break after . ? or ! before a capital, a quote or a bracket."""
    return [part for part in _SENTENCE_BREAK.split(text) if part.strip()]


CELL = "\x1f"
"""Stands for a tab through normalising, so that a table's columns can still be told apart."""


def cells_marked(line: str) -> str:
    """A tab-separated row ("Arsenal<TAB>Islington") with its cells kept apart as " | " (which reflowing keeps)."""
    if not re.search(rf"\S\s*[\t{CELL}]+\s*\S", line):
        return line.replace(CELL, " ")
    cells = [cell.strip() for cell in re.split(rf"[\t{CELL}]+", line.strip()) if cell.strip()]
    if len(cells) > 1 and _MARKER_CELL.match(cells[0]):
        cells[:2] = [f"{cells[0]} {cells[1]}"]  # "1.)<TAB>Are your employees ...": a list marker, not a column
    return " | ".join(cells) if len(cells) > 1 else cells[0] if cells else ""


_MARKER_CELL = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*\-o]|"
                          r"\(?(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.):]*\)?|q(?:uestion)?\s?\d{1,2}[.:)]?)$", re.IGNORECASE)



_PIECE_BREAK = re.compile(r"\n|[\u2022\u25cf\u25aa\u25e6]|(?<=[.;!?])\s+")
_QUOTED_WORDS = 6


def without_copied_pieces(text: str, source: str) -> str:
    """`text` less the lines, bullets and sentences copied word for word from `source`.

    A reply that repeats the requester's own list ("the role has these duties from the list you provided: ...
    where one does not exist") decides nothing by the words it repeats. Pieces under six words stay (a
    repeated "Not held." is the reply's own), and so does the whole text when all of it is copied.
    """
    if not source.strip() or not text.strip():
        return text
    quoted = _spaced_words(source)
    kept = [piece for piece in _PIECE_BREAK.split(text) if piece.strip() and not (
        len(piece_words := words(piece)) >= _QUOTED_WORDS and f" {' '.join(piece_words)} " in quoted)]
    return "\n".join(kept) if kept else text


@functools.lru_cache(maxsize=64)
def _spaced_words(source: str) -> str:
    """The words of a text, space-separated with a space either side (for whole-phrase containment)."""
    return f" {' '.join(words(source))} "


def wholly_copied(text: str, source: str) -> bool:
    """Whether every line and sentence of `text` is copied word for word from `source` (six words or more each)."""
    if not source.strip() or not text.strip():
        return False
    quoted = _spaced_words(source)
    pieces = [piece for piece in _PIECE_BREAK.split(text) if piece.strip()]
    return bool(pieces) and all(len(piece_words := words(piece)) >= _QUOTED_WORDS
                                and f" {' '.join(piece_words)} " in quoted for piece in pieces)
