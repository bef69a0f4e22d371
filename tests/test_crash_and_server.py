"""Integration: a refresh killed mid-run, a concurrent refresh, and a real `chroma run` server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Ledger, Refresher, refresh_lock
from knowledge.settings import Settings
from knowledge.store import EXEMPTION_PRECEDENTS, PRECEDENTS, KnowledgeStore
from tests.conftest import SAMPLE_CORPUS

pytestmark = pytest.mark.slow
FOIBOT = str(Path(sys.executable).parent / "foibot")


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ, FOIBOT_DATA_DIR=str(settings.data_dir), HF_HUB_OFFLINE="1")
    env.update(extra)
    return env


def _assert_every_document_fully_old_or_new(settings: Settings) -> dict[str, str]:
    """What a reader sees: each file's records all from the one version the ledger names."""
    ledger = Ledger(settings.ledger_path)
    documents = ledger.documents()
    pending = ledger.pending_ids()
    ledger.close()
    store = KnowledgeStore(settings)
    hashes: dict[str, set[str]] = defaultdict(set)
    visible: set[str] = set()
    for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
        collection = store.collection(name)
        if collection is None:
            continue
        records = collection.get(include=["metadatas"])
        for record_id, metadata in zip(records["ids"], records["metadatas"], strict=True):
            if record_id in pending:
                continue
            visible.add(record_id)
            payload = json.loads(str(metadata["payload"]))
            hashes[str(metadata["source_file"])].add(str(payload["content_hash"]))
    for path, found in hashes.items():
        assert path in documents, f"{path} has records but no ledger entry"
        assert found == {documents[path][0]}, f"{path} mixes versions"
    assert visible == {record_id for _, ids in documents.values() for record_id in ids}
    return {path: digest for path, (digest, _) in documents.items()}


def _copy_corpus(target: Path) -> Path:
    shutil.copytree(SAMPLE_CORPUS, target)
    return target


def _touch_text_files(corpus: Path) -> None:
    for path in corpus.iterdir():
        if path.suffix in (".txt", ".md", ".html"):
            path.write_text(path.read_text(encoding="utf-8") + "\nUpdated for the test.\n", encoding="utf-8")


def test_refresh_killed_between_chroma_and_ledger_leaves_old_versions(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _copy_corpus(tmp_path / "corpus")
    Refresher(settings, KnowledgeStore(settings), embeddings).run([corpus])
    before = _assert_every_document_fully_old_or_new(settings)
    _touch_text_files(corpus)

    killed = subprocess.run([FOIBOT, "ingest", str(corpus)], env=_env(settings, FOIBOT_TEST_KILL_AT="after_upsert"),
                            capture_output=True, timeout=300, check=False)

    assert killed.returncode == -signal.SIGKILL
    assert _assert_every_document_fully_old_or_new(settings) == before
    summary = Refresher(settings, KnowledgeStore(settings), embeddings).run([corpus])
    after = _assert_every_document_fully_old_or_new(settings)
    assert summary.updated > 0
    assert summary.failed == []
    changed = [path for path in after if after[path] != before[path]]
    assert len(changed) == summary.updated


def test_refresh_killed_after_ledger_commit_is_finished_on_next_open(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _copy_corpus(tmp_path / "corpus")
    Refresher(settings, KnowledgeStore(settings), embeddings).run([corpus])
    _touch_text_files(corpus)

    killed = subprocess.run([FOIBOT, "ingest", str(corpus)], env=_env(settings, FOIBOT_TEST_KILL_AT="after_ledger"),
                            capture_output=True, timeout=300, check=False)

    assert killed.returncode == -signal.SIGKILL
    _assert_every_document_fully_old_or_new(settings)
    again = Refresher(settings, KnowledgeStore(settings), embeddings).run([corpus])
    assert again.failed == []
    _assert_every_document_fully_old_or_new(settings)
    assert Ledger(settings.ledger_path).pending_ids() == frozenset()


def test_refresh_killed_at_a_random_moment_resumes_cleanly(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _copy_corpus(tmp_path / "corpus")
    process = subprocess.Popen([FOIBOT, "ingest", str(corpus)], env=_env(settings),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Kill as soon as the first documents are committed, i.e. in the middle of the run.
    while time.monotonic() < deadline and process.poll() is None:
        if settings.ledger_path.exists():
            ledger = Ledger(settings.ledger_path)
            written = len(ledger.documents())
            ledger.close()
            if written:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    partial = _assert_every_document_fully_old_or_new(settings)
    summary = Refresher(settings, KnowledgeStore(settings), embeddings).run([corpus])
    complete = _assert_every_document_fully_old_or_new(settings)
    assert summary.failed == []
    assert len(complete) == len(partial) + summary.added
    assert summary.unchanged == len(partial)


def test_second_refresh_command_while_one_runs_is_refused(settings: Settings, tmp_path: Path) -> None:
    with refresh_lock(settings.data_dir):
        result = subprocess.run([FOIBOT, "ingest", str(tmp_path)], env=_env(settings),
                                capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "another refresh is running" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    """A real `chroma run` on 127.0.0.1, stopped after the test."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        pytest.fail("the chroma CLI is not installed in the virtualenv")
    port = _free_port()
    process = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_store_on_a_chroma_server_ingests_and_searches(
    chroma_server: int, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", chroma_host="127.0.0.1",  # type: ignore[call-arg]
                        chroma_port=chroma_server)
    corpus = _copy_corpus(tmp_path / "corpus")
    summary = Refresher(settings, KnowledgeStore(settings), embeddings).run([corpus])
    assert summary.failed == []
    assert summary.added > 40
    assert not (settings.data_dir / "chroma").exists()

    store = KnowledgeStore(settings)
    hits = store.search(embeddings.embed_array(["covert surveillance with drones"])[0], k=3)
    assert hits
    assert hits[0].disposition == "ncnd"
    again = Refresher(settings, store, embeddings).run([corpus])
    assert again.unchanged == summary.added
    assert store.counts()["precedents"] == summary.precedents_written
