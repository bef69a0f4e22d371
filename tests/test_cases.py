"""The case database: round trips, restarts, versions, references, atomic creates and event dedupe."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from bot.cases import CaseError, CaseExists, CaseNotFound, CaseStore, QuestionNotFound
from bot.models import Alternative, Case, CaseQuestion, CaseStatus, Draft, Evidence, Requester
from knowledge.models import Disposition, Regime
from knowledge.settings import Settings


def _evidence(reference: str = "FOI-2023-0042", flags: tuple[str, ...] = ("stale",)) -> Evidence:
    return Evidence(
        reference=reference,
        date="2023-04-01",
        score=0.8734567891234,
        disposition="exempt_withheld",
        exemptions=("s40(2)", "s43(2)"),
        question="How many contracts did you sign?",
        answer="We hold this information but it is exempt.",
        source="logs/2023/FOI-2023-0042.pdf",
        precedent_id="abc123",
        flags=flags,
    )


def _draft(wording: str = "We hold this information.", author: str = "foibot", created_at: str = "") -> Draft:
    return Draft(
        disposition=Disposition.PARTIALLY_DISCLOSED,
        exemptions=("s43(2)",),
        wording=wording,
        confidence=0.61803398875,
        precedents=(_evidence(), _evidence("FOI-2022-0007", flags=("stale", "superseded"))),
        warnings=("Precedent is more than four years old.",),
        alternatives=(
            Alternative(Disposition.NCND, ("s31(3)",), "We neither confirm nor deny.", _evidence("FOI-2021-0001", ())),
            Alternative(Disposition.NOT_HELD, (), "We do not hold this information.", None),
        ),
        advice="You may find the published contracts register useful.",
        author=author,
        created_at=created_at,
        note="drafted from precedents",
    )


def _case(reference: str = "FOI-2026-0001", **changes: object) -> Case:
    case = Case(
        reference=reference,
        received=date(2026, 1, 5),
        regime=Regime.EIR,
        due_date=date(2026, 2, 2),
        request_text="Please tell me about contracts. [name redacted]",
        questions=[
            CaseQuestion(1, "How many contracts?", [_draft(created_at="2026-01-05T10:00:00+00:00")]),
            CaseQuestion(
                2,
                "Who signed them?",
                [_draft("First go.", created_at="2026-01-05T10:00:00+00:00"), _draft("Second go.", author="alice")],
            ),
        ],
        requester=Requester("Jane Doe", "jane@example.org", "1 High Street, Leeds", "0113 000 0000"),
        status="open",
        extended_due_date=date(2026, 3, 2),
        slack_channel="C123",
        slack_thread_ts="1767600000.000100",
        created_at="2026-01-05T09:59:00+00:00",
        warnings=["Requester asked for a reply by post."],
    )
    for name, value in changes.items():
        setattr(case, name, value)
    return case


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as connection:
        return tuple(
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("cases", "case_questions", "draft_versions")
        )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "folder" / "cases.sqlite3"


@pytest.fixture
def store(db_path: Path) -> CaseStore:
    return CaseStore(f"sqlite:///{db_path}")


def test_create_then_get_round_trips_every_field(store: CaseStore) -> None:
    case = _case()
    stored = store.create(case)
    fetched = store.get(case.reference)

    assert fetched == stored
    # Every field comes back as given, except the version created_at that was left empty.
    assert fetched.questions[0] == case.questions[0]
    assert fetched.questions[1].versions[0] == case.questions[1].versions[0]
    filled = fetched.questions[1].versions[1].created_at
    assert fetched.questions[1].versions[1] == _draft("Second go.", author="alice", created_at=filled)
    assert fetched.requester == case.requester
    assert fetched.regime is Regime.EIR
    assert isinstance(fetched.received, date)
    assert fetched.extended_due_date == date(2026, 3, 2)
    draft = fetched.questions[0].draft
    assert isinstance(draft.exemptions, tuple)
    assert isinstance(draft.precedents[1].flags, tuple)
    assert draft.precedents[1].flags == ("stale", "superseded")
    assert draft.alternatives[0].disposition is Disposition.NCND
    assert draft.alternatives[1].evidence is None


def test_create_fills_empty_created_at_in_iso_utc(store: CaseStore) -> None:
    stored = store.create(_case(created_at=""))

    assert stored.created_at.endswith("+00:00")
    assert stored.questions[1].versions[1].created_at.endswith("+00:00")
    assert store.get(stored.reference).created_at == stored.created_at


def test_requester_personal_data_only_in_requester_columns(store: CaseStore, db_path: Path) -> None:
    store.create(_case())

    with sqlite3.connect(db_path) as connection:
        requester = connection.execute(
            "SELECT requester_name, requester_email, requester_address, requester_phone FROM cases"
        ).fetchone()
        versions = connection.execute("SELECT * FROM draft_versions").fetchall()
        questions = connection.execute("SELECT * FROM case_questions").fetchall()
    assert requester == ("Jane Doe", "jane@example.org", "1 High Street, Leeds", "0113 000 0000")
    dumped = repr(versions) + repr(questions)
    assert "Jane Doe" not in dumped
    assert "jane@example.org" not in dumped


def test_case_survives_a_restart_with_all_versions(db_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    first = CaseStore(url)
    stored = first.create(_case())
    first.add_version(stored.reference, 1, _draft("Revised.", author="bob"))
    first.close()

    again = CaseStore(url)  # create_all again is harmless
    fetched = again.get(stored.reference)
    assert [d.wording for d in fetched.question(1).versions] == ["We hold this information.", "Revised."]
    assert fetched.question(2).versions == stored.question(2).versions


def test_add_version_keeps_every_version_in_order_with_authors_and_times(store: CaseStore) -> None:
    reference = store.create(_case()).reference

    store.add_version(reference, 1, _draft("Second.", author="alice"))
    updated = store.add_version(reference, 1, _draft("Third.", author="bob", created_at="2026-01-06T12:00:00+00:00"))

    versions = updated.question(1).versions
    assert [v.wording for v in versions] == ["We hold this information.", "Second.", "Third."]
    assert [v.author for v in versions] == ["foibot", "alice", "bob"]
    assert versions[1].created_at  # filled in
    assert versions[2].created_at == "2026-01-06T12:00:00+00:00"
    assert updated.question(1).draft.wording == "Third."
    assert store.get(reference) == updated
    assert len(updated.question(2).versions) == 2


def test_add_version_to_unknown_case_or_question_gives_one_line_errors(store: CaseStore) -> None:
    reference = store.create(_case()).reference

    with pytest.raises(CaseNotFound) as missing_case:
        store.add_version("FOI-1999-0001", 1, _draft())
    with pytest.raises(QuestionNotFound) as missing_question:
        store.add_version(reference, 9, _draft())

    assert str(missing_case.value) == "no case with reference 'FOI-1999-0001'"
    assert str(missing_question.value) == f"case {reference!r} has no question 9 (its questions are Q1, Q2)"
    assert isinstance(missing_question.value, KeyError)


def test_concurrent_add_version_numbers_every_version(store: CaseStore) -> None:
    reference = store.create(_case()).reference

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda i: store.add_version(reference, 2, _draft(f"v{i}")), range(12)))

    versions = store.get(reference).question(2).versions
    assert len(versions) == 14
    assert {v.wording for v in versions[2:]} == {f"v{i}" for i in range(12)}


def test_next_reference_increments_per_prefix_and_year(store: CaseStore) -> None:
    assert store.next_reference(year=2026) == "FOI-2026-0001"
    assert store.next_reference(year=2026) == "FOI-2026-0002"
    assert store.next_reference(year=2027) == "FOI-2027-0001"
    assert store.next_reference("EIR", year=2026) == "EIR-2026-0001"
    assert store.next_reference(year=2026) == "FOI-2026-0003"
    assert store.next_reference().startswith(f"FOI-{date.today().year}-")


def test_next_reference_skips_references_already_used_by_stored_cases(store: CaseStore) -> None:
    store.create(_case("FOI-2026-0001"))
    store.create(_case("FOI-2026-0002"))

    assert store.next_reference(year=2026) == "FOI-2026-0003"


def test_next_reference_survives_a_restart(db_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    assert CaseStore(url).next_reference(year=2026) == "FOI-2026-0001"
    assert CaseStore(url).next_reference(year=2026) == "FOI-2026-0002"


def test_next_reference_is_unique_across_concurrent_callers(db_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    stores = [CaseStore(url) for _ in range(2)]  # two processes' worth of connections

    with ThreadPoolExecutor(max_workers=8) as pool:
        references = list(pool.map(lambda i: stores[i % 2].next_reference(year=2026), range(60)))

    assert len(set(references)) == 60
    assert sorted(references) == [f"FOI-2026-{n:04d}" for n in range(1, 61)]


def test_create_with_duplicate_reference_writes_nothing(store: CaseStore, db_path: Path) -> None:
    store.create(_case())
    before = _counts(db_path)

    with pytest.raises(CaseExists) as raised:
        store.create(_case())

    assert _counts(db_path) == before == (1, 2, 3)
    assert str(raised.value) == "a case with reference 'FOI-2026-0001' already exists"


def test_create_failing_after_the_case_row_leaves_nothing_half_written(store: CaseStore, db_path: Path) -> None:
    store.create(_case())
    before = _counts(db_path)
    broken = _case("FOI-2026-0002")
    broken.questions.append(CaseQuestion(1, "A second question 1", [_draft()]))  # breaks unique (case, number)

    with pytest.raises(CaseError, match="could not store case 'FOI-2026-0002'") as raised:
        store.create(broken)

    assert "\n" not in str(raised.value)
    assert _counts(db_path) == before
    with pytest.raises(CaseNotFound):
        store.get("FOI-2026-0002")


def test_find_by_thread_finds_the_case_of_a_thread(store: CaseStore) -> None:
    store.create(_case("FOI-2026-0001", slack_channel="", slack_thread_ts=""))
    stored = store.create(_case("FOI-2026-0002", slack_channel="", slack_thread_ts=""))
    store.set_thread(stored.reference, "C999", "1767600000.000200")

    found = store.find_by_thread("C999", "1767600000.000200")

    assert found is not None
    assert found.reference == "FOI-2026-0002"
    assert found.slack_channel == "C999"
    assert store.find_by_thread("C999", "1767600000.999999") is None
    assert store.find_by_thread("", "") is None


def test_list_cases_newest_first_and_filtered_by_status(store: CaseStore) -> None:
    store.create(_case("FOI-2026-0001", created_at="2026-01-01T09:00:00+00:00"))
    store.create(_case("FOI-2026-0002", created_at="2026-01-03T09:00:00+00:00"))
    store.create(_case("FOI-2026-0003", created_at="2026-01-02T09:00:00+00:00"))
    store.set_status("FOI-2026-0002", CaseStatus.ANSWERED)

    every = store.list_cases()
    open_cases = store.list_cases("open")

    assert [c.reference for c in every] == ["FOI-2026-0002", "FOI-2026-0003", "FOI-2026-0001"]
    assert [c.reference for c in open_cases] == ["FOI-2026-0003", "FOI-2026-0001"]
    assert [c.reference for c in store.list_cases(CaseStatus.ANSWERED)] == ["FOI-2026-0002"]
    assert all(len(c.question(2).versions) == 2 for c in every)
    assert store.list_cases("closed") == []


def test_set_status_and_set_thread_return_and_persist_the_change(store: CaseStore) -> None:
    reference = store.create(_case()).reference

    assert store.set_status(reference, CaseStatus.ANSWERED).status is CaseStatus.ANSWERED
    threaded = store.set_thread(reference, "C1", "1.2")

    assert (threaded.slack_channel, threaded.slack_thread_ts) == ("C1", "1.2")
    assert store.get(reference) == threaded
    with pytest.raises(CaseNotFound):
        store.set_status("FOI-1999-0001", CaseStatus.ANSWERED)


def test_delete_removes_the_case_its_questions_and_versions(store: CaseStore, db_path: Path) -> None:
    store.create(_case("FOI-2026-0001"))
    store.create(_case("FOI-2026-0002"))

    store.delete("FOI-2026-0001")

    assert _counts(db_path) == (1, 2, 3)
    with pytest.raises(CaseNotFound):
        store.get("FOI-2026-0001")
    with pytest.raises(CaseNotFound):
        store.delete("FOI-2026-0001")


def test_unknown_reference_gives_one_line_error(store: CaseStore) -> None:
    with pytest.raises(CaseNotFound) as raised:
        store.get("FOI-2026-9999")

    message = str(raised.value)
    assert message == "no case with reference 'FOI-2026-9999'"
    assert "\n" not in message
    assert isinstance(raised.value, KeyError)
    assert isinstance(raised.value, CaseError)


def test_remember_event_is_true_once_then_false_also_after_restart(db_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    first = CaseStore(url)
    assert first.remember_event("Ev01") is True
    assert first.remember_event("Ev01") is False
    assert first.remember_event("Ev02") is True

    assert CaseStore(url).remember_event("Ev01") is False


def test_remember_event_is_true_for_exactly_one_of_concurrent_callers(store: CaseStore) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: store.remember_event("EvSame"), range(16)))

    assert outcomes.count(True) == 1


def test_forget_events_older_than_drops_only_old_events(store: CaseStore) -> None:
    store.remember_event("EvOld")
    time.sleep(0.05)
    store.remember_event("EvNew")

    assert store.forget_events_older_than(0.025) == 1
    assert store.remember_event("EvOld") is True
    assert store.remember_event("EvNew") is False


def test_sqlite_file_uses_wal_and_foreign_keys(store: CaseStore) -> None:
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_default_settings_url_creates_the_data_folder(settings: Settings) -> None:
    store = CaseStore(settings.case_database_url)

    store.create(_case())

    assert (settings.data_dir / "cases.sqlite3").is_file()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_url_works_across_calls_and_threads(url: str) -> None:
    store = CaseStore(url)
    reference = store.create(_case()).reference

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: store.add_version(reference, 1, _draft(f"v{i}")), range(8)))

    assert len(store.get(reference).question(1).versions) == 9
    assert store.next_reference(year=2026) == "FOI-2026-0002"
    assert store.remember_event("Ev") is True
    assert store.remember_event("Ev") is False
