"""Alembic's environment: migrations run on the connection `bot.cases.upgrade` hands over.

There is no alembic.ini: `CaseStore` configures Alembic in code and passes an open connection
inside a transaction, so a whole upgrade commits or rolls back as one.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
