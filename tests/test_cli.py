"""The `foibot` command as a user runs it: real processes, real store, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CORPUS, SHARED_EXAMPLES, needs_shared_examples

pytestmark = pytest.mark.slow
FOIBOT = str(Path(sys.executable).parent / "foibot")


def _run(*args: str, data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, FOIBOT_DATA_DIR=str(data), HF_HUB_OFFLINE="1", **env)
    return subprocess.run([FOIBOT, *args], env=environment, capture_output=True, text=True, timeout=300,
                          check=False)


def test_parse_json_prints_one_object_per_question(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Reference: TST-2024-001\nDate: 2 May 2024\n\n"
        "1. How many speed cameras does the council run?\nThe council runs 14 fixed cameras.\n\n"
        "2. Where is the camera log kept?\nWe do not hold a camera log.\n",
        encoding="utf-8",
    )
    result = _run("parse", str(letter), "--json", data=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    precedents = json.loads(result.stdout)
    assert [p["disposition"] for p in precedents] == ["disclosed", "not_held"]
    assert {"question", "answer", "disposition", "exemptions", "reference", "date"} <= set(precedents[0])
    assert precedents[0]["reference"] == "TST-2024-001"
    assert precedents[0]["date"] == "2024-05-02"
    assert not (tmp_path / "data").exists(), "parse must store nothing"


@needs_shared_examples
def test_parse_reads_the_real_police_example() -> None:
    result = _run("parse", str(SHARED_EXAMPLES / "mps-ai-facial-recognition-response.txt"), "--json",
                  data=Path("/nonexistent"))
    precedents = json.loads(result.stdout)
    assert len(precedents) == 7
    assert precedents[4]["disposition"] == "ncnd"
    assert precedents[4]["exemptions"] == ["s24(2)", "s31(3)"]
    assert precedents[0]["request_level"]["disposition"] == "ncnd"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"\x00\x01\x02\x03" * 100, "binary"), (b"%PDF-1.7\n1 0 obj <<", "PDF")],
)
def test_bad_file_gets_a_one_line_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / ("bad.pdf" if reason == "PDF" else "bad.txt")
    path.write_bytes(content)
    result = _run("parse", str(path), data=tmp_path / "data")
    assert result.returncode == 2
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_exemption_shows_a_card() -> None:
    result = _run("exemption", "s31", data=Path("/nonexistent"))
    assert result.returncode == 0
    assert "Law enforcement" in result.stdout
    assert "s31(3)" in result.stdout
    unknown = _run("exemption", "s99", data=Path("/nonexistent"))
    assert unknown.returncode == 2
    assert "no exemption card" in unknown.stderr


def test_ingest_search_stats_and_refresh_through_the_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest = _run("ingest", str(SAMPLE_CORPUS), "--json", data=data)
    assert ingest.returncode == 0, ingest.stderr
    summary = json.loads(ingest.stdout)
    assert summary["added"] >= 40
    assert summary["failed"] == []

    search = _run("search", "drones for covert surveillance", "--disposition", "ncnd", "-k", "2", "--json",
                  data=data)
    hits = json.loads(search.stdout)
    assert 1 <= len(hits) <= 2
    assert all(hit["disposition"] == "ncnd" for hit in hits)
    assert {"score", "reference", "date", "exemptions", "source"} <= set(hits[0])

    stats = json.loads(_run("stats", "--json", data=data).stdout)
    assert stats["precedents"] == summary["precedents_written"]
    assert stats["last_refresh"]["summary"]["added"] == summary["added"]

    refresh = _run("refresh", "--json", data=data, FOIBOT_SOURCES=str(SAMPLE_CORPUS))
    assert json.loads(refresh.stdout)["unchanged"] == summary["added"]


def test_ingest_of_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = _run("ingest", str(tmp_path / "empty.txt"), data=tmp_path / "data")
    assert result.returncode == 1
    assert "failed: " in result.stdout
    assert "empty file" in result.stdout


def test_refresh_without_sources_says_what_to_set(tmp_path: Path) -> None:
    result = _run("refresh", data=tmp_path / "data", FOIBOT_SOURCES="")
    assert result.returncode == 2
    assert "FOIBOT_SOURCES" in result.stderr


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    result = _run("stats", data=tmp_path / "data", FOIBOT_CHROMA_PORT="not-a-port")
    assert result.returncode == 2
    assert "FOIBOT_CHROMA_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_cuda_without_a_gpu_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text("1. How many cameras?\nWe have 12 cameras.\n", encoding="utf-8")
    result = _run("ingest", str(tmp_path / "letter.txt"), "--device", "cuda", data=tmp_path / "data")
    assert result.returncode == 2
    assert "CUDA" in result.stderr
    assert "Traceback" not in result.stderr
