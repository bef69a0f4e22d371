"""Keeping the requester's personal data away from language models.

Every text sent to a model passes through `for_model`: the same redaction the request gets
when a case is opened (knowledge/personal_data.py, the one home of those rules), so names,
emails, phones and addresses become placeholders such as `[requester]` and `[email]`. Drafts
are shared in Slack and letters carry the placeholder "[requester name]" (bot/letter.py), so
no draft needs the values back: placeholders the model writes stay placeholders, and
`personal_data_in` rejects wording that holds a value.
"""

from __future__ import annotations

from bot.models import Requester
from knowledge.personal_data import personal_data_in, redact

__all__ = ["for_model", "personal_data_in"]


def for_model(text: str, requester: Requester | None) -> str:
    """Text with the requester's details (and any email, phone or postcode) replaced by placeholders."""
    return redact(text, requester or Requester()).text
