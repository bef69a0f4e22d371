"""The bot's own refresh schedule: cron syntax, one refresh at a time, a summary per run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.slack.jobs import RefreshJobs
from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Ledger, refresh_lock, refresh_times
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

pytestmark = pytest.mark.slow


def _jobs(tmp_path: Path, embeddings: SentenceEmbeddings) -> tuple[RefreshJobs, Settings]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "letter.txt").write_text("1. How many gritters does the council own?\nThe council owns 9 gritters.\n",
                                       encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", sources=(str(corpus),))  # type: ignore[call-arg]
    client = WebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/api/")  # never called: no channel
    return RefreshJobs(settings, KnowledgeStore(settings), embeddings, client), settings


def test_a_bad_cron_expression_is_refused_with_an_example(tmp_path: Path, embeddings: SentenceEmbeddings) -> None:
    jobs, _ = _jobs(tmp_path, embeddings)
    with pytest.raises(ValueError, match="not a cron expression"):
        jobs.schedule("every night please")


def test_scheduled_refresh_runs_and_records_its_summary(tmp_path: Path, embeddings: SentenceEmbeddings) -> None:
    jobs, settings = _jobs(tmp_path, embeddings)
    jobs.schedule("* * * * * *")  # croniter's optional seconds field: every second
    try:
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline and last is None:
            time.sleep(0.5)
            if settings.ledger_path.exists():
                ledger = Ledger(settings.ledger_path)
                last = ledger.last_run()
                ledger.close()
        assert last is not None
        assert last["summary"]["added"] + last["summary"]["unchanged"] == 1
    finally:
        jobs.stop()


def test_a_scheduled_run_skips_while_another_refresh_holds_the_lock(
    tmp_path: Path, embeddings: SentenceEmbeddings
) -> None:
    jobs, settings = _jobs(tmp_path, embeddings)
    with refresh_lock(settings.data_dir):
        assert jobs.run(None) is None


def test_the_schedule_is_read_on_london_time_all_year() -> None:
    from datetime import UTC, datetime
    from itertools import islice

    summer = next(refresh_times("0 2 * * *", datetime(2025, 7, 1, 12, 0, tzinfo=UTC)))
    winter = next(refresh_times("0 2 * * *", datetime(2025, 12, 1, 12, 0, tzinfo=UTC)))

    assert summer == datetime(2025, 7, 2, 1, 0, tzinfo=UTC)  # 02:00 BST
    assert winter == datetime(2025, 12, 2, 2, 0, tzinfo=UTC)  # 02:00 GMT
    autumn = list(islice(refresh_times("30 1 * * *", datetime(2025, 10, 25, 12, 0, tzinfo=UTC)), 2))
    assert autumn == [datetime(2025, 10, 26, 0, 30, tzinfo=UTC), datetime(2025, 10, 27, 1, 30, tzinfo=UTC)], \
        "the hour the clocks go back repeats 01:30: one run, not two"


def test_a_bad_time_zone_is_a_one_line_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a time zone name"):
        Settings(_env_file=None, data_dir=tmp_path, refresh_timezone="Mars/Olympus")  # type: ignore[call-arg]
