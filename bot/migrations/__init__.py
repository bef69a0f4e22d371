"""Alembic migrations of the case database (`CaseStore` upgrades a database when it opens it)."""
