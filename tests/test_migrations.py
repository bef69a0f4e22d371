"""Case database migrations: main's schema upgraded in place, nothing lost, and the models match the migrations."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from bot.cases import Base, CaseStore, current_revision, head_revision
from bot.models import BOT, CaseStatus, EditKind, WarningKind

MAIN_SCHEMA = Path(__file__).parent / "data" / "cases_schema_main.sql"


def _old_database(path: Path) -> None:
    """A case database exactly as main wrote it: its schema, a case, two questions, five versions."""
    with sqlite3.connect(path) as db:
        db.executescript(MAIN_SCHEMA.read_text(encoding="utf-8"))
        db.execute(
            "insert into cases (id, reference, received, regime, due_date, request_text, requester_name, "
            "requester_email, requester_address, requester_phone, status, slack_channel, slack_thread_ts, "
            "created_at, warnings) values (1, 'FOI-2025-0007', '2025-03-03', 'foia', '2025-03-31', "
            "'1. Drones? 2. Cameras?', 'Jo Bloggs', 'jo@example.org', '', '', 'open', 'C1', '1.1', "
            "'2025-03-03T09:00:00+00:00', ?)",
            (json.dumps(["the request may not be in English: check each draft"]),))
        db.executemany("insert into case_questions (id, case_id, number, text) values (?, 1, ?, ?)",
                       [(1, 1, "How many drones?"), (2, 2, "How many cameras?")])
        rows = [
            (1, 1, "ncnd", "[No close precedent: check by hand.]", "U123", "drafted from precedents",
             ["no close precedent (best similarity 0.31): drafted as a placeholder, decide this one by hand"]),
            (1, 2, "not_held", "We do not hold it.", "U123", "disposition set to not_held", []),
            (1, 3, "ncnd", "[No close precedent: check by hand.]", "U123", "last change undone", []),
            (2, 1, "disclosed", "There are four.", "cli", "drafted from precedents",
             ["consistency: this confirms information on a question the authority has neither confirmed nor "
              "denied before (FC-1)"]),
            (2, 2, "disclosed", "There are four.", "sam", "accepted", []),
        ]
        for question, version, disposition, wording, author, note, warnings in rows:
            db.execute(
                "insert into draft_versions (question_id, version, disposition, exemptions, wording, confidence, "
                "precedents, warnings, alternatives, advice, author, created_at, note) "
                "values (?, ?, ?, '[]', ?, 0.5, '[]', ?, '[]', '', ?, '2025-03-03T09:00:00+00:00', ?)",
                (question, version, disposition, wording, json.dumps(warnings), author, note))
        db.execute("insert into slack_messages values ('FOI-2025-0007', 1, 'C1', '1.2')")
        db.execute("insert into reference_counters values ('FOI', 2025, 7)")


def _counts(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(path) as db:
        return tuple(db.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
                     for table in ("cases", "case_questions", "draft_versions", "slack_messages",
                                   "reference_counters"))


def test_a_database_with_mains_schema_is_upgraded_on_opening_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    _old_database(path)
    before = _counts(path)

    store = CaseStore(f"sqlite:///{path}")
    case = store.get("FOI-2025-0007")

    assert _counts(path) == before
    assert case.status is CaseStatus.OPEN
    assert case.requester.name == "Jo Bloggs"
    assert [q.number for q in case.questions] == [1, 2]
    assert case.opened_by == "U123"
    assert case.warnings[0].kind is WarningKind.NOT_ENGLISH
    first, second = case.question(1), case.question(2)
    assert [v.edit for v in first.versions] == [EditKind.DRAFTED, EditKind.DISPOSITION, EditKind.UNDO]
    assert [v.author for v in first.versions] == [BOT, "U123", "U123"]
    assert first.versions[2].undoes == 2  # the legacy undo took back version 2
    assert first.versions[0].placeholder
    assert first.versions[0].warnings[0].kind is WarningKind.NO_PRECEDENT
    assert not first.decided  # the undo went back to the bot's placeholder
    assert second.versions[0].warnings[0].kind is WarningKind.CONSISTENCY
    assert second.decided  # sam accepted it
    assert store.message("FOI-2025-0007", 1) == ("C1", "1.2")
    assert store.next_reference("FOI", 2025) == "FOI-2025-0008"
    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()


def test_an_upgraded_database_works_on_and_reopens_without_migrating_again(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    _old_database(path)
    store = CaseStore(f"sqlite:///{path}")
    store.add_version("FOI-2025-0007", 2, store.get("FOI-2025-0007").question(2).draft.revised(
        author="kim", edit=EditKind.WORDING, wording="There are five."))
    store.close()

    again = CaseStore(f"sqlite:///{path}")

    assert again.get("FOI-2025-0007").question(2).draft.wording == "There are five."
    assert len(again.get("FOI-2025-0007").question(2).versions) == 3


def test_old_databases_opened_at_once_by_several_stores_are_upgraded_once(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    _old_database(path)

    with ThreadPoolExecutor(max_workers=4) as pool:
        stores = list(pool.map(lambda _: CaseStore(f"sqlite:///{path}"), range(4)))

    assert all(store.get("FOI-2025-0007").reference == "FOI-2025-0007" for store in stores)
    with sqlite3.connect(path) as db:
        assert db.execute("select version_num from alembic_version").fetchall() == [(head_revision(),)]


@pytest.mark.parametrize("old", [True, False])
def test_the_migrated_schema_is_exactly_the_models_schema(tmp_path: Path, old: bool) -> None:
    path = tmp_path / "cases.sqlite3"
    if old:
        _old_database(path)
    CaseStore(f"sqlite:///{path}").close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
