"""Making text safe and small enough for Slack."""

from __future__ import annotations

import re

SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_FORMATTING = re.compile(r"[*_~`]")
_QUOTE = re.compile(r"(?m)^&gt;")
_ZERO_WIDTH_SPACE = "\u200b"


def escape(text: str) -> str:
    """User text as Slack shows it literally: no mentions, links or broadcasts nobody wrote."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width joiner after "@" keeps "@channel" from ever being read as a broadcast.
    return _BROADCAST.sub(lambda m: "@\u200d" + m.group(1), text)


def literal(text: str) -> str:
    """Requester or document text shown as written: `escape`, and no bold, italics, strike, code or quote.

    Slack's mrkdwn has no escape character; a formatting mark only counts next to a space or
    the end of the text, so a zero-width space on each side of every mark keeps it a mark.
    """
    text = _FORMATTING.sub(lambda m: f"{_ZERO_WIDTH_SPACE}{m.group(0)}{_ZERO_WIDTH_SPACE}", escape(text))
    return _QUOTE.sub(f"{_ZERO_WIDTH_SPACE}&gt;", text)


def chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Text cut into pieces of at most `limit` characters, at paragraph, line or word breaks."""
    text = text.strip()
    if not text:
        return []
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(". ", 0, limit) + 1,
                  text.rfind(" ", 0, limit))
        if cut <= limit // 4:
            cut = entity_safe(text, limit)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def entity_safe(text: str, cut: int) -> int:
    """A cut position moved back so it does not split an escape such as "&amp;"."""
    amp = text.rfind("&", max(0, cut - 5), cut)
    return amp if amp != -1 and ";" not in text[amp:cut] else cut


def fit(text: str, limit: int) -> str:
    """Escaped text cut to `limit` characters without breaking an escape."""
    return text if len(text) <= limit else text[: entity_safe(text, limit - 1)] + "\u2026"


def shorten(text: str, limit: int) -> str:
    """Text cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
