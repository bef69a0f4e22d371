"""Baseline: the case database as main created it with `create_all` (before migrations).

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(64), nullable=False, unique=True),
        sa.Column("received", sa.Date, nullable=False),
        sa.Column("regime", sa.String(16), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("extended_due_date", sa.Date, nullable=True),
        sa.Column("request_text", sa.Text, nullable=False),
        sa.Column("requester_name", sa.Text, nullable=False),
        sa.Column("requester_email", sa.Text, nullable=False),
        sa.Column("requester_address", sa.Text, nullable=False),
        sa.Column("requester_phone", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("slack_channel", sa.String(64), nullable=False),
        sa.Column("slack_thread_ts", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
    )
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_cases_thread", "cases", ["slack_channel", "slack_thread_ts"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_index("ix_processed_events_seen_at", "processed_events", ["seen_at"])
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(32), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "slack_messages",
        sa.Column("reference", sa.String(64), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("ts", sa.String(64), nullable=False),
    )
    op.create_table(
        "case_questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "number", name="uq_case_questions_case_number"),
    )
    op.create_index("ix_case_questions_case_id", "case_questions", ["case_id"])
    op.create_table(
        "draft_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("question_id", sa.Integer, sa.ForeignKey("case_questions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("disposition", sa.String(64), nullable=False),
        sa.Column("exemptions", sa.JSON, nullable=False),
        sa.Column("wording", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("precedents", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("alternatives", sa.JSON, nullable=False),
        sa.Column("advice", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("question_id", "version", name="uq_draft_versions_question_version"),
    )
    op.create_index("ix_draft_versions_question_id", "draft_versions", ["question_id"])


def downgrade() -> None:
    for table in ("draft_versions", "case_questions", "slack_messages", "reference_counters", "processed_events",
                  "cases"):
        op.drop_table(table)
