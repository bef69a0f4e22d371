"""The case database on a real PostgreSQL server, started here (the `postgres` extra's URL).

The server is a throwaway cluster in a temporary folder, started with the PostgreSQL binaries
found on this machine (run as the `postgres` user when the tests run as root, as initdb
requires). `FOIBOT_TEST_POSTGRES_URL` points the tests at an existing server instead. Without
either, or without psycopg, the tests skip with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.cases import CaseExists, CaseStore
from tests.test_cases import _case, _draft

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")


def _binaries() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))  # Debian keeps them here
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: initdb refuses to run as root")
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The URL of a PostgreSQL database no other test uses."""
    given = os.environ.get("FOIBOT_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    binaries = _binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL binaries on this machine (initdb, pg_ctl) and no FOIBOT_TEST_POSTGRES_URL")
    # Not under pytest's own temporary folder: as root that is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="foibot-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(_as_server_user([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "foibot"]),
                   check=True, capture_output=True, timeout=120)
    subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                                    "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, capture_output=True, timeout=120)
    try:
        admin = create_engine(f"postgresql+psycopg://foibot@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE cases"))
        admin.dispose()
        yield f"postgresql+psycopg://foibot@127.0.0.1:{port}/cases"
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       check=False, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_opening_migrates_an_empty_database_and_a_second_opening_changes_nothing(server: str) -> None:
    CaseStore(server)
    engine = create_engine(server)
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    CaseStore(server)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == revision
    engine.dispose()
    assert {"cases", "case_questions", "draft_versions", "alembic_version"} <= tables


@pytest.mark.slow
def test_a_case_round_trips_with_every_version_and_a_duplicate_writes_nothing(server: str) -> None:
    store = CaseStore(server)
    case = _case(reference="PG-2026-0001")
    store.create(case)
    store.add_version(case.reference, 1, _draft("A caseworker's wording.", author="sam"))

    again = CaseStore(server).get(case.reference)  # a restart: everything came from the server

    assert again.requester == case.requester
    assert [q.text for q in again.questions] == [q.text for q in case.questions]
    assert [d.wording for d in again.question(1).versions] == ["We hold this information.",
                                                                "A caseworker's wording."]
    assert again.question(2).versions[1].author == "alice"
    assert again.question(1).draft.precedents[0].exemptions == ("s40(2)", "s43(2)")
    with pytest.raises(CaseExists):
        store.create(_case(reference="PG-2026-0001"))
    assert len(CaseStore(server).get(case.reference).question(1).versions) == 2


@pytest.mark.slow
def test_concurrent_callers_get_distinct_references_and_version_numbers(server: str) -> None:
    store = CaseStore(server)
    with ThreadPoolExecutor(max_workers=6) as pool:
        references = list(pool.map(lambda _: store.next_reference(prefix="PGC"), range(12)))
    assert len(set(references)) == 12
    case = _case(reference="PG-2026-0002")
    store.create(case)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: store.add_version(case.reference, 1, _draft(f"version {n}")), range(10)))
    assert len(store.get(case.reference).question(1).versions) == 11
