"""The command line's global behaviour, from outside: check, --version, help, tables, faults in one line."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from bot.cli import _arguments
from bot.refinement import HELP
from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Ledger, Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

pytestmark = pytest.mark.slow
FOIBOT = str(Path(sys.executable).parent / "foibot")
ROOT = Path(__file__).resolve().parent.parent

LETTERS = {
    "gritters.txt": "Reference: FEN-2024-0001\nDate: 2 May 2024\n\n1. How many gritters does the council own?\n"
                    "The council owns 9 gritters.\n",
    "minutes.txt": "Reference: FEN-2024-0002\nDate: 3 May 2024\n\n1. Please send the parks committee minutes.\n"
                   "The minutes are reasonably accessible to you on our website, so section 21 applies.\n",
    "README.md": "# Fenmoor disclosure log\n\n1. What is this folder?\nThe council's published FOI responses.\n",
}


def _run(*args: str, data: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, FOIBOT_DATA_DIR=str(data), HF_HUB_OFFLINE="1", SLACK_BOT_TOKEN="",
                       SLACK_SIGNING_SECRET="", SLACK_APP_TOKEN="", **env)
    return subprocess.run([FOIBOT, *args], env=environment, capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=data.parent)


def _folder(tmp_path: Path, letters: dict[str, str] = LETTERS) -> Path:
    folder = tmp_path / "log"
    folder.mkdir()
    for name, text in letters.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_version_is_printed() -> None:
    result = subprocess.run([FOIBOT, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("foibot 0.")


def test_every_option_and_argument_has_help() -> None:
    parser = _arguments()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    undocumented = [
        f"{name} {action.dest}"
        for name, command in [("foibot", parser), *subparsers.choices.items()]
        for action in command._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction) and not action.help
    ]
    assert undocumented == []


def test_refine_help_shows_the_refinement_grammar() -> None:
    result = subprocess.run([FOIBOT, "refine", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert HELP.removeprefix("I understand: ") in " ".join(result.stdout.split())


def test_check_reports_a_missing_bot_token_without_loading_the_model(tmp_path: Path) -> None:
    result = _run("check", "--serve", data=tmp_path / "data")

    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN is not set" in result.stdout
    parts = [line.split()[1] for line in result.stdout.splitlines()]
    assert parts == ["settings", "slack", "store", "model", "database", "llm"]
    probe = subprocess.run([sys.executable, "-c", (
        "import sys; from bot.checks import run_checks, ServeMode; from knowledge.settings import Settings; "
        f"run_checks(Settings(_env_file=None, data_dir={str(tmp_path / 'data')!r}), ServeMode.HTTP); "
        "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))")],
        capture_output=True, text=True, check=True, cwd=ROOT)
    assert probe.stdout.strip() == "[]"


def test_serve_reports_a_missing_token_before_loading_anything(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = _run("serve", "--port", "0", data=tmp_path / "data")
    elapsed = time.perf_counter() - started

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 30  # generous: the point is that no model load or Slack call happened first


def test_a_bad_regime_prefix_is_one_line(tmp_path: Path) -> None:
    result = _run("exemption", "note: s31", data=tmp_path / "data")

    assert result.returncode == 2
    assert "is not a regime" in _one_clear_line(result)


def test_ingest_tables_labels_and_readme(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    data = tmp_path / "data"

    ingested = _run("ingest", str(folder), "--json", data=data)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["added"] == 2, "the folder's README.md is no precedent"
    assert ingested.stderr == "", "no progress drawn when standard error is not a terminal"

    stats = _run("stats", data=data)
    assert stats.returncode == 0, stats.stderr
    assert "Reasonably accessible" in stats.stdout
    assert "s21_accessible" not in stats.stdout
    assert "documents" in stats.stdout

    search = _run("search", "parks committee minutes", "-k", "2", data=data)
    assert search.returncode == 0, search.stderr
    assert "Reasonably accessible" in search.stdout
    assert "FEN-2024-0002" in search.stdout


def test_a_cli_ingest_is_refused_while_the_bot_holds_the_embedded_store(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    data = tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from knowledge.refresh import bot_store; from knowledge.settings import Settings\n"
        f"with bot_store(Settings(_env_file=None, data_dir={str(data)!r})):\n"
        "    print('held', flush=True); time.sleep(120)")], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        result = _run("ingest", str(folder), data=data)
        approval = _run("approve", "FOI-2026-0001", data=data)  # approving files precedents too
    finally:
        holder.kill()
        holder.wait()

    assert approval.returncode == 2
    assert "the bot (foibot serve) holds the embedded store" in _one_clear_line(approval)

    assert result.returncode == 2
    line = _one_clear_line(result)
    assert "the bot (foibot serve) holds the embedded store" in line
    assert "FOIBOT_CHROMA_HOST" in line
    assert not (data / "ledger.sqlite3").exists() or "documents" not in line


def test_bad_files_in_a_batch_are_one_line_each_and_the_rest_is_recorded(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {k: v for k, v in LETTERS.items() if k != "README.md"})
    document = docx.Document()
    document.add_paragraph("1. How many?")
    buffer = io.BytesIO()
    document.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, b"<w:document><w:bo" if item.filename == "word/document.xml"
                            else source.read(item.filename))
    (folder / "damaged.docx").write_bytes(damaged.getvalue())
    (folder / "utf16.txt").write_bytes("1. How many libraries are open?\nTwelve libraries are open.\n"
                                       .encode("utf-16-le"))
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "odd\nname.txt").write_text("", encoding="utf-8")
    data = tmp_path / "data"

    result = _run("ingest", str(folder), data=data)

    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    failed = [line for line in lines if line.strip().startswith("failed:")]
    assert len(failed) == 3, result.stdout
    assert any("damaged.docx: corrupt or truncated DOCX" in line for line in failed)
    assert any("loop.txt: symbolic link loop" in line for line in failed)
    assert any("odd\\nname.txt: empty file" in line for line in failed)
    assert lines[0].startswith("added 3,"), "gritters, minutes and the UTF-16 letter"
    stats = json.loads(_run("stats", "--json", data=data).stdout)
    assert stats["documents"] == 3
    assert stats["last_refresh"]["summary"]["added"] == 3


def test_stats_right_after_a_killed_ingest_counts_only_what_was_committed(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {k: v for k, v in LETTERS.items() if k != "README.md"})
    data = tmp_path / "data"

    killed = _run("ingest", str(folder), data=data, FOIBOT_TEST_KILL_AT="after_upsert")
    assert killed.returncode == -9
    stats = json.loads(_run("stats", "--json", data=data).stdout)

    assert stats["precedents"] == 0
    assert stats["documents"] == 0


def test_an_unreadable_subfolder_is_reported_and_the_refresh_goes_on(
        tmp_path: Path, settings: Settings, embeddings: SentenceEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, {k: v for k, v in LETTERS.items() if k != "README.md"})
    private = folder / "2023"
    private.mkdir()
    (private / "old.txt").write_text("1. How many bins?\nThere are 40 bins.\n", encoding="utf-8")
    refresher = Refresher(settings, KnowledgeStore(settings), embeddings)
    try:
        assert refresher.run([folder]).added == 3
        if os.geteuid() != 0:
            private.chmod(0o000)
        else:  # root reads every folder whatever its mode: refuse this one as the kernel would refuse a user
            _refuse(monkeypatch, private)
        summary = refresher.run([folder])
    finally:
        private.chmod(0o755)
        refresher.close()

    assert summary.failed == [(str(private), "cannot read folder: Permission denied")]
    assert summary.removed == 0, "what an unreadable folder held before is kept, not pruned"
    assert summary.unchanged == 2
    ledger = Ledger(settings.ledger_path)
    try:
        assert ledger.last_run() is not None
        assert len(ledger.documents()) == 3
    finally:
        ledger.close()


def _refuse(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real_scandir, real_stat = os.scandir, Path.stat

    def scandir(path: Any = ".") -> Any:
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def stat(self: Path, *, follow_symlinks: bool = True) -> os.stat_result:
        if self.is_relative_to(folder) and self != folder:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "stat", stat)


def test_draft_takes_the_authoritys_reference_and_reads_html_and_word_requests(tmp_path: Path) -> None:
    data = tmp_path / "data"
    page = tmp_path / "request.html"
    page.write_text("<html><body><p>Dear Fenmoor Council,</p><ol><li>How many gritters does the council own?</li>"
                    "<li>What did the gritting cost in 2024?</li></ol><p>Regards,<br>Jo Quill</p></body></html>",
                    encoding="utf-8")
    document = docx.Document()
    for line in ("Dear Fenmoor Council,", "1. How many libraries are open on Sundays?", "Yours, Jo Quill"):
        document.add_paragraph(line)
    word = tmp_path / "request.docx"
    document.save(str(word))

    html_case = _run("draft", str(page), "--reference", "FEN/2024/101", "--json", data=data)
    assert html_case.returncode == 0, html_case.stderr
    drafted = json.loads(html_case.stdout)
    assert drafted["case"] == "FEN/2024/101"
    assert [q["question"] for q in drafted["questions"]] == [
        "How many gritters does the council own?", "What did the gritting cost in 2024?"]
    word_case = _run("draft", str(word), "--json", data=data)
    assert word_case.returncode == 0, word_case.stderr
    assert "libraries are open on Sundays" in json.loads(word_case.stdout)["questions"][0]["question"]

    again = _run("draft", str(page), "--reference", "FEN/2024/101", data=data)
    assert again.returncode == 2
    assert "already exists" in _one_clear_line(again)


def test_parse_reads_a_folder_skips_its_readme_reports_bad_files_and_its_speed(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    result = _run("parse", str(folder), "--json", data=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    precedents = json.loads(result.stdout)
    assert {Path(p["file"]).name for p in precedents} == {"gritters.txt", "minutes.txt"}
    assert {p["disposition"] for p in precedents} == {"disclosed", "s21_accessible"}
    lines = result.stderr.splitlines()
    assert any("empty.txt" in line and "empty" in line for line in lines)
    assert re.search(r"read 2 documents from 3 files in [\d.]+ s \([\d.]+ documents a second\)", result.stderr)
    assert "Traceback" not in result.stderr


def test_draft_takes_the_received_date_from_the_email_when_none_is_given(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sent = tmp_path / "request.eml"
    sent.write_text("From: Jo Quill <jo@example.org>\nTo: foi@fenmoor.example.org\nSubject: FOI request\n"
                    "Date: Mon, 24 Nov 2025 09:14:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n"
                    "Dear Fenmoor Council,\nHow many gritters does the council own?\nRegards,\nJo Quill\n",
                    encoding="utf-8")
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("From: Jo Quill <jo@example.org>\nSent: 21 November 2025 16:02\nSubject: FOI\n\n"
                      "How many libraries are open on Sundays?\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("How many parks have a cafe?\n", encoding="utf-8")

    received = {name: json.loads(_run("draft", str(path), "--json", data=data).stdout)["received"]
                for name, path in (("eml", sent), ("pasted", pasted), ("plain", plain))}
    given = json.loads(_run("draft", str(sent), "--received", "2025-11-25", "--json", data=data).stdout)

    assert received["eml"] == "2025-11-24"
    assert received["pasted"] == "2025-11-21"
    assert received["plain"] == date.today().isoformat()
    assert given["received"] == "2025-11-25"  # the option decides
