"""Ranked options, cues and the basis of a proposal on each version; a request-level stance on cases.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("draft_versions", sa.Column("proposed", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("draft_versions", sa.Column("options", sa.JSON, nullable=False, server_default=sa.text("'[]'")))
    op.add_column("draft_versions", sa.Column("cues", sa.JSON, nullable=False, server_default=sa.text("'[]'")))
    op.add_column("draft_versions", sa.Column("basis", sa.Text, nullable=False, server_default=""))
    op.add_column("cases", sa.Column("stance", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "stance")
    for column in ("basis", "cues", "options", "proposed"):
        op.drop_column("draft_versions", column)
