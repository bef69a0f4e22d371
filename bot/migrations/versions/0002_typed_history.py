"""Typed history and stable question ids.

Each version records its edit as a kind, the author's display name, the version an undo takes
back, and whether the draft is a placeholder; warnings become {kind, message}; questions get
a position (their order in the letter) apart from their id; cases keep the text no question
holds, the caseworker's name, who opened them and their history of approvals.

Rows written before this revision kept all of this as display text. The conversion below reads
that text once, here, so that no code reads it again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BOT = "foibot"
_DRAFT_WARNINGS = (
    ("no close precedent", "no_precedent"),
    ("consistency:", "consistency"),
    ("rests on a precedent older than", "stale_precedent"),
    ("rests on an old precedent", "stale_precedent"),
    ("the closest precedent", "superseded_precedent"),
    ("LLM draft rejected", "model_fallback"),
    ("the model cited no precedent", "model_uncited"),
)
_CASE_WARNINGS = (
    ("the request may not be in English", "not_english"),
    ("nothing in the request reads as a question", "no_question"),
)
_NOTES = (
    (re.compile(r"^regenerated"), "regenerated"),
    (re.compile(r"^accepted$"), "accepted"),
    (re.compile(r"^disposition set to"), "disposition"),
    (re.compile(r"^added advice and assistance$"), "add_advice"),
    (re.compile(r"^added "), "add_exemptions"),
    (re.compile(r"^advice rewritten$"), "set_advice"),
    (re.compile(r"^advice removed$"), "remove_advice"),
    (re.compile(r"^removed "), "remove_exemptions"),
    (re.compile(r"^alternative \d+ used$"), "alternative"),
    (re.compile(r"^wording rewritten$"), "wording"),
    (re.compile(r"^last change undone$"), "undo"),
    (re.compile(r"^rewritten by the language model"), "model_rewrite"),
)


def _typed(warnings: Any, rules: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    out = []
    for warning in _loads(warnings):
        if isinstance(warning, dict):
            out.append(warning)
            continue
        text = str(warning)
        kind = next((kind for prefix, kind in rules if text.startswith(prefix)), "note")
        out.append({"kind": kind, "message": text})
    return out


def _loads(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def _edit(note: str, version: int) -> str:
    for pattern, kind in _NOTES:
        if pattern.search(note):
            return kind
    return "drafted" if version == 1 else "wording"


def upgrade() -> None:
    op.add_column("case_questions", sa.Column("position", sa.Integer, nullable=False, server_default="0"))
    op.add_column("draft_versions", sa.Column("edit", sa.String(32), nullable=False, server_default="drafted"))
    op.add_column("draft_versions", sa.Column("author_name", sa.String(255), nullable=False, server_default=""))
    op.add_column("draft_versions", sa.Column("undoes", sa.Integer, nullable=False, server_default="0"))
    op.add_column("draft_versions", sa.Column("placeholder", sa.Boolean, nullable=False,
                                              server_default=sa.false()))
    op.add_column("cases", sa.Column("left_out", sa.JSON, nullable=False, server_default=sa.text("'[]'")))
    op.add_column("cases", sa.Column("caseworker", sa.Text, nullable=False, server_default=""))
    op.add_column("cases", sa.Column("opened_by", sa.String(255), nullable=False, server_default=""))
    op.add_column("cases", sa.Column("events", sa.JSON, nullable=False, server_default=sa.text("'[]'")))

    bind = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("warnings", sa.JSON),
                     sa.column("opened_by", sa.String))
    questions = sa.table("case_questions", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                         sa.column("number", sa.Integer), sa.column("position", sa.Integer))
    versions = sa.table(
        "draft_versions", sa.column("id", sa.Integer), sa.column("question_id", sa.Integer),
        sa.column("version", sa.Integer), sa.column("wording", sa.Text), sa.column("warnings", sa.JSON),
        sa.column("author", sa.String), sa.column("note", sa.Text), sa.column("edit", sa.String),
        sa.column("undoes", sa.Integer), sa.column("placeholder", sa.Boolean),
    )
    bind.execute(questions.update().values(position=questions.c.number))
    opened_by: dict[int, str] = {}
    rows = bind.execute(
        sa.select(versions.c.id, versions.c.question_id, versions.c.version, versions.c.wording,
                  versions.c.warnings, versions.c.author, versions.c.note, questions.c.case_id)
        .select_from(versions.join(questions, versions.c.question_id == questions.c.id))
        .order_by(versions.c.question_id, versions.c.version)
    ).all()
    by_question: dict[int, list[Any]] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    for history in by_question.values():
        edits: list[str] = []
        undone: set[int] = set()
        for row in history:
            edit = _edit(row.note or "", row.version)
            undoes = 0
            if edit == "undo":
                # The change an undo took back: the latest change not already undone (main's rule).
                targets = [n for n in range(2, row.version) if edits[n - 1] != "undo" and n not in undone]
                undoes = targets[-1] if targets else 0
                undone.add(undoes)
            edits.append(edit)
            warnings = _typed(row.warnings, _DRAFT_WARNINGS)
            author = row.author
            if edit == "drafted":
                opened_by.setdefault(row.case_id, author if author != _BOT else "")
                author = _BOT  # the first draft was always the bot's, whoever asked for it
            placeholder = (row.wording or "").startswith("[No close precedent") or any(
                w["kind"] == "no_precedent" for w in warnings)
            bind.execute(versions.update().where(versions.c.id == row.id).values(
                edit=edit, undoes=undoes, warnings=warnings, author=author, placeholder=placeholder))
    for case in bind.execute(sa.select(cases.c.id, cases.c.warnings)).all():
        bind.execute(cases.update().where(cases.c.id == case.id).values(
            warnings=_typed(case.warnings, _CASE_WARNINGS), opened_by=opened_by.get(case.id, "")))


def downgrade() -> None:
    for column in ("events", "opened_by", "caseworker", "left_out"):
        op.drop_column("cases", column)
    for column in ("placeholder", "undoes", "author_name", "edit"):
        op.drop_column("draft_versions", column)
    op.drop_column("case_questions", "position")
